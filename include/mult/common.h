/**
 * @file
 * libmult: common definitions: types, export macro, version, error codes.
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_COMMON_H
#define MULT_COMMON_H

/*
 * Fixed-width types come from the kernel's own headers under __KERNEL__ and
 * from the compiler's freestanding headers otherwise (<stdint.h> and
 * <stddef.h> are provided by the compiler, not by libc).
 */
#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#if defined(MULT_STATIC) || defined(__KERNEL__)
#define MULT_API
#elif defined(MULT_BUILDING) && defined(__GNUC__)
#define MULT_API __attribute__((visibility("default")))
#else
#define MULT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Major version: incompatible API changes. */
#define MULT_VERSION_MAJOR 0
/** Minor version: compatible additions; the backend seam is stable per minor. */
#define MULT_VERSION_MINOR 1
/** Patch version: fixes only. */
#define MULT_VERSION_PATCH 0

/**
 * @defgroup errors Error codes
 * Every function returns 0 or one of these negative values. The values are
 * pinned: they never change once released.
 * @{
 */
#define MULT_OK 0         /**< Success. */
#define MULT_EINVAL (-1)  /**< Invalid argument (NULL pointer, zero count, bad flags). */
#define MULT_ENOMEM (-2)  /**< The allocator failed; nothing was changed. */
#define MULT_EEXIST (-3)  /**< Already exists (name, object, written map). */
#define MULT_ENOENT (-4)  /**< Not found, not mapped, or not visible to the viewer. */
#define MULT_EOVERLAP (-5) /**< Overlaps another extent or another instance's allotment. */
#define MULT_ERANGE (-6)  /**< Outside the domain, the parent's allotment or map, or a buffer too small. */
#define MULT_EQUOTA (-7)  /**< A limit would be exceeded. */
#define MULT_EBUSY (-8)   /**< In use (by a map, a child's allotment). */
#define MULT_ESTALE (-9)  /**< The instance handle names an instance that was destroyed. */
#define MULT_EKIND (-10)  /**< The domain is of the wrong kind for this call. */
#define MULT_ENOSPC (-11) /**< No free identity left in a numbered domain, or no room for another domain or instance. */
#define MULT_E2BIG (-12)  /**< Too many extents, or a name, key or value too long. */
#define MULT_ECORRUPT (-13) /**< mult_verify() found a violated invariant. */
#define MULT_EPERM (-14)  /**< Not permitted on this instance (the host, a federated instance). */
/** @} */

/** Longest instance, domain or key name, in bytes, without the NUL. */
#define MULT_NAME_MAX 63

/**
 * Describe an error code.
 *
 * @param err  0 or a MULT_E* code.
 * @return a static, NUL-terminated English description; never NULL. Unknown
 *         codes give "unknown error".
 */
MULT_API const char *mult_strerror(int err);

/**
 * The version of the library that is linked, as
 * (major << 16) | (minor << 8) | patch.
 *
 * @return the run-time version, to compare with the MULT_VERSION_* macros.
 */
MULT_API uint32_t mult_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MULT_COMMON_H */
