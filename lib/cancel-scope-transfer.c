/* cancel-scope-transfer.c: byte counts from a file copy as a scope's
 * progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-transfer-private.h"

/**
 * cancel_scope_report_bytes:
 * @self: a scope
 * @current: how many bytes were transferred so far
 * @total: how many bytes there are in all, or -1 when unknown
 *
 * Reports a transfer's progress: the fraction @current / @total (-1 when
 * @total is unknown) with the sizes as the message, as in
 * “12.3 MiB of 40.0 MiB”. Like [method@Cancel.Scope.report_progress], the
 * signals are coalesced to one per iteration of the owner context.
 *
 * From a binding, call it from a progress callback of your own, such as
 * the one of g_file_copy_async() (run the copy under a main loop, as
 * [func@Cancel.Scope.file_progress] says why); C code can pass
 * [func@Cancel.Scope.file_progress] instead. The last report wins: a
 * report that arrives late overwrites a newer one.
 *
 * Callable from any thread.
 *
 * Since: 0.2
 */
void
cancel_scope_report_bytes (CancelScope *self,
                           goffset      current,
                           goffset      total)
{
  CancelTransfer transfer;

  g_return_if_fail (CANCEL_IS_SCOPE (self));
  g_return_if_fail (current >= 0);

  _cancel_transfer_init (&transfer, MAX (total, -1));
  transfer.done = current;
  _cancel_transfer_report (&transfer, self);
}

/**
 * cancel_scope_file_progress: (skip)
 * @current_num_bytes: how many bytes were copied so far
 * @total_num_bytes: the size of the file
 * @user_data: (type CancelScope): the scope to report to
 *
 * A [callback@Gio.FileProgressCallback] that reports a copy's progress to
 * the scope passed as its data, through
 * [method@Cancel.Scope.report_bytes]:
 *
 * ```c
 * g_file_copy_async (source, destination, G_FILE_COPY_NONE, G_PRIORITY_DEFAULT,
 *                    G_CANCELLABLE (scope), cancel_scope_file_progress, scope,
 *                    copy_done, scope);
 * ```
 *
 * The scope must outlive the copy, which passing it as the cancellable
 * ensures. Run the copy under a [struct@GLib.MainLoop] (as
 * [method@Gio.Application.run] does): GIO then calls this on the loop's
 * thread, in order, and the last call comes before the copy's result.
 * GLib 2.74 calls it in GIO's worker thread instead whenever no thread
 * owns the copy's context, so a loop that iterates the context by hand can
 * see an earlier call arrive after the last one and the progress end
 * short of 1.
 *
 * Callable from any thread.
 *
 * Since: 0.2
 */
void
cancel_scope_file_progress (goffset  current_num_bytes,
                            goffset  total_num_bytes,
                            gpointer user_data)
{
  g_return_if_fail (CANCEL_IS_SCOPE (user_data));

  cancel_scope_report_bytes (user_data, current_num_bytes, total_num_bytes);
}
