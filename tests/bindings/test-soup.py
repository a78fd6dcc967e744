#!/usr/bin/env python3
# test-soup.py: the CancelSoup-1 typelib from Python (PyGObject), TAP output
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import sys
import traceback

import gi

gi.require_version('Cancel', '1')
gi.require_version('CancelSoup', '1')
gi.require_version('Gio', '2.0')
gi.require_version('Soup', '3.0')
from gi.repository import Cancel, CancelSoup, Gio, GLib, Soup  # noqa: E402

GUARD_SECONDS = 30


def run_until(condition):
    """Iterates the default main context until condition() holds."""
    context = GLib.MainContext.default()
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


class Server:
    """A SoupServer on a random loopback port: /body answers 64 KiB at
    once, /slow a chunk every 50 ms until its request's scope is cancelled."""

    def __init__(self):
        self.scopes = []
        self.ticks = []
        self.server = Soup.Server()
        self.server.add_handler('/body', self.body)
        self.server.add_handler('/slow', self.slow)
        self.server.listen_local(0, Soup.ServerListenOptions.IPV4_ONLY)
        self.base = self.server.get_uris()[0].to_string()

    def body(self, server, msg, path, query):
        self.scopes.append(CancelSoup.server_message_get_scope(msg))
        msg.set_status(200, None)
        msg.set_response('application/octet-stream', Soup.MemoryUse.COPY, b'p' * 65536)

    def slow(self, server, msg, path, query):
        scope = CancelSoup.server_message_get_scope(msg)
        self.scopes.append(scope)
        msg.set_status(200, None)
        msg.get_response_headers().set_encoding(Soup.Encoding.CHUNKED)

        def tick():
            self.ticks.append(len(self.ticks))
            msg.get_response_body().append(b'x' * 1024)
            msg.unpause()
            return GLib.SOURCE_CONTINUE

        source = GLib.timeout_add(50, tick)
        # The work started for the request stops with its scope.
        Cancel.Scope.connect_cancelled(scope, None, lambda scope: GLib.source_remove(source))
        msg.pause()

    def close(self):
        self.server.disconnect()


def fetch(session, url, scope, arm=None):
    """GET url under scope; returns (body, error)."""
    outcome = []

    def done(session, result):
        try:
            outcome.append((CancelSoup.session_send_and_read_finish(session, result), None))
        except GLib.Error as error:
            outcome.append((None, error))

    msg = Soup.Message.new('GET', url)
    CancelSoup.session_send_and_read_async(session, msg, scope, GLib.PRIORITY_DEFAULT, done)
    if arm is not None:
        arm()
    run_until(lambda: outcome)
    return outcome[0]


def test_body_and_progress():
    """A body with a Content-Length arrives whole; progress reaches 1;
    the handler's scope completed, named after the request."""
    server = Server()
    session = Soup.Session(timeout=0)
    scope = Cancel.Scope.new('Python download')
    scope.set_registry(None)
    body, error = fetch(session, server.base + 'body', scope)
    assert error is None, error
    assert body.get_size() == 65536
    assert scope.get_status() == Cancel.Status.COMPLETED
    assert scope.get_progress() == 1.0
    assert scope.dup_progress_message() == '64.0\u00a0KiB of 64.0\u00a0KiB', \
        scope.dup_progress_message()
    run_until(lambda: Cancel.status_is_final(server.scopes[0].get_status()))
    assert server.scopes[0].get_name() == 'GET /body'
    assert server.scopes[0].get_status() == Cancel.Status.COMPLETED
    server.close()


def test_deadline_and_disconnect():
    """The scope's deadline cancels a slow body with TIMED_OUT, the URI in
    the message; the handler's scope is cancelled as DISCONNECTED."""
    server = Server()
    session = Soup.Session(timeout=0)
    scope = Cancel.Scope.new('Python slow download')
    scope.set_registry(None)
    url = server.base + 'slow'

    def arm():
        run_until(lambda: server.ticks)
        scope.set_timeout(0.2)

    body, error = fetch(session, url, scope, arm)
    assert body is None
    assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT), error
    assert url in error.message, error.message
    assert scope.get_status() == Cancel.Status.TIMED_OUT

    handler_scope = server.scopes[0]
    run_until(lambda: Cancel.status_is_final(handler_scope.get_status()))
    assert handler_scope.get_reason() == Cancel.Reason.DISCONNECTED
    assert handler_scope.get_status() == Cancel.Status.CANCELLED
    server.close()


def test_every_function_called():
    """Every function of the CancelSoup typelib is called above."""
    gi.require_version('GIRepository', '2.0')
    from gi.repository import GIRepository
    repo = GIRepository.Repository.get_default()
    names = set()
    for i in range(repo.get_n_infos('CancelSoup')):
        info = repo.get_info('CancelSoup', i)
        if info.get_type() == GIRepository.InfoType.FUNCTION:
            names.add(info.get_name())
    with open(os.path.abspath(__file__), encoding='utf-8') as f:
        source = f.read()
    missing = sorted(name for name in names if not re.search(r'\.%s\(' % name, source))
    assert len(names) >= 3, sorted(names)
    assert not missing, 'not called from Python: %s' % missing


TESTS = [
    test_body_and_progress,
    test_deadline_and_disconnect,
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
