/* cancel-gtk-live-tree-private.h: the monitor's live rows, without widgets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

#define CANCEL_GTK_TYPE_LIVE_TREE (cancel_gtk_live_tree_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkLiveTree, cancel_gtk_live_tree, CANCEL_GTK, LIVE_TREE, GObject)

/* The live operations of @registry as the monitor lists them: a tree of
 * GtkTreeListRow (each root expanded into its children), or, when flat,
 * the operations that match @search_filter. Needs no display; all calls
 * on the GTK thread, whose context @registry must belong to. */
CancelGtkLiveTree *_cancel_gtk_live_tree_new      (CancelRegistry    *registry,
                                                   GtkFilter         *search_filter);
/* The registry's live list, with precise changes (a cancel-gtk-mirror). */
GListModel        *_cancel_gtk_live_tree_get_live (CancelGtkLiveTree *self);
/* The rows: a GtkTreeListModel, replaced (and "model" notified) when the
 * mode changes. */
GListModel        *_cancel_gtk_live_tree_get_model (CancelGtkLiveTree *self);
gboolean           _cancel_gtk_live_tree_get_flat (CancelGtkLiveTree *self);
void               _cancel_gtk_live_tree_set_flat (CancelGtkLiveTree *self,
                                                   gboolean           flat);

/* The operation a row of one of the monitor's lists shows: a
 * GtkTreeListRow's item, or @item itself (the history, the flat list). */
CancelScope       *_cancel_gtk_live_tree_dup_row_scope (gpointer item);

/* Cancels @scope (MANUAL, @message) and so its descendants; returns how
 * many of those this call cancelled, counting the descendants it can
 * walk on this thread (those on GTK's context). */
guint              _cancel_gtk_live_tree_cancel_subtree (CancelScope *scope,
                                                         const char  *message);

G_END_DECLS
