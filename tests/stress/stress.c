/* stress.c: threads doing random operations on shared scopes, sources and
 * one private registry, with invariants checked as they run and once all
 * is quiet
 *
 *   stress [--ops N] [--seconds S] [--seed S] [--threads T]
 *
 * Every call knows whether it is legal (then no critical may be logged
 * while it runs) or a misuse that may race (then only the criticals that
 * this misuse can cause are allowed): a log writer sorts the criticals
 * of the "Cancel" domain into the expected kinds, per calling thread, and
 * anything else fails the run. Who begins and who ends a scope is decided
 * by atomic claims on a record kept for every scope, so that "every begun
 * scope finished exactly once" can be counted; racing begins and ends
 * learn from the criticals they caused whether their call took effect.
 *
 * - Workers (--threads) pick operations at random on a pool of scopes,
 *   sources and plain cancellables: every way to make, begin, end, cancel,
 *   time out, postpone, shield, move, link and drop them, registry
 *   look-ups, filters, cancel-alls and statistics, UNIX signals
 *   (SIGUSR1/2 only; one watch stays armed for the whole run), re-entrant
 *   ::cancelled handlers, resets of scopes nobody else reaches, and one
 *   50,000-link chain. Odd workers own a context of their own and iterate
 *   it; the others' scopes belong to the global default context.
 * - Duels: two workers released together on fresh scopes, the others
 *   standing aside so that both run at once (crossed set_parent, begin
 *   against end, end against end, cancel against end, ...), each side
 *   starting after a random spin so that the window is scanned.
 * - The main thread runs the registry's context (between two waits on the
 *   global default one, so that nobody owns it in between) and checks
 *   every items-changed of the live and history models and of some
 *   children models against a copy kept from the signal alone.
 * - At the end: whatever runs is ended, contexts are drained, the registry
 *   statistics must match what the workers did, the models must be empty,
 *   and, once the registry is dropped, every scope must be finalized.
 *
 * A failure prints the seed and the broken invariant and aborts; a
 * watchdog aborts with the seed when nothing progresses for a minute. All
 * randomness comes from GRands seeded from --seed; thread interleaving of
 * course differs from run to run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cancelable.h>

#define N_SCOPE_SLOTS    96
#define N_SOURCE_SLOTS   48
#define N_PLAIN_SLOTS    8
#define N_ORPHANS        64
#define WATCHDOG_SECONDS 60
#define GUARD_SECONDS    30
#define LONG_CHAIN       50000
#define DUEL_WAIT_US     (20 * 1000)

/* ------------------------------------------------------------------ */
/* Options and shared state                                            */

static guint32 opt_seed;
static gint64 opt_ops = 1000000;
static double opt_seconds = 120;
static int opt_threads = 8;

static CancelRegistry *registry;
static GMainContext *registry_context;
static GThread *main_thread;
static GQuark rec_quark;
static gint64 start_time;

static int stop_flag;           /* atomic */
static int n_running;           /* atomic: worker threads still going */
static gint64 ops_done;         /* atomic */
static gint64 progress_ticks;   /* atomic: for the watchdog */
static gint64 total_checks;     /* atomic: summed as threads leave */
static gint64 n_scopes_created; /* atomic */
static gint64 n_scopes_finalized; /* atomic */
static gint64 n_cancel_all;     /* atomic: scopes cancel_all said it cancelled */
static gint64 n_duels[16];      /* atomic, by kind of duel */
static gint64 n_solo_duels;     /* atomic */
static gint64 n_chains;         /* atomic */
static gint64 n_reentrant;      /* atomic: ::cancelled handlers that called back in */

static inline gint64
atomic_add64 (gint64 *p,
              gint64  v)
{
  return __atomic_add_fetch (p, v, __ATOMIC_SEQ_CST);
}

static inline gint64
atomic_get64 (gint64 *p)
{
  return __atomic_load_n (p, __ATOMIC_SEQ_CST);
}

/* ------------------------------------------------------------------ */
/* Failing                                                             */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread guint64 thread_checks;

static G_GNUC_NORETURN void fail (const char *format,
                                  ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format,
      ...)
{
  char buffer[2048];
  va_list args;

  va_start (args, format);
  vsnprintf (buffer, sizeof buffer, format, args);
  va_end (args);

  /* One report; whoever comes second waits for the abort. */
  pthread_mutex_lock (&fail_lock);
  fprintf (stdout, "stress: FAILED with seed %u: %s\n", opt_seed, buffer);
  fflush (stdout);
  fprintf (stderr, "stress: FAILED with seed %u: %s\n"
           "stress: reproduce with --seed %u --threads %d\n",
           opt_seed, buffer, opt_seed, opt_threads);
  fflush (stderr);
  abort ();
}

#define CHECK(cond, ...) \
  G_STMT_START { \
    thread_checks++; \
    if (G_UNLIKELY (!(cond))) \
      fail (__VA_ARGS__); \
  } G_STMT_END

static void
flush_checks (void)
{
  atomic_add64 (&total_checks, (gint64) thread_checks);
  thread_checks = 0;
}

static void
tick (void)
{
  __atomic_add_fetch (&progress_ticks, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Criticals                                                           */

/* The misuses the operations commit on purpose, and the criticals they
 * cause. Matched on the function and a keyword, not the whole text, so
 * that a reworded assertion still counts. */
enum
{
  K_BEGIN,            /* begin of a scope that is not pending */
  K_END,              /* end of a scope that is not running */
  K_PARENT_PENDING,   /* set_parent of a scope that is not pending */
  K_PARENT_CYCLE,     /* set_parent that would make a cycle */
  K_PARENT_ENDED,     /* set_parent under a parent that has ended */
  K_REGISTRY,         /* set_registry of a scope that is not pending */
  K_SOURCE_TAKEN,     /* a source attached already, or spent, attached again */
  K_SOURCE_ENDED,     /* add_source to a scope that has ended */
  K_DEADLINE_ENDED,   /* set_timeout or set_deadline of a scope that has ended */
  N_KINDS
};

#define KIND(k) (1u << (k))

static const char * const kind_names[N_KINDS] = {
  "begin-not-pending", "end-not-running", "set_parent-not-pending",
  "set_parent-cycle", "set_parent-ended-parent", "set_registry-not-pending",
  "source-taken", "source-scope-ended", "deadline-scope-ended",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == N_KINDS);

static gint64 kind_counts[N_KINDS];  /* atomic */

/* Criticals of the calling thread's current deliberate call. Calls
 * nest: a ::cancelled handler that runs inside one makes calls of its
 * own. */
#define MAX_CAPTURE_DEPTH 8

typedef struct
{
  guint    depth;
  guint    mask[MAX_CAPTURE_DEPTH];
  guint    n[MAX_CAPTURE_DEPTH];
} Capture;

static __thread Capture capture;

static int
classify (const char *domain,
          const char *message)
{
  if (g_strcmp0 (domain, "Cancel") != 0 || message == NULL)
    return -1;

  if (g_str_has_prefix (message, "cancel_scope_begin:") &&
      strstr (message, "PENDING") != NULL)
    return K_BEGIN;
  if (g_str_has_prefix (message, "cancel_scope_end:") &&
      strstr (message, "RUNNING") != NULL)
    return K_END;
  if (g_str_has_prefix (message, "cancel_scope_set_parent:"))
    {
      if (strstr (message, "cycle") != NULL || strstr (message, "descendant") != NULL ||
          strstr (message, "ancestor") != NULL)
        return K_PARENT_CYCLE;
      if (strstr (message, "has not ended") != NULL)
        return K_PARENT_ENDED;
      if (strstr (message, "PENDING") != NULL || strstr (message, "pending") != NULL)
        return K_PARENT_PENDING;
    }
  if (g_str_has_prefix (message, "cancel_scope_set_registry:") &&
      strstr (message, "PENDING") != NULL)
    return K_REGISTRY;
  if (g_str_has_prefix (message, "cancel_scope_set_deadline_internal:") &&
      strstr (message, "cancel_status_is_final") != NULL)
    return K_DEADLINE_ENDED;
  if ((g_str_has_prefix (message, "cancel_scope_add_source:") ||
       g_str_has_prefix (message, "cancel_source_new_combination:")) &&
      (strstr (message, "not attached") != NULL || strstr (message, "served") != NULL))
    return K_SOURCE_TAKEN;
  if (g_str_has_prefix (message, "cancel_scope_add_source:") &&
      strstr (message, "ended") != NULL)
    return K_SOURCE_ENDED;

  return -1;
}

static GLogWriterOutput
stress_log_writer (GLogLevelFlags   log_level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;
  int kind;

  if (!(log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length >= 0)
        continue;
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  if (log_level & G_LOG_LEVEL_ERROR)
    fail ("error from %s: %s", domain != NULL ? domain : "(no domain)",
          message != NULL ? message : "(no message)");

  kind = classify (domain, message);
  if (kind < 0)
    fail ("unexpected %s from %s: %s",
          (log_level & G_LOG_LEVEL_CRITICAL) ? "critical" : "warning",
          domain != NULL ? domain : "(no domain)",
          message != NULL ? message : "(no message)");
  if (capture.depth == 0)
    fail ("critical outside of any deliberate misuse: %s", message);

  capture.mask[capture.depth - 1] |= KIND (kind);
  capture.n[capture.depth - 1]++;
  atomic_add64 (&kind_counts[kind], 1);

  return G_LOG_WRITER_HANDLED;
}

static void
capture_start (void)
{
  g_assert (capture.depth < MAX_CAPTURE_DEPTH);
  capture.mask[capture.depth] = 0;
  capture.n[capture.depth] = 0;
  capture.depth++;
}

static guint
capture_stop (guint *mask)
{
  g_assert (capture.depth > 0);
  capture.depth--;
  if (mask != NULL)
    *mask = capture.mask[capture.depth];
  return capture.n[capture.depth];
}

/* After a call that may race: at most one critical, of the kinds allowed. */
static guint
expect_racing (const char *what,
               guint64     id,
               guint       allowed)
{
  guint mask;
  guint n = capture_stop (&mask);

  CHECK (n <= 1 && (mask & ~allowed) == 0,
         "%s of scope %" G_GUINT64_FORMAT ": %u criticals (kinds 0x%x, allowed 0x%x)",
         what, id, n, mask, allowed);
  return n;
}

/* After a legal call: no critical at all. */
static void
expect_legal (const char *what,
              guint64     id)
{
  guint mask;
  guint n = capture_stop (&mask);

  CHECK (n == 0, "legal %s of scope %" G_GUINT64_FORMAT " logged %u criticals (kinds 0x%x)",
         what, id, n, mask);
}

/* After a deliberate misuse that cannot succeed: exactly one critical. */
static void
expect_misuse (const char *what,
               guint64     id,
               guint       allowed)
{
  guint mask;
  guint n = capture_stop (&mask);

  CHECK (n == 1 && (mask & ~allowed) == 0,
         "misuse %s of scope %" G_GUINT64_FORMAT ": %u criticals (kinds 0x%x), expected one of 0x%x",
         what, id, n, mask, allowed);
}

/* ------------------------------------------------------------------ */
/* Records                                                             */

enum
{
  REC_WATCHED   = 1 << 0,  /* handlers connected when made */
  REC_LATE      = 1 << 1,  /* handlers connected right after begin */
  REC_ITERATED  = 1 << 2,  /* its owner context is iterated to the end */
  REC_EPHEMERAL = 1 << 3,  /* made on a context nobody ever iterates */
  REC_PRIVATE   = 1 << 4,  /* one thread's own: never in the pool */
  REC_REENTRANT = 1 << 5,  /* its ::cancelled handler calls back in */
};

enum
{
  END_FREE,
  END_BUSY,
  END_DONE,
};

enum
{
  POOL_NEVER,
  POOL_IN,
  POOL_DROPPED,
};

/* What the test knows of one scope. Kept to the end; every field that
 * more than one thread touches is atomic. */
typedef struct
{
  guint64       id;
  GWeakRef      weak;
  GMainContext *context;       /* the owner context: identity only */
  guint         flags;         /* REC_*, set before the scope is shared */

  int           in_pool;       /* POOL_* */
  int           begin_claim;   /* 1 once a thread took the right to begin */
  int           begin_done;    /* 1 once a begin that took effect returned */
  int           end_claim;     /* END_* */
  int           end_returned;
  int           n_begun;       /* begins that took effect */
  int           n_ended;       /* ends that took effect */
  int           end_status;
  int           end_reason;
  int           cancel_wins;   /* cancel calls that returned TRUE */
  int           win_reason;
  int           n_reports;     /* report_progress calls */

  int           n_started;     /* signals */
  int           n_finished;
  int           finished_status;
  int           n_progress;
  gint64        progress_bits;
  int           progress_message;
  int           n_notify_status;

  int           disposed;
  int           finalized;
  int           n_cancelled;  /* ::cancelled emissions seen by REC_REENTRANT */
  int           maybe_lost;   /* that handler ended it or reported progress
                               * while a parent's cascade may have caught it
                               * in dispose: those notifications may go */
  GWeakRef      buddy;        /* what that handler cancels in turn */

  guint         live_ended_seen;  /* the main thread's only */
} Rec;

static pthread_mutex_t recs_lock = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *recs;

static Rec *
rec_of (CancelScope *scope)
{
  Rec *rec = g_object_get_qdata (G_OBJECT (scope), rec_quark);

  CHECK (rec != NULL, "scope %" G_GUINT64_FORMAT " was not made by this test",
         cancel_scope_get_id (scope));
  return rec;
}

static Rec *
rec_random (GRand *rand)
{
  Rec *rec = NULL;

  pthread_mutex_lock (&recs_lock);
  if (recs->len > 0)
    {
      /* Mostly recent ones, which are more likely alive. */
      guint n = recs->len;
      guint back = g_rand_boolean (rand) ? MIN (n, 256) : n;

      rec = g_ptr_array_index (recs, n - 1 - g_rand_int_range (rand, 0, (gint32) back));
    }
  pthread_mutex_unlock (&recs_lock);

  return rec;
}

/* The pools: slots other threads take references from. */

typedef struct
{
  pthread_mutex_t lock;
  gpointer        object;
} Slot;

static Slot scope_slots[N_SCOPE_SLOTS];
static Slot source_slots[N_SOURCE_SLOTS];
static Slot plain_slots[N_PLAIN_SLOTS];

static gpointer
slot_get (Slot *slots,
          guint n,
          GRand *rand)
{
  Slot *slot = &slots[g_rand_int_range (rand, 0, (gint32) n)];
  gpointer object = NULL;

  pthread_mutex_lock (&slot->lock);
  if (slot->object != NULL)
    object = g_object_ref (slot->object);
  pthread_mutex_unlock (&slot->lock);

  return object;
}

/* Puts @object (a reference the pool takes) in a random slot; returns
 * what was there. */
static gpointer
slot_swap (Slot     *slots,
           guint     n,
           GRand    *rand,
           gpointer  object)
{
  Slot *slot = &slots[g_rand_int_range (rand, 0, (gint32) n)];
  gpointer old;

  pthread_mutex_lock (&slot->lock);
  old = slot->object;
  slot->object = object;
  pthread_mutex_unlock (&slot->lock);

  return old;
}

static const char * const progress_messages[] = { "Reading", "Writing", "Verifying" };

static int
progress_message_index (const char *message)
{
  if (message == NULL)
    return -1;
  for (guint i = 0; i < G_N_ELEMENTS (progress_messages); i++)
    if (strcmp (message, progress_messages[i]) == 0)
      return (int) i;
  fail ("progress message “%s” was never reported", message);
}

static gint64
double_bits (double value)
{
  gint64 bits;

  memcpy (&bits, &value, sizeof bits);
  return bits;
}

/* Signal handlers: on the owner context, whichever thread caused them. */

static void
check_owner (Rec        *rec,
             const char *what)
{
  CHECK (g_main_context_is_owner (rec->context),
         "%s of scope %" G_GUINT64_FORMAT " emitted off its owner context", what, rec->id);
}

static void
on_started (CancelScope *scope,
            Rec         *rec)
{
  check_owner (rec, "started");
  CHECK (cancel_scope_get_status (scope) != CANCEL_STATUS_PENDING,
         "started of scope %" G_GUINT64_FORMAT " while pending", rec->id);
  g_atomic_int_inc (&rec->n_started);
}

static void
on_finished (CancelScope  *scope,
             CancelStatus  status,
             Rec          *rec)
{
  check_owner (rec, "finished");
  CHECK (cancel_status_is_final (status), "finished of scope %" G_GUINT64_FORMAT
         " with status %s", rec->id, cancel_status_to_string (status));
  CHECK (cancel_scope_get_status (scope) == status, "finished of scope %" G_GUINT64_FORMAT
         " says %s, the scope %s", rec->id, cancel_status_to_string (status),
         cancel_status_to_string (cancel_scope_get_status (scope)));
  if ((rec->flags & REC_WATCHED) && (rec->flags & REC_ITERATED))
    CHECK (g_atomic_int_get (&rec->n_started) == 1, "finished of scope %" G_GUINT64_FORMAT
           " after %d started signals (flags 0x%x, begin returned %d)", rec->id,
           g_atomic_int_get (&rec->n_started), rec->flags, g_atomic_int_get (&rec->begin_done));
  g_atomic_int_set (&rec->finished_status, (int) status);
  g_atomic_int_inc (&rec->n_finished);
}

static void
on_progress (CancelScope *scope,
             double       fraction,
             const char  *message,
             Rec         *rec)
{
  check_owner (rec, "progress");
  CHECK (fraction == -1 || (fraction >= 0 && fraction <= 1),
         "progress of scope %" G_GUINT64_FORMAT " out of range: %g", rec->id, fraction);
  __atomic_store_n (&rec->progress_bits, double_bits (fraction), __ATOMIC_SEQ_CST);
  g_atomic_int_set (&rec->progress_message, progress_message_index (message));
  g_atomic_int_inc (&rec->n_progress);
}

static void
on_notify_status (CancelScope *scope,
                  GParamSpec  *pspec,
                  Rec         *rec)
{
  check_owner (rec, "notify::status");
  g_atomic_int_inc (&rec->n_notify_status);
}

static void
connect_handlers (CancelScope *scope,
                  Rec         *rec)
{
  g_signal_connect (scope, "started", G_CALLBACK (on_started), rec);
  g_signal_connect (scope, "finished", G_CALLBACK (on_finished), rec);
  g_signal_connect (scope, "progress", G_CALLBACK (on_progress), rec);
  g_signal_connect (scope, "notify::status", G_CALLBACK (on_notify_status), rec);
}

typedef struct _Worker Worker;
static gboolean try_end (Worker *w, CancelScope *scope, Rec *rec);

/* In whichever thread cancels the scope, inside the emission: calls
 * back into the library, as handlers do. */
static void
on_cancelled (GCancellable *cancellable,
              Rec          *rec)
{
  CancelScope *scope = CANCEL_SCOPE (cancellable);
  CancelReason reason = cancel_scope_get_reason (scope);

  CHECK (g_atomic_int_add (&rec->n_cancelled, 1) == 0, "scope %" G_GUINT64_FORMAT
         " emitted ::cancelled twice", rec->id);
  atomic_add64 (&n_reentrant, 1);
  if (!cancel_status_is_final (cancel_scope_get_status (scope)))
    CHECK (reason != CANCEL_REASON_NONE, "scope %" G_GUINT64_FORMAT
           " emits ::cancelled without a reason", rec->id);

  /* A cascade reaches children through the tree, disposing ones too
   * (design.md: dispose unlinks while a reference can still be taken);
   * what this handler then queues is dropped with the scope. */
  if (reason == CANCEL_REASON_PARENT && rec->id % 4 != 1)
    g_atomic_int_set (&rec->maybe_lost, 1);

  switch (rec->id % 4)
    {
    case 0:
      /* Ends inside its own emission: disarms its sources there. */
      try_end (NULL, scope, rec);
      break;

    case 1:
      {
        g_autoptr(CancelScope) buddy = g_weak_ref_get (&rec->buddy);

        /* Recorded now, flipped once this thread's outermost emission is
         * done: the flag is not checked here. */
        if (buddy != NULL && cancel_scope_cancel (buddy, CANCEL_REASON_ERROR, "Buddy"))
          {
            Rec *buddy_rec = g_object_get_qdata (G_OBJECT (buddy), rec_quark);

            CHECK (g_atomic_int_add (&buddy_rec->cancel_wins, 1) == 0,
                   "two cancels of scope %" G_GUINT64_FORMAT " returned TRUE", buddy_rec->id);
            g_atomic_int_set (&buddy_rec->win_reason, CANCEL_REASON_ERROR);
          }
      }
      break;

    case 2:
      cancel_scope_report_progress (scope, 1, "Verifying");
      g_atomic_int_inc (&rec->n_reports);
      break;

    default:
      g_cancellable_cancel (cancellable);
      cancel_scope_set_shielded (scope, TRUE);
      break;
    }
}

/* Disposal: every notification was delivered by now (a queued one holds
 * a reference), so the last progress seen is the last one reported. */
static void
on_scope_disposed (gpointer  data,
                   GObject  *object)
{
  Rec *rec = data;
  CancelScope *scope = (CancelScope *) object;

  g_atomic_int_set (&rec->disposed, 1);

  if ((rec->flags & REC_WATCHED) && (rec->flags & REC_ITERATED) && !(rec->flags & REC_LATE) &&
      g_atomic_int_get (&rec->n_reports) > 0 && !g_atomic_int_get (&rec->maybe_lost))
    {
      g_autofree char *message = cancel_scope_dup_progress_message (scope);

      CHECK (g_atomic_int_get (&rec->n_progress) > 0,
             "scope %" G_GUINT64_FORMAT " reported progress %d times, no progress signal",
             rec->id, g_atomic_int_get (&rec->n_reports));
      CHECK (__atomic_load_n (&rec->progress_bits, __ATOMIC_SEQ_CST) ==
             double_bits (cancel_scope_get_progress (scope)),
             "last progress signal of scope %" G_GUINT64_FORMAT " is not its last value %g",
             rec->id, cancel_scope_get_progress (scope));
      CHECK (g_atomic_int_get (&rec->progress_message) == progress_message_index (message),
             "last progress message of scope %" G_GUINT64_FORMAT " is not “%s”",
             rec->id, message != NULL ? message : "(null)");
    }

  if (g_atomic_int_get (&rec->end_claim) == END_DONE)
    {
      CHECK (cancel_scope_get_status (scope) == (CancelStatus) g_atomic_int_get (&rec->end_status),
             "status of scope %" G_GUINT64_FORMAT " changed after its end", rec->id);
      CHECK (cancel_scope_get_reason (scope) == (CancelReason) g_atomic_int_get (&rec->end_reason),
             "reason of scope %" G_GUINT64_FORMAT " changed after its end: %s, was %s", rec->id,
             cancel_reason_to_string (cancel_scope_get_reason (scope)),
             cancel_reason_to_string (g_atomic_int_get (&rec->end_reason)));
    }
}

static void
on_scope_finalized (gpointer data)
{
  Rec *rec = data;

  CHECK (g_atomic_int_get (&rec->finalized) == 0, "scope %" G_GUINT64_FORMAT " finalized twice",
         rec->id);
  g_atomic_int_set (&rec->finalized, 1);
  atomic_add64 (&n_scopes_finalized, 1);
}

/* ------------------------------------------------------------------ */
/* Workers                                                             */

struct _Worker
{
  guint         index;
  GThread      *thread;
  GRand        *rand;
  GMainContext *context;  /* pushed for the thread's life, or NULL */
  gint64        ops;
};

static gboolean
chance (Worker *w,
        int     percent)
{
  return g_rand_int_range (w->rand, 0, 100) < percent;
}

static CancelReason
random_reason (Worker *w)
{
  return (CancelReason) g_rand_int_range (w->rand, CANCEL_REASON_MANUAL, CANCEL_REASON_ERROR + 1);
}

static double
random_tiny (Worker *w)
{
  return g_rand_double_range (w->rand, 0.0005, 0.005);
}

static double
random_far (Worker *w)
{
  return g_rand_double_range (w->rand, 30, 3600);
}

static const char * const scope_names[] = {
  "Download", "Upload", "Reload cache", "Sync", "Index thumbnails", NULL,
};

/* ------------------------------------------------------------------ */
/* Making scopes                                                       */

enum
{
  NEW_WITH_PARENT,
  NEW_SHIELDED,
  NEW_CURRENT,
};

static void
check_parent (CancelScope *scope,
              CancelScope *expected,
              const char  *what)
{
  g_autoptr(CancelScope) parent = cancel_scope_dup_parent (scope);

  CHECK (parent == expected, "%s: scope %" G_GUINT64_FORMAT " has parent %" G_GUINT64_FORMAT
         ", expected %" G_GUINT64_FORMAT, what, cancel_scope_get_id (scope),
         parent != NULL ? cancel_scope_get_id (parent) : 0,
         expected != NULL ? cancel_scope_get_id (expected) : 0);
}

/* A new scope, set to the private registry, with its record. */
static CancelScope *
new_scope (Worker      *w,
           CancelScope *parent,
           int          how,
           guint        flags)
{
  const char *name = scope_names[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (scope_names))];
  GMainContext *ephemeral = NULL;
  CancelScope *scope = NULL;
  Rec *rec;

  if (flags & REC_EPHEMERAL)
    {
      ephemeral = g_main_context_new ();
      g_main_context_push_thread_default (ephemeral);
    }

  switch (how)
    {
    case NEW_WITH_PARENT:
      scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_NONE);
      break;

    case NEW_SHIELDED:
      scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_SHIELDED);
      break;

    case NEW_CURRENT:
      if (parent != NULL)
        cancel_scope_push_current (parent);
      CHECK (cancel_scope_get_current () == parent, "current scope is not the one pushed");
      scope = cancel_scope_new (name);
      if (parent != NULL)
        cancel_scope_pop_current (parent);
      break;

    default:
      g_assert_not_reached ();
    }

  if (ephemeral != NULL)
    {
      g_main_context_pop_thread_default (ephemeral);
      g_main_context_unref (ephemeral);
    }

  CHECK (CANCEL_IS_SCOPE (scope), "no scope made");
  check_parent (scope, parent, "new scope");
  CHECK (cancel_scope_get_status (scope) == CANCEL_STATUS_PENDING, "new scope not pending");
  CHECK (cancel_scope_get_shielded (scope) == (how == NEW_SHIELDED), "new scope shield wrong");
  {
    g_autoptr(CancelRegistry) none = cancel_scope_dup_registry (scope);

    CHECK (none == NULL, "new scope has a registry");
  }

  rec = g_new0 (Rec, 1);
  rec->id = cancel_scope_get_id (scope);
  rec->context = cancel_scope_get_context (scope);
  rec->flags = flags;
  rec->progress_message = -2;
  rec->end_status = -1;
  rec->end_reason = -1;
  if (ephemeral == NULL)
    {
      GMainContext *expected = w->context != NULL ? w->context : g_main_context_default ();

      CHECK (rec->context == expected, "scope %" G_GUINT64_FORMAT " has the wrong owner context",
             rec->id);
      rec->flags |= REC_ITERATED;
    }
  g_weak_ref_init (&rec->weak, scope);
  g_object_set_qdata_full (G_OBJECT (scope), rec_quark, rec, on_scope_finalized);
  g_object_weak_ref (G_OBJECT (scope), on_scope_disposed, rec);
  atomic_add64 (&n_scopes_created, 1);

  capture_start ();
  cancel_scope_set_registry (scope, registry);
  expect_legal ("set_registry", rec->id);
  {
    g_autoptr(CancelRegistry) set = cancel_scope_dup_registry (scope);

    CHECK (set == registry, "registry not set");
  }

  if ((flags & REC_WATCHED) && !(flags & REC_LATE))
    connect_handlers (scope, rec);
  g_weak_ref_init (&rec->buddy, NULL);
  if (flags & REC_REENTRANT)
    {
      g_autoptr(CancelScope) buddy = slot_get (scope_slots, N_SCOPE_SLOTS, w->rand);

      g_weak_ref_set (&rec->buddy, buddy);
      g_signal_connect (scope, "cancelled", G_CALLBACK (on_cancelled), rec);
    }

  pthread_mutex_lock (&recs_lock);
  g_ptr_array_add (recs, rec);
  pthread_mutex_unlock (&recs_lock);

  return scope;
}

/* ------------------------------------------------------------------ */
/* Begin and end                                                       */

static CancelStatus
expected_status (CancelReason  reason,
                 const GError *error)
{
  if (reason == CANCEL_REASON_TIMEOUT)
    return CANCEL_STATUS_TIMED_OUT;
  if (reason != CANCEL_REASON_NONE)
    return CANCEL_STATUS_CANCELLED;
  if (error != NULL)
    return CANCEL_STATUS_FAILED;
  return CANCEL_STATUS_COMPLETED;
}

static gboolean orphan_push (Rec *rec, CancelScope *scope);
static void end_or_orphan (Worker *w, CancelScope *scope, Rec *rec);

/* Begins @scope. Legal when the caller holds the begin claim and nobody
 * else may begin it; @racing when another thread may begin it at the same
 * time. Returns whether this call took effect. */
static gboolean
do_begin (Worker      *w,
          CancelScope *scope,
          Rec         *rec,
          gboolean     racing,
          gboolean     lookup)
{
  CancelStatus status;

  capture_start ();
  cancel_scope_begin (scope);
  if (racing)
    {
      if (expect_racing ("begin", rec->id, KIND (K_BEGIN)) > 0)
        return FALSE;
    }
  else
    expect_legal ("begin", rec->id);

  status = cancel_scope_get_status (scope);
  CHECK (status != CANCEL_STATUS_PENDING, "scope %" G_GUINT64_FORMAT " pending after begin", rec->id);
  CHECK (cancel_scope_get_start_time (scope) > 0, "scope %" G_GUINT64_FORMAT " began at 0", rec->id);
  CHECK (g_atomic_int_add (&rec->n_begun, 1) == 0, "scope %" G_GUINT64_FORMAT " began twice", rec->id);

  /* Found at once, before any publish; nobody can end it before
   * begin_done is set. */
  if (lookup)
    {
      g_autoptr(CancelScope) found = cancel_registry_lookup (registry, rec->id);

      CHECK (found == scope, "scope %" G_GUINT64_FORMAT " not found right after begin", rec->id);
    }

  g_atomic_int_set (&rec->begin_done, 1);

  /* Dropped from the pool while it began: somebody must end it. */
  if (g_atomic_int_get (&rec->in_pool) == POOL_DROPPED)
    end_or_orphan (w, scope, rec);

  return TRUE;
}

static void
check_end_error (CancelScope  *scope,
                 Rec          *rec,
                 CancelStatus  status,
                 const GError *given)
{
  g_autoptr(GError) error = cancel_scope_dup_error (scope);

  if (status == CANCEL_STATUS_COMPLETED)
    CHECK (error == NULL, "completed scope %" G_GUINT64_FORMAT " has an error", rec->id);
  else if (status == CANCEL_STATUS_FAILED)
    CHECK (error != NULL && given != NULL && g_error_matches (error, given->domain, given->code),
           "failed scope %" G_GUINT64_FORMAT " lost its error", rec->id);
  else if (status == CANCEL_STATUS_CANCELLED)
    CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
           "cancelled scope %" G_GUINT64_FORMAT " has error %s", rec->id,
           error != NULL ? error->message : "(none)");
  else
    CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT),
           "timed-out scope %" G_GUINT64_FORMAT " has error %s", rec->id,
           error != NULL ? error->message : "(none)");
}

/* Ends @scope. Legal when the caller holds the end claim of a scope that
 * began; @racing when another thread may end it, or it may not have
 * begun yet. Returns whether this call took effect. */
static gboolean
do_end (Worker      *w,
        CancelScope *scope,
        Rec         *rec,
        gboolean     racing)
{
  int variant = w != NULL ? g_rand_int_range (w->rand, 0, 6) : 5;
  g_autoptr(GError) error = NULL;
  CancelStatus status;
  CancelReason reason;

  if (variant == 0)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Stress failure");
  else if (variant == 1)
    /* Not cancelled, ended with the cancellation error: still FAILED. */
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Looks cancelled");

  capture_start ();
  if (error != NULL)
    cancel_scope_fail (scope, error);
  else
    cancel_scope_end (scope);
  if (racing)
    {
      if (expect_racing ("end", rec->id, KIND (K_END)) > 0)
        return FALSE;
    }
  else
    expect_legal ("end", rec->id);

  status = cancel_scope_get_status (scope);
  reason = cancel_scope_get_reason (scope);
  CHECK (cancel_status_is_final (status), "scope %" G_GUINT64_FORMAT " is %s after its end",
         rec->id, cancel_status_to_string (status));
  CHECK (status == expected_status (reason, error),
         "scope %" G_GUINT64_FORMAT " ended %s with reason %s and %s", rec->id,
         cancel_status_to_string (status), cancel_reason_to_string (reason),
         error != NULL ? "an error" : "no error");
  CHECK (cancel_scope_get_end_time (scope) >= cancel_scope_get_start_time (scope),
         "scope %" G_GUINT64_FORMAT " ended before it began", rec->id);
  {
    g_autoptr(CancelRegistry) kept = cancel_scope_dup_registry (scope);

    CHECK (kept == NULL, "scope %" G_GUINT64_FORMAT " keeps its registry after its end", rec->id);
  }
  check_end_error (scope, rec, status, error);

  g_atomic_int_set (&rec->end_status, (int) status);
  g_atomic_int_set (&rec->end_reason, (int) reason);
  CHECK (g_atomic_int_add (&rec->n_ended, 1) == 0, "scope %" G_GUINT64_FORMAT " ended twice", rec->id);
  g_atomic_int_set (&rec->end_returned, 1);
  g_atomic_int_set (&rec->end_claim, END_DONE);

  return TRUE;
}

/* Ends @scope if it began and nobody ended it or is ending it. */
static gboolean
try_end (Worker      *w,
         CancelScope *scope,
         Rec         *rec)
{
  if (!g_atomic_int_get (&rec->begin_done))
    return FALSE;
  if (!g_atomic_int_compare_and_exchange (&rec->end_claim, END_FREE, END_BUSY))
    return FALSE;

  do_end (w, scope, rec, FALSE);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Orphans: running scopes that left the pool, ended later by whoever
 * finds them through the registry. The list keeps a reference: a
 * registered scope that nothing but its registry holds is ended by the
 * library as abandoned (tests/test-abandon.c), which is not what this
 * path exercises. */

static pthread_mutex_t orphans_lock = PTHREAD_MUTEX_INITIALIZER;
static Rec *orphans[N_ORPHANS];
static CancelScope *orphan_scopes[N_ORPHANS];
static guint n_orphans;

static gboolean
orphan_push (Rec         *rec,
             CancelScope *scope)
{
  gboolean pushed = FALSE;

  pthread_mutex_lock (&orphans_lock);
  if (n_orphans < N_ORPHANS)
    {
      orphan_scopes[n_orphans] = g_object_ref (scope);
      orphans[n_orphans++] = rec;
      pushed = TRUE;
    }
  pthread_mutex_unlock (&orphans_lock);

  return pushed;
}

/* Returns the list's reference in @held. */
static Rec *
orphan_pop (Worker       *w,
            CancelScope **held)
{
  Rec *rec = NULL;

  *held = NULL;
  pthread_mutex_lock (&orphans_lock);
  if (n_orphans > 0)
    {
      guint i = (guint) g_rand_int_range (w->rand, 0, (gint32) n_orphans);

      rec = orphans[i];
      *held = orphan_scopes[i];
      n_orphans--;
      orphans[i] = orphans[n_orphans];
      orphan_scopes[i] = orphan_scopes[n_orphans];
    }
  pthread_mutex_unlock (&orphans_lock);

  return rec;
}

static void
end_or_orphan (Worker      *w,
               CancelScope *scope,
               Rec         *rec)
{
  if (g_atomic_int_get (&rec->end_claim) != END_FREE)
    return;
  if (!orphan_push (rec, scope))
    try_end (w, scope, rec);
}

/* ------------------------------------------------------------------ */
/* The pools                                                           */

static CancelScope *
pool_get (Worker  *w,
          Rec    **rec)
{
  CancelScope *scope = slot_get (scope_slots, N_SCOPE_SLOTS, w->rand);

  if (scope != NULL && rec != NULL)
    *rec = rec_of (scope);
  return scope;
}

/* A scope leaves the pool: if it runs, somebody must still end it. */
static void
scope_dropped (Worker      *w,
               CancelScope *scope)
{
  Rec *rec = rec_of (scope);

  g_atomic_int_set (&rec->in_pool, POOL_DROPPED);
  if (g_atomic_int_get (&rec->begin_done))
    end_or_orphan (w, scope, rec);
  g_object_unref (scope);
}

/* Takes @scope. */
static void
pool_put (Worker      *w,
          CancelScope *scope)
{
  Rec *rec = rec_of (scope);
  CancelScope *old;

  g_atomic_int_set (&rec->in_pool, POOL_IN);
  old = slot_swap (scope_slots, N_SCOPE_SLOTS, w->rand, scope);
  if (old != NULL)
    scope_dropped (w, old);
}

/* ------------------------------------------------------------------ */
/* Conditions and sources                                              */

typedef struct
{
  int flag;       /* atomic */
  int destroyed;  /* atomic */
} Cond;

static pthread_mutex_t conds_lock = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *conds;
static gint64 n_conds_destroyed;  /* atomic */

static gboolean
cond_check (gpointer data)
{
  Cond *cond = data;

  return g_atomic_int_get (&cond->flag);
}

static void
cond_destroy (gpointer data)
{
  Cond *cond = data;

  CHECK (g_atomic_int_add (&cond->destroyed, 1) == 0, "condition data destroyed twice");
  atomic_add64 (&n_conds_destroyed, 1);
}

static Cond *
cond_new (void)
{
  Cond *cond = g_new0 (Cond, 1);

  pthread_mutex_lock (&conds_lock);
  g_ptr_array_add (conds, cond);
  pthread_mutex_unlock (&conds_lock);

  return cond;
}

static void
check_error (GError     *error,
             int         code,
             const char *what)
{
  CHECK (g_error_matches (error, CANCEL_ERROR, code), "%s: expected CancelError %d, got %s",
         what, code, error != NULL ? error->message : "no error");
}

static GCancellable *
plain_get (Worker *w)
{
  GCancellable *plain = slot_get (plain_slots, N_PLAIN_SLOTS, w->rand);

  return plain != NULL ? plain : g_cancellable_new ();
}

static CancelSource *new_source (Worker *w, int depth);

static CancelSource *
new_combination (Worker *w,
                 int     depth)
{
  CancelSource *members[3] = { NULL, };
  CancelSource *combination;
  guint n = (guint) g_rand_int_range (w->rand, 1, 4);
  gboolean any = g_rand_boolean (w->rand);
  gboolean borrowed = FALSE;

  for (guint i = 0; i < n; i++)
    {
      /* Now and then a member that may be attached already. */
      if (i > 0 && chance (w, 10))
        {
          members[i] = slot_get (source_slots, N_SOURCE_SLOTS, w->rand);
          borrowed |= members[i] != NULL;
        }
      if (members[i] == NULL)
        members[i] = new_source (w, depth + 1);
    }

  /* A borrowed member may be taken: a programmer error, which another
   * thread's attach can make of a legal call. */
  capture_start ();
  combination = any ? cancel_source_new_any (members, n)
                    : cancel_source_new_all (members, n);
  if (borrowed)
    expect_racing ("combination with a borrowed member", 0, KIND (K_SOURCE_TAKEN));
  else
    expect_legal ("combination of fresh sources", 0);
  if (combination == NULL)
    {
      CHECK (borrowed, "combination of fresh sources failed");
      /* The fresh ones were left free: a second try without the others. */
      combination = cancel_source_new_any (members, 1);
      CHECK (combination != NULL, "fresh member not given back");
    }

  for (guint i = 0; i < n; i++)
    g_object_unref (members[i]);

  return combination;
}

static CancelSource *
new_source (Worker *w,
            int     depth)
{
  g_autoptr(GError) error = NULL;
  CancelSource *source = NULL;
  int kind = g_rand_int_range (w->rand, 0, depth < 2 ? 8 : 7);

  switch (kind)
    {
    case 0:
      source = cancel_source_new_timeout (random_tiny (w), &error);
      break;

    case 1:
      source = cancel_source_new_timeout (random_far (w), &error);
      break;

    case 2:
    case 3:
      {
        CancelScope *upstream = pool_get (w, NULL);

        if (upstream != NULL)
          {
            source = cancel_source_new_cancellable (G_CANCELLABLE (upstream), g_rand_boolean (w->rand));
            g_object_unref (upstream);
            break;
          }
      }
      G_GNUC_FALLTHROUGH;

    case 4:
      {
        GCancellable *plain = plain_get (w);

        source = cancel_source_new_cancellable (plain, g_rand_boolean (w->rand));
        g_object_unref (plain);
      }
      break;

    case 5:
      {
        int both[] = { SIGUSR1, SIGUSR2 };
        int one[] = { g_rand_boolean (w->rand) ? SIGUSR1 : SIGUSR2 };

        if (g_rand_boolean (w->rand))
          source = cancel_source_new_unix_signals (both, G_N_ELEMENTS (both), &error);
        else
          source = cancel_source_new_unix_signals (one, G_N_ELEMENTS (one), &error);
      }
      break;

    case 6:
      source = cancel_source_new_condition ("stress", g_rand_double_range (w->rand, 0.002, 0.02),
                                            NULL, cond_check, cond_new (), cond_destroy, &error);
      break;

    case 7:
      source = new_combination (w, depth);
      break;

    default:
      g_assert_not_reached ();
    }

  CHECK (source != NULL, "making a source of kind %d failed: %s", kind,
         error != NULL ? error->message : "no error");
  return source;
}

/* ------------------------------------------------------------------ */
/* Checks on one scope                                                 */

static void
check_scope_state (CancelScope *scope,
                   Rec         *rec)
{
  CancelStatus status = cancel_scope_get_status (scope);
  gint64 own = cancel_scope_get_own_deadline (scope);
  gint64 effective = cancel_scope_get_deadline (scope);
  gint64 remaining = cancel_scope_get_remaining (scope);
  double progress = cancel_scope_get_progress (scope);
  g_autoptr(GError) error = NULL;

  CHECK (own == CANCEL_NO_DEADLINE || own > 0, "scope %" G_GUINT64_FORMAT " has own deadline %"
         G_GINT64_FORMAT, rec->id, own);
  CHECK (effective == CANCEL_NO_DEADLINE || effective > 0, "scope %" G_GUINT64_FORMAT
         " has deadline %" G_GINT64_FORMAT, rec->id, effective);
  CHECK (remaining >= CANCEL_NO_DEADLINE, "scope %" G_GUINT64_FORMAT " has %" G_GINT64_FORMAT
         " µs left", rec->id, remaining);
  CHECK (progress == -1 || (progress >= 0 && progress <= 1), "scope %" G_GUINT64_FORMAT
         " has progress %g", rec->id, progress);

  /* Rule 6: whoever sees the flag sees the reason (unless the scope had
   * ended: a flag flipped after the end changes nothing it reports). */
  if (g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
    {
      CancelReason reason = cancel_scope_get_reason (scope);
      CancelReason origin = cancel_scope_get_origin_reason (scope);
      const char *message = cancel_scope_get_message (scope);

      if (!cancel_status_is_final (cancel_scope_get_status (scope)))
        CHECK (reason != CANCEL_REASON_NONE && origin != CANCEL_REASON_NONE && message != NULL,
               "scope %" G_GUINT64_FORMAT " cancelled without a reason (%s), origin (%s) or"
               " message", rec->id, cancel_reason_to_string (reason),
               cancel_reason_to_string (origin));
    }

  if (cancel_scope_set_error_if_cancelled (scope, &error))
    {
      CancelReason reason = cancel_scope_get_reason (scope);

      if (reason == CANCEL_REASON_TIMEOUT)
        CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT),
               "timed-out scope %" G_GUINT64_FORMAT " gives %s", rec->id, error->message);
      else
        CHECK (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
               "cancelled scope %" G_GUINT64_FORMAT " gives %s", rec->id, error->message);
    }

  /* Once it ended (and the test recorded it), nothing changes. */
  if (cancel_status_is_final (status) && g_atomic_int_get (&rec->end_claim) == END_DONE)
    {
      CHECK (status == (CancelStatus) g_atomic_int_get (&rec->end_status),
             "scope %" G_GUINT64_FORMAT " status changed after its end", rec->id);
      CHECK (cancel_scope_get_reason (scope) == (CancelReason) g_atomic_int_get (&rec->end_reason),
             "reason of ended scope %" G_GUINT64_FORMAT " changed: %s, was %s", rec->id,
             cancel_reason_to_string (cancel_scope_get_reason (scope)),
             cancel_reason_to_string (g_atomic_int_get (&rec->end_reason)));
    }
}

/* Records a cancel that returned TRUE: the first reason wins, so it is
 * the scope's for good. */
static void
cancel_won (CancelScope  *scope,
            Rec          *rec,
            CancelReason  reason,
            const char   *message)
{
  CHECK (g_atomic_int_add (&rec->cancel_wins, 1) == 0,
         "two cancels of scope %" G_GUINT64_FORMAT " returned TRUE", rec->id);
  g_atomic_int_set (&rec->win_reason, (int) reason);
  CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (scope)),
         "scope %" G_GUINT64_FORMAT " not cancelled after its cancel returned TRUE", rec->id);
  CHECK (cancel_scope_get_reason (scope) == reason, "scope %" G_GUINT64_FORMAT
         " cancelled with %s reports %s", rec->id, cancel_reason_to_string (reason),
         cancel_reason_to_string (cancel_scope_get_reason (scope)));
  if (message != NULL)
    CHECK (g_strcmp0 (cancel_scope_get_message (scope), message) == 0,
           "scope %" G_GUINT64_FORMAT " lost its cancel message", rec->id);
}

static void
cancel_lost (CancelScope *scope,
             Rec         *rec)
{
  /* A losing cancel returns with the scope cancelled, or it had ended. */
  CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (scope)) ||
         cancel_status_is_final (cancel_scope_get_status (scope)),
         "losing cancel of scope %" G_GUINT64_FORMAT " returned before the flag flipped", rec->id);
}

/* ------------------------------------------------------------------ */
/* The registry's models, checked on every items-changed               */

enum
{
  SHADOW_LIVE,      /* the registry: live scopes, in begin order */
  SHADOW_HISTORY,   /* the registry's history: ended scopes, oldest first */
  SHADOW_CHILDREN,  /* a scope's children model: its begun children */
};

/* A copy of a list model kept up to date from items-changed alone. */
typedef struct
{
  int          kind;
  GListModel  *model;   /* strong */
  CancelScope *parent;  /* children models: strong */
  GPtrArray   *items;   /* strong */
  GHashTable  *set;
  guint        n_emissions;
  gulong       handler;
} Shadow;

static Shadow live_shadow;
static Shadow history_shadow;
static guint history_limit_hi;  /* atomic: highest limit in force since the last check */
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

static const char * const shadow_names[] = { "live", "history", "children" };

/* Items that stay keep their order and new ones come last; the history
 * loses its oldest only. */
static void
check_order (Shadow    *shadow,
             GPtrArray *old)
{
  const char *which = shadow_names[shadow->kind];
  GPtrArray *items = shadow->items;
  guint kept = 0;
  gboolean dropping = TRUE;

  for (guint i = 0; i < old->len; i++)
    {
      gpointer item = g_ptr_array_index (old, i);

      if (!g_hash_table_contains (shadow->set, item))
        {
          CHECK (dropping || shadow->kind != SHADOW_HISTORY,
                 "history dropped scope %" G_GUINT64_FORMAT " but kept older ones",
                 cancel_scope_get_id (item));
          continue;
        }
      dropping = FALSE;
      CHECK (kept < items->len && g_ptr_array_index (items, kept) == item,
             "%s model moved scope %" G_GUINT64_FORMAT, which, cancel_scope_get_id (item));
      kept++;
    }
}

static void
shadow_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Shadow     *shadow)
{
  const char *which = shadow_names[shadow->kind];
  GPtrArray *old = shadow->items;
  GPtrArray *items;
  guint n;

  CHECK (g_thread_self () == main_thread,
         "%s model emitted items-changed (%u, %u, %u) on a thread other than the main thread",
         which, position, removed, added);
  if (shadow->kind == SHADOW_CHILDREN)
    CHECK (g_main_context_is_owner (g_main_context_default ()),
           "children model emitted items-changed off its scope's context");
  else
    CHECK (g_main_context_is_owner (registry_context),
           "%s model emitted items-changed off the registry's context", which);
  CHECK (position + removed <= old->len,
         "%s model: items-changed (%u, %u, %u) beyond its %u items", which, position, removed,
         added, old->len);

  items = g_ptr_array_new_full (old->len - removed + added, g_object_unref);
  for (guint i = 0; i < position; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (old, i)));
  for (guint i = 0; i < removed; i++)
    g_hash_table_remove (shadow->set, g_ptr_array_index (old, position + i));
  for (guint i = 0; i < added; i++)
    {
      gpointer item = g_list_model_get_item (model, position + i);

      CHECK (CANCEL_IS_SCOPE (item), "%s model: item %u is not a scope", which, position + i);
      CHECK (g_hash_table_add (shadow->set, item), "%s model lists scope %" G_GUINT64_FORMAT
             " twice", which, cancel_scope_get_id (item));
      g_ptr_array_add (items, item);
    }
  for (guint i = position + removed; i < old->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (old, i)));
  shadow->items = items;
  shadow->n_emissions++;

  /* The model says exactly what the shadow says. */
  n = g_list_model_get_n_items (model);
  CHECK (n == items->len, "%s model has %u items, its changes say %u", which, n, items->len);
  CHECK (g_hash_table_size (shadow->set) == n, "%s model has duplicates", which);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CancelScope) item = g_list_model_get_item (model, i);

      CHECK (item == g_ptr_array_index (items, i), "%s model item %u differs from its changes",
             which, i);
    }
  CHECK (g_list_model_get_item (model, n) == NULL, "%s model has an item past its end", which);
  check_order (shadow, old);
  g_ptr_array_unref (old);

  if (shadow->kind == SHADOW_LIVE)
    {
      for (guint i = 0; i < n; i++)
        {
          CancelScope *scope = g_ptr_array_index (items, i);
          Rec *rec = rec_of (scope);

          if (i >= position && i < position + added)
            CHECK (cancel_scope_get_status (scope) != CANCEL_STATUS_PENDING,
                   "live model lists pending scope %" G_GUINT64_FORMAT, rec->id);

          /* An ended scope may stay until the publish after its end
           * and its begin returned (begin's thread may be the one that
           * hands it over): seen so at one emission, gone at the next. */
          if (g_atomic_int_get (&rec->end_returned) && g_atomic_int_get (&rec->begin_done))
            {
              if (rec->live_ended_seen == 0)
                rec->live_ended_seen = shadow->n_emissions;
              else
                CHECK (rec->live_ended_seen == shadow->n_emissions,
                       "live model still lists scope %" G_GUINT64_FORMAT
                       " a publish after its end (status %s)", rec->id,
                       cancel_status_to_string (cancel_scope_get_status (scope)));
            }
        }
    }
  else if (shadow->kind == SHADOW_HISTORY)
    {
      guint bound = g_atomic_int_get (&history_limit_hi);

      CHECK (n <= bound, "history model holds %u scopes, limit %u", n, bound);
      for (guint i = position; i < position + added; i++)
        {
          CancelScope *scope = g_ptr_array_index (items, i);

          rec_of (scope);
          CHECK (cancel_status_is_final (cancel_scope_get_status (scope)),
                 "history lists scope %" G_GUINT64_FORMAT " that did not end",
                 cancel_scope_get_id (scope));
        }

      /* The bound for the next check: the limit now, and whatever is set
       * from here on. */
      pthread_mutex_lock (&limit_lock);
      g_atomic_int_set (&history_limit_hi, cancel_registry_get_history_limit (registry));
      pthread_mutex_unlock (&limit_lock);
    }
  else
    {
      for (guint i = position; i < position + added; i++)
        {
          CancelScope *scope = g_ptr_array_index (items, i);
          g_autoptr(CancelScope) parent = cancel_scope_dup_parent (scope);

          rec_of (scope);
          CHECK (parent == shadow->parent, "children model of scope %" G_GUINT64_FORMAT
                 " lists scope %" G_GUINT64_FORMAT ", whose parent is %" G_GUINT64_FORMAT,
                 cancel_scope_get_id (shadow->parent), cancel_scope_get_id (scope),
                 parent != NULL ? cancel_scope_get_id (parent) : 0);
          CHECK (cancel_scope_get_status (scope) != CANCEL_STATUS_PENDING,
                 "children model lists pending scope %" G_GUINT64_FORMAT,
                 cancel_scope_get_id (scope));
        }
    }
}

static void
shadow_init (Shadow      *shadow,
             GListModel  *model,
             int          kind,
             CancelScope *parent)
{
  shadow->kind = kind;
  shadow->model = g_object_ref (model);
  shadow->parent = parent != NULL ? g_object_ref (parent) : NULL;
  shadow->items = g_ptr_array_new_with_free_func (g_object_unref);
  shadow->set = g_hash_table_new (NULL, NULL);
  shadow->n_emissions = 0;

  /* A children model may have been made and filled before. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      gpointer item = g_list_model_get_item (model, i);

      g_ptr_array_add (shadow->items, item);
      CHECK (g_hash_table_add (shadow->set, item), "%s model lists a scope twice",
             shadow_names[kind]);
    }

  shadow->handler = g_signal_connect (model, "items-changed",
                                      G_CALLBACK (shadow_items_changed), shadow);
}

static void
shadow_clear (Shadow *shadow)
{
  g_clear_signal_handler (&shadow->handler, shadow->model);
  g_clear_object (&shadow->model);
  g_clear_object (&shadow->parent);
  g_clear_pointer (&shadow->items, g_ptr_array_unref);
  g_clear_pointer (&shadow->set, g_hash_table_unref);
}

/* Children models watched by the main thread, of scopes whose owner
 * context it runs (the global default one). */
#define N_CHILDREN_SHADOWS 16

static Shadow children_shadows[N_CHILDREN_SHADOWS];
static guint n_children_emissions;

static void
watch_children (GRand *rand)
{
  Shadow *shadow = &children_shadows[g_rand_int_range (rand, 0, N_CHILDREN_SHADOWS)];
  g_autoptr(CancelScope) scope = slot_get (scope_slots, N_SCOPE_SLOTS, rand);

  if (scope == NULL || rec_of (scope)->context != g_main_context_default ())
    return;
  for (guint i = 0; i < N_CHILDREN_SHADOWS; i++)
    if (children_shadows[i].parent == scope)
      return;

  if (shadow->model != NULL)
    {
      n_children_emissions += shadow->n_emissions;
      shadow_clear (shadow);
    }
  shadow_init (shadow, cancel_scope_get_children (scope), SHADOW_CHILDREN, scope);
}

static void
set_history_limit (guint limit)
{
  /* The bound rises before the limit does: a publish may run between. */
  pthread_mutex_lock (&limit_lock);
  if (limit > (guint) g_atomic_int_get (&history_limit_hi))
    g_atomic_int_set (&history_limit_hi, limit);
  cancel_registry_set_history_limit (registry, limit);
  pthread_mutex_unlock (&limit_lock);
}

static void
check_stats (void)
{
  g_autoptr(CancelRegistryStats) stats = NULL;
  guint64 finished = 0;
  guint64 live = 0;
  guint64 history = 0;
  guint limit;

  /* No limit change while the snapshot is taken. */
  pthread_mutex_lock (&limit_lock);
  stats = cancel_registry_get_stats (registry);
  limit = cancel_registry_get_history_limit (registry);
  pthread_mutex_unlock (&limit_lock);

  for (guint s = 0; s < CANCEL_N_STATUSES; s++)
    {
      finished += cancel_registry_stats_get_finished (stats, s);
      live += cancel_registry_stats_get_live (stats, s);
      history += cancel_registry_stats_get_history (stats, s);
      if (s != CANCEL_STATUS_RUNNING && s != CANCEL_STATUS_SHIELDED)
        CHECK (cancel_registry_stats_get_live (stats, s) == 0, "stats: %u live scopes %s", cancel_registry_stats_get_live (stats, s),
               cancel_status_to_string (s));
      if (!cancel_status_is_final (s))
        CHECK (cancel_registry_stats_get_history (stats, s) == 0 && cancel_registry_stats_get_finished (stats, s) == 0,
               "stats: finished scopes %s", cancel_status_to_string (s));
    }

  CHECK (finished == cancel_registry_stats_get_total_finished (stats), "stats: finished by status %" G_GUINT64_FORMAT
         ", total %" G_GUINT64_FORMAT, finished, cancel_registry_stats_get_total_finished (stats));
  CHECK (cancel_registry_stats_get_total_finished (stats) <= cancel_registry_stats_get_total_started (stats), "stats: more finished than started");
  CHECK (live == cancel_registry_stats_get_total_started (stats) - cancel_registry_stats_get_total_finished (stats), "stats: %" G_GUINT64_FORMAT
         " live, %" G_GUINT64_FORMAT " started, %" G_GUINT64_FORMAT " finished",
         live, cancel_registry_stats_get_total_started (stats), cancel_registry_stats_get_total_finished (stats));
  CHECK (history <= limit, "stats: history %" G_GUINT64_FORMAT " over the limit %u", history, limit);
  CHECK (history <= finished, "stats: more history than finished");
  CHECK (cancel_registry_stats_get_average_duration (stats) >= 0, "stats: negative average duration");
  CHECK (cancel_registry_stats_get_average_cancel_latency (stats) >= 0 &&
         cancel_registry_stats_get_max_cancel_latency (stats) >= cancel_registry_stats_get_average_cancel_latency (stats),
         "stats: latency average %" G_GINT64_FORMAT " max %" G_GINT64_FORMAT,
         cancel_registry_stats_get_average_cancel_latency (stats), cancel_registry_stats_get_max_cancel_latency (stats));
}

/* ------------------------------------------------------------------ */
/* Duels: two threads released together on one pair of calls          */

enum
{
  DUEL_FREE,
  DUEL_SETUP,
  DUEL_POSTED,
  DUEL_TAKEN,
};

#define DUEL_OVER G_MAXINT
#define DUEL_MAX_ROUNDS 16

enum
{
  DUEL_CROSS_PARENT,   /* set_parent (a, b) || set_parent (b, a) */
  DUEL_SAME_CHILD,     /* set_parent (c, a) || set_parent (c, b) */
  DUEL_BEGIN_BEGIN,    /* begin (a) || begin (a) */
  DUEL_BEGIN_END,      /* begin (a) || end (a) */
  DUEL_END_END,        /* end (a) || end (a) */
  DUEL_CANCEL_END,     /* end (a) || cancel (a) */
  DUEL_PARENT_BEGIN,   /* set_parent (a, b) || begin (a) */
  DUEL_CANCEL_CANCEL,  /* cancel (a) || cancel (a) */
  DUEL_LINK_CANCEL,    /* add_source (a, linked (b)) || cancel (b) */
  DUEL_DROP_CANCEL,    /* unref (c), the last reference || cancel (parent of c) */
  DUEL_SHIELD_CANCEL,  /* set_shielded (c) || cancel (parent of c) */
  N_DUEL_KINDS
};

static const char * const duel_names[N_DUEL_KINDS] = {
  "cross-parent", "same-child", "begin-begin", "begin-end", "end-end", "cancel-end",
  "parent-begin", "cancel-cancel", "link-cancel", "drop-cancel", "shield-cancel",
};

typedef struct
{
  int            state;    /* atomic, DUEL_* */
  int            go;       /* atomic: the round released, DUEL_OVER at the end */
  int            ready;    /* atomic: the last round the partner is ready for */
  int            done;     /* atomic: the last round the partner finished */
  guint          delay[2]; /* spins before each side's call: the offset scans the window */

  int            kind;
  CancelScope   *a;
  CancelScope   *b;
  CancelScope   *c;
  Rec           *ra;
  Rec           *rb;
  Rec           *rc;
  CancelSource  *source;
  gboolean       preserve;
  CancelReason   reason[2];
  gboolean       plain[2];

  /* What each side saw. */
  gboolean       result[2];
  guint          n_criticals[2];
  guint          mask[2];
} Duel;

static Duel duel;

/* While two threads duel, the others wait: on two cores, that is what
 * lets the duellers run at the same time. */
static pthread_mutex_t duel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t duel_cond = PTHREAD_COND_INITIALIZER;

static void
duel_side (Worker *w,
           int     side)
{
  Duel *d = &duel;

  switch (d->kind)
    {
    case DUEL_CROSS_PARENT:
      capture_start ();
      if (side == 0)
        cancel_scope_set_parent (d->a, d->b);
      else
        cancel_scope_set_parent (d->b, d->a);
      d->n_criticals[side] = capture_stop (&d->mask[side]);
      break;

    case DUEL_SAME_CHILD:
      capture_start ();
      cancel_scope_set_parent (d->c, side == 0 ? d->a : d->b);
      d->n_criticals[side] = capture_stop (&d->mask[side]);
      break;

    case DUEL_BEGIN_BEGIN:
      d->result[side] = do_begin (w, d->a, d->ra, TRUE, FALSE);
      break;

    case DUEL_BEGIN_END:
      if (side == 0)
        d->result[side] = do_begin (w, d->a, d->ra, FALSE, FALSE);
      else
        d->result[side] = do_end (w, d->a, d->ra, TRUE);
      break;

    case DUEL_END_END:
      d->result[side] = do_end (w, d->a, d->ra, TRUE);
      break;

    case DUEL_CANCEL_END:
      if (side == 0)
        d->result[side] = do_end (w, d->a, d->ra, FALSE);
      else if (d->plain[side])
        g_cancellable_cancel (G_CANCELLABLE (d->a));
      else
        d->result[side] = cancel_scope_cancel (d->a, d->reason[side], "Duel");
      break;

    case DUEL_PARENT_BEGIN:
      if (side == 0)
        {
          capture_start ();
          cancel_scope_set_parent (d->a, d->b);
          d->n_criticals[side] = capture_stop (&d->mask[side]);
        }
      else
        d->result[side] = do_begin (w, d->a, d->ra, FALSE, FALSE);
      break;

    case DUEL_CANCEL_CANCEL:
      if (d->plain[side])
        g_cancellable_cancel (G_CANCELLABLE (d->a));
      else
        d->result[side] = cancel_scope_cancel (d->a, d->reason[side], side == 0 ? "Left" : "Right");
      break;

    case DUEL_LINK_CANCEL:
      if (side == 0)
        d->result[side] = cancel_scope_add_source (d->a, d->source);
      else
        d->result[side] = cancel_scope_cancel (d->b, d->reason[side], "Upstream");
      break;

    case DUEL_DROP_CANCEL:
      if (side == 0)
        g_clear_object (&d->c);
      else
        d->result[side] = cancel_scope_cancel (d->a, d->reason[side], "Drop");
      break;

    case DUEL_SHIELD_CANCEL:
      if (side == 0)
        cancel_scope_set_shielded (d->c, TRUE);
      else
        d->result[side] = cancel_scope_cancel (d->a, d->reason[side], "Shield");
      break;

    default:
      g_assert_not_reached ();
    }
}

static CancelScope *
fresh_scope (Worker      *w,
             CancelScope *parent,
             Rec        **rec)
{
  CancelScope *scope = new_scope (w, parent, NEW_WITH_PARENT, REC_WATCHED);

  *rec = rec_of (scope);
  return scope;
}

static void
duel_setup (Worker *w)
{
  Duel *d = &duel;

  d->a = d->b = d->c = NULL;
  d->ra = d->rb = d->rc = NULL;
  d->source = NULL;
  d->preserve = g_rand_boolean (w->rand);
  for (int side = 0; side < 2; side++)
    {
      d->delay[side] = chance (w, 50) ? 0 : (guint) g_rand_int_range (w->rand, 0, 2000);
      d->reason[side] = random_reason (w);
      d->plain[side] = chance (w, 25);
      d->result[side] = FALSE;
      d->n_criticals[side] = 0;
      d->mask[side] = 0;
    }

  switch (d->kind)
    {
    case DUEL_CROSS_PARENT:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->b = fresh_scope (w, NULL, &d->rb);
      break;

    case DUEL_SAME_CHILD:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->b = fresh_scope (w, NULL, &d->rb);
      d->c = fresh_scope (w, NULL, &d->rc);
      break;

    case DUEL_BEGIN_BEGIN:
    case DUEL_BEGIN_END:
    case DUEL_PARENT_BEGIN:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->ra->begin_claim = 1;
      if (d->kind == DUEL_BEGIN_END)
        d->ra->end_claim = END_BUSY;
      if (d->kind == DUEL_PARENT_BEGIN)
        d->b = fresh_scope (w, NULL, &d->rb);
      break;

    case DUEL_END_END:
    case DUEL_CANCEL_END:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->ra->begin_claim = 1;
      do_begin (w, d->a, d->ra, FALSE, TRUE);
      d->ra->end_claim = END_BUSY;
      break;

    case DUEL_CANCEL_CANCEL:
      d->a = fresh_scope (w, NULL, &d->ra);
      break;

    case DUEL_LINK_CANCEL:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->b = fresh_scope (w, NULL, &d->rb);
      d->source = cancel_source_new_cancellable (G_CANCELLABLE (d->b), d->preserve);
      break;

    case DUEL_DROP_CANCEL:
    case DUEL_SHIELD_CANCEL:
      d->a = fresh_scope (w, NULL, &d->ra);
      d->c = fresh_scope (w, d->a, &d->rc);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The parents of @scope, up to the root, may not loop. Only for scopes no
 * other thread can move. */
static void
check_acyclic (CancelScope *scope,
               const char  *what)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  CancelScope *iter = g_object_ref (scope);

  while (iter != NULL)
    {
      for (guint i = 0; i < chain->len; i++)
        if (g_ptr_array_index (chain, i) == iter)
          {
            g_object_unref (iter);
            fail ("%s: the parents of scope %" G_GUINT64_FORMAT " form a cycle", what,
                  cancel_scope_get_id (scope));
          }
      g_ptr_array_add (chain, iter);
      iter = cancel_scope_dup_parent (iter);
    }

  /* Walks the same links under the tree lock: hangs on a cycle. */
  cancel_scope_get_deadline (scope);
}

static void
duel_check (Worker *w)
{
  Duel *d = &duel;

  switch (d->kind)
    {
    case DUEL_CROSS_PARENT:
      {
        g_autoptr(CancelScope) pa = NULL;
        g_autoptr(CancelScope) pb = NULL;

        /* One of them makes the other its parent, the other is a cycle. */
        CHECK (d->n_criticals[0] + d->n_criticals[1] == 1 &&
               ((d->mask[0] | d->mask[1]) & ~KIND (K_PARENT_CYCLE)) == 0,
               "crossed set_parent of scopes %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT
               ": %u and %u criticals (kinds 0x%x, 0x%x), expected one cycle", d->ra->id,
               d->rb->id, d->n_criticals[0], d->n_criticals[1], d->mask[0], d->mask[1]);
        check_acyclic (d->a, "crossed set_parent");
        check_acyclic (d->b, "crossed set_parent");
        pa = cancel_scope_dup_parent (d->a);
        pb = cancel_scope_dup_parent (d->b);
        CHECK ((pa == d->b && pb == NULL) || (pb == d->a && pa == NULL),
               "crossed set_parent: wrong outcome");
      }
      break;

    case DUEL_SAME_CHILD:
      {
        g_autoptr(CancelScope) parent = cancel_scope_dup_parent (d->c);
        CancelScope *other;

        CHECK (d->n_criticals[0] + d->n_criticals[1] == 0,
               "concurrent set_parent of one scope logged criticals (kinds 0x%x)",
               d->mask[0] | d->mask[1]);
        CHECK (parent == d->a || parent == d->b, "concurrent set_parent: the child has neither parent");
        check_acyclic (d->c, "concurrent set_parent");

        /* Linked under exactly one of them. */
        other = parent == d->a ? d->b : d->a;
        CHECK (cancel_scope_cancel (other, CANCEL_REASON_MANUAL, NULL),
               "concurrent set_parent: other parent not cancellable");
        CHECK (!g_cancellable_is_cancelled (G_CANCELLABLE (d->c)),
               "concurrent set_parent: the child of scope %" G_GUINT64_FORMAT
               " was cancelled by scope %" G_GUINT64_FORMAT ", not its parent",
               d->rc->id, cancel_scope_get_id (other));
        CHECK (cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL),
               "concurrent set_parent: parent not cancellable");
        CHECK (cancel_scope_get_reason (d->c) == CANCEL_REASON_PARENT,
               "concurrent set_parent: the child was not cancelled by its parent");
      }
      break;

    case DUEL_BEGIN_BEGIN:
      CHECK (d->result[0] + d->result[1] == 1, "two begins of scope %" G_GUINT64_FORMAT
             ": %d took effect", d->ra->id, d->result[0] + d->result[1]);
      break;

    case DUEL_BEGIN_END:
      CHECK (d->result[0], "begin of scope %" G_GUINT64_FORMAT " did not take effect", d->ra->id);
      if (!d->result[1])
        g_atomic_int_set (&d->ra->end_claim, END_FREE);
      break;

    case DUEL_END_END:
      CHECK (d->result[0] + d->result[1] == 1, "two ends of scope %" G_GUINT64_FORMAT
             ": %d took effect", d->ra->id, d->result[0] + d->result[1]);
      break;

    case DUEL_CANCEL_END:
      {
        CancelStatus status = cancel_scope_get_status (d->a);
        CancelReason reason = cancel_scope_get_reason (d->a);

        if (d->result[1])
          {
            CHECK (reason == d->reason[1] && status == expected_status (reason, NULL),
                   "cancel of scope %" G_GUINT64_FORMAT " returned TRUE, it ended %s, reason %s",
                   d->ra->id, cancel_status_to_string (status), cancel_reason_to_string (reason));
            cancel_won (d->a, d->ra, d->reason[1], "Duel");
          }
        CHECK (status == (CancelStatus) d->ra->end_status && reason == (CancelReason) d->ra->end_reason,
               "scope %" G_GUINT64_FORMAT " ended %s (%s), now %s (%s) after a %s cancel",
               d->ra->id, cancel_status_to_string (d->ra->end_status),
               cancel_reason_to_string (d->ra->end_reason), cancel_status_to_string (status),
               cancel_reason_to_string (reason), d->plain[1] ? "plain" : "scope");
      }
      break;

    case DUEL_PARENT_BEGIN:
      {
        g_autoptr(CancelScope) parent = cancel_scope_dup_parent (d->a);
        g_autoptr(GPtrArray) under_b = NULL;
        g_autoptr(GPtrArray) under_none = NULL;
        guint index;

        CHECK (d->result[1], "begin of scope %" G_GUINT64_FORMAT " did not take effect", d->ra->id);
        CHECK ((d->mask[0] & ~KIND (K_PARENT_PENDING)) == 0 && d->n_criticals[0] <= 1,
               "set_parent racing begin: kinds 0x%x", d->mask[0]);
        if (d->n_criticals[0] > 0)
          CHECK (parent == NULL, "set_parent of scope %" G_GUINT64_FORMAT
                 " refused (not pending), yet it moved", d->ra->id);
        else
          CHECK (parent == d->b, "set_parent of scope %" G_GUINT64_FORMAT
                 " logged nothing, yet did not move it", d->ra->id);

        /* The registry remembers the parent at begin: the same one. */
        under_b = cancel_registry_find_by_parent (registry, d->b);
        under_none = cancel_registry_find_by_parent (registry, NULL);
        CHECK (g_ptr_array_find (under_b, d->a, &index) == (parent == d->b) &&
               g_ptr_array_find (under_none, d->a, &index) == (parent == NULL),
               "set_parent racing begin: scope %" G_GUINT64_FORMAT " has parent %" G_GUINT64_FORMAT
               " after begin, the registry says otherwise (set_parent took effect after begin)",
               d->ra->id, parent != NULL ? cancel_scope_get_id (parent) : 0);
      }
      break;

    case DUEL_CANCEL_CANCEL:
      {
        CancelReason reason = cancel_scope_get_reason (d->a);
        int wins = d->result[0] + d->result[1];

        CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (d->a)), "duelling cancels left it alone");
        if (!d->plain[0] && !d->plain[1])
          CHECK (wins == 1, "two cancels of scope %" G_GUINT64_FORMAT ": %d returned TRUE",
                 d->ra->id, wins);
        else
          CHECK (wins <= 1, "cancels of scope %" G_GUINT64_FORMAT ": %d returned TRUE",
                 d->ra->id, wins);
        for (int side = 0; side < 2; side++)
          if (d->result[side])
            cancel_won (d->a, d->ra, d->reason[side], side == 0 ? "Left" : "Right");
        if (wins == 0)
          CHECK (reason == CANCEL_REASON_MANUAL, "plain cancel of scope %" G_GUINT64_FORMAT
                 " gave %s", d->ra->id, cancel_reason_to_string (reason));
      }
      break;

    case DUEL_LINK_CANCEL:
      CHECK (d->result[0], "attaching a fresh source failed");
      CHECK (d->result[1], "cancelling a fresh scope failed");
      cancel_won (d->b, d->rb, d->reason[1], "Upstream");
      CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (d->a)),
             "scope %" G_GUINT64_FORMAT " linked to cancelled scope %" G_GUINT64_FORMAT
             " is not cancelled", d->ra->id, d->rb->id);
      CHECK (cancel_scope_get_reason (d->a) == (d->preserve ? d->reason[1] : CANCEL_REASON_PARENT) &&
             cancel_scope_get_origin_reason (d->a) == d->reason[1],
             "linked scope %" G_GUINT64_FORMAT " has reason %s origin %s, upstream %s (preserve %d)",
             d->ra->id, cancel_reason_to_string (cancel_scope_get_reason (d->a)),
             cancel_reason_to_string (cancel_scope_get_origin_reason (d->a)),
             cancel_reason_to_string (d->reason[1]), d->preserve);
      if (d->preserve)
        CHECK (g_strcmp0 (cancel_scope_get_message (d->a), "Upstream") == 0,
               "preserving link lost the message");
      CHECK (cancel_source_has_fired (d->source) &&
             cancel_source_get_reason (d->source) != CANCEL_REASON_NONE,
             "linked source did not record its firing");
      break;

    case DUEL_DROP_CANCEL:
      CHECK (d->result[1], "cancelling a fresh parent failed");
      break;

    case DUEL_SHIELD_CANCEL:
      CHECK (d->result[1], "cancelling a fresh parent failed");
      CHECK (cancel_scope_get_shielded (d->c), "shield lost");
      if (g_cancellable_is_cancelled (G_CANCELLABLE (d->c)))
        CHECK (cancel_scope_get_reason (d->c) == CANCEL_REASON_PARENT,
               "child cancelled with %s", cancel_reason_to_string (cancel_scope_get_reason (d->c)));
      else
        CHECK (cancel_scope_get_reason (d->c) == CANCEL_REASON_NONE, "uncancelled child has a reason");
      break;

    default:
      g_assert_not_reached ();
    }

  atomic_add64 (&n_duels[d->kind], 1);

  /* The fresh scopes join the pool: the others may go on with them. */
  if (d->a != NULL)
    pool_put (w, g_steal_pointer (&d->a));
  if (d->b != NULL)
    pool_put (w, g_steal_pointer (&d->b));
  if (d->c != NULL)
    pool_put (w, g_steal_pointer (&d->c));
  g_clear_object (&d->source);
}

static gboolean should_stop (void);

static void
spin_until (int *value,
            int  at_least)
{
  /* Briefly without giving the CPU away, so that the two duellers start
   * together; then politely. */
  for (guint i = 0; i < 20000; i++)
    if (g_atomic_int_get (value) >= at_least)
      return;
  while (g_atomic_int_get (value) < at_least)
    g_thread_yield ();
}

static void
busy_wait (guint n)
{
  for (guint i = 0; i < n; i++)
    __asm__ __volatile__ ("" ::: "memory");
}

/* Posts a duel of a few rounds of one kind; each round, the partner and
 * this thread are released together on fresh scopes, then this thread
 * checks what they did. Nobody coming, this thread plays both sides. */
static void
op_duel (Worker *w)
{
  gint64 deadline;
  gboolean solo = FALSE;
  int rounds;

  if (!g_atomic_int_compare_and_exchange (&duel.state, DUEL_FREE, DUEL_SETUP))
    return;

  duel.kind = g_rand_int_range (w->rand, 0, N_DUEL_KINDS);
  rounds = g_rand_int_range (w->rand, 1, DUEL_MAX_ROUNDS + 1);
  g_atomic_int_set (&duel.go, 0);
  g_atomic_int_set (&duel.ready, 0);
  g_atomic_int_set (&duel.done, 0);
  g_atomic_int_set (&duel.state, DUEL_POSTED);

  deadline = g_get_monotonic_time () + DUEL_WAIT_US;
  while (g_atomic_int_get (&duel.state) != DUEL_TAKEN)
    {
      if (g_get_monotonic_time () > deadline &&
          g_atomic_int_compare_and_exchange (&duel.state, DUEL_POSTED, DUEL_SETUP))
        {
          solo = TRUE;
          break;
        }
      g_thread_yield ();
    }

  for (int round = 1; round <= rounds; round++)
    {
      duel_setup (w);
      if (solo)
        {
          duel_side (w, 0);
          duel_side (w, 1);
        }
      else
        {
          g_atomic_int_set (&duel.go, round);
          spin_until (&duel.ready, round);
          busy_wait (duel.delay[0]);
          duel_side (w, 0);
          spin_until (&duel.done, round);
        }
      duel_check (w);
      tick ();

      /* Each round counts as an operation. */
      if (round < rounds && should_stop ())
        break;
    }

  if (solo)
    atomic_add64 (&n_solo_duels, 1);
  else
    {
      g_atomic_int_set (&duel.go, DUEL_OVER);
      spin_until (&duel.done, DUEL_OVER);
    }

  pthread_mutex_lock (&duel_lock);
  g_atomic_int_set (&duel.state, DUEL_FREE);
  pthread_cond_broadcast (&duel_cond);
  pthread_mutex_unlock (&duel_lock);
}

/* Stands aside while a duel runs, for a while at most. */
static void
wait_for_duel (void)
{
  struct timespec until;

  if (g_atomic_int_get (&duel.state) != DUEL_TAKEN)
    return;

  clock_gettime (CLOCK_REALTIME, &until);
  until.tv_nsec += 50 * 1000 * 1000;
  if (until.tv_nsec >= 1000 * 1000 * 1000)
    {
      until.tv_sec++;
      until.tv_nsec -= 1000 * 1000 * 1000;
    }

  pthread_mutex_lock (&duel_lock);
  while (g_atomic_int_get (&duel.state) == DUEL_TAKEN)
    if (pthread_cond_timedwait (&duel_cond, &duel_lock, &until) == ETIMEDOUT)
      break;
  pthread_mutex_unlock (&duel_lock);
}

static gboolean
join_duel (Worker *w)
{
  if (g_atomic_int_get (&duel.state) != DUEL_POSTED ||
      !g_atomic_int_compare_and_exchange (&duel.state, DUEL_POSTED, DUEL_TAKEN))
    return FALSE;

  for (int round = 1;; round++)
    {
      spin_until (&duel.go, round);
      if (g_atomic_int_get (&duel.go) == DUEL_OVER)
        break;
      g_atomic_int_set (&duel.ready, round);
      busy_wait (duel.delay[1]);
      duel_side (w, 1);
      g_atomic_int_set (&duel.done, round);
    }
  g_atomic_int_set (&duel.done, DUEL_OVER);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Chains: long links, cancelled at the root                           */

enum
{
  CHAIN_LINK,
  CHAIN_LINK_PRESERVE,
  CHAIN_ANY,
  CHAIN_PARENT,
  N_CHAIN_KINDS
};

static void
op_chain (Worker *w,
          guint   length)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  int kind = g_rand_int_range (w->rand, 0, N_CHAIN_KINDS);
  CancelReason reason = random_reason (w);
  CancelScope *root;
  CancelScope *tail;

  root = new_scope (w, NULL, NEW_WITH_PARENT, REC_PRIVATE);
  g_ptr_array_add (chain, root);
  for (guint i = 1; i < length; i++)
    {
      CancelScope *prev = g_ptr_array_index (chain, i - 1);
      CancelScope *next;

      if (kind == CHAIN_PARENT)
        next = new_scope (w, prev, NEW_WITH_PARENT, REC_PRIVATE);
      else
        {
          g_autoptr(CancelSource) link = NULL;

          next = new_scope (w, NULL, NEW_WITH_PARENT, REC_PRIVATE);
          link = cancel_source_new_cancellable (G_CANCELLABLE (prev), kind == CHAIN_LINK_PRESERVE);
          if (kind == CHAIN_ANY)
            {
              CancelSource *any = cancel_source_new_any (&link, 1);

              CHECK (any != NULL, "any of one fresh link failed");
              g_object_unref (link);
              link = any;
            }
          CHECK (cancel_scope_add_source (next, link), "attaching a chain link failed");
        }
      g_ptr_array_add (chain, next);
    }

  CHECK (cancel_scope_cancel (root, reason, "Chain root"), "cancelling a chain's root failed");

  for (guint i = 1; i < chain->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (chain, i);
      CancelReason expected = kind == CHAIN_LINK_PRESERVE ? reason : CANCEL_REASON_PARENT;

      CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (scope)),
             "link %u of %u of a chain (kind %d) not cancelled", i, length, kind);
      CHECK (cancel_scope_get_reason (scope) == expected &&
             cancel_scope_get_origin_reason (scope) == reason,
             "link %u of a chain (kind %d) has reason %s origin %s, root %s", i, kind,
             cancel_reason_to_string (cancel_scope_get_reason (scope)),
             cancel_reason_to_string (cancel_scope_get_origin_reason (scope)),
             cancel_reason_to_string (reason));
    }

  tail = g_ptr_array_index (chain, chain->len - 1);
  if (kind == CHAIN_LINK_PRESERVE)
    CHECK (g_strcmp0 (cancel_scope_get_message (tail), "Chain root") == 0,
           "a preserving chain lost the message");

  /* Dropped from either end. */
  if (g_rand_boolean (w->rand))
    {
      for (guint i = 0, j = chain->len - 1; i < j; i++, j--)
        {
          gpointer tmp = chain->pdata[i];

          chain->pdata[i] = chain->pdata[j];
          chain->pdata[j] = tmp;
        }
    }
  atomic_add64 (&n_chains, 1);
}

/* ------------------------------------------------------------------ */
/* Private lifecycles                                                  */

/* A scope nobody else can reach: cancel, reset, cancel again. */
static void
op_reset (Worker *w)
{
  g_autoptr(CancelScope) scope = new_scope (w, NULL, NEW_WITH_PARENT, REC_PRIVATE | REC_WATCHED);
  Rec *rec = rec_of (scope);
  CancelReason first = random_reason (w);
  CancelReason second = random_reason (w);
  gboolean cancelled;
  CancelReason reason;
  const char *message;

  CHECK (cancel_scope_cancel (scope, first, "First"), "cancelling a fresh scope failed");
  g_cancellable_reset (G_CANCELLABLE (scope));

  cancelled = g_cancellable_is_cancelled (G_CANCELLABLE (scope));
  reason = cancel_scope_get_reason (scope);
  message = cancel_scope_get_message (scope);
  CHECK (cancelled == (reason != CANCEL_REASON_NONE) && cancelled == (message != NULL),
         "g_cancellable_reset of cancelled scope %" G_GUINT64_FORMAT " half-reset it: "
         "flag %d, reason %s, message %s", rec->id, cancelled, cancel_reason_to_string (reason),
         message != NULL ? message : "(null)");
  if (cancelled)
    CHECK (reason == first, "reset changed the reason");

  CHECK (cancel_scope_cancel (scope, second, "Second") == !cancelled,
         "cancel after reset of scope %" G_GUINT64_FORMAT " (flag %d) returned the wrong value",
         rec->id, cancelled);
  CHECK (g_cancellable_is_cancelled (G_CANCELLABLE (scope)), "cancel after reset did not cancel");
  CHECK (cancel_scope_get_reason (scope) == (cancelled ? first : second),
         "cancel after reset: reason %s", cancel_reason_to_string (cancel_scope_get_reason (scope)));

  rec->begin_claim = 1;
  do_begin (w, scope, rec, FALSE, TRUE);
  rec->end_claim = END_BUSY;
  do_end (w, scope, rec, FALSE);
}

/* A scope begun and ended by a guard, current in between. */
static void
op_guard (Worker *w)
{
  g_autoptr(CancelScope) scope = new_scope (w, NULL, NEW_WITH_PARENT, REC_PRIVATE | REC_WATCHED);
  Rec *rec = rec_of (scope);
  CancelScope *child = NULL;

  rec->begin_claim = 1;
  rec->end_claim = END_BUSY;
  {
    g_auto(CancelScopeGuard) guard = NULL;

    capture_start ();
    guard = cancel_scope_enter (scope);
    expect_legal ("enter", rec->id);
    CHECK (g_atomic_int_add (&rec->n_begun, 1) == 0, "guard began twice");
    g_atomic_int_set (&rec->begin_done, 1);
    CHECK (cancel_scope_get_current () == scope, "entered scope is not current");

    child = new_scope (w, scope, NEW_CURRENT, REC_WATCHED);
    if (chance (w, 30))
      cancel_scope_cancel (scope, random_reason (w), NULL);
    capture_start ();
  }
  expect_legal ("exit", rec->id);

  {
    CancelStatus status = cancel_scope_get_status (scope);
    CancelReason reason = cancel_scope_get_reason (scope);

    CHECK (cancel_scope_get_current () != scope, "exited scope is still current");
    CHECK (status == expected_status (reason, NULL), "guarded scope %" G_GUINT64_FORMAT
           " ended %s with reason %s", rec->id, cancel_status_to_string (status),
           cancel_reason_to_string (reason));
    g_atomic_int_set (&rec->end_status, (int) status);
    g_atomic_int_set (&rec->end_reason, (int) reason);
    CHECK (g_atomic_int_add (&rec->n_ended, 1) == 0, "guard ended twice");
    g_atomic_int_set (&rec->end_returned, 1);
    g_atomic_int_set (&rec->end_claim, END_DONE);
  }

  /* Under an ended parent: a scope like any other. */
  pool_put (w, child);
}

/* Values from outside the program: errors, never criticals. */
static void
op_bad_input (Worker *w)
{
  g_autoptr(CancelScope) scope = pool_get (w, NULL);
  g_autoptr(GError) error = NULL;
  CancelSource *source;
  int bad_signal[] = { SIGKILL };
  Cond *cond;

  source = cancel_source_new_timeout (g_rand_boolean (w->rand) ? 0 : -1, &error);
  CHECK (source == NULL, "zero timeout accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "zero timeout");
  g_clear_error (&error);

  source = cancel_source_new_timeout (NAN, &error);
  CHECK (source == NULL, "NaN timeout accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "NaN timeout");
  g_clear_error (&error);

  source = cancel_source_new_unix_signals (bad_signal, 1, &error);
  CHECK (source == NULL, "SIGKILL accepted");
  check_error (error, CANCEL_ERROR_INVALID_SIGNAL, "SIGKILL");
  g_clear_error (&error);

  cond = cond_new ();
  source = cancel_source_new_condition (NULL, 0, NULL, cond_check, cond, cond_destroy, &error);
  CHECK (source == NULL, "zero interval accepted");
  check_error (error, CANCEL_ERROR_INVALID_INTERVAL, "zero interval");
  CHECK (g_atomic_int_get (&cond->destroyed) == 1, "rejected condition data not destroyed");
  g_clear_error (&error);

  if (scope == NULL)
    return;

  CHECK (!cancel_scope_set_timeout (scope, -1, &error), "negative timeout accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "negative timeout");
  g_clear_error (&error);
  CHECK (!cancel_scope_set_timeout (scope, INFINITY, &error), "infinite timeout accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "infinite timeout");
  g_clear_error (&error);
  CHECK (!cancel_scope_set_deadline (scope, 0, &error), "zero deadline accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "zero deadline");
  g_clear_error (&error);
  CHECK (!cancel_scope_postpone (scope, NAN, &error), "NaN postpone accepted");
  check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "NaN postpone");
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */

static void
op_create (Worker *w)
{
  g_autoptr(CancelScope) parent = chance (w, 60) ? pool_get (w, NULL) : NULL;
  CancelScope *scope;
  guint flags = REC_WATCHED;
  int how = g_rand_int_range (w->rand, 0, 3);
  int r = g_rand_int_range (w->rand, 0, 100);

  if (r < 3)
    flags = REC_WATCHED | REC_EPHEMERAL;
  else if (r >= 80)
    flags = REC_WATCHED | REC_REENTRANT;
  else if (r < 8)
    flags = 0;
  else if (r < 13 && w->context != NULL)
    {
      Rec *rec;

      /* Begun before anyone watches it: the handlers come right after,
       * before this thread iterates its context again. */
      scope = new_scope (w, parent, how, REC_WATCHED | REC_LATE);
      rec = rec_of (scope);
      rec->begin_claim = 1;
      do_begin (w, scope, rec, FALSE, TRUE);
      connect_handlers (scope, rec);
      pool_put (w, scope);
      return;
    }

  scope = new_scope (w, parent, how, flags);
  pool_put (w, scope);
}

static void
op_begin (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);

  if (scope != NULL && g_atomic_int_compare_and_exchange (&rec->begin_claim, 0, 1))
    do_begin (w, scope, rec, FALSE, TRUE);
}

static void
op_end (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);

  if (scope != NULL)
    try_end (w, scope, rec);
}

static void
op_misuse (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(CancelScope) other = NULL;
  g_autoptr(CancelScope) before = NULL;
  g_autoptr(CancelScope) after = NULL;
  g_autoptr(GError) error = NULL;
  CancelReason reason;

  if (scope == NULL)
    return;

  switch (g_rand_int_range (w->rand, 0, 6))
    {
    case 0:
      /* Begin twice. */
      if (g_atomic_int_get (&rec->begin_done))
        {
          capture_start ();
          cancel_scope_begin (scope);
          expect_misuse ("second begin", rec->id, KIND (K_BEGIN));
        }
      break;

    case 1:
      /* End of a scope another thread ended. */
      if (g_atomic_int_get (&rec->end_claim) == END_DONE)
        {
          capture_start ();
          cancel_scope_end (scope);
          expect_misuse ("second end", rec->id, KIND (K_END));
        }
      break;

    case 2:
      if (g_atomic_int_get (&rec->begin_done))
        {
          capture_start ();
          cancel_scope_set_registry (scope, registry);
          expect_misuse ("set_registry after begin", rec->id, KIND (K_REGISTRY));
        }
      break;

    case 3:
      /* Moving a begun scope: refused, nothing moves. */
      if (g_atomic_int_get (&rec->begin_done))
        {
          other = pool_get (w, NULL);
          before = cancel_scope_dup_parent (scope);
          if (other == before)
            g_clear_object (&other);
          if (other == before)
            break;
          capture_start ();
          cancel_scope_set_parent (scope, other);
          expect_misuse ("set_parent after begin", rec->id,
                         KIND (K_PARENT_PENDING) | KIND (K_PARENT_CYCLE) | KIND (K_PARENT_ENDED));
          /* Or none: a parent being disposed (dup_parent may have caught
           * it in dispose, see design.md) lets go of its children. */
          after = cancel_scope_dup_parent (scope);
          CHECK (after == before || after == NULL, "set_parent of begun scope %" G_GUINT64_FORMAT
                 " moved it", rec->id);
        }
      break;

    case 4:
      /* Cancelling an ended scope changes nothing. */
      if (g_atomic_int_get (&rec->end_claim) == END_DONE)
        {
          reason = cancel_scope_get_reason (scope);
          if (g_rand_boolean (w->rand))
            CHECK (!cancel_scope_cancel (scope, random_reason (w), NULL),
                   "cancel of ended scope %" G_GUINT64_FORMAT " returned TRUE", rec->id);
          else
            g_cancellable_cancel (G_CANCELLABLE (scope));
          CHECK (cancel_scope_get_reason (scope) == reason,
                 "cancelling ended scope %" G_GUINT64_FORMAT " changed its reason from %s to %s",
                 rec->id, cancel_reason_to_string (reason),
                 cancel_reason_to_string (cancel_scope_get_reason (scope)));
          CHECK (cancel_scope_get_status (scope) == (CancelStatus) g_atomic_int_get (&rec->end_status),
                 "cancelling ended scope %" G_GUINT64_FORMAT " changed its status", rec->id);
        }
      break;

    case 5:
      /* Deadlines of an ended scope are refused. */
      if (g_atomic_int_get (&rec->end_claim) == END_DONE)
        {
          capture_start ();
          CHECK (!cancel_scope_set_timeout (scope, random_tiny (w), &error),
                 "timeout of ended scope accepted");
          expect_misuse ("timeout of ended scope", rec->id, KIND (K_DEADLINE_ENDED));
          CHECK (error == NULL, "timeout of ended scope: an error besides the critical");
          CHECK (!cancel_scope_postpone (scope, 1, &error), "postpone of ended scope accepted");
          check_error (error, CANCEL_ERROR_NO_DEADLINE, "postpone of ended scope");
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
op_cancel (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  CancelReason reason = random_reason (w);
  const char *message = chance (w, 50) ? "Stress cancel" : NULL;

  if (scope == NULL)
    return;

  if (chance (w, 25))
    {
      g_cancellable_cancel (G_CANCELLABLE (scope));
      cancel_lost (scope, rec);
    }
  else if (cancel_scope_cancel (scope, reason, message))
    cancel_won (scope, rec, reason, message);
  else
    cancel_lost (scope, rec);
}

static void
op_deadline (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int which = g_rand_int_range (w->rand, 0, 10);

  if (scope == NULL)
    return;

  /* The scope may end on another thread meanwhile: a critical, no error. */
  capture_start ();
  if (which < 5)
    ok = cancel_scope_set_timeout (scope, random_tiny (w), &error);
  else if (which < 7)
    ok = cancel_scope_set_timeout (scope, random_far (w), &error);
  else if (which == 7)
    ok = cancel_scope_set_deadline (scope, G_MAXINT64, &error);
  else if (which == 8)
    ok = cancel_scope_set_deadline (scope, MAX (g_get_monotonic_time () - 1000, 1), &error);
  else
    ok = cancel_scope_set_deadline (scope, g_get_monotonic_time () + 1000 *
                                    g_rand_int_range (w->rand, 1, 5), &error);

  expect_racing ("deadline", rec->id, KIND (K_DEADLINE_ENDED));

  /* G_MAXINT64 is more than a hundred years ahead: refused with an error,
   * checked before the scope's state. */
  if (!ok && which == 7)
    check_error (error, CANCEL_ERROR_INVALID_TIMEOUT, "deadline at G_MAXINT64");
  else if (!ok)
    CHECK (error == NULL && g_atomic_int_get (&rec->end_claim) != END_FREE,
           "deadline of scope %" G_GUINT64_FORMAT " refused: %s", rec->id,
           error != NULL ? error->message : "not ended");
  else
    CHECK (cancel_scope_get_own_deadline (scope) > 0, "scope %" G_GUINT64_FORMAT
           " has no deadline after setting one", rec->id);
}

static void
op_postpone (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(GError) error = NULL;
  double seconds;

  if (scope == NULL)
    return;

  seconds = chance (w, 80) ? random_tiny (w) : g_rand_double_range (w->rand, 1, 3e9);
  if (!cancel_scope_postpone (scope, seconds, &error))
    CHECK (g_error_matches (error, CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE) ||
           g_error_matches (error, CANCEL_ERROR, CANCEL_ERROR_INVALID_TIMEOUT),
           "postpone: %s", error->message);

  check_scope_state (scope, rec);
}

static void
op_progress (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  double fraction = chance (w, 10) ? -1 : g_rand_double (w->rand);
  int message = g_rand_int_range (w->rand, -1, G_N_ELEMENTS (progress_messages));

  if (scope == NULL)
    return;

  cancel_scope_report_progress (scope, fraction, message < 0 ? NULL : progress_messages[message]);
  g_atomic_int_inc (&rec->n_reports);
}

static void
op_shield (Worker *w)
{
  g_autoptr(CancelScope) scope = pool_get (w, NULL);

  if (scope != NULL)
    cancel_scope_set_shielded (scope, g_rand_boolean (w->rand));
}

static void
op_set_registry (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(CancelRegistry) now = NULL;

  if (scope == NULL)
    return;

  /* Races with begin, whose claim this does not hold. */
  capture_start ();
  cancel_scope_set_registry (scope, registry);
  expect_racing ("set_registry", rec->id, KIND (K_REGISTRY));
  now = cancel_scope_dup_registry (scope);
  CHECK (now == registry || now == NULL, "scope %" G_GUINT64_FORMAT " has another registry", rec->id);
}

static void
op_set_parent (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(CancelScope) parent = chance (w, 80) ? pool_get (w, NULL) : NULL;

  if (scope == NULL)
    return;

  /* Races with begin and with other moves. */
  capture_start ();
  cancel_scope_set_parent (scope, parent);
  /* The parent may have ended on another thread. */
  expect_racing ("set_parent", rec->id,
                 KIND (K_PARENT_PENDING) | KIND (K_PARENT_CYCLE) | KIND (K_PARENT_ENDED));
  cancel_scope_get_deadline (scope);
}

static void
op_new_source (Worker *w)
{
  CancelSource *source = new_source (w, 0);
  CancelSource *old = slot_swap (source_slots, N_SOURCE_SLOTS, w->rand, source);

  g_clear_object (&old);
}

static void
op_add_source (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);
  g_autoptr(CancelSource) source = NULL;

  if (scope == NULL)
    return;

  /* A shared source may be attached already, and the scope may have
   * ended: programmer errors that other threads' calls make of this
   * one. */
  source = chance (w, 30) ? new_source (w, 0) : slot_get (source_slots, N_SOURCE_SLOTS, w->rand);
  if (source == NULL)
    return;
  capture_start ();
  cancel_scope_add_source (scope, source);
  expect_racing ("add_source", rec->id, KIND (K_SOURCE_TAKEN) | KIND (K_SOURCE_ENDED));
}

static void
op_remove_source (Worker *w)
{
  g_autoptr(CancelScope) scope = pool_get (w, NULL);
  g_autoptr(CancelSource) source = slot_get (source_slots, N_SOURCE_SLOTS, w->rand);

  if (scope != NULL && source != NULL)
    cancel_scope_remove_source (scope, source);
}

static void
op_lookup (Worker *w)
{
  Rec *rec = rec_random (w->rand);
  g_autoptr(CancelScope) found = NULL;
  gboolean begun;

  if (rec == NULL)
    return;

  begun = g_atomic_int_get (&rec->begin_done);
  found = cancel_registry_lookup (registry, rec->id);
  if (found != NULL)
    {
      CHECK (cancel_scope_get_id (found) == rec->id, "lookup of %" G_GUINT64_FORMAT " found %"
             G_GUINT64_FORMAT, rec->id, cancel_scope_get_id (found));
      CHECK (rec_of (found) == rec, "lookup found another scope");
      CHECK (cancel_scope_get_status (found) != CANCEL_STATUS_PENDING, "lookup found a pending scope");
    }
  else if (begun && g_atomic_int_get (&rec->end_claim) == END_FREE)
    fail ("live scope %" G_GUINT64_FORMAT " not found by lookup", rec->id);

  g_clear_object (&found);
  found = cancel_registry_lookup (registry, G_MAXUINT64 - (guint64) g_rand_int (w->rand));
  CHECK (found == NULL, "lookup of an unknown id found a scope");
}

static void
op_find (Worker *w)
{
  static const char * const words[] = { "load", "SYNC", "index", "", "nothing" };
  g_autoptr(GPtrArray) found = NULL;
  int which = g_rand_int_range (w->rand, 0, 3);

  if (which == 0)
    {
      CancelStatus status = (CancelStatus) g_rand_int_range (w->rand, 0, CANCEL_N_STATUSES);

      found = cancel_registry_find_by_status (registry, status);
      for (guint i = 0; i < found->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (found, i);

          rec_of (scope);
          CHECK (status != CANCEL_STATUS_PENDING, "find_by_status found pending scopes");
          if (cancel_status_is_final (status))
            CHECK (cancel_scope_get_status (scope) == status, "find_by_status (%s) found a scope %s",
                   cancel_status_to_string (status),
                   cancel_status_to_string (cancel_scope_get_status (scope)));
        }
    }
  else if (which == 1)
    {
      g_autoptr(CancelScope) parent = chance (w, 80) ? pool_get (w, NULL) : NULL;

      found = cancel_registry_find_by_parent (registry, parent);
      for (guint i = 0; i < found->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (found, i);
          g_autoptr(CancelScope) actual = cancel_scope_dup_parent (scope);

          CHECK (actual == parent, "find_by_parent (%" G_GUINT64_FORMAT ") found scope %"
                 G_GUINT64_FORMAT " whose parent is %" G_GUINT64_FORMAT,
                 parent != NULL ? cancel_scope_get_id (parent) : 0, cancel_scope_get_id (scope),
                 actual != NULL ? cancel_scope_get_id (actual) : 0);
        }
    }
  else
    {
      const char *word = words[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (words))];
      g_autofree char *folded = g_utf8_casefold (word, -1);

      found = cancel_registry_find_by_name (registry, word);
      for (guint i = 0; i < found->len; i++)
        {
          CancelScope *scope = g_ptr_array_index (found, i);
          const char *name = cancel_scope_get_name (scope);
          g_autofree char *name_folded = name != NULL ? g_utf8_casefold (name, -1) : NULL;

          CHECK (*word == '\0' || (name_folded != NULL && strstr (name_folded, folded) != NULL),
                 "find_by_name (“%s”) found “%s”", word, name != NULL ? name : "(null)");
        }
    }
}

static void
op_registry_cancel (Worker *w)
{
  Rec *rec = rec_random (w->rand);
  CancelReason reason = random_reason (w);

  if (rec == NULL)
    return;

  if (cancel_registry_cancel (registry, rec->id, reason, "By id"))
    {
      g_autoptr(CancelScope) scope = cancel_registry_lookup (registry, rec->id);

      /* Still known: it cannot have been evicted before it ended, and
       * nothing ends between the cancel and here but another thread. */
      if (scope != NULL)
        cancel_won (scope, rec, reason, "By id");
      else
        {
          CHECK (g_atomic_int_add (&rec->cancel_wins, 1) == 0, "two cancels of scope %"
                 G_GUINT64_FORMAT " returned TRUE", rec->id);
          g_atomic_int_set (&rec->win_reason, (int) reason);
        }
    }

  CHECK (!cancel_registry_cancel (registry, G_MAXUINT64 - 1, reason, NULL),
         "cancel of an unknown id returned TRUE");
}

static void
op_cancel_all (Worker *w)
{
  guint n;

  if (g_rand_boolean (w->rand))
    n = cancel_registry_cancel_all (registry, random_reason (w), "Everything");
  else
    n = cancel_registry_cancel_all_with_status (registry, g_rand_boolean (w->rand) ?
                                                CANCEL_STATUS_RUNNING : CANCEL_STATUS_SHIELDED,
                                                random_reason (w), NULL);
  atomic_add64 (&n_cancel_all, n);
}

static void
op_history (Worker *w)
{
  static const guint limits[] = { 0, 1, 10, 100, 300 };

  if (chance (w, 30))
    cancel_registry_clear_history (registry);
  else
    set_history_limit (limits[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (limits))]);
}

static void
op_drop (Worker *w)
{
  Slot *slot = &scope_slots[g_rand_int_range (w->rand, 0, N_SCOPE_SLOTS)];
  CancelScope *old;

  pthread_mutex_lock (&slot->lock);
  old = g_steal_pointer (&slot->object);
  pthread_mutex_unlock (&slot->lock);

  if (old != NULL)
    scope_dropped (w, old);

  if (chance (w, 20))
    {
      CancelSource *source = slot_swap (source_slots, N_SOURCE_SLOTS, w->rand, NULL);

      g_clear_object (&source);
    }
}

static void
op_orphan (Worker *w)
{
  g_autoptr(CancelScope) held = NULL;
  Rec *rec = orphan_pop (w, &held);
  g_autoptr(CancelScope) scope = NULL;

  if (rec == NULL)
    return;

  scope = cancel_registry_lookup (registry, rec->id);
  if (scope == NULL)
    {
      CHECK (g_atomic_int_get (&rec->end_claim) != END_FREE,
             "running scope %" G_GUINT64_FORMAT " not found by lookup", rec->id);
      return;
    }
  CHECK (rec_of (scope) == rec, "lookup found another scope");
  try_end (w, scope, rec);
}

static void
op_inspect (Worker *w)
{
  Rec *rec;
  g_autoptr(CancelScope) scope = pool_get (w, &rec);

  if (scope != NULL)
    check_scope_state (scope, rec);
}

static void
op_resurrect (Worker *w)
{
  Rec *rec = rec_random (w->rand);
  g_autoptr(CancelScope) scope = NULL;

  /* Not one still being set up by the thread that made it (a duel's). */
  if (rec == NULL || (rec->flags & REC_PRIVATE) || g_atomic_int_get (&rec->in_pool) == POOL_NEVER)
    return;

  scope = g_weak_ref_get (&rec->weak);
  if (scope == NULL)
    return;

  check_scope_state (scope, rec);
  if (g_rand_boolean (w->rand))
    {
      if (cancel_scope_cancel (scope, CANCEL_REASON_ERROR, "Found again"))
        cancel_won (scope, rec, CANCEL_REASON_ERROR, "Found again");
    }
  else
    try_end (w, scope, rec);
}

static void
op_condition (Worker *w)
{
  pthread_mutex_lock (&conds_lock);
  if (conds->len > 0)
    {
      Cond *cond = g_ptr_array_index (conds, conds->len - 1 -
                                      g_rand_int_range (w->rand, 0, MIN (conds->len, 64)));

      g_atomic_int_set (&cond->flag, 1);
    }
  pthread_mutex_unlock (&conds_lock);
}

static void
op_plain (Worker *w)
{
  if (chance (w, 50))
    {
      GCancellable *old = slot_swap (plain_slots, N_PLAIN_SLOTS, w->rand, g_cancellable_new ());

      g_clear_object (&old);
    }
  else
    {
      g_autoptr(GCancellable) plain = slot_get (plain_slots, N_PLAIN_SLOTS, w->rand);

      if (plain != NULL)
        g_cancellable_cancel (plain);
    }
}

static void
op_signal (Worker *w)
{
  kill (getpid (), g_rand_boolean (w->rand) ? SIGUSR1 : SIGUSR2);
}

static void
op_stats (Worker *w)
{
  check_stats ();
}

typedef struct
{
  void (*func) (Worker *w);
  int weight;  /* per 10,000 */
} Op;

static void
op_rare_chain (Worker *w)
{
  op_chain (w, (guint) g_rand_int_range (w->rand, 100, 3000));
}

static const Op ops[] = {
  { op_create, 900 },
  { op_begin, 900 },
  { op_end, 800 },
  { op_cancel, 600 },
  { op_deadline, 600 },
  { op_postpone, 300 },
  { op_progress, 500 },
  { op_shield, 200 },
  { op_set_registry, 100 },
  { op_set_parent, 400 },
  { op_new_source, 400 },
  { op_add_source, 500 },
  { op_remove_source, 200 },
  { op_lookup, 250 },
  { op_find, 150 },
  { op_registry_cancel, 150 },
  { op_cancel_all, 3 },
  { op_history, 50 },
  { op_stats, 100 },
  { op_drop, 450 },
  { op_orphan, 400 },
  { op_inspect, 300 },
  { op_resurrect, 150 },
  { op_misuse, 200 },
  { op_duel, 150 },
  { op_condition, 100 },
  { op_plain, 100 },
  { op_signal, 2 },
  { op_reset, 50 },
  { op_guard, 50 },
  { op_bad_input, 10 },
  { op_rare_chain, 1 },
};

static int ops_total_weight;

static const Op *
pick_op (Worker *w)
{
  int r = g_rand_int_range (w->rand, 0, ops_total_weight);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      if (r < ops[i].weight)
        return &ops[i];
      r -= ops[i].weight;
    }
  g_assert_not_reached ();
}

static gboolean
should_stop (void)
{
  if (g_atomic_int_get (&stop_flag))
    return TRUE;
  if (atomic_add64 (&ops_done, 1) > opt_ops ||
      (double) (g_get_monotonic_time () - start_time) >= opt_seconds * G_USEC_PER_SEC)
    {
      g_atomic_int_set (&stop_flag, 1);
      return TRUE;
    }
  return FALSE;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  if (w->context != NULL)
    g_main_context_push_thread_default (w->context);

  /* One long chain of links per run, early: propagation must not grow
   * the stack. */
  if (w->index == 0)
    op_chain (w, LONG_CHAIN);

  while (!should_stop ())
    {
      if (!join_duel (w))
        {
          wait_for_duel ();
          pick_op (w)->func (w);
        }
      w->ops++;
      tick ();

      if (w->context != NULL)
        g_main_context_iteration (w->context, FALSE);
    }

  if (w->context != NULL)
    g_main_context_pop_thread_default (w->context);

  flush_checks ();
  if (g_atomic_int_dec_and_test (&n_running))
    g_main_context_wakeup (g_main_context_default ());

  return NULL;
}

/* ------------------------------------------------------------------ */
/* Watchdog                                                            */

static pthread_mutex_t watchdog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watchdog_cond = PTHREAD_COND_INITIALIZER;
static gboolean watchdog_quit;
static const char *phase = "running";  /* atomic */

static gpointer
watchdog_main (gpointer data)
{
  gint64 last = -1;
  int idle = 0;

  pthread_mutex_lock (&watchdog_lock);
  while (!watchdog_quit)
    {
      struct timespec until;
      gint64 now;

      clock_gettime (CLOCK_REALTIME, &until);
      until.tv_sec += 1;
      if (pthread_cond_timedwait (&watchdog_cond, &watchdog_lock, &until) != ETIMEDOUT)
        continue;

      now = __atomic_load_n (&progress_ticks, __ATOMIC_RELAXED);
      if (now != last)
        {
          last = now;
          idle = 0;
        }
      else if (++idle >= WATCHDOG_SECONDS)
        {
          fprintf (stdout, "stress: FAILED with seed %u: no progress for %d s while %s (a hang)\n",
                   opt_seed, WATCHDOG_SECONDS, (const char *) g_atomic_pointer_get (&phase));
          fflush (stdout);
          fprintf (stderr, "stress: FAILED with seed %u: no progress for %d s while %s (a hang)\n",
                   opt_seed, WATCHDOG_SECONDS, (const char *) g_atomic_pointer_get (&phase));
          abort ();
        }
    }
  pthread_mutex_unlock (&watchdog_lock);

  return NULL;
}

/* ------------------------------------------------------------------ */
/* The main thread                                                     */

static gboolean
wake_up_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* One round over every context the test iterates at the end; returns
 * whether anything was dispatched. */
static gboolean
drain_once (Worker *workers)
{
  gboolean any = FALSE;

  for (guint round = 0; round < 1000; round++)
    {
      gboolean this_round = FALSE;

      this_round |= g_main_context_iteration (registry_context, FALSE);
      this_round |= g_main_context_iteration (g_main_context_default (), FALSE);
      for (int i = 0; i < opt_threads; i++)
        if (workers[i].context != NULL)
          this_round |= g_main_context_iteration (workers[i].context, FALSE);
      if (!this_round)
        break;
      any = TRUE;
      tick ();
    }

  return any;
}

typedef gboolean (*DrainCond) (Worker *workers);

/* Iterates every context until @cond holds; FALSE if it did not within
 * GUARD_SECONDS. */
static gboolean
drain_until (Worker    *workers,
             DrainCond  cond)
{
  gint64 guard = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;
  GSource *wake = g_timeout_source_new (1);
  gboolean ok;

  g_source_set_callback (wake, wake_up_cb, NULL, NULL);
  g_source_attach (wake, registry_context);
  for (;;)
    {
      drain_once (workers);
      ok = cond (workers);
      if (ok || g_get_monotonic_time () > guard)
        break;
      g_main_context_iteration (registry_context, TRUE);
    }
  g_source_destroy (wake);
  g_source_unref (wake);

  return ok;
}

static gboolean
quiet (Worker *workers)
{
  return !drain_once (workers);
}

static gboolean
live_model_empty (Worker *workers)
{
  return g_list_model_get_n_items (G_LIST_MODEL (registry)) == 0;
}

static gboolean
all_finalized (Worker *workers)
{
  return atomic_get64 (&n_scopes_finalized) == atomic_get64 (&n_scopes_created);
}

static void
describe_alive (void)
{
  guint shown = 0;
  guint n_alive = 0;
  guint n_ephemeral = 0;
  guint n_pending = 0;
  guint n_ended = 0;

  for (guint i = 0; i < recs->len; i++)
    {
      Rec *rec = g_ptr_array_index (recs, i);

      if (g_atomic_int_get (&rec->finalized))
        continue;
      n_alive++;
      if (rec->flags & REC_EPHEMERAL)
        n_ephemeral++;
      if (rec->n_begun == 0)
        n_pending++;
      if (rec->n_ended > 0)
        n_ended++;
      if (shown++ < 10)
        fprintf (stderr, "stress:   scope %" G_GUINT64_FORMAT " alive: flags 0x%x, pool %d,"
                 " begun %d, ended %d (%s), finished signals %d, disposed %d\n", rec->id,
                 rec->flags, rec->in_pool, rec->n_begun, rec->n_ended,
                 rec->n_ended ? cancel_status_to_string (rec->end_status) : "-",
                 rec->n_finished, rec->disposed);
    }
  fprintf (stderr, "stress:   %u scopes alive: %u never begun, %u ended, %u made on a context"
           " nobody iterates\n", n_alive, n_pending, n_ended, n_ephemeral);
}

static void
final_cleanup (Worker *workers)
{
  /* Whatever still runs is ended; whatever waits on a timer is
   * cancelled, which disarms it. */
  for (guint i = 0; i < recs->len; i++)
    {
      Rec *rec = g_ptr_array_index (recs, i);
      g_autoptr(CancelScope) scope = g_weak_ref_get (&rec->weak);

      if (i % 1024 == 0)
        tick ();
      if (scope == NULL)
        continue;

      if (g_atomic_int_get (&rec->begin_done) &&
          g_atomic_int_compare_and_exchange (&rec->end_claim, END_FREE, END_BUSY))
        do_end (NULL, scope, rec, FALSE);

      check_scope_state (scope, rec);
      if (cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "Cleanup"))
        cancel_won (scope, rec, CANCEL_REASON_MANUAL, "Cleanup");
    }

  for (guint i = 0; i < N_SCOPE_SLOTS; i++)
    g_clear_object (&scope_slots[i].object);
  for (guint i = 0; i < N_SOURCE_SLOTS; i++)
    g_clear_object (&source_slots[i].object);
  for (guint i = 0; i < N_PLAIN_SLOTS; i++)
    g_clear_object (&plain_slots[i].object);
  for (guint i = 0; i < n_orphans; i++)
    g_clear_object (&orphan_scopes[i]);
  n_orphans = 0;
}

static void
final_checks (Worker *workers)
{
  g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (registry);
  guint64 n_begun = 0;
  guint64 n_ended = 0;
  guint64 by_status[CANCEL_N_STATUSES] = { 0, };

  for (guint i = 0; i < recs->len; i++)
    {
      Rec *rec = g_ptr_array_index (recs, i);
      guint64 id = rec->id;

      n_begun += (guint64) rec->n_begun;
      n_ended += (guint64) rec->n_ended;

      CHECK (rec->n_begun <= 1 && rec->n_ended == rec->n_begun,
             "scope %" G_GUINT64_FORMAT " began %d times and ended %d times", id, rec->n_begun,
             rec->n_ended);
      CHECK (rec->cancel_wins <= 1, "scope %" G_GUINT64_FORMAT " won %d cancels", id, rec->cancel_wins);
      if (rec->n_ended == 0)
        continue;

      by_status[rec->end_status]++;
      if (rec->cancel_wins == 1)
        CHECK (rec->end_reason == rec->win_reason,
               "scope %" G_GUINT64_FORMAT " won a cancel with %s, ended with reason %s", id,
               cancel_reason_to_string (rec->win_reason), cancel_reason_to_string (rec->end_reason));

      if (!(rec->flags & REC_ITERATED) || !(rec->flags & REC_WATCHED))
        continue;

      CHECK (rec->n_finished == 1 || (rec->n_finished == 0 && rec->maybe_lost),
             "scope %" G_GUINT64_FORMAT " ended, %d finished signals (flags 0x%x)", id,
             rec->n_finished, rec->flags);
      if (rec->n_finished == 1)
        CHECK (rec->finished_status == rec->end_status, "scope %" G_GUINT64_FORMAT " finished %s,"
               " ended %s", id, cancel_status_to_string (rec->finished_status),
               cancel_status_to_string (rec->end_status));
      CHECK (rec->n_started == 1, "scope %" G_GUINT64_FORMAT " began, %d started signals%s", id,
             rec->n_started, (rec->flags & REC_LATE) ? " (handler connected right after begin)" : "");
      CHECK (rec->n_notify_status >= 1 || (rec->flags & REC_LATE),
             "scope %" G_GUINT64_FORMAT " never notified its status", id);
    }

  CHECK (g_list_model_get_n_items (G_LIST_MODEL (registry)) == 0 && live_shadow.items->len == 0,
         "the live model still lists %u scopes once all ended",
         g_list_model_get_n_items (G_LIST_MODEL (registry)));
  for (guint s = 0; s < CANCEL_N_STATUSES; s++)
    {
      CHECK (cancel_registry_stats_get_live (stats, s) == 0, "stats: %u live %s scopes at the end", cancel_registry_stats_get_live (stats, s),
             cancel_status_to_string (s));
      CHECK (cancel_registry_stats_get_finished (stats, s) == by_status[s], "stats: %" G_GUINT64_FORMAT " finished %s, the"
             " threads saw %" G_GUINT64_FORMAT, cancel_registry_stats_get_finished (stats, s), cancel_status_to_string (s),
             by_status[s]);
    }
  CHECK (cancel_registry_stats_get_total_started (stats) == n_begun, "stats: %" G_GUINT64_FORMAT " started, the threads"
         " began %" G_GUINT64_FORMAT, cancel_registry_stats_get_total_started (stats), n_begun);
  CHECK (cancel_registry_stats_get_total_finished (stats) == n_ended, "stats: %" G_GUINT64_FORMAT " finished, the threads"
         " ended %" G_GUINT64_FORMAT, cancel_registry_stats_get_total_finished (stats), n_ended);
  check_stats ();
}

static gboolean
parse_args (int    *argc,
            char ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seed = -1;
  const char *env;
  GOptionEntry entries[] = {
    { "ops", 0, 0, G_OPTION_ARG_INT64, &opt_ops,
      "Total operations (default 1000000, or $CANCEL_STRESS_OPS)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &opt_seconds,
      "Stop after this long (default 120, or $CANCEL_STRESS_SECONDS)", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default: from the time)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Worker threads (default 8)", "T" },
    { NULL }
  };

  env = g_getenv ("CANCEL_STRESS_OPS");
  if (env != NULL)
    opt_ops = g_ascii_strtoll (env, NULL, 10);
  env = g_getenv ("CANCEL_STRESS_SECONDS");
  if (env != NULL)
    opt_seconds = g_ascii_strtod (env, NULL);

  context = g_option_context_new ("- stress libcancelable from many threads");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "stress: %s\n", error->message);
      return FALSE;
    }
  if (opt_threads < 1 || opt_threads > 256 || opt_ops < 0 || !(opt_seconds > 0) ||
      seed > (gint64) G_MAXUINT32)
    {
      fprintf (stderr, "stress: invalid option value\n");
      return FALSE;
    }

  if (seed < 0)
    opt_seed = (guint32) (g_get_real_time () ^ (g_get_monotonic_time () << 16) ^ getpid ());
  else
    opt_seed = (guint32) seed;

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CancelScope) sentinel = NULL;
  g_autoptr(CancelSource) sentinel_source = NULL;
  g_autoptr(GError) error = NULL;
  GThread *watchdog;
  Worker *workers;
  GSource *wake;
  gint64 n_criticals = 0;
  gint64 n_checks;
  double seconds;
  int usr[] = { SIGUSR1, SIGUSR2 };
  GRand *main_rand;

  if (!parse_args (&argc, &argv))
    return 2;

  /* Criticals are counted and judged, not fatal (G_DEBUG may say so). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (stress_log_writer, NULL, NULL);

  fprintf (stdout, "stress: seed %u, %d threads, up to %" G_GINT64_FORMAT " operations or %g s\n",
           opt_seed, opt_threads, opt_ops, opt_seconds);
  fflush (stdout);

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    ops_total_weight += ops[i].weight;
  for (guint i = 0; i < N_SCOPE_SLOTS; i++)
    pthread_mutex_init (&scope_slots[i].lock, NULL);
  for (guint i = 0; i < N_SOURCE_SLOTS; i++)
    pthread_mutex_init (&source_slots[i].lock, NULL);
  for (guint i = 0; i < N_PLAIN_SLOTS; i++)
    pthread_mutex_init (&plain_slots[i].lock, NULL);
  recs = g_ptr_array_new ();
  conds = g_ptr_array_new ();
  rec_quark = g_quark_from_static_string ("stress-rec");
  main_thread = g_thread_self ();
  {
    guint32 seeds[2] = { opt_seed, G_MAXUINT32 };

    main_rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
  }

  /* The registry is made where the main thread's thread-default context
   * is its own; popped again, so that between two iterations nobody owns
   * that context and any thread could acquire it (pushing would hold it
   * for good). */
  registry_context = g_main_context_new ();
  g_main_context_push_thread_default (registry_context);
  registry = cancel_registry_new ();
  g_main_context_pop_thread_default (registry_context);
  CHECK (cancel_registry_get_context (registry) == registry_context, "registry on the wrong context");
  set_history_limit (200);
  shadow_init (&live_shadow, G_LIST_MODEL (registry), SHADOW_LIVE, NULL);
  shadow_init (&history_shadow, cancel_registry_get_history (registry), SHADOW_HISTORY, NULL);

  /* Raising SIGUSR1/2 must never meet the default action (death): one
   * watch of each stays armed for the whole run. */
  sentinel = cancel_scope_new_full (NULL, "Signal sentinel", CANCEL_SCOPE_FLAGS_NONE);
  cancel_scope_set_registry (sentinel, NULL);
  sentinel_source = cancel_source_new_unix_signals (usr, G_N_ELEMENTS (usr), &error);
  CHECK (sentinel_source != NULL && cancel_scope_add_source (sentinel, sentinel_source),
         "signal sentinel: %s", error != NULL ? error->message : "");

  watchdog = g_thread_new ("stress-watchdog", watchdog_main, NULL);

  start_time = g_get_monotonic_time ();
  workers = g_new0 (Worker, opt_threads);
  g_atomic_int_set (&n_running, opt_threads);
  for (int i = 0; i < opt_threads; i++)
    {
      guint32 seeds[2] = { opt_seed, (guint32) i };

      workers[i].index = (guint) i;
      workers[i].rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
      /* Odd threads own a context of their own and iterate it; the
       * others' scopes belong to the global default context, which the
       * main thread iterates. */
      workers[i].context = (i % 2 == 1) ? g_main_context_new () : NULL;
    }
  for (int i = 0; i < opt_threads; i++)
    workers[i].thread = g_thread_new ("stress-worker", worker_main, &workers[i]);

  /* The main thread waits on the global default context and runs the
   * registry's between two waits: most of the time nobody owns the
   * registry's context, and any thread could acquire it. */
  wake = g_timeout_source_new (1);
  g_source_set_callback (wake, wake_up_cb, NULL, NULL);
  g_source_attach (wake, g_main_context_default ());
  while (g_atomic_int_get (&n_running) > 0)
    {
      g_main_context_iteration (g_main_context_default (), TRUE);
      for (guint i = 0; i < 64 && g_main_context_iteration (registry_context, FALSE); i++)
        ;
      if (g_rand_int_range (main_rand, 0, 16) == 0)
        watch_children (main_rand);
      /* No tick: the watchdog watches the workers' progress. */
    }
  g_source_destroy (wake);
  g_source_unref (wake);

  g_atomic_pointer_set (&phase, "joining");
  for (int i = 0; i < opt_threads; i++)
    g_thread_join (workers[i].thread);
  seconds = (double) (g_get_monotonic_time () - start_time) / G_USEC_PER_SEC;

  /* Quiet: every notification delivered, every publish done. */
  g_atomic_pointer_set (&phase, "draining");
  CHECK (drain_until (workers, quiet), "contexts never became quiet");

  g_atomic_pointer_set (&phase, "cleaning up");
  final_cleanup (workers);
  g_clear_object (&sentinel);
  CHECK (drain_until (workers, live_model_empty),
         "the live model still lists %u scopes after every scope ended",
         g_list_model_get_n_items (G_LIST_MODEL (registry)));
  CHECK (drain_until (workers, quiet), "contexts never became quiet");

  g_atomic_pointer_set (&phase, "checking");
  final_checks (workers);
  for (guint i = 0; i < N_CHILDREN_SHADOWS; i++)
    {
      Shadow *shadow = &children_shadows[i];

      if (shadow->model == NULL)
        continue;
      CHECK (shadow->items->len == 0 && g_list_model_get_n_items (shadow->model) == 0,
             "children model of scope %" G_GUINT64_FORMAT " lists %u scopes once all ended",
             cancel_scope_get_id (shadow->parent), g_list_model_get_n_items (shadow->model));
      n_children_emissions += shadow->n_emissions;
      shadow_clear (shadow);
    }

  /* Without the registry and its history, nothing holds a scope. */
  g_atomic_pointer_set (&phase, "finalizing");
  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  {
    CancelRegistry *weak = registry;
    GListModel *weak_history = cancel_registry_get_history (registry);

    g_object_add_weak_pointer (G_OBJECT (registry), (gpointer *) &weak);
    g_object_add_weak_pointer (G_OBJECT (weak_history), (gpointer *) &weak_history);
    g_clear_object (&registry);
    drain_until (workers, quiet);
    if (weak != NULL)
      {
        describe_alive ();
        fail ("the registry was not finalized once dropped (scopes set to it hold it)");
      }
    CHECK (weak_history == NULL, "the registry's history model was not finalized with it");
  }
  if (!drain_until (workers, all_finalized))
    {
      describe_alive ();
      fail ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " scopes never finalized",
            atomic_get64 (&n_scopes_created) - atomic_get64 (&n_scopes_finalized),
            atomic_get64 (&n_scopes_created));
    }
  g_clear_object (&sentinel_source);
  CHECK (atomic_get64 (&n_conds_destroyed) == (gint64) conds->len,
         "%u conditions made, %" G_GINT64_FORMAT " destroyed", conds->len,
         atomic_get64 (&n_conds_destroyed));

  {
    g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (cancel_registry_get_default ());

    CHECK (cancel_registry_stats_get_total_started (stats) == 0, "%" G_GUINT64_FORMAT " scopes went to the default registry",
           cancel_registry_stats_get_total_started (stats));
  }

  pthread_mutex_lock (&watchdog_lock);
  watchdog_quit = TRUE;
  pthread_cond_signal (&watchdog_cond);
  pthread_mutex_unlock (&watchdog_lock);
  g_thread_join (watchdog);

  flush_checks ();
  n_checks = atomic_get64 (&total_checks);
  for (int k = 0; k < N_KINDS; k++)
    n_criticals += kind_counts[k];

  fprintf (stdout, "stress: %" G_GINT64_FORMAT " scopes, %u conditions, %" G_GINT64_FORMAT
           " chains, %" G_GINT64_FORMAT " cancelled by cancel_all, %" G_GINT64_FORMAT
           " re-entrant ::cancelled handlers; items-changed: %u live, %u history, %u children\n",
           atomic_get64 (&n_scopes_created), conds->len, atomic_get64 (&n_chains),
           atomic_get64 (&n_cancel_all), atomic_get64 (&n_reentrant), live_shadow.n_emissions,
           history_shadow.n_emissions, n_children_emissions);
  fprintf (stdout, "stress: duels:");
  for (int k = 0; k < N_DUEL_KINDS; k++)
    fprintf (stdout, " %s %" G_GINT64_FORMAT, duel_names[k], n_duels[k]);
  fprintf (stdout, " (%" G_GINT64_FORMAT " without a partner)\n", n_solo_duels);
  fprintf (stdout, "stress: criticals:");
  for (int k = 0; k < N_KINDS; k++)
    fprintf (stdout, " %s %" G_GINT64_FORMAT, kind_names[k], kind_counts[k]);
  fprintf (stdout, "\n");
  fprintf (stdout, "stress: seed %u, %d threads, %" G_GINT64_FORMAT " operations in %.1f s, %"
           G_GINT64_FORMAT " invariant checks, %" G_GINT64_FORMAT " expected criticals\n",
           opt_seed, opt_threads, MIN (atomic_get64 (&ops_done), opt_ops), seconds, n_checks,
           n_criticals);

  for (int i = 0; i < opt_threads; i++)
    {
      g_rand_free (workers[i].rand);
      g_clear_pointer (&workers[i].context, g_main_context_unref);
    }
  g_free (workers);
  g_rand_free (main_rand);
  for (guint i = 0; i < recs->len; i++)
    {
      Rec *rec = g_ptr_array_index (recs, i);

      g_weak_ref_clear (&rec->weak);
      g_weak_ref_clear (&rec->buddy);
      g_free (rec);
    }
  g_ptr_array_unref (recs);
  g_ptr_array_set_free_func (conds, g_free);
  g_ptr_array_unref (conds);
  g_main_context_unref (registry_context);

  return 0;
}
