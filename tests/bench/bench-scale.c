/* bench-scale.c: the figures of the performance issue that are not a
 * whole workload's cost: is_cancelled, a registry at scale, how late
 * deadlines fire, and how long a cancel from another thread takes to
 * reach the scope's owner context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each figure runs for CancelScope and for what a program would write
 * with plain GCancellables (a hash table of them, a GSource per timeout,
 * g_main_context_invoke() from a ::cancelled handler), in the same run.
 * Goals are reported, never enforced: the exit status only says whether
 * the program ran. bench-core has the whole-workload ratios.
 *
 * Usage: bench-scale [--quick] [--only NAME]
 */

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cancelable.h>

typedef struct
{
  guint is_cancelled;  /* calls */
  guint registry;      /* live registered scopes */
  guint lookups;
  guint timeouts;
  guint spread_ms;     /* the longest timeout at a realistic density */
  guint cancels;       /* cross-thread, one at a time */
} Sizes;

static const char *only;

static gboolean
selected (const char *name)
{
  return only == NULL || strstr (name, only) != NULL;
}

static gint64
cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gsize
rss_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;
  return (gsize) resident * (gsize) sysconf (_SC_PAGESIZE);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Percentile @p (0-100) of @values, sorted in place. */
static double
percentile (gint64 *values,
            guint   n,
            double  p)
{
  guint index;

  qsort (values, n, sizeof (gint64), compare_int64);
  index = (guint) MIN ((double) n - 1, p / 100.0 * n);
  return (double) values[index];
}

static void
print_row (const char *name,
           double      scope,
           double      bare,
           const char *unit,
           const char *goal)
{
  g_print ("%-46s %10.1f %10.1f %7.2fx  %-18s %s\n",
           name, scope, bare, bare > 0 ? scope / bare : 0.0, goal, unit);
}

/* is_cancelled: nothing may wrap the atomic read. */

static double
time_is_cancelled (GCancellable *cancellable,
                   guint         n)
{
  volatile gboolean sink = FALSE;  /* keeps the reads in the loop */
  gint64 start = cpu_ns ();
  guint i;

  for (i = 0; i < n; i++)
    sink = g_cancellable_is_cancelled (cancellable);
  (void) sink;
  return (double) (cpu_ns () - start) / n;
}

static void
bench_is_cancelled (const Sizes *sizes)
{
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Read", CANCEL_SCOPE_FLAGS_UNREGISTERED);
  g_autoptr(GCancellable) bare = g_cancellable_new ();

  print_row ("is_cancelled, not cancelled",
             time_is_cancelled (G_CANCELLABLE (scope), sizes->is_cancelled),
             time_is_cancelled (bare, sizes->is_cancelled), "CPU ns/call", "<= 1.0x");
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  g_cancellable_cancel (bare);
  print_row ("is_cancelled, cancelled",
             time_is_cancelled (G_CANCELLABLE (scope), sizes->is_cancelled),
             time_is_cancelled (bare, sizes->is_cancelled), "CPU ns/call", "<= 1.0x");
}

/* A registry at scale, against a hash table of bare cancellables by id
 * and a scan of their names. */

static void
bench_registry (const Sizes *sizes)
{
  guint n = sizes->registry, i;
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) bare = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = g_new (gint64, n);
  CancelRegistry *registry;
  gsize rss_before, rss_scopes, rss_bare;
  gint64 start;
  double scope_ns, bare_ns;
  guint found = 0;
  GRand *rand = g_rand_new_with_seed (7);

  /* Memory first, on a fresh heap for each side as far as one process
   * allows: scopes, then bare. */
  rss_before = rss_bytes ();
  registry = cancel_registry_new ();
  for (i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("operation %u", i);
      CancelScope *scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (scope, registry);
      cancel_scope_begin (scope);
      g_ptr_array_add (scopes, scope);
    }
  rss_scopes = rss_bytes ();
  for (i = 0; i < n; i++)
    {
      GCancellable *cancellable = g_cancellable_new ();

      ids[i] = i;
      g_object_set_data_full (G_OBJECT (cancellable), "name", g_strdup_printf ("operation %u", i), g_free);
      g_ptr_array_add (bare, cancellable);
      g_hash_table_insert (by_id, &ids[i], cancellable);
    }
  rss_bare = rss_bytes ();
  g_print ("%-46s %10.1f %10.1f %7.2fx  %-18s %s\n", "registry: memory per live scope, with the index",
           (double) (rss_scopes - rss_before) / n, (double) (rss_bare - rss_scopes) / n,
           (double) (rss_scopes - rss_before) / MAX (rss_bare - rss_scopes, 1), "", "B (RSS)");

  start = cpu_ns ();
  for (i = 0; i < sizes->lookups; i++)
    {
      CancelScope *scope = g_ptr_array_index (scopes, g_rand_int_range (rand, 0, n));
      CancelScope *hit = cancel_registry_lookup (registry, cancel_scope_get_id (scope));

      found += hit != NULL;
      g_clear_object (&hit);
    }
  scope_ns = (double) (cpu_ns () - start) / sizes->lookups;
  start = cpu_ns ();
  for (i = 0; i < sizes->lookups; i++)
    {
      gint64 id = g_rand_int_range (rand, 0, n);
      GCancellable *hit = g_hash_table_lookup (by_id, &id);

      if (hit != NULL)
        {
          g_object_ref (hit);
          found++;
          g_object_unref (hit);
        }
    }
  bare_ns = (double) (cpu_ns () - start) / sizes->lookups;
  g_assert_cmpuint (found, ==, 2 * sizes->lookups);
  print_row ("registry: lookup by id", scope_ns, bare_ns, "CPU ns/call", "");

  start = cpu_ns ();
  for (i = 0; i < 10; i++)
    {
      g_autoptr(GPtrArray) hits = cancel_registry_find_by_name (registry, "operation 4242");

      g_assert_cmpuint (hits->len, >=, n > 4242 ? 1 : 0);
    }
  scope_ns = (double) (cpu_ns () - start) / 10;
  start = cpu_ns ();
  for (i = 0; i < 10; i++)
    {
      g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (g_object_unref);
      guint j;

      for (j = 0; j < bare->len; j++)
        {
          const char *name = g_object_get_data (g_ptr_array_index (bare, j), "name");

          if (strstr (name, "operation 4242") != NULL)
            g_ptr_array_add (hits, g_object_ref (g_ptr_array_index (bare, j)));
        }
    }
  bare_ns = (double) (cpu_ns () - start) / 10;
  print_row ("registry: find_by_name (substring)", scope_ns, bare_ns, "CPU ns/call", "");

  start = cpu_ns ();
  for (i = 0; i < 1000; i++)
    {
      g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (registry);

      g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), ==, n);
    }
  scope_ns = (double) (cpu_ns () - start) / 1000;
  start = cpu_ns ();
  for (i = 0; i < 1000; i++)
    {
      guint j, running = 0;

      for (j = 0; j < bare->len; j++)
        running += !g_cancellable_is_cancelled (g_ptr_array_index (bare, j));
      g_assert_cmpuint (running, ==, n);
    }
  bare_ns = (double) (cpu_ns () - start) / 1000;
  print_row ("registry: get_stats (bare: a counting scan)", scope_ns, bare_ns, "CPU ns/call", "");

  start = cpu_ns ();
  cancel_registry_cancel_all (registry, CANCEL_REASON_MANUAL, "Benchmark over");
  scope_ns = (double) (cpu_ns () - start) / n;
  start = cpu_ns ();
  for (i = 0; i < bare->len; i++)
    g_cancellable_cancel (g_ptr_array_index (bare, i));
  bare_ns = (double) (cpu_ns () - start) / n;
  print_row ("registry: cancel_all, per scope", scope_ns, bare_ns, "CPU ns/scope", "");

  for (i = 0; i < scopes->len; i++)
    cancel_scope_end (g_ptr_array_index (scopes, i));
  g_ptr_array_set_size (scopes, 0);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (registry);
  g_rand_free (rand);
}

/* Deadline accuracy: how late each of many timeouts fires. */

typedef struct
{
  gint64  due;
  gint64  late;
  gint   *remaining;
} Slot;

static void
record_late_cb (GCancellable *cancellable,
                Slot         *slot)
{
  slot->late = g_get_monotonic_time () - cancel_scope_get_own_deadline (CANCEL_SCOPE (cancellable));
  g_atomic_int_add (slot->remaining, -1);
}

static gboolean
bare_timeout_cb (gpointer data)
{
  Slot *slot = data;

  slot->late = g_get_monotonic_time () - slot->due;
  g_atomic_int_add (slot->remaining, -1);
  return G_SOURCE_REMOVE;
}

static gpointer
run_context (gpointer data)
{
  GMainLoop *loop = data;

  g_main_loop_run (loop);
  return NULL;
}

/* The worker's load: conditions that spin for 0.5 ms each time they are
 * polled, every millisecond. */
static gboolean
spin_condition (gpointer data)
{
  gint64 until = g_get_monotonic_time () + 500;

  while (g_get_monotonic_time () < until)
    ;
  return FALSE;
}

static void
wait_remaining (gint *remaining)
{
  while (g_atomic_int_get (remaining) > 0)
    g_usleep (1000);
}

static void
report_lateness (const char *name,
                 Slot       *scope_slots,
                 Slot       *bare_slots,
                 guint       n)
{
  g_autofree gint64 *scope = g_new (gint64, n);
  g_autofree gint64 *bare = g_new (gint64, n);
  g_autofree char *p50 = g_strdup_printf ("%s, p50", name);
  g_autofree char *p99 = g_strdup_printf ("%s, p99", name);
  g_autofree char *max = g_strdup_printf ("%s, max", name);
  guint i;

  for (i = 0; i < n; i++)
    {
      scope[i] = scope_slots[i].late;
      bare[i] = bare_slots[i].late;
    }
  print_row (p50, percentile (scope, n, 50) / 1000.0, percentile (bare, n, 50) / 1000.0, "ms late", "");
  print_row (p99, percentile (scope, n, 99) / 1000.0, percentile (bare, n, 99) / 1000.0, "ms late", "<= 2 ms");
  print_row (max, percentile (scope, n, 100) / 1000.0, percentile (bare, n, 100) / 1000.0, "ms late", "");
}

/* The sizes' timeouts, of 1 to @max_ms ms each, on the library's timer
 * thread (with its worker thread idle or @loaded) and, bare, as GSources
 * on a thread of their own. */
static void
bench_deadlines (const Sizes *sizes,
                 guint        max_ms,
                 gboolean     loaded)
{
  guint n = sizes->timeouts, i;
  g_autofree Slot *scope_slots = g_new0 (Slot, n);
  g_autofree Slot *bare_slots = g_new0 (Slot, n);
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) load = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(CancelScope) loader = cancel_scope_new_full (NULL, "Load", CANCEL_SCOPE_FLAGS_UNREGISTERED);
  GRand *rand = g_rand_new_with_seed (11);
  gint remaining = n;
  GThread *thread;
  g_autofree char *name = g_strdup_printf ("deadlines of 1-%u ms, worker %s", max_ms,
                                           loaded ? "loaded" : "idle");

  if (loaded)
    for (i = 0; i < 10; i++)
      {
        g_autoptr(GError) error = NULL;
        CancelSource *source = cancel_source_new_condition ("Spin", 0.001, NULL, spin_condition,
                                                            NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_true (cancel_scope_add_source (loader, source));
        g_ptr_array_add (load, source);
      }

  for (i = 0; i < n; i++)
    {
      CancelScope *scope = cancel_scope_new_full (NULL, NULL, CANCEL_SCOPE_FLAGS_UNREGISTERED);
      g_autoptr(GError) error = NULL;

      scope_slots[i].remaining = &remaining;
      g_signal_connect (scope, "cancelled", G_CALLBACK (record_late_cb), &scope_slots[i]);
      g_assert_true (cancel_scope_set_timeout (scope, g_rand_int_range (rand, 1, max_ms + 1) / 1000.0, &error));
      g_ptr_array_add (scopes, scope);
    }
  wait_remaining (&remaining);

  /* Bare: a GSource per timeout on a context a thread of its own runs. */
  remaining = n;
  thread = g_thread_new ("bare-timeouts", run_context, loop);
  for (i = 0; i < n; i++)
    {
      guint ms = g_rand_int_range (rand, 1, max_ms + 1);
      GSource *source = g_timeout_source_new (ms);

      bare_slots[i].remaining = &remaining;
      bare_slots[i].due = g_get_monotonic_time () + ms * 1000;
      g_source_set_callback (source, bare_timeout_cb, &bare_slots[i], NULL);
      g_source_attach (source, context);
      g_source_unref (source);
    }
  wait_remaining (&remaining);
  g_main_loop_quit (loop);
  g_main_context_wakeup (context);
  g_thread_join (thread);

  report_lateness (name, scope_slots, bare_slots, n);

  for (i = 0; i < scopes->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (scopes, i), record_late_cb, &scope_slots[i]);
  cancel_scope_cancel (loader, CANCEL_REASON_MANUAL, NULL);
  g_rand_free (rand);
}

/* Cross-thread cancel to the owner context: another thread cancels (and,
 * in the second figure, ends, as a worker that notices does); the
 * owner's main loop, idle otherwise, runs the function given to
 * cancel_scope_connect_cancelled() (or sees notify::status). Bare: a
 * ::cancelled handler hops to the owner with g_main_context_invoke(). */

typedef enum
{
  RELAY_CONNECT_CANCELLED,
  RELAY_STATUS,
  RELAY_BARE,
} RelayKind;

typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  gint64          sent;
  gint64          seen;
  GPtrArray      *targets;   /* scopes or bare cancellables */
  RelayKind       kind;
  gint64         *latencies;
  GMainLoop      *loop;
} Relay;

static void
mark_seen (Relay *relay)
{
  pthread_mutex_lock (&relay->mutex);
  if (relay->seen == 0)
    relay->seen = g_get_monotonic_time ();
  pthread_cond_signal (&relay->cond);
  pthread_mutex_unlock (&relay->mutex);
}

static void
cancelled_on_owner (CancelScope *scope,
                    gpointer     data)
{
  mark_seen (data);
}

static void
status_notified_cb (GObject    *object,
                    GParamSpec *pspec,
                    Relay      *relay)
{
  mark_seen (relay);
}

static gboolean
seen_on_owner (gpointer data)
{
  mark_seen (data);
  return G_SOURCE_REMOVE;
}

static void
bare_cancelled_cb (GCancellable *cancellable,
                   Relay        *relay)
{
  g_main_context_invoke (NULL, seen_on_owner, relay);
}

static gpointer
canceller (gpointer data)
{
  Relay *relay = data;
  guint i;

  for (i = 0; i < relay->targets->len; i++)
    {
      gpointer target = g_ptr_array_index (relay->targets, i);

      pthread_mutex_lock (&relay->mutex);
      relay->seen = 0;
      relay->sent = g_get_monotonic_time ();
      pthread_mutex_unlock (&relay->mutex);

      if (relay->kind == RELAY_BARE)
        g_cancellable_cancel (target);
      else
        cancel_scope_cancel (target, CANCEL_REASON_MANUAL, NULL);
      if (relay->kind == RELAY_STATUS)
        cancel_scope_end (target);

      pthread_mutex_lock (&relay->mutex);
      while (relay->seen == 0)
        pthread_cond_wait (&relay->cond, &relay->mutex);
      relay->latencies[i] = relay->seen - relay->sent;
      pthread_mutex_unlock (&relay->mutex);
    }

  g_main_loop_quit (relay->loop);
  return NULL;
}

static void
measure_relay (Relay     *relay,
               RelayKind  kind,
               guint      n)
{
  GThread *thread;
  guint i;

  relay->kind = kind;
  relay->targets = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < n; i++)
    {
      CancelScope *scope;

      if (kind == RELAY_BARE)
        {
          GCancellable *cancellable = g_cancellable_new ();

          g_signal_connect (cancellable, "cancelled", G_CALLBACK (bare_cancelled_cb), relay);
          g_ptr_array_add (relay->targets, cancellable);
          continue;
        }

      /* Made and begun here: this thread's context is the owner. */
      scope = cancel_scope_new_full (NULL, NULL, CANCEL_SCOPE_FLAGS_UNREGISTERED);
      cancel_scope_begin (scope);
      if (kind == RELAY_CONNECT_CANCELLED)
        cancel_scope_connect_cancelled (scope, NULL, cancelled_on_owner, relay, NULL);
      else
        g_signal_connect (scope, "notify::status", G_CALLBACK (status_notified_cb), relay);
      g_ptr_array_add (relay->targets, scope);
    }

  /* Owned here throughout: g_main_context_invoke() from the canceller
   * would otherwise run the bare hop at once, on its own thread, whenever
   * it could acquire the context. */
  g_assert_true (g_main_context_acquire (NULL));
  thread = g_thread_new ("canceller", canceller, relay);
  g_main_loop_run (relay->loop);
  g_thread_join (thread);
  g_main_context_release (NULL);

  for (i = 0; i < n && kind != RELAY_BARE; i++)
    {
      CancelScope *scope = g_ptr_array_index (relay->targets, i);

      g_signal_handlers_disconnect_by_func (scope, status_notified_cb, relay);
      if (kind == RELAY_CONNECT_CANCELLED)
        cancel_scope_end (scope);
    }
  g_clear_pointer (&relay->targets, g_ptr_array_unref);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
bench_cross_thread (const Sizes *sizes)
{
  guint n = sizes->cancels;
  g_autofree gint64 *connected = g_new0 (gint64, n);
  g_autofree gint64 *status = g_new0 (gint64, n);
  g_autofree gint64 *bare = g_new0 (gint64, n);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Relay relay = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, NULL, RELAY_BARE, NULL, loop };

  relay.latencies = connected;
  measure_relay (&relay, RELAY_CONNECT_CANCELLED, n);
  relay.latencies = status;
  measure_relay (&relay, RELAY_STATUS, n);
  relay.latencies = bare;
  measure_relay (&relay, RELAY_BARE, n);

  print_row ("cancel from a thread to idle owner, p50", percentile (connected, n, 50),
             percentile (bare, n, 50), "us", "");
  print_row ("cancel from a thread to idle owner, p99", percentile (connected, n, 99),
             percentile (bare, n, 99), "us", "<= 1000 us");
  print_row ("cancel+end from a thread, notify::status, p50", percentile (status, n, 50),
             percentile (bare, n, 50), "us", "");
  print_row ("cancel+end from a thread, notify::status, p99", percentile (status, n, 99),
             percentile (bare, n, 99), "us", "<= 1000 us");
}

int
main (int   argc,
      char *argv[])
{
  gboolean quick = FALSE;
  g_autofree char *only_option = NULL;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Small sizes (smoke test)", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_option,
      "Run only figures whose name contains NAME (is_cancelled, registry, deadlines, cross-thread)", "NAME" },
    { NULL },
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- figures of scale and latency");
  g_autoptr(GError) error = NULL;
  Sizes sizes = { 100000000, 100000, 1000000, 100000, 10000, 10000 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  only = only_option;
  if (quick)
    sizes = (Sizes) { 100000, 5000, 10000, 2000, 500, 200 };

  g_print ("%-46s %10s %10s %8s  %-18s %s\n", "figure", "scope", "bare", "ratio", "goal", "unit");
  if (selected ("is_cancelled"))
    bench_is_cancelled (&sizes);
  if (selected ("registry"))
    bench_registry (&sizes);
  if (selected ("deadlines"))
    {
      /* All due within 50 ms: 2,000 a millisecond, more than either
       * side can cancel, so lateness measures throughput. */
      bench_deadlines (&sizes, 50, FALSE);
      bench_deadlines (&sizes, 50, TRUE);
      /* Spread over seconds: lateness measures the timer. */
      bench_deadlines (&sizes, sizes.spread_ms, FALSE);
      bench_deadlines (&sizes, sizes.spread_ms, TRUE);
    }
  if (selected ("cross-thread"))
    bench_cross_thread (&sizes);

  return 0;
}
