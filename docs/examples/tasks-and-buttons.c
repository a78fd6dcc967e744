/* tasks-and-buttons.c: async GIO calls and work in a thread under a scope,
 * cancelled by an action, from tasks-and-buttons.md and the README. */
#include <cancelable.h>

static void on_loaded (GObject *file, GAsyncResult *result, gpointer data);

/* Load a file with a 30 s deadline; the action "cancel-load" (a window's
 * Cancel button has the action name "win.cancel-load") cancels it. */
static void
start_load (GActionMap *window,
            GFile      *file)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Load report");
  g_autoptr(GAction) cancel = cancel_scope_create_action (scope, "cancel-load");

  cancel_scope_set_timeout (scope, 30, NULL);
  g_action_map_add_action (window, cancel);   /* enabled while it runs */

  cancel_scope_begin (scope);
  g_file_load_contents_async (file, G_CANCELLABLE (scope), on_loaded,
                              g_object_ref (scope));   /* on_loaded owns it */
}

static void
on_loaded (GObject      *file,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(CancelScope) scope = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  if (!g_file_load_contents_finish (G_FILE (file), result, &contents, NULL, NULL, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Not loaded (%s): %s",
               cancel_reason_to_string (cancel_scope_get_reason (scope)),  /* "timeout", "manual" */
               cancel_scope_get_message (scope));                          /* "Timed out after 30 s" */

  if (error != NULL)
    cancel_scope_fail (scope, error);   /* FAILED, or CANCELLED / TIMED_OUT */
  else
    cancel_scope_end (scope);           /* COMPLETED */
}

/* Work in a thread (hashing a disk image far too big to finish here):
 * the scope is that thread's current scope. */
static void
hash_in_thread (CancelScope *scope,
                gpointer     data)
{
  const guint n_blocks = G_MAXUINT;
  GChecksum *checksum = data;
  g_autoptr(GError) error = NULL;

  for (guint block = 0; block < n_blocks; block++)
    {
      if (cancel_scope_set_error_if_cancelled (scope, &error))
        {
          cancel_scope_fail (scope, error);   /* CANCELLED, with the reason */
          return;
        }
      g_checksum_update (checksum, (const guchar *) &block, sizeof block);
      if (block % 1000 == 0)
        cancel_scope_report_progress (scope, (double) block / n_blocks, "Hashing");
    }
}   /* returning ends the scope: COMPLETED */

static void
on_hashed (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  CancelScope *scope = CANCEL_SCOPE (source);
  g_autoptr(GError) error = NULL;

  if (!cancel_scope_run_in_thread_finish (scope, result, &error))
    g_print ("%s\n", error->message);   /* Operation “Hash file” was cancelled (Manual): ... */
  *(gboolean *) data = TRUE;
}

static void
click_cancel_when_enabled (GActionMap *window)
{
  GAction *cancel = g_action_map_lookup_action (window, "cancel-hash");

  /* What a click on a button with the action name "win.cancel-hash" does. */
  while (!g_action_get_enabled (cancel))
    g_main_context_iteration (NULL, TRUE);
  g_action_activate (cancel, NULL);
}

int
main (void)
{
  g_autoptr(GSimpleActionGroup) window = g_simple_action_group_new ();
  g_autoptr(CancelScope) hash = cancel_scope_new ("Hash file");
  g_autoptr(GAction) cancel_hash = cancel_scope_create_action (hash, "cancel-hash");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gboolean hashed = FALSE;

  /* A file loads: the scope completes. */
  file = g_file_new_tmp ("report-XXXXXX.txt", &stream, &error);
  g_assert_no_error (error);
  start_load (G_ACTION_MAP (window), file);
  while (g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (window), "cancel-load")))
    g_main_context_iteration (NULL, TRUE);
  g_file_delete (file, NULL, NULL);

  /* A long hash: the action cancels it as a button would. */
  g_action_map_add_action (G_ACTION_MAP (window), cancel_hash);
  cancel_scope_run_in_thread_async (hash, CANCEL_RUN_FLAGS_NONE,
                                    hash_in_thread, g_checksum_new (G_CHECKSUM_SHA256),
                                    (GDestroyNotify) g_checksum_free,
                                    on_hashed, &hashed);
  click_cancel_when_enabled (G_ACTION_MAP (window));
  while (!hashed)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (cancel_scope_get_status (hash), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (hash), ==, CANCEL_REASON_MANUAL);

  return 0;
}
