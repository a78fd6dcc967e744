/* cancel-gtk-init.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_GTK_INSIDE) && !defined(CANCEL_GTK_COMPILATION)
# error "Only <cancel-gtk.h> can be included directly."
#endif

#include <gtk/gtk.h>

#include "cancel-gtk-version-macros.h"

G_BEGIN_DECLS

CANCEL_GTK_AVAILABLE_IN_ALL
void cancel_gtk_init (void);

G_END_DECLS
