/* cancel-gtk-mirror-private.h: a list model that repeats another one with
 * precise changes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_MIRROR (cancel_gtk_mirror_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkMirror, cancel_gtk_mirror, CANCEL_GTK, MIRROR, GObject)

/* Holds the same items as @source, in the same order, but reports each
 * change of @source as the smallest removals and insertions that make it
 * (up to a bound on their number). Items that @source reports as replaced
 * by themselves are not reported at all, so views do not rebuild their
 * rows. Follows @source on the thread that emits its signals. */
GListModel *_cancel_gtk_mirror_new        (GListModel *source);
void        _cancel_gtk_mirror_set_budget (GListModel *mirror,
                                           gint64      budget);
gboolean    _cancel_gtk_mirror_is_behind  (GListModel *mirror);

G_END_DECLS
