/* test-deadline.c: timeouts, absolute deadlines, inheritance, postpone
 *
 * Rule 9 of the contract: a deadline fires on time whether or not the
 * creating thread runs a main loop, and whether or not the scope began.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <cancelable.h>

#include "cancel-test-util.h"

#include "cancel-worker-private.h"

/* A timer may be late (a loaded 2-core machine) but never early; allow
 * 1 ms for clock rounding. */
#define EARLY_SLACK_US 1000
#define LATE_LIMIT_US (10 * G_USEC_PER_SEC)

static void
set_latch_on_cancelled (GCancellable *cancellable,
                        Latch        *latch)
{
  latch_set (latch);
}

/* A timer that fired may still be returning on the worker thread, holding
 * its reference, for a moment after the scope ended. */
static void
wait_released_and_finalize (CancelScope *scope)
{
  WAIT_UNTIL (NULL, g_atomic_int_get ((gint *) &G_OBJECT (scope)->ref_count) == 1);
  drain (NULL);
  g_assert_finalize_object (scope);
}

static void
assert_fired_on_time (CancelScope *scope,
                      gint64       deadline)
{
  gint64 cancel_time = cancel_scope_get_cancel_time (scope);

  g_assert_cmpint (cancel_time, >=, deadline - EARLY_SLACK_US);
  g_assert_cmpint (cancel_time, <, deadline + LATE_LIMIT_US);
}

/* ------------------------------------------------------------------ */

/* Rule 9 */
static void
test_timeout_fires (void)
{
  CancelScope *scope = new_private_scope (NULL, "Download");
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) final_error = NULL;
  gint64 before, deadline;

  cancel_scope_begin (scope);
  before = g_get_monotonic_time ();
  g_assert_true (cancel_scope_set_timeout (scope, 0.25, &error));
  g_assert_no_error (error);
  deadline = cancel_scope_get_own_deadline (scope);
  g_assert_cmpint (deadline, >=, before + 250000);
  g_assert_cmpint (deadline, <=, g_get_monotonic_time () + 250000);
  g_assert_cmpint (cancel_scope_get_deadline (scope), ==, deadline);

  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  assert_fired_on_time (scope, deadline);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_origin_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  /* "Timed out after 0.25 s" */
  g_assert_nonnull (strstr (cancel_scope_get_message (scope), "0.25"));
  g_assert_cmpint (cancel_scope_get_remaining (scope), ==, 0);

  g_assert_true (cancel_scope_set_error_if_cancelled (scope, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "Download"));
  g_assert_nonnull (strstr (error->message, "0.25"));

  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  final_error = cancel_scope_dup_error (scope);
  g_assert_error (final_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  wait_released_and_finalize (scope);
}

/* Rule 9: whole seconds are named too ("Timed out after 2 s"); an absolute
 * deadline fires with TIMEOUT. */
static void
test_absolute_deadline_fires (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Absolute");
  g_autoptr(CancelScope) past = new_private_scope (NULL, "In the past");
  g_autoptr(GError) error = NULL;
  Latch latch, past_latch;
  gint64 deadline;

  latch_init (&latch);
  latch_init (&past_latch);
  g_signal_connect (scope, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  g_signal_connect (past, "cancelled", G_CALLBACK (set_latch_on_cancelled), &past_latch);

  deadline = g_get_monotonic_time () + 100000;
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_deadline (scope, deadline, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, deadline);
  g_assert_cmpint (cancel_scope_get_deadline (scope), ==, deadline);
  latch_wait (&latch);
  assert_fired_on_time (scope, deadline);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  g_assert_nonnull (cancel_scope_get_message (scope));
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);

  /* A deadline in the past fires at once. */
  cancel_scope_begin (past);
  g_assert_true (cancel_scope_set_deadline (past, 1, &error));
  g_assert_no_error (error);
  latch_wait (&past_latch);
  g_assert_cmpint (cancel_scope_get_reason (past), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_remaining (past), ==, 0);
  cancel_scope_end (past);
  g_assert_cmpint (cancel_scope_get_status (past), ==, CANCEL_STATUS_TIMED_OUT);

  latch_clear (&latch);
  latch_clear (&past_latch);
}

/* Rule 9: own deadline, earliest wins; one timer per scope. */
static void
test_earliest_own_deadline_wins (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Combined");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();
  gint64 first, second, absolute;

  g_assert_true (cancel_scope_set_timeout (scope, 100, &error));
  first = cancel_scope_get_own_deadline (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 50, &error));
  second = cancel_scope_get_own_deadline (scope);
  g_assert_cmpint (second, <, first);
  g_assert_true (cancel_scope_set_timeout (scope, 200, &error));
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, second);

  absolute = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_assert_true (cancel_scope_set_deadline (scope, absolute, &error));
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, absolute);
  g_assert_true (cancel_scope_set_deadline (scope, absolute + G_USEC_PER_SEC, &error));
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, absolute);
  g_assert_cmpint (cancel_scope_get_deadline (scope), ==, absolute);
  g_assert_no_error (error);

  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers + 1);
  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
}

/* Rule 9: the effective deadline is the earliest of own and ancestors';
 * an ancestor's timeout cancels the descendants through the tree. */
static void
test_earliest_of_ancestors (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Download");
  g_autoptr(CancelScope) grandchild = new_private_scope (child, "Chunk");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();
  gint64 parent_deadline, child_deadline;
  Latch latch;

  latch_init (&latch);
  g_signal_connect (grandchild, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);

  g_assert_true (cancel_scope_set_timeout (child, 100, &error));
  child_deadline = cancel_scope_get_own_deadline (child);
  g_assert_cmpint (cancel_scope_get_deadline (grandchild), ==, child_deadline);
  g_assert_true (cancel_scope_set_timeout (parent, 0.3, &error));
  g_assert_no_error (error);
  parent_deadline = cancel_scope_get_own_deadline (parent);

  g_assert_cmpint (cancel_scope_get_deadline (child), ==, parent_deadline);
  g_assert_cmpint (cancel_scope_get_own_deadline (child), ==, child_deadline);
  g_assert_cmpint (cancel_scope_get_deadline (grandchild), ==, parent_deadline);
  g_assert_cmpint (cancel_scope_get_own_deadline (grandchild), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_remaining (grandchild), >, 0);
  g_assert_cmpint (cancel_scope_get_remaining (grandchild), <=, 300000);

  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  cancel_scope_begin (grandchild);
  latch_wait (&latch);

  g_assert_cmpint (cancel_scope_get_reason (parent), ==, CANCEL_REASON_TIMEOUT);
  assert_fired_on_time (parent, parent_deadline);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_TIMEOUT);
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "Batch"));
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "timed out"));
  g_assert_cmpint (cancel_scope_get_reason (grandchild), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (grandchild), ==, CANCEL_REASON_TIMEOUT);

  cancel_scope_end (grandchild);
  cancel_scope_end (child);
  cancel_scope_end (parent);
  g_assert_cmpint (cancel_scope_get_status (parent), ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_status (grandchild), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  latch_clear (&latch);
}

/* Rule 9: a child's earlier timeout fires first and leaves the parent. */
static void
test_child_timeout_leaves_parent (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Child");
  g_autoptr(GError) error = NULL;
  Latch latch;

  latch_init (&latch);
  g_signal_connect (child, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  g_assert_true (cancel_scope_set_timeout (parent, 100, &error));
  g_assert_true (cancel_scope_set_timeout (child, 0.1, &error));
  g_assert_cmpint (cancel_scope_get_deadline (child), ==, cancel_scope_get_own_deadline (child));
  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  latch_wait (&latch);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_TIMEOUT);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (parent)));
  cancel_scope_end (child);
  cancel_scope_end (parent);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_status (parent), ==, CANCEL_STATUS_COMPLETED);
  latch_clear (&latch);
}

/* Rules 8, 9: a shielded scope ignores its ancestors' deadlines. */
static void
test_shield_ignores_ancestor_deadline (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) shielded = cancel_scope_new_full (parent, "Cleanup", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_autoptr(CancelScope) inner = NULL;
  g_autoptr(GError) error = NULL;
  Latch latch;

  cancel_scope_set_registry (shielded, NULL);
  inner = new_private_scope (shielded, "Inner");
  latch_init (&latch);
  g_signal_connect (parent, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);

  g_assert_true (cancel_scope_set_timeout (parent, 0.1, &error));
  g_assert_cmpint (cancel_scope_get_deadline (shielded), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_deadline (inner), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_remaining (inner), ==, -1);
  g_assert_true (cancel_scope_set_timeout (shielded, 100, &error));
  g_assert_cmpint (cancel_scope_get_deadline (inner), ==, cancel_scope_get_own_deadline (shielded));

  cancel_scope_begin (parent);
  cancel_scope_begin (shielded);
  latch_wait (&latch);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (inner)));
  cancel_scope_end (shielded);
  cancel_scope_end (parent);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_COMPLETED);
  latch_clear (&latch);
}

/* Rule 9: the creating thread blocks in pthread_cond_timedwait; the
 * deadline fires anyway (on another thread). */
static void
test_fires_while_blocked_in_pthread_wait (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Blocked");
  g_autoptr(GError) error = NULL;
  Latch latch;

  latch_init (&latch);
  g_signal_connect (scope, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, &error));
  latch_wait (&latch);
  g_assert_true (latch.setter != g_thread_self ());
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  latch_clear (&latch);
}

typedef struct
{
  GMutex mutex;
  GCond cond;
  int fired;   /* atomic */
} GLatch;

static void
set_glatch_on_cancelled (GCancellable *cancellable,
                         GLatch       *latch)
{
  g_mutex_lock (&latch->mutex);
  g_atomic_int_set (&latch->fired, 1);
  g_cond_broadcast (&latch->cond);
  g_mutex_unlock (&latch->mutex);
}

/* Rule 9: same, blocked in g_cond_wait_until. */
static void
test_fires_while_blocked_in_g_cond_wait (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Blocked in GCond");
  g_autoptr(GError) error = NULL;
  GLatch latch;
  gint64 guard;

  g_mutex_init (&latch.mutex);
  g_cond_init (&latch.cond);
  latch.fired = 0;
  g_signal_connect (scope, "cancelled", G_CALLBACK (set_glatch_on_cancelled), &latch);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, &error));

  guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;
  g_mutex_lock (&latch.mutex);
  while (!g_atomic_int_get (&latch.fired))
    if (!g_cond_wait_until (&latch.cond, &latch.mutex, guard)
        && !g_atomic_int_get (&latch.fired))
      g_error ("Timed out waiting for a deadline to fire");
  g_mutex_unlock (&latch.mutex);

  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_end (scope);
  g_mutex_clear (&latch.mutex);
  g_cond_clear (&latch.cond);
}

/* Rule 9: the creating thread polls the flag in a sleep loop, never
 * iterating any main context. */
static void
test_fires_while_polling_in_sleep_loop (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Polling");
  g_autoptr(GError) error = NULL;
  gint64 guard, deadline;

  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, &error));
  deadline = cancel_scope_get_own_deadline (scope);
  guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;
  while (!g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    {
      if (g_get_monotonic_time () > guard)
        g_error ("The timeout never fired");
      g_usleep (1000);
    }
  assert_fired_on_time (scope, deadline);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
}

typedef struct
{
  Latch latch;
  CancelReason reason;
  CancelStatus status;
} ThreadResult;

/* A thread with no main context at all makes a scope and blocks. */
static gpointer
blocked_creator_thread (gpointer data)
{
  ThreadResult *result = data;
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Made in a thread");
  g_autoptr(GError) error = NULL;

  g_signal_connect (scope, "cancelled", G_CALLBACK (set_latch_on_cancelled), &result->latch);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, &error));
  latch_wait (&result->latch);
  result->reason = cancel_scope_get_reason (scope);
  cancel_scope_end (scope);
  result->status = cancel_scope_get_status (scope);
  return NULL;
}

/* Rule 9 */
static void
test_fires_in_thread_without_main_loop (void)
{
  ThreadResult result = { 0 };
  GThread *thread;

  latch_init (&result.latch);
  thread = g_thread_new ("creator", blocked_creator_thread, &result);
  g_thread_join (thread);
  g_assert_cmpint (result.reason, ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (result.status, ==, CANCEL_STATUS_TIMED_OUT);
  latch_clear (&result.latch);
}

/* Rule 9 and 2: a deadline fires before begin; the scope still runs its
 * lifecycle and ends TIMED_OUT. */
static void
test_fires_before_begin (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Not yet begun");
  g_autoptr(GError) error = NULL;
  Latch latch;

  latch_init (&latch);
  g_signal_connect (scope, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  g_assert_true (cancel_scope_set_timeout (scope, 0.05, &error));
  latch_wait (&latch);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_PENDING);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_begin (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  latch_clear (&latch);
}

/* Rule 9: bad timeouts are rejected with a clear error, nothing changes,
 * no timer is armed. */
static void
test_invalid_timeouts_rejected (void)
{
  const double bad[] = {
    0.0, -0.0, -1.0, -1e-9, NAN, -NAN, INFINITY, -INFINITY,
    1e300, DBL_MAX, 4e9 /* ~127 years */,
  };
  g_autoptr(CancelScope) fresh = new_private_scope (NULL, "Fresh");
  g_autoptr(CancelScope) armed = new_private_scope (NULL, "Armed");
  g_autoptr(GError) error = NULL;
  gint64 armed_deadline;
  guint timers;
  guint i;

  g_assert_true (cancel_scope_set_timeout (armed, 100, &error));
  armed_deadline = cancel_scope_get_own_deadline (armed);
  cancel_scope_begin (armed);
  timers = _cancel_timer_count_pending ();

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("timeout %g", bad[i]);

      g_assert_false (cancel_scope_set_timeout (fresh, bad[i], &error));
      g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
      g_assert_nonnull (error->message);
      g_assert_cmpstr (error->message, !=, "");
      g_clear_error (&error);
      g_assert_cmpint (cancel_scope_get_own_deadline (fresh), ==, CANCEL_NO_DEADLINE);
      g_assert_cmpint (cancel_scope_get_deadline (fresh), ==, CANCEL_NO_DEADLINE);
      g_assert_cmpint (cancel_scope_get_status (fresh), ==, CANCEL_STATUS_PENDING);
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (fresh)));

      g_assert_false (cancel_scope_set_timeout (armed, bad[i], &error));
      g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
      g_clear_error (&error);
      g_assert_cmpint (cancel_scope_get_own_deadline (armed), ==, armed_deadline);
      g_assert_cmpint (cancel_scope_get_status (armed), ==, CANCEL_STATUS_RUNNING);
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (armed)));

      g_assert_false (cancel_scope_postpone (armed, bad[i], &error));
      g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
      g_clear_error (&error);
      g_assert_cmpint (cancel_scope_get_own_deadline (armed), ==, armed_deadline);

      /* A NULL error location is fine too. */
      g_assert_false (cancel_scope_set_timeout (fresh, bad[i], NULL));
      g_assert_cmpint (_cancel_timer_count_pending (), ==, timers);
    }

  g_assert_false (cancel_scope_set_deadline (fresh, 0, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
  g_clear_error (&error);
  g_assert_false (cancel_scope_set_deadline (fresh, -5, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
  g_clear_error (&error);
  g_assert_false (cancel_scope_set_deadline (armed, CANCEL_NO_DEADLINE, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
  g_clear_error (&error);
  g_assert_cmpint (cancel_scope_get_own_deadline (fresh), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_own_deadline (armed), ==, armed_deadline);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);

  cancel_scope_end (armed);
  g_assert_cmpint (cancel_scope_get_status (armed), ==, CANCEL_STATUS_COMPLETED);
}

/* Rule 9: an absurd absolute deadline is either rejected or harmless. */
static void
test_huge_absolute_deadline (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Far away");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();

  if (cancel_scope_set_deadline (scope, G_MAXINT64, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpint (cancel_scope_get_remaining (scope), >, 0);
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
    }
  else
    {
      g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
      g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, CANCEL_NO_DEADLINE);
      g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
    }
  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
}

/* Rule 9: a deadline for an ended scope is a programmer error: a critical,
 * nothing changes. */
static void
test_deadline_of_ended_scope (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) ended = new_private_scope (NULL, "Ended");
      g_autoptr(GError) error = NULL;
      guint timers = _cancel_timer_count_pending ();

      cancel_scope_begin (ended);
      cancel_scope_end (ended);
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_assert_false (cancel_scope_set_timeout (ended, 1, &error));
      g_assert_no_error (error);
      g_assert_false (cancel_scope_set_deadline (ended, g_get_monotonic_time () + 1000000, &error));
      g_assert_no_error (error);
      g_assert_cmpint (cancel_scope_get_own_deadline (ended), ==, CANCEL_NO_DEADLINE);
      g_assert_cmpint (cancel_scope_get_status (ended), ==, CANCEL_STATUS_COMPLETED);
      g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*set_deadline*cancel_status_is_final*"
                             "*CRITICAL*set_deadline*cancel_status_is_final*");
}

/* Rule 9: postpone without a deadline, after it fired, or after the end:
 * CANCEL_ERROR_NO_DEADLINE, a runtime state another thread may cause. */
static void
test_invalid_state (void)
{
  g_autoptr(CancelScope) ended = new_private_scope (NULL, "Ended");
  g_autoptr(CancelScope) plain = new_private_scope (NULL, "No deadline");
  g_autoptr(CancelScope) fired = new_private_scope (NULL, "Fired");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();
  Latch latch;

  cancel_scope_begin (ended);
  cancel_scope_end (ended);
  g_assert_false (cancel_scope_postpone (ended, 1, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE);
  g_clear_error (&error);

  g_assert_false (cancel_scope_postpone (plain, 1, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE);
  g_clear_error (&error);
  g_assert_cmpint (cancel_scope_get_own_deadline (plain), ==, CANCEL_NO_DEADLINE);

  latch_init (&latch);
  g_signal_connect (fired, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  g_assert_true (cancel_scope_set_timeout (fired, 0.05, &error));
  latch_wait (&latch);
  g_assert_false (cancel_scope_postpone (fired, 10, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE);
  g_clear_error (&error);
  g_assert_cmpint (cancel_scope_get_reason (fired), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  latch_clear (&latch);
}

/* Rule 9: a cancelled scope accepts a timeout but arms nothing. */
static void
test_cancelled_scope_arms_nothing (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Cancelled");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();

  cancel_scope_begin (scope);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stop");
  g_assert_true (cancel_scope_set_timeout (scope, 0.01, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 9: ending or cancelling a scope disarms its timer. */
static void
test_end_and_cancel_disarm (void)
{
  g_autoptr(CancelScope) ended = new_private_scope (NULL, "Ended");
  g_autoptr(CancelScope) cancelled = new_private_scope (NULL, "Cancelled");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();

  g_assert_true (cancel_scope_set_timeout (ended, 100, &error));
  g_assert_true (cancel_scope_set_timeout (cancelled, 100, &error));
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers + 2);
  cancel_scope_begin (ended);
  cancel_scope_end (ended);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers + 1);
  cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  /* The armed timer held the scope; now nothing does but us. */
  drain (NULL);
  g_assert_finalize_object (g_steal_pointer (&cancelled));
}

/* Rule 9 */
static void
test_remaining_decreasing (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Remaining");
  g_autoptr(CancelScope) child = new_private_scope (scope, "Child");
  g_autoptr(GError) error = NULL;
  gint64 first, second, before;

  g_assert_cmpint (cancel_scope_get_remaining (scope), ==, -1);
  before = g_get_monotonic_time ();
  g_assert_true (cancel_scope_set_timeout (scope, 100, &error));
  first = cancel_scope_get_remaining (scope);
  g_assert_cmpint (first, <=, 100 * G_USEC_PER_SEC);
  g_assert_cmpint (first, >, 100 * G_USEC_PER_SEC - (g_get_monotonic_time () - before) - LATE_LIMIT_US);

  /* Let the clock move a little. */
  WAIT_UNTIL (NULL, g_get_monotonic_time () > before + 20000);
  second = cancel_scope_get_remaining (scope);
  g_assert_cmpint (second, <, first);
  g_assert_cmpint (second, >, 0);
  g_assert_cmpint (cancel_scope_get_remaining (child), <=, cancel_scope_get_remaining (scope) + 1000);
  g_assert_cmpint (cancel_scope_get_remaining (child), >, 0);

  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
}

/* Rule 9 */
static void
test_postpone (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Postponed");
  g_autoptr(CancelScope) child = new_private_scope (scope, "Child");
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();
  gint64 original;

  g_assert_true (cancel_scope_set_timeout (scope, 0.2, &error));
  original = cancel_scope_get_own_deadline (scope);
  g_assert_true (cancel_scope_postpone (scope, 100, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), >=, original + 100 * G_USEC_PER_SEC - 1);
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), <=, original + 100 * G_USEC_PER_SEC + 1);
  g_assert_cmpint (cancel_scope_get_deadline (child), ==, cancel_scope_get_own_deadline (scope));
  g_assert_cmpint (cancel_scope_get_remaining (scope), >, 99 * G_USEC_PER_SEC);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers + 1);

  cancel_scope_begin (scope);
  /* Past the original deadline with margin: nothing fired. */
  WAIT_UNTIL (NULL, g_get_monotonic_time () > original + 200000);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (child)));

  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
}

/* Rule 9: a postponed deadline fires at the new time. */
static void
test_postponed_fires_later (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Later");
  g_autoptr(GError) error = NULL;
  gint64 postponed;
  Latch latch;

  latch_init (&latch);
  g_signal_connect (scope, "cancelled", G_CALLBACK (set_latch_on_cancelled), &latch);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.1, &error));
  g_assert_true (cancel_scope_postpone (scope, 0.2, &error));
  postponed = cancel_scope_get_own_deadline (scope);
  latch_wait (&latch);
  assert_fired_on_time (scope, postponed);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  latch_clear (&latch);
}

/* Rule 9: many timeouts in one heap each fire, none early. */
static void
test_many_timeouts (void)
{
  enum { N = 20 };
  CancelScope *scopes[N];
  gint64 deadlines[N];
  g_autoptr(GError) error = NULL;
  guint timers = _cancel_timer_count_pending ();
  int i;

  for (i = 0; i < N; i++)
    {
      /* Out of order on purpose. */
      double seconds = 0.05 + 0.01 * ((i * 7) % N);

      scopes[i] = new_private_scope (NULL, "One of many");
      cancel_scope_begin (scopes[i]);
      g_assert_true (cancel_scope_set_timeout (scopes[i], seconds, &error));
      deadlines[i] = cancel_scope_get_own_deadline (scopes[i]);
    }
  for (i = 0; i < N; i++)
    {
      WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (scopes[i])));
      assert_fired_on_time (scopes[i], deadlines[i]);
      cancel_scope_end (scopes[i]);
      g_assert_cmpint (cancel_scope_get_status (scopes[i]), ==, CANCEL_STATUS_TIMED_OUT);
    }
  g_assert_cmpuint (_cancel_timer_count_pending (), ==, timers);
  for (i = 0; i < N; i++)
    wait_released_and_finalize (scopes[i]);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Deadline/timeout-fires", test_timeout_fires);
  g_test_add_func ("/Cancel/Deadline/absolute-deadline-fires", test_absolute_deadline_fires);
  g_test_add_func ("/Cancel/Deadline/earliest-own-deadline-wins", test_earliest_own_deadline_wins);
  g_test_add_func ("/Cancel/Deadline/earliest-of-ancestors", test_earliest_of_ancestors);
  g_test_add_func ("/Cancel/Deadline/child-timeout-leaves-parent", test_child_timeout_leaves_parent);
  g_test_add_func ("/Cancel/Deadline/shield-ignores-ancestor-deadline",
                   test_shield_ignores_ancestor_deadline);
  g_test_add_func ("/Cancel/Deadline/fires-while-blocked-in-pthread-wait",
                   test_fires_while_blocked_in_pthread_wait);
  g_test_add_func ("/Cancel/Deadline/fires-while-blocked-in-g-cond-wait",
                   test_fires_while_blocked_in_g_cond_wait);
  g_test_add_func ("/Cancel/Deadline/fires-while-polling-in-sleep-loop",
                   test_fires_while_polling_in_sleep_loop);
  g_test_add_func ("/Cancel/Deadline/fires-in-thread-without-main-loop",
                   test_fires_in_thread_without_main_loop);
  g_test_add_func ("/Cancel/Deadline/fires-before-begin", test_fires_before_begin);
  g_test_add_func ("/Cancel/Deadline/invalid-timeouts-rejected", test_invalid_timeouts_rejected);
  g_test_add_func ("/Cancel/Deadline/huge-absolute-deadline", test_huge_absolute_deadline);
  g_test_add_func ("/Cancel/Deadline/invalid-state", test_invalid_state);
  g_test_add_func ("/Cancel/Deadline/deadline-of-ended-scope", test_deadline_of_ended_scope);
  g_test_add_func ("/Cancel/Deadline/cancelled-scope-arms-nothing", test_cancelled_scope_arms_nothing);
  g_test_add_func ("/Cancel/Deadline/end-and-cancel-disarm", test_end_and_cancel_disarm);
  g_test_add_func ("/Cancel/Deadline/remaining-decreasing", test_remaining_decreasing);
  g_test_add_func ("/Cancel/Deadline/postpone", test_postpone);
  g_test_add_func ("/Cancel/Deadline/postponed-fires-later", test_postponed_fires_later);
  g_test_add_func ("/Cancel/Deadline/many-timeouts", test_many_timeouts);

  return g_test_run ();
}
