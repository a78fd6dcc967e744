/* cancel-scope.h: a GCancellable with a reason, a parent and a lifecycle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-enums.h"
#include "cancel-version-macros.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_SCOPE (cancel_scope_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelScope, cancel_scope, CANCEL, SCOPE, GCancellable)

typedef struct _CancelRegistry CancelRegistry;
typedef struct _CancelSource CancelSource;

/**
 * CANCEL_NO_DEADLINE:
 *
 * The value of [property@Cancel.Scope:deadline] and of
 * [method@Cancel.Scope.get_remaining] when no deadline applies.
 *
 * Since: 0.1
 */
#define CANCEL_NO_DEADLINE ((gint64) -1)

CANCEL_AVAILABLE_IN_ALL
CancelScope    *cancel_scope_new                      (const char    *name);
CANCEL_AVAILABLE_IN_ALL
CancelScope    *cancel_scope_new_full                 (CancelScope   *parent,
                                                       const char    *name,
                                                       CancelScopeFlags flags);

/* Identity and tree */
CANCEL_AVAILABLE_IN_ALL
guint64         cancel_scope_get_id                   (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
const char     *cancel_scope_get_name                 (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
CancelScope    *cancel_scope_dup_parent               (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_set_parent               (CancelScope   *self,
                                                       CancelScope   *parent);
CANCEL_AVAILABLE_IN_ALL
GListModel     *cancel_scope_get_children             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_get_shielded             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_set_shielded             (CancelScope   *self,
                                                       gboolean       shielded);
CANCEL_AVAILABLE_IN_ALL
CancelRegistry *cancel_scope_dup_registry             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_set_registry             (CancelScope   *self,
                                                       CancelRegistry *registry);

/* Lifecycle */
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_begin                    (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_end                      (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_fail                     (CancelScope   *self,
                                                       const GError  *error);
CANCEL_AVAILABLE_IN_ALL
CancelStatus    cancel_scope_get_status               (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_start_time           (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_end_time             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
GError         *cancel_scope_dup_error                (CancelScope   *self);

/* Cancellation */
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_cancel                   (CancelScope   *self,
                                                       CancelReason   reason,
                                                       const char    *message);
CANCEL_AVAILABLE_IN_ALL
CancelReason    cancel_scope_get_reason               (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
CancelReason    cancel_scope_get_origin_reason        (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
const char     *cancel_scope_get_message              (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_cancel_time          (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_set_error_if_cancelled   (CancelScope   *self,
                                                       GError       **error);

/* Deadlines */
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_set_timeout              (CancelScope   *self,
                                                       double         seconds,
                                                       GError       **error);
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_set_deadline             (CancelScope   *self,
                                                       gint64         deadline,
                                                       GError       **error);
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_postpone                 (CancelScope   *self,
                                                       double         seconds,
                                                       GError       **error);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_deadline             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_own_deadline         (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
gint64          cancel_scope_get_remaining            (CancelScope   *self);

/* Progress */
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_report_progress          (CancelScope   *self,
                                                       double         fraction,
                                                       const char    *message);
CANCEL_AVAILABLE_IN_ALL
double          cancel_scope_get_progress             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
char           *cancel_scope_dup_progress_message     (CancelScope   *self);

/* Transfers; the code is in cancel-scope-transfer.c. */
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_report_bytes             (CancelScope   *self,
                                                       goffset        current,
                                                       goffset        total);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_file_progress            (goffset        current_num_bytes,
                                                       goffset        total_num_bytes,
                                                       gpointer       user_data);

/* Waiting and watching */

/**
 * CancelScopeFunc:
 * @scope: the scope
 * @user_data: the data given with the function
 *
 * A function called about @scope; each function that takes one says on
 * which thread it runs.
 *
 * Since: 0.2
 */
typedef void (*CancelScopeFunc) (CancelScope *scope,
                                 gpointer     user_data);

CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_wait_async               (CancelScope         *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
CANCEL_AVAILABLE_IN_ALL
CancelStatus    cancel_scope_wait_finish              (CancelScope         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
CANCEL_AVAILABLE_IN_ALL
gulong          cancel_scope_connect_cancelled        (CancelScope         *self,
                                                       GMainContext        *context,
                                                       CancelScopeFunc      callback,
                                                       gpointer             user_data,
                                                       GDestroyNotify       destroy);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_disconnect_cancelled     (CancelScope         *self,
                                                       gulong               handler_id);

/* Releasing what the work used */
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_add_cleanup              (CancelScope         *self,
                                                       CancelScopeFunc      func,
                                                       gpointer             user_data,
                                                       GDestroyNotify       destroy);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_add_cleanup_object       (CancelScope         *self,
                                                       gpointer             object);

/* Work in a thread, and a button */
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_run_in_thread_async      (CancelScope         *self,
                                                       CancelRunFlags       flags,
                                                       CancelScopeFunc      func,
                                                       gpointer             func_data,
                                                       GDestroyNotify       func_data_destroy,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_run_in_thread_finish     (CancelScope         *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
CANCEL_AVAILABLE_IN_ALL
GAction        *cancel_scope_create_action            (CancelScope         *self,
                                                       const char          *action_name);

/* Owner context */
CANCEL_AVAILABLE_IN_ALL
GMainContext   *cancel_scope_get_context              (CancelScope   *self);

/* The current scope of the calling thread */
CANCEL_AVAILABLE_IN_ALL
CancelScope    *cancel_scope_get_current              (void);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_push_current             (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_pop_current              (CancelScope   *self);

/* Block-scoped use */

/**
 * CancelScopeGuard:
 *
 * A scope that is begun and current for the lifetime of a C block. Declare
 * it with `g_auto`: when the block is left, the scope stops being current
 * and, unless it was ended already, ends as [method@Cancel.Scope.end]
 * with no error would end it.
 *
 * ```c
 * g_autoptr(CancelScope) scope = cancel_scope_new ("Save document");
 * g_auto(CancelScopeGuard) guard = cancel_scope_enter (scope);
 * save_document (doc, G_CANCELLABLE (scope), &error);
 * ```
 *
 * Since: 0.1
 */
typedef CancelScope *CancelScopeGuard G_GNUC_UNUSED;  /* used only for its cleanup */

CANCEL_AVAILABLE_IN_ALL
CancelScopeGuard cancel_scope_enter                   (CancelScope   *self);
CANCEL_AVAILABLE_IN_ALL
void             cancel_scope_exit                    (CancelScopeGuard guard);

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (CancelScopeGuard, cancel_scope_exit, NULL)

/* Sources attach to scopes; the code is in cancel-source.c. */
CANCEL_AVAILABLE_IN_ALL
gboolean        cancel_scope_add_source               (CancelScope   *scope,
                                                       CancelSource  *source);
CANCEL_AVAILABLE_IN_ALL
void            cancel_scope_remove_source            (CancelScope   *scope,
                                                       CancelSource  *source);

G_END_DECLS
