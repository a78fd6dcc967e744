/* cancel-gtk-search-private.h: the monitor's name and status filters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

/* The status filter choices, in the order of the drop-down. */
typedef enum
{
  CANCEL_GTK_STATUS_FILTER_ALL,
  CANCEL_GTK_STATUS_FILTER_RUNNING,
  CANCEL_GTK_STATUS_FILTER_SHIELDED,
  CANCEL_GTK_STATUS_FILTER_CANCELLING,
  CANCEL_GTK_STATUS_FILTER_COMPLETED,
  CANCEL_GTK_STATUS_FILTER_CANCELLED,
  CANCEL_GTK_STATUS_FILTER_TIMED_OUT,
  CANCEL_GTK_STATUS_FILTER_FAILED,
  CANCEL_GTK_N_STATUS_FILTERS
} CancelGtkStatusFilter;

#define CANCEL_GTK_TYPE_SEARCH (cancel_gtk_search_get_type ())

G_DECLARE_FINAL_TYPE (CancelGtkSearch, cancel_gtk_search, CANCEL_GTK, SEARCH, GObject)

/* What the monitor's lists are filtered by: a part of the name (any case)
 * and a status. No widget; all calls on the GTK thread. */
CancelGtkSearch *_cancel_gtk_search_new         (void);
/* The filter of CancelScope items: name and status both match. */
GtkFilter       *_cancel_gtk_search_get_filter  (CancelGtkSearch       *self);
/* @text: NULL or "" for any name. */
void             _cancel_gtk_search_set_text    (CancelGtkSearch       *self,
                                                 const char            *text);
void             _cancel_gtk_search_set_status  (CancelGtkSearch       *self,
                                                 CancelGtkStatusFilter  status);
/* TRUE when a name or a status is asked for. */
gboolean         _cancel_gtk_search_is_active   (CancelGtkSearch       *self);
/* A status of live operations goes stale as they get cancelled: filters
 * again when one is asked for. */
void             _cancel_gtk_search_refresh     (CancelGtkSearch       *self);
/* The names of the choices, in the order of CancelGtkStatusFilter. */
GListModel      *_cancel_gtk_search_dup_choices (void);

G_END_DECLS
