/* test-demo-i18n.c: the demo's UI in German or French
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run with LANGUAGE=de (or fr), LC_ALL=C.UTF-8 and CANCEL_TEST_LOCALEDIR
 * pointing at the build tree's po/ folder, which holds
 * LANG/LC_MESSAGES/cancelable.mo. Asserts that the window, the launchers,
 * an operation's outcome, the library's status names and the monitor
 * (the GTK part) show translated strings, and saves a screenshot.
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>
#include <cancel-gtk.h>

#include "cancel-demo-application.h"
#include "cancel-demo-window.h"
#include "demo-test-util.h"
#include "../gtk-known-warnings.h"

typedef struct
{
  const char *language;
  const char *window_title;    /* the demo's .ui */
  const char *group_title;     /* the demo's .ui */
  const char *hash_title;      /* the demo's C code */
  const char *batch_name;      /* a plural form */
  const char *running;         /* the library: C_("status", "Running") */
  const char *completed;       /* the library: C_("status", "Completed") */
  const char *monitor_label;   /* the GTK part's .ui */
  const char *parent_cancelled;  /* the library, put together without printf */
} Expected;

static const Expected expectations[] = {
  { "de", "Cancelable-Demo", "Starter", "Große Datei hashen", "Stapel mit 10 Elementen",
    "Läuft", "Abgeschlossen", "Laufend", "Übergeordneter Vorgang “Stapel” wurde abgebrochen" },
  { "fr", "Démo Cancelable", "Lanceurs", "Hacher un gros fichier", "Lot de 10 éléments",
    "En cours", "Terminée", "En cours", "L’opération parente “Stapel” a été annulée" },
};

static const Expected *expected;
static CancelDemoApplication *app;
static CancelDemoWindow *window;

static void
test_window (void)
{
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, expected->window_title);
  g_assert_true (demo_test_find_label (GTK_WIDGET (window), expected->window_title));
  g_assert_true (demo_test_find_label (GTK_WIDGET (window), expected->group_title));

  g_assert_cmpstr (cancel_demo_kind_get_title (CANCEL_DEMO_KIND_HASH), ==, expected->hash_title);
  g_assert_true (demo_test_find_label (GTK_WIDGET (window), expected->hash_title));
}

static void
test_library (void)
{
  CancelDemoWorkspace *workspace = cancel_demo_application_get_workspace (app);
  g_autofree char *batch_name = NULL;
  g_autoptr(CancelScope) parent = cancel_scope_new_full (NULL, "Stapel", CANCEL_SCOPE_FLAGS_UNREGISTERED);
  g_autoptr(CancelScope) child = cancel_scope_new_full (parent, NULL, CANCEL_SCOPE_FLAGS_UNREGISTERED);

  g_assert_cmpstr (cancel_status_get_display_name (CANCEL_STATUS_RUNNING), ==, expected->running);
  g_assert_cmpstr (cancel_status_get_display_name (CANCEL_STATUS_COMPLETED), ==, expected->completed);

  cancel_scope_cancel (parent, CANCEL_REASON_MANUAL, NULL);
  g_assert_cmpstr (cancel_scope_get_message (child), ==, expected->parent_cancelled);

  cancel_demo_workspace_set_batch_size (workspace, 10);
  batch_name = cancel_demo_kind_dup_scope_name (CANCEL_DEMO_KIND_BATCH, workspace);
  g_assert_cmpstr (batch_name, ==, expected->batch_name);
}

static void
test_monitor (void)
{
  g_assert_true (demo_test_find_label (GTK_WIDGET (cancel_demo_window_get_monitor (window)),
                             expected->monitor_label));
}

/* An operation's outcome in its launcher row. */
static void
test_operation (void)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_BATCH);
  g_autofree char *name = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (window), "launch", g_variant_new_string ("batch"));
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);
  g_assert_cmpint (cancel_scope_get_status (cancel_demo_launcher_row_get_scope (row)),
                   ==, CANCEL_STATUS_COMPLETED);
  WAIT_UNTIL (demo_test_find_label (GTK_WIDGET (row), expected->completed));

  /* Let the monitor's history catch up, then a screenshot. */
  demo_test_spin (500);
  name = g_strdup_printf ("demo-window-%s.png", expected->language);
  demo_test_save_screenshot (GTK_WIDGET (window), name);
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");
  const char *localedir = g_getenv ("CANCEL_TEST_LOCALEDIR");
  g_autoptr(GError) error = NULL;
  GtkWindow *active;
  guint i;
  int status;

  g_setenv ("CANCEL_DEMO_SMALL", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_test_tolerate_column_header_warning ();

  for (i = 0; i < G_N_ELEMENTS (expectations); i++)
    if (g_strcmp0 (language, expectations[i].language) == 0)
      expected = &expectations[i];
  if (expected == NULL || localedir == NULL)
    {
      g_print ("1..0 # SKIP Needs LANGUAGE=de or fr and CANCEL_TEST_LOCALEDIR\n");
      return 0;
    }

  setlocale (LC_ALL, "");

  app = cancel_demo_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  /* The library and the GTK part bind the domain to the installed locale
   * folder the first time they translate something; let them do that
   * first, then point the domain at the build tree. */
  cancel_status_get_display_name (CANCEL_STATUS_RUNNING);
  g_type_class_unref (g_type_class_ref (CANCEL_GTK_TYPE_MONITOR));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_application_activate (G_APPLICATION (app));
  active = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (active);
  window = CANCEL_DEMO_WINDOW (active);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_test_add_func ("/Cancel/Demo/i18n/window", test_window);
  g_test_add_func ("/Cancel/Demo/i18n/library", test_library);
  g_test_add_func ("/Cancel/Demo/i18n/monitor", test_monitor);
  g_test_add_func ("/Cancel/Demo/i18n/operation", test_operation);

  status = g_test_run ();

  cancel_demo_application_request_quit (app, CANCEL_REASON_MANUAL, NULL);
  WAIT_UNTIL (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL);
  g_clear_object (&app);

  return status;
}
