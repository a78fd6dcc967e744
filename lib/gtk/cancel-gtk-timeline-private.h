/* cancel-gtk-timeline-private.h: operations over time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_TIMELINE (cancel_gtk_timeline_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkTimeline, cancel_gtk_timeline, CANCEL_GTK, TIMELINE, GtkWidget)

GtkWidget   *_cancel_gtk_timeline_new           (void);
void         _cancel_gtk_timeline_set_registry  (CancelGtkTimeline *self,
                                                 CancelRegistry    *registry);
/* The longest time shown while the span fits the rows (before the user
 * zooms), in µs; the right edge is now, or the end of the last operation
 * when none runs. */
void         _cancel_gtk_timeline_set_span      (CancelGtkTimeline *self,
                                                 gint64             span);
/* The operation highlighted as selected (the monitor's selection). */
void         _cancel_gtk_timeline_set_selected  (CancelGtkTimeline *self,
                                                 CancelScope       *scope);
CancelScope *_cancel_gtk_timeline_get_selected  (CancelGtkTimeline *self);

/* For tests and the benchmark, about the last frame drawn: */
/* the scopes drawn, top to bottom; */
GPtrArray   *_cancel_gtk_timeline_get_lanes     (CancelGtkTimeline *self);
/* where the bar of @scope is, in widget coordinates (FALSE if no row); */
gboolean     _cancel_gtk_timeline_get_bar       (CancelGtkTimeline *self,
                                                 CancelScope       *scope,
                                                 graphene_rect_t   *bar);
/* the times at the left and right edges (monotonic µs); */
void         _cancel_gtk_timeline_get_visible_range (CancelGtkTimeline *self,
                                                     gint64            *from,
                                                     gint64            *to);
/* the text shown instead of rows, NULL when rows are shown; */
const char  *_cancel_gtk_timeline_get_empty_text (CancelGtkTimeline *self);
/* the tooltip at (@x, @y), as query-tooltip sets it, or NULL. */
char        *_cancel_gtk_timeline_get_tooltip_markup (CancelGtkTimeline *self,
                                                      double             x,
                                                      double             y);
/* Whether the right edge follows now (the user did not move away). */
gboolean     _cancel_gtk_timeline_get_following (CancelGtkTimeline *self);
/* How many snapshots were taken. */
guint        _cancel_gtk_timeline_get_n_draws   (CancelGtkTimeline *self);
/* Whether time moves the picture: a tick callback is installed. */
gboolean     _cancel_gtk_timeline_get_scrolling (CancelGtkTimeline *self);

G_END_DECLS
