/*
 * libmult property test: seeded random sequences of operations, every
 * answer checked against a small reference model written here.
 *
 * THE MODEL. The space under test has six domains:
 *
 *   uid  range      [0, 999]   isolated (I1 applies)
 *   sh   range      [0, 999]   MULT_DOMAIN_SHARED (I1 waived)
 *   pid  numbered   [1, 40]    small, so MULT_ENOSPC happens
 *   uts  value      value_max 16, MULT_DOMAIN_INHERIT
 *   kv   value      value_max default (256), no inheritance
 *   cpu  exclusive  [0, 63]
 *
 * The model keeps at most MAXI live instances (the host included) in an
 * array, and for each one, plainly: its own allotment as one byte per
 * resource, its map as written plus each extent's flattened first
 * resource, its pid table (object per identity, "allocated here" flags and
 * the next-fit cursor) and its values. Every answer is a linear scan of
 * these arrays, following the header documentation:
 *
 *  - ids are never predicted: the model records what the library returns
 *    and checks it was never issued before; a destroyed id must give
 *    MULT_ESTALE forever, a never-issued one MULT_ENOENT;
 *  - allotments are in host resources; the host's is the whole co-domain;
 *    in a shared domain an instance without a grant of its own uses its
 *    nearest ancestor's (its "effective" allotment);
 *  - a grant must lie in the parent's effective allotment (MULT_ERANGE),
 *    must not meet the instance's own allotment (MULT_EOVERLAP) nor, in an
 *    isolated domain, anything granted below the parent (a sibling
 *    subtree: MULT_EOVERLAP); revoke refuses (MULT_EBUSY) what the
 *    instance maps or any descendant holds or maps;
 *  - maps follow Linux uid_map rules: written once (MULT_EEXIST), lower ids
 *    in the parent's view, each extent's lower range inside one parent
 *    extent, flattened resources inside the effective allotment;
 *  - numbered: an object gets an identity in the allocating instance and in
 *    every ancestor, each level by its own cyclic next-fit cursor starting
 *    at lo (MULT_ENOSPC when the host's identities are all in use); it is
 *    visible only there; only the allocating instance frees it; destroying
 *    an instance drops its subtree's objects from the ancestors without
 *    touching their cursors;
 *  - destroy takes the whole subtree; allotments go back to the parent
 *    (which still holds them, so nothing changes in the parent);
 *  - a new instance starts with a copy of its parent's uts values.
 *
 * Limits and reservations (I7) are modelled from their definition, not
 * from the library's counters: an instance's own charge is what the model
 * holds (objects allocated here, bytes of its own values, units of its
 * allotment); a child holds the larger of its reservation and its own
 * total at its parent. After a charge, at every level, the own charge
 * plus what the children hold must stay within the limit (and the host's
 * pid identities); in an allotment domain what the children hold must fit
 * in the allotment (isolated domains). The lowest level that would break
 * that rule refuses (MULT_EQUOTA, counted there); mult_limit_get() of
 * every instance is compared with usage, peak, limit, reservation,
 * refusals and the refusing instance.
 * Where several errors apply, the model checks them in the order of the
 * code in src/core (every such order is consistent with the headers).
 * Each write's expected code is computed from the model first, then the
 * library is called and the codes compared; on success the model applies
 * the write. mult_verify() must return 0 after every write, failed or
 * not. Every few hundred steps and at the end of each sequence the whole
 * visible state is compared (check_all()).
 *
 * REPLAY. The run prints "MULT_SEED=0x..." on stderr. Every failure
 * message starts with "[MULT_SEED=0x... seq S step N]" and names the
 * operation. To replay exactly (the space's hash seed derives from it too):
 *
 *   MULT_SEED=0x... build/default/tests/property/property_test_property
 *
 * MULT_SEQ=S runs only sequence S, which gives the same failure sooner;
 * MULT_PROP_TRACE=1 prints every call and its result first (for a crash,
 * which no assertion reports).
 *
 * SPDX-License-Identifier: ISC
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, getpid */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mult.h>

#define SEQUENCES 20
#define STEPS 5000
#define CHECK_ALL_EVERY 250

/* ---- the domains ---------------------------------------------------------- */

enum { UID, SH, PID, UTS, KV, CPU, NDOMS };

static const struct dom_def {
	const char *name;
	int kind;
	uint32_t flags;
	uint64_t lo, hi;
	uint32_t value_max;     /* as given to the library (0: the default) */
} DOMS[NDOMS] = {
	[UID] = { "uid", MULT_KIND_RANGE, 0, 0, 999, 0 },
	[SH] = { "sh", MULT_KIND_RANGE, MULT_DOMAIN_SHARED, 0, 999, 0 },
	[PID] = { "pid", MULT_KIND_NUMBERED, 0, 1, 40, 0 },
	[UTS] = { "uts", MULT_KIND_VALUE, MULT_DOMAIN_INHERIT, 0, 0, 16 },
	[KV] = { "kv", MULT_KIND_VALUE, 0, 0, 0, 0 },
	[CPU] = { "cpu", MULT_KIND_EXCLUSIVE, 0, 0, 63, 0 },
};

#define SPAN 1000       /* room for the co-domain of uid, sh and cpu */
#define PIDS 40         /* pid's co-domain [1, 40] */
#define MAXI 12         /* live instances in the model, the host included */
#define HOST 0          /* the host's index in the model */
#define MAXEXT 4        /* extents per map the generator writes */
#define NKEYS 7         /* the last one is rarely used */
#define VBUF 300        /* room for a value: more than kv's 256 */
#define MAXISSUED 8192

static const char *const KEYS[NKEYS] = { "hostname", "a", "b", "domain",
	"k9", "z", "rare" };
static const char *const NAMES[] = { "web", "db", "n0", "n1", "jail", "z" };
#define NNAMES (sizeof(NAMES) / sizeof(NAMES[0]))
static const char LONG_NAME[] =
    "0123456789012345678901234567890123456789012345678901234567890123";

static uint64_t
value_max(uint32_t d)
{
	return DOMS[d].value_max != 0 ? DOMS[d].value_max : MULT_VALUE_DEFAULT;
}

/* ---- the run's context and the checks --------------------------------------- */

static struct {
	uint64_t seed;          /* MULT_SEED */
	int seq, step;
	int last_rc;            /* the library's last answer, for the statistics */
	char op[640];           /* the call being checked */
} T;

static int tracing;     /* MULT_PROP_TRACE=1: print every call first */

/* Describe the call about to be checked (and trace it). */
#define OP(...) (snprintf(T.op, sizeof(T.op), __VA_ARGS__), trace())

static void
trace(void)
{
	if (tracing)
		fprintf(stderr, "seq %d step %d: %s\n", T.seq, T.step, T.op);
}

#define WHERE "[MULT_SEED=0x%016" PRIx64 " seq %d step %d] %s: "

static void
check_rc(int got, int want)
{
	T.last_rc = got;
	if (tracing)
		fprintf(stderr, "  -> %d\n", got);
	cr_assert(got == want, WHERE "returned %d (%s), the model expects %d (%s)",
	    T.seed, T.seq, T.step, T.op, got, mult_strerror(got), want,
	    mult_strerror(want));
}

static void
check_eq(const char *what, uint64_t got, uint64_t want)
{
	cr_assert(got == want, WHERE "%s is %" PRIu64 " (%#" PRIx64
	    "), the model expects %" PRIu64 " (%#" PRIx64 ")", T.seed, T.seq,
	    T.step, T.op, what, got, got, want, want);
}

static void
check_verify(struct mult_space *sp)
{
	struct mult_violation v;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = mult_verify(&v, sp);
	cr_assert(rc == 0, WHERE "then mult_verify returned %d: I%d, dom %u, "
	    "inst %#" PRIx64 ", other %#" PRIx64 ", a %" PRIu64 ", b %" PRIu64
	    ": %s", T.seed, T.seq, T.step, T.op, rc, v.invariant, v.dom, v.inst,
	    v.other, v.a, v.b, v.what);
}

/* ---- random numbers: splitmix64 --------------------------------------------- */

static uint64_t rng;

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rnd(void)
{
	return mix(rng += 0x9e3779b97f4a7c15ULL);
}

static uint64_t
below(uint64_t n)
{
	return n == 0 ? 0 : rnd() % n;
}

static int
pct(unsigned p)
{
	return below(100) < p;
}

/* ---- the model's state -------------------------------------------------------- */

struct mval {
	int set;
	size_t len;
	unsigned char b[VBUF];
};

struct minst {
	int live;
	uint64_t id;
	int parent;                     /* model index; -1 for the host */
	uint32_t depth;
	uint32_t flags;                 /* MULT_INSTANCE_* */
	char name[MULT_NAME_MAX + 1];   /* "" for none */
	/* uid, sh, cpu: the own allotment, one byte per resource */
	unsigned char allot[NDOMS][SPAN];
	/* uid, sh: the map as written (0 extents: not written) */
	size_t nmap[NDOMS];
	struct mult_extent map[NDOMS][MAXEXT];
	uint64_t res[NDOMS][MAXEXT];    /* each extent's first resource */
	/* pid: the object at identity 1 + k, and whether allocated here */
	uint64_t pid[PIDS];
	unsigned char here[PIDS];
	uint64_t cursor;                /* next index to try */
	/* uts, kv */
	struct mval val[NDOMS][NKEYS];
	/* limits (I7), every domain */
	uint64_t limit[NDOMS], reserve[NDOMS], peak[NDOMS];
	uint64_t refusals[NDOMS], refused_by[NDOMS];
};

static struct {
	struct minst in[MAXI];
	uint64_t issued[MAXISSUED];     /* every id the library ever returned */
	size_t nissued;
	uint64_t next_obj;              /* objects: a counter */
} M;

/* ---- the model's queries ---------------------------------------------------- */

static int
was_issued(uint64_t id)
{
	size_t k;

	for (k = 0; k < M.nissued; k++)
		if (M.issued[k] == id)
			return 1;
	return 0;
}

static int
live_count(void)
{
	int i, n = 0;

	for (i = 0; i < MAXI; i++)
		n += M.in[i].live;
	return n;
}

/* 0 and the model index of a live id; else what an unknown id gives. */
static int
m_resolve(uint64_t id, int *idx)
{
	int i;

	for (i = 0; i < MAXI; i++)
		if (M.in[i].live && M.in[i].id == id) {
			*idx = i;
			return 0;
		}
	*idx = -1;
	return was_issued(id) ? MULT_ESTALE : MULT_ENOENT;
}

/* mult__resolve(): the domain, its kind (if kind is not 0), the instance. */
static int
m_target(uint64_t id, uint32_t d, int kind, int *idx)
{
	*idx = -1;
	if (d >= NDOMS)
		return MULT_EINVAL;
	if (kind != 0 && DOMS[d].kind != kind)
		return MULT_EKIND;
	return m_resolve(id, idx);
}

/* Grant, revoke and allot_get: the instance first, then the kind. */
static int
m_target_allot(uint64_t id, uint32_t d, int *idx)
{
	int rc;

	*idx = -1;
	if (d >= NDOMS)
		return MULT_EINVAL;
	if (DOMS[d].kind != MULT_KIND_RANGE && DOMS[d].kind != MULT_KIND_EXCLUSIVE)
		return MULT_EKIND;
	if ((rc = m_resolve(id, idx)) != 0)
		return rc;
	return 0;
}

/* Is c the instance a or one of its descendants? */
static int
is_below(int a, int c)
{
	for (; c >= 0; c = M.in[c].parent)
		if (c == a)
			return 1;
	return 0;
}

static int
name_owner(const char *name)
{
	int i;

	for (i = 0; i < MAXI; i++)
		if (M.in[i].live && M.in[i].name[0] != '\0' &&
		    strcmp(M.in[i].name, name) == 0)
			return i;
	return -1;
}

static int
key_index(const char *key)
{
	int k;

	for (k = 0; k < NKEYS; k++)
		if (strcmp(KEYS[k], key) == 0)
			return k;
	return -1;
}

/* Do [a, a + an) and [b, b + bn) meet? Neither wraps. */
static int
meets(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a <= b + (bn - 1) && b <= a + (an - 1);
}

static int
holds_any(int i, uint32_t d)
{
	uint64_t r;

	for (r = DOMS[d].lo; r <= DOMS[d].hi; r++)
		if (M.in[i].allot[d][r])
			return 1;
	return 0;
}

/* Does i hold any of [first, first + count) (in the co-domain)? */
static int
holds_some(int i, uint32_t d, uint64_t first, uint64_t count)
{
	uint64_t r;

	for (r = first; r < first + count; r++)
		if (M.in[i].allot[d][r])
			return 1;
	return 0;
}

/* Does i map any resource of [first, first + count)? */
static int
maps_some(int i, uint32_t d, uint64_t first, uint64_t count)
{
	size_t k;

	for (k = 0; k < M.in[i].nmap[d]; k++)
		if (meets(M.in[i].res[d][k], M.in[i].map[d][k].count, first, count))
			return 1;
	return 0;
}

/*
 * Whose allotment confines i: EFF_ALL (the host's, the whole co-domain),
 * EFF_NONE, or the index of i or (shared domain, no grant of its own) of
 * its nearest ancestor with a grant.
 */
#define EFF_ALL (-1)
#define EFF_NONE (-2)

static int
eff_of(int i, uint32_t d)
{
	for (; i >= 0; i = M.in[i].parent) {
		if (i == HOST)
			return EFF_ALL;
		if (holds_any(i, d))
			return i;
		if (!(DOMS[d].flags & MULT_DOMAIN_SHARED))
			return EFF_NONE;
	}
	return EFF_NONE;
}

static int
eff_has(int e, uint32_t d, uint64_t r)
{
	if (r < DOMS[d].lo || r > DOMS[d].hi)
		return 0;
	return e == EFF_ALL || (e >= 0 && M.in[e].allot[d][r]);
}

/* The resource identity x of i maps to (the host: x itself). */
static int
m_down(int i, uint32_t d, uint64_t x, uint64_t *res)
{
	size_t k;

	if (i == HOST) {
		*res = x;
		return x >= DOMS[d].lo && x <= DOMS[d].hi;
	}
	for (k = 0; k < M.in[i].nmap[d]; k++) {
		const struct mult_extent *e = &M.in[i].map[d][k];

		if (x >= e->first && x - e->first < e->count) {
			*res = M.in[i].res[d][k] + (x - e->first);
			return 1;
		}
	}
	return 0;
}

/* The identity i sees for resource r. */
static int
m_up(int i, uint32_t d, uint64_t r, uint64_t *id)
{
	size_t k;

	if (i == HOST) {
		*id = r;
		return r >= DOMS[d].lo && r <= DOMS[d].hi;
	}
	for (k = 0; k < M.in[i].nmap[d]; k++) {
		const struct mult_extent *e = &M.in[i].map[d][k];
		uint64_t r0 = M.in[i].res[d][k];

		if (r >= r0 && r - r0 < e->count) {
			*id = e->first + (r - r0);
			return 1;
		}
	}
	return 0;
}

/* Translate a lower range through p's map: it must lie in one extent. */
static int
m_lower(int p, uint32_t d, uint64_t lower, uint64_t count, uint64_t *res)
{
	size_t k;

	if (p == HOST) {
		*res = lower;
		return lower >= DOMS[d].lo && lower + (count - 1) <= DOMS[d].hi;
	}
	for (k = 0; k < M.in[p].nmap[d]; k++) {
		const struct mult_extent *e = &M.in[p].map[d][k];

		if (lower >= e->first &&
		    lower + (count - 1) <= e->first + (e->count - 1)) {
			*res = M.in[p].res[d][k] + (lower - e->first);
			return 1;
		}
	}
	return 0;
}

/* The slot of obj in i's pid table, or -1. */
static int
pid_slot(int i, uint64_t obj)
{
	int k;

	for (k = 0; k < PIDS; k++)
		if (obj != 0 && M.in[i].pid[k] == obj)
			return k;
	return -1;
}

/* The instance that allocated obj, or -1. */
static int
allocator_of(uint64_t obj)
{
	int i, k;

	for (i = 0; i < MAXI; i++)
		if (M.in[i].live && (k = pid_slot(i, obj)) >= 0 && M.in[i].here[k])
			return i;
	return -1;
}

/* The deepest live instance holding unit u (the host if none). */
static int
owner_of(uint32_t d, uint64_t u)
{
	int i, best = HOST;

	for (i = 1; i < MAXI; i++)
		if (M.in[i].live && M.in[i].allot[d][u] &&
		    M.in[i].depth > M.in[best].depth)
			best = i;
	return best;
}

/* ---- the model's accounting (I7) ---------------------------------------------- */

static int
is_allot_dom(uint32_t d)
{
	return DOMS[d].kind == MULT_KIND_RANGE || DOMS[d].kind == MULT_KIND_EXCLUSIVE;
}

static uint64_t
dom_size(uint32_t d)
{
	return DOMS[d].hi - DOMS[d].lo + 1;
}

static uint64_t
max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Sums in the model never wrap: reservations may be near 2^64. */
typedef unsigned __int128 u128;

/*
 * One domain's accounting, as numbers per model index, so that a change
 * can be tried on a copy. Index MAXI is an instance being created.
 */
struct acct {
	uint32_t d;
	int live[MAXI + 1], parent[MAXI + 1];
	uint64_t own[MAXI + 1], res[MAXI + 1], limit[MAXI + 1];
};

/* What i itself is charged: objects, own value bytes, allotment units. */
static uint64_t
own_charge(int i, uint32_t d)
{
	uint64_t n = 0, r;
	int k;

	if (i == HOST && is_allot_dom(d))
		return dom_size(d);
	switch (DOMS[d].kind) {
	case MULT_KIND_NUMBERED:
		for (k = 0; k < PIDS; k++)
			n += M.in[i].here[k];
		break;
	case MULT_KIND_VALUE:
		for (k = 0; k < NKEYS; k++)
			n += M.in[i].val[d][k].set ? M.in[i].val[d][k].len : 0;
		break;
	default:
		for (r = DOMS[d].lo; r <= DOMS[d].hi; r++)
			n += M.in[i].allot[d][r];
		break;
	}
	return n;
}

static void
acct_now(struct acct *a, uint32_t d)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->d = d;
	for (i = 0; i < MAXI; i++) {
		if (!(a->live[i] = M.in[i].live))
			continue;
		a->parent[i] = M.in[i].parent;
		a->own[i] = own_charge(i, d);
		a->res[i] = M.in[i].reserve[d];
		a->limit[i] = M.in[i].limit[d];
	}
}

static u128 a_held(const struct acct *a, int i);

/* Consumption: own charge plus what the children hold. Allotment: what
 * the children hold. */
static u128
a_demand(const struct acct *a, int i)
{
	u128 n = is_allot_dom(a->d) ? 0 : a->own[i];
	int j;

	for (j = 0; j <= MAXI; j++)
		if (a->live[j] && j != HOST && a->parent[j] == i)
			n += a_held(a, j);
	return n;
}

static u128
a_held(const struct acct *a, int i)
{
	u128 n = is_allot_dom(a->d) ? a->own[i] : a_demand(a, i);

	return n > a->res[i] ? n : a->res[i];
}

/* Usage: own charge of the whole subtree (allotment: the allotment). */
static u128
a_usage(const struct acct *a, int i)
{
	u128 n = a->own[i];
	int j;

	if (is_allot_dom(a->d))
		return n;
	for (j = 0; j <= MAXI; j++)
		if (a->live[j] && j != HOST && a->parent[j] == i)
			n += a_usage(a, j);
	return n;
}

static uint64_t
a_cap(const struct acct *a, int i)
{
	if (is_allot_dom(a->d))
		return a->own[i];
	if (i == HOST && DOMS[a->d].kind == MULT_KIND_NUMBERED)
		return a->limit[i] < PIDS ? a->limit[i] : PIDS;
	return a->limit[i];
}

/*
 * Is the accounting a within the rules on c's path to the host? 0, or
 * MULT_EQUOTA with *by the lowest level that breaks them, or MULT_ENOSPC
 * (the host's pid identities are all in use).
 */
static int
a_check(const struct acct *a, int c, int *by)
{
	uint32_t d = a->d;
	int i;

	for (i = c; i >= 0; i = i == HOST ? -1 : a->parent[i]) {
		if (is_allot_dom(d)) {
			if (a->own[i] > a->limit[i] ||
			    (!(DOMS[d].flags & MULT_DOMAIN_SHARED) &&
			    a_demand(a, i) > a_cap(a, i)))
				break;
			continue;
		}
		if (i == HOST && DOMS[d].kind == MULT_KIND_NUMBERED &&
		    a_usage(a, HOST) > PIDS)
			return MULT_ENOSPC;
		if (a_demand(a, i) > a_cap(a, i))
			break;
	}
	if (i < 0)
		return 0;
	*by = i;
	return MULT_EQUOTA;
}

/*
 * The code of a charge at c once a holds the change: on MULT_EQUOTA the
 * refusal is counted at the refusing level (and named at c, unless c is
 * MAXI, an instance that will not exist).
 */
static int
m_charge(const struct acct *a, int c)
{
	int by = -1, rc = a_check(a, c, &by);

	if (rc == MULT_EQUOTA) {
		M.in[by].refusals[a->d]++;
		if (c < MAXI)
			M.in[c].refused_by[a->d] = M.in[by].id;
	}
	return rc;
}

/* After a write to d: every usage that rose raised its peak. */
static void
update_peaks(uint32_t d)
{
	struct acct a;
	int i;

	acct_now(&a, d);
	for (i = 0; i < MAXI; i++)
		if (M.in[i].live)
			M.in[i].peak[d] = max64(M.in[i].peak[d],
			    (uint64_t)a_usage(&a, i));
}

static int
m_limit(uint64_t id, uint32_t d, uint64_t limit, int *idx)
{
	struct acct a;
	int rc;

	if ((rc = m_target(id, d, 0, idx)) != 0)
		return rc;
	if (*idx == HOST && is_allot_dom(d))
		return MULT_EPERM;
	acct_now(&a, d);
	if (limit < (is_allot_dom(d) ? a.own[*idx] : a_demand(&a, *idx)))
		return MULT_EBUSY;
	return 0;
}

static int
m_reserve(uint64_t id, uint32_t d, uint64_t reserve, int *idx)
{
	struct acct a;
	int rc;

	if ((rc = m_target(id, d, 0, idx)) != 0)
		return rc;
	if (*idx == HOST)
		return MULT_EPERM;
	if (DOMS[d].flags & MULT_DOMAIN_SHARED)
		return MULT_EINVAL;
	if (reserve <= M.in[*idx].reserve[d])
		return 0;
	acct_now(&a, d);
	a.res[*idx] = reserve;
	return m_charge(&a, *idx);
}

/* ---- the model's writes: the expected code, then the change ---------------- */

static int
m_create(uint64_t parent, const char *name, uint32_t flags, int *p)
{
	struct acct a;
	uint32_t d;
	int rc;

	*p = -1;
	if ((flags & ~MULT_INSTANCE_FEDERATED) != 0)
		return MULT_EINVAL;
	if (name != NULL && name[0] == '\0')
		return MULT_EINVAL;
	if (name != NULL && strlen(name) > MULT_NAME_MAX)
		return MULT_E2BIG;
	if ((rc = m_resolve(parent, p)) != 0)
		return rc;
	if ((M.in[*p].flags & MULT_INSTANCE_FEDERATED) ||
	    ((flags & MULT_INSTANCE_FEDERATED) && *p != HOST))
		return MULT_EPERM;
	if (name != NULL && name_owner(name) >= 0)
		return MULT_EEXIST;
	/* The inherited values are charged to the new instance. */
	for (d = 0; d < NDOMS; d++) {
		if (!(DOMS[d].flags & MULT_DOMAIN_INHERIT))
			continue;
		acct_now(&a, d);
		a.live[MAXI] = 1;
		a.parent[MAXI] = *p;
		a.own[MAXI] = own_charge(*p, d);
		a.limit[MAXI] = MULT_UNLIMITED;
		if (a.own[MAXI] != 0 && (rc = m_charge(&a, MAXI)) != 0)
			return rc;
	}
	return 0;
}

static void
apply_create(int p, uint64_t id, const char *name, uint32_t flags)
{
	struct minst *c;
	int i;

	for (i = 0; M.in[i].live; i++)
		;
	c = &M.in[i];
	memset(c, 0, sizeof(*c));
	c->live = 1;
	c->id = id;
	c->parent = p;
	c->depth = M.in[p].depth + 1;
	c->flags = flags;
	if (name != NULL)
		strcpy(c->name, name);
	memcpy(c->val[UTS], M.in[p].val[UTS], sizeof(c->val[UTS]));
	for (i = 0; i < NDOMS; i++)
		c->limit[i] = MULT_UNLIMITED;
	cr_assert(M.nissued < MAXISSUED, "the model's id list is full");
	M.issued[M.nissued++] = id;
}

static void
apply_destroy(int t)
{
	int doomed[MAXI], i, a, k, s;

	/* t's table holds exactly its subtree's objects: drop them above t. */
	for (k = 0; k < PIDS; k++)
		for (a = M.in[t].parent; M.in[t].pid[k] != 0 && a >= 0;
		    a = M.in[a].parent) {
			s = pid_slot(a, M.in[t].pid[k]);
			M.in[a].pid[s] = 0;
			M.in[a].here[s] = 0;
		}
	for (i = 0; i < MAXI; i++)
		doomed[i] = M.in[i].live && is_below(t, i);
	for (i = 0; i < MAXI; i++)
		if (doomed[i])
			M.in[i].live = 0;
}

static int
m_grant(uint64_t id, uint32_t d, uint64_t first, uint64_t count, int *idx)
{
	struct acct a;
	int i, p, e, j, rc;
	uint64_t r;

	*idx = -1;
	if (count == 0)
		return MULT_EINVAL;
	if (first + (count - 1) < first)
		return MULT_ERANGE;
	if ((rc = m_target_allot(id, d, &i)) != 0)
		return rc;
	if (i == HOST)
		return MULT_EPERM;
	if (first < DOMS[d].lo || first + (count - 1) > DOMS[d].hi)
		return MULT_ERANGE;
	if (holds_some(i, d, first, count))
		return MULT_EOVERLAP;
	/* Shared: no first grant while something relies on the ancestor's. */
	if ((DOMS[d].flags & MULT_DOMAIN_SHARED) && !holds_any(i, d))
		for (j = 0; j < MAXI; j++)
			if (M.in[j].live && is_below(i, j) &&
			    ((j != i && holds_any(j, d)) || M.in[j].nmap[d] != 0))
				return MULT_EBUSY;
	p = M.in[i].parent;
	e = eff_of(p, d);
	for (r = first; r < first + count; r++)
		if (!eff_has(e, d, r))
			return MULT_ERANGE;
	if (!(DOMS[d].flags & MULT_DOMAIN_SHARED))
		for (j = 0; j < MAXI; j++)
			if (M.in[j].live && j != p && is_below(p, j) &&
			    holds_some(j, d, first, count))
				return MULT_EOVERLAP;
	acct_now(&a, d);
	a.own[i] += count;
	if ((rc = m_charge(&a, i)) != 0)
		return rc;
	*idx = i;
	return 0;
}

static int
m_revoke(uint64_t id, uint32_t d, uint64_t first, uint64_t count, int *idx)
{
	struct acct a;
	int i, j, rc;
	uint64_t r;

	*idx = -1;
	if (count == 0)
		return MULT_EINVAL;
	if (first + (count - 1) < first)
		return MULT_ERANGE;
	if ((rc = m_target_allot(id, d, &i)) != 0)
		return rc;
	if (i == HOST)
		return MULT_EPERM;
	if (first < DOMS[d].lo || first + (count - 1) > DOMS[d].hi)
		return MULT_ERANGE;
	for (r = first; r < first + count; r++)
		if (!M.in[i].allot[d][r])
			return MULT_ERANGE;
	if (maps_some(i, d, first, count))
		return MULT_EBUSY;
	for (j = 0; j < MAXI; j++)
		if (M.in[j].live && j != i && is_below(i, j) &&
		    (holds_some(j, d, first, count) || maps_some(j, d, first, count)))
			return MULT_EBUSY;
	/* What the children hold (their reservations) must stay backed. */
	acct_now(&a, d);
	if (!(DOMS[d].flags & MULT_DOMAIN_SHARED) &&
	    a_demand(&a, i) > (u128)(a.own[i] - count))
		return MULT_EBUSY;
	*idx = i;
	return 0;
}

/* Also fills res[] with each extent's flattened first resource. */
static int
m_map(uint64_t id, uint32_t d, const struct mult_extent *x, size_t n,
    uint64_t *res, int *idx)
{
	int i, p, e, rc;
	size_t k, l;
	uint64_t r;

	*idx = -1;
	if (n == 0)
		return MULT_EINVAL;
	if (n > MULT_EXTENTS_MAX)
		return MULT_E2BIG;
	if ((rc = m_target(id, d, MULT_KIND_RANGE, &i)) != 0)
		return rc;
	if (i == HOST)
		return MULT_EPERM;
	if (M.in[i].nmap[d] != 0)
		return MULT_EEXIST;
	for (k = 0; k < n; k++) {
		if (x[k].count == 0)
			return MULT_EINVAL;
		if (x[k].first + (x[k].count - 1) < x[k].first ||
		    x[k].lower + (x[k].count - 1) < x[k].lower)
			return MULT_ERANGE;
		if (x[k].first < DOMS[d].lo ||
		    x[k].first + (x[k].count - 1) > DOMS[d].hi)
			return MULT_ERANGE;
	}
	for (k = 0; k < n; k++)
		for (l = k + 1; l < n; l++)
			if (meets(x[k].lower, x[k].count, x[l].lower, x[l].count))
				return MULT_EOVERLAP;
	for (k = 0; k < n; k++)
		for (l = k + 1; l < n; l++)
			if (meets(x[k].first, x[k].count, x[l].first, x[l].count))
				return MULT_EOVERLAP;
	p = M.in[i].parent;
	if (p != HOST && M.in[p].nmap[d] == 0)
		return MULT_ERANGE;
	e = eff_of(i, d);
	for (k = 0; k < n; k++) {
		if (!m_lower(p, d, x[k].lower, x[k].count, &res[k]))
			return MULT_ERANGE;
		for (r = res[k]; r < res[k] + x[k].count; r++)
			if (!eff_has(e, d, r))
				return MULT_ERANGE;
	}
	*idx = i;
	return 0;
}

/* Also fills slot[] with the index chosen at each level, from i up. */
static int
m_alloc(uint64_t id, uint32_t d, uint64_t obj, int *slot, int *idx)
{
	struct acct ac;
	int i, a, lvl, rc;
	uint64_t k;

	*idx = -1;
	if (obj == 0)
		return MULT_EINVAL;
	if ((rc = m_target(id, d, MULT_KIND_NUMBERED, &i)) != 0)
		return rc;
	if (pid_slot(HOST, obj) >= 0)
		return MULT_EEXIST;
	/* The quota first: it says more than a full identity space. */
	acct_now(&ac, d);
	ac.own[i]++;
	if ((rc = m_charge(&ac, i)) != 0)
		return rc;
	for (a = i, lvl = 0; a >= 0; a = M.in[a].parent, lvl++) {
		slot[lvl] = -1;
		for (k = 0; k < PIDS && slot[lvl] < 0; k++) {
			uint64_t s = (M.in[a].cursor + k) % PIDS;

			if (M.in[a].pid[s] == 0)
				slot[lvl] = (int)s;
		}
		if (slot[lvl] < 0)
			return MULT_ENOSPC;
	}
	*idx = i;
	return 0;
}

static void
apply_alloc(int i, uint64_t obj, const int *slot)
{
	int a, lvl;

	for (a = i, lvl = 0; a >= 0; a = M.in[a].parent, lvl++) {
		M.in[a].pid[slot[lvl]] = obj;
		M.in[a].here[slot[lvl]] = a == i;
		M.in[a].cursor = (uint64_t)(slot[lvl] + 1) % PIDS;
	}
}

static int
m_free(uint64_t id, uint32_t d, uint64_t obj, int *idx)
{
	int i, s, rc;

	*idx = -1;
	if (obj == 0)
		return MULT_EINVAL;
	if ((rc = m_target(id, d, MULT_KIND_NUMBERED, &i)) != 0)
		return rc;
	s = pid_slot(i, obj);
	if (s < 0 || !M.in[i].here[s])
		return MULT_ENOENT;
	*idx = i;
	return 0;
}

static void
apply_free(int i, uint64_t obj)
{
	int a, s;

	for (a = i; a >= 0; a = M.in[a].parent) {
		s = pid_slot(a, obj);
		M.in[a].pid[s] = 0;
		M.in[a].here[s] = 0;
	}
}

/* Set (set != 0) or unset. */
static int
m_value(uint64_t id, uint32_t d, const char *key, const void *v, size_t len,
    int set, int *idx)
{
	const struct mval *old;
	struct acct a;
	int i, rc;

	*idx = -1;
	if (set && v == NULL && len != 0)
		return MULT_EINVAL;
	if (key == NULL || key[0] == '\0')
		return MULT_EINVAL;
	if (strlen(key) > MULT_NAME_MAX)
		return MULT_E2BIG;
	if ((rc = m_target(id, d, MULT_KIND_VALUE, &i)) != 0)
		return rc;
	if (set && len > value_max(d))
		return MULT_E2BIG;
	if (!set && (key_index(key) < 0 || !M.in[i].val[d][key_index(key)].set))
		return MULT_ENOENT;
	/* Only growth is charged. */
	old = &M.in[i].val[d][key_index(key)];
	acct_now(&a, d);
	if (set && len > (old->set ? old->len : 0)) {
		a.own[i] += len - (old->set ? old->len : 0);
		if ((rc = m_charge(&a, i)) != 0)
			return rc;
	}
	*idx = i;
	return 0;
}

/* ---- argument pickers ---------------------------------------------------------- */

static int
pick_live(int with_host)
{
	int i, n = live_count() - !with_host, k;

	if (n <= 0)
		return HOST;
	k = (int)below((uint64_t)n);
	for (i = with_host ? 0 : 1; i < MAXI; i++)
		if (M.in[i].live && k-- == 0)
			return i;
	return HOST;
}

static uint64_t
never_issued(void)
{
	for (;;) {
		uint64_t c;

		switch (below(4)) {
		case 0:
			c = below(2) ? 0 : ~(uint64_t)0;
			break;
		case 1:
			c = 2 + below(5000);            /* a slot of generation 0 */
			break;
		default:                                /* a later generation */
			c = M.issued[below(M.nissued)] +
			    ((1 + below(1000)) << 40);
			break;
		}
		if (!was_issued(c))
			return c;
	}
}

/* An instance id: mostly live ones, sometimes destroyed or never issued. */
static uint64_t
pick_id(int host_too)
{
	unsigned r = (unsigned)below(100);
	int tries;

	if (r < 80)
		return M.in[pick_live(host_too)].id;
	if (r < 92)
		for (tries = 0; tries < 8; tries++) {
			uint64_t id = M.issued[below(M.nissued)];
			int i;

			if (m_resolve(id, &i) == MULT_ESTALE)
				return id;
		}
	return never_issued();
}

/* A domain: one of the wanted ones, rarely another kind or a bad index. */
static uint32_t
pick_dom(const uint32_t *want, size_t n)
{
	unsigned r = (unsigned)below(100);

	if (r < 95)
		return want[below(n)];
	if (r < 98)
		return (uint32_t)below(NDOMS);
	return below(2) ? NDOMS + (uint32_t)below(300) : UINT32_MAX;
}

/* An object: mostly a live one (the host sees them all), else 0 or any. */
static uint64_t
pick_obj(void)
{
	uint64_t live[PIDS];
	size_t n = 0, k;

	for (k = 0; k < PIDS; k++)
		if (M.in[HOST].pid[k] != 0)
			live[n++] = M.in[HOST].pid[k];
	if (n > 0 && pct(60))
		return live[below(n)];
	if (pct(10))
		return 0;
	return 1000 + below(M.next_obj - 1000 + 5);
}

static const char *
pick_name(void)
{
	unsigned r = (unsigned)below(100);

	if (r < 40)
		return NULL;
	if (r < 92)
		return NAMES[below(NNAMES)];
	return r < 96 ? "" : LONG_NAME;
}

static const char *
pick_key(void)
{
	unsigned r = (unsigned)below(100);

	if (r < 90)
		return KEYS[below(NKEYS - 1)];
	if (r < 93)
		return KEYS[NKEYS - 1];
	if (r < 96)
		return "";
	return r < 98 ? LONG_NAME : NULL;
}

static const char *
show(const char *s)
{
	return s != NULL ? s : "(NULL)";
}

/* ---- the writes ----------------------------------------------------------------- */

static void op_destroy(struct mult_space *sp);

static void
op_create(struct mult_space *sp)
{
	uint64_t parent = pick_id(1), id = 0, prev;
	const char *name = pick_name();
	uint32_t flags = pct(20) ? MULT_INSTANCE_FEDERATED : pct(3) ? 0x4u : 0;
	int p, want, rc, i;
	size_t k;

	if (live_count() == MAXI) {
		op_destroy(sp);
		return;
	}
	want = m_create(parent, name, flags, &p);
	OP("instance_create(parent=%#" PRIx64 ", name=%s, flags=%#x)", parent,
	    show(name), flags);
	rc = mult_instance_create(&id, sp, parent, name, flags);
	check_rc(rc, want);
	if (rc == 0) {
		/* Never reused; a slot's first id is the slot, then +2^32. */
		cr_assert(id != 0 && !was_issued(id), WHERE "id %#" PRIx64
		    " was issued before", T.seed, T.seq, T.step, T.op, id);
		for (i = 0; i < MAXI; i++)
			cr_assert(!M.in[i].live ||
			    (uint32_t)M.in[i].id != (uint32_t)id, WHERE "id %#"
			    PRIx64 " takes the slot of live %#" PRIx64, T.seed,
			    T.seq, T.step, T.op, id, M.in[i].id);
		prev = (id >> 32) == 0 ? 0 : id - ((uint64_t)1 << 32);
		for (k = 0; k < M.nissued; k++)
			if ((uint32_t)M.issued[k] == (uint32_t)id &&
			    M.issued[k] > prev)
				break;
		cr_assert(k == M.nissued && (prev == 0 || was_issued(prev)),
		    WHERE "id %#" PRIx64 " is not the next generation of its slot",
		    T.seed, T.seq, T.step, T.op, id);
		if (tracing)
			fprintf(stderr, "  new id %#" PRIx64 "\n", id);
		apply_create(p, id, name, flags);
		update_peaks(UTS);
	}
	check_verify(sp);
}

static void
op_destroy(struct mult_space *sp)
{
	uint64_t id = pick_id(1);
	int i, want, rc;

	want = m_resolve(id, &i);
	if (want == 0 && i == HOST)
		want = MULT_EPERM;
	OP("instance_destroy(inst=%#" PRIx64 ")", id);
	rc = mult_instance_destroy(sp, id);
	check_rc(rc, want);
	if (rc == 0)
		apply_destroy(i);
	check_verify(sp);
}

static const uint32_t ALLOT_DOMS[] = { UID, SH, CPU };
static const uint32_t RANGE_DOMS[] = { UID, SH };
static const uint32_t PID_DOMS[] = { PID };
static const uint32_t VALUE_DOMS[] = { UTS, KV };
static const uint32_t CPU_DOMS[] = { CPU };

/* A random interval: small, sometimes past hi, sometimes wrapping. */
static void
pick_interval(uint32_t d, uint64_t *first, uint64_t *count)
{
	uint64_t hi = d < NDOMS ? DOMS[d].hi : 999;
	unsigned r = (unsigned)below(100);

	*first = below(hi + 1);
	*count = 1 + below(hi > 100 ? 16 : 4);
	if (r < 3)
		*count = 0;
	else if (r < 6)
		*first = hi - below(3);
	else if (r < 8)
		*first = UINT64_MAX - below(4);
	else if (r < 10)
		*first = hi + 1 + below(100);
}

/* Does a sibling of i hold r? */
static int
sibling_holds(int i, uint32_t d, uint64_t r)
{
	int j;

	for (j = 1; j < MAXI; j++)
		if (M.in[j].live && j != i && M.in[j].parent == M.in[i].parent &&
		    M.in[j].allot[d][r])
			return 1;
	return 0;
}

/*
 * A resource of i's allotment, or (from_parent) one its parent could
 * grant it: in the parent's effective allotment, held by nobody below the
 * parent (isolated domains), often one the parent maps (so i can map it)
 * or, in a shared domain, one a sibling holds too.
 */
static int
pick_resource(int i, uint32_t d, int from_parent, uint64_t *r)
{
	uint64_t cand[SPAN], x, id;
	int p = M.in[i].parent, e = eff_of(p, d), j, ok, pass;
	int mapped = pct(50), shared = (DOMS[d].flags & MULT_DOMAIN_SHARED) != 0;
	int overlap = shared && pct(50);
	size_t n = 0;

	for (pass = 0; pass < 2 && n == 0; pass++, mapped = overlap = 0)
		for (x = DOMS[d].lo; x <= DOMS[d].hi; x++) {
			if (!from_parent) {
				if (M.in[i].allot[d][x])
					cand[n++] = x;
				continue;
			}
			ok = eff_has(e, d, x) && !M.in[i].allot[d][x] &&
			    (!mapped || (p != HOST && m_up(p, d, x, &id))) &&
			    (!overlap || sibling_holds(i, d, x));
			for (j = 0; ok && !shared && j < MAXI; j++)
				if (M.in[j].live && j != p && is_below(p, j) &&
				    M.in[j].allot[d][x])
					ok = 0;
			if (ok)
				cand[n++] = x;
		}
	if (n == 0)
		return 0;
	*r = cand[below(n)];
	return 1;
}

/* Is r of i's allotment unused: mapped by nobody in i's subtree, held below? */
static int
unused(int i, uint32_t d, uint64_t r)
{
	int j;

	if (!M.in[i].allot[d][r])
		return 0;
	for (j = 1; j < MAXI; j++)
		if (M.in[j].live && is_below(i, j) && (maps_some(j, d, r, 1) ||
		    (j != i && M.in[j].allot[d][r])))
			return 0;
	return 1;
}

/* A whole run of unused resources of i (to give back), if there is one. */
static void
unused_run(int i, uint32_t d, uint64_t *first, uint64_t *count)
{
	uint64_t r;

	for (r = below(DOMS[d].hi + 1); r <= DOMS[d].hi && !unused(i, d, r); r++)
		;
	if (r > DOMS[d].hi)
		return;
	*first = r;
	for (*count = 0; r <= DOMS[d].hi && unused(i, d, r); r++)
		++*count;
}

static void
op_allot(struct mult_space *sp, int grant)
{
	uint32_t d = pick_dom(ALLOT_DOMS, 3);
	uint64_t id, first, count;
	int i, want, rc, smart, k;

	pick_interval(d, &first, &count);
	smart = pct(75);
	id = smart ? M.in[pick_live(0)].id : pick_id(1);
	if (smart && !grant && d < NDOMS && DOMS[d].lo == 0)  /* holders */
		for (k = 0; k < 8 && m_resolve(id, &i) == 0 &&
		    !holds_any(i, d); k++)
			id = M.in[pick_live(0)].id;
	if (smart && d < NDOMS && DOMS[d].lo == 0 && m_resolve(id, &i) == 0 &&
	    i != HOST && (DOMS[d].kind == MULT_KIND_RANGE ||
	    DOMS[d].kind == MULT_KIND_EXCLUSIVE) &&
	    pick_resource(i, d, grant, &first))
		count = 1 + below(DOMS[d].hi > 100 ? (grant ? 24 : 8) : 3);
	if (!grant && smart && pct(25) && m_resolve(id, &i) == 0 && i != HOST &&
	    d < NDOMS && DOMS[d].lo == 0 && DOMS[d].kind != MULT_KIND_VALUE &&
	    DOMS[d].kind != MULT_KIND_NUMBERED)
		unused_run(i, d, &first, &count);
	want = grant ? m_grant(id, d, first, count, &i) :
	    m_revoke(id, d, first, count, &i);
	OP("allot_%s(inst=%#" PRIx64 ", dom=%u, first=%" PRIu64 ", count=%"
	    PRIu64 ")", grant ? "grant" : "revoke", id, d, first, count);
	rc = grant ? mult_allot_grant(sp, id, d, first, count) :
	    mult_allot_revoke(sp, id, d, first, count);
	check_rc(rc, want);
	if (rc == 0) {
		memset(&M.in[i].allot[d][first], grant, count);
		M.in[i].peak[d] = max64(M.in[i].peak[d], own_charge(i, d));
	}
	check_verify(sp);
}

static void
op_grant(struct mult_space *sp)
{
	op_allot(sp, 1);
}

static void
op_revoke(struct mult_space *sp)
{
	op_allot(sp, 0);
}

static void
op_map(struct mult_space *sp)
{
	static struct mult_extent x[MULT_EXTENTS_MAX + 1];
	uint64_t cand[SPAN], res[MAXEXT], id, v, r, first;
	unsigned char usable[SPAN];
	uint32_t d = pick_dom(RANGE_DOMS, 2);
	size_t n = 1 + below(MAXEXT), nc = 0, k;
	int i = -1, want, rc, e;
	char *at;

	id = pct(85) ? M.in[pick_live(0)].id : pick_id(1);
	/* Mostly an instance ready to map: unwritten, parent mapped, a grant. */
	for (k = 0; d < 2 && k < 2 * MAXI && pct(97); k++) {
		i = pick_live(0);
		if (i != HOST && M.in[i].nmap[d] == 0 &&
		    (M.in[i].parent == HOST || M.in[M.in[i].parent].nmap[d]) &&
		    (d == SH || holds_any(i, d))) {
			id = M.in[i].id;
			break;
		}
	}
	/*
	 * Lower ids: mostly identities of the parent's view that lead into i's
	 * allotment, in runs that stay there, each extent's apart.
	 */
	memset(usable, 0, sizeof(usable));
	if (d < NDOMS && DOMS[d].kind == MULT_KIND_RANGE &&
	    m_resolve(id, &i) == 0 && i != HOST && pct(85)) {
		e = eff_of(i, d);
		for (v = 0; v < SPAN; v++)
			if (m_down(M.in[i].parent, d, v, &r) && eff_has(e, d, r))
				usable[v] = 1;
	}
	first = below(900);
	for (k = 0; k < n; k++) {
		for (nc = 0, v = 0; v < SPAN; v++)
			if (usable[v])
				cand[nc++] = v;
		x[k].first = first;
		x[k].lower = nc > 0 ? cand[below(nc)] : below(SPAN);
		for (v = x[k].lower; v < SPAN && usable[v] && v - x[k].lower < 8; v++)
			;
		x[k].count = 1 + below(v > x[k].lower && pct(85) ? v - x[k].lower : 8);
		for (v = x[k].lower; v < SPAN && v < x[k].lower + x[k].count; v++)
			usable[v] = 0;
		first += x[k].count + (pct(5) ? 0 : below(40));
		if (pct(4))
			first = x[k].first;             /* identities overlap */
	}
	switch (below(40)) {                            /* implausible ones */
	case 0: x[below(n)].count = 0; break;
	case 1: x[below(n)].lower = UINT64_MAX - below(4); break;
	case 2: x[below(n)].first = 995 + below(10); break;
	case 3: x[n - 1].lower = x[0].lower; break;     /* lower ranges overlap */
	case 4: n = 0; break;
	case 5: n = MULT_EXTENTS_MAX + 1; break;
	default: break;
	}
	want = m_map(id, d, x, n, res, &i);
	at = T.op + snprintf(T.op, sizeof(T.op), "range_map(inst=%#" PRIx64
	    ", dom=%u, n=%zu:", id, d, n);
	for (k = 0; k < n && k < MAXEXT; k++)
		at += snprintf(at, 64, " [%" PRIu64 " %" PRIu64 " %" PRIu64 "]",
		    x[k].first, x[k].lower, x[k].count);
	snprintf(at, 2, ")");
	trace();
	rc = mult_range_map(sp, id, d, x, n);
	check_rc(rc, want);
	if (rc == 0) {
		M.in[i].nmap[d] = n;
		memcpy(M.in[i].map[d], x, n * sizeof(x[0]));
		memcpy(M.in[i].res[d], res, n * sizeof(res[0]));
	}
	check_verify(sp);
}

static void
op_alloc(struct mult_space *sp)
{
	uint32_t d = pick_dom(PID_DOMS, 1);
	uint64_t id = pick_id(1), obj, got = 0;
	int slot[MAXI], i, want, rc;

	obj = pct(80) ? M.next_obj++ : pick_obj();
	want = m_alloc(id, d, obj, slot, &i);
	OP("num_alloc(inst=%#" PRIx64 ", dom=%u, obj=%" PRIu64 ")", id, d, obj);
	rc = mult_num_alloc(&got, sp, id, d, obj);
	check_rc(rc, want);
	if (rc == 0) {
		check_eq("the identity", got, DOMS[PID].lo + (uint64_t)slot[0]);
		apply_alloc(i, obj, slot);
		update_peaks(PID);
	}
	check_verify(sp);
}

static void
op_free(struct mult_space *sp)
{
	uint32_t d = pick_dom(PID_DOMS, 1);
	uint64_t obj = pick_obj(), id;
	int a = allocator_of(obj), i, want, rc;

	id = a >= 0 && pct(70) ? M.in[a].id : pick_id(1);
	want = m_free(id, d, obj, &i);
	OP("num_free(inst=%#" PRIx64 ", dom=%u, obj=%" PRIu64 ")", id, d, obj);
	rc = mult_num_free(sp, id, d, obj);
	check_rc(rc, want);
	if (rc == 0)
		apply_free(i, obj);
	check_verify(sp);
}

static void
op_value(struct mult_space *sp, int set)
{
	uint32_t d = pick_dom(VALUE_DOMS, 2);
	uint64_t id = pick_id(1);
	const char *key = pick_key();
	unsigned char v[VBUF];
	const void *vp = v;
	size_t len = pct(5) ? 250 + below(10) : below(20), k;
	int i, want, rc;
	struct mval *mv;

	for (k = 0; k < len; k++)
		v[k] = (unsigned char)rnd();
	if (pct(3))
		vp = NULL;
	want = m_value(id, d, key, vp, len, set, &i);
	if (set) {
		OP("value_set(inst=%#" PRIx64 ", dom=%u, key=%s, val=%s, len=%zu)",
		    id, d, show(key), vp != NULL ? "buf" : "NULL", len);
		rc = mult_value_set(sp, id, d, key, vp, len);
	} else {
		OP("value_unset(inst=%#" PRIx64 ", dom=%u, key=%s)", id, d,
		    show(key));
		rc = mult_value_unset(sp, id, d, key);
	}
	check_rc(rc, want);
	if (rc == 0) {
		mv = &M.in[i].val[d][key_index(key)];
		mv->set = set;
		mv->len = set ? len : 0;
		if (set && len != 0)
			memcpy(mv->b, v, len);
		update_peaks(d);
	}
	check_verify(sp);
}

static void
op_set(struct mult_space *sp)
{
	op_value(sp, 1);
}

static void
op_unset(struct mult_space *sp)
{
	op_value(sp, 0);
}

static const uint32_t ALL_DOMS[] = { UID, SH, PID, UTS, KV, CPU };

/*
 * An amount for a limit or a reservation: mostly near what the instance
 * uses or holds now, so both sides of the rule are tried; sometimes none,
 * 0, or near 2^63 and 2^64 (sums that would wrap).
 */
static uint64_t
pick_amount(uint64_t id, uint32_t d)
{
	unsigned r = (unsigned)below(100);
	uint64_t now = 0;
	struct acct a;
	int i;

	if (r < 10)
		return MULT_UNLIMITED;
	if (r < 14)
		return 0;
	if (r < 17)
		return pct(50) ? UINT64_MAX - 1 - below(3) :
		    ((uint64_t)1 << 63) + below(3);
	if (d >= NDOMS || m_resolve(id, &i) != 0)
		return below(40);
	acct_now(&a, d);
	now = is_allot_dom(d) ? a.own[i] : (uint64_t)a_demand(&a, i);
	return now - (now < 3 ? now : 3) + below(is_allot_dom(d) ? 24 : 8);
}

static void
op_limit_or_reserve(struct mult_space *sp, int reserve)
{
	uint32_t d = pick_dom(ALL_DOMS, NDOMS);
	uint64_t id, v;
	int i, want, rc;

	id = pct(85) ? M.in[pick_live(!reserve || pct(10))].id : pick_id(1);
	v = pick_amount(id, d);
	want = reserve ? m_reserve(id, d, v, &i) : m_limit(id, d, v, &i);
	OP("limit_%s(inst=%#" PRIx64 ", dom=%u, %" PRIu64 ")",
	    reserve ? "reserve" : "set", id, d, v);
	rc = reserve ? mult_limit_reserve(sp, id, d, v) :
	    mult_limit_set(sp, id, d, v);
	check_rc(rc, want);
	if (rc == 0 && reserve)
		M.in[i].reserve[d] = v;
	else if (rc == 0)
		M.in[i].limit[d] = v;
	check_verify(sp);
}

static void
op_limit(struct mult_space *sp)
{
	op_limit_or_reserve(sp, 0);
}

static void
op_reserve(struct mult_space *sp)
{
	op_limit_or_reserve(sp, 1);
}

/* ---- the reads: each computes the model's answer and compares ------------------ */

static void
rd_limit(struct mult_space *sp, uint64_t id, uint32_t d)
{
	struct mult_usage u;
	struct acct a;
	int i, exp, rc;

	OP("limit_get(inst=%#" PRIx64 ", dom=%u)", id, d);
	exp = m_target(id, d, 0, &i);
	memset(&u, 0xa5, sizeof(u));
	rc = mult_limit_get(&u, sp, id, d);
	check_rc(rc, exp);
	if (rc != 0)
		return;
	acct_now(&a, d);
	check_eq("the usage", u.usage, (uint64_t)a_usage(&a, i));
	check_eq("the peak", u.peak, i == HOST && is_allot_dom(d) ?
	    dom_size(d) : M.in[i].peak[d]);
	check_eq("the limit", u.limit, M.in[i].limit[d]);
	check_eq("the reservation", u.reserve, M.in[i].reserve[d]);
	check_eq("the refusals", u.refusals, M.in[i].refusals[d]);
	check_eq("the refusing instance", u.refused_by, M.in[i].refused_by[d]);
}

static void
rd_down(struct mult_space *sp, uint64_t id, uint32_t d, uint64_t x)
{
	uint64_t got = 0, want = 0;
	int i, exp, rc;

	OP("range_down(inst=%#" PRIx64 ", dom=%u, id=%" PRIu64 ")", id, d, x);
	exp = m_target(id, d, MULT_KIND_RANGE, &i);
	if (exp == 0 && !m_down(i, d, x, &want))
		exp = MULT_ENOENT;
	rc = mult_range_down(&got, sp, id, d, x);
	check_rc(rc, exp);
	if (rc == 0)
		check_eq("the resource", got, want);
}

static void
rd_up(struct mult_space *sp, uint64_t id, uint32_t d, uint64_t r)
{
	uint64_t got = 0, want = 0;
	int i, exp, rc;

	OP("range_up(viewer=%#" PRIx64 ", dom=%u, res=%" PRIu64 ")", id, d, r);
	exp = m_target(id, d, MULT_KIND_RANGE, &i);
	if (exp == 0 && !m_up(i, d, r, &want))
		exp = MULT_ENOENT;
	rc = mult_range_up(&got, sp, id, d, r);
	check_rc(rc, exp);
	if (rc == 0)
		check_eq("the identity", got, want);
}

static void
rd_range_get(struct mult_space *sp, uint64_t id, uint32_t d, size_t cap)
{
	struct mult_extent out[MAXEXT], want[MAXEXT], t;
	size_t n = 12345, nw = 0, k, l;
	int i, exp, rc;

	OP("range_get(inst=%#" PRIx64 ", dom=%u, cap=%zu)", id, d, cap);
	exp = m_target(id, d, MULT_KIND_RANGE, &i);
	if (exp == 0) {
		nw = M.in[i].nmap[d];
		memcpy(want, M.in[i].map[d], nw * sizeof(want[0]));
		for (k = 0; k < nw; k++)                /* sorted by first */
			for (l = k + 1; l < nw; l++)
				if (want[l].first < want[k].first) {
					t = want[k];
					want[k] = want[l];
					want[l] = t;
				}
		if (nw > cap)
			exp = MULT_ERANGE;
	}
	rc = mult_range_get(cap != 0 ? out : NULL, cap, &n, sp, id, d);
	check_rc(rc, exp);
	if (rc == 0 || rc == MULT_ERANGE)
		check_eq("the number of extents", n, nw);
	for (k = 0; rc == 0 && k < nw; k++) {
		check_eq("an extent's first", out[k].first, want[k].first);
		check_eq("an extent's lower", out[k].lower, want[k].lower);
		check_eq("an extent's count", out[k].count, want[k].count);
	}
}

static void
rd_allot_get(struct mult_space *sp, uint64_t id, uint32_t d, size_t cap)
{
	struct mult_interval out[SPAN / 2 + 1], want[SPAN / 2 + 1];
	size_t n = 12345, nw = 0, k;
	uint64_t r;
	int i, exp, rc;

	OP("allot_get(inst=%#" PRIx64 ", dom=%u, cap=%zu)", id, d, cap);
	exp = m_target_allot(id, d, &i);
	if (exp == 0 && i == HOST) {
		want[0].first = DOMS[d].lo;
		want[0].count = DOMS[d].hi - DOMS[d].lo + 1;
		nw = 1;
	}
	for (r = 0; exp == 0 && i != HOST && r <= DOMS[d].hi; r++) {
		if (!M.in[i].allot[d][r])
			continue;
		if (nw > 0 && want[nw - 1].first + want[nw - 1].count == r) {
			want[nw - 1].count++;
		} else {
			want[nw].first = r;
			want[nw++].count = 1;
		}
	}
	if (exp == 0 && nw > cap)
		exp = MULT_ERANGE;
	rc = mult_allot_get(cap != 0 ? out : NULL, cap, &n, sp, id, d);
	check_rc(rc, exp);
	if (rc == 0 || rc == MULT_ERANGE)
		check_eq("the number of intervals", n, nw);
	for (k = 0; rc == 0 && k < nw; k++) {
		check_eq("an interval's first", out[k].first, want[k].first);
		check_eq("an interval's count", out[k].count, want[k].count);
	}
}

static void
rd_lookup(struct mult_space *sp, uint64_t id, uint32_t d, uint64_t x)
{
	uint64_t got = 0, want = 0;
	int i, exp, rc;

	OP("num_lookup(inst=%#" PRIx64 ", dom=%u, id=%" PRIu64 ")", id, d, x);
	exp = m_target(id, d, MULT_KIND_NUMBERED, &i);
	if (exp == 0 && x >= DOMS[PID].lo && x <= DOMS[PID].hi)
		want = M.in[i].pid[x - DOMS[PID].lo];
	if (exp == 0 && want == 0)
		exp = MULT_ENOENT;
	rc = mult_num_lookup(&got, sp, id, d, x);
	check_rc(rc, exp);
	if (rc == 0)
		check_eq("the object", got, want);
}

static void
rd_number(struct mult_space *sp, uint64_t id, uint32_t d, uint64_t obj)
{
	uint64_t got = 0;
	int i, s = -1, exp, rc;

	OP("num_number(viewer=%#" PRIx64 ", dom=%u, obj=%" PRIu64 ")", id, d,
	    obj);
	exp = m_target(id, d, MULT_KIND_NUMBERED, &i);
	if (exp == 0 && (s = pid_slot(i, obj)) < 0)
		exp = MULT_ENOENT;
	rc = mult_num_number(&got, sp, id, d, obj);
	check_rc(rc, exp);
	if (rc == 0)
		check_eq("the identity", got, DOMS[PID].lo + (uint64_t)s);
}

static void
rd_value_get(struct mult_space *sp, uint64_t id, uint32_t d, const char *key,
    size_t cap)
{
	unsigned char buf[VBUF];
	size_t len = 12345;
	const struct mval *mv = NULL;
	int i = -1, exp, rc;

	OP("value_get(inst=%#" PRIx64 ", dom=%u, key=%s, cap=%zu)", id, d,
	    show(key), cap);
	if (key == NULL || key[0] == '\0' || strlen(key) > MULT_NAME_MAX)
		exp = MULT_EINVAL;
	else
		exp = m_target(id, d, MULT_KIND_VALUE, &i);
	if (exp == 0 && key_index(key) >= 0)
		mv = &M.in[i].val[d][key_index(key)];
	if (exp == 0 && (mv == NULL || !mv->set))
		exp = MULT_ENOENT;
	if (exp == 0 && mv->len > cap)
		exp = MULT_ERANGE;
	rc = mult_value_get(cap != 0 ? buf : NULL, cap, &len, sp, id, d, key);
	check_rc(rc, exp);
	if (rc == 0 || rc == MULT_ERANGE)
		check_eq("the value's length", len, mv->len);
	if (rc == 0)
		cr_assert(len == 0 || memcmp(buf, mv->b, len) == 0,
		    WHERE "the value's bytes differ", T.seed, T.seq, T.step, T.op);
}

static void
rd_owner(struct mult_space *sp, uint32_t d, uint64_t u)
{
	uint64_t got = 0;
	int exp = 0, rc;

	OP("excl_owner(dom=%u, unit=%" PRIu64 ")", d, u);
	if (d >= NDOMS)
		exp = MULT_EINVAL;
	else if (DOMS[d].kind != MULT_KIND_EXCLUSIVE)
		exp = MULT_EKIND;
	else if (u < DOMS[d].lo || u > DOMS[d].hi)
		exp = MULT_ERANGE;
	rc = mult_excl_owner(&got, sp, d, u);
	check_rc(rc, exp);
	if (rc == 0)
		check_eq("the owner", got, M.in[owner_of(d, u)].id);
}

static void
rd_info(struct mult_space *sp, uint64_t id)
{
	struct mult_instance_info info;
	const struct minst *m;
	int i, exp, rc;

	OP("instance_info(inst=%#" PRIx64 ")", id);
	exp = m_resolve(id, &i);
	memset(&info, 0, sizeof(info));
	rc = mult_instance_info(&info, sp, id);
	check_rc(rc, exp);
	if (rc != 0)
		return;
	m = &M.in[i];
	check_eq("the id", info.id, m->id);
	check_eq("the parent", info.parent, m->parent >= 0 ? M.in[m->parent].id : 0);
	check_eq("the depth", info.depth, m->depth);
	check_eq("the flags", info.flags, m->flags);
	cr_assert(strcmp(info.name, m->name) == 0, WHERE "the name is \"%s\", "
	    "the model expects \"%s\"", T.seed, T.seq, T.step, T.op, info.name,
	    m->name);
}

static void
rd_find(struct mult_space *sp, const char *name)
{
	uint64_t got = 0;
	int i = name_owner(name), rc;

	OP("instance_find(name=%s)", name);
	rc = mult_instance_find(&got, sp, name);
	check_rc(rc, i >= 0 ? 0 : MULT_ENOENT);
	if (rc == 0)
		check_eq("the id", got, M.in[i].id);
}

/* A random read, with arguments that mostly hit something. */
static void
op_read(struct mult_space *sp)
{
	uint64_t id = pick_id(1), x = below(1100), r;
	uint32_t d;
	int i;

	switch (below(10)) {
	case 0:
	case 1:
		d = pick_dom(RANGE_DOMS, 2);
		/* Mostly identities the instance maps (or its neighbours). */
		if (d < 2 && m_resolve(id, &i) == 0 && M.in[i].nmap[d] != 0 &&
		    pct(70)) {
			const struct mult_extent *e =
			    &M.in[i].map[d][below(M.in[i].nmap[d])];

			x = e->first + below(e->count + 2) - 1;
		} else if (pct(3)) {
			x = UINT64_MAX - below(3);
		}
		rd_down(sp, id, d, x);
		break;
	case 2:
	case 3:
		d = pick_dom(RANGE_DOMS, 2);
		/* Mostly resources someone maps: visible or not to this viewer. */
		i = pick_live(0);
		if (d < 2 && M.in[i].nmap[d] != 0 && pct(80)) {
			size_t k = below(M.in[i].nmap[d]);

			x = M.in[i].res[d][k] + below(M.in[i].map[d][k].count + 2) - 1;
		}
		rd_up(sp, id, d, x);
		break;
	case 4:
		rd_lookup(sp, id, pick_dom(PID_DOMS, 1), below(PIDS + 3));
		break;
	case 5:
		rd_number(sp, id, pick_dom(PID_DOMS, 1), pick_obj());
		break;
	case 6:
		rd_value_get(sp, id, pick_dom(VALUE_DOMS, 2), pick_key(),
		    pct(70) ? VBUF : below(20));
		break;
	case 7:
		r = pct(90) ? below(70) : UINT64_MAX - below(3);
		rd_owner(sp, pick_dom(CPU_DOMS, 1), r);
		break;
	case 8:
		if (pct(50))
			rd_allot_get(sp, id, pick_dom(ALLOT_DOMS, 3),
			    pct(70) ? SPAN / 2 : below(4));
		else
			rd_range_get(sp, id, pick_dom(RANGE_DOMS, 2),
			    pct(70) ? MAXEXT : below(3));
		break;
	default:
		if (pct(33))
			rd_info(sp, id);
		else if (pct(50))
			rd_limit(sp, id, pick_dom(ALL_DOMS, NDOMS));
		else
			rd_find(sp, pct(90) ? NAMES[below(NNAMES)] :
			    pct(50) ? "" : LONG_NAME);
		break;
	}
}

/* Compare everything a reader can see with the model. */
static void
check_all(struct mult_space *sp)
{
	const uint32_t ranges[] = { UID, SH };
	uint64_t x;
	size_t k, j;
	int i;

	for (i = 0; i < MAXI; i++) {
		const struct minst *m = &M.in[i];

		if (!m->live)
			continue;
		rd_info(sp, m->id);
		for (k = 0; k < 3; k++)
			rd_allot_get(sp, m->id, ALLOT_DOMS[k], SPAN / 2);
		for (j = 0; j < 2; j++) {
			uint32_t d = ranges[j];

			rd_range_get(sp, m->id, d, MAXEXT);
			for (k = 0; k < m->nmap[d]; k++) {
				const struct mult_extent *e = &m->map[d][k];

				rd_down(sp, m->id, d, e->first - 1);
				rd_down(sp, m->id, d, e->first);
				rd_down(sp, m->id, d, e->first + e->count - 1);
				rd_down(sp, m->id, d, e->first + e->count);
				rd_up(sp, m->id, d, m->res[d][k] - 1);
				rd_up(sp, m->id, d, m->res[d][k]);
				rd_up(sp, m->id, d, m->res[d][k] + e->count - 1);
				rd_up(sp, m->id, d, m->res[d][k] + e->count);
			}
		}
		for (x = 0; x <= PIDS + 1; x++)
			rd_lookup(sp, m->id, PID, x);
		for (k = 0; k < PIDS; k++)
			if (M.in[HOST].pid[k] != 0)
				rd_number(sp, m->id, PID, M.in[HOST].pid[k]);
		for (k = 0; k < NKEYS; k++) {
			rd_value_get(sp, m->id, UTS, KEYS[k], VBUF);
			rd_value_get(sp, m->id, KV, KEYS[k], VBUF);
		}
		for (k = 0; k < NDOMS; k++)
			rd_limit(sp, m->id, (uint32_t)k);
	}
	for (x = 0; x <= DOMS[CPU].hi; x++)
		rd_owner(sp, CPU, x);
	for (k = 0; k < M.nissued; k++)
		rd_info(sp, M.issued[k]);               /* live or ESTALE */
	for (k = 0; k < NNAMES; k++)
		rd_find(sp, NAMES[k]);
}

/* ---- the sequences ------------------------------------------------------------- */

static const struct op {
	const char *name;
	void (*run)(struct mult_space *sp);
	unsigned weight;
} OPS[] = {
	{ "instance_create", op_create, 6 },
	{ "instance_destroy", op_destroy, 2 },
	{ "allot_grant", op_grant, 14 },
	{ "allot_revoke", op_revoke, 6 },
	{ "range_map", op_map, 8 },
	{ "num_alloc", op_alloc, 10 },
	{ "num_free", op_free, 4 },
	{ "value_set", op_set, 6 },
	{ "value_unset", op_unset, 3 },
	{ "limit_set", op_limit, 3 },
	{ "limit_reserve", op_reserve, 3 },
	{ "reads", op_read, 38 },
};
#define NOPS (sizeof(OPS) / sizeof(OPS[0]))

/* How often each op ended with each code (-code: 0 success .. 14 EPERM). */
static unsigned long stats[NOPS][16];

static void
run_sequence(int seq)
{
	struct mult_space_opts opts = MULT_SPACE_OPTS_INIT;
	struct mult_space *sp = NULL;
	unsigned total = 0, w;
	size_t k;
	uint32_t d, got;

	T.seq = seq;
	T.step = -1;
	rng = mix(T.seed ^ mix((uint64_t)seq + 1));
	opts.seed = rnd() | 1;
	memset(&M, 0, sizeof(M));
	M.in[HOST].live = 1;
	M.in[HOST].id = MULT_HOST;
	for (d = 0; d < NDOMS; d++)
		M.in[HOST].limit[d] = MULT_UNLIMITED;
	M.in[HOST].parent = -1;
	M.issued[M.nissued++] = MULT_HOST;
	M.next_obj = 1000;

	OP("space and domain setup");
	check_rc(mult_space_create(&sp, &opts), 0);
	for (d = 0; d < NDOMS; d++) {
		struct mult_domain_opts o = MULT_DOMAIN_OPTS_INIT(DOMS[d].kind,
		    DOMS[d].lo, DOMS[d].hi);

		o.flags = DOMS[d].flags;
		o.value_max = DOMS[d].value_max;
		check_rc(mult_domain_create(&got, sp, DOMS[d].name, &o), 0);
		check_eq("the domain index", got, d);
	}
	for (k = 0; k < NOPS; k++)
		total += OPS[k].weight;
	for (T.step = 0; T.step < STEPS; T.step++) {
		w = (unsigned)below(total);
		for (k = 0; w >= OPS[k].weight; k++)
			w -= OPS[k].weight;
		T.last_rc = 1;                          /* 1: no call made */
		OPS[k].run(sp);
		stats[k][T.last_rc <= 0 && T.last_rc > -15 ? -T.last_rc : 15]++;
		if (T.step % CHECK_ALL_EVERY == CHECK_ALL_EVERY - 1)
			check_all(sp);
	}
	check_all(sp);
	mult_space_destroy(sp);
}

Test(property, random_sequences, .timeout = 600)
{
	const char *seed = getenv("MULT_SEED"), *only = getenv("MULT_SEQ");
	struct timespec ts;
	int seq, c;
	size_t k;

	tracing = getenv("MULT_PROP_TRACE") != NULL;
	if (seed != NULL && seed[0] != '\0') {
		T.seed = strtoull(seed, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		T.seed = mix((uint64_t)ts.tv_sec * 1000000000u +
		    (uint64_t)ts.tv_nsec + ((uint64_t)getpid() << 40));
	}
	fprintf(stderr, "property: MULT_SEED=0x%016" PRIx64 ", %d sequences x "
	    "%d steps\n", T.seed, SEQUENCES, STEPS);
	for (seq = 0; seq < SEQUENCES; seq++)
		if (only == NULL || atoi(only) == seq)
			run_sequence(seq);
	for (k = 0; k < NOPS; k++) {
		fprintf(stderr, "property: %-16s", OPS[k].name);
		for (c = 0; c < 16; c++)
			if (stats[k][c] != 0)
				fprintf(stderr, " %s %lu", c == 15 ? "skipped" :
				    c == 0 ? "ok" : mult_strerror(-c), stats[k][c]);
		fprintf(stderr, "\n");
	}
}
