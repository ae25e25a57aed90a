/*
 * libmult core: hard limits and reservations (I7).
 *
 * Consumption domains (numbered: objects, value: bytes). Each instance c
 * has its own charge here(c); usage(c) = here(c) + the usage of each child.
 * A child s holds against its parent held(s) = max(reserve(s), demand(s)),
 * where demand(c) = here(c) + sum_held(c), sum_held(c) being what c's
 * children hold. The rule, at every instance: demand(c) <= cap(c), the
 * limit (and for the host of a numbered domain, the number of identities).
 * Since held(s) >= usage(s), usage(c) <= demand(c) <= limit(c): I7. A
 * sibling's unused reservation is part of the parent's demand, so nobody
 * else can take it.
 *
 * Allotment domains (range, exclusive). usage(c) = |A(c)|, capped by
 * limit(c). A child holds held(s) = max(reserve(s), usage(s)) of its
 * parent's allotment: sum_held(p) <= |A(p)| (the co-domain for the host),
 * so a reservation is backed by real resources of the parent.
 *
 * Every change is computed first by mult__charge_check(), which changes
 * nothing but the refusal counters, then applied by mult__charge().
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

/* Would a + b exceed cap? Asked without wrapping (I5). */
static int
mult__exceeds(uint64_t a, uint64_t b, uint64_t cap)
{
	return b > cap || a > cap - b;
}

int
mult__refuse(struct mult__inst *by, struct mult__inst *c, uint32_t dom)
{
	struct mult__ds *bds = mult__ds_get(by, dom);
	struct mult__ds *cds = mult__ds_get(c, dom);

	if (bds != NULL)
		mult__store(&bds->refusals, bds->refusals + 1);
	if (cds != NULL)
		mult__store(&cds->refused_by, by->id);
	return MULT_EQUOTA;
}

/*
 * May c's own charge grow by here_inc (consumption domains), or c's
 * allotment by here_inc units (allotment domains)? held_inc instead adds
 * to what c holds at its parent without charging c itself (a new child's
 * inherited values, a reservation). Every level must have its state.
 */
int
mult__charge_check(struct mult_space *sp, const struct mult__dom *d,
    struct mult__inst *c, uint64_t here_inc, uint64_t held_inc)
{
	const struct mult__ds *ds = mult__ds_get(c, d->idx);
	struct mult__inst *a, *p;
	uint64_t before, after, sum_inc, use_inc = here_inc;

	if (mult__is_allot_kind(d)) {
		if (here_inc != 0 && mult__exceeds(ds->usage, here_inc, ds->limit))
			return mult__refuse(c, c, d->idx);
		p = c->parent;
		before = mult__held(d, ds);
		after = mult__max(ds->reserve + held_inc, ds->usage + here_inc);
		/* Siblings of a shared domain may overlap: holdings mean nothing. */
		if (p == NULL || after <= before || (d->flags & MULT_DOMAIN_SHARED))
			return 0;
		ds = mult__ds_get(p, d->idx);
		if (mult__exceeds(ds != NULL ? ds->sum_held : 0, after - before,
		    mult__cap(sp, d, p, ds)))
			return mult__refuse(p, c, d->idx);
		return 0;
	}
	/* Consumption: walk up while what a level holds keeps growing. */
	sum_inc = 0;
	for (a = c; a != NULL; a = a->parent) {
		uint64_t demand;

		ds = mult__ds_get(a, d->idx);
		demand = ds->here + ds->sum_held;
		/* Identities really used up: no quota, just none left. */
		if (a == sp->host && d->kind == MULT_KIND_NUMBERED &&
		    mult__exceeds(ds->usage, use_inc, d->hi - d->lo + 1))
			return MULT_ENOSPC;
		/* One of the two is 0: their sum can't wrap. */
		if (here_inc + sum_inc != 0 &&
		    mult__exceeds(demand, here_inc + sum_inc, mult__cap(sp, d, a, ds)))
			return mult__refuse(a, c, d->idx);
		before = mult__held(d, ds);
		after = mult__max(ds->reserve + (a == c ? held_inc : 0),
		    demand + here_inc + sum_inc);
		if (after <= before)
			return 0;
		sum_inc = after - before;
		here_inc = 0;
	}
	return 0;
}

static void
mult__add(uint64_t *field, uint64_t delta)
{
	mult__store(field, *field + delta);
}

/*
 * Apply a change at a: usage by dusage (also at every ancestor, for
 * consumption domains), own charge by dhere, children's holdings by dsum;
 * what a holds at its parent changes accordingly, and so on up. Deltas are
 * modulo 2^64 (pass 0 - n to subtract n), so no count is ever squeezed
 * through a signed type; mult__charge_check() has proved every result
 * fits.
 */
void
mult__charge(const struct mult__dom *d, struct mult__inst *a, uint64_t dusage,
    uint64_t dhere, uint64_t dsum)
{
	int allot = mult__is_allot_kind(d);

	for (; a != NULL; a = a->parent) {
		struct mult__ds *ds;
		uint64_t before;

		if (dsum == 0 && dusage == 0 && dhere == 0)
			break;
		ds = mult__ds_get(a, d->idx);
		MULT__ASSERT(ds != NULL); /* charged levels were prepared */
		before = mult__held(d, ds);

		mult__add(&ds->here, dhere);
		mult__add(&ds->sum_held, dsum);
		mult__add(&ds->usage, dusage);
		if (ds->usage > ds->peak)
			mult__store(&ds->peak, ds->usage);
		dsum = mult__held(d, ds) - before;
		dhere = 0;
		if (allot)
			dusage = 0;
	}
}

/* x's subtree goes: what x used and held leaves its ancestors. */
void
mult__charge_detach(const struct mult__dom *d, struct mult__inst *x)
{
	const struct mult__ds *ds = mult__ds_get(x, d->idx);

	if (ds == NULL || x->parent == NULL)
		return;
	mult__charge(d, x->parent, mult__is_allot_kind(d) ? 0 : 0 - ds->usage,
	    0, 0 - mult__held(d, ds));
}

/* Common start of the two writers: the instance and its state. */
static int
mult__limit_args(struct mult_space *sp, uint64_t inst, uint32_t dom,
    struct mult__dom **d, struct mult__inst **in, struct mult__ds **ds)
{
	struct mult__inst *a;
	int err;

	if ((err = mult__resolve(sp, inst, dom, 0, d, in)) != 0)
		return err;
	for (a = *in; a != NULL; a = a->parent)
		if ((err = mult__ds_prepare(sp, a, dom, ds)) != 0)
			return err;
	*ds = mult__ds_get(*in, dom);
	return 0;
}

int
mult_limit_set(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t limit)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	int err;

	if (sp == NULL)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, 0, &d, &in)) != 0)
		goto out;
	if (in == sp->host && mult__is_allot_kind(d)) {
		err = MULT_EPERM;
		goto out;
	}
	if ((err = mult__limit_args(sp, inst, dom, &d, &in, &ds)) != 0)
		goto out;
	if (limit < (mult__is_allot_kind(d) ? ds->usage : ds->here + ds->sum_held)) {
		err = MULT_EBUSY;
		goto out;
	}
	mult__store(&ds->limit, limit);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_limit_reserve(struct mult_space *sp, uint64_t inst, uint32_t dom,
    uint64_t reserve)
{
	struct mult__dom *d;
	struct mult__inst *in;
	struct mult__ds *ds;
	uint64_t before;
	int err;

	if (sp == NULL)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, 0, &d, &in)) != 0)
		goto out;
	if (in == sp->host) {
		err = MULT_EPERM;
		goto out;
	}
	if ((err = mult__limit_args(sp, inst, dom, &d, &in, &ds)) != 0)
		goto out;
	if (d->flags & MULT_DOMAIN_SHARED) {
		err = MULT_EINVAL; /* nothing is exclusively anyone's to promise */
		goto out;
	}
	if (reserve > ds->reserve &&
	    (err = mult__charge_check(sp, d, in, 0, reserve - ds->reserve)) != 0)
		goto out;
	before = mult__held(d, ds);
	mult__store(&ds->reserve, reserve);
	mult__charge(d, in->parent, 0, 0, mult__held(d, ds) - before);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_limit_get(struct mult_usage *out, struct mult_space *sp, uint64_t inst,
    uint32_t dom)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	int err;

	if (out == NULL)
		return MULT_EINVAL;
	mult_sys_read_enter();
	if ((err = mult__resolve(sp, inst, dom, 0, &d, &in)) != 0)
		goto out;
	ds = mult__ds_get(in, dom);
	out->usage = ds != NULL ? mult__load(&ds->usage) : 0;
	out->peak = ds != NULL ? mult__load(&ds->peak) : 0;
	out->limit = ds != NULL ? mult__load(&ds->limit) : MULT_UNLIMITED;
	out->reserve = ds != NULL ? mult__load(&ds->reserve) : 0;
	out->refusals = ds != NULL ? mult__load(&ds->refusals) : 0;
	out->refused_by = ds != NULL ? mult__load(&ds->refused_by) : 0;
	if (in == sp->host && mult__is_allot_kind(d)) {
		out->usage = out->peak = d->hi - d->lo + 1;
		out->limit = MULT_UNLIMITED;
	}
out:
	mult_sys_read_exit();
	return err;
}
