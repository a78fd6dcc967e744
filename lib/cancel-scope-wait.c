/* cancel-scope-wait.c: waiting for a scope to end, and reacting to its
 * cancellation on a chosen main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-scope-private.h"

/* Why not GCancellableSource: in GLib 2.74 its dispose, run while another
 * thread emits ::cancelled, resurrects the source with a reference that
 * only its own (already finished) handler would drop, and the source leaks.
 * A wake source has no signal handler of its own: whoever sees the
 * cancellation sets its ready time, and the context dispatches it. */
static gboolean
wake_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  g_source_set_ready_time (source, -1);

  return callback (user_data);
}

static GSourceFuncs wake_source_funcs = {
  .dispatch = wake_source_dispatch,
};

static GSource *
wake_source_new (const char *name)
{
  GSource *source = g_source_new (&wake_source_funcs, sizeof (GSource));

  g_source_set_static_name (source, name);

  return source;
}

static void
wake_source_wake (GSource *source)
{
  g_source_set_ready_time (source, 0);
}

/* A cancel_scope_connect_cancelled() callback. Its wake source belongs to
 * the context it is attached to; the scope lists the watch, without a
 * reference on the source, until the source is destroyed: the watch's
 * destroy notify unlists it. The scope's ::cancelled class handler wakes
 * the listed sources. */
typedef struct
{
  CancelScope     *scope;
  gulong           id;
  GSource         *source;
  CancelScopeFunc  callback;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Watch;

static gboolean
watch_fired (gpointer data)
{
  Watch *watch = data;

  watch->callback (watch->scope, watch->user_data);

  return G_SOURCE_REMOVE;
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  cancel_mutex_lock (&watch->scope->lock);
  if (watch->scope->watches != NULL)
    g_ptr_array_remove_fast (watch->scope->watches, watch);
  cancel_mutex_unlock (&watch->scope->lock);

  if (watch->destroy != NULL)
    watch->destroy (watch->user_data);
  g_object_unref (watch->scope);
  g_free (watch);
}

/**
 * cancel_scope_connect_cancelled:
 * @self: a scope
 * @context: (nullable): where @callback runs, or %NULL for @self's owner
 *   context ([method@Cancel.Scope.get_context]; the global default main
 *   context if the owner context is gone)
 * @callback: (scope notified) (closure user_data) (destroy destroy): called
 *   once when @self is cancelled
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data when @callback will not run again
 *
 * Arranges for @callback to run on @context, once, after @self is
 * cancelled, whichever thread cancels it (a deadline's firing thread, a
 * signal, another scope). Unlike a [signal@Gio.Cancellable::cancelled]
 * handler, which runs in the cancelling thread, @callback may touch what
 * belongs to @context's thread, such as GTK widgets.
 *
 * If @self is cancelled already, @callback runs in a later iteration of
 * @context. If @self ends without being cancelled, @callback is dropped
 * (@destroy runs) and, if it ended so already, 0 is returned. @self stays
 * alive until @callback ran or was dropped.
 *
 * Callable from any thread; with @context %NULL, from a thread that keeps
 * the owner context alive during the call (the one that iterates it, or
 * one holding a reference), as for [method@Cancel.Scope.get_context].
 *
 * Returns: an id for [method@Cancel.Scope.disconnect_cancelled], or 0 if
 *   @self ended without being cancelled
 *
 * Since: 0.2
 */
gulong
cancel_scope_connect_cancelled (CancelScope     *self,
                                GMainContext    *context,
                                CancelScopeFunc  callback,
                                gpointer         user_data,
                                GDestroyNotify   destroy)
{
  g_autoptr(GMainContext) owner = NULL;
  g_autoptr(GSource) source = NULL;
  Watch *watch;
  CancelStatus status;
  gulong id = 0;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);
  g_return_val_if_fail (callback != NULL, 0);

  if (context == NULL)
    {
      /* The owner context is alive: whoever passes NULL iterates it. */
      context = _cancel_dispatch_link_get_context (&self->dispatch);
      if (context != NULL)
        owner = g_main_context_ref (context);
      else
        context = g_main_context_default ();
    }

  watch = g_new0 (Watch, 1);
  watch->scope = g_object_ref (self);
  watch->callback = callback;
  watch->user_data = user_data;
  watch->destroy = destroy;

  source = wake_source_new ("[cancel] cancelled watch");
  g_source_set_callback (source, watch_fired, watch, watch_free);
  watch->source = source;

  /* Attached under the lock so that end() either sees the watch or
   * is seen by this check: a watch never outlives an uncancelled end. */
  cancel_mutex_lock (&self->lock);
  status = self->status;
  if (!cancel_status_is_final (status) ||
      status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_TIMED_OUT)
    {
      if (self->watches == NULL)
        self->watches = g_ptr_array_new ();
      id = watch->id = ++self->last_watch_id;
      g_ptr_array_add (self->watches, watch);
      /* The flag flips before the class handler takes the lock: a watch
       * listed after that handler ran finds the flag set here. */
      if (g_cancellable_is_cancelled (G_CANCELLABLE (self)))
        wake_source_wake (source);
      g_source_attach (source, context);
    }
  cancel_mutex_unlock (&self->lock);

  /* Never attached: the autoptr's unref runs watch_free. */

  return id;
}

/**
 * cancel_scope_disconnect_cancelled:
 * @self: a scope
 * @handler_id: an id from [method@Cancel.Scope.connect_cancelled]
 *
 * Drops a callback that has not run yet: it will not run, and its destroy
 * notify runs. Nothing happens if it ran or was dropped already, so it is
 * safe to call from the callback itself.
 *
 * Callable from any thread; if another thread is running the callback at
 * that moment, it finishes.
 *
 * Since: 0.2
 */
void
cancel_scope_disconnect_cancelled (CancelScope *self,
                                   gulong       handler_id)
{
  GSource *source = NULL;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (handler_id != 0);

  cancel_mutex_lock (&self->lock);
  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    {
      Watch *watch = g_ptr_array_index (self->watches, i);

      if (watch->id == handler_id)
        {
          /* Listed means not destroyed: the reference is safe to take. */
          source = g_source_ref (watch->source);
          break;
        }
    }
  cancel_mutex_unlock (&self->lock);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
}

/* What cancels a wait: a handler on the caller's cancellable wakes a
 * source on the task's context, which completes the task there (never
 * inside the caller's g_cancellable_cancel()). */
typedef struct
{
  GCancellable *cancellable;
  gulong        handler;
  GSource      *source;
} WaitCancel;

static void
wait_cancel_free (gpointer data)
{
  WaitCancel *wait = data;

  /* Unlike g_cancellable_disconnect(), this never waits for another
   * thread's emission, so it cannot deadlock in a ::cancelled handler;
   * a late emission only wakes a destroyed source it holds a reference on. */
  g_signal_handler_disconnect (wait->cancellable, wait->handler);
  g_object_unref (wait->cancellable);
  g_source_destroy (wait->source);
  g_source_unref (wait->source);
  g_free (wait);
}

static void
wait_cancellable_cancelled (GCancellable *cancellable,
                            gpointer      source)
{
  wake_source_wake (source);
}

static void
wait_source_unref (gpointer  source,
                   GClosure *closure)
{
  g_source_unref (source);
}

static gboolean
wait_cancelled (gpointer data)
{
  GTask *task = data;
  CancelScope *self = g_task_get_source_object (task);
  gboolean waiting;

  cancel_mutex_lock (&self->lock);
  waiting = self->waiters != NULL && g_ptr_array_remove_fast (self->waiters, task);
  cancel_mutex_unlock (&self->lock);

  /* Otherwise end() took the task and completes it. */
  if (waiting)
    {
      /* A reset of the cancellable since it woke us still ends the wait. */
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 "%s", _("Operation was cancelled"));
      g_object_unref (task);
    }

  return G_SOURCE_REMOVE;
}

/* Attached before the task is listed: end() may complete it at once. */
static void
wait_watch_cancellable (GTask        *task,
                        GCancellable *cancellable)
{
  WaitCancel *wait = g_new0 (WaitCancel, 1);

  wait->cancellable = g_object_ref (cancellable);
  wait->source = wake_source_new ("[cancel] cancel_scope_wait_async");
  /* The task's source: it runs on the task's context, and holds the task
   * until end() or the cancellation destroys it. */
  g_task_attach_source (task, wait->source, wait_cancelled);
  g_task_set_task_data (task, wait, wait_cancel_free);
  wait->handler = g_signal_connect_data (cancellable, "cancelled",
                                         G_CALLBACK (wait_cancellable_cancelled),
                                         g_source_ref (wait->source),
                                         wait_source_unref, 0);
  /* The flag flips before the emission: one of the two sees it. */
  if (g_cancellable_is_cancelled (cancellable))
    wake_source_wake (wait->source);
}

/**
 * cancel_scope_wait_async:
 * @self: a scope
 * @cancellable: (nullable): cancels the wait, not @self
 * @callback: (scope async): called when @self ended
 * @user_data: data for @callback
 *
 * Waits until @self ends (see [method@Cancel.Scope.end]) and completes with
 * its final status. If @self ended already, completes in a later iteration
 * of the thread-default main context. Cancelling @cancellable completes the
 * wait with %G_IO_ERROR_CANCELLED and leaves @self as it is. The wait holds
 * a reference on @self.
 *
 * Callable from any thread; @callback runs on the thread-default main
 * context of the calling thread.
 *
 * Since: 0.2
 */
void
cancel_scope_wait_async (CancelScope         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CancelStatus status;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cancel_scope_wait_async);
  g_task_set_name (task, "[cancel] cancel_scope_wait_async");

  cancel_mutex_lock (&self->lock);
  status = self->status;
  if (!cancel_status_is_final (status))
    {
      if (cancellable != NULL)
        wait_watch_cancellable (task, cancellable);
      if (self->waiters == NULL)
        self->waiters = g_ptr_array_new ();
      g_ptr_array_add (self->waiters, g_object_ref (task));
    }
  cancel_mutex_unlock (&self->lock);

  if (cancel_status_is_final (status))
    g_task_return_int (task, status);
}

/**
 * cancel_scope_wait_finish:
 * @self: a scope
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Cancel.Scope.wait_async].
 *
 * Callable from the thread that waited, in its callback.
 *
 * Returns: the final status of @self (%CANCEL_STATUS_COMPLETED,
 *   %CANCEL_STATUS_CANCELLED, %CANCEL_STATUS_TIMED_OUT or
 *   %CANCEL_STATUS_FAILED), or %CANCEL_STATUS_PENDING with @error set if
 *   the wait was cancelled
 *
 * Since: 0.2
 */
CancelStatus
cancel_scope_wait_finish (CancelScope   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  gssize status;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_STATUS_PENDING);
  g_return_val_if_fail (g_task_is_valid (result, self), CANCEL_STATUS_PENDING);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cancel_scope_wait_async,
                        CANCEL_STATUS_PENDING);

  status = g_task_propagate_int (G_TASK (result), error);

  return status < 0 ? CANCEL_STATUS_PENDING : (CancelStatus) status;
}

void
_cancel_scope_wake_watches_locked (CancelScope *self)
{
  /* Listed means the source is not freed yet (see Watch). */
  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    wake_source_wake (((Watch *) g_ptr_array_index (self->watches, i))->source);
}

GPtrArray *
_cancel_scope_steal_watches_locked (CancelScope *self)
{
  g_autoptr(GPtrArray) watches = g_steal_pointer (&self->watches);
  GPtrArray *sources;

  if (watches == NULL)
    return NULL;

  /* Referenced now: once unlisted, a watch and its source may be freed
   * by another thread's destroy (a context being finalized). */
  sources = g_ptr_array_new_full (watches->len, (GDestroyNotify) g_source_unref);
  for (guint i = 0; i < watches->len; i++)
    g_ptr_array_add (sources, g_source_ref (((Watch *) g_ptr_array_index (watches, i))->source));

  return sources;
}

void
_cancel_scope_ended_notify_waiters (CancelScope  *self,
                                    GPtrArray    *waiters,
                                    GPtrArray    *watches,
                                    CancelStatus  status)
{
  /* Each destroy runs watch_free, which finds the scope's list gone. */
  for (guint i = 0; watches != NULL && i < watches->len; i++)
    g_source_destroy (g_ptr_array_index (watches, i));

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      WaitCancel *wait = g_task_get_task_data (task);

      /* Breaks the task's cycle with its source; the task's data
       * disconnects the handler when the task is freed. */
      if (wait != NULL)
        g_source_destroy (wait->source);
      g_task_return_int (task, status);
      g_object_unref (task);
    }
}
