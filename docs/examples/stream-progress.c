/* stream-progress.c: a copy whose progress and partial result come from a
 * CancelInputStream (docs/integrations-streams.md)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

#define SIZE (8 * 1024 * 1024)

/* Emitted on the scope's owner context with the fraction and a message
 * such as “4.0 MiB of 8.0 MiB”; stops the copy at half, as a user pressing
 * Stop would. */
static void
on_progress (CancelScope *scope,
             double       fraction,
             const char  *message,
             gpointer     user_data)
{
  if (fraction >= 0.5)
    cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stopped by the user");
}

static void
spliced (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GInputStream) input = user_data;
  CancelScope *scope = cancel_input_stream_get_scope (CANCEL_INPUT_STREAM (input));
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      /* G_IO_ERROR_CANCELLED, "Operation “Copy the archive” was cancelled
       * (Manual): Stopped by the user"; what was copied stays readable. */
      g_print ("%s after %" G_GINT64_FORMAT " bytes\n", error->message,
               (gint64) cancel_input_stream_get_bytes_transferred (CANCEL_INPUT_STREAM (input)));
      cancel_scope_fail (scope, error);
    }
  else
    {
      cancel_scope_end (scope);
    }
}

int
main (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Copy the archive");
  g_autoptr(GInputStream) source = NULL;
  g_autoptr(GOutputStream) destination = g_memory_output_stream_new_resizable ();
  GInputStream *input;

  source = g_memory_input_stream_new_from_data (g_malloc0 (SIZE), SIZE, g_free);
  g_signal_connect (scope, "progress", G_CALLBACK (on_progress), NULL);

  cancel_scope_begin (scope);
  input = cancel_input_stream_new (source, scope, SIZE);
  g_output_stream_splice_async (destination, input, G_OUTPUT_STREAM_SPLICE_NONE,
                                G_PRIORITY_DEFAULT, NULL, spliced, input);

  while (!cancel_status_is_final (cancel_scope_get_status (scope)))
    g_main_context_iteration (NULL, TRUE);

  return cancel_scope_get_status (scope) == CANCEL_STATUS_CANCELLED ? 0 : 1;
}
