/*
 * A program that uses an installed libmult, found with find_package(mult)
 * or pkg-config: the headers compile, the library links and runs.
 * SPDX-License-Identifier: ISC
 */
#include <mult.h>
#include <stdio.h>

int
main(void)
{
	struct mult_space *sp = NULL;
	uint32_t want = ((uint32_t)MULT_VERSION_MAJOR << 16) |
	    ((uint32_t)MULT_VERSION_MINOR << 8) | (uint32_t)MULT_VERSION_PATCH;
	int err;

	if (mult_version() != want) {
		fprintf(stderr, "consumer: version %#x, headers say %#x\n",
		    (unsigned)mult_version(), (unsigned)want);
		return 1;
	}
	err = mult_space_create(&sp, NULL);
	if (err != 0) {
		fprintf(stderr, "consumer: mult_space_create: %s\n",
		    mult_strerror(err));
		return 1;
	}
	mult_space_destroy(sp);
	printf("consumer: libmult %#x ok\n", (unsigned)want);
	return 0;
}
