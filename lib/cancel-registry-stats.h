/* cancel-registry-stats.h: a snapshot of a registry's statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <glib-object.h>

#include "cancel-enums.h"
#include "cancel-version-macros.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_REGISTRY_STATS (cancel_registry_stats_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelRegistryStats, cancel_registry_stats, CANCEL, REGISTRY_STATS, GObject)

CANCEL_AVAILABLE_IN_ALL
guint   cancel_registry_stats_get_live_count             (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
guint   cancel_registry_stats_get_running                (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
guint   cancel_registry_stats_get_shielded               (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
guint64 cancel_registry_stats_get_total_started          (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
guint64 cancel_registry_stats_get_total_finished         (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
gint64  cancel_registry_stats_get_average_duration       (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
gint64  cancel_registry_stats_get_average_cancel_latency (CancelRegistryStats *self);
CANCEL_AVAILABLE_IN_ALL
gint64  cancel_registry_stats_get_max_cancel_latency     (CancelRegistryStats *self);

CANCEL_AVAILABLE_IN_ALL
guint   cancel_registry_stats_get_live                   (CancelRegistryStats *self,
                                                          CancelStatus         status);
CANCEL_AVAILABLE_IN_ALL
guint   cancel_registry_stats_get_history                (CancelRegistryStats *self,
                                                          CancelStatus         status);
CANCEL_AVAILABLE_IN_ALL
guint64 cancel_registry_stats_get_finished               (CancelRegistryStats *self,
                                                          CancelStatus         status);

G_END_DECLS
