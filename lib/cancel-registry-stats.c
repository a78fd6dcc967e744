/* cancel-registry-stats.c: running sums kept by the registry's index, and
 * the immutable snapshot object made from them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-registry-private.h"
#include "cancel-registry-stats.h"

/**
 * CancelRegistryStats:
 *
 * A snapshot of a [class@Cancel.Registry]'s statistics, taken atomically
 * by [method@Cancel.Registry.get_stats].
 *
 * The snapshot never changes: take a new one to see newer values. Its
 * read-only properties can be bound (for example with
 * [method@GObject.Object.bind_property]) after each snapshot; counts by
 * [enum@Cancel.Status] are read with [method@Cancel.RegistryStats.get_live],
 * [method@Cancel.RegistryStats.get_history] and
 * [method@Cancel.RegistryStats.get_finished], so that a new status does
 * not change the type's layout.
 *
 * Every method is callable from any thread: the object is immutable.
 *
 * Since: 0.2
 */

struct _CancelRegistryStats
{
  GObject parent_instance;

  guint   live[CANCEL_N_STATUSES];
  guint   history[CANCEL_N_STATUSES];
  guint64 finished[CANCEL_N_STATUSES];
  guint64 total_started;
  guint64 total_finished;
  gint64  average_duration;
  gint64  average_cancel_latency;
  gint64  max_cancel_latency;
};

enum {
  PROP_0,
  PROP_LIVE_COUNT,
  PROP_RUNNING,
  PROP_SHIELDED,
  PROP_TOTAL_STARTED,
  PROP_TOTAL_FINISHED,
  PROP_AVERAGE_DURATION,
  PROP_AVERAGE_CANCEL_LATENCY,
  PROP_MAX_CANCEL_LATENCY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CancelRegistryStats, cancel_registry_stats, G_TYPE_OBJECT)

/* The running sums (the index's lock held) */

void
_cancel_registry_counters_add_finished (CancelRegistryCounters *counters,
                                        CancelStatus            status,
                                        gint64                  start_time,
                                        gint64                  end_time,
                                        gint64                  cancel_time)
{
  g_assert (status < CANCEL_N_STATUSES);

  counters->total_finished++;
  counters->finished[status]++;
  counters->duration_sum += MAX (end_time - start_time, 0);
  if ((status == CANCEL_STATUS_CANCELLED || status == CANCEL_STATUS_TIMED_OUT) &&
      cancel_time > 0)
    {
      gint64 latency = MAX (end_time - cancel_time, 0);

      counters->n_latencies++;
      counters->latency_sum += latency;
      counters->latency_max = MAX (counters->latency_max, latency);
    }
}

CancelRegistryStats *
_cancel_registry_stats_new (const CancelRegistryCounters *counters,
                            guint                         n_running,
                            guint                         n_shielded)
{
  CancelRegistryStats *self = g_object_new (CANCEL_TYPE_REGISTRY_STATS, NULL);

  self->live[CANCEL_STATUS_RUNNING] = n_running;
  self->live[CANCEL_STATUS_SHIELDED] = n_shielded;
  memcpy (self->history, counters->history, sizeof self->history);
  memcpy (self->finished, counters->finished, sizeof self->finished);
  self->total_started = counters->total_started;
  self->total_finished = counters->total_finished;
  if (counters->total_finished > 0)
    self->average_duration = counters->duration_sum / (gint64) counters->total_finished;
  if (counters->n_latencies > 0)
    self->average_cancel_latency = counters->latency_sum / (gint64) counters->n_latencies;
  self->max_cancel_latency = counters->latency_max;

  return self;
}

/**
 * cancel_registry_get_stats:
 * @self: a registry
 *
 * Takes a snapshot of the registry's statistics, all under one lock.
 * Totals and averages cover every scope that ended since the registry was
 * made, not only those the history still keeps. Callable from any thread.
 *
 * Returns: (transfer full): the statistics, which never change
 *
 * Since: 0.1
 */
CancelRegistryStats *
cancel_registry_get_stats (CancelRegistry *self)
{
  CancelRegistryCounters counters;
  guint n_live, n_shielded;

  g_return_val_if_fail (CANCEL_IS_REGISTRY (self), NULL);

  cancel_mutex_lock (&self->lock);

  /* The scopes count themselves while shielded, inside the time their
   * entry is live (see _cancel_scope_count_shielded_locked()): no walk.
   * One that ended but is not untracked yet counts as running. */
  n_live = self->live.length;
  n_shielded = MIN ((guint) g_atomic_int_get (&self->n_shielded), n_live);
  counters = self->counters;

  cancel_mutex_unlock (&self->lock);

  return _cancel_registry_stats_new (&counters, n_live - n_shielded, n_shielded);
}

/* GObject */

static void
cancel_registry_stats_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CancelRegistryStats *self = CANCEL_REGISTRY_STATS (object);

  switch (prop_id)
    {
    case PROP_LIVE_COUNT:
      g_value_set_uint (value, cancel_registry_stats_get_live_count (self));
      break;

    case PROP_RUNNING:
      g_value_set_uint (value, self->live[CANCEL_STATUS_RUNNING]);
      break;

    case PROP_SHIELDED:
      g_value_set_uint (value, self->live[CANCEL_STATUS_SHIELDED]);
      break;

    case PROP_TOTAL_STARTED:
      g_value_set_uint64 (value, self->total_started);
      break;

    case PROP_TOTAL_FINISHED:
      g_value_set_uint64 (value, self->total_finished);
      break;

    case PROP_AVERAGE_DURATION:
      g_value_set_int64 (value, self->average_duration);
      break;

    case PROP_AVERAGE_CANCEL_LATENCY:
      g_value_set_int64 (value, self->average_cancel_latency);
      break;

    case PROP_MAX_CANCEL_LATENCY:
      g_value_set_int64 (value, self->max_cancel_latency);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cancel_registry_stats_class_init (CancelRegistryStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cancel_registry_stats_get_property;

  /**
   * CancelRegistryStats:live-count: (getter get_live_count)
   *
   * How many scopes were live (running or shielded).
   *
   * Since: 0.2
   */
  properties[PROP_LIVE_COUNT] =
    g_param_spec_uint ("live-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:running: (getter get_running)
   *
   * How many live scopes were running and not shielded. A scope that
   * ended but was not untracked yet counts as running.
   *
   * Since: 0.2
   */
  properties[PROP_RUNNING] =
    g_param_spec_uint ("running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:shielded: (getter get_shielded)
   *
   * How many live scopes were shielded.
   *
   * Since: 0.2
   */
  properties[PROP_SHIELDED] =
    g_param_spec_uint ("shielded", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:total-started: (getter get_total_started)
   *
   * How many scopes began since the registry was made.
   *
   * Since: 0.2
   */
  properties[PROP_TOTAL_STARTED] =
    g_param_spec_uint64 ("total-started", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:total-finished: (getter get_total_finished)
   *
   * How many scopes ended since the registry was made, including those
   * the history no longer keeps.
   *
   * Since: 0.2
   */
  properties[PROP_TOTAL_FINISHED] =
    g_param_spec_uint64 ("total-finished", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:average-duration: (getter get_average_duration)
   *
   * The mean time from begin to end of the finished scopes, in µs; 0 when
   * none finished.
   *
   * Since: 0.2
   */
  properties[PROP_AVERAGE_DURATION] =
    g_param_spec_int64 ("average-duration", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:average-cancel-latency: (getter get_average_cancel_latency)
   *
   * The mean time from the cancel request to the end of cancelled and
   * timed-out scopes, in µs; 0 when there were none.
   *
   * Since: 0.2
   */
  properties[PROP_AVERAGE_CANCEL_LATENCY] =
    g_param_spec_int64 ("average-cancel-latency", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * CancelRegistryStats:max-cancel-latency: (getter get_max_cancel_latency)
   *
   * The longest time from a cancel request to the end of a cancelled or
   * timed-out scope, in µs; 0 when there were none.
   *
   * Since: 0.2
   */
  properties[PROP_MAX_CANCEL_LATENCY] =
    g_param_spec_int64 ("max-cancel-latency", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cancel_registry_stats_init (CancelRegistryStats *self)
{
}

/* Public API */

/**
 * cancel_registry_stats_get_live_count: (get-property live-count)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:live-count]. Callable from any thread.
 *
 * Returns: how many scopes were live
 *
 * Since: 0.2
 */
guint
cancel_registry_stats_get_live_count (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->live[CANCEL_STATUS_RUNNING] + self->live[CANCEL_STATUS_SHIELDED];
}

/**
 * cancel_registry_stats_get_running: (get-property running)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:running]. Callable from any thread.
 *
 * Returns: how many live scopes were running and not shielded
 *
 * Since: 0.2
 */
guint
cancel_registry_stats_get_running (CancelRegistryStats *self)
{
  return cancel_registry_stats_get_live (self, CANCEL_STATUS_RUNNING);
}

/**
 * cancel_registry_stats_get_shielded: (get-property shielded)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:shielded]. Callable from any thread.
 *
 * Returns: how many live scopes were shielded
 *
 * Since: 0.2
 */
guint
cancel_registry_stats_get_shielded (CancelRegistryStats *self)
{
  return cancel_registry_stats_get_live (self, CANCEL_STATUS_SHIELDED);
}

/**
 * cancel_registry_stats_get_total_started: (get-property total-started)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:total-started]. Callable from any
 * thread.
 *
 * Returns: how many scopes began since the registry was made
 *
 * Since: 0.2
 */
guint64
cancel_registry_stats_get_total_started (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->total_started;
}

/**
 * cancel_registry_stats_get_total_finished: (get-property total-finished)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:total-finished]. Callable from any
 * thread.
 *
 * Returns: how many scopes ended since the registry was made
 *
 * Since: 0.2
 */
guint64
cancel_registry_stats_get_total_finished (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->total_finished;
}

/**
 * cancel_registry_stats_get_average_duration: (get-property average-duration)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:average-duration]. Callable from any
 * thread.
 *
 * Returns: the mean duration of finished scopes in µs, or 0
 *
 * Since: 0.2
 */
gint64
cancel_registry_stats_get_average_duration (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->average_duration;
}

/**
 * cancel_registry_stats_get_average_cancel_latency: (get-property average-cancel-latency)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:average-cancel-latency]. Callable
 * from any thread.
 *
 * Returns: the mean cancel latency in µs, or 0
 *
 * Since: 0.2
 */
gint64
cancel_registry_stats_get_average_cancel_latency (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->average_cancel_latency;
}

/**
 * cancel_registry_stats_get_max_cancel_latency: (get-property max-cancel-latency)
 * @self: statistics
 *
 * Gets [property@Cancel.RegistryStats:max-cancel-latency]. Callable from
 * any thread.
 *
 * Returns: the longest cancel latency in µs, or 0
 *
 * Since: 0.2
 */
gint64
cancel_registry_stats_get_max_cancel_latency (CancelRegistryStats *self)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);

  return self->max_cancel_latency;
}

/**
 * cancel_registry_stats_get_live:
 * @self: statistics
 * @status: a status
 *
 * How many live scopes had @status. Only %CANCEL_STATUS_RUNNING and
 * %CANCEL_STATUS_SHIELDED can be non-zero. Callable from any thread.
 *
 * Returns: the count
 *
 * Since: 0.2
 */
guint
cancel_registry_stats_get_live (CancelRegistryStats *self,
                                CancelStatus         status)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES, 0);

  return self->live[status];
}

/**
 * cancel_registry_stats_get_history:
 * @self: statistics
 * @status: a final status
 *
 * How many of the scopes the history kept had ended with @status.
 * Callable from any thread.
 *
 * Returns: the count
 *
 * Since: 0.2
 */
guint
cancel_registry_stats_get_history (CancelRegistryStats *self,
                                   CancelStatus         status)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES, 0);

  return self->history[status];
}

/**
 * cancel_registry_stats_get_finished:
 * @self: statistics
 * @status: a final status
 *
 * How many scopes ended with @status since the registry was made,
 * including those the history no longer keeps. Callable from any thread.
 *
 * Returns: the count
 *
 * Since: 0.2
 */
guint64
cancel_registry_stats_get_finished (CancelRegistryStats *self,
                                    CancelStatus         status)
{
  g_return_val_if_fail (CANCEL_IS_REGISTRY_STATS (self), 0);
  g_return_val_if_fail ((guint) status < CANCEL_N_STATUSES, 0);

  return self->finished[status];
}
