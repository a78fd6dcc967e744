// scopes.vala: the cancelable-1 VAPI from Vala: nesting and reasons, a
// deadline, waiting with yield, work in a thread, and the registry.
// Built and run by the test suite (tests/vala/meson.build); shown in
// docs/bindings.md.

async Cancel.Status export_album (Cancel.Scope album) throws GLib.Error {
    // The deadline fires on the library's timer thread; wait () completes
    // on this thread's main context once the scope ended.
    album.set_timeout (0.05);
    album.connect_cancelled (null, (scope) => scope.end ());
    return yield album.wait (null);
}

async bool hash_in_thread (Cancel.Scope scope) throws GLib.Error {
    // The function runs in a worker thread, with the scope current there.
    return yield scope.run_in_thread (Cancel.RunFlags.NONE, (scope) => {
        assert (Cancel.Scope.get_current () == scope);
        scope.report_progress (1.0, "Hashed");
    });
}

int main () {
    var loop = new MainLoop ();
    var registry = new Cancel.Registry ();

    // Nesting: cancelling the parent cancels the child, which says why.
    var sync = new Cancel.Scope.full (null, "Sync", Cancel.ScopeFlags.NONE);
    var upload = new Cancel.Scope.full (sync, "Upload", Cancel.ScopeFlags.NONE);
    sync.set_registry (registry);
    upload.set_registry (registry);
    sync.begin ();
    upload.begin ();
    assert (sync.cancel (Cancel.Reason.MANUAL, "Cancelled by user"));
    assert (upload.get_reason () == Cancel.Reason.PARENT);
    assert (upload.get_origin_reason () == Cancel.Reason.MANUAL);
    try {
        upload.set_error_if_cancelled ();
        assert_not_reached ();
    } catch (GLib.Error error) {
        assert (error.matches (IOError.quark (), IOError.CANCELLED));
        print ("%s\n", error.message);
    }

    // The registry lists them; look-ups work from any thread.
    assert (registry.find_by_name ("upload").length == 1);
    upload.end ();
    sync.end ();
    assert (registry.find_last_finished (10).length == 2);
    var stats = registry.get_stats ();
    assert (stats.total_finished == 2);
    assert (stats.get_finished (Cancel.Status.CANCELLED) == 2);

    // A deadline, awaited with yield.
    var status = Cancel.Status.PENDING;
    var album = new Cancel.Scope ("Export album");
    album.set_registry (registry);
    album.begin ();
    export_album.begin (album, (obj, res) => {
        try {
            status = export_album.end (res);
        } catch (GLib.Error error) {
            critical ("%s", error.message);
        }
        loop.quit ();
    });
    loop.run ();
    assert (status == Cancel.Status.TIMED_OUT);
    assert (album.get_reason () == Cancel.Reason.TIMEOUT);

    // Work in a thread.
    var hashed = false;
    var hash = new Cancel.Scope ("Hash");
    hash.set_registry (registry);
    hash_in_thread.begin (hash, (obj, res) => {
        try {
            hashed = hash_in_thread.end (res);
        } catch (GLib.Error error) {
            critical ("%s", error.message);
        }
        loop.quit ();
    });
    loop.run ();
    assert (hashed && hash.get_status () == Cancel.Status.COMPLETED);

    print ("%s: %s\n", album.get_name (), album.get_message ());
    return 0;
}
