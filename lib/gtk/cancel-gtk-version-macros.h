/* cancel-gtk-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(CANCEL_GTK_INSIDE) && !defined(CANCEL_GTK_COMPILATION)
# error "Only <cancel-gtk.h> can be included directly."
#endif

#ifndef _CANCEL_GTK_EXTERN
# define _CANCEL_GTK_EXTERN __attribute__((visibility("default"))) extern
#endif

#define CANCEL_GTK_AVAILABLE_IN_ALL _CANCEL_GTK_EXTERN
