/* cancel-output-stream.c: an output stream that counts what is written to
 * it into a scope's progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-stream-private.h"

/**
 * CancelOutputStream:
 *
 * A filter output stream that reports the bytes written through it as the
 * progress of a [class@Cancel.Scope] and stops when the scope is cancelled.
 *
 * It is the writing twin of [class@Cancel.InputStream]: the same progress
 * (“12.3 MiB of 40.0 MiB”, coalesced, a last report at close), the same
 * errors once the scope is cancelled, whatever cancellable the caller
 * passes, and a write blocked in the base stream is interrupted.
 * [property@Cancel.OutputStream:bytes-transferred] counts the bytes the
 * base stream accepted: after a cancellation, what the destination got.
 *
 * Flushing and closing use the caller's cancellable only, so that a
 * cancelled transfer can still flush what it wrote and release its base
 * stream. Like every stream, one operation at a time.
 *
 * Since: 0.2
 */
struct _CancelOutputStream
{
  GFilterOutputStream parent_instance;

  CancelStreamState state;
};

static GParamSpec *properties[CANCEL_STREAM_N_PROPS];

G_DEFINE_FINAL_TYPE (CancelOutputStream, cancel_output_stream, G_TYPE_FILTER_OUTPUT_STREAM)

static GOutputStream *
base_of (GOutputStream *stream)
{
  return g_filter_output_stream_get_base_stream (G_FILTER_OUTPUT_STREAM (stream));
}

static gssize
cancel_output_stream_write (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (stream);
  CancelStreamOp op;
  GError *local = NULL;
  gssize n;

  if (!_cancel_stream_op_begin (&op, self->state.scope, cancellable, error))
    return -1;
  n = g_output_stream_write (base_of (stream), buffer, count, op.cancellable, &local);
  _cancel_stream_op_end (&op, self->state.scope, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return -1;
    }

  _cancel_transfer_add (&self->state.transfer, self->state.scope, n);
  return n;
}

static void
write_ready (GObject      *base,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CancelOutputStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n;

  n = g_output_stream_write_finish (G_OUTPUT_STREAM (base), result, &error);
  n = _cancel_stream_task_settle (task, self->state.scope, n, error);
  if (n < 0)
    return;

  /* Counted before the caller's callback runs, which may read the count. */
  _cancel_transfer_add (&self->state.transfer, self->state.scope, n);
  g_task_return_int (task, n);
}

/* Forwarded to the base's own async write rather than GOutputStream's
 * thread fallback (which would write the base synchronously in a worker);
 * splice falls back on this, so a byte is counted once whichever path it
 * takes. */
static void
cancel_output_stream_write_async (GOutputStream       *stream,
                                  const void          *buffer,
                                  gsize                count,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (stream);
  GTask *task;
  CancelStreamOp *op;

  task = _cancel_stream_task_new (stream, self->state.scope, cancellable, callback, user_data,
                                  cancel_output_stream_write_async);
  if (task == NULL)
    return;

  op = g_task_get_task_data (task);
  g_output_stream_write_async (base_of (stream), buffer, count, io_priority,
                               op->cancellable, write_ready, task);
}

static gssize
cancel_output_stream_write_finish (GOutputStream  *stream,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
writev_ready (GObject      *base,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CancelOutputStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gsize written = 0;
  gssize n;

  g_output_stream_writev_finish (G_OUTPUT_STREAM (base), result, &written, &error);
  n = _cancel_stream_task_settle (task, self->state.scope, written, error);
  if (n < 0)
    return;

  _cancel_transfer_add (&self->state.transfer, self->state.scope, n);
  g_task_return_int (task, n);
}

/* GIO's writev fallback for a stream that is not pollable runs write_fn in
 * a worker thread; the base's own writev_async keeps to the caller's
 * context. */
static void
cancel_output_stream_writev_async (GOutputStream        *stream,
                                   const GOutputVector  *vectors,
                                   gsize                 n_vectors,
                                   int                   io_priority,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (stream);
  GTask *task;
  CancelStreamOp *op;

  task = _cancel_stream_task_new (stream, self->state.scope, cancellable, callback, user_data,
                                  cancel_output_stream_writev_async);
  if (task == NULL)
    return;

  op = g_task_get_task_data (task);
  g_output_stream_writev_async (base_of (stream), vectors, n_vectors, io_priority,
                                op->cancellable, writev_ready, task);
}

static gboolean
cancel_output_stream_writev_finish (GOutputStream  *stream,
                                    GAsyncResult   *result,
                                    gsize          *bytes_written,
                                    GError        **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (bytes_written != NULL)
    *bytes_written = MAX (n, 0);

  return n >= 0;
}

static void cancel_output_stream_flush_async (GOutputStream       *stream,
                                              int                  io_priority,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/* Flushing and closing: the caller's cancellable only, on the base's own
 * async calls (GIO's fallbacks would use a worker thread). */
static void
flushed_or_closed (GObject      *base,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CancelOutputStream *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (g_task_get_source_tag (task) == cancel_output_stream_flush_async)
    {
      g_output_stream_flush_finish (G_OUTPUT_STREAM (base), result, &error);
    }
  else
    {
      g_output_stream_close_finish (G_OUTPUT_STREAM (base), result, &error);
      _cancel_stream_state_finish (&self->state);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
cancel_output_stream_flush_async (GOutputStream       *stream,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, cancel_output_stream_flush_async);
  g_output_stream_flush_async (base_of (stream), io_priority, cancellable, flushed_or_closed, task);
}

static void
cancel_output_stream_close_async (GOutputStream       *stream,
                                  int                  io_priority,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, cancel_output_stream_close_async);
  if (g_filter_output_stream_get_close_base_stream (G_FILTER_OUTPUT_STREAM (stream)))
    {
      g_output_stream_close_async (base_of (stream), io_priority, cancellable, flushed_or_closed, task);
      return;
    }

  /* GOutputStream flushed us (and so the base) before calling this. */
  _cancel_stream_state_finish (&self->state);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
cancel_output_stream_flush_or_close_finish (GOutputStream  *stream,
                                            GAsyncResult   *result,
                                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
cancel_output_stream_close (GOutputStream  *stream,
                            GCancellable   *cancellable,
                            GError        **error)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (stream);
  gboolean closed;

  closed = G_OUTPUT_STREAM_CLASS (cancel_output_stream_parent_class)->close_fn (stream, cancellable, error);
  _cancel_stream_state_finish (&self->state);

  return closed;
}

static void
cancel_output_stream_constructed (GObject *object)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (object);

  G_OBJECT_CLASS (cancel_output_stream_parent_class)->constructed (object);

  g_assert (CANCEL_IS_SCOPE (self->state.scope));
  self->state.constructed = TRUE;
}

static void
cancel_output_stream_finalize (GObject *object)
{
  CancelOutputStream *self = CANCEL_OUTPUT_STREAM (object);

  _cancel_stream_state_clear (&self->state);

  G_OBJECT_CLASS (cancel_output_stream_parent_class)->finalize (object);
}

static void
cancel_output_stream_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  _cancel_stream_get_property (&CANCEL_OUTPUT_STREAM (object)->state, prop_id, value);
}

static void
cancel_output_stream_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  if (!_cancel_stream_set_property (&CANCEL_OUTPUT_STREAM (object)->state, object,
                                    prop_id, value, pspec))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cancel_output_stream_class_init (CancelOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->constructed = cancel_output_stream_constructed;
  object_class->finalize = cancel_output_stream_finalize;
  object_class->get_property = cancel_output_stream_get_property;
  object_class->set_property = cancel_output_stream_set_property;

  stream_class->write_fn = cancel_output_stream_write;
  stream_class->write_async = cancel_output_stream_write_async;
  stream_class->write_finish = cancel_output_stream_write_finish;
  stream_class->writev_async = cancel_output_stream_writev_async;
  stream_class->writev_finish = cancel_output_stream_writev_finish;
  stream_class->flush_async = cancel_output_stream_flush_async;
  stream_class->flush_finish = cancel_output_stream_flush_or_close_finish;
  stream_class->close_fn = cancel_output_stream_close;
  stream_class->close_async = cancel_output_stream_close_async;
  stream_class->close_finish = cancel_output_stream_flush_or_close_finish;

  /**
   * CancelOutputStream:scope: (getter get_scope)
   *
   * The scope that gets the progress and whose cancellation stops the
   * stream.
   *
   * Since: 0.2
   */

  /**
   * CancelOutputStream:total-size: (getter get_total_size) (setter set_total_size)
   *
   * How many bytes will be written in all, or -1 when unknown (the
   * progress is then -1 too).
   *
   * Since: 0.2
   */

  /**
   * CancelOutputStream:bytes-transferred: (getter get_bytes_transferred)
   *
   * How many bytes the base stream accepted so far. Not notified (it
   * changes with every write); the scope's progress is.
   *
   * Since: 0.2
   */

  _cancel_stream_install_properties (object_class, properties);
}

static void
cancel_output_stream_init (CancelOutputStream *self)
{
  _cancel_stream_state_init (&self->state);
}

/**
 * cancel_output_stream_new:
 * @base_stream: the stream to write to
 * @scope: the scope to report to and to stop with
 * @total_size: how many bytes will be written, or -1 when unknown
 *
 * Wraps @base_stream so that what is written counts into @scope's
 * progress. @base_stream is closed with the wrapper (see
 * [property@Gio.FilterOutputStream:close-base-stream]).
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (type CancelOutputStream): the new stream
 *
 * Since: 0.2
 */
GOutputStream *
cancel_output_stream_new (GOutputStream *base_stream,
                          CancelScope   *scope,
                          goffset        total_size)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (base_stream), NULL);
  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), NULL);
  g_return_val_if_fail (total_size >= -1, NULL);

  return g_object_new (CANCEL_TYPE_OUTPUT_STREAM,
                       "base-stream", base_stream,
                       "scope", scope,
                       "total-size", (gint64) total_size,
                       NULL);
}

/**
 * cancel_output_stream_get_scope: (get-property scope)
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
cancel_output_stream_get_scope (CancelOutputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_OUTPUT_STREAM (self), NULL);

  return self->state.scope;
}

/**
 * cancel_output_stream_get_total_size: (get-property total-size)
 * @self: a stream
 *
 * How many bytes will be written in all.
 *
 * Call from the thread that uses the stream.
 *
 * Returns: the total, or -1 when unknown
 *
 * Since: 0.2
 */
goffset
cancel_output_stream_get_total_size (CancelOutputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_OUTPUT_STREAM (self), -1);

  return self->state.transfer.total;
}

/**
 * cancel_output_stream_set_total_size: (set-property total-size)
 * @self: a stream
 * @total_size: how many bytes will be written, or -1 when unknown
 *
 * Sets the total once it is known, and reports the progress over it at
 * once.
 *
 * Call from the thread that uses the stream, between operations.
 *
 * Since: 0.2
 */
void
cancel_output_stream_set_total_size (CancelOutputStream *self,
                                     goffset             total_size)
{
  g_return_if_fail (CANCEL_IS_OUTPUT_STREAM (self));
  g_return_if_fail (total_size >= -1);

  if (_cancel_stream_state_set_total (&self->state, total_size))
    g_object_notify_by_pspec (G_OBJECT (self), properties[CANCEL_STREAM_PROP_TOTAL_SIZE]);
}

/**
 * cancel_output_stream_get_bytes_transferred: (get-property bytes-transferred)
 * @self: a stream
 *
 * How many bytes the base stream accepted so far; after a cancellation,
 * what the destination got.
 *
 * Callable from any thread.
 *
 * Returns: the count of bytes
 *
 * Since: 0.2
 */
goffset
cancel_output_stream_get_bytes_transferred (CancelOutputStream *self)
{
  g_return_val_if_fail (CANCEL_IS_OUTPUT_STREAM (self), 0);

  return _cancel_transfer_get_done (&self->state.transfer);
}
