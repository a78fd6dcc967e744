/* cancel-source-timeout.c: a source that fires some time after it is attached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

/* Longest accepted timeout, as for cancel_scope_set_timeout(). */
#define MAX_TIMEOUT_SECONDS (100.0 * 365.25 * 24 * 3600)

typedef struct
{
  double seconds;
} TimeoutParams;

static void
timeout_fired_cb (gpointer data)
{
  CancelSourceToken *token = data;
  TimeoutParams *params = token->source->params;

  _cancel_source_fire (token->source, token->generation,
                       CANCEL_REASON_TIMEOUT, CANCEL_REASON_TIMEOUT,
                       g_strdup_printf (_("Timed out after %g s"), params->seconds));
}

/* Counts from now: from the attach, not from the construction. */
static void
timeout_arm (CancelSource *self,
             guint         generation)
{
  TimeoutParams *params = self->params;
  gint64 deadline = g_get_monotonic_time () + (gint64) (params->seconds * G_USEC_PER_SEC);

  _cancel_source_keep_armed (self, generation,
                             _cancel_timer_start (deadline, timeout_fired_cb,
                                                  _cancel_source_token_new (self, generation, 0),
                                                  _cancel_source_token_unref));
}

static void
timeout_release (CancelSource *self,
                 gpointer      timer)
{
  _cancel_timer_stop (timer);
}

static void
timeout_finalize (CancelSource *self)
{
  g_free (self->params);
}

static const CancelSourceKind timeout_kind = {
  .name = "timeout",
  .arm = timeout_arm,
  .release = timeout_release,
  .finalize = timeout_finalize,
};

/**
 * cancel_source_new_timeout: (constructor)
 * @seconds: how long after being attached the source fires; positive and
 *   finite (at most about a hundred years)
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires @seconds after it is attached with
 * [method@Cancel.Scope.add_source], not after it is made. It cancels its
 * scope with [enum@Cancel.Reason.TIMEOUT] and a message naming the
 * duration ("Timed out after 2.5 s"); a scope cancelled that way ends
 * [enum@Cancel.Status.TIMED_OUT].
 *
 * Two timeouts, two starting points: [method@Cancel.Scope.set_timeout]
 * counts from its call, this source counts from its attach. A source made
 * now and attached 200 ms later with @seconds = 1 fires 1.2 s from now. A
 * source removed and attached again counts afresh from the new attach.
 *
 * It fires whether or not any main loop runs: all timeouts of the process
 * share one timer heap on the library's timer thread (a timeout costs no
 * [struct@GLib.Source] of its own), and the scope's ::cancelled handlers
 * run on a firing thread.
 *
 * @seconds typically comes from a user or a configuration file, so a
 * value out of range is a [error@Cancel.Error], not a programmer error.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_TIMEOUT
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_timeout (double    seconds,
                           GError  **error)
{
  TimeoutParams *params;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS))
    {
      _cancel_i18n_init ();
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT,
                   _("Invalid timeout %g s: it must be positive, finite and at most 100 years"),
                   seconds);
      return NULL;
    }

  params = g_new0 (TimeoutParams, 1);
  params->seconds = seconds;
  return _cancel_source_new (&timeout_kind, params);
}
