/* cancel-registry-index.c: the registry's thread-side index: the live
 * and finished scopes by id and in order, fed by track/untrack from any
 * thread, and everything that reads it from any thread (look-ups, finds,
 * history queries, cancel and cancel_all)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-registry.h"
#include "cancel-registry-private.h"

/* The registry keeps two views of the same scopes:
 *
 * - the index (this file), under the registry lock and updated at track
 *   and untrack time from any thread: an id index (live + history), the
 *   live scopes in begin order, the finished ones in end order (bounded by
 *   the history limit) and the running statistics;
 *
 * - the models (cancel-registry-models.c), touched only on the registry's
 *   context: the live list model and the history list model. A publish
 *   step (one dispatch per batch) brings them up to date with the index
 *   and emits one items-changed per model.
 *
 * Both views share one CancelRegistryEntry per scope.
 *
 * Lock order. The registry lock is a leaf but for one case: the statistics
 * snapshot (cancel_registry_get_stats()) asks each live scope for its
 * status under it, so the registry lock comes before a scope's lock. It is
 * never taken with a scope lock, the tree lock or a dispatcher lock held
 * (scopes track and untrack with no lock held), and nothing that can run
 * user code is called under it: scopes are cancelled, references dropped
 * and publishes queued after it was released. */

typedef CancelRegistryEntry Entry;

/* The index (the lock held unless said otherwise) */

static void
queue_push_tail (CancelRegistryQueue *queue,
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
queue_unlink (CancelRegistryQueue *queue,
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
 * ->next by the code holding the lock and freed with
 * _cancel_registry_release_entries() after it was released: dropping a
 * scope reference can run arbitrary code (its finalizer, toggle references
 * of bindings). */
void
_cancel_registry_chain_dead (Entry **dead,
            Entry  *entry)
{
  entry->next = *dead;
  *dead = entry;
}

void
_cancel_registry_release_entries (Entry *dead)
{
  while (dead != NULL)
    {
      Entry *next = dead->next;

      if (dead->ended)
        g_object_unref (dead->scope);
      else
        _cancel_registry_entry_release_live (dead->scope);
      g_free (dead);
      dead = next;
    }
}

/* Drops the oldest finished scopes until at most @limit remain. */
void
_cancel_registry_evict_history_locked (CancelRegistry  *self,
                                       guint            limit,
                                       Entry          **dead)
{
  while (self->history.length > limit)
    {
      Entry *entry = self->history.head;

      queue_unlink (&self->history, entry);
      g_hash_table_remove (self->index, entry);
      entry->in_index = FALSE;
      self->counters.history[entry->status]--;
      if (!entry->in_live_model)
        _cancel_registry_chain_dead (dead, entry);
    }
}

/* Returns TRUE if the caller must queue a publish: only the change that
 * finds nothing queued does, so a burst costs one dispatch. */
gboolean
_cancel_registry_mark_dirty_locked (CancelRegistry *self)
{
  if (self->publish_queued)
    return FALSE;
  self->publish_queued = TRUE;
  return TRUE;
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
  entry->scope = scope;
  _cancel_registry_entry_hold (scope);
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
      self->counters.total_started++;
      queue = _cancel_registry_mark_dirty_locked (self);
    }
  cancel_mutex_unlock (&self->lock);

  if (duplicate)
    {
      g_critical ("Scope %" G_GUINT64_FORMAT " is already tracked by registry %p",
                  entry->id, self);
      entry->next = NULL;
      _cancel_registry_release_entries (entry);
      return;
    }

  if (queue)
    _cancel_registry_queue_publish (self);
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

  /* The history's plain reference replaces the live entry's toggle one. */
  g_object_ref (scope);

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
      entry->end_time = end_time;
      self->counters.history[status]++;
      _cancel_registry_evict_history_locked (self, self->history_limit, &dead);
      _cancel_registry_counters_add_finished (&self->counters, status,
                                              start_time, end_time, cancel_time);

      queue = _cancel_registry_mark_dirty_locked (self);
    }
  else
    {
      entry = NULL;
    }

  cancel_mutex_unlock (&self->lock);

  _cancel_registry_release_entries (dead);

  if (entry != NULL)
    _cancel_registry_entry_release_live (scope);
  else
    g_object_unref (scope);

  if (entry == NULL)
    g_critical ("Scope %" G_GUINT64_FORMAT " is not tracked by registry %p", key.id, self);
  else if (queue)
    _cancel_registry_queue_publish (self);
}

gboolean
_cancel_registry_holds_live_locked (CancelRegistry *self,
                                    CancelScope    *scope)
{
  Entry key = { 0, };
  Entry *entry;

  key.id = cancel_scope_get_id (scope);
  entry = g_hash_table_lookup (self->index, &key);

  return entry != NULL && !entry->ended && entry->scope == scope;
}

void
_cancel_registry_index_init (CancelRegistry *self)
{
  self->index = g_hash_table_new (entry_hash, entry_equal);
}

/* From finalize: chains every entry of the index and frees it. Writes no
 * field: the last unref's ordering with other threads' earlier locked
 * reads goes through GLib's atomics, which ThreadSanitizer does not see. */
void
_cancel_registry_index_clear (CancelRegistry       *self,
                              CancelRegistryEntry **dead)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->index);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    _cancel_registry_chain_dead (dead, key);
  g_hash_table_unref (self->index);
}

/**
 * cancel_registry_lookup:
 * @self: a registry
 * @id: a scope's [property@Cancel.Scope:id]
 *
 * Finds a live or finished scope by id. Callable from any thread; a scope
 * is found as
 * soon as it began, before the list models show it, and still after it
 * ended, as long as the history keeps it.
 *
 * Returns: (transfer full) (nullable): the scope, or %NULL if the registry
 *   does not know @id (never tracked, or evicted from the history)
 *
 * Since: 0.1
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
 * Finds the live and finished scopes that have @status now. Callable from
 * any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 *
 * Since: 0.1
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
 * the registry remembers after they end. Callable from any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 *
 * Since: 0.1
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
 * without a name. Callable from any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, live ones first in the order they began, then finished ones
 *   oldest first; empty if none match. The array owns a reference on each
 *   scope and drops it when freed: free it with g_ptr_array_unref()
 *
 * Since: 0.1
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

/* Queries over the history alone: they read what untrack recorded (final
 * status, end time) under the lock, never the history list model, which
 * belongs to the registry's context. */

typedef gboolean (*EntryFilter) (const Entry   *entry,
                                 gconstpointer  data);

/* References the newest @n_max finished scopes that pass @filter (all of
 * them if there are fewer), oldest first like the history model. */
static GPtrArray *
snapshot_finished (CancelRegistry *self,
                   guint           n_max,
                   EntryFilter     filter,
                   gconstpointer   data)
{
  GPtrArray *scopes;
  Entry *entry;
  guint i;

  cancel_mutex_lock (&self->lock);
  scopes = g_ptr_array_new_full (MIN (n_max, self->history.length), g_object_unref);
  for (entry = self->history.tail; entry != NULL && scopes->len < n_max; entry = entry->prev)
    if (filter == NULL || filter (entry, data))
      g_ptr_array_add (scopes, g_object_ref (entry->scope));
  cancel_mutex_unlock (&self->lock);

  for (i = 0; i < scopes->len / 2; i++)
    {
      gpointer swap = scopes->pdata[i];

      scopes->pdata[i] = scopes->pdata[scopes->len - 1 - i];
      scopes->pdata[scopes->len - 1 - i] = swap;
    }

  return scopes;
}

static gboolean
entry_has_status (const Entry   *entry,
                  gconstpointer  data)
{
  return entry->status == GPOINTER_TO_UINT (data);
}

static gboolean
entry_ended_since (const Entry   *entry,
                   gconstpointer  data)
{
  return entry->end_time >= *(const gint64 *) data;
}

/**
 * cancel_registry_find_last_finished:
 * @self: a registry
 * @n_max: how many scopes to return at most
 *
 * Finds the @n_max scopes that finished last, among those the history
 * keeps: the tail of [method@Cancel.Registry.get_history], but read from
 * the registry's index, so a scope is found as soon as it ended, before
 * the history model shows it. Callable from any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): at most @n_max
 *   scopes, oldest first; empty if none finished or @n_max is 0. The array
 *   owns a reference on each scope: free it with g_ptr_array_unref()
 *
 * Since: 0.2
 */
GPtrArray *
cancel_registry_find_last_finished (CancelRegistry *self,
                                    guint           n_max)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  return snapshot_finished (self, n_max, NULL, NULL);
}

/**
 * cancel_registry_find_finished_by_status:
 * @self: a registry
 * @status: a final status (see [func@Cancel.Status.is_final])
 *
 * Finds the scopes in the history that ended with @status. Unlike
 * [method@Cancel.Registry.find_by_status], live scopes are never
 * included. Callable from any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, oldest first; empty if none match. The array owns a reference
 *   on each scope: free it with g_ptr_array_unref()
 *
 * Since: 0.2
 */
GPtrArray *
cancel_registry_find_finished_by_status (CancelRegistry *self,
                                         CancelStatus    status)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES && cancel_status_is_final (status), NULL);

  return snapshot_finished (self, G_MAXUINT, entry_has_status, GUINT_TO_POINTER (status));
}

/**
 * cancel_registry_find_finished_since:
 * @self: a registry
 * @since: a monotonic time in µs, like [property@Cancel.Scope:end-time]
 *   (see [func@GLib.get_monotonic_time])
 *
 * Finds the scopes in the history whose [property@Cancel.Scope:end-time]
 * is @since or later. Callable from any thread.
 *
 * Returns: (transfer container) (element-type CancelScope): the matching
 *   scopes, oldest first (in the order the registry learnt that they
 *   ended); empty if none match. The array owns a reference on each
 *   scope: free it with g_ptr_array_unref()
 *
 * Since: 0.2
 */
GPtrArray *
cancel_registry_find_finished_since (CancelRegistry *self,
                                     gint64          since)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  return snapshot_finished (self, G_MAXUINT, entry_ended_since, &since);
}

/**
 * cancel_registry_cancel:
 * @self: a registry
 * @id: the [property@Cancel.Scope:id] of a live scope
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a message for the user, or %NULL for a default one
 *
 * Cancels the live scope @id as [method@Cancel.Scope.cancel] does.
 * Callable from any thread; the scope's `GCancellable::cancelled` handlers run in the
 * calling thread, as for a direct cancel.
 *
 * Returns: %TRUE if this call cancelled the scope; %FALSE if @id is unknown,
 *   the scope already ended, or it was cancelled before
 *
 * Since: 0.1
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
 * %CANCEL_REASON_PARENT. Callable from any thread; `GCancellable::cancelled`
 * handlers run in the calling thread.
 *
 * Returns: how many scopes this call cancelled (scopes that were already
 *   cancelled, or finished, are not counted)
 *
 * Since: 0.1
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
 * status is @status. Callable from any thread;
 * `GCancellable::cancelled` handlers run in the calling thread.
 *
 * Returns: how many scopes this call cancelled
 *
 * Since: 0.1
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
