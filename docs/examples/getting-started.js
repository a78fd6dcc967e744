// getting-started.js: wait for a connection that never comes, and give up
// after 50 ms.
imports.gi.versions.Cancel = '1';
const {Cancel, Gio, GLib} = imports.gi;
const System = imports.system;

const scope = Cancel.Scope.new('Wait for a client');
const listener = Gio.SocketListener.new();
listener.add_any_inet_port(null);

scope.begin();
scope.set_timeout(0.05);  // throws GLib.Error for a bad value
// The scope is a Gio.Cancellable: pass it to any GIO call.
listener.accept_async(scope, (source, result) => {
    try {
        source.accept_finish(result);
        scope.end();                                 // COMPLETED
    } catch (error) {
        // GIO's own error, as with any Gio.Cancellable; the scope knows why.
        print(`${scope.get_name()}: ${scope.get_message()} ` +
            `(reason: ${Cancel.reason_to_string(scope.get_reason())})`);
        scope.fail(error);                           // TIMED_OUT, not FAILED
    }
});

const context = GLib.MainContext.default();
while (!Cancel.status_is_final(scope.get_status()))
    context.iteration(true);

print(`Final status: ${Cancel.status_to_string(scope.get_status())}`);
System.exit(scope.get_status() === Cancel.Status.TIMED_OUT ? 0 : 1);
