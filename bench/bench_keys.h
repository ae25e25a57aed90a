/*
 * What mult_ab and mult_window share: a clock, and identities in a
 * shuffled order (mult_bench has its own, seeded per run).
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_BENCH_KEYS_H
#define MULT_BENCH_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

static inline double
bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* keys[] = 1..n in one fixed order: Fisher-Yates driven by xorshift64. */
static inline void
bench_shuffled_ids(uint64_t *keys, size_t n)
{
	uint64_t x = 88172645463325252ULL;
	size_t i;

	for (i = 0; i < n; i++)
		keys[i] = i + 1;
	for (i = n - 1; n > 1 && i > 0; i--) {
		size_t j;
		uint64_t t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % (i + 1));
		t = keys[i];
		keys[i] = keys[j];
		keys[j] = t;
	}
}

#endif /* MULT_BENCH_KEYS_H */
