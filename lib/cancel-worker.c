/* cancel-worker.c: the library's threads: worker, timer heap, firing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-lock-private.h"
#include "cancel-worker-private.h"

typedef enum
{
  TIMER_PENDING,
  TIMER_FIRING,
  TIMER_DONE,
} TimerState;

struct _CancelTimer
{
  gint64           deadline;
  guint            heap_index;  /* G_MAXUINT when not in the heap */
  guint            ref_count;   /* the caller's, the heap's or the firing worker's */
  TimerState       state;
  CancelTimerFunc  func;
  gpointer         data;
  GDestroyNotify   destroy;
};

/* A binary min-heap ordered by deadline, served by one GSource whose
 * ready time is the root's deadline: arming, moving and stopping a timer
 * are O(log n) and never create or destroy a GSource. */
static CancelMutex timers_lock = CANCEL_MUTEX_INIT;
static GPtrArray *heap;
static GSource *timer_source;
static GMainContext *timer_context;
static GMainContext *worker_context;

/* Firing threads: a queue of jobs and the threads that run them. Locks
 * of our own (not a GThreadPool) so that ThreadSanitizer sees how a job
 * is handed over. */
#define FIRING_IDLE_USEC (10 * G_USEC_PER_SEC)

typedef struct
{
  GFunc    func;
  gpointer data;
} FiringJob;

static CancelMutex firing_lock = CANCEL_MUTEX_INIT;
static CancelCond firing_cond;
static GQueue firing_jobs = G_QUEUE_INIT;  /* of FiringJob * */
static guint n_firing_threads;
static guint n_firing_idle;

static gpointer
firing_thread_main (gpointer data)
{
  cancel_mutex_lock (&firing_lock);
  for (;;)
    {
      FiringJob *job;

      while (g_queue_is_empty (&firing_jobs))
        {
          gboolean woken;

          n_firing_idle++;
          woken = cancel_cond_wait_until (&firing_cond, &firing_lock,
                                          g_get_monotonic_time () + FIRING_IDLE_USEC);
          n_firing_idle--;
          if (!woken && g_queue_is_empty (&firing_jobs))
            {
              n_firing_threads--;
              cancel_mutex_unlock (&firing_lock);
              return NULL;
            }
        }

      job = g_queue_pop_head (&firing_jobs);
      cancel_mutex_unlock (&firing_lock);

      job->func (job->data, NULL);
      g_free (job);

      cancel_mutex_lock (&firing_lock);
    }
}

static void worker_ensure_started (void);

void
_cancel_worker_fire (GFunc    func,
                     gpointer data)
{
  FiringJob *job = g_new (FiringJob, 1);
  gboolean spawn;

  worker_ensure_started ();

  job->func = func;
  job->data = data;

  cancel_mutex_lock (&firing_lock);
  g_queue_push_tail (&firing_jobs, job);
  /* Every queued job needs an idle thread: a busy thread may be stuck in
   * a handler for as long as it likes. */
  spawn = firing_jobs.length > n_firing_idle && n_firing_threads < CANCEL_MAX_FIRING_THREADS;
  if (spawn)
    n_firing_threads++;
  else
    cancel_cond_signal (&firing_cond);
  cancel_mutex_unlock (&firing_lock);

  if (spawn)
    g_thread_unref (g_thread_new ("cancel-firing", firing_thread_main, NULL));
}

static inline CancelTimer *
heap_at (guint i)
{
  return g_ptr_array_index (heap, i);
}

static inline void
heap_set (guint        i,
          CancelTimer *timer)
{
  heap->pdata[i] = timer;
  timer->heap_index = i;
}

static void
heap_sift_up (guint i)
{
  CancelTimer *timer = heap_at (i);

  while (i > 0)
    {
      guint parent = (i - 1) / 2;

      if (heap_at (parent)->deadline <= timer->deadline)
        break;
      heap_set (i, heap_at (parent));
      i = parent;
    }

  heap_set (i, timer);
}

static void
heap_sift_down (guint i)
{
  CancelTimer *timer = heap_at (i);
  guint n = heap->len;

  for (;;)
    {
      guint child = 2 * i + 1;

      if (child >= n)
        break;
      if (child + 1 < n && heap_at (child + 1)->deadline < heap_at (child)->deadline)
        child++;
      if (timer->deadline <= heap_at (child)->deadline)
        break;
      heap_set (i, heap_at (child));
      i = child;
    }

  heap_set (i, timer);
}

static void
heap_remove (CancelTimer *timer)
{
  guint i = timer->heap_index;
  CancelTimer *last;

  g_assert (i < heap->len && heap_at (i) == timer);

  last = g_ptr_array_steal_index_fast (heap, heap->len - 1);
  timer->heap_index = G_MAXUINT;

  if (last != timer)
    {
      heap_set (i, last);
      heap_sift_up (i);
      heap_sift_down (last->heap_index);
    }
}

static void
update_ready_time_locked (void)
{
  g_source_set_ready_time (timer_source, heap->len > 0 ? heap_at (0)->deadline : -1);
}

/* Drops one reference; returns the timer if the caller must free it,
 * outside the lock (its destroy notify may run arbitrary code). */
static CancelTimer *
timer_unref_locked (CancelTimer *timer)
{
  g_assert (timer->ref_count > 0);

  if (--timer->ref_count == 0)
    return timer;

  return NULL;
}

static void
timer_free (CancelTimer *timer)
{
  if (timer == NULL)
    return;

  if (timer->destroy != NULL)
    timer->destroy (timer->data);
  g_free (timer);
}

/* On a firing thread: the heap's reference became the firing one. */
static void
timer_fire (gpointer data,
            gpointer unused)
{
  CancelTimer *timer = data;

  timer->func (timer->data);

  cancel_mutex_lock (&timers_lock);
  timer->state = TIMER_DONE;
  timer = timer_unref_locked (timer);
  cancel_mutex_unlock (&timers_lock);

  timer_free (timer);
}

/* On the timer thread: hands every due timer to a firing thread, so that
 * no handler, however slow, holds up the next deadline. */
static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  gint64 now = g_source_get_time (source);

  for (;;)
    {
      CancelTimer *timer = NULL;

      cancel_mutex_lock (&timers_lock);
      if (heap->len > 0 && heap_at (0)->deadline <= now)
        {
          /* The heap's reference becomes the firing reference. */
          timer = heap_at (0);
          heap_remove (timer);
          timer->state = TIMER_FIRING;
        }
      else
        update_ready_time_locked ();
      cancel_mutex_unlock (&timers_lock);

      if (timer == NULL)
        break;

      _cancel_worker_fire (timer_fire, timer);
    }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
  .dispatch = timer_source_dispatch,
};

/* Runs @data, a context, for the rest of the process. */
static gpointer
context_thread_main (gpointer data)
{
  GMainContext *context = data;
  GMainLoop *loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);

  /* Not reached: these threads live as long as the process. */
  g_main_context_pop_thread_default (context);
  g_main_loop_unref (loop);

  return NULL;
}

static void
worker_ensure_started (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      worker_context = g_main_context_new ();
      timer_context = g_main_context_new ();
      cancel_cond_init (&firing_cond);
      heap = g_ptr_array_new ();
      timer_source = g_source_new (&timer_source_funcs, sizeof (GSource));
      g_source_set_static_name (timer_source, "[cancelable] timers");
      g_source_set_priority (timer_source, G_PRIORITY_HIGH);
      g_source_set_ready_time (timer_source, -1);
      g_source_attach (timer_source, timer_context);
      g_thread_unref (g_thread_new ("cancel-worker", context_thread_main, worker_context));
      g_thread_unref (g_thread_new ("cancel-timers", context_thread_main, timer_context));

      g_once_init_leave (&initialized, 1);
    }
}

GMainContext *
_cancel_worker_get_context (void)
{
  worker_ensure_started ();

  return worker_context;
}

CancelTimer *
_cancel_timer_start (gint64          deadline,
                     CancelTimerFunc func,
                     gpointer        data,
                     GDestroyNotify  destroy)
{
  CancelTimer *timer;

  g_assert (func != NULL);

  worker_ensure_started ();

  timer = g_new0 (CancelTimer, 1);
  timer->deadline = deadline;
  timer->ref_count = 2;  /* the caller's and the heap's */
  timer->state = TIMER_PENDING;
  timer->func = func;
  timer->data = data;
  timer->destroy = destroy;

  cancel_mutex_lock (&timers_lock);
  g_ptr_array_add (heap, timer);
  timer->heap_index = heap->len - 1;
  heap_sift_up (timer->heap_index);
  if (timer->heap_index == 0)
    update_ready_time_locked ();
  cancel_mutex_unlock (&timers_lock);

  return timer;
}

gboolean
_cancel_timer_reschedule (CancelTimer *timer,
                          gint64       deadline)
{
  gboolean pending;

  g_assert (timer != NULL);

  cancel_mutex_lock (&timers_lock);
  pending = timer->state == TIMER_PENDING;
  if (pending)
    {
      timer->deadline = deadline;
      heap_sift_up (timer->heap_index);
      heap_sift_down (timer->heap_index);
      update_ready_time_locked ();
    }
  cancel_mutex_unlock (&timers_lock);

  return pending;
}

gint64
_cancel_timer_get_deadline (CancelTimer *timer)
{
  gint64 deadline;

  cancel_mutex_lock (&timers_lock);
  deadline = timer->deadline;
  cancel_mutex_unlock (&timers_lock);

  return deadline;
}

gboolean
_cancel_timer_stop (CancelTimer *timer)
{
  CancelTimer *to_free = NULL;
  gboolean was_pending;

  g_assert (timer != NULL);

  cancel_mutex_lock (&timers_lock);
  was_pending = timer->state == TIMER_PENDING;
  if (was_pending)
    {
      gboolean was_root = timer->heap_index == 0;

      heap_remove (timer);
      timer->state = TIMER_DONE;
      timer_unref_locked (timer);  /* the heap's; the caller's remains */
      if (was_root)
        update_ready_time_locked ();
    }
  to_free = timer_unref_locked (timer);
  cancel_mutex_unlock (&timers_lock);

  timer_free (to_free);

  return was_pending;
}

guint
_cancel_timer_count_pending (void)
{
  guint n;

  worker_ensure_started ();

  cancel_mutex_lock (&timers_lock);
  n = heap->len;
  cancel_mutex_unlock (&timers_lock);

  return n;
}
