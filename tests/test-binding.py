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


def run_loop_until(condition):
    """Runs a GLib.MainLoop until condition() holds; fails after a guard.
    A running loop owns its context as an application's does: GLib 2.74
    calls a file copy's progress callback in GIO's worker thread whenever
    nobody owns the context, so iterating by hand can see a late call
    overwrite the last one."""
    loop = GLib.MainLoop()
    guard = GLib.get_monotonic_time() + GUARD_SECONDS * 1000000

    def check():
        if condition() or GLib.get_monotonic_time() > guard:
            loop.quit()
            return GLib.SOURCE_REMOVE
        return GLib.SOURCE_CONTINUE

    GLib.timeout_add(5, check)
    loop.run()
    if not condition():
        raise AssertionError('timed out waiting for a condition')


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
            scope.fail(cancelled_error())

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

    scope.fail(cancelled_error())
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


def test_end_completes():
    """end() takes no error, so PyGObject 3.42 (Debian 12), which rejects
    None for a nullable const GError*, can end a successful operation."""
    scope = Cancel.Scope.new('Succeeds')
    scope.begin()
    scope.end()
    assert scope.get_status() == Cancel.Status.COMPLETED
    assert scope.dup_error() is None


def test_fail_keeps_error():
    """fail(error) on a scope that was not cancelled: FAILED, error kept."""
    scope = Cancel.Scope.new('Fails')
    scope.begin()
    scope.fail(GLib.Error.new_literal(Gio.io_error_quark(), 'No such file',
                                     Gio.IOErrorEnum.NOT_FOUND))
    assert scope.get_status() == Cancel.Status.FAILED
    error = scope.dup_error()
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND)
    assert error.message == 'No such file'


def test_new_full_none_is_root():
    """new_full(None, name, flags) is a constructor that makes a root, even
    with a current scope; new() takes the current scope as its parent."""
    root = Cancel.Scope.new_full(None, 'Root', Cancel.ScopeFlags.NONE)
    assert isinstance(root, Cancel.Scope)
    assert root.dup_parent() is None
    assert root.get_name() == 'Root'
    shielded = Cancel.Scope.new_full(None, 'Shielded root', Cancel.ScopeFlags.SHIELDED)
    assert isinstance(shielded, Cancel.Scope)
    assert shielded.get_shielded()
    outer = Cancel.Scope.new_full(None, 'Outer', Cancel.ScopeFlags.UNREGISTERED)
    outer.push_current()
    try:
        assert Cancel.Scope.new_full(None, 'Root', Cancel.ScopeFlags.NONE).dup_parent() is None
        assert Cancel.Scope(name='Object').dup_parent() is None
        assert Cancel.Scope.new('Implicit').dup_parent() == outer
    finally:
        outer.pop_current()
    assert outer.dup_registry() is None


def test_nesting_and_enums():
    """Children, shields and enum helpers work through introspection."""
    parent = Cancel.Scope.new('Outer')
    child = Cancel.Scope.new_full(parent, 'Child', Cancel.ScopeFlags.NONE)
    shielded = Cancel.Scope.new_full(parent, 'Shielded', Cancel.ScopeFlags.SHIELDED)
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
    scope.fail(cancelled_error())


def plain(text):
    """A progress message with GLib's no-break spaces made plain."""
    return text.replace('\u00a0', ' ')


def test_streams_report_progress():
    """The stream wrappers count into the scope's progress, keep the count
    after a cancellation and fail with the scope's reason."""
    scope = Cancel.Scope.new_full(None, 'Python transfer', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    data = bytes(range(256)) * 4096  # 1 MiB
    base = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(data))
    stream = Cancel.InputStream.new(base, scope, -1)
    assert stream.get_scope() == scope and stream.props.scope == scope
    assert stream.read_bytes(256 * 1024, None).get_size() == 256 * 1024
    assert stream.get_bytes_transferred() == stream.props.bytes_transferred == 256 * 1024
    assert scope.get_progress() == -1
    assert plain(scope.dup_progress_message()) == '256.0 KiB', scope.dup_progress_message()
    stream.set_total_size(len(data))
    assert stream.get_total_size() == stream.props.total_size == len(data)
    assert scope.get_progress() == 0.25
    assert plain(scope.dup_progress_message()) == '256.0 KiB of 1.0 MiB'

    sink = Gio.MemoryOutputStream.new_resizable()
    output = Cancel.OutputStream.new(sink, scope, 1024)
    assert output.get_scope() == scope
    output.set_total_size(2048)
    assert output.get_total_size() == 2048
    assert output.write_bytes(GLib.Bytes.new(data[:1024]), None) == 1024
    assert output.get_bytes_transferred() == 1024
    assert scope.get_progress() == 0.5

    scope.cancel(Cancel.Reason.MANUAL, 'Python said stop')
    for call in (lambda: stream.read_bytes(1024, None),
                 lambda: output.write_bytes(GLib.Bytes.new(b'x'), Gio.Cancellable())):
        try:
            call()
        except GLib.Error as error:
            assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), error
            assert 'Python said stop' in error.message, error.message
        else:
            raise AssertionError('a transfer went on after the cancellation')
    assert stream.get_bytes_transferred() == 256 * 1024
    assert stream.close(None) and output.close(None)
    scope.fail(cancelled_error())


def test_file_copy_reports_bytes():
    """A file copy's progress callback hands its counts to report_bytes,
    as docs/integrations-streams.md shows."""
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'source.dat')
        with open(path, 'wb') as f:
            f.write(b'\x2a' * (3 * 1024 * 1024))
        source = Gio.File.new_for_path(path)
        copy = Gio.File.new_for_path(os.path.join(folder, 'copy.dat'))
        for _ in range(10):
            copy_once(source, copy)


def copy_once(source, copy):
    scope = Cancel.Scope.new_full(None, 'Python copy', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    done = []
    source.copy_async(copy, Gio.FileCopyFlags.OVERWRITE, GLib.PRIORITY_DEFAULT, scope,
                      lambda current, total, *data: scope.report_bytes(current, total), (),
                      lambda f, result, *data: done.append(f.copy_finish(result)), None)
    # Under the loop, the last progress call comes before the result.
    run_loop_until(lambda: done)
    assert done == [True]
    assert scope.get_progress() == 1.0, scope.get_progress()
    assert plain(scope.dup_progress_message()) == '3.0 MiB of 3.0 MiB'
    scope.end()


def test_wait_async():
    """wait_async() completes with the final status on the caller's context."""
    scope = Cancel.Scope.new_full(None, 'Awaited', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    seen = []
    scope.wait_async(None, lambda s, result: seen.append(s.wait_finish(result)))
    GLib.idle_add(lambda: scope.fail(GLib.Error.new_literal(
        Gio.io_error_quark(), 'Broken', Gio.IOErrorEnum.FAILED)))
    run_until(lambda: seen)
    assert seen == [Cancel.Status.FAILED], seen

    cancellable = Gio.Cancellable()
    other = Cancel.Scope.new_full(None, 'Not awaited', Cancel.ScopeFlags.UNREGISTERED)
    other.begin()
    errors = []

    def on_wait(s, result):
        try:
            s.wait_finish(result)
        except GLib.Error as error:
            errors.append(error)

    other.wait_async(cancellable, on_wait)
    cancellable.cancel()
    run_until(lambda: errors)
    assert errors[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
    assert other.get_status() == Cancel.Status.RUNNING
    other.end()


def test_connect_cancelled_on_context():
    """A callback connected with a context runs there, once, whichever thread
    cancelled (here a 20 ms deadline, fired on a library thread)."""
    context = GLib.MainContext.new()
    scope = Cancel.Scope.new_full(None, 'Deadline', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    calls = []
    handler = scope.connect_cancelled(context, lambda s: calls.append(context.is_owner()))
    assert handler > 0
    scope.set_timeout(0.02)
    run_until(lambda: calls, context)
    assert calls == [True], calls
    scope.disconnect_cancelled(handler)
    scope.end()
    assert scope.get_status() == Cancel.Status.TIMED_OUT


def test_cleanup():
    """Cleanups run once when the scope ends, the last added first, and an
    object handed over is released then."""
    scope = Cancel.Scope.new_full(None, 'Cleaned', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    order = []
    scope.add_cleanup(lambda s: order.append(('first', s.get_status())))
    scope.add_cleanup(lambda s: order.append(('second', s.get_status())))
    connection = Gio.SimpleAction.new('connection', None)
    scope.add_cleanup_object(connection)
    released = []
    connection.weak_ref(lambda: released.append(True))
    del connection
    assert order == [] and released == []
    scope.cancel(Cancel.Reason.MANUAL, None)
    assert order == []
    scope.end()
    cancelled = Cancel.Status.CANCELLED
    assert order == [('second', cancelled), ('first', cancelled)], order
    assert released == [True], released


def test_run_in_thread():
    """run_in_thread_async() runs a Python function in a worker thread with
    the scope current, and its finish raises the scope's error."""
    import threading
    scope = Cancel.Scope.new_full(None, 'Python work', Cancel.ScopeFlags.UNREGISTERED)
    seen = {}

    def work(s, *user_data):
        seen['thread'] = threading.current_thread() is not threading.main_thread()
        seen['current'] = Cancel.Scope.get_current() == s
        s.report_progress(1.0, 'Done')

    def done(s, result):
        seen['ok'] = s.run_in_thread_finish(result)

    # Keywords: positionally, PyGObject 3.42 wants the function's data as a
    # tuple (it is not the last callback).
    scope.run_in_thread_async(flags=Cancel.RunFlags.NONE, func=work, callback=done)
    run_until(lambda: 'ok' in seen)
    assert seen == {'thread': True, 'current': True, 'ok': True}, seen
    assert scope.get_status() == Cancel.Status.COMPLETED

    failing = Cancel.Scope.new_full(None, 'Python failure', Cancel.ScopeFlags.UNREGISTERED)
    errors = []

    def fail(s, *user_data):
        s.fail(GLib.Error.new_literal(Gio.io_error_quark(), 'No disk', Gio.IOErrorEnum.NO_SPACE))

    def failed(s, result):
        try:
            s.run_in_thread_finish(result)
        except GLib.Error as error:
            errors.append(error)

    failing.run_in_thread_async(flags=Cancel.RunFlags.NONE, func=fail, callback=failed)
    run_until(lambda: errors)
    assert errors[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.NO_SPACE), errors[0]
    assert failing.get_status() == Cancel.Status.FAILED


def test_tree_and_deadlines():
    """set_parent, shielding and deadlines, as a Python user calls them."""
    parent = Cancel.Scope.new_full(None, 'Parent', Cancel.ScopeFlags.UNREGISTERED)
    child = Cancel.Scope.new_full(None, 'Child', Cancel.ScopeFlags.UNREGISTERED)
    child.set_parent(parent)
    assert child.dup_parent() == parent
    child.set_shielded(True)
    assert child.get_shielded()
    child.set_shielded(False)

    now = GLib.get_monotonic_time()
    assert parent.set_deadline(now + 60 * 1000000)
    assert parent.get_own_deadline() == now + 60 * 1000000
    # A child's deadline is the earliest of its own and its ancestors'.
    assert child.get_deadline() == now + 60 * 1000000
    assert parent.postpone(30)
    assert parent.get_own_deadline() == now + 90 * 1000000
    try:
        child.postpone(1)
    except GLib.Error as error:
        assert error.domain == GLib.quark_to_string(Cancel.error_quark()), error
    else:
        raise AssertionError('postpone without a deadline did not raise')
    parent.begin()
    child.begin()
    assert parent.cancel(Cancel.Reason.MANUAL, 'Stop')
    assert parent.get_cancel_time() > 0
    assert child.get_cancel_time() >= parent.get_cancel_time()
    child.end()
    parent.end()


def test_registry_cancel_all():
    """A private registry: its history limit, cancel_all and
    cancel_all_with_status, as an application's "Stop" button would."""
    registry = Cancel.Registry.new()
    registry.set_history_limit(5)
    assert registry.get_history_limit() == 5
    scopes = []
    for name in ('First', 'Second', 'Shielded'):
        flags = Cancel.ScopeFlags.SHIELDED if name == 'Shielded' else Cancel.ScopeFlags.NONE
        scope = Cancel.Scope.new_full(None, name, flags)
        scope.set_registry(registry)
        scope.begin()
        scopes.append(scope)
    assert registry.cancel_all_with_status(Cancel.Status.SHIELDED, Cancel.Reason.MANUAL,
                                           'Stop shielded') == 1
    assert scopes[2].is_cancelled()
    assert registry.cancel_all(Cancel.Reason.MANUAL, 'Stop all') == 2
    assert all(scope.is_cancelled() for scope in scopes)
    stats = registry.get_stats()
    assert stats.get_live_count() == 3 and stats.get_total_finished() == 0
    for scope in scopes:
        scope.end()
    # A new snapshot sees the ends; the getters match the properties.
    stats = registry.get_stats()
    assert stats.get_live_count() == 0 and stats.get_total_finished() == 3
    assert stats.get_finished(Cancel.Status.CANCELLED) == 3
    assert stats.get_average_duration() == stats.props.average_duration >= 0
    assert stats.get_average_cancel_latency() == stats.props.average_cancel_latency >= 0
    assert stats.get_max_cancel_latency() >= stats.get_average_cancel_latency()


def test_every_function_called():
    """Every function and method of the Cancel typelib is called by a
    Python test (test-binding.py, bindings/test-refs.py)."""
    import os
    import re
    gi.require_version('GIRepository', '2.0')
    from gi.repository import GIRepository
    repo = GIRepository.Repository.get_default()
    names = set()
    for i in range(repo.get_n_infos('Cancel')):
        info = repo.get_info('Cancel', i)
        kind = info.get_type()
        if kind == GIRepository.InfoType.FUNCTION:
            names.add(info.get_name())
        elif kind == GIRepository.InfoType.OBJECT:
            for j in range(GIRepository.object_info_get_n_methods(info)):
                names.add(GIRepository.object_info_get_method(info, j).get_name())
        elif kind in (GIRepository.InfoType.STRUCT, GIRepository.InfoType.BOXED):
            for j in range(GIRepository.struct_info_get_n_methods(info)):
                names.add(GIRepository.struct_info_get_method(info, j).get_name())
    here = os.path.dirname(os.path.abspath(__file__))
    source = ''
    for path in ('test-binding.py', os.path.join('bindings', 'test-refs.py')):
        with open(os.path.join(here, path), encoding='utf-8') as f:
            source += f.read()
    missing = sorted(name for name in names
                     if not name.endswith('_get_type') and name not in NOT_CALLED_FROM_PYTHON
                     and not re.search(r'\.%s\(' % name, source))
    assert len(names) > 60, sorted(names)
    assert not missing, 'not called from Python: %s' % missing


# Bindings free boxed values themselves.
NOT_CALLED_FROM_PYTHON = {'free', 'copy'}


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
    scope.fail(cancelled_error())

    # A bad interval (say, typed in a preferences dialog) raises.
    try:
        Cancel.Source.new_condition(name='never', interval_seconds=0.0, context=None,
                                    func=lambda: False)
    except GLib.Error as error:
        assert error.matches(Cancel.error_quark(), Cancel.Error.INVALID_INTERVAL), error
    else:
        raise AssertionError('a zero interval was accepted')


def test_subprocess():
    """A process waited for under a scope: the outcome comes as out
    arguments, a cancelled scope stops the process, a command that does
    not exist raises the spawn error and fails the scope."""
    scope = Cancel.Scope.new_full(None, 'Python child', Cancel.ScopeFlags.UNREGISTERED)
    process = Gio.Subprocess.new(['/bin/sh', '-c', 'exit 3'], Gio.SubprocessFlags.NONE)
    results = []
    Cancel.subprocess_wait_async(process, 'sh', scope, Cancel.SubprocessFlags.END_SCOPE, 1000,
                                 lambda source, result: results.append((source, result)))
    run_until(lambda: results)
    assert results[0][0] is process
    try:
        Cancel.subprocess_wait_finish(process, results[0][1])
    except GLib.Error as error:
        assert error.matches(GLib.spawn_exit_error_quark(), 3), error
        assert error.message == 'Command “sh” exited with status 3', error.message
    else:
        raise AssertionError('exit status 3 did not raise')
    assert scope.get_status() == Cancel.Status.FAILED

    # A successful exit: (True, exit_status, term_signal).
    scope = Cancel.Scope.new_full(None, 'Python true', Cancel.ScopeFlags.UNREGISTERED)
    scope.begin()
    process = Gio.Subprocess.new(['/bin/sh', '-c', 'exit 0'], Gio.SubprocessFlags.NONE)
    results = []
    Cancel.subprocess_wait_async(process, None, scope, Cancel.SubprocessFlags.NONE, 0,
                                 lambda source, result: results.append(result))
    run_until(lambda: results)
    assert tuple(Cancel.subprocess_wait_finish(process, results[0])) == (True, 0, 0)
    assert scope.get_status() == Cancel.Status.RUNNING
    scope.end()

    # run: cancelled, the process gets SIGTERM; the scope ends cancelled.
    scope = Cancel.Scope.new_full(None, 'Python run', Cancel.ScopeFlags.UNREGISTERED)
    results = []
    Cancel.subprocess_run_async(['/bin/sh', '-c', 'exec sleep 30'], Gio.SubprocessFlags.NONE,
                                scope, Cancel.SubprocessFlags.END_SCOPE, 1000,
                                lambda source, result: results.append(result))
    scope.cancel(Cancel.Reason.MANUAL, 'Stop')
    run_until(lambda: results)
    try:
        Cancel.subprocess_run_finish(results[0])
    except GLib.Error as error:
        assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), error
        assert 'Stop' in error.message, error.message
    else:
        raise AssertionError('a cancelled run did not raise')
    assert scope.get_status() == Cancel.Status.CANCELLED

    scope = Cancel.Scope.new_full(None, 'Python missing', Cancel.ScopeFlags.UNREGISTERED)
    results = []
    Cancel.subprocess_run_async(['/nonexistent/cancelable-command'], Gio.SubprocessFlags.NONE,
                                scope, Cancel.SubprocessFlags.END_SCOPE, 1000,
                                lambda source, result: results.append(result))
    run_until(lambda: results)
    try:
        Cancel.subprocess_run_finish(results[0])
    except GLib.Error as error:
        assert error.matches(GLib.spawn_error_quark(), GLib.SpawnError.NOENT), error
    else:
        raise AssertionError('a missing command did not raise')
    assert scope.get_status() == Cancel.Status.FAILED


DBUS_XML = """
<node>
  <interface name='org.cancelable.Test.Worker'>
    <method name='Sleep'/>
    <method name='Echo'><arg type='s' direction='out'/></method>
  </interface>
</node>
"""


def test_dbus():
    """On a private bus: a method implementation's scope, cancelled as
    DISCONNECTED when its caller closes its connection; a call under a
    scope with 0.3 s left raises TIMED_OUT; a call that succeeds."""
    bus = Gio.TestDBus.new(Gio.TestDBusFlags.NONE)
    bus.up()
    try:
        flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
                 Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
        service = Gio.DBusConnection.new_for_address_sync(bus.get_bus_address(), flags)
        client = Gio.DBusConnection.new_for_address_sync(bus.get_bus_address(), flags)
        calls = []

        def method_call(connection, sender, path, interface, method, parameters, invocation):
            scope = Cancel.dbus_invocation_get_scope(invocation)
            if method == 'Echo':
                invocation.return_value(GLib.Variant('(s)', (scope.get_name(),)))
            else:
                calls.append((scope, invocation))

        info = Gio.DBusNodeInfo.new_for_xml(DBUS_XML).interfaces[0]
        registration = service.register_object('/org/cancelable/Test', info, method_call,
                                               None, None)

        def call(method, scope):
            results = []
            Cancel.dbus_connection_call_async(client, service.get_unique_name(),
                                              '/org/cancelable/Test',
                                              'org.cancelable.Test.Worker', method, None, None,
                                              Gio.DBusCallFlags.NONE, scope,
                                              lambda source, result: results.append(result))
            run_until(lambda: results)
            return Cancel.dbus_connection_call_finish(client, results[0])

        plain = Cancel.Scope.new_full(None, 'Python echo', Cancel.ScopeFlags.UNREGISTERED)
        plain.begin()
        assert call('Echo', plain).unpack() == ('org.cancelable.Test.Worker.Echo',)
        plain.end()

        scope = Cancel.Scope.new_full(None, 'Python sleep', Cancel.ScopeFlags.UNREGISTERED)
        scope.begin()
        assert scope.set_timeout(0.3)
        started = GLib.get_monotonic_time()
        try:
            call('Sleep', scope)
        except GLib.Error as error:
            assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT), error
            assert 'org.cancelable.Test.Worker.Sleep' in error.message, error.message
        else:
            raise AssertionError('the deadline did not cut the call')
        assert GLib.get_monotonic_time() - started < 5 * 1000000
        scope.end()

        # The service still sleeps for the client; the client leaves.
        run_until(lambda: calls)
        served, invocation = calls[0]
        assert served.get_name() == 'org.cancelable.Test.Worker.Sleep'
        assert served.get_status() == Cancel.Status.RUNNING
        client.close_sync(None)
        run_until(served.is_cancelled)
        assert served.get_reason() == Cancel.Reason.DISCONNECTED
        invocation.return_value(None)
        served.end()
        assert served.get_status() == Cancel.Status.CANCELLED

        service.unregister_object(registration)
        service.close_sync(None)
    finally:
        bus.down()


TESTS = [
    test_timeout_under_main_loop,
    test_cancel_with_signal_reason,
    test_end_completes,
    test_fail_keeps_error,
    test_new_full_none_is_root,
    test_wait_async,
    test_connect_cancelled_on_context,
    test_cleanup,
    test_run_in_thread,
    test_tree_and_deadlines,
    test_registry_cancel_all,
    test_invalid_timeout_raises,
    test_nesting_and_enums,
    test_progress_signal,
    test_streams_report_progress,
    test_file_copy_reports_bytes,
    test_condition_keywords_on_main_context,
    test_subprocess,
    test_dbus,
    test_every_function_called,
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
