/* test-demo-frames.c: the demo's frames and wake-ups
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two promises, as a user sees them:
 *
 * - An idle demo costs nothing: when no operation runs, the window draws
 *   no frame and the main loop has no timer of ours to wake up for (the
 *   monitor's refresh timer, the timeline's scrolling and the progress bars
 *   of operations whose progress was unknown all stop).
 * - While the window draws every frame, as a busy application does, the
 *   notifications of a scope still arrive: the launcher of a batch leaves
 *   "Starting…", its cancel action and button become enabled, and
 *   cancelling ends the batch. The library dispatches them on the owner
 *   context above GTK's redraw priority.
 *
 * Frames are counted with the window's frame clock and wake-ups as main
 * loop iterations. Times are only recorded in the test output; what is
 * asserted is counted in frames and iterations, with guards far beyond
 * what any step needs.
 *
 * One application and one window for the whole program, CANCEL_DEMO_SMALL=1,
 * under Xvfb and a private session bus, as test-demo.c.
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-application.h"
#include "cancel-demo-operation-private.h"
#include "cancel-demo-window.h"
#include "demo-test-util.h"
#include "../gtk-known-warnings.h"

/* A window that settles (the scroll bars fade, the last refresh of the
 * monitor) is quiet for this long. */
#define QUIET_MS          1000
/* Settling takes a second or two. The old timeline scrolled for a minute
 * after the last operation ended: this guard is well below that. */
#define SETTLE_GUARD_S    15
/* How long an idle window is watched. */
#define IDLE_MS           3000
/* Wake-ups allowed in IDLE_MS besides the test's own timer: X or D-Bus
 * traffic, never a periodic timer (a 250 ms one alone would make 12). */
#define IDLE_MAX_WAKEUPS  4
/* What a frame of the busy window costs: more than two frames of 16.7 ms,
 * as drawing a 1280×800 window with llvmpipe under Xvfb does (40-50 ms), so
 * that a new frame is due as soon as one is done. With the dispatch below
 * GTK's redraw priority, notifications then never arrived; with a frame of
 * 20 ms they took some 20 frames. */
#define BUSY_FRAME_US     (40 * 1000)
/* Guards of the busy test. Frames are at least BUSY_FRAME_US long, so a
 * count of frames is a lower bound on time (here 2 s) that a loaded
 * machine cannot shorten. Notifications arrive within a frame or two. */
#define BUSY_MAX_FRAMES   50
#define BUSY_GUARD_S      30

static CancelDemoApplication *app;
static CancelDemoWindow *window;
static CancelDemoWorkspace *workspace;
static CancelDemoSizes small_sizes;

static gint64
frame_counter (void)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_assert_nonnull (clock);
  return gdk_frame_clock_get_frame_counter (clock);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct
{
  gint64 frames;
  guint  wakeups;
} Activity;

/* Runs the main loop for @ms and counts the frames and the iterations,
 * less the one that ran our own timer. */
static void
watch (guint     ms,
       Activity *activity)
{
  gboolean done = FALSE;
  gint64 first_frame = frame_counter ();
  guint iterations = 0;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }

  activity->frames = frame_counter () - first_frame;
  activity->wakeups = iterations - 1;
}

/* Waits until the window was quiet for QUIET_MS: no frame at all. */
static void
wait_settled (void)
{
  gint64 deadline = g_get_monotonic_time () + SETTLE_GUARD_S * G_USEC_PER_SEC;
  Activity activity = { 0, };

  do
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The window still draws %" G_GINT64_FORMAT " frames a second after %d s",
                 activity.frames * 1000 / QUIET_MS, SETTLE_GUARD_S);
      watch (QUIET_MS, &activity);
    }
  while (activity.frames > 0);
}

static void
assert_idle (const char *when)
{
  Activity activity = { 0, };

  wait_settled ();
  watch (IDLE_MS, &activity);
  g_test_message ("Idle %s: %" G_GINT64_FORMAT " frames, %u wake-ups in %d ms",
                  when, activity.frames, activity.wakeups, IDLE_MS);

  g_assert_cmpint (activity.frames, ==, 0);
  g_assert_cmpuint (activity.wakeups, <=, IDLE_MAX_WAKEUPS);
}

static CancelScope *
launch (CancelDemoKind kind)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, kind);

  g_action_group_activate_action (G_ACTION_GROUP (window), "launch",
                                  g_variant_new_string (cancel_demo_kind_to_string (kind)));
  g_assert_nonnull (cancel_demo_launcher_row_get_scope (row));

  return g_object_ref (cancel_demo_launcher_row_get_scope (row));
}

static void
wait_all_done (void)
{
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);
}

static char *
cancel_action_name (CancelScope *scope)
{
  return g_strdup_printf ("cancel-op-%" G_GUINT64_FORMAT, cancel_scope_get_id (scope));
}

static GtkWidget *
find_button_with_action (GtkWidget  *root,
                         const char *detailed_action)
{
  GtkWidget *child;

  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), detailed_action) == 0)
    return root;

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_action (child, detailed_action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Idle */

static void
test_idle_startup (void)
{
  assert_idle ("after startup");
}

/* Every launcher once, to completion. */
static void
test_idle_after_work (void)
{
  CancelDemoKind kind;

  for (kind = 0; kind < CANCEL_DEMO_N_KINDS; kind++)
    {
      g_autoptr(CancelScope) scope = NULL;

      *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
      scope = launch (kind);
      wait_all_done ();
      g_assert_cmpint (cancel_scope_get_status (scope), ==, CANCEL_STATUS_COMPLETED);
    }

  assert_idle ("after running every launcher");
}

/* Operations whose progress was unknown: their bars pulsed (the
 * launcher's GtkProgressBar has a tick callback, the window drawing every
 * frame, until it is given a fraction; the monitor's cells step theirs
 * with its timer). */
static void
test_idle_after_pulse (void)
{
  g_autoptr(CancelScope) journal = NULL;
  g_autoptr(CancelScope) waiting = NULL;

  /* The journal, cancelled before its first part was written: it rolls
   * back and ends with its progress unknown, which its launcher shows. */
  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
  cancel_demo_workspace_get_sizes (workspace)->journal_part_size = 16 * 1024 * 1024;
  journal = launch (CANCEL_DEMO_KIND_SHIELDED);
  cancel_scope_cancel (journal, CANCEL_REASON_MANUAL, NULL);
  wait_all_done ();
  g_assert_cmpint (cancel_scope_get_status (journal), ==, CANCEL_STATUS_CANCELLED);
  g_assert_cmpfloat (cancel_scope_get_progress (journal), <, 0);
  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;

  /* An operation of the application that does not know how far it got:
   * its row in the monitor pulses while it runs. */
  waiting = cancel_scope_new ("Waiting for a reply");
  cancel_scope_begin (waiting);
  cancel_scope_report_progress (waiting, -1, "Connecting");
  /* Several refreshes of the monitor, which pulse the row. */
  demo_test_spin (1000);
  cancel_scope_end (waiting);

  assert_idle ("after operations of unknown progress");
}

/* Busy drawing */

/* Queues a frame of the whole window on every frame, and takes longer
 * than a frame to do it. */
static gboolean
busy_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  gtk_widget_queue_draw (widget);
  g_usleep (BUSY_FRAME_US);

  return G_SOURCE_CONTINUE;
}

typedef struct
{
  const char *what;
  gint64      start_time;
  gint64      start_frame;
  guint       iterations;
} Wait;

static void
wait_begin (Wait       *wait,
            const char *what)
{
  wait->what = what;
  wait->start_time = g_get_monotonic_time ();
  wait->start_frame = frame_counter ();
  wait->iterations = 0;
}

/* One more iteration of a wait; fails the test past its guards. */
static void
wait_iterate (Wait *wait)
{
  gint64 frames = frame_counter () - wait->start_frame;

  if (frames > BUSY_MAX_FRAMES ||
      g_get_monotonic_time () - wait->start_time > BUSY_GUARD_S * G_USEC_PER_SEC)
    g_error ("Not %s after %" G_GINT64_FORMAT " frames and %.1f s of drawing",
             wait->what, frames,
             (g_get_monotonic_time () - wait->start_time) / (double) G_USEC_PER_SEC);

  g_main_context_iteration (NULL, TRUE);
  wait->iterations++;
}

static void
wait_end (Wait *wait)
{
  g_test_message ("%s after %" G_GINT64_FORMAT " frames, %u iterations, %.1f ms",
                  wait->what, frame_counter () - wait->start_frame, wait->iterations,
                  (g_get_monotonic_time () - wait->start_time) / 1000.0);
}

#define WAIT_WHILE_DRAWING(what, cond) \
  G_STMT_START { \
    Wait _wait; \
    wait_begin (&_wait, what); \
    while (!(cond)) \
      wait_iterate (&_wait); \
    wait_end (&_wait); \
  } G_STMT_END

static gboolean
label_shows (CancelDemoLauncherRow *row,
             const char            *prefix)
{
  return demo_test_find_label (GTK_WIDGET (row), prefix);
}

static void
test_batch_while_drawing (void)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_BATCH);
  g_autoptr(CancelScope) batch = NULL;
  g_autofree char *action = NULL;
  g_autofree char *detailed_action = NULL;
  GtkWidget *cancel_button;
  guint busy_frames = 0;
  guint tick_id;

  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
  /* Runs until it is cancelled. */
  cancel_demo_workspace_get_sizes (workspace)->batch_rounds = 1 << 30;
  cancel_demo_workspace_set_batch_size (workspace, 100);

  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), busy_tick, &busy_frames, NULL);
  WAIT_UNTIL (busy_frames >= 10);

  batch = launch (CANCEL_DEMO_KIND_BATCH);
  action = cancel_action_name (batch);
  detailed_action = g_strconcat ("win.", action, NULL);
  cancel_button = find_button_with_action (GTK_WIDGET (row), detailed_action);
  g_assert_nonnull (cancel_button);
  g_assert_true (label_shows (row, "Starting"));

  /* The scope's notify::status enables its action; ::started changes the
   * launcher's status. Both are emitted on this context. */
  WAIT_WHILE_DRAWING ("cancel action enabled",
                      g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  WAIT_WHILE_DRAWING ("launcher no longer starting", !label_shows (row, "Starting"));
  WAIT_WHILE_DRAWING ("cancel button sensitive", gtk_widget_is_sensitive (cancel_button));
  g_assert_cmpint (cancel_scope_get_status (batch), ==, CANCEL_STATUS_RUNNING);
  WAIT_WHILE_DRAWING ("items running", g_list_model_get_n_items (cancel_scope_get_children (batch)) > 0);
  demo_test_save_screenshot (GTK_WIDGET (window), "demo-frames-busy.png");

  /* A click on the launcher's cancel button. */
  g_signal_emit_by_name (cancel_button, "clicked");
  g_assert_true (g_cancellable_is_cancelled (G_CANCELLABLE (batch)));
  g_assert_cmpint (cancel_scope_get_reason (batch), ==, CANCEL_REASON_MANUAL);

  WAIT_WHILE_DRAWING ("batch ended", cancel_status_is_final (cancel_scope_get_status (batch)));
  WAIT_WHILE_DRAWING ("launcher shows the cancellation", label_shows (row, "Cancelled"));
  WAIT_WHILE_DRAWING ("operation done", cancel_demo_application_get_n_running (app) == 0);
  g_assert_cmpint (cancel_scope_get_status (batch), ==, CANCEL_STATUS_CANCELLED);
  g_assert_false (gtk_widget_is_sensitive (cancel_button));

  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_test_message ("The busy window drew %u frames", busy_frames);
  *cancel_demo_workspace_get_sizes (workspace) = small_sizes;
}

/* Once the busy window stops drawing, the demo is idle again. */
static void
test_idle_after_busy (void)
{
  assert_idle ("after the busy window stopped drawing");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("CANCEL_DEMO_SMALL", "1", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();
  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);

  app = cancel_demo_application_new ();
  /* A test instance must not become the remote of another one. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = CANCEL_DEMO_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  workspace = cancel_demo_application_get_workspace (app);
  g_assert_true (cancel_demo_workspace_get_small (workspace));
  small_sizes = *cancel_demo_workspace_get_sizes (workspace);

  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_test_add_func ("/Cancel/Demo/frames/idle/startup", test_idle_startup);
  g_test_add_func ("/Cancel/Demo/frames/idle/after-work", test_idle_after_work);
  g_test_add_func ("/Cancel/Demo/frames/idle/after-pulse", test_idle_after_pulse);
  g_test_add_func ("/Cancel/Demo/frames/busy/batch", test_batch_while_drawing);
  g_test_add_func ("/Cancel/Demo/frames/busy/idle-after", test_idle_after_busy);

  status = g_test_run ();

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL);
  g_clear_object (&app);
  return status;
}
