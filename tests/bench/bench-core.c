/* bench-core.c: the cost of a CancelScope against a bare GCancellable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each workload runs for CancelScope and for the nearest thing a program
 * would write with plain GCancellables, in the same run, alternating the
 * two so that load on the machine hits both alike. Times are CPU time of
 * the whole process (every thread, the library's worker included), so
 * other processes on a busy machine do not inflate them; each row reports
 * the median over the repetitions. The workloads that build large
 * structures (fan-out, chain, timeouts, memory) take each measurement in
 * a fresh process (`--child`): neither side then pays for a heap the other
 * left fragmented. Targets are the goals of the performance work (see
 * docs/benchmarks.md); they are reported, never enforced: the exit status
 * only says whether the program ran.
 *
 * Usage: bench-core [--quick] [--reps N] [--only NAME]
 *        bench-core --child WORKLOAD N   (internal: one measurement in a
 *                                         fresh process)
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cancelable.h>

#include "cancel-worker-private.h"

typedef struct
{
  guint lifecycle;
  guint fanout;
  guint chain;
  guint timeouts;
  guint memory;
  guint reps;
} Sizes;

typedef enum
{
  TARGET_NONE,
  TARGET_RATIO,     /* scope / bare must be <= target */
  TARGET_ABSOLUTE,  /* the scope figure itself must be <= target */
} TargetKind;

typedef struct
{
  char       *name;
  const char *unit;
  double      scope;
  double      bare;
  TargetKind  kind;
  double      target;
} Row;

static GArray *rows;
static const char *only;

/* Timing */

static gint64
cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
wall_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  if (n % 2 == 1)
    return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

static double
minimum (const double *values,
         guint         n)
{
  double best = values[0];
  guint i;

  for (i = 1; i < n; i++)
    best = MIN (best, values[i]);
  return best;
}

static void
add_row (const char *name,
         const char *unit,
         double      scope,
         double      bare,
         TargetKind  kind,
         double      target)
{
  Row row = { g_strdup (name), unit, scope, bare, kind, target };

  g_array_append_val (rows, row);
}

/* Runs @scope_run and @bare_run alternately @reps times; each returns the
 * cost per unit. Prints every repetition and adds a row of medians. */
typedef double (*RunFunc) (guint n, gpointer data);

static void
compare (const char *name,
         const char *unit,
         guint       n,
         guint       reps,
         RunFunc     scope_run,
         RunFunc     bare_run,
         gpointer    data,
         TargetKind  kind,
         double      target)
{
  g_autofree double *scope = g_new0 (double, reps);
  g_autofree double *bare = g_new0 (double, reps);
  double scope_best, bare_best;
  guint i;

  for (i = 0; i < reps; i++)
    {
      scope[i] = scope_run (n, data);
      bare[i] = bare_run (n, data);
      g_print ("#   %-34s rep %u: scope %10.1f  bare %10.1f %s\n",
               name, i + 1, scope[i], bare[i], unit);
    }

  scope_best = minimum (scope, reps);
  bare_best = minimum (bare, reps);
  add_row (name, unit, median (scope, reps), median (bare, reps), kind, target);
  g_print ("#   %-34s best : scope %10.1f  bare %10.1f %s (ratio %.2f)\n",
           name, scope_best, bare_best, unit, scope_best / bare_best);
}

static gboolean
selected (const char *workload)
{
  return only == NULL || strstr (workload, only) != NULL;
}

static void
drain (GMainContext *context)
{
  while (g_main_context_iteration (context, FALSE))
    ;
}

/* Runs `bench-core --child WORKLOAD N` and reads the @n_values numbers it
 * prints. Each such measurement starts from a fresh heap, so neither side
 * pays for the fragmentation the other left behind. */
static void
run_child (const char *workload,
           guint       n,
           double     *values,
           guint       n_values)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *out = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self, "--child", workload, count, NULL };
  int status;
  guint i;

  if (self == NULL)
    g_error ("cannot read /proc/self/exe");
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("bench-core --child %s %u: %s", workload, n, error->message);

  fields = g_strsplit_set (g_strstrip (out), " ", -1);
  if (g_strv_length (fields) != n_values)
    g_error ("bench-core --child %s: expected %u numbers, got “%s”", workload, n_values, out);
  for (i = 0; i < n_values; i++)
    values[i] = g_ascii_strtod (fields[i], NULL);
}

static void
cancel_other_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
nothing_cb (GCancellable *cancellable,
            gpointer      user_data)
{
}

/* 1. Lifecycle: new + begin + end + unref */

static double
lifecycle_scope (guint          n,
                 CancelRegistry *registry)
{
  GMainContext *context = registry ? cancel_registry_get_context (registry) : NULL;
  gint64 start;
  guint i;

  start = cpu_ns ();
  for (i = 0; i < n; i++)
    {
      CancelScope *scope = cancel_scope_new ("Operation");

      cancel_scope_set_registry (scope, registry);
      cancel_scope_begin (scope);
      cancel_scope_end (scope);
      g_object_unref (scope);

      /* Publishing and history eviction are part of the cost. */
      if (registry != NULL && i % 1024 == 1023)
        drain (context);
    }
  if (registry != NULL)
    drain (context);

  return (double) (cpu_ns () - start) / n;
}

static double
lifecycle_registered (guint    n,
                      gpointer data)
{
  return lifecycle_scope (n, data);
}

static double
lifecycle_unregistered (guint    n,
                        gpointer data)
{
  return lifecycle_scope (n, NULL);
}

static double
lifecycle_bare (guint    n,
                gpointer data)
{
  gint64 start;
  guint i;

  start = cpu_ns ();
  for (i = 0; i < n; i++)
    {
      GCancellable *cancellable = g_cancellable_new ();
      gulong id;

      id = g_cancellable_connect (cancellable, G_CALLBACK (nothing_cb), NULL, NULL);
      g_cancellable_disconnect (cancellable, id);
      g_object_unref (cancellable);
    }

  return (double) (cpu_ns () - start) / n;
}

static void
bench_lifecycle (const Sizes *sizes)
{
  g_autoptr(CancelRegistry) registry = NULL;

  if (!selected ("lifecycle"))
    return;

  registry = cancel_registry_new ();
  cancel_registry_set_history_limit (registry, 16);

  /* Warm up: type registration, first allocations, the default registry. */
  lifecycle_scope (MIN (sizes->lifecycle, 1000), registry);
  lifecycle_bare (MIN (sizes->lifecycle, 1000), NULL);

  compare ("lifecycle, registered", "ns/scope", sizes->lifecycle, sizes->reps,
           lifecycle_registered, lifecycle_bare, registry, TARGET_RATIO, 1.2);
  compare ("lifecycle, unregistered", "ns/scope", sizes->lifecycle, sizes->reps,
           lifecycle_unregistered, lifecycle_bare, NULL, TARGET_RATIO, 1.0);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cancel_registry_get_history (registry)), <=, 16);
}

/* 2. Fan-out: cancel a parent of n children */

typedef struct
{
  double build;   /* per child, CPU ns */
  double cancel;
  double cleanup;
} Phases;

static void
fanout_scope_phases (guint   n,
                     Phases *phases)
{
  g_autofree CancelScope **children = g_new (CancelScope *, n);
  CancelScope *parent;
  gint64 t0, t1, t2, t3;
  guint i;

  t0 = cpu_ns ();
  parent = cancel_scope_new_full (NULL, "Batch", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_registry (parent, NULL);
  cancel_scope_begin (parent);
  for (i = 0; i < n; i++)
    {
      children[i] = cancel_scope_new_full (parent, "Item", CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (children[i], NULL);
      cancel_scope_begin (children[i]);
    }

  t1 = cpu_ns ();
  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
  t2 = cpu_ns ();

  for (i = 0; i < n; i++)
    {
      g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (children[i])));
      cancel_scope_end (children[i]);
      g_object_unref (children[i]);
    }
  cancel_scope_end (parent);
  g_object_unref (parent);
  t3 = cpu_ns ();

  phases->build = (double) (t1 - t0) / n;
  phases->cancel = (double) (t2 - t1) / n;
  phases->cleanup = (double) (t3 - t2) / n;
}

static void
fanout_bare_phases (guint   n,
                    Phases *phases)
{
  g_autofree GCancellable **children = g_new (GCancellable *, n);
  GCancellable *parent;
  gint64 t0, t1, t2, t3;
  guint i;

  t0 = cpu_ns ();
  parent = g_cancellable_new ();
  for (i = 0; i < n; i++)
    {
      children[i] = g_cancellable_new ();
      g_cancellable_connect (parent, G_CALLBACK (cancel_other_cb), children[i], NULL);
    }

  t1 = cpu_ns ();
  g_cancellable_cancel (parent);
  t2 = cpu_ns ();

  /* Dropping the parent drops its handlers. */
  g_object_unref (parent);
  for (i = 0; i < n; i++)
    {
      g_assert_true (g_cancellable_is_cancelled (children[i]));
      g_object_unref (children[i]);
    }
  t3 = cpu_ns ();

  phases->build = (double) (t1 - t0) / n;
  phases->cancel = (double) (t2 - t1) / n;
  phases->cleanup = (double) (t3 - t2) / n;
}

static void
bench_fanout (const Sizes *sizes)
{
  g_autofree double *scope = g_new0 (double, sizes->reps * 3);
  g_autofree double *bare = g_new0 (double, sizes->reps * 3);
  g_autofree char *name = NULL;
  guint r, p;

  if (!selected ("fan-out"))
    return;

  name = g_strdup_printf ("fan-out cancel, %u children", sizes->fanout);
  for (r = 0; r < sizes->reps; r++)
    {
      double s[3], b[3];

      run_child ("fanout-scope", sizes->fanout, s, 3);
      run_child ("fanout-bare", sizes->fanout, b, 3);
      for (p = 0; p < 3; p++)
        {
          scope[p * sizes->reps + r] = s[p];
          bare[p * sizes->reps + r] = b[p];
        }
      g_print ("#   %-34s rep %u: scope %10.1f  bare %10.1f ns/child"
               " (build %.1f/%.1f, end+unref %.1f/%.1f)\n",
               name, r + 1, s[0], b[0], s[1], b[1], s[2], b[2]);
    }

  add_row (name, "ns/child",
           median (scope, sizes->reps), median (bare, sizes->reps), TARGET_RATIO, 1.0);
  for (p = 1; p < 3; p++)
    {
      g_autofree char *info = g_strdup_printf ("  (fan-out %s, for info)",
                                               p == 1 ? "build" : "end+unref");

      add_row (info, "ns/child",
               median (scope + p * sizes->reps, sizes->reps),
               median (bare + p * sizes->reps, sizes->reps), TARGET_NONE, 0);
    }
}

/* 3. Chain: cancel the root of a chain n deep */

/* A bare chain recurses once per link inside g_cancellable_cancel():
 * both sides run on a thread with a stack big enough for that (it is only
 * reserved, not touched, beyond what the recursion uses). */
#define CHAIN_STACK_SIZE ((size_t) 1 << 30)

typedef struct
{
  guint   n;
  gboolean scope;
  double  result;
} ChainJob;

static void
chain_scope (ChainJob *job)
{
  g_autofree CancelScope **links = g_new (CancelScope *, job->n + 1);
  gint64 start, end;
  guint i;

  links[0] = cancel_scope_new_full (NULL, "Root", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_registry (links[0], NULL);
  cancel_scope_begin (links[0]);
  for (i = 1; i <= job->n; i++)
    {
      links[i] = cancel_scope_new_full (links[i - 1], "Link", CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (links[i], NULL);
      cancel_scope_begin (links[i]);
    }

  start = cpu_ns ();
  cancel_scope_cancel (links[0], CANCEL_REASON_MANUAL, NULL);
  end = cpu_ns ();

  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (links[job->n])));
  for (i = job->n + 1; i-- > 0;)
    {
      cancel_scope_end (links[i]);
      g_object_unref (links[i]);
    }

  job->result = (double) (end - start) / job->n;
}

static void
chain_bare (ChainJob *job)
{
  g_autofree GCancellable **links = g_new (GCancellable *, job->n + 1);
  gint64 start, end;
  guint i;

  links[0] = g_cancellable_new ();
  for (i = 1; i <= job->n; i++)
    {
      links[i] = g_cancellable_new ();
      g_cancellable_connect (links[i - 1], G_CALLBACK (cancel_other_cb), links[i], NULL);
    }

  start = cpu_ns ();
  g_cancellable_cancel (links[0]);
  end = cpu_ns ();

  g_assert_true (g_cancellable_is_cancelled (links[job->n]));
  for (i = 0; i <= job->n; i++)
    g_object_unref (links[i]);

  job->result = (double) (end - start) / job->n;
}

static void *
chain_thread (void *data)
{
  ChainJob *job = data;

  if (job->scope)
    chain_scope (job);
  else
    chain_bare (job);
  return NULL;
}

static double
run_chain (guint    n,
           gboolean scope)
{
  ChainJob job = { n, scope, 0 };
  pthread_attr_t attr;
  pthread_t thread;
  int res;

  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, CHAIN_STACK_SIZE);
  res = pthread_create (&thread, &attr, chain_thread, &job);
  if (res != 0)
    g_error ("pthread_create: %s", g_strerror (res));
  pthread_join (thread, NULL);
  pthread_attr_destroy (&attr);

  return job.result;
}

static double
chain_scope_run (guint    n,
                 gpointer data)
{
  double result;

  run_child ("chain-scope", n, &result, 1);
  return result;
}

static double
chain_bare_run (guint    n,
                gpointer data)
{
  double result;

  run_child ("chain-bare", n, &result, 1);
  return result;
}

static void
bench_chain (const Sizes *sizes)
{
  g_autofree char *name = NULL;

  if (!selected ("chain"))
    return;

  name = g_strdup_printf ("chain cancel, %u deep", sizes->chain);
  compare (name, "ns/link", sizes->chain, sizes->reps,
           chain_scope_run, chain_bare_run, NULL, TARGET_RATIO, 0.7);
}

/* 4. Timeouts: n tokens with 1-50 ms timeouts, until all fired */

typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  guint           n;
  guint           fired;   /* atomic */
} Countdown;

static Countdown countdown = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

static void
count_fired_cb (GCancellable *cancellable,
                gpointer      user_data)
{
  if (g_atomic_int_add (&countdown.fired, 1) + 1 == (int) countdown.n)
    {
      pthread_mutex_lock (&countdown.mutex);
      pthread_cond_broadcast (&countdown.cond);
      pthread_mutex_unlock (&countdown.mutex);
    }
}

static void
countdown_reset (guint n)
{
  countdown.n = n;
  g_atomic_int_set (&countdown.fired, 0);
}

/* Timeouts in ms, 1..50, the same sequence for both sides. */
static guint *
timeout_ms (guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  guint *ms = g_new (guint, n);
  guint i;

  for (i = 0; i < n; i++)
    ms[i] = g_rand_int_range (rand, 1, 51);
  return ms;
}

typedef enum
{
  TIMEOUTS_HANDLER = 1 << 0,     /* each token has a ::cancelled handler */
  TIMEOUTS_TIMER_ONLY = 1 << 1,  /* tokens made and freed outside the clock */
} TimeoutFlags;

typedef struct
{
  double total;  /* CPU ns per token: create + arm + fire + clean up */
  double arm;    /* CPU ns per token: create + arm */
  double wall;   /* ms from the first arm to the last fire */
} TimeoutResult;

static void
wait_countdown (guint n)
{
  pthread_mutex_lock (&countdown.mutex);
  while ((guint) g_atomic_int_get (&countdown.fired) < n)
    {
      struct timespec guard;

      clock_gettime (CLOCK_REALTIME, &guard);
      guard.tv_sec += 60;
      if (pthread_cond_timedwait (&countdown.cond, &countdown.mutex, &guard) == ETIMEDOUT)
        g_error ("timeouts: only %u of %u fired after 60 s",
                 (guint) g_atomic_int_get (&countdown.fired), n);
    }
  pthread_mutex_unlock (&countdown.mutex);
}

/* With @handler, each token has a ::cancelled handler (as when it is passed
 * to a GIO call) that counts the cancellations. Without, nothing watches
 * the scopes: this thread polls the worker's heap every 0.5 ms (a
 * negligible cost) and then the last flags, so only the timer mechanism
 * is measured. */
static void
timeouts_scope (guint          n,
                TimeoutFlags   flags,
                TimeoutResult *result)
{
  g_autofree guint *ms = timeout_ms (n);
  g_autofree CancelScope **scopes = g_new (CancelScope *, n);
  gboolean handler = (flags & TIMEOUTS_HANDLER) != 0;
  gboolean timer_only = (flags & TIMEOUTS_TIMER_ONLY) != 0;
  gint64 start = 0, end = 0, armed, wall_start, wall_fired, guard;
  guint i;

  countdown_reset (n);
  if (!timer_only)
    start = cpu_ns ();
  for (i = 0; i < n; i++)
    {
      scopes[i] = cancel_scope_new_full (NULL, "Request", CANCEL_SCOPE_FLAGS_NONE);
      if (handler)
        g_cancellable_connect (G_CANCELLABLE (scopes[i]), G_CALLBACK (count_fired_cb), NULL, NULL);
    }
  if (timer_only)
    start = cpu_ns ();
  wall_start = wall_ns ();
  for (i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!cancel_scope_set_timeout (scopes[i], ms[i] / 1000.0, &error))
        g_error ("set_timeout: %s", error->message);
    }
  armed = cpu_ns ();

  /* The library's worker fires them: this thread just waits. */
  if (handler)
    wait_countdown (n);
  else
    {
      guard = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      for (i = 0; i < n; i++)
        while (!g_cancellable_is_cancelled (G_CANCELLABLE (scopes[i])))
          {
            if (g_get_monotonic_time () > guard)
              g_error ("timeouts: scope %u of %u not cancelled after 60 s", i, n);
            g_usleep (500);
          }
    }
  wall_fired = wall_ns ();
  if (timer_only)
    end = cpu_ns ();

  for (i = 0; i < n; i++)
    {
      g_assert_cmpint (cancel_scope_get_reason (scopes[i]), ==, CANCEL_REASON_TIMEOUT);
      g_object_unref (scopes[i]);
    }
  if (!timer_only)
    end = cpu_ns ();

  result->total = (double) (end - start) / n;
  result->arm = (double) (armed - start) / n;
  result->wall = (wall_fired - wall_start) / 1e6;
}

static gboolean
cancel_on_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_and_count_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  countdown.fired++;
  return G_SOURCE_REMOVE;
}

/* The same with one GSource per token on a context this thread iterates,
 * as a program without scopes would write it. */
static void
timeouts_bare (guint          n,
               TimeoutFlags   flags,
               TimeoutResult *result)
{
  g_autofree guint *ms = timeout_ms (n);
  g_autofree GCancellable **cancellables = g_new (GCancellable *, n);
  g_autofree GSource **sources = g_new (GSource *, n);
  gboolean handler = (flags & TIMEOUTS_HANDLER) != 0;
  gboolean timer_only = (flags & TIMEOUTS_TIMER_ONLY) != 0;
  GMainContext *context;
  gint64 start = 0, end = 0, armed, wall_start, wall_fired, guard;
  guint i;

  countdown_reset (n);
  if (!timer_only)
    start = cpu_ns ();
  context = g_main_context_new ();
  for (i = 0; i < n; i++)
    {
      cancellables[i] = g_cancellable_new ();
      if (handler)
        g_cancellable_connect (cancellables[i], G_CALLBACK (count_fired_cb), NULL, NULL);
    }
  if (timer_only)
    start = cpu_ns ();
  wall_start = wall_ns ();
  for (i = 0; i < n; i++)
    {
      sources[i] = g_timeout_source_new (ms[i]);
      g_source_set_callback (sources[i], handler ? cancel_on_timeout_cb : cancel_and_count_cb,
                             cancellables[i], NULL);
      g_source_attach (sources[i], context);
    }
  armed = cpu_ns ();

  /* The context that owns the sources fires them. */
  guard = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((guint) g_atomic_int_get (&countdown.fired) < n)
    {
      g_main_context_iteration (context, TRUE);
      if (g_get_monotonic_time () > guard)
        g_error ("timeouts: only %u of %u GSources fired after 60 s",
                 (guint) g_atomic_int_get (&countdown.fired), n);
    }
  wall_fired = wall_ns ();

  for (i = 0; i < n; i++)
    {
      g_assert_true (g_cancellable_is_cancelled (cancellables[i]));
      g_source_destroy (sources[i]);
      g_source_unref (sources[i]);
    }
  if (timer_only)
    end = cpu_ns ();
  for (i = 0; i < n; i++)
    g_object_unref (cancellables[i]);
  g_main_context_unref (context);
  if (!timer_only)
    end = cpu_ns ();

  result->total = (double) (end - start) / n;
  result->arm = (double) (armed - start) / n;
  result->wall = (wall_fired - wall_start) / 1e6;
}

static void
bench_timeouts (const Sizes *sizes)
{
  static const struct {
    const char *scope, *bare, *label;
  } variants[] = {
    { "timeouts-scope", "timeouts-bare", NULL },
    { "timeouts-timer-scope", "timeouts-timer-bare", "  (timeouts, timer only, for info)" },
    { "timeouts-handler-scope", "timeouts-handler-bare", "  (timeouts + ::cancelled handler)" },
  };
  guint reps = sizes->reps;
  g_autofree double *scope = g_new0 (double, reps * (G_N_ELEMENTS (variants) + 1));
  g_autofree double *bare = g_new0 (double, reps * (G_N_ELEMENTS (variants) + 1));
  g_autofree char *name = NULL;
  guint r, v;

  if (!selected ("timeouts"))
    return;

  name = g_strdup_printf ("timeouts 1-50 ms, %u tokens", sizes->timeouts);
  for (r = 0; r < reps; r++)
    for (v = 0; v < G_N_ELEMENTS (variants); v++)
      {
        double s[3], b[3];

        run_child (variants[v].scope, sizes->timeouts, s, 3);
        run_child (variants[v].bare, sizes->timeouts, b, 3);
        scope[v * reps + r] = s[0];
        bare[v * reps + r] = b[0];
        if (v == 0)
          {
            scope[G_N_ELEMENTS (variants) * reps + r] = s[1];
            bare[G_N_ELEMENTS (variants) * reps + r] = b[1];
          }
        g_print ("#   %-34s rep %u: scope %10.1f  bare %10.1f CPU ns/token"
                 " (arm %.1f/%.1f; last fired after %.1f/%.1f ms)\n",
                 v == 0 ? name : variants[v].label, r + 1, s[0], b[0], s[1], b[1], s[2], b[2]);
      }

  for (v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      add_row (v == 0 ? name : variants[v].label, "CPU ns/token",
               median (scope + v * reps, reps), median (bare + v * reps, reps),
               v == 0 ? TARGET_RATIO : TARGET_NONE, 0.5);
      if (v == 0)
        add_row ("  (timeouts create+arm, for info)", "CPU ns/token",
                 median (scope + G_N_ELEMENTS (variants) * reps, reps),
                 median (bare + G_N_ELEMENTS (variants) * reps, reps), TARGET_NONE, 0);
    }
}

/* 5. Memory per live token, each kind measured in a fresh process */

static gint64
resident_bytes (void)
{
  g_autofree char *contents = NULL;
  unsigned long size, resident;

  if (!g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL) ||
      sscanf (contents, "%lu %lu", &size, &resident) != 2)
    g_error ("cannot read /proc/self/statm");
  return (gint64) resident * sysconf (_SC_PAGESIZE);
}

static double
memory_per_token (const char *kind,
                  guint       n)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  gboolean registered = g_str_equal (kind, "registered");
  gboolean bare = g_str_equal (kind, "bare");
  gpointer *tokens;
  gint64 before, after;
  guint i;

  if (!registered && !bare && !g_str_equal (kind, "unregistered"))
    g_error ("unknown memory kind %s", kind);

  cancel_registry_set_history_limit (registry, 16);

  /* The array of pointers is resident before the baseline. */
  tokens = g_new (gpointer, n);
  memset (tokens, 1, sizeof (gpointer) * n);

  /* Warm up: types, the default registry, the first allocations. */
  lifecycle_scope (100, registry);
  lifecycle_scope (100, NULL);
  lifecycle_bare (100, NULL);

  before = resident_bytes ();
  for (i = 0; i < n; i++)
    {
      if (bare)
        {
          tokens[i] = g_cancellable_new ();
          continue;
        }

      tokens[i] = cancel_scope_new ("Operation");
      cancel_scope_set_registry (tokens[i], registered ? registry : NULL);
      cancel_scope_begin (tokens[i]);
      if (i % 4096 == 4095)
        drain (context);
    }
  drain (context);
  after = resident_bytes ();

  if (registered)
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, n);

  /* The tokens stay alive: the child exits without tearing them down. */
  return (double) (after - before) / n;
}

static void
bench_memory (const Sizes *sizes)
{
  g_autofree char *name = NULL;
  double registered, unregistered, bare;

  if (!selected ("memory"))
    return;

  name = g_strdup_printf ("memory, %u live, registered", sizes->memory);
  run_child ("memory-registered", sizes->memory, &registered, 1);
  run_child ("memory-unregistered", sizes->memory, &unregistered, 1);
  run_child ("memory-bare", sizes->memory, &bare, 1);
  g_print ("#   memory: registered %.1f, unregistered %.1f, bare %.1f bytes/token\n",
           registered, unregistered, bare);

  add_row (name, "bytes/token", registered, bare, TARGET_ABSOLUTE, 256);
  add_row ("  (memory, unregistered, for info)", "bytes/token",
           unregistered, bare, TARGET_NONE, 0);
}

/* One measurement in a fresh process: prints its numbers and exits
 * without tearing down what it measured. */
static int
child_main (const char *workload,
            guint       n)
{
  guint warm_up = MAX (n / 10, 1);
  double values[3];
  guint n_values = 1;

  if (g_str_has_prefix (workload, "fanout-"))
    {
      gboolean scope = g_str_equal (workload, "fanout-scope");
      Phases phases;

      (scope ? fanout_scope_phases : fanout_bare_phases) (warm_up, &phases);
      (scope ? fanout_scope_phases : fanout_bare_phases) (n, &phases);
      values[0] = phases.cancel;
      values[1] = phases.build;
      values[2] = phases.cleanup;
      n_values = 3;
    }
  else if (g_str_has_prefix (workload, "chain-"))
    {
      gboolean scope = g_str_equal (workload, "chain-scope");

      run_chain (warm_up, scope);
      values[0] = run_chain (n, scope);
    }
  else if (g_str_has_prefix (workload, "timeouts-"))
    {
      void (*run) (guint, TimeoutFlags, TimeoutResult *);
      TimeoutFlags flags = 0;
      TimeoutResult result;

      if (strstr (workload, "-handler-") != NULL)
        flags |= TIMEOUTS_HANDLER;
      if (strstr (workload, "-timer-") != NULL)
        flags |= TIMEOUTS_TIMER_ONLY;
      run = g_str_has_suffix (workload, "-scope") ? timeouts_scope : timeouts_bare;
      run (warm_up, flags, &result);
      run (n, flags, &result);
      /* Every timer fired and was released. */
      g_assert_cmpuint (_cancel_timer_count_pending (), ==, 0);
      values[0] = result.total;
      values[1] = result.arm;
      values[2] = result.wall;
      n_values = 3;
    }
  else if (g_str_has_prefix (workload, "memory-"))
    values[0] = memory_per_token (workload + strlen ("memory-"), n);
  else
    g_error ("unknown workload %s", workload);

  if (n_values == 1)
    g_print ("%.1f\n", values[0]);
  else
    g_print ("%.1f %.1f %.1f\n", values[0], values[1], values[2]);
  fflush (stdout);
  _exit (0);
}

/* The table */

static void
print_table (void)
{
  guint i, met = 0, targets = 0;

  g_print ("\n%-38s %14s %14s %7s %9s %5s\n",
           "workload", "scope", "bare", "ratio", "target", "met?");
  g_print ("%-38s %14s %14s %7s %9s %5s\n",
           "--------", "-----", "----", "-----", "------", "----");
  for (i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      double ratio = row->scope / row->bare;
      g_autofree char *target = NULL;
      const char *verdict = "";

      switch (row->kind)
        {
        case TARGET_RATIO:
          target = g_strdup_printf ("<= %.1fx", row->target);
          verdict = ratio <= row->target ? "yes" : "NO";
          targets++;
          met += ratio <= row->target;
          break;
        case TARGET_ABSOLUTE:
          target = g_strdup_printf ("<= %.0f", row->target);
          verdict = row->scope <= row->target ? "yes" : "NO";
          targets++;
          met += row->scope <= row->target;
          break;
        case TARGET_NONE:
        default:
          target = g_strdup ("-");
          break;
        }

      g_print ("%-38s %14.1f %14.1f %6.2fx %9s %5s   %s\n",
               row->name, row->scope, row->bare, ratio, target, verdict, row->unit);
    }
  g_print ("\nratio = scope / bare; the target applies to the ratio, or to the scope\n"
           "figure itself for memory. %u of %u targets met (reported only, never a failure)\n",
           met, targets);
}

int
main (int   argc,
      char *argv[])
{
  Sizes sizes = { 200000, 100000, 10000, 100000, 1000000, 5 };
  gboolean quick = FALSE;
  int reps = 0;
  char *only_arg = NULL;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "Small sizes, one repetition (smoke test)", NULL },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Repetitions of each timing", "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_arg,
      "Run only workloads whose name contains NAME (lifecycle, fan-out, chain, timeouts, memory)",
      "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint i;

  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));

  options = g_option_context_new ("- CancelScope against GCancellable");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  only = only_arg;

  if (quick)
    sizes = (Sizes) { 2000, 1000, 1000, 1000, 10000, 1 };
  if (reps > 0)
    sizes.reps = reps;

  rows = g_array_new (FALSE, FALSE, sizeof (Row));
  start = wall_ns ();

  g_print ("# bench-core: %s sizes, %u repetition(s); CPU time of the process, median\n",
           quick ? "quick" : "full", sizes.reps);

  /* Memory first, though each kind runs in its own process anyway. */
  bench_memory (&sizes);
  bench_lifecycle (&sizes);
  bench_fanout (&sizes);
  bench_chain (&sizes);
  bench_timeouts (&sizes);

  print_table ();
  g_print ("# %.1f s wall\n", (wall_ns () - start) / 1e9);

  for (i = 0; i < rows->len; i++)
    g_free (g_array_index (rows, Row, i).name);
  g_array_unref (rows);
  g_free (only_arg);

  return 0;
}
