#!/usr/bin/env python3
# test-binding.py: the Cancel-1 typelib from Python (PyGObject), TAP output
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys
import threading
import traceback

import gi

gi.require_version('Cancel', '1')
gi.require_version('Gio', '2.0')
from gi.repository import Cancel, Gio, GLib, GObject  # noqa: E402

GUARD_SECONDS = 30


def run_until(condition, context=None):
    """Iterates the main context until condition() holds; fails after a guard."""
    context = context or GLib.MainContext.default()
    guard = GLib.get_monotonic_time() + GUARD_SECONDS * 1000000
    wake = GLib.timeout_source_new(5)
    wake.set_callback(lambda *args: GLib.SOURCE_CONTINUE)
    wake.attach(context)
    try:
        while not condition():
            if GLib.get_monotonic_time() > guard:
                raise AssertionError('timed out waiting for a condition')
            context.iteration(True)
    finally:
        wake.destroy()


def connect(scope, signal, handler):
    # Gio.Cancellable.connect() (g_cancellable_connect) shadows
    # GObject.Object.connect() on every GCancellable subclass.
    return GObject.Object.connect(scope, signal, handler)


def cancelled_error():
    """What a cancelled operation fails with; passed to end()."""
    return GLib.Error.new_literal(Gio.io_error_quark(), 'Operation was cancelled',
                                  Gio.IOErrorEnum.CANCELLED)


def test_timeout_under_main_loop():
    """A 0.2 s timeout fires under a GLib.MainLoop; finished says TIMED_OUT."""
    scope = Cancel.Scope.new('Python download')
    loop = GLib.MainLoop()
    seen = {}

    def on_reason(scope, pspec):
        # Emitted on the owner context once the timeout cancelled it.
        if scope.get_status() == Cancel.Status.RUNNING:
            scope.end(cancelled_error())

    def on_finished(scope, status):
        seen['status'] = status
        loop.quit()

    def on_guard():
        seen['guard'] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    connect(scope, 'notify::reason', on_reason)
    connect(scope, 'finished', on_finished)
    scope.begin()
    assert scope.set_timeout(0.2)
    assert scope.get_remaining() > 0
    guard = GLib.timeout_add_seconds(GUARD_SECONDS, on_guard)
    loop.run()
    assert 'guard' not in seen, 'the timeout never finished the scope'
    GLib.source_remove(guard)

    assert seen['status'] == Cancel.Status.TIMED_OUT, seen['status']
    assert scope.get_status() == Cancel.Status.TIMED_OUT
    assert scope.get_reason() == Cancel.Reason.TIMEOUT
    assert scope.get_origin_reason() == Cancel.Reason.TIMEOUT
    assert '0.2' in scope.get_message(), scope.get_message()
    assert scope.is_cancelled()
    error = scope.dup_error()
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)
    assert 'Python download' in error.message, error.message


def test_cancel_with_signal_reason():
    """Cancel with SIGNAL and a message; read status, reason, message back."""
    scope = Cancel.Scope.new('Python job')
    assert scope.get_status() == Cancel.Status.PENDING
    assert scope.get_reason() == Cancel.Reason.NONE
    assert scope.get_message() is None
    scope.begin()
    assert scope.get_status() == Cancel.Status.RUNNING
    assert scope.cancel(Cancel.Reason.SIGNAL, 'Got SIGTERM') is True
    assert scope.cancel(Cancel.Reason.MANUAL, 'Too late') is False
    assert scope.get_status() == Cancel.Status.RUNNING
    assert scope.get_reason() == Cancel.Reason.SIGNAL
    assert scope.get_message() == 'Got SIGTERM'
    assert scope.props.reason == Cancel.Reason.SIGNAL
    assert scope.props.message == 'Got SIGTERM'
    assert isinstance(scope, Gio.Cancellable)
    assert scope.is_cancelled()

    try:
        scope.set_error_if_cancelled()
    except GLib.Error as error:
        assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
        assert 'Got SIGTERM' in error.message, error.message
    else:
        raise AssertionError('set_error_if_cancelled() did not raise')

    scope.end(cancelled_error())
    assert scope.get_status() == Cancel.Status.CANCELLED
    assert scope.get_end_time() >= scope.get_start_time() > 0


def test_invalid_timeout_raises():
    """A bad timeout raises GLib.Error in the Cancel error domain."""
    scope = Cancel.Scope.new('Bad timeout')
    for bad in (0.0, -1.0, float('nan'), float('inf')):
        try:
            scope.set_timeout(bad)
        except GLib.Error as error:
            assert error.matches(Cancel.error_quark(), Cancel.Error.INVALID_TIMEOUT), error
        else:
            raise AssertionError('set_timeout(%r) did not raise' % bad)
    assert scope.get_own_deadline() == -1  # CANCEL_NO_DEADLINE


def test_end_with_none_completes():
    """complete() ends a successful operation: PyGObject 3.42 (Debian 12)
    rejects None for the nullable const GError* of end()."""
    scope = Cancel.Scope.new('Succeeds')
    scope.begin()
    scope.complete()
    assert scope.get_status() == Cancel.Status.COMPLETED
    assert scope.dup_error() is None


def test_end_with_error_fails():
    """end(error) on a scope that was not cancelled: FAILED, error kept."""
    scope = Cancel.Scope.new('Fails')
    scope.begin()
    scope.end(GLib.Error.new_literal(Gio.io_error_quark(), 'No such file',
                                     Gio.IOErrorEnum.NOT_FOUND))
    assert scope.get_status() == Cancel.Status.FAILED
    error = scope.dup_error()
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND)
    assert error.message == 'No such file'


def test_new_with_parent_none_is_root():
    """new_with_parent(None, name) and new_shielded(None, name) are constructors."""
    root = Cancel.Scope.new_with_parent(None, 'Root')
    assert isinstance(root, Cancel.Scope)
    assert root.dup_parent() is None
    assert root.get_name() == 'Root'
    shielded = Cancel.Scope.new_shielded(None, 'Shielded root')
    assert isinstance(shielded, Cancel.Scope)
    assert shielded.get_shielded()


def test_nesting_and_enums():
    """Children, shields and enum helpers work through introspection."""
    parent = Cancel.Scope.new('Outer')
    child = Cancel.Scope.new_with_parent(parent, 'Child')
    shielded = Cancel.Scope.new_shielded(parent, 'Shielded')
    assert child.dup_parent() == parent
    assert parent.cancel(Cancel.Reason.CONDITION, None)
    assert child.get_reason() == Cancel.Reason.PARENT
    assert child.get_origin_reason() == Cancel.Reason.CONDITION
    assert 'Outer' in child.get_message(), child.get_message()
    assert not shielded.is_cancelled()
    assert Cancel.reason_to_string(Cancel.Reason.TIMEOUT) == 'timeout'
    assert Cancel.status_to_string(Cancel.Status.TIMED_OUT) == 'timed-out'
    assert Cancel.status_is_final(Cancel.Status.FAILED)
    assert not Cancel.status_is_final(Cancel.Status.SHIELDED)


def test_progress_signal():
    """Progress reaches Python with its fraction and message."""
    scope = Cancel.Scope.new('Progress')
    seen = []
    connect(scope, 'progress', lambda s, fraction, message: seen.append((fraction, message)))
    scope.begin()
    scope.report_progress(0.25, 'Quarter')
    run_until(lambda: seen)
    assert seen[-1] == (0.25, 'Quarter'), seen
    assert scope.get_progress() == 0.25
    assert scope.cancel(Cancel.Reason.MANUAL, None)
    scope.end(cancelled_error())


def test_condition_keywords_on_main_context():
    """new_condition takes keywords, callback last; polled on the main
    context it runs in this thread and names itself in the message."""
    scope = Cancel.Scope.new('Python condition')
    scope.set_registry(None)
    scope.begin()
    checks = []
    cancelled_in = []
    connect(scope, 'cancelled', lambda scope: cancelled_in.append(threading.get_ident()))

    def full(limit):
        checks.append(threading.get_ident())
        return len(checks) == limit

    source = Cancel.Source.new_condition(name='disk full', interval_seconds=0.001,
                                         context=GLib.MainContext.default(),
                                         func=full, user_data=3)
    assert scope.add_source(source)
    run_until(scope.is_cancelled)
    assert checks == [threading.get_ident()] * 3, checks
    assert cancelled_in == [threading.get_ident()], cancelled_in
    assert scope.get_reason() == Cancel.Reason.CONDITION
    assert scope.get_message() == 'Condition “disk full” met after 3 checks', \
        scope.get_message()
    assert source.dup_message() == scope.get_message()
    scope.end(cancelled_error())

    # A bad interval (say, typed in a preferences dialog) raises.
    try:
        Cancel.Source.new_condition(name='never', interval_seconds=0.0, context=None,
                                    func=lambda: False)
    except GLib.Error as error:
        assert error.matches(Cancel.error_quark(), Cancel.Error.INVALID_INTERVAL), error
    else:
        raise AssertionError('a zero interval was accepted')


TESTS = [
    test_timeout_under_main_loop,
    test_cancel_with_signal_reason,
    test_end_with_none_completes,
    test_end_with_error_fails,
    test_new_with_parent_none_is_root,
    test_invalid_timeout_raises,
    test_nesting_and_enums,
    test_progress_signal,
    test_condition_keywords_on_main_context,
]


def main():
    print('1..%d' % len(TESTS))
    sys.stdout.flush()
    failures = 0
    for number, test in enumerate(TESTS, 1):
        name = test.__name__[len('test_'):].replace('_', '-')
        try:
            test()
        except Exception:  # noqa: BLE001 - report every failure as TAP
            failures += 1
            print('not ok %d - %s' % (number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        else:
            print('ok %d - %s' % (number, name))
        sys.stdout.flush()
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
