/*
 * libmult core: interval vectors, allotments and the exclusive owner index.
 *
 * An interval vector is an immutable sorted array of disjoint [first, last]
 * intervals. Writers build a new vector and publish it; readers binary
 * search whatever vector they loaded.
 *
 * Each (instance, domain) keeps its own allotment as a merged vector. Each
 * isolated range and exclusive domain also keeps an owner index: for every
 * resource granted away from the host, the deepest instance holding it.
 * The owner index is what mult_excl_owner() reads, and what makes a grant's
 * check against siblings (I1) and the parent (I2) one search, not a walk of
 * the siblings. mult_verify() checks the two agree.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

/*
 * The index of the first interval whose last is >= x (n if none).
 * Branch-free, as the extent search: the owner index is searched with
 * keys readers pick at random, which a branchy search mispredicts at
 * every level.
 */
static uint32_t
mult__ivec_lower(const struct mult__ivec *v, uint64_t x)
{
	uint32_t base = 0, n = v->n;

	if (n == 0)
		return 0;
	while (n > 1) {
		uint32_t half = n / 2;

		base = v->v[base + half - 1].last < x ? base + half : base;
		n -= half;
	}
	return base + (v->v[base].last < x);
}

const struct mult__ivl *
mult__ivec_find(const struct mult__ivec *v, uint64_t x)
{
	uint32_t i;

	if (v == NULL)
		return NULL;
	i = mult__ivec_lower(v, x);
	if (i < v->n && v->v[i].first <= x)
		return &v->v[i];
	return NULL;
}

/* Is [first, last] covered by contiguous intervals of v? */
int
mult__ivec_covers(const struct mult__ivec *v, uint64_t first, uint64_t last)
{
	uint32_t i;
	uint64_t at = first;

	if (v == NULL)
		return 0;
	for (i = mult__ivec_lower(v, first); i < v->n; i++) {
		if (v->v[i].first > at)
			return 0;
		if (v->v[i].last >= last)
			return 1;
		at = v->v[i].last + 1;
	}
	return 0;
}

int
mult__ivec_intersects(const struct mult__ivec *v, uint64_t first,
    uint64_t last)
{
	uint32_t i;

	if (v == NULL)
		return 0;
	i = mult__ivec_lower(v, first);
	return i < v->n && v->v[i].first <= last;
}

/* Do all intervals meeting [first, last] belong to owner? */
static int
mult__ivec_all_owned(const struct mult__ivec *v, uint64_t first,
    uint64_t last, uint64_t owner)
{
	uint32_t i;

	if (v == NULL)
		return 1;
	for (i = mult__ivec_lower(v, first); i < v->n && v->v[i].first <= last;
	    i++)
		if (v->v[i].owner != owner)
			return 0;
	return 1;
}

/*
 * A new vector: old with [first, last] cut out and, if owner is not 0,
 * put back as one interval of that owner; neighbours of one owner that
 * touch are merged. NULL with *err set on failure; NULL with *err 0 when
 * the result is empty.
 */
static struct mult__ivec *
mult__ivec_splice(struct mult_space *sp, const struct mult__ivec *old,
    uint64_t first, uint64_t last, uint64_t owner, int keep, int *err)
{
	struct mult__ivec *v;
	uint32_t n = old != NULL ? old->n : 0, i, k = 0, done = 0;

	*err = 0;
	v = mult__alloc(sp, sizeof(*v) + (size_t)(n + 3) * sizeof(v->v[0]));
	if (v == NULL) {
		*err = MULT_ENOMEM;
		return NULL;
	}
	for (i = 0; i <= n; i++) {
		struct mult__ivl e;

		if (i < n)
			e = old->v[i];
		if (!done && keep && (i == n || e.first > first)) {
			v->v[k].first = first;
			v->v[k].last = last;
			v->v[k].owner = owner;
			k++;
			done = 1;
		}
		if (i == n)
			break;
		if (e.last < first || e.first > last) {
			v->v[k++] = e;
			continue;
		}
		if (e.first < first) {
			v->v[k] = e;
			v->v[k++].last = first - 1;
		}
		if (e.last > last) {
			if (!done && keep) {
				v->v[k].first = first;
				v->v[k].last = last;
				v->v[k].owner = owner;
				k++;
				done = 1;
			}
			v->v[k] = e;
			v->v[k++].first = last + 1;
		}
	}
	/* Merge touching neighbours of one owner. */
	n = k;
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && v->v[k - 1].owner == v->v[i].owner &&
		    v->v[k - 1].last + 1 == v->v[i].first)
			v->v[k - 1].last = v->v[i].last;
		else
			v->v[k++] = v->v[i];
	}
	v->n = k;
	if (k == 0) {
		mult__free(sp, v);
		return NULL;
	}
	return v;
}

/*
 * The allotment that confines in (I4): its own; in a shared domain without
 * one of its own, its nearest ancestor's. *all is set when that is the
 * whole co-domain (the host's).
 */
const struct mult__ivec *
mult__allot_effective(const struct mult__dom *d, const struct mult__inst *in,
    int *all)
{
	const struct mult__ds *ds;

	*all = 0;
	for (; in != NULL; in = in->parent) {
		if (in->parent == NULL) {
			*all = 1;
			return NULL;
		}
		ds = mult__ds_get(in, d->idx);
		if (ds != NULL && ds->allot != NULL)
			return ds->allot;
		if (!(d->flags & MULT_DOMAIN_SHARED))
			return NULL;
	}
	return NULL;
}

static int
mult__has_owners(const struct mult__dom *d)
{
	return d->kind == MULT_KIND_EXCLUSIVE ||
	    (d->kind == MULT_KIND_RANGE && !(d->flags & MULT_DOMAIN_SHARED));
}

/*
 * The owner index is the writer's alone (readers read the buckets made
 * from it): the one it replaces goes at once, with no grace period, and
 * costs the deferred-free machinery nothing.
 */
void
mult__owners_set(struct mult_space *sp, struct mult__dom *d,
    struct mult__ivec *owners)
{
	mult__free(sp, d->owners);
	d->owners = owners;
}

/*
 * Prepare d->pending: d's owner index with every resource held in the
 * subtree of root (being destroyed) handed back to root's parent.
 */
int
mult__owners_rebuild(struct mult_space *sp, struct mult__dom *d,
    struct mult__inst *root)
{
	const struct mult__ivec *old = d->owners;
	struct mult__ivec *v;
	uint64_t to = root->parent == sp->host ? 0 : root->parent->id;
	uint32_t i, k = 0, hit = 0;

	for (i = 0; old != NULL && i < old->n; i++) {
		int err;
		struct mult__inst *o = mult__inst_get(sp, old->v[i].owner, &err);

		MULT__ASSERT(o != NULL);
		if (o->doomed)
			hit = 1;
	}
	d->pending = NULL;
	d->has_pending = 0;
	if (!hit)
		return 0;
	v = mult__alloc(sp, sizeof(*v) + (size_t)old->n * sizeof(v->v[0]));
	if (v == NULL)
		return MULT_ENOMEM;
	for (i = 0; i < old->n; i++) {
		int err;
		struct mult__ivl e = old->v[i];
		struct mult__inst *o = mult__inst_get(sp, e.owner, &err);

		if (o->doomed) {
			if (to == 0)
				continue;
			e.owner = to;
		}
		if (k > 0 && v->v[k - 1].owner == e.owner &&
		    v->v[k - 1].last + 1 == e.first)
			v->v[k - 1].last = e.last;
		else
			v->v[k++] = e;
	}
	v->n = k;
	if (k == 0) {
		mult__free(sp, v);
		v = NULL;
	}
	if (d->obkt != NULL && mult__obkt_prepare(sp, d, v, d->lo, d->hi) != 0) {
		mult__free(sp, v);
		return MULT_ENOMEM;
	}
	d->pending = v;
	d->has_pending = 1;
	return 0;
}

/* ---- the owner index's buckets: what exclusive readers read ------------ */

/* Bucket i's units: [*bs, *be]. */
void
mult__obkt_bounds(const struct mult__dom *d, uint32_t i, uint64_t *bs,
    uint64_t *be)
{
	uint64_t mask = ((uint64_t)1 << d->obkt->shift) - 1;

	*bs = d->lo + ((uint64_t)i << d->obkt->shift);
	*be = d->hi - *bs < mask ? d->hi : *bs + mask;
}

/*
 * How many intervals of v meet [bs, be]. *j: in, an index no later than
 * the first of them; out, the first of them. Buckets taken in order share
 * one j.
 */
uint32_t
mult__obkt_clip(const struct mult__ivec *v, uint64_t bs, uint64_t be,
    uint32_t *j)
{
	uint32_t k;

	if (v == NULL)
		return 0;
	while (*j < v->n && v->v[*j].last < bs)
		(*j)++;
	for (k = 0; *j + k < v->n && v->v[*j + k].first <= be; k++)
		;
	return k;
}

/* Is bucket b the k intervals of v from j on, clipped to [bs, be]? */
int
mult__obkt_same(const struct mult__ivec *b, const struct mult__ivec *v,
    uint32_t j, uint32_t k, uint64_t bs, uint64_t be)
{
	uint32_t x;

	if ((b != NULL ? b->n : 0) != k)
		return 0;
	for (x = 0; x < k; x++) {
		const struct mult__ivl *e = &v->v[j + x];

		if (b->v[x].first != (e->first < bs ? bs : e->first) ||
		    b->v[x].last != (e->last > be ? be : e->last) ||
		    b->v[x].owner != e->owner)
			return 0;
	}
	return 1;
}

static struct mult__obkt *
mult__obkt_new(struct mult_space *sp, uint32_t nb, uint32_t shift)
{
	struct mult__obkt *ob = mult__alloc(sp, sizeof(*ob) +
	    (size_t)nb * sizeof(ob->b[0]));

	if (ob != NULL) {
		ob->nb = nb;
		ob->shift = shift;
	}
	return ob;
}

/* An exclusive domain's buckets, all empty, at its creation. */
int
mult__obkt_init(struct mult_space *sp, struct mult__dom *d)
{
	uint64_t span = d->hi - d->lo;
	uint32_t shift = 0, nb;

	while ((span >> shift) >= MULT__OBKT_MAX)
		shift++;
	nb = (uint32_t)(span >> shift) + 1;
	d->obkt = mult__obkt_new(sp, nb, shift);
	d->oprep = mult__obkt_new(sp, nb, shift);
	if (d->obkt == NULL || d->oprep == NULL) {
		mult__free(sp, d->obkt);
		mult__free(sp, d->oprep);
		d->obkt = d->oprep = NULL;
		return MULT_ENOMEM;
	}
	d->ofrom = 1;
	d->oto = 0;
	return 0;
}

/*
 * Prepare the buckets of [first, last] that owners (the owner index about
 * to be published) changes; the others keep theirs. NULL owners: none.
 */
int
mult__obkt_prepare(struct mult_space *sp, struct mult__dom *d,
    const struct mult__ivec *owners, uint64_t first, uint64_t last)
{
	struct mult__obkt *ob = d->obkt, *op = d->oprep;
	uint32_t i, j = 0, k, x;
	uint64_t bs, be;

	d->ofrom = (uint32_t)((first - d->lo) >> ob->shift);
	d->oto = (uint32_t)((last - d->lo) >> ob->shift);
	mult__obkt_bounds(d, d->ofrom, &bs, &be);
	if (owners != NULL)
		j = mult__ivec_lower(owners, bs);
	for (i = d->ofrom; i <= d->oto; i++) {
		const struct mult__ivec *old = ob->b[i];
		struct mult__ivec *nb = NULL;

		mult__obkt_bounds(d, i, &bs, &be);
		k = mult__obkt_clip(owners, bs, be, &j);
		if (mult__obkt_same(old, owners, j, k, bs, be))
			continue;
		if (k != 0) {
			if ((nb = mult__alloc(sp, sizeof(*nb) +
			    (size_t)k * sizeof(nb->v[0]))) == NULL) {
				mult__obkt_abort(sp, d);
				return MULT_ENOMEM;
			}
			nb->n = k;
			for (x = 0; x < k; x++) {
				nb->v[x] = owners->v[j + x];
				if (nb->v[x].first < bs)
					nb->v[x].first = bs;
				if (nb->v[x].last > be)
					nb->v[x].last = be;
			}
		}
		op->b[i] = nb;
		d->ochanged[i / 64] |= (uint64_t)1 << (i % 64);
	}
	return 0;
}

/* Publish the buckets prepared; retire those they replace. */
void
mult__obkt_commit(struct mult_space *sp, struct mult__dom *d)
{
	uint32_t i;

	for (i = d->ofrom; d->oprep != NULL && i <= d->oto; i++) {
		if (!(d->ochanged[i / 64] & ((uint64_t)1 << (i % 64))))
			continue;
		MULT__REPLACE(sp, d->obkt->b[i], d->oprep->b[i]);
		d->oprep->b[i] = NULL;
		d->ochanged[i / 64] &= ~((uint64_t)1 << (i % 64));
	}
	d->ofrom = 1;
	d->oto = 0;
}

/* Free the buckets prepared, which no reader has seen. */
void
mult__obkt_abort(struct mult_space *sp, struct mult__dom *d)
{
	uint32_t i;

	for (i = d->ofrom; d->oprep != NULL && i <= d->oto; i++) {
		mult__free(sp, d->oprep->b[i]);
		d->oprep->b[i] = NULL;
		d->ochanged[i / 64] &= ~((uint64_t)1 << (i % 64));
	}
	d->ofrom = 1;
	d->oto = 0;
}

/* At space destruction: the buckets and both arrays. */
void
mult__obkt_free(struct mult_space *sp, struct mult__dom *d)
{
	uint32_t i;

	for (i = 0; d->obkt != NULL && i < d->obkt->nb; i++)
		mult__free(sp, d->obkt->b[i]);
	mult__free(sp, d->obkt);
	mult__free(sp, d->oprep);
}

static int mult__descendants_use(const struct mult__inst *in, uint32_t dom,
    uint64_t first, uint64_t last);

/* Common checks of grant and revoke; takes the resolved arguments. */
static int
mult__allot_args(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t first, uint64_t count, struct mult__dom **dp,
    struct mult__inst **ip)
{
	int err;

	if ((err = mult__dom_get(sp, dom, dp)) != 0)
		return err;
	if ((*dp)->kind != MULT_KIND_RANGE && (*dp)->kind != MULT_KIND_EXCLUSIVE)
		return MULT_EKIND;
	if ((*ip = mult__inst_get(sp, inst, &err)) == NULL)
		return err;
	if (*ip == sp->host)
		return MULT_EPERM;
	if (first < (*dp)->lo || first + (count - 1) > (*dp)->hi)
		return MULT_ERANGE;
	return 0;
}

int
mult_allot_grant(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t first, uint64_t count)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	struct mult__ivec *allot, *owners = NULL;
	const struct mult__ivec *eff;
	uint64_t last = first + (count - 1);
	int err, all;

	if (sp == NULL || count == 0)
		return MULT_EINVAL;
	if (last < first)
		return MULT_ERANGE;
	mult_sys_lock(sp->lock);
	if ((err = mult__allot_args(sp, inst, dom, first, count, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	if (ds != NULL && mult__ivec_intersects(ds->allot, first, last)) {
		err = MULT_EOVERLAP;
		goto out;
	}
	/*
	 * In a shared domain an instance without a grant is confined by its
	 * ancestor's allotment; a first grant would confine it (and those
	 * below it) to much less. Refuse while anything relies on the old.
	 */
	if ((d->flags & MULT_DOMAIN_SHARED) && (ds == NULL || ds->allot == NULL) &&
	    ((ds != NULL && ds->map != NULL) ||
	    mult__descendants_use(in, dom, d->lo, d->hi))) {
		err = MULT_EBUSY;
		goto out;
	}
	eff = mult__allot_effective(d, in->parent, &all);
	if (!all && !mult__ivec_covers(eff, first, last)) {
		err = MULT_ERANGE;
		goto out;
	}
	if (mult__has_owners(d) &&
	    !mult__ivec_all_owned(d->owners, first, last, in->parent->id)) {
		err = MULT_EOVERLAP;
		goto out;
	}
	/* Prepare. */
	if ((err = mult__ds_prepare(sp, in->parent, dom, &ds)) != 0 ||
	    (err = mult__ds_prepare(sp, in, dom, &ds)) != 0)
		goto out;
	if ((err = mult__charge_check(sp, d, in, count, 0)) != 0)
		goto out;
	allot = mult__ivec_splice(sp, ds->allot, first, last, 0, 1, &err);
	if (allot == NULL)
		goto out;
	if (mult__has_owners(d)) {
		owners = mult__ivec_splice(sp, d->owners, first, last, in->id, 1,
		    &err);
		if (owners == NULL || (d->obkt != NULL &&
		    (err = mult__obkt_prepare(sp, d, owners, first, last)) != 0)) {
			mult__free(sp, owners);
			mult__free(sp, allot);
			goto out;
		}
	}
	/* Commit. */
	MULT__REPLACE(sp, ds->allot, allot);
	if (owners != NULL)
		mult__owners_set(sp, d, owners);
	mult__obkt_commit(sp, d);
	mult__charge(d, in, count, 0, 0);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/* Does any descendant of in hold or map anything in [first, last]? */
static int
mult__descendants_use(const struct mult__inst *in, uint32_t dom,
    uint64_t first, uint64_t last)
{
	struct mult__inst *c;

	for (c = in->child; c != NULL;
	    c = mult__subtree_next((struct mult__inst *)in, c)) {
		const struct mult__ds *ds = mult__ds_get(c, dom);
		uint32_t i;

		if (ds == NULL)
			continue;
		if (mult__ivec_intersects(ds->allot, first, last))
			return 1;
		for (i = 0; ds->map != NULL && i < ds->map->n; i++) {
			const struct mult__rext *e = &ds->map->dir[1].v[i];

			if (e->res <= last && e->res + (e->count - 1) >= first)
				return 1;
		}
	}
	return 0;
}

int
mult_allot_revoke(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t first, uint64_t count)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	struct mult__ivec *allot, *owners = NULL;
	uint64_t last = first + (count - 1);
	uint32_t i;
	int err;

	if (sp == NULL || count == 0)
		return MULT_EINVAL;
	if (last < first)
		return MULT_ERANGE;
	mult_sys_lock(sp->lock);
	if ((err = mult__allot_args(sp, inst, dom, first, count, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	if (ds == NULL || !mult__ivec_covers(ds->allot, first, last)) {
		err = MULT_ERANGE;
		goto out;
	}
	for (i = 0; ds->map != NULL && i < ds->map->n; i++) {
		const struct mult__rext *e = &ds->map->dir[1].v[i];

		if (e->res <= last && e->res + (e->count - 1) >= first) {
			err = MULT_EBUSY;
			goto out;
		}
	}
	/* Nor may it leave the children's reservations unbacked. */
	if (mult__descendants_use(in, dom, first, last) ||
	    (!(d->flags & MULT_DOMAIN_SHARED) &&
	    ds->sum_held > ds->usage - count)) {
		err = MULT_EBUSY;
		goto out;
	}
	/* Prepare. */
	allot = mult__ivec_splice(sp, ds->allot, first, last, 0, 0, &err);
	if (allot == NULL && err != 0)
		goto out;
	if (mult__has_owners(d)) {
		uint64_t to = in->parent == sp->host ? 0 : in->parent->id;

		owners = mult__ivec_splice(sp, d->owners, first, last, to,
		    to != 0, &err);
		if ((owners == NULL && err != 0) || (d->obkt != NULL &&
		    (err = mult__obkt_prepare(sp, d, owners, first, last)) != 0)) {
			mult__free(sp, owners);
			mult__free(sp, allot);
			goto out;
		}
	}
	/* Commit. */
	MULT__REPLACE(sp, ds->allot, allot);
	if (mult__has_owners(d))
		mult__owners_set(sp, d, owners);
	mult__obkt_commit(sp, d);
	mult__charge(d, in, 0 - count, 0, 0);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_allot_get(struct mult_interval *out, size_t cap, size_t *n,
    struct mult_space *sp, uint64_t inst, uint32_t dom)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	const struct mult__ivec *v;
	uint32_t i;
	int err = 0;

	if (n == NULL || (out == NULL && cap != 0))
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__dom_get(sp, dom, &d)) != 0)
		goto out;
	if (d->kind != MULT_KIND_RANGE && d->kind != MULT_KIND_EXCLUSIVE) {
		err = MULT_EKIND;
		goto out;
	}
	if ((in = mult__inst_get(sp, inst, &err)) == NULL)
		goto out;
	if (in == sp->host) {
		*n = 1;
		if (cap < 1) {
			err = MULT_ERANGE;
			goto out;
		}
		out[0].first = d->lo;
		out[0].count = d->hi - d->lo + 1;
		goto out;
	}
	ds = mult__ds_get(in, dom);
	v = ds != NULL ? mult__load_acq(&ds->allot) : NULL;
	*n = v != NULL ? v->n : 0;
	if (*n > cap) {
		err = MULT_ERANGE;
		goto out;
	}
	for (i = 0; i < *n; i++) {
		out[i].first = v->v[i].first;
		out[i].count = v->v[i].last - v->v[i].first + 1;
	}
out:
	mult_sys_read_exit();
	return err;
}

MULT__READ_BODY
mult__excl_owner_in(uint64_t *inst, struct mult_space *sp, uint32_t dom,
    uint64_t unit)
{
	const struct mult__ivl *e;
	struct mult__dom *d;
	int err = 0;

	if ((err = mult__dom_get(sp, dom, &d)) != 0)
		return err;
	if (d->kind != MULT_KIND_EXCLUSIVE)
		return MULT_EKIND;
	if (unit < d->lo || unit > d->hi)
		return MULT_ERANGE;
	e = mult__ivec_find(mult__load_acq(&d->obkt->b[(unit - d->lo) >>
	    d->obkt->shift]), unit);
	*inst = e != NULL ? e->owner : MULT_HOST;
	return 0;
}

MULT__READ_SLOW(mult__excl_owner, (uint64_t *inst, struct mult_space *sp,
    uint32_t dom, uint64_t unit), (inst, sp, dom, unit))

int
mult_excl_owner(uint64_t *inst, struct mult_space *sp, uint32_t dom,
    uint64_t unit)
{
	if (inst == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__excl_owner, (inst, sp, dom, unit));
}
