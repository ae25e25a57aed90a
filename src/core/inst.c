/*
 * libmult core: instances.
 *
 * An instance id is (generation << 32) | slot. Slots live in chunks of 1024
 * reached through a directory; chunks are never moved or freed while the
 * space lives, and the directory is replaced whole (copy, publish, retire)
 * when it grows. A lookup is three dependent loads and a compare of the
 * instance's own id, whatever the number of instances.
 *
 * A slot's generation starts at 0, so the first instances get the small
 * ids 1 (the host), 2, 3, ...; a reused slot gets the next generation, so
 * an id is never issued twice. A slot whose generation is exhausted is
 * retired for good.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

/*
 * Choose the slot and id for a new instance, making sure the slot's chunk
 * exists. Consumes nothing: mult__slot_commit() does.
 */
static int
mult__slot_prepare(struct mult_space *sp, uint64_t *id)
{
	struct mult__sdir *dir = sp->sdir, *nd;
	uint32_t s, ci, cap, i;

	if (sp->free_slot != 0) {
		struct mult__slot *sl = mult__slot_at(dir, sp->free_slot);

		*id = (((sl->last >> 32) + 1) << 32) | sp->free_slot;
		return 0;
	}
	s = sp->next_slot;
	if (s == 0)
		return MULT_ENOSPC; /* all 2^32 - 1 slots used up */
	ci = s >> MULT__CHUNK_BITS;
	if (dir == NULL || ci >= dir->cap) {
		cap = dir == NULL ? 4 : dir->cap * 2;
		nd = mult__alloc(sp, MULT__SDIR_SIZE(cap));
		if (nd == NULL)
			return MULT_ENOMEM;
		nd->cap = cap;
		for (i = 0; i < cap; i++) {
			int old = dir != NULL && i < dir->cap;

			nd->s[i] = old ? dir->s[i] : NULL;
			mult__sdir_chunks(nd)[i] = old ?
			    mult__sdir_chunks(dir)[i] : NULL;
		}
		MULT__REPLACE(sp, sp->sdir, nd);
		dir = nd;
	}
	if (dir->s[ci] == NULL) {
		struct mult__chunk *ch = mult__alloc(sp, sizeof(*ch));

		if (ch == NULL)
			return MULT_ENOMEM;
		mult__sdir_chunks(dir)[ci] = ch;
		mult__store_rel(&dir->s[ci], mult__chunk_slots(ch));
	}
	*id = s;
	return 0;
}

static void
mult__slot_commit(struct mult_space *sp, struct mult__inst *in)
{
	uint32_t s = (uint32_t)in->id, d;
	struct mult__slot *sl = mult__slot_at(sp->sdir, s);

	if (s == sp->free_slot)
		sp->free_slot = sl->next_free;
	else
		sp->next_slot++;
	mult__store(&sl->last, in->id);
	for (d = 0; d < MULT__SLOT_DS; d++) {
		struct mult__ds *ds = mult__ds_get(in, d);

		if (ds != NULL)
			ds->inst = in->id;
		mult__store_rel(&sl->ds[d], ds);
	}
	mult__store_rel(&sl->inst, in);
}

static void
mult__slot_release(struct mult_space *sp, struct mult__inst *in)
{
	uint32_t s = (uint32_t)in->id;
	struct mult__slot *sl = mult__slot_at(sp->sdir, s);
	uint32_t d;

	mult__store_rel(&sl->inst, (struct mult__inst *)NULL);
	for (d = 0; d < MULT__SLOT_DS; d++)
		mult__store_rel(&sl->ds[d], (struct mult__ds *)NULL);
	if ((in->id >> 32) < MULT__U32_MAX) {
		sl->next_free = sp->free_slot;
		sp->free_slot = s;
	}
}

/* ---- names -------------------------------------------------------------- */

static struct mult__inst *
mult__name_find(struct mult_space *sp, const char *name, size_t len,
    uint64_t h)
{
	const struct mult__htab *t = mult__load_acq(&sp->names);
	uint32_t i, n;

	if (t == NULL)
		return NULL;
	i = mult__ht_start(t, sp->seed, h);
	for (n = 0; n < t->cap; n++, i = mult__ht_next(t, i)) {
		uint64_t k = mult__load_acq(&t->e[i].key), v;
		struct mult__inst *in;

		if (k == 0)
			return NULL;
		/* The slot may be rekeyed: the full name decides, not k. */
		v = mult__load_acq(&t->e[i].val);
		if (k != h || v == MULT__HT_TOMB)
			continue;
		in = (struct mult__inst *)(uintptr_t)v;
		if (mult__memcmp(in->name, name, len + 1) == 0)
			return in;
	}
	return NULL;
}

static void
mult__name_remove(struct mult_space *sp, struct mult__inst *in)
{
	struct mult__htab *t = sp->names;
	uint32_t i = mult__ht_start(t, sp->seed, in->name_hash);

	for (;; i = mult__ht_next(t, i)) {
		MULT__ASSERT(t->e[i].key != 0);
		if (t->e[i].key == in->name_hash &&
		    t->e[i].val == (uint64_t)(uintptr_t)in) {
			mult__ht_remove(t, &t->e[i]);
			return;
		}
	}
}

/* ---- per (instance, domain) state --------------------------------------- */

/*
 * The state of in in dom, created empty if missing. Publishing an empty
 * state changes no answer, so a later failure of the caller needs no undo.
 */
int
mult__ds_prepare(struct mult_space *sp, struct mult__inst *in, uint32_t dom,
    struct mult__ds **out)
{
	struct mult__dvec *dv = in->dv, *nv;
	struct mult__ds *ds, **at;
	uint32_t n, i;

	if (dom < in->nds) {
		at = &in->ds[dom];
		goto found;
	}
	if (dv == NULL || dom >= dv->n) {
		n = sp->ndoms > dom ? sp->ndoms : dom + 1;
		nv = mult__alloc(sp, sizeof(*nv) + n * sizeof(nv->v[0]));
		if (nv == NULL)
			return MULT_ENOMEM;
		nv->n = n;
		for (i = 0; dv != NULL && i < dv->n; i++)
			nv->v[i] = dv->v[i];
		MULT__REPLACE(sp, in->dv, nv);
		dv = nv;
	}
	at = &dv->v[dom];
found:
	ds = *at;
	if (ds == NULL) {
		ds = mult__alloc(sp, sizeof(*ds));
		if (ds == NULL)
			return MULT_ENOMEM;
		ds->limit = MULT_UNLIMITED;
		ds->lo = sp->doms[dom]->lo;
		ds->top = sp->doms[dom]->radix_top;
		ds->inst = in->id;      /* 0 before the commit: see there */
		mult__store_rel(at, ds);
		/* A published instance's slot has it too (else its commit). */
		if (in->id != 0 && dom < MULT__SLOT_DS)
			mult__store_rel(&mult__slot_at(sp->sdir,
			    (uint32_t)in->id)->ds[dom], ds);
	}
	*out = ds;
	return 0;
}

void
mult__ds_release(struct mult_space *sp, struct mult__ds *ds, int now)
{
	void (*rel)(struct mult_space *, void *) = now ? mult__free :
	    mult__retire;

	if (ds == NULL)
		return;
	rel(sp, ds->allot);
	rel(sp, ds->map);
	rel(sp, ds->objs);
	mult__value_release(sp, ds->vals, now);
	mult__radix_retire(sp, ds->ids, ds->leaves, now);
	if (!now && ds->refs != 0) {
		/*
		 * Held (mult_num_ref_get()): mult__num_orphan() took what its
		 * readers read; the last mult_num_ref_put() retires the rest.
		 */
		MULT__ASSERT(ds->gone && ds->ids == 0 && ds->objs == NULL);
		ds->leaves = NULL;
		return;
	}
	rel(sp, ds);
}

static void
mult__inst_release(struct mult_space *sp, struct mult__inst *in, int now)
{
	struct mult__dvec *dv = in->dv;
	uint32_t i;

	/* The host's hashes of numbered domains hold the objects' records. */
	for (i = 0; in == sp->host && i < sp->ndoms; i++) {
		const struct mult__ds *ds = mult__ds_get(in, i);

		if (ds != NULL)
			mult__num_release(sp, ds->objs, now ? mult__free :
			    mult__retire);
	}
	for (i = 0; i < in->nds; i++)
		mult__ds_release(sp, in->ds[i], now);
	for (i = in->nds; dv != NULL && i < dv->n; i++)
		mult__ds_release(sp, dv->v[i], now);
	if (now) {
		mult__free(sp, dv);
		mult__free(sp, in);
	} else {
		mult__retire(sp, dv);
		mult__retire(sp, in);
	}
}

/* Pre-order walk of root's subtree, without recursion or memory. */
struct mult__inst *
mult__subtree_next(struct mult__inst *root, struct mult__inst *cur)
{
	if (cur->child != NULL)
		return cur->child;
	while (cur != root) {
		if (cur->next != NULL)
			return cur->next;
		cur = cur->parent;
	}
	return NULL;
}

/* ---- create ------------------------------------------------------------- */

int
mult__inst_host_create(struct mult_space *sp)
{
	struct mult__inst *in;
	uint64_t id;

	/* The host's states are all in place: a space has few hosts. */
	in = mult__alloc(sp, MULT__INST_SIZE(MULT_DOMAIN_MAX));
	if (in == NULL)
		return MULT_ENOMEM;
	in->nds = MULT_DOMAIN_MAX;
	if (mult__slot_prepare(sp, &id) != 0) {
		mult__free(sp, in);
		mult__free(sp, sp->sdir);
		sp->sdir = NULL;
		return MULT_ENOMEM;
	}
	MULT__ASSERT(id == MULT_HOST);
	in->id = id;
	mult__slot_commit(sp, in);
	sp->slots0 = sp->sdir->s[0];
	sp->host = in;
	return 0;
}

/*
 * Give a new instance copies of its parent's values in every domain with
 * MULT_DOMAIN_INHERIT. The instance is not published yet: on failure its
 * states are simply freed by the caller.
 */
static int
mult__inherit_values(struct mult_space *sp, struct mult__inst *in,
    struct mult__inst *parent)
{
	uint32_t d, n = sp->ndoms;
	int err;

	for (d = 0; d < n; d++) {
		const struct mult__dom *dom = sp->doms[d];
		const struct mult__ds *pds;
		struct mult__ds *ds;

		if (dom->kind != MULT_KIND_VALUE ||
		    !(dom->flags & MULT_DOMAIN_INHERIT))
			continue;
		pds = mult__ds_get(parent, d);
		if (pds == NULL || pds->vals == NULL || pds->vals->n == 0)
			continue;
		if ((err = mult__ds_prepare(sp, in, d, &ds)) != 0)
			return err;
		if ((err = mult__value_copy(sp, pds->vals, &ds->vals)) != 0)
			return err;
		if ((err = mult__charge_check(sp, dom, in,
		    mult__value_bytes(ds->vals), 0)) != 0)
			return err;
	}
	return 0;
}

int
mult_instance_create(uint64_t *out, struct mult_space *sp, uint64_t parent,
    const char *name, uint32_t flags)
{
	struct mult__inst *p, *in;
	size_t len = 0;
	uint64_t h = 0, id;
	uint32_t d;
	int err;

	if (out == NULL || sp == NULL)
		return MULT_EINVAL;
	if ((flags & ~MULT_INSTANCE_FEDERATED) != 0)
		return MULT_EINVAL;
	if (name != NULL && (err = mult__name_check(name, &len)) != 0)
		return err;
	mult_sys_lock(sp->lock);
	p = mult__inst_get(sp, parent, &err);
	if (p == NULL)
		goto out;
	if ((p->flags & MULT__INST_FEDERATED) ||
	    ((flags & MULT_INSTANCE_FEDERATED) && p != sp->host)) {
		err = MULT_EPERM;
		goto out;
	}
	if (name != NULL) {
		h = mult__hash_str(sp->seed, name, len);
		if (mult__name_find(sp, name, len, h) != NULL) {
			err = MULT_EEXIST;
			goto out;
		}
	}
	/* Prepare: everything that can fail, nothing a reader can see. */
	in = mult__alloc(sp, MULT__INST_SIZE(sp->ndoms));
	if (in == NULL) {
		err = MULT_ENOMEM;
		goto out;
	}
	in->nds = sp->ndoms;
	in->parent = p;	/* for the charge checks; published below */
	if ((err = mult__slot_prepare(sp, &id)) != 0 ||
	    (name != NULL &&
	    (err = mult__ht_reserve(sp, &sp->names, sp->seed)) != 0) ||
	    (err = mult__inherit_values(sp, in, p)) != 0) {
		mult__inst_release(sp, in, 1);
		goto out;
	}
	/* Commit: nothing below can fail. */
	in->id = id;
	in->parent = p;
	in->depth = p->depth + 1;
	in->flags = flags;
	in->name_hash = h;
	if (name != NULL)
		mult__memcpy(in->name, name, len);
	in->next = p->child;
	if (p->child != NULL)
		p->child->prev = in;
	p->child = in;
	for (d = 0; d < sp->ndoms; d++) {
		const struct mult__ds *ds = mult__ds_get(in, d);
		uint64_t bytes = ds != NULL ? mult__value_bytes(ds->vals) : 0;

		mult__charge(sp->doms[d], in, bytes, bytes, 0);
	}
	mult__slot_commit(sp, in);
	if (name != NULL)
		mult__ht_insert(sp->names, sp->seed, h, (uint64_t)(uintptr_t)in);
	*out = id;
	err = 0;
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/* ---- destroy ------------------------------------------------------------ */

static int
mult__dom_has_owners(const struct mult__dom *d)
{
	return d->kind == MULT_KIND_EXCLUSIVE ||
	    (d->kind == MULT_KIND_RANGE && !(d->flags & MULT_DOMAIN_SHARED));
}

int
mult_instance_destroy(struct mult_space *sp, uint64_t id)
{
	struct mult__inst *in, *c;
	uint32_t d;
	int err;

	if (sp == NULL)
		return MULT_EINVAL;
	mult_sys_lock(sp->lock);
	in = mult__inst_get(sp, id, &err);
	if (in == NULL)
		goto out;
	if (in == sp->host) {
		err = MULT_EPERM;
		goto out;
	}
	err = 0;
	for (c = in; c != NULL; c = mult__subtree_next(in, c))
		c->doomed = 1;
	/* Prepare: the owner indexes without the subtree's allotments. */
	for (d = 0; d < sp->ndoms; d++) {
		struct mult__dom *dom = sp->doms[d];

		if (!mult__dom_has_owners(dom))
			continue;
		if ((err = mult__owners_rebuild(sp, dom, in)) != 0)
			break;
	}
	if (err != 0) {
		for (d = 0; d < sp->ndoms; d++) {
			mult__free(sp, sp->doms[d]->pending);
			mult__obkt_abort(sp, sp->doms[d]);
			sp->doms[d]->pending = NULL;
			sp->doms[d]->has_pending = 0;
		}
		for (c = in; c != NULL; c = mult__subtree_next(in, c))
			c->doomed = 0;
		goto out;
	}
	/*
	 * Commit. First the states that references hold (mult_num_ref_get()):
	 * from here they answer MULT_ESTALE. Then make the subtree
	 * unreachable by id and by name.
	 */
	for (c = in; c != NULL; c = mult__subtree_next(in, c))
		for (d = 0; d < sp->ndoms; d++) {
			struct mult__ds *ds = mult__ds_get(c, d);

			if (ds != NULL && ds->refs != 0)
				mult__num_orphan(sp, ds);
		}
	for (c = in; c != NULL; c = mult__subtree_next(in, c)) {
		mult__slot_release(sp, c);
		if (c->name_hash != 0)
			mult__name_remove(sp, c);
	}
	for (d = 0; d < sp->ndoms; d++) {
		struct mult__dom *dom = sp->doms[d];
		const struct mult__ds *ds = mult__ds_get(in, d);

		if (dom->has_pending) {
			mult__owners_set(sp, dom, dom->pending);
			mult__obkt_commit(sp, dom);
			dom->pending = NULL;
			dom->has_pending = 0;
		}
		if (ds == NULL)
			continue;
		if (dom->kind == MULT_KIND_NUMBERED)
			mult__num_unlink(sp, in, d);
		mult__charge_detach(dom, in);
	}
	if (in->prev != NULL)
		in->prev->next = in->next;
	else
		in->parent->child = in->next;
	if (in->next != NULL)
		in->next->prev = in->prev;
	/*
	 * Retire children before parents, always taking a first child, so the
	 * walk reads only nodes not yet retired.
	 */
	for (;;) {
		c = in;
		while (c->child != NULL)
			c = c->child;
		if (c != in) {
			c->parent->child = c->next;
			if (c->next != NULL)
				c->next->prev = NULL;
		}
		mult__inst_release(sp, c, 0);
		if (c == in)
			break;
	}
	err = 0;
out:
	mult_sys_unlock(sp->lock);
	return err;
}

/* Space destruction: free every instance now; no reader is left. */
void
mult__inst_destroy_all(struct mult_space *sp)
{
	struct mult__inst *host = sp->host, *leaf;
	struct mult__sdir *dir = sp->sdir;
	uint32_t i;

	while (host != NULL) {
		leaf = host;
		while (leaf->child != NULL)
			leaf = leaf->child;
		if (leaf == host)
			host = NULL;
		else
			leaf->parent->child = leaf->next;
		mult__inst_release(sp, leaf, 1);
	}
	for (i = 0; dir != NULL && i < dir->cap; i++)
		mult__free(sp, mult__sdir_chunks(dir)[i]);
	mult__free(sp, dir);
	mult__free(sp, sp->names);
}

/* ---- read side ---------------------------------------------------------- */

int
mult_instance_find(uint64_t *out, struct mult_space *sp, const char *name)
{
	struct mult__inst *in;
	size_t len;

	if (out == NULL || sp == NULL || name == NULL)
		return MULT_EINVAL;
	len = mult__strnlen(name, MULT_NAME_MAX + 1);
	if (len == 0 || len > MULT_NAME_MAX)
		return MULT_ENOENT;
	mult_sys_read_enter();
	in = mult__name_find(sp, name, len, mult__hash_str(sp->seed, name, len));
	if (in != NULL)
		*out = in->id;
	mult_sys_read_exit();
	return in != NULL ? 0 : MULT_ENOENT;
}

MULT__READ_BODY
mult__instance_info_in(struct mult_instance_info *out, struct mult_space *sp,
    uint64_t id)
{
	struct mult__inst *in;
	int err = 0;

	if ((in = mult__inst_get(sp, id, &err)) == NULL)
		return err;
	out->id = in->id;
	out->parent = in->parent != NULL ? in->parent->id : 0;
	out->depth = in->depth;
	out->flags = in->flags & MULT_INSTANCE_FEDERATED;
	mult__memcpy(out->name, in->name, sizeof(out->name));
	return 0;
}

MULT__READ_SLOW(mult__instance_info, (struct mult_instance_info *out,
    struct mult_space *sp, uint64_t id), (out, sp, id))

int
mult_instance_info(struct mult_instance_info *out, struct mult_space *sp,
    uint64_t id)
{
	if (out == NULL || sp == NULL)
		return MULT_EINVAL;
	MULT__READ_RETURN(mult__instance_info, (out, sp, id));
}
