/* cancel-gtk-cell.c: one cell of a row of the monitor
 *
 * About 890 lines: one widget for the nine columns, each concern
 * (building, binding, updating, tooltips) a switch over the kinds, so a
 * column's code is found in one place per concern and a row costs one
 * widget type to bind and tick. What a cell draws is in
 * cancel-gtk-cell-paint.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-cell-paint-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-monitor-private.h"
#include "cancel-gtk-style-private.h"

#define MAX_HANDLERS 3

struct _CancelGtkCell
{
  GtkWidget          parent_instance;

  CancelGtkCellKind  kind;
  /* The monitor's ticking set while this cell is in it */
  GHashTable        *ticking;

  CancelScope       *scope;
  /* TRUE when the scope notifies on GTK's context; otherwise its notify
   * signals would come from another thread, so nothing is connected and
   * the timer polls it instead. */
  gboolean           local;
  gulong             handlers[MAX_HANDLERS];
  GListModel        *children;
  gulong             children_handler;
  GSimpleAction     *fallback_action;

  /* The text, status icon and bar, drawn; the cancel button is the only
   * child a cell may have. */
  CancelGtkCellPaint paint;
  GtkWidget         *button;
};

G_DEFINE_ENUM_TYPE (CancelGtkCellKind, cancel_gtk_cell_kind,
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_NAME, "name"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_STATUS, "status"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_PROGRESS, "progress"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_ELAPSED, "elapsed"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_REMAINING, "remaining"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_REASON, "reason"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_CANCEL, "cancel"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_DURATION, "duration"),
  G_DEFINE_ENUM_VALUE (CANCEL_GTK_CELL_MESSAGE, "message"))

G_DEFINE_FINAL_TYPE (CancelGtkCell, cancel_gtk_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KIND,
  PROP_SCOPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_label (CancelGtkCell *self,
           const char    *text)
{
  _cancel_gtk_cell_paint_set_text (&self->paint, GTK_WIDGET (self), text);
}

static void
update_leaf (CancelGtkCell *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  gboolean leaf;

  if (!GTK_IS_TREE_EXPANDER (parent))
    return;

  leaf = self->children == NULL || g_list_model_get_n_items (self->children) == 0;
  if (leaf)
    gtk_widget_add_css_class (parent, "leaf");
  else
    gtk_widget_remove_css_class (parent, "leaf");
}

static void
update_name (CancelGtkCell *self)
{
  g_autofree char *name = _cancel_gtk_format_scope_name (self->scope);

  set_label (self, name);
}

static void
update_status (CancelGtkCell *self)
{
  CancelGtkLook look = _cancel_gtk_look_for_scope (self->scope);

  _cancel_gtk_cell_paint_set_look (&self->paint, GTK_WIDGET (self), look);
  set_label (self, _cancel_gtk_format_status (self->scope));
}

static void
set_fraction (CancelGtkCell *self,
              double         fraction)
{
  _cancel_gtk_cell_paint_set_fraction (&self->paint, GTK_WIDGET (self), fraction);
}

static void
stop_pulsing (CancelGtkCell *self)
{
  if (self->paint.pulsing)
    set_fraction (self, 0.0);
}

static void
update_progress (CancelGtkCell *self,
                 gboolean       animate)
{
  double fraction = cancel_scope_get_progress (self->scope);
  g_autofree char *message = cancel_scope_dup_progress_message (self->scope);
  g_autofree char *text = NULL;

  if (fraction < 0)
    {
      /* Unknown: the bar moves back and forth, one step each time the
       * timer nudges it while the operation runs and the row is on
       * screen (no frame of its own). */
      if (animate && !cancel_status_is_final (cancel_scope_get_status (self->scope)))
        _cancel_gtk_cell_paint_pulse (&self->paint, GTK_WIDGET (self));
      else
        set_fraction (self, 0.0);
      text = g_strdup (message != NULL ? message : "");
    }
  else
    {
      int percent = (int) (CLAMP (fraction, 0.0, 1.0) * 100.0 + 0.5);

      set_fraction (self, fraction);
      if (message != NULL && message[0] != '\0')
        /* Translators: a percentage and a progress message: "42 % · Copying" */
        text = g_strdup_printf (_("%d %% · %s"), percent, message);
      else
        text = g_strdup_printf (_("%d %%"), percent);
    }

  set_label (self, text);
}

static void
update_elapsed (CancelGtkCell *self,
                gint64         now)
{
  gint64 start = cancel_scope_get_start_time (self->scope);
  gint64 end = cancel_scope_get_end_time (self->scope);
  g_autofree char *text = NULL;

  if (start <= 0)
    {
      set_label (self, "—");
      return;
    }

  text = _cancel_gtk_format_duration ((end > 0 ? end : now) - start);
  set_label (self, text);
}

static void
update_remaining (CancelGtkCell *self)
{
  gint64 remaining;
  g_autofree char *text = NULL;

  if (cancel_status_is_final (cancel_scope_get_status (self->scope)))
    {
      set_label (self, "—");
      return;
    }

  remaining = cancel_scope_get_remaining (self->scope);
  if (remaining < 0)
    set_label (self, "—");
  else if (remaining == 0)
    set_label (self, C_("deadline", "Passed"));
  else
    {
      text = _cancel_gtk_format_duration (remaining);
      set_label (self, text);
    }
}

static void
update_reason (CancelGtkCell *self)
{
  g_autofree char *text = _cancel_gtk_format_reason (self->scope);

  set_label (self, text != NULL ? text : "");
}

static void
update_duration (CancelGtkCell *self)
{
  update_elapsed (self, g_get_monotonic_time ());
}

static void
update_message (CancelGtkCell *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = cancel_scope_get_message (self->scope);

  if (cancel_scope_get_status (self->scope) == CANCEL_STATUS_FAILED)
    {
      error = cancel_scope_dup_error (self->scope);
      if (error != NULL)
        text = error->message;
    }

  set_label (self, text != NULL ? text : "");
}

static void
update_cancel (CancelGtkCell *self)
{
  g_autofree char *name = _cancel_gtk_format_scope_name (self->scope);
  g_autofree char *label = g_strdup_printf (_("Cancel “%s”"), name);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);

  if (self->fallback_action != NULL)
    {
      g_simple_action_set_enabled (self->fallback_action,
                                   _cancel_gtk_scope_is_live (self->scope));
    }
}

static void
update_full (CancelGtkCell *self,
             gboolean       animate)
{
  if (self->scope == NULL)
    return;

  switch (self->kind)
    {
    case CANCEL_GTK_CELL_NAME:
      update_name (self);
      update_leaf (self);
      break;
    case CANCEL_GTK_CELL_STATUS:
      update_status (self);
      break;
    case CANCEL_GTK_CELL_PROGRESS:
      update_progress (self, animate);
      break;
    case CANCEL_GTK_CELL_ELAPSED:
      update_elapsed (self, g_get_monotonic_time ());
      break;
    case CANCEL_GTK_CELL_REMAINING:
      update_remaining (self);
      break;
    case CANCEL_GTK_CELL_REASON:
      update_reason (self);
      break;
    case CANCEL_GTK_CELL_CANCEL:
      update_cancel (self);
      break;
    case CANCEL_GTK_CELL_DURATION:
      update_duration (self);
      break;
    case CANCEL_GTK_CELL_MESSAGE:
      update_message (self);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
update (CancelGtkCell *self)
{
  update_full (self, FALSE);
}

static void
on_scope_notify (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  update (user_data);
}

static void
on_children_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  update_leaf (user_data);
}

static void
on_fallback_cancel (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CancelGtkCell *self = user_data;

  if (self->scope != NULL)
    cancel_scope_cancel (self->scope, CANCEL_REASON_MANUAL, _("Cancelled by user"));
}

static void G_GNUC_NULL_TERMINATED
connect_notify (CancelGtkCell *self,
                const char    *first_property,
                ...)
{
  const char *property;
  va_list args;
  guint i = 0;

  va_start (args, first_property);
  for (property = first_property; property != NULL; property = va_arg (args, const char *))
    {
      g_autofree char *detailed = g_strconcat ("notify::", property, NULL);

      g_assert (i < MAX_HANDLERS);
      self->handlers[i++] = g_signal_connect (self->scope, detailed,
                                              G_CALLBACK (on_scope_notify), self);
    }
  va_end (args);
}

static gboolean
kind_ticks (CancelGtkCellKind kind)
{
  return kind == CANCEL_GTK_CELL_ELAPSED ||
         kind == CANCEL_GTK_CELL_REMAINING ||
         kind == CANCEL_GTK_CELL_PROGRESS;
}

/* In the monitor's ticking set while mapped with a scope that changes
 * with time, or that is polled (its notifications come from another
 * thread). Rows a list keeps off screen are refreshed as they scroll in. */
static void
update_ticking (CancelGtkCell *self)
{
  gboolean wants = self->scope != NULL &&
                   gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                   (!self->local || kind_ticks (self->kind));

  if (wants && self->ticking == NULL)
    {
      GtkWidget *monitor = gtk_widget_get_ancestor (GTK_WIDGET (self), CANCEL_GTK_TYPE_MONITOR);

      if (monitor == NULL)
        return;

      self->ticking = g_hash_table_ref (_cancel_gtk_monitor_get_ticking_set (CANCEL_GTK_MONITOR (monitor)));
      g_hash_table_add (self->ticking, self);
    }
  else if (!wants && self->ticking != NULL)
    {
      g_hash_table_remove (self->ticking, self);
      g_clear_pointer (&self->ticking, g_hash_table_unref);
    }
}

static void unbind (CancelGtkCell *self);

static void
bind (CancelGtkCell *self,
      CancelScope   *scope)
{
  unbind (self);

  self->scope = g_object_ref (scope);
  self->local = _cancel_gtk_scope_is_local (scope);

  if (self->local)
    {
      switch (self->kind)
        {
        case CANCEL_GTK_CELL_NAME:
          self->children = g_object_ref (cancel_scope_get_children (scope));
          self->children_handler = g_signal_connect (self->children, "items-changed",
                                                     G_CALLBACK (on_children_changed), self);
          break;
        case CANCEL_GTK_CELL_STATUS:
          connect_notify (self, "status", "reason", NULL);
          break;
        case CANCEL_GTK_CELL_PROGRESS:
          /* Polled by the timer rather than notified: operations may
           * report far more often than anyone can read, and the cost of
           * the view must not follow their rate. */
          break;
        case CANCEL_GTK_CELL_REMAINING:
          connect_notify (self, "deadline", "status", NULL);
          break;
        case CANCEL_GTK_CELL_REASON:
          connect_notify (self, "reason", "origin-reason", "message", NULL);
          break;
        case CANCEL_GTK_CELL_CANCEL:
          {
            g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
            g_autoptr(GAction) action = cancel_scope_create_action (scope, "cancel");

            /* The scope's own action: enabled while it runs, activating
             * it cancels MANUAL "Cancelled by user" (DESIGN rule 16). */
            g_action_map_add_action (G_ACTION_MAP (group), action);
            gtk_widget_insert_action_group (GTK_WIDGET (self), "row", G_ACTION_GROUP (group));
          }
          break;
        case CANCEL_GTK_CELL_ELAPSED:
        case CANCEL_GTK_CELL_DURATION:
        case CANCEL_GTK_CELL_MESSAGE:
        default:
          break;
        }
    }
  else if (self->kind == CANCEL_GTK_CELL_CANCEL)
    {
      g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

      self->fallback_action = g_simple_action_new ("cancel", NULL);
      g_signal_connect (self->fallback_action, "activate",
                        G_CALLBACK (on_fallback_cancel), self);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (self->fallback_action));
      gtk_widget_insert_action_group (GTK_WIDGET (self), "row", G_ACTION_GROUP (group));
    }

  update_ticking (self);
  update (self);
}

static void
unbind (CancelGtkCell *self)
{
  guint i;

  if (self->scope == NULL)
    return;

  for (i = 0; i < MAX_HANDLERS; i++)
    g_clear_signal_handler (&self->handlers[i], self->scope);

  if (self->children != NULL)
    {
      g_clear_signal_handler (&self->children_handler, self->children);
      g_clear_object (&self->children);
    }

  if (self->kind == CANCEL_GTK_CELL_CANCEL)
    gtk_widget_insert_action_group (GTK_WIDGET (self), "row", NULL);
  g_clear_object (&self->fallback_action);
  stop_pulsing (self);

  g_clear_object (&self->scope);
  update_ticking (self);
}

void
_cancel_gtk_cell_set_scope (CancelGtkCell *self,
                            CancelScope   *scope)
{
  g_return_if_fail (CANCEL_GTK_IS_CELL (self));
  g_return_if_fail (scope == NULL || CANCEL_IS_SCOPE (scope));

  /* A list rebinding a row to the same item costs nothing. */
  if (self->scope == scope)
    return;

  if (scope != NULL)
    bind (self, scope);
  else
    unbind (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPE]);
}

void
_cancel_gtk_cell_tick (CancelGtkCell *self,
                       gint64         now,
                       gboolean       animate)
{
  g_return_if_fail (CANCEL_GTK_IS_CELL (self));

  if (self->scope == NULL)
    return;

  if (self->kind == CANCEL_GTK_CELL_ELAPSED)
    update_elapsed (self, now);
  else
    update_full (self, animate);
}

void
_cancel_gtk_cell_freeze (CancelGtkCell *self)
{
  g_return_if_fail (CANCEL_GTK_IS_CELL (self));

  stop_pulsing (self);
}

CancelGtkCellKind
_cancel_gtk_cell_get_kind (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), 0);

  return self->kind;
}

CancelScope *
_cancel_gtk_cell_get_scope (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), NULL);

  return self->scope;
}

GtkWidget *
_cancel_gtk_cell_get_button (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), NULL);

  return self->button;
}

const char *
_cancel_gtk_cell_get_text (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), NULL);

  return self->paint.text;
}

GdkPaintable *
_cancel_gtk_cell_get_icon (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), NULL);

  return _cancel_gtk_cell_paint_get_icon (&self->paint);
}

gboolean
_cancel_gtk_cell_is_ellipsized (CancelGtkCell *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_CELL (self), FALSE);

  return _cancel_gtk_cell_paint_is_ellipsized (&self->paint);
}

/* Tooltips are made when asked for: setting one on every update costs a
 * round trip to the X server (GTK looks for the pointer each time). */
static gboolean
cancel_gtk_cell_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard_mode,
                               GtkTooltip *tooltip)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (widget);
  g_autofree char *text = NULL;

  if (self->scope == NULL)
    return FALSE;

  text = _cancel_gtk_format_cell_tooltip (self->scope, self->kind,
                                          _cancel_gtk_cell_get_text (self));
  if (text == NULL || text[0] == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The text is drawn in one line whose width does not follow it (as
 * GtkInscription's): a text that changes (progress, time left, status)
 * costs a redraw. A label's new text is a new size request, and GTK 4.8
 * then measures the window again from the top, every row of the list
 * with it: that was a quarter of the GTK thread's time under churn
 * (bench-monitor). @nat_chars sizes a column that has no fixed width. */
static void
set_text_style (CancelGtkCell *self,
                float          xalign,
                guint          nat_chars,
                gboolean       numeric)
{
  self->paint.xalign = xalign;
  self->paint.nat_chars = nat_chars;
  self->paint.numeric = numeric;
}

static void
build (CancelGtkCell *self)
{
  /* A cell that draws its text reads as that text; the cancel cell is
   * its button's box. */
  if (self->kind != CANCEL_GTK_CELL_CANCEL)
    g_object_set (self, "accessible-role", GTK_ACCESSIBLE_ROLE_LABEL, NULL);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self),
                              self->kind == CANCEL_GTK_CELL_NAME ||
                              self->kind == CANCEL_GTK_CELL_PROGRESS ||
                              self->kind == CANCEL_GTK_CELL_REASON ||
                              self->kind == CANCEL_GTK_CELL_MESSAGE ||
                              self->kind == CANCEL_GTK_CELL_CANCEL);

  switch (self->kind)
    {
    case CANCEL_GTK_CELL_NAME:
    case CANCEL_GTK_CELL_MESSAGE:
      set_text_style (self, 0.0f, 24, FALSE);
      break;

    case CANCEL_GTK_CELL_REASON:
      set_text_style (self, 0.0f, 12, FALSE);
      break;

    case CANCEL_GTK_CELL_STATUS:
      set_text_style (self, 0.0f, 10, FALSE);
      self->paint.has_icon = TRUE;
      break;

    case CANCEL_GTK_CELL_PROGRESS:
      set_text_style (self, 0.0f, 16, FALSE);
      self->paint.has_bar = TRUE;
      self->paint.secondary = TRUE;
      break;

    case CANCEL_GTK_CELL_ELAPSED:
    case CANCEL_GTK_CELL_REMAINING:
    case CANCEL_GTK_CELL_DURATION:
      set_text_style (self, 1.0f, 8, TRUE);
      break;

    case CANCEL_GTK_CELL_CANCEL:
      self->button = gtk_button_new_from_icon_name ("process-stop-symbolic");
      gtk_widget_add_css_class (self->button, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel"),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), "row.cancel");
      gtk_widget_set_halign (self->button, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
      gtk_widget_set_parent (self->button, GTK_WIDGET (self));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
cancel_gtk_cell_dispose (GObject *object)
{
  CancelGtkCell *self = (CancelGtkCell *) object;
  GtkWidget *child;

  unbind (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->button = NULL;
  _cancel_gtk_cell_paint_clear (&self->paint);

  G_OBJECT_CLASS (cancel_gtk_cell_parent_class)->dispose (object);
}

static void
cancel_gtk_cell_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cancel_gtk_cell_parent_class)->map (widget);

  update_ticking (CANCEL_GTK_CELL (widget));
}

static void
cancel_gtk_cell_unmap (GtkWidget *widget)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (widget);

  GTK_WIDGET_CLASS (cancel_gtk_cell_parent_class)->unmap (widget);

  update_ticking (self);
}

static void
cancel_gtk_cell_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (widget);

  if (self->button != NULL)
    gtk_widget_measure (self->button, orientation, for_size, minimum, natural, NULL, NULL);
  else
    _cancel_gtk_cell_paint_measure (&self->paint, widget, orientation, minimum, natural);
}

static void
cancel_gtk_cell_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (widget);

  if (self->button != NULL)
    gtk_widget_allocate (self->button, width, height, baseline, NULL);
}

static void
cancel_gtk_cell_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (widget);

  if (self->button != NULL)
    gtk_widget_snapshot_child (widget, self->button, snapshot);
  else
    _cancel_gtk_cell_paint_snapshot (&self->paint, widget, snapshot);
}

static void
cancel_gtk_cell_system_setting_changed (GtkWidget        *widget,
                                        GtkSystemSetting  setting)
{
  GTK_WIDGET_CLASS (cancel_gtk_cell_parent_class)->system_setting_changed (widget, setting);

  if (setting == GTK_SYSTEM_SETTING_ICON_THEME)
    _cancel_gtk_cell_paint_theme_changed (&CANCEL_GTK_CELL (widget)->paint, widget);
}

static void
cancel_gtk_cell_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (cancel_gtk_cell_parent_class)->css_changed (widget, change);

  _cancel_gtk_cell_paint_style_changed (&CANCEL_GTK_CELL (widget)->paint);
}

/* GTK 4.8 destroys the rows a list drops in the iteration that changed
 * the list: after a "cancel all", hundreds of rows, whose cells cost as
 * much again to tear down. A cell taken out of its window stays alive
 * until an idle before the next frame (GDK_PRIORITY_REDRAW is HIGH_IDLE +
 * 20), so that work falls in an iteration of its own. */
static GPtrArray *released_cells;
static guint release_id;

static gboolean
release_cells (gpointer user_data)
{
  g_autoptr(GPtrArray) cells = g_steal_pointer (&released_cells);

  release_id = 0;

  return G_SOURCE_REMOVE;
}

static void
cancel_gtk_cell_unroot (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cancel_gtk_cell_parent_class)->unroot (widget);

  if (released_cells == NULL)
    released_cells = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (released_cells, g_object_ref (widget));

  if (release_id == 0)
    {
      release_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 15, release_cells, NULL, NULL);
      g_source_set_name_by_id (release_id, "[cancel-gtk] release cells");
    }
}

static void
cancel_gtk_cell_constructed (GObject *object)
{
  G_OBJECT_CLASS (cancel_gtk_cell_parent_class)->constructed (object);

  build (CANCEL_GTK_CELL (object));
}

static void
cancel_gtk_cell_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_SCOPE:
      g_value_set_object (value, self->scope);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_cell_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CancelGtkCell *self = CANCEL_GTK_CELL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_SCOPE:
      _cancel_gtk_cell_set_scope (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_cell_class_init (CancelGtkCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cancel_gtk_cell_constructed;
  object_class->get_property = cancel_gtk_cell_get_property;
  object_class->set_property = cancel_gtk_cell_set_property;
  object_class->dispose = cancel_gtk_cell_dispose;

  widget_class->map = cancel_gtk_cell_map;
  widget_class->unmap = cancel_gtk_cell_unmap;
  widget_class->unroot = cancel_gtk_cell_unroot;
  widget_class->query_tooltip = cancel_gtk_cell_query_tooltip;
  widget_class->measure = cancel_gtk_cell_measure;
  widget_class->size_allocate = cancel_gtk_cell_size_allocate;
  widget_class->snapshot = cancel_gtk_cell_snapshot;
  widget_class->css_changed = cancel_gtk_cell_css_changed;
  widget_class->system_setting_changed = cancel_gtk_cell_system_setting_changed;

  /* What the cell shows of its scope: set once, by its factory. */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       CANCEL_GTK_TYPE_CELL_KIND,
                       CANCEL_GTK_CELL_NAME,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The scope shown, set to the row's operation by its factory. */
  properties[PROP_SCOPE] =
    g_param_spec_object ("scope", NULL, NULL,
                         CANCEL_TYPE_SCOPE,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "cancelcell");
}

static void
cancel_gtk_cell_init (CancelGtkCell *self)
{
}
