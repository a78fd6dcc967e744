/* cancel-source-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-source.h"

G_BEGIN_DECLS

/* Called by the scope when it ends or is disposed, with no scope lock
 * held, for every source still attached: stop timers, signal watches,
 * polls and links; the source no longer refers to the scope. */
void _cancel_source_disarm (CancelSource *self);

G_END_DECLS
