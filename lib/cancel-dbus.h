/* cancel-dbus.h: D-Bus method calls and implementations under a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-scope.h"
#include "cancel-version-macros.h"

G_BEGIN_DECLS

/* Server side */
CANCEL_AVAILABLE_IN_ALL
CancelScope *cancel_dbus_invocation_get_scope    (GDBusMethodInvocation *invocation);

/* Client side */
CANCEL_AVAILABLE_IN_ALL
void         cancel_dbus_connection_call_async   (GDBusConnection       *connection,
                                                  const char            *bus_name,
                                                  const char            *object_path,
                                                  const char            *interface_name,
                                                  const char            *method_name,
                                                  GVariant              *parameters,
                                                  const GVariantType    *reply_type,
                                                  GDBusCallFlags         flags,
                                                  CancelScope           *scope,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
CANCEL_AVAILABLE_IN_ALL
GVariant    *cancel_dbus_connection_call_finish  (GDBusConnection       *connection,
                                                  GAsyncResult          *result,
                                                  GError               **error);

G_END_DECLS
