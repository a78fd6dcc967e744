/* test-wait.c: making, ending, waiting for and watching a scope: the 0.2
 * constructors, cancel_scope_fail(), cancel_scope_wait_async() and
 * cancel_scope_connect_cancelled()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cancelable.h>

#include "cancel-test-util.h"

/* A firing thread drops its reference on a scope a little after the
 * cancellation it made was seen. */
static guint
ref_count (gpointer object)
{
  return (guint) g_atomic_int_get ((gint *) &G_OBJECT (object)->ref_count);
}

static guint
rounds (guint n)
{
  const char *divisor = g_getenv ("CANCEL_TEST_ROUNDS_DIVISOR");

  return MAX (n / (divisor != NULL ? MAX (atoi (divisor), 1) : 1), 10);
}

/* ------------------------------------------------------------------ */
/* Constructors: one rule for implicit parents                        */

static void
test_new_full_flags (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) shielded = cancel_scope_new_full (parent, "Shielded", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_autoptr(CancelScope) unregistered = cancel_scope_new_full (NULL, "Unregistered",
                                                               CANCEL_SCOPE_FLAGS_UNREGISTERED);
  g_autoptr(CancelScope) plain = cancel_scope_new_full (NULL, "Registered", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) parent_of_shielded = cancel_scope_dup_parent (shielded);
  g_autoptr(CancelRegistry) none = NULL;
  g_autoptr(CancelRegistry) registry = NULL;
  CancelScope *found;

  g_assert_true (parent_of_shielded == parent);
  g_assert_true (cancel_scope_get_shielded (shielded));
  cancel_scope_set_registry (shielded, NULL);
  cancel_scope_begin (parent);
  cancel_scope_begin (shielded);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_SHIELDED);
  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, "Stop");
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded)));

  cancel_scope_begin (unregistered);
  none = cancel_scope_dup_registry (unregistered);
  g_assert_null (none);
  g_assert_null (cancel_registry_lookup (cancel_registry_get_default (),
                                         cancel_scope_get_id (unregistered)));

  cancel_scope_begin (plain);
  registry = cancel_scope_dup_registry (plain);
  g_assert_true (registry == cancel_registry_get_default ());
  found = cancel_registry_lookup (registry, cancel_scope_get_id (plain));
  g_assert_true (found == plain);
  g_clear_object (&found);

  cancel_scope_end (plain);
  cancel_scope_end (unregistered);
  cancel_scope_end (shielded);
  cancel_scope_end (parent);
  drain (NULL);
}

/* Only cancel_scope_new() looks at the current scope; new_full (NULL) and
 * g_object_new() make roots even inside a guard. */
static void
test_implicit_parent_rule (void)
{
  g_autoptr(CancelScope) outer = new_private_scope (NULL, "Outer");
  g_autoptr(CancelScope) implicit = NULL;
  g_autoptr(CancelScope) root_full = NULL;
  g_autoptr(CancelScope) root_object = NULL;
  g_autoptr(CancelScope) implicit_parent = NULL;
  g_autoptr(CancelScope) full_parent = NULL;
  g_autoptr(CancelScope) object_parent = NULL;

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (outer);

    implicit = cancel_scope_new ("Implicit");
    root_full = cancel_scope_new_full (NULL, "Root", CANCEL_SCOPE_FLAGS_NONE);
    root_object = g_object_new (CANCEL_TYPE_SCOPE, "name", "Object", NULL);
  }

  implicit_parent = cancel_scope_dup_parent (implicit);
  full_parent = cancel_scope_dup_parent (root_full);
  object_parent = cancel_scope_dup_parent (root_object);
  g_assert_true (implicit_parent == outer);
  g_assert_null (full_parent);
  g_assert_null (object_parent);
  g_assert_cmpint (cancel_scope_get_status (outer), ==, CANCEL_STATUS_COMPLETED);
  drain (NULL);
}

static void
test_new_full_bad_flags (void)
{
  if (g_test_subprocess ())
    {
      g_assert_null (cancel_scope_new_full (NULL, "Bad", 1 << 7));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_new_full*flags*");
}

/* ------------------------------------------------------------------ */
/* Ending                                                              */

static void
test_fail (void)
{
  g_autoptr(CancelScope) failed = new_private_scope (NULL, "Save");
  g_autoptr(CancelScope) cancelled = new_private_scope (NULL, "Upload");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "Disk full");
  g_autoptr(GError) kept = NULL;
  g_autoptr(GError) cancel_error = NULL;

  cancel_scope_begin (failed);
  cancel_scope_fail (failed, error);
  g_assert_cmpint (cancel_scope_get_status (failed), ==, CANCEL_STATUS_FAILED);
  kept = cancel_scope_dup_error (failed);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpstr (kept->message, ==, "Disk full");

  /* A cancelled operation that fails ends cancelled, with its reason. */
  cancel_scope_begin (cancelled);
  cancel_scope_cancel (cancelled, CANCEL_REASON_SIGNAL, "SIGTERM");
  cancel_scope_fail (cancelled, error);
  g_assert_cmpint (cancel_scope_get_status (cancelled), ==, CANCEL_STATUS_CANCELLED);
  cancel_error = cancel_scope_dup_error (cancelled);
  g_assert_error (cancel_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (cancel_error->message, "SIGTERM"));
  drain (NULL);
}

static gboolean
save_document (GCancellable  *cancellable,
               GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Read-only");
  return FALSE;
}

/* The README's block-scoped example records a failed save as FAILED. */
static void
test_guard_records_failure (void)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Save document");
  g_autoptr(GError) kept = NULL;

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (scope);
    g_autoptr(GError) error = NULL;

    if (!save_document (G_CANCELLABLE (scope), &error))
      cancel_scope_fail (scope, error);
  }

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  kept = cancel_scope_dup_error (scope);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  drain (NULL);
}

static void
test_fail_null_error (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "Null error");

      cancel_scope_begin (scope);
      /* Not fatal: the scope must still be running afterwards. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      cancel_scope_fail (scope, NULL);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
      cancel_scope_end (scope);
      g_object_unref (scope);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_fail*error != NULL*");
}

/* An unregistered running scope dropped without an end says so. */
static void
test_dropped_while_running_warns (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "Forgotten upload");

      cancel_scope_begin (scope);
      g_object_unref (scope);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*WARNING*Forgotten upload*freed while running*");
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */

typedef struct
{
  int calls;
  CancelStatus status;
  GError *error;
  GThread *thread;
} WaitResult;

static void
wait_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  WaitResult *wait = user_data;

  g_assert_true (g_task_is_valid (result, source_object));
  wait->calls++;
  wait->thread = g_thread_self ();
  wait->status = cancel_scope_wait_finish (CANCEL_SCOPE (source_object), result, &wait->error);
}

static gpointer
end_in_thread (gpointer data)
{
  cancel_scope_end (data);
  return NULL;
}

static void
test_wait_completes_with_status (void)
{
  CancelScope *scope = new_private_scope (NULL, "Awaited");
  WaitResult wait = { 0, };
  GThread *ender;

  cancel_scope_begin (scope);
  cancel_scope_wait_async (scope, NULL, wait_done, &wait);
  drain (NULL);
  g_assert_cmpint (wait.calls, ==, 0);

  ender = g_thread_new ("ender", end_in_thread, scope);
  WAIT_UNTIL (NULL, wait.calls == 1);
  g_thread_join (ender);

  g_assert_true (wait.thread == g_thread_self ());
  g_assert_cmpint (wait.status, ==, CANCEL_STATUS_COMPLETED);
  g_assert_no_error (wait.error);
  drain (NULL);
  g_assert_cmpint (wait.calls, ==, 1);
  g_assert_finalize_object (scope);
}

static void
test_wait_already_ended (void)
{
  CancelScope *scope = new_private_scope (NULL, "Timed out before");
  WaitResult wait = { 0, };

  cancel_scope_begin (scope);
  cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, NULL);
  cancel_scope_end (scope);
  cancel_scope_wait_async (scope, NULL, wait_done, &wait);
  /* Never from inside the _async call. */
  g_assert_cmpint (wait.calls, ==, 0);
  WAIT_UNTIL (NULL, wait.calls == 1);
  g_assert_cmpint (wait.status, ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_no_error (wait.error);
  drain (NULL);
  g_assert_finalize_object (scope);
}

static void
test_wait_cancelled (void)
{
  CancelScope *scope = new_private_scope (NULL, "Still running");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  WaitResult wait = { 0, };

  cancel_scope_begin (scope);
  cancel_scope_wait_async (scope, cancellable, wait_done, &wait);
  g_cancellable_cancel (cancellable);
  WAIT_UNTIL (NULL, wait.calls == 1);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (wait.status, ==, CANCEL_STATUS_PENDING);
  /* The scope is untouched, and ending it calls nothing more. */
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  cancel_scope_end (scope);
  drain (NULL);
  g_assert_cmpint (wait.calls, ==, 1);
  g_clear_error (&wait.error);
  g_assert_finalize_object (scope);
}

typedef struct
{
  pthread_barrier_t barrier;
  CancelScope *scope;
  GCancellable *cancellable;
  gboolean stop;
} Duel;

static gpointer
cancel_wait_thread (gpointer data)
{
  Duel *duel = data;

  for (;;)
    {
      pthread_barrier_wait (&duel->barrier);
      if (duel->stop)
        return NULL;
      g_cancellable_cancel (duel->cancellable);
      pthread_barrier_wait (&duel->barrier);
    }
}

/* The scope's end and the wait's cancellation race, each taking the wait
 * from the scope's list first in some rounds: the callback runs exactly
 * once and nothing is leaked. Its outcome is nearly always the
 * cancellation: as in every GIO call, a wait whose cancellable was
 * cancelled before its result was read fails (GTask's check-cancellable). */
static void
test_wait_race (void)
{
  guint n = rounds (2000);
  Duel duel = { 0, };
  GThread *partner;
  guint ended = 0, cancelled = 0;

  pthread_barrier_init (&duel.barrier, NULL, 2);
  partner = g_thread_new ("cancel-wait", cancel_wait_thread, &duel);

  for (guint i = 0; i < n; i++)
    {
      WaitResult wait = { 0, };

      duel.scope = new_private_scope (NULL, "Duel");
      duel.cancellable = g_cancellable_new ();
      cancel_scope_begin (duel.scope);
      cancel_scope_wait_async (duel.scope, duel.cancellable, wait_done, &wait);

      pthread_barrier_wait (&duel.barrier);
      cancel_scope_end (duel.scope);
      pthread_barrier_wait (&duel.barrier);

      WAIT_UNTIL (NULL, wait.calls == 1);
      drain (NULL);
      g_assert_cmpint (wait.calls, ==, 1);
      if (wait.error != NULL)
        {
          g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_clear_error (&wait.error);
          cancelled++;
        }
      else
        {
          g_assert_cmpint (wait.status, ==, CANCEL_STATUS_COMPLETED);
          ended++;
        }
      g_assert_finalize_object (duel.scope);
      g_assert_finalize_object (duel.cancellable);
    }

  duel.stop = TRUE;
  pthread_barrier_wait (&duel.barrier);
  g_thread_join (partner);
  pthread_barrier_destroy (&duel.barrier);
  g_test_message ("%u rounds: %u completed, %u cancelled waits", n, ended, cancelled);
}

/* ------------------------------------------------------------------ */
/* Watching: a callback on a chosen context                            */

typedef struct
{
  int calls;
  int destroyed;
  GThread *thread;
  GMainContext *context;
  gboolean context_was_owned;
} Watched;

static void
watched_cancelled (CancelScope *scope,
                   gpointer     data)
{
  Watched *watched = data;

  g_atomic_int_inc (&watched->calls);
  watched->thread = g_thread_self ();
  if (watched->context != NULL)
    watched->context_was_owned = g_main_context_is_owner (watched->context);
}

static void
watched_destroyed (gpointer data)
{
  Watched *watched = data;

  g_atomic_int_inc (&watched->destroyed);
}

/* The cancelling thread is still inside its ::cancelled emission (in a
 * handler that runs after the class handler) when the watch has run and
 * its source was freed on the watching thread. GLib 2.74's
 * GCancellableSource resurrected itself there and leaked, with its
 * reference on the scope. */
typedef struct
{
  CancelScope *scope;
  gint         released;
} Emission;

static void
block_until_released (GCancellable *cancellable,
                      gpointer      data)
{
  Emission *emission = data;
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  while (!g_atomic_int_get (&emission->released) && g_get_monotonic_time () < guard)
    g_usleep (100);
}

static gpointer
cancel_in_thread (gpointer data)
{
  Emission *emission = data;

  cancel_scope_cancel (emission->scope, CANCEL_REASON_MANUAL, NULL);

  return NULL;
}

static void
test_watch_freed_during_emission (void)
{
  Emission emission = { new_private_scope (NULL, "Emission"), 0 };
  Watched watched = { 0, };
  GThread *canceller;

  cancel_scope_begin (emission.scope);
  cancel_scope_connect_cancelled (emission.scope, NULL, watched_cancelled, &watched,
                                  watched_destroyed);
  g_signal_connect_after (emission.scope, "cancelled", G_CALLBACK (block_until_released),
                          &emission);
  canceller = g_thread_new ("cancel-scope", cancel_in_thread, &emission);

  /* The iteration that ran the watch also dropped its source's last
   * reference, while the other thread is still emitting. */
  WAIT_UNTIL (NULL, g_atomic_int_get (&watched.destroyed) == 1);
  g_atomic_int_set (&emission.released, 1);
  g_thread_join (canceller);

  g_assert_cmpint (watched.calls, ==, 1);
  cancel_scope_end (emission.scope);
  drain (NULL);
  g_assert_finalize_object (emission.scope);
}

/* A deadline fires on a library thread; the callback runs on the context
 * it was connected with, in the thread that iterates it. */
static void
test_watch_on_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  CancelScope *scope = new_private_scope (NULL, "Deadline");
  Watched watched = { 0, };
  g_autoptr(GError) error = NULL;
  gulong id;

  watched.context = context;
  cancel_scope_begin (scope);
  id = cancel_scope_connect_cancelled (scope, context, watched_cancelled, &watched, watched_destroyed);
  g_assert_cmpuint (id, >, 0);
  g_assert_true (cancel_scope_set_timeout (scope, 0.02, &error));

  WAIT_UNTIL (context, g_atomic_int_get (&watched.calls) == 1);
  g_assert_true (watched.thread == g_thread_self ());
  g_assert_true (watched.context_was_owned);
  g_assert_cmpint (g_atomic_int_get (&watched.destroyed), ==, 1);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);

  /* It ran: disconnecting now is harmless, and nothing runs again. */
  cancel_scope_disconnect_cancelled (scope, id);
  cancel_scope_end (scope);
  drain (context);
  drain (NULL);
  g_assert_cmpint (watched.calls, ==, 1);
  WAIT_UNTIL (NULL, ref_count (scope) == 1);
  g_assert_finalize_object (scope);
}

/* NULL means the owner context: the thread-default one when it was made. */
static void
test_watch_owner_context (void)
{
  g_autoptr(GMainContext) owner = g_main_context_new ();
  CancelScope *scope;
  Watched watched = { 0, };

  g_main_context_push_thread_default (owner);
  scope = new_private_scope (NULL, "Owned");
  g_main_context_pop_thread_default (owner);

  cancel_scope_connect_cancelled (scope, NULL, watched_cancelled, &watched, watched_destroyed);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  drain (NULL);
  g_assert_cmpint (watched.calls, ==, 0);
  WAIT_UNTIL (owner, watched.calls == 1);
  g_assert_cmpint (watched.destroyed, ==, 1);
  drain (owner);
  g_assert_finalize_object (scope);
}

static void
test_watch_already_cancelled_and_ended (void)
{
  CancelScope *cancelled = new_private_scope (NULL, "Cancelled");
  CancelScope *completed = new_private_scope (NULL, "Completed");
  Watched on_cancelled = { 0, }, on_completed = { 0, }, on_ending = { 0, };

  cancel_scope_begin (cancelled);
  cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL);
  cancel_scope_end (cancelled);
  g_assert_cmpuint (cancel_scope_connect_cancelled (cancelled, NULL, watched_cancelled,
                                                    &on_cancelled, watched_destroyed), >, 0);
  g_assert_cmpint (on_cancelled.calls, ==, 0);
  WAIT_UNTIL (NULL, on_cancelled.calls == 1);
  g_assert_cmpint (on_cancelled.destroyed, ==, 1);

  /* Ending without a cancellation drops what waited... */
  cancel_scope_begin (completed);
  cancel_scope_connect_cancelled (completed, NULL, watched_cancelled, &on_ending, watched_destroyed);
  cancel_scope_end (completed);
  g_assert_cmpint (on_ending.destroyed, ==, 1);
  /* ...and a completed scope takes nothing. */
  g_assert_cmpuint (cancel_scope_connect_cancelled (completed, NULL, watched_cancelled,
                                                    &on_completed, watched_destroyed), ==, 0);
  g_assert_cmpint (on_completed.destroyed, ==, 1);
  drain (NULL);
  g_assert_cmpint (on_ending.calls + on_completed.calls, ==, 0);

  g_assert_finalize_object (cancelled);
  g_assert_finalize_object (completed);
}

static void
disconnect_self (CancelScope *scope,
                 gpointer     data)
{
  Watched *watched = data;

  watched->calls++;
  /* Harmless from the callback itself. */
  cancel_scope_disconnect_cancelled (scope, 1);
}

static void
test_watch_disconnect (void)
{
  CancelScope *scope = new_private_scope (NULL, "Disconnected");
  Watched first = { 0, }, second = { 0, };
  gulong id;

  id = cancel_scope_connect_cancelled (scope, NULL, disconnect_self, &first, watched_destroyed);
  g_assert_cmpuint (id, ==, 1);
  id = cancel_scope_connect_cancelled (scope, NULL, watched_cancelled, &second, watched_destroyed);
  cancel_scope_disconnect_cancelled (scope, id);
  g_assert_cmpint (second.destroyed, ==, 1);
  cancel_scope_disconnect_cancelled (scope, id);
  g_assert_cmpint (second.destroyed, ==, 1);

  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  WAIT_UNTIL (NULL, first.calls == 1);
  drain (NULL);
  g_assert_cmpint (first.destroyed, ==, 1);
  g_assert_cmpint (second.calls, ==, 0);
  g_assert_finalize_object (scope);
}

static gpointer
cancel_scope_thread (gpointer data)
{
  Duel *duel = data;

  for (;;)
    {
      pthread_barrier_wait (&duel->barrier);
      if (duel->stop)
        return NULL;
      cancel_scope_cancel (duel->scope, CANCEL_REASON_MANUAL, NULL);
      pthread_barrier_wait (&duel->barrier);
    }
}

/* A cancellation on one thread against an end or a disconnect on another:
 * the callback runs at most once (exactly once when the cancellation came
 * first and nothing disconnected it), the destroy notify exactly once, and
 * the scope is freed. */
static void
test_watch_race (void)
{
  guint n = rounds (2000);
  Duel duel = { 0, };
  GThread *partner;
  guint ran = 0;

  pthread_barrier_init (&duel.barrier, NULL, 2);
  partner = g_thread_new ("cancel-scope", cancel_scope_thread, &duel);

  for (guint i = 0; i < n; i++)
    {
      Watched watched = { 0, };
      gulong id;

      duel.scope = new_private_scope (NULL, "Watch duel");
      cancel_scope_begin (duel.scope);
      id = cancel_scope_connect_cancelled (duel.scope, NULL, watched_cancelled, &watched,
                                           watched_destroyed);

      pthread_barrier_wait (&duel.barrier);
      if (i % 2 == 0)
        cancel_scope_end (duel.scope);
      else
        cancel_scope_disconnect_cancelled (duel.scope, id);
      pthread_barrier_wait (&duel.barrier);

      if (i % 2 == 0 && cancel_scope_get_status (duel.scope) == CANCEL_STATUS_CANCELLED)
        WAIT_UNTIL (NULL, g_atomic_int_get (&watched.calls) == 1);
      WAIT_UNTIL (NULL, g_atomic_int_get (&watched.destroyed) == 1);
      drain (NULL);
      g_assert_cmpint (watched.calls, <=, 1);
      g_assert_cmpint (watched.destroyed, ==, 1);
      ran += watched.calls;
      if (i % 2 == 1)
        cancel_scope_end (duel.scope);
      drain (NULL);
      g_assert_finalize_object (duel.scope);
    }

  duel.stop = TRUE;
  pthread_barrier_wait (&duel.barrier);
  g_thread_join (partner);
  pthread_barrier_destroy (&duel.barrier);
  g_test_message ("%u rounds: the callback ran %u times", n, ran);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Scope/new-full-flags", test_new_full_flags);
  g_test_add_func ("/Cancel/Scope/implicit-parent-rule", test_implicit_parent_rule);
  g_test_add_func ("/Cancel/Scope/new-full-bad-flags", test_new_full_bad_flags);
  g_test_add_func ("/Cancel/Scope/fail", test_fail);
  g_test_add_func ("/Cancel/Scope/guard-records-failure", test_guard_records_failure);
  g_test_add_func ("/Cancel/Scope/fail-null-error", test_fail_null_error);
  g_test_add_func ("/Cancel/Scope/dropped-while-running-warns", test_dropped_while_running_warns);
  g_test_add_func ("/Cancel/Wait/completes-with-status", test_wait_completes_with_status);
  g_test_add_func ("/Cancel/Wait/already-ended", test_wait_already_ended);
  g_test_add_func ("/Cancel/Wait/cancelled", test_wait_cancelled);
  g_test_add_func ("/Cancel/Wait/race", test_wait_race);
  g_test_add_func ("/Cancel/Watch/on-context", test_watch_on_context);
  g_test_add_func ("/Cancel/Watch/owner-context", test_watch_owner_context);
  g_test_add_func ("/Cancel/Watch/already-cancelled-and-ended", test_watch_already_cancelled_and_ended);
  g_test_add_func ("/Cancel/Watch/disconnect", test_watch_disconnect);
  g_test_add_func ("/Cancel/Watch/race", test_watch_race);
  g_test_add_func ("/Cancel/Watch/freed-during-emission", test_watch_freed_during_emission);

  return g_test_run ();
}
