/* cancel-gtk-timeline-draw.c: how the timeline draws a view
 *
 * As Sysprof draws its marks: one row per operation, a rounded bar from
 * its start to its end (or to now while it runs) in the colour of its
 * status, its name on the bar when most of it fits there, else beside
 * the bar, else not at all. A child's row hangs under its parent's by a
 * thin bracket. The axis below labels wall-clock times, so that a picture
 * that stopped moving (nothing runs) stays true without being redrawn.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-style-private.h"
#include "cancel-gtk-timeline-draw-private.h"
#include "cancel-gtk-timeline-rows-private.h"

#define HEADER  CANCEL_GTK_TIMELINE_HEADER_HEIGHT
#define ROW     CANCEL_GTK_TIMELINE_ROW_HEIGHT
#define AXIS    CANCEL_GTK_TIMELINE_AXIS_HEIGHT
#define BAR_PAD 2     /* between a bar and its row's edges */
#define TEXT_PAD 4    /* between a bar's edge and its label */
#define MIN_GRID_PX 110

guint
_cancel_gtk_timeline_view_n_visible (int height)
{
  return height > HEADER + AXIS ? (guint) (height - HEADER - AXIS) / ROW : 0;
}

float
_cancel_gtk_timeline_view_x (const CancelGtkTimelineView *view,
                             gint64                       time)
{
  return view->width - (float) (view->right - time) * view->width / (float) view->span;
}

guint
_cancel_gtk_timeline_view_row_at (const CancelGtkTimelineView *view,
                                  double                       y)
{
  guint row;

  if (y < HEADER || y >= view->height - AXIS || view->rows == NULL)
    return G_MAXUINT;

  row = view->first_row + (guint) ((y - HEADER) / ROW);
  return row < view->rows->len ? row : G_MAXUINT;
}

static float
row_y (const CancelGtkTimelineView *view,
       guint                        row)
{
  return HEADER + (float) (row - view->first_row) * ROW;
}

gboolean
_cancel_gtk_timeline_view_bar (const CancelGtkTimelineView *view,
                               guint                        row,
                               graphene_rect_t             *bar)
{
  CancelGtkTimelineRow *r;
  gint64 end;
  float x0, x1;

  if (view->rows == NULL || row < view->first_row || row >= view->rows->len ||
      row - view->first_row >= _cancel_gtk_timeline_view_n_visible (view->height))
    return FALSE;

  r = &g_array_index (view->rows, CancelGtkTimelineRow, row);
  end = cancel_scope_get_end_time (r->scope);
  x0 = _cancel_gtk_timeline_view_x (view, _cancel_gtk_timeline_scope_start (r->scope, view->now));
  x1 = _cancel_gtk_timeline_view_x (view, end > 0 ? end : view->now);

  /* Clipped to the width; an instant is a sliver, not nothing. */
  x0 = CLAMP (x0, 0.0f, (float) view->width);
  x1 = CLAMP (MAX (x1, x0 + 3.0f), 0.0f, (float) view->width);
  graphene_rect_init (bar, x0, row_y (view, row) + BAR_PAD, x1 - x0, ROW - 2 * BAR_PAD);

  return TRUE;
}

/* Text */

/* @wall in µs since the epoch. */
static char *
format_wall_clock (gint64   wall,
                   gboolean precise)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (wall / G_USEC_PER_SEC);
  g_autofree char *seconds = NULL;

  if (date == NULL)
    return g_strdup ("");

  seconds = g_date_time_format (date, "%H:%M:%S");
  if (!precise)
    return g_steal_pointer (&seconds);

  /* Translators: a time of day with tenths of a second: "14:03:07.4" */
  return g_strdup_printf (C_("clock", "%s.%d"), seconds, (int) (wall % G_USEC_PER_SEC / 100000));
}

char *
_cancel_gtk_timeline_format_clock (gint64   time,
                                   gboolean precise)
{
  return format_wall_clock (time + (g_get_real_time () - g_get_monotonic_time ()), precise);
}

char *
_cancel_gtk_timeline_describe (CancelScope *scope,
                               gint64       now)
{
  GString *text = g_string_new (NULL);
  g_autofree char *name = _cancel_gtk_format_scope_name (scope);
  g_autofree char *cause = _cancel_gtk_describe_cause (scope);
  g_autofree char *reason = _cancel_gtk_format_reason (scope);
  g_autoptr(GError) error = cancel_scope_dup_error (scope);
  gint64 start = cancel_scope_get_start_time (scope);
  gint64 end = cancel_scope_get_end_time (scope);
  gint64 cancel_time = cancel_scope_get_cancel_time (scope);
  g_autofree char *duration = _cancel_gtk_format_duration (start > 0 ? (end > 0 ? end : now) - start : 0);

  _cancel_gtk_i18n_init ();

  g_string_append_printf (text, _("Status: %s"), _cancel_gtk_format_status (scope));
  if (cause != NULL)
    g_string_append_printf (text, "\n%s", cause);
  else if (reason != NULL)
    g_string_append_printf (text, "\n%s", reason);
  if (error != NULL && cause == NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Error: %s"), error->message);
    }

  if (start > 0)
    {
      g_autofree char *clock = _cancel_gtk_timeline_format_clock (start, TRUE);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Started at %s"), clock);
    }
  if (cancel_time > 0)
    {
      g_autofree char *clock = _cancel_gtk_timeline_format_clock (cancel_time, TRUE);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Cancel requested at %s"), clock);
    }
  if (end > 0)
    {
      g_autofree char *clock = _cancel_gtk_timeline_format_clock (end, TRUE);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Ended at %s, after %s"), clock, duration);
    }
  else if (start > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Running for %s"), duration);
    }

  /* Names and messages come from the application: escaped. */
  {
    char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s", name, text->str);

    g_string_free (text, TRUE);
    return markup;
  }
}

/* Colours */

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}

/* The selection's colour: the theme's accent, as list rows use it. */
static void
get_accent (GtkWidget *widget,
            GdkRGBA   *color)
{
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_bg_color", color))
    gdk_rgba_parse (color, "#3584e4");
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

/* Dark text on light bars (completed, cancelling, cancelled, pending),
 * white on dark ones, as GNOME's own coloured pills do. */
static GdkRGBA
text_on (const GdkRGBA *bar)
{
  static const GdkRGBA dark = { 0, 0, 0, 0.8f };
  static const GdkRGBA light = { 1, 1, 1, 1 };
  float luminance = 0.2126f * bar->red + 0.7152f * bar->green + 0.0722f * bar->blue;

  return luminance > 0.5f ? dark : light;
}

static PangoLayout *
create_layout (GtkWidget  *widget,
               const char *text,
               gboolean    small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return layout;
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  float          x,
                  float          y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_rounded (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                float                  radius,
                const GdkRGBA         *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, MIN (radius, rect->size.width / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

/* The legend: a swatch and a name for each status shown. */

static const char *
look_name (CancelGtkLook look)
{
  static const CancelStatus statuses[CANCEL_GTK_N_LOOKS] = {
    [CANCEL_GTK_LOOK_PENDING]   = CANCEL_STATUS_PENDING,
    [CANCEL_GTK_LOOK_RUNNING]   = CANCEL_STATUS_RUNNING,
    [CANCEL_GTK_LOOK_SHIELDED]  = CANCEL_STATUS_SHIELDED,
    [CANCEL_GTK_LOOK_COMPLETED] = CANCEL_STATUS_COMPLETED,
    [CANCEL_GTK_LOOK_CANCELLED] = CANCEL_STATUS_CANCELLED,
    [CANCEL_GTK_LOOK_TIMED_OUT] = CANCEL_STATUS_TIMED_OUT,
    [CANCEL_GTK_LOOK_FAILED]    = CANCEL_STATUS_FAILED,
  };

  if (look == CANCEL_GTK_LOOK_CANCELLING)
    return C_("status", "Cancelling");

  return cancel_status_get_display_name (statuses[look]);
}

static void
snapshot_legend (GtkWidget                   *widget,
                 GtkSnapshot                 *snapshot,
                 const CancelGtkTimelineView *view,
                 guint                        looks,
                 const GdkRGBA               *foreground)
{
  GdkRGBA text = with_alpha (foreground, 0.8f);
  float x = 8;
  guint look;

  for (look = 0; look < CANCEL_GTK_N_LOOKS; look++)
    {
      g_autoptr(PangoLayout) layout = NULL;
      GdkRGBA color;
      int text_width, text_height;

      if ((looks & (1u << look)) == 0)
        continue;

      layout = create_layout (widget, look_name (look), TRUE);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);

      /* What does not fit is left out whole, never cut. */
      if (x + 14 + text_width > view->legend_width)
        break;

      _cancel_gtk_look_color (look, &color);
      append_rounded (snapshot, &GRAPHENE_RECT_INIT (x, (HEADER - 10) / 2.0f, 10, 10), 3, &color);
      append_layout_at (snapshot, layout, x + 14, (HEADER - text_height) / 2.0f, &text);
      x += 14 + text_width + 14;
    }
}

/* The axis */

static gint64
grid_step (const CancelGtkTimelineView *view)
{
  static const gint64 steps_ms[] = {
    100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000,
    60000, 120000, 300000, 600000, 900000, 1800000, 3600000,
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (steps_ms); i++)
    {
      gint64 step = steps_ms[i] * 1000;

      if ((double) step * view->width / view->span >= MIN_GRID_PX)
        return step;
    }

  return (gint64) 3600 * G_USEC_PER_SEC;
}

static void
snapshot_axis (GtkWidget                   *widget,
               GtkSnapshot                 *snapshot,
               const CancelGtkTimelineView *view,
               const GdkRGBA               *foreground)
{
  GdkRGBA line = with_alpha (foreground, 0.1f);
  GdkRGBA text = with_alpha (foreground, 0.65f);
  gint64 step = grid_step (view);
  /* Lines at whole wall-clock steps: they move with the bars. */
  gint64 offset = g_get_real_time () - g_get_monotonic_time ();
  gint64 left_wall = view->right - view->span + offset;
  gint64 wall;
  float axis_y = view->height - AXIS;
  float right_limit = view->width;

  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (0, axis_y, view->width, 1));

  /* The right edge says when it is now: "in the last 1:00" reads off it. */
  if (view->at_now)
    {
      g_autoptr(PangoLayout) layout = create_layout (widget, C_("timeline", "Now"), TRUE);
      int text_width, text_height;

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      right_limit = view->width - text_width - 12;
      append_layout_at (snapshot, layout, view->width - text_width - 4,
                        axis_y + (AXIS - text_height) / 2.0f + 1, &text);
    }

  for (wall = (left_wall / step + 1) * step; wall <= view->right + offset; wall += step)
    {
      float x = _cancel_gtk_timeline_view_x (view, wall - offset);
      g_autofree char *label = format_wall_clock (wall, step < G_USEC_PER_SEC);
      g_autoptr(PangoLayout) layout = create_layout (widget, label, TRUE);
      int text_width, text_height;

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, HEADER, 1, axis_y - HEADER + 4));

      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      if (x - text_width / 2.0f < 0 || x + text_width / 2.0f > right_limit)
        continue;

      append_layout_at (snapshot, layout, x - text_width / 2.0f,
                        axis_y + (AXIS - text_height) / 2.0f + 1, &text);
    }
}

static void
snapshot_empty (GtkWidget                   *widget,
                GtkSnapshot                 *snapshot,
                const CancelGtkTimelineView *view,
                const GdkRGBA               *foreground)
{
  g_autoptr(PangoLayout) layout = create_layout (widget, view->empty_text, FALSE);
  GdkRGBA text = with_alpha (foreground, 0.55f);
  int text_width, text_height;

  pango_layout_set_width (layout, MAX (view->width - 24, 1) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  append_layout_at (snapshot, layout, 12,
                    HEADER + (view->height - HEADER - AXIS - text_height) / 2.0f, &text);
}

/* Rows */

/* The bracket from a parent's bar down to its child's. */
static void
snapshot_nesting (GtkSnapshot                 *snapshot,
                  const CancelGtkTimelineView *view,
                  guint                        row,
                  const graphene_rect_t       *bar,
                  const GdkRGBA               *color)
{
  CancelGtkTimelineRow *r = &g_array_index (view->rows, CancelGtkTimelineRow, row);
  float x = MAX (bar->origin.x - 5, 1.0f);
  float top, mid = bar->origin.y + bar->size.height / 2;

  if (r->parent == G_MAXUINT)
    return;

  top = r->parent >= view->first_row ? row_y (view, r->parent) + ROW - BAR_PAD : HEADER;
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, top, 1, mid - top));
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, mid, bar->origin.x - x, 1));
}

static void
snapshot_label (GtkWidget                   *widget,
                GtkSnapshot                 *snapshot,
                const CancelGtkTimelineView *view,
                CancelScope                 *scope,
                const graphene_rect_t       *bar,
                const GdkRGBA               *bar_color,
                const GdkRGBA               *foreground)
{
  g_autofree char *name = _cancel_gtk_format_scope_name (scope);
  g_autoptr(PangoLayout) layout = create_layout (widget, name, FALSE);
  float inside = bar->size.width - 2 * TEXT_PAD;
  float outside = view->width - (bar->origin.x + bar->size.width) - 2 * TEXT_PAD;
  int text_width, text_height;
  GdkRGBA color;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  /* Inside when most of it fits, as Sysprof does; else beside the bar
   * when there is more room there; else as much as fits inside. */
  if (inside >= 0.75f * text_width || (inside >= outside && inside >= 24))
    {
      pango_layout_set_width (layout, (int) inside * PANGO_SCALE);
      color = text_on (bar_color);
      append_layout_at (snapshot, layout, bar->origin.x + TEXT_PAD,
                        bar->origin.y + (bar->size.height - text_height) / 2, &color);
    }
  else if (outside >= 24)
    {
      pango_layout_set_width (layout, (int) outside * PANGO_SCALE);
      color = with_alpha (foreground, 0.85f);
      append_layout_at (snapshot, layout, bar->origin.x + bar->size.width + TEXT_PAD,
                        bar->origin.y + (bar->size.height - text_height) / 2, &color);
    }
}

static void
snapshot_row (GtkWidget                   *widget,
              GtkSnapshot                 *snapshot,
              const CancelGtkTimelineView *view,
              guint                        row,
              const GdkRGBA               *foreground,
              const GdkRGBA               *accent)
{
  CancelGtkTimelineRow *r = &g_array_index (view->rows, CancelGtkTimelineRow, row);
  gint64 cancel_time = cancel_scope_get_cancel_time (r->scope);
  graphene_rect_t bar, full = GRAPHENE_RECT_INIT (0, row_y (view, row), view->width, ROW);
  GdkRGBA color, line = with_alpha (foreground, 0.35f);

  if (row == view->selected)
    {
      GdkRGBA selected = with_alpha (accent, 0.25f);
      gtk_snapshot_append_color (snapshot, &selected, &full);
    }
  else if (row == view->hovered)
    {
      GdkRGBA hovered = with_alpha (foreground, 0.05f);
      gtk_snapshot_append_color (snapshot, &hovered, &full);
    }

  if (row == view->cursor)
    {
      GskRoundedRect outline;
      GdkRGBA focus = with_alpha (foreground, 0.6f);
      const GdkRGBA colors[4] = { focus, focus, focus, focus };
      const float widths[4] = { 1, 1, 1, 1 };

      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (1, full.origin.y, view->width - 2, ROW), 4);
      gtk_snapshot_append_border (snapshot, &outline, widths, colors);
    }

  if (!_cancel_gtk_timeline_view_bar (view, row, &bar))
    return;

  snapshot_nesting (snapshot, view, row, &bar, &line);

  /* Out of the time shown: the row stays, for the nesting, with no bar. */
  if (bar.size.width <= 0 || bar.origin.x >= view->width)
    return;

  _cancel_gtk_look_color (_cancel_gtk_look_for_scope (r->scope), &color);
  append_rounded (snapshot, &bar, 4, &color);

  if (cancel_time > 0)
    {
      float x = _cancel_gtk_timeline_view_x (view, cancel_time);
      static const GdkRGBA mark = { 0, 0, 0, 0.55f };

      if (x >= bar.origin.x && x <= bar.origin.x + bar.size.width)
        gtk_snapshot_append_color (snapshot, &mark,
                                   &GRAPHENE_RECT_INIT (MIN (x, view->width - 2.0f), bar.origin.y, 2, bar.size.height));
    }

  snapshot_label (widget, snapshot, view, r->scope, &bar, &color, foreground);
}

/* Where the rows shown are among all, as an overlay scrollbar shows it:
 * there are more rows than fit. */
static void
snapshot_scroll_indicator (GtkSnapshot                 *snapshot,
                           const CancelGtkTimelineView *view,
                           guint                        n_visible,
                           const GdkRGBA               *foreground)
{
  GdkRGBA thumb = with_alpha (foreground, 0.35f);
  float track = (float) n_visible * ROW - 4;
  float length, offset;

  if (view->n_rows <= n_visible || n_visible == 0)
    return;

  length = MAX (track * n_visible / view->n_rows, 16.0f);
  offset = (track - length) * view->first_row / (view->n_rows - n_visible);
  append_rounded (snapshot, &GRAPHENE_RECT_INIT (view->width - 6, HEADER + 2 + offset, 4, length), 2, &thumb);
}

void
_cancel_gtk_timeline_draw (GtkWidget                   *widget,
                           GtkSnapshot                 *snapshot,
                           const CancelGtkTimelineView *view)
{
  guint n_visible = _cancel_gtk_timeline_view_n_visible (view->height);
  guint looks = 0;
  GdkRGBA foreground, accent;
  guint row;

  get_foreground (widget, &foreground);
  get_accent (widget, &accent);

  snapshot_axis (widget, snapshot, view, &foreground);

  if (view->rows == NULL || view->rows->len == 0)
    {
      snapshot_empty (widget, snapshot, view, &foreground);
      return;
    }

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, HEADER, view->width, n_visible * ROW));
  for (row = view->first_row; row < view->rows->len && row - view->first_row < n_visible; row++)
    {
      CancelScope *scope = g_array_index (view->rows, CancelGtkTimelineRow, row).scope;

      looks |= 1u << _cancel_gtk_look_for_scope (scope);
      snapshot_row (widget, snapshot, view, row, &foreground, &accent);
    }
  gtk_snapshot_pop (snapshot);

  snapshot_scroll_indicator (snapshot, view, n_visible, &foreground);
  snapshot_legend (widget, snapshot, view, looks, &foreground);
}
