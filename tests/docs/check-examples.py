#!/usr/bin/env python3
# check-examples.py: the code in the guides and the README is code the test
# suite runs. Every fenced block in C, Python, JavaScript or Vala must follow
# a marker naming a file of the repository:
#
#   <!-- example: docs/examples/getting-started.c -->   the block is the file
#   <!-- excerpt: docs/examples/scopes.c -->            the block's lines are
#                                                        consecutive lines of it
#
# and every file named by --sample must be shown somewhere. TAP output.
#
#   check-examples.py SRCDIR [--sample FILE]... PAGE...

import re
import sys

CHECKED = {'c', 'python', 'py', 'js', 'javascript', 'vala'}
FENCE = re.compile(r'^```(\S*)\s*$')
MARKER = re.compile(r'^<!--\s*(example|excerpt):\s*(\S+)\s*-->\s*$')


def blocks(text):
    """Yields (line number, language, marker or None, block lines)."""
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start, lang = i, match.group(1).lower()
        end = start + 1
        while end < len(lines) and lines[end].rstrip() != '```':
            end += 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = MARKER.match(lines[before]) if before >= 0 else None
        yield start + 1, lang, marker, lines[start + 1:end]
        i = end + 1


def contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def main(argv):
    srcdir = argv[1]
    samples, pages, args = set(), [], argv[2:]
    while args:
        if args[0] == '--sample':
            samples.add(args[1])
            args = args[2:]
        else:
            pages.append(args[0])
            args = args[1:]

    shown, results = set(), []
    for page in pages:
        with open(page, encoding='utf-8') as f:
            text = f.read()
        for line, lang, marker, block in blocks(text):
            where = '%s:%d' % (page, line)
            if lang not in CHECKED:
                continue
            if marker is None:
                results.append((False, where, 'a %s block with no example/excerpt marker' % lang))
                continue
            kind, path = marker.groups()
            shown.add(path)
            try:
                with open('%s/%s' % (srcdir, path), encoding='utf-8') as f:
                    sample = f.read().rstrip('\n').split('\n')
            except OSError as error:
                results.append((False, where, str(error)))
                continue
            ok = sample == block if kind == 'example' else contains(sample, block)
            results.append((ok, where, '%s of %s' % (kind, path)))

    for path in sorted(samples):
        results.append((path in shown, path, 'shown in a page'))

    print('1..%d' % len(results))
    failed = 0
    for number, (ok, where, what) in enumerate(results, 1):
        failed += not ok
        print('%s %d - %s: %s' % ('ok' if ok else 'not ok', number, where, what))
    return 1 if failed or not results else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
