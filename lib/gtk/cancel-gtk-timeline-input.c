/* cancel-gtk-timeline-input.c: what the pointer and the keys do to the
 * timeline's view
 *
 * The wheel scrolls the rows (sideways or with Shift, it pans time);
 * Ctrl and the wheel zoom around the pointer; a drag pans both. Keys are
 * widget actions with key bindings: Left and Right pan, + and - zoom, 0
 * fits the rows again, Up and Down move the keyboard's cursor, Enter
 * selects, End jumps to now. Moving away from now stops following it;
 * moving back to it follows again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-timeline-state-private.h"

#define MIN_SPAN       (G_USEC_PER_SEC)
#define MAX_SPAN       ((gint64) 24 * 3600 * G_USEC_PER_SEC)
#define ZOOM_STEP      1.25
#define DRAG_THRESHOLD 4   /* px before a press becomes a drag */

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
  gint64 follow_right = _cancel_gtk_timeline_get_follow_right (self, g_get_monotonic_time (), &at_now);

  /* The span stops fitting the rows, which change as the view moves. */
  self->zoomed = TRUE;

  if (right >= follow_right)
    {
      _cancel_gtk_timeline_set_follow (self, TRUE);
      return;
    }

  self->right = right;
  _cancel_gtk_timeline_set_follow (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pan_by (CancelGtkTimeline *self,
        double             pixels)
{
  /* Nothing to move before the first frame. */
  if (self->view.span <= 0)
    return;

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

  if (self->view.span <= 0)
    return;

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

CancelScope *
_cancel_gtk_timeline_scope_at (CancelGtkTimeline *self,
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
  int delta;

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

  /* Touchpads scroll by pixels, a few at a time: they add up to rows. */
  self->row_scroll += wheel ? dy : dy / CANCEL_GTK_TIMELINE_ROW_HEIGHT;
  delta = (int) self->row_scroll;
  self->row_scroll -= delta;

  if (delta == 0)
    return self->view.n_rows > _cancel_gtk_timeline_view_n_visible (self->view.height);

  return scroll_rows (self, delta);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CancelGtkTimeline        *self)
{
  CancelScope *scope = _cancel_gtk_timeline_scope_at (self, y);

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
  CancelScope *scope = _cancel_gtk_timeline_scope_at (self, y);

  /* A press that became a drag cancelled the click: no release. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (scope != NULL)
    _cancel_gtk_timeline_activate (self, scope);
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
  guint row = _cancel_gtk_timeline_row_of (self, self->cursor);
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
      _cancel_gtk_timeline_set_follow (self, TRUE);
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
  _cancel_gtk_timeline_activate (self, scope);
}

static void
jump_to_now_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  _cancel_gtk_timeline_set_follow (CANCEL_GTK_TIMELINE (widget), TRUE);
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

static void
add_binding (GtkWidgetClass *widget_class,
             guint           keyval,
             const char     *action,
             int             value)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, action, "i", value);
}

void
_cancel_gtk_timeline_class_init_input (GtkWidgetClass *widget_class)
{
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
}

void
_cancel_gtk_timeline_init_input (CancelGtkTimeline *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

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
}
