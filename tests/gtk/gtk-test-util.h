/* gtk-test-util.h: helpers shared by the GTK tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdlib.h>

#include <gtk/gtk.h>

/* A failure guard only: conditions are met in milliseconds, but a loaded
 * 2-core machine under valgrind may take much longer. */
#define TEST_TIMEOUT_SECONDS 60

typedef gboolean (*TestCondition) (gpointer data);

static inline gboolean
test_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until @condition holds; fails the
 * test after TEST_TIMEOUT_SECONDS. */
static inline void
test_wait_for (TestCondition  condition,
               gpointer       data,
               const char    *what)
{
  gboolean timed_out = FALSE;
  const char *factor = g_getenv ("CANCEL_TEST_TIME_FACTOR");
  guint timeout_id = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS * (factor != NULL ? MAX (atoi (factor), 1) : 1),
                                            test_timed_out, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out waiting for %s", what);

  g_source_remove (timeout_id);
}

/* Iterates the main context until @condition holds or @ms passed;
 * returns whether it holds. */
static inline gboolean
test_wait_for_at_most (TestCondition condition,
                       gpointer      data,
                       guint         ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (ms, test_timed_out, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  return condition (data);
}

/* Runs the main context for @ms milliseconds: lets the frame clock lay
 * out and draw what changed. Not a wait for a condition. */
static inline void
test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, test_timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static inline void
test_collect_descendants (GtkWidget *widget,
                          GType      type,
                          GPtrArray *found)
{
  GtkWidget *child;

  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    g_ptr_array_add (found, widget);

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    test_collect_descendants (child, type, found);
}

/* The descendants of @widget (itself included) of @type, depth first. */
static inline GPtrArray *
test_find_descendants (GtkWidget *widget,
                       GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  test_collect_descendants (widget, type, found);
  return found;
}

/* A window of @width × @height holding @child, shown. */
static inline GtkWidget *
test_show_in_window (GtkWidget *child,
                     int        width,
                     int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* Whether Tab can reach @widget at all: GTK asks a widget only if it and
 * every ancestor are shown, sensitive and can-focus. */
static inline gboolean
test_tab_can_ask (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget) ||
        !gtk_widget_get_can_focus (widget))
      return FALSE;

  return TRUE;
}

/* GTK moves the focus by asking each widget in turn to take it
 * (GtkWidget::focus); one that answers "taken" without taking it keeps
 * the focus where it was, press after press (GTK 4.8's selectable label
 * that is not focusable does). Asks every widget under @widget that Tab
 * can reach, in both directions, from nothing focused, and fails on a
 * claim without the focus; returns how many it asked. */
static inline guint
test_assert_no_false_focus_claims (GtkWidget *widget)
{
  static const GtkDirectionType directions[] = { GTK_DIR_TAB_FORWARD, GTK_DIR_TAB_BACKWARD };
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GPtrArray) widgets = test_find_descendants (widget, GTK_TYPE_WIDGET);
  GtkWidget *saved = gtk_root_get_focus (root);
  guint i, d, asked = 0;

  if (saved != NULL)
    g_object_ref (saved);

  for (i = 0; i < widgets->len; i++)
    {
      GtkWidget *candidate = g_ptr_array_index (widgets, i);

      if (!test_tab_can_ask (candidate))
        continue;

      asked++;
      for (d = 0; d < G_N_ELEMENTS (directions); d++)
        {
          GtkWidget *focus, *parent = gtk_widget_get_parent (candidate);

          gtk_root_set_focus (root, NULL);
          if (!gtk_widget_child_focus (candidate, directions[d]))
            continue;

          focus = gtk_root_get_focus (root);
          if (focus == NULL || (focus != candidate && !gtk_widget_is_ancestor (focus, candidate)))
            g_error ("%s (in %s) claimed the focus (%s) and did not take it",
                     G_OBJECT_TYPE_NAME (candidate), parent != NULL ? G_OBJECT_TYPE_NAME (parent) : "nothing",
                     d == 0 ? "Tab" : "Shift+Tab");
        }
    }

  gtk_root_set_focus (root, saved);
  g_clear_object (&saved);

  return asked;
}

/* GTK's Inspector window, when it is open (its type is private). */
static inline GtkWidget *
test_find_inspector (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (window), "GtkInspectorWindow"))
        return window;
    }

  return NULL;
}

static inline gboolean
test_inspector_exists (gpointer data)
{
  return test_find_inspector () != NULL;
}

/* TAP for a program that cannot run at all here: no display. */
static inline gboolean
test_init_gtk_or_skip (void)
{
  if (gtk_init_check ())
    return TRUE;

  g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
  return FALSE;
}

/* For the benchmarks: a tick callback that redraws @widget every frame,
 * as a busy application does. */
static inline gboolean
test_redraw_every_frame (GtkWidget     *widget,
                         GdkFrameClock *clock,
                         gpointer       user_data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* For sorting gint64 samples (qsort(), g_array_sort()). */
static inline int
test_compare_gint64 (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}
