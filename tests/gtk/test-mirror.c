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
} Follower;

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

  g_ptr_array_remove_range (follower->shadow, position, removed);
  for (i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (follower->shadow, position + i, item);
    }

  follower->n_emissions++;
  follower->n_removed += removed;
  follower->n_added += added;
}

static void
follower_init (Follower   *follower,
               GListModel *source)
{
  guint i, n = g_list_model_get_n_items (source);

  follower->mirror = _cancel_gtk_mirror_new (source);
  follower->shadow = g_ptr_array_new ();
  for (i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (follower->mirror, i);

      g_ptr_array_add (follower->shadow, item);
    }
  g_signal_connect (follower->mirror, "items-changed", G_CALLBACK (on_items_changed), follower);
}

static void
follower_reset_counts (Follower *follower)
{
  follower->n_emissions = follower->n_removed = follower->n_added = 0;
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

  return g_test_run ();
}
