/* cancel-scope-private.h: what the rest of the library needs of a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-scope.h"
#include "cancel-source.h"

G_BEGIN_DECLS

/* Cancels with an explicit origin reason (the reason at the root of a
 * cascade); cancel_scope_cancel() is this with origin == reason. Any
 * thread. Returns TRUE only for the call that cancelled. */
gboolean _cancel_scope_cancel_full    (CancelScope  *self,
                                       CancelReason  reason,
                                       CancelReason  origin,
                                       const char   *message);

/* TRUE once cancel_scope_end() ran. Any thread. */
gboolean _cancel_scope_is_ended       (CancelScope  *self);
/* TRUE between begin and end (running or shielded). Any thread. */
gboolean _cancel_scope_is_live        (CancelScope  *self);

/* Sources: the scope keeps a strong reference on each attached source and
 * disarms them all (_cancel_source_disarm) when it ends or is disposed.
 * attach returns FALSE, without taking a reference, if the scope ended. */
gboolean _cancel_scope_attach_source  (CancelScope  *self,
                                       CancelSource *source);
gboolean _cancel_scope_detach_source  (CancelScope  *self,
                                       CancelSource *source);

/* Scopes created so far in the process; for tests and benchmarks. */
guint64  _cancel_scope_count_created  (void);

G_END_DECLS
