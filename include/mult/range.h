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
 * Translate @p n identities of @p inst to resources, in one read section.
 *
 * The batch form of mult_range_down(), for a caller with many identities
 * at hand (a list of supplementary groups, the owners of a directory's
 * files): the read section and the resolution of @p inst and @p dom are
 * paid once, and the searches, independent of each other, overlap in the
 * CPU. Like Linux's from_kuid_munged(), an identity without a mapping
 * gets @p miss (the overflow id, 65534, say); @p found tells how many had
 * one, which also tells a real @p miss from a substitute. Each answer is
 * one mult_range_down() would have given at some moment of the call.
 * Lock-free.
 *
 * @param res    receives @p n resources: res[i] for ids[i], or @p miss;
 *               it may be @p ids itself, to translate in place.
 * @param found  if not NULL, receives how many identities were mapped.
 * @param sp     the space.
 * @param inst   the instance whose identities they are.
 * @param dom    a range domain.
 * @param ids    @p n identities; any value.
 * @param n      how many; 0 only checks @p inst and @p dom.
 * @param miss   what an unmapped identity translates to.
 * @return 0, also when some or all identities are unmapped;
 *         #MULT_EINVAL (@p res or @p ids NULL with @p n > 0, no such
 *         domain); #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (no such
 *         instance). On error @p res and @p found are not written.
 */
MULT_API int mult_range_down_many(uint64_t *res, size_t *found,
    struct mult_space *sp, uint64_t inst, uint32_t dom, const uint64_t *ids,
    size_t n, uint64_t miss);

/**
 * Translate @p n resources to the identities @p viewer sees, in one read
 * section: the batch form of mult_range_up(), as mult_range_down_many()
 * is of mult_range_down(). A resource invisible to @p viewer gets
 * @p miss. Lock-free.
 *
 * @param ids     receives @p n identities: ids[i] for res[i], or @p miss;
 *                it may be @p res itself, to translate in place.
 * @param found   if not NULL, receives how many resources were visible.
 * @param sp      the space.
 * @param viewer  the instance looking.
 * @param dom     a range domain.
 * @param res     @p n resources; any value.
 * @param n       how many; 0 only checks @p viewer and @p dom.
 * @param miss    what an invisible resource translates to.
 * @return 0, also when some or all resources are invisible;
 *         #MULT_EINVAL (@p ids or @p res NULL with @p n > 0, no such
 *         domain); #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (no such
 *         instance). On error @p ids and @p found are not written.
 */
MULT_API int mult_range_up_many(uint64_t *ids, size_t *found,
    struct mult_space *sp, uint64_t viewer, uint32_t dom, const uint64_t *res,
    size_t n, uint64_t miss);

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
