/* cancel-gtk-monitor.c: a live view of a CancelRegistry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-mirror-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-style-private.h"
#include "cancel-gtk-timeline-private.h"

/**
 * CancelGtkMonitor:
 *
 * A widget that shows the operations of a [class@Cancel.Registry] as they
 * run.
 *
 * It shows:
 *
 * - the live operations as a tree (an operation's children under it), with
 *   their status, progress, elapsed time, time left to the deadline and
 *   cancellation reason, and a button to cancel each;
 * - the history of finished operations with their final status, reason
 *   and duration;
 * - statistics: counts by status, average duration and cancel latency;
 * - a timeline: one bar per recent operation over the last minute;
 * - the details of the selected operation, including why it was cancelled
 *   in words ("Cancelled because its parent “Batch” timed out after 5 s").
 *
 * Both lists can be filtered by name and by status. The selected operation
 * and its descendants can be cancelled with [method@CancelGtk.Monitor.cancel_selected]
 * (the toolbar button or <kbd>Delete</kbd>), every live operation with
 * [method@CancelGtk.Monitor.cancel_all].
 *
 * The monitor stays responsive with tens of thousands of live operations:
 * the lists are virtualized (only visible rows have widgets and watch their
 * operation), time columns are refreshed by one timer for the visible rows
 * only, the registry's own batching coalesces list changes and statistics
 * are refreshed at most twice a second. Nothing ticks while the monitor is
 * not mapped, nor while no operation runs: an idle monitor has no timer
 * and draws no frame.
 *
 * The registry must belong to the main context GTK runs on (the global
 * default context), as [func@Cancel.Registry.get_default] does. Operations
 * whose owner context is another one are shown too, but polled rather than
 * watched, since their notifications come from another thread.
 *
 * ## Actions
 *
 * The monitor installs `monitor.cancel-selected`, `monitor.cancel-all`
 * (which uses the message of the "Cancel All" popover) and
 * `monitor.clear-history`.
 *
 * ## CSS nodes
 *
 * The monitor has the CSS name `cancelmonitor`; its timeline is
 * `canceltimeline`.
 */

#define REFRESH_INTERVAL 250 /* ms: the time columns count down smoothly */

static const struct
{
  const char *field;
  const char *caption;
} detail_fields[] = {
  { "id",        N_("ID") },
  { "status",    N_("Status") },
  { "cause",     N_("Cause") },
  { "parent",    N_("Parent") },
  { "children",  N_("Children") },
  { "started",   N_("Started") },
  { "duration",  N_("Duration") },
  { "deadline",  N_("Deadline") },
  { "progress",  N_("Progress") },
  { "error",     N_("Error") },
};

static const CancelStatus stat_statuses[] = {
  CANCEL_STATUS_RUNNING,
  CANCEL_STATUS_SHIELDED,
  CANCEL_STATUS_COMPLETED,
  CANCEL_STATUS_CANCELLED,
  CANCEL_STATUS_TIMED_OUT,
  CANCEL_STATUS_FAILED,
};

struct _CancelGtkMonitor
{
  GtkWidget            parent_instance;

  CancelRegistry      *registry;
  GListModel          *history;
  /* The registry's lists, with precise changes (see cancel-gtk-mirror.c) */
  GListModel          *live_mirror;
  GListModel          *history_mirror;
  gulong               registry_handler;
  gulong               history_handler;

  /* Live tree: roots of the registry, each expanded into its children. In
   * search mode (a name or a status is asked for), a flat list of the
   * matching live operations instead. */
  GtkCustomFilter     *root_filter;
  GtkFilterListModel  *roots;
  GtkStringFilter     *name_filter;
  GtkCustomFilter     *status_filter;
  GtkFilter           *search_filter;
  GtkFilterListModel  *live_matches;
  GtkTreeListModel    *tree;
  gulong               tree_handler;
  GtkSingleSelection  *live_selection;
  gboolean             flat;
  guint                status_choice;

  GtkFilterListModel  *history_matches;
  GtkSortListModel    *history_sorted;
  GtkSingleSelection  *history_selection;

  CancelScope         *details_scope;
  gulong               details_handler;
  GHashTable          *detail_values;

  GtkWidget           *stat_values[CANCEL_N_STATUSES];
  GtkWidget           *average_duration_value;
  GtkWidget           *latency_value;

  /* The cells the timer refreshes: only bound ones, i.e. visible rows. */
  GHashTable          *ticking;
  /* Cells unbound by their list, to unbind unless bound again at once */
  GHashTable          *unbinding;
  guint                unbind_id;
  guint                timer_id;
  guint                n_ticks;
  gboolean             stats_dirty;
  guint                refilter_id;
  gboolean             refilter_less;
  gboolean             refilter_more;

  /* Template children */
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_dropdown;
  GtkStack            *stack;
  GtkStackPage        *live_page;
  GtkStackPage        *history_page;
  GtkColumnView       *live_view;
  GtkColumnView       *history_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *progress_column;
  GtkColumnViewColumn *elapsed_column;
  GtkColumnViewColumn *remaining_column;
  GtkColumnViewColumn *reason_column;
  GtkColumnViewColumn *cancel_column;
  GtkColumnViewColumn *history_name_column;
  GtkColumnViewColumn *history_status_column;
  GtkColumnViewColumn *history_reason_column;
  GtkColumnViewColumn *history_duration_column;
  GtkColumnViewColumn *history_message_column;
  GtkWidget           *stats_box;
  GtkWidget           *empty_label;
  GtkStack            *details_stack;
  GtkWidget           *details_title;
  GtkWidget           *details_grid;
  CancelGtkTimeline   *timeline;
  GtkEditable         *cancel_all_entry;
  GtkPopover          *cancel_all_popover;
};

G_DEFINE_FINAL_TYPE (CancelGtkMonitor, cancel_gtk_monitor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REGISTRY,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
scope_is_local (CancelScope *scope)
{
  GMainContext *context = cancel_scope_get_context (scope);

  return context == NULL || context == g_main_context_default ();
}

static gboolean
scope_is_live (CancelScope *scope)
{
  CancelStatus status = cancel_scope_get_status (scope);

  return status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED;
}

static void schedule_refresh (CancelGtkMonitor *self);

/* Cells */

static CancelScope *
list_item_dup_scope (GtkListItem *item)
{
  gpointer object = gtk_list_item_get_item (item);

  if (GTK_IS_TREE_LIST_ROW (object))
    return gtk_tree_list_row_get_item (object);

  return object != NULL ? g_object_ref (object) : NULL;
}

static CancelGtkCell *
list_item_get_cell (GtkListItem *item)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (GTK_IS_TREE_EXPANDER (child))
    child = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));

  return CANCEL_GTK_CELL (child);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            CancelGtkMonitor         *self)
{
  CancelGtkCellKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "cell-kind"));
  GtkWidget *cell = _cancel_gtk_cell_new (kind, self->ticking);

  if (g_object_get_data (G_OBJECT (factory), "cell-expander") != NULL)
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), cell);
      gtk_list_item_set_child (item, expander);
    }
  else
    gtk_list_item_set_child (item, cell);
}

/* GTK 4.8's signal factory unbinds and binds again every row whose
 * position changed, even to the same item: one operation ending near the
 * top of the list rebinds the ~200 rows a list view keeps. So unbinding
 * only marks the cell; a bind to the same item right after costs nothing,
 * and the cells left unbound are really unbound once the list is done
 * (after a refilter, before the next frame: an idle below GTK's redraw
 * would never run while the window draws every frame). */
static void
really_unbind_cell (CancelGtkCell *cell)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (cell));

  _cancel_gtk_cell_unbind (cell);

  if (GTK_IS_TREE_EXPANDER (parent))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (parent), NULL);
}

static void
flush_unbinds (CancelGtkMonitor *self)
{
  GHashTableIter iter;
  gpointer cell;

  g_clear_handle_id (&self->unbind_id, g_source_remove);

  g_hash_table_iter_init (&iter, self->unbinding);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    {
      really_unbind_cell (cell);
      g_hash_table_iter_remove (&iter);
    }
}

static gboolean
on_unbind_idle (gpointer user_data)
{
  CancelGtkMonitor *self = user_data;

  self->unbind_id = 0;
  flush_unbinds (self);

  return G_SOURCE_REMOVE;
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CancelGtkMonitor         *self)
{
  g_autoptr(CancelScope) scope = list_item_dup_scope (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  CancelGtkCell *cell = list_item_get_cell (item);

  g_hash_table_remove (self->unbinding, cell);

  if (GTK_IS_TREE_EXPANDER (child) &&
      gtk_tree_expander_get_list_row (GTK_TREE_EXPANDER (child)) != gtk_list_item_get_item (item))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child),
                                    GTK_TREE_LIST_ROW (gtk_list_item_get_item (item)));

  /* Nothing to do when it is the same scope as before. */
  if (scope != NULL)
    _cancel_gtk_cell_bind (cell, scope);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             CancelGtkMonitor         *self)
{
  g_hash_table_add (self->unbinding, g_object_ref (list_item_get_cell (item)));

  if (self->unbind_id == 0)
    {
      self->unbind_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 15, on_unbind_idle, self, NULL);
      g_source_set_name_by_id (self->unbind_id, "[cancel-gtk] unbind cells");
    }
}

static void
set_column_factory (CancelGtkMonitor    *self,
                    GtkColumnViewColumn *column,
                    CancelGtkCellKind    kind,
                    gboolean             expander)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "cell-kind", GUINT_TO_POINTER (kind));
  if (expander)
    g_object_set_data (G_OBJECT (factory), "cell-expander", GUINT_TO_POINTER (TRUE));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);

  gtk_column_view_column_set_factory (column, factory);
}

/* Models */

/* A live scope is a root of the tree unless its parent is shown: live in
 * the same registry and watched on this context (its children model can
 * then be shown under it). */
static gboolean
is_root (gpointer item,
         gpointer user_data)
{
  CancelRegistry *registry = user_data;
  g_autoptr(CancelScope) parent = cancel_scope_dup_parent (item);
  g_autoptr(CancelRegistry) parent_registry = NULL;

  if (parent == NULL)
    return TRUE;

  parent_registry = cancel_scope_dup_registry (parent);
  if (parent_registry != registry || !scope_is_local (parent))
    return TRUE;

  return !scope_is_live (parent);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  CancelScope *scope = item;

  /* The children model changes on the scope's owner context: only one
   * that is GTK's can be shown. */
  if (!scope_is_local (scope))
    return NULL;

  return g_object_ref (cancel_scope_get_children (scope));
}

static GListModel *
create_no_children (gpointer item,
                    gpointer user_data)
{
  return NULL;
}

static gboolean
status_matches (gpointer item,
                gpointer user_data)
{
  CancelGtkMonitor *self = user_data;
  CancelScope *scope = item;
  CancelStatus status = cancel_scope_get_status (scope);
  gboolean cancelling = _cancel_gtk_scope_is_cancelling (scope);

  switch (self->status_choice)
    {
    case CANCEL_GTK_STATUS_FILTER_RUNNING:
      return status == CANCEL_STATUS_RUNNING && !cancelling;
    case CANCEL_GTK_STATUS_FILTER_SHIELDED:
      return status == CANCEL_STATUS_SHIELDED && !cancelling;
    case CANCEL_GTK_STATUS_FILTER_CANCELLING:
      return cancelling;
    case CANCEL_GTK_STATUS_FILTER_COMPLETED:
      return status == CANCEL_STATUS_COMPLETED;
    case CANCEL_GTK_STATUS_FILTER_CANCELLED:
      return status == CANCEL_STATUS_CANCELLED;
    case CANCEL_GTK_STATUS_FILTER_TIMED_OUT:
      return status == CANCEL_STATUS_TIMED_OUT;
    case CANCEL_GTK_STATUS_FILTER_FAILED:
      return status == CANCEL_STATUS_FAILED;
    case CANCEL_GTK_STATUS_FILTER_ALL:
    default:
      return TRUE;
    }
}

static int
compare_newest_end_first (gconstpointer a,
                          gconstpointer b,
                          gpointer      user_data)
{
  gint64 end_a = cancel_scope_get_end_time ((CancelScope *) a);
  gint64 end_b = cancel_scope_get_end_time ((CancelScope *) b);
  guint64 id_a, id_b;

  if (end_a != end_b)
    return end_a < end_b ? 1 : -1;

  id_a = cancel_scope_get_id ((CancelScope *) a);
  id_b = cancel_scope_get_id ((CancelScope *) b);
  return id_a < id_b ? 1 : id_a > id_b ? -1 : 0;
}

static void
update_empty_label (CancelGtkMonitor *self)
{
  gboolean empty = self->tree == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->tree)) == 0;

  gtk_label_set_label (GTK_LABEL (self->empty_label),
                       self->flat ? _("No matching operations") : _("No running operations"));
  gtk_widget_set_visible (self->empty_label, empty);
}

static void
on_tree_items_changed (GListModel       *model,
                       guint             position,
                       guint             removed,
                       guint             added,
                       CancelGtkMonitor *self)
{
  if (added > 0 || removed > 0)
    update_empty_label (self);
}

static void
rebuild_tree (CancelGtkMonitor *self)
{
  GtkTreeListModel *tree = NULL;

  if (self->tree != NULL)
    {
      g_clear_signal_handler (&self->tree_handler, self->tree);
      g_clear_object (&self->tree);
    }

  if (self->registry != NULL)
    {
      if (self->flat)
        tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->live_matches)),
                                        FALSE, FALSE, create_no_children, NULL, NULL);
      else
        tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)),
                                        FALSE, TRUE, create_children, NULL, NULL);

      self->tree = tree;
      self->tree_handler = g_signal_connect (tree, "items-changed",
                                             G_CALLBACK (on_tree_items_changed), self);
    }

  gtk_single_selection_set_model (self->live_selection, G_LIST_MODEL (tree));
  update_empty_label (self);
}

static gboolean
refilter_roots (gpointer user_data)
{
  CancelGtkMonitor *self = user_data;
  GtkFilterChange change;

  self->refilter_id = 0;

  if (self->refilter_less && self->refilter_more)
    change = GTK_FILTER_CHANGE_DIFFERENT;
  else if (self->refilter_less)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_MORE_STRICT;

  self->refilter_less = self->refilter_more = FALSE;

  if (self->root_filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->root_filter), change);

  return G_SOURCE_REMOVE;
}

static void
on_registry_items_changed (GListModel       *model,
                           guint             position,
                           guint             removed,
                           guint             added,
                           CancelGtkMonitor *self)
{
  guint i;

  self->stats_dirty = TRUE;
  schedule_refresh (self);

  /* Whether a scope is a root depends on its parent being live here: a
   * parent that left makes its children roots (only items filtered out
   * need a look); a parent that arrived after its children takes them
   * back (only items shown need a look). Once per iteration at most. */
  if (removed > 0)
    self->refilter_less = TRUE;

  for (i = 0; i < added && !self->refilter_more; i++)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (model, position + i);

      if (scope_is_local (scope) &&
          g_list_model_get_n_items (cancel_scope_get_children (scope)) > 0)
        self->refilter_more = TRUE;
    }

  if ((self->refilter_less || self->refilter_more) && self->refilter_id == 0)
    {
      /* Before the frame is laid out (GDK_PRIORITY_REDRAW is HIGH_IDLE + 20). */
      self->refilter_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, refilter_roots, self, NULL);
      g_source_set_name_by_id (self->refilter_id, "[cancel-gtk] refilter roots");
    }
}

static void
on_history_items_changed (GListModel       *model,
                          guint             position,
                          guint             removed,
                          guint             added,
                          CancelGtkMonitor *self)
{
  self->stats_dirty = TRUE;
  schedule_refresh (self);
}

static void
unbind_registry (CancelGtkMonitor *self)
{
  if (self->registry == NULL)
    return;

  g_clear_handle_id (&self->refilter_id, g_source_remove);
  g_clear_signal_handler (&self->registry_handler, self->live_mirror);
  g_clear_signal_handler (&self->history_handler, self->history_mirror);

  gtk_single_selection_set_model (self->history_selection, NULL);
  if (self->tree != NULL)
    {
      g_clear_signal_handler (&self->tree_handler, self->tree);
      g_clear_object (&self->tree);
    }
  gtk_single_selection_set_model (self->live_selection, NULL);

  g_clear_object (&self->history_sorted);
  g_clear_object (&self->history_matches);
  g_clear_object (&self->live_matches);
  g_clear_object (&self->roots);
  g_clear_object (&self->root_filter);
  g_clear_object (&self->live_mirror);
  g_clear_object (&self->history_mirror);
  g_clear_object (&self->history);
  g_clear_object (&self->registry);
}

static void
bind_registry (CancelGtkMonitor *self,
               CancelRegistry   *registry)
{
  GtkSorter *sorter;

  self->registry = g_object_ref (registry);
  self->history = g_object_ref (cancel_registry_get_history (registry));
  self->live_mirror = _cancel_gtk_mirror_new (G_LIST_MODEL (registry));
  self->history_mirror = _cancel_gtk_mirror_new (self->history);

  self->root_filter = gtk_custom_filter_new (is_root, g_object_ref (registry), g_object_unref);
  self->roots = gtk_filter_list_model_new (g_object_ref (self->live_mirror),
                                           g_object_ref (GTK_FILTER (self->root_filter)));
  self->live_matches = gtk_filter_list_model_new (g_object_ref (self->live_mirror),
                                                  g_object_ref (self->search_filter));
  self->history_matches = gtk_filter_list_model_new (g_object_ref (self->history_mirror),
                                                     g_object_ref (self->search_filter));
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_newest_end_first, NULL, NULL));
  self->history_sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->history_matches)),
                                                  sorter);

  self->registry_handler = g_signal_connect (self->live_mirror, "items-changed",
                                             G_CALLBACK (on_registry_items_changed), self);
  self->history_handler = g_signal_connect (self->history_mirror, "items-changed",
                                            G_CALLBACK (on_history_items_changed), self);

  gtk_single_selection_set_model (self->history_selection, G_LIST_MODEL (self->history_sorted));
  rebuild_tree (self);
}

static void
update_mode (CancelGtkMonitor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean flat = (text != NULL && text[0] != '\0') ||
                  self->status_choice != CANCEL_GTK_STATUS_FILTER_ALL;

  if (flat == self->flat)
    {
      update_empty_label (self);
      return;
    }

  self->flat = flat;
  rebuild_tree (self);
}

static void
on_search_changed (CancelGtkMonitor *self,
                   GtkSearchEntry   *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  gtk_string_filter_set_search (self->name_filter, text != NULL && text[0] != '\0' ? text : NULL);
  update_mode (self);
}

static void
on_status_selected (CancelGtkMonitor *self,
                    GParamSpec       *pspec,
                    GtkDropDown      *dropdown)
{
  guint choice = gtk_drop_down_get_selected (dropdown);

  if (choice == GTK_INVALID_LIST_POSITION || choice >= CANCEL_GTK_N_STATUS_FILTERS)
    choice = CANCEL_GTK_STATUS_FILTER_ALL;

  if (choice == self->status_choice)
    return;

  self->status_choice = choice;
  gtk_filter_changed (GTK_FILTER (self->status_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_mode (self);
}

/* A list view builds and binds some 200 rows even where it cannot be
 * seen: the history view gets its model only while its page is shown. */
static void
update_history_view (CancelGtkMonitor *self)
{
  gboolean shown = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "history") == 0;
  GtkSelectionModel *model = shown ? GTK_SELECTION_MODEL (self->history_selection) : NULL;

  if (gtk_column_view_get_model (self->history_view) != model)
    gtk_column_view_set_model (self->history_view, model);
}

/* Details */

static void
set_detail (CancelGtkMonitor *self,
            const char       *field,
            const char       *text)
{
  GtkLabel *label = g_hash_table_lookup (self->detail_values, field);

  g_assert (label != NULL);

  if (text == NULL || text[0] == '\0')
    text = "—";

  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
take_detail (CancelGtkMonitor *self,
             const char       *field,
             char             *text)
{
  set_detail (self, field, text);
  g_free (text);
}

static void
update_actions (CancelGtkMonitor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.cancel-selected",
                                 self->details_scope != NULL &&
                                 scope_is_live (self->details_scope) &&
                                 !_cancel_gtk_scope_is_cancelling (self->details_scope));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.cancel-all",
                                 self->registry != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.clear-history",
                                 self->history != NULL && g_list_model_get_n_items (self->history) > 0);
}

static void
update_details (CancelGtkMonitor *self)
{
  CancelScope *scope = self->details_scope;
  g_autoptr(CancelScope) parent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *progress_message = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 start, end, remaining;
  double progress;

  update_actions (self);

  if (scope == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "empty");
      return;
    }

  gtk_stack_set_visible_child_name (self->details_stack, "details");

  name = _cancel_gtk_format_scope_name (scope);
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (self->details_title)), name) != 0)
    gtk_label_set_label (GTK_LABEL (self->details_title), name);

  take_detail (self, "id", g_strdup_printf ("%" G_GUINT64_FORMAT, cancel_scope_get_id (scope)));
  set_detail (self, "status", _cancel_gtk_format_status (scope));
  take_detail (self, "cause", _cancel_gtk_describe_cause (scope));

  parent = cancel_scope_dup_parent (scope);
  if (parent != NULL)
    {
      g_autofree char *parent_name = _cancel_gtk_format_scope_name (parent);

      take_detail (self, "parent", g_strdup_printf ("“%s” (#%" G_GUINT64_FORMAT ")",
                                                    parent_name, cancel_scope_get_id (parent)));
    }
  else
    set_detail (self, "parent", C_("parent", "None"));

  if (scope_is_local (scope))
    take_detail (self, "children",
                 g_strdup_printf ("%u", g_list_model_get_n_items (cancel_scope_get_children (scope))));
  else
    set_detail (self, "children", NULL);

  start = cancel_scope_get_start_time (scope);
  end = cancel_scope_get_end_time (scope);
  if (start > 0)
    {
      g_autofree char *duration = _cancel_gtk_format_duration ((end > 0 ? end : now) - start);

      if (end > 0)
        {
          /* Ended: the time of day it started, which stays right while
           * nothing runs and the monitor does not tick. */
          gint64 started_at = g_get_real_time () - (now - start);
          g_autoptr(GDateTime) started = g_date_time_new_from_unix_local (started_at / G_USEC_PER_SEC);

          take_detail (self, "started", g_date_time_format (started, "%X"));
          set_detail (self, "duration", duration);
        }
      else
        {
          g_autofree char *ago = _cancel_gtk_format_duration (now - start);

          /* Translators: %s is a duration: "12 s ago" */
          take_detail (self, "started", g_strdup_printf (_("%s ago"), ago));
          /* Translators: %s is a duration */
          take_detail (self, "duration", g_strdup_printf (_("%s so far"), duration));
        }
    }
  else
    {
      set_detail (self, "started", _("Not started"));
      set_detail (self, "duration", NULL);
    }

  remaining = cancel_scope_get_remaining (scope);
  if (cancel_status_is_final (cancel_scope_get_status (scope)) || remaining < 0)
    set_detail (self, "deadline", C_("deadline", "None"));
  else if (remaining == 0)
    set_detail (self, "deadline", C_("deadline", "Passed"));
  else
    {
      g_autofree char *in = _cancel_gtk_format_duration (remaining);

      /* Translators: %s is a duration: "in 3.5 s" */
      take_detail (self, "deadline", g_strdup_printf (_("in %s"), in));
    }

  progress = cancel_scope_get_progress (scope);
  progress_message = cancel_scope_dup_progress_message (scope);
  if (progress >= 0)
    take_detail (self, "progress",
                 progress_message != NULL
                 ? g_strdup_printf (_("%d %% · %s"), (int) (progress * 100 + 0.5), progress_message)
                 : g_strdup_printf (_("%d %%"), (int) (progress * 100 + 0.5)));
  else
    set_detail (self, "progress", progress_message);

  error = cancel_scope_dup_error (scope);
  set_detail (self, "error", error != NULL ? error->message : C_("error", "None"));
}

static void
on_details_notify (CancelScope      *scope,
                   GParamSpec       *pspec,
                   CancelGtkMonitor *self)
{
  update_details (self);
}

static void
set_details_scope (CancelGtkMonitor *self,
                   CancelScope      *scope)
{
  if (self->details_scope == scope)
    return;

  if (self->details_scope != NULL)
    {
      g_clear_signal_handler (&self->details_handler, self->details_scope);
      g_clear_object (&self->details_scope);
    }

  if (scope != NULL)
    {
      self->details_scope = g_object_ref (scope);
      /* Notifications of a scope owned by another context would come from
       * another thread: those are polled by the timer instead. */
      if (scope_is_local (scope))
        self->details_handler = g_signal_connect (scope, "notify",
                                                  G_CALLBACK (on_details_notify), self);
    }

  update_details (self);
  schedule_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
on_selection_changed (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      CancelGtkMonitor   *self)
{
  gpointer item = gtk_single_selection_get_selected_item (selection);
  g_autoptr(CancelScope) scope = NULL;

  /* A row that went away (its operation ended) leaves the details on it:
   * they show how it ended. */
  if (item == NULL)
    return;

  if (GTK_IS_TREE_LIST_ROW (item))
    scope = gtk_tree_list_row_get_item (item);
  else
    scope = g_object_ref (item);

  set_details_scope (self, scope);
}

static void
on_live_activate (GtkColumnView    *view,
                  guint             position,
                  CancelGtkMonitor *self)
{
  g_autoptr(GtkTreeListRow) row = NULL;

  if (self->tree == NULL)
    return;

  row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
on_timeline_scope_activated (CancelGtkMonitor *self,
                             CancelScope      *scope)
{
  set_details_scope (self, scope);
}

/* Statistics */

static void
set_stat (GtkWidget  *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) != 0)
    gtk_label_set_label (GTK_LABEL (label), text);
}

static void
refresh_stats (CancelGtkMonitor *self)
{
  g_autoptr(CancelRegistryStats) stats = NULL;
  guint64 cancelled;
  guint i;

  self->stats_dirty = FALSE;

  if (self->registry == NULL)
    return;

  stats = cancel_registry_get_stats (self->registry);

  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    {
      CancelStatus status = stat_statuses[i];
      g_autofree char *text = NULL;

      if (cancel_status_is_final (status))
        text = g_strdup_printf ("%" G_GUINT64_FORMAT, cancel_registry_stats_get_finished (stats, status));
      else
        text = g_strdup_printf ("%u", cancel_registry_stats_get_live (stats, status));

      set_stat (self->stat_values[status], text);
    }

  if (cancel_registry_stats_get_total_finished (stats) > 0)
    {
      g_autofree char *text = _cancel_gtk_format_duration (cancel_registry_stats_get_average_duration (stats));

      set_stat (self->average_duration_value, text);
    }
  else
    set_stat (self->average_duration_value, "—");

  cancelled = cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED) +
              cancel_registry_stats_get_finished (stats, CANCEL_STATUS_TIMED_OUT);
  if (cancelled > 0)
    {
      g_autofree char *average = _cancel_gtk_format_duration (cancel_registry_stats_get_average_cancel_latency (stats));
      g_autofree char *max = _cancel_gtk_format_duration (cancel_registry_stats_get_max_cancel_latency (stats));
      /* Translators: an average and a maximum duration: "3 ms (max 12 ms)" */
      g_autofree char *text = g_strdup_printf (_("%s (max %s)"), average, max);

      set_stat (self->latency_value, text);
    }
  else
    set_stat (self->latency_value, "—");

  update_actions (self);
}

/* The tab titles count the rows of each list: cheap, so every tick. */
static void
refresh_titles (CancelGtkMonitor *self)
{
  g_autofree char *live_title = NULL;
  g_autofree char *history_title = NULL;

  if (self->registry == NULL)
    return;

  /* Translators: the title of the tab of live operations, with their number */
  live_title = g_strdup_printf (_("Live (%u)"), g_list_model_get_n_items (G_LIST_MODEL (self->registry)));
  /* Translators: the title of the tab of finished operations, with their number */
  history_title = g_strdup_printf (_("History (%u)"), g_list_model_get_n_items (self->history));

  if (g_strcmp0 (gtk_stack_page_get_title (self->live_page), live_title) != 0)
    gtk_stack_page_set_title (self->live_page, live_title);
  if (g_strcmp0 (gtk_stack_page_get_title (self->history_page), history_title) != 0)
    gtk_stack_page_set_title (self->history_page, history_title);
}

/* List views keep rows bound well beyond what they show (some 200 in
 * GTK 4.8): only cells inside the visible part of their scrolled window
 * are worth refreshing. The others are refreshed when they scroll in. */
static gboolean
cell_is_visible (GtkWidget *cell)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (cell, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (cell))
    return FALSE;

  if (viewport == NULL || !gtk_widget_compute_bounds (cell, viewport, &bounds))
    return TRUE;

  return bounds.origin.y + bounds.size.height >= 0 &&
         bounds.origin.y <= gtk_widget_get_height (viewport) &&
         bounds.origin.x + bounds.size.width >= 0 &&
         bounds.origin.x <= gtk_widget_get_width (viewport);
}

static void
refresh (CancelGtkMonitor *self,
         gboolean          force)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer cell;

  self->n_ticks++;

  g_hash_table_iter_init (&iter, self->ticking);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    {
      gboolean visible = cell_is_visible (cell);

      if (force || visible)
        _cancel_gtk_cell_tick (cell, now, visible);
      else
        _cancel_gtk_cell_freeze (cell);
    }

  if (self->details_scope != NULL)
    update_details (self);

  /* Statistics at most every other tick (~500 ms), and only when the
   * lists changed. */
  if (force || (self->stats_dirty && self->n_ticks % 2 == 0))
    refresh_stats (self);
  refresh_titles (self);

  /* A live status filter goes stale when operations get cancelled. */
  if (self->n_ticks % 2 == 0 &&
      (self->status_choice == CANCEL_GTK_STATUS_FILTER_RUNNING ||
       self->status_choice == CANCEL_GTK_STATUS_FILTER_SHIELDED ||
       self->status_choice == CANCEL_GTK_STATUS_FILTER_CANCELLING))
    gtk_filter_changed (GTK_FILTER (self->status_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Something counts: a live operation (elapsed time, time left, progress,
 * a status filter that goes stale) or the details of one. */
static gboolean
needs_ticking (CancelGtkMonitor *self)
{
  if (self->registry != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0)
    return TRUE;

  return self->details_scope != NULL && scope_is_live (self->details_scope);
}

static gboolean
on_timer (gpointer user_data)
{
  CancelGtkMonitor *self = user_data;

  if (needs_ticking (self))
    {
      refresh (self, FALSE);
      return G_SOURCE_CONTINUE;
    }

  /* Nothing runs any more: the figures take their final values and the
   * timer stops until the lists change again. */
  self->timer_id = 0;
  refresh (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* Starts the timer while mapped. It runs while something counts and then
 * once more, so a change of the lists while idle (a scope that began and
 * ended between two publishes, a cleared history) is shown too. */
static void
schedule_refresh (CancelGtkMonitor *self)
{
  if (self->timer_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  /* Waking up: what changed shows at once, the times from the first tick. */
  refresh_titles (self);
  if (self->stats_dirty)
    refresh_stats (self);

  self->timer_id = g_timeout_add (REFRESH_INTERVAL, on_timer, self);
  g_source_set_name_by_id (self->timer_id, "[cancel-gtk] monitor refresh");
}

/* Building */

static void
add_stat (CancelGtkMonitor *self,
          const char       *swatch_class,
          const char       *caption,
          GtkWidget       **value_out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *value = gtk_label_new ("—");
  GtkWidget *label = gtk_label_new (caption);

  if (swatch_class != NULL)
    {
      GtkWidget *swatch = gtk_image_new ();

      gtk_widget_add_css_class (swatch, "swatch");
      gtk_widget_add_css_class (swatch, swatch_class);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), swatch);
    }

  gtk_widget_add_css_class (value, "stat-value");
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), label);
  /* A flow box: the strip wraps instead of widening the monitor. */
  gtk_flow_box_append (GTK_FLOW_BOX (self->stats_box), box);

  *value_out = value;
}

static void
build_stats (CancelGtkMonitor *self)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    {
      CancelStatus status = stat_statuses[i];
      CancelGtkLook look = _cancel_gtk_look_for_status (status, FALSE);

      add_stat (self, _cancel_gtk_look_css_class (look),
                cancel_status_get_display_name (status),
                &self->stat_values[status]);
    }

  add_stat (self, NULL, _("average duration"), &self->average_duration_value);
  add_stat (self, NULL, _("cancel latency"), &self->latency_value);
}

static void
build_details (CancelGtkMonitor *self)
{
  guint i;

  self->detail_values = g_hash_table_new (g_str_hash, g_str_equal);

  for (i = 0; i < G_N_ELEMENTS (detail_fields); i++)
    {
      GtkWidget *caption = gtk_label_new (_(detail_fields[i].caption));
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (caption), 1.0f);
      gtk_label_set_yalign (GTK_LABEL (caption), 0.0f);
      gtk_widget_add_css_class (caption, "dim-label");

      gtk_label_set_xalign (GTK_LABEL (value), 0.0f);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL,
                                      -1);

      gtk_grid_attach (GTK_GRID (self->details_grid), caption, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (self->details_grid), value, 1, i, 1, 1);

      g_hash_table_insert (self->detail_values, (gpointer) detail_fields[i].field, value);
    }
}

static void
build_status_dropdown (CancelGtkMonitor *self)
{
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);

  /* In the order of the CANCEL_GTK_STATUS_FILTER_ values. */
  gtk_string_list_append (choices, _("All Statuses"));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_RUNNING));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_SHIELDED));
  gtk_string_list_append (choices, C_("status", "Cancelling"));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_COMPLETED));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_CANCELLED));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_TIMED_OUT));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_FAILED));

  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->status_dropdown, CANCEL_GTK_STATUS_FILTER_ALL);
}

/* Actions */

static void
cancel_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  cancel_gtk_monitor_cancel_selected (CANCEL_GTK_MONITOR (widget));
}

static void
cancel_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (widget);
  const char *message = gtk_editable_get_text (self->cancel_all_entry);

  cancel_gtk_monitor_cancel_all (self, message != NULL && message[0] != '\0' ? message : NULL);
  gtk_popover_popdown (self->cancel_all_popover);
}

static void
clear_history_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (widget);

  if (self->registry != NULL)
    cancel_registry_clear_history (self->registry);
}

static void
on_cancel_all_activate (CancelGtkMonitor *self,
                        GtkEntry         *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "monitor.cancel-all", NULL);
}

/* GObject and GtkWidget */

static void
cancel_gtk_monitor_realize (GtkWidget *widget)
{
  /* A display that was opened before GDK's display manager could tell
   * (none in practice): only now is the widget's display final, as the
   * Inspector builds its pages before moving them to its own display. */
  _cancel_gtk_style_ensure (gtk_widget_get_display (widget));

  GTK_WIDGET_CLASS (cancel_gtk_monitor_parent_class)->realize (widget);
}

static void
cancel_gtk_monitor_map (GtkWidget *widget)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (widget);

  GTK_WIDGET_CLASS (cancel_gtk_monitor_parent_class)->map (widget);

  refresh (self, TRUE);
  if (needs_ticking (self))
    schedule_refresh (self);
}

static void
cancel_gtk_monitor_unmap (GtkWidget *widget)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (widget);

  g_clear_handle_id (&self->timer_id, g_source_remove);

  GTK_WIDGET_CLASS (cancel_gtk_monitor_parent_class)->unmap (widget);
}

static void
cancel_gtk_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;

    case PROP_SELECTED:
      g_value_set_object (value, self->details_scope);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_monitor_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      cancel_gtk_monitor_set_registry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_monitor_dispose (GObject *object)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (object);
  GtkWidget *child;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  flush_unbinds (self);

  if (self->details_scope != NULL)
    {
      g_clear_signal_handler (&self->details_handler, self->details_scope);
      g_clear_object (&self->details_scope);
    }

  if (self->timeline != NULL)
    _cancel_gtk_timeline_set_registry (self->timeline, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANCEL_GTK_TYPE_MONITOR);
  /* The template's direct children not bound to a field. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  unbind_registry (self);
  flush_unbinds (self);

  if (self->status_filter != NULL)
    gtk_custom_filter_set_filter_func (self->status_filter, NULL, NULL, NULL);
  g_clear_object (&self->search_filter);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->status_filter);
  g_clear_object (&self->live_selection);
  g_clear_object (&self->history_selection);
  g_clear_pointer (&self->detail_values, g_hash_table_unref);

  G_OBJECT_CLASS (cancel_gtk_monitor_parent_class)->dispose (object);
}

static void
cancel_gtk_monitor_finalize (GObject *object)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (object);

  g_clear_pointer (&self->ticking, g_hash_table_unref);
  g_clear_pointer (&self->unbinding, g_hash_table_unref);

  G_OBJECT_CLASS (cancel_gtk_monitor_parent_class)->finalize (object);
}

static void
cancel_gtk_monitor_class_init (CancelGtkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  _cancel_gtk_i18n_init ();

  object_class->get_property = cancel_gtk_monitor_get_property;
  object_class->set_property = cancel_gtk_monitor_set_property;
  object_class->dispose = cancel_gtk_monitor_dispose;
  object_class->finalize = cancel_gtk_monitor_finalize;

  widget_class->realize = cancel_gtk_monitor_realize;
  widget_class->map = cancel_gtk_monitor_map;
  widget_class->unmap = cancel_gtk_monitor_unmap;

  /**
   * CancelGtkMonitor:registry: (attributes org.gtk.Property.get=cancel_gtk_monitor_get_registry org.gtk.Property.set=cancel_gtk_monitor_set_registry)
   *
   * The registry shown. Setting %NULL shows the default registry
   * ([func@Cancel.Registry.get_default]).
   */
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL,
                         CANCEL_TYPE_REGISTRY,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CancelGtkMonitor:selected: (attributes org.gtk.Property.get=cancel_gtk_monitor_get_selected)
   *
   * The operation whose details are shown: the last one selected in
   * either list or clicked in the timeline, or %NULL. It stays selected
   * after it ended. Notified on the GTK thread.
   */
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL,
                         CANCEL_TYPE_SCOPE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANCEL_GTK_TYPE_TIMELINE);
  _cancel_gtk_style_init ();

  gtk_widget_class_set_template_from_resource (widget_class, "/org/gnome/CancelGtk/cancel-gtk-monitor.ui");
  /* The template's translations come from its <interface domain="cancelable">. */

  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, stack);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, live_page);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_page);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, live_view);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_view);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, name_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, status_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, progress_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, elapsed_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, remaining_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, reason_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, cancel_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_name_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_status_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_reason_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_duration_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_message_column);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, stats_box);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, empty_label);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, details_stack);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, details_title);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, details_grid);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, timeline);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, cancel_all_entry);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, cancel_all_popover);

  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_status_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_live_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_timeline_scope_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_all_activate);

  gtk_widget_class_install_action (widget_class, "monitor.cancel-selected", NULL, cancel_selected_action);
  gtk_widget_class_install_action (widget_class, "monitor.cancel-all", NULL, cancel_all_action);
  gtk_widget_class_install_action (widget_class, "monitor.clear-history", NULL, clear_history_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "monitor.cancel-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "monitor.cancel-selected", NULL);

  gtk_widget_class_set_css_name (widget_class, "cancelmonitor");
}

static void
cancel_gtk_monitor_init (CancelGtkMonitor *self)
{
  GtkExpression *name_expression;
  GtkFilter *every;

  self->ticking = g_hash_table_new (NULL, NULL);
  self->unbinding = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  set_column_factory (self, self->name_column, CANCEL_GTK_CELL_NAME, TRUE);
  set_column_factory (self, self->status_column, CANCEL_GTK_CELL_STATUS, FALSE);
  set_column_factory (self, self->progress_column, CANCEL_GTK_CELL_PROGRESS, FALSE);
  set_column_factory (self, self->elapsed_column, CANCEL_GTK_CELL_ELAPSED, FALSE);
  set_column_factory (self, self->remaining_column, CANCEL_GTK_CELL_REMAINING, FALSE);
  set_column_factory (self, self->reason_column, CANCEL_GTK_CELL_REASON, FALSE);
  set_column_factory (self, self->cancel_column, CANCEL_GTK_CELL_CANCEL, FALSE);
  set_column_factory (self, self->history_name_column, CANCEL_GTK_CELL_NAME, FALSE);
  set_column_factory (self, self->history_status_column, CANCEL_GTK_CELL_STATUS, FALSE);
  set_column_factory (self, self->history_reason_column, CANCEL_GTK_CELL_REASON, FALSE);
  set_column_factory (self, self->history_duration_column, CANCEL_GTK_CELL_DURATION, FALSE);
  set_column_factory (self, self->history_message_column, CANCEL_GTK_CELL_MESSAGE, FALSE);

  name_expression = gtk_property_expression_new (CANCEL_TYPE_SCOPE, NULL, "name");
  self->name_filter = gtk_string_filter_new (name_expression);
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  self->status_filter = gtk_custom_filter_new (status_matches, self, NULL);

  every = GTK_FILTER (gtk_every_filter_new ());
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (every), g_object_ref (GTK_FILTER (self->status_filter)));
  self->search_filter = every;

  self->live_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->live_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->live_selection, TRUE);
  g_signal_connect (self->live_selection, "notify::selected-item",
                    G_CALLBACK (on_selection_changed), self);
  gtk_column_view_set_model (self->live_view, GTK_SELECTION_MODEL (self->live_selection));

  self->history_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->history_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->history_selection, TRUE);
  g_signal_connect (self->history_selection, "notify::selected-item",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->stack, "notify::visible-child",
                            G_CALLBACK (update_history_view), self);
  update_history_view (self);

  build_status_dropdown (self);
  build_stats (self);
  build_details (self);
  update_details (self);
}

/**
 * cancel_gtk_monitor_new:
 * @registry: (nullable): the registry to show, or %NULL for the default one
 *
 * Creates a monitor of @registry.
 *
 * Returns: (transfer floating): a new [class@CancelGtk.Monitor]
 */
GtkWidget *
cancel_gtk_monitor_new (CancelRegistry *registry)
{
  g_return_val_if_fail (registry == NULL || CANCEL_IS_REGISTRY (registry), NULL);

  return g_object_new (CANCEL_GTK_TYPE_MONITOR, "registry", registry, NULL);
}

/**
 * cancel_gtk_monitor_get_registry: (attributes org.gtk.Method.get_property=registry)
 * @self: a monitor
 *
 * Gets the registry shown.
 *
 * Returns: (transfer none): the registry
 */
CancelRegistry *
cancel_gtk_monitor_get_registry (CancelGtkMonitor *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), NULL);

  return self->registry;
}

/**
 * cancel_gtk_monitor_set_registry: (attributes org.gtk.Method.set_property=registry)
 * @self: a monitor
 * @registry: (nullable): the registry to show, or %NULL for the default one
 *
 * Shows @registry. Its context must be the one GTK runs on (the global
 * default main context): the monitor follows its `items-changed` signals.
 */
void
cancel_gtk_monitor_set_registry (CancelGtkMonitor *self,
                                 CancelRegistry   *registry)
{
  GMainContext *context;

  g_return_if_fail (CANCEL_GTK_IS_MONITOR (self));
  g_return_if_fail (registry == NULL || CANCEL_IS_REGISTRY (registry));

  if (registry == NULL)
    registry = cancel_registry_get_default ();

  context = cancel_registry_get_context (registry);
  g_return_if_fail (context == NULL || context == g_main_context_default ());

  if (self->registry == registry)
    return;

  unbind_registry (self);
  bind_registry (self, registry);
  _cancel_gtk_timeline_set_registry (self->timeline, registry);

  self->stats_dirty = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self, TRUE);
  if (needs_ticking (self))
    schedule_refresh (self);
  update_actions (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRY]);
}

/**
 * cancel_gtk_monitor_get_selected: (attributes org.gtk.Method.get_property=selected)
 * @self: a monitor
 *
 * Gets the operation whose details are shown: the last one selected in
 * either list (or clicked in the timeline). It stays selected after it
 * ended and left the live list.
 *
 * Returns: (transfer none) (nullable): the selected operation
 */
CancelScope *
cancel_gtk_monitor_get_selected (CancelGtkMonitor *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), NULL);

  return self->details_scope;
}

/* The selected scope and its live descendants that can be walked on this
 * thread (children models of other contexts change elsewhere). */
static GPtrArray *
collect_subtree (CancelScope *scope)
{
  GPtrArray *subtree = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  g_ptr_array_add (subtree, g_object_ref (scope));

  for (i = 0; i < subtree->len; i++)
    {
      CancelScope *node = g_ptr_array_index (subtree, i);
      GListModel *children;
      guint j, n;

      if (!scope_is_local (node))
        continue;

      children = cancel_scope_get_children (node);
      n = g_list_model_get_n_items (children);
      for (j = 0; j < n; j++)
        g_ptr_array_add (subtree, g_list_model_get_item (children, j));
    }

  return subtree;
}

/**
 * cancel_gtk_monitor_cancel_selected:
 * @self: a monitor
 *
 * Cancels the selected operation ([property@CancelGtk.Monitor:selected])
 * with %CANCEL_REASON_MANUAL and the message "Cancelled by user"; its
 * descendants are cancelled with it (with %CANCEL_REASON_PARENT), except
 * shielded ones.
 *
 * Returns: how many operations this call cancelled: the selected one and
 *   its descendants, 0 if nothing is selected or it was cancelled already
 */
guint
cancel_gtk_monitor_cancel_selected (CancelGtkMonitor *self)
{
  g_autoptr(GPtrArray) subtree = NULL;
  g_autofree gboolean *was_cancelled = NULL;
  guint i, count = 0;

  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), 0);

  if (self->details_scope == NULL)
    return 0;

  subtree = collect_subtree (self->details_scope);
  was_cancelled = g_new (gboolean, subtree->len);
  for (i = 0; i < subtree->len; i++)
    was_cancelled[i] = cancel_scope_get_reason (g_ptr_array_index (subtree, i)) != CANCEL_REASON_NONE;

  /* The cascade runs on this thread before cancel returns. */
  cancel_scope_cancel (self->details_scope, CANCEL_REASON_MANUAL, _("Cancelled by user"));

  for (i = 0; i < subtree->len; i++)
    if (!was_cancelled[i] && cancel_scope_get_reason (g_ptr_array_index (subtree, i)) != CANCEL_REASON_NONE)
      count++;

  update_details (self);

  return count;
}

/**
 * cancel_gtk_monitor_cancel_all:
 * @self: a monitor
 * @message: (nullable): the cancellation message, or %NULL for
 *   "Cancelled by user"
 *
 * Cancels every live operation of the registry with
 * %CANCEL_REASON_MANUAL, as [method@Cancel.Registry.cancel_all] does.
 *
 * Returns: how many operations were cancelled
 */
guint
cancel_gtk_monitor_cancel_all (CancelGtkMonitor *self,
                               const char       *message)
{
  guint count;

  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), 0);

  if (self->registry == NULL)
    return 0;

  count = cancel_registry_cancel_all (self->registry, CANCEL_REASON_MANUAL,
                                      message != NULL ? message : _("Cancelled by user"));
  update_details (self);

  return count;
}

/* Private accessors */

GtkColumnView *
_cancel_gtk_monitor_get_live_view (CancelGtkMonitor *self)
{
  return self->live_view;
}

GtkColumnView *
_cancel_gtk_monitor_get_history_view (CancelGtkMonitor *self)
{
  return self->history_view;
}

GListModel *
_cancel_gtk_monitor_get_live_rows (CancelGtkMonitor *self)
{
  return G_LIST_MODEL (self->live_selection);
}

GListModel *
_cancel_gtk_monitor_get_history_rows (CancelGtkMonitor *self)
{
  return G_LIST_MODEL (self->history_selection);
}

GtkEditable *
_cancel_gtk_monitor_get_search_entry (CancelGtkMonitor *self)
{
  return GTK_EDITABLE (self->search_entry);
}

GtkDropDown *
_cancel_gtk_monitor_get_status_dropdown (CancelGtkMonitor *self)
{
  return self->status_dropdown;
}

GtkStack *
_cancel_gtk_monitor_get_stack (CancelGtkMonitor *self)
{
  return self->stack;
}

CancelGtkTimeline *
_cancel_gtk_monitor_get_timeline (CancelGtkMonitor *self)
{
  return self->timeline;
}

const char *
_cancel_gtk_monitor_get_details_text (CancelGtkMonitor *self,
                                      const char       *field)
{
  GtkLabel *label;

  if (g_str_equal (field, "title"))
    return gtk_label_get_label (GTK_LABEL (self->details_title));

  label = g_hash_table_lookup (self->detail_values, field);
  g_return_val_if_fail (label != NULL, NULL);

  return gtk_label_get_label (label);
}

const char *
_cancel_gtk_monitor_get_stat_text (CancelGtkMonitor *self,
                                   const char       *stat)
{
  guint i;

  if (g_str_equal (stat, "average-duration"))
    return gtk_label_get_label (GTK_LABEL (self->average_duration_value));
  if (g_str_equal (stat, "cancel-latency"))
    return gtk_label_get_label (GTK_LABEL (self->latency_value));

  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    if (g_str_equal (stat, cancel_status_to_string (stat_statuses[i])))
      return gtk_label_get_label (GTK_LABEL (self->stat_values[stat_statuses[i]]));

  g_return_val_if_reached (NULL);
}

void
_cancel_gtk_monitor_refresh (CancelGtkMonitor *self)
{
  refresh (self, TRUE);
}

gboolean
_cancel_gtk_monitor_get_ticking (CancelGtkMonitor *self)
{
  return self->timer_id != 0;
}

guint
_cancel_gtk_monitor_get_n_ticking (CancelGtkMonitor *self)
{
  GHashTableIter iter;
  gpointer cell;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->ticking);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    if (cell_is_visible (cell))
      n++;

  return n;
}
