/* cancel-scope.c: a GCancellable with a reason, a parent and a lifecycle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-children-private.h"
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

G_DEFINE_FINAL_TYPE (CancelScope, cancel_scope, G_TYPE_CANCELLABLE)

GParamSpec *_cancel_scope_properties[N_PROPS];
guint _cancel_scope_signals[N_SIGNALS];
guint _cancel_scope_notify_signal_id;

static guint64 last_id;

/* ------------------------------------------------------------------ */
/* Identity                                                            */

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

  if (parent != NULL && _cancel_scope_link (self, parent))
    _cancel_scope_flip (self);

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

  if (parent != NULL && _cancel_scope_link (self, parent))
    _cancel_scope_flip (self);
}

static void
cancel_scope_dispose (GObject *object)
{
  CancelScope *self = CANCEL_SCOPE (object);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) orphans = NULL;
  CancelChildren *children;
  CancelTimer *timer;
  GArray *cleanups;
  gboolean running;

  cancel_mutex_lock (&self->lock);
  running = _cancel_scope_status_is_live (self->status);
  sources = g_steal_pointer (&self->sources);
  timer = g_steal_pointer (&self->timer);
  cleanups = _cancel_scope_steal_cleanups_locked (self);
  cancel_mutex_unlock (&self->lock);

  /* A registry holds the scopes it lists: only an unregistered one gets
   * here while running, and it would never end. */
  if (running)
    g_warning ("Scope %" G_GUINT64_FORMAT " “%s” was freed while running: end it with "
               "cancel_scope_end() or cancel_scope_fail() before dropping it",
               self->id, self->name != NULL ? self->name : "");

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    _cancel_source_disarm (g_ptr_array_index (sources, i));

  /* Never ended (pending, or dropped while running): released now. */
  _cancel_scope_run_cleanups (self, cleanups);

  orphans = _cancel_scope_tree_detach (self, &children);

  /* Unreachable through the tree from here on: drop an unheld queued
   * notification (nobody watches a scope that is being disposed). */
  _cancel_dispatch_link_dispose (&self->dispatch);

  /* Reached only when no timer holds us; kept for robustness. */
  if (timer != NULL)
    _cancel_timer_stop (timer);

  for (guint i = 0; orphans != NULL && i < orphans->len; i++)
    _cancel_scope_queue_changes (g_ptr_array_index (orphans, i), CHANGE_PARENT | CHANGE_DEADLINE);

  g_clear_object (&children);

  G_OBJECT_CLASS (cancel_scope_parent_class)->dispose (object);
}

static void
cancel_scope_finalize (GObject *object)
{
  CancelScope *self = CANCEL_SCOPE (object);

  if (self->ended_parent_set)
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

  cancellable_class->cancelled = _cancel_scope_cancelled;

  /**
   * CancelScope:id: (getter get_id)
   *
   * A number unique to the scope in this process, never 0.
   *
   * Since: 0.1
   */
  _cancel_scope_properties[PROP_ID] =
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
  _cancel_scope_properties[PROP_NAME] =
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
  _cancel_scope_properties[PROP_PARENT] =
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
  _cancel_scope_properties[PROP_CHILDREN] =
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
  _cancel_scope_properties[PROP_STATUS] =
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
  _cancel_scope_properties[PROP_REASON] =
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
  _cancel_scope_properties[PROP_ORIGIN_REASON] =
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
  _cancel_scope_properties[PROP_MESSAGE] =
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
  _cancel_scope_properties[PROP_CANCEL_TIME] =
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
  _cancel_scope_properties[PROP_DEADLINE] =
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
  _cancel_scope_properties[PROP_SHIELDED] =
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
  _cancel_scope_properties[PROP_PROGRESS] =
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
  _cancel_scope_properties[PROP_PROGRESS_MESSAGE] =
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
  _cancel_scope_properties[PROP_START_TIME] =
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
  _cancel_scope_properties[PROP_END_TIME] =
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
  _cancel_scope_properties[PROP_ERROR] =
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
  _cancel_scope_properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL,
                         CANCEL_TYPE_REGISTRY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, _cancel_scope_properties);

  /**
   * CancelScope::started:
   * @self: the scope
   *
   * Emitted once after [method@Cancel.Scope.begin], on the owner context of
   * the scope, in a later iteration, whichever thread began it.
   *
   * Since: 0.1
   */
  _cancel_scope_signals[STARTED] =
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
  _cancel_scope_signals[FINISHED] =
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
  _cancel_scope_signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_STRING);

  _cancel_scope_notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  _cancel_i18n_init ();
}

static void
cancel_scope_init (CancelScope *self)
{
  cancel_mutex_init (&self->lock);
  _cancel_dispatch_link_init (&self->dispatch, NULL, self, _cancel_scope_flush_changes);
  self->status = CANCEL_STATUS_PENDING;
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
  self->progress = -1;
  self->own_deadline = CANCEL_NO_DEADLINE;
}
