// SPDX-License-Identifier: ISC
/*
 * libmult kernel module: the self-test run at load, inside a real kernel
 * (kmalloc, mutexes, kernel RCU, kthreads).
 *
 * Every domain kind (range with a nested map, down and up; numbered with
 * pid 1 per instance and visibility; value; exclusive ownership), nested
 * and federated instances, limits, lookups inside an enclosing
 * rcu_read_lock (read sections nest), and instances destroyed while a
 * reader kthread looks them up: the reader must only ever see the right
 * answer or MULT_ESTALE. Every section ends with mult_verify.
 *
 * Prints exactly one line: "libmult-selftest: PASS n=<checks>" or
 * "libmult-selftest: FAIL reason=<...>".
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mult.h"
#include "mult/limit.h"

#include "mult_selftest.h"

struct st {
	unsigned int n;      /* checks passed */
	int failed;
	char reason[160];
};

static void
st_fail(struct st *st, int line, const char *what, long long got,
    long long want)
{
	if (st->failed)
		return;
	st->failed = 1;
	snprintf(st->reason, sizeof(st->reason), "line %d: %s: got %lld want %lld",
	    line, what, got, want);
}

/* A call must return exactly @want; on failure leave the section. */
#define T(want, call)                                                      \
	do {                                                               \
		int e_ = (call);                                           \
		if (e_ != (want)) {                                        \
			st_fail(st, __LINE__, #call, e_, (want));          \
			goto out;                                          \
		}                                                          \
		st->n++;                                                   \
	} while (0)

/* A condition must hold; on failure leave the section. */
#define C(cond)                                                            \
	do {                                                               \
		if (!(cond)) {                                             \
			st_fail(st, __LINE__, #cond, 0, 1);                \
			goto out;                                          \
		}                                                          \
		st->n++;                                                   \
	} while (0)

/* Every section ends here: the space must satisfy every invariant. */
static int
st_verify(struct st *st, struct mult_space *sp, int line)
{
	struct mult_violation v;
	int e = mult_verify(&v, sp);

	if (e != 0) {
		if (!st->failed) {
			st->failed = 1;
			snprintf(st->reason, sizeof(st->reason),
			    "line %d: verify: I%d %s", line, v.invariant, v.what);
		}
		return e;
	}
	st->n++;
	return 0;
}

#define VERIFY(sp) \
	do { if (st_verify(st, (sp), __LINE__) != 0) goto out; } while (0)

/* Range domain: uid maps, nested, translated down and up. */
static void
st_range(struct st *st)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    0xffffffffULL);
	struct mult_extent e1 = { 0, 100000, 65536 };
	struct mult_extent e2 = { 0, 10000, 10000 };
	struct mult_extent bad = { 0, 300000, 10 };
	struct mult_extent got[2];
	struct mult_space *sp = NULL;
	uint64_t c1, c2, c3, v, xs[3], ys[3];
	uint32_t uid, found;
	size_t n;

	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&uid, sp, "uid", &o));
	T(0, mult_domain_find(&found, sp, "uid"));
	C(found == uid);
	T(0, mult_instance_create(&c1, sp, MULT_HOST, "c1", 0));
	T(0, mult_instance_create(&c2, sp, c1, "c2", 0));
	T(0, mult_instance_create(&c3, sp, MULT_HOST, "c3", 0));
	T(0, mult_allot_grant(sp, c1, uid, 100000, 65536));
	T(MULT_EOVERLAP, mult_allot_grant(sp, c3, uid, 165000, 1000));
	T(0, mult_range_map(sp, c1, uid, &e1, 1));
	T(MULT_EEXIST, mult_range_map(sp, c1, uid, &e1, 1));
	T(0, mult_range_down(&v, sp, c1, uid, 0));
	C(v == 100000);
	T(0, mult_range_up(&v, sp, c1, uid, 100000 + 65535));
	C(v == 65535);
	T(MULT_ENOENT, mult_range_down(&v, sp, c1, uid, 65536));
	T(0, mult_range_up(&v, sp, MULT_HOST, uid, 123456));
	C(v == 123456);
	/* c2 inside c1: its lower ids are in c1's view. */
	T(0, mult_allot_grant(sp, c2, uid, 110000, 10000));
	T(MULT_ERANGE, mult_allot_grant(sp, c2, uid, 200000, 1));
	T(MULT_ERANGE, mult_range_map(sp, c2, uid, &bad, 1));
	T(0, mult_range_map(sp, c2, uid, &e2, 1));
	T(0, mult_range_down(&v, sp, c2, uid, 5));
	C(v == 110005);
	T(0, mult_range_up(&v, sp, c2, uid, 110005));
	C(v == 5);
	T(0, mult_range_up(&v, sp, c1, uid, 110005));
	C(v == 10005);
	T(MULT_ENOENT, mult_range_up(&v, sp, c2, uid, 100000));
	/* The batch forms: unmapped values get the overflow id. */
	xs[0] = 5;
	xs[1] = 10000;
	xs[2] = 9999;
	T(0, mult_range_down_many(ys, &n, sp, c2, uid, xs, 3, 65534));
	C(n == 2 && ys[0] == 110005 && ys[1] == 65534 && ys[2] == 119999);
	xs[0] = 110005;
	xs[1] = 100000;
	T(0, mult_range_up_many(ys, &n, sp, c2, uid, xs, 2, 65534));
	C(n == 1 && ys[0] == 5 && ys[1] == 65534);
	T(0, mult_range_get(got, 2, &n, sp, c2, uid));
	C(n == 1 && got[0].first == 0 && got[0].lower == 10000 &&
	    got[0].count == 10000);
	T(MULT_EBUSY, mult_allot_revoke(sp, c1, uid, 110000, 1));
	VERIFY(sp);
	/* Destroying the parent takes the child with it. */
	T(0, mult_instance_destroy(sp, c1));
	T(MULT_ESTALE, mult_range_down(&v, sp, c2, uid, 5));
	T(MULT_ENOENT, mult_range_down(&v, sp, 0x7777, uid, 5));
	T(0, mult_allot_grant(sp, c3, uid, 165000, 1000));
	VERIFY(sp);
out:
	mult_space_destroy(sp);
}

/* Numbered domain: pid 1 in every instance, visibility, nesting. */
static void
st_numbered(struct st *st)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 1,
	    4194304);
	struct mult_space *sp = NULL;
	uint64_t a, b, c, id, ha, hb, obj;
	uint64_t ids[4], objs[4];
	struct mult_num_ref *ref = NULL;
	size_t found;
	uint32_t pid;

	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&pid, sp, "pid", &o));
	T(0, mult_instance_create(&a, sp, MULT_HOST, "a", 0));
	T(0, mult_instance_create(&b, sp, MULT_HOST, "b", 0));
	T(0, mult_instance_create(&c, sp, a, "a.c", 0));
	T(0, mult_num_alloc(&id, sp, a, pid, 0xa1));
	C(id == 1);
	T(0, mult_num_alloc(&id, sp, b, pid, 0xb1));
	C(id == 1);
	T(MULT_EEXIST, mult_num_alloc(&id, sp, b, pid, 0xa1));
	T(0, mult_num_number(&ha, sp, MULT_HOST, pid, 0xa1));
	T(0, mult_num_number(&hb, sp, MULT_HOST, pid, 0xb1));
	C(ha != hb);
	T(0, mult_num_lookup(&obj, sp, MULT_HOST, pid, hb));
	C(obj == 0xb1);
	/* Siblings see nothing of each other; a child nothing of its parent. */
	T(MULT_ENOENT, mult_num_number(&id, sp, a, pid, 0xb1));
	T(MULT_ENOENT, mult_num_number(&id, sp, b, pid, 0xa1));
	T(0, mult_num_alloc(&id, sp, c, pid, 0xc1));
	C(id == 1);
	T(0, mult_num_number(&id, sp, a, pid, 0xc1));
	C(id == 2);
	T(MULT_ENOENT, mult_num_number(&id, sp, c, pid, 0xa1));
	T(0, mult_num_lookup(&obj, sp, a, pid, 2));
	C(obj == 0xc1);
	/* The batch form: a's pids 1 and 2, nothing at 3 or outside. */
	ids[0] = 2;
	ids[1] = 3;
	ids[2] = 1;
	ids[3] = 0;
	T(0, mult_num_lookup_many(objs, &found, sp, a, pid, ids, 4));
	C(found == 2 && objs[0] == 0xc1 && objs[1] == 0 && objs[2] == 0xa1 &&
	    objs[3] == 0);
	/* Lookups inside an enclosing read section: sections nest. */
	rcu_read_lock();
	id = 0;
	obj = 0;
	(void)mult_num_number(&id, sp, a, pid, 0xc1);
	(void)mult_num_lookup(&obj, sp, c, pid, 1);
	rcu_read_unlock();
	C(id == 2 && obj == 0xc1);
	/* A held reference, as a task holds its pid namespace. */
	T(0, mult_num_ref_get(&ref, sp, c, pid));
	T(0, mult_num_ref_lookup(&obj, ref, 1));
	C(obj == 0xc1);
	T(MULT_ENOENT, mult_num_free(sp, a, pid, 0xc1));
	T(0, mult_num_free(sp, c, pid, 0xc1));
	T(MULT_ENOENT, mult_num_lookup(&obj, sp, a, pid, 2));
	T(MULT_ENOENT, mult_num_ref_lookup(&obj, ref, 1));
	T(0, mult_instance_destroy(sp, c));
	T(MULT_ESTALE, mult_num_ref_lookup(&obj, ref, 1));
	mult_num_ref_put(ref);
	ref = NULL;
	T(MULT_EINVAL, mult_num_alloc(&id, sp, a, pid, 0));
	VERIFY(sp);
out:
	mult_num_ref_put(ref);
	mult_space_destroy(sp);
}

/* Value domain: per-instance bytes, inherited at creation. */
static void
st_value(struct st *st)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	struct mult_space *sp = NULL;
	char buf[32];
	uint64_t a;
	uint32_t uts;
	size_t len;

	o.flags = MULT_DOMAIN_INHERIT;
	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&uts, sp, "uts", &o));
	T(0, mult_value_set(sp, MULT_HOST, uts, "hostname", "host", 4));
	T(0, mult_instance_create(&a, sp, MULT_HOST, "a", 0));
	T(0, mult_value_get(buf, sizeof(buf), &len, sp, a, uts, "hostname"));
	C(len == 4 && memcmp(buf, "host", 4) == 0);
	T(0, mult_value_set(sp, a, uts, "hostname", "guest-a", 7));
	T(0, mult_value_get(buf, sizeof(buf), &len, sp, a, uts, "hostname"));
	C(len == 7 && memcmp(buf, "guest-a", 7) == 0);
	T(0, mult_value_get(buf, sizeof(buf), &len, sp, MULT_HOST, uts,
	    "hostname"));
	C(len == 4 && memcmp(buf, "host", 4) == 0);
	T(MULT_ERANGE, mult_value_get(buf, 3, &len, sp, a, uts, "hostname"));
	T(0, mult_value_unset(sp, a, uts, "hostname"));
	T(MULT_ENOENT, mult_value_get(buf, sizeof(buf), &len, sp, a, uts,
	    "hostname"));
	VERIFY(sp);
out:
	mult_space_destroy(sp);
}

/* Exclusive domain: owners, nesting, refusal of overlaps, destroy. */
static void
st_excl(struct st *st)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE, 0,
	    63);
	struct mult_interval iv[4];
	struct mult_space *sp = NULL;
	uint64_t a, b, a1, owner;
	uint32_t cpu;
	size_t n;

	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&cpu, sp, "cpu", &o));
	T(0, mult_instance_create(&a, sp, MULT_HOST, "a", 0));
	T(0, mult_instance_create(&b, sp, MULT_HOST, "b", 0));
	T(0, mult_instance_create(&a1, sp, a, "a1", 0));
	T(0, mult_allot_grant(sp, a, cpu, 0, 16));
	T(0, mult_allot_grant(sp, b, cpu, 16, 16));
	T(MULT_EOVERLAP, mult_allot_grant(sp, b, cpu, 15, 1));
	T(0, mult_excl_owner(&owner, sp, cpu, 20));
	C(owner == b);
	T(0, mult_excl_owner(&owner, sp, cpu, 40));
	C(owner == MULT_HOST);
	T(MULT_ERANGE, mult_excl_owner(&owner, sp, cpu, 64));
	T(0, mult_allot_grant(sp, a1, cpu, 4, 4));
	T(MULT_ERANGE, mult_allot_grant(sp, a1, cpu, 16, 1));
	T(0, mult_excl_owner(&owner, sp, cpu, 5));
	C(owner == a1);
	T(0, mult_excl_owner(&owner, sp, cpu, 3));
	C(owner == a);
	T(MULT_EBUSY, mult_allot_revoke(sp, a, cpu, 0, 8));
	T(0, mult_allot_revoke(sp, a, cpu, 12, 4));
	T(0, mult_allot_get(iv, 4, &n, sp, a, cpu));
	C(n == 1 && iv[0].first == 0 && iv[0].count == 12);
	VERIFY(sp);
	T(0, mult_instance_destroy(sp, a));
	T(0, mult_excl_owner(&owner, sp, cpu, 5));
	C(owner == MULT_HOST);
	T(MULT_ESTALE, mult_allot_get(iv, 4, &n, sp, a1, cpu));
	VERIFY(sp);
out:
	mult_space_destroy(sp);
}

/* Federated instances: equal partners under the host, no children. */
static void
st_federated(struct st *st)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 1,
	    32768);
	struct mult_instance_info info;
	struct mult_space *sp = NULL;
	uint64_t f1, f2, x, id, h1, h2;
	uint32_t pid;

	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&pid, sp, "pid", &o));
	T(0, mult_instance_create(&f1, sp, MULT_HOST, "f1",
	    MULT_INSTANCE_FEDERATED));
	T(0, mult_instance_create(&f2, sp, MULT_HOST, "f2",
	    MULT_INSTANCE_FEDERATED));
	T(MULT_EPERM, mult_instance_create(&x, sp, f1, "f1.x", 0));
	T(MULT_EPERM, mult_instance_create(&x, sp, f1, "f1.y",
	    MULT_INSTANCE_FEDERATED));
	T(MULT_EEXIST, mult_instance_create(&x, sp, MULT_HOST, "f1", 0));
	T(0, mult_instance_info(&info, sp, f2));
	C(info.parent == MULT_HOST && info.depth == 1 &&
	    (info.flags & MULT_INSTANCE_FEDERATED) != 0 &&
	    strcmp(info.name, "f2") == 0);
	T(0, mult_instance_find(&x, sp, "f2"));
	C(x == f2);
	T(0, mult_num_alloc(&id, sp, f1, pid, 0xf1));
	C(id == 1);
	T(0, mult_num_alloc(&id, sp, f2, pid, 0xf2));
	C(id == 1);
	T(0, mult_num_number(&h1, sp, MULT_HOST, pid, 0xf1));
	T(0, mult_num_number(&h2, sp, MULT_HOST, pid, 0xf2));
	C(h1 != h2);
	T(MULT_ENOENT, mult_num_number(&id, sp, f1, pid, 0xf2));
	T(MULT_ENOENT, mult_num_number(&id, sp, f2, pid, 0xf1));
	T(MULT_EPERM, mult_instance_destroy(sp, MULT_HOST));
	T(0, mult_instance_destroy(sp, f1));
	T(0, mult_num_lookup(&x, sp, f2, pid, 1));
	C(x == 0xf2);
	VERIFY(sp);
out:
	mult_space_destroy(sp);
}

/* Limits: hierarchical caps on numbered and exclusive domains. */
static void
st_limits(struct st *st)
{
	struct mult_domain_opts po = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 1,
	    4194304);
	struct mult_domain_opts mo = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, 1023);
	struct mult_space *sp = NULL;
	struct mult_usage u;
	uint64_t a, a1, id, i;
	uint32_t pid, mem;

	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&pid, sp, "pid", &po));
	T(0, mult_domain_create(&mem, sp, "mem", &mo));
	T(0, mult_instance_create(&a, sp, MULT_HOST, "a", 0));
	T(0, mult_instance_create(&a1, sp, a, "a1", 0));
	T(0, mult_limit_set(sp, a, pid, 3));
	T(0, mult_num_alloc(&id, sp, a, pid, 0x100));
	for (i = 1; i < 3; i++)
		T(0, mult_num_alloc(&id, sp, a1, pid, 0x100 + i));
	/* The child's allocation is charged to its parent too. */
	T(MULT_EQUOTA, mult_num_alloc(&id, sp, a1, pid, 0x200));
	T(MULT_EQUOTA, mult_num_alloc(&id, sp, a, pid, 0x201));
	T(0, mult_limit_get(&u, sp, a, pid));
	C(u.usage == 3 && u.limit == 3 && u.refusals == 2);
	T(MULT_EBUSY, mult_limit_set(sp, a, pid, 2));
	T(0, mult_num_free(sp, a1, pid, 0x101));
	T(0, mult_num_alloc(&id, sp, a, pid, 0x202));
	T(0, mult_limit_set(sp, a, mem, 64));
	T(0, mult_allot_grant(sp, a, mem, 0, 64));
	T(MULT_EQUOTA, mult_allot_grant(sp, a, mem, 64, 1));
	T(0, mult_limit_get(&u, sp, a, mem));
	C(u.usage == 64);
	VERIFY(sp);
out:
	mult_space_destroy(sp);
}

/*
 * Destroy under read: a reader kthread looks up a victim instance in a
 * loop while this thread destroys it, creates the next victim (often in the
 * same slot, a new generation) and destroys that, round after round. The
 * reader must only ever see the victim's own answers or MULT_ESTALE, and
 * once it has seen MULT_ESTALE for a victim, nothing else for it.
 */
struct st_reader {
	struct mult_space *sp;
	uint32_t pid, uid;
	uint64_t victim;              /* the instance to look up; READ_ONCE */
	uint64_t seen;                /* victim the counters below are for */
	struct completion started;
	unsigned long ok_now;         /* answered lookup rounds, this victim */
	unsigned long stale_now;      /* stale lookup rounds, this victim */
	unsigned long ok, stale;      /* over the whole run */
	unsigned long bad;            /* wrong answers: must stay 0 */
	int bad_code;
	uint64_t bad_victim;
};

#define ST_OBJ(victim, k) (((victim) << 8) | (k))

/*
 * Judge one lookup of victim @v: 1 if it gave the victim's own answer.
 * MULT_ESTALE is fine, and from then on it must stay stale. @code says
 * which lookup, for the failure report.
 */
static int
st_judge(struct st_reader *r, uint64_t v, int e, int right, int code,
    int *seen_stale)
{
	if (e == MULT_ESTALE) {
		*seen_stale = 1;
		return 0;
	}
	if (e == 0 && right && !*seen_stale)
		return 1;
	if (r->bad == 0) {
		/* e < 0: an error other than stale; else a wrong or late answer. */
		r->bad_code = e != 0 ? e : code;
		r->bad_victim = v;
	}
	WRITE_ONCE(r->bad, r->bad + 1);
	return 0;
}

static int
st_reader_fn(void *arg)
{
	struct st_reader *r = arg;
	struct mult_instance_info info;
	uint64_t last = 0, v, x;
	int seen_stale = 0, e, ok;

	complete(&r->started);
	while (!kthread_should_stop()) {
		v = READ_ONCE(r->victim);
		if (v != last) {
			last = v;
			seen_stale = 0;
			WRITE_ONCE(r->ok_now, 0);
			WRITE_ONCE(r->stale_now, 0);
			smp_store_release(&r->seen, v);
		}
		if (v == 0) {
			cond_resched();
			continue;
		}
		/* Four lookups; each answer must be right or stale. */
		e = mult_num_lookup(&x, r->sp, v, r->pid, 1);
		ok = st_judge(r, v, e, e == 0 && x == ST_OBJ(v, 1), 1001, &seen_stale);
		e = mult_num_number(&x, r->sp, v, r->pid, ST_OBJ(v, 2));
		ok += st_judge(r, v, e, e == 0 && x == 2, 1002, &seen_stale);
		e = mult_range_down(&x, r->sp, v, r->uid, 7);
		ok += st_judge(r, v, e, e == 0 && x == 200007, 1003, &seen_stale);
		e = mult_instance_info(&info, r->sp, v);
		ok += st_judge(r, v, e, e == 0 && info.id == v, 1004, &seen_stale);
		if (ok == 4) {
			r->ok++;
			WRITE_ONCE(r->ok_now, r->ok_now + 1);
		} else if (seen_stale) {
			r->stale++;
			WRITE_ONCE(r->stale_now, r->stale_now + 1);
		}
		cond_resched();
	}
	return 0;
}

/*
 * Wait (up to 10 s) until *p reaches at least @want; give up at once if
 * the reader has seen a wrong answer.
 */
static int
st_wait(struct st_reader *r, unsigned long *p, unsigned long want)
{
	unsigned long until = jiffies + 10 * HZ;

	while (READ_ONCE(*p) < want) {
		if (READ_ONCE(r->bad) != 0 || time_after(jiffies, until))
			return -1;
		usleep_range(100, 200);
	}
	return 0;
}

/* Wait (up to 10 s) until the reader has started on victim @v. */
static int
st_wait_seen(struct st_reader *r, uint64_t v)
{
	unsigned long until = jiffies + 10 * HZ;

	while (smp_load_acquire(&r->seen) != v) {
		if (time_after(jiffies, until))
			return -1;
		usleep_range(100, 200);
	}
	return 0;
}

#define ST_ROUNDS 16

static void
st_destroy_under_read(struct st *st)
{
	struct mult_domain_opts po = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 1,
	    4194304);
	struct mult_domain_opts uo = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    0xffffffffULL);
	struct mult_extent ext = { 0, 200000, 1000 };
	struct mult_instance_info info;
	struct task_struct *task = NULL;
	struct st_reader *r;
	struct mult_space *sp = NULL;
	uint64_t v, id;
	int round;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	C(r != NULL);
	init_completion(&r->started);
	T(0, mult_space_create(&sp, NULL));
	T(0, mult_domain_create(&r->pid, sp, "pid", &po));
	T(0, mult_domain_create(&r->uid, sp, "uid", &uo));
	r->sp = sp;
	task = kthread_run(st_reader_fn, r, "mult_reader");
	if (IS_ERR(task)) {
		task = NULL;
		C(0 /* kthread_run failed */);
	}
	wait_for_completion(&r->started);
	for (round = 0; round < ST_ROUNDS; round++) {
		T(0, mult_instance_create(&v, sp, MULT_HOST, "victim", 0));
		T(0, mult_num_alloc(&id, sp, v, r->pid, ST_OBJ(v, 1)));
		C(id == 1);
		T(0, mult_num_alloc(&id, sp, v, r->pid, ST_OBJ(v, 2)));
		C(id == 2);
		T(0, mult_allot_grant(sp, v, r->uid, 200000, 1000));
		T(0, mult_range_map(sp, v, r->uid, &ext, 1));
		WRITE_ONCE(r->victim, v);
		C(st_wait_seen(r, v) == 0);
		/* The reader must have found it alive a few times... */
		C(st_wait(r, &r->ok_now, 20) == 0);
		T(0, mult_instance_destroy(sp, v));
		/* ...and must now find it stale. */
		C(st_wait(r, &r->stale_now, 20) == 0);
		T(MULT_ESTALE, mult_instance_info(&info, sp, v));
	}
	WRITE_ONCE(r->victim, 0);
	kthread_stop(task);
	task = NULL;
	C(r->bad == 0);
	C(r->ok >= ST_ROUNDS * 20 && r->stale >= ST_ROUNDS * 20);
out:
	if (task != NULL) {
		WRITE_ONCE(r->victim, 0);
		kthread_stop(task);
	}
	/* A wrong answer explains any failure here better than a timeout. */
	if (r != NULL && r->bad != 0) {
		st->failed = 1;
		snprintf(st->reason, sizeof(st->reason),
		    "reader: %lu wrong answers, first %d for instance %llu",
		    r->bad, r->bad_code, (unsigned long long)r->bad_victim);
	}
	mult_space_destroy(sp);
	kfree(r);
}

/* The sections, in the order they run; the first failure ends the run. */
static void (*const st_sections[])(struct st *) = {
	st_range, st_numbered, st_value, st_excl, st_federated, st_limits,
	st_destroy_under_read,
};

int
mult_selftest_run(const char *inject)
{
	struct st st = { 0, 0, "" };
	size_t i;

	if (inject == NULL)
		inject = "";
	if (strcmp(inject, "panic") == 0)
		panic("libmult-selftest: injected panic\n");
	for (i = 0; i < ARRAY_SIZE(st_sections) && !st.failed; i++)
		st_sections[i](&st);
	if (!st.failed && strcmp(inject, "fail") == 0) {
		st.failed = 1;
		strscpy(st.reason, "injected", sizeof(st.reason));
	} else if (!st.failed && inject[0] != '\0' &&
	    strcmp(inject, "silent") != 0) {
		st.failed = 1;
		snprintf(st.reason, sizeof(st.reason), "unknown inject=%s",
		    inject);
	}
	if (strcmp(inject, "silent") == 0)
		return st.failed ? -1 : 0;
	if (st.failed)
		pr_info("libmult-selftest: FAIL reason=%s\n", st.reason);
	else
		pr_info("libmult-selftest: PASS n=%u\n", st.n);
	return st.failed ? -1 : 0;
}
