/* test-timeline.c: the monitor's timeline
 *
 * What a user relies on: hovering a bar tells which operation it is,
 * clicking it selects that operation in the monitor's tree, zooming and
 * panning change the time shown (and leave "now" until asked back), the
 * empty timeline says what its axis shows, time moves the picture only
 * while something runs and the view follows now. Last, screenshots of
 * the monitor with a nested history, at 1280x800 and 800x600, saved as
 * $G_TEST_BUILDDIR/timeline-1280.png and timeline-800.png (with
 * timeline-800-panned.png away from now, timeline-800-dark.png dark).
 *
 * Pointer input is driven through the widget's own controllers (GTK 4
 * cannot synthesize events), keys through the actions they are bound to.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cancel-gtk.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-timeline-draw-private.h"
#include "cancel-gtk-timeline-private.h"
#include "gtk-test-util.h"
#include "layout-test-util.h"
#include "scope-test-util.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  CancelRegistry    *registry;
  GPtrArray         *scopes;
  CancelGtkMonitor  *monitor;
  CancelGtkTimeline *timeline;
  GtkWidget         *window;
  guint              draws;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->scopes = g_ptr_array_new_with_free_func (g_object_unref);
  f->monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (f->registry));
  f->timeline = _cancel_gtk_monitor_get_timeline (f->monitor);
  f->window = test_show_in_window (GTK_WIDGET (f->monitor), 1280, 800);
}

/* The timeline alone, for what does not involve the monitor. */
static void
fixture_setup_alone (Fixture       *f,
                     gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->scopes = g_ptr_array_new_with_free_func (g_object_unref);
  f->timeline = CANCEL_GTK_TIMELINE (_cancel_gtk_timeline_new ());
  _cancel_gtk_timeline_set_registry (f->timeline, f->registry);
  f->window = test_show_in_window (GTK_WIDGET (f->timeline), 1000, 300);
}

static void
end_all (Fixture *f)
{
  for (guint i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);

      if (cancel_scope_get_end_time (scope) == 0 && cancel_scope_get_start_time (scope) != 0)
        cancel_scope_end (scope);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  end_all (f);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_ptr_array_unref (f->scopes);
  g_object_unref (f->registry);
}

static CancelScope *
start (Fixture     *f,
       CancelScope *parent,
       const char  *name)
{
  return test_start_scope (f->registry, f->scopes, parent, name);
}

static gboolean
drew_again (gpointer data)
{
  Fixture *f = data;

  return _cancel_gtk_timeline_get_n_draws (f->timeline) > f->draws;
}

/* Waits for a frame drawn after now: what the getters tell is about it. */
static void
wait_for_frame (Fixture *f)
{
  f->draws = _cancel_gtk_timeline_get_n_draws (f->timeline);
  gtk_widget_queue_draw (GTK_WIDGET (f->timeline));
  test_wait_for (drew_again, f, "a frame of the timeline");
}

static guint n_lanes_wanted;

static gboolean
has_lanes (gpointer data)
{
  Fixture *f = data;

  return _cancel_gtk_timeline_get_lanes (f->timeline)->len == n_lanes_wanted;
}

static void
wait_for_lanes (Fixture *f,
                guint    n)
{
  n_lanes_wanted = n;
  test_wait_for (has_lanes, f, "the timeline's rows");
}

static guint
lane_of (Fixture     *f,
         CancelScope *scope)
{
  GPtrArray *lanes = _cancel_gtk_timeline_get_lanes (f->timeline);
  guint index;

  g_assert_true (g_ptr_array_find (lanes, scope, &index));
  return index;
}

static void
bar_center (Fixture       *f,
            CancelScope   *scope,
            double        *x,
            double        *y)
{
  graphene_rect_t bar;

  g_assert_true (_cancel_gtk_timeline_get_bar (f->timeline, scope, &bar));
  g_assert_cmpfloat (bar.size.width, >, 0);
  *x = bar.origin.x + bar.size.width / 2;
  *y = bar.origin.y + bar.size.height / 2;
}

static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }

  g_assert_not_reached ();
}

/* Hovering a bar: the tooltip names its operation, and says how it ended. */
static void
test_timeline_tooltip (Fixture       *f,
                       gconstpointer  data)
{
  CancelScope *sync = start (f, NULL, "Sync mailbox");
  CancelScope *fetch = start (f, sync, "Fetch <headers>");
  CancelScope *other = start (f, NULL, "Export PDF");
  CancelScope *failed = start (f, NULL, "Upload report");
  GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  CancelScope *scopes[] = { sync, fetch, other, failed };
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  gboolean handled = FALSE;
  double x, y;

  test_run_for (100);
  cancel_scope_cancel (other, CANCEL_REASON_MANUAL, "Stopped by the user");
  cancel_scope_end (other);
  cancel_scope_fail (failed, error);
  wait_for_lanes (f, 4);
  wait_for_frame (f);

  /* Children under their parent. */
  g_assert_cmpuint (lane_of (f, fetch), ==, lane_of (f, sync) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autofree char *markup = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expected = NULL;

      bar_center (f, scopes[i], &x, &y);

      /* The path GTK takes when the pointer rests there. */
      g_signal_emit_by_name (f->timeline, "query-tooltip", (int) x, (int) y, FALSE, tooltip, &handled);
      g_assert_true (handled);

      markup = _cancel_gtk_timeline_get_tooltip_markup (f->timeline, x, y);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL));
      expected = g_strdup_printf ("%s\n", cancel_scope_get_name (scopes[i]));
      g_assert_true (g_str_has_prefix (text, expected));
      g_assert_nonnull (strstr (text, "Status: "));
      g_assert_nonnull (strstr (text, "Started at "));
      if (scopes[i] == other)
        {
          g_assert_nonnull (strstr (text, "Cancelled"));
          g_assert_nonnull (strstr (text, "Stopped by the user"));
          g_assert_nonnull (strstr (text, "Ended at "));
        }
      else if (scopes[i] == failed)
        g_assert_nonnull (strstr (text, "Error: Connection refused"));
      else
        g_assert_nonnull (strstr (text, "Running for "));
    }

  /* Over the axis, no tooltip. */
  g_signal_emit_by_name (f->timeline, "query-tooltip", 10,
                         gtk_widget_get_height (GTK_WIDGET (f->timeline)) - 5, FALSE, tooltip, &handled);
  g_assert_false (handled);

  g_object_unref (tooltip);
}

static void
on_activated (CancelGtkTimeline *timeline,
              CancelScope       *scope,
              CancelScope      **activated)
{
  g_set_object (activated, scope);
}

static CancelScope *
selected_in (GListModel *rows)
{
  gpointer item = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (rows));

  if (item == NULL)
    return NULL;
  if (GTK_IS_TREE_LIST_ROW (item))
    return gtk_tree_list_row_get_item (item);
  return g_object_ref (item);
}

static void
click (Fixture     *f,
       CancelScope *scope)
{
  GtkGesture *gesture = find_controller (GTK_WIDGET (f->timeline), GTK_TYPE_GESTURE_CLICK);
  double x, y;

  bar_center (f, scope, &x, &y);
  g_signal_emit_by_name (gesture, "released", 1, x, y);
}

/* Clicking a bar selects its operation: in the live tree while it runs,
 * in the history once it ended. */
static void
test_timeline_click (Fixture       *f,
                     gconstpointer  data)
{
  CancelScope *import = start (f, NULL, "Import photos");
  CancelScope *download = start (f, import, "Download IMG_0041.jpg");
  CancelScope *done = start (f, NULL, "Check for updates");
  g_autoptr(CancelScope) activated = NULL;
  g_autoptr(CancelScope) selected = NULL;

  g_signal_connect (f->timeline, "scope-activated", G_CALLBACK (on_activated), &activated);
  test_run_for (100);
  cancel_scope_end (done);
  wait_for_lanes (f, 3);
  wait_for_frame (f);

  click (f, download);
  g_assert_true (activated == download);
  g_assert_true (cancel_gtk_monitor_get_selected (f->monitor) == download);
  selected = selected_in (_cancel_gtk_monitor_get_live_rows (f->monitor));
  g_assert_true (selected == download);
  g_clear_object (&selected);
  g_assert_true (_cancel_gtk_timeline_get_selected (f->timeline) == download);

  click (f, done);
  g_assert_true (activated == done);
  g_assert_true (cancel_gtk_monitor_get_selected (f->monitor) == done);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (_cancel_gtk_monitor_get_stack (f->monitor)), ==, "history");
  selected = selected_in (_cancel_gtk_monitor_get_history_rows (f->monitor));
  g_assert_true (selected == done);
  g_clear_object (&selected);

  /* Selecting in the tree shows in the timeline. */
  gtk_stack_set_visible_child_name (_cancel_gtk_monitor_get_stack (f->monitor), "live");
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (_cancel_gtk_monitor_get_live_rows (f->monitor)), 0);
  g_assert_true (_cancel_gtk_timeline_get_selected (f->timeline) == import);

  /* The keyboard: down from the selection, then Enter. */
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f->timeline)));
  wait_for_frame (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-cursor", "i", 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.activate-cursor", NULL));
  g_assert_true (activated == download);
  g_assert_true (cancel_gtk_monitor_get_selected (f->monitor) == download);
}

/* Reachable by keyboard, with a role and a name; the keyboard's row is
 * its description. */
static void
test_timeline_accessible (Fixture       *f,
                          gconstpointer  data)
{
  GtkAccessible *timeline = GTK_ACCESSIBLE (f->timeline);
  CancelScope *work = start (f, NULL, "Work");

  wait_for_lanes (f, 1);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (f->timeline)));
  gtk_test_accessible_assert_role (timeline, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (timeline, GTK_ACCESSIBLE_PROPERTY_LABEL, "Timeline of operations");

  /* Tab reaches it. */
  for (guint i = 0; i < 100 && !gtk_widget_has_focus (GTK_WIDGET (f->timeline)); i++)
    gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f->timeline)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-cursor", "i", 1));
  gtk_test_accessible_assert_property (timeline, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Work, Running");
  cancel_scope_end (work);
}

static void
get_range (Fixture *f,
           gint64  *from,
           gint64  *to)
{
  wait_for_frame (f);
  _cancel_gtk_timeline_get_visible_range (f->timeline, from, to);
}

/* Zoom and pan change the time shown; away from now, the view stays
 * there until "Jump to Now". */
static void
test_timeline_zoom_pan (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *timeline = GTK_WIDGET (f->timeline);
  GtkEventController *scroll = find_controller (timeline, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  GtkGesture *drag = find_controller (timeline, GTK_TYPE_GESTURE_DRAG);
  gint64 from, to, from2, to2;
  gboolean handled = FALSE;

  start (f, NULL, "Work");
  wait_for_lanes (f, 1);
  get_range (f, &from, &to);
  g_assert_true (_cancel_gtk_timeline_get_following (f->timeline));

  /* Zooming in (the + key) shows less time, still up to now. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.zoom", "i", 1));
  get_range (f, &from2, &to2);
  g_assert_cmpint (to2 - from2, <, to - from);
  g_assert_cmpint (to2, >=, to);
  g_assert_true (_cancel_gtk_timeline_get_following (f->timeline));

  /* And out (the - key). */
  from = from2, to = to2;
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.zoom", "i", -1));
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.zoom", "i", -1));
  get_range (f, &from2, &to2);
  g_assert_cmpint (to2 - from2, >, to - from);

  /* Panning back (the Left key) leaves now: the range stays put. */
  from = from2, to = to2;
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.pan", "i", -1));
  get_range (f, &from2, &to2);
  g_assert_false (_cancel_gtk_timeline_get_following (f->timeline));
  g_assert_cmpint (to2, <, to);
  g_assert_cmpint (to2 - from2, ==, to - from);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_first_child (timeline)));
  test_run_for (200);
  get_range (f, &from, &to);
  g_assert_cmpint (to, ==, to2);

  /* The wheel, sideways, moves back a tenth of the width per notch. */
  g_signal_emit_by_name (scroll, "scroll", -1.0, 0.0, &handled);
  g_assert_true (handled);
  get_range (f, &from2, &to2);
  g_assert_cmpint (to2, <, to);
  g_assert_cmpint (to2 - from2, ==, to - from);

  /* Dragging right shows earlier times. */
  from = from2, to = to2;
  g_signal_emit_by_name (drag, "drag-begin", 400.0, 100.0);
  g_signal_emit_by_name (drag, "drag-update", 100.0, 0.0);
  g_signal_emit_by_name (drag, "drag-end", 100.0, 0.0);
  get_range (f, &from2, &to2);
  g_assert_cmpint (to2, <, to);
  g_assert_cmpint (to2 - from2, ==, to - from);

  /* Zooming away from now keeps the view where it is. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.zoom", "i", 1));
  get_range (f, &from, &to);
  g_assert_false (_cancel_gtk_timeline_get_following (f->timeline));
  g_assert_cmpint (to - from, <, to2 - from2);
  g_assert_cmpint (from, >=, from2);
  g_assert_cmpint (to, <=, to2);

  /* Back to now (the End key, or the button). */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.jump-to-now", NULL));
  g_assert_true (_cancel_gtk_timeline_get_following (f->timeline));
  get_range (f, &from2, &to2);
  g_assert_cmpint (to2, >, to);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_first_child (timeline)));

  /* Panning forward to now (or past it) follows it again. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.pan", "i", -1));
  g_assert_false (_cancel_gtk_timeline_get_following (f->timeline));
  wait_for_frame (f);
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.pan", "i", 20));
  g_assert_true (_cancel_gtk_timeline_get_following (f->timeline));
}

static void save (Fixture    *f,
                  const char *name);

static gboolean
has_hidden_rows (gpointer data)
{
  Fixture *f = data;
  guint n = _cancel_gtk_timeline_get_lanes (f->timeline)->len;

  return n > 0 && n < f->scopes->len;
}

/* More rows than fit: the wheel and a drag scroll them. */
static void
test_timeline_scroll_rows (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *timeline = GTK_WIDGET (f->timeline);
  GtkEventController *scroll = find_controller (timeline, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  GtkGesture *drag = find_controller (timeline, GTK_TYPE_GESTURE_DRAG);
  CancelScope *first, *second, *third;
  gboolean handled = FALSE;
  GPtrArray *lanes;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("Operation %u", i);

      start (f, NULL, name);
    }
  test_wait_for (has_hidden_rows, f, "rows that do not fit");
  wait_for_frame (f);
  lanes = _cancel_gtk_timeline_get_lanes (f->timeline);
  first = g_ptr_array_index (lanes, 0);
  second = g_ptr_array_index (lanes, 1);
  third = g_ptr_array_index (lanes, 2);

  /* A notch down. */
  g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
  g_assert_true (handled);
  wait_for_frame (f);
  g_assert_true (g_ptr_array_index (lanes, 0) == second);

  /* Dragging up by a row shows the next one. */
  g_signal_emit_by_name (drag, "drag-begin", 100.0, 100.0);
  g_signal_emit_by_name (drag, "drag-update", 0.0, (double) -CANCEL_GTK_TIMELINE_ROW_HEIGHT);
  g_signal_emit_by_name (drag, "drag-end", 0.0, (double) -CANCEL_GTK_TIMELINE_ROW_HEIGHT);
  wait_for_frame (f);
  g_assert_true (g_ptr_array_index (lanes, 0) == third);
  /* Up and down only: the time shown stays on now. */
  g_assert_true (_cancel_gtk_timeline_get_following (f->timeline));

  /* Back to the top; no further. */
  g_signal_emit_by_name (scroll, "scroll", 0.0, -5.0, &handled);
  g_assert_true (handled);
  wait_for_frame (f);
  g_assert_true (g_ptr_array_index (lanes, 0) == first);
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_false (handled);
}

/* The empty timeline says what its axis shows. */
static void
test_timeline_empty (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *timeline = GTK_WIDGET (f->timeline);
  g_autofree char *span = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *clock_from = NULL;
  g_autofree char *clock_to = NULL;
  gint64 from, to;

  get_range (f, &from, &to);
  g_assert_cmpint (to - from, ==, 60 * G_USEC_PER_SEC);
  g_assert_cmpstr (_cancel_gtk_timeline_get_empty_text (f->timeline), ==, "No operations in the last 1:00");
  save (f, "timeline-empty.png");

  /* Zoomed, it says so. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.zoom", "i", 1));
  get_range (f, &from, &to);
  span = _cancel_gtk_format_duration (to - from);
  g_assert_cmpstr (span, ==, "48 s");
  expected = g_strdup_printf ("No operations in the last %s", span);
  g_assert_cmpstr (_cancel_gtk_timeline_get_empty_text (f->timeline), ==, expected);

  /* Away from now, it names the times at the axis' ends. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.pan", "i", -5));
  get_range (f, &from, &to);
  clock_from = _cancel_gtk_timeline_format_clock (from, FALSE);
  clock_to = _cancel_gtk_timeline_format_clock (to, FALSE);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("No operations from %s to %s", clock_from, clock_to);
  g_assert_cmpstr (_cancel_gtk_timeline_get_empty_text (f->timeline), ==, expected);

  /* An operation ends the empty state. */
  g_assert_true (gtk_widget_activate_action (timeline, "timeline.jump-to-now", NULL));
  start (f, NULL, "Work");
  wait_for_lanes (f, 1);
  wait_for_frame (f);
  g_assert_null (_cancel_gtk_timeline_get_empty_text (f->timeline));
}

static gboolean
is_scrolling (gpointer data)
{
  return _cancel_gtk_timeline_get_scrolling (data);
}

static gboolean
is_still (gpointer data)
{
  return !_cancel_gtk_timeline_get_scrolling (data);
}

/* Time moves the picture only while something runs and the view follows
 * now: no tick otherwise. */
static void
test_timeline_tick (Fixture       *f,
                    gconstpointer  data)
{
  CancelScope *work;
  guint draws;

  wait_for_frame (f);
  g_assert_false (_cancel_gtk_timeline_get_scrolling (f->timeline));

  work = start (f, NULL, "Work");
  test_wait_for (is_scrolling, f->timeline, "the timeline to follow the work");

  /* Away from now, the picture does not move. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.pan", "i", -1));
  test_wait_for (is_still, f->timeline, "the tick to stop");
  wait_for_frame (f);
  draws = _cancel_gtk_timeline_get_n_draws (f->timeline);
  test_run_for (500);
  g_assert_cmpuint (_cancel_gtk_timeline_get_n_draws (f->timeline), ==, draws);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.jump-to-now", NULL));
  test_wait_for (is_scrolling, f->timeline, "the timeline to follow again");

  cancel_scope_end (work);
  test_wait_for (is_still, f->timeline, "the tick to stop once nothing runs");
}

/* A morning of work: nested operations that ended in every way, and some
 * that still run. */
static void
run_scene (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CancelScope *sync, *calendar, *import, *backup, *index, *export;

  cancel_scope_end (start (f, NULL, "Check for updates"));
  sync = start (f, NULL, "Sync mailbox");
  cancel_scope_end (start (f, sync, "Fetch folders"));
  test_run_for (250);
  calendar = start (f, sync, "Fetch calendar");
  start (f, sync, "Fetch headers");
  cancel_scope_set_shielded (start (f, sync, "Save sync state"), TRUE);
  test_run_for (300);
  cancel_scope_cancel (calendar, CANCEL_REASON_TIMEOUT, NULL);
  cancel_scope_end (calendar);

  import = start (f, NULL, "Import photos");
  test_run_for (200);
  cancel_scope_end (start (f, import, "Download IMG_0040.jpg"));
  start (f, import, "Download IMG_0041.jpg");
  test_run_for (300);
  start (f, import, "Generate thumbnails");

  export = start (f, NULL, "Export PDF");
  test_run_for (400);
  cancel_scope_cancel (export, CANCEL_REASON_MANUAL, "Cancelled by user");
  test_run_for (100);
  cancel_scope_end (export);

  backup = start (f, NULL, "Back up database");
  cancel_scope_set_timeout (backup, 30, &error);
  g_assert_no_error (error);
  index = start (f, NULL, "Index documents");
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Permission denied");
  test_run_for (300);
  cancel_scope_fail (index, error);

  /* The sync times out as a whole: its children with it, but the
   * shielded one. */
  cancel_scope_cancel (sync, CANCEL_REASON_TIMEOUT, NULL);
  test_run_for (300);
}

static void
save (Fixture    *f,
      const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            name, NULL);

  wait_for_frame (f);
  test_save_screenshot (f->window, path);
}

static void
test_timeline_screenshot (Fixture       *f,
                          gconstpointer  data)
{
  run_scene (f);

  /* Every operation drawn, children under their parent. */
  test_run_for (300);
  save (f, "timeline-1280.png");

  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  test_run_for (500);
  save (f, "timeline-800.png");

  /* Zoomed in and back in time, with the keyboard's cursor. */
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  gtk_window_set_focus_visible (GTK_WINDOW (f->window), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.zoom", "i", 1);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.pan", "i", -3);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-cursor", "i", 2);
  test_run_for (300);
  save (f, "timeline-800-panned.png");

  /* Dark. */
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  test_run_for (300);
  save (f, "timeline-800-dark.png");
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  if (!test_init_gtk_or_skip ())
    return 0;

#define ADD(path, func) \
  g_test_add ("/CancelGtk/Timeline/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_ALONE(path, func) \
  g_test_add ("/CancelGtk/Timeline/" path, Fixture, NULL, fixture_setup_alone, func, fixture_teardown)

  ADD ("tooltip", test_timeline_tooltip);
  ADD ("click", test_timeline_click);
  ADD ("accessible", test_timeline_accessible);
  ADD_ALONE ("zoom-pan", test_timeline_zoom_pan);
  ADD_ALONE ("scroll-rows", test_timeline_scroll_rows);
  ADD_ALONE ("empty", test_timeline_empty);
  ADD_ALONE ("tick", test_timeline_tick);
  ADD ("screenshot", test_timeline_screenshot);

#undef ADD_ALONE
#undef ADD

  return g_test_run ();
}
