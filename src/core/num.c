/*
 * libmult core: numbered domains, pid-style.
 *
 * An object allocated at depth k has k + 1 identities, one a level from
 * the host down, as Linux's struct pid has its upids. Every instance
 * keeps, per numbered domain, a radix tree from identity to object of the
 * objects numbered in its subtree (lookup), and a hash from object to
 * identity of the objects it allocated itself (number, as the allocator
 * sees it: getpid()); the host's hash holds every object, with all its
 * identities (number from the host, and from the levels between, and the
 * domain-wide MULT_EEXIST check). So an allocation at any depth probes
 * two hashes, its own and the host's, and walks k + 1 trees. Visibility
 * (I6) is membership: an object is numbered in exactly the instances on
 * its path to the host; an identity read from a record stands only if
 * the viewer's tree holds the object there.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

static uint64_t
mult__num_span(const struct mult__dom *d)
{
	return d->last + 1;
}

static struct mult__nrec *
mult__num_rec(uint64_t v)
{
	return (struct mult__nrec *)(uintptr_t)(v & ~MULT__NUM_REC);
}

/* The class of a record for an object at depth: room for depth + 1. */
static uint32_t
mult__nrec_cls(uint32_t depth)
{
	uint32_t cls = 0;

	while (((uint64_t)4 << cls) < (uint64_t)depth + 1)
		cls++;
	return cls;
}

/* A record for an object at depth: a freed one of its class, or new. */
static struct mult__nrec *
mult__nrec_get(struct mult_space *sp, struct mult__dom *d, uint32_t depth)
{
	uint32_t cls = mult__nrec_cls(depth);
	struct mult__nrec *rec = d->nfree[cls];

	if (rec != NULL) {
		d->nfree[cls] = rec->next;
	} else {
		rec = mult__alloc(sp, sizeof(*rec) +
		    ((size_t)4 << cls) * sizeof(rec->nr[0]));
		if (rec == NULL)
			return NULL;
		rec->cls = cls;
	}
	/* Readers may still read it, as the record of an object freed. */
	mult__store(&rec->depth, depth);
	return rec;
}

/* Back on its list, as it was or once its object is freed. */
static void
mult__nrec_put(struct mult__dom *d, struct mult__nrec *rec)
{
	rec->next = d->nfree[rec->cls];
	d->nfree[rec->cls] = rec;
}

/* The domain goes, with the space: so do the freed records. */
void
mult__num_pool_free(struct mult_space *sp, struct mult__dom *d)
{
	uint32_t cls;

	for (cls = 0; cls < MULT__NREC_CLASSES; cls++)
		while (d->nfree[cls] != NULL) {
			struct mult__nrec *rec = d->nfree[cls];

			d->nfree[cls] = rec->next;
			mult__free(sp, rec);
		}
}

/*
 * Take the object of host entry e, numbered in the instances from `from`
 * up, out of their trees and out of the host's hash, and put its record
 * back for reuse; with uncharge, `from` allocated it and is uncharged for
 * it. Allocates nothing: it can't fail.
 */
static void
mult__num_drop(struct mult_space *sp, struct mult__dom *d,
    struct mult__inst *from, struct mult__htab *objs, struct mult__hent *e,
    int uncharge)
{
	uint32_t dom = d->idx;
	uint64_t v = e->val, nr = 0, dhere = 0 - (uint64_t)1, dsum = 0;
	struct mult__inst *a;

	for (a = from; a != NULL; a = a->parent) {
		struct mult__ds *ds = mult__ds_get(a, dom);
		int at = mult__num_at(v, a->depth, &nr);

		if (uncharge)
			mult__charge_num_at(ds, 0 - (uint64_t)1, &dhere, &dsum);
		MULT__ASSERT(at);
		(void)at;
		if (ds->cursor_leaf == NULL ||
		    !mult__radix_clear_in_leaf(ds->cursor_leaf, nr, ds->cursor))
			mult__radix_clear(sp, ds->ids, ds->low, &ds->leaves, nr,
			    ds->cursor);
	}
	mult__ht_remove(objs, e);
	if (v & MULT__NUM_REC)
		mult__nrec_put(d, mult__num_rec(v));
}

/* in's state in dom, made if it has none yet. */
static int
mult__ds_need(struct mult_space *sp, struct mult__inst *in, uint32_t dom,
    struct mult__ds **out)
{
	*out = mult__ds_get(in, dom);
	return *out != NULL ? 0 : mult__ds_prepare(sp, in, dom, out);
}

int
mult_num_alloc(uint64_t *id, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in, *a;
	struct mult__ds *ds, *hds;
	struct mult__hent *host_at;
	struct mult__nrec *rec = NULL;
	uint64_t span, v, dhere, dsum;
	int err, more = 1, nospc = 0, paths = 0;

	if (id == NULL || sp == NULL || obj == 0)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	span = mult__num_span(d);
	/*
	 * Prepare: the states of the allocating instance and the host, and
	 * room in their hashes; one probe of the host's, which holds every
	 * object, finds obj there (MULT_EEXIST) or the slot its insert
	 * takes; the record of an object too deep for its identities to fit
	 * in the entry. Then one walk up the levels: each one's state, its
	 * quota, and a free identity (next-fit from the cursor, wrapping
	 * once). A quota says more than a full identity space behind it, so
	 * MULT_ENOSPC waits for the quotas of the levels above. Then the
	 * radix paths the identities need, if any. Only empty structure is
	 * published here.
	 */
	if ((err = mult__ds_need(sp, in, dom, &ds)) != 0 ||
	    (err = mult__ds_need(sp, sp->host, dom, &hds)) != 0)
		goto out;
	if ((err = mult__ht_reserve(sp, &hds->objs, sp->seed)) != 0 ||
	    (in != sp->host &&
	    (err = mult__ht_reserve(sp, &ds->objs, sp->seed)) != 0))
		goto out;
	/* The own hash is probed only at the commit: its miss overlaps. */
	if (in != sp->host)
		mult__prefetch_w(&ds->objs->e[mult__ht_start(ds->objs, sp->seed,
		    obj)]);
	if ((host_at = mult__ht_place(hds->objs, sp->seed, obj, 1)) == NULL) {
		err = MULT_EEXIST;
		goto out;
	}
	if ((in->depth > 1 || (in->depth == 1 && span > MULT__NUM_INLINE)) &&
	    (rec = mult__nrec_get(sp, d, in->depth)) == NULL) {
		err = MULT_ENOMEM;
		goto out;
	}
	for (a = in; a != NULL; a = a->parent) {
		struct mult__rnode *leaf;
		uint64_t idx;

		if ((err = mult__ds_need(sp, a, dom, &ds)) != 0 ||
		    (more && (err = mult__charge_num_step(sp, d, in, a, ds,
		    &more)) != 0))
			goto out;
		if (nospc)
			continue;
		leaf = ds->cursor_leaf;
		if (leaf == NULL ||
		    !mult__radix_free_in_leaf(leaf, ds->cursor, span, &idx)) {
			err = mult__radix_free_index(ds->ids, ds->cursor, span,
			    &idx, &leaf);
			if (err == MULT_ENOSPC && ds->cursor != 0)
				err = mult__radix_free_index(ds->ids, 0,
				    ds->cursor, &idx, &leaf);
			if (err != 0) {
				nospc = 1;
				continue;
			}
		}
		ds->pending = idx;
		ds->pending_leaf = leaf;
		paths |= leaf == NULL;
	}
	if (nospc) {
		err = MULT_ENOSPC;
		goto out;
	}
	/* A free slot in a leaf that exists needs no path built. */
	for (a = in; paths && a != NULL; a = a->parent) {
		ds = mult__ds_get(a, dom);
		if (ds->pending_leaf == NULL && (err = mult__radix_prepare(sp,
		    &ds->ids, ds->low, &ds->leaves, d->radix_top, ds->pending,
		    &ds->pending_leaf)) != 0)
			goto out;
	}
	/*
	 * Commit, from the allocating level up, as Linux publishes a pid;
	 * the hash entries last, once every tree holds obj.
	 */
	v = 0;
	dhere = 1;
	dsum = 0;
	for (a = in; a != NULL; a = a->parent) {
		ds = mult__ds_get(a, dom);
		mult__radix_set_in(ds->ids, ds->pending_leaf, ds->pending, obj);
		mult__charge_num_at(ds, 1, &dhere, &dsum);
		ds->cursor = ds->pending + 1 == span ? 0 : ds->pending + 1;
		ds->cursor_leaf = (ds->cursor & MULT__RADIX_MASK) != 0 ?
		    ds->pending_leaf : NULL;
		if (rec != NULL)
			mult__store(&rec->nr[a->depth], (uint32_t)ds->pending);
		else
			v |= ds->pending << (a->depth == 0 ? 2 : 33);
	}
	if (rec != NULL)
		v = (uint64_t)(uintptr_t)rec | MULT__NUM_REC;
	else if (in->depth == 1)
		v |= MULT__NUM_D1;
	ds = mult__ds_get(in, dom);
	if (in != sp->host)
		mult__ht_insert_at(ds->objs, mult__ht_place(ds->objs, sp->seed,
		    obj, 0), obj, ds->pending);
	mult__ht_insert_at(hds->objs, host_at, obj, v);
	*id = d->lo + ds->pending;
	rec = NULL;
out:
	if (rec != NULL)
		mult__nrec_put(d, rec);
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_num_free(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds, *hds;
	struct mult__hent *e, *own;
	int err;

	if (sp == NULL || obj == 0)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		goto out;
	/* in allocated obj if in's own hash has it (the host's: at depth 0). */
	hds = mult__ds_get(sp->host, dom);
	ds = mult__ds_get(in, dom);
	own = ds != NULL ? (struct mult__hent *)mult__ht_find(ds->objs,
	    sp->seed, obj) : NULL;
	if (own == NULL || (in == sp->host && mult__num_depth(own->val) != 0)) {
		err = MULT_ENOENT;
		goto out;
	}
	e = in == sp->host ? own :
	    (struct mult__hent *)mult__ht_find(hds->objs, sp->seed, obj);
	MULT__ASSERT(e != NULL);
	if (in != sp->host)
		mult__ht_remove(ds->objs, own);
	mult__num_drop(sp, d, in, hds->objs, e, 1);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/*
 * in's subtree is being destroyed: take every object numbered in it out of
 * in's ancestors' trees and the host's hash (mult__charge_detach() does
 * the accounting). in's tree holds them all; it goes with in. A leaf that
 * left the tree is empty, so the chunks' leaves are every leaf to read.
 */
void
mult__num_unlink(struct mult_space *sp, struct mult__inst *in, uint32_t dom)
{
	const struct mult__ds *ids = mult__ds_get(in, dom);
	struct mult__ds *hds = mult__ds_get(sp->host, dom);
	const struct mult__rchunk *c;
	uint32_t l, i;

	if (ids == NULL || in->parent == NULL)
		return;
	for (c = ids->leaves; c != NULL; c = c->next)
		for (l = 0; l < c->used; l++)
			for (i = 0; i < MULT__RADIX_FAN; i++) {
				uint64_t obj = c->leaf[l].slot[i];
				struct mult__hent *e;

				if (obj == 0)
					continue;
				e = (struct mult__hent *)mult__ht_find(
				    hds->objs, sp->seed, obj);
				MULT__ASSERT(e != NULL);
				mult__num_drop(sp, sp->doms[dom], in->parent,
				    hds->objs, e, 0);
			}
}

/*
 * ds's instance is being destroyed while references hold ds (before its
 * slot is released): ds stays, and what its readers read goes. First the
 * objects, as if freed (a reader still in the old tree or hash answers as
 * just before; they are retired, not freed), then gone: so a reader that
 * reads gone set (an acquire) finds no object after, and once one reader
 * has answered MULT_ESTALE every later read does. The leaves stay, for
 * mult__num_unlink() reads them; mult__ds_release() retires them.
 */
void
mult__num_orphan(struct mult_space *sp, struct mult__ds *ds)
{
	uintptr_t r = ds->ids;
	uint32_t k;

	MULT__REPLACE(sp, ds->objs, NULL);
	mult__store_rel(&ds->ids, 0);
	for (k = 0; k < MULT__RLOW; k++)
		mult__store_rel(&ds->low[k], NULL);
	mult__radix_retire(sp, r, NULL, 0);
	mult__store_rel(&ds->gone, 1);
	ds->oprev = NULL;
	ds->onext = sp->orphans;
	if (sp->orphans != NULL)
		sp->orphans->oprev = ds;
	sp->orphans = ds;
}

/* Space destruction: the states that references still hold go too. */
void
mult__num_orphans_free(struct mult_space *sp)
{
	while (sp->orphans != NULL) {
		struct mult__ds *ds = sp->orphans;

		sp->orphans = ds->onext;
		mult__free(sp, ds);
	}
}

/* The host's hash goes: so do the records of the objects still in it. */
void
mult__num_release(struct mult_space *sp, const struct mult__htab *objs,
    void (*rel)(struct mult_space *, void *))
{
	uint32_t i;

	for (i = 0; objs != NULL && i < objs->cap; i++) {
		const struct mult__hent *e = &objs->e[i];

		if (e->key != 0 && e->val != MULT__HT_TOMB &&
		    (e->val & MULT__NUM_REC))
			rel(sp, mult__num_rec(e->val));
	}
}

/*
 * A read that found nothing in ds (NULL: no state): MULT_ESTALE if ds's
 * instance was destroyed while references held it (mult__num_orphan()),
 * else MULT_ENOENT.
 */
static inline int
mult__num_miss(const struct mult__ds *ds)
{
	return ds != NULL && mult__load_acq(&ds->gone) ? MULT_ESTALE :
	    MULT_ENOENT;
}

MULT__READ_BODY
mult__num_lookup_in(uint64_t *obj, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t id)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	uint64_t o = 0;
	int err;

	/*
	 * The short way, most spaces' (mult__slot_ds()). A state there is
	 * of a registered domain, so doms[dom] is; of another kind, it holds
	 * no tree and reads 0. Any miss asks the long way below, which knows
	 * each cause's error.
	 */
	if (mult__likely((ds = mult__slot_ds(sp, inst, dom)) != NULL) &&
	    (o = mult__radix_get_low(&ds->ids, ds->low, &ds->top,
	    id - sp->lo[dom])) != 0) {
		*obj = o;
		return 0;
	}
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		return err;
	ds = mult__ds_get(in, dom);
	/*
	 * No test of id against the domain's bounds: outside them (below
	 * lo, id - lo wraps high) the walk reads 0, as for any identity
	 * never allocated, for the tree holds nothing there and the walk
	 * never leaves it. A load fewer a lookup.
	 */
	if (ds != NULL)
		o = mult__radix_get_low(&ds->ids, ds->low, &d->radix_top,
		    id - d->lo);
	if (o == 0)
		return mult__num_miss(ds);
	*obj = o;
	return 0;
}

MULT__READ_SLOW(mult__num_lookup, (uint64_t *obj, struct mult_space *sp,
    uint64_t inst, uint32_t dom, uint64_t id), (obj, sp, inst, dom, id))

int
mult_num_lookup(uint64_t *obj, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t id)
{
	if (obj == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__num_lookup, (obj, sp, inst, dom, id));
}

/*
 * A reference is the (instance, domain) state itself, kept by its count
 * past its instance's destroy (mult__num_orphan(), mult__ds_release()).
 */
static struct mult__ds *
mult__ref_ds(const struct mult_num_ref *ref)
{
	return (struct mult__ds *)(uintptr_t)(const void *)ref;
}

int
mult_num_ref_get(struct mult_num_ref **ref, struct mult_space *sp,
    uint64_t inst, uint32_t dom)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	int err;

	if (ref == NULL || sp == NULL)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_NUMBERED, &d,
	    &in)) == 0 && (err = mult__ds_prepare(sp, in, dom, &ds)) == 0) {
		ds->refs++;
		*ref = (struct mult_num_ref *)(void *)ds;
	}
	mult_sys_unlock(sp->lock);
	return err;
}

void
mult_num_ref_put(struct mult_num_ref *ref)
{
	struct mult__ds *ds = mult__ref_ds(ref);
	struct mult_space *sp;

	if (ds == NULL)
		return;
	sp = ds->blk.sp;
	mult_sys_lock(sp->lock);
	MULT__ASSERT(ds->refs != 0);
	/* Retired, not freed: a reader may still be on its way out. */
	if (--ds->refs == 0 && ds->gone) {
		if (ds->oprev != NULL)
			ds->oprev->onext = ds->onext;
		else
			sp->orphans = ds->onext;
		if (ds->onext != NULL)
			ds->onext->oprev = ds->oprev;
		mult__retire(sp, ds);
	}
	mult_sys_unlock(sp->lock);
}

MULT__READ_BODY
mult__num_ref_lookup_in(uint64_t *obj, const struct mult__ds *ds, uint64_t id)
{
	uint64_t o = mult__radix_get_low(&ds->ids, ds->low, &ds->top,
	    id - ds->lo);

	if (o == 0)
		return mult__num_miss(ds);
	*obj = o;
	return 0;
}

MULT__READ_SLOW(mult__num_ref_lookup, (uint64_t *obj,
    const struct mult__ds *ds, uint64_t id), (obj, ds, id))

int
mult_num_ref_lookup(uint64_t *obj, const struct mult_num_ref *ref,
    uint64_t id)
{
	const struct mult__ds *ds = mult__ref_ds(ref);

	if (obj == NULL || ds == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__num_ref_lookup, (obj, ds, id));
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
	if (ds != NULL) {
		r = mult__load_acq(&ds->ids);
		if (mult__load_acq(&ds->gone)) {
			err = MULT_ESTALE;
			goto out;
		}
	}
	/* The last offset the tree can hold: the span's, or its root's. */
	shift = mult__rshift(r, d->radix_top);
	last = d->last;
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

MULT__READ_BODY
mult__num_number_in(uint64_t *id, struct mult_space *sp, uint64_t viewer,
    uint32_t dom, uint64_t obj)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds, *hds;
	uint64_t v, nr;
	int err;

	if ((err = mult__resolve(sp, viewer, dom, MULT_KIND_NUMBERED, &d, &in)) != 0)
		return err;
	/*
	 * An object the viewer allocated is in its own hash, exactly. Any
	 * other is in the host's, which gives the viewer's identity for it
	 * if it lies deep enough: the identity stands only if the viewer's
	 * tree holds obj there (then obj was numbered there, in the viewer,
	 * at that instant); else obj lies elsewhere (a sibling's, a
	 * parent's) or was freed meanwhile (its record, reused, may say
	 * anything). The host's identity in the entry itself is exact.
	 */
	ds = mult__ds_get(in, dom);
	if (ds == NULL || obj == 0)
		return MULT_ENOENT;
	if (in->depth != 0 &&
	    mult__ht_get(mult__load_acq(&ds->objs), sp->seed, obj, &v) != NULL) {
		*id = d->lo + v;
		return 0;
	}
	hds = mult__ds_get(sp->host, dom);
	if (hds == NULL ||
	    mult__ht_get(mult__load_acq(&hds->objs), sp->seed, obj, &v) == NULL ||
	    !mult__num_at(v, in->depth, &nr) ||
	    ((in->depth != 0 || (v & MULT__NUM_REC)) &&
	    mult__radix_get_low(&ds->ids, ds->low, &d->radix_top, nr) != obj))
		return mult__num_miss(ds);
	*id = d->lo + nr;
	return 0;
}

MULT__READ_SLOW(mult__num_number, (uint64_t *id, struct mult_space *sp,
    uint64_t viewer, uint32_t dom, uint64_t obj), (id, sp, viewer, dom, obj))

int
mult_num_number(uint64_t *id, struct mult_space *sp, uint64_t viewer,
    uint32_t dom, uint64_t obj)
{
	if (id == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__num_number, (id, sp, viewer, dom, obj));
}
