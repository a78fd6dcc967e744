/* cancel-gtk-timeline.c: operations over time
 *
 * One row per operation, children under their parent (see
 * cancel-gtk-timeline-rows.c), drawn by cancel-gtk-timeline-draw.c. This
 * file holds the widget: the view each frame shows (what time range,
 * which rows), the registry it watches, and time, which moves the view;
 * the pointer and the keys move it in cancel-gtk-timeline-input.c.
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
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-timeline-state-private.h"

#define DEFAULT_SPAN   (60 * G_USEC_PER_SEC)
#define AUTO_MIN_SPAN  (3 * G_USEC_PER_SEC)  /* fitting never zooms in further */
#define MAX_FPS        10  /* scrolling with time; the lists' changes draw at once */
#define LAST_ENDED     64  /* history items looked at for the latest end */

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
gint64
_cancel_gtk_timeline_get_follow_right (CancelGtkTimeline *self,
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

void
_cancel_gtk_timeline_set_follow (CancelGtkTimeline *self,
                                 gboolean           follow)
{
  if (self->follow == follow)
    return;

  self->follow = follow;

  /* The button goes away: the keyboard stays on the timeline. */
  if (follow && gtk_widget_has_focus (self->jump_button))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_set_visible (self->jump_button, !follow);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.jump-to-now", !follow);
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The view */

guint
_cancel_gtk_timeline_row_of (CancelGtkTimeline *self,
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
    view->right = _cancel_gtk_timeline_get_follow_right (self, now, &view->at_now);
  else
    {
      view->right = self->right;
      view->at_now = FALSE;
    }

  collect_span = self->zoomed ? self->span : self->max_span;
  rows = _cancel_gtk_timeline_rows_collect (self->registry, self->history,
                                            view->right - collect_span, view->right,
                                            self->first_row + 2 * n_visible + 1,
                                            &view->n_rows);

  if (!self->zoomed)
    self->span = fit_span (self, rows, view->right);
  view->span = self->span;

  /* Scrolled past the end (rows went away): show the last screenful. */
  if (self->first_row > 0 && self->first_row + n_visible > rows->len)
    self->first_row = rows->len > n_visible ? rows->len - n_visible : 0;
  view->first_row = self->first_row;

  g_clear_pointer (&view->rows, g_array_unref);
  view->rows = rows;
  view->selected = _cancel_gtk_timeline_row_of (self, self->selected);
  view->hovered = _cancel_gtk_timeline_row_of (self, self->hovered);
  view->cursor = gtk_widget_has_visible_focus (GTK_WIDGET (self)) ? _cancel_gtk_timeline_row_of (self, self->cursor) : G_MAXUINT;

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

void
_cancel_gtk_timeline_activate (CancelGtkTimeline *self,
                               CancelScope       *scope)
{
  _cancel_gtk_timeline_set_selected (self, scope);
  g_signal_emit (self, signals[SCOPE_ACTIVATED], 0, scope);
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

/* Tooltips */

char *
_cancel_gtk_timeline_get_tooltip_markup (CancelGtkTimeline *self,
                                         double             x,
                                         double             y)
{
  CancelScope *scope;

  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  scope = _cancel_gtk_timeline_scope_at (self, y);
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
      row = _cancel_gtk_timeline_row_of (self, self->cursor);
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

  return _cancel_gtk_timeline_view_bar (&self->view, _cancel_gtk_timeline_row_of (self, scope), bar);
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
cancel_gtk_timeline_class_init (CancelGtkTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  _cancel_gtk_i18n_init ();

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

  _cancel_gtk_timeline_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "canceltimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cancel_gtk_timeline_init (CancelGtkTimeline *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->follow = TRUE;
  self->span = self->max_span = DEFAULT_SPAN;
  self->lanes = g_ptr_array_new_with_free_func (g_object_unref);
  self->view.selected = self->view.hovered = self->view.cursor = G_MAXUINT;

  _cancel_gtk_timeline_init_input (self);

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

