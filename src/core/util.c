/*
 * libmult core: allocation, deferred free, hashing, strings, error text.
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

/*
 * Allocate a zeroed block whose first member is a struct mult__blk. Only
 * writers allocate; every caller handles NULL.
 */
void *
mult__alloc(struct mult_space *sp, size_t size)
{
	struct mult__blk *b;

	MULT__ASSERT(size >= sizeof(*b));
	b = sp->al.alloc(sp->al.ctx, size);
	if (b == NULL)
		return NULL;
	mult__memset(b, 0, size);
	b->sp = sp;
	b->size = size;
	return b;
}

/* Free a block no reader has seen (or, at space destruction, none can). */
void
mult__free(struct mult_space *sp, void *p)
{
	struct mult__blk *b = p;

	if (b != NULL)
		sp->al.free(sp->al.ctx, b, b->size);
}

static void
mult__retire_cb(struct mult_rcu_head *head)
{
	struct mult__blk *b = mult__container_of(head, struct mult__blk, rcu);
	struct mult_space *sp = b->sp;

	sp->al.free(sp->al.ctx, b, b->size);
}

/* Free a block once every reader that might hold it has left. */
void
mult__retire(struct mult_space *sp, void *p)
{
	struct mult__blk *b = p;

	if (b != NULL)
		mult_sys_call_rcu(&b->rcu, mult__retire_cb);
	(void)sp;
}

/*
 * Seeded hash of a short string (a name or a key, at most 63 bytes);
 * never 0 (0 marks an empty slot). Eight bytes at a time, each word mixed
 * into the state with the finalizer: a byte-wise FNV loop was a third of
 * a value_get, its multiplies one long dependency chain.
 */
uint64_t
mult__hash_str(uint64_t seed, const char *s, size_t len)
{
	uint64_t h = mult__mix(seed ^ len), w;
	size_t i = 0;
	uint32_t shift;

	for (; i + 8 <= len; i += 8) {
		mult__memcpy(&w, s + i, 8);
		h = mult__mix(h ^ w);
	}
	if (i < len) {
		for (w = 0, shift = 0; i < len; i++, shift += 8)
			w |= (uint64_t)(unsigned char)s[i] << shift;
		h = mult__mix(h ^ w);
	}
	return h == 0 ? 1 : h;
}

size_t
mult__strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* A name or key: 1 to MULT_NAME_MAX bytes. */
int
mult__name_check(const char *name, size_t *len)
{
	if (name == NULL)
		return MULT_EINVAL;
	*len = mult__strnlen(name, MULT_NAME_MAX + 1);
	if (*len == 0)
		return MULT_EINVAL;
	if (*len > MULT_NAME_MAX)
		return MULT_E2BIG;
	return 0;
}

const char *
mult_strerror(int err)
{
	static const char *const text[] = {
		"success",
		"invalid argument",
		"out of memory",
		"already exists",
		"not found",
		"overlaps an existing range",
		"out of range",
		"over quota",
		"busy",
		"stale instance handle",
		"wrong domain kind",
		"no free identity",
		"too big",
		"invariant violated",
		"operation not permitted",
	};

	if (err > 0 || err <= -(int)(sizeof(text) / sizeof(text[0])))
		return "unknown error";
	return text[-err];
}

uint32_t
mult_version(void)
{
	return ((uint32_t)MULT_VERSION_MAJOR << 16) |
	    ((uint32_t)MULT_VERSION_MINOR << 8) | MULT_VERSION_PATCH;
}
