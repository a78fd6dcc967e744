// bindings.js: the API from GJS, with the binding's limits, from
// bindings.md.
imports.gi.versions.Cancel = '1';
const {Cancel, GLib, GObject} = imports.gi;

const context = GLib.MainContext.default();

function runUntil(condition) {
    while (!condition())
        context.iteration(true);
}

// Gio.Cancellable.connect() (g_cancellable_connect) shadows
// GObject.Object.connect() on every scope: call the latter explicitly.
const scope = Cancel.Scope.new('Export album');
const seen = [];
GObject.Object.prototype.connect.call(scope, 'finished', (_scope, status) => seen.push(status));

// GJS runs JavaScript on its own thread only: no run_in_thread_async.
// Asynchronous GIO calls and the library's own threads do the waiting.
scope.begin();
scope.set_timeout(0.02);
const waits = [];
scope.wait_async(null, (self, result) => waits.push(self.wait_finish(result)));
scope.connect_cancelled(null, self => self.end());
runUntil(() => waits.length > 0 && seen.length > 0);
if (waits[0] !== Cancel.Status.TIMED_OUT || seen[0] !== Cancel.Status.TIMED_OUT)
    throw new Error(`unexpected ${waits} ${seen}`);

// Errors are thrown as GLib.Error; conditions run on a main context of ours.
const watched = Cancel.Scope.new('Watch folder');
watched.begin();
try {
    watched.set_timeout(-1);
    throw new Error('accepted');
} catch (error) {
    if (!error.matches(Cancel.Error, Cancel.Error.INVALID_TIMEOUT))
        throw error;
}
const full = Cancel.Source.new_condition('disk full', 0.01, context, () => true);
watched.add_source(full);
runUntil(() => watched.is_cancelled());
watched.end();
print(watched.get_message());
