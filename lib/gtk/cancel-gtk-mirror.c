/* cancel-gtk-mirror.c: a list model that repeats another one with precise
 * changes
 *
 * The registry publishes a batch of changes as one items-changed: the
 * removal of a few scattered scopes becomes "from the first removed to the
 * last, N items replaced by N - k", and evicting old history becomes "all
 * replaced". That is correct, but every view below re-creates and rebinds
 * the rows of the items reported as replaced by themselves: with 10,000
 * live operations and steady churn, every iteration rebuilds the tree.
 *
 * This model keeps its own copy of the items and turns each change into
 * the runs of removals and insertions that really happened, matched by
 * identity (the registry only removes and appends, never reorders). Past
 * MAX_RUNS runs (or if items moved), it reports one replacement of the
 * part that changed, as the source did.
 *
 * The bound: in GTK 4.8 each emission that lands among the ~200 rows a
 * list view keeps moves (and rebinds) the rows after it, about 1 ms with
 * 10,000 operations; one replacement re-creates all those rows, about
 * 250 ms. Measured with tests/gtk/bench-monitor.c and scattered ends.
 *
 * Gathering changes over 100 ms and applying them as one diff was tried:
 * fewer, larger iterations made the p99 of an iteration worse.
 *
 * Paced (a budget set): a burst is spread over frames instead. Removing
 * the 5,000 rows one worker's operations left after "cancel all" was one
 * emission of 50-110 ms, nearly all of it GTK re-creating the ~200 rows it
 * keeps near the view. Removals are applied in chunks: large among items
 * no row shows, a few at a time among those rows shown (a bound row
 * watches its item), until the budget of the call is spent; the rest is
 * applied by a low-priority idle, which lets a frame be painted between
 * two batches.
 * While behind, the copy is compared with the whole source (by identity)
 * rather than following the source's positions, which no longer apply.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "cancel-gtk-mirror-private.h"

#define MAX_RUNS 256
/* Paced mode: items per emission, and shown ones among them. Far from
 * the rows shown, an emission costs some 0.2-0.7 ms whatever its length;
 * a shown row that goes costs about 1 ms (another row is built), and
 * every emission among them restyles the rows after it: a change of up to
 * MAX_SHOWN shown rows goes whole (splitting the steady trickle of ends
 * doubled the monitor's CPU time); a burst goes BURST_SHOWN at a time. */
#define MAX_CHUNK   1024
#define MAX_SHOWN   16
#define BURST_SHOWN 4

typedef enum
{
  RUN_KEEP,
  RUN_REMOVE,
  RUN_INSERT,
} RunKind;

typedef struct
{
  RunKind kind;
  guint   length;
  guint   first_new;  /* RUN_INSERT: index of its first item in the new items */
} Run;

struct _CancelGtkMirror
{
  GObject     parent_instance;

  GListModel *source;
  gulong      handler;
  GPtrArray  *items;  /* strong references */

  gint64      budget;   /* µs of emissions per call; 0: not paced */
  guint       sync_id;  /* behind the source: the idle that catches up */
  guint       overdue_id;  /* behind: the timeout that catches up whole if the idle starves */
  gint64      last_step;  /* behind: when it fell behind or last caught up some (monotonic µs) */
  gboolean    starved;  /* behind, the idle starved: the timeout takes the steps */
};

/* The idle that catches up runs below drawing, so that a frame is painted
 * between two steps; it can starve while higher-priority sources stay
 * ready (frames that take longer than their interval, a busy application,
 * a slow machine). Once no step ran for MAX_BEHIND_USEC, the timeout at
 * the default priority takes the steps, STARVED_STEP_MSEC apart, until
 * the idle runs again: bringing the copy up to date whole instead was an
 * iteration of 0.2-1.3 s on a loaded machine (bench-monitor), the next
 * frame late again, and the idle starved again. Whole only if a change
 * of the source comes while nothing iterates at all (no step for
 * MAX_BEHIND_USEC), since nothing else would ever bring it.
 *
 * An idle that runs but has not caught up yet (churn among the rows
 * shown, the end of a "cancel all") goes on at its pace, however long
 * that takes: bringing the copy up to date whole 250 ms after it fell
 * behind was an iteration of 25-130 ms there, and doing so after 2 s,
 * to bound how old the list may get, one of 40-400 ms every 2 s under
 * steady churn, when the copy is never quite up to date. Only which rows
 * are listed lags: a shown row follows its operation itself. */
#define MAX_BEHIND_USEC (250 * 1000)
#define STARVED_STEP_MSEC 16

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CancelGtkMirror, cancel_gtk_mirror, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
cancel_gtk_mirror_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (CANCEL_GTK_MIRROR (model)->source);
}

static guint
cancel_gtk_mirror_get_n_items (GListModel *model)
{
  return CANCEL_GTK_MIRROR (model)->items->len;
}

static gpointer
cancel_gtk_mirror_get_item (GListModel *model,
                            guint       position)
{
  CancelGtkMirror *self = CANCEL_GTK_MIRROR (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cancel_gtk_mirror_get_item_type;
  iface->get_n_items = cancel_gtk_mirror_get_n_items;
  iface->get_item = cancel_gtk_mirror_get_item;
}

/* Inserts @n items of @from (whose references it takes) at @position. */
static void
insert_items (GPtrArray *items,
              guint      position,
              gpointer  *from,
              guint      n)
{
  guint old_len = items->len;

  /* Grow without the free function seeing the new slots. */
  g_ptr_array_set_size (items, old_len + n);
  memmove (items->pdata + position + n, items->pdata + position,
           (old_len - position) * sizeof (gpointer));
  memcpy (items->pdata + position, from, n * sizeof (gpointer));
}

static void
add_run (GArray  *runs,
         RunKind  kind,
         guint    first_new)
{
  Run *last = runs->len > 0 ? &g_array_index (runs, Run, runs->len - 1) : NULL;
  Run run = { kind, 1, first_new };

  if (last != NULL && last->kind == kind)
    last->length++;
  else
    g_array_append_val (runs, run);
}

/* The runs that turn old[from_old, to_old) into new[from_new, to_new):
 * walking both, an old item that is not the next new one is removed, and
 * the new items left when the old ones are exhausted are appended. That
 * is always a correct script, and the shortest one when the new items are
 * the old ones minus some, plus some at the end: what the registry does.
 * NULL when it takes more than @max_runs changes. */
static GArray *
diff (gpointer *old_items,
      guint     from_old,
      guint     to_old,
      gpointer *new_items,
      guint     from_new,
      guint     to_new,
      guint     max_runs)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  guint i = from_old, j = from_new, n_changes = 0;
  RunKind last = RUN_KEEP;

  while (i < to_old || j < to_new)
    {
      RunKind kind;

      if (i < to_old && j < to_new && old_items[i] == new_items[j])
        {
          kind = RUN_KEEP;
          add_run (runs, kind, 0);
          i++, j++;
        }
      else if (i < to_old)
        {
          kind = RUN_REMOVE;
          add_run (runs, kind, 0);
          i++;
        }
      else
        {
          kind = RUN_INSERT;
          add_run (runs, kind, j);
          j++;
        }

      if (kind != RUN_KEEP && kind != last && ++n_changes > max_runs)
        return NULL;
      last = kind;
    }

  return g_steal_pointer (&runs);
}

/* Emits the runs left to right, the copy changed before each emission:
 * every signal describes the model as it is when emitted. Kept and
 * inserted items of @new_items keep their references here. */
static void
apply_runs_at_once (CancelGtkMirror *self,
                    guint            k,
                    GArray          *runs,
                    gpointer        *new_items)
{
  guint i, n;

  for (i = 0; i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);

      switch (run->kind)
        {
        case RUN_KEEP:
          /* Kept items hold a reference already. */
          for (n = 0; n < run->length; n++)
            g_object_unref (g_ptr_array_index (self->items, k + n));
          k += run->length;
          break;

        case RUN_REMOVE:
          g_ptr_array_remove_range (self->items, k, run->length);
          g_list_model_items_changed (G_LIST_MODEL (self), k, run->length, 0);
          break;

        case RUN_INSERT:
          insert_items (self->items, k, new_items + run->first_new, run->length);
          g_list_model_items_changed (G_LIST_MODEL (self), k, 0, run->length);
          k += run->length;
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/* Whether a view shows @item: a bound row watches its properties. Rows
 * are what costs when items come and go; items nobody watches are cheap. */
static gboolean
is_shown (gpointer item)
{
  static guint notify_id;

  if (notify_id == 0)
    notify_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  return g_signal_handler_find (item, G_SIGNAL_MATCH_ID, notify_id, 0, NULL, NULL, NULL) != 0;
}

/* How many of the @left items before @end to remove in one emission: up
 * to MAX_CHUNK, of which at most @max_shown shown. */
static guint
removal_chunk (CancelGtkMirror *self,
               guint            end,
               guint            left,
               guint            max_shown)
{
  guint n = 0, shown = 0;

  while (n < left && n < MAX_CHUNK)
    {
      if (is_shown (g_ptr_array_index (self->items, end - 1 - n)) && shown++ == max_shown)
        break;
      n++;
    }

  return MAX (n, 1);
}

/* MAX_SHOWN if the runs remove no more shown items, else BURST_SHOWN. */
static guint
shown_per_emission (CancelGtkMirror *self,
                    GArray          *runs,
                    const guint     *starts)
{
  guint i, j, shown = 0;

  for (i = 0; i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);

      if (run->kind != RUN_REMOVE)
        continue;

      for (j = 0; j < run->length; j++)
        if (is_shown (g_ptr_array_index (self->items, starts[i] + j)) && ++shown > MAX_SHOWN)
          return BURST_SHOWN;
    }

  return MAX_SHOWN;
}

/* Emits the runs right to left until @deadline (at least one emission):
 * the part of the copy before a run is untouched, so the positions of the
 * runs there stay right. A removal goes from the end of its run, in
 * chunks; an insertion goes whole: inserted a few at a time into a short
 * list, GTK 4.8 now and then snapshots a row it did not allocate (a
 * warning), and the registry appends, far from the rows shown. Returns
 * whether all were applied. Takes no reference of @new_items' own. */
static gboolean
apply_runs_paced (CancelGtkMirror *self,
                  guint            k,
                  GArray          *runs,
                  gpointer        *new_items,
                  gint64           deadline)
{
  g_autofree guint *starts = g_new (guint, MAX (runs->len, 1));
  gboolean first = TRUE;
  guint i, max_shown;

  /* Where each run starts in the copy as it is now. */
  for (i = 0; i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);

      starts[i] = k;
      if (run->kind != RUN_INSERT)
        k += run->length;
    }
  max_shown = shown_per_emission (self, runs, starts);

  for (i = runs->len; i > 0; i--)
    {
      Run *run = &g_array_index (runs, Run, i - 1);
      guint start = starts[i - 1];
      guint left = run->kind == RUN_KEEP ? 0 : run->length;

      while (left > 0)
        {
          guint n, j;

          if (!first && g_get_monotonic_time () >= deadline)
            return FALSE;
          first = FALSE;

          if (run->kind == RUN_REMOVE)
            {
              n = removal_chunk (self, start + left, left, max_shown);
              left -= n;
              g_ptr_array_remove_range (self->items, start + left, n);
              g_list_model_items_changed (G_LIST_MODEL (self), start + left, n, 0);
            }
          else
            {
              gpointer *from = new_items + run->first_new;

              n = left;
              left = 0;
              for (j = 0; j < n; j++)
                g_object_ref (from[j]);
              insert_items (self->items, start, from, n);
              g_list_model_items_changed (G_LIST_MODEL (self), start, 0, n);
            }
        }
    }

  return TRUE;
}

/* Makes items [position, position + removed) of the copy what items
 * [position, position + added) of the source are now, emitting the runs;
 * paced, until @deadline. Returns whether the copy caught up. */
static gboolean
apply_change (CancelGtkMirror *self,
              guint            position,
              guint            removed,
              guint            added,
              gint64           deadline)
{
  gpointer *old_items = self->items->pdata + position;
  g_autofree gpointer *new_items = g_new (gpointer, MAX (added, 1));
  g_autoptr(GArray) runs = NULL;
  guint prefix = 0, suffix = 0, i, k;
  gboolean done = TRUE;

  g_return_val_if_fail (position + removed <= self->items->len, TRUE);

  for (i = 0; i < added; i++)
    new_items[i] = g_list_model_get_item (self->source, position + i);

  while (prefix < removed && prefix < added && old_items[prefix] == new_items[prefix])
    prefix++;
  while (suffix < removed - prefix && suffix < added - prefix &&
         old_items[removed - 1 - suffix] == new_items[added - 1 - suffix])
    suffix++;

  /* The unchanged ends hold references of their own already. */
  for (i = 0; i < prefix; i++)
    g_object_unref (new_items[i]);
  for (i = added - suffix; i < added; i++)
    g_object_unref (new_items[i]);

  if (prefix + suffix == removed && prefix + suffix == added)
    return TRUE;

  k = position + prefix;
  runs = diff (old_items, prefix, removed - suffix, new_items, prefix, added - suffix,
               self->budget > 0 ? G_MAXUINT : MAX_RUNS);

  if (runs == NULL)
    {
      guint n_old = removed - prefix - suffix;
      guint n_new = added - prefix - suffix;

      g_ptr_array_remove_range (self->items, k, n_old);
      insert_items (self->items, k, new_items + prefix, n_new);
      g_list_model_items_changed (G_LIST_MODEL (self), k, n_old, n_new);
    }
  else if (self->budget == 0)
    {
      apply_runs_at_once (self, k, runs, new_items);
    }
  else
    {
      done = apply_runs_paced (self, k, runs, new_items, deadline);
      for (i = prefix; i < added - suffix; i++)
        g_object_unref (new_items[i]);
    }

  return done;
}

static void
stop_catching_up (CancelGtkMirror *self)
{
  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_clear_handle_id (&self->overdue_id, g_source_remove);
  self->starved = FALSE;
}

static gboolean catch_up_overdue (gpointer user_data);

/* Whether no step ran for MAX_BEHIND_USEC, by the idle or the timeout. */
static gboolean
is_starved (CancelGtkMirror *self)
{
  return g_get_monotonic_time () - self->last_step >= MAX_BEHIND_USEC;
}

/* Arms the timeout: a step apart while the idle starves, else for the
 * first moment is_starved() can turn true. */
static void
schedule_overdue (CancelGtkMirror *self)
{
  gint64 delay = CLAMP (self->last_step + MAX_BEHIND_USEC - g_get_monotonic_time (), 0, MAX_BEHIND_USEC);
  guint msec = self->starved ? STARVED_STEP_MSEC : (guint) ((delay + 999) / 1000);

  g_clear_handle_id (&self->overdue_id, g_source_remove);
  self->overdue_id = g_timeout_add_full (G_PRIORITY_DEFAULT, msec, catch_up_overdue, self, NULL);
  g_source_set_name_by_id (self->overdue_id, "[cancel-gtk] mirror catching up, overdue");
}

/* One step of the catch-up, by the idle or the timeout; TRUE once caught up. */
static gboolean
catch_up_step (CancelGtkMirror *self)
{
  if (apply_change (self, 0, self->items->len, g_list_model_get_n_items (self->source),
                    g_get_monotonic_time () + self->budget))
    {
      stop_catching_up (self);
      return TRUE;
    }

  self->last_step = g_get_monotonic_time ();
  return FALSE;
}

static gboolean
catch_up_overdue (gpointer user_data)
{
  CancelGtkMirror *self = user_data;

  self->overdue_id = 0;
  if (self->starved || is_starved (self))
    {
      self->starved = TRUE;
      if (catch_up_step (self))
        return G_SOURCE_REMOVE;
    }

  schedule_overdue (self);
  return G_SOURCE_REMOVE;
}

static gboolean
catch_up (gpointer user_data)
{
  CancelGtkMirror *self = user_data;

  /* The idle runs again: the timeout only watches. */
  self->starved = FALSE;
  if (!catch_up_step (self))
    return G_SOURCE_CONTINUE;

  /* Caught up: stop_catching_up() already destroyed this source and
   * cleared sync_id; G_SOURCE_REMOVE on a destroyed source is a no-op. */
  return G_SOURCE_REMOVE;
}

static void
on_source_items_changed (GListModel      *source,
                         guint            position,
                         guint            removed,
                         guint            added,
                         CancelGtkMirror *self)
{
  /* Behind: the next step compares everything, the positions are stale;
   * if nothing iterates, compare everything now, at any cost. */
  if (self->sync_id != 0)
    {
      if (!is_starved (self))
        return;
      stop_catching_up (self);
      apply_change (self, 0, self->items->len, g_list_model_get_n_items (self->source), G_MAXINT64);
      return;
    }

  if (apply_change (self, position, removed, added, g_get_monotonic_time () + self->budget))
    return;

  /* Below drawing, so a frame is painted between two batches. */
  self->last_step = g_get_monotonic_time ();
  self->sync_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, catch_up, self, NULL);
  g_source_set_name_by_id (self->sync_id, "[cancel-gtk] mirror catching up");
  schedule_overdue (self);
}

static void
cancel_gtk_mirror_dispose (GObject *object)
{
  CancelGtkMirror *self = CANCEL_GTK_MIRROR (object);

  stop_catching_up (self);
  if (self->source != NULL)
    {
      g_clear_signal_handler (&self->handler, self->source);
      g_clear_object (&self->source);
    }

  G_OBJECT_CLASS (cancel_gtk_mirror_parent_class)->dispose (object);
}

static void
cancel_gtk_mirror_finalize (GObject *object)
{
  CancelGtkMirror *self = CANCEL_GTK_MIRROR (object);

  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (cancel_gtk_mirror_parent_class)->finalize (object);
}

static void
cancel_gtk_mirror_class_init (CancelGtkMirrorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cancel_gtk_mirror_dispose;
  object_class->finalize = cancel_gtk_mirror_finalize;
}

static void
cancel_gtk_mirror_init (CancelGtkMirror *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

GListModel *
_cancel_gtk_mirror_new (GListModel *source)
{
  CancelGtkMirror *self;
  guint i, n;

  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);

  self = g_object_new (CANCEL_GTK_TYPE_MIRROR, NULL);
  self->source = g_object_ref (source);

  n = g_list_model_get_n_items (source);
  g_ptr_array_set_size (self->items, n);
  for (i = 0; i < n; i++)
    g_ptr_array_index (self->items, i) = g_list_model_get_item (source, i);

  self->handler = g_signal_connect (source, "items-changed",
                                    G_CALLBACK (on_source_items_changed), self);

  return G_LIST_MODEL (self);
}

/* Paces the changes to @budget µs of emissions per source change or idle
 * (at least one emission each), the rest in later iterations; 0 applies
 * every change at once, in the emission of the source. */
void
_cancel_gtk_mirror_set_budget (GListModel *mirror,
                               gint64      budget)
{
  CancelGtkMirror *self;

  g_return_if_fail (CANCEL_GTK_IS_MIRROR (mirror));
  g_return_if_fail (budget >= 0);

  self = CANCEL_GTK_MIRROR (mirror);
  self->budget = budget;
  if (budget == 0 && self->sync_id != 0)
    {
      stop_catching_up (self);
      apply_change (self, 0, self->items->len, g_list_model_get_n_items (self->source), 0);
    }
}

/* Whether the copy is behind the source (a paced change not done yet). */
gboolean
_cancel_gtk_mirror_is_behind (GListModel *mirror)
{
  g_return_val_if_fail (CANCEL_GTK_IS_MIRROR (mirror), FALSE);

  return CANCEL_GTK_MIRROR (mirror)->sync_id != 0;
}
