/* stream-test-util.h: what test-stream.c and test-transfer.c share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cancelable.h>

#include "cancel-test-util.h"

#define MIB (1024 * 1024)

/* In a subprocess: criticals go to stderr without aborting. */
static G_GNUC_UNUSED void
criticals_not_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

static G_GNUC_UNUSED guint8 *
make_data (gsize size)
{
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) (i * 31 + 7);
  return data;
}

static G_GNUC_UNUSED GInputStream *
memory_input (gsize size)
{
  return g_memory_input_stream_new_from_data (make_data (size), size, g_free);
}

/* The progress message, with GLib's no-break spaces in sizes ("1.5 MiB")
 * made plain. */
static G_GNUC_UNUSED char *
dup_message (CancelScope *scope)
{
  g_autofree char *text = cancel_scope_dup_progress_message (scope);
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return NULL;
  parts = g_strsplit (text, "\u00a0", -1);
  return g_strjoinv (" ", parts);
}

static G_GNUC_UNUSED void
assert_progress (CancelScope *scope,
                 double       fraction,
                 const char  *message)
{
  g_autofree char *text = dup_message (scope);

  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, fraction);
  g_assert_cmpstr (text, ==, message);
}

/* A deadline's timer lets go of a scope on its own thread, and so does
 * GIO's worker of a stream's async close, after the caller's callback. */
static G_GNUC_UNUSED void
finalize (gpointer object)
{
  WAIT_UNTIL (NULL, g_atomic_int_get ((gint *) &G_OBJECT (object)->ref_count) == 1);
  drain (NULL);
  g_assert_finalize_object (object);
}

/* Ends @scope, lets its queued notifications run and checks that the
 * stream and the scope go away. */
static G_GNUC_UNUSED void
finish (CancelScope *scope,
        gpointer     stream)
{
  if (cancel_scope_get_status (scope) == CANCEL_STATUS_RUNNING)
    cancel_scope_end (scope);
  finalize (stream);
  finalize (scope);
}


/* An async result, stored by the callback and waited for. */
typedef struct
{
  GAsyncResult *result;
} Result;

static G_GNUC_UNUSED void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  g_assert_null (r->result);
  r->result = g_object_ref (result);
}

static G_GNUC_UNUSED GAsyncResult *
wait_result (Result *r)
{
  WAIT_UNTIL (NULL, r->result != NULL);
  return g_steal_pointer (&r->result);
}

/* Each byte counts once, whether it goes through the wrapper's own
 * async read, GIO's skip/splice fallbacks over it, or writev. */
