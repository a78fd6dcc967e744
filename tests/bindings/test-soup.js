// test-soup.js: the CancelSoup-1 API from GJS, TAP output; the last test
// checks that every function of the typelib is called here.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Cancel = '1';
imports.gi.versions.CancelSoup = '1';
imports.gi.versions.GIRepository = '2.0';
imports.gi.versions.Soup = '3.0';
const {Cancel, CancelSoup, GIRepository, Gio, GLib, Soup} = imports.gi;
const System = imports.system;

function assert(condition, message) {
    if (!condition)
        throw new Error(`assertion failed: ${message}`);
}

function runUntil(condition) {
    const guard = GLib.get_monotonic_time() + 30 * 1000000;
    const context = GLib.MainContext.default();
    const wake = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => GLib.SOURCE_CONTINUE);
    try {
        while (!condition()) {
            if (GLib.get_monotonic_time() > guard)
                throw new Error('timed out');
            context.iteration(true);
        }
    } finally {
        GLib.source_remove(wake);
    }
}

// A chunk every 50 ms under the request's scope, until it is cancelled.
function startServer(scopes) {
    const server = new Soup.Server();
    server.add_handler('/slow', (_server, msg) => {
        const scope = CancelSoup.server_message_get_scope(msg);
        scopes.push(scope);
        msg.set_status(200, null);
        msg.get_response_headers().set_encoding(Soup.Encoding.CHUNKED);
        const source = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => {
            msg.get_response_body().append(new TextEncoder().encode('x'.repeat(1024)));
            msg.unpause();
            return GLib.SOURCE_CONTINUE;
        });
        scope.connect_cancelled(null, () => GLib.source_remove(source));
        msg.pause();
    });
    server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY);
    return server;
}

function testDeadlineAndDisconnect() {
    const scopes = [];
    const server = startServer(scopes);
    const url = `${server.get_uris()[0].to_string()}slow`;
    const session = new Soup.Session({timeout: 0});
    const scope = Cancel.Scope.new_full(null, 'GJS download', Cancel.ScopeFlags.UNREGISTERED);
    const msg = Soup.Message.new('GET', url);
    let outcome = null;

    CancelSoup.session_send_and_read_async(session, msg, scope, GLib.PRIORITY_DEFAULT,
        (source, result) => {
            try {
                outcome = CancelSoup.session_send_and_read_finish(source, result);
            } catch (error) {
                outcome = error;
            }
        });
    runUntil(() => scopes.length > 0);
    scope.set_timeout(0.2);
    runUntil(() => outcome !== null);

    assert(outcome instanceof GLib.Error, `${outcome}`);
    assert(outcome.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.TIMED_OUT), `${outcome}`);
    assert(outcome.message.includes(url), outcome.message);
    assert(scope.get_status() === Cancel.Status.TIMED_OUT, 'timed out');

    runUntil(() => Cancel.status_is_final(scopes[0].get_status()));
    assert(scopes[0].get_reason() === Cancel.Reason.DISCONNECTED, 'disconnected');
    assert(scopes[0].get_name() === 'GET /slow', scopes[0].get_name());
    server.disconnect();
}

function testEveryFunctionCalled() {
    const repo = GIRepository.Repository.get_default();
    const names = new Set();
    for (let i = 0; i < repo.get_n_infos('CancelSoup'); i++) {
        const info = repo.get_info('CancelSoup', i);
        if (info.get_type() === GIRepository.InfoType.FUNCTION)
            names.add(info.get_name());
    }
    const [, source] = GLib.file_get_contents(System.programPath);
    const text = new TextDecoder().decode(source);
    const missing = [...names].filter(name => !text.includes(`.${name}(`)).sort();
    assert(names.size >= 3, `${[...names]}`);
    assert(missing.length === 0, `not called from GJS: ${missing.join(', ')}`);
}

const TESTS = [testDeadlineAndDisconnect, testEveryFunctionCalled];

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
