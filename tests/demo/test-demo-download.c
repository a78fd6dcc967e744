/* test-demo-download.c: the demo's Download launcher and its HTTP server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The launcher runs through the window's win.launch action, as in
 * test-demo.c; the server's side of each request is found in the default
 * registry by its name, "GET /blob". Under Xvfb with CANCEL_DEMO_SMALL=1.
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-application.h"
#include "cancel-demo-operation-private.h"
#include "cancel-demo-window.h"
#include "demo-test-util.h"
#include "../gtk-known-warnings.h"

static CancelDemoApplication *app;
static CancelDemoWindow *window;
static CancelDemoWorkspace *workspace;
static CancelDemoSizes small_sizes;

static CancelScope *
launch_download (double timeout)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_DOWNLOAD);
  CancelScope *scope;

  cancel_demo_launcher_row_set_timeout (row, timeout);
  g_action_group_activate_action (G_ACTION_GROUP (window), "launch",
                                  g_variant_new_string ("download"));
  cancel_demo_launcher_row_set_timeout (row, 0);
  scope = cancel_demo_launcher_row_get_scope (row);
  g_assert_nonnull (scope);

  return g_object_ref (scope);
}

/* The server's scope of the one request running now, or NULL. */
static CancelScope *
live_server_scope (void)
{
  g_autoptr(GPtrArray) found = NULL;
  CancelScope *live = NULL;
  guint i;

  found = cancel_registry_find_by_name (cancel_registry_get_default (), "GET /blob");
  for (i = 0; i < found->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (found, i);

      if (!cancel_status_is_final (cancel_scope_get_status (scope)))
        {
          g_assert_null (live);
          live = scope;
        }
    }

  return live != NULL ? g_object_ref (live) : NULL;
}

static CancelScope *
find_server_scope (void)
{
  CancelScope *scope = NULL;

  WAIT_UNTIL ((scope = live_server_scope ()) != NULL);
  return scope;
}

static void
wait_all_done (void)
{
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);
}

static void
test_complete (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autofree char *message = NULL;

  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
  scope = launch_download (0);
  g_assert_cmpstr (cancel_scope_get_name (scope), ==, "Download 512.0\302\240KiB over HTTP");
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 1.0);
  message = cancel_scope_dup_progress_message (scope);
  /* The request ended the scope: its last progress is the transfer's. */
  g_assert_cmpstr (message, ==, "512.0\302\240KiB of 512.0\302\240KiB");
}

/* Cancelling the download cancels the server's side as DISCONNECTED, and
 * the server stops sending; a screenshot is taken mid-download. */
static void
test_cancel (void)
{
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) server = NULL;
  g_autofree char *message = NULL;

  *sizes = small_sizes;
  sizes->download_bytes = 64 * 1024 * 1024;
  sizes->download_rate = 8 * 1024 * 1024;
  scope = launch_download (0);
  server = find_server_scope ();
  WAIT_UNTIL (cancel_scope_get_progress (scope) > 0.05);
  g_assert_cmpint (cancel_scope_get_status (server), ==, CANCEL_STATUS_RUNNING);
  /* The server's side in the monitor's details pane. */
  WAIT_UNTIL (demo_test_select_in_monitor (GTK_WIDGET (cancel_demo_window_get_monitor (window)),
                                           server));
  demo_test_save_screenshot (GTK_WIDGET (window), "demo-download.png");

  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Stopped by the test");
  wait_all_done ();
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);

  WAIT_UNTIL (cancel_status_is_final (cancel_scope_get_status (server)));
  g_assert_cmpint (cancel_scope_get_status (server), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (server), ==, CANCEL_REASON_DISCONNECTED);
  /* It stopped before the end: the server's progress says how far. */
  g_assert_cmpfloat (cancel_scope_get_progress (server), <, 1.0);
  message = cancel_scope_dup_progress_message (server);
  g_assert_true (g_str_has_prefix (message, "Sent "));

  /* Both ends in the history, the server's with why it stopped. */
  demo_test_show_monitor_page (GTK_WIDGET (cancel_demo_window_get_monitor (window)), "history");
  WAIT_UNTIL (demo_test_select_in_monitor (GTK_WIDGET (cancel_demo_window_get_monitor (window)),
                                           server));
  demo_test_save_screenshot (GTK_WIDGET (window), "demo-download-cancelled.png");
  demo_test_show_monitor_page (GTK_WIDGET (cancel_demo_window_get_monitor (window)), "live");
}

/* The launcher's timeout is the request's one timeout. */
static void
test_timeout (void)
{
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) server = NULL;
  g_autoptr(GError) error = NULL;

  *sizes = small_sizes;
  sizes->download_bytes = G_GUINT64_CONSTANT (1) << 40;
  sizes->download_rate = 1024 * 1024;
  scope = launch_download (0.5);
  server = find_server_scope ();
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_TIMED_OUT);
  error = cancel_scope_dup_error (scope);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  WAIT_UNTIL (cancel_status_is_final (cancel_scope_get_status (server)));
  g_assert_cmpint (cancel_scope_get_reason (server), ==, CANCEL_REASON_DISCONNECTED);
}

/* Cancelling the server's side (from the monitor, say) fails the download:
 * the connection is closed under it. */
static void
test_cancel_server_side (void)
{
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) server = NULL;
  g_autoptr(GError) error = NULL;

  *sizes = small_sizes;
  sizes->download_bytes = G_GUINT64_CONSTANT (1) << 40;
  sizes->download_rate = 1024 * 1024;
  scope = launch_download (0);
  server = find_server_scope ();
  WAIT_UNTIL (cancel_scope_get_progress (server) > 0);

  cancel_scope_cancel (server, CANCEL_REASON_MANUAL, "Stopped on the server");
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_FAILED);
  error = cancel_scope_dup_error (scope);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/blob?bytes="));
  WAIT_UNTIL (cancel_status_is_final (cancel_scope_get_status (server)));
  g_assert_cmpint (cancel_scope_get_status (server), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (server), ==, CANCEL_REASON_MANUAL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("CANCEL_DEMO_SMALL", "1", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();
  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);

  app = cancel_demo_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = CANCEL_DEMO_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  workspace = cancel_demo_application_get_workspace (app);
  small_sizes = *cancel_demo_workspace_get_sizes (workspace);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_test_add_func ("/Cancel/Demo/download/complete", test_complete);
  g_test_add_func ("/Cancel/Demo/download/cancel", test_cancel);
  g_test_add_func ("/Cancel/Demo/download/timeout", test_timeout);
  g_test_add_func ("/Cancel/Demo/download/cancel-server-side", test_cancel_server_side);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
