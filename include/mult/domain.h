/**
 * @file
 * libmult: domains, the kinds of resource a space partitions.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_DOMAIN_H
#define MULT_DOMAIN_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The four kinds of domain. */
enum mult_kind {
	MULT_KIND_RANGE = 1,     /**< identity ranges mapped onto resources (uid maps) */
	MULT_KIND_NUMBERED = 2,  /**< objects numbered in every ancestor (pids) */
	MULT_KIND_VALUE = 3,     /**< bytes per instance and key (hostname) */
	MULT_KIND_EXCLUSIVE = 4  /**< units owned by one instance (CPUs, memory) */
};

/** Allotments may overlap between siblings (invariant I1 waived); range only. */
#define MULT_DOMAIN_SHARED 0x1u
/** Value domain: a new instance starts with a copy of its parent's values. */
#define MULT_DOMAIN_INHERIT 0x2u

/** At most this many domains per space. */
#define MULT_DOMAIN_MAX 256
/** Largest value a value domain may hold, in bytes. */
#define MULT_VALUE_MAX 65536
/** Default largest value when mult_domain_opts.value_max is 0. */
#define MULT_VALUE_DEFAULT 256

/** Options for mult_domain_create(). Start from #MULT_DOMAIN_OPTS_INIT. */
struct mult_domain_opts {
	/** sizeof(struct mult_domain_opts), for compatibility. */
	size_t size;
	/** One of enum mult_kind. */
	int kind;
	/** MULT_DOMAIN_* flags. */
	uint32_t flags;
	/** Lowest resource of the co-domain (ignored for value domains). */
	uint64_t lo;
	/**
	 * Highest resource, inclusive (ignored for value domains). The
	 * co-domain holds fewer than 2^64 resources; a numbered domain at
	 * most 2^32.
	 */
	uint64_t hi;
	/** Value domains: largest value in bytes, 0 for #MULT_VALUE_DEFAULT. */
	uint32_t value_max;
};

/** Options for a domain of @p kind with co-domain [@p lo, @p hi]. */
#define MULT_DOMAIN_OPTS_INIT(kind, lo, hi) \
	{ sizeof(struct mult_domain_opts), (kind), 0, (lo), (hi), 0 }

/**
 * Register a domain. Domains live as long as the space.
 *
 * @param out   receives the domain's index, used by every other call.
 * @param sp    the space.
 * @param name  unique name, 1 to #MULT_NAME_MAX bytes.
 * @param opts  kind, co-domain, flags.
 * @return 0; #MULT_EINVAL (NULL argument, empty name, unknown kind or flag,
 *         lo > hi or a co-domain of all 2^64 values in a non-value domain,
 *         SHARED on a non-range domain, INHERIT on a non-value domain,
 *         value_max over #MULT_VALUE_MAX, a numbered domain wider than
 *         2^32); #MULT_E2BIG (name too long); #MULT_EEXIST (name taken);
 *         #MULT_ENOSPC (#MULT_DOMAIN_MAX reached); #MULT_ENOMEM.
 */
MULT_API int mult_domain_create(uint32_t *out, struct mult_space *sp,
    const char *name, const struct mult_domain_opts *opts);

/**
 * Find a domain by name. Lock-free.
 *
 * @param out   receives the domain's index.
 * @param sp    the space.
 * @param name  the name.
 * @return 0, #MULT_EINVAL (NULL argument) or #MULT_ENOENT.
 */
MULT_API int mult_domain_find(uint32_t *out, struct mult_space *sp,
    const char *name);

#ifdef __cplusplus
}
#endif

#endif /* MULT_DOMAIN_H */
