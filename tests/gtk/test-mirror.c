/* test-mirror.c: the model that turns coarse list changes into precise ones
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "cancel-gtk-mirror-private.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  GListModel *mirror;
  GPtrArray  *shadow;       /* what a view following the signals holds */
  guint       n_emissions;
  guint       n_removed;
  guint       n_added;
  guint       max_shown_removed;  /* in one emission */
  guint       max_removed;
  guint       max_added;
  gulong      slow_usec;  /* each emission takes this long, as GTK's rows do */
  guint       max_emissions_per_iteration;  /* by follower_catch_up() */
} Follower;

/* Items a view shows: a bound row watches its item (see the mirror). */
static void
on_item_notify (GObject    *item,
                GParamSpec *pspec,
                gpointer    data)
{
}

static void
show_item (GObject *item)
{
  g_signal_connect (item, "notify", G_CALLBACK (on_item_notify), NULL);
}

/* A view shows the first @n items of @store. */
static void
show_first (GListStore *store,
            guint       n)
{
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      show_item (item);
    }
}

static gboolean
is_shown (GObject *item)
{
  return g_signal_handler_find (item, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_item_notify, NULL) != 0;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Follower   *follower)
{
  guint i;

  /* Every emission is consistent with the model as it is now. */
  g_assert_cmpuint (position + removed, <=, follower->shadow->len);
  g_assert_cmpuint (follower->shadow->len - removed + added, ==, g_list_model_get_n_items (model));

  {
    guint shown = 0;

    for (i = position; i < position + removed; i++)
      shown += is_shown (g_ptr_array_index (follower->shadow, i));
    follower->max_shown_removed = MAX (follower->max_shown_removed, shown);
    follower->max_removed = MAX (follower->max_removed, removed);
    follower->max_added = MAX (follower->max_added, added);
  }

  g_ptr_array_remove_range (follower->shadow, position, removed);
  for (i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (follower->shadow, position + i, g_object_ref (item));
    }

  follower->n_emissions++;
  follower->n_removed += removed;
  follower->n_added += added;
  if (follower->slow_usec > 0)
    g_usleep (follower->slow_usec);
}

static void
follower_init (Follower   *follower,
               GListModel *source)
{
  guint i, n = g_list_model_get_n_items (source);

  follower->mirror = _cancel_gtk_mirror_new (source);
  /* Holding its items, as a view's rows do. */
  follower->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (follower->mirror, i);

      g_ptr_array_add (follower->shadow, g_object_ref (item));
    }
  g_signal_connect (follower->mirror, "items-changed", G_CALLBACK (on_items_changed), follower);
}

static void
follower_reset_counts (Follower *follower)
{
  follower->n_emissions = follower->n_removed = follower->n_added = 0;
  follower->max_shown_removed = follower->max_removed = follower->max_added = 0;
  follower->max_emissions_per_iteration = 0;
}

/* Runs the default context until the paced mirror caught up; returns
 * how many iterations that took, and records the most emissions one of
 * them made. */
static guint
follower_catch_up (Follower *follower)
{
  guint n = 0;

  while (_cancel_gtk_mirror_is_behind (follower->mirror))
    {
      guint before = follower->n_emissions;

      g_main_context_iteration (NULL, TRUE);
      n++;
      follower->max_emissions_per_iteration = MAX (follower->max_emissions_per_iteration,
                                                   follower->n_emissions - before);
    }

  return n;
}

static void
follower_clear (Follower *follower)
{
  g_assert_finalize_object (follower->mirror);
  g_ptr_array_unref (follower->shadow);
}

/* The source, the mirror and what a follower of the mirror holds agree. */
static void
assert_same (GListModel *source,
             Follower   *follower)
{
  guint i, n = g_list_model_get_n_items (source);

  g_assert_cmpuint (g_list_model_get_n_items (follower->mirror), ==, n);
  g_assert_cmpuint (follower->shadow->len, ==, n);
  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (source, i);
      g_autoptr(GObject) b = g_list_model_get_item (follower->mirror, i);

      g_assert_true (a == b);
      g_assert_true (g_ptr_array_index (follower->shadow, i) == a);
    }
}

static GListStore *
make_store (guint n)
{
  GListStore *store = g_list_store_new (G_TYPE_OBJECT);
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

      g_list_store_append (store, item);
    }

  return store;
}

/* Replaces items [first, end) of @store by @keep (in that order) plus
 * @n_new new items, as one emission: what the registry does. */
static void
splice_keeping (GListStore *store,
                guint       first,
                GPtrArray  *keep,
                guint       n_new)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint i, n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (i = 0; i < keep->len; i++)
    g_ptr_array_add (items, g_object_ref (g_ptr_array_index (keep, i)));
  for (i = 0; i < n_new; i++)
    g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));

  g_list_store_splice (store, first, n - first, items->pdata, items->len);
}

static void
test_mirror_scattered_removals (void)
{
  g_autoptr(GListStore) store = make_store (100);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  Follower follower = { 0, };
  guint i;

  follower_init (&follower, G_LIST_MODEL (store));

  /* Remove 10, 50, 51 and 90 as one coarse change from 10 to the end. */
  for (i = 10; i < 100; i++)
    if (i != 10 && i != 50 && i != 51 && i != 90)
      g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
  splice_keeping (store, 10, keep, 0);

  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 3);
  g_assert_cmpuint (follower.n_removed, ==, 4);
  g_assert_cmpuint (follower.n_added, ==, 0);

  follower_clear (&follower);
}

static void
test_mirror_replaced_by_themselves (void)
{
  g_autoptr(GListStore) store = make_store (50);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  Follower follower = { 0, };
  guint i;

  follower_init (&follower, G_LIST_MODEL (store));

  for (i = 0; i < 50; i++)
    g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
  splice_keeping (store, 0, keep, 0);

  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 0);

  follower_clear (&follower);
}

static void
test_mirror_evict_and_append (void)
{
  g_autoptr(GListStore) store = make_store (1000);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  Follower follower = { 0, };
  guint i;

  follower_init (&follower, G_LIST_MODEL (store));

  /* A full history: the 10 oldest leave, 10 new come, "all replaced". */
  for (i = 10; i < 1000; i++)
    g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
  splice_keeping (store, 0, keep, 10);

  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 2);
  g_assert_cmpuint (follower.n_removed, ==, 10);
  g_assert_cmpuint (follower.n_added, ==, 10);

  follower_clear (&follower);
}

static void
test_mirror_many_runs (void)
{
  g_autoptr(GListStore) store = make_store (1000);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
  Follower follower = { 0, };
  guint i;

  follower_init (&follower, G_LIST_MODEL (store));

  /* Every other item leaves: too many runs, one emission. */
  for (i = 0; i < 1000; i += 2)
    g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
  splice_keeping (store, 0, keep, 0);

  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 1);

  follower_clear (&follower);
}

static void
test_mirror_random (void)
{
  g_autoptr(GListStore) store = make_store (200);
  Follower follower = { 0, };
  guint round;

  follower_init (&follower, G_LIST_MODEL (store));

  for (round = 0; round < 2000; round++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint first = n > 0 ? g_test_rand_int_range (0, n + 1) : 0;
      g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
      guint i;

      follower_reset_counts (&follower);

      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          /* Scattered removals and appends, as the registry does. */
          for (i = first; i < n; i++)
            if (g_test_rand_int_range (0, 10) != 0)
              g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
          splice_keeping (store, first, keep, g_test_rand_int_range (0, 5));
          break;

        case 1:
          /* Items moved: the mirror must still end up right. */
          for (i = first; i < n; i++)
            g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
          for (i = keep->len; i > 1; i--)
            {
              guint j = g_test_rand_int_range (0, i);
              gpointer tmp = keep->pdata[i - 1];

              keep->pdata[i - 1] = keep->pdata[j];
              keep->pdata[j] = tmp;
            }
          splice_keeping (store, first, keep, g_test_rand_int_range (0, 3));
          break;

        case 2:
          /* Precise changes from the source go through as they are. */
          if (n > 0)
            g_list_store_remove (store, g_test_rand_int_range (0, n));
          break;

        case 3:
        default:
          {
            g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

            g_list_store_insert (store, first, item);
          }
          break;
        }

      assert_same (G_LIST_MODEL (store), &follower);
    }

  follower_clear (&follower);
}

/* Paced: a change too big for the budget is emitted in chunks over
 * several iterations, four shown items removed by each while more than
 * 16 are left, the last 16 at once, and every emission describes the
 * mirror as it is. */
static void
test_mirror_paced_burst (void)
{
  g_autoptr(GListStore) store = make_store (3000);
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  Follower follower = { 0, };
  guint iterations;

  follower_init (&follower, G_LIST_MODEL (store));
  /* One emission per call: every chunk in an iteration of its own. */
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);

  /* A view shows the first 100. */
  show_first (store, 100);

  /* All go at once, as after "cancel all". */
  splice_keeping (store, 0, keep, 0);
  g_assert_true (_cancel_gtk_mirror_is_behind (follower.mirror));
  g_assert_cmpuint (g_list_model_get_n_items (follower.mirror), >, 0);

  iterations = follower_catch_up (&follower);

  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (g_list_model_get_n_items (follower.mirror), ==, 0);
  g_assert_cmpuint (follower.n_removed, ==, 3000);
  g_assert_cmpuint (follower.max_shown_removed, ==, 16);
  g_assert_cmpuint (follower.max_removed, <=, 1024);
  /* The 2,900 items nobody shows go in three chunks (the last with four
   * shown ones), 80 of the other 96 shown ones four at a time, then 16. */
  g_assert_cmpuint (follower.n_emissions, ==, 3 + 80 / 4 + 1);
  /* Each in an iteration of its own, after the first (in the splice). An
   * iteration may also emit nothing: if the catch-up takes over 250 ms
   * (a machine that stalls), the overdue timeout checks in one of its own. */
  g_assert_cmpuint (follower.max_emissions_per_iteration, ==, 1);
  g_assert_cmpuint (iterations, >=, follower.n_emissions - 1);

  follower_clear (&follower);
}

/* Runs the default context until the paced mirror caught up, like
 * follower_catch_up(); returns in @whole_at when the first iteration that
 * made more than one emission (a catch-up whole) began, relative to
 * @start, or -1. */
static void
follower_catch_up_timed (Follower *follower,
                         gint64    start,
                         gint64   *whole_at,
                         guint    *iterations)
{
  *whole_at = -1;
  *iterations = 0;
  while (_cancel_gtk_mirror_is_behind (follower->mirror))
    {
      guint before = follower->n_emissions;
      gint64 began = g_get_monotonic_time ();

      g_main_context_iteration (NULL, TRUE);
      (*iterations)++;
      if (follower->n_emissions - before > 1 && *whole_at < 0)
        *whole_at = began - start;
    }
}

/* Paced behind a slow view (25 ms an emission: a GTK that rebuilds rows)
 * whose idle keeps running: it goes on at its pace, one emission an
 * iteration, for as long as that takes, 600 ms here. Catching up whole
 * once 250 ms passed, as before, made iterations of 25-130 ms in
 * bench-monitor (and after 2 s, tried next, of 40-400 ms). */
static void
test_mirror_paced_slow_view (void)
{
  g_autoptr(GListStore) store = make_store (3000);
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  Follower follower = { 0, };
  gint64 start, whole_at;
  guint iterations;

  follower_init (&follower, G_LIST_MODEL (store));
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);
  show_first (store, 100);
  follower.slow_usec = 25 * 1000;

  start = g_get_monotonic_time ();
  splice_keeping (store, 0, keep, 0);
  follower_catch_up_timed (&follower, start, &whole_at, &iterations);

  g_test_message ("caught up after %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, >, 250 * 1000);
  assert_same (G_LIST_MODEL (store), &follower);
  /* One emission an iteration at most (the overdue timeout's checks are
   * iterations of their own). */
  g_assert_cmpint (whole_at, ==, -1);
  g_assert_cmpuint (follower.n_emissions, ==, 3 + 80 / 4 + 1);
  g_assert_cmpuint (iterations, >=, follower.n_emissions - 1);

  follower_clear (&follower);
}

/* Paced and behind, in an application so busy that the idle catching up
 * never runs: the first change of the source after 250 ms is applied
 * whole, so a new item shows (the demo's test starved without this). */
static void
test_mirror_paced_starved (void)
{
  g_autoptr(GListStore) store = make_store (300);
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GObject) late = g_object_new (G_TYPE_OBJECT, NULL);
  Follower follower = { 0, };
  gint64 spliced;

  follower_init (&follower, G_LIST_MODEL (store));
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);
  show_first (store, 50);

  spliced = g_get_monotonic_time ();
  splice_keeping (store, 0, keep, 0);
  g_assert_true (_cancel_gtk_mirror_is_behind (follower.mirror));

  /* No iteration: the idle cannot run. Within 250 ms changes wait (unless
   * this thread stalled as long between the two lines: then the append
   * may rightly apply it whole)... */
  g_list_store_append (store, late);
  if (g_get_monotonic_time () - spliced < 250 * 1000)
    g_assert_true (_cancel_gtk_mirror_is_behind (follower.mirror));
  g_usleep (300 * 1000);

  /* ...past it, the next one is applied at once, whole. */
  g_list_store_append (store, late);
  g_assert_false (_cancel_gtk_mirror_is_behind (follower.mirror));
  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (g_list_model_get_n_items (follower.mirror), ==, 2);

  follower_clear (&follower);
}

static gboolean
stay_ready (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Paced and behind while the main loop always has something more urgent
 * than an idle (a source at the default priority that stays ready, as a
 * download's I/O and late frames did), and the source does not change
 * again: once 250 ms passed, a timeout of its own takes the steps, still
 * one emission an iteration (catching up whole there was an iteration of
 * up to 1.3 s on a loaded machine in bench-monitor). Without it the
 * demo's monitor never showed a server's row for the whole of a download
 * under AddressSanitizer. */
static void
test_mirror_paced_starved_unchanged (void)
{
  g_autoptr(GListStore) store = make_store (300);
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GObject) late = g_object_new (G_TYPE_OBJECT, NULL);
  Follower follower = { 0, };
  gboolean gave_up = FALSE;
  guint busy_id, guard_id;
  gint64 start;

  follower_init (&follower, G_LIST_MODEL (store));
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);
  show_first (store, 50);

  start = g_get_monotonic_time ();
  splice_keeping (store, 0, keep, 0);
  g_list_store_append (store, late);
  g_assert_true (_cancel_gtk_mirror_is_behind (follower.mirror));

  busy_id = g_idle_add_full (G_PRIORITY_DEFAULT, stay_ready, NULL, NULL);
  guard_id = g_timeout_add_seconds (30, set_flag, &gave_up);
  while (_cancel_gtk_mirror_is_behind (follower.mirror) && !gave_up)
    {
      guint before = follower.n_emissions;

      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (follower.n_emissions - before, <=, 1);
    }
  g_source_remove (busy_id);
  g_assert_false (gave_up);
  g_source_remove (guard_id);

  g_test_message ("caught up after %.0f ms in %u emissions",
                  (g_get_monotonic_time () - start) / 1000.0, follower.n_emissions);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 250 * 1000);
  g_assert_cmpuint (follower.n_emissions, >, 1);
  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (g_list_model_get_n_items (follower.mirror), ==, 1);

  follower_clear (&follower);
}

/* Paced: insertions go whole (the registry appends, far from the rows
 * shown); a mirror under budget follows at once. */
static void
test_mirror_paced_insertions (void)
{
  g_autoptr(GListStore) store = make_store (0);
  Follower follower = { 0, };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  follower_init (&follower, G_LIST_MODEL (store));
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);

  for (i = 0; i < 2000; i++)
    g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
  g_list_store_splice (store, 0, 0, items->pdata, items->len);

  g_assert_false (_cancel_gtk_mirror_is_behind (follower.mirror));
  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 1);

  /* A generous budget: a small change is applied in the emission. */
  _cancel_gtk_mirror_set_budget (follower.mirror, G_USEC_PER_SEC * 60);
  follower_reset_counts (&follower);
  g_list_store_remove (store, 10);
  g_assert_false (_cancel_gtk_mirror_is_behind (follower.mirror));
  assert_same (G_LIST_MODEL (store), &follower);
  g_assert_cmpuint (follower.n_emissions, ==, 1);

  follower_clear (&follower);
}

/* Paced: changes of the source while the mirror is behind (their
 * positions refer to a list the mirror does not have) end up right, and
 * dropping the budget catches up at once. */
static void
test_mirror_paced_random (void)
{
  g_autoptr(GListStore) store = make_store (300);
  Follower follower = { 0, };
  guint round;

  follower_init (&follower, G_LIST_MODEL (store));
  _cancel_gtk_mirror_set_budget (follower.mirror, 1);

  for (round = 0; round < 500; round++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint first = n > 0 ? g_test_rand_int_range (0, n + 1) : 0;
      g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);
      guint i;

      for (i = first; i < n; i++)
        if (g_test_rand_int_range (0, 4) != 0)
          g_ptr_array_add (keep, g_list_model_get_item (G_LIST_MODEL (store), i));
      if (g_test_rand_int_range (0, 5) == 0)
        {
          /* Moved items too. */
          for (i = keep->len; i > 1; i--)
            {
              guint j = g_test_rand_int_range (0, i);
              gpointer tmp = keep->pdata[i - 1];

              keep->pdata[i - 1] = keep->pdata[j];
              keep->pdata[j] = tmp;
            }
        }
      splice_keeping (store, first, keep, g_test_rand_int_range (0, 40));

      /* Sometimes a few iterations, sometimes none before the next one. */
      for (i = g_test_rand_int_range (0, 3); i > 0; i--)
        g_main_context_iteration (NULL, FALSE);

      if (round % 100 == 99)
        {
          follower_catch_up (&follower);
          assert_same (G_LIST_MODEL (store), &follower);
        }
    }

  _cancel_gtk_mirror_set_budget (follower.mirror, 0);
  g_assert_false (_cancel_gtk_mirror_is_behind (follower.mirror));
  assert_same (G_LIST_MODEL (store), &follower);

  follower_clear (&follower);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  g_test_add_func ("/CancelGtk/Mirror/scattered-removals", test_mirror_scattered_removals);
  g_test_add_func ("/CancelGtk/Mirror/replaced-by-themselves", test_mirror_replaced_by_themselves);
  g_test_add_func ("/CancelGtk/Mirror/evict-and-append", test_mirror_evict_and_append);
  g_test_add_func ("/CancelGtk/Mirror/many-runs", test_mirror_many_runs);
  g_test_add_func ("/CancelGtk/Mirror/random", test_mirror_random);
  g_test_add_func ("/CancelGtk/Mirror/paced-burst", test_mirror_paced_burst);
  g_test_add_func ("/CancelGtk/Mirror/paced-insertions", test_mirror_paced_insertions);
  g_test_add_func ("/CancelGtk/Mirror/paced-random", test_mirror_paced_random);
  g_test_add_func ("/CancelGtk/Mirror/paced-slow-view", test_mirror_paced_slow_view);
  g_test_add_func ("/CancelGtk/Mirror/paced-starved", test_mirror_paced_starved);
  g_test_add_func ("/CancelGtk/Mirror/paced-starved-unchanged", test_mirror_paced_starved_unchanged);

  return g_test_run ();
}
