/* cancel-demo-workspace.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cancel-demo-workspace.h"

/* Everything the launchers create lives in one folder made with
 * g_dir_make_tmp() and deleted when the application quits. The workspace
 * also holds the options the window edits (read by operations that may
 * run in other threads, hence the atomics) and the bounded pool of worker
 * threads the batch launcher uses. */
struct _CancelDemoWorkspace
{
  GObject parent_instance;

  char            *path;
  CancelDemoSizes  sizes;
  gboolean         small;

  guint            batch_size;
  gboolean         ignore_sigterm;
  /* An atomic reference-counted int: condition sources keep their own
   * reference, so the flag outlives the workspace if it has to. */
  int             *stop_flag;

  GThreadPool     *pool;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_SMALL,
  PROP_BATCH_SIZE,
  PROP_IGNORE_SIGTERM,
  PROP_STOP_CONDITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CancelDemoWorkspace, cancel_demo_workspace, G_TYPE_OBJECT)

static const CancelDemoSizes default_sizes = {
  .hash_bytes = 256 * 1024 * 1024,
  .copy_dirs = 8,
  .copy_files_per_dir = 24,
  .copy_max_file_size = 768 * 1024,
  .command_steps = 300,
  .command_step = 0.1,
  .kill_grace = 3.0,
  .batch_rounds = 1024,
  .journal_parts = 48,
  .journal_part_size = 4 * 1024 * 1024,
  .primes_limit = G_GUINT64_CONSTANT (20000000000),
  .download_bytes = 64 * 1024 * 1024,
  .download_rate = 8 * 1024 * 1024,
};

static const CancelDemoSizes small_sizes = {
  .hash_bytes = 4 * 1024 * 1024,
  .copy_dirs = 2,
  .copy_files_per_dir = 4,
  .copy_max_file_size = 16 * 1024,
  .command_steps = 5,
  .command_step = 0.02,
  .kill_grace = 0.5,
  .batch_rounds = 4,
  .journal_parts = 4,
  .journal_part_size = 64 * 1024,
  .primes_limit = 1000000,
  .download_bytes = 512 * 1024,
  .download_rate = 64 * 1024 * 1024,
};

typedef struct
{
  GFunc    func;
  gpointer data;
} PoolWork;

static void
pool_func (gpointer data,
           gpointer user_data)
{
  PoolWork *work = data;

  work->func (work->data, NULL);
  g_free (work);
}


/**
 * cancel_demo_delete_tree:
 * @path: a file or folder
 *
 * Removes @path and everything below it, without following symbolic links.
 * Missing files are not an error. Blocking: call it from a worker thread
 * for large trees.
 */
void
cancel_demo_delete_tree (const char *path)
{
  GStatBuf st;

  g_return_if_fail (path != NULL);

  if (g_lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          cancel_demo_delete_tree (child);
        }
    }

  /* Keep going on errors: whatever can be removed is removed. */
  g_remove (path);
}

static gboolean
workspace_remove (CancelDemoWorkspace *self)
{
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);

  if (self->path == NULL)
    return FALSE;

  cancel_demo_delete_tree (self->path);
  g_clear_pointer (&self->path, g_free);
  return TRUE;
}

static void
cancel_demo_workspace_finalize (GObject *object)
{
  CancelDemoWorkspace *self = (CancelDemoWorkspace *)object;

  workspace_remove (self);
  g_clear_pointer (&self->stop_flag, g_atomic_rc_box_release);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cancel_demo_workspace_parent_class)->finalize (object);
}

static void
cancel_demo_workspace_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CancelDemoWorkspace *self = CANCEL_DEMO_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_SMALL:
      g_value_set_boolean (value, self->small);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_IGNORE_SIGTERM:
      g_value_set_boolean (value, self->ignore_sigterm);
      break;
    case PROP_STOP_CONDITION:
      g_value_set_boolean (value, cancel_demo_workspace_get_stop_condition (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_demo_workspace_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CancelDemoWorkspace *self = CANCEL_DEMO_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_SMALL:
      self->small = g_value_get_boolean (value);
      self->sizes = self->small ? small_sizes : default_sizes;
      break;
    case PROP_BATCH_SIZE:
      cancel_demo_workspace_set_batch_size (self, g_value_get_uint (value));
      break;
    case PROP_IGNORE_SIGTERM:
      cancel_demo_workspace_set_ignore_sigterm (self, g_value_get_boolean (value));
      break;
    case PROP_STOP_CONDITION:
      cancel_demo_workspace_set_stop_condition (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_demo_workspace_class_init (CancelDemoWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cancel_demo_workspace_finalize;
  object_class->get_property = cancel_demo_workspace_get_property;
  object_class->set_property = cancel_demo_workspace_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SMALL] =
    g_param_spec_boolean ("small", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       1, CANCEL_DEMO_MAX_BATCH_SIZE, 100,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_IGNORE_SIGTERM] =
    g_param_spec_boolean ("ignore-sigterm", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STOP_CONDITION] =
    g_param_spec_boolean ("stop-condition", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cancel_demo_workspace_init (CancelDemoWorkspace *self)
{
  self->sizes = default_sizes;
  self->batch_size = 100;
  self->stop_flag = g_atomic_rc_box_new0 (int);
}

/**
 * cancel_demo_workspace_new:
 * @small: whether to use small work sizes (for tests)
 * @error: return location for an error
 *
 * Makes the temporary folder of a new workspace.
 *
 * Returns: (transfer full) (nullable): the workspace, or %NULL if the
 *   folder could not be made
 */
CancelDemoWorkspace *
cancel_demo_workspace_new (gboolean   small,
                           GError   **error)
{
  g_autoptr(CancelDemoWorkspace) self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANCEL_DEMO_TYPE_WORKSPACE, "small", small, NULL);
  self->path = g_dir_make_tmp ("cancelable-demo-XXXXXX", error);
  if (self->path == NULL)
    return NULL;

  self->pool = g_thread_pool_new (pool_func, self, CANCEL_DEMO_POOL_THREADS, FALSE, error);
  if (self->pool == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * cancel_demo_workspace_get_path:
 * @self: a workspace
 *
 * Returns: (nullable): the temporary folder, or %NULL once removed
 */
const char *
cancel_demo_workspace_get_path (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), NULL);

  return self->path;
}

/**
 * cancel_demo_workspace_build_path:
 * @self: a workspace
 * @prefix: the start of the file name
 * @id: a number that makes the name unique (a scope id)
 *
 * Returns: (transfer full): a path in the workspace, "PREFIX-ID"
 */
char *
cancel_demo_workspace_build_path (CancelDemoWorkspace *self,
                                  const char          *prefix,
                                  guint64              id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);
  g_return_val_if_fail (self->path != NULL, NULL);

  name = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, prefix, id);
  return g_build_filename (self->path, name, NULL);
}

/**
 * cancel_demo_workspace_get_sizes:
 * @self: a workspace
 *
 * The work sizes, writable: tests adjust them before launching.
 *
 * Returns: (transfer none): the sizes
 */
CancelDemoSizes *
cancel_demo_workspace_get_sizes (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), NULL);

  return &self->sizes;
}

gboolean
cancel_demo_workspace_get_small (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), FALSE);

  return self->small;
}

guint
cancel_demo_workspace_get_batch_size (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), 0);

  return self->batch_size;
}

void
cancel_demo_workspace_set_batch_size (CancelDemoWorkspace *self,
                                      guint                batch_size)
{
  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (self));
  g_return_if_fail (batch_size >= 1 && batch_size <= CANCEL_DEMO_MAX_BATCH_SIZE);

  if (self->batch_size == batch_size)
    return;

  self->batch_size = batch_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_SIZE]);
}

gboolean
cancel_demo_workspace_get_ignore_sigterm (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), FALSE);

  return self->ignore_sigterm;
}

void
cancel_demo_workspace_set_ignore_sigterm (CancelDemoWorkspace *self,
                                          gboolean             ignore_sigterm)
{
  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (self));

  ignore_sigterm = !!ignore_sigterm;
  if (self->ignore_sigterm == ignore_sigterm)
    return;

  self->ignore_sigterm = ignore_sigterm;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IGNORE_SIGTERM]);
}

gboolean
cancel_demo_workspace_get_stop_condition (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), FALSE);

  return g_atomic_int_get (self->stop_flag) != 0;
}

void
cancel_demo_workspace_set_stop_condition (CancelDemoWorkspace *self,
                                          gboolean             stop_condition)
{
  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (self));

  /* Read by condition sources on the library's worker thread. */
  if (g_atomic_int_exchange (self->stop_flag, !!stop_condition) == !!stop_condition)
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_CONDITION]);
}

/**
 * cancel_demo_workspace_ref_stop_flag:
 * @self: a workspace
 *
 * The flag behind [property@CancelDemo.Workspace:stop-condition], for a
 * condition source to poll with g_atomic_int_get() from any thread.
 *
 * Returns: (transfer full): a reference, release with g_atomic_rc_box_release()
 */
int *
cancel_demo_workspace_ref_stop_flag (CancelDemoWorkspace *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WORKSPACE (self), NULL);

  return g_atomic_rc_box_acquire (self->stop_flag);
}

/**
 * cancel_demo_workspace_push_work:
 * @self: a workspace
 * @func: the work, called with @data in a worker thread
 * @data: data for @func
 *
 * Queues work on the workspace's pool of at most
 * %CANCEL_DEMO_POOL_THREADS threads.
 */
void
cancel_demo_workspace_push_work (CancelDemoWorkspace *self,
                                 GFunc                func,
                                 gpointer             data)
{
  PoolWork *work;

  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (self->pool != NULL);

  work = g_new0 (PoolWork, 1);
  work->func = func;
  work->data = data;
  g_thread_pool_push (self->pool, work, NULL);
}

/**
 * cancel_demo_workspace_remove:
 * @self: a workspace
 *
 * Waits for the queued pool work to finish, then deletes the temporary
 * folder. Call it once no operation runs any more; calling it again does
 * nothing.
 */
void
cancel_demo_workspace_remove (CancelDemoWorkspace *self)
{
  g_return_if_fail (CANCEL_DEMO_IS_WORKSPACE (self));

  if (workspace_remove (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}
