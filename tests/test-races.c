/* test-races.c: the races that broke the library, driven on purpose
 *
 * Each test releases the racing threads together with a barrier, over
 * many rounds, so that the interleaving that once broke a promise is
 * tried thousands of times instead of hoped for. Runs under
 * ThreadSanitizer (suite 'thread'); the test's own synchronisation is
 * pthread, which TSan sees.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>
#include <string.h>

#include <cancelable.h>

#include "cancel-test-util.h"

static guint
rounds (guint normal)
{
  const char *env = g_getenv ("CANCEL_TEST_ROUNDS_DIVISOR");
  guint divisor = env != NULL ? (guint) MAX (g_ascii_strtoull (env, NULL, 10), 1) : 1;

  return MAX (normal / divisor, 10);
}

/* Criticals a race makes legitimately (one of two crossed calls loses)
 * are counted, not fatal; any other stays fatal. */
static const char *expected_critical;
static int n_expected_criticals;

static gboolean
is_expected (const char *message)
{
  const char *expected = g_atomic_pointer_get (&expected_critical);

  return expected != NULL && strstr (message, expected) != NULL;
}

/* Not fatal... */
static gboolean
count_expected_critical (const char     *log_domain,
                         GLogLevelFlags  log_level,
                         const char     *message,
                         gpointer        user_data)
{
  return !is_expected (message);
}

/* ...and counted without the test harness's "Bail out!". */

static void
log_handler (const char     *log_domain,
             GLogLevelFlags  log_level,
             const char     *message,
             gpointer        user_data)
{
  if (is_expected (message))
    g_atomic_int_inc (&n_expected_criticals);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

/* GTest resets the fatal handler before each test case. */
static void
expect_critical (const char *message)
{
  g_atomic_pointer_set (&expected_critical, message);
  g_atomic_int_set (&n_expected_criticals, 0);
  g_test_log_set_fatal_handler (count_expected_critical, NULL);
}

/* ------------------------------------------------------------------ */
/* begin on one thread, end on another: never left live in the registry */

#define BEGIN_END_ROUNDS 20000

typedef struct
{
  pthread_barrier_t barrier;
  CancelScope      *scope;  /* this round's */
  CancelRegistry   *registry;
  guint             n_rounds;
  gboolean          yield;  /* under valgrind */
  int               done;
} BeginEnd;

/* Keeps the registry's lock busy (a snapshot of its history), which
 * stretches begin()'s window between publishing RUNNING and tracking. */
static gpointer
snapshot_thread (gpointer data)
{
  BeginEnd *shared = data;

  while (!g_atomic_int_get (&shared->done))
    g_ptr_array_unref (cancel_registry_find_by_status (shared->registry, CANCEL_STATUS_RUNNING));

  return NULL;
}

static gpointer
ender_thread (gpointer data)
{
  BeginEnd *shared = data;

  for (guint i = 0; i < shared->n_rounds; i++)
    {
      CancelScope *scope;

      pthread_barrier_wait (&shared->barrier);
      scope = shared->scope;
      /* End as soon as it is RUNNING: inside begin()'s window, before or
       * after it hands the scope to the registry. Under valgrind, which
       * runs one thread at a time, spinning only delays the thread that
       * begins: give it the turn. */
      while (cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING)
        if (shared->yield)
          g_thread_yield ();
      cancel_scope_end (scope);
      pthread_barrier_wait (&shared->barrier);
    }

  return NULL;
}

static void
test_begin_end_registry (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = NULL;
  g_autoptr(CancelRegistryStats) stats = NULL;
  BeginEnd shared = { 0, };
  GThread *ender, *snapshots;

  g_main_context_push_thread_default (context);
  registry = cancel_registry_new ();
  cancel_registry_set_history_limit (registry, 500);
  shared.registry = registry;
  shared.n_rounds = rounds (BEGIN_END_ROUNDS);
  shared.yield = g_getenv ("CANCEL_TEST_VALGRIND") != NULL;
  pthread_barrier_init (&shared.barrier, NULL, 2);
  ender = g_thread_new ("ender", ender_thread, &shared);
  snapshots = g_thread_new ("snapshots", snapshot_thread, &shared);

  for (guint i = 0; i < shared.n_rounds; i++)
    {
      CancelScope *scope = cancel_scope_new_full (NULL, "Raced", CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (scope, registry);
      shared.scope = scope;
      pthread_barrier_wait (&shared.barrier);
      cancel_scope_begin (scope);
      pthread_barrier_wait (&shared.barrier);
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
      g_object_unref (scope);
      if (i % 256 == 0)
        drain (context);
    }

  g_thread_join (ender);
  g_atomic_int_set (&shared.done, 1);
  g_thread_join (snapshots);
  drain (context);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);
  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING), ==, 0);
  g_assert_cmpuint (cancel_registry_stats_get_total_started (stats), ==, shared.n_rounds);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, shared.n_rounds);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED), ==, shared.n_rounds);

  pthread_barrier_destroy (&shared.barrier);
  g_main_context_pop_thread_default (context);
}

/* ------------------------------------------------------------------ */
/* set_parent (a, b) and set_parent (b, a) at once: one wins, no cycle */

#define CROSSED_ROUNDS 5000

typedef struct _Crossed Crossed;

struct _Crossed
{
  pthread_barrier_t barrier;
  CancelScope      *a;
  CancelScope      *b;
  guint             n_rounds;
  int               done;
  /* What the partner thread does in each round, released together with
   * the main thread's step by the barrier. */
  void            (*partner_step) (Crossed *shared);
};

static gpointer
partner_thread (gpointer data)
{
  Crossed *shared = data;

  for (guint i = 0; i < shared->n_rounds; i++)
    {
      pthread_barrier_wait (&shared->barrier);
      shared->partner_step (shared);
      pthread_barrier_wait (&shared->barrier);
    }

  return NULL;
}

/* Holds the tree lock in long stretches (walking up a deep chain for its
 * effective deadline), so that the two racers' steps interleave around
 * it: a check and a move in separate sections of the lock once let both
 * calls pass their checks. */
static gpointer
tree_lock_hammer_thread (gpointer data)
{
  Crossed *shared = data;
  CancelScope *scopes[2000];

  scopes[0] = new_private_scope (NULL, "Hammer");
  for (guint i = 1; i < G_N_ELEMENTS (scopes); i++)
    scopes[i] = new_private_scope (scopes[i - 1], NULL);
  while (!g_atomic_int_get (&shared->done))
    {
      cancel_scope_get_deadline (scopes[G_N_ELEMENTS (scopes) - 1]);
      /* Mutexes are not fair: without a pause the racers would starve. */
      g_usleep (50);
    }
  for (guint i = G_N_ELEMENTS (scopes); i > 0; i--)
    g_object_unref (scopes[i - 1]);

  return NULL;
}

static void
set_b_under_a (Crossed *shared)
{
  cancel_scope_set_parent (shared->b, shared->a);
}

static void
test_set_parent_crossed (void)
{
  Crossed shared = { 0, };
  GThread *thread, *hammer;

  shared.n_rounds = rounds (CROSSED_ROUNDS);
  expect_critical ("parent is not self or a descendant of self");
  pthread_barrier_init (&shared.barrier, NULL, 2);
  shared.partner_step = set_b_under_a;
  thread = g_thread_new ("crossed", partner_thread, &shared);
  hammer = g_thread_new ("hammer", tree_lock_hammer_thread, &shared);

  for (guint i = 0; i < shared.n_rounds; i++)
    {
      g_autoptr(CancelScope) parent_of_a = NULL;
      g_autoptr(CancelScope) parent_of_b = NULL;
      g_autoptr(GError) error = NULL;

      shared.a = new_private_scope (NULL, "a");
      shared.b = new_private_scope (NULL, "b");
      g_assert_true (cancel_scope_set_timeout (shared.a, 1000, &error));
      pthread_barrier_wait (&shared.barrier);
      cancel_scope_set_parent (shared.a, shared.b);
      pthread_barrier_wait (&shared.barrier);

      /* Exactly one of the two moves happened. */
      parent_of_a = cancel_scope_dup_parent (shared.a);
      parent_of_b = cancel_scope_dup_parent (shared.b);
      g_assert_true ((parent_of_a == shared.b) != (parent_of_b == shared.a));
      g_assert_cmpint (g_atomic_int_get (&n_expected_criticals), ==, i + 1);
      /* Walking up terminates (a cycle spun here forever under the tree lock). */
      g_assert_cmpint (cancel_scope_get_deadline (shared.b), !=, 0);
      g_assert_cmpint (cancel_scope_get_deadline (shared.a), !=, 0);

      g_clear_object (&shared.a);
      g_clear_object (&shared.b);
    }

  g_thread_join (thread);
  g_atomic_int_set (&shared.done, 1);
  g_thread_join (hammer);
  pthread_barrier_destroy (&shared.barrier);
  expect_critical (NULL);
}

/* Two threads move the same scope under two parents at once. */
static void
set_a_under_b (Crossed *shared)
{
  cancel_scope_set_parent (shared->a, shared->b);
}

static void
test_set_parent_same_scope (void)
{
  Crossed shared = { 0, };
  GThread *thread, *hammer;

  shared.n_rounds = rounds (CROSSED_ROUNDS);
  pthread_barrier_init (&shared.barrier, NULL, 2);
  shared.partner_step = set_a_under_b;
  thread = g_thread_new ("same-scope", partner_thread, &shared);
  hammer = g_thread_new ("hammer", tree_lock_hammer_thread, &shared);

  for (guint i = 0; i < shared.n_rounds; i++)
    {
      g_autoptr(CancelScope) other = new_private_scope (NULL, "Other parent");
      g_autoptr(CancelScope) parent = NULL;

      shared.a = new_private_scope (NULL, "Moved");
      shared.b = new_private_scope (NULL, "Parent");
      pthread_barrier_wait (&shared.barrier);
      cancel_scope_set_parent (shared.a, other);
      pthread_barrier_wait (&shared.barrier);

      /* The last move wins; the scope is in exactly one parent's list. */
      parent = cancel_scope_dup_parent (shared.a);
      g_assert_true (parent == other || parent == shared.b);
      cancel_scope_cancel (parent == other ? shared.b : other, CANCEL_REASON_MANUAL, NULL);
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shared.a)));
      cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (shared.a)));

      g_clear_object (&shared.a);
      g_clear_object (&shared.b);
    }

  g_thread_join (thread);
  g_atomic_int_set (&shared.done, 1);
  g_thread_join (hammer);
  pthread_barrier_destroy (&shared.barrier);
}

/* set_parent racing begin: moved before it began, or refused; never both. */
static void
begin_a (Crossed *shared)
{
  cancel_scope_begin (shared->a);
}

static void
test_set_parent_vs_begin (void)
{
  Crossed shared = { 0, };
  GThread *thread;
  guint moved = 0;

  shared.n_rounds = rounds (CROSSED_ROUNDS);
  expect_critical ("status == CANCEL_STATUS_PENDING");
  pthread_barrier_init (&shared.barrier, NULL, 2);
  shared.partner_step = begin_a;
  thread = g_thread_new ("begin", partner_thread, &shared);

  for (guint i = 0; i < shared.n_rounds; i++)
    {
      g_autoptr(CancelScope) parent = NULL;
      CancelScope *b = new_private_scope (NULL, "b");

      cancel_scope_begin (b);
      shared.a = new_private_scope (NULL, "a");
      pthread_barrier_wait (&shared.barrier);
      cancel_scope_set_parent (shared.a, b);
      pthread_barrier_wait (&shared.barrier);

      parent = cancel_scope_dup_parent (shared.a);
      if (parent == b)
        moved++;
      g_assert_cmpint (moved + g_atomic_int_get (&n_expected_criticals), ==, i + 1);

      /* Cancelling b reaches a exactly when a was moved under it. */
      cancel_scope_cancel (b, CANCEL_REASON_MANUAL, NULL);
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (shared.a)) == (parent == b));

      cancel_scope_end (shared.a);
      cancel_scope_end (b);
      g_clear_object (&shared.a);
      g_object_unref (b);
    }

  g_test_message ("moved before begin in %u of %u rounds", moved, shared.n_rounds);
  g_thread_join (thread);
  pthread_barrier_destroy (&shared.barrier);
  expect_critical (NULL);
}

/* ------------------------------------------------------------------ */
/* The history model changes only on the registry's thread */

#define HISTORY_THREADS 4
#define HISTORY_ROUNDS  3000

typedef struct
{
  CancelRegistry   *registry;
  pthread_barrier_t barrier;
  int               running;
  guint             n_rounds;
} HistoryShared;

static gpointer
history_thread (gpointer data)
{
  HistoryShared *shared = data;

  pthread_barrier_wait (&shared->barrier);
  for (guint i = 0; i < shared->n_rounds; i++)
    {
      CancelScope *scope = cancel_scope_new_full (NULL, "Worker", CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (scope, shared->registry);
      cancel_scope_begin (scope);
      cancel_scope_end (scope);
      g_object_unref (scope);
      /* Let the registry's thread publish the history first: only then
       * has a change here something to emit. */
      g_usleep (20);
      /* Each of these changes the history from this thread: the model
       * must catch up on the registry's thread, not here. */
      if (i % 3 == 0)
        cancel_registry_clear_history (shared->registry);
      else
        cancel_registry_set_history_limit (shared->registry, 5 + i % 7);
    }
  g_atomic_int_dec_and_test (&shared->running);

  return NULL;
}

typedef struct
{
  GThread *owner;
  int      n_foreign;
  guint    n_emissions;
} ThreadCheck;

static void
check_thread_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 ThreadCheck *check)
{
  check->n_emissions++;
  if (g_thread_self () != check->owner)
    g_atomic_int_inc (&check->n_foreign);
}

static void
test_history_on_owner_thread (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = NULL;
  HistoryShared shared = { 0, };
  ThreadCheck live_check = { g_thread_self (), 0, 0 };
  ThreadCheck history_check = { g_thread_self (), 0, 0 };
  GThread *threads[HISTORY_THREADS];

  /* Pushed only to make the registry: a pushed context stays acquired by
   * this thread, and the race needs it free between iterations. */
  g_main_context_push_thread_default (context);
  registry = cancel_registry_new ();
  g_main_context_pop_thread_default (context);
  g_signal_connect (registry, "items-changed", G_CALLBACK (check_thread_cb), &live_check);
  g_signal_connect (cancel_registry_get_history (registry), "items-changed",
                    G_CALLBACK (check_thread_cb), &history_check);

  shared.registry = registry;
  shared.running = HISTORY_THREADS;
  shared.n_rounds = rounds (HISTORY_ROUNDS);
  pthread_barrier_init (&shared.barrier, NULL, HISTORY_THREADS);
  for (guint i = 0; i < HISTORY_THREADS; i++)
    threads[i] = g_thread_new ("history", history_thread, &shared);

  /* Between two iterations any thread can acquire the context: that must
   * not make it the registry's thread. Like a busy application, leave
   * gaps between iterations. */
  while (g_atomic_int_get (&shared.running) > 0)
    {
      g_main_context_iteration (context, FALSE);
      for (guint spin = 0; spin < 20; spin++)
        g_thread_yield ();
    }
  for (guint i = 0; i < HISTORY_THREADS; i++)
    g_thread_join (threads[i]);
  drain (context);

  g_test_message ("%u live and %u history emissions", live_check.n_emissions, history_check.n_emissions);
  g_assert_cmpuint (history_check.n_emissions, >, 0);
  g_assert_cmpint (live_check.n_foreign, ==, 0);
  g_assert_cmpint (history_check.n_foreign, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);

  pthread_barrier_destroy (&shared.barrier);
}

/* ------------------------------------------------------------------ */
/* `started` and `finished` reach a handler connected after another
 * thread began and ended the scope, before the owner context ran */

#define LATE_ROUNDS 1000

static gpointer
begin_end_thread (gpointer data)
{
  CancelScope *scope = data;

  cancel_scope_begin (scope);
  cancel_scope_end (scope);
  return NULL;
}

static void
count_cb (CancelScope *scope,
          guint       *count)
{
  (*count)++;
}

static void
count_finished_cb (CancelScope  *scope,
                   CancelStatus  status,
                   guint        *count)
{
  g_assert_cmpint (status, ==, CANCEL_STATUS_COMPLETED);
  (*count)++;
}

static void
test_started_connected_late (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  guint n = rounds (LATE_ROUNDS);

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < n; i++)
    {
      CancelScope *scope = new_private_scope (NULL, "Late");
      guint started = 0, finished = 0;

      /* Nobody watches while the other thread begins and ends it. */
      g_thread_join (g_thread_new ("begin-end", begin_end_thread, scope));
      g_signal_connect (scope, "started", G_CALLBACK (count_cb), &started);
      g_signal_connect (scope, "finished", G_CALLBACK (count_finished_cb), &finished);

      WAIT_UNTIL (context, finished == 1);
      drain (context);
      g_assert_cmpuint (started, ==, 1);
      g_assert_cmpuint (finished, ==, 1);
      g_assert_finalize_object (scope);
    }
  g_main_context_pop_thread_default (context);
}

/* ------------------------------------------------------------------ */
/* dup_registry while another thread ends the scope */

static void
dup_registry_of_a (Crossed *shared)
{
  for (guint j = 0; j < 64; j++)
    {
      CancelRegistry *registry = cancel_scope_dup_registry (shared->a);

      /* Either the live registry, with a reference of our own, or none
       * once end() dropped the scope's. */
      if (registry != NULL)
        {
          g_assert_true (CANCEL_IS_REGISTRY (registry));
          g_assert_nonnull (cancel_registry_get_context (registry));
          g_object_unref (registry);
        }
    }
}

static void
test_dup_registry_vs_end (void)
{
  Crossed shared = { 0, };
  GThread *thread;

  shared.n_rounds = rounds (CROSSED_ROUNDS);
  pthread_barrier_init (&shared.barrier, NULL, 2);
  shared.partner_step = dup_registry_of_a;
  thread = g_thread_new ("dup-registry", partner_thread, &shared);

  for (guint i = 0; i < shared.n_rounds; i++)
    {
      CancelRegistry *registry = cancel_registry_new ();

      shared.a = cancel_scope_new_full (NULL, "Owned registry", CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (shared.a, registry);
      cancel_scope_begin (shared.a);
      cancel_registry_set_history_limit (registry, 0);
      /* From here the scope holds the only reference on the registry. */
      g_object_unref (registry);
      pthread_barrier_wait (&shared.barrier);
      cancel_scope_end (shared.a);
      pthread_barrier_wait (&shared.barrier);
      g_clear_object (&shared.a);
      drain (NULL);
    }

  g_thread_join (thread);
  pthread_barrier_destroy (&shared.barrier);
}

/* ------------------------------------------------------------------ */
/* A handler that blocks holds up no other scope's deadline */

typedef struct
{
  Latch  released;
  gint64 fired_at;
  int    returned;
} Blocker;

static void
block_until_released_cb (GCancellable *cancellable,
                         Blocker      *blocker)
{
  /* Without firing threads this held the only thread that fires
   * deadlines, and the latch was never set: the wait timed out. */
  latch_wait (&blocker->released);
  g_atomic_int_set (&blocker->returned, 1);
}

static void
release_cb (GCancellable *cancellable,
            Blocker      *blocker)
{
  blocker->fired_at = g_get_monotonic_time ();
  latch_set (&blocker->released);
}

static void
test_slow_handler_deadline (void)
{
  g_autoptr(CancelScope) slow = new_private_scope (NULL, "Slow handler");
  g_autoptr(CancelScope) other = new_private_scope (NULL, "On time");
  g_autoptr(GError) error = NULL;
  Blocker blocker = { 0, };
  gint64 due;

  latch_init (&blocker.released);
  g_signal_connect (slow, "cancelled", G_CALLBACK (block_until_released_cb), &blocker);
  g_signal_connect (other, "cancelled", G_CALLBACK (release_cb), &blocker);
  g_assert_true (cancel_scope_set_timeout (slow, 0.001, &error));
  g_assert_true (cancel_scope_set_timeout (other, 0.05, &error));
  g_assert_no_error (error);
  due = cancel_scope_get_own_deadline (other);

  latch_wait (&blocker.released);
  g_test_message ("the other deadline fired %.1f ms after its time, while a handler blocked",
                  (blocker.fired_at - due) / 1000.0);
  g_assert_cmpint (cancel_scope_get_reason (other), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_reason (slow), ==, CANCEL_REASON_TIMEOUT);

  WAIT_UNTIL (NULL, g_atomic_int_get (&blocker.returned));
  latch_clear (&blocker.released);
}

static gboolean
condition_blocks_cb (gpointer data)
{
  Blocker *blocker = data;

  latch_wait (&blocker->released);
  return TRUE;
}

/* A condition function that blocks the worker delays no deadline: timers
 * have a thread of their own. */
static void
test_slow_condition_deadline (void)
{
  g_autoptr(CancelScope) slow = new_private_scope (NULL, "Slow condition");
  g_autoptr(CancelScope) other = new_private_scope (NULL, "On time");
  g_autoptr(CancelSource) condition = NULL;
  g_autoptr(GError) error = NULL;
  Blocker blocker = { 0, };

  latch_init (&blocker.released);
  condition = cancel_source_new_condition (NULL, 0.001, NULL, condition_blocks_cb, &blocker, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cancel_scope_add_source (slow, condition));
  g_signal_connect (other, "cancelled", G_CALLBACK (release_cb), &blocker);
  g_assert_true (cancel_scope_set_timeout (other, 0.05, &error));

  g_assert_no_error (error);

  latch_wait (&blocker.released);
  g_assert_cmpint (cancel_scope_get_reason (other), ==, CANCEL_REASON_TIMEOUT);
  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (slow)));
  g_assert_cmpint (cancel_scope_get_reason (slow), ==, CANCEL_REASON_CONDITION);
  latch_clear (&blocker.released);
}

/* ------------------------------------------------------------------ */
/* Handlers of deadlines due together block until all have entered */

#define N_TOGETHER 8

typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  int             entered;
  int             left;
} Rendezvous;

static void
meet_all_cb (GCancellable *cancellable,
             Rendezvous   *rendezvous)
{
  struct timespec guard;

  clock_gettime (CLOCK_REALTIME, &guard);
  guard.tv_sec += GUARD_SECONDS;
  pthread_mutex_lock (&rendezvous->mutex);
  rendezvous->entered++;
  pthread_cond_broadcast (&rendezvous->cond);
  /* Due timers are handed to the firing threads as one batch: had no
   * other thread been woken for the rest while this one blocks, the
   * count would never reach N_TOGETHER. */
  while (rendezvous->entered < N_TOGETHER)
    if (pthread_cond_timedwait (&rendezvous->cond, &rendezvous->mutex, &guard) == ETIMEDOUT)
      g_error ("Only %d of %d handlers of one batch of deadlines ran while one blocked",
               rendezvous->entered, N_TOGETHER);
  rendezvous->left++;
  pthread_cond_broadcast (&rendezvous->cond);
  pthread_mutex_unlock (&rendezvous->mutex);
}

static void
test_batch_handlers_block (void)
{
  guint n_rounds = rounds (50);

  for (guint round = 0; round < n_rounds; round++)
    {
      CancelScope *scopes[N_TOGETHER];
      Rendezvous rendezvous = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
      struct timespec guard;
      gint64 deadline = g_get_monotonic_time () + 2000;

      for (guint i = 0; i < N_TOGETHER; i++)
        {
          g_autoptr(GError) error = NULL;

          scopes[i] = new_private_scope (NULL, "Due together");
          g_signal_connect (scopes[i], "cancelled", G_CALLBACK (meet_all_cb), &rendezvous);
          g_assert_true (cancel_scope_set_deadline (scopes[i], deadline, &error));
          g_assert_no_error (error);
        }

      clock_gettime (CLOCK_REALTIME, &guard);
      guard.tv_sec += GUARD_SECONDS;
      pthread_mutex_lock (&rendezvous.mutex);
      while (rendezvous.left < N_TOGETHER)
        if (pthread_cond_timedwait (&rendezvous.cond, &rendezvous.mutex, &guard) == ETIMEDOUT)
          g_error ("%d of %d handlers of deadlines due together returned", rendezvous.left, N_TOGETHER);
      pthread_mutex_unlock (&rendezvous.mutex);

      for (guint i = 0; i < N_TOGETHER; i++)
        g_assert_cmpint (cancel_scope_get_reason (scopes[i]), ==, CANCEL_REASON_TIMEOUT);

      for (guint i = 0; i < N_TOGETHER; i++)
        {
          g_signal_handlers_disconnect_by_data (scopes[i], &rendezvous);
          g_object_unref (scopes[i]);
        }
      pthread_cond_destroy (&rendezvous.cond);
      pthread_mutex_destroy (&rendezvous.mutex);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_handler ("Cancel", G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL, log_handler, NULL);

  g_test_add_func ("/Cancel/Races/begin-end-registry", test_begin_end_registry);
  g_test_add_func ("/Cancel/Races/set-parent-crossed", test_set_parent_crossed);
  g_test_add_func ("/Cancel/Races/set-parent-same-scope", test_set_parent_same_scope);
  g_test_add_func ("/Cancel/Races/set-parent-vs-begin", test_set_parent_vs_begin);
  g_test_add_func ("/Cancel/Races/history-on-owner-thread", test_history_on_owner_thread);
  g_test_add_func ("/Cancel/Races/started-connected-late", test_started_connected_late);
  g_test_add_func ("/Cancel/Races/dup-registry-vs-end", test_dup_registry_vs_end);
  g_test_add_func ("/Cancel/Races/slow-handler-deadline", test_slow_handler_deadline);
  g_test_add_func ("/Cancel/Races/slow-condition-deadline", test_slow_condition_deadline);
  g_test_add_func ("/Cancel/Races/batch-handlers-block", test_batch_handlers_block);

  return g_test_run ();
}
