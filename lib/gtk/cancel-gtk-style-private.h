/* cancel-gtk-style-private.h: how statuses look
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

/* What a row shows: a live scope that was asked to cancel is drawn as
 * "cancelling", everything else by its status. */
typedef enum
{
  CANCEL_GTK_LOOK_PENDING,
  CANCEL_GTK_LOOK_RUNNING,
  CANCEL_GTK_LOOK_SHIELDED,
  CANCEL_GTK_LOOK_CANCELLING,
  CANCEL_GTK_LOOK_COMPLETED,
  CANCEL_GTK_LOOK_CANCELLED,
  CANCEL_GTK_LOOK_TIMED_OUT,
  CANCEL_GTK_LOOK_FAILED,
  CANCEL_GTK_N_LOOKS
} CancelGtkLook;

CancelGtkLook  _cancel_gtk_look_for_status     (CancelStatus   status,
                                                gboolean       cancelling);
CancelGtkLook  _cancel_gtk_look_for_scope      (CancelScope   *scope);
const char    *_cancel_gtk_look_icon_name      (CancelGtkLook  look);
/* "status-running", ...: styled by the library's stylesheet. */
const char    *_cancel_gtk_look_css_class      (CancelGtkLook  look);
void           _cancel_gtk_look_color          (CancelGtkLook  look,
                                                GdkRGBA       *color);
/* The colour of the status icon beside a text. */
void           _cancel_gtk_look_icon_color     (CancelGtkLook  look,
                                                GdkRGBA       *color);

/* Installs the library's stylesheet on @display once. */
void           _cancel_gtk_style_ensure        (GdkDisplay    *display);

/* Installs the stylesheet on every display, those open now and those
 * opened later (GTK's Inspector opens one of its own): styles computed
 * before a provider is added are not recomputed, so it must be there
 * before any widget of the library is styled. GTK thread; once. */
void           _cancel_gtk_style_init          (void);

G_END_DECLS
