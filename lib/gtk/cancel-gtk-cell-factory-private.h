/* cancel-gtk-cell-factory-private.h: the list item factories of the monitor's columns
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* From the monitor's class_init: makes every column of its template
 * (cancel-gtk-monitor.ui) a template child found by name. */
void _cancel_gtk_cell_factories_bind_template (GtkWidgetClass *widget_class);
/* From the monitor's init, after gtk_widget_init_template(): gives each
 * column the factory that makes its CancelGtkCells. */
void _cancel_gtk_cell_factories_install       (GtkWidget      *monitor);

G_END_DECLS
