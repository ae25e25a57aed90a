/*
 * libmult core: open-addressing hash table with one writer and lock-free
 * readers.
 *
 * Linear probing over 16-byte entries, in a table of any capacity. A slot
 * goes EMPTY -> live -> TOMB (-> live again, for the same key) and never
 * back to EMPTY, so a reader can't see one key with another key's value:
 * the writer fills the value before it publishes the key (release), and a
 * slot's key never changes once set. Removal marks the value TOMB in place.
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
 * Insert a key the caller knows is not live; capacity was reserved. A
 * tombstone of the same key on the way is revived in place: its key is
 * already that key, so readers still never see one key with another's
 * value, and a key that comes and goes (an object freed and numbered
 * again) does not fill the table with tombstones and force rebuilds.
 */
void
mult__ht_insert(struct mult__htab *t, uint64_t seed, uint64_t key,
    uint64_t val)
{
	uint32_t i = mult__ht_start(t, seed, key);

	MULT__ASSERT(key != 0 && val != MULT__HT_TOMB);
	MULT__ASSERT(t->used + 1 < t->cap);
	while (t->e[i].key != 0) {
		if (t->e[i].key == key && t->e[i].val == MULT__HT_TOMB) {
			mult__store_rel(&t->e[i].val, val);
			t->live++;
			return;
		}
		i = mult__ht_next(t, i);
	}
	mult__store(&t->e[i].val, val);
	mult__store_rel(&t->e[i].key, key);
	t->live++;
	t->used++;
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
 * the table fills before the next rebuild), probes stay short, and a table
 * never holds more than 16 / 0.55 = 29 bytes an entry. It is published in
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
	if (old != NULL) {
		for (i = 0; i < old->cap; i++) {
			const struct mult__hent *e = &old->e[i];

			if (e->key != 0 && e->val != MULT__HT_TOMB)
				mult__ht_insert(t, seed, e->key, e->val);
		}
	}
	MULT__REPLACE(sp, *tp, t);
	return 0;
}
