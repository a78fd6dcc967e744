/* cancel-dispatch-private.h: batched calls into a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef void (*CancelDispatchFunc) (gpointer object);

/* Queues @func (@object) to run on @context, from any thread. All calls
 * queued for one context run from one GSource, in queue order, in one
 * dispatch; calls queued while it runs wait for the next iteration.
 * A reference on @object is held until @func returns. Callers coalesce:
 * queue an object once and let @func read its latest state. */
void _cancel_dispatch (GMainContext       *context,
                       gpointer            object,
                       CancelDispatchFunc  func);

G_END_DECLS
