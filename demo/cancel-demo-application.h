/* cancel-demo-application.h: the cancelable-demo application
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <adwaita.h>
#include <cancelable.h>

#include "cancel-demo-operation.h"
#include "cancel-demo-workspace.h"

G_BEGIN_DECLS

#define CANCEL_DEMO_APPLICATION_ID "org.gnome.Cancelable.Demo"

#define CANCEL_DEMO_TYPE_APPLICATION (cancel_demo_application_get_type ())

G_DECLARE_FINAL_TYPE (CancelDemoApplication, cancel_demo_application, CANCEL_DEMO, APPLICATION, AdwApplication)

CancelDemoApplication *cancel_demo_application_new             (void);
CancelScope           *cancel_demo_application_get_root_scope  (CancelDemoApplication *self);
CancelDemoWorkspace   *cancel_demo_application_get_workspace   (CancelDemoApplication *self);
guint                  cancel_demo_application_get_n_running   (CancelDemoApplication *self);
gboolean               cancel_demo_application_get_quitting    (CancelDemoApplication *self);
void                   cancel_demo_application_request_quit    (CancelDemoApplication *self,
                                                                CancelReason           reason,
                                                                const char            *message);
void                   cancel_demo_application_run_operation   (CancelDemoApplication *self,
                                                                CancelDemoKind         kind,
                                                                CancelScope           *scope,
                                                                GAsyncReadyCallback    callback,
                                                                gpointer               user_data);

G_END_DECLS
