/* cancel-gtk-search.c: the monitor's name and status filters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"
#include "cancel-gtk-search-private.h"

struct _CancelGtkSearch
{
  GObject                parent_instance;

  GtkStringFilter       *name_filter;
  GtkCustomFilter       *status_filter;
  GtkFilter             *filter;
  gboolean               has_text;
  CancelGtkStatusFilter  status;
};

G_DEFINE_FINAL_TYPE (CancelGtkSearch, cancel_gtk_search, G_TYPE_OBJECT)

static gboolean
status_matches (gpointer item,
                gpointer user_data)
{
  CancelGtkSearch *self = user_data;
  CancelScope *scope = item;
  CancelStatus status = cancel_scope_get_status (scope);
  gboolean cancelling = _cancel_gtk_scope_is_cancelling (scope);

  switch (self->status)
    {
    case CANCEL_GTK_STATUS_FILTER_RUNNING:
      return status == CANCEL_STATUS_RUNNING && !cancelling;
    case CANCEL_GTK_STATUS_FILTER_SHIELDED:
      return status == CANCEL_STATUS_SHIELDED && !cancelling;
    case CANCEL_GTK_STATUS_FILTER_CANCELLING:
      return cancelling;
    case CANCEL_GTK_STATUS_FILTER_COMPLETED:
      return status == CANCEL_STATUS_COMPLETED;
    case CANCEL_GTK_STATUS_FILTER_CANCELLED:
      return status == CANCEL_STATUS_CANCELLED;
    case CANCEL_GTK_STATUS_FILTER_TIMED_OUT:
      return status == CANCEL_STATUS_TIMED_OUT;
    case CANCEL_GTK_STATUS_FILTER_FAILED:
      return status == CANCEL_STATUS_FAILED;
    case CANCEL_GTK_STATUS_FILTER_ALL:
    case CANCEL_GTK_N_STATUS_FILTERS:
    default:
      return TRUE;
    }
}

static void
cancel_gtk_search_dispose (GObject *object)
{
  CancelGtkSearch *self = CANCEL_GTK_SEARCH (object);

  /* The status filter's function points back at @self. */
  if (self->status_filter != NULL)
    gtk_custom_filter_set_filter_func (self->status_filter, NULL, NULL, NULL);
  g_clear_object (&self->filter);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->status_filter);

  G_OBJECT_CLASS (cancel_gtk_search_parent_class)->dispose (object);
}

static void
cancel_gtk_search_class_init (CancelGtkSearchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cancel_gtk_search_dispose;
}

static void
cancel_gtk_search_init (CancelGtkSearch *self)
{
  GtkExpression *name_expression = gtk_property_expression_new (CANCEL_TYPE_SCOPE, NULL, "name");
  GtkMultiFilter *every = GTK_MULTI_FILTER (gtk_every_filter_new ());

  self->name_filter = gtk_string_filter_new (name_expression);
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  self->status_filter = gtk_custom_filter_new (status_matches, self, NULL);

  gtk_multi_filter_append (every, g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (every, g_object_ref (GTK_FILTER (self->status_filter)));
  self->filter = GTK_FILTER (every);
}

CancelGtkSearch *
_cancel_gtk_search_new (void)
{
  return g_object_new (CANCEL_GTK_TYPE_SEARCH, NULL);
}

GtkFilter *
_cancel_gtk_search_get_filter (CancelGtkSearch *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_SEARCH (self), NULL);

  return self->filter;
}

void
_cancel_gtk_search_set_text (CancelGtkSearch *self,
                             const char      *text)
{
  g_return_if_fail (CANCEL_GTK_IS_SEARCH (self));

  self->has_text = text != NULL && text[0] != '\0';
  gtk_string_filter_set_search (self->name_filter, self->has_text ? text : NULL);
}

void
_cancel_gtk_search_set_status (CancelGtkSearch       *self,
                               CancelGtkStatusFilter  status)
{
  g_return_if_fail (CANCEL_GTK_IS_SEARCH (self));
  g_return_if_fail (status < CANCEL_GTK_N_STATUS_FILTERS);

  if (status == self->status)
    return;

  self->status = status;
  gtk_filter_changed (GTK_FILTER (self->status_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

gboolean
_cancel_gtk_search_is_active (CancelGtkSearch *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_SEARCH (self), FALSE);

  return self->has_text || self->status != CANCEL_GTK_STATUS_FILTER_ALL;
}

void
_cancel_gtk_search_refresh (CancelGtkSearch *self)
{
  g_return_if_fail (CANCEL_GTK_IS_SEARCH (self));

  if (self->status == CANCEL_GTK_STATUS_FILTER_RUNNING ||
      self->status == CANCEL_GTK_STATUS_FILTER_SHIELDED ||
      self->status == CANCEL_GTK_STATUS_FILTER_CANCELLING)
    gtk_filter_changed (GTK_FILTER (self->status_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

GListModel *
_cancel_gtk_search_dup_choices (void)
{
  GtkStringList *choices = gtk_string_list_new (NULL);

  _cancel_gtk_i18n_init ();

  /* In the order of CancelGtkStatusFilter. */
  gtk_string_list_append (choices, _("All Statuses"));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_RUNNING));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_SHIELDED));
  gtk_string_list_append (choices, C_("status", "Cancelling"));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_COMPLETED));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_CANCELLED));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_TIMED_OUT));
  gtk_string_list_append (choices, cancel_status_get_display_name (CANCEL_STATUS_FAILED));

  return G_LIST_MODEL (choices);
}
