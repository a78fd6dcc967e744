/* cancel-registry.c: a list model of live operations and their history
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"
#include "cancel-registry.h"
#include "cancel-registry-private.h"

/* The registry keeps two views of the same scopes:
 *
 * - the look-up side, under the registry lock and updated at track and
 *   untrack time from any thread: an id index (live + history), the live
 *   scopes in begin order, the finished ones in end order (bounded by the
 *   history limit) and the statistics;
 *
 * - the model side, touched only on the registry's context: the live list
 *   model and the history list model. A publish step (one dispatch per
 *   batch) brings them up to date with the look-up side and emits one
 *   items-changed per model.
 *
 * Both views share one Entry per scope. Nothing is queued per event: the
 * look-up side already says what the models must become (new live entries
 * are the unpublished tail of the live queue; ended ones carry a flag; the
 * history is a window of a sequence numbered at untrack time), so memory is
 * bounded by the live scopes plus the history limit, even if the context
 * never runs. */

typedef struct _Entry Entry;

struct _Entry
{
  CancelScope *scope;         /* strong; immutable */
  guint64      id;            /* immutable */
  guint64      parent_id;     /* immutable; the parent at begin, 0 if none */
  Entry       *prev;          /* in the live or history queue (lock) */
  Entry       *next;
  guint64      history_seq;   /* lock; set at untrack */
  guint        live_pos;      /* lock; index in live_items while in_live_model */
  guint        status : 8;    /* lock; the final status once ended */
  guint        ended : 1;     /* lock */
  guint        in_index : 1;  /* lock; in the index and one of the queues */
  guint        in_live_model : 1; /* lock; in live_items */
};

typedef struct
{
  Entry *head;
  Entry *tail;
  guint  length;
} EntryQueue;

/* A pointer array that gives memory back when it empties, so a burst of
 * scopes does not pin its peak size. */
typedef struct
{
  gpointer *items;
  guint     len;
  guint     alloc;
} PtrVec;

#define PTR_VEC_MIN_ALLOC 16

G_DECLARE_FINAL_TYPE (CancelRegistryHistory, cancel_registry_history,
                      CANCEL, REGISTRY_HISTORY, GObject)

struct _CancelRegistryHistory
{
  GObject  parent_instance;

  PtrVec   items;       /* CancelScope *, strong; on the registry's context */
  guint64  first_seq;   /* history sequence number of items[0] */
};

struct _CancelRegistry
{
  GObject                parent_instance;

  CancelDispatchLink     dispatch;       /* publishes on the registry's context */
  CancelRegistryHistory *history_model;  /* immutable pointer */
  PtrVec                 live_items;     /* Entry *; read on the context,
                                          * written there under the lock */

  CancelMutex            lock;
  /* Everything below is guarded by the lock. */
  GHashTable            *index;          /* set of Entry, keyed by id */
  EntryQueue             live;           /* begin order */
  EntryQueue             history;        /* end order, <= history_limit */
  guint                  history_limit;
  guint64                next_history_seq;
  guint                  pending_remove_min; /* lowest and highest live_pos */
  guint                  pending_remove_max; /* of ended entries still in
                                              * live_items; min > max if none */
  gboolean               publish_queued;

  guint                  history_counts[CANCEL_N_STATUSES];
  guint64                finished_counts[CANCEL_N_STATUSES];
  guint64                total_started;
  guint64                total_finished;
  gint64                 duration_sum;
  guint64                n_latencies;
  gint64                 latency_sum;
  gint64                 latency_max;
};

enum {
  PROP_0,
  PROP_HISTORY_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_HISTORY_LIMIT 1000

static void list_model_iface_init (GListModelInterface *iface);
static void history_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelRegistry, cancel_registry, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelRegistryHistory, cancel_registry_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, history_list_model_iface_init))

G_DEFINE_BOXED_TYPE (CancelRegistryStats, cancel_registry_stats,
                     cancel_registry_stats_copy, cancel_registry_stats_free)

/* Small containers */

static void
ptr_vec_reserve (PtrVec *vec,
                 guint   extra)
{
  guint needed;

  g_assert (extra <= G_MAXUINT - vec->len);
  needed = vec->len + extra;
  if (needed <= vec->alloc)
    return;

  vec->alloc = MAX (MAX (needed, PTR_VEC_MIN_ALLOC),
                    vec->alloc <= G_MAXUINT / 2 ? vec->alloc * 2 : G_MAXUINT);
  vec->items = g_renew (gpointer, vec->items, vec->alloc);
}

static void
ptr_vec_maybe_shrink (PtrVec *vec)
{
  if (vec->alloc > PTR_VEC_MIN_ALLOC * 4 && vec->len < vec->alloc / 4)
    {
      vec->alloc = MAX (vec->len * 2, PTR_VEC_MIN_ALLOC);
      vec->items = g_renew (gpointer, vec->items, vec->alloc);
    }
}

static void
queue_push_tail (EntryQueue *queue,
                 Entry      *entry)
{
  entry->next = NULL;
  entry->prev = queue->tail;
  if (queue->tail != NULL)
    queue->tail->next = entry;
  else
    queue->head = entry;
  queue->tail = entry;
  queue->length++;
}

static void
queue_unlink (EntryQueue *queue,
              Entry      *entry)
{
  if (entry->prev != NULL)
    entry->prev->next = entry->next;
  else
    queue->head = entry->next;
  if (entry->next != NULL)
    entry->next->prev = entry->prev;
  else
    queue->tail = entry->prev;
  entry->prev = entry->next = NULL;
  queue->length--;
}

static guint
entry_hash (gconstpointer key)
{
  const Entry *entry = key;

  return (guint) (entry->id ^ (entry->id >> 32));
}

static gboolean
entry_equal (gconstpointer a,
             gconstpointer b)
{
  return ((const Entry *) a)->id == ((const Entry *) b)->id;
}

/* Entries that neither side refers to any more are chained through
 * ->next by the code holding the lock and freed here, after it was
 * released: dropping a scope reference can run arbitrary code (its
 * finalizer, toggle references of bindings). */
static void
chain_dead (Entry **dead,
            Entry  *entry)
{
  entry->next = *dead;
  *dead = entry;
}

static void
release_entries (Entry *dead)
{
  while (dead != NULL)
    {
      Entry *next = dead->next;

      g_object_unref (dead->scope);
      g_free (dead);
      dead = next;
    }
}

/* Drops the oldest finished scopes until at most @limit remain. */
static void
evict_history_locked (CancelRegistry  *self,
                      guint            limit,
                      Entry          **dead)
{
  while (self->history.length > limit)
    {
      Entry *entry = self->history.head;

      queue_unlink (&self->history, entry);
      g_hash_table_remove (self->index, entry);
      entry->in_index = FALSE;
      self->history_counts[entry->status]--;
      if (!entry->in_live_model)
        chain_dead (dead, entry);
    }
}

/* Publishing into the list models (the registry's context only) */

static void publish (gpointer object);

/* Returns TRUE if the caller must queue a publish: only the change that
 * finds nothing queued does, so a burst costs one dispatch. */
static gboolean
mark_dirty_locked (CancelRegistry *self)
{
  if (self->publish_queued)
    return FALSE;
  self->publish_queued = TRUE;
  return TRUE;
}

static void
queue_publish (CancelRegistry *self)
{
  /* Not held: a registry nobody holds any more has nobody to publish to,
   * and holding it would keep it alive through a context that is never
   * iterated again. */
  _cancel_dispatch_queue (&self->dispatch, FALSE);
}

static void
publish_live (CancelRegistry *self)
{
  PtrVec *items = &self->live_items;
  Entry *dead = NULL;
  Entry *entry;
  guint old_len, first, last, new_len;
  guint n_removed = 0, n_new = 0;

  cancel_mutex_lock (&self->lock);

  self->publish_queued = FALSE;
  old_len = items->len;
  first = MIN (self->pending_remove_min, old_len);
  last = self->pending_remove_max;
  self->pending_remove_min = G_MAXUINT;
  self->pending_remove_max = 0;

  /* Ended scopes leave; the ones after the first of them move down. */
  if (first < old_len)
    {
      guint i, j = first;

      for (i = first; i < old_len; i++)
        {
          entry = items->items[i];
          if (entry->ended)
            {
              entry->in_live_model = FALSE;
              if (!entry->in_index)
                chain_dead (&dead, entry);
            }
          else
            {
              entry->live_pos = j;
              items->items[j++] = entry;
            }
        }
      items->len = j;
      n_removed = old_len - j;
    }

  /* Scopes that began since the last publish, and are still running, are
   * the unpublished tail of the live queue. */
  for (entry = self->live.tail; entry != NULL && !entry->in_live_model; entry = entry->prev)
    n_new++;

  ptr_vec_reserve (items, n_new);
  for (entry = entry != NULL ? entry->next : self->live.head; entry != NULL; entry = entry->next)
    {
      entry->in_live_model = TRUE;
      entry->live_pos = items->len;
      items->items[items->len++] = entry;
    }

  new_len = items->len;
  ptr_vec_maybe_shrink (items);

  cancel_mutex_unlock (&self->lock);

  release_entries (dead);

  /* One emission per batch, the array already in its new state. With
   * removals only, it spans the first to the last removed position (the
   * scopes between them are reported as replaced by themselves); with
   * additions too, it runs to the end. */
  if (n_removed > 0 && n_new == 0)
    g_list_model_items_changed (G_LIST_MODEL (self), first,
                                last + 1 - first, last + 1 - first - n_removed);
  else if (n_removed > 0 || n_new > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), first, old_len - first, new_len - first);
}

/* Makes the history model equal to the look-up side's history. Both are
 * windows of one sequence (numbered at untrack, evicted from the head):
 * the model holds [a, b), the look-up side [c, d), with a <= c, b <= d. */
static void
sync_history (CancelRegistry *self)
{
  CancelRegistryHistory *model = self->history_model;
  PtrVec *items = &model->items;
  gpointer *added = NULL;
  gpointer *removed = NULL;
  guint64 a, b, c, d;
  guint old_len = items->len;
  guint n_remove, n_add, i;

  cancel_mutex_lock (&self->lock);

  d = self->next_history_seq;
  c = self->history.head != NULL ? self->history.head->history_seq : d;
  a = model->first_seq;
  b = a + old_len;
  g_assert (a <= c && b <= d);

  n_remove = (guint) (MIN (b, c) - a);
  n_add = (guint) (d - MAX (b, c));

  if (n_add > 0)
    {
      Entry *entry = self->history.tail;

      added = g_new (gpointer, n_add);
      for (i = n_add; i > 0; i--)
        {
          added[i - 1] = g_object_ref (entry->scope);
          entry = entry->prev;
        }
    }
  model->first_seq = c;

  cancel_mutex_unlock (&self->lock);

  if (n_remove == 0 && n_add == 0)
    return;

  if (n_remove > 0)
    {
      removed = g_memdup2 (items->items, n_remove * sizeof (gpointer));
      memmove (items->items, items->items + n_remove,
               (old_len - n_remove) * sizeof (gpointer));
      items->len -= n_remove;
    }
  if (n_add > 0)
    {
      ptr_vec_reserve (items, n_add);
      memcpy (items->items + items->len, added, n_add * sizeof (gpointer));
      items->len += n_add;
    }
  ptr_vec_maybe_shrink (items);

  for (i = 0; i < n_remove; i++)
    g_object_unref (removed[i]);
  g_free (removed);
  g_free (added);

  if (n_remove > 0)
    g_list_model_items_changed (G_LIST_MODEL (model), 0, old_len, items->len);
  else
    g_list_model_items_changed (G_LIST_MODEL (model), old_len, 0, n_add);
}

static void
publish (gpointer object)
{
  CancelRegistry *self = object;

  /* Separate steps, so that a handler of the live model never sees the
   * history model in a state that was not announced yet. */
  publish_live (self);
  sync_history (self);
}

/* After a history change requested by a caller: update the model now if
 * this thread runs the registry's context (it is iterating it, or ran its
 * last dispatch and nobody iterates it now), else on its next iteration.
 * Never merely because the context could be acquired: any thread can do
 * that between two iterations, and the models belong to the context's
 * thread. */
static void
sync_history_or_queue (CancelRegistry *self)
{
  GMainContext *context;
  gboolean queue;

  context = _cancel_dispatch_link_acquire (&self->dispatch);
  if (context != NULL)
    {
      sync_history (self);
      g_main_context_release (context);
      return;
    }

  cancel_mutex_lock (&self->lock);
  queue = mark_dirty_locked (self);
  cancel_mutex_unlock (&self->lock);

  if (queue)
    queue_publish (self);
}

/* Feeding, from any thread */

void
_cancel_registry_track (CancelRegistry *self,
                        CancelScope    *scope)
{
  g_autoptr(CancelScope) parent = NULL;
  Entry *entry;
  gboolean queue = FALSE;
  gboolean duplicate = FALSE;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  entry = g_new0 (Entry, 1);
  entry->scope = g_object_ref (scope);
  entry->id = cancel_scope_get_id (scope);
  entry->status = CANCEL_STATUS_RUNNING;
  /* A scope's parent is fixed once it begins, and forgotten when it ends:
   * remember it for find_by_parent() over the history. */
  parent = cancel_scope_dup_parent (scope);
  entry->parent_id = parent != NULL ? cancel_scope_get_id (parent) : 0;

  cancel_mutex_lock (&self->lock);
  if (g_hash_table_contains (self->index, entry))
    {
      duplicate = TRUE;
    }
  else
    {
      g_hash_table_add (self->index, entry);
      entry->in_index = TRUE;
      queue_push_tail (&self->live, entry);
      self->total_started++;
      queue = mark_dirty_locked (self);
    }
  cancel_mutex_unlock (&self->lock);

  if (duplicate)
    {
      g_critical ("Scope %" G_GUINT64_FORMAT " is already tracked by registry %p",
                  entry->id, self);
      entry->next = NULL;
      release_entries (entry);
      return;
    }

  if (queue)
    queue_publish (self);
}

void
_cancel_registry_untrack (CancelRegistry *self,
                          CancelScope    *scope)
{
  CancelStatus status;
  gint64 start_time, end_time, cancel_time;
  Entry key = { 0, };
  Entry *entry;
  Entry *dead = NULL;
  gboolean queue = FALSE;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));

  /* The scope is final: read it before taking our lock. */
  key.id = cancel_scope_get_id (scope);
  status = cancel_scope_get_status (scope);
  start_time = cancel_scope_get_start_time (scope);
  end_time = cancel_scope_get_end_time (scope);
  cancel_time = cancel_scope_get_cancel_time (scope);
  g_return_if_fail (status < CANCEL_N_STATUSES);

  cancel_mutex_lock (&self->lock);

  entry = g_hash_table_lookup (self->index, &key);
  if (entry != NULL && !entry->ended)
    {
      queue_unlink (&self->live, entry);
      entry->ended = TRUE;
      entry->status = status;
      if (entry->in_live_model)
        {
          self->pending_remove_min = MIN (self->pending_remove_min, entry->live_pos);
          self->pending_remove_max = MAX (self->pending_remove_max, entry->live_pos);
        }

      entry->history_seq = self->next_history_seq++;
      queue_push_tail (&self->history, entry);
      self->history_counts[status]++;
      evict_history_locked (self, self->history_limit, &dead);

      self->total_finished++;
      self->finished_counts[status]++;
      self->duration_sum += MAX (end_time - start_time, 0);
      if ((status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_TIMED_OUT) &&
          cancel_time > 0)
        {
          gint64 latency = MAX (end_time - cancel_time, 0);

          self->n_latencies++;
          self->latency_sum += latency;
          self->latency_max = MAX (self->latency_max, latency);
        }

      queue = mark_dirty_locked (self);
    }
  else
    {
      entry = NULL;
    }

  cancel_mutex_unlock (&self->lock);

  release_entries (dead);

  if (entry == NULL)
    g_critical ("Scope %" G_GUINT64_FORMAT " is not tracked by registry %p", key.id, self);
  else if (queue)
    queue_publish (self);
}

/* GListModel: the live scopes */

static GType
list_model_get_item_type (GListModel *model)
{
  return CANCEL_TYPE_SCOPE;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return CANCEL_REGISTRY (model)->live_items.len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  CancelRegistry *self = CANCEL_REGISTRY (model);
  Entry *entry;

  if (position >= self->live_items.len)
    return NULL;

  entry = self->live_items.items[position];
  return g_object_ref (entry->scope);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

/* GListModel: the history */

static GType
history_list_model_get_item_type (GListModel *model)
{
  return CANCEL_TYPE_SCOPE;
}

static guint
history_list_model_get_n_items (GListModel *model)
{
  return CANCEL_REGISTRY_HISTORY (model)->items.len;
}

static gpointer
history_list_model_get_item (GListModel *model,
                             guint       position)
{
  CancelRegistryHistory *self = CANCEL_REGISTRY_HISTORY (model);

  if (position >= self->items.len)
    return NULL;

  return g_object_ref (self->items.items[position]);
}

static void
history_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = history_list_model_get_item_type;
  iface->get_n_items = history_list_model_get_n_items;
  iface->get_item = history_list_model_get_item;
}

static void
cancel_registry_history_finalize (GObject *object)
{
  CancelRegistryHistory *self = CANCEL_REGISTRY_HISTORY (object);
  guint i;

  for (i = 0; i < self->items.len; i++)
    g_object_unref (self->items.items[i]);
  g_free (self->items.items);

  G_OBJECT_CLASS (cancel_registry_history_parent_class)->finalize (object);
}

static void
cancel_registry_history_class_init (CancelRegistryHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cancel_registry_history_finalize;
}

static void
cancel_registry_history_init (CancelRegistryHistory *self)
{
}

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
  GHashTableIter iter;
  Entry *dead = NULL;
  gpointer key;
  guint i;

  /* A queued publish was dropped in dispose. */
  for (i = 0; i < self->live_items.len; i++)
    {
      Entry *entry = self->live_items.items[i];

      if (!entry->in_index)
        chain_dead (&dead, entry);
    }
  g_hash_table_iter_init (&iter, self->index);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    chain_dead (&dead, key);

  g_hash_table_unref (self->index);
  g_free (self->live_items.items);
  release_entries (dead);

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
   * CancelRegistry:history-limit:
   *
   * How many finished scopes the history keeps; when more finish, the
   * oldest are dropped first. 0 keeps none.
   *
   * Lowering it drops the excess at once (see
   * [method@Cancel.Registry.set_history_limit]). Notification is emitted
   * synchronously, in the thread that changed it.
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
  _cancel_dispatch_link_init (&self->dispatch, NULL, self, publish);
  self->history_model = g_object_new (cancel_registry_history_get_type (), NULL);
  self->index = g_hash_table_new (entry_hash, entry_equal);
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
 * Look-ups, filters, cancellation by id and statistics work from any
 * thread, and see a scope as soon as it began or ended, before the list
 * models catch up.
 */

static CancelRegistry *
registry_new_for_context (GMainContext *context)
{
  CancelRegistry *self = g_object_new (CANCEL_TYPE_REGISTRY, NULL);

  _cancel_dispatch_link_clear (&self->dispatch);
  _cancel_dispatch_link_init (&self->dispatch, context, self, publish);
  return self;
}

/**
 * cancel_registry_new:
 *
 * Creates a registry whose context is the thread-default main context of
 * the calling thread (see [method@GLib.MainContext.ref_thread_default]).
 *
 * Scopes use it once it is given to [method@Cancel.Scope.set_registry]
 * before they begin; tests and embedders use this to keep their
 * operations apart from the default registry.
 *
 * Returns: (transfer full): a new registry
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
 * Thread-safe: the first call, from any thread, creates it.
 *
 * Returns: (transfer none): the default registry
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
 * Call this from a thread that holds a reference on the context.
 *
 * Returns: (transfer none) (nullable): the registry's context, or %NULL
 *   once it was finalized
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
 * without ever appearing in the live list.
 *
 * Returns: (transfer none): a [iface@Gio.ListModel] of [class@Cancel.Scope]
 */
GListModel *
cancel_registry_get_history (CancelRegistry *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  return G_LIST_MODEL (self->history_model);
}

/**
 * cancel_registry_get_history_limit:
 * @self: a registry
 *
 * Gets [property@Cancel.Registry:history-limit]. Any thread.
 *
 * Returns: how many finished scopes the history keeps at most
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
 * cancel_registry_set_history_limit:
 * @self: a registry
 * @limit: how many finished scopes to keep at most; 0 keeps none
 *
 * Sets [property@Cancel.Registry:history-limit]. The oldest finished scopes
 * beyond @limit are dropped at once: look-ups stop finding them before this
 * returns. Called from the thread that runs the registry's context, the
 * history model is updated (and emits
 * [signal@Gio.ListModel::items-changed]) before this returns too; from
 * another thread, in the context's next iteration.
 */
void
cancel_registry_set_history_limit (CancelRegistry *self,
                                   guint           limit)
{
  Entry *dead = NULL;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));

  cancel_mutex_lock (&self->lock);
  if (self->history_limit == limit)
    {
      cancel_mutex_unlock (&self->lock);
      return;
    }
  self->history_limit = limit;
  evict_history_locked (self, limit, &dead);
  cancel_mutex_unlock (&self->lock);

  release_entries (dead);
  sync_history_or_queue (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY_LIMIT]);
}

/**
 * cancel_registry_clear_history:
 * @self: a registry
 *
 * Forgets every finished scope: look-ups stop finding them before this
 * returns. Statistics about finished scopes
 * ([struct@Cancel.RegistryStats]'s `finished`, `total_finished`, averages)
 * are kept; only its `history` counts drop to zero.
 *
 * Called from the thread that runs the registry's context, the history
 * model empties (and emits [signal@Gio.ListModel::items-changed]) before
 * this returns; from another thread, in the context's next iteration.
 */
void
cancel_registry_clear_history (CancelRegistry *self)
{
  Entry *dead = NULL;

  g_return_if_fail (CANCEL_IS_REGISTRY (self));

  cancel_mutex_lock (&self->lock);
  evict_history_locked (self, 0, &dead);
  cancel_mutex_unlock (&self->lock);

  release_entries (dead);
  sync_history_or_queue (self);
}

/**
 * cancel_registry_lookup:
 * @self: a registry
 * @id: a scope's [property@Cancel.Scope:id]
 *
 * Finds a live or finished scope by id. Any thread; a scope is found as
 * soon as it began, before the list models show it, and still after it
 * ended, as long as the history keeps it.
 *
 * Returns: (transfer full) (nullable): the scope, or %NULL if the registry
 *   does not know @id (never tracked, or evicted from the history)
 */
CancelScope *
cancel_registry_lookup (CancelRegistry *self,
                        guint64         id)
{
  Entry key = { 0, };
  Entry *entry;
  CancelScope *scope = NULL;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  key.id = id;
  cancel_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->index, &key);
  if (entry != NULL)
    scope = g_object_ref (entry->scope);
  cancel_mutex_unlock (&self->lock);

  return scope;
}

/* References every live scope (in begin order), then, if asked, every
 * finished one (oldest first); if @parent_id is not G_MAXUINT64, only
 * those that began under that parent. Filters that ask the scopes run on
 * the copy, without the lock. */
static GPtrArray *
snapshot_scopes (CancelRegistry *self,
                 gboolean        with_history,
                 guint64         parent_id)
{
  GPtrArray *scopes;
  Entry *entry;
  gboolean any_parent = parent_id == G_MAXUINT64;

  cancel_mutex_lock (&self->lock);
  scopes = g_ptr_array_new_full (any_parent ? self->live.length + (with_history ? self->history.length : 0) : 0,
                                 g_object_unref);
  for (entry = self->live.head; entry != NULL; entry = entry->next)
    if (any_parent || entry->parent_id == parent_id)
      g_ptr_array_add (scopes, g_object_ref (entry->scope));
  if (with_history)
    for (entry = self->history.head; entry != NULL; entry = entry->next)
      if (any_parent || entry->parent_id == parent_id)
        g_ptr_array_add (scopes, g_object_ref (entry->scope));
  cancel_mutex_unlock (&self->lock);

  return scopes;
}

typedef gboolean (*ScopeFilter) (CancelScope   *scope,
                                 gconstpointer  data);

static GPtrArray *
find_scopes (CancelRegistry *self,
             ScopeFilter     filter,
             gconstpointer   data)
{
  g_autoptr(GPtrArray) all = snapshot_scopes (self, TRUE, G_MAXUINT64);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  for (i = 0; i < all->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (all, i);

      if (filter (scope, data))
        g_ptr_array_add (result, g_object_ref (scope));
    }

  return result;
}

static gboolean
filter_status (CancelScope   *scope,
               gconstpointer  data)
{
  return cancel_scope_get_status (scope) == (CancelStatus) GPOINTER_TO_UINT (data);
}

static gboolean
filter_name (CancelScope   *scope,
             gconstpointer  data)
{
  const char *name = cancel_scope_get_name (scope);
  g_autofree char *valid = NULL;
  g_autofree char *folded = NULL;

  if (name == NULL)
    return FALSE;

  /* Names are the application's bytes: g_utf8_casefold() would read past
   * the end of a truncated sequence. */
  if (!g_utf8_validate (name, -1, NULL))
    name = valid = g_utf8_make_valid (name, -1);
  folded = g_utf8_casefold (name, -1);
  return strstr (folded, data) != NULL;
}

static gboolean
filter_any (CancelScope   *scope,
            gconstpointer  data)
{
  return TRUE;
}

/**
 * cancel_registry_find_by_status:
 * @self: a registry
 * @status: the status to look for
 *
 * Finds the live and finished scopes that have @status now. Any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 */
GPtrArray *
cancel_registry_find_by_status (CancelRegistry *self,
                                CancelStatus    status)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES, NULL);

  return find_scopes (self, filter_status, GUINT_TO_POINTER (status));
}

/**
 * cancel_registry_find_by_parent:
 * @self: a registry
 * @parent: (nullable): the parent to look for, or %NULL for scopes without
 *   a parent
 *
 * Finds the live and finished scopes whose parent is @parent: the parent
 * they had when they began (see [method@Cancel.Scope.dup_parent]), which
 * the registry remembers after they end. Any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 */
GPtrArray *
cancel_registry_find_by_parent (CancelRegistry *self,
                                CancelScope    *parent)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (parent == NULL || CANCEL_IS_SCOPE (parent), NULL);

  /* Ids start at 1: 0 stands for "no parent". */
  return snapshot_scopes (self, TRUE, parent != NULL ? cancel_scope_get_id (parent) : 0);
}

/**
 * cancel_registry_find_by_name:
 * @self: a registry
 * @name_contains: (nullable): the text to look for in scope names
 *
 * Finds the live and finished scopes whose name contains @name_contains,
 * ignoring case (both are compared after [func@GLib.utf8_casefold]). A
 * %NULL or empty @name_contains matches every scope, including those
 * without a name. Any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 */
GPtrArray *
cancel_registry_find_by_name (CancelRegistry *self,
                              const char     *name_contains)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);
  g_return_val_if_fail (name_contains == NULL || g_utf8_validate (name_contains, -1, NULL), NULL);

  if (name_contains == NULL || name_contains[0] == '\0')
    return find_scopes (self, filter_any, NULL);

  folded = g_utf8_casefold (name_contains, -1);
  return find_scopes (self, filter_name, folded);
}

/**
 * cancel_registry_cancel:
 * @self: a registry
 * @id: the [property@Cancel.Scope:id] of a live scope
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a message for the user, or %NULL for a default one
 *
 * Cancels the live scope @id as [method@Cancel.Scope.cancel] does. Any
 * thread; the scope's `GCancellable::cancelled` handlers run in the
 * calling thread, as for a direct cancel.
 *
 * Returns: %TRUE if this call cancelled the scope; %FALSE if @id is unknown,
 *   the scope already ended, or it was cancelled before
 */
gboolean
cancel_registry_cancel (CancelRegistry *self,
                        guint64         id,
                        CancelReason    reason,
                        const char     *message)
{
  g_autoptr(CancelScope) scope = NULL;
  Entry key = { 0, };
  Entry *entry;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), FALSE);
  g_return_val_if_fail (reason != CANCEL_REASON_NONE, FALSE);

  key.id = id;
  cancel_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->index, &key);
  if (entry != NULL && !entry->ended)
    scope = g_object_ref (entry->scope);
  cancel_mutex_unlock (&self->lock);

  /* Never with our lock held: cancel runs the scope's handlers. */
  return scope != NULL && cancel_scope_cancel (scope, reason, message);
}

/* Cancels the live scopes, newest first, with the caller's reason each:
 * children are cancelled before their parents could cascade to them, so
 * every scope reports @reason itself and the count is exact. */
static guint
cancel_live (CancelRegistry *self,
             gboolean        by_status,
             CancelStatus    status,
             CancelReason    reason,
             const char     *message)
{
  g_autoptr(GPtrArray) live = snapshot_scopes (self, FALSE, G_MAXUINT64);
  guint n_cancelled = 0;
  guint i;

  for (i = live->len; i > 0; i--)
    {
      CancelScope *scope = g_ptr_array_index (live, i - 1);

      if (by_status && cancel_scope_get_status (scope) != status)
        continue;
      if (cancel_scope_cancel (scope, reason, message))
        n_cancelled++;
    }

  return n_cancelled;
}

/**
 * cancel_registry_cancel_all:
 * @self: a registry
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a message for the user, or %NULL for a default one
 *
 * Cancels every live scope with @reason and @message. The newest are
 * cancelled first, so children report @reason themselves rather than
 * %CANCEL_REASON_PARENT. Any thread; `GCancellable::cancelled` handlers
 * run in the calling thread.
 *
 * Returns: how many scopes this call cancelled (scopes that were already
 *   cancelled, or finished, are not counted)
 */
guint
cancel_registry_cancel_all (CancelRegistry *self,
                            CancelReason    reason,
                            const char     *message)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), 0);
  g_return_val_if_fail (reason != CANCEL_REASON_NONE, 0);

  return cancel_live (self, FALSE, 0, reason, message);
}

/**
 * cancel_registry_cancel_all_with_status:
 * @self: a registry
 * @status: the status of the scopes to cancel; only
 *   %CANCEL_STATUS_RUNNING and %CANCEL_STATUS_SHIELDED can match a live
 *   scope
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a message for the user, or %NULL for a default one
 *
 * Like [method@Cancel.Registry.cancel_all], for the live scopes whose
 * status is @status.
 *
 * Returns: how many scopes this call cancelled
 */
guint
cancel_registry_cancel_all_with_status (CancelRegistry *self,
                                        CancelStatus    status,
                                        CancelReason    reason,
                                        const char     *message)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), 0);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES, 0);
  g_return_val_if_fail (reason != CANCEL_REASON_NONE, 0);

  return cancel_live (self, TRUE, status, reason, message);
}

/**
 * cancel_registry_get_stats:
 * @self: a registry
 *
 * Takes a snapshot of the registry's statistics, all under one lock.
 * Totals and averages cover every scope that ended since the registry was
 * made, not only those the history still keeps. Any thread.
 *
 * Returns: (transfer full): the statistics; free with
 *   [method@Cancel.RegistryStats.free]
 */
CancelRegistryStats *
cancel_registry_get_stats (CancelRegistry *self)
{
  CancelRegistryStats *stats;
  Entry *entry;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  stats = g_new0 (CancelRegistryStats, 1);

  cancel_mutex_lock (&self->lock);

  /* A live scope may become shielded, or end, at any time: ask it. One
   * that ended but is not untracked yet still counts as running. */
  for (entry = self->live.head; entry != NULL; entry = entry->next)
    {
      if (cancel_scope_get_status (entry->scope) == CANCEL_STATUS_SHIELDED)
        stats->live[CANCEL_STATUS_SHIELDED]++;
      else
        stats->live[CANCEL_STATUS_RUNNING]++;
    }

  memcpy (stats->history, self->history_counts, sizeof stats->history);
  memcpy (stats->finished, self->finished_counts, sizeof stats->finished);
  stats->total_started = self->total_started;
  stats->total_finished = self->total_finished;
  if (self->total_finished > 0)
    stats->average_duration = self->duration_sum / (gint64) self->total_finished;
  if (self->n_latencies > 0)
    stats->average_cancel_latency = self->latency_sum / (gint64) self->n_latencies;
  stats->max_cancel_latency = self->latency_max;

  cancel_mutex_unlock (&self->lock);

  return stats;
}

/**
 * cancel_registry_stats_copy:
 * @stats: statistics
 *
 * Copies @stats.
 *
 * Returns: (transfer full): a copy; free with
 *   [method@Cancel.RegistryStats.free]
 */
CancelRegistryStats *
cancel_registry_stats_copy (const CancelRegistryStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  return g_memdup2 (stats, sizeof *stats);
}

/**
 * cancel_registry_stats_free: (skip)
 * @stats: (nullable): statistics
 *
 * Frees @stats.
 */
void
cancel_registry_stats_free (CancelRegistryStats *stats)
{
  g_free (stats);
}
