/*
 * libmult tests: a canonical dump of a whole space.
 *
 * The dump is a deterministic byte string (text, one record a line) of
 * everything a reader of the space can observe and everything that decides
 * what later writes will do: domains, instances in tree pre-order, their
 * allotments, maps, numbered objects and cursors, values, accounting, the
 * owner indexes and the ids the slot table has issued. It leaves out what
 * a failed write may legitimately change or what is invisible capacity:
 * refusal counters, hash-table and radix-tree shapes, the free-slot list
 * order, whether a per-(instance, domain) state exists or is still empty.
 *
 * Two dumps of equal spaces compare equal with memcmp(); dump_diff() shows
 * the first line that differs. Test-side only: it reads src/core internals.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_TEST_DUMP_H
#define MULT_TEST_DUMP_H

#include <stddef.h>
#include <stdio.h>

#include <mult.h>

struct dump {
	char *p;        /* the bytes; NUL-terminated for printing */
	size_t len;     /* without the NUL */
	size_t cap;
	int oom;        /* the dump's own malloc failed: the dump is unusable */
};

/*
 * Dump @p sp into @p d (whose previous contents are dropped). Takes the
 * space's writer lock, so it sees one state. Returns 0, or -1 if malloc
 * failed (d->oom is then set).
 */
int dump_space(struct dump *d, struct mult_space *sp);

/* Free the bytes of @p d; @p d may then be reused. */
void dump_free(struct dump *d);

/* 1 if the two dumps are byte-identical. */
int dump_equal(const struct dump *a, const struct dump *b);

/*
 * Print to @p f the first line where @p a and @p b differ, with a little
 * context, each prefixed by @p la and @p lb. Prints nothing if equal.
 */
void dump_diff(FILE *f, const struct dump *a, const char *la,
    const struct dump *b, const char *lb);

#endif /* MULT_TEST_DUMP_H */
