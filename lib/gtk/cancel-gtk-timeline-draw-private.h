/* cancel-gtk-timeline-draw-private.h: how the timeline draws a view
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

/* The strip with the legend (and the "Jump to Now" button) on top, the
 * rows, the time axis at the bottom. */
#define CANCEL_GTK_TIMELINE_HEADER_HEIGHT 30
#define CANCEL_GTK_TIMELINE_ROW_HEIGHT    24
#define CANCEL_GTK_TIMELINE_AXIS_HEIGHT   22

/* What one frame shows. Times are monotonic µs. */
typedef struct
{
  gint64      right;        /* the time at the right edge */
  gint64      span;         /* the time the width shows */
  gint64      now;          /* where live bars end */
  gboolean    at_now;       /* the right edge is now */
  int         width;
  int         height;
  int         legend_width; /* room for the legend, from the left */
  GArray     *rows;         /* of CancelGtkTimelineRow, top to bottom */
  guint       n_rows;       /* rows in all, some maybe not collected */
  guint       first_row;    /* the row at the top (vertical scrolling) */
  guint       selected;     /* a row index, or G_MAXUINT */
  guint       hovered;
  guint       cursor;       /* the keyboard's row while focused, or G_MAXUINT */
  const char *empty_text;   /* drawn when no row is */
} CancelGtkTimelineView;

/* How many rows fit in @height. */
guint  _cancel_gtk_timeline_view_n_visible (int                          height);
float  _cancel_gtk_timeline_view_x         (const CancelGtkTimelineView *view,
                                            gint64                       time);
/* The row under @y, or G_MAXUINT. */
guint  _cancel_gtk_timeline_view_row_at    (const CancelGtkTimelineView *view,
                                            double                       y);
/* Where the bar of @row is drawn, in widget coordinates (its width may
 * be 0 when it lies outside the time shown). FALSE if the row is not. */
gboolean _cancel_gtk_timeline_view_bar     (const CancelGtkTimelineView *view,
                                            guint                        row,
                                            graphene_rect_t             *bar);

void   _cancel_gtk_timeline_draw           (GtkWidget                   *widget,
                                            GtkSnapshot                 *snapshot,
                                            const CancelGtkTimelineView *view);

/* A monotonic time as a wall-clock time: "14:03:07", with tenths when
 * @precise ("14:03:07.4"). */
char  *_cancel_gtk_timeline_format_clock   (gint64                       time,
                                            gboolean                     precise);
/* The tooltip of @scope (Pango markup): name, status, reason, times. */
char  *_cancel_gtk_timeline_describe       (CancelScope                 *scope,
                                            gint64                       now);

G_END_DECLS
