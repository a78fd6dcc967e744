/* demo-test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "demo-test-util.h"
#include "../gtk/layout-test-util.h"

gboolean
demo_test_wake_up (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
demo_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  WAIT_UNTIL (g_get_monotonic_time () >= end);
}

void
demo_test_save_screenshot (GtkWidget  *window,
                           const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, name, NULL);

  /* Let layout and a frame happen with the latest state. */
  demo_test_spin (300);

  g_assert_cmpint (gtk_widget_get_width (window), >, 0);
  g_assert_cmpint (gtk_widget_get_height (window), >, 0);

  /* Right after a paint: from the main loop, a busy window (a redraw
   * queued by every other source) may never have a frame to take. */
  test_save_screenshot (window, path);
}

gboolean
demo_test_find_label (GtkWidget  *root,
                      const char *prefix)
{
  GtkWidget *child;

  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (root)), prefix))
    return TRUE;

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (demo_test_find_label (child, prefix))
      return TRUE;

  return FALSE;
}

/* Selects @scope in whichever list of the monitor shows it, as a click
 * would. */
gboolean
demo_test_select_in_monitor (GtkWidget   *root,
                             CancelScope *scope)
{
  GtkWidget *child;

  if (GTK_IS_COLUMN_VIEW (root) && gtk_column_view_get_model (GTK_COLUMN_VIEW (root)) != NULL)
    {
      GtkSelectionModel *model = gtk_column_view_get_model (GTK_COLUMN_VIEW (root));
      guint i, n = g_list_model_get_n_items (G_LIST_MODEL (model));

      for (i = 0; i < n; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);
          g_autoptr(GObject) row_item = NULL;

          if (GTK_IS_TREE_LIST_ROW (item))
            row_item = gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (item));
          else
            row_item = g_object_ref (item);

          if (row_item == G_OBJECT (scope))
            return gtk_selection_model_select_item (model, i, TRUE);
        }
    }

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (demo_test_select_in_monitor (child, scope))
      return TRUE;

  return FALSE;
}

void
demo_test_show_monitor_page (GtkWidget  *root,
                             const char *name)
{
  GtkWidget *child;

  if (GTK_IS_STACK (root) && gtk_stack_get_child_by_name (GTK_STACK (root), name) != NULL)
    gtk_stack_set_visible_child_name (GTK_STACK (root), name);

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    demo_test_show_monitor_page (child, name);
}
