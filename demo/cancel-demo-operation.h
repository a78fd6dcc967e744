/* cancel-demo-operation.h: the real work behind each launcher
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cancelable.h>

#include "cancel-demo-workspace.h"

G_BEGIN_DECLS

/**
 * CancelDemoKind:
 * @CANCEL_DEMO_KIND_HASH: write a large random file, then hash it with
 *   SHA-256 in a GTask worker
 * @CANCEL_DEMO_KIND_COPY: create a folder tree, then copy it file by file
 *   with g_file_copy_async()
 * @CANCEL_DEMO_KIND_COMMAND: run a shell loop with GSubprocess; SIGTERM on
 *   cancel, SIGKILL after a grace period
 * @CANCEL_DEMO_KIND_BATCH: many child scopes on a pool of four threads
 * @CANCEL_DEMO_KIND_SHIELDED: write a journal; roll it back in a shielded
 *   child scope when cancelled
 * @CANCEL_DEMO_KIND_CONDITION: count primes until a condition source fires
 * @CANCEL_DEMO_KIND_DOWNLOAD: download a large body from an in-process
 *   SoupServer, whose side of the request has a scope of its own
 *
 * The demo's launchers.
 */
typedef enum
{
  CANCEL_DEMO_KIND_HASH,
  CANCEL_DEMO_KIND_COPY,
  CANCEL_DEMO_KIND_COMMAND,
  CANCEL_DEMO_KIND_BATCH,
  CANCEL_DEMO_KIND_SHIELDED,
  CANCEL_DEMO_KIND_CONDITION,
  CANCEL_DEMO_KIND_DOWNLOAD,
} CancelDemoKind;

#define CANCEL_DEMO_N_KINDS 7

#define CANCEL_DEMO_TYPE_KIND (cancel_demo_kind_get_type ())

GType        cancel_demo_kind_get_type          (void) G_GNUC_CONST;
const char  *cancel_demo_kind_to_string         (CancelDemoKind        kind);
gboolean     cancel_demo_kind_from_string       (const char           *string,
                                                 CancelDemoKind       *kind);
const char  *cancel_demo_kind_get_title         (CancelDemoKind        kind);
const char  *cancel_demo_kind_get_description   (CancelDemoKind        kind);
const char  *cancel_demo_kind_get_icon_name     (CancelDemoKind        kind);
char        *cancel_demo_kind_dup_scope_name    (CancelDemoKind        kind,
                                                 CancelDemoWorkspace  *workspace);

void         cancel_demo_operation_run          (CancelDemoWorkspace  *workspace,
                                                 CancelDemoKind        kind,
                                                 CancelScope          *scope,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
char        *cancel_demo_operation_finish       (GAsyncResult         *result,
                                                 GError              **error);
CancelScope *cancel_demo_operation_get_scope    (GAsyncResult         *result);

G_END_DECLS
