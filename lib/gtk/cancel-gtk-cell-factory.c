/* cancel-gtk-cell-factory.c: the list item factories of the monitor's columns
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-cell-factory-private.h"
#include "cancel-gtk-cell-private.h"
#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-monitor.h"

/* Every column of the monitor's two views, by its id in
 * cancel-gtk-monitor.ui. GTK 4.8 builds a new row for every operation
 * that scrolls into view (it recycles no row), so a row's cost is paid
 * at the rate operations start and end: a GtkBuilderListItemFactory
 * parses its template and sets up two expression watches per cell, where
 * these factories make the cell and set its scope. */
static const struct {
  const char        *column;
  CancelGtkCellKind  kind;
  gboolean           tree;
} columns[] = {
  { "name_column",             CANCEL_GTK_CELL_NAME,      TRUE },
  { "status_column",           CANCEL_GTK_CELL_STATUS,    TRUE },
  { "reason_column",           CANCEL_GTK_CELL_REASON,    TRUE },
  { "progress_column",         CANCEL_GTK_CELL_PROGRESS,  TRUE },
  { "remaining_column",        CANCEL_GTK_CELL_REMAINING, TRUE },
  { "elapsed_column",          CANCEL_GTK_CELL_ELAPSED,   TRUE },
  { "cancel_column",           CANCEL_GTK_CELL_CANCEL,    TRUE },
  { "history_name_column",     CANCEL_GTK_CELL_NAME,      FALSE },
  { "history_status_column",   CANCEL_GTK_CELL_STATUS,    FALSE },
  { "history_reason_column",   CANCEL_GTK_CELL_REASON,    FALSE },
  { "history_duration_column", CANCEL_GTK_CELL_DURATION,  FALSE },
  { "history_message_column",  CANCEL_GTK_CELL_MESSAGE,   FALSE },
};

typedef struct
{
  CancelGtkCellKind kind;
  /* The live view's items are GtkTreeListRows (the name cell sits in a
   * GtkTreeExpander); the history's are the scopes themselves. */
  gboolean          tree;
} FactoryData;

static CancelGtkCell *
cell_of (GtkListItem *item,
         FactoryData *data)
{
  GtkWidget *child = gtk_list_item_get_child (item);

  if (data->tree && data->kind == CANCEL_GTK_CELL_NAME)
    child = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));

  return CANCEL_GTK_CELL (child);
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          FactoryData              *data)
{
  GtkWidget *cell = g_object_new (CANCEL_GTK_TYPE_CELL, "kind", data->kind, NULL);

  if (data->tree && data->kind == CANCEL_GTK_CELL_NAME)
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), cell);
      cell = expander;
    }

  gtk_list_item_set_child (item, cell);
}

/* GTK 4.8 unbinds and binds a row again whenever its position changes,
 * as every row below an operation that ends does: binding the scope the
 * cell already shows costs nothing, and the cell lets go of its scope
 * when the row is destroyed or bound to another one, not on "unbind". */
static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         FactoryData              *data)
{
  gpointer row = gtk_list_item_get_item (item);
  g_autoptr(CancelScope) scope = _cancel_gtk_live_tree_dup_row_scope (row);

  if (data->tree && data->kind == CANCEL_GTK_CELL_NAME)
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), row);

  _cancel_gtk_cell_set_scope (cell_of (item, data), scope);
}

static GtkListItemFactory *
cell_factory_new (CancelGtkCellKind kind,
                  gboolean          tree)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  FactoryData *data = g_new0 (FactoryData, 1);

  data->kind = kind;
  data->tree = tree;
  g_signal_connect_data (factory, "setup", G_CALLBACK (on_setup), data,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind), data);

  return factory;
}

void
_cancel_gtk_cell_factories_bind_template (GtkWidgetClass *widget_class)
{
  guint i;

  /* Found by name (gtk_widget_get_template_child()), with no field. */
  for (i = 0; i < G_N_ELEMENTS (columns); i++)
    gtk_widget_class_bind_template_child_full (widget_class, columns[i].column, FALSE, 0);
}

void
_cancel_gtk_cell_factories_install (GtkWidget *monitor)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GObject *column = gtk_widget_get_template_child (monitor, CANCEL_GTK_TYPE_MONITOR,
                                                       columns[i].column);
      g_autoptr(GtkListItemFactory) factory = cell_factory_new (columns[i].kind, columns[i].tree);

      gtk_column_view_column_set_factory (GTK_COLUMN_VIEW_COLUMN (column), factory);
    }
}
