/* cancel-scope-cleanup.c: resources released when a scope ends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-scope-private.h"

/* One cleanup: @func (if any) then @destroy (if any) on @data. An object
 * is a cleanup with only a destroy, g_object_unref(). */
typedef struct
{
  CancelScopeFunc func;
  gpointer        data;
  GDestroyNotify  destroy;
} Cleanup;

/* Taken under the lock, so that an add() racing end() either lands in
 * the array end() steals, or finds the scope ended and runs at once. */
static void
cancel_scope_add_cleanup_internal (CancelScope     *self,
                                   CancelScopeFunc  func,
                                   gpointer         data,
                                   GDestroyNotify   destroy)
{
  Cleanup cleanup = { func, data, destroy };
  gboolean added = FALSE;

  cancel_mutex_lock (&self->lock);
  if (!self->cleanups_ran)
    {
      if (self->cleanups == NULL)
        self->cleanups = g_array_new (FALSE, FALSE, sizeof (Cleanup));
      g_array_append_val (self->cleanups, cleanup);
      added = TRUE;
    }
  cancel_mutex_unlock (&self->lock);

  if (!added)
    {
      GArray *now = g_array_new (FALSE, FALSE, sizeof (Cleanup));

      g_array_append_val (now, cleanup);
      _cancel_scope_run_cleanups (self, now);
    }
}

/**
 * cancel_scope_add_cleanup:
 * @self: a scope
 * @func: (scope notified) (closure user_data) (destroy destroy): releases
 *   a resource of the work
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data after @func ran
 *
 * Arranges for @func to run exactly once when @self ends, whatever its
 * final status: the place to close a connection, kill a helper or delete a
 * temporary file that the work made, so that a cancellation or a failure
 * releases it as a success does. Cleanups run in the reverse order of
 * their adding, after the final status is set (so @func can read it), and
 * before waiters ([method@Cancel.Scope.wait_async]) complete.
 *
 * @func runs in the thread that ends @self, inside the call that ends it
 * ([method@Cancel.Scope.end], [method@Cancel.Scope.fail], the end of a
 * guard's block, or the worker thread of
 * [method@Cancel.Scope.run_in_thread_async]); if @self is freed without
 * having ended, when it is freed; if a registered @self is dropped while
 * running, on a library thread, when the library ends it (see
 * %CANCEL_ERROR_ABANDONED); if @self ended already, at once, in the
 * calling thread (so a cleanup added while another thread is ending @self
 * may run beside that thread's cleanups, not in their order). A resource that belongs to one thread should be
 * released through [method@Cancel.Scope.connect_cancelled] or a
 * [method@Cancel.Scope.wait_async] callback instead.
 *
 * Callable from any thread.
 *
 * Since: 0.2
 */
void
cancel_scope_add_cleanup (CancelScope     *self,
                          CancelScopeFunc  func,
                          gpointer         user_data,
                          GDestroyNotify   destroy)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (func != NULL);

  cancel_scope_add_cleanup_internal (self, func, user_data, destroy);
}

/**
 * cancel_scope_add_cleanup_object:
 * @self: a scope
 * @object: (type GObject.Object) (transfer full): an object the work used
 *
 * Takes @object and drops that reference exactly once when @self ends,
 * whatever its final status, in the order described at
 * [method@Cancel.Scope.add_cleanup], on the same thread. Objects that
 * release their resource when finalized (a `GSocketConnection`, a
 * `GSubprocess` launcher, a `GFileIOStream`) are released with the work
 * if nothing else holds them.
 *
 * Callable from any thread.
 *
 * Since: 0.2
 */
void
cancel_scope_add_cleanup_object (CancelScope *self,
                                 gpointer     object)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (G_IS_OBJECT (object));

  cancel_scope_add_cleanup_internal (self, NULL, object, g_object_unref);
}

GArray *
_cancel_scope_steal_cleanups_locked (CancelScope *self)
{
  self->cleanups_ran = TRUE;

  return g_steal_pointer (&self->cleanups);
}

void
_cancel_scope_run_cleanups (CancelScope *self,
                            GArray      *cleanups)
{
  if (cleanups == NULL)
    return;

  for (guint i = cleanups->len; i > 0; i--)
    {
      Cleanup *cleanup = &g_array_index (cleanups, Cleanup, i - 1);

      if (cleanup->func != NULL)
        cleanup->func (self, cleanup->data);
      if (cleanup->destroy != NULL)
        cleanup->destroy (cleanup->data);
    }

  g_array_unref (cleanups);
}
