/* cancel-test-util.h: what the core tests share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <cancelable.h>

/* How long a test waits for something before it fails: a failure guard,
 * never a timing assertion. */
#define GUARD_SECONDS 30

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates @context until @cond holds. A 5 ms wake-up keeps conditions
 * that change in other threads, without an event here, from blocking. */
#define WAIT_UNTIL(context, cond) \
  G_STMT_START { \
    GSource *wake_ = g_timeout_source_new (5); \
    gint64 guard_ = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC; \
    g_source_set_callback (wake_, wake_up_cb, NULL, NULL); \
    g_source_attach (wake_, (context)); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > guard_) \
          g_error ("Timed out waiting for: %s", #cond); \
        g_main_context_iteration ((context), TRUE); \
      } \
    g_source_destroy (wake_); \
    g_source_unref (wake_); \
  } G_STMT_END

static G_GNUC_UNUSED void
drain (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

/* A scope that stays out of every registry, so that its lifetime is the
 * test's alone. */
static G_GNUC_UNUSED CancelScope *
new_private_scope (CancelScope *parent,
                   const char  *name)
{
  return cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_UNREGISTERED);
}

/* A one-shot event between threads, visible to ThreadSanitizer (GCond is
 * not); waiting blocks the thread with no main loop. */
typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  gboolean set;
  GThread *setter;  /* the thread that set it */
} Latch;

static G_GNUC_UNUSED void
latch_init (Latch *latch)
{
  pthread_mutex_init (&latch->mutex, NULL);
  pthread_cond_init (&latch->cond, NULL);
  latch->set = FALSE;
  latch->setter = NULL;
}

static G_GNUC_UNUSED void
latch_clear (Latch *latch)
{
  pthread_cond_destroy (&latch->cond);
  pthread_mutex_destroy (&latch->mutex);
}

static G_GNUC_UNUSED void
latch_set (Latch *latch)
{
  pthread_mutex_lock (&latch->mutex);
  latch->set = TRUE;
  latch->setter = g_thread_self ();
  pthread_cond_broadcast (&latch->cond);
  pthread_mutex_unlock (&latch->mutex);
}

static G_GNUC_UNUSED void
latch_wait (Latch *latch)
{
  struct timespec guard;

  clock_gettime (CLOCK_REALTIME, &guard);
  guard.tv_sec += GUARD_SECONDS;
  pthread_mutex_lock (&latch->mutex);
  while (!latch->set)
    if (pthread_cond_timedwait (&latch->cond, &latch->mutex, &guard) == ETIMEDOUT)
      g_error ("Timed out waiting for a latch");
  pthread_mutex_unlock (&latch->mutex);
}
