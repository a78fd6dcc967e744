/* cancel-demo-op-command.c: run a shell loop, terminate it on cancel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-operation-private.h"

/* The command prints one line per step; each line is real progress. A
 * GCancellableSource on the scope brings the cancellation to the main
 * context, where the process gets SIGTERM, then SIGKILL if it is still
 * alive after the grace period. The scope ends when the process is gone,
 * so the monitor shows the operation until the work really stopped. */

#define LOOP \
  "i=0; while [ \"$i\" -lt \"$1\" ]; do i=$((i + 1)); echo \"$i\"; sleep \"$2\"; done"

typedef struct
{
  int               ref_count;   /* main thread only */
  GTask            *task;        /* the operation's, until it returns */
  CancelScope      *scope;
  GSubprocess      *process;
  GDataInputStream *output;
  GSource          *cancel_source;
  guint             kill_id;
  guint             steps;
  double            grace;
  gboolean          terminated;
  gboolean          killed;
} CommandJob;

static CommandJob *
command_job_ref (CommandJob *job)
{
  job->ref_count++;
  return job;
}

static void
command_job_unref (gpointer data)
{
  CommandJob *job = data;

  if (--job->ref_count > 0)
    return;

  g_assert (job->task == NULL);
  g_assert (job->kill_id == 0);
  g_assert (job->cancel_source == NULL);
  g_clear_object (&job->output);
  g_clear_object (&job->process);
  g_clear_object (&job->scope);
  g_free (job);
}

static gboolean
scope_is_running (CommandJob *job)
{
  return !cancel_status_is_final (cancel_scope_get_status (job->scope));
}

static void read_next_line (CommandJob *job);

static void
read_line_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CommandJob *job = user_data;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (job->output, result, NULL, NULL);
  if (line == NULL)
    {
      /* End of output: the process and its children are gone. */
      command_job_unref (job);
      return;
    }

  if (scope_is_running (job) && !job->terminated)
    {
      guint step = (guint) strtoul (line, NULL, 10);
      g_autofree char *message = NULL;

      /* Translators: "Step 12 of 300" */
      message = g_strdup_printf (_("Step %u of %u"), step, job->steps);
      cancel_scope_report_progress (job->scope,
                                    CLAMP ((double) step / job->steps, 0.0, 1.0),
                                    message);
    }

  read_next_line (job);
  command_job_unref (job);
}

static void
read_next_line (CommandJob *job)
{
  g_data_input_stream_read_line_async (job->output, G_PRIORITY_DEFAULT, NULL,
                                       read_line_done, command_job_ref (job));
}

static gboolean
kill_timeout (gpointer user_data)
{
  CommandJob *job = user_data;

  job->kill_id = 0;
  job->killed = TRUE;
  cancel_scope_report_progress (job->scope, cancel_scope_get_progress (job->scope),
                                _("Still running after the grace period: sent SIGKILL"));
  g_subprocess_force_exit (job->process);

  return G_SOURCE_REMOVE;
}

static gboolean
scope_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  CommandJob *job = user_data;
  g_autofree char *grace = NULL;
  g_autofree char *message = NULL;

  g_clear_pointer (&job->cancel_source, g_source_unref);

  job->terminated = TRUE;
  g_subprocess_send_signal (job->process, SIGTERM);

  grace = g_strdup_printf ("%.1f", job->grace);
  /* Translators: %s is a number of seconds, e.g. "3.0" */
  message = g_strdup_printf (_("Sent SIGTERM, SIGKILL follows in %s s"), grace);
  cancel_scope_report_progress (job->scope, cancel_scope_get_progress (job->scope), message);

  job->kill_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (job->grace * 1000),
                                     kill_timeout, command_job_ref (job),
                                     command_job_unref);
  g_source_set_name_by_id (job->kill_id, "[cancelable-demo] kill after grace");

  return G_SOURCE_REMOVE;
}

static char *
describe_exit (CommandJob *job)
{
  if (g_subprocess_get_if_signaled (job->process))
    {
      int sig = g_subprocess_get_term_sig (job->process);

      if (sig == SIGKILL && job->killed)
        return g_strdup (_("Killed with SIGKILL after the grace period"));
      if (sig == SIGTERM)
        return g_strdup (_("Terminated by SIGTERM"));
      /* Translators: %s is a signal name, e.g. "SIGSEGV" */
      return g_strdup_printf (_("Ended by signal %s"), g_strsignal (sig));
    }

  /* Translators: %d is the exit status of a process */
  return g_strdup_printf (_("Exited with status %d"), g_subprocess_get_exit_status (job->process));
}

static void
wait_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CommandJob *job = user_data;
  GError *error = NULL;
  char *summary;

  g_subprocess_wait_finish (job->process, result, NULL);

  g_clear_handle_id (&job->kill_id, g_source_remove);
  if (job->cancel_source != NULL)
    {
      g_source_destroy (job->cancel_source);
      g_clear_pointer (&job->cancel_source, g_source_unref);
    }

  summary = describe_exit (job);

  if (!cancel_scope_set_error_if_cancelled (job->scope, &error) &&
      !g_subprocess_get_successful (job->process))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 /* Translators: %s says how the command ended */
                 _("The command failed: %s"), summary);

  if (error == NULL)
    {
      g_free (summary);
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Ran %u step",
                                              "Ran %u steps",
                                              job->steps),
                                 job->steps);
    }

  _cancel_demo_operation_return (g_steal_pointer (&job->task), summary, error);
  command_job_unref (job);
}

void
_cancel_demo_run_command (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  char step_str[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *steps_str = NULL;
  g_autofree char *script = NULL;
  GError *error = NULL;
  CommandJob *job;
  GSource *source;

  cancel_scope_begin (scope);
  if (cancel_scope_set_error_if_cancelled (scope, &error))
    {
      _cancel_demo_operation_return (task, NULL, error);
      return;
    }

  job = g_new0 (CommandJob, 1);
  job->ref_count = 1;
  job->task = task;
  job->scope = g_object_ref (scope);
  job->steps = MAX (sizes->command_steps, 1);
  job->grace = sizes->kill_grace;

  /* The C locale's decimal point, whatever the user's locale. */
  g_ascii_dtostr (step_str, sizeof step_str, sizes->command_step);
  steps_str = g_strdup_printf ("%u", job->steps);
  script = g_strconcat (cancel_demo_workspace_get_ignore_sigterm (workspace) ? "trap '' TERM; " : "",
                        LOOP, NULL);

  job->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                   "/bin/sh", "-c", script, "sh", steps_str, step_str, NULL);
  if (job->process == NULL)
    {
      _cancel_demo_operation_return (g_steal_pointer (&job->task), NULL, error);
      command_job_unref (job);
      return;
    }

  job->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (job->process));
  read_next_line (job);

  g_subprocess_wait_async (job->process, NULL, wait_done, command_job_ref (job));

  source = g_cancellable_source_new (G_CANCELLABLE (scope));
  g_source_set_callback (source, G_SOURCE_FUNC (scope_cancelled),
                         command_job_ref (job), command_job_unref);
  g_source_set_name (source, "[cancelable-demo] command cancelled");
  g_source_attach (source, g_main_context_get_thread_default ());
  job->cancel_source = source;

  command_job_unref (job);
}
