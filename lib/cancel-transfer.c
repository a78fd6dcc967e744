/* cancel-transfer.c: byte counts reported as a scope's progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"
#include "cancel-transfer-private.h"

/* With an unknown total, a report every this many bytes. */
#define UNKNOWN_TOTAL_STEP (256 * 1024)

void
_cancel_transfer_init (CancelTransfer *transfer,
                       goffset         total)
{
  __atomic_store_n (&transfer->done, 0, __ATOMIC_RELAXED);
  transfer->total = total;
  transfer->reported = -1;
}

goffset
_cancel_transfer_get_done (CancelTransfer *transfer)
{
  return __atomic_load_n (&transfer->done, __ATOMIC_RELAXED);
}

char *
_cancel_transfer_describe (goffset done,
                           goffset total)
{
  g_autofree char *done_text = g_format_size_full (done, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *total_text = NULL;

  if (total < 0)
    return g_steal_pointer (&done_text);

  total_text = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: progress of a transfer, e.g. “12.3 MiB of 40.0 MiB” */
  return g_strdup_printf (_("%s of %s"), done_text, total_text);
}

void
_cancel_transfer_report (CancelTransfer *transfer,
                         CancelScope    *scope)
{
  gint64 done = _cancel_transfer_get_done (transfer);
  g_autofree char *message = NULL;
  double fraction = -1.0;

  transfer->reported = done;
  if (scope == NULL)
    return;

  if (transfer->total > 0)
    fraction = CLAMP ((double) done / (double) transfer->total, 0.0, 1.0);
  else if (transfer->total == 0)
    fraction = 1.0;

  message = _cancel_transfer_describe (done, transfer->total);
  cancel_scope_report_progress (scope, fraction, message);
}

void
_cancel_transfer_add (CancelTransfer *transfer,
                      CancelScope    *scope,
                      goffset         n)
{
  gint64 done = __atomic_add_fetch (&transfer->done, n, __ATOMIC_RELAXED);
  gint64 step;

  /* A thousandth of the total moves a progress bar by a pixel at most.
   * Reaching the total is reported once: a body longer than announced
   * goes on at the usual step, not with a report per read. */
  step = transfer->total > 0 ? MAX (transfer->total / 1000, 1) : UNKNOWN_TOTAL_STEP;
  if (transfer->reported < 0 ||
      done - transfer->reported >= step ||
      (transfer->total >= 0 && done >= transfer->total && transfer->reported < transfer->total))
    _cancel_transfer_report (transfer, scope);
}
