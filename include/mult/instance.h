/**
 * @file
 * libmult: instances, the isolated contexts of a space.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_INSTANCE_H
#define MULT_INSTANCE_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A federated instance: a child of the host that may have no children, an
 * equal partner of the other federated instances (NetBSD mult).
 */
#define MULT_INSTANCE_FEDERATED 0x1u

/** What mult_instance_info() reports. */
struct mult_instance_info {
	uint64_t id;        /**< the instance's id */
	uint64_t parent;    /**< its parent's id; 0 for the host */
	uint32_t depth;     /**< 0 for the host, 1 for its children, ... */
	uint32_t flags;     /**< MULT_INSTANCE_* flags */
	char name[MULT_NAME_MAX + 1]; /**< its name, or "" */
};

/**
 * Create an instance under @p parent.
 *
 * Ids are never reused: a destroyed instance's id stays invalid for the
 * life of the space. Value domains with #MULT_DOMAIN_INHERIT start with a
 * copy of the parent's values.
 *
 * @param out     receives the new instance's id.
 * @param sp      the space.
 * @param parent  the parent's id (#MULT_HOST for a top-level instance).
 * @param name    a unique name of up to #MULT_NAME_MAX bytes, or NULL.
 * @param flags   0 or #MULT_INSTANCE_FEDERATED.
 * @return 0; #MULT_EINVAL (NULL argument, empty name, unknown flag);
 *         #MULT_E2BIG (name too long); #MULT_EEXIST (name taken);
 *         #MULT_ENOENT or #MULT_ESTALE (no such parent); #MULT_EPERM
 *         (a federated instance under anything but the host, or a child of a
 *         federated instance); #MULT_ENOSPC (no instance ids left);
 *         #MULT_EQUOTA (inherited values over a limit); #MULT_ENOMEM.
 */
MULT_API int mult_instance_create(uint64_t *out, struct mult_space *sp,
    uint64_t parent, const char *name, uint32_t flags);

/**
 * Destroy an instance and all its descendants: their allotments return to
 * the destroyed instance's parent; their maps, objects and values go. Safe
 * while readers use the instance: they see it whole or get #MULT_ESTALE,
 * and its memory is reclaimed only after they have left. References from
 * mult_num_ref_get() stay valid, and lookups through them answer
 * #MULT_ESTALE until they are put.
 *
 * @param sp    the space.
 * @param inst  the instance.
 * @return 0; #MULT_EINVAL (NULL @p sp); #MULT_EPERM (the host);
 *         #MULT_ENOENT or #MULT_ESTALE; #MULT_ENOMEM (nothing destroyed).
 */
MULT_API int mult_instance_destroy(struct mult_space *sp, uint64_t inst);

/**
 * Find an instance by name. Lock-free.
 *
 * @param out   receives the id.
 * @param sp    the space.
 * @param name  the name.
 * @return 0, #MULT_EINVAL (NULL argument) or #MULT_ENOENT.
 */
MULT_API int mult_instance_find(uint64_t *out, struct mult_space *sp,
    const char *name);

/**
 * Describe a live instance. Lock-free.
 *
 * @param out   receives the description.
 * @param sp    the space.
 * @param inst  the instance.
 * @return 0, #MULT_EINVAL (NULL argument), #MULT_ENOENT (never existed) or
 *         #MULT_ESTALE (destroyed).
 */
MULT_API int mult_instance_info(struct mult_instance_info *out,
    struct mult_space *sp, uint64_t inst);

#ifdef __cplusplus
}
#endif

#endif /* MULT_INSTANCE_H */
