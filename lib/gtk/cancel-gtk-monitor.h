/* cancel-gtk-monitor.h: a live view of a CancelRegistry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_GTK_INSIDE) && !defined(CANCEL_GTK_COMPILATION)
# error "Only <cancel-gtk.h> can be included directly."
#endif

#include <gtk/gtk.h>
#include <cancelable.h>

#include "cancel-gtk-version-macros.h"

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_MONITOR (cancel_gtk_monitor_get_type ())

CANCEL_GTK_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelGtkMonitor, cancel_gtk_monitor, CANCEL_GTK, MONITOR, GtkWidget)

CANCEL_GTK_AVAILABLE_IN_ALL
GtkWidget      *cancel_gtk_monitor_new                (CancelRegistry   *registry);
CANCEL_GTK_AVAILABLE_IN_ALL
CancelRegistry *cancel_gtk_monitor_get_registry       (CancelGtkMonitor *self);
CANCEL_GTK_AVAILABLE_IN_ALL
void            cancel_gtk_monitor_set_registry       (CancelGtkMonitor *self,
                                                       CancelRegistry   *registry);
CANCEL_GTK_AVAILABLE_IN_ALL
CancelScope    *cancel_gtk_monitor_get_selected       (CancelGtkMonitor *self);
CANCEL_GTK_AVAILABLE_IN_ALL
guint           cancel_gtk_monitor_cancel_selected    (CancelGtkMonitor *self);
CANCEL_GTK_AVAILABLE_IN_ALL
guint           cancel_gtk_monitor_cancel_all         (CancelGtkMonitor *self,
                                                       const char       *message);

G_END_DECLS
