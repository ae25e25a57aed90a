/*
 * libmult core: value domains.
 *
 * An instance's values in one domain are a small open-addressing table of
 * keys, each slot pointing at an immutable entry: the key's bytes and the
 * value's. A set of a key the table has builds a new entry and swaps it
 * into the key's slot, so a reader sees all of a value or none of it, and
 * the readers of the other keys keep the lines they had: the table, its
 * other slots' lines and their entries are not written. A new key or an
 * unset builds a new table of the same entries, one more or one fewer, and
 * publishes it. A get is one hash probe, one entry and one copy.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

static size_t
mult__vtab_size(uint32_t cap)
{
	return sizeof(struct mult__vtab) + cap * sizeof(struct mult__vslot);
}

/* key's entry in t (NULL: none), and its slot in *at. */
static struct mult__vent *
mult__vtab_find(const struct mult__vtab *t, uint64_t h, const char *key,
    size_t klen, uint32_t *at)
{
	uint32_t i;

	if (t == NULL)
		return NULL;
	for (i = (uint32_t)h & t->mask; t->s[i].hash != 0; i = (i + 1) & t->mask) {
		struct mult__vent *e;

		if (t->s[i].hash != h)
			continue;
		e = mult__load_acq(&t->s[i].e);
		if (e->klen == klen && mult__memcmp(e->kv, key, klen) == 0) {
			*at = i;
			return e;
		}
	}
	return NULL;
}

static void
mult__vtab_put(struct mult__vtab *t, struct mult__vent *e)
{
	uint32_t i;

	for (i = (uint32_t)e->hash & t->mask; t->s[i].hash != 0;
	    i = (i + 1) & t->mask)
		;
	t->s[i].hash = e->hash;
	t->s[i].e = e;
	t->n++;
}

static struct mult__vent *
mult__vent_new(struct mult_space *sp, uint64_t h, const char *key,
    uint32_t klen, const void *val, uint32_t vlen)
{
	struct mult__vent *e = mult__alloc(sp, sizeof(*e) + klen + vlen);

	if (e == NULL)
		return NULL;
	e->hash = h;
	e->klen = klen;
	e->vlen = vlen;
	mult__memcpy(e->kv, key, klen);
	if (vlen != 0)
		mult__memcpy(e->kv + klen, val, vlen);
	return e;
}

/*
 * A new table of old's entries less skip, plus add when not NULL: the
 * entries themselves, not copies. NULL when the result would be empty
 * (then *err is 0) or on failure.
 */
static struct mult__vtab *
mult__vtab_rebuild(struct mult_space *sp, const struct mult__vtab *old,
    const struct mult__vent *skip, struct mult__vent *add, int *err)
{
	struct mult__vtab *t;
	uint32_t n, cap = 4, i;

	*err = 0;
	n = (old != NULL ? old->n : 0) - (skip != NULL) + (add != NULL);
	if (n == 0)
		return NULL;
	while (cap < 2 * n)
		cap <<= 1;
	if ((t = mult__alloc(sp, mult__vtab_size(cap))) == NULL) {
		*err = MULT_ENOMEM;
		return NULL;
	}
	t->mask = cap - 1;
	for (i = 0; old != NULL && i <= old->mask; i++)
		if (old->s[i].hash != 0 && old->s[i].e != skip)
			mult__vtab_put(t, old->s[i].e);
	if (add != NULL)
		mult__vtab_put(t, add);
	return t;
}

/* The sum of t's value lengths: what its level is charged. */
uint64_t
mult__value_bytes(const struct mult__vtab *t)
{
	uint64_t bytes = 0;
	uint32_t i;

	for (i = 0; t != NULL && i <= t->mask; i++)
		if (t->s[i].hash != 0)
			bytes += t->s[i].e->vlen;
	return bytes;
}

/* Free t and its entries: now, or once no reader can hold them. */
void
mult__value_release(struct mult_space *sp, struct mult__vtab *t, int now)
{
	void (*rel)(struct mult_space *, void *) = now ? mult__free :
	    mult__retire;
	uint32_t i;

	for (i = 0; t != NULL && i <= t->mask; i++)
		rel(sp, t->s[i].e);
	rel(sp, t);
}

/* An exact copy of src, for a new instance inheriting its parent's values. */
int
mult__value_copy(struct mult_space *sp, const struct mult__vtab *src,
    struct mult__vtab **out)
{
	struct mult__vtab *t = mult__alloc(sp, src->blk.size);
	uint32_t i;

	if (t == NULL)
		return MULT_ENOMEM;
	t->n = src->n;
	t->mask = src->mask;
	for (i = 0; i <= src->mask; i++) {
		const struct mult__vent *e = src->s[i].e;

		if (src->s[i].hash == 0)
			continue;
		t->s[i].e = mult__vent_new(sp, e->hash, e->kv, e->klen,
		    e->kv + e->klen, e->vlen);
		if (t->s[i].e == NULL) {
			mult__value_release(sp, t, 1);
			return MULT_ENOMEM;
		}
		t->s[i].hash = e->hash;
	}
	*out = t;
	return 0;
}

static int
mult__value_write(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const char *key, const void *val, size_t len, int set)
{
	struct mult__dom *d;
	struct mult__inst *in, *a;
	struct mult__ds *ds;
	struct mult__vtab *t, *nt = NULL;
	struct mult__vent *old, *ne = NULL;
	uint64_t h, old_len, new_len = set ? len : 0;
	uint32_t at = 0;
	size_t klen;
	int err;

	if (sp == NULL || (set && val == NULL && len != 0))
		return MULT_EINVAL;
	if ((err = mult__name_check(key, &klen)) != 0)
		return err;
	mult_sys_lock(sp->lock);
	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_VALUE, &d, &in)) != 0)
		goto out;
	if (set && len > d->value_max) {
		err = MULT_E2BIG;
		goto out;
	}
	h = mult__hash_str(sp->seed, key, klen);
	ds = mult__ds_get(in, dom);
	t = ds != NULL ? ds->vals : NULL;
	old = mult__vtab_find(t, h, key, klen, &at);
	if (!set && old == NULL) {
		err = MULT_ENOENT;
		goto out;
	}
	if (set && old == NULL && t != NULL && t->n >= MULT_KEYS_MAX) {
		err = MULT_E2BIG;
		goto out;
	}
	/* Prepare: a state at every level that will be charged, the entry. */
	for (a = in; a != NULL; a = a->parent)
		if ((err = mult__ds_prepare(sp, a, dom, &ds)) != 0)
			goto out;
	ds = mult__ds_get(in, dom);
	if (set && (ne = mult__vent_new(sp, h, key, (uint32_t)klen,
	    val != NULL ? val : "", (uint32_t)len)) == NULL) {
		err = MULT_ENOMEM;
		goto out;
	}
	/* A new key or an unset needs a new table. */
	if (old == NULL || !set) {
		nt = mult__vtab_rebuild(sp, t, old, ne, &err);
		if (err != 0)
			goto undo;
	}
	old_len = old != NULL ? old->vlen : 0;
	if (new_len > old_len &&
	    (err = mult__charge_check(sp, d, in, new_len - old_len, 0)) != 0)
		goto undo;
	/* Commit. */
	if (old != NULL && set)
		mult__store_rel(&t->s[at].e, ne);
	else
		MULT__REPLACE(sp, ds->vals, nt);
	mult__retire(sp, old);
	mult__charge(d, in, new_len - old_len, new_len - old_len, 0);
	goto out;
undo:
	mult__free(sp, nt);
	mult__free(sp, ne);
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_value_set(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const char *key, const void *val, size_t len)
{
	return mult__value_write(sp, inst, dom, key, val, len, 1);
}

int
mult_value_unset(struct mult_space *sp, uint64_t inst, uint32_t dom,
    const char *key)
{
	return mult__value_write(sp, inst, dom, key, NULL, 0, 0);
}

MULT__READ_BODY
mult__value_get_in(void *buf, size_t cap, size_t *len, struct mult_space *sp,
    uint64_t inst, uint32_t dom, const char *key, size_t klen)
{
	struct mult__dom *d;
	struct mult__inst *in;
	const struct mult__ds *ds;
	const struct mult__vtab *t;
	const struct mult__vent *e;
	uint32_t at;
	int err;

	/*
	 * The short way (mult__slot_ds()). Only a value domain's state has
	 * a table, and the long way would read the same one.
	 */
	if (mult__unlikely((ds = mult__slot_ds(sp, inst, dom)) == NULL ||
	    (t = mult__load_acq(&ds->vals)) == NULL)) {
		if ((err = mult__resolve(sp, inst, dom, MULT_KIND_VALUE, &d,
		    &in)) != 0)
			return err;
		ds = mult__ds_get(in, dom);
		t = ds != NULL ? mult__load_acq(&ds->vals) : NULL;
	}
	e = mult__vtab_find(t, mult__hash_str(sp->seed, key, klen), key, klen,
	    &at);
	if (e == NULL)
		return MULT_ENOENT;
	*len = e->vlen;
	if (e->vlen > cap)
		return MULT_ERANGE;
	if (e->vlen != 0)
		mult__memcpy(buf, e->kv + e->klen, e->vlen);
	return 0;
}

MULT__READ_SLOW(mult__value_get, (void *buf, size_t cap, size_t *len,
    struct mult_space *sp, uint64_t inst, uint32_t dom, const char *key,
    size_t klen), (buf, cap, len, sp, inst, dom, key, klen))

int
mult_value_get(void *buf, size_t cap, size_t *len, struct mult_space *sp,
    uint64_t inst, uint32_t dom, const char *key)
{
	size_t klen;

	if (len == NULL || key == NULL || (buf == NULL && cap != 0))
		return MULT_EINVAL;
	klen = mult__strnlen(key, MULT_NAME_MAX + 1);
	if (klen == 0 || klen > MULT_NAME_MAX)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__value_get, (buf, cap, len, sp, inst, dom, key,
	    klen));
}
