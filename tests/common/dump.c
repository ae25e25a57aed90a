/*
 * libmult tests: the canonical dump of a space. See dump.h.
 *
 * Written against src/core/internal.h. What is deliberately left out, and
 * why (a failed write may change these without changing any answer):
 *   - refusals, refused_by: a refused charge counts a refusal;
 *   - hash-table capacity and tombstones, radix-tree nodes and height,
 *     the capacity of the instance's domain vector, the slot directory's
 *     size and chunks: a write may grow them in its prepare phase;
 *   - whether a per-(instance, domain) state exists: a missing one is
 *     dumped as an empty one, which a prepare phase may publish;
 *   - the free-slot list: its order is internal; the ids the slot table
 *     has issued (the last id of every used slot) and next_slot are kept;
 *   - ds->pending, dom->pending: writer scratch.
 * SPDX-License-Identifier: ISC
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "dump.h"

static void
d_grow(struct dump *d, size_t need)
{
	size_t cap;
	char *p;

	if (d->oom || d->len + need + 1 <= d->cap)
		return;
	cap = d->cap != 0 ? d->cap : 4096;
	while (cap < d->len + need + 1)
		cap *= 2;
	p = realloc(d->p, cap);
	if (p == NULL) {
		d->oom = 1;
		return;
	}
	d->p = p;
	d->cap = cap;
}

static void
d_printf(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (d->oom)
			return;
		va_start(ap, fmt);
		n = vsnprintf(d->p + d->len, d->cap - d->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			d->oom = 1;
			return;
		}
		if (d->len + (size_t)n + 1 <= d->cap) {
			d->len += (size_t)n;
			return;
		}
		d_grow(d, (size_t)n + 1);
	}
}

static void
d_hex(struct dump *d, const void *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *b = p;
	size_t i;

	d_grow(d, 2 * n + 1);
	if (d->oom)
		return;
	for (i = 0; i < n; i++) {
		d->p[d->len++] = hx[b[i] >> 4];
		d->p[d->len++] = hx[b[i] & 15];
	}
	d->p[d->len] = '\0';
}

typedef unsigned long long ull;

static void
d_ivec(struct dump *d, const char *tag, const struct mult__ivec *v, int owner)
{
	uint32_t i;

	d_printf(d, "  %s n=%u", tag, v != NULL ? v->n : 0u);
	for (i = 0; v != NULL && i < v->n; i++) {
		d_printf(d, " [%llu,%llu]", (ull)v->v[i].first, (ull)v->v[i].last);
		if (owner)
			d_printf(d, "@%llu", (ull)v->v[i].owner);
	}
	d_printf(d, "\n");
}

static void
d_rext(struct dump *d, const char *tag, const struct mult__rext *v, uint32_t n)
{
	uint32_t i;

	d_printf(d, "    %s", tag);
	for (i = 0; i < n; i++)
		d_printf(d, " (%llu %llu %llu)", (ull)v[i].first, (ull)v[i].res,
		    (ull)v[i].count);
	d_printf(d, "\n");
}

static void
d_map(struct dump *d, const struct mult__rmap *m)
{
	uint32_t i;

	if (m == NULL) {
		d_printf(d, "  map none\n");
		return;
	}
	d_printf(d, "  map n=%u written", m->n);
	for (i = 0; i < m->n; i++)
		d_printf(d, " (%llu %llu %llu)", (ull)m->written[i].first,
		    (ull)m->written[i].lower, (ull)m->written[i].count);
	d_printf(d, "\n");
	for (i = 0; i < 2; i++) {
		const struct mult__rdir *r = &m->dir[i];
		uint32_t b;

		d_rext(d, i == 0 ? "down" : "up", r->v, m->n);
		d_printf(d, "  index base=%llu shift=%u steps=%u slots",
		    (ull)r->base, r->shift, r->steps);
		for (b = 0; b <= r->last + 1; b++)
			d_printf(d, " %u", r->slot[b]);
		d_printf(d, "\n");
	}
}

/* Radix leaves in identity order: identity -> object. */
static void
d_radix(struct dump *d, const struct mult__rnode *root)
{
	const struct mult__rnode *stack[12];
	uint64_t base[12];
	uint32_t pos[12];
	int top = 0;
	uint64_t n = 0;

	d_printf(d, "  ids");
	if (root != NULL) {
		stack[0] = root;
		base[0] = 0;
		pos[0] = 0;
	} else {
		top = -1;
	}
	while (top >= 0) {
		const struct mult__rnode *nd = stack[top];

		if (nd->shift == 0) {
			uint32_t i;

			for (i = 0; i < MULT__RADIX_FAN; i++)
				if (nd->slot[i] != 0) {
					d_printf(d, " %llu>%llu",
					    (ull)(base[top] + i), (ull)nd->slot[i]);
					n++;
				}
			top--;
			continue;
		}
		if (pos[top] < MULT__RADIX_FAN) {
			uint32_t i = pos[top]++;
			const struct mult__rnode *c =
			    (const struct mult__rnode *)(uintptr_t)nd->slot[i];

			if (c != NULL && top + 1 < 12) {
				stack[top + 1] = c;
				base[top + 1] = base[top] + ((uint64_t)i << nd->shift);
				pos[top + 1] = 0;
				top++;
			}
			continue;
		}
		top--;
	}
	d_printf(d, " (%llu)\n", (ull)n);
}

struct d_obj {
	uint64_t obj, val;
};

static int
d_obj_cmp(const void *a, const void *b)
{
	const struct d_obj *x = a, *y = b;

	return x->obj < y->obj ? -1 : x->obj > y->obj;
}

/*
 * An object hash, sorted by object: the host's, each object with its
 * identities from the host down to the instance that allocated it;
 * another instance's, the objects it allocated with their identities.
 */
static void
d_objs(struct dump *d, const struct mult__htab *t, int host)
{
	struct d_obj *v = NULL;
	uint32_t i, n = 0;

	d_printf(d, "  objs");
	if (t != NULL && t->live != 0) {
		v = calloc(t->live, sizeof(*v));
		if (v == NULL) {
			d->oom = 1;
			return;
		}
		for (i = 0; i < t->cap; i++) {
			const struct mult__hent *e = &t->e[i];

			if (e->key == 0 || e->val == MULT__HT_TOMB)
				continue;
			if (n == t->live) { /* live count wrong: show it */
				d_printf(d, " LIVE-COUNT-WRONG");
				break;
			}
			v[n].obj = e->key;
			v[n].val = e->val;
			n++;
		}
		qsort(v, n, sizeof(*v), d_obj_cmp);
	}
	for (i = 0; i < n; i++) {
		uint32_t k, depth;
		uint64_t nr;

		d_printf(d, " %llu=", (ull)v[i].obj);
		if (!host) {
			d_printf(d, "%llu", (ull)v[i].val);
			continue;
		}
		depth = mult__num_depth(v[i].val);
		for (k = 0; k <= depth && mult__num_at(v[i].val, k, &nr); k++)
			d_printf(d, "%s%llu", k == 0 ? "" : "/", (ull)nr);
	}
	d_printf(d, " (%u)\n", n);
	free(v);
}

struct d_val {
	const char *key;
	uint32_t klen;
	const char *val;
	uint32_t vlen;
};

static int
d_val_cmp(const void *a, const void *b)
{
	const struct d_val *x = a, *y = b;
	uint32_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static void
d_vals(struct dump *d, const struct mult__vtab *t)
{
	struct d_val *v = NULL;
	uint32_t i, n = 0;

	if (t == NULL) {
		d_printf(d, "  vals n=0 bytes=0\n");
		return;
	}
	d_printf(d, "  vals n=%u bytes=%llu\n", t->n,
	    (ull)mult__value_bytes(t));
	v = calloc((size_t)t->mask + 1, sizeof(*v));
	if (v == NULL) {
		d->oom = 1;
		return;
	}
	for (i = 0; i <= t->mask; i++) {
		const struct mult__vent *e = t->s[i].e;

		if (t->s[i].hash == 0)
			continue;
		v[n].key = e->kv;
		v[n].klen = e->klen;
		v[n].val = e->kv + e->klen;
		v[n].vlen = e->vlen;
		n++;
	}
	qsort(v, n, sizeof(*v), d_val_cmp);
	for (i = 0; i < n; i++) {
		d_printf(d, "    key=");
		d_hex(d, v[i].key, v[i].klen);
		d_printf(d, " len=%u val=", v[i].vlen);
		d_hex(d, v[i].val, v[i].vlen);
		d_printf(d, "\n");
	}
	free(v);
}

static void
d_ds(struct dump *d, const struct mult__dom *dom, const struct mult__ds *ds,
    int host)
{
	static const struct mult__ds empty = { .limit = MULT_UNLIMITED };

	if (ds == NULL)
		ds = &empty;
	d_printf(d, " dom %u: usage=%llu here=%llu sum_held=%llu limit=%llu "
	    "reserve=%llu peak=%llu\n", dom->idx, (ull)ds->usage, (ull)ds->here,
	    (ull)ds->sum_held, (ull)ds->limit, (ull)ds->reserve, (ull)ds->peak);
	switch (dom->kind) {
	case MULT_KIND_RANGE:
		d_ivec(d, "allot", ds->allot, 0);
		d_map(d, ds->map);
		break;
	case MULT_KIND_EXCLUSIVE:
		d_ivec(d, "allot", ds->allot, 0);
		if (ds->map != NULL)
			d_map(d, ds->map);
		break;
	case MULT_KIND_NUMBERED:
		d_printf(d, "  cursor=%llu\n", (ull)ds->cursor);
		d_radix(d, mult__rroot(ds->ids));
		d_objs(d, ds->objs, host);
		break;
	default:
		d_vals(d, ds->vals);
		break;
	}
	/* Anything a kind should not have shows up. */
	if (dom->kind != MULT_KIND_RANGE && dom->kind != MULT_KIND_EXCLUSIVE &&
	    ds->allot != NULL)
		d_ivec(d, "STRAY-allot", ds->allot, 0);
	if (dom->kind != MULT_KIND_NUMBERED &&
	    (ds->ids != 0 || (ds->objs != NULL && ds->objs->live != 0)))
		d_printf(d, "  STRAY-numbered\n");
	if (dom->kind != MULT_KIND_VALUE && ds->vals != NULL)
		d_printf(d, "  STRAY-vals\n");
}

int
dump_space(struct dump *d, struct mult_space *sp)
{
	struct mult__inst *in;
	uint32_t i, s;

	d->len = 0;
	d->oom = 0;
	d_grow(d, 1);
	if (d->oom)
		return -1;
	d->p[0] = '\0';
	mult_sys_lock(sp->lock);
	d_printf(d, "space ndoms=%u next_slot=%u\n", sp->ndoms, sp->next_slot);
	for (i = 0; i < sp->ndoms; i++) {
		const struct mult__dom *dom = sp->doms[i];

		d_printf(d, "domain %u name=", i);
		d_hex(d, dom->name, strlen(dom->name));
		d_printf(d, " kind=%d flags=%#x lo=%llu hi=%llu value_max=%u\n",
		    dom->kind, dom->flags, (ull)dom->lo, (ull)dom->hi,
		    dom->value_max);
		d_ivec(d, "owners", dom->owners, 1);
	}
	d_printf(d, "slots");
	for (s = 1; s < sp->next_slot; s++) {
		const struct mult__slot *sl = mult__slot_at(sp->sdir, s);

		if (sl == NULL) {
			d_printf(d, " %u:MISSING", s);
			continue;
		}
		d_printf(d, " %u:%llu%s", s, (ull)sl->last,
		    sl->inst != NULL ? "+" : "");
	}
	d_printf(d, "\n");
	for (in = sp->host; in != NULL; in = mult__subtree_next(sp->host, in)) {
		d_printf(d, "inst %llu parent=%llu depth=%u flags=%#x named=%d "
		    "name=", (ull)in->id,
		    (ull)(in->parent != NULL ? in->parent->id : 0), in->depth,
		    in->flags, in->name_hash != 0);
		d_hex(d, in->name, mult__strnlen(in->name, sizeof(in->name)));
		d_printf(d, "\n");
		for (i = 0; i < sp->ndoms; i++)
			d_ds(d, sp->doms[i], mult__ds_get(in, i),
			    in == sp->host);
	}
	mult_sys_unlock(sp->lock);
	return d->oom ? -1 : 0;
}

void
dump_free(struct dump *d)
{
	free(d->p);
	memset(d, 0, sizeof(*d));
}

int
dump_equal(const struct dump *a, const struct dump *b)
{
	return !a->oom && !b->oom && a->len == b->len &&
	    memcmp(a->p, b->p, a->len) == 0;
}

static void
d_line(FILE *f, const char *label, const struct dump *d, size_t at)
{
	const char *end;

	if (at >= d->len) {
		fprintf(f, "%s: <end of dump>\n", label);
		return;
	}
	end = memchr(d->p + at, '\n', d->len - at);
	fprintf(f, "%s: %.*s\n", label,
	    (int)((end != NULL ? (size_t)(end - d->p) : d->len) - at),
	    d->p + at);
}

void
dump_diff(FILE *f, const struct dump *a, const char *la, const struct dump *b,
    const char *lb)
{
	size_t i, n = a->len < b->len ? a->len : b->len, line = 0, ctx = 0;

	if (dump_equal(a, b))
		return;
	for (i = 0; i < n && a->p[i] == b->p[i]; i++)
		if (a->p[i] == '\n') {
			line = i + 1;
			ctx = line;
		}
	/* One line of context: the start of the line before. */
	if (line > 0) {
		size_t j = line - 1;

		while (j > 0 && a->p[j - 1] != '\n')
			j--;
		ctx = j;
		if (ctx < line)
			d_line(f, "  same", a, ctx);
	}
	fprintf(f, "  dumps differ at byte %zu (lengths %zu, %zu):\n", i,
	    a->len, b->len);
	d_line(f, la, a, line);
	d_line(f, lb, b, line);
}
