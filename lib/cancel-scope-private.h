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

/* A scope's concerns, one file each (this header is what they share):
 *
 * cancel-scope.c            the GObject: properties, signals, class_init,
 *                           constructors, dispose/finalize; identity getters
 * cancel-scope-lifecycle.c  begin/end/fail, status and times, the error it
 *                           ended with, progress, registry, attached sources
 * cancel-scope-tree.c       the tree lock and links, set_parent, dup_parent,
 *                           the children model, shielding, the tree part of
 *                           end and dispose
 * cancel-scope-cancel.c     cancellation: the per-thread cascade, reasons
 *                           and messages, the ::cancelled class handler,
 *                           reset, the read-side getters, errors
 * cancel-scope-deadline.c   own and effective deadlines, timeouts, postpone
 * cancel-scope-notify.c     CHANGE_* bits queued to the owner context, and
 *                           the flush that emits notify/started/finished/
 *                           progress there
 * cancel-scope-wait.c       wait_async and connect_cancelled
 * cancel-scope-thread.c     run_in_thread_async
 * cancel-scope-action.c     create_action
 *
 * Lock order (a lock may be taken while holding those above it, never
 * the other way round):
 *
 *   1. a registry's lock: its statistics read a live scope's status under
 *      it; it is never taken under any lock below;
 *   2. the global tree lock (_cancel_scope_tree_lock);
 *   3. a scope's lock; two at once only when linking: the parent's, then
 *      the child's (never two siblings');
 *   4. leaves, under which no other lock of ours is taken: the timer
 *      heap's lock (under a scope's lock, arming or postponing a deadline);
 *      a children model's lock, then, released, its dispatcher's lock
 *      (under the tree lock: begin adds a child to its parent's model with
 *      the child's lock held too, end and dispose remove it); a
 *      dispatcher's lock (get_children reads the owner context under the
 *      tree lock); the dispatchers table's lock (a children model is made
 *      under the tree lock); a main context's lock (the ::cancelled class
 *      handler wakes a scope's watches under its lock; our GSources have no
 *      prepare or check function, so no context lock waits for ours).
 *
 * A source's lock (cancel-source.c) is never held with a scope's, nor the
 * other way round: a scope attaches, detaches and disarms its sources
 * outside its lock.
 *
 * No lock of ours is held while the registry is fed (track/untrack), while
 * g_cancellable_cancel() runs, or while any user handler runs. The
 * dispatcher drops its lock around each queued call, so a flush takes
 * locks as any caller does.
 */
struct _CancelScope
{
  GCancellable    parent_instance;

  CancelMutex     lock;
  guint64         id;
  char           *name;
  CancelDispatchLink dispatch;  /* to the owner context */
  CancelRegistry *registry;

  /* Guarded by _cancel_scope_tree_lock. A child points to its parent without a
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
  guint           ended_parent_set : 1;  /* a root never pays to clear it */

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
  guint           counted_shielded : 1;  /* in the registry's n_shielded */
  guint           cleanups_ran : 1;  /* ended or disposed: cleanups run at once */

  /* Only touched by the flush, on the owner context. */
  gboolean        started_emitted;

  /* CHANGE_* bits queued for the owner context; atomic. */
  int             pending_changes;

  /* Guarded by lock; see cancel-scope-wait.c. */
  GPtrArray      *waiters;  /* GTasks of cancel_scope_wait_async() */
  GPtrArray      *watches;  /* of cancel_scope_connect_cancelled() */
  gulong          last_watch_id;
  GArray         *cleanups;  /* of cancel_scope_add_cleanup(); see there */
};

/* ------------------------------------------------------------------ */
/* Shared between the files of a scope. Each line says which threads may
 * call and which lock must be held. */

/* cancel-scope.c */
enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_PARENT,
  PROP_CHILDREN,
  PROP_STATUS,
  PROP_REASON,
  PROP_ORIGIN_REASON,
  PROP_MESSAGE,
  PROP_CANCEL_TIME,
  PROP_DEADLINE,
  PROP_SHIELDED,
  PROP_PROGRESS,
  PROP_PROGRESS_MESSAGE,
  PROP_START_TIME,
  PROP_END_TIME,
  PROP_ERROR,
  PROP_REGISTRY,
  N_PROPS
};

enum {
  STARTED,
  FINISHED,
  PROGRESS,
  N_SIGNALS
};

/* Set once by class_init, read-only afterwards: any thread. */
extern GParamSpec *_cancel_scope_properties[N_PROPS];
extern guint       _cancel_scope_signals[N_SIGNALS];
extern guint       _cancel_scope_notify_signal_id;

/* Scopes created so far in the process; for tests and benchmarks. Any
 * thread. */
guint64  _cancel_scope_count_created  (void);

/* TRUE for a status between begin and end (running or shielded). Pure. */
static inline gboolean
_cancel_scope_status_is_live (CancelStatus status)
{
  return status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED;
}

/* cancel-scope-lifecycle.c: keeps @self's place in its registry's count of
 * shielded scopes in step with its status; self->lock held, after any
 * change of status or of tracked. Any thread. */
void     _cancel_scope_count_shielded_locked (CancelScope *self);

/* cancel-scope-notify.c: bits of work waiting for the owner context. */
enum {
  CHANGE_STARTED          = 1 << 0,
  CHANGE_FINISHED         = 1 << 1,
  CHANGE_PROGRESS         = 1 << 2,
  CHANGE_STATUS           = 1 << 3,
  CHANGE_REASON           = 1 << 4,
  CHANGE_MESSAGE          = 1 << 5,
  CHANGE_ORIGIN_REASON    = 1 << 6,
  CHANGE_DEADLINE         = 1 << 7,
  CHANGE_SHIELDED         = 1 << 8,
  CHANGE_PROGRESS_VALUE   = 1 << 9,
  CHANGE_PROGRESS_MESSAGE = 1 << 10,
  CHANGE_START_TIME       = 1 << 11,
  CHANGE_END_TIME         = 1 << 12,
  CHANGE_ERROR            = 1 << 13,
  CHANGE_PARENT           = 1 << 14,
  CHANGE_CANCEL_TIME      = 1 << 15,
  /* Not a change: the queued flush holds a reference (somebody watches). */
  CHANGE_HELD             = 1 << 16,
};

#define CHANGES_CANCELLED (CHANGE_REASON | CHANGE_MESSAGE | CHANGE_ORIGIN_REASON | CHANGE_CANCEL_TIME)

/* Queues CHANGE_* bits for the owner context. Any thread, no lock held. */
void     _cancel_scope_queue_changes  (CancelScope  *self,
                                       guint         changes);
/* Emits what was queued. The dispatcher's callback: owner context only. */
void     _cancel_scope_flush_changes  (gpointer      data);

/* cancel-scope-tree.c */
extern CancelMutex _cancel_scope_tree_lock;

/* A new reference on linked @self, or NULL if another thread is disposing
 * it. Any thread, the tree lock held. */
CancelScope *_cancel_scope_tree_ref_locked (CancelScope *self);
/* Links a new @self under @parent; TRUE if @self starts cancelled because
 * of @parent (the caller then flips it). Any thread; takes the tree lock,
 * then @parent's lock, then @self's. */
gboolean _cancel_scope_link           (CancelScope  *self,
                                       CancelScope  *parent);
/* At end: leaves the parent's list, remembering the parent weakly. Any
 * thread; takes the tree lock, no scope lock held. */
void     _cancel_scope_tree_leave     (CancelScope  *self);
/* The tree part of dispose: unlinks @self and its children; returns the
 * children it could reference (or NULL) and steals the children model.
 * The disposing thread; takes the tree lock, no scope lock held. */
GPtrArray *_cancel_scope_tree_detach  (CancelScope     *self,
                                       CancelChildren **children);

/* cancel-scope-cancel.c */

/* The class handler of ::cancelled. The cancelling thread, no lock held. */
void     _cancel_scope_cancelled      (GCancellable *cancellable);
/* Flips the flag of @self, whose cancellation was recorded (or queues it
 * on this thread's cascade). Any thread, no lock held. */
void     _cancel_scope_flip           (CancelScope  *self);
/* Records and flips; takes @message, a GRefString (NULL only for the
 * scope's own deadline). Any thread, no lock held. */
gboolean _cancel_scope_cancel_internal (CancelScope  *self,
                                        CancelReason  reason,
                                        CancelReason  origin,
                                        char         *message);
/* Whether @self counts as cancelled (forgets a reset). Any thread,
 * self->lock held. */
gboolean _cancel_scope_is_cancelled_locked (CancelScope *self);
/* Records a cancellation before the flag flips; takes @message. FALSE if
 * already cancelled or ended. Any thread, self->lock held. */
gboolean _cancel_scope_mark_cancelled_locked (CancelScope  *self,
                                              CancelReason  reason,
                                              CancelReason  origin,
                                              char         *message,
                                              gint64        now);
/* The GRefString the children of @self are told. Any thread,
 * self->lock held. */
char    *_cancel_scope_parent_message_locked (CancelScope *self);
/* The cancellation error, as set_error_if_cancelled() makes it. Any
 * thread, self->lock held. */
GError  *_cancel_scope_make_error_locked (CancelScope *self);

/* Cancels with an explicit origin reason (the reason at the root of a
 * cascade); cancel_scope_cancel() is this with origin == reason. Any
 * thread. Returns TRUE only for the call that cancelled. */
gboolean _cancel_scope_cancel_full    (CancelScope  *self,
                                       CancelReason  reason,
                                       CancelReason  origin,
                                       const char   *message);

/* cancel-scope-lifecycle.c */

/* cancel_scope_end() if @self is running; nothing otherwise (another
 * thread may have ended it meanwhile). Any thread. */
void     _cancel_scope_end_if_live    (CancelScope  *self,
                                       const GError *error);
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

/* cancel-scope-cleanup.c */

/* End and dispose take the cleanups under the lock (later adds run at
 * once), then run them outside every lock; run frees the array. */
GArray  *_cancel_scope_steal_cleanups_locked (CancelScope *self);
void     _cancel_scope_run_cleanups          (CancelScope *self,
                                              GArray      *cleanups);

/* cancel-scope-wait.c */

/* End takes the watches that can no longer fire (uncancelled end) as
 * referenced GSources, and the waiters, under the lock; then, outside every
 * lock, completes the waiters with the final status and destroys the
 * watches. Neither frees the arrays. */
GPtrArray *_cancel_scope_steal_watches_locked (CancelScope  *self);
/* The ::cancelled class handler wakes the watches (self->lock held; takes
 * their contexts' locks, which never wait for a scope's). */
void     _cancel_scope_wake_watches_locked (CancelScope  *self);
void     _cancel_scope_ended_notify_waiters (CancelScope  *self,
                                             GPtrArray    *waiters,
                                             GPtrArray    *watches,
                                             CancelStatus  status);

G_END_DECLS
