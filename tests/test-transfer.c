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

/* A copy run the way an application runs one: started and finished while
 * a GMainLoop owns the default context. */
typedef struct
{
  CancelScope  *scope;
  GFile        *source;
  GFile        *copy;
  GMainLoop    *loop;
  GThread      *owner;
  GAsyncResult *result;
  goffset       last;
  guint         calls;
  guint         off_owner;
  guint         backwards;
} Copy;

static void
copy_progress (goffset  current_num_bytes,
               goffset  total_num_bytes,
               gpointer user_data)
{
  Copy *copy = user_data;

  if (g_thread_self () != copy->owner)
    g_atomic_int_inc (&copy->off_owner);
  else
    {
      copy->calls++;
      if (current_num_bytes < copy->last)
        copy->backwards++;
      copy->last = current_num_bytes;
    }

  cancel_scope_file_progress (current_num_bytes, total_num_bytes, copy->scope);
}

static void
copy_finished (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Copy *copy = user_data;

  copy->result = g_object_ref (result);
  g_main_loop_quit (copy->loop);
}

static gboolean
start_copy (gpointer user_data)
{
  Copy *copy = user_data;

  g_file_copy_async (copy->source, copy->copy, G_FILE_COPY_OVERWRITE, G_PRIORITY_DEFAULT,
                     G_CANCELLABLE (copy->scope), copy_progress, copy,
                     copy_finished, copy);
  return G_SOURCE_REMOVE;
}

/* GLib 2.74 calls a copy's progress callback in its worker thread whenever
 * no thread owns the copy's context, and through that context otherwise:
 * a loop that iterates by hand lets an earlier call, queued, arrive after
 * the last one, and the progress ends short of 1 (this test's Python twin
 * once did, under AddressSanitizer). Under a running GMainLoop every call
 * arrives on its thread, in order, before the result: what
 * cancel_scope_file_progress() documents. */
static void
test_file_copy (void)
{
  const gsize size = 5 * MIB + 12345;
  g_autofree guint8 *data = make_data (size);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cancel-stream-XXXXXX", &error);
  g_autofree char *source_path = NULL;
  g_autofree char *copy_path = NULL;
  Copy copy = { 0 };

  g_assert_no_error (error);
  source_path = g_build_filename (dir, "source.dat", NULL);
  copy_path = g_build_filename (dir, "copy.dat", NULL);
  g_assert_true (g_file_set_contents (source_path, (const char *) data, size, &error));
  g_assert_no_error (error);
  copy.source = g_file_new_for_path (source_path);
  copy.copy = g_file_new_for_path (copy_path);
  copy.loop = g_main_loop_new (NULL, FALSE);
  copy.owner = g_thread_self ();

  for (guint round = 0; round < 20; round++)
    {
      g_autofree char *copied = NULL;
      g_autofree char *message = NULL;
      gsize length = 0;

      copy.scope = new_private_scope (NULL, "Copy a file");
      copy.last = -1;
      copy.calls = 0;
      cancel_scope_begin (copy.scope);
      g_idle_add (start_copy, &copy);
      g_main_loop_run (copy.loop);

      g_assert_true (g_file_copy_finish (copy.source, copy.result, &error));
      g_assert_no_error (error);
      g_clear_object (&copy.result);  /* it holds the scope */
      g_assert_cmpuint (g_atomic_int_get (&copy.off_owner), ==, 0);
      g_assert_cmpuint (copy.backwards, ==, 0);
      g_assert_cmpuint (copy.calls, >=, 1);
      g_assert_cmpint (copy.last, ==, size);
      g_assert_cmpfloat (cancel_scope_get_progress (copy.scope), ==, 1.0);
      message = dup_message (copy.scope);
      g_assert_cmpstr (message, ==, "5.0 MiB of 5.0 MiB");

      g_assert_true (g_file_get_contents (copy_path, &copied, &length, &error));
      g_assert_cmpmem (copied, length, data, size);
      cancel_scope_end (copy.scope);
      finalize (copy.scope);
    }

  g_assert_no_errno (g_unlink (source_path));
  g_assert_no_errno (g_unlink (copy_path));
  g_assert_no_errno (g_rmdir (dir));
  g_main_loop_unref (copy.loop);
  g_object_unref (copy.source);
  g_object_unref (copy.copy);
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
