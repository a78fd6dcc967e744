/* cancel-gtk-style.c: how statuses look
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-style-private.h"

#define STYLE_PROVIDER_KEY "cancel-gtk-style-provider"

/* Fills (timeline bars, swatches) take the colour; icons beside text
 * take a darker one where the fill's would be faint on a light row. */
static const struct
{
  const char *icon_name;
  const char *css_class;
  const char *color;
  const char *icon_color;
} looks[CANCEL_GTK_N_LOOKS] = {
  [CANCEL_GTK_LOOK_PENDING]    = { "content-loading-symbolic",      "status-pending",    "#9a9996", "#9a9996" },
  [CANCEL_GTK_LOOK_RUNNING]    = { "media-playback-start-symbolic", "status-running",    "#3584e4", "#3584e4" },
  [CANCEL_GTK_LOOK_SHIELDED]   = { "security-high-symbolic",        "status-shielded",   "#2190a4", "#2190a4" },
  [CANCEL_GTK_LOOK_CANCELLING] = { "process-stop-symbolic",         "status-cancelling", "#f5c211", "#c88800" },
  [CANCEL_GTK_LOOK_COMPLETED]  = { "emblem-ok-symbolic",            "status-completed",  "#2ec27e", "#26a269" },
  [CANCEL_GTK_LOOK_CANCELLED]  = { "process-stop-symbolic",         "status-cancelled",  "#ff7800", "#ff7800" },
  [CANCEL_GTK_LOOK_TIMED_OUT]  = { "alarm-symbolic",                "status-timed-out",  "#9141ac", "#9141ac" },
  [CANCEL_GTK_LOOK_FAILED]     = { "dialog-error-symbolic",         "status-failed",     "#e01b24", "#e01b24" },
};

CancelGtkLook
_cancel_gtk_look_for_status (CancelStatus status,
                             gboolean     cancelling)
{
  switch (status)
    {
    case CANCEL_STATUS_PENDING:
      return cancelling ? CANCEL_GTK_LOOK_CANCELLING : CANCEL_GTK_LOOK_PENDING;
    case CANCEL_STATUS_RUNNING:
      return cancelling ? CANCEL_GTK_LOOK_CANCELLING : CANCEL_GTK_LOOK_RUNNING;
    case CANCEL_STATUS_SHIELDED:
      return cancelling ? CANCEL_GTK_LOOK_CANCELLING : CANCEL_GTK_LOOK_SHIELDED;
    case CANCEL_STATUS_COMPLETED:
      return CANCEL_GTK_LOOK_COMPLETED;
    case CANCEL_STATUS_CANCELLED:
      return CANCEL_GTK_LOOK_CANCELLED;
    case CANCEL_STATUS_TIMED_OUT:
      return CANCEL_GTK_LOOK_TIMED_OUT;
    case CANCEL_STATUS_FAILED:
      return CANCEL_GTK_LOOK_FAILED;
    default:
      return CANCEL_GTK_LOOK_PENDING;
    }
}

CancelGtkLook
_cancel_gtk_look_for_scope (CancelScope *scope)
{
  return _cancel_gtk_look_for_status (cancel_scope_get_status (scope),
                                      _cancel_gtk_scope_is_cancelling (scope));
}

const char *
_cancel_gtk_look_icon_name (CancelGtkLook look)
{
  g_return_val_if_fail (look < CANCEL_GTK_N_LOOKS, NULL);

  return looks[look].icon_name;
}

const char *
_cancel_gtk_look_css_class (CancelGtkLook look)
{
  g_return_val_if_fail (look < CANCEL_GTK_N_LOOKS, NULL);

  return looks[look].css_class;
}

void
_cancel_gtk_look_color (CancelGtkLook  look,
                        GdkRGBA       *color)
{
  g_return_if_fail (look < CANCEL_GTK_N_LOOKS);

  gdk_rgba_parse (color, looks[look].color);
}

void
_cancel_gtk_look_icon_color (CancelGtkLook  look,
                             GdkRGBA       *color)
{
  g_return_if_fail (look < CANCEL_GTK_N_LOOKS);

  gdk_rgba_parse (color, looks[look].icon_color);
}

void
_cancel_gtk_style_ensure (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  g_return_if_fail (GDK_IS_DISPLAY (display));

  if (g_object_get_data (G_OBJECT (display), STYLE_PROVIDER_KEY) != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/gnome/CancelGtk/cancel-gtk.css");

  /* Above the theme, which GTK 4 adds at the SETTINGS priority, so the
   * few theme rules we adjust give way; below the application and the
   * user, so they can restyle the monitor. */
  gtk_style_context_add_provider_for_display (display,
                                              GTK_STYLE_PROVIDER (provider),
                                              (GTK_STYLE_PROVIDER_PRIORITY_SETTINGS +
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION) / 2);
  g_object_set_data_full (G_OBJECT (display), STYLE_PROVIDER_KEY,
                          g_steal_pointer (&provider), g_object_unref);
}

static void
on_display_opened (GdkDisplayManager *manager,
                   GdkDisplay        *display,
                   gpointer           user_data)
{
  _cancel_gtk_style_ensure (display);
}

void
_cancel_gtk_style_init (void)
{
  static gboolean initialized;
  GdkDisplayManager *manager;
  GSList *displays, *l;

  if (initialized)
    return;
  initialized = TRUE;

  manager = gdk_display_manager_get ();
  displays = gdk_display_manager_list_displays (manager);
  for (l = displays; l != NULL; l = l->next)
    _cancel_gtk_style_ensure (l->data);
  g_slist_free (displays);

  g_signal_connect (manager, "display-opened", G_CALLBACK (on_display_opened), NULL);
}
