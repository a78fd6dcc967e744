/* cancel-source.c: things that cancel a scope when they happen
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <signal.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "cancel-i18n-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

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
 * Timeouts, UNIX signals and conditions fire on one of the library's
 * firing threads: the scope's [signal@Gio.Cancellable::cancelled] handlers
 * run there, as with any cancellation, never on a main context. A new
 * firing thread starts whenever none is idle, so a handler that blocks
 * delays no other source or deadline (up to 32 handlers blocking at once).
 * A linked cancellable fires in the thread that cancelled it, inside its
 * emission. Handlers that touch GTK must hop to its thread (see
 * [signal@Cancel.Scope::finished], which is emitted on the owner context).
 * The getters are thread-safe; so are the constructors and
 * [method@Cancel.Scope.add_source].
 *
 * ```c
 * g_autoptr(CancelSource) sigint = cancel_source_new_unix_signals (NULL, 0, NULL);
 *
 * if (!cancel_scope_add_source (scope, sigint, &error))
 *   return FALSE;
 * ```
 *
 * Since: 0.1
 */

typedef enum
{
  KIND_TIMEOUT,
  KIND_CANCELLABLE,
  KIND_SIGNALS,
  KIND_CONDITION,
  KIND_ANY,
  KIND_ALL,
} SourceKind;

typedef enum
{
  OWNER_NONE,
  OWNER_SCOPE,
  OWNER_COMBINATION,
} OwnerKind;

struct _CancelSource
{
  GObject              parent_instance;

  /* Set at construction, read-only afterwards. */
  SourceKind           kind;
  double               seconds;          /* timeout */
  GWeakRef             upstream;         /* cancellable */
  gboolean             preserve_reason;  /* cancellable */
  int                 *signals;          /* signals */
  gsize                n_signals;        /* signals */
  CancelConditionFunc  func;             /* condition */
  gpointer             user_data;        /* condition */
  GDestroyNotify       destroy;          /* condition */
  gint64               interval_us;      /* condition */
  GPtrArray           *members;          /* any, all: strong refs */

  CancelMutex          lock;

  /* Guarded by lock. */

  /* Who the source serves: a scope, or a combination for its whole life.
   * @owner is an identity only, never dereferenced. A source whose scope
   * disarmed it (scope ended or disposed) is retired for good. */
  OwnerKind            owner_kind;
  gconstpointer        owner;
  guint                retired : 1;

  /* Bumped by each arming and each disarming: callbacks of an older
   * arming carry an older generation and do nothing. */
  guint                generation;
  guint                armed : 1;
  guint                fired : 1;

  /* The scope or combination to tell when firing; weak, so that a worker
   * firing while the scope is being disposed elsewhere gets NULL rather
   * than a dying object. @target_generation is the combination's. */
  GWeakRef             target;
  guint                target_generation;

  CancelReason         reason;
  CancelReason         origin;
  char                *message;

  /* What is armed, stolen by disarm and released without the lock. */
  CancelTimer         *timer;
  gulong               handler_id;
  GPtrArray           *gsources;         /* GSource *, owned */
  guint                n_fired;          /* all: members fired */
};

G_DEFINE_FINAL_TYPE (CancelSource, cancel_source, G_TYPE_OBJECT)

/* The signals g_unix_signal_source_new() accepts. */
static const int supported_signals[] = {
  SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
};

static const struct
{
  int         number;
  const char *name;
} signal_names[] = {
#define SIGNAL_NAME(s) { s, #s }
  SIGNAL_NAME (SIGHUP), SIGNAL_NAME (SIGINT), SIGNAL_NAME (SIGQUIT),
  SIGNAL_NAME (SIGILL), SIGNAL_NAME (SIGTRAP), SIGNAL_NAME (SIGABRT),
  SIGNAL_NAME (SIGBUS), SIGNAL_NAME (SIGFPE), SIGNAL_NAME (SIGKILL),
  SIGNAL_NAME (SIGUSR1), SIGNAL_NAME (SIGSEGV), SIGNAL_NAME (SIGUSR2),
  SIGNAL_NAME (SIGPIPE), SIGNAL_NAME (SIGALRM), SIGNAL_NAME (SIGTERM),
  SIGNAL_NAME (SIGCHLD), SIGNAL_NAME (SIGCONT), SIGNAL_NAME (SIGSTOP),
  SIGNAL_NAME (SIGTSTP), SIGNAL_NAME (SIGTTIN), SIGNAL_NAME (SIGTTOU),
  SIGNAL_NAME (SIGURG), SIGNAL_NAME (SIGXCPU), SIGNAL_NAME (SIGXFSZ),
  SIGNAL_NAME (SIGVTALRM), SIGNAL_NAME (SIGPROF), SIGNAL_NAME (SIGWINCH),
  SIGNAL_NAME (SIGSYS),
#undef SIGNAL_NAME
};

/* Longest accepted timeout, as for cancel_scope_set_timeout(). */
#define MAX_TIMEOUT_SECONDS (100.0 * 365.25 * 24 * 3600)

/* Condition intervals beyond this are polled at this interval: it keeps
 * the next ready time far from overflowing. */
#define MAX_INTERVAL_US ((gint64) G_MAXINT32 * G_USEC_PER_SEC)

static void source_arm    (CancelSource *self,
                           guint         generation);
static void source_disarm (CancelSource *self,
                           gboolean      retire);

/* Tokens: what every armed callback holds. A strong reference on the
 * source keeps it alive while a callback may still run (disarm releases
 * the tokens); the generation tells a stale callback from a live one.
 *
 * GLib is not built with ThreadSanitizer, which therefore sees neither
 * how a GSource or a GClosure hands its data from the thread that runs it
 * to the one that destroys it, nor GObject's reference count. So a
 * callback holds a reference of its own while it runs, counted with
 * inline atomics TSan sees, and the last reference passes through the
 * source's lock, which finalize takes too. */

typedef struct
{
  int           ref_count;
  CancelSource *source;
  guint         generation;
  int           signum;
} SourceToken;

static SourceToken *
source_token_new (CancelSource *source,
                  guint         generation,
                  int           signum)
{
  SourceToken *token = g_new0 (SourceToken, 1);

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

static SourceToken *
source_token_ref (SourceToken *token)
{
  g_atomic_int_inc (&token->ref_count);
  return token;
}

/* Never called with a source lock held. */
static void
source_token_unref (gpointer data)
{
  SourceToken *token = data;
  CancelSource *source;

  if (!g_atomic_int_dec_and_test (&token->ref_count))
    return;

  source = token->source;
  g_free (token);

  cancel_mutex_lock (&source->lock);
  cancel_mutex_unlock (&source->lock);
  g_object_unref (source);
}

static void
source_token_closure_notify (gpointer  data,
                             GClosure *closure)
{
  source_token_unref (data);
}

static const char *
signal_get_name (int signum)
{
  for (gsize i = 0; i < G_N_ELEMENTS (signal_names); i++)
    {
      if (signal_names[i].number == signum)
        return signal_names[i].name;
    }
  return NULL;
}

static gboolean
signal_is_supported (int signum)
{
  for (gsize i = 0; i < G_N_ELEMENTS (supported_signals); i++)
    {
      if (supported_signals[i] == signum)
        return TRUE;
    }
  return FALSE;
}

static CancelSource *
source_new (SourceKind kind)
{
  CancelSource *self = g_object_new (CANCEL_TYPE_SOURCE, NULL);

  /* Messages are made later, in other threads. */
  _cancel_i18n_init ();
  self->kind = kind;
  return self;
}

/* The members of a combination, or NULL: read under the lock, because
 * dispose lets go of them, in whichever thread drops the last reference
 * (ordered by GObject's reference count, which ThreadSanitizer cannot
 * see). The array's contents never change. */
static GPtrArray *
source_dup_members (CancelSource *self)
{
  GPtrArray *members;

  cancel_mutex_lock (&self->lock);
  members = self->members != NULL ? g_ptr_array_ref (self->members) : NULL;
  cancel_mutex_unlock (&self->lock);

  return members;
}

/* Firing */

static void combination_member_fired (CancelSource *self,
                                      guint         generation,
                                      CancelReason  reason,
                                      CancelReason  origin,
                                      const char   *message);

/* Records the firing and tells the target, once per arming. Any thread;
 * takes ownership of @message. */
static void
source_fire (CancelSource *self,
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
        _cancel_scope_cancel_full (target, reason, origin, message);
      else
        combination_member_fired (target, target_generation, reason, origin, message);

      /* Possibly the last reference if the owner dropped the scope
       * meanwhile; disposing it disarms this source, which needs our
       * lock: not held. */
      g_object_unref (target);
    }

  g_free (message);
}

static void
combination_member_fired (CancelSource *self,
                          guint         generation,
                          CancelReason  reason,
                          CancelReason  origin,
                          const char   *message)
{
  g_autoptr(GPtrArray) members = source_dup_members (self);
  guint n_members = members != NULL ? members->len : 0;
  gboolean complete;

  if (self->kind == KIND_ANY)
    {
      source_fire (self, generation, reason, origin, g_strdup (message));
      return;
    }

  g_assert (self->kind == KIND_ALL);

  cancel_mutex_lock (&self->lock);
  if (self->generation != generation || !self->armed || self->fired)
    {
      cancel_mutex_unlock (&self->lock);
      return;
    }
  /* Each member fires at most once per arming, so counting is enough. */
  complete = ++self->n_fired == n_members;
  cancel_mutex_unlock (&self->lock);

  if (complete)
    source_fire (self, generation, reason, origin,
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "All %u source fired; last: %s",
                                               "All %u sources fired; last: %s",
                                               n_members),
                                  n_members, message));
}

/* Timeout */

static void
timeout_fired_cb (gpointer data)
{
  SourceToken *token = data;
  CancelSource *self = token->source;

  source_fire (self, token->generation,
               CANCEL_REASON_TIMEOUT, CANCEL_REASON_TIMEOUT,
               g_strdup_printf (_("Timed out after %g s"), self->seconds));
}

static void
timeout_arm (CancelSource *self,
             guint         generation)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (self->seconds * G_USEC_PER_SEC);
  CancelTimer *timer;

  timer = _cancel_timer_start (deadline, timeout_fired_cb,
                               source_token_new (self, generation, 0),
                               source_token_unref);

  cancel_mutex_lock (&self->lock);
  if (self->generation == generation)
    self->timer = g_steal_pointer (&timer);
  cancel_mutex_unlock (&self->lock);

  /* Disarmed meanwhile: give the timer back, without the lock (see
   * source_disarm()). */
  if (timer != NULL)
    _cancel_timer_stop (timer);
}

/* Linked cancellable */

static void
linked_fire (SourceToken  *token,
             GCancellable *upstream)
{
  CancelSource *self = token->source;
  CancelReason reason;
  CancelReason origin;
  char *message;

  if (CANCEL_IS_SCOPE (upstream))
    {
      CancelScope *scope = CANCEL_SCOPE (upstream);
      CancelReason up_reason = cancel_scope_get_reason (scope);
      CancelReason up_origin = cancel_scope_get_origin_reason (scope);

      /* The upstream's reason is recorded before its flag flips; a plain
       * g_cancellable_cancel() counts as manual. */
      if (up_reason == CANCEL_REASON_NONE)
        up_reason = CANCEL_REASON_MANUAL;
      if (up_origin == CANCEL_REASON_NONE)
        up_origin = up_reason;

      if (self->preserve_reason)
        {
          const char *up_message = cancel_scope_get_message (scope);

          reason = up_reason;
          origin = up_origin;
          message = up_message != NULL ? g_strdup (up_message)
                                       : g_strdup (_("Linked scope was cancelled"));
        }
      else
        {
          const char *name = cancel_scope_get_name (scope);

          reason = CANCEL_REASON_PARENT;
          origin = up_origin;
          if (name != NULL)
            message = g_strdup_printf (_("Linked scope “%s” was cancelled"), name);
          else
            message = g_strdup (_("Linked scope was cancelled"));
        }
    }
  else
    {
      /* A plain GCancellable has no reason of its own but "someone
       * cancelled it": manual, which is what preserving it keeps. */
      reason = self->preserve_reason ? CANCEL_REASON_MANUAL : CANCEL_REASON_PARENT;
      origin = CANCEL_REASON_MANUAL;
      message = g_strdup (_("Linked cancellable was cancelled"));
    }

  source_fire (self, token->generation, reason, origin, message);
}

/* In the thread that cancelled @upstream, inside its emission. */
static void
linked_cancelled_cb (GCancellable *upstream,
                     gpointer      data)
{
  SourceToken *token = source_token_ref (data);

  linked_fire (token, upstream);
  source_token_unref (token);
}

static void
cancellable_arm (CancelSource *self,
                 guint         generation)
{
  g_autoptr(GCancellable) upstream = g_weak_ref_get (&self->upstream);
  SourceToken *token;
  gulong handler_id;
  gboolean stale;

  /* Finalized: nothing can cancel it any more. */
  if (upstream == NULL)
    return;

  /* Not g_cancellable_connect(): disarming may run inside the upstream's
   * emission (a handler ends our scope), where g_cancellable_disconnect()
   * would wait for that very emission. A plain handler can be
   * disconnected from anywhere; its closure keeps the token alive while
   * an invocation in another thread finishes. */
  token = source_token_new (self, generation, 0);
  handler_id = g_signal_connect_data (upstream, "cancelled",
                                      G_CALLBACK (linked_cancelled_cb),
                                      source_token_ref (token),
                                      source_token_closure_notify,
                                      0);

  cancel_mutex_lock (&self->lock);
  stale = self->generation != generation;
  if (!stale)
    self->handler_id = handler_id;
  cancel_mutex_unlock (&self->lock);

  if (stale)
    g_signal_handler_disconnect (upstream, handler_id);
  else if (g_cancellable_is_cancelled (upstream))
    linked_fire (token, upstream);  /* at most once: source_fire checks */

  source_token_unref (token);
}

/* UNIX signals */

/* On a firing thread: cancelling runs ::cancelled handlers, which must
 * not hold up the worker's other signal watches and conditions. */
static void
signal_fire (gpointer data,
             gpointer unused)
{
  SourceToken *token = data;
  const char *name = signal_get_name (token->signum);

  source_fire (token->source, token->generation,
               CANCEL_REASON_SIGNAL, CANCEL_REASON_SIGNAL,
               g_strdup_printf (_("Received %s"), name));
  source_token_unref (token);
}

/* On the worker thread. */
static gboolean
signal_received_cb (gpointer data)
{
  _cancel_worker_fire (signal_fire, source_token_ref (data));

  /* Stay installed while armed: removing the last watch of a signal
   * restores its default action, and a second Ctrl+C would then kill the
   * process before the scope had a chance to end. */
  return G_SOURCE_CONTINUE;
}

static void
gsources_release (GPtrArray *gsources)
{
  if (gsources == NULL)
    return;

  for (guint i = 0; i < gsources->len; i++)
    g_source_destroy (g_ptr_array_index (gsources, i));
  g_ptr_array_unref (gsources);
}

/* Keeps @gsources as the armed watches of @self, unless the arming they
 * belong to was superseded meanwhile: then they are destroyed. */
static void
source_keep_gsources (CancelSource *self,
                      guint         generation,
                      GPtrArray    *gsources)
{
  cancel_mutex_lock (&self->lock);
  if (self->generation == generation)
    self->gsources = g_steal_pointer (&gsources);
  cancel_mutex_unlock (&self->lock);

  gsources_release (gsources);
}

static void
signals_arm (CancelSource *self,
             guint         generation)
{
  GMainContext *context = _cancel_worker_get_context ();
  GPtrArray *gsources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);

  for (gsize i = 0; i < self->n_signals; i++)
    {
      GSource *gsource = g_unix_signal_source_new (self->signals[i]);
      SourceToken *token = source_token_new (self, generation, self->signals[i]);

      g_source_set_callback (gsource, signal_received_cb, token, source_token_unref);
      g_source_set_static_name (gsource, "[cancelable] signal source");
      g_source_attach (gsource, context);
      g_ptr_array_add (gsources, gsource);
    }

  source_keep_gsources (self, generation, gsources);
}

/* Condition */

/* A source with no fd and no timeout: only its ready time, which starts
 * at "now" (the first check is immediate) and moves one interval on after
 * each check. */
static gboolean
condition_source_dispatch (GSource     *gsource,
                           GSourceFunc  callback,
                           gpointer     data)
{
  SourceToken *token;
  gboolean again;

  if (callback == NULL)
    return G_SOURCE_REMOVE;

  token = source_token_ref (data);
  again = callback (token);
  if (again)
    g_source_set_ready_time (gsource, g_source_get_time (gsource) + token->source->interval_us);
  source_token_unref (token);

  return again;
}

static GSourceFuncs condition_source_funcs = {
  .dispatch = condition_source_dispatch,
};

/* On a firing thread, see signal_fire(). */
static void
condition_fire (gpointer data,
                gpointer unused)
{
  SourceToken *token = data;

  source_fire (token->source, token->generation,
               CANCEL_REASON_CONDITION, CANCEL_REASON_CONDITION,
               g_strdup (_("Condition became true")));
  source_token_unref (token);
}

/* On the worker thread. Returns whether to keep polling. */
static gboolean
condition_check_cb (gpointer data)
{
  SourceToken *token = data;
  CancelSource *self = token->source;
  gboolean live;

  cancel_mutex_lock (&self->lock);
  live = self->generation == token->generation && self->armed && !self->fired;
  cancel_mutex_unlock (&self->lock);

  if (!live)
    return G_SOURCE_REMOVE;

  if (!self->func (self->user_data))
    return G_SOURCE_CONTINUE;

  _cancel_worker_fire (condition_fire, source_token_ref (token));
  return G_SOURCE_REMOVE;
}

static void
condition_arm (CancelSource *self,
               guint         generation)
{
  GPtrArray *gsources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  GSource *gsource = g_source_new (&condition_source_funcs, sizeof (GSource));

  g_source_set_callback (gsource, condition_check_cb,
                         source_token_new (self, generation, 0),
                         source_token_unref);
  g_source_set_ready_time (gsource, 0);
  g_source_set_static_name (gsource, "[cancelable] condition source");
  g_source_attach (gsource, _cancel_worker_get_context ());
  g_ptr_array_add (gsources, gsource);

  source_keep_gsources (self, generation, gsources);
}

/* Arming and disarming */

/* Starts an arming of @self for @target (a scope or a combination):
 * resets what a previous arming recorded. Returns the arming's
 * generation, for source_arm(), or 0 if the source was retired (its scope
 * ended while it was being attached). */
static guint
source_prepare (CancelSource *self,
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
  self->n_fired = 0;
  g_weak_ref_set (&self->target, target);
  self->target_generation = target_generation;
  cancel_mutex_unlock (&self->lock);

  return generation;
}

/* Creates what the arming needs without the lock (a callback may fire at
 * once, in this thread or on the worker) and keeps it unless a disarm came
 * first. */
static void
source_arm (CancelSource *self,
            guint         generation)
{
  g_autoptr(GPtrArray) members = NULL;

  switch (self->kind)
    {
    case KIND_TIMEOUT:
      timeout_arm (self, generation);
      break;

    case KIND_CANCELLABLE:
      cancellable_arm (self, generation);
      break;

    case KIND_SIGNALS:
      signals_arm (self, generation);
      break;

    case KIND_CONDITION:
      condition_arm (self, generation);
      break;

    case KIND_ANY:
    case KIND_ALL:
      members = source_dup_members (self);
      for (guint i = 0; members != NULL && i < members->len; i++)
        {
          CancelSource *member = g_ptr_array_index (members, i);
          guint member_generation = source_prepare (member, self, generation);
          gboolean stale;
          gboolean fired;

          if (member_generation != 0)
            source_arm (member, member_generation);

          /* A disarm of the combination that ran before this member was
           * armed did not see it armed: undo it here. One that runs after
           * this check disarms it itself. */
          cancel_mutex_lock (&self->lock);
          stale = self->generation != generation;
          fired = self->fired;
          cancel_mutex_unlock (&self->lock);

          if (stale)
            source_disarm (member, FALSE);
          if (stale || fired)
            break;
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Stops whatever the current arming set up. @retire: the scope served is
 * gone or ended, the source is spent. Any thread, no lock held. */
static void
source_disarm (CancelSource *self,
               gboolean      retire)
{
  CancelTimer *timer;
  gulong handler_id;
  GPtrArray *gsources;
  gboolean was_armed;

  cancel_mutex_lock (&self->lock);
  was_armed = self->armed;
  self->generation++;
  self->armed = FALSE;
  if (retire)
    self->retired = TRUE;
  g_weak_ref_set (&self->target, NULL);
  timer = g_steal_pointer (&self->timer);
  handler_id = self->handler_id;
  self->handler_id = 0;
  gsources = g_steal_pointer (&self->gsources);
  cancel_mutex_unlock (&self->lock);

  /* Stopping a timer may release its token, and with it the last
   * reference on the source: not under our lock. */
  if (timer != NULL)
    _cancel_timer_stop (timer);

  if (handler_id != 0)
    {
      g_autoptr(GCancellable) upstream = g_weak_ref_get (&self->upstream);

      /* Not g_cancellable_disconnect(): see cancellable_arm(). If the
       * upstream was finalized, its handlers went with it. */
      if (upstream != NULL && g_signal_handler_is_connected (upstream, handler_id))
        g_signal_handler_disconnect (upstream, handler_id);
    }

  gsources_release (gsources);

  if (was_armed && self->kind >= KIND_ANY)
    {
      g_autoptr(GPtrArray) members = source_dup_members (self);

      for (guint i = 0; members != NULL && i < members->len; i++)
        source_disarm (g_ptr_array_index (members, i), FALSE);
    }
}

void
_cancel_source_disarm (CancelSource *self)
{
  g_return_if_fail (CANCEL_IS_SOURCE (self));

  source_disarm (self, TRUE);
}

/* GObject */

static void
cancel_source_dispose (GObject *object)
{
  CancelSource *self = CANCEL_SOURCE (object);
  g_autoptr(GPtrArray) members = NULL;

  /* Armed callbacks hold references: an armed source is not disposed.
   * Give the members back so that they can serve elsewhere. */
  cancel_mutex_lock (&self->lock);
  members = g_steal_pointer (&self->members);
  cancel_mutex_unlock (&self->lock);
  if (members != NULL)
    {
      for (guint i = 0; i < members->len; i++)
        {
          CancelSource *member = g_ptr_array_index (members, i);

          cancel_mutex_lock (&member->lock);
          if (member->owner_kind == OWNER_COMBINATION && member->owner == self)
            {
              member->owner_kind = OWNER_NONE;
              member->owner = NULL;
            }
          cancel_mutex_unlock (&member->lock);
        }
    }

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
  g_assert (self->timer == NULL);
  g_assert (self->handler_id == 0);
  g_assert (self->gsources == NULL);
  cancel_mutex_unlock (&self->lock);

  if (self->destroy != NULL)
    self->destroy (self->user_data);

  g_weak_ref_clear (&self->upstream);
  g_weak_ref_clear (&self->target);
  g_free (self->signals);
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
  g_weak_ref_init (&self->upstream, NULL);
  g_weak_ref_init (&self->target, NULL);
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
}

/* Constructors */

/**
 * cancel_source_new_timeout: (constructor)
 * @seconds: how long after being attached the source fires; positive and
 *   finite (at most about a hundred years)
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires @seconds after it is attached with
 * [method@Cancel.Scope.add_source], not after it is made. It cancels its
 * scope with [enum@Cancel.Reason.TIMEOUT] and a message naming the
 * duration ("Timed out after 2.5 s"); a scope cancelled that way ends
 * [enum@Cancel.Status.TIMED_OUT].
 *
 * It fires whether or not any main loop runs: all timeouts of the process
 * share one timer heap on the library's timer thread (a timeout costs no
 * [struct@GLib.Source] of its own), and the scope's ::cancelled handlers
 * run on a firing thread.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_TIMEOUT
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_timeout (double    seconds,
                           GError  **error)
{
  CancelSource *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS))
    {
      _cancel_i18n_init ();
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid timeout %g s: it must be positive, finite and at most 100 years"),
                   seconds);
      return NULL;
    }

  self = source_new (KIND_TIMEOUT);
  self->seconds = seconds;
  return self;
}

/**
 * cancel_source_new_cancellable: (constructor)
 * @cancellable: (not nullable): the cancellable to follow; it may be a [class@Cancel.Scope]
 * @preserve_reason: whether to cancel with @cancellable's own reason
 *
 * Makes a source that fires when @cancellable is cancelled, or as soon as
 * it is attached if @cancellable is cancelled already (like
 * [method@Gio.Cancellable.connect]).
 *
 * By default the scope is cancelled with [enum@Cancel.Reason.PARENT] and a
 * message naming the link ("Linked scope “Download” was cancelled", or
 * "Linked cancellable was cancelled"); its
 * [property@Cancel.Scope:origin-reason] is @cancellable's origin reason
 * if it is a scope, [enum@Cancel.Reason.MANUAL] otherwise.
 *
 * With @preserve_reason, a scope @cancellable passes on its own reason,
 * origin reason and message unchanged; a plain [class@Gio.Cancellable]
 * gives [enum@Cancel.Reason.MANUAL].
 *
 * The source fires in the thread that cancels @cancellable, inside its
 * [signal@Gio.Cancellable::cancelled] emission (or in the thread calling
 * [method@Cancel.Scope.add_source] if it was cancelled already). Links
 * may form cycles: cancellation stops at scopes already cancelled.
 *
 * The source does not keep @cancellable alive: once @cancellable is
 * finalized nothing can cancel it, and the source never fires.
 *
 * Returns: (transfer full): a new source
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_cancellable (GCancellable *cancellable,
                               gboolean      preserve_reason)
{
  CancelSource *self;

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  self = source_new (KIND_CANCELLABLE);
  g_weak_ref_set (&self->upstream, cancellable);
  self->preserve_reason = !!preserve_reason;
  return self;
}

/**
 * cancel_source_new_unix_signals: (constructor)
 * @signals: (array length=n_signals) (nullable): the signal numbers, or
 *   %NULL for `SIGINT` and `SIGTERM`
 * @n_signals: the length of @signals; 0 also means `SIGINT` and `SIGTERM`
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires when the process receives one of @signals,
 * through GLib's UNIX signal sources ([func@GLibUnix.signal_source_new]).
 * Only the signals GLib can watch are accepted: `SIGHUP`, `SIGINT`,
 * `SIGTERM`, `SIGUSR1`, `SIGUSR2` and `SIGWINCH`. It cancels its scope
 * with [enum@Cancel.Reason.SIGNAL] and a message naming the signal
 * ("Received SIGINT").
 *
 * The signals are watched only while the source is armed, on the
 * library's worker thread; the scope's ::cancelled handlers run on a
 * firing thread. While they are
 * watched, the signals no longer have their default action; when the
 * last watch of a signal goes, GLib restores its default action.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_SIGNAL
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_unix_signals (const int  *signals,
                                gsize       n_signals,
                                GError    **error)
{
  static const int default_signals[] = { SIGINT, SIGTERM };
  CancelSource *self;

  g_return_val_if_fail (signals != NULL || n_signals == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (signals == NULL || n_signals == 0)
    {
      signals = default_signals;
      n_signals = G_N_ELEMENTS (default_signals);
    }

  for (gsize i = 0; i < n_signals; i++)
    {
      if (!signal_is_supported (signals[i]))
        {
          const char *name = signal_get_name (signals[i]);
          g_autofree char *described = NULL;

          _cancel_i18n_init ();
          if (name != NULL)
            described = g_strdup_printf ("%s (%d)", name, signals[i]);
          else
            described = g_strdup_printf ("%d", signals[i]);

          g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_SIGNAL,
                       _("Cannot watch signal %s: only SIGHUP, SIGINT, SIGTERM, "
                         "SIGUSR1, SIGUSR2 and SIGWINCH are supported"),
                       described);
          return NULL;
        }
    }

  self = source_new (KIND_SIGNALS);
  self->signals = g_memdup2 (signals, n_signals * sizeof (int));
  self->n_signals = n_signals;
  return self;
}

/**
 * cancel_source_new_condition: (constructor)
 * @func: (scope notified) (closure user_data) (destroy destroy): the
 *   condition, polled on the library's worker thread
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 * @interval_seconds: time between two checks, positive and finite
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires when @func returns %TRUE. @func is first
 * called as soon as the source is attached, then every @interval_seconds
 * while it is armed; it stops being called once it returned %TRUE or the
 * source was disarmed (a check already running then still completes).
 *
 * @func always runs on the library's worker thread, never in the caller's
 * thread, so it must be thread-safe and quick: a @func that blocks delays
 * the other conditions and signal sources (never deadlines, which have a
 * thread of their own). When it returns %TRUE, the source cancels its scope
 * with [enum@Cancel.Reason.CONDITION] and the message "Condition became
 * true", on a firing thread, where the scope's ::cancelled handlers run.
 *
 * @destroy is called on @user_data when the source is finalized, in
 * whichever thread drops the last reference; if the source cannot be made
 * (@error is set) it is called before this function returns.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_INTERVAL
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_condition (CancelConditionFunc   func,
                             gpointer              user_data,
                             GDestroyNotify        destroy,
                             double                interval_seconds,
                             GError              **error)
{
  CancelSource *self;

  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(interval_seconds > 0 && isfinite (interval_seconds)))
    {
      _cancel_i18n_init ();
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_INTERVAL,
                   _("Invalid polling interval %g s: it must be positive and finite"),
                   interval_seconds);
      if (destroy != NULL)
        destroy (user_data);
      return NULL;
    }

  self = source_new (KIND_CONDITION);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  if (interval_seconds * G_USEC_PER_SEC >= (double) MAX_INTERVAL_US)
    self->interval_us = MAX_INTERVAL_US;
  else
    self->interval_us = MAX ((gint64) (interval_seconds * G_USEC_PER_SEC), 1);
  return self;
}

static CancelSource *
combination_new (SourceKind            kind,
                 CancelSource * const *sources,
                 gsize                 n_sources,
                 GError              **error)
{
  CancelSource *self;
  gsize i;

  if (n_sources == 0)
    {
      _cancel_i18n_init ();
      g_set_error_literal (error, CANCEL_ERROR, CANCEL_ERROR_NO_SOURCES,
                           _("A combination of sources needs at least one source"));
      return NULL;
    }

  self = source_new (kind);
  self->members = g_ptr_array_new_full ((guint) MIN (n_sources, G_MAXUINT), g_object_unref);

  /* Claim every member, or none. */
  for (i = 0; i < n_sources; i++)
    {
      CancelSource *member = sources[i];
      gboolean available;

      cancel_mutex_lock (&member->lock);
      available = member->owner_kind == OWNER_NONE && !member->retired;
      if (available)
        {
          member->owner_kind = OWNER_COMBINATION;
          member->owner = self;
        }
      cancel_mutex_unlock (&member->lock);

      if (!available)
        {
          g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                       _("Source %u of the combination is "
                         "already attached to a scope or a combination"),
                       (guint) (i + 1));
          break;
        }

      g_ptr_array_add (self->members, g_object_ref (member));
    }

  /* Dispose gives the claimed members back. */
  if (i < n_sources)
    g_clear_object (&self);

  return self;
}

/**
 * cancel_source_new_any: (constructor)
 * @sources: (array length=n_sources) (transfer none): the members, not
 *   attached to anything
 * @n_sources: the length of @sources, at least 1
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires as soon as one of @sources fires, with that
 * member's reason and message. Combining timeouts this way fires at the
 * earliest.
 *
 * Members may be of any kind, combinations included. They belong to the
 * combination for its whole life, are armed when it is attached and
 * disarmed with it; attaching a member elsewhere fails. A %NULL member is
 * a programmer error; a member already attached to a scope or to another
 * combination (or listed twice) makes this fail with
 * %CANCEL_ERROR_INVALID_STATE, leaving every member as it was.
 *
 * The combination fires in the thread where its member fires.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_any (CancelSource * const  *sources,
                       gsize                  n_sources,
                       GError               **error)
{
  g_return_val_if_fail (sources != NULL || n_sources == 0, NULL);
  for (gsize i = 0; i < n_sources; i++)
    g_return_val_if_fail (CANCEL_IS_SOURCE (sources[i]), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return combination_new (KIND_ANY, sources, n_sources, error);
}

/**
 * cancel_source_new_all: (constructor)
 * @sources: (array length=n_sources) (transfer none): the members, not
 *   attached to anything
 * @n_sources: the length of @sources, at least 1
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires once every one of @sources has fired (each
 * since the combination was attached), with the reason of the last one and
 * a message quoting it ("All 3 sources fired; last: Timed out after 1 s").
 *
 * Members follow the same rules as for [ctor@Cancel.Source.new_any].
 * The combination fires in the thread where its last member fires.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_all (CancelSource * const  *sources,
                       gsize                  n_sources,
                       GError               **error)
{
  g_return_val_if_fail (sources != NULL || n_sources == 0, NULL);
  for (gsize i = 0; i < n_sources; i++)
    g_return_val_if_fail (CANCEL_IS_SOURCE (sources[i]), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return combination_new (KIND_ALL, sources, n_sources, error);
}

/* Getters */

/**
 * cancel_source_has_fired:
 * @self: a source
 *
 * Whether the source fired since it was last attached. Any thread.
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
 * Any thread.
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
 * Any thread.
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
 * @scope: a scope, not ended
 * @source: a source, not attached to anything
 * @error: return location for a [error@Cancel.Error]
 *
 * Attaches @source to @scope and arms it: from now on, when @source fires
 * it cancels @scope. A timeout starts counting now; a linked cancellable
 * that is already cancelled, fires now, in this thread; a condition is
 * first checked now, on the worker thread.
 *
 * @scope keeps a reference on @source until the source is removed or
 * @scope is finalized, and disarms it when it ends or is finalized; the
 * source is then spent and cannot be attached again.
 *
 * Any thread.
 *
 * Returns: %TRUE if attached; %FALSE with @error set to
 *   %CANCEL_ERROR_INVALID_STATE if @source is already attached to a scope
 *   or a combination, is spent, or @scope has ended. Nothing changes then.
 *
 * Since: 0.1
 */
gboolean
cancel_scope_add_source (CancelScope   *scope,
                         CancelSource  *source,
                         GError       **error)
{
  gboolean available;
  gboolean spent;
  guint generation;

  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), FALSE);
  g_return_val_if_fail (CANCEL_IS_SOURCE (source), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cancel_mutex_lock (&source->lock);
  spent = source->retired;
  available = source->owner_kind == OWNER_NONE && !spent;
  if (available)
    {
      source->owner_kind = OWNER_SCOPE;
      source->owner = scope;
    }
  cancel_mutex_unlock (&source->lock);

  if (!available)
    {
      _cancel_i18n_init ();
      if (spent)
        g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                     _("The source served a scope that has ended; make a new one"));
      else
        g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                     _("The source is already attached to a scope or a combination"));
      return FALSE;
    }

  if (!_cancel_scope_attach_source (scope, source))
    {
      cancel_mutex_lock (&source->lock);
      source->owner_kind = OWNER_NONE;
      source->owner = NULL;
      cancel_mutex_unlock (&source->lock);

      _cancel_i18n_init ();
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_STATE,
                   _("Cannot add a source to a scope that has ended"));
      return FALSE;
    }

  /* If the scope ends from here on, it disarms the source: before this
   * (which then arms nothing) or after it (which then undoes it). */
  generation = source_prepare (source, scope, 0);
  if (generation != 0)
    source_arm (source, generation);

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
 * @scope ended meanwhile). Any thread.
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
  ours = source->owner_kind == OWNER_SCOPE && source->owner == scope;
  cancel_mutex_unlock (&source->lock);

  if (!ours)
    return;

  /* Out of the scope's list first: once the source is free again it may
   * serve another scope, and this one must not disarm it when it ends.
   * Not in the list: the scope ended and disarms it (or did). */
  if (!_cancel_scope_detach_source (scope, source))
    return;

  source_disarm (source, FALSE);

  cancel_mutex_lock (&source->lock);
  if (!source->retired && source->owner == scope)
    {
      source->owner_kind = OWNER_NONE;
      source->owner = NULL;
    }
  cancel_mutex_unlock (&source->lock);
}
