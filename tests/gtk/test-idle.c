/* test-idle.c: a monitor with nothing to show costs nothing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * While operations run, the monitor's refresh timer ticks, the timeline
 * scrolls and the progress bar of an operation of unknown progress pulses.
 * Once none runs, all of that stops: no timer, no frame, until the lists
 * change again. Frames are counted with the window's frame clock.
 */

#include <string.h>

#include <cancel-gtk.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-timeline-private.h"
#include "gtk-test-util.h"
#include "../gtk-known-warnings.h"

/* A window that settles (the last refresh, a scroll bar fading out) is
 * quiet for this long. */
#define QUIET_MS 500

typedef struct
{
  CancelRegistry   *registry;
  CancelGtkMonitor *monitor;
  GtkWidget        *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (f->registry));
  f->window = test_show_in_window (GTK_WIDGET (f->monitor), 1100, 700);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->registry);
}

static CancelScope *
start_scope (Fixture    *f,
             const char *name)
{
  CancelScope *scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

  cancel_scope_set_registry (scope, f->registry);
  cancel_scope_begin (scope);

  return scope;
}

static gint64
frame_counter (Fixture *f)
{
  return gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (f->window));
}

/* Neither the monitor's timer nor the timeline's next frame of scrolling
 * is armed. (The latter is not while a frame it asked for is pending:
 * only a whole quiet period tells.) */
static gboolean
is_quiet (gpointer data)
{
  Fixture *f = data;

  return !_cancel_gtk_monitor_get_ticking (f->monitor) &&
         !_cancel_gtk_timeline_get_scrolling (_cancel_gtk_monitor_get_timeline (f->monitor));
}

static gboolean
is_ticking (gpointer data)
{
  Fixture *f = data;

  return _cancel_gtk_monitor_get_ticking (f->monitor) &&
         _cancel_gtk_timeline_get_scrolling (_cancel_gtk_monitor_get_timeline (f->monitor));
}

/* Runs the main loop until a whole QUIET_MS passed without a frame. Not
 * test_wait_for(): a main loop that has nothing to do blocks. */
static void
wait_for_no_frame (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  gint64 frame;

  do
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The window still draws after %d s", TEST_TIMEOUT_SECONDS);

      frame = frame_counter (f);
      test_run_for (QUIET_MS);
    }
  while (frame_counter (f) != frame);
}

typedef struct
{
  Fixture    *f;
  const char *stat;
  const char *text;
} StatQuery;

static gboolean
stat_is (gpointer data)
{
  StatQuery *query = data;

  return g_strcmp0 (_cancel_gtk_monitor_get_stat_text (query->f->monitor, query->stat), query->text) == 0;
}

static void
wait_for_stat (Fixture    *f,
               const char *stat,
               const char *text)
{
  StatQuery query = { f, stat, text };

  test_wait_for (stat_is, &query, "a statistic");
}

static gboolean
has_one_row (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (_cancel_gtk_monitor_get_live_rows (f->monitor)) == 1;
}

/* Watches the idle monitor: nothing ticks, and the window draws nothing. */
static void
assert_idle (Fixture *f)
{
  CancelGtkTimeline *timeline = _cancel_gtk_monitor_get_timeline (f->monitor);
  guint draws;
  gint64 frame;

  test_wait_for (is_quiet, f, "the monitor to stop ticking");
  wait_for_no_frame (f);

  draws = _cancel_gtk_timeline_get_n_draws (timeline);
  frame = frame_counter (f);
  test_run_for (1500);

  g_assert_true (is_quiet (f));
  g_assert_cmpuint (_cancel_gtk_timeline_get_n_draws (timeline), ==, draws);
  g_assert_cmpint (frame_counter (f), ==, frame);
}

static void
test_idle_empty (Fixture       *f,
                 gconstpointer  data)
{
  assert_idle (f);
}

static void
test_idle_after_work (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CancelScope) work = NULL;
  g_autoptr(CancelScope) quick = NULL;
  CancelGtkTimeline *timeline = _cancel_gtk_monitor_get_timeline (f->monitor);
  const char *started;
  guint draws;

  assert_idle (f);

  /* Work of unknown progress, selected: everything counts. */
  work = start_scope (f, "Work");
  cancel_scope_report_progress (work, -1, "Waiting");
  test_wait_for (has_one_row, f, "the row of the work");
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (_cancel_gtk_monitor_get_live_rows (f->monitor)),
                                                  0, TRUE));
  g_assert_true (cancel_gtk_monitor_get_selected (f->monitor) == work);
  test_wait_for (is_ticking, f, "the monitor to tick");
  draws = _cancel_gtk_timeline_get_n_draws (timeline);
  /* A few refreshes, which pulse the row, and frames of scrolling (at
   * least 100 ms apart; between the timeout and the frame it asks for,
   * no next one is armed yet). */
  test_run_for (1000);
  g_assert_cmpuint (_cancel_gtk_timeline_get_n_draws (timeline), >=, draws + 2);
  g_assert_true (_cancel_gtk_monitor_get_ticking (f->monitor));

  cancel_scope_end (work);
  assert_idle (f);

  /* The last refresh left the final figures, and the details of the
   * ended operation do not count the time since it started. */
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "completed"), ==, "1");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "running"), ==, "0");
  started = _cancel_gtk_monitor_get_details_text (f->monitor, "started");
  g_assert_null (strstr (started, "ago"));
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "status"), ==, "Completed");

  /* The picture stays: the lane of the work, at the right edge. */
  g_assert_cmpuint (_cancel_gtk_timeline_get_lanes (timeline)->len, ==, 1);

  /* An operation that began and ended between two publishes never shows
   * as live: the statistics follow the history all the same. */
  quick = start_scope (f, "Quick");
  cancel_scope_end (quick);
  wait_for_stat (f, "completed", "2");
  assert_idle (f);
  g_assert_cmpuint (_cancel_gtk_timeline_get_lanes (timeline)->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  if (!test_init_gtk_or_skip ())
    return 0;

  g_test_add ("/CancelGtk/Idle/empty", Fixture, NULL,
              fixture_setup, test_idle_empty, fixture_teardown);
  g_test_add ("/CancelGtk/Idle/after-work", Fixture, NULL,
              fixture_setup, test_idle_after_work, fixture_teardown);

  return g_test_run ();
}
