/* cancel-source-combination.c: any-of and all-of combinations of sources
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "cancel-source-private.h"

typedef struct
{
  gboolean   all;
  /* Strong references, guarded by the source's lock: dispose lets go of
   * them, in whichever thread drops the last reference. The array's
   * contents never change. */
  GPtrArray *members;
  /* all: members fired in arming @counted_generation. Guarded by the lock. */
  guint      n_fired;
  guint      counted_generation;
} CombinationParams;

/* The members, or NULL once disposed: read under the lock (dispose is
 * ordered by GObject's reference count, which ThreadSanitizer cannot
 * see). */
static GPtrArray *
combination_dup_members (CancelSource *self)
{
  CombinationParams *params = self->params;
  g_autoptr(CancelMutex) locker = NULL;

  locker = cancel_mutex_auto_lock (&self->lock);
  return params->members != NULL ? g_ptr_array_ref (params->members) : NULL;
}

static void
combination_member_fired (CancelSource *self,
                          guint         generation,
                          CancelReason  reason,
                          CancelReason  origin,
                          const char   *message)
{
  CombinationParams *params = self->params;
  g_autoptr(GPtrArray) members = NULL;
  guint n_members;
  gboolean complete;

  if (!params->all)
    {
      _cancel_source_fire (self, generation, reason, origin, g_strdup (message));
      return;
    }

  members = combination_dup_members (self);
  n_members = members != NULL ? members->len : 0;

  cancel_mutex_lock (&self->lock);
  if (self->generation != generation || !self->armed || self->fired)
    {
      cancel_mutex_unlock (&self->lock);
      return;
    }
  if (params->counted_generation != generation)
    {
      params->counted_generation = generation;
      params->n_fired = 0;
    }
  /* Each member fires at most once per arming, so counting is enough. */
  complete = ++params->n_fired == n_members;
  cancel_mutex_unlock (&self->lock);

  if (complete)
    _cancel_source_fire (self, generation, reason, origin,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "All %u source fired; last: %s",
                                                       "All %u sources fired; last: %s",
                                                       n_members),
                                          n_members, message));
}

static void
combination_arm (CancelSource *self,
                 guint         generation)
{
  g_autoptr(GPtrArray) members = combination_dup_members (self);

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      CancelSource *member = g_ptr_array_index (members, i);
      guint member_generation = _cancel_source_prepare (member, self, generation);
      gboolean stale;
      gboolean fired;

      if (member_generation != 0)
        _cancel_source_arm (member, member_generation);

      /* A disarm of the combination that ran before this member was
       * armed did not see it armed: undo it here. One that runs after
       * this check disarms it itself. */
      cancel_mutex_lock (&self->lock);
      stale = self->generation != generation;
      fired = self->fired;
      cancel_mutex_unlock (&self->lock);

      if (stale)
        _cancel_source_disarm_full (member, FALSE);
      if (stale || fired)
        break;
    }
}

static void
combination_disarmed (CancelSource *self)
{
  g_autoptr(GPtrArray) members = combination_dup_members (self);

  for (guint i = 0; members != NULL && i < members->len; i++)
    _cancel_source_disarm_full (g_ptr_array_index (members, i), FALSE);
}

/* Gives the members back so that they can serve elsewhere. */
static void
combination_dispose (CancelSource *self)
{
  CombinationParams *params = self->params;
  g_autoptr(GPtrArray) members = NULL;

  cancel_mutex_lock (&self->lock);
  members = g_steal_pointer (&params->members);
  cancel_mutex_unlock (&self->lock);

  for (guint i = 0; members != NULL && i < members->len; i++)
    _cancel_source_unclaim (g_ptr_array_index (members, i), self);
}

static void
combination_finalize (CancelSource *self)
{
  g_free (self->params);
}

static const CancelSourceKind combination_kind = {
  .name = "combination",
  .arm = combination_arm,
  .disarmed = combination_disarmed,
  .member_fired = combination_member_fired,
  .dispose = combination_dispose,
  .finalize = combination_finalize,
};

/* Named like the public constructors: its criticals name it. */
static CancelSource *
cancel_source_new_combination (gboolean              all,
                               CancelSource * const *sources,
                               gsize                 n_sources)
{
  CombinationParams *params;
  CancelSource *self;
  const char *failed = NULL;
  gsize i;

  g_return_val_if_fail (sources != NULL, NULL);
  g_return_val_if_fail (n_sources > 0, NULL);
  for (i = 0; i < n_sources; i++)
    g_return_val_if_fail (CANCEL_IS_SOURCE (sources[i]), NULL);

  params = g_new0 (CombinationParams, 1);
  params->all = all;
  params->members = g_ptr_array_new_full ((guint) MIN (n_sources, G_MAXUINT), g_object_unref);
  self = _cancel_source_new (&combination_kind, params);

  /* Claim every member, or none: dispose gives the claimed ones back. */
  for (i = 0; i < n_sources && failed == NULL; i++)
    {
      failed = _cancel_source_claim (sources[i], CANCEL_SOURCE_OWNER_COMBINATION, self);
      if (failed == NULL)
        g_ptr_array_add (params->members, g_object_ref (sources[i]));
    }

  if (failed != NULL)
    {
      g_clear_object (&self);
      g_return_if_fail_warning (G_LOG_DOMAIN, G_STRFUNC, failed);
    }

  return self;
}

/**
 * cancel_source_new_any: (constructor)
 * @sources: (array length=n_sources) (transfer none): the members, not
 *   attached to anything
 * @n_sources: the length of @sources, at least 1
 *
 * Makes a source that fires as soon as one of @sources fires, with that
 * member's reason and message. Combining timeouts this way fires at the
 * earliest.
 *
 * Members may be of any kind, combinations included. They belong to the
 * combination for its whole life, are armed when it is attached and
 * disarmed with it. An empty @sources, a %NULL member, or a member
 * attached to a scope or to another combination already (or listed
 * twice), or spent, are programmer errors: a critical, and every member
 * stays as it was.
 *
 * The combination fires in the thread where its member fires.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new source
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_any (CancelSource * const *sources,
                       gsize                 n_sources)
{
  return cancel_source_new_combination (FALSE, sources, n_sources);
}

/**
 * cancel_source_new_all: (constructor)
 * @sources: (array length=n_sources) (transfer none): the members, not
 *   attached to anything
 * @n_sources: the length of @sources, at least 1
 *
 * Makes a source that fires once every one of @sources has fired (each
 * since the combination was attached), with the reason of the last one and
 * a message quoting it ("All 3 sources fired; last: Timed out after 1 s").
 *
 * Members follow the same rules as for [ctor@Cancel.Source.new_any].
 * The combination fires in the thread where its last member fires.
 *
 * Callable from any thread.
 *
 * Returns: (transfer full): a new source
 *
 * Since: 0.1
 */
CancelSource *
cancel_source_new_all (CancelSource * const *sources,
                       gsize                 n_sources)
{
  return cancel_source_new_combination (TRUE, sources, n_sources);
}
