/* cancel-gtk-split-private.h: the monitor's lists beside their details,
 * or above them when narrow
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_SPLIT (cancel_gtk_split_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkSplit, cancel_gtk_split, CANCEL_GTK, SPLIT, GtkWidget)

/* GTK thread only. Properties: "content", "side" (widgets), "reveal-side"
 * (the user's toggle), "folded" (read-only: the side pane is below). */

/* An empty side pane (nothing selected) takes no room. */
void     _cancel_gtk_split_set_side_empty (CancelGtkSplit *self,
                                           gboolean        empty);
gboolean _cancel_gtk_split_get_folded     (CancelGtkSplit *self);

G_END_DECLS
