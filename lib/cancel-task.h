/* cancel-task.h: GTask and GAction integration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-scope.h"

G_BEGIN_DECLS

CANCEL_AVAILABLE_IN_ALL
GTask        *cancel_task_new               (gpointer             source_object,
                                             CancelScope         *scope,
                                             GAsyncReadyCallback  callback,
                                             gpointer             callback_data);
CANCEL_AVAILABLE_IN_ALL
CancelScope  *cancel_task_get_scope         (GTask               *task);
CANCEL_AVAILABLE_IN_ALL
void          cancel_task_run_in_thread     (GTask               *task,
                                             GTaskThreadFunc      task_func);

CANCEL_AVAILABLE_IN_ALL
GAction      *cancel_scope_create_action    (CancelScope         *scope,
                                             const char          *action_name);

G_END_DECLS
