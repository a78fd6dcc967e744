/* test-demo-layout.c: the demo at a phone's, a small laptop's and a
 * desktop's size, light and dark; its accessible names; and the whole
 * window driven from the keyboard
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Keys: GTK 4.8 has no public way to synthesize a key event (GdkEvent
 * constructors are private, gtk_test_widget_send_key() is gone) and no
 * XTest here, so press_key() resolves a key the way GTK's key handling
 * does: it looks for a shortcut with that trigger in the shortcut
 * controllers of the focus widget and its ancestors (class key bindings
 * included), then in the application's accelerators, and activates what
 * it finds. Tab moves the focus through gtk_widget_child_focus(), which is
 * what GtkWindow's Tab binding calls. What is tested is therefore that
 * every step has a key bound where the focus is, and that the focus can
 * get there from the keyboard: no pointer, no direct call of an action.
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "cancel-demo-application.h"
#include "cancel-demo-operation-private.h"
#include "cancel-demo-window.h"
#include "demo-test-util.h"
#include "../gtk/layout-test-util.h"
#include "../gtk-known-warnings.h"

static CancelDemoApplication *app;
static CancelDemoWindow *window;
static CancelDemoWorkspace *workspace;

/* Keyboard */

static gboolean
activate_shortcut_in (GtkWidget          *widget,
                      GtkShortcutTrigger *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint i, n = g_list_model_get_n_items (controllers);

  for (i = 0; i < n; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      guint j, m;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      m = g_list_model_get_n_items (G_LIST_MODEL (controller));
      for (j = 0; j < m; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger) &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                            gtk_shortcut_get_arguments (shortcut)))
            return TRUE;
        }
    }

  return FALSE;
}

/* Presses @accelerator ("<Control>n", "Delete", ...) where the focus is. */
static void
press_key (const char *accelerator)
{
  g_autoptr(GtkShortcutTrigger) trigger = gtk_shortcut_trigger_parse_string (accelerator);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_auto(GStrv) actions = NULL;
  GtkWidget *widget;

  g_assert_nonnull (trigger);
  g_test_message ("Key %s on a %s", accelerator, focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "window");

  for (widget = focus != NULL ? focus : GTK_WIDGET (window); widget != NULL; widget = gtk_widget_get_parent (widget))
    if (activate_shortcut_in (widget, trigger))
      goto done;

  actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), accelerator);
  if (actions == NULL || actions[0] == NULL)
    {
      g_test_message ("Nothing is bound to %s there", accelerator);
      goto done;
    }
  {
    g_autofree char *name = NULL;
    g_autoptr(GVariant) target = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (g_action_parse_detailed_name (actions[0], &name, &target, &error));
    g_assert_true (gtk_widget_activate_action_variant (focus != NULL ? focus : GTK_WIDGET (window), name, target));
  }

done:
  demo_test_spin (50);
}

/* "GtkToggleButton[History]": a focus widget and the label in it. */
static const char *
focus_description (GtkWidget *focus)
{
  static char description[128];
  GtkWidget *label = focus;

  while (label != NULL && !GTK_IS_LABEL (label))
    label = gtk_widget_get_first_child (label);
  g_snprintf (description, sizeof description, "%s[%s]", G_OBJECT_TYPE_NAME (focus),
              label != NULL ? gtk_label_get_label (GTK_LABEL (label)) : "");
  return description;
}

/* Presses Tab (or Shift+Tab) until @reached holds for the focus widget
 * (at most a lap). */
static void
tab_until_in (GtkDirectionType   direction,
              gboolean         (*reached) (GtkWidget *focus, gpointer data),
              gpointer           data,
              const char        *what)
{
  g_autoptr(GString) trail = g_string_new (NULL);
  guint i;

  for (i = 0; i < 200; i++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

      if (focus != NULL && reached (focus, data))
        return;

      /* Where the focus went, for the failure message. */
      if (i < 60)
        g_string_append_printf (trail, " %s", focus != NULL ? focus_description (focus) : "(none)");
      if (!gtk_widget_child_focus (GTK_WIDGET (window), direction))
        gtk_root_set_focus (GTK_ROOT (window), NULL);  /* wrapped around */
      demo_test_spin (10);
    }

  g_error ("Tab never reached %s; the focus went:%s", what, trail->str);
}

#define tab_until(reached, data, what) tab_until_in (GTK_DIR_TAB_FORWARD, reached, data, what)
#define back_tab_until(reached, data, what) tab_until_in (GTK_DIR_TAB_BACKWARD, reached, data, what)

static gboolean
focus_inside_type (GtkWidget *focus,
                   gpointer   data)
{
  return gtk_widget_get_ancestor (focus, GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
focus_is_button_labelled (GtkWidget *focus,
                          gpointer   data)
{
  GtkWidget *button = gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON);

  return button != NULL && demo_test_find_label (button, data);
}

static CancelDemoKind
selected_launcher (void)
{
  GtkWidget *row = gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_LIST_BOX_ROW);

  g_assert_true (CANCEL_DEMO_IS_LAUNCHER_ROW (row));
  return cancel_demo_launcher_row_get_kind (CANCEL_DEMO_LAUNCHER_ROW (row));
}

/* Launches @kind from the keyboard: Tab to the launchers, arrows to the
 * row (the list selects as the cursor moves), Ctrl+N. */
static CancelScope *
launch_from_keyboard (CancelDemoKind kind)
{
  CancelDemoLauncherRow *row = cancel_demo_window_get_launcher_row (window, kind);
  CancelScope *before = cancel_demo_launcher_row_get_scope (row);
  guint i;

  tab_until (focus_inside_type, GSIZE_TO_POINTER (CANCEL_DEMO_TYPE_LAUNCHER_ROW), "the launchers");
  for (i = 0; i < CANCEL_DEMO_N_KINDS && selected_launcher () != kind; i++)
    press_key (selected_launcher () < kind ? "Down" : "Up");
  g_assert_cmpint (selected_launcher (), ==, kind);

  press_key ("<Control>n");
  WAIT_UNTIL (cancel_demo_launcher_row_get_scope (row) != before &&
              cancel_demo_launcher_row_get_scope (row) != NULL);

  return g_object_ref (cancel_demo_launcher_row_get_scope (row));
}

static CancelScope *
focused_row_scope (void)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  CancelGtkMonitor *monitor = cancel_demo_window_get_monitor (window);

  if (focus == NULL || gtk_widget_get_ancestor (focus, GTK_TYPE_COLUMN_VIEW) == NULL)
    return NULL;

  return cancel_gtk_monitor_get_selected (monitor);
}

static gboolean
live_rows_are (gpointer data)
{
  CancelScope *scope = data;
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (
    gtk_widget_get_template_child (GTK_WIDGET (cancel_demo_window_get_monitor (window)), CANCEL_GTK_TYPE_MONITOR,
                                   "live_view"))));
  g_autoptr(GObject) first = g_list_model_get_n_items (rows) == 1 ? g_list_model_get_item (rows, 0) : NULL;

  return first != NULL && (GTK_IS_TREE_LIST_ROW (first)
                           ? gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (first)) == (gpointer) scope
                           : first == (gpointer) scope);
}

/* Selects @scope as a keyboard user finds it: types its name in the
 * filter, Tab to the list, Home (the list selects as the cursor moves).
 * A fresh list each time: GTK 4.8's lists forget the keyboard's place
 * when the focused row goes, and Tab would then skip them. */
static void
select_from_keyboard (CancelScope *scope)
{
  GtkWidget *monitor = GTK_WIDGET (cancel_demo_window_get_monitor (window));

  tab_until (focus_inside_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY), "the filter");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (monitor, CANCEL_GTK_TYPE_MONITOR, "search_entry")),
                         cancel_scope_get_name (scope));
  WAIT_UNTIL (live_rows_are (scope));
  tab_until (focus_inside_type, GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW), "the live operations");
  press_key ("Home");
  g_assert_true (focused_row_scope () == scope);
}

/* Escape in the filter empties it. */
static void
clear_filter (void)
{
  tab_until (focus_inside_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY), "the filter");
  press_key ("Escape");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                                                                 GTK_TYPE_SEARCH_ENTRY))), ==, "");
}

static gboolean
is_final (CancelScope *scope)
{
  return cancel_status_is_final (cancel_scope_get_status (scope));
}

/* Shift+F10: the selected row's context menu, with the focus on its
 * first item. Arrow keys move the focus by the items' allocations, so
 * they are only pressed once the menu has been laid out, as a user sees
 * it: on a loaded machine (the asan stage) a Down pressed in the same
 * frame found no item and left the focus nowhere. */
static void
open_context_menu (CancelGtkMonitor *monitor)
{
  GtkWidget *menu = g_object_get_data (G_OBJECT (monitor), "cancel-gtk-context-menu");
  GtkWidget *focus;

  g_assert_true (GTK_IS_POPOVER_MENU (menu));
  press_key ("<Shift>F10");
  WAIT_UNTIL (gtk_widget_get_mapped (menu) && gtk_widget_get_width (menu) > 0);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER_MENU));
  if (!g_str_equal (G_OBJECT_TYPE_NAME (focus), "GtkModelButton"))
    press_key ("Down");
}

static void
test_keyboard (void)
{
  CancelGtkMonitor *monitor = cancel_demo_window_get_monitor (window);
  g_autoptr(CancelScope) command = NULL;
  g_autoptr(CancelScope) batch = NULL;
  g_autoptr(CancelScope) primes = NULL;
  GtkStack *stack = NULL;

  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->command_step = 0.05;
  cancel_demo_workspace_set_batch_size (workspace, 10000);
  cancel_demo_workspace_get_sizes (workspace)->batch_rounds = 1024;
  cancel_demo_workspace_get_sizes (workspace)->primes_limit = G_GUINT64_CONSTANT (20000000000);

  /* Launch. */
  command = launch_from_keyboard (CANCEL_DEMO_KIND_COMMAND);
  /* Long enough to be cancelled, not finished, however slow the build
   * (under AddressSanitizer a batch of the small default ended first). */
  cancel_demo_workspace_set_batch_size (workspace, CANCEL_DEMO_MAX_BATCH_SIZE);
  batch = launch_from_keyboard (CANCEL_DEMO_KIND_BATCH);
  primes = launch_from_keyboard (CANCEL_DEMO_KIND_CONDITION);
  WAIT_UNTIL (g_list_model_get_n_items (cancel_scope_get_children (batch)) > 0 || is_final (batch));
  g_assert_false (is_final (batch));

  /* Select, cancel one: the row's context menu (Shift+F10), its first
   * item ("Cancel"). */
  select_from_keyboard (command);
  open_context_menu (monitor);
  press_key ("Return");
  WAIT_UNTIL (is_final (command));
  g_assert_cmpint (cancel_scope_get_reason (command), ==, CANCEL_REASON_MANUAL);
  g_assert_cmpstr (cancel_status_to_string (cancel_scope_get_status (batch)), ==, "running");
  clear_filter ();

  /* Cancel a subtree: Delete on its row, which leaves the filtered list
   * with the focus in it. */
  select_from_keyboard (batch);
  press_key ("Delete");
  WAIT_UNTIL (is_final (batch));
  g_assert_cmpint (cancel_scope_get_reason (batch), ==, CANCEL_REASON_MANUAL);
  clear_filter ();

  /* Cancel all: Ctrl+Shift+D, wherever the focus is. */
  g_assert_false (is_final (primes));
  press_key ("<Control><Shift>d");
  WAIT_UNTIL (is_final (primes));
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);

  /* Switch tabs: Ctrl+F into the filter (cancel all emptied the list,
   * which in GTK 4.8 can keep Tab in it), Shift+Tab back to the History
   * tab, Space. (Backwards: see select_from_keyboard() for why not
   * through the list.) */
  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (monitor), CANCEL_GTK_TYPE_MONITOR, "stack"));
  press_key ("<Control>f");
  g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_SEARCH_ENTRY));
  back_tab_until (focus_is_button_labelled, (gpointer) "History", "the History tab");
  press_key ("space");
  /* A button activated from the keyboard clicks after a short press. */
  WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "history") == 0);
  back_tab_until (focus_is_button_labelled, (gpointer) "Live", "the Live tab");
  press_key ("space");
  WAIT_UNTIL (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "live") == 0);
}

/* Accessibility */

static gboolean
has_tooltip_near (GtkWidget *widget)
{
  guint i;

  for (i = 0; widget != NULL && i < 3; i++, widget = gtk_widget_get_parent (widget))
    if (gtk_widget_get_has_tooltip (widget))
      return TRUE;

  return FALSE;
}

static gboolean
has_name_near (GtkWidget *widget)
{
  guint i;

  for (i = 0; widget != NULL && i < 3; i++, widget = gtk_widget_get_parent (widget))
    if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
        gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
      return TRUE;

  return FALSE;
}

static gboolean
inside_type_named (GtkWidget  *widget,
                   const char *type_name)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (g_str_equal (G_OBJECT_TYPE_NAME (widget), type_name))
      return TRUE;

  return FALSE;
}

/* Every icon-only button the user can reach has a name for screen
 * readers and a tooltip for the eyes. libadwaita's own (window
 * controls, a toast's close button) are its business. */
static void
assert_icon_buttons_named (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = test_find_descendants (root, GTK_TYPE_BUTTON);
  guint i, checked = 0;

  for (i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

      if (!gtk_widget_get_mapped (button) ||
          gtk_widget_get_ancestor (button, GTK_TYPE_WINDOW_CONTROLS) != NULL ||
          gtk_widget_get_ancestor (button, GTK_TYPE_SPIN_BUTTON) != NULL ||
          inside_type_named (button, "AdwToastWidget"))
        continue;
      if (gtk_button_get_icon_name (GTK_BUTTON (button)) == NULL && !GTK_IS_IMAGE (child))
        continue;

      checked++;
      if (!has_name_near (button))
        g_error ("An icon-only %s has no accessible name", G_OBJECT_TYPE_NAME (gtk_widget_get_parent (button)));
      if (!has_tooltip_near (button))
        g_error ("An icon-only button (%s) has no tooltip",
                 gtk_button_get_icon_name (GTK_BUTTON (button)));
    }

  g_test_message ("%u icon-only buttons have names and tooltips", checked);
  g_assert_cmpuint (checked, >=, 5);
}

static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  g_autoptr(GPtrArray) found = test_find_descendants (root, type);

  g_assert_cmpuint (found->len, >, 0);
  return g_ptr_array_index (found, 0);
}

static void
test_accessibility (void)
{
  GtkWidget *monitor = GTK_WIDGET (cancel_demo_window_get_monitor (window));
  GtkWidget *search = find_first (monitor, GTK_TYPE_SEARCH_ENTRY);
  GtkWidget *dropdown = find_first (monitor, GTK_TYPE_DROP_DOWN);
  GtkWidget *switcher = find_first (monitor, GTK_TYPE_STACK_SWITCHER);
  g_autoptr(GPtrArray) views = test_find_descendants (monitor, GTK_TYPE_COLUMN_VIEW);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_ROLE_SEARCH_BOX);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Filter operations by name");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Filter operations by status");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (switcher), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Operation Lists");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (g_ptr_array_index (views, 0)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Running operations");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (g_ptr_array_index (views, 1)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Finished operations");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (cancel_demo_window_get_launcher_row (window, 0)))),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Launchers");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (cancel_demo_window_get_launcher_row (window, 0)))),
                                   GTK_ACCESSIBLE_ROLE_LIST);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_template_child (monitor, CANCEL_GTK_TYPE_MONITOR,
                                                                                      "cancel_all_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Cancel All Running Operations");

  assert_icon_buttons_named (GTK_WIDGET (window));
}

/* Layout */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = test_find_descendants (root, GTK_TYPE_LABEL);
  guint i;

  for (i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0 &&
        gtk_widget_get_mapped (g_ptr_array_index (labels, i)))
      return g_ptr_array_index (labels, i);

  return NULL;
}

static void
test_layouts (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  CancelGtkMonitor *monitor = cancel_demo_window_get_monitor (window);
  GType skip[] = { g_type_from_name ("CancelGtkCell"), G_TYPE_INVALID };
  g_autoptr(CancelScope) command = NULL;
  g_autoptr(CancelScope) primes = NULL;
  int default_width, default_height;
  guint i, dark;

  g_assert_cmpuint (skip[0], !=, G_TYPE_INVALID);
  gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);

  /* The demo fits half of a 1600 px screen, and a phone folds it. */
  g_assert_cmpint (test_minimum_width (GTK_WIDGET (window)), <=, 360);

  cancel_demo_workspace_get_sizes (workspace)->command_steps = 100000;
  cancel_demo_workspace_get_sizes (workspace)->command_step = 0.05;
  g_action_group_activate_action (G_ACTION_GROUP (window), "launch", g_variant_new_string ("command"));
  command = g_object_ref (cancel_demo_launcher_row_get_scope (cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_COMMAND)));
  g_action_group_activate_action (G_ACTION_GROUP (window), "launch", g_variant_new_string ("condition"));
  primes = g_object_ref (cancel_demo_launcher_row_get_scope (cancel_demo_window_get_launcher_row (window, CANCEL_DEMO_KIND_CONDITION)));
  WAIT_UNTIL (cancel_scope_get_progress (command) > 0);

  for (dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

      for (i = 0; i < G_N_ELEMENTS (test_layout_sizes); i++)
        {
          const TestSize *size = &test_layout_sizes[i];
          g_autofree char *path = test_screenshot_path ("demo", size->width, size->height, dark);
          g_autofree char *operations_path = test_screenshot_path ("demo-operations", size->width, size->height, dark);
          AdwLeaflet *leaflet = ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window), CANCEL_DEMO_TYPE_WINDOW,
                                                                            "leaflet"));

          test_resize_window (GTK_WIDGET (window), size->width, size->height);
          g_test_message ("Layout at %d×%d, %s", size->width, size->height, dark ? "dark" : "light");
          test_save_screenshot (GTK_WIDGET (window), path);
          /* At the default size nothing is cut; smaller, only what shows
           * its whole text in a tooltip. */
          test_assert_no_ellipsized_label (GTK_WIDGET (window), skip,
                                           size->width != default_width || size->height != default_height);

          /* Only a phone folds the window: the launchers, then the
           * operations one at a time, with a button to go across. */
          g_assert_cmpint (adw_leaflet_get_folded (leaflet), ==, size->width < 640);
          if (adw_leaflet_get_folded (leaflet))
            {
              g_action_group_activate_action (G_ACTION_GROUP (window), "show-operations", NULL);
              WAIT_UNTIL (!adw_leaflet_get_child_transition_running (leaflet));
              demo_test_spin (100);
              test_save_screenshot (GTK_WIDGET (window), operations_path);
              test_assert_no_ellipsized_label (GTK_WIDGET (window), skip, TRUE);
              g_action_group_activate_action (G_ACTION_GROUP (window), "show-launchers", NULL);
              WAIT_UNTIL (!adw_leaflet_get_child_transition_running (leaflet));
            }

          if (size->width == default_width && size->height == default_height)
            {
              GtkWidget *reason = find_label (GTK_WIDGET (monitor), "Reason");
              GtkWidget *view = GTK_WIDGET (gtk_widget_get_ancestor (reason, GTK_TYPE_COLUMN_VIEW));

              /* The column that says why is in sight without scrolling. */
              g_assert_nonnull (reason);
              g_assert_true (test_widget_inside (reason, gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW)));
            }
        }
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  test_resize_window (GTK_WIDGET (window), default_width, default_height);
  g_action_group_activate_action (G_ACTION_GROUP (window), "cancel-all", NULL);
  WAIT_UNTIL (cancel_demo_application_get_n_running (app) == 0);
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
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  window = CANCEL_DEMO_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  workspace = cancel_demo_application_get_workspace (app);

  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_test_add_func ("/Cancel/Demo/layout/sizes", test_layouts);
  g_test_add_func ("/Cancel/Demo/layout/accessibility", test_accessibility);
  g_test_add_func ("/Cancel/Demo/layout/keyboard", test_keyboard);

  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
