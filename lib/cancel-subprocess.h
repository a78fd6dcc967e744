/* cancel-subprocess.h: waiting for a GSubprocess under a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <gio/gio.h>

#include "cancel-scope.h"
#include "cancel-version-macros.h"

G_BEGIN_DECLS

/**
 * CancelSubprocessFlags:
 * @CANCEL_SUBPROCESS_FLAGS_NONE: only wait; the caller ends the scope
 * @CANCEL_SUBPROCESS_FLAGS_END_SCOPE: the outcome ends the scope: exit
 *   status 0 ends it, another status or a signal the scope did not send
 *   fails it with the error the finish function returns, and a cancelled
 *   scope ends cancelled (or timed out). A pending scope is begun.
 * @CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS: when a signal is sent, the
 *   scope's progress message says so ("Sent SIGTERM…"); its fraction stays
 *
 * How [func@Cancel.subprocess_wait_async] and
 * [func@Cancel.subprocess_run_async] treat their scope.
 *
 * Since: 0.2
 */
typedef enum /*< flags >*/
{
  CANCEL_SUBPROCESS_FLAGS_NONE           = 0,
  CANCEL_SUBPROCESS_FLAGS_END_SCOPE      = 1 << 0,
  CANCEL_SUBPROCESS_FLAGS_REPORT_SIGNALS = 1 << 1,
} CancelSubprocessFlags;

#define CANCEL_TYPE_SUBPROCESS_FLAGS (cancel_subprocess_flags_get_type ())

CANCEL_AVAILABLE_IN_ALL
GType        cancel_subprocess_flags_get_type (void) G_GNUC_CONST;

CANCEL_AVAILABLE_IN_ALL
void         cancel_subprocess_wait_async     (GSubprocess           *subprocess,
                                               const char            *command,
                                               CancelScope           *scope,
                                               CancelSubprocessFlags  flags,
                                               guint                  grace_ms,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
CANCEL_AVAILABLE_IN_ALL
gboolean     cancel_subprocess_wait_finish    (GSubprocess           *subprocess,
                                               GAsyncResult          *result,
                                               int                   *exit_status,
                                               int                   *term_signal,
                                               GError               **error);
CANCEL_AVAILABLE_IN_ALL
void         cancel_subprocess_run_async      (const char * const    *argv,
                                               GSubprocessFlags       spawn_flags,
                                               CancelScope           *scope,
                                               CancelSubprocessFlags  flags,
                                               guint                  grace_ms,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
CANCEL_AVAILABLE_IN_ALL
gboolean     cancel_subprocess_run_finish     (GAsyncResult          *result,
                                               int                   *exit_status,
                                               int                   *term_signal,
                                               GError               **error);

G_END_DECLS
