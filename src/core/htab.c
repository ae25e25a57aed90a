/*
 * libmult core: open-addressing hash table with one writer and lock-free
 * readers.
 *
 * Linear probing over 16-byte entries, in a table of any capacity. A slot
 * goes EMPTY -> live -> TOMB -> live again and never back to EMPTY, so a
 * probe never stops short of a key that is in the table. Removal marks the
 * value TOMB in place. A tombstone comes back to life for its own key, or
 * for any key larger than its own: the writer stores the new key, then the
 * value (both release). A reader loads key, value, key: it can't pair one
 * key with another's value, because a slot's key only rises, so a key
 * seen twice was the key all along (mult__ht_get()). A new key that
 * could only take an empty slot would go to the end of its cluster, and
 * a churned table (objects freed, others numbered) would be rebuilt half
 * as often again (tests/unit/test_htab.c).
 * Space held by tombstones comes back when the writer rebuilds the table
 * into a new block and publishes it; readers still in the old block see the
 * state as it was just before, which is a linearizable answer.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

struct mult__htab *
mult__ht_new(struct mult_space *sp, uint32_t cap)
{
	struct mult__htab *t;

	MULT__ASSERT(cap >= 8);
	t = mult__alloc(sp, sizeof(*t) + (size_t)cap * sizeof(t->e[0]));
	if (t != NULL)
		t->cap = cap;
	return t;
}

/*
 * The slot an insert of key takes: the first on its probe that can, a
 * tombstone of key or of a smaller key (revived in place, so a key that
 * comes and goes, an object freed and numbered again, costs no slot), or
 * the empty slot that ends the probe. With whole set the probe goes on to
 * that empty slot and returns NULL if key is live: a check and an insert
 * in one probe. Without, the caller knows key is not live. Capacity was
 * reserved.
 */
struct mult__hent *
mult__ht_place(struct mult__htab *t, uint64_t seed, uint64_t key, int whole)
{
	struct mult__hent *e, *at = NULL;
	uint32_t i;

	MULT__ASSERT(t->used + 1 < t->cap);
	for (i = mult__ht_start(t, seed, key);; i = mult__ht_next(t, i)) {
		e = &t->e[i];
		if (e->key == 0)
			return at != NULL ? at : e;
		if (e->val != MULT__HT_TOMB) {
			if (e->key == key)
				return NULL;
			continue;
		}
		if (at == NULL && e->key <= key) {
			at = e;
			if (!whole)
				return at;
		}
	}
}

/* Insert key, not live, at e from mult__ht_place() with no write since. */
void
mult__ht_insert_at(struct mult__htab *t, struct mult__hent *e, uint64_t key,
    uint64_t val)
{
	uint32_t i = (uint32_t)(e - t->e);

	MULT__ASSERT(key != 0 && val != MULT__HT_TOMB && i < t->cap);
	if (e->key == 0) {
		mult__store(&e->val, val);
		mult__store_rel(&e->key, key);
		t->used++;
	} else {
		MULT__ASSERT(e->val == MULT__HT_TOMB && e->key <= key);
		if (e->key != key)
			/* release: a reader that sees key sees TOMB, not k's value */
			mult__store_rel(&e->key, key);
		mult__store_rel(&e->val, val);
	}
	t->live++;
}

/* Insert a key the caller knows is not live; capacity was reserved. */
void
mult__ht_insert(struct mult__htab *t, uint64_t seed, uint64_t key,
    uint64_t val)
{
	struct mult__hent *e = mult__ht_place(t, seed, key, 0);

	MULT__ASSERT(e != NULL);
	mult__ht_insert_at(t, e, key, val);
}

void
mult__ht_remove(struct mult__htab *t, struct mult__hent *e)
{
	mult__store_rel(&e->val, MULT__HT_TOMB);
	t->live--;
}

/*
 * Make room for one more insert into the table published at *tp, keeping
 * the load (tombstones included) at most 4/5. A rebuilt table holds the
 * live entries at 11/20 of its capacity: inserts amortize (a quarter of
 * its slots fill before the next rebuild), probes stay short, and a table
 * never holds more than 16 / 0.55 = 29.1 bytes an entry. It is published in
 * place of the old one, which is retired: readers' answers don't change.
 * Returns 0 or MULT_ENOMEM with *tp unchanged.
 */
int
mult__ht_reserve(struct mult_space *sp, struct mult__htab **tp,
    uint64_t seed)
{
	struct mult__htab *old = *tp, *t;
	uint64_t want;
	uint32_t i;

	if (!mult__ht_full(old))
		return 0;
	want = old != NULL ? (((uint64_t)old->live + 1) * 20 + 10) / 11 : 8;
	if (want < 8)
		want = 8;
	if (want > ((uint32_t)1 << 30))
		return MULT_ENOMEM;
	t = mult__ht_new(sp, (uint32_t)want);
	if (t == NULL)
		return MULT_ENOMEM;
	/* t is not published yet, and has no tombstones: plain stores. */
	for (i = 0; old != NULL && i < old->cap; i++) {
		const struct mult__hent *e = &old->e[i];
		uint32_t j;

		if (e->key == 0 || e->val == MULT__HT_TOMB)
			continue;
		for (j = mult__ht_start(t, seed, e->key); t->e[j].key != 0;)
			j = mult__ht_next(t, j);
		t->e[j] = *e;
		t->live++;
		t->used++;
	}
	MULT__REPLACE(sp, *tp, t);
	return 0;
}
