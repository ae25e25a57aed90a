/*
 * libmult core: the one header between the core and its environment.
 *
 * The core is freestanding C11: it includes nothing but this file and the
 * public headers. Types come from mult/common.h (the compiler's stdint.h in
 * userland, linux/types.h in the kernel); atomics are the compiler's
 * __atomic builtins on plain word-sized fields; mem* are the compiler's
 * builtins, which may become calls to memcpy and friends (documented seam
 * symbols). Everything else comes through mult/sys/seam.h.
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_CORE_SHIM_H
#define MULT_CORE_SHIM_H

#include "mult/common.h"
#include "mult/sys/seam.h"

#define MULT__U64_MAX ((uint64_t)~(uint64_t)0)

/* Enough to keep two fields off one cache line on the targets we know. */
#define MULT__CACHELINE 64
#define MULT__U32_MAX ((uint32_t)~(uint32_t)0)

#define mult__likely(x) __builtin_expect(!!(x), 1)
#define mult__unlikely(x) __builtin_expect(!!(x), 0)

#define mult__offsetof(type, member) __builtin_offsetof(type, member)
#define mult__container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - mult__offsetof(type, member)))

/*
 * Publication and reading of shared fields. A writer publishes a fully
 * built structure with one release store; a reader loads it with acquire
 * (consume would do on every target we know, but acquire is what the
 * compilers implement). Plain relaxed accessors are for fields that are
 * read concurrently but carry no dependent data.
 */
#define mult__load_acq(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define mult__load(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define mult__store_rel(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define mult__store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

#define mult__memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define mult__memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define mult__memset(d, c, n) __builtin_memset((d), (c), (n))
#define mult__memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

/* A hint that p will be written soon; no fault, no effect on meaning. */
#define mult__prefetch_w(p) __builtin_prefetch((p), 1)

/* Internal assertion: a broken one is a bug in libmult, never bad input. */
#define MULT__ASSERT(cond)                                                    \
	do {                                                                  \
		if (mult__unlikely(!(cond)))                                  \
			mult_sys_panic("libmult: assertion failed: " #cond);  \
	} while (0)

#endif /* MULT_CORE_SHIM_H */
