/* cancel-gtk-timeline.c: operations over time
 *
 * One bar per operation, newest at the top, from its start to its end (or
 * to now while it runs), coloured by status, with a mark where its
 * cancellation was requested. While operations run, the right edge is now
 * and the picture scrolls left as time passes. When none runs, nothing
 * moves: the right edge stays where the last operation ended, and the
 * widget draws only when the lists change, with no timer.
 *
 * Only as many operations as there are lanes are looked at, newest first:
 * the cost of a frame does not grow with the number of live operations.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-style-private.h"
#include "cancel-gtk-timeline-private.h"

#define LANE_HEIGHT      8
#define BAR_HEIGHT       6
#define AXIS_HEIGHT      18
#define REDRAW_INTERVAL  100 /* ms at least between two frames of scrolling */
#define DEFAULT_SPAN     (60 * G_USEC_PER_SEC)
#define MIN_SPAN         (10 * G_USEC_PER_SEC)
#define LAST_ENDED       64  /* history items looked at for the latest end */

struct _CancelGtkTimeline
{
  GtkWidget       parent_instance;

  CancelRegistry *registry;
  GListModel     *history;
  gulong          live_handler;
  gulong          history_handler;

  /* One-shot: armed by a snapshot while operations run, so the next
   * frame of scrolling is asked for only once the last one was drawn. */
  guint           scroll_id;
  gint64          span;      /* shown now: fits the lanes, within min and max */
  gint64          max_span;
  guint           n_draws;

  /* The scopes drawn by the last snapshot, top to bottom: for tooltips
   * and clicks. */
  GPtrArray      *lanes;
};

enum {
  SCOPE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CancelGtkTimeline, cancel_gtk_timeline, GTK_TYPE_WIDGET)

static gint64
scope_start (CancelScope *scope,
             gint64       now)
{
  gint64 start = cancel_scope_get_start_time (scope);

  return start > 0 ? start : now;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 now = *(const gint64 *) user_data;
  gint64 start_a = scope_start (*(CancelScope * const *) a, now);
  gint64 start_b = scope_start (*(CancelScope * const *) b, now);

  return start_a < start_b ? 1 : start_a > start_b ? -1 : 0;
}

/* Picks the newest @max_lanes operations: the last ones of the live list
 * and of the history (both are in the order things happened), skipping
 * finished ones that scrolled out. */
static void
collect_lanes (CancelGtkTimeline *self,
               gint64             now,
               guint              max_lanes)
{
  guint n, i, taken;

  g_ptr_array_set_size (self->lanes, 0);

  if (self->registry == NULL || max_lanes == 0)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->registry));
  for (i = n, taken = 0; i > 0 && taken < max_lanes; i--, taken++)
    g_ptr_array_add (self->lanes, g_list_model_get_item (G_LIST_MODEL (self->registry), i - 1));

  n = g_list_model_get_n_items (self->history);
  for (i = n, taken = 0; i > 0 && taken < max_lanes; i--)
    {
      CancelScope *scope = g_list_model_get_item (self->history, i - 1);
      gint64 end = cancel_scope_get_end_time (scope);

      if (end > 0 && end < now - self->max_span)
        {
          g_object_unref (scope);
          break;
        }

      g_ptr_array_add (self->lanes, scope);
      taken++;
    }

  g_ptr_array_sort_with_data (self->lanes, compare_newest_first, &now);
  if (self->lanes->len > max_lanes)
    g_ptr_array_set_size (self->lanes, max_lanes);
}

/* Zooms to the lanes shown, so that a few seconds of work fill the width
 * instead of a sliver at the right of a minute's axis. */
static void
fit_span (CancelGtkTimeline *self,
          gint64             now)
{
  gint64 earliest = now;

  for (guint i = 0; i < self->lanes->len; i++)
    {
      gint64 start = cancel_scope_get_start_time (g_ptr_array_index (self->lanes, i));

      if (start > 0)
        earliest = MIN (earliest, start);
    }

  self->span = CLAMP ((now - earliest) * 5 / 4, MIN (MIN_SPAN, self->max_span), self->max_span);
}

static float
time_to_x (CancelGtkTimeline *self,
           gint64             now,
           gint64             time,
           int                width)
{
  return width - (float) (now - time) * width / (float) self->span;
}

static gint64
grid_step (gint64 span)
{
  static const gint64 steps[] = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600 };
  guint i;

  /* About six lines across. */
  for (i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * G_USEC_PER_SEC * 6 >= span)
      return steps[i] * G_USEC_PER_SEC;

  return (gint64) 3600 * G_USEC_PER_SEC;
}

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}

static void
snapshot_axis (CancelGtkTimeline *self,
               GtkSnapshot       *snapshot,
               gint64             now,
               int                width,
               int                height,
               const GdkRGBA     *foreground)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GdkRGBA line = *foreground;
  GdkRGBA text = *foreground;
  gint64 step = grid_step (self->span);
  gint64 offset;

  line.alpha *= 0.12f;
  text.alpha *= 0.6f;

  /* Stationary lines at whole offsets from now: the bars scroll past. */
  for (offset = step; offset <= self->span; offset += step)
    {
      float x = time_to_x (self, now, now - offset, width);
      g_autofree char *duration = _cancel_gtk_format_duration (offset);
      g_autofree char *label = g_strdup_printf ("−%s", duration);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, label);
      int text_width, text_height;

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (x, 0, 1, height - AXIS_HEIGHT));

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      if (x - text_width / 2.0f < 0)
        continue;

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (x - text_width / 2.0f,
                                                    height - AXIS_HEIGHT + (AXIS_HEIGHT - text_height) / 2.0f));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
    }
}

static void
snapshot_empty (CancelGtkTimeline *self,
                GtkSnapshot       *snapshot,
                int                width,
                int                height,
                const GdkRGBA     *foreground)
{
  g_autofree char *span = _cancel_gtk_format_duration (self->max_span);
  g_autofree char *label = g_strdup_printf (_("No operations in the last %s"), span);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
  GdkRGBA text = *foreground;
  int text_width, text_height;

  text.alpha *= 0.5f;
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT ((width - text_width) / 2.0f,
                                                (height - AXIS_HEIGHT - text_height) / 2.0f));
  gtk_snapshot_append_layout (snapshot, layout, &text);
  gtk_snapshot_restore (snapshot);
}

static gboolean
has_live_operations (CancelGtkTimeline *self)
{
  return self->registry != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0;
}

/* The time at the right edge: now while operations run; otherwise the end
 * of the last one, so that an idle picture is the same whenever it is
 * drawn and needs no redrawing as time passes. The history is in the
 * order operations were untracked, which threads ending at once may swap:
 * the latest end is among the last few. */
static gint64
get_right_edge_time (CancelGtkTimeline *self)
{
  gint64 latest = 0;
  guint n, i;

  if (self->history == NULL || has_live_operations (self))
    return g_get_monotonic_time ();

  n = g_list_model_get_n_items (self->history);
  for (i = n; i > 0 && i + LAST_ENDED > n; i--)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (self->history, i - 1);

      latest = MAX (latest, cancel_scope_get_end_time (scope));
    }

  return latest > 0 ? latest : g_get_monotonic_time ();
}

static gboolean
on_scroll_timeout (gpointer user_data)
{
  CancelGtkTimeline *self = user_data;

  self->scroll_id = 0;
  if (has_live_operations (self))
    gtk_widget_queue_draw (GTK_WIDGET (self));

  return G_SOURCE_REMOVE;
}

/* Asks for the next frame of scrolling: when the picture will have moved
 * by a pixel, and not sooner than REDRAW_INTERVAL after this frame. It is
 * armed after a frame was drawn, never while one is pending: however slow
 * drawing is, the timeline leaves the main loop time between its frames. */
static void
schedule_scroll (CancelGtkTimeline *self,
                 int                width)
{
  guint delay;

  if (self->scroll_id != 0 || width <= 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)) || !has_live_operations (self))
    return;

  delay = (guint) MAX (REDRAW_INTERVAL, self->span / width / 1000);
  self->scroll_id = g_timeout_add (delay, on_scroll_timeout, self);
  g_source_set_name_by_id (self->scroll_id, "[cancel-gtk] timeline scroll");
}

static void
cancel_gtk_timeline_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gint64 now = get_right_edge_time (self);
  GdkRGBA foreground, mark;
  guint max_lanes, i;

  self->n_draws++;

  if (width <= 0 || height <= AXIS_HEIGHT)
    return;

  schedule_scroll (self, width);

  get_foreground (widget, &foreground);
  mark = foreground;
  mark.alpha *= 0.85f;

  max_lanes = (guint) (height - AXIS_HEIGHT) / LANE_HEIGHT;
  collect_lanes (self, now, max_lanes);
  fit_span (self, now);

  snapshot_axis (self, snapshot, now, width, height, &foreground);

  if (self->lanes->len == 0)
    {
      snapshot_empty (self, snapshot, width, height, &foreground);
      return;
    }

  for (i = 0; i < self->lanes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (self->lanes, i);
      gint64 start = scope_start (scope, now);
      gint64 end = cancel_scope_get_end_time (scope);
      gint64 cancel_time = cancel_scope_get_cancel_time (scope);
      float y = (float) (i * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2);
      float x0 = MAX (0.0f, time_to_x (self, now, start, width));
      float x1 = end > 0 ? time_to_x (self, now, end, width) : (float) width;
      GdkRGBA color;

      if (x1 < 0)
        continue;

      _cancel_gtk_look_color (_cancel_gtk_look_for_scope (scope), &color);
      gtk_snapshot_append_color (snapshot, &color,
                                 &GRAPHENE_RECT_INIT (x0, y, MAX (2.0f, x1 - x0), BAR_HEIGHT));

      if (cancel_time > 0)
        {
          float x = time_to_x (self, now, cancel_time, width);

          if (x >= 0)
            gtk_snapshot_append_color (snapshot, &mark,
                                       &GRAPHENE_RECT_INIT (MIN (x, width - 2.0f), y - 1, 2, BAR_HEIGHT + 2));
        }
    }
}

/* The registry batches its changes: at most one per list and publish. */
static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

static CancelScope *
lane_at (CancelGtkTimeline *self,
         double             y)
{
  guint lane;

  if (y < 0)
    return NULL;

  lane = (guint) (y / LANE_HEIGHT);
  if (lane >= self->lanes->len)
    return NULL;

  return g_ptr_array_index (self->lanes, lane);
}

static gboolean
cancel_gtk_timeline_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard_mode,
                                   GtkTooltip *tooltip)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);
  CancelScope *scope = lane_at (self, y);
  g_autofree char *name = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *text = NULL;
  gint64 start, end;

  if (scope == NULL)
    return FALSE;

  name = _cancel_gtk_format_scope_name (scope);
  start = cancel_scope_get_start_time (scope);
  end = cancel_scope_get_end_time (scope);
  duration = _cancel_gtk_format_duration (start > 0 ? (end > 0 ? end : g_get_monotonic_time ()) - start : 0);
  /* Translators: an operation name, its status and how long it ran */
  text = g_strdup_printf (_("%s — %s, %s"), name, _cancel_gtk_format_status (scope), duration);
  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             gpointer         user_data)
{
  CancelGtkTimeline *self = user_data;
  CancelScope *scope = lane_at (self, y);

  if (scope != NULL)
    g_signal_emit (self, signals[SCOPE_ACTIVATED], 0, scope);
}

static void
cancel_gtk_timeline_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 100;
      *natural = 400;
    }
  else
    {
      *minimum = AXIS_HEIGHT + 4 * LANE_HEIGHT;
      *natural = AXIS_HEIGHT + 12 * LANE_HEIGHT;
    }
}

static void
cancel_gtk_timeline_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cancel_gtk_timeline_parent_class)->map (widget);

  /* Time only moves the picture while it can be seen: the snapshot
   * starts scrolling again if operations run. */
  gtk_widget_queue_draw (widget);
}

static void
cancel_gtk_timeline_unmap (GtkWidget *widget)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (widget);

  g_clear_handle_id (&self->scroll_id, g_source_remove);

  GTK_WIDGET_CLASS (cancel_gtk_timeline_parent_class)->unmap (widget);
}

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

  if (registry != NULL)
    {
      self->registry = g_object_ref (registry);
      self->history = g_object_ref (cancel_registry_get_history (registry));
      self->live_handler = g_signal_connect (registry, "items-changed",
                                             G_CALLBACK (on_items_changed), self);
      self->history_handler = g_signal_connect (self->history, "items-changed",
                                                G_CALLBACK (on_items_changed), self);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_cancel_gtk_timeline_set_span (CancelGtkTimeline *self,
                               gint64             span)
{
  g_return_if_fail (CANCEL_GTK_IS_TIMELINE (self));
  g_return_if_fail (span > 0);

  self->span = self->max_span = span;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GPtrArray *
_cancel_gtk_timeline_get_lanes (CancelGtkTimeline *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_TIMELINE (self), NULL);

  return self->lanes;
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

  return self->scroll_id != 0;
}

GtkWidget *
_cancel_gtk_timeline_new (void)
{
  return g_object_new (CANCEL_GTK_TYPE_TIMELINE, NULL);
}

static void
cancel_gtk_timeline_dispose (GObject *object)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (object);

  _cancel_gtk_timeline_set_registry (self, NULL);
  g_clear_handle_id (&self->scroll_id, g_source_remove);

  G_OBJECT_CLASS (cancel_gtk_timeline_parent_class)->dispose (object);
}

static void
cancel_gtk_timeline_finalize (GObject *object)
{
  CancelGtkTimeline *self = CANCEL_GTK_TIMELINE (object);

  g_clear_pointer (&self->lanes, g_ptr_array_unref);

  G_OBJECT_CLASS (cancel_gtk_timeline_parent_class)->finalize (object);
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
  widget_class->map = cancel_gtk_timeline_map;
  widget_class->unmap = cancel_gtk_timeline_unmap;
  widget_class->query_tooltip = cancel_gtk_timeline_query_tooltip;

  /**
   * CancelGtkTimeline::scope-activated:
   * @self: the timeline
   * @scope: the operation whose bar was clicked
   *
   * Emitted on the GTK thread when a bar is clicked.
   */
  signals[SCOPE_ACTIVATED] =
    g_signal_new ("scope-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CANCEL_TYPE_SCOPE);

  gtk_widget_class_set_css_name (widget_class, "canceltimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cancel_gtk_timeline_init (CancelGtkTimeline *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->span = self->max_span = DEFAULT_SPAN;
  self->lanes = g_ptr_array_new_with_free_func (g_object_unref);

  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Timeline of operations"),
                                  -1);
}
