/* cancel-soup-server.h: a scope for each request a SoupServer handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_SOUP_INSIDE) && !defined(CANCEL_SOUP_COMPILATION)
# error "Only <cancel-soup.h> can be included directly."
#endif

#include <libsoup/soup.h>
#include <cancelable.h>

#include "cancel-soup-version-macros.h"

G_BEGIN_DECLS

CANCEL_SOUP_AVAILABLE_IN_ALL
CancelScope *cancel_soup_server_message_get_scope (SoupServerMessage *msg);

G_END_DECLS
