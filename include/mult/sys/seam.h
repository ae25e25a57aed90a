/**
 * @file
 * libmult: the backend seam. The freestanding core needs nothing from its
 * environment but these symbols; a backend (posix, freestanding, linux)
 * defines them. They are direct calls, so the read path makes no indirect
 * call. Stable within a minor version.
 *
 * Besides these, the core needs memcpy, memmove, memset and memcmp (the
 * compiler may emit calls to them); every kernel and libc has them.
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_SYS_SEAM_H
#define MULT_SYS_SEAM_H

#include "../common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Storage the backend uses to queue a deferred call: room for the
 * environment's own rcu_head (two pointers in Linux and liburcu) and the
 * core's callback, which the backend calls from a trampoline of its own.
 */
struct mult_rcu_head {
	void *opaque[3]; /**< the backend's; the core never looks inside */
};

/**
 * Allocate memory for the core. Called only by writers, never inside a
 * read section, with the writer lock held or not. May sleep.
 *
 * @param size  bytes wanted, never 0.
 * @return memory aligned for any type, or NULL (the core survives it).
 */
void *mult_sys_alloc(size_t size);

/**
 * Free memory from mult_sys_alloc(). Called by writers and from deferred
 * callbacks, which in a kernel run in softirq context: must not sleep.
 *
 * @param ptr   the memory.
 * @param size  the size that was asked for.
 */
void mult_sys_free(void *ptr, size_t size);

/**
 * Create a writer lock (a sleeping mutex is fine).
 *
 * @return the lock, or NULL on failure.
 */
void *mult_sys_lock_create(void);

/**
 * Destroy a lock from mult_sys_lock_create().
 *
 * @param lock  the lock, or NULL (a no-op).
 */
void mult_sys_lock_destroy(void *lock);

/**
 * Take the writer lock. May sleep. Never called inside a read section.
 *
 * @param lock  the lock.
 */
void mult_sys_lock(void *lock);

/**
 * Release the writer lock.
 *
 * @param lock  the lock.
 */
void mult_sys_unlock(void *lock);

/**
 * Enter a read section (rcu_read_lock). Must not block, may nest, and must
 * not need the calling thread to have done anything first (register
 * lazily).
 */
void mult_sys_read_enter(void);

/** Leave a read section (rcu_read_unlock). */
void mult_sys_read_exit(void);

/**
 * Queue a deferred call (call_rcu): @p fn(@p head) runs once every read
 * section that might have begun before this call has ended. Called by
 * writers with the writer lock held; must not sleep.
 *
 * @param head  storage for the backend, inside the block to free.
 * @param fn    the callback; it must not sleep either.
 */
void mult_sys_call_rcu(struct mult_rcu_head *head,
    void (*fn)(struct mult_rcu_head *head));

/**
 * Wait until every callback queued by mult_sys_call_rcu() has run
 * (rcu_barrier). May sleep.
 */
void mult_sys_barrier(void);

/**
 * A random value for hash seeds; need not be cryptographic.
 *
 * @return 64 random bits.
 */
uint64_t mult_sys_random(void);

/**
 * Report a broken internal assertion and stop; does not return.
 *
 * @param msg  what broke, NUL-terminated.
 */
/* objtool trusts only its own list of functions that never return. */
#if defined(__GNUC__) && !defined(__KERNEL__)
__attribute__((noreturn))
#endif
void mult_sys_panic(const char *msg);

#ifdef __cplusplus
}
#endif

#endif /* MULT_SYS_SEAM_H */
