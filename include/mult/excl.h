/**
 * @file
 * libmult: exclusive domains: every unit is owned by exactly one instance.
 * Units are assigned with mult_allot_grant() and given back with
 * mult_allot_revoke(); the host owns every unit not granted away.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_EXCL_H
#define MULT_EXCL_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The instance that owns @p unit: the deepest instance whose allotment
 * holds it. Lock-free, O(log n).
 *
 * @param inst  receives the owner's id.
 * @param sp    the space.
 * @param dom   an exclusive domain.
 * @param unit  the unit.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ERANGE (outside the
 *         co-domain).
 */
MULT_API int mult_excl_owner(uint64_t *inst, struct mult_space *sp,
    uint32_t dom, uint64_t unit);

#ifdef __cplusplus
}
#endif

#endif /* MULT_EXCL_H */
