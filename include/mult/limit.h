/**
 * @file
 * libmult: hard limits and reservations, charged hierarchically (I7).
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_LIMIT_H
#define MULT_LIMIT_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** No limit. */
#define MULT_UNLIMITED (~(uint64_t)0)

/**
 * What an instance uses of a domain, and its limit. The unit is the
 * domain's: objects for numbered domains, resources (units) of the
 * allotment for range and exclusive domains, value bytes for value
 * domains.
 */
struct mult_usage {
	uint64_t usage;      /**< now: own use plus every descendant's */
	uint64_t peak;       /**< the highest usage seen */
	uint64_t limit;      /**< #MULT_UNLIMITED, or the most usage may reach */
	uint64_t reserve;    /**< guaranteed to this instance within its parent */
	uint64_t refusals;   /**< charges this instance's limit has refused */
	uint64_t refused_by; /**< the instance whose limit refused the last
	                          charge refused here, or 0 */
};

/**
 * Cap what @p inst and its descendants together may use of @p dom.
 *
 * A charge (a numbered allocation, a value set, a grant) succeeds only if,
 * at the instance and at every ancestor, own use plus what each child holds
 * stays within the limit, where a child holds the larger of its reservation
 * and its own such total. Otherwise it fails with #MULT_EQUOTA, charges
 * nothing anywhere, and counts a refusal at the instance whose limit
 * refused. In a numbered domain the host's identities are the last bound:
 * an allocation that finds them all in use fails with #MULT_ENOSPC, one
 * that would take identities others have reserved with #MULT_EQUOTA.
 *
 * A limit below what is already used or held is refused (#MULT_EBUSY):
 * usage never exceeds a limit (I7). Raise it, or free first.
 *
 * @param sp     the space.
 * @param inst   the instance (the host only for numbered and value
 *               domains, whose use has no other bound).
 * @param dom    the domain.
 * @param limit  the cap, or #MULT_UNLIMITED.
 * @return 0; #MULT_EINVAL; #MULT_ENOENT or #MULT_ESTALE; #MULT_EPERM (the
 *         host, in a range or exclusive domain); #MULT_EBUSY (below current
 *         use or reservations held); #MULT_ENOMEM.
 */
MULT_API int mult_limit_set(struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t limit);

/**
 * Guarantee @p inst @p reserve units of @p dom within its parent: its
 * siblings can never take them, even when the parent is otherwise full.
 * The reservation is held against the parent (and so against every
 * ancestor) whether used or not, so it must fit now.
 *
 * @param sp       the space.
 * @param inst     the instance (not the host).
 * @param dom      the domain.
 * @param reserve  the units guaranteed, 0 for none.
 * @return 0; #MULT_EINVAL (also: a shared domain, where nothing is
 *         exclusively anyone's to promise); #MULT_ENOENT or #MULT_ESTALE;
 *         #MULT_EPERM (the host); #MULT_EQUOTA (an ancestor's limit, or the
 *         parent's allotment, can't back it); #MULT_ENOMEM.
 */
MULT_API int mult_limit_reserve(struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t reserve);

/**
 * Read @p inst's usage of @p dom. Lock-free. Each field is read atomically;
 * the fields together are not one snapshot while writers run.
 *
 * @param out   receives the usage.
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   the domain.
 * @return 0; #MULT_EINVAL; #MULT_ENOENT or #MULT_ESTALE.
 */
MULT_API int mult_limit_get(struct mult_usage *out, struct mult_space *sp,
    uint64_t inst, uint32_t dom);

#ifdef __cplusplus
}
#endif

#endif /* MULT_LIMIT_H */
