/* troubleshooting.c: GCancellable pitfalls and how to check a scope's
 * state, from troubleshooting.md. */
#include <cancelable.h>

typedef struct {
  GCancellable *cancellable;
  gulong        handler;
} Watch;

/* Never call g_cancellable_disconnect () from the handler it disconnects:
 * it waits for the running emission to finish, which is this very call,
 * and deadlocks. Defer it to the main loop. */
static gboolean
disconnect_later (gpointer data)
{
  Watch *watch = data;

  g_cancellable_disconnect (watch->cancellable, watch->handler);
  watch->handler = 0;
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  g_idle_add (disconnect_later, data);
}

static void
disconnect_outside_the_handler (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Fetch");
  Watch watch = { G_CANCELLABLE (scope), 0 };

  watch.handler = g_cancellable_connect (G_CANCELLABLE (scope), G_CALLBACK (on_cancelled), &watch, NULL);
  cancel_scope_begin (scope);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, NULL);
  while (watch.handler != 0)
    g_main_context_iteration (NULL, TRUE);
  cancel_scope_end (scope);
}

static void
record (CancelScope *scope,
        gpointer     data)
{
  *(gboolean *) data = TRUE;
}

/* ::cancelled handlers run inside cancel (), in the cancelling thread: on
 * the main thread, one that blocks freezes the window. Work that takes
 * time goes to a callback that runs later, or to another thread. */
static void
slow_reaction_runs_later (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Render");
  gboolean ran = FALSE;

  cancel_scope_begin (scope);
  cancel_scope_connect_cancelled (scope, NULL, record, &ran, NULL);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Cancelled by user");
  g_assert_false (ran);   /* cancel () returned at once */
  while (!ran)
    g_main_context_iteration (NULL, TRUE);
  cancel_scope_end (scope);
}

/* A new scope per attempt, rather than g_cancellable_reset () on one an
 * operation may still hold. */
static gboolean
try_once (guint attempt)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Connect");
  g_autoptr(GError) error = NULL;

  cancel_scope_begin (scope);
  if (attempt == 0)
    cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, "No answer");
  if (cancel_scope_set_error_if_cancelled (scope, &error))
    {
      cancel_scope_fail (scope, error);
      return FALSE;
    }
  cancel_scope_end (scope);
  return TRUE;
}

/* What a scope can tell you, from any thread. */
static void
print_state (CancelScope *scope)
{
  g_autoptr(GError) error = cancel_scope_dup_error (scope);
  gint64 remaining = cancel_scope_get_remaining (scope);

  g_print ("%s: %s, reason %s (origin %s), message “%s”, %s, %s\n",
           cancel_scope_get_name (scope),
           cancel_status_to_string (cancel_scope_get_status (scope)),
           cancel_reason_to_string (cancel_scope_get_reason (scope)),
           cancel_reason_to_string (cancel_scope_get_origin_reason (scope)),
           cancel_scope_get_message (scope) ? cancel_scope_get_message (scope) : "",
           error != NULL ? error->message : "no error",
           remaining == CANCEL_NO_DEADLINE ? "no deadline" : "deadline set");
}

int
main (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Print");

  disconnect_outside_the_handler ();
  slow_reaction_runs_later ();

  g_assert_false (try_once (0));
  g_assert_true (try_once (1));

  cancel_scope_begin (scope);
  cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "Received SIGINT");
  cancel_scope_end (scope);
  print_state (scope);

  return 0;
}
