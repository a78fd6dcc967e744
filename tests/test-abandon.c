/* test-abandon.c: a registered scope dropped while running is ended by the
 * library, with a warning that names it, instead of staying “Running” in
 * the registry forever
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cancelable.h>

#include "cancel-test-util.h"

static gint n_abandoned_warnings;

/* Counts the warnings this test provokes (on firing threads); anything
 * else still fails the test. */
static GLogWriterOutput
count_abandoned (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  /* A child shows its warnings to the parent, which reads them. */
  if (g_test_subprocess ())
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        (log_level & G_LOG_LEVEL_WARNING) &&
        strstr (fields[i].value, " was dropped while running: ") != NULL)
      {
        g_atomic_int_inc (&n_abandoned_warnings);
        return G_LOG_WRITER_HANDLED;
      }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static CancelScope *
new_registered (CancelRegistry *registry,
                const char     *name)
{
  CancelScope *scope = cancel_scope_new_full (NULL, name, CANCEL_SCOPE_FLAGS_NONE);

  cancel_scope_set_registry (scope, registry);
  cancel_scope_begin (scope);

  return scope;
}

/* Drops the last reference of the test to @registry and waits until it
 * is finalized: a scope the library ended on a firing thread is in the
 * history before that thread lets go of the registry it took from the
 * scope (one unref later). */
static void
assert_finalized_soon (CancelRegistry *registry)
{
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (registry), (gpointer *) &registry);
  g_object_unref (registry);
  while (registry != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, guard);
      drain (NULL);
      g_usleep (1000);
    }
}

/* The last finished scope of @registry, once @id finished. */
static CancelScope *
wait_finished (CancelRegistry *registry,
               guint64         id)
{
  CancelScope *found = NULL;
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;

  while (found == NULL)
    {
      g_autoptr(GPtrArray) last = cancel_registry_find_last_finished (registry, 64);

      for (guint i = 0; i < last->len; i++)
        if (cancel_scope_get_id (g_ptr_array_index (last, i)) == id)
          found = g_object_ref (g_ptr_array_index (last, i));
      if (found == NULL)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, guard);
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
    }

  return found;
}

static void
assert_nothing_live (CancelRegistry *registry)
{
  g_autoptr(GPtrArray) running = cancel_registry_find_by_status (registry, CANCEL_STATUS_RUNNING);

  g_assert_cmpuint (running->len, ==, 0);
  drain (NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);
}

/* The scope ends FAILED with CANCEL_ERROR_ABANDONED naming it, the warning
 * names it, and the history's reference is the last one. */
static void
test_dropped_is_ended (void)
{
  CancelRegistry *registry = cancel_registry_new ();
  CancelScope *scope = new_registered (registry, "Forgotten save");
  guint64 id = cancel_scope_get_id (scope);
  g_autoptr(GError) error = NULL;
  gint warnings = g_atomic_int_get (&n_abandoned_warnings);
  CancelScope *ended;

  g_object_unref (scope);  /* the program's mistake: no end */
  ended = wait_finished (registry, id);

  g_assert_cmpint (cancel_scope_get_status (ended), ==, CANCEL_STATUS_FAILED);
  error = cancel_scope_dup_error (ended);
  g_assert_error (error, CANCEL_ERROR, CANCEL_ERROR_ABANDONED);
  g_assert_nonnull (strstr (error->message, "Forgotten save"));
  g_assert_cmpint (g_atomic_int_get (&n_abandoned_warnings), ==, warnings + 1);
  assert_nothing_live (registry);

  g_object_unref (ended);
  assert_finalized_soon (registry);
}

/* The warning's text, in a child so that it can be read. */
static void
test_warning_names_scope (void)
{
  if (g_test_subprocess ())
    {
      CancelRegistry *registry = cancel_registry_new ();
      CancelScope *scope = new_registered (registry, "Forgotten export");
      guint64 id = cancel_scope_get_id (scope);

      g_object_unref (scope);
      g_object_unref (wait_finished (registry, id));
      g_object_unref (registry);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*WARNING*Scope *Forgotten export* was dropped while running: "
                             "end it with cancel_scope_end()*");
}

/* Whoever else holds the scope (a lookup, a waiter, its creator) keeps it
 * running; it ends normally, with no warning. */
static void
test_held_elsewhere (void)
{
  CancelRegistry *registry = cancel_registry_new ();
  CancelScope *scope = new_registered (registry, "Shared");
  guint64 id = cancel_scope_get_id (scope);
  gint warnings = g_atomic_int_get (&n_abandoned_warnings);
  CancelScope *found = cancel_registry_lookup (registry, id);
  CancelScope *ended;

  g_object_unref (scope);
  g_assert_cmpint (cancel_scope_get_status (found), ==, CANCEL_STATUS_RUNNING);
  cancel_scope_end (found);
  g_object_unref (found);

  ended = wait_finished (registry, id);
  g_assert_cmpint (cancel_scope_get_status (ended), ==, CANCEL_STATUS_COMPLETED);
  g_assert_cmpint (g_atomic_int_get (&n_abandoned_warnings), ==, warnings);
  g_object_unref (ended);
  drain (NULL);
  g_assert_finalize_object (registry);
}

/* A cancelled scope dropped without its end ends cancelled: the record
 * keeps why. */
static void
test_dropped_after_cancel (void)
{
  CancelRegistry *registry = cancel_registry_new ();
  CancelScope *scope = new_registered (registry, "Cancelled, never ended");
  guint64 id = cancel_scope_get_id (scope);
  CancelScope *ended;

  cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "The user pressed Stop");
  g_object_unref (scope);
  ended = wait_finished (registry, id);
  g_assert_cmpint (cancel_scope_get_status (ended), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpstr (cancel_scope_get_message (ended), ==, "The user pressed Stop");
  g_object_unref (ended);
  assert_finalized_soon (registry);
}

/* The drop on one thread against a lookup and cancel through the registry
 * on another, released together by a barrier: every scope ends exactly
 * once, by the library, cancelled if the other thread came first; each
 * round warns once; nothing is left alive. */
typedef struct
{
  pthread_barrier_t  barrier;
  CancelRegistry    *registry;
  guint64            id;
  gboolean           stop;
} Duel;

static gpointer
lookup_thread (gpointer data)
{
  Duel *duel = data;

  for (;;)
    {
      CancelScope *found;

      pthread_barrier_wait (&duel->barrier);
      if (duel->stop)
        return NULL;
      found = cancel_registry_lookup (duel->registry, duel->id);
      if (found != NULL)
        {
          cancel_scope_cancel (found, CANCEL_REASON_MANUAL, NULL);
          g_object_unref (found);
        }
      pthread_barrier_wait (&duel->barrier);
    }
}

static guint
rounds (guint n)
{
  const char *divisor = g_getenv ("CANCEL_TEST_ROUNDS_DIVISOR");

  return MAX (n / (divisor != NULL ? MAX (atoi (divisor), 1) : 1), 10);
}

static void
test_drop_races_lookup (void)
{
  guint n = rounds (2000);
  Duel duel = { 0, };
  GThread *partner;
  gint warnings = g_atomic_int_get (&n_abandoned_warnings);
  guint cancelled_first = 0;

  duel.registry = cancel_registry_new ();
  pthread_barrier_init (&duel.barrier, NULL, 2);
  partner = g_thread_new ("cancel-lookup", lookup_thread, &duel);

  for (guint i = 0; i < n; i++)
    {
      CancelScope *scope = new_registered (duel.registry, "Duel");
      CancelScope *ended;
      CancelStatus status;

      duel.id = cancel_scope_get_id (scope);
      pthread_barrier_wait (&duel.barrier);
      g_object_unref (scope);
      pthread_barrier_wait (&duel.barrier);

      ended = wait_finished (duel.registry, duel.id);
      status = cancel_scope_get_status (ended);
      g_assert_true (status == CANCEL_STATUS_FAILED || status == CANCEL_STATUS_CANCELLED);
      cancelled_first += status == CANCEL_STATUS_CANCELLED;
      g_object_unref (ended);
    }

  duel.stop = TRUE;
  pthread_barrier_wait (&duel.barrier);
  g_thread_join (partner);
  pthread_barrier_destroy (&duel.barrier);

  WAIT_UNTIL (NULL, g_atomic_int_get (&n_abandoned_warnings) == warnings + (gint) n);
  assert_nothing_live (duel.registry);
  drain (NULL);
  g_assert_finalize_object (duel.registry);
  g_test_message ("%u rounds: %u cancelled through the registry first", n, cancelled_first);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The warnings this test provokes are counted, not fatal. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  g_log_set_writer_func (count_abandoned, NULL, NULL);

  g_test_add_func ("/Cancel/Abandon/dropped-is-ended", test_dropped_is_ended);
  g_test_add_func ("/Cancel/Abandon/warning-names-scope", test_warning_names_scope);
  g_test_add_func ("/Cancel/Abandon/held-elsewhere", test_held_elsewhere);
  g_test_add_func ("/Cancel/Abandon/dropped-after-cancel", test_dropped_after_cancel);
  g_test_add_func ("/Cancel/Abandon/drop-races-lookup", test_drop_races_lookup);

  return g_test_run ();
}
