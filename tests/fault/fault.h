/*
 * libmult fault tests: shared helpers. Standalone programs (no Criterion),
 * so they also run under ThreadSanitizer and valgrind: CHECK() records a
 * failure and goes on, the program exits non-zero if any check failed.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_TEST_FAULT_H
#define MULT_TEST_FAULT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mult.h>

#include "../common/dump.h"

extern long f_checks, f_failures;

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		f_checks++;                                                   \
		if (!(cond)) {                                                \
			f_failures++;                                         \
			fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__,        \
			    __LINE__, #cond);                                 \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
		}                                                             \
	} while (0)

/* A setup step that must work; the test can't go on otherwise. */
#define MUST(call)                                                            \
	do {                                                                  \
		int must_rc_ = (call);                                        \
		if (must_rc_ != 0) {                                          \
			fprintf(stderr, "%s:%d: setup failed: %s: %d (%s)\n", \
			    __FILE__, __LINE__, #call, must_rc_,              \
			    mult_strerror(must_rc_));                         \
			exit(1);                                              \
		}                                                             \
	} while (0)

/* mult_verify() finds nothing; on failure, says what. Returns 1 if ok. */
int f_verify(struct mult_space *sp, const char *ctx);

/* Exit status of the program: 0 if every check passed. */
int f_done(const char *prog);

/* ---- a counting allocator that fails on demand ------------------------- */

/*
 * An allocation point is the pair of return addresses above the allocator:
 * (the caller of the allocator, its caller). In libmult every allocation
 * but the space's own goes through mult__alloc(), so the first is
 * mult__alloc() and the second the real call site; for the space itself
 * the first is mult_space_create().
 */
struct f_site {
	void *ra[2];      /* the point */
	void *chain[4];   /* the call chain above it, for the report */
	long seen;        /* allocations made there */
	long failed;      /* failures injected there */
};

#define F_SITES_MAX 512

struct f_alloc {
	long calls;        /* allocation calls since the last arm */
	long fail_at;      /* fail call number fail_at (1-based); 0: never */
	int persistent;    /* and every call after it */
	long injected;     /* failures injected since the last arm */
	long total_calls, total_injected;
	long long bytes;   /* outstanding */
	long bad_frees;    /* frees with a wrong size */
	int track;         /* record sites (backtrace) */
	int nsites;
	struct f_site sites[F_SITES_MAX];
	int last_site;     /* index of the site of the last injected failure */
};

/* Zero @p fa and warm up backtrace(). */
void f_alloc_init(struct f_alloc *fa, int track);

/* Fail call @p n from now (1-based; 0: none); persistent: and all after. */
void f_alloc_arm(struct f_alloc *fa, long n, int persistent);

/* A space allocating through @p fa; exits on failure. */
struct mult_space *f_space(struct f_alloc *fa, uint64_t seed);

/* The allocator functions, for tests that build their own options. */
void *f_alloc_fn(void *ctx, size_t size);
void f_free_fn(void *ctx, void *ptr, size_t size);

/* Print the distinct allocation points, symbolized when addr2line works. */
void f_sites_report(struct f_alloc *fa, FILE *f);

#endif /* MULT_TEST_FAULT_H */
