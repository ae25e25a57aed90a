/*
 * libmult: the posix backend's read section, inline in the core.
 *
 * The core is compiled with MULT_SYS_READ_INLINE and includes this file
 * (src/core/shim.h says what it must define). A read function then makes
 * no call on its hot path, so it needs no frame: through
 * mult_sys_read_enter/exit() its arguments had to live in callee-saved
 * registers across both calls, five pushes and five pops a lookup.
 *
 * These are liburcu's _urcu_memb_read_lock() and _urcu_memb_read_unlock()
 * (urcu/static/urcu-memb.h) step for step, on the thread's reader counter
 * that mult_posix_register() found: the same barriers, the same nesting
 * count, the same test for a grace period waiting on the futex. The core
 * may include no system header, so liburcu's own are not included here:
 * posix.c gives the addresses of its variables in mult_posix_urcu and
 * checks the two constants against liburcu's at compile time.
 *
 * Not under ThreadSanitizer: that build takes the out-of-line section in
 * posix.c, which calls liburcu and tells TSan what a grace period orders.
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_POSIX_READ_H
#define MULT_POSIX_READ_H

#if defined(__SANITIZE_THREAD__)
#define MULT_POSIX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MULT_POSIX_TSAN 1
#endif
#endif

#ifndef MULT_POSIX_TSAN

/* liburcu's URCU_GP_COUNT and URCU_GP_CTR_NEST_MASK (posix.c checks). */
#define MULT_POSIX_GP_COUNT 1UL
#define MULT_POSIX_NEST_MASK ((1UL << (sizeof(unsigned long) << 2)) - 1)

/* Where liburcu keeps what a read section looks at (set in posix.c). */
struct mult_posix_urcu {
	const unsigned long *gp_ctr;    /* &urcu_memb_gp.ctr */
	const int *gp_futex;            /* &urcu_memb_gp.futex (an int32_t) */
	const int *has_membarrier;      /* &urcu_memb_has_sys_membarrier */
};

__attribute__((visibility("hidden")))
extern const struct mult_posix_urcu mult_posix_urcu;

/* The thread's reader counter; NULL until the thread's first read. */
__attribute__((visibility("hidden")))
extern _Thread_local unsigned long *mult_posix_ctr
    __attribute__((tls_model("initial-exec")));

#define MULT_SYS_READ_FAST 1

/* A grace period waits on this thread's exit: wake it (out of line). */
__attribute__((visibility("hidden"))) void mult_sys_read_wake(void);

/* urcu_memb_smp_mb_slave(): sys_membarrier makes the reader's side free. */
static inline void
mult_posix_mb_slave(int has_membarrier)
{
	if (__builtin_expect(has_membarrier, 1))
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline int
mult_sys_read_enter_fast(void)
{
	unsigned long *ctr = mult_posix_ctr, tmp;

	/* Not registered yet: the caller takes mult_sys_read_enter(). */
	if (__builtin_expect(!ctr, 0))
		return 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	tmp = __atomic_load_n(ctr, __ATOMIC_RELAXED);
	if (__builtin_expect(!(tmp & MULT_POSIX_NEST_MASK), 1)) {
		__atomic_store_n(ctr, __atomic_load_n(mult_posix_urcu.gp_ctr,
		    __ATOMIC_RELAXED), __ATOMIC_RELAXED);
		mult_posix_mb_slave(*mult_posix_urcu.has_membarrier);
	} else {
		__atomic_store_n(ctr, tmp + MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
	}
	return 1;
}

static inline int
mult_sys_read_exit_fast(void)
{
	unsigned long *ctr = mult_posix_ctr;
	unsigned long tmp = __atomic_load_n(ctr, __ATOMIC_RELAXED);
	int wake = 0;

	if (__builtin_expect((tmp & MULT_POSIX_NEST_MASK) ==
	    MULT_POSIX_GP_COUNT, 1)) {
		int mb = *mult_posix_urcu.has_membarrier;

		mult_posix_mb_slave(mb);
		__atomic_store_n(ctr, tmp - MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
		mult_posix_mb_slave(mb);
		/* urcu_common_wake_up_gp()'s test; posix.c does the rest. */
		wake = __atomic_load_n(mult_posix_urcu.gp_futex,
		    __ATOMIC_RELAXED) == -1;
	} else {
		__atomic_store_n(ctr, tmp - MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return wake;
}

#endif /* !MULT_POSIX_TSAN */

#endif /* MULT_POSIX_READ_H */
