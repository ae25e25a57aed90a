/*
 * libmult core: numbered domains, pid-style.
 *
 * Every instance keeps, per numbered domain, two indexes of the objects
 * numbered in it and in its descendants: a radix tree from identity to
 * object (lookup) and a hash from object to identity (number). An object
 * allocated at depth k has k + 1 identities, one per level, like Linux's
 * struct pid, but each level is indexed by its own instance, so every read
 * is one index probe whatever the depth, and visibility (I6) is simply
 * membership: a viewer's hash holds exactly the objects of its subtree.
 * The hash value carries MULT__NUM_HERE at the level that allocated it.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

static uint64_t
mult__num_span(const struct mult__dom *d)
{
	return d->hi - d->lo + 1;
}

/* Remove obj (at identity offset idx) from one level. */
static void
mult__num_drop(struct mult_space *sp, struct mult__ds *ds,
    struct mult__hent *e, uint64_t idx)
{
	mult__radix_clear(sp, ds->ids, &ds->leaves, idx, ds->cursor);
	mult__ht_remove(ds->objs, e);
}

int
mult_num_alloc(uint64_t *id, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in, *a;
	struct mult__ds *ds;
	struct mult__hent *host_at;
	uint64_t span;
	int err;

	if (id == NULL || sp == NULL || obj == 0)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	span = mult__num_span(d);
	/*
	 * Prepare every level: its state, room in its hash, a free identity
	 * (next-fit from the cursor, wrapping once) and the radix path to it;
	 * and the charge (a quota says more than a full identity space behind
	 * it). Only empty structure is published here. The host's hash holds
	 * every object: one probe of it finds obj there (MULT_EEXIST) or the
	 * slot its insert takes, before anything is charged.
	 */
	for (a = in; a != NULL; a = a->parent)
		if ((err = mult__ds_prepare(sp, a, dom, &ds)) != 0)
			goto out;
	ds = mult__ds_get(sp->host, dom);
	if ((err = mult__ht_reserve(sp, &ds->objs, sp->seed)) != 0)
		goto out;
	if ((host_at = mult__ht_place(ds->objs, sp->seed, obj, 1)) == NULL) {
		err = MULT_EEXIST;
		goto out;
	}
	if ((err = mult__charge_check(sp, d, in, 1, 0)) != 0)
		goto out;
	for (a = in; a != NULL; a = a->parent) {
		struct mult__rnode *leaf;
		uint64_t idx;

		ds = mult__ds_get(a, dom);
		/* The host's has room, and host_at points into it. */
		if (a != sp->host &&
		    (err = mult__ht_reserve(sp, &ds->objs, sp->seed)) != 0)
			goto out;
		err = mult__radix_free_index(ds->ids, ds->cursor, span, &idx,
		    &leaf);
		if (err == MULT_ENOSPC && ds->cursor != 0)
			err = mult__radix_free_index(ds->ids, 0, ds->cursor,
			    &idx, &leaf);
		if (err != 0)
			goto out;
		/* A free slot in a leaf that exists needs no path built. */
		if (leaf == NULL && (err = mult__radix_prepare(sp, &ds->ids,
		    &ds->leaves, d->radix_top, idx, &leaf)) != 0)
			goto out;
		ds->pending = idx;
		ds->pending_leaf = leaf;
	}
	/* Commit, from the allocating level up, as Linux publishes a pid. */
	for (a = in; a != NULL; a = a->parent) {
		ds = mult__ds_get(a, dom);
		mult__radix_set_in(ds->ids, ds->pending_leaf, ds->pending, obj);
		mult__ht_insert_at(ds->objs, a == sp->host ? host_at :
		    mult__ht_place(ds->objs, sp->seed, obj, 0), obj,
		    ds->pending | (a == in ? MULT__NUM_HERE : 0));
		ds->cursor = ds->pending + 1 == span ? 0 : ds->pending + 1;
		if (a == in)
			*id = d->lo + ds->pending;
	}
	mult__charge(d, in, 1, 1, 0);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_num_free(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in, *a;
	struct mult__ds *ds;
	struct mult__hent *e;
	int err;

	if (sp == NULL || obj == 0)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	e = ds != NULL ? (struct mult__hent *)mult__ht_find(ds->objs, sp->seed,
	    obj) : NULL;
	if (e == NULL || !(e->val & MULT__NUM_HERE)) {
		err = MULT_ENOENT;
		goto out;
	}
	mult__charge(d, in, 0 - (uint64_t)1, 0 - (uint64_t)1, 0);
	/* in's entry is found already; each ancestor's, in its own hash. */
	for (a = in; a != NULL; a = a->parent) {
		if (a != in) {
			ds = mult__ds_get(a, dom);
			e = (struct mult__hent *)mult__ht_find(ds->objs, sp->seed,
			    obj);
			MULT__ASSERT(e != NULL);
		}
		mult__num_drop(sp, ds, e, e->val & ~MULT__NUM_HERE);
	}
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/*
 * in's subtree is being destroyed: take every object numbered in it out of
 * in's ancestors' indexes (mult__charge_detach() does the accounting). in's
 * own indexes go with in.
 */
void
mult__num_unlink(struct mult_space *sp, struct mult__inst *in, uint32_t dom)
{
	const struct mult__ds *ids = mult__ds_get(in, dom);
	struct mult__inst *a;
	uint32_t i;

	if (ids == NULL || ids->objs == NULL)
		return;
	for (i = 0; i < ids->objs->cap; i++) {
		const struct mult__hent *ie = &ids->objs->e[i];

		if (ie->key == 0 || ie->val == MULT__HT_TOMB)
			continue;
		for (a = in->parent; a != NULL; a = a->parent) {
			struct mult__ds *ds = mult__ds_get(a, dom);
			struct mult__hent *e = (struct mult__hent *)mult__ht_find(
			    ds->objs, sp->seed, ie->key);

			MULT__ASSERT(e != NULL);
			mult__num_drop(sp, ds, e, e->val & ~MULT__NUM_HERE);
		}
	}
}

int
mult_num_lookup(uint64_t *obj, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t id)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	uint64_t o = 0;
	int err;

	if (obj == NULL)
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	if (ds != NULL && id >= d->lo && id <= d->hi)
		o = mult__radix_get(mult__load_acq(&ds->ids), d->radix_top,
		    id - d->lo);
	if (o == 0)
		err = MULT_ENOENT;
	else
		*obj = o;
out:
	mult_sys_read_exit();
	return err;
}

/*
 * An empty node, where a batch walk goes on from a missing child: its
 * steps need no branch, and it reads 0 at the leaf.
 */
static const struct mult__rnode mult__rnode_none;

static inline const struct mult__rnode *
mult__rchild_or_none(const struct mult__rnode *n, uint32_t shift, uint64_t idx)
{
	const struct mult__rnode *c = mult__rchild(n, shift, idx);

	return c != NULL ? c : &mult__rnode_none;
}

/*
 * The objects at four identity offsets idx[] (any value; above last reads
 * 0) of the tree at root, whose shift is top, into o[]: the four walks
 * take their levels together, each in a register of its own, so their
 * dependent loads overlap instead of one walk waiting on the next.
 */
static inline void
mult__radix_get4(const struct mult__rnode *root, uint32_t top, uint64_t last,
    const uint64_t *idx, uint64_t *o)
{
	const struct mult__rnode *r = root != NULL ? root : &mult__rnode_none;
	const struct mult__rnode *n0 = idx[0] <= last ? r : &mult__rnode_none;
	const struct mult__rnode *n1 = idx[1] <= last ? r : &mult__rnode_none;
	const struct mult__rnode *n2 = idx[2] <= last ? r : &mult__rnode_none;
	const struct mult__rnode *n3 = idx[3] <= last ? r : &mult__rnode_none;
	uint32_t shift;

	for (shift = top; shift > 0; shift -= MULT__RADIX_BITS) {
		n0 = mult__rchild_or_none(n0, shift, idx[0]);
		n1 = mult__rchild_or_none(n1, shift, idx[1]);
		n2 = mult__rchild_or_none(n2, shift, idx[2]);
		n3 = mult__rchild_or_none(n3, shift, idx[3]);
	}
	o[0] = mult__load(&n0->slot[idx[0] & MULT__RADIX_MASK]);
	o[1] = mult__load(&n1->slot[idx[1] & MULT__RADIX_MASK]);
	o[2] = mult__load(&n2->slot[idx[2] & MULT__RADIX_MASK]);
	o[3] = mult__load(&n3->slot[idx[3] & MULT__RADIX_MASK]);
}

int
mult_num_lookup_many(uint64_t *objs, size_t *found, struct mult_space *sp,
    uint64_t inst, uint32_t dom, const uint64_t *ids, size_t n)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	uintptr_t r = 0;
	uint64_t last;
	uint32_t shift;
	size_t i, hits = 0;
	int err;

	if (n != 0 && (objs == NULL || ids == NULL))
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	if (ds != NULL)
		r = mult__load_acq(&ds->ids);
	/* The last offset the tree can hold: the span's, or its root's. */
	shift = mult__rshift(r, d->radix_top);
	last = d->hi - d->lo;
	if (!mult__rcovers(shift, last))
		last = ((uint64_t)1 << (shift + MULT__RADIX_BITS)) - 1;
	/*
	 * Unsigned wrap folds "below lo" into "above the span". The loop
	 * body is the radix walks alone, four at a time, so the misses of a
	 * big tree's leaves overlap across keys.
	 */
	for (i = 0; i + 4 <= n; i += 4) {
		uint64_t idx[4];
		size_t l;

		for (l = 0; l < 4; l++)
			idx[l] = ids[i + l] - d->lo;
		mult__radix_get4(mult__rroot(r), shift, last, idx, objs + i);
		for (l = 0; l < 4; l++)
			hits += objs[i + l] != 0;
	}
	for (; i < n; i++) {
		uint64_t idx = ids[i] - d->lo, o = 0;

		if (idx <= last)
			o = mult__radix_get(r, d->radix_top, idx);
		objs[i] = o;
		hits += o != 0;
	}
out:
	mult_sys_read_exit();
	if (err == 0 && found != NULL)
		*found = hits;
	return err;
}

int
mult_num_number(uint64_t *id, struct mult_space *sp, uint64_t viewer,
    uint32_t dom, uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	uint64_t v;
	int err;

	if (id == NULL)
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__resolve(sp, viewer, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	if (ds == NULL || obj == 0 ||
	    mult__ht_get(mult__load_acq(&ds->objs), sp->seed, obj, &v) == NULL)
		err = MULT_ENOENT;
	else
		*id = d->lo + (v & ~MULT__NUM_HERE);
out:
	mult_sys_read_exit();
	return err;
}
