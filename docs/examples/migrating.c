/* migrating.c: bare GCancellable patterns and what replaces them, from
 * migrating.md. */
#include <cancelable.h>

static void
set_flag (CancelScope *scope,
          gpointer     data)
{
  *(gboolean *) data = TRUE;
}

/* Before: a child chained by hand, and a timeout that only fires while
 * this thread runs its main loop. */
static void
forward_cancel (GCancellable *parent,
                gpointer      child)
{
  g_cancellable_cancel (child);
}

static gboolean
cancel_on_timeout (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
before (void)
{
  g_autoptr(GCancellable) job = g_cancellable_new ();
  g_autoptr(GCancellable) step = g_cancellable_new ();
  gulong handler;

  handler = g_cancellable_connect (job, G_CALLBACK (forward_cancel), step, NULL);
  g_timeout_add (10, cancel_on_timeout, job);

  while (!g_cancellable_is_cancelled (step))
    g_main_context_iteration (NULL, TRUE);

  /* Why was it cancelled? A timeout or a click: nothing says. And the
   * handler must be disconnected by hand (never from inside it). */
  g_cancellable_disconnect (job, handler);
}

/* After: the tree cancels the step, the deadline fires on the library's
 * timer thread, and both say why. */
static void
after (void)
{
  g_autoptr(CancelScope) job = cancel_scope_new_full (NULL, "Job", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) step = cancel_scope_new_full (job, "Step", CANCEL_SCOPE_FLAGS_NONE);
  gboolean cancelled = FALSE;

  cancel_scope_begin (job);
  cancel_scope_begin (step);
  cancel_scope_set_timeout (job, 0.01, NULL);
  cancel_scope_connect_cancelled (step, NULL, set_flag, &cancelled, NULL);

  while (!cancelled)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (cancel_scope_get_reason (step), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_origin_reason (step), ==, CANCEL_REASON_TIMEOUT);
  cancel_scope_end (step);
  cancel_scope_end (job);
}

/* A GCancellable you are handed (by a caller, another library) cancels
 * your scope through a source, with no handler of yours to disconnect. */
static void
follow (GCancellable *theirs)
{
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Thumbnail", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelSource) link = cancel_source_new_cancellable (theirs, FALSE);

  cancel_scope_begin (scope);
  cancel_scope_add_source (scope, link);

  g_cancellable_cancel (theirs);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_PARENT);
  cancel_scope_end (scope);   /* disarms the link */
}

int
main (void)
{
  g_autoptr(GCancellable) theirs = g_cancellable_new ();

  before ();
  after ();
  follow (theirs);

  return 0;
}
