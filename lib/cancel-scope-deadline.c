/* cancel-scope-deadline.c: a scope's deadlines and timeouts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "cancel-debug-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"
#include "cancel-worker-private.h"

static void
cancel_scope_deadline_fired (gpointer data)
{
  /* No message yet: formatting it costs more than the rest of firing, and
   * most timed-out scopes are never asked. */
  _cancel_scope_cancel_internal (data, CANCEL_REASON_TIMEOUT, CANCEL_REASON_TIMEOUT, NULL);
}

/* Must be called with self->lock held; arms or moves the timer. */
static void
cancel_scope_arm_locked (CancelScope *self)
{
  if (_cancel_scope_is_cancelled_locked (self))
    return;

  if (self->timer == NULL ||
      !_cancel_timer_reschedule (self->timer, self->own_deadline))
    {
      if (self->timer != NULL)
        return;  /* fired: the cancellation is on its way */

      /* The armed timer holds the scope; disarmed on cancel and end. */
      self->timer = _cancel_timer_start (self->own_deadline,
                                         cancel_scope_deadline_fired,
                                         g_object_ref (self),
                                         g_object_unref);
    }
}

/* Beyond ~100 years, µs arithmetic on the monotonic clock would lose
 * meaning; bounding every deadline by it keeps sums and differences far
 * from overflowing. */
#define MAX_TIMEOUT_SECONDS (100.0 * 365 * 24 * 3600)
#define MAX_TIMEOUT_USEC    ((gint64) (MAX_TIMEOUT_SECONDS * G_USEC_PER_SEC))

static gboolean
check_timeout (double   seconds,
               GError **error)
{
  if (!isfinite (seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid timeout %g s: it must be a positive, finite number of seconds"),
                   seconds);
      return FALSE;
    }

  return TRUE;
}

static gboolean
cancel_scope_set_deadline_internal (CancelScope  *self,
                                    gint64        deadline,
                                    gint64        duration,
                                    GError      **error)
{
  gboolean changed = FALSE;
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  ended = cancel_status_is_final (self->status);
  if (!ended &&
      (self->own_deadline == CANCEL_NO_DEADLINE || deadline < self->own_deadline))
    {
      self->own_deadline = deadline;
      self->timeout_duration = duration;
      cancel_scope_arm_locked (self);
      changed = TRUE;
    }
  cancel_mutex_unlock (&self->lock);

  if (ended)
    {
      /* As for a source: an ended operation has nothing left to cancel. */
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "!cancel_status_is_final (status)");
      return FALSE;
    }

  if (changed)
    {
      CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_NONE, "Deadline in %" G_GINT64_FORMAT " µs",
                          deadline - g_get_monotonic_time ());
      _cancel_scope_queue_changes (self, CHANGE_DEADLINE);
    }

  return TRUE;
}

/**
 * cancel_scope_set_timeout:
 * @self: a scope
 * @seconds: how long from now, in seconds
 * @error: return location for an error
 *
 * Cancels @self with %CANCEL_REASON_TIMEOUT and a message naming the
 * duration @seconds from now, unless it already has an earlier deadline:
 * the earliest deadline wins. Use [method@Cancel.Scope.postpone] to move
 * it later.
 *
 * The timer runs on the library's timer thread: it fires whether or not
 * any main loop runs, and before or after [method@Cancel.Scope.begin].
 * The cancellation, and so the [signal@Gio.Cancellable::cancelled]
 * handlers of @self and of its descendants, run on one of the library's
 * firing threads: while cancellations wait and none has started for a
 * millisecond, another thread takes them, so a handler that blocks delays
 * no other scope's deadline by more than about that. Callable from any
 * thread.
 *
 * Setting a deadline for a scope that has ended is a programmer error.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT if
 *   @seconds is not a positive finite number. Nothing changes then.
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_timeout (CancelScope  *self,
                          double        seconds,
                          GError      **error)
{
  gint64 duration;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_timeout (seconds, error))
    return FALSE;

  duration = (gint64) (seconds * G_USEC_PER_SEC);
  return cancel_scope_set_deadline_internal (self, g_get_monotonic_time () + duration,
                                             duration, error);
}

/**
 * cancel_scope_set_deadline:
 * @self: a scope
 * @deadline: the monotonic time (g_get_monotonic_time()) to cancel at, in µs
 * @error: return location for an error
 *
 * Like [method@Cancel.Scope.set_timeout] with an absolute time. A deadline
 * in the past fires at once.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT if
 *   @deadline is not positive
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_deadline (CancelScope  *self,
                           gint64        deadline,
                           GError      **error)
{
  gint64 now;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = g_get_monotonic_time ();
  if (deadline <= 0 || deadline - now > MAX_TIMEOUT_USEC)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, deadline);

      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid deadline %s: it must be a positive monotonic time at most a hundred years ahead"),
                   value);
      return FALSE;
    }

  return cancel_scope_set_deadline_internal (self, deadline, MAX (deadline - now, 0), error);
}

/**
 * cancel_scope_postpone:
 * @self: a scope
 * @seconds: how much later, in seconds
 * @error: return location for an error
 *
 * Moves the own deadline of @self later by @seconds. The message of an
 * eventual timeout names the whole duration.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT for
 *   an invalid @seconds, or %CANCEL_ERROR_NO_DEADLINE if @self has no own
 *   deadline pending: none was set, it fired a moment ago (perhaps on
 *   another thread), or @self was cancelled or ended
 *
 * Since: 0.1
 */
gboolean
cancel_scope_postpone (CancelScope  *self,
                       double        seconds,
                       GError      **error)
{
  gboolean ok;
  gboolean too_far = FALSE;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_timeout (seconds, error))
    return FALSE;

  cancel_mutex_lock (&self->lock);
  /* Both are bounded (own_deadline by set_deadline, extra by
   * check_timeout): the sum cannot overflow. */
  too_far = self->own_deadline != CANCEL_NO_DEADLINE &&
            self->own_deadline + (gint64) (seconds * G_USEC_PER_SEC) - g_get_monotonic_time () > MAX_TIMEOUT_USEC;
  ok = !too_far &&
       self->own_deadline != CANCEL_NO_DEADLINE &&
       self->timer != NULL &&
       !self->cancel_requested &&
       !cancel_status_is_final (self->status);
  if (ok)
    {
      gint64 extra = (gint64) (seconds * G_USEC_PER_SEC);

      /* A timer that already fired cannot be recalled. */
      ok = _cancel_timer_reschedule (self->timer, self->own_deadline + extra);
      if (ok)
        {
          self->own_deadline += extra;
          self->timeout_duration += extra;
        }
    }
  cancel_mutex_unlock (&self->lock);

  if (too_far)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid postponement %g s: the deadline would be more than a hundred years ahead"),
                   seconds);
      return FALSE;
    }
  if (!ok)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE,
                   _("There is no pending deadline to postpone"));
      return FALSE;
    }

  _cancel_scope_queue_changes (self, CHANGE_DEADLINE);

  return TRUE;
}

/**
 * cancel_scope_get_own_deadline:
 * @self: a scope
 *
 * The deadline set on @self itself, ignoring its ancestors.
 *
 * Callable from any thread.
 *
 * Returns: a monotonic time in µs, or %CANCEL_NO_DEADLINE
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_own_deadline (CancelScope *self)
{
  gint64 deadline;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  cancel_mutex_lock (&self->lock);
  deadline = self->own_deadline;
  cancel_mutex_unlock (&self->lock);

  return deadline;
}

/**
 * cancel_scope_get_deadline: (get-property deadline)
 * @self: a scope
 *
 * The effective deadline of @self: the earliest own deadline of @self and
 * of its ancestors, up to and including the nearest shielded one (a
 * shielded scope is not cancelled by its ancestors, so their deadlines do
 * not apply).
 *
 * Callable from any thread.
 *
 * Returns: a monotonic time in µs, or %CANCEL_NO_DEADLINE
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_deadline (CancelScope *self)
{
  gint64 earliest = CANCEL_NO_DEADLINE;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  cancel_mutex_lock (&_cancel_scope_tree_lock);
  for (CancelScope *iter = self; iter != NULL; iter = iter->parent)
    {
      gint64 deadline;
      gboolean shielded;

      cancel_mutex_lock (&iter->lock);
      deadline = iter->own_deadline;
      shielded = iter->shielded;
      cancel_mutex_unlock (&iter->lock);

      if (deadline != CANCEL_NO_DEADLINE &&
          (earliest == CANCEL_NO_DEADLINE || deadline < earliest))
        earliest = deadline;

      if (shielded)
        break;
    }
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  return earliest;
}

/**
 * cancel_scope_get_remaining:
 * @self: a scope
 *
 * Time left until the effective deadline ([method@Cancel.Scope.get_deadline]).
 *
 *
 * Callable from any thread.
 *
 * Returns: µs left, 0 if the deadline passed, or %CANCEL_NO_DEADLINE (-1)
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_remaining (CancelScope *self)
{
  gint64 deadline;
  gint64 now;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  deadline = cancel_scope_get_deadline (self);
  if (deadline == CANCEL_NO_DEADLINE)
    return CANCEL_NO_DEADLINE;

  /* One reading of the clock: MAX() evaluates its arguments twice. */
  now = g_get_monotonic_time ();
  return deadline > now ? deadline - now : 0;
}
