/*
 * Concurrency validator for the lock-free read path.
 *
 * Writers churn a pool of instances: destroy one, create its successor,
 * grant and map its uid range, allocate and free its pids, rewrite its
 * hostname, assign and revoke its CPUs. Everything a writer publishes is
 * derived from the instance's slot and generation, so a reader can tell a
 * right answer from a torn value, a half-written map or another instance's
 * resource. Readers hammer every read function, with live ids and with ids
 * they saw earlier (now often stale), and through references they hold to
 * those (mult_num_ref_get()), and fail on any wrong answer.
 *
 * A plain program (no Criterion, which can't run under ThreadSanitizer):
 *   validate [-r READERS] [-w WRITERS] [-t SECONDS] [-s SEED]
 * Without -r it runs 1 reader and 1 writer, 2 readers and 1 writer, then
 * 4 readers and 2 writers, each on a fresh space. It prints
 * "N passed, N failed" and exits non-zero on any failure.
 *
 * SPDX-License-Identifier: ISC
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mult.h>

#define POOL 32          /* instances alive at once */
#define SPAN 1000        /* uids per instance slot */
#define CPUS 8           /* cpus per instance slot */
#define SLOTS 4096       /* slots the domains have room for */
#define PIDS 64          /* pids an instance holds at most */

static struct mult_space *sp;
static uint32_t uid, pid, uts, cpu;
static _Atomic uint64_t pool[POOL];
static atomic_int stop;
static atomic_ulong reads_ok, failures;

static uint64_t slot_of(uint64_t id) { return id & 0xffffffffu; }
static uint64_t gen_of(uint64_t id) { return id >> 32; }

/*
 * An instance's map, three extents in permuted order:
 * identities [0,300) -> slot*SPAN + [700,1000), [300,700) -> + [0,400),
 * [700,1000) -> + [400,700).
 */
static const struct mult_extent map_shape[3] = {
	{ 0, 700, 300 }, { 300, 0, 400 }, { 700, 400, 300 },
};

static uint64_t
expect_res(uint64_t id, uint64_t x)
{
	int i;

	for (i = 0; i < 3; i++)
		if (x >= map_shape[i].first &&
		    x < map_shape[i].first + map_shape[i].count)
			return slot_of(id) * SPAN + map_shape[i].lower +
			    (x - map_shape[i].first);
	return UINT64_MAX;
}

/* A pid object names its instance: slot, generation, serial. */
static uint64_t
obj_of(uint64_t id, uint64_t serial)
{
	return (slot_of(id) << 32) | ((gen_of(id) & 0xff) << 24) |
	    ((serial & 0x7fffff) << 1) | 1;
}

static int
obj_is_of(uint64_t obj, uint64_t id)
{
	return (obj >> 32) == slot_of(id) &&
	    ((obj >> 24) & 0xff) == (gen_of(id) & 0xff);
}

/* A hostname: 4 bytes of version, then bytes derived from id and version. */
static size_t
value_of(uint64_t id, uint32_t version, unsigned char *buf)
{
	size_t len = 8 + version % 40, i;

	memcpy(buf, &version, 4);
	for (i = 4; i < len; i++)
		buf[i] = (unsigned char)(id * 31 + version * 7 + i);
	return len;
}

static int
value_ok(uint64_t id, const unsigned char *buf, size_t len)
{
	unsigned char want[64];
	uint32_t version;

	if (len < 8)
		return 0;
	memcpy(&version, buf, 4);
	return value_of(id, version, want) == len && memcmp(buf, want, len) == 0;
}

static void
fail(const char *what, uint64_t id, uint64_t a, uint64_t b)
{
	atomic_fetch_add(&failures, 1);
	fprintf(stderr, "FAIL %s: inst %#llx a=%llu b=%llu\n", what,
	    (unsigned long long)id, (unsigned long long)a, (unsigned long long)b);
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- writers ------------------------------------------------------------ */

static void
must(int err, const char *what)
{
	if (err != 0)
		fail(what, 0, (uint64_t)-err, 0);
}

/* Build a new instance fully: grant, map, pids, hostname, cpus. */
static uint64_t
populate(uint64_t serial)
{
	struct mult_extent map[3];
	unsigned char v[64];
	uint64_t id, x;
	char name[32];
	int i;

	snprintf(name, sizeof(name), "w%llx", (unsigned long long)serial);
	if (mult_instance_create(&id, sp, MULT_HOST, name,
	    MULT_INSTANCE_FEDERATED) != 0) {
		fail("create", 0, serial, 0);
		return MULT_HOST;
	}
	if (slot_of(id) >= SLOTS) {
		fail("slot beyond the test's domains", id, slot_of(id), 0);
		return id;
	}
	must(mult_allot_grant(sp, id, uid, slot_of(id) * SPAN, SPAN), "grant");
	/* Lower ids are in the parent's view: the host's is the resource. */
	for (i = 0; i < 3; i++) {
		map[i] = map_shape[i];
		map[i].lower += slot_of(id) * SPAN;
	}
	must(mult_range_map(sp, id, uid, map, 3), "map");
	for (i = 0; i < 8; i++)
		must(mult_num_alloc(&x, sp, id, pid, obj_of(id, i)), "alloc");
	must(mult_value_set(sp, id, uts, "hostname", v, value_of(id, 0, v)),
	    "set");
	must(mult_allot_grant(sp, id, cpu, slot_of(id) * CPUS, CPUS / 2),
	    "cpus");
	return id;
}

struct writer {
	int idx;
	uint64_t seed;
	unsigned long ops;
};

static void *
writer(void *arg)
{
	struct writer *w = arg;
	uint64_t serial = (uint64_t)(w->idx + 1) << 40; /* setup used 0.. */
	uint32_t version = 1;

	while (!atomic_load(&stop)) {
		unsigned p = (unsigned)(rnd(&w->seed) % POOL);
		uint64_t id = atomic_load(&pool[p]), x;
		unsigned char v[64];
		int err;

		switch (rnd(&w->seed) % 6) {
		case 0: /* replace the instance: destroy under readers */
			err = mult_instance_destroy(sp, id);
			if (err != 0 && err != MULT_ESTALE)
				fail("destroy", id, (uint64_t)-err, 0);
			if (err == 0)
				atomic_store(&pool[p], populate(++serial));
			break;
		case 1: /* a pid more */
			err = mult_num_alloc(&x, sp, id, pid,
			    obj_of(id, 8 + rnd(&w->seed) % PIDS));
			if (err != 0 && err != MULT_ESTALE && err != MULT_EEXIST)
				fail("alloc", id, (uint64_t)-err, 0);
			break;
		case 2: /* a pid less */
			err = mult_num_free(sp, id, pid,
			    obj_of(id, 8 + rnd(&w->seed) % PIDS));
			if (err != 0 && err != MULT_ESTALE && err != MULT_ENOENT)
				fail("free", id, (uint64_t)-err, 0);
			break;
		case 3: /* a new hostname */
			err = mult_value_set(sp, id, uts, "hostname", v,
			    value_of(id, version++, v));
			if (err != 0 && err != MULT_ESTALE)
				fail("set", id, (uint64_t)-err, 0);
			break;
		case 4: /* the other half of its cpus, back and forth */
			err = mult_allot_grant(sp, id, cpu,
			    slot_of(id) * CPUS + CPUS / 2, CPUS / 2);
			if (err == MULT_EOVERLAP) {
				err = mult_allot_revoke(sp, id, cpu,
				    slot_of(id) * CPUS + CPUS / 2, CPUS / 2);
				/* Another writer may have revoked it first. */
				if (err == MULT_ERANGE)
					err = 0;
			}
			if (err != 0 && err != MULT_ESTALE)
				fail("cpus", id, (uint64_t)-err, 0);
			break;
		default: /* a value that comes and goes */
			err = rnd(&w->seed) & 1 ?
			    mult_value_set(sp, id, uts, "motd", "hi", 2) :
			    mult_value_unset(sp, id, uts, "motd");
			if (err != 0 && err != MULT_ESTALE && err != MULT_ENOENT)
				fail("motd", id, (uint64_t)-err, 0);
			break;
		}
		w->ops++;
	}
	return NULL;
}

/* ---- readers ------------------------------------------------------------ */

struct reader {
	uint64_t seed;
	uint64_t old[16];   /* ids seen before: many will be stale */
	struct mult_num_ref *ref[16]; /* to old[k]'s pids, or NULL */
	int dead[16];       /* old[k] was seen destroyed */
	unsigned long n;
};

/* err must be 0 or one of the answers a vanishing instance may give. */
static int
soft(int err, uint64_t id, const char *what)
{
	if (err == 0)
		return 1;
	if (err != MULT_ESTALE && err != MULT_ENOENT)
		fail(what, id, (uint64_t)-err, 0);
	return 0;
}

static void
read_one(struct reader *r, uint64_t id)
{
	struct mult_instance_info info;
	unsigned char buf[64];
	uint64_t x, res, obj, back, other;
	size_t len;

	/* Instance lookup: the id is the instance's own, never another's. */
	if (soft(mult_instance_info(&info, sp, id), id, "info")) {
		if (info.id != id || info.parent != MULT_HOST)
			fail("info names another instance", id, info.id,
			    info.parent);
		/*
		 * By name (names are never reused here): this instance, or
		 * none once it has gone, while the name hash churns,
		 * rekeys its tombstones and is rebuilt.
		 */
		else if (soft(mult_instance_find(&other, sp, info.name), id,
		    "find") && other != id)
			fail("a name finds another instance", id, other, 0);
	}

	/* Range: down gives exactly this instance's resource; up inverts. */
	x = rnd(&r->seed) % (SPAN + 10);
	if (soft(mult_range_down(&res, sp, id, uid, x), id, "down")) {
		if (res != expect_res(id, x))
			fail("down: wrong resource", id, x, res);
		if (soft(mult_range_up(&back, sp, id, uid, res), id, "up") &&
		    back != x)
			fail("up does not invert down", id, res, back);
	}
	/* The batch forms: each translated value exactly as above. */
	{
		uint64_t xs[8], ys[8], zs[8];
		size_t k, found;

		for (k = 0; k < 8; k++)
			xs[k] = rnd(&r->seed) % (SPAN + 10);
		if (soft(mult_range_down_many(ys, &found, sp, id, uid, xs, 8,
		    UINT64_MAX), id, "down_many")) {
			for (k = 0; k < 8; k++)
				if (ys[k] != UINT64_MAX &&
				    ys[k] != expect_res(id, xs[k]))
					fail("down_many: wrong resource", id,
					    xs[k], ys[k]);
			if (soft(mult_range_up_many(zs, NULL, sp, id, uid, ys,
			    8, UINT64_MAX), id, "up_many"))
				for (k = 0; k < 8; k++)
					if (ys[k] != UINT64_MAX &&
					    zs[k] != xs[k])
						fail("up_many does not invert "
						    "down_many", id, ys[k],
						    zs[k]);
		}
	}
	/* Another slot's resource is never visible here. */
	other = ((slot_of(id) + 1 + rnd(&r->seed) % 7) % SLOTS) * SPAN +
	    rnd(&r->seed) % SPAN;
	if (mult_range_up(&back, sp, id, uid, other) == 0)
		fail("up: another instance's uid visible", id, other, back);

	/* Numbered: a pid names one of this instance's objects. */
	x = 1 + rnd(&r->seed) % (PIDS + 8);
	if (soft(mult_num_lookup(&obj, sp, id, pid, x), id, "lookup")) {
		if (!obj_is_of(obj, id))
			fail("lookup: another instance's object", id, x, obj);
		else if (soft(mult_num_number(&back, sp, id, pid, obj), id,
		    "number") && back != x)
			fail("number does not invert lookup", id, x, back);
	}

	/* The batch form: every object found is this instance's. */
	{
		uint64_t ids[8], objs[8];
		size_t k, found, hits = 0;

		for (k = 0; k < 8; k++)
			ids[k] = 1 + rnd(&r->seed) % (PIDS + 8);
		if (soft(mult_num_lookup_many(objs, &found, sp, id, pid, ids,
		    8), id, "lookup_many")) {
			for (k = 0; k < 8; k++) {
				if (objs[k] != 0 && !obj_is_of(objs[k], id))
					fail("lookup_many: another instance's "
					    "object", id, ids[k], objs[k]);
				hits += objs[k] != 0;
			}
			if (hits != found)
				fail("lookup_many: found miscounted", id,
				    found, hits);
		}
	}

	/* Value: all of one version, never torn, never another's. */
	if (soft(mult_value_get(buf, sizeof(buf), &len, sp, id, uts,
	    "hostname"), id, "get") && !value_ok(id, buf, len))
		fail("get: torn or foreign value", id, len, buf[4]);
	/* A key that comes and goes: there whole, or not there. */
	if (soft(mult_value_get(buf, sizeof(buf), &len, sp, id, uts, "motd"),
	    id, "get motd") && (len != 2 || memcmp(buf, "hi", 2) != 0))
		fail("get motd: torn value", id, len, buf[0]);

	/* Exclusive: a unit belongs to the host or to its slot's instance. */
	x = slot_of(id) * CPUS + rnd(&r->seed) % CPUS;
	if (x < (uint64_t)SLOTS * CPUS &&
	    soft(mult_excl_owner(&back, sp, cpu, x), id, "owner") &&
	    back != MULT_HOST && slot_of(back) != x / CPUS)
		fail("owner: unit owned by a stranger", id, x, back);
	atomic_fetch_add(&reads_ok, 1);
}

/*
 * Through a held reference to an instance (often destroyed by now): one of
 * its own objects or none; and once the instance is seen destroyed, by id
 * or through the reference, MULT_ESTALE from then on, both ways.
 */
static void
read_ref(struct reader *r, unsigned k)
{
	uint64_t id = r->old[k], x = 1 + rnd(&r->seed) % (PIDS + 8), obj, o2;
	struct mult_instance_info info;
	int err, was_dead = r->dead[k];

	if (r->ref[k] == NULL)
		return;
	if (!was_dead && mult_instance_info(&info, sp, id) == MULT_ESTALE)
		was_dead = 1;
	err = mult_num_ref_lookup(&obj, r->ref[k], x);
	if (err == 0 && was_dead)
		fail("a reference answers after its instance was destroyed",
		    id, x, obj);
	else if (err == 0 && !obj_is_of(obj, id))
		fail("reference: another instance's object", id, x, obj);
	else if (err == MULT_ENOENT && was_dead)
		fail("a reference is live after its instance was destroyed",
		    id, x, 0);
	else if (err == MULT_ESTALE) {
		was_dead = 1;
		err = mult_num_lookup(&o2, sp, id, pid, x);
		if (err != MULT_ESTALE)
			fail("by id live after its reference went stale", id,
			    x, (uint64_t)-err);
	} else if (err != 0 && err != MULT_ENOENT)
		fail("reference lookup", id, (uint64_t)-err, 0);
	r->dead[k] = was_dead;
}

/* Hold a reference to old[k]'s pids (none if it has gone already). */
static void
ref_take(struct reader *r, unsigned k)
{
	int err = mult_num_ref_get(&r->ref[k], sp, r->old[k], pid);

	if (err != 0) {
		r->ref[k] = NULL;
		if (err != MULT_ESTALE)
			fail("ref_get", r->old[k], (uint64_t)-err, 0);
	}
	r->dead[k] = 0;
}

/* Federated peers never see each other's pids. */
static void
read_peer(struct reader *r)
{
	uint64_t a = atomic_load(&pool[rnd(&r->seed) % POOL]);
	uint64_t b = atomic_load(&pool[rnd(&r->seed) % POOL]);
	uint64_t id, obj = obj_of(b, rnd(&r->seed) % 8);
	int err;

	if (slot_of(a) == slot_of(b))
		return;
	err = mult_num_number(&id, sp, a, pid, obj);
	if (err == 0)
		fail("a federated peer sees another's pid", a, obj, id);
	else if (err != MULT_ENOENT && err != MULT_ESTALE)
		fail("number", a, (uint64_t)-err, 0);
}

static void *
reader(void *arg)
{
	struct reader *r = arg;

	while (!atomic_load(&stop)) {
		unsigned k = (unsigned)(rnd(&r->seed) % 16);
		uint64_t id = atomic_load(&pool[rnd(&r->seed) % POOL]);

		read_one(r, id);
		read_one(r, r->old[k]);   /* often destroyed by now */
		read_ref(r, k);
		read_peer(r);
		mult_num_ref_put(r->ref[k]);
		r->old[k] = id;
		ref_take(r, k);
		r->n++;
	}
	return NULL;
}

/* ---- main --------------------------------------------------------------- */

static void
setup(void)
{
	struct mult_domain_opts o_uid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE,
	    0, (uint64_t)SLOTS * SPAN - 1);
	struct mult_domain_opts o_pid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED,
	    1, 1u << 20);
	struct mult_domain_opts o_uts = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE,
	    0, 0);
	struct mult_domain_opts o_cpu = MULT_DOMAIN_OPTS_INIT(
	    MULT_KIND_EXCLUSIVE, 0, (uint64_t)SLOTS * CPUS - 1);
	int i;

	must(mult_space_create(&sp, NULL), "space");
	must(mult_domain_create(&uid, sp, "uid", &o_uid), "uid");
	must(mult_domain_create(&pid, sp, "pid", &o_pid), "pid");
	must(mult_domain_create(&uts, sp, "uts", &o_uts), "uts");
	must(mult_domain_create(&cpu, sp, "cpu", &o_cpu), "cpu");
	for (i = 0; i < POOL; i++)
		atomic_store(&pool[i], populate((uint64_t)i));
}

/* One run: a fresh space, the threads, then verify. */
static void
run(int readers, int writers, int seconds, uint64_t seed)
{
	struct writer w[4];
	struct reader r[8];
	pthread_t wt[4], rt[8];
	struct mult_violation v;
	unsigned long nreads = 0, nwrites = 0;
	int i, j;

	printf("validate: %d readers, %d writers, %d s, seed %llu\n",
	    readers, writers, seconds, (unsigned long long)seed);
	atomic_store(&stop, 0);
	setup();
	for (i = 0; i < readers; i++) {
		r[i].seed = seed * 2654435761u + (uint64_t)i + 1;
		for (j = 0; j < 16; j++) {
			r[i].old[j] = atomic_load(&pool[j]);
			ref_take(&r[i], (unsigned)j);
		}
		r[i].n = 0;
		pthread_create(&rt[i], NULL, reader, &r[i]);
	}
	for (i = 0; i < writers; i++) {
		w[i] = (struct writer){ i, seed * 40503u + (uint64_t)i + 7, 0 };
		pthread_create(&wt[i], NULL, writer, &w[i]);
	}
	sleep((unsigned)seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < readers; i++) {
		pthread_join(rt[i], NULL);
		nreads += r[i].n;
	}
	for (i = 0; i < readers; i++)
		for (j = 0; j < 16; j++)
			mult_num_ref_put(r[i].ref[j]);
	for (i = 0; i < writers; i++) {
		pthread_join(wt[i], NULL);
		nwrites += w[i].ops;
	}
	if (mult_verify(&v, sp) != 0)
		fail(v.what, v.inst, (uint64_t)v.invariant, v.a);
	mult_space_destroy(sp);
	printf("validate: %lu reader rounds, %lu writes\n", nreads, nwrites);
	if (nreads == 0 || nwrites == 0)
		fail("no progress", 0, nreads, nwrites);
}

int
main(int argc, char **argv)
{
	int readers = 0, writers = 1, seconds = 2, c;
	uint64_t seed = (uint64_t)time(NULL);

	while ((c = getopt(argc, argv, "r:w:t:s:")) != -1) {
		switch (c) {
		case 'r': readers = atoi(optarg); break;
		case 'w': writers = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: validate [-r readers] "
			    "[-w writers] [-t seconds] [-s seed]\n");
			return 2;
		}
	}
	if (readers < 0 || readers > 8 || writers < 1 || writers > 4 ||
	    seconds < 1)
		return 2;
	if (readers != 0) {
		run(readers, writers, seconds, seed);
	} else {
		run(1, 1, seconds, seed);
		run(2, 1, seconds, seed + 1);
		run(4, 2, seconds, seed + 2);
	}
	printf("%lu passed, %lu failed\n", atomic_load(&reads_ok),
	    atomic_load(&failures));
	return atomic_load(&failures) == 0 ? 0 : 1;
}
