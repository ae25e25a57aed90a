/*
 * mult_ab: two builds of libmult in one process, the same numbered lookup
 * timed in each, in turn.
 *
 *   mult_ab OLD.so NEW.so [objects [rounds [ref]]]
 *
 * Each build gets a space with one numbered domain and `objects` objects
 * (default 4000000) allocated in the host, as mult_bench's num_lookup
 * does; then rounds of 0.1 s (default 40 each) of mult_num_lookup() over
 * the same shuffled identities (with `ref`: mult_num_ref_lookup() through
 * a reference to the host's objects) alternate between the builds, and the
 * fastest, the first quartile and the median of each build's rounds are
 * printed, in ns a call. Drift of a noisy machine falls on both alike,
 * which two runs of mult_bench one after the other can't promise: this is
 * how a change to the read path is measured before the full benchmark.
 *
 * The two paths must be different files (dlopen() of one path twice
 * gives one library). Pin it: taskset -c 1 mult_ab ...
 *
 * SPDX-License-Identifier: ISC
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mult.h>

#include "bench_keys.h"

#define ROUND_NS 100000000.0   /* 0.1 s */
#define STEP 4096              /* calls between clock reads */

struct build {
	const char *path;
	int (*lookup)(uint64_t *, struct mult_space *, uint64_t, uint32_t,
	    uint64_t);
	int (*ref_lookup)(uint64_t *, const struct mult_num_ref *, uint64_t);
	struct mult_num_ref *ref;
	struct mult_space *sp;
	uint32_t dom;
	double *ns;                /* one per round */
};

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "mult_ab: %s%s%s\n", what, detail ? ": " : "",
	    detail ? detail : "");
	exit(1);
}

static void *
sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (p == NULL)
		die(name, dlerror());
	return p;
}

/*
 * Load b->path and build its space: objects objects, pids 1..objects, and
 * with ref a reference to them (only then: a build from before references
 * can still be timed by id).
 */
static void
build_load(struct build *b, size_t objects, int ref)
{
	int (*space_create)(struct mult_space **,
	    const struct mult_space_opts *);
	int (*domain_create)(uint32_t *, struct mult_space *, const char *,
	    const struct mult_domain_opts *);
	int (*alloc)(uint64_t *, struct mult_space *, uint64_t, uint32_t,
	    uint64_t);
	int (*ref_get)(struct mult_num_ref **, struct mult_space *, uint64_t,
	    uint32_t);
	struct mult_space_opts so = MULT_SPACE_OPTS_INIT;
	struct mult_domain_opts dopt = MULT_DOMAIN_OPTS_INIT(
	    MULT_KIND_NUMBERED, 1, 4194304);
	void *h = dlopen(b->path, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (h == NULL)
		die("dlopen", dlerror());
	*(void **)&space_create = sym(h, "mult_space_create");
	*(void **)&domain_create = sym(h, "mult_domain_create");
	*(void **)&alloc = sym(h, "mult_num_alloc");
	*(void **)&b->lookup = sym(h, "mult_num_lookup");
	so.seed = 42;
	if (space_create(&b->sp, &so) != 0 ||
	    domain_create(&b->dom, b->sp, "pid", &dopt) != 0)
		die(b->path, "cannot make the space");
	if (ref) {
		*(void **)&b->ref_lookup = sym(h, "mult_num_ref_lookup");
		*(void **)&ref_get = sym(h, "mult_num_ref_get");
		if (ref_get(&b->ref, b->sp, MULT_HOST, b->dom) != 0)
			die(b->path, "cannot take a reference");
	}
	for (i = 0; i < objects; i++) {
		uint64_t id;

		if (alloc(&id, b->sp, MULT_HOST, b->dom,
		    0x00007f1200000000ULL + (uint64_t)i * 0x440) != 0 ||
		    id != i + 1)
			die(b->path, "mult_num_alloc failed");
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct build b[2] = { { .path = NULL }, { .path = NULL } };
	size_t objects = 4000000, pos = 0;
	uint64_t *keys, sink = 0;
	int rounds = 40, r, k, ref = 0;

	if (argc == 6)
		ref = strcmp(argv[5], "ref") == 0 ? 1 : -1;
	if (argc < 3 || argc > 6 || ref < 0) {
		fprintf(stderr, "usage: mult_ab OLD.so NEW.so [objects "
		    "[rounds [ref]]]\n");
		return 2;
	}
	if (argc > 3)
		objects = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		rounds = atoi(argv[4]);
	if (objects == 0 || objects > 4194304 || rounds < 1)
		die("objects must be 1..4194304 and rounds at least 1", NULL);
	keys = malloc(objects * sizeof(*keys));
	if (keys == NULL)
		die("out of memory", NULL);
	bench_shuffled_ids(keys, objects);
	for (k = 0; k < 2; k++) {
		b[k].path = argv[1 + k];
		b[k].ns = malloc((size_t)rounds * sizeof(double));
		if (b[k].ns == NULL)
			die("out of memory", NULL);
		build_load(&b[k], objects, ref);
	}
	for (r = 0; r < 2 * rounds; r++) {
		struct build *c = &b[r & 1];
		double t0 = bench_now_ns(), t;
		uint64_t calls = 0;

		do {
			for (k = 0; k < STEP; k++) {
				uint64_t o;

				if ((ref ? c->ref_lookup(&o, c->ref,
				    keys[pos]) : c->lookup(&o, c->sp,
				    MULT_HOST, c->dom, keys[pos])) == 0)
					sink += o;
				if (++pos == objects)
					pos = 0;
			}
			calls += STEP;
			t = bench_now_ns();
		} while (t - t0 < ROUND_NS);
		c->ns[r >> 1] = (t - t0) / (double)calls;
	}
	for (k = 0; k < 2; k++) {
		qsort(b[k].ns, (size_t)rounds, sizeof(double), cmp_double);
		printf("%s: min %.2f q1 %.2f median %.2f ns a lookup\n",
		    b[k].path, b[k].ns[0], b[k].ns[rounds / 4],
		    b[k].ns[rounds / 2]);
	}
	/* Every key is present: a build that misses one is broken. */
	if (sink == 0)
		die("no lookup found its object", NULL);
	return 0;
}
