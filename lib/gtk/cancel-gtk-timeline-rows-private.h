/* cancel-gtk-timeline-rows-private.h: which operations the timeline
 * shows, in which rows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

typedef struct
{
  CancelScope *scope;   /* owned */
  guint        depth;   /* 0 for a root */
  guint        parent;  /* index of the parent's row; G_MAXUINT for a root */
} CancelGtkTimelineRow;

/* The rows of the operations of @registry (live ones and its @history)
 * that overlap [@from, @to] (monotonic µs), laid out by tree: running
 * roots in the order they began, then finished ones, the last to end
 * first; each followed by its children, in the order they began. A child's
 * parent is shown even when it lies outside the range. At most
 * @max_rows rows, and only the newest few hundred operations of each
 * list are looked at: the cost does not grow with their number.
 *
 * @n_rows is set to how many rows there are in all, beyond @max_rows.
 *
 * Returns: a GArray of CancelGtkTimelineRow that frees its scopes. */
GArray   *_cancel_gtk_timeline_rows_collect (CancelRegistry *registry,
                                             GListModel     *history,
                                             gint64          from,
                                             gint64          to,
                                             guint           max_rows,
                                             guint          *n_rows);

/* The start of @scope, or @now when it has not started. */
gint64    _cancel_gtk_timeline_scope_start  (CancelScope    *scope,
                                             gint64          now);

/* The position in @rows (items of CancelScope or GtkTreeListRow of
 * CancelScope, as the monitor's lists hold) of @scope, or
 * GTK_INVALID_LIST_POSITION. Linear: for a click, not for a frame. */
guint     _cancel_gtk_rows_find_scope       (GListModel     *rows,
                                             CancelScope    *scope);

G_END_DECLS
