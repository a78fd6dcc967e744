/* scope-test-util.h: helpers for the GTK tests that run scopes
 *
 * Apart from gtk-test-util.h, which inspector-child.c (a plain GTK
 * program) includes too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cancelable.h>

/* Begins a scope named @name under @parent (NULL: a root) in @registry;
 * @keep holds the reference. */
static inline CancelScope *
test_start_scope (CancelRegistry *registry,
                  GPtrArray      *keep,
                  CancelScope    *parent,
                  const char     *name)
{
  CancelScope *scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_NONE);

  cancel_scope_set_registry (scope, registry);
  cancel_scope_begin (scope);
  g_ptr_array_add (keep, scope);

  return scope;
}
