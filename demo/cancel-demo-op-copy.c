/* cancel-demo-op-copy.c: create a folder tree, then copy it file by file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cancel-demo-operation-private.h"

#define CHUNK_SIZE (64 * 1024)

/* Two child scopes run one after the other under the operation's scope:
 * "Create source tree" (a GTask worker thread writing the files) and
 * "Copy N files" (g_file_copy_async() for each file in turn on the main
 * context, its progress callback reporting over the total bytes). Both
 * trees are deleted afterwards on the workspace's pool. */
typedef struct
{
  GTask       *task;    /* the operation's */
  CancelScope *scope;   /* owned by the task */
  CancelScope *copy;    /* the copy step */
  CancelDemoWorkspace *workspace;
  char        *source;
  char        *destination;
  GPtrArray   *files;   /* relative paths */
  GArray      *sizes;   /* guint64 per file */
  guint64      total;
  guint64      copied;
  guint        index;
  guint64      seed;
} CopyJob;

static void
copy_job_free (CopyJob *job)
{
  g_clear_object (&job->copy);
  g_free (job->source);
  g_free (job->destination);
  g_ptr_array_unref (job->files);
  g_array_unref (job->sizes);
  g_free (job);
}

static void
delete_trees (gpointer data,
              gpointer user_data)
{
  char **paths = data;
  guint i;

  for (i = 0; paths[i] != NULL; i++)
    cancel_demo_delete_tree (paths[i]);

  g_strfreev (paths);
}

static void
copy_job_finish (CopyJob *job,
                 char    *summary,
                 GError  *error)
{
  char **paths = g_new0 (char *, 3);

  paths[0] = g_strdup (job->source);
  paths[1] = g_strdup (job->destination);
  cancel_demo_workspace_push_work (job->workspace, delete_trees, paths);

  _cancel_demo_operation_return (job->task, summary, error);
  copy_job_free (job);
}

static gboolean
write_file (CancelScope  *step,
            const char   *path,
            guint64       size,
            guint64      *seed,
            guint8       *buffer,
            GError      **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) stream = NULL;
  guint64 written = 0;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, G_CANCELLABLE (step), error);
  if (stream == NULL)
    return FALSE;

  while (written < size)
    {
      gsize n = MIN (CHUNK_SIZE, size - written);

      _cancel_demo_fill_random (seed, buffer, n);
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), buffer, n, NULL,
                                      G_CANCELLABLE (step), error))
        return FALSE;
      written += n;
    }

  return g_output_stream_close (G_OUTPUT_STREAM (stream), G_CANCELLABLE (step), error);
}

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               /* Translators: %s is a path, the second %s the reason */
               _("Could not create the folder “%s”: %s"), path, g_strerror (errno));
  return FALSE;
}

static void
prepare_thread (CancelScope *step,
                gpointer     data)
{
  CopyJob *job = data;
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  GError *error = NULL;
  guint64 created = 0;
  guint i;

  for (i = 0; i < job->files->len; i++)
    {
      const char *relative = g_ptr_array_index (job->files, i);
      guint64 size = g_array_index (job->sizes, guint64, i);
      g_autofree char *path = g_build_filename (job->source, relative, NULL);
      g_autofree char *folder = g_path_get_dirname (path);
      g_autofree char *copy_folder = NULL;
      g_autofree char *relative_folder = g_path_get_dirname (relative);
      double fraction;

      if (cancel_scope_set_error_if_cancelled (step, &error))
        break;

      copy_folder = g_build_filename (job->destination, relative_folder, NULL);
      if (!make_folder (folder, &error) ||
          !make_folder (copy_folder, &error) ||
          !write_file (step, path, size, &job->seed, buffer, &error))
        {
          _cancel_demo_explain_error (step, &error);
          break;
        }

      created += size;
      fraction = (double) created / (double) job->total;
      cancel_scope_report_progress (step, fraction, relative);
      cancel_scope_report_progress (job->scope, fraction / 2, _("Creating the source tree"));
    }

  if (error != NULL)
    {
      cancel_scope_fail (step, error);
      g_error_free (error);
    }
}

static void copy_next (CopyJob *job);

/* The copy step's progress and its "12.3 MiB of 40.0 MiB" come from the
 * library: the GFileProgressCallback that cancel_scope_file_progress()
 * would be for a single file, offset by the files copied before. */
static void
copy_progress (goffset  current_num_bytes,
               goffset  total_num_bytes,
               gpointer user_data)
{
  CopyJob *job = user_data;
  g_autofree char *message = NULL;

  cancel_scope_report_bytes (job->copy, job->copied + current_num_bytes, job->total);

  /* Translators: "File 3 of 192" */
  message = g_strdup_printf (_("File %u of %u"), job->index + 1, job->files->len);
  cancel_scope_report_progress (job->scope,
                                0.5 + cancel_scope_get_progress (job->copy) / 2, message);
}

static void
copy_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CopyJob *job = user_data;
  GError *error = NULL;

  if (!g_file_copy_finish (G_FILE (source_object), result, &error))
    {
      _cancel_demo_explain_error (job->copy, &error);
      cancel_scope_fail (job->copy, error);
      copy_job_finish (job, NULL, error);
      return;
    }

  job->copied += g_array_index (job->sizes, guint64, job->index);
  job->index++;
  copy_next (job);
}

static void
copy_next (CopyJob *job)
{
  const char *relative;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) destination = NULL;

  if (job->index == job->files->len)
    {
      g_autofree char *size = _cancel_demo_format_size (job->total);

      /* GIO may skip the last progress call of a small file. */
      cancel_scope_report_bytes (job->copy, job->total, job->total);
      cancel_scope_end (job->copy);
      copy_job_finish (job,
                       /* Translators: %u is a number of files, %s a size */
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "Copied %u file (%s)",
                                                     "Copied %u files (%s)",
                                                     job->files->len),
                                        job->files->len, size),
                       NULL);
      return;
    }

  relative = g_ptr_array_index (job->files, job->index);
  source = g_file_new_build_filename (job->source, relative, NULL);
  destination = g_file_new_build_filename (job->destination, relative, NULL);

  /* The step's scope is the cancellable: GIO stops the copy when it is
   * cancelled, directly or through the operation's scope. */
  g_file_copy_async (source, destination, G_FILE_COPY_NONE, G_PRIORITY_DEFAULT,
                     G_CANCELLABLE (job->copy), copy_progress, job,
                     copy_done, job);
}

static void
prepare_done (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CopyJob *job = user_data;
  GError *error = NULL;
  g_autofree char *name = NULL;

  if (!cancel_scope_run_in_thread_finish (CANCEL_SCOPE (source_object), result, &error))
    {
      copy_job_finish (job, NULL, error);
      return;
    }

  name = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Copy %u file",
                                       "Copy %u files",
                                       job->files->len),
                          job->files->len);
  job->copy = cancel_scope_new_full (job->scope, name, CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_begin (job->copy);
  copy_next (job);
}

void
_cancel_demo_run_copy (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  guint64 id = cancel_scope_get_id (scope);
  g_autoptr(CancelScope) prepare = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) id);
  CopyJob *job;
  guint d, f;

  job = g_new0 (CopyJob, 1);
  job->task = task;
  job->scope = scope;
  job->workspace = workspace;
  job->source = cancel_demo_workspace_build_path (workspace, "tree", id);
  job->destination = cancel_demo_workspace_build_path (workspace, "copy", id);
  job->files = g_ptr_array_new_with_free_func (g_free);
  job->sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  job->seed = id * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) | 1;

  /* Sizes vary so the progress is not a straight line. */
  for (d = 0; d < sizes->copy_dirs; d++)
    for (f = 0; f < sizes->copy_files_per_dir; f++)
      {
        guint64 size = 1 + g_rand_int_range (rand, 0, MAX (1, sizes->copy_max_file_size));

        g_ptr_array_add (job->files, g_strdup_printf ("folder-%02u/file-%03u.dat", d, f));
        g_array_append_val (job->sizes, size);
        job->total += size;
      }
  job->total = MAX (job->total, 1);

  cancel_scope_begin (scope);

  prepare = cancel_scope_new_full (scope, _("Create source tree"), CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_run_in_thread_async (prepare, CANCEL_RUN_FLAGS_NONE, prepare_thread, job, NULL,
                                    prepare_done, job);
}
