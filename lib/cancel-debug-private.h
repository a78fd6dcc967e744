/* cancel-debug-private.h: structured debug logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-scope.h"

G_BEGIN_DECLS

/* Logs one lifecycle or cancellation event of @scope at debug level
 * through GLib's structured logging, with CANCEL_SCOPE_ID,
 * CANCEL_SCOPE_NAME and CANCEL_REASON fields. Costs one branch when
 * G_MESSAGES_DEBUG does not include "Cancel". */
#define CANCEL_DEBUG_SCOPE(scope, reason, ...)                      \
  G_STMT_START {                                                    \
    if (G_UNLIKELY (_cancel_debug_enabled ()))                      \
      _cancel_debug_scope ((scope), (reason), __VA_ARGS__);         \
  } G_STMT_END

gboolean _cancel_debug_enabled (void);
void     _cancel_debug_scope   (CancelScope  *scope,
                                CancelReason  reason,
                                const char   *format,
                                ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
