/*
 * libmult unit tests: instance.h: mult_instance_create, _destroy, _find,
 * _info; stale and never-issued ids on every function taking an instance.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

static void
info_is(struct mult_space *sp, uint64_t id, uint64_t parent, uint32_t depth,
    uint32_t flags, const char *name)
{
	struct mult_instance_info info;
	int rc;

	memset(&info, 0xa5, sizeof info);
	rc = mult_instance_info(&info, sp, id);
	cr_assert_eq(rc, 0, "info(%llu): %d", (unsigned long long)id, rc);
	cr_assert_eq(info.id, id);
	cr_assert_eq(info.parent, parent, "parent %llu, want %llu",
	    (unsigned long long)info.parent, (unsigned long long)parent);
	cr_assert_eq(info.depth, depth, "depth %u, want %u", info.depth, depth);
	cr_assert_eq(info.flags, flags, "flags 0x%x, want 0x%x", info.flags,
	    flags);
	if (name != NULL)
		cr_assert_str_eq(info.name, name);
}

static uint64_t
find(struct mult_space *sp, const char *name)
{
	uint64_t id = 0;
	int rc = mult_instance_find(&id, sp, name);

	cr_assert_eq(rc, 0, "find(%s): %d", name, rc);
	return id;
}

Test(instance, host_info)
{
	struct mult_space *sp = h_space();

	info_is(sp, MULT_HOST, 0, 0, 0, NULL);
	mult_space_destroy(sp);
}

Test(instance, create_and_info)
{
	struct mult_space *sp = h_space();
	char longname[MULT_NAME_MAX + 1];
	uint64_t c, g, gg, f, l;

	c = h_inst(sp, MULT_HOST, "c", 0);
	g = h_inst(sp, c, NULL, 0);
	gg = h_inst(sp, g, "gg", 0);
	f = h_inst(sp, MULT_HOST, "fed", MULT_INSTANCE_FEDERATED);
	h_str(longname, MULT_NAME_MAX, 'L');
	l = h_inst(sp, MULT_HOST, longname, 0);

	cr_assert(c != g && c != gg && c != f && c != l && g != gg && g != f);
	cr_assert(g != l && gg != f && gg != l && f != l);
	info_is(sp, c, MULT_HOST, 1, 0, "c");
	info_is(sp, g, c, 2, 0, "");
	info_is(sp, gg, g, 3, 0, "gg");
	info_is(sp, f, MULT_HOST, 1, MULT_INSTANCE_FEDERATED, "fed");
	info_is(sp, l, MULT_HOST, 1, 0, longname);
	cr_assert_eq(find(sp, "c"), c);
	cr_assert_eq(find(sp, "gg"), gg);
	cr_assert_eq(find(sp, "fed"), f);
	cr_assert_eq(find(sp, longname), l);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, unnamed_instances_are_many)
{
	struct mult_space *sp = h_space();
	uint64_t a = h_inst(sp, MULT_HOST, NULL, 0);
	uint64_t b = h_inst(sp, MULT_HOST, NULL, 0);
	uint64_t c = h_inst(sp, a, NULL, 0);

	cr_assert_neq(a, b);
	cr_assert_neq(a, c);
	cr_assert_neq(b, c);
	info_is(sp, a, MULT_HOST, 1, 0, "");
	info_is(sp, b, MULT_HOST, 1, 0, "");
	info_is(sp, c, a, 2, 0, "");
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, create_einval_e2big)
{
	struct mult_space *sp = h_space();
	char name[MULT_NAME_MAX + 2];
	uint64_t o = 0, f;

	cr_assert_eq(mult_instance_create(NULL, sp, MULT_HOST, "a", 0),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, NULL, MULT_HOST, "a", 0),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "", 0),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "a", 0x2),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "a", 0x100),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "a", 0x80000000u),
	    MULT_EINVAL);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "a",
	    MULT_INSTANCE_FEDERATED | 0x4), MULT_EINVAL);
	h_str(name, MULT_NAME_MAX + 1, 'x');
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, name, 0),
	    MULT_E2BIG);
	cr_assert_eq(mult_instance_find(&f, sp, "a"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, name), MULT_ENOENT);
	h_verify(sp);
	/* "a" is still free */
	(void)h_inst(sp, MULT_HOST, "a", 0);
	mult_space_destroy(sp);
}

Test(instance, names_are_unique_and_freed_by_destroy)
{
	struct mult_space *sp = h_space();
	uint64_t c, d, c2, o = 0, f;

	c = h_inst(sp, MULT_HOST, "web", 0);
	d = h_inst(sp, MULT_HOST, "db", 0);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "web", 0),
	    MULT_EEXIST);
	/* unique in the whole space, not per parent */
	cr_assert_eq(mult_instance_create(&o, sp, d, "web", 0), MULT_EEXIST);
	cr_assert_eq(mult_instance_create(&o, sp, c, "web", 0), MULT_EEXIST);
	cr_assert_eq(mult_instance_create(&o, sp, MULT_HOST, "web",
	    MULT_INSTANCE_FEDERATED), MULT_EEXIST);
	h_verify(sp);
	cr_assert_eq(find(sp, "web"), c);
	info_is(sp, c, MULT_HOST, 1, 0, "web");
	info_is(sp, d, MULT_HOST, 1, 0, "db");

	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	cr_assert_eq(mult_instance_find(&f, sp, "web"), MULT_ENOENT);
	c2 = h_inst(sp, d, "web", 0);
	cr_assert_neq(c2, c);
	cr_assert_eq(find(sp, "web"), c2);
	info_is(sp, c2, d, 2, 0, "web");
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, find_errors)
{
	struct mult_space *sp = h_space();
	uint64_t f = 0;

	(void)h_inst(sp, MULT_HOST, "web", 0);
	cr_assert_eq(mult_instance_find(NULL, sp, "web"), MULT_EINVAL);
	cr_assert_eq(mult_instance_find(&f, NULL, "web"), MULT_EINVAL);
	cr_assert_eq(mult_instance_find(&f, sp, NULL), MULT_EINVAL);
	cr_assert_eq(mult_instance_find(&f, sp, "we"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "web1"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "WEB"), MULT_ENOENT);
	mult_space_destroy(sp);
}

Test(instance, info_errors)
{
	struct mult_space *sp = h_space();
	struct mult_instance_info info;
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t s = h_stale(sp);

	cr_assert_eq(mult_instance_info(NULL, sp, c), MULT_EINVAL);
	cr_assert_eq(mult_instance_info(&info, NULL, c), MULT_EINVAL);
	cr_assert_eq(mult_instance_info(&info, sp, H_NEVER_ID), MULT_ENOENT);
	cr_assert_eq(mult_instance_info(&info, sp, H_NEVER_ID2), MULT_ENOENT);
	cr_assert_eq(mult_instance_info(&info, sp, s), MULT_ESTALE);
	mult_space_destroy(sp);
}

Test(instance, ids_are_never_reused)
{
	enum { N = 3000 };
	struct mult_space *sp = h_space();
	uint64_t *ids = calloc(N, sizeof *ids);
	uint64_t keep[8];
	struct mult_instance_info info;
	int i, j;

	cr_assert_not_null(ids);
	for (i = 0; i < 8; i++)
		keep[i] = h_inst(sp, MULT_HOST, NULL, 0);
	for (i = 0; i < N; i++) {
		ids[i] = h_inst(sp, (i % 3 == 0) ? keep[i % 8] : MULT_HOST,
		    (i % 2) ? "cycled" : NULL, 0);
		for (j = 0; j < 8; j++)
			cr_assert_neq(ids[i], keep[j]);
		cr_assert_eq(mult_instance_destroy(sp, ids[i]), 0);
		cr_assert_eq(mult_instance_info(&info, sp, ids[i]), MULT_ESTALE,
		    "destroyed id %llu", (unsigned long long)ids[i]);
	}
	/* all distinct */
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			cr_assert_neq(ids[i], ids[j], "id %llu issued twice",
			    (unsigned long long)ids[i]);
	/* none alias a live instance */
	for (i = 0; i < N; i++)
		cr_assert_eq(mult_instance_info(&info, sp, ids[i]), MULT_ESTALE);
	for (i = 0; i < 8; i++)
		info_is(sp, keep[i], MULT_HOST, 1, 0, "");
	h_verify(sp);
	free(ids);
	mult_space_destroy(sp);
}

/*
 * Instances live at once past the first 1,024 slots, which lookups reach
 * without the slot directory: every one, in every chunk, resolves to
 * itself; destroyed ones are stale; ids never issued, in a chunk that
 * exists, one the directory has room for and one past it, are unknown.
 */
Test(instance, live_instances_past_the_first_chunk)
{
	enum { N = 2500 };
	struct mult_space *sp = h_space();
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 10000, 0);
	uint64_t *ids = calloc(N, sizeof *ids);
	struct mult_instance_info info;
	uint64_t never[3];
	int i;

	cr_assert_not_null(ids);
	for (i = 0; i < N; i++) {
		ids[i] = h_inst(sp, MULT_HOST, NULL, 0);
		cr_assert_eq(h_alloc(sp, ids[i], pid, 1000u + (uint64_t)i), 1);
	}
	cr_assert_geq((uint32_t)ids[N - 1], 2048u, "slot %u: not in a third "
	    "chunk", (uint32_t)ids[N - 1]);
	for (i = 0; i < N; i++) {
		info_is(sp, ids[i], MULT_HOST, 1, 0, "");
		cr_assert_eq(h_lookup(sp, ids[i], pid, 1), 1000u + (uint64_t)i);
	}
	for (i = 0; i < N; i += 2)
		cr_assert_eq(mult_instance_destroy(sp, ids[i]), 0);
	for (i = 0; i < N; i++) {
		int want = i % 2 == 0 ? MULT_ESTALE : 0;

		cr_assert_eq(mult_instance_info(&info, sp, ids[i]), want,
		    "instance %d", i);
		cr_assert_eq(h_lookup_rc(sp, ids[i], pid, 1), want,
		    "instance %d", i);
	}
	never[0] = (uint64_t)(uint32_t)ids[N - 1] + 1;  /* chunk 2, unissued */
	never[1] = 3500;                /* chunk 3: in the directory, no slots */
	never[2] = 100000;              /* past the directory */
	for (i = 0; i < 3; i++) {
		cr_assert_eq(mult_instance_info(&info, sp, never[i]),
		    MULT_ENOENT, "id %llu", (unsigned long long)never[i]);
		cr_assert_eq(h_lookup_rc(sp, never[i], pid, 1), MULT_ENOENT);
	}
	h_verify(sp);
	free(ids);
	mult_space_destroy(sp);
}

Test(instance, destroy_cascades_to_descendants)
{
	struct mult_space *sp = h_space();
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uint64_t c, g, gg, g2, s, sg, o, f;

	c = h_inst(sp, MULT_HOST, "c", 0);
	g = h_inst(sp, c, "g", 0);
	gg = h_inst(sp, g, "gg", 0);
	g2 = h_inst(sp, c, "g2", 0);
	s = h_inst(sp, MULT_HOST, "s", 0);
	sg = h_inst(sp, s, "sg", 0);
	h_set(sp, s, uts, "hostname", "s");
	h_set(sp, sg, uts, "hostname", "sg");
	(void)h_alloc(sp, gg, pid, 1000);
	(void)h_alloc(sp, sg, pid, 2000);

	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	cr_assert(!h_alive(sp, c));
	cr_assert(!h_alive(sp, g));
	cr_assert(!h_alive(sp, gg));
	cr_assert(!h_alive(sp, g2));
	cr_assert_eq(mult_instance_find(&f, sp, "c"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "g"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "gg"), MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "g2"), MULT_ENOENT);
	cr_assert_eq(mult_instance_create(&o, sp, g, NULL, 0), MULT_ESTALE);
	cr_assert_eq(mult_instance_destroy(sp, gg), MULT_ESTALE);
	/* gg's object is gone from the host too */
	cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, 1000), MULT_ENOENT);

	/* the sibling subtree is untouched */
	info_is(sp, s, MULT_HOST, 1, 0, "s");
	info_is(sp, sg, s, 2, 0, "sg");
	h_get_is(sp, sg, uts, "hostname", "sg");
	cr_assert_eq(h_number(sp, sg, pid, 2000), 1);
	cr_assert_eq(h_lookup(sp, s, pid, h_number(sp, s, pid, 2000)), 2000);
	/* names are free again */
	(void)h_inst(sp, s, "gg", 0);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, destroy_errors)
{
	struct mult_space *sp = h_space();
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t s = h_stale(sp);

	cr_assert_eq(mult_instance_destroy(NULL, c), MULT_EINVAL);
	cr_assert_eq(mult_instance_destroy(sp, MULT_HOST), MULT_EPERM);
	cr_assert_eq(mult_instance_destroy(sp, H_NEVER_ID), MULT_ENOENT);
	cr_assert_eq(mult_instance_destroy(sp, H_NEVER_ID2), MULT_ENOENT);
	cr_assert_eq(mult_instance_destroy(sp, s), MULT_ESTALE);
	cr_assert(h_alive(sp, c));
	cr_assert(h_alive(sp, MULT_HOST));
	info_is(sp, MULT_HOST, 0, 0, 0, NULL);
	h_verify(sp);
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	cr_assert_eq(mult_instance_destroy(sp, c), MULT_ESTALE);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, create_under_missing_parent)
{
	struct mult_space *sp = h_space();
	uint64_t s = h_stale(sp), o = 0, f;

	cr_assert_eq(mult_instance_create(&o, sp, s, "x", 0), MULT_ESTALE);
	cr_assert_eq(mult_instance_create(&o, sp, H_NEVER_ID, "x", 0),
	    MULT_ENOENT);
	cr_assert_eq(mult_instance_create(&o, sp, H_NEVER_ID2, "x", 0),
	    MULT_ENOENT);
	cr_assert_eq(mult_instance_find(&f, sp, "x"), MULT_ENOENT);
	h_verify(sp);
	(void)h_inst(sp, MULT_HOST, "x", 0);
	mult_space_destroy(sp);
}

Test(instance, federated_rules)
{
	struct mult_space *sp = h_space();
	uint64_t f1, f2, c, o = 0, id;

	f1 = h_inst(sp, MULT_HOST, "f1", MULT_INSTANCE_FEDERATED);
	f2 = h_inst(sp, MULT_HOST, "f2", MULT_INSTANCE_FEDERATED);
	c = h_inst(sp, MULT_HOST, "c", 0);
	/* a federated instance may have no children */
	cr_assert_eq(mult_instance_create(&o, sp, f1, "x", 0), MULT_EPERM);
	cr_assert_eq(mult_instance_create(&o, sp, f1, NULL, 0), MULT_EPERM);
	cr_assert_eq(mult_instance_create(&o, sp, f1, "x",
	    MULT_INSTANCE_FEDERATED), MULT_EPERM);
	/* and lives only under the host */
	cr_assert_eq(mult_instance_create(&o, sp, c, "x",
	    MULT_INSTANCE_FEDERATED), MULT_EPERM);
	cr_assert_eq(mult_instance_find(&id, sp, "x"), MULT_ENOENT);
	h_verify(sp);
	/* an ordinary child of an ordinary instance is fine */
	(void)h_inst(sp, c, "x", 0);
	info_is(sp, f1, MULT_HOST, 1, MULT_INSTANCE_FEDERATED, "f1");
	info_is(sp, f2, MULT_HOST, 1, MULT_INSTANCE_FEDERATED, "f2");
	mult_space_destroy(sp);
}

Test(instance, federated_peers_survive_each_other)
{
	struct mult_space *sp = h_space();
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 1000, 0);
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint64_t f1, f2, h2;

	f1 = h_inst(sp, MULT_HOST, "f1", MULT_INSTANCE_FEDERATED);
	f2 = h_inst(sp, MULT_HOST, "f2", MULT_INSTANCE_FEDERATED);
	/* each has its own init, pid 1 */
	cr_assert_eq(h_alloc(sp, f1, pid, 0x1001), 1);
	cr_assert_eq(h_alloc(sp, f2, pid, 0x2001), 1);
	cr_assert_eq(h_alloc(sp, f2, pid, 0x2002), 2);
	cr_assert_eq(h_number_rc(sp, f1, pid, 0x2001), MULT_ENOENT);
	cr_assert_eq(h_number_rc(sp, f2, pid, 0x1001), MULT_ENOENT);
	h_set(sp, f1, uts, "hostname", "one");
	h_set(sp, f2, uts, "hostname", "two");
	h2 = h_number(sp, MULT_HOST, pid, 0x2001);

	/* destroying the first one, and its init, leaves the other whole */
	cr_assert_eq(mult_instance_destroy(sp, f1), 0);
	cr_assert_eq(h_lookup(sp, f2, pid, 1), 0x2001);
	cr_assert_eq(h_lookup(sp, f2, pid, 2), 0x2002);
	cr_assert_eq(h_number(sp, MULT_HOST, pid, 0x2001), h2);
	cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, 0x1001), MULT_ENOENT);
	h_get_is(sp, f2, uts, "hostname", "two");
	info_is(sp, f2, MULT_HOST, 1, MULT_INSTANCE_FEDERATED, "f2");
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(instance, create_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uts = h_value_dom(sp, "uts", MULT_DOMAIN_INHERIT, 0);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uint64_t c, g = 0, f;

	c = h_inst(sp, MULT_HOST, "c", 0);
	h_set(sp, c, uts, "hostname", "c");
	h_set(sp, c, uts, "domainname", "example");
	h_grant(sp, c, uid, 1000, 10);
	(void)h_alloc(sp, c, pid, 5);
	H_FAULT_LOOP(&fa, sp, mult_instance_create(&g, sp, c, "g", 0),
	    cr_assert_eq(mult_instance_find(&f, sp, "g"), MULT_ENOENT));
	cr_assert_eq(find(sp, "g"), g);
	info_is(sp, g, c, 2, 0, "g");
	h_get_is(sp, g, uts, "hostname", "c");
	h_get_is(sp, g, uts, "domainname", "example");
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(instance, destroy_enomem_destroys_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t c, g, s, f;

	c = h_inst(sp, MULT_HOST, "c", 0);
	g = h_inst(sp, c, "g", 0);
	s = h_inst(sp, MULT_HOST, "s", 0);
	h_set(sp, g, uts, "hostname", "g");
	h_grant(sp, c, uid, 1000, 100);
	h_map1(sp, c, uid, 0, 1000, 100);
	h_grant(sp, g, uid, 1010, 10);
	h_map1(sp, g, uid, 0, 10, 10);
	h_grant(sp, s, uid, 5000, 10);
	h_grant(sp, c, cpu, 0, 8);
	h_grant(sp, g, cpu, 4, 2);
	h_grant(sp, s, cpu, 8, 8);
	(void)h_alloc(sp, g, pid, 7);
	(void)h_alloc(sp, s, pid, 8);
	H_FAULT_LOOP(&fa, sp, mult_instance_destroy(sp, c),
	    do {
		    cr_assert(h_alive(sp, c));
		    cr_assert(h_alive(sp, g));
		    cr_assert_eq(find(sp, "g"), g);
		    h_get_is(sp, g, uts, "hostname", "g");
		    cr_assert_eq(h_down(sp, g, uid, 3), 1013);
		    cr_assert_eq(h_up(sp, c, uid, 1013), 13);
		    cr_assert_eq(h_owner(sp, cpu, 5), g);
		    cr_assert_eq(h_owner(sp, cpu, 1), c);
		    cr_assert_eq(h_lookup(sp, g, pid, 1), 7);
		    cr_assert_eq(h_number(sp, MULT_HOST, pid, 7), 1);
	    } while (0));
	cr_assert(!h_alive(sp, c));
	cr_assert(!h_alive(sp, g));
	cr_assert_eq(mult_instance_find(&f, sp, "g"), MULT_ENOENT);
	cr_assert_eq(h_owner(sp, cpu, 5), MULT_HOST);
	cr_assert_eq(h_owner(sp, cpu, 9), s);
	cr_assert_eq(h_number(sp, s, pid, 8), 1);
	cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, 7), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * Call every function taking an instance with @p id and check that each
 * returns @p want and changes nothing.
 */
static void
every_call_fails(struct mult_space *sp, uint64_t id, int want)
{
	struct mult_instance_info info;
	struct mult_interval iv[4];
	struct mult_extent ex[4], e = h_ext(0, 10, 5);
	uint32_t r, n, v, x;
	uint64_t o = 0, f;
	size_t cnt = 0;
	char buf[16];

	cr_assert_eq(mult_domain_find(&r, sp, "r"), 0);
	cr_assert_eq(mult_domain_find(&n, sp, "n"), 0);
	cr_assert_eq(mult_domain_find(&v, sp, "v"), 0);
	cr_assert_eq(mult_domain_find(&x, sp, "x"), 0);

#define FAILS(call)                                                           \
	do {                                                                  \
		int rc_ = (call);                                             \
		cr_assert_eq(rc_, want, "%s with id %llu: %d, want %d", #call,  \
		    (unsigned long long)id, rc_, want);                       \
	} while (0)

	FAILS(mult_instance_create(&o, sp, id, NULL, 0));
	FAILS(mult_instance_create(&o, sp, id, "orphan", 0));
	FAILS(mult_instance_destroy(sp, id));
	FAILS(mult_instance_info(&info, sp, id));
	FAILS(mult_allot_grant(sp, id, r, 10, 5));
	FAILS(mult_allot_grant(sp, id, x, 10, 5));
	FAILS(mult_allot_revoke(sp, id, r, 10, 5));
	FAILS(mult_allot_revoke(sp, id, x, 10, 5));
	FAILS(mult_allot_get(iv, 4, &cnt, sp, id, r));
	FAILS(mult_allot_get(iv, 4, &cnt, sp, id, x));
	FAILS(mult_range_map(sp, id, r, &e, 1));
	FAILS(mult_range_down(&o, sp, id, r, 0));
	FAILS(mult_range_up(&o, sp, id, r, 10));
	FAILS(mult_range_get(ex, 4, &cnt, sp, id, r));
	FAILS(mult_num_alloc(&o, sp, id, n, 0x5555));
	FAILS(mult_num_free(sp, id, n, 0x5555));
	FAILS(mult_num_free(sp, id, n, 0x4444));
	FAILS(mult_num_lookup(&o, sp, id, n, 1));
	FAILS(mult_num_number(&o, sp, id, n, 0x4444));
	FAILS(mult_value_set(sp, id, v, "k", "v", 1));
	FAILS(mult_value_get(buf, sizeof buf, &cnt, sp, id, v, "k"));
	FAILS(mult_value_unset(sp, id, v, "k"));
#undef FAILS

	/* nothing changed */
	cr_assert_eq(mult_instance_find(&f, sp, "orphan"), MULT_ENOENT);
	cr_assert_eq(h_number_rc(sp, MULT_HOST, n, 0x5555), MULT_ENOENT);
	cr_assert_eq(h_lookup(sp, MULT_HOST, n, 1), 0x4444);
	cr_assert_eq(h_owner(sp, x, 12), MULT_HOST);
	h_get_is(sp, MULT_HOST, v, "k", "host");
	h_verify(sp);
	/* 0x5555 and "orphan" are free to use */
	(void)h_alloc(sp, MULT_HOST, n, 0x5555);
	cr_assert_eq(mult_num_free(sp, MULT_HOST, n, 0x5555), 0);
	cr_assert_eq(mult_instance_destroy(sp,
	    h_inst(sp, MULT_HOST, "orphan", 0)), 0);
}

static struct mult_space *
every_call_space(void)
{
	struct mult_space *sp = h_space();
	uint32_t r = h_dom(sp, "r", MULT_KIND_RANGE, 0, 1000, 0);
	uint32_t n = h_dom(sp, "n", MULT_KIND_NUMBERED, 1, 1000, 0);
	uint32_t v = h_value_dom(sp, "v", 0, 0);

	(void)r;
	(void)h_dom(sp, "x", MULT_KIND_EXCLUSIVE, 0, 1000, 0);
	cr_assert_eq(h_alloc(sp, MULT_HOST, n, 0x4444), 1);
	h_set(sp, MULT_HOST, v, "k", "host");
	return sp;
}

Test(instance, stale_id_on_every_function)
{
	struct mult_space *sp = every_call_space();
	uint32_t r, n, v, x;
	uint64_t c, g;

	cr_assert_eq(mult_domain_find(&r, sp, "r"), 0);
	cr_assert_eq(mult_domain_find(&n, sp, "n"), 0);
	cr_assert_eq(mult_domain_find(&v, sp, "v"), 0);
	cr_assert_eq(mult_domain_find(&x, sp, "x"), 0);
	/* a destroyed instance that had state in every domain */
	c = h_inst(sp, MULT_HOST, "c", 0);
	g = h_inst(sp, c, "g", 0);
	h_grant(sp, c, r, 10, 100);
	h_map1(sp, c, r, 0, 10, 100);
	h_grant(sp, g, r, 10, 5);
	h_map1(sp, g, r, 0, 0, 5);
	h_grant(sp, c, x, 10, 5);
	(void)h_alloc(sp, g, n, 0x6666);
	h_set(sp, c, v, "k", "c");
	h_set(sp, g, v, "k", "g");
	cr_assert_eq(mult_instance_destroy(sp, c), 0);

	every_call_fails(sp, c, MULT_ESTALE);
	/* destroyed by the cascade */
	every_call_fails(sp, g, MULT_ESTALE);
	/* destroyed alone */
	every_call_fails(sp, h_stale(sp), MULT_ESTALE);
	mult_space_destroy(sp);
}

Test(instance, never_issued_id_on_every_function)
{
	struct mult_space *sp = every_call_space();

	(void)h_inst(sp, MULT_HOST, "c", 0);
	(void)h_stale(sp);
	every_call_fails(sp, H_NEVER_ID, MULT_ENOENT);
	every_call_fails(sp, H_NEVER_ID2, MULT_ENOENT);
	mult_space_destroy(sp);
}
