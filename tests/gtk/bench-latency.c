/* bench-latency.c: how long a cancel from another thread takes to reach
 * its scope's owner, a GTK main loop that is idle or redrawing every frame
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The performance issue's cross-thread figure as a GTK application meets
 * it. Scopes are made and begun on the GTK thread, so its main context owns
 * them (registered in the default registry, as an application's are, but
 * shown by no monitor). Another thread cancels them one at a time, 0.2 to
 * 2 ms apart at random, so that cancels land anywhere in a frame, and ends
 * each at once, as a worker that notices does. Measured is the time from
 * cancel_scope_cancel() to the scope's ::finished on the GTK thread (which
 * the owner sees after notify::status, in the same dispatch): p50, p99 and
 * max.
 *
 * Bare, in the same run: a GCancellable whose ::cancelled handler attaches
 * an idle source of default priority to the GTK thread's context, which is
 * what a program writes by hand (g_main_context_invoke() would run the
 * callback at once on the cancelling thread whenever the context was free;
 * here the GTK thread holds it throughout, as g_application_run() does).
 *
 * Two owners: idle (the window shows a label and draws nothing), and
 * drawing (the window holds a monitor of 1,000 live operations, whose
 * timeline follows the time anyway, and a tick callback queues a draw of
 * the whole monitor every frame). The goals are the issue's:
 * p99 <= 1 ms idle, <= one frame (16 ms) while drawing. Reported, never
 * enforced.
 *
 *   bench-latency [--cancels N] [--quick]
 *
 * Run under Xvfb.
 */

#include <stdlib.h>

#include <cancel-gtk.h>

#include "gtk-test-util.h"
#include "../gtk-known-warnings.h"

#define MONITORED_OPERATIONS 1000

typedef struct
{
  gint64  sent;   /* written by the cancelling thread before it cancels */
  gint64  seen;   /* written on the GTK thread */
  gint   *remaining;
} Slot;

typedef struct
{
  GPtrArray *targets;   /* CancelScopes or bare GCancellables */
  Slot      *slots;
  gboolean   bare;
  gint       go;        /* atomic */
} Run;

static gint opt_cancels = 10000;

static void
finished_cb (CancelScope  *scope,
             CancelStatus  status,
             Slot         *slot)
{
  slot->seen = g_get_monotonic_time ();
  g_atomic_int_add (slot->remaining, -1);
}

static gboolean
seen_on_owner (gpointer data)
{
  Slot *slot = data;

  slot->seen = g_get_monotonic_time ();
  g_atomic_int_add (slot->remaining, -1);
  return G_SOURCE_REMOVE;
}

/* Runs on the cancelling thread: hops to the GTK thread's context. */
static void
bare_cancelled_cb (GCancellable *cancellable,
                   Slot         *slot)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, seen_on_owner, slot, NULL);
  g_source_attach (source, g_main_context_default ());
  g_source_unref (source);
}

static gpointer
cancel_one_by_one (gpointer data)
{
  Run *run = data;
  GRand *rand = g_rand_new_with_seed (17);
  guint i;

  while (!g_atomic_int_get (&run->go))
    g_usleep (1000);

  for (i = 0; i < run->targets->len; i++)
    {
      gpointer target = g_ptr_array_index (run->targets, i);

      g_usleep (g_rand_int_range (rand, 200, 2001));
      run->slots[i].sent = g_get_monotonic_time ();
      if (run->bare)
        g_cancellable_cancel (target);
      else
        {
          cancel_scope_cancel (target, CANCEL_REASON_MANUAL, NULL);
          cancel_scope_end (target);
        }
    }

  g_rand_free (rand);
  return NULL;
}

static gboolean
all_seen (gpointer data)
{
  return g_atomic_int_get ((gint *) data) == 0;
}

/* Percentile @p (0-100) of @values, sorted in place, in ms. */
static double
percentile_ms (gint64 *values,
               guint   n,
               double  p)
{
  guint index = (guint) MIN ((double) n - 1, p / 100.0 * n);

  qsort (values, n, sizeof (gint64), test_compare_gint64);
  return values[index] / 1000.0;
}

/* Cancels @n scopes (or bare cancellables) from another thread; returns
 * each one's latency in µs, and the frames painted meanwhile. */
static gint64 *
measure (gboolean       bare,
         guint          n,
         GdkFrameClock *clock,
         double        *fps)
{
  Run run = { g_ptr_array_new_with_free_func (g_object_unref), g_new0 (Slot, n), bare, 0 };
  gint remaining = n;
  gint64 *latencies = g_new (gint64, n);
  gint64 frames, start;
  GThread *thread;
  guint i;

  for (i = 0; i < n; i++)
    {
      run.slots[i].remaining = &remaining;
      if (bare)
        {
          GCancellable *cancellable = g_cancellable_new ();

          g_signal_connect (cancellable, "cancelled", G_CALLBACK (bare_cancelled_cb), &run.slots[i]);
          g_ptr_array_add (run.targets, cancellable);
        }
      else
        {
          CancelScope *scope = cancel_scope_new ("Measured");

          cancel_scope_begin (scope);
          g_ptr_array_add (run.targets, scope);
        }
    }
  /* Let the registry publish the new scopes, and the owner see them
   * begin, before the clock starts. */
  test_run_for (200);
  for (i = 0; i < n && !bare; i++)
    g_signal_connect (g_ptr_array_index (run.targets, i), "finished",
                      G_CALLBACK (finished_cb), &run.slots[i]);

  thread = g_thread_new ("canceller", cancel_one_by_one, &run);
  frames = gdk_frame_clock_get_frame_counter (clock);
  start = g_get_monotonic_time ();
  g_atomic_int_set (&run.go, TRUE);
  test_wait_for (all_seen, &remaining, "every cancel to reach the GTK thread");
  g_thread_join (thread);
  *fps = (gdk_frame_clock_get_frame_counter (clock) - frames) * (double) G_USEC_PER_SEC /
         (g_get_monotonic_time () - start);

  for (i = 0; i < n; i++)
    {
      latencies[i] = run.slots[i].seen - run.slots[i].sent;
      if (!bare)
        g_signal_handlers_disconnect_by_func (g_ptr_array_index (run.targets, i), finished_cb, &run.slots[i]);
    }
  g_ptr_array_unref (run.targets);
  g_free (run.slots);
  test_run_for (200);

  return latencies;
}

static void
print_figures (const char *owner,
               const char *goal,
               guint       n,
               gint64     *scope,
               gint64     *bare)
{
  const struct { const char *name; double p; const char *goal; } rows[] = {
    { "p50", 50, "" }, { "p99", 99, goal }, { "max", 100, "" },
  };
  guint r;

  for (r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      g_autofree char *name = g_strdup_printf ("cancel + end to ::finished, %s, %s", owner, rows[r].name);
      double s = percentile_ms (scope, n, rows[r].p), b = percentile_ms (bare, n, rows[r].p);

      g_print ("%-52s %8.2f %8.2f %7.2fx  %-10s ms\n", name, s, b, b > 0 ? s / b : 0.0, rows[r].goal);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "cancels", 0, 0, G_OPTION_ARG_INT, &opt_cancels, "Cancels measured per owner and kind (10000)", "N" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "A smoke run: 200 cancels", NULL },
    { NULL }
  };
  g_autoptr(CancelRegistry) registry = NULL;
  g_autoptr(GPtrArray) operations = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *monitor, *window;
  GdkFrameClock *clock;
  gint64 *scope, *bare;
  double scope_fps, bare_fps;
  guint i, tick_id;

  options = g_option_context_new (NULL);
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (quick)
    opt_cancels = 200;
  opt_cancels = MAX (opt_cancels, 1);

  /* Run as tests with warnings fatal, and the monitor adds rows while
   * it is shown: GTK 4.8's one known warning is tolerated, as the tests
   * do (../gtk-known-warnings.h). */
  gtk_test_tolerate_column_header_warning ();
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return 0;
    }

  /* Held throughout, as g_application_run() does: the bare hop must go
   * through the context rather than run on the cancelling thread. */
  g_assert_true (g_main_context_acquire (NULL));

  registry = cancel_registry_new ();
  for (i = 0; i < MONITORED_OPERATIONS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Operation %04u", i);
      CancelScope *operation = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (operation, registry);
      cancel_scope_begin (operation);
      cancel_scope_report_progress (operation, (i % 100) / 100.0, "Working");
      g_ptr_array_add (operations, operation);
    }
  window = test_show_in_window (gtk_label_new ("Idle"), 1280, 800);
  test_run_for (1000);
  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);

  g_print ("%-52s %8s %8s %8s  %-10s %s\n", "figure", "scope", "bare", "ratio", "goal", "unit");

  scope = measure (FALSE, opt_cancels, clock, &scope_fps);
  bare = measure (TRUE, opt_cancels, clock, &bare_fps);
  print_figures ("idle owner", "<= 1 ms", opt_cancels, scope, bare);
  g_print ("%-52s %8.1f %8.1f %8s  %-10s %s\n", "frames painted per second, idle owner",
           scope_fps, bare_fps, "", "", "fps");
  g_free (scope);
  g_free (bare);

  monitor = cancel_gtk_monitor_new (registry);
  gtk_window_set_child (GTK_WINDOW (window), monitor);
  tick_id = gtk_widget_add_tick_callback (monitor, test_redraw_every_frame, NULL, NULL);
  test_run_for (1000);
  scope = measure (FALSE, opt_cancels, clock, &scope_fps);
  bare = measure (TRUE, opt_cancels, clock, &bare_fps);
  gtk_widget_remove_tick_callback (monitor, tick_id);
  print_figures ("owner drawing", "<= 16 ms", opt_cancels, scope, bare);
  g_print ("%-52s %8.1f %8.1f %8s  %-10s %s\n", "frames painted per second, owner drawing",
           scope_fps, bare_fps, "", "", "fps");
  g_free (scope);
  g_free (bare);

  for (i = 0; i < operations->len; i++)
    cancel_scope_end (g_ptr_array_index (operations, i));
  g_ptr_array_set_size (operations, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  test_run_for (200);
  g_main_context_release (NULL);

  return 0;
}
