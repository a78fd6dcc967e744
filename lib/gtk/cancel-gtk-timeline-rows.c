/* cancel-gtk-timeline-rows.c: which operations the timeline shows, in
 * which rows
 *
 * The timeline lays its rows out as the monitor's tree does: an
 * operation's children right under it. Only the newest operations of
 * each list are looked at (a frame must not cost more with 10,000 live
 * operations than with ten), then their ancestors are added so that a
 * child is never shown away from its parent.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-timeline-rows-private.h"

/* Operations looked at per list: a few times the rows asked for (their
 * children come among them), within these bounds. */
#define MIN_LOOKED_AT  32
#define MAX_LOOKED_AT  512
/* Live operations passed over (they began after the range) at most. */
#define MAX_SKIPPED    4096
/* The history is in the order operations were untracked, which threads
 * ending at once may swap: it is read past the range's start by this. */
#define END_SLACK      (G_USEC_PER_SEC)

typedef struct _Node Node;

struct _Node
{
  CancelScope *scope;
  gint64       start;
  gint64       end;         /* 0 while it runs */
  gboolean     has_parent;
  GPtrArray   *children;   /* of Node, not owned; NULL when none */
};

typedef struct
{
  CancelRegistry *registry;
  GHashTable     *nodes;   /* CancelScope → Node, owns both */
  GArray         *rows;
  guint           max_rows;
  guint           max_looked_at;
} Layout;

gint64
_cancel_gtk_timeline_scope_start (CancelScope *scope,
                                  gint64       now)
{
  gint64 start = cancel_scope_get_start_time (scope);

  return start > 0 ? start : now;
}

static void
node_free (gpointer data)
{
  Node *node = data;

  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

static int
compare_nodes (const Node *a,
               const Node *b)
{
  guint64 id_a, id_b;

  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;

  id_a = cancel_scope_get_id (a->scope);
  id_b = cancel_scope_get_id (b->scope);
  return id_a < id_b ? -1 : id_a > id_b ? 1 : 0;
}

static int
compare_oldest_first (gconstpointer a,
                      gconstpointer b)
{
  return compare_nodes (*(Node * const *) a, *(Node * const *) b);
}

/* Running operations first, in the order they began (as the monitor's
 * live tree lists them), then finished ones, the last to end first (as
 * its history does). */
static int
compare_roots (gconstpointer a,
               gconstpointer b)
{
  const Node *node_a = *(Node * const *) a;
  const Node *node_b = *(Node * const *) b;

  if ((node_a->end == 0) != (node_b->end == 0))
    return node_a->end == 0 ? -1 : 1;

  if (node_a->end == 0)
    return compare_nodes (node_a, node_b);

  if (node_a->end != node_b->end)
    return node_a->end > node_b->end ? -1 : 1;

  return compare_nodes (node_b, node_a);
}

/* Whether @parent has a row of its own: it began, in the same registry
 * (an operation of another registry is shown as a root). */
static gboolean
is_shown_parent (Layout      *layout,
                 CancelScope *parent)
{
  g_autoptr(CancelRegistry) registry = NULL;

  if (cancel_scope_get_start_time (parent) <= 0)
    return FALSE;

  registry = cancel_scope_dup_registry (parent);
  return registry == layout->registry;
}

static Node *
ensure_node (Layout      *layout,
             CancelScope *scope)
{
  g_autoptr(CancelScope) parent = NULL;
  Node *node = g_hash_table_lookup (layout->nodes, scope);
  Node *parent_node;

  if (node != NULL)
    return node;

  node = g_new0 (Node, 1);
  node->scope = g_object_ref (scope);
  node->start = _cancel_gtk_timeline_scope_start (scope, G_MAXINT64);
  node->end = cancel_scope_get_end_time (scope);
  g_hash_table_insert (layout->nodes, node->scope, node);

  /* Recursion as deep as the tree of operations. */
  parent = cancel_scope_dup_parent (scope);
  if (parent == NULL || !is_shown_parent (layout, parent))
    return node;

  parent_node = ensure_node (layout, parent);
  if (parent_node->children == NULL)
    parent_node->children = g_ptr_array_new ();
  g_ptr_array_add (parent_node->children, node);
  node->has_parent = TRUE;

  return node;
}

static void
add_live (Layout     *layout,
          GListModel *live,
          gint64      to)
{
  guint n = g_list_model_get_n_items (live);
  guint i, taken = 0, skipped = 0;

  for (i = n; i > 0 && taken < layout->max_looked_at && skipped < MAX_SKIPPED; i--)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (live, i - 1);

      /* Live ones reach now: only those that began after the range miss it. */
      if (_cancel_gtk_timeline_scope_start (scope, G_MAXINT64) > to)
        {
          skipped++;
          continue;
        }

      ensure_node (layout, scope);
      taken++;
    }
}

static void
add_history (Layout     *layout,
             GListModel *history,
             gint64      from,
             gint64      to)
{
  guint n = g_list_model_get_n_items (history);
  guint i, taken = 0;

  for (i = n; i > 0 && taken < layout->max_looked_at; i--)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (history, i - 1);
      gint64 end = cancel_scope_get_end_time (scope);

      if (end > 0 && end < from - END_SLACK)
        break;

      if (end < from || _cancel_gtk_timeline_scope_start (scope, end) > to)
        continue;

      ensure_node (layout, scope);
      taken++;
    }
}

static void
flatten (Layout    *layout,
         GPtrArray *nodes,
         guint      depth,
         guint      parent)
{
  guint i;

  for (i = 0; i < nodes->len && layout->rows->len < layout->max_rows; i++)
    {
      Node *node = g_ptr_array_index (nodes, i);
      CancelGtkTimelineRow row = { g_object_ref (node->scope), depth, parent };
      guint index = layout->rows->len;

      g_array_append_val (layout->rows, row);

      if (node->children != NULL)
        {
          g_ptr_array_sort (node->children, compare_oldest_first);
          flatten (layout, node->children, depth + 1, index);
        }
    }
}

static void
clear_row (gpointer data)
{
  CancelGtkTimelineRow *row = data;

  g_clear_object (&row->scope);
}

GArray *
_cancel_gtk_timeline_rows_collect (CancelRegistry *registry,
                                   GListModel     *history,
                                   gint64          from,
                                   gint64          to,
                                   guint           max_rows,
                                   guint          *n_rows)
{
  Layout layout = { registry, NULL, NULL, max_rows, CLAMP (4 * max_rows, MIN_LOOKED_AT, MAX_LOOKED_AT) };
  g_autoptr(GPtrArray) roots = NULL;
  GHashTableIter iter;
  gpointer value;

  layout.rows = g_array_new (FALSE, FALSE, sizeof (CancelGtkTimelineRow));
  g_array_set_clear_func (layout.rows, clear_row);
  *n_rows = 0;

  if (registry == NULL || max_rows == 0)
    return layout.rows;

  layout.nodes = g_hash_table_new_full (NULL, NULL, g_object_unref, node_free);
  add_live (&layout, G_LIST_MODEL (registry), to);
  add_history (&layout, history, from, to);

  roots = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, layout.nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((Node *) value)->has_parent)
      g_ptr_array_add (roots, value);

  g_ptr_array_sort (roots, compare_roots);
  flatten (&layout, roots, 0, G_MAXUINT);
  *n_rows = g_hash_table_size (layout.nodes);

  g_hash_table_unref (layout.nodes);

  return layout.rows;
}

guint
_cancel_gtk_rows_find_scope (GListModel  *rows,
                             CancelScope *scope)
{
  guint n = g_list_model_get_n_items (rows);
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (rows, i);
      g_autoptr(CancelScope) row_scope = _cancel_gtk_live_tree_dup_row_scope (item);

      if (row_scope == scope)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}
