/* subprocess.c: run a command under a scope with a deadline
 *
 * Built and run by the tests (tests/meson.build, 'example-subprocess').
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

static void
command_done (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  int exit_status, term_signal;

  if (cancel_subprocess_run_finish (result, &exit_status, &term_signal, &error))
    g_print ("exited with status 0\n");
  else
    g_print ("%s (exit status %d, signal %d)\n", error->message, exit_status, term_signal);

  *done = TRUE;
}

int
main (void)
{
  const char * const argv[] = { "sleep", "30", NULL };
  g_autoptr(CancelScope) scope = cancel_scope_new ("Wait for sleep");
  gboolean done = FALSE;

  /* The deadline stops the command: SIGTERM, then SIGKILL if it is still
   * running 2 s later. END_SCOPE: the outcome ends the scope. */
  cancel_scope_set_timeout (scope, 0.5, NULL);
  cancel_subprocess_run_async (argv, G_SUBPROCESS_FLAGS_NONE, scope,
                               CANCEL_SUBPROCESS_FLAGS_END_SCOPE, 2000,
                               command_done, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_print ("scope: %s\n", cancel_status_to_string (cancel_scope_get_status (scope)));

  return cancel_scope_get_status (scope) == CANCEL_STATUS_TIMED_OUT ? 0 : 1;
}
