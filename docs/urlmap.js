// Where gi-docgen's links to other namespaces point. The references of
// this project are installed side by side in <datadir>/doc.
baseURLs = [
  [ 'GLib', 'https://docs.gtk.org/glib/' ],
  [ 'GObject', 'https://docs.gtk.org/gobject/' ],
  [ 'Gio', 'https://docs.gtk.org/gio/' ],
  [ 'Gdk', 'https://docs.gtk.org/gdk4/' ],
  [ 'Gsk', 'https://docs.gtk.org/gsk4/' ],
  [ 'Gtk', 'https://docs.gtk.org/gtk4/' ],
  [ 'Pango', 'https://docs.gtk.org/Pango/' ],
  [ 'Soup', 'https://libsoup.org/libsoup-3.0/' ],
  [ 'Cancel', '../cancelable-1/' ],
  [ 'CancelGtk', '../cancelable-gtk-1/' ],
  [ 'CancelSoup', '../cancelable-soup-1/' ],
]
