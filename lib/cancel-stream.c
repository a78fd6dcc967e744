/* cancel-stream.c: what the two stream wrappers share (counting state,
 * chained cancellables, errors that carry the scope's reason)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-stream-private.h"

void
_cancel_stream_state_init (CancelStreamState *state)
{
  state->scope = NULL;
  state->constructed = FALSE;
  _cancel_transfer_init (&state->transfer, -1);
}

void
_cancel_stream_state_clear (CancelStreamState *state)
{
  g_clear_object (&state->scope);
}

gboolean
_cancel_stream_state_set_total (CancelStreamState *state,
                                goffset            total)
{
  if (state->transfer.total == total)
    return FALSE;

  state->transfer.total = total;
  if (state->constructed)
    _cancel_transfer_report (&state->transfer, state->scope);

  return TRUE;
}

void
_cancel_stream_state_finish (CancelStreamState *state)
{
  if (state->transfer.reported != _cancel_transfer_get_done (&state->transfer))
    _cancel_transfer_report (&state->transfer, state->scope);
}

/* ------------------------------------------------------------------ */
/* One operation                                                       */

static void
forward_cancel (GCancellable *cancellable,
                gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

gboolean
_cancel_stream_op_begin (CancelStreamOp  *op,
                         CancelScope     *scope,
                         GCancellable    *cancellable,
                         GError         **error)
{
  memset (op, 0, sizeof *op);

  if (cancel_scope_set_error_if_cancelled (scope, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (cancellable == NULL || cancellable == G_CANCELLABLE (scope))
    {
      op->cancellable = g_object_ref (G_CANCELLABLE (scope));
      return TRUE;
    }

  /* Both must stop a blocked read: the caller expects its own cancellable
   * to work as with any stream, and the scope is why the wrapper exists. */
  op->cancellable = g_cancellable_new ();
  op->caller = g_object_ref (cancellable);
  op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                              g_object_ref (op->cancellable), g_object_unref);
  op->scope_handler = g_cancellable_connect (G_CANCELLABLE (scope), G_CALLBACK (forward_cancel),
                                             g_object_ref (op->cancellable), g_object_unref);

  return TRUE;
}

void
_cancel_stream_op_end (CancelStreamOp  *op,
                       CancelScope     *scope,
                       GError         **error)
{
  if (op->caller != NULL)
    {
      g_cancellable_disconnect (op->caller, op->caller_handler);
      g_cancellable_disconnect (G_CANCELLABLE (scope), op->scope_handler);
      g_clear_object (&op->caller);
    }
  g_clear_object (&op->cancellable);

  /* The base says "Operation was cancelled"; the scope says why. */
  if (error != NULL && *error != NULL &&
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    {
      GError *reason = NULL;

      /* A reset in between leaves the base's error, never none. */
      if (cancel_scope_set_error_if_cancelled (scope, &reason))
        {
          g_clear_error (error);
          g_propagate_error (error, reason);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Async halves                                                        */

static void
op_free (gpointer data)
{
  CancelStreamOp *op = data;

  /* Settled ops are ended already; this is for tasks dropped early. */
  g_clear_object (&op->cancellable);
  g_free (op);
}

GTask *
_cancel_stream_task_new (gpointer             source_object,
                         CancelScope         *scope,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  CancelStreamOp *op = g_new0 (CancelStreamOp, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  /* The base stream checked its cancellable; bytes it moved are counted
   * and must reach the caller, not turn into a late cancellation. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, op, op_free);

  if (!_cancel_stream_op_begin (op, scope, cancellable, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }

  return g_steal_pointer (&task);
}

gssize
_cancel_stream_task_settle (GTask       *task,
                            CancelScope *scope,
                            gssize       n,
                            GError      *error)
{
  _cancel_stream_op_end (g_task_get_task_data (task), scope, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return -1;
    }

  return n;
}

/* ------------------------------------------------------------------ */
/* Properties                                                          */

void
_cancel_stream_install_properties (GObjectClass  *object_class,
                                   GParamSpec   **properties)
{
  properties[CANCEL_STREAM_PROP_SCOPE] =
    g_param_spec_object ("scope", NULL, NULL, CANCEL_TYPE_SCOPE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[CANCEL_STREAM_PROP_TOTAL_SIZE] =
    g_param_spec_int64 ("total-size", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[CANCEL_STREAM_PROP_BYTES_TRANSFERRED] =
    g_param_spec_int64 ("bytes-transferred", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, CANCEL_STREAM_N_PROPS, properties);
}

void
_cancel_stream_get_property (CancelStreamState *state,
                             guint              prop_id,
                             GValue            *value)
{
  switch (prop_id)
    {
    case CANCEL_STREAM_PROP_SCOPE:
      g_value_set_object (value, state->scope);
      break;

    case CANCEL_STREAM_PROP_TOTAL_SIZE:
      g_value_set_int64 (value, state->transfer.total);
      break;

    case CANCEL_STREAM_PROP_BYTES_TRANSFERRED:
      g_value_set_int64 (value, _cancel_transfer_get_done (&state->transfer));
      break;

    default:
      g_assert_not_reached ();
    }
}

gboolean
_cancel_stream_set_property (CancelStreamState *state,
                             GObject           *object,
                             guint              prop_id,
                             const GValue      *value,
                             GParamSpec        *pspec)
{
  switch (prop_id)
    {
    case CANCEL_STREAM_PROP_SCOPE:
      state->scope = g_value_dup_object (value);
      return TRUE;

    case CANCEL_STREAM_PROP_TOTAL_SIZE:
      if (_cancel_stream_state_set_total (state, g_value_get_int64 (value)))
        g_object_notify_by_pspec (object, pspec);
      return TRUE;

    default:
      return FALSE;
    }
}
