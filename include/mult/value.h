/**
 * @file
 * libmult: value domains, bytes per instance and key (hostname, sysctls).
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_VALUE_H
#define MULT_VALUE_H

#include "space.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most keys one instance may hold in one value domain. */
#define MULT_KEYS_MAX 64

/**
 * Set @p key to a copy of @p len bytes at @p val in @p inst.
 *
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a value domain.
 * @param key   1 to #MULT_NAME_MAX bytes.
 * @param val   the bytes (may be NULL if @p len is 0).
 * @param len   at most the domain's value_max.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ENOENT or #MULT_ESTALE;
 *         #MULT_E2BIG (key or value too long, or #MULT_KEYS_MAX keys);
 *         #MULT_EQUOTA; #MULT_ENOMEM.
 */
MULT_API int mult_value_set(struct mult_space *sp, uint64_t inst,
    uint32_t dom, const char *key, const void *val, size_t len);

/**
 * Copy out the value of @p key in @p inst. Lock-free, O(1).
 *
 * @param buf   receives up to @p cap bytes (may be NULL if @p cap is 0).
 * @param cap   room in @p buf.
 * @param len   receives the value's length, even when @p cap is short.
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a value domain.
 * @param key   the key.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT (no
 *         such key); #MULT_ERANGE (@p cap too small, nothing copied).
 */
MULT_API int mult_value_get(void *buf, size_t cap, size_t *len,
    struct mult_space *sp, uint64_t inst, uint32_t dom, const char *key);

/**
 * Remove @p key from @p inst.
 *
 * @param sp    the space.
 * @param inst  the instance.
 * @param dom   a value domain.
 * @param key   the key.
 * @return 0; #MULT_EINVAL; #MULT_EKIND; #MULT_ESTALE; #MULT_ENOENT;
 *         #MULT_ENOMEM.
 */
MULT_API int mult_value_unset(struct mult_space *sp, uint64_t inst,
    uint32_t dom, const char *key);

#ifdef __cplusplus
}
#endif

#endif /* MULT_VALUE_H */
