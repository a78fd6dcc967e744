/* cancel-scope-thread.c: running a function in a thread under a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-scope-private.h"

/* GLib's thread pool hands tasks over with futexes ThreadSanitizer cannot
 * see; the lock makes the hand-over of this struct visible to it. */
typedef struct
{
  CancelMutex      lock;
  CancelScopeFunc  func;
  gpointer         func_data;
  GDestroyNotify   func_data_destroy;
} ThreadCall;

static void
thread_call_free (gpointer data)
{
  ThreadCall *call = data;

  cancel_mutex_lock (&call->lock);
  if (call->func_data_destroy != NULL)
    call->func_data_destroy (call->func_data);
  cancel_mutex_unlock (&call->lock);
  cancel_mutex_clear (&call->lock);
  g_free (call);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CancelScope *self = source_object;
  ThreadCall *call = task_data;
  CancelScopeFunc func;
  gpointer func_data;

  cancel_mutex_lock (&call->lock);
  func = call->func;
  func_data = call->func_data;
  cancel_mutex_unlock (&call->lock);

  cancel_scope_push_current (self);
  func (self, func_data);
  cancel_scope_pop_current (self);

  /* @func may have ended @self (failed) already. */
  _cancel_scope_end_if_live (self, NULL);

  /* Publishes what @func did to whoever frees the call. */
  cancel_mutex_lock (&call->lock);
  cancel_mutex_unlock (&call->lock);

  g_task_return_boolean (task, TRUE);
}

/**
 * cancel_scope_run_in_thread_async:
 * @self: a pending or running scope
 * @flags: %CANCEL_RUN_FLAGS_RETURN_ON_CANCEL to complete as soon as @self is
 *   cancelled
 * @func: (scope notified) (closure func_data) (destroy func_data_destroy):
 *   the work, run once in a thread of GLib's pool
 * @func_data: data for @func
 * @func_data_destroy: (nullable): frees @func_data, on any thread
 * @callback: (scope async) (closure user_data): called when the work is done
 * @user_data: data for @callback
 *
 * Begins @self if it is pending, and runs @func in a worker thread with
 * @self as that thread's current scope ([func@Cancel.Scope.get_current]).
 * @func reports failure by calling [method@Cancel.Scope.fail] on @self;
 * when it returns, @self is ended ([method@Cancel.Scope.end]) unless @func
 * ended it. Then @callback runs, on the calling thread's thread-default
 * main context; [method@Cancel.Scope.run_in_thread_finish] gives the
 * outcome.
 *
 * With %CANCEL_RUN_FLAGS_RETURN_ON_CANCEL, @callback runs as soon as @self
 * is cancelled, while @func may still be running (as with
 * g_task_set_return_on_cancel()): @self ends when @func returns.
 *
 * @func runs on another thread: GJS cannot provide it (JavaScript runs on
 * its own thread only); Python can.
 *
 * Callable from any thread.
 *
 * Since: 0.2
 */
void
cancel_scope_run_in_thread_async (CancelScope         *self,
                                  CancelRunFlags       flags,
                                  CancelScopeFunc      func,
                                  gpointer             func_data,
                                  GDestroyNotify       func_data_destroy,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ThreadCall *call;
  CancelStatus status;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail ((flags & ~CANCEL_RUN_FLAGS_RETURN_ON_CANCEL) == 0);
  g_return_if_fail (func != NULL);

  status = cancel_scope_get_status (self);
  g_return_if_fail (!cancel_status_is_final (status));

  call = g_new0 (ThreadCall, 1);
  cancel_mutex_init (&call->lock);
  cancel_mutex_lock (&call->lock);
  call->func = func;
  call->func_data = func_data;
  call->func_data_destroy = func_data_destroy;
  cancel_mutex_unlock (&call->lock);

  task = g_task_new (self, G_CANCELLABLE (self), callback, user_data);
  g_task_set_source_tag (task, cancel_scope_run_in_thread_async);
  g_task_set_name (task, "[cancel] cancel_scope_run_in_thread_async");
  g_task_set_task_data (task, call, thread_call_free);
  g_task_set_return_on_cancel (task, (flags & CANCEL_RUN_FLAGS_RETURN_ON_CANCEL) != 0);

  if (status == CANCEL_STATUS_PENDING)
    cancel_scope_begin (self);

  g_task_run_in_thread (task, run_in_thread);
}

/**
 * cancel_scope_run_in_thread_finish:
 * @self: the scope given to [method@Cancel.Scope.run_in_thread_async]
 * @result: the result given to its callback
 * @error: return location for a #GError
 *
 * Completes [method@Cancel.Scope.run_in_thread_async]. The error of a
 * cancelled scope is its own ([method@Cancel.Scope.set_error_if_cancelled]):
 * still %G_IO_ERROR_CANCELLED (or %G_IO_ERROR_TIMED_OUT), with the
 * operation and the reason in its message. The error of a failed one is
 * what @func gave [method@Cancel.Scope.fail].
 *
 * Call it from the callback's thread, once.
 *
 * Returns: %TRUE if the work completed (@self ended
 *   %CANCEL_STATUS_COMPLETED), %FALSE with @error set otherwise
 *
 * Since: 0.2
 */
gboolean
cancel_scope_run_in_thread_finish (CancelScope   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  CancelStatus status;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cancel_scope_run_in_thread_async,
                        FALSE);

  /* The outcome is the scope's record, not the task's result: after a
   * return-on-cancel the task holds no result at all, and reading it once
   * g_cancellable_reset() cleared the flag is a GIO critical (both found by
   * the fuzzer). The flag only matters for a completed scope that was
   * flipped afterwards, as check-cancellable would. */
  status = cancel_scope_get_status (self);

  if (status == CANCEL_STATUS_COMPLETED)
    return !cancel_scope_set_error_if_cancelled (self, error);

  if (cancel_status_is_final (status))
    {
      g_propagate_error (error, cancel_scope_dup_error (self));
      return FALSE;
    }

  /* Returned on cancel while the function still runs. */
  if (!cancel_scope_set_error_if_cancelled (self, error))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         cancel_scope_get_name (self) != NULL ? cancel_scope_get_name (self) : "");
  return FALSE;
}
