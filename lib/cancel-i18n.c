/* cancel-i18n.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-i18n-private.h"

void
_cancel_i18n_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      _cancel_i18n_bind (GETTEXT_PACKAGE, LOCALEDIR);
      g_once_init_leave (&initialized, 1);
    }
}
