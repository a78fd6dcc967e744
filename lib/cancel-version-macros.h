/* cancel-version-macros.h: symbol availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_INSIDE) && !defined(CANCEL_COMPILATION)
# error "Only <cancelable.h> can be included directly."
#endif

#include <glib.h>

#include "cancel-version.h"

/* The library is built with -fvisibility=hidden: only symbols marked
 * with these macros are exported. */
#ifndef _CANCEL_EXTERN
# define _CANCEL_EXTERN __attribute__((visibility("default"))) extern
#endif

#define CANCEL_AVAILABLE_IN_ALL _CANCEL_EXTERN
#define CANCEL_AVAILABLE_IN_1_0 _CANCEL_EXTERN
