/*
 * libmult unit tests: the object hash (src/core/htab.c) from inside. A
 * tombstone takes its own key back, or any larger key, any number of
 * times; a slot's key never falls. A table is rebuilt with its live
 * entries at 11/20 of the block, whether it grew or tombstones filled it
 * (keys that come and go), so at most 29.1 bytes an entry; its rebuilds
 * come a third of the block apart; and a table whose entries went shrinks
 * back to that.
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

/* At most 20/11 slots a live entry (29.1 bytes), the load at most 4/5. */
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
		/* no more than 20/11 slots a live entry (29.1 bytes), or 8 */
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
 * tombstones fill the table. Rebuilt at 11/20, a block of 1,820 would
 * take 455 new keys to fill to 4/5 again, 88 rebuilds, if every new key
 * took an empty slot; a new key that meets a tombstone of a smaller key
 * takes it instead, and 58 or 59 rebuilds come (20 seeds). (Rebuilt at
 * 2/5, 40: writers were faster, but a churned block 1.36 times the size
 * made reads of it slower.)
 */
Test(htab, churn_rebuilds_a_third_of_the_block_apart)
{
	struct tab h;

	tab_fill(&h, 1000);
	h.rebuilds = 0;
	churn(&h, 1000, 41000, 1000, 1);
	cr_assert(h.rebuilds >= 52 && h.rebuilds <= 64, "%ld rebuilds",
	    h.rebuilds);
	holds(&h, 40000, 41000);
	tab_fini(&h);
}

/* n keys from key_of(from) on that start their probe at slot s of h. */
static void
starting_at(const struct tab *h, uint32_t s, uint64_t from, uint64_t *k,
    int n)
{
	uint64_t i;

	for (i = from; n > 0; i++)
		if (mult__ht_start(h->t, h->sp->seed, key_of(i)) == s) {
			*k++ = key_of(i);
			n--;
		}
}

static const struct mult__hent *
entry_of(const struct tab *h, uint64_t key)
{
	const struct mult__hent *e = mult__ht_find(h->t, h->sp->seed, key);

	cr_assert_not_null(e, "key %llx is not live", (unsigned long long)key);
	return e;
}

/*
 * Keys a < b < c start at one slot, and a slot's key only rises: c takes
 * b's tombstone, but a never does, and once b has left, b never comes
 * back to it (a reader that saw b there and sees b again must never have
 * read c's value); c comes back to its own.
 */
Test(htab, a_slots_key_only_rises)
{
	const struct mult__hent *at;
	struct tab h;
	uint64_t k[3];
	uint32_t used;

	tab_fill(&h, 1);
	starting_at(&h, (mult__ht_start(h.t, h.sp->seed, key_of(0)) + 3) %
	    h.t->cap, 1, k, 3);
	cr_assert(k[0] < k[1] && k[1] < k[2]);
	put(&h, k[1], 10);
	at = entry_of(&h, k[1]);
	del(&h, k[1]);
	used = h.t->used;
	put(&h, k[0], 11);
	cr_assert_neq(entry_of(&h, k[0]), at, "a took a larger key's slot");
	cr_assert_eq(h.t->used, used + 1);
	del(&h, k[0]);
	put(&h, k[2], 12);
	cr_assert_eq(entry_of(&h, k[2]), at, "c did not take b's tombstone");
	cr_assert_eq(h.t->used, used + 1);
	cr_assert_null(mult__ht_find(h.t, h.sp->seed, k[1]));
	del(&h, k[2]);
	put(&h, k[1], 13);
	cr_assert_neq(entry_of(&h, k[1]), at, "b came back to a slot it left");
	cr_assert(at->key == k[2] && at->val == MULT__HT_TOMB);
	put(&h, k[2], 14);
	cr_assert_eq(entry_of(&h, k[2]), at, "c's own tombstone not revived");
	cr_assert_eq(entry_of(&h, k[2])->val, 14);
	cr_assert_eq(h.t->cap, 8, "the table was rebuilt");
	tab_fini(&h);
}

/*
 * The check and the insert in one probe (mult_num_alloc()'s host): a and
 * b start at one slot, a's tombstone could take b, but b is live past it:
 * the probe must not stop at the first slot that could take b.
 */
Test(htab, place_finds_a_live_key_past_a_tombstone)
{
	const struct mult__hent *at;
	struct tab h;
	uint64_t k[3];

	tab_fill(&h, 1);
	starting_at(&h, (mult__ht_start(h.t, h.sp->seed, key_of(0)) + 3) %
	    h.t->cap, 1, k, 3);
	put(&h, k[0], 10);
	put(&h, k[1], 11);
	at = entry_of(&h, k[0]);
	del(&h, k[0]);
	cr_assert_null(mult__ht_place(h.t, h.sp->seed, k[1], 1),
	    "a live key was not found");
	cr_assert_eq(mult__ht_place(h.t, h.sp->seed, k[2], 1), at);
	cr_assert_eq(mult__ht_place(h.t, h.sp->seed, k[0], 1), at);
	mult__ht_insert_at(h.t, mult__ht_place(h.t, h.sp->seed, k[2], 1),
	    k[2], 12);
	cr_assert_eq(entry_of(&h, k[2]), at);
	cr_assert_eq(entry_of(&h, k[1])->val, 11);
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
