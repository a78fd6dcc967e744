/* cancel-input-stream.c: an input stream that counts what is read from it
 * into a scope's progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-stream-private.h"

/**
 * CancelInputStream:
 *
 * A filter input stream that reports the bytes read through it as the
 * progress of a [class@Cancel.Scope] and stops when the scope is cancelled.
 *
 * The scope's progress becomes the fraction of
 * [property@Cancel.InputStream:total-size] read so far (-1 while the total
 * is unknown) and its message the sizes, as in “12.3 MiB of 40.0 MiB”.
 * Reports are coalesced (about a thousand per transfer, or one every
 * 256 KiB when the total is unknown), and a last one is made at the end of
 * the stream and when it is closed.
 *
 * Once the scope is cancelled, reads and skips fail with the scope's error
 * (%G_IO_ERROR_CANCELLED, or %G_IO_ERROR_TIMED_OUT for a deadline, with the
 * reason in the message), whatever cancellable the caller passes; a read
 * blocked in the base stream is interrupted, because the base stream is
 * given a cancellable that the scope and the caller's own both cancel.
 * [property@Cancel.InputStream:bytes-transferred] keeps the count: what
 * was read before the cancellation, the partial result.
 *
 * Skipped bytes count as transferred. Closing uses the caller's
 * cancellable only, so that a cancelled transfer can still release its
 * base stream. Like every stream, one operation at a time.
 *
 * Since: 0.2
 */
struct _CancelInputStream
{
  GFilterInputStream parent_instance;

  CancelStreamState state;
};

static GParamSpec *properties[CANCEL_STREAM_N_PROPS];

G_DEFINE_FINAL_TYPE (CancelInputStream, cancel_input_stream, G_TYPE_FILTER_INPUT_STREAM)

static GInputStream *
base_of (GInputStream *stream)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
}

/* A read of 0 bytes out of @count > 0 is the end of the stream. */
static void
count_read (CancelInputStream *self,
            gssize             n,
            gsize              count)
{
  if (n > 0)
    _cancel_transfer_add (&self->state.transfer, self->state.scope, n);
  else if (count > 0)
    _cancel_stream_state_finish (&self->state);
}

static gssize
cancel_input_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (stream);
  CancelStreamOp op;
  GError *local = NULL;
  gssize n;

  if (!_cancel_stream_op_begin (&op, self->state.scope, cancellable, error))
    return -1;
  n = g_input_stream_read (base_of (stream), buffer, count, op.cancellable, &local);
  _cancel_stream_op_end (&op, self->state.scope, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }

  count_read (self, n, count);
  return n;
}

static gssize
cancel_input_stream_skip (GInputStream  *stream,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (stream);
  CancelStreamOp op;
  GError *local = NULL;
  gssize n;

  if (!_cancel_stream_op_begin (&op, self->state.scope, cancellable, error))
    return -1;
  n = g_input_stream_skip (base_of (stream), count, op.cancellable, &local);
  _cancel_stream_op_end (&op, self->state.scope, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }

  count_read (self, n, count);
  return n;
}

static void
read_ready (GObject      *base,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CancelInputStream *self = g_task_get_source_object (task);
  gsize count = ((CancelStreamOp *) g_task_get_task_data (task))->count;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (base), result, &error);
  n = _cancel_stream_task_settle (task, self->state.scope, n, error);
  if (n < 0)
    return;

  /* Counted before the caller's callback runs, which may read the count. */
  count_read (self, n, count);
  g_task_return_int (task, n);
}

/* Forwarded to the base's own async read (a socket or an HTTP body stays
 * on its main context) instead of GInputStream's thread fallback, which
 * would read the base synchronously in a worker. */
static void
cancel_input_stream_read_async (GInputStream        *stream,
                                void                *buffer,
                                gsize                count,
                                int                  io_priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (stream);
  GTask *task;
  CancelStreamOp *op;

  task = _cancel_stream_task_new (stream, self->state.scope, cancellable, callback, user_data,
                                  cancel_input_stream_read_async);
  if (task == NULL)
    return;

  op = g_task_get_task_data (task);
  op->count = count;
  g_input_stream_read_async (base_of (stream), buffer, count, io_priority,
                             op->cancellable, read_ready, task);
}

static gssize
cancel_input_stream_read_finish (GInputStream  *stream,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
cancel_input_stream_close (GInputStream  *stream,
                           GCancellable  *cancellable,
                           GError       **error)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (stream);
  gboolean closed;

  closed = G_INPUT_STREAM_CLASS (cancel_input_stream_parent_class)->close_fn (stream, cancellable, error);
  _cancel_stream_state_finish (&self->state);

  return closed;
}

static void
close_ready (GObject      *base,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CancelInputStream *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_input_stream_close_finish (G_INPUT_STREAM (base), result, &error);
  _cancel_stream_state_finish (&self->state);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Forwarded too: GIO's fallback would close the base in a worker thread,
 * and make the last report there. */
static void
cancel_input_stream_close_async (GInputStream        *stream,
                                 int                  io_priority,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, cancel_input_stream_close_async);
  if (g_filter_input_stream_get_close_base_stream (G_FILTER_INPUT_STREAM (stream)))
    {
      g_input_stream_close_async (base_of (stream), io_priority, cancellable, close_ready, task);
      return;
    }

  _cancel_stream_state_finish (&self->state);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
cancel_input_stream_close_finish (GInputStream  *stream,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cancel_input_stream_constructed (GObject *object)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (object);

  G_OBJECT_CLASS (cancel_input_stream_parent_class)->constructed (object);

  g_assert (CANCEL_IS_SCOPE (self->state.scope));
  self->state.constructed = TRUE;
}

static void
cancel_input_stream_finalize (GObject *object)
{
  CancelInputStream *self = CANCEL_INPUT_STREAM (object);

  _cancel_stream_state_clear (&self->state);

  G_OBJECT_CLASS (cancel_input_stream_parent_class)->finalize (object);
}

static void
cancel_input_stream_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  _cancel_stream_get_property (&CANCEL_INPUT_STREAM (object)->state, prop_id, value);
}

static void
cancel_input_stream_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  if (!_cancel_stream_set_property (&CANCEL_INPUT_STREAM (object)->state, object,
                                    prop_id, value, pspec))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cancel_input_stream_class_init (CancelInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->constructed = cancel_input_stream_constructed;
  object_class->finalize = cancel_input_stream_finalize;
  object_class->get_property = cancel_input_stream_get_property;
  object_class->set_property = cancel_input_stream_set_property;

  stream_class->read_fn = cancel_input_stream_read;
  stream_class->skip = cancel_input_stream_skip;
  stream_class->read_async = cancel_input_stream_read_async;
  stream_class->read_finish = cancel_input_stream_read_finish;
  stream_class->close_fn = cancel_input_stream_close;
  stream_class->close_async = cancel_input_stream_close_async;
  stream_class->close_finish = cancel_input_stream_close_finish;

  /**
   * CancelInputStream:scope: (getter get_scope)
   *
   * The scope that gets the progress and whose cancellation stops the
   * stream.
   *
   * Since: 0.2
   */

  /**
   * CancelInputStream:total-size: (getter get_total_size) (setter set_total_size)
   *
   * How many bytes the whole stream has, or -1 when unknown (the progress
   * is then -1 too).
   *
   * Since: 0.2
   */

  /**
   * CancelInputStream:bytes-transferred: (getter get_bytes_transferred)
   *
   * How many bytes were read or skipped so far. Not notified (it changes
   * with every read); the scope's progress is.
   *
   * Since: 0.2
   */

  _cancel_stream_install_properties (object_class, properties);
}

static void
cancel_input_stream_init (CancelInputStream *self)
{
  _cancel_stream_state_init (&self->state);
}

/**
 * cancel_input_stream_new:
 * @base_stream: the stream to read from
 * @scope: the scope to report to and to stop with
 * @total_size: how many bytes @base_stream has, or -1 when unknown
 *
 * Wraps @base_stream so that what is read counts into @scope's progress.
 * @base_stream is closed with the wrapper (see
 * [property@Gio.FilterInputStream:close-base-stream]).
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (type CancelInputStream): the new stream
 *
 * Since: 0.2
 */
GInputStream *
cancel_input_stream_new (GInputStream *base_stream,
                         CancelScope  *scope,
                         goffset       total_size)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (base_stream), NULL);
  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (total_size >= -1, NULL);

  return g_object_new (CANCEL_TYPE_INPUT_STREAM,
                       "base-stream", base_stream,
                       "scope", scope,
                       "total-size", (gint64) total_size,
                       NULL);
}

/**
 * cancel_input_stream_get_scope: (get-property scope)
 * @self: a stream
 *
 * The scope the stream reports to.
 *
 * Callable from any thread.
 *
 * Returns: (transfer none): the scope
 *
 * Since: 0.2
 */
CancelScope *
cancel_input_stream_get_scope (CancelInputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_INPUT_STREAM (self), NULL);

  return self->state.scope;
}

/**
 * cancel_input_stream_get_total_size: (get-property total-size)
 * @self: a stream
 *
 * How many bytes the whole stream has.
 *
 * Call from the thread that uses the stream.
 *
 * Returns: the total, or -1 when unknown
 *
 * Since: 0.2
 */
goffset
cancel_input_stream_get_total_size (CancelInputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_INPUT_STREAM (self), -1);

  return self->state.transfer.total;
}

/**
 * cancel_input_stream_set_total_size: (set-property total-size)
 * @self: a stream
 * @total_size: how many bytes the whole stream has, or -1 when unknown
 *
 * Sets the total once it is known (say, when a Content-Length arrives),
 * and reports the progress over it at once.
 *
 * Call from the thread that uses the stream, between operations.
 *
 * Since: 0.2
 */
void
cancel_input_stream_set_total_size (CancelInputStream *self,
                                    goffset            total_size)
{
  g_return_if_fail (CANCEL_IS_INPUT_STREAM (self));
  g_return_if_fail (total_size >= -1);

  if (_cancel_stream_state_set_total (&self->state, total_size))
    g_object_notify_by_pspec (G_OBJECT (self), properties[CANCEL_STREAM_PROP_TOTAL_SIZE]);
}

/**
 * cancel_input_stream_get_bytes_transferred: (get-property bytes-transferred)
 * @self: a stream
 *
 * How many bytes were read or skipped so far; after a cancellation, what
 * was read before it.
 *
 * Callable from any thread.
 *
 * Returns: the count of bytes
 *
 * Since: 0.2
 */
goffset
cancel_input_stream_get_bytes_transferred (CancelInputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_INPUT_STREAM (self), 0);

  return _cancel_transfer_get_done (&self->state.transfer);
}
