/* cancel-source.c: the core of the things that cancel a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Ownership, arming generations, firing and the getters; what a kind
 * does is in its own file, reached through source->kind (see
 * cancel-source-private.h).
 */

#include "config.h"

#include "cancel-i18n-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"
#include "cancel-source-private.h"

/**
 * CancelSource:
 *
 * Something that cancels a [class@Cancel.Scope] when it happens: a timeout,
 * another [class@Gio.Cancellable], a UNIX signal, a polled condition, or
 * an any-of or all-of combination of those.
 *
 * A source does nothing until it is attached with
 * [method@Cancel.Scope.add_source]; that arms it, and timeouts start
 * counting then, not when the source is made. When it fires, it cancels
 * its scope with its own reason and message (the first reason that reaches
 * a scope wins, so when several sources share a scope the first to fire
 * decides). Ending the scope, or finalizing it, disarms its sources;
 * [method@Cancel.Scope.remove_source] disarms one earlier.
 *
 * A source serves at most one scope or one combination at a time. Once
 * the scope it serves has ended or was finalized, the source is spent and
 * cannot be attached again; a source removed with
 * [method@Cancel.Scope.remove_source] before that can be attached anew,
 * and starts afresh (a timeout counts again from the new attach).
 *
 * A source does not keep its scope alive: a scope dropped while its
 * sources are armed is finalized, and disarms them.
 *
 * ## Threads
 *
 * Timeouts, UNIX signals and conditions polled on the worker fire on one
 * of the library's firing threads: the scope's
 * [signal@Gio.Cancellable::cancelled] handlers run there, as with any
 * cancellation, never on a main context. While cancellations wait and
 * none has started for a millisecond, another firing thread takes them, so
 * a handler that blocks delays no other source or deadline by more than
 * about that (up to 32 handlers blocking at once). A condition polled on
 * a main context of yours fires in the thread that iterates it. A linked
 * cancellable fires in the thread that cancelled it, inside its emission.
 * Handlers that touch GTK must hop to its thread (see
 * [signal@Cancel.Scope::finished], which is emitted on the owner context).
 * The constructors, the getters, [method@Cancel.Scope.add_source] and
 * [method@Cancel.Scope.remove_source] may be called from any thread.
 *
 * ```c
 * g_autoptr(CancelSource) sigint = cancel_source_new_unix_signals (NULL, 0, NULL);
 * g_autoptr(CancelSource) full = cancel_source_new_condition ("disk full", 1.0, NULL,
 *                                                             disk_is_full, NULL, NULL,
 *                                                             NULL);
 *
 * cancel_scope_add_source (scope, sigint);
 * cancel_scope_add_source (scope, full);
 * ```
 *
 * Since: 0.1
 */

G_DEFINE_FINAL_TYPE (CancelSource, cancel_source, G_TYPE_OBJECT)

/* Tokens
 *
 * GLib is not built with ThreadSanitizer, which therefore sees neither
 * how a GSource or a GClosure hands its data from the thread that runs it
 * to the one that destroys it, nor GObject's reference count. So a
 * callback holds a reference of its own while it runs, counted with
 * inline atomics TSan sees, and the last reference passes through the
 * source's lock, which finalize takes too. */

CancelSourceToken *
_cancel_source_token_new (CancelSource *source,
                          guint         generation,
                          int           signum)
{
  CancelSourceToken *token = g_new0 (CancelSourceToken, 1);

  token->source = g_object_ref (source);
  token->generation = generation;
  token->signum = signum;
  /* Last, atomically: every callback takes a reference (an atomic
   * read-modify-write of this) before it reads the fields above, which
   * orders them for ThreadSanitizer, whatever GLib used to hand over the
   * token. */
  g_atomic_int_set (&token->ref_count, 1);
  return token;
}

CancelSourceToken *
_cancel_source_token_ref (CancelSourceToken *token)
{
  g_atomic_int_inc (&token->ref_count);
  return token;
}

void
_cancel_source_token_unref (gpointer data)
{
  CancelSourceToken *token = data;
  CancelSource *source;

  if (!g_atomic_int_dec_and_test (&token->ref_count))
    return;

  source = token->source;
  g_free (token);

  cancel_mutex_lock (&source->lock);
  cancel_mutex_unlock (&source->lock);
  g_object_unref (source);
}

void
_cancel_source_token_closure_notify (gpointer  data,
                                     GClosure *closure)
{
  _cancel_source_token_unref (data);
}

CancelSource *
_cancel_source_new (const CancelSourceKind *kind,
                    gpointer                params)
{
  CancelSource *self = g_object_new (CANCEL_TYPE_SOURCE, NULL);

  g_assert (kind->arm != NULL && kind->finalize != NULL);

  /* Messages are made later, in other threads. */
  _cancel_i18n_init ();
  self->kind = kind;
  self->params = params;
  return self;
}

/* Firing */

gboolean
_cancel_source_is_live (CancelSource *self,
                        guint         generation)
{
  g_autoptr(CancelMutex) locker = NULL;

  locker = cancel_mutex_auto_lock (&self->lock);
  return self->generation == generation && self->armed && !self->fired;
}

void
_cancel_source_fire (CancelSource *self,
                     guint         generation,
                     CancelReason  reason,
                     CancelReason  origin,
                     char         *message)
{
  gpointer target;
  guint target_generation;
  gboolean stale;

  cancel_mutex_lock (&self->lock);
  if (self->generation != generation || !self->armed || self->fired)
    {
      cancel_mutex_unlock (&self->lock);
      g_free (message);
      return;
    }
  self->fired = TRUE;
  self->reason = reason;
  self->origin = origin;
  g_free (self->message);
  /* A copy: a new arming may free the stored one once we unlock. */
  self->message = g_strdup (message);
  target_generation = self->target_generation;
  cancel_mutex_unlock (&self->lock);

  /* Not under the lock: taking a reference may call a toggle notify
   * (bindings), which must not run under a library lock. */
  target = g_weak_ref_get (&self->target);

  /* Removed and attached elsewhere meanwhile: this firing was for the
   * previous arming. */
  cancel_mutex_lock (&self->lock);
  stale = self->generation != generation;
  cancel_mutex_unlock (&self->lock);

  /* Unreferenced without the lock: it may be the scope's last reference. */
  if (stale)
    g_clear_object (&target);

  /* Without the lock: cancelling emits ::cancelled, whose handlers may
   * end the scope and so disarm this very source. */
  if (target != NULL)
    {
      if (CANCEL_IS_SCOPE (target))
        {
          _cancel_scope_cancel_full (target, reason, origin, message);
        }
      else
        {
          CancelSource *combination = target;

          combination->kind->member_fired (combination, target_generation,
                                           reason, origin, message);
        }

      /* Possibly the last reference if the owner dropped the scope
       * meanwhile; disposing it disarms this source, which needs our
       * lock: not held. */
      g_object_unref (target);
    }

  g_free (message);
}

/* Arming and disarming */

const char *
_cancel_source_claim (CancelSource      *self,
                      CancelSourceOwner  owner_kind,
                      gconstpointer      owner)
{
  g_autoptr(CancelMutex) locker = NULL;

  locker = cancel_mutex_auto_lock (&self->lock);
  if (self->retired)
    return "source has not served a scope that ended";
  if (self->owner_kind != CANCEL_SOURCE_OWNER_NONE)
    return "source is not attached to a scope or a combination";

  self->owner_kind = owner_kind;
  self->owner = owner;
  return NULL;
}

void
_cancel_source_unclaim (CancelSource  *self,
                        gconstpointer  owner)
{
  g_autoptr(CancelMutex) locker = NULL;

  locker = cancel_mutex_auto_lock (&self->lock);
  if (!self->retired && self->owner == owner)
    {
      self->owner_kind = CANCEL_SOURCE_OWNER_NONE;
      self->owner = NULL;
    }
}

guint
_cancel_source_prepare (CancelSource *self,
                        gpointer      target,
                        guint         target_generation)
{
  guint generation;

  cancel_mutex_lock (&self->lock);
  if (self->retired)
    {
      cancel_mutex_unlock (&self->lock);
      return 0;
    }
  /* 0 means "not armed"; a wrap-around skips it. */
  if (++self->generation == 0)
    ++self->generation;
  generation = self->generation;
  self->armed = TRUE;
  self->fired = FALSE;
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
  g_clear_pointer (&self->message, g_free);
  g_weak_ref_set (&self->target, target);
  self->target_generation = target_generation;
  cancel_mutex_unlock (&self->lock);

  return generation;
}

/* The kind creates what the arming needs without the lock (a callback may
 * fire at once, in this thread or on the worker) and keeps it unless a
 * disarm came first. */
void
_cancel_source_arm (CancelSource *self,
                    guint         generation)
{
  self->kind->arm (self, generation);
}

gboolean
_cancel_source_keep_armed (CancelSource *self,
                           guint         generation,
                           gpointer      armed_data)
{
  cancel_mutex_lock (&self->lock);
  if (self->generation == generation)
    {
      g_assert (self->armed_data == NULL);
      self->armed_data = g_steal_pointer (&armed_data);
    }
  cancel_mutex_unlock (&self->lock);

  /* Disarmed meanwhile: give it back, without the lock (releasing may
   * drop the last reference on the source). */
  if (armed_data == NULL)
    return TRUE;

  self->kind->release (self, armed_data);
  return FALSE;
}

void
_cancel_source_disarm_full (CancelSource *self,
                            gboolean      retire)
{
  gpointer armed_data;
  gboolean was_armed;

  cancel_mutex_lock (&self->lock);
  was_armed = self->armed;
  self->generation++;
  self->armed = FALSE;
  if (retire)
    self->retired = TRUE;
  g_weak_ref_set (&self->target, NULL);
  armed_data = g_steal_pointer (&self->armed_data);
  cancel_mutex_unlock (&self->lock);

  /* Releasing may drop a token, and with it the last reference on the
   * source: not under our lock. */
  if (armed_data != NULL)
    self->kind->release (self, armed_data);

  if (was_armed && self->kind->disarmed != NULL)
    self->kind->disarmed (self);
}

void
_cancel_source_disarm (CancelSource *self)
{
  g_return_if_fail (CANCEL_IS_SOURCE (self));

  _cancel_source_disarm_full (self, TRUE);
}

/* GObject */

static void
cancel_source_dispose (GObject *object)
{
  CancelSource *self = CANCEL_SOURCE (object);

  /* Armed callbacks hold references: an armed source is not disposed. */
  if (self->kind != NULL && self->kind->dispose != NULL)
    self->kind->dispose (self);

  G_OBJECT_CLASS (cancel_source_parent_class)->dispose (object);
}

static void
cancel_source_finalize (GObject *object)
{
  CancelSource *self = CANCEL_SOURCE (object);

  /* See the tokens: acquires whatever another thread did to the source
   * before it let go of its last token (a disarm on the worker wrote these
   * fields under the lock; GObject's reference count, which handed the
   * source over, is invisible to ThreadSanitizer). Every read of the
   * source's state in finalize comes after this. */
  cancel_mutex_lock (&self->lock);
  g_assert (self->armed_data == NULL);
  cancel_mutex_unlock (&self->lock);

  if (self->kind != NULL)
    self->kind->finalize (self);

  g_weak_ref_clear (&self->target);
  g_free (self->message);
  cancel_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cancel_source_parent_class)->finalize (object);
}

static void
cancel_source_class_init (CancelSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cancel_source_dispose;
  object_class->finalize = cancel_source_finalize;
}

static void
cancel_source_init (CancelSource *self)
{
  cancel_mutex_init (&self->lock);
  g_weak_ref_init (&self->target, NULL);
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
}

/* Getters */

/**
 * cancel_source_has_fired:
 * @self: a source
 *
 * Whether the source fired since it was last attached.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if it fired
 *
 * Since: 0.1
 */
gboolean
cancel_source_has_fired (CancelSource *self)
{
  g_autoptr(CancelMutex) locker = NULL;

  g_return_val_if_fail (CANCEL_IS_SOURCE (self), FALSE);

  locker = cancel_mutex_auto_lock (&self->lock);
  return self->fired;
}

/**
 * cancel_source_get_reason:
 * @self: a source
 *
 * The reason the source cancelled (or tried to cancel) its scope with.
 *
 * Callable from any thread.
 *
 * Returns: the reason, or [enum@Cancel.Reason.NONE] if it has not fired
 *
 * Since: 0.1
 */
CancelReason
cancel_source_get_reason (CancelSource *self)
{
  g_autoptr(CancelMutex) locker = NULL;

  g_return_val_if_fail (CANCEL_IS_SOURCE (self), CANCEL_REASON_NONE);

  locker = cancel_mutex_auto_lock (&self->lock);
  return self->reason;
}

/**
 * cancel_source_dup_message:
 * @self: a source
 *
 * The message the source cancelled (or tried to cancel) its scope with.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if it has not
 *   fired
 *
 * Since: 0.1
 */
char *
cancel_source_dup_message (CancelSource *self)
{
  g_autoptr(CancelMutex) locker = NULL;

  g_return_val_if_fail (CANCEL_IS_SOURCE (self), NULL);

  locker = cancel_mutex_auto_lock (&self->lock);
  return g_strdup (self->message);
}

/* Attaching */

/**
 * cancel_scope_add_source:
 * @scope: a scope that has not ended
 * @source: a source attached to nothing, and not spent
 *
 * Attaches @source to @scope and arms it: from now on, when @source fires
 * it cancels @scope. A timeout starts counting now; a linked cancellable
 * that is already cancelled, fires now, in this thread; a condition is
 * first checked now, on its context or the worker thread.
 *
 * @scope keeps a reference on @source until the source is removed or
 * @scope is finalized, and disarms it when it ends or is finalized; the
 * source is then spent and cannot be attached again.
 *
 * Attaching a source that is attached already (to a scope or as a member
 * of a combination), a spent one, or attaching to a scope that has ended
 * are programmer errors: a critical, and nothing changes.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if attached, %FALSE after a critical
 *
 * Since: 0.1
 */
gboolean
cancel_scope_add_source (CancelScope  *scope,
                         CancelSource *source)
{
  const char *failed;
  guint generation;

  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), FALSE);
  g_return_val_if_fail (CANCEL_IS_SOURCE (source), FALSE);

  failed = _cancel_source_claim (source, CANCEL_SOURCE_OWNER_SCOPE, scope);
  if (failed != NULL)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, failed);
      return FALSE;
    }

  if (!_cancel_scope_attach_source (scope, source))
    {
      _cancel_source_unclaim (source, scope);
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "scope has not ended");
      return FALSE;
    }

  /* If the scope ends from here on, it disarms the source: before this
   * (which then arms nothing) or after it (which then undoes it). */
  generation = _cancel_source_prepare (source, scope, 0);
  if (generation != 0)
    _cancel_source_arm (source, generation);

  return TRUE;
}

/**
 * cancel_scope_remove_source:
 * @scope: a scope
 * @source: a source attached to @scope
 *
 * Disarms @source and detaches it from @scope, which drops its reference:
 * @source will not cancel @scope any more, and can be attached anew.
 * A source that already fired does not undo its cancellation. Does
 * nothing if @source is not attached to @scope (for instance because
 * @scope ended meanwhile, perhaps in another thread).
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_remove_source (CancelScope  *scope,
                            CancelSource *source)
{
  g_autoptr(CancelSource) keep = NULL;
  gboolean ours;

  g_return_if_fail (CANCEL_IS_SCOPE (scope));
  g_return_if_fail (CANCEL_IS_SOURCE (source));

  /* The scope's reference may be the last one. */
  keep = g_object_ref (source);

  cancel_mutex_lock (&source->lock);
  ours = source->owner_kind == CANCEL_SOURCE_OWNER_SCOPE && source->owner == scope;
  cancel_mutex_unlock (&source->lock);

  if (!ours)
    return;

  /* Out of the scope's list first: once the source is free again it may
   * serve another scope, and this one must not disarm it when it ends.
   * Not in the list: the scope ended and disarms it (or did). */
  if (!_cancel_scope_detach_source (scope, source))
    return;

  _cancel_source_disarm_full (source, FALSE);
  _cancel_source_unclaim (source, scope);
}
