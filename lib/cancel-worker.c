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

/* A job for a firing thread, linked into the queue by its own link: a
 * timer carries one, so handing it over allocates nothing. */
typedef struct
{
  GList    link;   /* data: the job itself */
  GFunc    func;
  gpointer data;
  gboolean owned;  /* allocated by _cancel_worker_fire(), freed after it ran */
} FiringJob;

struct _CancelTimer
{
  gint64           deadline;
  guint            heap_index;  /* G_MAXUINT when not in the heap */
  gint             ref_count;   /* atomic: the caller's, the heap's or the firing one */
  TimerState       state;       /* timers_lock */
  CancelTimerFunc  func;
  gpointer         data;
  GDestroyNotify   destroy;
  FiringJob        job;
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
 * is handed over.
 *
 * Jobs are handed over in batches (every timer due in one dispatch) and
 * one thread is woken per batch, not one per job: a wake-up costs a
 * futex call and a context switch, more than the rest of a deadline. A
 * job whose handler blocks must still hold up no other: the stall check
 * on the timer thread wakes, or starts, another thread whenever jobs
 * wait and none was taken for FIRING_STALL_USEC. */
#define FIRING_IDLE_USEC (10 * G_USEC_PER_SEC)
#define FIRING_STALL_USEC 1000

static CancelMutex firing_lock = CANCEL_MUTEX_INIT;
static CancelCond firing_cond;
static GQueue firing_jobs = G_QUEUE_INIT;  /* of FiringJob, by their links */
static guint n_firing_threads;
static guint n_firing_idle;
static gint64 firing_progress_time;        /* when a job was last taken, or queued into an empty queue */
static gboolean stall_check_armed;
static GSource *stall_source;              /* on the timer thread */

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

      job = g_queue_pop_head_link (&firing_jobs)->data;
      if (!g_queue_is_empty (&firing_jobs))
        firing_progress_time = g_get_monotonic_time ();
      cancel_mutex_unlock (&firing_lock);

      /* A timer's job is freed with the timer, by its own func: read
       * nothing of it after the call. */
      if (job->owned)
        {
          job->func (job->data, NULL);
          g_free (job);
        }
      else
        job->func (job->data, NULL);

      cancel_mutex_lock (&firing_lock);
    }
}

static void worker_ensure_started (void);

/* Must be called with firing_lock held; returns TRUE if the caller must
 * start a firing thread once the lock is released. */
static gboolean
wake_one_locked (void)
{
  if (n_firing_idle > 0)
    {
      cancel_cond_signal (&firing_cond);
      return FALSE;
    }
  if (n_firing_threads >= CANCEL_MAX_FIRING_THREADS)
    return FALSE;

  n_firing_threads++;
  return TRUE;
}

static void
start_firing_thread (void)
{
  g_thread_unref (g_thread_new ("cancel-firing", firing_thread_main, NULL));
}

/* Queues @jobs (a list of FiringJob links) and wakes one thread for them. */
static void
queue_jobs (GQueue *jobs)
{
  gboolean spawn, arm;

  cancel_mutex_lock (&firing_lock);
  if (g_queue_is_empty (&firing_jobs))
    firing_progress_time = g_get_monotonic_time ();
  /* A busy thread may be stuck in a handler for as long as it likes:
   * wake an idle one, or start one, for every batch. */
  spawn = wake_one_locked ();
  while (!g_queue_is_empty (jobs))
    g_queue_push_tail_link (&firing_jobs, g_queue_pop_head_link (jobs));
  arm = !stall_check_armed;
  stall_check_armed = TRUE;
  cancel_mutex_unlock (&firing_lock);

  if (arm)
    g_source_set_ready_time (stall_source, g_get_monotonic_time () + FIRING_STALL_USEC);
  if (spawn)
    start_firing_thread ();
}

/* On the timer thread: while jobs wait, checks every FIRING_STALL_USEC
 * that one was taken, or wakes another thread for them. */
static gboolean
stall_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  gint64 now = g_get_monotonic_time ();
  gboolean spawn = FALSE;

  cancel_mutex_lock (&firing_lock);
  if (g_queue_is_empty (&firing_jobs))
    {
      stall_check_armed = FALSE;
      g_source_set_ready_time (source, -1);
    }
  else
    {
      if (now - firing_progress_time >= FIRING_STALL_USEC)
        {
          spawn = wake_one_locked ();
          firing_progress_time = now;
        }
      g_source_set_ready_time (source, now + FIRING_STALL_USEC);
    }
  cancel_mutex_unlock (&firing_lock);

  if (spawn)
    start_firing_thread ();

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs stall_source_funcs = {
  .dispatch = stall_source_dispatch,
};

void
_cancel_worker_fire (GFunc    func,
                     gpointer data)
{
  FiringJob *job = g_new0 (FiringJob, 1);
  GQueue jobs = G_QUEUE_INIT;

  worker_ensure_started ();

  job->link.data = job;
  job->func = func;
  job->data = data;
  job->owned = TRUE;
  g_queue_push_tail_link (&jobs, &job->link);
  queue_jobs (&jobs);
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

/* Drops one reference, with or without timers_lock held; the last one
 * frees the timer (its destroy notify may run arbitrary code, so never
 * under the lock: the lock's holders always keep a reference). */
static void
timer_unref (CancelTimer *timer)
{
  g_assert (g_atomic_int_get (&timer->ref_count) > 0);

  if (!g_atomic_int_dec_and_test (&timer->ref_count))
    return;

  if (timer->destroy != NULL)
    timer->destroy (timer->data);
  g_free (timer);
}

/* On a firing thread: the heap's reference became the firing one. Its
 * state stays TIMER_FIRING: stop and reschedule only ask whether it is
 * still pending. */
static void
timer_fire (gpointer data,
            gpointer unused)
{
  CancelTimer *timer = data;

  timer->func (timer->data);
  timer_unref (timer);
}

/* On the timer thread: hands every due timer to the firing threads, as
 * one batch; see FIRING_STALL_USEC for why no handler, however slow,
 * holds up another deadline. */
static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  gint64 now = g_source_get_time (source);
  GQueue due = G_QUEUE_INIT;

  cancel_mutex_lock (&timers_lock);
  while (heap->len > 0 && heap_at (0)->deadline <= now)
    {
      /* The heap's reference becomes the firing reference. */
      CancelTimer *timer = heap_at (0);

      heap_remove (timer);
      timer->state = TIMER_FIRING;
      g_queue_push_tail_link (&due, &timer->job.link);
    }
  update_ready_time_locked ();
  cancel_mutex_unlock (&timers_lock);

  if (!g_queue_is_empty (&due))
    queue_jobs (&due);

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
      stall_source = g_source_new (&stall_source_funcs, sizeof (GSource));
      g_source_set_static_name (stall_source, "[cancelable] firing stall check");
      g_source_set_priority (stall_source, G_PRIORITY_HIGH);
      g_source_set_ready_time (stall_source, -1);
      g_source_attach (stall_source, timer_context);
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
  timer->job.link.data = &timer->job;
  timer->job.func = timer_fire;
  timer->job.data = timer;

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
  gboolean was_pending;

  g_assert (timer != NULL);

  cancel_mutex_lock (&timers_lock);
  was_pending = timer->state == TIMER_PENDING;
  if (was_pending)
    {
      gboolean was_root = timer->heap_index == 0;

      heap_remove (timer);
      timer->state = TIMER_DONE;
      timer_unref (timer);  /* the heap's; the caller's remains */
      if (was_root)
        update_ready_time_locked ();
    }
  cancel_mutex_unlock (&timers_lock);

  timer_unref (timer);

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
