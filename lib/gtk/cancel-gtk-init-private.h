/* cancel-gtk-init-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Binds the gettext domain of the library once; cheap after that. */
void _cancel_gtk_i18n_init (void);

#define CANCEL_GTK_INSPECTOR_EXTENSION_POINT "gtk-inspector-page"
#define CANCEL_GTK_INSPECTOR_EXTENSION_NAME  "cancelable-operations"

G_END_DECLS
