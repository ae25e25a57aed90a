/*
 * libmult unit tests: excl.h: mult_excl_owner, with units assigned by
 * mult_allot_grant() and given back by mult_allot_revoke().
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"

struct fix {
	struct mult_space *sp;
	uint32_t cpu;   /* exclusive [0, 63] */
	uint32_t mem;   /* exclusive [4096, 1 << 20] */
	uint32_t uid, pid, uts;
	uint64_t c, g, s;
};

static void
fix_init(struct fix *f)
{
	f->sp = h_space();
	f->cpu = h_dom(f->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	f->mem = h_dom(f->sp, "mem", MULT_KIND_EXCLUSIVE, 4096, 1 << 20, 0);
	f->uid = h_dom(f->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	f->pid = h_dom(f->sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	f->uts = h_value_dom(f->sp, "uts", 0, 0);
	f->c = h_inst(f->sp, MULT_HOST, "c", 0);
	f->g = h_inst(f->sp, f->c, "g", 0);
	f->s = h_inst(f->sp, MULT_HOST, "s", 0);
}

Test(excl, ungranted_units_belong_to_the_host)
{
	struct fix f;
	uint64_t u;

	fix_init(&f);
	for (u = 0; u <= 63; u++)
		cr_assert_eq(h_owner(f.sp, f.cpu, u), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.mem, 4096), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.mem, 1 << 20), MULT_HOST);
	mult_space_destroy(f.sp);
}

Test(excl, grant_assigns_and_nesting_finds_the_deepest)
{
	struct fix f;
	uint64_t gg;

	fix_init(&f);
	h_grant(f.sp, f.c, f.cpu, 8, 16);        /* c: [8, 24) */
	cr_assert_eq(h_owner(f.sp, f.cpu, 7), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.cpu, 8), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 23), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 24), MULT_HOST);
	h_grant(f.sp, f.g, f.cpu, 12, 4);        /* g: [12, 16) */
	cr_assert_eq(h_owner(f.sp, f.cpu, 11), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 12), f.g);
	cr_assert_eq(h_owner(f.sp, f.cpu, 15), f.g);
	cr_assert_eq(h_owner(f.sp, f.cpu, 16), f.c);
	gg = h_inst(f.sp, f.g, "gg", 0);
	h_grant(f.sp, gg, f.cpu, 13, 1);
	cr_assert_eq(h_owner(f.sp, f.cpu, 12), f.g);
	cr_assert_eq(h_owner(f.sp, f.cpu, 13), gg);
	cr_assert_eq(h_owner(f.sp, f.cpu, 14), f.g);
	h_grant(f.sp, f.s, f.cpu, 24, 8);
	cr_assert_eq(h_owner(f.sp, f.cpu, 24), f.s);
	cr_assert_eq(h_owner(f.sp, f.cpu, 23), f.c);
	/* other domains are independent */
	cr_assert_eq(h_owner(f.sp, f.mem, 4096 + 13), MULT_HOST);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(excl, revoke_returns_units_to_the_parent)
{
	struct fix f;

	fix_init(&f);
	h_grant(f.sp, f.c, f.cpu, 0, 16);
	h_grant(f.sp, f.g, f.cpu, 4, 8);
	cr_assert_eq(mult_allot_revoke(f.sp, f.g, f.cpu, 6, 2), 0);
	cr_assert_eq(h_owner(f.sp, f.cpu, 5), f.g);
	cr_assert_eq(h_owner(f.sp, f.cpu, 6), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 7), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 8), f.g);
	cr_assert_eq(mult_allot_revoke(f.sp, f.g, f.cpu, 4, 2), 0);
	cr_assert_eq(mult_allot_revoke(f.sp, f.g, f.cpu, 8, 4), 0);
	cr_assert_eq(h_owner(f.sp, f.cpu, 4), f.c);
	cr_assert_eq(h_owner(f.sp, f.cpu, 11), f.c);
	cr_assert_eq(mult_allot_revoke(f.sp, f.c, f.cpu, 0, 16), 0);
	cr_assert_eq(h_owner(f.sp, f.cpu, 0), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.cpu, 15), MULT_HOST);
	/* given back, the units can go to someone else */
	h_grant(f.sp, f.s, f.cpu, 0, 16);
	cr_assert_eq(h_owner(f.sp, f.cpu, 9), f.s);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(excl, destroy_returns_units_to_the_parent)
{
	struct fix f;
	uint64_t gg;

	fix_init(&f);
	gg = h_inst(f.sp, f.g, "gg", 0);
	h_grant(f.sp, f.c, f.cpu, 0, 32);
	h_grant(f.sp, f.g, f.cpu, 8, 8);
	h_grant(f.sp, gg, f.cpu, 10, 2);
	h_grant(f.sp, f.s, f.cpu, 32, 8);
	cr_assert_eq(mult_instance_destroy(f.sp, gg), 0);
	cr_assert_eq(h_owner(f.sp, f.cpu, 10), f.g);
	cr_assert_eq(h_owner(f.sp, f.cpu, 11), f.g);
	/* destroying c returns its units and g's to the host */
	cr_assert_eq(mult_instance_destroy(f.sp, f.c), 0);
	cr_assert_eq(h_owner(f.sp, f.cpu, 0), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.cpu, 9), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.cpu, 31), MULT_HOST);
	cr_assert_eq(h_owner(f.sp, f.cpu, 32), f.s);
	h_grant(f.sp, f.s, f.cpu, 0, 32);
	cr_assert_eq(h_owner(f.sp, f.cpu, 9), f.s);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(excl, one_unit_each)
{
	struct fix f;
	uint64_t inst[64];
	int i;

	fix_init(&f);
	for (i = 0; i < 64; i++) {
		inst[i] = h_inst(f.sp, MULT_HOST, NULL,
		    (i % 2) ? MULT_INSTANCE_FEDERATED : 0);
		h_grant(f.sp, inst[i], f.cpu, 63 - (uint64_t)i, 1);
	}
	for (i = 0; i < 64; i++)
		cr_assert_eq(h_owner(f.sp, f.cpu, 63 - (uint64_t)i), inst[i]);
	for (i = 0; i < 64; i += 3)
		cr_assert_eq(mult_instance_destroy(f.sp, inst[i]), 0);
	for (i = 0; i < 64; i++)
		cr_assert_eq(h_owner(f.sp, f.cpu, 63 - (uint64_t)i),
		    (i % 3) ? inst[i] : MULT_HOST);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(excl, whole_u64)
{
	struct mult_space *sp = h_space();
	uint32_t all = h_dom(sp, "all", MULT_KIND_EXCLUSIVE, 1, UINT64_MAX, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);

	cr_assert_eq(h_owner(sp, all, 1), MULT_HOST);
	cr_assert_eq(h_owner(sp, all, UINT64_MAX), MULT_HOST);
	h_grant(sp, c, all, UINT64_MAX - 9, 10);
	cr_assert_eq(h_owner(sp, all, UINT64_MAX), c);
	cr_assert_eq(h_owner(sp, all, UINT64_MAX - 9), c);
	cr_assert_eq(h_owner(sp, all, UINT64_MAX - 10), MULT_HOST);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(excl, owner_errors)
{
	struct fix f;
	uint64_t o = 0;

	fix_init(&f);
	h_grant(f.sp, f.c, f.mem, 4096, 10);
	cr_assert_eq(mult_excl_owner(NULL, f.sp, f.cpu, 0), MULT_EINVAL);
	cr_assert_eq(mult_excl_owner(&o, NULL, f.cpu, 0), MULT_EINVAL);
	cr_assert_eq(mult_excl_owner(&o, f.sp, H_BAD_DOM, 0), MULT_EINVAL);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.uid, 0), MULT_EKIND);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.pid, 1), MULT_EKIND);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.uts, 0), MULT_EKIND);
	/* outside the co-domain */
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.cpu, 64), MULT_ERANGE);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.cpu, UINT64_MAX), MULT_ERANGE);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.mem, 4095), MULT_ERANGE);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.mem, 0), MULT_ERANGE);
	cr_assert_eq(mult_excl_owner(&o, f.sp, f.mem, (1 << 20) + 1),
	    MULT_ERANGE);
	cr_assert_eq(h_owner(f.sp, f.mem, 4096), f.c);
	mult_space_destroy(f.sp);
}

Test(excl, reads_need_no_memory)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t cpu = h_dom(sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);

	h_grant(sp, c, cpu, 4, 4);
	h_fa_arm(&fa, 0);
	cr_assert_eq(h_owner(sp, cpu, 5), c);
	cr_assert_eq(h_owner(sp, cpu, 8), MULT_HOST);
	h_allot_is1(sp, c, cpu, 4, 4);
	h_fa_arm(&fa, -1);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}
