/*
 * libmult core: spaces and domains.
 *
 * Domains are appended, never removed: sp->doms[i] is written once before
 * sp->ndoms is raised past i with a release store, so a reader that checks
 * its index against ndoms (acquire) finds a fully built domain.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

static void *
mult__default_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return mult_sys_alloc(size);
}

static void
mult__default_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	mult_sys_free(ptr, size);
}

int
mult_space_create(struct mult_space **out, const struct mult_space_opts *opts)
{
	struct mult_allocator al = { mult__default_alloc, mult__default_free, NULL };
	struct mult_space *sp;
	uint64_t seed = 0;

	if (out == NULL)
		return MULT_EINVAL;
	if (opts != NULL) {
		if (opts->size < sizeof(*opts))
			return MULT_EINVAL;
		if (opts->allocator != NULL) {
			if (opts->allocator->alloc == NULL ||
			    opts->allocator->free == NULL)
				return MULT_EINVAL;
			al = *opts->allocator;
		}
		seed = opts->seed;
	}
	sp = al.alloc(al.ctx, sizeof(*sp));
	if (sp == NULL)
		return MULT_ENOMEM;
	mult__memset(sp, 0, sizeof(*sp));
	sp->al = al;
	sp->seed = seed != 0 ? seed : mult_sys_random();
	sp->next_slot = 1;
	sp->lock = mult_sys_lock_create();
	if (sp->lock == NULL) {
		al.free(al.ctx, sp, sizeof(*sp));
		return MULT_ENOMEM;
	}
	if (mult__inst_host_create(sp) != 0) {
		mult_sys_lock_destroy(sp->lock);
		al.free(al.ctx, sp, sizeof(*sp));
		return MULT_ENOMEM;
	}
	*out = sp;
	return 0;
}

void
mult_space_destroy(struct mult_space *sp)
{
	uint32_t i;

	if (sp == NULL)
		return;
	/* Callbacks queued by earlier writes use sp->al: let them finish. */
	mult_sys_barrier();
	mult__inst_destroy_all(sp);
	mult__num_orphans_free(sp);
	for (i = 0; i < sp->ndoms; i++) {
		mult__free(sp, sp->doms[i]->owners);
		mult__obkt_free(sp, sp->doms[i]);
		mult__num_pool_free(sp, sp->doms[i]);
		mult__free(sp, sp->doms[i]);
	}
	mult_sys_lock_destroy(sp->lock);
	sp->al.free(sp->al.ctx, sp, sizeof(*sp));
}

/* Linear over at most MULT_DOMAIN_MAX; writer or reader. */
static struct mult__dom *
mult__dom_by_name(struct mult_space *sp, const char *name, size_t len)
{
	uint32_t i, n = mult__load_acq(&sp->ndoms);
	uint64_t h = mult__hash_str(sp->seed, name, len);

	for (i = 0; i < n; i++) {
		struct mult__dom *d = sp->doms[i];

		if (d->name_hash == h && mult__memcmp(d->name, name, len + 1) == 0)
			return d;
	}
	return NULL;
}

static int
mult__dom_opts_check(const struct mult_domain_opts *o)
{
	if (o->size < sizeof(*o))
		return MULT_EINVAL;
	if (o->kind < MULT_KIND_RANGE || o->kind > MULT_KIND_EXCLUSIVE)
		return MULT_EINVAL;
	if ((o->flags & ~(MULT_DOMAIN_SHARED | MULT_DOMAIN_INHERIT)) != 0)
		return MULT_EINVAL;
	if ((o->flags & MULT_DOMAIN_SHARED) && o->kind != MULT_KIND_RANGE)
		return MULT_EINVAL;
	if ((o->flags & MULT_DOMAIN_INHERIT) && o->kind != MULT_KIND_VALUE)
		return MULT_EINVAL;
	if (o->kind == MULT_KIND_VALUE)
		return o->value_max > MULT_VALUE_MAX ? MULT_EINVAL : 0;
	if (o->lo > o->hi || o->hi - o->lo == MULT__U64_MAX)
		return MULT_EINVAL; /* the size must fit a count */
	if (o->kind == MULT_KIND_NUMBERED && o->hi - o->lo > MULT__U32_MAX)
		return MULT_EINVAL;
	return 0;
}

int
mult_domain_create(uint32_t *out, struct mult_space *sp, const char *name,
    const struct mult_domain_opts *opts)
{
	struct mult__dom *d;
	size_t len;
	int err;

	if (out == NULL || sp == NULL || opts == NULL)
		return MULT_EINVAL;
	if ((err = mult__name_check(name, &len)) != 0)
		return err;
	if ((err = mult__dom_opts_check(opts)) != 0)
		return err;
	mult_sys_lock(sp->lock);
	if (mult__dom_by_name(sp, name, len) != NULL) {
		err = MULT_EEXIST;
		goto out;
	}
	if (sp->ndoms == MULT_DOMAIN_MAX) {
		err = MULT_ENOSPC;
		goto out;
	}
	d = mult__alloc(sp, sizeof(*d));
	if (d == NULL) {
		err = MULT_ENOMEM;
		goto out;
	}
	d->idx = sp->ndoms;
	d->kind = opts->kind;
	d->flags = opts->flags;
	if (opts->kind == MULT_KIND_VALUE) {
		d->lo = 0;
		d->hi = 0;
		d->value_max = opts->value_max != 0 ? opts->value_max :
		    MULT_VALUE_DEFAULT;
	} else {
		d->lo = opts->lo;
		d->hi = opts->hi;
		d->last = opts->hi - opts->lo;
		if (opts->kind == MULT_KIND_NUMBERED)
			d->radix_top = mult__radix_top(d->hi - d->lo + 1);
		if (opts->kind == MULT_KIND_EXCLUSIVE &&
		    (err = mult__obkt_init(sp, d)) != 0) {
			mult__free(sp, d);
			goto out;
		}
	}
	d->name_hash = mult__hash_str(sp->seed, name, len);
	mult__memcpy(d->name, name, len);
	if (d->idx < MULT__SLOT_DS)
		sp->lo[d->idx] = d->lo;
	sp->doms[d->idx] = d;
	mult__store_rel(&sp->ndoms, d->idx + 1);
	*out = d->idx;
out:
	mult_sys_unlock(sp->lock);
	return err;
}

int
mult_domain_find(uint32_t *out, struct mult_space *sp, const char *name)
{
	struct mult__dom *d;
	size_t len;

	if (out == NULL || sp == NULL || name == NULL)
		return MULT_EINVAL;
	len = mult__strnlen(name, MULT_NAME_MAX + 1);
	if (len == 0 || len > MULT_NAME_MAX)
		return MULT_ENOENT;
	d = mult__dom_by_name(sp, name, len);
	if (d == NULL)
		return MULT_ENOENT;
	*out = d->idx;
	return 0;
}
