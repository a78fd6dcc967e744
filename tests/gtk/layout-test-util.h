/* layout-test-util.h: screenshots at a size and colour scheme, and the
 * layout facts a picture shows, for the monitor's and the demo's tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "gtk-test-util.h"

typedef struct
{
  int         width;
  int         height;
} TestSize;

/* The sizes the issue names: a phone, a small laptop window, a desktop. */
static const TestSize test_layout_sizes[] = {
  { 1280, 800 },
  { 800, 600 },
  { 360, 640 },
};

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} TestResize;

/* The surface's size: a window with client-side decorations has a
 * resize border around its widget (libadwaita's, without a compositor). */
static inline gboolean
test_window_has_size (gpointer data)
{
  TestResize *resize = data;
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (resize->window));

  return surface != NULL &&
         gdk_surface_get_width (surface) == resize->width &&
         gdk_surface_get_height (surface) == resize->height;
}

/* Resizes a shown window and waits until it is laid out at that size. */
static inline void
test_resize_window (GtkWidget *window,
                    int        width,
                    int        height)
{
  TestResize resize = { window, width, height };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  test_wait_for (test_window_has_size, &resize, "the window's new size");
  test_run_for (300);
}

typedef struct
{
  GtkWidget     *window;
  GskRenderNode *node;
  GdkPaintable  *paintable;  /* the fallback's */
} TestCapture;

/* The fallback: whatever frame the paintable holds, from the main loop. */
static inline gboolean
test_capture_from_loop (gpointer data)
{
  TestCapture *capture = data;
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (capture->paintable, snapshot,
                          gtk_widget_get_width (capture->window), gtk_widget_get_height (capture->window));
  capture->node = gtk_snapshot_free_to_node (snapshot);

  return capture->node != NULL;
}

/* The frame as it was painted: taken right after the paint, before a
 * timer changes a cell (a snapshot then would skip the rows queued for a
 * new allocation). */
static inline void
test_after_paint (GdkFrameClock *clock,
                  TestCapture   *capture)
{
  GdkPaintable *paintable;
  GtkSnapshot *snapshot;

  if (capture->node != NULL)
    return;

  paintable = gtk_widget_paintable_new (capture->window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (capture->window), gtk_widget_get_height (capture->window));
  capture->node = gtk_snapshot_free_to_node (snapshot);
  g_object_unref (paintable);
  /* Nothing drawn yet (a frame still pending): take the next one. */
  if (capture->node == NULL)
    gtk_widget_queue_draw (capture->window);
}

static inline gboolean
test_captured (gpointer data)
{
  return ((TestCapture *) data)->node != NULL;
}

static inline void
test_save_screenshot (GtkWidget  *window,
                      const char *path)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  TestCapture capture = { window, NULL, NULL };
  GdkTexture *texture;
  gulong handler;

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (test_after_paint), &capture);
  gtk_widget_queue_draw (window);
  test_wait_for_at_most (test_captured, &capture, 5000);
  g_signal_handler_disconnect (clock, handler);

  /* Under AddressSanitizer the paintable has sometimes had no frame for
   * us in after-paint for half a minute: then the frame it has, from the
   * main loop, as the tests did before. */
  if (capture.node == NULL)
    {
      GdkPaintable *paintable = gtk_widget_paintable_new (window);

      capture.paintable = paintable;
      test_wait_for (test_capture_from_loop, &capture, "a frame of the window");
      g_object_unref (paintable);
    }

  texture = gsk_renderer_render_texture (renderer, capture.node,
                                         &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (window),
                                                              gtk_widget_get_height (window)));
  gsk_render_node_unref (capture.node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %d×%d screenshot to %s", gtk_widget_get_width (window), gtk_widget_get_height (window), path);
  g_object_unref (texture);
}

/* $G_TEST_BUILDDIR/<prefix>-<width>x<height>-<scheme>.png */
static inline char *
test_screenshot_path (const char *prefix,
                      int         width,
                      int         height,
                      gboolean    dark)
{
  g_autofree char *name = g_strdup_printf ("%s-%dx%d-%s.png", prefix, width, height, dark ? "dark" : "light");
  const char *dir = g_getenv ("G_TEST_BUILDDIR");

  return g_build_filename (dir != NULL ? dir : ".", name, NULL);
}

/* Whether @widget is inside one of @skip's types (cells that show their
 * whole text in a tooltip may ellipsize it). */
static inline gboolean
test_inside_any (GtkWidget   *widget,
                 const GType *skip)
{
  for (; skip != NULL && *skip != G_TYPE_INVALID; skip++)
    if (gtk_widget_get_ancestor (widget, *skip) != NULL)
      return TRUE;

  return FALSE;
}

static inline gboolean
test_has_tooltip (GtkWidget *widget)
{
  guint i;

  for (i = 0; widget != NULL && i < 3; i++, widget = gtk_widget_get_parent (widget))
    if (gtk_widget_get_has_tooltip (widget))
      return TRUE;

  return FALSE;
}

/* Fails when a mapped label under @root shows "…" (outside @skip; with
 * @tooltips_allowed, a label whose tooltip shows the whole text may). */
static inline void
test_assert_no_ellipsized_label (GtkWidget   *root,
                                 const GType *skip,
                                 gboolean     tooltips_allowed)
{
  GPtrArray *labels = test_find_descendants (root, GTK_TYPE_LABEL);
  guint i;

  for (i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (!gtk_widget_get_mapped (GTK_WIDGET (label)) || test_inside_any (GTK_WIDGET (label), skip))
        continue;
      if (gtk_label_get_ellipsize (label) == PANGO_ELLIPSIZE_NONE)
        continue;
      if (tooltips_allowed && test_has_tooltip (GTK_WIDGET (label)))
        continue;

      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        g_error ("The label “%s” (in a %s) is ellipsized at %d×%d",
                 gtk_label_get_text (label),
                 G_OBJECT_TYPE_NAME (gtk_widget_get_parent (GTK_WIDGET (label))),
                 gtk_widget_get_width (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (label)))),
                 gtk_widget_get_height (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (label)))));
    }

  g_ptr_array_unref (labels);
}

/* Whether @widget lies wholly inside @area, in @area's coordinates. */
static inline gboolean
test_widget_inside (GtkWidget *widget,
                    GtkWidget *area)
{
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_compute_bounds (widget, area, &bounds))
    return FALSE;

  return bounds.origin.x >= 0 && bounds.origin.y >= 0 &&
         bounds.origin.x + bounds.size.width <= gtk_widget_get_width (area) + 0.5 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (area) + 0.5;
}

static inline int
test_minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}
