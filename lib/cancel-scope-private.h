/* cancel-scope-private.h: what the rest of the library needs of a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-children-private.h"
#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope.h"
#include "cancel-source.h"
#include "cancel-worker-private.h"

G_BEGIN_DECLS

/* The instance, shared by the files that implement a scope's concerns
 * (cancel-scope.c: the object, lifecycle and cancellation;
 * cancel-scope-wait.c: waiting and watching). Lock order: the global tree
 * lock, then a parent's lock, then a child's; a scope's lock is never held
 * while calling out. */
struct _CancelScope
{
  GCancellable    parent_instance;

  CancelMutex     lock;
  guint64         id;
  char           *name;
  CancelDispatchLink dispatch;  /* to the owner context */
  CancelRegistry *registry;

  /* Guarded by tree_lock. A child points to its parent without a
   * reference and sits in the parent's intrusive list while it is live. */
  CancelScope    *parent;
  CancelScope    *first_child;
  CancelScope    *prev_sibling;
  CancelScope    *next_sibling;
  CancelChildren *children;
  GWeakRef        ended_parent;  /* the parent once @self left its list at end */
  /* @self, weakly: how the tree takes a reference on a linked scope that
   * another thread may be disposing (set when first linked). */
  GWeakRef        self_ref;
  guint           self_ref_set : 1;

  /* Guarded by lock. */
  char           *message;  /* a GRefString: a cascade shares one */
  GPtrArray      *forgotten_messages;  /* forgotten by resets, still lent out */
  char           *progress_message;
  GError         *error;
  CancelTimer    *timer;
  GPtrArray      *sources;
  double          progress;
  gint64          own_deadline;
  gint64          timeout_duration;
  gint64          start_time;
  gint64          end_time;
  gint64          cancel_time;
  guint           status : 4;
  guint           reason : 4;
  guint           origin : 4;
  guint           shielded : 1;
  guint           cancel_requested : 1;
  guint           flipped : 1;    /* our ::cancelled class handler ran */
  guint           registry_set : 1;
  guint           tracked : 1;    /* begin handed the scope to the registry */

  /* Only touched by the flush, on the owner context. */
  gboolean        started_emitted;

  /* CHANGE_* bits queued for the owner context; atomic. */
  int             pending_changes;

  /* Guarded by lock; see cancel-scope-wait.c. */
  GPtrArray      *waiters;  /* GTasks of cancel_scope_wait_async() */
  GPtrArray      *watches;  /* of cancel_scope_connect_cancelled() */
  gulong          last_watch_id;
};

/* End takes the watches that can no longer fire (uncancelled end) as
 * referenced GSources, and the waiters, under the lock; then, outside every
 * lock, completes the waiters with the final status and destroys the
 * watches. Neither frees the arrays. */
GPtrArray *_cancel_scope_steal_watches_locked (CancelScope  *self);
void     _cancel_scope_ended_notify_waiters (CancelScope  *self,
                                             GPtrArray    *waiters,
                                             GPtrArray    *watches,
                                             CancelStatus  status);

/* Cancels with an explicit origin reason (the reason at the root of a
 * cascade); cancel_scope_cancel() is this with origin == reason. Any
 * thread. Returns TRUE only for the call that cancelled. */
gboolean _cancel_scope_cancel_full    (CancelScope  *self,
                                       CancelReason  reason,
                                       CancelReason  origin,
                                       const char   *message);

/* cancel_scope_end() if @self is running; nothing otherwise (another
 * thread may have ended it meanwhile). Any thread. */
void     _cancel_scope_end_if_live    (CancelScope  *self);
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
