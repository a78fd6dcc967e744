/* cancel-registry-private.h: how scopes feed a registry
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "cancel-registry.h"

G_BEGIN_DECLS

/* Both are called from any thread, with no scope lock held, exactly once
 * per scope and in this order: track from cancel_scope_begin() (after the
 * scope is RUNNING), untrack from cancel_scope_end() (after its final
 * status, end time and error are set). They only queue work; the list
 * models change on the registry's context. */
void _cancel_registry_track   (CancelRegistry *self,
                               CancelScope    *scope);
void _cancel_registry_untrack (CancelRegistry *self,
                               CancelScope    *scope);

G_END_DECLS
