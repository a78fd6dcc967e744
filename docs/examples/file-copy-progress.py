#!/usr/bin/env python3
# file-copy-progress.py: Gio.File.copy_async() reporting into a scope from
# a binding, which cannot pass the scope as the callback's data.
import os
import sys
import tempfile

import gi
gi.require_version('Cancel', '1')
from gi.repository import Cancel, Gio, GLib  # noqa: E402

folder = tempfile.TemporaryDirectory()
path = os.path.join(folder.name, 'archive.dat')
with open(path, 'wb') as f:
    f.write(bytes(4 * 1024 * 1024))
source = Gio.File.new_for_path(path)
destination = Gio.File.new_for_path(path + '.copy')
scope = Cancel.Scope.new('Copy a file')


def copied(file, result, data):
    try:
        file.copy_finish(result)
        scope.end()
    except GLib.Error as error:
        scope.fail(error)


scope.begin()
# PyGObject with GLib 2.74 wants the progress data as a tuple.
source.copy_async(destination, Gio.FileCopyFlags.NONE, GLib.PRIORITY_DEFAULT, scope,
                  lambda current, total, *data: scope.report_bytes(current, total), (),
                  copied, None)

# Under a running loop, as in an application, GIO's progress calls arrive
# on this thread, in order, before the result; a loop iterated by hand lets
# GLib 2.74 make them in its worker thread, out of order.
loop = GLib.MainLoop()
scope.connect_after('finished', lambda *args: loop.quit())
loop.run()

# "completed: 4.0 MiB of 4.0 MiB"
print(f'{Cancel.status_to_string(scope.get_status())}: {scope.dup_progress_message()}')
folder.cleanup()
sys.exit(0 if scope.get_status() == Cancel.Status.COMPLETED else 1)
