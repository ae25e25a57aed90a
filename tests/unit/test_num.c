/*
 * libmult unit tests: num.h: mult_num_alloc, _free, _lookup, _lookup_many,
 * _number, with pid-namespace semantics.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "helpers.h"
#include <mult/sys/seam.h>

struct fix {
	struct mult_space *sp;
	uint32_t pid;   /* numbered [1, 4194304] */
	uint32_t tiny;  /* numbered [1, 4] */
	uint32_t uid, uts, cpu;
	uint64_t c, g, s;   /* c under host, g under c, s a sibling of c */
};

static void
fix_init(struct fix *f)
{
	f->sp = h_space();
	f->pid = h_dom(f->sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	f->tiny = h_dom(f->sp, "tiny", MULT_KIND_NUMBERED, 1, 4, 0);
	f->uid = h_dom(f->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	f->uts = h_value_dom(f->sp, "uts", 0, 0);
	f->cpu = h_dom(f->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	f->c = h_inst(f->sp, MULT_HOST, "c", 0);
	f->g = h_inst(f->sp, f->c, "g", 0);
	f->s = h_inst(f->sp, MULT_HOST, "s", 0);
}

Test(num, first_alloc_gets_lo_in_every_instance)
{
	struct fix f;
	uint32_t hi;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.pid, 0x100), 1);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x200), 1);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x200), 2);
	cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x300), 1);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x300), 3);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x400), 1);
	cr_assert_eq(h_number(f.sp, f.c, f.pid, 0x400), 2);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x400), 4);
	/* lo need not be 1 */
	hi = h_dom(f.sp, "hi", MULT_KIND_NUMBERED, 300, 399, 0);
	cr_assert_eq(h_alloc(f.sp, f.g, hi, 0x500), 300);
	cr_assert_eq(h_number(f.sp, f.c, hi, 0x500), 300);
	cr_assert_eq(h_number(f.sp, MULT_HOST, hi, 0x500), 300);
	cr_assert_eq(h_alloc(f.sp, f.c, hi, 0x501), 301);
	/* lookups test lo <= id <= hi as id - lo <= hi - lo: both ends */
	cr_assert_eq(h_lookup(f.sp, f.g, hi, 300), 0x500);
	cr_assert_eq(h_lookup(f.sp, f.c, hi, 301), 0x501);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, hi, 299), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, hi, 0), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, hi, 400), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, hi, UINT64_MAX), MULT_ENOENT);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * A lookup by id takes a short way through the instance's slot for the
 * first slots and domains: an id whose slot went to another instance
 * meets that instance's state there and must still answer MULT_ESTALE;
 * a domain of another kind with a state in the slot (inherited at the
 * create, or set after) is MULT_EKIND; domains past the short way (here
 * the seventh) answer the same.
 */
Test(num, lookup_by_id_through_a_reused_slot_and_any_domain)
{
	struct mult_space *sp = h_space();
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 1000, 0);
	uint32_t uts = h_dom(sp, "uts", MULT_KIND_VALUE, 0, 0,
	    MULT_DOMAIN_INHERIT);
	uint32_t v[4], far;
	uint64_t a, b;
	int i;

	for (i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof name, "v%d", i);
		v[i] = h_value_dom(sp, name, 0, 64);
	}
	far = h_dom(sp, "far", MULT_KIND_NUMBERED, 1, 1000, 0);
	cr_assert_eq(far, 6);
	h_set(sp, MULT_HOST, uts, "hostname", "host");
	a = h_inst(sp, MULT_HOST, NULL, 0);
	cr_assert_eq(h_alloc(sp, a, pid, 0xa1), 1);
	cr_assert_eq(h_alloc(sp, a, far, 0xa2), 1);
	cr_assert_eq(mult_instance_destroy(sp, a), 0);
	b = h_inst(sp, MULT_HOST, NULL, 0);
	cr_assert_eq((uint32_t)b, (uint32_t)a, "slot not reused");
	cr_assert_neq(b, a);
	cr_assert_eq(h_alloc(sp, b, pid, 0xb1), 1);
	cr_assert_eq(h_alloc(sp, b, far, 0xb2), 1);
	h_set(sp, b, v[3], "k", "x");
	cr_assert_eq(h_lookup_rc(sp, a, pid, 1), MULT_ESTALE);
	cr_assert_eq(h_lookup_rc(sp, a, far, 1), MULT_ESTALE);
	cr_assert_eq(h_lookup(sp, b, pid, 1), 0xb1);
	cr_assert_eq(h_lookup(sp, b, far, 1), 0xb2);
	cr_assert_eq(h_lookup_rc(sp, b, pid, 2), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(sp, b, far, 2), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(sp, b, uts, 1), MULT_EKIND);  /* inherited */
	cr_assert_eq(h_lookup_rc(sp, b, v[3], 1), MULT_EKIND); /* set */
	cr_assert_eq(h_lookup_rc(sp, b, v[0], 1), MULT_EKIND); /* none */
	cr_assert_eq(h_lookup_rc(sp, b, 7, 1), MULT_EINVAL);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(num, object_numbered_in_every_ancestor)
{
	struct fix f;
	uint64_t hid, cid, gid;

	fix_init(&f);
	(void)h_alloc(f.sp, MULT_HOST, f.pid, 0x10);
	(void)h_alloc(f.sp, MULT_HOST, f.pid, 0x11);
	(void)h_alloc(f.sp, f.c, f.pid, 0x20);
	gid = h_alloc(f.sp, f.g, f.pid, 0xabc);
	cr_assert_eq(gid, 1);
	cid = h_number(f.sp, f.c, f.pid, 0xabc);
	hid = h_number(f.sp, MULT_HOST, f.pid, 0xabc);
	cr_assert_eq(cid, 2);
	cr_assert_eq(hid, 4);
	cr_assert_eq(h_number(f.sp, f.g, f.pid, 0xabc), 1);
	cr_assert_eq(h_lookup(f.sp, f.g, f.pid, 1), 0xabc);
	cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 2), 0xabc);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 4), 0xabc);
	cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 1), 0x20);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 3), 0x20);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, visibility)
{
	struct fix f;
	uint64_t fa, fb;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.pid, 0x1), 1);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x2), 1);
	cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x3), 1);
	/* siblings never see each other */
	cr_assert_eq(h_number_rc(f.sp, f.s, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x3), MULT_ENOENT);
	/* a child never sees its parent, nor its grandparent */
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x1), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, f.g, f.pid, 0x1), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, f.g, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.g, f.pid, 1), MULT_ENOENT);
	/* lookups are per instance: pid 1 is a different object in each */
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 1), 0x1);
	cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 1), 0x2);
	cr_assert_eq(h_lookup(f.sp, f.s, f.pid, 1), 0x3);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 2), 0x2);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 3), 0x3);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, f.pid, 2), MULT_ENOENT);
	/* an object that does not exist gets the same answer */
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x999), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.pid, 0x999), MULT_ENOENT);
	/* federated peers */
	fa = h_inst(f.sp, MULT_HOST, "fa", MULT_INSTANCE_FEDERATED);
	fb = h_inst(f.sp, MULT_HOST, "fb", MULT_INSTANCE_FEDERATED);
	cr_assert_eq(h_alloc(f.sp, fa, f.pid, 0xfa), 1);
	cr_assert_eq(h_alloc(f.sp, fb, f.pid, 0xfb), 1);
	cr_assert_eq(h_number_rc(f.sp, fa, f.pid, 0xfb), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, fb, f.pid, 0xfa), MULT_ENOENT);
	cr_assert_eq(h_lookup(f.sp, fa, f.pid, 1), 0xfa);
	cr_assert_eq(h_lookup(f.sp, fb, f.pid, 1), 0xfb);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0xfa), 4);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0xfb), 5);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, free_removes_from_every_level)
{
	struct fix f;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x77), 1);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x78), 2);
	/* only the allocating instance may free */
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, MULT_HOST, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.s, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x79), MULT_ENOENT);
	cr_assert_eq(h_number(f.sp, f.g, f.pid, 0x77), 1);
	cr_assert_eq(h_number(f.sp, f.c, f.pid, 0x77), 1);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x77), 1);
	h_verify(f.sp);

	cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x77), 0);
	cr_assert_eq(h_number_rc(f.sp, f.g, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.g, f.pid, 1), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, f.pid, 1), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, MULT_HOST, f.pid, 1), MULT_ENOENT);
	/* the other object is untouched */
	cr_assert_eq(h_lookup(f.sp, f.g, f.pid, 2), 0x78);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.pid, 2), 0x78);
	/* a second free fails */
	cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x77), MULT_ENOENT);
	/* and the object can be allocated again, elsewhere */
	(void)h_alloc(f.sp, f.s, f.pid, 0x77);
	cr_assert_eq(h_number(f.sp, f.s, f.pid, 0x77), 1);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, cyclic_next_fit)
{
	struct fix f;

	fix_init(&f);
	/* next-fit continues after the last identity, not the lowest free */
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0xa), 1);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0xa), 0);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0xb), 2);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0xc), 3);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0xb), 0);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0xd), 4);
	/* each level has its own cursor */
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0xd), 4);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.pid, 0xe), 5);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0xf), 5);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0xf), 6);

	/* wrap-around in a domain of four */
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 1), 1);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 2), 2);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 3), 3);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 4), 4);
	cr_assert_eq(mult_num_free(f.sp, f.s, f.tiny, 2), 0);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 5), 2);
	cr_assert_eq(mult_num_free(f.sp, f.s, f.tiny, 1), 0);
	cr_assert_eq(mult_num_free(f.sp, f.s, f.tiny, 3), 0);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 6), 3);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 7), 1);
	cr_assert_eq(h_lookup(f.sp, f.s, f.tiny, 1), 7);
	cr_assert_eq(h_lookup(f.sp, f.s, f.tiny, 2), 5);
	cr_assert_eq(h_lookup(f.sp, f.s, f.tiny, 3), 6);
	cr_assert_eq(h_lookup(f.sp, f.s, f.tiny, 4), 4);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, top_of_u64)
{
	struct mult_space *sp = h_space();
	uint32_t top = h_dom(sp, "top", MULT_KIND_NUMBERED, UINT64_MAX - 2,
	    UINT64_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0), id = 0;

	cr_assert_eq(h_alloc(sp, c, top, 1), UINT64_MAX - 2);
	cr_assert_eq(h_alloc(sp, c, top, 2), UINT64_MAX - 1);
	cr_assert_eq(h_alloc(sp, c, top, 3), UINT64_MAX);
	cr_assert_eq(mult_num_alloc(&id, sp, c, top, 4), MULT_ENOSPC);
	cr_assert_eq(h_lookup(sp, c, top, UINT64_MAX), 3);
	cr_assert_eq(mult_num_free(sp, c, top, 1), 0);
	cr_assert_eq(h_alloc(sp, c, top, 4), UINT64_MAX - 2);
	cr_assert_eq(h_lookup(sp, MULT_HOST, top, UINT64_MAX - 2), 4);
	cr_assert_eq(h_lookup_rc(sp, c, top, 0), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(num, enospc_changes_nothing)
{
	struct fix f;
	uint64_t id = 0;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.tiny, 0x1), 1);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.tiny, 0x2), 2);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.tiny, 0x3), 3);
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 0x4), 1);
	/* full at the host's level: c, which has room, fails too */
	cr_assert_eq(mult_num_alloc(&id, f.sp, f.c, f.tiny, 0x5), MULT_ENOSPC);
	cr_assert_eq(mult_num_alloc(&id, f.sp, f.g, f.tiny, 0x5), MULT_ENOSPC);
	cr_assert_eq(mult_num_alloc(&id, f.sp, MULT_HOST, f.tiny, 0x5),
	    MULT_ENOSPC);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.tiny, 0x5), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, f.tiny, 1), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.g, f.tiny, 1), MULT_ENOENT);
	cr_assert_eq(h_lookup(f.sp, MULT_HOST, f.tiny, 4), 0x4);
	h_verify(f.sp);
	/* after a free, the failed instance starts at lo as if nothing was */
	cr_assert_eq(mult_num_free(f.sp, MULT_HOST, f.tiny, 0x2), 0);
	cr_assert_eq(h_alloc(f.sp, f.g, f.tiny, 0x5), 1);
	cr_assert_eq(h_number(f.sp, f.c, f.tiny, 0x5), 1);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.tiny, 0x5), 2);
	cr_assert_eq(mult_num_alloc(&id, f.sp, f.c, f.tiny, 0x6), MULT_ENOSPC);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, alloc_errors_change_nothing)
{
	struct fix f;
	uint64_t id = 0, st;

	fix_init(&f);
	st = h_stale(f.sp);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x42), 1);

#define ALLOC_FAILS(want, inst, dom, obj)                                     \
	do {                                                                  \
		id = 0x5a5a;                                                  \
		int rc_ = mult_num_alloc(&id, f.sp, inst, dom, obj);          \
		cr_assert_eq(rc_, want, "alloc(%s, %s, %s): %d, want %s",      \
		    #inst, #dom, #obj, rc_, #want);                           \
		cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x42), 1);      \
		cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 1), 0x42);            \
		cr_assert_eq(h_lookup_rc(f.sp, f.c, f.pid, 2), MULT_ENOENT);  \
		cr_assert_eq(h_lookup_rc(f.sp, MULT_HOST, f.pid, 2),          \
		    MULT_ENOENT);                                             \
		h_verify(f.sp);                                               \
	} while (0)

	cr_assert_eq(mult_num_alloc(NULL, f.sp, f.c, f.pid, 0x43), MULT_EINVAL);
	cr_assert_eq(mult_num_alloc(&id, NULL, f.c, f.pid, 0x43), MULT_EINVAL);
	ALLOC_FAILS(MULT_EINVAL, f.c, H_BAD_DOM, 0x43);
	ALLOC_FAILS(MULT_EINVAL, f.c, f.pid, 0);
	ALLOC_FAILS(MULT_EINVAL, MULT_HOST, f.pid, 0);
	ALLOC_FAILS(MULT_EKIND, f.c, f.uid, 0x43);
	ALLOC_FAILS(MULT_EKIND, f.c, f.uts, 0x43);
	ALLOC_FAILS(MULT_EKIND, f.c, f.cpu, 0x43);
	ALLOC_FAILS(MULT_ENOENT, H_NEVER_ID, f.pid, 0x43);
	ALLOC_FAILS(MULT_ESTALE, st, f.pid, 0x43);
	/* EEXIST: numbered anywhere in the domain */
	ALLOC_FAILS(MULT_EEXIST, f.c, f.pid, 0x42);
	ALLOC_FAILS(MULT_EEXIST, f.g, f.pid, 0x42);
	ALLOC_FAILS(MULT_EEXIST, f.s, f.pid, 0x42);
	ALLOC_FAILS(MULT_EEXIST, MULT_HOST, f.pid, 0x42);
#undef ALLOC_FAILS
	/* the same object may live in another domain */
	cr_assert_eq(h_alloc(f.sp, f.s, f.tiny, 0x42), 1);
	/* the failures moved no cursor */
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x43), 2);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x44), 1);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.pid, 0x45), 4);
	mult_space_destroy(f.sp);
}

Test(num, free_lookup_number_errors)
{
	struct fix f;
	uint64_t x = 0, st;

	fix_init(&f);
	st = h_stale(f.sp);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x42), 1);

	cr_assert_eq(mult_num_free(NULL, f.c, f.pid, 0x42), MULT_EINVAL);
	cr_assert_eq(mult_num_free(f.sp, f.c, H_BAD_DOM, 0x42), MULT_EINVAL);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.uid, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.uts, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.cpu, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_free(f.sp, st, f.pid, 0x42), MULT_ESTALE);
	cr_assert_eq(mult_num_free(f.sp, H_NEVER_ID, f.pid, 0x42), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.tiny, 0x42), MULT_ENOENT);
	cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 1), 0x42);
	h_verify(f.sp);

	cr_assert_eq(mult_num_lookup(NULL, f.sp, f.c, f.pid, 1), MULT_EINVAL);
	cr_assert_eq(mult_num_lookup(&x, NULL, f.c, f.pid, 1), MULT_EINVAL);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, H_BAD_DOM, 1), MULT_EINVAL);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.uid, 1), MULT_EKIND);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.uts, 1), MULT_EKIND);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.cpu, 1), MULT_EKIND);
	cr_assert_eq(mult_num_lookup(&x, f.sp, st, f.pid, 1), MULT_ESTALE);
	cr_assert_eq(mult_num_lookup(&x, f.sp, H_NEVER_ID, f.pid, 1),
	    MULT_ENOENT);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.pid, 2), MULT_ENOENT);
	/* identities outside the co-domain */
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.pid, 0), MULT_ENOENT);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.pid, 4194305),
	    MULT_ENOENT);
	cr_assert_eq(mult_num_lookup(&x, f.sp, f.c, f.pid, UINT64_MAX),
	    MULT_ENOENT);

	cr_assert_eq(mult_num_number(NULL, f.sp, f.c, f.pid, 0x42), MULT_EINVAL);
	cr_assert_eq(mult_num_number(&x, NULL, f.c, f.pid, 0x42), MULT_EINVAL);
	cr_assert_eq(mult_num_number(&x, f.sp, f.c, H_BAD_DOM, 0x42),
	    MULT_EINVAL);
	cr_assert_eq(mult_num_number(&x, f.sp, f.c, f.uid, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_number(&x, f.sp, f.c, f.uts, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_number(&x, f.sp, f.c, f.cpu, 0x42), MULT_EKIND);
	cr_assert_eq(mult_num_number(&x, f.sp, st, f.pid, 0x42), MULT_ESTALE);
	cr_assert_eq(mult_num_number(&x, f.sp, H_NEVER_ID, f.pid, 0x42),
	    MULT_ENOENT);
	cr_assert_eq(mult_num_number(&x, f.sp, f.c, f.tiny, 0x42), MULT_ENOENT);
	mult_space_destroy(f.sp);
}

/*
 * Only the allocating instance frees: not a sibling that holds another
 * object at the same depth and identity, not a parent or a child.
 */
Test(num, free_only_by_the_allocator)
{
	struct fix f;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x2), 1);
	cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x3), 1);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x4), 1);
	cr_assert_eq(mult_num_free(f.sp, f.s, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0x3), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, MULT_HOST, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0x4), MULT_ENOENT);
	cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(h_number(f.sp, f.c, f.pid, 0x2), 1);
	cr_assert_eq(h_number(f.sp, f.s, f.pid, 0x3), 1);
	cr_assert_eq(h_number(f.sp, f.g, f.pid, 0x4), 1);
	h_verify(f.sp);
	cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x4), 0);
	cr_assert_eq(mult_num_free(f.sp, f.c, f.pid, 0x2), 0);
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x2), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.pid, 0x4), MULT_ENOENT);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * An object's identities at every level of a chain, in a domain whose
 * identities fit in the host's hash entry at depth 1 and in one whose
 * don't (2^32 identities): each level sees its own, and only the levels
 * on its path see it.
 */
Test(num, identities_at_every_depth)
{
	struct fix f;
	uint64_t chain[6], side, id;
	uint32_t dom[2], k, j;

	fix_init(&f);
	dom[0] = f.pid;
	dom[1] = h_dom(f.sp, "wide", MULT_KIND_NUMBERED, 0, UINT32_MAX, 0);
	chain[0] = MULT_HOST;
	for (k = 1; k < 6; k++)
		chain[k] = h_inst(f.sp, chain[k - 1], NULL, 0);
	side = h_inst(f.sp, chain[2], NULL, 0);
	for (j = 0; j < 2; j++) {
		uint64_t lo = j == 0 ? 1 : 0;

		/* k objects at depth k first, so each level's numbers differ */
		for (k = 0; k < 6; k++) {
			uint32_t i;

			for (i = 0; i <= k; i++)
				(void)h_alloc(f.sp, chain[k], dom[j],
				    0x1000 * (j + 1) + 0x10 * k + i);
		}
		(void)h_alloc(f.sp, side, dom[j], 0x9000 + j);
		for (k = 0; k < 6; k++) {
			uint64_t obj = 0x1000 * (j + 1) + 0x10 * k + k;
			uint32_t v;

			/* the last of depth k's is its k + 1st there */
			cr_assert_eq(h_number(f.sp, chain[k], dom[j], obj),
			    lo + k);
			for (v = 0; v < 6; v++) {
				int rc = mult_num_number(&id, f.sp, chain[v],
				    dom[j], obj);

				if (v > k) {
					cr_assert_eq(rc, MULT_ENOENT);
					continue;
				}
				cr_assert_eq(rc, 0);
				cr_assert_eq(h_lookup(f.sp, chain[v], dom[j], id),
				    obj);
			}
			/* side, under chain[2], sees none of them */
			cr_assert_eq(h_number_rc(f.sp, side, dom[j], obj),
			    MULT_ENOENT);
		}
		cr_assert_eq(h_number(f.sp, side, dom[j], 0x9000 + j), lo);
		cr_assert_eq(h_number_rc(f.sp, chain[3], dom[j], 0x9000 + j),
		    MULT_ENOENT);
		h_verify(f.sp);
	}
	/* a destroyed subtree's objects leave every level above */
	cr_assert_eq(mult_instance_destroy(f.sp, chain[3]), 0);
	for (j = 0; j < 2; j++)
		for (k = 3; k < 6; k++)
			cr_assert_eq(h_number_rc(f.sp, MULT_HOST, dom[j],
			    0x1000 * (j + 1) + 0x10 * k), MULT_ENOENT);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * The cursor's leaf: an identity is looked for there first, and one
 * freed there is cleared there alone unless the leaf is full, when the
 * counts above it (which let a search skip full subtrees) change too.
 */
Test(num, the_cursors_leaf)
{
	struct fix f;
	uint32_t two = 0;
	uint64_t i;

	fix_init(&f);
	two = h_dom(f.sp, "two", MULT_KIND_NUMBERED, 1, 128, 0);
	for (i = 0; i < 128; i++)
		cr_assert_eq(h_alloc(f.sp, f.c, two, 0x1000 + i), i + 1);
	/* both leaves full, the cursor wrapped: two holes in the first */
	cr_assert_eq(mult_num_free(f.sp, f.c, two, 0x1000 + 10), 0);
	cr_assert_eq(mult_num_free(f.sp, f.c, two, 0x1000 + 20), 0);
	cr_assert_eq(h_alloc(f.sp, f.c, two, 0x2000), 11);
	/* from the cursor, in its leaf, which it fills */
	cr_assert_eq(h_alloc(f.sp, f.c, two, 0x2001), 21);
	h_verify(f.sp);
	/* a full cursor's leaf: its parent must learn it is full no more */
	cr_assert_eq(mult_num_free(f.sp, f.c, two, 0x1000 + 30), 0);
	h_verify(f.sp);
	cr_assert_eq(h_alloc(f.sp, f.c, two, 0x2002), 31);
	/* not full: freed and given again from the cursor's leaf */
	cr_assert_eq(mult_num_free(f.sp, f.c, two, 0x1000 + 40), 0);
	cr_assert_eq(mult_num_free(f.sp, f.c, two, 0x1000 + 35), 0);
	h_verify(f.sp);
	cr_assert_eq(h_alloc(f.sp, f.c, two, 0x2003), 36);
	cr_assert_eq(h_alloc(f.sp, f.c, two, 0x2004), 41);
	cr_assert_eq(h_number(f.sp, MULT_HOST, two, 0x2004), 41);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, alloc_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t id = 0, i;

	(void)h_alloc(sp, MULT_HOST, pid, 0x1000);
	(void)h_alloc(sp, c, pid, 0x2000);
	H_FAULT_LOOP(&fa, sp, mult_num_alloc(&id, sp, g, pid, 0x3000),
	    do {
		    cr_assert_eq(h_number_rc(sp, g, pid, 0x3000), MULT_ENOENT);
		    cr_assert_eq(h_number_rc(sp, c, pid, 0x3000), MULT_ENOENT);
		    cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, 0x3000),
			MULT_ENOENT);
		    cr_assert_eq(h_lookup_rc(sp, g, pid, 1), MULT_ENOENT);
		    cr_assert_eq(h_lookup_rc(sp, c, pid, 2), MULT_ENOENT);
		    cr_assert_eq(h_lookup_rc(sp, MULT_HOST, pid, 3),
			MULT_ENOENT);
	    } while (0));
	/* no failure moved a cursor */
	cr_assert_eq(id, 1);
	cr_assert_eq(h_number(sp, c, pid, 0x3000), 2);
	cr_assert_eq(h_number(sp, MULT_HOST, pid, 0x3000), 3);
	/* grow the tables under failure too */
	for (i = 0; i < 200; i++) {
		uint64_t obj = 0x10000 + i;

		H_FAULT_LOOP(&fa, sp, mult_num_alloc(&id, sp, c, pid, obj),
		    cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, obj),
			MULT_ENOENT));
		cr_assert_eq(id, 3 + i);
		cr_assert_eq(h_number(sp, MULT_HOST, pid, obj), 4 + i);
	}
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(num, free_and_reads_need_no_memory)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t i;

	for (i = 1; i <= 100; i++)
		cr_assert_eq(h_alloc(sp, g, pid, i), i);
	h_fa_arm(&fa, 0);   /* every allocation fails from now on */
	for (i = 1; i <= 100; i++) {
		cr_assert_eq(h_lookup(sp, g, pid, i), i);
		cr_assert_eq(h_number(sp, MULT_HOST, pid, i), i);
	}
	/* mult_num_free() documents no MULT_ENOMEM */
	for (i = 1; i <= 100; i += 2)
		cr_assert_eq(mult_num_free(sp, g, pid, i), 0, "free(%llu)",
		    (unsigned long long)i);
	for (i = 1; i <= 100; i++)
		cr_assert_eq(h_number_rc(sp, c, pid, i),
		    (i % 2) ? MULT_ENOENT : 0);
	h_fa_arm(&fa, -1);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * Churn: 100 objects live at a time while the cursor sweeps 400,000
 * identities, in a child and its parent. The trees give back the leaves
 * they no longer need: their memory follows the 100 objects held, not
 * the identities ever used (6,250 leaves of 64, 3.5 MB a tree, if kept).
 */
Test(num, churn_gives_back_what_the_trees_no_longer_hold)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	long long start = 0, most = 0;
	uint64_t i;

	for (i = 1; i <= 400000; i++) {
		cr_assert_eq(h_alloc(sp, c, pid, 0x1000 + i), i);
		if (i > 100)
			cr_assert_eq(mult_num_free(sp, c, pid, 0x1000 + i - 100),
			    0);
		if (i % 50000 == 0) {
			mult_sys_barrier();     /* retired blocks are freed */
			if (i == 50000)
				start = fa.bytes;
			if (fa.bytes > most)
				most = fa.bytes;
			h_verify(sp);
			cr_assert_eq(h_lookup(sp, c, pid, i - 99),
			    0x1000 + i - 99);
			cr_assert_eq(h_lookup_rc(sp, c, pid, i - 100),
			    MULT_ENOENT);
		}
	}
	/* two trees of a few chunks and their paths, the hashes, the rest */
	cr_assert_lt(most, start + 64 * 1024, "%lld bytes at most, %lld at "
	    "first", most, start);
	cr_assert_lt(most, 256 * 1024, "%lld bytes", most);
	for (i = 400000 - 99; i <= 400000; i++)
		cr_assert_eq(mult_num_free(sp, c, pid, 0x1000 + i), 0);
	h_verify(sp);
	cr_assert_eq(h_alloc(sp, c, pid, 7), 400001);
	cr_assert_eq(h_lookup(sp, c, pid, 400001), 7);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * Allocations that need new leaves after emptied ones have left the
 * trees, with every allocation failing in turn: nothing changes on a
 * failure (H_FAULT_LOOP verifies after each), and the identities go on
 * from the cursor.
 */
Test(num, alloc_enomem_after_leaves_left_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t id = 0, i;

	cr_assert_eq(h_alloc(sp, c, pid, 0x500), 1);  /* keeps leaf 0 */
	for (i = 0; i < 1000; i++) {
		cr_assert_eq(h_alloc(sp, c, pid, 0x10000 + i), 2 + i);
		cr_assert_eq(mult_num_free(sp, c, pid, 0x10000 + i), 0);
	}
	h_verify(sp);
	/* 1,100 more: past the newest chunk's 16 leaves into a new chunk */
	for (i = 0; i < 1100; i++) {
		uint64_t obj = 0x20000 + i;

		H_FAULT_LOOP(&fa, sp, mult_num_alloc(&id, sp, c, pid, obj),
		    do {
			    cr_assert_eq(h_number_rc(sp, c, pid, obj),
				MULT_ENOENT);
			    cr_assert_eq(h_number_rc(sp, MULT_HOST, pid, obj),
				MULT_ENOENT);
		    } while (0));
		cr_assert_eq(id, 1002 + i);
		if (i % 2 == 0)
			cr_assert_eq(mult_num_free(sp, c, pid, obj), 0);
	}
	cr_assert_eq(h_lookup(sp, c, pid, 1), 0x500);
	cr_assert_eq(h_lookup(sp, c, pid, 1002 + 1099), 0x20000 + 1099);
	cr_assert_eq(h_lookup_rc(sp, c, pid, 1002 + 1098), MULT_ENOENT);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

Test(num, many_objects)
{
	struct fix f;
	uint64_t i;

	fix_init(&f);
	for (i = 1; i <= 5000; i++) {
		cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x100000 + i), i);
		cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x200000 + i), i);
	}
	for (i = 1; i <= 5000; i++) {
		cr_assert_eq(h_lookup(f.sp, f.g, f.pid, i), 0x100000 + i);
		cr_assert_eq(h_lookup(f.sp, f.c, f.pid, i), 0x100000 + i);
		cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x100000 + i),
		    2 * i - 1);
		cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x200000 + i),
		    2 * i);
	}
	h_verify(f.sp);
	for (i = 1; i <= 5000; i++)
		cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x100000 + i), 0);
	for (i = 1; i <= 5000; i++)
		cr_assert_eq(h_lookup_rc(f.sp, f.c, f.pid, i), MULT_ENOENT);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 1), 5001);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(num, destroy_frees_the_objects_everywhere)
{
	struct fix f;

	fix_init(&f);
	cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x77), 1);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x78), 2);
	cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x79), 1);
	cr_assert_eq(mult_instance_destroy(f.sp, f.g), 0);
	cr_assert_eq(h_number_rc(f.sp, f.c, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.pid, 0x77), MULT_ENOENT);
	cr_assert_eq(h_lookup_rc(f.sp, f.c, f.pid, 1), MULT_ENOENT);
	cr_assert_eq(h_lookup(f.sp, f.c, f.pid, 2), 0x78);
	cr_assert_eq(mult_instance_destroy(f.sp, f.c), 0);
	cr_assert_eq(h_number_rc(f.sp, MULT_HOST, f.pid, 0x78), MULT_ENOENT);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x79), 3);
	/* the objects may be numbered again */
	cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x77), 2);
	cr_assert_eq(h_number(f.sp, MULT_HOST, f.pid, 0x77), 4);
	cr_assert_eq(h_alloc(f.sp, MULT_HOST, f.pid, 0x78), 5);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * The batch form agrees with mult_num_lookup() key by key: ids in and out
 * of the domain (below lo, 0, past hi, the top of u64), present, freed and
 * never used; found counts the hits.
 */
Test(num, lookup_many_agrees_with_lookup)
{
	struct fix f;
	uint64_t ids[300], objs[300], z[300], i;
	size_t n = 0, found = 7, want = 0;

	fix_init(&f);
	for (i = 1; i <= 200; i++)
		cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x100000 + i), i);
	for (i = 1; i <= 200; i += 3)
		cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x100000 + i), 0);
	for (i = 0; i < 250; i++)
		ids[n++] = (i * 7919) % 260;     /* 0..259: hits, frees, unused */
	ids[n++] = 4194304;
	ids[n++] = 4194305;
	ids[n++] = UINT64_MAX;
	cr_assert_eq(mult_num_lookup_many(objs, &found, f.sp, f.c, f.pid, ids,
	    n), 0);
	for (i = 0; i < n; i++) {
		uint64_t o = 0;
		int rc = mult_num_lookup(&o, f.sp, f.c, f.pid, ids[i]);

		cr_assert(rc == 0 || rc == MULT_ENOENT);
		cr_assert_eq(objs[i], rc == 0 ? o : 0, "ids[%" PRIu64 "] = %"
		    PRIu64, i, ids[i]);
		want += rc == 0;
	}
	cr_assert_gt(want, 100);
	cr_assert_eq(found, want);
	/* In place: ids and objs one array. */
	for (i = 0; i < n; i++)
		z[i] = ids[i];
	cr_assert_eq(mult_num_lookup_many(z, &found, f.sp, f.c, f.pid, z, n),
	    0);
	cr_assert_eq(found, want);
	for (i = 0; i < n; i++)
		cr_assert_eq(z[i], objs[i]);
	/* The sibling sees none of them; found may be NULL. */
	cr_assert_eq(mult_num_lookup_many(objs, NULL, f.sp, f.s, f.pid, ids,
	    n), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(objs[i], 0);
	mult_space_destroy(f.sp);
}

/* Errors write nothing; n == 0 still checks the instance and domain. */
Test(num, lookup_many_errors_write_nothing)
{
	struct fix f;
	uint64_t ids[2] = { 1, 2 }, objs[2] = { 0xdead, 0xbeef }, st;
	size_t found = 99;

	fix_init(&f);
	st = h_stale(f.sp);
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x42), 1);
#define LM_BAD(rc, ...)                                                        \
	do {                                                                  \
		cr_assert_eq(mult_num_lookup_many(__VA_ARGS__), (rc));         \
		cr_assert(objs[0] == 0xdead && objs[1] == 0xbeef &&            \
		    found == 99);                                              \
	} while (0)
	LM_BAD(MULT_EINVAL, NULL, &found, f.sp, f.c, f.pid, ids, 2);
	LM_BAD(MULT_EINVAL, objs, &found, f.sp, f.c, f.pid, NULL, 2);
	LM_BAD(MULT_EINVAL, objs, &found, NULL, f.c, f.pid, ids, 2);
	LM_BAD(MULT_EINVAL, objs, &found, f.sp, f.c, H_BAD_DOM, ids, 2);
	LM_BAD(MULT_EKIND, objs, &found, f.sp, f.c, f.uid, ids, 2);
	LM_BAD(MULT_EKIND, objs, &found, f.sp, f.c, f.cpu, ids, 2);
	LM_BAD(MULT_ESTALE, objs, &found, f.sp, st, f.pid, ids, 2);
	LM_BAD(MULT_ENOENT, objs, &found, f.sp, H_NEVER_ID, f.pid, ids, 2);
	LM_BAD(MULT_ESTALE, NULL, &found, f.sp, st, f.pid, NULL, 0);
#undef LM_BAD
	cr_assert_eq(mult_num_lookup_many(NULL, &found, f.sp, f.c, f.pid, NULL,
	    0), 0);
	cr_assert_eq(found, 0);
	cr_assert_eq(mult_num_lookup_many(objs, &found, f.sp, f.c, f.pid, ids,
	    2), 0);
	cr_assert(found == 1 && objs[0] == 0x42 && objs[1] == 0);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/* A reference's lookup: rc and object exactly as mult_num_lookup()'s. */
static void
ref_agrees(struct mult_space *sp, const struct mult_num_ref *ref,
    uint64_t inst, uint32_t dom, const uint64_t *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = 0xa, b = 0xb;
		int ra = mult_num_lookup(&a, sp, inst, dom, ids[i]);
		int rb = mult_num_ref_lookup(&b, ref, ids[i]);

		cr_assert_eq(rb, ra, "id %" PRIu64 ": %d, by id %d", ids[i],
		    rb, ra);
		cr_assert_eq(b, ra == 0 ? a : 0xb, "id %" PRIu64, ids[i]);
	}
}

/*
 * Through a reference, every identity (in and out of the domain, present,
 * freed, never used) answers what mult_num_lookup() answers, at every
 * level, in a domain that does not start at 0 and in one that does, and
 * for objects allocated after the reference was taken (the instance had no
 * state in the domain yet).
 */
Test(num, ref_lookup_agrees_with_lookup)
{
	struct fix f;
	struct mult_num_ref *rh, *rc, *rg, *rs, *rt, *rz;
	uint64_t ids[270], i;
	uint32_t zero;
	size_t n = 0;

	fix_init(&f);
	zero = h_dom(f.sp, "zero", MULT_KIND_NUMBERED, 0, 1000, 0);
	cr_assert_eq(mult_num_ref_get(&rs, f.sp, f.s, f.pid), 0);
	cr_assert_eq(mult_num_ref_get(&rz, f.sp, f.g, zero), 0);
	for (i = 1; i <= 200; i++)
		cr_assert_eq(h_alloc(f.sp, f.g, f.pid, 0x100000 + i), i);
	for (i = 1; i <= 200; i += 3)
		cr_assert_eq(mult_num_free(f.sp, f.g, f.pid, 0x100000 + i), 0);
	for (i = 0; i < 30; i++)
		cr_assert_eq(h_alloc(f.sp, f.s, f.pid, 0x200000 + i), i + 1);
	for (i = 0; i < 9; i++)
		cr_assert_eq(h_alloc(f.sp, f.g, zero, 0x300000 + i), i);
	cr_assert_eq(mult_num_ref_get(&rh, f.sp, MULT_HOST, f.pid), 0);
	cr_assert_eq(mult_num_ref_get(&rc, f.sp, f.c, f.pid), 0);
	cr_assert_eq(mult_num_ref_get(&rg, f.sp, f.g, f.pid), 0);
	cr_assert_eq(mult_num_ref_get(&rt, f.sp, f.c, f.tiny), 0);
	for (i = 0; i < 260; i++)
		ids[n++] = (i * 7919) % 260;
	ids[n++] = 4194304;
	ids[n++] = 4194305;
	ids[n++] = 1u << 30;
	ids[n++] = (uint64_t)1 << 40;
	ids[n++] = UINT64_MAX;
	ref_agrees(f.sp, rh, MULT_HOST, f.pid, ids, n);
	ref_agrees(f.sp, rc, f.c, f.pid, ids, n);
	ref_agrees(f.sp, rg, f.g, f.pid, ids, n);
	ref_agrees(f.sp, rs, f.s, f.pid, ids, n);
	ref_agrees(f.sp, rt, f.c, f.tiny, ids, n);
	ref_agrees(f.sp, rz, f.g, zero, ids, n);
	/* Something was found at each level, and not everything. */
	cr_assert_eq(h_lookup(f.sp, f.g, f.pid, 2), 0x100002);
	cr_assert_eq(h_lookup(f.sp, f.s, f.pid, 30), 0x20001d);
	cr_assert_eq(h_lookup(f.sp, f.g, zero, 0), 0x300000);
	/* A second reference to the same state works alike and goes alone. */
	{
		struct mult_num_ref *again;
		uint64_t o = 0;

		cr_assert_eq(mult_num_ref_get(&again, f.sp, f.g, f.pid), 0);
		mult_num_ref_put(rg);
		cr_assert_eq(mult_num_ref_lookup(&o, again, 2), 0);
		cr_assert_eq(o, 0x100002);
		rg = again;
	}
	mult_num_ref_put(rh);
	mult_num_ref_put(rc);
	mult_num_ref_put(rg);
	mult_num_ref_put(rs);
	mult_num_ref_put(rt);
	mult_num_ref_put(rz);
	mult_num_ref_put(NULL);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/* Bad arguments: the documented error, and nothing written. */
Test(num, ref_errors_write_nothing)
{
	struct fix f;
	struct mult_num_ref *ref = (struct mult_num_ref *)&f, *good;
	uint64_t st, obj = 0xdead;

	fix_init(&f);
	st = h_stale(f.sp);
#define REF_BAD(rc, ...)                                                      \
	do {                                                                  \
		cr_assert_eq(mult_num_ref_get(__VA_ARGS__), (rc));             \
		cr_assert(ref == (struct mult_num_ref *)&f);                   \
	} while (0)
	cr_assert_eq(mult_num_ref_get(NULL, f.sp, f.c, f.pid), MULT_EINVAL);
	REF_BAD(MULT_EINVAL, &ref, NULL, f.c, f.pid);
	REF_BAD(MULT_EINVAL, &ref, f.sp, f.c, H_BAD_DOM);
	REF_BAD(MULT_EKIND, &ref, f.sp, f.c, f.uid);
	REF_BAD(MULT_EKIND, &ref, f.sp, f.c, f.uts);
	REF_BAD(MULT_EKIND, &ref, f.sp, f.c, f.cpu);
	REF_BAD(MULT_ESTALE, &ref, f.sp, st, f.pid);
	REF_BAD(MULT_ENOENT, &ref, f.sp, H_NEVER_ID, f.pid);
	REF_BAD(MULT_ENOENT, &ref, f.sp, 0, f.pid);
#undef REF_BAD
	cr_assert_eq(h_alloc(f.sp, f.c, f.pid, 0x42), 1);
	cr_assert_eq(mult_num_ref_get(&good, f.sp, f.c, f.pid), 0);
	cr_assert_eq(mult_num_ref_lookup(NULL, good, 1), MULT_EINVAL);
	cr_assert_eq(mult_num_ref_lookup(&obj, NULL, 1), MULT_EINVAL);
	cr_assert_eq(obj, 0xdead);
	cr_assert_eq(mult_num_ref_lookup(&obj, good, 2), MULT_ENOENT);
	cr_assert_eq(obj, 0xdead);
	cr_assert_eq(mult_num_ref_lookup(&obj, good, 1), 0);
	cr_assert_eq(obj, 0x42);
	mult_num_ref_put(good);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/*
 * A reference outlives its instance, as a held pid namespace does: from the
 * destroy on, every lookup through it answers MULT_ESTALE, whether the
 * identity named an object or not, whether the instance or an ancestor was
 * destroyed, and after its slot is reused; the instance's memory and the
 * state's go, nothing leaks, and the rest of the space is untouched.
 */
Test(num, ref_outlives_its_instance)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	uint64_t g = h_inst(sp, c, "g", 0);
	uint64_t s = h_inst(sp, MULT_HOST, "s", 0), again, i, o;
	struct mult_num_ref *rc, *rg, *rg2, *rs, *rh;
	long long before;

	for (i = 0; i < 300; i++) {
		(void)h_alloc(sp, g, pid, 0x1000 + i);
		(void)h_alloc(sp, c, pid, 0x2000 + i);
		(void)h_alloc(sp, s, pid, 0x3000 + i);
	}
	cr_assert_eq(mult_num_ref_get(&rc, sp, c, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rg, sp, g, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rg2, sp, g, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rs, sp, s, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rh, sp, MULT_HOST, pid), 0);
	cr_assert_eq(mult_num_ref_lookup(&o, rg, 1), 0);
	cr_assert_eq(o, 0x1000);
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	for (i = 0; i < 400; i++) {
		cr_assert_eq(mult_num_ref_lookup(&o, rc, i), MULT_ESTALE);
		cr_assert_eq(mult_num_ref_lookup(&o, rg, i), MULT_ESTALE);
		cr_assert_eq(mult_num_ref_lookup(&o, rg2, i), MULT_ESTALE);
		cr_assert_eq(h_lookup_rc(sp, c, pid, i), MULT_ESTALE);
	}
	cr_assert_eq(mult_num_ref_lookup(&o, rg, UINT64_MAX), MULT_ESTALE);
	/* The others are as they were; the host lost c's and g's objects. */
	cr_assert_eq(mult_num_ref_lookup(&o, rs, 300), 0);
	cr_assert_eq(o, 0x3000 + 299);
	for (i = 1; i <= 900; i++) {
		int want = h_lookup_rc(sp, MULT_HOST, pid, i);

		cr_assert_eq(mult_num_ref_lookup(&o, rh, i), want);
		if (want == 0)
			cr_assert(o >= 0x3000 && o < 0x3000 + 300);
	}
	h_verify(sp);
	/* A new instance in the old slot is another one: still stale. */
	again = h_inst(sp, MULT_HOST, "again", 0);
	cr_assert_eq((uint32_t)again, (uint32_t)g);
	(void)h_alloc(sp, again, pid, 0x4000);
	cr_assert_eq(mult_num_ref_lookup(&o, rg, 1), MULT_ESTALE);
	/* Puts take the memory back: the last one frees the state. */
	mult_num_ref_put(rg);
	cr_assert_eq(mult_num_ref_lookup(&o, rg2, 1), MULT_ESTALE);
	before = fa.bytes;
	mult_num_ref_put(rg2);
	mult_num_ref_put(rc);
	mult_num_ref_put(rs);
	mult_num_ref_put(rh);
	mult_sys_barrier();
	cr_assert_lt(fa.bytes, before);
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * Taking a reference may allocate the instance's state (and the vector of
 * a domain made after the instance): under failure it changes nothing.
 * And a destroy that fails for want of memory leaves held references
 * answering as before.
 */
Test(num, ref_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0), o;
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	struct mult_num_ref *ref = NULL;
	int rc;

	H_FAULT_LOOP(&fa, sp, mult_num_ref_get(&ref, sp, c, pid),
	    cr_assert_null(ref));
	cr_assert_not_null(ref);
	cr_assert_eq(mult_num_ref_lookup(&o, ref, 1), MULT_ENOENT);
	cr_assert_eq(h_alloc(sp, c, pid, 0x77), 1);
	cr_assert_eq(mult_num_ref_lookup(&o, ref, 1), 0);
	cr_assert_eq(o, 0x77);
	cr_assert_eq(mult_allot_grant(sp, c, cpu, 3, 2), 0);
	H_FAULT_LOOP(&fa, sp, (rc = mult_instance_destroy(sp, c)),
	    do {
		    o = 0;
		    cr_assert_eq(mult_num_ref_lookup(&o, ref, 1), 0);
		    cr_assert_eq(o, 0x77);
		    cr_assert_eq(h_lookup(sp, c, pid, 1), 0x77);
	    } while (0));
	cr_assert_eq(rc, 0);
	cr_assert_eq(mult_num_ref_lookup(&o, ref, 1), MULT_ESTALE);
	mult_num_ref_put(ref);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * A space's destroy frees the states references still hold, of live
 * instances and of destroyed ones alike: nothing leaks.
 */
Test(num, space_destroy_frees_held_references)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 4194304, 0);
	uint64_t a = h_inst(sp, MULT_HOST, "a", 0);
	uint64_t b = h_inst(sp, MULT_HOST, "b", 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	struct mult_num_ref *ra, *rb, *rc, *rh;

	(void)h_alloc(sp, a, pid, 0xa);
	(void)h_alloc(sp, b, pid, 0xb);
	cr_assert_eq(mult_num_ref_get(&ra, sp, a, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rb, sp, b, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rc, sp, c, pid), 0);
	cr_assert_eq(mult_num_ref_get(&rh, sp, MULT_HOST, pid), 0);
	cr_assert_eq(mult_instance_destroy(sp, a), 0);
	cr_assert_eq(mult_instance_destroy(sp, b), 0);
	cr_assert_eq(mult_instance_destroy(sp, c), 0);
	mult_num_ref_put(rb);     /* one orphan put, two not */
	h_verify(sp);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
	cr_assert_eq(fa.bad_sizes, 0);
	(void)ra;
	(void)rc;
	(void)rh;
}
