/*
 * Hard limits and reservations (I7): limits per instance and domain,
 * charged hierarchically, reservations nobody else can take.
 *
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>

#include <mult.h>

static struct mult_space *sp;
static uint32_t pid, uts, cpu, uid;

static void
ok(int err)
{
	cr_assert_eq(err, 0, "call failed: %s", mult_strerror(err));
}

static void
setup(void)
{
	struct mult_domain_opts p = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED,
	    1, 1000);
	struct mult_domain_opts u = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	struct mult_domain_opts c = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, 63);
	struct mult_domain_opts r = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    65535);

	ok(mult_space_create(&sp, NULL));
	ok(mult_domain_create(&pid, sp, "pid", &p));
	ok(mult_domain_create(&uts, sp, "uts", &u));
	ok(mult_domain_create(&cpu, sp, "cpu", &c));
	ok(mult_domain_create(&uid, sp, "uid", &r));
}

static void
teardown(void)
{
	cr_assert_eq(mult_verify(NULL, sp), 0);
	mult_space_destroy(sp);
}

static struct mult_usage
usage(uint64_t inst, uint32_t dom)
{
	struct mult_usage u;

	ok(mult_limit_get(&u, sp, inst, dom));
	return u;
}

static uint64_t
child(uint64_t parent, uint32_t flags)
{
	uint64_t id;

	ok(mult_instance_create(&id, sp, parent, NULL, flags));
	return id;
}

TestSuite(limit, .init = setup, .fini = teardown);

Test(limit, defaults)
{
	uint64_t a = child(MULT_HOST, 0);
	struct mult_usage u = usage(a, pid);

	cr_assert_eq(u.usage, 0);
	cr_assert_eq(u.peak, 0);
	cr_assert_eq(u.limit, MULT_UNLIMITED);
	cr_assert_eq(u.reserve, 0);
	cr_assert_eq(u.refusals, 0);
	cr_assert_eq(u.refused_by, 0);
	/* The host holds its whole co-domain in an allotment domain. */
	u = usage(MULT_HOST, cpu);
	cr_assert_eq(u.usage, 64);
}

Test(limit, numbered_limit_counts_objects_and_refuses)
{
	uint64_t a = child(MULT_HOST, 0), id, obj;
	struct mult_usage u;

	ok(mult_limit_set(sp, a, pid, 3));
	for (obj = 1; obj <= 3; obj++)
		ok(mult_num_alloc(&id, sp, a, pid, obj));
	cr_assert_eq(mult_num_alloc(&id, sp, a, pid, 4), MULT_EQUOTA);
	u = usage(a, pid);
	cr_assert_eq(u.usage, 3);
	cr_assert_eq(u.peak, 3);
	cr_assert_eq(u.refusals, 1);
	cr_assert_eq(u.refused_by, a);
	/* Nothing charged anywhere by the refusal. */
	cr_assert_eq(usage(MULT_HOST, pid).usage, 3);
	cr_assert_eq(mult_num_number(&id, sp, MULT_HOST, pid, 4), MULT_ENOENT);
	/* Freeing makes room again; the peak stays. */
	ok(mult_num_free(sp, a, pid, 2));
	ok(mult_num_alloc(&id, sp, a, pid, 4));
	u = usage(a, pid);
	cr_assert_eq(u.usage, 3);
	cr_assert_eq(u.peak, 3);
}

Test(limit, hierarchical_charge_names_the_refusing_level)
{
	uint64_t a = child(MULT_HOST, 0), b = child(a, 0), id;

	ok(mult_limit_set(sp, a, pid, 2));
	ok(mult_num_alloc(&id, sp, b, pid, 1));
	ok(mult_num_alloc(&id, sp, b, pid, 2));
	cr_assert_eq(mult_num_alloc(&id, sp, b, pid, 3), MULT_EQUOTA);
	/* The ancestor's limit refused: counted there, named in b. */
	cr_assert_eq(usage(a, pid).refusals, 1);
	cr_assert_eq(usage(b, pid).refusals, 0);
	cr_assert_eq(usage(b, pid).refused_by, a);
	cr_assert_eq(usage(a, pid).usage, 2);
	cr_assert_eq(usage(MULT_HOST, pid).usage, 2);
}

Test(limit, lowering_below_usage_is_refused)
{
	uint64_t a = child(MULT_HOST, 0), id;

	ok(mult_num_alloc(&id, sp, a, pid, 1));
	ok(mult_num_alloc(&id, sp, a, pid, 2));
	cr_assert_eq(mult_limit_set(sp, a, pid, 1), MULT_EBUSY);
	cr_assert_eq(usage(a, pid).limit, MULT_UNLIMITED);
	ok(mult_limit_set(sp, a, pid, 2));
	cr_assert_eq(usage(a, pid).limit, 2);
	ok(mult_limit_set(sp, a, pid, MULT_UNLIMITED));
}

Test(limit, reservation_is_held_against_the_parent)
{
	uint64_t p = child(MULT_HOST, 0), a = child(p, 0), b = child(p, 0), id,
	    obj;

	ok(mult_limit_set(sp, p, pid, 10));
	ok(mult_limit_reserve(sp, b, pid, 4));
	/* a can take only what b's reservation leaves. */
	for (obj = 1; obj <= 6; obj++)
		ok(mult_num_alloc(&id, sp, a, pid, obj));
	cr_assert_eq(mult_num_alloc(&id, sp, a, pid, 100), MULT_EQUOTA);
	cr_assert_eq(usage(a, pid).refused_by, p);
	/* b still gets all of its reservation. */
	for (obj = 7; obj <= 10; obj++)
		ok(mult_num_alloc(&id, sp, b, pid, obj));
	cr_assert_eq(mult_num_alloc(&id, sp, b, pid, 101), MULT_EQUOTA);
	/* A reservation the parent can't back is refused. */
	cr_assert_eq(mult_limit_reserve(sp, a, pid, 7), MULT_EQUOTA);
	cr_assert_eq(usage(a, pid).reserve, 0);
	/* Lowering p's limit below what is held is refused. */
	cr_assert_eq(mult_limit_set(sp, p, pid, 9), MULT_EBUSY);
	cr_assert_eq(mult_limit_reserve(sp, MULT_HOST, pid, 1), MULT_EPERM);
}

Test(limit, reservation_of_a_grandchild_counts_at_the_top)
{
	uint64_t p = child(MULT_HOST, 0), a = child(p, 0), g = child(a, 0),
	    b = child(p, 0), id, obj;

	ok(mult_limit_set(sp, p, pid, 5));
	ok(mult_limit_reserve(sp, g, pid, 3));
	for (obj = 1; obj <= 2; obj++)
		ok(mult_num_alloc(&id, sp, b, pid, obj));
	cr_assert_eq(mult_num_alloc(&id, sp, b, pid, 3), MULT_EQUOTA);
	for (obj = 3; obj <= 5; obj++)
		ok(mult_num_alloc(&id, sp, g, pid, obj));
}

Test(limit, destroy_releases_charges_and_reservations)
{
	uint64_t p = child(MULT_HOST, 0), a = child(p, 0), b = child(p, 0), id,
	    obj;

	ok(mult_limit_set(sp, p, pid, 4));
	ok(mult_limit_reserve(sp, a, pid, 2));
	ok(mult_num_alloc(&id, sp, a, pid, 1));
	ok(mult_num_alloc(&id, sp, b, pid, 2));
	ok(mult_num_alloc(&id, sp, b, pid, 3));
	cr_assert_eq(mult_num_alloc(&id, sp, b, pid, 4), MULT_EQUOTA);
	ok(mult_instance_destroy(sp, a));
	cr_assert_eq(usage(p, pid).usage, 2);
	for (obj = 4; obj <= 5; obj++)
		ok(mult_num_alloc(&id, sp, b, pid, obj));
	cr_assert_eq(usage(MULT_HOST, pid).usage, 4);
}

Test(limit, value_bytes)
{
	uint64_t a = child(MULT_HOST, 0);

	ok(mult_limit_set(sp, a, uts, 10));
	ok(mult_value_set(sp, a, uts, "hostname", "abcdefgh", 8));
	cr_assert_eq(mult_value_set(sp, a, uts, "domain", "xyz", 3), MULT_EQUOTA);
	/* Replacing a value charges only the difference. */
	ok(mult_value_set(sp, a, uts, "hostname", "abcdefghij", 10));
	ok(mult_value_set(sp, a, uts, "hostname", "ab", 2));
	ok(mult_value_set(sp, a, uts, "domain", "xyz", 3));
	cr_assert_eq(usage(a, uts).usage, 5);
	cr_assert_eq(usage(a, uts).peak, 10);
	cr_assert_eq(usage(MULT_HOST, uts).usage, 5);
	ok(mult_value_unset(sp, a, uts, "domain"));
	cr_assert_eq(usage(MULT_HOST, uts).usage, 2);
}

Test(limit, inherited_values_are_charged)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	uint32_t inh;
	uint64_t p = child(MULT_HOST, 0), c;

	o.flags = MULT_DOMAIN_INHERIT;
	ok(mult_domain_create(&inh, sp, "inh", &o));
	ok(mult_value_set(sp, p, inh, "k", "12345", 5));
	ok(mult_limit_set(sp, p, inh, 9));
	/* A child would copy 5 more bytes: over p's limit of 9. */
	cr_assert_eq(mult_instance_create(&c, sp, p, "c", 0), MULT_EQUOTA);
	cr_assert_eq(mult_instance_find(&c, sp, "c"), MULT_ENOENT);
	ok(mult_limit_set(sp, p, inh, 10));
	ok(mult_instance_create(&c, sp, p, "c", 0));
	cr_assert_eq(usage(c, inh).usage, 5);
	cr_assert_eq(usage(p, inh).usage, 10);
}

Test(limit, exclusive_units_and_reservations)
{
	uint64_t a = child(MULT_HOST, MULT_INSTANCE_FEDERATED),
	    b = child(MULT_HOST, MULT_INSTANCE_FEDERATED);

	ok(mult_limit_set(sp, a, cpu, 8));
	ok(mult_allot_grant(sp, a, cpu, 0, 8));
	cr_assert_eq(mult_allot_grant(sp, a, cpu, 8, 1), MULT_EQUOTA);
	cr_assert_eq(usage(a, cpu).usage, 8);
	/* b reserves 50 of the 56 CPUs left: a can't pass 6 more. */
	ok(mult_limit_set(sp, a, cpu, MULT_UNLIMITED));
	ok(mult_limit_reserve(sp, b, cpu, 50));
	ok(mult_allot_grant(sp, a, cpu, 8, 6));
	cr_assert_eq(mult_allot_grant(sp, a, cpu, 14, 1), MULT_EQUOTA);
	cr_assert_eq(usage(a, cpu).refused_by, MULT_HOST);
	ok(mult_allot_grant(sp, b, cpu, 14, 50));
	cr_assert_eq(mult_limit_set(sp, b, cpu, 49), MULT_EBUSY);
	cr_assert_eq(mult_limit_set(sp, MULT_HOST, cpu, 10), MULT_EPERM);
}

Test(limit, revoke_keeps_childrens_reservations_backed)
{
	uint64_t a = child(MULT_HOST, 0), c = child(a, 0);

	ok(mult_allot_grant(sp, a, uid, 1000, 100));
	ok(mult_limit_reserve(sp, c, uid, 60));
	cr_assert_eq(mult_limit_reserve(sp, c, uid, 101), MULT_EQUOTA);
	cr_assert_eq(mult_allot_revoke(sp, a, uid, 1000, 50), MULT_EBUSY);
	ok(mult_allot_revoke(sp, a, uid, 1000, 40));
	cr_assert_eq(usage(a, uid).usage, 60);
}

/*
 * A nested child exhausts its own limit without touching its parent's
 * other children.
 */
Test(limit, nested_child_exhausts_only_itself)
{
	uint64_t p = child(MULT_HOST, 0), bomb = child(p, 0), calm = child(p, 0),
	    id, obj = 1;
	int err;

	ok(mult_limit_set(sp, bomb, pid, 20));
	while ((err = mult_num_alloc(&id, sp, bomb, pid, obj)) == 0)
		obj++;
	cr_assert_eq(err, MULT_EQUOTA);
	cr_assert_eq(usage(bomb, pid).usage, 20);
	cr_assert_eq(usage(bomb, pid).refused_by, bomb);
	cr_assert_eq(usage(p, pid).refusals, 0);
	for (int i = 0; i < 100; i++)
		ok(mult_num_alloc(&id, sp, calm, pid, 10000 + i));
	cr_assert_eq(usage(calm, pid).refusals, 0);
}

/* ---- the fork bomb, concurrently --------------------------------------- */

struct bomber {
	uint64_t inst;
	uint64_t base;
	int ok, quota, nospc, other;
	int peer;       /* the peer: holds back its last pid, see below */
};

static int bombers_done;

static void *
bomb(void *arg)
{
	struct bomber *b = arg;
	uint64_t id, i;

	for (i = 0; i < 2000; i++) {
		int err;

		/*
		 * The peer takes its last reserved pid only once the bombers
		 * are done, so a reservation is outstanding for as long as
		 * they run and what refuses them is the quota (EQUOTA), never
		 * a full domain: otherwise a fast peer made that a race.
		 */
		if (b->peer && i == 299)
			while (__atomic_load_n(&bombers_done, __ATOMIC_ACQUIRE) <
			    4)
				sched_yield();
		err = mult_num_alloc(&id, sp, b->inst, pid, b->base + i);
		if (err == 0)
			b->ok++;
		else if (err == MULT_EQUOTA)
			b->quota++;
		else if (err == MULT_ENOSPC)
			b->nospc++;
		else
			b->other++;
	}
	if (!b->peer)
		__atomic_fetch_add(&bombers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A fork bomb in one federated instance, from four threads, hits its limit
 * while a peer allocating concurrently still gets its whole reservation,
 * though the domain has room for only 1000 pids in all. The bomb is
 * refused with EQUOTA while the peer's reservation holds the rest.
 */
Test(limit, fork_bomb_leaves_the_peer_its_reservation)
{
	uint64_t evil = child(MULT_HOST, MULT_INSTANCE_FEDERATED),
	    good = child(MULT_HOST, MULT_INSTANCE_FEDERATED);
	struct bomber b[5];
	pthread_t t[5];
	int i, evil_ok = 0, evil_quota = 0;

	ok(mult_limit_reserve(sp, good, pid, 300));
	ok(mult_limit_set(sp, good, pid, 300));
	bombers_done = 0;
	for (i = 0; i < 5; i++) {
		b[i] = (struct bomber){ i < 4 ? evil : good,
		    (uint64_t)(i + 1) << 32, 0, 0, 0, 0, i == 4 };
		cr_assert_eq(pthread_create(&t[i], NULL, bomb, &b[i]), 0);
	}
	for (i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++) {
		evil_ok += b[i].ok;
		evil_quota += b[i].quota;
		cr_assert_eq(b[i].other, 0);
		cr_assert_eq(b[i].ok + b[i].quota + b[i].nospc, 2000);
	}
	/* The bomb got everything but the peer's reservation... */
	cr_assert_eq(evil_ok, 700);
	cr_assert_eq(usage(evil, pid).usage, 700);
	/* ...and the peer got all it was promised, then hit its own cap. */
	cr_assert_eq(b[4].ok, 300);
	cr_assert_eq(b[4].quota, 2000 - 300);
	cr_assert_eq(usage(good, pid).usage, 300);
	cr_assert_eq(usage(MULT_HOST, pid).refusals, (uint64_t)evil_quota);
	cr_assert_eq(usage(good, pid).refusals, 2000 - 300);
	cr_assert_eq(evil_quota, 4 * 2000 - 700);
}
