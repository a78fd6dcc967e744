/* cancel-gtk-timeline-state-private.h: the timeline's state, shared by
 * cancel-gtk-timeline.c (the widget, time) and cancel-gtk-timeline-input.c
 * (what the pointer and the keys do to the view)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-gtk-timeline-draw-private.h"
#include "cancel-gtk-timeline-private.h"
#include "cancel-gtk-timeline-rows-private.h"

G_BEGIN_DECLS

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
  double          row_scroll;  /* rows scrolled but not yet moved by */

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

/* cancel-gtk-timeline.c */
gint64       _cancel_gtk_timeline_get_follow_right (CancelGtkTimeline *self,
                                                    gint64             now,
                                                    gboolean          *at_now);
void         _cancel_gtk_timeline_set_follow       (CancelGtkTimeline *self,
                                                    gboolean           follow);
/* The row of @scope in the last frame, or G_MAXUINT. */
guint        _cancel_gtk_timeline_row_of           (CancelGtkTimeline *self,
                                                    CancelScope       *scope);
/* Selects @scope and emits ::scope-activated. */
void         _cancel_gtk_timeline_activate         (CancelGtkTimeline *self,
                                                    CancelScope       *scope);

/* cancel-gtk-timeline-input.c */
CancelScope *_cancel_gtk_timeline_scope_at         (CancelGtkTimeline *self,
                                                    double             y);
void         _cancel_gtk_timeline_class_init_input (GtkWidgetClass    *widget_class);
void         _cancel_gtk_timeline_init_input       (CancelGtkTimeline *self);

G_END_DECLS
