/*
 * libmult unit tests: the object hash (src/core/htab.c) from inside. A
 * table is rebuilt with its live entries at 11/20 of the block, whether it
 * grew or tombstones filled it (keys that come and go), so at most 29
 * bytes an entry; its rebuilds come a quarter of the block apart; and a
 * table whose entries went shrinks back to that.
 *
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"
#include "internal.h"

struct tab {
	struct mult_space *sp;
	struct mult__htab *t;
	long rebuilds;
};

static uint64_t
key_of(uint64_t i)
{
	return 0x00007e0000000000ULL + i * 0x40;
}

static void
put(struct tab *h, uint64_t key, uint64_t val)
{
	const struct mult__htab *was = h->t;

	cr_assert_eq(mult__ht_reserve(h->sp, &h->t, h->sp->seed), 0);
	if (h->t != was)
		h->rebuilds++;
	mult__ht_insert(h->t, h->sp->seed, key, val);
}

static void
del(struct tab *h, uint64_t key)
{
	struct mult__hent *e = (struct mult__hent *)mult__ht_find(h->t,
	    h->sp->seed, key);

	cr_assert_not_null(e, "key %llx is not live", (unsigned long long)key);
	mult__ht_remove(h->t, e);
}

/* Keys [from, to) are live with value 3 * i; [0, from) are gone. */
static void
holds(const struct tab *h, uint64_t from, uint64_t to)
{
	uint64_t i;

	cr_assert_eq(h->t->live, to - from);
	for (i = 0; i < to; i++) {
		const struct mult__hent *e = mult__ht_find(h->t, h->sp->seed,
		    key_of(i));

		if (i < from)
			cr_assert_null(e, "key %llu was removed",
			    (unsigned long long)i);
		else
			cr_assert(e != NULL && e->val == 3 * i, "key %llu",
			    (unsigned long long)i);
	}
}

/* At most 20/11 slots a live entry (29 bytes), the load at most 4/5. */
static void
bounded(const struct tab *h)
{
	cr_assert_leq((uint64_t)h->t->cap * 11, ((uint64_t)h->t->live + 2) * 20,
	    "cap %u for %u live", h->t->cap, h->t->live);
	cr_assert_leq((uint64_t)h->t->used * 5, (uint64_t)h->t->cap * 4);
}

/*
 * Keys [from, to) come, each freeing the key keep places before it, as
 * objects freed and others numbered; bounded() after every step if asked.
 */
static void
churn(struct tab *h, uint64_t from, uint64_t to, uint64_t keep, int check)
{
	uint64_t i;

	for (i = from; i < to; i++) {
		put(h, key_of(i), 3 * i);
		del(h, key_of(i - keep));
		if (check)
			bounded(h);
	}
}

static void
tab_init(struct tab *h)
{
	h->sp = h_space();
	h->t = NULL;
	h->rebuilds = 0;
}

/* A new table holding keys [0, n). */
static void
tab_fill(struct tab *h, uint64_t n)
{
	uint64_t i;

	tab_init(h);
	for (i = 0; i < n; i++)
		put(h, key_of(i), 3 * i);
}

static void
tab_fini(struct tab *h)
{
	mult__retire(h->sp, h->t);
	mult_space_destroy(h->sp);
}

Test(htab, growth_keeps_eleven_twentieths)
{
	struct tab h;
	uint64_t i;

	tab_init(&h);
	for (i = 0; i < 100000; i++) {
		put(&h, key_of(i), 3 * i);
		/* no more than 20/11 slots a live entry (29 bytes), or 8 */
		cr_assert(h.t->cap == 8 ||
		    (uint64_t)h.t->cap * 11 <= (uint64_t)h.t->live * 20 + 30,
		    "cap %u for %u live", h.t->cap, h.t->live);
		cr_assert_leq((uint64_t)h.t->used * 5, (uint64_t)h.t->cap * 4);
	}
	holds(&h, 0, 100000);
	tab_fini(&h);
}

/*
 * 1,000 live keys, each freed and a new one numbered, 40,000 times: the
 * tombstones fill the table. Rebuilt at 11/20, a block of 1,820 takes
 * 455 inserts to fill to 4/5 again: 88 rebuilds. (Rebuilt at 2/5, 40:
 * writers were faster, but a churned block 1.36 times the size made
 * reads of it slower.)
 */
Test(htab, churn_rebuilds_a_quarter_of_the_block_apart)
{
	struct tab h;

	tab_fill(&h, 1000);
	h.rebuilds = 0;
	churn(&h, 1000, 41000, 1000, 1);
	cr_assert(h.rebuilds >= 87 && h.rebuilds <= 89, "%ld rebuilds",
	    h.rebuilds);
	holds(&h, 40000, 41000);
	tab_fini(&h);
}

/* A table that held 10,000 and keeps 100 comes back to 11/20 of a block. */
Test(htab, churn_after_shrinking_gives_the_block_back)
{
	struct tab h;
	uint64_t i;

	tab_fill(&h, 10000);
	for (i = 0; i < 9900; i++)
		del(&h, key_of(i));
	churn(&h, 10000, 30000, 100, 0);
	bounded(&h);
	holds(&h, 29900, 30000);
	tab_fini(&h);
}
