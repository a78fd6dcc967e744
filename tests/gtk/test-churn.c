/* test-churn.c: the monitor under many operations: cancel all in batches,
 * and nothing left running once they ended
 *
 * Cancelling every operation is one call, but the rows leave the live
 * list in bounded batches over several iterations (the monitor's copy of
 * the registry's list is paced, see cancel-gtk-mirror.c), so no frame
 * waits for GTK to rebuild hundreds of rows. Once nothing runs, the main
 * context has no timer and no source ready: an idle monitor costs nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancel-gtk.h>

#include "cancel-gtk-mirror-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-scroll-bin-private.h"
#include "gtk-test-util.h"
#include "scope-test-util.h"
#include "../gtk-known-warnings.h"

/* Far more than the ~200 rows GTK keeps bound; fewer under valgrind,
 * which runs GTK some 50 times slower. */
static guint n_operations = 1500;

typedef struct
{
  CancelRegistry   *registry;
  CancelGtkMonitor *monitor;
  GtkWidget        *window;
  GPtrArray        *scopes;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  /* A focused entry's blinking cursor is a timer of its own. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  f->registry = cancel_registry_new ();
  f->monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (f->registry));
  f->window = test_show_in_window (GTK_WIDGET (f->monitor), 1280, 800);
  f->scopes = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  guint i;

  for (i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);

      if (cancel_scope_get_end_time (scope) == 0)
        cancel_scope_end (scope);
    }
  g_ptr_array_unref (f->scopes);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->registry);
}

/* The monitor's copy of the registry's live list, under its tree. */
static GListModel *
live_mirror (Fixture *f)
{
  GListModel *rows = _cancel_gtk_monitor_get_live_rows (f->monitor);
  GListModel *tree = gtk_single_selection_get_model (GTK_SINGLE_SELECTION (rows));
  GListModel *roots = gtk_tree_list_model_get_model (GTK_TREE_LIST_MODEL (tree));

  return gtk_filter_list_model_get_model (GTK_FILTER_LIST_MODEL (roots));
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (_cancel_gtk_monitor_get_live_rows (f->monitor));
}

static gboolean
all_rows_listed (gpointer data)
{
  Fixture *f = data;

  return n_rows (f) == n_operations && !_cancel_gtk_mirror_is_behind (live_mirror (f));
}

typedef struct
{
  guint n_emissions;
  guint n_removed;
  guint max_removed;
} Removals;

static void
on_mirror_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Removals   *removals)
{
  g_assert_cmpuint (added, ==, 0);
  removals->n_emissions++;
  removals->n_removed += removed;
  removals->max_removed = MAX (removals->max_removed, removed);
}

static void
test_churn_cancel_all_in_batches (Fixture       *f,
                                  gconstpointer  data)
{
  GListModel *mirror;
  Removals removals = { 0, };
  gboolean seen_partly_gone = FALSE;
  guint i;

  for (i = 0; i < n_operations; i++)
    {
      g_autofree char *name = g_strdup_printf ("Operation %u", i);

      test_start_scope (f->registry, f->scopes, NULL, name);
    }
  test_wait_for (all_rows_listed, f, "all rows listed");

  /* One emission per iteration, however fast the machine: the batches
   * are counted, not timed. */
  mirror = live_mirror (f);
  _cancel_gtk_mirror_set_budget (mirror, 1);
  g_signal_connect (mirror, "items-changed", G_CALLBACK (on_mirror_changed), &removals);

  /* As the Cancel All button does: every operation is cancelled by the
   * time the action returns. */
  gtk_widget_activate_action (GTK_WIDGET (f->monitor), "monitor.cancel-all", NULL);
  for (i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);

      g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
      g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Cancelled by user");
    }

  /* Their owners see it and end them, all at once. */
  for (i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);
      g_autoptr(GError) error = NULL;

      g_assert_true (cancel_scope_set_error_if_cancelled (scope, &error));
      cancel_scope_fail (scope, error);
    }

  /* The rows go in batches, one per iteration. */
  {
    gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;

    while (n_rows (f) > 0 || _cancel_gtk_mirror_is_behind (mirror))
      {
        guint n = n_rows (f);

        if (n > 0 && n < n_operations)
          seen_partly_gone = TRUE;
        if (g_get_monotonic_time () > deadline)
          g_error ("%u rows left after %d s", n, TEST_TIMEOUT_SECONDS);
        g_main_context_iteration (NULL, TRUE);
      }
  }

  g_assert_true (seen_partly_gone);
  g_assert_cmpuint (removals.n_removed, ==, n_operations);
  g_assert_cmpuint (removals.n_emissions, >, 1);
  g_assert_cmpuint (removals.max_removed, <, n_operations);

  /* The last batch left nothing: no row, no live operation. */
  g_assert_cmpuint (g_list_model_get_n_items (mirror), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->registry)), ==, 0);
  g_assert_cmpuint (n_rows (f), ==, 0);

  g_signal_handlers_disconnect_by_func (mirror, on_mirror_changed, &removals);
}

/* Whether the default context would sleep until an event: no source
 * ready and no timer (a timeout, an idle, a frame clock that ticks). */
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

/* Not test_wait_for(): its guard is a timer. */
static void
wait_until_context_sleeps (void)
{
  gint64 deadline = g_get_monotonic_time () + TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!context_sleeps ())
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The main context still has a timer or a ready source after %d s",
                 TEST_TIMEOUT_SECONDS);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_rows (gpointer data)
{
  Fixture *f = data;

  return n_rows (f) == 3;
}

static gboolean
has_no_row (gpointer data)
{
  Fixture *f = data;

  return n_rows (f) == 0;
}

/* Once the last operation ended, the monitor's timer, the timeline's
 * scrolling and every frame stop: the main context would sleep forever. */
static void
test_churn_idle_sleeps (Fixture       *f,
                        gconstpointer  data)
{
  guint i;

  /* Shown with nothing to show. */
  wait_until_context_sleeps ();

  for (i = 0; i < 3; i++)
    test_start_scope (f->registry, f->scopes, NULL, "Work");
  cancel_scope_report_progress (g_ptr_array_index (f->scopes, 0), 0.5, "Half");
  test_wait_for (has_rows, f, "three rows");
  g_assert_true (_cancel_gtk_monitor_get_ticking (f->monitor));

  for (i = 0; i < f->scopes->len; i++)
    cancel_scope_end (g_ptr_array_index (f->scopes, i));
  test_wait_for (has_no_row, f, "no row");

  wait_until_context_sleeps ();
  g_assert_false (_cancel_gtk_monitor_get_ticking (f->monitor));
}

typedef struct
{
  Fixture       *f;
  guint          rows;
  GdkFrameClock *clock;
  gint64         frame;
} RowsThenFrame;

/* The live list has @rows rows, and a frame was drawn since. */
static gboolean
rows_then_frame (gpointer data)
{
  RowsThenFrame *wait = data;

  if (wait->frame < 0)
    {
      if (n_rows (wait->f) != wait->rows || _cancel_gtk_mirror_is_behind (live_mirror (wait->f)))
        return FALSE;
      wait->frame = gdk_frame_clock_get_frame_counter (wait->clock);
      gtk_widget_queue_draw (wait->f->window);
    }

  return gdk_frame_clock_get_frame_counter (wait->clock) > wait->frame;
}

static void
wait_rows_then_frame (Fixture *f,
                      guint    rows)
{
  RowsThenFrame wait = { f, rows, gtk_widget_get_frame_clock (f->window), -1 };

  test_wait_for (rows_then_frame, &wait, "the rows, then a frame");
}

/* Once a change was laid out, the bin answers the height the scrolled
 * window gives. */
static void
assert_same_height (GtkWidget *bin,
                    GtkWidget *scrolled)
{
  int bin_min, bin_nat, min, nat;

  test_run_for (100);
  gtk_widget_measure (bin, GTK_ORIENTATION_VERTICAL, -1, &bin_min, &bin_nat, NULL, NULL);
  gtk_widget_measure (scrolled, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (bin_min, ==, min);
  g_assert_cmpint (bin_nat, ==, nat);
}

/* Rows come and go at the top of the view, but the window's size is
 * computed without measuring the ~200 rows the list keeps: the list's
 * scroll bin measures its scrolled window's height when shown and when
 * something that height depends on changed, never for the rows, and
 * answers what the scrolled window would have. */
static void
test_churn_rows_not_measured_for_window_size (Fixture       *f,
                                              gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (_cancel_gtk_monitor_get_live_view (f->monitor));
  GtkWidget *scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *bin = gtk_widget_get_ancestor (view, CANCEL_GTK_TYPE_SCROLL_BIN);
  g_autoptr(GtkCssProvider) padded = gtk_css_provider_new ();
  int bin_min, bin_nat, min, nat;
  guint measures, round, i, n = 300;

  g_assert_nonnull (bin);
  g_assert_true (gtk_widget_get_parent (scrolled) == bin);
  gtk_css_provider_load_from_data (padded, "scrolledwindow.cancel-test-padded { padding-top: 60px; }", -1);
  /* Scroll bars that stay put: an overlay indicator's height changes
   * while it fades in and out (seconds after the rows first show), and
   * the height does depend on it, so each of those frames measures. */
  gtk_scrolled_window_set_overlay_scrolling (GTK_SCROLLED_WINDOW (scrolled), FALSE);

  for (i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Operation %u", i);

      test_start_scope (f->registry, f->scopes, NULL, name);
    }
  wait_rows_then_frame (f, n);
  /* The column view's header got its height in that frame's allocation,
   * after the measure: the next measure sees it (and measures again). */
  gtk_widget_queue_resize (bin);
  wait_rows_then_frame (f, n);
  measures = _cancel_gtk_scroll_bin_get_n_height_measures (CANCEL_GTK_SCROLL_BIN (bin));
  g_assert_cmpuint (measures, >=, 1);

  /* The oldest ten end (the top rows), ten begin: twenty times. */
  for (round = 0; round < 20; round++)
    {
      for (i = 0; i < 10; i++)
        cancel_scope_end (g_ptr_array_index (f->scopes, round * 10 + i));
      wait_rows_then_frame (f, n - 10);
      for (i = 0; i < 10; i++)
        {
          g_autofree char *name = g_strdup_printf ("Later %u", round * 10 + i);

          test_start_scope (f->registry, f->scopes, NULL, name);
        }
      wait_rows_then_frame (f, n);
    }
  g_assert_cmpuint (_cancel_gtk_scroll_bin_get_n_height_measures (CANCEL_GTK_SCROLL_BIN (bin)), ==, measures);

  /* What it answers is what the scrolled window gives. */
  assert_same_height (bin, scrolled);
  gtk_widget_measure (bin, GTK_ORIENTATION_HORIZONTAL, -1, &bin_min, &bin_nat, NULL, NULL);
  gtk_widget_measure (scrolled, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (bin_min, ==, min);
  g_assert_cmpint (bin_nat, ==, nat);
  g_assert_cmpint (gtk_widget_get_height (scrolled), ==, gtk_widget_get_height (bin));
  g_assert_cmpint (gtk_widget_get_width (scrolled), ==, gtk_widget_get_width (bin));

  /* What the height does depend on, changed while shown, is seen at
   * once: a frame, CSS padding, a minimum content height. */
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  assert_same_height (bin, scrolled);
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (bin), GTK_STYLE_PROVIDER (padded),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_widget_add_css_class (scrolled, "cancel-test-padded");
  assert_same_height (bin, scrolled);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 250);
  assert_same_height (bin, scrolled);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), -1);
  gtk_widget_remove_css_class (scrolled, "cancel-test-padded");
  gtk_style_context_remove_provider_for_display (gtk_widget_get_display (bin), GTK_STYLE_PROVIDER (padded));
  gtk_scrolled_window_set_has_frame (GTK_SCROLLED_WINDOW (scrolled), FALSE);
  assert_same_height (bin, scrolled);
  measures = _cancel_gtk_scroll_bin_get_n_height_measures (CANCEL_GTK_SCROLL_BIN (bin));

  /* Shown again (a CSS size given to the scrolled window meanwhile is
   * seen then): measured again. */
  gtk_widget_set_visible (GTK_WIDGET (f->monitor), FALSE);
  test_run_for (50);
  gtk_widget_set_visible (GTK_WIDGET (f->monitor), TRUE);
  wait_rows_then_frame (f, n);
  g_assert_cmpuint (_cancel_gtk_scroll_bin_get_n_height_measures (CANCEL_GTK_SCROLL_BIN (bin)), ==, measures + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();
  if (!test_init_gtk_or_skip ())
    return 0;
  if (g_getenv ("CANCEL_TEST_VALGRIND") != NULL)
    n_operations = 300;

  g_test_add ("/CancelGtk/Churn/cancel-all-in-batches", Fixture, NULL,
              fixture_setup, test_churn_cancel_all_in_batches, fixture_teardown);
  g_test_add ("/CancelGtk/Churn/idle-sleeps", Fixture, NULL,
              fixture_setup, test_churn_idle_sleeps, fixture_teardown);
  g_test_add ("/CancelGtk/Churn/rows-not-measured-for-window-size", Fixture, NULL,
              fixture_setup, test_churn_rows_not_measured_for_window_size, fixture_teardown);

  return g_test_run ();
}
