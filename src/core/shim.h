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

/*
 * Read sections. Every read function is one. The seam's
 * mult_sys_read_enter/exit() are calls, so a function that makes them
 * keeps its arguments in callee-saved registers across both and pays a
 * frame on every read: five pushes, five pops and the moves into those
 * registers, a tenth of a lookup's instructions. The reads of one key
 * therefore run their bodies, fn##_in(), through MULT__READ_RETURN()
 * below; the others, whose section is a small part of their cost (the
 * batch forms, the listings), call the seam. A backend may instead give
 * the core an inline fast path: the core is then compiled with
 * MULT_SYS_READ_INLINE, includes the backend's "mult_sys_read.h", and if
 * that defines MULT_SYS_READ_FAST it also defines
 *
 *	struct mult_sys_rd;
 *		what a section's exit needs of its entry, in registers;
 *	static inline int mult_sys_read_enter_fast(struct mult_sys_rd *rd);
 *		enter a read section, fill *rd and return nonzero; or, if it
 *		can't (a thread's first read, say), do nothing and return 0;
 *	static inline int mult_sys_read_exit_fast(struct mult_sys_rd rd);
 *		leave the section that filled rd; nonzero if the caller must
 *		now call mult_sys_read_wake();
 *	void mult_sys_read_wake(void);
 *		wake whoever waits on that exit (a grace period).
 *
 * Both of the calls that can follow are then tail calls, and the hot path
 * of a read function makes none.
 */
#ifdef MULT_SYS_READ_INLINE
#include "mult_sys_read.h"
#endif

#ifdef MULT_SYS_READ_FAST
/* err, after a wake-up: out of line, so that it is a tail call. */
static __attribute__((__noinline__, __cold__)) int
mult__read_woken(int err)
{
	mult_sys_read_wake();
	return err;
}

/* Leave the section that filled rd; return err. */
static inline int
mult__read_leave(struct mult_sys_rd rd, int err)
{
	if (mult__unlikely(mult_sys_read_exit_fast(rd)))
		return mult__read_woken(err);
	return err;
}
#else
struct mult_sys_rd {
	int none;
};

static inline int
mult_sys_read_enter_fast(struct mult_sys_rd *rd)
{
	(void)rd;
	mult_sys_read_enter();
	return 1;
}

static inline int
mult__read_leave(struct mult_sys_rd rd, int err)
{
	(void)rd;
	mult_sys_read_exit();
	return err;
}
#endif

/* A read's body, fn##_in(): always inlined, or the hot path makes a call. */
#define MULT__READ_BODY static inline __attribute__((__always_inline__)) int

/*
 * MULT__READ_RETURN(fn, args): return fn##_in args, an int, run in a read
 * section. Where the fast path can't enter, fn##_slow args does it the
 * seam's way; MULT__READ_SLOW(fn, params, args) defines that (unused, and
 * dropped, without a fast path).
 */
#define MULT__READ_RETURN(fn, args)                                           \
	do {                                                                  \
		struct mult_sys_rd rd_;                                       \
                                                                              \
		if (mult__likely(mult_sys_read_enter_fast(&rd_)))             \
			return mult__read_leave(rd_, fn##_in args);           \
		return fn##_slow args;                                        \
	} while (0)

#define MULT__READ_SLOW(fn, params, args)                                     \
	static __attribute__((__noinline__, __cold__, __unused__)) int        \
	fn##_slow params                                                      \
	{                                                                     \
		int err_;                                                     \
                                                                              \
		mult_sys_read_enter();                                        \
		err_ = fn##_in args;                                          \
		mult_sys_read_exit();                                         \
		return err_;                                                  \
	}

/* Internal assertion: a broken one is a bug in libmult, never bad input. */
#define MULT__ASSERT(cond)                                                    \
	do {                                                                  \
		if (mult__unlikely(!(cond)))                                  \
			mult_sys_panic("libmult: assertion failed: " #cond);  \
	} while (0)

#endif /* MULT_CORE_SHIM_H */
