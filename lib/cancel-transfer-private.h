/* cancel-transfer-private.h: byte counts reported as a scope's progress
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-scope.h"

G_BEGIN_DECLS

/* Shared by everything that moves bytes under a scope (stream wrappers,
 * file copies, HTTP bodies). One thread counts at a time (a stream's own
 * rule); any thread may read the count. Reports are coalesced: formatting
 * a message for every 4 KiB read would cost more than the read. */
typedef struct
{
  gint64 done;      /* atomic */
  gint64 total;     /* < 0: unknown */
  gint64 reported;  /* done at the last report, -1 before the first */
} CancelTransfer;

void    _cancel_transfer_init     (CancelTransfer *transfer,
                                   goffset         total);
goffset _cancel_transfer_get_done (CancelTransfer *transfer);
/* Counts @n bytes; reports to @scope (if not NULL) when the count moved
 * far enough since the last report, or reached the total. */
void    _cancel_transfer_add      (CancelTransfer *transfer,
                                   CancelScope    *scope,
                                   goffset         n);
/* Reports the count now (the end of a stream, or a new total). */
void    _cancel_transfer_report   (CancelTransfer *transfer,
                                   CancelScope    *scope);
/* "12.3 MiB of 40.0 MiB", or "12.3 MiB" when @total < 0. */
char   *_cancel_transfer_describe (goffset         done,
                                   goffset         total);

G_END_DECLS
