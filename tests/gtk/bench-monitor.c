/* bench-monitor.c: is the monitor responsive with 10,000 live operations?
 *
 * 10,000 live operations (begun on worker threads) each report progress
 * 10 times a second from those threads, while a monitor shows them in a
 * window; with --churn C, C a second also complete and are replaced by new
 * ones (the oldest first). Measured on the GTK thread:
 *
 * - the work done by each main-context iteration (from the end of its
 *   poll to the end of its dispatch: the time the UI cannot react), p50,
 *   p99 and max; the target is p99 <= 16 ms (one frame at 60 Hz);
 * - frames painted per second (the window's frame clock): as the monitor
 *   needs them, and when every frame redraws the whole monitor (capacity);
 * - how long until the 10,000 rows are there, and until they are gone
 *   after "cancel all" (the monitor's action, run from the main loop as a
 *   click would, so the cancellations are measured too);
 * - where the GTK thread's time goes: row changes (the registry's
 *   publish, with what the list models and views do about it, and the
 *   monitor's batches that catch up later), the frame clock's update,
 *   layout and paint phases, and the rest (scope notifications, the
 *   monitor's timer), per second and in the most expensive iteration;
 * - once every operation ended: the GTK thread's CPU time over 5 s, the
 *   frames painted and whether the main context has a timer left.
 *
 *   bench-monitor [--ops N] [--seconds S] [--threads T] [--hz H] [--churn C] [--quick]
 *
 * Targets are reported, never enforced. Run under Xvfb.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cancel-gtk.h>

#include "cancel-gtk-monitor-private.h"
#include "gtk-test-util.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  CancelRegistry *registry;
  guint           first;
  guint           count;
  guint           hz;
  gint            churn;        /* atomic; operations ended and replaced per round */
  GPtrArray      *scopes;
  gint            stop;         /* atomic */
  gint            reports;      /* atomic */
  gint            churned;      /* atomic */
} Worker;

typedef enum
{
  PHASE_ROWS,                   /* list changes: publish, models, views */
  PHASE_UPDATE,                 /* frame clock: tick callbacks, CSS validation, X11's window size */
  PHASE_LAYOUT,
  PHASE_PAINT,
  N_PHASES
} Phase;

static const char *phase_names[N_PHASES] = { "row changes", "frame update", "frame layout", "frame paint" };

typedef struct
{
  GArray   *samples;            /* gint64 µs of wall time per iteration that dispatched */
  GArray   *cpu_samples;        /* gint64 µs of this thread's CPU time, same iterations */
  GArray   *phase_samples;      /* gint64[N_PHASES] µs of CPU, same iterations */
  guint64   paints;
} Stats;

/* The CPU time of the calling thread: what the iteration cost, whatever
 * else the (shared) machine was doing meanwhile. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The phases of the current iteration: CPU µs each, and where the one
 * being timed began. */
static gint64 phase_cpu[N_PHASES];
static gint64 rows_start = -1;
static gint64 frame_mark = -1;

/* Row changes come from the registry's publish (the live rows follow
 * within its emission), or from the monitor's later batches that catch
 * up with it: timed from an emission hook, which runs before any handler,
 * to a handler connected after all of them, the outermost emission. */
static gpointer rows_sources[2];
static guint rows_depth;

static gboolean
rows_emission_hook (GSignalInvocationHint *hint,
                    guint                  n_params,
                    const GValue          *params,
                    gpointer               data)
{
  gpointer instance = g_value_get_object (&params[0]);

  if (instance == rows_sources[0] || instance == rows_sources[1])
    {
      if (rows_depth++ == 0)
        rows_start = thread_cpu_time ();
    }

  return TRUE;
}

static void
on_rows_changed_last (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    data)
{
  if (rows_depth > 0 && --rows_depth == 0)
    phase_cpu[PHASE_ROWS] += thread_cpu_time () - rows_start;
}

/* The monitor's copy of the registry's live list, under its tree. */
static GListModel *
find_live_mirror (GListModel *rows)
{
  GListModel *tree = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (rows));
  GListModel *roots = gtk_tree_list_model_get_model (GTK_TREE_LIST_MODEL (tree));

  return gtk_filter_list_model_get_model (GTK_FILTER_LIST_MODEL (roots));
}

/* Connected after GDK's and GTK's own handlers: each marks the end of a
 * frame-clock phase. */
static void
on_before_paint (GdkFrameClock *clock)
{
  frame_mark = thread_cpu_time ();
}

static void
end_frame_phase (Phase phase)
{
  gint64 now = thread_cpu_time ();

  if (frame_mark >= 0)
    phase_cpu[phase] += now - frame_mark;
  frame_mark = now;
}

static void on_update (GdkFrameClock *clock) { end_frame_phase (PHASE_UPDATE); }
static void on_layout (GdkFrameClock *clock) { end_frame_phase (PHASE_LAYOUT); }
static void on_paint (GdkFrameClock *clock) { end_frame_phase (PHASE_PAINT); frame_mark = -1; }

static guint opt_ops = 10000;
static guint opt_seconds = 10;
static guint opt_threads = 2;
static guint opt_hz = 10;
static guint opt_churn = 0;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  gint64 period = G_USEC_PER_SEC / worker->hz;
  gint64 next;
  guint round = 0, cursor = 0;
  guint i;

  for (i = 0; i < worker->count; i++)
    {
      g_autofree char *name = g_strdup_printf ("Operation %05u", worker->first + i);
      CancelScope *scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (scope, worker->registry);
      cancel_scope_begin (scope);
      g_ptr_array_add (worker->scopes, scope);
    }

  /* Every operation reports once per period, until told to stop; an
   * operation that was cancelled ends. */
  next = g_get_monotonic_time ();
  while (!g_atomic_int_get (&worker->stop))
    {
      gint64 now;
      guint c, n_churn = (guint) g_atomic_int_get (&worker->churn);

      round++;

      /* Churn: the oldest few complete and new ones take their place. */
      for (c = 0; c < n_churn && worker->scopes->len > 0; c++)
        {
          guint slot = cursor++ % worker->scopes->len;
          CancelScope *old = g_ptr_array_index (worker->scopes, slot);
          g_autofree char *name = g_strdup_printf ("Operation %05u.%u", worker->first + slot, round);
          CancelScope *scope;

          if (cancel_scope_get_end_time (old) == 0)
            cancel_scope_end (old);

          scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);
          cancel_scope_set_registry (scope, worker->registry);
          cancel_scope_begin (scope);
          g_ptr_array_index (worker->scopes, slot) = scope;
          g_object_unref (old);
          g_atomic_int_inc (&worker->churned);
        }
      for (i = 0; i < worker->scopes->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (worker->scopes, i);
          g_autoptr(GError) error = NULL;

          if (cancel_scope_get_end_time (scope) != 0)
            continue;

          if (cancel_scope_set_error_if_cancelled (scope, &error))
            {
              cancel_scope_fail (scope, error);
              continue;
            }

          cancel_scope_report_progress (scope, ((round + i) % 100) / 100.0, "Working");
          g_atomic_int_inc (&worker->reports);
        }

      next += period;
      now = g_get_monotonic_time ();
      if (next > now)
        g_usleep (next - now);
      else
        next = now;
    }

  for (i = 0; i < worker->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (worker->scopes, i);

      if (cancel_scope_get_end_time (scope) == 0)
        cancel_scope_end (scope);
    }

  return NULL;
}

/* One iteration of the default context, timing only its work: what runs
 * after the poll returned. */
static void
iterate_timed (Stats *stats)
{
  static GPollFD *fds;
  static int allocated;
  GMainContext *context = g_main_context_default ();
  int max_priority, timeout, n_fds;
  gint64 start, cpu_start;
  gboolean dispatched = FALSE;

  if (fds == NULL)
    {
      allocated = 32;
      fds = g_new (GPollFD, allocated);
    }

  g_main_context_prepare (context, &max_priority);
  while ((n_fds = g_main_context_query (context, max_priority, &timeout, fds, allocated)) > allocated)
    {
      allocated = n_fds;
      fds = g_renew (GPollFD, fds, allocated);
    }

  g_main_context_get_poll_func (context) (fds, n_fds, timeout);

  memset (phase_cpu, 0, sizeof phase_cpu);
  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_time ();
  if (g_main_context_check (context, max_priority, fds, n_fds))
    {
      g_main_context_dispatch (context);
      dispatched = TRUE;
    }

  if (dispatched && stats != NULL)
    {
      gint64 elapsed = g_get_monotonic_time () - start;
      gint64 cpu = thread_cpu_time () - cpu_start;

      g_array_append_val (stats->samples, elapsed);
      g_array_append_val (stats->cpu_samples, cpu);
      if (stats->phase_samples != NULL)
        g_array_append_vals (stats->phase_samples, phase_cpu, N_PHASES);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                Stats         *stats)
{
  stats->paints++;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;

  index = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, index) / 1000.0;
}

static void
print_row (const char *metric,
           const char *value,
           const char *target)
{
  g_print ("| %-44s | %14s | %-10s |\n", metric, value, target);
}

/* Where the CPU time of @stats' iterations went: per second of @seconds,
 * and in its most expensive iteration. */
static void
print_phases (Stats      *stats,
              double      seconds,
              const char *label)
{
  gint64 total[N_PHASES + 1] = { 0, }, worst[N_PHASES + 1] = { 0, };
  gint64 worst_cpu = -1;
  guint i, p;
  char metric[96], value[64];

  for (i = 0; i < stats->cpu_samples->len; i++)
    {
      gint64 cpu = g_array_index (stats->cpu_samples, gint64, i);
      gint64 *phases = &g_array_index (stats->phase_samples, gint64, i * N_PHASES);
      gint64 rest = cpu;

      for (p = 0; p < N_PHASES; p++)
        {
          total[p] += phases[p];
          rest -= phases[p];
        }
      total[N_PHASES] += MAX (rest, 0);

      if (cpu > worst_cpu)
        {
          worst_cpu = cpu;
          memcpy (worst, phases, N_PHASES * sizeof (gint64));
          worst[N_PHASES] = MAX (rest, 0);
        }
    }

  for (p = 0; p <= N_PHASES; p++)
    {
      g_snprintf (metric, sizeof metric, "%s: %s", label, p < N_PHASES ? phase_names[p] : "the rest");
      g_snprintf (value, sizeof value, "%.1f | %.2f", total[p] / 1000.0 / seconds, worst[p] / 1000.0);
      print_row (metric, value, "");
    }
}

static gboolean
cancel_all_from_idle (gpointer data)
{
  GtkWidget *monitor = data;

  /* As the Cancel All button does (its message entry is empty). */
  gtk_widget_activate_action (monitor, "monitor.cancel-all", NULL);
  return G_SOURCE_REMOVE;
}

/* Whether the default context would sleep until an event: no source
 * ready and no timer (a timeout, a ticking frame clock). */
static gboolean
context_sleeps (void)
{
  GMainContext *context = g_main_context_default ();
  GPollFD fds[64];
  int max_priority, timeout;
  gboolean ready;

  ready = g_main_context_prepare (context, &max_priority);
  g_main_context_query (context, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
  g_main_context_check (context, max_priority, fds, 0);

  return !ready && timeout < 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "ops", 0, 0, G_OPTION_ARG_INT, &opt_ops, "Live operations (10000)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Measured seconds (10)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Worker threads (2)", "T" },
    { "hz", 0, 0, G_OPTION_ARG_INT, &opt_hz, "Progress reports per operation per second (10)", "H" },
    { "churn", 0, 0, G_OPTION_ARG_INT, &opt_churn, "Operations ending and beginning per second (0)", "C" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A smoke run: 1000 operations, 2 s", NULL },
    { NULL }
  };
  CancelRegistry *registry;
  GtkWidget *monitor, *window;
  GListModel *rows;
  GdkFrameClock *clock;
  Worker *workers;
  GThread **threads;
  Stats steady = { 0, }, burst = { 0, };
  gint64 t0, rows_ready, measure_end, cancel_start, rows_gone, capacity_start;
  double capacity_fps;
  gint64 reports = 0, churned = 0;
  guint64 paints_before;
  g_autoptr(CancelRegistryStats) stats_before = NULL;
  g_autoptr(CancelRegistryStats) stats_after = NULL;
  gint64 cancel_call_cpu, idle_cpu;
  double burst_seconds, idle_seconds;
  guint64 idle_paints;
  gboolean quiet;
  g_autoptr(GArray) steady_cpu = NULL;
  g_autoptr(GArray) burst_cpu = NULL;
  guint i, ticking, cancelled;
  char value[64];

  options = g_option_context_new (NULL);
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (quick)
    {
      /* Valgrind runs everything some 50 times slower. */
      opt_ops = g_getenv ("CANCEL_TEST_VALGRIND") != NULL ? 200 : 1000;
      opt_seconds = 2;
    }
  opt_threads = CLAMP (opt_threads, 1, 64);
  opt_hz = CLAMP (opt_hz, 1, 1000);

  /* Run as tests with warnings fatal, and the monitor adds rows while
   * it is shown: GTK 4.8's one known warning is tolerated, as the tests
   * do (../gtk-known-warnings.h). */
  gtk_test_tolerate_column_header_warning ();
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return 0;
    }

  registry = cancel_registry_new ();
  monitor = cancel_gtk_monitor_new (registry);
  window = test_show_in_window (monitor, 1280, 800);
  rows = _cancel_gtk_monitor_get_live_rows (CANCEL_GTK_MONITOR (monitor));
  test_run_for (300);

  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  rows_sources[0] = registry;
  rows_sources[1] = find_live_mirror (rows);
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0,
                              rows_emission_hook, NULL, NULL);
  g_signal_connect_after (rows_sources[0], "items-changed", G_CALLBACK (on_rows_changed_last), NULL);
  g_signal_connect_after (rows_sources[1], "items-changed", G_CALLBACK (on_rows_changed_last), NULL);
  g_signal_connect_after (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_update), NULL);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), NULL);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_paint), NULL);

  /* Start: the workers begin their operations. */
  workers = g_new0 (Worker, opt_threads);
  threads = g_new0 (GThread *, opt_threads);
  t0 = g_get_monotonic_time ();
  for (i = 0; i < opt_threads; i++)
    {
      workers[i].registry = registry;
      workers[i].first = i * (opt_ops / opt_threads);
      workers[i].count = i + 1 < opt_threads ? opt_ops / opt_threads : opt_ops - i * (opt_ops / opt_threads);
      workers[i].hz = opt_hz;
      /* Set once the rows are listed: the start is measured alone. */
      workers[i].churn = 0;
      workers[i].scopes = g_ptr_array_new_with_free_func (g_object_unref);
      threads[i] = g_thread_new ("bench-worker", worker_run, &workers[i]);
    }

  while (g_list_model_get_n_items (rows) < opt_ops)
    iterate_timed (NULL);
  rows_ready = g_get_monotonic_time ();

  for (i = 0; i < opt_threads; i++)
    g_atomic_int_set (&workers[i].churn,
                      (gint) MAX (opt_churn > 0 ? 1u : 0u, opt_churn / opt_hz / opt_threads));

  /* Warm up, then measure the steady state. */
  test_run_for (1000);

  steady.samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  steady.cpu_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  steady.phase_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &steady);
  paints_before = steady.paints;
  for (i = 0; i < opt_threads; i++)
    {
      reports -= g_atomic_int_get (&workers[i].reports);
      churned -= g_atomic_int_get (&workers[i].churned);
    }
  measure_end = g_get_monotonic_time () + (gint64) opt_seconds * G_USEC_PER_SEC;
  {
    gint64 measure_start = g_get_monotonic_time ();

    while (g_get_monotonic_time () < measure_end)
      iterate_timed (&steady);
    measure_end = g_get_monotonic_time ();

    for (i = 0; i < opt_threads; i++)
      {
        reports += g_atomic_int_get (&workers[i].reports);
        churned += g_atomic_int_get (&workers[i].churned);
        g_atomic_int_set (&workers[i].churn, 0);
      }
    ticking = _cancel_gtk_monitor_get_n_ticking (CANCEL_GTK_MONITOR (monitor));

    /* Capacity: how many frames per second when every frame redraws the
     * whole monitor, with the same load. */
    {
      Stats capacity = { 0, };
      guint tick_id = gtk_widget_add_tick_callback (monitor, test_redraw_every_frame, NULL, NULL);
      gint64 capacity_end = g_get_monotonic_time () + MIN (opt_seconds, 3) * G_USEC_PER_SEC;

      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &capacity);
      capacity_start = g_get_monotonic_time ();
      while (g_get_monotonic_time () < capacity_end)
        iterate_timed (NULL);
      capacity_fps = capacity.paints * (double) G_USEC_PER_SEC / (g_get_monotonic_time () - capacity_start);
      g_signal_handlers_disconnect_by_func (clock, on_after_paint, &capacity);
      gtk_widget_remove_tick_callback (monitor, tick_id);
    }

    /* Cancel everything: the workers end their operations, the rows go. */
    burst.samples = g_array_new (FALSE, FALSE, sizeof (gint64));
    burst.cpu_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
    burst.phase_samples = g_array_new (FALSE, FALSE, sizeof (gint64));
    stats_before = cancel_registry_get_stats (registry);
    cancel_start = g_get_monotonic_time ();
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_all_from_idle, monitor, NULL);
    iterate_timed (&burst);
    cancel_call_cpu = g_array_index (burst.cpu_samples, gint64, 0);
    while (g_list_model_get_n_items (rows) > 0)
      iterate_timed (&burst);
    rows_gone = g_get_monotonic_time ();
    stats_after = cancel_registry_get_stats (registry);
    cancelled = cancel_registry_stats_get_finished (stats_after, CANCEL_STATUS_CANCELLED) -
                cancel_registry_stats_get_finished (stats_before, CANCEL_STATUS_CANCELLED);
    burst_seconds = (rows_gone - cancel_start) / (double) G_USEC_PER_SEC;

    /* Idle: once the last operation ended and the window settled (the
     * monitor's last refresh, scroll bars fading), nothing should run. */
    {
      gint64 guard = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      gint64 idle_start, idle_cpu_start;
      gboolean timed_out = FALSE;
      Stats idle = { 0, };
      guint timeout_id;

      while (!(quiet = context_sleeps ()) && g_get_monotonic_time () < guard)
        iterate_timed (NULL);

      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &idle);
      idle_start = g_get_monotonic_time ();
      idle_cpu_start = thread_cpu_time ();
      timeout_id = g_timeout_add_seconds (5, test_timed_out, &timed_out);
      while (!timed_out)
        g_main_context_iteration (NULL, TRUE);
      idle_cpu = thread_cpu_time () - idle_cpu_start;
      idle_seconds = (g_get_monotonic_time () - idle_start) / (double) G_USEC_PER_SEC;
      idle_paints = idle.paints;
      g_signal_handlers_disconnect_by_func (clock, on_after_paint, &idle);
      (void) timeout_id;
      quiet = quiet && context_sleeps ();
    }

    g_signal_handlers_disconnect_by_func (clock, on_after_paint, &steady);

    g_array_sort (steady.samples, test_compare_gint64);
    /* The CPU samples stay in order: the phases refer to them. */
    steady_cpu = g_array_copy (steady.cpu_samples);
    g_array_sort (steady_cpu, test_compare_gint64);
    g_array_sort (burst.samples, test_compare_gint64);
    burst_cpu = g_array_copy (burst.cpu_samples);
    g_array_sort (burst_cpu, test_compare_gint64);

    g_print ("\nMonitor benchmark: %u live operations, %u worker threads, %u Hz progress each, %s\n\n",
             opt_ops, opt_threads, opt_hz,
             G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
    print_row ("metric", "value", "target");
    g_print ("|----------------------------------------------|----------------|------------|\n");
    g_snprintf (value, sizeof value, "%.0f ms", (rows_ready - t0) / 1000.0);
    print_row ("start to all rows listed", value, "");
    g_snprintf (value, sizeof value, "%.0f /s", reports * (double) G_USEC_PER_SEC / (measure_end - measure_start));
    print_row ("progress reports (worker threads)", value, "");
    g_snprintf (value, sizeof value, "%.0f /s", churned * (double) G_USEC_PER_SEC / (measure_end - measure_start));
    print_row ("operations ending and beginning", value, "");
    g_snprintf (value, sizeof value, "%u", steady.samples->len);
    print_row ("main-context iterations measured", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady.samples, 0.50));
    print_row ("iteration work p50 (wall)", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady.samples, 0.99));
    print_row ("iteration work p99 (wall)", value, "<= 16 ms");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady.samples, 1.0));
    print_row ("iteration work max (wall)", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady_cpu, 0.50));
    print_row ("iteration work p50 (GTK thread CPU)", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady_cpu, 0.99));
    print_row ("iteration work p99 (GTK thread CPU)", value, "<= 16 ms");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (steady_cpu, 1.0));
    print_row ("iteration work max (GTK thread CPU)", value, "");
    print_phases (&steady, (measure_end - measure_start) / (double) G_USEC_PER_SEC,
                  "CPU ms/s | ms in the worst iteration");
    g_snprintf (value, sizeof value, "%.1f", (steady.paints - paints_before) * (double) G_USEC_PER_SEC / (measure_end - measure_start));
    print_row ("frames painted per second", value, "");
    g_snprintf (value, sizeof value, "%.1f", capacity_fps);
    print_row ("frames per second, redrawing every frame", value, "");
    g_snprintf (value, sizeof value, "%u", ticking);
    print_row ("cells refreshed by the timer (visible only)", value, "");
    g_snprintf (value, sizeof value, "%u", cancelled);
    print_row ("cancel all: operations cancelled", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", cancel_call_cpu / 1000.0);
    print_row ("cancel all: the action's iteration (CPU)", value, "");
    g_snprintf (value, sizeof value, "%.0f ms", (rows_gone - cancel_start) / 1000.0);
    print_row ("cancel all: until no row is left", value, "");
    g_snprintf (value, sizeof value, "%u", burst.samples->len);
    print_row ("cancel all: iterations until then", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (burst.samples, 0.99));
    print_row ("cancel all: iteration work p99 (wall)", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (burst.samples, 1.0));
    print_row ("cancel all: iteration work max (wall)", value, "");
    g_snprintf (value, sizeof value, "%.2f ms", percentile_ms (burst_cpu, 1.0));
    print_row ("cancel all: iteration work max (CPU)", value, "<= 16 ms");
    print_phases (&burst, burst_seconds, "cancel all: CPU ms/s | ms in the worst");
    g_snprintf (value, sizeof value, "%.1f ms", idle_cpu / 1000.0);
    print_row ("idle: GTK thread CPU over 5 s", value, "0");
    g_snprintf (value, sizeof value, "%.1f", idle_paints / idle_seconds);
    print_row ("idle: frames painted per second", value, "0");
    print_row ("idle: no timer nor ready source left", quiet ? "yes" : "no", "yes");
    g_print ("\n");
  }

  for (i = 0; i < opt_threads; i++)
    {
      g_atomic_int_set (&workers[i].stop, 1);
      g_thread_join (threads[i]);
      g_ptr_array_unref (workers[i].scopes);
    }
  g_free (threads);
  g_free (workers);
  g_array_unref (steady.samples);
  g_array_unref (steady.cpu_samples);
  g_array_unref (burst.samples);
  g_array_unref (burst.cpu_samples);
  g_array_unref (steady.phase_samples);
  g_array_unref (burst.phase_samples);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (registry);

  return EXIT_SUCCESS;
}
