/* monitoring.c: the registry and debug logging, from monitoring.md.
 * Run it with G_MESSAGES_DEBUG=Cancel to see the lifecycle logged. */
#include <cancelable.h>

/* The journal gets the fields; this writer shows what it would get. */
static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         data)
{
  const char *message = NULL, *id = NULL, *reason = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
      else if (g_str_equal (fields[i].key, "CANCEL_SCOPE_ID"))
        id = fields[i].value;
      else if (g_str_equal (fields[i].key, "CANCEL_REASON"))
        reason = fields[i].value;
    }
  if (id == NULL)
    return g_log_writer_default (level, fields, n_fields, data);

  g_print ("CANCEL_SCOPE_ID=%s CANCEL_REASON=%s %s\n", id, reason, message);
  return G_LOG_WRITER_HANDLED;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    data)
{
  /* On the registry's context, in batches: bind the model to a list view. */
  g_print ("live: %u operations\n", g_list_model_get_n_items (model));
}

int
main (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelRegistryStats) stats = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  g_autoptr(GPtrArray) finished = NULL;
  const char *names[] = { "Upload photo", "Upload video", "Sync contacts" };
  CancelScope *scopes[3];

  g_log_set_writer_func (writer, NULL, NULL);
  g_signal_connect (registry, "items-changed", G_CALLBACK (on_items_changed), NULL);

  /* Scopes join the default registry unless told otherwise. */
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      scopes[i] = cancel_scope_new_full (NULL, names[i], CANCEL_SCOPE_FLAGS_NONE);
      cancel_scope_set_registry (scopes[i], registry);
      cancel_scope_begin (scopes[i]);
    }
  while (g_list_model_get_n_items (G_LIST_MODEL (registry)) < 3)
    g_main_context_iteration (NULL, TRUE);

  /* Look-ups and actions, from any thread. */
  uploads = cancel_registry_find_by_name (registry, "upload");
  g_assert_cmpuint (uploads->len, ==, 2);
  g_assert_true (cancel_registry_lookup (registry, cancel_scope_get_id (scopes[2])) == scopes[2]);
  g_assert_cmpuint (cancel_registry_cancel_all (registry, CANCEL_REASON_MANUAL, "Going offline"), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    cancel_scope_end (scopes[i]);

  /* Finished scopes go to a bounded history (1000 by default). */
  finished = cancel_registry_find_last_finished (registry, 10);
  g_assert_cmpuint (finished->len, ==, 3);
  stats = cancel_registry_get_stats (registry);
  g_print ("finished: %" G_GUINT64_FORMAT ", cancelled: %" G_GUINT64_FORMAT
           ", average cancel latency: %" G_GINT64_FORMAT " µs\n",
           cancel_registry_stats_get_total_finished (stats),
           cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED),
           cancel_registry_stats_get_average_cancel_latency (stats));
  cancel_registry_set_history_limit (registry, 100);

  while (g_list_model_get_n_items (G_LIST_MODEL (registry)) > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    g_object_unref (scopes[i]);

  return 0;
}
