/* cancel-source-private.h: the source core and the per-kind table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cancel-source.c owns what every source shares: ownership (which scope or
 * combination it serves), arming generations, firing, getters. Each kind
 * lives in a file of its own (cancel-source-timeout.c, -cancellable.c,
 * -signals.c, -condition.c, -combination.c) and reaches the core only
 * through a CancelSourceKind and the functions below.
 */

#pragma once

#include "cancel-lock-private.h"
#include "cancel-source.h"

G_BEGIN_DECLS

typedef enum
{
  CANCEL_SOURCE_OWNER_NONE,
  CANCEL_SOURCE_OWNER_SCOPE,
  CANCEL_SOURCE_OWNER_COMBINATION,
} CancelSourceOwner;

typedef struct _CancelSourceKind CancelSourceKind;

struct _CancelSource
{
  GObject                 parent_instance;

  /* Set at construction, read-only afterwards. */
  const CancelSourceKind *kind;
  gpointer                params;  /* the kind's own, freed by kind->finalize */

  CancelMutex             lock;

  /* Guarded by lock. */

  /* Who the source serves: a scope, or a combination for its whole life.
   * @owner is an identity only, never dereferenced. A source whose scope
   * disarmed it (scope ended or disposed) is retired for good. */
  CancelSourceOwner       owner_kind;
  gconstpointer           owner;
  guint                   retired : 1;

  /* Bumped by each arming and each disarming: callbacks of an older
   * arming carry an older generation and do nothing. */
  guint                   generation;
  guint                   armed : 1;
  guint                   fired : 1;

  /* The scope or combination to tell when firing; weak, so that a worker
   * firing while the scope is being disposed elsewhere gets NULL rather
   * than a dying object. @target_generation is the combination's. */
  GWeakRef                target;
  guint                   target_generation;

  CancelReason            reason;
  CancelReason            origin;
  char                   *message;

  /* What the current arming set up (a timer, a handler, GSources), kept
   * by _cancel_source_keep_armed(), stolen by a disarm and handed to
   * kind->release without the lock. */
  gpointer                armed_data;
};

/* One per kind; every hook is called without the source's lock. */
struct _CancelSourceKind
{
  const char *name;

  /* Sets up an arming of @generation (any thread): creates what it needs,
   * then hands it to _cancel_source_keep_armed(). Required. */
  void (*arm)          (CancelSource *self,
                        guint         generation);
  /* Undoes what arm kept (never NULL). Optional. */
  void (*release)      (CancelSource *self,
                        gpointer      armed_data);
  /* After an armed source was disarmed. Optional. */
  void (*disarmed)     (CancelSource *self);
  /* A member of this source, armed for @generation of it, fired.
   * Combinations only. */
  void (*member_fired) (CancelSource *self,
                        guint         generation,
                        CancelReason  reason,
                        CancelReason  origin,
                        const char   *message);
  /* From GObject's dispose. Optional. */
  void (*dispose)      (CancelSource *self);
  /* Frees @params. Required. */
  void (*finalize)     (CancelSource *self);
};

/* Tokens: what every armed callback holds. A strong reference on the
 * source keeps it alive while a callback may still run (disarm releases
 * the tokens); the generation tells a stale callback from a live one. */
typedef struct
{
  int           ref_count;
  CancelSource *source;
  guint         generation;
  int           signum;    /* signals: the one watched */
  guint         n_checks;  /* conditions: written by the polling thread only */
} CancelSourceToken;

CancelSourceToken *_cancel_source_token_new            (CancelSource      *source,
                                                        guint              generation,
                                                        int                signum);
CancelSourceToken *_cancel_source_token_ref            (CancelSourceToken *token);
/* Never called with a source lock held. */
void               _cancel_source_token_unref          (gpointer           token);
void               _cancel_source_token_closure_notify (gpointer           token,
                                                        GClosure          *closure);

/* Takes ownership of @params. */
CancelSource *_cancel_source_new        (const CancelSourceKind *kind,
                                         gpointer                params);

/* Keeps @armed_data as what the arming @generation set up and returns
 * TRUE, unless that arming was superseded meanwhile: then releases it and
 * returns FALSE. */
gboolean      _cancel_source_keep_armed (CancelSource           *self,
                                         guint                   generation,
                                         gpointer                armed_data);
/* Whether arming @generation is current, armed and has not fired. */
gboolean      _cancel_source_is_live    (CancelSource           *self,
                                         guint                   generation);
/* Records the firing of arming @generation and tells the target, once per
 * arming. Any thread, no lock held; takes ownership of @message. */
void          _cancel_source_fire       (CancelSource           *self,
                                         guint                   generation,
                                         CancelReason            reason,
                                         CancelReason            origin,
                                         char                   *message);

/* Claims a free, unretired source for @owner. Returns NULL, or the
 * precondition it failed, for g_return_if_fail_warning(). */
const char   *_cancel_source_claim      (CancelSource           *self,
                                         CancelSourceOwner       owner_kind,
                                         gconstpointer           owner);
/* Frees a source claimed by @owner (nothing if another claimed it). */
void          _cancel_source_unclaim    (CancelSource           *self,
                                         gconstpointer           owner);

/* Starts an arming for @target (a scope or a combination): returns its
 * generation, for _cancel_source_arm(), or 0 if the source was retired. */
guint         _cancel_source_prepare    (CancelSource           *self,
                                         gpointer                target,
                                         guint                   target_generation);
void          _cancel_source_arm        (CancelSource           *self,
                                         guint                   generation);
/* Stops whatever the current arming set up. @retire: the scope served is
 * gone or ended, the source is spent. Any thread, no lock held. */
void          _cancel_source_disarm_full (CancelSource          *self,
                                          gboolean               retire);

/* Called by the scope when it ends or is disposed, with no scope lock
 * held, for every source still attached: stop timers, signal watches,
 * polls and links; the source no longer refers to the scope. */
void          _cancel_source_disarm     (CancelSource           *self);

G_END_DECLS
