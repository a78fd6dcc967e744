/* cancel-gtk-stats.c: the statistics strip of the monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-stats-private.h"
#include "cancel-gtk-style-private.h"

static const CancelStatus stat_statuses[] = {
  CANCEL_STATUS_RUNNING,
  CANCEL_STATUS_SHIELDED,
  CANCEL_STATUS_COMPLETED,
  CANCEL_STATUS_CANCELLED,
  CANCEL_STATUS_TIMED_OUT,
  CANCEL_STATUS_FAILED,
};

struct _CancelGtkStats
{
  GtkWidget  parent_instance;

  GtkWidget *status_values[G_N_ELEMENTS (stat_statuses)];
  GtkWidget *average_duration_value;
  GtkWidget *latency_value;
  /* What a compact strip hides: the captions (in the tooltips still) and
   * the durations. */
  GPtrArray *verbose;
  gboolean   compact;

  /* Template children */
  GtkFlowBox *box;
};

G_DEFINE_FINAL_TYPE (CancelGtkStats, cancel_gtk_stats, GTK_TYPE_WIDGET)

static void
set_text (GtkWidget  *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) != 0)
    gtk_label_set_label (GTK_LABEL (label), text);
}

static void
take_text (GtkWidget *label,
           char      *text)
{
  set_text (label, text);
  g_free (text);
}

/* The one place that reads a CancelRegistryStats. */
void
_cancel_gtk_stats_show (CancelGtkStats *self,
                        CancelRegistry *registry)
{
  g_autoptr(CancelRegistryStats) stats = NULL;
  guint64 cancelled;
  guint i;

  g_return_if_fail (CANCEL_GTK_IS_STATS (self));
  g_return_if_fail (CANCEL_IS_REGISTRY (registry));

  stats = cancel_registry_get_stats (registry);

  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    {
      CancelStatus status = stat_statuses[i];

      if (cancel_status_is_final (status))
        take_text (self->status_values[i],
                   _cancel_gtk_format_count (cancel_registry_stats_get_finished (stats, status)));
      else
        take_text (self->status_values[i],
                   _cancel_gtk_format_count (cancel_registry_stats_get_live (stats, status)));
    }

  if (cancel_registry_stats_get_total_finished (stats) > 0)
    take_text (self->average_duration_value,
               _cancel_gtk_format_duration (cancel_registry_stats_get_average_duration (stats)));
  else
    set_text (self->average_duration_value, "—");

  cancelled = cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED) +
              cancel_registry_stats_get_finished (stats, CANCEL_STATUS_TIMED_OUT);
  if (cancelled > 0)
    {
      g_autofree char *average = _cancel_gtk_format_duration (cancel_registry_stats_get_average_cancel_latency (stats));
      g_autofree char *max = _cancel_gtk_format_duration (cancel_registry_stats_get_max_cancel_latency (stats));

      /* Translators: an average and a maximum duration: "3 ms (max 12 ms)" */
      take_text (self->latency_value, g_strdup_printf (_("%s (max %s)"), average, max));
    }
  else
    set_text (self->latency_value, "—");
}

const char *
_cancel_gtk_stats_get_text (CancelGtkStats *self,
                            const char     *stat)
{
  guint i;

  g_return_val_if_fail (CANCEL_GTK_IS_STATS (self), NULL);

  if (g_str_equal (stat, "average-duration"))
    return gtk_label_get_label (GTK_LABEL (self->average_duration_value));
  if (g_str_equal (stat, "cancel-latency"))
    return gtk_label_get_label (GTK_LABEL (self->latency_value));

  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    if (g_str_equal (stat, cancel_status_to_string (stat_statuses[i])))
      return gtk_label_get_label (GTK_LABEL (self->status_values[i]));

  g_return_val_if_reached (NULL);
}

static GtkWidget *
add_stat (CancelGtkStats *self,
          const char     *swatch_class,
          const char     *caption,
          const char     *tooltip)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *value = gtk_label_new ("—");
  GtkWidget *label = gtk_label_new (caption);

  if (swatch_class != NULL)
    {
      GtkWidget *swatch = gtk_image_new ();

      gtk_widget_add_css_class (swatch, "swatch");
      gtk_widget_add_css_class (swatch, swatch_class);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), swatch);
    }

  gtk_widget_add_css_class (value, "stat-value");
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), label);
  g_ptr_array_add (self->verbose, label);
  /* Says what is counted: nested operations count, unlike an
   * application's own count of what it launched. */
  gtk_widget_set_tooltip_text (box, tooltip);
  gtk_flow_box_append (self->box, box);

  return value;
}

void
_cancel_gtk_stats_set_compact (CancelGtkStats *self,
                               gboolean        compact)
{
  guint i;

  g_return_if_fail (CANCEL_GTK_IS_STATS (self));

  if (self->compact == !!compact)
    return;

  self->compact = !!compact;
  for (i = 0; i < self->verbose->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->verbose, i), !compact);
}

static void
cancel_gtk_stats_dispose (GObject *object)
{
  CancelGtkStats *self = CANCEL_GTK_STATS (object);

  g_clear_pointer (&self->verbose, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), CANCEL_GTK_TYPE_STATS);

  G_OBJECT_CLASS (cancel_gtk_stats_parent_class)->dispose (object);
}

static void
cancel_gtk_stats_class_init (CancelGtkStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  _cancel_gtk_i18n_init ();

  object_class->dispose = cancel_gtk_stats_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/gnome/CancelGtk/cancel-gtk-stats.ui");
  gtk_widget_class_bind_template_child (widget_class, CancelGtkStats, box);
}

static void
cancel_gtk_stats_init (CancelGtkStats *self)
{
  guint i;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->verbose = g_ptr_array_new ();

  /* The swatches and captions come from the statuses: built here. */
  for (i = 0; i < G_N_ELEMENTS (stat_statuses); i++)
    {
      CancelGtkLook look = _cancel_gtk_look_for_status (stat_statuses[i], FALSE);

      self->status_values[i] = add_stat (self, _cancel_gtk_look_css_class (look),
                                         cancel_status_get_display_name (stat_statuses[i]),
                                         cancel_status_is_final (stat_statuses[i])
                                         ? _("Operations that ended so, nested ones included, since the start")
                                         : _("Operations running now, nested ones included"));
    }

  self->average_duration_value = add_stat (self, NULL, _("average duration"),
                                           _("Average duration of the finished operations"));
  self->latency_value = add_stat (self, NULL, _("cancel latency"),
                                  _("Time from a cancellation request to the operation’s end"));
  g_ptr_array_add (self->verbose, gtk_widget_get_ancestor (self->average_duration_value, GTK_TYPE_FLOW_BOX_CHILD));
  g_ptr_array_add (self->verbose, gtk_widget_get_ancestor (self->latency_value, GTK_TYPE_FLOW_BOX_CHILD));
}

GtkWidget *
_cancel_gtk_stats_new (void)
{
  return g_object_new (CANCEL_GTK_TYPE_STATS, NULL);
}
