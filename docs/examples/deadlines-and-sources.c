/* deadlines-and-sources.c: deadlines and the sources that cancel a scope,
 * from deadlines-and-sources.md. */
#include <cancelable.h>

static void
set_flag (CancelScope *scope,
          gpointer     data)
{
  *(gboolean *) data = TRUE;
}

/* Runs the main context until @scope is cancelled: connect_cancelled ()
 * wakes it, whichever thread cancelled. */
static void
wait_until_cancelled (CancelScope *scope)
{
  gboolean cancelled = FALSE;

  cancel_scope_connect_cancelled (scope, NULL, set_flag, &cancelled, NULL);
  while (!cancelled)
    g_main_context_iteration (NULL, TRUE);
}

static void
deadlines (void)
{
  g_autoptr(CancelScope) batch = cancel_scope_new_full (NULL, "Batch", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) item = cancel_scope_new_full (batch, "Item", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  cancel_scope_begin (batch);
  cancel_scope_begin (item);

  /* A child's effective deadline is the earliest of its own and its
   * ancestors': the batch's 0.1 s wins over the item's 60 s. */
  g_assert_true (cancel_scope_set_timeout (batch, 0.1, NULL));
  g_assert_true (cancel_scope_set_timeout (item, 60, NULL));
  g_assert_cmpint (cancel_scope_get_deadline (item), ==, cancel_scope_get_own_deadline (batch));

  /* More time for the batch: postpone () moves its own deadline. */
  g_assert_true (cancel_scope_postpone (batch, 0.1, NULL));
  g_assert_cmpint (cancel_scope_get_remaining (batch), >, 0);

  /* Bad values from users or configuration are GErrors, not criticals. */
  g_assert_false (cancel_scope_set_timeout (item, -1, &error));
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT);

  /* The deadline fires on the library's timer thread, main loop or not. */
  wait_until_cancelled (item);
  g_assert_cmpint (cancel_scope_get_reason (batch), ==, CANCEL_REASON_TIMEOUT);
  g_assert_cmpint (cancel_scope_get_reason (item), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (item), ==, CANCEL_REASON_TIMEOUT);

  cancel_scope_end (item);
  cancel_scope_end (batch);
  g_assert_cmpint (cancel_scope_get_status (batch), ==, CANCEL_STATUS_TIMED_OUT);
}

static gboolean
queue_is_full (gpointer data)
{
  guint *checks = data;

  return ++*checks == 3;
}

static void
sources (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Import", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(GCancellable) dialog = g_cancellable_new ();
  g_autoptr(CancelSource) sigterm = NULL;
  g_autoptr(CancelSource) closed = NULL;
  g_autoptr(CancelSource) full = NULL;
  g_autoptr(CancelSource) any = NULL;
  guint checks = 0;

  /* SIGINT and SIGTERM (the defaults), a cancellable of other code, and a
   * condition checked every 10 ms on this thread's main context: the first
   * to fire cancels the scope with its own reason. */
  sigterm = cancel_source_new_unix_signals (NULL, 0, NULL);
  closed = cancel_source_new_cancellable (dialog, FALSE);
  full = cancel_source_new_condition ("queue full", 0.01, g_main_context_default (),
                                      queue_is_full, &checks, NULL, NULL);
  any = cancel_source_new_any ((CancelSource *[]) { sigterm, closed, full }, 3);

  cancel_scope_begin (scope);
  cancel_scope_add_source (scope, any);

  wait_until_cancelled (scope);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_CONDITION);
  g_print ("%s\n", cancel_scope_get_message (scope));   /* met after 3 checks */

  /* Ending the scope disarms its sources: SIGTERM has its default action again. */
  cancel_scope_end (scope);
  g_assert_true (cancel_source_has_fired (any));
}

int
main (void)
{
  deadlines ();
  sources ();

  return 0;
}
