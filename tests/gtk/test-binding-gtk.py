#!/usr/bin/env python3
# test-binding-gtk.py: the CancelGtk-1 typelib from Python (PyGObject), TAP
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys
import traceback

import gi

gi.require_version('Cancel', '1')
gi.require_version('CancelGtk', '1')
gi.require_version('Gtk', '4.0')
from gi.repository import Cancel, CancelGtk, Gio, GLib, Gtk  # noqa: E402

GUARD_SECONDS = 30


def run_until(condition):
    """Iterates the default main context until condition() holds."""
    context = GLib.MainContext.default()
    guard = GLib.get_monotonic_time() + GUARD_SECONDS * 1000000
    while not condition():
        if GLib.get_monotonic_time() > guard:
            raise AssertionError('timed out waiting for a condition')
        context.iteration(True)


def test_init_registers_the_page():
    CancelGtk.init()
    CancelGtk.init()
    point = Gio.IOExtensionPoint.lookup('gtk-inspector-page')
    assert point is not None
    extension = point.get_extension_by_name('cancelable-operations')
    assert extension is not None
    assert extension.get_type().name == 'CancelGtkInspectorPage'


def test_monitor():
    registry = Cancel.Registry.new()
    monitor = CancelGtk.Monitor.new(registry)
    assert monitor.get_registry() == registry
    assert monitor.props.registry == registry
    assert monitor.get_selected() is None
    assert monitor.cancel_selected() == 0

    window = Gtk.Window()
    window.set_child(monitor)
    window.present()

    scope = Cancel.Scope.new_full(None, 'From Python', Cancel.ScopeFlags.NONE)
    scope.set_registry(registry)
    scope.begin()
    run_until(lambda: registry.get_n_items() == 1)

    assert monitor.cancel_all('Stop') == 1
    assert scope.get_reason() == Cancel.Reason.MANUAL
    assert scope.get_message() == 'Stop'
    # PyGObject 3.42 refuses None for a GError in-argument, nullable or
    # not: end with the cancellation, as a cancelled operation does.
    scope.fail(GLib.Error.new_literal(Gio.io_error_quark(), 'Cancelled',
                                     Gio.IOErrorEnum.CANCELLED))
    assert scope.get_status() == Cancel.Status.CANCELLED
    window.destroy()

    monitor = CancelGtk.Monitor.new(None)
    assert monitor.props.registry == Cancel.Registry.get_default()


TESTS = [test_init_registers_the_page, test_monitor]


def main():
    # PyGObject initializes GTK 4 on import; calling gtk_init_check() again
    # after it failed there crashes, so look for a display first.
    has_display = 'DISPLAY' in os.environ or 'WAYLAND_DISPLAY' in os.environ
    if not has_display or not (Gtk.is_initialized() or Gtk.init_check()):
        print('1..0 # SKIP no display (run under xvfb-run -a)')
        return 0

    print('1..%d' % len(TESTS))
    failed = 0
    for number, test in enumerate(TESTS, 1):
        try:
            test()
            print('ok %d %s' % (number, test.__name__))
        except Exception:
            failed += 1
            print('not ok %d %s' % (number, test.__name__))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
