/* cancel-dispatch.c: batched calls into a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "cancel-dispatch-private.h"
#include "cancel-lock-private.h"

/* One dispatcher, a GSource, per context. Notifications from thousands of
 * scopes, and registry publications, share it: a busy worker pool costs
 * one wake-up per iteration of the owner context, not one GSource per
 * event.
 *
 * Objects refer to the dispatcher, never to the context: the context owns
 * the attached dispatcher, and when the context is finalized the dispatcher
 * is destroyed and lets go of whatever was queued. So a scope on a private
 * context that nobody iterates any more is freed with the context, instead
 * of keeping it alive through its own queued notification.
 *
 * Priority: the dispatcher runs at G_PRIORITY_DEFAULT, like GDK's events
 * and above GTK's layout and drawing, so notifications arrive within a
 * frame however busy drawing is (below drawing, a window that redraws
 * every frame starved them). One dispatch runs calls for at most
 * SLICE_USEC and leaves the rest to the next iteration, so a burst (ten
 * thousand cancellations) never makes one iteration longer than a frame.
 * It stays ready while work is queued: draining a context with
 * g_main_context_iteration (context, FALSE) runs everything. */

#define DISPATCH_PRIORITY G_PRIORITY_DEFAULT
#define SLICE_USEC        (4 * 1000)
#define NOT_QUEUED        G_MAXUINT

struct _CancelDispatcher
{
  GSource       source;

  /* Guarded by lock. */
  CancelMutex   lock;
  GMainContext *context;      /* unowned; NULL once the context is gone */
  GThread      *last_thread;  /* the thread that ran the last dispatch */
  GPtrArray    *queue;        /* of CancelDispatchLink *, NULL for removed ones */
  guint         n_removed;    /* NULL slots in queue */
  GArray       *running;      /* of DispatchCall: taken from queue, not run yet */
  guint         running_pos;
};

typedef struct
{
  gpointer           object;  /* a reference */
  CancelDispatchFunc func;
} DispatchCall;

static CancelMutex dispatchers_lock = CANCEL_MUTEX_INIT;
static GHashTable *dispatchers;  /* GMainContext * -> CancelDispatcher *, unowned both */

/* Takes the queue into dispatcher->running, with a reference on each
 * object; lock held. An unheld call's object is reached through a weak
 * reference, which refuses an object whose last reference another thread
 * is dropping (GObject 2.74 does not survive a reference taken during
 * dispose from another thread): its call is dropped. */
static void
dispatcher_take_queue_locked (CancelDispatcher *self)
{
  g_assert (self->running->len == 0);

  for (guint i = 0; i < self->queue->len; i++)
    {
      CancelDispatchLink *link = g_ptr_array_index (self->queue, i);
      DispatchCall call;

      if (link == NULL)
        continue;

      call.object = link->held ? link->object : g_weak_ref_get (&link->weak);
      call.func = link->func;
      link->index = NOT_QUEUED;
      link->held = FALSE;
      if (call.object != NULL)
        g_array_append_val (self->running, call);
    }

  g_ptr_array_set_size (self->queue, 0);
  self->n_removed = 0;
  self->running_pos = 0;
}

static gboolean
dispatcher_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  CancelDispatcher *self = (CancelDispatcher *) source;
  gint64 started = g_get_monotonic_time ();
  gint64 now = started;
  gboolean more;

  cancel_mutex_lock (&self->lock);
  self->last_thread = g_thread_self ();
  if (self->running->len == 0)
    dispatcher_take_queue_locked (self);
  g_source_set_ready_time (source, -1);

  /* Calls queued from here on wait for the next dispatch. */
  while (self->running_pos < self->running->len)
    {
      DispatchCall call = g_array_index (self->running, DispatchCall, self->running_pos++);

      cancel_mutex_unlock (&self->lock);
      call.func (call.object);
      g_object_unref (call.object);
      now = g_get_monotonic_time ();
      cancel_mutex_lock (&self->lock);

      if (now - started >= SLICE_USEC)
        break;
    }

  if (self->running_pos == self->running->len)
    {
      g_array_set_size (self->running, 0);
      self->running_pos = 0;
    }

  more = self->running->len > 0 || self->queue->len > self->n_removed;
  if (more)
    g_source_set_ready_time (source, 0);
  cancel_mutex_unlock (&self->lock);

  return G_SOURCE_CONTINUE;
}

/* The context let go of the dispatcher (it is being finalized): what is
 * queued can never run. Called by g_source_destroy(), through the
 * callback's destroy notify. */
static void
dispatcher_context_gone (gpointer data)
{
  CancelDispatcher *self = data;
  g_autoptr(GArray) calls = g_array_new (FALSE, FALSE, sizeof (DispatchCall));

  cancel_mutex_lock (&dispatchers_lock);
  if (dispatchers != NULL && self->context != NULL &&
      g_hash_table_lookup (dispatchers, self->context) == self)
    g_hash_table_remove (dispatchers, self->context);
  cancel_mutex_unlock (&dispatchers_lock);

  cancel_mutex_lock (&self->lock);
  self->context = NULL;
  for (guint i = self->running_pos; i < self->running->len; i++)
    g_array_append_val (calls, g_array_index (self->running, DispatchCall, i));
  g_array_set_size (self->running, 0);
  self->running_pos = 0;
  for (guint i = 0; i < self->queue->len; i++)
    {
      CancelDispatchLink *link = g_ptr_array_index (self->queue, i);

      if (link == NULL)
        continue;
      if (link->held)
        {
          DispatchCall call = { link->object, NULL };

          g_array_append_val (calls, call);
        }
      link->index = NOT_QUEUED;
      link->held = FALSE;
    }
  g_ptr_array_set_size (self->queue, 0);
  self->n_removed = 0;
  cancel_mutex_unlock (&self->lock);

  /* Without the lock: these may be the last references. */
  for (guint i = 0; i < calls->len; i++)
    g_object_unref (g_array_index (calls, DispatchCall, i).object);
}

static gboolean
dispatcher_callback (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
dispatcher_finalize (GSource *source)
{
  CancelDispatcher *self = (CancelDispatcher *) source;

  g_assert (self->queue->len == 0);
  g_assert (self->running->len == 0);

  g_ptr_array_unref (self->queue);
  g_array_unref (self->running);
  cancel_mutex_clear (&self->lock);
}

static GSourceFuncs dispatcher_funcs = {
  .dispatch = dispatcher_dispatch,
  .finalize = dispatcher_finalize,
};

/* Returns a reference on the dispatcher of @context, made on first use. */
static CancelDispatcher *
dispatcher_ref_for_context (GMainContext *context)
{
  static CancelDispatcher *global_default;
  CancelDispatcher *self;

  /* The global default context lives as long as the process: skip the
   * table for the most common owner. */
  if (context == g_main_context_default ())
    {
      self = g_atomic_pointer_get (&global_default);
      if (self != NULL)
        return (CancelDispatcher *) g_source_ref ((GSource *) self);
    }

  cancel_mutex_lock (&dispatchers_lock);
  if (dispatchers == NULL)
    dispatchers = g_hash_table_new (NULL, NULL);
  self = g_hash_table_lookup (dispatchers, context);
  if (self == NULL)
    {
      GSource *source = g_source_new (&dispatcher_funcs, sizeof (CancelDispatcher));

      self = (CancelDispatcher *) source;
      cancel_mutex_init (&self->lock);
      self->context = context;
      self->queue = g_ptr_array_new ();
      self->running = g_array_new (FALSE, FALSE, sizeof (DispatchCall));
      g_source_set_priority (source, DISPATCH_PRIORITY);
      g_source_set_static_name (source, "[cancelable] dispatch");
      g_source_set_ready_time (source, -1);
      g_source_set_callback (source, dispatcher_callback, self, dispatcher_context_gone);
      /* The context holds the attached source, the table's entry is
       * removed when the context destroys it. */
      g_source_attach (source, context);
      g_hash_table_insert (dispatchers, context, self);
      if (context == g_main_context_default ())
        g_atomic_pointer_set (&global_default, (CancelDispatcher *) g_source_ref (source));
    }
  else
    g_source_ref ((GSource *) self);
  cancel_mutex_unlock (&dispatchers_lock);

  return self;
}

void
_cancel_dispatch_link_init (CancelDispatchLink *link,
                            GMainContext       *context,
                            gpointer            object,
                            CancelDispatchFunc  func)
{
  if (context == NULL)
    context = g_main_context_get_thread_default ();
  if (context == NULL)
    context = g_main_context_default ();

  link->dispatcher = dispatcher_ref_for_context (context);
  link->object = object;
  link->func = func;
  link->index = NOT_QUEUED;
  link->held = FALSE;
  link->disposed = FALSE;
  link->weak_set = FALSE;
}

/* Squeezes out removed slots once they are the majority; lock held. */
static void
dispatcher_compact_locked (CancelDispatcher *self)
{
  guint write = 0;

  for (guint read = 0; read < self->queue->len; read++)
    {
      CancelDispatchLink *link = g_ptr_array_index (self->queue, read);

      if (link == NULL)
        continue;
      link->index = write;
      self->queue->pdata[write++] = link;
    }
  g_ptr_array_set_size (self->queue, write);
  self->n_removed = 0;
}

void
_cancel_dispatch_queue (CancelDispatchLink *link,
                        gboolean            hold)
{
  CancelDispatcher *self = link->dispatcher;
  gboolean take_ref = FALSE;

  cancel_mutex_lock (&self->lock);
  if (self->context != NULL && !link->disposed)
    {
      if (link->index == NOT_QUEUED)
        {
          gboolean was_idle = self->queue->len == self->n_removed && self->running->len == 0;

          /* The caller holds a reference: safe to make the weak one. */
          if (!hold && !link->weak_set)
            {
              g_weak_ref_init (&link->weak, link->object);
              link->weak_set = TRUE;
            }

          link->index = self->queue->len;
          link->held = hold;
          take_ref = hold;
          g_ptr_array_add (self->queue, link);
          /* Under our lock: the context is alive until dispatcher_context_gone()
           * got it, which needs the lock. */
          if (was_idle)
            g_source_set_ready_time ((GSource *) self, 0);
        }
      else if (hold && !link->held)
        {
          link->held = TRUE;
          take_ref = TRUE;
        }
    }
  /* The caller holds a reference: taking one under the lock is safe. */
  if (take_ref)
    g_object_ref (link->object);
  cancel_mutex_unlock (&self->lock);
}

void
_cancel_dispatch_link_dispose (CancelDispatchLink *link)
{
  CancelDispatcher *self = link->dispatcher;

  if (self == NULL)
    return;

  cancel_mutex_lock (&self->lock);
  link->disposed = TRUE;
  /* A queued link that holds its object is not being disposed. */
  if (link->index != NOT_QUEUED && !link->held)
    {
      self->queue->pdata[link->index] = NULL;
      link->index = NOT_QUEUED;
      if (++self->n_removed > 32 && self->n_removed > self->queue->len / 2)
        dispatcher_compact_locked (self);
    }
  cancel_mutex_unlock (&self->lock);
}

void
_cancel_dispatch_link_clear (CancelDispatchLink *link)
{
  CancelDispatcher *self = link->dispatcher;
  gboolean context_alive;

  if (self == NULL)
    return;

  /* link->dispatcher is left as it is: another thread may still read it,
   * without a lock, in a call that lost the race to our last reference;
   * nothing uses it after this.
   *
   * g_source_unref() reads the source's context without a lock. While the
   * context lives it holds the attached dispatcher, so our reference is not
   * the last, and holding our lock keeps the context's memory valid for
   * that read even if another thread is finalizing the context (it must
   * pass through dispatcher_context_gone(), which takes the lock). Once the
   * context is gone, the source no longer refers to it. */
  cancel_mutex_lock (&self->lock);
  g_assert (link->index == NOT_QUEUED);
  if (link->weak_set)
    g_weak_ref_clear (&link->weak);
  context_alive = self->context != NULL;
  if (context_alive)
    g_source_unref ((GSource *) self);
  cancel_mutex_unlock (&self->lock);

  if (!context_alive)
    g_source_unref ((GSource *) self);
}

GMainContext *
_cancel_dispatch_link_get_context (CancelDispatchLink *link)
{
  CancelDispatcher *self = link->dispatcher;
  GMainContext *context;

  cancel_mutex_lock (&self->lock);
  context = self->context;
  cancel_mutex_unlock (&self->lock);

  return context;
}

GMainContext *
_cancel_dispatch_link_acquire (CancelDispatchLink *link)
{
  CancelDispatcher *self = link->dispatcher;
  GMainContext *context = NULL;

  /* Under our lock the context's memory is valid even while another
   * thread finalizes it: that passes through dispatcher_context_gone(),
   * which takes the lock. */
  cancel_mutex_lock (&self->lock);
  if (self->context != NULL &&
      (g_main_context_is_owner (self->context) || self->last_thread == g_thread_self ()) &&
      g_main_context_acquire (self->context))
    context = self->context;
  cancel_mutex_unlock (&self->lock);

  return context;
}
