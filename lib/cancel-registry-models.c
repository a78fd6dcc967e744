/* cancel-registry-models.c: the registry's two list models (live scopes,
 * history) and the publish step that brings them up to date with the
 * index, on the registry's context only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-registry-private.h"

/* Nothing is queued per event: the index already says what the models
 * must become (new live entries are the unpublished tail of the live
 * queue; ended ones carry a flag; the history is a window of a sequence
 * numbered at untrack time), so memory is bounded by the live scopes plus
 * the history limit, even if the context never runs. */

#define PTR_VEC_MIN_ALLOC 16

struct _CancelRegistryHistory
{
  GObject      parent_instance;

  CancelPtrVec items;       /* CancelScope *, strong; on the registry's context */
  guint64      first_seq;   /* history sequence number of items[0] */
};

static void history_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelRegistryHistory, cancel_registry_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, history_list_model_iface_init))

static void
ptr_vec_reserve (CancelPtrVec *vec,
                 guint         extra)
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
ptr_vec_maybe_shrink (CancelPtrVec *vec)
{
  if (vec->alloc > PTR_VEC_MIN_ALLOC * 4 && vec->len < vec->alloc / 4)
    {
      vec->alloc = MAX (vec->len * 2, PTR_VEC_MIN_ALLOC);
      vec->items = g_renew (gpointer, vec->items, vec->alloc);
    }
}

void
_cancel_registry_queue_publish (CancelRegistry *self)
{
  /* Not held: a registry nobody holds any more has nobody to publish to,
   * and holding it would keep it alive through a context that is never
   * iterated again. */
  _cancel_dispatch_queue (&self->dispatch, FALSE);
}

static void
publish_live (CancelRegistry *self)
{
  CancelPtrVec *items = &self->live_items;
  CancelRegistryEntry *dead = NULL;
  CancelRegistryEntry *entry;
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
                _cancel_registry_chain_dead (&dead, entry);
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

  _cancel_registry_release_entries (dead);

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

/* Makes the history model equal to the index's history. Both are windows
 * of one sequence (numbered at untrack, evicted from the head): the model
 * holds [a, b), the index [c, d), with a <= c, b <= d. */
static void
sync_history (CancelRegistry *self)
{
  CancelRegistryHistory *model = self->history_model;
  CancelPtrVec *items = &model->items;
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
      CancelRegistryEntry *entry = self->history.tail;

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

/* The dispatcher's callback, on the registry's context. */
void
_cancel_registry_publish (gpointer registry)
{
  CancelRegistry *self = registry;

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
void
_cancel_registry_sync_history_or_queue (CancelRegistry *self)
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
  queue = _cancel_registry_mark_dirty_locked (self);
  cancel_mutex_unlock (&self->lock);

  if (queue)
    _cancel_registry_queue_publish (self);
}

/* From finalize (no publish can run any more): chains the entries only
 * the live model still held, and frees its array. Writes no field, as
 * _cancel_registry_index_clear(). */
void
_cancel_registry_clear_live_items (CancelRegistry       *self,
                                   CancelRegistryEntry **dead)
{
  guint i;

  for (i = 0; i < self->live_items.len; i++)
    {
      CancelRegistryEntry *entry = self->live_items.items[i];

      if (!entry->in_index)
        _cancel_registry_chain_dead (dead, entry);
    }
  g_free (self->live_items.items);
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
  CancelRegistryEntry *entry;

  if (position >= self->live_items.len)
    return NULL;

  entry = self->live_items.items[position];
  return g_object_ref (entry->scope);
}

void
_cancel_registry_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

/* GListModel: the history */

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
  iface->get_item_type = list_model_get_item_type;
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
