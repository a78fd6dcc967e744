/* cancel-dbus.c: a scope per D-Bus method invocation, cancelled when the
 * caller leaves the bus; calls whose D-Bus timeout is the scope's deadline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-dbus.h"
#include "cancel-i18n-private.h"
#include "cancel-scope-private.h"

/* ------------------------------------------------------------------ */
/* Server side                                                         */

/* Watches the caller of one invocation: its unique name on a message
 * bus, or the connection itself on a peer-to-peer one (which has no
 * sender). The bus watch and the ::closed handler each hold a reference;
 * the scope's ::finished handler stops both, on the owner context, which
 * is also where the bus watch reports: the two never race. */
typedef struct
{
  gatomicrefcount  refs;
  GWeakRef         scope;
  GDBusConnection *connection;
  char            *sender;
  guint            watch_id;
  gulong           closed_id;
} CallerWatch;

static CallerWatch *
caller_watch_ref (CallerWatch *watch)
{
  g_atomic_ref_count_inc (&watch->refs);
  return watch;
}

static void
caller_watch_unref (gpointer data)
{
  CallerWatch *watch = data;

  if (!g_atomic_ref_count_dec (&watch->refs))
    return;

  g_assert (watch->watch_id == 0 && watch->closed_id == 0);
  g_weak_ref_clear (&watch->scope);
  g_clear_object (&watch->connection);
  g_free (watch->sender);
  g_free (watch);
}

static void
caller_watch_stop (CallerWatch *watch)
{
  g_clear_handle_id (&watch->watch_id, g_bus_unwatch_name);
  if (watch->closed_id != 0)
    {
      g_signal_handler_disconnect (watch->connection, watch->closed_id);
      watch->closed_id = 0;
    }
}

static void
caller_gone (CallerWatch *watch,
             const char  *message)
{
  g_autoptr(CancelScope) scope = g_weak_ref_get (&watch->scope);

  if (scope != NULL)
    cancel_scope_cancel (scope, CANCEL_REASON_DISCONNECTED, message);
}

/* Also called, with a NULL connection, when our own connection closes. */
static void
caller_vanished (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  g_autofree char *message = NULL;

  _cancel_i18n_init ();
  if (connection == NULL)
    message = g_strdup (_("The connection to the bus was closed"));
  else
    /* Translators: %s is a D-Bus unique name such as ":1.42" */
    message = g_strdup_printf (_("The caller %s left the bus"), name);

  caller_gone (user_data, message);
}

static void
connection_closed (GDBusConnection *connection,
                   gboolean         remote_peer_vanished,
                   GError          *error,
                   gpointer         user_data)
{
  _cancel_i18n_init ();
  caller_gone (user_data, _("The caller closed the connection"));
}

static void
connection_closed_destroy (gpointer  data,
                           GClosure *closure)
{
  caller_watch_unref (data);
}

static void
scope_finished (CancelScope  *scope,
                CancelStatus  status,
                gpointer      user_data)
{
  caller_watch_stop (user_data);
}

/* The closure's destroy notify: the scope is finalized, or it never
 * reached ::finished (its owner context stopped). */
static void
scope_finished_destroy (gpointer  data,
                        GClosure *closure)
{
  caller_watch_stop (data);
  caller_watch_unref (data);
}

static void
caller_watch_start (CancelScope           *scope,
                    GDBusMethodInvocation *invocation)
{
  GDBusConnection *connection = g_dbus_method_invocation_get_connection (invocation);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  CallerWatch *watch;

  watch = g_new0 (CallerWatch, 1);
  g_atomic_ref_count_init (&watch->refs);
  g_weak_ref_init (&watch->scope, scope);
  watch->connection = g_object_ref (connection);
  watch->sender = g_strdup (sender);

  /* Connected first: ending the scope at once still finds it. */
  g_signal_connect_data (scope, "finished", G_CALLBACK (scope_finished),
                         watch, scope_finished_destroy, G_CONNECT_DEFAULT);

  if (sender != NULL)
    /* GetNameOwner is part of the watch: a caller that left before we
     * got here is reported vanished too. */
    watch->watch_id = g_bus_watch_name_on_connection (connection, sender,
                                                      G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                      NULL, caller_vanished,
                                                      caller_watch_ref (watch),
                                                      caller_watch_unref);
  else
    {
      watch->closed_id = g_signal_connect_data (connection, "closed",
                                                G_CALLBACK (connection_closed),
                                                caller_watch_ref (watch),
                                                connection_closed_destroy,
                                                G_CONNECT_DEFAULT);
      /* ::closed is emitted once: a connection closed already is gone. */
      if (g_dbus_connection_is_closed (connection))
        connection_closed (connection, TRUE, NULL, watch);
    }
}

/* The invocation is finalized once its reply is sent: its scope ends
 * then, unless the implementation ended it itself. */
static void
invocation_scope_release (gpointer data)
{
  CancelScope *scope = data;

  _cancel_scope_end_if_live (scope, NULL);
  g_object_unref (scope);
}

/**
 * cancel_dbus_invocation_get_scope:
 * @invocation: the invocation a method implementation was given
 *
 * The scope of @invocation, made and begun on the first call: named
 * after the interface and the method ("org.example.Worker.Sleep"), listed
 * by the default registry like any other scope, and cancelled with
 * %CANCEL_REASON_DISCONNECTED when the caller's unique name leaves the
 * bus (or, on a peer-to-peer connection, when the connection closes), so
 * that a long implementation stops when nobody waits for its reply.
 *
 * The implementation ends the scope, or it ends when @invocation is
 * finalized, after its reply was sent ([method@Cancel.Scope.end] ends it
 * cancelled if it was). The caller's watch is removed when the scope
 * ends. Give the scope's cancellation error as the reply, or any reply:
 * a caller that left gets none.
 *
 * Call from the thread the method call was dispatched to (the thread
 * whose thread-default main context was current when the object was
 * registered), before handing the work to another thread: the caller is
 * watched from that context, which is also the scope's owner context, and
 * must keep being iterated. The scope itself may then be used from any
 * thread.
 *
 * Returns: (transfer none): the scope, owned by @invocation
 *
 * Since: 0.2
 */
CancelScope *
cancel_dbus_invocation_get_scope (GDBusMethodInvocation *invocation)
{
  g_autofree char *name = NULL;
  CancelScope *scope;
  GQuark quark;

  g_return_val_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation), NULL);

  quark = g_quark_from_static_string ("cancel-dbus-scope");
  scope = g_object_get_qdata (G_OBJECT (invocation), quark);
  if (scope != NULL)
    return scope;

  name = g_strdup_printf ("%s.%s", g_dbus_method_invocation_get_interface_name (invocation),
                          g_dbus_method_invocation_get_method_name (invocation));
  scope = cancel_scope_new (name);
  g_object_set_qdata_full (G_OBJECT (invocation), quark,
                           scope, invocation_scope_release);
  caller_watch_start (scope, invocation);
  cancel_scope_begin (scope);

  return scope;
}

/* ------------------------------------------------------------------ */
/* Client side                                                         */

typedef struct
{
  CancelScope *scope;
  char        *method;   /* "interface.method" */
  gboolean     timed;    /* the D-Bus timeout came from the deadline */
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_object_unref (call->scope);
  g_free (call->method);
  g_free (call);
}

/* How long after the scope's deadline GDBus's own timeout is set: the
 * deadline, which cancels the call with its reason, comes first unless
 * the deadline's timer thread is starved that long. */
#define BACKSTOP_MSEC 1000

/* The D-Bus timeout of a call under @scope: its remaining time, plus the
 * backstop; none (G_MAXINT) if it has no deadline: the bus default (25 s)
 * would be a second timeout that the scope does not record. */
static int
call_timeout_msec (CancelScope *scope)
{
  gint64 remaining = cancel_scope_get_remaining (scope);

  if (remaining == CANCEL_NO_DEADLINE)
    return G_MAXINT;

  return (int) MIN ((remaining + 999) / 1000 + BACKSTOP_MSEC, G_MAXINT - 1);
}

static void
call_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source_object), result, &error);
  if (reply != NULL)
    {
      g_task_return_pointer (task, reply, (GDestroyNotify) g_variant_unref);
      return;
    }

  _cancel_i18n_init ();

  /* The scope's cancellation explains the error, whichever came first:
   * GDBus's own CANCELLED, or its TIMED_OUT at the same deadline. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (call->timed && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
    {
      GError *reason = NULL;

      if (cancel_scope_set_error_if_cancelled (call->scope, &reason))
        g_clear_error (&error);
      else if (call->timed && error->code == G_IO_ERROR_TIMED_OUT)
        {
          g_clear_error (&error);
          reason = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                _("Operation “%s” timed out: its deadline passed"),
                                cancel_scope_get_name (call->scope));
        }
      if (reason != NULL)
        {
          /* Translators: %s is a D-Bus method, "org.example.Worker.Sleep" */
          g_prefix_error (&reason, _("Call to %s: "), call->method);
          error = reason;
        }
    }

  g_task_return_error (task, error);
}

/**
 * cancel_dbus_connection_call_async:
 * @connection: a connection
 * @bus_name: (nullable): a unique or well-known bus name, or %NULL on a
 *   peer-to-peer connection
 * @object_path: the path of the remote object
 * @interface_name: the D-Bus interface of the method
 * @method_name: the method
 * @parameters: (nullable): a tuple of the parameters, or %NULL; a
 *   floating reference is consumed
 * @reply_type: (nullable): the type the reply must have, or %NULL
 * @flags: flags of the call
 * @scope: the scope that bounds the call
 * @callback: (scope async) (closure user_data): called with the reply
 * @user_data: data for @callback
 *
 * Calls a method as g_dbus_connection_call() does, under @scope: the
 * call's D-Bus timeout is derived from the time @scope has left
 * ([method@Cancel.Scope.get_remaining]; no D-Bus timeout at all when it
 * has no deadline, rather than the bus default of 25 s), and @scope is its
 * cancellable. There is one timeout, the
 * scope's deadline: GDBus's own is set a second past it, as a backstop
 * that never fires first unless the deadline's timer is starved (a
 * deadline postponed during the call does not move it). When the
 * deadline cuts the call, the error is
 * %G_IO_ERROR_TIMED_OUT with a message that names the method and the
 * scope (not GDBus's "Timeout was reached" after 25 s); when @scope is
 * cancelled for another reason, %G_IO_ERROR_CANCELLED with the reason.
 *
 * Callable from any thread; @callback runs on the thread-default main
 * context of the calling thread.
 *
 * Since: 0.2
 */
void
cancel_dbus_connection_call_async (GDBusConnection    *connection,
                                   const char         *bus_name,
                                   const char         *object_path,
                                   const char         *interface_name,
                                   const char         *method_name,
                                   GVariant           *parameters,
                                   const GVariantType *reply_type,
                                   GDBusCallFlags      flags,
                                   CancelScope        *scope,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  GTask *task;
  Call *call;
  int timeout;

  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (object_path != NULL && g_variant_is_object_path (object_path));
  g_return_if_fail (interface_name != NULL && g_dbus_is_interface_name (interface_name));
  g_return_if_fail (method_name != NULL && g_dbus_is_member_name (method_name));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  timeout = call_timeout_msec (scope);

  task = g_task_new (connection, NULL, callback, user_data);
  g_task_set_source_tag (task, cancel_dbus_connection_call_async);
  g_task_set_name (task, "[cancel] D-Bus call");

  call = g_new0 (Call, 1);
  call->scope = g_object_ref (scope);
  call->method = g_strdup_printf ("%s.%s", interface_name, method_name);
  call->timed = timeout != G_MAXINT;
  g_task_set_task_data (task, call, call_free);

  g_dbus_connection_call (connection, bus_name, object_path, interface_name, method_name,
                          parameters, reply_type, flags, timeout, G_CANCELLABLE (scope),
                          call_done, task);
}

/**
 * cancel_dbus_connection_call_finish:
 * @connection: the connection given to
 *   [func@Cancel.dbus_connection_call_async]
 * @result: the result given to its callback
 * @error: return location for an error
 *
 * The reply of a call made by [func@Cancel.dbus_connection_call_async].
 *
 * Call from the thread the callback ran in.
 *
 * Returns: (transfer full): the reply's parameters as a tuple, or %NULL
 *   with @error set
 *
 * Since: 0.2
 */
GVariant *
cancel_dbus_connection_call_finish (GDBusConnection  *connection,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (g_task_is_valid (result, connection), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cancel_dbus_connection_call_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
