/* cancel-soup-session.c: HTTP requests under a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-soup.h"
#include "cancel-transfer-private.h"

/* Large enough that a fast local body costs few iterations, small enough
 * that progress moves on a slow one. */
#define READ_CHUNK (64 * 1024)

/* libsoup sees only a cancellable of this call's own, cancelled on the
 * session's thread: a scope is cancelled on any thread (its deadline fires
 * on a timer thread), and ::cancelled handlers run in the cancelling
 * thread, where libsoup's objects must not be touched. */
typedef struct
{
  CancelScope    *scope;
  GCancellable   *cancellable;
  gulong          cancelled_id;
  SoupMessage    *msg;
  GInputStream   *stream;
  GByteArray     *body;
  char           *what;       /* "GET http://host/path", for errors */
  int             io_priority;
  CancelTransfer  transfer;
} SendData;

static void
send_data_free (SendData *data)
{
  if (data->cancelled_id != 0)
    cancel_scope_disconnect_cancelled (data->scope, data->cancelled_id);
  g_clear_object (&data->scope);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->msg);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data->what);
  g_free (data);
}

static gboolean
scope_is_live (CancelScope *scope)
{
  return !cancel_status_is_final (cancel_scope_get_status (scope)) &&
         cancel_scope_get_status (scope) != CANCEL_STATUS_PENDING;
}

/* Fails @task with @error, or with the scope's own cancellation error when
 * the scope was cancelled (libsoup only knows "cancelled"; the scope knows
 * whether it was its deadline and why), naming the request either way. */
static void
send_fail (GTask  *task,
           GError *error)
{
  SendData *data = g_task_get_task_data (task);
  GError *reported = NULL;

  /* The session's own clock fired first: the request still has one
   * outcome, the scope's, so that nobody sees a timeout that the scope
   * does not know of. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf ("%s (%s)", error->message, "the SoupSession's timeout");
      cancel_scope_cancel (data->scope, CANCEL_REASON_TIMEOUT, message);
    }

  if (!cancel_scope_set_error_if_cancelled (data->scope, &reported))
    reported = g_steal_pointer (&error);
  g_clear_error (&error);

  /* Release the connection now, not when the caller drops the result
   * (a binding may keep it until its garbage collector runs): libsoup
   * closes a connection whose body stream goes unread and unreferenced. */
  g_clear_object (&data->stream);
  g_prefix_error (&reported, "%s: ", data->what);
  if (scope_is_live (data->scope))
    cancel_scope_fail (data->scope, reported);
  g_task_return_error (task, reported);
}

/* The total, when the bytes read will add up to it: a Content-Length
 * counts encoded bytes, and the session's content decoder changes them. */
static goffset
expected_total (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *coding = soup_message_headers_get_one (headers, "Content-Encoding");

  if (g_strcmp0 (soup_message_get_method (msg), SOUP_METHOD_HEAD) == 0)
    return 0;
  if (coding != NULL && g_ascii_strcasecmp (coding, "identity") != 0)
    return -1;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return -1;

  return soup_message_headers_get_content_length (headers);
}

static void read_next (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize size;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      send_fail (task, error);
      return;
    }

  size = g_bytes_get_size (chunk);
  if (size > 0)
    {
      g_byte_array_append (data->body, g_bytes_get_data (chunk, NULL), size);
      _cancel_transfer_add (&data->transfer, data->scope, size);
      read_next (g_steal_pointer (&task));
      return;
    }

  /* The end of the body. A scope cancelled in the meantime wins: its
   * owner asked for the work to stop and must not see it succeed. */
  if (cancel_scope_set_error_if_cancelled (data->scope, &error))
    {
      send_fail (task, error);
      return;
    }

  g_clear_object (&data->stream);
  if (data->transfer.total < 0 ||
      _cancel_transfer_get_done (&data->transfer) != data->transfer.reported)
    _cancel_transfer_report (&data->transfer, data->scope);
  if (scope_is_live (data->scope))
    cancel_scope_end (data->scope);
  g_task_return_pointer (task,
                         g_byte_array_free_to_bytes (g_steal_pointer (&data->body)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, data->io_priority,
                                   data->cancellable, on_read, task);
}

static void
on_scope_cancelled (CancelScope *scope,
                    gpointer     cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->stream == NULL)
    {
      send_fail (task, error);
      g_object_unref (task);
      return;
    }

  _cancel_transfer_init (&data->transfer, expected_total (data->msg));
  _cancel_transfer_report (&data->transfer, data->scope);
  data->body = g_byte_array_new ();
  read_next (task);
}

/**
 * cancel_soup_session_send_and_read_async:
 * @session: a session, best with [property@Soup.Session:timeout] set to 0
 * @msg: the request
 * @scope: a pending or running scope for this request alone
 * @io_priority: the I/O priority of the request
 * @callback: (scope async) (closure user_data): called when the body was
 *   read whole, or the request failed
 * @user_data: data for @callback
 *
 * Sends @msg on @session and reads the response body whole, under @scope:
 * @scope is begun if it is pending, it is the request's only cancellable,
 * and it is ended when the request completes ([method@Cancel.Scope.end]
 * with the body read, [method@Cancel.Scope.fail] otherwise). To make
 * several requests part of one operation, give each a child scope
 * ([ctor@Cancel.Scope.new_full]).
 *
 * The body is read in chunks and counted into @scope's progress: a
 * fraction of the response's `Content-Length`, or unknown (-1) without one
 * (chunked, or compressed and decoded by the session), and a message such
 * as “12.3 MiB of 40.0 MiB”.
 *
 * **One timeout.** @scope's deadline ([method@Cancel.Scope.set_timeout],
 * or an ancestor's) is the request's timeout: when it passes, the request
 * is cancelled and fails with %G_IO_ERROR_TIMED_OUT. Set the session's
 * [property@Soup.Session:timeout] to 0 so that it is the only one:
 * libsoup's default is 60 seconds without data on the socket. If that
 * clock fires first, the request still has one outcome: @scope is
 * cancelled with %CANCEL_REASON_TIMEOUT and a message naming the
 * session's timeout, ends %CANCEL_STATUS_TIMED_OUT, and the error is
 * %G_IO_ERROR_TIMED_OUT, as for the scope's own deadline; no timeout
 * reaches the caller that the scope does not record.
 * [property@Soup.Session:idle-timeout] only closes idle kept-alive
 * connections and may stay as it is.
 *
 * Errors name the request (“GET http://…: ”) before the cause. When @scope
 * was cancelled, the error is @scope's own
 * ([method@Cancel.Scope.set_error_if_cancelled]): %G_IO_ERROR_TIMED_OUT
 * with the scope's message for a timeout, %G_IO_ERROR_CANCELLED with the
 * reason and message otherwise. An HTTP error status is not a failure:
 * check soup_message_get_status() on @msg.
 *
 * Call from the thread whose thread-default main context @session was
 * made in (libsoup 3's rule); @callback runs there, and @scope ends there.
 * @scope may be cancelled from any thread: libsoup learns of it on the
 * calling thread, in a later iteration of its context.
 *
 * Since: 0.2
 */
void
cancel_soup_session_send_and_read_async (SoupSession         *session,
                                         SoupMessage         *msg,
                                         CancelScope         *scope,
                                         int                  io_priority,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;
  SendData *data;
  g_autofree char *uri = NULL;
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  g_return_if_fail (!cancel_status_is_final (cancel_scope_get_status (scope)));

  uri = g_uri_to_string_partial (soup_message_get_uri (msg), G_URI_HIDE_PASSWORD);
  data = g_new0 (SendData, 1);
  data->scope = g_object_ref (scope);
  data->msg = g_object_ref (msg);
  data->what = g_strdup_printf ("%s %s", soup_message_get_method (msg), uri);
  data->io_priority = io_priority;
  data->cancellable = g_cancellable_new ();

  task = g_task_new (session, NULL, callback, user_data);
  g_task_set_source_tag (task, cancel_soup_session_send_and_read_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  if (cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING)
    cancel_scope_begin (scope);

  if (g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    g_cancellable_cancel (data->cancellable);
  else
    data->cancelled_id = cancel_scope_connect_cancelled (scope, g_task_get_context (task),
                                                         on_scope_cancelled,
                                                         g_object_ref (data->cancellable),
                                                         g_object_unref);

  soup_session_send_async (session, msg, io_priority, data->cancellable, on_sent, task);
}

/**
 * cancel_soup_session_send_and_read_finish:
 * @session: the session given to the call
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [func@CancelSoup.session_send_and_read_async].
 *
 * Call from the thread @callback ran on.
 *
 * Returns: (transfer full): the response body, or %NULL with @error set
 *
 * Since: 0.2
 */
GBytes *
cancel_soup_session_send_and_read_finish (SoupSession   *session,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, cancel_soup_session_send_and_read_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
