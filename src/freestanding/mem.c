/*
 * libmult: memcpy, memmove, memset and memcmp for environments with no C
 * library (a -nostdlib program). The core calls the compiler's builtins,
 * which may become calls to these.
 *
 * Simple byte loops. An empty asm statement with a memory clobber in each
 * loop keeps the compiler from recognising the loop as the very function it
 * implements and compiling it into a call to itself (GCC's
 * -ftree-loop-distribute-patterns, LLVM's loop idiom pass); building this
 * file with -fno-builtin -fno-tree-loop-distribute-patterns is still
 * recommended. Do not link this file where a libc or kernel provides them.
 *
 * SPDX-License-Identifier: ISC
 */
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#define MULT_MEM_BARRIER() __asm__ __volatile__("" ::: "memory")

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- > 0) {
		*d++ = *s++;
		MULT_MEM_BARRIER();
	}
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s) {
		while (n-- > 0) {
			*d++ = *s++;
			MULT_MEM_BARRIER();
		}
	} else {
		d += n;
		s += n;
		while (n-- > 0) {
			*--d = *--s;
			MULT_MEM_BARRIER();
		}
	}
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n-- > 0) {
		*d++ = (unsigned char)c;
		MULT_MEM_BARRIER();
	}
	return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		MULT_MEM_BARRIER();
	}
	return 0;
}
