/* gtk-known-warnings.h: the one GTK 4.8 warning the GTK tests tolerate
 *
 * GtkColumnView 4.8 allocates its header row before its list; rows the
 * list creates during that allocation add cells to the columns, which
 * queue a resize of the header (gtk_column_view_column_add_cell ->
 * _queue_resize). The header then paints that frame with a stale
 * allocation and GTK warns "Trying to snapshot GtkListItemWidget ...
 * without a current allocation" (seen with rows added while a monitor is
 * shown, more often under load). The header is drawn right in the next
 * frame; the rows whose cells that call resized can paint stale the same
 * way. Nothing of ours can order GTK's allocation. g_test_init() makes
 * every warning fatal: this keeps that one non-fatal, only for a row or
 * the header of a column view. Everything else stays fatal.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>

static gboolean
gtk48_is_column_header_warning (const char     *log_domain,
                                GLogLevelFlags  log_level,
                                const char     *message)
{
  static const char prefix[] = "Trying to snapshot GtkListItemWidget ";
  void *pointer = NULL;
  GtkWidget *parent;

  if (g_strcmp0 (log_domain, "Gtk") != 0 || !(log_level & G_LOG_LEVEL_WARNING) ||
      message == NULL || strncmp (message, prefix, strlen (prefix)) != 0 ||
      strstr (message, " without a current allocation") == NULL ||
      sscanf (message + strlen (prefix), "%p", &pointer) != 1 ||
      !GTK_IS_WIDGET (pointer))
    return FALSE;

  /* Logged from the paint of that very widget: it is alive. The header
   * row is the column view's child; the rows, whose cells the same call
   * resizes, are children of its list. */
  parent = gtk_widget_get_parent (pointer);

  return GTK_IS_COLUMN_VIEW (parent) ||
         (parent != NULL && GTK_IS_COLUMN_VIEW (gtk_widget_get_parent (parent)));
}

/* GTK logs with g_log_structured(), whose default writer aborts on its
 * own (no fatal handler is asked): this writer shows the tolerated
 * warning without aborting and hands everything else to the default. */
static GLogWriterOutput
gtk48_known_warnings_writer (GLogLevelFlags   log_level,
                             const GLogField *fields,
                             gsize            n_fields,
                             gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0 && g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (fields[i].length < 0 && g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;

  if (gtk48_is_column_header_warning (domain, log_level, message))
    return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static inline void
gtk_test_tolerate_column_header_warning (void)
{
  g_log_set_writer_func (gtk48_known_warnings_writer, NULL, NULL);
}
