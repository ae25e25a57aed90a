/**
 * @file
 * libmult: numbered domains, pid-style: an object is numbered in the
 * instance that allocates it and in every ancestor.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_NUM_H
#define MULT_NUM_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A counted reference to an instance's state in a numbered domain. */
struct mult_num_ref;

/**
 * Number @p obj in @p inst and in every ancestor up to the host. Each level
 * picks its identity by cyclic next-fit over the co-domain, as pid
 * allocation does: the first object of an instance gets the domain's lowest
 * identity (pid 1).
 *
 * @param id    receives the identity in @p inst.
 * @param sp    the space.
 * @param inst  the allocating instance.
 * @param dom   a numbered domain.
 * @param obj   the caller's object (a pointer or key); not 0, unique in
 *              the domain.
 * @return 0; #MULT_EINVAL (NULL argument, @p obj 0); #MULT_EKIND;
 *         #MULT_ENOENT or #MULT_ESTALE; #MULT_EEXIST (@p obj already
 *         numbered); #MULT_ENOSPC (some level is full); #MULT_EQUOTA;
 *         #MULT_ENOMEM.
 */
MULT_API int mult_num_alloc(uint64_t *id, struct mult_space *sp,
    uint64_t inst, uint32_t dom, uint64_t obj);

/**
 * Remove @p obj, which @p inst allocated, from @p inst and every ancestor.
 *
 * @param sp    the space.
 * @param inst  the instance that allocated it.
 * @param dom   a numbered domain.
 * @param obj   the object.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (not
 *         allocated by @p inst).
 */
MULT_API int mult_num_free(struct mult_space *sp, uint64_t inst,
    uint32_t dom, uint64_t obj);

/**
 * The object that identity @p id names in @p inst. Lock-free, O(1).
 *
 * @param obj   receives the object.
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a numbered domain.
 * @param id    the identity.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT.
 */
MULT_API int mult_num_lookup(uint64_t *obj, struct mult_space *sp,
    uint64_t inst, uint32_t dom, uint64_t id);

/**
 * The objects that @p n identities name in @p inst, in one read section.
 *
 * The batch form of mult_num_lookup(), for a caller with many identities
 * at hand (a process table walk, a signal to a group): the read section
 * and the resolution of @p inst and @p dom are paid once, and the
 * lookups, independent of each other, overlap in the CPU. Each answer is
 * one mult_num_lookup() would have given at some moment of the call; the
 * batch is not a snapshot of all of them at one moment. Lock-free.
 *
 * @param objs   receives @p n objects: objs[i] for ids[i], 0 where none;
 *               it may be @p ids itself, to translate in place.
 * @param found  if not NULL, receives how many objs[] are not 0.
 * @param sp     the space.
 * @param inst   the instance.
 * @param dom    a numbered domain.
 * @param ids    @p n identities; any value, in or out of the domain.
 * @param n      how many; 0 only checks @p inst and @p dom.
 * @return 0, also when some or all identities name nothing;
 *         #MULT_EINVAL (@p objs or @p ids NULL with @p n > 0, no such
 *         domain); #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (no such
 *         instance). On error @p objs and @p found are not written.
 */
MULT_API int mult_num_lookup_many(uint64_t *objs, size_t *found,
    struct mult_space *sp, uint64_t inst, uint32_t dom, const uint64_t *ids,
    size_t n);

/**
 * A counted reference to @p inst's objects in @p dom, for a caller that
 * looks up many identities in one instance over time, as a kernel holds a
 * task's pid namespace: mult_num_ref_lookup() then skips finding the
 * instance and the domain on every call. The reference stays valid until
 * mult_num_ref_put(), also after @p inst is destroyed: from that destroy
 * on, lookups through it answer #MULT_ESTALE. The space's destroy frees
 * the references still held: none may be used or put after it. Takes the
 * space's writer lock.
 *
 * @param ref   receives the reference; untouched on error.
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a numbered domain.
 * @return 0; #MULT_EINVAL (NULL argument, no such domain); #MULT_EKIND;
 *         #MULT_ENOENT or #MULT_ESTALE (no such instance); #MULT_ENOMEM.
 */
MULT_API int mult_num_ref_get(struct mult_num_ref **ref,
    struct mult_space *sp, uint64_t inst, uint32_t dom);

/**
 * Drop a reference that mult_num_ref_get() gave. NULL is a no-op. Takes
 * the space's writer lock; no lookup through @p ref may follow.
 *
 * @param ref  the reference, or NULL.
 */
MULT_API void mult_num_ref_put(struct mult_num_ref *ref);

/**
 * mult_num_lookup() through a reference: the object that identity @p id
 * names in the reference's instance. Lock-free, O(1), and the same answer
 * mult_num_lookup() gives, with less to find.
 *
 * @param obj  receives the object.
 * @param ref  a reference from mult_num_ref_get().
 * @param id   the identity; any value, in or out of the domain.
 * @return 0; #MULT_EINVAL (NULL argument); #MULT_ENOENT; #MULT_ESTALE
 *         (the instance was destroyed).
 */
MULT_API int mult_num_ref_lookup(uint64_t *obj,
    const struct mult_num_ref *ref, uint64_t id);

/**
 * The identity @p viewer sees for @p obj. Lock-free, O(1). Only objects
 * allocated in the viewer or its descendants are visible: siblings,
 * federated peers and parents get #MULT_ENOENT, the same answer as for an
 * object that does not exist, so nothing leaks.
 *
 * @param id      receives the identity.
 * @param sp      the space.
 * @param viewer  the instance looking.
 * @param dom     a numbered domain.
 * @param obj     the object.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT.
 */
MULT_API int mult_num_number(uint64_t *id, struct mult_space *sp,
    uint64_t viewer, uint32_t dom, uint64_t obj);

#ifdef __cplusplus
}
#endif

#endif /* MULT_NUM_H */
