/* cancel-gtk-format.c: words for scopes, durations and causes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"

/* An ancestor chain longer than this is shown as its first links only:
 * the sentence stays readable and a runaway loop cannot hang the UI. */
#define MAX_CAUSE_DEPTH 64

char *
_cancel_gtk_format_duration (gint64 usec)
{
  gint64 seconds;

  _cancel_gtk_i18n_init ();

  if (usec < 0)
    usec = 0;

  if (usec < 1000)
    return g_strdup_printf (C_("duration", "%d µs"), (int) usec);

  if (usec < G_USEC_PER_SEC)
    return g_strdup_printf (C_("duration", "%d ms"), (int) (usec / 1000));

  if (usec < 10 * G_USEC_PER_SEC)
    {
      gint64 tenths = (usec + G_USEC_PER_SEC / 20) / (G_USEC_PER_SEC / 10);

      /* "5 s" rather than "5.0 s": timeouts are mostly whole seconds. */
      if (tenths % 10 == 0)
        return g_strdup_printf (C_("duration", "%d s"), (int) (tenths / 10));

      return g_strdup_printf (C_("duration", "%.1f s"), tenths / 10.0);
    }

  seconds = (usec + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;

  if (seconds < 60)
    return g_strdup_printf (C_("duration", "%d s"), (int) seconds);

  if (seconds < 3600)
    /* Translators: minutes and seconds */
    return g_strdup_printf (C_("duration", "%d:%02d"),
                            (int) (seconds / 60), (int) (seconds % 60));

  /* Translators: hours, minutes and seconds */
  return g_strdup_printf (C_("duration", "%d:%02d:%02d"),
                          (int) (seconds / 3600),
                          (int) (seconds / 60 % 60),
                          (int) (seconds % 60));
}

char *
_cancel_gtk_format_count (guint64 n)
{
  /* glibc's ' flag groups digits as LC_NUMERIC says ("20,000,000,000",
   * "20.000.000.000", "20 000 000 000"); the C locale does not group. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
_cancel_gtk_format_scope_name (CancelScope *scope)
{
  const char *name = cancel_scope_get_name (scope);

  _cancel_gtk_i18n_init ();

  if (name != NULL && name[0] != '\0')
    return g_strdup (name);

  {
    g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, cancel_scope_get_id (scope));

    /* Translators: %s is a number */
    return g_strdup_printf (_("Operation #%s"), id);
  }
}

gboolean
_cancel_gtk_scope_is_cancelling (CancelScope *scope)
{
  /* The reason is set before the GCancellable flag flips, and its notify
   * may arrive in between: no later notification would tell the flag
   * flipped, so the reason decides. */
  return !cancel_status_is_final (cancel_scope_get_status (scope)) &&
         (cancel_scope_get_reason (scope) != CANCEL_REASON_NONE ||
          g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
}

gboolean
_cancel_gtk_scope_is_local (CancelScope *scope)
{
  GMainContext *context = cancel_scope_get_context (scope);

  return context == NULL || context == g_main_context_default ();
}

gboolean
_cancel_gtk_scope_is_live (CancelScope *scope)
{
  CancelStatus status = cancel_scope_get_status (scope);

  return status == CANCEL_STATUS_RUNNING || status == CANCEL_STATUS_SHIELDED;
}

const char *
_cancel_gtk_format_status (CancelScope *scope)
{
  _cancel_gtk_i18n_init ();

  if (_cancel_gtk_scope_is_cancelling (scope))
    return C_("status", "Cancelling");

  return cancel_status_get_display_name (cancel_scope_get_status (scope));
}

char *
_cancel_gtk_format_reason (CancelScope *scope)
{
  CancelReason reason = cancel_scope_get_reason (scope);
  CancelReason origin;

  _cancel_gtk_i18n_init ();

  if (reason == CANCEL_REASON_NONE)
    return NULL;

  origin = cancel_scope_get_origin_reason (scope);
  if (reason != CANCEL_REASON_PARENT ||
      origin == CANCEL_REASON_NONE ||
      origin == CANCEL_REASON_PARENT)
    return g_strdup (cancel_reason_get_display_name (reason));

  /* Translators: a reason and, in brackets, the reason of the ancestor
   * the cancellation came from: "Parent (Timeout)" */
  return g_strdup_printf (C_("reason", "%s (%s)"),
                          cancel_reason_get_display_name (reason),
                          cancel_reason_get_display_name (origin));
}

/* How long @scope ran before it timed out, or NULL when that is unknown
 * (it timed out before it began). */
static char *
format_timeout_after (CancelScope *scope)
{
  gint64 start = cancel_scope_get_start_time (scope);
  gint64 cancelled = cancel_scope_get_cancel_time (scope);

  if (start <= 0 || cancelled < start)
    return NULL;

  return _cancel_gtk_format_duration (cancelled - start);
}

/* Why @origin, an ancestor where the cascade began, was cancelled, said
 * of its relation to the scope described: its parent or an ancestor. */
static char *
describe_ancestor (CancelScope *origin,
                   gboolean     is_parent)
{
  g_autofree char *name = _cancel_gtk_format_scope_name (origin);
  g_autofree char *after = NULL;
  const char *message = cancel_scope_get_message (origin);

  if (message == NULL)
    message = "";

  switch (cancel_scope_get_reason (origin))
    {
    case CANCEL_REASON_TIMEOUT:
      after = format_timeout_after (origin);
      if (after == NULL)
        return is_parent
          ? g_strdup_printf (_("Cancelled because its parent “%s” timed out"), name)
          : g_strdup_printf (_("Cancelled because its ancestor “%s” timed out"), name);
      return is_parent
        ? g_strdup_printf (_("Cancelled because its parent “%s” timed out after %s"), name, after)
        : g_strdup_printf (_("Cancelled because its ancestor “%s” timed out after %s"), name, after);

    case CANCEL_REASON_SIGNAL:
      return is_parent
        ? g_strdup_printf (_("Cancelled because its parent “%s” received a signal (%s)"), name, message)
        : g_strdup_printf (_("Cancelled because its ancestor “%s” received a signal (%s)"), name, message);

    case CANCEL_REASON_CONDITION:
      return is_parent
        ? g_strdup_printf (_("Cancelled because the condition of its parent “%s” was met"), name)
        : g_strdup_printf (_("Cancelled because the condition of its ancestor “%s” was met"), name);

    case CANCEL_REASON_ERROR:
      return is_parent
        ? g_strdup_printf (_("Cancelled because its parent “%s” failed (%s)"), name, message)
        : g_strdup_printf (_("Cancelled because its ancestor “%s” failed (%s)"), name, message);

    case CANCEL_REASON_DISCONNECTED:
      return is_parent
        ? g_strdup_printf (_("Cancelled because the peer of its parent “%s” went away (%s)"), name, message)
        : g_strdup_printf (_("Cancelled because the peer of its ancestor “%s” went away (%s)"), name, message);

    case CANCEL_REASON_MANUAL:
    case CANCEL_REASON_NONE:
    case CANCEL_REASON_PARENT:
    default:
      return is_parent
        ? g_strdup_printf (_("Cancelled because its parent “%s” was cancelled (%s)"), name, message)
        : g_strdup_printf (_("Cancelled because its ancestor “%s” was cancelled (%s)"), name, message);
    }
}

/* Why @scope was cancelled when the cancellation started at itself. */
static char *
describe_own (CancelScope *scope)
{
  g_autofree char *after = NULL;
  const char *message = cancel_scope_get_message (scope);

  if (message == NULL)
    message = "";

  switch (cancel_scope_get_reason (scope))
    {
    case CANCEL_REASON_TIMEOUT:
      after = format_timeout_after (scope);
      if (after != NULL)
        return g_strdup_printf (_("Timed out after %s"), after);
      return g_strdup (message[0] != '\0' ? message : _("Timed out"));

    case CANCEL_REASON_SIGNAL:
      return g_strdup_printf (_("Cancelled by a signal (%s)"), message);

    case CANCEL_REASON_CONDITION:
      return g_strdup_printf (_("Cancelled because its condition was met (%s)"), message);

    case CANCEL_REASON_ERROR:
      return g_strdup_printf (_("Cancelled because of an error (%s)"), message);

    case CANCEL_REASON_DISCONNECTED:
      return g_strdup_printf (_("Cancelled because its peer went away (%s)"), message);

    case CANCEL_REASON_MANUAL:
    case CANCEL_REASON_NONE:
    case CANCEL_REASON_PARENT:
    default:
      /* The message of a manual cancel is already a sentence:
       * "Cancelled by user". */
      return g_strdup (message[0] != '\0' ? message : _("Cancelled"));
    }
}

char *
_cancel_gtk_describe_cause (CancelScope *scope)
{
  g_autoptr(GPtrArray) between = NULL;
  g_autoptr(CancelScope) origin = NULL;
  CancelScope *ancestor;
  CancelReason origin_reason;
  g_autofree char *sentence = NULL;
  GString *text;
  guint depth;

  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), NULL);

  _cancel_gtk_i18n_init ();

  switch (cancel_scope_get_reason (scope))
    {
    case CANCEL_REASON_NONE:
      return NULL;

    case CANCEL_REASON_PARENT:
      break;

    case CANCEL_REASON_MANUAL:
    case CANCEL_REASON_TIMEOUT:
    case CANCEL_REASON_SIGNAL:
    case CANCEL_REASON_CONDITION:
    case CANCEL_REASON_ERROR:
    case CANCEL_REASON_DISCONNECTED:
    default:
      return describe_own (scope);
    }

  /* Walk up to the ancestor where the cascade began: the first one
   * cancelled for a reason of its own. Those passed on the way are named
   * too ("through ..."). */
  between = g_ptr_array_new_with_free_func (g_object_unref);
  ancestor = cancel_scope_dup_parent (scope);
  for (depth = 0; ancestor != NULL && depth < MAX_CAUSE_DEPTH; depth++)
    {
      CancelReason reason = cancel_scope_get_reason (ancestor);

      if (reason == CANCEL_REASON_NONE)
        break;

      if (reason != CANCEL_REASON_PARENT)
        {
          origin = g_steal_pointer (&ancestor);
          break;
        }

      g_ptr_array_add (between, ancestor);
      ancestor = cancel_scope_dup_parent (ancestor);
    }
  g_clear_object (&ancestor);

  if (origin == NULL)
    {
      /* The cancellation came through a linked cancellable, not the tree
       * (or the ancestors are gone): say what the scope knows. */
      const char *message = cancel_scope_get_message (scope);

      origin_reason = cancel_scope_get_origin_reason (scope);
      if (message == NULL)
        message = "";

      if (origin_reason == CANCEL_REASON_NONE || origin_reason == CANCEL_REASON_PARENT)
        return g_strdup_printf (_("Cancelled because a linked operation was cancelled (%s)"),
                                message);

      /* Translators: the second %s is a reason: "Timeout", "Manual", ... */
      return g_strdup_printf (_("Cancelled because a linked operation was cancelled (%s: %s)"),
                              cancel_reason_get_display_name (origin_reason), message);
    }

  sentence = describe_ancestor (origin, between->len == 0);
  text = g_string_new (sentence);

  if (between->len > 0)
    {
      g_autoptr(GString) path = g_string_new (NULL);
      guint i;

      /* From the origin down to the direct parent. */
      for (i = between->len; i > 0; i--)
        {
          g_autofree char *name = _cancel_gtk_format_scope_name (g_ptr_array_index (between, i - 1));

          if (path->len > 0)
            g_string_append (path, " → ");
          g_string_append_printf (path, "“%s”", name);
        }

      g_string_append_c (text, ' ');
      /* Translators: %s is a list of operation names, "“A” → “B”" */
      g_string_append_printf (text, _("(through %s)"), path->str);
    }

  return g_string_free (text, FALSE);
}

char *
_cancel_gtk_format_cell_tooltip (CancelScope *scope,
                                 int          kind,
                                 const char  *label)
{
  _cancel_gtk_i18n_init ();

  switch ((CancelGtkCellKind) kind)
    {
    case CANCEL_GTK_CELL_NAME:
      {
        g_autofree char *name = _cancel_gtk_format_scope_name (scope);

        return g_strdup_printf ("%s (#%" G_GUINT64_FORMAT ")", name, cancel_scope_get_id (scope));
      }

    case CANCEL_GTK_CELL_PROGRESS:
      return cancel_scope_dup_progress_message (scope);

    case CANCEL_GTK_CELL_REASON:
      return g_strdup (cancel_scope_get_message (scope));

    case CANCEL_GTK_CELL_MESSAGE:
      return g_strdup (label);

    case CANCEL_GTK_CELL_CANCEL:
      return g_strdup (_("Cancel"));

    case CANCEL_GTK_CELL_STATUS:
    case CANCEL_GTK_CELL_ELAPSED:
    case CANCEL_GTK_CELL_REMAINING:
    case CANCEL_GTK_CELL_DURATION:
    default:
      return NULL;
    }
}
