/* scopes.c: reasons, nesting, shields and the guard, from scopes.md. */
#include <cancelable.h>

/* Stands in for real work that fails: the disk is full. */
static gboolean
save_document (const char    *text,
               GCancellable  *cancellable,
               GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
  return FALSE;
}

static void
reasons (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Export");
  g_autoptr(GError) error = NULL;

  cancel_scope_begin (scope);

  /* The first cancellation wins: its reason and message stay. */
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Cancelled by user"));
  g_assert_false (cancel_scope_cancel (scope, CANCEL_REASON_TIMEOUT, "Too slow"));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);

  /* Errors keep GIO's contract: G_IO_ERROR_CANCELLED, the reason in the text. */
  g_assert_true (cancel_scope_set_error_if_cancelled (scope, &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_print ("%s\n", error->message);

  cancel_scope_fail (scope, error);   /* a cancellation, so CANCELLED */
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
}

static void
nesting (void)
{
  g_autoptr(CancelScope) sync = cancel_scope_new ("Sync");
  g_autoptr(CancelScope) upload = NULL;
  g_autoptr(CancelScope) journal = NULL;

  /* cancel_scope_new () takes the thread's current scope as its parent. */
  cancel_scope_begin (sync);
  cancel_scope_push_current (sync);
  upload = cancel_scope_new ("Upload");
  /* new_full () takes the parent it is given; a shield keeps it running. */
  journal = cancel_scope_new_full (sync, "Write journal", CANCEL_SCOPE_FLAGS_SHIELDED);
  cancel_scope_pop_current (sync);

  cancel_scope_begin (upload);
  cancel_scope_begin (journal);
  g_assert_cmpint (cancel_scope_get_status (journal), ==, CANCEL_STATUS_SHIELDED);

  cancel_scope_cancel (sync, CANCEL_REASON_SIGNAL, "SIGTERM");

  /* The child says why: its parent; and what started it: a signal. */
  g_assert_cmpint (cancel_scope_get_reason (upload), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (upload), ==, CANCEL_REASON_SIGNAL);
  g_print ("%s\n", cancel_scope_get_message (upload));
  /* The shielded child finishes its work. */
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (journal)));

  cancel_scope_end (journal);   /* COMPLETED */
  cancel_scope_end (upload);    /* CANCELLED */
  cancel_scope_end (sync);      /* CANCELLED */
  g_assert_cmpint (cancel_scope_get_status (journal), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_status (upload), ==, CANCEL_STATUS_CANCELLED);
}

static CancelStatus
save_with_guard (const char *text)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Save document");
  g_autoptr(GError) error = NULL;

  {
    g_auto(CancelScopeGuard) guard = cancel_scope_enter (scope);

    if (!save_document (text, G_CANCELLABLE (scope), &error))
      cancel_scope_fail (scope, error);   /* FAILED, or CANCELLED if cancelled */
  }   /* the guard ends the scope here, COMPLETED unless it failed */

  return cancel_scope_get_status (scope);
}

int
main (void)
{
  reasons ();
  nesting ();
  g_assert_cmpint (save_with_guard ("Hello"), ==, CANCEL_STATUS_FAILED);

  return 0;
}
