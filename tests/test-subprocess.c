/* test-subprocess.c: waiting for real processes under a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cancel-test-util.h"

static void
got_result (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* /bin/sh -c SCRIPT, its stdout piped when @pipe. The script starts once
 * its pid was read: GSubprocess forgets the pid of a reaped process. */
static GSubprocess *
spawn_sh (const char *script,
          gboolean    pipe,
          GPid       *pid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *held = g_strconcat ("read _; ", script, NULL);
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                              (pipe ? G_SUBPROCESS_FLAGS_STDOUT_PIPE : G_SUBPROCESS_FLAGS_NONE),
                              &error, "/bin/sh", "-c", held, NULL);
  g_assert_no_error (error);
  *pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  g_assert_cmpint (*pid, >, 0);
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, &error);
  g_assert_no_error (error);

  return process;
}

/* Reads the line a script prints once it is ready (its traps are set). */
static void
wait_ready (GSubprocess *process)
{
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
}

/* No zombie: GLib reaped the child before the wait returned, so it is no
 * child of ours any more. */
static void
assert_reaped (GPid pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

static gboolean
wait_sh (GSubprocess           *process,
         CancelScope           *scope,
         CancelSubprocessFlags  flags,
         guint                  grace_ms,
         int                   *exit_status,
         int                   *term_signal,
         GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cancel_subprocess_wait_async (process, "sh", scope, flags, grace_ms, got_result, &result);
  WAIT_UNTIL (NULL, result != NULL);

  return cancel_subprocess_wait_finish (process, result, exit_status, term_signal, error);
}

static void
test_exit_zero (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "true");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status = -2, term_signal = -2;
  GPid pid;

  process = spawn_sh ("exit 0", FALSE, &pid);
  g_assert_true (wait_sh (process, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, 1000,
                          &exit_status, &term_signal, &error));
  g_assert_no_error (error);
  g_assert_cmpint (exit_status, ==, 0);
  g_assert_cmpint (term_signal, ==, 0);
  /* A pending scope was begun, and the outcome ended it. */
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  assert_reaped (pid);
}

static void
test_exit_status (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "exit 3");
  g_autoptr(CancelScope) untouched = new_private_scope (NULL, "not ended");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) scope_error = NULL;
  int exit_status = -2, term_signal = -2;
  GPid pid;

  cancel_scope_begin (scope);
  process = spawn_sh ("exit 3", FALSE, &pid);
  g_assert_false (wait_sh (process, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, 1000,
                           &exit_status, &term_signal, &error));
  /* GLib's own domain and code for an exit status, and a message that
   * names the command and the status. */
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 3);
  g_assert_cmpstr (error->message, ==, "Command “sh” exited with status 3");
  g_assert_cmpint (exit_status, ==, 3);
  g_assert_cmpint (term_signal, ==, 0);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  scope_error = cancel_scope_dup_error (scope);
  g_assert_error (scope_error, G_SPAWN_EXIT_ERROR, 3);
  g_assert_cmpstr (scope_error->message, ==, error->message);
  assert_reaped (pid);

  /* Without END_SCOPE the scope is the caller's to end; NULL out-params. */
  g_clear_error (&error);
  g_clear_object (&process);
  cancel_scope_begin (untouched);
  process = spawn_sh ("exit 3", FALSE, &pid);
  g_assert_false (wait_sh (process, untouched, CANCEL_SUBPROCESS_FLAGS_NONE, 1000,
                           NULL, NULL, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 3);
  g_assert_cmpint (cancel_scope_get_status (untouched), ==, CANCEL_STATUS_RUNNING);
  cancel_scope_end (untouched);
  assert_reaped (pid);
}

/* A child that ignores SIGTERM is killed when the grace period is over:
 * not before, and long before it would have exited by itself. */
static void
test_ignores_sigterm (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "stubborn");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *progress = NULL;
  const guint grace_ms = 300;
  int exit_status = -2, term_signal = -2;
  gint64 cancelled_at, elapsed;
  GPid pid;

  cancel_scope_begin (scope);
  cancel_scope_report_progress (scope, 0.25, "Working");
  /* exec: the sleep itself ignores SIGTERM, and no grandchild survives. */
  process = spawn_sh ("trap '' TERM; echo ready; exec sleep 30", TRUE, &pid);
  cancel_subprocess_wait_async (process, "stubborn", scope,
                                CANCEL_SUBPROCESS_FLAGS_END_SCOPE |
                                CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS,
                                grace_ms, got_result, &result);
  wait_ready (process);

  cancelled_at = g_get_monotonic_time ();
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stop");
  WAIT_UNTIL (NULL, result != NULL);
  elapsed = g_get_monotonic_time () - cancelled_at;
  g_test_message ("killed %" G_GINT64_FORMAT " ms after the cancellation", elapsed / 1000);

  g_assert_false (cancel_subprocess_wait_finish (process, result, &exit_status, &term_signal, &error));
  g_assert_cmpint (term_signal, ==, SIGKILL);
  g_assert_cmpint (exit_status, ==, -1);
  g_assert_cmpint (elapsed, >=, grace_ms * 1000);
  g_assert_cmpint (elapsed, <, 20 * G_USEC_PER_SEC);
  /* The scope's cancellation is the error; the scope ended cancelled. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "Stop"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  /* The signals were reported, the fraction kept. */
  progress = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (progress, ==, "Sent SIGKILL to “stubborn”: still running 300 ms after SIGTERM");
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 0.25);
  assert_reaped (pid);
}

/* A grace period of 0 kills at once, even a process that would stop. */
static void
test_no_grace (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "no grace");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  int term_signal = -2;
  GPid pid;

  cancel_scope_begin (scope);
  /* Cancelled before the wait: the kill follows in a later iteration. */
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  process = spawn_sh ("exec sleep 30", FALSE, &pid);
  g_assert_false (wait_sh (process, scope, CANCEL_SUBPROCESS_FLAGS_NONE, 0,
                           NULL, &term_signal, &error));
  g_assert_cmpint (term_signal, ==, SIGKILL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
  cancel_scope_end (scope);
  assert_reaped (pid);
}

/* A parent's 200 ms deadline reaches the process through its child scope:
 * SIGTERM, which it obeys. */
static void
test_parent_deadline (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "parent");
  g_autoptr(CancelScope) scope = new_private_scope (parent, "sleeper");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  int exit_status = -2, term_signal = -2;
  gint64 started, elapsed;
  GPid pid;

  cancel_scope_begin (parent);
  cancel_scope_begin (scope);
  process = spawn_sh ("exec sleep 30", FALSE, &pid);
  started = g_get_monotonic_time ();
  g_assert_true (cancel_scope_set_timeout (parent, 0.2, NULL));
  g_assert_false (wait_sh (process, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, 5000,
                           &exit_status, &term_signal, &error));
  elapsed = g_get_monotonic_time () - started;
  g_test_message ("stopped %" G_GINT64_FORMAT " ms after the deadline was set", elapsed / 1000);

  g_assert_cmpint (term_signal, ==, SIGTERM);
  g_assert_cmpint (elapsed, >=, 200 * 1000);
  g_assert_cmpint (elapsed, <, 20 * G_USEC_PER_SEC);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  cancel_scope_end (parent);
  g_assert_cmpint (cancel_scope_get_status (parent), ==, CANCEL_STATUS_TIMED_OUT);
  assert_reaped (pid);
}

/* The scope's own deadline: the error and the status say it timed out. */
static void
test_own_deadline (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "slow");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  GPid pid;

  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, NULL));
  process = spawn_sh ("exec sleep 30", FALSE, &pid);
  g_assert_false (wait_sh (process, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, 5000,
                           NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  assert_reaped (pid);
}

static gboolean
run (const char * const    *argv,
     CancelScope           *scope,
     CancelSubprocessFlags  flags,
     int                   *exit_status,
     int                   *term_signal,
     GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cancel_subprocess_run_async (argv, G_SUBPROCESS_FLAGS_NONE, scope, flags, 1000,
                               got_result, &result);
  WAIT_UNTIL (NULL, result != NULL);

  return cancel_subprocess_run_finish (result, exit_status, term_signal, error);
}

static void
test_run (void)
{
  const char * const ok[] = { "/bin/sh", "-c", "exit 0", NULL };
  const char * const failing[] = { "/bin/sh", "-c", "exit 7", NULL };
  const char * const cancelled[] = { "/bin/sh", "-c", "exec sleep 30", NULL };
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "run");
  g_autoptr(CancelScope) failed = new_private_scope (NULL, "run failing");
  g_autoptr(CancelScope) stopped = new_private_scope (NULL, "run stopped");
  g_autoptr(GError) error = NULL;
  int exit_status = -2, term_signal = -2;

  g_assert_true (run (ok, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, &exit_status, &term_signal, &error));
  g_assert_no_error (error);
  g_assert_cmpint (exit_status, ==, 0);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);

  g_assert_false (run (failing, failed, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, &exit_status, NULL, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 7);
  g_assert_cmpstr (error->message, ==, "Command “/bin/sh” exited with status 7");
  g_assert_cmpint (exit_status, ==, 7);
  g_assert_cmpint (cancel_scope_get_status (failed), ==, CANCEL_STATUS_FAILED);
  g_clear_error (&error);

  g_assert_true (cancel_scope_set_timeout (stopped, 0.05, NULL));
  g_assert_false (run (cancelled, stopped, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, NULL, &term_signal, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (term_signal, ==, SIGTERM);
  g_assert_cmpint (cancel_scope_get_status (stopped), ==, CANCEL_STATUS_TIMED_OUT);
}

/* A command that does not exist: the spawn error, the scope failed with
 * it if asked, and nothing else (ASan and valgrind check the leaks). */
static void
test_not_found (void)
{
  const char * const argv[] = { "/nonexistent/cancelable-test-command", NULL };
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "missing");
  g_autoptr(CancelScope) untouched = new_private_scope (NULL, "missing, not ended");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) scope_error = NULL;
  int exit_status = -2, term_signal = -2;

  g_assert_false (run (argv, scope, CANCEL_SUBPROCESS_FLAGS_END_SCOPE, &exit_status, &term_signal, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_assert_cmpint (exit_status, ==, -1);
  g_assert_cmpint (term_signal, ==, 0);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  scope_error = cancel_scope_dup_error (scope);
  g_assert_error (scope_error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_false (run (argv, untouched, CANCEL_SUBPROCESS_FLAGS_NONE, NULL, NULL, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_assert_cmpint (cancel_scope_get_status (untouched), ==, CANCEL_STATUS_PENDING);
}

static void
test_bad_input (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "bad");
      g_autoptr(GSubprocess) process = NULL;
      GPid pid;

      process = spawn_sh ("exit 0", FALSE, &pid);
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*G_IS_SUBPROCESS*");
      cancel_subprocess_wait_async (NULL, NULL, scope, 0, 0, NULL, NULL);
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*CANCEL_IS_SCOPE*");
      cancel_subprocess_wait_async (process, NULL, NULL, 0, 0, NULL, NULL);
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*argv != NULL*");
      cancel_subprocess_run_async (NULL, 0, scope, 0, 0, NULL, NULL);
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*CANCEL_IS_SCOPE*");
      cancel_subprocess_run_async ((const char * const[]) { "true", NULL }, 0, NULL, 0, 0, NULL, NULL);
      g_test_assert_expected_messages ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Subprocess/exit-zero", test_exit_zero);
  g_test_add_func ("/Cancel/Subprocess/exit-status", test_exit_status);
  g_test_add_func ("/Cancel/Subprocess/ignores-sigterm", test_ignores_sigterm);
  g_test_add_func ("/Cancel/Subprocess/no-grace", test_no_grace);
  g_test_add_func ("/Cancel/Subprocess/parent-deadline", test_parent_deadline);
  g_test_add_func ("/Cancel/Subprocess/own-deadline", test_own_deadline);
  g_test_add_func ("/Cancel/Subprocess/run", test_run);
  g_test_add_func ("/Cancel/Subprocess/not-found", test_not_found);
  g_test_add_func ("/Cancel/Subprocess/bad-input", test_bad_input);

  return g_test_run ();
}
