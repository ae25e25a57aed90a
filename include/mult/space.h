/**
 * @file
 * libmult: spaces. A space is one engine: a set of domains and a tree of
 * instances under the host. There is no global state: spaces are independent.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_SPACE_H
#define MULT_SPACE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An engine: domains plus a tree of instances. Opaque. */
struct mult_space;

/**
 * A caller-supplied allocator. Both functions may be called from any thread,
 * including the backend's deferred-free context (an RCU callback), so they
 * must be thread-safe and must not sleep when the backend says so.
 */
struct mult_allocator {
	/** Return @p size bytes aligned for any type, or NULL. */
	void *(*alloc)(void *ctx, size_t size);
	/** Release memory from @c alloc; @p size is the size that was asked for. */
	void (*free)(void *ctx, void *ptr, size_t size);
	/** Passed to both functions unchanged. */
	void *ctx;
};

/** Options for mult_space_create(). Start from #MULT_SPACE_OPTS_INIT. */
struct mult_space_opts {
	/** sizeof(struct mult_space_opts), for compatibility. */
	size_t size;
	/** NULL for the backend's allocator; copied by mult_space_create(). */
	const struct mult_allocator *allocator;
	/** Hash seed; 0 asks the backend for a random one. */
	uint64_t seed;
};

/** Default options. */
#define MULT_SPACE_OPTS_INIT { sizeof(struct mult_space_opts), NULL, 0 }

/** The host instance: the root of every space, created with it. */
#define MULT_HOST ((uint64_t)1)

/**
 * Create a space holding only the host instance and no domains.
 *
 * @param out   receives the new space; untouched on error.
 * @param opts  options, or NULL for the defaults.
 * @return 0, #MULT_EINVAL (NULL @p out, bad @c opts->size or an allocator
 *         missing a function) or #MULT_ENOMEM.
 */
MULT_API int mult_space_create(struct mult_space **out,
    const struct mult_space_opts *opts);

/**
 * Destroy a space and everything in it. NULL is a no-op. No other call on
 * @p sp may be in flight or follow; waits for pending deferred frees.
 *
 * @param sp  the space, or NULL.
 */
MULT_API void mult_space_destroy(struct mult_space *sp);

#ifdef __cplusplus
}
#endif

#endif /* MULT_SPACE_H */
