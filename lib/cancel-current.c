/* cancel-current.c: the calling thread's current scope, and block-scoped use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-scope-private.h"

/* A stack per thread, holding no references: like GCancellable's own. */
static GPrivate current_key = G_PRIVATE_INIT ((GDestroyNotify) g_ptr_array_unref);

/**
 * cancel_scope_get_current:
 *
 * The scope on top of the calling thread's stack of current scopes: the
 * default parent of scopes made with [ctor@Cancel.Scope.new]. Work run by
 * [method@Cancel.Scope.run_in_thread_async] sees its scope here.
 *
 * Callable from any thread.
 *
 * Returns: (transfer none) (nullable): the current scope
 *
 * Since: 0.1
 */
CancelScope *
cancel_scope_get_current (void)
{
  GPtrArray *stack = g_private_get (&current_key);

  if (stack == NULL || stack->len == 0)
    return NULL;

  return g_ptr_array_index (stack, stack->len - 1);
}

/**
 * cancel_scope_push_current:
 * @self: a scope
 *
 * Makes @self the current scope of the calling thread, and its current
 * cancellable (g_cancellable_push_current()), until
 * [method@Cancel.Scope.pop_current]. The stack holds no reference.
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_push_current (CancelScope *self)
{
  GPtrArray *stack;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  stack = g_private_get (&current_key);
  if (stack == NULL)
    {
      stack = g_ptr_array_new ();
      g_private_set (&current_key, stack);
    }

  g_ptr_array_add (stack, self);
  g_cancellable_push_current (G_CANCELLABLE (self));
}

/**
 * cancel_scope_pop_current:
 * @self: the current scope
 *
 * Undoes [method@Cancel.Scope.push_current]. Popping a scope that is not
 * on top of the calling thread's stack is a programmer error.
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_pop_current (CancelScope *self)
{
  GPtrArray *stack;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (cancel_scope_get_current () == self);

  stack = g_private_get (&current_key);
  g_ptr_array_set_size (stack, stack->len - 1);
  g_cancellable_pop_current (G_CANCELLABLE (self));
}

/**
 * cancel_scope_enter: (skip)
 * @self: a scope
 *
 * Begins @self (if pending) and makes it current, for use with
 * `g_auto(CancelScopeGuard)`; see [type@Cancel.ScopeGuard].
 *
 * Call from the thread that runs the block.
 *
 * Returns: a guard to clean up with `cancel_scope_exit()`
 *
 * Since: 0.1
 */
CancelScopeGuard
cancel_scope_enter (CancelScope *self)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  if (cancel_scope_get_status (self) == CANCEL_STATUS_PENDING)
    cancel_scope_begin (self);
  cancel_scope_push_current (self);

  return g_object_ref (self);
}

/**
 * cancel_scope_exit: (skip)
 * @guard: (nullable): what [method@Cancel.Scope.enter] returned
 *
 * Pops the guarded scope and ends it with no error, unless it ended
 * already. Called by `g_auto(CancelScopeGuard)` when the block is left.
 *
 * Call from the thread that runs the block.
 *
 * Since: 0.1
 */
void
cancel_scope_exit (CancelScopeGuard guard)
{
  CancelScope *self = guard;

  if (self == NULL)
    return;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  cancel_scope_pop_current (self);
  _cancel_scope_end_if_live (self, NULL);
  g_object_unref (self);
}

