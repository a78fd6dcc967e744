/* cancel-soup-session.h: HTTP requests under a scope
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
void    cancel_soup_session_send_and_read_async  (SoupSession         *session,
                                                  SoupMessage         *msg,
                                                  CancelScope         *scope,
                                                  int                  io_priority,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
CANCEL_SOUP_AVAILABLE_IN_ALL
GBytes *cancel_soup_session_send_and_read_finish (SoupSession         *session,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
