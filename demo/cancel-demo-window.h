/* cancel-demo-window.h: the demo's main window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <adwaita.h>
#include <cancel-gtk.h>

#include "cancel-demo-application.h"
#include "cancel-demo-launcher-row.h"

G_BEGIN_DECLS

#define CANCEL_DEMO_TYPE_WINDOW (cancel_demo_window_get_type ())

G_DECLARE_FINAL_TYPE (CancelDemoWindow, cancel_demo_window, CANCEL_DEMO, WINDOW, AdwApplicationWindow)

CancelDemoWindow      *cancel_demo_window_new                (CancelDemoApplication *application);
CancelScope           *cancel_demo_window_launch             (CancelDemoWindow      *self,
                                                              CancelDemoKind         kind,
                                                              double                 timeout,
                                                              GError               **error);
CancelGtkMonitor      *cancel_demo_window_get_monitor        (CancelDemoWindow      *self);
CancelDemoLauncherRow *cancel_demo_window_get_launcher_row   (CancelDemoWindow      *self,
                                                              CancelDemoKind         kind);

G_END_DECLS
