/* test-scope-threads.c: CancelScope from many threads at once
 *
 * Runs under ThreadSanitizer (suite 'thread'): the test's own
 * synchronisation is pthread (barriers, mutexes), which TSan sees.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <cancelable.h>

#include "cancel-test-util.h"

/* ------------------------------------------------------------------ */
/* Rule 5: eight threads cancel one scope at once */

#define N_RACERS 8
#define N_ROUNDS 100

typedef struct
{
  CancelScope *scope;
  pthread_barrier_t *barrier;
  int index;
  CancelReason reason;
  char message[32];
  gboolean use_plain_cancel;
  gboolean won;
  gboolean saw_cancelled;
  CancelReason saw_reason;
  char *saw_message;
} Racer;

static gpointer
racer_thread (gpointer data)
{
  Racer *racer = data;

  pthread_barrier_wait (racer->barrier);
  if (racer->use_plain_cancel)
    g_cancellable_cancel (G_CANCELLABLE (racer->scope));
  else
    racer->won = cancel_scope_cancel (racer->scope, racer->reason, racer->message);
  racer->saw_cancelled = g_cancellable_is_cancelled (G_CANCELLABLE (racer->scope));
  racer->saw_reason = cancel_scope_get_reason (racer->scope);
  racer->saw_message = g_strdup (cancel_scope_get_message (racer->scope));
  return NULL;
}

static void
count_cancelled (GCancellable *cancellable,
                 int          *count)
{
  g_atomic_int_inc (count);
}

/* Rule 5 */
static void
test_cancel_race_one_winner (void)
{
  static const CancelReason reasons[] = {
    CANCEL_REASON_MANUAL, CANCEL_REASON_SIGNAL, CANCEL_REASON_CONDITION,
    CANCEL_REASON_ERROR, CANCEL_REASON_TIMEOUT,
  };
  pthread_barrier_t barrier;
  int round;

  pthread_barrier_init (&barrier, NULL, N_RACERS);

  for (round = 0; round < N_ROUNDS; round++)
    {
      CancelScope *scope = new_private_scope (NULL, "Contended");
      Racer racers[N_RACERS];
      GThread *threads[N_RACERS];
      int winners = 0, winner = -1, cancelled_calls = 0;
      CancelReason expected_reason;
      const char *expected_message;
      int i;

      g_signal_connect (scope, "cancelled", G_CALLBACK (count_cancelled), &cancelled_calls);
      /* Odd rounds race on a running scope, even ones on a pending one. */
      if (round % 2 == 1)
        cancel_scope_begin (scope);

      for (i = 0; i < N_RACERS; i++)
        {
          memset (&racers[i], 0, sizeof racers[i]);
          racers[i].scope = scope;
          racers[i].barrier = &barrier;
          racers[i].index = i;
          racers[i].reason = reasons[(i + round) % G_N_ELEMENTS (reasons)];
          g_snprintf (racers[i].message, sizeof racers[i].message, "Racer %d", i);
          /* Third-party code racing with a plain g_cancellable_cancel(). */
          racers[i].use_plain_cancel = (i == N_RACERS - 1);
        }
      for (i = 0; i < N_RACERS; i++)
        threads[i] = g_thread_new ("racer", racer_thread, &racers[i]);
      for (i = 0; i < N_RACERS; i++)
        g_thread_join (threads[i]);

      for (i = 0; i < N_RACERS; i++)
        if (racers[i].won)
          {
            winners++;
            winner = i;
          }
      g_assert_cmpint (winners, <=, 1);
      if (winners == 1)
        {
          expected_reason = racers[winner].reason;
          expected_message = racers[winner].message;
        }
      else
        {
          /* The plain g_cancellable_cancel() won: MANUAL. */
          expected_reason = CANCEL_REASON_MANUAL;
          expected_message = cancel_scope_get_message (scope);
          g_assert_nonnull (expected_message);
        }

      g_assert_cmpint (cancel_scope_get_reason (scope), ==, expected_reason);
      g_assert_cmpstr (cancel_scope_get_message (scope), ==, expected_message);
      for (i = 0; i < N_RACERS; i++)
        {
          g_assert_true (racers[i].saw_cancelled);
          g_assert_cmpint (racers[i].saw_reason, ==, expected_reason);
          g_assert_cmpstr (racers[i].saw_message, ==, expected_message);
          g_free (racers[i].saw_message);
        }
      g_assert_cmpint (g_atomic_int_get (&cancelled_calls), ==, 1);

      if (round % 2 == 1)
        {
          cancel_scope_end (scope);
          g_assert_cmpint (cancel_scope_get_status (scope), ==,
                           expected_reason == CANCEL_REASON_TIMEOUT ? CANCEL_STATUS_TIMED_OUT
                                                                    : CANCEL_STATUS_CANCELLED);
        }
      drain (NULL);
      g_assert_finalize_object (scope);
    }

  pthread_barrier_destroy (&barrier);
}

/* ------------------------------------------------------------------ */
/* Rule 4: ::cancelled in the cancelling thread */

typedef struct
{
  CancelScope *scope;
  GThread *cancelling_thread;
  GThread *handler_thread;
} CancelledThread;

static void
record_handler_thread (GCancellable    *cancellable,
                       CancelledThread *data)
{
  data->handler_thread = g_thread_self ();
}

static gpointer
cancel_from_thread (gpointer user_data)
{
  CancelledThread *data = user_data;

  data->cancelling_thread = g_thread_self ();
  cancel_scope_cancel (data->scope, CANCEL_REASON_SIGNAL, NULL);
  return NULL;
}

/* Rule 4 */
static void
test_cancelled_in_cancelling_thread (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Parent");
  g_autoptr(CancelScope) child = new_private_scope (parent, "Child");
  CancelledThread data = { parent, NULL, NULL };
  CancelledThread child_data = { child, NULL, NULL };
  GThread *thread;

  g_signal_connect (parent, "cancelled", G_CALLBACK (record_handler_thread), &data);
  g_signal_connect (child, "cancelled", G_CALLBACK (record_handler_thread), &child_data);
  cancel_scope_begin (parent);
  cancel_scope_begin (child);
  thread = g_thread_new ("canceller", cancel_from_thread, &data);
  g_thread_join (thread);

  g_assert_nonnull (data.handler_thread);
  g_assert_true (data.handler_thread == data.cancelling_thread);
  /* The cascade runs in the cancelling thread too. */
  g_assert_true (child_data.handler_thread == data.cancelling_thread);
  cancel_scope_end (child);
  cancel_scope_end (parent);
}

/* ------------------------------------------------------------------ */
/* Rule 4: started/finished/progress/notify on the owner thread */

typedef struct
{
  Latch ready;
  GThread *owner_thread;
  GMainContext *context;
  CancelScope *scope;
  int started;
  int finished;
  CancelStatus final_status;
  int progress;
  double last_fraction;
  int notify_reason;
  int wrong_thread;
  gboolean context_was_thread_default;
} Owner;

static void
check_owner (Owner *owner)
{
  if (g_thread_self () != owner->owner_thread || !g_main_context_is_owner (owner->context))
    owner->wrong_thread++;
}

static void
owner_on_started (CancelScope *scope,
                  Owner       *owner)
{
  check_owner (owner);
  owner->started++;
}

static void
owner_on_finished (CancelScope  *scope,
                   CancelStatus  status,
                   Owner        *owner)
{
  check_owner (owner);
  owner->finished++;
  owner->final_status = status;
}

static void
owner_on_progress (CancelScope *scope,
                   double       fraction,
                   const char  *message,
                   Owner       *owner)
{
  check_owner (owner);
  owner->progress++;
  owner->last_fraction = fraction;
}

static void
owner_on_notify_reason (CancelScope *scope,
                        GParamSpec  *pspec,
                        Owner       *owner)
{
  check_owner (owner);
  owner->notify_reason++;
}

static gpointer
owner_thread (gpointer data)
{
  Owner *owner = data;

  owner->owner_thread = g_thread_self ();
  owner->context = g_main_context_new ();
  g_main_context_push_thread_default (owner->context);
  owner->scope = new_private_scope (NULL, "Owned by a thread");
  owner->context_was_thread_default = cancel_scope_get_context (owner->scope) == owner->context;
  g_signal_connect (owner->scope, "started", G_CALLBACK (owner_on_started), owner);
  g_signal_connect (owner->scope, "finished", G_CALLBACK (owner_on_finished), owner);
  g_signal_connect (owner->scope, "progress", G_CALLBACK (owner_on_progress), owner);
  g_signal_connect (owner->scope, "notify::reason", G_CALLBACK (owner_on_notify_reason), owner);
  latch_set (&owner->ready);

  WAIT_UNTIL (owner->context, owner->finished > 0);
  drain (owner->context);

  g_assert_finalize_object (owner->scope);
  owner->scope = NULL;
  g_main_context_pop_thread_default (owner->context);
  g_main_context_unref (owner->context);
  return NULL;
}

/* Rule 4 */
static void
test_signals_on_owner_thread (void)
{
  Owner owner = { 0 };
  GThread *thread;

  latch_init (&owner.ready);
  thread = g_thread_new ("owner", owner_thread, &owner);
  latch_wait (&owner.ready);

  /* Every event is caused from this thread, which is not the owner. */
  cancel_scope_begin (owner.scope);
  cancel_scope_report_progress (owner.scope, 0.5, "Half");
  cancel_scope_cancel (owner.scope, CANCEL_REASON_SIGNAL, "Interrupted");
  cancel_scope_end (owner.scope);
  /* Nothing is emitted here, on the global default context. */
  drain (NULL);

  g_thread_join (thread);
  g_assert_true (owner.context_was_thread_default);
  g_assert_cmpint (owner.wrong_thread, ==, 0);
  g_assert_cmpint (owner.started, ==, 1);
  g_assert_cmpint (owner.finished, ==, 1);
  g_assert_cmpint (owner.final_status, ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (owner.progress, ==, 1);
  g_assert_cmpfloat (owner.last_fraction, ==, 0.5);
  g_assert_cmpint (owner.notify_reason, ==, 1);
  latch_clear (&owner.ready);
}

/* ------------------------------------------------------------------ */
/* Rule 6: a thread that sees the flag sees the reason */

typedef struct
{
  CancelScope *scope;
  pthread_barrier_t *barrier;
  CancelReason saw_reason;
  char *saw_message;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *reader = data;
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  pthread_barrier_wait (reader->barrier);
  while (!g_cancellable_is_cancelled (G_CANCELLABLE (reader->scope)))
    {
      if (g_get_monotonic_time () > guard)
        g_error ("The scope was never seen cancelled");
      g_thread_yield ();
    }
  reader->saw_reason = cancel_scope_get_reason (reader->scope);
  reader->saw_message = g_strdup (cancel_scope_get_message (reader->scope));
  return NULL;
}

#define N_READERS 2

/* Rule 6 */
static void
test_reason_visible_before_flag (void)
{
  pthread_barrier_t barrier;
  int round;

  pthread_barrier_init (&barrier, NULL, N_READERS + 1);
  for (round = 0; round < 200; round++)
    {
      CancelScope *parent = new_private_scope (NULL, "Parent");
      CancelScope *scope = new_private_scope (parent, "Watched");
      gboolean plain = round % 3 == 1;
      gboolean through_parent = round % 3 == 2;
      Reader readers[N_READERS];
      GThread *threads[N_READERS];
      int i;

      for (i = 0; i < N_READERS; i++)
        {
          readers[i] = (Reader) { scope, &barrier, CANCEL_REASON_NONE, NULL };
          threads[i] = g_thread_new ("reader", reader_thread, &readers[i]);
        }
      pthread_barrier_wait (&barrier);
      if (plain)
        g_cancellable_cancel (G_CANCELLABLE (scope));
      else if (through_parent)
        cancel_scope_cancel (parent, CANCEL_REASON_CONDITION, "Condition met");
      else
        cancel_scope_cancel (scope, CANCEL_REASON_ERROR, "Failed elsewhere");

      for (i = 0; i < N_READERS; i++)
        {
          g_thread_join (threads[i]);
          if (plain)
            g_assert_cmpint (readers[i].saw_reason, ==, CANCEL_REASON_MANUAL);
          else if (through_parent)
            g_assert_cmpint (readers[i].saw_reason, ==, CANCEL_REASON_PARENT);
          else
            {
              g_assert_cmpint (readers[i].saw_reason, ==, CANCEL_REASON_ERROR);
              g_assert_cmpstr (readers[i].saw_message, ==, "Failed elsewhere");
            }
          g_assert_nonnull (readers[i].saw_message);
          g_free (readers[i].saw_message);
        }
      g_assert_finalize_object (scope);
      g_assert_finalize_object (parent);
    }
  pthread_barrier_destroy (&barrier);
}

/* ------------------------------------------------------------------ */
/* Rules 2, 3, 5: cancel racing with end */

typedef struct
{
  CancelScope *scope;
  pthread_barrier_t *barrier;
  gboolean won;
} EndRacer;

static gpointer
cancel_racing_end_thread (gpointer data)
{
  EndRacer *racer = data;

  pthread_barrier_wait (racer->barrier);
  racer->won = cancel_scope_cancel (racer->scope, CANCEL_REASON_CONDITION, "Raced");
  return NULL;
}

/* Rules 2, 3, 5: either the cancel came first (it returns TRUE and the
 * scope ends CANCELLED) or the end did (the cancel returns FALSE and the
 * scope is COMPLETED without a reason). Never a mix. */
static void
test_cancel_vs_end_race (void)
{
  pthread_barrier_t barrier;
  int round, n_won = 0;

  pthread_barrier_init (&barrier, NULL, 2);
  for (round = 0; round < 300; round++)
    {
      CancelScope *scope = new_private_scope (NULL, "Racing end");
      EndRacer racer = { scope, &barrier, FALSE };
      GThread *thread;

      cancel_scope_begin (scope);
      thread = g_thread_new ("cancel", cancel_racing_end_thread, &racer);
      pthread_barrier_wait (&barrier);
      cancel_scope_end (scope);
      g_thread_join (thread);

      if (racer.won)
        {
          n_won++;
          g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
          g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_CONDITION);
        }
      else
        {
          g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
          g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
          g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
          g_assert_null (cancel_scope_dup_error (scope));
        }
      drain (NULL);
      g_assert_finalize_object (scope);
    }
  pthread_barrier_destroy (&barrier);
  g_test_message ("cancel won %d of 300 races with end", n_won);
}

/* ------------------------------------------------------------------ */
/* Rules 13, 15: progress and end from GTask workers */

#define N_TASKS 8
#define N_REPORTS 200

typedef struct
{
  CancelScope *scope;
  int started;
  int finished;
  CancelStatus final_status;
  int progress;
  double last_fraction;
  char *last_message;
  gboolean callback_done;
  gboolean callback_ok;
  CancelStatus status_in_callback;
} TaskRecord;

static void
record_started (CancelScope *scope,
                TaskRecord  *record)
{
  record->started++;
}

static void
record_finished (CancelScope  *scope,
                 CancelStatus  status,
                 TaskRecord   *record)
{
  record->finished++;
  record->final_status = status;
}

static void
record_progress (CancelScope *scope,
                 double       fraction,
                 const char  *message,
                 TaskRecord  *record)
{
  record->progress++;
  record->last_fraction = fraction;
  g_free (record->last_message);
  record->last_message = g_strdup (message);
}

/* GLib's thread pool hands a task over with futexes ThreadSanitizer cannot
 * see. The test's own data crosses with this mutex: locked and unlocked by
 * the caller after writing, and by the worker before reading. */
static pthread_mutex_t handoff_mutex = PTHREAD_MUTEX_INITIALIZER;

static void
handoff (void)
{
  pthread_mutex_lock (&handoff_mutex);
  pthread_mutex_unlock (&handoff_mutex);
}

static void
report_all (CancelScope *scope)
{
  int i;

  for (i = 0; i < N_REPORTS; i++)
    cancel_scope_report_progress (scope, (double) i / N_REPORTS, "Working");
  cancel_scope_report_progress (scope, 1.0, "Done");
}

/* Under cancel_scope_run_in_thread_async(): returning ends the scope. */
static void
scoped_worker (CancelScope *scope,
               gpointer     data)
{
  handoff ();
  report_all (scope);
}

/* A plain GTask whose worker runs the whole lifecycle of its scope. */
static void
lifecycle_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TaskRecord *record = task_data;

  handoff ();
  cancel_scope_begin (record->scope);
  report_all (record->scope);
  cancel_scope_end (record->scope);
  g_task_return_boolean (task, TRUE);
}

static void
task_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TaskRecord *record = user_data;

  record->status_in_callback = cancel_scope_get_status (record->scope);
  if (source_object == G_OBJECT (record->scope))
    record->callback_ok = cancel_scope_run_in_thread_finish (record->scope, result, NULL);
  else
    record->callback_ok = g_task_propagate_boolean (G_TASK (result), NULL);
  record->callback_done = TRUE;
}

static gboolean
all_done (TaskRecord *records)
{
  int i;

  for (i = 0; i < N_TASKS; i++)
    if (!records[i].callback_done || records[i].finished == 0
        || records[i].last_fraction != 1.0)
      return FALSE;
  return TRUE;
}

/* Rules 13, 15 */
static void
test_progress_and_end_from_task_workers (void)
{
  TaskRecord records[N_TASKS];
  int i;

  memset (records, 0, sizeof records);
  for (i = 0; i < N_TASKS; i++)
    {
      g_autoptr(GTask) task = NULL;
      TaskRecord *record = &records[i];

      record->scope = new_private_scope (NULL, "Task");
      record->last_fraction = -2;
      g_signal_connect (record->scope, "started", G_CALLBACK (record_started), record);
      g_signal_connect (record->scope, "finished", G_CALLBACK (record_finished), record);
      g_signal_connect (record->scope, "progress", G_CALLBACK (record_progress), record);
      if (i % 2 == 0)
        {
          handoff ();
          cancel_scope_run_in_thread_async (record->scope, CANCEL_RUN_FLAGS_NONE, scoped_worker,
                                            record, NULL, task_done, record);
        }
      else
        {
          task = g_task_new (NULL, NULL, task_done, record);
          g_task_set_task_data (task, record, NULL);
          handoff ();
          g_task_run_in_thread (task, lifecycle_worker);
        }
    }

  WAIT_UNTIL (NULL, all_done (records));
  drain (NULL);

  for (i = 0; i < N_TASKS; i++)
    {
      TaskRecord *record = &records[i];

      g_assert_true (record->callback_ok);
      g_assert_cmpint (record->status_in_callback, ==, CANCEL_STATUS_COMPLETED);
      g_assert_cmpint (record->started, ==, 1);
      g_assert_cmpint (record->finished, ==, 1);
      g_assert_cmpint (record->final_status, ==, CANCEL_STATUS_COMPLETED);
      g_assert_cmpint (record->progress, >=, 1);
      g_assert_cmpint (record->progress, <=, N_REPORTS + 1);
      g_assert_cmpfloat (record->last_fraction, ==, 1.0);
      g_assert_cmpstr (record->last_message, ==, "Done");
      g_assert_cmpfloat (cancel_scope_get_progress (record->scope), ==, 1.0);
      g_free (record->last_message);
      /* The pool thread drops its task (and the scope) a little after
       * the callback ran. */
      WAIT_UNTIL (NULL, g_atomic_int_get ((gint *) &G_OBJECT (record->scope)->ref_count) == 1);
      drain (NULL);
      g_assert_finalize_object (record->scope);
    }
}

/* ------------------------------------------------------------------ */
/* Rules 2, 7: many scopes with parents, begun, cancelled and ended from
 * several threads while the root is cancelled */

#define N_TREE_THREADS 4
#define N_TREE_CHILDREN 400

typedef struct
{
  CancelScope *root;
  pthread_barrier_t *barrier;
  gint *made;
  CancelScope *children[N_TREE_CHILDREN];
  gboolean own_cancel_won[N_TREE_CHILDREN];
  gboolean made_after_root_cancelled[N_TREE_CHILDREN];
} TreeWorker;

static gpointer
tree_worker_thread (gpointer data)
{
  TreeWorker *worker = data;
  int i;

  pthread_barrier_wait (worker->barrier);
  for (i = 0; i < N_TREE_CHILDREN; i++)
    {
      gboolean root_cancelled = g_cancellable_is_cancelled (G_CANCELLABLE (worker->root));
      CancelScope *child = new_private_scope (worker->root, "Child");

      worker->made_after_root_cancelled[i] = root_cancelled;
      worker->children[i] = child;
      cancel_scope_begin (child);

      if (i % 7 == 0)
        {
          /* A short-lived grandchild, finalized in this thread. */
          CancelScope *grandchild = new_private_scope (child, "Grandchild");

          cancel_scope_begin (grandchild);
          cancel_scope_end (grandchild);
          g_object_unref (grandchild);
        }
      if (i % 11 == 0)
        {
          /* A pending one dropped while the tree is busy. */
          g_object_unref (new_private_scope (child, "Dropped"));
        }
      if (i % 3 == 0)
        worker->own_cancel_won[i] = cancel_scope_cancel (child, CANCEL_REASON_ERROR, "Own");

      cancel_scope_end (child);
      g_atomic_int_inc (worker->made);
    }
  return NULL;
}

typedef struct
{
  CancelScope *root;
  pthread_barrier_t *barrier;
  gint *made;
} RootCanceller;

static gpointer
root_canceller_thread (gpointer data)
{
  RootCanceller *canceller = data;
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  pthread_barrier_wait (canceller->barrier);
  /* Cancel the root around the middle of the work. */
  while (g_atomic_int_get (canceller->made) < N_TREE_THREADS * N_TREE_CHILDREN / 2
         && g_get_monotonic_time () < guard)
    g_thread_yield ();
  g_assert_true (cancel_scope_cancel (canceller->root, CANCEL_REASON_SIGNAL, "Stop all"));
  return NULL;
}

/* Rules 2, 7 */
static void
test_concurrent_tree (void)
{
  CancelScope *root = new_private_scope (NULL, "Root");
  pthread_barrier_t barrier;
  TreeWorker *workers = g_new0 (TreeWorker, N_TREE_THREADS);
  GThread *threads[N_TREE_THREADS + 1];
  RootCanceller canceller;
  gint made = 0;
  int t, i, n_parent = 0, n_own = 0, n_completed = 0;

  pthread_barrier_init (&barrier, NULL, N_TREE_THREADS + 1);
  cancel_scope_begin (root);
  canceller = (RootCanceller) { root, &barrier, &made };
  for (t = 0; t < N_TREE_THREADS; t++)
    {
      workers[t].root = root;
      workers[t].barrier = &barrier;
      workers[t].made = &made;
      threads[t] = g_thread_new ("tree", tree_worker_thread, &workers[t]);
    }
  threads[N_TREE_THREADS] = g_thread_new ("root-canceller", root_canceller_thread, &canceller);
  for (t = 0; t <= N_TREE_THREADS; t++)
    g_thread_join (threads[t]);

  cancel_scope_end (root);
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_CANCELLED);

  for (t = 0; t < N_TREE_THREADS; t++)
    for (i = 0; i < N_TREE_CHILDREN; i++)
      {
        CancelScope *child = workers[t].children[i];
        CancelReason reason = cancel_scope_get_reason (child);
        CancelStatus status = cancel_scope_get_status (child);

        g_assert_true (cancel_status_is_final (status));
        g_assert_cmpint (cancel_scope_get_end_time (child), >=, cancel_scope_get_start_time (child));
        if (workers[t].made_after_root_cancelled[i])
          g_assert_cmpint (reason, ==, CANCEL_REASON_PARENT);
        if (workers[t].own_cancel_won[i])
          g_assert_cmpint (reason, ==, CANCEL_REASON_ERROR);

        switch (reason)
          {
          case CANCEL_REASON_NONE:
            n_completed++;
            g_assert_cmpint (status, ==, CANCEL_STATUS_COMPLETED);
            g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
            break;
          case CANCEL_REASON_PARENT:
            n_parent++;
            g_assert_cmpint (status, ==, CANCEL_STATUS_CANCELLED);
            g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_SIGNAL);
            g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
            break;
          case CANCEL_REASON_ERROR:
            n_own++;
            g_assert_true (workers[t].own_cancel_won[i]);
            g_assert_cmpint (status, ==, CANCEL_STATUS_CANCELLED);
            break;
          case CANCEL_REASON_MANUAL:
          case CANCEL_REASON_TIMEOUT:
          case CANCEL_REASON_SIGNAL:
          case CANCEL_REASON_CONDITION:
          case CANCEL_REASON_DISCONNECTED:
          default:
            g_assert_not_reached ();
          }
      }
  g_test_message ("%d completed, %d cancelled by the root, %d by themselves",
                  n_completed, n_parent, n_own);
  g_assert_cmpint (n_completed + n_parent + n_own, ==, N_TREE_THREADS * N_TREE_CHILDREN);

  drain (NULL);
  for (t = 0; t < N_TREE_THREADS; t++)
    for (i = 0; i < N_TREE_CHILDREN; i++)
      g_assert_finalize_object (workers[t].children[i]);
  g_assert_finalize_object (root);
  pthread_barrier_destroy (&barrier);
  g_free (workers);
}

/* ------------------------------------------------------------------ */
/* Rule 14: current scopes of several threads at once */

static gpointer
current_worker_thread (gpointer data)
{
  pthread_barrier_t *barrier = data;
  int i;

  pthread_barrier_wait (barrier);
  for (i = 0; i < 500; i++)
    {
      CancelScope *mine = new_private_scope (NULL, "Mine");
      CancelScope *child, *parent;

      cancel_scope_push_current (mine);
      g_assert_true (cancel_scope_get_current () == mine);
      child = cancel_scope_new ("Implicit");
      cancel_scope_pop_current (mine);
      g_assert_null (cancel_scope_get_current ());

      parent = cancel_scope_dup_parent (child);
      g_assert_true (parent == mine);
      g_object_unref (parent);
      g_object_unref (child);
      g_object_unref (mine);
    }
  return NULL;
}

/* Rule 14 */
static void
test_current_concurrent (void)
{
  pthread_barrier_t barrier;
  GThread *threads[4];
  int i;

  pthread_barrier_init (&barrier, NULL, G_N_ELEMENTS (threads));
  for (i = 0; i < (int) G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("current", current_worker_thread, &barrier);
  for (i = 0; i < (int) G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  pthread_barrier_destroy (&barrier);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Scope/threads/cancel-race-one-winner", test_cancel_race_one_winner);
  g_test_add_func ("/Cancel/Scope/threads/cancelled-in-cancelling-thread",
                   test_cancelled_in_cancelling_thread);
  g_test_add_func ("/Cancel/Scope/threads/signals-on-owner-thread", test_signals_on_owner_thread);
  g_test_add_func ("/Cancel/Scope/threads/reason-visible-before-flag", test_reason_visible_before_flag);
  g_test_add_func ("/Cancel/Scope/threads/cancel-vs-end-race", test_cancel_vs_end_race);
  g_test_add_func ("/Cancel/Scope/threads/progress-and-end-from-task-workers",
                   test_progress_and_end_from_task_workers);
  g_test_add_func ("/Cancel/Scope/threads/concurrent-tree", test_concurrent_tree);
  g_test_add_func ("/Cancel/Scope/threads/current-concurrent", test_current_concurrent);

  return g_test_run ();
}
