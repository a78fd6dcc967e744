/* test-registry-threads.c: a registry fed from many threads (rule 18)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>

#include <cancelable.h>

#include "cancel-lock-private.h"

/* A failure guard only. */
#define TIMEOUT_US (120 * G_USEC_PER_SEC)

#define N_THREADS 4
#define N_LIFECYCLES_NORMAL 5000
#define WINDOW 8
#define HISTORY_LIMIT 200

/* A copy of a list model kept up to date from items-changed alone, and
 * compared with get_item after every emission. */
typedef struct
{
  GListModel   *model;
  GMainContext *context;
  GPtrArray    *items;
  guint         n_emissions;
  gulong        handler;
} Shadow;

static void
shadow_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Shadow     *shadow)
{
  GPtrArray *items = g_ptr_array_new_full (shadow->items->len - removed + added, g_object_unref);
  guint i, n;

  g_assert_true (g_main_context_is_owner (shadow->context));
  g_assert_cmpuint (removed + added, >, 0);
  g_assert_cmpuint (position + removed, <=, shadow->items->len);

  for (i = 0; i < position; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (shadow->items, i)));
  for (i = 0; i < added; i++)
    {
      gpointer item = g_list_model_get_item (model, position + i);

      g_assert_true (CANCEL_IS_SCOPE (item));
      g_ptr_array_add (items, item);
    }
  for (i = position + removed; i < shadow->items->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (shadow->items, i)));
  g_ptr_array_unref (shadow->items);
  shadow->items = items;
  shadow->n_emissions++;

  /* Exactly what get_item says, item by item. */
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, items->len);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (items, i));
    }
}

static void
shadow_init (Shadow       *shadow,
             GListModel   *model,
             GMainContext *context)
{
  shadow->model = model;
  shadow->context = context;
  shadow->items = g_ptr_array_new_with_free_func (g_object_unref);
  shadow->n_emissions = 0;
  shadow->handler = g_signal_connect (model, "items-changed",
                                      G_CALLBACK (shadow_items_changed), shadow);
}

static void
shadow_clear (Shadow *shadow)
{
  g_clear_signal_handler (&shadow->handler, shadow->model);
  g_clear_pointer (&shadow->items, g_ptr_array_unref);
}

static void
drain (GMainContext *context)
{
  guint guard = 0;

  while (g_main_context_iteration (context, FALSE))
    g_assert_cmpuint (++guard, <, 100000);
}

static gboolean
check_deadline (gpointer data)
{
  gint64 *deadline = data;

  g_assert_cmpint (g_get_monotonic_time (), <, *deadline);
  return G_SOURCE_CONTINUE;
}

/* Runs @context until *@running drops to zero; the threads wake it when
 * they are done, and a periodic guard fails the test if it takes far
 * too long. */
static void
run_until_done (GMainContext *context,
                gint         *running)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_US;
  GSource *guard = g_timeout_source_new (200);

  g_source_set_callback (guard, check_deadline, &deadline, NULL);
  g_source_attach (guard, context);

  while (g_atomic_int_get (running) > 0)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (guard);
  g_source_unref (guard);
}

typedef struct
{
  CancelRegistry *registry;
  GMainContext   *context;
  gint            running;  /* atomic */
  guint64         max_id;   /* highest id begun by any thread; id_lock */
} FeedShared;

typedef struct
{
  FeedShared *shared;
  guint       seed;
  /* Every scope the thread made, released by the main thread after the
   * join: GObject's reference counting is invisible to ThreadSanitizer
   * (GLib is not instrumented), so a scope read here and finalized by the
   * main thread meanwhile would be reported as a race. */
  GPtrArray  *keep;
} FeedData;

static CancelMutex id_lock = CANCEL_MUTEX_INIT;

/* Lifecycles per feed thread: CANCEL_TEST_ROUNDS_DIVISOR shrinks them for
 * valgrind, which checks memory, not throughput (the full count took
 * over two minutes there on a loaded 2-core machine). */
static guint
n_lifecycles (void)
{
  const char *env = g_getenv ("CANCEL_TEST_ROUNDS_DIVISOR");
  guint divisor = env != NULL ? (guint) MAX (g_ascii_strtoull (env, NULL, 10), 1) : 1;

  return MAX (N_LIFECYCLES_NORMAL / divisor, 250);
}

static void
note_id (FeedShared *shared,
         guint64     id)
{
  cancel_mutex_lock (&id_lock);
  shared->max_id = MAX (shared->max_id, id);
  cancel_mutex_unlock (&id_lock);
}

static guint64
read_max_id (FeedShared *shared)
{
  guint64 id;

  cancel_mutex_lock (&id_lock);
  id = shared->max_id;
  cancel_mutex_unlock (&id_lock);
  return id;
}

static gpointer
feed_thread (gpointer user_data)
{
  FeedData *data = user_data;
  FeedShared *shared = data->shared;
  g_autoptr(GRand) rand = g_rand_new_with_seed (data->seed);
  CancelScope *window[WINDOW] = { NULL, };
  guint n_window = 0;
  guint n_begun = 0;
  guint n_ops = 0;
  guint n_total = n_lifecycles ();

  while (n_begun < n_total || n_window > 0)
    {
      gboolean begin = n_begun < n_total &&
                       (n_window == 0 || (n_window < WINDOW && g_rand_boolean (rand)));

      n_ops++;
      if (begin)
        {
          CancelScope *scope = cancel_scope_new_full (NULL, (n_begun % 2) ? "Odd" : "Even", CANCEL_SCOPE_FLAGS_NONE);
          g_autoptr(CancelScope) found = NULL;

          cancel_scope_set_registry (scope, shared->registry);
          cancel_scope_begin (scope);

          /* Found at once, from this thread, before any publish. */
          found = cancel_registry_lookup (shared->registry, cancel_scope_get_id (scope));
          g_assert_true (found == scope);
          note_id (shared, cancel_scope_get_id (scope));

          window[n_window++] = scope;
          n_begun++;
        }
      else
        {
          guint i = g_rand_int_range (rand, 0, n_window);
          CancelScope *scope = window[i];

          window[i] = window[--n_window];
          if (g_rand_int_range (rand, 0, 4) == 0)
            cancel_registry_cancel (shared->registry, cancel_scope_get_id (scope),
                                    CANCEL_REASON_MANUAL, NULL);
          cancel_scope_end (scope);
          g_ptr_array_add (data->keep, scope);
        }

      /* Look-ups of anyone's scopes, live, finished or evicted. */
      if (n_ops % 7 == 0)
        {
          guint64 max_id = read_max_id (shared);
          guint64 id = max_id - (guint64) g_rand_int_range (rand, 0, 64);
          g_autoptr(CancelScope) found = cancel_registry_lookup (shared->registry, id);

          if (found != NULL)
            g_assert_cmpuint (cancel_scope_get_id (found), ==, id);
        }
      if (n_ops % 97 == 0)
        {
          g_autoptr(GPtrArray) odd = cancel_registry_find_by_name (shared->registry, "odd");
          g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (shared->registry);
          guint i;

          for (i = 0; i < odd->len; i++)
            g_assert_cmpstr (cancel_scope_get_name (g_ptr_array_index (odd, i)), ==, "Odd");
          g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), <=,
                            cancel_registry_stats_get_total_started (stats));
        }
    }

  if (g_atomic_int_dec_and_test (&shared->running))
    g_main_context_wakeup (shared->context);
  return NULL;
}

/* A registry on @context, with the history limit of these tests. */
static CancelRegistry *
registry_new_on (GMainContext *context)
{
  CancelRegistry *registry;

  g_main_context_push_thread_default (context);
  registry = cancel_registry_new ();
  g_main_context_pop_thread_default (context);
  cancel_registry_set_history_limit (registry, HISTORY_LIMIT);
  return registry;
}

/* N_THREADS feed threads on one registry. */
typedef struct
{
  FeedShared shared;
  FeedData   data[N_THREADS];
  GThread   *threads[N_THREADS];
} Feeders;

static void
feeders_start (Feeders        *feeders,
               CancelRegistry *registry,
               GMainContext   *context,
               guint           first_seed)
{
  guint i;

  feeders->shared.registry = registry;
  feeders->shared.context = context;
  feeders->shared.running = N_THREADS;
  for (i = 0; i < N_THREADS; i++)
    {
      feeders->data[i].shared = &feeders->shared;
      feeders->data[i].seed = first_seed + i;
      feeders->data[i].keep = g_ptr_array_new_with_free_func (g_object_unref);
      feeders->threads[i] = g_thread_new ("feed", feed_thread, &feeders->data[i]);
    }
}

/* Runs the registry's context until the feeders are done, and joins them.
 * Their scopes stay alive until feeders_release(). */
static void
feeders_finish (Feeders *feeders)
{
  guint i;

  run_until_done (feeders->shared.context, &feeders->shared.running);
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (feeders->threads[i]);
}

static void
feeders_release (Feeders *feeders)
{
  guint i;

  for (i = 0; i < N_THREADS; i++)
    g_clear_pointer (&feeders->data[i].keep, g_ptr_array_unref);
}

/* Rule 18: four threads begin and end scopes while the registry's own
 * thread runs its context; every items-changed agrees with get_item. */
static void
test_feed (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = NULL;
  g_autoptr(CancelRegistryStats) stats = NULL;
  g_autoptr(CancelScope) sentinel = cancel_scope_new_full (NULL, "Sentinel", CANCEL_SCOPE_FLAGS_NONE);
  GListModel *live, *history;
  Shadow live_shadow, history_shadow;
  Feeders feeders = { 0, };

  registry = registry_new_on (context);
  live = G_LIST_MODEL (registry);
  history = cancel_registry_get_history (registry);
  shadow_init (&live_shadow, live, context);
  shadow_init (&history_shadow, history, context);

  /* Published before and after the feeders: the live model changes at
   * least twice even if a loaded machine runs every feeder's lifecycles
   * between two iterations of the context (each then nets to nothing,
   * and the assertion below failed once in 20 TSan runs). */
  cancel_scope_set_registry (sentinel, registry);
  cancel_scope_begin (sentinel);
  drain (context);

  feeders_start (&feeders, registry, context, 1);
  feeders_finish (&feeders);
  cancel_scope_end (sentinel);
  drain (context);
  feeders_release (&feeders);

  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 0);
  g_assert_cmpuint (live_shadow.items->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, HISTORY_LIMIT);
  g_assert_cmpuint (history_shadow.items->len, ==, HISTORY_LIMIT);
  g_assert_cmpuint (live_shadow.n_emissions, >, 0);
  g_test_message ("%u live and %u history emissions for %u lifecycles",
                  live_shadow.n_emissions, history_shadow.n_emissions,
                  N_THREADS * n_lifecycles ());

  /* The feeders' lifecycles and the sentinel's. */
  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_total_started (stats), ==, N_THREADS * n_lifecycles () + 1);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, N_THREADS * n_lifecycles () + 1);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED) +
                    cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED),
                    ==, N_THREADS * n_lifecycles () + 1);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING), ==, 0);

  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  cancel_registry_clear_history (registry);
  drain (context);
}

typedef struct
{
  CancelRegistry *registry;
  CancelMutex     lock;
  CancelCond      cond;
  guint           n_ready;
  gboolean        go;
} CancelAllData;

#define SCOPES_PER_THREAD 16

static gpointer
cancel_all_thread (gpointer user_data)
{
  CancelAllData *data = user_data;
  CancelScope *scopes[SCOPES_PER_THREAD];
  guint i;

  for (i = 0; i < SCOPES_PER_THREAD; i++)
    {
      scopes[i] = cancel_scope_new_full (NULL, "Worker", CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (scopes[i], data->registry);
      cancel_scope_begin (scopes[i]);
    }

  cancel_mutex_lock (&data->lock);
  data->n_ready++;
  cancel_cond_broadcast (&data->cond);
  while (!data->go)
    cancel_cond_wait (&data->cond, &data->lock);
  cancel_mutex_unlock (&data->lock);

  for (i = 0; i < SCOPES_PER_THREAD; i++)
    {
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scopes[i])));
      cancel_scope_end (scopes[i]);
      g_assert_cmpint (cancel_scope_get_status (scopes[i]), ==, CANCEL_STATUS_CANCELLED);
      g_object_unref (scopes[i]);
    }
  return NULL;
}

/* Rule 19: scopes begun in other threads are cancelled, and counted
 * exactly, by one cancel_all from this thread. */
static void
test_cancel_all_threads (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistryStats) stats = NULL;
  GThread *threads[N_THREADS];
  CancelAllData data = { 0, };
  guint i;

  g_main_context_push_thread_default (context);
  data.registry = cancel_registry_new ();
  g_main_context_pop_thread_default (context);
  cancel_mutex_init (&data.lock);
  cancel_cond_init (&data.cond);

  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("cancel-all", cancel_all_thread, &data);

  cancel_mutex_lock (&data.lock);
  while (data.n_ready < N_THREADS)
    cancel_cond_wait (&data.cond, &data.lock);
  cancel_mutex_unlock (&data.lock);

  g_assert_cmpuint (cancel_registry_cancel_all (data.registry, CANCEL_REASON_SIGNAL, "Quit"),
                    ==, N_THREADS * SCOPES_PER_THREAD);

  cancel_mutex_lock (&data.lock);
  data.go = TRUE;
  cancel_cond_broadcast (&data.cond);
  cancel_mutex_unlock (&data.lock);

  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  drain (context);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (data.registry)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cancel_registry_get_history (data.registry)),
                    ==, N_THREADS * SCOPES_PER_THREAD);
  stats = cancel_registry_get_stats (data.registry);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED), ==, N_THREADS * SCOPES_PER_THREAD);
  g_assert_cmpint (cancel_registry_stats_get_max_cancel_latency (stats), >=, cancel_registry_stats_get_average_cancel_latency (stats));

  cancel_registry_clear_history (data.registry);
  drain (context);
  g_object_unref (data.registry);
  cancel_cond_clear (&data.cond);
  cancel_mutex_clear (&data.lock);
}

typedef struct
{
  FeedShared *shared;
  guint       n_rounds;
  guint       n_found;
} QueryData;

/* Asks the history queries again and again while other threads feed the
 * registry and its own thread publishes and churns the history limit:
 * every answer must be coherent (the queries read the index under its
 * lock, never the history model the context thread is changing). */
static gpointer
query_thread (gpointer user_data)
{
  QueryData *data = user_data;
  CancelRegistry *registry = data->shared->registry;

  while (data->n_rounds < 100 || g_atomic_int_get (&data->shared->running) > 0)
    {
      gint64 since = g_get_monotonic_time () - 2000;
      g_autoptr(GPtrArray) last = cancel_registry_find_last_finished (registry, 16);
      g_autoptr(GPtrArray) completed = cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_COMPLETED);
      g_autoptr(GPtrArray) recent = cancel_registry_find_finished_since (registry, since);
      g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (registry);
      guint i, j;

      g_assert_cmpuint (last->len, <=, 16);
      for (i = 0; i < last->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (last, i);

          g_assert_true (cancel_status_is_final (cancel_scope_get_status (scope)));
          for (j = i + 1; j < last->len; j++)
            g_assert_true (g_ptr_array_index (last, j) != scope);
        }
      g_assert_cmpuint (completed->len, <=, HISTORY_LIMIT);
      for (i = 0; i < completed->len; i++)
        g_assert_cmpint (cancel_scope_get_status (g_ptr_array_index (completed, i)), ==,
                         CANCEL_STATUS_COMPLETED);
      g_assert_cmpuint (recent->len, <=, HISTORY_LIMIT);
      for (i = 0; i < recent->len; i++)
        g_assert_cmpint (cancel_scope_get_end_time (g_ptr_array_index (recent, i)), >=, since);
      g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), <=,
                        cancel_registry_stats_get_total_started (stats));

      data->n_found += last->len + completed->len + recent->len;
      data->n_rounds++;
    }

  return NULL;
}

/* On the registry's context: moves the history limit up and down, so the
 * history model is rewritten there while the queries run elsewhere. */
static gboolean
churn_limit (gpointer user_data)
{
  CancelRegistry *registry = user_data;
  guint limit = cancel_registry_get_history_limit (registry);

  cancel_registry_set_history_limit (registry, limit == HISTORY_LIMIT ? HISTORY_LIMIT / 4 : HISTORY_LIMIT);
  return G_SOURCE_CONTINUE;
}

/* Point 9: the history queries, from a worker thread, while four threads
 * feed the registry and its context thread publishes and churns. */
static void
test_queries_while_churning (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GListModel *history;
  GThread *querier;
  GSource *churn;
  Feeders feeders = { 0, };
  QueryData query = { 0, };
  guint i;

  registry = registry_new_on (context);
  history = cancel_registry_get_history (registry);

  churn = g_timeout_source_new (1);
  g_source_set_callback (churn, churn_limit, registry, NULL);
  g_source_attach (churn, context);

  feeders_start (&feeders, registry, context, 100);
  query.shared = &feeders.shared;
  querier = g_thread_new ("query", query_thread, &query);
  feeders_finish (&feeders);
  g_thread_join (querier);
  g_source_destroy (churn);
  g_source_unref (churn);
  cancel_registry_set_history_limit (registry, HISTORY_LIMIT);
  drain (context);
  g_test_message ("%u query rounds found %u scopes", query.n_rounds, query.n_found);
  g_assert_cmpuint (query.n_rounds, >=, 100);

  /* Once published, the model and the index agree. */
  all = cancel_registry_find_last_finished (registry, G_MAXUINT);
  g_assert_cmpuint (all->len, ==, g_list_model_get_n_items (history));
  for (i = 0; i < all->len; i++)
    {
      g_autoptr(CancelScope) item = g_list_model_get_item (history, i);

      g_assert_true (item == g_ptr_array_index (all, i));
    }
  g_clear_pointer (&all, g_ptr_array_unref);

  feeders_release (&feeders);
  cancel_registry_clear_history (registry);
  drain (context);
}

/* The registry's count of shielded scopes is kept by the scopes as their
 * status changes, not counted when asked: begin, set_shielded and end race
 * on three threads, released together by a barrier, while a fourth takes
 * statistics; after each round the count must be exact, so that a change
 * counted twice or lost shows in the next round. */
#define SHIELD_SCOPES 32

typedef struct
{
  pthread_barrier_t  barrier;
  CancelScope       *scopes[SHIELD_SCOPES];
  guint              n_ended;   /* the first n_ended scopes are ended */
  guint              seed;
  gboolean           stop;
  CancelRegistry    *registry;
} ShieldRound;

static void
wait_begun (CancelScope *scope)
{
  while (cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING)
    g_thread_yield ();
}

/* One round's work of each racing thread. */
static void
shield_begin (ShieldRound *round)
{
  for (guint i = 0; i < SHIELD_SCOPES; i++)
    cancel_scope_begin (round->scopes[i]);
}

static void
shield_toggle (ShieldRound *round)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (round->seed);

  for (guint i = 0; i < SHIELD_SCOPES; i++)
    {
      guint flips = g_rand_int_range (rand, 0, 4);

      for (guint f = 0; f < flips; f++)
        cancel_scope_set_shielded (round->scopes[i], !cancel_scope_get_shielded (round->scopes[i]));
    }
}

static void
shield_end (ShieldRound *round)
{
  for (guint i = 0; i < round->n_ended; i++)
    {
      wait_begun (round->scopes[i]);
      cancel_scope_end (round->scopes[i]);
    }
}

static void
shield_stats (ShieldRound *round)
{
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (round->registry);

      g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), <=, SHIELD_SCOPES);
      g_assert_cmpuint (cancel_registry_stats_get_running (stats) +
                        cancel_registry_stats_get_shielded (stats), ==,
                        cancel_registry_stats_get_live_count (stats));
    }
}

typedef struct
{
  ShieldRound  *round;
  void        (*step) (ShieldRound *round);
} ShieldThread;

static gpointer
shield_thread (gpointer data)
{
  ShieldThread *thread = data;

  for (;;)
    {
      pthread_barrier_wait (&thread->round->barrier);
      if (thread->round->stop)
        return NULL;
      thread->step (thread->round);
      pthread_barrier_wait (&thread->round->barrier);
    }
}

static void
test_shielded_count (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = registry_new_on (context);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  ShieldRound round = { 0, };
  ShieldThread funcs[] = { { &round, shield_begin }, { &round, shield_toggle },
                           { &round, shield_end }, { &round, shield_stats } };
  GThread *threads[G_N_ELEMENTS (funcs)];
  guint n = MAX (n_lifecycles () / 5, 50);

  round.registry = registry;
  pthread_barrier_init (&round.barrier, NULL, G_N_ELEMENTS (funcs) + 1);
  for (guint t = 0; t < G_N_ELEMENTS (funcs); t++)
    threads[t] = g_thread_new ("shield", shield_thread, &funcs[t]);

  for (guint r = 0; r < n; r++)
    {
      g_autoptr(CancelRegistryStats) stats = NULL;
      guint expected_shielded = 0;

      for (guint i = 0; i < SHIELD_SCOPES; i++)
        {
          round.scopes[i] = cancel_scope_new (NULL);
          cancel_scope_set_registry (round.scopes[i], registry);
          cancel_scope_set_shielded (round.scopes[i], g_rand_boolean (rand));
        }
      round.n_ended = g_rand_int_range (rand, 0, SHIELD_SCOPES / 2);
      round.seed = g_rand_int (rand);

      pthread_barrier_wait (&round.barrier);
      pthread_barrier_wait (&round.barrier);

      for (guint i = round.n_ended; i < SHIELD_SCOPES; i++)
        expected_shielded += cancel_scope_get_status (round.scopes[i]) == CANCEL_STATUS_SHIELDED;
      stats = cancel_registry_get_stats (registry);
      g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), ==, SHIELD_SCOPES - round.n_ended);
      g_assert_cmpuint (cancel_registry_stats_get_shielded (stats), ==, expected_shielded);
      g_assert_cmpuint (cancel_registry_stats_get_running (stats), ==,
                        SHIELD_SCOPES - round.n_ended - expected_shielded);

      for (guint i = 0; i < SHIELD_SCOPES; i++)
        {
          if (i >= round.n_ended)
            cancel_scope_end (round.scopes[i]);
          g_clear_object (&round.scopes[i]);
        }
      g_clear_object (&stats);
      stats = cancel_registry_get_stats (registry);
      g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), ==, 0);
      g_assert_cmpuint (cancel_registry_stats_get_shielded (stats), ==, 0);
    }

  round.stop = TRUE;
  pthread_barrier_wait (&round.barrier);
  for (guint t = 0; t < G_N_ELEMENTS (funcs); t++)
    g_thread_join (threads[t]);
  pthread_barrier_destroy (&round.barrier);
  cancel_registry_clear_history (registry);
  drain (context);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* GLib initialises classes, and allocates the lock of its GError domain
   * table, with atomics ThreadSanitizer cannot see (GLib is not
   * instrumented): do both here, before threads race to them. */
  g_type_class_unref (g_type_class_ref (CANCEL_TYPE_SCOPE));
  g_type_class_unref (g_type_class_ref (CANCEL_TYPE_REGISTRY));
  g_type_class_unref (g_type_class_ref (CANCEL_TYPE_REGISTRY_STATS));
  g_error_free (g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Warm-up"));

  g_test_add_func ("/Cancel/Registry/threads/feed", test_feed);
  g_test_add_func ("/Cancel/Registry/threads/cancel-all", test_cancel_all_threads);
  g_test_add_func ("/Cancel/Registry/threads/queries", test_queries_while_churning);
  g_test_add_func ("/Cancel/Registry/threads/shielded-count", test_shielded_count);

  return g_test_run ();
}
