/*
 * libmult core: the verifier.
 *
 * It re-derives every invariant from the stored structures, never from the
 * bookkeeping that maintains them, and allocates nothing (it must work in
 * a space whose allocator has started to fail). It holds the writer lock,
 * so it sees one consistent state.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

struct mult__vctx {
	struct mult_space *sp;
	struct mult_violation *out;
};

static int
mult__fail(struct mult__vctx *v, int inv, uint32_t dom,
    const struct mult__inst *in, const struct mult__inst *other, uint64_t a,
    uint64_t b, const char *what)
{
	struct mult_violation *o = v->out;
	size_t n;

	if (o != NULL) {
		o->invariant = inv;
		o->dom = dom;
		o->inst = in != NULL ? in->id : 0;
		o->other = other != NULL ? other->id : 0;
		o->a = a;
		o->b = b;
		n = mult__strnlen(what, sizeof(o->what) - 1);
		mult__memcpy(o->what, what, n);
		o->what[n] = '\0';
	}
	return MULT_ECORRUPT;
}

#define FAIL(inv, in, other, a, b, what) \
	return mult__fail(v, (inv), dom, (in), (other), (a), (b), (what))

static int
mult__is_ancestor(const struct mult__inst *a, const struct mult__inst *c)
{
	for (; c != NULL; c = c->parent)
		if (c == a)
			return 1;
	return 0;
}

/*
 * I7 for every kind: usage is what is charged here plus the children's
 * (consumption) or the allotment's size; what the children hold is
 * recorded right and fits; nothing is over its limit.
 */
static int
mult__v_charges(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds, uint64_t own)
{
	const struct mult__inst *c;
	uint64_t usage = own, held = 0, cap;

	for (c = in->child; c != NULL; c = c->next) {
		const struct mult__ds *cds = mult__ds_get(c, dom);

		held += mult__held(d, cds);
		if (!mult__is_allot_kind(d))
			usage += cds != NULL ? cds->usage : 0;
	}
	if (ds == NULL) {
		if (usage != 0 || held != 0)
			FAIL(7, in, NULL, usage, held,
			    "children charged under an uncharged parent");
		return 0;
	}
	if (in == v->sp->host && mult__is_allot_kind(d))
		usage = ds->usage; /* the host's allotment is implicit */
	if (ds->usage != usage)
		FAIL(7, in, NULL, ds->usage, usage,
		    "usage differs from what is charged");
	if (ds->sum_held != held)
		FAIL(7, in, NULL, ds->sum_held, held,
		    "children's holdings recorded wrong");
	cap = mult__cap(v->sp, d, in, ds);
	if (!(d->flags & MULT_DOMAIN_SHARED) &&
	    (mult__is_allot_kind(d) ? held : ds->here + held) > cap)
		FAIL(7, in, NULL, held, cap, "holdings over the limit");
	if (ds->usage > ds->limit || ds->peak < ds->usage)
		FAIL(7, in, NULL, ds->usage, ds->limit, "usage over the limit");
	return 0;
}

/* Sorted, disjoint, non-wrapping, inside the co-domain. */
static int
mult__v_ivec(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ivec *iv, int merged)
{
	uint32_t i;

	for (i = 0; iv != NULL && i < iv->n; i++) {
		const struct mult__ivl *e = &iv->v[i];

		if (e->last < e->first || e->first < d->lo || e->last > d->hi)
			FAIL(5, in, NULL, e->first, e->last,
			    "interval wraps or leaves the co-domain");
		if (i > 0 && iv->v[i - 1].last >= e->first)
			FAIL(8, in, NULL, iv->v[i - 1].last, e->first,
			    "interval vector unsorted or overlapping");
		if (merged && i > 0 && iv->v[i - 1].last + 1 == e->first)
			FAIL(8, in, NULL, iv->v[i - 1].last, e->first,
			    "allotment intervals not merged");
	}
	if (iv != NULL && iv->n == 0)
		FAIL(8, in, NULL, 0, 0, "empty interval vector published");
	return 0;
}

/* Allotments: I1 (through the owner index), I2, I5. */
static int
mult__v_allot(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	const struct mult__ivec *a = ds != NULL ? ds->allot : NULL;
	const struct mult__ivec *eff;
	uint32_t i, j;
	int all, err;

	uint64_t size = 0;

	if ((err = mult__v_ivec(v, dom, d, in, a, 1)) != 0)
		return err;
	if (a == NULL)
		return mult__v_charges(v, dom, d, in, ds, 0);
	eff = mult__allot_effective(d, in->parent, &all);
	for (i = 0; i < a->n; i++) {
		const struct mult__ivl *e = &a->v[i];
		uint64_t at = e->first;
		int covered = 0;

		if (!all && !mult__ivec_covers(eff, e->first, e->last))
			FAIL(2, in, in->parent, e->first, e->last,
			    "allotment not inside the parent's");
		if (d->flags & MULT_DOMAIN_SHARED)
			continue;
		/* Every unit is owned by in or a descendant: I1. */
		for (j = 0; d->owners != NULL && j < d->owners->n; j++) {
			const struct mult__ivl *o = &d->owners->v[j];
			const struct mult__inst *oi;
			int e2;

			if (o->last < e->first || o->first > e->last)
				continue;
			if (o->first > at)
				break;
			oi = mult__inst_get(v->sp, o->owner, &e2);
			if (oi == NULL)
				FAIL(8, in, NULL, o->first, o->owner,
				    "owner index names a dead instance");
			if (!mult__is_ancestor(in, oi))
				FAIL(1, in, oi, o->first, o->last,
				    "allotment shared with a non-descendant");
			if (o->last >= e->last) {
				covered = 1;
				break;
			}
			at = o->last + 1;
		}
		if (!covered)
			FAIL(8, in, NULL, at, e->last,
			    "owner index misses part of an allotment");
	}
	for (i = 0; i < a->n; i++)
		size += a->v[i].last - a->v[i].first + 1;
	return mult__v_charges(v, dom, d, in, ds, size);
}

/*
 * What exclusive readers read: every bucket is the owner index clipped to
 * it, the buckets cover the domain, and nothing is left prepared (I8).
 */
static int
mult__v_obkt(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d)
{
	const struct mult__obkt *ob = d->obkt;
	uint64_t bs, be;
	uint32_t i, j = 0, k;

	if (ob == NULL || d->oprep == NULL || ob->shift > 63 ||
	    ((d->hi - d->lo) >> ob->shift) + 1 != ob->nb ||
	    ob->nb > MULT__OBKT_MAX || (ob->shift > 0 &&
	    ((d->hi - d->lo) >> (ob->shift - 1)) < MULT__OBKT_MAX))
		FAIL(8, NULL, NULL, ob != NULL ? ob->nb : 0,
		    ob != NULL ? ob->shift : 0, "owner buckets out of shape");
	for (i = 0; i < ob->nb; i++) {
		mult__obkt_bounds(d, i, &bs, &be);
		k = mult__obkt_clip(d->owners, bs, be, &j);
		if (!mult__obkt_same(ob->b[i], d->owners, j, k, bs, be))
			FAIL(8, NULL, NULL, i, k,
			    "owner bucket differs from the owner index");
		if (d->oprep->b[i] != NULL ||
		    (d->ochanged[i / 64] & ((uint64_t)1 << (i % 64))))
			FAIL(8, NULL, NULL, i, 0, "owner bucket left prepared");
	}
	return 0;
}

/* Every owner index entry lies in its owner's allotment and no child's. */
static int
mult__v_owners(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d)
{
	const struct mult__ivec *ow = d->owners;
	uint32_t i;
	int err;

	if ((err = mult__v_ivec(v, dom, d, NULL, ow, 0)) != 0)
		return err;
	for (i = 0; ow != NULL && i < ow->n; i++) {
		const struct mult__ivl *o = &ow->v[i];
		const struct mult__inst *oi, *c;
		const struct mult__ds *ds;
		int e2;

		oi = mult__inst_get(v->sp, o->owner, &e2);
		if (oi == NULL || oi == v->sp->host)
			FAIL(8, NULL, NULL, o->first, o->owner,
			    "owner index names the host or a dead instance");
		ds = mult__ds_get(oi, dom);
		if (ds == NULL || !mult__ivec_covers(ds->allot, o->first, o->last))
			FAIL(8, oi, NULL, o->first, o->last,
			    "owner index entry outside its owner's allotment");
		for (c = oi->child; c != NULL; c = c->next) {
			ds = mult__ds_get(c, dom);
			if (ds != NULL &&
			    mult__ivec_intersects(ds->allot, o->first, o->last))
				FAIL(8, oi, c, o->first, o->last,
				    "owner index entry not the deepest holder");
		}
	}
	return d->kind == MULT_KIND_EXCLUSIVE ? mult__v_obkt(v, dom, d) : 0;
}

/*
 * A direction of a map: its index finds every extent as a search would
 * (I3): each slot is the last extent whose key lies in an earlier bucket,
 * every key lies in a bucket, and steps halvings cover every bucket.
 */
static int
mult__v_rdir(struct mult__vctx *v, uint32_t dom, const struct mult__inst *in,
    const struct mult__rmap *m, int up)
{
	const struct mult__rdir *r = &m->dir[up];
	uint64_t b;
	uint32_t i;

#define BUCKET(j) ((MULT__RKEY(&r->v[j], up) - r->base) >> r->shift)
	if (r->shift > 63 || r->steps > 16 ||
	    r->base != MULT__RKEY(&r->v[0], up) || BUCKET(m->n - 1) > r->last)
		FAIL(3, in, NULL, r->base, r->shift, "map index out of shape");
	for (b = 0; b <= (uint64_t)r->last + 1; b++) {
		i = r->slot[b];
		if (i >= m->n || (b == 0 ? i != 0 : BUCKET(i) >= b ||
		    (i + 1 < m->n && BUCKET(i + 1) < b)))
			FAIL(3, in, NULL, b, i,
			    "map index slot not the last extent before it");
		if (b > 0 && (uint32_t)(i - r->slot[b - 1]) > (1u << r->steps))
			FAIL(3, in, NULL, b, r->steps,
			    "map index steps short of a bucket's extents");
	}
#undef BUCKET
	return 0;
}

/* Range maps: I3, I4, I5, I6. */
static int
mult__v_map(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	const struct mult__rmap *m = ds != NULL ? ds->map : NULL;
	const struct mult__rmap *pm = NULL;
	const struct mult__ivec *eff;
	uint32_t i, j;
	int all, err;

	if (m == NULL)
		return 0;
	if (in->parent == NULL)
		FAIL(8, in, NULL, 0, 0, "the host has a map");
	if (m->n == 0 || m->n > MULT_EXTENTS_MAX)
		FAIL(3, in, NULL, m->n, 0, "map size out of bounds");
	if (in->parent->parent != NULL) {
		const struct mult__ds *pds = mult__ds_get(in->parent, dom);

		pm = pds != NULL ? pds->map : NULL;
		if (pm == NULL)
			FAIL(4, in, in->parent, 0, 0, "map under an unmapped parent");
	}
	eff = mult__allot_effective(d, in, &all);
	for (i = 0; i < m->n; i++) {
		const struct mult__rext *e = &m->dir[0].v[i], *u = &m->dir[1].v[i];
		const struct mult_extent *w = &m->written[i];
		uint64_t res = w->lower;

		if (e->count == 0 || e->first + (e->count - 1) < e->first ||
		    e->res + (e->count - 1) < e->res ||
		    u->count == 0 || u->res + (u->count - 1) < u->res)
			FAIL(5, in, NULL, e->first, e->count, "extent wraps");
		if (e->first < d->lo || e->first + (e->count - 1) > d->hi)
			FAIL(5, in, NULL, e->first, e->count,
			    "identities outside the co-domain");
		if (i > 0 && m->dir[0].v[i - 1].first + (m->dir[0].v[i - 1].count - 1) >=
		    e->first)
			FAIL(3, in, NULL, m->dir[0].v[i - 1].first, e->first,
			    "identity ranges overlap or are unsorted");
		if (i > 0 && m->dir[1].v[i - 1].res + (m->dir[1].v[i - 1].count - 1) >= u->res)
			FAIL(3, in, NULL, m->dir[1].v[i - 1].res, u->res,
			    "resource ranges overlap or are unsorted");
		if (!all && !mult__ivec_covers(eff, e->res, e->res + (e->count - 1)))
			FAIL(4, in, NULL, e->res, e->count,
			    "mapped resources outside the allotment");
		/* The written extent, translated now, is what is stored. */
		if (w->first != e->first || w->count != e->count)
			FAIL(3, in, NULL, w->first, e->first,
			    "stored map differs from the written one");
		for (j = 0; pm != NULL && j < pm->n; j++)
			if (pm->dir[0].v[j].first <= w->lower &&
			    w->lower - pm->dir[0].v[j].first < pm->dir[0].v[j].count)
				break;
		if (pm != NULL) {
			if (j == pm->n || w->lower + (w->count - 1) >
			    pm->dir[0].v[j].first + (pm->dir[0].v[j].count - 1))
				FAIL(4, in, in->parent, w->lower, w->count,
				    "lower range not mapped by the parent");
			res = pm->dir[0].v[j].res + (w->lower - pm->dir[0].v[j].first);
		}
		if (res != e->res)
			FAIL(3, in, NULL, res, e->res,
			    "flattened resource disagrees with the parent's map");
		/* up and down are inverse: the viewer sees only its own. */
		for (j = 0; j < m->n; j++)
			if (m->dir[1].v[j].res == e->res && m->dir[1].v[j].first == e->first &&
			    m->dir[1].v[j].count == e->count)
				break;
		if (j == m->n)
			FAIL(6, in, NULL, e->first, e->res,
			    "reverse map disagrees with the forward map");
	}
	if ((err = mult__v_rdir(v, dom, in, m, 0)) != 0 ||
	    (err = mult__v_rdir(v, dom, in, m, 1)) != 0)
		return err;
	return 0;
}

/* Does a sibling of in hold obj at idx? Its tree has passed already. */
static int
mult__v_in_sibling(uint32_t dom, uint32_t top, const struct mult__inst *in,
    uint64_t idx, uint64_t obj)
{
	const struct mult__inst *c;

	for (c = in->parent != NULL ? in->parent->child : NULL; c != NULL;
	    c = c->next) {
		const struct mult__ds *cds = mult__ds_get(c, dom);

		if (c != in && cds != NULL &&
		    mult__radix_get(cds->ids, top, idx) == obj)
			return 1;
	}
	return 0;
}

/*
 * The radix tree of in (at depth k) holds obj at idx: the host's record of
 * obj must give it identity idx at depth k, and obj must be numbered in
 * in's parent and, unless in allocated it (*here counts those), in
 * exactly one child (I1, I2, I3, I6).
 */
static int
mult__v_numobj(struct mult__vctx *v, uint32_t dom, const struct mult__inst *in,
    uint64_t idx, uint64_t obj, uint64_t *here)
{
	const struct mult__dom *d = v->sp->doms[dom];
	const struct mult__ds *hds = mult__ds_get(v->sp->host, dom);
	const struct mult__inst *c;
	const struct mult__hent *e;
	uint32_t k = in->depth, found = 0;
	uint64_t nr;

	e = hds != NULL ? mult__ht_find(hds->objs, v->sp->seed, obj) : NULL;
	if (e == NULL)
		FAIL(3, in, NULL, idx, obj, "identity and object indexes disagree");
	if (!mult__num_at(e->val, k, &nr))
		FAIL(6, in, NULL, obj, idx,
		    "object visible without being allocated below");
	if (nr != idx) {
		/* Is obj where it should be in a sibling? */
		if (mult__v_in_sibling(dom, d->radix_top, in, nr, obj))
			FAIL(1, in->parent, NULL, obj, idx,
			    "object numbered in two sibling instances");
		FAIL(3, in, NULL, idx, obj, "identity and object indexes disagree");
	}
	if (in->parent != NULL) {
		const struct mult__ds *pds = mult__ds_get(in->parent, dom);

		if (!mult__num_at(e->val, k - 1, &nr) || pds == NULL ||
		    mult__radix_get(pds->ids, d->radix_top, nr) != obj)
			FAIL(2, in, in->parent, obj, idx,
			    "object not numbered in the parent");
	}
	if (mult__num_depth(e->val) == k) {
		/* Allocated here, so at this depth in no other instance. */
		if (mult__v_in_sibling(dom, d->radix_top, in, idx, obj))
			FAIL(1, in->parent, NULL, obj, idx,
			    "object numbered in two sibling instances");
		++*here;
		return 0;
	}
	/* Allocated below: numbered in exactly one child, at depth k + 1. */
	if (!mult__num_at(e->val, k + 1, &nr))
		FAIL(8, in, NULL, obj, idx, "object record inconsistent");
	for (c = in->child; c != NULL; c = c->next) {
		const struct mult__ds *cds = mult__ds_get(c, dom);

		if (cds != NULL &&
		    mult__radix_get(cds->ids, d->radix_top, nr) == obj)
			found++;
	}
	if (found > 1)
		FAIL(1, in, NULL, obj, found,
		    "object numbered in two sibling instances");
	if (found == 0)
		FAIL(6, in, NULL, obj, found,
		    "object visible without being allocated below");
	return 0;
}

/*
 * Count the objects a radix tree holds, checking its counts (I8); with
 * here, also each object (mult__v_numobj(), which counts in *here those
 * allocated here), which reads other instances' trees: only once every
 * tree has passed without.
 */
static int
mult__v_radix(struct mult__vctx *v, uint32_t dom, const struct mult__inst *in,
    const struct mult__ds *ds, uint64_t span, uint64_t *count, uint64_t *here)
{
	const struct mult__rnode *stack[11];
	uint64_t base[11];
	uint32_t pos[11];
	int top = 0;

	const struct mult__rnode *root = mult__rroot(ds->ids), *w;
	const struct mult__rnode *want[MULT__RLOW];
	const struct mult__rchunk *ch;
	uint32_t k;
	uint32_t rtop = v->sp->doms[dom]->radix_top;
	uint64_t tag = ds->ids & MULT__RTAG_MASK, leaves = 0, live = 0;

	*count = 0;
	for (ch = ds->leaves; ch != NULL; ch = ch->next) {
		if (ch->live == 0 && (ch != ds->leaves || ch->used == ch->cap))
			FAIL(8, in, NULL, ch->used, ch->cap,
			    "radix chunk kept with no leaf in the tree");
		live += ch->live;
	}
	if (root == NULL) {
		if (live != 0)
			FAIL(8, in, NULL, live, 0, "radix leaves miscounted");
		goto low;
	}
	/*
	 * Readers walk by the height in the root word, never by the nodes'
	 * shifts: the two must agree, below the domain's tallest root.
	 */
	if (rtop != mult__radix_top(span) ||
	    tag * MULT__RADIX_BITS > rtop ||
	    root->shift != mult__rshift(ds->ids, rtop))
		FAIL(8, in, NULL, root->shift, tag,
		    "radix root at the wrong height");
	stack[0] = root;
	base[0] = 0;
	pos[0] = 0;
	while (top >= 0) {
		const struct mult__rnode *n = stack[top];

		if (pos[top] == 0) {
			uint32_t i, used = 0, full = 0, kids = 0;

			for (i = 0; i < MULT__RADIX_FAN; i++) {
				const struct mult__rnode *c =
				    (const struct mult__rnode *)(uintptr_t)n->slot[i];

				if (n->shift == 0) {
					used += n->slot[i] != 0;
					if (n->slot[i] != 0) {
						uint64_t idx = base[top] + i;
						int err;

						if (idx >= span)
							FAIL(5, in, NULL, idx, span,
							    "identity outside the co-domain");
						err = here == NULL ? 0 :
						    mult__v_numobj(v, dom, in,
						    idx, n->slot[i], here);
						if (err != 0)
							return err;
					}
				} else if (c != NULL) {
					kids++;
					full += c->count == MULT__RADIX_FAN;
					if (c->shift + MULT__RADIX_BITS != n->shift)
						FAIL(8, in, NULL, c->shift, n->shift,
						    "radix levels inconsistent");
				}
			}
			if (n->count != (n->shift == 0 ? used : full) ||
			    (n->shift > 0 && n->kids != kids))
				FAIL(8, in, NULL, n->count, used,
				    "radix counts inconsistent");
			if (n->shift == 0) {
				const struct mult__rchunk *nc = n->chunk;
				uintptr_t at = (uintptr_t)n;

				if (nc == NULL || at < (uintptr_t)nc->leaf ||
				    at >= (uintptr_t)(nc->leaf + nc->used))
					FAIL(8, in, NULL, 0, 0,
					    "radix leaf outside its chunk");
				leaves++;
			}
			*count += used;
		}
		if (n->shift > 0 && pos[top] < MULT__RADIX_FAN) {
			uint32_t i = pos[top]++;
			const struct mult__rnode *c =
			    (const struct mult__rnode *)(uintptr_t)n->slot[i];

			if (c != NULL && top + 1 < 11) {
				stack[top + 1] = c;
				base[top + 1] = base[top] + ((uint64_t)i << n->shift);
				pos[top + 1] = 0;
				top++;
			}
			continue;
		}
		top--;
	}
	if (leaves != live)
		FAIL(8, in, NULL, leaves, live, "radix leaves miscounted");
low:
	/*
	 * Readers also walk from the short ways: each is the tree's leftmost
	 * node at its level, or NULL. The walk above checked the shifts.
	 */
	for (w = root, k = 0; k < MULT__RLOW; k++)
		want[k] = NULL;
	while (w != NULL) {
		if (w->shift / MULT__RADIX_BITS < MULT__RLOW)
			want[w->shift / MULT__RADIX_BITS] = w;
		w = w->shift > 0 ?
		    (const struct mult__rnode *)(uintptr_t)w->slot[0] : NULL;
	}
	for (k = 0; k < MULT__RLOW; k++)
		if (ds->low[k] != want[k])
			FAIL(8, in, NULL, k, want[k] != NULL,
			    "radix short way not the tree's leftmost node");
	return 0;
}

/*
 * The hash of the objects in allocated (not the host): each one's identity
 * there is the host's record of it, in's tree holds it there, and they
 * are as many as in was charged for (I3, I7).
 */
static int
mult__v_num_own(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	const struct mult__ds *hds = mult__ds_get(v->sp->host, dom);
	const struct mult__htab *t = ds->objs;
	uint64_t live = 0, nr;
	uint32_t i;

	for (i = 0; t != NULL && i < t->cap; i++) {
		const struct mult__hent *e = &t->e[i], *h;

		if (e->key == 0 || e->val == MULT__HT_TOMB)
			continue;
		live++;
		if (mult__ht_find(t, v->sp->seed, e->key) != e)
			FAIL(3, in, NULL, e->key, e->val, "object numbered twice");
		h = hds != NULL ? mult__ht_find(hds->objs, v->sp->seed, e->key) :
		    NULL;
		if (h == NULL || mult__num_depth(h->val) != in->depth ||
		    !mult__num_at(h->val, in->depth, &nr) || nr != e->val ||
		    mult__radix_get(ds->ids, d->radix_top, nr) != e->key)
			FAIL(3, in, NULL, e->val, e->key,
			    "object and identity indexes disagree");
	}
	if (live != ds->here || (t != NULL && live != t->live))
		FAIL(7, in, NULL, ds->here, live,
		    "objects allocated here miscounted");
	return 0;
}

/*
 * Numbered, first pass: each tree's shape and counts (I8), the host's
 * hash against its tree, each instance's own hash, the charges (I7).
 */
static int
mult__v_num(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	uint64_t live;
	int err;

	if (ds == NULL)
		return mult__v_charges(v, dom, d, in, ds, 0);
	if ((err = mult__v_radix(v, dom, in, ds, d->hi - d->lo + 1, &live,
	    NULL)) != 0)
		return err;
	if (in != v->sp->host && (err = mult__v_num_own(v, dom, d, in, ds)) != 0)
		return err;
	/* Every object the host's hash holds is in the host's tree. */
	if (in == v->sp->host && live != (ds->objs != NULL ? ds->objs->live : 0))
		FAIL(8, in, NULL, live, ds->objs != NULL ? ds->objs->live : 0,
		    "object count inconsistent");
	return mult__v_charges(v, dom, d, in, ds, ds->here);
}

/*
 * Numbered, second pass, once every tree is sound: each object of each
 * tree against the host's record of it and the trees around (I1, I2, I3,
 * I6), and what each instance allocated (I7). Children before parents,
 * so that a wrong object is blamed on the tree that holds it.
 */
static int
mult__v_num_objs(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d)
{
	const struct mult__inst *in = v->sp->host;
	int err;

	while (in->child != NULL)
		in = in->child;
	while (in != NULL) {
		const struct mult__ds *ds = mult__ds_get(in, dom);
		uint64_t live, here = 0;

		if (ds != NULL) {
			if ((err = mult__v_radix(v, dom, in, ds,
			    d->hi - d->lo + 1, &live, &here)) != 0)
				return err;
			if (here != ds->here || ds->usage != live)
				FAIL(7, in, NULL, ds->usage, live,
				    "usage differs from the objects numbered");
		}
		if (in->next != NULL) {
			for (in = in->next; in->child != NULL; in = in->child)
				;
		} else {
			in = in->parent;
		}
	}
	return 0;
}

/* Values: I5, I7, I8. */
static int
mult__v_value(struct mult__vctx *v, uint32_t dom, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	const struct mult__vtab *t = ds != NULL ? ds->vals : NULL;
	uint64_t bytes = 0;
	uint32_t i, n = 0;

	if (ds == NULL)
		return mult__v_charges(v, dom, d, in, ds, 0);
	for (i = 0; t != NULL && i <= t->mask; i++) {
		const struct mult__vent *e = t->s[i].e;
		uint32_t j;

		if (t->s[i].hash == 0) {
			if (e != NULL)
				FAIL(8, in, NULL, i, 0, "empty value slot has an entry");
			continue;
		}
		if (e == NULL || e->hash != t->s[i].hash)
			FAIL(8, in, NULL, t->s[i].hash, i,
			    "value slot and its entry disagree");
		n++;
		bytes += e->vlen;
		if (e->vlen > d->value_max || e->klen == 0 || e->klen > MULT_NAME_MAX)
			FAIL(5, in, NULL, e->klen, e->vlen, "value or key too long");
		if (mult__hash_str(v->sp->seed, e->kv, e->klen) != e->hash)
			FAIL(8, in, NULL, e->hash, i, "value key hash wrong");
		/* A get probes from the key's home: no gap, no twin on the way. */
		for (j = (uint32_t)e->hash & t->mask; j != i; j = (j + 1) & t->mask) {
			const struct mult__vent *o = t->s[j].e;

			if (t->s[j].hash == 0)
				FAIL(8, in, NULL, e->hash, i,
				    "value key unreachable by its probe");
			if (o != NULL && o->klen == e->klen &&
			    mult__memcmp(o->kv, e->kv, e->klen) == 0)
				FAIL(8, in, NULL, e->hash, i, "value key twice");
		}
	}
	/* At most half full: a probe for a key not there ends. */
	if (t != NULL && (n != t->n || n == 0 || 2 * (uint64_t)n > t->mask + 1ull))
		FAIL(8, in, NULL, n, t->n, "value table counts inconsistent");
	if (ds->here != bytes)
		FAIL(7, in, NULL, ds->here, bytes,
		    "charge differs from the bytes held");
	return mult__v_charges(v, dom, d, in, ds, bytes);
}

/* The tree, the slot table and the name table agree (I8). */
static int
mult__v_inst(struct mult__vctx *v, const struct mult__inst *in)
{
	struct mult_space *sp = v->sp;
	const struct mult__inst *got;
	const struct mult__slot *sl;
	uint32_t dom = MULT__U32_MAX;
	int err;

	got = mult__inst_get(sp, in->id, &err);
	if (got != in)
		FAIL(8, in, NULL, in->id, 0, "instance unreachable by its id");
	sl = mult__slot_at(sp->sdir, (uint32_t)in->id);
	for (dom = 0; dom < MULT__SLOT_DS; dom++) {
		const struct mult__ds *ds = mult__ds_get(in, dom);

		if (sl->ds[dom] != ds || (ds != NULL && ds->inst != in->id))
			FAIL(8, in, NULL, ds != NULL ? ds->inst : 0,
			    in->id, "slot's copy of a state is not its own");
	}
	dom = MULT__U32_MAX;
	if (in->parent != NULL && in->depth != in->parent->depth + 1)
		FAIL(8, in, in->parent, in->depth, in->parent->depth,
		    "depth inconsistent");
	if ((in->flags & MULT__INST_FEDERATED) &&
	    (in->parent != sp->host || in->child != NULL))
		FAIL(8, in, in->parent, 0, 0, "federated instance nested");
	if (in->next != NULL && in->next->prev != in)
		FAIL(8, in, in->next, 0, 0, "sibling links inconsistent");
	if (in->child != NULL && (in->child->parent != in || in->child->prev))
		FAIL(8, in, in->child, 0, 0, "child links inconsistent");
	if (in->name_hash != 0) {
		size_t len = mult__strnlen(in->name, MULT_NAME_MAX + 1);
		const struct mult__htab *t = sp->names;
		uint32_t i, found = 0;

		for (i = 0; t != NULL && i < t->cap; i++)
			if (t->e[i].key != 0 && t->e[i].val == (uint64_t)(uintptr_t)in)
				found++;
		if (len == 0 || len > MULT_NAME_MAX || found != 1 ||
		    in->name_hash != mult__hash_str(sp->seed, in->name, len))
			FAIL(8, in, NULL, found, len, "name table inconsistent");
	}
	return 0;
}

int
mult_verify(struct mult_violation *out, struct mult_space *sp)
{
	struct mult__vctx ctx = { sp, out };
	struct mult__vctx *v = &ctx;
	struct mult__inst *in;
	uint64_t live = 0, slots = 0;
	uint32_t dom = MULT__U32_MAX, s;
	int err = 0;

	if (sp == NULL)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	for (in = sp->host; in != NULL && err == 0;
	    in = mult__subtree_next(sp->host, in)) {
		live++;
		err = mult__v_inst(v, in);
		for (dom = 0; err == 0 && dom < sp->ndoms; dom++) {
			const struct mult__dom *d = sp->doms[dom];
			const struct mult__ds *ds = mult__ds_get(in, dom);

			switch (d->kind) {
			case MULT_KIND_RANGE:
			case MULT_KIND_EXCLUSIVE:
				if (in == sp->host && ds != NULL && ds->allot != NULL)
					err = mult__fail(v, 2, dom, in, NULL, 0, 0,
					    "the host has an allotment");
				if (err == 0)
					err = mult__v_allot(v, dom, d, in, ds);
				if (err == 0)
					err = mult__v_map(v, dom, d, in, ds);
				break;
			case MULT_KIND_NUMBERED:
				err = mult__v_num(v, dom, d, in, ds);
				break;
			default:
				err = mult__v_value(v, dom, d, in, ds);
				break;
			}
		}
	}
	for (dom = 0; err == 0 && dom < sp->ndoms && dom < MULT__SLOT_DS; dom++)
		if (sp->lo[dom] != sp->doms[dom]->lo)
			err = mult__fail(v, 8, dom, NULL, NULL, sp->lo[dom],
			    sp->doms[dom]->lo, "space's copy of lo differs");
	for (dom = 0; err == 0 && dom < sp->ndoms; dom++)
		if (sp->doms[dom]->kind == MULT_KIND_NUMBERED)
			err = mult__v_num_objs(v, dom, sp->doms[dom]);
	for (dom = 0; err == 0 && dom < sp->ndoms; dom++)
		if (sp->doms[dom]->kind == MULT_KIND_EXCLUSIVE ||
		    (sp->doms[dom]->kind == MULT_KIND_RANGE &&
		    !(sp->doms[dom]->flags & MULT_DOMAIN_SHARED)))
			err = mult__v_owners(v, dom, sp->doms[dom]);
		else if (sp->doms[dom]->owners != NULL)
			err = mult__fail(v, 8, dom, NULL, NULL, 0, 0,
			    "owner index in a domain without one");
	if (err == 0) {
		dom = MULT__U32_MAX;
		for (s = 1; err == 0 && (s < sp->next_slot ||
		    (sp->next_slot == 0 && s != 0)); s++) {
			const struct mult__slot *sl = mult__slot_at(sp->sdir, s);
			uint32_t k;

			if (sl == NULL)
				continue;
			if (sl->inst != NULL) {
				slots++;
				continue;
			}
			for (k = 0; k < MULT__SLOT_DS && err == 0; k++)
				if (sl->ds[k] != NULL)
					err = mult__fail(v, 8, k, NULL, NULL,
					    s, 0, "free slot keeps a state");
		}
		if (err == 0 && slots != live)
			err = mult__fail(v, 8, dom, NULL, NULL, slots, live,
			    "slot table holds instances outside the tree");
	}
	mult_sys_unlock(sp->lock);
	return err;
}
