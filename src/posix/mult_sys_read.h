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
 * count, the same test for a grace period waiting on the futex; only the
 * exit is handed the counter by the entry (struct mult_sys_rd). The core
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
};

__attribute__((visibility("hidden")))
extern const struct mult_posix_urcu mult_posix_urcu;

/*
 * urcu_memb_has_sys_membarrier, copied at each thread's registration
 * (liburcu sets it once, at its initialisation, which a registration
 * follows): a read of it is one load here, not two through a pointer.
 */
__attribute__((visibility("hidden"))) extern int mult_posix_has_mb;

/* The thread's reader counter; NULL until the thread's first read. */
__attribute__((visibility("hidden")))
extern _Thread_local unsigned long *mult_posix_ctr
    __attribute__((tls_model("initial-exec")));

#define MULT_SYS_READ_FAST 1

/*
 * What a section's exit needs of its entry: the thread's reader counter,
 * so that the exit need not find it again in thread-local storage. (Not
 * the value the entry left there, which the exit could use instead of
 * loading it again: a second register live across the read's body costs
 * a push and a pop, more than the load it saves.)
 */
struct mult_sys_rd {
	unsigned long *ctr;
};

/* A grace period waits on this thread's exit: wake it (out of line). */
__attribute__((visibility("hidden"))) void mult_sys_read_wake(void);

/* urcu_memb_smp_mb_slave(): sys_membarrier makes the reader's side free. */
static inline void
mult_posix_mb_slave(int has_mb)
{
	if (__builtin_expect(has_mb, 1))
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline int
mult_sys_read_enter_fast(struct mult_sys_rd *rd)
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
		mult_posix_mb_slave(__atomic_load_n(&mult_posix_has_mb,
		    __ATOMIC_RELAXED));
	} else {
		__atomic_store_n(ctr, tmp + MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
	}
	rd->ctr = ctr;
	return 1;
}

static inline int
mult_sys_read_exit_fast(struct mult_sys_rd rd)
{
	unsigned long tmp = __atomic_load_n(rd.ctr, __ATOMIC_RELAXED);
	int wake = 0;

	if (__builtin_expect((tmp & MULT_POSIX_NEST_MASK) ==
	    MULT_POSIX_GP_COUNT, 1)) {
		int mb = __atomic_load_n(&mult_posix_has_mb, __ATOMIC_RELAXED);

		mult_posix_mb_slave(mb);
		__atomic_store_n(rd.ctr, tmp - MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
		mult_posix_mb_slave(mb);
		/* urcu_common_wake_up_gp()'s test; posix.c does the rest. */
		wake = __atomic_load_n(mult_posix_urcu.gp_futex,
		    __ATOMIC_RELAXED) == -1;
	} else {
		__atomic_store_n(rd.ctr, tmp - MULT_POSIX_GP_COUNT,
		    __ATOMIC_RELAXED);
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return wake;
}

#endif /* !MULT_POSIX_TSAN */

#endif /* MULT_POSIX_READ_H */
