/*
 * libmult fault tests: shared helpers (see fault.h).
 * SPDX-License-Identifier: ISC
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>

#include "fault.h"

long f_checks, f_failures;

int
f_verify(struct mult_space *sp, const char *ctx)
{
	struct mult_violation v;
	int rc;

	memset(&v, 0, sizeof v);
	rc = mult_verify(&v, sp);
	f_checks++;
	if (rc != 0) {
		f_failures++;
		fprintf(stderr, "FAIL: %s: mult_verify: %d: I%d dom %u inst %llu "
		    "other %llu a %llu b %llu: %s\n", ctx, rc, v.invariant,
		    (unsigned)v.dom, (unsigned long long)v.inst,
		    (unsigned long long)v.other, (unsigned long long)v.a,
		    (unsigned long long)v.b, v.what);
		return 0;
	}
	return 1;
}

int
f_done(const char *prog)
{
	printf("%s: %ld checks, %ld failures\n", prog, f_checks, f_failures);
	return f_failures == 0 ? 0 : 1;
}

void
f_alloc_init(struct f_alloc *fa, int track)
{
	void *warm[4];

	memset(fa, 0, sizeof *fa);
	fa->track = track;
	fa->last_site = -1;
	/* backtrace() loads libgcc on first use: do it outside any count. */
	if (track)
		(void)backtrace(warm, 4);
}

void
f_alloc_arm(struct f_alloc *fa, long n, int persistent)
{
	__atomic_store_n(&fa->calls, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fa->injected, 0, __ATOMIC_SEQ_CST);
	fa->persistent = persistent;
	__atomic_store_n(&fa->fail_at, n, __ATOMIC_SEQ_CST);
	fa->last_site = -1;
}

/* Writers only allocate under the space's lock: one thread at a time. */
__attribute__((noinline)) static int
f_site_of(struct f_alloc *fa)
{
	void *bt[8];
	int n, i;

	n = backtrace(bt, 8);
	/* bt[0] f_site_of, bt[1] f_alloc_fn, bt[2] its caller, bt[3] ... */
	if (n < 4)
		return -1;
	for (i = 0; i < fa->nsites; i++)
		if (fa->sites[i].ra[0] == bt[2] && fa->sites[i].ra[1] == bt[3])
			return i;
	if (fa->nsites == F_SITES_MAX)
		return -1;
	i = fa->nsites++;
	fa->sites[i].ra[0] = bt[2];
	fa->sites[i].ra[1] = bt[3];
	memcpy(fa->sites[i].chain, &bt[4], sizeof(void *) * (size_t)(n > 8 ? 4 :
	    (n - 4 > 0 ? n - 4 : 0)));
	return i;
}

#define F_HDR 16u

void *
f_alloc_fn(void *ctx, size_t size)
{
	struct f_alloc *fa = ctx;
	long k = __atomic_add_fetch(&fa->calls, 1, __ATOMIC_SEQ_CST);
	long at = __atomic_load_n(&fa->fail_at, __ATOMIC_SEQ_CST);
	int site = fa->track ? f_site_of(fa) : -1;
	unsigned char *p;

	fa->total_calls++;
	if (at > 0 && (k == at || (fa->persistent && k > at))) {
		__atomic_add_fetch(&fa->injected, 1, __ATOMIC_SEQ_CST);
		fa->total_injected++;
		if (site >= 0) {
			fa->sites[site].failed++;
			fa->last_site = site;
		}
		return NULL;
	}
	if (site >= 0)
		fa->sites[site].seen++;
	p = malloc(size + F_HDR);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof size);
	__atomic_add_fetch(&fa->bytes, (long long)size, __ATOMIC_SEQ_CST);
	return p + F_HDR;
}

void
f_free_fn(void *ctx, void *ptr, size_t size)
{
	struct f_alloc *fa = ctx;
	unsigned char *p;
	size_t was;

	if (ptr == NULL) {
		__atomic_add_fetch(&fa->bad_frees, 1, __ATOMIC_SEQ_CST);
		return;
	}
	p = (unsigned char *)ptr - F_HDR;
	memcpy(&was, p, sizeof was);
	if (was != size)
		__atomic_add_fetch(&fa->bad_frees, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&fa->bytes, (long long)was, __ATOMIC_SEQ_CST);
	free(p);
}

struct mult_space *
f_space(struct f_alloc *fa, uint64_t seed)
{
	struct mult_space_opts o = MULT_SPACE_OPTS_INIT;
	struct mult_allocator al = { f_alloc_fn, f_free_fn, NULL };
	struct mult_space *sp = NULL;

	al.ctx = fa;
	o.allocator = &al;
	o.seed = seed;
	MUST(mult_space_create(&sp, &o));
	return sp;
}

/* An address as an offset into its object, for addr2line. */
static uintptr_t
f_offset(void *pc, const char **obj)
{
	Dl_info info;

	*obj = NULL;
	if (dladdr(pc, &info) == 0 || info.dli_fbase == NULL)
		return (uintptr_t)pc;
	*obj = info.dli_fname;
	/* A return address points after the call: look up the call. */
	return (uintptr_t)pc - (uintptr_t)info.dli_fbase - 1;
}

static void
f_symbolize(void *pc, char *out, size_t cap)
{
	const char *obj;
	uintptr_t off = f_offset(pc, &obj);
	char cmd[1024], fn[200], loc[200];
	FILE *p;
	int first = 1;

	snprintf(out, cap, "%p", pc);
	if (obj == NULL || getenv("FAULT_NO_SYMBOLS") != NULL)
		return;
	snprintf(cmd, sizeof cmd, "addr2line -i -f -s -e '%s' 0x%lx 2>/dev/null",
	    obj, (unsigned long)off);
	p = popen(cmd, "r");
	if (p == NULL)
		return;
	/* Innermost first, then each function it was inlined into. */
	while (fgets(fn, sizeof fn, p) != NULL && fgets(loc, sizeof loc, p) != NULL) {
		size_t at = first ? 0 : strlen(out);

		fn[strcspn(fn, "\n")] = '\0';
		loc[strcspn(loc, "\n")] = '\0';
		snprintf(out + at, cap - at, "%s%s (%s)", first ? "" : " in ",
		    fn, loc);
		first = 0;
	}
	pclose(p);
}

void
f_sites_report(struct f_alloc *fa, FILE *f)
{
	int i, failed = 0;
	char a[512], b[512];

	for (i = 0; i < fa->nsites; i++)
		failed += fa->sites[i].failed != 0;
	fprintf(f, "allocation points (caller of the allocator, its caller): "
	    "%d seen, %d failed at least once\n", fa->nsites, failed);
	for (i = 0; i < fa->nsites; i++) {
		f_symbolize(fa->sites[i].ra[0], a, sizeof a);
		f_symbolize(fa->sites[i].ra[1], b, sizeof b);
		fprintf(f, "  %s %6ld ok %5ld failed  %s <- %s\n",
		    fa->sites[i].failed ? "FAILED" : "never ",
		    fa->sites[i].seen, fa->sites[i].failed, a, b);
	}
}
