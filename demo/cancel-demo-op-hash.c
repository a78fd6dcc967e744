/* cancel-demo-op-hash.c: write a large random file, then hash it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cancel-demo-operation-private.h"

#define CHUNK_SIZE (1024 * 1024)

/* The operation runs in one worker thread (cancel_scope_run_in_thread_async)
 * with its scope current, in two child scopes: "Write test data" and
 * "Compute SHA-256". Cancellation is checked between chunks of 1 MiB. */
typedef struct
{
  CancelScope *scope;   /* the operation's, owned by the task */
  char        *path;
  guint64      size;
  guint64      seed;
  char        *digest;
} HashJob;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  g_free (job->path);
  g_free (job->digest);
  g_free (job);
}

static void
report (CancelScope *step,
        CancelScope *operation,
        guint64      done,
        guint64      total,
        double       base,
        const char  *what)
{
  double fraction = total > 0 ? (double) done / (double) total : 1.0;
  g_autofree char *done_str = _cancel_demo_format_size (done);
  g_autofree char *total_str = _cancel_demo_format_size (total);
  g_autofree char *message = NULL;

  /* Translators: "12.0 MiB of 256.0 MiB" */
  message = g_strdup_printf (_("%s of %s"), done_str, total_str);
  cancel_scope_report_progress (step, fraction, message);
  cancel_scope_report_progress (operation, base + fraction / 2, what);
}

static gboolean
write_step (CancelScope  *step,
            gpointer      data,
            GError      **error)
{
  HashJob *job = data;
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  guint64 written = 0;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                           G_CANCELLABLE (step), error);
  if (stream == NULL)
    goto failed;

  while (written < job->size)
    {
      gsize n = MIN (CHUNK_SIZE, job->size - written);

      if (cancel_scope_set_error_if_cancelled (step, error))
        return FALSE;

      _cancel_demo_fill_random (&job->seed, buffer, n);
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), buffer, n, NULL,
                                      G_CANCELLABLE (step), error))
        goto failed;

      written += n;
      report (step, job->scope, written, job->size, 0.0, _("Writing test data"));
    }

  if (!g_output_stream_close (G_OUTPUT_STREAM (stream), G_CANCELLABLE (step), error))
    goto failed;

  return TRUE;

failed:
  _cancel_demo_explain_error (step, error);
  return FALSE;
}

static gboolean
hash_step (CancelScope  *step,
           gpointer      data,
           GError      **error)
{
  HashJob *job = data;
  g_autoptr(GFile) file = g_file_new_for_path (job->path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  guint64 done = 0;

  stream = g_file_read (file, G_CANCELLABLE (step), error);
  if (stream == NULL)
    goto failed;

  for (;;)
    {
      gsize n = 0;

      if (cancel_scope_set_error_if_cancelled (step, error))
        return FALSE;

      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE, &n,
                                    G_CANCELLABLE (step), error))
        goto failed;
      if (n == 0)
        break;

      g_checksum_update (checksum, buffer, n);
      done += n;
      report (step, job->scope, done, job->size, 0.5, _("Computing the SHA-256 checksum"));
    }

  job->digest = g_strdup (g_checksum_get_string (checksum));
  return TRUE;

failed:
  _cancel_demo_explain_error (step, error);
  return FALSE;
}

static char *
hash_thread (CancelScope  *scope,
             gpointer      data,
             GError      **error)
{
  HashJob *job = data;
  char *summary;
  gboolean ok;

  ok = _cancel_demo_run_step (_("Write test data"), FALSE, write_step, job, error) &&
       _cancel_demo_run_step (_("Compute SHA-256"), FALSE, hash_step, job, error);

  g_unlink (job->path);

  if (!ok)
    return NULL;

  /* Translators: %s is a hexadecimal checksum */
  summary = g_strdup_printf (_("SHA-256 %s"), job->digest);

  /* The scope ends as the worker returns: the summary must be its last
   * progress message before that. */
  cancel_scope_report_progress (job->scope, 1.0, summary);
  return summary;
}

void
_cancel_demo_run_hash (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  HashJob *job;

  job = g_new0 (HashJob, 1);
  job->scope = scope;
  job->path = cancel_demo_workspace_build_path (workspace, "hash", cancel_scope_get_id (scope));
  job->size = sizes->hash_bytes;
  job->seed = cancel_scope_get_id (scope) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) | 1;

  _cancel_demo_operation_run_in_thread (task, hash_thread, job, hash_job_free);
}
