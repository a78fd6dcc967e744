/* cancel-gtk-live-tree.c: the monitor's live rows, without widgets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-mirror-private.h"

/* A list view under GTK 4.8 builds a row for each bound row that goes
 * (about 1 ms each): past this many µs of changes, the live list catches
 * up with the registry in later iterations (see cancel-gtk-mirror.c).
 * With the registry's publish and a frame, that fits in 16 ms. */
#define LIVE_BUDGET_USEC (4 * 1000)

struct _CancelGtkLiveTree
{
  GObject             parent_instance;

  CancelRegistry     *registry;
  /* The registry's list, with precise changes (see cancel-gtk-mirror.c) */
  GListModel         *live;
  gulong              live_handler;

  /* Tree mode: the roots, each expanded into its children. Flat mode: the
   * operations that match the search. */
  GtkCustomFilter    *root_filter;
  GtkFilterListModel *roots;
  GtkFilterListModel *matches;
  GtkTreeListModel   *tree;
  gboolean            flat;

  guint               refilter_id;
  gboolean            refilter_less;
  gboolean            refilter_more;
};

G_DEFINE_FINAL_TYPE (CancelGtkLiveTree, cancel_gtk_live_tree, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A live scope is a root of the tree unless its parent is shown: live in
 * the same registry and watched on this context (its children model can
 * then be shown under it). */
static gboolean
is_root (gpointer item,
         gpointer user_data)
{
  CancelRegistry *registry = user_data;
  g_autoptr(CancelScope) parent = cancel_scope_dup_parent (item);
  g_autoptr(CancelRegistry) parent_registry = NULL;

  if (parent == NULL)
    return TRUE;

  parent_registry = cancel_scope_dup_registry (parent);
  if (parent_registry != registry || !_cancel_gtk_scope_is_local (parent))
    return TRUE;

  return !_cancel_gtk_scope_is_live (parent);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  CancelScope *scope = item;

  /* The children model changes on the scope's owner context: only one
   * that is GTK's can be shown. */
  if (!_cancel_gtk_scope_is_local (scope))
    return NULL;

  return g_object_ref (cancel_scope_get_children (scope));
}

static GListModel *
create_no_children (gpointer item,
                    gpointer user_data)
{
  return NULL;
}

static void
rebuild (CancelGtkLiveTree *self)
{
  g_clear_object (&self->tree);

  if (self->flat)
    self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->matches)),
                                          FALSE, FALSE, create_no_children, NULL, NULL);
  else
    self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)),
                                          FALSE, TRUE, create_children, NULL, NULL);
}

static gboolean
refilter_roots (gpointer user_data)
{
  CancelGtkLiveTree *self = user_data;
  GtkFilterChange change;

  self->refilter_id = 0;

  if (self->refilter_less && self->refilter_more)
    change = GTK_FILTER_CHANGE_DIFFERENT;
  else if (self->refilter_less)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_MORE_STRICT;

  self->refilter_less = self->refilter_more = FALSE;

  gtk_filter_changed (GTK_FILTER (self->root_filter), change);

  return G_SOURCE_REMOVE;
}

static void
on_live_items_changed (GListModel        *model,
                       guint              position,
                       guint              removed,
                       guint              added,
                       CancelGtkLiveTree *self)
{
  guint i;

  /* Whether a scope is a root depends on its parent being live here: a
   * parent that left makes its children roots (only items filtered out
   * need a look); a parent that arrived after its children takes them
   * back (only items shown need a look). Once per iteration at most. */
  if (removed > 0)
    self->refilter_less = TRUE;

  for (i = 0; i < added && !self->refilter_more; i++)
    {
      g_autoptr(CancelScope) scope = g_list_model_get_item (model, position + i);

      if (_cancel_gtk_scope_is_local (scope) &&
          g_list_model_get_n_items (cancel_scope_get_children (scope)) > 0)
        self->refilter_more = TRUE;
    }

  if ((self->refilter_less || self->refilter_more) && self->refilter_id == 0)
    {
      /* Before the frame is laid out (GDK_PRIORITY_REDRAW is HIGH_IDLE + 20). */
      self->refilter_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, refilter_roots, self, NULL);
      g_source_set_name_by_id (self->refilter_id, "[cancel-gtk] refilter roots");
    }
}

static void
cancel_gtk_live_tree_dispose (GObject *object)
{
  CancelGtkLiveTree *self = CANCEL_GTK_LIVE_TREE (object);

  g_clear_handle_id (&self->refilter_id, g_source_remove);
  if (self->live != NULL)
    g_clear_signal_handler (&self->live_handler, self->live);

  g_clear_object (&self->tree);
  g_clear_object (&self->matches);
  g_clear_object (&self->roots);
  g_clear_object (&self->root_filter);
  g_clear_object (&self->live);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (cancel_gtk_live_tree_parent_class)->dispose (object);
}

static void
cancel_gtk_live_tree_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CancelGtkLiveTree *self = CANCEL_GTK_LIVE_TREE (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->tree);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_gtk_live_tree_class_init (CancelGtkLiveTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cancel_gtk_live_tree_dispose;
  object_class->get_property = cancel_gtk_live_tree_get_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cancel_gtk_live_tree_init (CancelGtkLiveTree *self)
{
}

CancelGtkLiveTree *
_cancel_gtk_live_tree_new (CancelRegistry *registry,
                           GtkFilter      *search_filter)
{
  CancelGtkLiveTree *self;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (registry), NULL);
  g_return_val_if_fail (search_filter == NULL || GTK_IS_FILTER (search_filter), NULL);

  self = g_object_new (CANCEL_GTK_TYPE_LIVE_TREE, NULL);
  self->registry = g_object_ref (registry);
  self->live = _cancel_gtk_mirror_new (G_LIST_MODEL (registry));
  _cancel_gtk_mirror_set_budget (self->live, LIVE_BUDGET_USEC);

  self->root_filter = gtk_custom_filter_new (is_root, g_object_ref (registry), g_object_unref);
  self->roots = gtk_filter_list_model_new (g_object_ref (self->live),
                                           g_object_ref (GTK_FILTER (self->root_filter)));
  self->matches = gtk_filter_list_model_new (g_object_ref (self->live),
                                             search_filter != NULL ? g_object_ref (search_filter) : NULL);

  self->live_handler = g_signal_connect (self->live, "items-changed",
                                         G_CALLBACK (on_live_items_changed), self);
  rebuild (self);

  return self;
}

GListModel *
_cancel_gtk_live_tree_get_live (CancelGtkLiveTree *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_LIVE_TREE (self), NULL);

  return self->live;
}

GListModel *
_cancel_gtk_live_tree_get_model (CancelGtkLiveTree *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_LIVE_TREE (self), NULL);

  return G_LIST_MODEL (self->tree);
}

gboolean
_cancel_gtk_live_tree_get_flat (CancelGtkLiveTree *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_LIVE_TREE (self), FALSE);

  return self->flat;
}

void
_cancel_gtk_live_tree_set_flat (CancelGtkLiveTree *self,
                                gboolean           flat)
{
  g_return_if_fail (CANCEL_GTK_IS_LIVE_TREE (self));

  flat = !!flat;
  if (self->flat == flat)
    return;

  self->flat = flat;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/* @scope and its live descendants that can be walked on this
 * thread (children models of other contexts change elsewhere). */
static GPtrArray *
collect_subtree (CancelScope *scope)
{
  GPtrArray *subtree = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  g_ptr_array_add (subtree, g_object_ref (scope));

  for (i = 0; i < subtree->len; i++)
    {
      CancelScope *node = g_ptr_array_index (subtree, i);
      GListModel *children;
      guint j, n;

      if (!_cancel_gtk_scope_is_local (node))
        continue;

      children = cancel_scope_get_children (node);
      n = g_list_model_get_n_items (children);
      for (j = 0; j < n; j++)
        g_ptr_array_add (subtree, g_list_model_get_item (children, j));
    }

  return subtree;
}

CancelScope *
_cancel_gtk_live_tree_dup_row_scope (gpointer item)
{
  if (GTK_IS_TREE_LIST_ROW (item))
    return CANCEL_SCOPE (gtk_tree_list_row_get_item (item));

  return g_object_ref (CANCEL_SCOPE (item));
}

guint
_cancel_gtk_live_tree_cancel_subtree (CancelScope *scope,
                                      const char  *message)
{
  g_autoptr(GPtrArray) subtree = NULL;
  g_autofree gboolean *was_cancelled = NULL;
  guint i, count = 0;

  g_return_val_if_fail (CANCEL_IS_SCOPE (scope), 0);

  subtree = collect_subtree (scope);
  was_cancelled = g_new (gboolean, subtree->len);
  for (i = 0; i < subtree->len; i++)
    was_cancelled[i] = cancel_scope_get_reason (g_ptr_array_index (subtree, i)) != CANCEL_REASON_NONE;

  /* The cascade runs on this thread before cancel returns. */
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, message);

  for (i = 0; i < subtree->len; i++)
    if (!was_cancelled[i] && cancel_scope_get_reason (g_ptr_array_index (subtree, i)) != CANCEL_REASON_NONE)
      count++;

  return count;
}
