/* cancel-gtk-monitor-menus-private.h: the monitor's view and context menus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-gtk-monitor.h"
#include "cancel-gtk-split-private.h"

G_BEGIN_DECLS

/* From the monitor's class_init: the actions monitor.cancel-one,
 * monitor.copy-details and monitor.context-menu (Menu, Shift+F10). */
void        _cancel_gtk_monitor_menus_class_init   (GtkWidgetClass   *widget_class);
/* From the monitor's init, after its template: the columns.* actions,
 * the view menu, the rows' context menu. GTK thread. */
void        _cancel_gtk_monitor_menus_init         (GtkWidget        *monitor);
GtkPopover     *_cancel_gtk_monitor_get_context_menu (CancelGtkMonitor *self);
CancelGtkSplit *_cancel_gtk_monitor_get_split        (CancelGtkMonitor *self);

G_END_DECLS
