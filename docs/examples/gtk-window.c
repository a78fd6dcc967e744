/* gtk-window.c: a Cancel button bound to a scope, and the monitor widget,
 * from tasks-and-buttons.md and monitoring.md. Needs a display. */
#include <cancelable.h>
#include <cancel-gtk.h>

static void
slow_work (CancelScope *scope,
           gpointer     data)
{
  /* Stands in for work that takes long: waits until cancelled. */
  while (!g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    g_usleep (1000);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!cancel_scope_run_in_thread_finish (CANCEL_SCOPE (source), result, &error))
    g_print ("%s\n", error->message);
  *(gboolean *) data = TRUE;
}

int
main (void)
{
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GAction) cancel = NULL;
  g_autoptr(GSimpleActionGroup) actions = NULL;
  GtkWidget *window, *box, *button, *monitor;
  gboolean done = FALSE;

  if (!gtk_init_check ())
    return 77;   /* no display: skipped */
  cancel_gtk_init ();   /* the Operations page of the GTK Inspector */

  /* A button with an action name cancels the scope; the action is enabled
   * only while the scope runs, so the button is insensitive otherwise. */
  scope = cancel_scope_new ("Render thumbnails");
  cancel = cancel_scope_create_action (scope, "cancel");
  actions = g_simple_action_group_new ();
  g_action_map_add_action (G_ACTION_MAP (actions), cancel);

  window = gtk_window_new ();
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (actions));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  button = gtk_button_new_with_label ("Cancel");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.cancel");
  /* The live operations of the default registry, with their history. */
  monitor = cancel_gtk_monitor_new (cancel_registry_get_default ());
  gtk_widget_set_vexpand (monitor, TRUE);
  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), monitor);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  cancel_scope_run_in_thread_async (scope, CANCEL_RUN_FLAGS_NONE, slow_work, NULL, NULL,
                                    on_done, &done);

  /* What a click does, once the button is sensitive. */
  while (!gtk_widget_get_sensitive (button))
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_activate (button);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
