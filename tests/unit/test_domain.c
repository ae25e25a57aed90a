/*
 * libmult unit tests: domain.h: mult_domain_create, mult_domain_find.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

static int
mk(struct mult_space *sp, const char *name, int kind, uint64_t lo,
    uint64_t hi, uint32_t flags)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(kind, lo, hi);
	uint32_t d;

	o.flags = flags;
	return mult_domain_create(&d, sp, name, &o);
}

Test(domain, opts_init)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 5, 9);

	cr_assert_eq(o.size, sizeof(struct mult_domain_opts));
	cr_assert_eq(o.kind, MULT_KIND_RANGE);
	cr_assert_eq(o.flags, 0);
	cr_assert_eq(o.lo, 5);
	cr_assert_eq(o.hi, 9);
	cr_assert_eq(o.value_max, 0);
}

Test(domain, create_every_kind_and_find)
{
	struct mult_space *sp = h_space();
	uint32_t r, n, v, e, rs, vi, f;

	r = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	n = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	v = h_value_dom(sp, "uts", 0, 0);
	e = h_dom(sp, "mem", MULT_KIND_EXCLUSIVE, 0, UINT64_MAX - 1, 0);
	rs = h_dom(sp, "port", MULT_KIND_RANGE, 1, 65535, MULT_DOMAIN_SHARED);
	vi = h_value_dom(sp, "root", MULT_DOMAIN_INHERIT, MULT_VALUE_MAX);

	cr_assert(r != n && r != v && r != e && r != rs && r != vi);
	cr_assert(n != v && n != e && n != rs && n != vi);
	cr_assert(v != e && v != rs && v != vi);
	cr_assert(e != rs && e != vi && rs != vi);
	cr_assert_lt(r, MULT_DOMAIN_MAX);
	cr_assert_lt(vi, MULT_DOMAIN_MAX);

	cr_assert_eq(mult_domain_find(&f, sp, "uid"), 0);
	cr_assert_eq(f, r);
	cr_assert_eq(mult_domain_find(&f, sp, "pid"), 0);
	cr_assert_eq(f, n);
	cr_assert_eq(mult_domain_find(&f, sp, "uts"), 0);
	cr_assert_eq(f, v);
	cr_assert_eq(mult_domain_find(&f, sp, "mem"), 0);
	cr_assert_eq(f, e);
	cr_assert_eq(mult_domain_find(&f, sp, "port"), 0);
	cr_assert_eq(f, rs);
	cr_assert_eq(mult_domain_find(&f, sp, "root"), 0);
	cr_assert_eq(f, vi);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, boundaries_accepted)
{
	struct mult_space *sp = h_space();

	/* a single resource */
	cr_assert_eq(mk(sp, "one", MULT_KIND_RANGE, 7, 7, 0), 0);
	cr_assert_eq(mk(sp, "one-n", MULT_KIND_NUMBERED, 7, 7, 0), 0);
	cr_assert_eq(mk(sp, "one-x", MULT_KIND_EXCLUSIVE, 7, 7, 0), 0);
	/* up to the top of u64, and from 0 to just below it */
	cr_assert_eq(mk(sp, "top", MULT_KIND_RANGE, 1, UINT64_MAX, 0), 0);
	cr_assert_eq(mk(sp, "top-x", MULT_KIND_EXCLUSIVE, 1, UINT64_MAX, 0), 0);
	cr_assert_eq(mk(sp, "bot", MULT_KIND_RANGE, 0, UINT64_MAX - 1, 0), 0);
	cr_assert_eq(mk(sp, "bot-x", MULT_KIND_EXCLUSIVE, 0, UINT64_MAX - 1, 0),
	    0);
	/* a numbered domain of exactly 2^32 identities, anywhere */
	cr_assert_eq(mk(sp, "n32", MULT_KIND_NUMBERED, 0, UINT32_MAX, 0), 0);
	cr_assert_eq(mk(sp, "n32b", MULT_KIND_NUMBERED, 5,
	    5 + (uint64_t)UINT32_MAX, 0), 0);
	cr_assert_eq(mk(sp, "n32c", MULT_KIND_NUMBERED,
	    UINT64_MAX - UINT32_MAX, UINT64_MAX, 0), 0);
	/* a name of exactly MULT_NAME_MAX bytes */
	{
		char name[MULT_NAME_MAX + 1];
		uint32_t d, f;

		h_str(name, MULT_NAME_MAX, 'n');
		d = h_dom(sp, name, MULT_KIND_RANGE, 0, 10, 0);
		cr_assert_eq(mult_domain_find(&f, sp, name), 0);
		cr_assert_eq(f, d);
	}
	h_verify(sp);
	mult_space_destroy(sp);
}

/*
 * The header lists the EINVAL cases; a co-domain of all of u64, [0, 2^64 - 1],
 * is not one of them (a "mem" domain of byte addresses is the obvious use).
 */
/*
 * A co-domain holds fewer than 2^64 resources, so its size fits a count
 * (mult_allot_get, mult_limit_get); the top of u64 is still usable.
 */
Test(domain, whole_u64_co_domain)
{
	struct mult_space *sp = h_space();
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint32_t top, topx;

	cr_assert_eq(mk(sp, "all", MULT_KIND_RANGE, 0, UINT64_MAX, 0),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "all-x", MULT_KIND_EXCLUSIVE, 0, UINT64_MAX, 0),
	    MULT_EINVAL);
	cr_assert_eq(mult_domain_find(&top, sp, "all"), MULT_ENOENT);
	cr_assert_eq(mk(sp, "top", MULT_KIND_RANGE, 1, UINT64_MAX, 0), 0);
	cr_assert_eq(mk(sp, "top-x", MULT_KIND_EXCLUSIVE, 1, UINT64_MAX, 0), 0);
	cr_assert_eq(mult_domain_find(&top, sp, "top"), 0);
	cr_assert_eq(mult_domain_find(&topx, sp, "top-x"), 0);
	h_grant(sp, c, top, 1, 10);
	h_grant(sp, c, topx, UINT64_MAX - 9, 10);
	cr_assert_eq(h_owner(sp, topx, UINT64_MAX), c);
	cr_assert_eq(h_owner(sp, topx, 1), MULT_HOST);
	cr_assert_eq(h_down(sp, MULT_HOST, top, UINT64_MAX), UINT64_MAX);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, create_einval)
{
	struct mult_space *sp = h_space();
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0, 9);
	uint32_t d, f;

	cr_assert_eq(mult_domain_create(NULL, sp, "x", &o), MULT_EINVAL);
	cr_assert_eq(mult_domain_create(&d, NULL, "x", &o), MULT_EINVAL);
	cr_assert_eq(mult_domain_create(&d, sp, NULL, &o), MULT_EINVAL);
	cr_assert_eq(mult_domain_create(&d, sp, "x", NULL), MULT_EINVAL);
	cr_assert_eq(mult_domain_create(&d, sp, "", &o), MULT_EINVAL);

	/* unknown kinds */
	cr_assert_eq(mk(sp, "x", 0, 0, 9, 0), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", 5, 0, 9, 0), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", -1, 0, 9, 0), MULT_EINVAL);
	/* unknown flags, on every kind */
	cr_assert_eq(mk(sp, "x", MULT_KIND_RANGE, 0, 9, 0x4), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_RANGE, 0, 9, 0x80000000u),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 0, 9, 0x4), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_VALUE, 0, 0, 0x4), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_EXCLUSIVE, 0, 9, 0x4), MULT_EINVAL);
	/* lo > hi */
	cr_assert_eq(mk(sp, "x", MULT_KIND_RANGE, 10, 9, 0), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 10, 9, 0), MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_EXCLUSIVE, UINT64_MAX, 0, 0),
	    MULT_EINVAL);
	/* SHARED only on range domains */
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 0, 9, MULT_DOMAIN_SHARED),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_VALUE, 0, 0, MULT_DOMAIN_SHARED),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_EXCLUSIVE, 0, 9, MULT_DOMAIN_SHARED),
	    MULT_EINVAL);
	/* INHERIT only on value domains */
	cr_assert_eq(mk(sp, "x", MULT_KIND_RANGE, 0, 9, MULT_DOMAIN_INHERIT),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 0, 9, MULT_DOMAIN_INHERIT),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_EXCLUSIVE, 0, 9,
	    MULT_DOMAIN_INHERIT), MULT_EINVAL);
	/* value_max over MULT_VALUE_MAX */
	{
		struct mult_domain_opts vo =
		    MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);

		vo.value_max = MULT_VALUE_MAX + 1;
		cr_assert_eq(mult_domain_create(&d, sp, "x", &vo), MULT_EINVAL);
		vo.value_max = UINT32_MAX;
		cr_assert_eq(mult_domain_create(&d, sp, "x", &vo), MULT_EINVAL);
	}
	/* a numbered domain wider than 2^32 */
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 0, (uint64_t)1 << 32, 0),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 0, UINT64_MAX, 0),
	    MULT_EINVAL);
	cr_assert_eq(mk(sp, "x", MULT_KIND_NUMBERED, 1,
	    ((uint64_t)1 << 32) + 1, 0), MULT_EINVAL);

	/* nothing was created */
	cr_assert_eq(mult_domain_find(&f, sp, "x"), MULT_ENOENT);
	cr_assert_eq(mk(sp, "x", MULT_KIND_RANGE, 0, 9, 0), 0);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, create_e2big_name)
{
	struct mult_space *sp = h_space();
	char name[MULT_NAME_MAX + 2];
	char big[300];
	uint32_t f;

	h_str(name, MULT_NAME_MAX + 1, 'n');
	cr_assert_eq(mk(sp, name, MULT_KIND_RANGE, 0, 9, 0), MULT_E2BIG);
	h_str(big, sizeof big - 1, 'b');
	cr_assert_eq(mk(sp, big, MULT_KIND_VALUE, 0, 0, 0), MULT_E2BIG);
	cr_assert_eq(mult_domain_find(&f, sp, name), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, create_eexist_leaves_the_first)
{
	struct mult_space *sp = h_space();
	uint32_t d, f;
	uint64_t c;

	d = h_dom(sp, "uid", MULT_KIND_RANGE, 0, 1000, 0);
	cr_assert_eq(mk(sp, "uid", MULT_KIND_RANGE, 0, 1000, 0), MULT_EEXIST);
	cr_assert_eq(mk(sp, "uid", MULT_KIND_NUMBERED, 1, 100, 0), MULT_EEXIST);
	cr_assert_eq(mk(sp, "uid", MULT_KIND_VALUE, 0, 0, 0), MULT_EEXIST);
	cr_assert_eq(mk(sp, "uid", MULT_KIND_EXCLUSIVE, 0, 9, 0), MULT_EEXIST);
	h_verify(sp);
	cr_assert_eq(mult_domain_find(&f, sp, "uid"), 0);
	cr_assert_eq(f, d);
	/* still the range domain it was, with its co-domain */
	c = h_inst(sp, MULT_HOST, "c", 0);
	h_grant(sp, c, d, 0, 1001);
	cr_assert_eq(mult_allot_grant(sp, c, d, 1001, 1), MULT_ERANGE);
	mult_space_destroy(sp);
}

Test(domain, create_enospc_at_domain_max)
{
	struct mult_space *sp = h_space();
	char name[32];
	uint32_t d, f, seen[MULT_DOMAIN_MAX];
	int i, j;

	for (i = 0; i < MULT_DOMAIN_MAX; i++) {
		snprintf(name, sizeof name, "d%d", i);
		seen[i] = h_dom(sp, name, (i % 4) + 1, 0, (i % 4) == 2 ? 0 : 99,
		    0);
		cr_assert_lt(seen[i], MULT_DOMAIN_MAX);
	}
	for (i = 0; i < MULT_DOMAIN_MAX; i++)
		for (j = i + 1; j < MULT_DOMAIN_MAX; j++)
			cr_assert_neq(seen[i], seen[j]);
	cr_assert_eq(mk(sp, "one-too-many", MULT_KIND_RANGE, 0, 9, 0),
	    MULT_ENOSPC);
	cr_assert_eq(mk(sp, "another", MULT_KIND_VALUE, 0, 0, 0), MULT_ENOSPC);
	cr_assert_eq(mult_domain_find(&f, sp, "one-too-many"), MULT_ENOENT);
	for (i = 0; i < MULT_DOMAIN_MAX; i++) {
		snprintf(name, sizeof name, "d%d", i);
		cr_assert_eq(mult_domain_find(&d, sp, name), 0);
		cr_assert_eq(d, seen[i]);
	}
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, create_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0, 99);
	uint32_t d = 0, f;
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);

	(void)h_dom(sp, "first", MULT_KIND_NUMBERED, 1, 10, 0);
	H_FAULT_LOOP(&fa, sp, mult_domain_create(&d, sp, "uid", &o),
	    cr_assert_eq(mult_domain_find(&f, sp, "uid"), MULT_ENOENT));
	cr_assert_eq(mult_domain_find(&f, sp, "uid"), 0);
	cr_assert_eq(f, d);
	h_grant(sp, c, d, 0, 10);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * An instance keeps its state in the domains made before it in place, and
 * in later ones through a vector: both kinds, side by side.
 */
Test(domain, created_after_instances)
{
	struct mult_space *sp = h_space();
	uint32_t early = h_dom(sp, "early", MULT_KIND_NUMBERED, 1, 100, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint32_t uid, pid, uts, cpu;

	uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uts = h_value_dom(sp, "uts", MULT_DOMAIN_INHERIT, 0);
	cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 7, 0);

	cr_assert_eq(h_map_n(sp, c, uid), 0);
	cr_assert_eq(h_allot_n(sp, g, uid), 0);
	h_grant(sp, c, uid, 1000, 100);
	h_map1(sp, c, uid, 0, 1000, 100);
	cr_assert_eq(h_down(sp, c, uid, 5), 1005);
	cr_assert_eq(h_alloc(sp, g, pid, 9), 1);
	cr_assert_eq(h_number(sp, c, pid, 9), 1);
	cr_assert_eq(h_get_rc(sp, g, uts, "hostname"), MULT_ENOENT);
	h_set(sp, g, uts, "hostname", "g");
	h_get_is(sp, g, uts, "hostname", "g");
	cr_assert_eq(h_owner(sp, cpu, 3), MULT_HOST);
	h_grant(sp, c, cpu, 2, 2);
	cr_assert_eq(h_owner(sp, cpu, 3), c);
	cr_assert_eq(h_alloc(sp, g, early, 10), 1);
	cr_assert_eq(h_alloc(sp, c, early, 11), 2);
	cr_assert_eq(h_number(sp, MULT_HOST, early, 10), 1);
	cr_assert_eq(h_lookup(sp, c, early, 1), 10);
	cr_assert_eq(h_lookup(sp, g, pid, 1), 9);
	h_verify(sp);
	/* destroying them frees both kinds of state */
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	cr_assert_eq(h_number_rc(sp, MULT_HOST, early, 10), MULT_ENOENT);
	cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, 9), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(domain, find_errors)
{
	struct mult_space *sp = h_space();
	uint32_t f = 777;

	(void)h_dom(sp, "uid", MULT_KIND_RANGE, 0, 9, 0);
	cr_assert_eq(mult_domain_find(NULL, sp, "uid"), MULT_EINVAL);
	cr_assert_eq(mult_domain_find(&f, NULL, "uid"), MULT_EINVAL);
	cr_assert_eq(mult_domain_find(&f, sp, NULL), MULT_EINVAL);
	cr_assert_eq(mult_domain_find(&f, sp, "gid"), MULT_ENOENT);
	cr_assert_eq(mult_domain_find(&f, sp, "ui"), MULT_ENOENT);
	cr_assert_eq(mult_domain_find(&f, sp, "uid2"), MULT_ENOENT);
	cr_assert_eq(mult_domain_find(&f, sp, "UID"), MULT_ENOENT);
	mult_space_destroy(sp);
}
