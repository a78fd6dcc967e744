// test-refs.js: reference counts across the Cancel-1 typelib from GJS,
// TAP output. Run with plain `gjs` (not -m).
//
// Every call of the Cancel namespace that returns an object, a container, a
// boxed or a string is made N times; the GObject reference counts of the
// objects involved (System.refcount()) must be the same afterwards (after
// System.gc(): GJS keeps one wrapper, and one reference, per object), and
// every scope must be finalized once the test and the registry's history
// let go of it. A (transfer ...) annotation that does not match the C code
// shows up as a count that moves, a scope that is never finalized, or a
// crash / "g_object_unref: assertion 'G_IS_OBJECT (object)' failed" (run
// with G_DEBUG=fatal-criticals, which aborts).
//
// Finalization: GJS cannot take a GObject weak reference (g_object_weak_ref
// and GWeakRef are not introspectable). A scope's finalization is observed
// through the C side instead: a pending "probe" child made under it answers
// dup_parent() with null once the parent was finalized (the tree holds no
// reference on parents, and a parent's dispose unlinks its children); the
// probe is told so on its owner context (notify::parent). A registry's or
// a context's finalization is observed through a GLib source attached to a
// private main context: the context destroys its sources when it is
// finalized, which it is only once no registry holds it (scopes do not).
//
// Not testable from GJS (GJS refuses, with a critical, to run a JS callback
// on another thread): Scope.run_in_thread_async (its function runs in
// GLib's thread pool) and arming a condition source polled on the library's
// worker thread: the first is not called here, test-refs.py runs both. A
// condition polled on the main context runs its JS function in this
// thread: testConditionOnMainContext arms one. Heap growth (strings, boxed,
// GError) is checked from Python only: GJS has no malloc statistics.
//
// The last test checks that every pointer-returning call of the typelib was
// exercised here.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Cancel = '1';
imports.gi.versions.Gio = '2.0';
imports.gi.versions.GIRepository = '2.0';
const {Cancel, GIRepository, Gio, GLib, GObject} = imports.gi;
const System = imports.system;

// SpiderMonkey's JIT keeps an object that a hot function returned
// reachable (GJS 1.74, from about the tenth call on, even if the caller
// drops it): its wrapper, and so the GObject, would outlive the test's
// last reference, and no finalization could be awaited. The interpreter
// keeps nothing: run under it. Meson sets the variable; run by hand, the
// script runs itself again with it.
if (!GLib.getenv('GJS_DISABLE_JIT')) {
    const launcher = new Gio.SubprocessLauncher({flags: Gio.SubprocessFlags.NONE});
    launcher.setenv('GJS_DISABLE_JIT', '1', true);
    const gjs = GLib.file_read_link('/proc/self/exe');
    const child = launcher.spawnv([gjs, System.programPath, ...ARGV]);
    child.wait(null);
    if (!child.get_if_exited())
        print(`Bail out! killed by signal ${child.get_term_sig()}`);
    System.exit(child.get_if_exited() ? child.get_exit_status() : 1);
}

const N = 1000;
const GUARD_SECONDS = 30;
const SIGHUP = 1;
const SIGUSR1 = 10;

// What the tests called: 'Scope.dup_parent', 'Scope.new_full',
// 'Scope:parent' (a property); compared with the typelib at the end.
const covered = new Set();

class AssertionError extends Error {}

function assert(condition, message) {
    if (!condition)
        throw new AssertionError(message || 'assertion failed');
}

function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    assert(a === e, `${what || 'value'}: ${a}, expected ${e}`);
}

// Gio.Cancellable.connect() and .disconnect() (g_cancellable_connect)
// shadow GObject's on every GCancellable.
function connect(object, signal, handler) {
    return GObject.Object.prototype.connect.call(object, signal, handler);
}

function disconnect(object, id) {
    GObject.Object.prototype.disconnect.call(object, id);
}

function cancelledError() {
    return new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED, 'Operation was cancelled');
}

function failedError() {
    return new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND, 'No such file');
}

function runUntil(condition, context = GLib.MainContext.default()) {
    const guard = GLib.get_monotonic_time() + GUARD_SECONDS * 1000000;
    const wake = GLib.timeout_source_new(5);
    wake.set_callback(() => GLib.SOURCE_CONTINUE);
    wake.attach(context);
    try {
        while (!condition()) {
            if (GLib.get_monotonic_time() > guard)
                throw new AssertionError('timed out waiting for a condition');
            context.iteration(true);
        }
    } finally {
        wake.destroy();
    }
}

// Collects garbage (dropped wrappers let go of their objects) and runs
// what is ready on the context (notifications, model updates).
function settle(context = GLib.MainContext.default()) {
    System.gc();
    let i = 0;
    for (; i < 10000 && context.pending(); i++)
        context.iteration(false);
    assert(i < 10000, 'the context never became idle');
    System.gc();
}

function refs(objects) {
    return objects.map(object => System.refcount(object));
}

// Calls call() N times, dropping each result; the reference counts of
// objects must not move. check(result), if given, validates the first
// result (true or undefined). The first call is measured on its own, so
// that an over-unref is reported before repeating it frees anything.
function hammer(name, objects, call, check) {
    covered.add(name);
    settle();
    const before = refs(objects);
    let result = call();
    if (check) {
        const verdict = check(result);
        assert(verdict === undefined || verdict === true,
            `${name}: unexpected result ${result}`);
    }
    result = null;
    settle();
    let after = refs(objects);
    assertEqual(after, before, `${name}: reference counts after one call`);
    for (let i = 1; i < N; i++)
        call();
    settle();
    after = refs(objects);
    assertEqual(after, before, `${name}: reference counts after ${N} calls`);
}

// Tells when scopes are finalized (see the top of the file). The probe
// is told on its owner context, with notify::parent, when its parent's
// dispose unlinked it: polling dup_parent() instead would make a wrapper,
// and take a reference, on a parent still alive at each check.
class Finalized {
    constructor() {
        this._probes = new Map();
    }

    watch(scope, label) {
        assert(!this._probes.has(label), label);
        const probe = Cancel.Scope.new_full(scope, `Probe of ${label}`, Cancel.ScopeFlags.NONE);
        const entry = {probe, gone: false};
        connect(probe, 'notify::parent', () => {
            // Only the parent's dispose notifies it: the tests never move
            // a probe.
            entry.gone = true;
        });
        this._probes.set(label, entry);
        return scope;
    }

    pending() {
        return [...this._probes].filter(([, entry]) => !entry.gone).map(([label]) => label).sort();
    }

    // Fails unless every watched scope but those in remaining is finalized.
    wait(remaining = []) {
        const expected = JSON.stringify([...remaining].sort());
        try {
            runUntil(() => {
                System.gc();
                return JSON.stringify(this.pending()) === expected;
            });
        } catch (error) {
            throw new AssertionError(`still alive: ${this.pending()}, expected: ${expected}`);
        }
        for (const [label, entry] of this._probes) {
            if (entry.gone)
                assert(entry.probe.dup_parent() === null, `${label}: notified but still there`);
        }
    }
}

// A private main context that tells when it is finalized.
const PROBE_NAME = 'test-refs.js context probe';

function newObservedContext() {
    const context = GLib.MainContext.new();
    // Never dispatched; destroyed when the context is finalized.
    const probe = GLib.timeout_source_new_seconds(3600);
    probe.set_callback(() => GLib.SOURCE_CONTINUE);
    probe.set_name(PROBE_NAME);
    probe.attach(context);
    return [context, probe];
}

// Waits for the probe's context to be finalized. The caller dropped its
// own reference; GJS lets go of a wrapper after a toggle-down it handles
// on the default context, hence collecting and iterating that.
function waitDestroyed(probe, what) {
    try {
        runUntil(() => {
            System.gc();
            return probe.is_destroyed();
        });
    } catch (error) {
        throw new AssertionError(`${what} was never finalized (a reference leaked)`);
    }
}

function newScope(registry, name, parent = null) {
    const scope = Cancel.Scope.new_full(parent, name, Cancel.ScopeFlags.NONE);
    scope.set_registry(registry);
    return scope;
}

const is = expected => found => found === expected;
const isEmpty = found => Array.isArray(found) && found.length === 0;

function sameElements(expected) {
    return found => found.length === expected.length && found.every((s, i) => s === expected[i]);
}

// -------------------------------------------------------------------------
// Registry look-ups

function testFindByStatus() {
    // find_by_status: (transfer container), one reference per element.
    const fin = new Finalized();
    let registry = Cancel.Registry.new();
    let running = fin.watch(newScope(registry, 'Running'), 'running');
    let done = fin.watch(newScope(registry, 'Done'), 'done');
    running.begin();
    done.begin();
    done.end();
    let objects = [running, done, registry];

    hammer('Registry.find_by_status', objects,
        () => registry.find_by_status(Cancel.Status.RUNNING), sameElements([running]));
    hammer('Registry.find_by_status', objects,
        () => registry.find_by_status(Cancel.Status.COMPLETED), sameElements([done]));
    hammer('Registry.find_by_status', objects,
        () => registry.find_by_status(Cancel.Status.FAILED), isEmpty);
    hammer('Registry.find_by_status', objects,
        () => registry.find_by_status(Cancel.Status.PENDING), isEmpty);
    let kept = [];
    for (let i = 0; i < N; i++)
        kept.push(registry.find_by_status(Cancel.Status.RUNNING)[0]);
    assert(kept.every(scope => scope === running));
    kept = null;

    running.end();
    running = done = objects = null;
    registry.clear_history();
    // The running scope was held by the test and the registry only.
    fin.wait();
}

function testFindByParent() {
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let parent = fin.watch(newScope(registry, 'Parent'), 'parent');
    let child = fin.watch(newScope(registry, 'Child', parent), 'child');
    let oldChild = fin.watch(newScope(registry, 'Old child', parent), 'old child');
    parent.begin();
    oldChild.begin();
    oldChild.end();
    child.begin();
    let objects = [parent, child, oldChild, registry];

    hammer('Registry.find_by_parent', objects, () => registry.find_by_parent(parent),
        sameElements([child, oldChild]));
    hammer('Registry.find_by_parent', objects, () => registry.find_by_parent(null),
        sameElements([parent]));
    hammer('Registry.find_by_parent', objects, () => registry.find_by_parent(child), isEmpty);

    child.end();
    parent.end();
    parent = child = oldChild = objects = null;
    registry.clear_history();
    fin.wait();
}

function testFindByName() {
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let download = fin.watch(newScope(registry, 'Download report'), 'download');
    let upload = fin.watch(newScope(registry, 'Upload'), 'upload');
    let anonymous = fin.watch(newScope(registry, null), 'anonymous');
    for (const scope of [download, upload, anonymous])
        scope.begin();
    upload.cancel(Cancel.Reason.MANUAL, null);
    upload.fail(cancelledError());
    let objects = [download, upload, anonymous, registry];

    hammer('Registry.find_by_name', objects, () => registry.find_by_name('REPORT'),
        sameElements([download]));
    hammer('Registry.find_by_name', objects, () => registry.find_by_name(null),
        sameElements([download, anonymous, upload]));
    hammer('Registry.find_by_name', objects, () => registry.find_by_name(''),
        found => found.length === 3);
    hammer('Registry.find_by_name', objects, () => registry.find_by_name('nothing like it'),
        isEmpty);

    download.end();
    anonymous.end();
    download = upload = anonymous = objects = null;
    registry.clear_history();
    fin.wait();
}

function testLookup() {
    // lookup: (transfer full) (nullable), live, finished and unknown ids.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let live = fin.watch(newScope(registry, 'Live'), 'live');
    let ended = fin.watch(newScope(registry, 'Ended'), 'ended');
    live.begin();
    ended.begin();
    ended.fail(failedError());
    const liveId = live.get_id();
    const endedId = ended.get_id();
    let objects = [live, ended, registry];

    hammer('Registry.lookup', objects, () => registry.lookup(liveId), is(live));
    hammer('Registry.lookup', objects, () => registry.lookup(endedId), is(ended));
    hammer('Registry.lookup', objects, () => registry.lookup(0), is(null));

    live.end();
    live = ended = objects = null;
    registry.clear_history();
    assert(registry.lookup(liveId) === null);
    assert(registry.lookup(endedId) === null);
    fin.wait();
}

function testHistoryLimitZero() {
    // With history-limit 0 a scope is finalized as soon as it ended and the
    // test dropped it.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    registry.history_limit = 0;
    let scope = fin.watch(newScope(registry, 'Short-lived'), 'scope');
    scope.begin();
    const id = scope.get_id();
    hammer('Registry.lookup', [scope, registry], () => registry.lookup(id), is(scope));
    hammer('Registry.find_by_status', [scope, registry],
        () => registry.find_by_status(Cancel.Status.RUNNING), sameElements([scope]));
    scope.end();
    assert(registry.lookup(id) === null);
    scope = null;
    fin.wait();
}

function testStats() {
    // get_stats: a (transfer full) immutable GObject with bindable
    // properties and per-status getters.
    const registry = Cancel.Registry.new();
    const scope = newScope(registry, 'Counted');
    scope.begin();
    const other = newScope(registry, 'Finished');
    other.begin();
    other.end();
    const objects = [scope, other, registry];

    const check = stats => {
        assert(stats instanceof GObject.Object, 'a GObject');
        assertEqual(stats.total_started, 2, 'total_started');
        assertEqual(stats.get_total_started(), 2, 'get_total_started');
        assertEqual(stats.total_finished, 1, 'total_finished');
        assertEqual(stats.live_count, 1, 'live_count');
        assertEqual(stats.running, 1, 'running');
        assertEqual(stats.shielded, 0, 'shielded');
        assertEqual(stats.get_live(Cancel.Status.RUNNING), 1, 'get_live');
        assertEqual(stats.get_history(Cancel.Status.COMPLETED), 1, 'get_history');
        assertEqual(stats.get_finished(Cancel.Status.COMPLETED), 1, 'get_finished');
        assertEqual(stats.max_cancel_latency, 0, 'max_cancel_latency');
    };
    hammer('Registry.get_stats', objects, () => registry.get_stats(), check);
    assert(Cancel.RegistryStats.prototype.free === undefined, 'no free()');

    // Bindable: a property of the snapshot drives another object's.
    let stats = registry.get_stats();
    let target = Cancel.Registry.new();
    let binding = stats.bind_property('running', target, 'history-limit',
        GObject.BindingFlags.SYNC_CREATE);
    assertEqual(target.history_limit, 1, 'bound history-limit');
    // A snapshot: later changes do not reach it.
    scope.end();
    assertEqual(stats.running, 1, 'snapshot unchanged');
    assertEqual(registry.get_stats().running, 0, 'new snapshot');
    binding.unbind();
    binding = stats = target = null;
}

function testFinishedQueries() {
    // find_last_finished, find_finished_by_status, find_finished_since:
    // (transfer container) arrays of the history, oldest first, visible
    // before the history model is published.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let first = fin.watch(newScope(registry, 'First'), 'first');
    let second = fin.watch(newScope(registry, 'Second'), 'second');
    let third = fin.watch(newScope(registry, 'Third'), 'third');
    let live = fin.watch(newScope(registry, 'Live'), 'live');
    for (const scope of [first, second, third, live])
        scope.begin();
    first.end();
    second.cancel(Cancel.Reason.MANUAL, null);
    second.fail(cancelledError());
    third.end();
    const since = second.get_end_time() + 1;
    assert(third.get_end_time() >= since, 'third ended after second');
    assertEqual(registry.get_history().get_n_items(), 0, 'history not published yet');
    sameElements([second, third])(registry.find_last_finished(2)) ||
        assert(false, 'find_last_finished before publish');
    let objects = [first, second, third, live, registry];

    hammer('Registry.find_last_finished', objects, () => registry.find_last_finished(2),
        sameElements([second, third]));
    hammer('Registry.find_last_finished', objects, () => registry.find_last_finished(0),
        isEmpty);
    hammer('Registry.find_finished_by_status', objects,
        () => registry.find_finished_by_status(Cancel.Status.COMPLETED),
        sameElements([first, third]));
    hammer('Registry.find_finished_by_status', objects,
        () => registry.find_finished_by_status(Cancel.Status.CANCELLED),
        sameElements([second]));
    hammer('Registry.find_finished_since', objects, () => registry.find_finished_since(since),
        sameElements([third]));
    hammer('Registry.find_finished_since', objects, () => registry.find_finished_since(0),
        sameElements([first, second, third]));

    live.end();
    first = second = third = live = objects = null;
    registry.clear_history();
    fin.wait();
}

function testLiveModel() {
    // The registry is a GListModel of live scopes: get_item is (transfer full).
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let scopes = [0, 1, 2].map(i => fin.watch(newScope(registry, `Live ${i}`), `live ${i}`));
    scopes.forEach(scope => scope.begin());
    runUntil(() => registry.get_n_items() === 3);
    let objects = [...scopes, registry];

    hammer('Gio.ListModel.get_item (registry)', objects, () => registry.get_item(1),
        is(scopes[1]));
    hammer('Gio.ListModel.get_item (registry)', objects, () => registry.get_item(3), is(null));

    scopes.forEach(scope => scope.end());
    runUntil(() => registry.get_n_items() === 0);
    scopes = objects = null;
    registry.clear_history();
    fin.wait();
}

function testHistoryModel() {
    // get_history: (transfer none), owned by the registry; its get_item is
    // (transfer full). Clearing the history lets its scopes go even while
    // the test holds the model; the model outlives the registry.
    const fin = new Finalized();
    let [context, probe] = newObservedContext();
    context.push_thread_default();
    let registry;
    try {
        registry = Cancel.Registry.new();
    } finally {
        context.pop_thread_default();
    }
    let history = registry.get_history();
    let scopes = [0, 1, 2].map(i => fin.watch(newScope(registry, `Old ${i}`), `old ${i}`));
    for (const scope of scopes) {
        scope.begin();
        scope.end();
    }
    runUntil(() => history.get_n_items() === 3, context);
    let objects = [...scopes, registry, history];

    hammer('Registry.get_history', objects, () => registry.get_history(), is(history));
    hammer('Gio.ListModel.get_item (history)', objects, () => history.get_item(0),
        is(scopes[0]));

    scopes = objects = null;
    registry.clear_history();
    assertEqual(history.get_n_items(), 0, 'history length');
    fin.wait();

    settle(context);
    registry = context = null;
    waitDestroyed(probe, 'the registry');
    assertEqual(history.get_n_items(), 0, 'history length');
    history = null;
    System.gc();
}

function testChildrenModel() {
    // get_children and the children property: (transfer none), owned by the
    // scope; its get_item is (transfer full).
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let parent = fin.watch(newScope(registry, 'Parent'), 'parent');
    let kids = [0, 1].map(i => fin.watch(newScope(registry, `Kid ${i}`, parent), `kid ${i}`));
    parent.begin();
    kids.forEach(kid => kid.begin());
    let children = parent.get_children();
    runUntil(() => children.get_n_items() === 2);
    let objects = [parent, children, ...kids, registry];

    hammer('Scope.get_children', objects, () => parent.get_children(), is(children));
    hammer('Scope:children', objects, () => parent.children, is(children));
    hammer('Gio.ListModel.get_item (children)', objects, () => children.get_item(0),
        is(kids[0]));

    kids.forEach(kid => kid.end());
    runUntil(() => children.get_n_items() === 0);
    parent.end();
    kids = objects = null;
    registry.clear_history();
    fin.wait(['parent']);
    parent = null;
    // The model the test holds outlives its scope; the scope does not wait
    // for it.
    fin.wait();
    assertEqual(children.get_n_items(), 0, 'children');
    children = null;
}

// -------------------------------------------------------------------------
// Scope getters

function testDupParent() {
    // dup_parent and the parent property: (transfer full) (nullable).
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let parent = fin.watch(newScope(registry, 'Parent'), 'parent');
    let child = fin.watch(newScope(registry, 'Child', parent), 'child');
    parent.begin();
    child.begin();
    let objects = [parent, child, registry];

    hammer('Scope.dup_parent', objects, () => child.dup_parent(), is(parent));
    hammer('Scope:parent', objects, () => child.parent, is(parent));
    hammer('Scope.dup_parent', objects, () => parent.dup_parent(), is(null));
    child.end();
    // Ended: the parent is remembered through a weak reference.
    hammer('Scope.dup_parent', objects, () => child.dup_parent(), is(parent));
    parent.end();
    registry.clear_history();
    parent = objects = null;
    fin.wait(['child']);
    assert(child.dup_parent() === null);
    assert(child.parent === null);
    child = null;
    fin.wait();
}

function testConstructProperties() {
    // Scopes made through GObject construction: the parent property takes
    // no reference.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let parent = fin.watch(newScope(registry, 'Parent'), 'parent');
    let objects = [parent, registry];
    const make = () => new Cancel.Scope({parent, name: 'Constructed', registry, shielded: true});

    hammer('Scope.new (properties)', objects, make);
    let child = make();
    assert(child.dup_parent() === parent);
    assertEqual(child.get_name(), 'Constructed', 'name');
    assert(child.get_shielded());
    child.begin();
    hammer('Scope.new', objects, () => Cancel.Scope.new('Plain'));
    hammer('Scope.new_full', objects, () => Cancel.Scope.new_full(parent, 'Child', Cancel.ScopeFlags.NONE));
    hammer('Scope.new_full', objects, () => Cancel.Scope.new_full(parent, 'Shielded', Cancel.ScopeFlags.SHIELDED));
    assert(registry.lookup(child.get_id()) === child);
    child.end();
    child = parent = objects = null;
    registry.clear_history();
    fin.wait();
}

function testDupError() {
    // dup_error and the error property: (transfer full) GError copies.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let failed = fin.watch(newScope(registry, 'Failed'), 'failed');
    let cancelled = fin.watch(newScope(registry, 'Cancelled'), 'cancelled');
    let running = fin.watch(newScope(registry, 'Running'), 'running');
    [failed, cancelled, running].forEach(scope => scope.begin());
    failed.fail(failedError());
    cancelled.cancel(Cancel.Reason.SIGNAL, 'Got SIGTERM');
    cancelled.fail(cancelledError());
    let objects = [failed, cancelled, running, registry];

    const isNotFound = error => error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND) &&
        error.message === 'No such file';
    const isCancelled = error => error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED) &&
        error.message.includes('Got SIGTERM');

    hammer('Scope.dup_error', objects, () => failed.dup_error(), isNotFound);
    hammer('Scope:error', objects, () => failed.error, isNotFound);
    hammer('Scope.dup_error', objects, () => cancelled.dup_error(), isCancelled);
    hammer('Scope:error', objects, () => cancelled.error, isCancelled);
    hammer('Scope.dup_error', objects, () => running.dup_error(), is(null));
    hammer('Scope:error', objects, () => running.error, is(null));

    running.end();
    failed = cancelled = running = objects = null;
    registry.clear_history();
    fin.wait();
}

function testStrings() {
    // Every string getter, borrowed and copied: values stay right and no
    // count moves.
    const registry = Cancel.Registry.new();
    const scope = newScope(registry, 'Named “scope”');
    scope.begin();
    scope.report_progress(0.5, 'Halfway');
    scope.cancel(Cancel.Reason.CONDITION, 'Disk full');
    const objects = [scope, registry];
    const nonEmpty = value => typeof value === 'string' && value !== '';

    hammer('Scope.get_name', objects, () => scope.get_name(), is('Named “scope”'));
    hammer('Scope:name', objects, () => scope.name, is('Named “scope”'));
    hammer('Scope.get_message', objects, () => scope.get_message(), is('Disk full'));
    hammer('Scope:message', objects, () => scope.message, is('Disk full'));
    hammer('Scope.dup_progress_message', objects, () => scope.dup_progress_message(),
        is('Halfway'));
    hammer('Scope:progress-message', objects, () => scope.progress_message, is('Halfway'));
    hammer('func:reason_to_string', objects,
        () => Cancel.reason_to_string(Cancel.Reason.TIMEOUT), is('timeout'));
    hammer('func:status_to_string', objects,
        () => Cancel.status_to_string(Cancel.Status.TIMED_OUT), is('timed-out'));
    hammer('func:reason_get_display_name', objects,
        () => Cancel.reason_get_display_name(Cancel.Reason.MANUAL), nonEmpty);
    hammer('func:status_get_display_name', objects,
        () => Cancel.status_get_display_name(Cancel.Status.CANCELLED), nonEmpty);

    const plain = newScope(registry, null);
    hammer('Scope.get_name', [plain], () => plain.get_name(), is(null));
    hammer('Scope.get_message', [plain], () => plain.get_message(), is(null));
    hammer('Scope.dup_progress_message', [plain], () => plain.dup_progress_message(), is(null));

    scope.fail(cancelledError());
    assertEqual(scope.get_message(), 'Disk full', 'message after the end');
    assertEqual(scope.dup_progress_message(), 'Halfway', 'progress message after the end');
}

// cancel_scope_dup_registry (transfer full) replaces get_registry (transfer
// none, which another thread's end() can invalidate); test whichever this
// build has, both if both.
function registryGetters() {
    return ['dup_registry', 'get_registry'].filter(name => name in Cancel.Scope.prototype);
}

function testRegistryGetters() {
    const getters = registryGetters();
    assert(getters.length > 0, 'Cancel.Scope has neither dup_registry nor get_registry');
    const fin = new Finalized();
    let [context, probe] = newObservedContext();
    context.push_thread_default();
    let registry;
    try {
        registry = Cancel.Registry.new();
    } finally {
        context.pop_thread_default();
    }
    let scope = fin.watch(newScope(registry, 'Tracked'), 'scope');
    const defaultRegistry = Cancel.Registry.get_default();
    let plain = fin.watch(Cancel.Scope.new('Default'), 'plain');
    let objects = [scope, registry, plain, defaultRegistry];

    hammer('Registry.get_default', objects, () => Cancel.Registry.get_default(),
        is(defaultRegistry));
    hammer('Registry.new', objects, () => Cancel.Registry.new());

    const all = (what, expectedScope, expectedPlain) => {
        for (const getter of getters) {
            hammer(`Scope.${getter}`, objects, () => scope[getter](), is(expectedScope));
            hammer(`Scope.${getter}`, objects, () => plain[getter](), is(expectedPlain));
        }
        hammer('Scope:registry', objects, () => scope.registry, is(expectedScope));
        hammer('Scope:registry', objects, () => plain.registry, is(expectedPlain));
    };
    // Pending: the chosen one, or none yet.
    all('pending', registry, null);
    // Running: a scope that never chose one uses the default registry.
    scope.begin();
    plain.begin();
    all('running', registry, defaultRegistry);
    // Ended: none.
    scope.end();
    plain.end();
    all('ended', null, null);

    scope = plain = objects = null;
    registry.clear_history();
    defaultRegistry.clear_history();
    fin.wait();
    settle(context);
    registry = context = null;
    waitDestroyed(probe, 'the registry');
}

function testContexts() {
    // get_context of scopes and registries: (transfer none) GMainContext.
    // Neither keeps its context alive; both say null once it is gone.
    let [context, probe] = newObservedContext();
    context.push_thread_default();
    let registry, scope, loose;
    try {
        registry = Cancel.Registry.new();
        scope = Cancel.Scope.new('On a private context');
        loose = Cancel.Scope.new('Untracked, on a private context');
    } finally {
        context.pop_thread_default();
    }
    scope.set_registry(registry);
    loose.set_registry(null);
    scope.begin();
    loose.begin();
    let objects = [scope, loose, registry];
    // Each boxed wrapper is a new JS object: tell the context by its probe.
    const probeId = probe.get_id();
    const isContext = found => {
        const source = found.find_source_by_id(probeId);
        return source !== null && source.get_name() === PROBE_NAME;
    };

    hammer('Scope.get_context', objects, () => scope.get_context(), isContext);
    hammer('Scope.get_context', objects, () => loose.get_context(), isContext);
    hammer('Registry.get_context', objects, () => registry.get_context(), isContext);

    scope.end();
    settle(context);
    context = null;
    waitDestroyed(probe, 'the context');
    // The scopes and the registry outlive their context, and know.
    hammer('Scope.get_context', objects, () => scope.get_context(), is(null));
    hammer('Scope.get_context', [loose], () => loose.get_context(), is(null));
    hammer('Registry.get_context', objects, () => registry.get_context(), is(null));
    scope = objects = null;
    registry.clear_history();
    registry = null;
    loose.end();

    const defaultRegistry = Cancel.Registry.get_default();
    hammer('Registry.get_context', [defaultRegistry], () => defaultRegistry.get_context(),
        found => found !== null && !isContext(found));
}

function testCurrent() {
    // get_current: (transfer none) (nullable); the stack holds no reference.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let scope = fin.watch(newScope(registry, 'Current'), 'scope');
    scope.begin();
    let objects = [scope, registry];

    hammer('Scope.get_current', objects, () => Cancel.Scope.get_current(), is(null));
    scope.push_current();
    try {
        hammer('Scope.get_current', objects, () => Cancel.Scope.get_current(), is(scope));
        hammer('Scope.new', objects, () => Cancel.Scope.new('Under current'),
            child => child.dup_parent() === scope);
        // new_full never looks at the current scope: NULL is a root.
        hammer('Scope.new_full', objects, () => Cancel.Scope.new_full(null, 'Shield', Cancel.ScopeFlags.SHIELDED),
            child => child.dup_parent() === null);
    } finally {
        scope.pop_current();
    }
    assert(Cancel.Scope.get_current() === null);

    scope.end();
    scope = objects = null;
    registry.clear_history();
    fin.wait();
}

// -------------------------------------------------------------------------
// GAction and GTask

function testCreateAction() {
    // create_action: (transfer full); the action keeps the scope alive and
    // lets go of it when dropped.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let scope = fin.watch(newScope(registry, 'Cancellable by the user'), 'scope');
    let objects = [scope, registry];

    hammer('Scope.create_action', objects, () => scope.create_action('cancel'),
        action => action.get_name() === 'cancel');

    let action = scope.create_action('cancel');
    assert(action instanceof Gio.Action);
    assert(!action.get_enabled());
    scope.begin();
    runUntil(() => action.get_enabled());
    action.activate(null);
    assertEqual(scope.get_reason(), Cancel.Reason.MANUAL, 'reason');
    scope.fail(cancelledError());
    runUntil(() => !action.get_enabled());

    // The action holds the scope.
    scope = objects = null;
    registry.clear_history();
    settle();
    fin.wait(['scope']);
    action = null;
    fin.wait();
}

function testStreams() {
    // new: (transfer full); get_scope and the scope property: (transfer
    // none); a wrapper holds its scope until it is finalized.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let scope = fin.watch(newScope(registry, 'Transfer'), 'scope');
    const base = Gio.MemoryInputStream.new_from_bytes(new Uint8Array(64));
    const sink = Gio.MemoryOutputStream.new_resizable();
    let objects = [scope, registry, base, sink];

    hammer('InputStream.new', objects, () => Cancel.InputStream.new(base, scope, 64),
        stream => stream.get_base_stream() === base);
    hammer('OutputStream.new', objects, () => Cancel.OutputStream.new(sink, scope, -1),
        stream => stream.get_base_stream() === sink);
    let input = Cancel.InputStream.new(base, scope, 64);
    let output = Cancel.OutputStream.new(sink, scope, -1);
    objects = [...objects, input, output];
    hammer('InputStream.get_scope', objects, () => input.get_scope(), is(scope));
    hammer('InputStream:scope', objects, () => input.scope, is(scope));
    hammer('OutputStream.get_scope', objects, () => output.get_scope(), is(scope));
    hammer('OutputStream:scope', objects, () => output.scope, is(scope));

    // The wrappers hold the scope.
    scope = objects = null;
    registry.clear_history();
    settle();
    fin.wait(['scope']);
    input = null;
    settle();
    fin.wait(['scope']);
    output = null;
    fin.wait();
}

function testTask() {
    // GJS cannot run a JS function on another thread, so
    // run_in_thread_async is Python's; here wait_async and
    // connect_cancelled hold the scope until they completed or were dropped.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();

    let waited = fin.watch(newScope(registry, 'Waited'), 'waited');
    let results = [];
    waited.begin();
    waited.wait_async(null, (scope, result) => results.push(scope.wait_finish(result)));
    waited.connect_cancelled(null, () => results.push('cancelled'));
    waited.cancel(Cancel.Reason.MANUAL, null);
    waited.end();
    runUntil(() => results.length === 2);
    assert(results.includes(Cancel.Status.CANCELLED) && results.includes('cancelled'), `${results}`);

    // Dropped by an uncancelled end: the callback never runs.
    let completed = fin.watch(newScope(registry, 'Completed'), 'completed');
    completed.begin();
    const id = completed.connect_cancelled(null, () => results.push('wrong'));
    assert(id > 0, `${id}`);
    completed.end();
    assertEqual(completed.connect_cancelled(null, () => results.push('wrong')), 0, 'ended');

    // A cancelled wait.
    let running = fin.watch(newScope(registry, 'Running'), 'running');
    running.begin();
    const cancellable = new Gio.Cancellable();
    let errors = [];
    running.wait_async(cancellable, (scope, result) => {
        try {
            scope.wait_finish(result);
        } catch (error) {
            errors.push(error);
        }
    });
    cancellable.cancel();
    runUntil(() => errors.length > 0);
    assert(errors[0].matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${errors[0]}`);
    running.end();
    assertEqual(results.length, 2, 'nothing else ran');

    waited = completed = running = results = errors = null;
    registry.clear_history();
    fin.wait();
}

// -------------------------------------------------------------------------
// Sources

function testSources() {
    // Source constructors (transfer full) and dup_message (transfer full);
    // a source holds no reference on its scope or on a linked cancellable;
    // the scope lets go of its sources when it ends.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    let scope = fin.watch(newScope(registry, 'With sources'), 'scope');
    let upstream = fin.watch(newScope(registry, 'Upstream'), 'upstream');
    scope.begin();
    upstream.begin();
    let objects = [scope, upstream, registry];

    hammer('Source.new_timeout', objects, () => Cancel.Source.new_timeout(10));
    hammer('Source.new_cancellable', objects, () => Cancel.Source.new_cancellable(upstream, false));
    hammer('Source.new_cancellable', objects, () => Cancel.Source.new_cancellable(upstream, true));
    hammer('Source.new_unix_signals', objects,
        () => Cancel.Source.new_unix_signals([SIGUSR1, SIGHUP]));
    hammer('Source.new_unix_signals', objects, () => Cancel.Source.new_unix_signals(null));
    // Made and dropped only: armed, it would call JS on the worker thread.
    hammer('Source.new_condition', objects,
        () => Cancel.Source.new_condition(null, 10, null, () => false));

    let members = [Cancel.Source.new_timeout(10), Cancel.Source.new_timeout(20)];
    // A member serves one combination at a time, and the wrapper of a
    // dropped one waits for the garbage collector: dispose it now, which
    // gives its members back.
    hammer('Source.new_any', [...objects, ...members], () => {
        Cancel.Source.new_any(members).run_dispose();
    });
    hammer('Source.new_all', [...objects, ...members], () => {
        Cancel.Source.new_all(members).run_dispose();
    });
    let anyOf = Cancel.Source.new_any(members);
    System.gc();
    // Claiming them again is a programmer error (a critical: test-source.c).
    assertEqual(refs(members), [2, 2], 'members held by a combination');
    anyOf = null;
    System.gc();
    assertEqual(refs(members), [1, 1], 'members given back');

    // Attached: the scope holds the source, not the other way round.
    let linked = Cancel.Source.new_cancellable(upstream, true);
    let timeout = Cancel.Source.new_timeout(60);
    let combination = Cancel.Source.new_all(members);
    let sources = [linked, timeout, combination];
    sources.forEach(source => assert(scope.add_source(source)));
    hammer('Source.dup_message', [...objects, ...sources, ...members], () => linked.dup_message(),
        is(null));
    upstream.cancel(Cancel.Reason.SIGNAL, 'Upstream gave up');
    assert(linked.has_fired());
    assertEqual(linked.get_reason(), Cancel.Reason.SIGNAL, 'reason');
    hammer('Source.dup_message', [...objects, ...sources, ...members], () => linked.dup_message(),
        is('Upstream gave up'));
    assertEqual(scope.get_message(), 'Upstream gave up', 'message');
    scope.remove_source(timeout);
    runUntil(() => System.refcount(timeout) === 1);
    scope.fail(cancelledError());
    upstream.fail(cancelledError());
    // Ended: disarmed, spent and let go of.
    runUntil(() => System.refcount(linked) === 1 && System.refcount(combination) === 1);
    linked = timeout = combination = sources = null;
    System.gc();
    assertEqual(refs(members), [1, 1], 'members given back');

    // A timeout fires on the worker thread.
    const timed = fin.watch(Cancel.Scope.new('Timed'), 'timed');
    timed.set_registry(null);
    timed.begin();
    let short = Cancel.Source.new_timeout(0.001);
    assert(timed.add_source(short));
    runUntil(() => timed.is_cancelled());
    hammer('Source.dup_message', [timed, short], () => short.dup_message(),
        is('Timed out after 0.001 s'));
    timed.fail(cancelledError());
    runUntil(() => System.refcount(short) === 1);

    // A running scope dropped (no registry holds it) is finalized: it
    // disarms its sources and lets go of them.
    let loose = fin.watch(Cancel.Scope.new('Loose'), 'loose');
    loose.set_registry(null);
    loose.begin();
    let signals = Cancel.Source.new_unix_signals([SIGUSR1]);
    assert(loose.add_source(signals));
    hammer('Source.dup_message', [loose, signals], () => signals.dup_message(), is(null));
    loose = null;
    fin.wait(['scope', 'upstream', 'timed']);
    runUntil(() => System.refcount(signals) === 1);
    // Spent now: its scope was finalized (attaching it again is a
    // programmer error, a critical: test-source.c).

    scope = upstream = objects = null;
    registry.clear_history();
    fin.wait(['timed']);
}

// -------------------------------------------------------------------------
// Signals

function testSignalHandlers() {
    // Handlers of started, finished, progress, notify and items-changed get
    // borrowed references: once they ran and were disconnected, and the
    // history was cleared, the test's wrapper holds the only reference.
    const fin = new Finalized();
    const registry = Cancel.Registry.new();
    const history = registry.get_history();
    let seen = 0;
    const record = () => {
        seen++;
    };

    for (let round = 0; round < 20; round++) {
        const label = `scope ${round}`;
        settle();
        const before = [...refs([registry, history]), 1];
        let scope = fin.watch(newScope(registry, label), label);
        let ids = ['started', 'finished', 'progress', 'notify::status']
            .map(name => [scope, connect(scope, name, record)]);
        ids.push([registry, connect(registry, 'items-changed', record)]);
        ids.push([history, connect(history, 'items-changed', record)]);
        scope.begin();
        scope.report_progress(0.5, 'Half');
        settle();
        scope.end();
        settle();
        ids.forEach(([object, id]) => disconnect(object, id));
        ids = null;
        registry.clear_history();
        settle();
        assertEqual(refs([registry, history, scope]), before, 'reference counts');
        scope = null;
        fin.wait();
    }
    covered.add('signals');
    assert(seen >= 20 * 6, `${seen} emissions`);
}

// -------------------------------------------------------------------------
// Coverage of the typelib

// Calls that return a pointer but are not to be called from a binding.
const NOT_CALLED = new Set([]);

function pointerReturningCalls() {
    const repo = GIRepository.Repository.get_default();
    const pointerTags = new Set([
        GIRepository.TypeTag.UTF8, GIRepository.TypeTag.FILENAME, GIRepository.TypeTag.ARRAY,
        GIRepository.TypeTag.GLIST, GIRepository.TypeTag.GSLIST, GIRepository.TypeTag.GHASH,
        GIRepository.TypeTag.ERROR, GIRepository.TypeTag.INTERFACE,
    ]);
    const isPointer = typeInfo => {
        const tag = GIRepository.type_info_get_tag(typeInfo);
        if (!pointerTags.has(tag))
            return false;
        if (tag !== GIRepository.TypeTag.INTERFACE)
            return true;
        const type = GIRepository.type_info_get_interface(typeInfo).get_type();
        return type !== GIRepository.InfoType.ENUM && type !== GIRepository.InfoType.FLAGS;
    };
    const names = new Set();
    for (let i = 0; i < repo.get_n_infos('Cancel'); i++) {
        const info = repo.get_info('Cancel', i);
        const type = info.get_type();
        if (type === GIRepository.InfoType.FUNCTION) {
            if (isPointer(GIRepository.callable_info_get_return_type(info)))
                names.add(`func:${info.get_name()}`);
        } else if (type === GIRepository.InfoType.OBJECT) {
            for (let j = 0; j < GIRepository.object_info_get_n_methods(info); j++) {
                const method = GIRepository.object_info_get_method(info, j);
                if (isPointer(GIRepository.callable_info_get_return_type(method)))
                    names.add(`${info.get_name()}.${method.get_name()}`);
            }
            for (let j = 0; j < GIRepository.object_info_get_n_properties(info); j++) {
                const prop = GIRepository.object_info_get_property(info, j);
                const readable = GIRepository.property_info_get_flags(prop) &
                    GObject.ParamFlags.READABLE;
                if (readable && isPointer(GIRepository.property_info_get_type(prop)))
                    names.add(`${info.get_name()}:${prop.get_name()}`);
            }
        } else if (type === GIRepository.InfoType.STRUCT) {
            for (let j = 0; j < GIRepository.struct_info_get_n_methods(info); j++) {
                const method = GIRepository.struct_info_get_method(info, j);
                if (isPointer(GIRepository.callable_info_get_return_type(method)))
                    names.add(`${info.get_name()}.${method.get_name()}`);
            }
        }
    }
    return names;
}

function testConditionOnMainContext() {
    // Polled on the main context, a JS condition runs in this thread (on
    // the worker, every check would be a critical and the scope would never
    // be cancelled); it cancels the scope here too, with its name and the
    // number of checks in the message.
    const fin = new Finalized();
    let scope = fin.watch(Cancel.Scope.new('Polled from JS'), 'scope');
    scope.set_registry(null);
    scope.begin();
    let checks = 0;
    let cancelledHere = 0;
    const handler = connect(scope, 'cancelled', () => cancelledHere++);
    let source = Cancel.Source.new_condition('disk full', 0.001, GLib.MainContext.default(),
        () => ++checks === 3);
    assert(scope.add_source(source));
    runUntil(() => scope.is_cancelled());
    assertEqual(checks, 3, 'checks');
    assertEqual(cancelledHere, 1, '::cancelled emissions in this thread');
    assertEqual(scope.get_reason(), Cancel.Reason.CONDITION, 'reason');
    assertEqual(scope.get_message(), 'Condition “disk full” met after 3 checks', 'message');
    hammer('Source.dup_message', [scope, source], () => source.dup_message(),
        is('Condition “disk full” met after 3 checks'));
    disconnect(scope, handler);
    scope.fail(cancelledError());
    runUntil(() => System.refcount(source) === 1);
    source = scope = null;
    fin.wait();
}

// D-Bus over a peer-to-peer connection (GTestDBus forks a watcher, which
// SpiderMonkey's exit does not survive): dbus_invocation_get_scope is
// (transfer none), the invocation owns the scope; dbus_connection_call_finish
// returns a (transfer full) reply.
function testDBus() {
    const dir = GLib.dir_make_tmp('cancel-refs-XXXXXX');
    const server = Gio.DBusServer.new_sync(`unix:dir=${dir}`, Gio.DBusServerFlags.NONE,
        Gio.dbus_generate_guid(), null, null);
    const info = Gio.DBusNodeInfo.new_for_xml(`<node>
        <interface name='org.cancelable.Test.Worker'>
          <method name='Hold'/>
          <method name='Echo'><arg type='s' direction='out'/></method>
        </interface></node>`).interfaces[0];
    let service = null;
    let registration = 0;
    const held = [];
    server.connect('new-connection', (srv, connection) => {
        service = connection;
        registration = connection.register_object('/org/cancelable/Test', info,
            (conn, sender, path, iface, method, params, invocation) => {
                if (method === 'Hold') {
                    held.push(invocation);
                } else {
                    const name = Cancel.dbus_invocation_get_scope(invocation).get_name();
                    invocation.return_value(new GLib.Variant('(s)', [name]));
                }
            }, null, null);
        return true;
    });
    server.start();
    let client = null;
    Gio.DBusConnection.new_for_address(server.get_client_address(),
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT, null, null,
        (source, result) => (client = Gio.DBusConnection.new_for_address_finish(result)));
    runUntil(() => client !== null && service !== null);

    client.call(null, '/org/cancelable/Test', 'org.cancelable.Test.Worker', 'Hold', null, null,
        Gio.DBusCallFlags.NONE, -1, null, null);
    runUntil(() => held.length === 1);
    let invocation = held.pop();
    let scope = Cancel.dbus_invocation_get_scope(invocation);
    hammer('func:dbus_invocation_get_scope', [invocation, scope],
        () => Cancel.dbus_invocation_get_scope(invocation), result => result === scope);
    invocation.return_value(null);
    invocation = scope = null;

    const caller = Cancel.Scope.new_full(null, 'Echo', Cancel.ScopeFlags.UNREGISTERED);
    caller.begin();
    const objects = [client, caller];
    settle();
    const before = refs(objects);
    for (let i = 0; i < 200; i++) {
        let reply = null;
        Cancel.dbus_connection_call_async(client, null, '/org/cancelable/Test',
            'org.cancelable.Test.Worker', 'Echo', null, new GLib.VariantType('(s)'),
            Gio.DBusCallFlags.NONE, caller,
            (source, result) => (reply = Cancel.dbus_connection_call_finish(source, result)));
        runUntil(() => reply !== null);
        assertEqual(reply.deepUnpack()[0], 'org.cancelable.Test.Worker.Echo', 'reply');
    }
    settle();
    // GDBus drops its references from its worker thread, a moment later.
    runUntil(() => refs(objects).every((count, i) => count === before[i]));
    covered.add('func:dbus_connection_call_finish');
    caller.end();

    service.unregister_object(registration);
    client.close_sync(null);
    server.stop();
    GLib.rmdir(dir);
}

function testEveryCallCovered() {
    // Every pointer-returning call of the typelib was made above (new API
    // must come with its reference-count test).
    const expected = [...pointerReturningCalls()].filter(name => !NOT_CALLED.has(name));
    assert(expected.length >= 40, `only ${expected.length}: ${expected}`);
    const missing = expected.filter(name => !covered.has(name)).sort();
    assert(missing.length === 0, `not exercised by test-refs.js: ${missing.join(', ')}`);
    print(`# ${expected.length} pointer-returning calls and properties exercised`);
}

const TESTS = [
    ['find-by-status', testFindByStatus],
    ['find-by-parent', testFindByParent],
    ['find-by-name', testFindByName],
    ['lookup', testLookup],
    ['history-limit-zero', testHistoryLimitZero],
    ['stats', testStats],
    ['finished-queries', testFinishedQueries],
    ['live-model', testLiveModel],
    ['history-model', testHistoryModel],
    ['children-model', testChildrenModel],
    ['dup-parent', testDupParent],
    ['construct-properties', testConstructProperties],
    ['dup-error', testDupError],
    ['strings', testStrings],
    ['registry-getters', testRegistryGetters],
    ['contexts', testContexts],
    ['current', testCurrent],
    ['create-action', testCreateAction],
    ['streams', testStreams],
    ['task', testTask],
    ['sources', testSources],
    ['condition-on-main-context', testConditionOnMainContext],
    ['signal-handlers', testSignalHandlers],
    ['dbus', testDBus],
    ['every-call-covered', testEveryCallCovered],
];

function main() {
    print(`1..${TESTS.length}`);
    let failures = 0;
    TESTS.forEach(([name, test], index) => {
        // Says where it was if a double unref crashes the process.
        print(`# ${name}`);
        try {
            test();
            settle();
            print(`ok ${index + 1} - ${name}`);
        } catch (error) {
            failures++;
            print(`not ok ${index + 1} - ${name}`);
            for (const line of `${error}\n${error.stack || ''}`.split('\n'))
                print(`# ${line}`);
        }
    });
    return failures ? 1 : 0;
}

System.exit(main());
