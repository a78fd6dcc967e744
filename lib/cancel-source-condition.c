/* cancel-source-condition.c: a source that polls a function
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

/* Intervals beyond this are polled at this interval: it keeps the next
 * ready time far from overflowing. */
#define MAX_INTERVAL_US ((gint64) G_MAXINT32 * G_USEC_PER_SEC)

typedef struct
{
  char                *name;
  gint64               interval_us;
  GMainContext        *context;  /* NULL: the worker's */
  CancelConditionFunc  func;
  gpointer             user_data;
  GDestroyNotify       destroy;
} ConditionParams;

/* A source with no fd and no timeout: only its ready time, which starts
 * at "now" (the first check is immediate) and moves one interval on after
 * each check. */
static gboolean
condition_source_dispatch (GSource     *gsource,
                           GSourceFunc  callback,
                           gpointer     data)
{
  CancelSourceToken *token;
  gboolean again;

  if (callback == NULL)
    return G_SOURCE_REMOVE;

  token = _cancel_source_token_ref (data);
  again = callback (token);
  if (again)
    {
      ConditionParams *params = token->source->params;

      g_source_set_ready_time (gsource, g_source_get_time (gsource) + params->interval_us);
    }
  _cancel_source_token_unref (token);

  return again;
}

static GSourceFuncs condition_source_funcs = {
  .dispatch = condition_source_dispatch,
};

static char *
condition_describe (ConditionParams *params,
                    guint            n_checks)
{
  if (params->name != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Condition “%s” met after %u check",
                                         "Condition “%s” met after %u checks",
                                         n_checks),
                            params->name, n_checks);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Condition met after %u check",
                                       "Condition met after %u checks",
                                       n_checks),
                          n_checks);
}

/* Where the condition fires: inline on a caller's context, on a firing
 * thread from the worker (see signal_fire() in cancel-source-signals.c). */
static void
condition_fire (gpointer data,
                gpointer unused)
{
  CancelSourceToken *token = data;

  _cancel_source_fire (token->source, token->generation,
                       CANCEL_REASON_CONDITION, CANCEL_REASON_CONDITION,
                       condition_describe (token->source->params, token->n_checks));
  _cancel_source_token_unref (token);
}

/* On the polling context's thread. Returns whether to keep polling. */
static gboolean
condition_check_cb (gpointer data)
{
  CancelSourceToken *token = data;
  CancelSource *self = token->source;
  ConditionParams *params = self->params;

  if (!_cancel_source_is_live (self, token->generation))
    return G_SOURCE_REMOVE;

  token->n_checks++;
  if (!params->func (params->user_data))
    return G_SOURCE_CONTINUE;

  if (params->context != NULL)
    condition_fire (_cancel_source_token_ref (token), NULL);
  else
    _cancel_worker_fire (condition_fire, _cancel_source_token_ref (token));
  return G_SOURCE_REMOVE;
}

static void
condition_arm (CancelSource *self,
               guint         generation)
{
  ConditionParams *params = self->params;
  GSource *gsource = g_source_new (&condition_source_funcs, sizeof (GSource));

  g_source_set_callback (gsource, condition_check_cb,
                         _cancel_source_token_new (self, generation, 0),
                         _cancel_source_token_unref);
  g_source_set_ready_time (gsource, 0);
  g_source_set_static_name (gsource, "[cancelable] condition source");
  g_source_attach (gsource, params->context != NULL ? params->context
                                                    : _cancel_worker_get_context ());

  _cancel_source_keep_armed (self, generation, gsource);
}

static void
condition_release (CancelSource *self,
                   gpointer      gsource)
{
  g_source_destroy (gsource);
  g_source_unref (gsource);
}

static void
condition_params_free (ConditionParams *params)
{
  if (params->destroy != NULL)
    params->destroy (params->user_data);
  g_clear_pointer (&params->context, g_main_context_unref);
  g_free (params->name);
  g_free (params);
}

static void
condition_finalize (CancelSource *self)
{
  condition_params_free (self->params);
}

static const CancelSourceKind condition_kind = {
  .name = "condition",
  .arm = condition_arm,
  .release = condition_release,
  .finalize = condition_finalize,
};

/**
 * cancel_source_new_condition: (constructor)
 * @name: (nullable): what the condition stands for, quoted in the
 *   cancellation message ("disk full")
 * @interval_seconds: time between two checks, positive and finite
 * @context: (nullable): the main context to poll on, or %NULL for the
 *   library's worker thread
 * @func: (scope notified) (closure user_data) (destroy destroy): the
 *   condition
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires when @func returns %TRUE. @func is first
 * called as soon as the source is attached, then every @interval_seconds
 * while it is armed; it stops being called once it returned %TRUE or the
 * source was disarmed (a check already running then still completes).
 * When it returns %TRUE, the source cancels its scope with
 * [enum@Cancel.Reason.CONDITION] and a message naming @name and counting
 * the checks made in this arming ("Condition “disk full” met after 3
 * checks", or "Condition met after 3 checks" without a name).
 *
 * With a @context, @func runs in a [struct@GLib.Source] attached to it,
 * so only in the thread that iterates @context (the default main context
 * for a GUI, or a language binding that cannot run code in other
 * threads, such as GJS); the source then also cancels its scope in that
 * thread, where the scope's ::cancelled handlers run. A context nobody
 * iterates never checks.
 *
 * With %NULL, @func runs on the library's worker thread, never in the
 * caller's thread, so it must be thread-safe and quick: a @func that
 * blocks delays the other conditions and signal sources (never deadlines,
 * which have a thread of their own). The scope is then cancelled on a
 * firing thread.
 *
 * @interval_seconds may come from a user or a configuration: a value that
 * is not positive and finite is a [error@Cancel.Error].
 *
 * @destroy is called on @user_data when the source is finalized, in
 * whichever thread drops the last reference; if the source cannot be made
 * (@error is set) it is called before this function returns.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_INTERVAL
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_condition (const char           *name,
                             double                interval_seconds,
                             GMainContext         *context,
                             CancelConditionFunc   func,
                             gpointer              user_data,
                             GDestroyNotify        destroy,
                             GError              **error)
{
  ConditionParams *params;

  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  params = g_new0 (ConditionParams, 1);
  params->func = func;
  params->user_data = user_data;
  params->destroy = destroy;

  if (!(interval_seconds > 0 && isfinite (interval_seconds)))
    {
      _cancel_i18n_init ();
      g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_INTERVAL,
                   _("Invalid polling interval %g s: it must be positive and finite"),
                   interval_seconds);
      condition_params_free (params);
      return NULL;
    }

  params->name = g_strdup (name);
  params->context = context != NULL ? g_main_context_ref (context) : NULL;
  if (interval_seconds * G_USEC_PER_SEC >= (double) MAX_INTERVAL_US)
    params->interval_us = MAX_INTERVAL_US;
  else
    params->interval_us = MAX ((gint64) (interval_seconds * G_USEC_PER_SEC), 1);
  return _cancel_source_new (&condition_kind, params);
}
