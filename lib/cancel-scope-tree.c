/* cancel-scope-tree.c: the tree of scopes: links, parents, children and
 * shields
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-children-private.h"
#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"

/* Guards every link of the tree: parent, siblings, first_child, children. */
CancelMutex _cancel_scope_tree_lock = CANCEL_MUTEX_INIT;

/* ------------------------------------------------------------------ */
/* Links                                                               */

/* GObject 2.74 does not survive a reference taken during dispose from
 * another thread (g_object_unref() reads the object after giving the
 * reference back, when the other thread may have freed it). So the tree,
 * which holds no references, reaches its scopes through weak references
 * to themselves: g_weak_ref_get() refuses a scope whose last reference is
 * being dropped. Caller holds a reference on @self. */
static void
tree_weak_init_locked (CancelScope *self)
{
  if (!self->self_ref_set)
    {
      g_weak_ref_init (&self->self_ref, self);
      self->self_ref_set = TRUE;
    }
}

CancelScope *
_cancel_scope_tree_ref_locked (CancelScope *self)
{
  g_assert (self->self_ref_set);

  return g_weak_ref_get (&self->self_ref);
}

static void
tree_link_locked (CancelScope *self,
                  CancelScope *parent)
{
  g_assert (self->parent == NULL);

  tree_weak_init_locked (self);
  tree_weak_init_locked (parent);

  self->parent = parent;
  self->prev_sibling = NULL;
  self->next_sibling = parent->first_child;
  if (parent->first_child != NULL)
    parent->first_child->prev_sibling = self;
  g_atomic_pointer_set (&parent->first_child, self);
}

static void
tree_unlink_locked (CancelScope *self)
{
  CancelScope *parent = self->parent;

  if (parent == NULL)
    return;

  if (self->prev_sibling != NULL)
    self->prev_sibling->next_sibling = self->next_sibling;
  else
    g_atomic_pointer_set (&parent->first_child, self->next_sibling);
  if (self->next_sibling != NULL)
    self->next_sibling->prev_sibling = self->prev_sibling;

  self->prev_sibling = NULL;
  self->next_sibling = NULL;
  self->parent = NULL;

  if (parent->children != NULL)
    _cancel_children_remove (parent->children, self);
}

static gboolean
tree_is_ancestor_locked (CancelScope *ancestor,
                         CancelScope *scope)
{
  for (CancelScope *iter = scope; iter != NULL; iter = iter->parent)
    if (iter == ancestor)
      return TRUE;

  return FALSE;
}

/* Out of the parent's list, but still its child for those who ask. */
void
_cancel_scope_tree_leave (CancelScope *self)
{
  cancel_mutex_lock (&_cancel_scope_tree_lock);
  if (self->parent != NULL)
    {
      g_weak_ref_set (&self->ended_parent, self->parent);
      self->ended_parent_set = TRUE;
    }
  tree_unlink_locked (self);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);
}

GPtrArray *
_cancel_scope_tree_detach (CancelScope     *self,
                           CancelChildren **children)
{
  GPtrArray *orphans = NULL;

  /* Nothing can take a reference on us through the tree any more (our
   * weak reference was cleared before dispose), and a child being disposed
   * elsewhere is only unlinked. */
  cancel_mutex_lock (&_cancel_scope_tree_lock);
  tree_unlink_locked (self);
  while (self->first_child != NULL)
    {
      CancelScope *child = self->first_child;
      CancelScope *ref = _cancel_scope_tree_ref_locked (child);

      if (orphans == NULL)
        orphans = g_ptr_array_new_with_free_func (g_object_unref);
      if (ref != NULL)
        g_ptr_array_add (orphans, ref);
      tree_unlink_locked (child);
    }
  *children = g_steal_pointer (&self->children);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  return orphans;
}

/* ------------------------------------------------------------------ */
/* Parent, children, shield                                            */

/**
 * cancel_scope_dup_parent:
 * @self: a scope
 *
 * The parent of @self, also after @self ended. The tree holds no reference
 * on parents: this returns %NULL once the parent was finalized.
 *
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (nullable): the parent
 *
 * Since: 0.1
 */
CancelScope *
cancel_scope_dup_parent (CancelScope *self)
{
  CancelScope *parent;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&_cancel_scope_tree_lock);
  if (self->parent != NULL)
    parent = _cancel_scope_tree_ref_locked (self->parent);
  else
    parent = g_weak_ref_get (&self->ended_parent);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  return parent;
}

/* Returns TRUE if @self starts cancelled because of @parent; the tree
 * lock held. */
static gboolean
cancel_scope_link_locked (CancelScope *self,
                          CancelScope *parent)
{
  gboolean inherit = FALSE;

  tree_link_locked (self, parent);
  cancel_mutex_lock (&parent->lock);
  if (_cancel_scope_is_cancelled_locked (parent))
    {
      CancelReason origin = parent->origin != CANCEL_REASON_NONE ? parent->origin : CANCEL_REASON_MANUAL;
      char *message = _cancel_scope_parent_message_locked (parent);

      cancel_mutex_lock (&self->lock);
      if (self->shielded)
        g_ref_string_release (message);
      else
        inherit = _cancel_scope_mark_cancelled_locked (self, CANCEL_REASON_PARENT, origin, message,
                                                       g_get_monotonic_time ());
      cancel_mutex_unlock (&self->lock);
    }
  cancel_mutex_unlock (&parent->lock);

  return inherit;
}

gboolean
_cancel_scope_link (CancelScope *self,
                    CancelScope *parent)
{
  gboolean inherit = FALSE;

  cancel_mutex_lock (&_cancel_scope_tree_lock);
  inherit = cancel_scope_link_locked (self, parent);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  return inherit;
}

/**
 * cancel_scope_set_parent:
 * @self: a pending scope
 * @parent: (nullable): the new parent, or %NULL for none
 *
 * Moves @self under @parent before it begins. If @parent is cancelled and
 * @self is not shielded, @self is cancelled with %CANCEL_REASON_PARENT.
 * Changing the parent of a scope that has begun, making a scope its own
 * ancestor, or moving it under a parent that has ended (it could never
 * cancel it) is a programmer error and changes nothing.
 *
 * Callable from any thread.
 *
 * Since: 0.1
 */
void
cancel_scope_set_parent (CancelScope *self,
                         CancelScope *parent)
{
  gboolean pending;
  gboolean same;
  gboolean cycle = FALSE;
  gboolean parent_ended = FALSE;
  gboolean inherit = FALSE;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (parent == NULL || CANCEL_IS_SCOPE (parent));

  /* One section of the tree lock for the checks and the move: begin()
   * changes the status under it too, and two crossed calls (a under b, b
   * under a) cannot both pass the cycle check. */
  cancel_mutex_lock (&_cancel_scope_tree_lock);
  cancel_mutex_lock (&self->lock);
  pending = self->status == CANCEL_STATUS_PENDING;
  cancel_mutex_unlock (&self->lock);
  same = self->parent == parent;
  if (pending && !same && parent != NULL)
    {
      /* An ended parent left the tree: the walk below cannot see that
       * @self may be the parent it remembers (dup_parent would then
       * report a cycle), and it would never cancel @self anyway. */
      cancel_mutex_lock (&parent->lock);
      parent_ended = cancel_status_is_final (parent->status);
      cancel_mutex_unlock (&parent->lock);
      cycle = !parent_ended && tree_is_ancestor_locked (self, parent);
    }
  if (pending && !same && !cycle && !parent_ended)
    {
      tree_unlink_locked (self);
      if (parent != NULL)
        inherit = cancel_scope_link_locked (self, parent);
    }
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  if (!pending)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "status == CANCEL_STATUS_PENDING");
      return;
    }
  if (cycle)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "parent is not self or a descendant of self");
      return;
    }
  if (parent_ended)
    {
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, "parent has not ended");
      return;
    }
  if (same)
    return;

  if (inherit)
    _cancel_scope_flip (self);

  _cancel_scope_queue_changes (self, CHANGE_PARENT | CHANGE_DEADLINE);
}

/**
 * cancel_scope_get_children: (get-property children)
 * @self: a scope
 *
 * The live children of @self: those that began and have not ended yet,
 * as a list model that changes on the owner context of @self. Pending
 * children are not listed (the model holds its items, and a pending scope
 * the application drops must be freed). Made on first use, listing the
 * children begun so far at once; later changes arrive in the owner
 * context's next iteration.
 *
 * Call from the owner context's thread: the model changes there.
 *
 * Returns: (transfer none): a list model of [class@Cancel.Scope]
 *
 * Since: 0.1
 */
GListModel *
cancel_scope_get_children (CancelScope *self)
{
  /* Our references on the children, dropped after the tree lock. */
  g_autoptr(GPtrArray) refs = NULL;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_mutex_lock (&_cancel_scope_tree_lock);
  if (self->children == NULL)
    {
      g_autoptr(GPtrArray) live = g_ptr_array_new ();

      refs = g_ptr_array_new_with_free_func (g_object_unref);

      /* Oldest first: the intrusive list has the newest at its head. */
      for (CancelScope *child = self->first_child; child != NULL; child = child->next_sibling)
        {
          CancelScope *ref = _cancel_scope_tree_ref_locked (child);
          gboolean begun;

          if (ref == NULL)
            continue;  /* being disposed elsewhere */

          cancel_mutex_lock (&child->lock);
          begun = _cancel_scope_status_is_live (child->status);
          cancel_mutex_unlock (&child->lock);

          g_ptr_array_add (refs, ref);
          if (begun)
            g_ptr_array_add (live, child);
        }
      for (guint i = 0; i < live->len / 2; i++)
        {
          gpointer swap = live->pdata[i];

          live->pdata[i] = live->pdata[live->len - 1 - i];
          live->pdata[live->len - 1 - i] = swap;
        }
      /* Listed at once: the first call shows the children begun so far. */
      self->children = _cancel_children_new (_cancel_dispatch_link_get_context (&self->dispatch),
                                             live);
    }
  cancel_mutex_unlock (&_cancel_scope_tree_lock);

  return G_LIST_MODEL (self->children);
}

/**
 * cancel_scope_get_shielded: (get-property shielded)
 * @self: a scope
 *
 * Whether @self is shielded from the cancellation of its ancestors.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if shielded
 *
 * Since: 0.1
 */
gboolean
cancel_scope_get_shielded (CancelScope *self)
{
  gboolean shielded;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);

  cancel_mutex_lock (&self->lock);
  shielded = self->shielded;
  cancel_mutex_unlock (&self->lock);

  return shielded;
}

/**
 * cancel_scope_set_shielded: (set-property shielded)
 * @self: a scope
 * @shielded: whether to shield it
 *
 * A shielded scope is not cancelled when its ancestors are; its own
 * cancellation, timeouts and sources still work, and while it runs its
 * status is %CANCEL_STATUS_SHIELDED. Use it for cleanup that must finish
 * after the operation around it was cancelled. Shielding a scope that was
 * already cancelled does not undo it. Callable from any thread, until it
 * ends.
 *
 * Since: 0.1
 */
void
cancel_scope_set_shielded (CancelScope *self,
                           gboolean     shielded)
{
  guint changes = 0;

  g_return_if_fail (CANCEL_IS_SCOPE (self));

  shielded = !!shielded;

  cancel_mutex_lock (&self->lock);
  if (self->shielded != (guint) shielded && !cancel_status_is_final (self->status))
    {
      self->shielded = shielded;
      changes = CHANGE_SHIELDED | CHANGE_DEADLINE;
      if (_cancel_scope_status_is_live (self->status))
        {
          self->status = shielded ? CANCEL_STATUS_SHIELDED : CANCEL_STATUS_RUNNING;
          _cancel_scope_count_shielded_locked (self);
          changes |= CHANGE_STATUS;
        }
    }
  cancel_mutex_unlock (&self->lock);

  if (changes != 0)
    _cancel_scope_queue_changes (self, changes);
}
