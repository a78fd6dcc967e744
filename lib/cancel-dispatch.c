/* cancel-dispatch.c: batched calls into a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"

/* One source per context. Notifications from thousands of scopes, and
 * registry publications, share it: a busy worker pool costs one wakeup per
 * iteration of the owner context, not one GSource per event. */
typedef struct
{
  GSource       source;
  GMainContext *context;  /* the key in dispatchers; unowned */
  CancelMutex  lock;
  GArray      *queue;   /* of DispatchCall */
  GArray      *spare;   /* swapped with queue while dispatching */
} DispatchSource;

typedef struct
{
  gpointer           object;
  CancelDispatchFunc func;
} DispatchCall;

/* Runs after GTK's layout and paint (GDK_PRIORITY_REDRAW is
 * G_PRIORITY_HIGH_IDLE + 20), so a flood of notifications never starves
 * frames, and before default idles. */
#define DISPATCH_PRIORITY (G_PRIORITY_HIGH_IDLE + 30)

static CancelMutex dispatchers_lock = CANCEL_MUTEX_INIT;
static GHashTable *dispatchers;  /* GMainContext* -> DispatchSource* */

static gboolean
dispatch_source_dispatch (GSource     *source,
                          GSourceFunc  callback,
                          gpointer     user_data)
{
  DispatchSource *self = (DispatchSource *) source;
  GArray *calls;

  cancel_mutex_lock (&self->lock);
  calls = self->queue;
  self->queue = self->spare;
  self->spare = NULL;
  g_source_set_ready_time (source, -1);
  cancel_mutex_unlock (&self->lock);

  /* Calls queued from here on wait for the next iteration. */
  for (guint i = 0; i < calls->len; i++)
    {
      DispatchCall *call = &g_array_index (calls, DispatchCall, i);

      call->func (call->object);
      g_object_unref (call->object);
    }

  g_array_set_size (calls, 0);

  cancel_mutex_lock (&self->lock);
  if (self->spare == NULL)
    self->spare = calls;
  else
    g_array_unref (calls);
  cancel_mutex_unlock (&self->lock);

  return G_SOURCE_CONTINUE;
}

static void
dispatch_source_finalize (GSource *source)
{
  DispatchSource *self = (DispatchSource *) source;

  cancel_mutex_lock (&dispatchers_lock);
  /* The context may be mid-finalization: no g_source_get_context() here. */
  if (dispatchers != NULL && g_hash_table_lookup (dispatchers, self->context) == self)
    g_hash_table_remove (dispatchers, self->context);
  cancel_mutex_unlock (&dispatchers_lock);

  for (guint i = 0; self->queue != NULL && i < self->queue->len; i++)
    g_object_unref (g_array_index (self->queue, DispatchCall, i).object);

  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->spare, g_array_unref);
  cancel_mutex_clear (&self->lock);
}

static GSourceFuncs dispatch_source_funcs = {
  .dispatch = dispatch_source_dispatch,
  .finalize = dispatch_source_finalize,
};

static DispatchSource *
dispatch_source_for_context (GMainContext *context)
{
  DispatchSource *self;

  cancel_mutex_lock (&dispatchers_lock);

  if (dispatchers == NULL)
    dispatchers = g_hash_table_new (NULL, NULL);

  self = g_hash_table_lookup (dispatchers, context);
  if (self == NULL)
    {
      GSource *source = g_source_new (&dispatch_source_funcs, sizeof (DispatchSource));

      self = (DispatchSource *) source;
      self->context = context;
      cancel_mutex_init (&self->lock);
      self->queue = g_array_new (FALSE, FALSE, sizeof (DispatchCall));
      self->spare = g_array_new (FALSE, FALSE, sizeof (DispatchCall));
      g_source_set_priority (source, DISPATCH_PRIORITY);
      g_source_set_static_name (source, "[cancelable] dispatch");
      g_source_set_ready_time (source, -1);
      /* The context owns the source from here on; it is finalized with
       * the context, which callers keep alive while they queue calls. */
      g_source_attach (source, context);
      g_source_unref (source);
      g_hash_table_insert (dispatchers, context, self);
    }

  cancel_mutex_unlock (&dispatchers_lock);

  return self;
}

void
_cancel_dispatch (GMainContext       *context,
                  gpointer            object,
                  CancelDispatchFunc  func)
{
  DispatchSource *self;
  DispatchCall call;

  g_assert (context != NULL);
  g_assert (G_IS_OBJECT (object));

  self = dispatch_source_for_context (context);
  call.object = g_object_ref (object);
  call.func = func;

  cancel_mutex_lock (&self->lock);
  g_array_append_val (self->queue, call);
  if (self->queue->len == 1)
    g_source_set_ready_time ((GSource *) self, 0);
  cancel_mutex_unlock (&self->lock);
}
