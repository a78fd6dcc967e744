/* cancel-gtk-format-private.h: words for scopes, durations and causes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cancelable.h>

G_BEGIN_DECLS

/* A duration for people: "250 ms", "2.5 s", "12 s", "3:05", "1:02:03".
 * Negative values count as zero. */
char        *_cancel_gtk_format_duration          (gint64       usec);

/* A count with the locale's digit grouping: "20,000,000,000" in English. */
char        *_cancel_gtk_format_count             (guint64      n);

/* The scope's name, or "Operation #ID" when it has none. */
char        *_cancel_gtk_format_scope_name        (CancelScope *scope);

/* TRUE while a scope was asked to cancel (it has a reason) but has not
 * ended yet. */
gboolean     _cancel_gtk_scope_is_cancelling      (CancelScope *scope);

/* TRUE when the scope notifies on GTK's context (the global default one):
 * only then may the monitor connect to its signals and children model. */
gboolean     _cancel_gtk_scope_is_local           (CancelScope *scope);

/* TRUE while the scope runs (RUNNING or SHIELDED). */
gboolean     _cancel_gtk_scope_is_live            (CancelScope *scope);

/* "Running", "Cancelling", "Timed out", ... (translated). */
const char  *_cancel_gtk_format_status            (CancelScope *scope);

/* The reason, with the origin for PARENT: "Parent (Timeout)"; NULL when
 * the scope was not cancelled. */
char        *_cancel_gtk_format_reason            (CancelScope *scope);

/* Why the scope was cancelled, in one sentence: "Cancelled because its
 * parent “Batch” timed out after 5 s". NULL when it was not cancelled.
 * Walks the ancestors with cancel_scope_dup_parent(); any thread. */
char        *_cancel_gtk_describe_cause           (CancelScope *scope);

/* A cell's tooltip: what its column may cut ("name (#id)", the whole
 * progress message or reason, ...); NULL for columns that cut nothing.
 * @label is the cell's text. The kind is a CancelGtkCellKind. */
char        *_cancel_gtk_format_cell_tooltip      (CancelScope *scope,
                                                   int          kind,
                                                   const char  *label);

G_END_DECLS
