/* cancel-demo-op-download.c: fetch a large body from an in-process server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <cancel-soup.h>

#include "cancel-demo-operation-private.h"

/* Both ends run on the main context: a SoupServer on 127.0.0.1 (one per
 * workspace, made on first use) streams a pseudo-random body at a set rate
 * under the request's own scope (cancel_soup_server_message_get_scope(),
 * listed in the monitor as "GET /blob"), and the operation downloads it
 * with cancel_soup_session_send_and_read_async() under the operation's
 * scope. Cancelling the download closes the connection, which cancels the
 * server's scope as DISCONNECTED; cancelling the server's scope (from the
 * monitor) closes the connection under the download, which fails. */

#define SERVER_KEY "cancel-demo-download-server"
#define SESSION_KEY "cancel-demo-download-session"
#define TICK_MS 20
#define MAX_CHUNK (256 * 1024)

typedef struct
{
  CancelScope *scope;   /* the request's, owned by its message */
  guint64      total;
  guint64      sent;
  guint64      rate;    /* bytes per second */
  guint64      seed;
  gint64       start;   /* monotonic */
  guint        source;
} Stream;

static void
stream_free (Stream *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
  g_free (stream);
}

static gboolean
stream_tick (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  Stream *stream = g_object_get_data (G_OBJECT (msg), "stream");
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  gint64 elapsed = g_get_monotonic_time () - stream->start;
  guint64 due = MIN (stream->total, (guint64) elapsed * stream->rate / G_USEC_PER_SEC);
  g_autofree char *sent = NULL;
  g_autofree char *total = NULL;
  g_autofree char *message = NULL;

  while (stream->sent < due)
    {
      gsize n = MIN (MAX_CHUNK, due - stream->sent);
      guint8 *chunk = g_malloc (n);

      _cancel_demo_fill_random (&stream->seed, chunk, n);
      soup_message_body_append (body, SOUP_MEMORY_TAKE, chunk, n);
      stream->sent += n;
    }

  sent = _cancel_demo_format_size (stream->sent);
  total = _cancel_demo_format_size (stream->total);
  /* Translators: the server's side, e.g. "Sent 12.0 MiB of 64.0 MiB" */
  message = g_strdup_printf (_("Sent %s of %s"), sent, total);
  cancel_scope_report_progress (stream->scope, (double) stream->sent / (double) stream->total,
                                message);

  if (stream->sent == stream->total)
    {
      stream->source = 0;
      soup_message_body_complete (body);
      soup_server_message_unpause (msg);
      return G_SOURCE_REMOVE;
    }

  soup_server_message_unpause (msg);
  return G_SOURCE_CONTINUE;
}

/* The work started for the request stops with its scope. When the client
 * went away that is all; when someone else cancelled it (the monitor), the
 * connection is shut so that the client does not wait for bytes that will
 * not come. Runs on the scope's owner context: the server's. */
static void
stream_cancelled (CancelScope *scope,
                  gpointer     user_data)
{
  SoupServerMessage *msg = user_data;
  Stream *stream = g_object_get_data (G_OBJECT (msg), "stream");
  GSocket *socket;

  g_clear_handle_id (&stream->source, g_source_remove);
  if (cancel_scope_get_reason (scope) == CANCEL_REASON_DISCONNECTED)
    return;

  socket = soup_server_message_get_socket (msg);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  /* libsoup notices the closed socket when it next writes. */
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_unpause (msg);
}

static void
stream_finished (SoupServerMessage *msg,
                 Stream            *stream)
{
  g_clear_handle_id (&stream->source, g_source_remove);
}

/* GET /blob?bytes=N&rate=R */
static void
blob_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  const char *bytes = query != NULL ? g_hash_table_lookup (query, "bytes") : NULL;
  const char *rate = query != NULL ? g_hash_table_lookup (query, "rate") : NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Stream *stream;

  if (bytes == NULL || rate == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }

  stream = g_new0 (Stream, 1);
  stream->scope = cancel_soup_server_message_get_scope (msg);
  stream->total = MAX (1, g_ascii_strtoull (bytes, NULL, 10));
  stream->rate = MAX (1, g_ascii_strtoull (rate, NULL, 10));
  stream->seed = cancel_scope_get_id (stream->scope) | 1;
  stream->start = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "stream", stream, (GDestroyNotify) stream_free);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  soup_message_headers_set_content_length (headers, stream->total);
  /* Written chunks are dropped, not kept for the whole response. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  stream->source = g_timeout_add_full (G_PRIORITY_DEFAULT, TICK_MS, stream_tick,
                                       g_object_ref (msg), g_object_unref);
  g_signal_connect (msg, "finished", G_CALLBACK (stream_finished), stream);
  cancel_scope_connect_cancelled (stream->scope, NULL, stream_cancelled,
                                  g_object_ref (msg), g_object_unref);
  soup_server_message_pause (msg);
}

static void
server_free (SoupServer *server)
{
  soup_server_disconnect (server);
  g_object_unref (server);
}

/* The workspace's server, listening on a random port of 127.0.0.1. */
static SoupServer *
ensure_server (CancelDemoWorkspace  *workspace,
               GError              **error)
{
  SoupServer *server = g_object_get_data (G_OBJECT (workspace), SERVER_KEY);

  if (server != NULL)
    return server;

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/blob", blob_handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_object_unref (server);
      return NULL;
    }

  g_object_set_data_full (G_OBJECT (workspace), SERVER_KEY, server, (GDestroyNotify) server_free);
  return server;
}

static SoupSession *
ensure_session (CancelDemoWorkspace *workspace)
{
  SoupSession *session = g_object_get_data (G_OBJECT (workspace), SESSION_KEY);

  if (session == NULL)
    {
      /* No timeout of the session's own: the scope's is the only one. */
      session = soup_session_new_with_options ("timeout", 0, NULL);
      g_object_set_data_full (G_OBJECT (workspace), SESSION_KEY, session, g_object_unref);
    }

  return session;
}

static void
download_done (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *size = NULL;
  GError *error = NULL;

  body = cancel_soup_session_send_and_read_finish (SOUP_SESSION (source_object), result, &error);
  if (body == NULL)
    {
      _cancel_demo_operation_return (task, NULL, error);
      return;
    }

  size = _cancel_demo_format_size (g_bytes_get_size (body));
  /* Translators: %s is a size, e.g. "64.0 MiB" */
  _cancel_demo_operation_return (task, g_strdup_printf (_("Downloaded %s"), size), NULL);
}

void
_cancel_demo_run_download (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *query = NULL;
  GSList *uris;
  GError *error = NULL;
  SoupServer *server;

  server = ensure_server (workspace, &error);
  if (server == NULL)
    {
      cancel_scope_begin (scope);
      _cancel_demo_operation_return (task, NULL, error);
      return;
    }

  uris = soup_server_get_uris (server);
  query = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "&rate=%" G_GUINT64_FORMAT,
                           sizes->download_bytes, sizes->download_rate);
  uri = g_uri_build (G_URI_FLAGS_NONE, "http", NULL, "127.0.0.1",
                     g_uri_get_port (uris->data), "/blob", query, NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  /* Begins the scope, counts the body into its progress and ends it. */
  cancel_soup_session_send_and_read_async (ensure_session (workspace), msg, scope,
                                           G_PRIORITY_DEFAULT, download_done, task);
}
