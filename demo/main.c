/* main.c: cancelable-demo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CancelDemoApplication) application = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = cancel_demo_application_new ();
  return g_application_run (G_APPLICATION (application), argc, argv);
}
