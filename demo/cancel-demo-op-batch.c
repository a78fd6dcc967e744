/* cancel-demo-op-batch.c: many child operations on a bounded pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-demo-operation-private.h"

#define BLOCK_SIZE      (16 * 1024)
#define REPORT_INTERVAL 64

/* N items are queued on the workspace's pool (at most four threads). Each
 * item makes its child scope only when a worker picks it up, so a batch of
 * 10,000 keeps at most four children alive; items still queued when the
 * batch is cancelled are skipped. The last item to finish hands the batch
 * back to the main context, which ends the parent scope. */
typedef struct
{
  gatomicrefcount  ref_count;
  GTask           *task;       /* the operation's, returned on the main context */
  CancelScope     *scope;
  GMainContext    *context;
  guint            n_items;
  guint            rounds;
  int              n_finished; /* atomic, for the progress */
  int              n_pending;  /* atomic, items that may still touch the scope */
  int              n_skipped;  /* atomic */
  int              n_cancelled;/* atomic */
} Batch;

typedef struct
{
  Batch *batch;
  guint  index;
} BatchItem;

static Batch *
batch_ref (Batch *batch)
{
  g_atomic_ref_count_inc (&batch->ref_count);
  return batch;
}

static void
batch_unref (gpointer data)
{
  Batch *batch = data;

  if (!g_atomic_ref_count_dec (&batch->ref_count))
    return;

  g_assert (batch->task == NULL);
  g_object_unref (batch->scope);
  g_main_context_unref (batch->context);
  g_free (batch);
}

static gboolean
batch_complete (gpointer user_data)
{
  Batch *batch = user_data;
  guint n_skipped = g_atomic_int_get (&batch->n_skipped);
  guint n_cancelled = g_atomic_int_get (&batch->n_cancelled);
  guint n_done = batch->n_items - n_skipped - n_cancelled;
  GError *error = NULL;
  char *summary;

  if (n_skipped + n_cancelled == 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Processed %u item",
                                            "Processed %u items",
                                            n_done),
                               n_done);
  else
    /* Translators: three counts of items, e.g. "Done: 12, cancelled: 4, skipped: 84" */
    summary = g_strdup_printf (_("Done: %u, cancelled: %u, skipped: %u"),
                               n_done, n_cancelled, n_skipped);

  cancel_scope_set_error_if_cancelled (batch->scope, &error);
  _cancel_demo_operation_return (g_steal_pointer (&batch->task), summary, error);

  return G_SOURCE_REMOVE;
}

static void
process_item (CancelScope *child,
              guint        index,
              guint        rounds)
{
  guint8 block[BLOCK_SIZE];
  guint64 seed = index * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) | 1;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint r;

  _cancel_demo_fill_random (&seed, block, sizeof block);

  for (r = 0; r < rounds; r++)
    {
      if (g_cancellable_is_cancelled (G_CANCELLABLE (child)))
        return;

      g_checksum_update (checksum, block, sizeof block);

      if ((r + 1) % REPORT_INTERVAL == 0 || r + 1 == rounds)
        {
          g_autofree char *message = NULL;

          /* Translators: "Round 64 of 1024" */
          message = g_strdup_printf (_("Round %u of %u"), r + 1, rounds);
          cancel_scope_report_progress (child, (double) (r + 1) / rounds, message);
        }
    }
}

static void
run_item (gpointer data,
          gpointer user_data)
{
  BatchItem *item = data;
  Batch *batch = item->batch;
  g_autofree char *message = NULL;
  guint n_finished;

  if (g_cancellable_is_cancelled (G_CANCELLABLE (batch->scope)))
    /* Skipped: no progress to report, the batch is over. */
    g_atomic_int_inc (&batch->n_skipped);
  else
    {
      g_autofree char *name = g_strdup_printf (_("Item %u"), item->index + 1);
      g_autoptr(CancelScope) child = cancel_scope_new_full (batch->scope, name, CANCEL_SCOPE_FLAGS_NONE);

      {
        /* Begun and current for this block; ended when it is left. Only
         * its cleanup is used, which clang does not count as a use. */
        g_auto(CancelScopeGuard) guard G_GNUC_UNUSED = cancel_scope_enter (child);

        process_item (child, item->index, batch->rounds);
      }

      if (cancel_scope_get_status (child) != CANCEL_STATUS_COMPLETED)
        g_atomic_int_inc (&batch->n_cancelled);

      /* The library coalesces progress for the UI: reporting each item
       * is cheap. */
      n_finished = g_atomic_int_add (&batch->n_finished, 1) + 1;
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u of %u item finished",
                                              "%u of %u items finished",
                                              batch->n_items),
                                 n_finished, batch->n_items);
      cancel_scope_report_progress (batch->scope, (double) n_finished / batch->n_items, message);
    }

  /* The last item to let go of the scope, not the last to count itself
   * finished: no worker may report on the scope once it has ended. */
  if (g_atomic_int_dec_and_test (&batch->n_pending))
    g_main_context_invoke_full (batch->context, G_PRIORITY_DEFAULT,
                                batch_complete, batch_ref (batch), batch_unref);

  batch_unref (batch);
  g_free (item);
}

void
_cancel_demo_run_batch (GTask *task)
{
  CancelDemoWorkspace *workspace = g_task_get_source_object (task);
  CancelScope *scope = _cancel_demo_operation_get_scope (task);
  CancelDemoSizes *sizes = cancel_demo_workspace_get_sizes (workspace);
  Batch *batch;
  guint i;

  batch = g_new0 (Batch, 1);
  g_atomic_ref_count_init (&batch->ref_count);
  batch->task = task;
  batch->scope = g_object_ref (scope);
  batch->context = g_main_context_ref_thread_default ();
  batch->n_items = cancel_demo_workspace_get_batch_size (workspace);
  batch->n_pending = batch->n_items;
  batch->rounds = MAX (sizes->batch_rounds, 1);

  cancel_scope_begin (scope);
  cancel_scope_report_progress (scope, 0.0, _("Waiting for a worker thread"));

  for (i = 0; i < batch->n_items; i++)
    {
      BatchItem *item = g_new (BatchItem, 1);

      item->batch = batch_ref (batch);
      item->index = i;
      cancel_demo_workspace_push_work (workspace, run_item, item);
    }

  batch_unref (batch);
}
