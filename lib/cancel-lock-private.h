/* cancel-lock-private.h: the one lock type of the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <pthread.h>

#include <glib.h>

G_BEGIN_DECLS

/* GMutex is futex-based on Linux and invisible to ThreadSanitizer, which
 * then reports every access it guards as a race. A pthread mutex is seen
 * by TSan and costs the same uncontended. */
typedef struct
{
  pthread_mutex_t mutex;
} CancelMutex;

#define CANCEL_MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void
cancel_mutex_init (CancelMutex *self)
{
  pthread_mutex_init (&self->mutex, NULL);
}

static inline void
cancel_mutex_clear (CancelMutex *self)
{
  pthread_mutex_destroy (&self->mutex);
}

static inline void
cancel_mutex_lock (CancelMutex *self)
{
  pthread_mutex_lock (&self->mutex);
}

static inline void
cancel_mutex_unlock (CancelMutex *self)
{
  pthread_mutex_unlock (&self->mutex);
}

typedef struct
{
  pthread_cond_t cond;
} CancelCond;

static inline void
cancel_cond_init (CancelCond *self)
{
  pthread_condattr_t attr;

  /* Timed waits measure the monotonic clock, as GLib's do. */
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&self->cond, &attr);
  pthread_condattr_destroy (&attr);
}

static inline void
cancel_cond_clear (CancelCond *self)
{
  pthread_cond_destroy (&self->cond);
}

static inline void
cancel_cond_wait (CancelCond  *self,
                  CancelMutex *mutex)
{
  pthread_cond_wait (&self->cond, &mutex->mutex);
}

/* Returns FALSE if @end_time (g_get_monotonic_time() µs) passed first. */
static inline gboolean
cancel_cond_wait_until (CancelCond  *self,
                        CancelMutex *mutex,
                        gint64       end_time)
{
  struct timespec ts;

  ts.tv_sec = end_time / G_USEC_PER_SEC;
  ts.tv_nsec = (end_time % G_USEC_PER_SEC) * 1000;
  return pthread_cond_timedwait (&self->cond, &mutex->mutex, &ts) == 0;
}

static inline void
cancel_cond_signal (CancelCond *self)
{
  pthread_cond_signal (&self->cond);
}

static inline void
cancel_cond_broadcast (CancelCond *self)
{
  pthread_cond_broadcast (&self->cond);
}

static inline CancelMutex *
cancel_mutex_auto_lock (CancelMutex *self)
{
  cancel_mutex_lock (self);
  return self;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancelMutex, cancel_mutex_unlock)

G_END_DECLS
