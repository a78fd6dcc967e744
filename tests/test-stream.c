/* test-stream.c: CancelInputStream and CancelOutputStream: progress and
 * messages, cancellation mid-transfer and the partial count, errors with
 * the reason, async paths, bad input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include <cancelable.h>

#include "stream-test-util.h"

static void
test_input_known_total (void)
{
  CancelScope *scope = new_private_scope (NULL, "Read");
  GInputStream *base = memory_input (3 * MIB);
  GInputStream *stream = cancel_input_stream_new (base, scope, 3 * MIB);
  CancelInputStream *counting = CANCEL_INPUT_STREAM (stream);
  g_autofree guint8 *buffer = g_malloc (4096);
  g_autoptr(GError) error = NULL;
  CancelScope *property_scope = NULL;
  gint64 total = 0, transferred = -1;
  gssize n;

  g_object_unref (base);
  cancel_scope_begin (scope);

  g_assert_true (cancel_input_stream_get_scope (counting) == scope);
  g_assert_cmpint (cancel_input_stream_get_total_size (counting), ==, 3 * MIB);
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (counting), ==, 0);
  g_assert_true (g_filter_input_stream_get_close_base_stream (G_FILTER_INPUT_STREAM (stream)));
  /* Construction reports nothing: the scope may be reporting its own. */
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1);

  while (cancel_input_stream_get_bytes_transferred (counting) < 3 * MIB / 2)
    {
      n = g_input_stream_read (stream, buffer, 4096, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 4096);
    }

  /* Coalesced, so up to a thousandth behind; the message is in sizes. */
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (counting), ==, 3 * MIB / 2);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), <=, 0.5);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), >=, 0.499);
  {
    g_autofree char *message = dup_message (scope);
    g_assert_cmpstr (message, ==, "1.5 MiB of 3.0 MiB");
  }

  g_object_get (stream,
                "scope", &property_scope,
                "total-size", &total,
                "bytes-transferred", &transferred,
                NULL);
  g_assert_true (property_scope == scope);
  g_assert_cmpint (total, ==, 3 * MIB);
  g_assert_cmpint (transferred, ==, 3 * MIB / 2);
  g_object_unref (property_scope);

  /* Skipped bytes count; the end of the stream reports the whole. */
  g_assert_cmpint (g_input_stream_skip (stream, MIB, NULL, &error), ==, MIB);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (stream, buffer, 4096, NULL, &error)) > 0)
    ;
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (counting), ==, 3 * MIB);
  assert_progress (scope, 1.0, "3.0 MiB of 3.0 MiB");

  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_progress (scope, 1.0, "3.0 MiB of 3.0 MiB");
  finish (scope, stream);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           int        *count)
{
  (*count)++;
}

static void
test_input_unknown_total (void)
{
  CancelScope *scope = new_private_scope (NULL, "Read");
  GInputStream *base = memory_input (600 * 1024);
  GInputStream *stream = cancel_input_stream_new (base, scope, -1);
  CancelInputStream *counting = CANCEL_INPUT_STREAM (stream);
  g_autofree guint8 *buffer = g_malloc (8192);
  g_autoptr(GError) error = NULL;
  int notified = 0;
  gssize n;

  g_object_unref (base);
  cancel_scope_begin (scope);
  g_signal_connect (stream, "notify::total-size", G_CALLBACK (on_notify), &notified);

  g_assert_cmpint (g_input_stream_read (stream, buffer, 8192, NULL, &error), ==, 8192);
  g_assert_no_error (error);
  assert_progress (scope, -1, "8.0 KiB");

  while ((n = g_input_stream_read (stream, buffer, 8192, NULL, &error)) > 0)
    g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1);
  g_assert_no_error (error);
  assert_progress (scope, -1, "600.0 KiB");

  /* A total that arrives late (a Content-Length) is reported at once. */
  cancel_input_stream_set_total_size (counting, 1200 * 1024);
  g_assert_cmpint (notified, ==, 1);
  assert_progress (scope, 0.5, "600.0 KiB of 1.2 MiB");
  cancel_input_stream_set_total_size (counting, 1200 * 1024);
  g_assert_cmpint (notified, ==, 1);
  g_object_set (stream, "total-size", (gint64) -1, NULL);
  g_assert_cmpint (notified, ==, 2);
  g_assert_cmpint (cancel_input_stream_get_total_size (counting), ==, -1);
  assert_progress (scope, -1, "600.0 KiB");

  finish (scope, stream);
}

static void
test_output_progress (void)
{
  CancelScope *scope = new_private_scope (NULL, "Write");
  GOutputStream *base = g_memory_output_stream_new_resizable ();
  GOutputStream *stream = cancel_output_stream_new (base, scope, 2 * MIB);
  CancelOutputStream *counting = CANCEL_OUTPUT_STREAM (stream);
  g_autofree guint8 *data = make_data (2 * MIB);
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  cancel_scope_begin (scope);
  g_assert_true (cancel_output_stream_get_scope (counting) == scope);
  g_assert_cmpint (cancel_output_stream_get_total_size (counting), ==, 2 * MIB);

  g_assert_true (g_output_stream_write_all (stream, data, MIB / 2, &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cancel_output_stream_get_bytes_transferred (counting), ==, MIB / 2);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), <=, 0.25);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), >=, 0.249);

  g_assert_true (g_output_stream_write_all (stream, data + MIB / 2, 3 * MIB / 2, &written,
                                            NULL, &error));
  g_assert_no_error (error);
  assert_progress (scope, 1.0, "2.0 MiB of 2.0 MiB");
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_is_closed (base));
  g_assert_cmpint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (base)), ==,
                   2 * MIB);
  g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (base)), 2 * MIB,
                   data, 2 * MIB);
  g_object_unref (base);
  finish (scope, stream);

  /* Unknown total: sizes alone, and closing reports the last count. */
  scope = new_private_scope (NULL, "Write");
  base = g_memory_output_stream_new_resizable ();
  stream = cancel_output_stream_new (base, scope, -1);
  g_object_unref (base);
  cancel_scope_begin (scope);
  g_assert_true (g_output_stream_write_all (stream, data, 1000, NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (stream, data, 24, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_progress (scope, -1, "1000 bytes");
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  assert_progress (scope, -1, "1.0 KiB");
  cancel_output_stream_set_total_size (CANCEL_OUTPUT_STREAM (stream), 2048);
  assert_progress (scope, 0.5, "1.0 KiB of 2.0 KiB");
  finish (scope, stream);
}

static void
assert_scope_error (const GError *error,
                    const char   *reason)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, reason));
}

static void
test_after_cancel (void)
{
  CancelScope *scope = new_private_scope (NULL, "Transfer");
  GInputStream *base = memory_input (4096);
  GInputStream *input = cancel_input_stream_new (base, scope, 4096);
  GOutputStream *sink = g_memory_output_stream_new_resizable ();
  GOutputStream *output = cancel_output_stream_new (sink, scope, 4096);
  g_autoptr(GCancellable) own = g_cancellable_new ();
  guint8 buffer[1024];
  GError *error = NULL;

  g_object_unref (base);
  g_object_unref (sink);
  cancel_scope_begin (scope);
  g_assert_cmpint (g_input_stream_read (input, buffer, 1024, NULL, &error), ==, 1024);
  g_assert_cmpint (g_output_stream_write (output, buffer, 1024, NULL, &error), ==, 1024);
  g_assert_no_error (error);

  /* The caller's own cancellable alone stops the call, as usual. */
  g_cancellable_cancel (own);
  g_assert_cmpint (g_input_stream_read (input, buffer, 1024, own, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_cancellable_reset (own);

  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "User pressed Stop"));

  /* With no cancellable, with another one, and with the scope itself:
   * the scope's reason each time, and no byte moves. */
  g_assert_cmpint (g_input_stream_read (input, buffer, 1024, NULL, &error), ==, -1);
  assert_scope_error (error, "User pressed Stop");
  g_clear_error (&error);
  g_assert_cmpint (g_input_stream_read (input, buffer, 1024, own, &error), ==, -1);
  assert_scope_error (error, "User pressed Stop");
  g_clear_error (&error);
  g_assert_cmpint (g_input_stream_skip (input, 1024, G_CANCELLABLE (scope), &error), ==, -1);
  assert_scope_error (error, "User pressed Stop");
  g_clear_error (&error);
  g_assert_cmpint (g_output_stream_write (output, buffer, 1024, NULL, &error), ==, -1);
  assert_scope_error (error, "User pressed Stop");
  g_clear_error (&error);
  g_assert_cmpint (g_output_stream_write (output, buffer, 1024, own, &error), ==, -1);
  assert_scope_error (error, "User pressed Stop");
  g_clear_error (&error);

  /* The partial result stays, and closing still works. */
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input)), ==, 1024);
  g_assert_cmpint (cancel_output_stream_get_bytes_transferred (CANCEL_OUTPUT_STREAM (output)), ==, 1024);
  g_assert_true (g_input_stream_close (input, NULL, &error));
  g_assert_true (g_output_stream_close (output, NULL, &error));
  g_assert_no_error (error);
  assert_progress (scope, 0.25, "1.0 KiB of 4.0 KiB");

  cancel_scope_end (scope);
  finalize (input);
  finish (scope, output);
}

/* A deadline makes the read fail with TIMED_OUT, as the scope's own
 * errors do. */
static void
test_after_timeout (void)
{
  CancelScope *scope = new_private_scope (NULL, "Slow read");
  GInputStream *base = memory_input (16);
  GInputStream *input = cancel_input_stream_new (base, scope, 16);
  guint8 buffer[16];
  GError *error = NULL;

  g_object_unref (base);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.001, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (scope)));

  g_assert_cmpint (g_input_stream_read (input, buffer, 16, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "Slow read"));
  g_clear_error (&error);
  finish (scope, input);
}

/* ------------------------------------------------------------------ */
/* Cancellation mid-splice, over a pipe                               */

typedef enum {
  CANCEL_THE_SCOPE,           /* the splice has no cancellable */
  CANCEL_THE_SCOPE_CHAINED,   /* the splice has its own, not cancelled */
  CANCEL_THE_CALLER,          /* the splice's own is cancelled */
} MidCancel;

typedef struct
{
  GOutputStream *sink;
  GInputStream  *input;
  GCancellable  *own;
  GError        *error;
  gssize         spliced;
} Splice;

static gpointer
splice_thread (gpointer data)
{
  Splice *splice = data;

  splice->spliced = g_output_stream_splice (splice->sink, splice->input,
                                            G_OUTPUT_STREAM_SPLICE_NONE,
                                            splice->own, &splice->error);
  return NULL;
}

static void
test_cancel_mid_splice (gconstpointer data)
{
  MidCancel how = GPOINTER_TO_INT (data);
  const gsize half = 2 * MIB;
  CancelScope *scope = new_private_scope (NULL, "Copy");
  g_autofree guint8 *bytes = make_data (half);
  g_autoptr(GError) error = NULL;
  GOutputStream *writer;
  GInputStream *base;
  GThread *thread;
  Splice splice = { 0 };
  int fds[2];

  g_assert_no_errno (pipe (fds));
  base = g_unix_input_stream_new (fds[0], TRUE);
  writer = g_unix_output_stream_new (fds[1], TRUE);
  splice.sink = g_memory_output_stream_new_resizable ();
  splice.input = cancel_input_stream_new (base, scope, 2 * half);
  splice.own = how == CANCEL_THE_SCOPE ? NULL : g_cancellable_new ();
  g_object_unref (base);
  cancel_scope_begin (scope);

  /* Half the data goes through; then the splice blocks in a read of the
   * pipe, which only a cancellation can end. */
  thread = g_thread_new ("splice", splice_thread, &splice);
  g_assert_true (g_output_stream_write_all (writer, bytes, half, NULL, NULL, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (NULL, cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (splice.input)) == (goffset) half);

  if (how == CANCEL_THE_CALLER)
    g_cancellable_cancel (splice.own);
  else
    cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stopped at half");
  g_thread_join (thread);

  g_assert_cmpint (splice.spliced, ==, -1);
  if (how == CANCEL_THE_CALLER)
    {
      g_assert_error (splice.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
    }
  else
    {
      assert_scope_error (splice.error, "Stopped at half");
    }
  g_clear_error (&splice.error);

  /* The partial result: what the destination got, readable afterwards. */
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (splice.input)), ==, half);
  g_assert_cmpint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (splice.sink)), ==, half);
  g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (splice.sink)), half,
                   bytes, half);
  g_assert_true (g_input_stream_close (splice.input, NULL, &error));
  g_assert_no_error (error);
  assert_progress (scope, 0.5, "2.0 MiB of 4.0 MiB");

  g_object_unref (writer);
  g_object_unref (splice.sink);
  g_clear_object (&splice.own);
  finish (scope, splice.input);
}

/* ------------------------------------------------------------------ */
/* Async paths                                                         */

static void
test_async_counts_once (void)
{
  CancelScope *reading = new_private_scope (NULL, "Read");
  CancelScope *writing = new_private_scope (NULL, "Write");
  GInputStream *base = memory_input (MIB);
  GInputStream *input = cancel_input_stream_new (base, reading, MIB);
  GOutputStream *sink = g_memory_output_stream_new_resizable ();
  GOutputStream *output = cancel_output_stream_new (sink, writing, -1);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  g_autofree guint8 *data = make_data (4096);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GOutputVector vectors[2] = { { data, 1000 }, { data + 1000, 3096 } };
  Result r = { 0 };
  gsize written = 0;
  goffset skipped;
  gssize spliced;

  cancel_scope_begin (reading);
  cancel_scope_begin (writing);

  g_input_stream_read_async (input, buffer, 64 * 1024, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_cmpint (g_input_stream_read_finish (input, result, &error), ==, 64 * 1024);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input)), ==, 64 * 1024);

  g_input_stream_skip_async (input, 64 * 1024, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_cmpint (g_input_stream_skip_finish (input, result, &error), >, 0);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Write a part through writev, then splice the rest of the input. */
  g_output_stream_writev_all_async (output, vectors, 2, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_true (g_output_stream_writev_all_finish (output, result, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpint (written, ==, 4096);
  g_clear_object (&result);
  g_assert_cmpint (cancel_output_stream_get_bytes_transferred (CANCEL_OUTPUT_STREAM (output)), ==, 4096);

  g_output_stream_flush_async (output, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_true (g_output_stream_flush_finish (output, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  skipped = cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input));
  g_assert_cmpint (skipped, >, 64 * 1024);
  g_output_stream_splice_async (output, input,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  spliced = g_output_stream_splice_finish (output, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);  /* it holds the input */
  g_assert_cmpint (spliced, ==, MIB - skipped);

  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input)), ==, MIB);
  g_assert_cmpint (cancel_output_stream_get_bytes_transferred (CANCEL_OUTPUT_STREAM (output)), ==,
                   4096 + spliced);
  g_assert_cmpint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (sink)), ==,
                   4096 + spliced);
  /* The splice closed both wrappers, and they their base streams. */
  g_assert_true (g_output_stream_is_closed (sink));
  g_assert_true (g_input_stream_is_closed (base));
  assert_progress (reading, 1.0, "1.0 MiB of 1.0 MiB");

  g_object_unref (sink);
  g_object_unref (base);
  cancel_scope_end (reading);
  finalize (input);
  finalize (reading);
  finish (writing, output);
}

/* An async close with close-base-stream off leaves the base open and
 * makes the last report all the same. */
static void
test_async_close_keeps_base (void)
{
  CancelScope *scope = new_private_scope (NULL, "Keep");
  GInputStream *base = memory_input (1000);
  GOutputStream *sink = g_memory_output_stream_new_resizable ();
  GInputStream *input = cancel_input_stream_new (base, scope, -1);
  GOutputStream *output = cancel_output_stream_new (sink, scope, -1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint8 buffer[1000];
  Result r = { 0 };

  cancel_scope_begin (scope);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  g_filter_output_stream_set_close_base_stream (G_FILTER_OUTPUT_STREAM (output), FALSE);
  /* The first read and write are reported, the second ones are under the
   * step: only closing reports them. */
  g_assert_cmpint (g_input_stream_read (input, buffer, 10, NULL, &error), ==, 10);
  g_assert_cmpint (g_input_stream_read (input, buffer, 10, NULL, &error), ==, 10);
  g_assert_true (g_output_stream_write_all (output, buffer, 10, NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (output, buffer, 10, NULL, NULL, &error));
  g_assert_no_error (error);

  cancel_scope_report_progress (scope, 0.0, "Before");
  g_input_stream_close_async (input, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_true (g_input_stream_close_finish (input, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (g_input_stream_is_closed (base));
  assert_progress (scope, -1, "20 bytes");

  cancel_scope_report_progress (scope, 0.0, "Before");
  g_output_stream_close_async (output, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_true (g_output_stream_close_finish (output, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (g_output_stream_is_closed (sink));
  assert_progress (scope, -1, "20 bytes");

  g_object_unref (base);
  g_object_unref (sink);
  finalize (input);
  finish (scope, output);
}

/* An async read blocked on an empty pipe ends when the scope is
 * cancelled, with the scope's reason; so does an async write that
 * starts after it. */
static void
test_async_cancel (void)
{
  CancelScope *scope = new_private_scope (NULL, "Async");
  g_autoptr(GCancellable) own = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  GOutputStream *output;
  GInputStream *input;
  guint8 buffer[256];
  GError *error = NULL;
  Result r = { 0 };
  int fds[2];

  g_assert_no_errno (pipe (fds));
  input = g_unix_input_stream_new (fds[0], TRUE);
  output = g_unix_output_stream_new (fds[1], TRUE);
  {
    GInputStream *wrapped = cancel_input_stream_new (input, scope, -1);
    GOutputStream *wrapped_out = cancel_output_stream_new (output, scope, -1);

    g_object_unref (input);
    g_object_unref (output);
    input = wrapped;
    output = wrapped_out;
  }
  cancel_scope_begin (scope);

  g_assert_cmpint (g_output_stream_write (output, "hello", 5, NULL, &error), ==, 5);
  g_input_stream_read_async (input, buffer, sizeof buffer, G_PRIORITY_DEFAULT, own, store_result, &r);
  result = wait_result (&r);
  g_assert_cmpint (g_input_stream_read_finish (input, result, &error), ==, 5);
  g_assert_no_error (error);
  g_clear_object (&result);

  g_input_stream_read_async (input, buffer, sizeof buffer, G_PRIORITY_DEFAULT, own, store_result, &r);
  drain (NULL);
  g_assert_null (r.result);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Window closed");
  result = wait_result (&r);
  g_assert_cmpint (g_input_stream_read_finish (input, result, &error), ==, -1);
  assert_scope_error (error, "Window closed");
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_false (g_cancellable_is_cancelled (own));

  g_output_stream_write_async (output, "more", 4, G_PRIORITY_DEFAULT, NULL, store_result, &r);
  result = wait_result (&r);
  g_assert_cmpint (g_output_stream_write_finish (output, result, &error), ==, -1);
  assert_scope_error (error, "Window closed");
  g_clear_error (&error);
  g_clear_object (&result);

  g_assert_cmpint (cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input)), ==, 5);
  g_assert_cmpint (cancel_output_stream_get_bytes_transferred (CANCEL_OUTPUT_STREAM (output)), ==, 5);
  cancel_scope_end (scope);
  finalize (input);
  finish (scope, output);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                           */

static void
test_bad_input (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = new_private_scope (NULL, "Bad");
      g_autoptr(GInputStream) base = memory_input (16);
      g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
      g_autoptr(GInputStream) input = cancel_input_stream_new (base, scope, 16);

      criticals_not_fatal ();
      g_assert_null (cancel_input_stream_new (NULL, scope, -1));
      g_assert_null (cancel_input_stream_new (base, NULL, -1));
      g_assert_null (cancel_input_stream_new (base, scope, -2));
      g_assert_null (cancel_output_stream_new (NULL, scope, -1));
      g_assert_null (cancel_output_stream_new (sink, NULL, -1));
      g_assert_null (cancel_output_stream_new (sink, scope, -2));
      g_assert_null (cancel_input_stream_get_scope (NULL));
      cancel_input_stream_set_total_size (CANCEL_INPUT_STREAM (input), -5);
      g_assert_cmpint (cancel_input_stream_get_total_size (CANCEL_INPUT_STREAM (input)), ==, 16);
      cancel_scope_report_bytes (NULL, 1, 2);
      cancel_scope_report_bytes (scope, -1, 2);
      cancel_scope_file_progress (1, 2, NULL);
      g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, -1);
      return;
    }

  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_input_stream_new*G_IS_INPUT_STREAM*"
                             "*CRITICAL*cancel_input_stream_new*CANCEL_IS_SCOPE*"
                             "*CRITICAL*cancel_input_stream_new*total_size*"
                             "*CRITICAL*cancel_output_stream_new*G_IS_OUTPUT_STREAM*"
                             "*CRITICAL*cancel_output_stream_new*CANCEL_IS_SCOPE*"
                             "*CRITICAL*cancel_output_stream_new*total_size*"
                             "*CRITICAL*cancel_input_stream_get_scope*"
                             "*CRITICAL*cancel_input_stream_set_total_size*"
                             "*CRITICAL*cancel_scope_report_bytes*CANCEL_IS_SCOPE*"
                             "*CRITICAL*cancel_scope_report_bytes*current*"
                             "*CRITICAL*cancel_scope_file_progress*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Stream/input-known-total", test_input_known_total);
  g_test_add_func ("/Cancel/Stream/input-unknown-total", test_input_unknown_total);
  g_test_add_func ("/Cancel/Stream/output-progress", test_output_progress);
  g_test_add_func ("/Cancel/Stream/after-cancel", test_after_cancel);
  g_test_add_func ("/Cancel/Stream/after-timeout", test_after_timeout);
  g_test_add_data_func ("/Cancel/Stream/mid-splice/scope",
                        GINT_TO_POINTER (CANCEL_THE_SCOPE), test_cancel_mid_splice);
  g_test_add_data_func ("/Cancel/Stream/mid-splice/scope-chained",
                        GINT_TO_POINTER (CANCEL_THE_SCOPE_CHAINED), test_cancel_mid_splice);
  g_test_add_data_func ("/Cancel/Stream/mid-splice/caller",
                        GINT_TO_POINTER (CANCEL_THE_CALLER), test_cancel_mid_splice);
  g_test_add_func ("/Cancel/Stream/async-counts-once", test_async_counts_once);
  g_test_add_func ("/Cancel/Stream/async-cancel", test_async_cancel);
  g_test_add_func ("/Cancel/Stream/async-close-keeps-base", test_async_close_keeps_base);
  g_test_add_func ("/Cancel/Stream/bad-input", test_bad_input);

  return g_test_run ();
}
