// SPDX-License-Identifier: ISC
/*
 * libmult as a Linux kernel module: the backend seam on kernel services,
 * the public API exported to other modules, and a self-test at load.
 *
 *   memory       kmalloc (kvmalloc above a page), kvfree
 *   writer lock  struct mutex
 *   read side    rcu_read_lock / rcu_read_unlock
 *   deferred     call_rcu through a trampoline; rcu_barrier
 *   seeds        get_random_u64
 *   assertions   panic
 *
 * The core (src/core) is compiled into the module unchanged: under
 * __KERNEL__, mult/common.h takes its types from <linux/types.h>.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/stringify.h>

#include "mult.h"
#include "mult/limit.h"
#include "mult/sys/seam.h"

#include "mult_selftest.h"

/* The core's deferred call rides in its mult_rcu_head after the kernel's. */
struct mult_linux_head {
	struct rcu_head rcu;
	void (*fn)(struct mult_rcu_head *head);
};

static_assert(sizeof(struct mult_linux_head) <= sizeof(struct mult_rcu_head),
    "struct mult_rcu_head is too small for the kernel's rcu_head");
static_assert(__alignof__(struct mult_linux_head) <=
    __alignof__(struct mult_rcu_head),
    "struct mult_rcu_head is not aligned enough for the kernel's rcu_head");

/*
 * Called by writers, outside read sections: GFP_KERNEL may sleep. Large
 * blocks (radix nodes are small; instance directories and owner indexes
 * can grow) fall back to vmalloc.
 */
void *
mult_sys_alloc(size_t size)
{
	if (size <= PAGE_SIZE)
		return kmalloc(size, GFP_KERNEL);
	return kvmalloc(size, GFP_KERNEL);
}

/* Also called from RCU callbacks (softirq): kvfree defers vfree there. */
void
mult_sys_free(void *ptr, size_t size)
{
	(void)size;
	kvfree(ptr);
}

void *
mult_sys_lock_create(void)
{
	struct mutex *m = kmalloc(sizeof(*m), GFP_KERNEL);

	if (m != NULL)
		mutex_init(m);
	return m;
}

void
mult_sys_lock_destroy(void *lock)
{
	if (lock != NULL) {
		mutex_destroy(lock);
		kfree(lock);
	}
}

void
mult_sys_lock(void *lock)
{
	mutex_lock(lock);
}

void
mult_sys_unlock(void *lock)
{
	mutex_unlock(lock);
}

void
mult_sys_read_enter(void)
{
	rcu_read_lock();
}

void
mult_sys_read_exit(void)
{
	rcu_read_unlock();
}

static void
mult_linux_trampoline(struct rcu_head *rcu)
{
	struct mult_linux_head *h = container_of(rcu, struct mult_linux_head,
	    rcu);

	h->fn((struct mult_rcu_head *)(void *)h);
}

void
mult_sys_call_rcu(struct mult_rcu_head *head,
    void (*fn)(struct mult_rcu_head *head))
{
	struct mult_linux_head *h = (struct mult_linux_head *)(void *)head;

	h->fn = fn;
	call_rcu(&h->rcu, mult_linux_trampoline);
}

void
mult_sys_barrier(void)
{
	rcu_barrier();
}

uint64_t
mult_sys_random(void)
{
	return get_random_u64();
}

void
mult_sys_panic(const char *msg)
{
	panic("%s\n", msg);
}

/* The public API, for other modules. */
EXPORT_SYMBOL_GPL(mult_strerror);
EXPORT_SYMBOL_GPL(mult_version);
EXPORT_SYMBOL_GPL(mult_space_create);
EXPORT_SYMBOL_GPL(mult_space_destroy);
EXPORT_SYMBOL_GPL(mult_domain_create);
EXPORT_SYMBOL_GPL(mult_domain_find);
EXPORT_SYMBOL_GPL(mult_instance_create);
EXPORT_SYMBOL_GPL(mult_instance_destroy);
EXPORT_SYMBOL_GPL(mult_instance_find);
EXPORT_SYMBOL_GPL(mult_instance_info);
EXPORT_SYMBOL_GPL(mult_allot_grant);
EXPORT_SYMBOL_GPL(mult_allot_revoke);
EXPORT_SYMBOL_GPL(mult_allot_get);
EXPORT_SYMBOL_GPL(mult_range_map);
EXPORT_SYMBOL_GPL(mult_range_down);
EXPORT_SYMBOL_GPL(mult_range_up);
EXPORT_SYMBOL_GPL(mult_range_down_many);
EXPORT_SYMBOL_GPL(mult_range_up_many);
EXPORT_SYMBOL_GPL(mult_range_get);
EXPORT_SYMBOL_GPL(mult_num_alloc);
EXPORT_SYMBOL_GPL(mult_num_free);
EXPORT_SYMBOL_GPL(mult_num_lookup);
EXPORT_SYMBOL_GPL(mult_num_lookup_many);
EXPORT_SYMBOL_GPL(mult_num_number);
EXPORT_SYMBOL_GPL(mult_num_ref_get);
EXPORT_SYMBOL_GPL(mult_num_ref_put);
EXPORT_SYMBOL_GPL(mult_num_ref_lookup);
EXPORT_SYMBOL_GPL(mult_value_set);
EXPORT_SYMBOL_GPL(mult_value_get);
EXPORT_SYMBOL_GPL(mult_value_unset);
EXPORT_SYMBOL_GPL(mult_excl_owner);
EXPORT_SYMBOL_GPL(mult_limit_set);
EXPORT_SYMBOL_GPL(mult_limit_reserve);
EXPORT_SYMBOL_GPL(mult_limit_get);
EXPORT_SYMBOL_GPL(mult_verify);

/* For harness tests: "fail", "silent" or "panic"; empty for a real run. */
static char *inject = "";
module_param(inject, charp, 0444);
MODULE_PARM_DESC(inject,
    "self-test fault injection: fail, silent or panic (harness tests only)");

static int __init
mult_linux_init(void)
{
	mult_selftest_run(inject);
	/*
	 * 0 whatever the verdict: the module (and its exported API) stays,
	 * and busybox insmod would run a failed init a second time.
	 */
	return 0;
}

static void __exit
mult_linux_exit(void)
{
	/* No callback of ours may run once the module's text is gone. */
	rcu_barrier();
}

module_init(mult_linux_init);
module_exit(mult_linux_exit);

MODULE_LICENSE("Dual BSD/GPL");
MODULE_AUTHOR("libmult");
MODULE_DESCRIPTION("libmult: instance-aware resource namespaces");
MODULE_VERSION(__stringify(MULT_VERSION_MAJOR) "." __stringify(MULT_VERSION_MINOR)
    "." __stringify(MULT_VERSION_PATCH));
