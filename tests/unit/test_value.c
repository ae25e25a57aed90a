/*
 * libmult unit tests: value.h: mult_value_set, _get, _unset; inheritance.
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"
#include "internal.h"

struct fix {
	struct mult_space *sp;
	uint32_t uts;   /* value, no inheritance, default value_max */
	uint32_t inh;   /* value, MULT_DOMAIN_INHERIT */
	uint32_t uid, pid, cpu;
	uint64_t c;
};

static void
fix_init(struct fix *f)
{
	f->sp = h_space();
	f->uts = h_value_dom(f->sp, "uts", 0, 0);
	f->inh = h_value_dom(f->sp, "inh", MULT_DOMAIN_INHERIT, 0);
	f->uid = h_dom(f->sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	f->pid = h_dom(f->sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	f->cpu = h_dom(f->sp, "cpu", MULT_KIND_EXCLUSIVE, 0, 63, 0);
	f->c = h_inst(f->sp, MULT_HOST, "c", 0);
}

/*
 * A get by id takes the instance's slot first (the first five domains):
 * a stale id whose slot a new instance holds is MULT_ESTALE, a state of
 * another kind there is MULT_EKIND, a key not set is MULT_ENOENT, and a
 * domain past the fifth gives the same answers the long way.
 */
Test(value, get_by_id_through_a_reused_slot_and_any_domain)
{
	struct mult_space *sp = h_space();
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint32_t pid = h_dom(sp, "pid", MULT_KIND_NUMBERED, 1, 100, 0);
	uint32_t uid = h_dom(sp, "uid", MULT_KIND_RANGE, 0, UINT32_MAX, 0);
	uint32_t far, dom[2];
	uint64_t a, b;
	int i;

	(void)h_value_dom(sp, "v3", 0, 0);
	(void)h_value_dom(sp, "v4", 0, 0);
	far = h_value_dom(sp, "far", 0, 0);
	cr_assert_eq(far, 5);
	dom[0] = uts;
	dom[1] = far;
	a = h_inst(sp, MULT_HOST, NULL, 0);
	for (i = 0; i < 2; i++)
		h_set(sp, a, dom[i], "hostname", "a");
	cr_assert_eq(mult_instance_destroy(sp, a), 0);
	b = h_inst(sp, MULT_HOST, NULL, 0);
	cr_assert_eq((uint32_t)b, (uint32_t)a, "slot not reused");
	cr_assert_neq(b, a);
	for (i = 0; i < 2; i++)
		h_set(sp, b, dom[i], "hostname", "b");
	cr_assert_eq(h_alloc(sp, b, pid, 0xb1), 1);
	h_grant(sp, b, uid, 100000, 65536);
	h_map1(sp, b, uid, 0, 100000, 65536);
	for (i = 0; i < 2; i++) {
		char buf[1];
		size_t len = 0;

		cr_assert_eq(h_get_rc(sp, a, dom[i], "hostname"), MULT_ESTALE);
		h_get_is(sp, b, dom[i], "hostname", "b");
		cr_assert_eq(h_get_rc(sp, b, dom[i], "domainname"),
		    MULT_ENOENT);
		cr_assert_eq(mult_value_get(buf, 0, &len, sp, b, dom[i],
		    "hostname"), MULT_ERANGE);
		cr_assert_eq(len, 1);
	}
	cr_assert_eq(h_get_rc(sp, b, pid, "hostname"), MULT_EKIND);
	cr_assert_eq(h_get_rc(sp, b, uid, "hostname"), MULT_EKIND);
	cr_assert_eq(h_get_rc(sp, b, 6, "hostname"), MULT_EINVAL);
	h_verify(sp);
	mult_space_destroy(sp);
}

Test(value, set_get_copy_in_copy_out)
{
	struct fix f;
	char src[16], buf[16];
	size_t len = 0;

	fix_init(&f);
	memcpy(src, "web1", 5);
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "hostname", src, 4), 0);
	/* the library copied it in */
	memcpy(src, "XXXX", 5);
	memset(buf, '#', sizeof buf);
	cr_assert_eq(mult_value_get(buf, sizeof buf, &len, f.sp, f.c, f.uts,
	    "hostname"), 0);
	cr_assert_eq(len, 4);
	cr_assert_eq(memcmp(buf, "web1", 4), 0);
	cr_assert_eq(buf[4], '#', "wrote past the value");
	/* and copies it out */
	memcpy(buf, "ZZZZ", 4);
	h_get_is(f.sp, f.c, f.uts, "hostname", "web1");
	/* the key is copied too */
	{
		char key[16];

		memcpy(key, "domain", 7);
		h_set(f.sp, f.c, f.uts, key, "example.org");
		memcpy(key, "XXXXXX", 7);
		h_get_is(f.sp, f.c, f.uts, "domain", "example.org");
		cr_assert_eq(h_get_rc(f.sp, f.c, f.uts, "XXXXXX"), MULT_ENOENT);
	}
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, binary_empty_and_overwrite)
{
	struct fix f;
	static const unsigned char bin[6] = { 0, 1, 0, 0xff, 0x80, 0 };
	unsigned char buf[8];
	size_t len = 99;

	fix_init(&f);
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "bin", bin, sizeof bin),
	    0);
	cr_assert_eq(mult_value_get(buf, sizeof buf, &len, f.sp, f.c, f.uts,
	    "bin"), 0);
	cr_assert_eq(len, sizeof bin);
	cr_assert_eq(memcmp(buf, bin, sizeof bin), 0);
	/* empty values: NULL with length 0 */
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "empty", NULL, 0), 0);
	len = 99;
	cr_assert_eq(mult_value_get(NULL, 0, &len, f.sp, f.c, f.uts, "empty"),
	    0);
	cr_assert_eq(len, 0);
	len = 99;
	cr_assert_eq(mult_value_get(buf, sizeof buf, &len, f.sp, f.c, f.uts,
	    "empty"), 0);
	cr_assert_eq(len, 0);
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "empty2", "x", 0), 0);
	h_get_is(f.sp, f.c, f.uts, "empty2", "");
	/* overwrite: longer, shorter, empty */
	h_set(f.sp, f.c, f.uts, "k", "short");
	h_set(f.sp, f.c, f.uts, "k", "a much longer value than before");
	h_get_is(f.sp, f.c, f.uts, "k", "a much longer value than before");
	h_set(f.sp, f.c, f.uts, "k", "s");
	h_get_is(f.sp, f.c, f.uts, "k", "s");
	h_set(f.sp, f.c, f.uts, "k", "");
	h_get_is(f.sp, f.c, f.uts, "k", "");
	/* binary untouched by the others */
	cr_assert_eq(mult_value_get(buf, sizeof buf, &len, f.sp, f.c, f.uts,
	    "bin"), 0);
	cr_assert_eq(memcmp(buf, bin, sizeof bin), 0);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, get_short_buffer)
{
	struct fix f;
	char buf[16];
	size_t len = 0;

	fix_init(&f);
	h_set(f.sp, f.c, f.uts, "hostname", "web1.example");
	memset(buf, '#', sizeof buf);
	cr_assert_eq(mult_value_get(buf, 11, &len, f.sp, f.c, f.uts,
	    "hostname"), MULT_ERANGE);
	cr_assert_eq(len, 12);
	{
		size_t i;

		for (i = 0; i < sizeof buf; i++)
			cr_assert_eq(buf[i], '#', "byte %zu copied on ERANGE", i);
	}
	len = 0;
	cr_assert_eq(mult_value_get(NULL, 0, &len, f.sp, f.c, f.uts,
	    "hostname"), MULT_ERANGE);
	cr_assert_eq(len, 12);
	len = 0;
	cr_assert_eq(mult_value_get(buf, 12, &len, f.sp, f.c, f.uts,
	    "hostname"), 0);
	cr_assert_eq(len, 12);
	cr_assert_eq(memcmp(buf, "web1.example", 12), 0);
	cr_assert_eq(buf[12], '#');
	mult_space_destroy(f.sp);
}

Test(value, key_and_value_limits)
{
	struct fix f;
	char key[MULT_NAME_MAX + 2];
	char *big = malloc(MULT_VALUE_MAX + 2);
	uint32_t small, huge;
	size_t len = 0;

	cr_assert_not_null(big);
	memset(big, 'v', MULT_VALUE_MAX + 1);
	fix_init(&f);
	/* a key of exactly MULT_NAME_MAX bytes; one more is too long */
	h_str(key, MULT_NAME_MAX, 'k');
	h_set(f.sp, f.c, f.uts, key, "ok");
	h_get_is(f.sp, f.c, f.uts, key, "ok");
	h_str(key, MULT_NAME_MAX + 1, 'k');
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, key, "x", 1), MULT_E2BIG);
	/* the default value_max */
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "v", big,
	    MULT_VALUE_DEFAULT), 0);
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "v2", big,
	    MULT_VALUE_DEFAULT + 1), MULT_E2BIG);
	cr_assert_eq(h_get_rc(f.sp, f.c, f.uts, "v2"), MULT_ENOENT);
	/* a too-long value leaves the old value */
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "v", "tiny", 4), 0);
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "v", big,
	    MULT_VALUE_DEFAULT + 1), MULT_E2BIG);
	h_get_is(f.sp, f.c, f.uts, "v", "tiny");
	/* a small value_max */
	small = h_value_dom(f.sp, "small", 0, 8);
	cr_assert_eq(mult_value_set(f.sp, f.c, small, "k", big, 8), 0);
	cr_assert_eq(mult_value_set(f.sp, f.c, small, "k", big, 9), MULT_E2BIG);
	cr_assert_eq(mult_value_get(NULL, 0, &len, f.sp, f.c, small, "k"),
	    MULT_ERANGE);
	cr_assert_eq(len, 8);
	/* the largest value_max */
	huge = h_value_dom(f.sp, "huge", 0, MULT_VALUE_MAX);
	cr_assert_eq(mult_value_set(f.sp, f.c, huge, "k", big, MULT_VALUE_MAX),
	    0);
	cr_assert_eq(mult_value_set(f.sp, f.c, huge, "k2", big,
	    MULT_VALUE_MAX + 1), MULT_E2BIG);
	{
		char *out = malloc(MULT_VALUE_MAX);

		cr_assert_not_null(out);
		cr_assert_eq(mult_value_get(out, MULT_VALUE_MAX, &len, f.sp, f.c,
		    huge, "k"), 0);
		cr_assert_eq(len, MULT_VALUE_MAX);
		cr_assert_eq(memcmp(out, big, MULT_VALUE_MAX), 0);
		free(out);
	}
	h_verify(f.sp);
	free(big);
	mult_space_destroy(f.sp);
}

Test(value, keys_max)
{
	struct fix f;
	char key[16];
	int i;

	fix_init(&f);
	for (i = 0; i < MULT_KEYS_MAX; i++) {
		snprintf(key, sizeof key, "key%d", i);
		h_set(f.sp, f.c, f.uts, key, key);
	}
	cr_assert_eq(mult_value_set(f.sp, f.c, f.uts, "one-more", "x", 1),
	    MULT_E2BIG);
	cr_assert_eq(h_get_rc(f.sp, f.c, f.uts, "one-more"), MULT_ENOENT);
	/* replacing a key adds none */
	h_set(f.sp, f.c, f.uts, "key7", "replaced");
	h_get_is(f.sp, f.c, f.uts, "key7", "replaced");
	/* the limit is per instance */
	h_set(f.sp, MULT_HOST, f.uts, "one-more", "x");
	/* and a key freed makes room */
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, "key0"), 0);
	h_set(f.sp, f.c, f.uts, "one-more", "y");
	for (i = 1; i < MULT_KEYS_MAX; i++) {
		snprintf(key, sizeof key, "key%d", i);
		h_get_is(f.sp, f.c, f.uts, key, i == 7 ? "replaced" : key);
	}
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, instances_are_isolated)
{
	struct fix f;
	uint64_t d;

	fix_init(&f);
	d = h_inst(f.sp, MULT_HOST, "d", 0);
	h_set(f.sp, MULT_HOST, f.uts, "hostname", "host");
	h_set(f.sp, f.c, f.uts, "hostname", "c");
	h_set(f.sp, d, f.uts, "hostname", "d");
	h_get_is(f.sp, MULT_HOST, f.uts, "hostname", "host");
	h_get_is(f.sp, f.c, f.uts, "hostname", "c");
	h_get_is(f.sp, d, f.uts, "hostname", "d");
	/* the same key in another domain is another value */
	cr_assert_eq(h_get_rc(f.sp, f.c, f.inh, "hostname"), MULT_ENOENT);
	cr_assert_eq(mult_instance_destroy(f.sp, d), 0);
	cr_assert_eq(h_get_rc(f.sp, d, f.uts, "hostname"), MULT_ESTALE);
	h_get_is(f.sp, f.c, f.uts, "hostname", "c");
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, without_inherit_new_instances_start_empty)
{
	struct fix f;
	uint64_t g;

	fix_init(&f);
	h_set(f.sp, MULT_HOST, f.uts, "hostname", "host");
	h_set(f.sp, f.c, f.uts, "hostname", "c");
	g = h_inst(f.sp, f.c, "g", 0);
	cr_assert_eq(h_get_rc(f.sp, g, f.uts, "hostname"), MULT_ENOENT);
	cr_assert_eq(h_get_rc(f.sp, h_inst(f.sp, MULT_HOST, NULL, 0), f.uts,
	    "hostname"), MULT_ENOENT);
	mult_space_destroy(f.sp);
}

Test(value, inherit_copies_at_creation)
{
	struct fix f;
	uint64_t a, g, early;

	fix_init(&f);
	early = h_inst(f.sp, MULT_HOST, "early", 0);
	h_set(f.sp, MULT_HOST, f.inh, "hostname", "host");
	h_set(f.sp, MULT_HOST, f.inh, "root", "/");
	a = h_inst(f.sp, MULT_HOST, "a", 0);
	h_get_is(f.sp, a, f.inh, "hostname", "host");
	h_get_is(f.sp, a, f.inh, "root", "/");
	/* created before the parent set anything: nothing */
	cr_assert_eq(h_get_rc(f.sp, early, f.inh, "hostname"), MULT_ENOENT);
	cr_assert_eq(h_get_rc(f.sp, f.c, f.inh, "hostname"), MULT_ENOENT);
	/* later changes of the parent do not propagate */
	h_set(f.sp, MULT_HOST, f.inh, "hostname", "renamed");
	h_set(f.sp, MULT_HOST, f.inh, "new", "x");
	cr_assert_eq(mult_value_unset(f.sp, MULT_HOST, f.inh, "root"), 0);
	h_get_is(f.sp, a, f.inh, "hostname", "host");
	h_get_is(f.sp, a, f.inh, "root", "/");
	cr_assert_eq(h_get_rc(f.sp, a, f.inh, "new"), MULT_ENOENT);
	/* nor do the child's */
	h_set(f.sp, a, f.inh, "hostname", "a");
	h_get_is(f.sp, MULT_HOST, f.inh, "hostname", "renamed");
	cr_assert_eq(mult_value_unset(f.sp, a, f.inh, "root"), 0);
	cr_assert_eq(h_get_rc(f.sp, MULT_HOST, f.inh, "root"), MULT_ENOENT);
	/* a grandchild copies its own parent, as it is at creation */
	h_set(f.sp, a, f.inh, "only-a", "1");
	g = h_inst(f.sp, a, "g", 0);
	h_get_is(f.sp, g, f.inh, "hostname", "a");
	h_get_is(f.sp, g, f.inh, "only-a", "1");
	cr_assert_eq(h_get_rc(f.sp, g, f.inh, "root"), MULT_ENOENT);
	cr_assert_eq(h_get_rc(f.sp, g, f.inh, "new"), MULT_ENOENT);
	/* the non-inheriting domain of the same space stays empty */
	h_set(f.sp, a, f.uts, "hostname", "a");
	cr_assert_eq(h_get_rc(f.sp, h_inst(f.sp, a, NULL, 0), f.uts,
	    "hostname"), MULT_ENOENT);
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, inherit_a_full_table)
{
	struct fix f;
	char key[16];
	uint64_t a;
	int i;

	fix_init(&f);
	for (i = 0; i < MULT_KEYS_MAX; i++) {
		snprintf(key, sizeof key, "key%d", i);
		h_set(f.sp, f.c, f.inh, key, key);
	}
	a = h_inst(f.sp, f.c, "a", 0);
	for (i = 0; i < MULT_KEYS_MAX; i++) {
		snprintf(key, sizeof key, "key%d", i);
		h_get_is(f.sp, a, f.inh, key, key);
	}
	cr_assert_eq(mult_value_set(f.sp, a, f.inh, "x", "x", 1), MULT_E2BIG);
	h_set(f.sp, a, f.inh, "key3", "three");
	h_get_is(f.sp, f.c, f.inh, "key3", "key3");
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, unset)
{
	struct fix f;

	fix_init(&f);
	h_set(f.sp, f.c, f.uts, "a", "1");
	h_set(f.sp, f.c, f.uts, "b", "2");
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, "a"), 0);
	cr_assert_eq(h_get_rc(f.sp, f.c, f.uts, "a"), MULT_ENOENT);
	h_get_is(f.sp, f.c, f.uts, "b", "2");
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, "a"), MULT_ENOENT);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, "never"), MULT_ENOENT);
	cr_assert_eq(mult_value_unset(f.sp, MULT_HOST, f.uts, "b"), MULT_ENOENT);
	h_get_is(f.sp, f.c, f.uts, "b", "2");
	/* set again after unset */
	h_set(f.sp, f.c, f.uts, "a", "again");
	h_get_is(f.sp, f.c, f.uts, "a", "again");
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

/* The table of c's values in dom, and key's entry in it (NULL: none). */
static const struct mult__vtab *
vtab_of(struct mult_space *sp, uint64_t c, uint32_t dom, const char *key,
    const struct mult__vent **e)
{
	int err;
	const struct mult__inst *in = mult__inst_get(sp, c, &err);
	const struct mult__vtab *t;
	uint32_t i;

	cr_assert_not_null(in);
	cr_assert_not_null(mult__ds_get(in, dom));
	t = mult__ds_get(in, dom)->vals;
	*e = NULL;
	for (i = 0; t != NULL && i <= t->mask; i++)
		if (t->s[i].hash != 0 && t->s[i].e->klen == strlen(key) &&
		    memcmp(t->s[i].e->kv, key, strlen(key)) == 0)
			*e = t->s[i].e;
	return t;
}

/*
 * A set of a key the table has swaps that key's entry and writes nothing
 * a reader of another key reads; a new key or an unset makes a new table
 * of the same entries.
 */
Test(value, a_set_writes_its_key_alone)
{
	const struct mult__vtab *t, *t2;
	const struct mult__vent *a, *b, *a2, *b2, *x;
	struct fix f;

	fix_init(&f);
	h_set(f.sp, f.c, f.uts, "a", "1");
	h_set(f.sp, f.c, f.uts, "b", "2");
	t = vtab_of(f.sp, f.c, f.uts, "a", &a);
	(void)vtab_of(f.sp, f.c, f.uts, "b", &b);
	cr_assert(a != NULL && b != NULL);

	h_set(f.sp, f.c, f.uts, "a", "longer than it was");
	t2 = vtab_of(f.sp, f.c, f.uts, "a", &a2);
	(void)vtab_of(f.sp, f.c, f.uts, "b", &b2);
	cr_assert_eq(t2, t, "a set of a present key replaced the table");
	cr_assert_neq(a2, a, "the entry was written in place");
	cr_assert_eq(b2, b, "another key's entry changed");
	h_get_is(f.sp, f.c, f.uts, "a", "longer than it was");
	h_get_is(f.sp, f.c, f.uts, "b", "2");
	h_verify(f.sp);

	h_set(f.sp, f.c, f.uts, "c", "3");
	t = vtab_of(f.sp, f.c, f.uts, "b", &b2);
	(void)vtab_of(f.sp, f.c, f.uts, "c", &x);
	cr_assert_neq(t, t2, "a new key went into a published table");
	cr_assert_eq(b2, b, "a new key copied the others' entries");
	cr_assert_not_null(x);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, "a"), 0);
	t2 = vtab_of(f.sp, f.c, f.uts, "b", &b2);
	cr_assert_neq(t2, t, "an unset changed a published table");
	cr_assert_eq(b2, b, "an unset copied the others' entries");
	cr_assert_eq(h_get_rc(f.sp, f.c, f.uts, "a"), MULT_ENOENT);
	h_get_is(f.sp, f.c, f.uts, "b", "2");
	h_get_is(f.sp, f.c, f.uts, "c", "3");
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, set_errors_change_nothing)
{
	struct fix f;
	char key[MULT_NAME_MAX + 2];
	char val[MULT_VALUE_DEFAULT + 2];
	uint64_t st;

	fix_init(&f);
	st = h_stale(f.sp);
	h_set(f.sp, f.c, f.uts, "k", "old");
	h_str(val, MULT_VALUE_DEFAULT + 1, 'v');
	h_str(key, MULT_NAME_MAX + 1, 'k');

#define SET_FAILS(want, inst, dom, k, v, l)                                   \
	do {                                                                  \
		int rc_ = mult_value_set(f.sp, inst, dom, k, v, l);           \
		cr_assert_eq(rc_, want, "set(%s, %s, %s, %s, %s): %d, want %s", \
		    #inst, #dom, #k, #v, #l, rc_, #want);                     \
		h_get_is(f.sp, f.c, f.uts, "k", "old");                       \
		h_verify(f.sp);                                               \
	} while (0)

	cr_assert_eq(mult_value_set(NULL, f.c, f.uts, "k", "new", 3),
	    MULT_EINVAL);
	SET_FAILS(MULT_EINVAL, f.c, f.uts, NULL, "new", 3);
	SET_FAILS(MULT_EINVAL, f.c, f.uts, "", "new", 3);
	SET_FAILS(MULT_EINVAL, f.c, f.uts, "k", NULL, 3);
	SET_FAILS(MULT_EINVAL, f.c, H_BAD_DOM, "k", "new", 3);
	SET_FAILS(MULT_EKIND, f.c, f.uid, "k", "new", 3);
	SET_FAILS(MULT_EKIND, f.c, f.pid, "k", "new", 3);
	SET_FAILS(MULT_EKIND, f.c, f.cpu, "k", "new", 3);
	SET_FAILS(MULT_ENOENT, H_NEVER_ID, f.uts, "k", "new", 3);
	SET_FAILS(MULT_ESTALE, st, f.uts, "k", "new", 3);
	SET_FAILS(MULT_E2BIG, f.c, f.uts, key, "new", 3);
	SET_FAILS(MULT_E2BIG, f.c, f.uts, "k", val, MULT_VALUE_DEFAULT + 1);
#undef SET_FAILS
	mult_space_destroy(f.sp);
}

Test(value, get_unset_errors)
{
	struct fix f;
	char buf[8];
	size_t len = 0;
	uint64_t st;

	fix_init(&f);
	st = h_stale(f.sp);
	h_set(f.sp, f.c, f.uts, "k", "v");

	cr_assert_eq(mult_value_get(buf, 8, NULL, f.sp, f.c, f.uts, "k"),
	    MULT_EINVAL);
	cr_assert_eq(mult_value_get(buf, 8, &len, NULL, f.c, f.uts, "k"),
	    MULT_EINVAL);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, f.uts, NULL),
	    MULT_EINVAL);
	cr_assert_eq(mult_value_get(NULL, 8, &len, f.sp, f.c, f.uts, "k"),
	    MULT_EINVAL);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, H_BAD_DOM, "k"),
	    MULT_EINVAL);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, f.uid, "k"),
	    MULT_EKIND);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, f.pid, "k"),
	    MULT_EKIND);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, f.cpu, "k"),
	    MULT_EKIND);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, st, f.uts, "k"),
	    MULT_ESTALE);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, H_NEVER_ID, f.uts, "k"),
	    MULT_ENOENT);
	cr_assert_eq(mult_value_get(buf, 8, &len, f.sp, f.c, f.uts, "nokey"),
	    MULT_ENOENT);

	cr_assert_eq(mult_value_unset(NULL, f.c, f.uts, "k"), MULT_EINVAL);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uts, NULL), MULT_EINVAL);
	cr_assert_eq(mult_value_unset(f.sp, f.c, H_BAD_DOM, "k"), MULT_EINVAL);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.uid, "k"), MULT_EKIND);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.pid, "k"), MULT_EKIND);
	cr_assert_eq(mult_value_unset(f.sp, f.c, f.cpu, "k"), MULT_EKIND);
	cr_assert_eq(mult_value_unset(f.sp, st, f.uts, "k"), MULT_ESTALE);
	cr_assert_eq(mult_value_unset(f.sp, H_NEVER_ID, f.uts, "k"),
	    MULT_ENOENT);
	h_get_is(f.sp, f.c, f.uts, "k", "v");
	h_verify(f.sp);
	mult_space_destroy(f.sp);
}

Test(value, enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	uint32_t uts = h_value_dom(sp, "uts", 0, 0);
	uint64_t c = h_inst(sp, MULT_HOST, "c", 0);
	char key[16];
	int i;

	h_set(sp, c, uts, "hostname", "old");
	/* a new key */
	H_FAULT_LOOP(&fa, sp, mult_value_set(sp, c, uts, "domain", "ex", 2),
	    do {
		    cr_assert_eq(h_get_rc(sp, c, uts, "domain"), MULT_ENOENT);
		    h_get_is(sp, c, uts, "hostname", "old");
	    } while (0));
	h_get_is(sp, c, uts, "domain", "ex");
	/* replacing a value */
	H_FAULT_LOOP(&fa, sp, mult_value_set(sp, c, uts, "hostname", "new", 3),
	    h_get_is(sp, c, uts, "hostname", "old"));
	h_get_is(sp, c, uts, "hostname", "new");
	/* growing the table */
	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "k%d", i);
		H_FAULT_LOOP(&fa, sp, mult_value_set(sp, c, uts, key, key,
		    strlen(key)),
		    cr_assert_eq(h_get_rc(sp, c, uts, key), MULT_ENOENT));
		h_get_is(sp, c, uts, key, key);
	}
	/* removing */
	H_FAULT_LOOP(&fa, sp, mult_value_unset(sp, c, uts, "domain"),
	    h_get_is(sp, c, uts, "domain", "ex"));
	cr_assert_eq(h_get_rc(sp, c, uts, "domain"), MULT_ENOENT);
	h_get_is(sp, c, uts, "hostname", "new");
	/* reads need no memory */
	h_fa_arm(&fa, 0);
	h_get_is(sp, c, uts, "k39", "k39");
	h_fa_arm(&fa, -1);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}
