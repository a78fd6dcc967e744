/* cancel-gtk-split.c: the monitor's lists beside their details, or above
 * them when narrow
 *
 * GTK 4.8 has no breakpoints and the monitor cannot use libadwaita, so
 * the switch is made where the width is known: in size_allocate. Wide
 * (FOLD_WIDTH and more), the side pane sits at the end, SIDE_WIDTH wide;
 * narrow, it sits below the content. Either way only while revealed and
 * not empty (the monitor says when nothing is selected). The minimum
 * width is the content's: a monitor fits a 360 px phone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-split-private.h"

#define FOLD_WIDTH 720
#define SIDE_WIDTH 320

struct _CancelGtkSplit
{
  GtkWidget  parent_instance;

  GtkWidget *content;
  GtkWidget *side;
  gboolean   reveal_side;
  gboolean   side_empty;
  gboolean   folded;
};

G_DEFINE_FINAL_TYPE (CancelGtkSplit, cancel_gtk_split, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTENT,
  PROP_SIDE,
  PROP_REVEAL_SIDE,
  PROP_FOLDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_child (CancelGtkSplit *self,
           GtkWidget     **slot,
           GtkWidget      *child,
           GParamSpec     *pspec)
{
  if (*slot == child)
    return;

  g_clear_pointer (slot, gtk_widget_unparent);
  if (child != NULL)
    {
      *slot = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }

  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* An empty pane ("Select an operation") is not worth its room. */
static gboolean
side_shown (CancelGtkSplit *self)
{
  return self->side != NULL && self->reveal_side && !self->side_empty;
}

static void
cancel_gtk_split_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  CancelGtkSplit *self = CANCEL_GTK_SPLIT (widget);
  int content_min = 0, content_nat = 0, side_min = 0, side_nat = 0;

  if (self->content != NULL)
    gtk_widget_measure (self->content, orientation, -1, &content_min, &content_nat, NULL, NULL);
  if (self->side != NULL)
    gtk_widget_measure (self->side, orientation, -1, &side_min, &side_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Folded, the side pane is no wider than the content. */
      *minimum = content_min;
      *natural = MAX (content_nat + (side_shown (self) ? SIDE_WIDTH : 0), FOLD_WIDTH);
    }
  else
    {
      *minimum = MAX (content_min, side_shown (self) ? side_min : 0);
      *natural = MAX (content_nat, side_nat);
    }
}

static void
cancel_gtk_split_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  CancelGtkSplit *self = CANCEL_GTK_SPLIT (widget);
  gboolean folded = width < FOLD_WIDTH;
  gboolean shown = side_shown (self);
  int side_size = 0;

  if (self->side != NULL)
    {
      int side_min = 0;

      gtk_widget_set_child_visible (self->side, shown);
      if (shown && !folded)
        {
          gtk_widget_measure (self->side, GTK_ORIENTATION_HORIZONTAL, height, &side_min, NULL, NULL, NULL);
          side_size = MAX (MIN (SIDE_WIDTH, width / 2), side_min);
          gtk_widget_allocate (self->side, side_size, height, -1,
                               gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (width - side_size, 0)));
        }
      else if (shown)
        {
          /* Below the list, at most half the height: the rows stay in
           * sight with the details of the selected one. */
          gtk_widget_measure (self->side, GTK_ORIENTATION_VERTICAL, width, &side_min, NULL, NULL, NULL);
          side_size = MIN (MAX (height * 2 / 5, side_min), height);
          gtk_widget_allocate (self->side, width, side_size, -1,
                               gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, height - side_size)));
        }
    }

  if (self->content != NULL)
    {
      int content_min = 0;

      if (folded)
        gtk_widget_measure (self->content, GTK_ORIENTATION_VERTICAL, width, &content_min, NULL, NULL, NULL);
      /* A window too short for both: the side pane overlaps the content. */
      if (folded)
        gtk_widget_allocate (self->content, width, MAX (height - side_size, content_min), -1, NULL);
      else
        gtk_widget_allocate (self->content, MAX (width - side_size, 0), height, -1, NULL);
    }

  if (self->folded != folded)
    {
      self->folded = folded;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
    }
}

static void
cancel_gtk_split_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CancelGtkSplit *self = CANCEL_GTK_SPLIT (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      g_value_set_object (value, self->content);
      break;

    case PROP_SIDE:
      g_value_set_object (value, self->side);
      break;

    case PROP_REVEAL_SIDE:
      g_value_set_boolean (value, self->reveal_side);
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_split_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CancelGtkSplit *self = CANCEL_GTK_SPLIT (object);

  switch (prop_id)
    {
    case PROP_CONTENT:
      set_child (self, &self->content, g_value_get_object (value), pspec);
      break;

    case PROP_SIDE:
      set_child (self, &self->side, g_value_get_object (value), pspec);
      break;

    case PROP_REVEAL_SIDE:
      if (self->reveal_side != g_value_get_boolean (value))
        {
          self->reveal_side = g_value_get_boolean (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_split_dispose (GObject *object)
{
  CancelGtkSplit *self = CANCEL_GTK_SPLIT (object);

  g_clear_pointer (&self->content, gtk_widget_unparent);
  g_clear_pointer (&self->side, gtk_widget_unparent);

  G_OBJECT_CLASS (cancel_gtk_split_parent_class)->dispose (object);
}

static void
cancel_gtk_split_class_init (CancelGtkSplitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cancel_gtk_split_get_property;
  object_class->set_property = cancel_gtk_split_set_property;
  object_class->dispose = cancel_gtk_split_dispose;

  widget_class->measure = cancel_gtk_split_measure;
  widget_class->size_allocate = cancel_gtk_split_size_allocate;

  properties[PROP_CONTENT] =
    g_param_spec_object ("content", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SIDE] =
    g_param_spec_object ("side", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REVEAL_SIDE] =
    g_param_spec_boolean ("reveal-side", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Notified from size_allocate: read it, do not resize from its handler. */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "cancelsplit");
}

static void
cancel_gtk_split_init (CancelGtkSplit *self)
{
  self->reveal_side = TRUE;
  self->side_empty = TRUE;
}

void
_cancel_gtk_split_set_side_empty (CancelGtkSplit *self,
                                  gboolean        empty)
{
  g_return_if_fail (CANCEL_GTK_IS_SPLIT (self));

  if (self->side_empty == !!empty)
    return;

  self->side_empty = !!empty;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gboolean
_cancel_gtk_split_get_folded (CancelGtkSplit *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_SPLIT (self), FALSE);

  return self->folded;
}
