/**
 * @file
 * libmult: allotments, the part of a range or exclusive domain's co-domain
 * that an instance owns. Allotments are written in host resources.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_ALLOT_H
#define MULT_ALLOT_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An interval of resources [first, first + count). */
struct mult_interval {
	uint64_t first; /**< first resource */
	uint64_t count; /**< number of resources, at least 1 */
};

/**
 * Grant @p inst the resources [@p first, @p first + @p count) of a range or
 * exclusive domain. They must lie in the parent's allotment (I2) and, unless
 * the domain is shared, in no sibling's allotment (I1). For an exclusive
 * domain this assigns the units: mult_excl_owner() reports @p inst.
 *
 * @param sp     the space.
 * @param inst   the receiving instance (not the host, which owns everything).
 * @param dom    a range or exclusive domain.
 * @param first  first resource.
 * @param count  number of resources.
 * @return 0; #MULT_EINVAL (NULL @p sp, bad domain index, @p count 0);
 *         #MULT_EKIND; #MULT_EPERM (the host); #MULT_ENOENT or #MULT_ESTALE;
 *         #MULT_ERANGE (wraps, outside the co-domain or the parent's
 *         allotment); #MULT_EOVERLAP (held by a sibling or already by
 *         @p inst); #MULT_EBUSY (a shared domain: @p inst has no grant of
 *         its own yet and it, or an instance below it, maps or holds
 *         something under its ancestor's allotment, which the grant
 *         would take away); #MULT_EQUOTA; #MULT_ENOMEM.
 */
MULT_API int mult_allot_grant(struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t first, uint64_t count);

/**
 * Give back [@p first, @p first + @p count) of @p inst's allotment to its
 * parent. Refused while any of it is mapped by @p inst or granted on to a
 * child of @p inst, or if what is left would not back the reservations of
 * @p inst's children.
 *
 * @param sp     the space.
 * @param inst   the instance.
 * @param dom    a range or exclusive domain.
 * @param first  first resource.
 * @param count  number of resources.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_EPERM (the host);
 *         #MULT_ENOENT or #MULT_ESTALE; #MULT_ERANGE (not all held by
 *         @p inst); #MULT_EBUSY (mapped, granted on, or reserved by a
 *         child); #MULT_ENOMEM.
 */
MULT_API int mult_allot_revoke(struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t first, uint64_t count);

/**
 * Copy out an instance's allotment, sorted, adjacent intervals merged.
 * Lock-free. The host's allotment is the whole co-domain. In a shared domain
 * an instance with no grant of its own uses its parent's allotment; this
 * reports only its own grants.
 *
 * @param out   receives up to @p cap intervals (may be NULL if @p cap is 0).
 * @param cap   room in @p out.
 * @param n     receives the number of intervals, even when @p cap is short.
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a range or exclusive domain.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ENOENT or #MULT_ESTALE;
 *         #MULT_ERANGE (@p cap too small; @p n says how many are needed).
 */
MULT_API int mult_allot_get(struct mult_interval *out, size_t cap, size_t *n,
    struct mult_space *sp, uint64_t inst, uint32_t dom);

#ifdef __cplusplus
}
#endif

#endif /* MULT_ALLOT_H */
