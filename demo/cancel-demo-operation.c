/* cancel-demo-operation.c: launcher metadata and the common plumbing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-operation-private.h"

G_DEFINE_ENUM_TYPE (CancelDemoKind, cancel_demo_kind,
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_HASH, "hash"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_COPY, "copy"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_COMMAND, "command"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_BATCH, "batch"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_SHIELDED, "shielded"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_CONDITION, "condition"),
  G_DEFINE_ENUM_VALUE (CANCEL_DEMO_KIND_DOWNLOAD, "download"))

typedef struct
{
  const char *title;
  const char *description;
  const char *icon_name;
  void      (*run) (GTask *task);
} KindInfo;

static const KindInfo kinds[CANCEL_DEMO_N_KINDS] = {
  [CANCEL_DEMO_KIND_HASH] = {
    N_("Hash a Large File"),
    N_("Writes random data to a temporary file, then computes its SHA-256 checksum in a worker thread."),
    /* A checksum is the file's fingerprint (not a download). */
    "auth-fingerprint-symbolic",
    _cancel_demo_run_hash,
  },
  [CANCEL_DEMO_KIND_COPY] = {
    N_("Copy a Folder Tree"),
    N_("Creates a tree of files, then copies it file by file with g_file_copy_async()."),
    "folder-symbolic",
    _cancel_demo_run_copy,
  },
  [CANCEL_DEMO_KIND_COMMAND] = {
    N_("Run a Command"),
    N_("Runs a shell loop with GSubprocess. Cancelling sends SIGTERM, then SIGKILL after a grace period."),
    "utilities-terminal-symbolic",
    _cancel_demo_run_command,
  },
  [CANCEL_DEMO_KIND_BATCH] = {
    N_("Run a Batch"),
    N_("Runs many child operations under one parent scope on a pool of four worker threads."),
    "view-list-symbolic",
    _cancel_demo_run_batch,
  },
  [CANCEL_DEMO_KIND_SHIELDED] = {
    N_("Roll Back When Cancelled"),
    N_("Writes a journal in parts. When cancelled, a shielded child scope rolls it back."),
    "edit-undo-symbolic",
    _cancel_demo_run_journal,
  },
  [CANCEL_DEMO_KIND_CONDITION] = {
    N_("Stop on a Condition"),
    N_("Counts prime numbers until the stop condition below is switched on."),
    "system-run-symbolic",
    _cancel_demo_run_primes,
  },
  [CANCEL_DEMO_KIND_DOWNLOAD] = {
    N_("Download"),
    N_("Downloads a large body from an HTTP server in this process. The server’s side of the request is an operation of its own, cancelled when the download is."),
    "folder-download-symbolic",
    _cancel_demo_run_download,
  },
};

/**
 * cancel_demo_kind_to_string:
 * @kind: a launcher kind
 *
 * Returns: the kind's nick ("hash", "copy", ...), used as the target of
 *   the `win.launch` action
 */
const char *
cancel_demo_kind_to_string (CancelDemoKind kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CANCEL_DEMO_TYPE_KIND);
  GEnumValue *value = g_enum_get_value (klass, kind);

  g_return_val_if_fail (value != NULL, NULL);

  /* Enum classes are never unloaded: the nick stays valid. */
  return value->value_nick;
}

/**
 * cancel_demo_kind_from_string:
 * @string: a nick
 * @kind: (out): return location for the kind
 *
 * Returns: %TRUE if @string names a kind
 */
gboolean
cancel_demo_kind_from_string (const char     *string,
                              CancelDemoKind *kind)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  klass = g_type_class_ref (CANCEL_DEMO_TYPE_KIND);
  value = g_enum_get_value_by_nick (klass, string);
  if (value == NULL)
    return FALSE;

  *kind = value->value;
  return TRUE;
}

const char *
cancel_demo_kind_get_title (CancelDemoKind kind)
{
  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);

  return _(kinds[kind].title);
}

const char *
cancel_demo_kind_get_description (CancelDemoKind kind)
{
  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);

  return _(kinds[kind].description);
}

const char *
cancel_demo_kind_get_icon_name (CancelDemoKind kind)
{
  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);

  return kinds[kind].icon_name;
}

/**
 * cancel_demo_kind_dup_scope_name:
 * @kind: a launcher kind
 * @workspace: the workspace whose sizes and options apply
 *
 * Returns: (transfer full): the name of a new operation of this kind, as
 *   the monitor shows it
 */
char *
cancel_demo_kind_dup_scope_name (CancelDemoKind       kind,
                                 CancelDemoWorkspace *workspace)
{
  CancelDemoSizes *sizes;
  g_autofree char *size = NULL;
  guint n;

  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (workspace), NULL);

  sizes = cancel_demo_workspace_get_sizes (workspace);

  switch (kind)
    {
    case CANCEL_DEMO_KIND_HASH:
      size = _cancel_demo_format_size (sizes->hash_bytes);
      /* Translators: %s is a size, e.g. "256.0 MiB" */
      return g_strdup_printf (_("Hash %s of random data"), size);

    case CANCEL_DEMO_KIND_COPY:
      n = sizes->copy_dirs * sizes->copy_files_per_dir;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Copy a tree of %u file",
                                           "Copy a tree of %u files", n), n);

    case CANCEL_DEMO_KIND_COMMAND:
      if (cancel_demo_workspace_get_ignore_sigterm (workspace))
        return g_strdup (_("Run a shell loop that ignores SIGTERM"));
      return g_strdup (_("Run a shell loop"));

    case CANCEL_DEMO_KIND_BATCH:
      n = cancel_demo_workspace_get_batch_size (workspace);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Batch of %u item",
                                           "Batch of %u items", n), n);

    case CANCEL_DEMO_KIND_SHIELDED:
      return g_strdup (_("Write a journal"));

    case CANCEL_DEMO_KIND_DOWNLOAD:
      size = _cancel_demo_format_size (sizes->download_bytes);
      /* Translators: %s is a size, e.g. "64.0 MiB" */
      return g_strdup_printf (_("Download %s over HTTP"), size);

    case CANCEL_DEMO_KIND_CONDITION:
      size = _cancel_demo_format_count (sizes->primes_limit);
      /* Translators: %s is a number, e.g. "20,000,000,000" */
      return g_strdup_printf (_("Count primes below %s"), size);

    default:
      g_assert_not_reached ();
    }
}

/**
 * cancel_demo_operation_run:
 * @workspace: where the operation makes its files
 * @kind: what to do
 * @scope: a new, not yet begun scope for the operation
 * @callback: called on the thread-default main context once @scope ended
 * @user_data: data for @callback
 *
 * Begins @scope and does @kind's work under it. The work honours every
 * way the scope can be cancelled; @scope has its final status when
 * @callback runs.
 */
void
cancel_demo_operation_run (CancelDemoWorkspace *workspace,
                           CancelDemoKind       kind,
                           CancelScope         *scope,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (workspace));
  g_return_if_fail (kind < CANCEL_DEMO_N_KINDS);
  g_return_if_fail (CANCEL_IS_SCOPE (scope));
  g_return_if_fail (cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING);

  /* No cancellable: the task must report the final outcome, not return
   * early when the scope is cancelled. */
  task = g_task_new (workspace, NULL, callback, user_data);
  g_task_set_source_tag (task, cancel_demo_operation_run);
  g_task_set_task_data (task, g_object_ref (scope), g_object_unref);

  /* The runner owns the reference from here on. */
  kinds[kind].run (task);
}

/**
 * cancel_demo_operation_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): a one-line summary of what was done, or %NULL
 *   with @error set if the operation failed, was cancelled (%G_IO_ERROR_CANCELLED)
 *   or timed out (%G_IO_ERROR_TIMED_OUT)
 */
char *
cancel_demo_operation_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, cancel_demo_operation_run), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * cancel_demo_operation_get_scope:
 * @result: the result given to the callback
 *
 * Returns: (transfer none): the operation's scope
 */
CancelScope *
cancel_demo_operation_get_scope (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, cancel_demo_operation_run), NULL);

  return _cancel_demo_operation_get_scope (G_TASK (result));
}

CancelScope *
_cancel_demo_operation_get_scope (GTask *task)
{
  return CANCEL_SCOPE (g_task_get_task_data (task));
}

void
_cancel_demo_operation_return (GTask  *task,
                               char   *summary,
                               GError *error)
{
  CancelScope *scope = _cancel_demo_operation_get_scope (task);

  if (!cancel_status_is_final (cancel_scope_get_status (scope)))
    {
      /* A failed or cancelled operation keeps the progress it made. */
      if (summary != NULL)
        cancel_scope_report_progress (scope,
                                      error != NULL ? cancel_scope_get_progress (scope) : 1.0,
                                      summary);
      if (error != NULL)
        cancel_scope_fail (scope, error);
      else
        cancel_scope_end (scope);
    }

  if (error != NULL)
    {
      g_free (summary);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, summary, g_free);

  g_object_unref (task);
}

typedef struct
{
  GTask              *task;
  CancelDemoWorkFunc  func;
  gpointer            job;
  GDestroyNotify      job_free;
  char               *summary;  /* written by the thread, read once done */
} Work;

static void
work_thread (CancelScope *scope,
             gpointer     data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;

  work->summary = work->func (scope, work->job, &error);
  if (error != NULL)
    cancel_scope_fail (scope, error);
}

static void
work_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Work *work = user_data;
  GError *error = NULL;
  char *summary = NULL;

  /* The scope's own error: it names the operation and the reason. */
  if (cancel_scope_run_in_thread_finish (CANCEL_SCOPE (source_object), result, &error))
    summary = g_steal_pointer (&work->summary);

  _cancel_demo_operation_return (work->task, summary, error);

  g_free (work->summary);
  if (work->job_free != NULL)
    work->job_free (work->job);
  g_free (work);
}

void
_cancel_demo_operation_run_in_thread (GTask              *task,
                                      CancelDemoWorkFunc  func,
                                      gpointer            job,
                                      GDestroyNotify      job_free)
{
  Work *work = g_new0 (Work, 1);

  work->task = task;
  work->func = func;
  work->job = job;
  work->job_free = job_free;

  cancel_scope_run_in_thread_async (_cancel_demo_operation_get_scope (task),
                                    CANCEL_RUN_FLAGS_NONE, work_thread, work, NULL,
                                    work_done, work);
}

gboolean
_cancel_demo_run_step (const char          *name,
                       gboolean             shielded,
                       CancelDemoStepFunc   func,
                       gpointer             data,
                       GError             **error)
{
  g_autoptr(CancelScope) step = NULL;
  GError *local_error = NULL;
  gboolean ok;

  step = shielded ? cancel_scope_new_full (cancel_scope_get_current (), name, CANCEL_SCOPE_FLAGS_SHIELDED) : cancel_scope_new (name);

  cancel_scope_begin (step);
  cancel_scope_push_current (step);
  ok = func (step, data, &local_error);
  cancel_scope_pop_current (step);
  if (local_error != NULL)
    cancel_scope_fail (step, local_error);
  else
    cancel_scope_end (step);

  if (!ok)
    g_propagate_error (error, local_error);

  return ok;
}

void
_cancel_demo_explain_error (CancelScope  *scope,
                            GError      **error)
{
  GError *scope_error = NULL;

  if (error == NULL || *error == NULL)
    return;

  if (cancel_scope_set_error_if_cancelled (scope, &scope_error))
    {
      g_clear_error (error);
      g_propagate_error (error, scope_error);
    }
}

void
_cancel_demo_fill_random (guint64 *state,
                          guint8  *buffer,
                          gsize    length)
{
  guint64 x = *state;
  gsize i;

  for (i = 0; i + 8 <= length; i += 8)
    {
      guint64 r;

      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      r = x * G_GUINT64_CONSTANT (0x2545F4914F6CDD1D);
      memcpy (buffer + i, &r, 8);
    }
  for (; i < length; i++)
    buffer[i] = (guint8) (x >> (8 * (i % 8)));

  *state = x;
}

char *
_cancel_demo_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

char *
_cancel_demo_format_count (guint64 n)
{
  /* The ' flag (POSIX): LC_NUMERIC's thousands separator. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}
