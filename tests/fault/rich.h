/*
 * libmult fault tests: a rich space, built the same way every time: all
 * four kinds of domain, nesting to depth 3, federated instances, maps,
 * objects, values, limits and reservations.
 *
 *   host ── a ── b ── c      (depth 3)
 *        │    │    └─ c2     (depth 3, no map, no objects)
 *        │    └─ b2
 *        ├─ f1 (federated)
 *        └─ f2 (federated)
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_TEST_RICH_H
#define MULT_TEST_RICH_H

#include "fault.h"

struct rich {
	struct mult_space *sp;
	uint32_t uid;     /* range, isolated, [0, 2^32 - 1] */
	uint32_t port;    /* range, shared, [1, 65535] */
	uint32_t pid;     /* numbered, [1, 4194304] */
	uint32_t uts;     /* value, inherited, value_max 64 */
	uint32_t sysctl;  /* value */
	uint32_t cpu;     /* exclusive, [0, 63] */
	uint32_t mem;     /* exclusive, [0, 2^40 - 1] */
	uint64_t a, b, c, c2, b2, f1, f2;
	uint64_t x;       /* scratch instance of an operation's setup */
	uint64_t next_obj;
	uint64_t c_obj;   /* an object c allocated */
};

/* Build it in a space allocating through @p fa (which must not fail). */
void rich_build(struct rich *r, struct f_alloc *fa, uint64_t seed);

#endif
