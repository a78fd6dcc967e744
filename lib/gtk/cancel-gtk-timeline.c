/* cancel-gtk-timeline.c: operations over time
 *
 * One row per operation, children under their parent (see
 * cancel-gtk-timeline-rows.c), drawn by cancel-gtk-timeline-draw.c. This
 * file holds the view (what time range is shown, which row is selected)
 * and what moves it: the pointer, the keys, time.
 *
 * While operations run and the view follows now, a tick callback moves
 * the picture, at most one frame per pixel of time and no more than
 * MAX_FPS. When none runs, nothing moves: the right edge stays where the
 * last operation ended, and the widget draws only when the lists change,
 * with no tick. Once the user scrolls or drags away from now, the view
 * stays on the times chosen (no tick either) and a "Jump to Now" button
 * shows until they come back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-timeline-draw-private.h"
#include "cancel-gtk-timeline-private.h"
#include "cancel-gtk-timeline-rows-private.h"

#define DEFAULT_SPAN   (60 * G_USEC_PER_SEC)
#define AUTO_MIN_SPAN  (3 * G_USEC_PER_SEC)  /* fitting never zooms in further */
#define MIN_SPAN       (G_USEC_PER_SEC)
#define MAX_SPAN       ((gint64) 24 * 3600 * G_USEC_PER_SEC)
#define ZOOM_STEP      1.25
#define MAX_FPS        25
#define LAST_ENDED     64  /* history items looked at for the latest end */
#define DRAG_THRESHOLD 4   /* px before a press becomes a drag */

struct _CancelGtkTimeline
{
  GtkWidget       parent_instance;

  CancelRegistry *registry;
  GListModel     *history;
  gulong          live_handler;
  gulong          history_handler;

  GtkWidget      *jump_button;

  /* What is shown. Following, the right edge is now (the last end while
   * nothing runs); else it is `right`. Until the user zooms, the span
   * fits the rows, up to max_span. */
  gboolean        follow;
  gboolean        zoomed;
  gint64          right;
  gint64          span;
  gint64          max_span;
  guint           first_row;

  CancelScope    *selected;
  CancelScope    *hovered;
  CancelScope    *cursor;
  double          pointer_x;

  /* Dragging: the view when the button went down. */
  gboolean        dragging;
  gint64          drag_right;
  guint           drag_first_row;

  guint           tick_id;
  gint64          last_tick_draw;

  /* The last frame: for hit tests, tooltips and tests. */
  CancelGtkTimelineView view;
  char           *empty_text;
  GPtrArray      *lanes;
  guint           n_draws;
};

enum {
  SCOPE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CancelGtkTimeline, cancel_gtk_timeline, GTK_TYPE_WIDGET)

static void update_ticking (CancelGtkTimeline *self);

static gboolean
has_live_operations (CancelGtkTimeline *self)
{
  return self->registry != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0;
}

/* The right edge while following: now while operations run; otherwise
 * the end of the last one, so that an idle picture is the same whenever
 * it is drawn and needs no redrawing as time passes. The history is in
 * the order operations were untracked, which threads ending at once may
 * swap: the latest end is among the last few. */
static gint64
get_follow_right (CancelGtkTimeline *self,
                  gint64             now,
                  gboolean          *at_now)
{
  gint64 latest = 0;
  guint n, i;

  *at_now = TRUE;
  if (self->history == NULL || has_live_operations (self))
    return now;

  n = g_list_model_get_n_items (self->history);
  for (i = n; i > 0 && i + LAST_ENDED > n; i--)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (self->history, i - 1);

      latest = MAX (latest, cancel_scope_get_end_time (scope));
    }

  *at_now = latest <= 0;
  return latest > 0 ? latest : now;
}

static void
set_follow (CancelGtkTimeline *self,
            gboolean           follow)
{
  if (self->follow == follow)
    return;

  self->follow = follow;
  gtk_widget_set_visible (self->jump_button, !follow);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.jump-to-now", !follow);
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The view */

static guint
row_of (CancelGtkTimeline *self,
        CancelScope       *scope)
{
  GArray *rows = self->view.rows;

  if (scope == NULL || rows == NULL)
    return G_MAXUINT;

  for (guint i = 0; i < rows->len; i++)
    if (g_array_index (rows, CancelGtkTimelineRow, i).scope == scope)
      return i;

  return G_MAXUINT;
}

/* Zooms to the rows shown, so that a few seconds of work fill the width
 * instead of a sliver at the right of a minute's axis. */
static gint64
fit_span (CancelGtkTimeline *self,
          GArray            *rows,
          gint64             right)
{
  gint64 earliest = right;

  if (rows->len == 0)
    return self->max_span;

  for (guint i = 0; i < rows->len; i++)
    {
      gint64 start = cancel_scope_get_start_time (g_array_index (rows, CancelGtkTimelineRow, i).scope);

      if (start > 0)
        earliest = MIN (earliest, start);
    }

  return CLAMP ((right - earliest) * 5 / 4, MIN (AUTO_MIN_SPAN, self->max_span), self->max_span);
}

static char *
format_empty_text (const CancelGtkTimelineView *view)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (view->at_now)
    {
      g_autofree char *span = _cancel_gtk_format_duration (view->span);

      /* Translators: %s is the time the axis shows, "1:00" or "10 s" */
      return g_strdup_printf (_("No operations in the last %s"), span);
    }

  from = _cancel_gtk_timeline_format_clock (view->right - view->span, FALSE);
  to = _cancel_gtk_timeline_format_clock (view->right, FALSE);
  /* Translators: the times of day at the ends of the axis */
  return g_strdup_printf (_("No operations from %s to %s"), from, to);
}

/* Computes what the next frame shows: the range, the rows, the span. */
static void
update_view (CancelGtkTimeline *self)
{
  CancelGtkTimelineView *view = &self->view;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  guint n_visible = _cancel_gtk_timeline_view_n_visible (height);
  gint64 now = g_get_monotonic_time ();
  gint64 collect_span;
  GArray *rows;

  view->now = now;
  view->width = MAX (width, 1);
  view->height = height;
  if (self->follow)
    view->right = get_follow_right (self, now, &view->at_now);
  else
    {
      view->right = self->right;
      view->at_now = FALSE;
    }

  collect_span = self->zoomed ? self->span : self->max_span;
  rows = _cancel_gtk_timeline_rows_collect (self->registry, self->history,
                                            view->right - collect_span, view->right,
                                            self->first_row + 2 * n_visible + 1);

  if (!self->zoomed)
    self->span = fit_span (self, rows, view->right);
  view->span = self->span;

  /* Scrolled past the end (rows went away): show the last screenful. */
  if (self->first_row > 0 && self->first_row + n_visible > rows->len)
    self->first_row = rows->len > n_visible ? rows->len - n_visible : 0;
  view->first_row = self->first_row;

  g_clear_pointer (&view->rows, g_array_unref);
  view->rows = rows;
  view->selected = row_of (self, self->selected);
  view->hovered = row_of (self, self->hovered);
  view->cursor = gtk_widget_has_visible_focus (GTK_WIDGET (self)) ? row_of (self, self->cursor) : G_MAXUINT;

  g_free (self->empty_text);
  self->empty_text = format_empty_text (view);
  view->empty_text = self->empty_text;

  g_ptr_array_set_size (self->lanes, 0);
  for (guint i = view->first_row; i < rows->len && i - view->first_row < n_visible; i++)
    g_ptr_array_add (self->lanes, g_object_ref (g_array_index (rows, CancelGtkTimelineRow, i).scope));
}

static void
cancel_gtk_timeline_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);

  self->n_draws++;

  update_view (self);
  if (self->view.width > 1 && self->view.height > 0)
    _cancel_gtk_timeline_draw (widget, snapshot, &self->view);

  gtk_widget_snapshot_child (widget, self->jump_button, snapshot);
}

/* Time: a tick only while the picture moves with it */

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  gint64 frame_time = gdk_frame_clock_get_frame_time (frame_clock);
  gint64 per_pixel = self->span / MAX (gtk_widget_get_width (widget), 1);

  if (!self->follow || !has_live_operations (self))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  /* A frame when the picture moved by a pixel, MAX_FPS at most. */
  if (frame_time - self->last_tick_draw >= MAX (per_pixel, G_USEC_PER_SEC / MAX_FPS))
    {
      self->last_tick_draw = frame_time;
      gtk_widget_queue_draw (widget);
    }

  return G_SOURCE_CONTINUE;
}

static void
update_ticking (CancelGtkTimeline *self)
{
  gboolean wanted = self->follow && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                    has_live_operations (self);

  if (wanted && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
  else if (!wanted && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

/* The registry batches its changes: at most one per list and publish. */
static void
on_items_changed (GListModel        *model,
                  guint              position,
                  guint              removed,
                  guint              added,
                  CancelGtkTimeline *self)
{
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Moving the view */

static gint64
time_at (CancelGtkTimeline *self,
         double             x)
{
  return self->view.right - (gint64) ((self->view.width - x) * self->view.span / self->view.width);
}

/* Shows the times ending at @right; reaching now follows it again. */
static void
set_right (CancelGtkTimeline *self,
           gint64             right)
{
  gboolean at_now;
  gint64 follow_right = get_follow_right (self, g_get_monotonic_time (), &at_now);

  /* The span stops fitting the rows, which change as the view moves. */
  self->zoomed = TRUE;

  if (right >= follow_right)
    {
      set_follow (self, TRUE);
      return;
    }

  self->right = right;
  set_follow (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pan_by (CancelGtkTimeline *self,
        double             pixels)
{
  set_right (self, self->view.right + (gint64) (pixels * self->view.span / self->view.width));
}

/* Zooms by @factor (over 1 shows more time) around @x; following, the
 * right edge stays now. */
static void
zoom_at (CancelGtkTimeline *self,
         double             factor,
         double             x)
{
  gint64 anchor = time_at (self, x);
  gint64 span = CLAMP ((gint64) (self->view.span * factor), MIN_SPAN, MAX_SPAN);

  self->zoomed = TRUE;
  self->span = span;
  if (!self->follow)
    set_right (self, anchor + (gint64) ((self->view.width - x) * span / self->view.width));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_rows (CancelGtkTimeline *self,
             int                delta)
{
  guint n_rows = self->view.rows != NULL ? self->view.rows->len : 0;
  guint n_visible = _cancel_gtk_timeline_view_n_visible (self->view.height);
  /* The rows were collected a screen past the bottom: enough to go on. */
  int last = n_rows > n_visible ? (int) (n_rows - n_visible) : 0;
  int first = CLAMP ((int) self->first_row + delta, 0, MAX (last, (int) self->first_row));

  if ((guint) first == self->first_row)
    return FALSE;

  self->first_row = first;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
activate_scope (CancelGtkTimeline *self,
                CancelScope       *scope)
{
  _cancel_gtk_timeline_set_selected (self, scope);
  g_signal_emit (self, signals[SCOPE_ACTIVATED], 0, scope);
}

static CancelScope *
scope_at (CancelGtkTimeline *self,
          double             y)
{
  guint row = _cancel_gtk_timeline_view_row_at (&self->view, y);

  return row == G_MAXUINT ? NULL : g_array_index (self->view.rows, CancelGtkTimelineRow, row).scope;
}

/* Input */

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CancelGtkTimeline        *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;

  if (state & GDK_CONTROL_MASK)
    {
      if (dy == 0)
        return FALSE;
      zoom_at (self, dy > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, self->pointer_x);
      return TRUE;
    }

  if (state & GDK_SHIFT_MASK && dx == 0)
    {
      dx = dy;
      dy = 0;
    }

  if (dx != 0)
    {
      /* A notch of the wheel moves a tenth of the width. */
      pan_by (self, wheel ? dx * self->view.width / 10 : dx);
      return TRUE;
    }

  return scroll_rows (self, wheel ? (int) dy : (int) (dy / CANCEL_GTK_TIMELINE_ROW_HEIGHT));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CancelGtkTimeline        *self)
{
  CancelScope *scope = scope_at (self, y);

  self->pointer_x = x;
  if (scope == self->hovered)
    return;

  g_set_object (&self->hovered, scope);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          CancelGtkTimeline        *self)
{
  if (self->hovered == NULL)
    return;

  g_clear_object (&self->hovered);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_released (GtkGestureClick   *gesture,
             int                n_press,
             double             x,
             double             y,
             CancelGtkTimeline *self)
{
  CancelScope *scope = scope_at (self, y);

  /* A press that became a drag cancelled the click: no release. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (scope != NULL)
    activate_scope (self, scope);
}

static void
on_drag_begin (GtkGestureDrag    *gesture,
               double             x,
               double             y,
               CancelGtkTimeline *self)
{
  self->dragging = FALSE;
  self->drag_right = self->view.right;
  self->drag_first_row = self->first_row;
}

static void
on_drag_update (GtkGestureDrag    *gesture,
                double             offset_x,
                double             offset_y,
                CancelGtkTimeline *self)
{
  int rows;

  if (!self->dragging && ABS (offset_x) < DRAG_THRESHOLD && ABS (offset_y) < DRAG_THRESHOLD)
    return;

  self->dragging = TRUE;
  if (ABS (offset_x) >= 1)
    set_right (self, self->drag_right - (gint64) (offset_x * self->view.span / self->view.width));

  rows = (int) (-offset_y / CANCEL_GTK_TIMELINE_ROW_HEIGHT);
  self->first_row = self->drag_first_row;
  scroll_rows (self, rows);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag    *gesture,
             double             offset_x,
             double             offset_y,
             CancelGtkTimeline *self)
{
  self->dragging = FALSE;
}

/* Keys: widget actions with key bindings, so that they also show in
 * GTK's shortcuts and can be driven by tests. */

static void
update_cursor_description (CancelGtkTimeline *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (self->cursor == NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }

  name = _cancel_gtk_format_scope_name (self->cursor);
  /* Translators: the operation the timeline's keyboard cursor is on, its status */
  text = g_strdup_printf (_("%s, %s"), name, _cancel_gtk_format_status (self->cursor));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

static void
move_cursor (CancelGtkTimeline *self,
             int                delta)
{
  GArray *rows = self->view.rows;
  guint n_visible = _cancel_gtk_timeline_view_n_visible (self->view.height);
  guint row = row_of (self, self->cursor);
  int target;

  if (rows == NULL || rows->len == 0)
    return;

  if (row == G_MAXUINT)
    target = self->first_row;
  else
    target = CLAMP ((int) row + delta, 0, (int) rows->len - 1);

  g_set_object (&self->cursor, g_array_index (rows, CancelGtkTimelineRow, target).scope);

  /* Keep it on screen. */
  if ((guint) target < self->first_row)
    self->first_row = target;
  else if (n_visible > 0 && (guint) target >= self->first_row + n_visible)
    self->first_row = target - n_visible + 1;

  update_cursor_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  int direction = g_variant_get_int32 (parameter);

  if (direction == 0)
    {
      /* Back to fitting the rows, following now. */
      self->zoomed = FALSE;
      set_follow (self, TRUE);
      gtk_widget_queue_draw (widget);
      return;
    }

  /* Keys zoom around the middle, or the right edge while following. */
  zoom_at (self, direction > 0 ? 1 / ZOOM_STEP : ZOOM_STEP,
           self->follow ? self->view.width : self->view.width / 2.0);
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);

  /* A tenth of the width per press. */
  pan_by (self, g_variant_get_int32 (parameter) * self->view.width / 10.0);
}

static void
move_cursor_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  move_cursor (CANCEL_GTK_TIMELINE (widget), g_variant_get_int32 (parameter));
}

static void
activate_cursor_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  g_autoptr(CancelScope) scope = NULL;

  if (self->cursor == NULL)
    return;

  /* Handlers may move the cursor. */
  scope = g_object_ref (self->cursor);
  activate_scope (self, scope);
}

static void
jump_to_now_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  set_follow (CANCEL_GTK_TIMELINE (widget), TRUE);
}

static void
on_focus_changed (GtkEventControllerFocus *controller,
                  CancelGtkTimeline       *self)
{
  /* The cursor shows while focused, from the selection on. */
  if (self->cursor == NULL && self->selected != NULL)
    g_set_object (&self->cursor, self->selected);
  update_cursor_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Tooltips */

char *
_cancel_gtk_timeline_get_tooltip_markup (CancelGtkTimeline *self,
                                         double             x,
                                         double             y)
{
  CancelScope *scope;

  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  scope = scope_at (self, y);
  if (scope == NULL)
    return NULL;

  return _cancel_gtk_timeline_describe (scope, g_get_monotonic_time ());
}

static gboolean
cancel_gtk_timeline_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard_mode,
                                   GtkTooltip *tooltip)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  g_autofree char *markup = NULL;
  guint row;
  graphene_rect_t bar;

  if (keyboard_mode)
    {
      row = row_of (self, self->cursor);
      if (row == G_MAXUINT || !_cancel_gtk_timeline_view_bar (&self->view, row, &bar))
        return FALSE;
      y = (int) (bar.origin.y + bar.size.height / 2);
    }

  markup = _cancel_gtk_timeline_get_tooltip_markup (self, x, y);
  if (markup == NULL)
    return FALSE;

  /* Asked again when the pointer leaves the row. */
  row = _cancel_gtk_timeline_view_row_at (&self->view, y);
  if (_cancel_gtk_timeline_view_bar (&self->view, row, &bar))
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) {
                                0, (int) bar.origin.y - 2, self->view.width, CANCEL_GTK_TIMELINE_ROW_HEIGHT
                              });
  gtk_tooltip_set_markup (tooltip, markup);

  return TRUE;
}

/* Size */

static void
cancel_gtk_timeline_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  int button_min, button_nat;

  gtk_widget_measure (self->jump_button, orientation, -1, &button_min, &button_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (120, button_min + 16);
      *natural = 480;
    }
  else
    {
      *minimum = CANCEL_GTK_TIMELINE_HEADER_HEIGHT + CANCEL_GTK_TIMELINE_AXIS_HEIGHT +
                 3 * CANCEL_GTK_TIMELINE_ROW_HEIGHT;
      *natural = CANCEL_GTK_TIMELINE_HEADER_HEIGHT + CANCEL_GTK_TIMELINE_AXIS_HEIGHT +
                 8 * CANCEL_GTK_TIMELINE_ROW_HEIGHT;
    }
}

static void
cancel_gtk_timeline_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  GtkRequisition natural;
  int button_width, button_height;

  /* The button sits at the right of the legend's strip. */
  gtk_widget_get_preferred_size (self->jump_button, NULL, &natural);
  button_width = MIN (natural.width, width - 8);
  button_height = MIN (natural.height, CANCEL_GTK_TIMELINE_HEADER_HEIGHT - 2);
  gtk_widget_size_allocate (self->jump_button,
                            &(GtkAllocation) {
                              width - button_width - 4,
                              (CANCEL_GTK_TIMELINE_HEADER_HEIGHT - button_height) / 2,
                              button_width, button_height
                            }, -1);

  self->view.legend_width = gtk_widget_get_visible (self->jump_button) ? width - button_width - 12 : width - 8;
}

static void
cancel_gtk_timeline_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cancel_gtk_timeline_parent_class)->map (widget);

  /* Time only moves the picture while it can be seen. */
  update_ticking (CANCEL_GTK_TIMELINE (widget));
  gtk_widget_queue_draw (widget);
}

static void
cancel_gtk_timeline_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cancel_gtk_timeline_parent_class)->unmap (widget);

  update_ticking (CANCEL_GTK_TIMELINE (widget));
}

/* Private API */

void
_cancel_gtk_timeline_set_registry (CancelGtkTimeline *self,
                                   CancelRegistry    *registry)
{
  g_return_if_fail (CANCEL_GTK_IS_TIMELINE (self));
  g_return_if_fail (registry == NULL || CANCEL_IS_REGISTRY (registry));

  if (self->registry == registry)
    return;

  if (self->registry != NULL)
    {
      g_clear_signal_handler (&self->live_handler, self->registry);
      g_clear_signal_handler (&self->history_handler, self->history);
      g_clear_object (&self->history);
      g_clear_object (&self->registry);
    }

  g_ptr_array_set_size (self->lanes, 0);
  g_clear_pointer (&self->view.rows, g_array_unref);
  g_clear_object (&self->hovered);
  g_clear_object (&self->cursor);
  g_clear_object (&self->selected);

  if (registry != NULL)
    {
      self->registry = g_object_ref (registry);
      self->history = g_object_ref (cancel_registry_get_history (registry));
      self->live_handler = g_signal_connect (registry, "items-changed",
                                             G_CALLBACK (on_items_changed), self);
      self->history_handler = g_signal_connect (self->history, "items-changed",
                                                G_CALLBACK (on_items_changed), self);
    }

  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_cancel_gtk_timeline_set_span (CancelGtkTimeline *self,
                               gint64             span)
{
  g_return_if_fail (CANCEL_GTK_IS_TIMELINE (self));
  g_return_if_fail (span > 0);

  self->span = self->max_span = span;
  self->zoomed = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_cancel_gtk_timeline_set_selected (CancelGtkTimeline *self,
                                   CancelScope       *scope)
{
  g_return_if_fail (CANCEL_GTK_IS_TIMELINE (self));
  g_return_if_fail (scope == NULL || CANCEL_IS_SCOPE (scope));

  /* The keyboard goes on from the selection. */
  if (scope != NULL)
    g_set_object (&self->cursor, scope);

  if (g_set_object (&self->selected, scope))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

CancelScope *
_cancel_gtk_timeline_get_selected (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  return self->selected;
}

GPtrArray *
_cancel_gtk_timeline_get_lanes (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  return self->lanes;
}

gboolean
_cancel_gtk_timeline_get_bar (CancelGtkTimeline *self,
                              CancelScope       *scope,
                              graphene_rect_t   *bar)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), FALSE);
  g_return_val_if_fail (bar != NULL, FALSE);

  return _cancel_gtk_timeline_view_bar (&self->view, row_of (self, scope), bar);
}

void
_cancel_gtk_timeline_get_visible_range (CancelGtkTimeline *self,
                                        gint64            *from,
                                        gint64            *to)
{
  g_return_if_fail (CANCEL_GTK_IS_TIMELINE (self));

  *from = self->view.right - self->view.span;
  *to = self->view.right;
}

gboolean
_cancel_gtk_timeline_get_following (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), FALSE);

  return self->follow;
}

const char *
_cancel_gtk_timeline_get_empty_text (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  return self->view.rows != NULL && self->view.rows->len == 0 ? self->empty_text : NULL;
}

guint
_cancel_gtk_timeline_get_n_draws (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), 0);

  return self->n_draws;
}

gboolean
_cancel_gtk_timeline_get_scrolling (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), FALSE);

  return self->tick_id != 0;
}

GtkWidget *
_cancel_gtk_timeline_new (void)
{
  return g_object_new (CANCEL_GTK_TYPE_TIMELINE, NULL);
}

/* GObject */

static void
cancel_gtk_timeline_dispose (GObject *object)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (object);

  _cancel_gtk_timeline_set_registry (self, NULL);
  g_clear_pointer (&self->jump_button, gtk_widget_unparent);

  G_OBJECT_CLASS (cancel_gtk_timeline_parent_class)->dispose (object);
}

static void
cancel_gtk_timeline_finalize (GObject *object)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (object);

  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  g_clear_pointer (&self->view.rows, g_array_unref);
  g_free (self->empty_text);

  G_OBJECT_CLASS (cancel_gtk_timeline_parent_class)->finalize (object);
}

static void
add_binding (GtkWidgetClass *widget_class,
             guint           keyval,
             const char     *action,
             int             value)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, action, "i", value);
}

static void
cancel_gtk_timeline_class_init (CancelGtkTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cancel_gtk_timeline_dispose;
  object_class->finalize = cancel_gtk_timeline_finalize;

  widget_class->snapshot = cancel_gtk_timeline_snapshot;
  widget_class->measure = cancel_gtk_timeline_measure;
  widget_class->size_allocate = cancel_gtk_timeline_size_allocate;
  widget_class->map = cancel_gtk_timeline_map;
  widget_class->unmap = cancel_gtk_timeline_unmap;
  widget_class->query_tooltip = cancel_gtk_timeline_query_tooltip;

  /**
   * CancelGtkTimeline::scope-activated:
   * @self: the timeline
   * @scope: the operation whose row was clicked or activated
   *
   * Emitted on the GTK thread when a row is clicked, or activated with
   * the keyboard (<kbd>Enter</kbd>).
   */
  signals[SCOPE_ACTIVATED] =
    g_signal_new ("scope-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CANCEL_TYPE_SCOPE);

  /* Zoom: +1 in, -1 out, 0 back to fitting the rows. */
  gtk_widget_class_install_action (widget_class, "timeline.zoom", "i", zoom_action);
  /* Pan by tenths of the width: negative goes back in time. */
  gtk_widget_class_install_action (widget_class, "timeline.pan", "i", pan_action);
  gtk_widget_class_install_action (widget_class, "timeline.move-cursor", "i", move_cursor_action);
  gtk_widget_class_install_action (widget_class, "timeline.activate-cursor", NULL, activate_cursor_action);
  gtk_widget_class_install_action (widget_class, "timeline.jump-to-now", NULL, jump_to_now_action);

  add_binding (widget_class, GDK_KEY_plus, "timeline.zoom", 1);
  add_binding (widget_class, GDK_KEY_equal, "timeline.zoom", 1);
  add_binding (widget_class, GDK_KEY_KP_Add, "timeline.zoom", 1);
  add_binding (widget_class, GDK_KEY_minus, "timeline.zoom", -1);
  add_binding (widget_class, GDK_KEY_KP_Subtract, "timeline.zoom", -1);
  add_binding (widget_class, GDK_KEY_0, "timeline.zoom", 0);
  add_binding (widget_class, GDK_KEY_KP_0, "timeline.zoom", 0);
  add_binding (widget_class, GDK_KEY_Left, "timeline.pan", -1);
  add_binding (widget_class, GDK_KEY_KP_Left, "timeline.pan", -1);
  add_binding (widget_class, GDK_KEY_Right, "timeline.pan", 1);
  add_binding (widget_class, GDK_KEY_KP_Right, "timeline.pan", 1);
  add_binding (widget_class, GDK_KEY_Up, "timeline.move-cursor", -1);
  add_binding (widget_class, GDK_KEY_KP_Up, "timeline.move-cursor", -1);
  add_binding (widget_class, GDK_KEY_Down, "timeline.move-cursor", 1);
  add_binding (widget_class, GDK_KEY_KP_Down, "timeline.move-cursor", 1);
  add_binding (widget_class, GDK_KEY_Page_Up, "timeline.move-cursor", -8);
  add_binding (widget_class, GDK_KEY_Page_Down, "timeline.move-cursor", 8);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "timeline.activate-cursor", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "timeline.activate-cursor", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "timeline.activate-cursor", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "timeline.jump-to-now", NULL);

  gtk_widget_class_set_css_name (widget_class, "canceltimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cancel_gtk_timeline_init (CancelGtkTimeline *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->follow = TRUE;
  self->span = self->max_span = DEFAULT_SPAN;
  self->lanes = g_ptr_array_new_with_free_func (g_object_unref);
  self->view.selected = self->view.hovered = self->view.cursor = G_MAXUINT;

  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, scroll);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);
  g_signal_connect (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (widget, focus);

  /* Shown while the view is away from now. */
  self->jump_button = gtk_button_new_with_mnemonic (_("_Jump to Now"));
  gtk_widget_set_tooltip_text (self->jump_button, _("Follow the current time (End)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->jump_button), "timeline.jump-to-now");
  gtk_widget_add_css_class (self->jump_button, "jump-to-now");
  gtk_widget_set_visible (self->jump_button, FALSE);
  gtk_widget_set_parent (self->jump_button, widget);
  gtk_widget_action_set_enabled (widget, "timeline.jump-to-now", FALSE);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of operations"),
                                  -1);
}
