// test-api.js: the Cancel-1 API from GJS as an application uses it, TAP
// output; the last test checks that every function and method of the
// typelib is called by a GJS test (this file or test-refs.js), except the
// ones GJS cannot call (a JavaScript function run on another thread).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Cancel = '1';
imports.gi.versions.GIRepository = '2.0';
const {Cancel, GIRepository, Gio, GLib, GObject} = imports.gi;
const System = imports.system;

// run_in_thread_async runs its function in GLib's thread pool: GJS refuses
// to call JavaScript there (test-binding.py runs it from Python).
const NOT_CALLABLE_FROM_GJS = new Set(['run_in_thread_async', 'run_in_thread_finish', 'free', 'copy']);

function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

function runUntil(condition, context = null) {
    const guard = GLib.get_monotonic_time() + 30 * 1000000;
    context = context ?? GLib.MainContext.default();
    while (!condition()) {
        if (GLib.get_monotonic_time() > guard)
            throw new Error('timed out');
        context.iteration(true);
    }
}

function unregistered(name, parent = null) {
    return Cancel.Scope.new_full(parent, name, Cancel.ScopeFlags.UNREGISTERED);
}

function testLifecycle() {
    const scope = unregistered('Download');
    assert(scope.get_status() === Cancel.Status.PENDING, 'pending');
    assert(scope.get_start_time() === 0, 'not started');
    scope.begin();
    assert(scope.get_status() === Cancel.Status.RUNNING, 'running');
    const deadline = GLib.get_monotonic_time() + 120 * 1000000;
    assert(scope.set_deadline(deadline) && scope.get_own_deadline() === deadline, 'deadline');
    assert(scope.get_start_time() > 0, 'started');
    scope.report_progress(0.5, 'Half');
    assert(scope.get_progress() === 0.5, 'progress');
    assert(scope.set_timeout(60), 'timeout');
    assert(scope.get_own_deadline() > 0 && scope.get_remaining() > 0, 'deadline');
    assert(scope.postpone(10), 'postpone');
    assert(scope.cancel(Cancel.Reason.SIGNAL, 'SIGTERM'), 'cancel');
    assert(scope.get_origin_reason() === Cancel.Reason.SIGNAL, 'origin');
    assert(scope.get_cancel_time() > 0, 'cancel time');
    try {
        scope.set_error_if_cancelled();
        throw new Error('set_error_if_cancelled did not throw');
    } catch (error) {
        assert(error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${error}`);
        assert(error.message.includes('SIGTERM'), error.message);
    }
    scope.end();
    assert(scope.get_status() === Cancel.Status.CANCELLED, 'cancelled');
    assert(Cancel.status_is_final(scope.get_status()), 'final');
    assert(scope.get_end_time() >= scope.get_start_time(), 'end time');
    assert(scope.dup_registry() === null, 'no registry');
}

function testFailAndDeadlines() {
    const scope = unregistered('Save');
    scope.begin();
    scope.fail(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.NO_SPACE, 'Disk full'));
    assert(scope.get_status() === Cancel.Status.FAILED, 'failed');
    assert(scope.dup_error().message === 'Disk full', 'error kept');
    // Nothing left to postpone: a runtime state, so an error.
    try {
        scope.postpone(1);
        throw new Error('postpone on an ended scope did not throw');
    } catch (error) {
        assert(error.matches(Cancel.Error, Cancel.Error.NO_DEADLINE), `${error}`);
        assert(error.domain === Cancel.error_quark(), `${error.domain}`);
    }
    assert(scope.get_deadline() === -1, 'no deadline');
}

function testTreeAndWatch() {
    const parent = unregistered('Parent');
    const child = unregistered('Child');
    child.set_parent(parent);
    child.set_shielded(true);
    assert(child.get_shielded(), 'shielded');
    child.set_shielded(false);
    parent.begin();
    child.begin();

    // A deadline fires on a library thread; the callback runs here.
    const context = GLib.MainContext.new();
    let calls = 0;
    const id = child.connect_cancelled(context, () => calls++);
    const other = child.connect_cancelled(null, () => calls += 100);
    child.disconnect_cancelled(other);
    assert(parent.set_timeout(0.02), 'timeout');
    runUntil(() => calls === 1, context);
    assert(child.get_reason() === Cancel.Reason.PARENT, 'parent reason');
    child.disconnect_cancelled(id);
    child.end();
    parent.end();
    GLib.MainContext.default().iteration(false);
    assert(calls === 1, `calls ${calls}`);
    assert(parent.get_status() === Cancel.Status.TIMED_OUT, 'timed out');
}

function testCleanup() {
    // Released once at the end, the last added first, the status final.
    const scope = unregistered('Cleaned');
    scope.begin();
    const order = [];
    scope.add_cleanup(s => order.push(`first ${s.get_status()}`));
    scope.add_cleanup(s => order.push(`second ${s.get_status()}`));
    scope.add_cleanup_object(new Gio.SimpleAction({name: 'connection'}));
    assert(order.length === 0, 'nothing before the end');
    scope.end();
    const done = Cancel.Status.COMPLETED;
    assert(order.join() === `second ${done},first ${done}`, order.join());
}

function testRegistry() {
    const registry = Cancel.Registry.new();
    registry.set_history_limit(3);
    assert(registry.get_history_limit() === 3, 'limit');
    const scopes = ['One', 'Two'].map(name => {
        const scope = Cancel.Scope.new_full(null, name, Cancel.ScopeFlags.NONE);
        scope.set_registry(registry);
        scope.begin();
        return scope;
    });
    assert(registry.cancel_all_with_status(Cancel.Status.SHIELDED, Cancel.Reason.MANUAL, null) === 0,
        'no shielded');
    assert(registry.cancel(scopes[0].get_id(), Cancel.Reason.MANUAL, 'One only'), 'cancel one');
    assert(registry.cancel_all(Cancel.Reason.MANUAL, 'All') === 1, 'cancel all');
    let stats = registry.get_stats();
    assert(stats.get_live_count() === 2 && stats.get_running() === 2, 'live');
    scopes.forEach(scope => scope.end());
    stats = registry.get_stats();
    assert(stats.get_total_finished() === 2 && stats.get_finished(Cancel.Status.CANCELLED) === 2,
        'finished');
    assert(stats.get_average_duration() === stats.average_duration, 'average duration');
    assert(stats.get_max_cancel_latency() >= stats.get_average_cancel_latency(), 'latency');
}

function testStreams() {
    const plain = text => text.replaceAll('\u00a0', ' ');
    const scope = unregistered('GJS transfer');
    scope.begin();
    const data = new Uint8Array(64 * 1024).fill(42);
    const input = Cancel.InputStream.new(Gio.MemoryInputStream.new_from_bytes(data), scope, -1);
    assert(input.get_scope() === scope, 'input scope');
    assert(input.read_bytes(16 * 1024, null).get_size() === 16 * 1024, 'read');
    assert(input.get_bytes_transferred() === 16 * 1024, 'counted');
    assert(scope.get_progress() === -1, 'unknown total');
    input.set_total_size(data.length);
    assert(input.get_total_size() === data.length, 'total');
    assert(scope.get_progress() === 0.25, `${scope.get_progress()}`);
    assert(plain(scope.dup_progress_message()) === '16.0 KiB of 64.0 KiB', scope.dup_progress_message());

    const output = Cancel.OutputStream.new(Gio.MemoryOutputStream.new_resizable(), scope, -1);
    assert(output.get_scope() === scope, 'output scope');
    output.set_total_size(2048);
    assert(output.get_total_size() === 2048, 'output total');
    assert(output.write_bytes(data.subarray(0, 1024), null) === 1024, 'write');
    assert(output.get_bytes_transferred() === 1024, 'written');

    // A file copy's progress callback, in JavaScript, hands over its counts.
    scope.report_bytes(3 * 1024 * 1024, 4 * 1024 * 1024);
    assert(scope.get_progress() === 0.75, 'report_bytes');
    assert(plain(scope.dup_progress_message()) === '3.0 MiB of 4.0 MiB', 'bytes message');

    scope.cancel(Cancel.Reason.MANUAL, 'GJS said stop');
    try {
        input.read_bytes(1024, null);
        throw new Error('read after cancellation');
    } catch (error) {
        assert(error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${error}`);
        assert(error.message.includes('GJS said stop'), error.message);
    }
    assert(input.get_bytes_transferred() === 16 * 1024, 'partial result');
    assert(input.close(null) && output.close(null), 'close');
    scope.end();
}

// Gio.Cancellable.connect() (g_cancellable_connect) shadows
// GObject.Object.connect() on scopes, as in Python.
function connect(object, signal, handler) {
    return GObject.Object.prototype.connect.call(object, signal, handler);
}

function testSignalsOnOwnerContext() {
    const scope = unregistered('Signals');
    const seen = [];
    connect(scope, 'started', () => seen.push('started'));
    connect(scope, 'progress', (_s, fraction, message) => seen.push(`${fraction} ${message}`));
    connect(scope, 'notify::reason', s => seen.push(`reason ${s.get_reason()}`));
    connect(scope, 'finished', (_s, status) => seen.push(`finished ${status}`));
    scope.begin();
    scope.report_progress(0.25, 'Quarter');
    // Nothing is emitted from inside the calls: only on the owner context.
    assert(seen.length === 0, `${seen}`);
    runUntil(() => seen.includes('0.25 Quarter'));
    assert(scope.cancel(Cancel.Reason.CONDITION, 'Disk full'), 'cancel');
    scope.end();
    runUntil(() => seen.some(event => event.startsWith('finished')));
    assert(seen.join(',') === ['started', '0.25 Quarter', `reason ${Cancel.Reason.CONDITION}`,
        `finished ${Cancel.Status.CANCELLED}`].join(','), `${seen}`);
}

function testWaitAsync() {
    const scope = unregistered('Waited');
    const results = [];
    scope.begin();
    scope.wait_async(null, (s, result) => results.push(s.wait_finish(result)));
    scope.end();
    runUntil(() => results.length === 1);
    assert(results[0] === Cancel.Status.COMPLETED, `${results}`);

    // Cancelling the wait leaves the scope running.
    const running = unregistered('Running');
    const cancellable = new Gio.Cancellable();
    const errors = [];
    running.begin();
    running.wait_async(cancellable, (s, result) => {
        try {
            s.wait_finish(result);
        } catch (error) {
            errors.push(error);
        }
    });
    cancellable.cancel();
    runUntil(() => errors.length === 1);
    assert(errors[0].matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${errors[0]}`);
    assert(running.get_status() === Cancel.Status.RUNNING, 'still running');
    running.end();
}

function testImplicitParentRule() {
    const outer = unregistered('Outer');
    outer.push_current();
    try {
        assert(Cancel.Scope.get_current() === outer, 'current');
        const child = Cancel.Scope.new('Child');
        const root = Cancel.Scope.new_full(null, 'Root', Cancel.ScopeFlags.UNREGISTERED);
        assert(child.dup_parent() === outer, 'new () takes the current scope');
        assert(root.dup_parent() === null, 'new_full (null) is a root');
        child.set_registry(null);
    } finally {
        outer.pop_current();
    }
    assert(Cancel.Scope.get_current() === null, 'popped');
}

function testConditionOnMainContext() {
    const scope = unregistered('Condition');
    scope.begin();
    let checks = 0;
    const source = Cancel.Source.new_condition('disk full', 0.001, GLib.MainContext.default(),
        () => ++checks === 3);
    assert(scope.add_source(source), 'attached');
    runUntil(() => scope.is_cancelled());
    assert(checks === 3, `${checks}`);
    assert(scope.get_reason() === Cancel.Reason.CONDITION, 'condition');
    assert(scope.get_message() === 'Condition “disk full” met after 3 checks', scope.get_message());
    assert(source.has_fired() && source.dup_message() === scope.get_message(), 'source');
    scope.end();
}

function testBadValuesThrow() {
    const scope = unregistered('Bad values');
    const expectError = (code, call) => {
        try {
            call();
        } catch (error) {
            assert(error.matches(Cancel.Error, code), `${error}`);
            return;
        }
        throw new Error(`no error ${code}`);
    };
    expectError(Cancel.Error.INVALID_TIMEOUT, () => scope.set_timeout(0));
    expectError(Cancel.Error.INVALID_TIMEOUT, () => scope.set_timeout(Infinity));
    expectError(Cancel.Error.INVALID_TIMEOUT, () => Cancel.Source.new_timeout(-1));
    expectError(Cancel.Error.INVALID_SIGNAL, () => Cancel.Source.new_unix_signals([9]));
    expectError(Cancel.Error.INVALID_INTERVAL,
        () => Cancel.Source.new_condition('never', 0, null, () => false));
    assert(Cancel.reason_to_string(Cancel.Reason.TIMEOUT) === 'timeout', 'reason nick');
    assert(Cancel.status_to_string(Cancel.Status.TIMED_OUT) === 'timed-out', 'status nick');
    assert(Cancel.status_is_final(Cancel.Status.FAILED) &&
        !Cancel.status_is_final(Cancel.Status.SHIELDED), 'final');
}

// A process under a scope: the outcome as [ok, exit_status, term_signal];
// a cancelled scope stops it; a missing command throws the spawn error.
function testSubprocess() {
    const scope = unregistered('Child');
    const process = Gio.Subprocess.new(['/bin/sh', '-c', 'exit 0'], Gio.SubprocessFlags.NONE);
    let outcome = null;
    Cancel.subprocess_wait_async(process, 'sh', scope, Cancel.SubprocessFlags.END_SCOPE, 1000,
        (source, result) => (outcome = Cancel.subprocess_wait_finish(source, result)));
    runUntil(() => outcome !== null);
    assert(`${outcome}` === 'true,0,0', `outcome ${outcome}`);
    assert(scope.get_status() === Cancel.Status.COMPLETED, 'completed');

    const stopped = unregistered('Stopped child');
    let error = null;
    Cancel.subprocess_run_async(['/bin/sh', '-c', 'exec sleep 30'], Gio.SubprocessFlags.NONE,
        stopped, Cancel.SubprocessFlags.END_SCOPE, 1000, (source, result) => {
            try {
                Cancel.subprocess_run_finish(result);
                error = 'no error';
            } catch (e) {
                error = e;
            }
        });
    stopped.cancel(Cancel.Reason.MANUAL, 'Stop');
    runUntil(() => error !== null);
    assert(error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED),
        `${error}`);
    assert(stopped.get_status() === Cancel.Status.CANCELLED, 'cancelled');
}

// A peer-to-peer connection (GTestDBus forks a watcher, which SpiderMonkey's
// exit does not survive): the method's scope is named after it, a call
// under a scope returns the reply, and closing the client cancels the
// scope of a call still running as DISCONNECTED.
function testDBus() {
    const dir = GLib.dir_make_tmp('cancel-gjs-XXXXXX');
    const server = Gio.DBusServer.new_sync(`unix:dir=${dir}`, Gio.DBusServerFlags.NONE,
        Gio.dbus_generate_guid(), null, null);
    const info = Gio.DBusNodeInfo.new_for_xml(`<node>
        <interface name='org.cancelable.Test.Worker'>
          <method name='Sleep'/>
          <method name='Echo'><arg type='s' direction='out'/></method>
        </interface></node>`).interfaces[0];
    let service = null;
    let registration = 0;
    const sleeping = [];
    server.connect('new-connection', (srv, connection) => {
        service = connection;
        registration = connection.register_object('/org/cancelable/Test', info,
            (conn, sender, path, iface, method, params, invocation) => {
                const scope = Cancel.dbus_invocation_get_scope(invocation);
                if (method === 'Echo')
                    invocation.return_value(new GLib.Variant('(s)', [scope.get_name()]));
                else
                    sleeping.push([scope, invocation]);
            }, null, null);
        return true;
    });
    server.start();
    let client = null;
    Gio.DBusConnection.new_for_address(server.get_client_address(),
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT, null, null,
        (source, result) => (client = Gio.DBusConnection.new_for_address_finish(result)));
    runUntil(() => client !== null && service !== null);

    const scope = unregistered('Echo');
    scope.begin();
    let reply = null;
    Cancel.dbus_connection_call_async(client, null, '/org/cancelable/Test',
        'org.cancelable.Test.Worker', 'Echo', null, null, Gio.DBusCallFlags.NONE, scope,
        (source, result) => (reply = Cancel.dbus_connection_call_finish(source, result)));
    runUntil(() => reply !== null);
    assert(reply.deepUnpack()[0] === 'org.cancelable.Test.Worker.Echo', `${reply.print(true)}`);
    scope.end();

    client.call(null, '/org/cancelable/Test',
        'org.cancelable.Test.Worker', 'Sleep', null, null, Gio.DBusCallFlags.NONE, -1, null, null);
    runUntil(() => sleeping.length === 1);
    const [served, invocation] = sleeping[0];
    client.close_sync(null);
    runUntil(() => served.is_cancelled());
    assert(served.get_reason() === Cancel.Reason.DISCONNECTED, `reason ${served.get_reason()}`);
    invocation.return_value(null);
    served.end();

    service.unregister_object(registration);
    server.stop();
    GLib.rmdir(dir);
}

function testEveryFunctionCalled() {
    const repo = GIRepository.Repository.get_default();
    const names = new Set();
    for (let i = 0; i < repo.get_n_infos('Cancel'); i++) {
        const info = repo.get_info('Cancel', i);
        const kind = info.get_type();
        if (kind === GIRepository.InfoType.FUNCTION) {
            names.add(info.get_name());
        } else if (kind === GIRepository.InfoType.OBJECT) {
            for (let j = 0; j < GIRepository.object_info_get_n_methods(info); j++)
                names.add(GIRepository.object_info_get_method(info, j).get_name());
        } else if (kind === GIRepository.InfoType.STRUCT || kind === GIRepository.InfoType.BOXED) {
            for (let j = 0; j < GIRepository.struct_info_get_n_methods(info); j++)
                names.add(GIRepository.struct_info_get_method(info, j).get_name());
        }
    }
    const dir = GLib.path_get_dirname(System.programPath);
    const [, api] = GLib.file_get_contents(System.programPath);
    const [, refs] = GLib.file_get_contents(GLib.build_filenamev([dir, 'test-refs.js']));
    const decoder = new TextDecoder();
    const source = decoder.decode(api) + decoder.decode(refs);
    const missing = [...names].filter(name => !name.endsWith('_get_type') &&
        !NOT_CALLABLE_FROM_GJS.has(name) && !source.includes(`.${name}(`)).sort();
    assert(names.size > 60, `${[...names]}`);
    assert(missing.length === 0, `not called from GJS: ${missing.join(', ')}`);
}

const TESTS = [testLifecycle, testFailAndDeadlines, testTreeAndWatch, testCleanup, testRegistry,
    testStreams, testSignalsOnOwnerContext, testWaitAsync, testImplicitParentRule,
    testConditionOnMainContext, testBadValuesThrow, testSubprocess, testDBus,
    testEveryFunctionCalled];

print(`1..${TESTS.length}`);
let failures = 0;
TESTS.forEach((test, index) => {
    try {
        test();
        print(`ok ${index + 1} - ${test.name}`);
    } catch (error) {
        failures++;
        print(`not ok ${index + 1} - ${test.name}`);
        for (const line of `${error}\n${error.stack}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failures > 0 ? 1 : 0);
