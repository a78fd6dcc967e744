/* cancel-demo-application.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <cancel-gtk.h>

#include "cancel-demo-application.h"
#include "cancel-demo-window.h"

/* The application owns the root scope of all work: every operation is a
 * child of it. The root is linked to SIGINT and SIGTERM; when it is
 * cancelled (by a signal, app.quit or closing the window) every operation
 * is cancelled through the tree, and the application quits once the last
 * one has ended, then deletes its temporary folder. */
struct _CancelDemoApplication
{
  AdwApplication       parent_instance;

  CancelScope         *root;
  CancelDemoWorkspace *workspace;
  guint                n_running;
  gboolean             small;
  gboolean             quitting;
  gboolean             finished;
};

enum {
  PROP_0,
  PROP_N_RUNNING,
  PROP_QUITTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CancelDemoApplication, cancel_demo_application, ADW_TYPE_APPLICATION)

typedef struct
{
  CancelDemoApplication *self;
  GAsyncReadyCallback    callback;
  gpointer               user_data;
} OperationClosure;

static void
maybe_finish_quit (CancelDemoApplication *self)
{
  g_autoptr(GList) windows = NULL;

  if (!self->quitting || self->n_running > 0 || self->finished)
    return;

  self->finished = TRUE;

  if (self->root != NULL && !cancel_status_is_final (cancel_scope_get_status (self->root)))
    cancel_scope_end (self->root);

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);

  if (self->workspace != NULL)
    cancel_demo_workspace_remove (self->workspace);

  g_application_quit (G_APPLICATION (self));
}

static void
root_reason_changed (CancelDemoApplication *self)
{
  /* Emitted on our context whoever cancelled the root: a UNIX signal is
   * handled on the library's worker thread. */
  if (cancel_scope_get_reason (self->root) != CANCEL_REASON_NONE)
    cancel_demo_application_request_quit (self, CANCEL_REASON_MANUAL, NULL);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  cancel_demo_application_request_quit (user_data, CANCEL_REASON_MANUAL,
                                        _("The application is quitting"));
}

static void
inspector_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  gtk_window_set_interactive_debugging (TRUE);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  CancelDemoApplication *self = user_data;
  static const char *developers[] = { "The Cancelable Developers", NULL };
  GtkWindow *window;

  window = GTK_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  g_object_set (window,
                "application-name", _("Cancelable Demo"),
                "application-icon", CANCEL_DEMO_APPLICATION_ID,
                "developer-name", "The Cancelable Developers",
                "developers", developers,
                "version", PACKAGE_VERSION,
                "comments", _("Start real work, watch its progress and cancel it, with reasons, nesting, timeouts and shields."),
                "license-type", GTK_LICENSE_LGPL_2_1,
                "copyright", "© 2026 The Cancelable Developers",
                /* Translators: your names, one per line */
                "translator-credits", _("translator-credits"),
                NULL);
  gtk_window_present (window);
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
  { "inspector", inspector_activated },
  { "about", about_activated },
};

static const struct {
  const char *action;
  const char *accels[2];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.new", { "<Control>n", NULL } },
  { "win.cancel-selected", { "<Control>d", NULL } },
  { "win.cancel-all", { "<Control><Shift>d", NULL } },
};

static gboolean
env_says_small (void)
{
  const char *value = g_getenv ("CANCEL_DEMO_SMALL");

  return value != NULL && *value != '\0' && strcmp (value, "0") != 0;
}

static void
cancel_demo_application_startup (GApplication *application)
{
  CancelDemoApplication *self = CANCEL_DEMO_APPLICATION (application);
  g_autoptr(CancelSource) signals = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  G_APPLICATION_CLASS (cancel_demo_application_parent_class)->startup (application);

  /* Adds our "Operations" page to the GTK Inspector. */
  cancel_gtk_init ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           app_accels[i].action, app_accels[i].accels);

  self->workspace = cancel_demo_workspace_new (self->small || env_says_small (), &error);
  if (self->workspace == NULL)
    {
      g_printerr (_("Could not create a temporary folder: %s\n"), error->message);
      g_clear_error (&error);
    }

  self->root = cancel_scope_new_full (NULL, _("Cancelable Demo"), CANCEL_SCOPE_FLAGS_NONE);
  /* Kept out of the registry, so "Cancel all" in the monitor cancels the
   * operations, not the application. */
  cancel_scope_set_registry (self->root, NULL);

  signals = cancel_source_new_unix_signals (NULL, 0, &error);
  if (signals != NULL)
    cancel_scope_add_source (self->root, signals);
  else
    g_warning ("Cannot watch SIGINT and SIGTERM: %s", error->message);

  g_signal_connect_object (self->root, "notify::reason",
                           G_CALLBACK (root_reason_changed), self, G_CONNECT_SWAPPED);
  cancel_scope_begin (self->root);
}

static void
cancel_demo_application_activate (GApplication *application)
{
  CancelDemoApplication *self = CANCEL_DEMO_APPLICATION (application);
  GtkWindow *window;

  if (self->workspace == NULL || self->finished)
    {
      /* Nothing can run without a workspace. */
      g_application_quit (application);
      return;
    }

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (cancel_demo_window_new (self));

  gtk_window_present (window);
}

static int
cancel_demo_application_handle_local_options (GApplication *application,
                                              GVariantDict *options)
{
  CancelDemoApplication *self = CANCEL_DEMO_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("cancelable-demo %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_contains (options, "small"))
    self->small = TRUE;

  return -1;
}

static void
cancel_demo_application_shutdown (GApplication *application)
{
  CancelDemoApplication *self = CANCEL_DEMO_APPLICATION (application);

  /* Normally everything ended already (maybe_finish_quit()); this covers
   * a quit that did not go through request_quit(). */
  if (self->root != NULL && !cancel_status_is_final (cancel_scope_get_status (self->root)))
    {
      cancel_scope_cancel (self->root, CANCEL_REASON_MANUAL, _("The application is quitting"));
      cancel_scope_end (self->root);
    }
  if (self->workspace != NULL)
    cancel_demo_workspace_remove (self->workspace);

  G_APPLICATION_CLASS (cancel_demo_application_parent_class)->shutdown (application);
}

static void
cancel_demo_application_dispose (GObject *object)
{
  CancelDemoApplication *self = (CancelDemoApplication *)object;

  if (self->root != NULL)
    g_signal_handlers_disconnect_by_data (self->root, self);
  g_clear_object (&self->root);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (cancel_demo_application_parent_class)->dispose (object);
}

static void
cancel_demo_application_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CancelDemoApplication *self = CANCEL_DEMO_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    case PROP_QUITTING:
      g_value_set_boolean (value, self->quitting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_demo_application_class_init (CancelDemoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cancel_demo_application_dispose;
  object_class->get_property = cancel_demo_application_get_property;

  application_class->startup = cancel_demo_application_startup;
  application_class->activate = cancel_demo_application_activate;
  application_class->handle_local_options = cancel_demo_application_handle_local_options;
  application_class->shutdown = cancel_demo_application_shutdown;

  /**
   * CancelDemoApplication:n-running:
   *
   * Operations started and not yet ended. Notified on the main context.
   */
  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CancelDemoApplication:quitting:
   *
   * Whether the application waits for its operations to end to quit.
   */
  properties[PROP_QUITTING] =
    g_param_spec_boolean ("quitting", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static const GOptionEntry option_entries[] = {
  { "small", 's', 0, G_OPTION_ARG_NONE, NULL,
    N_("Do small amounts of work, for quick tests (also CANCEL_DEMO_SMALL=1)"), NULL },
  { "version", 'v', 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static void
cancel_demo_application_init (CancelDemoApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

CancelDemoApplication *
cancel_demo_application_new (void)
{
  return g_object_new (CANCEL_DEMO_TYPE_APPLICATION,
                       "application-id", CANCEL_DEMO_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

/**
 * cancel_demo_application_get_root_scope:
 * @self: the application
 *
 * Returns: (transfer none): the parent scope of every operation
 */
CancelScope *
cancel_demo_application_get_root_scope (CancelDemoApplication *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_APPLICATION (self), NULL);

  return self->root;
}

/**
 * cancel_demo_application_get_workspace:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): the workspace, made at startup
 */
CancelDemoWorkspace *
cancel_demo_application_get_workspace (CancelDemoApplication *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_APPLICATION (self), NULL);

  return self->workspace;
}

guint
cancel_demo_application_get_n_running (CancelDemoApplication *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_APPLICATION (self), 0);

  return self->n_running;
}

gboolean
cancel_demo_application_get_quitting (CancelDemoApplication *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_APPLICATION (self), FALSE);

  return self->quitting;
}

/**
 * cancel_demo_application_request_quit:
 * @self: the application
 * @reason: why, if the root scope is not cancelled yet
 * @message: (nullable): a message for that cancellation
 *
 * Cancels the root scope, so every operation, and quits once the last
 * operation has ended. Calling it again does nothing.
 */
void
cancel_demo_application_request_quit (CancelDemoApplication *self,
                                      CancelReason           reason,
                                      const char            *message)
{
  g_return_if_fail (CANCEL_DEMO_IS_APPLICATION (self));
  g_return_if_fail (reason != CANCEL_REASON_NONE);

  if (self->quitting)
    return;

  self->quitting = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUITTING]);

  if (self->root != NULL)
    cancel_scope_cancel (self->root, reason, message);

  maybe_finish_quit (self);
}

static void
operation_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  OperationClosure *closure = user_data;
  g_autoptr(CancelDemoApplication) self = closure->self;

  self->n_running--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);

  if (closure->callback != NULL)
    closure->callback (source_object, result, closure->user_data);
  g_free (closure);

  g_application_release (G_APPLICATION (self));
  maybe_finish_quit (self);
}

/**
 * cancel_demo_application_run_operation:
 * @self: the application
 * @kind: what to run
 * @scope: a new scope, a child of the root scope, not begun
 * @callback: called on the main context once @scope ended
 * @user_data: data for @callback
 *
 * Runs an operation (see cancel_demo_operation_run()) and keeps the
 * application alive until it has ended.
 */
void
cancel_demo_application_run_operation (CancelDemoApplication *self,
                                       CancelDemoKind         kind,
                                       CancelScope           *scope,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  OperationClosure *closure;

  g_return_if_fail (CANCEL_DEMO_IS_APPLICATION (self));
  g_return_if_fail (self->workspace != NULL);
  g_return_if_fail (!self->finished);

  closure = g_new0 (OperationClosure, 1);
  closure->self = g_object_ref (self);
  closure->callback = callback;
  closure->user_data = user_data;

  g_application_hold (G_APPLICATION (self));
  self->n_running++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);

  cancel_demo_operation_run (self->workspace, kind, scope, operation_done, closure);
}
