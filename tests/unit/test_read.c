/*
 * libmult unit tests: the read section of the posix backend, which the
 * per-key reads run inline (src/posix/mult_sys_read.h): a thread's first
 * read, which goes in the out-of-line way; reads nested in the caller's
 * own liburcu section; the wake-up of a grace period that waits; a thread
 * the application registered with liburcu itself. Each again with liburcu
 * as it runs without sys_membarrier, where readers fence and libmult
 * takes liburcu's own section, not its inline one.
 * SPDX-License-Identifier: ISC
 */
#define _LGPL_SOURCE /* urcu_memb_gp, for the wake-up test */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <urcu/urcu-memb.h>

#include "helpers.h"

/* One space with a domain of each kind and an answer to read in each. */
struct world {
	struct mult_space *sp;
	uint32_t uid, pid, uts, cpu;
	uint64_t ct, pid1;
};

static void
world_make(struct world *w)
{
	struct mult_extent map = { 0, 100000, 65536 };

	w->sp = h_space();
	w->uid = h_dom(w->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	w->pid = h_dom(w->sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	w->uts = h_value_dom(w->sp, "uts", 0, 64);
	w->cpu = h_dom(w->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	w->ct = h_inst(w->sp, MULT_HOST, "ct", 0);
	h_grant(w->sp, w->ct, w->uid, 100000, 65536);
	cr_assert_eq(mult_range_map(w->sp, w->ct, w->uid, &map, 1), 0);
	cr_assert_eq(mult_num_alloc(&w->pid1, w->sp, w->ct, w->pid, 0xa1), 0);
	cr_assert_eq(mult_value_set(w->sp, w->ct, w->uts, "hostname", "ct1",
	    3), 0);
	h_grant(w->sp, w->ct, w->cpu, 5, 2);
}

/* Read number `which` of the seven per-key reads; 0 if it answered right. */
static int
read_one(const struct world *w, int which)
{
	struct mult_instance_info info;
	uint64_t v = 0;
	char buf[8];
	size_t len = 0;

	switch (which) {
	case 0:
		return mult_num_lookup(&v, w->sp, w->ct, w->pid, w->pid1) != 0 ||
		    v != 0xa1;
	case 1:
		return mult_num_number(&v, w->sp, w->ct, w->pid, 0xa1) != 0 ||
		    v != w->pid1;
	case 2:
		return mult_range_down(&v, w->sp, w->ct, w->uid, 7) != 0 ||
		    v != 100007;
	case 3:
		return mult_range_up(&v, w->sp, w->ct, w->uid, 100007) != 0 ||
		    v != 7;
	case 4:
		return mult_value_get(buf, sizeof(buf), &len, w->sp, w->ct,
		    w->uts, "hostname") != 0 || len != 3 ||
		    memcmp(buf, "ct1", 3) != 0;
	case 5:
		return mult_excl_owner(&v, w->sp, w->cpu, 6) != 0 || v != w->ct;
	default:
		return mult_instance_info(&info, w->sp, w->ct) != 0 ||
		    info.id != w->ct || strcmp(info.name, "ct") != 0;
	}
}

#define NREADS 7

struct first {
	const struct world *w;
	int which;
	int wrong;
};

static void *
first_read(void *arg)
{
	struct first *f = arg;

	/* Twice: the first goes in the out-of-line way, the second inline. */
	f->wrong = read_one(f->w, f->which) * 1 + read_one(f->w, f->which) * 2;
	return NULL;
}

static void
first_reads(void)
{
	struct world w;
	int which;

	world_make(&w);
	for (which = 0; which < NREADS; which++) {
		struct first f = { &w, which, -1 };
		pthread_t t;

		cr_assert_eq(pthread_create(&t, NULL, first_read, &f), 0);
		cr_assert_eq(pthread_join(t, NULL), 0);
		cr_expect_eq(f.wrong, 0, "read %d: first %s, second %s", which,
		    f.wrong & 1 ? "wrong" : "right",
		    f.wrong & 2 ? "wrong" : "right");
	}
	mult_space_destroy(w.sp);
}

static void
nested_reads(void)
{
	struct world w;
	int which;

	world_make(&w);
	cr_assert_eq(read_one(&w, 0), 0); /* libmult registers this thread */
	for (which = 0; which < NREADS; which++) {
		urcu_memb_read_lock();
		cr_expect_eq(read_one(&w, which), 0, "read %d", which);
		/* The read left the caller's section open... */
		cr_assert(urcu_memb_read_ongoing(), "read %d", which);
		urcu_memb_read_unlock();
		/* ...and, leaving it, the caller closed it. */
		cr_assert(!urcu_memb_read_ongoing(), "read %d", which);
	}
	urcu_memb_synchronize_rcu(); /* returns: no section is left open */
	mult_space_destroy(w.sp);
}

static void
waking_reads(void)
{
	struct world w;
	int which;

	world_make(&w);
	cr_assert_eq(read_one(&w, 0), 0);
	for (which = 0; which < NREADS; which++) {
		/*
		 * What synchronize_rcu() leaves before it sleeps on a reader
		 * (no one sleeps here: the wake-up finds no one).
		 */
		uatomic_set(&urcu_memb_gp.futex, -1);
		cr_expect_eq(read_one(&w, which), 0, "read %d", which);
		cr_expect_eq(uatomic_read(&urcu_memb_gp.futex), 0,
		    "read %d left the waiter asleep", which);
	}
	mult_space_destroy(w.sp);
}

static void *
own_thread(void *arg)
{
	const struct world *w = arg;
	intptr_t wrong = 0;
	int which;

	urcu_memb_register_thread();
	for (which = 0; which < NREADS; which++)
		wrong |= (intptr_t)read_one(w, which) << which;
	urcu_memb_read_lock();
	wrong |= (intptr_t)read_one(w, 0) << NREADS;
	urcu_memb_read_unlock();
	/* The application's to undo, and libmult must not undo it again. */
	urcu_memb_unregister_thread();
	return (void *)wrong;
}

static void
own_thread_reads(void)
{
	struct world w;
	pthread_t t;
	void *wrong = (void *)-1;

	world_make(&w);
	/* liburcu aborts on a second registration or unregistration. */
	cr_assert_eq(pthread_create(&t, NULL, own_thread, &w), 0);
	cr_assert_eq(pthread_join(t, &wrong), 0);
	cr_expect_eq((intptr_t)wrong, 0, "wrong reads: %#lx",
	    (unsigned long)(intptr_t)wrong);
	urcu_memb_synchronize_rcu(); /* the registry is whole */
	cr_expect_eq(read_one(&w, 0), 0);
	mult_space_destroy(w.sp);
}

/*
 * liburcu as it runs where the kernel has no sys_membarrier (before 4.14,
 * or forbidden by a seccomp filter): its readers fence. liburcu decides at
 * its initialisation; this test's process decides before libmult's first
 * registration, which reads the choice. Each test runs in a process of its
 * own, so the others keep the machine's.
 */
static void
without_membarrier(void)
{
	urcu_memb_has_sys_membarrier = 0;
}

/* Test name with liburcu as the machine runs it, and without it. */
#define READ_TEST(name, body)                                                 \
	Test(read, name)                                                      \
	{                                                                     \
		body();                                                       \
	}                                                                     \
	Test(read, name##_without_membarrier, .init = without_membarrier)     \
	{                                                                     \
		body();                                                       \
	}

READ_TEST(a_threads_first_read_answers_like_its_next, first_reads)
READ_TEST(nests_in_the_callers_own_section, nested_reads)
READ_TEST(wakes_a_grace_period_waiting_on_it, waking_reads)
READ_TEST(leaves_a_thread_the_application_registered_to_it, own_thread_reads)
