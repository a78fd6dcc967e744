/* test-enums.c: reasons, statuses and the error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

/* The nicks are stable API (logs, scripts, the Python binding). */
static void
test_reason_nicks (void)
{
  static const struct { CancelReason value; const char *nick; } expected[] = {
    { CANCEL_REASON_NONE, "none" },
    { CANCEL_REASON_MANUAL, "manual" },
    { CANCEL_REASON_TIMEOUT, "timeout" },
    { CANCEL_REASON_SIGNAL, "signal" },
    { CANCEL_REASON_CONDITION, "condition" },
    { CANCEL_REASON_PARENT, "parent" },
    { CANCEL_REASON_ERROR, "error" },
    { CANCEL_REASON_DISCONNECTED, "disconnected" },
  };
  GEnumClass *klass = g_type_class_ref (CANCEL_TYPE_REASON);
  guint i;

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (expected));
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GEnumValue *value = g_enum_get_value (klass, expected[i].value);

      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, expected[i].nick);
      g_assert_cmpstr (cancel_reason_to_string (expected[i].value), ==, expected[i].nick);
    }
  g_type_class_unref (klass);
}

static void
test_status_nicks (void)
{
  static const struct { CancelStatus value; const char *nick; gboolean final; } expected[] = {
    { CANCEL_STATUS_PENDING, "pending", FALSE },
    { CANCEL_STATUS_RUNNING, "running", FALSE },
    { CANCEL_STATUS_SHIELDED, "shielded", FALSE },
    { CANCEL_STATUS_COMPLETED, "completed", TRUE },
    { CANCEL_STATUS_CANCELLED, "cancelled", TRUE },
    { CANCEL_STATUS_TIMED_OUT, "timed-out", TRUE },
    { CANCEL_STATUS_FAILED, "failed", TRUE },
  };
  GEnumClass *klass = g_type_class_ref (CANCEL_TYPE_STATUS);
  guint i;

  g_assert_cmpuint (klass->n_values, ==, CANCEL_N_STATUSES);
  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, CANCEL_N_STATUSES);
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GEnumValue *value = g_enum_get_value (klass, expected[i].value);

      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, expected[i].nick);
      g_assert_cmpstr (cancel_status_to_string (expected[i].value), ==, expected[i].nick);
      g_assert_cmpint (cancel_status_is_final (expected[i].value), ==, expected[i].final);
    }
  g_type_class_unref (klass);
}

static void
test_error_domain (void)
{
  static const struct { CancelError value; const char *nick; } expected[] = {
    { CANCEL_ERROR_INVALID_TIMEOUT, "invalid-timeout" },
    { CANCEL_ERROR_INVALID_SIGNAL, "invalid-signal" },
    { CANCEL_ERROR_INVALID_INTERVAL, "invalid-interval" },
    { CANCEL_ERROR_NO_DEADLINE, "no-deadline" },
  };
  GEnumClass *klass = g_type_class_ref (CANCEL_TYPE_ERROR);
  g_autoptr(GError) error = NULL;
  guint i;

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (expected));
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_enum_get_value (klass, expected[i].value)->value_nick, ==, expected[i].nick);
  g_type_class_unref (klass);

  g_assert_cmpuint (CANCEL_ERROR, !=, 0);
  g_assert_cmpuint (CANCEL_ERROR, ==, cancel_error_quark ());
  g_assert_cmpstr (g_quark_to_string (CANCEL_ERROR), ==, "cancel-error-quark");

  g_set_error_literal (&error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE, "x");
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE);
}

static void
test_display_names (void)
{
  int i;

  /* Every value has a non-empty display name, distinct from the others. */
  for (i = CANCEL_REASON_NONE; i <= CANCEL_REASON_DISCONNECTED; i++)
    {
      const char *name = cancel_reason_get_display_name ((CancelReason) i);
      int j;

      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
      g_assert_true (g_utf8_validate (name, -1, NULL));
      for (j = CANCEL_REASON_NONE; j < i; j++)
        g_assert_cmpstr (cancel_reason_get_display_name ((CancelReason) j), !=, name);
    }

  for (i = CANCEL_STATUS_PENDING; i < CANCEL_N_STATUSES; i++)
    {
      const char *name = cancel_status_get_display_name ((CancelStatus) i);
      int j;

      g_assert_nonnull (name);
      g_assert_cmpstr (name, !=, "");
      g_assert_true (g_utf8_validate (name, -1, NULL));
      for (j = CANCEL_STATUS_PENDING; j < i; j++)
        g_assert_cmpstr (cancel_status_get_display_name ((CancelStatus) j), !=, name);
    }

  /* Under LC_ALL=C.UTF-8 (the test environment) the names are English. */
  g_assert_cmpstr (cancel_status_get_display_name (CANCEL_STATUS_TIMED_OUT), ==, "Timed out");
  g_assert_cmpstr (cancel_reason_get_display_name (CANCEL_REASON_TIMEOUT), ==, "Timeout");
}

/* Out-of-range values (a cast from an int read from outside) do not crash. */
static void
test_out_of_range (void)
{
  g_assert_null (cancel_reason_to_string ((CancelReason) 42));
  g_assert_null (cancel_status_to_string ((CancelStatus) 42));
  g_assert_null (cancel_reason_to_string ((CancelReason) -1));
  g_assert_nonnull (cancel_reason_get_display_name ((CancelReason) 42));
  g_assert_nonnull (cancel_status_get_display_name ((CancelStatus) 42));
  g_assert_cmpstr (cancel_reason_get_display_name ((CancelReason) 42), !=, "");
}

static void
test_gtypes (void)
{
  g_assert_true (G_TYPE_IS_ENUM (CANCEL_TYPE_REASON));
  g_assert_true (G_TYPE_IS_ENUM (CANCEL_TYPE_STATUS));
  g_assert_true (G_TYPE_IS_ENUM (CANCEL_TYPE_ERROR));
  g_assert_cmpstr (g_type_name (CANCEL_TYPE_REASON), ==, "CancelReason");
  g_assert_cmpstr (g_type_name (CANCEL_TYPE_STATUS), ==, "CancelStatus");
  g_assert_cmpstr (g_type_name (CANCEL_TYPE_ERROR), ==, "CancelError");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Enums/reason-nicks", test_reason_nicks);
  g_test_add_func ("/Cancel/Enums/status-nicks-and-final", test_status_nicks);
  g_test_add_func ("/Cancel/Enums/error-domain", test_error_domain);
  g_test_add_func ("/Cancel/Enums/display-names", test_display_names);
  g_test_add_func ("/Cancel/Enums/out-of-range", test_out_of_range);
  g_test_add_func ("/Cancel/Enums/gtypes", test_gtypes);

  return g_test_run ();
}
