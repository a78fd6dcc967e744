/* cancel-registry-private.h: the registry's shared internals, and how
 * scopes feed a registry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"
#include "cancel-registry.h"
#include "cancel-registry-stats.h"

G_BEGIN_DECLS

/* One per tracked scope, shared by the index (cancel-registry-index.c) and the
 * live list model (cancel-registry-models.c). */
typedef struct _CancelRegistryEntry CancelRegistryEntry;

struct _CancelRegistryEntry
{
  CancelScope         *scope;         /* immutable; a toggle reference until
                                       * ended, then a plain one (see
                                       * cancel-registry-abandon.c) */
  guint64              id;            /* immutable */
  guint64              parent_id;     /* immutable; the parent at begin, 0 if none */
  CancelRegistryEntry *prev;          /* in the live or history queue (lock) */
  CancelRegistryEntry *next;
  guint64              history_seq;   /* lock; set at untrack */
  gint64               end_time;      /* lock; set at untrack */
  guint                live_pos;      /* lock; index in live_items while in_live_model */
  guint                status : 8;    /* lock; the final status once ended */
  guint                ended : 1;     /* lock */
  guint                in_index : 1;  /* lock; in the index and one of the queues */
  guint                in_live_model : 1; /* lock; in live_items */
};

typedef struct
{
  CancelRegistryEntry *head;
  CancelRegistryEntry *tail;
  guint                length;
} CancelRegistryQueue;

/* A pointer array that gives memory back when it empties, so a burst of
 * scopes does not pin its peak size. */
typedef struct
{
  gpointer *items;
  guint     len;
  guint     alloc;
} CancelPtrVec;

/* Running sums kept by the index at untrack time (cancel-registry-stats.c).
 * Sized by CANCEL_N_STATUSES, which is fine here: never in the ABI. */
typedef struct
{
  guint   history[CANCEL_N_STATUSES];
  guint64 finished[CANCEL_N_STATUSES];
  guint64 total_started;
  guint64 total_finished;
  gint64  duration_sum;
  guint64 n_latencies;
  gint64  latency_sum;
  gint64  latency_max;
} CancelRegistryCounters;

/* The history list model (cancel-registry-models.c). */
G_DECLARE_FINAL_TYPE (CancelRegistryHistory, cancel_registry_history,
                      CANCEL, REGISTRY_HISTORY, GObject)

struct _CancelRegistry
{
  GObject                parent_instance;

  CancelDispatchLink     dispatch;       /* publishes on the registry's context */
  CancelRegistryHistory *history_model;  /* immutable pointer */
  CancelPtrVec           live_items;     /* CancelRegistryEntry *; read on the
                                          * context, written there under the lock */

  /* Live tracked scopes that are shielded: kept by the scopes themselves,
   * under their own lock (see _cancel_scope_count_shielded_locked), so
   * that get_stats() needs no walk. Atomic. */
  int                    n_shielded;

  CancelMutex            lock;
  /* Everything below is guarded by the lock. */
  GHashTable            *index;          /* set of entries, keyed by id */
  CancelRegistryQueue    live;           /* begin order */
  CancelRegistryQueue    history;        /* end order, <= history_limit */
  guint                  history_limit;
  guint64                next_history_seq;
  guint                  pending_remove_min; /* lowest and highest live_pos */
  guint                  pending_remove_max; /* of ended entries still in
                                              * live_items; min > max if none */
  gboolean               publish_queued;
  CancelRegistryCounters counters;
};

/* Both are called from any thread, with no scope lock held, exactly once
 * per scope and in this order: track from cancel_scope_begin() (after the
 * scope is RUNNING), untrack from cancel_scope_end() (after its final
 * status, end time and error are set). They only queue work; the list
 * models change on the registry's context. */
void _cancel_registry_track   (CancelRegistry *self,
                               CancelScope    *scope);
void _cancel_registry_untrack (CancelRegistry *self,
                               CancelScope    *scope);

/* cancel-registry-index.c. Entries neither side refers to any more are
 * chained through ->next under the lock and freed after it was released,
 * since dropping a scope reference can run arbitrary code. */
void     _cancel_registry_index_init           (CancelRegistry       *self);
/* Whether @scope is live in the index; the lock held. */
gboolean _cancel_registry_holds_live_locked    (CancelRegistry       *self,
                                                CancelScope          *scope);

/* cancel-registry-abandon.c: a live entry's reference, from any thread,
 * no lock held. */
void     _cancel_registry_entry_hold           (CancelScope          *scope);
void     _cancel_registry_entry_release_live   (CancelScope          *scope);
void     _cancel_registry_index_clear          (CancelRegistry       *self,
                                                CancelRegistryEntry **dead);
void     _cancel_registry_chain_dead           (CancelRegistryEntry **dead,
                                                CancelRegistryEntry  *entry);
void     _cancel_registry_release_entries      (CancelRegistryEntry  *dead);
/* The lock held: drops the oldest finished scopes beyond @limit. */
void     _cancel_registry_evict_history_locked (CancelRegistry       *self,
                                                guint                 limit,
                                                CancelRegistryEntry **dead);
/* The lock held: TRUE if the caller must queue a publish. */
gboolean _cancel_registry_mark_dirty_locked    (CancelRegistry       *self);

/* cancel-registry-models.c: the list models, on the registry's context. */
void                   _cancel_registry_list_model_iface_init (GListModelInterface *iface);
void                   _cancel_registry_publish               (gpointer        registry);
void                   _cancel_registry_queue_publish         (CancelRegistry *self);
void                   _cancel_registry_sync_history_or_queue (CancelRegistry *self);
void                   _cancel_registry_clear_live_items      (CancelRegistry *self,
                                                               CancelRegistryEntry **dead);

/* cancel-registry-stats.c */
void                 _cancel_registry_counters_add_finished (CancelRegistryCounters       *counters,
                                                             CancelStatus                  status,
                                                             gint64                        start_time,
                                                             gint64                        end_time,
                                                             gint64                        cancel_time);
CancelRegistryStats *_cancel_registry_stats_new             (const CancelRegistryCounters *counters,
                                                             guint                         n_running,
                                                             guint                         n_shielded);

G_END_DECLS
