/* cancel-demo-operation-private.h: shared by the launchers' implementations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-demo-operation.h"

G_BEGIN_DECLS

/* Each launcher starts from cancel_demo_operation_run()'s task and owns
 * that reference: its source object is the workspace, its task data the
 * operation's scope (PENDING, possibly cancelled already, maybe with a
 * timeout). It begins the scope, does the work under it and finishes with
 * _cancel_demo_operation_return(), exactly once, on the main context the
 * task was made on. */
void _cancel_demo_run_hash      (GTask *task);
void _cancel_demo_run_copy      (GTask *task);
void _cancel_demo_run_command   (GTask *task);
void _cancel_demo_run_batch     (GTask *task);
void _cancel_demo_run_journal   (GTask *task);
void _cancel_demo_run_primes    (GTask *task);
void _cancel_demo_run_download  (GTask *task);

CancelScope *_cancel_demo_operation_get_scope (GTask *task);

/* Ends the scope (unless ended already) with @error, after reporting
 * @summary as its last progress message, then returns the task. Takes
 * @summary, @error and the task reference. */
void _cancel_demo_operation_return  (GTask    *task,
                                     char     *summary,
                                     GError   *error);

/* Work run in a thread under the operation's scope: returns its summary,
 * or NULL with @error set. */
typedef char *(*CancelDemoWorkFunc) (CancelScope  *scope,
                                     gpointer      job,
                                     GError      **error);

/* Runs @func with @job in a thread under the operation's scope
 * (cancel_scope_run_in_thread_async()), then returns the task with the
 * summary or the scope's error. @job is freed with @job_free once done. */
void _cancel_demo_operation_run_in_thread (GTask              *task,
                                           CancelDemoWorkFunc  func,
                                           gpointer            job,
                                           GDestroyNotify      job_free);

typedef gboolean (*CancelDemoStepFunc) (CancelScope  *step,
                                        gpointer      data,
                                        GError      **error);

/* Runs @func in the calling thread under a new child scope of the current
 * scope (shielded if asked), begun, current and ended with its outcome. */
gboolean _cancel_demo_run_step      (const char          *name,
                                     gboolean             shielded,
                                     CancelDemoStepFunc   func,
                                     gpointer             data,
                                     GError             **error);

/* After a GIO call given @scope as its cancellable failed with *@error:
 * if @scope was cancelled, replaces GIO's generic "Operation was
 * cancelled" by the scope's own error, which names the operation and the
 * reason (and is G_IO_ERROR_TIMED_OUT for a timeout). */
void _cancel_demo_explain_error     (CancelScope  *scope,
                                     GError      **error);

/* A fast, reproducible pseudo-random stream (xorshift64*). */
void _cancel_demo_fill_random       (guint64  *state,
                                     guint8   *buffer,
                                     gsize     length);

/* A human-readable "12.0 MiB" */
char *_cancel_demo_format_size      (guint64   bytes);

/* A count with the locale's digit grouping: "20,000,000,000" in English,
 * "20.000.000.000" in German, "20000000000" in the C locale. */
char *_cancel_demo_format_count     (guint64   n);

G_END_DECLS
