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
  GtkWidget  parent_instance;

  GtkWidget *monitor;
  GWeakRef   object;
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
cancel_gtk_inspector_page_dispose (GObject *object)
{
  CancelGtkInspectorPage *self = CANCEL_GTK_INSPECTOR_PAGE (object);

  g_clear_pointer (&self->monitor, gtk_widget_unparent);

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

  self->monitor = cancel_gtk_monitor_new (NULL);
  gtk_widget_set_parent (self->monitor, GTK_WIDGET (self));
}
