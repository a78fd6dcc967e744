/* cancel-registry.h: a list model of live operations and their history
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-scope.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_REGISTRY (cancel_registry_get_type ())
#define CANCEL_TYPE_REGISTRY_STATS (cancel_registry_stats_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelRegistry, cancel_registry, CANCEL, REGISTRY, GObject)

/**
 * CancelRegistryStats:
 * @live: live scopes by [enum@Cancel.Status] (only running and shielded are non-zero)
 * @history: finished scopes kept in the history, by final status
 * @finished: every scope that ever finished in this registry, by final status
 * @total_started: scopes that began since the registry was made
 * @total_finished: scopes that ended since the registry was made
 * @average_duration: mean time from begin to end of finished scopes, in µs
 *   (0 when none finished)
 * @average_cancel_latency: mean time from the cancel request to the end of
 *   cancelled and timed-out scopes, in µs (0 when there were none)
 * @max_cancel_latency: the longest such time, in µs
 *
 * A snapshot of a registry's statistics, taken atomically.
 */
typedef struct
{
  guint   live[CANCEL_N_STATUSES];
  guint   history[CANCEL_N_STATUSES];
  guint64 finished[CANCEL_N_STATUSES];
  guint64 total_started;
  guint64 total_finished;
  gint64  average_duration;
  gint64  average_cancel_latency;
  gint64  max_cancel_latency;
} CancelRegistryStats;

CANCEL_AVAILABLE_IN_ALL
GType                cancel_registry_stats_get_type       (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
CancelRegistryStats *cancel_registry_stats_copy           (const CancelRegistryStats *stats);
CANCEL_AVAILABLE_IN_ALL
void                 cancel_registry_stats_free           (CancelRegistryStats *stats);

CANCEL_AVAILABLE_IN_ALL
CancelRegistry      *cancel_registry_new                  (void);
CANCEL_AVAILABLE_IN_ALL
CancelRegistry      *cancel_registry_get_default          (void);
CANCEL_AVAILABLE_IN_ALL
GMainContext        *cancel_registry_get_context          (CancelRegistry *self);
CANCEL_AVAILABLE_IN_ALL
GListModel          *cancel_registry_get_history          (CancelRegistry *self);
CANCEL_AVAILABLE_IN_ALL
guint                cancel_registry_get_history_limit    (CancelRegistry *self);
CANCEL_AVAILABLE_IN_ALL
void                 cancel_registry_set_history_limit    (CancelRegistry *self,
                                                           guint           limit);
CANCEL_AVAILABLE_IN_ALL
void                 cancel_registry_clear_history        (CancelRegistry *self);

CANCEL_AVAILABLE_IN_ALL
CancelScope         *cancel_registry_lookup               (CancelRegistry *self,
                                                           guint64         id);
CANCEL_AVAILABLE_IN_ALL
GPtrArray           *cancel_registry_find_by_status       (CancelRegistry *self,
                                                           CancelStatus    status);
CANCEL_AVAILABLE_IN_ALL
GPtrArray           *cancel_registry_find_by_parent       (CancelRegistry *self,
                                                           CancelScope    *parent);
CANCEL_AVAILABLE_IN_ALL
GPtrArray           *cancel_registry_find_by_name         (CancelRegistry *self,
                                                           const char     *name_contains);

CANCEL_AVAILABLE_IN_ALL
gboolean             cancel_registry_cancel               (CancelRegistry *self,
                                                           guint64         id,
                                                           CancelReason    reason,
                                                           const char     *message);
CANCEL_AVAILABLE_IN_ALL
guint                cancel_registry_cancel_all           (CancelRegistry *self,
                                                           CancelReason    reason,
                                                           const char     *message);
CANCEL_AVAILABLE_IN_ALL
guint                cancel_registry_cancel_all_with_status (CancelRegistry *self,
                                                           CancelStatus    status,
                                                           CancelReason    reason,
                                                           const char     *message);

CANCEL_AVAILABLE_IN_ALL
CancelRegistryStats *cancel_registry_get_stats            (CancelRegistry *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancelRegistryStats, cancel_registry_stats_free)

G_END_DECLS
