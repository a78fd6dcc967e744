/* cancel-gtk-monitor.c: a live view of a CancelRegistry
 *
 * Over 800 lines, for a reason: this is the widget that wires its parts
 * (the live tree and search models, the details pane, the statistics
 * strip, the timeline, the cell factories of its columns) and owns the one
 * refresh timer that paces them all, which is one concern; about 230 of
 * its lines are the public API's documentation and the accessors the
 * tests use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-cell-factory-private.h"
#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-details-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-mirror-private.h"
#include "cancel-gtk-monitor-menus-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-search-private.h"
#include "cancel-gtk-scroll-bin-private.h"
#include "cancel-gtk-split-private.h"
#include "cancel-gtk-stats-private.h"
#include "cancel-gtk-style-private.h"
#include "cancel-gtk-timeline-private.h"
#include "cancel-gtk-timeline-rows-private.h"

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
 * The monitor installs `monitor.cancel-selected` (the selected operation
 * and its descendants, <kbd>Delete</kbd>), `monitor.cancel-one` (the
 * selected operation; shielded children keep running),
 * `monitor.cancel-all` (which uses the message of the "Cancel All"
 * popover; disabled while nothing runs), `monitor.clear-history`,
 * `monitor.copy-details` (<kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>C</kbd>) and
 * `monitor.context-menu` (<kbd>Menu</kbd>, <kbd>Shift</kbd>+<kbd>F10</kbd>,
 * or a right click or long press on a row). The group `columns` has one
 * boolean action per optional column (`columns.reason_column`, ...), as the
 * view menu's check items.
 *
 * ## Sizes
 *
 * The monitor is usable from 360 pixels wide: below 720 pixels the details
 * of the selected operation go below the lists and the statistics show
 * their counts only; the details pane takes no room while nothing is
 * selected, and its toggle button hides it.
 *
 * ## CSS nodes
 *
 * The monitor has the CSS name `cancelmonitor`; its timeline is
 * `canceltimeline`.
 *
 * Like every widget, a monitor is used from the GTK thread only.
 *
 * Since: 0.1
 */

#define REFRESH_INTERVAL 250 /* ms: the time columns count down smoothly */

struct _CancelGtkMonitor
{
  GtkWidget            parent_instance;

  CancelRegistry      *registry;
  GListModel          *history;
  /* The history, with precise changes (see cancel-gtk-mirror.c) */
  GListModel          *history_mirror;
  gulong               history_handler;

  /* Live rows (see cancel-gtk-live-tree.c): the tree of the registry's
   * operations or, in search mode (a name or a status is asked for), a
   * flat list of the matching ones. */
  CancelGtkLiveTree   *live_tree;
  gulong               live_handler;
  gulong               live_model_handler;
  GListModel          *tree;
  gulong               tree_handler;
  CancelGtkSearch     *search;
  GtkSingleSelection  *live_selection;

  GtkFilterListModel  *history_matches;
  GtkSortListModel    *history_sorted;
  GtkSingleSelection  *history_selection;

  /* The cells the timer refreshes: mapped ones that change with time
   * put themselves there (see cancel-gtk-cell.c). */
  GHashTable          *ticking;
  guint                timer_id;
  guint                n_ticks;
  gboolean             stats_dirty;

  /* Template children */
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_dropdown;
  GtkStack            *stack;
  GtkStackPage        *live_page;
  GtkStackPage        *history_page;
  GtkColumnView       *live_view;
  GtkColumnView       *history_view;
  CancelGtkStats      *stats;
  GtkWidget           *empty_label;
  CancelGtkDetails    *details;
  CancelGtkSplit      *split;
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

static void schedule_refresh (CancelGtkMonitor *self);

/* Models */

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
  gboolean empty = self->tree == NULL || g_list_model_get_n_items (self->tree) == 0;
  gboolean flat = self->live_tree != NULL && _cancel_gtk_live_tree_get_flat (self->live_tree);

  gtk_label_set_label (GTK_LABEL (self->empty_label),
                       flat ? _("No matching operations") : _("No running operations"));
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
    update_empty_label (self);}

static void
clear_tree (CancelGtkMonitor *self)
{
  if (self->tree == NULL)
    return;

  g_clear_signal_handler (&self->tree_handler, self->tree);
  g_clear_object (&self->tree);
}

/* Shows the live tree's rows, after a change of registry or of mode. */
static void
show_tree (CancelGtkMonitor *self)
{
  clear_tree (self);

  if (self->live_tree != NULL)
    {
      self->tree = g_object_ref (_cancel_gtk_live_tree_get_model (self->live_tree));
      self->tree_handler = g_signal_connect (self->tree, "items-changed",
                                             G_CALLBACK (on_tree_items_changed), self);
    }

  gtk_single_selection_set_model (self->live_selection, self->tree);
  update_empty_label (self);
}

static void
on_live_items_changed (GListModel       *model,
                       guint             position,
                       guint             removed,
                       guint             added,
                       CancelGtkMonitor *self)
{
  self->stats_dirty = TRUE;
  schedule_refresh (self);
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

  g_clear_signal_handler (&self->live_handler, _cancel_gtk_live_tree_get_live (self->live_tree));
  g_clear_signal_handler (&self->live_model_handler, self->live_tree);
  g_clear_signal_handler (&self->history_handler, self->history_mirror);

  gtk_single_selection_set_model (self->history_selection, NULL);
  clear_tree (self);
  gtk_single_selection_set_model (self->live_selection, NULL);

  g_clear_object (&self->history_sorted);
  g_clear_object (&self->history_matches);
  g_clear_object (&self->live_tree);
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
  self->history_mirror = _cancel_gtk_mirror_new (self->history);
  _cancel_gtk_details_set_history (self->details, self->history);

  self->live_tree = _cancel_gtk_live_tree_new (registry, _cancel_gtk_search_get_filter (self->search));
  _cancel_gtk_live_tree_set_flat (self->live_tree, _cancel_gtk_search_is_active (self->search));
  self->history_matches = gtk_filter_list_model_new (g_object_ref (self->history_mirror),
                                                     g_object_ref (_cancel_gtk_search_get_filter (self->search)));
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_newest_end_first, NULL, NULL));
  self->history_sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->history_matches)),
                                                  sorter);

  self->live_handler = g_signal_connect (_cancel_gtk_live_tree_get_live (self->live_tree), "items-changed",
                                         G_CALLBACK (on_live_items_changed), self);
  self->live_model_handler = g_signal_connect_swapped (self->live_tree, "notify::model",
                                                       G_CALLBACK (show_tree), self);
  self->history_handler = g_signal_connect (self->history_mirror, "items-changed",
                                            G_CALLBACK (on_history_items_changed), self);

  gtk_single_selection_set_model (self->history_selection, G_LIST_MODEL (self->history_sorted));
  show_tree (self);
}

static void
update_mode (CancelGtkMonitor *self)
{
  /* A change of mode shows the new rows through notify::model. */
  if (self->live_tree != NULL)
    _cancel_gtk_live_tree_set_flat (self->live_tree, _cancel_gtk_search_is_active (self->search));
  update_empty_label (self);
}

static void
on_search_changed (CancelGtkMonitor *self,
                   GtkSearchEntry   *entry)
{
  _cancel_gtk_search_set_text (self->search, gtk_editable_get_text (GTK_EDITABLE (entry)));
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

  _cancel_gtk_search_set_status (self->search, choice);
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
update_actions (CancelGtkMonitor *self)
{
  CancelScope *selected = _cancel_gtk_details_get_scope (self->details);
  gboolean can_cancel = selected != NULL && _cancel_gtk_scope_is_live (selected) &&
                        !_cancel_gtk_scope_is_cancelling (selected);
  gboolean any_live = self->registry != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0;
  GObject *cancel_all = gtk_widget_get_template_child (GTK_WIDGET (self), CANCEL_GTK_TYPE_MONITOR,
                                                       "cancel_all_button");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.cancel-selected", can_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.cancel-one", can_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.copy-details", selected != NULL);
  /* Nothing to act on, nothing to click (a menu button has no action). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.cancel-all", any_live);
  gtk_widget_set_sensitive (GTK_WIDGET (cancel_all), any_live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "monitor.clear-history",
                                 self->history != NULL && g_list_model_get_n_items (self->history) > 0);
}

static void
update_details (CancelGtkMonitor *self)
{
  update_actions (self);
  _cancel_gtk_details_update (self->details);
}

/* The shown scope notified: the pane showed it, its status may matter. */
static void
on_details_changed (CancelGtkMonitor *self,
                    CancelGtkDetails *details)
{
  update_actions (self);
}

static void
set_details_scope (CancelGtkMonitor *self,
                   CancelScope      *scope)
{
  if (!_cancel_gtk_details_set_scope (self->details, scope))
    return;

  _cancel_gtk_timeline_set_selected (self->timeline, scope);
  _cancel_gtk_split_set_side_empty (self->split, scope == NULL);
  update_actions (self);
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

  scope = _cancel_gtk_live_tree_dup_row_scope (item);
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

/* Selects the clicked operation's row: in the live tree while it runs,
 * else in the history (each on its page). */
static void
on_timeline_scope_activated (CancelGtkMonitor *self,
                             CancelScope      *scope)
{
  gboolean live = _cancel_gtk_scope_is_live (scope);
  GtkSingleSelection *selection = live ? self->live_selection : self->history_selection;
  guint position = _cancel_gtk_rows_find_scope (G_LIST_MODEL (selection), scope);

  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_stack_set_visible_child_name (self->stack, live ? "live" : "history");
      gtk_single_selection_set_selected (selection, position);
    }
  set_details_scope (self, scope);
}

/* Statistics */

static void
refresh_stats (CancelGtkMonitor *self)
{
  self->stats_dirty = FALSE;

  if (self->registry == NULL)
    return;

  _cancel_gtk_stats_show (self->stats, self->registry);
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

  if (_cancel_gtk_details_get_scope (self->details) != NULL)
    update_details (self);

  /* Statistics at most every other tick (~500 ms), and only when the
   * lists changed. */
  if (force || (self->stats_dirty && self->n_ticks % 2 == 0))
    refresh_stats (self);
  refresh_titles (self);

  /* A live status filter goes stale when operations get cancelled. */
  if (self->n_ticks % 2 == 0)
    _cancel_gtk_search_refresh (self->search);
}

/* Something counts: a live operation (elapsed time, time left, progress,
 * a status filter that goes stale) or the details of one. */
static gboolean
needs_ticking (CancelGtkMonitor *self)
{
  CancelScope *selected;

  if (self->registry != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0)
    return TRUE;

  selected = _cancel_gtk_details_get_scope (self->details);
  return selected != NULL && _cancel_gtk_scope_is_live (selected);
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
      g_value_set_object (value, _cancel_gtk_details_get_scope (self->details));
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

  if (self->details != NULL)
    _cancel_gtk_details_set_scope (self->details, NULL);

  if (self->timeline != NULL)
    _cancel_gtk_timeline_set_registry (self->timeline, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANCEL_GTK_TYPE_MONITOR);
  /* The template's direct children not bound to a field. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  unbind_registry (self);

  g_clear_object (&self->search);
  g_clear_object (&self->live_selection);
  g_clear_object (&self->history_selection);

  G_OBJECT_CLASS (cancel_gtk_monitor_parent_class)->dispose (object);
}

static void
cancel_gtk_monitor_finalize (GObject *object)
{
  CancelGtkMonitor *self = CANCEL_GTK_MONITOR (object);

  g_clear_pointer (&self->ticking, g_hash_table_unref);

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
   * ([func@Cancel.Registry.get_default]). Notified on the GTK thread.
   *
   * Since: 0.1
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
   *
   * Since: 0.1
   */
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL,
                         CANCEL_TYPE_SCOPE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANCEL_GTK_TYPE_CELL);
  g_type_ensure (CANCEL_GTK_TYPE_DETAILS);
  g_type_ensure (CANCEL_GTK_TYPE_SCROLL_BIN);
  g_type_ensure (CANCEL_GTK_TYPE_SPLIT);
  g_type_ensure (CANCEL_GTK_TYPE_STATS);
  g_type_ensure (CANCEL_GTK_TYPE_TIMELINE);
  _cancel_gtk_style_init ();

  gtk_widget_class_set_template_from_resource (widget_class, "/org/gnome/CancelGtk/cancel-gtk-monitor.ui");
  _cancel_gtk_monitor_menus_class_init (widget_class);
  _cancel_gtk_cell_factories_bind_template (widget_class);
  /* The template's translations come from its <interface domain="cancelable">. */

  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, stack);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, live_page);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_page);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, live_view);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, history_view);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, stats);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, empty_label);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, details);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, split);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, timeline);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, cancel_all_entry);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkMonitor, cancel_all_popover);

  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_status_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_live_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_timeline_scope_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_details_changed);
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
  g_autoptr(GListModel) choices = _cancel_gtk_search_dup_choices ();

  self->ticking = g_hash_table_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  _cancel_gtk_cell_factories_install (GTK_WIDGET (self));
  _cancel_gtk_monitor_menus_init (GTK_WIDGET (self));

  self->search = _cancel_gtk_search_new ();

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

  gtk_drop_down_set_model (self->status_dropdown, choices);
  gtk_drop_down_set_selected (self->status_dropdown, CANCEL_GTK_STATUS_FILTER_ALL);
  update_actions (self);
}

/**
 * cancel_gtk_monitor_new:
 * @registry: (nullable): the registry to show, or %NULL for the default one
 *
 * Creates a monitor of @registry.
 *
 * Call from the GTK thread only.
 *
 * Returns: (transfer floating): a new [class@CancelGtk.Monitor]
 *
 * Since: 0.1
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
 * Call from the GTK thread only.
 *
 * Returns: (transfer none): the registry
 *
 * Since: 0.1
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
 *
 * Call from the GTK thread only.
 *
 * Since: 0.1
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
 * Call from the GTK thread only.
 *
 * Returns: (transfer none) (nullable): the selected operation
 *
 * Since: 0.1
 */
CancelScope *
cancel_gtk_monitor_get_selected (CancelGtkMonitor *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), NULL);

  return _cancel_gtk_details_get_scope (self->details);
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
 * Call from the GTK thread only.
 *
 * Returns: how many operations this call cancelled: the selected one and
 *   its descendants, 0 if nothing is selected or it was cancelled already
 *
 * Since: 0.1
 */
guint
cancel_gtk_monitor_cancel_selected (CancelGtkMonitor *self)
{
  CancelScope *selected;
  guint count;

  g_return_val_if_fail (CANCEL_GTK_IS_MONITOR (self), 0);

  selected = _cancel_gtk_details_get_scope (self->details);
  if (selected == NULL)
    return 0;

  count = _cancel_gtk_live_tree_cancel_subtree (selected, _("Cancelled by user"));
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
 * Call from the GTK thread only.
 *
 * Returns: how many operations were cancelled
 *
 * Since: 0.1
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

/* Private accessors (more in cancel-gtk-monitor-menus.c) */

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

void
_cancel_gtk_monitor_refresh (CancelGtkMonitor *self)
{
  refresh (self, TRUE);
}

GHashTable *
_cancel_gtk_monitor_get_ticking_set (CancelGtkMonitor *self)
{
  return self->ticking;
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
