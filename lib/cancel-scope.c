/* cancel-scope.c: a GCancellable with a reason, a parent and a lifecycle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "cancel-children-private.h"
#include "cancel-debug-private.h"
#include "cancel-dispatch-private.h"
#include "cancel-i18n-private.h"
#include "cancel-lock-private.h"
#include "cancel-registry-private.h"
#include "cancel-scope-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

/**
 * CancelScope:
 *
 * A [class@Gio.Cancellable] that knows why it was cancelled, belongs to a
 * tree of scopes, can have a deadline, and records the lifecycle of the
 * operation it guards.
 *
 * A scope is a `GCancellable`: pass it to any GIO call. On top of that:
 *
 * - [method@Cancel.Scope.cancel] records a [enum@Cancel.Reason] and a message
 *   before the cancellable's flag flips; the first reason wins.
 * - Cancelling a scope cancels its live descendants with
 *   %CANCEL_REASON_PARENT, except shielded ones
 *   ([property@Cancel.Scope:shielded]). Propagation is iterative: a chain
 *   a million scopes deep does not grow the stack.
 * - [method@Cancel.Scope.set_timeout] and [method@Cancel.Scope.set_deadline]
 *   cancel it with %CANCEL_REASON_TIMEOUT from a thread of the library's,
 *   whether or not any main loop runs.
 * - [method@Cancel.Scope.begin] and [method@Cancel.Scope.end] bracket the
 *   operation; the final [property@Cancel.Scope:status] follows from the
 *   cancellation and the error it ended with. Begun scopes are listed by a
 *   [class@Cancel.Registry].
 *
 * ## Threads
 *
 * Every method may be called from any thread. The signals
 * [signal@Cancel.Scope::started], [signal@Cancel.Scope::finished],
 * [signal@Cancel.Scope::progress] and every `notify` of a scope are emitted
 * on its owner context ([method@Cancel.Scope.get_context], the thread-default
 * main context when it was made), in a later iteration of that context,
 * whichever thread caused the change, as soon as that context runs (the
 * library's dispatch runs at %G_PRIORITY_DEFAULT, ahead of GTK's drawing).
 * A handler connected after the change but before the owner context ran
 * still receives it. [signal@Gio.Cancellable::cancelled] keeps GLib's
 * behaviour: it is emitted synchronously in the thread that cancels; for
 * deadlines and sources, that is one of the library's firing threads.
 *
 * A scope does not keep its owner context alive. When the context is
 * finalized, what was queued for it is dropped and
 * [method@Cancel.Scope.get_context] returns %NULL.
 *
 * ## g_cancellable_reset()
 *
 * GIO gives no hook for it: a scope notices a reset on its next use and
 * forgets its cancellation (reason, message, times; notified), so that it
 * can be cancelled anew and new children do not start cancelled. Children
 * already cancelled stay cancelled, and an ended scope keeps its record.
 *
 * ## Block-scoped use
 *
 * ```c
 * g_autoptr(CancelScope) scope = cancel_scope_new ("Save document");
 * g_auto(CancelScopeGuard) guard = cancel_scope_enter (scope);
 * ok = save_document (doc, G_CANCELLABLE (scope), &error);
 * ```
 *
 * Since: 0.1
 */

/* Bits of work waiting for the owner context. */
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


G_DEFINE_FINAL_TYPE (CancelScope, cancel_scope, G_TYPE_CANCELLABLE)

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

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint notify_signal_id;

static CancelMutex tree_lock = CANCEL_MUTEX_INIT;
static guint64 last_id;

/* Each thread drains the cancellations it started from a work list, so
 * nested ::cancelled emissions never recurse past one level. */
typedef struct
{
  GPtrArray *pending;
  gboolean   draining;
} Cascade;

static void
cascade_free (gpointer data)
{
  Cascade *cascade = data;

  g_ptr_array_unref (cascade->pending);
  g_free (cascade);
}

static GPrivate cascade_key = G_PRIVATE_INIT (cascade_free);

static Cascade *
cascade_get (void)
{
  Cascade *cascade = g_private_get (&cascade_key);

  if (G_UNLIKELY (cascade == NULL))
    {
      cascade = g_new0 (Cascade, 1);
      cascade->pending = g_ptr_array_new ();
      g_private_set (&cascade_key, cascade);
    }

  return cascade;
}

static inline gboolean
status_is_live (CancelStatus status)
{
  return status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED;
}

/* ------------------------------------------------------------------ */
/* Notifications on the owner context                                  */

static const struct {
  guint change;
  guint prop;
} change_props[] = {
  { CHANGE_STATUS, PROP_STATUS },
  { CHANGE_REASON, PROP_REASON },
  { CHANGE_ORIGIN_REASON, PROP_ORIGIN_REASON },
  { CHANGE_MESSAGE, PROP_MESSAGE },
  { CHANGE_CANCEL_TIME, PROP_CANCEL_TIME },
  { CHANGE_DEADLINE, PROP_DEADLINE },
  { CHANGE_SHIELDED, PROP_SHIELDED },
  { CHANGE_PROGRESS_VALUE, PROP_PROGRESS },
  { CHANGE_PROGRESS_MESSAGE, PROP_PROGRESS_MESSAGE },
  { CHANGE_START_TIME, PROP_START_TIME },
  { CHANGE_END_TIME, PROP_END_TIME },
  { CHANGE_ERROR, PROP_ERROR },
  { CHANGE_PARENT, PROP_PARENT },
};

static gboolean cancel_scope_is_watched (CancelScope *self);

static void
cancel_scope_flush_changes (gpointer data)
{
  CancelScope *self = data;
  guint changes = (guint) g_atomic_int_and (&self->pending_changes, 0);

  /* Nobody listens: skip the emissions, which cost even with no handler. */
  if (!cancel_scope_is_watched (self))
    return;

  /* begin() queues STARTED after it published RUNNING, so an end() in
   * another thread can get FINISHED here first: started always comes
   * first, and once. Only this context touches started_emitted. */
  if ((changes & (CHANGE_STARTED | CHANGE_FINISHED)) && !self->started_emitted)
    {
      self->started_emitted = TRUE;
      g_signal_emit (self, signals[STARTED], 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (change_props); i++)
    if (changes & change_props[i].change)
      g_object_notify_by_pspec (G_OBJECT (self), properties[change_props[i].prop]);

  if (changes & CHANGE_PROGRESS)
    {
      g_autofree char *message = NULL;
      double fraction;

      cancel_mutex_lock (&self->lock);
      fraction = self->progress;
      message = g_strdup (self->progress_message);
      cancel_mutex_unlock (&self->lock);

      g_signal_emit (self, signals[PROGRESS], 0, fraction, message);
    }

  if (changes & CHANGE_FINISHED)
    g_signal_emit (self, signals[FINISHED], 0, cancel_scope_get_status (self));
}

/* Whether anybody connected to the signals the owner context emits. Most
 * scopes have no handler at all, which one look-up settles; otherwise ask
 * for ours (a linked source's ::cancelled handler does not count). */
static gboolean
cancel_scope_is_watched (CancelScope *self)
{
  if (g_signal_handler_find (self, G_SIGNAL_MATCH_UNBLOCKED, 0, 0, NULL, NULL, NULL) == 0)
    return FALSE;

  /* Matching the id alone finds detailed handlers ("notify::status") too,
   * which g_signal_has_handler_pending() with no detail would not. */
  return g_signal_handler_find (self, G_SIGNAL_MATCH_ID, notify_signal_id, 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, signals[FINISHED], 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, signals[STARTED], 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, signals[PROGRESS], 0, NULL, NULL, NULL) != 0;
}

/* Every change is queued, watched or not, so that a handler connected
 * after the change but before the owner context runs still sees it (a
 * `started` handler connected right after another thread began the
 * scope). The queued call holds the scope only while somebody watches:
 * otherwise a program that runs no main loop would keep every scope it
 * dropped; an unwatched scope leaves the queue when it is disposed. */
static void
cancel_scope_queue_changes (CancelScope *self,
                            guint        changes)
{
  gboolean watched = cancel_scope_is_watched (self);
  guint old;

  old = (guint) g_atomic_int_or (&self->pending_changes, changes | (watched ? CHANGE_HELD : 0));
  if (old == 0 || (watched && !(old & CHANGE_HELD)))
    _cancel_dispatch_queue (&self->dispatch, watched);
}

/* ------------------------------------------------------------------ */
/* The tree                                                            */

/* GObject 2.74 does not survive a reference taken during dispose from
 * another thread (g_object_unref() reads the object after giving the
 * reference back, when the other thread may have freed it). So the tree,
 * which holds no references, reaches its scopes through weak references
 * to themselves: g_weak_ref_get() refuses a scope whose last reference is
 * being dropped. Caller holds a reference on @self. */
static void
tree_weak_init_locked (CancelScope *self)
{
  if (!self->self_ref_set)
    {
      g_weak_ref_init (&self->self_ref, self);
      self->self_ref_set = TRUE;
    }
}

/* A new reference on linked @self, or NULL if it is being disposed. */
static CancelScope *
tree_ref_locked (CancelScope *self)
{
  g_assert (self->self_ref_set);

  return g_weak_ref_get (&self->self_ref);
}

static void
tree_link_locked (CancelScope *self,
                  CancelScope *parent)
{
  g_assert (self->parent == NULL);

  tree_weak_init_locked (self);
  tree_weak_init_locked (parent);

  self->parent = parent;
  self->prev_sibling = NULL;
  self->next_sibling = parent->first_child;
  if (parent->first_child != NULL)
    parent->first_child->prev_sibling = self;
  g_atomic_pointer_set (&parent->first_child, self);
}

static void
tree_unlink_locked (CancelScope *self)
{
  CancelScope *parent = self->parent;

  if (parent == NULL)
    return;

  if (self->prev_sibling != NULL)
    self->prev_sibling->next_sibling = self->next_sibling;
  else
    g_atomic_pointer_set (&parent->first_child, self->next_sibling);
  if (self->next_sibling != NULL)
    self->next_sibling->prev_sibling = self->prev_sibling;

  self->prev_sibling = NULL;
  self->next_sibling = NULL;
  self->parent = NULL;

  if (parent->children != NULL)
    _cancel_children_remove (parent->children, self);
}

static gboolean
tree_is_ancestor_locked (CancelScope *ancestor,
                         CancelScope *scope)
{
  for (CancelScope *iter = scope; iter != NULL; iter = iter->parent)
    if (iter == ancestor)
      return TRUE;

  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Messages and errors                                                 */

static char *
describe_scope (CancelScope *self)
{
  if (self->name != NULL)
    return g_strdup_printf ("“%s”", self->name);

  return g_strdup_printf ("#%" G_GUINT64_FORMAT, self->id);
}

static char *
format_duration (gint64 usec)
{
  return g_strdup_printf ("%g s", (double) usec / G_USEC_PER_SEC);
}

/* self->lock held. Makes the message of a deadline that fired on first
 * read; once set, it never changes. */
static const char *
cancel_scope_message_locked (CancelScope *self)
{
  if (self->message == NULL && self->cancel_requested && self->reason == CANCEL_REASON_TIMEOUT)
    {
      g_autofree char *duration = format_duration (self->timeout_duration);
      g_autofree char *message = g_strdup_printf (_("Timed out after %s"), duration);

      self->message = g_ref_string_new (message);
    }

  return self->message;
}

/* Must be called with self->lock held. */
static GError *
cancel_scope_make_error_locked (CancelScope *self)
{
  g_autofree char *who = describe_scope (self);
  CancelReason reason = self->reason != CANCEL_REASON_NONE ? self->reason : CANCEL_REASON_MANUAL;
  const char *message = cancel_scope_message_locked (self) != NULL ? self->message : _("Cancelled");

  _cancel_i18n_init ();

  if (reason == CANCEL_REASON_TIMEOUT)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        _("Operation %s timed out: %s"), who, message);

  return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                      _("Operation %s was cancelled (%s): %s"),
                      who, cancel_reason_get_display_name (reason), message);
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */

/* What the children of @self are told; self->lock held. One string is
 * shared by a whole fan-out. */
static char *
parent_message_locked (CancelScope *self)
{
  g_autofree char *who = describe_scope (self);
  g_autofree char *message = NULL;

  if (self->reason == CANCEL_REASON_TIMEOUT)
    message = g_strdup_printf (_("Parent %s timed out"), who);
  else
    message = g_strdup_printf (_("Parent %s was cancelled"), who);

  return g_ref_string_new (message);
}

/* g_cancellable_reset() has no hook: a scope notices it on its next use,
 * as a flag that flipped and is clear again, and forgets the cancellation
 * so that it can be cancelled anew. Ended scopes keep their record.
 * Returns TRUE if it forgot one (the caller queues CHANGES_CANCELLED);
 * self->lock held. */
static gboolean
cancel_scope_forget_reset_locked (CancelScope *self)
{
  if (G_LIKELY (!self->flipped) ||
      cancel_status_is_final (self->status) ||
      g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    return FALSE;

  self->cancel_requested = FALSE;
  self->flipped = FALSE;
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
  self->cancel_time = 0;
  /* get_message() lent it out "as long as the scope": kept until then. */
  if (self->message != NULL)
    {
      if (self->forgotten_messages == NULL)
        self->forgotten_messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ref_string_release);
      g_ptr_array_add (self->forgotten_messages, g_steal_pointer (&self->message));
    }

  return TRUE;
}

/* Whether @self counts as cancelled; self->lock held. */
static gboolean
cancel_scope_is_cancelled_locked (CancelScope *self)
{
  cancel_scope_forget_reset_locked (self);

  return self->cancel_requested || g_cancellable_is_cancelled (G_CANCELLABLE (self));
}

/* Records why, under self->lock, before the flag flips (rule 6).
 * Returns FALSE if the scope was already cancelled or ended. */
static gboolean
cancel_scope_mark_cancelled_locked (CancelScope  *self,
                                    CancelReason  reason,
                                    CancelReason  origin,
                                    char         *message,
                                    gint64        now)
{
  cancel_scope_forget_reset_locked (self);

  if (self->cancel_requested ||
      cancel_status_is_final (self->status) ||
      g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    {
      g_clear_pointer (&message, g_ref_string_release);
      return FALSE;
    }

  self->cancel_requested = TRUE;
  self->reason = reason;
  self->origin = origin;
  self->message = message;
  self->cancel_time = now;

  return TRUE;
}

/* Flips the flags of the scopes queued on this thread's cascade, one at a
 * time: each emission may queue more (children, linked sources), which
 * wait for the loop instead of nesting. */
static void
cascade_drain (Cascade *cascade)
{
  g_assert (cascade->draining);

  while (cascade->pending->len > 0)
    {
      CancelScope *next = g_ptr_array_steal_index_fast (cascade->pending,
                                                        cascade->pending->len - 1);

      /* Flag first: whoever hears of the reason sees the flag set. */
      g_cancellable_cancel (G_CANCELLABLE (next));
      cancel_scope_queue_changes (next, CHANGES_CANCELLED);
      g_object_unref (next);
    }
}

/* Flips the flag of @self, whose cancellation was recorded, then queues
 * the notifications: a handler on the owner context that hears of the
 * reason sees the flag set. The thread's first flip becomes the cascade:
 * any cancellation requested during its emission, by our class handler
 * (children) or by handlers that run before it (a linked source
 * cancelling the next scope of a chain), is queued and flipped by the
 * loop, so neither a tree nor a chain of links grows the stack. */
static void
cancel_scope_flip (CancelScope *self)
{
  Cascade *cascade = cascade_get ();

  if (cascade->draining)
    {
      g_ptr_array_add (cascade->pending, g_object_ref (self));
      return;
    }

  /* A ::cancelled handler may drop the caller's last reference. */
  g_object_ref (self);
  cascade->draining = TRUE;
  g_cancellable_cancel (G_CANCELLABLE (self));
  cancel_scope_queue_changes (self, CHANGES_CANCELLED);
  cascade_drain (cascade);
  cascade->draining = FALSE;
  g_object_unref (self);
}

static gboolean cancel_scope_cancel_internal (CancelScope  *self,
                                              CancelReason  reason,
                                              CancelReason  origin,
                                              char         *message);

gboolean
_cancel_scope_cancel_full (CancelScope  *self,
                           CancelReason  reason,
                           CancelReason  origin,
                           const char   *message)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (reason > CANCEL_REASON_NONE && reason <= CANCEL_REASON_ERROR, FALSE);
  g_return_val_if_fail (origin > CANCEL_REASON_NONE && origin <= CANCEL_REASON_ERROR, FALSE);

  return cancel_scope_cancel_internal (self, reason, origin,
                                       g_ref_string_new (message != NULL ? message : _("Cancelled")));
}

/* Takes @message, a GRefString; NULL only for a timeout of the scope's own
 * deadline, whose message is made when first read. */
static gboolean
cancel_scope_cancel_internal (CancelScope  *self,
                              CancelReason  reason,
                              CancelReason  origin,
                              char         *message)
{
  gboolean cancelled;
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  cancelled = cancel_scope_mark_cancelled_locked (self, reason, origin, message,
                                                  g_get_monotonic_time ());
  ended = cancel_status_is_final (self->status);
  cancel_mutex_unlock (&self->lock);

  if (!cancelled)
    {
      /* The winner, in another thread, may not have flipped the flag yet;
       * like g_cancellable_cancel(), return with the scope cancelled. */
      if (!ended && !cascade_get ()->draining)
        g_cancellable_cancel (G_CANCELLABLE (self));
      return FALSE;
    }

  CANCEL_DEBUG_SCOPE (self, reason, "Cancelled: %s", cancel_scope_get_message (self));
  cancel_scope_flip (self);

  return TRUE;
}

/**
 * cancel_scope_cancel:
 * @self: a scope
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a human-readable explanation
 *
 * Cancels @self and its unshielded live descendants.
 *
 * Callable from any thread. The reason and message are recorded before the
 * cancellable's flag flips, so any thread that sees @self cancelled also
 * sees why. Only the first cancellation counts: later calls return %FALSE
 * and change nothing, as does cancelling a scope that already ended.
 *
 * [signal@Gio.Cancellable::cancelled] is emitted in the calling thread;
 * when called from inside such an emission, the flag of @self flips once
 * the outermost emission on this thread has finished its own work.
 *
 * Returns: %TRUE if this call cancelled @self
 *
 * Since: 0.1
 */
gboolean
cancel_scope_cancel (CancelScope  *self,
                     CancelReason  reason,
                     const char   *message)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (reason > CANCEL_REASON_NONE && reason <= CANCEL_REASON_ERROR, FALSE);

  return _cancel_scope_cancel_full (self, reason, reason, message);
}

/* Marks the unshielded live children of @self cancelled with PARENT and
 * queues them on this thread's cascade, in one pass under the tree lock. */
static void
cancel_scope_mark_children (CancelScope *self,
                            Cascade     *cascade)
{
  /* Dropped after the tree lock: one of these may be the last reference. */
  g_autoptr(GPtrArray) unref_later = NULL;
  gint64 now = g_get_monotonic_time ();
  char *child_message;
  CancelReason origin;

  cancel_mutex_lock (&tree_lock);
  cancel_mutex_lock (&self->lock);
  origin = self->origin != CANCEL_REASON_NONE ? self->origin : CANCEL_REASON_MANUAL;
  child_message = parent_message_locked (self);
  cancel_mutex_unlock (&self->lock);

  for (CancelScope *child = self->first_child; child != NULL; child = child->next_sibling)
    {
      /* A child being disposed on another thread is left alone. */
      CancelScope *ref = tree_ref_locked (child);
      gboolean marked;

      if (ref == NULL)
        continue;

      cancel_mutex_lock (&child->lock);
      marked = !child->shielded &&
               cancel_scope_mark_cancelled_locked (child, CANCEL_REASON_PARENT, origin,
                                                   g_ref_string_acquire (child_message), now);
      cancel_mutex_unlock (&child->lock);

      if (marked)
        {
          CANCEL_DEBUG_SCOPE (child, CANCEL_REASON_PARENT, "Cancelled: %s", child_message);
          g_ptr_array_add (cascade->pending, ref);
        }
      else
        {
          if (unref_later == NULL)
            unref_later = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (unref_later, ref);
        }
    }

  g_ref_string_release (child_message);
  cancel_mutex_unlock (&tree_lock);
}

/* The class handler of ::cancelled: runs in the cancelling thread after
 * the handlers connected by users, for every cancellation of the scope,
 * including a plain g_cancellable_cancel(). */
static void
cancel_scope_cancelled (GCancellable *cancellable)
{
  CancelScope *self = (CancelScope *) cancellable;  /* the class handler: always ours */
  Cascade *cascade = cascade_get ();
  CancelTimer *timer;
  gboolean third_party = FALSE;

  cancel_mutex_lock (&self->lock);
  self->flipped = TRUE;
  if (!self->cancel_requested && !cancel_status_is_final (self->status))
    {
      /* Somebody called g_cancellable_cancel() directly. */
      self->cancel_requested = TRUE;
      self->reason = CANCEL_REASON_MANUAL;
      self->origin = CANCEL_REASON_MANUAL;
      self->message = g_ref_string_new (_("Cancelled"));
      self->cancel_time = g_get_monotonic_time ();
      third_party = TRUE;
    }
  timer = g_steal_pointer (&self->timer);
  cancel_mutex_unlock (&self->lock);

  if (timer != NULL)
    _cancel_timer_stop (timer);

  if (third_party)
    {
      CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_MANUAL, "Cancelled through GCancellable");
      cancel_scope_queue_changes (self, CHANGES_CANCELLED);
    }

  /* A leaf skips the tree lock. Reading the head unlocked is safe: a child
   * linked concurrently sees our cancel_requested when it links. */
  if (g_atomic_pointer_get (&self->first_child) != NULL)
    cancel_scope_mark_children (self, cascade);

  /* A plain g_cancellable_cancel() starts a cascade here. */
  if (cascade->draining)
    return;

  cascade->draining = TRUE;
  cascade_drain (cascade);
  cascade->draining = FALSE;
}

/* Reads what the getters report about the cancellation. A scope whose
 * flag was flipped by a plain g_cancellable_cancel(), before our class
 * handler recorded it, reports a manual cancellation; but only while it
 * has not ended: an ended scope's record is final, and a flag flipped
 * after the end changes nothing it reports. */
static void
cancel_scope_read_cancellation (CancelScope   *self,
                                CancelReason  *reason,
                                CancelReason  *origin,
                                const char   **message,
                                gint64        *time)
{
  gboolean reset;
  gboolean flipped_unrecorded;

  cancel_mutex_lock (&self->lock);
  reset = cancel_scope_forget_reset_locked (self);
  flipped_unrecorded = !self->cancel_requested &&
                       !cancel_status_is_final (self->status) &&
                       g_cancellable_is_cancelled (G_CANCELLABLE (self));
  if (reason != NULL)
    *reason = flipped_unrecorded ? CANCEL_REASON_MANUAL : self->reason;
  if (origin != NULL)
    *origin = flipped_unrecorded ? CANCEL_REASON_MANUAL : self->origin;
  if (message != NULL)
    *message = flipped_unrecorded ? _("Cancelled") : cancel_scope_message_locked (self);
  if (time != NULL)
    *time = self->cancel_time;
  cancel_mutex_unlock (&self->lock);

  if (reset)
    cancel_scope_queue_changes (self, CHANGES_CANCELLED);
}

/**
 * cancel_scope_get_reason: (get-property reason)
 * @self: a scope
 *
 * Why @self was cancelled. A scope whose cancellable flag was
 * flipped by a plain g_cancellable_cancel() reports %CANCEL_REASON_MANUAL.
 *
 * Callable from any thread.
 *
 * Returns: the reason, or %CANCEL_REASON_NONE if it was not cancelled
 *
 * Since: 0.1
 */
CancelReason
cancel_scope_get_reason (CancelScope *self)
{
  CancelReason reason;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_REASON_NONE);

  cancel_scope_read_cancellation (self, &reason, NULL, NULL, NULL);

  return reason;
}

/**
 * cancel_scope_get_origin_reason: (get-property origin-reason)
 * @self: a scope
 *
 * The reason at the root of the cascade that cancelled @self: for a child
 * of a timed-out parent, [method@Cancel.Scope.get_reason] says
 * %CANCEL_REASON_PARENT and this says %CANCEL_REASON_TIMEOUT. For a scope
 * cancelled directly it equals the reason.
 *
 * Callable from any thread.
 *
 * Returns: the origin reason, or %CANCEL_REASON_NONE
 *
 * Since: 0.1
 */
CancelReason
cancel_scope_get_origin_reason (CancelScope *self)
{
  CancelReason origin;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_REASON_NONE);

  cancel_scope_read_cancellation (self, NULL, &origin, NULL, NULL);

  return origin;
}

/**
 * cancel_scope_get_message: (get-property message)
 * @self: a scope
 *
 * The message given with the cancellation that won. It never changes once
 * set, so the string stays valid as long as @self.
 *
 * Callable from any thread.
 *
 * Returns: (nullable): the message, or %NULL if not cancelled
 *
 * Since: 0.1
 */
const char *
cancel_scope_get_message (CancelScope *self)
{
  const char *message;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_scope_read_cancellation (self, NULL, NULL, &message, NULL);

  return message;
}

/**
 * cancel_scope_get_cancel_time: (get-property cancel-time)
 * @self: a scope
 *
 * When the cancellation that won was requested, in monotonic µs
 * (g_get_monotonic_time()).
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self was not cancelled
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_cancel_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_scope_read_cancellation (self, NULL, NULL, NULL, &time);

  return time;
}

/**
 * cancel_scope_set_error_if_cancelled:
 * @self: a scope
 * @error: return location for the cancellation error
 *
 * Like g_cancellable_set_error_if_cancelled(), with a message that names
 * the operation and the reason. The error is %G_IO_ERROR_CANCELLED, or
 * %G_IO_ERROR_TIMED_OUT when the reason is %CANCEL_REASON_TIMEOUT, so
 * callers that test `g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED)`
 * keep working for every other reason.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if @self is cancelled and @error was set
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_error_if_cancelled (CancelScope  *self,
                                     GError      **error)
{
  GError *local;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    return FALSE;

  cancel_mutex_lock (&self->lock);
  local = cancel_scope_make_error_locked (self);
  cancel_mutex_unlock (&self->lock);

  g_propagate_error (error, local);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Deadlines                                                           */

static void
cancel_scope_deadline_fired (gpointer data)
{
  /* No message yet: formatting it costs more than the rest of firing, and
   * most timed-out scopes are never asked. */
  cancel_scope_cancel_internal (data, CANCEL_REASON_TIMEOUT, CANCEL_REASON_TIMEOUT, NULL);
}

/* Must be called with self->lock held; arms or moves the timer. */
static void
cancel_scope_arm_locked (CancelScope *self)
{
  if (cancel_scope_is_cancelled_locked (self))
    return;

  if (self->timer == NULL ||
      !_cancel_timer_reschedule (self->timer, self->own_deadline))
    {
      if (self->timer != NULL)
        return;  /* fired: the cancellation is on its way */

      /* The armed timer holds the scope; disarmed on cancel and end. */
      self->timer = _cancel_timer_start (self->own_deadline,
                                         cancel_scope_deadline_fired,
                                         g_object_ref (self),
                                         g_object_unref);
    }
}

/* Beyond ~100 years, µs arithmetic on the monotonic clock would lose
 * meaning; bounding every deadline by it keeps sums and differences far
 * from overflowing. */
#define MAX_TIMEOUT_SECONDS (100.0 * 365 * 24 * 3600)
#define MAX_TIMEOUT_USEC    ((gint64) (MAX_TIMEOUT_SECONDS * G_USEC_PER_SEC))

static gboolean
check_timeout (double   seconds,
               GError **error)
{
  if (!isfinite (seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid timeout %g s: it must be a positive, finite number of seconds"),
                   seconds);
      return FALSE;
    }

  return TRUE;
}

static gboolean
cancel_scope_set_deadline_internal (CancelScope  *self,
                                    gint64        deadline,
                                    gint64        duration,
                                    GError      **error)
{
  gboolean changed = FALSE;
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  ended = cancel_status_is_final (self->status);
  if (!ended &&
      (self->own_deadline == CANCEL_NO_DEADLINE || deadline < self->own_deadline))
    {
      self->own_deadline = deadline;
      self->timeout_duration = duration;
      cancel_scope_arm_locked (self);
      changed = TRUE;
    }
  cancel_mutex_unlock (&self->lock);

  if (ended)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                   _("The operation has ended; its deadline cannot change"));
      return FALSE;
    }

  if (changed)
    {
      CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_NONE, "Deadline in %" G_GINT64_FORMAT " µs",
                          deadline - g_get_monotonic_time ());
      cancel_scope_queue_changes (self, CHANGE_DEADLINE);
    }

  return TRUE;
}

/**
 * cancel_scope_set_timeout:
 * @self: a scope
 * @seconds: how long from now, in seconds
 * @error: return location for an error
 *
 * Cancels @self with %CANCEL_REASON_TIMEOUT and a message naming the
 * duration @seconds from now, unless it already has an earlier deadline:
 * the earliest deadline wins. Use [method@Cancel.Scope.postpone] to move
 * it later.
 *
 * The timer runs on the library's timer thread: it fires whether or not
 * any main loop runs, and before or after [method@Cancel.Scope.begin].
 * The cancellation, and so the [signal@Gio.Cancellable::cancelled]
 * handlers of @self and of its descendants, run on one of the library's
 * firing threads: a new one starts whenever none is idle, so a handler that
 * blocks delays no other scope's deadline. Callable from any thread.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT if
 *   @seconds is not a positive finite number, or
 *   %CANCEL_ERROR_INVALID_STATE if @self ended. Nothing changes then.
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_timeout (CancelScope  *self,
                          double        seconds,
                          GError      **error)
{
  gint64 duration;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_timeout (seconds, error))
    return FALSE;

  duration = (gint64) (seconds * G_USEC_PER_SEC);
  return cancel_scope_set_deadline_internal (self, g_get_monotonic_time () + duration,
                                             duration, error);
}

/**
 * cancel_scope_set_deadline:
 * @self: a scope
 * @deadline: the monotonic time (g_get_monotonic_time()) to cancel at, in µs
 * @error: return location for an error
 *
 * Like [method@Cancel.Scope.set_timeout] with an absolute time. A deadline
 * in the past fires at once.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT if
 *   @deadline is not positive, or %CANCEL_ERROR_INVALID_STATE if @self ended
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_deadline (CancelScope  *self,
                           gint64        deadline,
                           GError      **error)
{
  gint64 now;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = g_get_monotonic_time ();
  if (deadline <= 0 || deadline - now > MAX_TIMEOUT_USEC)
    {
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, deadline);

      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid deadline %s: it must be a positive monotonic time at most a hundred years ahead"),
                   value);
      return FALSE;
    }

  return cancel_scope_set_deadline_internal (self, deadline, MAX (deadline - now, 0), error);
}

/**
 * cancel_scope_postpone:
 * @self: a scope
 * @seconds: how much later, in seconds
 * @error: return location for an error
 *
 * Moves the own deadline of @self later by @seconds. The message of an
 * eventual timeout names the whole duration.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE on success; %FALSE with %CANCEL_ERROR_INVALID_TIMEOUT for
 *   an invalid @seconds, or %CANCEL_ERROR_INVALID_STATE if @self has no own
 *   deadline, was cancelled, or ended
 *
 * Since: 0.1
 */
gboolean
cancel_scope_postpone (CancelScope  *self,
                       double        seconds,
                       GError      **error)
{
  gboolean ok;
  gboolean too_far = FALSE;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_timeout (seconds, error))
    return FALSE;

  cancel_mutex_lock (&self->lock);
  /* Both are bounded (own_deadline by set_deadline, extra by
   * check_timeout): the sum cannot overflow. */
  too_far = self->own_deadline != CANCEL_NO_DEADLINE &&
            self->own_deadline + (gint64) (seconds * G_USEC_PER_SEC) - g_get_monotonic_time () > MAX_TIMEOUT_USEC;
  ok = !too_far &&
       self->own_deadline != CANCEL_NO_DEADLINE &&
       self->timer != NULL &&
       !self->cancel_requested &&
       !cancel_status_is_final (self->status);
  if (ok)
    {
      gint64 extra = (gint64) (seconds * G_USEC_PER_SEC);

      /* A timer that already fired cannot be recalled. */
      ok = _cancel_timer_reschedule (self->timer, self->own_deadline + extra);
      if (ok)
        {
          self->own_deadline += extra;
          self->timeout_duration += extra;
        }
    }
  cancel_mutex_unlock (&self->lock);

  if (too_far)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid postponement %g s: the deadline would be more than a hundred years ahead"),
                   seconds);
      return FALSE;
    }
  if (!ok)
    {
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                   _("There is no pending deadline to postpone"));
      return FALSE;
    }

  cancel_scope_queue_changes (self, CHANGE_DEADLINE);

  return TRUE;
}

/**
 * cancel_scope_get_own_deadline:
 * @self: a scope
 *
 * The deadline set on @self itself, ignoring its ancestors.
 *
 * Callable from any thread.
 *
 * Returns: a monotonic time in µs, or %CANCEL_NO_DEADLINE
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_own_deadline (CancelScope *self)
{
  gint64 deadline;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  cancel_mutex_lock (&self->lock);
  deadline = self->own_deadline;
  cancel_mutex_unlock (&self->lock);

  return deadline;
}

/**
 * cancel_scope_get_deadline: (get-property deadline)
 * @self: a scope
 *
 * The effective deadline of @self: the earliest own deadline of @self and
 * of its ancestors, up to and including the nearest shielded one (a
 * shielded scope is not cancelled by its ancestors, so their deadlines do
 * not apply).
 *
 * Callable from any thread.
 *
 * Returns: a monotonic time in µs, or %CANCEL_NO_DEADLINE
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_deadline (CancelScope *self)
{
  gint64 earliest = CANCEL_NO_DEADLINE;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  cancel_mutex_lock (&tree_lock);
  for (CancelScope *iter = self; iter != NULL; iter = iter->parent)
    {
      gint64 deadline;
      gboolean shielded;

      cancel_mutex_lock (&iter->lock);
      deadline = iter->own_deadline;
      shielded = iter->shielded;
      cancel_mutex_unlock (&iter->lock);

      if (deadline != CANCEL_NO_DEADLINE &&
          (earliest == CANCEL_NO_DEADLINE || deadline < earliest))
        earliest = deadline;

      if (shielded)
        break;
    }
  cancel_mutex_unlock (&tree_lock);

  return earliest;
}

/**
 * cancel_scope_get_remaining:
 * @self: a scope
 *
 * Time left until the effective deadline ([method@Cancel.Scope.get_deadline]).
 *
 *
 * Callable from any thread.
 *
 * Returns: µs left, 0 if the deadline passed, or %CANCEL_NO_DEADLINE (-1)
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_remaining (CancelScope *self)
{
  gint64 deadline;
  gint64 now;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_NO_DEADLINE);

  deadline = cancel_scope_get_deadline (self);
  if (deadline == CANCEL_NO_DEADLINE)
    return CANCEL_NO_DEADLINE;

  /* One reading of the clock: MAX() evaluates its arguments twice. */
  now = g_get_monotonic_time ();
  return deadline > now ? deadline - now : 0;
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */

/**
 * cancel_scope_begin:
 * @self: a pending scope
 *
 * Starts the operation: the status becomes %CANCEL_STATUS_RUNNING (or
 * %CANCEL_STATUS_SHIELDED), the start time is recorded and the scope is
 * listed by its registry ([method@Cancel.Scope.set_registry]). A scope that
 * was cancelled before it began still begins; it will end cancelled.
 *
 * Beginning twice or after the end is a programmer error. Callable from
 * any thread;
 * [signal@Cancel.Scope::started] follows on the owner context.
 *
 * Since: 0.1
 */
void
cancel_scope_begin (CancelScope *self)
{
  g_autoptr(CancelRegistry) registry = NULL;
  gboolean pending;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  /* Under the tree lock, so that the parent's children model, which lists
   * begun children, sees the status change and the addition together. */
  cancel_mutex_lock (&tree_lock);
  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  if (pending)
    {
      if (self->parent != NULL && self->parent->children != NULL)
        _cancel_children_add (self->parent->children, self);
      self->status = self->shielded ? CANCEL_STATUS_SHIELDED : CANCEL_STATUS_RUNNING;
      self->start_time = g_get_monotonic_time ();
      if (!self->registry_set)
        {
          self->registry = g_object_ref (cancel_registry_get_default ());
          self->registry_set = TRUE;
        }
      if (self->registry != NULL)
        registry = g_object_ref (self->registry);
    }
  cancel_mutex_unlock (&self->lock);
  cancel_mutex_unlock (&tree_lock);

  if (!pending)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
      return;
    }

  if (registry != NULL)
    {
      gboolean ended;

      /* Another thread may end @self as soon as it is RUNNING, before it
       * is tracked: whichever of us comes second untracks it, so that it
       * never stays listed as live. */
      _cancel_registry_track (registry, self);
      cancel_mutex_lock (&self->lock);
      self->tracked = TRUE;
      ended = cancel_status_is_final (self->status);
      cancel_mutex_unlock (&self->lock);

      if (ended)
        _cancel_registry_untrack (registry, self);
    }

  CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_NONE, "Started");
  cancel_scope_queue_changes (self, CHANGE_STARTED | CHANGE_STATUS | CHANGE_START_TIME);
}

/* Ends @self with @error (nullable) once; see cancel_scope_end(). A
 * scope that is not running is a programmer error if @strict, else
 * ignored (the guard and the thread runner end only what nobody ended). */
static void
cancel_scope_end_internal (CancelScope  *self,
                           const GError *error,
                           gboolean      strict)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GPtrArray) watches = NULL;
  CancelRegistry *registry = NULL;
  CancelTimer *timer = NULL;
  CancelStatus status = CANCEL_STATUS_PENDING;
  CancelReason reason = CANCEL_REASON_NONE;
  gboolean running;
  gboolean untrack = FALSE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  cancel_mutex_lock (&self->lock);
  running = status_is_live (self->status);
  if (running)
    {
      self->end_time = g_get_monotonic_time ();

      if (cancel_scope_is_cancelled_locked (self))
        {
          if (self->reason == CANCEL_REASON_NONE)
            {
              /* Flipped by g_cancellable_cancel(), class handler still to come. */
              self->reason = self->origin = CANCEL_REASON_MANUAL;
              self->message = g_ref_string_new (_("Cancelled"));
              self->cancel_time = self->end_time;
              self->cancel_requested = TRUE;
            }
          /* The cancellation error is made when first asked for
           * (dup_error): formatting it would be most of ending. */
          self->status = self->reason == CANCEL_REASON_TIMEOUT ? CANCEL_STATUS_TIMED_OUT
                                                               : CANCEL_STATUS_CANCELLED;
        }
      else if (error != NULL)
        {
          self->status = CANCEL_STATUS_FAILED;
          self->error = g_error_copy (error);
        }
      else
        self->status = CANCEL_STATUS_COMPLETED;

      status = self->status;
      reason = self->reason;
      timer = g_steal_pointer (&self->timer);
      sources = g_steal_pointer (&self->sources);
      /* The registry holds ended scopes in its history: a reference back
       * would keep a registry alive through its own history. If begin()
       * has not tracked @self yet, it untracks it once it has. */
      registry = g_steal_pointer (&self->registry);
      untrack = self->tracked;
      waiters = g_steal_pointer (&self->waiters);
      if (status != CANCEL_STATUS_CANCELLED && status != CANCEL_STATUS_TIMED_OUT)
        watches = _cancel_scope_steal_watches_locked (self);
    }
  cancel_mutex_unlock (&self->lock);

  if (!running)
    {
      if (strict)
        g_return_if_fail_warning (G_LOG_DOMAIN, "cancel_scope_end",
                                  "status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED");
      return;
    }

  /* Ended as cancelled while the flip is still on its way (another
   * thread's, or this thread's cascade): an ended cancelled scope has its
   * flag set, whoever looks. */
  if ((status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_TIMED_OUT) &&
      !g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    g_cancellable_cancel (G_CANCELLABLE (self));

  if (timer != NULL)
    _cancel_timer_stop (timer);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    _cancel_source_disarm (g_ptr_array_index (sources, i));

  cancel_mutex_lock (&tree_lock);
  /* Out of the parent's list, but still its child for those who ask. */
  if (self->parent != NULL)
    g_weak_ref_set (&self->ended_parent, self->parent);
  tree_unlink_locked (self);
  cancel_mutex_unlock (&tree_lock);

  if (registry != NULL)
    {
      if (untrack)
        _cancel_registry_untrack (registry, self);
      g_object_unref (registry);
    }

  CANCEL_DEBUG_SCOPE (self, reason, "Finished: %s", cancel_status_to_string (status));
  cancel_scope_queue_changes (self, CHANGE_FINISHED | CHANGE_STATUS | CHANGE_END_TIME | CHANGE_ERROR);
  _cancel_scope_ended_notify_waiters (self, waiters, watches, status);
}

/**
 * cancel_scope_end:
 * @self: a running scope
 *
 * Ends the operation, records the end time and sets the final status once:
 * %CANCEL_STATUS_TIMED_OUT if @self was cancelled with
 * %CANCEL_REASON_TIMEOUT, %CANCEL_STATUS_CANCELLED if it was cancelled for
 * any other reason, and %CANCEL_STATUS_COMPLETED otherwise. Use
 * [method@Cancel.Scope.fail] when the operation failed.
 *
 * Its timer and sources are disarmed, it leaves its parent's children and
 * the live list of its registry. Ending a scope that is not running is a
 * programmer error.
 *
 * Callable from any thread; [signal@Cancel.Scope::finished] follows on the
 * owner context.
 *
 * Since: 0.1
 */
void
cancel_scope_end (CancelScope *self)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));

  cancel_scope_end_internal (self, NULL, TRUE);
}

/**
 * cancel_scope_fail:
 * @self: a running scope
 * @error: (not nullable): how the operation failed
 *
 * Ends the operation as failed: like [method@Cancel.Scope.end], but a scope
 * that was not cancelled ends %CANCEL_STATUS_FAILED and keeps a copy of
 * @error ([method@Cancel.Scope.dup_error]). A cancelled scope still ends
 * %CANCEL_STATUS_CANCELLED or %CANCEL_STATUS_TIMED_OUT, whatever @error is:
 * a cancelled operation usually fails with the cancellation.
 *
 * With a [type@Cancel.ScopeGuard], call it before the block is left: the
 * guard then finds the scope ended and leaves the failure recorded.
 *
 * Callable from any thread; [signal@Cancel.Scope::finished] follows on the
 * owner context.
 *
 * Since: 0.2
 */
void
cancel_scope_fail (CancelScope  *self,
                   const GError *error)
{
  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (error != NULL);

  cancel_scope_end_internal (self, error, TRUE);
}

void
_cancel_scope_end_if_live (CancelScope *self)
{
  cancel_scope_end_internal (self, NULL, FALSE);
}

gboolean
_cancel_scope_is_live (CancelScope *self)
{
  return status_is_live (cancel_scope_get_status (self));
}

gboolean
_cancel_scope_is_ended (CancelScope *self)
{
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  ended = cancel_status_is_final (self->status);
  cancel_mutex_unlock (&self->lock);

  return ended;
}

/**
 * cancel_scope_get_status: (get-property status)
 * @self: a scope
 *
 * Where @self is in its lifecycle.
 *
 * Callable from any thread.
 *
 * Returns: the status
 *
 * Since: 0.1
 */
CancelStatus
cancel_scope_get_status (CancelScope *self)
{
  CancelStatus status;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_STATUS_PENDING);

  cancel_mutex_lock (&self->lock);
  status = self->status;
  cancel_mutex_unlock (&self->lock);

  return status;
}

/**
 * cancel_scope_get_start_time: (get-property start-time)
 * @self: a scope
 *
 * When [method@Cancel.Scope.begin] was called, in monotonic µs.
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self has not begun
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_start_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_mutex_lock (&self->lock);
  time = self->start_time;
  cancel_mutex_unlock (&self->lock);

  return time;
}

/**
 * cancel_scope_get_end_time: (get-property end-time)
 * @self: a scope
 *
 * When [method@Cancel.Scope.end] was called, in monotonic µs.
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self has not ended
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_end_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_mutex_lock (&self->lock);
  time = self->end_time;
  cancel_mutex_unlock (&self->lock);

  return time;
}

/**
 * cancel_scope_dup_error:
 * @self: a scope
 *
 * The error @self ended with: the error given to [method@Cancel.Scope.end]
 * for %CANCEL_STATUS_FAILED, the cancellation error (as
 * [method@Cancel.Scope.set_error_if_cancelled] makes it) for
 * %CANCEL_STATUS_CANCELLED and %CANCEL_STATUS_TIMED_OUT.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): a copy of the error, or %NULL
 *
 * Since: 0.1
 */
GError *
cancel_scope_dup_error (CancelScope *self)
{
  GError *error;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  if (self->error == NULL &&
      (self->status == CANCEL_STATUS_CANCELLED || self->status == CANCEL_STATUS_TIMED_OUT))
    self->error = cancel_scope_make_error_locked (self);
  error = self->error != NULL ? g_error_copy (self->error) : NULL;
  cancel_mutex_unlock (&self->lock);

  return error;
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */

/**
 * cancel_scope_report_progress:
 * @self: a scope
 * @fraction: done so far, from 0 to 1, or -1 when unknown
 * @message: (nullable): what is being done
 *
 * Records progress. Callable from any thread, as often as the work likes:
 * [signal@Cancel.Scope::progress] and the notifications are coalesced to at
 * most one per iteration of the owner context, and the last value always
 * arrives. The progress of a child does not change its parent's.
 *
 * Since: 0.1
 */
void
cancel_scope_report_progress (CancelScope *self,
                              double       fraction,
                              const char  *message)
{
  guint changes = CHANGE_PROGRESS | CHANGE_PROGRESS_VALUE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (fraction == -1 || (fraction >= 0 && fraction <= 1));

  cancel_mutex_lock (&self->lock);
  self->progress = fraction;
  if (g_strcmp0 (self->progress_message, message) != 0)
    {
      g_free (self->progress_message);
      self->progress_message = g_strdup (message);
      changes |= CHANGE_PROGRESS_MESSAGE;
    }
  cancel_mutex_unlock (&self->lock);

  cancel_scope_queue_changes (self, changes);
}

/**
 * cancel_scope_get_progress: (get-property progress)
 * @self: a scope
 *
 * The last fraction reported.
 *
 * Callable from any thread.
 *
 * Returns: from 0 to 1, or -1 when unknown
 *
 * Since: 0.1
 */
double
cancel_scope_get_progress (CancelScope *self)
{
  double progress;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), -1);

  cancel_mutex_lock (&self->lock);
  progress = self->progress;
  cancel_mutex_unlock (&self->lock);

  return progress;
}

/**
 * cancel_scope_dup_progress_message:
 * @self: a scope
 *
 * The last progress message reported.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): a copy of the message
 *
 * Since: 0.1
 */
char *
cancel_scope_dup_progress_message (CancelScope *self)
{
  char *message;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  message = g_strdup (self->progress_message);
  cancel_mutex_unlock (&self->lock);

  return message;
}

/* ------------------------------------------------------------------ */
/* Identity, tree, registry                                            */

/**
 * cancel_scope_get_id: (get-property id)
 * @self: a scope
 *
 * A number unique to @self in this process, never 0.
 *
 * Callable from any thread.
 *
 * Returns: the id
 *
 * Since: 0.1
 */
guint64
cancel_scope_get_id (CancelScope *self)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  return self->id;
}

/**
 * cancel_scope_get_name: (get-property name)
 * @self: a scope
 *
 * The name given at construction, for people reading logs and monitors.
 *
 *
 * Callable from any thread.
 *
 * Returns: (nullable): the name
 *
 * Since: 0.1
 */
const char *
cancel_scope_get_name (CancelScope *self)
{
  const char *name;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  /* Set at construction and freed in finalize; the lock orders this read
   * before another thread's finalize, which ThreadSanitizer cannot see
   * through GObject's reference count. */
  cancel_mutex_lock (&self->lock);
  name = self->name;
  cancel_mutex_unlock (&self->lock);

  return name;
}

/**
 * cancel_scope_get_context:
 * @self: a scope
 *
 * The owner context of @self: the thread-default main context when it was
 * made. Its signals and notifications are emitted there. @self does not
 * keep it alive: call this from a thread that holds a reference on the
 * context (the one that iterates it, typically), or the context may be
 * finalized meanwhile.
 *
 * Callable from any thread.
 *
 * Returns: (transfer none) (nullable): the context, or %NULL once it was
 *   finalized
 *
 * Since: 0.1
 */
GMainContext *
cancel_scope_get_context (CancelScope *self)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  return _cancel_dispatch_link_get_context (&self->dispatch);
}

/**
 * cancel_scope_dup_parent:
 * @self: a scope
 *
 * The parent of @self, also after @self ended. The tree holds no reference
 * on parents: this returns %NULL once the parent was finalized.
 *
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): the parent
 *
 * Since: 0.1
 */
CancelScope *
cancel_scope_dup_parent (CancelScope *self)
{
  CancelScope *parent;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&tree_lock);
  if (self->parent != NULL)
    parent = tree_ref_locked (self->parent);
  else
    parent = g_weak_ref_get (&self->ended_parent);
  cancel_mutex_unlock (&tree_lock);

  return parent;
}

static gboolean cancel_scope_link_locked (CancelScope *self,
                                          CancelScope *parent);

/* Returns TRUE if @self starts cancelled because of @parent. */
static gboolean
cancel_scope_link (CancelScope *self,
                   CancelScope *parent)
{
  gboolean inherit = FALSE;

  cancel_mutex_lock (&tree_lock);
  inherit = cancel_scope_link_locked (self, parent);
  cancel_mutex_unlock (&tree_lock);

  return inherit;
}

/* Returns TRUE if @self starts cancelled because of @parent; tree_lock
 * held. */
static gboolean
cancel_scope_link_locked (CancelScope *self,
                          CancelScope *parent)
{
  gboolean inherit = FALSE;

  tree_link_locked (self, parent);
  cancel_mutex_lock (&parent->lock);
  if (cancel_scope_is_cancelled_locked (parent))
    {
      CancelReason origin = parent->origin != CANCEL_REASON_NONE ? parent->origin : CANCEL_REASON_MANUAL;
      char *message = parent_message_locked (parent);

      cancel_mutex_lock (&self->lock);
      if (self->shielded)
        g_ref_string_release (message);
      else
        inherit = cancel_scope_mark_cancelled_locked (self, CANCEL_REASON_PARENT, origin, message,
                                                      g_get_monotonic_time ());
      cancel_mutex_unlock (&self->lock);
    }
  cancel_mutex_unlock (&parent->lock);

  return inherit;
}

/**
 * cancel_scope_set_parent:
 * @self: a pending scope
 * @parent: (nullable): the new parent, or %NULL for none
 *
 * Moves @self under @parent before it begins. If @parent is cancelled and
 * @self is not shielded, @self is cancelled with %CANCEL_REASON_PARENT.
 * Changing the parent of a scope that has begun, or making a scope its own
 * ancestor, is a programmer error and changes nothing.
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_set_parent (CancelScope *self,
                         CancelScope *parent)
{
  gboolean pending;
  gboolean same;
  gboolean cycle = FALSE;
  gboolean inherit = FALSE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (parent == NULL || CANCEL_IS_SCOPE (parent));

  /* One section of the tree lock for the checks and the move: begin()
   * changes the status under it too, and two crossed calls (a under b, b
   * under a) cannot both pass the cycle check. */
  cancel_mutex_lock (&tree_lock);
  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  cancel_mutex_unlock (&self->lock);
  same = self->parent == parent;
  if (pending && !same && parent != NULL)
    cycle = tree_is_ancestor_locked (self, parent);
  if (pending && !same && !cycle)
    {
      tree_unlink_locked (self);
      if (parent != NULL)
        inherit = cancel_scope_link_locked (self, parent);
    }
  cancel_mutex_unlock (&tree_lock);

  if (!pending)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
      return;
    }
  if (cycle)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "parent is not self or a descendant of self");
      return;
    }
  if (same)
    return;

  if (inherit)
    cancel_scope_flip (self);

  cancel_scope_queue_changes (self, CHANGE_PARENT | CHANGE_DEADLINE);
}

/**
 * cancel_scope_get_children: (get-property children)
 * @self: a scope
 *
 * The live children of @self: those that began and have not ended yet,
 * as a list model that changes on the owner context of @self. Pending
 * children are not listed (the model holds its items, and a pending scope
 * the application drops must be freed). Made on first use, listing the
 * children begun so far at once; later changes arrive in the owner
 * context's next iteration.
 *
 * Call from the owner context's thread: the model changes there.
 *
 * Returns: (transfer none): a list model of [class@Cancel.Scope]
 *
 * Since: 0.1
 */
GListModel *
cancel_scope_get_children (CancelScope *self)
{
  /* Our references on the children, dropped after the tree lock. */
  g_autoptr(GPtrArray) refs = NULL;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&tree_lock);
  if (self->children == NULL)
    {
      g_autoptr(GPtrArray) live = g_ptr_array_new ();

      refs = g_ptr_array_new_with_free_func (g_object_unref);

      /* Oldest first: the intrusive list has the newest at its head. */
      for (CancelScope *child = self->first_child; child != NULL; child = child->next_sibling)
        {
          CancelScope *ref = tree_ref_locked (child);
          gboolean begun;

          if (ref == NULL)
            continue;  /* being disposed elsewhere */

          cancel_mutex_lock (&child->lock);
          begun = status_is_live (child->status);
          cancel_mutex_unlock (&child->lock);

          g_ptr_array_add (refs, ref);
          if (begun)
            g_ptr_array_add (live, child);
        }
      for (guint i = 0; i < live->len / 2; i++)
        {
          gpointer swap = live->pdata[i];

          live->pdata[i] = live->pdata[live->len - 1 - i];
          live->pdata[live->len - 1 - i] = swap;
        }
      /* Listed at once: the first call shows the children begun so far. */
      self->children = _cancel_children_new (_cancel_dispatch_link_get_context (&self->dispatch),
                                             live);
    }
  cancel_mutex_unlock (&tree_lock);

  return G_LIST_MODEL (self->children);
}

/**
 * cancel_scope_get_shielded: (get-property shielded)
 * @self: a scope
 *
 * Whether @self is shielded from the cancellation of its ancestors.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if shielded
 *
 * Since: 0.1
 */
gboolean
cancel_scope_get_shielded (CancelScope *self)
{
  gboolean shielded;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);

  cancel_mutex_lock (&self->lock);
  shielded = self->shielded;
  cancel_mutex_unlock (&self->lock);

  return shielded;
}

/**
 * cancel_scope_set_shielded: (set-property shielded)
 * @self: a scope
 * @shielded: whether to shield it
 *
 * A shielded scope is not cancelled when its ancestors are; its own
 * cancellation, timeouts and sources still work, and while it runs its
 * status is %CANCEL_STATUS_SHIELDED. Use it for cleanup that must finish
 * after the operation around it was cancelled. Shielding a scope that was
 * already cancelled does not undo it. Callable from any thread, until it
 * ends.
 *
 * Since: 0.1
 */
void
cancel_scope_set_shielded (CancelScope *self,
                           gboolean     shielded)
{
  guint changes = 0;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  shielded = !!shielded;

  cancel_mutex_lock (&self->lock);
  if (self->shielded != (guint) shielded && !cancel_status_is_final (self->status))
    {
      self->shielded = shielded;
      changes = CHANGE_SHIELDED | CHANGE_DEADLINE;
      if (status_is_live (self->status))
        {
          self->status = shielded ? CANCEL_STATUS_SHIELDED : CANCEL_STATUS_RUNNING;
          changes |= CHANGE_STATUS;
        }
    }
  cancel_mutex_unlock (&self->lock);

  if (changes != 0)
    cancel_scope_queue_changes (self, changes);
}

/**
 * cancel_scope_dup_registry:
 * @self: a scope
 *
 * The registry that lists @self while it runs. Before
 * [method@Cancel.Scope.begin], %NULL unless one was set (the default
 * registry is used when none was); after [method@Cancel.Scope.end], %NULL.
 *
 * Callable from any thread. A new reference, because another thread's
 * [method@Cancel.Scope.end] drops the one @self holds.
 *
 * Returns: (transfer full) (nullable): the registry
 *
 * Since: 0.1
 */
CancelRegistry *
cancel_scope_dup_registry (CancelScope *self)
{
  CancelRegistry *registry = NULL;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&self->lock);
  if (self->registry != NULL)
    registry = g_object_ref (self->registry);
  cancel_mutex_unlock (&self->lock);

  return registry;
}

/**
 * cancel_scope_set_registry: (set-property registry)
 * @self: a pending scope
 * @registry: (nullable): the registry, or %NULL to opt out of tracking
 *
 * Chooses the registry that will list @self once it begins; by default it
 * is [func@Cancel.Registry.get_default]. Only before
 * [method@Cancel.Scope.begin].
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_set_registry (CancelScope    *self,
                           CancelRegistry *registry)
{
  gboolean pending;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (registry == NULL || CANCEL_IS_REGISTRY (registry));

  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  if (pending)
    {
      g_set_object (&self->registry, registry);
      self->registry_set = TRUE;
    }
  cancel_mutex_unlock (&self->lock);

  if (!pending)
    g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
}

gboolean
_cancel_scope_attach_source (CancelScope  *self,
                             CancelSource *source)
{
  gboolean ok;

  cancel_mutex_lock (&self->lock);
  ok = !cancel_status_is_final (self->status);
  if (ok)
    {
      if (self->sources == NULL)
        self->sources = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->sources, g_object_ref (source));
    }
  cancel_mutex_unlock (&self->lock);

  return ok;
}

gboolean
_cancel_scope_detach_source (CancelScope  *self,
                             CancelSource *source)
{
  CancelSource *found = NULL;

  cancel_mutex_lock (&self->lock);
  if (self->sources != NULL)
    {
      guint index;

      if (g_ptr_array_find (self->sources, source, &index))
        found = g_ptr_array_steal_index (self->sources, index);
    }
  cancel_mutex_unlock (&self->lock);

  if (found == NULL)
    return FALSE;

  g_object_unref (found);
  return TRUE;
}

guint64
_cancel_scope_count_created (void)
{
  return __atomic_load_n (&last_id, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

/* The C constructors skip GObject's property machinery, by far the
 * largest cost of making a scope; they do what construction would. */
static CancelScope *
cancel_scope_create (CancelScope      *parent,
                     const char       *name,
                     CancelScopeFlags  flags)
{
  CancelScope *self = g_object_new (CANCEL_TYPE_SCOPE, NULL);

  self->name = g_strdup (name);
  self->shielded = (flags & CANCEL_SCOPE_FLAGS_SHIELDED) != 0;
  if (flags & CANCEL_SCOPE_FLAGS_UNREGISTERED)
    self->registry_set = TRUE;

  if (parent != NULL && cancel_scope_link (self, parent))
    cancel_scope_flip (self);

  return self;
}

/**
 * cancel_scope_new:
 * @name: (nullable): a name for people reading monitors and logs
 *
 * Makes a pending scope whose parent is the calling thread's current scope
 * ([func@Cancel.Scope.get_current]: the innermost one pushed, entered with
 * a guard, or running a [method@Cancel.Scope.run_in_thread_async]
 * function), or a root scope if there is none. It is listed by the default
 * registry once begun. Its owner context is the calling thread's
 * thread-default main context.
 *
 * This is the only constructor that looks at the current scope:
 * [ctor@Cancel.Scope.new_full] and g_object_new() take the parent they are
 * given, and %NULL means a root.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new scope
 *
 * Since: 0.1
 */
CancelScope *
cancel_scope_new (const char *name)
{
  return cancel_scope_create (cancel_scope_get_current (), name, CANCEL_SCOPE_FLAGS_NONE);
}

/**
 * cancel_scope_new_full: (constructor)
 * @parent: (nullable): the parent, or %NULL for a root scope
 * @name: (nullable): a name for people reading monitors and logs
 * @flags: shielded or unregistered
 *
 * Makes a pending scope under @parent, which may be %NULL to make a root
 * scope; the current scope is not looked at. If @parent is already
 * cancelled, so is the new scope (%CANCEL_REASON_PARENT), unless @flags
 * has %CANCEL_SCOPE_FLAGS_SHIELDED. With
 * %CANCEL_SCOPE_FLAGS_UNREGISTERED no registry lists it (a later
 * [method@Cancel.Scope.set_registry] can still choose one before it
 * begins).
 *
 * To make a child of the current scope with flags, pass
 * [func@Cancel.Scope.get_current] as @parent.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new scope
 *
 * Since: 0.2
 */
CancelScope *
cancel_scope_new_full (CancelScope      *parent,
                       const char       *name,
                       CancelScopeFlags  flags)
{
  g_return_val_if_fail (parent == NULL || CANCEL_IS_SCOPE (parent), NULL);
  g_return_val_if_fail ((flags & ~(CANCEL_SCOPE_FLAGS_SHIELDED | CANCEL_SCOPE_FLAGS_UNREGISTERED)) == 0, NULL);

  return cancel_scope_create (parent, name, flags);
}

static void
cancel_scope_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CancelScope *self = CANCEL_SCOPE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;

    case PROP_PARENT:
      if (self->id == 0)
        {
          /* Construction: linked in constructed(). */
          CancelScope *parent = g_value_get_object (value);

          g_return_if_fail (parent == NULL || CANCEL_IS_SCOPE (parent));
          self->parent = parent;
        }
      else
        cancel_scope_set_parent (self, g_value_get_object (value));
      break;

    case PROP_SHIELDED:
      cancel_scope_set_shielded (self, g_value_get_boolean (value));
      break;

    case PROP_REGISTRY:
      cancel_scope_set_registry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_scope_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CancelScope *self = CANCEL_SCOPE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_uint64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PARENT:
      g_value_take_object (value, cancel_scope_dup_parent (self));
      break;

    case PROP_CHILDREN:
      g_value_set_object (value, cancel_scope_get_children (self));
      break;

    case PROP_STATUS:
      g_value_set_enum (value, cancel_scope_get_status (self));
      break;

    case PROP_REASON:
      g_value_set_enum (value, cancel_scope_get_reason (self));
      break;

    case PROP_ORIGIN_REASON:
      g_value_set_enum (value, cancel_scope_get_origin_reason (self));
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, cancel_scope_get_message (self));
      break;

    case PROP_CANCEL_TIME:
      g_value_set_int64 (value, cancel_scope_get_cancel_time (self));
      break;

    case PROP_DEADLINE:
      g_value_set_int64 (value, cancel_scope_get_deadline (self));
      break;

    case PROP_SHIELDED:
      g_value_set_boolean (value, cancel_scope_get_shielded (self));
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, cancel_scope_get_progress (self));
      break;

    case PROP_PROGRESS_MESSAGE:
      g_value_take_string (value, cancel_scope_dup_progress_message (self));
      break;

    case PROP_START_TIME:
      g_value_set_int64 (value, cancel_scope_get_start_time (self));
      break;

    case PROP_END_TIME:
      g_value_set_int64 (value, cancel_scope_get_end_time (self));
      break;

    case PROP_ERROR:
      g_value_take_boxed (value, cancel_scope_dup_error (self));
      break;

    case PROP_REGISTRY:
      g_value_take_object (value, cancel_scope_dup_registry (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_scope_constructed (GObject *object)
{
  CancelScope *self = CANCEL_SCOPE (object);
  CancelScope *parent = g_steal_pointer (&self->parent);

  G_OBJECT_CLASS (cancel_scope_parent_class)->constructed (object);

  self->id = __atomic_add_fetch (&last_id, 1, __ATOMIC_RELAXED);

  if (parent != NULL && cancel_scope_link (self, parent))
    cancel_scope_flip (self);
}

static void
cancel_scope_dispose (GObject *object)
{
  CancelScope *self = CANCEL_SCOPE (object);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) orphans = NULL;
  CancelChildren *children;
  CancelTimer *timer;
  gboolean running;

  cancel_mutex_lock (&self->lock);
  running = status_is_live (self->status);
  sources = g_steal_pointer (&self->sources);
  timer = g_steal_pointer (&self->timer);
  cancel_mutex_unlock (&self->lock);

  /* A registry holds the scopes it lists: only an unregistered one gets
   * here while running, and it would never end. */
  if (running)
    g_warning ("Scope %" G_GUINT64_FORMAT " “%s” was freed while running: end it with "
               "cancel_scope_end() or cancel_scope_fail() before dropping it",
               self->id, self->name != NULL ? self->name : "");

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    _cancel_source_disarm (g_ptr_array_index (sources, i));

  /* Nothing can take a reference on us through the tree any more (our
   * weak reference was cleared before dispose), and a child being disposed
   * elsewhere is only unlinked. */
  cancel_mutex_lock (&tree_lock);
  tree_unlink_locked (self);
  while (self->first_child != NULL)
    {
      CancelScope *child = self->first_child;
      CancelScope *ref = tree_ref_locked (child);

      if (orphans == NULL)
        orphans = g_ptr_array_new_with_free_func (g_object_unref);
      if (ref != NULL)
        g_ptr_array_add (orphans, ref);
      tree_unlink_locked (child);
    }
  children = g_steal_pointer (&self->children);
  cancel_mutex_unlock (&tree_lock);

  /* Unreachable through the tree from here on: drop an unheld queued
   * notification (nobody watches a scope that is being disposed). */
  _cancel_dispatch_link_dispose (&self->dispatch);

  /* Reached only when no timer holds us; kept for robustness. */
  if (timer != NULL)
    _cancel_timer_stop (timer);

  for (guint i = 0; orphans != NULL && i < orphans->len; i++)
    cancel_scope_queue_changes (g_ptr_array_index (orphans, i), CHANGE_PARENT | CHANGE_DEADLINE);

  g_clear_object (&children);

  G_OBJECT_CLASS (cancel_scope_parent_class)->dispose (object);
}

static void
cancel_scope_finalize (GObject *object)
{
  CancelScope *self = CANCEL_SCOPE (object);

  g_weak_ref_clear (&self->ended_parent);
  if (self->self_ref_set)
    g_weak_ref_clear (&self->self_ref);
  /* Under the lock: what other threads read under it before they let go
   * of their references is ordered before this, for ThreadSanitizer too. */
  cancel_mutex_lock (&self->lock);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->message, g_ref_string_release);
  g_clear_pointer (&self->forgotten_messages, g_ptr_array_unref);
  g_clear_pointer (&self->progress_message, g_free);
  g_clear_pointer (&self->error, g_error_free);
  /* Empty: a waiter and a watch each hold the scope. */
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->watches, g_ptr_array_unref);
  cancel_mutex_unlock (&self->lock);
  g_clear_object (&self->registry);
  _cancel_dispatch_link_clear (&self->dispatch);
  cancel_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cancel_scope_parent_class)->finalize (object);
}

static void
cancel_scope_class_init (CancelScopeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GCancellableClass *cancellable_class = G_CANCELLABLE_CLASS (klass);

  object_class->constructed = cancel_scope_constructed;
  object_class->dispose = cancel_scope_dispose;
  object_class->finalize = cancel_scope_finalize;
  object_class->get_property = cancel_scope_get_property;
  object_class->set_property = cancel_scope_set_property;

  cancellable_class->cancelled = cancel_scope_cancelled;

  /**
   * CancelScope:id: (getter get_id)
   *
   * A number unique to the scope in this process, never 0.
   *
   * Since: 0.1
   */
  properties[PROP_ID] =
    g_param_spec_uint64 ("id", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:name: (getter get_name)
   *
   * A name for people reading monitors and logs.
   *
   * Since: 0.1
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:parent:
   *
   * The parent scope, held without a reference. Settable at construction
   * and, with [method@Cancel.Scope.set_parent], until the scope begins.
   * Notified on the owner context, also when the parent is finalized.
   *
   * Since: 0.1
   */
  properties[PROP_PARENT] =
    g_param_spec_object ("parent", NULL, NULL,
                         CANCEL_TYPE_SCOPE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:children: (getter get_children)
   *
   * The live children, see [method@Cancel.Scope.get_children].
   *
   * Since: 0.1
   */
  properties[PROP_CHILDREN] =
    g_param_spec_object ("children", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:status: (getter get_status)
   *
   * Where the scope is in its lifecycle. Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       CANCEL_TYPE_STATUS, CANCEL_STATUS_PENDING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:reason: (getter get_reason)
   *
   * Why the scope was cancelled. Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_REASON] =
    g_param_spec_enum ("reason", NULL, NULL,
                       CANCEL_TYPE_REASON, CANCEL_REASON_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:origin-reason: (getter get_origin_reason)
   *
   * The reason at the root of the cascade that cancelled the scope.
   * Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_ORIGIN_REASON] =
    g_param_spec_enum ("origin-reason", NULL, NULL,
                       CANCEL_TYPE_REASON, CANCEL_REASON_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:message: (getter get_message)
   *
   * The message of the cancellation. Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:cancel-time: (getter get_cancel_time)
   *
   * When the cancellation was requested, in monotonic µs; 0 if never.
   * Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_CANCEL_TIME] =
    g_param_spec_int64 ("cancel-time", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:deadline: (getter get_deadline)
   *
   * The effective deadline in monotonic µs, see
   * [method@Cancel.Scope.get_deadline]; %CANCEL_NO_DEADLINE if none.
   * Notified on the owner context when the scope's own deadline or its
   * shield change (not when an ancestor's deadline does).
   *
   * Since: 0.1
   */
  properties[PROP_DEADLINE] =
    g_param_spec_int64 ("deadline", NULL, NULL,
                        -1, G_MAXINT64, CANCEL_NO_DEADLINE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:shielded: (getter get_shielded) (setter set_shielded)
   *
   * Whether ancestors' cancellations pass the scope by. Notified on the
   * owner context.
   *
   * Since: 0.1
   */
  properties[PROP_SHIELDED] =
    g_param_spec_boolean ("shielded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:progress: (getter get_progress)
   *
   * The fraction done, from 0 to 1, or -1 when unknown. Notified on the
   * owner context, at most once per iteration.
   *
   * Since: 0.1
   */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         -1, 1, -1,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:progress-message:
   *
   * What is being done. Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_PROGRESS_MESSAGE] =
    g_param_spec_string ("progress-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:start-time: (getter get_start_time)
   *
   * When the scope began, in monotonic µs; 0 before. Notified on the owner
   * context.
   *
   * Since: 0.1
   */
  properties[PROP_START_TIME] =
    g_param_spec_int64 ("start-time", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:end-time: (getter get_end_time)
   *
   * When the scope ended, in monotonic µs; 0 before. Notified on the owner
   * context.
   *
   * Since: 0.1
   */
  properties[PROP_END_TIME] =
    g_param_spec_int64 ("end-time", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:error:
   *
   * The error the scope ended with, see [method@Cancel.Scope.dup_error].
   * Notified on the owner context.
   *
   * Since: 0.1
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CancelScope:registry: (setter set_registry)
   *
   * The registry that lists the scope while it runs; see
   * [method@Cancel.Scope.set_registry].
   *
   * Since: 0.1
   */
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL,
                         CANCEL_TYPE_REGISTRY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CancelScope::started:
   * @self: the scope
   *
   * Emitted once after [method@Cancel.Scope.begin], on the owner context of
   * the scope, in a later iteration, whichever thread began it.
   *
   * Since: 0.1
   */
  signals[STARTED] =
    g_signal_new ("started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * CancelScope::finished:
   * @self: the scope
   * @status: the final status
   *
   * Emitted once after [method@Cancel.Scope.end], on the owner context of
   * the scope, in a later iteration, whichever thread ended it.
   *
   * Since: 0.1
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CANCEL_TYPE_STATUS);

  /**
   * CancelScope::progress:
   * @self: the scope
   * @fraction: from 0 to 1, or -1 when unknown
   * @message: (nullable): what is being done
   *
   * Emitted on the owner context of the scope after
   * [method@Cancel.Scope.report_progress] was called from any thread; at
   * most once per iteration, with the latest values.
   *
   * Since: 0.1
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_STRING);

  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  _cancel_i18n_init ();
}

static void
cancel_scope_init (CancelScope *self)
{
  cancel_mutex_init (&self->lock);
  _cancel_dispatch_link_init (&self->dispatch, NULL, self, cancel_scope_flush_changes);
  self->status = CANCEL_STATUS_PENDING;
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
  self->progress = -1;
  self->own_deadline = CANCEL_NO_DEADLINE;
}
