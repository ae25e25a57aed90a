/**
 * @file
 * libmult: the verifier of invariants I1-I8.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_VERIFY_H
#define MULT_VERIFY_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The first violation mult_verify() found. */
struct mult_violation {
	int invariant;   /**< 1 to 8: which of I1-I8 */
	uint32_t dom;    /**< the domain concerned, or UINT32_MAX */
	uint64_t inst;   /**< the instance concerned, or 0 */
	uint64_t other;  /**< a second instance, or 0 */
	uint64_t a;      /**< a value that shows it (a resource, an identity) */
	uint64_t b;      /**< a second value, or 0 */
	char what[96];   /**< a short English description, NUL-terminated */
};

/**
 * Check every invariant of the model over the whole space: I1 disjoint
 * allotments, I2 nesting, I3 bijective extents, I4 confinement, I5 no wrap,
 * I6 visibility, I7 accounting, and I8 atomicity as far as a snapshot can
 * show it: every structure a reader can reach is complete and agrees with
 * the others (tree, id and name tables, owner indexes, counts). Takes the
 * writer lock; readers go on. Allocates nothing.
 *
 * @param out  receives the first violation (may be NULL).
 * @param sp   the space.
 * @return 0, #MULT_EINVAL (NULL @p sp) or #MULT_ECORRUPT.
 */
MULT_API int mult_verify(struct mult_violation *out, struct mult_space *sp);

#ifdef __cplusplus
}
#endif

#endif /* MULT_VERIFY_H */
