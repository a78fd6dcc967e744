/* threading.c: which thread runs which handler, from threading.md. */
#include <cancelable.h>

static GThread *main_thread;

/* GCancellable::cancelled runs in the cancelling thread: here, the
 * library's firing thread of the deadline. Keep it short and thread-safe. */
static void
on_cancelled_signal (GCancellable *cancellable,
                     gpointer      data)
{
  g_atomic_pointer_set ((GThread **) data, g_thread_self ());
}

/* connect_cancelled () runs the callback on a main context: NULL means the
 * scope's owner context, here the main thread's. GTK may be touched here. */
static void
on_cancelled_here (CancelScope *scope,
                   gpointer     data)
{
  *(GThread **) data = g_thread_self ();
}

/* started, finished, progress and notify are emitted on the owner
 * context too, whichever thread caused them. */
static void
on_finished (CancelScope  *scope,
             CancelStatus  status,
             gpointer      data)
{
  g_assert_true (g_thread_self () == main_thread);
  *(CancelStatus *) data = status;
}

/* wait_async () completes on the calling thread's context with the final
 * status, whichever thread ended the scope. */
static void
on_ended (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  *(CancelStatus *) data = cancel_scope_wait_finish (CANCEL_SCOPE (source), result, NULL);
}

static gpointer
worker (gpointer data)
{
  CancelScope *scope = data;

  /* Every scope function may be called from any thread. */
  cancel_scope_report_progress (scope, 1.0, "Done");
  cancel_scope_end (scope);
  return NULL;
}

int
main (void)
{
  g_autoptr(CancelScope) scope = cancel_scope_new ("Index mail");
  GThread *signal_thread = NULL, *callback_thread = NULL;
  CancelStatus finished = CANCEL_STATUS_PENDING;
  CancelStatus ended = CANCEL_STATUS_PENDING;

  main_thread = g_thread_self ();
  /* The owner context: the thread-default context when the scope was made. */
  g_assert_true (cancel_scope_get_context (scope) == g_main_context_default ());

  g_signal_connect (scope, "cancelled", G_CALLBACK (on_cancelled_signal), &signal_thread);
  g_signal_connect (scope, "finished", G_CALLBACK (on_finished), &finished);
  cancel_scope_connect_cancelled (scope, NULL, on_cancelled_here, &callback_thread, NULL);
  cancel_scope_wait_async (scope, NULL, on_ended, &ended);

  cancel_scope_begin (scope);
  cancel_scope_set_timeout (scope, 0.01, NULL);
  while (callback_thread == NULL || g_atomic_pointer_get (&signal_thread) == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (callback_thread == main_thread);
  g_assert_true (g_atomic_pointer_get (&signal_thread) != main_thread);

  /* Ended on a worker thread: finished still arrives on this thread. */
  g_thread_join (g_thread_new ("worker", worker, scope));
  while (finished == CANCEL_STATUS_PENDING || ended == CANCEL_STATUS_PENDING)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (finished, ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_cmpint (ended, ==, CANCEL_STATUS_TIMED_OUT);

  return 0;
}
