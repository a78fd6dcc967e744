/* file-copy-progress.c: g_file_copy_async() reporting into a scope
 * (docs/integrations-streams.md)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

static void
copied (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  CancelScope *scope = user_data;
  g_autoptr(GError) error = NULL;

  if (g_file_copy_finish (G_FILE (object), result, &error))
    cancel_scope_end (scope);
  else
    cancel_scope_fail (scope, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Copy a file");
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *message = NULL;

  if (argc != 3)
    {
      g_printerr ("Usage: %s SOURCE DESTINATION\n", argv[0]);
      return 2;
    }
  source = g_file_new_for_commandline_arg (argv[1]);
  destination = g_file_new_for_commandline_arg (argv[2]);

  cancel_scope_begin (scope);
  /* The scope is the cancellable and gets the progress: its fraction and
   * a message such as “12.3 MiB of 40.0 MiB”. */
  g_file_copy_async (source, destination, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     G_CANCELLABLE (scope), cancel_scope_file_progress, scope,
                     copied, scope);

  /* Under a running loop, as in an application, GIO's progress calls
   * arrive on this thread, in order, before the result; a loop iterated
   * by hand lets GLib 2.74 make them in its worker thread, out of order. */
  g_signal_connect_swapped (scope, "finished", G_CALLBACK (g_main_loop_quit), loop);
  g_main_loop_run (loop);

  message = cancel_scope_dup_progress_message (scope);
  g_print ("%s: %s\n", cancel_status_to_string (cancel_scope_get_status (scope)),
           message != NULL ? message : "(no progress)");

  return cancel_scope_get_status (scope) == CANCEL_STATUS_COMPLETED ? 0 : 1;
}
