/*
 * libmult: the posix backend's read section, inline in the core.
 *
 * The core is compiled with MULT_SYS_READ_INLINE and includes this file
 * (src/core/shim.h says what it must define). A read function then makes
 * no call on its hot path, so it needs no frame: through
 * mult_sys_read_enter/exit() its arguments had to live in callee-saved
 * registers across both calls, five pushes and five pops a lookup.
 *
 * This is liburcu's _urcu_memb_read_lock() and _urcu_memb_read_unlock()
 * (urcu/static/urcu-memb.h) for the case that every lookup is: the
 * outermost section, on a thread registered with liburcu, which uses
 * sys_membarrier, so that a reader's barriers are the compiler's alone.
 * Anything else (a thread's first read, a read nested in the caller's own
 * liburcu section, a system without sys_membarrier) goes out of line to
 * posix.c, which runs liburcu's own steps. Each test left out of the
 * inline path is a load: on a core whose loads in flight are few, each
 * load a lookup makes costs it more than its share when lookups miss the
 * caches (docs/performance.md). The exit is handed the counter by the
 * entry (struct mult_sys_rd). The core may include no system header, so
 * liburcu's own are not included here: posix.c gives the addresses of its
 * variables in mult_posix_urcu and checks the two constants against
 * liburcu's at compile time.
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
 * The thread's reader counter, if the inline section may use it: set when
 * the thread registers, if liburcu uses sys_membarrier; NULL until then,
 * and for good without sys_membarrier (liburcu's section then fences).
 */
__attribute__((visibility("hidden")))
extern _Thread_local unsigned long *mult_posix_ctr
    __attribute__((tls_model("initial-exec")));

#define MULT_SYS_READ_FAST 1

/*
 * What a section's exit needs of its entry: the thread's reader counter,
 * so that the exit need not find it again in thread-local storage.
 */
struct mult_sys_rd {
	unsigned long *ctr;
};

/* A grace period waits on this thread's exit: wake it (out of line). */
__attribute__((visibility("hidden"))) void mult_sys_read_wake(void);

/*
 * Enter an outermost section: the counter takes the grace-period counter
 * (its phase, and a nesting count of one). urcu_memb_smp_mb_slave() is
 * the compiler's barrier alone with sys_membarrier, which the grace
 * period's side then issues. Nested, the caller's section already holds
 * off reclamation; liburcu's way counts the nesting (return 0).
 */
static inline int
mult_sys_read_enter_fast(struct mult_sys_rd *rd)
{
	unsigned long *ctr = mult_posix_ctr;

	if (__builtin_expect(ctr == (void *)0, 0))
		return 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__builtin_expect(__atomic_load_n(ctr, __ATOMIC_RELAXED) &
	    MULT_POSIX_NEST_MASK, 0))
		return 0;
	__atomic_store_n(ctr, __atomic_load_n(mult_posix_urcu.gp_ctr,
	    __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rd->ctr = ctr;
	return 1;
}

/*
 * Leave the outermost section rd entered. liburcu stores the counter less
 * one count, its phase bit alone; this stores 0, which liburcu reads the
 * same way: a counter with no nesting count is a reader outside any
 * section, whatever its phase (urcu_common_reader_state(), and
 * _urcu_memb_read_lock()'s test), and the next entry overwrites it whole.
 * So the exit need not load the counter. Then urcu_common_wake_up_gp()'s
 * test; nonzero: the caller calls mult_sys_read_wake().
 */
static inline int
mult_sys_read_exit_fast(struct mult_sys_rd rd)
{
	int wake;

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(rd.ctr, 0UL, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	wake = __atomic_load_n(mult_posix_urcu.gp_futex, __ATOMIC_RELAXED) ==
	    -1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return wake;
}

#endif /* !MULT_POSIX_TSAN */

#endif /* MULT_POSIX_READ_H */
