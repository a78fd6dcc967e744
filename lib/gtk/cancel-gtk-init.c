/* cancel-gtk-init.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-init.h"
#include "cancel-i18n-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-inspector-page-private.h"
#include "cancel-gtk-monitor.h"
#include "cancel-gtk-style-private.h"

void
_cancel_gtk_i18n_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      _cancel_i18n_bind (GETTEXT_PACKAGE, LOCALEDIR);
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * cancel_gtk_init:
 *
 * Initializes libcancelable-gtk: binds its translations and adds an
 * "Operations" page showing the default [class@Cancel.Registry] to GTK's
 * Inspector (at the `gtk-inspector-page` extension point, which this
 * registers if GTK has not yet).
 *
 * Call it on the GTK thread, after gtk_init(). Calling it again does
 * nothing. The page is also available, without this call, to any GTK 4
 * application when the library's Inspector module is installed in GTK's
 * `gtk-4.0/4.0.0/inspector` module folder; both ways give one page.
 *
 * Call from the GTK thread only.
 *
 * Since: 0.1
 */
void
cancel_gtk_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      GIOExtensionPoint *extension_point;

      _cancel_gtk_i18n_init ();

      /* GTK registers the point when its Inspector starts, which may be
       * later; registering returns the existing point if there is one. */
      extension_point = g_io_extension_point_lookup (CANCEL_GTK_INSPECTOR_EXTENSION_POINT);
      if (extension_point == NULL)
        {
          extension_point = g_io_extension_point_register (CANCEL_GTK_INSPECTOR_EXTENSION_POINT);
          g_io_extension_point_set_required_type (extension_point, GTK_TYPE_WIDGET);
        }

      g_type_ensure (CANCEL_GTK_TYPE_MONITOR);
      /* Before GTK's Inspector opens its display, so the stylesheet is
       * there when the page is styled. */
      _cancel_gtk_style_init ();

      /* Implementing the same type twice (the module and this call) keeps
       * one extension: GIO matches implementations by type. */
      if (g_io_extension_point_get_extension_by_name (extension_point,
                                                      CANCEL_GTK_INSPECTOR_EXTENSION_NAME) == NULL)
        g_io_extension_point_implement (CANCEL_GTK_INSPECTOR_EXTENSION_POINT,
                                        CANCEL_GTK_TYPE_INSPECTOR_PAGE,
                                        CANCEL_GTK_INSPECTOR_EXTENSION_NAME,
                                        10);

      g_once_init_leave (&initialized, 1);
    }
}
