/* test-demo-numbers.c: the demo's counts are grouped as the locale groups
 * digits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * "Count primes below 20000000000" and "Found 119447102 primes" are hard
 * to read: the demo writes its counts with the locale's thousands
 * separator. The test machine has only the C locales, so English and
 * German are compiled with localedef (Debian's locales package) into a
 * temporary folder that LOCPATH points glibc at. Needs no display.
 */

#include "config.h"

#include <locale.h>

#include "cancel-demo-operation-private.h"
#include "cancel-demo-workspace.h"

static char *locale_dir;

/* Compiles @input (a locale source, "en_US") as @name in locale_dir. */
static void
compile_locale (const char *input,
                const char *name)
{
  g_autofree char *output = g_build_filename (locale_dir, name, NULL);
  const char *argv[] = { "localedef", "-i", input, "-f", "UTF-8", output, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("localedef -i %s failed (is Debian's locales package installed?): %s", input, err);
}

static void
use_numbers_of (const char *name)
{
  g_assert_nonnull (setlocale (LC_NUMERIC, name));
}

static void
test_count_grouped (void)
{
  g_autofree char *english = NULL, *german = NULL, *plain = NULL, *small = NULL;

  use_numbers_of ("en_US.UTF-8");
  english = _cancel_demo_format_count (G_GUINT64_CONSTANT (119447102));
  small = _cancel_demo_format_count (999);
  use_numbers_of ("de_DE.UTF-8");
  german = _cancel_demo_format_count (G_GUINT64_CONSTANT (20000000000));
  use_numbers_of ("C.UTF-8");
  plain = _cancel_demo_format_count (G_GUINT64_CONSTANT (20000000000));

  g_assert_cmpstr (english, ==, "119,447,102");
  g_assert_cmpstr (small, ==, "999");
  g_assert_cmpstr (german, ==, "20.000.000.000");
  g_assert_cmpstr (plain, ==, "20000000000");
}

/* The condition launcher's operation, as the monitor lists it. */
static void
test_primes_name_grouped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CancelDemoWorkspace) workspace = cancel_demo_workspace_new (FALSE, &error);
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  use_numbers_of ("en_US.UTF-8");
  name = cancel_demo_kind_dup_scope_name (CANCEL_DEMO_KIND_CONDITION, workspace);
  use_numbers_of ("C.UTF-8");
  cancel_demo_workspace_remove (workspace);

  g_assert_cmpstr (name, ==, "Count primes below 20,000,000,000");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Messages stay in English: only the numbers' locale changes. */
  g_setenv ("LANGUAGE", "C", TRUE);
  locale_dir = g_dir_make_tmp ("cancel-locales-XXXXXX", &error);
  g_assert_no_error (error);
  compile_locale ("en_US", "en_US.UTF-8");
  compile_locale ("de_DE", "de_DE.UTF-8");
  g_setenv ("LOCPATH", locale_dir, TRUE);
  setlocale (LC_ALL, "C.UTF-8");

  g_test_add_func ("/CancelDemo/Numbers/count-grouped", test_count_grouped);
  g_test_add_func ("/CancelDemo/Numbers/primes-name-grouped", test_primes_name_grouped);

  status = g_test_run ();

  cancel_demo_delete_tree (locale_dir);
  g_assert_false (g_file_test (locale_dir, G_FILE_TEST_EXISTS));
  g_free (locale_dir);

  return status;
}
