/* test-monitor.c: CancelGtkMonitor on a live registry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancel-gtk.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-timeline-private.h"
#include "gtk-test-util.h"
#include "scope-test-util.h"
#include "../gtk-known-warnings.h"

#define N_WORKERS 4
#define N_WORKER_SCOPES 100

typedef struct
{
  CancelRegistry *registry;
  guint           first;
  guint           count;
  GPtrArray      *scopes;
} Worker;

typedef struct
{
  CancelRegistry   *registry;
  CancelGtkMonitor *monitor;
  GtkWidget        *window;
  Worker            workers[N_WORKERS];
  GThread          *threads[N_WORKERS];
  guint             n_threads;
  GPtrArray        *scopes;       /* made on the test's thread */
} Fixture;

/* A worker thread: begins its scopes and reports progress from there,
 * then, like real work, ends each one when it sees it cancelled. */
static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  guint remaining = worker->count;
  guint i;

  for (i = 0; i < worker->count; i++)
    {
      guint n = worker->first + i;
      g_autofree char *name = g_strdup_printf ("job-%03u", n);
      g_autofree char *message = g_strdup_printf ("step %u", n);
      CancelScope *scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

      cancel_scope_set_registry (scope, worker->registry);
      cancel_scope_begin (scope);
      cancel_scope_report_progress (scope, (n % 100) / 100.0, message);
      g_ptr_array_add (worker->scopes, scope);
    }

  while (remaining > 0)
    {
      for (i = 0; i < worker->scopes->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (worker->scopes, i);
          g_autoptr(GError) error = NULL;

          if (cancel_scope_get_end_time (scope) == 0 &&
              cancel_scope_set_error_if_cancelled (scope, &error))
            {
              cancel_scope_fail (scope, error);
              remaining--;
            }
        }

      /* The pace of a worker doing something, not a wait of the test. */
      g_usleep (2000);
    }

  return NULL;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->monitor = CANCEL_GTK_MONITOR (cancel_gtk_monitor_new (f->registry));
  f->window = test_show_in_window (GTK_WIDGET (f->monitor), 1100, 700);
  /* Elapsed is on demand (the column chooser's check item): these tests
   * read it. */
  gtk_widget_activate_action (GTK_WIDGET (f->monitor), "columns.elapsed_column", NULL);
  f->scopes = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GObject *monitor = G_OBJECT (f->monitor);
  GObject *registry = G_OBJECT (f->registry);
  guint i;

  /* Workers end their scopes once cancelled. */
  cancel_registry_cancel_all (f->registry, CANCEL_REASON_MANUAL, "Test over");
  for (i = 0; i < f->n_threads; i++)
    {
      g_thread_join (f->threads[i]);
      g_ptr_array_unref (f->workers[i].scopes);
    }

  for (i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);

      if (cancel_scope_get_status (scope) == CANCEL_STATUS_RUNNING ||
          cancel_scope_get_status (scope) == CANCEL_STATUS_SHIELDED)
        cancel_scope_end (scope);
    }
  g_ptr_array_unref (f->scopes);

  g_object_add_weak_pointer (monitor, (gpointer *) &monitor);
  g_object_add_weak_pointer (registry, (gpointer *) &registry);

  gtk_window_destroy (GTK_WINDOW (f->window));
  g_object_unref (f->registry);

  /* Nothing the monitor made keeps itself or the registry alive. */
  while (monitor != NULL || registry != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
start_workers (Fixture *f)
{
  guint i;

  for (i = 0; i < N_WORKERS; i++)
    {
      f->workers[i].registry = f->registry;
      f->workers[i].first = i * (N_WORKER_SCOPES / N_WORKERS);
      f->workers[i].count = N_WORKER_SCOPES / N_WORKERS;
      f->workers[i].scopes = g_ptr_array_new_with_free_func (g_object_unref);
      f->threads[i] = g_thread_new ("test-worker", worker_run, &f->workers[i]);
    }
  f->n_threads = N_WORKERS;
}

static CancelScope *
start_scope (Fixture     *f,
             CancelScope *parent,
             const char  *name)
{
  return test_start_scope (f->registry, f->scopes, parent, name);
}

static GListModel *
live_rows (Fixture *f)
{
  return _cancel_gtk_monitor_get_live_rows (f->monitor);
}

static GListModel *
history_rows (Fixture *f)
{
  return _cancel_gtk_monitor_get_history_rows (f->monitor);
}

/* The scope of row @position of a list of the monitor (transfer full). */
static CancelScope *
row_scope (GListModel *rows,
           guint       position)
{
  g_autoptr(GObject) item = g_list_model_get_item (rows, position);

  if (GTK_IS_TREE_LIST_ROW (item))
    return gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (item));

  return g_object_ref (CANCEL_SCOPE (item));
}

static guint
row_position (GListModel  *rows,
              CancelScope *scope)
{
  guint i, n = g_list_model_get_n_items (rows);

  for (i = 0; i < n; i++)
    {
      g_autoptr(CancelScope) row = row_scope (rows, i);

      if (row == scope)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

typedef struct
{
  GListModel *rows;
  guint       n;
} RowCount;

static gboolean
has_n_rows (gpointer data)
{
  RowCount *count = data;

  return g_list_model_get_n_items (count->rows) == count->n;
}

static void
wait_for_rows (GListModel *rows,
               guint       n)
{
  RowCount count = { rows, n };

  test_wait_for (has_n_rows, &count, "the number of rows");
}

typedef struct
{
  Fixture           *f;
  CancelScope       *scope;
  CancelGtkCellKind  kind;
  CancelGtkCell     *cell;
} CellQuery;

/* The mapped cell of @kind bound to @scope in the live view. */
static gboolean
find_cell (gpointer data)
{
  CellQuery *query = data;
  g_autoptr(GPtrArray) cells = test_find_descendants (GTK_WIDGET (_cancel_gtk_monitor_get_live_view (query->f->monitor)),
                                                      CANCEL_GTK_TYPE_CELL);
  guint i;

  query->cell = NULL;
  for (i = 0; i < cells->len; i++)
    {
      CancelGtkCell *cell = g_ptr_array_index (cells, i);

      if (_cancel_gtk_cell_get_kind (cell) == query->kind &&
          _cancel_gtk_cell_get_scope (cell) == query->scope &&
          gtk_widget_get_mapped (GTK_WIDGET (cell)))
        query->cell = cell;
    }

  return query->cell != NULL;
}

static CancelGtkCell *
wait_for_cell (Fixture           *f,
               CancelScope       *scope,
               CancelGtkCellKind  kind)
{
  CellQuery query = { f, scope, kind, NULL };

  test_wait_for (find_cell, &query, "a cell of the scope");
  return query.cell;
}

static gboolean
registry_has_all_workers (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (G_LIST_MODEL (f->registry)) == N_WORKER_SCOPES &&
         g_list_model_get_n_items (live_rows (f)) == N_WORKER_SCOPES;
}

static gboolean
is_cancelled (gpointer data)
{
  return g_cancellable_is_cancelled (data);
}

static gboolean
scope_ended (gpointer data)
{
  return cancel_scope_get_end_time (data) != 0;
}

static void
test_monitor_rows (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *rows = live_rows (f);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(CancelScope) first = NULL;
  CancelGtkCell *cell;
  guint i;

  start_workers (f);
  test_wait_for (registry_has_all_workers, f, "the 100 scopes in the monitor");

  /* Every row is one of the workers' scopes, running, with its progress. */
  for (i = 0; i < N_WORKER_SCOPES; i++)
    {
      g_autoptr(CancelScope) scope = row_scope (rows, i);
      const char *name = cancel_scope_get_name (scope);
      guint n;

      g_assert_nonnull (name);
      g_assert_true (g_str_has_prefix (name, "job-"));
      n = (guint) g_ascii_strtoull (name + 4, NULL, 10);
      g_assert_cmpuint (n, <, N_WORKER_SCOPES);
      g_assert_true (g_hash_table_add (seen, g_strdup (name)));
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
      g_assert_cmpfloat_with_epsilon (cancel_scope_get_progress (scope), (n % 100) / 100.0, 1e-9);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_WORKER_SCOPES);

  /* What the visible cells of a row say. */
  first = row_scope (rows, 0);
  cell = wait_for_cell (f, first, CANCEL_GTK_CELL_NAME);
  g_assert_cmpstr (_cancel_gtk_cell_get_text (cell), ==, cancel_scope_get_name (first));
  cell = wait_for_cell (f, first, CANCEL_GTK_CELL_STATUS);
  g_assert_cmpstr (_cancel_gtk_cell_get_text (cell), ==, "Running");
  cell = wait_for_cell (f, first, CANCEL_GTK_CELL_PROGRESS);
  {
    g_autofree char *message = cancel_scope_dup_progress_message (first);
    g_autofree char *expected = g_strdup_printf ("%d %% · %s",
                                                 (int) (cancel_scope_get_progress (first) * 100 + 0.5),
                                                 message);

    g_assert_cmpstr (_cancel_gtk_cell_get_text (cell), ==, expected);
  }
  cell = wait_for_cell (f, first, CANCEL_GTK_CELL_REMAINING);
  g_assert_cmpstr (_cancel_gtk_cell_get_text (cell), ==, "—");

  /* Only bound (visible) cells are refreshed by the timer. */
  g_assert_cmpuint (_cancel_gtk_monitor_get_n_ticking (f->monitor), >, 0);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The cells come from the columns' factories, their "scope" set to the
 * row's operation; those that count time tick only while mapped. */
static void
test_monitor_cell_factories (Fixture       *f,
                             gconstpointer  data)
{
  GHashTable *ticking = _cancel_gtk_monitor_get_ticking_set (f->monitor);
  CancelScope *parent, *child;
  CancelGtkCell *cell;
  g_autoptr(CancelScope) bound = NULL;
  GtkWidget *expander;

  parent = start_scope (f, NULL, "Parent");
  child = start_scope (f, parent, "Child");
  wait_for_rows (live_rows (f), 2);

  cell = wait_for_cell (f, child, CANCEL_GTK_CELL_ELAPSED);
  g_object_get (cell, "scope", &bound, NULL);
  g_assert_true (bound == child);
  g_assert_true (g_hash_table_contains (ticking, cell));

  /* The name cell sits in the factory's expander, at the row's depth;
   * a row without children shows no arrow. */
  cell = wait_for_cell (f, child, CANCEL_GTK_CELL_NAME);
  expander = gtk_widget_get_parent (GTK_WIDGET (cell));
  g_assert_true (GTK_IS_TREE_EXPANDER (expander));
  g_assert_cmpuint (gtk_tree_list_row_get_depth (gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (expander))), ==, 1);
  g_assert_true (gtk_widget_has_css_class (expander, "leaf"));
  cell = wait_for_cell (f, parent, CANCEL_GTK_CELL_NAME);
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_parent (GTK_WIDGET (cell)), "leaf"));
  /* A name does not change with time. */
  g_assert_false (g_hash_table_contains (ticking, cell));

  /* Off screen, nothing of the live view ticks. */
  gtk_stack_set_visible_child_name (_cancel_gtk_monitor_get_stack (f->monitor), "history");
  g_assert_cmpuint (g_hash_table_size (ticking), ==, 0);
  gtk_stack_set_visible_child_name (_cancel_gtk_monitor_get_stack (f->monitor), "live");
  cell = wait_for_cell (f, child, CANCEL_GTK_CELL_ELAPSED);
  g_assert_true (g_hash_table_contains (ticking, cell));

  /* GTK 4.8 binds a row again whenever its position changes: the rows
   * below an operation that ends keep their cells and their scopes. */
  {
    CancelScope *above = start_scope (f, NULL, "Above");
    CancelScope *below = start_scope (f, NULL, "Below");
    guint notified = 0;

    wait_for_rows (live_rows (f), 4);
    cell = wait_for_cell (f, below, CANCEL_GTK_CELL_STATUS);
    g_signal_connect (cell, "notify::scope", G_CALLBACK (count_notify), &notified);
    cancel_scope_end (above);
    wait_for_rows (live_rows (f), 3);
    g_assert_true (wait_for_cell (f, below, CANCEL_GTK_CELL_STATUS) == cell);
    g_assert_cmpuint (notified, ==, 0);
    g_signal_handlers_disconnect_by_func (cell, count_notify, &notified);
  }
}

/* A cell taken out of its window is torn down in a later iteration, so a
 * list that drops hundreds of rows does not do all that work at once. */
static void
test_monitor_cell_release (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *cell = g_object_new (CANCEL_GTK_TYPE_CELL, "kind", CANCEL_GTK_CELL_PROGRESS, NULL);
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Released", CANCEL_SCOPE_FLAGS_NONE);

  g_assert_cmpint (_cancel_gtk_cell_get_kind (CANCEL_GTK_CELL (cell)), ==, CANCEL_GTK_CELL_PROGRESS);
  _cancel_gtk_cell_set_scope (CANCEL_GTK_CELL (cell), scope);
  g_assert_true (_cancel_gtk_cell_get_scope (CANCEL_GTK_CELL (cell)) == scope);

  gtk_window_set_child (GTK_WINDOW (window), cell);
  g_object_add_weak_pointer (G_OBJECT (cell), (gpointer *) &cell);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  g_assert_nonnull (cell);

  while (cell != NULL)
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
cell_is_ellipsized (gpointer data)
{
  return _cancel_gtk_cell_is_ellipsized (data);
}

static gboolean
cell_is_not_ellipsized (gpointer data)
{
  return !_cancel_gtk_cell_is_ellipsized (data);
}

typedef struct
{
  CancelGtkCell *cell;
  GdkPaintable  *old_icon;
} IconWatch;

static gboolean
cell_has_icon (gpointer data)
{
  return _cancel_gtk_cell_get_icon (data) != NULL;
}

static gboolean
cell_icon_replaced (gpointer data)
{
  IconWatch *watch = data;
  GdkPaintable *icon = _cancel_gtk_cell_get_icon (watch->cell);

  return icon != NULL && icon != watch->old_icon;
}

static gboolean
cell_text_differs (gpointer data)
{
  return g_strcmp0 (_cancel_gtk_cell_get_text (data), "Running") != 0;
}

/* A cell draws its text, status icon and bar: it has no widget of its
 * own for GTK to style and measure (the column view measures every cell
 * of a column again each time a row is built), screen readers read it as
 * its text, and it shows "…" only when its column is too narrow. */
static void
test_monitor_cell_drawn (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = g_object_new (CANCEL_GTK_TYPE_CELL, "kind", CANCEL_GTK_CELL_STATUS, NULL);
  GtkWidget *progress = g_object_new (CANCEL_GTK_TYPE_CELL, "kind", CANCEL_GTK_CELL_PROGRESS, NULL);
  GtkWidget *cancel = g_object_new (CANCEL_GTK_TYPE_CELL, "kind", CANCEL_GTK_CELL_CANCEL, NULL);
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Drawn", CANCEL_SCOPE_FLAGS_NONE);
  /* Not a literal: GTK's assertion macro would read its "%" as a format. */
  const char *expected_progress = "50 % · Copying a file whose name is far longer than the column";
  GtkWidget *window;
  int minimum, natural;

  cancel_scope_begin (scope);
  cancel_scope_report_progress (scope, 0.5, "Copying a file whose name is far longer than the column");
  _cancel_gtk_cell_set_scope (CANCEL_GTK_CELL (status), scope);
  _cancel_gtk_cell_set_scope (CANCEL_GTK_CELL (progress), scope);
  _cancel_gtk_cell_set_scope (CANCEL_GTK_CELL (cancel), scope);
  gtk_box_append (GTK_BOX (box), status);
  gtk_box_append (GTK_BOX (box), progress);
  gtk_box_append (GTK_BOX (box), cancel);
  window = test_show_in_window (box, 160, 100);

  g_assert_null (gtk_widget_get_first_child (status));
  g_assert_null (gtk_widget_get_first_child (progress));
  g_assert_true (gtk_widget_get_first_child (cancel) == _cancel_gtk_cell_get_button (CANCEL_GTK_CELL (cancel)));

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (status), GTK_ACCESSIBLE_ROLE_LABEL);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (status), GTK_ACCESSIBLE_PROPERTY_LABEL, "Running");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (progress), GTK_ACCESSIBLE_ROLE_LABEL);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      expected_progress);
  /* The cancel cell is only its button's box, not a text. */
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (cancel)), !=, GTK_ACCESSIBLE_ROLE_LABEL);

  /* The bar and the icon take their room before the text. */
  gtk_widget_measure (progress, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, >, 72);
  g_assert_cmpint (natural, >, minimum);
  gtk_widget_measure (status, GTK_ORIENTATION_VERTICAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, >=, 16);

  /* Too narrow for the message, then wide enough. */
  test_wait_for (cell_is_ellipsized, progress, "the progress text to be cut");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 100);
  test_wait_for (cell_is_not_ellipsized, progress, "the progress text to fit");

  /* The status icon follows the icon theme: a change of theme is no
   * change of CSS, so the cell must hear of it on its own. */
  {
    GtkSettings *settings = gtk_settings_get_default ();
    g_autofree char *theme = NULL;
    IconWatch watch = { CANCEL_GTK_CELL (status), NULL };

    test_wait_for (cell_has_icon, status, "the status icon to be drawn");
    watch.old_icon = g_object_ref (_cancel_gtk_cell_get_icon (CANCEL_GTK_CELL (status)));
    g_object_get (settings, "gtk-icon-theme-name", &theme, NULL);
    g_object_set (settings, "gtk-icon-theme-name", g_strcmp0 (theme, "hicolor") == 0 ? "Adwaita" : "hicolor", NULL);
    test_wait_for (cell_icon_replaced, &watch, "the status icon to follow the icon theme");
    g_object_set (settings, "gtk-icon-theme-name", theme, NULL);
    g_object_unref (watch.old_icon);
  }

  /* A new status is a new text and a new accessible label. */
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stop");
  test_wait_for (cell_text_differs, status, "the status cell to follow its scope");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (status), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _cancel_gtk_cell_get_text (CANCEL_GTK_CELL (status)));

  cancel_scope_end (scope);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_monitor_cancel_button (Fixture       *f,
                            gconstpointer  data)
{
  GListModel *rows = live_rows (f);
  g_autoptr(CancelScope) target = NULL;
  CancelGtkCell *cell;
  GtkWidget *button;

  start_workers (f);
  test_wait_for (registry_has_all_workers, f, "the 100 scopes in the monitor");

  target = row_scope (rows, 3);
  cell = wait_for_cell (f, target, CANCEL_GTK_CELL_CANCEL);
  button = _cancel_gtk_cell_get_button (cell);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "row.cancel");

  /* The real path: the button's own activation (a keyboard activation
   * clicks when the button's short pressed animation ends). */
  g_assert_true (gtk_widget_activate (button));
  test_wait_for (is_cancelled, target, "the click to cancel the scope");

  g_assert_cmpint (cancel_scope_get_reason (target), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpstr (cancel_scope_get_message (target), ==, "Cancelled by user");

  /* Its worker ends it; it leaves the live rows for the history. */
  test_wait_for (scope_ended, target, "the worker to end the cancelled scope");
  g_assert_cmpint (cancel_scope_get_status (target), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (target), ==, CANCEL_REASON_MANUAL);
  wait_for_rows (rows, N_WORKER_SCOPES - 1);
  g_assert_cmpuint (row_position (rows, target), ==, GTK_INVALID_LIST_POSITION);
  wait_for_rows (history_rows (f), 1);

  /* Cancel all, with a message: the rest. */
  g_assert_cmpuint (cancel_gtk_monitor_cancel_all (f->monitor, "Shutting down"), ==, N_WORKER_SCOPES - 1);
  wait_for_rows (rows, 0);
  wait_for_rows (history_rows (f), N_WORKER_SCOPES);
  {
    g_autoptr(CancelScope) last = row_scope (history_rows (f), 0);

    g_assert_cmpstr (cancel_scope_get_message (last), ==, "Shutting down");
  }
}

static void
test_monitor_filter_name (Fixture       *f,
                          gconstpointer  data)
{
  GListModel *rows = live_rows (f);
  GtkEditable *search = _cancel_gtk_monitor_get_search_entry (f->monitor);
  guint i;

  start_workers (f);
  test_wait_for (registry_has_all_workers, f, "the 100 scopes in the monitor");

  /* Case-insensitive substring: job-010 .. job-019. */
  gtk_editable_set_text (search, "JOB-01");
  wait_for_rows (rows, 10);
  for (i = 0; i < 10; i++)
    {
      g_autoptr(CancelScope) scope = row_scope (rows, i);

      g_assert_true (g_str_has_prefix (cancel_scope_get_name (scope), "job-01"));
    }

  gtk_editable_set_text (search, "job-042");
  wait_for_rows (rows, 1);

  gtk_editable_set_text (search, "no such operation");
  wait_for_rows (rows, 0);

  gtk_editable_set_text (search, "");
  wait_for_rows (rows, N_WORKER_SCOPES);
}

static void
test_monitor_filter_status (Fixture       *f,
                            gconstpointer  data)
{
  GListModel *rows = live_rows (f);
  GListModel *history = history_rows (f);
  GtkDropDown *dropdown = _cancel_gtk_monitor_get_status_dropdown (f->monitor);
  g_autoptr(GError) error = NULL;
  CancelScope *scope;

  start_scope (f, NULL, "run-1");
  start_scope (f, NULL, "run-2");
  start_scope (f, NULL, "run-3");
  scope = start_scope (f, NULL, "stop-1");
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  scope = start_scope (f, NULL, "stop-2");
  cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "SIGTERM");
  cancel_scope_end (start_scope (f, NULL, "done-1"));
  cancel_scope_end (start_scope (f, NULL, "done-2"));
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such file");
  cancel_scope_fail (start_scope (f, NULL, "fail-1"), error);

  wait_for_rows (rows, 5);
  wait_for_rows (history, 3);

  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_RUNNING);
  wait_for_rows (rows, 3);
  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_CANCELLING);
  wait_for_rows (rows, 2);
  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_COMPLETED);
  wait_for_rows (rows, 0);
  wait_for_rows (history, 2);
  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_FAILED);
  wait_for_rows (history, 1);
  {
    g_autoptr(CancelScope) failed = row_scope (history, 0);

    g_assert_cmpstr (cancel_scope_get_name (failed), ==, "fail-1");
  }

  /* Name and status together. */
  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_RUNNING);
  gtk_editable_set_text (_cancel_gtk_monitor_get_search_entry (f->monitor), "run-2");
  wait_for_rows (rows, 1);

  gtk_editable_set_text (_cancel_gtk_monitor_get_search_entry (f->monitor), "");
  gtk_drop_down_set_selected (dropdown, CANCEL_GTK_STATUS_FILTER_ALL);
  wait_for_rows (rows, 5);
  wait_for_rows (history, 3);

  /* The statistics strip counts them. */
  _cancel_gtk_monitor_refresh (f->monitor);
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "running"), ==, "5");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "completed"), ==, "2");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "failed"), ==, "1");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "cancelled"), ==, "0");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "cancel-latency"), ==, "—");
  g_assert_cmpstr (_cancel_gtk_monitor_get_stat_text (f->monitor, "average-duration"), !=, "—");
}

static gboolean
reason_is_parent (gpointer data)
{
  return cancel_scope_get_reason (data) == CANCEL_REASON_PARENT;
}

typedef struct
{
  Fixture    *f;
  const char *field;
  const char *prefix;
} DetailsQuery;

static gboolean
details_start_with (gpointer data)
{
  DetailsQuery *query = data;

  return g_str_has_prefix (_cancel_gtk_monitor_get_details_text (query->f->monitor, query->field),
                           query->prefix);
}

static void
select_row (Fixture     *f,
            CancelScope *scope)
{
  GListModel *rows = live_rows (f);
  guint position = row_position (rows, scope);

  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), position, TRUE));
  g_assert_true (cancel_gtk_monitor_get_selected (f->monitor) == scope);
}

static void
test_monitor_details_cause (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CancelScope *batch, *download, *part;
  DetailsQuery query = { f, "cause", NULL };
  g_autofree char *parent_text = NULL;

  batch = cancel_scope_new_full (NULL, "Batch", CANCEL_SCOPE_FLAGS_NONE);
  g_assert_true (cancel_scope_set_timeout (batch, 0.05, &error));
  g_assert_no_error (error);
  cancel_scope_set_registry (batch, f->registry);
  cancel_scope_begin (batch);
  g_ptr_array_add (f->scopes, batch);
  download = start_scope (f, batch, "Download");
  part = start_scope (f, download, "Part 1");

  /* The tree: Batch, Download under it, Part 1 under that. */
  wait_for_rows (live_rows (f), 3);
  g_assert_cmpuint (row_position (live_rows (f), batch), ==, 0);
  g_assert_cmpuint (row_position (live_rows (f), download), ==, 1);
  g_assert_cmpuint (row_position (live_rows (f), part), ==, 2);

  test_wait_for (reason_is_parent, part, "the timeout of the parent");

  select_row (f, download);
  query.prefix = "Cancelled because its parent “Batch” timed out after ";
  test_wait_for (details_start_with, &query, "the cause in the details");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "title"), ==, "Download");
  parent_text = g_strdup_printf ("“Batch” (#%" G_GUINT64_FORMAT ")", cancel_scope_get_id (batch));
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "parent"), ==, parent_text);
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "children"), ==, "1 running");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "status"), ==, "Cancelling");
  g_test_message ("Cause: %s", _cancel_gtk_monitor_get_details_text (f->monitor, "cause"));

  select_row (f, part);
  query.prefix = "Cancelled because its ancestor “Batch” timed out after ";
  test_wait_for (details_start_with, &query, "the cause of the grandchild");
  g_assert_true (g_str_has_suffix (_cancel_gtk_monitor_get_details_text (f->monitor, "cause"),
                                   "(through “Download”)"));

  /* The details follow the selected scope to its end. */
  cancel_scope_end (part);
  query.field = "status";
  query.prefix = "Cancelled";
  test_wait_for (details_start_with, &query, "the final status in the details");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "error"), !=, "—");

  select_row (f, batch);
  query.field = "cause";
  query.prefix = "Timed out after ";
  test_wait_for (details_start_with, &query, "the cause of the parent");
}

/* Whether a monitor's action is enabled, as a button bound to it sees. */
static gboolean
action_enabled (Fixture    *f,
                const char *name)
{
  GtkWidget *probe = gtk_button_new ();
  gboolean enabled;

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), name);
  gtk_widget_set_parent (probe, GTK_WIDGET (f->monitor));
  enabled = gtk_widget_get_sensitive (probe);
  gtk_widget_unparent (probe);

  return enabled;
}

/* A finished parent keeps the truth: the children it had (which left its
 * live children model when they ended) and the deadline it had. */
static void
test_monitor_details_finished (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CancelScope *parent, *first, *second;
  DetailsQuery query = { f, "status", "Completed" };

  parent = cancel_scope_new_full (NULL, "Parent", CANCEL_SCOPE_FLAGS_NONE);
  g_assert_true (cancel_scope_set_timeout (parent, 60, &error));
  g_assert_no_error (error);
  cancel_scope_set_registry (parent, f->registry);
  cancel_scope_begin (parent);
  g_ptr_array_add (f->scopes, parent);
  first = start_scope (f, parent, "First");
  second = start_scope (f, parent, "Second");
  wait_for_rows (live_rows (f), 3);

  select_row (f, parent);
  query.field = "children";
  query.prefix = "2 running";
  test_wait_for (details_start_with, &query, "two running children");

  cancel_scope_end (first);
  query.prefix = "2 (1 running)";
  test_wait_for (details_start_with, &query, "one running child of two");

  cancel_scope_end (second);
  cancel_scope_end (parent);
  query.field = "status";
  query.prefix = "Completed";
  test_wait_for (details_start_with, &query, "the parent's end in the details");
  /* The ended children reach the history in the registry's next batch. */
  query.field = "children";
  query.prefix = "2";
  test_wait_for (details_start_with, &query, "the parent's two ended children");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "children"), ==, "2");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "deadline"), ==,
                   "1:00 after the start, not reached");
  g_assert_cmpstr (_cancel_gtk_monitor_get_details_text (f->monitor, "error"), ==, "None");

  /* Nothing runs: nothing for Cancel All to act on. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->monitor),
                                                                                      CANCEL_GTK_TYPE_MONITOR,
                                                                                      "cancel_all_button"))));
  g_assert_false (action_enabled (f, "monitor.cancel-all"));
  g_assert_true (action_enabled (f, "monitor.copy-details"));
  g_assert_false (action_enabled (f, "monitor.cancel-one"));
}

static void
test_monitor_cancel_selected (Fixture       *f,
                              gconstpointer  data)
{
  CancelScope *group, *first, *second, *shielded, *other;

  group = start_scope (f, NULL, "Group");
  first = start_scope (f, group, "First");
  second = start_scope (f, group, "Second");
  shielded = cancel_scope_new_full (group, "Shielded", CANCEL_SCOPE_FLAGS_SHIELDED);
  cancel_scope_set_registry (shielded, f->registry);
  cancel_scope_begin (shielded);
  g_ptr_array_add (f->scopes, shielded);
  other = start_scope (f, NULL, "Other");

  wait_for_rows (live_rows (f), 5);
  g_assert_cmpuint (cancel_gtk_monitor_cancel_selected (f->monitor), ==, 0);

  select_row (f, group);
  g_assert_cmpuint (cancel_gtk_monitor_cancel_selected (f->monitor), ==, 3);
  g_assert_cmpint (cancel_scope_get_reason (group), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpint (cancel_scope_get_reason (first), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_reason (second), ==, CANCEL_REASON_PARENT);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (shielded)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (other)));

  /* Cancelling again cancels nothing more. */
  g_assert_cmpuint (cancel_gtk_monitor_cancel_selected (f->monitor), ==, 0);

  /* The toolbar's action, as the button and Delete use it. */
  select_row (f, other);
  gtk_widget_activate_action (GTK_WIDGET (f->monitor), "monitor.cancel-selected", NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (other)));
  g_assert_cmpstr (cancel_scope_get_message (other), ==, "Cancelled by user");
}

static gboolean
timeline_drew (gpointer data)
{
  Fixture *f = data;
  CancelGtkTimeline *timeline = _cancel_gtk_monitor_get_timeline (f->monitor);

  return _cancel_gtk_timeline_get_n_draws (timeline) > 0 &&
         _cancel_gtk_timeline_get_lanes (timeline)->len == 3;
}

static void
test_monitor_timeline (Fixture       *f,
                       gconstpointer  data)
{
  CancelGtkTimeline *timeline = _cancel_gtk_monitor_get_timeline (f->monitor);
  CancelScope *old, *cancelled;
  GPtrArray *lanes;

  old = start_scope (f, NULL, "Old");
  cancel_scope_end (old);
  cancelled = start_scope (f, NULL, "Cancelled");
  cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL);
  start_scope (f, NULL, "Newest");

  test_wait_for (timeline_drew, f, "the timeline to draw the scopes");

  /* Running ones first, in the order they began, then finished ones. */
  lanes = _cancel_gtk_timeline_get_lanes (timeline);
  g_assert_cmpstr (cancel_scope_get_name (g_ptr_array_index (lanes, 0)), ==, "Cancelled");
  g_assert_cmpstr (cancel_scope_get_name (g_ptr_array_index (lanes, 1)), ==, "Newest");
  g_assert_cmpstr (cancel_scope_get_name (g_ptr_array_index (lanes, 2)), ==, "Old");
}

static void
test_monitor_default_registry (void)
{
  GtkWidget *monitor = g_object_ref_sink (cancel_gtk_monitor_new (NULL));
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();

  g_assert_true (cancel_gtk_monitor_get_registry (CANCEL_GTK_MONITOR (monitor)) == cancel_registry_get_default ());

  cancel_gtk_monitor_set_registry (CANCEL_GTK_MONITOR (monitor), registry);
  g_assert_true (cancel_gtk_monitor_get_registry (CANCEL_GTK_MONITOR (monitor)) == registry);
  g_assert_null (cancel_gtk_monitor_get_selected (CANCEL_GTK_MONITOR (monitor)));
  g_assert_cmpuint (cancel_gtk_monitor_cancel_all (CANCEL_GTK_MONITOR (monitor), NULL), ==, 0);

  cancel_gtk_monitor_set_registry (CANCEL_GTK_MONITOR (monitor), NULL);
  g_assert_true (cancel_gtk_monitor_get_registry (CANCEL_GTK_MONITOR (monitor)) == cancel_registry_get_default ());

  g_assert_finalize_object (monitor);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  if (!test_init_gtk_or_skip ())
    return 0;

  g_test_add ("/CancelGtk/Monitor/rows", Fixture, NULL,
              fixture_setup, test_monitor_rows, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/cell-factories", Fixture, NULL,
              fixture_setup, test_monitor_cell_factories, fixture_teardown);
  g_test_add_func ("/CancelGtk/Monitor/cell-release", test_monitor_cell_release);
  g_test_add_func ("/CancelGtk/Monitor/cell-drawn", test_monitor_cell_drawn);
  g_test_add ("/CancelGtk/Monitor/cancel-button", Fixture, NULL,
              fixture_setup, test_monitor_cancel_button, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/filter-name", Fixture, NULL,
              fixture_setup, test_monitor_filter_name, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/filter-status", Fixture, NULL,
              fixture_setup, test_monitor_filter_status, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/details-cause", Fixture, NULL,
              fixture_setup, test_monitor_details_cause, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/details-finished", Fixture, NULL,
              fixture_setup, test_monitor_details_finished, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/cancel-selected", Fixture, NULL,
              fixture_setup, test_monitor_cancel_selected, fixture_teardown);
  g_test_add ("/CancelGtk/Monitor/timeline", Fixture, NULL,
              fixture_setup, test_monitor_timeline, fixture_teardown);
  g_test_add_func ("/CancelGtk/Monitor/default-registry", test_monitor_default_registry);

  return g_test_run ();
}
