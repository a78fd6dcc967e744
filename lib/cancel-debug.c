/* cancel-debug.c: structured debug logging
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>

#include "cancel-debug-private.h"

gboolean
_cancel_debug_enabled (void)
{
  static int enabled = -1;
  int value = g_atomic_int_get (&enabled);

  /* G_MESSAGES_DEBUG is read once: the check sits on hot paths. */
  if (G_UNLIKELY (value < 0))
    {
      value = !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
      g_atomic_int_set (&enabled, value);
    }

  return value;
}

void
_cancel_debug_scope (CancelScope  *scope,
                     CancelReason  reason,
                     const char   *format,
                     ...)
{
  g_autofree char *event = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  const char *name = cancel_scope_get_name (scope);
  const char *reason_nick = cancel_reason_to_string (reason);
  va_list args;

  va_start (args, format);
  event = g_strdup_vprintf (format, args);
  va_end (args);

  id = g_strdup_printf ("%" G_GUINT64_FORMAT, cancel_scope_get_id (scope));

  /* The fields reach the journal; a terminal shows only the text, so it
   * names the scope and the reason too. */
  if (name != NULL)
    message = g_strdup_printf ("Scope %s “%s”: %s%s%s%s", id, name, event,
                               reason != CANCEL_REASON_NONE ? " (reason: " : "",
                               reason != CANCEL_REASON_NONE ? reason_nick : "",
                               reason != CANCEL_REASON_NONE ? ")" : "");
  else
    message = g_strdup_printf ("Scope %s: %s%s%s%s", id, event,
                               reason != CANCEL_REASON_NONE ? " (reason: " : "",
                               reason != CANCEL_REASON_NONE ? reason_nick : "",
                               reason != CANCEL_REASON_NONE ? ")" : "");

  {
    const GLogField fields[] = {
      { "PRIORITY", "7", -1 },
      { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
      { "MESSAGE", message, -1 },
      { "CANCEL_SCOPE_ID", id, -1 },
      { "CANCEL_SCOPE_NAME", name != NULL ? name : "", -1 },
      { "CANCEL_REASON", reason_nick != NULL ? reason_nick : "", -1 },
    };

    g_log_structured_array (G_LOG_LEVEL_DEBUG, fields, G_N_ELEMENTS (fields));
  }
}
