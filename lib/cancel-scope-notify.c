/* cancel-scope-notify.c: a scope's changes, queued from any thread and
 * emitted on its owner context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"

/* The property each CHANGE_* bit notifies. */
static const struct {
  guint change;
  guint prop;
} change_props[] = {
  { CHANGE_STATUS, PROP_STATUS },
  { CHANGE_REASON, PROP_REASON },
  { CHANGE_ORIGIN_REASON, PROP_ORIGIN_REASON },
  { CHANGE_MESSAGE, PROP_MESSAGE },
  { CHANGE_CANCEL_TIME, PROP_CANCEL_TIME },
  { CHANGE_DEADLINE, PROP_DEADLINE },
  { CHANGE_SHIELDED, PROP_SHIELDED },
  { CHANGE_PROGRESS_VALUE, PROP_PROGRESS },
  { CHANGE_PROGRESS_MESSAGE, PROP_PROGRESS_MESSAGE },
  { CHANGE_START_TIME, PROP_START_TIME },
  { CHANGE_END_TIME, PROP_END_TIME },
  { CHANGE_ERROR, PROP_ERROR },
  { CHANGE_PARENT, PROP_PARENT },
};

static gboolean cancel_scope_is_watched (CancelScope *self);

void
_cancel_scope_flush_changes (gpointer data)
{
  CancelScope *self = data;
  guint changes = (guint) g_atomic_int_and (&self->pending_changes, 0);

  /* Nobody listens: skip the emissions, which cost even with no handler. */
  if (!cancel_scope_is_watched (self))
    return;

  /* begin() queues STARTED after it published RUNNING, so an end() in
   * another thread can get FINISHED here first: started always comes
   * first, and once. Only this context touches started_emitted. */
  if ((changes & (CHANGE_STARTED | CHANGE_FINISHED)) && !self->started_emitted)
    {
      self->started_emitted = TRUE;
      g_signal_emit (self, _cancel_scope_signals[STARTED], 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (change_props); i++)
    if (changes & change_props[i].change)
      g_object_notify_by_pspec (G_OBJECT (self), _cancel_scope_properties[change_props[i].prop]);

  if (changes & CHANGE_PROGRESS)
    {
      g_autofree char *message = NULL;
      double fraction;

      cancel_mutex_lock (&self->lock);
      fraction = self->progress;
      message = g_strdup (self->progress_message);
      cancel_mutex_unlock (&self->lock);

      g_signal_emit (self, _cancel_scope_signals[PROGRESS], 0, fraction, message);
    }

  if (changes & CHANGE_FINISHED)
    g_signal_emit (self, _cancel_scope_signals[FINISHED], 0, cancel_scope_get_status (self));
}

/* Whether anybody connected to the signals the owner context emits. Most
 * scopes have no handler at all, which one look-up settles; otherwise ask
 * for ours (a linked source's ::cancelled handler does not count). */
static gboolean
cancel_scope_is_watched (CancelScope *self)
{
  if (g_signal_handler_find (self, G_SIGNAL_MATCH_UNBLOCKED, 0, 0, NULL, NULL, NULL) == 0)
    return FALSE;

  /* Matching the id alone finds detailed handlers ("notify::status") too,
   * which g_signal_has_handler_pending() with no detail would not. */
  return g_signal_handler_find (self, G_SIGNAL_MATCH_ID, _cancel_scope_notify_signal_id, 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, _cancel_scope_signals[FINISHED], 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, _cancel_scope_signals[STARTED], 0, NULL, NULL, NULL) != 0 ||
         g_signal_handler_find (self, G_SIGNAL_MATCH_ID, _cancel_scope_signals[PROGRESS], 0, NULL, NULL, NULL) != 0;
}

/* Every change is queued, watched or not, so that a handler connected
 * after the change but before the owner context runs still sees it (a
 * `started` handler connected right after another thread began the
 * scope). The queued call holds the scope only while somebody watches:
 * otherwise a program that runs no main loop would keep every scope it
 * dropped; an unwatched scope leaves the queue when it is disposed. */
void
_cancel_scope_queue_changes (CancelScope *self,
                             guint        changes)
{
  gboolean watched = cancel_scope_is_watched (self);
  guint old;

  old = (guint) g_atomic_int_or (&self->pending_changes, changes | (watched ? CHANGE_HELD : 0));
  if (old == 0 || (watched && !(old & CHANGE_HELD)))
    _cancel_dispatch_queue (&self->dispatch, watched);
}
