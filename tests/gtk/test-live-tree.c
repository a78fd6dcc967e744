/* test-live-tree.c: the monitor's live rows, without a display
 *
 * The rows the monitor's live view shows come from CancelGtkLiveTree, and
 * its lists are filtered by CancelGtkSearch: models with no widget, so
 * this test never opens a display (meson runs it with DISPLAY and
 * WAYLAND_DISPLAY unset).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "cancel-gtk-live-tree-private.h"
#include "cancel-gtk-search-private.h"
#include "gtk-test-util.h"
#include "scope-test-util.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  CancelRegistry    *registry;
  GPtrArray         *scopes;
  CancelGtkLiveTree *tree;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->registry = cancel_registry_new ();
  f->scopes = g_ptr_array_new_with_free_func (g_object_unref);
  f->tree = _cancel_gtk_live_tree_new (f->registry, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  guint i;

  for (i = 0; i < f->scopes->len; i++)
    {
      CancelScope *scope = g_ptr_array_index (f->scopes, i);

      if (cancel_scope_get_end_time (scope) == 0)
        cancel_scope_end (scope);
    }

  g_assert_finalize_object (f->tree);
  g_clear_pointer (&f->scopes, g_ptr_array_unref);
  g_clear_object (&f->registry);
}

/* The rows as "name/depth" words, with "+" after a row shown expanded. */
static char *
describe_rows (GListModel *rows)
{
  GString *text = g_string_new (NULL);
  guint i, n = g_list_model_get_n_items (rows);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(CancelScope) scope = gtk_tree_list_row_get_item (row);

      g_string_append_printf (text, "%s%s/%u%s", i > 0 ? " " : "",
                              cancel_scope_get_name (scope),
                              gtk_tree_list_row_get_depth (row),
                              gtk_tree_list_row_get_expanded (row) ? "+" : "");
    }

  return g_string_free (text, FALSE);
}

typedef struct
{
  Fixture    *f;
  const char *expected;
} RowsQuery;

static gboolean
rows_are (gpointer data)
{
  RowsQuery *query = data;
  g_autofree char *rows = describe_rows (_cancel_gtk_live_tree_get_model (query->f->tree));

  return g_str_equal (rows, query->expected);
}

/* The registry publishes its changes once per iteration, and roots are
 * refiltered in an idle: waits until the rows settle as @expected. */
static void
assert_rows (Fixture    *f,
             const char *expected)
{
  RowsQuery query = { f, expected };
  g_autofree char *message = g_strdup_printf ("the rows “%s”", expected);

  test_wait_for (rows_are, &query, message);
}

static CancelScope *
start (Fixture     *f,
       CancelScope *parent,
       const char  *name)
{
  return test_start_scope (f->registry, f->scopes, parent, name);
}

static void
test_nesting (Fixture       *f,
              gconstpointer  data)
{
  CancelScope *batch, *fetch, *parse, *index;

  g_assert_cmpuint (g_list_model_get_n_items (_cancel_gtk_live_tree_get_model (f->tree)), ==, 0);

  batch = start (f, NULL, "batch");
  assert_rows (f, "batch/0+");

  fetch = start (f, batch, "fetch");
  assert_rows (f, "batch/0+ fetch/1+");

  parse = start (f, fetch, "parse");
  index = start (f, NULL, "index");
  assert_rows (f, "batch/0+ fetch/1+ parse/2+ index/0+");

  /* A child that ends leaves its parent's rows. */
  cancel_scope_end (parse);
  assert_rows (f, "batch/0+ fetch/1+ index/0+");

  cancel_scope_end (fetch);
  assert_rows (f, "batch/0+ index/0+");

  cancel_scope_end (index);
  cancel_scope_end (batch);
  assert_rows (f, "");
}

/* A parent that ended while its children run: they stay listed, as roots
 * now, with their own children still under them. */
static void
test_ended_parent (Fixture       *f,
                   gconstpointer  data)
{
  CancelScope *sync, *headers, *body, *attachment;

  sync = start (f, NULL, "sync");
  headers = start (f, sync, "headers");
  body = start (f, sync, "body");
  attachment = start (f, body, "attachment");
  assert_rows (f, "sync/0+ headers/1+ body/1+ attachment/2+");

  cancel_scope_end (sync);
  g_assert_cmpint (cancel_scope_get_status (sync), ==, CANCEL_STATUS_COMPLETED);
  assert_rows (f, "headers/0+ body/0+ attachment/1+");

  cancel_scope_end (headers);
  assert_rows (f, "body/0+ attachment/1+");

  cancel_scope_end (attachment);
  cancel_scope_end (body);
  assert_rows (f, "");
}

/* A parent that begins after its children takes them back under it. */
static void
test_late_parent (Fixture       *f,
                  gconstpointer  data)
{
  CancelScope *upload = cancel_scope_new_full (NULL, "upload", CANCEL_SCOPE_FLAGS_NONE);
  CancelScope *chunk;

  g_ptr_array_add (f->scopes, upload);
  cancel_scope_set_registry (upload, f->registry);

  chunk = start (f, upload, "chunk");
  assert_rows (f, "chunk/0+");

  /* Nothing asked for the parent's children before it began: the tree's
   * first call lists the child at once. */
  cancel_scope_begin (upload);
  assert_rows (f, "upload/0+ chunk/1+");

  cancel_scope_end (chunk);
  cancel_scope_end (upload);
  assert_rows (f, "");
}

/* A scope of another registry is not shown, and neither is its subtree
 * under it: its children of this registry are roots here. */
static void
test_other_registry (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CancelRegistry) other = cancel_registry_new ();
  CancelScope *outside = test_start_scope (other, f->scopes, NULL, "outside");

  start (f, outside, "inside");
  assert_rows (f, "inside/0+");
}

static void
on_notify_model (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n_notifies)
{
  (*n_notifies)++;
}

/* Flat: the live operations that match the search, at one level, in the
 * order of the registry; the tree comes back when the search ends. */
static void
test_flat (Fixture       *f,
           gconstpointer  data)
{
  GtkStringFilter *filter = gtk_string_filter_new (gtk_property_expression_new (CANCEL_TYPE_SCOPE, NULL, "name"));
  CancelScope *download;
  guint n_notifies = 0;

  g_clear_object (&f->tree);
  f->tree = _cancel_gtk_live_tree_new (f->registry, GTK_FILTER (filter));
  g_signal_connect (f->tree, "notify::model", G_CALLBACK (on_notify_model), &n_notifies);

  download = start (f, NULL, "download");
  start (f, download, "download part 1");
  start (f, download, "verify");
  start (f, NULL, "download index");
  assert_rows (f, "download/0+ download part 1/1+ verify/1+ download index/0+");

  gtk_string_filter_set_search (filter, "download");
  _cancel_gtk_live_tree_set_flat (f->tree, TRUE);
  g_assert_true (_cancel_gtk_live_tree_get_flat (f->tree));
  g_assert_cmpuint (n_notifies, ==, 1);
  assert_rows (f, "download/0 download part 1/0 download index/0");

  /* Already flat: the same rows, no new model. */
  _cancel_gtk_live_tree_set_flat (f->tree, TRUE);
  g_assert_cmpuint (n_notifies, ==, 1);

  gtk_string_filter_set_search (filter, "part");
  assert_rows (f, "download part 1/0");

  _cancel_gtk_live_tree_set_flat (f->tree, FALSE);
  g_assert_cmpuint (n_notifies, ==, 2);
  assert_rows (f, "download/0+ download part 1/1+ verify/1+ download index/0+");

  g_object_unref (filter);
}

/* Cancelling a subtree counts what this call cancelled: not a shielded
 * child, nor one cancelled before. */
static void
test_cancel_subtree (Fixture       *f,
                     gconstpointer  data)
{
  CancelScope *batch, *first, *second, *shielded;

  batch = start (f, NULL, "batch");
  first = start (f, batch, "first");
  second = start (f, first, "second");
  shielded = cancel_scope_new_full (batch, "shielded", CANCEL_SCOPE_FLAGS_SHIELDED);
  g_ptr_array_add (f->scopes, shielded);
  cancel_scope_set_registry (shielded, f->registry);
  cancel_scope_begin (shielded);
  assert_rows (f, "batch/0+ first/1+ second/2+ shielded/1+");

  cancel_scope_cancel (second, CANCEL_REASON_MANUAL, NULL);
  g_assert_cmpuint (_cancel_gtk_live_tree_cancel_subtree (batch, "Stop"), ==, 2);
  g_assert_cmpint (cancel_scope_get_reason (batch), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpstr (cancel_scope_get_message (batch), ==, "Stop");
  g_assert_cmpint (cancel_scope_get_reason (first), ==, CANCEL_REASON_PARENT);
  g_assert_cmpint (cancel_scope_get_reason (shielded), ==, CANCEL_REASON_NONE);

  g_assert_cmpuint (_cancel_gtk_live_tree_cancel_subtree (batch, "Again"), ==, 0);
}

/* The search the monitor's entry and drop-down set: a part of the name in
 * any case, and a status where "Cancelling" is a state of its own. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CancelGtkSearch) search = _cancel_gtk_search_new ();
  g_autoptr(GListModel) choices = _cancel_gtk_search_dup_choices ();
  GtkFilter *filter = _cancel_gtk_search_get_filter (search);
  CancelScope *copy, *upload, *done;

  g_assert_cmpuint (g_list_model_get_n_items (choices), ==, CANCEL_GTK_N_STATUS_FILTERS);

  copy = start (f, NULL, "Copy photos");
  upload = start (f, NULL, "Upload photos");
  done = start (f, NULL, "Copy music");
  cancel_scope_end (done);

  g_assert_false (_cancel_gtk_search_is_active (search));
  g_assert_true (gtk_filter_match (filter, copy) && gtk_filter_match (filter, done));

  _cancel_gtk_search_set_text (search, "COPY");
  g_assert_true (_cancel_gtk_search_is_active (search));
  g_assert_true (gtk_filter_match (filter, copy));
  g_assert_false (gtk_filter_match (filter, upload));
  g_assert_true (gtk_filter_match (filter, done));

  _cancel_gtk_search_set_status (search, CANCEL_GTK_STATUS_FILTER_RUNNING);
  g_assert_true (gtk_filter_match (filter, copy));
  g_assert_false (gtk_filter_match (filter, done));

  /* Cancelled but still running: no longer "Running", now "Cancelling";
   * the filter learns it when refreshed. */
  cancel_scope_cancel (copy, CANCEL_REASON_MANUAL, NULL);
  _cancel_gtk_search_refresh (search);
  g_assert_false (gtk_filter_match (filter, copy));
  _cancel_gtk_search_set_status (search, CANCEL_GTK_STATUS_FILTER_CANCELLING);
  g_assert_true (gtk_filter_match (filter, copy));

  _cancel_gtk_search_set_text (search, NULL);
  _cancel_gtk_search_set_status (search, CANCEL_GTK_STATUS_FILTER_COMPLETED);
  g_assert_true (gtk_filter_match (filter, done));
  g_assert_false (gtk_filter_match (filter, upload));

  _cancel_gtk_search_set_text (search, "");
  _cancel_gtk_search_set_status (search, CANCEL_GTK_STATUS_FILTER_ALL);
  g_assert_false (_cancel_gtk_search_is_active (search));
  g_assert_true (gtk_filter_match (filter, upload));
}

static void
test_bad_arguments (void)
{
  if (g_test_subprocess ())
    {
      _cancel_gtk_live_tree_new (NULL, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CANCEL_IS_REGISTRY*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

#define ADD(path, func) \
  g_test_add ("/CancelGtk/LiveTree/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("nesting", test_nesting);
  ADD ("ended-parent", test_ended_parent);
  ADD ("late-parent", test_late_parent);
  ADD ("other-registry", test_other_registry);
  ADD ("flat", test_flat);
  ADD ("cancel-subtree", test_cancel_subtree);
#undef ADD
  g_test_add ("/CancelGtk/Search/filter", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add_func ("/CancelGtk/LiveTree/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
