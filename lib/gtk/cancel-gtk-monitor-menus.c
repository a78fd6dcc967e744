/* cancel-gtk-monitor-menus.c: the monitor's menus: the view menu (which
 * columns, clear the history) and a row's context menu (cancel it, cancel
 * it with its children, copy its details)
 *
 * Kept out of cancel-gtk-monitor.c, which reaches them through two calls;
 * the widgets come from the monitor's template by name.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-details-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-monitor-menus-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-split-private.h"
#include "cancel-gtk-stats-private.h"
#include "cancel-gtk-timeline-private.h"

/* The columns the view menu can hide: the name (and the cancel buttons)
 * always show. Live ones first, then the history's. */
static const struct
{
  const char *column;
  const char *label;
  gboolean    history;
} optional_columns[] = {
  { "status_column",           N_("_Status"),       FALSE },
  { "reason_column",           N_("_Reason"),       FALSE },
  { "progress_column",         N_("_Progress"),     FALSE },
  { "remaining_column",        N_("_Time Left"),    FALSE },
  { "elapsed_column",          N_("_Elapsed"),      FALSE },
  { "history_status_column",   N_("_Final Status"), TRUE },
  { "history_reason_column",   N_("_Reason"),       TRUE },
  { "history_duration_column", N_("_Duration"),     TRUE },
  { "history_message_column",  N_("_Message"),      TRUE },
};

static GObject *
template_child (GtkWidget  *monitor,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (monitor, CANCEL_GTK_TYPE_MONITOR, name);

  g_assert (child != NULL);
  return child;
}

static GMenuModel *
build_view_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) actions = g_menu_new ();
  g_autoptr(GMenu) live = g_menu_new ();
  g_autoptr(GMenu) history = g_menu_new ();
  guint i;

  g_menu_append (actions, _("Cancel _Selected"), "monitor.cancel-one");
  g_menu_append (actions, _("Cancel Selected With _Children"), "monitor.cancel-selected");
  g_menu_append (actions, _("Copy _Details"), "monitor.copy-details");
  g_menu_append (actions, _("C_lear History"), "monitor.clear-history");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (actions));

  for (i = 0; i < G_N_ELEMENTS (optional_columns); i++)
    {
      g_autofree char *action = g_strdup_printf ("columns.%s", optional_columns[i].column);

      g_menu_append (optional_columns[i].history ? history : live,
                     _(optional_columns[i].label), action);
    }
  g_menu_append_submenu (menu, _("_Live Columns"), G_MENU_MODEL (live));
  g_menu_append_submenu (menu, _("_History Columns"), G_MENU_MODEL (history));

  return G_MENU_MODEL (menu);
}

static GMenuModel *
build_context_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("_Cancel"), "monitor.cancel-one");
  g_menu_append (menu, _("Cancel With _Children"), "monitor.cancel-selected");
  g_menu_append (menu, _("Copy _Details"), "monitor.copy-details");

  return G_MENU_MODEL (menu);
}

/* The scope shown by the cell under (x, y) of @view, if any. */
static CancelScope *
scope_at (GtkWidget *view,
          double     x,
          double     y)
{
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  GtkWidget *cell = picked != NULL ? gtk_widget_get_ancestor (picked, CANCEL_GTK_TYPE_CELL) : NULL;

  if (cell == NULL)
    {
      /* The row's padding, the expander: the cells of the picked row. */
      GtkWidget *iter;

      for (iter = picked; iter != NULL && iter != view && cell == NULL; iter = gtk_widget_get_parent (iter))
        {
          g_autoptr(GPtrArray) cells = g_ptr_array_new ();
          GtkWidget *child;

          for (child = gtk_widget_get_first_child (iter); child != NULL && cells->len == 0;
               child = gtk_widget_get_next_sibling (child))
            if (CANCEL_GTK_IS_CELL (child))
              g_ptr_array_add (cells, child);
          if (cells->len > 0)
            cell = g_ptr_array_index (cells, 0);
        }
    }

  return cell != NULL ? _cancel_gtk_cell_get_scope (CANCEL_GTK_CELL (cell)) : NULL;
}

/* Selects @scope's row in @view; FALSE when it has none. */
static gboolean
select_scope (GtkColumnView *view,
              CancelScope   *scope)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  guint i, n;

  if (rows == NULL)
    return FALSE;

  n = g_list_model_get_n_items (rows);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (rows, i);
      g_autoptr(CancelScope) row_scope = _cancel_gtk_live_tree_dup_row_scope (item);

      if (row_scope == scope)
        return gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), i, TRUE);
    }

  return FALSE;
}

static void
popup_context_menu (GtkWidget *monitor,
                    GtkWidget *view,
                    double     x,
                    double     y)
{
  GtkPopover *popover = GTK_POPOVER (g_object_get_data (G_OBJECT (monitor), "cancel-gtk-context-menu"));
  graphene_point_t point;

  if (!gtk_widget_compute_point (view, monitor, &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);

  gtk_popover_set_pointing_to (popover, &(GdkRectangle) { point.x, point.y, 1, 1 });
  gtk_popover_popup (popover);
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    GtkWidget       *monitor)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  CancelScope *scope = scope_at (view, x, y);

  if (scope == NULL || !select_scope (GTK_COLUMN_VIEW (view), scope))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_context_menu (monitor, view, x, y);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               GtkWidget           *monitor)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  CancelScope *scope = scope_at (view, x, y);

  if (scope != NULL && select_scope (GTK_COLUMN_VIEW (view), scope))
    popup_context_menu (monitor, view, x, y);
}

static void
add_context_gestures (GtkWidget *monitor,
                      GtkWidget *view)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *press = gtk_gesture_long_press_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click), monitor);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_long_press), monitor);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (press));
}

/* Actions */

static void
cancel_one_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CancelScope *selected = cancel_gtk_monitor_get_selected (CANCEL_GTK_MONITOR (widget));

  /* Shielded children keep running, unlike "Cancel With Children". */
  if (selected != NULL)
    cancel_scope_cancel (selected, CANCEL_REASON_MANUAL, _("Cancelled by user"));
}

static void
copy_details_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CancelGtkDetails *details = CANCEL_GTK_DETAILS (template_child (widget, "details"));
  g_autofree char *text = _cancel_gtk_details_dup_summary (details);

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/* Ctrl+F, as in every GNOME list: into the filter, from wherever the
 * focus is (GTK 4.8 lists can hold Tab once their focused row left). */
static void
focus_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (template_child (widget, "search_entry")));
}

/* Menu or Shift+F10: the context menu of the selected row. */
static void
context_menu_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GtkStack *stack = GTK_STACK (template_child (widget, "stack"));
  GtkWidget *view = GTK_WIDGET (template_child (widget, g_strcmp0 (gtk_stack_get_visible_child_name (stack), "history") == 0
                                                        ? "history_view" : "live_view"));

  if (cancel_gtk_monitor_get_selected (CANCEL_GTK_MONITOR (widget)) != NULL)
    popup_context_menu (widget, view, gtk_widget_get_width (view) / 2.0, gtk_widget_get_height (view) / 3.0);
}

void
_cancel_gtk_monitor_menus_class_init (GtkWidgetClass *widget_class)
{
  /* Found by name (gtk_widget_get_template_child()), with no field;
   * the columns are bound by _cancel_gtk_cell_factories_bind_template(). */
  gtk_widget_class_bind_template_child_full (widget_class, "view_menu_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "cancel_all_button", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "monitor.cancel-one", NULL, cancel_one_action);
  gtk_widget_class_install_action (widget_class, "monitor.copy-details", NULL, copy_details_action);
  gtk_widget_class_install_action (widget_class, "monitor.context-menu", NULL, context_menu_action);
  gtk_widget_class_install_action (widget_class, "monitor.focus-filter", NULL, focus_filter_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "monitor.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "monitor.context-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "monitor.copy-details", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "monitor.focus-filter", NULL);
}

/* Folded (narrow), the statistics strip shows the counts only. The split
 * notifies from its size_allocate: the strip changes after the frame. */
static gboolean
update_compact (gpointer data)
{
  GtkWidget *monitor = data;
  GObject *split = gtk_widget_get_template_child (monitor, CANCEL_GTK_TYPE_MONITOR, "split");

  g_object_steal_data (G_OBJECT (monitor), "cancel-gtk-compact-idle");
  /* Disposed meanwhile. */
  if (split == NULL)
    return G_SOURCE_REMOVE;

  _cancel_gtk_stats_set_compact (CANCEL_GTK_STATS (template_child (monitor, "stats")),
                                 _cancel_gtk_split_get_folded (CANCEL_GTK_SPLIT (split)));

  return G_SOURCE_REMOVE;
}

static void
on_folded (GtkWidget *monitor)
{
  guint id;

  if (g_object_get_data (G_OBJECT (monitor), "cancel-gtk-compact-idle") != NULL)
    return;

  id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_compact, g_object_ref (monitor), g_object_unref);
  g_object_set_data (G_OBJECT (monitor), "cancel-gtk-compact-idle", GUINT_TO_POINTER (id));
}

/* Escape in the filter empties it (GtkSearchEntry only signals). */
static void
on_stop_search (GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

void
_cancel_gtk_monitor_menus_init (GtkWidget *monitor)
{
  g_autoptr(GSimpleActionGroup) columns = g_simple_action_group_new ();
  g_autoptr(GMenuModel) view_menu = build_view_menu ();
  g_autoptr(GMenuModel) context_menu = build_context_menu ();
  GtkWidget *popover;
  guint i;

  /* A check item per column, bound to its visibility. */
  for (i = 0; i < G_N_ELEMENTS (optional_columns); i++)
    {
      g_autoptr(GPropertyAction) action =
        g_property_action_new (optional_columns[i].column,
                               template_child (monitor, optional_columns[i].column), "visible");

      g_action_map_add_action (G_ACTION_MAP (columns), G_ACTION (action));
    }
  gtk_widget_insert_action_group (monitor, "columns", G_ACTION_GROUP (columns));

  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (template_child (monitor, "view_menu_button")), view_menu);

  popover = gtk_popover_menu_new_from_model (context_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_widget_set_parent (popover, monitor);
  /* Unparented by the monitor's dispose, with its other direct children. */
  g_object_set_data (G_OBJECT (monitor), "cancel-gtk-context-menu", popover);

  g_signal_connect (template_child (monitor, "search_entry"), "stop-search",
                    G_CALLBACK (on_stop_search), NULL);
  g_signal_connect_object (template_child (monitor, "split"), "notify::folded",
                           G_CALLBACK (on_folded), monitor, G_CONNECT_SWAPPED);

  add_context_gestures (monitor, GTK_WIDGET (template_child (monitor, "live_view")));
  add_context_gestures (monitor, GTK_WIDGET (template_child (monitor, "history_view")));
}

/* Private accessors, for the monitor's tests */

GtkPopover *
_cancel_gtk_monitor_get_context_menu (CancelGtkMonitor *self)
{
  return GTK_POPOVER (g_object_get_data (G_OBJECT (self), "cancel-gtk-context-menu"));
}

GtkColumnView *
_cancel_gtk_monitor_get_live_view (CancelGtkMonitor *self)
{
  return GTK_COLUMN_VIEW (template_child (GTK_WIDGET (self), "live_view"));
}

GtkColumnView *
_cancel_gtk_monitor_get_history_view (CancelGtkMonitor *self)
{
  return GTK_COLUMN_VIEW (template_child (GTK_WIDGET (self), "history_view"));
}

GtkEditable *
_cancel_gtk_monitor_get_search_entry (CancelGtkMonitor *self)
{
  return GTK_EDITABLE (template_child (GTK_WIDGET (self), "search_entry"));
}

GtkDropDown *
_cancel_gtk_monitor_get_status_dropdown (CancelGtkMonitor *self)
{
  return GTK_DROP_DOWN (template_child (GTK_WIDGET (self), "status_dropdown"));
}

GtkStack *
_cancel_gtk_monitor_get_stack (CancelGtkMonitor *self)
{
  return GTK_STACK (template_child (GTK_WIDGET (self), "stack"));
}

CancelGtkTimeline *
_cancel_gtk_monitor_get_timeline (CancelGtkMonitor *self)
{
  return CANCEL_GTK_TIMELINE (template_child (GTK_WIDGET (self), "timeline"));
}

CancelGtkSplit *
_cancel_gtk_monitor_get_split (CancelGtkMonitor *self)
{
  return CANCEL_GTK_SPLIT (template_child (GTK_WIDGET (self), "split"));
}

const char *
_cancel_gtk_monitor_get_details_text (CancelGtkMonitor *self,
                                      const char       *field)
{
  return _cancel_gtk_details_get_text (CANCEL_GTK_DETAILS (template_child (GTK_WIDGET (self), "details")), field);
}

const char *
_cancel_gtk_monitor_get_stat_text (CancelGtkMonitor *self,
                                   const char       *stat)
{
  return _cancel_gtk_stats_get_text (CANCEL_GTK_STATS (template_child (GTK_WIDGET (self), "stats")), stat);
}
