/* cancel-enums.h: reasons, statuses and errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <glib-object.h>

#include "cancel-version-macros.h"

G_BEGIN_DECLS

/**
 * CancelReason:
 * @CANCEL_REASON_NONE: the scope has not been cancelled
 * @CANCEL_REASON_MANUAL: cancelled by a direct call, by the user, or by a
 *   plain g_cancellable_cancel() from code that knows nothing of scopes
 * @CANCEL_REASON_TIMEOUT: its own timeout or deadline passed
 * @CANCEL_REASON_SIGNAL: a UNIX signal was received
 * @CANCEL_REASON_CONDITION: a polled condition became true
 * @CANCEL_REASON_PARENT: an ancestor or a linked cancellable was cancelled;
 *   [property@Cancel.Scope:origin-reason] tells why that one was
 * @CANCEL_REASON_ERROR: a failure elsewhere made the work pointless
 * @CANCEL_REASON_DISCONNECTED: the peer the work was for went away: a D-Bus
 *   caller left the bus, an HTTP client closed its connection before the
 *   response was complete (Since: 0.2)
 *
 * Why a [class@Cancel.Scope] was cancelled.
 *
 * Since: 0.1
 */
typedef enum
{
  CANCEL_REASON_NONE,
  CANCEL_REASON_MANUAL,
  CANCEL_REASON_TIMEOUT,
  CANCEL_REASON_SIGNAL,
  CANCEL_REASON_CONDITION,
  CANCEL_REASON_PARENT,
  CANCEL_REASON_ERROR,
  CANCEL_REASON_DISCONNECTED,
} CancelReason;

/**
 * CancelStatus:
 * @CANCEL_STATUS_PENDING: made, not begun
 * @CANCEL_STATUS_RUNNING: begun, not ended
 * @CANCEL_STATUS_SHIELDED: begun, not ended, and shielded from its ancestors
 * @CANCEL_STATUS_COMPLETED: ended without error and without cancellation
 * @CANCEL_STATUS_CANCELLED: ended after being cancelled for a reason other
 *   than %CANCEL_REASON_TIMEOUT
 * @CANCEL_STATUS_TIMED_OUT: ended after its own deadline passed
 * @CANCEL_STATUS_FAILED: ended with an error that is not the cancellation
 *
 * Where a [class@Cancel.Scope] is in its lifecycle. The last four are final.
 *
 * Since: 0.1
 */
typedef enum
{
  CANCEL_STATUS_PENDING,
  CANCEL_STATUS_RUNNING,
  CANCEL_STATUS_SHIELDED,
  CANCEL_STATUS_COMPLETED,
  CANCEL_STATUS_CANCELLED,
  CANCEL_STATUS_TIMED_OUT,
  CANCEL_STATUS_FAILED,
} CancelStatus;

/**
 * CANCEL_N_STATUSES:
 *
 * The number of values of [enum@Cancel.Status], for arrays indexed by status.
 *
 * Since: 0.1
 */
#define CANCEL_N_STATUSES 7

/**
 * CancelError:
 * @CANCEL_ERROR_INVALID_TIMEOUT: a timeout or deadline was zero, negative,
 *   not finite, or too large
 * @CANCEL_ERROR_INVALID_SIGNAL: a UNIX signal GLib cannot watch
 * @CANCEL_ERROR_INVALID_INTERVAL: a polling interval was not positive and finite
 * @CANCEL_ERROR_NO_DEADLINE: there is no pending deadline to postpone: none
 *   was set, or it fired, or the scope was cancelled or ended (Since: 0.2)
 * @CANCEL_ERROR_ABANDONED: the error of a registered scope that was dropped
 *   while running: nothing could end it any more, so the library did, and
 *   warned (Since: 0.2)
 *
 * Errors for values that come from outside the program (user input,
 * configuration) and for events the caller cannot prevent (a deadline
 * that fired a moment ago); they are rejected without changing anything.
 * Mistakes in the program itself (%NULL, beginning or ending twice, a
 * deadline or a source for a scope that has ended) are criticals instead,
 * as everywhere in GLib.
 *
 * Since: 0.1
 */
typedef enum
{
  CANCEL_ERROR_INVALID_TIMEOUT,
  CANCEL_ERROR_INVALID_SIGNAL,
  CANCEL_ERROR_INVALID_INTERVAL,
  CANCEL_ERROR_NO_DEADLINE,
  CANCEL_ERROR_ABANDONED,
} CancelError;

/**
 * CancelScopeFlags:
 * @CANCEL_SCOPE_FLAGS_NONE: a plain scope
 * @CANCEL_SCOPE_FLAGS_SHIELDED: its ancestors do not cancel it; see
 *   [property@Cancel.Scope:shielded]
 * @CANCEL_SCOPE_FLAGS_UNREGISTERED: no registry lists it (the default
 *   registry does otherwise); see [method@Cancel.Scope.set_registry]
 *
 * Choices made when a scope is made with [ctor@Cancel.Scope.new_full].
 *
 * Since: 0.2
 */
typedef enum /*< flags >*/
{
  CANCEL_SCOPE_FLAGS_NONE         = 0,
  CANCEL_SCOPE_FLAGS_SHIELDED     = 1 << 0,
  CANCEL_SCOPE_FLAGS_UNREGISTERED = 1 << 1,
} CancelScopeFlags;

/**
 * CancelRunFlags:
 * @CANCEL_RUN_FLAGS_NONE: complete when the work returns
 * @CANCEL_RUN_FLAGS_RETURN_ON_CANCEL: complete as soon as the scope is
 *   cancelled, while the work may still run (g_task_set_return_on_cancel())
 *
 * How [method@Cancel.Scope.run_in_thread_async] completes.
 *
 * Since: 0.2
 */
typedef enum /*< flags >*/
{
  CANCEL_RUN_FLAGS_NONE             = 0,
  CANCEL_RUN_FLAGS_RETURN_ON_CANCEL = 1 << 0,
} CancelRunFlags;

/**
 * CANCEL_ERROR:
 *
 * The error domain of [error@Cancel.Error].
 *
 * Since: 0.1
 */
#define CANCEL_ERROR (cancel_error_quark ())

#define CANCEL_TYPE_REASON (cancel_reason_get_type ())
#define CANCEL_TYPE_STATUS (cancel_status_get_type ())
#define CANCEL_TYPE_ERROR  (cancel_error_get_type ())
#define CANCEL_TYPE_SCOPE_FLAGS (cancel_scope_flags_get_type ())
#define CANCEL_TYPE_RUN_FLAGS (cancel_run_flags_get_type ())

CANCEL_AVAILABLE_IN_ALL
GType        cancel_reason_get_type          (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
GType        cancel_status_get_type          (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
GType        cancel_error_get_type           (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
GType        cancel_scope_flags_get_type     (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
GType        cancel_run_flags_get_type       (void) G_GNUC_CONST;
CANCEL_AVAILABLE_IN_ALL
GQuark       cancel_error_quark              (void);

CANCEL_AVAILABLE_IN_ALL
const char  *cancel_reason_to_string         (CancelReason reason);
CANCEL_AVAILABLE_IN_ALL
const char  *cancel_reason_get_display_name  (CancelReason reason);
CANCEL_AVAILABLE_IN_ALL
const char  *cancel_status_to_string         (CancelStatus status);
CANCEL_AVAILABLE_IN_ALL
const char  *cancel_status_get_display_name  (CancelStatus status);
CANCEL_AVAILABLE_IN_ALL
gboolean     cancel_status_is_final          (CancelStatus status);

G_END_DECLS
