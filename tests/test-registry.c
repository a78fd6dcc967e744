/* test-registry.c: the registry of live and finished scopes (rules 17-19)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <cancelable.h>

#include "cancel-registry-private.h"

/* A failure guard only: conditions normally hold after one iteration. */
#define TIMEOUT_US (30 * G_USEC_PER_SEC)

#define ASSERT_DUP_REGISTRY(scope, expected)                          \
  G_STMT_START {                                                      \
    CancelRegistry *dup_ = cancel_scope_dup_registry (scope);         \
    g_assert_true (dup_ == (expected));                               \
    g_clear_object (&dup_);                                           \
  } G_STMT_END

#define ITERATE_UNTIL(context, condition)                                   \
  G_STMT_START {                                                            \
    gint64 iterate_deadline_ = g_get_monotonic_time () + TIMEOUT_US;        \
    while (!(condition))                                                    \
      {                                                                     \
        g_assert_cmpint (g_get_monotonic_time (), <, iterate_deadline_);    \
        g_main_context_iteration ((context), FALSE);                        \
      }                                                                     \
  } G_STMT_END

/* Runs everything that is ready on @context. */
static void
drain (GMainContext *context)
{
  guint guard = 0;

  while (g_main_context_iteration (context, FALSE))
    g_assert_cmpuint (++guard, <, 100000);
}

/* A copy of a list model kept up to date from items-changed alone, and
 * compared with get_item after every emission. */
typedef struct
{
  GListModel   *model;
  GMainContext *context;
  GPtrArray    *items;
  guint         n_emissions;
  guint         last_position;   /* of the latest emission */
  guint         last_removed;
  guint         last_added;
  gulong        handler;
} Shadow;

static void
shadow_check (Shadow *shadow)
{
  guint i;

  g_assert_cmpuint (shadow->items->len, ==, g_list_model_get_n_items (shadow->model));
  for (i = 0; i < shadow->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (shadow->model, i);

      g_assert_true (item == g_ptr_array_index (shadow->items, i));
    }
  g_assert_null (g_list_model_get_item (shadow->model, shadow->items->len));
}

static void
shadow_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Shadow     *shadow)
{
  GPtrArray *items = g_ptr_array_new_full (shadow->items->len - removed + added, g_object_unref);
  guint i;

  /* Emitted on the registry's context only, while it is being run. */
  g_assert_true (g_main_context_is_owner (shadow->context));
  g_assert_cmpuint (removed + added, >, 0);
  g_assert_cmpuint (position + removed, <=, shadow->items->len);

  for (i = 0; i < position; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (shadow->items, i)));
  for (i = 0; i < added; i++)
    {
      gpointer item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_assert_true (CANCEL_IS_SCOPE (item));
      g_ptr_array_add (items, item);
    }
  for (i = position + removed; i < shadow->items->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (shadow->items, i)));

  g_ptr_array_unref (shadow->items);
  shadow->items = items;
  shadow->n_emissions++;
  shadow->last_position = position;
  shadow->last_removed = removed;
  shadow->last_added = added;
  shadow_check (shadow);
}

static void
shadow_init (Shadow       *shadow,
             GListModel   *model,
             GMainContext *context)
{
  guint i, n = g_list_model_get_n_items (model);

  shadow->model = model;
  shadow->context = context;
  shadow->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < n; i++)
    g_ptr_array_add (shadow->items, g_list_model_get_item (model, i));
  shadow->n_emissions = 0;
  shadow->handler = g_signal_connect (model, "items-changed",
                                      G_CALLBACK (shadow_items_changed), shadow);
}

static void
shadow_clear (Shadow *shadow)
{
  g_clear_signal_handler (&shadow->handler, shadow->model);
  g_clear_pointer (&shadow->items, g_ptr_array_unref);
}

#define ASSERT_LAST_EMISSION(shadow, position, removed, added)        \
  G_STMT_START {                                                      \
    g_assert_cmpuint ((shadow)->last_position, ==, (position));       \
    g_assert_cmpuint ((shadow)->last_removed, ==, (removed));         \
    g_assert_cmpuint ((shadow)->last_added, ==, (added));             \
  } G_STMT_END

static CancelScope *
scope_new_in (CancelRegistry *registry,
              CancelScope    *parent,
              const char     *name)
{
  CancelScope *scope = cancel_scope_new_full (parent, name, CANCEL_SCOPE_FLAGS_NONE);

  cancel_scope_set_registry (scope, registry);
  return scope;
}

static CancelScope *
begin_in (CancelRegistry *registry,
          const char     *name)
{
  CancelScope *scope = scope_new_in (registry, NULL, name);

  cancel_scope_begin (scope);
  return scope;
}

static CancelScope *
get_scope (GListModel *model,
           guint       position)
{
  GObject *item = g_list_model_get_item (model, position);

  /* The model keeps its own reference: borrowing is safe in these tests. */
  if (item != NULL)
    g_object_unref (item);
  return (CancelScope *) item;
}

/* Lets at least @usec of monotonic time pass. */
static void
let_time_pass (gint64 usec)
{
  gint64 until = g_get_monotonic_time () + usec;
  gint64 remaining;

  while ((remaining = until - g_get_monotonic_time ()) > 0)
    g_usleep ((gulong) remaining);
}

static gboolean
array_contains (GPtrArray *array,
                gpointer   item)
{
  return g_ptr_array_find (array, item, NULL);
}

/* Releases every scope @registry holds so the registry can be finalized
 * (scopes may point back to their registry). */
static void
registry_release (CancelRegistry *registry)
{
  cancel_registry_clear_history (registry);
  drain (cancel_registry_get_context (registry));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cancel_registry_get_history (registry)), ==, 0);
}

/* Rule 17: a scope is tracked when it begins, not when it is made. */
static void
test_track_on_begin (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GListModel *live = G_LIST_MODEL (registry);
  GMainContext *context = cancel_registry_get_context (registry);
  g_autoptr(CancelScope) scope = scope_new_in (registry, NULL, "Download");
  g_autoptr(CancelScope) found = NULL;
  guint64 id = cancel_scope_get_id (scope);

  g_assert_true (g_list_model_get_item_type (live) == CANCEL_TYPE_SCOPE);
  g_assert_true (g_list_model_get_item_type (cancel_registry_get_history (registry)) == CANCEL_TYPE_SCOPE);
  ASSERT_DUP_REGISTRY (scope, registry);

  drain (context);
  g_assert_null (cancel_registry_lookup (registry, id));
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 0);

  cancel_scope_begin (scope);

  /* Look-ups see it at once; the model in a later iteration. */
  found = cancel_registry_lookup (registry, id);
  g_assert_true (found == scope);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 0);

  ITERATE_UNTIL (context, g_list_model_get_n_items (live) == 1);
  g_assert_true (get_scope (live, 0) == scope);
  g_assert_null (g_list_model_get_item (live, 1));
  g_assert_cmpuint (g_list_model_get_n_items (cancel_registry_get_history (registry)), ==, 0);

  cancel_scope_end (scope);
  registry_release (registry);
}

/* Rule 17: opting out with set_registry (NULL) keeps a scope out of the
 * default registry. */
static void
test_opt_out (void)
{
  CancelRegistry *registry = cancel_registry_get_default ();
  g_autoptr(CancelScope) tracked = cancel_scope_new_full (NULL, "Tracked", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) untracked = cancel_scope_new_full (NULL, "Untracked", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) found = NULL;
  g_autoptr(GPtrArray) by_name = NULL;

  cancel_scope_set_registry (untracked, NULL);
  g_assert_null (cancel_scope_dup_registry (untracked));

  cancel_scope_begin (tracked);
  cancel_scope_begin (untracked);

  found = cancel_registry_lookup (registry, cancel_scope_get_id (tracked));
  g_assert_true (found == tracked);
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (untracked)));

  cancel_scope_end (untracked);
  cancel_scope_end (tracked);
  drain (g_main_context_default ());

  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (untracked)));
  by_name = cancel_registry_find_by_name (registry, "Untracked");
  g_assert_cmpuint (by_name->len, ==, 0);
}

/* Rule 17: ending leaves the live list and enters the history. */
static void
test_end_enters_history (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *live = G_LIST_MODEL (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(CancelScope) first = begin_in (registry, "First");
  g_autoptr(CancelScope) second = begin_in (registry, "Second");
  g_autoptr(CancelScope) found = NULL;
  Shadow live_shadow, history_shadow;

  ITERATE_UNTIL (context, g_list_model_get_n_items (live) == 2);
  g_assert_true (get_scope (live, 0) == first);
  g_assert_true (get_scope (live, 1) == second);

  shadow_init (&live_shadow, live, context);
  shadow_init (&history_shadow, history, context);

  cancel_scope_end (first);
  g_assert_cmpint (cancel_scope_get_status (first), ==, CANCEL_STATUS_COMPLETED);

  /* Still found, now as a finished scope. */
  found = cancel_registry_lookup (registry, cancel_scope_get_id (first));
  g_assert_true (found == first);

  ITERATE_UNTIL (context, g_list_model_get_n_items (history) == 1);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 1);
  g_assert_true (get_scope (live, 0) == second);
  g_assert_true (get_scope (history, 0) == first);
  g_assert_cmpuint (live_shadow.n_emissions, ==, 1);
  ASSERT_LAST_EMISSION (&live_shadow, 0, 1, 0);
  g_assert_cmpuint (history_shadow.n_emissions, ==, 1);
  ASSERT_LAST_EMISSION (&history_shadow, 0, 0, 1);

  cancel_scope_end (second);
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  g_assert_true (get_scope (history, 1) == second);

  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  registry_release (registry);
}

/* Rule 18: each batch is one emission per model, spanning no more than
 * the batch changed. */
static void
test_emission_span (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func (g_object_unref);
  Shadow live_shadow, history_shadow;
  guint i;

  cancel_registry_set_history_limit (registry, 3);
  shadow_init (&live_shadow, G_LIST_MODEL (registry), context);
  shadow_init (&history_shadow, history, context);

  for (i = 0; i < 10; i++)
    g_ptr_array_add (scopes, begin_in (registry, "Span"));
  drain (context);
  g_assert_cmpuint (live_shadow.n_emissions, ==, 1);
  ASSERT_LAST_EMISSION (&live_shadow, 0, 0, 10);

  /* Additions only: appended. */
  g_ptr_array_add (scopes, begin_in (registry, "Span"));
  drain (context);
  ASSERT_LAST_EMISSION (&live_shadow, 10, 0, 1);

  /* Removals only: from the first to the last removed. */
  cancel_scope_end (g_ptr_array_index (scopes, 6));
  cancel_scope_end (g_ptr_array_index (scopes, 3));
  drain (context);
  g_assert_cmpuint (live_shadow.n_emissions, ==, 3);
  ASSERT_LAST_EMISSION (&live_shadow, 3, 4, 2);
  ASSERT_LAST_EMISSION (&history_shadow, 0, 0, 2);

  cancel_scope_end (g_ptr_array_index (scopes, 0));
  drain (context);
  ASSERT_LAST_EMISSION (&live_shadow, 0, 1, 0);
  ASSERT_LAST_EMISSION (&history_shadow, 2, 0, 1);

  /* Removal and addition: to the end. Eviction from a full history: the
   * whole history, in one emission. */
  cancel_scope_end (g_ptr_array_index (scopes, 8));
  g_ptr_array_add (scopes, begin_in (registry, "Span"));
  drain (context);
  g_assert_cmpuint (live_shadow.n_emissions, ==, 5);
  ASSERT_LAST_EMISSION (&live_shadow, 5, 3, 3);
  g_assert_cmpuint (history_shadow.n_emissions, ==, 3);
  ASSERT_LAST_EMISSION (&history_shadow, 0, 3, 3);
  g_assert_true (get_scope (history, 2) == g_ptr_array_index (scopes, 8));

  for (i = 0; i < scopes->len; i++)
    if (cancel_scope_get_status (g_ptr_array_index (scopes, i)) == CANCEL_STATUS_RUNNING)
      cancel_scope_end (g_ptr_array_index (scopes, i));
  drain (context);
  ASSERT_LAST_EMISSION (&live_shadow, 0, 8, 0);

  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  registry_release (registry);
}

/* Rule 18: a scope that begins and ends within one batch never shows in
 * the live list, but is in the history. */
static void
test_same_batch (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(CancelScope) scope = begin_in (registry, "Quick");
  Shadow live_shadow, history_shadow;

  shadow_init (&live_shadow, G_LIST_MODEL (registry), context);
  shadow_init (&history_shadow, history, context);

  cancel_scope_end (scope);
  drain (context);

  g_assert_cmpuint (live_shadow.n_emissions, ==, 0);
  g_assert_cmpuint (history_shadow.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  g_assert_true (get_scope (history, 0) == scope);

  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  registry_release (registry);
}

/* Rule 17: the history is bounded and drops the oldest first, both in the
 * model and in look-ups. */
static void
test_history_bound (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  CancelScope *scopes[8];
  Shadow shadow;
  guint i;

  g_assert_cmpuint (cancel_registry_get_history_limit (registry), ==, 1000);
  cancel_registry_set_history_limit (registry, 3);
  shadow_init (&shadow, history, context);

  /* Half of them one per iteration, half in one batch. */
  for (i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      scopes[i] = begin_in (registry, "Bounded");
      cancel_scope_end (scopes[i]);
      if (i < 4)
        drain (context);
    }
  drain (context);

  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 3);
  for (i = 0; i < 3; i++)
    g_assert_true (get_scope (history, i) == scopes[5 + i]);
  for (i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(CancelScope) found = cancel_registry_lookup (registry, cancel_scope_get_id (scopes[i]));

      if (i < 5)
        g_assert_null (found);
      else
        g_assert_true (found == scopes[i]);
    }

  shadow_clear (&shadow);
  registry_release (registry);
  for (i = 0; i < G_N_ELEMENTS (scopes); i++)
    g_object_unref (scopes[i]);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Rule 17: the limit is configurable; lowering it evicts at once. */
static void
test_limit_change (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  CancelScope *scopes[5];
  guint n_notify = 0;
  guint limit = 0;
  Shadow shadow;
  guint i;

  g_signal_connect (registry, "notify::history-limit", G_CALLBACK (count_notify), &n_notify);

  for (i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      scopes[i] = begin_in (registry, "Limited");
      cancel_scope_end (scopes[i]);
    }
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 5);
  shadow_init (&shadow, history, context);

  /* The test thread may run the context: the model follows before the
   * call returns, in one emission. */
  g_object_set (registry, "history-limit", 2, NULL);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (shadow.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  g_assert_true (get_scope (history, 0) == scopes[3]);
  g_assert_true (get_scope (history, 1) == scopes[4]);
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (scopes[2])));
  g_object_get (registry, "history-limit", &limit, NULL);
  g_assert_cmpuint (limit, ==, 2);

  /* Setting the same value changes nothing. */
  cancel_registry_set_history_limit (registry, 2);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_cmpuint (shadow.n_emissions, ==, 1);

  /* Raising it brings nothing back; new scopes fill it. */
  cancel_registry_set_history_limit (registry, 4);
  g_assert_cmpuint (n_notify, ==, 2);
  g_assert_cmpuint (shadow.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);

  for (i = 0; i < 3; i++)
    {
      g_clear_object (&scopes[i]);
      scopes[i] = begin_in (registry, "Limited");
      cancel_scope_end (scopes[i]);
    }
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 4);
  g_assert_true (get_scope (history, 0) == scopes[4]);
  g_assert_true (get_scope (history, 3) == scopes[2]);

  /* Zero keeps nothing. */
  cancel_registry_set_history_limit (registry, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 0);
  g_clear_object (&scopes[0]);
  scopes[0] = begin_in (registry, "Limited");
  cancel_scope_end (scopes[0]);
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 0);
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (scopes[0])));

  shadow_clear (&shadow);
  registry_release (registry);
  for (i = 0; i < G_N_ELEMENTS (scopes); i++)
    g_object_unref (scopes[i]);
}

/* Rule 19: clear history; totals survive it. */
static void
test_clear_history (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(CancelScope) done = begin_in (registry, "Done");
  g_autoptr(CancelScope) pending = NULL;
  g_autoptr(CancelScope) running = begin_in (registry, "Running");
  g_autoptr(CancelRegistryStats) stats = NULL;
  g_autoptr(CancelScope) found = NULL;
  Shadow shadow;

  cancel_scope_end (done);
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1);
  shadow_init (&shadow, history, context);

  /* One more ended but not published yet: cleared as well. */
  pending = begin_in (registry, "Unpublished");
  cancel_scope_end (pending);

  cancel_registry_clear_history (registry);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 0);
  g_assert_cmpuint (shadow.n_emissions, ==, 1);
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (done)));
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (pending)));
  found = cancel_registry_lookup (registry, cancel_scope_get_id (running));
  g_assert_true (found == running);

  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 1);

  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_COMPLETED), ==, 0);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED), ==, 2);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, 2);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING), ==, 1);

  /* Clearing an empty history emits nothing. */
  cancel_registry_clear_history (registry);
  g_assert_cmpuint (shadow.n_emissions, ==, 1);

  shadow_clear (&shadow);
  cancel_scope_end (running);
  registry_release (registry);
}

/* Rule 17: however many operations run, memory stays bounded: 100,000
 * lifecycles with a limit of 10 leave 10 scopes and nothing else, and
 * evicted scopes are released even if the context never runs. */
static void
test_memory_bounded (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(CancelRegistryStats) stats = NULL;
  CancelScope *first;
  CancelScope *last = NULL;
  guint i;

  cancel_registry_set_history_limit (registry, 10);

  first = begin_in (registry, "First");
  cancel_scope_end (first);

  /* No iteration at all: nothing must pile up for the context. */
  for (i = 1; i < 50000; i++)
    {
      CancelScope *scope = begin_in (registry, "Lifecycle");

      cancel_scope_end (scope);
      g_object_unref (scope);
    }
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (first)));
  g_assert_finalize_object (first);

  /* Then with the context running now and then. */
  for (i = 0; i < 50000; i++)
    {
      CancelScope *scope = begin_in (registry, "Lifecycle");

      cancel_scope_end (scope);
      if (i == 50000 - 1)
        last = g_object_ref (scope);
      g_object_unref (scope);
      if (i % 1000 == 0)
        drain (context);
    }
  drain (context);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 10);
  g_assert_true (get_scope (history, 9) == last);

  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_total_started (stats), ==, 100000);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, 100000);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED), ==, 100000);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_COMPLETED), ==, 10);

  registry_release (registry);
  g_assert_finalize_object (last);
}

/* Rule 18: thousands of changes cost one emission per model, each one
 * consistent with get_item. */
static void
test_batching (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GMainContext *context = cancel_registry_get_context (registry);
  GListModel *live = G_LIST_MODEL (registry);
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(GPtrArray) scopes = g_ptr_array_new_with_free_func (g_object_unref);
  Shadow live_shadow, history_shadow;
  gint64 deadline;
  guint i;

  drain (context);
  shadow_init (&live_shadow, live, context);
  shadow_init (&history_shadow, history, context);

  for (i = 0; i < 5000; i++)
    g_ptr_array_add (scopes, begin_in (registry, "Batch"));

  /* One iteration applies the whole batch. */
  deadline = g_get_monotonic_time () + TIMEOUT_US;
  while (g_list_model_get_n_items (live) < 5000)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (context, FALSE);
    }
  g_assert_cmpuint (live_shadow.n_emissions, <=, 2);
  g_assert_cmpuint (history_shadow.n_emissions, ==, 0);
  for (i = 0; i < 5000; i++)
    g_assert_true (get_scope (live, i) == g_ptr_array_index (scopes, i));

  /* Every other one ends, and 1,000 more begin and end, in one batch. */
  live_shadow.n_emissions = 0;
  for (i = 0; i < 5000; i += 2)
    cancel_scope_end (g_ptr_array_index (scopes, i));
  for (i = 0; i < 1000; i++)
    {
      g_autoptr(CancelScope) scope = begin_in (registry, "Brief");

      cancel_scope_end (scope);
    }
  drain (context);
  g_assert_cmpuint (live_shadow.n_emissions, <=, 2);
  g_assert_cmpuint (history_shadow.n_emissions, <=, 2);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 2500);
  for (i = 0; i < 2500; i++)
    g_assert_true (get_scope (live, i) == g_ptr_array_index (scopes, 2 * i + 1));
  /* 3,500 finished, the last 1,000 kept. */
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 1000);

  /* The rest end while new ones begin: removals and additions in one span. */
  live_shadow.n_emissions = 0;
  for (i = 1; i < 5000; i += 2)
    cancel_scope_end (g_ptr_array_index (scopes, i));
  for (i = 0; i < 10; i++)
    g_ptr_array_add (scopes, begin_in (registry, "Late"));
  drain (context);
  g_assert_cmpuint (live_shadow.n_emissions, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 10);

  for (i = 5000; i < scopes->len; i++)
    cancel_scope_end (g_ptr_array_index (scopes, i));
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (live), ==, 0);

  shadow_clear (&live_shadow);
  shadow_clear (&history_shadow);
  registry_release (registry);
}

/* Rule 19: look-ups by id, of live and finished scopes. */
static void
test_lookup (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) live = begin_in (registry, "Live");
  g_autoptr(CancelScope) done = begin_in (registry, "Done");
  g_autoptr(CancelScope) other = cancel_scope_new_full (NULL, "Elsewhere", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) found_live = NULL;
  g_autoptr(CancelScope) found_done = NULL;

  cancel_scope_set_registry (other, NULL);
  cancel_scope_begin (other);
  cancel_scope_end (done);

  found_live = cancel_registry_lookup (registry, cancel_scope_get_id (live));
  found_done = cancel_registry_lookup (registry, cancel_scope_get_id (done));
  g_assert_true (found_live == live);
  g_assert_true (found_done == done);
  g_assert_null (cancel_registry_lookup (registry, cancel_scope_get_id (other)));
  g_assert_null (cancel_registry_lookup (registry, 0));
  g_assert_null (cancel_registry_lookup (registry, G_MAXUINT64));

  cancel_scope_end (other);
  cancel_scope_end (live);
  registry_release (registry);
}

/* Rule 19: filters by status, parent and name, over live and finished
 * scopes. */
static void
test_find (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) parent = begin_in (registry, "Batch Download");
  g_autoptr(CancelScope) child_a = scope_new_in (registry, parent, "download one");
  g_autoptr(CancelScope) child_b = scope_new_in (registry, parent, "DOWNLOAD two");
  g_autoptr(CancelScope) upload = begin_in (registry, "Upload");
  g_autoptr(CancelScope) unnamed = begin_in (registry, NULL);
  g_autoptr(CancelScope) summer = begin_in (registry, "Été");
  g_autoptr(CancelScope) failed = begin_in (registry, "Broken");
  g_autoptr(CancelScope) pending = scope_new_in (registry, NULL, "Pending download");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");
  g_autoptr(GPtrArray) found = NULL;

  cancel_scope_begin (child_a);
  cancel_scope_begin (child_b);
  cancel_scope_end (child_a);
  cancel_scope_fail (failed, error);
  cancel_scope_set_shielded (upload, TRUE);

  /* By name: case-insensitive substring; finished scopes too; scopes that
   * did not begin are not tracked. */
  found = cancel_registry_find_by_name (registry, "DownLoad");
  g_assert_cmpuint (found->len, ==, 3);
  /* Live in begin order, then finished. */
  g_assert_true (g_ptr_array_index (found, 0) == parent);
  g_assert_true (g_ptr_array_index (found, 1) == child_b);
  g_assert_true (g_ptr_array_index (found, 2) == child_a);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_name (registry, "ÉTÉ");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == summer);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_name (registry, "nothing like it");
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_name (registry, NULL);
  g_assert_cmpuint (found->len, ==, 7);
  g_assert_true (array_contains (found, unnamed));
  g_assert_false (array_contains (found, pending));
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_name (registry, "");
  g_assert_cmpuint (found->len, ==, 7);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* By status. */
  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_RUNNING);
  g_assert_cmpuint (found->len, ==, 4);
  g_assert_true (array_contains (found, parent));
  g_assert_true (array_contains (found, child_b));
  g_assert_true (array_contains (found, unnamed));
  g_assert_true (array_contains (found, summer));
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_SHIELDED);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == upload);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_FAILED);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == failed);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_COMPLETED);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_ptr_array_index (found, 0) == child_a);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_PENDING);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* By parent, NULL for roots. */
  found = cancel_registry_find_by_parent (registry, parent);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_true (g_ptr_array_index (found, 0) == child_b);
  g_assert_true (g_ptr_array_index (found, 1) == child_a);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_parent (registry, NULL);
  g_assert_cmpuint (found->len, ==, 5);
  g_assert_false (array_contains (found, child_a));
  g_assert_false (array_contains (found, child_b));
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_by_parent (registry, upload);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  cancel_scope_end (child_b);
  cancel_scope_end (parent);
  cancel_scope_end (upload);
  cancel_scope_end (unnamed);
  cancel_scope_end (summer);
  registry_release (registry);
}

/* Rule 19: cancel one by id; FALSE for unknown or finished ids. */
static void
test_cancel_by_id (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) scope = begin_in (registry, "Victim");
  g_autoptr(CancelScope) done = begin_in (registry, "Done");
  g_autoptr(CancelScope) other = cancel_scope_new_full (NULL, "Elsewhere", CANCEL_SCOPE_FLAGS_NONE);
  guint64 id = cancel_scope_get_id (scope);

  cancel_scope_set_registry (other, NULL);
  cancel_scope_begin (other);
  cancel_scope_end (done);

  g_assert_false (cancel_registry_cancel (registry, 0, CANCEL_REASON_MANUAL, NULL));
  g_assert_false (cancel_registry_cancel (registry, G_MAXUINT64, CANCEL_REASON_MANUAL, NULL));
  g_assert_false (cancel_registry_cancel (registry, cancel_scope_get_id (other),
                                          CANCEL_REASON_MANUAL, NULL));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (other)));

  /* A finished scope is known, but cannot be cancelled. */
  g_assert_false (cancel_registry_cancel (registry, cancel_scope_get_id (done),
                                          CANCEL_REASON_MANUAL, NULL));
  g_assert_cmpint (cancel_scope_get_status (done), ==, CANCEL_STATUS_COMPLETED);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (done)));

  g_assert_true (cancel_registry_cancel (registry, id, CANCEL_REASON_CONDITION, "Disk is full"));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (scope)));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_CONDITION);
  g_assert_cmpstr (cancel_scope_get_message (scope), ==, "Disk is full");

  /* First reason wins. */
  g_assert_false (cancel_registry_cancel (registry, id, CANCEL_REASON_MANUAL, "Again"));
  g_assert_cmpint (cancel_scope_get_reason (scope), ==, CANCEL_REASON_CONDITION);

  cancel_scope_end (scope);
  g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_CANCELLED);
  g_assert_false (cancel_registry_cancel (registry, id, CANCEL_REASON_MANUAL, NULL));

  cancel_scope_end (other);
  registry_release (registry);
}

/* Rule 19: cancel all, returning how many this call cancelled. */
static void
test_cancel_all (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) parent = begin_in (registry, "Parent");
  g_autoptr(CancelScope) child = scope_new_in (registry, parent, "Child");
  g_autoptr(CancelScope) root = begin_in (registry, "Root");
  g_autoptr(CancelScope) already = begin_in (registry, "Already cancelled");
  g_autoptr(CancelScope) done = begin_in (registry, "Done");
  g_autoptr(CancelScope) other = cancel_scope_new_full (NULL, "Elsewhere", CANCEL_SCOPE_FLAGS_NONE);

  cancel_scope_begin (child);
  cancel_scope_set_registry (other, NULL);
  cancel_scope_begin (other);
  cancel_scope_end (done);
  g_assert_true (cancel_scope_cancel (already, CANCEL_REASON_TIMEOUT, NULL));

  g_assert_cmpuint (cancel_registry_cancel_all (registry, CANCEL_REASON_SIGNAL, "Quitting"), ==, 3);

  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (parent)));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (child)));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (root)));
  g_assert_cmpint (cancel_scope_get_reason (parent), ==, CANCEL_REASON_SIGNAL);
  g_assert_cmpint (cancel_scope_get_reason (child), ==, CANCEL_REASON_SIGNAL);
  g_assert_cmpstr (cancel_scope_get_message (root), ==, "Quitting");
  g_assert_cmpint (cancel_scope_get_reason (already), ==, CANCEL_REASON_TIMEOUT);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (done)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (other)));

  g_assert_cmpuint (cancel_registry_cancel_all (registry, CANCEL_REASON_MANUAL, NULL), ==, 0);

  cancel_scope_end (child);
  cancel_scope_end (parent);
  cancel_scope_end (root);
  cancel_scope_end (already);
  cancel_scope_end (other);
  g_assert_cmpuint (cancel_registry_cancel_all (registry, CANCEL_REASON_MANUAL, NULL), ==, 0);
  registry_release (registry);
}

/* Rule 19: cancel all with a given status. */
static void
test_cancel_all_with_status (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) running_a = begin_in (registry, "Running A");
  g_autoptr(CancelScope) running_b = begin_in (registry, "Running B");
  g_autoptr(CancelScope) shielded = scope_new_in (registry, NULL, "Shielded");
  g_autoptr(CancelScope) done = begin_in (registry, "Done");

  cancel_scope_set_shielded (shielded, TRUE);
  cancel_scope_begin (shielded);
  g_assert_cmpint (cancel_scope_get_status (shielded), ==, CANCEL_STATUS_SHIELDED);
  cancel_scope_end (done);

  /* Finished scopes are never cancelled. */
  g_assert_cmpuint (cancel_registry_cancel_all_with_status (registry, CANCEL_STATUS_COMPLETED,
                                                            CANCEL_REASON_MANUAL, NULL), ==, 0);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (done)));

  g_assert_cmpuint (cancel_registry_cancel_all_with_status (registry, CANCEL_STATUS_SHIELDED,
                                                            CANCEL_REASON_ERROR, "Broken"), ==, 1);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (shielded)));
  g_assert_cmpint (cancel_scope_get_reason (shielded), ==, CANCEL_REASON_ERROR);
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (running_a)));
  g_assert_false (g_cancellable_is_cancelled (G_CANCELLABLE (running_b)));

  g_assert_cmpuint (cancel_registry_cancel_all_with_status (registry, CANCEL_STATUS_RUNNING,
                                                            CANCEL_REASON_MANUAL, NULL), ==, 2);
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (running_a)));
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (running_b)));
  g_assert_cmpuint (cancel_registry_cancel_all_with_status (registry, CANCEL_STATUS_RUNNING,
                                                            CANCEL_REASON_MANUAL, NULL), ==, 0);

  cancel_scope_end (running_a);
  cancel_scope_end (running_b);
  cancel_scope_end (shielded);
  registry_release (registry);
}

/* The last N, by final status and since a time: over the history alone,
 * oldest first, from the index (before the history model is published),
 * bounded by the history limit. */
static void
assert_scopes (GPtrArray   *found,
               CancelScope *first,
               ...)
{
  CancelScope *scope = first;
  va_list args;
  guint i = 0;

  va_start (args, first);
  for (; scope != NULL; scope = va_arg (args, CancelScope *), i++)
    {
      g_assert_cmpuint (i, <, found->len);
      g_assert_true (g_ptr_array_index (found, i) == scope);
    }
  va_end (args);
  g_assert_cmpuint (found->len, ==, i);
}

static void
test_finished_queries (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  GListModel *history = cancel_registry_get_history (registry);
  g_autoptr(CancelScope) completed = begin_in (registry, "Completed");
  g_autoptr(CancelScope) failed = begin_in (registry, "Failed");
  g_autoptr(CancelScope) cancelled = begin_in (registry, "Cancelled");
  g_autoptr(CancelScope) again = begin_in (registry, "Completed again");
  g_autoptr(CancelScope) running = begin_in (registry, "Running");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");
  g_autoptr(GPtrArray) found = NULL;
  gint64 since;

  found = cancel_registry_find_last_finished (registry, 5);
  assert_scopes (found, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  cancel_scope_end (completed);
  cancel_scope_fail (failed, error);
  g_assert_true (cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL));
  cancel_scope_end (cancelled);
  let_time_pass (10);
  since = g_get_monotonic_time ();
  cancel_scope_end (again);
  g_assert_cmpint (cancel_scope_get_end_time (cancelled), <, since);
  g_assert_cmpint (cancel_scope_get_end_time (again), >=, since);

  /* Not published yet: the queries see them anyway. */
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 0);

  found = cancel_registry_find_last_finished (registry, 2);
  assert_scopes (found, cancelled, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_last_finished (registry, 100);
  assert_scopes (found, completed, failed, cancelled, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_last_finished (registry, 0);
  assert_scopes (found, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_COMPLETED);
  assert_scopes (found, completed, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_FAILED);
  assert_scopes (found, failed, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_TIMED_OUT);
  assert_scopes (found, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = cancel_registry_find_finished_since (registry, since);
  assert_scopes (found, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_since (registry, 0);
  assert_scopes (found, completed, failed, cancelled, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_since (registry, g_get_monotonic_time () + 1);
  assert_scopes (found, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The live list is not part of the history. */
  found = cancel_registry_find_by_status (registry, CANCEL_STATUS_RUNNING);
  assert_scopes (found, running, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* They agree with the model once it is published. */
  drain (cancel_registry_get_context (registry));
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 4);
  g_assert_true (get_scope (history, 3) == again);

  /* Evicted scopes are not found any more. */
  cancel_registry_set_history_limit (registry, 1);
  found = cancel_registry_find_last_finished (registry, 10);
  assert_scopes (found, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_FAILED);
  assert_scopes (found, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = cancel_registry_find_finished_since (registry, 0);
  assert_scopes (found, again, NULL);
  g_clear_pointer (&found, g_ptr_array_unref);

  cancel_scope_end (running);
  registry_release (registry);
}

/* Rule 19: statistics: counts by status, totals, durations, latency. */
static void
test_stats (void)
{
  g_autoptr(CancelRegistry) registry = cancel_registry_new ();
  g_autoptr(CancelScope) completed = begin_in (registry, "Completed");
  g_autoptr(CancelScope) failed = begin_in (registry, "Failed");
  g_autoptr(CancelScope) cancelled = begin_in (registry, "Cancelled");
  g_autoptr(CancelScope) timed_out = begin_in (registry, "Timed out");
  g_autoptr(CancelScope) running = begin_in (registry, "Running");
  g_autoptr(CancelScope) shielded = scope_new_in (registry, NULL, "Shielded");
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");
  g_autoptr(CancelRegistryStats) stats = NULL;
  g_autoptr(CancelRegistryStats) empty = NULL;
  guint live_count, running_count, shielded_count;
  guint64 total_started, total_finished;
  gint64 average_duration, average_latency, max_latency;
  CancelScope *finished[4];
  gint64 duration_sum = 0, latency_a, latency_b;
  guint i;

  empty = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_total_started (empty), ==, 5);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (empty), ==, 0);
  g_assert_cmpint (cancel_registry_stats_get_average_duration (empty), ==, 0);
  g_assert_cmpint (cancel_registry_stats_get_average_cancel_latency (empty), ==, 0);
  g_assert_cmpint (cancel_registry_stats_get_max_cancel_latency (empty), ==, 0);

  cancel_scope_set_shielded (shielded, TRUE);
  cancel_scope_begin (shielded);

  /* The expected values come from the scopes' own times; the pauses only
   * make the durations non-zero, nothing waits for them. */
  let_time_pass (2000);
  cancel_scope_end (completed);
  cancel_scope_fail (failed, error);
  g_assert_true (cancel_scope_cancel (cancelled, CANCEL_REASON_MANUAL, NULL));
  g_assert_true (cancel_scope_cancel (timed_out, CANCEL_REASON_TIMEOUT, NULL));
  let_time_pass (1000);
  cancel_scope_end (timed_out);
  let_time_pass (1000);
  cancel_scope_end (cancelled);

  g_assert_cmpint (cancel_scope_get_status (failed), ==, CANCEL_STATUS_FAILED);
  g_assert_cmpint (cancel_scope_get_status (cancelled), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpint (cancel_scope_get_status (timed_out), ==, CANCEL_STATUS_TIMED_OUT);

  finished[0] = completed;
  finished[1] = failed;
  finished[2] = cancelled;
  finished[3] = timed_out;
  for (i = 0; i < G_N_ELEMENTS (finished); i++)
    duration_sum += cancel_scope_get_end_time (finished[i]) - cancel_scope_get_start_time (finished[i]);
  latency_a = cancel_scope_get_end_time (cancelled) - cancel_scope_get_cancel_time (cancelled);
  latency_b = cancel_scope_get_end_time (timed_out) - cancel_scope_get_cancel_time (timed_out);
  g_assert_cmpint (cancel_scope_get_cancel_time (cancelled), >, 0);
  g_assert_cmpint (latency_a, >=, 2000);
  g_assert_cmpint (latency_b, >=, 1000);

  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_RUNNING), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_SHIELDED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_live (stats, CANCEL_STATUS_COMPLETED), ==, 0);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_COMPLETED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_CANCELLED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_TIMED_OUT), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_RUNNING), ==, 0);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_FAILED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_CANCELLED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_TIMED_OUT), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_total_started (stats), ==, 6);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, 4);
  g_assert_cmpint (cancel_registry_stats_get_average_duration (stats), ==, duration_sum / 4);
  g_assert_cmpint (cancel_registry_stats_get_average_duration (stats), >=, 2000);
  g_assert_cmpint (cancel_registry_stats_get_average_cancel_latency (stats), ==, (latency_a + latency_b) / 2);
  g_assert_cmpint (cancel_registry_stats_get_max_cancel_latency (stats), ==, MAX (latency_a, latency_b));

  /* Finished totals are not recomputed from the history. */
  cancel_registry_set_history_limit (registry, 1);
  g_clear_object (&stats);
  stats = cancel_registry_get_stats (registry);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_COMPLETED) + cancel_registry_stats_get_history (stats, CANCEL_STATUS_FAILED) +
                    cancel_registry_stats_get_history (stats, CANCEL_STATUS_CANCELLED) + cancel_registry_stats_get_history (stats, CANCEL_STATUS_TIMED_OUT), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_history (stats, CANCEL_STATUS_CANCELLED), ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, 4);
  g_assert_cmpuint (cancel_registry_stats_get_finished (stats, CANCEL_STATUS_COMPLETED), ==, 1);
  g_assert_cmpint (cancel_registry_stats_get_average_duration (stats), ==, duration_sum / 4);
  g_assert_cmpint (cancel_registry_stats_get_max_cancel_latency (stats), ==, MAX (latency_a, latency_b));

  /* Properties a UI can bind agree with the getters. */
  g_object_get (stats,
                "live-count", &live_count,
                "running", &running_count,
                "shielded", &shielded_count,
                "total-started", &total_started,
                "total-finished", &total_finished,
                "average-duration", &average_duration,
                "average-cancel-latency", &average_latency,
                "max-cancel-latency", &max_latency,
                NULL);
  g_assert_cmpuint (live_count, ==, 2);
  g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), ==, 2);
  g_assert_cmpuint (running_count, ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_running (stats), ==, 1);
  g_assert_cmpuint (shielded_count, ==, 1);
  g_assert_cmpuint (cancel_registry_stats_get_shielded (stats), ==, 1);
  g_assert_cmpuint (total_started, ==, 6);
  g_assert_cmpuint (total_finished, ==, 4);
  g_assert_cmpint (average_duration, ==, duration_sum / 4);
  g_assert_cmpint (average_latency, ==, (latency_a + latency_b) / 2);
  g_assert_cmpint (max_latency, ==, MAX (latency_a, latency_b));

  /* A snapshot: what happens later does not change it. */
  cancel_scope_end (running);
  cancel_scope_end (shielded);
  g_assert_cmpuint (cancel_registry_stats_get_live_count (stats), ==, 2);
  g_assert_cmpuint (cancel_registry_stats_get_total_finished (stats), ==, 4);
  g_assert_cmpuint (cancel_registry_stats_get_live_count (empty), ==, 5);
  g_assert_finalize_object (g_steal_pointer (&empty));

  registry_release (registry);
}

static gpointer
get_default_in_thread (gpointer data)
{
  return cancel_registry_get_default ();
}

/* Rule 17: one process-wide default registry, on the global default
 * context, that scopes use unless told otherwise. */
static void
test_default_registry (void)
{
  CancelRegistry *registry = cancel_registry_get_default ();
  GListModel *live = G_LIST_MODEL (registry);
  g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Default", CANCEL_SCOPE_FLAGS_NONE);
  g_autoptr(CancelScope) found = NULL;
  GThread *threads[4];
  Shadow shadow;
  guint i;

  g_assert_true (CANCEL_IS_REGISTRY (registry));
  g_assert_true (cancel_registry_get_default () == registry);
  g_assert_true (cancel_registry_get_context (registry) == g_main_context_default ());

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("get-default", get_default_in_thread, NULL);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (g_thread_join (threads[i]) == registry);

  drain (g_main_context_default ());
  shadow_init (&shadow, live, g_main_context_default ());

  cancel_scope_begin (scope);
  ASSERT_DUP_REGISTRY (scope, registry);
  found = cancel_registry_lookup (registry, cancel_scope_get_id (scope));
  g_assert_true (found == scope);

  ITERATE_UNTIL (g_main_context_default (), shadow.n_emissions > 0);
  g_assert_true (g_ptr_array_find (shadow.items, scope, NULL));

  cancel_scope_end (scope);
  drain (g_main_context_default ());
  g_assert_false (g_ptr_array_find (shadow.items, scope, NULL));

  shadow_clear (&shadow);
}

/* Rule 18: a registry made under a thread-default context changes and
 * emits only there. */
static void
test_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CancelRegistry) registry = NULL;
  g_autoptr(CancelScope) scope = NULL;
  Shadow shadow;

  g_main_context_push_thread_default (context);
  registry = cancel_registry_new ();
  g_main_context_pop_thread_default (context);

  g_assert_true (cancel_registry_get_context (registry) == context);
  shadow_init (&shadow, G_LIST_MODEL (registry), context);

  scope = begin_in (registry, "Elsewhere");

  /* Running the global default context does not publish it. */
  drain (g_main_context_default ());
  g_assert_cmpuint (shadow.n_emissions, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);

  ITERATE_UNTIL (context, shadow.n_emissions == 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 1);

  cancel_scope_end (scope);
  drain (context);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 0);

  shadow_clear (&shadow);
  registry_release (registry);
}

/* A registry drops its scopes when it goes. */
static void
test_finalize (void)
{
  CancelRegistry *registry = cancel_registry_new ();
  CancelScope *live = begin_in (registry, "Live");
  CancelScope *done = begin_in (registry, "Done");

  cancel_scope_end (done);
  drain (cancel_registry_get_context (registry));
  g_assert_cmpuint (g_list_model_get_n_items (cancel_registry_get_history (registry)), ==, 1);

  cancel_scope_end (live);
  registry_release (registry);

  g_assert_finalize_object (live);
  g_assert_finalize_object (done);
  g_assert_finalize_object (registry);
}

/* Programmer errors are criticals, with no effect. Each case runs in a
 * subprocess, where the critical is fatal. */
static const char * const critical_cases[] = {
  "lookup-null", "lookup-wrong-type", "stats-null", "history-wrong-type",
  "limit-null", "clear-wrong-type", "find-null", "find-parent-wrong-type",
  "find-status-invalid", "cancel-null", "cancel-reason-none",
  "cancel-all-wrong-type", "cancel-all-reason-none", "context-null",
  "stats-live-invalid", "stats-history-invalid", "stats-finished-invalid",
  "stats-wrong-type", "last-finished-null", "finished-by-status-live",
  "finished-by-status-invalid", "finished-since-wrong-type",
};

static void
test_critical (gconstpointer data)
{
  const char *which = data;

  if (g_test_subprocess ())
    {
      g_autoptr(CancelScope) scope = cancel_scope_new_full (NULL, "Not a registry", CANCEL_SCOPE_FLAGS_NONE);
      g_autoptr(CancelRegistry) registry = cancel_registry_new ();
      g_autoptr(CancelRegistryStats) stats = cancel_registry_get_stats (registry);

      if (g_str_equal (which, "lookup-null"))
        cancel_registry_lookup (NULL, 1);
      else if (g_str_equal (which, "lookup-wrong-type"))
        cancel_registry_lookup ((CancelRegistry *) scope, 1);
      else if (g_str_equal (which, "stats-null"))
        cancel_registry_get_stats (NULL);
      else if (g_str_equal (which, "history-wrong-type"))
        cancel_registry_get_history ((CancelRegistry *) scope);
      else if (g_str_equal (which, "limit-null"))
        cancel_registry_set_history_limit (NULL, 3);
      else if (g_str_equal (which, "clear-wrong-type"))
        cancel_registry_clear_history ((CancelRegistry *) scope);
      else if (g_str_equal (which, "find-null"))
        cancel_registry_find_by_name (NULL, "x");
      else if (g_str_equal (which, "find-parent-wrong-type"))
        cancel_registry_find_by_parent (registry, (CancelScope *) registry);
      else if (g_str_equal (which, "find-status-invalid"))
        cancel_registry_find_by_status (registry, CANCEL_N_STATUSES);
      else if (g_str_equal (which, "cancel-null"))
        cancel_registry_cancel (NULL, 1, CANCEL_REASON_MANUAL, NULL);
      else if (g_str_equal (which, "cancel-reason-none"))
        cancel_registry_cancel (registry, 1, CANCEL_REASON_NONE, NULL);
      else if (g_str_equal (which, "cancel-all-wrong-type"))
        cancel_registry_cancel_all ((CancelRegistry *) scope, CANCEL_REASON_MANUAL, NULL);
      else if (g_str_equal (which, "cancel-all-reason-none"))
        cancel_registry_cancel_all (registry, CANCEL_REASON_NONE, NULL);
      else if (g_str_equal (which, "context-null"))
        cancel_registry_get_context (NULL);
      else if (g_str_equal (which, "stats-live-invalid"))
        cancel_registry_stats_get_live (stats, CANCEL_N_STATUSES);
      else if (g_str_equal (which, "stats-history-invalid"))
        cancel_registry_stats_get_history (stats, CANCEL_N_STATUSES);
      else if (g_str_equal (which, "stats-finished-invalid"))
        cancel_registry_stats_get_finished (stats, (CancelStatus) -1);
      else if (g_str_equal (which, "stats-wrong-type"))
        cancel_registry_stats_get_total_started ((CancelRegistryStats *) registry);
      else if (g_str_equal (which, "last-finished-null"))
        cancel_registry_find_last_finished (NULL, 3);
      else if (g_str_equal (which, "finished-by-status-live"))
        cancel_registry_find_finished_by_status (registry, CANCEL_STATUS_RUNNING);
      else if (g_str_equal (which, "finished-by-status-invalid"))
        cancel_registry_find_finished_by_status (registry, CANCEL_N_STATUSES);
      else if (g_str_equal (which, "finished-since-wrong-type"))
        cancel_registry_find_finished_since ((CancelRegistry *) scope, 0);
      else
        g_assert_not_reached ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cancel_registry_*assertion*failed*");
}

int
main (int argc, char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Cancel/Registry/track-on-begin", test_track_on_begin);
  g_test_add_func ("/Cancel/Registry/opt-out", test_opt_out);
  g_test_add_func ("/Cancel/Registry/end-enters-history", test_end_enters_history);
  g_test_add_func ("/Cancel/Registry/emission-span", test_emission_span);
  g_test_add_func ("/Cancel/Registry/same-batch", test_same_batch);
  g_test_add_func ("/Cancel/Registry/history-bound", test_history_bound);
  g_test_add_func ("/Cancel/Registry/limit-change", test_limit_change);
  g_test_add_func ("/Cancel/Registry/clear-history", test_clear_history);
  g_test_add_func ("/Cancel/Registry/memory-bounded", test_memory_bounded);
  g_test_add_func ("/Cancel/Registry/batching", test_batching);
  g_test_add_func ("/Cancel/Registry/lookup", test_lookup);
  g_test_add_func ("/Cancel/Registry/find", test_find);
  g_test_add_func ("/Cancel/Registry/cancel-by-id", test_cancel_by_id);
  g_test_add_func ("/Cancel/Registry/cancel-all", test_cancel_all);
  g_test_add_func ("/Cancel/Registry/cancel-all-with-status", test_cancel_all_with_status);
  g_test_add_func ("/Cancel/Registry/finished-queries", test_finished_queries);
  g_test_add_func ("/Cancel/Registry/stats", test_stats);
  g_test_add_func ("/Cancel/Registry/default", test_default_registry);
  g_test_add_func ("/Cancel/Registry/context", test_context);
  g_test_add_func ("/Cancel/Registry/finalize", test_finalize);
  for (i = 0; i < G_N_ELEMENTS (critical_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/Cancel/Registry/critical/%s", critical_cases[i]);

      g_test_add_data_func (path, critical_cases[i], test_critical);
    }

  return g_test_run ();
}
