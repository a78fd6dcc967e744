/* test-task.c: cancel_scope_run_in_thread_async() and the cancel action
 * (rules 14, 15, 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <cancelable.h>

#include "cancel-test-util.h"

static gboolean
latch_is_set (Latch *latch)
{
  gboolean set;

  pthread_mutex_lock (&latch->mutex);
  set = latch->set;
  pthread_mutex_unlock (&latch->mutex);
  return set;
}

/* The pool's worker thread drops its task (and so its scope) a little
 * after the callback ran. */
static guint
ref_count (gpointer object)
{
  return (guint) g_atomic_int_get ((gint *) &G_OBJECT (object)->ref_count);
}

/* GLib's thread pool hands a task over with futexes ThreadSanitizer cannot
 * see. The test's own data crosses with this mutex: locked and unlocked by
 * the caller after writing, and by the worker before reading. */
static pthread_mutex_t handoff_mutex = PTHREAD_MUTEX_INITIALIZER;

static void
handoff (void)
{
  pthread_mutex_lock (&handoff_mutex);
  pthread_mutex_unlock (&handoff_mutex);
}

/* Blocks a worker until @cancellable is cancelled, without sleeping. */
static gboolean
block_until_cancelled (GCancellable *cancellable)
{
  GPollFD pollfd;

  g_assert_true (g_cancellable_make_pollfd (cancellable, &pollfd));
  g_poll (&pollfd, 1, GUARD_SECONDS * 1000);
  g_cancellable_release_fd (cancellable);
  return g_cancellable_is_cancelled (cancellable);
}

typedef enum
{
  WORK_RETURN_VALUE,
  WORK_RETURN_ERROR,
  WORK_WAIT_CANCEL_RETURN_ERROR,
  WORK_WAIT_CANCEL_RETURN_VALUE,
  WORK_BLOCK_UNTIL_RELEASED,
} WorkKind;

typedef struct
{
  WorkKind kind;
  CancelScope *scope;

  /* Seen in the worker */
  CancelScope *worker_scope;
  GCancellable *worker_g_current;
  GCancellable *worker_cancellable;
  CancelStatus worker_status;
  gboolean worker_saw_cancel;
  Latch worker_started;
  Latch release_worker;
  Latch worker_done;

  /* Seen in the callback */
  gboolean callback_done;
  int callbacks;
  GThread *callback_thread;
  gpointer source_object_in_callback;
  gpointer source_tag_in_callback;
  GCancellable *cancellable_in_callback;
  CancelStatus status_in_callback;
  gboolean value;
  GError *error;
} Work;

static void
work_init (Work        *work,
           WorkKind     kind,
           CancelScope *scope)
{
  memset (work, 0, sizeof *work);
  work->kind = kind;
  work->scope = scope;
  latch_init (&work->worker_started);
  latch_init (&work->release_worker);
  latch_init (&work->worker_done);
}

static void
work_clear (Work *work)
{
  latch_clear (&work->worker_started);
  latch_clear (&work->release_worker);
  latch_clear (&work->worker_done);
  g_clear_error (&work->error);
}

static void
worker_func (CancelScope *scope,
             gpointer     data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;

  handoff ();

  work->worker_scope = cancel_scope_get_current ();
  work->worker_g_current = g_cancellable_get_current ();
  work->worker_cancellable = G_CANCELLABLE (scope);
  work->worker_status = cancel_scope_get_status (work->scope);
  latch_set (&work->worker_started);

  switch (work->kind)
    {
    case WORK_RETURN_VALUE:
      break;
    case WORK_RETURN_ERROR:
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such thing");
      cancel_scope_fail (scope, error);
      break;
    case WORK_WAIT_CANCEL_RETURN_ERROR:
      work->worker_saw_cancel = block_until_cancelled (G_CANCELLABLE (scope));
      if (g_cancellable_set_error_if_cancelled (G_CANCELLABLE (scope), &error))
        cancel_scope_fail (scope, error);
      break;
    case WORK_WAIT_CANCEL_RETURN_VALUE:
      /* Ignores the cancellation and returns as if it succeeded. */
      work->worker_saw_cancel = block_until_cancelled (G_CANCELLABLE (scope));
      break;
    case WORK_BLOCK_UNTIL_RELEASED:
      /* A worker stuck in a call that knows nothing of cancellation. */
      latch_wait (&work->release_worker);
      break;
    default:
      g_assert_not_reached ();
    }
  latch_set (&work->worker_done);
}

static void
work_done (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Work *work = user_data;

  g_assert_true (G_IS_TASK (result));
  g_assert_true (g_task_is_valid (result, work->scope));
  work->callbacks++;
  work->callback_thread = g_thread_self ();
  work->source_object_in_callback = source_object;
  work->source_tag_in_callback = g_task_get_source_tag (G_TASK (result));
  work->cancellable_in_callback = g_task_get_cancellable (G_TASK (result));
  work->status_in_callback = cancel_scope_get_status (work->scope);
  work->value = cancel_scope_run_in_thread_finish (work->scope, result, &work->error);
  work->callback_done = TRUE;
}

static void
run_work_with_flags (Work           *work,
                     CancelRunFlags  flags)
{
  handoff ();
  cancel_scope_run_in_thread_async (work->scope, flags, worker_func, work, NULL, work_done, work);
}

static void
run_work (Work *work)
{
  run_work_with_flags (work, CANCEL_RUN_FLAGS_NONE);
}

/* Rule 15: whatever the outcome, the callback runs once with the one
 * GAsyncResult of the call: the scope's, tagged with the _async function
 * (what the _finish function checks). */
static void
assert_callback_saw_own_task (Work *work)
{
  g_assert_cmpint (work->callbacks, ==, 1);
  g_assert_true (work->source_object_in_callback == work->scope);
  g_assert_true (work->source_tag_in_callback == (gpointer) cancel_scope_run_in_thread_async);
  g_assert_true (work->cancellable_in_callback == G_CANCELLABLE (work->scope));
}

/* Waits for the worker to return and the pool to drop the task (and with
 * it the scope), then checks nothing else holds the scope. */
static void
wait_and_finalize (Work        *work,
                   CancelScope *scope)
{
  latch_wait (&work->worker_done);
  WAIT_UNTIL (NULL, ref_count (scope) == 1);
  drain (NULL);
  g_assert_finalize_object (scope);
}

/* ------------------------------------------------------------------ */

/* Rule 15: value -> COMPLETED, before the callback runs. */
static void
test_value_completes (void)
{
  CancelScope *scope = new_private_scope (NULL, "Compute");
  Work work;

  work_init (&work, WORK_RETURN_VALUE, scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_PENDING);
  run_work (&work);
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_true (work.callback_thread == g_thread_self ());
  latch_wait (&work.worker_started);
  g_assert_cmpint (work.worker_status, ==, CANCEL_STATUS_RUNNING);
  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_COMPLETED);
  g_assert_no_error (work.error);
  g_assert_true (work.value);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_start_time (scope), >, 0);
  g_assert_cmpint (cancel_scope_get_end_time (scope), >=, cancel_scope_get_start_time (scope));

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 14 and 15: the scope is current in the worker thread. */
static void
test_scope_current_in_worker (void)
{
  CancelScope *scope = new_private_scope (NULL, "Current in worker");
  Work work;

  work_init (&work, WORK_RETURN_VALUE, scope);
  run_work (&work);
  WAIT_UNTIL (NULL, work.callback_done);
  latch_wait (&work.worker_started);
  g_assert_true (work.worker_scope == scope);
  g_assert_true (work.worker_g_current == G_CANCELLABLE (scope));
  g_assert_true (work.worker_cancellable == G_CANCELLABLE (scope));
  /* Not current here. */
  g_assert_null (cancel_scope_get_current ());

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15: error -> FAILED with the error kept. */
static void
test_error_fails (void)
{
  CancelScope *scope = new_private_scope (NULL, "Lookup");
  g_autoptr(GError) kept = NULL;
  Work work;

  work_init (&work, WORK_RETURN_ERROR, scope);
  run_work (&work);
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_FAILED);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (work.error->message, ==, "No such thing");
  kept = cancel_scope_dup_error (scope);
  g_assert_error (kept, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (kept->message, ==, "No such thing");

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15 and 12: cancel -> CANCELLED; the error names the reason. */
static void
test_cancel_cancels (void)
{
  CancelScope *scope = new_private_scope (NULL, "Upload");
  Work work;

  work_init (&work, WORK_WAIT_CANCEL_RETURN_ERROR, scope);
  run_work (&work);
  latch_wait (&work.worker_started);
  g_assert_true (cancel_scope_cancel (scope, CANCEL_REASON_SIGNAL, "Got SIGTERM"));
  WAIT_UNTIL (NULL, work.callback_done);

  latch_wait (&work.worker_done);
  g_assert_true (work.worker_saw_cancel);
  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_CANCELLED);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (work.error->message, "Got SIGTERM"));
  g_assert_nonnull (strstr (work.error->message, "Upload"));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_SIGNAL);

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15: a worker that ignores the cancel and returns as if it
 * succeeded: the scope was cancelled, so it ends CANCELLED, and the finish
 * gives the cancellation error. */
static void
test_cancel_wins_over_value (void)
{
  CancelScope *scope = new_private_scope (NULL, "Stubborn");
  Work work;

  work_init (&work, WORK_WAIT_CANCEL_RETURN_VALUE, scope);
  run_work (&work);
  latch_wait (&work.worker_started);
  cancel_scope_cancel (scope, CANCEL_REASON_ERROR, "Sibling failed");
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_CANCELLED);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (work.error->message, "Sibling failed"));

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15 and 9: timeout -> TIMED_OUT, G_IO_ERROR_TIMED_OUT. */
static void
test_timeout_times_out (void)
{
  CancelScope *scope = new_private_scope (NULL, "Slow query");
  g_autoptr(GError) error = NULL;
  Work work;

  work_init (&work, WORK_WAIT_CANCEL_RETURN_ERROR, scope);
  g_assert_true (cancel_scope_set_timeout (scope, 0.2, &error));
  run_work (&work);
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_TIMED_OUT);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (work.error->message, "Slow query"));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_TIMEOUT);

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15 and 7: cancelled through the parent: CANCELLED, error names the
 * reason (a PARENT cancel whose origin is a timeout is plain cancelled). */
static void
test_parent_cancel_cancels (void)
{
  g_autoptr(CancelScope) parent = new_private_scope (NULL, "Batch");
  CancelScope *scope = new_private_scope (parent, "Item");
  Work work;

  work_init (&work, WORK_WAIT_CANCEL_RETURN_ERROR, scope);
  cancel_scope_begin (parent);
  run_work (&work);
  latch_wait (&work.worker_started);
  cancel_scope_cancel (parent, CANCEL_REASON_TIMEOUT, NULL);
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_CANCELLED);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (work.error->message, "Batch"));
  cancel_scope_end (parent);

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 15: return-on-cancel returns while the worker is still blocked. */
static void
test_return_on_cancel (void)
{
  CancelScope *scope = new_private_scope (NULL, "Blocking call");
  Work work;

  work_init (&work, WORK_BLOCK_UNTIL_RELEASED, scope);
  run_work_with_flags (&work, CANCEL_RUN_FLAGS_RETURN_ON_CANCEL);

  latch_wait (&work.worker_started);
  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Give up");
  WAIT_UNTIL (NULL, work.callback_done);

  /* The callback ran while the worker is still stuck: the scope ends
   * only when it returns. */
  g_assert_false (latch_is_set (&work.worker_done));
  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_RUNNING);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (work.error->message, "Give up"));

  latch_set (&work.release_worker);
  latch_wait (&work.worker_done);
  /* The scope ended when the worker returned; the late return changed
   * nothing else and ran no second callback. */
  WAIT_UNTIL (NULL, cancel_scope_get_status (scope) == CANCEL_STATUS_CANCELLED);
  drain (NULL);
  g_assert_cmpint (work.callbacks, ==, 1);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

static void
count_destroy (gpointer data)
{
  g_atomic_int_inc ((int *) data);
}

static void
nothing_to_do (CancelScope *scope,
               gpointer     data)
{
}

static void
quit_when_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cancel_scope_run_in_thread_finish (CANCEL_SCOPE (source_object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
cancel_itself (CancelScope *scope,
               gpointer     data)
{
  cancel_scope_cancel (scope, CANCEL_REASON_ERROR, "Gave up");
}

static void
reset_then_finish (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **error = user_data;

  /* A reset between the end and the finish clears the flag, not the
   * record: the outcome is still the cancellation (found by the fuzzer). */
  g_cancellable_reset (G_CANCELLABLE (source_object));
  g_assert_false (cancel_scope_run_in_thread_finish (CANCEL_SCOPE (source_object), result, error));
  g_assert_nonnull (*error);
}

static void
test_finish_after_reset (void)
{
  CancelScope *scope = new_private_scope (NULL, "Reset before finish");
  GError *error = NULL;

  cancel_scope_run_in_thread_async (scope, CANCEL_RUN_FLAGS_NONE, cancel_itself, NULL, NULL,
                                    reset_then_finish, &error);
  WAIT_UNTIL (NULL, error != NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "Gave up"));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  g_clear_error (&error);
  WAIT_UNTIL (NULL, ref_count (scope) == 1);
  g_assert_finalize_object (scope);
}

/* The work's data is freed once, after the work ran; ended scopes and a
 * NULL function are programmer errors. */
static void
test_data_destroy_and_bad_calls (void)
{
  CancelScope *scope = new_private_scope (NULL, "Data");
  int destroyed = 0;
  gboolean done = FALSE;

  cancel_scope_run_in_thread_async (scope, CANCEL_RUN_FLAGS_NONE, nothing_to_do,
                                    &destroyed, count_destroy, quit_when_done, &done);
  WAIT_UNTIL (NULL, done && g_atomic_int_get (&destroyed) == 1);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);

  if (g_test_subprocess ())
    {
      /* Ended: refused, and the data is not taken. */
      cancel_scope_run_in_thread_async (scope, CANCEL_RUN_FLAGS_NONE, nothing_to_do,
                                        &destroyed, count_destroy, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_run_in_thread_async*final*");

  WAIT_UNTIL (NULL, ref_count (scope) == 1);
  g_assert_finalize_object (scope);
}

static void
test_null_func_is_refused (void)
{
  if (g_test_subprocess ())
    {
      CancelScope *scope = new_private_scope (NULL, "No work");

      cancel_scope_run_in_thread_async (scope, CANCEL_RUN_FLAGS_NONE, NULL, NULL, NULL, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_scope_run_in_thread_async*func != NULL*");
}

/* Rule 15: a scope already running is not begun again; one already
 * cancelled runs and ends CANCELLED. */
static void
test_running_and_cancelled_scopes (void)
{
  CancelScope *running = new_private_scope (NULL, "Running");
  CancelScope *cancelled = new_private_scope (NULL, "Cancelled first");
  Work work_running, work_cancelled;

  cancel_scope_begin (running);
  work_init (&work_running, WORK_RETURN_VALUE, running);
  run_work (&work_running);
  WAIT_UNTIL (NULL, work_running.callback_done);
  g_assert_cmpint (work_running.status_in_callback, ==, CANCEL_STATUS_COMPLETED);

  cancel_scope_cancel (cancelled, CANCEL_REASON_CONDITION, "Already done");
  work_init (&work_cancelled, WORK_WAIT_CANCEL_RETURN_ERROR, cancelled);
  run_work (&work_cancelled);
  WAIT_UNTIL (NULL, work_cancelled.callback_done);
  g_assert_cmpint (work_cancelled.status_in_callback, ==, CANCEL_STATUS_CANCELLED);
  g_assert_error (work_cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancel_scope_get_reason (cancelled), ==, CANCEL_REASON_CONDITION);

  assert_callback_saw_own_task (&work_running);
  assert_callback_saw_own_task (&work_cancelled);
  wait_and_finalize (&work_running, running);
  wait_and_finalize (&work_cancelled, cancelled);
  work_clear (&work_running);
  work_clear (&work_cancelled);
}

/* Rule 4 and 15: started and finished reach the owner context once. */
static void
on_lifecycle_signal (CancelScope *scope,
                     int         *count)
{
  (*count)++;
}

static void
on_finished_status (CancelScope  *scope,
                    CancelStatus  status,
                    CancelStatus *out)
{
  *out = status;
}

/* Rule 4, 15 */
static void
test_task_signals (void)
{
  CancelScope *scope = new_private_scope (NULL, "Signalled");
  CancelStatus final_status = CANCEL_STATUS_PENDING;
  int started = 0;
  Work work;

  g_signal_connect (scope, "started", G_CALLBACK (on_lifecycle_signal), &started);
  g_signal_connect (scope, "finished", G_CALLBACK (on_finished_status), &final_status);
  work_init (&work, WORK_RETURN_VALUE, scope);
  run_work (&work);
  WAIT_UNTIL (NULL, work.callback_done && final_status != CANCEL_STATUS_PENDING);
  drain (NULL);
  g_assert_cmpint (started, ==, 1);
  g_assert_cmpint (final_status, ==, CANCEL_STATUS_COMPLETED);

  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* ------------------------------------------------------------------ */
/* Rule 16 */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              int        *count)
{
  (*count)++;
}

/* Rule 16 */
static void
test_action_lifecycle (void)
{
  CancelScope *scope = new_private_scope (NULL, "Export");
  g_autoptr(GAction) action = cancel_scope_create_action (scope, "cancel-export");
  int enabled_notifies = 0;

  g_assert_true (G_IS_ACTION (action));
  g_assert_cmpstr (g_action_get_name (action), ==, "cancel-export");
  g_assert_null (g_action_get_parameter_type (action));
  g_assert_false (g_action_get_enabled (action));

  g_signal_connect (action, "notify::enabled", G_CALLBACK (count_notify), &enabled_notifies);
  cancel_scope_begin (scope);
  WAIT_UNTIL (NULL, g_action_get_enabled (action));
  g_assert_cmpint (enabled_notifies, >=, 1);

  g_action_activate (action, NULL);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Cancelled by user");

  cancel_scope_end (scope);
  WAIT_UNTIL (NULL, !g_action_get_enabled (action));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);

  /* Activating a disabled action (a stale button) changes nothing. */
  g_action_activate (action, NULL);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Cancelled by user");

  drain (NULL);
  g_clear_object (&action);
  g_assert_finalize_object (scope);
}

/* Rule 16: a shielded running scope counts as running; a completed scope
 * leaves the action disabled. */
static void
test_action_shielded_and_completed (void)
{
  CancelScope *scope = cancel_scope_new_full (cancel_scope_get_current (), "Shielded", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_autoptr(GAction) action = NULL;

  cancel_scope_set_registry (scope, NULL);
  action = cancel_scope_create_action (scope, "cancel");
  cancel_scope_begin (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_SHIELDED);
  WAIT_UNTIL (NULL, g_action_get_enabled (action));
  cancel_scope_end (scope);
  WAIT_UNTIL (NULL, !g_action_get_enabled (action));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  /* Activating it once the scope ended is harmless. */
  g_action_activate (action, NULL);
  g_assert_false (g_action_get_enabled (action));
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_NONE);

  drain (NULL);
  g_clear_object (&action);
  g_assert_finalize_object (scope);
}

/* Rule 16: the action works in an action group, as a GtkButton would use
 * it, and cancels GTask work. */
static void
test_action_cancels_task (void)
{
  CancelScope *scope = new_private_scope (NULL, "Button-driven");
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GAction) action = cancel_scope_create_action (scope, "cancel");
  Work work;

  g_action_map_add_action (G_ACTION_MAP (group), action);
  work_init (&work, WORK_WAIT_CANCEL_RETURN_ERROR, scope);
  run_work (&work);
  WAIT_UNTIL (NULL, g_action_group_get_action_enabled (G_ACTION_GROUP (group), "cancel"));
  g_action_group_activate_action (G_ACTION_GROUP (group), "cancel", NULL);
  WAIT_UNTIL (NULL, work.callback_done);

  g_assert_cmpint (work.status_in_callback, ==, CANCEL_STATUS_CANCELLED);
  g_assert_error (work.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (work.error->message, "Cancelled by user"));
  WAIT_UNTIL (NULL, !g_action_group_get_action_enabled (G_ACTION_GROUP (group), "cancel"));

  g_action_map_remove_action (G_ACTION_MAP (group), "cancel");
  g_clear_object (&action);
  assert_callback_saw_own_task (&work);
  wait_and_finalize (&work, scope);
  work_clear (&work);
}

/* Rule 16: the action's state follows the owner context of the scope. */
static void
test_action_on_owner_context (void)
{
  GMainContext *owner = g_main_context_new ();
  CancelScope *scope;
  g_autoptr(GAction) action = NULL;

  g_main_context_push_thread_default (owner);
  scope = new_private_scope (NULL, "Owned");
  action = cancel_scope_create_action (scope, "cancel");
  g_main_context_pop_thread_default (owner);

  cancel_scope_begin (scope);
  /* The global default context is not the owner: nothing changes there. */
  drain (NULL);
  WAIT_UNTIL (owner, g_action_get_enabled (action));
  cancel_scope_end (scope);
  WAIT_UNTIL (owner, !g_action_get_enabled (action));

  drain (owner);
  g_clear_object (&action);
  g_assert_finalize_object (scope);
  g_main_context_unref (owner);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Task/value-completes", test_value_completes);
  g_test_add_func ("/Cancel/Task/scope-current-in-worker", test_scope_current_in_worker);
  g_test_add_func ("/Cancel/Task/error-fails", test_error_fails);
  g_test_add_func ("/Cancel/Task/cancel-cancels", test_cancel_cancels);
  g_test_add_func ("/Cancel/Task/cancel-wins-over-value", test_cancel_wins_over_value);
  g_test_add_func ("/Cancel/Task/timeout-times-out", test_timeout_times_out);
  g_test_add_func ("/Cancel/Task/parent-cancel-cancels", test_parent_cancel_cancels);
  g_test_add_func ("/Cancel/Task/return-on-cancel", test_return_on_cancel);
  g_test_add_func ("/Cancel/Task/running-and-cancelled-scopes", test_running_and_cancelled_scopes);
  g_test_add_func ("/Cancel/Task/signals", test_task_signals);
  g_test_add_func ("/Cancel/Task/data-destroy-and-bad-calls", test_data_destroy_and_bad_calls);
  g_test_add_func ("/Cancel/Task/null-func-is-refused", test_null_func_is_refused);
  g_test_add_func ("/Cancel/Task/finish-after-reset", test_finish_after_reset);
  g_test_add_func ("/Cancel/Task/action/lifecycle", test_action_lifecycle);
  g_test_add_func ("/Cancel/Task/action/shielded-and-completed", test_action_shielded_and_completed);
  g_test_add_func ("/Cancel/Task/action/cancels-task", test_action_cancels_task);
  g_test_add_func ("/Cancel/Task/action/on-owner-context", test_action_on_owner_context);

  return g_test_run ();
}
