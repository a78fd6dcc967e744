/* cancel-soup-server.c: a scope for each request a SoupServer handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-soup.h"

#define SCOPE_KEY "cancel-soup-request-scope"

/* Lives as long as the message, as its object data: the signal handlers
 * below point at it and are never disconnected (the message goes first). */
typedef struct
{
  CancelScope *scope;
  char        *peer;
  gboolean     wrote_body;
} RequestScope;

static gboolean
scope_is_live (CancelScope *scope)
{
  return !cancel_status_is_final (cancel_scope_get_status (scope));
}

static void
cancel_disconnected (RequestScope *request)
{
  g_autofree char *message = NULL;

  if (request->wrote_body || !scope_is_live (request->scope))
    return;

  message = g_strdup_printf (_("Client %s disconnected before the response was complete"),
                             request->peer != NULL ? request->peer : "?");
  cancel_scope_cancel (request->scope, CANCEL_REASON_DISCONNECTED, message);
}

static void
request_scope_free (RequestScope *request)
{
  /* The server dropped the message without finishing it (it was
   * disposed, or the connection went before ::finished could run). */
  if (scope_is_live (request->scope))
    {
      cancel_disconnected (request);
      cancel_scope_end (request->scope);
    }
  g_object_unref (request->scope);
  g_free (request->peer);
  g_free (request);
}

static void
on_wrote_body (SoupServerMessage *msg,
               RequestScope      *request)
{
  request->wrote_body = TRUE;
}

static void
on_disconnected (SoupServerMessage *msg,
                 RequestScope      *request)
{
  cancel_disconnected (request);
}

/* libsoup finishes a message whose response could not be written too:
 * no ::wrote-body before it means the client went away. */
static void
on_finished (SoupServerMessage *msg,
             RequestScope      *request)
{
  cancel_disconnected (request);
  if (scope_is_live (request->scope))
    cancel_scope_end (request->scope);
}

/**
 * cancel_soup_server_message_get_scope:
 * @msg: a request being handled by a [class@Soup.Server]
 *
 * The scope of the request @msg, made, begun and registered by the first
 * call (in the handler, usually): it is named after the method and path
 * (“GET /files/big”), so the registry and the monitor list each request as
 * its own operation.
 *
 * When the client disconnects before the whole response was written,
 * the scope is cancelled with %CANCEL_REASON_DISCONNECTED: stop the work
 * started for the request from the scope ([signal@Gio.Cancellable::cancelled],
 * [method@Cancel.Scope.connect_cancelled], or by giving it to the calls the
 * work makes). The scope ends when libsoup finishes the message
 * ([signal@Soup.ServerMessage::finished]): completed if the response was
 * written whole and nobody cancelled it, cancelled otherwise. It is the
 * handler's to cancel for its own reasons too (a deadline with
 * [method@Cancel.Scope.set_timeout], say); ending it is libsoup's.
 *
 * libsoup notices a vanished client when it next reads or writes the
 * connection: a handler that streams a body (or pauses the message while
 * it works) learns of it at its next chunk at the latest.
 *
 * Call from the thread running the server's main context (libsoup 3's
 * rule); the scope is cancelled and ended on that thread.
 *
 * Returns: (transfer none): the scope, alive as long as @msg
 *
 * Since: 0.2
 */
CancelScope *
cancel_soup_server_message_get_scope (SoupServerMessage *msg)
{
  RequestScope *request;
  g_autofree char *name = NULL;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  request = g_object_get_data (G_OBJECT (msg), SCOPE_KEY);
  if (request != NULL)
    return request->scope;

  name = g_strdup_printf ("%s %s", soup_server_message_get_method (msg),
                          g_uri_get_path (soup_server_message_get_uri (msg)));
  request = g_new0 (RequestScope, 1);
  request->scope = cancel_scope_new (name);
  request->peer = g_strdup (soup_server_message_get_remote_host (msg));
  g_object_set_data_full (G_OBJECT (msg), SCOPE_KEY, request,
                          (GDestroyNotify) request_scope_free);

  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), request);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), request);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), request);

  cancel_scope_begin (request->scope);

  return request->scope;
}
