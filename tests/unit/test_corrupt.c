/*
 * mult_verify() can fail: for each invariant I1-I8, corrupt a valid space
 * the way a bug in the engine would (by writing into its internals), and
 * require verify to report exactly that invariant, where it was broken.
 *
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "internal.h"

struct fixture {
	struct mult_space *sp;
	uint32_t uid, pid, uts, cpu;
	uint64_t a, b;          /* federated siblings */
	uint64_t obj_a, obj_b;  /* one process each */
};

static struct fixture f;

static void
ok(int err)
{
	cr_assert_eq(err, 0, "setup call failed: %s", mult_strerror(err));
}

/*
 * host
 *   a: uid [1000, 1999] mapped "0 1000 500" + "500 1500 500", cpu [0, 7],
 *      one process, hostname "a"
 *   b: uid [2000, 2999] mapped "0 2000 1000", cpu [8, 15], one process
 */
static void
setup(void)
{
	struct mult_domain_opts uid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    999999);
	struct mult_domain_opts pid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED,
	    1, 1000);
	struct mult_domain_opts uts = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	struct mult_domain_opts cpu = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, 63);
	struct mult_extent ma[2] = { { 0, 1000, 500 }, { 500, 1500, 500 } };
	struct mult_extent mb = { 0, 2000, 1000 };
	uint64_t id;

	ok(mult_space_create(&f.sp, NULL));
	ok(mult_domain_create(&f.uid, f.sp, "uid", &uid));
	ok(mult_domain_create(&f.pid, f.sp, "pid", &pid));
	ok(mult_domain_create(&f.uts, f.sp, "uts", &uts));
	ok(mult_domain_create(&f.cpu, f.sp, "cpu", &cpu));
	ok(mult_instance_create(&f.a, f.sp, MULT_HOST, "a",
	    MULT_INSTANCE_FEDERATED));
	ok(mult_instance_create(&f.b, f.sp, MULT_HOST, "b",
	    MULT_INSTANCE_FEDERATED));
	ok(mult_allot_grant(f.sp, f.a, f.uid, 1000, 1000));
	ok(mult_allot_grant(f.sp, f.b, f.uid, 2000, 1000));
	ok(mult_range_map(f.sp, f.a, f.uid, ma, 2));
	ok(mult_range_map(f.sp, f.b, f.uid, &mb, 1));
	ok(mult_allot_grant(f.sp, f.a, f.cpu, 0, 8));
	ok(mult_allot_grant(f.sp, f.b, f.cpu, 8, 8));
	f.obj_a = 0xa1;
	f.obj_b = 0xb1;
	ok(mult_num_alloc(&id, f.sp, f.a, f.pid, f.obj_a));
	ok(mult_num_alloc(&id, f.sp, f.b, f.pid, f.obj_b));
	ok(mult_value_set(f.sp, f.a, f.uts, "hostname", "a", 1));
	ok(mult_verify(NULL, f.sp));
}

static void
teardown(void)
{
	mult_space_destroy(f.sp);
}

static struct mult__ds *
ds_of(uint64_t id, uint32_t dom)
{
	int err;
	struct mult__inst *in = mult__inst_get(f.sp, id, &err);

	cr_assert_not_null(in);
	cr_assert_not_null(mult__ds_get(in, dom));
	return mult__ds_get(in, dom);
}

/* verify must fail with invariant inv at instance inst in domain dom. */
static void
expect(int inv, uint64_t inst, uint32_t dom)
{
	struct mult_violation v;

	memset(&v, 0, sizeof(v));
	cr_assert_eq(mult_verify(&v, f.sp), MULT_ECORRUPT,
	    "verify missed a broken I%d", inv);
	cr_assert_eq(v.invariant, inv, "reported I%d (%s), expected I%d",
	    v.invariant, v.what, inv);
	cr_assert_eq(v.inst, inst, "reported instance %llu, expected %llu (%s)",
	    (unsigned long long)v.inst, (unsigned long long)inst, v.what);
	cr_assert_eq(v.dom, dom, "reported domain %u, expected %u", v.dom, dom);
	cr_assert_neq(v.what[0], '\0');
}

TestSuite(corrupt, .init = setup, .fini = teardown);

Test(corrupt, clean_space_passes)
{
	struct mult_violation v;

	cr_assert_eq(mult_verify(&v, f.sp), 0);
}

/* I1: b's allotment grows into a's, behind the owner index's back. */
Test(corrupt, i1_disjoint_allotments)
{
	ds_of(f.b, f.uid)->allot->v[0].first = 1500;
	expect(1, f.b, f.uid);
}

/* I1 in a numbered domain: one object numbered in two siblings. */
Test(corrupt, i1_object_in_two_siblings)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);
	struct mult__rnode *leaf;

	uint64_t nr, obj = 0xa2;

	/* a's second pid: free in b, which has one. */
	ok(mult_num_alloc(&nr, f.sp, f.a, f.pid, obj));
	nr -= f.sp->doms[f.pid]->lo;
	ok(mult__radix_prepare(f.sp, &ds->ids, ds->low, &ds->leaves,
	    f.sp->doms[f.pid]->radix_top, nr, &leaf));
	mult__radix_set_in(ds->ids, leaf, nr, obj);
	expect(1, MULT_HOST, f.pid);
}

/* I2: a nested child's allotment escapes its parent's. */
Test(corrupt, i2_nesting)
{
	uint64_t c, c2;
	struct mult__ivl *e;

	ok(mult_instance_create(&c, f.sp, MULT_HOST, "c", 0));
	ok(mult_instance_create(&c2, f.sp, c, "c2", 0));
	ok(mult_allot_grant(f.sp, c, f.uid, 5000, 100));
	ok(mult_allot_grant(f.sp, c2, f.uid, 5000, 10));
	ok(mult_verify(NULL, f.sp));
	e = &ds_of(c2, f.uid)->allot->v[0];
	e->first = 6000;
	e->last = 6009;
	expect(2, c2, f.uid);
}

/* I3: two extents of a's map claim the same identities. */
Test(corrupt, i3_bijective_extents)
{
	ds_of(f.a, f.uid)->map->dir[0].v[1].first = 400;
	expect(3, f.a, f.uid);
}

/*
 * I3: the index by which readers find a's extents sends the identities of
 * the second extent to the first; then a bucket shift that leaves a key
 * past the last bucket; then, in a map of three, too few halvings for the
 * extents that share a bucket.
 */
Test(corrupt, i3_map_index)
{
	struct mult_extent three[3] = { { 0, 3000, 1 }, { 1, 3001, 1 },
	    { 2, 3002, 1 } };
	struct mult__rdir *r = &ds_of(f.a, f.uid)->map->dir[0];
	uint16_t *top = &r->slot[r->last + 1];
	uint8_t shift = r->shift;
	uint16_t saved[17];
	uint64_t c, res = 0;
	uint32_t b;

	cr_assert_eq(*top, 1);
	*top = 0;
	expect(3, f.a, f.uid);
	/* what a reader would have seen: identity 999 unmapped */
	cr_assert_eq(mult_range_down(&res, f.sp, f.a, f.uid, 999), MULT_ENOENT);
	*top = 1;
	ok(mult_range_down(&res, f.sp, f.a, f.uid, 999));
	cr_assert_eq(res, 1999);
	ok(mult_verify(NULL, f.sp));
	r->shift = 0;
	expect(3, f.a, f.uid);
	/* and slots that agree with it: the second extent past every bucket */
	cr_assert_lt(r->last, 16);
	for (b = 0; b <= r->last + 1; b++) {
		saved[b] = r->slot[b];
		r->slot[b] = 0;
	}
	expect(3, f.a, f.uid);
	cr_assert_eq(mult_range_down(&res, f.sp, f.a, f.uid, 999), MULT_ENOENT);
	for (b = 0; b <= r->last + 1; b++)
		r->slot[b] = saved[b];
	r->shift = shift;
	ok(mult_verify(NULL, f.sp));

	ok(mult_instance_create(&c, f.sp, MULT_HOST, "c", 0));
	ok(mult_allot_grant(f.sp, c, f.uid, 3000, 3));
	ok(mult_range_map(f.sp, c, f.uid, three, 3));
	r = &ds_of(c, f.uid)->map->dir[0];
	/* all three in bucket 0, the slots right for it: one halving */
	r->shift = 63;
	for (b = 1; b <= r->last + 1; b++)
		r->slot[b] = 2;
	r->steps = 1;
	ok(mult_verify(NULL, f.sp));
	ok(mult_range_down(&res, f.sp, c, f.uid, 1));
	cr_assert_eq(res, 3001);
	r->steps = 0;
	expect(3, c, f.uid);
	cr_assert_eq(mult_range_down(&res, f.sp, c, f.uid, 1), MULT_ENOENT);
}

/* The leaf of a radix tree that holds identity offset idx. */
static struct mult__rnode *
leaf_of(struct mult__rnode *n, uint64_t idx)
{
	while (n->shift > 0)
		n = (struct mult__rnode *)(uintptr_t)
		    n->slot[(idx >> n->shift) & (MULT__RADIX_FAN - 1)];
	return n;
}

/* I3: a numbered identity points at another object than its hash says. */
Test(corrupt, i3_num_indexes_disagree)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);

	leaf_of(mult__rroot(ds->ids), 0)->slot[0] = 0xdead;
	expect(3, f.b, f.pid);
}

/* I3: the hash of a's own objects gives obj_a another identity. */
Test(corrupt, i3_own_hash_disagrees)
{
	struct mult__ds *ds = ds_of(f.a, f.pid);
	struct mult__hent *e = (struct mult__hent *)mult__ht_find(ds->objs,
	    f.sp->seed, f.obj_a);

	cr_assert_not_null(e);
	e->val += 1;
	expect(3, f.a, f.pid);
}

/* I7: an object of a's tree, allocated there, missing from a's hash. */
Test(corrupt, i7_own_hash_misses_an_object)
{
	struct mult__ds *ds = ds_of(f.a, f.pid);

	mult__ht_remove(ds->objs, (struct mult__hent *)mult__ht_find(ds->objs,
	    f.sp->seed, f.obj_a));
	expect(7, f.a, f.pid);
}

/* A root word that says another height than its root's would mislead
 * readers: they walk by the word. */
Test(corrupt, radix_root_word_at_the_wrong_height)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);

	cr_assert_neq(mult__rroot(ds->ids), NULL);
	ds->ids ^= 1;
	expect(8, f.b, f.pid);
}

/*
 * A short way that is not the tree's leftmost node: lookups of small
 * identities start there, and would miss b's process.
 */
Test(corrupt, radix_short_way_off_the_tree)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);
	struct mult__rnode *was = ds->low[0];

	cr_assert_not_null(was);
	ds->low[0] = NULL;
	expect(8, f.b, f.pid);
	ds->low[0] = was;
	ok(mult_verify(NULL, f.sp));
}

/* The same, the other way: the root's shift changed under its word. */
Test(corrupt, radix_root_at_the_wrong_height)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);

	mult__rroot(ds->ids)->shift += MULT__RADIX_BITS;
	expect(8, f.b, f.pid);
	/* The teardown walks the tree by the nodes' shifts. */
	mult__rroot(ds->ids)->shift -= MULT__RADIX_BITS;
}

/* A chunk that counts a leaf more than the tree holds would never go. */
Test(corrupt, radix_chunk_miscounts_its_leaves)
{
	struct mult__ds *ds = ds_of(f.b, f.pid);

	leaf_of(mult__rroot(ds->ids), 0)->chunk->live++;
	expect(8, f.b, f.pid);
	leaf_of(mult__rroot(ds->ids), 0)->chunk->live--;
}

/* An interior node that miscounts its children would leave too soon. */
Test(corrupt, radix_node_miscounts_its_children)
{
	uint64_t c, id, i;
	struct mult__ds *ds;

	ok(mult_instance_create(&c, f.sp, MULT_HOST, "c", 0));
	for (i = 1; i <= 70; i++)
		ok(mult_num_alloc(&id, f.sp, c, f.pid, 0xc0000 + i));
	ok(mult_verify(NULL, f.sp));
	ds = ds_of(c, f.pid);
	cr_assert_gt(mult__rroot(ds->ids)->shift, 0);
	mult__rroot(ds->ids)->kids++;
	expect(8, c, f.pid);
	mult__rroot(ds->ids)->kids--;
}

/* I4: a's map reaches resources outside a's allotment (b's). */
Test(corrupt, i4_confinement)
{
	struct mult__rmap *m = ds_of(f.a, f.uid)->map;

	m->dir[0].v[1].res = 2500;
	m->dir[1].v[1].res = 2500;
	expect(4, f.a, f.uid);
}

/* I5: an allotment interval that wraps. */
Test(corrupt, i5_no_wrap_interval)
{
	struct mult__ivl *e = &ds_of(f.a, f.cpu)->allot->v[0];

	e->last = e->first - 1;
	expect(5, f.a, f.cpu);
}

/* I5: an extent whose resources run past 2^64. */
Test(corrupt, i5_no_wrap_extent)
{
	struct mult__rmap *m = ds_of(f.b, f.uid)->map;

	m->dir[0].v[0].res = UINT64_MAX - 10;
	m->dir[1].v[0].res = UINT64_MAX - 10;
	expect(5, f.b, f.uid);
}

/* I6: the reverse map answers for a resource the forward map doesn't give. */
Test(corrupt, i6_visibility_range)
{
	ds_of(f.a, f.uid)->map->dir[1].v[0].first = 7;
	expect(6, f.a, f.uid);
}

/* I6: a child sees an object its parent allocated. */
Test(corrupt, i6_visibility_numbered)
{
	uint64_t parent, child, id, obj = 0xc0ffee;
	struct mult__ds *ds;
	struct mult__rnode *leaf;

	ok(mult_instance_create(&parent, f.sp, MULT_HOST, "parent", 0));
	ok(mult_instance_create(&child, f.sp, parent, "child", 0));
	ok(mult_num_alloc(&id, f.sp, parent, f.pid, obj));
	ok(mult_num_alloc(&id, f.sp, child, f.pid, 0x5eed));
	ok(mult_verify(NULL, f.sp));
	ds = ds_of(child, f.pid);
	ok(mult__radix_prepare(f.sp, &ds->ids, ds->low, &ds->leaves,
	    f.sp->doms[f.pid]->radix_top, 9, &leaf));
	mult__radix_set_in(ds->ids, leaf, 9, obj);
	expect(6, child, f.pid);
}

/* I7: a's usage of pids no longer equals what is charged to it. */
Test(corrupt, i7_accounting_numbered)
{
	ds_of(f.a, f.pid)->usage += 1;
	expect(7, MULT_HOST, f.pid);
}

/* I7: value bytes charged to a differ from what it holds (the host's
 * tally of what a holds is checked first). */
Test(corrupt, i7_accounting_value)
{
	ds_of(f.a, f.uts)->here += 3;
	expect(7, MULT_HOST, f.uts);
}

/* I7: an instance over its limit. */
Test(corrupt, i7_over_limit)
{
	ok(mult_limit_set(f.sp, f.b, f.pid, 5));
	ok(mult_verify(NULL, f.sp));
	ds_of(f.b, f.pid)->limit = 0;
	expect(7, f.b, f.pid);
}

/* I7: a reservation the parent no longer backs. */
Test(corrupt, i7_reservation_unbacked)
{
	ok(mult_limit_reserve(f.sp, f.b, f.cpu, 20));
	ok(mult_verify(NULL, f.sp));
	ds_of(f.b, f.cpu)->reserve = 100;
	expect(7, MULT_HOST, f.cpu);
}

/*
 * I8: a's value table broken four ways, each put back: a slot whose hash
 * is not its entry's, a key moved out of its probe's reach (a get misses
 * it), a key twice, a table that miscounts its keys.
 */
Test(corrupt, i8_value_table)
{
	struct mult__vtab *t = ds_of(f.a, f.uts)->vals;
	uint32_t home, gap;
	struct mult__vslot saved;
	char buf[8];
	size_t len;

	cr_assert_not_null(t);
	cr_assert_eq(t->n, 1);
	for (home = 0; t->s[home].hash == 0; home++)
		;
	saved = t->s[home];
	gap = (home + 2) & t->mask;

	t->s[home].hash ^= 1;
	expect(8, f.a, f.uts);
	t->s[home] = saved;
	ok(mult_verify(NULL, f.sp));

	t->s[gap] = saved;
	t->s[home].hash = 0;
	t->s[home].e = NULL;
	expect(8, f.a, f.uts);
	cr_assert_eq(mult_value_get(buf, sizeof(buf), &len, f.sp, f.a, f.uts,
	    "hostname"), MULT_ENOENT, "the moved key was still found");
	t->s[home] = saved;
	t->s[gap].hash = 0;
	t->s[gap].e = NULL;
	ok(mult_verify(NULL, f.sp));

	t->s[(home + 1) & t->mask] = saved;
	t->n = 2;   /* counted, so that the count does not give it away */
	expect(8, f.a, f.uts);
	t->s[(home + 1) & t->mask].hash = 0;
	t->s[(home + 1) & t->mask].e = NULL;
	t->n = 1;
	ok(mult_verify(NULL, f.sp));

	t->n = 2;
	expect(8, f.a, f.uts);
	t->n = 1;
}

/* I8: an instance in the tree that its id no longer reaches. */
Test(corrupt, i8_slot_table)
{
	struct mult__slot *sl = mult__slot_at(f.sp->sdir, (uint32_t)f.b);
	struct mult__inst *saved = sl->inst;

	sl->inst = NULL;
	expect(8, f.b, UINT32_MAX);
	sl->inst = saved;
}

/*
 * I8: lookups' way to the first slots (the host's chunk) leads elsewhere
 * than the directory: the host is the first instance its id misses.
 */
Test(corrupt, i8_first_slots_shortcut)
{
	struct mult__slot *saved = f.sp->slots0;

	f.sp->slots0 = saved + 1;
	expect(8, MULT_HOST, UINT32_MAX);
	f.sp->slots0 = saved;
}

/* I8: the space's copy of a domain's lo, the lookups' short way. */
Test(corrupt, i8_space_lo_copy)
{
	cr_assert_lt(f.pid, MULT__SLOT_DS);
	f.sp->lo[f.pid]++;
	expect(8, 0, f.pid);
	f.sp->lo[f.pid]--;
	ok(mult_verify(NULL, f.sp));
}

/* I8: a slot's copy of an instance's state, the lookups' short way. */
Test(corrupt, i8_slot_state_copy)
{
	struct mult__slot *sl = mult__slot_at(f.sp->sdir, (uint32_t)f.a);
	struct mult__ds *ds = ds_of(f.a, f.pid);

	cr_assert_lt(f.pid, MULT__SLOT_DS);
	cr_assert_eq(sl->ds[f.pid], ds);
	sl->ds[f.pid] = NULL;
	expect(8, f.a, f.pid);
	sl->ds[f.pid] = ds_of(f.b, f.pid);      /* another instance's */
	expect(8, f.a, f.pid);
	sl->ds[f.pid] = ds;
	ds->inst = f.b;                         /* naming another */
	expect(8, f.a, f.pid);
	ds->inst = f.a;
	ok(mult_verify(NULL, f.sp));
}

/* I8: a free slot that still leads to a destroyed instance's state. */
Test(corrupt, i8_free_slot_keeps_a_state)
{
	uint64_t c;
	struct mult__slot *sl;

	ok(mult_instance_create(&c, f.sp, MULT_HOST, NULL, 0));
	ok(mult_instance_destroy(f.sp, c));
	sl = mult__slot_at(f.sp->sdir, (uint32_t)c);
	cr_assert_null(sl->inst);
	sl->ds[f.uts] = ds_of(f.a, f.uts);
	expect(8, 0, f.uts);
	sl->ds[f.uts] = NULL;
}

/* I8: the exclusive owner index names an instance that never existed. */
Test(corrupt, i8_owner_index)
{
	f.sp->doms[f.cpu]->owners->v[0].owner = 999;
	expect(8, f.a, f.cpu);
}

/*
 * I8: an owner bucket that differs from the owner index, which readers
 * would believe (unit 3 is a's), and one left prepared.
 */
Test(corrupt, i8_owner_bucket)
{
	struct mult__dom *d = f.sp->doms[f.cpu];
	struct mult__ivec *b = d->obkt->b[3 >> d->obkt->shift];
	uint64_t o;

	cr_assert_not_null(b);
	b->v[0].owner = f.b;
	expect(8, 0, f.cpu);
	ok(mult_excl_owner(&o, f.sp, f.cpu, 3));
	cr_assert_eq(o, f.b, "the reader does not read the buckets");
	b->v[0].owner = f.a;
	ok(mult_verify(NULL, f.sp));
	d->ochanged[0] |= 1;
	expect(8, 0, f.cpu);
	d->ochanged[0] = 0;
}

/* Handing a's units to b in the owner index is I1, seen from a. */
Test(corrupt, i1_owner_index_gives_units_away)
{
	f.sp->doms[f.cpu]->owners->v[0].owner = f.b;
	expect(1, f.a, f.cpu);
}
