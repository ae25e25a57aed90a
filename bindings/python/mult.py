"""libmult from Python: instance-aware resource namespaces, through ctypes.

A thin, complete layer over the C API (include/mult.h). Every C function is
declared with its argument and result types (ctypes' default int result
would truncate pointers), every non-zero code becomes a MultError that
carries the code, and handles stay plain integers, as in C.

    import mult
    with mult.Space() as sp:
        uid = sp.domain("uid", mult.RANGE, 0, 2**32 - 1)
        ct = sp.instance_create(mult.HOST, "ct")
        sp.allot_grant(ct, uid, 100000, 65536)
        sp.range_map(ct, uid, [(0, 100000, 65536)])
        assert sp.range_down(ct, uid, 0) == 100000

The shared library is found through $MULT_LIBRARY (a path), else as
"libmult.so.0" on the loader's path.

SPDX-License-Identifier: ISC
"""

import ctypes
import os

__all__ = [
    "MultError", "NumRef", "Space", "Usage", "Violation", "strerror",
    "version",
    "HOST", "UNLIMITED", "RANGE", "NUMBERED", "VALUE", "EXCLUSIVE",
    "SHARED", "INHERIT", "FEDERATED",
]

# ---- constants, as pinned in the headers ----------------------------------

HOST = 1
UNLIMITED = 2**64 - 1
RANGE, NUMBERED, VALUE, EXCLUSIVE = 1, 2, 3, 4
SHARED, INHERIT = 0x1, 0x2
FEDERATED = 0x1
NAME_MAX = 63
EXTENTS_MAX = 340
VALUE_MAX = 65536

ERRORS = {
    "EINVAL": -1, "ENOMEM": -2, "EEXIST": -3, "ENOENT": -4, "EOVERLAP": -5,
    "ERANGE": -6, "EQUOTA": -7, "EBUSY": -8, "ESTALE": -9, "EKIND": -10,
    "ENOSPC": -11, "E2BIG": -12, "ECORRUPT": -13, "EPERM": -14,
}
globals().update(ERRORS)
__all__ += list(ERRORS)

# ---- the C structures -------------------------------------------------------

_u32, _u64, _size = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t


class _DomainOpts(ctypes.Structure):
    _fields_ = [("size", _size), ("kind", ctypes.c_int), ("flags", _u32),
                ("lo", _u64), ("hi", _u64), ("value_max", _u32)]


class _Extent(ctypes.Structure):
    _fields_ = [("first", _u64), ("lower", _u64), ("count", _u64)]


class _Interval(ctypes.Structure):
    _fields_ = [("first", _u64), ("count", _u64)]


class _InstanceInfo(ctypes.Structure):
    _fields_ = [("id", _u64), ("parent", _u64), ("depth", _u32),
                ("flags", _u32), ("name", ctypes.c_char * (NAME_MAX + 1))]


class _Usage(ctypes.Structure):
    _fields_ = [(f, _u64) for f in
                ("usage", "peak", "limit", "reserve", "refusals", "refused_by")]


class _Violation(ctypes.Structure):
    _fields_ = [("invariant", ctypes.c_int), ("dom", _u32), ("inst", _u64),
                ("other", _u64), ("a", _u64), ("b", _u64),
                ("what", ctypes.c_char * 96)]


# ---- the library --------------------------------------------------------------

def _load():
    path = os.environ.get("MULT_LIBRARY") or "libmult.so.0"
    lib = ctypes.CDLL(path)
    P, I = ctypes.POINTER, ctypes.c_int
    sp, s, vp = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p
    protos = {
        "mult_strerror": (ctypes.c_char_p, [I]),
        "mult_version": (_u32, []),
        "mult_space_create": (I, [P(sp), vp]),
        "mult_space_destroy": (None, [sp]),
        "mult_domain_create": (I, [P(_u32), sp, s, P(_DomainOpts)]),
        "mult_domain_find": (I, [P(_u32), sp, s]),
        "mult_instance_create": (I, [P(_u64), sp, _u64, s, _u32]),
        "mult_instance_destroy": (I, [sp, _u64]),
        "mult_instance_find": (I, [P(_u64), sp, s]),
        "mult_instance_info": (I, [P(_InstanceInfo), sp, _u64]),
        "mult_allot_grant": (I, [sp, _u64, _u32, _u64, _u64]),
        "mult_allot_revoke": (I, [sp, _u64, _u32, _u64, _u64]),
        "mult_allot_get": (I, [P(_Interval), _size, P(_size), sp, _u64, _u32]),
        "mult_range_map": (I, [sp, _u64, _u32, P(_Extent), _size]),
        "mult_range_down": (I, [P(_u64), sp, _u64, _u32, _u64]),
        "mult_range_up": (I, [P(_u64), sp, _u64, _u32, _u64]),
        "mult_range_down_many": (I, [P(_u64), P(_size), sp, _u64, _u32,
                                     P(_u64), _size, _u64]),
        "mult_range_up_many": (I, [P(_u64), P(_size), sp, _u64, _u32,
                                   P(_u64), _size, _u64]),
        "mult_range_get": (I, [P(_Extent), _size, P(_size), sp, _u64, _u32]),
        "mult_num_alloc": (I, [P(_u64), sp, _u64, _u32, _u64]),
        "mult_num_free": (I, [sp, _u64, _u32, _u64]),
        "mult_num_lookup": (I, [P(_u64), sp, _u64, _u32, _u64]),
        "mult_num_lookup_many": (I, [P(_u64), P(_size), sp, _u64, _u32,
                                     P(_u64), _size]),
        "mult_num_number": (I, [P(_u64), sp, _u64, _u32, _u64]),
        "mult_num_ref_get": (I, [P(vp), sp, _u64, _u32]),
        "mult_num_ref_put": (None, [vp]),
        "mult_num_ref_lookup": (I, [P(_u64), vp, _u64]),
        "mult_value_set": (I, [sp, _u64, _u32, s, vp, _size]),
        "mult_value_get": (I, [vp, _size, P(_size), sp, _u64, _u32, s]),
        "mult_value_unset": (I, [sp, _u64, _u32, s]),
        "mult_excl_owner": (I, [P(_u64), sp, _u32, _u64]),
        "mult_limit_set": (I, [sp, _u64, _u32, _u64]),
        "mult_limit_reserve": (I, [sp, _u64, _u32, _u64]),
        "mult_limit_get": (I, [P(_Usage), sp, _u64, _u32]),
        "mult_verify": (I, [P(_Violation), sp]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


_lib = _load()


def strerror(code):
    """The text of a MULT_E* code (or of 0)."""
    return _lib.mult_strerror(code).decode()


def version():
    """The linked library's version as (major, minor, patch)."""
    v = _lib.mult_version()
    return (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff


class MultError(Exception):
    """A call failed; .code is the negative MULT_E* value, .name its name."""

    def __init__(self, code, call):
        self.code = code
        self.name = next((n for n, c in ERRORS.items() if c == code), str(code))
        super().__init__(f"{call}: {strerror(code)} ({self.name})")


def _check(code, call):
    if code != 0:
        raise MultError(code, call)


def _name(s):
    return None if s is None else s.encode()


class Usage(tuple):
    """mult_limit_get()'s answer: usage, peak, limit, reserve, refusals,
    refused_by, as attributes."""
    __slots__ = ()
    _fields = ("usage", "peak", "limit", "reserve", "refusals", "refused_by")

    def __new__(cls, u):
        return tuple.__new__(cls, (getattr(u, f) for f in cls._fields))

    def __getattr__(self, f):
        return self[self._fields.index(f)]


class Violation(Exception):
    """mult_verify() found a broken invariant (I1-I8)."""

    def __init__(self, v):
        self.invariant, self.dom, self.inst = v.invariant, v.dom, v.inst
        self.other, self.a, self.b = v.other, v.a, v.b
        self.what = v.what.decode()
        super().__init__(f"I{v.invariant} broken in domain {v.dom}, instance "
                         f"{v.inst:#x}: {self.what}")


class Space:
    """One engine: its domains and its tree of instances under HOST.

    Methods are the C functions without their "mult_" prefix and space
    argument; out-parameters become return values. Use it as a context
    manager, or call close(), to destroy the space.
    """

    def __init__(self):
        self._sp = ctypes.c_void_p()
        self._refs = set()
        _check(_lib.mult_space_create(ctypes.byref(self._sp), None),
               "mult_space_create")

    def close(self):
        if self._sp:
            for ref in list(self._refs):
                ref.put()
            _lib.mult_space_destroy(self._sp)
            self._sp = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _out(self, fn, ctype, *args):
        out = ctype()
        _check(getattr(_lib, fn)(ctypes.byref(out), self._sp, *args), fn)
        return out.value

    # -- domains and instances

    def domain(self, name, kind, lo=0, hi=0, flags=0, value_max=0):
        opts = _DomainOpts(ctypes.sizeof(_DomainOpts), kind, flags, lo, hi,
                           value_max)
        out = _u32()
        _check(_lib.mult_domain_create(ctypes.byref(out), self._sp,
                                       _name(name), ctypes.byref(opts)),
               "mult_domain_create")
        return out.value

    def domain_find(self, name):
        return self._out("mult_domain_find", _u32, _name(name))

    def instance_create(self, parent=HOST, name=None, flags=0):
        return self._out("mult_instance_create", _u64, parent, _name(name),
                         flags)

    def instance_destroy(self, inst):
        _check(_lib.mult_instance_destroy(self._sp, inst),
               "mult_instance_destroy")

    def instance_find(self, name):
        return self._out("mult_instance_find", _u64, _name(name))

    def instance_info(self, inst):
        info = _InstanceInfo()
        _check(_lib.mult_instance_info(ctypes.byref(info), self._sp, inst),
               "mult_instance_info")
        return {"id": info.id, "parent": info.parent, "depth": info.depth,
                "flags": info.flags, "name": info.name.decode()}

    # -- allotments (range and exclusive domains)

    def allot_grant(self, inst, dom, first, count):
        _check(_lib.mult_allot_grant(self._sp, inst, dom, first, count),
               "mult_allot_grant")

    def allot_revoke(self, inst, dom, first, count):
        _check(_lib.mult_allot_revoke(self._sp, inst, dom, first, count),
               "mult_allot_revoke")

    def _list(self, fn, ctype, inst, dom, fields):
        n, cap = _size(), 16
        while True:
            buf = (ctype * cap)()
            rc = getattr(_lib, fn)(buf, cap, ctypes.byref(n), self._sp, inst,
                                   dom)
            if rc == ERANGE and n.value > cap:
                cap = n.value
                continue
            _check(rc, fn)
            return [tuple(getattr(x, f) for f in fields)
                    for x in buf[:n.value]]

    def allot_get(self, inst, dom):
        """The allotment as [(first, count), ...]."""
        return self._list("mult_allot_get", _Interval, inst, dom,
                          ("first", "count"))

    # -- range domains

    def range_map(self, inst, dom, extents):
        """Write the map once: extents are (first, lower, count) tuples."""
        arr = (_Extent * max(len(extents), 1))(*extents)
        _check(_lib.mult_range_map(self._sp, inst, dom, arr, len(extents)),
               "mult_range_map")

    def range_down(self, inst, dom, ident):
        return self._out("mult_range_down", _u64, inst, dom, ident)

    def range_up(self, viewer, dom, res):
        return self._out("mult_range_up", _u64, viewer, dom, res)

    def _many(self, fn, inst, dom, values, miss):
        values = list(values)
        n = len(values)
        out = (_u64 * n)()
        _check(getattr(_lib, fn)(out, None, self._sp, inst, dom,
                                 (_u64 * n)(*values), n, miss), fn)
        return list(out)

    def range_down_many(self, inst, dom, idents, miss):
        """Resources for many identities, miss where one is unmapped."""
        return self._many("mult_range_down_many", inst, dom, idents, miss)

    def range_up_many(self, viewer, dom, resources, miss):
        """Identities viewer sees for many resources, miss where none."""
        return self._many("mult_range_up_many", viewer, dom, resources,
                          miss)

    def range_get(self, inst, dom):
        """The map as written, [(first, lower, count), ...] by first."""
        return self._list("mult_range_get", _Extent, inst, dom,
                          ("first", "lower", "count"))

    # -- numbered domains

    def num_alloc(self, inst, dom, obj):
        return self._out("mult_num_alloc", _u64, inst, dom, obj)

    def num_free(self, inst, dom, obj):
        _check(_lib.mult_num_free(self._sp, inst, dom, obj), "mult_num_free")

    def num_lookup(self, inst, dom, ident):
        return self._out("mult_num_lookup", _u64, inst, dom, ident)

    def num_lookup_many(self, inst, dom, idents):
        """The objects the identities name, 0 where none, in one call."""
        idents = list(idents)
        n = len(idents)
        ids = (_u64 * n)(*idents)
        objs = (_u64 * n)()
        _check(_lib.mult_num_lookup_many(objs, None, self._sp, inst, dom,
                                         ids, n), "mult_num_lookup_many")
        return list(objs)

    def num_number(self, viewer, dom, obj):
        return self._out("mult_num_number", _u64, viewer, dom, obj)

    def num_ref(self, inst, dom):
        """A NumRef: a held reference to inst's objects in dom."""
        ref = ctypes.c_void_p()
        _check(_lib.mult_num_ref_get(ctypes.byref(ref), self._sp, inst, dom),
               "mult_num_ref_get")
        return NumRef(self, ref)

    # -- value domains

    def value_set(self, inst, dom, key, val):
        val = bytes(val)
        _check(_lib.mult_value_set(self._sp, inst, dom, _name(key), val,
                                   len(val)), "mult_value_set")

    def value_get(self, inst, dom, key):
        n = _size()
        buf = ctypes.create_string_buffer(VALUE_MAX)
        _check(_lib.mult_value_get(buf, VALUE_MAX, ctypes.byref(n), self._sp,
                                   inst, dom, _name(key)), "mult_value_get")
        return buf.raw[:n.value]

    def value_unset(self, inst, dom, key):
        _check(_lib.mult_value_unset(self._sp, inst, dom, _name(key)),
               "mult_value_unset")

    # -- exclusive domains

    def excl_owner(self, dom, unit):
        out = _u64()
        _check(_lib.mult_excl_owner(ctypes.byref(out), self._sp, dom, unit),
               "mult_excl_owner")
        return out.value

    # -- limits

    def limit_set(self, inst, dom, limit):
        _check(_lib.mult_limit_set(self._sp, inst, dom, limit),
               "mult_limit_set")

    def limit_reserve(self, inst, dom, reserve):
        _check(_lib.mult_limit_reserve(self._sp, inst, dom, reserve),
               "mult_limit_reserve")

    def limit_get(self, inst, dom):
        u = _Usage()
        _check(_lib.mult_limit_get(ctypes.byref(u), self._sp, inst, dom),
               "mult_limit_get")
        return Usage(u)

    # -- the verifier

    def verify(self):
        """Raise Violation if an invariant is broken; else return None."""
        v = _Violation()
        rc = _lib.mult_verify(ctypes.byref(v), self._sp)
        if rc == ECORRUPT:  # noqa: F821 (set from ERRORS)
            raise Violation(v)
        _check(rc, "mult_verify")


class NumRef:
    """mult_num_ref_get()'s reference: lookup() until put().

    It stays usable after its instance is destroyed (lookup() then raises
    MultError with ESTALE). Use it as a context manager, or call put(); the
    space puts the references still held when it is closed.
    """

    def __init__(self, space, ref):
        self._space, self._ref = space, ref
        space._refs.add(self)

    def lookup(self, ident):
        out = _u64()
        _check(_lib.mult_num_ref_lookup(ctypes.byref(out), self._ref, ident),
               "mult_num_ref_lookup")
        return out.value

    def put(self):
        if self._ref:
            _lib.mult_num_ref_put(self._ref)
            self._ref = ctypes.c_void_p()
            self._space._refs.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.put()
