/* cancel-demo-workspace.h: the demo's temporary folder, options and workers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CancelDemoSizes:
 * @hash_bytes: size of the random file the hash launcher writes and hashes
 * @copy_dirs: folders in the tree the copy launcher creates
 * @copy_files_per_dir: files in each of those folders
 * @copy_max_file_size: largest file of the tree, in bytes
 * @command_steps: lines the command prints, one per step
 * @command_step: seconds the command sleeps between two lines
 * @kill_grace: seconds between SIGTERM and SIGKILL
 * @batch_rounds: SHA-256 rounds over a 16 KiB block that one batch item does
 * @journal_parts: files the journal launcher writes
 * @journal_part_size: size of each, in bytes
 * @primes_limit: the condition launcher counts the primes below this
 * @download_bytes: size of the body the download launcher fetches
 * @download_rate: bytes per second the demo's HTTP server sends
 *
 * How much real work each launcher does. The defaults make operations that
 * last long enough to watch and cancel; "small" sizes keep tests fast.
 */
typedef struct
{
  guint64 hash_bytes;
  guint   copy_dirs;
  guint   copy_files_per_dir;
  guint   copy_max_file_size;
  guint   command_steps;
  double  command_step;
  double  kill_grace;
  guint   batch_rounds;
  guint   journal_parts;
  guint   journal_part_size;
  guint64 primes_limit;
  guint64 download_bytes;
  guint64 download_rate;
} CancelDemoSizes;

#define CANCEL_DEMO_MAX_BATCH_SIZE 10000
#define CANCEL_DEMO_POOL_THREADS   4

#define CANCEL_DEMO_TYPE_WORKSPACE (cancel_demo_workspace_get_type ())

G_DECLARE_FINAL_TYPE (CancelDemoWorkspace, cancel_demo_workspace, CANCEL_DEMO, WORKSPACE, GObject)

CancelDemoWorkspace *cancel_demo_workspace_new               (gboolean             small,
                                                              GError             **error);
const char          *cancel_demo_workspace_get_path          (CancelDemoWorkspace *self);
char                *cancel_demo_workspace_build_path        (CancelDemoWorkspace *self,
                                                              const char          *prefix,
                                                              guint64              id);
CancelDemoSizes     *cancel_demo_workspace_get_sizes         (CancelDemoWorkspace *self);
gboolean             cancel_demo_workspace_get_small         (CancelDemoWorkspace *self);

guint                cancel_demo_workspace_get_batch_size    (CancelDemoWorkspace *self);
void                 cancel_demo_workspace_set_batch_size    (CancelDemoWorkspace *self,
                                                              guint                batch_size);
gboolean             cancel_demo_workspace_get_ignore_sigterm (CancelDemoWorkspace *self);
void                 cancel_demo_workspace_set_ignore_sigterm (CancelDemoWorkspace *self,
                                                              gboolean             ignore_sigterm);
gboolean             cancel_demo_workspace_get_stop_condition (CancelDemoWorkspace *self);
void                 cancel_demo_workspace_set_stop_condition (CancelDemoWorkspace *self,
                                                              gboolean             stop_condition);
int                 *cancel_demo_workspace_ref_stop_flag     (CancelDemoWorkspace *self);

void                 cancel_demo_workspace_push_work         (CancelDemoWorkspace *self,
                                                              GFunc                func,
                                                              gpointer             data);
void                 cancel_demo_workspace_remove            (CancelDemoWorkspace *self);

void                 cancel_demo_delete_tree                 (const char          *path);

G_END_DECLS
