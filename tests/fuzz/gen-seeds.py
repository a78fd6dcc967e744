#!/usr/bin/env python3
# gen-seeds.py: writes the hand-written seeds of tests/fuzz/corpus
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   tests/fuzz/gen-seeds.py [CORPUS_DIR]      (default: corpus/ beside this file)
#   tests/fuzz/gen-seeds.py --open DIR        reproducers of open defects
#
# To see what any corpus file does: FUZZ_TRACE=1 fuzz-replay FILE.
#
# Each seed is a list of operations: an op name of fuzz-api.c (the opcode is
# its index in op_names there, read from the source so that the two cannot
# drift apart) followed by its argument bytes, in the order and encodings
# documented at the top of fuzz-api.c. The constants below name table
# entries. Seeds are written as seed-NAME; files the fuzzer found have
# libFuzzer's hash names. Rewriting the seeds leaves other files alone.

import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_names(array):
    with open(os.path.join(HERE, 'fuzz-api.c'), encoding='utf-8') as f:
        source = f.read()
    body = re.search(r'%s\[[A-Z_]+\] = \{(.*?)\};' % array, source, re.S).group(1)
    return re.findall(r'"([a-z_0-9]+)"', body)


OPS = read_names('op_names')
SUBS = read_names('sub_names')

# Optional slot: NONE is any byte with bit 3 set.
NONE = 8
# Cancellable slot as an upstream or a handler target: C(n).
def C(n):
    return 8 | n

# Names
N_NULL, N_EMPTY, N_OP, N_OP1, N_UTF8, N_FORMAT, N_BAD_UTF8, N_LONG = range(8)
# Times (seconds)
(T_1MS, T_2MS, T_100US, T_1US, T_1NS, T_ZERO, T_NEG, T_NAN, T_INF, T_NINF,
 T_60S, T_100Y, T_OVER_100Y, T_DBL_MAX, T_DENORMAL, T_5MS) = range(16)
# Deadlines (µs)
(D_1MS, D_2MS, D_NOW, D_PAST, D_ONE, D_ZERO, D_NEG, D_MIN, D_MAX, D_MAX_1,
 D_60S, D_100Y, D_200Y, D_HALF_MAX, D_100US, D_5MS) = range(16)
# Fractions
(F_0, F_1, F_HALF, F_UNKNOWN, F_NEG, F_1_5, F_NAN, F_INF, F_NINF, F_NEG0,
 F_TINY, F_1_EPS, F_DBL_MAX, F_QUARTER, F_3QUARTERS, F_NEG_TINY) = range(16)
# Reasons and statuses
R_NONE, R_MANUAL, R_TIMEOUT, R_SIGNAL, R_CONDITION, R_PARENT, R_ERROR, R_BAD = range(8)
S_PENDING, S_RUNNING, S_SHIELDED, S_COMPLETED, S_CANCELLED, S_TIMED_OUT, S_FAILED, S_BAD = range(8)
# Errors for end
E_NONE, E_FAILED, E_CANCELLED, E_STATE = range(4)
# Signal sets
(SIG_USR1, SIG_USR2, SIG_USR1_USR2, SIG_HUP, SIG_WINCH, SIG_EMPTY, SIG_NULL,
 SIG_KILL, SIG_ZERO, SIG_999, SIG_MINUS1, SIG_USR1_KILL, SIG_INT, SIG_TERM,
 SIG_DUP, SIG_STOP_USR1) = range(16)
# Conditions
COND_TRUE, COND_FALSE, COND_FLAG, COND_COUNTDOWN = range(4)
# new: flags = kind | 4 (no registry) | 8 (shielded, g_object_new only)
NEW_WITH_PARENT, NEW_SHIELDED, NEW_CURRENT, NEW_GOBJECT = range(4)
NO_REGISTRY = 4
GOBJECT_SHIELDED = 8
# Ids for reg_lookup / reg_cancel: a slot's id, or one of these
ID_ZERO, ID_MAX, ID_ONE, ID_NEXT = 8, 9, 10, 11
# watch mask
W_NOTIFY, W_STARTED, W_FINISHED, W_PROGRESS, W_STATUS, W_DEADLINE, W_BLOCKED, W_DISCONNECT = (
    1, 2, 4, 8, 16, 32, 64, 128)
W_ALL = 63
# on_cancelled actions
A_NOTHING, A_END_SELF, A_CANCEL, A_GCANCEL, A_DEADLINE, A_PROGRESS, A_READ, A_DISCONNECT = range(8)
# raise
USR1, USR2 = 0, 1
# Waits: 100 µs, 500 µs, 1 ms, 3 ms
W100US, W500US, W1MS, W3MS = range(4)
# Registry history limits: 0 1 2 5 1000 G_MAXUINT
L0, L1, L2, L5, L1000, LMAX = range(6)


def raw_double(value):
    return [0xff] + list(struct.pack('<d', value))


def raw_int64(value):
    return [0xff] + list(struct.pack('<q', value))


def sub(name, *args):
    return [SUBS.index(name)] + list(args)


def assemble(script):
    out = bytearray()
    for step in script:
        name, *args = step
        out.append(OPS.index(name))
        for a in args:
            if isinstance(a, list):
                out.extend(a)
            else:
                out.append(a & 0xff)
    return bytes(out)


def new(slot, parent=NONE, name=N_OP, flags=NEW_WITH_PARENT):
    return ('new', slot, parent, name, flags)


SEEDS = {
    'lifecycle': [
        new(0), ('watch', 0, W_ALL), ('begin', 0), ('progress', 0, F_HALF, N_OP),
        ('iterate', 4), ('complete', 0), ('query', 0), ('end', 0, E_NONE),
        ('begin', 0), ('cancel', 0, R_MANUAL, N_OP), ('gcancel', 0), ('query', 0),
        ('iterate', 4),
    ],
    'end-before-begin': [
        new(0), ('end', 0, E_NONE), ('complete', 0), ('begin', 0), ('end', 0, E_FAILED),
        ('query', 0), ('end', 0, E_CANCELLED), new(1), ('begin', 1), ('end', 1, E_CANCELLED),
        ('query', 1), new(2), ('begin', 2), ('end', 2, E_STATE),
    ],
    'nesting-shield': [
        new(0, name=N_OP1), new(1, parent=0), new(2, parent=1, flags=NEW_SHIELDED),
        new(3, parent=2), ('watch', 2, W_ALL), ('children', 0, 0, 5), ('children', 1, 0, 6),
        ('begin', 0), ('begin', 1), ('begin', 2), ('begin', 3), ('iterate', 8),
        ('children', 1, 0, 7), ('cancel', 0, R_MANUAL, N_UTF8), ('iterate', 8), ('query', 1),
        ('query', 2), ('query', 3), ('set_shielded', 2, 0), ('cancel', 2, R_ERROR, N_NULL),
        ('end', 3, E_NONE), ('end', 2, E_NONE), ('end', 1, E_FAILED), ('end', 0, E_NONE),
        ('check',),
    ],
    'set-parent-cycles': [
        new(0), new(1, parent=0), new(2, parent=1), ('set_parent', 0, 2), ('set_parent', 0, 0),
        ('set_parent', 1, 2), ('set_parent', 1, NONE), ('set_parent', 1, 2),
        ('set_deadline', 0, D_60S), ('set_parent', 0, 1), ('query', 0), ('query', 2),
        ('set_parent', 2, 0), ('begin', 2), ('set_parent', 2, NONE), ('check',),
    ],
    'bad-timeouts': [new(0)] + [('set_timeout', 0, t) for t in range(16)] + [('query', 0)],
    'bad-deadlines': [new(0)] + [('set_deadline', 0, d) for d in range(16)] + [('query', 0)],
    'bad-postpones': [new(0), ('set_deadline', 0, D_60S)] +
                     [('postpone', 0, t) for t in range(16)] + [('query', 0)],
    'raw-times': [
        new(0), ('set_timeout', 0, raw_double(1e-300)), ('set_timeout', 0, raw_double(-0.0)),
        ('set_timeout', 0, raw_double(3153600000.0000005)),
        ('set_deadline', 0, raw_int64(2 ** 63 - 1)), ('set_deadline', 0, raw_int64(-(2 ** 63))),
        ('postpone', 0, raw_double(1.0)), ('progress', 0, raw_double(-1.0), N_NULL),
        ('progress', 0, raw_double(float('nan')), N_NULL),
        ('query', 0),
    ],
    'deadline-max-postpone': [
        new(0), ('set_deadline', 0, D_MAX), ('postpone', 0, T_60S), ('query', 0),
        new(1), ('set_deadline', 1, D_MAX_1), ('postpone', 1, T_100Y), ('query', 1),
        new(2), ('set_deadline', 2, D_200Y), ('postpone', 2, T_100Y), ('query', 2),
    ],
    'timeout-fires': [
        new(0), ('watch', 0, W_ALL), ('begin', 0), ('set_timeout', 0, T_1US), ('wait', W1MS),
        ('iterate', 8), ('query', 0), ('postpone', 0, T_1MS), ('end', 0, E_NONE), ('query', 0),
        new(1, parent=NONE), new(2, parent=1), ('begin', 2), ('set_deadline', 1, D_PAST),
        ('wait', W500US), ('query', 2), ('end', 2, E_NONE),
    ],
    'progress-values': [new(0), ('watch', 0, W_PROGRESS | W_NOTIFY), ('begin', 0)] +
                       [('progress', 0, f, f % 8) for f in range(16)] +
                       [('iterate', 4), ('query', 0), ('complete', 0)],
    'reset': [
        new(0), ('begin', 0), ('cancel', 0, R_MANUAL, N_OP), ('reset', 0), ('query', 0),
        ('cancel', 0, R_ERROR, N_OP), ('end', 0, E_NONE), ('reset', 0), ('query', 0),
    ],
    'reset-pending': [
        new(0), new(1, parent=0), ('gcancel', 0), ('reset', 0), ('reset', 1), ('query', 1),
        ('begin', 1), ('cancel', 1, R_SIGNAL, N_NULL), ('query', 1),
    ],
    'cancel-after-end': [
        new(0), ('begin', 0), ('complete', 0), ('gcancel', 0), ('query', 0),
        ('cancel', 0, R_TIMEOUT, N_OP), ('query', 0), new(1), ('begin', 1),
        ('end', 1, E_FAILED), ('gcancel', 1), ('query', 1),
    ],
    'cancel-reasons': [new(0), ('begin', 0)] + [('cancel', 0, r, N_OP) for r in range(8)] +
                      [('query', 0), ('end', 0, E_FAILED)],
    'source-timeout': [
        ('src_timeout', 0, T_1MS), new(0), ('begin', 0), ('add_source', 0, 0), ('wait', W3MS),
        ('src_query', 0), ('query', 0), ('end', 0, E_NONE), ('add_source', 1, 0),
        ('add_source', 0, 0), ('src_timeout', 1, T_NAN), ('src_timeout', 2, T_OVER_100Y),
        ('src_timeout', 3, T_100Y), ('src_timeout', 4, T_DENORMAL),
    ],
    'link-cycle': [
        new(0), new(1), ('src_link', 0, 1, 1), ('src_link', 1, 0, 0), ('add_source', 0, 0),
        ('add_source', 1, 1), ('begin', 0), ('begin', 1), ('cancel', 0, R_ERROR, N_OP),
        ('query', 0), ('query', 1), ('src_query', 0), ('src_query', 1),
    ],
    'link-self': [
        new(0), ('src_link', 0, 0, 1), ('add_source', 0, 0), ('begin', 0), ('gcancel', 0),
        ('query', 0), ('end', 0, E_NONE),
    ],
    'link-cancellable': [
        ('canc_new', 0), new(0), ('src_link', 0, C(0), 0), ('add_source', 0, 0), ('begin', 0),
        ('canc_cancel', 0), ('query', 0), ('canc_reset', 0), ('canc_drop', 0),
        ('canc_new', 1), ('canc_cancel', 1), ('src_link', 1, C(1), 1), new(1),
        ('add_source', 1, 1), ('query', 1), ('src_link', 2, C(3), 1),
    ],
    'signals': [('src_signals', i % 8, i) for i in range(16)] + [
        new(0), ('add_source', 0, 0), ('add_source', 0, 1), ('begin', 0), ('raise', USR1),
        ('wait', W1MS), ('raise', USR2), ('wait', W1MS), ('query', 0), ('src_query', 0),
        ('end', 0, E_NONE),
    ],
    'signals-default': [
        ('src_signals', 0, SIG_EMPTY), ('src_signals', 1, SIG_NULL), new(0), ('add_source', 0, 0),
        ('add_source', 0, 1), ('begin', 0), ('remove_source', 0, 0), ('end', 0, E_NONE),
    ],
    'conditions': [
        ('src_condition', 0, COND_TRUE, T_1MS), ('src_condition', 1, COND_FALSE, T_1US),
        ('src_condition', 2, COND_FLAG, T_100US), ('src_condition', 3, COND_COUNTDOWN | 8, T_1US),
        ('src_condition', 4, COND_TRUE, T_NAN), ('src_condition', 5, COND_FALSE, T_ZERO),
        ('src_condition', 6, COND_COUNTDOWN, T_NEG), ('src_condition', 7, COND_FALSE, T_DBL_MAX),
        new(0), new(1), new(2), new(3), ('add_source', 0, 0), ('add_source', 1, 1),
        ('add_source', 2, 2), ('add_source', 3, 3), ('add_source', 0, 7), ('begin', 2),
        ('cond_flag', 1), ('wait', W3MS), ('query', 0), ('query', 2), ('query', 3),
        ('src_query', 2),
    ],
    'any-all': [
        ('src_any', 0, 0), ('src_any', 0, 8), ('src_all', 0, 0), ('src_all', 0, 8),
        ('src_any', 0, 2, NONE, NONE), ('src_timeout', 1, T_1MS), ('src_timeout', 2, T_60S),
        ('src_any', 3, 2, 1, 2), ('src_all', 4, 2, 1, 2), ('src_all', 5, 2, 1, 1),
        new(0), ('add_source', 0, 3), ('begin', 0), ('wait', W3MS), ('query', 0), ('src_query', 3),
        ('src_timeout', 6, T_1US), ('src_condition', 7, COND_TRUE, T_1US), ('src_all', 1, 2, 6, 7),
        new(1), ('add_source', 1, 1), ('wait', W1MS), ('query', 1), ('src_any', 2, 1, 3),
    ],
    'any-nested': [
        ('src_timeout', 0, T_60S), ('src_any', 1, 1, 0), ('src_any', 2, 1, 1), ('src_all', 3, 1, 2),
        new(0), ('add_source', 0, 3), ('remove_source', 0, 3), ('add_source', 0, 3),
        ('src_drop', 3), ('drop', 0), ('src_any', 4, 1, 2),
    ],
    'registry': [
        new(0, name=N_OP1), new(1, parent=0, name=N_UTF8), new(2, name=N_BAD_UTF8),
        new(3, name=N_LONG, flags=NO_REGISTRY), ('begin', 0), ('begin', 1), ('begin', 2),
        ('begin', 3), ('reg_lookup', 0, 4), ('reg_lookup', ID_ZERO, 5), ('reg_lookup', ID_MAX, 5),
        ('reg_lookup', ID_NEXT, 5), ('reg_lookup', 3, 5)] + [
        ('reg_find_status', s) for s in range(8)] + [
        ('reg_find_parent', 0), ('reg_find_parent', NONE)] + [
        ('reg_find_name', n) for n in range(8)] + [
        ('reg_models', 0), ('iterate', 8), ('reg_models', 1), ('reg_stats',),
        ('reg_cancel', 1, R_ERROR, N_OP), ('reg_cancel', ID_ZERO, R_MANUAL, N_OP),
        ('reg_cancel', 0, R_NONE, N_OP), ('reg_cancel_status', S_SHIELDED, R_MANUAL, N_NULL),
        ('reg_cancel_status', S_BAD, R_MANUAL, N_NULL), ('reg_cancel_all', R_BAD, N_OP),
        ('reg_cancel_all', R_SIGNAL, N_OP), ('end', 1, E_NONE), ('end', 0, E_NONE),
        ('end', 2, E_FAILED), ('reg_stats',), ('iterate', 8), ('reg_models', 0),
        ('reg_find_parent', 0), ('reg_limit', L1), ('reg_stats',), ('reg_limit', L0),
        ('reg_limit', LMAX), ('reg_clear',), ('reg_models', 3), ('reg_stats',),
    ],
    'registry-renew': [
        new(0), ('begin', 0), ('reg_renew',), new(1), ('begin', 1), ('set_registry', 0, 0),
        ('reg_lookup', 0, 2), ('reg_lookup', 1, 2), ('drop', 0), ('reg_renew',),
        ('end', 1, E_NONE), ('reg_stats',),
    ],
    'drop-orders': [
        new(0), new(1, parent=0), new(2, parent=1), ('begin', 1), ('watch', 1, W_ALL),
        ('set_timeout', 2, T_60S), ('drop', 0), ('query', 1), ('drop', 1), ('query', 2),
        ('dup_parent', 2, 3), ('drop', 2), new(4, parent=3), ('drop', 3), ('query', 4),
    ],
    'dropped-pending-deadline': [
        new(0, flags=NO_REGISTRY), ('watch', 0, W_ALL), ('set_timeout', 0, T_60S), ('drop', 0),
        new(1), ('set_timeout', 1, T_1US), ('watch', 1, W_NOTIFY), ('drop', 1), ('wait', W500US),
    ],
    'watched-dropped': [
        new(0), ('watch', 0, W_ALL), ('begin', 0), ('progress', 0, F_QUARTER, N_OP), ('drop', 0),
        new(1), ('watch', 1, W_STATUS | W_DEADLINE), ('set_timeout', 1, T_100US), ('drop', 1),
    ],
    'thread-ops': [
        new(0), new(1, parent=0), ('src_timeout', 0, T_60S),
        ('thread', sub('begin', 0)), ('thread', sub('set_deadline', 1, D_60S)),
        ('thread', sub('progress', 0, F_HALF)), ('thread', sub('add_source', 0, 0)),
        ('thread', sub('cancel', 0, R_ERROR)), ('thread', sub('query', 1)),
        ('thread', sub('end', 0)), ('thread', sub('reset', 1)), ('query', 1),
    ],
    'race-set-parent': [
        new(0), new(1), ('race', sub('set_parent', 0, 1), sub('set_parent', 1, 0)),
        ('query', 0), ('query', 1), ('race', sub('get_deadline', 0), sub('set_parent', 0, NONE)),
    ],
    'race-cancel-end': [
        new(0), new(1, parent=0), ('begin', 0), ('begin', 1),
        ('race', sub('cancel', 0, R_MANUAL), sub('end', 1)),
        ('race', sub('end', 0), sub('gcancel', 0)), ('query', 0), ('query', 1),
        new(2), ('race', sub('set_timeout', 2, T_60S), sub('postpone', 2, T_60S)),
        ('race', sub('cancel_all', 2, R_MANUAL), sub('begin', 2)),
    ],
    'current-stack': [
        new(0), ('push', 0), new(1, flags=NEW_CURRENT), ('enter', 1),
        new(2, flags=NEW_CURRENT), ('new', 3, 0, N_OP, NEW_SHIELDED), ('pop', 0), ('exit', NONE),
        ('query', 2), ('pop', NONE), ('push', 7), ('enter', 7), ('exit', NONE), ('pop', NONE),
    ],
    'guard-cancelled': [
        new(0), ('cancel', 0, R_MANUAL, N_OP), ('enter', 0), ('exit', NONE), ('query', 0),
        new(1), ('enter', 1), ('complete', 1), ('exit', NONE), ('query', 1),
    ],
    'on-cancelled': [
        new(0), new(1), ('canc_new', 0), ('on_cancelled', 0, A_END_SELF, 0),
        ('on_cancelled', 0, A_CANCEL, 1), ('on_cancelled', 1, A_GCANCEL, C(0)),
        ('on_cancelled', 1, A_DEADLINE, 0), ('on_cancelled', 1, A_READ, 0),
        ('on_cancelled', 0, A_DISCONNECT, 0), ('begin', 0), ('begin', 1),
        ('cancel', 0, R_MANUAL, N_OP), ('query', 0), ('query', 1), ('end', 1, E_NONE),
    ],
    'on-cancelled-timer': [
        new(0), ('on_cancelled', 0, A_END_SELF, 0), ('on_cancelled', 0, A_PROGRESS, 0),
        ('begin', 0), ('set_timeout', 0, T_1US), ('wait', W1MS), ('query', 0),
    ],
    'gobject-new': [
        new(0, flags=NEW_GOBJECT), new(1, parent=0, flags=NEW_GOBJECT | GOBJECT_SHIELDED),
        new(2, parent=1, flags=NEW_GOBJECT | NO_REGISTRY), ('prop', 2, 0, 0), ('prop', 2, 1, 1),
        ('prop', 2, 2, 0)] + [('prop', 1, 3, i) for i in range(17)] + [
        ('begin', 1), ('prop', 1, 0, NONE), ('prop', 1, 2, 1), ('set_registry', 1, 1),
    ],
    'children': [
        new(0), ('children', 0, 0, 0), new(1, parent=0), new(2, parent=0), ('begin', 1),
        ('begin', 2), ('iterate', 4), ('children', 0, 1, 5), ('end', 1, E_NONE),
        ('children', 0, 0, 6), ('iterate', 4), ('children', 0, 9, 6), ('drop', 0),
        ('iterate', 4),
    ],
    'shielded-deadline': [
        new(0), ('set_deadline', 0, D_1MS), new(1, parent=0, flags=NEW_SHIELDED),
        ('set_timeout', 1, T_60S), new(2, parent=1), ('query', 2), ('begin', 0), ('begin', 1),
        ('begin', 2), ('wait', W3MS), ('query', 1), ('query', 2), ('set_shielded', 1, 0),
        ('query', 2),
    ],
    'cancelled-parent-new-child': [
        new(0), ('cancel', 0, R_CONDITION, N_FORMAT), new(1, parent=0),
        new(2, parent=0, flags=NEW_SHIELDED), new(3), ('set_parent', 3, 0), ('query', 1),
        ('query', 2), ('query', 3), ('begin', 1), ('end', 1, E_NONE), ('query', 1),
    ],
    'abandoned-context': [
        ('context', 1), new(0), ('watch', 0, W_ALL), ('begin', 0), ('progress', 0, F_HALF, N_OP),
        new(1, parent=0), ('watch', 1, W_ALL), ('set_timeout', 1, T_1US), ('children', 0, 0, 7),
        ('reg_renew',), new(2), ('begin', 2), ('context', 1), new(3, parent=2),
        ('watch', 3, W_FINISHED), ('begin', 3), ('context', 0), ('context', 0), ('wait', W1MS),
        ('query', 0), ('end', 3, E_NONE), ('end', 0, E_NONE), ('drop', 0), ('drop', 1),
        ('reg_models', 0), ('reg_stats',), ('end', 2, E_NONE), ('drop', 2), ('drop', 3),
    ],
    'context-left-pushed': [
        ('context', 1), new(0), ('watch', 0, W_ALL), ('begin', 0), ('context', 1), new(1),
        ('watch', 1, W_NOTIFY), ('set_timeout', 1, T_1MS),
    ],
    'tasks': [
        new(0), ('task', 0, 0 | 4), new(1), ('task', 1, 1 | 4), new(2), ('begin', 2),
        ('cancel', 2, R_MANUAL, N_OP), ('task', 2, 2 | 4), new(3), ('task', 3, 3 | 4),
        new(4), ('task', 4, 3 | 4 | 8), new(5), ('task', 5, 3 | 4 | 16), ('task', 7, 0),
        new(6), ('begin', 6), ('complete', 6), ('task', 6, 3 | 4), ('task', 6, 3),
        ('iterate', 8), ('wait', W3MS), ('iterate', 8), ('query', 3), ('query', 4), ('query', 5),
    ],
    'actions': [
        new(0), ('action', 0, 0), ('action', 0, 1), ('action', 0, 2), ('action', 0, 3 | 8),
        ('begin', 0), ('action', 0, 4 | 16), ('query', 0), new(1), ('begin', 1),
        ('action', 1, 0 | 24), ('iterate', 4), ('complete', 1), ('iterate', 4), ('action', 7, 0),
    ],
    'remove-source-elsewhere': [
        ('src_timeout', 0, T_60S), new(0), new(1), ('add_source', 0, 0), ('remove_source', 1, 0),
        ('add_source', 1, 0), ('remove_source', 0, 0), ('add_source', 1, 0), ('begin', 1),
        ('end', 1, E_NONE), ('add_source', 0, 0), ('remove_source', 1, 0),
    ],
}


# Reproducers of defects still open when they were found: not in the
# corpus (the replay test would fail until they are fixed). Write them with
# --open DIR, run them with `fuzz-replay DIR`, and move each into SEEDS once
# its defect is fixed.
OPEN = {
    # A registry holds its context: scope -> registry -> context ->
    # dispatcher -> queued (watched) scope, when the context is dropped
    # without being iterated. Teardown reports them alive.
    'registry-holds-context': [
        ('context', 1), ('reg_renew',), new(0), ('watch', 0, W_NOTIFY),
    ],
}


def write(out, seeds):
    os.makedirs(out, exist_ok=True)
    for name, script in seeds.items():
        with open(os.path.join(out, 'seed-' + name), 'wb') as f:
            f.write(assemble(script))
    print('%d seeds written to %s' % (len(seeds), out))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--open':
        write(sys.argv[2], OPEN)
        return
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus'), SEEDS)


if __name__ == '__main__':
    main()
