/* test-dbus.c: a scope per D-Bus invocation, and calls timed by a scope,
 * against a service in another process on a private bus
 *
 * The binary plays three parts: the tests (no argument), which start a
 * private bus (GTestDBus) whose address the children inherit; the service
 * (--service), which owns org.cancelable.Test and implements a Sleep
 * method that lasts until its invocation scope is cancelled, reporting by
 * signals; and a client (--client) that calls Sleep and exits mid-call.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <glib/gstdio.h>

#include "cancel-test-util.h"

#define BUS_NAME  "org.cancelable.Test"
#define PATH      "/org/cancelable/Test"
#define INTERFACE "org.cancelable.Test.Worker"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='" INTERFACE "'>"
  "    <method name='Sleep'/>"
  "    <method name='Quit'/>"
  "    <signal name='Started'>"
  "      <arg type='s' name='caller'/><arg type='s' name='scope'/>"
  "      <arg type='b' name='registered'/>"
  "    </signal>"
  "    <signal name='Stopped'>"
  "      <arg type='s' name='caller'/><arg type='s' name='reason'/>"
  "      <arg type='s' name='message'/>"
  "    </signal>"
  "    <signal name='Ended'>"
  "      <arg type='s' name='caller'/><arg type='s' name='status'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

/* ------------------------------------------------------------------ */
/* The worker: the service's implementation, also used in-process on a  */
/* peer-to-peer connection                                              */

typedef struct
{
  GDBusConnection *connection;
  guint            object_id;
  GPtrArray       *sleeping;   /* GDBusMethodInvocation */
  gboolean         quitting;
  CancelReason     last_reason;
  CancelStatus     last_status;
  char            *last_message;
} Worker;

static const char *
caller_of (GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);

  return sender != NULL ? sender : "";
}

static void
worker_emit (Worker     *worker,
             const char *signal_name,
             GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;

  /* Broadcast on a bus; to the peer on a peer-to-peer connection, which
   * may be gone: then the signal goes nowhere. */
  g_dbus_connection_emit_signal (worker->connection, NULL, PATH, INTERFACE, signal_name,
                                 parameters, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    g_assert_no_error (error);
}

typedef struct
{
  Worker                *worker;
  GDBusMethodInvocation *invocation;
  char                  *caller;
} Sleep;

static void
sleep_free (gpointer data)
{
  Sleep *sleep = data;

  g_free (sleep->caller);
  g_free (sleep);
}

static void
sleep_free_closure (gpointer  data,
                    GClosure *closure)
{
  sleep_free (data);
}

static void
sleep_scope_finished (CancelScope  *scope,
                      CancelStatus  status,
                      gpointer      user_data)
{
  Sleep *sleep = user_data;

  sleep->worker->last_status = status;
  worker_emit (sleep->worker, "Ended",
               g_variant_new ("(ss)", sleep->caller, cancel_status_to_string (status)));
}

/* The implementation stops when its scope is cancelled: it replies with
 * the cancellation (a caller that left gets nothing). */
static void
sleep_cancelled (CancelScope *scope,
                 gpointer     user_data)
{
  Sleep *sleep = user_data;
  Worker *worker = sleep->worker;
  GError *error = NULL;

  worker->last_reason = cancel_scope_get_reason (scope);
  g_free (worker->last_message);
  worker->last_message = g_strdup (cancel_scope_get_message (scope));
  worker_emit (worker, "Stopped",
               g_variant_new ("(sss)", sleep->caller,
                              cancel_reason_to_string (worker->last_reason),
                              worker->last_message));

  g_assert_true (cancel_scope_set_error_if_cancelled (scope, &error));
  g_ptr_array_remove (worker->sleeping, sleep->invocation);
  /* Takes the invocation: its scope ends when it is finalized. */
  g_dbus_method_invocation_take_error (sleep->invocation, error);
}

static void
worker_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  Worker *worker = user_data;

  if (g_str_equal (method_name, "Sleep"))
    {
      CancelScope *scope = cancel_dbus_invocation_get_scope (invocation);
      g_autoptr(CancelScope) listed = NULL;
      Sleep *sleep;

      /* Made once per invocation. */
      g_assert_true (cancel_dbus_invocation_get_scope (invocation) == scope);
      listed = cancel_registry_lookup (cancel_registry_get_default (), cancel_scope_get_id (scope));

      sleep = g_new0 (Sleep, 1);
      sleep->worker = worker;
      sleep->invocation = invocation;
      sleep->caller = g_strdup (caller_of (invocation));
      g_ptr_array_add (worker->sleeping, g_object_ref (invocation));
      g_signal_connect_data (scope, "finished", G_CALLBACK (sleep_scope_finished),
                             sleep, sleep_free_closure, G_CONNECT_DEFAULT);
      cancel_scope_connect_cancelled (scope, NULL, sleep_cancelled, sleep, NULL);

      worker_emit (worker, "Started",
                   g_variant_new ("(ssb)", sleep->caller, cancel_scope_get_name (scope),
                                  listed == scope));
    }
  else if (g_str_equal (method_name, "Quit"))
    {
      worker->quitting = TRUE;
      /* Whatever still sleeps stops; the replies go to callers that may
       * have left. */
      for (guint i = 0; i < worker->sleeping->len; i++)
        cancel_scope_cancel (cancel_dbus_invocation_get_scope (g_ptr_array_index (worker->sleeping, i)),
                             CANCEL_REASON_MANUAL, "The service quits");
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_assert_not_reached ();
}

static const GDBusInterfaceVTable worker_vtable = { worker_method_call, NULL, NULL, { 0 } };

static Worker *
worker_new (GDBusConnection *connection)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  Worker *worker = g_new0 (Worker, 1);

  info = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);
  worker->connection = g_object_ref (connection);
  worker->sleeping = g_ptr_array_new_with_free_func (g_object_unref);
  worker->object_id = g_dbus_connection_register_object (connection, PATH, info->interfaces[0],
                                                         &worker_vtable, worker, NULL, &error);
  g_assert_no_error (error);

  return worker;
}

static void
worker_free (Worker *worker)
{
  g_assert_cmpuint (worker->sleeping->len, ==, 0);
  g_dbus_connection_unregister_object (worker->connection, worker->object_id);
  g_ptr_array_unref (worker->sleeping);
  g_object_unref (worker->connection);
  g_free (worker->last_message);
  g_free (worker);
}

/* ------------------------------------------------------------------ */
/* The other processes                                                  */

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  /* The tests wait for this line before calling. */
  g_print ("ready\n");
}

static int
run_service (void)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Worker *worker;
  guint owner_id;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  worker = worker_new (connection);
  owner_id = g_bus_own_name_on_connection (connection, BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                           name_acquired, NULL, NULL, NULL);

  WAIT_UNTIL (NULL, worker->quitting && worker->sleeping->len == 0);
  /* The scopes end, and report it, once their invocations are gone. */
  drain (NULL);
  g_bus_unown_name (owner_id);
  g_dbus_connection_flush_sync (connection, NULL, NULL);
  worker_free (worker);
  drain (NULL);

  return 0;
}

static void
started_as_client (GDBusConnection *connection,
                   const char      *sender_name,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *signal_name,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  const char *caller;

  g_variant_get (parameters, "(&s&sb)", &caller, NULL, NULL);
  if (g_str_equal (caller, g_dbus_connection_get_unique_name (connection)))
    *(gboolean *) user_data = TRUE;
}

/* Calls Sleep, and exits once the service said it started. */
static int
run_client (void)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_signal_subscribe (connection, BUS_NAME, INTERFACE, "Started", PATH, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, started_as_client, &started, NULL);
  g_print ("%s\n", g_dbus_connection_get_unique_name (connection));
  g_dbus_connection_call (connection, BUS_NAME, PATH, INTERFACE, "Sleep", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, NULL, NULL);
  WAIT_UNTIL (NULL, started);

  /* Mid-call: the reply never comes to this process. */
  _exit (0);
}

/* ------------------------------------------------------------------ */
/* The tests                                                           */

static char *
read_line (GSubprocess *process)
{
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (output), FALSE);
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);

  return line;
}

static GSubprocess *
spawn_self (const char *part)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  /* Not /proc/self/exe: under valgrind, that is valgrind. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_test_get_filename (G_TEST_BUILT, "test-dbus", NULL), part, NULL);
  g_assert_no_error (error);

  return process;
}

typedef struct
{
  GDBusConnection *connection;
  GSubprocess     *service;
  guint            subscription;
  GPtrArray       *signals;   /* "Name caller arg..." strings */
} Fixture;

static void
record_signal (GDBusConnection *connection,
               const char      *sender_name,
               const char      *object_path,
               const char      *interface_name,
               const char      *signal_name,
               GVariant        *parameters,
               gpointer         user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *args = g_variant_print (parameters, FALSE);

  g_ptr_array_add (fixture->signals, g_strdup_printf ("%s %s", signal_name, args));
}

static gboolean
has_signal (Fixture    *fixture,
            const char *text)
{
  for (guint i = 0; i < fixture->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->signals, i), text))
      return TRUE;

  return FALSE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *address = NULL;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fixture->connection = g_dbus_connection_new_for_address_sync (address,
                                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                                NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->signals = g_ptr_array_new_with_free_func (g_free);
  fixture->subscription = g_dbus_connection_signal_subscribe (fixture->connection, NULL, INTERFACE,
                                                              NULL, PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                              record_signal, fixture, NULL);
  fixture->service = spawn_self ("--service");
  ready = read_line (fixture->service);
  g_assert_cmpstr (ready, ==, "ready");
}

static void
got_result (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GVariant *
call (Fixture     *fixture,
      const char  *method,
      CancelScope *scope,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cancel_dbus_connection_call_async (fixture->connection, BUS_NAME, PATH, INTERFACE, method,
                                     NULL, G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, scope,
                                     got_result, &result);
  WAIT_UNTIL (NULL, result != NULL);

  return cancel_dbus_connection_call_finish (fixture->connection, result, error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Quit");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* No deadline: the bus default timeout, and a plain reply. */
  cancel_scope_begin (scope);
  reply = call (fixture, "Quit", scope, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (reply, G_VARIANT_TYPE_UNIT));
  cancel_scope_end (scope);

  g_subprocess_wait_check (fixture->service, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->service);

  g_dbus_connection_signal_unsubscribe (fixture->connection, fixture->subscription);
  g_dbus_connection_close_sync (fixture->connection, NULL, NULL);
  g_clear_object (&fixture->connection);
  g_ptr_array_unref (fixture->signals);
  drain (NULL);
}

/* The client leaves mid-call: the service's invocation scope is cancelled
 * as DISCONNECTED, named after the method, and ends when the reply that
 * nobody reads was sent. */
static void
test_client_leaves (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *started = NULL;
  g_autofree char *stopped = NULL;
  g_autofree char *ended = NULL;

  client = spawn_self ("--client");
  name = read_line (client);
  g_assert_true (g_dbus_is_unique_name (name));

  started = g_strdup_printf ("Started ('%s', '" INTERFACE ".Sleep', true)", name);
  stopped = g_strdup_printf ("Stopped ('%s', 'disconnected', 'The caller %s left the bus')", name, name);
  ended = g_strdup_printf ("Ended ('%s', 'cancelled')", name);
  WAIT_UNTIL (NULL, has_signal (fixture, ended));
  g_assert_true (has_signal (fixture, started));
  g_assert_true (has_signal (fixture, stopped));

  g_subprocess_wait_check (client, NULL, &error);
  g_assert_no_error (error);
}

/* 300 ms left: the call fails with TIMED_OUT at the deadline, not after
 * the 25 s D-Bus default, and says which method and why. */
static void
test_deadline (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Sleep for a while");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started, elapsed;

  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.3, NULL));
  started = g_get_monotonic_time ();
  reply = call (fixture, "Sleep", scope, &error);
  elapsed = g_get_monotonic_time () - started;
  g_test_message ("failed after %" G_GINT64_FORMAT " ms: %s", elapsed / 1000, error->message);

  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_true (g_str_has_prefix (error->message, "Call to " INTERFACE ".Sleep: "));
  g_assert_nonnull (strstr (error->message, "“Sleep for a while” timed out"));
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
}

static void
cancel_when_started (GDBusConnection *connection,
                     const char      *sender_name,
                     const char      *object_path,
                     const char      *interface_name,
                     const char      *signal_name,
                     GVariant        *parameters,
                     gpointer         user_data)
{
  const char *caller;

  g_variant_get (parameters, "(&s&sb)", &caller, NULL, NULL);
  if (g_str_equal (caller, g_dbus_connection_get_unique_name (connection)))
    cancel_scope_cancel (user_data, CANCEL_REASON_MANUAL, "User stop");
}

/* Cancelled mid-call: CANCELLED, with the reason and the method. */
static void
test_cancel_mid_call (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Sleep until stopped");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint id;

  cancel_scope_begin (scope);
  id = g_dbus_connection_signal_subscribe (fixture->connection, BUS_NAME, INTERFACE, "Started",
                                           PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                           cancel_when_started, scope, NULL);
  reply = call (fixture, "Sleep", scope, &error);
  g_dbus_connection_signal_unsubscribe (fixture->connection, id);

  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==,
                   "Call to " INTERFACE ".Sleep: Operation “Sleep until stopped” was cancelled "
                   "(Manual): User stop");
  cancel_scope_end (scope);

  /* A scope cancelled before the call: the call fails at once. */
  g_clear_error (&error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture, "Quit", scope, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A peer-to-peer connection has no bus names: the scope is cancelled when
 * the connection closes. In-process, both ends here. */
static void
new_connection (GDBusServer     *server,
                GDBusConnection *connection,
                gpointer         user_data)
{
  *(Worker **) user_data = worker_new (connection);
}

static void
test_peer_closes (void)
{
  g_autoptr(GDBusServer) server = NULL;
  g_autoptr(GDBusConnection) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autofree char *dir = NULL;
  g_autofree char *address = NULL;
  Worker *worker = NULL;

  dir = g_dir_make_tmp ("cancel-dbus-XXXXXX", &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("unix:dir=%s", dir);
  server = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (server, "new-connection", G_CALLBACK (new_connection), &worker);
  g_dbus_server_start (server);

  /* Async: the server authenticates on this thread's context. */
  g_dbus_connection_new_for_address (g_dbus_server_get_client_address (server),
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, NULL, got_result, &result);
  WAIT_UNTIL (NULL, result != NULL);
  client = g_dbus_connection_new_for_address_finish (result, &error);
  g_assert_no_error (error);
  g_dbus_connection_call (client, NULL, PATH, INTERFACE, "Sleep", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, NULL, NULL);
  WAIT_UNTIL (NULL, worker != NULL && worker->sleeping->len == 1);

  g_dbus_connection_close_sync (client, NULL, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (NULL, worker->last_status == CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (worker->last_reason, ==, CANCEL_REASON_DISCONNECTED);
  g_assert_cmpstr (worker->last_message, ==, "The caller closed the connection");

  g_dbus_server_stop (server);
  worker_free (worker);
  g_clear_object (&client);
  drain (NULL);
  g_rmdir (dir);
}

static void
test_bad_input (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GObject) object = g_object_new (G_TYPE_OBJECT, NULL);

      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*G_IS_DBUS_METHOD_INVOCATION*");
      g_assert_null (cancel_dbus_invocation_get_scope (NULL));
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*G_IS_DBUS_METHOD_INVOCATION*");
      g_assert_null (cancel_dbus_invocation_get_scope ((GDBusMethodInvocation *) object));
      g_test_expect_message ("Cancel", G_LOG_LEVEL_CRITICAL, "*G_IS_DBUS_CONNECTION*");
      cancel_dbus_connection_call_async (NULL, NULL, PATH, INTERFACE, "Sleep", NULL, NULL, 0,
                                         NULL, NULL, NULL);
      g_test_assert_expected_messages ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  GTestDBus *bus;
  int status;

  if (argc == 2 && g_str_equal (argv[1], "--service"))
    return run_service ();
  if (argc == 2 && g_str_equal (argv[1], "--client"))
    return run_client ();

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/Cancel/DBus/client-leaves", Fixture, NULL,
              fixture_set_up, test_client_leaves, fixture_tear_down);
  g_test_add ("/Cancel/DBus/deadline", Fixture, NULL,
              fixture_set_up, test_deadline, fixture_tear_down);
  g_test_add ("/Cancel/DBus/cancel-mid-call", Fixture, NULL,
              fixture_set_up, test_cancel_mid_call, fixture_tear_down);
  g_test_add_func ("/Cancel/DBus/peer-closes", test_peer_closes);
  g_test_add_func ("/Cancel/DBus/bad-input", test_bad_input);

  if (g_test_subprocess ())
    return g_test_run ();

  /* A private bus: the tests do not depend on, or disturb, the session's. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  status = g_test_run ();
  g_test_dbus_down (bus);
  g_object_unref (bus);

  return status;
}
