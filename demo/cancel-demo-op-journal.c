/* cancel-demo-op-journal.c: write a journal, roll it back when cancelled
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cancel-demo-operation-private.h"

#define CHUNK_SIZE (256 * 1024)

/* A GTask worker writes the journal as numbered parts, each made durable
 * with fsync() before the next. When the operation is cancelled (or a
 * write fails) the parts written so far must not stay behind half-done: a
 * rollback scrubs and deletes them. Checked against the operation's
 * scope, that rollback would stop at once, since the scope is cancelled;
 * so it runs in a shielded child scope, which its ancestors cannot cancel
 * (it can still be cancelled directly, or by its own timeout). */
typedef struct
{
  CancelScope *scope;
  char        *folder;
  guint        n_parts;
  guint        part_size;
  guint        n_written;  /* parts that exist, complete or not */
  guint64      seed;
} JournalJob;

static void
journal_job_free (gpointer data)
{
  JournalJob *job = data;

  g_free (job->folder);
  g_free (job);
}

static char *
part_path (JournalJob *job,
           guint       index)
{
  g_autofree char *name = g_strdup_printf ("part-%03u.journal", index);

  return g_build_filename (job->folder, name, NULL);
}

static gboolean
set_io_error (GError     **error,
              const char  *path,
              int          saved_errno)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               /* Translators: %s is a path, the second %s the reason */
               _("Could not write “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int           fd,
           const guint8 *buffer,
           gsize         length)
{
  while (length > 0)
    {
      gssize n = write (fd, buffer, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      buffer += n;
      length -= n;
    }

  return TRUE;
}

/* Writes part @index, with zeros if @buffer is NULL (a scrub of an
 * existing part), checking @scope between chunks. */
static gboolean
write_part (JournalJob   *job,
            CancelScope  *scope,
            guint         index,
            gboolean      scrub,
            GError      **error)
{
  g_autofree char *path = part_path (job, index);
  g_autofree guint8 *buffer = g_malloc0 (CHUNK_SIZE);
  guint done = 0;
  int fd;

  fd = g_open (path, scrub ? O_WRONLY : (O_WRONLY | O_CREAT | O_TRUNC), 0600);
  if (fd < 0)
    return set_io_error (error, path, errno);

  while (done < job->part_size)
    {
      gsize n = MIN (CHUNK_SIZE, job->part_size - done);

      if (cancel_scope_set_error_if_cancelled (scope, error))
        {
          g_close (fd, NULL);
          return FALSE;
        }

      if (!scrub)
        _cancel_demo_fill_random (&job->seed, buffer, n);
      if (!write_all (fd, buffer, n))
        {
          int saved_errno = errno;

          g_close (fd, NULL);
          return set_io_error (error, path, saved_errno);
        }
      done += n;
    }

  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      return set_io_error (error, path, saved_errno);
    }

  return g_close (fd, error);
}

static gboolean
write_journal (JournalJob   *job,
               GError      **error)
{
  guint i;

  if (g_mkdir_with_parents (job->folder, 0700) != 0)
    return set_io_error (error, job->folder, errno);

  for (i = 0; i < job->n_parts; i++)
    {
      g_autofree char *message = NULL;

      job->n_written = i + 1;
      if (!write_part (job, job->scope, i, FALSE, error))
        return FALSE;

      /* Translators: "Wrote part 3 of 48" */
      message = g_strdup_printf (_("Wrote part %u of %u"), i + 1, job->n_parts);
      cancel_scope_report_progress (job->scope, (double) (i + 1) / job->n_parts, message);
    }

  return TRUE;
}

static gboolean
rollback_step (CancelScope  *step,
               gpointer      data,
               GError      **error)
{
  JournalJob *job = data;
  guint i;

  for (i = 0; i < job->n_written; i++)
    {
      g_autofree char *path = part_path (job, i);
      g_autofree char *message = NULL;

      /* The part being created when the write stopped may be missing or
       * shorter: scrubbing writes the full size, fine for a file about
       * to go. */
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      if (!write_part (job, step, i, TRUE, error))
        return FALSE;
      if (g_unlink (path) != 0)
        return set_io_error (error, path, errno);

      /* Translators: "Removed part 3 of 12" */
      message = g_strdup_printf (_("Removed part %u of %u"), i + 1, job->n_written);
      cancel_scope_report_progress (step, (double) (i + 1) / job->n_written, message);
    }

  if (g_rmdir (job->folder) != 0 && errno != ENOENT)
    return set_io_error (error, job->folder, errno);

  return TRUE;
}

static char *
journal_thread (CancelScope  *scope,
                gpointer      data,
                GError      **error)
{
  JournalJob *job = data;
  g_autofree char *size = NULL;
  char *summary;

  if (!write_journal (job, error))
    {
      g_autoptr(GError) rollback_error = NULL;

      cancel_scope_report_progress (job->scope, cancel_scope_get_progress (job->scope),
                                    _("Rolling back"));

      /* The shielded child's parent is the current scope: the operation's. */
      if (!_cancel_demo_run_step (_("Roll back the journal"), TRUE,
                                  rollback_step, job, &rollback_error))
        cancel_scope_report_progress (job->scope, cancel_scope_get_progress (job->scope),
                                      _("The rollback did not finish"));
      else
        cancel_scope_report_progress (job->scope, cancel_scope_get_progress (job->scope),
                                      _("Rolled back"));

      return NULL;
    }

  /* Committed: a real program would keep it; the demo frees the space. */
  cancel_demo_delete_tree (job->folder);

  size = _cancel_demo_format_size ((guint64) job->n_parts * job->part_size);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Wrote %u part (%s)",
                                          "Wrote %u parts (%s)",
                                          job->n_parts),
                             job->n_parts, size);
  cancel_scope_report_progress (job->scope, 1.0, summary);
  return summary;
}

void
_cancel_demo_run_journal (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  JournalJob *job;

  job = g_new0 (JournalJob, 1);
  job->scope = scope;
  job->folder = cancel_demo_workspace_build_path (workspace, "journal", cancel_scope_get_id (scope));
  job->n_parts = MAX (sizes->journal_parts, 1);
  job->part_size = sizes->journal_part_size;
  job->seed = cancel_scope_get_id (scope) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) | 1;

  _cancel_demo_operation_run_in_thread (task, journal_thread, job, journal_job_free);
}
