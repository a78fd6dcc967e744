/* cancel-worker-private.h: the library's worker thread and its timer heap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CancelTimer CancelTimer;

/* Called on a firing thread when the timer's deadline passes. */
typedef void (*CancelTimerFunc) (gpointer data);

/* The worker thread's own context. Started on first use; it lives for the
 * rest of the process. Unix signal and condition sources attach here. */
GMainContext *_cancel_worker_get_context (void);

/* Runs @func (@data) on one of the library's firing threads. Firing
 * cancels scopes, so it runs their ::cancelled handlers: user code that
 * may block. Each batch of jobs wakes an idle thread or starts one (up to
 * CANCEL_MAX_FIRING_THREADS at once), and while jobs wait with none taken
 * for a millisecond another thread is woken, so one slow handler delays
 * no other deadline, signal or condition by more than about that.
 * Idle threads exit after a while. */
#define CANCEL_MAX_FIRING_THREADS 32
void          _cancel_worker_fire       (GFunc            func,
                                         gpointer         data);

/* Arms a one-shot timer at @deadline (monotonic µs), ordered in a single
 * heap served by one GSource on the timer thread (its own, so that a
 * condition function blocking the worker delays no deadline). @func runs
 * on a firing thread without any library lock held. The returned handle belongs to
 * the caller, who must give it back with _cancel_timer_stop() exactly
 * once, whether or not the timer fired; that also releases @data through
 * @destroy (after @func returned, if it was running). */
CancelTimer  *_cancel_timer_start       (gint64           deadline,
                                         CancelTimerFunc  func,
                                         gpointer         data,
                                         GDestroyNotify   destroy);
/* Moves a timer that has not fired yet. Returns FALSE if it already fired. */
gboolean      _cancel_timer_reschedule  (CancelTimer     *timer,
                                         gint64           deadline);
gint64        _cancel_timer_get_deadline (CancelTimer    *timer);
/* Returns TRUE if the timer was stopped before it fired. */
gboolean      _cancel_timer_stop        (CancelTimer     *timer);

/* Number of timers in the heap, for tests and benchmarks. */
guint         _cancel_timer_count_pending (void);

G_END_DECLS
