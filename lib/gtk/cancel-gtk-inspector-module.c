/* cancel-gtk-inspector-module.c: the Inspector page as a GIO module
 *
 * Installed in GTK's gtk-4.0/4.0.0/inspector folder, it is loaded by the
 * Inspector of any GTK 4 application when the Inspector starts
 * (gtk_inspector_init() loads every module of that folder), and adds the
 * "Operations" page exactly as cancel_gtk_init() does.
 *
 * GIO unloads a module whose load added no dynamic type, but the page's
 * type lives in libcancelable-gtk, which must then stay loaded: the module
 * is linked with -z nodelete so unloading it never unloads the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>
#include <gmodule.h>

#include <cancel-gtk.h>

G_MODULE_EXPORT void
g_io_module_load (GIOModule *module)
{
  cancel_gtk_init ();
}

G_MODULE_EXPORT void
g_io_module_unload (GIOModule *module)
{
}

G_MODULE_EXPORT char **
g_io_module_query (void)
{
  char *extension_points[] = { (char *) "gtk-inspector-page", NULL };

  return g_strdupv (extension_points);
}
