/* cancel-gtk-details-private.h: the details pane of the monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_DETAILS (cancel_gtk_details_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkDetails, cancel_gtk_details, CANCEL_GTK, DETAILS, GtkWidget)

/* Everything on the GTK thread. The pane watches a scope of GTK's context
 * (and emits "changed" after it notified); others are polled through
 * _cancel_gtk_details_update(). */
GtkWidget   *_cancel_gtk_details_new       (void);
CancelScope *_cancel_gtk_details_get_scope (CancelGtkDetails *self);
/* Returns FALSE when @scope was shown already. */
gboolean     _cancel_gtk_details_set_scope (CancelGtkDetails *self,
                                            CancelScope      *scope);
/* The registry's history, where the finished children of the shown
 * scope are counted (its children model lists running ones only). */
void         _cancel_gtk_details_set_history (CancelGtkDetails *self,
                                              GListModel       *history);
/* Shows the scope's state now (times count while it runs). */
void         _cancel_gtk_details_update    (CancelGtkDetails *self);
/* The text of a field: "cause", "id", "parent", "children", "status",
 * "started", "duration", "deadline", "progress", "error", "title". */
const char  *_cancel_gtk_details_get_text  (CancelGtkDetails *self,
                                            const char       *field);

/* The title and every field as "Caption: value" lines, for the
 * clipboard; NULL when no scope is shown. */
char        *_cancel_gtk_details_dup_summary (CancelGtkDetails *self);

G_END_DECLS
