/*
 * libmult fuzz target: an operation-sequence interpreter. The input bytes
 * become calls of the whole API (writes and reads) on a space with a few
 * domains of every kind; any instance handle, domain index, count or range
 * may be invalid. After every write mult_verify() must pass; every return
 * code must be 0 or a MULT_E* code; reads must agree with each other
 * (down/up and lookup/number are inverse, a held reference's lookup is
 * the by-id one); and a write that fails with MULT_ENOMEM (an opcode arms
 * the allocator to fail) must leave the canonical dump unchanged. Any
 * violation abort()s.
 *
 * Built as a libFuzzer target with -DMULT_FUZZ=ON (clang), and as a plain
 * replay program (replay.c) that every ctest run feeds the corpus.
 * SPDX-License-Identifier: ISC
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mult.h>

#include "dump.h"
#include "fault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned
u8(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t
u64n(struct in *in, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < bytes; i++)
		v = (v << 8) | u8(in);
	return v;
}

#define NDOM 7
#define NSLOT 16

struct fz {
	struct mult_space *sp;
	struct f_alloc fa;
	uint64_t slot[NSLOT];
	uint32_t ndoms;
	uint64_t lo[NDOM + 8], hi[NDOM + 8];
	struct mult_num_ref *ref[4];    /* held references, or NULL */
	uint64_t ref_inst[4];
	uint32_t ref_dom[4];
	int kind[NDOM + 8];
};

static void
die(const char *what, int rc)
{
	fprintf(stderr, "fuzz_ops: %s: %d (%s)\n", what, rc, mult_strerror(rc));
	abort();
}

/* A number: small, medium, full, or near a bound of domain d. */
static uint64_t
num(struct in *in, struct fz *z, uint32_t d)
{
	unsigned m = u8(in);
	uint64_t base;

	switch (m & 7) {
	case 0:
	case 1:
		return u8(in);
	case 2:
		return u64n(in, 2);
	case 3:
		return u64n(in, 4);
	case 4:
		return u64n(in, 8);
	case 5:
		base = d < z->ndoms ? z->lo[d] : 0;
		return base + u8(in);
	case 6:
		base = d < z->ndoms ? z->hi[d] : UINT64_MAX;
		return base - u8(in);
	default:
		return UINT64_MAX - u8(in);
	}
}

static uint64_t
inst(struct in *in, struct fz *z)
{
	unsigned b = u8(in);

	if (b < 200)
		return z->slot[b % NSLOT];
	switch (b % 5) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX;
	case 2:
		return u64n(in, 8);
	case 3:
		return MULT_HOST;
	default:
		return z->slot[b % NSLOT] + ((uint64_t)1 << 32);
	}
}

static uint32_t
dom(struct in *in, struct fz *z)
{
	unsigned b = u8(in);

	if (b == 255)
		return UINT32_MAX;
	return b % (z->ndoms + 1);
}

static void
check_rc(int rc, const char *what)
{
	if (rc > 0 || rc < MULT_EPERM)
		die(what, rc);
}

static void
verify(struct fz *z, const char *what)
{
	struct mult_violation v;
	int rc;

	memset(&v, 0, sizeof v);
	rc = mult_verify(&v, z->sp);
	if (rc != 0) {
		fprintf(stderr, "fuzz_ops: after %s: I%d dom %u inst %llu other "
		    "%llu a %llu b %llu: %s\n", what, v.invariant, (unsigned)v.dom,
		    (unsigned long long)v.inst, (unsigned long long)v.other,
		    (unsigned long long)v.a, (unsigned long long)v.b, v.what);
		abort();
	}
}

static const char *const keys[] = { "hostname", "a", "b", "domain", "",
	"0123456789012345678901234567890123456789012345678901234567890123" };

/* Reads of one instance and domain, checked against each other. */
static void
reads(struct in *in, struct fz *z)
{
	struct mult_space *sp = z->sp;
	uint64_t x = inst(in, z), v = 0, w = 0;
	uint32_t d = dom(in, z);
	uint64_t a = num(in, z, d);
	struct mult_interval iv[4];
	struct mult_extent ex[4];
	struct mult_usage u;
	struct mult_instance_info info;
	char buf[64];
	size_t n;
	int rc;

	rc = mult_range_down(&v, sp, x, d, a);
	check_rc(rc, "range_down");
	if (rc == 0) {
		rc = mult_range_up(&w, sp, x, d, v);
		if (rc != 0 || w != a)
			die("range_up(range_down(id)) != id", rc);
	}
	rc = mult_range_up(&v, sp, x, d, a);
	check_rc(rc, "range_up");
	if (rc == 0) {
		rc = mult_range_down(&w, sp, x, d, v);
		if (rc != 0 || w != a)
			die("range_down(range_up(res)) != res", rc);
	}
	{
		uint64_t xs[3] = { a, a + 1, a - 1 }, ys[3];
		size_t found, k, hits = 0;
		int up, rk;

		for (up = 0; up < 2; up++) {
			rc = (up ? mult_range_up_many : mult_range_down_many)(
			    ys, &found, sp, x, d, xs, 3, 77);
			check_rc(rc, "range_many");
			for (k = 0, hits = 0; rc == 0 && k < 3; k++) {
				rk = (up ? mult_range_up : mult_range_down)(&v,
				    sp, x, d, xs[k]);
				if (ys[k] != (rk == 0 ? v : 77))
					die("range_*_many != range_*", rk);
				hits += rk == 0;
			}
			if (rc == 0 && hits != found)
				die("range_*_many miscounted", rc);
		}
	}
	rc = mult_num_lookup(&v, sp, x, d, a);
	check_rc(rc, "num_lookup");
	if (rc == 0) {
		rc = mult_num_number(&w, sp, x, d, v);
		if (rc != 0 || w != a)
			die("num_number(num_lookup(id)) != id", rc);
	}
	rc = mult_num_number(&v, sp, x, d, a);
	check_rc(rc, "num_number");
	if (rc == 0) {
		rc = mult_num_lookup(&w, sp, x, d, v);
		if (rc != 0 || w != a)
			die("num_lookup(num_number(obj)) != obj", rc);
	}
	{
		uint64_t ids[3] = { a, a + 1, a - 1 }, objs[3];
		size_t found, k, hits = 0;
		int rk;

		rc = mult_num_lookup_many(objs, &found, sp, x, d, ids, 3);
		check_rc(rc, "num_lookup_many");
		for (k = 0; rc == 0 && k < 3; k++) {
			rk = mult_num_lookup(&v, sp, x, d, ids[k]);
			if (rk == 0 ? objs[k] != v : objs[k] != 0)
				die("num_lookup_many != num_lookup", rk);
			hits += rk == 0;
		}
		if (rc == 0 && hits != found)
			die("num_lookup_many miscounted", rc);
	}
	/* Through each held reference: what the by-id lookup answers. */
	{
		unsigned k;
		int rk;

		for (k = 0; k < 4; k++) {
			if (z->ref[k] == NULL)
				continue;
			rc = mult_num_ref_lookup(&v, z->ref[k], a);
			check_rc(rc, "num_ref_lookup");
			rk = mult_num_lookup(&w, sp, z->ref_inst[k],
			    z->ref_dom[k], a);
			if (rc != rk || (rc == 0 && v != w))
				die("num_ref_lookup != num_lookup", rc);
		}
	}
	rc = mult_excl_owner(&v, sp, d, a);
	check_rc(rc, "excl_owner");
	if (rc == 0 && mult_instance_info(&info, sp, v) != 0)
		die("excl_owner names a dead instance", rc);
	rc = mult_allot_get(iv, u8(in) % 5, &n, sp, x, d);
	check_rc(rc, "allot_get");
	rc = mult_range_get(ex, u8(in) % 5, &n, sp, x, d);
	check_rc(rc, "range_get");
	check_rc(mult_limit_get(&u, sp, x, d), "limit_get");
	rc = mult_value_get(buf, u8(in) % 65, &n, sp, x, d,
	    keys[u8(in) % 6]);
	check_rc(rc, "value_get");
	rc = mult_instance_info(&info, sp, x);
	check_rc(rc, "instance_info");
	if (rc == 0 && info.name[0] != '\0') {
		if (mult_instance_find(&v, sp, info.name) != 0 || v != x)
			die("instance_find(info.name) != id", 0);
	}
}

static void
setup(struct fz *z)
{
	static const struct {
		const char *name;
		int kind;
		uint32_t flags;
		uint64_t lo, hi;
		uint32_t vmax;
	} doms[NDOM] = {
		{ "uid", MULT_KIND_RANGE, 0, 0, 4095, 0 },
		{ "port", MULT_KIND_RANGE, MULT_DOMAIN_SHARED, 1, 65535, 0 },
		{ "pid", MULT_KIND_NUMBERED, 0, 1, 300, 0 },
		{ "uts", MULT_KIND_VALUE, MULT_DOMAIN_INHERIT, 0, 0, 16 },
		{ "cpu", MULT_KIND_EXCLUSIVE, 0, 0, 63, 0 },
		{ "top", MULT_KIND_RANGE, 0, UINT64_MAX - 4096, UINT64_MAX - 1, 0 },
		{ "ipc", MULT_KIND_NUMBERED, 0, 0, UINT32_MAX, 0 },
	};
	uint32_t i, d;

	memset(z, 0, sizeof *z);
	f_alloc_init(&z->fa, 0);
	z->sp = f_space(&z->fa, 0x1234);
	for (i = 0; i < NDOM; i++) {
		struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(doms[i].kind,
		    doms[i].lo, doms[i].hi);

		o.flags = doms[i].flags;
		o.value_max = doms[i].vmax;
		if (mult_domain_create(&d, z->sp, doms[i].name, &o) != 0)
			abort();
		z->lo[d] = doms[i].lo;
		z->hi[d] = doms[i].hi;
		z->kind[d] = doms[i].kind;
	}
	z->ndoms = NDOM;
	for (i = 0; i < NSLOT; i++)
		z->slot[i] = MULT_HOST;
}

/* One write; returns its code. */
static int
write_op(struct in *in, struct fz *z, unsigned op, const char **what)
{
	struct mult_space *sp = z->sp;
	uint64_t x, y;
	uint32_t d;
	unsigned b;

	switch (op) {
	case 0: {
		char name[8];
		unsigned s = u8(in) % NSLOT;
		int rc;

		*what = "instance_create";
		x = inst(in, z);
		b = u8(in);
		snprintf(name, sizeof name, "n%u", b % 16);
		rc = mult_instance_create(&y, sp, x, (b & 0x30) == 0 ? name :
		    (b & 0x30) == 0x10 ? keys[5] : NULL, (b >> 6) & 3);
		if (rc == 0 && s != 0)
			z->slot[s] = y;
		return rc;
	}
	case 1:
		*what = "instance_destroy";
		return mult_instance_destroy(sp, inst(in, z));
	case 2:
		*what = "allot_grant";
		x = inst(in, z);
		d = dom(in, z);
		y = num(in, z, d);
		return mult_allot_grant(sp, x, d, y, num(in, z, d));
	case 3:
		*what = "allot_revoke";
		x = inst(in, z);
		d = dom(in, z);
		y = num(in, z, d);
		return mult_allot_revoke(sp, x, d, y, num(in, z, d));
	case 4: {
		struct mult_extent e[8];
		unsigned n, i;
		static struct mult_extent many[MULT_EXTENTS_MAX + 1];

		*what = "range_map";
		x = inst(in, z);
		d = dom(in, z);
		b = u8(in);
		if (b == 255)
			return mult_range_map(sp, x, d, many, MULT_EXTENTS_MAX + 1);
		n = b % 9;
		for (i = 0; i < n; i++) {
			e[i].first = num(in, z, d);
			e[i].lower = num(in, z, d);
			e[i].count = num(in, z, d);
		}
		return mult_range_map(sp, x, d, n != 0 ? e : NULL, n);
	}
	case 5:
		*what = "num_alloc";
		x = inst(in, z);
		d = dom(in, z);
		return mult_num_alloc(&y, sp, x, d, u8(in) % 64);
	case 6:
		*what = "num_free";
		x = inst(in, z);
		d = dom(in, z);
		return mult_num_free(sp, x, d, u8(in) % 64);
	case 7: {
		uint8_t val[80];
		size_t len;
		const char *key;

		*what = "value_set";
		x = inst(in, z);
		d = dom(in, z);
		key = keys[u8(in) % 6];
		len = u8(in) % 20;
		memset(val, (int)len, sizeof val);
		return mult_value_set(sp, x, d, key, len == 19 ? NULL : val, len);
	}
	case 8:
		*what = "value_unset";
		x = inst(in, z);
		d = dom(in, z);
		return mult_value_unset(sp, x, d, keys[u8(in) % 6]);
	case 9:
		*what = "limit_set";
		x = inst(in, z);
		d = dom(in, z);
		return mult_limit_set(sp, x, d, num(in, z, d));
	case 10:
		*what = "limit_reserve";
		x = inst(in, z);
		d = dom(in, z);
		return mult_limit_reserve(sp, x, d, num(in, z, d));
	case 11: {
		int rc;

		b = u8(in) % 4;
		if (z->ref[b] != NULL) {
			*what = "num_ref_put";
			mult_num_ref_put(z->ref[b]);
			z->ref[b] = NULL;
			return 0;
		}
		*what = "num_ref_get";
		x = inst(in, z);
		d = dom(in, z);
		rc = mult_num_ref_get(&z->ref[b], sp, x, d);
		if (rc != 0 && z->ref[b] != NULL)
			die("num_ref_get failed and wrote its reference", rc);
		z->ref_inst[b] = x;
		z->ref_dom[b] = d;
		return rc;
	}
	default: {
		struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(0, 0, 0);
		char name[8];
		int rc;

		*what = "domain_create";
		o.kind = (int)(u8(in) % 6);
		o.flags = u8(in) % 5;
		o.lo = num(in, z, 0);
		o.hi = num(in, z, 0);
		o.value_max = (uint32_t)u64n(in, 3);
		snprintf(name, sizeof name, "d%u", u8(in) % 8);
		rc = mult_domain_create(&d, sp, name, &o);
		if (rc == 0 && d < NDOM + 8) {
			z->lo[d] = o.lo;
			z->hi[d] = o.kind == MULT_KIND_VALUE ? 0 : o.hi;
			z->kind[d] = o.kind;
			z->ndoms = d + 1;
		}
		return rc;
	}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct fz *z = malloc(sizeof *z);
	struct dump before = { 0 }, after = { 0 };
	unsigned steps = 0;

	if (z == NULL)
		return 0;
	setup(z);
	while (in.n > 0 && steps++ < 400) {
		unsigned op = u8(&in);
		const char *what = "?";
		long fail_at = 0;
		int rc;

		if (op >= 240) {
			reads(&in, z);
			continue;
		}
		if (op >= 200) {	/* this write with allocation k failing */
			unsigned f = u8(&in);

			fail_at = 1 + (f & 7);
			op = u8(&in);
			dump_space(&before, z->sp);
			f_alloc_arm(&z->fa, fail_at, f >> 7);
		}
		if (z->ndoms >= NDOM + 8 && op % 13 == 12)
			op = 0;
		rc = write_op(&in, z, op % 13, &what);
		if (fail_at != 0) {
			long injected = z->fa.injected;

			f_alloc_arm(&z->fa, 0, 0);
			if (injected != 0 && rc != MULT_ENOMEM)
				die("write swallowed an allocation failure", rc);
			if (rc == MULT_ENOMEM) {
				dump_space(&after, z->sp);
				if (!dump_equal(&before, &after)) {
					dump_diff(stderr, &before, "before", &after,
					    "after ");
					die("failed write changed the space", rc);
				}
			}
		} else if (rc == MULT_ENOMEM) {
			die("ENOMEM without a failing allocator", rc);
		}
		check_rc(rc, what);
		verify(z, what);
	}
	for (steps = 0; steps < 4; steps++)
		mult_num_ref_put(z->ref[steps]);
	mult_space_destroy(z->sp);
	if (z->fa.bytes != 0) {
		fprintf(stderr, "fuzz_ops: %lld bytes leaked\n", z->fa.bytes);
		abort();
	}
	dump_free(&before);
	dump_free(&after);
	free(z);
	return 0;
}
