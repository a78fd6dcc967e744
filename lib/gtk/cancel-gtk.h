/* cancel-gtk.h: the umbrella header of libcancelable-gtk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

#define CANCEL_GTK_INSIDE
# include "cancel-gtk-version-macros.h"
# include "cancel-gtk-init.h"
# include "cancel-gtk-monitor.h"
#undef CANCEL_GTK_INSIDE
