/* test-transfer.c: cancel_scope_report_bytes(), the file copy progress
 * callback and the shared transfer counter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "stream-test-util.h"
#include "cancel-transfer-private.h"

static void
test_report_bytes (void)
{
  CancelScope *scope = new_private_scope (NULL, "Bytes");

  cancel_scope_report_bytes (scope, 512, 1024);
  assert_progress (scope, 0.5, "512 bytes of 1.0 KiB");
  cancel_scope_report_bytes (scope, 3 * MIB, -1);
  assert_progress (scope, -1, "3.0 MiB");
  cancel_scope_report_bytes (scope, 0, 0);
  assert_progress (scope, 1.0, "0 bytes of 0 bytes");
  /* A file that grew while being copied does not go past the end. */
  cancel_scope_report_bytes (scope, 2048, 1024);
  assert_progress (scope, 1.0, "2.0 KiB of 1.0 KiB");
  cancel_scope_file_progress (MIB / 4, MIB, scope);
  assert_progress (scope, 0.25, "256.0 KiB of 1.0 MiB");

  finalize (scope);
}

static void
test_file_copy (void)
{
  const gsize size = 5 * MIB + 12345;
  CancelScope *scope = new_private_scope (NULL, "Copy a file");
  g_autofree guint8 *data = make_data (size);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cancel-stream-XXXXXX", &error);
  g_autofree char *source_path = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Result r = { 0 };
  gsize length = 0;

  g_assert_no_error (error);
  source_path = g_build_filename (dir, "source.dat", NULL);
  copy_path = g_build_filename (dir, "copy.dat", NULL);
  g_assert_true (g_file_set_contents (source_path, (const char *) data, size, &error));
  g_assert_no_error (error);
  source = g_file_new_for_path (source_path);
  copy = g_file_new_for_path (copy_path);

  cancel_scope_begin (scope);
  g_file_copy_async (source, copy, G_FILE_COPY_NONE, G_PRIORITY_DEFAULT,
                     G_CANCELLABLE (scope), cancel_scope_file_progress, scope,
                     store_result, &r);
  result = wait_result (&r);
  g_assert_true (g_file_copy_finish (source, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);  /* it holds the scope */

  /* The last progress call may come after the result. */
  WAIT_UNTIL (NULL, cancel_scope_get_progress (scope) == 1.0);
  message = dup_message (scope);
  g_assert_cmpstr (message, ==, "5.0 MiB of 5.0 MiB");

  g_assert_true (g_file_get_contents (copy_path, &copied, &length, &error));
  g_assert_cmpmem (copied, length, data, size);
  g_assert_no_errno (g_unlink (source_path));
  g_assert_no_errno (g_unlink (copy_path));
  g_assert_no_errno (g_rmdir (dir));

  cancel_scope_end (scope);
  finalize (scope);
}

/* The shared counter (private): the total is reported once when reached,
 * and a body longer than announced goes on at the usual step. */
static void
test_transfer_past_total (void)
{
  CancelScope *scope = new_private_scope (NULL, "Counter");
  CancelTransfer transfer;

  _cancel_transfer_init (&transfer, 4 * MIB);
  _cancel_transfer_add (&transfer, scope, 1);
  g_assert_cmpint (transfer.reported, ==, 1);
  _cancel_transfer_add (&transfer, scope, 1);
  g_assert_cmpint (transfer.reported, ==, 1);
  _cancel_transfer_add (&transfer, scope, 4 * MIB - 2);
  g_assert_cmpint (transfer.reported, ==, 4 * MIB);
  assert_progress (scope, 1.0, "4.0 MiB of 4.0 MiB");
  _cancel_transfer_add (&transfer, scope, 10);
  g_assert_cmpint (transfer.reported, ==, 4 * MIB);
  _cancel_transfer_add (&transfer, scope, 4 * MIB / 1000);
  g_assert_cmpint (transfer.reported, ==, 4 * MIB + 10 + 4 * MIB / 1000);
  g_assert_cmpint (_cancel_transfer_get_done (&transfer), ==, transfer.reported);
  finalize (scope);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Transfer/report-bytes", test_report_bytes);
  g_test_add_func ("/Cancel/Transfer/file-copy", test_file_copy);
  g_test_add_func ("/Cancel/Transfer/past-total", test_transfer_past_total);

  return g_test_run ();
}
