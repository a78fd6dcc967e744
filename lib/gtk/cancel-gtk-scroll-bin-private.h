/* cancel-gtk-scroll-bin-private.h: a scrolled list whose height is
 * answered without measuring its rows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_SCROLL_BIN (cancel_gtk_scroll_bin_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkScrollBin, cancel_gtk_scroll_bin, CANCEL_GTK, SCROLL_BIN, GtkWidget)

/* GTK thread only. Property: "child", a GtkScrolledWindow. Its height is
 * answered without measuring it while it has a vertical scroll bar (not
 * GTK_POLICY_NEVER) and does not propagate its natural height; otherwise
 * the bin measures it every time, as a plain parent would. */

/* How many times the child was measured vertically from above: once per
 * map and per change of what its height depends on, not per frame. For
 * the tests. */
guint _cancel_gtk_scroll_bin_get_n_height_measures (CancelGtkScrollBin *self);

G_END_DECLS
