"""Tests of the Python binding: every call, its errors, and mult's own case.

Run by ctest (label "bindings") with MULT_LIBRARY pointing at the built
libmult.so:  MULT_LIBRARY=build/default/libmult.so python3 -m unittest \
    discover -s bindings/python -v

SPDX-License-Identifier: ISC
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mult  # noqa: E402


class Base(unittest.TestCase):
    def setUp(self):
        self.sp = mult.Space()
        self.uid = self.sp.domain("uid", mult.RANGE, 0, 2**32 - 1)
        self.pid = self.sp.domain("pid", mult.NUMBERED, 1, 4194304)
        self.uts = self.sp.domain("uts", mult.VALUE, flags=mult.INHERIT)
        self.cpu = self.sp.domain("cpu", mult.EXCLUSIVE, 0, 63)

    def tearDown(self):
        self.sp.close()

    def assertFails(self, code, fn, *args):
        with self.assertRaises(mult.MultError) as cm:
            fn(*args)
        self.assertEqual(cm.exception.code, code, str(cm.exception))


class TestLibrary(Base):
    def test_version_and_strerror(self):
        self.assertEqual(mult.version(), (0, 1, 0))
        self.assertEqual(mult.strerror(0), "success")
        self.assertEqual(mult.strerror(mult.EQUOTA), "over quota")
        for name, code in mult.ERRORS.items():
            self.assertNotEqual(mult.strerror(code), "", name)

    def test_domains(self):
        self.assertEqual(self.sp.domain_find("pid"), self.pid)
        self.assertFails(mult.ENOENT, self.sp.domain_find, "nope")
        self.assertFails(mult.EEXIST, self.sp.domain, "uid", mult.RANGE, 0, 9)
        self.assertFails(mult.EINVAL, self.sp.domain, "bad", 99, 0, 9)

    def test_instances(self):
        web = self.sp.instance_create(mult.HOST, "web", mult.FEDERATED)
        info = self.sp.instance_info(web)
        self.assertEqual(info, {"id": web, "parent": mult.HOST, "depth": 1,
                                "flags": mult.FEDERATED, "name": "web"})
        self.assertEqual(self.sp.instance_find("web"), web)
        self.assertFails(mult.EEXIST, self.sp.instance_create, mult.HOST,
                         "web")
        self.assertFails(mult.EPERM, self.sp.instance_create, web, "child")
        self.assertFails(mult.E2BIG, self.sp.instance_create, mult.HOST,
                         "x" * 64)
        self.sp.instance_destroy(web)
        self.assertFails(mult.ESTALE, self.sp.instance_info, web)
        self.assertFails(mult.ENOENT, self.sp.instance_info, 12345)
        self.assertFails(mult.EPERM, self.sp.instance_destroy, mult.HOST)

    def test_range_map_uid_map_semantics(self):
        ct = self.sp.instance_create(mult.HOST, "ct")
        self.sp.allot_grant(ct, self.uid, 100000, 65536)
        self.assertEqual(self.sp.allot_get(ct, self.uid), [(100000, 65536)])
        self.sp.range_map(ct, self.uid, [(0, 100000, 65536)])
        self.assertEqual(self.sp.range_get(ct, self.uid), [(0, 100000, 65536)])
        self.assertEqual(self.sp.range_down(ct, self.uid, 0), 100000)
        self.assertEqual(self.sp.range_up(ct, self.uid, 165535), 65535)
        self.assertEqual(self.sp.range_up(mult.HOST, self.uid, 7), 7)
        self.assertEqual(self.sp.range_down_many(ct, self.uid,
                                                 [0, 65536, 65535], 65534),
                         [100000, 65534, 165535])
        self.assertEqual(self.sp.range_up_many(ct, self.uid, [165535, 7], 0),
                         [65535, 0])
        self.assertFails(mult.ENOENT, self.sp.range_down, ct, self.uid, 65536)
        self.assertFails(mult.EEXIST, self.sp.range_map, ct, self.uid,
                         [(0, 100000, 1)])
        # a nested map is written in the parent's view, stored flattened
        inner = self.sp.instance_create(ct, "inner")
        self.sp.allot_grant(inner, self.uid, 110000, 1000)
        self.sp.range_map(inner, self.uid, [(0, 10000, 1000)])
        self.assertEqual(self.sp.range_down(inner, self.uid, 5), 110005)
        self.assertEqual(self.sp.range_up(ct, self.uid, 110005), 10005)
        # a sibling can't take what ct holds, nor see its resources
        peer = self.sp.instance_create(mult.HOST, "peer")
        self.assertFails(mult.EOVERLAP, self.sp.allot_grant, peer, self.uid,
                         100000, 10)
        self.assertFails(mult.ENOENT, self.sp.range_up, peer, self.uid, 100000)
        self.assertFails(mult.EBUSY, self.sp.allot_revoke, ct, self.uid,
                         100000, 1)
        self.assertFails(mult.E2BIG, self.sp.range_map, peer, self.uid,
                         [(i, i, 1) for i in range(mult.EXTENTS_MAX + 1)])
        self.assertFails(mult.EKIND, self.sp.range_down, ct, self.pid, 0)
        self.sp.verify()

    def test_numbered_init_per_instance(self):
        web = self.sp.instance_create(mult.HOST, "web", mult.FEDERATED)
        db = self.sp.instance_create(mult.HOST, "db", mult.FEDERATED)
        self.assertEqual(self.sp.num_alloc(web, self.pid, 0xa1), 1)
        self.assertEqual(self.sp.num_alloc(db, self.pid, 0xb1), 1)
        self.assertEqual(self.sp.num_lookup(web, self.pid, 1), 0xa1)
        self.assertEqual(self.sp.num_lookup(db, self.pid, 1), 0xb1)
        self.assertEqual(self.sp.num_lookup_many(web, self.pid, [1, 2, 0]),
                         [0xa1, 0, 0])
        self.assertEqual(self.sp.num_lookup_many(db, self.pid, []), [])
        host_view = {self.sp.num_number(mult.HOST, self.pid, o)
                     for o in (0xa1, 0xb1)}
        self.assertEqual(len(host_view), 2)
        self.assertFails(mult.ENOENT, self.sp.num_number, db, self.pid, 0xa1)
        self.assertFails(mult.EEXIST, self.sp.num_alloc, db, self.pid, 0xa1)
        self.assertFails(mult.ENOENT, self.sp.num_free, db, self.pid, 0xa1)
        self.sp.num_free(web, self.pid, 0xa1)
        self.assertFails(mult.ENOENT, self.sp.num_lookup, web, self.pid, 1)
        self.assertFails(mult.EINVAL, self.sp.num_alloc, web, self.pid, 0)
        self.sp.verify()

    def test_values(self):
        web = self.sp.instance_create(mult.HOST, "web")
        self.sp.value_set(web, self.uts, "hostname", b"web1")
        child = self.sp.instance_create(web, "child")   # inherits
        self.assertEqual(self.sp.value_get(child, self.uts, "hostname"),
                         b"web1")
        self.sp.value_set(child, self.uts, "hostname", b"")
        self.assertEqual(self.sp.value_get(child, self.uts, "hostname"), b"")
        self.assertEqual(self.sp.value_get(web, self.uts, "hostname"), b"web1")
        self.sp.value_unset(web, self.uts, "hostname")
        self.assertFails(mult.ENOENT, self.sp.value_get, web, self.uts,
                         "hostname")
        self.assertFails(mult.E2BIG, self.sp.value_set, web, self.uts, "k",
                         b"x" * 257)
        self.assertFails(mult.EINVAL, self.sp.value_get, web, self.uts, "")

    def test_exclusive_and_limits(self):
        g0 = self.sp.instance_create(mult.HOST, "g0", mult.FEDERATED)
        g1 = self.sp.instance_create(mult.HOST, "g1", mult.FEDERATED)
        self.sp.limit_set(g0, self.cpu, 4)
        self.sp.allot_grant(g0, self.cpu, 0, 4)
        self.assertFails(mult.EQUOTA, self.sp.allot_grant, g0, self.cpu, 4, 1)
        self.assertFails(mult.EOVERLAP, self.sp.allot_grant, g1, self.cpu,
                         3, 2)
        self.assertEqual(self.sp.excl_owner(self.cpu, 2), g0)
        self.assertEqual(self.sp.excl_owner(self.cpu, 9), mult.HOST)
        self.assertFails(mult.ERANGE, self.sp.excl_owner, self.cpu, 64)
        u = self.sp.limit_get(g0, self.cpu)
        self.assertEqual((u.usage, u.limit, u.refusals, u.refused_by),
                         (4, 4, 1, g0))
        self.assertFails(mult.EBUSY, self.sp.limit_set, g0, self.cpu, 3)
        # a reservation its peer can never take
        self.sp.limit_reserve(g1, self.pid, 10)
        self.sp.limit_set(mult.HOST, self.pid, 12)
        self.sp.num_alloc(g0, self.pid, 1)
        self.sp.num_alloc(g0, self.pid, 2)
        self.assertFails(mult.EQUOTA, self.sp.num_alloc, g0, self.pid, 3)
        for obj in range(100, 110):
            self.sp.num_alloc(g1, self.pid, obj)
        self.assertEqual(self.sp.limit_get(mult.HOST, self.pid).usage, 12)
        self.assertFails(mult.EPERM, self.sp.limit_reserve, mult.HOST,
                         self.pid, 1)
        self.sp.verify()

    def test_destroy_cascades_and_peers_stay(self):
        web = self.sp.instance_create(mult.HOST, "web", mult.FEDERATED)
        db = self.sp.instance_create(mult.HOST, "db", mult.FEDERATED)
        self.sp.num_alloc(web, self.pid, 0xa1)
        self.sp.num_alloc(db, self.pid, 0xb1)
        ct = self.sp.instance_create(mult.HOST, "ct")
        inner = self.sp.instance_create(ct, "inner")
        self.sp.instance_destroy(web)
        self.sp.instance_destroy(ct)
        self.assertFails(mult.ESTALE, self.sp.instance_info, inner)
        self.assertEqual(self.sp.num_lookup(db, self.pid, 1), 0xb1)
        self.assertFails(mult.ENOENT, self.sp.num_number, mult.HOST,
                         self.pid, 0xa1)
        self.sp.verify()

    def test_num_ref_outlives_its_instance(self):
        ct = self.sp.instance_create(mult.HOST, "ct")
        self.sp.num_alloc(ct, self.pid, 0xc1)
        with self.sp.num_ref(ct, self.pid) as ref:
            self.assertEqual(ref.lookup(1), 0xc1)
            self.assertFails(mult.ENOENT, ref.lookup, 2)
            self.sp.instance_destroy(ct)
            self.assertFails(mult.ESTALE, ref.lookup, 1)
        self.assertFails(mult.EKIND, self.sp.num_ref, mult.HOST, self.uid)
        self.assertFails(mult.ESTALE, self.sp.num_ref, ct, self.pid)
        # a reference still held when the space closes is put first
        sp = mult.Space()
        pid = sp.domain("pid", mult.NUMBERED, 1, 100)
        held = sp.num_ref(mult.HOST, pid)
        sp.close()
        held.put()
        self.sp.verify()

    def test_space_closes_once(self):
        sp = mult.Space()
        sp.close()
        sp.close()   # NULL-safe, as mult_space_destroy(NULL) is
        with mult.Space() as sp2:
            self.assertEqual(sp2.instance_info(mult.HOST)["depth"], 0)


if __name__ == "__main__":
    unittest.main()
