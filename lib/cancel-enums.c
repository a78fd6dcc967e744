/* cancel-enums.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-enums.h"
#include "cancel-i18n-private.h"

G_DEFINE_ENUM_TYPE (CancelReason, cancel_reason,
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_MANUAL, "manual"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_TIMEOUT, "timeout"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_SIGNAL, "signal"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_CONDITION, "condition"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_PARENT, "parent"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (CANCEL_REASON_DISCONNECTED, "disconnected"))

G_DEFINE_ENUM_TYPE (CancelStatus, cancel_status,
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_SHIELDED, "shielded"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_COMPLETED, "completed"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_TIMED_OUT, "timed-out"),
  G_DEFINE_ENUM_VALUE (CANCEL_STATUS_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (CancelError, cancel_error,
  G_DEFINE_ENUM_VALUE (CANCEL_ERROR_INVALID_TIMEOUT, "invalid-timeout"),
  G_DEFINE_ENUM_VALUE (CANCEL_ERROR_INVALID_SIGNAL, "invalid-signal"),
  G_DEFINE_ENUM_VALUE (CANCEL_ERROR_INVALID_INTERVAL, "invalid-interval"),
  G_DEFINE_ENUM_VALUE (CANCEL_ERROR_NO_DEADLINE, "no-deadline"))

G_DEFINE_FLAGS_TYPE (CancelScopeFlags, cancel_scope_flags,
  G_DEFINE_ENUM_VALUE (CANCEL_SCOPE_FLAGS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CANCEL_SCOPE_FLAGS_SHIELDED, "shielded"),
  G_DEFINE_ENUM_VALUE (CANCEL_SCOPE_FLAGS_UNREGISTERED, "unregistered"))

G_DEFINE_FLAGS_TYPE (CancelRunFlags, cancel_run_flags,
  G_DEFINE_ENUM_VALUE (CANCEL_RUN_FLAGS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CANCEL_RUN_FLAGS_RETURN_ON_CANCEL, "return-on-cancel"))

/* Not G_DEFINE_QUARK: its lazy initialisation is a plain read and write
 * that two threads making their first error at once race on. */
GQuark
cancel_error_quark (void)
{
  static int quark;
  GQuark value = (GQuark) g_atomic_int_get (&quark);

  if (G_UNLIKELY (value == 0))
    {
      value = g_quark_from_static_string ("cancel-error-quark");
      g_atomic_int_set (&quark, (int) value);
    }

  return value;
}

static const char *
enum_nick (GType type,
           int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);
  const char *nick = enum_value != NULL ? enum_value->value_nick : NULL;

  /* Enum classes are never unloaded: the nick stays valid. */
  g_type_class_unref (klass);
  return nick;
}

/**
 * cancel_reason_to_string:
 * @reason: a reason
 *
 * The reason's stable, untranslated nick ("timeout", "parent", ...), for
 * logs and machine-readable output.
 *
 * Callable from any thread.
 *
 * Returns: (nullable): the nick, or %NULL for a value out of range
 *
 * Since: 0.1
 */
const char *
cancel_reason_to_string (CancelReason reason)
{
  return enum_nick (CANCEL_TYPE_REASON, reason);
}

/**
 * cancel_status_to_string:
 * @status: a status
 *
 * The status's stable, untranslated nick ("running", "timed-out", ...).
 *
 * Callable from any thread.
 *
 * Returns: (nullable): the nick, or %NULL for a value out of range
 *
 * Since: 0.1
 */
const char *
cancel_status_to_string (CancelStatus status)
{
  return enum_nick (CANCEL_TYPE_STATUS, status);
}

/**
 * cancel_reason_get_display_name:
 * @reason: a reason
 *
 * A short human-readable name of the reason, translated into the user's
 * language, for user interfaces.
 *
 * Callable from any thread.
 *
 * Returns: the translated name
 *
 * Since: 0.1
 */
const char *
cancel_reason_get_display_name (CancelReason reason)
{
  _cancel_i18n_init ();

  switch (reason)
    {
    case CANCEL_REASON_NONE:      return C_("reason", "None");
    case CANCEL_REASON_MANUAL:    return C_("reason", "Manual");
    case CANCEL_REASON_TIMEOUT:   return C_("reason", "Timeout");
    case CANCEL_REASON_SIGNAL:    return C_("reason", "Signal");
    case CANCEL_REASON_CONDITION: return C_("reason", "Condition");
    case CANCEL_REASON_PARENT:    return C_("reason", "Parent");
    case CANCEL_REASON_ERROR:     return C_("reason", "Error");
    case CANCEL_REASON_DISCONNECTED: return C_("reason", "Disconnected");
    default:                      return C_("reason", "Unknown");
    }
}

/**
 * cancel_status_get_display_name:
 * @status: a status
 *
 * A short human-readable name of the status, translated into the user's
 * language, for user interfaces.
 *
 * Callable from any thread.
 *
 * Returns: the translated name
 *
 * Since: 0.1
 */
const char *
cancel_status_get_display_name (CancelStatus status)
{
  _cancel_i18n_init ();

  switch (status)
    {
    case CANCEL_STATUS_PENDING:   return C_("status", "Pending");
    case CANCEL_STATUS_RUNNING:   return C_("status", "Running");
    case CANCEL_STATUS_SHIELDED:  return C_("status", "Shielded");
    case CANCEL_STATUS_COMPLETED: return C_("status", "Completed");
    case CANCEL_STATUS_CANCELLED: return C_("status", "Cancelled");
    case CANCEL_STATUS_TIMED_OUT: return C_("status", "Timed out");
    case CANCEL_STATUS_FAILED:    return C_("status", "Failed");
    default:                      return C_("status", "Unknown");
    }
}

/**
 * cancel_status_is_final:
 * @status: a status
 *
 * Whether @status is one a scope can only have after it ended.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE for completed, cancelled, timed out and failed
 *
 * Since: 0.1
 */
gboolean
cancel_status_is_final (CancelStatus status)
{
  return status >= CANCEL_STATUS_COMPLETED;
}
