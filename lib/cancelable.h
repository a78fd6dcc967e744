/* cancelable.h: the umbrella header of libcancelable
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#define CANCEL_INSIDE
# include "cancel-version.h"
# include "cancel-version-macros.h"
# include "cancel-enums.h"
# include "cancel-scope.h"
# include "cancel-source.h"
# include "cancel-stream.h"
# include "cancel-registry.h"
# include "cancel-registry-stats.h"
# include "cancel-subprocess.h"
# include "cancel-dbus.h"
#undef CANCEL_INSIDE
