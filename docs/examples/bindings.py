#!/usr/bin/env python3
# bindings.py: the API from Python, with the binding's limits, from
# bindings.md.
import threading

import gi
gi.require_version('Cancel', '1')
from gi.repository import Cancel, GLib, GObject  # noqa: E402

context = GLib.MainContext.default()


def run_until(condition):
    while not condition():
        context.iteration(True)


# Gio.Cancellable.connect() (g_cancellable_connect) shadows
# GObject.Object.connect() on every scope: call the latter explicitly.
scope = Cancel.Scope.new('Export album')
seen = []
GObject.Object.connect(scope, 'finished', lambda scope, status: seen.append(status))

# A function run in a worker thread, with the scope current there. Pass
# keywords: the arguments after flags are a function and a callback. An
# exception it raises is printed, not raised: report failure with fail().
exported = []


def export(scope, *user_data):
    exported.append(threading.current_thread() is not threading.main_thread()
                    and Cancel.Scope.get_current() == scope)
    for block in range(100):
        scope.report_progress(block / 100, 'Exporting')


results = []
scope.run_in_thread_async(flags=Cancel.RunFlags.NONE, func=export,
                          callback=lambda scope, result:
                          results.append(scope.run_in_thread_finish(result)))
run_until(lambda: results and seen)
assert exported == [True] and results == [True] and seen == [Cancel.Status.COMPLETED]

# Errors are GLib.Error exceptions; cancelled ones match Gio's codes.
watched = Cancel.Scope.new('Watch folder')
watched.begin()
try:
    watched.set_timeout(-1)
except GLib.Error as error:
    assert error.matches(Cancel.error_quark(), Cancel.Error.INVALID_TIMEOUT)

# A condition checked on this thread's main context; keywords again.
full = Cancel.Source.new_condition(name='disk full', interval_seconds=0.01,
                                   context=context, func=lambda: True)
watched.add_source(full)
waits = []
watched.wait_async(None, lambda scope, result: waits.append(scope.wait_finish(result)))
watched.connect_cancelled(None, lambda scope: scope.end())
run_until(lambda: waits)
assert waits == [Cancel.Status.CANCELLED], waits
print(watched.get_message())
