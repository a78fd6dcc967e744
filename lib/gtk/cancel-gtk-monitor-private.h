/* cancel-gtk-monitor-private.h: the monitor's parts, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-gtk-monitor.h"
#include "cancel-gtk-search-private.h"
#include "cancel-gtk-timeline-private.h"

G_BEGIN_DECLS

GtkColumnView     *_cancel_gtk_monitor_get_live_view       (CancelGtkMonitor *self);
GtkColumnView     *_cancel_gtk_monitor_get_history_view    (CancelGtkMonitor *self);
/* The rows of each list (a GtkSingleSelection of GtkTreeListRow for the
 * live tree, of CancelScope for the history), whether shown or not. */
GListModel        *_cancel_gtk_monitor_get_live_rows       (CancelGtkMonitor *self);
GListModel        *_cancel_gtk_monitor_get_history_rows    (CancelGtkMonitor *self);
GtkEditable       *_cancel_gtk_monitor_get_search_entry    (CancelGtkMonitor *self);
GtkDropDown       *_cancel_gtk_monitor_get_status_dropdown (CancelGtkMonitor *self);
GtkStack          *_cancel_gtk_monitor_get_stack           (CancelGtkMonitor *self);
CancelGtkTimeline *_cancel_gtk_monitor_get_timeline        (CancelGtkMonitor *self);
/* The text of a field of the details pane: "cause", "id", "parent",
 * "children", "status", "started", "duration", "deadline", "progress",
 * "error", "title". */
const char        *_cancel_gtk_monitor_get_details_text    (CancelGtkMonitor *self,
                                                            const char       *field);
/* The text of a value of the statistics strip: a status nick ("running",
 * "completed", ...), "average-duration" or "cancel-latency". */
const char        *_cancel_gtk_monitor_get_stat_text       (CancelGtkMonitor *self,
                                                            const char       *stat);
/* Runs the periodic refresh now (statistics, visible times, details). */
void               _cancel_gtk_monitor_refresh             (CancelGtkMonitor *self);
/* Whether the periodic timer runs: only while something counts. */
gboolean           _cancel_gtk_monitor_get_ticking         (CancelGtkMonitor *self);
/* The cells the periodic timer refreshes (a set of CancelGtkCell): those
 * mapped with something that changes with time put themselves there. */
GHashTable        *_cancel_gtk_monitor_get_ticking_set     (CancelGtkMonitor *self);
/* How many cells the periodic timer refreshes: the visible ones only. */
guint              _cancel_gtk_monitor_get_n_ticking       (CancelGtkMonitor *self);

G_END_DECLS
