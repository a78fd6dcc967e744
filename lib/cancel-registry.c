/* cancel-registry.c: the registry object: its type, properties,
 * constructors and history settings. The index lives in
 * cancel-registry-index.c, the list models in cancel-registry-models.c,
 * the statistics in cancel-registry-stats.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-registry.h"
#include "cancel-registry-private.h"

enum {
  PROP_0,
  PROP_HISTORY_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_HISTORY_LIMIT 1000

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelRegistry, cancel_registry, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      _cancel_registry_list_model_iface_init))

/* GObject */

static void
cancel_registry_dispose (GObject *object)
{
  _cancel_dispatch_link_dispose (&CANCEL_REGISTRY (object)->dispatch);

  G_OBJECT_CLASS (cancel_registry_parent_class)->dispose (object);
}

static void
cancel_registry_finalize (GObject *object)
{
  CancelRegistry *self = CANCEL_REGISTRY (object);
  CancelRegistryEntry *dead = NULL;

  /* A queued publish was dropped in dispose. */
  _cancel_registry_clear_live_items (self, &dead);
  _cancel_registry_index_clear (self, &dead);
  _cancel_registry_release_entries (dead);

  g_clear_object (&self->history_model);
  _cancel_dispatch_link_clear (&self->dispatch);
  cancel_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cancel_registry_parent_class)->finalize (object);
}

static void
cancel_registry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CancelRegistry *self = CANCEL_REGISTRY (object);

  switch (prop_id)
    {
    case PROP_HISTORY_LIMIT:
      g_value_set_uint (value, cancel_registry_get_history_limit (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_registry_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CancelRegistry *self = CANCEL_REGISTRY (object);

  switch (prop_id)
    {
    case PROP_HISTORY_LIMIT:
      cancel_registry_set_history_limit (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_registry_class_init (CancelRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cancel_registry_dispose;
  object_class->finalize = cancel_registry_finalize;
  object_class->get_property = cancel_registry_get_property;
  object_class->set_property = cancel_registry_set_property;

  /**
   * CancelRegistry:history-limit: (getter get_history_limit) (setter set_history_limit)
   *
   * How many finished scopes the history keeps; when more finish, the
   * oldest are dropped first. 0 keeps none.
   *
   * Lowering it drops the excess at once (see
   * [method@Cancel.Registry.set_history_limit]). Notification is emitted
   * synchronously, in the thread that changed it.
   *
   * Since: 0.1
   */
  properties[PROP_HISTORY_LIMIT] =
    g_param_spec_uint ("history-limit", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_HISTORY_LIMIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cancel_registry_init (CancelRegistry *self)
{
  /* Made here rather than in cancel_registry_new() so that g_object_new()
   * (bindings) gets the same context. */
  _cancel_dispatch_link_init (&self->dispatch, NULL, self, _cancel_registry_publish);
  self->history_model = g_object_new (cancel_registry_history_get_type (), NULL);
  _cancel_registry_index_init (self);
  self->history_limit = DEFAULT_HISTORY_LIMIT;
  self->pending_remove_min = G_MAXUINT;
  self->pending_remove_max = 0;
  cancel_mutex_init (&self->lock);
}

/* Public API */

/**
 * CancelRegistry:
 *
 * A list of the operations ([class@Cancel.Scope]s) that are running now,
 * and a bounded history of the ones that finished.
 *
 * A scope is tracked when it begins (by the default registry unless
 * [method@Cancel.Scope.set_registry] chose another registry or none), and
 * moves from the live list to the history when it ends. The registry holds
 * a reference on every scope it lists; the history keeps at most
 * [property@Cancel.Registry:history-limit] scopes, evicting the oldest
 * first, so memory stays bounded however many operations run.
 *
 * The registry is a [iface@Gio.ListModel] of the live scopes, in the order
 * they began; [method@Cancel.Registry.get_history] is a second list model of
 * the finished ones, oldest first.
 *
 * ## Threads and contexts
 *
 * Scopes may begin and end in any thread. The list models, however, only
 * change on the registry's main context ([method@Cancel.Registry.get_context]):
 * changes are queued and applied in a later iteration of that context, all
 * the changes of a batch at once. [signal@Gio.ListModel::items-changed] is
 * therefore emitted on the registry's context only, at most once per model
 * per batch, and always after the model reached its new state, so it agrees
 * with [method@Gio.ListModel.get_item]. Read the list models from the
 * thread that runs that context.
 *
 * Look-ups, filters, history queries, cancellation by id and statistics
 * work from any thread, and see a scope as soon as it began or ended,
 * before the list models catch up. Each function's documentation says
 * which threads may call it.
 *
 * Since: 0.1
 */

static CancelRegistry *
registry_new_for_context (GMainContext *context)
{
  CancelRegistry *self = g_object_new (CANCEL_TYPE_REGISTRY, NULL);

  _cancel_dispatch_link_clear (&self->dispatch);
  _cancel_dispatch_link_init (&self->dispatch, context, self, _cancel_registry_publish);
  return self;
}

/**
 * cancel_registry_new:
 *
 * Creates a registry whose context is the thread-default main context of
 * the calling thread (see [func@GLib.MainContext.ref_thread_default]).
 *
 * Scopes use it once it is given to [method@Cancel.Scope.set_registry]
 * before they begin; tests and embedders use this to keep their
 * operations apart from the default registry.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new registry
 *
 * Since: 0.1
 */
CancelRegistry *
cancel_registry_new (void)
{
  return g_object_new (CANCEL_TYPE_REGISTRY, NULL);
}

/**
 * cancel_registry_get_default:
 *
 * The process-wide registry that tracks every scope that begins, unless
 * the scope chose another registry or none. Its context is the global
 * default main context ([func@GLib.MainContext.default]): its list models
 * change, and emit their signals, in the thread that runs that context
 * (usually the main thread).
 *
 * Callable from any thread; the first call creates it.
 *
 * Returns: (transfer none): the default registry
 *
 * Since: 0.1
 */
CancelRegistry *
cancel_registry_get_default (void)
{
  static CancelMutex default_lock = CANCEL_MUTEX_INIT;
  static CancelRegistry *default_registry;
  CancelRegistry *registry;

  registry = g_atomic_pointer_get (&default_registry);
  if (G_LIKELY (registry != NULL))
    return registry;

  cancel_mutex_lock (&default_lock);
  registry = g_atomic_pointer_get (&default_registry);
  if (registry == NULL)
    {
      registry = registry_new_for_context (g_main_context_default ());
      g_atomic_pointer_set (&default_registry, registry);
    }
  cancel_mutex_unlock (&default_lock);

  return registry;
}

/**
 * cancel_registry_get_context:
 * @self: a registry
 *
 * The main context on which the registry's list models change and emit
 * [signal@Gio.ListModel::items-changed]. The registry does not keep it
 * alive (nor do its scopes): keep a context as long as you iterate it.
 * Callable from any thread that holds a reference on the context.
 *
 * Returns: (transfer none) (nullable): the registry's context, or %NULL
 *   once it was finalized
 *
 * Since: 0.1
 */
GMainContext *
cancel_registry_get_context (CancelRegistry *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  return _cancel_dispatch_link_get_context (&self->dispatch);
}

/**
 * cancel_registry_get_history:
 * @self: a registry
 *
 * The finished scopes, oldest first, at most
 * [property@Cancel.Registry:history-limit] of them.
 *
 * The model is owned by the registry. Like the registry's own list, it
 * changes only on the registry's context, where its
 * [signal@Gio.ListModel::items-changed] is emitted (at most once per
 * batch, after the change); read it from the thread that runs that
 * context. A scope that began and ended within one batch appears here
 * without ever appearing in the live list. To ask about the history from
 * another thread, use [method@Cancel.Registry.find_last_finished],
 * [method@Cancel.Registry.find_finished_by_status] or
 * [method@Cancel.Registry.find_finished_since].
 *
 * Callable from any thread; use the model on the registry's context only.
 *
 * Returns: (transfer none): a [iface@Gio.ListModel] of [class@Cancel.Scope]
 *
 * Since: 0.1
 */
GListModel *
cancel_registry_get_history (CancelRegistry *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  return G_LIST_MODEL (self->history_model);
}

/**
 * cancel_registry_get_history_limit: (get-property history-limit)
 * @self: a registry
 *
 * Gets [property@Cancel.Registry:history-limit]. Callable from any thread.
 *
 * Returns: how many finished scopes the history keeps at most
 *
 * Since: 0.1
 */
guint
cancel_registry_get_history_limit (CancelRegistry *self)
{
  guint limit;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), 0);

  cancel_mutex_lock (&self->lock);
  limit = self->history_limit;
  cancel_mutex_unlock (&self->lock);

  return limit;
}

/**
 * cancel_registry_set_history_limit: (set-property history-limit)
 * @self: a registry
 * @limit: how many finished scopes to keep at most; 0 keeps none
 *
 * Sets [property@Cancel.Registry:history-limit]. The oldest finished scopes
 * beyond @limit are dropped at once: look-ups stop finding them before this
 * returns. Called from the thread that runs the registry's context, the
 * history model is updated (and emits
 * [signal@Gio.ListModel::items-changed]) before this returns too; from
 * another thread, in the context's next iteration.
 *
 * Callable from any thread; [signal@GObject.Object::notify] is emitted in
 * the calling thread.
 *
 * Since: 0.1
 */
void
cancel_registry_set_history_limit (CancelRegistry *self,
                                   guint           limit)
{
  CancelRegistryEntry *dead = NULL;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));

  cancel_mutex_lock (&self->lock);
  if (self->history_limit == limit)
    {
      cancel_mutex_unlock (&self->lock);
      return;
    }
  self->history_limit = limit;
  _cancel_registry_evict_history_locked (self, limit, &dead);
  cancel_mutex_unlock (&self->lock);

  _cancel_registry_release_entries (dead);
  _cancel_registry_sync_history_or_queue (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_LIMIT]);
}

/**
 * cancel_registry_clear_history:
 * @self: a registry
 *
 * Forgets every finished scope: look-ups stop finding them before this
 * returns. Statistics about finished scopes
 * ([method@Cancel.RegistryStats.get_finished],
 * [property@Cancel.RegistryStats:total-finished], the averages) are kept;
 * only [method@Cancel.RegistryStats.get_history] drops to zero.
 *
 * Callable from any thread. Called from the thread that runs the
 * registry's context, the history model empties (and emits
 * [signal@Gio.ListModel::items-changed]) before this returns; from another
 * thread, in the context's next iteration.
 *
 * Since: 0.1
 */
void
cancel_registry_clear_history (CancelRegistry *self)
{
  CancelRegistryEntry *dead = NULL;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));

  cancel_mutex_lock (&self->lock);
  _cancel_registry_evict_history_locked (self, 0, &dead);
  cancel_mutex_unlock (&self->lock);

  _cancel_registry_release_entries (dead);
  _cancel_registry_sync_history_or_queue (self);
}
