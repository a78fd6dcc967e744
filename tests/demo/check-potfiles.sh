#!/bin/sh
# check-potfiles.sh SRCDIR: fails if a .c or .ui file of lib/, lib/gtk/ or
# demo/ has translatable strings and is not listed in po/POTFILES.in.
set -eu
cd "$1"
status=0
for file in $(grep -lE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)\(|translatable="yes"' \
                lib/*.c lib/gtk/*.c lib/gtk/*.ui demo/*.c demo/*.ui demo/gtk/*.ui 2>/dev/null); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $file"
    status=1
  fi
done
for file in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  if [ ! -f "$file" ]; then
    echo "listed in po/POTFILES.in but missing: $file"
    status=1
  fi
done
exit $status
