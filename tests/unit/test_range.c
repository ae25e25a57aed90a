/*
 * libmult unit tests: range.h: mult_range_map, _down, _up, _get and the
 * batch forms, with Linux user-namespace semantics.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "helpers.h"

struct fix {
	struct mult_space *sp;
	uint32_t uid;   /* range [0, 2^32 - 1] */
	uint32_t port;  /* shared range [1, 65535] */
	uint32_t pid, uts, cpu;
	uint64_t c;     /* granted [100000, 165536), mapped "0 100000 65536" */
};

static void
fix_init(struct fix *f)
{
	f->sp = h_space();
	f->uid = h_dom(f->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	f->port = h_dom(f->sp, "port", MULT_KIND_RANGE, 1, 65535,
	    MULT_DOMAIN_SHARED);
	f->pid = h_dom(f->sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	f->uts = h_value_dom(f->sp, "uts", 0, 0);
	f->cpu = h_dom(f->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	f->c = h_inst(f->sp, MULT_HOST, "c", 0);
	h_grant(f->sp, f->c, f->uid, 100000, 65536);
	h_map1(f->sp, f->c, f->uid, 0, 100000, 65536);
}

/* @p inst's map reads back as exactly @p n extents @p want. */
static void
map_is(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const struct mult_extent *want, size_t n)
{
	struct mult_extent got[8];
	size_t k, gn = 999;
	int rc;

	rc = mult_range_get(got, 8, &gn, sp, inst, dom);
	cr_assert_eq(rc, 0, "range_get: %d", rc);
	cr_assert_eq(gn, n, "range_get: %zu extents, want %zu", gn, n);
	for (k = 0; k < n; k++) {
		cr_assert_eq(got[k].first, want[k].first, "extent %zu first", k);
		cr_assert_eq(got[k].lower, want[k].lower, "extent %zu lower", k);
		cr_assert_eq(got[k].count, want[k].count, "extent %zu count", k);
	}
}

/*
 * A translation by id takes the instance's slot first (the first five
 * domains): a stale id whose slot a new instance holds is MULT_ESTALE, a
 * state of another kind there is MULT_EKIND, a miss is MULT_ENOENT, and a
 * domain past the fifth gives the same answers the long way.
 */
Test(range, translate_by_id_through_a_reused_slot_and_any_domain)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint32_t far, dom[2];
	uint64_t a, b;
	int i;

	(void)h_dom(sp, "gid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	(void)h_dom(sp, "port", MULT_KIND_RANGE, 1, 65535, 0);
	far = h_dom(sp, "far", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	cr_assert_eq(far, 5);
	dom[0] = uid;
	dom[1] = far;
	a = h_inst(sp, MULT_HOST, NULL, 0);
	for (i = 0; i < 2; i++) {
		h_grant(sp, a, dom[i], 100000, 65536);
		h_map1(sp, a, dom[i], 0, 100000, 65536);
	}
	cr_assert_eq(mult_instance_destroy(sp, a), 0);
	b = h_inst(sp, MULT_HOST, NULL, 0);
	cr_assert_eq((uint32_t)b, (uint32_t)a, "slot not reused");
	cr_assert_neq(b, a);
	for (i = 0; i < 2; i++) {
		h_grant(sp, b, dom[i], 200000, 65536);
		h_map1(sp, b, dom[i], 0, 200000, 65536);
	}
	cr_assert_eq(h_alloc(sp, b, pid, 0xb1), 1);
	h_set(sp, b, uts, "hostname", "b");
	for (i = 0; i < 2; i++) {
		cr_assert_eq(h_down_rc(sp, a, dom[i], 5), MULT_ESTALE);
		cr_assert_eq(h_up_rc(sp, a, dom[i], 200005), MULT_ESTALE);
		cr_assert_eq(h_down(sp, b, dom[i], 5), 200005);
		cr_assert_eq(h_up(sp, b, dom[i], 265535), 65535);
		cr_assert_eq(h_down_rc(sp, b, dom[i], 65536), MULT_ENOENT);
		cr_assert_eq(h_up_rc(sp, b, dom[i], 100005), MULT_ENOENT);
	}
	cr_assert_eq(h_down_rc(sp, b, pid, 1), MULT_EKIND);
	cr_assert_eq(h_up_rc(sp, b, uts, 1), MULT_EKIND);
	cr_assert_eq(h_get_rc(sp, b, uid, "hostname"), MULT_EKIND);
	cr_assert_eq(h_down_rc(sp, b, 6, 1), MULT_EINVAL);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(range, host_sees_resources_as_themselves)
{
	struct fix f;
	static const uint64_t xs[] = { 0, 1, 99999, 100000, 123456, 165536,
		UINT32_MAX };
	size_t i;

	fix_init(&f);
	for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		cr_assert_eq(h_down(f.sp, MULT_HOST, f.uid, xs[i]), xs[i]);
		cr_assert_eq(h_up(f.sp, MULT_HOST, f.uid, xs[i]), xs[i]);
	}
	/* but only inside the co-domain */
	cr_assert_eq(h_down_rc(f.sp, MULT_HOST, f.uid, (uint64_t)1 << 32),
	    MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, MULT_HOST, f.uid, UINT64_MAX), MULT_ENOENT);
	cr_assert_eq(h_down_rc(f.sp, MULT_HOST, f.port, 0), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, MULT_HOST, f.port, 65536), MULT_ENOENT);
	cr_assert_eq(h_down(f.sp, MULT_HOST, f.port, 1), 1);
	cr_assert_eq(h_up(f.sp, MULT_HOST, f.port, 65535), 65535);
	mult_space_destroy(f.sp);
}

Test(range, userns_child)
{
	struct fix f;
	struct mult_extent w = h_ext(0, 100000, 65536);

	fix_init(&f);
	cr_assert_eq(h_down(f.sp, f.c, f.uid, 0), 100000);
	cr_assert_eq(h_down(f.sp, f.c, f.uid, 1000), 101000);
	cr_assert_eq(h_down(f.sp, f.c, f.uid, 65535), 165535);
	cr_assert_eq(h_up(f.sp, f.c, f.uid, 100000), 0);
	cr_assert_eq(h_up(f.sp, f.c, f.uid, 165535), 65535);
	cr_assert_eq(h_up_rc(f.sp, f.c, f.uid, 99999), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, f.c, f.uid, 165536), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, f.c, f.uid, 0), MULT_ENOENT);
	cr_assert_eq(h_down_rc(f.sp, f.c, f.uid, 65536), MULT_ENOENT);
	cr_assert_eq(h_down_rc(f.sp, f.c, f.uid, UINT64_MAX), MULT_ENOENT);
	/* the host still sees the resources as themselves */
	cr_assert_eq(h_up(f.sp, MULT_HOST, f.uid, 100000), 100000);
	cr_assert_eq(h_down(f.sp, MULT_HOST, f.uid, 100000), 100000);
	map_is(f.sp, f.c, f.uid, &w, 1);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(range, unmapped_instance_sees_nothing)
{
	struct fix f;
	uint64_t d;

	fix_init(&f);
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	h_grant(f.sp, d, f.uid, 200000, 10);
	cr_assert_eq(h_map_n(f.sp, d, f.uid), 0);
	cr_assert_eq(h_down_rc(f.sp, d, f.uid, 0), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, d, f.uid, 200000), MULT_ENOENT);
	/* a sibling's resources are invisible too */
	cr_assert_eq(h_up_rc(f.sp, d, f.uid, 100000), MULT_ENOENT);
	mult_space_destroy(f.sp);
}

Test(range, nested_grandchild)
{
	struct fix f;
	struct mult_extent w = h_ext(0, 1000, 1000);
	uint64_t g;

	fix_init(&f);
	g = h_inst(f.sp, f.c, "g", 0);
	/* allotments are in host resources, the map's lower ids in C's view */
	h_grant(f.sp, g, f.uid, 101000, 1000);
	h_map1(f.sp, g, f.uid, 0, 1000, 1000);
	cr_assert_eq(h_down(f.sp, g, f.uid, 0), 101000);
	cr_assert_eq(h_down(f.sp, g, f.uid, 999), 101999);
	cr_assert_eq(h_up(f.sp, g, f.uid, 101000), 0);
	cr_assert_eq(h_up(f.sp, g, f.uid, 101999), 999);
	cr_assert_eq(h_up(f.sp, f.c, f.uid, 101000), 1000);
	cr_assert_eq(h_up(f.sp, MULT_HOST, f.uid, 101000), 101000);
	cr_assert_eq(h_down_rc(f.sp, g, f.uid, 1000), MULT_ENOENT);
	/* a child never sees its parent's resources */
	cr_assert_eq(h_up_rc(f.sp, g, f.uid, 100000), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, g, f.uid, 102000), MULT_ENOENT);
	/* read back as written, in the parent's view */
	map_is(f.sp, g, f.uid, &w, 1);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(range, three_levels_and_several_parent_extents)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t gg = h_inst(sp, g, "gg", 0);
	struct mult_extent ce[2], ge[2];

	h_grant(sp, c, uid, 100000, 1000);
	h_grant(sp, c, uid, 105000, 1000);
	ce[0] = h_ext(5000, 105000, 1000);  /* given out of order */
	ce[1] = h_ext(0, 100000, 1000);
	cr_assert_eq(mult_range_map(sp, c, uid, ce, 2), 0);
	h_grant(sp, g, uid, 100000, 100);
	h_grant(sp, g, uid, 105000, 100);
	ge[0] = h_ext(0, 0, 100);
	ge[1] = h_ext(100, 5000, 100);
	cr_assert_eq(mult_range_map(sp, g, uid, ge, 2), 0);
	cr_assert_eq(h_down(sp, g, uid, 150), 105050);
	cr_assert_eq(h_up(sp, g, uid, 105050), 150);
	cr_assert_eq(h_up(sp, c, uid, 105050), 5050);
	cr_assert_eq(h_down(sp, c, uid, 5050), 105050);
	cr_assert_eq(h_down_rc(sp, c, uid, 1000), MULT_ENOENT);
	cr_assert_eq(h_down_rc(sp, c, uid, 4999), MULT_ENOENT);
	/* a third level, lower ids in g's view */
	h_grant(sp, gg, uid, 105010, 10);
	h_map1(sp, gg, uid, 7, 110, 10);
	cr_assert_eq(h_down(sp, gg, uid, 7), 105010);
	cr_assert_eq(h_down(sp, gg, uid, 16), 105019);
	cr_assert_eq(h_up(sp, gg, uid, 105015), 12);
	cr_assert_eq(h_up(sp, g, uid, 105015), 115);
	cr_assert_eq(h_up(sp, c, uid, 105015), 5015);
	cr_assert_eq(h_up(sp, MULT_HOST, uid, 105015), 105015);
	cr_assert_eq(h_down_rc(sp, gg, uid, 6), MULT_ENOENT);
	cr_assert_eq(h_down_rc(sp, gg, uid, 17), MULT_ENOENT);
	/* sorted by first identity when read back */
	{
		struct mult_extent w[2];

		w[0] = ce[1];
		w[1] = ce[0];
		map_is(sp, c, uid, w, 2);
		map_is(sp, g, uid, ge, 2);
	}
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(range, many_extents_up_to_the_limit)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	struct mult_extent *e = calloc(MULT_EXTENTS_MAX, sizeof *e);
	struct mult_extent *got = calloc(MULT_EXTENTS_MAX, sizeof *got);
	size_t i, n = 0;
	uint64_t k;

	cr_assert_not_null(e);
	cr_assert_not_null(got);
	h_grant(sp, c, uid, 1000000, 10000);
	/* identities 10*i .. 10*i+2 -> resources 1000000 + 20*(339-i) .. */
	for (i = 0; i < MULT_EXTENTS_MAX; i++)
		e[i] = h_ext(10 * (uint64_t)i, 1000000 + 20 * (339 - (uint64_t)i),
		    3);
	cr_assert_eq(mult_range_map(sp, c, uid, e, MULT_EXTENTS_MAX), 0);
	for (i = 0; i < MULT_EXTENTS_MAX; i++) {
		for (k = 0; k < 3; k++) {
			uint64_t res = 1000000 + 20 * (339 - (uint64_t)i) + k;

			cr_assert_eq(h_down(sp, c, uid, 10 * i + k), res);
			cr_assert_eq(h_up(sp, c, uid, res), 10 * i + k);
		}
		cr_assert_eq(h_down_rc(sp, c, uid, 10 * i + 3), MULT_ENOENT);
		cr_assert_eq(h_up_rc(sp, c, uid,
		    1000000 + 20 * (339 - (uint64_t)i) + 3), MULT_ENOENT);
	}
	cr_assert_eq(mult_range_get(got, MULT_EXTENTS_MAX, &n, sp, c, uid), 0);
	cr_assert_eq(n, MULT_EXTENTS_MAX);
	for (i = 0; i < n; i++) {
		cr_assert_eq(got[i].first, e[i].first);
		cr_assert_eq(got[i].lower, e[i].lower);
		cr_assert_eq(got[i].count, e[i].count);
	}
	h_verify(sp);
	free(e);
	free(got);
	mult_space_destroy(sp);
}

Test(range, top_of_u64)
{
	struct mult_space *sp = h_space();
	uint32_t all = h_dom(sp, "all", MULT_KIND_RANGE, 1, UINT64_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t d = h_inst(sp, MULT_HOST, "d", 0);

	h_grant(sp, c, all, UINT64_MAX - 9, 10);
	h_map1(sp, c, all, 1, UINT64_MAX - 9, 10);
	cr_assert_eq(h_down(sp, c, all, 10), UINT64_MAX);
	cr_assert_eq(h_up(sp, c, all, UINT64_MAX), 10);
	cr_assert_eq(h_down(sp, MULT_HOST, all, UINT64_MAX), UINT64_MAX);
	/* identities at the top of u64 too */
	h_grant(sp, d, all, 1, 10);
	h_map1(sp, d, all, UINT64_MAX - 9, 1, 10);
	cr_assert_eq(h_down(sp, d, all, UINT64_MAX), 10);
	cr_assert_eq(h_up(sp, d, all, 1), UINT64_MAX - 9);
	/* one past the top wraps */
	cr_assert_eq(mult_allot_grant(sp, d, all, UINT64_MAX - 9, 11),
	    MULT_ERANGE);
	h_verify(sp);
	mult_space_destroy(sp);
}

/* The map of f->c's new child stays unwritten and nothing else changes. */
struct mfix {
	struct fix f;
	uint64_t g, s;
};

static void
mfix_init(struct mfix *m)
{
	fix_init(&m->f);
	m->g = h_inst(m->f.sp, m->f.c, "g", 0);
	/* g: [101000, 102000) and [103000, 103010) */
	h_grant(m->f.sp, m->g, m->f.uid, 101000, 1000);
	h_grant(m->f.sp, m->g, m->f.uid, 103000, 10);
	m->s = h_stale(m->f.sp);
}

static void
mfix_unchanged(struct mfix *m)
{
	struct mult_extent w = h_ext(0, 100000, 65536);

	cr_assert_eq(h_map_n(m->f.sp, m->g, m->f.uid), 0);
	cr_assert_eq(h_down_rc(m->f.sp, m->g, m->f.uid, 0), MULT_ENOENT);
	cr_assert_eq(h_up_rc(m->f.sp, m->g, m->f.uid, 101000), MULT_ENOENT);
	map_is(m->f.sp, m->f.c, m->f.uid, &w, 1);
	h_verify(m->f.sp);
}

#define MAP_FAILS(m, want, inst, dom, ext, n)                                 \
	do {                                                                  \
		int rc_ = mult_range_map((m)->f.sp, inst, dom, ext, n);       \
		cr_assert_eq(rc_, want, "map(%s, %s, n=%s): %d, want %s",      \
		    #inst, #ext, #n, rc_, #want);                             \
		mfix_unchanged(m);                                            \
	} while (0)

Test(range, map_einval_e2big_ekind_eperm_enoent_estale)
{
	struct mfix m;
	struct mult_extent e[2], *big;
	size_t i;

	mfix_init(&m);
	e[0] = h_ext(0, 1000, 10);
	e[1] = h_ext(10, 1100, 0);
	cr_assert_eq(mult_range_map(NULL, m.g, m.f.uid, e, 1), MULT_EINVAL);
	MAP_FAILS(&m, MULT_EINVAL, m.g, m.f.uid, NULL, 1);
	MAP_FAILS(&m, MULT_EINVAL, m.g, m.f.uid, e, 0);
	MAP_FAILS(&m, MULT_EINVAL, m.g, m.f.uid, e, 2);   /* a count of 0 */
	MAP_FAILS(&m, MULT_EINVAL, m.g, m.f.uid, e + 1, 1);
	MAP_FAILS(&m, MULT_EINVAL, m.g, H_BAD_DOM, e, 1);

	big = calloc(MULT_EXTENTS_MAX + 1, sizeof *big);
	cr_assert_not_null(big);
	for (i = 0; i < MULT_EXTENTS_MAX + 1; i++)
		big[i] = h_ext(i, 1000 + i, 1);
	MAP_FAILS(&m, MULT_E2BIG, m.g, m.f.uid, big, MULT_EXTENTS_MAX + 1);
	MAP_FAILS(&m, MULT_E2BIG, m.g, m.f.uid, big, (size_t)1 << 40);
	free(big);

	MAP_FAILS(&m, MULT_EKIND, m.g, m.f.pid, e, 1);
	MAP_FAILS(&m, MULT_EKIND, m.g, m.f.uts, e, 1);
	MAP_FAILS(&m, MULT_EKIND, m.g, m.f.cpu, e, 1);
	MAP_FAILS(&m, MULT_EPERM, MULT_HOST, m.f.uid, e, 1);
	MAP_FAILS(&m, MULT_ENOENT, H_NEVER_ID, m.f.uid, e, 1);
	MAP_FAILS(&m, MULT_ESTALE, m.s, m.f.uid, e, 1);
	/* after all that, the map is still unwritten: the first map works */
	cr_assert_eq(mult_range_map(m.f.sp, m.g, m.f.uid, e, 1), 0);
	cr_assert_eq(h_down(m.f.sp, m.g, m.f.uid, 9), 101009);
	mult_space_destroy(m.f.sp);
}

Test(range, map_is_written_once)
{
	struct fix f;
	struct mult_extent w = h_ext(0, 100000, 65536);
	uint64_t d;

	fix_init(&f);
	cr_assert_eq(h_map1_rc(f.sp, f.c, f.uid, 0, 100000, 65536), MULT_EEXIST);
	cr_assert_eq(h_map1_rc(f.sp, f.c, f.uid, 0, 100000, 10), MULT_EEXIST);
	cr_assert_eq(h_map1_rc(f.sp, f.c, f.uid, 70000, 100000, 10),
	    MULT_EEXIST);
	map_is(f.sp, f.c, f.uid, &w, 1);
	cr_assert_eq(h_down(f.sp, f.c, f.uid, 0), 100000);
	cr_assert_eq(h_down_rc(f.sp, f.c, f.uid, 70000), MULT_ENOENT);
	h_verify(f.sp);
	/* a failed first write does not count as the write */
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	h_grant(f.sp, d, f.uid, 200000, 10);
	cr_assert_eq(h_map1_rc(f.sp, d, f.uid, 0, 200000, 11), MULT_ERANGE);
	h_map1(f.sp, d, f.uid, 0, 200000, 10);
	cr_assert_eq(h_map1_rc(f.sp, d, f.uid, 0, 200000, 10), MULT_EEXIST);
	mult_space_destroy(f.sp);
}

Test(range, map_eoverlap)
{
	struct mfix m;
	struct mult_extent e[3];

	mfix_init(&m);
	/* identity ranges overlap */
	e[0] = h_ext(0, 1000, 10);
	e[1] = h_ext(5, 1100, 10);
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 2);
	e[1] = h_ext(9, 1100, 1);
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 2);
	/* lower ranges overlap */
	e[1] = h_ext(20, 1005, 10);
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 2);
	e[1] = h_ext(20, 1009, 1);
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 2);
	/* the same extent twice */
	e[1] = e[0];
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 2);
	/* the overlap is between the first and the last of three */
	e[0] = h_ext(0, 1000, 10);
	e[1] = h_ext(100, 1100, 10);
	e[2] = h_ext(50, 1005, 2);
	MAP_FAILS(&m, MULT_EOVERLAP, m.g, m.f.uid, e, 3);
	/* adjacent is fine */
	e[0] = h_ext(0, 1000, 10);
	e[1] = h_ext(10, 1010, 10);
	e[2] = h_ext(30, 1020, 5);
	cr_assert_eq(mult_range_map(m.f.sp, m.g, m.f.uid, e, 3), 0);
	cr_assert_eq(h_down(m.f.sp, m.g, m.f.uid, 30), 101020);
	cr_assert_eq(h_down(m.f.sp, m.g, m.f.uid, 19), 101019);
	h_verify(m.f.sp);
	mult_space_destroy(m.f.sp);
}

Test(range, map_erange)
{
	struct mfix m;
	struct mult_extent e[2];
	uint64_t d;

	mfix_init(&m);
	/* wraps: identities, then lower ids */
	e[0] = h_ext(UINT64_MAX - 2, 1000, 5);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, UINT64_MAX - 2, 5);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, 1000, UINT64_MAX);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	/* leaves the parent's map: C maps identities [0, 65536) only */
	e[0] = h_ext(0, 65530, 10);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, 70000, 1);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	/* leaves g's allotment [101000, 102000) + [103000, 103010) */
	e[0] = h_ext(0, 999, 2);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, 1990, 20);          /* spans the gap */
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, 3005, 10);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 1);
	e[0] = h_ext(0, 1000, 10);          /* one good, one bad */
	e[1] = h_ext(10, 5000, 10);
	MAP_FAILS(&m, MULT_ERANGE, m.g, m.f.uid, e, 2);
	/* leaves the co-domain [1, 65535], in a shared domain where the
	 * instance holds no grant (the host's allotment applies) */
	{
		uint64_t pc = h_inst(m.f.sp, MULT_HOST, "pc", 0);

		cr_assert_eq(h_map1_rc(m.f.sp, pc, m.f.port, 1, 65530, 10),
		    MULT_ERANGE);
		cr_assert_eq(h_map1_rc(m.f.sp, pc, m.f.port, 1, 0, 10),
		    MULT_ERANGE);
		/* identities outside the co-domain (the header's "leaves the
		 * co-domain" as the library reads it) */
		cr_assert_eq(h_map1_rc(m.f.sp, pc, m.f.port, 0, 100, 1),
		    MULT_ERANGE);
		cr_assert_eq(h_map1_rc(m.f.sp, pc, m.f.port, 65535, 100, 2),
		    MULT_ERANGE);
		cr_assert_eq(h_map_n(m.f.sp, pc, m.f.port), 0);
		/* C has no map in port: its child cannot map there */
		cr_assert_eq(h_map1_rc(m.f.sp, m.g, m.f.port, 1, 1, 10),
		    MULT_ERANGE);
		cr_assert_eq(h_map_n(m.f.sp, m.g, m.f.port), 0);
		h_map1(m.f.sp, pc, m.f.port, 1, 65526, 10);
		cr_assert_eq(h_down(m.f.sp, pc, m.f.port, 10), 65535);
	}
	/* an instance with no allotment in an isolated domain */
	d = h_inst(m.f.sp, MULT_HOST, "d", 0);
	cr_assert_eq(h_map1_rc(m.f.sp, d, m.f.uid, 0, 500000, 1), MULT_ERANGE);
	cr_assert_eq(h_map_n(m.f.sp, d, m.f.uid), 0);
	mfix_unchanged(&m);
	/* the allotment's two intervals, each in one extent, are fine */
	e[0] = h_ext(0, 1000, 1000);
	e[1] = h_ext(5000, 3000, 10);
	cr_assert_eq(mult_range_map(m.f.sp, m.g, m.f.uid, e, 2), 0);
	cr_assert_eq(h_down(m.f.sp, m.g, m.f.uid, 5009), 103009);
	h_verify(m.f.sp);
	mult_space_destroy(m.f.sp);
}

Test(range, map_lower_must_lie_in_one_parent_extent)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t g2 = h_inst(sp, c, "g2", 0);
	struct mult_extent ce[2], ge[2];

	h_grant(sp, c, uid, 100000, 100);
	/* g may not map before its parent has */
	h_grant(sp, g, uid, 100000, 20);
	cr_assert_eq(h_map1_rc(sp, g, uid, 0, 0, 10), MULT_ERANGE);
	cr_assert_eq(h_map_n(sp, g, uid), 0);
	/* two adjacent extents, contiguous in both views */
	ce[0] = h_ext(0, 100000, 10);
	ce[1] = h_ext(10, 100010, 10);
	cr_assert_eq(mult_range_map(sp, c, uid, ce, 2), 0);
	/* [5, 15) of c's view straddles them: refused */
	cr_assert_eq(h_map1_rc(sp, g, uid, 0, 5, 10), MULT_ERANGE);
	cr_assert_eq(h_map_n(sp, g, uid), 0);
	h_verify(sp);
	/* split the same way as the parent: accepted */
	ge[0] = h_ext(0, 5, 5);
	ge[1] = h_ext(5, 10, 5);
	cr_assert_eq(mult_range_map(sp, g, uid, ge, 2), 0);
	cr_assert_eq(h_down(sp, g, uid, 0), 100005);
	cr_assert_eq(h_down(sp, g, uid, 9), 100014);
	/* a lower id c does not map at all */
	h_grant(sp, g2, uid, 100020, 10);
	cr_assert_eq(h_map1_rc(sp, g2, uid, 0, 20, 10), MULT_ERANGE);
	cr_assert_eq(h_map_n(sp, g2, uid), 0);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(range, map_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	struct mult_extent e[3];

	h_grant(sp, c, uid, 100000, 65536);
	e[0] = h_ext(0, 100000, 1000);
	e[1] = h_ext(2000, 102000, 1000);
	e[2] = h_ext(1000, 150000, 10);
	H_FAULT_LOOP(&fa, sp, mult_range_map(sp, c, uid, e, 3),
	    do {
		    cr_assert_eq(h_map_n(sp, c, uid), 0);
		    cr_assert_eq(h_down_rc(sp, c, uid, 0), MULT_ENOENT);
		    cr_assert_eq(h_up_rc(sp, c, uid, 150000), MULT_ENOENT);
	    } while (0));
	cr_assert_eq(h_map_n(sp, c, uid), 3);
	cr_assert_eq(h_down(sp, c, uid, 1005), 150005);
	h_grant(sp, g, uid, 102000, 10);
	H_FAULT_LOOP(&fa, sp, h_map1_rc(sp, g, uid, 0, 2000, 10),
	    cr_assert_eq(h_map_n(sp, g, uid), 0));
	cr_assert_eq(h_down(sp, g, uid, 9), 102009);
	cr_assert_eq(h_up(sp, c, uid, 102009), 2009);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(range, read_errors)
{
	struct fix f;
	struct mult_extent out[2];
	uint64_t s, x = 0;
	size_t n = 0;

	fix_init(&f);
	s = h_stale(f.sp);
	/* down */
	cr_assert_eq(mult_range_down(NULL, f.sp, f.c, f.uid, 0), MULT_EINVAL);
	cr_assert_eq(mult_range_down(&x, NULL, f.c, f.uid, 0), MULT_EINVAL);
	cr_assert_eq(mult_range_down(&x, f.sp, f.c, H_BAD_DOM, 0), MULT_EINVAL);
	cr_assert_eq(mult_range_down(&x, f.sp, f.c, f.pid, 0), MULT_EKIND);
	cr_assert_eq(mult_range_down(&x, f.sp, f.c, f.uts, 0), MULT_EKIND);
	cr_assert_eq(mult_range_down(&x, f.sp, f.c, f.cpu, 0), MULT_EKIND);
	cr_assert_eq(mult_range_down(&x, f.sp, s, f.uid, 0), MULT_ESTALE);
	cr_assert_eq(mult_range_down(&x, f.sp, H_NEVER_ID, f.uid, 0),
	    MULT_ENOENT);
	/* up */
	cr_assert_eq(mult_range_up(NULL, f.sp, f.c, f.uid, 100000), MULT_EINVAL);
	cr_assert_eq(mult_range_up(&x, NULL, f.c, f.uid, 100000), MULT_EINVAL);
	cr_assert_eq(mult_range_up(&x, f.sp, f.c, H_BAD_DOM, 100000),
	    MULT_EINVAL);
	cr_assert_eq(mult_range_up(&x, f.sp, f.c, f.pid, 1), MULT_EKIND);
	cr_assert_eq(mult_range_up(&x, f.sp, f.c, f.uts, 1), MULT_EKIND);
	cr_assert_eq(mult_range_up(&x, f.sp, f.c, f.cpu, 1), MULT_EKIND);
	cr_assert_eq(mult_range_up(&x, f.sp, s, f.uid, 100000), MULT_ESTALE);
	cr_assert_eq(mult_range_up(&x, f.sp, H_NEVER_ID, f.uid, 100000),
	    MULT_ENOENT);
	/* get */
	cr_assert_eq(mult_range_get(out, 2, NULL, f.sp, f.c, f.uid),
	    MULT_EINVAL);
	cr_assert_eq(mult_range_get(out, 2, &n, NULL, f.c, f.uid), MULT_EINVAL);
	cr_assert_eq(mult_range_get(NULL, 2, &n, f.sp, f.c, f.uid),
	    MULT_EINVAL);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, f.c, H_BAD_DOM),
	    MULT_EINVAL);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, f.c, f.pid), MULT_EKIND);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, f.c, f.cpu), MULT_EKIND);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, f.c, f.uts), MULT_EKIND);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, s, f.uid), MULT_ESTALE);
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, H_NEVER_ID, f.uid),
	    MULT_ENOENT);
	/* ERANGE: cap too small, n says how many */
	n = 0;
	cr_assert_eq(mult_range_get(NULL, 0, &n, f.sp, f.c, f.uid),
	    MULT_ERANGE);
	cr_assert_eq(n, 1);
	n = 0;
	cr_assert_eq(mult_range_get(out, 1, &n, f.sp, f.c, f.uid), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0].first, 0);
	cr_assert_eq(out[0].lower, 100000);
	cr_assert_eq(out[0].count, 65536);
	mult_space_destroy(f.sp);
}

Test(range, get_erange_reports_the_count)
{
	struct fix f;
	struct mult_extent e[3], out[3];
	uint64_t d;
	size_t n;

	fix_init(&f);
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	h_grant(f.sp, d, f.uid, 200000, 100);
	e[0] = h_ext(0, 200000, 10);
	e[1] = h_ext(10, 200050, 10);
	e[2] = h_ext(1000, 200020, 10);
	cr_assert_eq(mult_range_map(f.sp, d, f.uid, e, 3), 0);
	n = 0;
	cr_assert_eq(mult_range_get(out, 2, &n, f.sp, d, f.uid), MULT_ERANGE);
	cr_assert_eq(n, 3);
	n = 0;
	cr_assert_eq(mult_range_get(out, 3, &n, f.sp, d, f.uid), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(out[2].first, 1000);
	cr_assert_eq(out[2].lower, 200020);
	mult_space_destroy(f.sp);
}

Test(range, shared_domain)
{
	struct fix f;
	uint64_t a, b, nc, gnc;

	fix_init(&f);
	a = h_inst(f.sp, MULT_HOST, "a", 0);
	b = h_inst(f.sp, MULT_HOST, "b", 0);
	/* siblings may get overlapping grants ... */
	h_grant(f.sp, a, f.port, 8000, 100);
	h_grant(f.sp, b, f.port, 8050, 100);
	/* ... and map the same resources */
	h_map1(f.sp, a, f.port, 80, 8080, 10);
	h_map1(f.sp, b, f.port, 8080, 8080, 10);
	cr_assert_eq(h_down(f.sp, a, f.port, 80), 8080);
	cr_assert_eq(h_down(f.sp, b, f.port, 8080), 8080);
	cr_assert_eq(h_up(f.sp, a, f.port, 8085), 85);
	cr_assert_eq(h_up(f.sp, b, f.port, 8085), 8085);
	/* a child without a grant can map what its parent maps */
	nc = h_inst(f.sp, MULT_HOST, "nc", 0);
	h_map1(f.sp, nc, f.port, 1, 443, 1);
	cr_assert_eq(h_down(f.sp, nc, f.port, 1), 443);
	cr_assert_eq(h_up(f.sp, nc, f.port, 443), 1);
	cr_assert_eq(h_allot_n(f.sp, nc, f.port), 0);
	gnc = h_inst(f.sp, nc, "gnc", 0);
	h_map1(f.sp, gnc, f.port, 5, 1, 1);
	cr_assert_eq(h_down(f.sp, gnc, f.port, 5), 443);
	cr_assert_eq(h_up(f.sp, gnc, f.port, 443), 5);
	cr_assert_eq(h_up(f.sp, nc, f.port, 443), 1);
	/* but not what its parent does not map */
	{
		uint64_t ga = h_inst(f.sp, a, "ga", 0);

		cr_assert_eq(h_map1_rc(f.sp, ga, f.port, 1, 1, 1), MULT_ERANGE);
		cr_assert_eq(h_map_n(f.sp, ga, f.port), 0);
		h_map1(f.sp, ga, f.port, 1, 80, 2);
		cr_assert_eq(h_down(f.sp, ga, f.port, 2), 8081);
	}
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(range, isolated_siblings_never_share)
{
	struct fix f;
	uint64_t d;

	fix_init(&f);
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	cr_assert_eq(mult_allot_grant(f.sp, d, f.uid, 165535, 10),
	    MULT_EOVERLAP);
	h_grant(f.sp, d, f.uid, 165536, 65536);
	h_map1(f.sp, d, f.uid, 0, 165536, 65536);
	/* equal identities, different resources */
	cr_assert_eq(h_down(f.sp, f.c, f.uid, 0), 100000);
	cr_assert_eq(h_down(f.sp, d, f.uid, 0), 165536);
	cr_assert_eq(h_up_rc(f.sp, d, f.uid, 100000), MULT_ENOENT);
	cr_assert_eq(h_up_rc(f.sp, f.c, f.uid, 165536), MULT_ENOENT);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(range, destroy_releases_the_map)
{
	struct fix f;
	uint64_t d;

	fix_init(&f);
	cr_assert_eq(mult_instance_destroy(f.sp, f.c), 0);
	cr_assert_eq(h_down_rc(f.sp, f.c, f.uid, 0), MULT_ESTALE);
	cr_assert_eq(h_up_rc(f.sp, f.c, f.uid, 100000), MULT_ESTALE);
	cr_assert_eq(h_up(f.sp, MULT_HOST, f.uid, 100000), 100000);
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	h_grant(f.sp, d, f.uid, 100000, 65536);
	h_map1(f.sp, d, f.uid, 1000, 100000, 65536);
	cr_assert_eq(h_up(f.sp, d, f.uid, 100000), 1000);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * The batch forms agree with mult_range_down() and _up() value by value,
 * on a full map of 340 extents, for the host (identity on [lo, hi]), for
 * a child, and for an instance with no map; unmapped values get miss and
 * found counts the rest, so a miss that is also a real answer is told
 * apart.
 */
Test(range, many_agrees_with_single)
{
	struct mult_space *sp = h_space();
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 10, 4000000, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t u = h_inst(sp, MULT_HOST, "u", 0);
	struct mult_extent *e = calloc(MULT_EXTENTS_MAX, sizeof *e);
	uint64_t x[2000], y[2000], z[2000];
	const uint64_t who[3] = { MULT_HOST, c, u };
	size_t i, n = 0, w;
	int up;

	cr_assert_not_null(e);
	h_grant(sp, c, uid, 1000000, 10000);
	for (i = 0; i < MULT_EXTENTS_MAX; i++)
		e[i] = h_ext(10 + 10 * (uint64_t)i,
		    1000000 + 20 * (339 - (uint64_t)i), 3);
	cr_assert_eq(mult_range_map(sp, c, uid, e, MULT_EXTENTS_MAX), 0);
	/* identities and resources, mapped or not, in and out of [lo, hi] */
	for (i = 0; i < 1000; i++)
		x[n++] = (i * 7) % 3500;
	for (i = 0; i < 990; i++)
		x[n++] = 999990 + (i * 13) % 7000;
	x[n++] = 0;
	x[n++] = 9;
	x[n++] = 4000000;
	x[n++] = 4000001;
	x[n++] = 1000003;       /* = miss below: a real answer up from 3 */
	x[n++] = UINT64_MAX;
	/* n, and n - 1 for a batch that is not whole groups of four */
	for (up = 0; up < 4; up++) {
		size_t cnt = up < 2 ? n : n - 1;

		for (w = 0; w < 3; w++) {
			size_t found = 12345, want = 0;

			cr_assert_eq((up % 2 ? mult_range_up_many :
			    mult_range_down_many)(y, &found, sp, who[w], uid,
			    x, cnt, 1000003), 0);
			for (i = 0; i < cnt; i++) {
				int rc = (up % 2 ? mult_range_up :
				    mult_range_down)(&z[i], sp, who[w], uid,
				    x[i]);

				cr_assert(rc == 0 || rc == MULT_ENOENT);
				cr_assert_eq(y[i], rc == 0 ? z[i] : 1000003,
				    "up %d who %zu x %" PRIu64, up, w, x[i]);
				want += rc == 0;
			}
			cr_assert_eq(found, want, "up %d who %zu", up, w);
			/* In place: the input array receives the answers. */
			for (i = 0; i < cnt; i++)
				z[i] = x[i];
			cr_assert_eq((up % 2 ? mult_range_up_many :
			    mult_range_down_many)(z, &found, sp, who[w], uid,
			    z, cnt, 1000003), 0);
			cr_assert_eq(found, want);
			for (i = 0; i < cnt; i++)
				cr_assert_eq(z[i], y[i], "in place, x %" PRIu64,
				    x[i]);
			cr_assert(w == 2 ? want == 0 : want > 100, "up %d who %zu",
			    up, w);
		}
	}
	h_verify(sp);
	free(e);
	mult_space_destroy(sp);
}

/* Errors write nothing; n == 0 still checks the instance and domain. */
Test(range, many_errors_write_nothing)
{
	struct fix f;
	uint64_t x[2] = { 0, 1 }, y[2] = { 0xdead, 0xbeef }, s;
	size_t found = 99;
	int up;

	fix_init(&f);
	s = h_stale(f.sp);
	for (up = 0; up < 2; up++) {
		int (*fn)(uint64_t *, size_t *, struct mult_space *, uint64_t,
		    uint32_t, const uint64_t *, size_t, uint64_t) = up ?
		    mult_range_up_many : mult_range_down_many;
		uint64_t v = up ? 100000 : 0;

		x[0] = v;
#define RM_BAD(rc, ...)                                                        \
	do {                                                                  \
		cr_assert_eq(fn(__VA_ARGS__), (rc), "up %d", up);              \
		cr_assert(y[0] == 0xdead && y[1] == 0xbeef && found == 99);    \
	} while (0)
		RM_BAD(MULT_EINVAL, NULL, &found, f.sp, f.c, f.uid, x, 2, 0);
		RM_BAD(MULT_EINVAL, y, &found, f.sp, f.c, f.uid, NULL, 2, 0);
		RM_BAD(MULT_EINVAL, y, &found, NULL, f.c, f.uid, x, 2, 0);
		RM_BAD(MULT_EINVAL, y, &found, f.sp, f.c, H_BAD_DOM, x, 2, 0);
		RM_BAD(MULT_EKIND, y, &found, f.sp, f.c, f.pid, x, 2, 0);
		RM_BAD(MULT_EKIND, y, &found, f.sp, f.c, f.cpu, x, 2, 0);
		RM_BAD(MULT_ESTALE, y, &found, f.sp, s, f.uid, x, 2, 0);
		RM_BAD(MULT_ENOENT, y, &found, f.sp, H_NEVER_ID, f.uid, x, 2,
		    0);
		RM_BAD(MULT_ESTALE, NULL, &found, f.sp, s, f.uid, NULL, 0, 0);
#undef RM_BAD
		cr_assert_eq(fn(NULL, &found, f.sp, f.c, f.uid, NULL, 0, 0), 0);
		cr_assert_eq(found, 0);
		cr_assert_eq(fn(y, NULL, f.sp, f.c, f.uid, x, 1, 7), 0);
		cr_assert_eq(y[0], up ? 0 : 100000);
		y[0] = 0xdead;
		found = 99;
	}
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * Destroying instances mapped in a shared domain whose parents hold no
 * state in it (no grant, no limit): the benchmark's range writer once had
 * to work around a crash in the charging of such a destroy.
 */
Test(range, destroy_mapped_in_shared_domain_without_parent_state)
{
	struct fix f;
	uint64_t nc, gnc;
	int i;

	fix_init(&f);
	for (i = 0; i < 50; i++) {
		nc = h_inst(f.sp, MULT_HOST, NULL, 0);
		h_map1(f.sp, nc, f.port, 1, 443, 10);
		gnc = h_inst(f.sp, nc, NULL, 0);
		h_map1(f.sp, gnc, f.port, 5, 1, 2);
		cr_assert_eq(h_down(f.sp, gnc, f.port, 6), 444);
		if (i % 2)
			cr_assert_eq(mult_instance_destroy(f.sp, gnc), 0);
		cr_assert_eq(mult_instance_destroy(f.sp, nc), 0);
		cr_assert_eq(h_down_rc(f.sp, gnc, f.port, 6), MULT_ESTALE);
		h_verify(f.sp);
	}
	mult_space_destroy(f.sp);
}

/*
 * The index a map keeps (src/core/range.c) must answer as a scan of the
 * extents does, whatever their layout: evenly spread, packed together with
 * one at the top of u64 (every extent but one in one bucket, so the longest
 * search), at random, in two far clusters, adjacent. Layouts of identities
 * and of resources are drawn apart (resources in reverse order), so each
 * direction's index gets a shape of its own; a grandchild then maps one
 * identity into each of its parent's extents, through the parent's index.
 */
enum shape { EVEN, PACKED_TOP, RANDOM, TWO_CLUSTERS, ADJACENT, NSHAPES };

static uint64_t rs_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rs_next(void)
{
	rs_state ^= rs_state << 13;
	rs_state ^= rs_state >> 7;
	rs_state ^= rs_state << 17;
	return rs_state;
}

/* Starts for n extents of counts cnt[] (taken in order ord[]), into at[]. */
static void
lay_out(enum shape sh, size_t n, const uint64_t *cnt, const size_t *ord,
    uint64_t *at)
{
	uint64_t next = 1;
	size_t k;

	for (k = 0; k < n; k++) {
		uint64_t c = cnt[ord[k]];

		switch (sh) {
		case EVEN:
			next = 1 + 1000 * (uint64_t)k;
			break;
		case PACKED_TOP:
			if (k == n - 1 && n > 1)
				next = UINT64_MAX - (c - 1);
			break;
		case RANDOM:
			next += rs_next() % 3000;
			break;
		case TWO_CLUSTERS:
			if (k == n / 2)
				next = (uint64_t)1 << 40;
			next += rs_next() % 3;
			break;
		default:
			break;
		}
		at[ord[k]] = next;
		next += c;
	}
}

/* The scan: x's extent among e[0..n), down or up, or -1. */
static long
scan(const struct mult_extent *e, size_t n, int up, uint64_t x)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t key = up ? e[i].lower : e[i].first;

		if (key <= x && x - key < e[i].count)
			return (long)i;
	}
	return -1;
}

/* Every probe of inst's map answers as scan() does, singly and batched. */
static void
probe_map(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const struct mult_extent *e, size_t n, const char *what)
{
	static uint64_t x[5 * MULT_EXTENTS_MAX + 80], y[5 * MULT_EXTENTS_MAX + 80];
	size_t m, i, found, want;
	int up;

	for (up = 0; up < 2; up++) {
		m = 0;
		for (i = 0; i < n; i++) {
			uint64_t key = up ? e[i].lower : e[i].first;

			x[m++] = key - 1;
			x[m++] = key;
			x[m++] = key + e[i].count / 2;
			x[m++] = key + (e[i].count - 1);
			x[m++] = key + e[i].count;
		}
		x[m++] = 0;
		x[m++] = 1;
		x[m++] = UINT64_MAX - 1;
		x[m++] = UINT64_MAX;
		for (i = 0; i < 76; i++)
			x[m++] = i % 2 ? rs_next() : rs_next() % 2000000;
		cr_assert_eq((up ? mult_range_up_many : mult_range_down_many)(y,
		    &found, sp, inst, dom, x, m, 7), 0);
		for (i = 0, want = 0; i < m; i++) {
			long j = scan(e, n, up, x[i]);
			uint64_t got = H_NEVER_ID;
			int rc = (up ? mult_range_up : mult_range_down)(&got, sp,
			    inst, dom, x[i]);

			if (j < 0) {
				cr_assert_eq(rc, MULT_ENOENT, "%s up %d x %" PRIu64
				    ": %d", what, up, x[i], rc);
				cr_assert_eq(got, H_NEVER_ID);
				cr_assert_eq(y[i], 7, "%s up %d x %" PRIu64
				    " batch", what, up, x[i]);
				continue;
			}
			want++;
			cr_assert_eq(rc, 0, "%s up %d x %" PRIu64 ": %d", what,
			    up, x[i], rc);
			cr_assert_eq(got, up ? e[j].first + (x[i] - e[j].lower) :
			    e[j].lower + (x[i] - e[j].first), "%s up %d x %"
			    PRIu64, what, up, x[i]);
			cr_assert_eq(y[i], got, "%s up %d x %" PRIu64 " batch",
			    what, up, x[i]);
		}
		cr_assert_eq(found, want, "%s up %d", what, up);
	}
}

Test(range, index_agrees_with_a_scan_in_every_layout)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 64, MULT_EXTENTS_MAX };
	static struct mult_extent e[MULT_EXTENTS_MAX], g[MULT_EXTENTS_MAX];
	static uint64_t cnt[MULT_EXTENTS_MAX], at[MULT_EXTENTS_MAX];
	static size_t fwd[MULT_EXTENTS_MAX], rev[MULT_EXTENTS_MAX];
	char what[64];
	size_t si, i, n;
	int a, b;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		n = sizes[si];
		for (i = 0; i < n; i++) {
			fwd[i] = i;
			rev[i] = n - 1 - i;
		}
		for (a = 0; a < NSHAPES; a++) {
			for (b = 0; b < NSHAPES; b++) {
				struct mult_space *sp = h_space();
				uint32_t d = h_dom(sp, "all", MULT_KIND_RANGE, 1,
				    UINT64_MAX, 0);
				uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
				uint64_t gc = h_inst(sp, c, "g", 0);

				for (i = 0; i < n; i++)
					cnt[i] = a == EVEN ? 500 :
					    1 + rs_next() % (a == ADJACENT ? 3 : 700);
				lay_out((enum shape)a, n, cnt, fwd, at);
				for (i = 0; i < n; i++)
					e[i] = h_ext(at[i], 0, cnt[i]);
				lay_out((enum shape)b, n, cnt, rev, at);
				for (i = 0; i < n; i++)
					e[i].lower = at[i];
				h_grant(sp, c, d, 1, UINT64_MAX);
				cr_assert_eq(mult_range_map(sp, c, d, e, n), 0,
				    "n %zu shapes %d %d", n, a, b);
				snprintf(what, sizeof(what), "n %zu shapes %d %d",
				    n, a, b);
				probe_map(sp, c, d, e, n, what);
				/* g: identity 3i + 1 is c's last identity of e[i] */
				h_grant(sp, gc, d, 1, UINT64_MAX);
				for (i = 0; i < n; i++)
					g[i] = h_ext(3 * (uint64_t)i + 1,
					    e[i].first + (e[i].count - 1), 1);
				cr_assert_eq(mult_range_map(sp, gc, d, g, n), 0,
				    "%s, grandchild", what);
				for (i = 0; i < n; i++)
					cr_assert_eq(h_down(sp, gc, d, 3 * i + 1),
					    e[i].lower + (e[i].count - 1),
					    "%s, grandchild %zu", what, i);
				h_verify(sp);
				mult_space_destroy(sp);
			}
		}
	}
}
