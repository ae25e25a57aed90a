/*
 * libmult unit tests: small shared helpers. Every helper asserts what it
 * needs, so a test reads as a list of behaviours.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_TEST_HELPERS_H
#define MULT_TEST_HELPERS_H

#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mult.h>

/* Ids that were never issued by any space in these tests. */
#define H_NEVER_ID ((uint64_t)424242424)
#define H_NEVER_ID2 (~(uint64_t)0)
/* A domain index no space in these tests has. */
#define H_BAD_DOM ((uint32_t)MULT_DOMAIN_MAX + 7u)

/* ---- a counting, failing allocator (fault injection, leak check) --------- */

struct h_fa {
	long fail_after;   /* successful allocations left; < 0: never fail */
	long allocs;       /* successful allocations */
	long frees;
	long long bytes;   /* outstanding bytes */
	long bad_sizes;    /* frees whose size differs from the allocation */
	long nulls;        /* frees of NULL */
};

#define H_FA_HDR 16u

static inline void *
h_fa_alloc(void *ctx, size_t size)
{
	struct h_fa *fa = ctx;
	long left = __atomic_load_n(&fa->fail_after, __ATOMIC_SEQ_CST);
	unsigned char *p;

	if (left == 0)
		return NULL;
	if (left > 0)
		__atomic_sub_fetch(&fa->fail_after, 1, __ATOMIC_SEQ_CST);
	p = malloc(size + H_FA_HDR);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof size);
	__atomic_add_fetch(&fa->allocs, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&fa->bytes, (long long)size, __ATOMIC_SEQ_CST);
	return p + H_FA_HDR;
}

static inline void
h_fa_free(void *ctx, void *ptr, size_t size)
{
	struct h_fa *fa = ctx;
	unsigned char *p;
	size_t was;

	if (ptr == NULL) {
		__atomic_add_fetch(&fa->nulls, 1, __ATOMIC_SEQ_CST);
		return;
	}
	p = (unsigned char *)ptr - H_FA_HDR;
	memcpy(&was, p, sizeof was);
	if (was != size)
		__atomic_add_fetch(&fa->bad_sizes, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&fa->frees, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&fa->bytes, (long long)was, __ATOMIC_SEQ_CST);
	free(p);
}

/* From now on, let @p n more allocations succeed, then fail; -1: never. */
static inline void
h_fa_arm(struct h_fa *fa, long n)
{
	__atomic_store_n(&fa->fail_after, n, __ATOMIC_SEQ_CST);
}

/* A space that allocates through @p fa (which must outlive it). */
static inline struct mult_space *
h_space_fa(struct h_fa *fa)
{
	static const struct mult_space_opts init = MULT_SPACE_OPTS_INIT;
	struct mult_space_opts o = init;
	struct mult_allocator al;
	struct mult_space *sp = NULL;
	int rc;

	memset(fa, 0, sizeof *fa);
	fa->fail_after = -1;
	al.alloc = h_fa_alloc;
	al.free = h_fa_free;
	al.ctx = fa;
	o.allocator = &al;
	rc = mult_space_create(&sp, &o);
	cr_assert_eq(rc, 0, "mult_space_create (fa): %d", rc);
	cr_assert_not_null(sp);
	return sp;
}

/*
 * Run @p call with the n-th allocation failing, for n = 0, 1, ... until it
 * stops failing with MULT_ENOMEM; after each failure run @p check (which
 * must prove the state unchanged). The call must finally succeed.
 */
#define H_FAULT_LOOP(fa, sp, call, check)                                     \
	do {                                                                  \
		long h_k_;                                                    \
		int h_rc_ = MULT_ENOMEM;                                      \
		for (h_k_ = 0; h_k_ < 100000; h_k_++) {                       \
			h_fa_arm((fa), h_k_);                                 \
			h_rc_ = (call);                                       \
			h_fa_arm((fa), -1);                                   \
			if (h_rc_ != MULT_ENOMEM)                             \
				break;                                        \
			check;                                                \
			h_verify(sp);                                         \
		}                                                             \
		cr_assert_eq(h_rc_, 0, "%s after %ld failing allocations: %d", \
		    #call, h_k_, h_rc_);                                      \
	} while (0)

/* ---- spaces, domains, instances ----------------------------------------- */

/* mult_verify() must find nothing wrong. */
static inline void
h_verify(struct mult_space *sp)
{
	struct mult_violation v;
	int rc;

	memset(&v, 0, sizeof v);
	rc = mult_verify(&v, sp);
	cr_assert_eq(rc, 0, "mult_verify: %d: I%d dom %u inst %llu other %llu "
	    "a %llu b %llu: %.96s", rc, v.invariant, (unsigned)v.dom,
	    (unsigned long long)v.inst, (unsigned long long)v.other,
	    (unsigned long long)v.a, (unsigned long long)v.b, v.what);
}

static inline struct mult_space *
h_space(void)
{
	struct mult_space *sp = NULL;
	int rc = mult_space_create(&sp, NULL);

	cr_assert_eq(rc, 0, "mult_space_create: %d", rc);
	cr_assert_not_null(sp);
	return sp;
}

static inline uint32_t
h_dom(struct mult_space *sp, const char *name, int kind, uint64_t lo,
    uint64_t hi, uint32_t flags)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(kind, lo, hi);
	uint32_t d = UINT32_MAX;
	int rc;

	o.flags = flags;
	rc = mult_domain_create(&d, sp, name, &o);
	cr_assert_eq(rc, 0, "mult_domain_create(%s): %d", name, rc);
	return d;
}

static inline uint32_t
h_value_dom(struct mult_space *sp, const char *name, uint32_t flags,
    uint32_t value_max)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	uint32_t d = UINT32_MAX;
	int rc;

	o.flags = flags;
	o.value_max = value_max;
	rc = mult_domain_create(&d, sp, name, &o);
	cr_assert_eq(rc, 0, "mult_domain_create(%s): %d", name, rc);
	return d;
}

static inline uint64_t
h_inst(struct mult_space *sp, uint64_t parent, const char *name,
    uint32_t flags)
{
	uint64_t id = 0;
	int rc = mult_instance_create(&id, sp, parent, name, flags);

	cr_assert_eq(rc, 0, "mult_instance_create(%s): %d",
	    name != NULL ? name : "(null)", rc);
	cr_assert_neq(id, 0);
	cr_assert_neq(id, MULT_HOST);
	return id;
}

/* An id that was issued and then destroyed. */
static inline uint64_t
h_stale(struct mult_space *sp)
{
	uint64_t id = h_inst(sp, MULT_HOST, NULL, 0);
	int rc = mult_instance_destroy(sp, id);

	cr_assert_eq(rc, 0, "mult_instance_destroy: %d", rc);
	return id;
}

static inline int
h_alive(struct mult_space *sp, uint64_t inst)
{
	struct mult_instance_info info;

	return mult_instance_info(&info, sp, inst) == 0;
}

/* ---- allotments ---------------------------------------------------------- */

static inline void
h_grant(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t first,
    uint64_t count)
{
	int rc = mult_allot_grant(sp, inst, dom, first, count);

	cr_assert_eq(rc, 0, "grant(%llu, [%llu,+%llu)): %d",
	    (unsigned long long)inst, (unsigned long long)first,
	    (unsigned long long)count, rc);
}

/* Number of intervals of @p inst's own allotment. */
static inline size_t
h_allot_n(struct mult_space *sp, uint64_t inst, uint32_t dom)
{
	size_t n = 12345;
	int rc = mult_allot_get(NULL, 0, &n, sp, inst, dom);

	cr_assert(rc == 0 || rc == MULT_ERANGE, "allot_get: %d", rc);
	cr_assert(rc == 0 || n > 0);
	cr_assert(rc == MULT_ERANGE || n == 0);
	return n;
}

/* @p inst's allotment is exactly the @p n intervals at @p want. */
static inline void
h_allot_is(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const struct mult_interval *want, size_t n)
{
	struct mult_interval got[16];
	size_t k, gn = 999;
	int rc;

	memset(got, 0xa5, sizeof got);
	rc = mult_allot_get(got, 16, &gn, sp, inst, dom);
	cr_assert_eq(rc, 0, "allot_get: %d", rc);
	cr_assert_eq(gn, n, "allot_get of %llu: %zu intervals, want %zu",
	    (unsigned long long)inst, gn, n);
	for (k = 0; k < n; k++) {
		cr_assert_eq(got[k].first, want[k].first,
		    "interval %zu: first %llu, want %llu", k,
		    (unsigned long long)got[k].first,
		    (unsigned long long)want[k].first);
		cr_assert_eq(got[k].count, want[k].count,
		    "interval %zu: count %llu, want %llu", k,
		    (unsigned long long)got[k].count,
		    (unsigned long long)want[k].count);
	}
}

/* @p inst's allotment is exactly one interval. */
static inline void
h_allot_is1(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t first, uint64_t count)
{
	struct mult_interval w;

	w.first = first;
	w.count = count;
	h_allot_is(sp, inst, dom, &w, 1);
}

/* ---- range maps ----------------------------------------------------------- */

static inline struct mult_extent
h_ext(uint64_t first, uint64_t lower, uint64_t count)
{
	struct mult_extent e;

	e.first = first;
	e.lower = lower;
	e.count = count;
	return e;
}

static inline int
h_map1_rc(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t first,
    uint64_t lower, uint64_t count)
{
	struct mult_extent e = h_ext(first, lower, count);

	return mult_range_map(sp, inst, dom, &e, 1);
}

static inline void
h_map1(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t first,
    uint64_t lower, uint64_t count)
{
	int rc = h_map1_rc(sp, inst, dom, first, lower, count);

	cr_assert_eq(rc, 0, "map(%llu, \"%llu %llu %llu\"): %d",
	    (unsigned long long)inst, (unsigned long long)first,
	    (unsigned long long)lower, (unsigned long long)count, rc);
}

/* Number of extents of @p inst's map (0 if unwritten). */
static inline size_t
h_map_n(struct mult_space *sp, uint64_t inst, uint32_t dom)
{
	size_t n = 12345;
	int rc = mult_range_get(NULL, 0, &n, sp, inst, dom);

	cr_assert(rc == 0 || rc == MULT_ERANGE, "range_get: %d", rc);
	cr_assert(rc == MULT_ERANGE || n == 0);
	return n;
}

static inline uint64_t
h_down(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t id)
{
	uint64_t res = 0xdeadbeef;
	int rc = mult_range_down(&res, sp, inst, dom, id);

	cr_assert_eq(rc, 0, "down(%llu, %llu): %d", (unsigned long long)inst,
	    (unsigned long long)id, rc);
	return res;
}

static inline uint64_t
h_up(struct mult_space *sp, uint64_t viewer, uint32_t dom, uint64_t res)
{
	uint64_t id = 0xdeadbeef;
	int rc = mult_range_up(&id, sp, viewer, dom, res);

	cr_assert_eq(rc, 0, "up(%llu, %llu): %d", (unsigned long long)viewer,
	    (unsigned long long)res, rc);
	return id;
}

static inline int
h_down_rc(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t id)
{
	uint64_t res = H_NEVER_ID;
	int rc = mult_range_down(&res, sp, inst, dom, id);

	/* A failed translation leaves its output alone. */
	cr_assert(rc == 0 || res == H_NEVER_ID, "down(%llu): %d, wrote %llu",
	    (unsigned long long)id, rc, (unsigned long long)res);
	return rc;
}

static inline int
h_up_rc(struct mult_space *sp, uint64_t viewer, uint32_t dom, uint64_t res)
{
	uint64_t id = H_NEVER_ID;
	int rc = mult_range_up(&id, sp, viewer, dom, res);

	cr_assert(rc == 0 || id == H_NEVER_ID, "up(%llu): %d, wrote %llu",
	    (unsigned long long)res, rc, (unsigned long long)id);
	return rc;
}

/* ---- numbered ------------------------------------------------------------ */

static inline uint64_t
h_alloc(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t obj)
{
	uint64_t id = 0xdeadbeef;
	int rc = mult_num_alloc(&id, sp, inst, dom, obj);

	cr_assert_eq(rc, 0, "num_alloc(%llu, obj %llu): %d",
	    (unsigned long long)inst, (unsigned long long)obj, rc);
	return id;
}

static inline uint64_t
h_number(struct mult_space *sp, uint64_t viewer, uint32_t dom, uint64_t obj)
{
	uint64_t id = 0xdeadbeef;
	int rc = mult_num_number(&id, sp, viewer, dom, obj);

	cr_assert_eq(rc, 0, "num_number(%llu, obj %llu): %d",
	    (unsigned long long)viewer, (unsigned long long)obj, rc);
	return id;
}

static inline uint64_t
h_lookup(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t id)
{
	uint64_t obj = 0xdeadbeef;
	int rc = mult_num_lookup(&obj, sp, inst, dom, id);

	cr_assert_eq(rc, 0, "num_lookup(%llu, id %llu): %d",
	    (unsigned long long)inst, (unsigned long long)id, rc);
	return obj;
}

static inline int
h_number_rc(struct mult_space *sp, uint64_t viewer, uint32_t dom,
    uint64_t obj)
{
	uint64_t id = 0;

	return mult_num_number(&id, sp, viewer, dom, obj);
}

static inline int
h_lookup_rc(struct mult_space *sp, uint64_t inst, uint32_t dom, uint64_t id)
{
	uint64_t obj = 0;

	return mult_num_lookup(&obj, sp, inst, dom, id);
}

/* ---- values --------------------------------------------------------------- */

static inline void
h_set(struct mult_space *sp, uint64_t inst, uint32_t dom, const char *key,
    const char *val)
{
	int rc = mult_value_set(sp, inst, dom, key, val, strlen(val));

	cr_assert_eq(rc, 0, "value_set(%s=%s): %d", key, val, rc);
}

/* The value of @p key in @p inst is the string @p want (no NUL stored). */
static inline void
h_get_is(struct mult_space *sp, uint64_t inst, uint32_t dom, const char *key,
    const char *want)
{
	char buf[1024];
	size_t len = 99999;
	int rc;

	memset(buf, 0, sizeof buf);
	rc = mult_value_get(buf, sizeof buf - 1, &len, sp, inst, dom, key);
	cr_assert_eq(rc, 0, "value_get(%s): %d", key, rc);
	cr_assert_eq(len, strlen(want), "value_get(%s): len %zu, want %zu",
	    key, len, strlen(want));
	cr_assert_eq(memcmp(buf, want, len), 0, "value_get(%s): \"%s\", want "
	    "\"%s\"", key, buf, want);
}

static inline int
h_get_rc(struct mult_space *sp, uint64_t inst, uint32_t dom, const char *key)
{
	char buf[1024];
	size_t len = 0;

	return mult_value_get(buf, sizeof buf, &len, sp, inst, dom, key);
}

/* ---- exclusive ------------------------------------------------------------ */

static inline uint64_t
h_owner(struct mult_space *sp, uint32_t dom, uint64_t unit)
{
	uint64_t o = 0xdeadbeef;
	int rc = mult_excl_owner(&o, sp, dom, unit);

	cr_assert_eq(rc, 0, "excl_owner(%llu): %d", (unsigned long long)unit,
	    rc);
	return o;
}

/* A string of @p n copies of @p c in @p buf (which holds n + 1). */
static inline char *
h_str(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

#endif /* MULT_TEST_HELPERS_H */
