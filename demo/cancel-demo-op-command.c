/* cancel-demo-op-command.c: run a shell loop under the operation's scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-operation-private.h"

/* The command prints one line per step; each line is real progress. The
 * library's subprocess integration (cancel_subprocess_wait_async()) stops
 * it when the scope is cancelled: SIGTERM, then SIGKILL if it is still
 * alive after the grace period, each reported in the scope's progress
 * message. The operation returns when the process is gone, so the monitor
 * shows it until the work really stopped. */

#define LOOP \
  "i=0; while [ \"$i\" -lt \"$1\" ]; do i=$((i + 1)); echo \"$i\"; sleep \"$2\"; done"

typedef struct
{
  int               ref_count;   /* main thread only */
  GTask            *task;        /* the operation's, until it returns */
  CancelScope      *scope;
  GSubprocess      *process;
  GDataInputStream *output;
  guint             steps;
  guint             grace_ms;
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
  g_clear_object (&job->output);
  g_clear_object (&job->process);
  g_clear_object (&job->scope);
  g_free (job);
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

  /* Once cancelled, the progress message says which signal was sent. */
  if (!g_cancellable_is_cancelled (G_CANCELLABLE (job->scope)) &&
      !cancel_status_is_final (cancel_scope_get_status (job->scope)))
    {
      guint step = (guint) strtoul (line, NULL, 10);
      g_autofree char *step_text = _cancel_demo_format_count (step);
      g_autofree char *steps_text = _cancel_demo_format_count (job->steps);
      g_autofree char *message = NULL;

      /* Translators: "Step 12 of 100,000" (numbers grouped by the locale) */
      message = g_strdup_printf (_("Step %s of %s"), step_text, steps_text);
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

static char *
describe_exit (CommandJob *job,
               int         exit_status,
               int         term_signal)
{
  if (term_signal == SIGKILL && job->grace_ms > 0)
    return g_strdup (_("Killed with SIGKILL after the grace period"));
  if (term_signal == SIGTERM)
    return g_strdup (_("Terminated by SIGTERM"));
  if (term_signal != 0)
    /* Translators: %s is a signal name, e.g. "SIGSEGV" */
    return g_strdup_printf (_("Ended by signal %s"), g_strsignal (term_signal));

  /* Translators: %d is the exit status of a process */
  return g_strdup_printf (_("Exited with status %d"), exit_status);
}

static void
wait_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CommandJob *job = user_data;
  GError *error = NULL;
  int exit_status, term_signal;
  char *summary;

  /* The error names the operation and the reason when it was cancelled,
   * the command and its status when it failed. */
  if (cancel_subprocess_wait_finish (job->process, result, &exit_status, &term_signal, &error))
    {
      g_autofree char *steps_text = _cancel_demo_format_count (job->steps);

      /* Translators: %s is a number, grouped by the locale */
      summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Ran %s step",
                                              "Ran %s steps",
                                              job->steps),
                                 steps_text);
    }
  else
    summary = describe_exit (job, exit_status, term_signal);

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
  job->grace_ms = (guint) (sizes->kill_grace * 1000);

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

  /* The operation ends the scope itself, with its summary. */
  cancel_subprocess_wait_async (job->process, "sh", scope,
                                CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS, job->grace_ms,
                                wait_done, job);
}
