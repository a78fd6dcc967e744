/* http.c: an HTTP server handler and a client with a deadline, both under
 * scopes (docs/integrations-http.md). Built and run by the test suite.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The server streams a chunk every 100 ms and never ends; the client gives
 * up after a second. The client's scope times out; the server's is cancelled
 * as DISCONNECTED and its timer stops.
 */

#include <locale.h>

#include <cancel-soup.h>

/* --- Server ------------------------------------------------------------ */

static gboolean
send_chunk (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_message_body_append (soup_server_message_get_response_body (msg),
                            SOUP_MEMORY_STATIC, "tick\n", 5);
  soup_server_message_unpause (msg);
  return G_SOURCE_CONTINUE;
}

static void
stop_chunks (GCancellable *scope,
             gpointer      source_id)
{
  g_source_remove (GPOINTER_TO_UINT (source_id));
}

static void
ticks_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  /* "GET /ticks", listed in the registry until the response is done. */
  CancelScope *scope = cancel_soup_server_message_get_scope (msg);
  guint source_id;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  source_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 100, send_chunk,
                                  g_object_ref (msg), g_object_unref);
  /* The client went away (CANCEL_REASON_DISCONNECTED): stop the work. */
  g_signal_connect (scope, "cancelled", G_CALLBACK (stop_chunks),
                    GUINT_TO_POINTER (source_id));
  soup_server_message_pause (msg);
}

/* --- Client ------------------------------------------------------------ */

static void
on_body (GObject      *session,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  body = cancel_soup_session_send_and_read_finish (SOUP_SESSION (session), result, &error);
  if (body == NULL)
    g_print ("%s\n", error->message);  /* "GET http://…/ticks: Operation “Fetch ticks” timed out: …" */
  *done = TRUE;
}

static void
fetch (SoupSession *session,
       const char  *url,
       gboolean    *done)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(CancelScope) scope = cancel_scope_new ("Fetch ticks");

  cancel_scope_set_timeout (scope, 1.0, NULL);
  cancel_soup_session_send_and_read_async (session, msg, scope, G_PRIORITY_DEFAULT,
                                           on_body, done);
}

/* ----------------------------------------------------------------------- */

int
main (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  /* timeout 0: the scope's deadline is the request's only timeout. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *url = NULL;
  CancelScope *request;
  GSList *uris;
  gboolean done = FALSE;

  setlocale (LC_ALL, "");
  soup_server_add_handler (server, "/ticks", ticks_handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s", error->message);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/ticks", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fetch (session, url, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* The server notices the closed connection at its next chunk. */
  requests = cancel_registry_find_by_name (cancel_registry_get_default (), "GET /ticks");
  g_assert (requests->len == 1);
  request = g_ptr_array_index (requests, 0);
  while (!cancel_status_is_final (cancel_scope_get_status (request)))
    g_main_context_iteration (NULL, TRUE);
  g_print ("%s: %s (%s)\n", cancel_scope_get_name (request),
           cancel_status_to_string (cancel_scope_get_status (request)),
           cancel_reason_to_string (cancel_scope_get_reason (request)));

  soup_server_disconnect (server);
  return cancel_scope_get_reason (request) == CANCEL_REASON_DISCONNECTED ? 0 : 1;
}
