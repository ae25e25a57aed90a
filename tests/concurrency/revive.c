/*
 * Concurrency validator for reused objects: a writer allocates and frees
 * the same few objects over and over (a pid's hash slot is revived in
 * place each time), mixed with fresh objects that leave tombstones, take
 * the reused objects' tombstones (a slot rekeyed) and force table
 * rebuilds, while readers number and look them up.
 *
 * It runs twice: with the instance under the host, whose objects' two
 * identities lie in the host's hash entry, and at depth 3, whose objects'
 * identities lie in records that pass from one object to the next as
 * they are freed and allocated (a reader may read a record that has moved
 * on, and must catch it).
 *
 * Every answer a reader gets must be one the writer really gave at some
 * point: the writer records each (object, identity) it was given, in the
 * instance's view and in the host's; readers record what they were told;
 * after the threads stop, every answer must be among the writer's. A torn
 * entry (one incarnation's key with another object's value) or a number
 * outside the domain fails.
 *
 *   revive [-r READERS] [-t SECONDS]
 * prints "N passed, N failed" and exits non-zero on any failure.
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

#define NOBJ 8          /* the objects that keep coming back */
/*
 * The domain: identities [1, IDS]. A round allocates NOBJ + 1 objects in
 * a row (next-fit), then frees them, and IDS is a multiple of NOBJ + 1, so
 * object k only ever gets identities k + 1 modulo NOBJ + 1, in both views:
 * an answer that pairs one object with another's identity can never be
 * among the writer's, however long the run.
 */
#define IDS (28 * (NOBJ + 1))
#define OBJ(k) (0x1000u + (uint64_t)(k))
#define FRESH 0x100000u /* fresh objects from here on */

static struct mult_space *sp;
static uint32_t pid;
static uint64_t inst;
static atomic_int stop;
static atomic_ulong failures;

/* given[v][k][id]: the writer was given identity id for OBJ(k) in view v
 * (0: the instance, 1: the host). Written before the object is freed. */
static atomic_uchar given[2][NOBJ][IDS + 1];

struct reader {
	pthread_t t;
	uint64_t seed;
	unsigned char told[2][NOBJ][IDS + 1];   /* what this reader was told */
	unsigned long rounds;
};

static void
fail(const char *what, uint64_t a, uint64_t b)
{
	atomic_fetch_add(&failures, 1);
	fprintf(stderr, "revive: FAIL %s (%#llx, %#llx)\n", what,
	    (unsigned long long)a, (unsigned long long)b);
}

/* Its identity comes after the round's NOBJ; no reader looks it up. */
static void
fresh_object(uint64_t obj)
{
	uint64_t id;

	if (mult_num_alloc(&id, sp, inst, pid, obj) != 0 ||
	    mult_num_free(sp, inst, pid, obj) != 0)
		fail("writer: fresh object", obj, 0);
}

static void *
writer(void *arg)
{
	uint64_t fresh = FRESH, id, host_id;
	unsigned long n = 0;
	int k;

	(void)arg;
	while (!atomic_load(&stop)) {
		for (k = 0; k < NOBJ; k++) {
			if (mult_num_alloc(&id, sp, inst, pid, OBJ(k)) != 0 ||
			    mult_num_number(&host_id, sp, MULT_HOST, pid,
			    OBJ(k)) != 0 || id < 1 || id > IDS || host_id < 1 ||
			    host_id > IDS) {
				fail("writer: alloc", OBJ(k), id);
				return NULL;
			}
			atomic_store(&given[0][k][id], 1);
			atomic_store(&given[1][k][host_id], 1);
		}
		/*
		 * A fresh object each round: tombstones, then a rebuild. Every
		 * other round it comes after the frees, so that it takes (the
		 * hash rekeys) a tombstone of an object the readers look for.
		 */
		if (n % 2 == 0)
			fresh_object(fresh++);
		for (k = 0; k < NOBJ; k++)
			if (mult_num_free(sp, inst, pid, OBJ(k)) != 0)
				fail("writer: free", OBJ(k), 0);
		if (n % 2 == 1)
			fresh_object(fresh++);
		n++;
	}
	return (void *)(uintptr_t)n;
}

static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void *
reader(void *arg)
{
	struct reader *r = arg;
	const uint64_t views[2] = { inst, MULT_HOST };
	uint64_t id, obj;
	int rc, v, k;

	while (!atomic_load(&stop)) {
		uint64_t x = next(&r->seed);

		v = (int)(x & 1);
		k = (int)((x >> 1) % NOBJ);
		rc = mult_num_number(&id, sp, views[v], pid, OBJ(k));
		if (rc == 0 && id >= 1 && id <= IDS)
			r->told[v][k][id] = 1;
		else if (rc != MULT_ENOENT)
			fail("number: answer", OBJ(k), rc == 0 ? id : (uint64_t)rc);
		id = 1 + (x >> 8) % IDS;
		rc = mult_num_lookup(&obj, sp, views[v], pid, id);
		if (rc == 0 && obj >= OBJ(0) && obj < OBJ(NOBJ))
			r->told[v][obj - OBJ(0)][id] = 1;
		else if (rc == 0 && obj < FRESH)
			fail("lookup: an object nobody numbered", id, obj);
		else if (rc != 0 && rc != MULT_ENOENT)
			fail("lookup: error", id, (uint64_t)rc);
		r->rounds++;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct mult_domain_opts po = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED, 1,
	    IDS);
	struct reader r[4];
	struct mult_violation viol;
	pthread_t w;
	void *wn;
	unsigned long rounds = 0, passed = 0;
	int readers = 2, seconds = 2, c, i, v, k, id, depth;

	while ((c = getopt(argc, argv, "r:t:")) != -1) {
		switch (c) {
		case 'r': readers = atoi(optarg); break;
		case 't': seconds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: revive [-r readers] [-t seconds]\n");
			return 2;
		}
	}
	if (readers < 1 || readers > 4 || seconds < 1)
		return 2;
	for (depth = 1; depth <= 3; depth += 2) {
		inst = MULT_HOST;
		if (mult_space_create(&sp, NULL) != 0 ||
		    mult_domain_create(&pid, sp, "pid", &po) != 0) {
			fprintf(stderr, "revive: setup failed\n");
			return 1;
		}
		for (i = 0; i < depth; i++)
			if (mult_instance_create(&inst, sp, inst, NULL, 0) != 0) {
				fprintf(stderr, "revive: setup failed\n");
				return 1;
			}
		memset(r, 0, sizeof(r));
		memset(given, 0, sizeof(given));
		atomic_store(&stop, 0);
		rounds = 0;
		for (i = 0; i < readers; i++) {
			r[i].seed = (uint64_t)time(NULL) * 2654435761u + (uint64_t)i;
			pthread_create(&r[i].t, NULL, reader, &r[i]);
		}
		pthread_create(&w, NULL, writer, NULL);
		sleep((unsigned)seconds);
		atomic_store(&stop, 1);
		pthread_join(w, &wn);
		for (i = 0; i < readers; i++) {
			pthread_join(r[i].t, NULL);
			rounds += r[i].rounds;
			for (v = 0; v < 2; v++)
				for (k = 0; k < NOBJ; k++)
					for (id = 1; id <= IDS; id++) {
						if (!r[i].told[v][k][id])
							continue;
						if (atomic_load(&given[v][k][id]))
							passed++;
						else
							fail("an answer the writer never gave",
							    OBJ(k), (uint64_t)id);
					}
		}
		if (mult_verify(&viol, sp) != 0)
			fail(viol.what, viol.inst, viol.a);
		printf("revive: depth %d, %d readers, %d s: %lu writer rounds, "
		    "%lu reader rounds\n", depth, readers, seconds,
		    (unsigned long)(uintptr_t)wn, rounds);
		if ((uintptr_t)wn == 0 || rounds == 0)
			fail("no progress", (uint64_t)(uintptr_t)wn, rounds);
		mult_space_destroy(sp);
	}
	printf("%lu passed, %lu failed\n", passed, atomic_load(&failures));
	return atomic_load(&failures) == 0 ? 0 : 1;
}
