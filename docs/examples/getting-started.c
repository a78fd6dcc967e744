/* getting-started.c: wait for a connection that never comes, and give up
 * after 50 ms.
 *
 *   cc getting-started.c $(pkg-config --cflags --libs cancelable-1)
 */
#include <cancelable.h>

static void
on_accepted (GObject      *listener,
             GAsyncResult *result,
             gpointer      data)
{
  CancelScope *scope = data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (listener),
                                                result, NULL, &error);
  if (connection != NULL)
    {
      cancel_scope_end (scope);                   /* COMPLETED */
      return;
    }

  /* GIO's own error, as with any GCancellable; the scope knows why. */
  g_print ("%s: %s (reason: %s)\n", cancel_scope_get_name (scope),
           cancel_scope_get_message (scope),
           cancel_reason_to_string (cancel_scope_get_reason (scope)));
  cancel_scope_fail (scope, error);               /* TIMED_OUT, not FAILED */
}

int
main (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Wait for a client");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;

  if (g_socket_listener_add_any_inet_port (listener, NULL, &error) == 0)
    g_error ("%s", error->message);

  cancel_scope_begin (scope);
  if (!cancel_scope_set_timeout (scope, 0.05, &error))
    g_error ("%s", error->message);

  /* The scope is a GCancellable: pass it to any GIO call. */
  g_socket_listener_accept_async (listener, G_CANCELLABLE (scope), on_accepted, scope);

  while (!cancel_status_is_final (cancel_scope_get_status (scope)))
    g_main_context_iteration (NULL, TRUE);

  g_print ("Final status: %s\n", cancel_status_to_string (cancel_scope_get_status (scope)));

  return cancel_scope_get_status (scope) == CANCEL_STATUS_TIMED_OUT ? 0 : 1;
}
