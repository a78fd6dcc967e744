/* cancel-gtk-stats-private.h: the statistics strip of the monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_STATS (cancel_gtk_stats_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkStats, cancel_gtk_stats, CANCEL_GTK, STATS, GtkWidget)

/* Everything on the GTK thread. */
GtkWidget  *_cancel_gtk_stats_new      (void);
/* Shows the statistics of @registry as they are now. */
void        _cancel_gtk_stats_show     (CancelGtkStats *self,
                                        CancelRegistry *registry);
/* The text of a value: a status nick ("running", "completed", ...),
 * "average-duration" or "cancel-latency". */
const char *_cancel_gtk_stats_get_text (CancelGtkStats *self,
                                        const char     *stat);

/* Compact: the counts only (their captions in tooltips), for a narrow
 * monitor. */
void        _cancel_gtk_stats_set_compact (CancelGtkStats *self,
                                           gboolean        compact);

G_END_DECLS
