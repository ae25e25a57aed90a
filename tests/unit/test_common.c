/*
 * libmult unit tests: common.h: error values, mult_strerror, mult_version.
 * SPDX-License-Identifier: ISC
 */
#include <limits.h>

#include <criterion/criterion.h>

#include "helpers.h"

static const int all_codes[] = {
	MULT_OK, MULT_EINVAL, MULT_ENOMEM, MULT_EEXIST, MULT_ENOENT,
	MULT_EOVERLAP, MULT_ERANGE, MULT_EQUOTA, MULT_EBUSY, MULT_ESTALE,
	MULT_EKIND, MULT_ENOSPC, MULT_E2BIG, MULT_ECORRUPT, MULT_EPERM,
};
#define NCODES (sizeof all_codes / sizeof all_codes[0])

Test(common, error_values_are_pinned)
{
	cr_assert_eq(MULT_OK, 0);
	cr_assert_eq(MULT_EINVAL, -1);
	cr_assert_eq(MULT_ENOMEM, -2);
	cr_assert_eq(MULT_EEXIST, -3);
	cr_assert_eq(MULT_ENOENT, -4);
	cr_assert_eq(MULT_EOVERLAP, -5);
	cr_assert_eq(MULT_ERANGE, -6);
	cr_assert_eq(MULT_EQUOTA, -7);
	cr_assert_eq(MULT_EBUSY, -8);
	cr_assert_eq(MULT_ESTALE, -9);
	cr_assert_eq(MULT_EKIND, -10);
	cr_assert_eq(MULT_ENOSPC, -11);
	cr_assert_eq(MULT_E2BIG, -12);
	cr_assert_eq(MULT_ECORRUPT, -13);
	cr_assert_eq(MULT_EPERM, -14);
}

Test(common, other_pinned_constants)
{
	cr_assert_eq(MULT_HOST, (uint64_t)1);
	cr_assert_eq(MULT_NAME_MAX, 63);
	cr_assert_eq(MULT_EXTENTS_MAX, 340);
	cr_assert_eq(MULT_DOMAIN_MAX, 256);
	cr_assert_eq(MULT_VALUE_MAX, 65536);
	cr_assert_eq(MULT_VALUE_DEFAULT, 256);
	cr_assert_eq(MULT_KEYS_MAX, 64);
	cr_assert_eq(MULT_KIND_RANGE, 1);
	cr_assert_eq(MULT_KIND_NUMBERED, 2);
	cr_assert_eq(MULT_KIND_VALUE, 3);
	cr_assert_eq(MULT_KIND_EXCLUSIVE, 4);
	cr_assert_eq(MULT_DOMAIN_SHARED, 0x1u);
	cr_assert_eq(MULT_DOMAIN_INHERIT, 0x2u);
	cr_assert_eq(MULT_INSTANCE_FEDERATED, 0x1u);
}

Test(common, strerror_every_code_is_described)
{
	size_t i;

	for (i = 0; i < NCODES; i++) {
		const char *s = mult_strerror(all_codes[i]);

		cr_assert_not_null(s, "code %d", all_codes[i]);
		cr_assert_gt(strlen(s), 0, "code %d", all_codes[i]);
		cr_assert_str_neq(s, "unknown error", "code %d is a known code",
		    all_codes[i]);
		/* stable: the same static text each time */
		cr_assert_str_eq(s, mult_strerror(all_codes[i]));
	}
}

Test(common, strerror_texts_are_distinct)
{
	size_t i, j;

	for (i = 0; i < NCODES; i++)
		for (j = i + 1; j < NCODES; j++)
			cr_assert_str_neq(mult_strerror(all_codes[i]),
			    mult_strerror(all_codes[j]), "codes %d and %d",
			    all_codes[i], all_codes[j]);
}

Test(common, strerror_unknown_codes)
{
	static const int unknown[] = {
		-15, -16, -100, -1000, 1, 2, 14, 100, INT_MIN, INT_MAX,
		INT_MIN + 1,
	};
	size_t i;

	for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		const char *s = mult_strerror(unknown[i]);

		cr_assert_not_null(s, "code %d", unknown[i]);
		cr_assert_str_eq(s, "unknown error", "code %d", unknown[i]);
	}
}

Test(common, version)
{
	uint32_t v = mult_version();

	cr_assert_eq(v, ((uint32_t)MULT_VERSION_MAJOR << 16) |
	    ((uint32_t)MULT_VERSION_MINOR << 8) | (uint32_t)MULT_VERSION_PATCH,
	    "mult_version() = 0x%06x", (unsigned)v);
	cr_assert_eq(v >> 16, (uint32_t)MULT_VERSION_MAJOR);
	cr_assert_eq((v >> 8) & 0xff, (uint32_t)MULT_VERSION_MINOR);
	cr_assert_eq(v & 0xff, (uint32_t)MULT_VERSION_PATCH);
	cr_assert_lt(MULT_VERSION_MINOR, 256);
	cr_assert_lt(MULT_VERSION_PATCH, 256);
}
