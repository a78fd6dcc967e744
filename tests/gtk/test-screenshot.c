/* test-screenshot.c: the monitor with live data, saved as a PNG
 *
 * Runs a few seconds of made-up work (a tree of downloads, a timed-out
 * sync, a shielded save, finished and failed operations), selects a
 * cancelled child to show its cause, and renders the window to
 * $G_TEST_BUILDDIR/monitor.png (or the path given as argument), then its
 * history tab to monitor-history.png beside it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancel-gtk.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-inspector-page-private.h"
#include "cancel-gtk-monitor-menus-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-timeline-private.h"
#include "gtk-test-util.h"
#include "layout-test-util.h"
#include "scope-test-util.h"
#include "../gtk-known-warnings.h"

static char *output_path;

typedef struct
{
  CancelRegistry *registry;
  GPtrArray      *scopes;
  guint           n_feeds;
} Scene;

static CancelScope *
start (Scene       *scene,
       CancelScope *parent,
       const char  *name)
{
  return test_start_scope (scene->registry, scene->scopes, parent, name);
}

static gboolean
end_later (gpointer data)
{
  CancelScope *scope = data;
  g_autoptr(GError) error = NULL;

  if (cancel_scope_get_end_time (scope) != 0)
    return G_SOURCE_REMOVE;

  if (cancel_scope_set_error_if_cancelled (scope, &error))
    cancel_scope_fail (scope, error);
  else
    cancel_scope_end (scope);

  return G_SOURCE_REMOVE;
}

static gboolean
start_feed (gpointer data)
{
  Scene *scene = data;
  g_autofree char *name = g_strdup_printf ("Refresh feed #%u", ++scene->n_feeds);
  CancelScope *scope = start (scene, NULL, name);

  /* Most complete, every fifth is cancelled half way. */
  if (scene->n_feeds % 5 == 0)
    {
      cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
      g_timeout_add (120, end_later, scope);
    }
  else
    g_timeout_add (250 + (scene->n_feeds * 137) % 600, end_later, scope);

  return scene->n_feeds < 18 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
reason_is_parent (gpointer data)
{
  return cancel_scope_get_reason (data) == CANCEL_REASON_PARENT;
}

#define save_screenshot test_save_screenshot

/* The Reason column's header, as the user sees it. */
static GtkWidget *
find_column_title (GtkWidget  *view,
                   const char *title)
{
  g_autoptr(GPtrArray) labels = test_find_descendants (view, GTK_TYPE_LABEL);
  guint i;

  for (i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), title) == 0)
      return g_ptr_array_index (labels, i);

  return NULL;
}

/* Cells draw their text: those without a tooltip to show the whole of
 * it (status, times) must fit their columns at their default widths. */
static void
assert_no_cut_cell_without_tooltip (GtkWidget *window)
{
  g_autoptr(GPtrArray) cells = test_find_descendants (window, CANCEL_GTK_TYPE_CELL);
  guint i, checked = 0;

  for (i = 0; i < cells->len; i++)
    {
      CancelGtkCell *cell = g_ptr_array_index (cells, i);

      if (!gtk_widget_get_mapped (GTK_WIDGET (cell)) || gtk_widget_get_has_tooltip (GTK_WIDGET (cell)))
        continue;
      if (_cancel_gtk_cell_is_ellipsized (cell))
        g_error ("The %s cell “%s” is cut",
                 g_enum_to_string (CANCEL_GTK_TYPE_CELL_KIND, _cancel_gtk_cell_get_kind (cell)),
                 _cancel_gtk_cell_get_text (cell));
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
}

/* At every size and scheme: a screenshot, and the facts a picture shows. */
static void
check_layouts (GtkWidget        *window,
               CancelGtkMonitor *monitor)
{
  GType skip[] = { CANCEL_GTK_TYPE_CELL, G_TYPE_INVALID };
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *live_view = GTK_WIDGET (_cancel_gtk_monitor_get_live_view (monitor));
  guint i, dark;

  /* A monitor fits a phone. */
  g_assert_cmpint (test_minimum_width (GTK_WIDGET (monitor)), <=, 360);

  for (dark = 0; dark < 2; dark++)
    {
      g_object_set (settings, "gtk-application-prefer-dark-theme", (gboolean) dark, NULL);

      for (i = 0; i < G_N_ELEMENTS (test_layout_sizes); i++)
        {
          const TestSize *size = &test_layout_sizes[i];
          g_autofree char *path = test_screenshot_path ("monitor", size->width, size->height, dark);

          g_test_message ("Layout at %d×%d, %s", size->width, size->height, dark ? "dark" : "light");
          test_resize_window (window, size->width, size->height);
          _cancel_gtk_monitor_refresh (monitor);
          test_run_for (200);
          save_screenshot (window, path);
          /* Cells show their whole text in a tooltip: only the chrome
           * must never cut a word. */
          test_assert_no_ellipsized_label (window, skip, FALSE);
          assert_no_cut_cell_without_tooltip (window);

          g_assert_cmpint (_cancel_gtk_split_get_folded (_cancel_gtk_monitor_get_split (monitor)), ==,
                           size->width < 720);
          if (size->width >= 1280)
            {
              GtkWidget *reason = find_column_title (live_view, "Reason");
              GtkWidget *scrolled = gtk_widget_get_ancestor (live_view, GTK_TYPE_SCROLLED_WINDOW);

              g_assert_nonnull (reason);
              g_assert_true (test_widget_inside (reason, scrolled));
            }
        }
    }

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
}

static void
test_screenshot (void)
{
  Scene scene = { 0, };
  g_autoptr(GError) error = NULL;
  CancelScope *import, *sync, *fetch, *backup, *index, *failed, *export;
  GtkWidget *window;
  CancelGtkMonitor *monitor;
  GListModel *rows;
  guint i, n;

  scene.registry = cancel_registry_new ();
  scene.scopes = g_ptr_array_new_with_free_func (g_object_unref);

  monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (scene.registry));
  _cancel_gtk_timeline_set_span (_cancel_gtk_monitor_get_timeline (monitor), 6 * G_USEC_PER_SEC);
  window = test_show_in_window (GTK_WIDGET (monitor), 1280, 760);
  gtk_window_set_title (GTK_WINDOW (window), "Operations");

  /* Things that finished a while ago. */
  cancel_scope_end (start (&scene, NULL, "Check for updates"));
  failed = start (&scene, NULL, "Upload report");
  cancel_scope_report_progress (failed, 0.4, "Uploading");
  test_run_for (300);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "Connection refused");
  cancel_scope_fail (failed, error);
  g_clear_error (&error);

  g_timeout_add (150, start_feed, &scene);

  sync = cancel_scope_new_full (NULL, "Sync mailbox", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_timeout (sync, 1.5, &error);
  g_assert_no_error (error);
  cancel_scope_set_registry (sync, scene.registry);
  cancel_scope_begin (sync);
  g_ptr_array_add (scene.scopes, sync);
  {
    CancelScope *calendar = cancel_scope_new_full (NULL, "Fetch calendar", CANCEL_SCOPE_FLAGS_NONE);

    cancel_scope_set_timeout (calendar, 0.4, &error);
    g_assert_no_error (error);
    cancel_scope_set_registry (calendar, scene.registry);
    cancel_scope_begin (calendar);
    g_ptr_array_add (scene.scopes, calendar);
    g_timeout_add (600, end_later, calendar);
  }
  fetch = start (&scene, sync, "Fetch headers");
  cancel_scope_report_progress (fetch, 0.7, "1,402 of 2,000 messages");
  cancel_scope_set_shielded (start (&scene, sync, "Save sync state"), TRUE);

  test_run_for (500);

  import = start (&scene, NULL, "Import photos");
  cancel_scope_report_progress (import, 0.35, "35 of 100 photos");
  cancel_scope_report_progress (start (&scene, import, "Download IMG_0041.jpg"), 0.8, "3.2 of 4.0 MB");
  cancel_scope_report_progress (start (&scene, import, "Download IMG_0042.jpg"), 0.1, "0.4 of 3.9 MB");
  cancel_scope_report_progress (start (&scene, import, "Generate thumbnails"), -1, "Waiting for downloads");

  export = start (&scene, NULL, "Export PDF");
  cancel_scope_report_progress (export, 0.5, "Page 12 of 24");

  test_run_for (700);

  backup = start (&scene, NULL, "Back up database");
  cancel_scope_set_timeout (backup, 30, &error);
  g_assert_no_error (error);
  cancel_scope_report_progress (backup, 0.62, "Copying tables");
  index = start (&scene, NULL, "Index documents");
  cancel_scope_set_timeout (index, 12, &error);
  g_assert_no_error (error);

  cancel_scope_cancel (export, CANCEL_REASON_MANUAL, "Cancelled by user");
  test_run_for (200);
  end_later (export);

  test_wait_for (reason_is_parent, fetch, "the sync to time out");
  test_run_for (1200);

  /* The cancelled child: its details say why. */
  rows = _cancel_gtk_monitor_get_live_rows (monitor);
  n = g_list_model_get_n_items (rows);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(CancelScope) scope = gtk_tree_list_row_get_item (row);

      if (scope == fetch)
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, TRUE);
    }
  g_assert_true (cancel_gtk_monitor_get_selected (monitor) == fetch);

  _cancel_gtk_monitor_refresh (monitor);
  test_run_for (400);
  save_screenshot (window, output_path);
  check_layouts (window, monitor);
  test_resize_window (window, 1280, 760);

  /* The history, beside it. */
  gtk_stack_set_visible_child_name (_cancel_gtk_monitor_get_stack (monitor), "history");
  test_run_for (400);
  {
    g_autofree char *dir = g_path_get_dirname (output_path);
    g_autofree char *history_path = g_build_filename (dir, "monitor-history.png", NULL);

    save_screenshot (window, history_path);
  }

  /* Wind down. */
  cancel_registry_cancel_all (scene.registry, CANCEL_REASON_MANUAL, NULL);
  for (i = 0; i < scene.scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (scene.scopes, i);
      CancelStatus status = cancel_scope_get_status (scope);

      if (status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED)
        cancel_scope_end (scope);
    }
  while (scene.n_feeds < 18)
    g_main_context_iteration (NULL, TRUE);
  test_run_for (1000);

  gtk_window_destroy (GTK_WINDOW (window));
  g_ptr_array_unref (scene.scopes);
  g_object_unref (scene.registry);
}

/* The Inspector's page in an application that ran no operation: how to
 * begin. At the Inspector's usual sizes, light and dark. */
static void
test_inspector_page_screenshot (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *page = g_object_new (CANCEL_GTK_TYPE_INSPECTOR_PAGE, NULL);
  GtkWidget *window = test_show_in_window (page, 800, 600);
  guint i, dark;

  g_assert_cmpint (test_minimum_width (page), <=, 360);
  for (dark = 0; dark < 2; dark++)
    {
      g_object_set (settings, "gtk-application-prefer-dark-theme", (gboolean) dark, NULL);
      for (i = 0; i < G_N_ELEMENTS (test_layout_sizes); i++)
        {
          const TestSize *size = &test_layout_sizes[i];
          g_autofree char *path = test_screenshot_path ("inspector-start", size->width, size->height, dark);

          test_resize_window (window, size->width, size->height);
          test_save_screenshot (window, path);
          test_assert_no_ellipsized_label (window, NULL, FALSE);
        }
    }
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  if (!test_init_gtk_or_skip ())
    return 0;

  if (argc > 1)
    output_path = g_strdup (argv[1]);
  else
    output_path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                    "monitor.png", NULL);

  g_test_add_func ("/CancelGtk/InspectorPage/screenshot", test_inspector_page_screenshot);
  g_test_add_func ("/CancelGtk/Monitor/screenshot", test_screenshot);

  status = g_test_run ();
  g_free (output_path);

  return status;
}
