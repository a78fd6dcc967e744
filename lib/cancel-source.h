/* cancel-source.h: things that cancel a scope when they happen
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

#define CANCEL_TYPE_SOURCE (cancel_source_get_type ())

CANCEL_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CancelSource, cancel_source, CANCEL, SOURCE, GObject)

/**
 * CancelConditionFunc:
 * @user_data: the data given to [ctor@Cancel.Source.new_condition]
 *
 * Polled by a condition source: in the thread that iterates the main
 * context given to [ctor@Cancel.Source.new_condition], or, given none, on
 * the library's worker thread, never on the caller's; it must then be
 * thread-safe. It must not block.
 *
 * Returns: %TRUE when the scope should be cancelled
 *
 * Since: 0.1
 */
typedef gboolean (*CancelConditionFunc) (gpointer user_data);

CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_timeout      (double               seconds,
                                              GError             **error);
CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_cancellable  (GCancellable        *cancellable,
                                              gboolean             preserve_reason);
CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_unix_signals (const int           *signals,
                                              gsize                n_signals,
                                              GError             **error);
CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_condition    (const char          *name,
                                              double               interval_seconds,
                                              GMainContext        *context,
                                              CancelConditionFunc  func,
                                              gpointer             user_data,
                                              GDestroyNotify       destroy,
                                              GError             **error);
CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_any          (CancelSource * const *sources,
                                              gsize                n_sources);
CANCEL_AVAILABLE_IN_ALL
CancelSource *cancel_source_new_all          (CancelSource * const *sources,
                                              gsize                n_sources);

CANCEL_AVAILABLE_IN_ALL
gboolean      cancel_source_has_fired        (CancelSource        *self);
CANCEL_AVAILABLE_IN_ALL
CancelReason  cancel_source_get_reason       (CancelSource        *self);
CANCEL_AVAILABLE_IN_ALL
char         *cancel_source_dup_message      (CancelSource        *self);

G_END_DECLS
