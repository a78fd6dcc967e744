/* cancel-source-cancellable.c: a source that follows another cancellable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-scope-private.h"
#include "cancel-source-private.h"

typedef struct
{
  GWeakRef upstream;
  gboolean preserve_reason;
} LinkParams;

static void
linked_fire (CancelSourceToken *token,
             GCancellable      *upstream)
{
  CancelSource *self = token->source;
  LinkParams *params = self->params;
  CancelReason reason;
  CancelReason origin;
  char *message;

  if (CANCEL_IS_SCOPE (upstream))
    {
      CancelScope *scope = CANCEL_SCOPE (upstream);
      CancelReason up_reason = cancel_scope_get_reason (scope);
      CancelReason up_origin = cancel_scope_get_origin_reason (scope);

      /* The upstream's reason is recorded before its flag flips; a plain
       * g_cancellable_cancel() counts as manual. */
      if (up_reason == CANCEL_REASON_NONE)
        up_reason = CANCEL_REASON_MANUAL;
      if (up_origin == CANCEL_REASON_NONE)
        up_origin = up_reason;

      if (params->preserve_reason)
        {
          const char *up_message = cancel_scope_get_message (scope);

          reason = up_reason;
          origin = up_origin;
          message = up_message != NULL ? g_strdup (up_message)
                                       : g_strdup (_("Linked scope was cancelled"));
        }
      else
        {
          const char *name = cancel_scope_get_name (scope);

          reason = CANCEL_REASON_PARENT;
          origin = up_origin;
          if (name != NULL)
            message = g_strdup_printf (_("Linked scope “%s” was cancelled"), name);
          else
            message = g_strdup (_("Linked scope was cancelled"));
        }
    }
  else
    {
      /* A plain GCancellable has no reason of its own but "someone
       * cancelled it": manual, which is what preserving it keeps. */
      reason = params->preserve_reason ? CANCEL_REASON_MANUAL : CANCEL_REASON_PARENT;
      origin = CANCEL_REASON_MANUAL;
      message = g_strdup (_("Linked cancellable was cancelled"));
    }

  _cancel_source_fire (self, token->generation, reason, origin, message);
}

/* In the thread that cancelled @upstream, inside its emission. */
static void
linked_cancelled_cb (GCancellable *upstream,
                     gpointer      data)
{
  CancelSourceToken *token = _cancel_source_token_ref (data);

  linked_fire (token, upstream);
  _cancel_source_token_unref (token);
}

static void
cancellable_arm (CancelSource *self,
                 guint         generation)
{
  LinkParams *params = self->params;
  g_autoptr(GCancellable) upstream = g_weak_ref_get (&params->upstream);
  CancelSourceToken *token;
  gulong handler_id;

  /* Finalized: nothing can cancel it any more. */
  if (upstream == NULL)
    return;

  /* Not g_cancellable_connect(): disarming may run inside the upstream's
   * emission (a handler ends our scope), where g_cancellable_disconnect()
   * would wait for that very emission. A plain handler can be
   * disconnected from anywhere; its closure keeps the token alive while
   * an invocation in another thread finishes. */
  token = _cancel_source_token_new (self, generation, 0);
  handler_id = g_signal_connect_data (upstream, "cancelled",
                                      G_CALLBACK (linked_cancelled_cb),
                                      _cancel_source_token_ref (token),
                                      _cancel_source_token_closure_notify,
                                      0);

  /* A handler id fits a pointer wherever GLib runs, and is never 0. */
  if (_cancel_source_keep_armed (self, generation, GSIZE_TO_POINTER ((gsize) handler_id)) &&
      g_cancellable_is_cancelled (upstream))
    linked_fire (token, upstream);  /* at most once: _cancel_source_fire checks */

  _cancel_source_token_unref (token);
}

static void
cancellable_release (CancelSource *self,
                     gpointer      armed_data)
{
  LinkParams *params = self->params;
  gulong handler_id = (gulong) GPOINTER_TO_SIZE (armed_data);
  g_autoptr(GCancellable) upstream = g_weak_ref_get (&params->upstream);

  /* Not g_cancellable_disconnect(): see cancellable_arm(). If the
   * upstream was finalized, its handlers went with it. */
  if (upstream != NULL && g_signal_handler_is_connected (upstream, handler_id))
    g_signal_handler_disconnect (upstream, handler_id);
}

static void
cancellable_finalize (CancelSource *self)
{
  LinkParams *params = self->params;

  g_weak_ref_clear (&params->upstream);
  g_free (params);
}

static const CancelSourceKind cancellable_kind = {
  .name = "cancellable",
  .arm = cancellable_arm,
  .release = cancellable_release,
  .finalize = cancellable_finalize,
};

/**
 * cancel_source_new_cancellable: (constructor)
 * @cancellable: (not nullable): the cancellable to follow; it may be a [class@Cancel.Scope]
 * @preserve_reason: whether to cancel with @cancellable's own reason
 *
 * Makes a source that fires when @cancellable is cancelled, or as soon as
 * it is attached if @cancellable is cancelled already (like
 * [method@Gio.Cancellable.connect]).
 *
 * By default the scope is cancelled with [enum@Cancel.Reason.PARENT] and a
 * message naming the link ("Linked scope “Download” was cancelled", or
 * "Linked cancellable was cancelled"); its
 * [property@Cancel.Scope:origin-reason] is @cancellable's origin reason
 * if it is a scope, [enum@Cancel.Reason.MANUAL] otherwise.
 *
 * With @preserve_reason, a scope @cancellable passes on its own reason,
 * origin reason and message unchanged; a plain [class@Gio.Cancellable]
 * gives [enum@Cancel.Reason.MANUAL].
 *
 * The source fires in the thread that cancels @cancellable, inside its
 * [signal@Gio.Cancellable::cancelled] emission (or in the thread calling
 * [method@Cancel.Scope.add_source] if it was cancelled already). Links
 * may form cycles: cancellation stops at scopes already cancelled.
 *
 * The source does not keep @cancellable alive: once @cancellable is
 * finalized nothing can cancel it, and the source never fires.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full) (not nullable): a new source
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_cancellable (GCancellable *cancellable,
                               gboolean      preserve_reason)
{
  LinkParams *params;

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  params = g_new0 (LinkParams, 1);
  g_weak_ref_init (&params->upstream, cancellable);
  params->preserve_reason = !!preserve_reason;
  return _cancel_source_new (&cancellable_kind, params);
}
