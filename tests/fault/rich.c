/*
 * libmult fault tests: the rich space (see rich.h).
 * SPDX-License-Identifier: ISC
 */
#include "rich.h"

static uint32_t
r_dom(struct mult_space *sp, const char *name, int kind, uint64_t lo,
    uint64_t hi, uint32_t flags, uint32_t value_max)
{
	struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(kind, lo, hi);
	uint32_t d;

	o.flags = flags;
	o.value_max = value_max;
	MUST(mult_domain_create(&d, sp, name, &o));
	return d;
}

static uint64_t
r_inst(struct mult_space *sp, uint64_t parent, const char *name,
    uint32_t flags)
{
	uint64_t id;

	MUST(mult_instance_create(&id, sp, parent, name, flags));
	return id;
}

static void
r_map1_(int line, struct mult_space *sp, uint64_t in, uint32_t dom, uint64_t first,
    uint64_t lower, uint64_t count)
{
	struct mult_extent e = { first, lower, count };

	int rc = mult_range_map(sp, in, dom, &e, 1);

	if (rc != 0) {
		fprintf(stderr, "rich.c:%d: map %llu %llu %llu: %s\n", line,
		    (unsigned long long)first, (unsigned long long)lower,
		    (unsigned long long)count, mult_strerror(rc));
		exit(1);
	}
}
#define r_map1(...) r_map1_(__LINE__, __VA_ARGS__)

static void
r_objs(struct rich *r, uint64_t in, int n)
{
	uint64_t id;
	int i;

	for (i = 0; i < n; i++) {
		MUST(mult_num_alloc(&id, r->sp, in, r->pid, r->next_obj));
		if (in == r->c)
			r->c_obj = r->next_obj;
		r->next_obj++;
	}
}

static void
r_val(struct mult_space *sp, uint64_t in, uint32_t dom, const char *k,
    const char *v)
{
	MUST(mult_value_set(sp, in, dom, k, v, strlen(v)));
}

void
rich_build(struct rich *r, struct f_alloc *fa, uint64_t seed)
{
	struct mult_space *sp;
	struct mult_extent am[2] = { { 0, 100000, 65536 }, { 65536, 170000, 1000 } };

	memset(r, 0, sizeof *r);
	sp = r->sp = f_space(fa, seed);
	r->next_obj = 0x1000;
	r->uid = r_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0, 0);
	r->port = r_dom(sp, "port", MULT_KIND_RANGE, 1, 65535,
	    MULT_DOMAIN_SHARED, 0);
	r->pid = r_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0, 0);
	r->uts = r_dom(sp, "uts", MULT_KIND_VALUE, 0, 0, MULT_DOMAIN_INHERIT, 64);
	r->sysctl = r_dom(sp, "sysctl", MULT_KIND_VALUE, 0, 0, 0, 0);
	r->cpu = r_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0, 0);
	r->mem = r_dom(sp, "mem", MULT_KIND_EXCLUSIVE, 0,
	    ((uint64_t)1 << 40) - 1, 0, 0);

	r_val(sp, MULT_HOST, r->uts, "hostname", "host0");
	r_val(sp, MULT_HOST, r->uts, "domain", "example.org");
	r_val(sp, MULT_HOST, r->sysctl, "kern.maxproc", "1000");

	r->a = r_inst(sp, MULT_HOST, "a", 0);
	r->b = r_inst(sp, r->a, "b", 0);
	r->c = r_inst(sp, r->b, "c", 0);
	r->c2 = r_inst(sp, r->b, NULL, 0);
	r->b2 = r_inst(sp, r->a, NULL, 0);
	r->f1 = r_inst(sp, MULT_HOST, "f1", MULT_INSTANCE_FEDERATED);
	r->f2 = r_inst(sp, MULT_HOST, NULL, MULT_INSTANCE_FEDERATED);

	/* uid: nested grants and maps down to depth 3. */
	MUST(mult_allot_grant(sp, r->a, r->uid, 100000, 100000));
	MUST(mult_range_map(sp, r->a, r->uid, am, 2));
	MUST(mult_allot_grant(sp, r->b, r->uid, 100000, 10000));
	r_map1(sp, r->b, r->uid, 0, 0, 10000);
	MUST(mult_allot_grant(sp, r->c, r->uid, 100000, 1000));
	r_map1(sp, r->c, r->uid, 0, 0, 1000);
	MUST(mult_allot_grant(sp, r->c2, r->uid, 101000, 1000));
	MUST(mult_allot_grant(sp, r->b2, r->uid, 120000, 1000));
	r_map1(sp, r->b2, r->uid, 0, 20000, 1000);
	MUST(mult_allot_grant(sp, r->f1, r->uid, 300000, 1000));
	r_map1(sp, r->f1, r->uid, 0, 300000, 1000);
	MUST(mult_allot_grant(sp, r->f2, r->uid, 301000, 1000));

	/* port: shared; b is confined by a's grant. */
	MUST(mult_allot_grant(sp, r->a, r->port, 1000, 1000));
	r_map1(sp, r->a, r->port, 1, 1000, 1000);
	r_map1(sp, r->b, r->port, 80, 80, 10);
	MUST(mult_allot_grant(sp, r->f1, r->port, 1000, 10));

	/* pid: objects at every depth; c gets 64, filling a radix leaf. */
	r_objs(r, MULT_HOST, 3);
	r_objs(r, r->a, 5);
	r_objs(r, r->b, 5);
	r_objs(r, r->c, 64);
	r_objs(r, r->f1, 3);
	r_objs(r, r->f2, 3);

	/* values */
	r_val(sp, r->a, r->uts, "hostname", "a");
	r_val(sp, r->c, r->uts, "motd", "hello from c");
	r_val(sp, r->a, r->sysctl, "net.x", "1");
	r_val(sp, r->f1, r->sysctl, "a", "b");

	/* cpu, mem: exclusive */
	MUST(mult_allot_grant(sp, r->a, r->cpu, 0, 16));
	MUST(mult_allot_grant(sp, r->b, r->cpu, 0, 4));
	MUST(mult_allot_grant(sp, r->c, r->cpu, 0, 1));
	MUST(mult_allot_grant(sp, r->b2, r->cpu, 8, 2));
	MUST(mult_allot_grant(sp, r->f1, r->cpu, 16, 8));
	MUST(mult_allot_grant(sp, r->f2, r->cpu, 24, 8));
	MUST(mult_allot_grant(sp, r->a, r->mem, (uint64_t)1 << 20, (uint64_t)1 << 20));
	MUST(mult_allot_grant(sp, r->b, r->mem, (uint64_t)1 << 20, 4096));
	MUST(mult_allot_grant(sp, r->f1, r->mem, (uint64_t)1 << 30, (uint64_t)1 << 20));

	/* limits and reservations */
	MUST(mult_limit_set(sp, r->a, r->pid, 1000));
	MUST(mult_limit_reserve(sp, r->b, r->pid, 10));
	MUST(mult_limit_reserve(sp, r->b2, r->cpu, 3));
	MUST(mult_limit_set(sp, r->f1, r->uts, 100));
	MUST(mult_limit_set(sp, r->c, r->sysctl, 50));
	MUST(mult_limit_set(sp, r->a, r->mem, (uint64_t)1 << 21));

	if (!f_verify(sp, "rich_build"))
		exit(1);
}
