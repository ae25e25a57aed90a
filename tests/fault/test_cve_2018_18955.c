/*
 * libmult regression for the shape of CVE-2018-18955: Linux sorted the
 * reverse (lower-ordered) copy of a map with more than 5 extents before
 * translating its lower ids through the parent's map, so a nested user
 * namespace's up() answered with ids of the wrong extents. Here:
 *
 *   C, child of the host: allotment [100000, 101000), map "0 100000 1000"
 *   G, child of C, with 6 or 7 extents, in C's view (granted the host
 *   resources first): identical "0 0 1", ..., "5 5 990", and permuted
 *   "0 5 1", "1 4 1", ..., "5 0 1", "6 6 994".
 *
 * For every id 0 .. 1000 + a few, at every depth: down and up agree
 * (down(X, i) = r iff up(X, r) = i), G's view matches C's through G's map,
 * and the host sees r as r.
 * SPDX-License-Identifier: ISC
 */
#include "fault.h"

#define BASE 100000u
#define SPAN 1000u

/* down(x, i) = r iff up(x, r) = i, over every id and resource nearby. */
static void
agree(struct mult_space *sp, uint64_t x, uint32_t dom, const char *who)
{
	uint64_t i, r, back;
	int rc;

	for (i = 0; i < SPAN + 8; i++) {
		rc = mult_range_down(&r, sp, x, dom, i);
		if (rc == 0) {
			CHECK(mult_range_up(&back, sp, x, dom, r) == 0 && back == i,
			    "%s: down(%llu) = %llu but up(%llu) = %llu", who,
			    (unsigned long long)i, (unsigned long long)r,
			    (unsigned long long)r, (unsigned long long)back);
		} else {
			CHECK(rc == MULT_ENOENT, "%s: down(%llu): %d", who,
			    (unsigned long long)i, rc);
		}
	}
	for (r = BASE - 8; r < BASE + SPAN + 8; r++) {
		rc = mult_range_up(&i, sp, x, dom, r);
		if (rc == 0) {
			CHECK(mult_range_down(&back, sp, x, dom, i) == 0 && back == r,
			    "%s: up(%llu) = %llu but down(%llu) = %llu", who,
			    (unsigned long long)r, (unsigned long long)i,
			    (unsigned long long)i, (unsigned long long)back);
		} else {
			CHECK(rc == MULT_ENOENT, "%s: up(%llu): %d", who,
			    (unsigned long long)r, rc);
		}
	}
}

/*
 * G's map @p e (n extents, in C's view): check everything against a
 * translation done by hand, extent by extent, in the order written.
 */
static void
run(const char *name, const struct mult_extent *e, size_t n)
{
	struct mult_space *sp;
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    UINT32_MAX);
	struct mult_extent cm = { 0, BASE, SPAN };
	uint32_t uid;
	uint64_t c, g, i, r, rc_res, want;
	size_t k;
	char who[64];

	MUST(mult_space_create(&sp, NULL));
	MUST(mult_domain_create(&uid, sp, "uid", &o));
	MUST(mult_instance_create(&c, sp, MULT_HOST, "C", 0));
	MUST(mult_instance_create(&g, sp, c, "G", 0));
	MUST(mult_allot_grant(sp, c, uid, BASE, SPAN));
	MUST(mult_range_map(sp, c, uid, &cm, 1));
	MUST(mult_allot_grant(sp, g, uid, BASE, SPAN));
	MUST(mult_range_map(sp, g, uid, e, n));
	if (!f_verify(sp, name))
		return;

	snprintf(who, sizeof who, "%s: host", name);
	agree(sp, MULT_HOST, uid, who);
	snprintf(who, sizeof who, "%s: C", name);
	agree(sp, c, uid, who);
	snprintf(who, sizeof who, "%s: G", name);
	agree(sp, g, uid, who);

	for (i = 0; i < SPAN + 8; i++) {
		int mapped = 0;

		/* By hand: find the extent of G holding i, go to C's view. */
		for (k = 0; k < n; k++)
			if (i >= e[k].first && i - e[k].first < e[k].count) {
				mapped = 1;
				want = e[k].lower + (i - e[k].first);
			}
		if (!mapped) {
			CHECK(mult_range_down(&r, sp, g, uid, i) == MULT_ENOENT,
			    "%s: G id %llu should be unmapped", name,
			    (unsigned long long)i);
			continue;
		}
		CHECK(mult_range_down(&r, sp, g, uid, i) == 0 &&
		    mult_range_down(&rc_res, sp, c, uid, want) == 0 && r == rc_res,
		    "%s: down(G, %llu) = %llu, down(C, %llu) = %llu", name,
		    (unsigned long long)i, (unsigned long long)r,
		    (unsigned long long)want, (unsigned long long)rc_res);
		CHECK(r == BASE + want, "%s: G id %llu -> %llu, want %llu", name,
		    (unsigned long long)i, (unsigned long long)r,
		    (unsigned long long)(BASE + want));
		/* the host sees r as r; C sees it as want; G as i */
		CHECK(mult_range_up(&rc_res, sp, MULT_HOST, uid, r) == 0 &&
		    rc_res == r, "%s: host sees %llu as %llu", name,
		    (unsigned long long)r, (unsigned long long)rc_res);
		CHECK(mult_range_up(&rc_res, sp, c, uid, r) == 0 &&
		    rc_res == want, "%s: C sees %llu as %llu, want %llu", name,
		    (unsigned long long)r, (unsigned long long)rc_res,
		    (unsigned long long)want);
		CHECK(mult_range_up(&rc_res, sp, g, uid, r) == 0 && rc_res == i,
		    "%s: G sees %llu as %llu, want %llu", name,
		    (unsigned long long)r, (unsigned long long)rc_res,
		    (unsigned long long)i);
	}
	/* just outside C's allotment: invisible to C and G, the host sees it */
	for (r = BASE - 3; r < BASE + SPAN + 3; r++) {
		if (r >= BASE && r < BASE + SPAN)
			continue;
		CHECK(mult_range_up(&i, sp, c, uid, r) == MULT_ENOENT &&
		    mult_range_up(&i, sp, g, uid, r) == MULT_ENOENT,
		    "%s: %llu visible outside the maps", name,
		    (unsigned long long)r);
	}
	mult_space_destroy(sp);
}

int
main(void)
{
	static const struct mult_extent ident[] = {
		{ 0, 0, 1 }, { 1, 1, 1 }, { 2, 2, 1 }, { 3, 3, 1 }, { 4, 4, 1 },
		{ 5, 5, 990 },
	};
	static const struct mult_extent perm[] = {
		{ 0, 5, 1 }, { 1, 4, 1 }, { 2, 3, 1 }, { 3, 2, 1 }, { 4, 1, 1 },
		{ 5, 0, 1 }, { 6, 6, 994 },
	};
	/* the same, written in reverse order */
	static const struct mult_extent perm_rev[] = {
		{ 6, 6, 994 }, { 5, 0, 1 }, { 4, 1, 1 }, { 3, 2, 1 }, { 2, 3, 1 },
		{ 1, 4, 1 }, { 0, 5, 1 },
	};
	/* identities and lowers in opposite orders, with holes */
	static const struct mult_extent cross[] = {
		{ 0, 900, 50 }, { 100, 700, 50 }, { 200, 500, 50 },
		{ 300, 300, 50 }, { 400, 100, 50 }, { 500, 0, 50 },
		{ 600, 950, 50 },
	};

	run("identical", ident, sizeof ident / sizeof ident[0]);
	run("permuted", perm, sizeof perm / sizeof perm[0]);
	run("permuted, reversed", perm_rev, sizeof perm_rev / sizeof perm_rev[0]);
	run("crossed", cross, sizeof cross / sizeof cross[0]);
	return f_done("test_cve_2018_18955");
}
