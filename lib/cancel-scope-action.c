/* cancel-scope-action.c: a GAction that cancels a scope
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-scope-private.h"

static void
action_update_enabled (GSimpleAction *action,
                       CancelScope   *scope)
{
  g_simple_action_set_enabled (action, _cancel_scope_is_live (scope));
}

static void
action_status_changed (CancelScope   *scope,
                       GParamSpec    *pspec,
                       GSimpleAction *action)
{
  action_update_enabled (action, scope);
}

static void
action_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  CancelScope   *scope)
{
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, _("Cancelled by user"));
}

/**
 * cancel_scope_create_action:
 * @self: a scope
 * @action_name: the name of the action
 *
 * Makes an action that cancels @self with %CANCEL_REASON_MANUAL and the
 * message “Cancelled by user”. It is enabled only while @self runs: its
 * state follows [property@Cancel.Scope:status] on the scope's owner
 * context. Add it to a [iface@Gio.ActionMap] (a window, an application)
 * and any widget with that action name, such as a button, cancels the
 * work. The action keeps @self alive.
 *
 * Callable from any thread; the action's state changes on @self's owner
 * context, so use it from that context's thread (a window's actions from
 * the GTK thread).
 *
 * Returns: (transfer full): a new action
 *
 * Since: 0.1
 */
GAction *
cancel_scope_create_action (CancelScope *self,
                            const char  *action_name)
{
  GSimpleAction *action;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);
  g_return_val_if_fail (action_name != NULL && g_action_name_is_valid (action_name), NULL);

  action = g_simple_action_new (action_name, NULL);
  g_signal_connect_data (action, "activate", G_CALLBACK (action_activated),
                         g_object_ref (self), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_signal_connect_object (self, "notify::status", G_CALLBACK (action_status_changed),
                           action, 0);
  action_update_enabled (action, self);

  return G_ACTION (action);
}
