/*
 * libmult unit tests: allot.h: mult_allot_grant, _revoke, _get.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

struct fix {
	struct mult_space *sp;
	uint32_t uid;   /* range [0, 2^32 - 1] */
	uint32_t cpu;   /* exclusive [0, 1023] */
	uint32_t port;  /* shared range [1, 65535] */
	uint32_t pid;   /* numbered */
	uint32_t uts;   /* value */
	uint64_t a, b, ga;
};

static void
fix_init(struct fix *f)
{
	f->sp = h_space();
	f->uid = h_dom(f->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	f->cpu = h_dom(f->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 1023, 0);
	f->port = h_dom(f->sp, "port", MULT_KIND_RANGE, 1, 65535,
	    MULT_DOMAIN_SHARED);
	f->pid = h_dom(f->sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	f->uts = h_value_dom(f->sp, "uts", 0, 0);
	f->a = h_inst(f->sp, MULT_HOST, "a", 0);
	f->b = h_inst(f->sp, MULT_HOST, "b", 0);
	f->ga = h_inst(f->sp, f->a, "ga", 0);
}

Test(allot, host_owns_the_whole_co_domain)
{
	struct fix f;

	fix_init(&f);
	h_allot_is1(f.sp, MULT_HOST, f.uid, 0, (uint64_t)1 << 32);
	h_allot_is1(f.sp, MULT_HOST, f.cpu, 0, 1024);
	h_allot_is1(f.sp, MULT_HOST, f.port, 1, 65535);
	/* and keeps it all as it grants */
	h_grant(f.sp, f.a, f.uid, 100000, 65536);
	h_allot_is1(f.sp, MULT_HOST, f.uid, 0, (uint64_t)1 << 32);
	mult_space_destroy(f.sp);
}

Test(allot, grant_and_get)
{
	struct fix f;
	struct mult_interval w[3];

	fix_init(&f);
	cr_assert_eq(h_allot_n(f.sp, f.a, f.uid), 0);
	h_grant(f.sp, f.a, f.uid, 100000, 65536);
	h_allot_is1(f.sp, f.a, f.uid, 100000, 65536);
	/* sorted, adjacent intervals merged */
	h_grant(f.sp, f.b, f.uid, 300, 10);
	h_grant(f.sp, f.b, f.uid, 100, 10);
	h_grant(f.sp, f.b, f.uid, 200, 10);
	h_grant(f.sp, f.b, f.uid, 110, 10);
	h_grant(f.sp, f.b, f.uid, 90, 10);
	w[0].first = 90;
	w[0].count = 30;
	w[1].first = 200;
	w[1].count = 10;
	w[2].first = 300;
	w[2].count = 10;
	h_allot_is(f.sp, f.b, f.uid, w, 3);
	h_grant(f.sp, f.b, f.uid, 120, 80);
	h_grant(f.sp, f.b, f.uid, 210, 90);
	h_allot_is1(f.sp, f.b, f.uid, 90, 220);
	/* a child's grant does not change the parent's allotment */
	h_grant(f.sp, f.ga, f.uid, 100000, 10);
	h_allot_is1(f.sp, f.a, f.uid, 100000, 65536);
	h_allot_is1(f.sp, f.ga, f.uid, 100000, 10);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(allot, grant_at_the_edges_of_the_co_domain)
{
	struct mult_space *sp = h_space();
	uint32_t all = h_dom(sp, "all", MULT_KIND_RANGE, 1, UINT64_MAX, 0);
	uint32_t mid = h_dom(sp, "mid", MULT_KIND_EXCLUSIVE, 10, 19, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t d = h_inst(sp, MULT_HOST, "d", 0);

	/* the last resource of u64 is grantable: [2^64 - 10, 2^64) */
	h_grant(sp, c, all, UINT64_MAX - 9, 10);
	h_allot_is1(sp, c, all, UINT64_MAX - 9, 10);
	h_grant(sp, c, all, 1, 1);
	cr_assert_eq(mult_allot_grant(sp, d, all, 0, 1), MULT_ERANGE);
	h_grant(sp, d, mid, 10, 10);
	h_allot_is1(sp, d, mid, 10, 10);
	h_allot_is1(sp, MULT_HOST, mid, 10, 10);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(allot, grant_errors_change_nothing)
{
	struct fix f;
	struct mult_space *sp;
	uint64_t s;

	fix_init(&f);
	sp = f.sp;
	h_grant(sp, f.a, f.uid, 100, 100);   /* a: [100, 200) */
	h_grant(sp, f.ga, f.uid, 120, 10);   /* ga: [120, 130) */
	h_grant(sp, f.b, f.uid, 1000, 10);   /* b: [1000, 1010) */
	s = h_stale(sp);

#define CHECK()                                                               \
	do {                                                                  \
		h_allot_is1(sp, f.a, f.uid, 100, 100);                        \
		h_allot_is1(sp, f.ga, f.uid, 120, 10);                        \
		h_allot_is1(sp, f.b, f.uid, 1000, 10);                        \
		h_verify(sp);                                                 \
	} while (0)
#define GRANT_FAILS(want, inst, dom, first, count)                           \
	do {                                                                  \
		int rc_ = mult_allot_grant(sp, inst, dom, first, count);      \
		cr_assert_eq(rc_, want, "grant(%s, %s, %s, %s): %d, want %s",  \
		    #inst, #dom, #first, #count, rc_, #want);                 \
		CHECK();                                                      \
	} while (0)

	/* EINVAL */
	cr_assert_eq(mult_allot_grant(NULL, f.a, f.uid, 300, 1), MULT_EINVAL);
	GRANT_FAILS(MULT_EINVAL, f.a, H_BAD_DOM, 300, 1);
	GRANT_FAILS(MULT_EINVAL, f.a, f.uid, 300, 0);
	GRANT_FAILS(MULT_EINVAL, f.a, f.cpu, 300, 0);
	/* EKIND */
	GRANT_FAILS(MULT_EKIND, f.a, f.pid, 1, 1);
	GRANT_FAILS(MULT_EKIND, f.a, f.uts, 1, 1);
	/* EPERM: the host owns everything already */
	GRANT_FAILS(MULT_EPERM, MULT_HOST, f.uid, 300, 1);
	GRANT_FAILS(MULT_EPERM, MULT_HOST, f.cpu, 300, 1);
	/* ENOENT, ESTALE */
	GRANT_FAILS(MULT_ENOENT, H_NEVER_ID, f.uid, 300, 1);
	GRANT_FAILS(MULT_ESTALE, s, f.uid, 300, 1);
	/* ERANGE: wraps */
	GRANT_FAILS(MULT_ERANGE, f.b, f.uid, UINT64_MAX - 5, 10);
	GRANT_FAILS(MULT_ERANGE, f.b, f.uid, 5, UINT64_MAX);
	/* ERANGE: outside the co-domain */
	GRANT_FAILS(MULT_ERANGE, f.b, f.uid, (uint64_t)1 << 32, 1);
	GRANT_FAILS(MULT_ERANGE, f.b, f.uid, UINT32_MAX, 2);
	GRANT_FAILS(MULT_ERANGE, f.b, f.cpu, 1020, 5);
	GRANT_FAILS(MULT_ERANGE, f.b, f.cpu, 5000, 1);
	GRANT_FAILS(MULT_ERANGE, f.b, f.port, 0, 1);
	GRANT_FAILS(MULT_ERANGE, f.b, f.port, 0, 10);
	GRANT_FAILS(MULT_ERANGE, f.b, f.port, 65535, 2);
	/* ERANGE: outside the parent's allotment */
	GRANT_FAILS(MULT_ERANGE, f.ga, f.uid, 195, 10);
	GRANT_FAILS(MULT_ERANGE, f.ga, f.uid, 90, 11);
	GRANT_FAILS(MULT_ERANGE, f.ga, f.uid, 5000, 1);
	GRANT_FAILS(MULT_ERANGE, f.ga, f.cpu, 0, 1);  /* a holds no cpu */
	/* EOVERLAP: held by a sibling */
	GRANT_FAILS(MULT_EOVERLAP, f.b, f.uid, 150, 10);
	GRANT_FAILS(MULT_EOVERLAP, f.b, f.uid, 199, 2);
	GRANT_FAILS(MULT_EOVERLAP, f.b, f.uid, 50, 51);
	GRANT_FAILS(MULT_EOVERLAP, f.b, f.uid, 0, 100000);
	/* EOVERLAP: already held by the instance itself */
	GRANT_FAILS(MULT_EOVERLAP, f.a, f.uid, 100, 100);
	GRANT_FAILS(MULT_EOVERLAP, f.a, f.uid, 150, 1);
	GRANT_FAILS(MULT_EOVERLAP, f.a, f.uid, 199, 2);
	GRANT_FAILS(MULT_EOVERLAP, f.b, f.uid, 1009, 1);
	GRANT_FAILS(MULT_EOVERLAP, f.ga, f.uid, 125, 10);
	/* EOVERLAP: a sibling under the same parent */
	{
		uint64_t ga2 = h_inst(sp, f.a, "ga2", 0);

		GRANT_FAILS(MULT_EOVERLAP, ga2, f.uid, 129, 2);
		GRANT_FAILS(MULT_ERANGE, ga2, f.uid, 1000, 1);
		cr_assert_eq(h_allot_n(sp, ga2, f.uid), 0);
		h_grant(sp, ga2, f.uid, 130, 10);
		cr_assert_eq(mult_instance_destroy(sp, ga2), 0);
	}
#undef GRANT_FAILS
#undef CHECK
	/* and what was refused is still grantable where legal */
	h_grant(sp, f.b, f.uid, 200, 800);
	h_allot_is1(sp, f.b, f.uid, 200, 810);
	mult_space_destroy(sp);
}

Test(allot, exclusive_grant_rules)
{
	struct fix f;

	fix_init(&f);
	h_grant(f.sp, f.a, f.cpu, 0, 8);
	cr_assert_eq(mult_allot_grant(f.sp, f.b, f.cpu, 7, 2), MULT_EOVERLAP);
	cr_assert_eq(mult_allot_grant(f.sp, f.a, f.cpu, 7, 2), MULT_EOVERLAP);
	cr_assert_eq(mult_allot_grant(f.sp, f.ga, f.cpu, 7, 2), MULT_ERANGE);
	h_grant(f.sp, f.ga, f.cpu, 6, 2);
	h_grant(f.sp, f.b, f.cpu, 8, 8);
	h_allot_is1(f.sp, f.a, f.cpu, 0, 8);
	h_allot_is1(f.sp, f.ga, f.cpu, 6, 2);
	h_allot_is1(f.sp, f.b, f.cpu, 8, 8);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(allot, shared_domain_siblings_may_overlap)
{
	struct fix f;
	uint64_t gb;

	fix_init(&f);
	h_grant(f.sp, f.a, f.port, 8000, 100);
	h_grant(f.sp, f.b, f.port, 8000, 100);
	h_grant(f.sp, f.b, f.port, 8100, 10);
	h_allot_is1(f.sp, f.a, f.port, 8000, 100);
	h_allot_is1(f.sp, f.b, f.port, 8000, 110);
	/* still not twice to the same instance */
	cr_assert_eq(mult_allot_grant(f.sp, f.a, f.port, 8050, 1),
	    MULT_EOVERLAP);
	/* still nested in the parent's allotment */
	h_grant(f.sp, f.ga, f.port, 8010, 10);
	cr_assert_eq(mult_allot_grant(f.sp, f.ga, f.port, 8100, 1),
	    MULT_ERANGE);
	/* an instance with no grant of its own reports none ... */
	gb = h_inst(f.sp, f.b, "gb", 0);
	cr_assert_eq(h_allot_n(f.sp, gb, f.port), 0);
	cr_assert_eq(mult_instance_destroy(f.sp, gb), 0);
	/* ... and its children carve from its parent's allotment */
	{
		uint64_t c = h_inst(f.sp, MULT_HOST, "c", 0);
		uint64_t gc = h_inst(f.sp, c, "gc", 0);

		cr_assert_eq(h_allot_n(f.sp, c, f.port), 0);
		h_grant(f.sp, gc, f.port, 443, 1);
		h_allot_is1(f.sp, gc, f.port, 443, 1);
		cr_assert_eq(h_allot_n(f.sp, c, f.port), 0);
	}
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/* Overlap is allowed in a shared domain, so overlapping grants must not be
 * added up against the parent as if they were disjoint. */
Test(allot, shared_domain_siblings_may_each_hold_everything)
{
	struct fix f;
	uint64_t c;

	fix_init(&f);
	c = h_inst(f.sp, MULT_HOST, "c", 0);
	h_grant(f.sp, f.a, f.port, 1, 65535);
	h_grant(f.sp, f.b, f.port, 1, 65535);
	h_grant(f.sp, c, f.port, 1, 65535);
	h_allot_is1(f.sp, f.a, f.port, 1, 65535);
	h_allot_is1(f.sp, f.b, f.port, 1, 65535);
	h_allot_is1(f.sp, c, f.port, 1, 65535);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(allot, grant_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t a = h_inst(sp, MULT_HOST, "a", 0);
	uint64_t g = h_inst(sp, a, "g", 0);

	h_grant(sp, a, uid, 100, 100);
	h_grant(sp, a, cpu, 0, 8);
	H_FAULT_LOOP(&fa, sp, mult_allot_grant(sp, a, uid, 300, 10),
	    h_allot_is1(sp, a, uid, 100, 100));
	H_FAULT_LOOP(&fa, sp, mult_allot_grant(sp, g, uid, 150, 10),
	    cr_assert_eq(h_allot_n(sp, g, uid), 0));
	H_FAULT_LOOP(&fa, sp, mult_allot_grant(sp, g, cpu, 2, 2),
	    do {
		    cr_assert_eq(h_allot_n(sp, g, cpu), 0);
		    cr_assert_eq(h_owner(sp, cpu, 2), a);
	    } while (0));
	H_FAULT_LOOP(&fa, sp, mult_allot_grant(sp, a, cpu, 8, 1),
	    do {
		    h_allot_is1(sp, a, cpu, 0, 8);
		    cr_assert_eq(h_owner(sp, cpu, 8), MULT_HOST);
	    } while (0));
	h_allot_is1(sp, g, cpu, 2, 2);
	h_allot_is1(sp, a, cpu, 0, 9);
	cr_assert_eq(h_owner(sp, cpu, 2), g);
	cr_assert_eq(h_owner(sp, cpu, 8), a);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(allot, revoke)
{
	struct fix f;
	struct mult_interval w[2];

	fix_init(&f);
	h_grant(f.sp, f.a, f.uid, 100, 100);
	/* from the middle: splits */
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 140, 20), 0);
	w[0].first = 100;
	w[0].count = 40;
	w[1].first = 160;
	w[1].count = 40;
	h_allot_is(f.sp, f.a, f.uid, w, 2);
	/* back to the parent: a sibling may have it now */
	h_grant(f.sp, f.b, f.uid, 140, 20);
	/* from the edges */
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 100, 1), 0);
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 199, 1), 0);
	w[0].first = 101;
	w[0].count = 39;
	w[1].first = 160;
	w[1].count = 39;
	h_allot_is(f.sp, f.a, f.uid, w, 2);
	/* whole intervals */
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 101, 39), 0);
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 160, 39), 0);
	cr_assert_eq(h_allot_n(f.sp, f.a, f.uid), 0);
	/* a revoked resource can be granted to a child's parent again */
	h_grant(f.sp, f.a, f.uid, 100, 40);
	h_grant(f.sp, f.ga, f.uid, 110, 10);
	cr_assert_eq(mult_allot_revoke(f.sp, f.ga, f.uid, 110, 10), 0);
	cr_assert_eq(mult_allot_revoke(f.sp, f.a, f.uid, 100, 40), 0);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(allot, revoke_errors_change_nothing)
{
	struct fix f;
	struct mult_space *sp;
	struct mult_interval w[2];
	uint64_t s;

	fix_init(&f);
	sp = f.sp;
	h_grant(sp, f.a, f.uid, 100, 100);   /* a: [100, 200) mapped [100, 110) */
	h_map1(sp, f.a, f.uid, 0, 100, 10);
	h_grant(sp, f.a, f.uid, 300, 10);    /* a: [300, 310) */
	h_grant(sp, f.ga, f.uid, 150, 10);   /* ga: [150, 160) */
	h_grant(sp, f.a, f.cpu, 0, 8);
	h_grant(sp, f.ga, f.cpu, 4, 2);
	s = h_stale(sp);
	w[0].first = 100;
	w[0].count = 100;
	w[1].first = 300;
	w[1].count = 10;

#define CHECK()                                                               \
	do {                                                                  \
		h_allot_is(sp, f.a, f.uid, w, 2);                             \
		h_allot_is1(sp, f.ga, f.uid, 150, 10);                        \
		h_allot_is1(sp, f.a, f.cpu, 0, 8);                            \
		h_allot_is1(sp, f.ga, f.cpu, 4, 2);                           \
		cr_assert_eq(h_map_n(sp, f.a, f.uid), 1);                     \
		h_verify(sp);                                                 \
	} while (0)
#define REVOKE_FAILS(want, inst, dom, first, count)                          \
	do {                                                                  \
		int rc_ = mult_allot_revoke(sp, inst, dom, first, count);     \
		cr_assert_eq(rc_, want, "revoke(%s, %s, %s, %s): %d, want %s", \
		    #inst, #dom, #first, #count, rc_, #want);                 \
		CHECK();                                                      \
	} while (0)

	cr_assert_eq(mult_allot_revoke(NULL, f.a, f.uid, 300, 1), MULT_EINVAL);
	REVOKE_FAILS(MULT_EINVAL, f.a, H_BAD_DOM, 300, 1);
	REVOKE_FAILS(MULT_EINVAL, f.a, f.uid, 300, 0);
	REVOKE_FAILS(MULT_EKIND, f.a, f.pid, 1, 1);
	REVOKE_FAILS(MULT_EKIND, f.a, f.uts, 1, 1);
	REVOKE_FAILS(MULT_EPERM, MULT_HOST, f.uid, 300, 1);
	REVOKE_FAILS(MULT_EPERM, MULT_HOST, f.cpu, 0, 1);
	REVOKE_FAILS(MULT_ENOENT, H_NEVER_ID, f.uid, 300, 1);
	REVOKE_FAILS(MULT_ESTALE, s, f.uid, 300, 1);
	/* ERANGE: not all held */
	REVOKE_FAILS(MULT_ERANGE, f.a, f.uid, 305, 10);
	REVOKE_FAILS(MULT_ERANGE, f.a, f.uid, 295, 10);
	REVOKE_FAILS(MULT_ERANGE, f.a, f.uid, 190, 120);  /* spans a gap */
	REVOKE_FAILS(MULT_ERANGE, f.a, f.uid, 5000, 1);
	REVOKE_FAILS(MULT_ERANGE, f.a, f.uid, UINT64_MAX - 1, 5);
	REVOKE_FAILS(MULT_ERANGE, f.b, f.uid, 300, 1);
	REVOKE_FAILS(MULT_ERANGE, f.a, f.cpu, 8, 1);
	/* EBUSY: mapped, or granted on to a child */
	REVOKE_FAILS(MULT_EBUSY, f.a, f.uid, 109, 1);
	REVOKE_FAILS(MULT_EBUSY, f.a, f.uid, 100, 100);
	REVOKE_FAILS(MULT_EBUSY, f.a, f.uid, 155, 1);
	REVOKE_FAILS(MULT_EBUSY, f.a, f.uid, 140, 20);
	REVOKE_FAILS(MULT_EBUSY, f.a, f.cpu, 0, 8);
	REVOKE_FAILS(MULT_EBUSY, f.a, f.cpu, 5, 1);
#undef REVOKE_FAILS
#undef CHECK
	/* the parts that are neither mapped nor granted on can go */
	cr_assert_eq(mult_allot_revoke(sp, f.a, f.uid, 110, 40), 0);
	cr_assert_eq(mult_allot_revoke(sp, f.a, f.cpu, 0, 4), 0);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(allot, revoke_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t a = h_inst(sp, MULT_HOST, "a", 0);
	struct mult_interval w[2];

	h_grant(sp, a, uid, 100, 100);
	h_grant(sp, a, cpu, 0, 16);
	H_FAULT_LOOP(&fa, sp, mult_allot_revoke(sp, a, uid, 140, 20),
	    h_allot_is1(sp, a, uid, 100, 100));
	w[0].first = 100;
	w[0].count = 40;
	w[1].first = 160;
	w[1].count = 40;
	h_allot_is(sp, a, uid, w, 2);
	H_FAULT_LOOP(&fa, sp, mult_allot_revoke(sp, a, cpu, 4, 4),
	    do {
		    h_allot_is1(sp, a, cpu, 0, 16);
		    cr_assert_eq(h_owner(sp, cpu, 5), a);
	    } while (0));
	cr_assert_eq(h_owner(sp, cpu, 5), MULT_HOST);
	cr_assert_eq(h_owner(sp, cpu, 8), a);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(allot, get_errors)
{
	struct fix f;
	struct mult_interval out[4];
	size_t n = 999;
	uint64_t s;

	fix_init(&f);
	s = h_stale(f.sp);
	h_grant(f.sp, f.a, f.uid, 100, 10);
	h_grant(f.sp, f.a, f.uid, 200, 10);
	h_grant(f.sp, f.a, f.uid, 300, 10);

	cr_assert_eq(mult_allot_get(out, 4, NULL, f.sp, f.a, f.uid),
	    MULT_EINVAL);
	cr_assert_eq(mult_allot_get(out, 4, &n, NULL, f.a, f.uid), MULT_EINVAL);
	cr_assert_eq(mult_allot_get(NULL, 4, &n, f.sp, f.a, f.uid),
	    MULT_EINVAL);
	cr_assert_eq(mult_allot_get(out, 4, &n, f.sp, f.a, H_BAD_DOM),
	    MULT_EINVAL);
	cr_assert_eq(mult_allot_get(out, 4, &n, f.sp, f.a, f.pid), MULT_EKIND);
	cr_assert_eq(mult_allot_get(out, 4, &n, f.sp, f.a, f.uts), MULT_EKIND);
	cr_assert_eq(mult_allot_get(out, 4, &n, f.sp, H_NEVER_ID, f.uid),
	    MULT_ENOENT);
	cr_assert_eq(mult_allot_get(out, 4, &n, f.sp, s, f.uid), MULT_ESTALE);
	/* ERANGE: n says how many are needed */
	n = 0;
	cr_assert_eq(mult_allot_get(out, 2, &n, f.sp, f.a, f.uid), MULT_ERANGE);
	cr_assert_eq(n, 3);
	n = 0;
	cr_assert_eq(mult_allot_get(NULL, 0, &n, f.sp, f.a, f.uid),
	    MULT_ERANGE);
	cr_assert_eq(n, 3);
	/* exactly enough room */
	n = 0;
	cr_assert_eq(mult_allot_get(out, 3, &n, f.sp, f.a, f.uid), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[0].first, 100);
	cr_assert_eq(out[1].first, 200);
	cr_assert_eq(out[2].first, 300);
	cr_assert_eq(out[2].count, 10);
	/* nothing held: 0 with cap 0 */
	n = 999;
	cr_assert_eq(mult_allot_get(NULL, 0, &n, f.sp, f.b, f.uid), 0);
	cr_assert_eq(n, 0);
	mult_space_destroy(f.sp);
}

Test(allot, destroy_returns_allotment_to_the_parent)
{
	struct fix f;
	uint64_t g2;

	fix_init(&f);
	h_grant(f.sp, f.a, f.uid, 100, 100);
	h_grant(f.sp, f.ga, f.uid, 100, 50);
	cr_assert_eq(mult_allot_grant(f.sp, f.b, f.uid, 100, 1), MULT_EOVERLAP);
	/* the grandchild's part goes back to a */
	cr_assert_eq(mult_instance_destroy(f.sp, f.ga), 0);
	h_allot_is1(f.sp, f.a, f.uid, 100, 100);
	g2 = h_inst(f.sp, f.a, "g2", 0);
	h_grant(f.sp, g2, f.uid, 100, 50);
	/* a's whole allotment goes back to the host */
	cr_assert_eq(mult_instance_destroy(f.sp, f.a), 0);
	h_grant(f.sp, f.b, f.uid, 100, 100);
	h_allot_is1(f.sp, f.b, f.uid, 100, 100);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}
