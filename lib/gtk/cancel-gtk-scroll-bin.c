/* cancel-gtk-scroll-bin.c: a scrolled list whose height is answered
 * without measuring its rows
 *
 * A GtkScrolledWindow measures its child whenever it is measured, even
 * where the result cannot matter: with a vertical scroll bar and no
 * natural height propagated, its height is its scroll bar's, its minimum
 * content height and its CSS, whatever the rows. In GTK 4.8 a list view
 * measures each of the ~200 rows it keeps, and the window measures itself
 * from the top whenever anything queued a resize; under churn a row is
 * built or dropped every frame, each one queues a resize of every cell
 * of its column, and the whole list was measured twice a frame: for the
 * window's size (here) and for the scrolled window's allocation (still
 * done, since its scroll bars need it).
 *
 * This bin passes the width through and answers the height the scrolled
 * window gave when last asked: when the bin was mapped, its child set, or
 * the border of the scrolled content changed (a column view's header is
 * that border, and has no height until first allocated). Nothing else
 * that height depends on changes while it is shown, except a theme whose
 * scroll bars have another minimum height: seen at the next map.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-gtk-scroll-bin-private.h"

struct _CancelGtkScrollBin
{
  GtkWidget  parent_instance;

  GtkWidget *child;
  gboolean   height_known;
  GtkBorder  border;      /* the content's, when the height was known */
  int        min_height;
  int        nat_height;
  guint      n_height_measures;
};

G_DEFINE_FINAL_TYPE (CancelGtkScrollBin, cancel_gtk_scroll_bin, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_child (CancelGtkScrollBin *self,
           GtkWidget          *child)
{
  g_return_if_fail (child == NULL || GTK_IS_SCROLLED_WINDOW (child));

  if (self->child == child)
    return;

  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  self->height_known = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}

static void
cancel_gtk_scroll_bin_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (widget);
  GtkWidget *content;
  GtkBorder border = { 0, };

  *minimum = *natural = 0;
  if (self->child == NULL || !gtk_widget_get_visible (self->child))
    return;

  /* The width: the scrolled window's allocation measures its child's
   * width anyway, so this one is taken from GTK's cache. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      gtk_widget_measure (self->child, orientation, for_size, minimum, natural, NULL, NULL);
      return;
    }

  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->child));
  if (content != NULL && GTK_IS_SCROLLABLE (content))
    gtk_scrollable_get_border (GTK_SCROLLABLE (content), &border);

  if (!self->height_known || memcmp (&border, &self->border, sizeof border) != 0)
    {
      gtk_widget_measure (self->child, orientation, -1, &self->min_height, &self->nat_height,
                          NULL, NULL);
      self->height_known = TRUE;
      self->border = border;
      self->n_height_measures++;
    }
  *minimum = self->min_height;
  *natural = self->nat_height;
}

static void
cancel_gtk_scroll_bin_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (widget);

  if (self->child != NULL && gtk_widget_get_visible (self->child))
    gtk_widget_allocate (self->child, width, height, -1, NULL);
}

static void
cancel_gtk_scroll_bin_map (GtkWidget *widget)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (widget);

  /* A theme changed while hidden is seen here. */
  if (self->height_known)
    {
      self->height_known = FALSE;
      gtk_widget_queue_resize (widget);
    }
  GTK_WIDGET_CLASS (cancel_gtk_scroll_bin_parent_class)->map (widget);
}

static void
cancel_gtk_scroll_bin_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_scroll_bin_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_scroll_bin_dispose (GObject *object)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);

  G_OBJECT_CLASS (cancel_gtk_scroll_bin_parent_class)->dispose (object);
}

static void
cancel_gtk_scroll_bin_class_init (CancelGtkScrollBinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cancel_gtk_scroll_bin_get_property;
  object_class->set_property = cancel_gtk_scroll_bin_set_property;
  object_class->dispose = cancel_gtk_scroll_bin_dispose;

  widget_class->measure = cancel_gtk_scroll_bin_measure;
  widget_class->size_allocate = cancel_gtk_scroll_bin_size_allocate;
  widget_class->map = cancel_gtk_scroll_bin_map;

  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
cancel_gtk_scroll_bin_init (CancelGtkScrollBin *self)
{
}

guint
_cancel_gtk_scroll_bin_get_n_height_measures (CancelGtkScrollBin *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_SCROLL_BIN (self), 0);

  return self->n_height_measures;
}
