/* cancel-scope-cancel.c: cancelling a scope: reasons and messages, and the
 * cascade that carries a cancellation to the descendants
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-debug-private.h"
#include "cancel-i18n-private.h"
#include "cancel-lock-private.h"
#include "cancel-scope-private.h"
#include "cancel-worker-private.h"

/* ------------------------------------------------------------------ */
/* The per-thread cascade                                              */

/* The children's message, "Parent %s was cancelled" as translated: the
 * text before and after its one "%s" (or "%1$s"). */
typedef struct
{
  const char *format;
  gsize       head_len;  /* up to the hole */
  const char *tail;      /* after the hole */
  gboolean    has_hole;
  gboolean    printf;    /* another '%' (a "%%"): formatted by printf */
} ParentFormat;

/* Each thread drains the cancellations it started from a work list, so
 * nested ::cancelled emissions never recurse past one level. While it
 * drains, it keeps the children's messages as translated: a chain makes
 * one message per link, and looking the translation up was a fifth of a
 * link's cost. They are looked up again by the next drain, so a change of
 * language between two outermost cancellations is seen (not one made by
 * a ::cancelled handler during the drain). */
typedef struct
{
  GPtrArray    *pending;
  gboolean      draining;
  ParentFormat  parent_formats[2];  /* cancelled, timed out; while draining */
} Cascade;

static void
cascade_free (gpointer data)
{
  Cascade *cascade = data;

  g_ptr_array_unref (cascade->pending);
  g_free (cascade);
}

static GPrivate cascade_key = G_PRIVATE_INIT (cascade_free);

static Cascade *
cascade_get (void)
{
  Cascade *cascade = g_private_get (&cascade_key);

  if (G_UNLIKELY (cascade == NULL))
    {
      cascade = g_new0 (Cascade, 1);
      cascade->pending = g_ptr_array_new ();
      g_private_set (&cascade_key, cascade);
    }

  return cascade;
}

/* The end of the outermost drain: the next one looks the translations
 * up again. */
static void
cascade_stop_draining (Cascade *cascade)
{
  cascade->draining = FALSE;
  memset (cascade->parent_formats, 0, sizeof cascade->parent_formats);
}

/* ------------------------------------------------------------------ */
/* Messages and errors                                                 */

#define OPEN_QUOTE  "“"
#define CLOSE_QUOTE "”"

typedef struct
{
  const char *text;
  gsize       len;
} TextPart;

#define ID_DIGITS 24

/* How messages name a scope: “name”, or #id, as three parts (the id's
 * text written at the end of @digits). No printf: a chain of scopes
 * names one per link. */
static void
scope_name_parts (CancelScope *self,
                  TextPart     parts[3],
                  char         digits[ID_DIGITS])
{
  if (self->name != NULL)
    {
      parts[0] = (TextPart) { OPEN_QUOTE, sizeof OPEN_QUOTE - 1 };
      parts[1] = (TextPart) { self->name, strlen (self->name) };
      parts[2] = (TextPart) { CLOSE_QUOTE, sizeof CLOSE_QUOTE - 1 };
    }
  else
    {
      char *text = digits + ID_DIGITS;
      guint64 id = self->id;

      do
        *--text = (char) ('0' + id % 10);
      while ((id /= 10) != 0);
      *--text = '#';
      parts[0] = (TextPart) { text, digits + ID_DIGITS - text };
      parts[1] = parts[2] = (TextPart) { NULL, 0 };
    }
}

/* @n_parts pieces of text joined, in @stack if it fits (returned as is)
 * or in a new allocation. */
static char *
join_parts (const TextPart *parts,
            guint           n_parts,
            char           *stack,
            gsize           stack_size,
            gsize          *len_out)
{
  gsize len = 0;
  char *text, *end;

  for (guint i = 0; i < n_parts; i++)
    len += parts[i].len;
  text = end = len < stack_size ? stack : g_malloc (len + 1);
  for (guint i = 0; i < n_parts; i++)
    {
      if (parts[i].len > 0)
        memcpy (end, parts[i].text, parts[i].len);
      end += parts[i].len;
    }
  *end = '\0';
  *len_out = len;

  return text;
}

static char *
describe_scope (CancelScope *self)
{
  TextPart parts[3];
  char digits[ID_DIGITS];
  gsize len;

  scope_name_parts (self, parts, digits);

  return join_parts (parts, G_N_ELEMENTS (parts), NULL, 0, &len);
}

static char *
format_duration (gint64 usec)
{
  return g_strdup_printf ("%g s", (double) usec / G_USEC_PER_SEC);
}

/* self->lock held. Makes the message of a deadline that fired on first
 * read; once set, it never changes. */
static const char *
cancel_scope_message_locked (CancelScope *self)
{
  if (self->message == NULL && self->cancel_requested && self->reason == CANCEL_REASON_TIMEOUT)
    {
      g_autofree char *duration = format_duration (self->timeout_duration);
      g_autofree char *message = g_strdup_printf (_("Timed out after %s"), duration);

      self->message = g_ref_string_new (message);
    }

  return self->message;
}

/* Must be called with self->lock held. */
GError *
_cancel_scope_make_error_locked (CancelScope *self)
{
  g_autofree char *who = describe_scope (self);
  CancelReason reason = self->reason != CANCEL_REASON_NONE ? self->reason : CANCEL_REASON_MANUAL;
  const char *message = cancel_scope_message_locked (self) != NULL ? self->message : _("Cancelled");

  _cancel_i18n_init ();

  if (reason == CANCEL_REASON_TIMEOUT)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                        _("Operation %s timed out: %s"), who, message);

  return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                      _("Operation %s was cancelled (%s): %s"),
                      who, cancel_reason_get_display_name (reason), message);
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */

static void
parent_format_parse (ParentFormat *parsed,
                     gboolean      timed_out)
{
  const char *format = timed_out ? _("Parent %s timed out") : _("Parent %s was cancelled");
  const char *hole = strstr (format, "%s");
  gsize hole_len = 2;

  if (hole == NULL && (hole = strstr (format, "%1$s")) != NULL)
    hole_len = 4;
  if (hole == NULL)
    hole = format + strlen (format), hole_len = 0;

  parsed->format = format;
  parsed->head_len = hole - format;
  parsed->tail = hole + hole_len;
  parsed->has_hole = hole_len > 0;
  parsed->printf = strchr (format, '%') != (hole_len > 0 ? hole : NULL) ||
                   strchr (parsed->tail, '%') != NULL;
}

/* The children's message of a scope that was cancelled or @timed_out: the
 * drain's copy, parsed on first use, or a new one outside a drain. */
static const ParentFormat *
parent_format_get (gboolean      timed_out,
                   ParentFormat *outside)
{
  Cascade *cascade = cascade_get ();
  ParentFormat *parsed = &cascade->parent_formats[timed_out ? 1 : 0];

  if (!cascade->draining)
    parsed = outside;
  else if (parsed->format != NULL)
    return parsed;

  parent_format_parse (parsed, timed_out);

  return parsed;
}

/* What the children of @self are told; self->lock held. One string is
 * shared by a whole fan-out, but a chain makes one per link: the
 * translated text is put together around its one "%s" (or "%1$s")
 * without printf, which was half of the cost of cancelling a link. */
char *
_cancel_scope_parent_message_locked (CancelScope *self)
{
  ParentFormat outside;
  const ParentFormat *parsed = parent_format_get (self->reason == CANCEL_REASON_TIMEOUT, &outside);
  gsize len;
  char digits[ID_DIGITS];
  char stack[256];
  TextPart parts[5] = { { NULL, 0 } };
  char *text, *message;

  /* Any other '%' (a translation's "%%"): printf's rules, printf's way. */
  if (parsed->printf)
    {
      g_autofree char *who = describe_scope (self);
      g_autofree char *formatted =
        self->reason == CANCEL_REASON_TIMEOUT ? g_strdup_printf (_("Parent %s timed out"), who)
                                              : g_strdup_printf (_("Parent %s was cancelled"), who);

      return g_ref_string_new (formatted);
    }

  /* Before, “name” or #id, after. */
  parts[0] = (TextPart) { parsed->format, parsed->head_len };
  if (parsed->has_hole)
    scope_name_parts (self, parts + 1, digits);
  parts[4] = (TextPart) { parsed->tail, strlen (parsed->tail) };

  text = join_parts (parts, G_N_ELEMENTS (parts), stack, sizeof stack, &len);
  message = g_ref_string_new_len (text, len);
  if (text != stack)
    g_free (text);

  return message;
}

/* g_cancellable_reset() has no hook: a scope notices it on its next use,
 * as a flag that flipped and is clear again, and forgets the cancellation
 * so that it can be cancelled anew. Ended scopes keep their record.
 * Returns TRUE if it forgot one (the caller queues CHANGES_CANCELLED);
 * self->lock held. */
static gboolean
cancel_scope_forget_reset_locked (CancelScope *self)
{
  if (G_LIKELY (!self->flipped) ||
      cancel_status_is_final (self->status) ||
      g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    return FALSE;

  self->cancel_requested = FALSE;
  self->flipped = FALSE;
  self->reason = CANCEL_REASON_NONE;
  self->origin = CANCEL_REASON_NONE;
  self->cancel_time = 0;
  /* get_message() lent it out "as long as the scope": kept until then. */
  if (self->message != NULL)
    {
      if (self->forgotten_messages == NULL)
        self->forgotten_messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ref_string_release);
      g_ptr_array_add (self->forgotten_messages, g_steal_pointer (&self->message));
    }

  return TRUE;
}

/* Whether @self counts as cancelled; self->lock held. */
gboolean
_cancel_scope_is_cancelled_locked (CancelScope *self)
{
  cancel_scope_forget_reset_locked (self);

  return self->cancel_requested || g_cancellable_is_cancelled (G_CANCELLABLE (self));
}

/* Records why, under self->lock, before the flag flips (rule 6).
 * Returns FALSE if the scope was already cancelled or ended. */
gboolean
_cancel_scope_mark_cancelled_locked (CancelScope  *self,
                                     CancelReason  reason,
                                     CancelReason  origin,
                                     char         *message,
                                     gint64        now)
{
  cancel_scope_forget_reset_locked (self);

  if (self->cancel_requested ||
      cancel_status_is_final (self->status) ||
      g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    {
      g_clear_pointer (&message, g_ref_string_release);
      return FALSE;
    }

  self->cancel_requested = TRUE;
  self->reason = reason;
  self->origin = origin;
  self->message = message;
  self->cancel_time = now;

  return TRUE;
}

/* Flips the flags of the scopes queued on this thread's cascade, one at a
 * time: each emission may queue more (children, linked sources), which
 * wait for the loop instead of nesting. */
static void
cascade_drain (Cascade *cascade)
{
  g_assert (cascade->draining);

  while (cascade->pending->len > 0)
    {
      CancelScope *next = g_ptr_array_steal_index_fast (cascade->pending,
                                                        cascade->pending->len - 1);

      /* Flag first: whoever hears of the reason sees the flag set. */
      g_cancellable_cancel (G_CANCELLABLE (next));
      _cancel_scope_queue_changes (next, CHANGES_CANCELLED);
      g_object_unref (next);
    }
}

/* Flips the flag of @self, whose cancellation was recorded, then queues
 * the notifications: a handler on the owner context that hears of the
 * reason sees the flag set. The thread's first flip becomes the cascade:
 * any cancellation requested during its emission, by our class handler
 * (children) or by handlers that run before it (a linked source
 * cancelling the next scope of a chain), is queued and flipped by the
 * loop, so neither a tree nor a chain of links grows the stack. */
void
_cancel_scope_flip (CancelScope *self)
{
  Cascade *cascade = cascade_get ();

  if (cascade->draining)
    {
      g_ptr_array_add (cascade->pending, g_object_ref (self));
      return;
    }

  /* A ::cancelled handler may drop the caller's last reference. */
  g_object_ref (self);
  cascade->draining = TRUE;
  g_cancellable_cancel (G_CANCELLABLE (self));
  _cancel_scope_queue_changes (self, CHANGES_CANCELLED);
  cascade_drain (cascade);
  cascade_stop_draining (cascade);
  g_object_unref (self);
}

gboolean
_cancel_scope_cancel_full (CancelScope  *self,
                           CancelReason  reason,
                           CancelReason  origin,
                           const char   *message)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (reason > CANCEL_REASON_NONE && reason <= CANCEL_REASON_DISCONNECTED, FALSE);
  g_return_val_if_fail (origin > CANCEL_REASON_NONE && origin <= CANCEL_REASON_DISCONNECTED, FALSE);

  return _cancel_scope_cancel_internal (self, reason, origin,
                                        g_ref_string_new (message != NULL ? message : _("Cancelled")));
}

/* Takes @message, a GRefString; NULL only for a timeout of the scope's own
 * deadline, whose message is made when first read. */
gboolean
_cancel_scope_cancel_internal (CancelScope  *self,
                               CancelReason  reason,
                               CancelReason  origin,
                               char         *message)
{
  gboolean cancelled;
  gboolean ended;

  cancel_mutex_lock (&self->lock);
  cancelled = _cancel_scope_mark_cancelled_locked (self, reason, origin, message,
                                                   g_get_monotonic_time ());
  ended = cancel_status_is_final (self->status);
  cancel_mutex_unlock (&self->lock);

  if (!cancelled)
    {
      /* The winner, in another thread, may not have flipped the flag yet;
       * like g_cancellable_cancel(), return with the scope cancelled. */
      if (!ended && !cascade_get ()->draining)
        g_cancellable_cancel (G_CANCELLABLE (self));
      return FALSE;
    }

  CANCEL_DEBUG_SCOPE (self, reason, "Cancelled: %s", cancel_scope_get_message (self));
  _cancel_scope_flip (self);

  return TRUE;
}

/**
 * cancel_scope_cancel:
 * @self: a scope
 * @reason: why; not %CANCEL_REASON_NONE
 * @message: (nullable): a human-readable explanation
 *
 * Cancels @self and its unshielded live descendants.
 *
 * Callable from any thread. The reason and message are recorded before the
 * cancellable's flag flips, so any thread that sees @self cancelled also
 * sees why. Only the first cancellation counts: later calls return %FALSE
 * and change nothing, as does cancelling a scope that already ended.
 *
 * [signal@Gio.Cancellable::cancelled] is emitted in the calling thread;
 * when called from inside such an emission, the flag of @self flips once
 * the outermost emission on this thread has finished its own work.
 *
 * Returns: %TRUE if this call cancelled @self
 *
 * Since: 0.1
 */
gboolean
cancel_scope_cancel (CancelScope  *self,
                     CancelReason  reason,
                     const char   *message)
{
  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (reason > CANCEL_REASON_NONE && reason <= CANCEL_REASON_DISCONNECTED, FALSE);

  return _cancel_scope_cancel_full (self, reason, reason, message);
}

/* Marks the unshielded live children of @self cancelled with PARENT and
 * queues them on this thread's cascade, in one pass under the tree lock. */
static void
cancel_scope_mark_children (CancelScope *self,
                            Cascade     *cascade)
{
  /* Dropped after the tree lock: one of these may be the last reference. */
  g_autoptr(GPtrArray) unref_later = NULL;
  gint64 now = g_get_monotonic_time ();
  char *child_message;
  CancelReason origin;

  cancel_mutex_lock (&_cancel_scope_tree_lock);
  cancel_mutex_lock (&self->lock);
  origin = self->origin != CANCEL_REASON_NONE ? self->origin : CANCEL_REASON_MANUAL;
  child_message = _cancel_scope_parent_message_locked (self);
  cancel_mutex_unlock (&self->lock);

  for (CancelScope *child = self->first_child; child != NULL; child = child->next_sibling)
    {
      /* A child being disposed on another thread is left alone. */
      CancelScope *ref = _cancel_scope_tree_ref_locked (child);
      gboolean marked;

      if (ref == NULL)
        continue;

      cancel_mutex_lock (&child->lock);
      marked = !child->shielded &&
               _cancel_scope_mark_cancelled_locked (child, CANCEL_REASON_PARENT, origin,
                                                    g_ref_string_acquire (child_message), now);
      cancel_mutex_unlock (&child->lock);

      if (marked)
        {
          CANCEL_DEBUG_SCOPE (child, CANCEL_REASON_PARENT, "Cancelled: %s", child_message);
          g_ptr_array_add (cascade->pending, ref);
        }
      else
        {
          if (unref_later == NULL)
            unref_later = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (unref_later, ref);
        }
    }

  g_ref_string_release (child_message);
  cancel_mutex_unlock (&_cancel_scope_tree_lock);
}

/* The class handler of ::cancelled: runs in the cancelling thread after
 * the handlers connected by users, for every cancellation of the scope,
 * including a plain g_cancellable_cancel(). */
void
_cancel_scope_cancelled (GCancellable *cancellable)
{
  CancelScope *self = (CancelScope *) cancellable;  /* the class handler: always ours */
  Cascade *cascade = cascade_get ();
  CancelTimer *timer;
  gboolean third_party = FALSE;

  cancel_mutex_lock (&self->lock);
  self->flipped = TRUE;
  if (!self->cancel_requested && !cancel_status_is_final (self->status))
    {
      /* Somebody called g_cancellable_cancel() directly. */
      self->cancel_requested = TRUE;
      self->reason = CANCEL_REASON_MANUAL;
      self->origin = CANCEL_REASON_MANUAL;
      self->message = g_ref_string_new (_("Cancelled"));
      self->cancel_time = g_get_monotonic_time ();
      third_party = TRUE;
    }
  timer = g_steal_pointer (&self->timer);
  _cancel_scope_wake_watches_locked (self);
  cancel_mutex_unlock (&self->lock);

  if (timer != NULL)
    _cancel_timer_stop (timer);

  if (third_party)
    {
      CANCEL_DEBUG_SCOPE (self, CANCEL_REASON_MANUAL, "Cancelled through GCancellable");
      _cancel_scope_queue_changes (self, CHANGES_CANCELLED);
    }

  /* A leaf skips the tree lock. Reading the head unlocked is safe: a child
   * linked concurrently sees our cancel_requested when it links. */
  if (g_atomic_pointer_get (&self->first_child) != NULL)
    cancel_scope_mark_children (self, cascade);

  /* A plain g_cancellable_cancel() starts a cascade here. */
  if (cascade->draining)
    return;

  cascade->draining = TRUE;
  cascade_drain (cascade);
  cascade_stop_draining (cascade);
}

/* Reads what the getters report about the cancellation. A scope whose
 * flag was flipped by a plain g_cancellable_cancel(), before our class
 * handler recorded it, reports a manual cancellation; but only while it
 * has not ended: an ended scope's record is final, and a flag flipped
 * after the end changes nothing it reports. */
static void
cancel_scope_read_cancellation (CancelScope   *self,
                                CancelReason  *reason,
                                CancelReason  *origin,
                                const char   **message,
                                gint64        *time)
{
  gboolean reset;
  gboolean flipped_unrecorded;

  cancel_mutex_lock (&self->lock);
  reset = cancel_scope_forget_reset_locked (self);
  flipped_unrecorded = !self->cancel_requested &&
                       !cancel_status_is_final (self->status) &&
                       g_cancellable_is_cancelled (G_CANCELLABLE (self));
  if (reason != NULL)
    *reason = flipped_unrecorded ? CANCEL_REASON_MANUAL : self->reason;
  if (origin != NULL)
    *origin = flipped_unrecorded ? CANCEL_REASON_MANUAL : self->origin;
  if (message != NULL)
    *message = flipped_unrecorded ? _("Cancelled") : cancel_scope_message_locked (self);
  if (time != NULL)
    *time = self->cancel_time;
  cancel_mutex_unlock (&self->lock);

  if (reset)
    _cancel_scope_queue_changes (self, CHANGES_CANCELLED);
}

/**
 * cancel_scope_get_reason: (get-property reason)
 * @self: a scope
 *
 * Why @self was cancelled. A scope whose cancellable flag was
 * flipped by a plain g_cancellable_cancel() reports %CANCEL_REASON_MANUAL.
 *
 * Callable from any thread.
 *
 * Returns: the reason, or %CANCEL_REASON_NONE if it was not cancelled
 *
 * Since: 0.1
 */
CancelReason
cancel_scope_get_reason (CancelScope *self)
{
  CancelReason reason;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_REASON_NONE);

  cancel_scope_read_cancellation (self, &reason, NULL, NULL, NULL);

  return reason;
}

/**
 * cancel_scope_get_origin_reason: (get-property origin-reason)
 * @self: a scope
 *
 * The reason at the root of the cascade that cancelled @self: for a child
 * of a timed-out parent, [method@Cancel.Scope.get_reason] says
 * %CANCEL_REASON_PARENT and this says %CANCEL_REASON_TIMEOUT. For a scope
 * cancelled directly it equals the reason.
 *
 * Callable from any thread.
 *
 * Returns: the origin reason, or %CANCEL_REASON_NONE
 *
 * Since: 0.1
 */
CancelReason
cancel_scope_get_origin_reason (CancelScope *self)
{
  CancelReason origin;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), CANCEL_REASON_NONE);

  cancel_scope_read_cancellation (self, NULL, &origin, NULL, NULL);

  return origin;
}

/**
 * cancel_scope_get_message: (get-property message)
 * @self: a scope
 *
 * The message given with the cancellation that won. It never changes once
 * set, so the string stays valid as long as @self.
 *
 * Callable from any thread.
 *
 * Returns: (nullable): the message, or %NULL if not cancelled
 *
 * Since: 0.1
 */
const char *
cancel_scope_get_message (CancelScope *self)
{
  const char *message;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), NULL);

  cancel_scope_read_cancellation (self, NULL, NULL, &message, NULL);

  return message;
}

/**
 * cancel_scope_get_cancel_time: (get-property cancel-time)
 * @self: a scope
 *
 * When the cancellation that won was requested, in monotonic µs
 * (g_get_monotonic_time()).
 *
 * Callable from any thread.
 *
 * Returns: the time, or 0 if @self was not cancelled
 *
 * Since: 0.1
 */
gint64
cancel_scope_get_cancel_time (CancelScope *self)
{
  gint64 time;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), 0);

  cancel_scope_read_cancellation (self, NULL, NULL, NULL, &time);

  return time;
}

/**
 * cancel_scope_set_error_if_cancelled:
 * @self: a scope
 * @error: return location for the cancellation error
 *
 * Like g_cancellable_set_error_if_cancelled(), with a message that names
 * the operation and the reason. The error is %G_IO_ERROR_CANCELLED, or
 * %G_IO_ERROR_TIMED_OUT when the reason is %CANCEL_REASON_TIMEOUT, so
 * callers that test `g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED)`
 * keep working for every other reason.
 *
 * Callable from any thread.
 *
 * Returns: %TRUE if @self is cancelled and @error was set
 *
 * Since: 0.1
 */
gboolean
cancel_scope_set_error_if_cancelled (CancelScope  *self,
                                     GError      **error)
{
  GError *local;

  g_return_val_if_fail (CANCEL_IS_SCOPE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_cancellable_is_cancelled (G_CANCELLABLE (self)))
    return FALSE;

  cancel_mutex_lock (&self->lock);
  local = _cancel_scope_make_error_locked (self);
  cancel_mutex_unlock (&self->lock);

  g_propagate_error (error, local);

  return TRUE;
}
