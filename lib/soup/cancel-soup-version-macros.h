/* cancel-soup-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_SOUP_INSIDE) && !defined(CANCEL_SOUP_COMPILATION)
# error "Only <cancel-soup.h> can be included directly."
#endif

#ifndef _CANCEL_SOUP_EXTERN
# define _CANCEL_SOUP_EXTERN __attribute__((visibility("default"))) extern
#endif

#define CANCEL_SOUP_AVAILABLE_IN_ALL _CANCEL_SOUP_EXTERN
