/**
 * @file
 * libmult: the freestanding backend, for kernels, hypervisors and firmware
 * that link the core with -nostdlib. The embedder fills in a table of
 * operations and registers it once; the backend defines the seam symbols
 * (mult/sys/seam.h) by forwarding to the table.
 *
 * Build the core (src/core) with src/freestanding/freestanding.c and, where the
 * environment has no C library, src/freestanding/mem.c (memcpy, memmove,
 * memset, memcmp). Not part of the posix library.
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_FREESTANDING_H
#define MULT_FREESTANDING_H

#include "common.h"
#include "sys/seam.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The services the embedder provides. Start from #MULT_FREESTANDING_OPS_INIT,
 * fill in every function not marked optional, and pass the table to
 * mult_freestanding_init() before any other libmult call.
 *
 * Contexts, as the core uses them:
 *
 * - @c alloc, @c lock_create, @c lock and @c barrier are called only by
 *   writers (and by space creation and destruction), never inside a read
 *   section. They may sleep.
 * - @c alloc is called with the writer lock held (or while the space is
 *   being created, before any lock exists); never from a deferred callback.
 * - @c read_enter and @c read_exit bracket every lock-free read. They are
 *   called inside nothing but other read sections: read sections nest, and
 *   nothing sleeps or allocates inside them. They must not block.
 * - @c free is called by writers and from the callbacks queued with
 *   @c call_rcu, which may run in a softirq-like context: @c free must not
 *   sleep.
 * - @c call_rcu is called by writers with the writer lock held; it must not
 *   sleep. The callback it queues must run once every read section that
 *   might have begun before the call has ended; the callback does not sleep
 *   (it calls @c free and nothing else).
 * - @c barrier waits until every queued callback has run. It is called
 *   outside read sections and without the writer lock; it may sleep.
 *
 * Every function receives @c ctx, unchanged, as its first argument.
 */
struct mult_freestanding_ops {
	/** sizeof(struct mult_freestanding_ops), for compatibility. */
	size_t size;
	/**
	 * Return @p size bytes aligned for any type, or NULL (the core
	 * survives failure). May sleep. Called with the writer lock held or
	 * before the space exists; never inside a read section.
	 */
	void *(*alloc)(void *ctx, size_t size);
	/**
	 * Release memory from @c alloc; @p size is the size that was asked
	 * for. Must not sleep: it runs from deferred callbacks too.
	 */
	void (*free)(void *ctx, void *ptr, size_t size);
	/** Create a writer lock (a sleeping mutex is fine), or return NULL. */
	void *(*lock_create)(void *ctx);
	/** Destroy a lock from @c lock_create; never called with NULL. */
	void (*lock_destroy)(void *ctx, void *lock);
	/** Take the writer lock. May sleep; never called inside a read section. */
	void (*lock)(void *ctx, void *lock);
	/** Release the writer lock. */
	void (*unlock)(void *ctx, void *lock);
	/**
	 * Enter a read section (rcu_read_lock, epoch_enter,
	 * pserialize_read_enter). Must not block; sections nest.
	 */
	void (*read_enter)(void *ctx);
	/** Leave a read section. */
	void (*read_exit)(void *ctx);
	/**
	 * Arrange for @p fn(@p head) to run once every read section that might
	 * have begun before this call has ended (call_rcu, epoch_call). The
	 * backend owns the storage in @p head until @p fn runs. Called with
	 * the writer lock held; must not sleep. @p fn may run in a
	 * softirq-like context and does not sleep.
	 */
	void (*call_rcu)(void *ctx, struct mult_rcu_head *head,
	    void (*fn)(struct mult_rcu_head *head));
	/**
	 * Wait until every callback queued with @c call_rcu has run
	 * (rcu_barrier, epoch_drain_callbacks). May sleep.
	 */
	void (*barrier)(void *ctx);
	/**
	 * Optional: a random 64-bit value for hash seeds; need not be
	 * cryptographic. NULL: the backend derives seeds from a counter, which
	 * is deterministic (spaces may instead pass their own seed).
	 */
	uint64_t (*random)(void *ctx);
	/**
	 * Optional: report a broken internal assertion (a bug in libmult,
	 * never bad input) and stop; must not return. NULL: the backend traps
	 * (__builtin_trap).
	 */
	void (*panic)(void *ctx, const char *msg);
	/** Passed unchanged to every function above. */
	void *ctx;
};

/** An empty table of the right size; fill in the functions. */
#define MULT_FREESTANDING_OPS_INIT \
	{ sizeof(struct mult_freestanding_ops), NULL, NULL, NULL, NULL, NULL, \
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/**
 * Register the embedder's services. Call once, before any other libmult
 * call, from one thread; the table is copied.
 *
 * Registering again with a table equal to the registered one, field by
 * field, is a no-op that returns 0 (so independent initialisation paths may
 * each call it); a different table is refused with #MULT_EBUSY, because
 * spaces, locks and queued callbacks already depend on the first one. There
 * is no way to unregister.
 *
 * Until a table is registered, allocation and lock creation fail, so
 * mult_space_create() returns #MULT_ENOMEM rather than crashing.
 *
 * @param ops  the table.
 * @return 0; #MULT_EINVAL (NULL @p ops, @c size smaller than
 *         sizeof(struct mult_freestanding_ops), or a required function
 *         missing: all but @c random and @c panic are required);
 *         #MULT_EBUSY (a different table is registered, or another thread
 *         is registering one right now).
 */
MULT_API int mult_freestanding_init(const struct mult_freestanding_ops *ops);

#ifdef __cplusplus
}
#endif

#endif /* MULT_FREESTANDING_H */
