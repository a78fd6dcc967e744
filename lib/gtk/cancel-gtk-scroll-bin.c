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
 * window gave when last asked, unless something that height depends on
 * changed since (HeightInputs, all cheap to read): the border of the
 * scrolled content (a column view's header, which has no height until
 * first allocated), the scroll bars' heights (a theme, a hover), the
 * scrolled window's margin, border and padding, and its properties (a
 * frame, content heights, policies, overlay scrolling). The frames in
 * which an overlay scroll bar fades in or out change its height, and
 * measure. Not covered: a CSS min-height or max-height given to the
 * scrolled window itself while it is shown (GTK keeps those to itself),
 * seen at the next map.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-gtk-scroll-bin-private.h"

/* What a scrolled window's height depends on, besides CSS sizes. */
typedef struct
{
  GtkBorder     content_border;
  GtkBorder     margin;
  GtkBorder     border;
  GtkBorder     padding;
  int           scrollbar_heights[4];  /* vertical, horizontal: min, nat */
  int           min_content_height;
  int           max_content_height;
  GtkPolicyType policies[2];
  gboolean      flags[3];              /* has frame, propagates, overlay */
} HeightInputs;

struct _CancelGtkScrollBin
{
  GtkWidget     parent_instance;

  GtkWidget    *child;
  gboolean      height_known;
  HeightInputs  inputs;   /* when the height was measured */
  int           min_height;
  int           nat_height;
  guint         n_height_measures;
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

/* GtkStyleContext's getters are the only public way to a widget's CSS
 * box in GTK 4.8 (deprecated from 4.10, hence the guard). */
static void
read_height_inputs (GtkScrolledWindow *scrolled,
                    HeightInputs      *inputs)
{
  GtkWidget *content = gtk_scrolled_window_get_child (scrolled);
  GtkStyleContext *style;

  memset (inputs, 0, sizeof *inputs);
  if (content != NULL && GTK_IS_SCROLLABLE (content))
    gtk_scrollable_get_border (GTK_SCROLLABLE (content), &inputs->content_border);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  style = gtk_widget_get_style_context (GTK_WIDGET (scrolled));
  gtk_style_context_get_margin (style, &inputs->margin);
  gtk_style_context_get_border (style, &inputs->border);
  gtk_style_context_get_padding (style, &inputs->padding);
  G_GNUC_END_IGNORE_DEPRECATIONS

  inputs->min_content_height = gtk_scrolled_window_get_min_content_height (scrolled);
  inputs->max_content_height = gtk_scrolled_window_get_max_content_height (scrolled);
  gtk_scrolled_window_get_policy (scrolled, &inputs->policies[0], &inputs->policies[1]);
  inputs->flags[0] = gtk_scrolled_window_get_has_frame (scrolled);
  inputs->flags[1] = gtk_scrolled_window_get_propagate_natural_height (scrolled);
  inputs->flags[2] = gtk_scrolled_window_get_overlay_scrolling (scrolled);

  /* The scroll bars that can count, as gtk_scrolled_window_measure()
   * counts them: the vertical one unless there is none, the horizontal
   * one only when always shown (an overlay indicator across changes its
   * height as it fades, and counts for nothing). GTK caches their sizes:
   * the rows do not resize them. */
  if (inputs->policies[1] != GTK_POLICY_NEVER && inputs->policies[1] != GTK_POLICY_EXTERNAL)
    gtk_widget_measure (gtk_scrolled_window_get_vscrollbar (scrolled), GTK_ORIENTATION_VERTICAL, -1,
                        &inputs->scrollbar_heights[0], &inputs->scrollbar_heights[1], NULL, NULL);
  if (inputs->policies[0] == GTK_POLICY_ALWAYS)
    gtk_widget_measure (gtk_scrolled_window_get_hscrollbar (scrolled), GTK_ORIENTATION_VERTICAL, -1,
                        &inputs->scrollbar_heights[2], &inputs->scrollbar_heights[3], NULL, NULL);
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
  HeightInputs inputs;

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

  read_height_inputs (GTK_SCROLLED_WINDOW (self->child), &inputs);
  /* Where the rows do count (no vertical scroll bar, or the natural
   * height propagated), always ask. */
  if (inputs.policies[1] == GTK_POLICY_NEVER || inputs.flags[1])
    self->height_known = FALSE;
  if (!self->height_known || memcmp (&inputs, &self->inputs, sizeof inputs) != 0)
    {
      gtk_widget_measure (self->child, orientation, -1, &self->min_height, &self->nat_height,
                          NULL, NULL);
      self->height_known = TRUE;
      memcpy (&self->inputs, &inputs, sizeof inputs);
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
cancel_gtk_scroll_bin_compute_expand (GtkWidget *widget,
                                      gboolean  *hexpand,
                                      gboolean  *vexpand)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (widget);

  *hexpand = self->child != NULL && gtk_widget_compute_expand (self->child, GTK_ORIENTATION_HORIZONTAL);
  *vexpand = self->child != NULL && gtk_widget_compute_expand (self->child, GTK_ORIENTATION_VERTICAL);
}

static void
cancel_gtk_scroll_bin_map (GtkWidget *widget)
{
  CancelGtkScrollBin *self = CANCEL_GTK_SCROLL_BIN (widget);

  /* What HeightInputs does not cover (a CSS min-height given to the
   * scrolled window) is seen when shown again. */
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
  widget_class->compute_expand = cancel_gtk_scroll_bin_compute_expand;

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
