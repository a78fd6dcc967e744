/* cancel-demo-op-primes.c: count primes until a condition says stop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-operation-private.h"

#define SEGMENT_SIZE (1024 * 1024)
#define CONDITION_INTERVAL 0.1

/* A segmented sieve of Eratosthenes in a GTask worker, checking the scope
 * after each segment. The scope has a condition source that polls the
 * workspace's stop flag (flipped by a switch in the window) on the
 * library's worker thread and cancels it with CANCEL_REASON_CONDITION. */
typedef struct
{
  CancelScope *scope;
  guint64      limit;
} PrimesJob;

static gboolean
stop_flag_is_set (gpointer user_data)
{
  int *flag = user_data;

  return g_atomic_int_get (flag) != 0;
}

static void
release_stop_flag (gpointer data)
{
  g_atomic_rc_box_release (data);
}

static GArray *
small_primes (guint32 up_to)
{
  g_autofree guint8 *composite = g_malloc0 (up_to + 1);
  GArray *primes = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 i;

  for (i = 2; i <= up_to; i++)
    {
      guint64 j;

      if (composite[i])
        continue;
      g_array_append_val (primes, i);
      for (j = (guint64) i * i; j <= up_to; j += i)
        composite[j] = 1;
    }

  return primes;
}

static char *
primes_thread (CancelScope  *scope,
               gpointer      data,
               GError      **error)
{
  PrimesJob *job = data;
  g_autoptr(GArray) primes = NULL;
  g_autofree guint8 *segment = g_malloc (SEGMENT_SIZE);
  g_autofree char *count_str = NULL;
  guint64 count = 0;
  guint64 low;
  char *summary;

  primes = small_primes ((guint32) sqrt ((double) job->limit) + 1);

  for (low = 0; low < job->limit; low += SEGMENT_SIZE)
    {
      guint64 high = MIN (low + SEGMENT_SIZE, job->limit);
      g_autofree char *message = NULL;
      g_autofree char *so_far = NULL;
      guint64 i;
      guint p;

      if (cancel_scope_set_error_if_cancelled (job->scope, error))
        return NULL;

      memset (segment, 1, high - low);
      for (p = 0; p < primes->len; p++)
        {
          guint64 prime = g_array_index (primes, guint32, p);
          guint64 j;

          if (prime * prime >= high)
            break;
          for (j = MAX (prime * prime, (low + prime - 1) / prime * prime); j < high; j += prime)
            segment[j - low] = 0;
        }

      for (i = MAX (low, 2); i < high; i++)
        count += segment[i - low];

      so_far = _cancel_demo_format_count (count);
      /* Translators: %s is a number */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s prime so far",
                                              "%s primes so far",
                                              (gulong) count),
                                 so_far);
      cancel_scope_report_progress (job->scope, (double) high / job->limit, message);
    }

  count_str = _cancel_demo_format_count (count);
  /* Translators: %s is a number */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Found %s prime",
                                          "Found %s primes",
                                          (gulong) count),
                             count_str);
  cancel_scope_report_progress (job->scope, 1.0, summary);
  return summary;
}

void
_cancel_demo_run_primes (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  g_autoptr(CancelSource) condition = NULL;
  GError *error = NULL;
  PrimesJob *job;

  condition = cancel_source_new_condition (_("stop requested"), CONDITION_INTERVAL, NULL,
                                           stop_flag_is_set,
                                           cancel_demo_workspace_ref_stop_flag (workspace),
                                           release_stop_flag, &error);
  if (condition == NULL)
    {
      cancel_scope_begin (scope);
      _cancel_demo_operation_return (task, NULL, error);
      return;
    }
  cancel_scope_add_source (scope, condition);

  job = g_new0 (PrimesJob, 1);
  job->scope = scope;
  job->limit = MAX (sizes->primes_limit, 2);

  _cancel_demo_operation_run_in_thread (task, primes_thread, job, g_free);
}
