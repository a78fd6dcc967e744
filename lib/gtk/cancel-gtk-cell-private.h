/* cancel-gtk-cell-private.h: one cell of a row of the monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

typedef enum
{
  CANCEL_GTK_CELL_NAME,
  CANCEL_GTK_CELL_STATUS,
  CANCEL_GTK_CELL_PROGRESS,
  CANCEL_GTK_CELL_ELAPSED,
  CANCEL_GTK_CELL_REMAINING,
  CANCEL_GTK_CELL_REASON,
  CANCEL_GTK_CELL_CANCEL,
  CANCEL_GTK_CELL_DURATION,
  CANCEL_GTK_CELL_MESSAGE,
} CancelGtkCellKind;

#define CANCEL_GTK_TYPE_CELL_KIND (cancel_gtk_cell_kind_get_type ())
GType cancel_gtk_cell_kind_get_type (void) G_GNUC_CONST;

#define CANCEL_GTK_TYPE_CELL (cancel_gtk_cell_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkCell, cancel_gtk_cell, CANCEL_GTK, CELL, GtkWidget)

/* A cell is made by the monitor's list item factories
 * (cancel-gtk-cell-factory.c), with its "kind" given there and its
 * "scope" set to the row's item. While mapped, a cell with something that
 * changes with time puts itself in its monitor's ticking set, which the
 * monitor's one timer refreshes (see _cancel_gtk_monitor_get_ticking_set). */
CancelGtkCellKind  _cancel_gtk_cell_get_kind   (CancelGtkCell     *self);
CancelScope       *_cancel_gtk_cell_get_scope  (CancelGtkCell     *self);
/* Shows @scope (NULL: nothing); the same as setting "scope". */
void               _cancel_gtk_cell_set_scope  (CancelGtkCell     *self,
                                                CancelScope       *scope);
/* The cancel button of a CANCEL cell, NULL for the other kinds. */
GtkWidget         *_cancel_gtk_cell_get_button (CancelGtkCell     *self);
/* The text shown (name, status, message, time...), for tests. */
const char        *_cancel_gtk_cell_get_text   (CancelGtkCell     *self);
/* The status icon as last drawn, NULL if none (tests). */
GdkPaintable      *_cancel_gtk_cell_get_icon   (CancelGtkCell     *self);
/* Whether the text, as last drawn, ends in "…" (tests). */
gboolean           _cancel_gtk_cell_is_ellipsized (CancelGtkCell  *self);
/* Called by the timer for the cells in the ticking set. Only a cell on
 * screen may @animate: pulse its bar when the progress is unknown. */
void               _cancel_gtk_cell_tick       (CancelGtkCell     *self,
                                                gint64             now,
                                                gboolean           animate);
/* For a cell off screen: stops the pulsing of its bar, if any. */
void               _cancel_gtk_cell_freeze     (CancelGtkCell     *self);

G_END_DECLS
