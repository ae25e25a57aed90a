/*
 * libmult core: value domains.
 *
 * An instance's values in one domain are one immutable block: a small
 * open-addressing table of entries followed by the key and value bytes.
 * A set or unset builds a new block and publishes it, so a reader sees all
 * of a value or none of it, and a get is one hash probe and one copy.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

static size_t
mult__vtab_size(uint32_t cap, size_t data)
{
	return sizeof(struct mult__vtab) + cap * sizeof(struct mult__vent) + data;
}

static const struct mult__vent *
mult__vtab_find(const struct mult__vtab *t, uint64_t h, const char *key,
    size_t klen)
{
	uint32_t i;

	if (t == NULL)
		return NULL;
	for (i = (uint32_t)h & t->mask; t->e[i].hash != 0; i = (i + 1) & t->mask)
		if (t->e[i].hash == h && t->e[i].klen == klen &&
		    mult__memcmp(t->data + t->e[i].koff, key, klen) == 0)
			return &t->e[i];
	return NULL;
}

static void
mult__vtab_put(struct mult__vtab *t, size_t *at, uint64_t h, const char *key,
    uint32_t klen, const void *val, uint32_t vlen)
{
	uint32_t i;

	for (i = (uint32_t)h & t->mask; t->e[i].hash != 0; i = (i + 1) & t->mask)
		;
	t->e[i].hash = h;
	t->e[i].koff = (uint32_t)*at;
	t->e[i].klen = klen;
	mult__memcpy(t->data + *at, key, klen);
	*at += klen;
	t->e[i].voff = (uint32_t)*at;
	t->e[i].vlen = vlen;
	if (vlen != 0)
		mult__memcpy(t->data + *at, val, vlen);
	*at += vlen;
	t->n++;
	t->bytes += vlen;
}

/*
 * A new table: old without key, plus key = val when val is not NULL.
 * NULL when the result would be empty (then *err is 0) or on failure.
 */
static struct mult__vtab *
mult__vtab_rebuild(struct mult_space *sp, const struct mult__vtab *old,
    uint64_t h, const char *key, uint32_t klen, const void *val,
    uint32_t vlen, int *err)
{
	const struct mult__vent *skip = mult__vtab_find(old, h, key, klen);
	struct mult__vtab *t;
	uint32_t n = 0, cap = 4, i;
	size_t data = 0, at = 0;

	*err = 0;
	for (i = 0; old != NULL && i <= old->mask; i++) {
		if (old->e[i].hash == 0 || &old->e[i] == skip)
			continue;
		n++;
		data += old->e[i].klen + old->e[i].vlen;
	}
	if (val != NULL) {
		n++;
		data += klen + vlen;
	}
	if (n == 0)
		return NULL;
	while (cap < 2 * n)
		cap <<= 1;
	t = mult__alloc(sp, mult__vtab_size(cap, data));
	if (t == NULL) {
		*err = MULT_ENOMEM;
		return NULL;
	}
	t->mask = cap - 1;
	t->data = (char *)(void *)&t->e[cap];
	for (i = 0; old != NULL && i <= old->mask; i++) {
		const struct mult__vent *e = &old->e[i];

		if (e->hash != 0 && e != skip)
			mult__vtab_put(t, &at, e->hash, old->data + e->koff,
			    e->klen, old->data + e->voff, e->vlen);
	}
	if (val != NULL)
		mult__vtab_put(t, &at, h, key, klen, val, vlen);
	return t;
}

/* An exact copy of src, for a new instance inheriting its parent's values. */
int
mult__value_copy(struct mult_space *sp, const struct mult__vtab *src,
    struct mult__vtab **out)
{
	struct mult__vtab *t = mult__alloc(sp, src->blk.size);

	if (t == NULL)
		return MULT_ENOMEM;
	mult__memcpy(&t->n, &src->n, src->blk.size - mult__offsetof(struct mult__vtab, n));
	t->data = (char *)(void *)&t->e[t->mask + 1];
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
	struct mult__vtab *t;
	uint64_t h, old_bytes, new_bytes;
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
	if (!set && mult__vtab_find(t, h, key, klen) == NULL) {
		err = MULT_ENOENT;
		goto out;
	}
	if (set && mult__vtab_find(t, h, key, klen) == NULL && t != NULL &&
	    t->n >= MULT_KEYS_MAX) {
		err = MULT_E2BIG;
		goto out;
	}
	/* Prepare: a state at every level that will be charged, the table. */
	for (a = in; a != NULL; a = a->parent)
		if ((err = mult__ds_prepare(sp, a, dom, &ds)) != 0)
			goto out;
	ds = mult__ds_get(in, dom);
	t = mult__vtab_rebuild(sp, ds->vals, h, key, (uint32_t)klen,
	    set ? (val != NULL ? val : "") : NULL, (uint32_t)len, &err);
	if (err != 0)
		goto out;
	old_bytes = ds->vals != NULL ? ds->vals->bytes : 0;
	new_bytes = t != NULL ? t->bytes : 0;
	if (new_bytes > old_bytes &&
	    (err = mult__charge_check(sp, d, in, new_bytes - old_bytes, 0)) != 0) {
		mult__free(sp, t);
		goto out;
	}
	/* Commit. */
	MULT__REPLACE(sp, ds->vals, t);
	mult__charge(d, in, new_bytes - old_bytes, new_bytes - old_bytes, 0);
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
	int err;

	if ((err = mult__resolve(sp, inst, dom, MULT_KIND_VALUE, &d, &in)) != 0)
		return err;
	ds = mult__ds_get(in, dom);
	t = ds != NULL ? mult__load_acq(&ds->vals) : NULL;
	e = mult__vtab_find(t, mult__hash_str(sp->seed, key, klen), key, klen);
	if (e == NULL)
		return MULT_ENOENT;
	*len = e->vlen;
	if (e->vlen > cap)
		return MULT_ERANGE;
	if (e->vlen != 0)
		mult__memcpy(buf, t->data + e->voff, e->vlen);
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
	return MULT__READ(mult__value_get, (buf, cap, len, sp, inst, dom, key,
	    klen));
}
