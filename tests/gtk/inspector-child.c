/* inspector-child.c: a plain GTK 4 program that knows nothing of
 * libcancelable. Run with GTK_PATH pointing at a folder holding the
 * Inspector module, it opens the Inspector and reports whether the
 * "Operations" page is there (exit status 0) or not (1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gtk/gtk.h>

#include "gtk-test-util.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) pages = NULL;
  GtkWidget *window, *inspector, *page;
  GType page_type;
  char *title = NULL;

  if (!gtk_init_check ())
    {
      g_printerr ("no display\n");
      return 77;
    }

  /* An application window, as any program has. */
  window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (window));

  gtk_window_set_interactive_debugging (TRUE);
  test_wait_for (test_inspector_exists, NULL, "the Inspector window");
  inspector = test_find_inspector ();

  page_type = g_type_from_name ("CancelGtkInspectorPage");
  if (page_type == 0)
    {
      g_print ("the module was not loaded: no CancelGtkInspectorPage type\n");
      return 1;
    }

  pages = test_find_descendants (inspector, page_type);
  if (pages->len != 1)
    {
      g_print ("expected one Operations page, found %u\n", pages->len);
      return 1;
    }

  page = g_ptr_array_index (pages, 0);
  g_object_get (page, "title", &title, NULL);
  g_print ("found %s titled %s on %s display\n",
           G_OBJECT_TYPE_NAME (page), title,
           gtk_widget_get_display (page) == gdk_display_get_default () ? "the application's" : "its own");
  g_free (title);

  gtk_window_set_interactive_debugging (FALSE);
  gtk_window_destroy (GTK_WINDOW (window));

  return 0;
}
