// test-api.js: the Cancel-1 API from GJS as an application uses it, TAP
// output; the last test checks that every function and method of the
// typelib is called by a GJS test (this file or test-refs.js), except the
// ones GJS cannot call (a JavaScript function run on another thread).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Cancel = '1';
imports.gi.versions.GIRepository = '2.0';
const {Cancel, GIRepository, Gio, GLib} = imports.gi;
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

const TESTS = [testLifecycle, testFailAndDeadlines, testTreeAndWatch, testRegistry,
    testSubprocess, testDBus, testEveryFunctionCalled];

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
