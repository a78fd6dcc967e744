/* demo-test-util.h: driving the main loop and taking screenshots
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <cancelable.h>

G_BEGIN_DECLS

/* Multiplied by $CANCEL_TEST_TIME_FACTOR (the asan stage sets it: the
 * demo's work is many times slower there). */
#define DEMO_TEST_WAIT_TIMEOUT_S (120 * demo_test_time_factor ())

static inline gint64
demo_test_time_factor (void)
{
  const char *factor = g_getenv ("CANCEL_TEST_TIME_FACTOR");

  return factor != NULL ? MAX (g_ascii_strtoll (factor, NULL, 10), 1) : 1;
}

gboolean demo_test_wake_up (gpointer user_data);

/* Iterates the default context until @cond holds. A short timer makes
 * sure conditions that change in other threads are seen; the deadline is
 * only a guard against a hang, far beyond what any step needs. */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + DEMO_TEST_WAIT_TIMEOUT_S * G_USEC_PER_SEC; \
    guint _wake = g_timeout_add (20, demo_test_wake_up, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("Timed out waiting for: %s", #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_wake); \
  } G_STMT_END

/* Runs the main loop for @ms milliseconds. */
void     demo_test_spin              (guint        ms);

/* Saves @window as NAME in the test build directory. */
void     demo_test_save_screenshot   (GtkWidget   *window,
                                      const char  *name);

/* Whether a label under @root has a text that starts with @prefix. */
gboolean demo_test_find_label        (GtkWidget   *root,
                                      const char  *prefix);

/* Selects @scope in whichever list of the monitor under @root shows it,
 * as a click would. */
gboolean demo_test_select_in_monitor (GtkWidget   *root,
                                      CancelScope *scope);

/* Shows the monitor's page @name ("live", "history") under @root. */
void     demo_test_show_monitor_page (GtkWidget   *root,
                                      const char  *name);

G_END_DECLS
