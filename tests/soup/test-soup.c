/* test-soup.c: HTTP under scopes, against a SoupServer on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cancel-soup.h>

#include "../cancel-test-util.h"

/* The slow body: a chunk this often, for at most this many chunks (a
 * bound, should the cancellation under test never come). */
#define SLOW_INTERVAL_MS 50
#define SLOW_MAX_CHUNKS 400
#define CHUNK_SIZE 1024

typedef struct
{
  SoupServer  *server;
  GUri        *base;
  /* The last request to /slow, as its handler saw it. */
  CancelScope *slow_scope;
  guint        slow_source;
  guint        slow_chunks;
  gboolean     slow_stopped;   /* its timer was removed by the scope */
  /* The last request to /sized or /chunked. */
  CancelScope *sized_scope;
} Fixture;

static char chunk[CHUNK_SIZE];

static gboolean
slow_tick (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  Fixture *f = g_object_get_data (G_OBJECT (msg), "fixture");
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  f->slow_chunks++;
  if (f->slow_chunks >= SLOW_MAX_CHUNKS)
    {
      f->slow_source = 0;
      soup_message_body_complete (body);
      soup_server_message_unpause (msg);
      return G_SOURCE_REMOVE;
    }
  soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, sizeof chunk);
  soup_server_message_unpause (msg);
  return G_SOURCE_CONTINUE;
}

/* The work started for the request stops with its scope. ::cancelled runs
 * in the cancelling thread: the server's, here. */
static void
slow_cancelled (GCancellable *scope,
                Fixture      *f)
{
  g_clear_handle_id (&f->slow_source, g_source_remove);
  f->slow_stopped = TRUE;
}

static void
slow_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *f = user_data;
  CancelScope *scope = cancel_soup_server_message_get_scope (msg);

  g_assert_true (cancel_soup_server_message_get_scope (msg) == scope);
  g_set_object (&f->slow_scope, scope);
  f->slow_chunks = 0;
  f->slow_stopped = FALSE;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  g_object_set_data (G_OBJECT (msg), "fixture", f);
  /* The source holds the message: it is the server's until ::finished. */
  f->slow_source = g_timeout_add_full (G_PRIORITY_DEFAULT, SLOW_INTERVAL_MS, slow_tick,
                                       g_object_ref (msg), g_object_unref);
  g_signal_connect (scope, "cancelled", G_CALLBACK (slow_cancelled), f);
  soup_server_message_pause (msg);
}

/* Never answers: the message stays paused until the server goes. */
static void
stall_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_pause (msg);
}

/* /sized?n=N with a Content-Length, /chunked?n=N without. */
static void
sized_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *f = user_data;
  gsize n = g_ascii_strtoull (g_hash_table_lookup (query, "n"), NULL, 10);
  char *data = g_malloc (n);

  g_set_object (&f->sized_scope, cancel_soup_server_message_get_scope (msg));
  memset (data, 'b', n);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_TAKE, data, n);
  if (g_str_equal (path, "/chunked"))
    {
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_body_complete (soup_server_message_get_response_body (msg));
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  memset (chunk, 'a', sizeof chunk);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/slow", slow_handler, f, NULL);
  soup_server_add_handler (f->server, "/sized", sized_handler, f, NULL);
  soup_server_add_handler (f->server, "/chunked", sized_handler, f, NULL);
  soup_server_add_handler (f->server, "/stall", stall_handler, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  unused)
{
  g_clear_handle_id (&f->slow_source, g_source_remove);
  soup_server_disconnect (f->server);
  drain (NULL);
  g_clear_object (&f->slow_scope);
  g_clear_object (&f->sized_scope);
  g_assert_finalize_object (f->server);
  g_uri_unref (f->base);
}

static char *
url_for (Fixture    *f,
         const char *path_and_query)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (f->base, path_and_query, G_URI_FLAGS_NONE, NULL);

  return g_uri_to_string (uri);
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Result;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->body = cancel_soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
  g_assert_true ((r->body == NULL) != (r->error == NULL));
  r->done = TRUE;
}

/* Sends GET @url under @scope and waits for the outcome. */
static void
fetch (SoupSession *session,
       const char  *url,
       CancelScope *scope,
       Result      *r)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  cancel_soup_session_send_and_read_async (session, msg, scope, G_PRIORITY_DEFAULT, on_done, r);
  WAIT_UNTIL (NULL, r->done);
}

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_error (&r->error);
}

/* The server learns of a vanished client at its next chunk: wait for it. */
static void
assert_server_side_disconnected (Fixture *f)
{
  g_assert_nonnull (f->slow_scope);
  WAIT_UNTIL (NULL, cancel_status_is_final (cancel_scope_get_status (f->slow_scope)));
  g_assert_cmpint (cancel_scope_get_status (f->slow_scope), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (f->slow_scope), ==, CANCEL_REASON_DISCONNECTED);
  g_assert_nonnull (strstr (cancel_scope_get_message (f->slow_scope), "127.0.0.1"));
  g_assert_true (f->slow_stopped);
  g_assert_cmpuint (f->slow_source, ==, 0);
  g_assert_cmpuint (f->slow_chunks, <, SLOW_MAX_CHUNKS);
}

static void
test_deadline (Fixture       *f,
               gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 0, NULL);
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Slow download");
  g_autofree char *url = url_for (f, "/slow");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  /* The scope's deadline is the one timeout. */
  g_assert_cmpuint (soup_session_get_timeout (session), ==, 0);
  cancel_soup_session_send_and_read_async (session, msg, scope, G_PRIORITY_DEFAULT, on_done, &r);
  /* Armed once the body flows (a loaded machine may take longer than
   * 200 ms to connect), so that it cancels a body half read. */
  WAIT_UNTIL (NULL, f->slow_chunks >= 1);
  g_assert_true (cancel_scope_set_timeout (scope, 0.2, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (NULL, r.done);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (r.error->message, url));
  g_assert_true (g_str_has_prefix (r.error->message, "GET "));
  g_assert_nonnull (strstr (r.error->message, "Slow download"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);

  /* Abandoning the request cancels the handler's scope too. */
  assert_server_side_disconnected (f);
  result_clear (&r);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Cancelled download");
  g_autofree char *url = url_for (f, "/slow");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *progress = NULL;
  Result r = { 0 };

  cancel_soup_session_send_and_read_async (session, msg, scope, G_PRIORITY_DEFAULT, on_done, &r);
  WAIT_UNTIL (NULL, f->slow_chunks >= 3);
  g_assert_false (r.done);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_RUNNING);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stopped by the test");
  WAIT_UNTIL (NULL, r.done);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (r.error->message, url));
  g_assert_nonnull (strstr (r.error->message, "Stopped by the test"));
  g_assert_nonnull (strstr (r.error->message, "Manual"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  /* A chunked body: no total, so no fraction; the count is in the message. */
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1);
  progress = cancel_scope_dup_progress_message (scope);
  g_assert_nonnull (progress);

  assert_server_side_disconnected (f);
  result_clear (&r);
}

typedef struct
{
  double last;
  guint  count;
  gboolean decreased;
} Progress;

static void
on_progress (CancelScope *scope,
             double       fraction,
             const char  *message,
             Progress    *p)
{
  if (p->count > 0 && fraction < p->last)
    p->decreased = TRUE;
  p->last = fraction;
  p->count++;
}

static void
test_progress_known (Fixture       *f,
                     gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Sized download");
  g_autofree char *url = url_for (f, "/sized?n=3145728");
  g_autofree char *message = NULL;
  Progress p = { 0 };
  Result r = { 0 };

  g_signal_connect (scope, "progress", G_CALLBACK (on_progress), &p);
  fetch (session, url, scope, &r);
  drain (NULL);

  g_assert_no_error (r.error);
  g_assert_cmpuint (g_bytes_get_size (r.body), ==, 3145728);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 1.0);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "3.0\302\240MiB of 3.0\302\240MiB" /* no-break spaces */);
  g_assert_cmpuint (p.count, >=, 1);
  g_assert_cmpfloat (p.last, ==, 1.0);
  g_assert_false (p.decreased);

  /* The handler's scope completed, named after the request. */
  g_assert_nonnull (f->sized_scope);
  WAIT_UNTIL (NULL, cancel_status_is_final (cancel_scope_get_status (f->sized_scope)));
  g_assert_cmpint (cancel_scope_get_status (f->sized_scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpstr (cancel_scope_get_name (f->sized_scope), ==, "GET /sized");
  result_clear (&r);
}

static void
test_progress_unknown (Fixture       *f,
                       gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Chunked download");
  g_autofree char *url = url_for (f, "/chunked?n=1048576");
  g_autofree char *message = NULL;
  Result r = { 0 };

  fetch (session, url, scope, &r);

  g_assert_no_error (r.error);
  g_assert_cmpuint (g_bytes_get_size (r.body), ==, 1048576);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "1.0\302\240MiB");
  result_clear (&r);
}

/* A scope cancelled before the call: the request fails at once, its
 * scope begun and ended by the call all the same. */
static void
test_cancelled_before (Fixture       *f,
                       gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 0, NULL);
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Too late");
  g_autofree char *url = url_for (f, "/slow");
  Result r = { 0 };

  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Never mind");
  fetch (session, url, scope, &r);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (r.error->message, "Never mind"));
  g_assert_nonnull (strstr (r.error->message, url));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  result_clear (&r);
}

static void
test_unreachable (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Unreachable");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) kept = NULL;
  g_autofree char *url = NULL;
  Result r = { 0 };

  /* A port that was free a moment ago and is closed now. */
  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/nothing",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_listener_close (listener);

  fetch (session, url, scope, &r);

  g_assert_nonnull (r.error);
  g_assert_false (g_error_matches (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_nonnull (strstr (r.error->message, url));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  kept = cancel_scope_dup_error (scope);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->message, ==, r.error->message);
  result_clear (&r);
}

/* A client that reads the first bytes of the response, then hangs up. */
static void
test_server_disconnect (Fixture       *f,
                        gconstpointer  unused)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CancelRegistry) registry = NULL;
  const char *request = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  GInputStream *in;
  char buffer[256];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                g_uri_get_port (f->base), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  /* The server runs on this thread: read without blocking it. */
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  do
    {
      g_main_context_iteration (NULL, FALSE);
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buffer,
                                                    sizeof buffer, NULL, &error);
      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          g_clear_error (&error);
        }
    }
  while (n <= 0 || f->slow_chunks < 2);

  /* Running, and listed in the default registry like any operation. */
  g_assert_nonnull (f->slow_scope);
  g_assert_cmpint (cancel_scope_get_status (f->slow_scope), ==, CANCEL_STATUS_RUNNING);
  g_assert_cmpstr (cancel_scope_get_name (f->slow_scope), ==, "GET /slow");
  registry = cancel_scope_dup_registry (f->slow_scope);
  g_assert_true (registry == cancel_registry_get_default ());
  g_assert_true (cancel_registry_lookup (registry, cancel_scope_get_id (f->slow_scope)) ==
                 f->slow_scope);

  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  assert_server_side_disconnected (f);
}

static void
test_bad_input (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", "http://127.0.0.1:1/");
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Bad");

      cancel_soup_session_send_and_read_async (session, msg, NULL, 0, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CANCEL_IS_SCOPE*");
}

/* With libsoup's default of 60 s, the session's clock is a second one:
 * when it fires first, the scope still records the one outcome. */
static void
test_session_timeout (Fixture       *f,
                      gconstpointer  unused)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 1, NULL);
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Stalled download");
  g_autofree char *url = url_for (f, "/stall");
  Result r = { 0 };

  fetch (session, url, scope, &r);

  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (r.error->message, url));
  g_assert_nonnull (strstr (r.error->message, "SoupSession's timeout"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);
  g_assert_nonnull (strstr (cancel_scope_get_message (scope), "SoupSession's timeout"));
  result_clear (&r);
}

static void
test_ended_scope (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", "http://127.0.0.1:1/");
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Over");

      cancel_scope_begin (scope);
      cancel_scope_end (scope);
      cancel_soup_session_send_and_read_async (session, msg, scope, 0, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*cancel_status_is_final*");
}

static void
test_server_bad_input (void)
{
  if (g_test_subprocess ())
    {
      cancel_soup_server_message_get_scope (NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*SOUP_IS_SERVER_MESSAGE*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/CancelSoup/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("client/deadline", test_deadline);
  ADD ("client/cancel", test_cancel);
  ADD ("client/progress-known", test_progress_known);
  ADD ("client/progress-unknown", test_progress_unknown);
  ADD ("client/session-timeout", test_session_timeout);
  ADD ("client/cancelled-before", test_cancelled_before);
  ADD ("server/disconnect", test_server_disconnect);
#undef ADD
  g_test_add_func ("/CancelSoup/client/unreachable", test_unreachable);
  g_test_add_func ("/CancelSoup/client/bad-input", test_bad_input);
  g_test_add_func ("/CancelSoup/client/ended-scope", test_ended_scope);
  g_test_add_func ("/CancelSoup/server/bad-input", test_server_bad_input);

  return g_test_run ();
}
