/*
 * libmult fault injection (issue 5): every write of the API, with the Nth
 * allocation failing, for every N until the write no longer allocates that
 * many times, must return MULT_ENOMEM and leave the space exactly as it was
 * (mult_verify() passes and the canonical dump is byte-identical); then it
 * succeeds. Each N starts from a freshly built identical space ("fresh"),
 * and once more on one space retried with N = 1, 2, ... ("retry": what a
 * failed attempt published must not disturb the next one).
 *
 * Then a persistent mode: after a seeded random prefix of operations, every
 * allocation after the Nth fails; a long random sequence goes on; after
 * each operation the space verifies, a failed one changed nothing, and a
 * sample of what was stored before still reads back.
 *
 *   FAULT_SEED=n   replay the persistent mode with one seed
 *   FAULT_ROUNDS=n number of persistent rounds (default 24)
 * SPDX-License-Identifier: ISC
 */
#include <inttypes.h>
#include <time.h>

#include "rich.h"
#include "internal.h"

/* ---- the operations ----------------------------------------------------- */

struct op {
	const char *name;
	void (*setup)(struct rich *r);   /* may be NULL; must not fail */
	int (*call)(struct rich *r);
	void (*check)(struct rich *r);   /* after success; may be NULL */
};

static uint64_t g_out;

/* domain_create */
static int
op_dom_range(struct rich *r)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0, 999);
	uint32_t d;

	return mult_domain_create(&d, r->sp, "gid", &o);
}

static int
op_dom_value(struct rich *r)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	uint32_t d;

	o.flags = MULT_DOMAIN_INHERIT;
	return mult_domain_create(&d, r->sp, "root", &o);
}

/* instance_create */
static int
op_inst_plain(struct rich *r)
{
	return mult_instance_create(&g_out, r->sp, MULT_HOST, NULL, 0);
}

static int
op_inst_named_depth4(struct rich *r)
{
	return mult_instance_create(&g_out, r->sp, r->c, "depth4", 0);
}

static void
ck_inst_named_depth4(struct rich *r)
{
	char buf[64];
	size_t len;
	uint64_t id;

	CHECK(mult_instance_find(&id, r->sp, "depth4") == 0 && id == g_out,
	    "depth4 by name");
	CHECK(mult_value_get(buf, sizeof buf, &len, r->sp, g_out, r->uts,
	    "motd") == 0 && len == 12 && memcmp(buf, "hello from c", 12) == 0,
	    "depth4 inherited motd");
}

static int
op_inst_federated(struct rich *r)
{
	return mult_instance_create(&g_out, r->sp, MULT_HOST, "f3",
	    MULT_INSTANCE_FEDERATED);
}

/* Named instances until the next name needs a bigger name table. */
static void
su_names_full(struct rich *r)
{
	char name[32];
	uint64_t id;
	int i;

	for (i = 0;; i++) {
		const struct mult__htab *t = r->sp->names;

		if (t != NULL && mult__ht_full(t))
			break;
		snprintf(name, sizeof name, "n%d", i);
		MUST(mult_instance_create(&id, r->sp, MULT_HOST, name, 0));
	}
}

static int
op_inst_named(struct rich *r)
{
	return mult_instance_create(&g_out, r->sp, r->a, "newname", 0);
}

/* Instances until the next one needs a bigger slot directory. */
static void
su_slots_full(struct rich *r)
{
	uint64_t id;

	while (r->sp->next_slot < 4 * MULT__CHUNK)
		MUST(mult_instance_create(&id, r->sp, MULT_HOST, NULL, 0));
}

/* instance_destroy */
static int
op_destroy_b(struct rich *r)
{
	return mult_instance_destroy(r->sp, r->b);
}

static void
ck_destroy_b(struct rich *r)
{
	uint64_t o;
	struct mult_instance_info info;

	CHECK(mult_instance_info(&info, r->sp, r->c) == MULT_ESTALE, "c stale");
	CHECK(mult_excl_owner(&o, r->sp, r->cpu, 0) == 0 && o == r->a,
	    "cpu 0 back to a");
}

/* The same with references held to states in the subtree. */
static struct mult_num_ref *g_ref[2];
static uint32_t g_dom;

static void
su_refs_in_b(struct rich *r)
{
	MUST(mult_num_ref_get(&g_ref[0], r->sp, r->c, r->pid));
	MUST(mult_num_ref_get(&g_ref[1], r->sp, r->b, r->pid));
}

static void
ck_refs_in_b(struct rich *r)
{
	uint64_t o;
	int i;

	ck_destroy_b(r);
	for (i = 0; i < 2; i++) {
		CHECK(mult_num_ref_lookup(&o, g_ref[i], 1) == MULT_ESTALE,
		    "reference %d stale", i);
		mult_num_ref_put(g_ref[i]);
		g_ref[i] = NULL;
	}
}

static int
op_destroy_a(struct rich *r)
{
	return mult_instance_destroy(r->sp, r->a);
}

static int
op_destroy_f1(struct rich *r)
{
	return mult_instance_destroy(r->sp, r->f1);
}

/* allot_grant, allot_revoke */
static void
su_x_under_a(struct rich *r)
{
	MUST(mult_instance_create(&r->x, r->sp, r->a, NULL, 0));
}

static int
op_grant_uid(struct rich *r)
{
	return mult_allot_grant(r->sp, r->x, r->uid, 150000, 1000);
}

static int
op_grant_cpu_depth3(struct rich *r)
{
	return mult_allot_grant(r->sp, r->c2, r->cpu, 2, 2);
}

static int
op_grant_mem_merge(struct rich *r)
{
	return mult_allot_grant(r->sp, r->b, r->mem, ((uint64_t)1 << 20) + 4096,
	    4096);
}

static int
op_grant_port_shared(struct rich *r)
{
	return mult_allot_grant(r->sp, r->b2, r->port, 1500, 100);
}

static int
op_revoke_uid(struct rich *r)
{
	return mult_allot_revoke(r->sp, r->a, r->uid, 190000, 1000);
}

static int
op_revoke_cpu_split(struct rich *r)
{
	return mult_allot_revoke(r->sp, r->a, r->cpu, 12, 1);
}

static int
op_revoke_cpu_depth3(struct rich *r)
{
	return mult_allot_revoke(r->sp, r->c, r->cpu, 0, 1);
}

/* range_map */
static int
op_map_depth3(struct rich *r)
{
	struct mult_extent e[3] = { { 500, 1500, 500 }, { 0, 1000, 100 },
		{ 100, 1100, 400 } };

	return mult_range_map(r->sp, r->c2, r->uid, e, 3);
}

static void
ck_map_depth3(struct rich *r)
{
	uint64_t res, id;

	CHECK(mult_range_down(&res, r->sp, r->c2, r->uid, 600) == 0 &&
	    res == 101600, "c2 600 -> %llu", (unsigned long long)res);
	CHECK(mult_range_up(&id, r->sp, r->c2, r->uid, 101600) == 0 && id == 600,
	    "101600 -> c2 %llu", (unsigned long long)id);
}

static void
su_x_under_host(struct rich *r)
{
	MUST(mult_instance_create(&r->x, r->sp, MULT_HOST, NULL, 0));
}

static int
op_map_shared(struct rich *r)
{
	struct mult_extent e = { 1, 5000, 10 };

	return mult_range_map(r->sp, r->x, r->port, &e, 1);
}

/* num_alloc, num_free */
static int
op_num_c(struct rich *r)
{
	return mult_num_alloc(&g_out, r->sp, r->c, r->pid, 0xabcdef);
}

static void
ck_num_c(struct rich *r)
{
	uint64_t o;

	CHECK(g_out == 65, "c's 65th object gets 65: %llu",
	    (unsigned long long)g_out);
	CHECK(mult_num_lookup(&o, r->sp, r->c, r->pid, g_out) == 0 &&
	    o == 0xabcdef, "lookup");
}

static int
op_num_c2(struct rich *r)
{
	return mult_num_alloc(&g_out, r->sp, r->c2, r->pid, 0xabcdef);
}

static void
su_x_under_b2(struct rich *r)
{
	MUST(mult_instance_create(&r->x, r->sp, r->b2, NULL, 0));
}

static int
op_num_x(struct rich *r)
{
	return mult_num_alloc(&g_out, r->sp, r->x, r->pid, 0xabcdef);
}

/* num_ref_get: the instance's state made for it */
static int
op_ref_x(struct rich *r)
{
	return mult_num_ref_get(&g_ref[0], r->sp, r->x, r->pid);
}

static void
ck_ref_x(struct rich *r)
{
	uint64_t o;

	CHECK(mult_num_ref_lookup(&o, g_ref[0], 1) == MULT_ENOENT, "empty");
	MUST(mult_num_alloc(&o, r->sp, r->x, r->pid, 0xabcdef));
	CHECK(mult_num_ref_lookup(&o, g_ref[0], 1) == 0 && o == 0xabcdef,
	    "the reference sees a later allocation");
	mult_num_ref_put(g_ref[0]);
	g_ref[0] = NULL;
}

/* ... and in a domain made after the instance, through its vector */
static void
su_x_then_dom(struct rich *r)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED,
	    1, 1000);

	su_x_under_b2(r);
	MUST(mult_domain_create(&g_dom, r->sp, "tid", &o));
}

static int
op_ref_x_new_dom(struct rich *r)
{
	return mult_num_ref_get(&g_ref[0], r->sp, r->x, g_dom);
}

static void
ck_ref_x_new_dom(struct rich *r)
{
	uint64_t o;

	MUST(mult_num_alloc(&o, r->sp, r->x, g_dom, 0xabcdef));
	CHECK(mult_num_ref_lookup(&o, g_ref[0], 1) == 0 && o == 0xabcdef,
	    "the reference sees a later allocation");
	mult_num_ref_put(g_ref[0]);
	g_ref[0] = NULL;
}

/* f2's object table one insert short of growing. */
static void
su_f2_objs_full(struct rich *r)
{
	uint64_t id;

	int err;

	for (;;) {
		const struct mult__inst *in = mult__inst_get(r->sp, r->f2, &err);
		const struct mult__ds *ds = mult__ds_get(in, r->pid);
		const struct mult__htab *t = ds->objs;

		if (mult__ht_full(t))
			break;
		MUST(mult_num_alloc(&id, r->sp, r->f2, r->pid, r->next_obj++));
	}
}

static int
op_num_f2(struct rich *r)
{
	return mult_num_alloc(&g_out, r->sp, r->f2, r->pid, 0xabcdef);
}

/* c allocates at identity 4096: new interior and leaf nodes at c. */
static void
su_c_to_4096(struct rich *r)
{
	uint64_t id = 0;

	MUST(mult_limit_set(r->sp, r->a, r->pid, MULT_UNLIMITED));
	while (id < 4096)
		MUST(mult_num_alloc(&id, r->sp, r->c, r->pid, r->next_obj++));
}

static int
op_num_free_c(struct rich *r)
{
	return mult_num_free(r->sp, r->c, r->pid, r->c_obj);
}

/* value_set, value_unset */
static int
op_val_new_depth3(struct rich *r)
{
	return mult_value_set(r->sp, r->c2, r->sysctl, "kern.hostid", "42", 2);
}

static int
op_val_replace_host(struct rich *r)
{
	return mult_value_set(r->sp, MULT_HOST, r->uts, "hostname", "renamed", 7);
}

static int
op_val_empty(struct rich *r)
{
	return mult_value_set(r->sp, r->c, r->uts, "empty", NULL, 0);
}

static int
op_unset_inherited(struct rich *r)
{
	return mult_value_unset(r->sp, r->c, r->uts, "hostname");
}

static int
op_unset_last(struct rich *r)
{
	return mult_value_unset(r->sp, r->f1, r->sysctl, "a");
}

/* limit_set, limit_reserve */
static int
op_limit_fresh(struct rich *r)
{
	return mult_limit_set(r->sp, r->c2, r->mem, 10000);
}

static int
op_limit_host(struct rich *r)
{
	return mult_limit_set(r->sp, MULT_HOST, r->pid, 100000);
}

static int
op_limit_x_value(struct rich *r)
{
	return mult_limit_set(r->sp, r->x, r->sysctl, 10);
}

static int
op_reserve_num(struct rich *r)
{
	return mult_limit_reserve(r->sp, r->c2, r->pid, 5);
}

static int
op_reserve_cpu(struct rich *r)
{
	return mult_limit_reserve(r->sp, r->c2, r->cpu, 1);
}

static const struct op ops[] = {
	{ "domain_create(range)", NULL, op_dom_range, NULL },
	{ "domain_create(value, inherit)", NULL, op_dom_value, NULL },
	{ "instance_create(host, no name)", NULL, op_inst_plain, NULL },
	{ "instance_create(depth 4, name, inherit)", NULL, op_inst_named_depth4,
	    ck_inst_named_depth4 },
	{ "instance_create(federated, name)", NULL, op_inst_federated, NULL },
	{ "instance_create(name table full)", su_names_full, op_inst_named, NULL },
	{ "instance_create(slot directory full)", su_slots_full, op_inst_plain,
	    NULL },
	{ "instance_destroy(b subtree)", NULL, op_destroy_b, ck_destroy_b },
	{ "instance_destroy(b subtree, references held)", su_refs_in_b,
	    op_destroy_b, ck_refs_in_b },
	{ "instance_destroy(a subtree)", NULL, op_destroy_a, NULL },
	{ "instance_destroy(f1 federated)", NULL, op_destroy_f1, NULL },
	{ "allot_grant(uid, fresh instance)", su_x_under_a, op_grant_uid, NULL },
	{ "allot_grant(cpu, depth 3)", NULL, op_grant_cpu_depth3, NULL },
	{ "allot_grant(mem, merging)", NULL, op_grant_mem_merge, NULL },
	{ "allot_grant(port, shared)", NULL, op_grant_port_shared, NULL },
	{ "allot_revoke(uid)", NULL, op_revoke_uid, NULL },
	{ "allot_revoke(cpu, split)", NULL, op_revoke_cpu_split, NULL },
	{ "allot_revoke(cpu, depth 3)", NULL, op_revoke_cpu_depth3, NULL },
	{ "range_map(depth 3, 3 extents)", NULL, op_map_depth3, ck_map_depth3 },
	{ "range_map(shared, no grant)", su_x_under_host, op_map_shared, NULL },
	{ "num_alloc(depth 3, new leaf)", NULL, op_num_c, ck_num_c },
	{ "num_alloc(depth 3, first object)", NULL, op_num_c2, NULL },
	{ "num_alloc(depth 3, new states)", su_x_under_b2, op_num_x, NULL },
	{ "num_alloc(hash grows)", su_f2_objs_full, op_num_f2, NULL },
	{ "num_alloc(depth 3, new subtree)", su_c_to_4096, op_num_c, NULL },
	{ "num_free(depth 3)", NULL, op_num_free_c, NULL },
	{ "num_ref_get(new state)", su_x_under_b2, op_ref_x, ck_ref_x },
	{ "num_ref_get(domain after instance)", su_x_then_dom, op_ref_x_new_dom,
	    ck_ref_x_new_dom },
	{ "value_set(depth 3, new state)", NULL, op_val_new_depth3, NULL },
	{ "value_set(host, replace)", NULL, op_val_replace_host, NULL },
	{ "value_set(empty value)", NULL, op_val_empty, NULL },
	{ "value_unset(inherited key)", NULL, op_unset_inherited, NULL },
	{ "value_unset(last key)", NULL, op_unset_last, NULL },
	{ "limit_set(depth 3, new state)", NULL, op_limit_fresh, NULL },
	{ "limit_set(host, numbered)", NULL, op_limit_host, NULL },
	{ "limit_set(fresh instance, value)", su_x_under_b2, op_limit_x_value,
	    NULL },
	{ "limit_reserve(numbered, depth 3)", NULL, op_reserve_num, NULL },
	{ "limit_reserve(exclusive, depth 3)", NULL, op_reserve_cpu, NULL },
};
#define NOPS (sizeof ops / sizeof ops[0])

static struct f_alloc g_fa;        /* every space of the fault loops */
static long g_pairs_fresh, g_pairs_retry;

/* Destroy a space of g_fa; everything it allocated must be back. */
static void
destroy_checked(struct mult_space *sp, const char *ctx)
{
	mult_space_destroy(sp);
	CHECK(g_fa.bytes == 0, "%s: %lld bytes leaked", ctx, g_fa.bytes);
	g_fa.bytes = 0;
}

/*
 * One attempt with allocation n failing. Returns 1 while the call still
 * fails as it must, 0 once it succeeded (no injection reached).
 */
static int
attempt(const struct op *o, struct rich *r, long n, const struct dump *before,
    const char *mode)
{
	struct dump after = { 0 };
	char ctx[160];
	long injected;
	int rc;

	snprintf(ctx, sizeof ctx, "%s [%s, allocation %ld fails]", o->name,
	    mode, n);
	f_alloc_arm(&g_fa, n, 0);
	rc = o->call(r);
	injected = g_fa.injected;
	f_alloc_arm(&g_fa, 0, 0);
	if (injected == 0) {
		CHECK(rc == 0, "%s: %d (%s)", ctx, rc, mult_strerror(rc));
		if (rc == 0 && o->check != NULL)
			o->check(r);
		f_verify(r->sp, ctx);
		return 0;
	}
	CHECK(rc == MULT_ENOMEM, "%s: returned %d (%s), not MULT_ENOMEM", ctx,
	    rc, mult_strerror(rc));
	f_verify(r->sp, ctx);
	if (dump_space(&after, r->sp) == 0) {
		CHECK(dump_equal(before, &after), "%s: space changed", ctx);
		if (!dump_equal(before, &after))
			dump_diff(stderr, before, "before", &after, "after ");
	}
	dump_free(&after);
	return rc == MULT_ENOMEM;
}

/*
 * After a failed write, destroy every instance, deepest first, one by one:
 * whatever empty structure the failure left published must not trip a
 * later destroy (it did: a state prepared for a child but not yet for its
 * parent).
 */
static void
destroy_each(struct rich *r, const char *ctx)
{
	uint64_t ids[9] = { r->x, r->c, r->c2, r->b, r->b2, r->a, r->f1, r->f2 };
	int k;

	for (k = 0; k < 8; k++) {
		if (ids[k] == 0)
			continue;
		(void)mult_instance_destroy(r->sp, ids[k]);
		f_verify(r->sp, ctx);
	}
}

static void
run_op(const struct op *o)
{
	struct rich r;
	struct dump before = { 0 };
	long n, fresh = 0, retry = 0;

	/* Fresh: every N from the same state. */
	for (n = 1; n < 100000; n++) {
		int more;

		rich_build(&r, &g_fa, 0x5eed);
		if (o->setup != NULL)
			o->setup(&r);
		dump_space(&before, r.sp);
		more = attempt(o, &r, n, &before, "fresh");
		if (more && getenv("FAULT_NO_DESTROY_EACH") == NULL)
			destroy_each(&r, o->name);
		destroy_checked(r.sp, o->name);
		if (!more)
			break;
		fresh++;
	}
	/* Retry: one space, N = 1, 2, ... */
	rich_build(&r, &g_fa, 0x5eed);
	if (o->setup != NULL)
		o->setup(&r);
	dump_space(&before, r.sp);
	for (n = 1; n < 100000; n++) {
		if (!attempt(o, &r, n, &before, "retry"))
			break;
		retry++;
	}
	destroy_checked(r.sp, o->name);
	dump_free(&before);
	printf("  %-44s %3ld allocations failed (fresh), %3ld (retry)\n",
	    o->name, fresh, retry);
	g_pairs_fresh += fresh;
	g_pairs_retry += retry;
}

/* mult_space_create() itself. */
static void
run_space_create(void)
{
	struct mult_space_opts o = MULT_SPACE_OPTS_INIT;
	struct mult_allocator al = { f_alloc_fn, f_free_fn, &g_fa };
	struct mult_space *sp;
	long n;
	int rc;

	o.allocator = &al;
	for (n = 1; n < 100; n++) {
		sp = NULL;
		f_alloc_arm(&g_fa, n, 0);
		rc = mult_space_create(&sp, &o);
		f_alloc_arm(&g_fa, 0, 0);
		if (rc == 0)
			break;
		CHECK(rc == MULT_ENOMEM && sp == NULL, "space_create: %d", rc);
		CHECK(g_fa.bytes == 0, "space_create, allocation %ld fails: "
		    "%lld bytes leaked", n, g_fa.bytes);
		g_pairs_fresh++;
	}
	CHECK(rc == 0, "space_create never succeeds");
	f_verify(sp, "space_create");
	destroy_checked(sp, "space_create");
	printf("  %-44s %3ld allocations failed\n", "space_create", n - 1);
}

/* ---- persistent mode: a random walk with the allocator giving out ------- */

static uint64_t rng_s;

static uint64_t
rnd(void)
{
	uint64_t z = (rng_s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rndn(uint64_t n)
{
	return n == 0 ? 0 : rnd() % n;
}

#define P_INST 48
#define P_FACTS 512

struct p_inst {
	uint64_t id;
	int parent;       /* index, -1 for the host */
	int alive;
	int fed;
};

enum { F_VALUE, F_OBJ, F_MAP, F_OWNER };

struct p_fact {
	int kind, inst;   /* instance index */
	int by;           /* F_OBJ: the instance that allocated it */
	uint32_t dom;
	char key[8];
	uint64_t a, b;    /* value: bytes seed, length; obj: obj, id; map: id,
	                     res; owner: unit, - */
};

struct p_state {
	struct rich r;
	struct p_inst in[P_INST];
	int nin;
	struct p_fact f[P_FACTS];
	int nf;
	long ops, enomem, ok, other;
};

static void
p_fact_add(struct p_state *s, const struct p_fact *f)
{
	int i;

	/* A newer fact about the same thing replaces the old one. */
	for (i = 0; i < s->nf; i++)
		if (s->f[i].kind == f->kind && s->f[i].inst == f->inst &&
		    s->f[i].dom == f->dom && strcmp(s->f[i].key, f->key) == 0 &&
		    (f->kind == F_VALUE || s->f[i].a == f->a)) {
			s->f[i] = *f;
			return;
		}
	if (s->nf < P_FACTS)
		s->f[s->nf++] = *f;
	else
		s->f[rndn(P_FACTS)] = *f;
}

static void
p_fact_drop(struct p_state *s, int i)
{
	s->f[i] = s->f[--s->nf];
}

static int
p_is_below(struct p_state *s, int i, int root)
{
	for (; i >= 0; i = s->in[i].parent)
		if (i == root)
			return 1;
	return 0;
}

static void
p_val(uint64_t seed, size_t len, unsigned char *buf)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7);
}

static uint64_t
p_id(struct p_state *s, int i)
{
	return i < 0 ? MULT_HOST : s->in[i].id;
}

/* Does the fact still read back? */
static void
p_fact_check(struct p_state *s, const struct p_fact *f, const char *ctx)
{
	struct mult_space *sp = s->r.sp;
	uint64_t id = p_id(s, f->inst), x = 0;
	unsigned char want[64], got[64];
	size_t len = 0;
	int rc;

	switch (f->kind) {
	case F_VALUE:
		p_val(f->a, (size_t)f->b, want);
		rc = mult_value_get(got, sizeof got, &len, sp, id, f->dom, f->key);
		CHECK(rc == 0 && len == f->b && memcmp(got, want, len) == 0,
		    "%s: value %s of %llu lost: %d", ctx, f->key,
		    (unsigned long long)id, rc);
		break;
	case F_OBJ:
		rc = mult_num_number(&x, sp, id, f->dom, f->a);
		CHECK(rc == 0 && x == f->b, "%s: object %llu of %llu: %d, %llu",
		    ctx, (unsigned long long)f->a, (unsigned long long)id, rc,
		    (unsigned long long)x);
		rc = mult_num_lookup(&x, sp, id, f->dom, f->b);
		CHECK(rc == 0 && x == f->a, "%s: identity %llu of %llu: %d",
		    ctx, (unsigned long long)f->b, (unsigned long long)id, rc);
		break;
	case F_MAP:
		rc = mult_range_down(&x, sp, id, f->dom, f->a);
		CHECK(rc == 0 && x == f->b, "%s: map of %llu lost: %d", ctx,
		    (unsigned long long)id, rc);
		rc = mult_range_up(&x, sp, id, f->dom, f->b);
		CHECK(rc == 0 && x == f->a, "%s: reverse map of %llu lost: %d",
		    ctx, (unsigned long long)id, rc);
		break;
	default:
		rc = mult_excl_owner(&x, sp, f->dom, f->a);
		CHECK(rc == 0 && x == id, "%s: unit %llu owner %llu, want %llu",
		    ctx, (unsigned long long)f->a, (unsigned long long)x,
		    (unsigned long long)id);
		break;
	}
}

/* A random live instance index, or -1 (the host). */
static int
p_pick(struct p_state *s)
{
	int i, tries;

	for (tries = 0; tries < 8; tries++) {
		i = (int)rndn((uint64_t)s->nin + 1) - 1;
		if (i < 0 || s->in[i].alive)
			return i;
	}
	return -1;
}

/* One random write; returns its result. Facts follow successes. */
static int
p_step(struct p_state *s)
{
	struct rich *r = &s->r;
	struct mult_space *sp = r->sp;
	int i = p_pick(s), rc = 0, k;
	uint64_t id = p_id(s, i), x;
	struct p_fact f;
	unsigned char buf[64];

	memset(&f, 0, sizeof f);
	f.inst = i;
	switch (rndn(10)) {
	case 0: { /* create */
		int fed = i < 0 && rndn(3) == 0;
		char name[16];

		if (s->nin == P_INST || (i >= 0 && s->in[i].fed))
			return 0;
		snprintf(name, sizeof name, "p%d", s->nin);
		rc = mult_instance_create(&x, sp, id, rndn(2) ? name : NULL,
		    fed ? MULT_INSTANCE_FEDERATED : 0);
		if (rc == 0) {
			s->in[s->nin].id = x;
			s->in[s->nin].parent = i;
			s->in[s->nin].alive = 1;
			s->in[s->nin].fed = fed;
			s->nin++;
		}
		return rc;
	}
	case 1: /* destroy, rarely */
		if (i < 0 || rndn(4) != 0)
			return 0;
		rc = mult_instance_destroy(sp, id);
		if (rc == 0) {
			for (k = 0; k < s->nin; k++)
				if (p_is_below(s, k, i))
					s->in[k].alive = 0;
			for (k = s->nf - 1; k >= 0; k--)
				if ((s->f[k].inst >= 0 && !s->in[s->f[k].inst].alive) ||
				    (s->f[k].kind == F_OBJ && s->f[k].by >= 0 &&
				    !s->in[s->f[k].by].alive))
					p_fact_drop(s, k);
				else if (s->f[k].kind == F_OWNER)
					p_fact_drop(s, k); /* ownership moves */
		}
		return rc;
	case 2: { /* grant cpu or uid from the parent */
		uint32_t dom = rndn(2) ? r->cpu : r->uid;
		uint64_t first = dom == r->cpu ? rndn(64) : 100000 + rndn(300000);
		uint64_t count = 1 + rndn(dom == r->cpu ? 4 : 2000);

		if (dom == r->cpu && first + count > 64)
			count = 64 - first;
		rc = mult_allot_grant(sp, id, dom, first, count);
		if (rc == 0 && dom == r->cpu) {
			f.kind = F_OWNER;
			f.dom = dom;
			f.a = first;
			/* a child's grant will move it: drop on grant below */
			p_fact_add(s, &f);
		}
		if (rc == 0)
			for (k = s->nf - 1; k >= 0; k--)
				if (s->f[k].kind == F_OWNER && s->f[k].dom == dom &&
				    s->f[k].a >= first && s->f[k].a < first + count &&
				    s->f[k].inst != i)
					p_fact_drop(s, k);
		return rc;
	}
	case 3: { /* revoke */
		uint32_t dom = rndn(2) ? r->cpu : r->uid;
		uint64_t first = dom == r->cpu ? rndn(64) : 100000 + rndn(300000);

		rc = mult_allot_revoke(sp, id, dom, first, 1 + rndn(3));
		if (rc == 0)
			for (k = s->nf - 1; k >= 0; k--)
				if (s->f[k].kind == F_OWNER && s->f[k].dom == dom)
					p_fact_drop(s, k);
		return rc;
	}
	case 4: { /* map: identity onto the parent's view */
		struct mult_extent e;
		uint64_t res;

		e.first = rndn(1000);
		e.lower = rndn(400000);
		e.count = 1 + rndn(50);
		if (i >= 0 && s->in[i].parent < 0) {
			struct mult_interval iv[4];
			size_t n;

			/* under the host: something of its own allotment */
			if (mult_allot_get(iv, 4, &n, sp, id, r->uid) == 0 && n > 0) {
				e.lower = iv[0].first;
				e.count = iv[0].count < 50 ? iv[0].count : 50;
			}
		}
		rc = mult_range_map(sp, id, r->uid, &e, 1);
		if (rc == 0 && mult_range_down(&res, sp, id, r->uid, e.first) == 0) {
			f.kind = F_MAP;
			f.dom = r->uid;
			f.a = e.first;
			f.b = res;
			p_fact_add(s, &f);
		}
		return rc;
	}
	case 5: /* alloc */
		f.a = r->next_obj++;
		rc = mult_num_alloc(&x, sp, id, r->pid, f.a);
		if (rc == 0) {
			int a;

			f.kind = F_OBJ;
			f.dom = r->pid;
			f.by = i;
			f.b = x;
			p_fact_add(s, &f);
			/* and the ancestors see it too */
			for (a = i; a >= 0;) {
				a = s->in[a].parent;
				if (mult_num_number(&f.b, sp, p_id(s, a), r->pid,
				    f.a) == 0) {
					f.inst = a;
					p_fact_add(s, &f);
				}
				if (a < 0)
					break;
			}
		}
		return rc;
	case 6: /* free one of ours */
		for (k = 0; k < s->nf; k++)
			if (s->f[k].kind == F_OBJ && s->f[k].inst == i)
				break;
		if (k == s->nf)
			return 0;
		f = s->f[k];
		rc = mult_num_free(sp, id, r->pid, f.a);
		if (rc == 0) {
			for (k = s->nf - 1; k >= 0; k--)
				if (s->f[k].kind == F_OBJ && s->f[k].a == f.a)
					p_fact_drop(s, k);
		} else if (rc == MULT_ENOENT) {
			rc = 0; /* allocated below, not here */
		}
		return rc;
	case 7: { /* set */
		uint32_t dom = rndn(2) ? r->uts : r->sysctl;

		f.kind = F_VALUE;
		f.dom = dom;
		snprintf(f.key, sizeof f.key, "k%d", (int)rndn(6));
		f.a = rnd();
		f.b = rndn(dom == r->uts ? 65 : 60);
		p_val(f.a, (size_t)f.b, buf);
		rc = mult_value_set(sp, id, dom, f.key, buf, (size_t)f.b);
		if (rc == 0)
			p_fact_add(s, &f);
		return rc;
	}
	case 8: { /* unset */
		char key[8];
		uint32_t dom = rndn(2) ? r->uts : r->sysctl;

		snprintf(key, sizeof key, "k%d", (int)rndn(6));
		rc = mult_value_unset(sp, id, dom, key);
		if (rc == 0)
			for (k = s->nf - 1; k >= 0; k--)
				if (s->f[k].kind == F_VALUE && s->f[k].inst == i &&
				    s->f[k].dom == dom && strcmp(s->f[k].key, key) == 0)
					p_fact_drop(s, k);
		return rc;
	}
	default: { /* limits */
		uint32_t doms[4] = { r->pid, r->uts, r->cpu, r->uid };
		uint32_t dom = doms[rndn(4)];

		if (rndn(2))
			return mult_limit_set(sp, id, dom, rndn(3) ? rndn(200) :
			    MULT_UNLIMITED);
		return mult_limit_reserve(sp, id, dom, rndn(20));
	}
	}
}

/* Facts established before the failures began: some must still hold. */
static void
p_check_facts(struct p_state *s, int all, const char *ctx)
{
	int k, n = all ? s->nf : (s->nf < 8 ? s->nf : 8);

	for (k = 0; k < n; k++)
		p_fact_check(s, &s->f[all ? k : (int)rndn((uint64_t)s->nf)], ctx);
}

static void
p_round(uint64_t seed, long *pairs)
{
	struct p_state *s = calloc(1, sizeof *s);
	struct dump before = { 0 }, after = { 0 };
	long step, arm_at;
	char ctx[96];

	rng_s = seed;
	rich_build(&s->r, &g_fa, seed | 1);
	/* The rich space's own instances, as the walk knows them. */
	{
		uint64_t ids[7] = { s->r.a, s->r.b, s->r.c, s->r.c2, s->r.b2,
			s->r.f1, s->r.f2 };
		int par[7] = { -1, 0, 1, 1, 0, -1, -1 };
		int k;

		for (k = 0; k < 7; k++) {
			s->in[k].id = ids[k];
			s->in[k].parent = par[k];
			s->in[k].alive = 1;
			s->in[k].fed = k >= 5;
		}
		s->nin = 7;
	}
	s->r.next_obj = 0x100000;
	for (step = 0; step < 150; step++)
		(void)p_step(s);
	f_verify(s->r.sp, "persistent prefix");
	p_check_facts(s, 1, "persistent prefix");
	arm_at = 1 + (long)rndn(40);
	f_alloc_arm(&g_fa, arm_at, 1);
	for (step = 0; step < 400; step++) {
		int rc;

		snprintf(ctx, sizeof ctx, "seed %#llx step %ld",
		    (unsigned long long)seed, step);
		dump_space(&before, s->r.sp);
		g_fa.injected = 0;
		rc = p_step(s);
		s->ops++;
		if (rc == MULT_ENOMEM) {
			s->enomem++;
			(*pairs)++;
			CHECK(g_fa.injected > 0, "%s: ENOMEM without a failure", ctx);
			dump_space(&after, s->r.sp);
			CHECK(dump_equal(&before, &after), "%s: failed write "
			    "changed the space", ctx);
			if (!dump_equal(&before, &after))
				dump_diff(stderr, &before, "before", &after, "after ");
		} else if (rc == 0) {
			s->ok++;
		} else {
			s->other++;
		}
		if (!f_verify(s->r.sp, ctx))
			break;
		p_check_facts(s, step % 50 == 49, ctx);
	}
	f_alloc_arm(&g_fa, 0, 0);
	/* The allocator is back: the space must still work. */
	for (step = 0; step < 100; step++)
		(void)p_step(s);
	snprintf(ctx, sizeof ctx, "seed %#llx after", (unsigned long long)seed);
	f_verify(s->r.sp, ctx);
	p_check_facts(s, 1, ctx);
	printf("  seed %#018llx: fail from allocation %2ld: %ld writes, "
	    "%ld ENOMEM, %ld ok, %ld other errors\n", (unsigned long long)seed,
	    arm_at, s->ops, s->enomem, s->ok, s->other);
	destroy_checked(s->r.sp, ctx);
	dump_free(&before);
	dump_free(&after);
	free(s);
}

/*
 * The dump is canonical: equal spaces built with different hash seeds dump
 * the same bytes; one changed value does not.
 */
static void
dump_selftest(void)
{
	struct rich r1, r2;
	struct dump d1 = { 0 }, d2 = { 0 };

	rich_build(&r1, &g_fa, 1);
	rich_build(&r2, &g_fa, 0xfeedface12345ULL);
	dump_space(&d1, r1.sp);
	dump_space(&d2, r2.sp);
	CHECK(dump_equal(&d1, &d2), "dumps of equal spaces differ");
	if (!dump_equal(&d1, &d2))
		dump_diff(stderr, &d1, "seed 1", &d2, "seed 2");
	MUST(mult_value_set(r2.sp, r2.c, r2.uts, "motd", "hello from C", 12));
	dump_space(&d2, r2.sp);
	CHECK(!dump_equal(&d1, &d2), "dump misses a changed value");
	printf("dump: %zu bytes for the rich space\n", d1.len);
	mult_space_destroy(r1.sp);
	mult_space_destroy(r2.sp);
	g_fa.bytes = 0;
	dump_free(&d1);
	dump_free(&d2);
}

int
main(void)
{
	const char *env;
	uint64_t seed;
	long rounds = 24, k, pairs = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	f_alloc_init(&g_fa, 1);
	dump_selftest();
	printf("transient faults, every write, every allocation:\n");
	run_space_create();
	for (i = 0; i < NOPS; i++)
		run_op(&ops[i]);
	printf("transient: %ld (operation, N) pairs failed from a fresh space, "
	    "%ld retried on one space\n", g_pairs_fresh, g_pairs_retry);

	env = getenv("FAULT_SEED");
	seed = env != NULL ? strtoull(env, NULL, 0) :
	    (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	if ((env = getenv("FAULT_ROUNDS")) != NULL)
		rounds = strtol(env, NULL, 0);
	printf("persistent faults: seed %#llx (FAULT_SEED=%#llx to replay), "
	    "%ld rounds\n", (unsigned long long)seed, (unsigned long long)seed,
	    rounds);
	for (k = 0; k < rounds; k++)
		p_round(seed + (uint64_t)k * 0x1000193ULL, &pairs);
	printf("persistent: %ld failed writes\n", pairs);
	CHECK(g_fa.bad_frees == 0, "%ld frees with a wrong size or NULL",
	    g_fa.bad_frees);
	f_sites_report(&g_fa, stdout);
	return f_done("test_fault");
}
