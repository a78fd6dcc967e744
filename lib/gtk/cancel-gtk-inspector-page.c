/* cancel-gtk-inspector-page.c: the "Operations" page of GTK's Inspector
 *
 * GTK's Inspector builds one page per type registered at the
 * "gtk-inspector-page" extension point: it creates it with no properties,
 * reads its "title" for the tab, and sets "object" to whatever object is
 * selected in its object tree. The page shows the default registry, which
 * has nothing to do with that object, so "object" is only kept.
 *
 * The Inspector opens a display connection of its own and builds its
 * pages before moving its window there: nothing here may assume the
 * application's display (the monitor installs its style on realize).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-init-private.h"
#include "cancel-gtk-inspector-page-private.h"
#include "cancel-gtk-monitor.h"

struct _CancelGtkInspectorPage
{
  GtkWidget       parent_instance;

  /* "start" (how to begin, while the application has run no operation)
   * or "monitor", for good once one ran. */
  GtkWidget      *stack;
  GtkWidget      *monitor;
  CancelRegistry *registry;
  gulong          live_handler;
  gulong          history_handler;
  GWeakRef        object;
};

G_DEFINE_FINAL_TYPE (CancelGtkInspectorPage, cancel_gtk_inspector_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_OBJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cancel_gtk_inspector_page_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  CancelGtkInspectorPage *self = CANCEL_GTK_INSPECTOR_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, _("Operations"));
      break;

    case PROP_OBJECT:
      g_value_take_object (value, g_weak_ref_get (&self->object));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_inspector_page_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  CancelGtkInspectorPage *self = CANCEL_GTK_INSPECTOR_PAGE (object);
  g_autoptr(GObject) old = NULL;

  switch (prop_id)
    {
    case PROP_OBJECT:
      old = g_weak_ref_get (&self->object);
      if (old != g_value_get_object (value))
        {
          g_weak_ref_set (&self->object, g_value_get_object (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
disconnect_registry (CancelGtkInspectorPage *self)
{
  if (self->registry == NULL)
    return;

  g_clear_signal_handler (&self->live_handler, self->registry);
  g_clear_signal_handler (&self->history_handler, cancel_registry_get_history (self->registry));
  g_clear_object (&self->registry);
}

/* The registry counts what ever finished: an application that used the
 * library before the Inspector opened shows its monitor at once. */
static void
update_page (CancelGtkInspectorPage *self)
{
  g_autoptr(CancelRegistryStats) stats = NULL;
  gboolean used;

  if (self->registry == NULL)
    return;

  stats = cancel_registry_get_stats (self->registry);
  used = g_list_model_get_n_items (G_LIST_MODEL (self->registry)) > 0 ||
         g_list_model_get_n_items (cancel_registry_get_history (self->registry)) > 0 ||
         cancel_registry_stats_get_total_finished (stats) > 0;
  if (!used)
    return;

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "monitor");
  disconnect_registry (self);
}

static GtkWidget *
build_start_page (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (_("No Cancelable Operations Yet"));
  GtkWidget *text = gtk_label_new (_("This application has not run an operation of the cancelable "
                                     "library. Operations appear here as soon as one begins, for "
                                     "example with:"));
  GtkWidget *code = gtk_label_new ("CancelScope *scope =\n"
                                   "  cancel_scope_new (\"Download\");\n"
                                   "cancel_scope_begin (scope);");
  GtkWidget *module = gtk_label_new (_("To add this page to an application that does not link the "
                                       "library, start it with GTK_PATH set to the folder that "
                                       "holds the library’s Inspector module (…/gtk-4.0)."));
  GtkWidget *labels[] = { title, text, code, module };
  guint i;

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_add_css_class (title, "title-2");
  gtk_widget_add_css_class (code, "monospace");

  for (i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_wrap (GTK_LABEL (labels[i]), labels[i] != code);
      gtk_label_set_max_width_chars (GTK_LABEL (labels[i]), 60);
      gtk_label_set_justify (GTK_LABEL (labels[i]), GTK_JUSTIFY_CENTER);
      gtk_box_append (GTK_BOX (box), labels[i]);
    }

  /* Code to copy, left-aligned as code is; not focusable, or the page
   * would open with it all selected, and not a Tab target either (GTK
   * 4.8's selectable label claims Tab without taking the focus). */
  gtk_label_set_selectable (GTK_LABEL (code), TRUE);
  gtk_label_set_justify (GTK_LABEL (code), GTK_JUSTIFY_LEFT);
  gtk_widget_set_focusable (code, FALSE);
  gtk_widget_set_can_focus (code, FALSE);

  return box;
}

static void
cancel_gtk_inspector_page_dispose (GObject *object)
{
  CancelGtkInspectorPage *self = CANCEL_GTK_INSPECTOR_PAGE (object);

  disconnect_registry (self);
  self->monitor = NULL;
  g_clear_pointer (&self->stack, gtk_widget_unparent);

  G_OBJECT_CLASS (cancel_gtk_inspector_page_parent_class)->dispose (object);
}

static void
cancel_gtk_inspector_page_finalize (GObject *object)
{
  CancelGtkInspectorPage *self = CANCEL_GTK_INSPECTOR_PAGE (object);

  g_weak_ref_clear (&self->object);

  G_OBJECT_CLASS (cancel_gtk_inspector_page_parent_class)->finalize (object);
}

static void
cancel_gtk_inspector_page_class_init (CancelGtkInspectorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  _cancel_gtk_i18n_init ();

  object_class->get_property = cancel_gtk_inspector_page_get_property;
  object_class->set_property = cancel_gtk_inspector_page_set_property;
  object_class->dispose = cancel_gtk_inspector_page_dispose;
  object_class->finalize = cancel_gtk_inspector_page_finalize;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_OBJECT] =
    g_param_spec_object ("object", NULL, NULL,
                         G_TYPE_OBJECT,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cancelinspectorpage");
}

static void
cancel_gtk_inspector_page_init (CancelGtkInspectorPage *self)
{
  g_weak_ref_init (&self->object, NULL);

  self->stack = gtk_stack_new ();
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));
  gtk_stack_add_named (GTK_STACK (self->stack), build_start_page (), "start");
  self->monitor = cancel_gtk_monitor_new (NULL);
  gtk_stack_add_named (GTK_STACK (self->stack), self->monitor, "monitor");

  self->registry = g_object_ref (cancel_gtk_monitor_get_registry (CANCEL_GTK_MONITOR (self->monitor)));
  self->live_handler = g_signal_connect_swapped (self->registry, "items-changed",
                                                 G_CALLBACK (update_page), self);
  self->history_handler = g_signal_connect_swapped (cancel_registry_get_history (self->registry), "items-changed",
                                                    G_CALLBACK (update_page), self);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "start");
  update_page (self);
}
