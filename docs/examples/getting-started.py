#!/usr/bin/env python3
# getting-started.py: wait for a connection that never comes, and give up
# after 50 ms.
import sys

import gi
gi.require_version('Cancel', '1')
from gi.repository import Cancel, Gio, GLib  # noqa: E402

scope = Cancel.Scope.new('Wait for a client')
listener = Gio.SocketListener.new()
listener.add_any_inet_port(None)


def on_accepted(listener, result):
    try:
        listener.accept_finish(result)
        scope.end()                                 # COMPLETED
    except GLib.Error as error:
        # GIO's own error, as with any Gio.Cancellable; the scope knows why.
        print(f'{scope.get_name()}: {scope.get_message()} '
              f'(reason: {Cancel.reason_to_string(scope.get_reason())})')
        scope.fail(error)                           # TIMED_OUT, not FAILED


scope.begin()
scope.set_timeout(0.05)   # raises GLib.Error for a bad value
# The scope is a Gio.Cancellable: pass it to any GIO call.
listener.accept_async(scope, on_accepted)

context = GLib.MainContext.default()
while not Cancel.status_is_final(scope.get_status()):
    context.iteration(True)

print('Final status:', Cancel.status_to_string(scope.get_status()))
sys.exit(0 if scope.get_status() == Cancel.Status.TIMED_OUT else 1)
