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

GtkWidget *_cancel_gtk_timeline_new           (void);
void       _cancel_gtk_timeline_set_registry  (CancelGtkTimeline *self,
                                               CancelRegistry    *registry);
/* The time shown, from the right edge (now, or the end of the last
 * operation when none runs) to the left one, in µs. */
void       _cancel_gtk_timeline_set_span      (CancelGtkTimeline *self,
                                               gint64             span);
/* The scopes drawn by the last snapshot, top to bottom (for tests). */
GPtrArray *_cancel_gtk_timeline_get_lanes     (CancelGtkTimeline *self);
/* How many snapshots were taken (for tests and the benchmark). */
guint      _cancel_gtk_timeline_get_n_draws   (CancelGtkTimeline *self);
/* Whether the next frame of scrolling is due (operations run). */
gboolean   _cancel_gtk_timeline_get_scrolling (CancelGtkTimeline *self);

G_END_DECLS
