/* cancel-demo-window.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-window.h"

/* The launcher panel on the left, the library's monitor on the right (one
 * at a time in a narrow window, as an AdwLeaflet folds).
 * Every operation gets a GAction made by cancel_scope_create_action(),
 * added to the window as "win.cancel-op-ID" for as long as it runs: the
 * launcher's cancel button activates it. */
struct _CancelDemoWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwLeaflet           *leaflet;
  GtkWidget            *back_button;
  GtkWidget            *operations_button;
  GtkWidget            *new_button;
  GtkWidget            *launchers_pane;
  guint                 navigation_idle;
  guint                 subtitle_timeout;
  GtkListBox           *launcher_list;
  GtkAdjustment        *batch_size_adjustment;
  CancelGtkMonitor     *monitor;

  CancelDemoLauncherRow *rows[CANCEL_DEMO_N_KINDS];
  gboolean               bound;
};

G_DEFINE_FINAL_TYPE (CancelDemoWindow, cancel_demo_window, ADW_TYPE_APPLICATION_WINDOW)

static CancelDemoApplication *
get_application (CancelDemoWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return CANCEL_DEMO_IS_APPLICATION (application) ? CANCEL_DEMO_APPLICATION (application) : NULL;
}

static void
show_toast (CancelDemoWindow *self,
            const char       *text)
{
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  /* Disposed already: the application quit. */
  if (self->toast_overlay == NULL)
    return;

  /* An AdwToast's title is markup (libadwaita 1.2), and error messages
   * carry URIs with "&" in them. */
  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
cancel_action_name (CancelScope *scope)
{
  return g_strdup_printf ("cancel-op-%" G_GUINT64_FORMAT, cancel_scope_get_id (scope));
}

static void
operation_finished (CancelDemoWindow *self,
                    CancelStatus      status,
                    CancelScope      *scope)
{
  g_autofree char *name = cancel_action_name (scope);

  g_action_map_remove_action (G_ACTION_MAP (self), name);
}

static void
operation_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CancelDemoWindow) self = user_data;
  CancelScope *scope = cancel_demo_operation_get_scope (result);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *name = cancel_action_name (scope);

  summary = cancel_demo_operation_finish (result, &error);

  /* Also done on ::finished, which may come later: the application may
   * destroy the window as soon as the last operation is done, and a
   * GSimpleActionGroup that goes away keeps its handlers on the actions it
   * still holds, whose state changes once more when the scope ends. */
  g_action_map_remove_action (G_ACTION_MAP (self), name);

  /* Cancellations and timeouts show in the launcher and the monitor; a
   * failure deserves a toast. */
  if (error != NULL && cancel_scope_get_status (scope) == CANCEL_STATUS_FAILED)
    {
      g_autofree char *text = NULL;

      /* Translators: an operation's name, then an error message */
      text = g_strdup_printf (_("“%s” failed: %s"), cancel_scope_get_name (scope), error->message);
      show_toast (self, text);
    }
}

/**
 * cancel_demo_window_launch:
 * @self: a window
 * @kind: the launcher to run
 * @timeout: seconds until the operation times out; 0 for no timeout
 * @error: return location for an error
 *
 * Starts an operation as a new child scope of the application's scope.
 *
 * Returns: (transfer full) (nullable): its scope, or %NULL if @timeout was
 *   not valid (%CANCEL_ERROR_INVALID_TIMEOUT)
 */
CancelScope *
cancel_demo_window_launch (CancelDemoWindow  *self,
                           CancelDemoKind     kind,
                           double             timeout,
                           GError           **error)
{
  CancelDemoApplication *application;
  CancelDemoWorkspace *workspace;
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GAction) action = NULL;
  g_autofree char *name = NULL;
  g_autofree char *action_name = NULL;
  g_autofree char *detailed_name = NULL;

  g_return_val_if_fail (CANCEL_DEMO_IS_WINDOW (self), NULL);
  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  application = get_application (self);
  g_return_val_if_fail (application != NULL, NULL);
  workspace = cancel_demo_application_get_workspace (application);

  name = cancel_demo_kind_dup_scope_name (kind, workspace);
  scope = cancel_scope_new_full (cancel_demo_application_get_root_scope (application), name, CANCEL_SCOPE_FLAGS_NONE);

  /* 0 means none; anything else goes to the library, which says what is
   * wrong with it. */
  if (timeout != 0 && !cancel_scope_set_timeout (scope, timeout, error))
    return NULL;

  action_name = cancel_action_name (scope);
  action = cancel_scope_create_action (scope, action_name);
  g_action_map_add_action (G_ACTION_MAP (self), action);
  g_signal_connect_object (scope, "finished", G_CALLBACK (operation_finished),
                           self, G_CONNECT_SWAPPED);

  detailed_name = g_strconcat ("win.", action_name, NULL);
  cancel_demo_launcher_row_track (self->rows[kind], scope, detailed_name);

  cancel_demo_application_run_operation (application, kind, scope,
                                         operation_done, g_object_ref (self));

  return g_steal_pointer (&scope);
}

static void
launch_from_row (CancelDemoWindow      *self,
                 CancelDemoLauncherRow *row)
{
  CancelDemoKind kind = cancel_demo_launcher_row_get_kind (row);
  g_autoptr(CancelScope) scope = NULL;
  g_autoptr(GError) error = NULL;

  scope = cancel_demo_window_launch (self, kind, cancel_demo_launcher_row_get_timeout (row), &error);
  if (scope == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: a launcher's title, then an error message */
      text = g_strdup_printf (_("Could not start “%s”: %s"),
                              cancel_demo_kind_get_title (kind), error->message);
      show_toast (self, text);
    }
}

static void
launch_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  CancelDemoWindow *self = user_data;
  const char *nick = g_variant_get_string (parameter, NULL);
  CancelDemoKind kind;

  if (!cancel_demo_kind_from_string (nick, &kind))
    {
      g_warning ("No launcher named “%s”", nick);
      return;
    }

  gtk_list_box_select_row (self->launcher_list, GTK_LIST_BOX_ROW (self->rows[kind]));
  launch_from_row (self, self->rows[kind]);
}

static void
new_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CancelDemoWindow *self = user_data;
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->launcher_list);

  if (row == NULL)
    row = GTK_LIST_BOX_ROW (self->rows[CANCEL_DEMO_KIND_HASH]);

  launch_from_row (self, CANCEL_DEMO_LAUNCHER_ROW (row));
}

static void
launcher_activated_cb (CancelDemoWindow *self,
                       GtkListBoxRow    *row)
{
  launch_from_row (self, CANCEL_DEMO_LAUNCHER_ROW (row));
}

static void
cancel_selected_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  CancelDemoWindow *self = user_data;

  if (cancel_gtk_monitor_cancel_selected (self->monitor) == 0)
    show_toast (self, _("No running operation is selected"));
}

static void
cancel_all_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CancelDemoWindow *self = user_data;
  g_autofree char *text = NULL;
  guint n;

  n = cancel_gtk_monitor_cancel_all (self->monitor, _("Cancelled all operations"));
  if (n == 0)
    {
      show_toast (self, _("No operation is running"));
      return;
    }

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Cancelled %u operation",
                                       "Cancelled %u operations", n), n);
  show_toast (self, text);
}

static void
stop_condition_changed (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  CancelDemoWindow *self = user_data;
  CancelDemoApplication *application = get_application (self);

  g_simple_action_set_state (action, state);
  if (application != NULL)
    cancel_demo_workspace_set_stop_condition (cancel_demo_application_get_workspace (application),
                                              g_variant_get_boolean (state));
}

static void
ignore_sigterm_changed (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  CancelDemoWindow *self = user_data;
  CancelDemoApplication *application = get_application (self);

  g_simple_action_set_state (action, state);
  if (application != NULL)
    cancel_demo_workspace_set_ignore_sigterm (cancel_demo_application_get_workspace (application),
                                              g_variant_get_boolean (state));
}

/* Folded, the leaflet shows one pane: the header offers the other. */
static gboolean
update_navigation_now (gpointer data)
{
  CancelDemoWindow *self = data;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean on_launchers = adw_leaflet_get_visible_child (self->leaflet) == self->launchers_pane;

  self->navigation_idle = 0;
  gtk_widget_set_visible (self->back_button, folded && !on_launchers);
  gtk_widget_set_visible (self->operations_button, folded && on_launchers);
  /* Narrow, the title needs the room; each launcher has its own button. */
  gtk_widget_set_visible (self->new_button, !folded);

  return G_SOURCE_REMOVE;
}

/* The leaflet folds in its size_allocate: the header changes after the
 * frame, or it would be drawn before it is laid out again. */
static void
update_navigation (CancelDemoWindow *self)
{
  if (self->navigation_idle == 0)
    self->navigation_idle = g_idle_add (update_navigation_now, self);
}

static void
show_launchers_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CancelDemoWindow *self = user_data;

  adw_leaflet_set_visible_child (self->leaflet, self->launchers_pane);
}

static void
show_operations_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  CancelDemoWindow *self = user_data;

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->monitor));
}

static const GActionEntry win_entries[] = {
  { "show-launchers", show_launchers_activated },
  { "show-operations", show_operations_activated },
  { "launch", launch_activated, "s" },
  { "new", new_activated },
  { "cancel-selected", cancel_selected_activated },
  { "cancel-all", cancel_all_activated },
  { "stop-condition", NULL, NULL, "false", stop_condition_changed },
  { "ignore-sigterm", NULL, NULL, "false", ignore_sigterm_changed },
};

/* The application counts what it launched; the registry (and the
 * monitor's Live tab) counts nested operations too: say which is which. */
static void
update_subtitle (CancelDemoWindow *self)
{
  CancelDemoApplication *application = get_application (self);
  g_autofree char *subtitle = NULL;
  guint n, n_all;

  if (application == NULL)
    return;

  n = cancel_demo_application_get_n_running (application);
  n_all = g_list_model_get_n_items (G_LIST_MODEL (cancel_registry_get_default ()));
  if (cancel_demo_application_get_quitting (application))
    subtitle = g_strdup (_("Quitting…"));
  else if (n > 0 && n_all > n)
    /* Translators: launched operations, then all running ones with
     * their nested operations: "6 launched · 12 including nested" */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u launched · %u including nested",
                                             "%u launched · %u including nested", n), n, n_all);
  else if (n > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u operation running",
                                             "%u operations running", n), n);

  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* A narrow window cuts the title: the whole of it on hover. */
  {
    g_autofree char *tooltip = g_strjoin ("\n", adw_window_title_get_title (self->window_title), subtitle, NULL);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), tooltip);
  }
}

static gboolean
update_subtitle_now (gpointer data)
{
  CancelDemoWindow *self = data;

  self->subtitle_timeout = 0;
  update_subtitle (self);

  return G_SOURCE_REMOVE;
}

/* A batch changes the registry thousands of times a second: the title
 * follows twice a second at most (each change lays the header out). */
static void
schedule_subtitle (CancelDemoWindow *self)
{
  if (self->subtitle_timeout == 0)
    self->subtitle_timeout = g_timeout_add (500, update_subtitle_now, self);
}

static gboolean
cancel_demo_window_close_request (GtkWindow *window)
{
  CancelDemoWindow *self = CANCEL_DEMO_WINDOW (window);
  CancelDemoApplication *application = get_application (self);

  if (application == NULL)
    return GTK_WINDOW_CLASS (cancel_demo_window_parent_class)->close_request (window);

  /* Closing the window quits: the work is cancelled, and the application
   * destroys its windows once every operation has ended. */
  cancel_demo_application_request_quit (application, CANCEL_REASON_MANUAL,
                                        _("The window was closed"));
  return TRUE;
}

/* GtkWindow:application is not a construct property: it is set after
 * constructed(), so the window connects to the application here. */
static void
application_changed (CancelDemoWindow *self)
{
  CancelDemoApplication *application = get_application (self);
  CancelDemoWorkspace *workspace;
  GAction *action;

  if (application == NULL || self->bound)
    return;

  self->bound = TRUE;
  workspace = cancel_demo_application_get_workspace (application);

  g_object_bind_property (workspace, "batch-size",
                          self->batch_size_adjustment, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "stop-condition");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (cancel_demo_workspace_get_stop_condition (workspace)));
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "ignore-sigterm");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (cancel_demo_workspace_get_ignore_sigterm (workspace)));

  g_signal_connect_object (application, "notify::n-running",
                           G_CALLBACK (update_subtitle), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::quitting",
                           G_CALLBACK (update_subtitle), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cancel_registry_get_default (), "items-changed",
                           G_CALLBACK (schedule_subtitle), self, G_CONNECT_SWAPPED);
  update_subtitle (self);
}

static void
cancel_demo_window_dispose (GObject *object)
{
  CancelDemoWindow *self = (CancelDemoWindow *)object;

  g_clear_handle_id (&self->navigation_idle, g_source_remove);
  g_clear_handle_id (&self->subtitle_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANCEL_DEMO_TYPE_WINDOW);
  memset (self->rows, 0, sizeof self->rows);

  G_OBJECT_CLASS (cancel_demo_window_parent_class)->dispose (object);
}

static void
cancel_demo_window_class_init (CancelDemoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cancel_demo_window_dispose;
  window_class->close_request = cancel_demo_window_close_request;

  g_type_ensure (CANCEL_GTK_TYPE_MONITOR);
  g_type_ensure (CANCEL_DEMO_TYPE_LAUNCHER_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Cancelable/Demo/cancel-demo-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, operations_button);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, launchers_pane);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, launcher_list);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, batch_size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoWindow, monitor);
  gtk_widget_class_bind_template_callback (widget_class, launcher_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_navigation);
}

static void
cancel_demo_window_init (CancelDemoWindow *self)
{
  CancelDemoKind kind;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);

  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    {
      self->rows[kind] = CANCEL_DEMO_LAUNCHER_ROW (cancel_demo_launcher_row_new (kind));
      gtk_list_box_append (self->launcher_list, GTK_WIDGET (self->rows[kind]));
    }
  gtk_list_box_select_row (self->launcher_list, GTK_LIST_BOX_ROW (self->rows[0]));

  g_signal_connect (self, "notify::application", G_CALLBACK (application_changed), NULL);

  cancel_gtk_monitor_set_registry (self->monitor, cancel_registry_get_default ());
  /* The monitor binds Delete itself, while the focus is in it. */
}

CancelDemoWindow *
cancel_demo_window_new (CancelDemoApplication *application)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_APPLICATION (application), NULL);

  return g_object_new (CANCEL_DEMO_TYPE_WINDOW, "application", application, NULL);
}

/**
 * cancel_demo_window_get_monitor:
 * @self: a window
 *
 * Returns: (transfer none): the monitor of the default registry
 */
CancelGtkMonitor *
cancel_demo_window_get_monitor (CancelDemoWindow *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WINDOW (self), NULL);

  return self->monitor;
}

/**
 * cancel_demo_window_get_launcher_row:
 * @self: a window
 * @kind: a launcher kind
 *
 * Returns: (transfer none): the row of that launcher
 */
CancelDemoLauncherRow *
cancel_demo_window_get_launcher_row (CancelDemoWindow *self,
                                     CancelDemoKind    kind)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_WINDOW (self), NULL);
  g_return_val_if_fail (kind < CANCEL_DEMO_N_KINDS, NULL);

  return self->rows[kind];
}
