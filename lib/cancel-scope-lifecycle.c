/* cancel-scope-lifecycle.c: a scope's lifecycle (begin, end, fail), its
 * progress, its registry and the sources it holds
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-children-private.h"
#include "cancel-debug-private.h"
#include "cancel-lock-private.h"
#include "cancel-registry-private.h"
#include "cancel-scope-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */

/**
 * cancel_scope_begin:
 * @self: a pending scope
 *
 * Starts the operation: the status becomes %CANCEL_STATUS_RUNNING (or
 * %CANCEL_STATUS_SHIELDED), the start time is recorded and the scope is
 * listed by its registry ([method@Cancel.Scope.set_registry]). A scope that
 * was cancelled before it began still begins; it will end cancelled.
 *
 * Beginning twice or after the end is a programmer error. Callable from
 * any thread;
 * [signal@Cancel.Scope::started] follows on the owner context.
 *
 * Since: 0.1
 */
void
cancel_scope_begin (CancelScope *self)
{
  g_autoptr(CancelRegistry) registry = NULL;
  gboolean pending;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  /* Under the tree lock, so that the parent's children model, which lists
   * begun children, sees the status change and the addition together. */
  cancel_mutex_lock (&_cancel_scope_tree_lock);
  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  if (pending)
    {
      if (self->parent != NULL && self->parent->children != NULL)
        _cancel_children_add (self->parent->children, self);
      self->status = self->shielded ? CANCEL_STATUS_SHIELDED : CANCEL_STATUS_RUNNING;
      self->start_time = g_get_monotonic_time ();
      if (!self->registry_set)
        {
          self->registry = g_object_ref (cancel_registry_get_default ());
          self->registry_set = TRUE;
        }
      if (self->registry != NULL)
        registry = g_object_ref (self->registry);
    }
  cancel_mutex_unlock (&self->lock);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  if (!pending)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
      return;
    }

  if (registry != NULL)
    {
      gboolean ended;

      /* Another thread may end @self as soon as it is RUNNING, before it
       * is tracked: whichever of us comes second untracks it, so that it
       * never stays listed as live. */
      _cancel_registry_track (registry, self);
      cancel_mutex_lock (&self->lock);
      self->tracked = TRUE;
      _cancel_scope_count_shielded_locked (self);
      ended = cancel_status_is_final (self->status);
      cancel_mutex_unlock (&self->lock);

      if (ended)
        _cancel_registry_untrack (registry, self);
    }

  CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_NONE, "Started");
  _cancel_scope_queue_changes (self, CHANGE_STARTED | CHANGE_STATUS | CHANGE_START_TIME);
}

/* A tracked scope counts itself in its registry while shielded, from
 * the moment it is tracked (after its entry is live) to the end (before
 * the entry leaves): so the count never exceeds the live list, and a
 * scope ended but not untracked yet counts as running, as it always did. */
void
_cancel_scope_count_shielded_locked (CancelScope *self)
{
  gboolean counts = self->tracked && self->registry != NULL &&
                    self->status == CANCEL_STATUS_SHIELDED;

  if (counts != self->counted_shielded)
    {
      g_atomic_int_add (&self->registry->n_shielded, counts ? 1 : -1);
      self->counted_shielded = counts;
    }
}

/* Ends @self with @error (nullable) once; see cancel_scope_end(). A
 * scope that is not running is a programmer error if @strict, else
 * ignored (the guard and the thread runner end only what nobody ended). */
static void
cancel_scope_end_internal (CancelScope  *self,
                           const GError *error,
                           gboolean      strict)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GPtrArray) watches = NULL;
  GArray *cleanups = NULL;
  CancelRegistry *registry = NULL;
  CancelTimer *timer = NULL;
  CancelStatus status = CANCEL_STATUS_PENDING;
  CancelReason reason = CANCEL_REASON_NONE;
  gboolean running;
  gboolean untrack = FALSE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  cancel_mutex_lock (&self->lock);
  running = _cancel_scope_status_is_live (self->status);
  if (running)
    {
      self->end_time = g_get_monotonic_time ();

      if (_cancel_scope_is_cancelled_locked (self))
        {
          if (self->reason == CANCEL_REASON_NONE)
            {
              /* Flipped by g_cancellable_cancel(), class handler still to come. */
              self->reason = self->origin = CANCEL_REASON_MANUAL;
              self->message = g_ref_string_new (_("Cancelled"));
              self->cancel_time = self->end_time;
              self->cancel_requested = TRUE;
            }
          /* The cancellation error is made when first asked for
           * (dup_error): formatting it would be most of ending. */
          self->status = self->reason == CANCEL_REASON_TIMEOUT ? CANCEL_STATUS_TIMED_OUT
                                                               : CANCEL_STATUS_CANCELLED;
        }
      else if (error != NULL)
        {
          self->status = CANCEL_STATUS_FAILED;
          self->error = g_error_copy (error);
        }
      else
        self->status = CANCEL_STATUS_COMPLETED;

      status = self->status;
      reason = self->reason;
      _cancel_scope_count_shielded_locked (self);
      timer = g_steal_pointer (&self->timer);
      sources = g_steal_pointer (&self->sources);
      /* The registry holds ended scopes in its history: a reference back
       * would keep a registry alive through its own history. If begin()
       * has not tracked @self yet, it untracks it once it has. */
      registry = g_steal_pointer (&self->registry);
      untrack = self->tracked;
      waiters = g_steal_pointer (&self->waiters);
      if (status != CANCEL_STATUS_CANCELLED && status != CANCEL_STATUS_TIMED_OUT)
        watches = _cancel_scope_steal_watches_locked (self);
      cleanups = _cancel_scope_steal_cleanups_locked (self);
    }
  cancel_mutex_unlock (&self->lock);

  if (!running)
    {
      if (strict)
        g_return_if_fail_warning (G_LOG_DOMAIN, "cancel_scope_end",
                                  "status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED");
      return;
    }

  /* Ended as cancelled while the flip is still on its way (another
   * thread's, or this thread's cascade): an ended cancelled scope has its
   * flag set, whoever looks. */
  if ((status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_TIMED_OUT) &&
      !g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    g_cancellable_cancel (G_CANCELLABLE (self));

  if (timer != NULL)
    _cancel_timer_stop (timer);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    _cancel_source_disarm (g_ptr_array_index (sources, i));

  _cancel_scope_tree_leave (self);

  if (registry != NULL)
    {
      if (untrack)
        _cancel_registry_untrack (registry, self);
      g_object_unref (registry);
    }

  CANCEL_DEBUG_SCOPE (self, reason, "Finished: %s", cancel_status_to_string (status));
  _cancel_scope_run_cleanups (self, cleanups);
  _cancel_scope_queue_changes (self, CHANGE_FINISHED | CHANGE_STATUS | CHANGE_END_TIME | CHANGE_ERROR);
  _cancel_scope_ended_notify_waiters (self, waiters, watches, status);
}

/**
 * cancel_scope_end:
 * @self: a running scope
 *
 * Ends the operation, records the end time and sets the final status once:
 * %CANCEL_STATUS_TIMED_OUT if @self was cancelled with
 * %CANCEL_REASON_TIMEOUT, %CANCEL_STATUS_CANCELLED if it was cancelled for
 * any other reason, and %CANCEL_STATUS_COMPLETED otherwise. Use
 * [method@Cancel.Scope.fail] when the operation failed.
 *
 * Its timer and sources are disarmed, it leaves its parent's children and
 * the live list of its registry. Ending a scope that is not running is a
 * programmer error.
 *
 * Callable from any thread; [signal@Cancel.Scope::finished] follows on the
 * owner context.
 *
 * Since: 0.1
 */
void
cancel_scope_end (CancelScope *self)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));

  cancel_scope_end_internal (self, NULL, TRUE);
}

/**
 * cancel_scope_fail:
 * @self: a running scope
 * @error: (not nullable): how the operation failed
 *
 * Ends the operation as failed: like [method@Cancel.Scope.end], but a scope
 * that was not cancelled ends %CANCEL_STATUS_FAILED and keeps a copy of
 * @error ([method@Cancel.Scope.dup_error]). A cancelled scope still ends
 * %CANCEL_STATUS_CANCELLED or %CANCEL_STATUS_TIMED_OUT, whatever @error is:
 * a cancelled operation usually fails with the cancellation.
 *
 * With a [type@Cancel.ScopeGuard], call it before the block is left: the
 * guard then finds the scope ended and leaves the failure recorded.
 *
 * Callable from any thread; [signal@Cancel.Scope::finished] follows on the
 * owner context.
 *
 * Since: 0.2
 */
void
cancel_scope_fail (CancelScope  *self,
                   const GError *error)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (error != NULL);

  cancel_scope_end_internal (self, error, TRUE);
}

void
_cancel_scope_end_if_live (CancelScope  *self,
                           const GError *error)
{
  cancel_scope_end_internal (self, error, FALSE);
}

gboolean
_cancel_scope_is_live (CancelScope *self)
{
  return _cancel_scope_status_is_live (cancel_scope_get_status (self));
}

gboolean
_cancel_scope_is_ended (CancelScope *self)
{
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  ended = cancel_status_is_final (self->status);
  cancel_mutex_unlock (&self->lock);

  return ended;
}

/**
 * cancel_scope_get_status: (get-property status)
 * @self: a scope
 *
 * Where @self is in its lifecycle.
 *
 * Callable from any thread.
 *
 * Returns: the status
 *
 * Since: 0.1
 */
CancelStatus
cancel_scope_get_status (CancelScope *self)
{
  CancelStatus status;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_STATUS_PENDING);

  cancel_mutex_lock (&self->lock);
  status = self->status;
  cancel_mutex_unlock (&self->lock);

  return status;
}

/**
 * cancel_scope_get_start_time: (get-property start-time)
 * @self: a scope
 *
 * When [method@Cancel.Scope.begin] was called, in monotonic µs.
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self has not begun
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_start_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_mutex_lock (&self->lock);
  time = self->start_time;
  cancel_mutex_unlock (&self->lock);

  return time;
}

/**
 * cancel_scope_get_end_time: (get-property end-time)
 * @self: a scope
 *
 * When [method@Cancel.Scope.end] was called, in monotonic µs.
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self has not ended
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_end_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_mutex_lock (&self->lock);
  time = self->end_time;
  cancel_mutex_unlock (&self->lock);

  return time;
}

/**
 * cancel_scope_dup_error:
 * @self: a scope
 *
 * The error @self ended with: the error given to [method@Cancel.Scope.end]
 * for %CANCEL_STATUS_FAILED, the cancellation error (as
 * [method@Cancel.Scope.set_error_if_cancelled] makes it) for
 * %CANCEL_STATUS_CANCELLED and %CANCEL_STATUS_TIMED_OUT.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): a copy of the error, or %NULL
 *
 * Since: 0.1
 */
GError *
cancel_scope_dup_error (CancelScope *self)
{
  GError *error;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  if (self->error == NULL &&
      (self->status == CANCEL_STATUS_CANCELLED || self->status == CANCEL_STATUS_TIMED_OUT))
    self->error = _cancel_scope_make_error_locked (self);
  error = self->error != NULL ? g_error_copy (self->error) : NULL;
  cancel_mutex_unlock (&self->lock);

  return error;
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */

/**
 * cancel_scope_report_progress:
 * @self: a scope
 * @fraction: done so far, from 0 to 1, or -1 when unknown
 * @message: (nullable): what is being done
 *
 * Records progress. Callable from any thread, as often as the work likes:
 * [signal@Cancel.Scope::progress] and the notifications are coalesced to at
 * most one per iteration of the owner context, and the last value always
 * arrives. The progress of a child does not change its parent's.
 *
 * Since: 0.1
 */
void
cancel_scope_report_progress (CancelScope *self,
                              double       fraction,
                              const char  *message)
{
  guint changes = CHANGE_PROGRESS | CHANGE_PROGRESS_VALUE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (fraction == -1 || (fraction >= 0 && fraction <= 1));

  cancel_mutex_lock (&self->lock);
  self->progress = fraction;
  if (g_strcmp0 (self->progress_message, message) != 0)
    {
      g_free (self->progress_message);
      self->progress_message = g_strdup (message);
      changes |= CHANGE_PROGRESS_MESSAGE;
    }
  cancel_mutex_unlock (&self->lock);

  _cancel_scope_queue_changes (self, changes);
}

/**
 * cancel_scope_get_progress: (get-property progress)
 * @self: a scope
 *
 * The last fraction reported.
 *
 * Callable from any thread.
 *
 * Returns: from 0 to 1, or -1 when unknown
 *
 * Since: 0.1
 */
double
cancel_scope_get_progress (CancelScope *self)
{
  double progress;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), -1);

  cancel_mutex_lock (&self->lock);
  progress = self->progress;
  cancel_mutex_unlock (&self->lock);

  return progress;
}

/**
 * cancel_scope_dup_progress_message:
 * @self: a scope
 *
 * The last progress message reported.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): a copy of the message
 *
 * Since: 0.1
 */
char *
cancel_scope_dup_progress_message (CancelScope *self)
{
  char *message;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  message = g_strdup (self->progress_message);
  cancel_mutex_unlock (&self->lock);

  return message;
}

/* ------------------------------------------------------------------ */
/* Registry and sources                                                */

/**
 * cancel_scope_dup_registry:
 * @self: a scope
 *
 * The registry that lists @self while it runs. Before
 * [method@Cancel.Scope.begin], %NULL unless one was set (the default
 * registry is used when none was); after [method@Cancel.Scope.end], %NULL.
 *
 * Callable from any thread. A new reference, because another thread's
 * [method@Cancel.Scope.end] drops the one @self holds.
 *
 * Returns: (transfer full) (nullable): the registry
 *
 * Since: 0.1
 */
CancelRegistry *
cancel_scope_dup_registry (CancelScope *self)
{
  CancelRegistry *registry = NULL;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  if (self->registry != NULL)
    registry = g_object_ref (self->registry);
  cancel_mutex_unlock (&self->lock);

  return registry;
}

/**
 * cancel_scope_set_registry: (set-property registry)
 * @self: a pending scope
 * @registry: (nullable): the registry, or %NULL to opt out of tracking
 *
 * Chooses the registry that will list @self once it begins; by default it
 * is [func@Cancel.Registry.get_default]. Only before
 * [method@Cancel.Scope.begin].
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_set_registry (CancelScope    *self,
                           CancelRegistry *registry)
{
  gboolean pending;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (registry == NULL || CANCEL_IS_REGISTRY (registry));

  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  if (pending)
    {
      g_set_object (&self->registry, registry);
      self->registry_set = TRUE;
    }
  cancel_mutex_unlock (&self->lock);

  if (!pending)
    g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
}

gboolean
_cancel_scope_attach_source (CancelScope  *self,
                             CancelSource *source)
{
  gboolean ok;

  cancel_mutex_lock (&self->lock);
  ok = !cancel_status_is_final (self->status);
  if (ok)
    {
      if (self->sources == NULL)
        self->sources = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->sources, g_object_ref (source));
    }
  cancel_mutex_unlock (&self->lock);

  return ok;
}

gboolean
_cancel_scope_detach_source (CancelScope  *self,
                             CancelSource *source)
{
  CancelSource *found = NULL;

  cancel_mutex_lock (&self->lock);
  if (self->sources != NULL)
    {
      guint index;

      if (g_ptr_array_find (self->sources, source, &index))
        found = g_ptr_array_steal_index (self->sources, index);
    }
  cancel_mutex_unlock (&self->lock);

  if (found == NULL)
    return FALSE;

  g_object_unref (found);
  return TRUE;
}
