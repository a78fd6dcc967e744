/* cancel-demo-launcher-row.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-demo-launcher-row.h"

/* A launcher: what it does, its timeout, a start button (win.launch with
 * the kind's nick), and the state of the latest operation it started. Its
 * cancel button uses the per-operation GAction the window made with
 * cancel_scope_create_action(): enabled while that operation runs. */
struct _CancelDemoLauncherRow
{
  GtkListBoxRow   parent_instance;

  GtkImage       *icon;
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  GtkMenuButton  *timeout_button;
  AdwButtonContent *timeout_content;
  GtkSpinButton  *timeout_spin;
  GtkButton      *start_button;
  GtkButton      *cancel_button;

  CancelDemoKind  kind;
  CancelScope    *scope;
};

enum {
  PROP_0,
  PROP_KIND,
  PROP_TIMEOUT,
  PROP_SCOPE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CancelDemoLauncherRow, cancel_demo_launcher_row, GTK_TYPE_LIST_BOX_ROW)

static const char * const status_classes[] = { "success", "warning", "error" };

static void
set_status (CancelDemoLauncherRow *self,
            const char            *text,
            const char            *css_class)
{
  guint i;

  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);

  for (i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), status_classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
}

static void
scope_started (CancelDemoLauncherRow *self,
               CancelScope           *scope)
{
  set_status (self, cancel_status_get_display_name (cancel_scope_get_status (scope)), NULL);
}

static void
scope_progress (CancelDemoLauncherRow *self,
                double                 fraction,
                const char            *message,
                CancelScope           *scope)
{
  g_autofree char *percent = NULL;
  g_autofree char *text = NULL;

  if (cancel_status_is_final (cancel_scope_get_status (scope)))
    return;

  if (fraction < 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      percent = g_strdup (cancel_status_get_display_name (cancel_scope_get_status (scope)));
    }
  else
    {
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      /* Translators: a percentage, e.g. "42 %" */
      percent = g_strdup_printf (_("%d %%"), (int) (fraction * 100));
    }

  if (message != NULL && *message != '\0')
    /* Translators: progress and what is being done, e.g. "42 % · File 3 of 8" */
    text = g_strdup_printf (_("%s · %s"), percent, message);
  else
    text = g_steal_pointer (&percent);

  set_status (self, text, NULL);
}

/* The progress an operation made when it ended. Always given as a
 * fraction: a bar left pulsing (the progress was unknown) would make the
 * window draw every frame for as long as the demo runs. */
static void
show_final_progress (CancelDemoLauncherRow *self,
                     CancelScope           *scope)
{
  gtk_progress_bar_set_fraction (self->progress_bar, MAX (cancel_scope_get_progress (scope), 0.0));
}

static void
scope_finished (CancelDemoLauncherRow *self,
                CancelStatus           status,
                CancelScope           *scope)
{
  gint64 duration = cancel_scope_get_end_time (scope) - cancel_scope_get_start_time (scope);
  g_autofree char *seconds = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *css_class = NULL;

  switch (status)
    {
    case CANCEL_STATUS_COMPLETED:
      detail = cancel_scope_dup_progress_message (scope);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      css_class = "success";
      break;

    case CANCEL_STATUS_CANCELLED:
    case CANCEL_STATUS_TIMED_OUT:
      detail = g_strdup (cancel_scope_get_message (scope));
      show_final_progress (self, scope);
      css_class = "warning";
      break;

    case CANCEL_STATUS_FAILED:
      error = cancel_scope_dup_error (scope);
      detail = g_strdup (error != NULL ? error->message : NULL);
      show_final_progress (self, scope);
      css_class = "error";
      break;

    case CANCEL_STATUS_PENDING:
    case CANCEL_STATUS_RUNNING:
    case CANCEL_STATUS_SHIELDED:
    default:
      g_return_if_reached ();
    }

  /* Translators: a duration in seconds, e.g. "2.5 s" */
  seconds = g_strdup_printf (_("%.1f s"), duration / (double) G_USEC_PER_SEC);
  if (detail != NULL)
    /* Translators: final status, duration and detail, e.g.
     * "Timed out · 2.0 s · Timed out after 2 s" */
    text = g_strdup_printf (_("%s · %s · %s"),
                            cancel_status_get_display_name (status), seconds, detail);
  else
    /* Translators: final status and duration, e.g. "Completed · 2.0 s" */
    text = g_strdup_printf (_("%s · %s"), cancel_status_get_display_name (status), seconds);

  set_status (self, text, css_class);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel_button), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
}

static void
update_timeout_label (CancelDemoLauncherRow *self)
{
  double timeout = gtk_spin_button_get_value (self->timeout_spin);
  g_autofree char *label = NULL;
  g_autofree char *accessible = NULL;

  if (timeout == 0)
    /* Translators: the timeout of a launcher when it has none */
    label = g_strdup (C_("timeout", "None"));
  else
    label = g_strdup_printf (_("%.1f s"), timeout);

  adw_button_content_set_label (self->timeout_content, label);

  /* Translators: a launcher's title, then its timeout, e.g. "2.5 s" or "None" */
  accessible = g_strdup_printf (_("Timeout of “%s”: %s"),
                                cancel_demo_kind_get_title (self->kind), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->timeout_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
timeout_changed (CancelDemoLauncherRow *self)
{
  update_timeout_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

static void
cancel_demo_launcher_row_constructed (GObject *object)
{
  CancelDemoLauncherRow *self = (CancelDemoLauncherRow *)object;
  const char *title = cancel_demo_kind_get_title (self->kind);
  g_autofree char *start_label = NULL;
  g_autofree char *cancel_label = NULL;

  G_OBJECT_CLASS (cancel_demo_launcher_row_parent_class)->constructed (object);

  gtk_image_set_from_icon_name (self->icon, cancel_demo_kind_get_icon_name (self->kind));
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, cancel_demo_kind_get_description (self->kind));

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->start_button), "s",
                                    cancel_demo_kind_to_string (self->kind));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->start_button), "win.launch");

  /* Translators: %s is a launcher's title, e.g. "Hash a Large File" */
  start_label = g_strdup_printf (_("Start “%s”"), title);
  /* Translators: %s is a launcher's title, e.g. "Hash a Large File" */
  cancel_label = g_strdup_printf (_("Cancel the latest “%s”"), title);

  /* Icon-only buttons: the accessible name says what they act on. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), _("Start"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel_button), _("Cancel"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->start_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, start_label,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cancel_label,
                                  -1);
  update_timeout_label (self);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->title_label, NULL,
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->subtitle_label, NULL,
                                  -1);
}

static void
cancel_demo_launcher_row_dispose (GObject *object)
{
  CancelDemoLauncherRow *self = (CancelDemoLauncherRow *)object;

  if (self->scope != NULL)
    g_signal_handlers_disconnect_by_data (self->scope, self);
  g_clear_object (&self->scope);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANCEL_DEMO_TYPE_LAUNCHER_ROW);

  G_OBJECT_CLASS (cancel_demo_launcher_row_parent_class)->dispose (object);
}

static void
cancel_demo_launcher_row_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CancelDemoLauncherRow *self = CANCEL_DEMO_LAUNCHER_ROW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_TIMEOUT:
      g_value_set_double (value, cancel_demo_launcher_row_get_timeout (self));
      break;
    case PROP_SCOPE:
      g_value_set_object (value, self->scope);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_demo_launcher_row_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  CancelDemoLauncherRow *self = CANCEL_DEMO_LAUNCHER_ROW (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_TIMEOUT:
      cancel_demo_launcher_row_set_timeout (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_demo_launcher_row_class_init (CancelDemoLauncherRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cancel_demo_launcher_row_constructed;
  object_class->dispose = cancel_demo_launcher_row_dispose;
  object_class->get_property = cancel_demo_launcher_row_get_property;
  object_class->set_property = cancel_demo_launcher_row_set_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       CANCEL_DEMO_TYPE_KIND, CANCEL_DEMO_KIND_HASH,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0, 3600, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SCOPE] =
    g_param_spec_object ("scope", NULL, NULL,
                         CANCEL_TYPE_SCOPE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/gnome/Cancelable/Demo/cancel-demo-launcher-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, icon);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, timeout_button);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, timeout_content);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, start_button);
  gtk_widget_class_bind_template_child (widget_class, CancelDemoLauncherRow, cancel_button);
}

static void
cancel_demo_launcher_row_init (CancelDemoLauncherRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->timeout_spin, "value-changed",
                           G_CALLBACK (timeout_changed), self, G_CONNECT_SWAPPED);
}

GtkWidget *
cancel_demo_launcher_row_new (CancelDemoKind kind)
{
  return g_object_new (CANCEL_DEMO_TYPE_LAUNCHER_ROW, "kind", kind, NULL);
}

CancelDemoKind
cancel_demo_launcher_row_get_kind (CancelDemoLauncherRow *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_LAUNCHER_ROW (self), 0);

  return self->kind;
}

/**
 * cancel_demo_launcher_row_get_timeout:
 * @self: a launcher row
 *
 * Returns: the timeout the user chose, in seconds; 0 for none
 */
double
cancel_demo_launcher_row_get_timeout (CancelDemoLauncherRow *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_LAUNCHER_ROW (self), 0);

  return gtk_spin_button_get_value (self->timeout_spin);
}

void
cancel_demo_launcher_row_set_timeout (CancelDemoLauncherRow *self,
                                      double                 timeout)
{
  g_return_if_fail (CANCEL_DEMO_IS_LAUNCHER_ROW (self));

  /* The spin button notifies through value-changed if it changes. */
  gtk_spin_button_set_value (self->timeout_spin, timeout);
}

/**
 * cancel_demo_launcher_row_get_scope:
 * @self: a launcher row
 *
 * Returns: (transfer none) (nullable): the latest operation it started
 */
CancelScope *
cancel_demo_launcher_row_get_scope (CancelDemoLauncherRow *self)
{
  g_return_val_if_fail (CANCEL_DEMO_IS_LAUNCHER_ROW (self), NULL);

  return self->scope;
}

/**
 * cancel_demo_launcher_row_track:
 * @self: a launcher row
 * @scope: the operation the launcher just made, not begun yet
 * @cancel_action_name: the detailed name of the GAction that cancels it
 *
 * Shows @scope's progress and outcome from now on, and lets the cancel
 * button activate @cancel_action_name.
 */
void
cancel_demo_launcher_row_track (CancelDemoLauncherRow *self,
                                CancelScope           *scope,
                                const char            *cancel_action_name)
{
  g_return_if_fail (CANCEL_DEMO_IS_LAUNCHER_ROW (self));
  g_return_if_fail (CANCEL_IS_SCOPE (scope));
  g_return_if_fail (cancel_action_name != NULL);

  if (self->scope == scope)
    return;

  if (self->scope != NULL)
    g_signal_handlers_disconnect_by_data (self->scope, self);
  g_set_object (&self->scope, scope);

  /* The scope emits these on its owner context, this thread's. */
  g_signal_connect_object (scope, "started", G_CALLBACK (scope_started), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scope, "progress", G_CALLBACK (scope_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scope, "finished", G_CALLBACK (scope_finished), self, G_CONNECT_SWAPPED);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  set_status (self, _("Starting…"), NULL);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel_button), cancel_action_name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPE]);
}
