/* cancel-subprocess.c: waiting for a GSubprocess under a scope, with
 * SIGTERM, a grace period and SIGKILL when the scope is cancelled
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-scope-private.h"
#include "cancel-subprocess.h"

G_DEFINE_FLAGS_TYPE (CancelSubprocessFlags, cancel_subprocess_flags,
  G_DEFINE_ENUM_VALUE (CANCEL_SUBPROCESS_FLAGS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CANCEL_SUBPROCESS_FLAGS_END_SCOPE, "end-scope"),
  G_DEFINE_ENUM_VALUE (CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS, "report-signals"))

/* One wait. Everything here is touched on the caller's context only: the
 * cancelled watch, the kill timer and GSubprocess's wait callback all run
 * there, so no lock is needed. The task holds the process until it is
 * reaped: GLib's child watch reaps it whatever happens to our references,
 * and the task returns only after that, so no path leaves a zombie. */
typedef struct
{
  GSubprocess           *process;
  CancelScope           *scope;
  GMainContext          *context;
  char                  *command;
  CancelSubprocessFlags  flags;
  guint                  grace_ms;
  gulong                 watch_id;
  GSource               *kill_source;
  gboolean               reaped;
  int                    exit_status;
  int                    term_signal;
} Wait;

static void
wait_free (gpointer data)
{
  Wait *wait = data;

  g_assert (wait->kill_source == NULL);
  g_assert (wait->watch_id == 0);
  g_clear_object (&wait->process);
  g_clear_object (&wait->scope);
  g_clear_pointer (&wait->context, g_main_context_unref);
  g_free (wait->command);
  g_free (wait);
}

static void
report_signal (Wait       *wait,
               const char *message)
{
  if ((wait->flags & CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS) &&
      _cancel_scope_is_live (wait->scope))
    cancel_scope_report_progress (wait->scope, cancel_scope_get_progress (wait->scope), message);
}

static gboolean
kill_after_grace (gpointer user_data)
{
  Wait *wait = g_task_get_task_data (user_data);
  g_autofree char *message = NULL;

  g_clear_pointer (&wait->kill_source, g_source_unref);
  if (wait->reaped)
    return G_SOURCE_REMOVE;

  _cancel_i18n_init ();
  /* Translators: %s is a command, %u a number of milliseconds */
  message = g_strdup_printf (_("Sent SIGKILL to “%s”: still running %u ms after SIGTERM"),
                             wait->command, wait->grace_ms);
  report_signal (wait, message);
  g_debug ("%s", message);
  g_subprocess_force_exit (wait->process);

  return G_SOURCE_REMOVE;
}

/* The scope was cancelled: runs on the caller's context. Sending a signal
 * to a process GLib reaped already does nothing (GSubprocess forgets its
 * pid then), so a process that exits meanwhile is never mistaken for
 * another one with a reused pid. */
static void
scope_cancelled (CancelScope *scope,
                 gpointer     user_data)
{
  GTask *task = user_data;
  Wait *wait = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  wait->watch_id = 0;  /* it ran: nothing to disconnect */
  if (wait->reaped)
    return;

  _cancel_i18n_init ();

  if (wait->grace_ms == 0)
    {
      /* Translators: %s is a command */
      message = g_strdup_printf (_("Sent SIGKILL to “%s”"), wait->command);
      report_signal (wait, message);
      g_debug ("%s", message);
      g_subprocess_force_exit (wait->process);
      return;
    }

  /* Translators: %s is a command, %u a number of milliseconds */
  message = g_strdup_printf (_("Sent SIGTERM to “%s”; SIGKILL follows in %u ms"),
                             wait->command, wait->grace_ms);
  report_signal (wait, message);
  g_debug ("%s", message);
  g_subprocess_send_signal (wait->process, SIGTERM);

  wait->kill_source = g_timeout_source_new (wait->grace_ms);
  g_source_set_callback (wait->kill_source, kill_after_grace,
                         g_object_ref (task), g_object_unref);
  g_source_set_static_name (wait->kill_source, "[cancel] SIGKILL after grace period");
  g_source_attach (wait->kill_source, wait->context);
}

/* The error of an ended process that did not succeed, or NULL. A scope
 * that was cancelled explains any failure: its error is the one GIO
 * callers test for. */
static GError *
outcome_error (Wait *wait)
{
  GError *error = NULL;

  if (wait->term_signal == 0 && wait->exit_status == 0)
    return NULL;

  if (cancel_scope_set_error_if_cancelled (wait->scope, &error))
    return error;

  _cancel_i18n_init ();

  if (wait->term_signal != 0)
    /* Translators: %s is a command, %d a signal number, the last %s its name */
    return g_error_new (G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                        _("Command “%s” was killed by signal %d (%s)"),
                        wait->command, wait->term_signal, g_strsignal (wait->term_signal));

  /* The domain and code of g_spawn_check_wait_status(). */
  /* Translators: %s is a command, %d its exit status */
  return g_error_new (G_SPAWN_EXIT_ERROR, wait->exit_status,
                      _("Command “%s” exited with status %d"),
                      wait->command, wait->exit_status);
}

/* Ends the scope as the flags ask, unless someone ended it already. */
static void
end_scope (Wait         *wait,
           const GError *error)
{
  if (!(wait->flags & CANCEL_SUBPROCESS_FLAGS_END_SCOPE) || !_cancel_scope_is_live (wait->scope))
    return;

  if (error != NULL)
    cancel_scope_fail (wait->scope, error);  /* cancelled: ends cancelled */
  else
    cancel_scope_end (wait->scope);
}

static void
process_reaped (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Wait *wait = g_task_get_task_data (task);
  GError *error = NULL;

  /* No cancellable was given: the wait cannot fail. */
  g_subprocess_wait_finish (wait->process, result, NULL);

  wait->reaped = TRUE;
  if (g_subprocess_get_if_exited (wait->process))
    {
      wait->exit_status = g_subprocess_get_exit_status (wait->process);
      wait->term_signal = 0;
    }
  else
    {
      wait->exit_status = -1;
      wait->term_signal = g_subprocess_get_term_sig (wait->process);
    }

  if (wait->kill_source != NULL)
    {
      g_source_destroy (wait->kill_source);
      g_clear_pointer (&wait->kill_source, g_source_unref);
    }
  if (wait->watch_id != 0)
    {
      /* Drops the callback and its task reference, if it has not run. */
      cancel_scope_disconnect_cancelled (wait->scope, wait->watch_id);
      wait->watch_id = 0;
    }

  error = outcome_error (wait);
  end_scope (wait, error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
begin_if_needed (CancelScope           *scope,
                 CancelSubprocessFlags  flags)
{
  if ((flags & CANCEL_SUBPROCESS_FLAGS_END_SCOPE) &&
      cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING)
    cancel_scope_begin (scope);
}

static GTask *
wait_task_new (gpointer               source_object,
               const char            *command,
               CancelScope           *scope,
               CancelSubprocessFlags  flags,
               guint                  grace_ms,
               gpointer               source_tag,
               GAsyncReadyCallback    callback,
               gpointer               user_data)
{
  GTask *task;
  Wait *wait;

  /* No cancellable: the task returns when the process is gone, not when
   * the scope is cancelled. */
  task = g_task_new (source_object, NULL, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[cancel] subprocess wait");

  wait = g_new0 (Wait, 1);
  wait->scope = g_object_ref (scope);
  wait->context = g_main_context_ref_thread_default ();
  wait->command = g_strdup (command);
  wait->flags = flags;
  wait->grace_ms = grace_ms;
  wait->exit_status = -1;
  g_task_set_task_data (task, wait, wait_free);

  return task;
}

/* Takes @task; @wait->process is set. */
static void
wait_start (GTask *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->command == NULL)
    wait->command = g_strdup_printf ("pid %s", g_subprocess_get_identifier (wait->process));

  begin_if_needed (wait->scope, wait->flags);
  wait->watch_id = cancel_scope_connect_cancelled (wait->scope, wait->context, scope_cancelled,
                                                   g_object_ref (task), g_object_unref);
  g_subprocess_wait_async (wait->process, NULL, process_reaped, task);
}

/**
 * cancel_subprocess_wait_async:
 * @subprocess: a process that was started
 * @command: (nullable): how messages and errors name the process, such as
 *   its `argv[0]`; %NULL names it by its process id
 * @scope: the scope whose cancellation stops the process
 * @flags: whether the outcome ends @scope
 * @grace_ms: how long the process has to exit after SIGTERM before it is
 *   sent SIGKILL, in milliseconds; 0 sends SIGKILL at once
 * @callback: (scope async) (closure user_data): called when the process is gone
 * @user_data: data for @callback
 *
 * Waits for @subprocess to exit. If @scope is cancelled first, for any
 * reason (a direct call, a deadline, a parent, a signal), the process is
 * sent SIGTERM, then SIGKILL if it is still running @grace_ms later; the
 * wait goes on until it is gone, so @callback always runs after the
 * process was reaped. Use [func@Cancel.subprocess_wait_finish] for the
 * outcome.
 *
 * With %CANCEL_SUBPROCESS_FLAGS_END_SCOPE, the outcome ends @scope (unless
 * it was ended already) just before @callback runs: a successful exit
 * ends it %CANCEL_STATUS_COMPLETED, a failure %CANCEL_STATUS_FAILED with
 * the error the finish function returns, a cancellation
 * %CANCEL_STATUS_CANCELLED or %CANCEL_STATUS_TIMED_OUT.
 *
 * Call from the thread whose thread-default main context is iterated:
 * the signals are sent and @callback runs there.
 *
 * Since: 0.2
 */
void
cancel_subprocess_wait_async (GSubprocess           *subprocess,
                              const char            *command,
                              CancelScope           *scope,
                              CancelSubprocessFlags  flags,
                              guint                  grace_ms,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  GTask *task;
  Wait *wait;

  g_return_if_fail (G_IS_SUBPROCESS (subprocess));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  task = wait_task_new (subprocess, command, scope, flags, grace_ms,
                        cancel_subprocess_wait_async, callback, user_data);
  wait = g_task_get_task_data (task);
  wait->process = g_object_ref (subprocess);
  wait_start (task);
}

static gboolean
wait_finish (GAsyncResult  *result,
             int           *exit_status,
             int           *term_signal,
             GError       **error)
{
  Wait *wait = g_task_get_task_data (G_TASK (result));

  if (exit_status != NULL)
    *exit_status = wait->exit_status;
  if (term_signal != NULL)
    *term_signal = wait->term_signal;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cancel_subprocess_wait_finish:
 * @subprocess: the process given to [func@Cancel.subprocess_wait_async]
 * @result: the result given to its callback
 * @exit_status: (out) (optional): the exit status, or -1 if the process
 *   was ended by a signal
 * @term_signal: (out) (optional): the signal that ended the process, or 0
 *   if it exited
 * @error: return location for an error
 *
 * The outcome of a wait: the process is gone, @exit_status and
 * @term_signal say how it ended, also when an error is returned.
 *
 * The error, if any: the scope's cancellation error
 * (%G_IO_ERROR_CANCELLED, or %G_IO_ERROR_TIMED_OUT for its own deadline)
 * if the scope was cancelled and the process did not succeed; otherwise
 * a %G_SPAWN_EXIT_ERROR whose code is the exit status, or
 * %G_SPAWN_ERROR_FAILED for a signal the scope did not cause, with a
 * message that names the command.
 *
 * Call from the thread the callback ran in.
 *
 * Returns: %TRUE if the process exited with status 0
 *
 * Since: 0.2
 */
gboolean
cancel_subprocess_wait_finish (GSubprocess   *subprocess,
                               GAsyncResult  *result,
                               int           *exit_status,
                               int           *term_signal,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_SUBPROCESS (subprocess), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, subprocess), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cancel_subprocess_wait_async, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return wait_finish (result, exit_status, term_signal, error);
}

/**
 * cancel_subprocess_run_async:
 * @argv: (array zero-terminated=1) (element-type filename): the command
 *   and its arguments; `argv[0]` is looked up in `PATH`
 * @spawn_flags: how the process is started (its standard streams are
 *   not available to the caller: use %G_SUBPROCESS_FLAGS_STDOUT_SILENCE
 *   and the like, not pipes)
 * @scope: the scope whose cancellation stops the process
 * @flags: whether the outcome ends @scope
 * @grace_ms: how long the process has to exit after SIGTERM before it is
 *   sent SIGKILL, in milliseconds; 0 sends SIGKILL at once
 * @callback: (scope async) (closure user_data): called when the process is gone
 * @user_data: data for @callback
 *
 * Starts @argv and waits for it as [func@Cancel.subprocess_wait_async]
 * does; errors name it by `argv[0]`. If it cannot be started (say, the
 * command does not exist), the finish function returns the spawn error,
 * and with %CANCEL_SUBPROCESS_FLAGS_END_SCOPE @scope fails with it.
 *
 * Call from the thread whose thread-default main context is iterated:
 * the signals are sent and @callback runs there.
 *
 * Since: 0.2
 */
void
cancel_subprocess_run_async (const char * const    *argv,
                             GSubprocessFlags       spawn_flags,
                             CancelScope           *scope,
                             CancelSubprocessFlags  flags,
                             guint                  grace_ms,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Wait *wait;

  g_return_if_fail (argv != NULL && argv[0] != NULL);
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  task = wait_task_new (NULL, argv[0], scope, flags, grace_ms,
                        cancel_subprocess_run_async, callback, user_data);
  wait = g_task_get_task_data (task);
  wait->process = g_subprocess_newv (argv, spawn_flags, &error);
  if (wait->process == NULL)
    {
      begin_if_needed (scope, flags);
      end_scope (wait, error);
      g_task_return_error (task, error);
      return;
    }

  wait_start (g_steal_pointer (&task));
}

/**
 * cancel_subprocess_run_finish:
 * @result: the result given to the callback of
 *   [func@Cancel.subprocess_run_async]
 * @exit_status: (out) (optional): the exit status, or -1 if the process
 *   was ended by a signal or never started
 * @term_signal: (out) (optional): the signal that ended the process, or 0
 * @error: return location for an error
 *
 * The outcome of a run, as [func@Cancel.subprocess_wait_finish] tells it,
 * or the error that kept the process from starting.
 *
 * Call from the thread the callback ran in.
 *
 * Returns: %TRUE if the process exited with status 0
 *
 * Since: 0.2
 */
gboolean
cancel_subprocess_run_finish (GAsyncResult  *result,
                              int           *exit_status,
                              int           *term_signal,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cancel_subprocess_run_async, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return wait_finish (result, exit_status, term_signal, error);
}
