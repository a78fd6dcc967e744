/* cancel-demo-launcher-row.h: one launcher of the demo window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <adwaita.h>
#include <cancelable.h>

#include "cancel-demo-operation.h"

G_BEGIN_DECLS

#define CANCEL_DEMO_TYPE_LAUNCHER_ROW (cancel_demo_launcher_row_get_type ())

G_DECLARE_FINAL_TYPE (CancelDemoLauncherRow, cancel_demo_launcher_row, CANCEL_DEMO, LAUNCHER_ROW, GtkListBoxRow)

GtkWidget      *cancel_demo_launcher_row_new          (CancelDemoKind         kind);
CancelDemoKind  cancel_demo_launcher_row_get_kind     (CancelDemoLauncherRow *self);
double          cancel_demo_launcher_row_get_timeout  (CancelDemoLauncherRow *self);
void            cancel_demo_launcher_row_set_timeout  (CancelDemoLauncherRow *self,
                                                       double                 timeout);
CancelScope    *cancel_demo_launcher_row_get_scope    (CancelDemoLauncherRow *self);
void            cancel_demo_launcher_row_track        (CancelDemoLauncherRow *self,
                                                       CancelScope           *scope,
                                                       const char            *cancel_action_name);

G_END_DECLS
