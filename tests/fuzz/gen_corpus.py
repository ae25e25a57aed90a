#!/usr/bin/env python3
"""Write the seed corpus of fuzz_ops (tests/fuzz/corpus/ops/seed-*).

Each seed is a short scenario in fuzz_ops's byte language, so the fuzzer
starts from sequences that get deep (nested maps, objects at depth 3,
values, exclusive units, limits, injected allocation failures). Run from
anywhere: python3 tests/fuzz/gen_corpus.py
SPDX-License-Identifier: ISC
"""
import os

UID, PORT, PID, UTS, CPU, TOP, IPC = range(7)
HOST = 0


def N(v):
    if v < 256:
        return [0, v]
    if v < 65536:
        return [2, v >> 8, v & 255]
    if v < 2**32:
        return [3] + list(v.to_bytes(4, "big"))
    return [4] + list(v.to_bytes(8, "big"))


def create(slot, parent, name=None, fed=False):
    b = 0x20 if name is None else (name % 16)
    if fed:
        b |= 0x40
    return [0, slot, parent, b]


def destroy(slot):
    return [1, slot]


def grant(slot, d, first, count):
    return [2, slot, d] + N(first) + N(count)


def revoke(slot, d, first, count):
    return [3, slot, d] + N(first) + N(count)


def rmap(slot, d, exts):
    out = [4, slot, d, len(exts)]
    for f, l, c in exts:
        out += N(f) + N(l) + N(c)
    return out


def alloc(slot, d, obj):
    return [5, slot, d, obj]


def free(slot, d, obj):
    return [6, slot, d, obj]


def vset(slot, d, key, length):
    return [7, slot, d, key, length]


def vunset(slot, d, key):
    return [8, slot, d, key]


def limit(slot, d, v):
    return [9, slot, d] + N(v)


def reserve(slot, d, v):
    return [10, slot, d] + N(v)


def domain(kind, flags, lo, hi, name):
    return [11, kind, flags] + N(lo) + N(hi) + [0, 0, 32, name]


def read(slot, d, a):
    return [240, slot, d] + N(a) + [4, 4, 64, 0]


def fault(k, op, persistent=False):
    return [200, (k - 1) | (0x80 if persistent else 0)] + op


def nested():
    s = create(1, HOST, 1) + grant(1, UID, 100, 1000) + rmap(1, UID, [(0, 100, 1000)])
    s += create(2, 1, 2) + grant(2, UID, 100, 500) + rmap(2, UID, [(0, 0, 500)])
    s += create(3, 2, 3) + grant(3, UID, 100, 100) + rmap(3, UID, [(0, 0, 100)])
    for i in (0, 1, 99, 100, 101):
        s += read(3, UID, i) + read(2, UID, i + 100)
    return s


def cve(perm):
    s = create(1, HOST, 1) + grant(1, UID, 1000, 1000) + rmap(1, UID, [(0, 1000, 1000)])
    s += create(2, 1) + grant(2, UID, 1000, 1000)
    if perm:
        exts = [(0, 5, 1), (1, 4, 1), (2, 3, 1), (3, 2, 1), (4, 1, 1), (5, 0, 1), (6, 6, 994)]
    else:
        exts = [(0, 0, 1), (1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1), (5, 5, 990)]
    s += rmap(2, UID, exts)
    for i in range(0, 8):
        s += read(2, UID, i) + read(1, UID, 1000 + i)
    return s


def pids():
    s = create(1, HOST, 1) + create(2, 1) + create(3, 2)
    for o in range(1, 12):
        s += alloc(1 + o % 3, PID, o) + alloc(o % 4, IPC, 20 + o)
    s += read(3, PID, 1) + read(1, PID, 3) + free(3, PID, 3) + free(2, PID, 3)
    s += destroy(2) + read(1, PID, 1)
    return s


def values():
    s = vset(HOST, UTS, 0, 5) + vset(HOST, UTS, 3, 7) + create(1, HOST, 1)
    s += create(2, 1) + vset(2, UTS, 1, 16) + vunset(1, UTS, 0) + read(2, UTS, 0)
    s += vset(2, UTS, 5, 3) + vset(2, UTS, 4, 3) + vset(2, UTS, 2, 17) + limit(1, UTS, 20)
    s += vset(2, UTS, 2, 15)
    return s


def cpus():
    s = create(1, HOST, 1) + grant(1, CPU, 0, 16) + create(2, 1) + grant(2, CPU, 0, 4)
    s += create(3, 2) + grant(3, CPU, 1, 2) + read(HOST, CPU, 2) + revoke(1, CPU, 8, 4)
    s += revoke(3, CPU, 1, 1) + grant(4, CPU, 3, 1) + destroy(2) + read(HOST, CPU, 1)
    return s


def limits():
    s = create(1, HOST, 1) + create(2, 1) + create(3, 1) + limit(1, PID, 10)
    s += reserve(2, PID, 4) + [5, 3, PID, 1] * 1
    for o in range(2, 10):
        s += alloc(3, PID, o)
    s += alloc(2, PID, 50) + reserve(2, PID, 0) + grant(1, CPU, 0, 8) + reserve(2, CPU, 3)
    s += grant(3, CPU, 0, 6) + limit(HOST, PID, 5) + limit(HOST, PID, 300)
    return s


def federated():
    s = create(1, HOST, 1, fed=True) + create(2, HOST, 2, fed=True) + create(3, 1)
    s += alloc(1, PID, 1) + alloc(2, PID, 2) + read(1, PID, 1) + read(2, PID, 1)
    s += grant(1, PORT, 80, 10) + rmap(1, PORT, [(80, 80, 10)]) + rmap(2, PORT, [(80, 80, 10)])
    s += destroy(1) + read(2, PID, 1)
    return s


def top():
    lo = 2**64 - 4097
    s = create(1, HOST) + grant(1, TOP, lo, 4096) + grant(1, TOP, 2**64 - 2, 5)
    s += rmap(1, TOP, [(lo, lo, 4096)]) + rmap(1, TOP, [(2**64 - 10, lo, 20)])
    s += read(1, TOP, 2**64 - 2) + read(HOST, TOP, 2**64 - 1)
    return s


def shared():
    s = create(1, HOST) + grant(1, PORT, 1000, 100) + rmap(1, PORT, [(1, 1000, 100)])
    s += create(2, 1) + rmap(2, PORT, [(80, 80, 10), (1, 1, 5)]) + read(2, PORT, 80)
    s += create(3, HOST) + rmap(3, PORT, [(1, 1000, 10)]) + read(HOST, PORT, 1000)
    return s


def faults(k):
    s = create(1, HOST, 1) + grant(1, UID, 100, 1000)
    s += fault(k, create(2, 1, 2)) + create(2, 1, 2)
    s += fault(k, rmap(1, UID, [(0, 100, 1000)])) + rmap(1, UID, [(0, 100, 1000)])
    s += fault(k, alloc(2, PID, 7)) + alloc(2, PID, 7)
    s += fault(k, vset(2, UTS, 0, 4)) + fault(k, grant(2, CPU, 0, 2))
    s += fault(k, reserve(2, PID, 3)) + fault(k, destroy(2), persistent=True)
    s += fault(k, revoke(1, UID, 1000, 10))
    return s


def domains():
    s = domain(1, 0, 0, 99, 0) + domain(3, 2, 0, 0, 1) + domain(2, 0, 0, 2**32 - 1, 2)
    s += domain(4, 0, 5, 4, 3) + domain(2, 0, 0, 2**32, 4) + domain(1, 1, 0, 2**64 - 1, 5)
    s += create(1, HOST) + grant(1, 7, 0, 10) + alloc(1, 9, 3) + vset(1, 8, 0, 3)
    return s


def bad():
    s = create(1, 0) + destroy(0) + grant(0, UID, 0, 1) + grant(1, UID, 2**64 - 1, 2)
    s += rmap(1, UID, [(0, 0, 0)]) + [4, 1, UID, 255] + rmap(1, UID, [(0, 0, 5), (3, 10, 5)])
    s += alloc(1, UID, 1) + alloc(1, PID, 0) + vset(1, PID, 0, 1) + [1, 210] + [1, 201]
    s += limit(0, UID, 1) + reserve(0, PID, 1) + read(250, 255, 0)
    return s


SEEDS = {
    "nested": nested(), "cve-identical": cve(False), "cve-permuted": cve(True),
    "pids": pids(), "values": values(), "cpus": cpus(), "limits": limits(),
    "federated": federated(), "top": top(), "shared": shared(),
    "domains": domains(), "bad": bad(),
}
for k in range(1, 9):
    SEEDS["faults-%d" % k] = faults(k)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "ops")
os.makedirs(out, exist_ok=True)
for name, data in sorted(SEEDS.items()):
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(bytes(b & 255 for b in data))
print("%d seeds in %s" % (len(SEEDS), out))
