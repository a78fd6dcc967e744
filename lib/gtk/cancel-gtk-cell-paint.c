/* cancel-gtk-cell-paint.c: what a cell of the monitor draws
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-cell-paint-private.h"

/* The bar: a rounded trough of 72 × 8 px in the text's colour at 15 %,
 * filled in the theme's accent colour (libadwaita's look; GTK 4.8's own
 * theme draws its bars thinner). */
#define BAR_WIDTH     72
#define BAR_HEIGHT    8
#define ICON_SIZE     16
#define SPACING       6
/* Adwaita's dim-label. */
#define SECONDARY_ALPHA 0.55f
#define PULSE_STEP    0.1
#define PULSE_BLOCK   0.25

void
_cancel_gtk_cell_paint_clear (CancelGtkCellPaint *paint)
{
  g_clear_pointer (&paint->text, g_free);
  g_clear_object (&paint->layout);
  g_clear_object (&paint->icon);
}

static PangoLayout *
ensure_layout (CancelGtkCellPaint *paint,
               GtkWidget          *widget)
{
  PangoAttrList *attrs;

  if (paint->layout != NULL)
    return paint->layout;

  paint->layout = gtk_widget_create_pango_layout (widget, paint->text);
  pango_layout_set_ellipsize (paint->layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_single_paragraph_mode (paint->layout, TRUE);

  attrs = pango_attr_list_new ();
  if (paint->secondary)
    pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  if (paint->numeric)
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (paint->layout, attrs);
  pango_attr_list_unref (attrs);

  return paint->layout;
}

void
_cancel_gtk_cell_paint_set_text (CancelGtkCellPaint *paint,
                                 GtkWidget          *widget,
                                 const char         *text)
{
  /* Rows are refreshed several times a second: skip what did not change. */
  if (g_strcmp0 (paint->text, text) == 0)
    return;

  g_free (paint->text);
  paint->text = g_strdup (text);
  if (paint->layout != NULL)
    pango_layout_set_text (paint->layout, text != NULL ? text : "", -1);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text != NULL ? text : "",
                                  -1);
  gtk_widget_queue_draw (widget);
}

void
_cancel_gtk_cell_paint_set_look (CancelGtkCellPaint *paint,
                                 GtkWidget          *widget,
                                 CancelGtkLook       look)
{
  if (paint->look == look)
    return;

  paint->look = look;
  g_clear_object (&paint->icon);
  gtk_widget_queue_draw (widget);
}

void
_cancel_gtk_cell_paint_set_fraction (CancelGtkCellPaint *paint,
                                     GtkWidget          *widget,
                                     double              fraction)
{
  fraction = CLAMP (fraction, 0.0, 1.0);
  if (!paint->pulsing && paint->fraction == fraction)
    return;

  paint->fraction = fraction;
  paint->pulsing = FALSE;
  gtk_widget_queue_draw (widget);
}

void
_cancel_gtk_cell_paint_pulse (CancelGtkCellPaint *paint,
                              GtkWidget          *widget)
{
  if (!paint->pulsing)
    {
      paint->pulsing = TRUE;
      paint->pulse = 0.0;
      paint->pulse_back = FALSE;
    }
  else if (paint->pulse_back)
    {
      paint->pulse -= PULSE_STEP;
      if (paint->pulse <= 0.0)
        {
          paint->pulse = 0.0;
          paint->pulse_back = FALSE;
        }
    }
  else
    {
      paint->pulse += PULSE_STEP;
      if (paint->pulse >= 1.0 - PULSE_BLOCK)
        {
          paint->pulse = 1.0 - PULSE_BLOCK;
          paint->pulse_back = TRUE;
        }
    }

  gtk_widget_queue_draw (widget);
}

/* The font's average character and line, as GtkInscription measures
 * them; kept until the style changes. */
static void
ensure_metrics (CancelGtkCellPaint *paint,
                GtkWidget          *widget)
{
  PangoFontMetrics *metrics;
  int char_width, digit_width;

  if (paint->char_width > 0)
    return;

  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (widget), NULL, NULL);
  char_width = pango_font_metrics_get_approximate_char_width (metrics);
  digit_width = pango_font_metrics_get_approximate_digit_width (metrics);
  paint->char_width = MAX (1, PANGO_PIXELS_CEIL (MAX (char_width, digit_width)));
  paint->line_height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics) +
                                          pango_font_metrics_get_descent (metrics));
  pango_font_metrics_unref (metrics);
}

static int
lead_width (CancelGtkCellPaint *paint)
{
  if (paint->has_bar)
    return BAR_WIDTH + SPACING;
  if (paint->has_icon)
    return ICON_SIZE + SPACING;
  return 0;
}

void
_cancel_gtk_cell_paint_measure (CancelGtkCellPaint *paint,
                                GtkWidget          *widget,
                                GtkOrientation      orientation,
                                int                *minimum,
                                int                *natural)
{
  ensure_metrics (paint, widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As the inscriptions the cells held: three characters at least. */
      *minimum = lead_width (paint) + 3 * paint->char_width;
      *natural = lead_width (paint) + MAX (3u, paint->nat_chars) * paint->char_width;
    }
  else
    {
      *minimum = *natural = MAX (paint->line_height,
                                 paint->has_icon ? ICON_SIZE : paint->has_bar ? BAR_HEIGHT : 0);
    }
}

static void
get_foreground (GtkWidget *widget,
                GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}

/* The leading part's box, mirrored in right-to-left locales. */
static graphene_rect_t
lead_rect (GtkWidget *widget,
           float      width,
           float      height)
{
  float x = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL
            ? gtk_widget_get_width (widget) - width : 0.0f;

  return GRAPHENE_RECT_INIT (x, floorf ((gtk_widget_get_height (widget) - height) / 2.0f),
                             width, height);
}

static void
snapshot_icon (CancelGtkCellPaint *paint,
               GtkWidget          *widget,
               GtkSnapshot        *snapshot)
{
  graphene_rect_t box = lead_rect (widget, ICON_SIZE, ICON_SIZE);
  int scale = gtk_widget_get_scale_factor (widget);
  GdkRGBA color;

  /* Looked up again after a theme change (_cancel_gtk_cell_paint_theme_
   * changed) and for another scale. */
  if (paint->icon != NULL && paint->icon_scale != scale)
    g_clear_object (&paint->icon);
  if (paint->icon == NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

      paint->icon = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, _cancel_gtk_look_icon_name (paint->look),
                                                               NULL, ICON_SIZE, scale,
                                                               gtk_widget_get_direction (widget), 0));
      paint->icon_scale = scale;
    }

  /* A symbolic icon in the status colour. */
  _cancel_gtk_look_icon_color (paint->look, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &box.origin);
  if (GTK_IS_SYMBOLIC_PAINTABLE (paint->icon))
    gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (paint->icon), snapshot,
                                              ICON_SIZE, ICON_SIZE, &color, 1);
  else
    gdk_paintable_snapshot (paint->icon, snapshot, ICON_SIZE, ICON_SIZE);
  gtk_snapshot_restore (snapshot);
}

/* The list marks the row and its column view cells as selected: the
 * cell's parent, or its grandparent for a name cell inside its tree
 * expander, and the row above. */
static gboolean
is_selected (GtkWidget *widget)
{
  guint i;

  for (i = 0; widget != NULL && i < 4; i++, widget = gtk_widget_get_parent (widget))
    if (gtk_widget_get_state_flags (widget) & GTK_STATE_FLAG_SELECTED)
      return TRUE;

  return FALSE;
}

/* The fill is the accent colour. libadwaita names it and tints selected
 * rows; GTK 4.8's own theme has only the selection's colour, which it
 * paints selected rows with: there a selected row's fill takes the
 * text's colour, or it would not show. */
static void
get_fill (GtkWidget *widget,
          GdkRGBA   *color)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (gtk_style_context_lookup_color (context, "accent_bg_color", color))
    return;
  if (is_selected (widget))
    get_foreground (widget, color);
  else if (!gtk_style_context_lookup_color (context, "theme_selected_bg_color", color))
    gdk_rgba_parse (color, "#3584e4");
}

static void
append_pill (GtkSnapshot           *snapshot,
             const graphene_rect_t *bounds,
             const GdkRGBA         *color)
{
  GskRoundedRect pill;
  float radius = MIN (bounds->size.width, bounds->size.height) / 2.0f;

  gsk_rounded_rect_init_from_rect (&pill, bounds, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, color, bounds);
  gtk_snapshot_pop (snapshot);
}

static void
snapshot_bar (CancelGtkCellPaint *paint,
              GtkWidget          *widget,
              GtkSnapshot        *snapshot)
{
  graphene_rect_t trough = lead_rect (widget, BAR_WIDTH, BAR_HEIGHT);
  graphene_rect_t fill = trough;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GdkRGBA color;
  double start, length;
  float offset;

  /* The trough, in the text's colour. */
  get_foreground (widget, &color);
  color.alpha *= 0.15f;
  append_pill (snapshot, &trough, &color);

  if (paint->pulsing)
    {
      start = paint->pulse;
      length = PULSE_BLOCK;
    }
  else
    {
      start = 0.0;
      length = paint->fraction;
    }
  if (length <= 0.0)
    return;

  /* From the start of the trough: its right end in right-to-left locales. */
  fill.size.width = MAX ((float) (length * BAR_WIDTH), (float) BAR_HEIGHT);
  offset = (float) (start * BAR_WIDTH);
  fill.origin.x = rtl ? trough.origin.x + BAR_WIDTH - offset - fill.size.width
                      : trough.origin.x + offset;

  get_fill (widget, &color);
  append_pill (snapshot, &fill, &color);
}

/* As GtkInscription aligns its text, mirrored in right-to-left locales. */
static PangoAlignment
alignment_of (CancelGtkCellPaint *paint,
              GtkWidget          *widget)
{
  gboolean ltr = gtk_widget_get_direction (widget) != GTK_TEXT_DIR_RTL;

  if (paint->xalign < 0.33f)
    return ltr ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
  if (paint->xalign < 0.67f)
    return PANGO_ALIGN_CENTER;
  return ltr ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

static void
snapshot_text (CancelGtkCellPaint *paint,
               GtkWidget          *widget,
               GtkSnapshot        *snapshot)
{
  PangoLayout *layout = ensure_layout (paint, widget);
  int lead = lead_width (paint);
  int width = gtk_widget_get_width (widget) - lead;
  float x = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL ? 0.0f : (float) lead;
  PangoRectangle logical;
  GdkRGBA color;

  if (width <= 0)
    return;

  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_alignment (layout, alignment_of (paint, widget));
  pango_layout_get_pixel_extents (layout, NULL, &logical);

  get_foreground (widget, &color);
  if (paint->secondary)
    color.alpha *= SECONDARY_ALPHA;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (x, floorf ((gtk_widget_get_height (widget) - logical.height) / 2.0f)));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

void
_cancel_gtk_cell_paint_snapshot (CancelGtkCellPaint *paint,
                                 GtkWidget          *widget,
                                 GtkSnapshot        *snapshot)
{
  if (paint->has_bar)
    snapshot_bar (paint, widget, snapshot);
  else if (paint->has_icon && paint->text != NULL)
    snapshot_icon (paint, widget, snapshot);

  if (paint->text != NULL && paint->text[0] != '\0')
    snapshot_text (paint, widget, snapshot);
}

void
_cancel_gtk_cell_paint_style_changed (CancelGtkCellPaint *paint)
{
  paint->char_width = 0;
  g_clear_object (&paint->icon);
  if (paint->layout != NULL)
    pango_layout_context_changed (paint->layout);
}

void
_cancel_gtk_cell_paint_theme_changed (CancelGtkCellPaint *paint,
                                      GtkWidget          *widget)
{
  if (paint->icon == NULL)
    return;

  g_clear_object (&paint->icon);
  gtk_widget_queue_draw (widget);
}

GdkPaintable *
_cancel_gtk_cell_paint_get_icon (CancelGtkCellPaint *paint)
{
  return paint->icon;
}

gboolean
_cancel_gtk_cell_paint_is_ellipsized (CancelGtkCellPaint *paint)
{
  return paint->layout != NULL && pango_layout_is_ellipsized (paint->layout);
}
