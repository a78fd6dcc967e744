/* cancel-children.c: the live children of a scope as a GListModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-children-private.h"
#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"

typedef struct
{
  CancelScope *scope;   /* a reference for adds; identity only for removes */
  gboolean     add;
} ChildOp;

struct _CancelChildren
{
  GObject       parent_instance;

  CancelDispatchLink dispatch;  /* to the scope's owner context */
  GPtrArray    *items;    /* only touched on that context */

  CancelMutex   lock;
  GArray       *pending;  /* of ChildOp */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelChildren, cancel_children, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
cancel_children_get_item_type (GListModel *model)
{
  return CANCEL_TYPE_SCOPE;
}

static guint
cancel_children_get_n_items (GListModel *model)
{
  return CANCEL_CHILDREN (model)->items->len;
}

static gpointer
cancel_children_get_item (GListModel *model,
                          guint       position)
{
  CancelChildren *self = CANCEL_CHILDREN (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cancel_children_get_item_type;
  iface->get_n_items = cancel_children_get_n_items;
  iface->get_item = cancel_children_get_item;
}

/* Applies every queued change in one pass and emits one items-changed
 * covering the span from the first changed position to the end. */
static void
cancel_children_publish (gpointer data)
{
  CancelChildren *self = data;
  g_autoptr(GHashTable) removed = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  GArray *ops;
  guint old_len = self->items->len;
  guint first = G_MAXUINT;
  guint write = 0;

  cancel_mutex_lock (&self->lock);
  ops = g_steal_pointer (&self->pending);
  self->pending = g_array_new (FALSE, FALSE, sizeof (ChildOp));
  cancel_mutex_unlock (&self->lock);

  for (guint i = 0; i < ops->len; i++)
    {
      ChildOp *op = &g_array_index (ops, ChildOp, i);

      if (op->add)
        g_ptr_array_add (added, op->scope);
      else
        {
          guint index;

          /* Added and removed in the same batch: never shown. */
          if (g_ptr_array_find (added, op->scope, &index))
            g_object_unref (g_ptr_array_steal_index (added, index));
          else
            {
              if (removed == NULL)
                removed = g_hash_table_new (NULL, NULL);
              g_hash_table_add (removed, op->scope);
            }
        }
    }
  g_array_unref (ops);

  for (guint read = 0; read < old_len; read++)
    {
      CancelScope *scope = g_ptr_array_index (self->items, read);

      if (removed != NULL && g_hash_table_contains (removed, scope))
        {
          first = MIN (first, read);
          g_object_unref (scope);
          continue;
        }
      self->items->pdata[write++] = scope;
    }
  g_ptr_array_set_size (self->items, write);

  if (added->len > 0)
    {
      first = MIN (first, write);
      g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&added));
    }

  if (first != G_MAXUINT)
    g_list_model_items_changed (G_LIST_MODEL (self), first,
                                old_len - first, self->items->len - first);
}

CancelChildren *
_cancel_children_new (GMainContext *context,
                      GPtrArray    *initial)
{
  CancelChildren *self = g_object_new (CANCEL_TYPE_CHILDREN, NULL);

  _cancel_dispatch_link_init (&self->dispatch, context, self, cancel_children_publish);

  /* Nobody has seen the model yet: no items-changed is owed for these. */
  for (guint i = 0; i < initial->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (initial, i)));

  return self;
}

static void
cancel_children_queue (CancelChildren *self,
                       CancelScope    *scope,
                       gboolean        add)
{
  ChildOp op = { add ? g_object_ref (scope) : scope, add };
  gboolean first;

  cancel_mutex_lock (&self->lock);
  first = self->pending->len == 0;
  g_array_append_val (self->pending, op);
  cancel_mutex_unlock (&self->lock);

  if (first)
    _cancel_dispatch_queue (&self->dispatch, TRUE);
}

void
_cancel_children_add (CancelChildren *self,
                      CancelScope    *child)
{
  cancel_children_queue (self, child, TRUE);
}

void
_cancel_children_remove (CancelChildren *self,
                         CancelScope    *child)
{
  cancel_children_queue (self, child, FALSE);
}

static void
cancel_children_finalize (GObject *object)
{
  CancelChildren *self = CANCEL_CHILDREN (object);

  for (guint i = 0; i < self->pending->len; i++)
    {
      ChildOp *op = &g_array_index (self->pending, ChildOp, i);

      if (op->add)
        g_object_unref (op->scope);
    }

  g_clear_pointer (&self->pending, g_array_unref);
  for (guint i = 0; i < self->items->len; i++)
    g_object_unref (g_ptr_array_index (self->items, i));
  g_clear_pointer (&self->items, g_ptr_array_unref);
  _cancel_dispatch_link_clear (&self->dispatch);
  cancel_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cancel_children_parent_class)->finalize (object);
}

static void
cancel_children_dispose (GObject *object)
{
  _cancel_dispatch_link_dispose (&CANCEL_CHILDREN (object)->dispatch);

  G_OBJECT_CLASS (cancel_children_parent_class)->dispose (object);
}

static void
cancel_children_class_init (CancelChildrenClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cancel_children_dispose;
  G_OBJECT_CLASS (klass)->finalize = cancel_children_finalize;
}

static void
cancel_children_init (CancelChildren *self)
{
  cancel_mutex_init (&self->lock);
  self->items = g_ptr_array_new ();  /* references dropped by hand: publish compacts in place */
  self->pending = g_array_new (FALSE, FALSE, sizeof (ChildOp));
}
