/* cancel-children-private.h: the live children of a scope as a GListModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cancel-scope.h"

G_BEGIN_DECLS

#define CANCEL_TYPE_CHILDREN (cancel_children_get_type ())

G_DECLARE_FINAL_TYPE (CancelChildren, cancel_children, CANCEL, CHILDREN, GObject)

/* A model owned by @context's thread, listing @initial (borrowed) from the
 * start. add/remove may be called from any thread (the scope calls them
 * under its tree lock, so they arrive in link order); they are applied on
 * @context in one batch. */
CancelChildren *_cancel_children_new    (GMainContext   *context,
                                         GPtrArray      *initial);
void            _cancel_children_add    (CancelChildren *self,
                                         CancelScope    *child);
void            _cancel_children_remove (CancelChildren *self,
                                         CancelScope    *child);

G_END_DECLS
