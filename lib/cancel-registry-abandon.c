/* cancel-registry-abandon.c: a registered scope dropped while running
 *
 * The registry must hold a running scope (a model lists it, lookups hand
 * it out), but a plain reference would hide the program's mistake of
 * dropping its own reference without an end: the scope would stay
 * “Running” in every monitor, forever. So a live entry holds a *toggle*
 * reference. When it becomes the only reference, a firing thread checks
 * again under the registry's lock (lookups, the way a program finds a
 * scope it let go, take their references under it) and, if nothing else
 * holds the scope, warns naming it and ends it with
 * CANCEL_ERROR_ABANDONED. Once ended, the entry holds a plain reference,
 * for the history. The library's own short-lived references (a list
 * model's get_item, the cascade through the tree's weak references) can
 * appear after the check: their holders read or cancel the scope, never
 * end it, and find it ended as any scope may be.
 *
 * Whatever holds a plain reference keeps the scope from the check: a
 * pending cancel_scope_wait_async() or connect_cancelled() watch, a
 * deadline's timer until it fires, a row a view shows.
 *
 * Bindings hold a toggle reference of their own on the objects they wrap;
 * GObject notifies nobody while there are two, so a scope a binding has
 * seen is never found abandoned (as before) and the binding's own
 * reference handling is unchanged, because the entry's toggle reference
 * is removed at the end.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-registry-private.h"
#include "cancel-scope-private.h"
#include "cancel-worker-private.h"

static void
check_abandoned (gpointer data,
                 gpointer unused)
{
  CancelScope *scope = data;  /* our reference */
  g_autoptr(CancelRegistry) registry = cancel_scope_dup_registry (scope);
  g_autoptr(GError) error = NULL;
  gboolean abandoned;

  if (registry == NULL)
    {
      g_object_unref (scope);  /* ended meanwhile */
      return;
    }

  cancel_mutex_lock (&registry->lock);
  /* Ours and the entry's: lookups take theirs under this lock. */
  abandoned = _cancel_registry_holds_live_locked (registry, scope) &&
              g_atomic_int_get ((gint *) &G_OBJECT (scope)->ref_count) == 2;
  cancel_mutex_unlock (&registry->lock);

  if (abandoned)
    {
      const char *name = cancel_scope_get_name (scope);

      g_warning ("Scope %" G_GUINT64_FORMAT " “%s” was dropped while running: end it with "
                 "cancel_scope_end() or cancel_scope_fail() before dropping it",
                 cancel_scope_get_id (scope), name != NULL ? name : "");
      _cancel_i18n_init ();
      error = g_error_new (CANCEL_ERROR, CANCEL_ERROR_ABANDONED,
                           _("Operation “%s” was dropped while running, so nothing could end it"),
                           name != NULL ? name : "");
      _cancel_scope_end_if_live (scope, error);
    }

  /* Not abandoned: whoever else held it notifies again when they let go. */
  g_object_unref (scope);
}

static void
entry_toggled (gpointer  data,
               GObject  *object,
               gboolean  is_last_ref)
{
  /* Any thread, inside somebody's g_object_unref(): no lock of ours may
   * be taken here (the dropping thread may hold one), so look later. */
  if (is_last_ref)
    _cancel_worker_fire (check_abandoned, g_object_ref (object));
}

void
_cancel_registry_entry_hold (CancelScope *scope)
{
  g_object_add_toggle_ref (G_OBJECT (scope), entry_toggled, NULL);
}

void
_cancel_registry_entry_release_live (CancelScope *scope)
{
  g_object_remove_toggle_ref (G_OBJECT (scope), entry_toggled, NULL);
}
