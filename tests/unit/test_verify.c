/*
 * libmult unit tests: verify.h: mult_verify passes on valid spaces. (The
 * corruption tests, which need the internals, live elsewhere.)
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

static void
verify_ok(struct mult_space *sp)
{
	struct mult_violation v;

	memset(&v, 0, sizeof v);
	h_verify(sp);
	cr_assert_eq(mult_verify(NULL, sp), 0);
	cr_assert_eq(mult_verify(&v, sp), 0);
}

Test(verify, einval)
{
	struct mult_violation v;

	cr_assert_eq(mult_verify(NULL, NULL), MULT_EINVAL);
	cr_assert_eq(mult_verify(&v, NULL), MULT_EINVAL);
}

Test(verify, empty_space)
{
	struct mult_space *sp = h_space();

	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, domains_without_instances)
{
	struct mult_space *sp = h_space();

	(void)h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	(void)h_dom(sp, "port", MULT_KIND_RANGE, 1, 65535, MULT_DOMAIN_SHARED);
	(void)h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	(void)h_value_dom(sp, "uts", MULT_DOMAIN_INHERIT, 0);
	(void)h_dom(sp, "mem", MULT_KIND_EXCLUSIVE, 1, UINT64_MAX, 0);
	(void)h_dom(sp, "all", MULT_KIND_RANGE, 0, UINT64_MAX - 1, 0);
	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, userns_tree)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t gid = h_dom(sp, "gid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint64_t c, d, g, gg;
	struct mult_extent e[3];

	c = h_inst(sp, MULT_HOST, "c", 0);
	d = h_inst(sp, MULT_HOST, "d", 0);
	g = h_inst(sp, c, "g", 0);
	gg = h_inst(sp, g, "gg", 0);
	h_grant(sp, c, uid, 100000, 65536);
	h_grant(sp, c, gid, 100000, 65536);
	h_grant(sp, d, uid, 165536, 65536);
	verify_ok(sp);
	h_map1(sp, c, uid, 0, 100000, 65536);
	e[0] = h_ext(0, 100000, 1);
	e[1] = h_ext(1, 100100, 1000);
	e[2] = h_ext(5000, 160000, 10);
	cr_assert_eq(mult_range_map(sp, c, gid, e, 3), 0);
	verify_ok(sp);
	h_grant(sp, g, uid, 101000, 1000);
	h_grant(sp, g, uid, 110000, 10);
	h_map1(sp, g, uid, 0, 1000, 1000);
	h_grant(sp, gg, uid, 101500, 10);
	h_map1(sp, gg, uid, 0, 500, 10);
	h_map1(sp, d, uid, 0, 165536, 10);
	verify_ok(sp);
	cr_assert_eq(mult_allot_revoke(sp, g, uid, 110000, 10), 0);
	verify_ok(sp);
	cr_assert_eq(mult_instance_destroy(sp, g), 0);
	verify_ok(sp);
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, shared_domain)
{
	struct mult_space *sp = h_space();
	uint32_t port = h_dom(sp, "port", MULT_KIND_RANGE, 1, 65535,
	    MULT_DOMAIN_SHARED);
	uint64_t a = h_inst(sp, MULT_HOST, "a", 0);
	uint64_t b = h_inst(sp, MULT_HOST, "b", 0);
	uint64_t n = h_inst(sp, MULT_HOST, "n", 0);
	uint64_t ga = h_inst(sp, a, "ga", 0);

	h_grant(sp, a, port, 8000, 100);
	h_grant(sp, b, port, 8000, 100);
	h_map1(sp, a, port, 80, 8080, 1);
	h_map1(sp, b, port, 80, 8080, 1);
	h_map1(sp, n, port, 443, 443, 1);
	h_map1(sp, ga, port, 8080, 80, 1);
	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, numbered_tree)
{
	struct mult_space *sp = h_space();
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint32_t ipc = h_dom(sp, "ipc", MULT_KIND_NUMBERED, 0, 31, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t f1 = h_inst(sp, MULT_HOST, "f1", MULT_INSTANCE_FEDERATED);
	uint64_t f2 = h_inst(sp, MULT_HOST, "f2", MULT_INSTANCE_FEDERATED);
	uint64_t who[5], i, id = 0;

	who[0] = MULT_HOST;
	who[1] = c;
	who[2] = g;
	who[3] = f1;
	who[4] = f2;
	for (i = 1; i <= 500; i++)
		(void)h_alloc(sp, who[i % 5], pid, i);
	for (i = 1; i <= 32; i++)
		(void)h_alloc(sp, who[i % 5], ipc, i);
	cr_assert_eq(mult_num_alloc(&id, sp, g, ipc, 33), MULT_ENOSPC);
	verify_ok(sp);
	for (i = 1; i <= 500; i += 3)
		cr_assert_eq(mult_num_free(sp, who[i % 5], pid, i), 0);
	verify_ok(sp);
	cr_assert_eq(mult_instance_destroy(sp, f1), 0);
	cr_assert_eq(mult_instance_destroy(sp, g), 0);
	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, values_and_exclusive)
{
	struct mult_space *sp = h_space();
	uint32_t uts = h_value_dom(sp, "uts", MULT_DOMAIN_INHERIT, 0);
	uint32_t root = h_value_dom(sp, "root", 0, 4096);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint32_t mem = h_dom(sp, "mem", MULT_KIND_EXCLUSIVE, 1, UINT64_MAX, 0);
	uint64_t c, g, d;

	h_set(sp, MULT_HOST, uts, "hostname", "host");
	c = h_inst(sp, MULT_HOST, "c", 0);
	h_set(sp, c, uts, "hostname", "c");
	h_set(sp, c, root, "path", "/var/c");
	g = h_inst(sp, c, "g", 0);
	d = h_inst(sp, MULT_HOST, "d", MULT_INSTANCE_FEDERATED);
	h_grant(sp, c, cpu, 0, 32);
	h_grant(sp, g, cpu, 8, 8);
	h_grant(sp, d, cpu, 32, 32);
	h_grant(sp, c, mem, 1, (uint64_t)1 << 40);
	h_grant(sp, g, mem, (uint64_t)1 << 30, (uint64_t)1 << 30);
	h_grant(sp, d, mem, UINT64_MAX - 4095, 4096);
	verify_ok(sp);
	cr_assert_eq(mult_value_unset(sp, c, uts, "hostname"), 0);
	cr_assert_eq(mult_allot_revoke(sp, g, cpu, 8, 4), 0);
	verify_ok(sp);
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	verify_ok(sp);
	mult_space_destroy(sp);
}

Test(verify, after_many_failures_and_churn)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 64, 0);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t c, id = 0;
	int round;

	for (round = 0; round < 50; round++) {
		uint64_t base = 100000 + 1000 * (uint64_t)(round % 7);

		c = h_inst(sp, MULT_HOST, NULL, 0);
		h_grant(sp, c, uid, base, 1000);
		cr_assert_eq(mult_allot_grant(sp, c, uid, base, 1),
		    MULT_EOVERLAP);
		h_map1(sp, c, uid, 0, base, 1000);
		cr_assert_eq(h_map1_rc(sp, c, uid, 0, base, 1), MULT_EEXIST);
		h_grant(sp, c, cpu, (uint64_t)round % 64, 1);
		cr_assert_eq(h_alloc(sp, c, pid, 1000 + (uint64_t)round), 1);
		cr_assert_eq(mult_num_alloc(&id, sp, c, pid,
		    1000 + (uint64_t)round), MULT_EEXIST);
		cr_assert_eq(mult_allot_revoke(sp, c, uid, base, 1),
		    MULT_EBUSY);
		verify_ok(sp);
		cr_assert_eq(mult_instance_destroy(sp, c), 0);
	}
	verify_ok(sp);
	mult_space_destroy(sp);
}
