/* test-cleanup.c: cancel_scope_add_cleanup() and _add_cleanup_object():
 * released exactly once whatever the ending, in reverse order, on the
 * ending thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>
#include <stdlib.h>

#include <cancelable.h>

#include "cancel-test-util.h"

/* What the cleanups of one scope saw, in the order they ran. */
typedef struct
{
  GString      *order;
  CancelStatus  status_seen;
  GThread      *thread;
  gint          destroyed;
} Log;

typedef struct
{
  Log  *log;
  char  tag;
} Entry;

static void
record_cleanup (CancelScope *scope,
                gpointer     data)
{
  Entry *entry = data;

  g_string_append_c (entry->log->order, entry->tag);
  entry->log->status_seen = cancel_scope_get_status (scope);
  entry->log->thread = g_thread_self ();
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_atomic_int_inc (&entry->log->destroyed);
  g_free (entry);
}

static void
add_entry (CancelScope *scope,
           Log         *log,
           char         tag)
{
  Entry *entry = g_new (Entry, 1);

  entry->log = log;
  entry->tag = tag;
  cancel_scope_add_cleanup (scope, record_cleanup, entry, entry_free);
}

static void
end_as (CancelScope  *scope,
        CancelStatus  status)
{
  g_autoptr(GError) error = NULL;

  switch (status)
    {
    case CANCEL_STATUS_COMPLETED:
      cancel_scope_end (scope);
      break;
    case CANCEL_STATUS_FAILED:
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "Disk full");
      cancel_scope_fail (scope, error);
      break;
    case CANCEL_STATUS_CANCELLED:
      cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
      cancel_scope_end (scope);
      break;
    case CANCEL_STATUS_TIMED_OUT:
      g_assert_true (cancel_scope_set_timeout (scope, 0.001, NULL));
      WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
      cancel_scope_end (scope);
      break;
    case CANCEL_STATUS_PENDING:
    case CANCEL_STATUS_RUNNING:
    case CANCEL_STATUS_SHIELDED:
    default:
      g_assert_not_reached ();
    }
}

/* Every final status: each cleanup once, the last added first, with the
 * final status already readable, before end() returns. */
static void
test_every_status (void)
{
  const CancelStatus statuses[] = {
    CANCEL_STATUS_COMPLETED, CANCEL_STATUS_FAILED,
    CANCEL_STATUS_CANCELLED, CANCEL_STATUS_TIMED_OUT,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      CancelScope *scope = new_private_scope (NULL, "Cleaned");
      Log log = { g_string_new (NULL), 0, };

      cancel_scope_begin (scope);
      add_entry (scope, &log, 'a');
      add_entry (scope, &log, 'b');
      add_entry (scope, &log, 'c');
      g_assert_cmpstr (log.order->str, ==, "");

      end_as (scope, statuses[i]);
      g_assert_cmpstr (log.order->str, ==, "cba");
      g_assert_cmpint (log.destroyed, ==, 3);
      g_assert_cmpint (log.status_seen, ==, statuses[i]);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, statuses[i]);

      /* The deadline's firing thread lets go a little after the end. */
      WAIT_UNTIL (NULL, g_atomic_int_get ((gint *) &G_OBJECT (scope)->ref_count) == 1);
      g_assert_finalize_object (scope);
      g_assert_cmpstr (log.order->str, ==, "cba");
      g_string_free (log.order, TRUE);
    }
}

/* An object is released once, when the scope ends, not when it is freed. */
static void
test_object_released_at_end (void)
{
  CancelScope *scope = new_private_scope (NULL, "Holds a connection");
  GObject *connection = g_object_new (G_TYPE_OBJECT, NULL);
  GObject *watcher = connection;

  g_object_add_weak_pointer (connection, (gpointer *) &watcher);
  cancel_scope_begin (scope);
  cancel_scope_add_cleanup_object (scope, g_steal_pointer (&connection));
  g_assert_nonnull (watcher);

  cancel_scope_cancel (scope, CANCEL_REASON_ERROR, NULL);
  g_assert_nonnull (watcher);  /* cancelling is not ending: the work may still use it */
  cancel_scope_end (scope);
  g_assert_null (watcher);

  g_assert_finalize_object (scope);
}

/* Added after the end: runs at once, in the caller's thread. */
static void
test_added_after_end (void)
{
  CancelScope *scope = new_private_scope (NULL, "Late");
  Log log = { g_string_new (NULL), 0, };

  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  add_entry (scope, &log, 'x');
  g_assert_cmpstr (log.order->str, ==, "x");
  g_assert_cmpint (log.destroyed, ==, 1);
  g_assert_true (log.thread == g_thread_self ());

  g_assert_finalize_object (scope);
  g_string_free (log.order, TRUE);
}

/* Never begun, or dropped while running: released when freed. The
 * running one warns, as any running scope freed without an end. */
static void
test_freed_without_end (void)
{
  CancelScope *pending = new_private_scope (NULL, "Never begun");
  Log log = { g_string_new (NULL), 0, };

  add_entry (pending, &log, 'p');
  add_entry (pending, &log, 'q');
  g_assert_finalize_object (pending);
  g_assert_cmpstr (log.order->str, ==, "qp");
  g_assert_cmpint (log.destroyed, ==, 2);
  g_string_free (log.order, TRUE);

  if (g_test_subprocess ())
    {
      CancelScope *running = new_private_scope (NULL, "Dropped");
      Log dropped = { g_string_new (NULL), 0, };

      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      cancel_scope_begin (running);
      add_entry (running, &dropped, 'r');
      g_object_unref (running);
      g_print ("ran: %s\n", dropped.order->str);
      g_string_free (dropped.order, TRUE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*ran: r*");
  g_test_trap_assert_stderr ("*Dropped* was freed while running*");
}

static gpointer
end_in_thread (gpointer data)
{
  cancel_scope_end (data);

  return NULL;
}

/* Ended in another thread: the cleanups run there. */
static void
test_runs_in_ending_thread (void)
{
  CancelScope *scope = new_private_scope (NULL, "Ended elsewhere");
  Log log = { g_string_new (NULL), 0, };
  GThread *ender;

  cancel_scope_begin (scope);
  add_entry (scope, &log, 'e');
  ender = g_thread_new ("cancel-ender", end_in_thread, scope);
  g_thread_join (ender);
  g_assert_cmpstr (log.order->str, ==, "e");
  g_assert_true (log.thread == ender);

  drain (NULL);
  g_assert_finalize_object (scope);
  g_string_free (log.order, TRUE);
}

/* An add on one thread against an end on another, released together by a
 * barrier: every cleanup runs exactly once, whichever wins. */
typedef struct
{
  pthread_barrier_t  barrier;
  CancelScope       *scope;
  gboolean           stop;
} Duel;

static gpointer
ending_thread (gpointer data)
{
  Duel *duel = data;

  for (;;)
    {
      pthread_barrier_wait (&duel->barrier);
      if (duel->stop)
        return NULL;
      cancel_scope_end (duel->scope);
      pthread_barrier_wait (&duel->barrier);
    }
}

static guint
rounds (guint n)
{
  const char *divisor = g_getenv ("CANCEL_TEST_ROUNDS_DIVISOR");

  return MAX (n / (divisor != NULL ? MAX (atoi (divisor), 1) : 1), 10);
}

/* Per entry, so that two threads never write the same thing: a late add
 * runs at once in the adding thread, possibly while the ending thread
 * still runs the others. */
typedef struct
{
  gint     runs;
  gint     seq;      /* 1 for the first to run, 2 for the second */
  GThread *thread;
  gint    *next_seq;
} Run;

typedef struct
{
  Run  runs[2];
  gint next_seq;
} RaceLog;

static void
race_cleanup (CancelScope *scope,
              gpointer     data)
{
  Run *run = data;

  run->thread = g_thread_self ();
  run->seq = g_atomic_int_add (run->next_seq, 1) + 1;
  g_atomic_int_inc (&run->runs);
}

static void
test_add_races_end (void)
{
  guint n = rounds (2000);
  Duel duel = { 0, };
  GThread *partner;
  guint late = 0;

  pthread_barrier_init (&duel.barrier, NULL, 2);
  partner = g_thread_new ("cancel-ender", ending_thread, &duel);

  for (guint i = 0; i < n; i++)
    {
      RaceLog log = { 0, };

      log.runs[0].next_seq = log.runs[1].next_seq = &log.next_seq;
      duel.scope = new_private_scope (NULL, "Duel");
      cancel_scope_begin (duel.scope);
      cancel_scope_add_cleanup (duel.scope, race_cleanup, &log.runs[0], NULL);

      pthread_barrier_wait (&duel.barrier);
      cancel_scope_add_cleanup (duel.scope, race_cleanup, &log.runs[1], NULL);
      pthread_barrier_wait (&duel.barrier);

      /* Each exactly once: the first in end(), the second in end() too or
       * here, at once. */
      g_assert_cmpint (log.runs[0].runs, ==, 1);
      g_assert_cmpint (log.runs[1].runs, ==, 1);
      g_assert_true (log.runs[0].thread == partner);
      g_assert_true (log.runs[1].thread == partner || log.runs[1].thread == g_thread_self ());
      /* Both in end(): the last added first. */
      if (log.runs[1].thread == partner)
        g_assert_cmpint (log.runs[1].seq, ==, 1);
      late += log.runs[1].thread == g_thread_self ();

      drain (NULL);
      g_assert_finalize_object (duel.scope);
    }

  duel.stop = TRUE;
  pthread_barrier_wait (&duel.barrier);
  g_thread_join (partner);
  pthread_barrier_destroy (&duel.barrier);
  g_test_message ("%u rounds: %u adds came after the end", n, late);
}

static void
test_bad_func (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "Bad");

      cancel_scope_add_cleanup (scope, NULL, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*func != NULL*");
}

static void
test_bad_object (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "Bad");

      cancel_scope_add_cleanup_object (scope, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*G_IS_OBJECT*");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Cleanup/every-status", test_every_status);
  g_test_add_func ("/Cancel/Cleanup/object-released-at-end", test_object_released_at_end);
  g_test_add_func ("/Cancel/Cleanup/added-after-end", test_added_after_end);
  g_test_add_func ("/Cancel/Cleanup/freed-without-end", test_freed_without_end);
  g_test_add_func ("/Cancel/Cleanup/runs-in-ending-thread", test_runs_in_ending_thread);
  g_test_add_func ("/Cancel/Cleanup/add-races-end", test_add_races_end);
  g_test_add_func ("/Cancel/Cleanup/bad-func", test_bad_func);
  g_test_add_func ("/Cancel/Cleanup/bad-object", test_bad_object);

  return g_test_run ();
}
