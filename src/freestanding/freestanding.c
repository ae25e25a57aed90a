/*
 * libmult: the freestanding backend. The embedder registers a table of
 * operations (mult/freestanding.h); the seam symbols forward to it.
 *
 * The table is copied into one static structure whose state word is
 * published with a release store: a thread that sees the state READY sees
 * the whole table. Before registration, allocation and lock creation fail,
 * so nothing dereferences a missing function.
 *
 * Freestanding C11 like the core: no libc, only the public headers.
 *
 * SPDX-License-Identifier: ISC
 */
#include "mult/freestanding.h"
#include "mult/sys/seam.h"

enum {
	MULT_FS_NONE = 0,   /* nothing registered */
	MULT_FS_BUSY = 1,   /* a thread is copying a table in */
	MULT_FS_READY = 2   /* registered, for good */
};

static struct mult_freestanding_ops mult_fs_ops;
static int mult_fs_state;
static uintptr_t mult_fs_counter; /* word-sized: no libatomic on 32-bit */

static int
mult_fs_ready(void)
{
	return __atomic_load_n(&mult_fs_state, __ATOMIC_ACQUIRE) ==
	    MULT_FS_READY;
}

static int
mult_fs_same(const struct mult_freestanding_ops *a,
    const struct mult_freestanding_ops *b)
{
	return a->alloc == b->alloc && a->free == b->free &&
	    a->lock_create == b->lock_create &&
	    a->lock_destroy == b->lock_destroy && a->lock == b->lock &&
	    a->unlock == b->unlock && a->read_enter == b->read_enter &&
	    a->read_exit == b->read_exit && a->call_rcu == b->call_rcu &&
	    a->barrier == b->barrier && a->random == b->random &&
	    a->panic == b->panic && a->ctx == b->ctx;
}

int
mult_freestanding_init(const struct mult_freestanding_ops *ops)
{
	int expect = MULT_FS_NONE;

	if (ops == NULL || ops->size < sizeof(*ops))
		return MULT_EINVAL;
	if (ops->alloc == NULL || ops->free == NULL ||
	    ops->lock_create == NULL || ops->lock_destroy == NULL ||
	    ops->lock == NULL || ops->unlock == NULL ||
	    ops->read_enter == NULL || ops->read_exit == NULL ||
	    ops->call_rcu == NULL || ops->barrier == NULL)
		return MULT_EINVAL;
	if (!__atomic_compare_exchange_n(&mult_fs_state, &expect, MULT_FS_BUSY,
	    0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		if (expect == MULT_FS_READY && mult_fs_same(&mult_fs_ops, ops))
			return 0;
		return MULT_EBUSY;
	}
	/* Field by field: a larger (newer) table is read only as far as we know. */
	mult_fs_ops.size = sizeof(mult_fs_ops);
	mult_fs_ops.alloc = ops->alloc;
	mult_fs_ops.free = ops->free;
	mult_fs_ops.lock_create = ops->lock_create;
	mult_fs_ops.lock_destroy = ops->lock_destroy;
	mult_fs_ops.lock = ops->lock;
	mult_fs_ops.unlock = ops->unlock;
	mult_fs_ops.read_enter = ops->read_enter;
	mult_fs_ops.read_exit = ops->read_exit;
	mult_fs_ops.call_rcu = ops->call_rcu;
	mult_fs_ops.barrier = ops->barrier;
	mult_fs_ops.random = ops->random;
	mult_fs_ops.panic = ops->panic;
	mult_fs_ops.ctx = ops->ctx;
	__atomic_store_n(&mult_fs_state, MULT_FS_READY, __ATOMIC_RELEASE);
	return 0;
}

void *
mult_sys_alloc(size_t size)
{
	if (!mult_fs_ready())
		return NULL;
	return mult_fs_ops.alloc(mult_fs_ops.ctx, size);
}

void
mult_sys_free(void *ptr, size_t size)
{
	if (ptr != NULL)
		mult_fs_ops.free(mult_fs_ops.ctx, ptr, size);
}

void *
mult_sys_lock_create(void)
{
	if (!mult_fs_ready())
		return NULL;
	return mult_fs_ops.lock_create(mult_fs_ops.ctx);
}

void
mult_sys_lock_destroy(void *lock)
{
	if (lock != NULL)
		mult_fs_ops.lock_destroy(mult_fs_ops.ctx, lock);
}

void
mult_sys_lock(void *lock)
{
	mult_fs_ops.lock(mult_fs_ops.ctx, lock);
}

void
mult_sys_unlock(void *lock)
{
	mult_fs_ops.unlock(mult_fs_ops.ctx, lock);
}

/*
 * A read section needs a space, and a space needs a lock, which only a
 * registered table can create: the table is always there by now.
 */
void
mult_sys_read_enter(void)
{
	mult_fs_ops.read_enter(mult_fs_ops.ctx);
}

void
mult_sys_read_exit(void)
{
	mult_fs_ops.read_exit(mult_fs_ops.ctx);
}

void
mult_sys_call_rcu(struct mult_rcu_head *head,
    void (*fn)(struct mult_rcu_head *head))
{
	mult_fs_ops.call_rcu(mult_fs_ops.ctx, head, fn);
}

void
mult_sys_barrier(void)
{
	if (mult_fs_ready())
		mult_fs_ops.barrier(mult_fs_ops.ctx);
}

/* splitmix64 over a counter: distinct, well-mixed seeds without a source. */
uint64_t
mult_sys_random(void)
{
	uint64_t x;

	if (mult_fs_ready() && mult_fs_ops.random != NULL)
		return mult_fs_ops.random(mult_fs_ops.ctx);
	x = (uint64_t)__atomic_add_fetch(&mult_fs_counter, 1, __ATOMIC_RELAXED);
	x = x * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&mult_fs_counter;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
mult_sys_panic(const char *msg)
{
	if (mult_fs_ready() && mult_fs_ops.panic != NULL)
		mult_fs_ops.panic(mult_fs_ops.ctx, msg);
	for (;;)
		__builtin_trap();
}
