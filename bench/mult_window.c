/*
 * mult_window: how many instructions a lookup may take before a CPU stops
 * overlapping the cache misses of successive lookups.
 *
 *   mult_window [objects]
 *
 * It builds, with no libmult at all, the tree a 4M-object numbered lookup
 * walks from its short way (three levels of 64-slot nodes and the leaves,
 * nodes of libmult's size) and an open-addressing table of 16-byte slots
 * like mult_bench's unsync_oa, and times a loop of lookups over shuffled
 * keys: each inline, then the tree's with 20, 40, ... 100 nops after each
 * lookup. A nop does no work but holds a place in the reorder window, as
 * the instructions of a read section and of an instance's resolution do.
 * When the window holds fewer lookups, fewer leaf misses are in flight:
 * the time a lookup grows with its instruction count long before the
 * instructions themselves cost anything. Then the same walk with 2 to 16
 * loads after each, of words that stay in L1 (distinct lines of a small
 * array): a load holds its place in the load queue until it retires,
 * behind the leaf miss before it, and on some cores that queue, not the
 * window, bounds the lookups in flight, so a load costs a missing lookup
 * far more than a nop does. docs/performance.md uses both to say what a
 * per-call lookup at 4M objects can reach on a machine.
 *
 * Then the floor of a per-call read, at any size (`mult_window 1000` for
 * the benchmark's 1k rows): the same table's lookup inside a liburcu
 * urcu_memb read section a key (liburcu's inline lock and unlock, which
 * libmult's posix backend copies step for step), and called through a
 * pointer, as a shared library's PLT calls, with and without the section.
 * What a libmult call costs above the last of these is its own work.
 *
 * SPDX-License-Identifier: ISC
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#define _LGPL_SOURCE    /* liburcu's read section inline */
#include <urcu/urcu-memb.h>
#include "bench_keys.h"

/* libmult's struct mult__rnode: a 48-byte header, then 64 slots. */
struct node {
	uint64_t head[6];
	uint64_t slot[64];
};

static uint64_t sink;

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL) {
		fprintf(stderr, "mult_window: out of memory\n");
		exit(1);
	}
	return p;
}

/* Timed runs of each loop; the best is reported. */
#define REPS 3

/* Passes over the n keys in one timed run: 2^22 lookups at least. */
static inline size_t
passes(size_t n)
{
	return n >= ((size_t)1 << 22) ? 1 : (((size_t)1 << 22) + n - 1) / n;
}

#define NOPS(k) __asm__ volatile(".rept " #k "\n\tnop\n\t.endr")

/* Words a line apart that stay in L1: what the LOADS rows load. */
static uint64_t hot[16 * 8] __attribute__((aligned(64)));

#define HOT(j) (*(volatile uint64_t *)&hot[(j) * 8])
#define LOADS2(s, j) ((s) += HOT(j) + HOT((j) + 1))
#define LOADS(s, k)                                                           \
	do {                                                                  \
		int j_;                                                       \
		for (j_ = 0; j_ < (k); j_ += 2)                               \
			LOADS2(s, j_);                                        \
	} while (0)

/*
 * The walk below a short way at shift 18, then EXTRA (k nops, or k loads
 * into s), for every key.
 */
#define WALK_THEN(name, EXTRA)                                                \
	static double name(const struct node *root, const uint64_t *keys,     \
	    size_t n)                                                         \
	{                                                                     \
		double t0 = bench_now_ns();                                   \
		uint64_t s = 0;                                               \
		size_t r, p;                                                  \
                                                                              \
		for (p = 0; p < passes(n); p++)                               \
		for (r = 0; r < n; r++) {                                     \
			uint64_t i = keys[r];                                 \
			const struct node *a = root;                          \
                                                                              \
			a = (const struct node *)(uintptr_t)                  \
			    a->slot[(i >> 18) & 63];                          \
			a = (const struct node *)(uintptr_t)                  \
			    a->slot[(i >> 12) & 63];                          \
			a = (const struct node *)(uintptr_t)                  \
			    a->slot[(i >> 6) & 63];                           \
			s += a->slot[i & 63];                                 \
			EXTRA;                                                \
		}                                                             \
		sink += s;                                                    \
		return (bench_now_ns() - t0) / (double)(passes(n) * n);       \
	}

#define WALK(name, k) WALK_THEN(name, NOPS(k))
#define WALK_LOADS(name, k) WALK_THEN(name, LOADS(s, k))

WALK(walk0, 0)
WALK(walk20, 20)
WALK(walk40, 40)
WALK(walk60, 60)
WALK(walk80, 80)
WALK(walk100, 100)
WALK_LOADS(walk_ld2, 2)
WALK_LOADS(walk_ld4, 4)
WALK_LOADS(walk_ld8, 8)
WALK_LOADS(walk_ld16, 16)

static uint64_t
oa_hash(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t
oa_get(const uint64_t *oa, uint64_t mask, uint64_t i)
{
	uint64_t h = (oa_hash(i) >> 32) & mask;

	while (oa[2 * h] != i)
		h = (h + 1) & mask;
	return oa[2 * h + 1];
}

static uint64_t
oa_get_rcu(const uint64_t *oa, uint64_t mask, uint64_t i)
{
	uint64_t v;

	urcu_memb_read_lock();
	v = oa_get(oa, mask, i);
	urcu_memb_read_unlock();
	return v;
}

typedef uint64_t (*oa_fn)(const uint64_t *, uint64_t, uint64_t);

/* Loaded at each loop's start: no call through them can be inlined. */
static oa_fn volatile oa_call = oa_get, oa_call_rcu = oa_get_rcu;

/* A loop of lookups, GET(oa, mask, key) each, over all the keys. */
#define OA_LOOP(name, SETUP, GET)                                             \
	static double name(const uint64_t *oa, uint64_t mask,                 \
	    const uint64_t *keys, size_t n)                                   \
	{                                                                     \
		double t0 = bench_now_ns();                                   \
		uint64_t s = 0;                                               \
		size_t r, p;                                                  \
		SETUP                                                         \
                                                                              \
		for (p = 0; p < passes(n); p++)                               \
			for (r = 0; r < n; r++)                               \
				s += GET(oa, mask, keys[r]);                  \
		sink += s;                                                    \
		return (bench_now_ns() - t0) / (double)(passes(n) * n);       \
	}

OA_LOOP(oa_loop, , oa_get)
OA_LOOP(oa_loop_rcu, , oa_get_rcu)
OA_LOOP(oa_loop_call, oa_fn f = oa_call;, f)
OA_LOOP(oa_loop_call_rcu, oa_fn f = oa_call_rcu;, f)

int
main(int argc, char **argv)
{
	static double (*const walks[])(const struct node *, const uint64_t *,
	    size_t) = { walk0, walk20, walk40, walk60, walk80, walk100 };
	static const struct {
		int loads;
		double (*fn)(const struct node *, const uint64_t *, size_t);
	} lds[] = {
		{ 2, walk_ld2 }, { 4, walk_ld4 }, { 8, walk_ld8 },
		{ 16, walk_ld16 },
	};
	static const struct {
		const char *what;
		double (*fn)(const uint64_t *, uint64_t, const uint64_t *,
		    size_t);
	} oas[] = {
		{ "inline", oa_loop },
		{ "read section a key", oa_loop_rcu },
		{ "a call a key", oa_loop_call },
		{ "call + read section", oa_loop_call_rcu },
	};
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 4000000, i, w;
	size_t cap = 8;
	struct node *root = xcalloc(1, sizeof(*root));
	uint64_t *keys, *oa;
	int rep;

	if (n == 0 || n >= (1u << 24)) {
		fprintf(stderr, "usage: mult_window [objects < 2^24]\n");
		return 2;
	}
	keys = xcalloc(n, sizeof(*keys));
	bench_shuffled_ids(keys, n);
	for (i = 1; i <= n; i++) {
		struct node *a = root;
		int sh;

		for (sh = 18; sh >= 6; sh -= 6) {
			uint64_t *c = &a->slot[(i >> sh) & 63];

			if (*c == 0)
				*c = (uint64_t)(uintptr_t)xcalloc(1, sizeof(*a));
			a = (struct node *)(uintptr_t)*c;
		}
		a->slot[i & 63] = 0x00007f1200000000ULL + i * 0x440;
	}
	while (cap < 2 * n)
		cap <<= 1;
	oa = xcalloc(2 * cap, sizeof(*oa));
	for (i = 1; i <= n; i++) {
		uint64_t h = (oa_hash(i) >> 32) & (cap - 1);

		while (oa[2 * h] != 0)
			h = (h + 1) & (cap - 1);
		oa[2 * h] = i;
		oa[2 * h + 1] = i + 5;
	}
	urcu_memb_register_thread();
	printf("%zu objects, ns a lookup, best of %d\n", n, REPS);
	for (w = 0; w < sizeof(oas) / sizeof(oas[0]); w++) {
		double best = 1e30;

		for (rep = 0; rep < REPS; rep++) {
			double t = oas[w].fn(oa, cap - 1, keys, n);

			best = t < best ? t : best;
		}
		printf("open addressing, %-20s %6.1f\n", oas[w].what, best);
	}
	for (w = 0; w < sizeof(walks) / sizeof(walks[0]); w++) {
		double best = 1e30;

		for (rep = 0; rep < REPS; rep++) {
			double t = walks[w](root, keys, n);

			best = t < best ? t : best;
		}
		printf("tree walk + %3zu nops%17s %6.1f\n", w * 20, "",
		    best);
	}
	for (w = 0; w < sizeof(lds) / sizeof(lds[0]); w++) {
		double best = 1e30;

		for (rep = 0; rep < REPS; rep++) {
			double t = lds[w].fn(root, keys, n);

			best = t < best ? t : best;
		}
		printf("tree walk + %3d L1 loads%14s %6.1f\n", lds[w].loads,
		    "", best);
	}
	urcu_memb_unregister_thread();
	return sink == 1;
}
