/* replay.c: runs fuzz inputs through LLVMFuzzerTestOneInput, as a TAP test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   fuzz-replay DIR|FILE...
 *
 * Every regular file of each directory (sorted by name, not recursing) and
 * every file given is one test. A crash, a sanitizer report or a failed
 * invariant aborts the process: the last "# running" line names the file.
 * Prints TAP, then one summary line as a comment.
 *
 * FUZZ_REPLAY_LINGER=SECONDS waits that long before exiting, so that the
 * library's idle threads exit first and LeakSanitizer's check at exit
 * sees what they leave behind.
 */

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
guint fuzz_api_get_counts (guint *criticals, guint *other);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
collect (GPtrArray  *paths,
         const char *arg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *name;

  if (!g_file_test (arg, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (paths, g_strdup (arg));
      return;
    }

  dir = g_dir_open (arg, 0, &error);
  if (dir == NULL)
    {
      printf ("Bail out! %s\n", error->message);
      exit (1);
    }

  found = g_ptr_array_new ();
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *path = g_build_filename (arg, name, NULL);

      if (name[0] != '.' && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (found, path);
      else
        g_free (path);
    }
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (paths, g_ptr_array_index (found, i));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 started = g_get_monotonic_time ();
  gint64 slowest = 0;
  const char *slowest_path = NULL;
  guint failed = 0;
  guint criticals = 0, other = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s DIR|FILE...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    collect (paths, argv[i]);

  printf ("1..%u\n", paths->len);
  if (paths->len == 0)
    printf ("# no input\n");

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;
      gint64 begin, duration;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          printf ("not ok %u - %s # %s\n", i + 1, path, error->message);
          failed++;
          continue;
        }

      printf ("# running %s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
      fflush (stdout);

      begin = g_get_monotonic_time ();
      LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
      duration = g_get_monotonic_time () - begin;

      if (duration > slowest)
        {
          slowest = duration;
          slowest_path = path;
        }

      printf ("ok %u - %s # %.1f ms\n", i + 1, path, duration / 1000.0);
      fflush (stdout);
    }

  fuzz_api_get_counts (&criticals, &other);
  printf ("# replay: %u inputs, %u failed, %.2f s, slowest %.1f ms (%s); "
          "%u refused preconditions, %u other criticals or warnings\n",
          paths->len, failed, (g_get_monotonic_time () - started) / 1e6,
          slowest / 1000.0, slowest_path ? slowest_path : "-", criticals, other);

  if (g_getenv ("FUZZ_REPLAY_LINGER") != NULL)
    {
      double linger = g_ascii_strtod (g_getenv ("FUZZ_REPLAY_LINGER"), NULL);

      if (linger > 0)
        {
          printf ("# lingering %g s\n", linger);
          fflush (stdout);
          g_usleep ((gulong) (linger * G_USEC_PER_SEC));
        }
    }

  return failed > 0 ? 1 : 0;
}
