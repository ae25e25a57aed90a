/**
 * @file
 * libmult: range domains, with Linux user-namespace map semantics.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_RANGE_H
#define MULT_RANGE_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most extents in one map (as Linux's uid_map). */
#define MULT_EXTENTS_MAX 340

/**
 * Identities [first, first + count) map to [lower, lower + count) of the
 * parent's view: a line "first lower count" of a Linux uid_map.
 */
struct mult_extent {
	uint64_t first; /**< first identity, as the instance sees it */
	uint64_t lower; /**< first identity in the parent's view */
	uint64_t count; /**< length, at least 1 */
};

/**
 * Write @p inst's map, once. Lower identities are in the parent's view
 * (the host's view is the resource itself); each extent's lower range must
 * lie inside one extent of the parent's map. The map is stored flattened to
 * resources, so lookups cost the same at any depth. Every resource must lie
 * in @p inst's allotment (its parent's, in a shared domain without a grant).
 *
 * @param sp    the space.
 * @param inst  the instance (not the host, whose map is the identity).
 * @param dom   a range domain.
 * @param ext   the extents, in any order.
 * @param n     how many, 1 to #MULT_EXTENTS_MAX.
 * @return 0; #MULT_EINVAL (NULL argument, @p n 0, a count of 0);
 *         #MULT_E2BIG (@p n too large); #MULT_EKIND; #MULT_EPERM (the
 *         host); #MULT_ENOENT or #MULT_ESTALE; #MULT_EEXIST (already
 *         written); #MULT_ERANGE (wraps; identities or resources outside
 *         the co-domain; lower ids outside the parent's map; resources
 *         outside the allotment); #MULT_EOVERLAP (identity ranges or lower
 *         ranges overlap); #MULT_ENOMEM.
 */
MULT_API int mult_range_map(struct mult_space *sp, uint64_t inst,
    uint32_t dom, const struct mult_extent *ext, size_t n);

/**
 * Translate an identity of @p inst to the resource. Lock-free, O(log n).
 *
 * @param res   receives the resource.
 * @param sp    the space.
 * @param inst  the instance whose identity it is.
 * @param dom   a range domain.
 * @param id    the identity.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (not
 *         mapped, or no such instance).
 */
MULT_API int mult_range_down(uint64_t *res, struct mult_space *sp,
    uint64_t inst, uint32_t dom, uint64_t id);

/**
 * Translate a resource to the identity @p viewer sees. Lock-free, O(log n).
 *
 * @param id      receives the identity.
 * @param sp      the space.
 * @param viewer  the instance looking.
 * @param dom     a range domain.
 * @param res     the resource.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (not in
 *         the viewer's map: invisible, or no such instance).
 */
MULT_API int mult_range_up(uint64_t *id, struct mult_space *sp,
    uint64_t viewer, uint32_t dom, uint64_t res);

/**
 * Copy out @p inst's map as it was written (lower ids in the parent's view),
 * sorted by first identity. Lock-free.
 *
 * @param out   receives up to @p cap extents (may be NULL if @p cap is 0).
 * @param cap   room in @p out.
 * @param n     receives the number of extents (0 if none was written).
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a range domain.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ENOENT or #MULT_ESTALE;
 *         #MULT_ERANGE (@p cap too small).
 */
MULT_API int mult_range_get(struct mult_extent *out, size_t cap, size_t *n,
    struct mult_space *sp, uint64_t inst, uint32_t dom);

#ifdef __cplusplus
}
#endif

#endif /* MULT_RANGE_H */
