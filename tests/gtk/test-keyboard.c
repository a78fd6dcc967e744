/* test-keyboard.c: Tab through the monitor never sticks
 *
 * A widget that answers Tab with "taken" without taking the focus keeps
 * it where it was, press after press (see
 * test_assert_no_false_focus_claims()). The details pane's labels did:
 * with an operation selected, Shift+Tab stayed on the timeline for good
 * (issue 10, the demo's keyboard test under load). Also: a lap each way
 * passes every part, and Delete on a focused row leaves the focus usable.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancel-gtk.h>

#include "cancel-gtk-monitor-private.h"
#include "gtk-test-util.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  CancelRegistry   *registry;
  CancelGtkMonitor *monitor;
  GtkWidget        *window;
  CancelScope      *job;
  CancelScope      *part;
} Fixture;

/* A part of the monitor's template: "details", "timeline", ... */
static GtkWidget *
monitor_part (Fixture    *f,
              const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->monitor), CANCEL_GTK_TYPE_MONITOR, name));
}

static gboolean
has_two_rows (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (_cancel_gtk_monitor_get_live_rows (f->monitor)) == 2;
}

static gboolean
details_mapped (gpointer data)
{
  Fixture *f = data;
  GtkWidget *details = monitor_part (f, "details");

  return gtk_widget_get_mapped (details) && gtk_widget_get_width (details) > 0;
}

/* A monitor with an operation selected: the details pane shows. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (f->registry));
  f->window = test_show_in_window (GTK_WIDGET (f->monitor), 1100, 700);

  f->job = cancel_scope_new_full (NULL, "Job", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_registry (f->job, f->registry);
  cancel_scope_begin (f->job);
  f->part = cancel_scope_new_full (f->job, "Part", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_begin (f->part);

  test_wait_for (has_two_rows, f, "two live rows");
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (_cancel_gtk_monitor_get_live_rows (f->monitor)),
                                                  0, TRUE));
  test_wait_for (details_mapped, f, "the details pane");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (cancel_scope_get_end_time (f->part) == 0)
    cancel_scope_end (f->part);
  if (cancel_scope_get_end_time (f->job) == 0)
    cancel_scope_end (f->job);
  g_object_unref (f->part);
  g_object_unref (f->job);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->registry);
}

static const char *
describe (GtkWidget *widget)
{
  static char description[160];
  GtkWidget *parent = widget != NULL ? gtk_widget_get_parent (widget) : NULL;

  g_snprintf (description, sizeof description, "%s (in %s)",
              widget != NULL ? G_OBJECT_TYPE_NAME (widget) : "nothing",
              parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing");
  return description;
}

/* Every widget Tab can ask takes the focus when it says it did: the
 * details pane's labels did not. */
static void
test_no_false_claims (Fixture       *f,
                      gconstpointer  data)
{
  guint asked = test_assert_no_false_focus_claims (f->window);

  g_test_message ("asked %u widgets in both directions", asked);
  g_assert_cmpuint (asked, >, 40);
}

/* A button whose label starts with @text (the stack switcher's show a
 * label child, "Live (2)"). */
static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *text)
{
  GtkWidget *label = widget;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;
  while (label != NULL && !GTK_IS_LABEL (label))
    label = gtk_widget_get_first_child (label);

  return label != NULL && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), text);
}

/* A whole lap of Tab, then of Shift+Tab: every press moves the focus,
 * and the lap passes the tabs, the filter and the timeline. */
static void
test_lap (Fixture       *f,
          gconstpointer  data)
{
  static const GtkDirectionType directions[] = { GTK_DIR_TAB_FORWARD, GTK_DIR_TAB_BACKWARD };
  GtkWidget *search = monitor_part (f, "search_entry");
  GtkWidget *timeline = monitor_part (f, "timeline");
  guint d;

  for (d = 0; d < G_N_ELEMENTS (directions); d++)
    {
      gboolean live = FALSE, history = FALSE, filter = FALSE, in_timeline = FALSE;
      GtkWidget *first = NULL, *last = NULL;
      guint presses;

      /* A window never refuses Tab: past its last stop it starts over. */
      gtk_root_set_focus (GTK_ROOT (f->window), NULL);
      for (presses = 0; presses < 100; presses++)
        {
          GtkWidget *focus;

          g_assert_true (gtk_widget_child_focus (f->window, directions[d]));
          focus = gtk_root_get_focus (GTK_ROOT (f->window));
          if (focus == NULL || focus == last)
            g_error ("%s press %u kept the focus on %s",
                     d == 0 ? "Tab" : "Shift+Tab", presses + 1, describe (focus));
          if (focus == first)
            break;
          if (first == NULL)
            first = focus;
          last = focus;

          live |= is_button_labelled (focus, "Live");
          history |= is_button_labelled (focus, "History");
          filter |= gtk_widget_is_ancestor (focus, search);
          in_timeline |= focus == timeline || gtk_widget_is_ancestor (focus, timeline);
        }

      g_assert_cmpuint (presses, <, 100);
      g_test_message ("%s: a lap of %u stops", d == 0 ? "Tab" : "Shift+Tab", presses);
      g_assert_true (live);
      g_assert_true (history);
      g_assert_true (filter);
      g_assert_true (in_timeline);
    }
}

static gboolean
has_no_rows (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (_cancel_gtk_monitor_get_live_rows (f->monitor)) == 0;
}

/* Delete on the focused row: the operation is cancelled, and when its row
 * leaves the list the focus stays in the monitor, where Tab goes on. */
static void
test_delete_focused_row (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *view = monitor_part (f, "live_view");
  GtkWidget *focus;

  gtk_root_set_focus (GTK_ROOT (f->window), NULL);
  g_assert_true (gtk_widget_child_focus (view, GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (gtk_widget_is_ancestor (focus, view));

  g_assert_true (gtk_widget_activate_action (focus, "monitor.cancel-selected", NULL));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (f->job)));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (f->part)));
  cancel_scope_end (f->part);
  cancel_scope_end (f->job);
  test_wait_for (has_no_rows, f, "the rows to leave");
  test_run_for (200);

  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_test_message ("the focus once the rows left: %s", focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (f->monitor)));
  g_assert_true (gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) != focus);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  if (!test_init_gtk_or_skip ())
    return 0;

  g_test_add ("/CancelGtk/Keyboard/no-false-claims", Fixture, NULL,
              fixture_setup, test_no_false_claims, fixture_teardown);
  g_test_add ("/CancelGtk/Keyboard/lap", Fixture, NULL,
              fixture_setup, test_lap, fixture_teardown);
  g_test_add ("/CancelGtk/Keyboard/delete-focused-row", Fixture, NULL,
              fixture_setup, test_delete_focused_row, fixture_teardown);

  return g_test_run ();
}
