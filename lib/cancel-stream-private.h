/* cancel-stream-private.h: what the two stream wrappers share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-stream.h"
#include "cancel-transfer-private.h"

G_BEGIN_DECLS

/* A wrapper's counting state. The stream's own rule (one operation at a
 * time) serialises everything but the atomic count, which any thread reads. */
typedef struct
{
  CancelScope    *scope;        /* owned, construct-only */
  CancelTransfer  transfer;
  gboolean        constructed;  /* a total set at construction is not reported */
} CancelStreamState;

void     _cancel_stream_state_init      (CancelStreamState *state);
void     _cancel_stream_state_clear     (CancelStreamState *state);
/* TRUE if the total changed (the caller notifies); reports the new fraction. */
gboolean _cancel_stream_state_set_total (CancelStreamState *state,
                                         goffset            total);
/* The last report, unless the count has not moved since the one before. */
void     _cancel_stream_state_finish    (CancelStreamState *state);

/* One read or write on the base stream: the cancellable it gets is the
 * scope, or one that either the scope or the caller's cancellable cancels. */
typedef struct
{
  GCancellable *cancellable;     /* give this to the base stream; owned */
  GCancellable *caller;          /* the caller's own, when chained; owned */
  gulong        caller_handler;
  gulong        scope_handler;
  gsize         count;           /* what an async read asked for */
} CancelStreamOp;

/* FALSE with @error set (the scope's reason) if either is cancelled already. */
gboolean _cancel_stream_op_begin (CancelStreamOp  *op,
                                  CancelScope     *scope,
                                  GCancellable    *cancellable,
                                  GError         **error);
/* Unchains; a cancellation error becomes the scope's when the scope was
 * the one cancelled. */
void     _cancel_stream_op_end   (CancelStreamOp  *op,
                                  CancelScope     *scope,
                                  GError         **error);

/* The async halves: a task on @source_object whose data is a begun op, or
 * NULL when the op failed to begin (the error is already returned to the
 * caller's callback). */
GTask   *_cancel_stream_task_new    (gpointer             source_object,
                                     CancelScope         *scope,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data,
                                     gpointer             source_tag);
/* Ends the task's op on the base's result: -1 after returning the error
 * to @task, else @n for the caller to count and return. */
gssize   _cancel_stream_task_settle (GTask               *task,
                                     CancelScope         *scope,
                                     gssize               n,
                                     GError              *error);

/* Both classes have the same three properties. */
enum {
  CANCEL_STREAM_PROP_0,
  CANCEL_STREAM_PROP_SCOPE,
  CANCEL_STREAM_PROP_TOTAL_SIZE,
  CANCEL_STREAM_PROP_BYTES_TRANSFERRED,
  CANCEL_STREAM_N_PROPS
};

void _cancel_stream_install_properties (GObjectClass      *object_class,
                                        GParamSpec       **properties);
void _cancel_stream_get_property       (CancelStreamState *state,
                                        guint              prop_id,
                                        GValue            *value);
/* Returns FALSE for an unknown @prop_id. */
gboolean _cancel_stream_set_property   (CancelStreamState *state,
                                        GObject           *object,
                                        guint              prop_id,
                                        const GValue      *value,
                                        GParamSpec        *pspec);

G_END_DECLS
