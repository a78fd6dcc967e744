/* cancel-gtk-cell-paint-private.h: what a cell of the monitor draws
 *
 * A cell draws its text, its status icon and its progress bar itself
 * rather than holding a label, an image and a progress bar: under churn
 * GTK 4.8 builds ~200 rows a second, and every widget of a row is one
 * more CSS node to style and one more size to measure each time the
 * column view invalidates a column (docs/benchmarks.md, "drawn cells").
 *
 * GTK thread only, like the cell that embeds it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cancel-gtk-style-private.h"

G_BEGIN_DECLS

typedef struct
{
  /* Set once, by the cell's kind */
  float          xalign;
  guint          nat_chars;     /* the natural width, in average characters */
  gboolean       has_icon;      /* a status icon before the text */
  gboolean       has_bar;       /* a progress bar before the text */
  gboolean       secondary;     /* dimmed and smaller, as "dim-label caption" */
  gboolean       numeric;       /* tabular digits, so numbers do not jitter */

  char          *text;
  PangoLayout   *layout;        /* made when first needed */
  int            char_width;    /* pixels, from the font's metrics; 0: unknown */
  int            line_height;

  CancelGtkLook  look;
  GdkPaintable  *icon;          /* of look; looked up when drawn */
  int            icon_scale;    /* the scale it was looked up for */

  double         fraction;      /* 0 to 1 */
  gboolean       pulsing;       /* unknown progress: a block moves to and fro */
  double         pulse;         /* the block's place, 0 to 1 */
  gboolean       pulse_back;
} CancelGtkCellPaint;

void      _cancel_gtk_cell_paint_clear          (CancelGtkCellPaint *paint);

/* Each does nothing when nothing changed; a change queues a redraw of
 * @widget, never a resize (the text's width does not change the cell's
 * size), and a new text is also @widget's accessible label. */
void      _cancel_gtk_cell_paint_set_text       (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget,
                                                 const char         *text);
void      _cancel_gtk_cell_paint_set_look       (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget,
                                                 CancelGtkLook       look);
void      _cancel_gtk_cell_paint_set_fraction   (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget,
                                                 double              fraction);
/* Moves the pulsing block one step: nothing moves between two calls, so
 * a pulsing cell asks for no frame of its own. */
void      _cancel_gtk_cell_paint_pulse          (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget);

void      _cancel_gtk_cell_paint_measure        (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget,
                                                 GtkOrientation      orientation,
                                                 int                *minimum,
                                                 int                *natural);
void      _cancel_gtk_cell_paint_snapshot       (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget,
                                                 GtkSnapshot        *snapshot);
/* From the widget's css_changed: the font or the direction (which the
 * icon is looked up for) may differ. */
void      _cancel_gtk_cell_paint_style_changed  (CancelGtkCellPaint *paint);
/* From the widget's system_setting_changed, for the icon theme: no CSS
 * change tells a widget that the theme's icons changed. */
void      _cancel_gtk_cell_paint_theme_changed  (CancelGtkCellPaint *paint,
                                                 GtkWidget          *widget);
/* The status icon as last drawn, NULL if none yet (tests). */
GdkPaintable *_cancel_gtk_cell_paint_get_icon   (CancelGtkCellPaint *paint);

/* Whether the text, as last drawn, did not fit (tests). */
gboolean  _cancel_gtk_cell_paint_is_ellipsized  (CancelGtkCellPaint *paint);

G_END_DECLS
