/*
 * libmult: the default userland backend. pthreads for the writer lock,
 * liburcu's memb flavour for read sections and deferred frees (it needs no
 * signal and no quiescent-state calls from the application), malloc.
 *
 * Threads register with liburcu lazily, on their first read section, and
 * unregister when they exit: readers need no ceremony.
 *
 * SPDX-License-Identifier: ISC
 */
#define _GNU_SOURCE

#include "mult_sys_read.h"  /* the inline half of the read section; TSan? */

/*
 * liburcu's inline side (its README allows it to LGPL- or GPL-compatible
 * code, which ISC is): the reader record, its counter's constants and the
 * wake-up of a waiting grace period, which the read section of
 * mult_sys_read.h, liburcu's own steps inline, needs. Not under
 * ThreadSanitizer, which would then instrument liburcu's racy-by-design
 * futex handshake; the TSan build calls the library, whose insides it does
 * not see.
 */
#ifndef MULT_POSIX_TSAN
#define _LGPL_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

#include <urcu/urcu-memb.h>
#ifdef MULT_POSIX_TSAN
/* The reader record alone (registered or not), not the inline calls. */
#include <urcu/static/urcu-memb.h>
#endif

#include "mult/sys/seam.h"

/*
 * ThreadSanitizer can't see inside liburcu, so it would not know that a
 * deferred call runs only after every reader that could see the memory has
 * left, nor that rcu_barrier returns only after every deferred call has
 * run. Say so: each read section releases a token on exit and each
 * deferred call acquires it before it runs; each deferred call releases a
 * second token when done and the barrier acquires it. This is exactly the
 * guarantees of a grace period and of a barrier, no more.
 */
#ifdef MULT_POSIX_TSAN
#include <sanitizer/tsan_interface.h>
static char mult_posix_grace, mult_posix_done;
#define MULT_POSIX_RELEASE() __tsan_release(&mult_posix_grace)
#define MULT_POSIX_ACQUIRE() __tsan_acquire(&mult_posix_grace)
#define MULT_POSIX_DONE() __tsan_release(&mult_posix_done)
#define MULT_POSIX_WAITED() __tsan_acquire(&mult_posix_done)
#else
#define MULT_POSIX_RELEASE() do { } while (0)
#define MULT_POSIX_ACQUIRE() do { } while (0)
#define MULT_POSIX_DONE() do { } while (0)
#define MULT_POSIX_WAITED() do { } while (0)
#endif

/* The core's deferred call rides in its mult_rcu_head after liburcu's. */
struct mult_posix_head {
	struct rcu_head head;
	void (*fn)(struct mult_rcu_head *);
};

_Static_assert(sizeof(struct mult_posix_head) <= sizeof(struct mult_rcu_head),
    "struct mult_rcu_head is too small for liburcu's rcu_head");

static pthread_once_t mult_posix_once = PTHREAD_ONCE_INIT;
static pthread_key_t mult_posix_key;
/*
 * Initial-exec: one %fs-relative load on every read section instead of a
 * call to __tls_get_addr. libmult is linked, not dlopen()ed, in the normal
 * case; glibc keeps static TLS in reserve for the few bytes a dlopen()ed
 * library like it needs.
 */
static __thread int mult_posix_registered
    __attribute__((tls_model("initial-exec")));

#ifndef MULT_POSIX_TSAN
/*
 * The thread's liburcu reader counter, found once at registration, for the
 * inline section (mult_sys_read.h). liburcu's reader record is
 * thread-local storage of another shared object, so each of the three
 * accesses a read section makes through liburcu's own inline functions is
 * a call to __tls_get_addr, a third of the cost of a whole lookup.
 * Initial-exec access to it is no way out: a dlopen()ed libmult (the
 * Python binding) then fails to load, for the record does not fit in
 * glibc's static TLS reserve.
 */
_Thread_local unsigned long *mult_posix_ctr
    __attribute__((tls_model("initial-exec")));

const struct mult_posix_urcu mult_posix_urcu = {
	&urcu_memb_gp.ctr, &urcu_memb_gp.futex,
};

_Static_assert(MULT_POSIX_GP_COUNT == URCU_GP_COUNT &&
    MULT_POSIX_NEST_MASK == URCU_GP_CTR_NEST_MASK,
    "mult_sys_read.h no longer mirrors liburcu's reader counter");
#endif

static void
mult_posix_thread_exit(void *arg)
{
	(void)arg;
	urcu_memb_unregister_thread();
}

static void
mult_posix_key_init(void)
{
	if (pthread_key_create(&mult_posix_key, mult_posix_thread_exit) != 0)
		mult_sys_panic("libmult: pthread_key_create failed");
}

static inline void
mult_posix_register(void)
{
	if (__builtin_expect(mult_posix_registered, 1))
		return;
	pthread_once(&mult_posix_once, mult_posix_key_init);
	/*
	 * A thread the application registered with liburcu-memb itself is
	 * its to unregister; registering it again would abort in liburcu.
	 */
	if (!URCU_TLS(urcu_memb_reader).registered) {
		urcu_memb_register_thread();
		/* A non-NULL value makes the destructor run at thread exit. */
		pthread_setspecific(mult_posix_key, (void *)1);
	}
#ifndef MULT_POSIX_TSAN
	/*
	 * liburcu chose at its initialisation, which registration follows,
	 * whether readers fence; the inline section is for those that don't.
	 */
	if (urcu_memb_has_sys_membarrier)
		mult_posix_ctr = &urcu_memb_reader.ctr;
#endif
	mult_posix_registered = 1;
}

void *
mult_sys_alloc(size_t size)
{
	return malloc(size);
}

void
mult_sys_free(void *ptr, size_t size)
{
	(void)size;
	free(ptr);
}

void *
mult_sys_lock_create(void)
{
	pthread_mutex_t *m = malloc(sizeof(*m));

	if (m != NULL && pthread_mutex_init(m, NULL) != 0) {
		free(m);
		m = NULL;
	}
	return m;
}

void
mult_sys_lock_destroy(void *lock)
{
	if (lock != NULL) {
		pthread_mutex_destroy(lock);
		free(lock);
	}
}

void
mult_sys_lock(void *lock)
{
	mult_posix_register();
	pthread_mutex_lock(lock);
}

void
mult_sys_unlock(void *lock)
{
	pthread_mutex_unlock(lock);
}

/*
 * The out-of-line read section: the core's way in where the inline one of
 * mult_sys_read.h can't enter (a thread's first read, a read nested in the
 * caller's own section, no sys_membarrier), the batch reads' way, and the
 * whole section under ThreadSanitizer. Where the inline entry can't enter,
 * liburcu's own does, and its exit counts the nesting down as liburcu's.
 */
void
mult_sys_read_enter(void)
{
#ifdef MULT_POSIX_TSAN
	mult_posix_register();
	urcu_memb_read_lock();
#else
	struct mult_sys_rd rd;

	if (__builtin_expect(mult_sys_read_enter_fast(&rd), 1))
		return;
	mult_posix_register();
	if (!mult_sys_read_enter_fast(&rd))
		urcu_memb_read_lock();
#endif
}

void
mult_sys_read_exit(void)
{
#ifdef MULT_POSIX_TSAN
	MULT_POSIX_RELEASE();
	urcu_memb_read_unlock();
#else
	struct mult_sys_rd rd = { mult_posix_ctr };

	/* The outermost section, without fences: the inline exit. */
	if (__builtin_expect(rd.ctr != NULL &&
	    (__atomic_load_n(rd.ctr, __ATOMIC_RELAXED) &
	    MULT_POSIX_NEST_MASK) == MULT_POSIX_GP_COUNT, 1)) {
		if (__builtin_expect(mult_sys_read_exit_fast(rd), 0))
			mult_sys_read_wake();
		return;
	}
	urcu_memb_read_unlock();
#endif
}

#ifndef MULT_POSIX_TSAN
void
mult_sys_read_wake(void)
{
	urcu_common_wake_up_gp(&urcu_memb_gp);
}
#endif

static void
mult_posix_trampoline(struct rcu_head *head)
{
	struct mult_posix_head *h = (struct mult_posix_head *)head;

	MULT_POSIX_ACQUIRE();
	h->fn((struct mult_rcu_head *)(void *)h);
	MULT_POSIX_DONE();
}

void
mult_sys_call_rcu(struct mult_rcu_head *head,
    void (*fn)(struct mult_rcu_head *head))
{
	struct mult_posix_head *h = (struct mult_posix_head *)(void *)head;

	mult_posix_register();
	h->fn = fn;
	MULT_POSIX_RELEASE();
	urcu_memb_call_rcu(&h->head, mult_posix_trampoline);
}

void
mult_sys_barrier(void)
{
	mult_posix_register();
	urcu_memb_barrier();
	MULT_POSIX_WAITED();
}

uint64_t
mult_sys_random(void)
{
	uint64_t x;
	struct timespec ts;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) == (ssize_t)sizeof(x))
		return x;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)(uintptr_t)&x;
}

void
mult_sys_panic(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	abort();
}
