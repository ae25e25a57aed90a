/*
 * libmult bad input (issue 5): every public function with NULL pointers,
 * stale handles, never-issued ids, ids of another space, zero and huge
 * counts, wrapping ranges, overlapping and duplicate extents, too many
 * extents, identities outside the domain, over-long names and values,
 * duplicate names, bad domain indexes and wrong-kind domains. Each call
 * must return the error its header documents and leave the space exactly
 * as it was (canonical dump). Valid but unusual input (unsorted, adjacent
 * extents; 340 extents) is accepted.
 *
 * The table is a list of BAD(space, expected, call) lines: each runs the
 * call between two dumps of the space.
 * SPDX-License-Identifier: ISC
 */
#include <limits.h>

#include "rich.h"

static struct f_alloc fa_a, fa_b;
static long n_cases;

static void
bad(struct mult_space *sp, int want1, int want2, int rc, const char *call,
    const struct dump *before, int line)
{
	struct dump after = { 0 };

	n_cases++;
	f_checks++;
	if (rc != want1 && rc != want2) {
		f_failures++;
		fprintf(stderr, "test_badinput.c:%d: FAIL: %s = %d (%s), want %d "
		    "(%s)\n", line, call, rc, mult_strerror(rc), want1,
		    mult_strerror(want1));
	}
	if (sp == NULL || before == NULL)
		return;
	dump_space(&after, sp);
	f_checks++;
	if (!dump_equal(before, &after)) {
		f_failures++;
		fprintf(stderr, "test_badinput.c:%d: FAIL: %s changed the space\n",
		    line, call);
		dump_diff(stderr, before, "before", &after, "after ");
	}
	dump_free(&after);
	f_verify(sp, call);
}

/* The call must return @p want and change nothing in @p sp. */
#define BAD2(sp, want1, want2, call)                                          \
	do {                                                                  \
		struct dump bad_d_ = { 0 };                                   \
		int bad_rc_;                                                  \
		dump_space(&bad_d_, (sp));                                    \
		bad_rc_ = (call);                                             \
		bad((sp), (want1), (want2), bad_rc_, #call, &bad_d_, __LINE__); \
		dump_free(&bad_d_);                                           \
	} while (0)
#define BAD(sp, want, call) BAD2(sp, want, want, call)
/* No space to compare (space_create). */
#define BADNS(want, call) bad(NULL, (want), (want), (call), #call, NULL, __LINE__)
/* Must succeed (valid unusual input). */
#define OK(call)                                                              \
	do {                                                                  \
		int ok_rc_ = (call);                                          \
		f_checks++;                                                   \
		n_cases++;                                                    \
		if (ok_rc_ != 0) {                                            \
			f_failures++;                                         \
			fprintf(stderr, "test_badinput.c:%d: FAIL: %s = %d (%s)\n", \
			    __LINE__, #call, ok_rc_, mult_strerror(ok_rc_));  \
		}                                                             \
	} while (0)

#define U64MAX UINT64_MAX
static const char long_name[] =
    "0123456789012345678901234567890123456789012345678901234567890123";
static const char max_name[] =
    "012345678901234567890123456789012345678901234567890123456789012";

static void
t_space(void)
{
	struct mult_space_opts o = MULT_SPACE_OPTS_INIT;
	struct mult_allocator al = { f_alloc_fn, NULL, &fa_a };
	struct mult_space *sp = NULL;

	BADNS(MULT_EINVAL, mult_space_create(NULL, NULL));
	BADNS(MULT_EINVAL, mult_space_create(NULL, &o));
	o.size = 0;
	BADNS(MULT_EINVAL, mult_space_create(&sp, &o));
	o.size = sizeof o - 1;
	BADNS(MULT_EINVAL, mult_space_create(&sp, &o));
	o.size = sizeof o;
	o.allocator = &al;
	BADNS(MULT_EINVAL, mult_space_create(&sp, &o));
	al.free = f_free_fn;
	al.alloc = NULL;
	BADNS(MULT_EINVAL, mult_space_create(&sp, &o));
	f_checks++;
	if (sp != NULL) {
		f_failures++;
		fprintf(stderr, "FAIL: space_create wrote *out on error\n");
	}
	mult_space_destroy(NULL);
	BADNS(MULT_EINVAL, mult_verify(NULL, NULL));
	f_checks++;
	if (strcmp(mult_strerror(1), "unknown error") != 0 ||
	    strcmp(mult_strerror(-15), "unknown error") != 0 ||
	    strcmp(mult_strerror(INT_MIN), "unknown error") != 0 ||
	    strcmp(mult_strerror(INT_MAX), "unknown error") != 0) {
		f_failures++;
		fprintf(stderr, "FAIL: mult_strerror of unknown codes\n");
	}
}

static void
t_domain(struct rich *r)
{
	struct mult_space *sp = r->sp;
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0, 9);
	struct mult_domain_opts v = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	uint32_t d;

	BAD(sp, MULT_EINVAL, mult_domain_create(NULL, sp, "x", &o));
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, NULL, "x", &o));
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, NULL, &o));
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", NULL));
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "", &o));
	BAD(sp, MULT_E2BIG, mult_domain_create(&d, sp, long_name, &o));
	BAD(sp, MULT_EEXIST, mult_domain_create(&d, sp, "uid", &o));
	BAD(sp, MULT_EEXIST, mult_domain_create(&d, sp, "uts", &v));
	o.size = 0;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.size = sizeof o;
	o.kind = 0;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.kind = 5;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.kind = -1;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.kind = MULT_KIND_RANGE;
	o.flags = 0x4;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.flags = MULT_DOMAIN_INHERIT;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.flags = 0;
	o.lo = 10;
	o.hi = 9;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.lo = 0;
	o.hi = U64MAX;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.kind = MULT_KIND_EXCLUSIVE;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.flags = MULT_DOMAIN_SHARED;
	o.hi = 9;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.kind = MULT_KIND_NUMBERED;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.flags = 0;
	o.lo = 1;
	o.hi = (uint64_t)1 << 32 | 1; /* 2^32 + 1 identities */
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	o.lo = 0;
	o.hi = U64MAX;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &o));
	v.value_max = MULT_VALUE_MAX + 1;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &v));
	v.value_max = UINT32_MAX;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &v));
	v.value_max = 0;
	v.flags = MULT_DOMAIN_SHARED;
	BAD(sp, MULT_EINVAL, mult_domain_create(&d, sp, "x", &v));

	BAD(sp, MULT_EINVAL, mult_domain_find(NULL, sp, "uid"));
	BAD(sp, MULT_EINVAL, mult_domain_find(&d, NULL, "uid"));
	BAD(sp, MULT_EINVAL, mult_domain_find(&d, sp, NULL));
	BAD(sp, MULT_ENOENT, mult_domain_find(&d, sp, "nope"));
	BAD(sp, MULT_ENOENT, mult_domain_find(&d, sp, ""));
	BAD(sp, MULT_ENOENT, mult_domain_find(&d, sp, long_name));
}

/* MULT_DOMAIN_MAX domains, then one more. */
static void
t_domain_full(void)
{
	struct f_alloc fa;
	struct mult_space *sp;
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0, 9);
	char name[16];
	uint32_t d;
	int i;

	f_alloc_init(&fa, 0);
	sp = f_space(&fa, 7);
	for (i = 0; i < MULT_DOMAIN_MAX; i++) {
		snprintf(name, sizeof name, "d%d", i);
		MUST(mult_domain_create(&d, sp, name, &o));
	}
	BAD(sp, MULT_ENOSPC, mult_domain_create(&d, sp, "one-too-many", &o));
	BAD(sp, MULT_EEXIST, mult_domain_create(&d, sp, "d7", &o));
	mult_space_destroy(sp);
}

static void
t_instance(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	struct mult_instance_info info;
	uint64_t id;

	BAD(sp, MULT_EINVAL, mult_instance_create(NULL, sp, MULT_HOST, NULL, 0));
	BAD(sp, MULT_EINVAL, mult_instance_create(&id, NULL, MULT_HOST, NULL, 0));
	BAD(sp, MULT_EINVAL, mult_instance_create(&id, sp, MULT_HOST, NULL, 2));
	BAD(sp, MULT_EINVAL, mult_instance_create(&id, sp, MULT_HOST, NULL,
	    0x100u));
	BAD(sp, MULT_EINVAL, mult_instance_create(&id, sp, MULT_HOST, "", 0));
	BAD(sp, MULT_E2BIG, mult_instance_create(&id, sp, MULT_HOST, long_name, 0));
	BAD(sp, MULT_EEXIST, mult_instance_create(&id, sp, MULT_HOST, "a", 0));
	BAD(sp, MULT_EEXIST, mult_instance_create(&id, sp, r->c, "f1", 0));
	BAD(sp, MULT_ESTALE, mult_instance_create(&id, sp, stale, NULL, 0));
	BAD(sp, MULT_ENOENT, mult_instance_create(&id, sp, never, NULL, 0));
	BAD(sp, MULT_ENOENT, mult_instance_create(&id, sp, other, NULL, 0));
	BAD(sp, MULT_ENOENT, mult_instance_create(&id, sp, 0, NULL, 0));
	BAD(sp, MULT_ENOENT, mult_instance_create(&id, sp, U64MAX, NULL, 0));
	BAD(sp, MULT_ENOENT, mult_instance_create(&id, sp,
	    MULT_HOST | ((uint64_t)1 << 32), NULL, 0));
	BAD(sp, MULT_EPERM, mult_instance_create(&id, sp, r->a, NULL,
	    MULT_INSTANCE_FEDERATED));
	BAD(sp, MULT_EPERM, mult_instance_create(&id, sp, r->f1, NULL, 0));
	BAD(sp, MULT_EPERM, mult_instance_create(&id, sp, r->f1, NULL,
	    MULT_INSTANCE_FEDERATED));
	BAD(sp, MULT_EINVAL, mult_instance_destroy(NULL, r->a));
	BAD(sp, MULT_EPERM, mult_instance_destroy(sp, MULT_HOST));
	BAD(sp, MULT_ESTALE, mult_instance_destroy(sp, stale));
	BAD(sp, MULT_ENOENT, mult_instance_destroy(sp, never));
	BAD(sp, MULT_ENOENT, mult_instance_destroy(sp, other));
	BAD(sp, MULT_ENOENT, mult_instance_destroy(sp, 0));
	BAD(sp, MULT_EINVAL, mult_instance_find(NULL, sp, "a"));
	BAD(sp, MULT_EINVAL, mult_instance_find(&id, NULL, "a"));
	BAD(sp, MULT_EINVAL, mult_instance_find(&id, sp, NULL));
	BAD(sp, MULT_ENOENT, mult_instance_find(&id, sp, "zzz"));
	BAD(sp, MULT_ENOENT, mult_instance_find(&id, sp, ""));
	BAD(sp, MULT_ENOENT, mult_instance_find(&id, sp, long_name));
	BAD(sp, MULT_EINVAL, mult_instance_info(NULL, sp, r->a));
	BAD(sp, MULT_EINVAL, mult_instance_info(&info, NULL, r->a));
	BAD(sp, MULT_ESTALE, mult_instance_info(&info, sp, stale));
	BAD(sp, MULT_ENOENT, mult_instance_info(&info, sp, never));
	BAD(sp, MULT_ENOENT, mult_instance_info(&info, sp, other));
	BAD(sp, MULT_ENOENT, mult_instance_info(&info, sp, 0));
}

static void
t_allot(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	struct mult_interval iv[4];
	size_t n;
	uint64_t m20 = (uint64_t)1 << 20;
	uint32_t bad_doms[3] = { 7, MULT_DOMAIN_MAX, UINT32_MAX };
	int i;

	BAD(sp, MULT_EINVAL, mult_allot_grant(NULL, r->a, r->cpu, 40, 1));
	for (i = 0; i < 3; i++) {
		BAD(sp, MULT_EINVAL, mult_allot_grant(sp, r->a, bad_doms[i], 40, 1));
		BAD(sp, MULT_EINVAL, mult_allot_revoke(sp, r->a, bad_doms[i], 0, 1));
		BAD(sp, MULT_EINVAL, mult_allot_get(iv, 4, &n, sp, r->a,
		    bad_doms[i]));
	}
	BAD(sp, MULT_EINVAL, mult_allot_grant(sp, r->a, r->cpu, 40, 0));
	BAD(sp, MULT_EKIND, mult_allot_grant(sp, r->a, r->pid, 40, 1));
	BAD(sp, MULT_EKIND, mult_allot_grant(sp, r->a, r->uts, 40, 1));
	BAD(sp, MULT_EPERM, mult_allot_grant(sp, MULT_HOST, r->cpu, 40, 1));
	BAD(sp, MULT_ESTALE, mult_allot_grant(sp, stale, r->cpu, 40, 1));
	BAD(sp, MULT_ENOENT, mult_allot_grant(sp, never, r->cpu, 40, 1));
	BAD(sp, MULT_ENOENT, mult_allot_grant(sp, other, r->cpu, 40, 1));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->mem, U64MAX - 5, 10));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->mem, U64MAX, U64MAX));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->mem, 1, U64MAX));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->cpu, 60, 10));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->cpu, 64, 1));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->port, 0, 1));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->a, r->uid, 0,
	    ((uint64_t)1 << 32) + 1));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->c, r->cpu, 8, 1));
	BAD(sp, MULT_ERANGE, mult_allot_grant(sp, r->c, r->cpu, 3, 2));
	BAD(sp, MULT_EOVERLAP, mult_allot_grant(sp, r->b2, r->cpu, 0, 1));
	BAD(sp, MULT_EOVERLAP, mult_allot_grant(sp, r->b, r->cpu, 0, 1));
	BAD(sp, MULT_EOVERLAP, mult_allot_grant(sp, r->b, r->cpu, 3, 2));
	BAD(sp, MULT_EOVERLAP, mult_allot_grant(sp, r->f2, r->cpu, 0, 1));
	BAD(sp, MULT_EOVERLAP, mult_allot_grant(sp, r->f2, r->uid, 100000, 1));
	BAD(sp, MULT_EQUOTA, mult_allot_grant(sp, r->a, r->mem, 2 * m20, m20 + 1));

	BAD(sp, MULT_EINVAL, mult_allot_revoke(NULL, r->a, r->cpu, 0, 1));
	BAD(sp, MULT_EINVAL, mult_allot_revoke(sp, r->a, r->cpu, 10, 0));
	BAD(sp, MULT_EKIND, mult_allot_revoke(sp, r->a, r->pid, 0, 1));
	BAD(sp, MULT_EPERM, mult_allot_revoke(sp, MULT_HOST, r->cpu, 0, 1));
	BAD(sp, MULT_ESTALE, mult_allot_revoke(sp, stale, r->cpu, 0, 1));
	BAD(sp, MULT_ENOENT, mult_allot_revoke(sp, never, r->cpu, 0, 1));
	BAD(sp, MULT_ENOENT, mult_allot_revoke(sp, other, r->cpu, 0, 1));
	BAD(sp, MULT_ERANGE, mult_allot_revoke(sp, r->a, r->mem, U64MAX - 5, 10));
	BAD(sp, MULT_ERANGE, mult_allot_revoke(sp, r->a, r->cpu, 40, 1));
	BAD(sp, MULT_ERANGE, mult_allot_revoke(sp, r->a, r->cpu, 15, 2));
	BAD(sp, MULT_ERANGE, mult_allot_revoke(sp, r->c2, r->cpu, 0, 1));
	BAD(sp, MULT_EBUSY, mult_allot_revoke(sp, r->a, r->uid, 100000, 1));
	BAD(sp, MULT_EBUSY, mult_allot_revoke(sp, r->a, r->cpu, 0, 1));
	BAD(sp, MULT_EBUSY, mult_allot_revoke(sp, r->a, r->cpu, 3, 3));
	BAD(sp, MULT_EBUSY, mult_allot_revoke(sp, r->b, r->uid, 100000, 10000));

	BAD(sp, MULT_EINVAL, mult_allot_get(iv, 4, NULL, sp, r->a, r->cpu));
	BAD(sp, MULT_EINVAL, mult_allot_get(NULL, 4, &n, sp, r->a, r->cpu));
	BAD(sp, MULT_EINVAL, mult_allot_get(iv, 4, &n, NULL, r->a, r->cpu));
	BAD(sp, MULT_EKIND, mult_allot_get(iv, 4, &n, sp, r->a, r->pid));
	BAD(sp, MULT_ESTALE, mult_allot_get(iv, 4, &n, sp, stale, r->cpu));
	BAD(sp, MULT_ENOENT, mult_allot_get(iv, 4, &n, sp, never, r->cpu));
	BAD(sp, MULT_ERANGE, mult_allot_get(NULL, 0, &n, sp, r->a, r->cpu));
	BAD(sp, MULT_ERANGE, mult_allot_get(NULL, 0, &n, sp, MULT_HOST, r->cpu));

}

static void
t_excl(struct rich *r)
{
	struct mult_space *sp = r->sp;
	uint64_t o;

	BAD(sp, MULT_EINVAL, mult_excl_owner(NULL, sp, r->cpu, 0));
	BAD(sp, MULT_EINVAL, mult_excl_owner(&o, NULL, r->cpu, 0));
	BAD(sp, MULT_EINVAL, mult_excl_owner(&o, sp, 7, 0));
	BAD(sp, MULT_EINVAL, mult_excl_owner(&o, sp, UINT32_MAX, 0));
	BAD(sp, MULT_EKIND, mult_excl_owner(&o, sp, r->uid, 0));
	BAD(sp, MULT_EKIND, mult_excl_owner(&o, sp, r->pid, 1));
	BAD(sp, MULT_ERANGE, mult_excl_owner(&o, sp, r->cpu, 64));
	BAD(sp, MULT_ERANGE, mult_excl_owner(&o, sp, r->cpu, U64MAX));
	BAD(sp, MULT_ERANGE, mult_excl_owner(&o, sp, r->mem, (uint64_t)1 << 40));
}

static void
t_range(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	static struct mult_extent many[MULT_EXTENTS_MAX + 1];
	struct mult_extent e1 = { 0, 1000, 10 }, e[3], got[4];
	uint64_t x;
	size_t n, i;

	for (i = 0; i < MULT_EXTENTS_MAX + 1; i++) {
		many[i].first = i;
		many[i].lower = 1000 + i;
		many[i].count = 1;
	}
	BAD(sp, MULT_EINVAL, mult_range_map(NULL, r->c2, r->uid, &e1, 1));
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, r->uid, NULL, 1));
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, r->uid, &e1, 0));
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, 7, &e1, 1));
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, UINT32_MAX, &e1, 1));
	BAD(sp, MULT_E2BIG, mult_range_map(sp, r->c2, r->uid, many,
	    MULT_EXTENTS_MAX + 1));
	BAD(sp, MULT_E2BIG, mult_range_map(sp, r->c2, r->uid, many, SIZE_MAX));
	BAD(sp, MULT_EKIND, mult_range_map(sp, r->c2, r->cpu, &e1, 1));
	BAD(sp, MULT_EKIND, mult_range_map(sp, r->c2, r->pid, &e1, 1));
	BAD(sp, MULT_EPERM, mult_range_map(sp, MULT_HOST, r->uid, &e1, 1));
	BAD(sp, MULT_ESTALE, mult_range_map(sp, stale, r->uid, &e1, 1));
	BAD(sp, MULT_ENOENT, mult_range_map(sp, never, r->uid, &e1, 1));
	BAD(sp, MULT_ENOENT, mult_range_map(sp, other, r->uid, &e1, 1));
	BAD(sp, MULT_EEXIST, mult_range_map(sp, r->c, r->uid, &e1, 1));
	/* c2: allotment [101000, 102000); b's view i -> 100000 + i. */
	e[0] = (struct mult_extent){ 0, 1000, 0 };
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ U64MAX - 1, 1000, 5 };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, U64MAX - 1, 5 };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 1000, U64MAX };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ (uint64_t)1 << 32, 1000, 1 };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 10000, 1 };   /* not in b's map */
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 9999, 2 };    /* leaves b's map */
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 0, 1 };       /* c's, not c2's */
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 1999, 2 };    /* leaves c2's allotment */
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->uid, e, 1));
	e[0] = (struct mult_extent){ 0, 1000, 10 };
	e[1] = (struct mult_extent){ 5, 1100, 10 };   /* identities overlap */
	BAD(sp, MULT_EOVERLAP, mult_range_map(sp, r->c2, r->uid, e, 2));
	e[1] = (struct mult_extent){ 100, 1005, 10 }; /* lowers overlap */
	BAD(sp, MULT_EOVERLAP, mult_range_map(sp, r->c2, r->uid, e, 2));
	e[1] = e[0];                                  /* duplicate */
	BAD(sp, MULT_EOVERLAP, mult_range_map(sp, r->c2, r->uid, e, 2));
	e[1] = (struct mult_extent){ 100, 1100, 10 };
	e[2] = (struct mult_extent){ 9, 1200, 2 };    /* overlaps, unsorted */
	BAD(sp, MULT_EOVERLAP, mult_range_map(sp, r->c2, r->uid, e, 3));
	e[2] = (struct mult_extent){ 0, 1000, 0 };    /* a count of 0 last */
	BAD(sp, MULT_EINVAL, mult_range_map(sp, r->c2, r->uid, e, 3));
	/* port is shared, [1, 65535]: identity 0 is outside it */
	e[0] = (struct mult_extent){ 0, 5000, 1 };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->c2, r->port, e, 1));
	e[0] = (struct mult_extent){ 1, 0, 1 };       /* lower 0 too */
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->f2, r->port, e, 1));
	e[0] = (struct mult_extent){ 65535, 65535, 2 };
	BAD(sp, MULT_ERANGE, mult_range_map(sp, r->f2, r->port, e, 1));

	BAD(sp, MULT_EINVAL, mult_range_down(NULL, sp, r->c, r->uid, 0));
	BAD(sp, MULT_EINVAL, mult_range_down(&x, NULL, r->c, r->uid, 0));
	BAD(sp, MULT_EINVAL, mult_range_down(&x, sp, r->c, 7, 0));
	BAD(sp, MULT_EKIND, mult_range_down(&x, sp, r->c, r->cpu, 0));
	BAD(sp, MULT_ESTALE, mult_range_down(&x, sp, stale, r->uid, 0));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, never, r->uid, 0));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, other, r->uid, 0));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, r->c, r->uid, 1000));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, r->c, r->uid, U64MAX));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, r->c2, r->uid, 0));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, MULT_HOST, r->port, 0));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, MULT_HOST, r->port, 65536));
	BAD(sp, MULT_ENOENT, mult_range_down(&x, sp, MULT_HOST, r->uid,
	    (uint64_t)1 << 32));
	BAD(sp, MULT_EINVAL, mult_range_up(NULL, sp, r->c, r->uid, 100000));
	BAD(sp, MULT_EINVAL, mult_range_up(&x, NULL, r->c, r->uid, 100000));
	BAD(sp, MULT_EINVAL, mult_range_up(&x, sp, r->c, UINT32_MAX, 100000));
	BAD(sp, MULT_EKIND, mult_range_up(&x, sp, r->c, r->mem, 100000));
	BAD(sp, MULT_ESTALE, mult_range_up(&x, sp, stale, r->uid, 100000));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, never, r->uid, 100000));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, r->c, r->uid, 99999));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, r->c, r->uid, 101000));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, r->c, r->uid, 300000));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, r->f1, r->uid, 100000));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, r->c, r->uid, U64MAX));
	BAD(sp, MULT_ENOENT, mult_range_up(&x, sp, MULT_HOST, r->port, 0));
	{
		uint64_t xs[2] = { 0, U64MAX }, ys[2];
		size_t nf;
		int up;

		for (up = 0; up < 2; up++) {
			int (*fn)(uint64_t *, size_t *, struct mult_space *,
			    uint64_t, uint32_t, const uint64_t *, size_t,
			    uint64_t) = up ? mult_range_up_many :
			    mult_range_down_many;

			BAD(sp, MULT_EINVAL, fn(NULL, &nf, sp, r->c, r->uid, xs,
			    2, 0));
			BAD(sp, MULT_EINVAL, fn(ys, &nf, sp, r->c, r->uid, NULL,
			    2, 0));
			BAD(sp, MULT_EINVAL, fn(ys, &nf, NULL, r->c, r->uid, xs,
			    2, 0));
			BAD(sp, MULT_EINVAL, fn(ys, &nf, sp, r->c, UINT32_MAX,
			    xs, 2, 0));
			BAD(sp, MULT_EKIND, fn(ys, &nf, sp, r->c, r->pid, xs, 2,
			    0));
			BAD(sp, MULT_ESTALE, fn(ys, &nf, sp, stale, r->uid, xs,
			    2, 0));
			BAD(sp, MULT_ENOENT, fn(ys, &nf, sp, never, r->uid, xs,
			    0, 0));
			OK(fn(ys, &nf, sp, r->c, r->uid, xs, 2, U64MAX));
		}
	}

	BAD(sp, MULT_EINVAL, mult_range_get(got, 4, NULL, sp, r->c, r->uid));
	BAD(sp, MULT_EINVAL, mult_range_get(NULL, 4, &n, sp, r->c, r->uid));
	BAD(sp, MULT_EINVAL, mult_range_get(got, 4, &n, NULL, r->c, r->uid));
	BAD(sp, MULT_EINVAL, mult_range_get(got, 4, &n, sp, r->c, 7));
	BAD(sp, MULT_EKIND, mult_range_get(got, 4, &n, sp, r->c, r->cpu));
	BAD(sp, MULT_ESTALE, mult_range_get(got, 4, &n, sp, stale, r->uid));
	BAD(sp, MULT_ENOENT, mult_range_get(got, 4, &n, sp, never, r->uid));
	BAD(sp, MULT_ERANGE, mult_range_get(NULL, 0, &n, sp, r->c, r->uid));
	BAD(sp, MULT_ERANGE, mult_range_get(got, 1, &n, sp, r->a, r->uid));
}

/* Valid unusual maps, on fresh instances of their own space. */
static void
t_range_valid(void)
{
	struct f_alloc fa;
	struct rich r;
	static struct mult_extent many[MULT_EXTENTS_MAX];
	struct mult_extent e[4], got[4];
	uint64_t x, y, res;
	size_t i, n;

	f_alloc_init(&fa, 0);
	rich_build(&r, &fa, 11);
	MUST(mult_instance_create(&x, r.sp, MULT_HOST, NULL, 0));
	MUST(mult_allot_grant(r.sp, x, r.uid, 500000, 1000));
	/* unsorted and adjacent: both ranges touch, given backwards */
	e[0] = (struct mult_extent){ 20, 500020, 10 };
	e[1] = (struct mult_extent){ 10, 500010, 10 };
	e[2] = (struct mult_extent){ 0, 500000, 10 };
	OK(mult_range_map(r.sp, x, r.uid, e, 3));
	OK(mult_range_get(got, 4, &n, r.sp, x, r.uid));
	f_checks++;
	if (n != 3 || got[0].first != 0 || got[1].first != 10 ||
	    got[2].first != 20) {
		f_failures++;
		fprintf(stderr, "FAIL: unsorted map not read back sorted\n");
	}
	for (i = 0; i < 30; i++) {
		f_checks++;
		if (mult_range_down(&res, r.sp, x, r.uid, i) != 0 ||
		    res != 500000 + i) {
			f_failures++;
			fprintf(stderr, "FAIL: adjacent map: %zu\n", i);
		}
	}
	/* 340 extents, one identity each, permuted */
	MUST(mult_instance_create(&y, r.sp, MULT_HOST, NULL, 0));
	MUST(mult_allot_grant(r.sp, y, r.uid, 600000, MULT_EXTENTS_MAX));
	for (i = 0; i < MULT_EXTENTS_MAX; i++) {
		many[i].first = 2 * i;
		many[i].lower = 600000 + (i * 7) % MULT_EXTENTS_MAX;
		many[i].count = 1;
	}
	OK(mult_range_map(r.sp, y, r.uid, many, MULT_EXTENTS_MAX));
	for (i = 0; i < MULT_EXTENTS_MAX; i++) {
		uint64_t id;

		f_checks++;
		if (mult_range_down(&res, r.sp, y, r.uid, 2 * i) != 0 ||
		    res != many[i].lower ||
		    mult_range_up(&id, r.sp, y, r.uid, res) != 0 || id != 2 * i ||
		    mult_range_down(&res, r.sp, y, r.uid, 2 * i + 1) != MULT_ENOENT) {
			f_failures++;
			fprintf(stderr, "FAIL: 340 extents: %zu\n", i);
		}
	}
	/* the longest name and key are fine */
	OK(mult_instance_create(&x, r.sp, MULT_HOST, max_name, 0));
	OK(mult_value_set(r.sp, x, r.uts, max_name, "v", 1));
	f_verify(r.sp, "valid maps");
	mult_space_destroy(r.sp);
}

static void
t_num(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	uint64_t id, o, host_obj = 0x1000, f2_obj = r->next_obj - 1;

	BAD(sp, MULT_EINVAL, mult_num_alloc(NULL, sp, r->c, r->pid, 0x77));
	BAD(sp, MULT_EINVAL, mult_num_alloc(&id, NULL, r->c, r->pid, 0x77));
	BAD(sp, MULT_EINVAL, mult_num_alloc(&id, sp, r->c, r->pid, 0));
	BAD(sp, MULT_EINVAL, mult_num_alloc(&id, sp, r->c, 7, 0x77));
	BAD(sp, MULT_EKIND, mult_num_alloc(&id, sp, r->c, r->uid, 0x77));
	BAD(sp, MULT_EKIND, mult_num_alloc(&id, sp, r->c, r->uts, 0x77));
	BAD(sp, MULT_ESTALE, mult_num_alloc(&id, sp, stale, r->pid, 0x77));
	BAD(sp, MULT_ENOENT, mult_num_alloc(&id, sp, never, r->pid, 0x77));
	BAD(sp, MULT_ENOENT, mult_num_alloc(&id, sp, other, r->pid, 0x77));
	BAD(sp, MULT_EEXIST, mult_num_alloc(&id, sp, r->f1, r->pid, host_obj));
	BAD(sp, MULT_EEXIST, mult_num_alloc(&id, sp, r->c, r->pid, r->c_obj));
	BAD(sp, MULT_EEXIST, mult_num_alloc(&id, sp, MULT_HOST, r->pid, f2_obj));

	BAD(sp, MULT_EINVAL, mult_num_free(NULL, r->c, r->pid, r->c_obj));
	BAD(sp, MULT_EINVAL, mult_num_free(sp, r->c, r->pid, 0));
	BAD(sp, MULT_EINVAL, mult_num_free(sp, r->c, UINT32_MAX, r->c_obj));
	BAD(sp, MULT_EKIND, mult_num_free(sp, r->c, r->cpu, r->c_obj));
	BAD(sp, MULT_ESTALE, mult_num_free(sp, stale, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, never, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, other, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, MULT_HOST, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, r->b, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, r->f1, r->pid, f2_obj));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, r->c, r->pid, 0x77));
	BAD(sp, MULT_ENOENT, mult_num_free(sp, r->c, r->pid, U64MAX));

	BAD(sp, MULT_EINVAL, mult_num_lookup(NULL, sp, r->c, r->pid, 1));
	BAD(sp, MULT_EINVAL, mult_num_lookup(&o, NULL, r->c, r->pid, 1));
	BAD(sp, MULT_EINVAL, mult_num_lookup(&o, sp, r->c, 7, 1));
	BAD(sp, MULT_EKIND, mult_num_lookup(&o, sp, r->c, r->uid, 1));
	BAD(sp, MULT_ESTALE, mult_num_lookup(&o, sp, stale, r->pid, 1));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, never, r->pid, 1));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, r->c, r->pid, 0));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, r->c, r->pid, 65));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, r->c, r->pid, 4194305));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, r->c, r->pid, U64MAX));
	BAD(sp, MULT_ENOENT, mult_num_lookup(&o, sp, r->c2, r->pid, 1));
	{
		uint64_t ids[3] = { 1, 0, U64MAX }, objs[3];
		size_t nf;

		BAD(sp, MULT_EINVAL, mult_num_lookup_many(NULL, &nf, sp, r->c,
		    r->pid, ids, 3));
		BAD(sp, MULT_EINVAL, mult_num_lookup_many(objs, &nf, sp, r->c,
		    r->pid, NULL, 3));
		BAD(sp, MULT_EINVAL, mult_num_lookup_many(objs, &nf, NULL, r->c,
		    r->pid, ids, 3));
		BAD(sp, MULT_EINVAL, mult_num_lookup_many(objs, &nf, sp, r->c,
		    7, ids, 3));
		BAD(sp, MULT_EKIND, mult_num_lookup_many(objs, &nf, sp, r->c,
		    r->uid, ids, 3));
		BAD(sp, MULT_ESTALE, mult_num_lookup_many(objs, &nf, sp, stale,
		    r->pid, ids, 3));
		BAD(sp, MULT_ENOENT, mult_num_lookup_many(objs, &nf, sp, never,
		    r->pid, ids, 0));
		OK(mult_num_lookup_many(objs, &nf, sp, r->c2, r->pid, ids, 3));
	}

	BAD(sp, MULT_EINVAL, mult_num_number(NULL, sp, r->c, r->pid, r->c_obj));
	BAD(sp, MULT_EINVAL, mult_num_number(&id, NULL, r->c, r->pid, r->c_obj));
	BAD(sp, MULT_EINVAL, mult_num_number(&id, sp, r->c, 7, r->c_obj));
	BAD(sp, MULT_EKIND, mult_num_number(&id, sp, r->c, r->sysctl, r->c_obj));
	BAD(sp, MULT_ESTALE, mult_num_number(&id, sp, stale, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_number(&id, sp, never, r->pid, r->c_obj));
	BAD2(sp, MULT_ENOENT, MULT_EINVAL, mult_num_number(&id, sp, r->c, r->pid, 0));
	BAD(sp, MULT_ENOENT, mult_num_number(&id, sp, r->c, r->pid, host_obj));
	BAD(sp, MULT_ENOENT, mult_num_number(&id, sp, r->c2, r->pid, r->c_obj));
	BAD(sp, MULT_ENOENT, mult_num_number(&id, sp, r->f1, r->pid, f2_obj));
	BAD(sp, MULT_ENOENT, mult_num_number(&id, sp, r->b2, r->pid, r->c_obj));
	{
		struct mult_num_ref *ref = NULL, *held = NULL;

		BAD(sp, MULT_EINVAL, mult_num_ref_get(NULL, sp, r->c, r->pid));
		BAD(sp, MULT_EINVAL, mult_num_ref_get(&ref, NULL, r->c, r->pid));
		BAD(sp, MULT_EINVAL, mult_num_ref_get(&ref, sp, r->c, 7));
		BAD(sp, MULT_EKIND, mult_num_ref_get(&ref, sp, r->c, r->uid));
		BAD(sp, MULT_EKIND, mult_num_ref_get(&ref, sp, r->c,
		    r->sysctl));
		BAD(sp, MULT_ESTALE, mult_num_ref_get(&ref, sp, stale, r->pid));
		BAD(sp, MULT_ENOENT, mult_num_ref_get(&ref, sp, never, r->pid));
		CHECK(ref == NULL, "a failed mult_num_ref_get wrote *ref");
		OK(mult_num_ref_get(&held, sp, r->c, r->pid));
		o = 0x5a;
		BAD(sp, MULT_EINVAL, mult_num_ref_lookup(NULL, held, 1));
		BAD(sp, MULT_EINVAL, mult_num_ref_lookup(&o, NULL, 1));
		BAD(sp, MULT_ENOENT, mult_num_ref_lookup(&o, held, 0));
		BAD(sp, MULT_ENOENT, mult_num_ref_lookup(&o, held, 65));
		BAD(sp, MULT_ENOENT, mult_num_ref_lookup(&o, held, U64MAX));
		CHECK(o == 0x5a, "a failed mult_num_ref_lookup wrote *obj");
		mult_num_ref_put(held);
	}
}

/* A full numbered domain, and an instance at its limit. */
static void
t_num_full(void)
{
	struct f_alloc fa;
	struct mult_space *sp;
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 5, 8);
	uint32_t d;
	uint64_t x, y, id, obj;

	f_alloc_init(&fa, 0);
	sp = f_space(&fa, 3);
	MUST(mult_domain_create(&d, sp, "tiny", &o));
	MUST(mult_instance_create(&x, sp, MULT_HOST, NULL, 0));
	MUST(mult_instance_create(&y, sp, MULT_HOST, NULL, 0));
	MUST(mult_limit_set(sp, y, d, 1));
	MUST(mult_num_alloc(&id, sp, y, d, 100));
	BAD(sp, MULT_EQUOTA, mult_num_alloc(&id, sp, y, d, 101));
	for (obj = 1; obj <= 3; obj++)
		MUST(mult_num_alloc(&id, sp, x, d, obj));
	BAD(sp, MULT_ENOSPC, mult_num_alloc(&id, sp, x, d, 4));
	BAD(sp, MULT_ENOSPC, mult_num_alloc(&id, sp, MULT_HOST, d, 4));
	BAD(sp, MULT_EPERM, mult_limit_reserve(sp, MULT_HOST, d, 1));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, x, d, 5));
	mult_space_destroy(sp);
}

static void
t_value(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	char buf[300];
	size_t len;

	memset(buf, 'v', sizeof buf);
	BAD(sp, MULT_EINVAL, mult_value_set(NULL, r->c, r->uts, "k", "v", 1));
	BAD(sp, MULT_EINVAL, mult_value_set(sp, r->c, r->uts, NULL, "v", 1));
	BAD(sp, MULT_EINVAL, mult_value_set(sp, r->c, r->uts, "", "v", 1));
	BAD(sp, MULT_EINVAL, mult_value_set(sp, r->c, r->uts, "k", NULL, 1));
	BAD(sp, MULT_EINVAL, mult_value_set(sp, r->c, 7, "k", "v", 1));
	BAD(sp, MULT_EINVAL, mult_value_set(sp, r->c, UINT32_MAX, "k", "v", 1));
	BAD(sp, MULT_E2BIG, mult_value_set(sp, r->c, r->uts, long_name, "v", 1));
	BAD(sp, MULT_E2BIG, mult_value_set(sp, r->c, r->uts, "k", buf, 65));
	BAD(sp, MULT_E2BIG, mult_value_set(sp, r->c, r->sysctl, "k", buf, 257));
	BAD(sp, MULT_E2BIG, mult_value_set(sp, r->c, r->uts, "k", buf, SIZE_MAX));
	BAD(sp, MULT_E2BIG, mult_value_set(sp, r->c, r->uts, "hostname", buf, 65));
	BAD(sp, MULT_EKIND, mult_value_set(sp, r->c, r->pid, "k", "v", 1));
	BAD(sp, MULT_EKIND, mult_value_set(sp, r->c, r->cpu, "k", "v", 1));
	BAD(sp, MULT_ESTALE, mult_value_set(sp, stale, r->uts, "k", "v", 1));
	BAD(sp, MULT_ENOENT, mult_value_set(sp, never, r->uts, "k", "v", 1));
	BAD(sp, MULT_ENOENT, mult_value_set(sp, other, r->uts, "k", "v", 1));
	BAD(sp, MULT_EQUOTA, mult_value_set(sp, r->c, r->sysctl, "k", buf, 51));

	BAD(sp, MULT_EINVAL, mult_value_unset(NULL, r->c, r->uts, "motd"));
	BAD(sp, MULT_EINVAL, mult_value_unset(sp, r->c, r->uts, NULL));
	BAD(sp, MULT_EINVAL, mult_value_unset(sp, r->c, r->uts, ""));
	BAD(sp, MULT_EINVAL, mult_value_unset(sp, r->c, 7, "motd"));
	/* not documented for unset: E2BIG (the code) or ENOENT (find's) */
	BAD2(sp, MULT_E2BIG, MULT_ENOENT, mult_value_unset(sp, r->c, r->uts,
	    long_name));
	BAD(sp, MULT_EKIND, mult_value_unset(sp, r->c, r->pid, "motd"));
	BAD(sp, MULT_ESTALE, mult_value_unset(sp, stale, r->uts, "motd"));
	BAD(sp, MULT_ENOENT, mult_value_unset(sp, never, r->uts, "motd"));
	BAD(sp, MULT_ENOENT, mult_value_unset(sp, other, r->uts, "motd"));
	BAD(sp, MULT_ENOENT, mult_value_unset(sp, r->c, r->uts, "nokey"));
	BAD(sp, MULT_ENOENT, mult_value_unset(sp, r->c2, r->sysctl, "net.x"));
	BAD(sp, MULT_ENOENT, mult_value_unset(sp, r->b, r->uts, "motd"));

	BAD(sp, MULT_EINVAL, mult_value_get(buf, 300, NULL, sp, r->c, r->uts, "motd"));
	BAD(sp, MULT_EINVAL, mult_value_get(buf, 300, &len, NULL, r->c, r->uts, "motd"));
	BAD(sp, MULT_EINVAL, mult_value_get(buf, 300, &len, sp, r->c, r->uts, NULL));
	BAD(sp, MULT_EINVAL, mult_value_get(NULL, 300, &len, sp, r->c, r->uts, "motd"));
	BAD(sp, MULT_EINVAL, mult_value_get(buf, 300, &len, sp, r->c, 7, "motd"));
	BAD2(sp, MULT_EINVAL, MULT_ENOENT, mult_value_get(buf, 300, &len, sp,
	    r->c, r->uts, ""));
	BAD2(sp, MULT_EINVAL, MULT_ENOENT, mult_value_get(buf, 300, &len, sp,
	    r->c, r->uts, long_name));
	BAD(sp, MULT_EKIND, mult_value_get(buf, 300, &len, sp, r->c, r->uid, "motd"));
	BAD(sp, MULT_ESTALE, mult_value_get(buf, 300, &len, sp, stale, r->uts, "motd"));
	BAD(sp, MULT_ENOENT, mult_value_get(buf, 300, &len, sp, never, r->uts, "motd"));
	BAD(sp, MULT_ENOENT, mult_value_get(buf, 300, &len, sp, r->c, r->uts, "nokey"));
	BAD(sp, MULT_ENOENT, mult_value_get(buf, 300, &len, sp, r->b, r->uts, "motd"));
	BAD(sp, MULT_ERANGE, mult_value_get(buf, 3, &len, sp, r->c, r->uts, "motd"));
	BAD(sp, MULT_ERANGE, mult_value_get(NULL, 0, &len, sp, r->c, r->uts, "motd"));
}

/* 64 keys, then one more. */
static void
t_value_full(void)
{
	struct f_alloc fa;
	struct mult_space *sp;
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	uint32_t d;
	char key[16];
	int i;

	f_alloc_init(&fa, 0);
	sp = f_space(&fa, 5);
	MUST(mult_domain_create(&d, sp, "kv", &o));
	for (i = 0; i < MULT_KEYS_MAX; i++) {
		snprintf(key, sizeof key, "k%d", i);
		MUST(mult_value_set(sp, MULT_HOST, d, key, "x", 1));
	}
	BAD(sp, MULT_E2BIG, mult_value_set(sp, MULT_HOST, d, "one-more", "x", 1));
	OK(mult_value_set(sp, MULT_HOST, d, "k5", "replaced", 8));
	mult_space_destroy(sp);
}

static void
t_limit(struct rich *r, uint64_t stale, uint64_t never, uint64_t other)
{
	struct mult_space *sp = r->sp;
	struct mult_usage u;

	BAD(sp, MULT_EINVAL, mult_limit_set(NULL, r->a, r->pid, 5));
	BAD(sp, MULT_EINVAL, mult_limit_set(sp, r->a, 7, 5));
	BAD(sp, MULT_EINVAL, mult_limit_set(sp, r->a, UINT32_MAX, 5));
	BAD(sp, MULT_ESTALE, mult_limit_set(sp, stale, r->pid, 5));
	BAD(sp, MULT_ENOENT, mult_limit_set(sp, never, r->pid, 5));
	BAD(sp, MULT_ENOENT, mult_limit_set(sp, other, r->pid, 5));
	BAD(sp, MULT_EPERM, mult_limit_set(sp, MULT_HOST, r->cpu, 5));
	BAD(sp, MULT_EPERM, mult_limit_set(sp, MULT_HOST, r->uid, 5));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, r->a, r->pid, 1));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, r->c, r->pid, 0));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, r->b, r->pid, 68));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, r->a, r->cpu, 15));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, MULT_HOST, r->pid, 10));
	BAD(sp, MULT_EBUSY, mult_limit_set(sp, r->a, r->uts, 0));

	BAD(sp, MULT_EINVAL, mult_limit_reserve(NULL, r->b, r->pid, 5));
	BAD(sp, MULT_EINVAL, mult_limit_reserve(sp, r->b, 7, 5));
	BAD(sp, MULT_EPERM, mult_limit_reserve(sp, MULT_HOST, r->pid, 5));
	BAD(sp, MULT_EPERM, mult_limit_reserve(sp, MULT_HOST, r->cpu, 5));
	BAD(sp, MULT_ESTALE, mult_limit_reserve(sp, stale, r->pid, 5));
	BAD(sp, MULT_ENOENT, mult_limit_reserve(sp, never, r->pid, 5));
	BAD(sp, MULT_ENOENT, mult_limit_reserve(sp, other, r->pid, 5));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->b, r->pid, 2000));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->b2, r->cpu, 100));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->c2, r->cpu, 4));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->f1, r->cpu, 64));
	/* huge reservations: no wrap (I5) */
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->b, r->pid, U64MAX));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->f2, r->pid, U64MAX));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->b2, r->cpu, U64MAX));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->f2, r->cpu, U64MAX));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->c, r->sysctl, U64MAX));
	BAD(sp, MULT_EQUOTA, mult_limit_reserve(sp, r->b, r->uts, U64MAX - 1));

	BAD(sp, MULT_EINVAL, mult_limit_get(NULL, sp, r->a, r->pid));
	BAD(sp, MULT_EINVAL, mult_limit_get(&u, NULL, r->a, r->pid));
	BAD(sp, MULT_EINVAL, mult_limit_get(&u, sp, r->a, 7));
	BAD(sp, MULT_ESTALE, mult_limit_get(&u, sp, stale, r->pid));
	BAD(sp, MULT_ENOENT, mult_limit_get(&u, sp, never, r->pid));
	BAD(sp, MULT_ENOENT, mult_limit_get(&u, sp, other, r->pid));
}

/* Revoking what would leave a child's reservation unbacked. */
static void
t_revoke_reserved(void)
{
	struct f_alloc fa;
	struct rich r;

	f_alloc_init(&fa, 0);
	rich_build(&r, &fa, 13);
	MUST(mult_limit_reserve(r.sp, r.b2, r.cpu, 12));
	/* a holds 16: b 4, b2 reserves 12 */
	BAD(r.sp, MULT_EBUSY, mult_allot_revoke(r.sp, r.a, r.cpu, 15, 1));
	BAD(r.sp, MULT_EQUOTA, mult_limit_reserve(r.sp, r.b, r.cpu, 5));
	BAD(r.sp, MULT_EQUOTA, mult_allot_grant(r.sp, r.b, r.cpu, 4, 1));
	mult_space_destroy(r.sp);
}

int
main(void)
{
	struct rich a, b;
	uint64_t stale, never, other, id;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	f_alloc_init(&fa_a, 0);
	f_alloc_init(&fa_b, 0);
	rich_build(&a, &fa_a, 1);
	rich_build(&b, &fa_b, 2);
	/* stale: issued in a and destroyed; never: slot a never used */
	MUST(mult_instance_create(&stale, a.sp, MULT_HOST, "gone", 0));
	MUST(mult_instance_destroy(a.sp, stale));
	never = ((uint64_t)7 << 32) | 3000;
	/* other: valid in b, at a slot a never used */
	for (i = 0; i < 20; i++)
		MUST(mult_instance_create(&other, b.sp, MULT_HOST, NULL, 0));
	MUST(mult_instance_info(&(struct mult_instance_info){ 0 }, b.sp, other));

	t_space();
	t_domain(&a);
	t_domain_full();
	t_instance(&a, stale, never, other);
	t_allot(&a, stale, never, other);
	t_excl(&a);
	t_range(&a, stale, never, other);
	t_range_valid();
	t_num(&a, stale, never, other);
	t_num_full();
	t_value(&a, stale, never, other);
	t_value_full();
	t_limit(&a, stale, never, other);
	t_revoke_reserved();
	/* the slot of a destroyed instance is reused: the old id stays stale */
	MUST(mult_instance_create(&id, a.sp, MULT_HOST, NULL, 0));
	BAD(a.sp, MULT_ESTALE, mult_instance_destroy(a.sp, stale));
	BAD(a.sp, MULT_ENOENT, mult_instance_destroy(a.sp,
	    id + ((uint64_t)1 << 32)));
	f_verify(a.sp, "end");
	mult_space_destroy(a.sp);
	mult_space_destroy(b.sp);
	printf("test_badinput: %ld cases\n", n_cases);
	return f_done("test_badinput");
}
