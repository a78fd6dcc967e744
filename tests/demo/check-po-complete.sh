#!/bin/sh
# check-po-complete.sh PO: fails if PO has an untranslated or fuzzy message.
set -eu
stats=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$1" 2>&1)
echo "$1: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) exit 1 ;;
esac
