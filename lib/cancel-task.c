/* cancel-task.c: GTask and GAction integration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-lock-private.h"
#include "cancel-scope-private.h"
#include "cancel-task.h"

/* GLib's thread pool hands tasks over with futexes ThreadSanitizer cannot
 * see; the lock makes the hand-over of this struct visible to it. */
typedef struct
{
  CancelMutex          lock;
  CancelScope         *scope;
  GAsyncReadyCallback  callback;
  gpointer             callback_data;
  GTaskThreadFunc      thread_func;
} TaskInfo;

static GQuark task_info_quark;
static GQuark task_original_quark;

static void
task_quarks_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      task_original_quark = g_quark_from_static_string ("cancel-task-original");
      task_info_quark = g_quark_from_static_string ("cancel-task-info");
      g_once_init_leave (&initialized, 1);
    }
}

static TaskInfo *
task_info_new (CancelScope *scope)
{
  TaskInfo *info = g_new0 (TaskInfo, 1);

  cancel_mutex_init (&info->lock);
  info->scope = g_object_ref (scope);

  return info;
}

static void
task_info_free (gpointer data)
{
  TaskInfo *info = data;

  cancel_mutex_lock (&info->lock);
  g_clear_object (&info->scope);
  cancel_mutex_unlock (&info->lock);
  cancel_mutex_clear (&info->lock);
  g_free (info);
}

static TaskInfo *
task_get_info (GTask *task)
{
  return g_object_get_qdata (G_OBJECT (task), task_info_quark);
}

/* Runs on the task's context before the caller's callback: ends the scope
 * with the task's outcome and, for a failed or cancelled task, hands the
 * caller a task that carries the scope's reason-carrying error. */
static void
cancel_task_completed (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = G_TASK (result);
  TaskInfo *info = task_get_info (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) relay = NULL;
  CancelScope *scope;
  gboolean live;

  cancel_mutex_lock (&info->lock);
  scope = info->scope;
  cancel_mutex_unlock (&info->lock);

  live = _cancel_scope_is_live (scope);

  if (!g_task_had_error (task))
    {
      if (live)
        cancel_scope_end (scope, NULL);
      if (info->callback != NULL)
        info->callback (source_object, result, info->callback_data);
      return;
    }

  /* Taking the error consumes the task's result; the caller gets it again
   * from the relay task, with the same source tag and task data. */
  g_task_propagate_pointer (task, &error);

  if (g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    {
      if (live)
        cancel_scope_end (scope, NULL);
      g_clear_error (&error);
      error = cancel_scope_dup_error (scope);
      if (error == NULL)
        cancel_scope_set_error_if_cancelled (scope, &error);
    }
  else if (live)
    cancel_scope_end (scope, error);

  if (info->callback == NULL)
    return;

  relay = g_task_new (source_object, G_CANCELLABLE (scope), info->callback, info->callback_data);
  g_task_set_check_cancellable (relay, FALSE);
  g_task_set_source_tag (relay, g_task_get_source_tag (task));
  g_task_set_priority (relay, g_task_get_priority (task));
  g_task_set_name (relay, g_task_get_name (task));
  g_task_set_task_data (relay, g_task_get_task_data (task), NULL);
  /* The original task owns that data: keep it alive with the relay. */
  g_object_set_qdata_full (G_OBJECT (relay), task_original_quark, g_object_ref (task), g_object_unref);
  g_object_set_qdata_full (G_OBJECT (relay), task_info_quark, task_info_new (scope), task_info_free);
  g_task_return_error (relay, g_steal_pointer (&error));
}

/**
 * cancel_task_new:
 * @source_object: (nullable) (type GObject): the object the task belongs to
 * @scope: the scope the task runs under; it is the task's cancellable
 * @callback: (scope async) (nullable): called when the task completes
 * @callback_data: data for @callback
 *
 * Makes a [class@Gio.Task] whose cancellable is @scope and whose outcome
 * ends @scope, on the task's context, before @callback runs:
 * a value ends it %CANCEL_STATUS_COMPLETED, an error
 * %CANCEL_STATUS_FAILED, and a cancelled scope %CANCEL_STATUS_CANCELLED
 * or %CANCEL_STATUS_TIMED_OUT.
 *
 * When the task failed or was cancelled, @callback receives a task that
 * returns the same error, except that a cancellation error is the scope's
 * own ([method@Cancel.Scope.set_error_if_cancelled]): still
 * %G_IO_ERROR_CANCELLED (or %G_IO_ERROR_TIMED_OUT), with the operation and
 * the reason in its message. Use g_task_propagate_*(), g_task_is_valid(),
 * g_task_get_source_tag() and g_task_get_task_data() on it as usual.
 *
 * Run it with [func@Cancel.task_run_in_thread] or complete it yourself
 * after beginning @scope.
 *
 * Returns: (transfer full): a new task
 */
GTask *
cancel_task_new (gpointer             source_object,
                 CancelScope         *scope,
                 GAsyncReadyCallback  callback,
                 gpointer             callback_data)
{
  TaskInfo *info;
  GTask *task;

  g_return_val_if_fail (source_object == NULL || G_IS_OBJECT (source_object), NULL);
  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), NULL);

  task_quarks_init ();

  info = task_info_new (scope);
  info->callback = callback;
  info->callback_data = callback_data;

  task = g_task_new (source_object, G_CANCELLABLE (scope), cancel_task_completed, NULL);
  g_object_set_qdata_full (G_OBJECT (task), task_info_quark, info, task_info_free);

  return task;
}

/**
 * cancel_task_get_scope:
 * @task: a task made by [func@Cancel.task_new]
 *
 * The scope @task runs under.
 *
 * Returns: (transfer none) (nullable): the scope, or %NULL if @task was
 *   not made by [func@Cancel.task_new]
 */
CancelScope *
cancel_task_get_scope (GTask *task)
{
  TaskInfo *info;

  g_return_val_if_fail (G_IS_TASK (task), NULL);

  task_quarks_init ();
  info = task_get_info (task);
  return info != NULL ? info->scope : NULL;
}

static void
cancel_task_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TaskInfo *info = task_get_info (task);
  GTaskThreadFunc thread_func;
  CancelScope *scope;

  cancel_mutex_lock (&info->lock);
  thread_func = info->thread_func;
  scope = info->scope;
  cancel_mutex_unlock (&info->lock);

  cancel_scope_push_current (scope);
  thread_func (task, source_object, task_data, cancellable);
  cancel_scope_pop_current (scope);

  /* Publishes what the worker did to whoever frees the info. */
  cancel_mutex_lock (&info->lock);
  cancel_mutex_unlock (&info->lock);
}

/**
 * cancel_task_run_in_thread:
 * @task: a task made by [func@Cancel.task_new]
 * @task_func: (scope async): the work, run in GLib's thread pool
 *
 * Begins the task's scope (if pending) and runs @task_func in a worker
 * thread with the scope as the thread's current scope
 * ([func@Cancel.Scope.get_current]), as g_task_run_in_thread() would.
 * g_task_set_return_on_cancel() keeps its meaning: the task can complete
 * as cancelled while @task_func still blocks.
 */
void
cancel_task_run_in_thread (GTask           *task,
                           GTaskThreadFunc  task_func)
{
  TaskInfo *info;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (task_func != NULL);
  g_return_if_fail (cancel_task_get_scope (task) != NULL);

  info = task_get_info (task);
  g_return_if_fail (info->thread_func == NULL);
  g_return_if_fail (!cancel_status_is_final (cancel_scope_get_status (info->scope)));

  cancel_mutex_lock (&info->lock);
  info->thread_func = task_func;
  cancel_mutex_unlock (&info->lock);

  if (cancel_scope_get_status (info->scope) == CANCEL_STATUS_PENDING)
    cancel_scope_begin (info->scope);

  g_task_run_in_thread (task, cancel_task_thread);
}

/* ------------------------------------------------------------------ */
/* GAction                                                             */

static void
action_update_enabled (GSimpleAction *action,
                       CancelScope   *scope)
{
  g_simple_action_set_enabled (action, _cancel_scope_is_live (scope));
}

static void
action_status_changed (CancelScope   *scope,
                       GParamSpec    *pspec,
                       GSimpleAction *action)
{
  action_update_enabled (action, scope);
}

static void
action_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  CancelScope   *scope)
{
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, _("Cancelled by user"));
}

/**
 * cancel_scope_create_action:
 * @scope: a scope
 * @action_name: the name of the action
 *
 * Makes an action that cancels @scope with %CANCEL_REASON_MANUAL and the
 * message “Cancelled by user”. It is enabled only while @scope runs: its
 * state follows [property@Cancel.Scope:status] on the scope's owner
 * context. Add it to a [iface@Gio.ActionMap] (a window, an application)
 * and any widget with that action name, such as a button, cancels the
 * work. The action keeps @scope alive.
 *
 * Returns: (transfer full): a new action
 */
GAction *
cancel_scope_create_action (CancelScope *scope,
                            const char  *action_name)
{
  GSimpleAction *action;

  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (action_name != NULL && g_action_name_is_valid (action_name), NULL);

  action = g_simple_action_new (action_name, NULL);
  g_signal_connect_data (action, "activate", G_CALLBACK (action_activated),
                         g_object_ref (scope), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_object (scope, "notify::status", G_CALLBACK (action_status_changed),
                           action, 0);
  action_update_enabled (action, scope);

  return G_ACTION (action);
}
