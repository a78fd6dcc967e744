/* cancel-registry.h: a list model of live operations and their history
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-registry-stats.h"
#include "cancel-scope.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_REGISTRY (cancel_registry_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelRegistry, cancel_registry, CANCEL, REGISTRY, GObject)

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
GPtrArray           *cancel_registry_find_last_finished   (CancelRegistry *self,
                                                           guint           n_max);
CANCEL_AVAILABLE_IN_ALL
GPtrArray           *cancel_registry_find_finished_by_status (CancelRegistry *self,
                                                           CancelStatus    status);
CANCEL_AVAILABLE_IN_ALL
GPtrArray           *cancel_registry_find_finished_since  (CancelRegistry *self,
                                                           gint64          since);

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

G_END_DECLS
