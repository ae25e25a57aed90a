/*
 * libmult core: range domains, Linux user-namespace map semantics.
 *
 * A map is checked and flattened once, when written: each extent's lower
 * range is translated through the parent's (already flat) map, so the
 * stored extents go straight from the instance's identities to resources
 * and a lookup is one binary search at any depth. The map is kept sorted
 * twice, by identity for down() and by resource for up(), each sort done on
 * the flattened values (sorting before translating is CVE-2018-18955).
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

/*
 * Buckets in the index of n extents: 4 to 8 an extent, so that few
 * buckets hold the start of an extent, and then mostly at their start.
 */
static uint32_t
mult__rdir_buckets(uint32_t n)
{
	uint32_t nb = 8;

	while (nb < 4 * n)
		nb *= 2;
	return nb;
}

/*
 * The extents of r in bucket b before its last, slot[b] to slot[b + 1] - 1:
 * the last whose key is <= x, or slot[b]. Branch-free, steps halvings.
 */
static inline const struct mult__rext *
mult__rdir_below(const struct mult__rdir *r, uint64_t b, uint64_t x,
    int by_res)
{
	const struct mult__rext *e = r->v + r->slot[b];
	uint32_t n = (uint32_t)(r->slot[b + 1] - r->slot[b]), half, s;

	for (s = r->steps; s > 0; s--) {
		half = n / 2;
		e = MULT__RKEY(e + half, by_res) <= x ? e + half : e;
		n -= half;
	}
	return e;
}

/*
 * The extent of r that may hold x: the last whose key (first or res) is
 * <= x, or one whose key is above x if none is. That is the last extent
 * the index gives x's bucket, unless the bucket holds its start and x
 * lies below it (x in a gap, or in an earlier extent): a branch, predicted
 * for most x, so that the loads of the answer wait on no compare. An x
 * below every key wraps into the last bucket, whose keys are all above it.
 */
static inline const struct mult__rext *
mult__rdir_find(const struct mult__rdir *r, uint64_t x, int by_res)
{
	uint64_t b = (x - r->base) >> r->shift;
	const struct mult__rext *e;

	b = b < r->last ? b : r->last;
	e = r->v + r->slot[b + 1];
	if (mult__unlikely(MULT__RKEY(e, by_res) > x))
		e = mult__rdir_below(r, b, x, by_res);
	return e;
}

/* Last extent of r whose key (first or res) is <= x, or NULL. */
static inline const struct mult__rext *
mult__rdir_search(const struct mult__rdir *r, uint64_t x, int by_res)
{
	const struct mult__rext *e = mult__rdir_find(r, x, by_res);

	return MULT__RKEY(e, by_res) <= x ? e : NULL;
}

/*
 * x through r, down (identity to resource) or up: 1 and *y if an extent
 * holds x, else 0.
 */
static inline int
mult__rdir_xlate(const struct mult__rdir *r, uint64_t x, int up, uint64_t *y)
{
	const struct mult__rext *e = mult__rdir_find(r, x, up);
	uint64_t key = MULT__RKEY(e, up);

	*y = MULT__RKEY(e, !up) + (x - key);
	return key <= x && x - key < e->count;
}

/*
 * Index r's n sorted extents in nb buckets (a power of two, at least 2):
 * the least shift that puts every key in one, the slots, and the steps
 * that search the most extents a bucket holds before its last.
 */
static void
mult__rdir_index(struct mult__rdir *r, uint32_t n, int by_res, uint32_t nb)
{
	uint64_t span = MULT__RKEY(&r->v[n - 1], by_res) - MULT__RKEY(&r->v[0],
	    by_res);
	uint32_t b, i = 0, most = 1;

	r->base = MULT__RKEY(&r->v[0], by_res);
	r->last = nb - 1;
	for (r->shift = 0; (span >> r->shift) > r->last; r->shift++)
		;
	for (b = 0; b <= nb; b++) {
		while (i < n && (MULT__RKEY(&r->v[i], by_res) - r->base) >>
		    r->shift < b)
			i++;
		r->slot[b] = (uint16_t)(i > 0 ? i - 1 : 0);
		if (b > 0 && (uint32_t)(r->slot[b] - r->slot[b - 1]) > most)
			most = r->slot[b] - r->slot[b - 1];
	}
	for (r->steps = 0; (1u << r->steps) < most; r->steps++)
		;
}

/* Insertion sort: n <= 340, writers only, no recursion, no extra memory. */
static void
mult__rext_sort(struct mult__rext *v, uint32_t n, int by_res)
{
	uint32_t i, j;

	for (i = 1; i < n; i++) {
		struct mult__rext x = v[i];
		uint64_t k = by_res ? x.res : x.first;

		for (j = i; j > 0 && (by_res ? v[j - 1].res : v[j - 1].first) > k;
		    j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void
mult__ext_sort(struct mult_extent *v, uint32_t n, int by_lower)
{
	uint32_t i, j;

	for (i = 1; i < n; i++) {
		struct mult_extent x = v[i];
		uint64_t k = by_lower ? x.lower : x.first;

		for (j = i; j > 0 &&
		    (by_lower ? v[j - 1].lower : v[j - 1].first) > k; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Check the extents as written: counts, wrap, co-domain, overlaps. */
static int
mult__rmap_check(const struct mult__dom *d, struct mult_extent *w, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (w[i].count == 0)
			return MULT_EINVAL;
		if (w[i].first + (w[i].count - 1) < w[i].first ||
		    w[i].lower + (w[i].count - 1) < w[i].lower)
			return MULT_ERANGE;
		if (w[i].first < d->lo || w[i].first + (w[i].count - 1) > d->hi)
			return MULT_ERANGE;
	}
	mult__ext_sort(w, n, 1);
	for (i = 1; i < n; i++)
		if (w[i].lower <= w[i - 1].lower + (w[i - 1].count - 1))
			return MULT_EOVERLAP;
	mult__ext_sort(w, n, 0);
	for (i = 1; i < n; i++)
		if (w[i].first <= w[i - 1].first + (w[i - 1].count - 1))
			return MULT_EOVERLAP;
	return 0;
}

/*
 * Translate each extent's lower range to resources through the parent's
 * map (the identity for the host); each must fall in one parent extent,
 * and, translated, inside the instance's allotment.
 */
static int
mult__rmap_flatten(const struct mult__dom *d, const struct mult__inst *in,
    struct mult__rmap *m)
{
	const struct mult__inst *p = in->parent;
	const struct mult__rmap *pm = NULL;
	const struct mult__ivec *eff;
	uint32_t i;
	int all;

	if (p->parent != NULL) {
		const struct mult__ds *pds = mult__ds_get(p, d->idx);

		pm = pds != NULL ? pds->map : NULL;
		if (pm == NULL)
			return MULT_ERANGE;
	}
	eff = mult__allot_effective(d, in, &all);
	for (i = 0; i < m->n; i++) {
		const struct mult_extent *w = &m->written[i];
		uint64_t res = w->lower;

		if (pm != NULL) {
			const struct mult__rext *pe = mult__rdir_search(&pm->dir[0],
			    w->lower, 0);

			if (pe == NULL || w->lower + (w->count - 1) >
			    pe->first + (pe->count - 1))
				return MULT_ERANGE;
			res = pe->res + (w->lower - pe->first);
		} else if (res < d->lo || res + (w->count - 1) > d->hi) {
			return MULT_ERANGE;
		}
		if (!all && !mult__ivec_covers(eff, res, res + (w->count - 1)))
			return MULT_ERANGE;
		m->dir[0].v[i].first = w->first;
		m->dir[0].v[i].res = res;
		m->dir[0].v[i].count = w->count;
		m->dir[1].v[i] = m->dir[0].v[i];
	}
	mult__rext_sort(m->dir[1].v, m->n, 1);
	mult__rdir_index(&m->dir[0], m->n, 0, mult__rdir_buckets(m->n));
	mult__rdir_index(&m->dir[1], m->n, 1, mult__rdir_buckets(m->n));
	return 0;
}

int
mult_range_map(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const struct mult_extent *ext, size_t n)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	struct mult__rmap *m;
	size_t size, room;
	int err;

	if (sp == NULL || ext == NULL || n == 0)
		return MULT_EINVAL;
	if (n > MULT_EXTENTS_MAX)
		return MULT_E2BIG;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_RANGE, &d, &in)) != 0)
		goto out;
	if (in == sp->host) {
		err = MULT_EPERM;
		goto out;
	}
	ds = mult__ds_get(in, dom);
	if (ds != NULL && ds->map != NULL) {
		err = MULT_EEXIST;
		goto out;
	}
	room = mult__rdir_buckets((uint32_t)n) + 1;
	size = sizeof(*m) + n * sizeof(struct mult_extent) +
	    2 * n * sizeof(struct mult__rext) + 2 * room * sizeof(uint16_t);
	m = mult__alloc(sp, size);
	if (m == NULL) {
		err = MULT_ENOMEM;
		goto out;
	}
	m->n = (uint32_t)n;
	m->written = (struct mult_extent *)(void *)(m + 1);
	m->dir[0].v = (struct mult__rext *)(void *)(m->written + n);
	m->dir[1].v = m->dir[0].v + n;
	m->dir[0].slot = (uint16_t *)(void *)(m->dir[1].v + n);
	m->dir[1].slot = m->dir[0].slot + room;
	mult__memcpy(m->written, ext, n * sizeof(*ext));
	if ((err = mult__rmap_check(d, m->written, m->n)) != 0 ||
	    (err = mult__rmap_flatten(d, in, m)) != 0 ||
	    (err = mult__ds_prepare(sp, in, dom, &ds)) != 0) {
		mult__free(sp, m);
		goto out;
	}
	mult__store_rel(&ds->map, m);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/* The map of in in dom, for readers; NULL if none was written. */
static inline const struct mult__rmap *
mult__rmap_get(const struct mult__inst *in, uint32_t dom)
{
	const struct mult__ds *ds = mult__ds_get(in, dom);

	return ds != NULL ? mult__load_acq(&ds->map) : NULL;
}

/*
 * x through inst's map in dom, down (identity to resource) or up, into *y.
 * In a read section; inlined with up a constant.
 */
MULT__READ_BODY
mult__range_xlate_in(uint64_t *y, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t x, int up)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	const struct mult__rmap *m;
	uint64_t v;
	int err;

	/*
	 * The short way (mult__slot_ds()). Only a range domain's state in
	 * an instance other than the host has a map, and the long way would
	 * read the same one: its answer, a miss too, is the answer.
	 */
	if (mult__likely((ds = mult__slot_ds(sp, inst, dom)) != NULL) &&
	    (m = mult__load_acq(&ds->map)) != NULL)
		goto xlate;
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_RANGE, &d, &in)) != 0)
		return err;
	if (in->parent == NULL) {
		if (x < d->lo || x > d->hi)
			return MULT_ENOENT;
		*y = x;
		return 0;
	}
	if ((m = mult__rmap_get(in, dom)) == NULL)
		return MULT_ENOENT;
xlate:
	/* *y is left alone on a miss. */
	if (!mult__rdir_xlate(&m->dir[up], x, up, &v))
		return MULT_ENOENT;
	*y = v;
	return 0;
}

MULT__READ_SLOW(mult__range_xlate, (uint64_t *y, struct mult_space *sp,
    uint64_t inst, uint32_t dom, uint64_t x, int up),
    (y, sp, inst, dom, x, up))

int
mult_range_down(uint64_t *res, struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t id)
{
	if (res == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__range_xlate, (res, sp, inst, dom, id, 0));
}

int
mult_range_up(uint64_t *id, struct mult_space *sp, uint64_t viewer,
    uint32_t dom, uint64_t res)
{
	if (id == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__range_xlate, (id, sp, viewer, dom, res, 1));
}

/*
 * Translate n values x[] through in's map, down (identity to resource) or
 * up, into y[]; miss where a value has no translation. Returns how many
 * had one. In a read section. Inlined with up a constant (below), so
 * each direction gets a loop of its own with nothing in it but the search.
 */
static inline size_t
mult__range_many(const struct mult__dom *d, const struct mult__inst *in,
    uint32_t dom, int up, const uint64_t *x, uint64_t *y, size_t n,
    uint64_t miss)
{
	const struct mult__rmap *m;
	size_t i, hits = 0;

	if (in->parent == NULL) {
		for (i = 0; i < n; i++) {
			int hit = x[i] >= d->lo && x[i] <= d->hi;

			y[i] = hit ? x[i] : miss;
			hits += (size_t)hit;
		}
		return hits;
	}
	if ((m = mult__rmap_get(in, dom)) == NULL) {
		for (i = 0; i < n; i++)
			y[i] = miss;
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t v;
		int hit = mult__rdir_xlate(&m->dir[up], x[i], up, &v);

		y[i] = hit ? v : miss;
		hits += (size_t)hit;
	}
	return hits;
}

/* mult__range_many() with its direction a constant, a loop each. */
static size_t
mult__range_many_down(const struct mult__dom *d, const struct mult__inst *in,
    uint32_t dom, const uint64_t *x, uint64_t *y, size_t n, uint64_t miss)
{
	return mult__range_many(d, in, dom, 0, x, y, n, miss);
}

static size_t
mult__range_many_up(const struct mult__dom *d, const struct mult__inst *in,
    uint32_t dom, const uint64_t *x, uint64_t *y, size_t n, uint64_t miss)
{
	return mult__range_many(d, in, dom, 1, x, y, n, miss);
}

/* The common body of the two batch translations. */
static int
mult__range_many_call(uint64_t *y, size_t *found, struct mult_space *sp,
    uint64_t inst, uint32_t dom, const uint64_t *x, size_t n, uint64_t miss,
    int up)
{
	struct mult__dom *d;
	struct mult__inst *in;
	size_t hits = 0;
	int err;

	if (n != 0 && (y == NULL || x == NULL))
		return MULT_EINVAL;
	mult_sys_read_enter();
	err = mult__resolve(sp, inst, dom, MULT_KIND_RANGE, &d, &in);
	if (err == 0)
		hits = up ? mult__range_many_up(d, in, dom, x, y, n, miss) :
		    mult__range_many_down(d, in, dom, x, y, n, miss);
	mult_sys_read_exit();
	if (err == 0 && found != NULL)
		*found = hits;
	return err;
}

int
mult_range_down_many(uint64_t *res, size_t *found, struct mult_space *sp,
    uint64_t inst, uint32_t dom, const uint64_t *ids, size_t n, uint64_t miss)
{
	return mult__range_many_call(res, found, sp, inst, dom, ids, n, miss,
	    0);
}

int
mult_range_up_many(uint64_t *ids, size_t *found, struct mult_space *sp,
    uint64_t viewer, uint32_t dom, const uint64_t *res, size_t n,
    uint64_t miss)
{
	return mult__range_many_call(ids, found, sp, viewer, dom, res, n, miss,
	    1);
}

int
mult_range_get(struct mult_extent *out, size_t cap, size_t *n,
    struct mult_space *sp, uint64_t inst, uint32_t dom)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__rmap *m;
	int err;

	if (n == NULL || (out == NULL && cap != 0))
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_RANGE, &d, &in)) != 0)
		goto out;
	m = mult__rmap_get(in, dom);
	*n = m != NULL ? m->n : 0;
	if (*n > cap) {
		err = MULT_ERANGE;
		goto out;
	}
	if (m != NULL)
		mult__memcpy(out, m->written, m->n * sizeof(*out));
out:
	mult_sys_read_exit();
	return err;
}
