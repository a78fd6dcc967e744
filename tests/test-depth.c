/* test-depth.c: a million scopes deep and a million wide (rule 7)
 *
 * Runs with the default 8 MiB stack: propagation and teardown must be
 * iterative. CANCEL_TEST_DEPTH shrinks the size for slow runs (valgrind).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <pthread.h>

#include <cancelable.h>

#define DEFAULT_SIZE 1000000

static guint
test_size (void)
{
  const char *env = g_getenv ("CANCEL_TEST_DEPTH");
  guint64 size;

  if (env == NULL || *env == '\0')
    return DEFAULT_SIZE;
  if (!g_ascii_string_to_unsigned (env, 10, 2, G_MAXUINT32, &size, NULL))
    g_error ("CANCEL_TEST_DEPTH must be a number >= 2, not “%s”", env);
  return (guint) size;
}

static void
log_elapsed (const char *what,
             gint64      since)
{
  g_test_message ("%s: %.3f s", what, (g_get_monotonic_time () - since) / (double) G_USEC_PER_SEC);
}

/* Rule 7 */
static void
test_deep_chain (void)
{
  guint n = test_size ();
  guint middle = n / 2;
  CancelScope **scopes = g_new (CancelScope *, n);
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint i;

  start = g_get_monotonic_time ();
  scopes[0] = cancel_scope_new_full (NULL, "Root", CANCEL_SCOPE_FLAGS_NONE);
  for (i = 1; i < n; i++)
    scopes[i] = cancel_scope_new_full (scopes[i - 1], NULL, CANCEL_SCOPE_FLAGS_NONE);
  log_elapsed ("build chain", start);

  /* The effective deadline of the deepest scope comes from the root. */
  start = g_get_monotonic_time ();
  g_assert_true (cancel_scope_set_timeout (scopes[0], 1000, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cancel_scope_get_deadline (scopes[n - 1]), ==,
                   cancel_scope_get_own_deadline (scopes[0]));
  log_elapsed ("deadline through the chain", start);

  /* Cancel the middle first: the lower half says PARENT, origin ERROR. */
  start = g_get_monotonic_time ();
  g_assert_true (cancel_scope_cancel (scopes[middle], CANCEL_REASON_ERROR, "Middle"));
  log_elapsed ("cancel middle", start);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (scopes[middle - 1])));
  g_assert_cmpint (cancel_scope_get_reason (scopes[0]), ==, CANCEL_REASON_NONE);

  start = g_get_monotonic_time ();
  g_assert_true (cancel_scope_cancel (scopes[0], CANCEL_REASON_MANUAL, "Root"));
  log_elapsed ("cancel root", start);

  g_assert_cmpint (cancel_scope_get_reason (scopes[0]), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpint (cancel_scope_get_reason (scopes[middle]), ==, CANCEL_REASON_ERROR);
  for (i = 1; i < n; i++)
    {
      CancelScope *scope = scopes[i];
      CancelReason origin = i < middle ? CANCEL_REASON_MANUAL : CANCEL_REASON_ERROR;

      if (i == middle)
        continue;
      if (!g_cancellable_is_cancelled (G_CANCELLABLE (scope))
          || cancel_scope_get_reason (scope) != CANCEL_REASON_PARENT
          || cancel_scope_get_origin_reason (scope) != origin)
        g_error ("Scope %u of %u: cancelled %d, reason %s, origin %s", i, n,
                 g_cancellable_is_cancelled (G_CANCELLABLE (scope)),
                 cancel_reason_to_string (cancel_scope_get_reason (scope)),
                 cancel_reason_to_string (cancel_scope_get_origin_reason (scope)));
    }

  /* Free from the root down: each dispose detaches a child that has a
   * whole chain below it. */
  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    g_object_unref (scopes[i]);
  log_elapsed ("free chain", start);
  g_free (scopes);
}

/* Rule 7: the same chain, freed from the leaf up, after begin/end. */
static void
test_deep_chain_running (void)
{
  guint n = test_size ();
  CancelScope **scopes = g_new (CancelScope *, n);
  gint64 start;
  guint i;

  start = g_get_monotonic_time ();
  scopes[0] = cancel_scope_new_full (NULL, "Root", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_registry (scopes[0], NULL);
  cancel_scope_begin (scopes[0]);
  for (i = 1; i < n; i++)
    {
      scopes[i] = cancel_scope_new_full (scopes[i - 1], NULL, CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (scopes[i], NULL);
      cancel_scope_begin (scopes[i]);
    }
  log_elapsed ("build running chain", start);

  start = g_get_monotonic_time ();
  cancel_scope_cancel (scopes[0], CANCEL_REASON_SIGNAL, NULL);
  log_elapsed ("cancel root", start);
  for (i = 1; i < n; i++)
    if (cancel_scope_get_reason (scopes[i]) != CANCEL_REASON_PARENT
        || cancel_scope_get_origin_reason (scopes[i]) != CANCEL_REASON_SIGNAL)
      g_error ("Scope %u of %u was not cancelled through its parent", i, n);

  start = g_get_monotonic_time ();
  for (i = n; i > 0; i--)
    {
      cancel_scope_end (scopes[i - 1]);
      if (cancel_scope_get_status (scopes[i - 1]) != CANCEL_STATUS_CANCELLED)
        g_error ("Scope %u of %u did not end cancelled", i - 1, n);
    }
  for (i = n; i > 0; i--)
    g_object_unref (scopes[i - 1]);
  log_elapsed ("end and free chain", start);
  g_free (scopes);
}

/* Rule 7 */
static void
test_wide_parent (void)
{
  guint n = test_size ();
  CancelScope *parent = cancel_scope_new_full (NULL, "Wide", CANCEL_SCOPE_FLAGS_NONE);
  CancelScope **children = g_new (CancelScope *, n);
  gint64 start;
  guint i;

  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    children[i] = cancel_scope_new_full (parent, NULL, CANCEL_SCOPE_FLAGS_NONE);
  log_elapsed ("build wide", start);

  start = g_get_monotonic_time ();
  g_assert_true (cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL));
  log_elapsed ("cancel parent", start);

  for (i = 0; i < n; i++)
    {
      CancelScope *child = children[i];

      if (!g_cancellable_is_cancelled (G_CANCELLABLE (child))
          || cancel_scope_get_reason (child) != CANCEL_REASON_PARENT
          || cancel_scope_get_origin_reason (child) != CANCEL_REASON_MANUAL)
        g_error ("Child %u of %u: cancelled %d, reason %s, origin %s", i, n,
                 g_cancellable_is_cancelled (G_CANCELLABLE (child)),
                 cancel_reason_to_string (cancel_scope_get_reason (child)),
                 cancel_reason_to_string (cancel_scope_get_origin_reason (child)));
    }

  /* The parent goes first and detaches a million children at once. */
  start = g_get_monotonic_time ();
  g_object_unref (parent);
  for (i = 0; i < n; i++)
    g_object_unref (children[i]);
  log_elapsed ("free wide", start);
  g_free (children);
}

/* Rule 7: a long-lived parent that has seen a million children come and
 * go holds nothing for them. */
static void
test_wide_children_come_and_go (void)
{
  guint n = test_size ();
  CancelScope *parent = cancel_scope_new_full (NULL, "Long-lived", CANCEL_SCOPE_FLAGS_NONE);
  gint64 start;
  guint i;

  cancel_scope_set_registry (parent, NULL);
  cancel_scope_begin (parent);
  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++)
    {
      CancelScope *child = cancel_scope_new_full (parent, NULL, CANCEL_SCOPE_FLAGS_NONE);

      if (i % 2 == 0)
        {
          cancel_scope_set_registry (child, NULL);
          cancel_scope_begin (child);
          cancel_scope_end (child);
        }
      g_object_unref (child);
    }
  log_elapsed ("children come and go", start);
  /* The children model is updated on the owner context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_list_model_get_n_items (cancel_scope_get_children (parent)), ==, 0);
  g_assert_true (cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL));
  cancel_scope_end (parent);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (parent);
}

/* A chain of links: scope i has a linked source on scope i - 1.
 * GCancellable::cancelled is RUN_LAST: a link's handler runs before our
 * class handler, so the chain is flattened by the flip, not by the class
 * handler (a chain of ~8,000 links overflowed an 8 MiB stack). */
typedef enum
{
  LINK_PLAIN,
  LINK_PRESERVE,
  LINK_ANY,  /* the link inside an any-of combination */
  LINK_ALL,  /* the link inside an all-of combination */
} LinkKind;

static void
run_linked_chain (LinkKind kind)
{
  gboolean preserve = kind == LINK_PRESERVE;
  guint n = test_size ();
  CancelScope **scopes = g_new (CancelScope *, n);
  gint64 start;
  guint i;

  start = g_get_monotonic_time ();
  scopes[0] = cancel_scope_new_full (NULL, "Head", CANCEL_SCOPE_FLAGS_NONE);
  for (i = 1; i < n; i++)
    {
      g_autoptr(CancelSource) link = cancel_source_new_cancellable (G_CANCELLABLE (scopes[i - 1]), preserve);
      g_autoptr(CancelSource) combination = NULL;
      g_autoptr(GError) error = NULL;

      if (kind == LINK_ANY)
        combination = cancel_source_new_any (&link, 1);
      else if (kind == LINK_ALL)
        combination = cancel_source_new_all (&link, 1);
      g_assert_no_error (error);

      scopes[i] = cancel_scope_new_full (NULL, NULL, CANCEL_SCOPE_FLAGS_NONE);
      g_assert_true (cancel_scope_add_source (scopes[i], combination != NULL ? combination : link));
      g_assert_no_error (error);
    }
  log_elapsed ("build linked chain", start);

  start = g_get_monotonic_time ();
  g_assert_true (cancel_scope_cancel (scopes[0], CANCEL_REASON_SIGNAL, "Head"));
  log_elapsed ("cancel head", start);

  for (i = 1; i < n; i++)
    {
      CancelScope *scope = scopes[i];
      CancelReason reason = preserve ? CANCEL_REASON_SIGNAL : CANCEL_REASON_PARENT;

      if (!g_cancellable_is_cancelled (G_CANCELLABLE (scope))
          || cancel_scope_get_reason (scope) != reason
          || cancel_scope_get_origin_reason (scope) != CANCEL_REASON_SIGNAL)
        g_error ("Link %u: cancelled %d, reason %s, origin %s", i,
                 g_cancellable_is_cancelled (G_CANCELLABLE (scope)),
                 cancel_reason_to_string (cancel_scope_get_reason (scope)),
                 cancel_reason_to_string (cancel_scope_get_origin_reason (scope)));
    }

  start = g_get_monotonic_time ();
  for (i = n; i > 0; i--)
    g_object_unref (scopes[i - 1]);
  log_elapsed ("free linked chain", start);
  g_free (scopes);
}

static void
test_linked_chain (void)
{
  run_linked_chain (LINK_PLAIN);
}

static void
test_linked_chain_preserving (void)
{
  run_linked_chain (LINK_PRESERVE);
}

static void
test_linked_chain_combinations (void)
{
  run_linked_chain (LINK_ANY);
  run_linked_chain (LINK_ALL);
}

static void *
linked_chain_thread (void *data)
{
  run_linked_chain (GPOINTER_TO_INT (data));
  return NULL;
}

/* The same on a thread with a 512 KiB stack: flat means flat. */
static void
test_linked_chain_small_stack (void)
{
  for (int kind = LINK_PLAIN; kind <= LINK_ALL; kind++)
    {
      pthread_attr_t attr;
      pthread_t thread;

      pthread_attr_init (&attr);
      g_assert_cmpint (pthread_attr_setstacksize (&attr, 512 * 1024), ==, 0);
      g_assert_cmpint (pthread_create (&thread, &attr, linked_chain_thread, GINT_TO_POINTER (kind)), ==, 0);
      g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
      pthread_attr_destroy (&attr);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Depth/deep-chain", test_deep_chain);
  g_test_add_func ("/Cancel/Depth/deep-chain-running", test_deep_chain_running);
  g_test_add_func ("/Cancel/Depth/wide-parent", test_wide_parent);
  g_test_add_func ("/Cancel/Depth/wide-children-come-and-go", test_wide_children_come_and_go);
  g_test_add_func ("/Cancel/Depth/linked-chain", test_linked_chain);
  g_test_add_func ("/Cancel/Depth/linked-chain-preserving", test_linked_chain_preserving);
  g_test_add_func ("/Cancel/Depth/linked-chain-combinations", test_linked_chain_combinations);
  g_test_add_func ("/Cancel/Depth/linked-chain-small-stack", test_linked_chain_small_stack);

  return g_test_run ();
}
