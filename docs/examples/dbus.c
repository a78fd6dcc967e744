/* dbus.c: a method implementation that stops when its caller leaves, and
 * a call whose timeout is its scope's deadline
 *
 * Built and run by the tests under dbus-run-session (tests/meson.build,
 * 'example-dbus'): the program calls its own object.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

static gboolean server_stopped;

static const char xml[] =
  "<node><interface name='org.example.Worker'><method name='Sleep'/></interface></node>";

/* Server side: the work lasts until the scope is cancelled, here by the
 * caller leaving the bus (CANCEL_REASON_DISCONNECTED). */
static void
sleep_stopped (CancelScope *scope,
               gpointer     user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  GError *error = NULL;

  g_print ("server: %s stopped: %s (%s)\n", cancel_scope_get_name (scope),
           cancel_reason_to_string (cancel_scope_get_reason (scope)),
           cancel_scope_get_message (scope));
  server_stopped = cancel_scope_get_reason (scope) == CANCEL_REASON_DISCONNECTED;
  cancel_scope_set_error_if_cancelled (scope, &error);
  /* Takes the invocation; the scope ends when it is finalized. */
  g_dbus_method_invocation_take_error (invocation, error);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  /* "org.example.Worker.Sleep", begun, listed by the registry. */
  CancelScope *scope = cancel_dbus_invocation_get_scope (invocation);

  cancel_scope_connect_cancelled (scope, NULL, sleep_stopped, invocation, NULL);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

/* Client side: 0.3 s for the call; the scope is its cancellable and its
 * deadline the only timeout. */
static void
call_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = cancel_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  /* G_IO_ERROR_TIMED_OUT: "Call to org.example.Worker.Sleep: Operation
   * “Ask the worker” timed out: ..." */
  g_print ("client: %s\n", error != NULL ? error->message : "replied");
  *(int *) user_data = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? 1 : 2;
}

int
main (void)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GDBusConnection) server = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusConnection) client = NULL;
  g_autoptr(CancelScope) scope = cancel_scope_new ("Ask the worker");
  int outcome = 0;

  if (server == NULL || address == NULL)
    return 1;
  g_dbus_connection_register_object (server, "/org/example/Worker", info->interfaces[0],
                                     &vtable, NULL, NULL, NULL);
  client = g_dbus_connection_new_for_address_sync (address,
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, NULL);

  cancel_scope_begin (scope);
  cancel_scope_set_timeout (scope, 0.3, NULL);
  cancel_dbus_connection_call_async (client, g_dbus_connection_get_unique_name (server),
                                     "/org/example/Worker", "org.example.Worker", "Sleep",
                                     NULL, NULL, G_DBUS_CALL_FLAGS_NONE, scope,
                                     call_done, &outcome);
  while (outcome == 0)
    g_main_context_iteration (NULL, TRUE);
  cancel_scope_end (scope);

  /* The client leaves the bus: the server's Sleep stops. */
  g_dbus_connection_close_sync (client, NULL, NULL);
  while (!server_stopped)
    g_main_context_iteration (NULL, TRUE);

  return outcome == 1 ? 0 : 1;
}
