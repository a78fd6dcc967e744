/* test-logging.c: lifecycle and cancellation reach GLib's structured log
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <cancelable.h>

typedef struct
{
  char *message;
  char *scope_id;
  char *scope_name;
  char *reason;
} Record;

static GPtrArray *records;

static void
record_free (gpointer data)
{
  Record *record = data;

  g_free (record->message);
  g_free (record->scope_id);
  g_free (record->scope_name);
  g_free (record->reason);
  g_free (record);
}

static char *
field_dup (const GLogField *field)
{
  return field->length < 0 ? g_strdup (field->value) : g_strndup (field->value, field->length);
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  Record *record = g_new0 (Record, 1);
  gboolean ours = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        ours = g_strcmp0 (fields[i].value, "Cancel") == 0;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        record->message = field_dup (&fields[i]);
      else if (g_str_equal (fields[i].key, "CANCEL_SCOPE_ID"))
        record->scope_id = field_dup (&fields[i]);
      else if (g_str_equal (fields[i].key, "CANCEL_SCOPE_NAME"))
        record->scope_name = field_dup (&fields[i]);
      else if (g_str_equal (fields[i].key, "CANCEL_REASON"))
        record->reason = field_dup (&fields[i]);
    }

  if (ours && (log_level & G_LOG_LEVEL_DEBUG))
    g_ptr_array_add (records, record);
  else
    {
      record_free (record);
      if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_ERROR))
        return g_log_writer_default (log_level, fields, n_fields, user_data);
    }

  return G_LOG_WRITER_HANDLED;
}

static Record *
find_record (const char *event,
             guint64     id)
{
  g_autofree char *id_string = g_strdup_printf ("%" G_GUINT64_FORMAT, id);

  for (guint i = 0; i < records->len; i++)
    {
      Record *record = g_ptr_array_index (records, i);

      if (strstr (record->message, event) != NULL &&
          g_strcmp0 (record->scope_id, id_string) == 0)
        return record;
    }

  return NULL;
}

static void
test_lifecycle_fields (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Export", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) child = cancel_scope_new_full (scope, "Page 1", CANCEL_SCOPE_FLAGS_NONE);
  Record *record;

  cancel_scope_set_registry (scope, NULL);
  cancel_scope_set_registry (child, NULL);
  cancel_scope_begin (scope);
  cancel_scope_begin (child);
  cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "Received SIGINT");
  cancel_scope_end (child);
  cancel_scope_end (scope);

  record = find_record ("Started", cancel_scope_get_id (scope));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->scope_name, ==, "Export");
  /* The text alone, as a terminal shows it, names the scope and its id. */
  {
    g_autofree char *expected = g_strdup_printf ("Scope %" G_GUINT64_FORMAT " “Export”: Started",
                                                 cancel_scope_get_id (scope));

    g_assert_cmpstr (record->message, ==, expected);
  }

  record = find_record ("Cancelled", cancel_scope_get_id (scope));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->reason, ==, "signal");
  g_assert_nonnull (strstr (record->message, "Received SIGINT"));
  g_assert_nonnull (strstr (record->message, "“Export”"));
  g_assert_nonnull (strstr (record->message, "(reason: signal)"));

  /* The cascade is logged for the child too, with its own reason. */
  record = find_record ("Cancelled", cancel_scope_get_id (child));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->scope_name, ==, "Page 1");
  g_assert_cmpstr (record->reason, ==, "parent");

  record = find_record ("Finished", cancel_scope_get_id (scope));
  g_assert_nonnull (record);
  g_assert_nonnull (strstr (record->message, "cancelled"));
}

static void
test_third_party_cancel_logged (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Plain", CANCEL_SCOPE_FLAGS_NONE);
  Record *record;

  g_cancellable_cancel (G_CANCELLABLE (scope));

  record = find_record ("Cancelled", cancel_scope_get_id (scope));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->reason, ==, "manual");
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything logs: the library reads G_MESSAGES_DEBUG once. */
  g_setenv ("G_MESSAGES_DEBUG", "Cancel", TRUE);

  g_test_init (&argc, &argv, NULL);

  records = g_ptr_array_new_with_free_func (record_free);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/Cancel/Logging/lifecycle-fields", test_lifecycle_fields);
  g_test_add_func ("/Cancel/Logging/third-party-cancel", test_third_party_cancel_logged);

  return g_test_run ();
}
