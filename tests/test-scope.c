/* test-scope.c: CancelScope lifecycle, cancellation, nesting, shield,
 * errors, progress, current scope, tree, bad input and reentrancy
 *
 * Written from the contract (DESIGN.md rules 1-16) and the headers, not
 * from the implementation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <libintl.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include <cancelable.h>

#include "cancel-test-util.h"

/* In a subprocess: criticals go to stderr without aborting, so the test
 * goes on to check that the bad call changed nothing. */
static void
criticals_not_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

typedef struct
{
  int started;
  int finished;
  CancelStatus final_status;
  int progress;
  double last_fraction;
  char *last_message;
  int notify_status;
} Events;

static void
on_started (CancelScope *scope,
            Events      *events)
{
  events->started++;
}

static void
on_finished (CancelScope  *scope,
             CancelStatus  status,
             Events       *events)
{
  events->finished++;
  events->final_status = status;
}

static void
on_progress (CancelScope *scope,
             double       fraction,
             const char  *message,
             Events      *events)
{
  events->progress++;
  events->last_fraction = fraction;
  g_free (events->last_message);
  events->last_message = g_strdup (message);
}

static void
on_notify_status (CancelScope *scope,
                  GParamSpec  *pspec,
                  Events      *events)
{
  events->notify_status++;
}

static void
connect_events (CancelScope *scope,
                Events      *events)
{
  memset (events, 0, sizeof *events);
  events->last_fraction = -2;
  g_signal_connect (scope, "started", G_CALLBACK (on_started), events);
  g_signal_connect (scope, "finished", G_CALLBACK (on_finished), events);
  g_signal_connect (scope, "progress", G_CALLBACK (on_progress), events);
  g_signal_connect (scope, "notify::status", G_CALLBACK (on_notify_status), events);
}

static void
events_clear (Events *events)
{
  g_clear_pointer (&events->last_message, g_free);
}

/* ------------------------------------------------------------------ */

/* Rule 1 */
static void
test_initial_state (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Initial");
  g_autoptr(CancelScope) unnamed = cancel_scope_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (G_IS_CANCELLABLE (scope));
  g_assert_true (CANCEL_IS_SCOPE (scope));
  g_assert_cmpstr (cancel_scope_get_name (scope), ==, "Initial");
  g_assert_null (cancel_scope_get_name (unnamed));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_PENDING);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
  g_assert_cmpint (cancel_scope_get_origin_reason (scope), ==, CANCEL_REASON_NONE);
  g_assert_null (cancel_scope_get_message (scope));
  g_assert_cmpint (cancel_scope_get_start_time (scope), ==, 0);
  g_assert_cmpint (cancel_scope_get_end_time (scope), ==, 0);
  g_assert_cmpint (cancel_scope_get_cancel_time (scope), ==, 0);
  g_assert_null (cancel_scope_dup_error (scope));
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1.0);
  g_assert_null (cancel_scope_dup_progress_message (scope));
  g_assert_cmpint (cancel_scope_get_deadline (scope), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_own_deadline (scope), ==, CANCEL_NO_DEADLINE);
  g_assert_cmpint (cancel_scope_get_remaining (scope), ==, -1);
  g_assert_false (cancel_scope_get_shielded (scope));
  g_assert_null (cancel_scope_dup_parent (scope));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_false (cancel_scope_set_error_if_cancelled (scope, &error));
  g_assert_no_error (error);
  g_assert_true (cancel_scope_get_context (scope) == g_main_context_default ());
  g_assert_nonnull (cancel_scope_get_children (scope));
  g_assert_cmpuint (g_list_model_get_n_items (cancel_scope_get_children (scope)), ==, 0);
  g_assert_cmpuint (cancel_scope_get_id (scope), >, 0);
}

/* Rule 1: properties agree with the getters. */
static void
test_initial_properties (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Props");
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  CancelStatus status;
  CancelReason reason, origin;
  gint64 start_time, end_time, deadline;
  double progress;
  guint64 id;

  g_object_get (scope,
                "name", &name,
                "message", &message,
                "status", &status,
                "reason", &reason,
                "origin-reason", &origin,
                "start-time", &start_time,
                "end-time", &end_time,
                "deadline", &deadline,
                "progress", &progress,
                "id", &id,
                NULL);
  g_assert_cmpstr (name, ==, "Props");
  g_assert_null (message);
  g_assert_cmpint (status, ==, CANCEL_STATUS_PENDING);
  g_assert_cmpint (reason, ==, CANCEL_REASON_NONE);
  g_assert_cmpint (origin, ==, CANCEL_REASON_NONE);
  g_assert_cmpint (start_time, ==, 0);
  g_assert_cmpint (end_time, ==, 0);
  g_assert_cmpint (deadline, ==, CANCEL_NO_DEADLINE);
  g_assert_cmpfloat (progress, ==, -1.0);
  g_assert_cmpuint (id, ==, cancel_scope_get_id (scope));
}

static void
test_ids_unique_increasing (void)
{
  guint64 last = 0;
  int i;

  for (i = 0; i < 100; i++)
    {
      g_autoptr(CancelScope) scope = cancel_scope_new (NULL);
      guint64 id = cancel_scope_get_id (scope);

      g_assert_cmpuint (id, >, last);
      last = id;
    }
}

static void
test_owner_context_is_thread_default (void)
{
  GMainContext *context = g_main_context_new ();
  CancelScope *scope;

  g_main_context_push_thread_default (context);
  scope = cancel_scope_new ("Owned");
  g_main_context_pop_thread_default (context);
  g_assert_true (cancel_scope_get_context (scope) == context);
  g_assert_finalize_object (scope);
  g_main_context_unref (context);
}

/* Rule 2: start time at begin, not at construction; end time at end. */
static void
test_begin_end_times (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Times");
  gint64 before, after;

  before = g_get_monotonic_time ();
  cancel_scope_begin (scope);
  after = g_get_monotonic_time ();
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
  g_assert_cmpint (cancel_scope_get_start_time (scope), >=, before);
  g_assert_cmpint (cancel_scope_get_start_time (scope), <=, after);
  g_assert_cmpint (cancel_scope_get_end_time (scope), ==, 0);

  before = g_get_monotonic_time ();
  cancel_scope_end (scope);
  after = g_get_monotonic_time ();
  g_assert_cmpint (cancel_scope_get_end_time (scope), >=, before);
  g_assert_cmpint (cancel_scope_get_end_time (scope), <=, after);
  g_assert_cmpint (cancel_scope_get_end_time (scope), >=, cancel_scope_get_start_time (scope));
}

/* Rule 2 */
static void
test_end_completed (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Completed");

  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_null (cancel_scope_dup_error (scope));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
}

/* Rule 2: the error is copied and kept. */
static void
test_end_failed_keeps_error (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Failed");
  GError *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such file");
  g_autoptr(GError) kept = NULL;
  g_autoptr(GError) again = NULL;

  cancel_scope_begin (scope);
  cancel_scope_fail (scope, error);
  g_clear_error (&error);

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  kept = cancel_scope_dup_error (scope);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (kept->message, ==, "No such file");
  again = cancel_scope_dup_error (scope);
  g_assert_true (again != kept);
  g_assert_error (again, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
}

/* Rule 2: not cancelled, but an error passed: FAILED even when the error
 * happens to be G_IO_ERROR_CANCELLED (some other cancellable's). */
static void
test_end_uncancelled_with_cancelled_error_fails (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Other cancellable");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "elsewhere");
  g_autoptr(GError) kept = NULL;

  cancel_scope_begin (scope);
  cancel_scope_fail (scope, error);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  kept = cancel_scope_dup_error (scope);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Rule 2: cancelled -> CANCELLED whatever error is passed at end. */
static void
test_end_cancelled (void)
{
  enum { NO_ERROR, CANCELLED_ERROR, OTHER_ERROR };
  int variant;

  for (variant = NO_ERROR; variant <= OTHER_ERROR; variant++)
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Cancelled");
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) kept = NULL;

      if (variant == CANCELLED_ERROR)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      else if (variant == OTHER_ERROR)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "broke while stopping");

      cancel_scope_begin (scope);
      g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "Got SIGTERM"));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
      if (error != NULL)
        cancel_scope_fail (scope, error);
      else
        cancel_scope_end (scope);

      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
      g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_SIGNAL);
      g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Got SIGTERM");
      kept = cancel_scope_dup_error (scope);
      g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
}

/* Rule 2: a TIMEOUT reason, however it came, ends TIMED_OUT. */
static void
test_end_timed_out_by_reason (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Timed");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) kept = NULL;

  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, "Took too long"));
  cancel_scope_fail (scope, error);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  kept = cancel_scope_dup_error (scope);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* Rule 2 and 7: a child of a timed-out parent was cancelled for PARENT,
 * so it ends CANCELLED, not TIMED_OUT. */
static void
test_end_child_of_timed_out_is_cancelled (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Item");

  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  cancel_scope_cancel (parent, CANCEL_REASON_TIMEOUT, NULL);
  cancel_scope_end (child);
  cancel_scope_end (parent);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_status (parent), ==, CANCEL_STATUS_TIMED_OUT);
}

/* Rule 2: cancelled before it began, it still runs its lifecycle. */
static void
test_cancelled_before_begin (void)
{
  CancelReason reasons[] = { CANCEL_REASON_MANUAL, CANCEL_REASON_TIMEOUT, CANCEL_REASON_ERROR };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Early");

      g_assert_true (cancel_scope_cancel (scope, reasons[i], "before begin"));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_PENDING);
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));

      cancel_scope_begin (scope);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
      g_assert_cmpint (cancel_scope_get_start_time (scope), >, 0);
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));

      cancel_scope_end (scope);
      g_assert_cmpint (cancel_scope_get_status (scope), ==,
                       reasons[i] == CANCEL_REASON_TIMEOUT ? CANCEL_STATUS_TIMED_OUT
                                                           : CANCEL_STATUS_CANCELLED);
      g_assert_cmpint (cancel_scope_get_reason (scope), ==, reasons[i]);
      g_assert_cmpstr (cancel_scope_get_message (scope), ==, "before begin");
    }
}

/* Cancel after end returns FALSE and changes nothing. */
static void
test_cancel_after_end (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Done");

  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "late"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
  g_assert_null (cancel_scope_get_message (scope));
  g_assert_cmpint (cancel_scope_get_cancel_time (scope), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Rule 3: programmer errors change nothing */

typedef struct
{
  CancelStatus status;
  gint64 start_time;
  gint64 end_time;
  CancelReason reason;
} Snapshot;

static Snapshot
snapshot (CancelScope *scope)
{
  Snapshot s = {
    cancel_scope_get_status (scope),
    cancel_scope_get_start_time (scope),
    cancel_scope_get_end_time (scope),
    cancel_scope_get_reason (scope),
  };
  return s;
}

static void
assert_snapshot_equal (Snapshot a,
                       Snapshot b)
{
  g_assert_cmpint (a.status, ==, b.status);
  g_assert_cmpint (a.start_time, ==, b.start_time);
  g_assert_cmpint (a.end_time, ==, b.end_time);
  g_assert_cmpint (a.reason, ==, b.reason);
}

/* Rule 3 */
static void
test_end_twice (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Twice");
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
      Snapshot before;

      cancel_scope_begin (scope);
      cancel_scope_end (scope);
      before = snapshot (scope);
      criticals_not_fatal ();
      cancel_scope_fail (scope, error);
      assert_snapshot_equal (before, snapshot (scope));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
      g_assert_null (cancel_scope_dup_error (scope));
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_end*");
}

/* Rule 3 */
static void
test_begin_twice (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Twice");
      Snapshot before;

      cancel_scope_begin (scope);
      before = snapshot (scope);
      criticals_not_fatal ();
      cancel_scope_begin (scope);
      assert_snapshot_equal (before, snapshot (scope));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
      /* The one real lifecycle still works. */
      cancel_scope_end (scope);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_begin*");
}

/* Rule 3 */
static void
test_begin_after_end (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Again");
      Snapshot before;

      cancel_scope_begin (scope);
      cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
      cancel_scope_end (scope);
      before = snapshot (scope);
      criticals_not_fatal ();
      cancel_scope_begin (scope);
      assert_snapshot_equal (before, snapshot (scope));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_begin*");
}

/* Rule 3 */
static void
test_end_pending (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Never begun");
      Snapshot before = snapshot (scope);

      criticals_not_fatal ();
      cancel_scope_end (scope);
      assert_snapshot_equal (before, snapshot (scope));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_PENDING);
      /* It can still run normally afterwards. */
      cancel_scope_begin (scope);
      cancel_scope_end (scope);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_end*");
}

/* ------------------------------------------------------------------ */
/* Rule 4: signals on the owner context, once per event, never synchronous */

/* Rule 4 */
static void
test_signals_once_never_synchronous (void)
{
  CancelScope *scope = new_private_scope (NULL, "Signals");
  Events events;

  connect_events (scope, &events);

  cancel_scope_begin (scope);
  g_assert_cmpint (events.started, ==, 0);
  g_assert_cmpint (events.notify_status, ==, 0);
  drain (NULL);
  g_assert_cmpint (events.started, ==, 1);
  g_assert_cmpint (events.notify_status, ==, 1);

  cancel_scope_report_progress (scope, 0.5, "Half");
  g_assert_cmpint (events.progress, ==, 0);
  WAIT_UNTIL (NULL, events.progress == 1);
  g_assert_cmpfloat (events.last_fraction, ==, 0.5);
  g_assert_cmpstr (events.last_message, ==, "Half");

  cancel_scope_end (scope);
  g_assert_cmpint (events.finished, ==, 0);
  WAIT_UNTIL (NULL, events.finished == 1);
  g_assert_cmpint (events.final_status, ==, CANCEL_STATUS_COMPLETED);

  /* Nothing more comes later. */
  drain (NULL);
  g_assert_cmpint (events.started, ==, 1);
  g_assert_cmpint (events.progress, ==, 1);
  g_assert_cmpint (events.finished, ==, 1);
  g_assert_cmpint (events.notify_status, ==, 2);

  g_assert_finalize_object (scope);
  events_clear (&events);
}

/* Rule 4: finished carries each final status. */
static void
test_finished_carries_final_status (void)
{
  CancelStatus expected[] = {
    CANCEL_STATUS_COMPLETED, CANCEL_STATUS_CANCELLED, CANCEL_STATUS_TIMED_OUT, CANCEL_STATUS_FAILED,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      CancelScope *scope = new_private_scope (NULL, "Final");
      g_autoptr(GError) error = NULL;
      Events events;

      connect_events (scope, &events);
      cancel_scope_begin (scope);
      switch (expected[i])
        {
        case CANCEL_STATUS_CANCELLED:
          cancel_scope_cancel (scope, CANCEL_REASON_ERROR, NULL);
          break;
        case CANCEL_STATUS_TIMED_OUT:
          cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, NULL);
          break;
        case CANCEL_STATUS_FAILED:
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
          break;
        case CANCEL_STATUS_PENDING:
        case CANCEL_STATUS_RUNNING:
        case CANCEL_STATUS_SHIELDED:
        case CANCEL_STATUS_COMPLETED:
        default:
          break;
        }
      if (error != NULL)
        cancel_scope_fail (scope, error);
      else
        cancel_scope_end (scope);
      WAIT_UNTIL (NULL, events.finished == 1);
      drain (NULL);
      g_assert_cmpint (events.finished, ==, 1);
      g_assert_cmpint (events.final_status, ==, expected[i]);
      g_assert_cmpint (events.started, ==, 1);
      g_assert_finalize_object (scope);
      events_clear (&events);
    }
}

/* Rule 4: signals go to the owner context even when the test thread's
 * thread-default is another one at the time of the event. */
static void
test_signals_on_owner_context (void)
{
  GMainContext *owner = g_main_context_new ();
  GMainContext *other = g_main_context_new ();
  CancelScope *scope;
  Events events;

  g_main_context_push_thread_default (owner);
  scope = new_private_scope (NULL, "Owned");
  g_main_context_pop_thread_default (owner);
  connect_events (scope, &events);

  g_main_context_push_thread_default (other);
  cancel_scope_begin (scope);
  cancel_scope_report_progress (scope, 0.25, NULL);
  cancel_scope_end (scope);
  g_main_context_pop_thread_default (other);

  drain (other);
  drain (NULL);
  g_assert_cmpint (events.started, ==, 0);
  g_assert_cmpint (events.finished, ==, 0);
  g_assert_cmpint (events.progress, ==, 0);

  WAIT_UNTIL (owner, events.finished == 1);
  drain (owner);
  g_assert_cmpint (events.started, ==, 1);
  g_assert_cmpint (events.progress, ==, 1);
  g_assert_null (events.last_message);
  g_assert_cmpfloat (events.last_fraction, ==, 0.25);

  g_assert_finalize_object (scope);
  events_clear (&events);
  g_main_context_unref (other);
  g_main_context_unref (owner);
}

/* ------------------------------------------------------------------ */
/* Rule 5 */

/* Rule 5 */
static void
test_first_cancel_wins (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Race");

  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "First"));
  g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Second"));
  g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, NULL));
  g_cancellable_cancel (G_CANCELLABLE (scope));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_SIGNAL);
  g_assert_cmpint (cancel_scope_get_origin_reason (scope), ==, CANCEL_REASON_SIGNAL);
  g_assert_cmpstr (cancel_scope_get_message (scope), ==, "First");
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 5 */
static void
test_plain_cancel_is_manual (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Third party");

  cancel_scope_begin (scope);
  g_cancellable_cancel (G_CANCELLABLE (scope));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpint (cancel_scope_get_origin_reason (scope), ==, CANCEL_REASON_MANUAL);
  g_assert_nonnull (cancel_scope_get_message (scope));
  g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "Later"));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 5: a NULL message gets a default one; each reason is kept. */
static void
test_reasons_and_default_message (void)
{
  CancelReason reasons[] = {
    CANCEL_REASON_MANUAL, CANCEL_REASON_TIMEOUT, CANCEL_REASON_SIGNAL,
    CANCEL_REASON_CONDITION, CANCEL_REASON_PARENT, CANCEL_REASON_ERROR,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Reason");

      g_assert_true (cancel_scope_cancel (scope, reasons[i], NULL));
      g_assert_cmpint (cancel_scope_get_reason (scope), ==, reasons[i]);
      g_assert_nonnull (cancel_scope_get_message (scope));
      g_assert_cmpstr (cancel_scope_get_message (scope), !=, "");
    }
}

/* Rule 5: cancel time is the time of the request. */
static void
test_cancel_time (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "When");
  gint64 before, after;

  cancel_scope_begin (scope);
  before = g_get_monotonic_time ();
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  after = g_get_monotonic_time ();
  g_assert_cmpint (cancel_scope_get_cancel_time (scope), >=, before);
  g_assert_cmpint (cancel_scope_get_cancel_time (scope), <=, after);
  /* A losing cancel does not move it. */
  cancel_scope_cancel (scope, CANCEL_REASON_ERROR, NULL);
  g_assert_cmpint (cancel_scope_get_cancel_time (scope), <=, after);
  cancel_scope_end (scope);
}

/* ------------------------------------------------------------------ */
/* Rule 6 */

typedef struct
{
  int calls;
  CancelReason reason;
  CancelReason origin;
  char *message;
  gboolean cancelled_flag;
} SeenInHandler;

static void
record_in_cancelled (GCancellable  *cancellable,
                     SeenInHandler *seen)
{
  CancelScope *scope = CANCEL_SCOPE (cancellable);

  seen->calls++;
  seen->reason = cancel_scope_get_reason (scope);
  seen->origin = cancel_scope_get_origin_reason (scope);
  g_free (seen->message);
  seen->message = g_strdup (cancel_scope_get_message (scope));
  seen->cancelled_flag = g_cancellable_is_cancelled (cancellable);
}

/* Rule 6 */
static void
test_reason_visible_in_cancelled_handler (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Visible");
  g_autoptr(CancelScope) plain = new_private_scope (NULL, "Plain");
  SeenInHandler seen = { 0 };
  SeenInHandler seen_plain = { 0 };

  g_signal_connect (scope, "cancelled", G_CALLBACK (record_in_cancelled), &seen);
  g_signal_connect (plain, "cancelled", G_CALLBACK (record_in_cancelled), &seen_plain);
  cancel_scope_begin (scope);

  cancel_scope_cancel (scope, CANCEL_REASON_CONDITION, "Disk full");
  g_assert_cmpint (seen.calls, ==, 1);
  g_assert_cmpint (seen.reason, ==, CANCEL_REASON_CONDITION);
  g_assert_cmpint (seen.origin, ==, CANCEL_REASON_CONDITION);
  g_assert_cmpstr (seen.message, ==, "Disk full");
  g_assert_true (seen.cancelled_flag);

  g_cancellable_cancel (G_CANCELLABLE (plain));
  g_assert_cmpint (seen_plain.calls, ==, 1);
  g_assert_cmpint (seen_plain.reason, ==, CANCEL_REASON_MANUAL);
  g_assert_nonnull (seen_plain.message);

  cancel_scope_end (scope);
  g_free (seen.message);
  g_free (seen_plain.message);
}

/* Rule 6 and 7: a descendant's handler already sees PARENT. */
static void
test_reason_visible_in_child_handler (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Outer");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Inner");
  g_autoptr(CancelScope) grandchild = new_private_scope (child, "Innermost");
  SeenInHandler seen_child = { 0 };
  SeenInHandler seen_grandchild = { 0 };

  g_signal_connect (child, "cancelled", G_CALLBACK (record_in_cancelled), &seen_child);
  g_signal_connect (grandchild, "cancelled", G_CALLBACK (record_in_cancelled), &seen_grandchild);
  cancel_scope_cancel (parent, CANCEL_REASON_SIGNAL, "Interrupted");

  g_assert_cmpint (seen_child.calls, ==, 1);
  g_assert_cmpint (seen_child.reason, ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (seen_child.origin, ==, CANCEL_REASON_SIGNAL);
  g_assert_nonnull (seen_child.message);
  g_assert_true (seen_child.cancelled_flag);
  g_assert_cmpint (seen_grandchild.calls, ==, 1);
  g_assert_cmpint (seen_grandchild.reason, ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (seen_grandchild.origin, ==, CANCEL_REASON_SIGNAL);
  g_free (seen_child.message);
  g_free (seen_grandchild.message);
}

/* ------------------------------------------------------------------ */
/* Rule 7 */

/* Rule 7 */
static void
test_cascade_to_descendants (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) child = new_private_scope (root, "Download");
  g_autoptr(CancelScope) sibling = new_private_scope (root, "Upload");
  g_autoptr(CancelScope) grandchild = new_private_scope (child, "Chunk");

  cancel_scope_begin (root);
  cancel_scope_begin (child);
  cancel_scope_begin (grandchild);
  /* sibling stays pending: pending descendants are cancelled too */

  g_assert_true (cancel_scope_cancel (root, CANCEL_REASON_SIGNAL, "Got SIGINT"));

  g_assert_cmpint (cancel_scope_get_reason (root), ==, CANCEL_REASON_SIGNAL);
  g_assert_cmpint (cancel_scope_get_origin_reason (root), ==, CANCEL_REASON_SIGNAL);

  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_SIGNAL);
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "Batch"));

  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (sibling)));
  g_assert_cmpint (cancel_scope_get_reason (sibling), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (sibling), ==, CANCEL_REASON_SIGNAL);

  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (grandchild)));
  g_assert_cmpint (cancel_scope_get_reason (grandchild), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (grandchild), ==, CANCEL_REASON_SIGNAL);
  /* It names its own parent. */
  g_assert_nonnull (strstr (cancel_scope_get_message (grandchild), "Download"));

  g_assert_cmpint (cancel_scope_get_cancel_time (child), >, 0);
  cancel_scope_end (grandchild);
  cancel_scope_end (child);
  cancel_scope_end (root);
  g_assert_cmpint (cancel_scope_get_status (grandchild), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 7: "Parent “NAME” timed out" for a timeout. */
static void
test_cascade_timeout_message (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) child = new_private_scope (root, "Download");

  cancel_scope_cancel (root, CANCEL_REASON_TIMEOUT, NULL);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_TIMEOUT);
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "Batch"));
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "timed out"));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* Translations may write the hole as "%1$s" and a percent sign as "%%":
 * the message, put together without printf, reads as printf would make
 * it. A made-up language "xx", compiled with msgfmt into a temporary
 * folder, is swapped in for the library's domain ("cancelable"). A
 * cascade keeps the translations it looked up while it runs (one for a
 * cancelled parent, one for a timed-out one, both used by one chain),
 * and the next cascade, after the language went back, looks again. */
static void
test_cascade_message_translated (void)
{
  static const char po[] =
    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
    "msgid \"Parent %s was cancelled\"\nmsgstr \"100%% stop: %1$s\"\n\n"
    "msgid \"Parent %s timed out\"\nmsgstr \"<%1$s> expired\"\n";
  g_autofree char *dir = g_dir_make_tmp ("cancel-xx-XXXXXX", NULL);
  g_autofree char *messages = g_build_filename (dir, "xx", "LC_MESSAGES", NULL);
  g_autofree char *po_path = g_build_filename (dir, "xx.po", NULL);
  g_autofree char *mo_path = g_build_filename (messages, "cancelable.mo", NULL);
  g_autofree char *old_dir = NULL;
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  const char *argv[] = { "msgfmt", "-c", "-o", mo_path, po_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CancelScope) batch = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) batch_child = new_private_scope (batch, NULL);
  g_autoptr(CancelScope) unnamed = new_private_scope (NULL, NULL);
  g_autoptr(CancelScope) unnamed_child = new_private_scope (unnamed, NULL);
  g_autoptr(CancelScope) unnamed_grandchild = new_private_scope (unnamed_child, "Grandchild");
  g_autoptr(CancelScope) unnamed_great_grandchild = new_private_scope (unnamed_grandchild, NULL);
  g_autoptr(CancelScope) later = new_private_scope (NULL, "Later");
  g_autoptr(CancelScope) later_child = new_private_scope (later, NULL);
  g_autofree char *expected = NULL;
  int status;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
  g_assert_true (g_file_set_contents (po_path, po, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* The library binds its domain when it first translates: let it, then
   * point the domain at the made-up language. */
  g_assert_nonnull (cancel_reason_get_display_name (CANCEL_REASON_PARENT));
  old_dir = g_strdup (bindtextdomain ("cancelable", NULL));
  bindtextdomain ("cancelable", dir);
  g_setenv ("LANGUAGE", "xx", TRUE);
  setlocale (LC_ALL, "");

  cancel_scope_cancel (batch, CANCEL_REASON_MANUAL, NULL);
  cancel_scope_cancel (unnamed, CANCEL_REASON_TIMEOUT, NULL);

  bindtextdomain ("cancelable", old_dir);
  if (old_language != NULL)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  g_remove (mo_path);
  g_remove (messages);
  g_clear_pointer (&messages, g_free);
  messages = g_build_filename (dir, "xx", NULL);
  g_remove (messages);
  g_remove (po_path);
  g_remove (dir);
  cancel_scope_cancel (later, CANCEL_REASON_TIMEOUT, NULL);

  g_assert_cmpstr (cancel_scope_get_message (batch_child), ==, "100% stop: “Batch”");
  expected = g_strdup_printf ("<#%" G_GUINT64_FORMAT "> expired", cancel_scope_get_id (unnamed));
  g_assert_cmpstr (cancel_scope_get_message (unnamed_child), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("100%% stop: #%" G_GUINT64_FORMAT, cancel_scope_get_id (unnamed_child));
  g_assert_cmpstr (cancel_scope_get_message (unnamed_grandchild), ==, expected);
  g_assert_cmpstr (cancel_scope_get_message (unnamed_great_grandchild), ==, "100% stop: “Grandchild”");
  g_assert_cmpstr (cancel_scope_get_message (later_child), ==, "Parent “Later” timed out");
}

/* g_object_new(), as bindings construct: "parent" links (and inherits a
 * cancellation), "shielded" protects from a cancelled parent whatever the
 * order of the two, construction notifies nobody of its parent, and an
 * ended parent is taken as it is (an outside review found both broken
 * when "parent" stopped being a construct property). */
static void
test_construct_properties (void)
{
  g_autoptr(CancelScope) cancelled = new_private_scope (NULL, "Cancelled");
  g_autoptr(CancelScope) live = new_private_scope (NULL, "Live");
  g_autoptr(CancelScope) inherits = NULL;
  g_autoptr(CancelScope) shielded_first = NULL;
  g_autoptr(CancelScope) shielded_last = NULL;
  g_autoptr(CancelScope) linked = NULL;
  g_autoptr(CancelScope) ended = new_private_scope (NULL, "Ended");
  g_autoptr(CancelScope) under_ended = NULL;
  g_autoptr(CancelScope) parent = NULL;
  guint parent_notifies = 0;

  cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL);

  inherits = g_object_new (CANCEL_TYPE_SCOPE, "parent", cancelled, "name", "Inherits", NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (inherits)));
  g_assert_cmpint (cancel_scope_get_reason (inherits), ==, CANCEL_REASON_PARENT);
  parent = cancel_scope_dup_parent (inherits);
  g_assert_true (parent == cancelled);

  shielded_first = g_object_new (CANCEL_TYPE_SCOPE, "shielded", TRUE, "parent", cancelled, NULL);
  shielded_last = g_object_new (CANCEL_TYPE_SCOPE, "parent", cancelled, "shielded", TRUE, NULL);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded_first)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded_last)));
  g_assert_true (cancel_scope_get_shielded (shielded_last));
  g_clear_object (&parent);
  parent = cancel_scope_dup_parent (shielded_last);
  g_assert_true (parent == cancelled);

  linked = g_object_new (CANCEL_TYPE_SCOPE, "parent", live, NULL);
  g_signal_connect (linked, "notify::parent", G_CALLBACK (count_notify_cb), &parent_notifies);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (parent_notifies, ==, 0);
  /* The parent's finalization at the end notifies it: not into this frame. */
  g_signal_handlers_disconnect_by_data (linked, &parent_notifies);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (linked)));
  cancel_scope_cancel (live, CANCEL_REASON_MANUAL, NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (linked)));

  cancel_scope_begin (ended);
  cancel_scope_end (ended);
  under_ended = g_object_new (CANCEL_TYPE_SCOPE, "parent", ended, NULL);
  g_clear_object (&parent);
  parent = cancel_scope_dup_parent (under_ended);
  g_assert_true (parent == ended);
}

/* The children's message names the parent exactly: “name”, #id for an
 * unnamed one, and a name longer than the 256 bytes a message is put
 * together in on the stack. */
static void
test_cascade_message_text (void)
{
  g_autoptr(CancelScope) named = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) named_child = new_private_scope (named, NULL);
  g_autoptr(CancelScope) unnamed = new_private_scope (NULL, NULL);
  g_autoptr(CancelScope) unnamed_child = new_private_scope (unnamed, NULL);
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_autoptr(CancelScope) long_named = new_private_scope (NULL, long_name);
  g_autoptr(CancelScope) long_child = new_private_scope (long_named, NULL);
  g_autofree char *expected = NULL;

  cancel_scope_cancel (named, CANCEL_REASON_MANUAL, NULL);
  g_assert_cmpstr (cancel_scope_get_message (named_child), ==, "Parent “Batch” was cancelled");

  cancel_scope_cancel (unnamed, CANCEL_REASON_TIMEOUT, NULL);
  expected = g_strdup_printf ("Parent #%" G_GUINT64_FORMAT " timed out", cancel_scope_get_id (unnamed));
  g_assert_cmpstr (cancel_scope_get_message (unnamed_child), ==, expected);
  g_clear_pointer (&expected, g_free);

  cancel_scope_cancel (long_named, CANCEL_REASON_SIGNAL, NULL);
  expected = g_strdup_printf ("Parent “%s” was cancelled", long_name);
  g_assert_cmpstr (cancel_scope_get_message (long_child), ==, expected);
}

/* Rule 7 */
static void
test_cancel_child_leaves_parent (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) child = new_private_scope (root, "Child");
  g_autoptr(CancelScope) sibling = new_private_scope (root, "Sibling");

  cancel_scope_begin (root);
  cancel_scope_begin (child);
  cancel_scope_begin (sibling);
  g_assert_true (cancel_scope_cancel (child, CANCEL_REASON_MANUAL, NULL));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (root)));
  g_assert_cmpint (cancel_scope_get_reason (root), ==, CANCEL_REASON_NONE);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (sibling)));
  cancel_scope_end (child);
  cancel_scope_end (sibling);
  cancel_scope_end (root);
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_status (sibling), ==, CANCEL_STATUS_COMPLETED);
}

/* Rule 7 */
static void
test_child_of_cancelled_parent_starts_cancelled (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Gone");
  g_autoptr(CancelScope) child = NULL;
  g_autoptr(CancelScope) current_child = NULL;

  cancel_scope_cancel (root, CANCEL_REASON_ERROR, "Upstream failed");

  child = new_private_scope (root, "Late");
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_ERROR);
  g_assert_nonnull (strstr (cancel_scope_get_message (child), "Gone"));
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_PENDING);

  /* Through the current scope too. */
  cancel_scope_push_current (root);
  current_child = cancel_scope_new ("Late too");
  cancel_scope_pop_current (root);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (current_child)));
  g_assert_cmpint (cancel_scope_get_reason (current_child), ==, CANCEL_REASON_PARENT);

  cancel_scope_begin (child);
  cancel_scope_end (child);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 7: an ended child is not touched by a later cancel of its parent. */
static void
test_ended_child_not_cancelled (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Root");
  g_autoptr(CancelScope) child = new_private_scope (root, "Done early");

  cancel_scope_begin (root);
  cancel_scope_begin (child);
  cancel_scope_end (child);
  cancel_scope_cancel (root, CANCEL_REASON_MANUAL, NULL);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_NONE);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_COMPLETED);
  cancel_scope_end (root);
}

/* ------------------------------------------------------------------ */
/* Rule 8 */

/* Rule 8 */
static void
test_shield (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Job");
  g_autoptr(CancelScope) shielded = cancel_scope_new_full (root, "Cleanup", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_autoptr(CancelScope) after = new_private_scope (root, "After");
  g_autoptr(CancelScope) parent_of_shielded = NULL;

  cancel_scope_set_registry (shielded, NULL);
  g_assert_true (cancel_scope_get_shielded (shielded));
  parent_of_shielded = cancel_scope_dup_parent (shielded);
  g_assert_true (parent_of_shielded == root);

  cancel_scope_begin (root);
  cancel_scope_begin (shielded);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_SHIELDED);

  g_assert_true (cancel_scope_cancel (root, CANCEL_REASON_SIGNAL, NULL));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded)));
  g_assert_cmpint (cancel_scope_get_reason (shielded), ==, CANCEL_REASON_NONE);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_SHIELDED);
  /* The parent is cancelled as usual: work after the shield sees it. */
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (root)));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (after)));

  cancel_scope_end (shielded);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_COMPLETED);
  cancel_scope_end (root);
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_CANCELLED);
}

/* Rule 8: its own cancel still works. */
static void
test_shield_own_cancel (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Job");
  g_autoptr(CancelScope) shielded = cancel_scope_new_full (root, "Cleanup", CANCEL_SCOPE_FLAGS_SHIELDED);

  cancel_scope_set_registry (shielded, NULL);
  cancel_scope_begin (root);
  cancel_scope_begin (shielded);
  g_assert_true (cancel_scope_cancel (shielded, CANCEL_REASON_ERROR, "Cleanup failed"));
  g_assert_cmpint (cancel_scope_get_reason (shielded), ==, CANCEL_REASON_ERROR);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (root)));
  cancel_scope_end (shielded);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_CANCELLED);
  cancel_scope_end (root);
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_COMPLETED);
}

/* Rule 8: the children of a shielded scope are protected too, unless the
 * cancel comes through the shielded scope itself. */
static void
test_shield_protects_its_children (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Job");
  g_autoptr(CancelScope) shielded = cancel_scope_new_full (root, "Cleanup", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_autoptr(CancelScope) inner = NULL;

  cancel_scope_set_registry (shielded, NULL);
  inner = new_private_scope (shielded, "Flush");
  cancel_scope_cancel (root, CANCEL_REASON_MANUAL, NULL);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (inner)));

  cancel_scope_cancel (shielded, CANCEL_REASON_CONDITION, NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (inner)));
  g_assert_cmpint (cancel_scope_get_reason (inner), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (inner), ==, CANCEL_REASON_CONDITION);
}

/* Rule 8: a shielded child of an already cancelled parent is not cancelled;
 * set_shielded before begin gives status SHIELDED; NULL parent = current. */
static void
test_shield_variants (void)
{
  g_autoptr(CancelScope) root = new_private_scope (NULL, "Cancelled job");
  g_autoptr(CancelScope) late = NULL;
  g_autoptr(CancelScope) flagged = new_private_scope (NULL, "Flagged");
  g_autoptr(CancelScope) under_current = NULL;
  g_autoptr(CancelScope) parent = NULL;

  cancel_scope_cancel (root, CANCEL_REASON_MANUAL, NULL);
  late = cancel_scope_new_full (root, "Cleanup", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (late)));

  cancel_scope_set_shielded (flagged, TRUE);
  g_assert_true (cancel_scope_get_shielded (flagged));
  cancel_scope_begin (flagged);
  g_assert_cmpint (cancel_scope_get_status (flagged), ==, CANCEL_STATUS_SHIELDED);
  cancel_scope_end (flagged);
  g_assert_cmpint (cancel_scope_get_status (flagged), ==, CANCEL_STATUS_COMPLETED);

  cancel_scope_push_current (root);
  under_current = cancel_scope_new_full (cancel_scope_get_current (), "Shielded under current", CANCEL_SCOPE_FLAGS_SHIELDED);
  cancel_scope_pop_current (root);
  parent = cancel_scope_dup_parent (under_current);
  g_assert_true (parent == root);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (under_current)));
}

/* ------------------------------------------------------------------ */
/* Rule 12 */

/* Rule 12 */
static void
test_error_codes (void)
{
  CancelReason reasons[] = {
    CANCEL_REASON_MANUAL, CANCEL_REASON_SIGNAL, CANCEL_REASON_CONDITION,
    CANCEL_REASON_ERROR, CANCEL_REASON_TIMEOUT,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Download");
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) glib_error = NULL;
      g_autoptr(GError) final_error = NULL;

      cancel_scope_begin (scope);
      cancel_scope_cancel (scope, reasons[i], "Because of X");
      g_assert_true (cancel_scope_set_error_if_cancelled (scope, &error));
      if (reasons[i] == CANCEL_REASON_TIMEOUT)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_nonnull (strstr (error->message, "Download"));
      g_assert_nonnull (strstr (error->message, "Because of X"));

      /* GLib's own call keeps GLib's contract. */
      g_assert_true (g_cancellable_set_error_if_cancelled (G_CANCELLABLE (scope), &glib_error));
      g_assert_true (g_error_matches (glib_error, G_IO_ERROR, G_IO_ERROR_CANCELLED));

      cancel_scope_end (scope);
      final_error = cancel_scope_dup_error (scope);
      g_assert_nonnull (final_error);
      g_assert_true (final_error->domain == error->domain);
      g_assert_cmpint (final_error->code, ==, error->code);
      g_assert_nonnull (strstr (final_error->message, "Because of X"));
    }
}

/* Rule 12: the example of the semantics, through a parent. */
static void
test_error_message_through_parent (void)
{
  g_autoptr(CancelScope) batch = new_private_scope (NULL, "Batch");
  g_autoptr(CancelScope) download = new_private_scope (batch, "Download");
  g_autoptr(GError) error = NULL;

  cancel_scope_cancel (batch, CANCEL_REASON_TIMEOUT, NULL);
  g_assert_true (cancel_scope_set_error_if_cancelled (download, &error));
  /* Reason PARENT, not TIMEOUT: plain cancelled. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "Download"));
  g_assert_nonnull (strstr (error->message, "Batch"));
}

/* Rule 12: not cancelled -> FALSE, no error; unnamed scope still has a message. */
static void
test_error_if_cancelled_edge_cases (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Fine");
  g_autoptr(CancelScope) unnamed = new_private_scope (NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (cancel_scope_set_error_if_cancelled (scope, &error));
  g_assert_no_error (error);
  g_assert_false (cancel_scope_set_error_if_cancelled (scope, NULL));

  cancel_scope_cancel (unnamed, CANCEL_REASON_MANUAL, NULL);
  g_assert_true (cancel_scope_set_error_if_cancelled (unnamed, NULL));
  g_assert_true (cancel_scope_set_error_if_cancelled (unnamed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* ------------------------------------------------------------------ */
/* Rule 13 */

typedef struct
{
  CancelScope *scope;
  int n;
} ReportData;

static gpointer
report_many_thread (gpointer user_data)
{
  ReportData *data = user_data;
  int i;

  for (i = 0; i < data->n; i++)
    {
      char message[32];

      g_snprintf (message, sizeof message, "Step %d", i);
      cancel_scope_report_progress (data->scope, (double) i / data->n, message);
    }
  cancel_scope_report_progress (data->scope, 1.0, "Done");
  return NULL;
}

/* Rule 13 */
static void
test_progress_coalesced_from_thread (void)
{
  CancelScope *scope = new_private_scope (NULL, "Progress");
  ReportData data = { scope, 1000 };
  GThread *thread;
  Events events;
  g_autofree char *message = NULL;

  connect_events (scope, &events);
  cancel_scope_begin (scope);
  thread = g_thread_new ("reporter", report_many_thread, &data);
  g_thread_join (thread);

  WAIT_UNTIL (NULL, events.progress > 0 && events.last_fraction == 1.0);
  drain (NULL);
  g_assert_cmpint (events.progress, >=, 1);
  g_assert_cmpint (events.progress, <, 1000);
  g_assert_cmpfloat (events.last_fraction, ==, 1.0);
  g_assert_cmpstr (events.last_message, ==, "Done");
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 1.0);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Done");

  cancel_scope_end (scope);
  WAIT_UNTIL (NULL, events.finished == 1);
  g_assert_finalize_object (scope);
  events_clear (&events);
}

/* Rule 13: reports in one iteration of the owner thread coalesce; the last
 * arrives; -1 (unknown) is accepted. */
static void
test_progress_coalesced_same_thread (void)
{
  CancelScope *scope = new_private_scope (NULL, "Progress");
  Events events;
  int i;

  connect_events (scope, &events);
  cancel_scope_begin (scope);
  for (i = 0; i < 1000; i++)
    cancel_scope_report_progress (scope, i / 1000.0, NULL);
  cancel_scope_report_progress (scope, -1, "Unknown now");
  WAIT_UNTIL (NULL, events.progress > 0 && events.last_fraction == -1.0);
  drain (NULL);
  g_assert_cmpint (events.progress, <, 1000);
  g_assert_cmpstr (events.last_message, ==, "Unknown now");
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1.0);

  /* A later single report arrives on its own. */
  events.progress = 0;
  cancel_scope_report_progress (scope, 0.75, "Three quarters");
  WAIT_UNTIL (NULL, events.progress == 1);
  drain (NULL);
  g_assert_cmpint (events.progress, ==, 1);
  g_assert_cmpfloat (events.last_fraction, ==, 0.75);

  cancel_scope_end (scope);
  drain (NULL);
  g_assert_finalize_object (scope);
  events_clear (&events);
}

/* Rule 13 */
static void
test_child_progress_leaves_parent (void)
{
  CancelScope *parent = new_private_scope (NULL, "Parent");
  CancelScope *child = new_private_scope (parent, "Child");
  Events parent_events, child_events;

  connect_events (parent, &parent_events);
  connect_events (child, &child_events);
  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  cancel_scope_report_progress (child, 0.5, "Child half");
  WAIT_UNTIL (NULL, child_events.progress == 1);
  drain (NULL);
  g_assert_cmpint (parent_events.progress, ==, 0);
  g_assert_cmpfloat (cancel_scope_get_progress (parent), ==, -1.0);
  g_assert_cmpfloat (cancel_scope_get_progress (child), ==, 0.5);

  cancel_scope_end (child);
  cancel_scope_end (parent);
  drain (NULL);
  g_assert_finalize_object (child);
  g_assert_finalize_object (parent);
  events_clear (&parent_events);
  events_clear (&child_events);
}

/* ------------------------------------------------------------------ */
/* Rule 14 */

/* Rule 14 */
static void
test_current_push_pop (void)
{
  g_autoptr(CancelScope) outer = new_private_scope (NULL, "Outer");
  g_autoptr(CancelScope) inner = new_private_scope (NULL, "Inner");

  g_assert_null (cancel_scope_get_current ());
  cancel_scope_push_current (outer);
  g_assert_true (cancel_scope_get_current () == outer);
  g_assert_true (g_cancellable_get_current () == G_CANCELLABLE (outer));
  cancel_scope_push_current (inner);
  g_assert_true (cancel_scope_get_current () == inner);
  g_assert_true (g_cancellable_get_current () == G_CANCELLABLE (inner));
  cancel_scope_pop_current (inner);
  g_assert_true (cancel_scope_get_current () == outer);
  g_assert_true (g_cancellable_get_current () == G_CANCELLABLE (outer));
  cancel_scope_pop_current (outer);
  g_assert_null (cancel_scope_get_current ());
  g_assert_null (g_cancellable_get_current ());
}

/* Rule 14: a plain GCancellable pushed by third-party code is not a scope. */
static void
test_current_ignores_plain_cancellable (void)
{
  g_autoptr(GCancellable) plain = g_cancellable_new ();
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) parent = NULL;

  g_cancellable_push_current (plain);
  g_assert_null (cancel_scope_get_current ());
  scope = cancel_scope_new ("Root anyway");
  parent = cancel_scope_dup_parent (scope);
  g_assert_null (parent);
  g_cancellable_pop_current (plain);
}

static gpointer
read_current_thread (gpointer data)
{
  return cancel_scope_get_current ();
}

/* Rule 14: per thread. */
static void
test_current_per_thread (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Main thread's");
  GThread *thread;

  cancel_scope_push_current (scope);
  thread = g_thread_new ("reader", read_current_thread, NULL);
  g_assert_null (g_thread_join (thread));
  g_assert_true (cancel_scope_get_current () == scope);
  cancel_scope_pop_current (scope);
}

/* Rule 14 */
static void
test_new_under_current (void)
{
  g_autoptr(CancelScope) current = new_private_scope (NULL, "Current");
  g_autoptr(CancelScope) child = NULL;
  g_autoptr(CancelScope) explicit_root = NULL;
  g_autoptr(CancelScope) parent = NULL;
  g_autoptr(CancelScope) none = NULL;

  cancel_scope_push_current (current);
  child = cancel_scope_new ("Implicit child");
  explicit_root = cancel_scope_new_full (NULL, "Explicit root", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_pop_current (current);

  parent = cancel_scope_dup_parent (child);
  g_assert_true (parent == current);
  none = cancel_scope_dup_parent (explicit_root);
  g_assert_null (none);

  cancel_scope_cancel (current, CANCEL_REASON_MANUAL, NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (explicit_root)));
}

/* Rule 14 */
static void
test_guard (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Guarded");
  g_autoptr(CancelScope) child = NULL;
  g_autoptr(CancelScope) parent = NULL;

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (scope);

    g_assert_nonnull (guard);
    g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
    g_assert_true (cancel_scope_get_current () == scope);
    g_assert_true (g_cancellable_get_current () == G_CANCELLABLE (scope));
    child = cancel_scope_new ("Inside");
  }

  g_assert_null (cancel_scope_get_current ());
  g_assert_null (g_cancellable_get_current ());
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_end_time (scope), >, 0);
  parent = cancel_scope_dup_parent (child);
  g_assert_true (parent == scope);
}

/* Rule 14: the guard does not end a scope that was ended already, keeps
 * a cancelled one CANCELLED, and does not begin twice. */
static void
test_guard_variants (void)
{
  g_autoptr(CancelScope) ended = new_private_scope (NULL, "Ended inside");
  g_autoptr(CancelScope) cancelled = new_private_scope (NULL, "Cancelled inside");
  g_autoptr(CancelScope) running = new_private_scope (NULL, "Already running");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (ended);

    cancel_scope_fail (ended, error);
  }
  g_assert_cmpint (cancel_scope_get_status (ended), ==, CANCEL_STATUS_FAILED);
  g_assert_null (cancel_scope_get_current ());

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (cancelled);

    cancel_scope_cancel (cancelled, CANCEL_REASON_ERROR, NULL);
  }
  g_assert_cmpint (cancel_scope_get_status (cancelled), ==, CANCEL_STATUS_CANCELLED);

  cancel_scope_begin (running);
  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (running);

    g_assert_true (cancel_scope_get_current () == running);
  }
  g_assert_cmpint (cancel_scope_get_status (running), ==, CANCEL_STATUS_COMPLETED);
  g_assert_null (cancel_scope_get_current ());
}

/* ------------------------------------------------------------------ */
/* Tree */

static void
test_dup_parent_after_parent_finalized (void)
{
  CancelScope *parent = new_private_scope (NULL, "Short-lived");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Survivor");
  CancelScope *got;

  got = cancel_scope_dup_parent (child);
  g_assert_true (got == parent);
  g_object_unref (got);

  /* The child does not keep its parent alive. */
  g_assert_finalize_object (parent);
  g_assert_null (cancel_scope_dup_parent (child));
  cancel_scope_begin (child);
  cancel_scope_end (child);
  g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_COMPLETED);
}

/* An ended child leaves its parent's list but keeps its parent, weakly. */
static void
test_dup_parent_after_end (void)
{
  CancelScope *parent = new_private_scope (NULL, "Batch");
  CancelScope *child = new_private_scope (parent, "Item");
  CancelScope *got;

  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  cancel_scope_end (child);

  got = cancel_scope_dup_parent (child);
  g_assert_true (got == parent);
  g_object_unref (got);

  cancel_scope_end (parent);
  g_assert_finalize_object (parent);
  g_assert_null (cancel_scope_dup_parent (child));
  g_assert_finalize_object (child);
}

static void
test_set_parent (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "New parent");
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Moved");
  g_autoptr(CancelScope) got = NULL;

  cancel_scope_set_parent (scope, parent);
  got = cancel_scope_dup_parent (scope);
  g_assert_true (got == parent);
  g_clear_object (&got);

  cancel_scope_set_parent (scope, NULL);
  g_assert_null (cancel_scope_dup_parent (scope));
  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
}

static gboolean
model_contains (GListModel *model,
                gpointer    item)
{
  guint i, n = g_list_model_get_n_items (model);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (model, i);

      if (object == item)
        return TRUE;
    }
  return FALSE;
}

/* Asked for after children began, the model lists them at once, oldest
 * first, with no iteration of the owner context in between. */
static void
test_children_model_first_call (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) first = new_private_scope (parent, "First");
  g_autoptr(CancelScope) second = new_private_scope (parent, "Second");
  g_autoptr(CancelScope) pending = new_private_scope (parent, "Pending");
  g_autoptr(CancelScope) item0 = NULL;
  g_autoptr(CancelScope) item1 = NULL;
  GListModel *children;

  cancel_scope_begin (first);
  cancel_scope_begin (second);
  children = cancel_scope_get_children (parent);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 2);
  item0 = g_list_model_get_item (children, 0);
  item1 = g_list_model_get_item (children, 1);
  g_assert_true (item0 == first);
  g_assert_true (item1 == second);

  /* Later changes still arrive, once, on the owner context. */
  cancel_scope_end (first);
  WAIT_UNTIL (NULL, g_list_model_get_n_items (children) == 1);
  drain (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 1);
  cancel_scope_end (second);
  WAIT_UNTIL (NULL, g_list_model_get_n_items (children) == 0);
}

/* The children model lists the children that began and have not ended,
 * and changes on the owner context. */
static void
test_children_model (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) pending = NULL;
  CancelScope *first, *second;
  GListModel *children;

  children = cancel_scope_get_children (parent);
  g_assert_true (g_list_model_get_item_type (children) == CANCEL_TYPE_SCOPE);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 0);
  g_assert_true (cancel_scope_get_children (parent) == children);

  first = new_private_scope (parent, "First");
  second = new_private_scope (parent, "Second");
  pending = new_private_scope (parent, "Never begun");
  cancel_scope_begin (first);
  cancel_scope_begin (second);
  WAIT_UNTIL (NULL, g_list_model_get_n_items (children) == 2);
  drain (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 2);
  g_assert_true (model_contains (children, first));
  g_assert_true (model_contains (children, second));
  g_assert_false (model_contains (children, pending));

  cancel_scope_end (first);
  WAIT_UNTIL (NULL, g_list_model_get_n_items (children) == 1);
  g_assert_false (model_contains (children, first));
  g_assert_true (model_contains (children, second));

  cancel_scope_cancel (second, CANCEL_REASON_MANUAL, NULL);
  cancel_scope_end (second);
  WAIT_UNTIL (NULL, g_list_model_get_n_items (children) == 0);
  drain (NULL);
  g_assert_finalize_object (first);
  g_assert_finalize_object (second);
}

/* The tree keeps nothing the application dropped alive, even when someone
 * watches the children model (docs/design.md, "The tree"). */
static void
test_children_model_drops_finalized_child (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  CancelScope *child;
  GListModel *children;
  gpointer weak;

  children = cancel_scope_get_children (parent);
  child = new_private_scope (parent, "Dropped while pending");
  weak = child;
  g_object_add_weak_pointer (G_OBJECT (child), &weak);
  drain (NULL);

  g_object_unref (child);
  WAIT_UNTIL (NULL, weak == NULL);
  drain (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 0);
  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
}

/* ------------------------------------------------------------------ */
/* Bad input: criticals, nothing changes */

static void
dummy_thread_func (CancelScope *scope,
                   gpointer     data)
{
}

static void
dummy_callback (CancelScope *scope,
                gpointer     data)
{
}

typedef void (*BadCallFunc) (gpointer instance);

#define BAD(fn) static void bad_##fn (gpointer self)

BAD (get_id) { cancel_scope_get_id (self); }
BAD (get_name) { cancel_scope_get_name (self); }
BAD (dup_parent) { g_assert_null (cancel_scope_dup_parent (self)); }
BAD (set_parent) { cancel_scope_set_parent (self, NULL); }
BAD (get_children) { cancel_scope_get_children (self); }
BAD (get_shielded) { g_assert_false (cancel_scope_get_shielded (self)); }
BAD (set_shielded) { cancel_scope_set_shielded (self, TRUE); }
BAD (dup_registry) { g_assert_null (cancel_scope_dup_registry (self)); }
BAD (set_registry) { cancel_scope_set_registry (self, NULL); }
BAD (begin) { cancel_scope_begin (self); }
BAD (end) { cancel_scope_end (self); }
BAD (get_status) { cancel_scope_get_status (self); }
BAD (get_start_time) { cancel_scope_get_start_time (self); }
BAD (get_end_time) { cancel_scope_get_end_time (self); }
BAD (dup_error) { g_assert_null (cancel_scope_dup_error (self)); }
BAD (cancel) { g_assert_false (cancel_scope_cancel (self, CANCEL_REASON_MANUAL, NULL)); }
BAD (get_reason) { cancel_scope_get_reason (self); }
BAD (get_origin_reason) { cancel_scope_get_origin_reason (self); }
BAD (get_message) { cancel_scope_get_message (self); }
BAD (get_cancel_time) { cancel_scope_get_cancel_time (self); }
BAD (set_error_if_cancelled)
{
  GError *error = NULL;

  cancel_scope_set_error_if_cancelled (self, &error);
  g_assert_no_error (error);
}
BAD (set_timeout)
{
  GError *error = NULL;

  g_assert_false (cancel_scope_set_timeout (self, 1.0, &error));
  g_assert_no_error (error);
}
BAD (set_deadline)
{
  GError *error = NULL;

  g_assert_false (cancel_scope_set_deadline (self, g_get_monotonic_time () + G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}
BAD (postpone)
{
  GError *error = NULL;

  g_assert_false (cancel_scope_postpone (self, 1.0, &error));
  g_assert_no_error (error);
}
BAD (get_deadline) { cancel_scope_get_deadline (self); }
BAD (get_own_deadline) { cancel_scope_get_own_deadline (self); }
BAD (get_remaining) { cancel_scope_get_remaining (self); }
BAD (report_progress) { cancel_scope_report_progress (self, 0.5, NULL); }
BAD (get_progress) { cancel_scope_get_progress (self); }
BAD (dup_progress_message) { g_assert_null (cancel_scope_dup_progress_message (self)); }
BAD (get_context) { g_assert_null (cancel_scope_get_context (self)); }
BAD (push_current)
{
  cancel_scope_push_current (self);
  g_assert_null (cancel_scope_get_current ());
  g_assert_null (g_cancellable_get_current ());
}
BAD (pop_current) { cancel_scope_pop_current (self); }
BAD (enter) { g_assert_null (cancel_scope_enter (self)); }
BAD (new_full) { g_assert_null (cancel_scope_new_full (self, "x", CANCEL_SCOPE_FLAGS_NONE)); }
BAD (new_full_shielded) { g_assert_null (cancel_scope_new_full (self, "x", CANCEL_SCOPE_FLAGS_SHIELDED)); }
BAD (fail)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Failed");

  cancel_scope_fail (self, error);
}
BAD (run_in_thread_async)
{
  cancel_scope_run_in_thread_async (self, CANCEL_RUN_FLAGS_NONE, dummy_thread_func, NULL, NULL,
                                    NULL, NULL);
}
BAD (wait_async) { cancel_scope_wait_async (self, NULL, NULL, NULL); }
BAD (connect_cancelled)
{
  g_assert_cmpuint (cancel_scope_connect_cancelled (self, NULL, dummy_callback, NULL, NULL), ==, 0);
}
BAD (disconnect_cancelled) { cancel_scope_disconnect_cancelled (self, 1); }
BAD (create_action) { g_assert_null (cancel_scope_create_action (self, "cancel")); }

#undef BAD

typedef struct
{
  const char *name;
  BadCallFunc func;
  gboolean null_is_valid;   /* NULL is a legal value for this argument */
} BadCall;

static const BadCall bad_calls[] = {
  { "get-id", bad_get_id, FALSE },
  { "get-name", bad_get_name, FALSE },
  { "dup-parent", bad_dup_parent, FALSE },
  { "set-parent", bad_set_parent, FALSE },
  { "get-children", bad_get_children, FALSE },
  { "get-shielded", bad_get_shielded, FALSE },
  { "set-shielded", bad_set_shielded, FALSE },
  { "dup-registry", bad_dup_registry, FALSE },
  { "set-registry", bad_set_registry, FALSE },
  { "begin", bad_begin, FALSE },
  { "end", bad_end, FALSE },
  { "get-status", bad_get_status, FALSE },
  { "get-start-time", bad_get_start_time, FALSE },
  { "get-end-time", bad_get_end_time, FALSE },
  { "dup-error", bad_dup_error, FALSE },
  { "cancel", bad_cancel, FALSE },
  { "get-reason", bad_get_reason, FALSE },
  { "get-origin-reason", bad_get_origin_reason, FALSE },
  { "get-message", bad_get_message, FALSE },
  { "get-cancel-time", bad_get_cancel_time, FALSE },
  { "set-error-if-cancelled", bad_set_error_if_cancelled, FALSE },
  { "set-timeout", bad_set_timeout, FALSE },
  { "set-deadline", bad_set_deadline, FALSE },
  { "postpone", bad_postpone, FALSE },
  { "get-deadline", bad_get_deadline, FALSE },
  { "get-own-deadline", bad_get_own_deadline, FALSE },
  { "get-remaining", bad_get_remaining, FALSE },
  { "report-progress", bad_report_progress, FALSE },
  { "get-progress", bad_get_progress, FALSE },
  { "dup-progress-message", bad_dup_progress_message, FALSE },
  { "get-context", bad_get_context, FALSE },
  { "push-current", bad_push_current, FALSE },
  { "pop-current", bad_pop_current, FALSE },
  { "enter", bad_enter, FALSE },
  /* NULL parent is legal: it means a root. */
  { "new-full", bad_new_full, TRUE },
  { "new-full-shielded", bad_new_full_shielded, TRUE },
  { "fail", bad_fail, FALSE },
  { "run-in-thread-async", bad_run_in_thread_async, FALSE },
  { "wait-async", bad_wait_async, FALSE },
  { "connect-cancelled", bad_connect_cancelled, FALSE },
  { "disconnect-cancelled", bad_disconnect_cancelled, FALSE },
  { "create-action", bad_create_action, FALSE },
};

typedef enum
{
  BAD_NULL,
  BAD_PLAIN_CANCELLABLE,
  BAD_PLAIN_OBJECT,
} BadKind;

typedef struct
{
  const BadCall *call;
  BadKind kind;
} BadCase;

static void
test_bad_instance (gconstpointer user_data)
{
  const BadCase *bad = user_data;

  if (g_test_subprocess ())
    {
      gpointer instance = NULL;

      if (bad->kind == BAD_PLAIN_CANCELLABLE)
        instance = g_cancellable_new ();
      else if (bad->kind == BAD_PLAIN_OBJECT)
        instance = g_object_new (G_TYPE_OBJECT, NULL);

      criticals_not_fatal ();
      bad->call->func (instance);

      if (bad->kind == BAD_PLAIN_CANCELLABLE)
        g_assert_false (g_cancellable_is_cancelled (instance));
      if (instance != NULL)
        g_assert_finalize_object (instance);
      return;
    }

  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*");
}

/* Bad input */
static void
test_bad_progress_values (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "Progress");
      g_autofree char *message = NULL;
      double bad[] = { 1.5, NAN, -0.5, INFINITY, -INFINITY, -1.0000001 };
      Events events;
      guint i;

      connect_events (scope, &events);
      cancel_scope_begin (scope);
      cancel_scope_report_progress (scope, 0.25, "Quarter");
      WAIT_UNTIL (NULL, events.progress == 1);

      criticals_not_fatal ();
      for (i = 0; i < G_N_ELEMENTS (bad); i++)
        cancel_scope_report_progress (scope, bad[i], "Bad");
      drain (NULL);
      g_assert_cmpint (events.progress, ==, 1);
      g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 0.25);
      message = cancel_scope_dup_progress_message (scope);
      g_assert_cmpstr (message, ==, "Quarter");
      cancel_scope_end (scope);
      drain (NULL);
      g_assert_finalize_object (scope);
      events_clear (&events);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_report_progress*");
}

/* Bad input */
static void
test_bad_cancel_reason_none (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "None");
      SeenInHandler seen = { 0 };

      g_signal_connect (scope, "cancelled", G_CALLBACK (record_in_cancelled), &seen);
      cancel_scope_begin (scope);
      criticals_not_fatal ();
      g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_NONE, "No reason"));
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
      g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
      g_assert_null (cancel_scope_get_message (scope));
      g_assert_cmpint (seen.calls, ==, 0);
      /* A real cancel still wins afterwards. */
      g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL));
      cancel_scope_end (scope);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
      g_free (seen.message);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_cancel*");
}

/* Bad input */
static void
test_bad_set_parent_self (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
      g_autoptr(CancelScope) scope = new_private_scope (parent, "Self");
      g_autoptr(CancelScope) got = NULL;

      criticals_not_fatal ();
      cancel_scope_set_parent (scope, scope);
      got = cancel_scope_dup_parent (scope);
      g_assert_true (got == parent);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_set_parent*");
}

/* Bad input */
static void
test_bad_set_parent_cycle (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) top = new_private_scope (NULL, "Top");
      g_autoptr(CancelScope) child = new_private_scope (top, "Child");
      g_autoptr(CancelScope) grandchild = new_private_scope (child, "Grandchild");
      g_autoptr(CancelScope) got = NULL;

      criticals_not_fatal ();
      cancel_scope_set_parent (top, grandchild);
      g_assert_null (cancel_scope_dup_parent (top));
      cancel_scope_set_parent (top, child);
      g_assert_null (cancel_scope_dup_parent (top));
      got = cancel_scope_dup_parent (grandchild);
      g_assert_true (got == child);

      /* No cycle was made: a cancel terminates and reaches the bottom. */
      cancel_scope_cancel (top, CANCEL_REASON_MANUAL, NULL);
      g_assert_cmpint (cancel_scope_get_reason (grandchild), ==, CANCEL_REASON_PARENT);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_set_parent*");
}

/* Bad input: set_parent is only for pending scopes. */
static void
test_bad_set_parent_after_begin (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Running");

      cancel_scope_begin (scope);
      criticals_not_fatal ();
      cancel_scope_set_parent (scope, parent);
      g_assert_null (cancel_scope_dup_parent (scope));
      cancel_scope_end (scope);
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_set_parent*");
}

/* Bad input */
static void
test_bad_pop_not_top (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) outer = new_private_scope (NULL, "Outer");
      g_autoptr(CancelScope) inner = new_private_scope (NULL, "Inner");

      cancel_scope_push_current (outer);
      cancel_scope_push_current (inner);
      criticals_not_fatal ();
      cancel_scope_pop_current (outer);
      g_assert_true (cancel_scope_get_current () == inner);
      g_assert_true (g_cancellable_get_current () == G_CANCELLABLE (inner));
      cancel_scope_pop_current (inner);
      g_assert_true (cancel_scope_get_current () == outer);
      cancel_scope_pop_current (outer);
      g_assert_null (cancel_scope_get_current ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_pop_current*");
}

/* Bad input: pop with nothing pushed. */
static void
test_bad_pop_empty (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Never pushed");

      criticals_not_fatal ();
      cancel_scope_pop_current (scope);
      g_assert_null (cancel_scope_get_current ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_pop_current*");
}

/* ------------------------------------------------------------------ */
/* Reentrancy: handlers that unref, cancel and end */

static void
unref_in_handler (GCancellable *cancellable,
                  gpointer      data)
{
  g_object_unref (cancellable);
}

/* Reentrancy */
static void
test_reentrant_unref_last_ref_in_cancelled (void)
{
  CancelScope *scope = new_private_scope (NULL, "Dropped in handler");
  gpointer weak = scope;

  g_object_add_weak_pointer (G_OBJECT (scope), &weak);
  g_signal_connect (scope, "cancelled", G_CALLBACK (unref_in_handler), NULL);
  /* The handler drops the only reference: cancel must keep its own. */
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL));
  WAIT_UNTIL (NULL, weak == NULL);
}

/* Reentrancy */
static void
test_reentrant_unref_running_in_cancelled (void)
{
  CancelScope *scope = new_private_scope (NULL, "Dropped while running");
  gpointer weak = scope;

  g_object_add_weak_pointer (G_OBJECT (scope), &weak);
  g_object_ref (scope);
  g_signal_connect (scope, "cancelled", G_CALLBACK (unref_in_handler), NULL);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL));
  g_assert_nonnull (weak);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  drain (NULL);
  g_assert_finalize_object (scope);
}

typedef struct
{
  CancelScope *other;
  gboolean nested_result;
  int calls;
} NestedCancel;

static void
cancel_self_in_handler (GCancellable *cancellable,
                        NestedCancel *nested)
{
  nested->calls++;
  nested->nested_result = cancel_scope_cancel (CANCEL_SCOPE (cancellable),
                                               CANCEL_REASON_ERROR, "Again");
}

/* Reentrancy */
static void
test_reentrant_cancel_self_in_cancelled (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Self");
  NestedCancel nested = { NULL, TRUE, 0 };

  g_signal_connect (scope, "cancelled", G_CALLBACK (cancel_self_in_handler), &nested);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "First"));
  g_assert_cmpint (nested.calls, ==, 1);
  g_assert_false (nested.nested_result);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpstr (cancel_scope_get_message (scope), ==, "First");
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
}

static void
cancel_other_in_handler (GCancellable *cancellable,
                         NestedCancel *nested)
{
  nested->calls++;
  nested->nested_result = cancel_scope_cancel (nested->other, CANCEL_REASON_ERROR, "Knock-on");
  /* Recorded at once, even if the flag flips later. */
  g_assert_cmpint (cancel_scope_get_reason (nested->other), ==, CANCEL_REASON_ERROR);
}

/* Reentrancy */
static void
test_reentrant_cancel_other_in_cancelled (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "First");
  g_autoptr(CancelScope) other = new_private_scope (NULL, "Second");
  g_autoptr(CancelScope) other_child = new_private_scope (other, "Second's child");
  NestedCancel nested = { other, FALSE, 0 };

  g_signal_connect (scope, "cancelled", G_CALLBACK (cancel_other_in_handler), &nested);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL));
  g_assert_cmpint (nested.calls, ==, 1);
  g_assert_true (nested.nested_result);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (other)));
  g_assert_cmpint (cancel_scope_get_reason (other), ==, CANCEL_REASON_ERROR);
  g_assert_cmpstr (cancel_scope_get_message (other), ==, "Knock-on");
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (other_child)));
  g_assert_cmpint (cancel_scope_get_origin_reason (other_child), ==, CANCEL_REASON_ERROR);
}

/* Reentrancy: a child's handler cancels the parent while the parent is
 * being cancelled (the cascade comes back to an already-cancelled child). */
static void
cancel_parent_in_handler (GCancellable *cancellable,
                          NestedCancel *nested)
{
  nested->calls++;
  nested->nested_result = cancel_scope_cancel (nested->other, CANCEL_REASON_ERROR, "From child");
}

/* Reentrancy */
static void
test_reentrant_cancel_parent_from_child (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Child");
  g_autoptr(CancelScope) sibling = new_private_scope (parent, "Sibling");
  NestedCancel nested = { parent, FALSE, 0 };

  g_signal_connect (child, "cancelled", G_CALLBACK (cancel_parent_in_handler), &nested);
  g_assert_true (cancel_scope_cancel (child, CANCEL_REASON_MANUAL, NULL));
  g_assert_cmpint (nested.calls, ==, 1);
  g_assert_true (nested.nested_result);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpint (cancel_scope_get_reason (parent), ==, CANCEL_REASON_ERROR);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (parent)));
  g_assert_cmpint (cancel_scope_get_reason (sibling), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (sibling), ==, CANCEL_REASON_ERROR);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (sibling)));
}

static void
end_in_handler (GCancellable *cancellable,
                gpointer      data)
{
  cancel_scope_end (CANCEL_SCOPE (cancellable));
}

/* Reentrancy */
static void
test_reentrant_end_in_cancelled (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Ends itself");

  g_signal_connect (scope, "cancelled", G_CALLBACK (end_in_handler), NULL);
  cancel_scope_begin (scope);
  cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, NULL);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_SIGNAL);
}

static void
end_and_unref_in_handler (GCancellable *cancellable,
                          gpointer      data)
{
  cancel_scope_end (CANCEL_SCOPE (cancellable));
  g_object_unref (cancellable);
}

/* Reentrancy: during a cascade, children end themselves, drop their last
 * reference (unlinking from the parent mid-cascade). */
static void
test_reentrant_children_end_and_unref_in_cascade (void)
{
  CancelScope *parent = new_private_scope (NULL, "Parent");
  gpointer weak[16];
  guint i;

  cancel_scope_begin (parent);
  for (i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      CancelScope *child = new_private_scope (parent, "Child");

      weak[i] = child;
      g_object_add_weak_pointer (G_OBJECT (child), &weak[i]);
      g_signal_connect (child, "cancelled", G_CALLBACK (end_and_unref_in_handler), NULL);
      cancel_scope_begin (child);
    }

  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
  for (i = 0; i < G_N_ELEMENTS (weak); i++)
    WAIT_UNTIL (NULL, weak[i] == NULL);
  cancel_scope_end (parent);
  drain (NULL);
  g_assert_finalize_object (parent);
}

typedef struct
{
  CancelScope *self;
  CancelScope *to_cancel;
  CancelScope *to_end;
  gboolean cancel_self_result;
  gboolean cancel_other_result;
  int calls;
} FinishedReentry;

static void
reenter_in_finished (CancelScope     *scope,
                     CancelStatus     status,
                     FinishedReentry *reentry)
{
  reentry->calls++;
  reentry->cancel_self_result = cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  reentry->cancel_other_result = cancel_scope_cancel (reentry->to_cancel, CANCEL_REASON_ERROR, NULL);
  cancel_scope_end (reentry->to_end);
  g_object_unref (scope);
}

/* Reentrancy */
static void
test_reentrant_finished_handler (void)
{
  CancelScope *scope = new_private_scope (NULL, "Finishing");
  g_autoptr(CancelScope) to_cancel = new_private_scope (NULL, "To cancel");
  g_autoptr(CancelScope) to_end = new_private_scope (NULL, "To end");
  FinishedReentry reentry = { scope, to_cancel, to_end, TRUE, FALSE, 0 };
  gpointer weak = scope;

  g_object_add_weak_pointer (G_OBJECT (scope), &weak);
  g_signal_connect (scope, "finished", G_CALLBACK (reenter_in_finished), &reentry);
  cancel_scope_begin (to_end);
  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  WAIT_UNTIL (NULL, reentry.calls == 1 && weak == NULL);
  drain (NULL);
  g_assert_cmpint (reentry.calls, ==, 1);
  g_assert_false (reentry.cancel_self_result);
  g_assert_true (reentry.cancel_other_result);
  g_assert_cmpint (cancel_scope_get_reason (to_cancel), ==, CANCEL_REASON_ERROR);
  g_assert_cmpint (cancel_scope_get_status (to_end), ==, CANCEL_STATUS_COMPLETED);
}

typedef struct
{
  CancelScope *to_end;
  int status_calls;
  int reason_calls;
  gboolean cancel_after_end_result;
} NotifyReentry;

static void
reenter_in_notify_reason (CancelScope   *scope,
                          GParamSpec    *pspec,
                          NotifyReentry *reentry)
{
  reentry->reason_calls++;
  /* End the scope from its own notify::reason, and another one too. */
  if (!cancel_status_is_final (cancel_scope_get_status (scope)))
    cancel_scope_end (scope);
  if (reentry->to_end != NULL)
    {
      cancel_scope_end (reentry->to_end);
      reentry->to_end = NULL;
    }
}

static void
reenter_in_notify_status (CancelScope   *scope,
                          GParamSpec    *pspec,
                          NotifyReentry *reentry)
{
  reentry->status_calls++;
  if (cancel_status_is_final (cancel_scope_get_status (scope)))
    {
      reentry->cancel_after_end_result = cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
      g_object_unref (scope);
    }
}

/* Reentrancy */
static void
test_reentrant_notify_handlers (void)
{
  CancelScope *scope = new_private_scope (NULL, "Notified");
  g_autoptr(CancelScope) to_end = new_private_scope (NULL, "Ended from notify");
  NotifyReentry reentry = { to_end, 0, 0, TRUE };
  gpointer weak = scope;

  g_object_add_weak_pointer (G_OBJECT (scope), &weak);
  g_signal_connect (scope, "notify::reason", G_CALLBACK (reenter_in_notify_reason), &reentry);
  g_signal_connect (scope, "notify::status", G_CALLBACK (reenter_in_notify_status), &reentry);
  cancel_scope_begin (to_end);
  cancel_scope_begin (scope);
  drain (NULL);
  cancel_scope_cancel (scope, CANCEL_REASON_CONDITION, NULL);
  /* notify::reason ends it, notify::status (final) unrefs it. */
  WAIT_UNTIL (NULL, weak == NULL);
  drain (NULL);
  g_assert_cmpint (reentry.reason_calls, ==, 1);
  g_assert_false (reentry.cancel_after_end_result);
  g_assert_cmpint (cancel_scope_get_status (to_end), ==, CANCEL_STATUS_COMPLETED);
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Scope/initial-state", test_initial_state);
  g_test_add_func ("/Cancel/Scope/initial-properties", test_initial_properties);
  g_test_add_func ("/Cancel/Scope/ids-unique-increasing", test_ids_unique_increasing);
  g_test_add_func ("/Cancel/Scope/owner-context-is-thread-default", test_owner_context_is_thread_default);

  g_test_add_func ("/Cancel/Scope/lifecycle/begin-end-times", test_begin_end_times);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-completed", test_end_completed);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-failed-keeps-error", test_end_failed_keeps_error);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-uncancelled-with-cancelled-error-fails",
                   test_end_uncancelled_with_cancelled_error_fails);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-cancelled-whatever-error", test_end_cancelled);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-timed-out-by-reason", test_end_timed_out_by_reason);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-child-of-timed-out-is-cancelled",
                   test_end_child_of_timed_out_is_cancelled);
  g_test_add_func ("/Cancel/Scope/lifecycle/cancelled-before-begin", test_cancelled_before_begin);
  g_test_add_func ("/Cancel/Scope/lifecycle/cancel-after-end", test_cancel_after_end);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-twice", test_end_twice);
  g_test_add_func ("/Cancel/Scope/lifecycle/begin-twice", test_begin_twice);
  g_test_add_func ("/Cancel/Scope/lifecycle/begin-after-end", test_begin_after_end);
  g_test_add_func ("/Cancel/Scope/lifecycle/end-pending", test_end_pending);

  g_test_add_func ("/Cancel/Scope/signals/once-never-synchronous", test_signals_once_never_synchronous);
  g_test_add_func ("/Cancel/Scope/signals/finished-carries-final-status", test_finished_carries_final_status);
  g_test_add_func ("/Cancel/Scope/signals/on-owner-context", test_signals_on_owner_context);

  g_test_add_func ("/Cancel/Scope/cancel/first-wins", test_first_cancel_wins);
  g_test_add_func ("/Cancel/Scope/cancel/plain-cancel-is-manual", test_plain_cancel_is_manual);
  g_test_add_func ("/Cancel/Scope/cancel/reasons-and-default-message", test_reasons_and_default_message);
  g_test_add_func ("/Cancel/Scope/cancel/cancel-time", test_cancel_time);
  g_test_add_func ("/Cancel/Scope/cancel/reason-visible-in-cancelled-handler",
                   test_reason_visible_in_cancelled_handler);
  g_test_add_func ("/Cancel/Scope/cancel/reason-visible-in-child-handler",
                   test_reason_visible_in_child_handler);

  g_test_add_func ("/Cancel/Scope/nesting/cascade-to-descendants", test_cascade_to_descendants);
  g_test_add_func ("/Cancel/Scope/nesting/cascade-timeout-message", test_cascade_timeout_message);
  g_test_add_func ("/Cancel/Scope/nesting/cascade-message-text", test_cascade_message_text);
  g_test_add_func ("/Cancel/Scope/nesting/cascade-message-translated", test_cascade_message_translated);
  g_test_add_func ("/Cancel/Scope/nesting/construct-properties", test_construct_properties);
  g_test_add_func ("/Cancel/Scope/nesting/cancel-child-leaves-parent", test_cancel_child_leaves_parent);
  g_test_add_func ("/Cancel/Scope/nesting/child-of-cancelled-parent-starts-cancelled",
                   test_child_of_cancelled_parent_starts_cancelled);
  g_test_add_func ("/Cancel/Scope/nesting/ended-child-not-cancelled", test_ended_child_not_cancelled);

  g_test_add_func ("/Cancel/Scope/shield/not-cancelled-by-ancestor", test_shield);
  g_test_add_func ("/Cancel/Scope/shield/own-cancel-works", test_shield_own_cancel);
  g_test_add_func ("/Cancel/Scope/shield/protects-its-children", test_shield_protects_its_children);
  g_test_add_func ("/Cancel/Scope/shield/variants", test_shield_variants);

  g_test_add_func ("/Cancel/Scope/error/codes-and-messages", test_error_codes);
  g_test_add_func ("/Cancel/Scope/error/message-through-parent", test_error_message_through_parent);
  g_test_add_func ("/Cancel/Scope/error/edge-cases", test_error_if_cancelled_edge_cases);

  g_test_add_func ("/Cancel/Scope/progress/coalesced-from-thread", test_progress_coalesced_from_thread);
  g_test_add_func ("/Cancel/Scope/progress/coalesced-same-thread", test_progress_coalesced_same_thread);
  g_test_add_func ("/Cancel/Scope/progress/child-leaves-parent", test_child_progress_leaves_parent);

  g_test_add_func ("/Cancel/Scope/current/push-pop", test_current_push_pop);
  g_test_add_func ("/Cancel/Scope/current/ignores-plain-cancellable", test_current_ignores_plain_cancellable);
  g_test_add_func ("/Cancel/Scope/current/per-thread", test_current_per_thread);
  g_test_add_func ("/Cancel/Scope/current/new-under-current", test_new_under_current);
  g_test_add_func ("/Cancel/Scope/current/guard", test_guard);
  g_test_add_func ("/Cancel/Scope/current/guard-variants", test_guard_variants);

  g_test_add_func ("/Cancel/Scope/tree/dup-parent-after-parent-finalized",
                   test_dup_parent_after_parent_finalized);
  g_test_add_func ("/Cancel/Scope/tree/dup-parent-after-end", test_dup_parent_after_end);
  g_test_add_func ("/Cancel/Scope/tree/set-parent", test_set_parent);
  g_test_add_func ("/Cancel/Scope/tree/children-model", test_children_model);
  g_test_add_func ("/Cancel/Scope/tree/children-model-first-call", test_children_model_first_call);
  g_test_add_func ("/Cancel/Scope/tree/children-model-drops-finalized-child",
                   test_children_model_drops_finalized_child);

  for (i = 0; i < G_N_ELEMENTS (bad_calls); i++)
    {
      static const char *kind_names[] = { "null", "plain-cancellable", "plain-object" };
      /* Static: a subprocess exits without freeing the test suite. */
      static BadCase cases[G_N_ELEMENTS (bad_calls)][BAD_PLAIN_OBJECT + 1];
      BadKind kind;

      for (kind = BAD_NULL; kind <= BAD_PLAIN_OBJECT; kind++)
        {
          BadCase *bad = &cases[i][kind];
          g_autofree char *path = NULL;

          if (kind == BAD_NULL && bad_calls[i].null_is_valid)
            continue;
          bad->call = &bad_calls[i];
          bad->kind = kind;
          path = g_strdup_printf ("/Cancel/Scope/bad-input/%s/%s", kind_names[kind], bad_calls[i].name);
          g_test_add_data_func (path, bad, test_bad_instance);
        }
    }
  g_test_add_func ("/Cancel/Scope/bad-input/progress-out-of-range", test_bad_progress_values);
  g_test_add_func ("/Cancel/Scope/bad-input/cancel-reason-none", test_bad_cancel_reason_none);
  g_test_add_func ("/Cancel/Scope/bad-input/set-parent-self", test_bad_set_parent_self);
  g_test_add_func ("/Cancel/Scope/bad-input/set-parent-cycle", test_bad_set_parent_cycle);
  g_test_add_func ("/Cancel/Scope/bad-input/set-parent-after-begin", test_bad_set_parent_after_begin);
  g_test_add_func ("/Cancel/Scope/bad-input/pop-not-top", test_bad_pop_not_top);
  g_test_add_func ("/Cancel/Scope/bad-input/pop-empty", test_bad_pop_empty);

  g_test_add_func ("/Cancel/Scope/reentrancy/unref-last-ref-in-cancelled",
                   test_reentrant_unref_last_ref_in_cancelled);
  g_test_add_func ("/Cancel/Scope/reentrancy/unref-running-in-cancelled",
                   test_reentrant_unref_running_in_cancelled);
  g_test_add_func ("/Cancel/Scope/reentrancy/cancel-self-in-cancelled",
                   test_reentrant_cancel_self_in_cancelled);
  g_test_add_func ("/Cancel/Scope/reentrancy/cancel-other-in-cancelled",
                   test_reentrant_cancel_other_in_cancelled);
  g_test_add_func ("/Cancel/Scope/reentrancy/cancel-parent-from-child",
                   test_reentrant_cancel_parent_from_child);
  g_test_add_func ("/Cancel/Scope/reentrancy/end-in-cancelled", test_reentrant_end_in_cancelled);
  g_test_add_func ("/Cancel/Scope/reentrancy/children-end-and-unref-in-cascade",
                   test_reentrant_children_end_and_unref_in_cascade);
  g_test_add_func ("/Cancel/Scope/reentrancy/finished-handler", test_reentrant_finished_handler);
  g_test_add_func ("/Cancel/Scope/reentrancy/notify-handlers", test_reentrant_notify_handlers);

  return g_test_run ();
}
