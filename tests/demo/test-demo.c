/* test-demo.c: the demo application, driven in-process through its actions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One application and one window for the whole program, as a user would
 * have them. Every launcher runs through the window's win.launch action;
 * operations are cancelled through actions only (the per-operation GAction
 * from cancel_scope_create_action(), win.cancel-selected, win.cancel-all,
 * app.quit) and the outcome is read back from the scopes and the default
 * registry's history. Runs under Xvfb and a private session bus, with
 * CANCEL_DEMO_SMALL=1; tests that need an operation to still be running
 * when they cancel it make that operation large first.
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cancel-demo-application.h"
#include "cancel-demo-operation-private.h"
#include "cancel-demo-window.h"
#include "demo-test-util.h"
#include "../gtk-known-warnings.h"

static CancelDemoApplication *app;
static CancelDemoWindow *window;
static CancelDemoWorkspace *workspace;
static CancelDemoSizes small_sizes;

static gboolean
scope_is_final (CancelScope *scope)
{
  return cancel_status_is_final (cancel_scope_get_status (scope));
}

/* Done: the scope has ended and the application has seen the operation's
 * callback (no operation runs any more). */
static void
wait_all_done (void)
{
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);
}

/* Running, and made some progress. */
static void
wait_started (CancelScope *scope)
{
  WAIT_UNTIL (scope_is_final (scope) ||
              (cancel_scope_get_status (scope) == CANCEL_STATUS_RUNNING &&
               cancel_scope_get_progress (scope) > 0));

  if (scope_is_final (scope))
    {
      g_autoptr(GError) error = cancel_scope_dup_error (scope);

      g_error ("“%s” ended before the test could see it run: %s (%s)",
               cancel_scope_get_name (scope),
               cancel_status_to_string (cancel_scope_get_status (scope)),
               error != NULL ? error->message : "no error");
    }
}

static char *
op_action_name (CancelScope *scope)
{
  return g_strdup_printf ("cancel-op-%" G_GUINT64_FORMAT, cancel_scope_get_id (scope));
}

/* Registry history */

static gboolean
history_contains (CancelScope *scope)
{
  GListModel *history = cancel_registry_get_history (cancel_registry_get_default ());
  guint i, n = g_list_model_get_n_items (history);

  for (i = 0; i < n; i++)
    {
      g_autoptr(CancelScope) item = g_list_model_get_item (history, i);

      if (item == scope)
        return TRUE;
    }

  return FALSE;
}

/* Whether @scope, from the history, was a child of @parent. The core
 * unlinks a scope from its parent when it ends, so an ended scope's
 * dup_parent() is NULL: then a scope that ran within @parent's lifetime
 * counts (each test runs one operation at a time, none has grandchildren). */
static gboolean
was_child_of (CancelScope *scope,
              CancelScope *parent)
{
  g_autoptr(CancelScope) scope_parent = cancel_scope_dup_parent (scope);

  if (scope_parent != NULL)
    return scope_parent == parent;

  return scope != parent &&
         cancel_scope_get_start_time (scope) >= cancel_scope_get_start_time (parent) &&
         cancel_scope_get_end_time (scope) <= cancel_scope_get_end_time (parent);
}

/* The children of @parent in the history, oldest first. */
static GPtrArray *
history_children (CancelScope *parent)
{
  GListModel *history = cancel_registry_get_history (cancel_registry_get_default ());
  GPtrArray *children = g_ptr_array_new_with_free_func (g_object_unref);
  guint i, n = g_list_model_get_n_items (history);

  for (i = 0; i < n; i++)
    {
      g_autoptr(CancelScope) item = g_list_model_get_item (history, i);

      if (was_child_of (item, parent))
        g_ptr_array_add (children, g_steal_pointer (&item));
    }

  return children;
}

static CancelScope *
history_child_named (CancelScope *parent,
                     const char  *name)
{
  g_autoptr(GPtrArray) children = history_children (parent);
  guint i;

  for (i = 0; i < children->len; i++)
    {
      CancelScope *child = g_ptr_array_index (children, i);

      if (g_strcmp0 (cancel_scope_get_name (child), name) == 0)
        return g_object_ref (child);
    }

  g_error ("No child “%s” of “%s” in the history", name, cancel_scope_get_name (parent));
  return NULL;
}

/* Launching */

static CancelScope *
launch (CancelDemoKind kind)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, kind);
  CancelScope *before = cancel_demo_launcher_row_get_scope (row);
  CancelScope *scope;

  g_action_group_activate_action (G_ACTION_GROUP (window), "launch",
                                  g_variant_new_string (cancel_demo_kind_to_string (kind)));

  scope = cancel_demo_launcher_row_get_scope (row);
  g_assert_nonnull (scope);
  g_assert_true (scope != before);
  g_assert_cmpint (cancel_scope_get_status (scope), !=, CANCEL_STATUS_PENDING);

  return g_object_ref (scope);
}

static void
reset_sizes (void)
{
  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
  cancel_demo_workspace_set_batch_size (workspace, 10);
}

static void
assert_cancelled (CancelScope  *scope,
                  CancelStatus  status,
                  CancelReason  reason,
                  const char   *message)
{
  g_autoptr(GError) error = cancel_scope_dup_error (scope);

  g_assert_cmpint (cancel_scope_get_status (scope), ==, status);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, reason);
  if (message != NULL)
    g_assert_cmpstr (cancel_scope_get_message (scope), ==, message);

  g_assert_nonnull (error);
  if (status == CANCEL_STATUS_TIMED_OUT)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Widgets */

static GtkWidget *
find_button_with_action (GtkWidget  *root,
                         const char *detailed_action)
{
  GtkWidget *child;

  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), detailed_action) == 0)
    return root;

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_action (child, detailed_action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
save_screenshot (const char *name)
{
  demo_test_save_screenshot (GTK_WIDGET (window), name);
}

/* Tests */

static void
test_startup (void)
{
  CancelScope *root = cancel_demo_application_get_root_scope (app);
  g_auto(GStrv) accels = NULL;

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_RUNNING);
  /* Kept out of the registry: "Cancel all" must not quit the application. */
  g_assert_null (cancel_scope_dup_registry (root));
  g_assert_true (g_file_test (cancel_demo_workspace_get_path (workspace), G_FILE_TEST_IS_DIR));

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.new");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>n"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.cancel-selected");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>d"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.cancel-all");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Shift><Control>d"));
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>q"));

  /* The help overlay comes from our resources. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
}

static void
test_launch_hash (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) write = NULL;
  g_autoptr(CancelScope) hash = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *data = NULL;
  g_autofree char *message = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *input = NULL;
  g_autofree char *action = NULL;
  guint64 seed;
  gsize size;

  reset_sizes ();
  size = small_sizes.hash_bytes;

  scope = launch (CANCEL_DEMO_KIND_HASH);
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);
  g_assert_cmpfloat (cancel_scope_get_progress (scope), ==, 1.0);

  /* The digest is that of the pseudo-random stream the launcher writes
   * (seeded from the scope id, as cancel-demo-op-hash.c does). */
  seed = cancel_scope_get_id (scope) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) | 1;
  data = g_malloc (size);
  for (gsize done = 0; done < size; done += 1024 * 1024)
    _cancel_demo_fill_random (&seed, data + done, MIN (1024 * 1024, size - done));
  g_checksum_update (checksum, data, size);
  expected = g_strdup_printf ("SHA-256 %s", g_checksum_get_string (checksum));
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, expected);

  WAIT_UNTIL (history_contains (scope));
  write = history_child_named (scope, "Write test data");
  hash = history_child_named (scope, "Compute SHA-256");
  g_assert_cmpint (cancel_scope_get_status (write), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_status (hash), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_end_time (write), <=, cancel_scope_get_start_time (hash));

  /* The input file is gone. */
  input = cancel_demo_workspace_build_path (workspace, "hash", cancel_scope_get_id (scope));
  g_assert_false (g_file_test (input, G_FILE_TEST_EXISTS));

  /* The per-operation action went away with the operation. */
  action = op_action_name (scope);
  WAIT_UNTIL (!g_action_group_has_action (G_ACTION_GROUP (window), action));
}

static void
test_launch_copy (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) prepare = NULL;
  g_autoptr(CancelScope) copy = NULL;
  g_autofree char *message = NULL;
  guint n_files;

  reset_sizes ();
  n_files = small_sizes.copy_dirs * small_sizes.copy_files_per_dir;

  scope = launch (CANCEL_DEMO_KIND_COPY);
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_true (g_str_has_prefix (message, "Copied 8 files ("));
  g_assert_cmpuint (n_files, ==, 8);

  WAIT_UNTIL (history_contains (scope));
  prepare = history_child_named (scope, "Create source tree");
  copy = history_child_named (scope, "Copy 8 files");
  g_assert_cmpint (cancel_scope_get_status (prepare), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_status (copy), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpfloat (cancel_scope_get_progress (copy), ==, 1.0);
}

static void
test_launch_command (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autofree char *message = NULL;

  reset_sizes ();

  scope = launch (CANCEL_DEMO_KIND_COMMAND);
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Ran 5 steps");
}

static void
test_launch_batch (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *message = NULL;
  guint i;

  reset_sizes ();
  cancel_demo_workspace_set_batch_size (workspace, 50);

  scope = launch (CANCEL_DEMO_KIND_BATCH);
  g_assert_cmpstr (cancel_scope_get_name (scope), ==, "Batch of 50 items");
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Processed 50 items");

  WAIT_UNTIL (history_contains (scope));
  children = history_children (scope);
  g_assert_cmpuint (children->len, ==, 50);
  for (i = 0; i < children->len; i++)
    {
      CancelScope *child = g_ptr_array_index (children, i);

      g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_COMPLETED);
      g_assert_true (g_str_has_prefix (cancel_scope_get_name (child), "Item "));
    }
}

static void
test_launch_shielded (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *message = NULL;
  g_autofree char *folder = NULL;

  reset_sizes ();

  scope = launch (CANCEL_DEMO_KIND_SHIELDED);
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  message = cancel_scope_dup_progress_message (scope);
  g_assert_true (g_str_has_prefix (message, "Wrote 4 parts ("));

  /* Nothing to roll back. */
  WAIT_UNTIL (history_contains (scope));
  children = history_children (scope);
  g_assert_cmpuint (children->len, ==, 0);

  folder = cancel_demo_workspace_build_path (workspace, "journal", cancel_scope_get_id (scope));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static void
test_launch_condition (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autofree char *message = NULL;

  reset_sizes ();

  scope = launch (CANCEL_DEMO_KIND_CONDITION);
  wait_all_done ();

  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  message = cancel_scope_dup_progress_message (scope);
  /* π(10⁶) */
  g_assert_cmpstr (message, ==, "Found 78498 primes");
}

static void
test_launch_new (void)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_COMMAND);
  CancelScope *before = cancel_demo_launcher_row_get_scope (row);
  CancelScope *scope;

  reset_sizes ();

  /* win.new (Ctrl+N) starts the selected launcher. */
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row))),
                           GTK_LIST_BOX_ROW (row));
  g_action_group_activate_action (G_ACTION_GROUP (window), "new", NULL);

  scope = cancel_demo_launcher_row_get_scope (row);
  g_assert_true (scope != before);
  wait_all_done ();
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
}

/* Cancel through the operation's own GAction, via the launcher's cancel
 * button: rule 16. */
static void
test_cancel_operation_action (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) write = NULL;
  g_autofree char *action = NULL;
  g_autofree char *detailed = NULL;
  g_autofree char *input = NULL;
  GtkWidget *button;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->hash_bytes = G_GUINT64_CONSTANT (1) << 40;

  scope = launch (CANCEL_DEMO_KIND_HASH);
  action = op_action_name (scope);
  detailed = g_strconcat ("win.", action, NULL);

  /* The action's enabled state follows the scope on its owner context. */
  WAIT_UNTIL (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  wait_started (scope);

  button = find_button_with_action (GTK_WIDGET (cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_HASH)),
                                    detailed);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_MANUAL, "Cancelled by user");

  WAIT_UNTIL (history_contains (scope));
  write = history_child_named (scope, "Write test data");
  g_assert_cmpint (cancel_scope_get_status (write), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (write), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (write), ==, CANCEL_REASON_MANUAL);

  input = cancel_demo_workspace_build_path (workspace, "hash", cancel_scope_get_id (scope));
  g_assert_false (g_file_test (input, G_FILE_TEST_EXISTS));

  WAIT_UNTIL (!g_action_group_has_action (G_ACTION_GROUP (window), action));
  g_assert_false (gtk_widget_is_sensitive (button));
}

/* win.cancel-selected (Ctrl+D) cancels what is selected in the monitor;
 * the command gets SIGTERM. */
static void
test_cancel_selected (void)
{
  CancelGtkMonitor *monitor = cancel_demo_window_get_monitor (window);
  g_autoptr(CancelScope) scope = NULL;
  g_autofree char *message = NULL;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->command_step = 0.05;

  scope = launch (CANCEL_DEMO_KIND_COMMAND);
  wait_started (scope);

  WAIT_UNTIL (demo_test_select_in_monitor (GTK_WIDGET (monitor), scope));
  g_assert_true (cancel_gtk_monitor_get_selected (monitor) == scope);

  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel-selected", NULL);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_MANUAL, "Cancelled by user");
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Terminated by SIGTERM");
}

/* A command that ignores SIGTERM is killed after the grace period. */
static void
test_cancel_kill (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autofree char *message = NULL;
  g_autofree char *action = NULL;
  gint64 latency;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->command_step = 0.05;
  cancel_demo_workspace_get_sizes (workspace)->kill_grace = 0.5;

  g_action_group_change_action_state (G_ACTION_GROUP (window), "ignore-sigterm",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (cancel_demo_workspace_get_ignore_sigterm (workspace));

  scope = launch (CANCEL_DEMO_KIND_COMMAND);
  g_assert_cmpstr (cancel_scope_get_name (scope), ==, "Run a shell loop that ignores SIGTERM");
  /* Progress means the loop runs, so the trap is set. */
  wait_started (scope);

  action = op_action_name (scope);
  WAIT_UNTIL (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_MANUAL, "Cancelled by user");
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Killed with SIGKILL after the grace period");

  /* It ended no sooner than the grace period after the cancel. */
  latency = cancel_scope_get_end_time (scope) - cancel_scope_get_cancel_time (scope);
  g_assert_cmpint (latency, >=, G_USEC_PER_SEC / 2 - 50000);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "ignore-sigterm",
                                      g_variant_new_boolean (FALSE));
}

/* A timeout from the launcher's spin button. */
static void
test_timeout (void)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_COMMAND);
  g_autoptr(CancelScope) scope = NULL;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->command_step = 0.05;

  cancel_demo_launcher_row_set_timeout (row, 0.5);
  scope = launch (CANCEL_DEMO_KIND_COMMAND);
  cancel_demo_launcher_row_set_timeout (row, 0);

  g_assert_cmpint (cancel_scope_get_own_deadline (scope), !=, CANCEL_NO_DEADLINE);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_TIMED_OUT, CANCEL_REASON_TIMEOUT, NULL);
  g_assert_true (g_str_has_prefix (cancel_scope_get_message (scope), "Timed out after 0.5"));
}

static void
test_timeout_invalid (void)
{
  g_autoptr(GError) error = NULL;
  CancelScope *scope;

  reset_sizes ();

  scope = cancel_demo_window_launch (window, CANCEL_DEMO_KIND_HASH, -1, &error);
  g_assert_null (scope);
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);
  g_clear_error (&error);

  scope = cancel_demo_window_launch (window, CANCEL_DEMO_KIND_HASH, NAN, &error);
  g_assert_null (scope);
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);

  g_assert_cmpuint (cancel_demo_application_get_n_running (app), ==, 0);
}

/* The rollback runs in a shielded child after the operation was cancelled,
 * and finishes. */
static void
test_shielded_rollback (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(CancelScope) rollback = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *action = NULL;
  g_autofree char *message = NULL;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->journal_parts = 100000;

  scope = launch (CANCEL_DEMO_KIND_SHIELDED);
  folder = cancel_demo_workspace_build_path (workspace, "journal", cancel_scope_get_id (scope));
  /* A few parts exist. */
  WAIT_UNTIL (cancel_scope_get_progress (scope) > 3.0 / 100000);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

  action = op_action_name (scope);
  WAIT_UNTIL (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_MANUAL, "Cancelled by user");
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Rolled back");

  WAIT_UNTIL (history_contains (scope));
  rollback = history_child_named (scope, "Roll back the journal");
  g_assert_true (cancel_scope_get_shielded (rollback));
  g_assert_cmpint (cancel_scope_get_status (rollback), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_reason (rollback), ==, CANCEL_REASON_NONE);
  g_assert_cmpint (cancel_scope_get_start_time (rollback), >=, cancel_scope_get_cancel_time (scope));
  g_assert_cmpfloat (cancel_scope_get_progress (rollback), ==, 1.0);
  g_assert_true (was_child_of (rollback, scope));

  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

/* The stop-condition switch's action flips the flag a condition source
 * polls on the library's worker thread. */
static void
test_condition (void)
{
  g_autoptr(CancelScope) scope = NULL;

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->primes_limit = G_GUINT64_CONSTANT (1) << 50;

  scope = launch (CANCEL_DEMO_KIND_CONDITION);
  wait_started (scope);
  g_assert_false (scope_is_final (scope));

  g_action_group_change_action_state (G_ACTION_GROUP (window), "stop-condition",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (cancel_demo_workspace_get_stop_condition (workspace));

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_CONDITION, NULL);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "stop-condition",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (cancel_demo_workspace_get_stop_condition (workspace));
}

/* Cancelling a batch shows the cause chain on its running children, and
 * the queued items are skipped. */
static void
test_batch_cause_chain (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *action = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;
  guint i, n_cancelled = 0;

  reset_sizes ();
  cancel_demo_workspace_set_batch_size (workspace, CANCEL_DEMO_MAX_BATCH_SIZE);
  cancel_demo_workspace_get_sizes (workspace)->batch_rounds = 1 << 30;

  scope = launch (CANCEL_DEMO_KIND_BATCH);
  g_assert_cmpstr (cancel_scope_get_name (scope), ==, "Batch of 10000 items");
  /* Four workers: four children live at once. */
  WAIT_UNTIL (g_list_model_get_n_items (cancel_scope_get_children (scope)) == CANCEL_DEMO_POOL_THREADS);

  action = op_action_name (scope);
  WAIT_UNTIL (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);

  wait_all_done ();
  assert_cancelled (scope, CANCEL_STATUS_CANCELLED, CANCEL_REASON_MANUAL, "Cancelled by user");
  message = cancel_scope_dup_progress_message (scope);
  g_assert_cmpstr (message, ==, "Done: 0, cancelled: 4, skipped: 9996");

  WAIT_UNTIL (history_contains (scope));
  expected = g_strdup_printf ("Parent “%s” was cancelled", cancel_scope_get_name (scope));
  children = history_children (scope);
  for (i = 0; i < children->len; i++)
    {
      CancelScope *child = g_ptr_array_index (children, i);

      g_assert_cmpint (cancel_scope_get_status (child), ==, CANCEL_STATUS_CANCELLED);
      g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_PARENT);
      g_assert_cmpint (cancel_scope_get_origin_reason (child), ==, CANCEL_REASON_MANUAL);
      g_assert_cmpstr (cancel_scope_get_message (child), ==, expected);
      n_cancelled++;
    }
  g_assert_cmpuint (n_cancelled, ==, CANCEL_DEMO_POOL_THREADS);
}

/* Launches every kind and waits for each to make progress; with
 * @may_finish, one that already finished is fine too. */
static void
launch_all (CancelScope **scopes,
            gboolean      may_finish)
{
  CancelDemoKind kind;

  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    scopes[kind] = launch (kind);
  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    {
      g_test_message ("Waiting for “%s” to make progress", cancel_scope_get_name (scopes[kind]));
      if (kind == CANCEL_DEMO_KIND_BATCH)
        /* Its own progress moves only as items finish. */
        WAIT_UNTIL ((may_finish && scope_is_final (scopes[kind])) ||
                    g_list_model_get_n_items (cancel_scope_get_children (scopes[kind])) > 0);
      else if (may_finish)
        WAIT_UNTIL (scope_is_final (scopes[kind]) || cancel_scope_get_progress (scopes[kind]) > 0);
      else
        wait_started (scopes[kind]);
    }
}

/* Everything at once, sized to show progress after a few seconds (on
 * this kind of machine), for the screenshot. Then win.cancel-all. */
static void
test_screenshot (void)
{
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  CancelDemoLauncherRow *command_row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_COMMAND);
  CancelScope *scopes[CANCEL_DEMO_N_KINDS];
  CancelDemoKind kind;

  reset_sizes ();
  sizes->hash_bytes = G_GUINT64_CONSTANT (8) << 30;
  sizes->copy_dirs = 8;
  sizes->copy_files_per_dir = 128;
  sizes->copy_max_file_size = 1024 * 1024;
  sizes->command_steps = 100;
  sizes->command_step = 0.1;
  sizes->batch_rounds = 1024;
  sizes->journal_parts = 200;
  sizes->journal_part_size = 4 * 1024 * 1024;
  sizes->primes_limit = G_GUINT64_CONSTANT (20000000000);
  sizes->download_bytes = 64 * 1024 * 1024;
  sizes->download_rate = 8 * 1024 * 1024;
  cancel_demo_workspace_set_batch_size (workspace, 2500);

  /* One with a deadline, for the monitor's "time left". */
  cancel_demo_launcher_row_set_timeout (command_row, 60);
  launch_all (scopes, TRUE);

  /* The batch's details in the monitor's side pane. */
  WAIT_UNTIL (demo_test_select_in_monitor (GTK_WIDGET (cancel_demo_window_get_monitor (window)),
                                 scopes[CANCEL_DEMO_KIND_BATCH]));
  demo_test_spin (3000);
  save_screenshot ("demo-window.png");
  cancel_demo_launcher_row_set_timeout (command_row, 0);

  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel-all", NULL);
  wait_all_done ();

  /* A fast machine may have finished some. */
  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    {
      g_autoptr(CancelScope) scope = scopes[kind];
      CancelStatus status = cancel_scope_get_status (scope);

      g_assert_true (status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_COMPLETED);
    }

  save_screenshot ("demo-window-cancelled.png");
}

/* Everything at once, too large to finish: win.cancel-all (Ctrl+Shift+D)
 * cancels it all, with the message the window gives. */
static void
test_cancel_all (void)
{
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  CancelScope *scopes[CANCEL_DEMO_N_KINDS];
  CancelDemoKind kind;

  reset_sizes ();
  sizes->hash_bytes = G_GUINT64_CONSTANT (1) << 40;
  sizes->copy_dirs = 64;
  sizes->copy_files_per_dir = 256;
  sizes->copy_max_file_size = 64 * 1024;
  sizes->command_steps = 100000;
  sizes->command_step = 0.05;
  sizes->batch_rounds = 1 << 30;
  sizes->journal_parts = 100000;
  sizes->primes_limit = G_GUINT64_CONSTANT (1) << 50;
  /* Progress moves every thousandth: 8 MiB, a second at this rate. */
  sizes->download_bytes = G_GUINT64_CONSTANT (8) << 30;
  sizes->download_rate = 8 * 1024 * 1024;
  cancel_demo_workspace_set_batch_size (workspace, 100);

  launch_all (scopes, FALSE);
  g_assert_cmpuint (cancel_demo_application_get_n_running (app), ==, CANCEL_DEMO_N_KINDS);

  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel-all", NULL);
  wait_all_done ();

  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    {
      g_autoptr(CancelScope) scope = scopes[kind];

      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
      g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
      g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Cancelled all operations");
    }
}

static void
test_about (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before = g_list_model_get_n_items (toplevels);
  guint i;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  WAIT_UNTIL (g_list_model_get_n_items (toplevels) == before + 1);

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (toplevel))
        {
          g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (toplevel)),
                           ==, "Cancelable Demo");
          gtk_window_destroy (toplevel);
        }
    }

  WAIT_UNTIL (g_list_model_get_n_items (toplevels) == before);
}

static GtkWidget *
find_widget_of_type (GtkWidget *root,
                     GType      type)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
toplevels_have_widget_of_type (const char *type_name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GType type = g_type_from_name (type_name);
  guint i;

  if (type == 0)
    return FALSE;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (find_widget_of_type (toplevel, type) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The Inspector opens, with our "Operations" page (cancel_gtk_init() at
 * startup). */
static void
test_inspector (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before = g_list_model_get_n_items (toplevels);

  g_action_group_activate_action (G_ACTION_GROUP (app), "inspector", NULL);
  WAIT_UNTIL (g_list_model_get_n_items (toplevels) > before);
  WAIT_UNTIL (toplevels_have_widget_of_type ("CancelGtkInspectorPage"));
  demo_test_spin (300);

  gtk_window_set_interactive_debugging (FALSE);
  demo_test_spin (200);
}

/* The keyboard shortcuts window comes from our resources
 * (gtk/help-overlay.ui) and opens. */
static void
test_shortcuts (void)
{
  WAIT_UNTIL (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) != NULL);

  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)))));
  gtk_widget_set_visible (GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window))), FALSE);
}

/* SIGTERM cancels the root scope: every operation is cancelled through the
 * tree, and the application quits once they ended. Runs in a subprocess,
 * which has its own application. */
static void
quit_signal_subprocess (void)
{
  g_autoptr(CancelScope) command = NULL;
  g_autoptr(CancelScope) hash = NULL;
  CancelScope *root = g_object_ref (cancel_demo_application_get_root_scope (app));
  g_autofree char *path = g_strdup (cancel_demo_workspace_get_path (workspace));

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->hash_bytes = G_GUINT64_CONSTANT (1) << 40;

  command = launch (CANCEL_DEMO_KIND_COMMAND);
  hash = launch (CANCEL_DEMO_KIND_HASH);
  wait_started (command);
  wait_started (hash);

  kill (getpid (), SIGTERM);

  WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL);

  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (root), ==, CANCEL_REASON_SIGNAL);
  assert_cancelled (command, CANCEL_STATUS_CANCELLED, CANCEL_REASON_PARENT, NULL);
  g_assert_cmpint (cancel_scope_get_origin_reason (command), ==, CANCEL_REASON_SIGNAL);
  assert_cancelled (hash, CANCEL_STATUS_CANCELLED, CANCEL_REASON_PARENT, NULL);
  g_assert_cmpint (cancel_scope_get_origin_reason (hash), ==, CANCEL_REASON_SIGNAL);

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_object_unref (root);
}

static void
test_quit_signal (void)
{
  if (g_test_subprocess ())
    {
      quit_signal_subprocess ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* app.quit (Ctrl+Q) while work runs: the last test, it ends the
 * application. */
static void
test_quit_action (void)
{
  g_autoptr(CancelScope) batch = NULL;
  g_autoptr(CancelScope) shielded = NULL;
  CancelScope *root = g_object_ref (cancel_demo_application_get_root_scope (app));
  g_autofree char *path = g_strdup (cancel_demo_workspace_get_path (workspace));

  reset_sizes ();
  cancel_demo_workspace_get_sizes (workspace)->batch_rounds = 1 << 30;
  cancel_demo_workspace_get_sizes (workspace)->journal_parts = 100000;
  cancel_demo_workspace_set_batch_size (workspace, 100);

  batch = launch (CANCEL_DEMO_KIND_BATCH);
  shielded = launch (CANCEL_DEMO_KIND_SHIELDED);
  wait_started (shielded);
  WAIT_UNTIL (g_list_model_get_n_items (cancel_scope_get_children (batch)) > 0);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_true (cancel_demo_application_get_quitting (app));

  WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL);
  g_assert_cmpuint (cancel_demo_application_get_n_running (app), ==, 0);

  g_assert_cmpint (cancel_scope_get_status (root), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (root), ==, CANCEL_REASON_MANUAL);
  assert_cancelled (batch, CANCEL_STATUS_CANCELLED, CANCEL_REASON_PARENT, NULL);
  g_assert_cmpint (cancel_scope_get_origin_reason (batch), ==, CANCEL_REASON_MANUAL);
  assert_cancelled (shielded, CANCEL_STATUS_CANCELLED, CANCEL_REASON_PARENT, NULL);

  /* The temporary folder is gone. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_object_unref (root);
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
  /* A test instance must not become the remote of another one. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = CANCEL_DEMO_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  workspace = cancel_demo_application_get_workspace (app);
  g_assert_true (cancel_demo_workspace_get_small (workspace));
  small_sizes = *cancel_demo_workspace_get_sizes (workspace);

  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_test_add_func ("/Cancel/Demo/startup", test_startup);
  g_test_add_func ("/Cancel/Demo/launch/hash", test_launch_hash);
  g_test_add_func ("/Cancel/Demo/launch/copy", test_launch_copy);
  g_test_add_func ("/Cancel/Demo/launch/command", test_launch_command);
  g_test_add_func ("/Cancel/Demo/launch/batch", test_launch_batch);
  g_test_add_func ("/Cancel/Demo/launch/shielded", test_launch_shielded);
  g_test_add_func ("/Cancel/Demo/launch/condition", test_launch_condition);
  g_test_add_func ("/Cancel/Demo/launch/new", test_launch_new);
  g_test_add_func ("/Cancel/Demo/cancel/operation-action", test_cancel_operation_action);
  g_test_add_func ("/Cancel/Demo/cancel/selected", test_cancel_selected);
  g_test_add_func ("/Cancel/Demo/cancel/kill", test_cancel_kill);
  g_test_add_func ("/Cancel/Demo/cancel/timeout", test_timeout);
  g_test_add_func ("/Cancel/Demo/cancel/invalid-timeout", test_timeout_invalid);
  g_test_add_func ("/Cancel/Demo/cancel/shielded-rollback", test_shielded_rollback);
  g_test_add_func ("/Cancel/Demo/cancel/condition", test_condition);
  g_test_add_func ("/Cancel/Demo/cancel/cause-chain", test_batch_cause_chain);
  g_test_add_func ("/Cancel/Demo/cancel/screenshot", test_screenshot);
  g_test_add_func ("/Cancel/Demo/cancel/all", test_cancel_all);
  g_test_add_func ("/Cancel/Demo/menu/about", test_about);
  g_test_add_func ("/Cancel/Demo/menu/inspector", test_inspector);
  g_test_add_func ("/Cancel/Demo/menu/shortcuts", test_shortcuts);
  g_test_add_func ("/Cancel/Demo/quit/signal", test_quit_signal);
  g_test_add_func ("/Cancel/Demo/quit/action", test_quit_action);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
