/* cancel-i18n-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libintl.h>
#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* The library, the GTK part and the demo share one gettext domain. Bind
 * it to the install location only if nobody bound it yet (an application
 * may have bound it to a relocated folder): unbound, bindtextdomain()
 * reports the C library's default folder. */
static inline void
_cancel_i18n_bind (const char *domain,
                   const char *localedir)
{
  const char *current = bindtextdomain (domain, NULL);

  if (current == NULL || strcmp (current, "/usr/share/locale") == 0)
    bindtextdomain (domain, localedir);
  bind_textdomain_codeset (domain, "UTF-8");
}

/* Binds the library's gettext domain once; cheap after the first call. */
void _cancel_i18n_init (void);

G_END_DECLS
