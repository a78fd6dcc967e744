/* cancel-gtk-details.c: the details pane of the monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-gtk-details-private.h"
#include "cancel-gtk-format-private.h"
#include "cancel-gtk-init-private.h"

static const struct
{
  const char *field;
  const char *caption;
} detail_fields[] = {
  { "id",        N_("ID") },
  { "status",    N_("Status") },
  { "cause",     N_("Cause") },
  { "parent",    N_("Parent") },
  { "children",  N_("Children") },
  { "started",   N_("Started") },
  { "duration",  N_("Duration") },
  { "deadline",  N_("Deadline") },
  { "progress",  N_("Progress") },
  { "error",     N_("Error") },
};

struct _CancelGtkDetails
{
  GtkWidget    parent_instance;

  CancelScope *scope;
  gulong       notify_handler;
  GHashTable  *values;
  /* The registry's finished operations: where a finished operation's
   * children are found once they left its live children model. */
  GListModel  *history;
  /* Counting walks the history: at most every COUNT_INTERVAL, not at
   * every notification of a busy scope (a batch reports its progress
   * hundreds of times a second). */
  guint        finished_children;
  gint64       counted_at;
  gboolean     count_stale;
  gulong       history_handler;

  /* Template children */
  GtkStack    *stack;
  GtkLabel    *title;
  GtkGrid     *grid;
};

G_DEFINE_FINAL_TYPE (CancelGtkDetails, cancel_gtk_details, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_detail (CancelGtkDetails *self,
            const char       *field,
            const char       *text)
{
  GtkLabel *label = g_hash_table_lookup (self->values, field);

  g_assert (label != NULL);

  if (text == NULL || text[0] == '\0')
    text = "—";

  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
take_detail (CancelGtkDetails *self,
             const char       *field,
             char             *text)
{
  set_detail (self, field, text);
  g_free (text);
}

static void
update_times (CancelGtkDetails *self,
              gint64            now)
{
  gint64 start = cancel_scope_get_start_time (self->scope);
  gint64 end = cancel_scope_get_end_time (self->scope);
  g_autofree char *duration = NULL;

  if (start <= 0)
    {
      set_detail (self, "started", _("Not started"));
      set_detail (self, "duration", NULL);
      return;
    }

  duration = _cancel_gtk_format_duration ((end > 0 ? end : now) - start);
  if (end > 0)
    {
      /* Ended: the time of day it started, which stays right while
       * nothing runs and the monitor does not tick. */
      gint64 started_at = g_get_real_time () - (now - start);
      g_autoptr(GDateTime) started = g_date_time_new_from_unix_local (started_at / G_USEC_PER_SEC);

      take_detail (self, "started", g_date_time_format (started, "%X"));
      set_detail (self, "duration", duration);
    }
  else
    {
      g_autofree char *ago = _cancel_gtk_format_duration (now - start);

      /* Translators: %s is a duration: "12 s ago" */
      take_detail (self, "started", g_strdup_printf (_("%s ago"), ago));
      /* Translators: %s is a duration */
      take_detail (self, "duration", g_strdup_printf (_("%s so far"), duration));
    }
}

static void
update_deadline (CancelGtkDetails *self)
{
  gint64 remaining = cancel_scope_get_remaining (self->scope);
  g_autofree char *in = NULL;

  if (cancel_status_is_final (cancel_scope_get_status (self->scope)))
    {
      /* An ended scope keeps its own deadline: say where it was, relative
       * to the start, and whether the operation got there. */
      gint64 deadline = cancel_scope_get_deadline (self->scope);
      gint64 start = cancel_scope_get_start_time (self->scope);
      gint64 end = cancel_scope_get_end_time (self->scope);
      g_autofree char *after = NULL;

      if (deadline == CANCEL_NO_DEADLINE || start <= 0)
        {
          set_detail (self, "deadline", C_("deadline", "None"));
          return;
        }

      after = _cancel_gtk_format_duration (deadline - start);
      if (end >= deadline || cancel_scope_get_status (self->scope) == CANCEL_STATUS_TIMED_OUT)
        /* Translators: %s is a duration: "60 s after the start, reached" */
        take_detail (self, "deadline", g_strdup_printf (_("%s after the start, reached"), after));
      else
        /* Translators: %s is a duration: "60 s after the start, not reached" */
        take_detail (self, "deadline", g_strdup_printf (_("%s after the start, not reached"), after));
      return;
    }

  if (remaining < 0)
    {
      set_detail (self, "deadline", C_("deadline", "None"));
      return;
    }

  if (remaining == 0)
    {
      set_detail (self, "deadline", C_("deadline", "Passed"));
      return;
    }

  in = _cancel_gtk_format_duration (remaining);
  /* Translators: %s is a duration: "in 3.5 s" */
  take_detail (self, "deadline", g_strdup_printf (_("in %s"), in));
}

/* A scope's children model lists its running children only (they leave
 * it when they end): the finished ones are found in the history, where
 * an ended child still names its parent. */
#define COUNT_INTERVAL (G_USEC_PER_SEC / 2)

static guint
count_finished_children (CancelGtkDetails *self)
{
  gint64 now = g_get_monotonic_time ();
  guint i, n, count = 0;

  if (self->history == NULL)
    return 0;
  /* A change of the history counts at once for an ended scope (its
   * children arrive there last), within COUNT_INTERVAL for a running one. */
  if (self->counted_at != 0 &&
      (!self->count_stale ||
       (!cancel_status_is_final (cancel_scope_get_status (self->scope)) &&
        now - self->counted_at < COUNT_INTERVAL)))
    return self->finished_children;

  n = g_list_model_get_n_items (self->history);
  for (i = 0; i < n; i++)
    {
      g_autoptr(CancelScope) item = g_list_model_get_item (self->history, i);
      g_autoptr(CancelScope) parent = cancel_scope_dup_parent (item);

      if (parent == self->scope)
        count++;
    }

  self->finished_children = count;
  self->counted_at = now;
  self->count_stale = FALSE;

  return count;
}

static void
update_children (CancelGtkDetails *self)
{
  guint running = 0, total;
  g_autofree char *total_text = NULL;
  g_autofree char *running_text = NULL;

  if (_cancel_gtk_scope_is_local (self->scope))
    running = g_list_model_get_n_items (cancel_scope_get_children (self->scope));
  total = running + count_finished_children (self);
  total_text = _cancel_gtk_format_count (total);
  running_text = _cancel_gtk_format_count (running);

  if (running == 0)
    set_detail (self, "children", total_text);
  else if (running == total)
    /* Translators: a number of child operations, all of them running */
    take_detail (self, "children", g_strdup_printf (_("%s running"), total_text));
  else
    /* Translators: a number of child operations, then how many of them run */
    take_detail (self, "children", g_strdup_printf (_("%s (%s running)"), total_text, running_text));
}

static void
update_progress (CancelGtkDetails *self)
{
  double progress = cancel_scope_get_progress (self->scope);
  g_autofree char *message = cancel_scope_dup_progress_message (self->scope);
  int percent = (int) (progress * 100 + 0.5);

  if (progress < 0)
    set_detail (self, "progress", message);
  else if (message != NULL)
    take_detail (self, "progress", g_strdup_printf (_("%d %% · %s"), percent, message));
  else
    take_detail (self, "progress", g_strdup_printf (_("%d %%"), percent));
}

void
_cancel_gtk_details_update (CancelGtkDetails *self)
{
  CancelScope *scope;
  g_autoptr(CancelScope) parent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (CANCEL_GTK_IS_DETAILS (self));

  scope = self->scope;
  if (scope == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "details");

  name = _cancel_gtk_format_scope_name (scope);
  if (g_strcmp0 (gtk_label_get_label (self->title), name) != 0)
    gtk_label_set_label (self->title, name);

  take_detail (self, "id", g_strdup_printf ("%" G_GUINT64_FORMAT, cancel_scope_get_id (scope)));
  set_detail (self, "status", _cancel_gtk_format_status (scope));
  take_detail (self, "cause", _cancel_gtk_describe_cause (scope));

  parent = cancel_scope_dup_parent (scope);
  if (parent != NULL)
    {
      g_autofree char *parent_name = _cancel_gtk_format_scope_name (parent);

      take_detail (self, "parent", g_strdup_printf ("“%s” (#%" G_GUINT64_FORMAT ")",
                                                    parent_name, cancel_scope_get_id (parent)));
    }
  else
    set_detail (self, "parent", C_("parent", "None"));

  update_children (self);
  update_times (self, g_get_monotonic_time ());
  update_deadline (self);
  update_progress (self);

  error = cancel_scope_dup_error (scope);
  set_detail (self, "error", error != NULL ? error->message : C_("error", "None"));
}

static void
on_scope_notify (CancelScope      *scope,
                 GParamSpec       *pspec,
                 CancelGtkDetails *self)
{
  _cancel_gtk_details_update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
clear_scope (CancelGtkDetails *self)
{
  if (self->scope == NULL)
    return;

  g_clear_signal_handler (&self->notify_handler, self->scope);
  g_clear_object (&self->scope);
}

gboolean
_cancel_gtk_details_set_scope (CancelGtkDetails *self,
                               CancelScope      *scope)
{
  g_return_val_if_fail (CANCEL_GTK_IS_DETAILS (self), FALSE);
  g_return_val_if_fail (scope == NULL || CANCEL_IS_SCOPE (scope), FALSE);

  if (self->scope == scope)
    return FALSE;

  clear_scope (self);
  self->counted_at = 0;

  if (scope != NULL)
    {
      self->scope = g_object_ref (scope);
      /* Notifications of a scope owned by another context would come from
       * another thread: those are polled by the monitor's timer instead. */
      if (_cancel_gtk_scope_is_local (scope))
        self->notify_handler = g_signal_connect (scope, "notify",
                                                 G_CALLBACK (on_scope_notify), self);
    }

  _cancel_gtk_details_update (self);

  return TRUE;
}

static void
on_history_changed (CancelGtkDetails *self)
{
  self->count_stale = TRUE;
}

void
_cancel_gtk_details_set_history (CancelGtkDetails *self,
                                 GListModel       *history)
{
  g_return_if_fail (CANCEL_GTK_IS_DETAILS (self));
  g_return_if_fail (history == NULL || G_IS_LIST_MODEL (history));

  if (self->history == history)
    return;

  if (self->history != NULL)
    g_clear_signal_handler (&self->history_handler, self->history);
  g_set_object (&self->history, history);
  if (history != NULL)
    self->history_handler = g_signal_connect_swapped (history, "items-changed",
                                                      G_CALLBACK (on_history_changed), self);
  self->counted_at = 0;
}

CancelScope *
_cancel_gtk_details_get_scope (CancelGtkDetails *self)
{
  g_return_val_if_fail (CANCEL_GTK_IS_DETAILS (self), NULL);

  return self->scope;
}

const char *
_cancel_gtk_details_get_text (CancelGtkDetails *self,
                              const char       *field)
{
  GtkLabel *label;

  g_return_val_if_fail (CANCEL_GTK_IS_DETAILS (self), NULL);

  if (g_str_equal (field, "title"))
    return gtk_label_get_label (self->title);

  label = g_hash_table_lookup (self->values, field);
  g_return_val_if_fail (label != NULL, NULL);

  return gtk_label_get_label (label);
}

char *
_cancel_gtk_details_dup_summary (CancelGtkDetails *self)
{
  GString *text;
  guint i;

  g_return_val_if_fail (CANCEL_GTK_IS_DETAILS (self), NULL);

  if (self->scope == NULL)
    return NULL;

  text = g_string_new (gtk_label_get_label (self->title));
  for (i = 0; i < G_N_ELEMENTS (detail_fields); i++)
    g_string_append_printf (text, "\n%s: %s", _(detail_fields[i].caption),
                            _cancel_gtk_details_get_text (self, detail_fields[i].field));
  g_string_append_c (text, '\n');

  return g_string_free (text, FALSE);
}

/* The rows come from detail_fields, so the field names live in one place. */
static void
build_rows (CancelGtkDetails *self)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (detail_fields); i++)
    {
      GtkWidget *caption = gtk_label_new (_(detail_fields[i].caption));
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (caption), 1.0f);
      gtk_label_set_yalign (GTK_LABEL (caption), 0.0f);
      gtk_widget_add_css_class (caption, "dim-label");

      gtk_label_set_xalign (GTK_LABEL (value), 0.0f);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      /* Ten tab stops would lie between the lists and the actions: the
       * keyboard copies them all with Copy Details (Ctrl+Shift+C). Not
       * focusable is not enough: GTK 4.8's selectable label claims Tab
       * without taking the focus, which then stays where it was. */
      gtk_widget_set_focusable (value, FALSE);
      gtk_widget_set_can_focus (value, FALSE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL,
                                      -1);

      gtk_grid_attach (self->grid, caption, 0, i, 1, 1);
      gtk_grid_attach (self->grid, value, 1, i, 1, 1);

      g_hash_table_insert (self->values, (gpointer) detail_fields[i].field, value);
    }
}

static void
cancel_gtk_details_dispose (GObject *object)
{
  CancelGtkDetails *self = CANCEL_GTK_DETAILS (object);
  GtkWidget *child;

  clear_scope (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANCEL_GTK_TYPE_DETAILS);
  /* The scrolled window, not bound to a field. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->values, g_hash_table_unref);
  _cancel_gtk_details_set_history (self, NULL);

  G_OBJECT_CLASS (cancel_gtk_details_parent_class)->dispose (object);
}

static void
cancel_gtk_details_class_init (CancelGtkDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  _cancel_gtk_i18n_init ();

  object_class->dispose = cancel_gtk_details_dispose;

  /* Emitted on the GTK thread after the shown scope notified a change
   * (and the pane showed it): its status may have changed. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/gnome/CancelGtk/cancel-gtk-details.ui");
  gtk_widget_class_bind_template_child (widget_class, CancelGtkDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkDetails, title);
  gtk_widget_class_bind_template_child (widget_class, CancelGtkDetails, grid);
}

static void
cancel_gtk_details_init (CancelGtkDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->values = g_hash_table_new (g_str_hash, g_str_equal);
  build_rows (self);
  _cancel_gtk_details_update (self);
}

GtkWidget *
_cancel_gtk_details_new (void)
{
  return g_object_new (CANCEL_GTK_TYPE_DETAILS, NULL);
}
