/* cancel-source-signals.c: a source that fires on a UNIX signal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "cancel-i18n-private.h"
#include "cancel-source-private.h"
#include "cancel-worker-private.h"

typedef struct
{
  int   *signals;
  gsize  n_signals;
} SignalsParams;

/* The signals g_unix_signal_source_new() accepts. */
static const int supported_signals[] = {
  SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
};

static const struct
{
  int         number;
  const char *name;
} signal_names[] = {
#define SIGNAL_NAME(s) { s, #s }
  SIGNAL_NAME (SIGHUP), SIGNAL_NAME (SIGINT), SIGNAL_NAME (SIGQUIT),
  SIGNAL_NAME (SIGILL), SIGNAL_NAME (SIGTRAP), SIGNAL_NAME (SIGABRT),
  SIGNAL_NAME (SIGBUS), SIGNAL_NAME (SIGFPE), SIGNAL_NAME (SIGKILL),
  SIGNAL_NAME (SIGUSR1), SIGNAL_NAME (SIGSEGV), SIGNAL_NAME (SIGUSR2),
  SIGNAL_NAME (SIGPIPE), SIGNAL_NAME (SIGALRM), SIGNAL_NAME (SIGTERM),
  SIGNAL_NAME (SIGCHLD), SIGNAL_NAME (SIGCONT), SIGNAL_NAME (SIGSTOP),
  SIGNAL_NAME (SIGTSTP), SIGNAL_NAME (SIGTTIN), SIGNAL_NAME (SIGTTOU),
  SIGNAL_NAME (SIGURG), SIGNAL_NAME (SIGXCPU), SIGNAL_NAME (SIGXFSZ),
  SIGNAL_NAME (SIGVTALRM), SIGNAL_NAME (SIGPROF), SIGNAL_NAME (SIGWINCH),
  SIGNAL_NAME (SIGSYS),
#undef SIGNAL_NAME
};

static const char *
signal_get_name (int signum)
{
  for (gsize i = 0; i < G_N_ELEMENTS (signal_names); i++)
    {
      if (signal_names[i].number == signum)
        return signal_names[i].name;
    }
  return NULL;
}

static gboolean
signal_is_supported (int signum)
{
  for (gsize i = 0; i < G_N_ELEMENTS (supported_signals); i++)
    {
      if (supported_signals[i] == signum)
        return TRUE;
    }
  return FALSE;
}

/* On a firing thread: cancelling runs ::cancelled handlers, which must
 * not hold up the worker's other signal watches and conditions. */
static void
signal_fire (gpointer data,
             gpointer unused)
{
  CancelSourceToken *token = data;
  const char *name = signal_get_name (token->signum);

  _cancel_source_fire (token->source, token->generation,
                       CANCEL_REASON_SIGNAL, CANCEL_REASON_SIGNAL,
                       g_strdup_printf (_("Received %s"), name));
  _cancel_source_token_unref (token);
}

/* On the worker thread. */
static gboolean
signal_received_cb (gpointer data)
{
  _cancel_worker_fire (signal_fire, _cancel_source_token_ref (data));

  /* Stay installed while armed: removing the last watch of a signal
   * restores its default action, and a second Ctrl+C would then kill the
   * process before the scope had a chance to end. */
  return G_SOURCE_CONTINUE;
}

static void
signals_arm (CancelSource *self,
             guint         generation)
{
  SignalsParams *params = self->params;
  GMainContext *context = _cancel_worker_get_context ();
  GPtrArray *gsources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);

  for (gsize i = 0; i < params->n_signals; i++)
    {
      int signum = params->signals[i];
      GSource *gsource = g_unix_signal_source_new (signum);

      g_source_set_callback (gsource, signal_received_cb,
                             _cancel_source_token_new (self, generation, signum),
                             _cancel_source_token_unref);
      g_source_set_static_name (gsource, "[cancelable] signal source");
      g_source_attach (gsource, context);
      g_ptr_array_add (gsources, gsource);
    }

  _cancel_source_keep_armed (self, generation, gsources);
}

static void
signals_release (CancelSource *self,
                 gpointer      armed_data)
{
  GPtrArray *gsources = armed_data;

  for (guint i = 0; i < gsources->len; i++)
    g_source_destroy (g_ptr_array_index (gsources, i));
  g_ptr_array_unref (gsources);
}

static void
signals_finalize (CancelSource *self)
{
  SignalsParams *params = self->params;

  g_free (params->signals);
  g_free (params);
}

static const CancelSourceKind signals_kind = {
  .name = "unix-signals",
  .arm = signals_arm,
  .release = signals_release,
  .finalize = signals_finalize,
};

/**
 * cancel_source_new_unix_signals: (constructor)
 * @signals: (array length=n_signals) (nullable): the signal numbers, or
 *   %NULL for `SIGINT` and `SIGTERM`
 * @n_signals: the length of @signals; 0 also means `SIGINT` and `SIGTERM`
 * @error: return location for a [error@Cancel.Error]
 *
 * Makes a source that fires when the process receives one of @signals,
 * through GLib's UNIX signal sources ([func@GLib.unix_signal_source_new]).
 * Only the signals GLib can watch are accepted: `SIGHUP`, `SIGINT`,
 * `SIGTERM`, `SIGUSR1`, `SIGUSR2` and `SIGWINCH`; any other number (a
 * value that may come from a command line or a configuration) is a
 * [error@Cancel.Error]. It cancels its scope with
 * [enum@Cancel.Reason.SIGNAL] and a message naming the signal
 * ("Received SIGINT").
 *
 * The signals are watched only while the source is armed, on the
 * library's worker thread; the scope's ::cancelled handlers run on a
 * firing thread. While they are watched, the signals no longer have their
 * default action; when the last watch of a signal goes, GLib restores its
 * default action.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new source, or %NULL with @error set to
 *   %CANCEL_ERROR_INVALID_SIGNAL
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_unix_signals (const int  *signals,
                                gsize       n_signals,
                                GError    **error)
{
  static const int default_signals[] = { SIGINT, SIGTERM };
  SignalsParams *params;

  g_return_val_if_fail (signals != NULL || n_signals == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (signals == NULL || n_signals == 0)
    {
      signals = default_signals;
      n_signals = G_N_ELEMENTS (default_signals);
    }

  for (gsize i = 0; i < n_signals; i++)
    {
      if (!signal_is_supported (signals[i]))
        {
          const char *name = signal_get_name (signals[i]);
          g_autofree char *described = NULL;

          _cancel_i18n_init ();
          if (name != NULL)
            described = g_strdup_printf ("%s (%d)", name, signals[i]);
          else
            described = g_strdup_printf ("%d", signals[i]);

          g_set_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_SIGNAL,
                       _("Cannot watch signal %s: only SIGHUP, SIGINT, SIGTERM, "
                         "SIGUSR1, SIGUSR2 and SIGWINCH are supported"),
                       described);
          return NULL;
        }
    }

  params = g_new0 (SignalsParams, 1);
  params->signals = g_memdup2 (signals, n_signals * sizeof (int));
  params->n_signals = n_signals;
  return _cancel_source_new (&signals_kind, params);
}
