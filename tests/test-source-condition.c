/* test-source-condition.c: named conditions, their check count, and
 * conditions polled on a main context of the caller's
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

#include "cancel-test-util.h"

/* A condition that turns true at its @true_at-th check of each arming,
 * and notes whether any check ran outside @expected (when set). */
typedef struct
{
  int      calls;
  int      true_at;
  int      since_armed;
  GThread *expected;
  int      wrong_thread;
} Countdown;

static gboolean
countdown_cb (gpointer user_data)
{
  Countdown *countdown = user_data;

  if (countdown->expected != NULL && g_thread_self () != countdown->expected)
    g_atomic_int_set (&countdown->wrong_thread, 1);
  g_atomic_int_inc (&countdown->calls);
  return g_atomic_int_add (&countdown->since_armed, 1) + 1 == countdown->true_at;
}

/* The name and the number of checks of this arming make the message; a
 * new arming counts afresh. */
static void
test_named (void)
{
  Countdown countdown = { .true_at = 3 };
  g_autoptr(CancelScope) first = new_private_scope (NULL, "First");
  g_autoptr(CancelScope) second = new_private_scope (NULL, "Second");
  g_autoptr(CancelSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  source = cancel_source_new_condition ("disk full", 0.005, NULL, countdown_cb, &countdown,
                                        NULL, &error);
  g_assert_no_error (error);

  cancel_scope_begin (first);
  g_assert_true (cancel_scope_add_source (first, source));
  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (first)));
  g_assert_cmpint (cancel_scope_get_reason (first), ==, CANCEL_REASON_CONDITION);
  g_assert_cmpstr (cancel_scope_get_message (first), ==,
                   "Condition “disk full” met after 3 checks");

  /* Polling stopped with the true check: the countdown is ours again. */
  cancel_scope_remove_source (first, source);
  g_assert_cmpint (g_atomic_int_get (&countdown.calls), ==, 3);
  g_atomic_int_set (&countdown.since_armed, 0);

  cancel_scope_begin (second);
  g_assert_true (cancel_scope_add_source (second, source));
  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (second)));
  g_assert_cmpstr (cancel_scope_get_message (second), ==,
                   "Condition “disk full” met after 3 checks");
  message = cancel_source_dup_message (source);
  g_assert_cmpstr (message, ==, "Condition “disk full” met after 3 checks");

  cancel_scope_end (first);
  cancel_scope_end (second);
}

/* A main context iterated by a thread of the test's, until @stop. */
typedef struct
{
  GMainContext *context;
  GThread      *thread;
  int           stop;
  Latch         started;

  /* Read after the thread was joined. */
  CancelScope  *scope;
  GThread      *cancelled_in;
  int           cancelled_calls;
} Loop;

static gpointer
loop_thread_main (gpointer data)
{
  Loop *loop = data;

  g_main_context_push_thread_default (loop->context);
  latch_set (&loop->started);
  while (!g_atomic_int_get (&loop->stop))
    g_main_context_iteration (loop->context, TRUE);
  g_main_context_pop_thread_default (loop->context);
  return NULL;
}

static gboolean
loop_stop_cb (gpointer data)
{
  Loop *loop = data;

  g_atomic_int_set (&loop->stop, 1);
  return G_SOURCE_REMOVE;
}

static void
loop_start (Loop *loop)
{
  loop->context = g_main_context_new ();
  latch_init (&loop->started);
  loop->thread = g_thread_new ("test-condition-loop", loop_thread_main, loop);
  latch_wait (&loop->started);
}

static void
loop_join (Loop *loop)
{
  GSource *stop = g_idle_source_new ();

  g_source_set_callback (stop, loop_stop_cb, loop, NULL);
  g_source_attach (stop, loop->context);
  g_source_unref (stop);
  g_thread_join (loop->thread);
  latch_clear (&loop->started);
  g_main_context_unref (loop->context);
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      data)
{
  Loop *loop = data;

  loop->cancelled_in = g_thread_self ();
  loop->cancelled_calls++;
}

/* Every check runs in the thread that iterates the given context, never
 * on the library's worker, and the scope is cancelled there too. */
static void
test_context (void)
{
  Loop loop = { 0 };
  Countdown countdown = { .true_at = 4 };
  g_autoptr(CancelSource) source = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;

  loop_start (&loop);
  countdown.expected = loop.thread;
  loop.scope = new_private_scope (NULL, "Polled here");
  handler = g_signal_connect (loop.scope, "cancelled", G_CALLBACK (cancelled_cb), &loop);
  cancel_scope_begin (loop.scope);

  source = cancel_source_new_condition ("ready", 0.005, loop.context, countdown_cb, &countdown,
                                        NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cancel_scope_add_source (loop.scope, source));
  WAIT_UNTIL (NULL, g_cancellable_is_cancelled (G_CANCELLABLE (loop.scope)));

  loop_join (&loop);
  g_assert_cmpint (countdown.calls, ==, 4);
  g_assert_cmpint (countdown.wrong_thread, ==, 0);
  g_assert_cmpint (loop.cancelled_calls, ==, 1);
  g_assert_true (loop.cancelled_in == loop.thread);
  g_assert_cmpstr (cancel_scope_get_message (loop.scope), ==,
                   "Condition “ready” met after 4 checks");

  g_signal_handler_disconnect (loop.scope, handler);
  cancel_scope_end (loop.scope);
  g_clear_object (&loop.scope);
}

/* A context nobody iterates never checks: the worker does not stand in. */
static void
test_context_not_iterated (void)
{
  g_autoptr(GMainContext) idle = g_main_context_new ();
  Countdown polled_here = { .true_at = -1 };
  Countdown polled_there = { .true_at = -1 };
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Idle context");
  g_autoptr(CancelSource) here = NULL;
  g_autoptr(CancelSource) there = NULL;

  here = cancel_source_new_condition (NULL, 0.001, idle, countdown_cb, &polled_here, NULL, NULL);
  there = cancel_source_new_condition (NULL, 0.001, NULL, countdown_cb, &polled_there, NULL, NULL);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_add_source (scope, here));
  g_assert_true (cancel_scope_add_source (scope, there));

  /* Many worker polls went by meanwhile. */
  WAIT_UNTIL (NULL, g_atomic_int_get (&polled_there.calls) >= 5);
  g_assert_cmpint (g_atomic_int_get (&polled_here.calls), ==, 0);

  /* Ending disarms both; then the context holds nothing of ours. */
  cancel_scope_end (scope);
  g_assert_false (g_main_context_iteration (idle, FALSE));
  g_assert_cmpint (polled_here.calls, ==, 0);
}

/* A handler that ends the scope runs inside the check that fired: the
 * condition's GSource is destroyed from its own dispatch. */
static void
end_in_handler_cb (GCancellable *cancellable,
                   gpointer      data)
{
  cancel_scope_end (CANCEL_SCOPE (cancellable));
}

static void
test_context_end_in_handler (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Countdown countdown = { .true_at = 2 };
  g_autoptr(CancelScope) scope = new_private_scope (NULL, "Ends itself");
  g_autoptr(CancelSource) source = NULL;

  source = cancel_source_new_condition (NULL, 0.001, context, countdown_cb, &countdown, NULL, NULL);
  g_signal_connect (scope, "cancelled", G_CALLBACK (end_in_handler_cb), NULL);
  cancel_scope_begin (scope);
  g_assert_true (cancel_scope_add_source (scope, source));

  WAIT_UNTIL (context, cancel_status_is_final (cancel_scope_get_status (scope)));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (countdown.calls, ==, 2);
  drain (context);
  g_assert_cmpint (countdown.calls, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Source/condition/named", test_named);
  g_test_add_func ("/Cancel/Source/condition/context", test_context);
  g_test_add_func ("/Cancel/Source/condition/context-not-iterated", test_context_not_iterated);
  g_test_add_func ("/Cancel/Source/condition/context-end-in-handler", test_context_end_in_handler);

  return g_test_run ();
}
