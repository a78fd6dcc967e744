/* cancel-gtk-inspector-page-private.h: the "Operations" page of GTK's Inspector
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_INSPECTOR_PAGE (cancel_gtk_inspector_page_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkInspectorPage, cancel_gtk_inspector_page, CANCEL_GTK, INSPECTOR_PAGE, GtkWidget)

G_END_DECLS
