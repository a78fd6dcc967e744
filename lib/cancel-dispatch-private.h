/* cancel-dispatch-private.h: batched calls into a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef void (*CancelDispatchFunc) (gpointer object);

typedef struct _CancelDispatcher CancelDispatcher;

/* Embedded in an object that queues calls to itself on its owner context.
 * Every field but the first three is the dispatcher's, under its lock. */
typedef struct
{
  CancelDispatcher   *dispatcher;  /* owned; fixed by init */
  gpointer            object;
  CancelDispatchFunc  func;
  guint               index;       /* in the dispatcher's queue, or G_MAXUINT */
  guint               held : 1;    /* the queue holds a reference on object */
  guint               disposed : 1;
  guint               weak_set : 1;
  GWeakRef            weak;        /* object, for an unheld queued call */
} CancelDispatchLink;

/* @context: NULL for the calling thread's thread-default context. The
 * link refers to the context's dispatcher, not to the context: an object
 * does not keep its context alive, so dropping a context that is no longer
 * iterated frees what was queued on it. */
void          _cancel_dispatch_link_init        (CancelDispatchLink *link,
                                                 GMainContext       *context,
                                                 gpointer            object,
                                                 CancelDispatchFunc  func);

/* Queues one call of func (object) on the context, from any thread; does
 * nothing if it is queued already. @hold: keep the object alive until the
 * call (somebody waits for it); otherwise the call is dropped if the object
 * is disposed first. Nothing is queued once the context was finalized or
 * the object disposed. Calls run in queue order, a bounded slice per
 * iteration. */
void          _cancel_dispatch_queue            (CancelDispatchLink *link,
                                                 gboolean            hold);

/* From the object's dispose: drops a queued call that does not hold the
 * object, and refuses calls from then on. */
void          _cancel_dispatch_link_dispose     (CancelDispatchLink *link);

/* From the object's finalize. */
void          _cancel_dispatch_link_clear       (CancelDispatchLink *link);

/* The context, or NULL once it was finalized. */
GMainContext *_cancel_dispatch_link_get_context (CancelDispatchLink *link);

/* Acquires the context if the calling thread runs it: it is iterating
 * it, or ran its last dispatch and nobody iterates it now. Returns the
 * context, to release with g_main_context_release(), or NULL. The caller
 * must not let the context be finalized meanwhile (it is the thread that
 * iterates it). */
GMainContext *_cancel_dispatch_link_acquire     (CancelDispatchLink *link);

G_END_DECLS
