/*
 * libmult unit tests: space.h: mult_space_create, mult_space_destroy; the
 * caller's allocator; independence of spaces.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

Test(space, create_null_opts_holds_only_the_host)
{
	struct mult_space *sp = NULL;
	struct mult_instance_info info;
	uint32_t d;

	cr_assert_eq(mult_space_create(&sp, NULL), 0);
	cr_assert_not_null(sp);
	cr_assert_eq(mult_instance_info(&info, sp, MULT_HOST), 0);
	cr_assert_eq(info.id, MULT_HOST);
	cr_assert_eq(info.parent, 0);
	cr_assert_eq(info.depth, 0);
	/* no domains */
	cr_assert_eq(mult_domain_find(&d, sp, "uid"), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(space, create_with_default_opts_and_seed)
{
	static const struct mult_space_opts init = MULT_SPACE_OPTS_INIT;
	struct mult_space_opts o = init;
	struct mult_space *sp = NULL;
	uint32_t d, d2;

	cr_assert_eq(o.size, sizeof(struct mult_space_opts));
	cr_assert_null(o.allocator);
	cr_assert_eq(o.seed, 0);
	cr_assert_eq(mult_space_create(&sp, &o), 0);
	cr_assert_not_null(sp);
	mult_space_destroy(sp);

	o.seed = 0x0123456789abcdefULL;
	sp = NULL;
	cr_assert_eq(mult_space_create(&sp, &o), 0);
	cr_assert_not_null(sp);
	d = h_dom(sp, "uid", MULT_KIND_RANGE, 0, 1000, 0);
	cr_assert_eq(mult_domain_find(&d2, sp, "uid"), 0);
	cr_assert_eq(d, d2);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(space, create_einval)
{
	static const struct mult_space_opts init = MULT_SPACE_OPTS_INIT;
	struct mult_space_opts o = init;
	struct mult_allocator al;
	struct mult_space *sp = (struct mult_space *)&o; /* sentinel */
	struct mult_space *const sentinel = sp;
	struct h_fa fa;

	memset(&fa, 0, sizeof fa);
	fa.fail_after = -1;

	cr_assert_eq(mult_space_create(NULL, NULL), MULT_EINVAL);
	cr_assert_eq(mult_space_create(NULL, &o), MULT_EINVAL);

	o.size = 0;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");
	o.size = 1;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");
	o.size = sizeof o - 1;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");

	o = init;
	al.alloc = NULL;
	al.free = h_fa_free;
	al.ctx = &fa;
	o.allocator = &al;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");

	al.alloc = h_fa_alloc;
	al.free = NULL;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");

	al.alloc = NULL;
	cr_assert_eq(mult_space_create(&sp, &o), MULT_EINVAL);
	cr_assert_eq(sp, sentinel, "out touched on error");
	cr_assert_eq(fa.allocs, 0, "allocated on a refused create");
}

Test(space, create_enomem_leaves_nothing)
{
	static const struct mult_space_opts init = MULT_SPACE_OPTS_INIT;
	struct mult_space_opts o = init;
	struct mult_allocator al;
	struct mult_space *sp;
	struct mult_space *const sentinel = (struct mult_space *)&o;
	struct h_fa fa;
	long k;
	int rc = MULT_ENOMEM;

	memset(&fa, 0, sizeof fa);
	al.alloc = h_fa_alloc;
	al.free = h_fa_free;
	al.ctx = &fa;
	o.allocator = &al;
	for (k = 0; k < 10000; k++) {
		sp = sentinel;
		h_fa_arm(&fa, k);
		rc = mult_space_create(&sp, &o);
		h_fa_arm(&fa, -1);
		if (rc != MULT_ENOMEM)
			break;
		cr_assert_eq(sp, sentinel, "out touched on ENOMEM (k=%ld)", k);
		cr_assert_eq(fa.bytes, 0, "leak of %lld bytes after ENOMEM "
		    "(k=%ld)", fa.bytes, k);
	}
	cr_assert_eq(rc, 0, "create: %d", rc);
	cr_assert_gt(k, 0, "a space needs memory: the allocator was not used");
	cr_assert_neq(sp, sentinel);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
	cr_assert_eq(fa.bad_sizes, 0);
}

Test(space, destroy_null_is_a_noop)
{
	mult_space_destroy(NULL);
}

Test(space, allocator_is_used_and_balanced)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uid, pid, uts, mem;
	uint64_t a, b, g, id;
	char buf[300];
	int i;

	cr_assert_gt(fa.allocs, 0);
	uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uts = h_value_dom(sp, "uts", MULT_DOMAIN_INHERIT, 0);
	mem = h_dom(sp, "mem", MULT_KIND_EXCLUSIVE, 0, 1 << 20, 0);
	h_set(sp, MULT_HOST, uts, "hostname", "host");
	a = h_inst(sp, MULT_HOST, "a", 0);
	b = h_inst(sp, MULT_HOST, "b", MULT_INSTANCE_FEDERATED);
	g = h_inst(sp, a, "g", 0);
	h_grant(sp, a, uid, 100000, 65536);
	h_map1(sp, a, uid, 0, 100000, 65536);
	h_grant(sp, g, uid, 101000, 1000);
	h_map1(sp, g, uid, 0, 1000, 1000);
	h_grant(sp, a, mem, 0, 4096);
	h_grant(sp, g, mem, 0, 1024);
	h_grant(sp, b, mem, 4096, 4096);
	for (i = 1; i <= 300; i++) {
		(void)h_alloc(sp, (i % 3 == 0) ? a : (i % 3 == 1) ? b : g, pid,
		    (uint64_t)i);
		snprintf(buf, sizeof buf, "k%d", i % 50);
		h_set(sp, (i % 2) ? a : g, uts, buf, buf);
	}
	for (i = 1; i <= 300; i += 2)
		cr_assert_eq(mult_num_free(sp, (i % 3 == 0) ? a : (i % 3 == 1) ? b : g,
		    pid, (uint64_t)i), 0);
	cr_assert_eq(mult_value_unset(sp, a, uts, "k1"), 0);
	id = h_stale(sp);
	(void)id;
	cr_assert_eq(mult_instance_destroy(sp, a), 0);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0, "%lld bytes leaked", fa.bytes);
	cr_assert_eq(fa.allocs, fa.frees, "%ld allocs, %ld frees", fa.allocs,
	    fa.frees);
	cr_assert_eq(fa.bad_sizes, 0, "%ld frees with the wrong size",
	    fa.bad_sizes);
}

Test(space, two_spaces_are_independent)
{
	struct mult_space *s1 = h_space(), *s2 = h_space();
	uint32_t u1, u2, p1, p2, v1, v2, m1, m2, d;
	uint64_t c1, c2, f, o;

	u1 = h_dom(s1, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	p1 = h_dom(s1, "pid", MULT_KIND_NUMBERED, 1, 1000, 0);
	v1 = h_value_dom(s1, "uts", 0, 0);
	m1 = h_dom(s1, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	/* the same names in the other space: no EEXIST */
	u2 = h_dom(s2, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	p2 = h_dom(s2, "pid", MULT_KIND_NUMBERED, 1, 1000, 0);
	v2 = h_value_dom(s2, "uts", 0, 0);
	m2 = h_dom(s2, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	cr_assert_eq(mult_domain_find(&d, s1, "pid"), 0);
	cr_assert_eq(d, p1);
	cr_assert_eq(mult_domain_find(&d, s2, "pid"), 0);
	cr_assert_eq(d, p2);

	c1 = h_inst(s1, MULT_HOST, "c", 0);
	c2 = h_inst(s2, MULT_HOST, "c", 0);
	cr_assert_eq(mult_instance_find(&f, s1, "c"), 0);
	cr_assert_eq(f, c1);
	cr_assert_eq(mult_instance_find(&f, s2, "c"), 0);
	cr_assert_eq(f, c2);

	/* the same allotment in both: no EOVERLAP across spaces */
	h_grant(s1, c1, u1, 100000, 65536);
	h_grant(s2, c2, u2, 100000, 65536);
	h_map1(s1, c1, u1, 0, 100000, 65536);
	h_map1(s2, c2, u2, 0, 100000, 1000);
	cr_assert_eq(h_down(s1, c1, u1, 5000), 105000);
	cr_assert_eq(h_down(s2, c2, u2, 999), 100999);
	cr_assert_eq(h_down_rc(s2, c2, u2, 5000), MULT_ENOENT);

	/* the same object in both: no EEXIST; each space numbers from lo */
	cr_assert_eq(h_alloc(s1, c1, p1, 77), 1);
	cr_assert_eq(h_alloc(s2, c2, p2, 77), 1);
	cr_assert_eq(h_alloc(s1, c1, p1, 78), 2);
	cr_assert_eq(h_alloc(s2, MULT_HOST, p2, 78), 2);
	cr_assert_eq(h_lookup(s1, c1, p1, 2), 78);
	cr_assert_eq(h_lookup_rc(s2, c2, p2, 2), MULT_ENOENT);

	h_set(s1, c1, v1, "hostname", "one");
	h_set(s2, c2, v2, "hostname", "two");
	h_get_is(s1, c1, v1, "hostname", "one");
	h_get_is(s2, c2, v2, "hostname", "two");

	h_grant(s1, c1, m1, 0, 8);
	cr_assert_eq(h_owner(s1, m1, 3), c1);
	cr_assert_eq(h_owner(s2, m2, 3), MULT_HOST);

	/* destroying in one space leaves the other alone */
	cr_assert_eq(mult_instance_destroy(s1, c1), 0);
	cr_assert(!h_alive(s1, c1));
	cr_assert(h_alive(s2, c2));
	cr_assert_eq(h_down(s2, c2, u2, 0), 100000);
	cr_assert_eq(h_number(s2, c2, p2, 77), 1);
	h_get_is(s2, c2, v2, "hostname", "two");
	cr_assert_eq(mult_num_number(&o, s1, MULT_HOST, p1, 77), MULT_ENOENT);

	h_verify(s1);
	mult_space_destroy(s1);
	/* s2 survives the destruction of s1 */
	cr_assert_eq(h_down(s2, c2, u2, 1), 100001);
	cr_assert_eq(h_up(s2, c2, u2, 100001), 1);
	cr_assert_eq(mult_instance_find(&f, s2, "c"), 0);
	cr_assert_eq(f, c2);
	h_verify(s2);
	mult_space_destroy(s2);
}
