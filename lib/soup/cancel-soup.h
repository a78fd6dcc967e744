/* cancel-soup.h: the umbrella header of libcancelable-soup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <cancelable.h>

#define CANCEL_SOUP_INSIDE
# include "cancel-soup-version-macros.h"
# include "cancel-soup-session.h"
# include "cancel-soup-server.h"
#undef CANCEL_SOUP_INSIDE
