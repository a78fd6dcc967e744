/* fuzz-api.c: a libFuzzer target that drives the whole public API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One long file on purpose: the input format, the op table, the decoder
 * and the invariants checked after every op are read together to write
 * or understand a reproducer, and libFuzzer wants one target.
 *
 * The input is a script: a sequence of operations on a small pool of
 * objects, read byte by byte from a cursor. Running out of bytes in the
 * middle of an operation ends the script without running it. Every byte
 * value is valid everywhere (values are reduced modulo the table size), so
 * any file is a script and a script can be written by hand; the assembler
 * tests/fuzz/gen-seeds.py writes the seed corpus from op names.
 *
 * Pools (a slot may be empty: NULL is then passed to the library, which
 * must refuse it with a critical):
 *   S  8 scope slots         any byte: slot = byte % 8
 *   R  8 source slots        any byte: slot = byte % 8
 *   C  4 plain GCancellables any byte: slot = byte % 4
 *   and one private registry (cancel_registry_new(), made per input).
 *
 * Argument encodings (one byte each unless noted):
 *   S, R, C     slot as above
 *   S?          optional scope: byte & 8 ? NULL : scope slot byte % 8
 *   R?          optional source, same rule
 *   NAME        names[byte % 8]: NULL, "", "op", "Op 1", UTF-8, "%s%n",
 *               invalid UTF-8 (truncated sequence), 200 characters
 *   TIME        seconds: 0xff then 8 raw bytes (little-endian double), or
 *               times[byte % 16]: 1e-3 2e-3 1e-4 1e-6 1e-9 0 -1 NaN +inf
 *               -inf 60 3153600000 (100 years) 3.2e9 DBL_MAX 4.9e-324 5e-3
 *   DEADLINE    µs: 0xff then 8 raw bytes (little-endian gint64), or
 *               deadlines[byte % 16], "now" being g_get_monotonic_time():
 *               now+1ms now+2ms now now-1 1 0 -1 G_MININT64 G_MAXINT64
 *               G_MAXINT64-1 now+60s now+100y now+200y G_MAXINT64/2
 *               now+100µs now+5ms
 *   FRACTION    0xff then 8 raw bytes, or fractions[byte % 16]: 0 1 0.5 -1
 *               -0.5 1.5 NaN +inf -inf -0 1e-300 1+ε DBL_MAX 0.25 0.75 -1e-300
 *   REASON      byte % 8 (0 is NONE and 7 out of range: both refused)
 *   STATUS      byte % 8 (7 out of range)
 *   BOOL        byte & 1
 *   ERROR       byte % 4: NULL, G_IO_ERROR_FAILED, G_IO_ERROR_CANCELLED,
 *               CANCEL_ERROR_NO_DEADLINE
 *   SIGSET      sigsets[byte % 16]: {USR1} {USR2} {USR1,USR2} {HUP} {WINCH}
 *               {} (the defaults, INT and TERM) NULL,0 {KILL} {0} {999} {-1}
 *               {USR1,KILL} {INT} {TERM} {USR1,USR1,USR2} {STOP,USR1}
 *   ID          byte & 8 ? ids[byte % 4] (0, G_MAXUINT64, 1, last id + 1)
 *                        : the id of scope slot byte % 8 (0 if empty)
 *
 *   LIMIT       limits[byte % 6]: 0 1 2 5 (set through the property) 1000
 *               G_MAXUINT
 *
 * Operations: opcode = byte % N_OPS (the index in `op_names`, which
 * gen-seeds.py reads), then its arguments. FUZZ_TRACE=1 prints each
 * decoded call on stderr.
 *   new S S?(parent) NAME FLAGS  kind FLAGS % 4: new_with_parent, new_shielded,
 *                             new (the current scope is the parent), g_object_new;
 *                             FLAGS & 4: registry NULL, else the private one;
 *                             FLAGS & 8: shielded (g_object_new)
 *   drop S | begin S | end S ERROR | complete S | cancel S REASON NAME
 *   gcancel S | reset S       g_cancellable_cancel() / _reset() on the scope
 *   set_timeout S TIME | set_deadline S DEADLINE | postpone S TIME
 *   set_parent S S? | set_shielded S BOOL | progress S FRACTION NAME
 *   query S                   every getter, set_error_if_cancelled
 *   children S INDEX S        the children model; item INDEX into the slot
 *   watch S MASK              1 notify, 2 started, 4 finished, 8 progress,
 *                             16 notify::status, 32 notify::deadline,
 *                             64 a blocked notify, 128 disconnect notify
 *   on_cancelled S ACTION T   a ::cancelled handler (any thread) that does
 *                             ACTION % 8: nothing, end self, cancel T,
 *                             g_cancellable_cancel T, set_deadline now,
 *                             progress, read, disconnect itself;
 *                             T: byte & 8 ? C : S (held weakly)
 *   push S | enter S          cancel_scope_push_current / cancel_scope_enter
 *   pop S? | exit S?          NULL: undo the innermost push / enter if it is
 *                             one; a scope: pop it unless innermost (refused)
 *   set_registry S BOOL       BOOL: NULL, else the private registry
 *   prop S WHICH ARG          WHICH % 4: set "parent" S?(ARG), set
 *                             "shielded", set "registry", get property ARG % 17
 *   dup_parent S S            the parent into the second slot
 *   src_timeout R TIME | src_signals R SIGSET | src_query R | src_drop R
 *   src_link R U BOOL         upstream U: byte & 8 ? C : S; BOOL preserve
 *   src_condition R KIND TIME KIND % 4: TRUE, FALSE, cond_flag, TRUE after
 *                             1 + (KIND >> 2) % 8 polls; TIME the interval
 *   src_any R N R?... | src_all R N R?...  N % 5 members (N = 0 with
 *                             N & 8: a NULL array)
 *   add_source S R | remove_source S R
 *   canc_new C | canc_cancel C | canc_reset C | canc_drop C
 *   reg_lookup ID S           the scope found into the slot
 *   reg_find_status STATUS | reg_find_parent S? | reg_find_name NAME
 *   reg_cancel ID REASON NAME | reg_cancel_all REASON NAME
 *   reg_cancel_status STATUS REASON NAME
 *   reg_stats | reg_clear | reg_limit LIMIT | reg_models INDEX
 *   reg_renew                 a new private registry for scopes made later
 *   iterate N                 1 + N % 8 non-blocking iterations
 *   wait W                    100 µs, 500 µs, 1 ms, 3 ms (W % 4), iterating;
 *                             at most 20 ms per input
 *   raise B                   SIGUSR2 if B & 1, else SIGUSR1, only while a
 *                             source added to a held, running scope that no
 *                             other thread may end watches it
 *   cond_flag BOOL            what the cond_flag conditions return
 *   thread SUB | race SUB SUB one operation on a helper thread, or two on
 *                             two helper threads released together; SUB is
 *                             KIND S then, by KIND % 16: cancel REASON,
 *                             gcancel, set_deadline DEADLINE, set_timeout
 *                             TIME, postpone TIME, set_parent S?,
 *                             get_deadline, set_shielded BOOL, progress
 *                             FRACTION, begin, end, add_source R,
 *                             remove_source R, cancel_all REASON, reset, query
 *   check                     every invariant on every slot
 *   context BOOL              1: push another private context (at most two);
 *                             0: pop the innermost and drop it, never iterated
 *   task S MODE               cancel_scope_run_in_thread_async; the thread
 *                             (MODE % 4): returns, fails, cancels then
 *                             returns, or is run with RETURN_ON_CANCEL and
 *                             returns; MODE & 4: with a callback
 *   action S B                cancel_scope_create_action named "cancel",
 *                             "bad name!", NULL or "op.cancel-1" (B % 4),
 *                             activated if B & 4, kept in slot (B >> 3) % 4
 *
 * Each input runs with a private GMainContext pushed as thread-default, so
 * the scopes' notifications and the registry's publications go there. At
 * the end, every scope still alive (tracked by weak references, whether or
 * not a slot holds it) is cancelled if it was not (which disarms its
 * timer) and ended if it runs, every reference is dropped and the context
 * is iterated until every scope and registry of the input is finalized and
 * no timer of the library is pending; then it is popped and unreferenced.
 * Something still alive after 2 s of that is reported as a leak. The
 * `context` operation pushes up to two more private contexts on top, which
 * are popped and dropped without ever being iterated: what scopes made
 * there queued must not keep them alive.
 *
 * Criticals and warnings are counted, not fatal: g_log_set_always_fatal()
 * keeps only errors fatal and a log writer counts and drops the rest
 * (FUZZ_VERBOSE=1 prints them). A critical of domain "Cancel" must be a
 * refused precondition ("assertion '...' failed"), and a warning of that
 * domain the report of an unregistered scope dropped while running (an
 * input drops what a slot held); any other critical or
 * warning (the registry's internal consistency checks, GLib criticals
 * caused by the library) is a finding, unless FUZZ_LAX=1.
 *
 * Invariants checked after each operation on the scope it touched (and on
 * all at `check` and at the end): a final status never changes, nor do the
 * reason, origin, message, end time and error recorded with it; a scope
 * that has not ended is cancelled exactly when it has a reason; statuses,
 * reasons and errors agree; progress is -1 or within 0..1; the effective
 * deadline is no later than the own one; the registry's counts are
 * consistent and its history stays within its limit.
 *
 * FUZZ_AVOID (comma-separated) skips calls that hit known defects while
 * they are being fixed, so fuzzing can go on:
 *   postpone-overflow  postpone of a deadline it would overflow
 *   reset              g_cancellable_reset() of a scope (a timer may be
 *                      cancelling it in another thread)
 *   cancel-ended       any cancellation of a scope that ended
 *   race-parent        set_parent in the two-thread `race` operation
 *   final-check        the "final state never changes" invariant
 *   reset-check        the "cancelled exactly when it has a reason" invariant
 *   registry-context   reg_renew while a `context` is pushed (a registry
 *                      holds its context, so a scope that holds the
 *                      registry and is queued there leaks with it)
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cancelable.h>

#include "cancel-scope-private.h"
#include "cancel-worker-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_SCOPES 8
#define N_SOURCES 8
#define N_CANCELLABLES 4
#define MAX_CREATED 64          /* scopes, sources and registries per input */
#define MAX_THREAD_OPS 8        /* thread and race operations per input */
#define MAX_WAIT_US 20000       /* total time `wait` may sleep per input */
#define TEARDOWN_GUARD_US (2 * G_USEC_PER_SEC)
#define CHECK_RETRY_US G_USEC_PER_SEC  /* how long a racy invariant may take to settle:
                                         * a loaded machine deschedules threads for long */

/* ------------------------------------------------------------------ */
/* Process-wide state                                                  */

static gboolean verbose;
static gboolean trace;
static gboolean lax;
static gboolean avoid_postpone_overflow;
static gboolean avoid_reset;
static gboolean avoid_cancel_ended;
static gboolean avoid_race_parent;
static gboolean avoid_final_check;
static gboolean avoid_reset_check;
static gboolean avoid_registry_context;

static gint n_criticals_cancel;   /* refused preconditions, domain Cancel */
static gint n_criticals_other;    /* counted under FUZZ_LAX */
static gint n_dropped_running;    /* warnings: a running scope was dropped */
static gint n_warnings;
static gint n_handler_calls;
static guint n_inputs;

static GQuark shadow_quark;
static GQuark tracker_quark;

/* Objects made by the current input and not finalized yet. A weak
 * reference is cleared before dispose, finalize runs after: the context is
 * dropped only once finalize ran everywhere, in whichever thread. */
static gint live_objects;

/* Read by condition functions on the worker thread. */
static gint condition_flag;

guint fuzz_api_get_counts (guint *criticals, guint *other);

guint
fuzz_api_get_counts (guint *criticals,
                     guint *other)
{
  *criticals = (guint) g_atomic_int_get (&n_criticals_cancel);
  *other = (guint) (g_atomic_int_get (&n_criticals_other) + g_atomic_int_get (&n_warnings));
  return n_inputs;
}

static void fuzz_fail (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fuzz_fail (const char *format,
           ...)
{
  va_list args;

  fprintf (stderr, "fuzz-api: FAILURE: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\n");
  fflush (stderr);
  abort ();
}

static const char *
field_value (const GLogField *fields,
             gsize            n_fields,
             const char      *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, key) && fields[i].length < 0)
      return fields[i].value;
  return NULL;
}

static GLogWriterOutput
count_writer (GLogLevelFlags   log_level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  const char *domain;
  const char *message;

  if (log_level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
    return G_LOG_WRITER_HANDLED;  /* the library's debug log: formatted, dropped */

  if (log_level & G_LOG_LEVEL_ERROR)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  domain = field_value (fields, n_fields, "GLIB_DOMAIN");
  message = field_value (fields, n_fields, "MESSAGE");

  if (verbose)
    fprintf (stderr, "fuzz-api: %s-%s: %s\n", domain ? domain : "(none)",
             (log_level & G_LOG_LEVEL_CRITICAL) ? "CRITICAL" : "WARNING",
             message ? message : "(no message)");

  if ((log_level & G_LOG_LEVEL_CRITICAL) && g_strcmp0 (domain, "Cancel") == 0 &&
      message != NULL && strstr (message, ": assertion '") != NULL)
    {
      g_atomic_int_inc (&n_criticals_cancel);
      return G_LOG_WRITER_HANDLED;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Cancel") == 0 &&
      message != NULL && strstr (message, " was freed while running: ") != NULL)
    {
      g_atomic_int_inc (&n_dropped_running);
      return G_LOG_WRITER_HANDLED;
    }

  if (!lax)
    fuzz_fail ("unexpected %s from domain %s: %s",
               (log_level & G_LOG_LEVEL_CRITICAL) ? "critical" : "warning",
               domain ? domain : "(none)", message ? message : "(no message)");

  if (log_level & G_LOG_LEVEL_CRITICAL)
    g_atomic_int_inc (&n_criticals_other);
  else
    g_atomic_int_inc (&n_warnings);

  return G_LOG_WRITER_HANDLED;
}

static void helpers_start (void);

static void
fuzz_init (void)
{
  static gsize initialized;

  if (!g_once_init_enter (&initialized))
    return;

  {
    const char *avoid = g_getenv ("FUZZ_AVOID");
    g_auto(GStrv) tokens = g_strsplit (avoid != NULL ? avoid : "", ",", -1);

    for (guint i = 0; tokens[i] != NULL; i++)
      {
        const char *t = g_strstrip (tokens[i]);

        if (g_str_equal (t, "postpone-overflow"))
          avoid_postpone_overflow = TRUE;
        else if (g_str_equal (t, "reset"))
          avoid_reset = TRUE;
        else if (g_str_equal (t, "cancel-ended"))
          avoid_cancel_ended = TRUE;
        else if (g_str_equal (t, "race-parent"))
          avoid_race_parent = TRUE;
        else if (g_str_equal (t, "final-check"))
          avoid_final_check = TRUE;
        else if (g_str_equal (t, "reset-check"))
          avoid_reset_check = TRUE;
        else if (g_str_equal (t, "registry-context"))
          avoid_registry_context = TRUE;
        else if (t[0] != '\0')
          fprintf (stderr, "fuzz-api: unknown FUZZ_AVOID token “%s”\n", t);
      }
  }

  verbose = g_strcmp0 (g_getenv ("FUZZ_VERBOSE"), "1") == 0;
  trace = g_strcmp0 (g_getenv ("FUZZ_TRACE"), "1") == 0;
  lax = g_strcmp0 (g_getenv ("FUZZ_LAX"), "1") == 0;

  /* The library's debug log formats its messages only when enabled: run
   * that code too (the writer drops the messages). */
  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "Cancel", TRUE);

  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (count_writer, NULL, NULL);

  shadow_quark = g_quark_from_static_string ("fuzz-api-shadow");
  tracker_quark = g_quark_from_static_string ("fuzz-api-tracker");
  helpers_start ();

  g_once_init_leave (&initialized, 1);
}

/* ------------------------------------------------------------------ */
/* The cursor                                                          */

typedef struct
{
  const guint8 *data;
  size_t        size;
  size_t        pos;
  gboolean      eof;
} Cursor;

static guint8
u8 (Cursor *c)
{
  if (c->pos >= c->size)
    {
      c->eof = TRUE;
      return 0;
    }
  return c->data[c->pos++];
}

static guint64
u64 (Cursor *c)
{
  guint64 v = 0;

  for (int i = 0; i < 8; i++)
    v |= (guint64) u8 (c) << (8 * i);
  return v;
}

static const char *const names[8] = {
  NULL,
  "",
  "op",
  "Op 1",
  "Größe ändern",
  "%s%n%x",
  "bad \xc3\x28 utf8 \xf0",
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

static const char *
arg_name (Cursor *c)
{
  return names[u8 (c) % G_N_ELEMENTS (names)];
}

static double
arg_time (Cursor *c)
{
  static const double times[16] = {
    1e-3, 2e-3, 1e-4, 1e-6, 1e-9, 0.0, -1.0, NAN,
    INFINITY, -INFINITY, 60.0, 3153600000.0, 3.2e9, DBL_MAX, 4.9e-324, 5e-3,
  };
  guint8 b = u8 (c);

  if (b == 0xff)
    {
      guint64 bits = u64 (c);
      double v;

      memcpy (&v, &bits, sizeof v);
      return v;
    }
  return times[b % G_N_ELEMENTS (times)];
}

static gint64
arg_deadline (Cursor *c)
{
  gint64 now = g_get_monotonic_time ();
  const gint64 year = (gint64) 365 * 24 * 3600 * G_USEC_PER_SEC;
  guint8 b = u8 (c);

  if (b == 0xff)
    return (gint64) u64 (c);

  switch (b % 16)
    {
    case 0: return now + 1000;
    case 1: return now + 2000;
    case 2: return now;
    case 3: return now - 1;
    case 4: return 1;
    case 5: return 0;
    case 6: return -1;
    case 7: return G_MININT64;
    case 8: return G_MAXINT64;
    case 9: return G_MAXINT64 - 1;
    case 10: return now + 60 * G_USEC_PER_SEC;
    case 11: return now + 100 * year;
    case 12: return now + 200 * year;
    case 13: return G_MAXINT64 / 2;
    case 14: return now + 100;
    default: return now + 5000;
    }
}

static double
arg_fraction (Cursor *c)
{
  static const double fractions[16] = {
    0.0, 1.0, 0.5, -1.0, -0.5, 1.5, NAN, INFINITY,
    -INFINITY, -0.0, 1e-300, 1.0000000000000002, DBL_MAX, 0.25, 0.75, -1e-300,
  };
  guint8 b = u8 (c);

  if (b == 0xff)
    {
      guint64 bits = u64 (c);
      double v;

      memcpy (&v, &bits, sizeof v);
      return v;
    }
  return fractions[b % G_N_ELEMENTS (fractions)];
}

typedef struct
{
  int    signals[3];
  gsize  n;
  gboolean null_array;
} SigSet;

static const SigSet sigsets[16] = {
  { { SIGUSR1 }, 1, FALSE },
  { { SIGUSR2 }, 1, FALSE },
  { { SIGUSR1, SIGUSR2 }, 2, FALSE },
  { { SIGHUP }, 1, FALSE },
  { { SIGWINCH }, 1, FALSE },
  { { 0 }, 0, FALSE },              /* empty list: the defaults, SIGINT and SIGTERM */
  { { 0 }, 0, TRUE },               /* NULL, 0: the defaults */
  { { SIGKILL }, 1, FALSE },
  { { 0 }, 1, FALSE },
  { { 999 }, 1, FALSE },
  { { -1 }, 1, FALSE },
  { { SIGUSR1, SIGKILL }, 2, FALSE },
  { { SIGINT }, 1, FALSE },
  { { SIGTERM }, 1, FALSE },
  { { SIGUSR1, SIGUSR1, SIGUSR2 }, 3, FALSE },
  { { SIGSTOP, SIGUSR1 }, 2, FALSE },
};

/* ------------------------------------------------------------------ */
/* Per-scope shadow: what the invariants compare with                  */

typedef struct
{
  CancelSource *source;  /* identity only */
  guint         sigmask; /* 1: SIGUSR1, 2: SIGUSR2 */
} SigSource;

typedef struct
{
  gboolean     final_seen;
  CancelStatus status;
  CancelReason reason;
  CancelReason origin;
  char        *message;
  gint64       end_time;
  gint64       cancel_time;
  GQuark       error_domain;
  int          error_code;
  gboolean     has_error;

  /* A ::cancelled handler of this scope may end it in any thread, or a
   * run_in_thread_async() worker does when its function returns. */
  gboolean     may_end_elsewhere;
  GArray      *sig_sources;  /* of SigSource: signal sources added directly */
} Shadow;

static void
shadow_free (gpointer data)
{
  Shadow *shadow = data;

  g_free (shadow->message);
  g_array_unref (shadow->sig_sources);
  g_free (shadow);
}

static Shadow *
shadow_get (CancelScope *scope)
{
  Shadow *shadow = g_object_get_qdata (G_OBJECT (scope), shadow_quark);

  if (shadow == NULL)
    {
      shadow = g_new0 (Shadow, 1);
      shadow->sig_sources = g_array_new (FALSE, FALSE, sizeof (SigSource));
      g_object_set_qdata_full (G_OBJECT (scope), shadow_quark, shadow, shadow_free);
    }
  return shadow;
}

/* ------------------------------------------------------------------ */
/* The state of one input                                              */

typedef enum
{
  SRC_OTHER,
  SRC_SIGNALS,
} SourceKindTag;

typedef struct
{
  GMainContext   *context;
  /* More private contexts pushed on top of it by `context`, innermost
   * last; popped and dropped without being iterated. */
  GPtrArray      *nested_contexts;
  CancelRegistry *registry;
  GMainContext   *registry_context;  /* thread-default when it was made */
  CancelScope    *scopes[N_SCOPES];
  CancelSource   *sources[N_SOURCES];
  guint           source_sigmask[N_SOURCES];  /* of the source in the slot */
  GCancellable   *cancellables[N_CANCELLABLES];
  GAction        *actions[4];  /* cancel_scope_create_action() */

  /* Everything made by this input, weakly: the leak check. */
  GPtrArray      *weak_scopes;      /* GWeakRef * */
  GPtrArray      *weak_others;      /* GWeakRef *: sources, registries, cancellables */
  guint           n_created;

  /* The calling thread's stack of current scopes as the harness made it,
   * innermost last: a strong reference per entry (the library's stack
   * holds none), and whether it came from cancel_scope_enter(). */
  GPtrArray      *stack;
  GArray         *stack_is_guard;  /* gboolean */

  guint           n_thread_ops;
  gint64          waited_us;
  guint           timers_at_start;
} State;

static void
tracker_finalized (gpointer data)
{
  g_atomic_int_add (&live_objects, -1);
}

/* A weak reference for the leak check, and a count until finalized. */
static GWeakRef *
weak_new (gpointer object)
{
  GWeakRef *ref = g_new (GWeakRef, 1);

  if (g_object_get_qdata (object, tracker_quark) == NULL)
    {
      g_atomic_int_inc (&live_objects);
      g_object_set_qdata_full (object, tracker_quark, GINT_TO_POINTER (1), tracker_finalized);
    }
  g_weak_ref_init (ref, object);
  return ref;
}

static void
weak_free (gpointer data)
{
  GWeakRef *ref = data;

  g_weak_ref_clear (ref);
  g_free (ref);
}

static gboolean
can_create (State *st)
{
  if (st->n_created >= MAX_CREATED)
    return FALSE;
  st->n_created++;
  return TRUE;
}

static CancelScope *
scope_at (State *st,
          guint8 b)
{
  return st->scopes[b % N_SCOPES];
}

static CancelScope *
opt_scope_at (State *st,
              guint8 b)
{
  return (b & 8) ? NULL : st->scopes[b % N_SCOPES];
}

static void
set_scope (State       *st,
           guint        slot,
           CancelScope *scope)  /* transfer full */
{
  CancelScope *old = st->scopes[slot];

  st->scopes[slot] = scope;
  g_clear_object (&old);
}

static void
set_source (State        *st,
            guint         slot,
            CancelSource *source,  /* transfer full */
            guint         sigmask)
{
  CancelSource *old = st->sources[slot];

  st->sources[slot] = source;
  st->source_sigmask[slot] = source != NULL ? sigmask : 0;
  if (source != NULL)
    g_ptr_array_add (st->weak_others, weak_new (source));
  g_clear_object (&old);
}

#define TRACE(...) G_STMT_START { if (trace) fprintf (stderr, __VA_ARGS__); } G_STMT_END

static const char *
time_str (double v,
          char   buf[64])
{
  g_snprintf (buf, 64, "%.17g", v);
  return buf;
}

/* ------------------------------------------------------------------ */
/* Invariants                                                          */

static gboolean
status_is_final (CancelStatus status)
{
  return status >= CANCEL_STATUS_COMPLETED;
}

static void
check_scope (CancelScope *scope,
             const char  *where)
{
  Shadow *shadow;
  CancelStatus status;
  CancelReason reason, origin;
  const char *message;
  double progress;
  gint64 own, effective, remaining;
  g_autoptr(GError) error = NULL;

  if (scope == NULL)
    return;

  shadow = shadow_get (scope);

  /* The worker thread may cancel the scope meanwhile: each implication is
   * read in the order that a cancellation in between cannot break (a
   * message or an origin implies a reason recorded before them, a reason
   * implies both). */
  {
    const char *message_before = cancel_scope_get_message (scope);
    CancelReason origin_before = cancel_scope_get_origin_reason (scope);

    reason = cancel_scope_get_reason (scope);
    origin = cancel_scope_get_origin_reason (scope);
    message = cancel_scope_get_message (scope);
    if ((message_before != NULL || origin_before != CANCEL_REASON_NONE) && reason == CANCEL_REASON_NONE)
      fuzz_fail ("%s: scope %p has message %s and origin %s but no reason", where, scope,
                 message_before ? message_before : "(null)", cancel_reason_to_string (origin_before));
    if (reason != CANCEL_REASON_NONE && (origin == CANCEL_REASON_NONE || message == NULL))
      fuzz_fail ("%s: scope %p has reason %s but origin %s and message %s", where, scope,
                 cancel_reason_to_string (reason), cancel_reason_to_string (origin),
                 message ? message : "(null)");
  }
  /* Read after the reason: a final status is not changed by a cancel. */
  status = cancel_scope_get_status (scope);
  if (status_is_final (status))
    {
      reason = cancel_scope_get_reason (scope);
      origin = cancel_scope_get_origin_reason (scope);
      message = cancel_scope_get_message (scope);
    }

  if ((guint) status >= CANCEL_N_STATUSES)
    fuzz_fail ("%s: scope %p has status %d", where, scope, status);
  if ((guint) reason > CANCEL_REASON_DISCONNECTED || (guint) origin > CANCEL_REASON_DISCONNECTED)
    fuzz_fail ("%s: scope %p has reason %d, origin %d", where, scope, reason, origin);

  progress = cancel_scope_get_progress (scope);
  if (!(progress == -1 || (progress >= 0 && progress <= 1)))
    fuzz_fail ("%s: scope %p has progress %g", where, scope, progress);

  /* Other threads may change them meanwhile (an ancestor that only its
   * timer held is disposed on a firing thread, a ::cancelled handler sets
   * a deadline): a disagreement must last. */
  for (gint64 guard = g_get_monotonic_time () + CHECK_RETRY_US;;)
    {
      gboolean ok;

      own = cancel_scope_get_own_deadline (scope);
      effective = cancel_scope_get_deadline (scope);
      remaining = cancel_scope_get_remaining (scope);
      ok = (own == CANCEL_NO_DEADLINE || (effective != CANCEL_NO_DEADLINE && effective <= own)) &&
           remaining >= CANCEL_NO_DEADLINE &&
           (effective == CANCEL_NO_DEADLINE) == (remaining == CANCEL_NO_DEADLINE);
      if (ok)
        break;
      if (g_get_monotonic_time () > guard)
        fuzz_fail ("%s: scope %p has own deadline %" G_GINT64_FORMAT ", effective %" G_GINT64_FORMAT
                   ", remaining %" G_GINT64_FORMAT, where, scope, own, effective, remaining);
      g_usleep (100);
    }

  if (status_is_final (status))
    {
      error = cancel_scope_dup_error (scope);

      switch (status)
        {
        case CANCEL_STATUS_COMPLETED:
          if (reason != CANCEL_REASON_NONE && !shadow->final_seen)
            fuzz_fail ("%s: completed scope %p has reason %s", where, scope,
                       cancel_reason_to_string (reason));
          if (error != NULL)
            fuzz_fail ("%s: completed scope %p has an error", where, scope);
          break;
        case CANCEL_STATUS_CANCELLED:
          if (reason == CANCEL_REASON_NONE || reason == CANCEL_REASON_TIMEOUT ||
              !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            fuzz_fail ("%s: cancelled scope %p has reason %s, error %s", where, scope,
                       cancel_reason_to_string (reason), error ? error->message : "(none)");
          break;
        case CANCEL_STATUS_TIMED_OUT:
          if (reason != CANCEL_REASON_TIMEOUT ||
              !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            fuzz_fail ("%s: timed-out scope %p has reason %s, error %s", where, scope,
                       cancel_reason_to_string (reason), error ? error->message : "(none)");
          break;
        case CANCEL_STATUS_FAILED:
          if (reason != CANCEL_REASON_NONE && !shadow->final_seen)
            fuzz_fail ("%s: failed scope %p has reason %s", where, scope,
                       cancel_reason_to_string (reason));
          if (error == NULL)
            fuzz_fail ("%s: failed scope %p has no error", where, scope);
          break;
        case CANCEL_STATUS_PENDING:
        case CANCEL_STATUS_RUNNING:
        case CANCEL_STATUS_SHIELDED:
        default:
          g_assert_not_reached ();
        }

      if (cancel_scope_get_end_time (scope) <= 0)
        fuzz_fail ("%s: ended scope %p has no end time", where, scope);

      if (!shadow->final_seen)
        {
          shadow->final_seen = TRUE;
          shadow->status = status;
          shadow->reason = reason;
          shadow->origin = origin;
          shadow->message = g_strdup (message);
          shadow->end_time = cancel_scope_get_end_time (scope);
          shadow->cancel_time = cancel_scope_get_cancel_time (scope);
          shadow->has_error = error != NULL;
          shadow->error_domain = error ? error->domain : 0;
          shadow->error_code = error ? error->code : 0;
        }
      else if (!avoid_final_check &&
               (shadow->status != status || shadow->reason != reason || shadow->origin != origin ||
                g_strcmp0 (shadow->message, message) != 0 ||
                shadow->end_time != cancel_scope_get_end_time (scope) ||
                shadow->cancel_time != cancel_scope_get_cancel_time (scope) ||
                shadow->has_error != (error != NULL) ||
                (error != NULL && (shadow->error_domain != error->domain ||
                                   shadow->error_code != error->code))))
        fuzz_fail ("%s: ended scope %p changed: status %s -> %s, reason %s -> %s, "
                   "origin %s -> %s, message “%s” -> “%s”",
                   where, scope,
                   cancel_status_to_string (shadow->status), cancel_status_to_string (status),
                   cancel_reason_to_string (shadow->reason), cancel_reason_to_string (reason),
                   cancel_reason_to_string (shadow->origin), cancel_reason_to_string (origin),
                   shadow->message ? shadow->message : "(null)", message ? message : "(null)");
      return;
    }

  if (shadow->final_seen)
    fuzz_fail ("%s: scope %p was %s and is now %s", where, scope,
               cancel_status_to_string (shadow->status), cancel_status_to_string (status));

  if ((status == CANCEL_STATUS_SHIELDED) !=
      (cancel_scope_get_shielded (scope) && status != CANCEL_STATUS_PENDING))
    {
      /* Another thread (a ::cancelled handler run by the worker) may end
       * it meanwhile: only a live scope must agree. */
      status = cancel_scope_get_status (scope);
      if (!status_is_final (status) &&
          (status == CANCEL_STATUS_SHIELDED) !=
          (cancel_scope_get_shielded (scope) && status != CANCEL_STATUS_PENDING))
        fuzz_fail ("%s: scope %p is %s but shielded is %d", where, scope,
                   cancel_status_to_string (status), cancel_scope_get_shielded (scope));
    }

  /* Cancelled exactly when it has a reason. The worker thread records a
   * reason before it flips the flag: give it time to finish. */
  if (!avoid_reset_check)
    {
      gint64 guard = g_get_monotonic_time () + CHECK_RETRY_US;

      for (;;)
        {
          gboolean cancelled = g_cancellable_is_cancelled (G_CANCELLABLE (scope));
          gint64 cancel_time;

          reason = cancel_scope_get_reason (scope);
          cancel_time = cancel_scope_get_cancel_time (scope);
          status = cancel_scope_get_status (scope);
          if (status_is_final (status) ||
              (cancelled == (reason != CANCEL_REASON_NONE) && cancelled == (cancel_time != 0)))
            break;
          if (g_get_monotonic_time () > guard)
            fuzz_fail ("%s: scope %p (%s) is%s cancelled but has reason %s and cancel time %" G_GINT64_FORMAT,
                       where, scope, cancel_status_to_string (status), cancelled ? "" : " not",
                       cancel_reason_to_string (reason), cancel_time);
          g_usleep (100);
        }
    }
}

static void
check_registry (State *st)
{
  g_autoptr(CancelRegistryStats) stats = NULL;
  guint history = 0;
  guint live_count;
  guint limit;

  if (st->registry == NULL)
    return;

  stats = cancel_registry_get_stats (st->registry);
  limit = cancel_registry_get_history_limit (st->registry);

  for (guint i = 0; i < CANCEL_N_STATUSES; i++)
    {
      history += cancel_registry_stats_get_history (stats, i);
      if (i != CANCEL_STATUS_RUNNING && i != CANCEL_STATUS_SHIELDED && cancel_registry_stats_get_live (stats, i) != 0)
        fuzz_fail ("registry stats: %u live scopes with status %s", cancel_registry_stats_get_live (stats, i),
                   cancel_status_to_string (i));
      if (!status_is_final (i) && (cancel_registry_stats_get_history (stats, i) != 0 || cancel_registry_stats_get_finished (stats, i) != 0))
        fuzz_fail ("registry stats: finished scopes with status %s", cancel_status_to_string (i));
      if (cancel_registry_stats_get_history (stats, i) > cancel_registry_stats_get_finished (stats, i))
        fuzz_fail ("registry stats: %u in history with status %s, only %" G_GUINT64_FORMAT " finished",
                   cancel_registry_stats_get_history (stats, i), cancel_status_to_string (i), cancel_registry_stats_get_finished (stats, i));
    }
  if (history > limit)
    fuzz_fail ("registry stats: %u in history, limit %u", history, limit);
  if (cancel_registry_stats_get_total_finished (stats) > cancel_registry_stats_get_total_started (stats))
    fuzz_fail ("registry stats: %" G_GUINT64_FORMAT " finished of %" G_GUINT64_FORMAT " started",
               cancel_registry_stats_get_total_finished (stats), cancel_registry_stats_get_total_started (stats));
  if (cancel_registry_stats_get_total_started (stats) - cancel_registry_stats_get_total_finished (stats) !=
      cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING) + cancel_registry_stats_get_live (stats, CANCEL_STATUS_SHIELDED))
    fuzz_fail ("registry stats: %" G_GUINT64_FORMAT " started, %" G_GUINT64_FORMAT " finished, %u live",
               cancel_registry_stats_get_total_started (stats), cancel_registry_stats_get_total_finished (stats),
               cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING) + cancel_registry_stats_get_live (stats, CANCEL_STATUS_SHIELDED));
  if (cancel_registry_stats_get_average_duration (stats) < 0 || cancel_registry_stats_get_average_cancel_latency (stats) < 0 ||
      cancel_registry_stats_get_max_cancel_latency (stats) < cancel_registry_stats_get_average_cancel_latency (stats))
    fuzz_fail ("registry stats: durations %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT,
               cancel_registry_stats_get_average_duration (stats), cancel_registry_stats_get_average_cancel_latency (stats), cancel_registry_stats_get_max_cancel_latency (stats));
  g_object_get (stats, "live-count", &live_count, NULL);
  if (live_count != cancel_registry_stats_get_running (stats) + cancel_registry_stats_get_shielded (stats))
    fuzz_fail ("registry stats: live-count %u is not running + shielded", live_count);

  if (g_list_model_get_n_items (cancel_registry_get_history (st->registry)) > limit)
    fuzz_fail ("registry history model has %u items, limit %u",
               g_list_model_get_n_items (cancel_registry_get_history (st->registry)), limit);
}

static void
check_all (State      *st,
           const char *where)
{
  for (guint i = 0; i < N_SCOPES; i++)
    check_scope (st->scopes[i], where);
  check_registry (st);
}

/* ------------------------------------------------------------------ */
/* Handlers                                                            */

typedef struct
{
  GWeakRef target;
  guint    action;
} CancelledAction;

static void
cancelled_action_free (gpointer  data,
                       GClosure *closure)
{
  CancelledAction *action = data;

  g_weak_ref_clear (&action->target);
  g_free (action);
}

/* In whichever thread cancels the scope, the worker thread included. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  CancelledAction *action = data;
  CancelScope *self = CANCEL_SCOPE (cancellable);
  g_autoptr(GObject) target = NULL;

  g_atomic_int_inc (&n_handler_calls);

  switch (action->action)
    {
    case 0:
      break;
    case 1:
      /* A critical if it is not running: counted. */
      cancel_scope_end (self);
      break;
    case 2:
      target = g_weak_ref_get (&action->target);
      if (target != NULL && CANCEL_IS_SCOPE (target))
        cancel_scope_cancel (CANCEL_SCOPE (target), CANCEL_REASON_ERROR, "handler");
      break;
    case 3:
      target = g_weak_ref_get (&action->target);
      if (target != NULL && !(avoid_cancel_ended && CANCEL_IS_SCOPE (target) &&
                              status_is_final (cancel_scope_get_status (CANCEL_SCOPE (target)))))
        g_cancellable_cancel (G_CANCELLABLE (target));
      break;
    case 4:
      cancel_scope_set_deadline (self, g_get_monotonic_time (), NULL);
      break;
    case 5:
      cancel_scope_report_progress (self, 0.5, "cancelling");
      break;
    case 6:
      (void) cancel_scope_get_reason (self);
      (void) cancel_scope_get_message (self);
      (void) cancel_scope_get_deadline (self);
      g_clear_pointer (&target, g_object_unref);
      {
        g_autoptr(GError) error = NULL;

        cancel_scope_set_error_if_cancelled (self, &error);
      }
      break;
    default:
      g_signal_handlers_disconnect_matched (self, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA,
                                            0, 0, NULL, on_cancelled, data);
      break;
    }
}

/* On the owner context: the private one, in this thread. */
static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    data)
{
  GValue value = G_VALUE_INIT;

  g_atomic_int_inc (&n_handler_calls);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (object, pspec->name, &value);
  g_value_unset (&value);
}

static void
on_started (CancelScope *scope,
            gpointer     data)
{
  g_atomic_int_inc (&n_handler_calls);
  (void) cancel_scope_get_start_time (scope);
}

static void
on_finished (CancelScope  *scope,
             CancelStatus  status,
             gpointer      data)
{
  g_atomic_int_inc (&n_handler_calls);
  if (!status_is_final (status))
    fuzz_fail ("::finished with status %s", cancel_status_to_string (status));
  check_scope (scope, "::finished");
}

static void
on_progress (CancelScope *scope,
             double       fraction,
             const char  *message,
             gpointer     data)
{
  g_atomic_int_inc (&n_handler_calls);
  if (!(fraction == -1 || (fraction >= 0 && fraction <= 1)))
    fuzz_fail ("::progress with fraction %g", fraction);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  guint n = g_list_model_get_n_items (model);

  g_atomic_int_inc (&n_handler_calls);
  if (position + added > n)
    fuzz_fail ("items-changed (%u, -%u, +%u) on a model of %u items", position, removed, added, n);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (item == NULL || !CANCEL_IS_SCOPE (item))
        fuzz_fail ("items-changed: item %u of %u is not a scope", i, n);
    }
}

/* ------------------------------------------------------------------ */
/* Condition sources                                                   */

typedef struct
{
  gint polls;
  gint limit;
} Countdown;

static gboolean
condition_true (gpointer data)
{
  return TRUE;
}

static gboolean
condition_false (gpointer data)
{
  return FALSE;
}

static gboolean
condition_flag_func (gpointer data)
{
  return g_atomic_int_get (&condition_flag) != 0;
}

static gboolean
condition_countdown (gpointer data)
{
  Countdown *countdown = data;

  return g_atomic_int_add (&countdown->polls, 1) + 1 >= countdown->limit;
}

/* ------------------------------------------------------------------ */
/* GTask                                                               */

/* On the task's context, after the library ended the scope (unless it
 * returned on cancel). */
static void
task_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GError) error = NULL;
  /* When the task was made, carried in the pointer: a refused call (the
   * scope ended on another thread just before) never calls back, and an
   * allocation would leak. */
  gint64 created = (gint64) GPOINTER_TO_SIZE (data);
  CancelScope *scope = CANCEL_IS_SCOPE (source) ? CANCEL_SCOPE (source) : NULL;
  gboolean ok;
  gint64 cancel_time;

  g_atomic_int_inc (&n_handler_calls);
  if (scope == NULL)
    {
      fuzz_fail ("task callback: the task has no scope");
      return;
    }
  ok = cancel_scope_run_in_thread_finish (scope, result, &error);
  if (ok == (error != NULL))
    fuzz_fail ("task callback: result and error disagree");
  if (ok && cancel_scope_get_status (scope) != CANCEL_STATUS_COMPLETED)
    fuzz_fail ("task callback: success for a scope that did not complete");
  /* Cancelled before the task was made, so when it completed (a later
   * cancellation may come between its completion and this callback). */
  cancel_time = cancel_scope_get_cancel_time (scope);
  if (error != NULL && g_cancellable_is_cancelled (G_CANCELLABLE (scope)) &&
      cancel_time != 0 && cancel_time < created &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    fuzz_fail ("task callback: a task of a scope cancelled before it failed with “%s”",
               error->message);
  check_scope (scope, "task callback");
}

/* In a thread of GLib's pool, with the scope current. */
static void
task_thread (CancelScope *scope,
             gpointer     data)
{
  if (cancel_scope_get_current () != scope ||
      g_cancellable_get_current () != G_CANCELLABLE (scope))
    fuzz_fail ("task thread: the scope is not current");

  switch (GPOINTER_TO_UINT (data) % 3)
    {
    case 1:
      {
        g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                       "thread failed");

        /* Another thread may have ended it: then a counted critical. */
        cancel_scope_fail (scope, error);
      }
      break;
    case 2:
      cancel_scope_cancel (scope, CANCEL_REASON_ERROR, "from the task");
      break;
    default:
      break;
    }
}

/* ------------------------------------------------------------------ */
/* Operations that may run in other threads                           */

typedef enum
{
  SUB_CANCEL,
  SUB_GCANCEL,
  SUB_SET_DEADLINE,
  SUB_SET_TIMEOUT,
  SUB_POSTPONE,
  SUB_SET_PARENT,
  SUB_GET_DEADLINE,
  SUB_SET_SHIELDED,
  SUB_PROGRESS,
  SUB_BEGIN,
  SUB_END,
  SUB_ADD_SOURCE,
  SUB_REMOVE_SOURCE,
  SUB_CANCEL_ALL,
  SUB_RESET,
  SUB_QUERY,
  N_SUBS
} SubKind;

static const char *const sub_names[N_SUBS] = {
  "cancel", "gcancel", "set_deadline", "set_timeout", "postpone", "set_parent",
  "get_deadline", "set_shielded", "progress", "begin", "end", "add_source",
  "remove_source", "cancel_all", "reset", "query",
};

/* Decoded in the main thread; objects referenced for the thread. */
typedef struct
{
  SubKind          kind;
  CancelScope     *scope;
  CancelScope     *other;
  CancelSource    *source;
  CancelRegistry  *registry;
  CancelReason     reason;
  gint64           deadline;
  double           value;
  gboolean         flag;
  gboolean         skip;
  gint            *barrier;  /* race: both threads start together */
} SubOp;

static gboolean avoid_postpone (CancelScope *scope, double seconds);

static void
sub_decode (State  *st,
            Cursor *c,
            SubOp  *op)
{
  char buf[64];

  memset (op, 0, sizeof *op);
  op->kind = u8 (c) % N_SUBS;
  op->scope = scope_at (st, u8 (c));

  switch (op->kind)
    {
    case SUB_CANCEL:
    case SUB_CANCEL_ALL:
      op->reason = u8 (c) % 8;
      break;
    case SUB_SET_DEADLINE:
      op->deadline = arg_deadline (c);
      break;
    case SUB_SET_TIMEOUT:
    case SUB_POSTPONE:
      op->value = arg_time (c);
      break;
    case SUB_SET_PARENT:
      op->other = opt_scope_at (st, u8 (c));
      break;
    case SUB_SET_SHIELDED:
      op->flag = u8 (c) & 1;
      break;
    case SUB_PROGRESS:
      op->value = arg_fraction (c);
      break;
    case SUB_ADD_SOURCE:
    case SUB_REMOVE_SOURCE:
      op->source = st->sources[u8 (c) % N_SOURCES];
      break;
    case SUB_GCANCEL:
    case SUB_GET_DEADLINE:
    case SUB_BEGIN:
    case SUB_END:
    case SUB_RESET:
    case SUB_QUERY:
    case N_SUBS:
    default:
      break;
    }

  /* GLib's own functions are never given NULL: their criticals would be
   * the harness's. */
  if ((op->kind == SUB_GCANCEL || op->kind == SUB_RESET) && op->scope == NULL)
    op->skip = TRUE;
  if (avoid_reset && op->kind == SUB_RESET)
    op->skip = TRUE;
  if (avoid_cancel_ended && (op->kind == SUB_CANCEL || op->kind == SUB_GCANCEL) &&
      op->scope != NULL && status_is_final (cancel_scope_get_status (op->scope)))
    op->skip = TRUE;
  if (avoid_postpone_overflow && op->kind == SUB_POSTPONE && avoid_postpone (op->scope, op->value))
    op->skip = TRUE;

  if (op->scope)
    g_object_ref (op->scope);
  if (op->other)
    g_object_ref (op->other);
  if (op->source)
    g_object_ref (op->source);
  if (op->kind == SUB_CANCEL_ALL && st->registry != NULL)
    op->registry = g_object_ref (st->registry);

  TRACE ("  %s%s scope=%p other=%p source=%p reason=%d deadline=%" G_GINT64_FORMAT " value=%s flag=%d\n",
         op->skip ? "(skipped) " : "", sub_names[op->kind], op->scope, op->other, op->source,
         op->reason, op->deadline, time_str (op->value, buf), op->flag);
}

static void
sub_clear (SubOp *op)
{
  g_clear_object (&op->scope);
  g_clear_object (&op->other);
  g_clear_object (&op->source);
  g_clear_object (&op->registry);
}

static gpointer
sub_run (gpointer data)
{
  SubOp *op = data;

  if (op->barrier != NULL)
    {
      g_atomic_int_inc (op->barrier);
      while (g_atomic_int_get (op->barrier) < 2)
        ;  /* spin: a sleep would let the other thread finish first */
    }

  if (op->skip)
    return NULL;

  switch (op->kind)
    {
    case SUB_CANCEL:
      cancel_scope_cancel (op->scope, op->reason, "from a thread");
      break;
    case SUB_GCANCEL:
      g_cancellable_cancel (G_CANCELLABLE (op->scope));
      break;
    case SUB_SET_DEADLINE:
      cancel_scope_set_deadline (op->scope, op->deadline, NULL);
      break;
    case SUB_SET_TIMEOUT:
      cancel_scope_set_timeout (op->scope, op->value, NULL);
      break;
    case SUB_POSTPONE:
      cancel_scope_postpone (op->scope, op->value, NULL);
      break;
    case SUB_SET_PARENT:
      cancel_scope_set_parent (op->scope, op->other);
      break;
    case SUB_GET_DEADLINE:
      (void) cancel_scope_get_deadline (op->scope);
      (void) cancel_scope_get_remaining (op->scope);
      break;
    case SUB_SET_SHIELDED:
      cancel_scope_set_shielded (op->scope, op->flag);
      break;
    case SUB_PROGRESS:
      cancel_scope_report_progress (op->scope, op->value, "thread");
      break;
    case SUB_BEGIN:
      cancel_scope_begin (op->scope);
      break;
    case SUB_END:
      cancel_scope_end (op->scope);
      break;
    case SUB_ADD_SOURCE:
      cancel_scope_add_source (op->scope, op->source);
      break;
    case SUB_REMOVE_SOURCE:
      cancel_scope_remove_source (op->scope, op->source);
      break;
    case SUB_CANCEL_ALL:
      if (op->registry != NULL)
        cancel_registry_cancel_all (op->registry, op->reason, "from a thread");
      break;
    case SUB_RESET:
      g_cancellable_reset (G_CANCELLABLE (op->scope));
      break;
    case SUB_QUERY:
      {
        g_autoptr(CancelScope) parent = cancel_scope_dup_parent (op->scope);
        g_autoptr(GError) error = cancel_scope_dup_error (op->scope);
        g_autofree char *progress = cancel_scope_dup_progress_message (op->scope);

        (void) parent;
        (void) error;
        (void) progress;
        (void) cancel_scope_get_status (op->scope);
        (void) cancel_scope_get_reason (op->scope);
        (void) cancel_scope_get_message (op->scope);
        (void) cancel_scope_get_deadline (op->scope);
      }
      break;
    case N_SUBS:
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

/* Two helper threads run the `thread` and `race` operations. They live as
 * long as the process: a thread per operation would recycle thread ids
 * (pid_max is often 32768), and LeakSanitizer (LLVM 14) then takes a live
 * thread for the finished, unjoined one that had its id, skips its
 * thread-specific data and reports what only that data holds as leaked.
 * pthread locks, not GMutex: ThreadSanitizer sees them. */
typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t  cond;
  SubOp          *job;  /* set by the caller, cleared when done */
} Helper;

static Helper helpers[2];

static gpointer
helper_main (gpointer data)
{
  Helper *helper = data;

  pthread_mutex_lock (&helper->mutex);
  for (;;)
    {
      SubOp *job;

      while (helper->job == NULL)
        pthread_cond_wait (&helper->cond, &helper->mutex);
      job = helper->job;
      pthread_mutex_unlock (&helper->mutex);

      sub_run (job);

      pthread_mutex_lock (&helper->mutex);
      helper->job = NULL;
      pthread_cond_broadcast (&helper->cond);
    }

  return NULL;
}

static void
helpers_start (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (helpers); i++)
    {
      pthread_mutex_init (&helpers[i].mutex, NULL);
      pthread_cond_init (&helpers[i].cond, NULL);
      helpers[i].job = NULL;
      g_thread_unref (g_thread_new ("fuzz-helper", helper_main, &helpers[i]));
    }
}

static void
helper_run (Helper *helper,
            SubOp  *op)
{
  pthread_mutex_lock (&helper->mutex);
  helper->job = op;
  pthread_cond_broadcast (&helper->cond);
  pthread_mutex_unlock (&helper->mutex);
}

static void
helper_wait (Helper *helper)
{
  pthread_mutex_lock (&helper->mutex);
  while (helper->job != NULL)
    pthread_cond_wait (&helper->cond, &helper->mutex);
  pthread_mutex_unlock (&helper->mutex);
}

/* ------------------------------------------------------------------ */
/* The current stack                                                   */

static gboolean
stack_top_is_guard (State *st)
{
  return st->stack->len > 0 &&
         g_array_index (st->stack_is_guard, gboolean, st->stack_is_guard->len - 1);
}

/* Undoes the innermost push or enter. */
static void
stack_pop (State *st)
{
  gboolean guard = stack_top_is_guard (st);
  CancelScope *scope = g_ptr_array_steal_index (st->stack, st->stack->len - 1);

  g_array_set_size (st->stack_is_guard, st->stack->len);
  if (cancel_scope_get_current () != scope)
    fuzz_fail ("the current scope is %p, not %p", cancel_scope_get_current (), scope);
  if (guard)
    {
      /* Ends it unless it ended: the guard's reference goes with it. */
      g_object_ref (scope);
      cancel_scope_exit (scope);
      check_scope (scope, "exit");
      if (_cancel_scope_is_live (scope))
        fuzz_fail ("exit left scope %p live", scope);
      g_object_unref (scope);
    }
  else
    {
      cancel_scope_pop_current (scope);
      g_object_unref (scope);
    }
}

static void
stack_push (State       *st,
            CancelScope *scope,
            gboolean     guard)
{
  if (guard)
    g_ptr_array_add (st->stack, cancel_scope_enter (scope));
  else
    {
      g_ptr_array_add (st->stack, g_object_ref (scope));
      cancel_scope_push_current (scope);
    }
  g_array_append_val (st->stack_is_guard, guard);
}

/* Pops the innermost nested context and drops it without iterating it:
 * what was queued there is never dispatched, and whatever it held must
 * still be freed. */
static void
context_pop (State *st)
{
  GMainContext *context = g_ptr_array_steal_index (st->nested_contexts,
                                                   st->nested_contexts->len - 1);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

/* ------------------------------------------------------------------ */
/* Teardown                                                            */

static void
iterate (GMainContext *context,
         guint         max)
{
  for (guint i = 0; i < max && g_main_context_iteration (context, FALSE); i++)
    ;
}

/* Cancels (disarming the timer) and ends every scope of the input that is
 * still alive. Returns how many are alive. */
static guint
settle_scopes (State *st)
{
  guint alive = 0;

  for (guint i = 0; i < st->weak_scopes->len; i++)
    {
      g_autoptr(CancelScope) scope = g_weak_ref_get (g_ptr_array_index (st->weak_scopes, i));
      CancelStatus status;

      if (scope == NULL)
        continue;

      alive++;
      status = cancel_scope_get_status (scope);
      if (status_is_final (status))
        continue;
      if (!g_cancellable_is_cancelled (G_CANCELLABLE (scope)))
        cancel_scope_cancel (scope, CANCEL_REASON_MANUAL, "teardown");
      if (status != CANCEL_STATUS_PENDING)
        cancel_scope_end (scope);
    }

  return alive;
}

static guint
count_alive (GPtrArray *weak_refs)
{
  guint alive = 0;

  for (guint i = 0; i < weak_refs->len; i++)
    {
      g_autoptr(GObject) object = g_weak_ref_get (g_ptr_array_index (weak_refs, i));

      if (object != NULL)
        alive++;
    }
  return alive;
}

static void
teardown (State *st)
{
  gint64 guard;
  guint timers = 0;
  gint finalizing = 0;

  check_all (st, "end of script");
  for (guint i = 0; i < st->weak_scopes->len; i++)
    {
      g_autoptr(CancelScope) scope = g_weak_ref_get (g_ptr_array_index (st->weak_scopes, i));

      check_scope (scope, "end of script");
    }

  /* The current stack, innermost first. */
  while (st->stack->len > 0)
    stack_pop (st);
  if (cancel_scope_get_current () != NULL)
    fuzz_fail ("teardown: a current scope is left");
  while (st->nested_contexts->len > 0)
    context_pop (st);

  settle_scopes (st);

  for (guint i = 0; i < N_SCOPES; i++)
    set_scope (st, i, NULL);
  for (guint i = 0; i < N_SOURCES; i++)
    set_source (st, i, NULL, 0);
  for (guint i = 0; i < N_CANCELLABLES; i++)
    g_clear_object (&st->cancellables[i]);
  for (guint i = 0; i < G_N_ELEMENTS (st->actions); i++)
    g_clear_object (&st->actions[i]);
  g_clear_object (&st->registry);

  guard = g_get_monotonic_time () + TEARDOWN_GUARD_US;
  for (;;)
    {
      guint scopes, others;

      iterate (st->context, 1000);
      scopes = settle_scopes (st);
      iterate (st->context, 1000);
      others = count_alive (st->weak_others);
      timers = _cancel_timer_count_pending ();
      finalizing = g_atomic_int_get (&live_objects);
      if (scopes == 0 && others == 0 && finalizing == 0 && timers <= st->timers_at_start)
        break;
      if (g_get_monotonic_time () > guard)
        fuzz_fail ("teardown: after %d s, %u scopes and %u other objects of the input are alive "
                   "(%d not finalized), %u timers pending (%u before)",
                   (int) (TEARDOWN_GUARD_US / G_USEC_PER_SEC), scopes, others, finalizing, timers,
                   st->timers_at_start);
      g_usleep (200);
    }

  iterate (st->context, 1000);
  g_main_context_pop_thread_default (st->context);
  g_main_context_unref (st->context);

  g_ptr_array_unref (st->weak_scopes);
  g_ptr_array_unref (st->weak_others);
  g_ptr_array_unref (st->stack);
  g_array_unref (st->stack_is_guard);
  g_ptr_array_unref (st->nested_contexts);
}

/* ------------------------------------------------------------------ */
/* The operations                                                      */

typedef enum
{
  OP_NEW,
  OP_DROP,
  OP_BEGIN,
  OP_END,
  OP_COMPLETE,
  OP_CANCEL,
  OP_GCANCEL,
  OP_RESET,
  OP_SET_TIMEOUT,
  OP_SET_DEADLINE,
  OP_POSTPONE,
  OP_SET_PARENT,
  OP_SET_SHIELDED,
  OP_PROGRESS,
  OP_QUERY,
  OP_CHILDREN,
  OP_WATCH,
  OP_ON_CANCELLED,
  OP_PUSH,
  OP_POP,
  OP_ENTER,
  OP_EXIT,
  OP_SET_REGISTRY,
  OP_PROP,
  OP_DUP_PARENT,
  OP_SRC_TIMEOUT,
  OP_SRC_LINK,
  OP_SRC_SIGNALS,
  OP_SRC_CONDITION,
  OP_SRC_ANY,
  OP_SRC_ALL,
  OP_ADD_SOURCE,
  OP_REMOVE_SOURCE,
  OP_SRC_QUERY,
  OP_SRC_DROP,
  OP_CANC_NEW,
  OP_CANC_CANCEL,
  OP_CANC_RESET,
  OP_CANC_DROP,
  OP_REG_LOOKUP,
  OP_REG_FIND_STATUS,
  OP_REG_FIND_PARENT,
  OP_REG_FIND_NAME,
  OP_REG_CANCEL,
  OP_REG_CANCEL_ALL,
  OP_REG_CANCEL_STATUS,
  OP_REG_STATS,
  OP_REG_CLEAR,
  OP_REG_LIMIT,
  OP_REG_MODELS,
  OP_REG_RENEW,
  OP_ITERATE,
  OP_WAIT,
  OP_RAISE,
  OP_COND_FLAG,
  OP_THREAD,
  OP_RACE,
  OP_CHECK,
  OP_CONTEXT,
  OP_TASK,
  OP_ACTION,
  N_OPS
} OpCode;

static const char *const op_names[N_OPS] = {
  "new", "drop", "begin", "end", "complete", "cancel", "gcancel", "reset",
  "set_timeout", "set_deadline", "postpone", "set_parent", "set_shielded",
  "progress", "query", "children", "watch", "on_cancelled", "push", "pop",
  "enter", "exit", "set_registry", "prop", "dup_parent", "src_timeout",
  "src_link", "src_signals", "src_condition", "src_any", "src_all",
  "add_source", "remove_source", "src_query", "src_drop", "canc_new",
  "canc_cancel", "canc_reset", "canc_drop", "reg_lookup", "reg_find_status",
  "reg_find_parent", "reg_find_name", "reg_cancel", "reg_cancel_all",
  "reg_cancel_status", "reg_stats", "reg_clear", "reg_limit", "reg_models",
  "reg_renew", "iterate", "wait", "raise", "cond_flag", "thread", "race",
  "check", "context", "task", "action",
};

static const GError *
make_error (guint8 kind)
{
  static GError *errors[4];
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      errors[1] = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "failed");
      errors[2] = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled elsewhere");
      errors[3] = g_error_new_literal (CANCEL_ERROR, CANCEL_ERROR_NO_DEADLINE, "no deadline");
      g_once_init_leave (&initialized, 1);
    }
  return errors[kind % 4];
}

static guint64
arg_id (State  *st,
        guint8  b)
{
  if (b & 8)
    {
      switch (b % 4)
        {
        case 0: return 0;
        case 1: return G_MAXUINT64;
        case 2: return 1;
        default:
          {
            g_autoptr(CancelScope) probe = NULL;

            /* One past the last id made so far. */
            probe = cancel_scope_new_full (NULL, NULL, CANCEL_SCOPE_FLAGS_NONE);
            cancel_scope_set_registry (probe, NULL);
            return cancel_scope_get_id (probe) + 1;
          }
        }
    }
  return st->scopes[b % N_SCOPES] != NULL ? cancel_scope_get_id (st->scopes[b % N_SCOPES]) : 0;
}

static gboolean
avoid_postpone (CancelScope *scope,
                double       seconds)
{
  gint64 own;

  if (scope == NULL || !(seconds > 0 && seconds <= 3153600000.0))
    return FALSE;
  own = cancel_scope_get_own_deadline (scope);
  return own != CANCEL_NO_DEADLINE && own > G_MAXINT64 - (gint64) (seconds * G_USEC_PER_SEC);
}

/* Whether SIGUSR1 (mask 1) or SIGUSR2 (mask 2) is surely watched until the
 * raise is handled: a signal source for it was added to a scope that a slot
 * holds, that has not ended, and that nothing may end in another thread. */
static gboolean
signal_is_armed (State *st,
                 guint  mask)
{
  for (guint i = 0; i < N_SCOPES; i++)
    {
      CancelScope *scope = st->scopes[i];
      Shadow *shadow;

      if (scope == NULL || status_is_final (cancel_scope_get_status (scope)))
        continue;
      shadow = shadow_get (scope);
      if (shadow->may_end_elsewhere)
        continue;
      for (guint j = 0; j < shadow->sig_sources->len; j++)
        if (g_array_index (shadow->sig_sources, SigSource, j).sigmask & mask)
          return TRUE;
    }
  return FALSE;
}

static void
forget_sig_source (CancelScope  *scope,
                   CancelSource *source)
{
  Shadow *shadow;

  if (scope == NULL)
    return;
  shadow = shadow_get (scope);
  for (guint j = 0; j < shadow->sig_sources->len; j++)
    if (g_array_index (shadow->sig_sources, SigSource, j).source == source)
      g_array_remove_index (shadow->sig_sources, j--);
}

static void
new_scope (State  *st,
           guint   slot,
           CancelScope *parent,
           const char  *name,
           guint8  flags)
{
  CancelScope *scope;
  CancelRegistry *registry = (flags & 4) ? NULL : st->registry;

  if (!can_create (st))
    return;

  switch (flags % 4)
    {
    case 0:
      scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_NONE);
      break;
    case 1:
      scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_SHIELDED);
      break;
    case 2:
      scope = cancel_scope_new (name);  /* under the current scope, if any */
      break;
    default:
      scope = g_object_new (CANCEL_TYPE_SCOPE,
                            "name", name,
                            "parent", parent,
                            "shielded", (gboolean) ((flags >> 3) & 1),
                            "registry", registry,
                            NULL);
      break;
    }

  /* Never the default registry. */
  cancel_scope_set_registry (scope, registry);
  shadow_get (scope);
  g_ptr_array_add (st->weak_scopes, weak_new (scope));
  set_scope (st, slot, scope);
}

static void run_op_held (State *st, Cursor *c, OpCode op, CancelScope **touched_out, char tb[64]);

static void
run_op (State  *st,
        Cursor *c)
{
  OpCode op = u8 (c) % N_OPS;
  CancelScope *touched = NULL;
  CancelScope *held[N_SCOPES];
  char tb[64];

  /* The scopes of the slots live until the operation is checked, even if
   * it replaces or drops them: dropping takes effect right after. */
  for (guint i = 0; i < N_SCOPES; i++)
    held[i] = st->scopes[i] != NULL ? g_object_ref (st->scopes[i]) : NULL;
  run_op_held (st, c, op, &touched, tb);
  check_scope (touched, op_names[op]);
  for (guint i = 0; i < N_SCOPES; i++)
    g_clear_object (&held[i]);
}

static void
run_op_held (State        *st,
             Cursor       *c,
             OpCode        op,
             CancelScope **touched_out,
             char          tb[64])
{
  CancelScope *touched = NULL;

  /* Every case decodes all its arguments first and returns when the input
   * ran out. */
#define ARGS_DONE() G_STMT_START { if (c->eof) return; } G_STMT_END

  switch (op)
    {
    case OP_NEW:
      {
        guint slot = u8 (c) % N_SCOPES;
        CancelScope *parent = opt_scope_at (st, u8 (c));
        const char *name = arg_name (c);
        guint8 flags = u8 (c);

        ARGS_DONE ();
        TRACE ("new S%u parent=%p name=%s flags=%u\n", slot, parent, name ? name : "(null)", flags);
        new_scope (st, slot, parent, name, flags);
        touched = st->scopes[slot];
      }
      break;

    case OP_DROP:
      {
        guint slot = u8 (c) % N_SCOPES;

        ARGS_DONE ();
        TRACE ("drop S%u\n", slot);
        set_scope (st, slot, NULL);
      }
      break;

    case OP_BEGIN:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("begin %p\n", touched);
      cancel_scope_begin (touched);
      break;

    case OP_END:
      {
        guint8 kind;

        touched = scope_at (st, u8 (c));
        kind = u8 (c);
        ARGS_DONE ();
        TRACE ("end %p error=%u\n", touched, kind % 4);
        {
          const GError *error = make_error (kind);

          if (error != NULL)
            cancel_scope_fail (touched, error);
          else
            cancel_scope_end (touched);
        }
      }
      break;

    case OP_COMPLETE:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("complete %p\n", touched);
      cancel_scope_end (touched);
      break;

    case OP_CANCEL:
      {
        CancelReason reason;
        const char *message;

        touched = scope_at (st, u8 (c));
        reason = u8 (c) % 8;
        message = arg_name (c);
        ARGS_DONE ();
        TRACE ("cancel %p reason=%d message=%s\n", touched, reason, message ? message : "(null)");
        if (avoid_cancel_ended && touched != NULL && status_is_final (cancel_scope_get_status (touched)))
          break;
        cancel_scope_cancel (touched, reason, message);
      }
      break;

    case OP_GCANCEL:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("gcancel %p\n", touched);
      if (touched == NULL ||
          (avoid_cancel_ended && status_is_final (cancel_scope_get_status (touched))))
        break;
      g_cancellable_cancel (G_CANCELLABLE (touched));
      break;

    case OP_RESET:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("reset %p\n", touched);
      if (touched == NULL || avoid_reset)
        break;
      g_cancellable_reset (G_CANCELLABLE (touched));
      break;

    case OP_SET_TIMEOUT:
      {
        double seconds;
        g_autoptr(GError) error = NULL;

        touched = scope_at (st, u8 (c));
        seconds = arg_time (c);
        ARGS_DONE ();
        TRACE ("set_timeout %p %s\n", touched, time_str (seconds, tb));
        {
          /* FALSE: an error for a bad value, or a critical for an ended
           * scope; never neither. */
          gint criticals = g_atomic_int_get (&n_criticals_cancel);
          gboolean ok = cancel_scope_set_timeout (touched, seconds, &error);

          if (touched != NULL && (ok ? error != NULL
                                     : error == NULL && g_atomic_int_get (&n_criticals_cancel) == criticals))
            fuzz_fail ("set_timeout: return value and error disagree");
        }
      }
      break;

    case OP_SET_DEADLINE:
      {
        gint64 deadline;
        g_autoptr(GError) error = NULL;

        touched = scope_at (st, u8 (c));
        deadline = arg_deadline (c);
        ARGS_DONE ();
        TRACE ("set_deadline %p %" G_GINT64_FORMAT "\n", touched, deadline);
        {
          /* FALSE: an error for a bad value, or a critical for an ended
           * scope; never neither. */
          gint criticals = g_atomic_int_get (&n_criticals_cancel);
          gboolean ok = cancel_scope_set_deadline (touched, deadline, &error);

          if (touched != NULL && (ok ? error != NULL
                                     : error == NULL && g_atomic_int_get (&n_criticals_cancel) == criticals))
            fuzz_fail ("set_deadline: return value and error disagree");
        }
      }
      break;

    case OP_POSTPONE:
      {
        double seconds;
        g_autoptr(GError) error = NULL;

        touched = scope_at (st, u8 (c));
        seconds = arg_time (c);
        ARGS_DONE ();
        TRACE ("postpone %p %s\n", touched, time_str (seconds, tb));
        if (avoid_postpone_overflow && avoid_postpone (touched, seconds))
          break;
        if (cancel_scope_postpone (touched, seconds, &error) == (error != NULL) && touched != NULL)
          fuzz_fail ("postpone: return value and error disagree");
      }
      break;

    case OP_SET_PARENT:
      {
        CancelScope *parent;

        touched = scope_at (st, u8 (c));
        parent = opt_scope_at (st, u8 (c));
        ARGS_DONE ();
        TRACE ("set_parent %p %p\n", touched, parent);
        cancel_scope_set_parent (touched, parent);
        check_scope (parent, "set_parent");
      }
      break;

    case OP_SET_SHIELDED:
      {
        gboolean shielded;

        touched = scope_at (st, u8 (c));
        shielded = u8 (c) & 1;
        ARGS_DONE ();
        TRACE ("set_shielded %p %d\n", touched, shielded);
        cancel_scope_set_shielded (touched, shielded);
      }
      break;

    case OP_PROGRESS:
      {
        double fraction;
        const char *message;

        touched = scope_at (st, u8 (c));
        fraction = arg_fraction (c);
        message = arg_name (c);
        ARGS_DONE ();
        TRACE ("progress %p %s %s\n", touched, time_str (fraction, tb), message ? message : "(null)");
        cancel_scope_report_progress (touched, fraction, message);
      }
      break;

    case OP_QUERY:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("query %p\n", touched);
      {
        g_autoptr(CancelScope) parent = cancel_scope_dup_parent (touched);
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) ended = cancel_scope_dup_error (touched);
        g_autofree char *progress = cancel_scope_dup_progress_message (touched);
        GError *preset = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "preset");
        GError *preset_copy = preset;

        if (parent != NULL && !CANCEL_IS_SCOPE (parent))
          fuzz_fail ("dup_parent: not a scope");
        if (ended != NULL && !status_is_final (cancel_scope_get_status (touched)))
          fuzz_fail ("dup_error: an error before the end");
        (void) progress;
        (void) cancel_scope_get_id (touched);
        (void) cancel_scope_get_name (touched);
        (void) cancel_scope_get_context (touched);
        {
          g_autoptr(CancelRegistry) registry = cancel_scope_dup_registry (touched);

          (void) registry;
        }
        (void) cancel_scope_get_shielded (touched);
        (void) cancel_scope_get_start_time (touched);
        (void) cancel_scope_get_end_time (touched);
        (void) cancel_scope_get_cancel_time (touched);
        (void) cancel_scope_get_remaining (touched);
        if (cancel_scope_set_error_if_cancelled (touched, &error) != (error != NULL))
          fuzz_fail ("set_error_if_cancelled: return value and error disagree");
        if (error != NULL && touched != NULL &&
            !g_error_matches (error, G_IO_ERROR,
                              cancel_scope_get_reason (touched) == CANCEL_REASON_TIMEOUT
                              ? G_IO_ERROR_TIMED_OUT : G_IO_ERROR_CANCELLED))
          fuzz_fail ("set_error_if_cancelled: error %s for reason %s", error->message,
                     cancel_reason_to_string (cancel_scope_get_reason (touched)));
        /* A set error: refused with a critical, left alone. */
        if (touched != NULL && g_cancellable_is_cancelled (G_CANCELLABLE (touched)))
          {
            cancel_scope_set_error_if_cancelled (touched, &preset);
            if (preset != preset_copy)
              fuzz_fail ("set_error_if_cancelled overwrote a set error");
          }
        g_error_free (preset);
        (void) cancel_reason_get_display_name (cancel_scope_get_reason (touched));
        (void) cancel_status_get_display_name (cancel_scope_get_status (touched));
      }
      break;

    case OP_CHILDREN:
      {
        guint8 index;
        guint slot;

        touched = scope_at (st, u8 (c));
        index = u8 (c);
        slot = u8 (c) % N_SCOPES;
        ARGS_DONE ();
        TRACE ("children %p index=%u -> S%u\n", touched, index, slot);
        {
          GListModel *children = cancel_scope_get_children (touched);
          guint n;
          CancelScope *item;

          if (children == NULL)
            break;
          if (!g_signal_handler_find (children, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_items_changed, NULL))
            g_signal_connect (children, "items-changed", G_CALLBACK (on_items_changed), NULL);
          n = g_list_model_get_n_items (children);
          if (g_list_model_get_item_type (children) != CANCEL_TYPE_SCOPE)
            fuzz_fail ("children: item type");
          item = g_list_model_get_item (children, n > 0 ? index % (n + 1) : index);
          if (item != NULL)
            set_scope (st, slot, item);
        }
      }
      break;

    case OP_WATCH:
      {
        guint8 mask;

        touched = scope_at (st, u8 (c));
        mask = u8 (c);
        ARGS_DONE ();
        TRACE ("watch %p mask=%u\n", touched, mask);
        if (touched == NULL)
          break;
        if (mask & 1)
          g_signal_connect (touched, "notify", G_CALLBACK (on_notify), NULL);
        if (mask & 2)
          g_signal_connect (touched, "started", G_CALLBACK (on_started), NULL);
        if (mask & 4)
          g_signal_connect (touched, "finished", G_CALLBACK (on_finished), NULL);
        if (mask & 8)
          g_signal_connect (touched, "progress", G_CALLBACK (on_progress), NULL);
        if (mask & 16)
          g_signal_connect (touched, "notify::status", G_CALLBACK (on_notify), NULL);
        if (mask & 32)
          g_signal_connect (touched, "notify::deadline", G_CALLBACK (on_notify), NULL);
        if (mask & 64)  /* blocked: must not count as watching */
          {
            gulong id = g_signal_connect (touched, "notify", G_CALLBACK (on_notify), NULL);

            g_signal_handler_block (touched, id);
          }
        if (mask & 128)
          g_signal_handlers_disconnect_by_func (touched, on_notify, NULL);
      }
      break;

    case OP_ON_CANCELLED:
      {
        guint8 action;
        CancelScope *target;
        CancelledAction *data;
        GObject *target_object;

        touched = scope_at (st, u8 (c));
        action = u8 (c) % 8;
        {
          guint8 b = u8 (c);

          target_object = (b & 8) ? (GObject *) st->cancellables[b % N_CANCELLABLES]
                                  : (GObject *) st->scopes[b % N_SCOPES];
        }
        ARGS_DONE ();
        target = target_object != NULL && CANCEL_IS_SCOPE (target_object) ? CANCEL_SCOPE (target_object) : NULL;
        TRACE ("on_cancelled %p action=%u target=%p\n", touched, action, target_object);
        if (touched == NULL)
          break;
        data = g_new0 (CancelledAction, 1);
        g_weak_ref_init (&data->target, target_object);
        data->action = action;
        if (action == 1)
          shadow_get (touched)->may_end_elsewhere = TRUE;
        g_signal_connect_data (touched, "cancelled", G_CALLBACK (on_cancelled), data,
                               cancelled_action_free, 0);
        (void) target;
      }
      break;

    case OP_PUSH:
    case OP_ENTER:
      touched = scope_at (st, u8 (c));
      ARGS_DONE ();
      TRACE ("%s %p\n", op_names[op], touched);
      if (touched == NULL)
        {
          /* Refused with a critical. */
          if (op == OP_PUSH)
            cancel_scope_push_current (NULL);
          else if (cancel_scope_enter (NULL) != NULL)
            fuzz_fail ("enter (NULL) returned a guard");
          break;
        }
      if (st->stack->len < 16)
        stack_push (st, touched, op == OP_ENTER);
      break;

    case OP_POP:
    case OP_EXIT:
      {
        guint8 b = u8 (c);
        CancelScope *scope = opt_scope_at (st, b);

        ARGS_DONE ();
        TRACE ("%s %p\n", op_names[op], scope);
        if (scope == NULL)
          {
            /* The innermost, if it is of the kind. */
            if (st->stack->len > 0 && stack_top_is_guard (st) == (op == OP_EXIT))
              stack_pop (st);
            else if (op == OP_POP)
              cancel_scope_pop_current (NULL);
            else
              cancel_scope_exit (NULL);
          }
        else if (scope != cancel_scope_get_current () && op == OP_POP)
          cancel_scope_pop_current (scope);  /* not the innermost: refused */
      }
      break;

    case OP_SET_REGISTRY:
      {
        gboolean none;

        touched = scope_at (st, u8 (c));
        none = u8 (c) & 1;
        ARGS_DONE ();
        TRACE ("set_registry %p %s\n", touched, none ? "NULL" : "private");
        cancel_scope_set_registry (touched, none ? NULL : st->registry);
      }
      break;

    case OP_PROP:
      {
        guint8 which, arg;
        static const char *const props[] = {
          "id", "name", "parent", "children", "status", "reason", "origin-reason",
          "message", "cancel-time", "deadline", "shielded", "progress",
          "progress-message", "start-time", "end-time", "error", "registry",
        };

        touched = scope_at (st, u8 (c));
        which = u8 (c);
        arg = u8 (c);
        ARGS_DONE ();
        TRACE ("prop %p which=%u arg=%u\n", touched, which, arg);
        if (touched == NULL)
          break;
        switch (which % 4)
          {
          case 0:
            g_object_set (touched, "parent", opt_scope_at (st, arg), NULL);
            break;
          case 1:
            g_object_set (touched, "shielded", (gboolean) (arg & 1), NULL);
            break;
          case 2:
            g_object_set (touched, "registry", (arg & 1) ? NULL : st->registry, NULL);
            break;
          default:
            {
              GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (touched),
                                                                props[arg % G_N_ELEMENTS (props)]);
              GValue value = G_VALUE_INIT;

              g_value_init (&value, pspec->value_type);
              g_object_get_property (G_OBJECT (touched), pspec->name, &value);
              g_value_unset (&value);
            }
            break;
          }
      }
      break;

    case OP_DUP_PARENT:
      {
        guint slot;

        touched = scope_at (st, u8 (c));
        slot = u8 (c) % N_SCOPES;
        ARGS_DONE ();
        TRACE ("dup_parent %p -> S%u\n", touched, slot);
        {
          CancelScope *parent = cancel_scope_dup_parent (touched);

          if (parent != NULL)
            set_scope (st, slot, parent);
        }
      }
      break;

    case OP_SRC_TIMEOUT:
      {
        guint slot = u8 (c) % N_SOURCES;
        double seconds = arg_time (c);
        g_autoptr(GError) error = NULL;
        CancelSource *source;

        ARGS_DONE ();
        TRACE ("src_timeout R%u %s\n", slot, time_str (seconds, tb));
        if (!can_create (st))
          break;
        source = cancel_source_new_timeout (seconds, &error);
        if ((source == NULL) != (error != NULL))
          fuzz_fail ("src_timeout: return value and error disagree");
        if (source != NULL)
          set_source (st, slot, source, 0);
      }
      break;

    case OP_SRC_LINK:
      {
        guint slot = u8 (c) % N_SOURCES;
        guint8 b = u8 (c);
        gboolean preserve = u8 (c) & 1;
        GCancellable *upstream;
        CancelSource *source;

        ARGS_DONE ();
        upstream = (b & 8) ? st->cancellables[b % N_CANCELLABLES]
                           : (GCancellable *) st->scopes[b % N_SCOPES];
        TRACE ("src_link R%u upstream=%p preserve=%d\n", slot, upstream, preserve);
        if (!can_create (st))
          break;
        source = cancel_source_new_cancellable (upstream, preserve);
        if ((source == NULL) != (upstream == NULL))
          fuzz_fail ("src_link: made %p for upstream %p", source, upstream);
        if (source != NULL)
          set_source (st, slot, source, 0);
      }
      break;

    case OP_SRC_SIGNALS:
      {
        guint slot = u8 (c) % N_SOURCES;
        const SigSet *set = &sigsets[u8 (c) % G_N_ELEMENTS (sigsets)];
        g_autoptr(GError) error = NULL;
        CancelSource *source;
        guint mask = 0;

        ARGS_DONE ();
        TRACE ("src_signals R%u set=%d,%d,%d n=%zu null=%d\n", slot, set->signals[0],
               set->signals[1], set->signals[2], set->n, set->null_array);
        if (!can_create (st))
          break;
        source = cancel_source_new_unix_signals (set->null_array ? NULL : set->signals, set->n, &error);
        if ((source == NULL) != (error != NULL))
          fuzz_fail ("src_signals: return value and error disagree");
        for (gsize i = 0; i < set->n; i++)
          mask |= set->signals[i] == SIGUSR1 ? 1 : set->signals[i] == SIGUSR2 ? 2 : 0;
        if (source != NULL)
          set_source (st, slot, source, mask);
      }
      break;

    case OP_SRC_CONDITION:
      {
        guint slot = u8 (c) % N_SOURCES;
        guint8 kind = u8 (c);
        double interval = arg_time (c);
        g_autoptr(GError) error = NULL;
        CancelSource *source;

        ARGS_DONE ();
        TRACE ("src_condition R%u kind=%u interval=%s\n", slot, kind % 4, time_str (interval, tb));
        if (!can_create (st))
          break;
        switch (kind % 4)
          {
          case 0:
            source = cancel_source_new_condition (NULL, interval, NULL, condition_true, NULL, NULL, &error);
            break;
          case 1:
            source = cancel_source_new_condition (NULL, interval, NULL, condition_false, NULL, NULL, &error);
            break;
          case 2:
            source = cancel_source_new_condition (NULL, interval, NULL, condition_flag_func, NULL, NULL, &error);
            break;
          default:
            {
              Countdown *countdown = g_new0 (Countdown, 1);

              countdown->limit = 1 + (kind >> 2) % 8;
              source = cancel_source_new_condition (NULL, interval, NULL, condition_countdown,
                                                    countdown, g_free, &error);
            }
            break;
          }
        if ((source == NULL) != (error != NULL))
          fuzz_fail ("src_condition: return value and error disagree");
        if (source != NULL)
          set_source (st, slot, source, 0);
      }
      break;

    case OP_SRC_ANY:
    case OP_SRC_ALL:
      {
        guint slot = u8 (c) % N_SOURCES;
        guint8 nb = u8 (c);
        guint n = nb % 5;
        CancelSource *members[4] = { NULL, };
        CancelSource *source;
        gboolean has_null = FALSE;
        gint criticals;

        for (guint i = 0; i < n; i++)
          {
            guint8 b = u8 (c);

            members[i] = (b & 8) ? NULL : st->sources[b % N_SOURCES];
            has_null |= members[i] == NULL;
          }
        ARGS_DONE ();
        TRACE ("%s R%u n=%u members=%p,%p,%p,%p null_array=%d\n", op_names[op], slot, n,
               members[0], members[1], members[2], members[3], n == 0 && (nb & 8));
        if (!can_create (st))
          break;
        {
          CancelSource *const *array = (n == 0 && (nb & 8)) ? NULL : members;

          criticals = g_atomic_int_get (&n_criticals_cancel);
          source = op == OP_SRC_ANY ? cancel_source_new_any (array, n)
                                    : cancel_source_new_all (array, n);
        }
        /* A taken or spent member is a refused precondition too. */
        if (source != NULL && (has_null || n == 0))
          fuzz_fail ("%s: made a source from %u members (null: %d)", op_names[op], n, has_null);
        if (source == NULL && g_atomic_int_get (&n_criticals_cancel) == criticals)
          fuzz_fail ("%s: no source and no critical", op_names[op]);
        if (source != NULL)
          set_source (st, slot, source, 0);
      }
      break;

    case OP_ADD_SOURCE:
      {
        guint rslot;
        gint criticals = g_atomic_int_get (&n_criticals_cancel);
        gboolean ok;

        touched = scope_at (st, u8 (c));
        rslot = u8 (c) % N_SOURCES;
        ARGS_DONE ();
        TRACE ("add_source %p R%u=%p\n", touched, rslot, st->sources[rslot]);
        ok = cancel_scope_add_source (touched, st->sources[rslot]);
        /* Attached already, spent, or an ended scope: refused preconditions. */
        if (!ok && g_atomic_int_get (&n_criticals_cancel) == criticals)
          fuzz_fail ("add_source: failure without a critical");
        if (ok && st->source_sigmask[rslot] != 0)
          {
            SigSource entry = { st->sources[rslot], st->source_sigmask[rslot] };

            g_array_append_val (shadow_get (touched)->sig_sources, entry);
          }
      }
      break;

    case OP_REMOVE_SOURCE:
      {
        guint rslot;

        touched = scope_at (st, u8 (c));
        rslot = u8 (c) % N_SOURCES;
        ARGS_DONE ();
        TRACE ("remove_source %p R%u=%p\n", touched, rslot, st->sources[rslot]);
        forget_sig_source (touched, st->sources[rslot]);
        cancel_scope_remove_source (touched, st->sources[rslot]);
      }
      break;

    case OP_SRC_QUERY:
      {
        guint rslot = u8 (c) % N_SOURCES;
        CancelSource *source = st->sources[rslot];

        ARGS_DONE ();
        TRACE ("src_query R%u=%p\n", rslot, source);
        {
          g_autofree char *message = cancel_source_dup_message (source);
          gboolean fired = cancel_source_has_fired (source);
          CancelReason reason = cancel_source_get_reason (source);

          (void) fired;
          (void) message;
          if ((guint) reason > CANCEL_REASON_DISCONNECTED)
            fuzz_fail ("src_query: reason %d", reason);
        }
      }
      break;

    case OP_SRC_DROP:
      {
        guint rslot = u8 (c) % N_SOURCES;

        ARGS_DONE ();
        TRACE ("src_drop R%u\n", rslot);
        set_source (st, rslot, NULL, 0);
      }
      break;

    case OP_CANC_NEW:
      {
        guint cslot = u8 (c) % N_CANCELLABLES;

        ARGS_DONE ();
        TRACE ("canc_new C%u\n", cslot);
        if (!can_create (st))
          break;
        g_clear_object (&st->cancellables[cslot]);
        st->cancellables[cslot] = g_cancellable_new ();
        g_ptr_array_add (st->weak_others, weak_new (st->cancellables[cslot]));
      }
      break;

    case OP_CANC_CANCEL:
    case OP_CANC_RESET:
    case OP_CANC_DROP:
      {
        guint cslot = u8 (c) % N_CANCELLABLES;

        ARGS_DONE ();
        TRACE ("%s C%u\n", op_names[op], cslot);
        if (st->cancellables[cslot] == NULL)
          break;
        if (op == OP_CANC_CANCEL)
          g_cancellable_cancel (st->cancellables[cslot]);
        else if (op == OP_CANC_RESET)
          g_cancellable_reset (st->cancellables[cslot]);
        else
          g_clear_object (&st->cancellables[cslot]);
      }
      break;

    case OP_REG_LOOKUP:
      {
        guint8 b = u8 (c);
        guint slot = u8 (c) % N_SCOPES;
        guint64 id;

        ARGS_DONE ();
        id = arg_id (st, b);
        TRACE ("reg_lookup id=%" G_GUINT64_FORMAT " -> S%u\n", id, slot);
        {
          CancelScope *scope = cancel_registry_lookup (st->registry, id);

          if (scope != NULL && cancel_scope_get_id (scope) != id)
            fuzz_fail ("reg_lookup: asked for %" G_GUINT64_FORMAT ", got %" G_GUINT64_FORMAT,
                       id, cancel_scope_get_id (scope));
          if (scope != NULL)
            set_scope (st, slot, scope);
        }
      }
      break;

    case OP_REG_FIND_STATUS:
      {
        CancelStatus status = u8 (c) % 8;

        ARGS_DONE ();
        TRACE ("reg_find_status %d\n", status);
        {
          g_autoptr(GPtrArray) found = cancel_registry_find_by_status (st->registry, status);

          for (guint i = 0; found != NULL && i < found->len; i++)
            if (!CANCEL_IS_SCOPE (g_ptr_array_index (found, i)))
              fuzz_fail ("reg_find_status: not a scope");
        }
      }
      break;

    case OP_REG_FIND_PARENT:
      {
        CancelScope *parent = opt_scope_at (st, u8 (c));

        ARGS_DONE ();
        TRACE ("reg_find_parent %p\n", parent);
        {
          g_autoptr(GPtrArray) found = cancel_registry_find_by_parent (st->registry, parent);

          for (guint i = 0; found != NULL && i < found->len; i++)
            if (!CANCEL_IS_SCOPE (g_ptr_array_index (found, i)))
              fuzz_fail ("reg_find_parent: not a scope");
        }
      }
      break;

    case OP_REG_FIND_NAME:
      {
        const char *name = arg_name (c);

        ARGS_DONE ();
        TRACE ("reg_find_name %s\n", name ? name : "(null)");
        {
          g_autoptr(GPtrArray) found = cancel_registry_find_by_name (st->registry, name);

          for (guint i = 0; found != NULL && i < found->len; i++)
            if (!CANCEL_IS_SCOPE (g_ptr_array_index (found, i)))
              fuzz_fail ("reg_find_name: not a scope");
        }
      }
      break;

    case OP_REG_CANCEL:
      {
        guint8 b = u8 (c);
        CancelReason reason = u8 (c) % 8;
        const char *message = arg_name (c);
        guint64 id;

        ARGS_DONE ();
        id = arg_id (st, b);
        TRACE ("reg_cancel id=%" G_GUINT64_FORMAT " reason=%d\n", id, reason);
        cancel_registry_cancel (st->registry, id, reason, message);
      }
      break;

    case OP_REG_CANCEL_ALL:
      {
        CancelReason reason = u8 (c) % 8;
        const char *message = arg_name (c);

        ARGS_DONE ();
        TRACE ("reg_cancel_all reason=%d\n", reason);
        cancel_registry_cancel_all (st->registry, reason, message);
      }
      break;

    case OP_REG_CANCEL_STATUS:
      {
        CancelStatus status = u8 (c) % 8;
        CancelReason reason = u8 (c) % 8;
        const char *message = arg_name (c);

        ARGS_DONE ();
        TRACE ("reg_cancel_status status=%d reason=%d\n", status, reason);
        cancel_registry_cancel_all_with_status (st->registry, status, reason, message);
      }
      break;

    case OP_REG_STATS:
      ARGS_DONE ();
      TRACE ("reg_stats\n");
      check_registry (st);
      break;

    case OP_REG_CLEAR:
      ARGS_DONE ();
      TRACE ("reg_clear\n");
      cancel_registry_clear_history (st->registry);
      break;

    case OP_REG_LIMIT:
      {
        static const guint limits[] = { 0, 1, 2, 5, 1000, G_MAXUINT };
        guint limit = limits[u8 (c) % G_N_ELEMENTS (limits)];

        ARGS_DONE ();
        TRACE ("reg_limit %u\n", limit);
        if (limit == 5 && st->registry != NULL)
          {
            guint read_back = 0;

            /* Through the property, for once. */
            g_object_set (st->registry, "history-limit", limit, NULL);
            g_object_get (st->registry, "history-limit", &read_back, NULL);
            if (read_back != limit)
              fuzz_fail ("reg_limit: history-limit property reads %u, not %u", read_back, limit);
          }
        else
          cancel_registry_set_history_limit (st->registry, limit);
        if (st->registry != NULL && cancel_registry_get_history_limit (st->registry) != limit)
          fuzz_fail ("reg_limit: limit not kept");
        check_registry (st);
      }
      break;

    case OP_REG_MODELS:
      {
        guint8 index = u8 (c);

        ARGS_DONE ();
        TRACE ("reg_models %u\n", index);
        if (st->registry == NULL)
          break;
        {
          GListModel *models[2] = { G_LIST_MODEL (st->registry), cancel_registry_get_history (st->registry) };

          for (guint m = 0; m < 2; m++)
            {
              guint n = g_list_model_get_n_items (models[m]);
              g_autoptr(GObject) item = g_list_model_get_item (models[m], index % (n + 2));

              if (!g_signal_handler_find (models[m], G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_items_changed, NULL))
                g_signal_connect (models[m], "items-changed", G_CALLBACK (on_items_changed), NULL);
              if (g_list_model_get_item_type (models[m]) != CANCEL_TYPE_SCOPE)
                fuzz_fail ("reg_models: item type");
              if ((item != NULL) != (index % (n + 2) < n))
                fuzz_fail ("reg_models: item %u of %u", index % (n + 2), n);
              if (item != NULL && !CANCEL_IS_SCOPE (item))
                fuzz_fail ("reg_models: not a scope");
            }
          /* The registry does not keep its context alive: NULL once gone. */
          if (cancel_registry_get_context (st->registry) != st->registry_context &&
              cancel_registry_get_context (st->registry) != NULL)
            fuzz_fail ("reg_models: the registry's context is not the one it was made in");
        }
      }
      break;

    case OP_REG_RENEW:
      ARGS_DONE ();
      TRACE ("reg_renew\n");
      if (avoid_registry_context && st->nested_contexts->len > 0)
        break;
      if (!can_create (st))
        break;
      g_clear_object (&st->registry);
      st->registry = cancel_registry_new ();
      st->registry_context = g_main_context_ref_thread_default ();
      g_main_context_unref (st->registry_context);  /* identity only */
      g_ptr_array_add (st->weak_others, weak_new (st->registry));
      break;

    case OP_ITERATE:
      {
        guint n = 1 + u8 (c) % 8;

        ARGS_DONE ();
        TRACE ("iterate %u\n", n);
        iterate (st->context, n);
        check_registry (st);
      }
      break;

    case OP_WAIT:
      {
        static const gint64 waits[] = { 100, 500, 1000, 3000 };
        gint64 us = waits[u8 (c) % G_N_ELEMENTS (waits)];
        gint64 until;

        ARGS_DONE ();
        us = MIN (us, MAX_WAIT_US - st->waited_us);
        TRACE ("wait %" G_GINT64_FORMAT " µs\n", us);
        if (us <= 0)
          break;
        st->waited_us += us;
        until = g_get_monotonic_time () + us;
        while (g_get_monotonic_time () < until)
          {
            iterate (st->context, 100);
            g_usleep (100);
          }
      }
      break;

    case OP_RAISE:
      {
        guint mask = (u8 (c) & 1) ? 2 : 1;
        int signum = mask == 1 ? SIGUSR1 : SIGUSR2;

        ARGS_DONE ();
        TRACE ("raise %s\n", mask == 1 ? "SIGUSR1" : "SIGUSR2");
        if (!signal_is_armed (st, mask))
          break;
        {
          struct sigaction action;

          if (sigaction (signum, NULL, &action) != 0)
            break;
          if (!(action.sa_flags & SA_SIGINFO) &&
              (action.sa_handler == SIG_DFL || action.sa_handler == SIG_IGN))
            fuzz_fail ("raise: a source watches signal %d but it has no handler", signum);
        }
        raise (signum);
      }
      break;

    case OP_COND_FLAG:
      {
        gboolean value = u8 (c) & 1;

        ARGS_DONE ();
        TRACE ("cond_flag %d\n", value);
        g_atomic_int_set (&condition_flag, value);
      }
      break;

    case OP_THREAD:
      {
        SubOp sub;

        sub_decode (st, c, &sub);
        if (c->eof || st->n_thread_ops >= MAX_THREAD_OPS)
          {
            sub_clear (&sub);
            return;
          }
        TRACE ("thread\n");
        st->n_thread_ops++;
        helper_run (&helpers[0], &sub);
        helper_wait (&helpers[0]);
        check_scope (sub.scope, "thread");
        check_scope (sub.other, "thread");
        sub_clear (&sub);
      }
      break;

    case OP_RACE:
      {
        SubOp a, b;
        gint barrier = 0;

        sub_decode (st, c, &a);
        sub_decode (st, c, &b);
        if (avoid_race_parent && (a.kind == SUB_SET_PARENT || b.kind == SUB_SET_PARENT))
          a.skip = b.skip = TRUE;
        /* A g_cancellable_cancel() racing an end may land after it. */
        if (avoid_cancel_ended && (a.kind == SUB_END || b.kind == SUB_END) &&
            (a.kind == SUB_GCANCEL || b.kind == SUB_GCANCEL))
          a.skip = b.skip = TRUE;
        if (c->eof || st->n_thread_ops >= MAX_THREAD_OPS)
          {
            sub_clear (&a);
            sub_clear (&b);
            return;
          }
        TRACE ("race\n");
        st->n_thread_ops++;
        a.barrier = b.barrier = &barrier;
        helper_run (&helpers[0], &a);
        helper_run (&helpers[1], &b);
        helper_wait (&helpers[0]);
        helper_wait (&helpers[1]);
        check_scope (a.scope, "race");
        check_scope (b.scope, "race");
        check_scope (a.other, "race");
        check_scope (b.other, "race");
        sub_clear (&a);
        sub_clear (&b);
      }
      break;

    case OP_CHECK:
      ARGS_DONE ();
      TRACE ("check\n");
      check_all (st, "check");
      break;

    case OP_CONTEXT:
      {
        gboolean push = u8 (c) & 1;

        ARGS_DONE ();
        TRACE ("context %s\n", push ? "push" : "pop");
        if (push && st->nested_contexts->len < 2)
          {
            GMainContext *context = g_main_context_new ();

            g_main_context_push_thread_default (context);
            g_ptr_array_add (st->nested_contexts, context);
          }
        else if (!push && st->nested_contexts->len > 0)
          context_pop (st);
      }
      break;

    case OP_TASK:
      {
        guint8 mode;

        touched = scope_at (st, u8 (c));
        mode = u8 (c);
        ARGS_DONE ();
        TRACE ("task %p mode=%u callback=%d\n", touched, mode % 4, !!(mode & 4));
        /* A GTask returns through its context: one that is dropped without
         * being iterated keeps it (GLib's design, not the library's). */
        if (st->nested_contexts->len > 0)
          break;
        {
          gpointer created = GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ());
          CancelRunFlags flags = (mode % 4) == 3 ? CANCEL_RUN_FLAGS_RETURN_ON_CANCEL
                                                 : CANCEL_RUN_FLAGS_NONE;

          G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (gint64));
          /* A NULL or ended scope is refused with a counted critical. */
          if (touched != NULL && !status_is_final (cancel_scope_get_status (touched)))
            /* The worker ends the scope in its own thread. */
            shadow_get (touched)->may_end_elsewhere = TRUE;
          cancel_scope_run_in_thread_async (touched, flags, task_thread,
                                            GUINT_TO_POINTER ((guint) mode % 4), NULL,
                                            (mode & 4) ? task_done : NULL, created);
        }
      }
      break;

    case OP_ACTION:
      {
        guint8 b;
        guint slot;

        touched = scope_at (st, u8 (c));
        b = u8 (c);
        ARGS_DONE ();
        slot = (b >> 3) % G_N_ELEMENTS (st->actions);
        TRACE ("action %p name=%u activate=%d -> A%u\n", touched, b % 4, !!(b & 4), slot);
        {
          static const char *const action_names[] = { "cancel", "bad name!", NULL, "op.cancel-1" };
          GAction *action = cancel_scope_create_action (touched, action_names[b % 4]);

          if (action == NULL)
            break;
          if (g_action_get_enabled (action) != _cancel_scope_is_live (touched) &&
              !shadow_get (touched)->may_end_elsewhere)
            fuzz_fail ("action: enabled %d for a scope that is %s", g_action_get_enabled (action),
                       cancel_status_to_string (cancel_scope_get_status (touched)));
          if (b & 4)
            g_action_activate (action, NULL);
          g_clear_object (&st->actions[slot]);
          st->actions[slot] = action;
        }
      }
      break;

    case N_OPS:
    default:
      g_assert_not_reached ();
    }

#undef ARGS_DONE

  *touched_out = touched;
}

/* ------------------------------------------------------------------ */

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  State st = { 0, };
  Cursor c = { data, size, 0, FALSE };

  fuzz_init ();
  n_inputs++;
  g_atomic_int_set (&condition_flag, 0);

  st.timers_at_start = _cancel_timer_count_pending ();
  st.context = g_main_context_new ();
  g_main_context_push_thread_default (st.context);
  st.registry = cancel_registry_new ();
  st.registry_context = st.context;
  st.weak_scopes = g_ptr_array_new_with_free_func (weak_free);
  st.weak_others = g_ptr_array_new_with_free_func (weak_free);
  st.stack = g_ptr_array_new ();
  st.nested_contexts = g_ptr_array_new ();
  st.stack_is_guard = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_ptr_array_add (st.weak_others, weak_new (st.registry));

  TRACE ("--- input of %zu bytes\n", size);
  while (!c.eof && c.pos < c.size)
    run_op (&st, &c);

  teardown (&st);

  return 0;
}
