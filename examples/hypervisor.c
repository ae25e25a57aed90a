/*
 * hypervisor: libmult in a program with no C library and no malloc, as a
 * hypervisor or a kernel would embed it.
 *
 * Built -ffreestanding -nostdlib -static with the core (src/core) and the
 * freestanding backend (src/freestanding): its own _start, write(2) and
 * exit_group(2) as raw x86_64 Linux system calls, a static arena allocator
 * (one free list per power-of-two size class), and its own grace periods:
 * the program is single-threaded, so a grace period has passed whenever no
 * read section is open; queued callbacks run after every write (when the
 * writer lock is released outside any read section) and in barrier.
 *
 * The host partitions three kinds of hardware between three guests:
 * memory in 4 KiB frames, CPUs 0-7 and PCI functions (bus:dev.fn), all
 * exclusive domains. Overlapping assignments are refused, one guest's
 * memory is capped by a limit, a destroyed guest's hardware goes back to
 * the host, and mult_verify checks the whole space. At the end every byte
 * of the arena has been given back.
 *
 * Exit 0 only if every call gave exactly the expected result.
 *
 * SPDX-License-Identifier: ISC
 */
#include <mult.h>
#include <mult/freestanding.h>
#include <mult/limit.h>

#if !defined(__x86_64__) || !defined(__linux__)
#error "hypervisor.c: the _start and system calls are for x86_64 Linux"
#endif

/* ---- the "firmware": system calls, output -------------------------------- */

static long
hv_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ __volatile__("syscall"
	    : "=a"(ret)
	    : "a"(nr), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return ret;
}

__attribute__((noreturn)) static void
hv_exit(int code)
{
	for (;;)
		hv_syscall3(231 /* exit_group */, code, 0, 0);
}

static void
hv_write(const char *s, unsigned long n)
{
	while (n > 0) {
		long w = hv_syscall3(1 /* write */, 1, (long)s, (long)n);

		if (w <= 0)
			return;
		s += w;
		n -= (unsigned long)w;
	}
}

static unsigned long
hv_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static void
hv_puts(const char *s)
{
	hv_write(s, hv_strlen(s));
}

static void
hv_putu(uint64_t v)
{
	char buf[24];
	int i = (int)sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	hv_write(buf + i, sizeof(buf) - (unsigned long)i);
}

static void
hv_puthex(uint64_t v, int digits)
{
	char buf[16];
	int i;

	for (i = digits - 1; i >= 0; i--) {
		buf[i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	hv_write(buf, (unsigned long)digits);
}

static int hv_failures;

/* Check that a call returned exactly what was expected. */
#define EXPECT(want, call) hv_expect((want), (call), #call, __LINE__)

static int
hv_expect(int want, int got, const char *what, int line)
{
	if (got != want) {
		hv_puts("FAIL line ");
		hv_putu((uint64_t)line);
		hv_puts(": ");
		hv_puts(what);
		hv_puts(": got ");
		hv_puts(mult_strerror(got));
		hv_puts(", expected ");
		hv_puts(mult_strerror(want));
		hv_puts("\n");
		hv_failures++;
	}
	return got == want;
}

static void
hv_check(int ok, const char *what)
{
	if (!ok) {
		hv_puts("FAIL: ");
		hv_puts(what);
		hv_puts("\n");
		hv_failures++;
	}
}

/* ---- the arena allocator ------------------------------------------------- */

#define HV_ARENA_SIZE (2u << 20)
#define HV_MIN_SHIFT 5  /* 32-byte blocks at least */
#define HV_CLASSES 22   /* up to 2^(5+21) = 64 MiB, more than the arena */

/* Every block starts with this header; the payload after it is 16-aligned. */
struct hv_block {
	union {
		struct hv_block *next; /* on a free list */
		size_t asked;          /* in use: the size asked for */
	} u;
	uint32_t cls;
	uint32_t magic;
};

#define HV_MAGIC_USED 0x75736564u
#define HV_MAGIC_FREE 0x66726565u

struct hv_arena {
	unsigned char *base;
	size_t used;                   /* bump pointer */
	struct hv_block *free[HV_CLASSES];
	size_t live;                   /* bytes asked for and not freed */
	size_t peak;
	unsigned long allocs, frees, failures;
	unsigned long bad_frees;       /* wrong pointer or wrong size */
};

static unsigned char hv_memory[HV_ARENA_SIZE] __attribute__((aligned(64)));
static struct hv_arena hv_arena = { hv_memory, 0, { NULL }, 0, 0, 0, 0, 0, 0 };

/* The grace-period machinery below counts contract violations here. */
static unsigned long hv_contract_violations;
static int hv_read_depth;
static int hv_lock_depth;

static void *
hv_alloc(void *ctx, size_t size)
{
	struct hv_arena *a = ctx;
	struct hv_block *b;
	size_t need = size + sizeof(struct hv_block);
	uint32_t cls = 0;

	if (hv_read_depth != 0)
		hv_contract_violations++; /* never inside a read section */
	while (((size_t)1 << (cls + HV_MIN_SHIFT)) < need) {
		if (++cls == HV_CLASSES) {
			a->failures++;
			return NULL;
		}
	}
	b = a->free[cls];
	if (b != NULL) {
		a->free[cls] = b->u.next;
	} else {
		size_t bytes = (size_t)1 << (cls + HV_MIN_SHIFT);

		if (HV_ARENA_SIZE - a->used < bytes) {
			a->failures++;
			return NULL;
		}
		b = (struct hv_block *)(void *)(a->base + a->used);
		a->used += bytes;
	}
	b->u.asked = size;
	b->cls = cls;
	b->magic = HV_MAGIC_USED;
	a->live += size;
	if (a->live > a->peak)
		a->peak = a->live;
	a->allocs++;
	return b + 1;
}

static void
hv_free(void *ctx, void *ptr, size_t size)
{
	struct hv_arena *a = ctx;
	struct hv_block *b;

	if (ptr == NULL)
		return;
	b = (struct hv_block *)ptr - 1;
	if ((unsigned char *)b < a->base || (unsigned char *)b >= a->base +
	    a->used || b->magic != HV_MAGIC_USED || b->u.asked != size) {
		a->bad_frees++;
		return;
	}
	a->live -= size;
	a->frees++;
	b->magic = HV_MAGIC_FREE;
	b->u.next = a->free[b->cls];
	a->free[b->cls] = b;
}

/* ---- the lock and the grace periods -------------------------------------- */

/* One thread: the lock only checks that it is used as the seam says. */
struct hv_lock {
	int held;
};

static void *
hv_lock_create(void *ctx)
{
	struct hv_lock *l = hv_alloc(ctx, sizeof(*l));

	if (l != NULL)
		l->held = 0;
	return l;
}

static void
hv_lock_destroy(void *ctx, void *lock)
{
	hv_free(ctx, lock, sizeof(struct hv_lock));
}

/* The deferred call rides in the core's mult_rcu_head. */
struct hv_deferred {
	struct hv_deferred *next;
	void (*fn)(struct mult_rcu_head *head);
};

_Static_assert(sizeof(struct hv_deferred) <= sizeof(struct mult_rcu_head),
    "struct mult_rcu_head is too small for the deferred-call queue");

static struct hv_deferred *hv_queue_head, **hv_queue_tail = &hv_queue_head;
static unsigned long hv_queued, hv_ran;

/* Run every queued callback: only when no reader can hold anything. */
static void
hv_drain(void)
{
	if (hv_read_depth != 0)
		return;
	while (hv_queue_head != NULL) {
		struct hv_deferred *d = hv_queue_head;

		hv_queue_head = d->next;
		if (hv_queue_head == NULL)
			hv_queue_tail = &hv_queue_head;
		d->fn((struct mult_rcu_head *)(void *)d);
		hv_ran++;
	}
}

static void
hv_lock(void *ctx, void *lock)
{
	struct hv_lock *l = lock;

	(void)ctx;
	if (hv_read_depth != 0 || l->held)
		hv_contract_violations++; /* never in a read section; no recursion */
	l->held = 1;
	hv_lock_depth++;
}

static void
hv_unlock(void *ctx, void *lock)
{
	struct hv_lock *l = lock;

	(void)ctx;
	if (!l->held)
		hv_contract_violations++;
	l->held = 0;
	hv_lock_depth--;
	hv_drain(); /* after each write */
}

static void
hv_read_enter(void *ctx)
{
	(void)ctx;
	hv_read_depth++;
}

static void
hv_read_exit(void *ctx)
{
	(void)ctx;
	if (hv_read_depth <= 0)
		hv_contract_violations++;
	hv_read_depth--;
}

static void
hv_call_rcu(void *ctx, struct mult_rcu_head *head,
    void (*fn)(struct mult_rcu_head *head))
{
	struct hv_deferred *d = (struct hv_deferred *)(void *)head;

	(void)ctx;
	d->fn = fn;
	d->next = NULL;
	*hv_queue_tail = d;
	hv_queue_tail = &d->next;
	hv_queued++;
}

static void
hv_barrier(void *ctx)
{
	(void)ctx;
	if (hv_read_depth != 0)
		hv_contract_violations++;
	hv_drain();
}

static uint64_t hv_seed = 0x243f6a8885a308d3ULL;

/* xorshift64: a seed for the hash tables; need not be cryptographic. */
static uint64_t
hv_random(void *ctx)
{
	(void)ctx;
	hv_seed ^= hv_seed << 13;
	hv_seed ^= hv_seed >> 7;
	hv_seed ^= hv_seed << 17;
	return hv_seed;
}

__attribute__((noreturn)) static void
hv_panic(void *ctx, const char *msg)
{
	(void)ctx;
	hv_puts("hypervisor: panic: ");
	hv_puts(msg);
	hv_puts("\n");
	hv_exit(2);
}

/* ---- the hypervisor ------------------------------------------------------ */

#define FRAME_SHIFT 12                  /* 4 KiB frames */
#define FRAMES(mib) ((uint64_t)(mib) << (20 - FRAME_SHIFT))
#define PCI(bus, dev, fn) (((uint64_t)(bus) << 8) | ((uint64_t)(dev) << 3) | (fn))

struct hv {
	struct mult_space *sp;
	uint32_t mem, cpu, pci;
	uint64_t guest[3];
};

static const char *hv_guest_names[3] = { "guest0", "guest1", "guest2" };

static void
hv_put_owner(struct hv *hv, uint64_t owner)
{
	struct mult_instance_info info;

	if (owner == MULT_HOST) {
		hv_puts("host");
		return;
	}
	if (EXPECT(0, mult_instance_info(&info, hv->sp, owner)))
		hv_puts(info.name);
}

static void
hv_put_unit(uint32_t dom, struct hv *hv, uint64_t unit)
{
	if (dom == hv->mem) {
		hv_puts("frame 0x");
		hv_puthex(unit, 5);
		hv_puts(" (0x");
		hv_puthex(unit << FRAME_SHIFT, 9);
		hv_puts(")");
	} else if (dom == hv->cpu) {
		hv_puts("cpu ");
		hv_putu(unit);
	} else {
		hv_puts("pci ");
		hv_puthex(unit >> 8, 2);
		hv_puts(":");
		hv_puthex((unit >> 3) & 31, 2);
		hv_puts(".");
		hv_putu(unit & 7);
	}
}

/* Print and check the owner of one unit. */
static void
hv_show_owner(struct hv *hv, uint32_t dom, uint64_t unit, uint64_t want)
{
	uint64_t owner = 0;

	if (!EXPECT(0, mult_excl_owner(&owner, hv->sp, dom, unit)))
		return;
	hv_puts("  ");
	hv_put_unit(dom, hv, unit);
	hv_puts(" -> ");
	hv_put_owner(hv, owner);
	hv_puts("\n");
	hv_check(owner == want, "owner() names the expected instance");
}

/* Grant and report. */
static void
hv_assign(struct hv *hv, int g, uint32_t dom, uint64_t first, uint64_t count,
    int want)
{
	int err = mult_allot_grant(hv->sp, hv->guest[g], dom, first, count);

	hv_puts("  assign ");
	hv_put_unit(dom, hv, first);
	if (dom == hv->mem && count >= FRAMES(1)) {
		hv_puts(" +");
		hv_putu(count >> (20 - FRAME_SHIFT));
		hv_puts(" MiB");
	} else if (count > 1) {
		hv_puts(" +");
		hv_putu(count);
	}
	hv_puts(" to ");
	hv_puts(hv_guest_names[g]);
	hv_puts(": ");
	hv_puts(err == 0 ? "ok" : mult_strerror(err));
	hv_puts(err != 0 && err == want ? " (refused, as expected)\n" : "\n");
	EXPECT(want, err);
}

static uint64_t
hv_allotted(struct hv *hv, uint64_t inst, uint32_t dom)
{
	struct mult_interval iv[8];
	size_t n = 0, i;
	uint64_t total = 0;

	if (!EXPECT(0, mult_allot_get(iv, 8, &n, hv->sp, inst, dom)))
		return 0;
	for (i = 0; i < n; i++)
		total += iv[i].count;
	return total;
}

static void
hv_run(void)
{
	struct mult_freestanding_ops ops = MULT_FREESTANDING_OPS_INIT;
	struct mult_domain_opts mem = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, FRAMES(4096) - 1);             /* 4 GiB of frames */
	struct mult_domain_opts cpu = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, 7);
	struct mult_domain_opts pci = MULT_DOMAIN_OPTS_INIT(MULT_KIND_EXCLUSIVE,
	    0, 0xffff);                       /* bus:dev.fn */
	struct mult_usage use;
	struct mult_violation bad;
	struct mult_instance_info info;
	struct hv hv;
	uint64_t id;
	int g;

	/* Register the services; the backend refuses a second, different table. */
	EXPECT(MULT_EINVAL, mult_freestanding_init(&ops)); /* nothing filled in */
	ops.alloc = hv_alloc;
	ops.free = hv_free;
	ops.lock_create = hv_lock_create;
	ops.lock_destroy = hv_lock_destroy;
	ops.lock = hv_lock;
	ops.unlock = hv_unlock;
	ops.read_enter = hv_read_enter;
	ops.read_exit = hv_read_exit;
	ops.call_rcu = hv_call_rcu;
	ops.barrier = hv_barrier;
	ops.random = hv_random;
	ops.panic = hv_panic;
	ops.ctx = &hv_arena;
	EXPECT(0, mult_freestanding_init(&ops));
	EXPECT(0, mult_freestanding_init(&ops)); /* the same table again */
	ops.random = NULL;
	EXPECT(MULT_EBUSY, mult_freestanding_init(&ops));
	ops.random = hv_random;

	hv_puts("hypervisor: libmult ");
	hv_putu(mult_version() >> 16);
	hv_puts(".");
	hv_putu((mult_version() >> 8) & 0xff);
	hv_puts(".");
	hv_putu(mult_version() & 0xff);
	hv_puts(", no libc, a ");
	hv_putu(HV_ARENA_SIZE >> 10);
	hv_puts(" KiB static arena\n");

	if (!EXPECT(0, mult_space_create(&hv.sp, NULL)))
		return;
	EXPECT(0, mult_domain_create(&hv.mem, hv.sp, "mem", &mem));
	EXPECT(0, mult_domain_create(&hv.cpu, hv.sp, "cpu", &cpu));
	EXPECT(0, mult_domain_create(&hv.pci, hv.sp, "pci", &pci));
	for (g = 0; g < 3; g++)
		EXPECT(0, mult_instance_create(&hv.guest[g], hv.sp, MULT_HOST,
		    hv_guest_names[g], 0));

	/* guest0 may never hold more than 256 MiB, whatever it is granted. */
	EXPECT(0, mult_limit_set(hv.sp, hv.guest[0], hv.mem, FRAMES(256)));

	hv_puts("partition:\n");
	/* Memory: the host keeps the first 256 MiB. */
	hv_assign(&hv, 0, hv.mem, FRAMES(256), FRAMES(128), 0);
	hv_assign(&hv, 1, hv.mem, FRAMES(384), FRAMES(512), 0);
	hv_assign(&hv, 2, hv.mem, FRAMES(1024), FRAMES(1024), 0);
	/* CPUs: the host keeps cpu 0. */
	hv_assign(&hv, 0, hv.cpu, 1, 1, 0);
	hv_assign(&hv, 1, hv.cpu, 2, 2, 0);
	hv_assign(&hv, 2, hv.cpu, 4, 4, 0);
	/* PCI: a GPU, a two-function NIC, an NVMe drive. */
	hv_assign(&hv, 0, hv.pci, PCI(0, 2, 0), 1, 0);
	hv_assign(&hv, 1, hv.pci, PCI(0, 3, 0), 2, 0);
	hv_assign(&hv, 2, hv.pci, PCI(1, 0, 0), 1, 0);

	hv_puts("overlapping assignments:\n");
	/* The last MiB of guest0's memory and the first of guest1's. */
	hv_assign(&hv, 2, hv.mem, FRAMES(383), FRAMES(2), MULT_EOVERLAP);
	hv_assign(&hv, 0, hv.cpu, 3, 1, MULT_EOVERLAP);
	hv_assign(&hv, 2, hv.pci, PCI(0, 3, 1), 1, MULT_EOVERLAP);
	hv_assign(&hv, 1, hv.cpu, 2, 1, MULT_EOVERLAP); /* its own, again */

	hv_puts("limit:\n");
	/* 128 MiB more would take guest0 to 256 MiB: allowed; 1 frame more: not. */
	hv_assign(&hv, 0, hv.mem, FRAMES(2048), FRAMES(128), 0);
	hv_assign(&hv, 0, hv.mem, FRAMES(2176), 1, MULT_EQUOTA);
	if (EXPECT(0, mult_limit_get(&use, hv.sp, hv.guest[0], hv.mem))) {
		hv_puts("  guest0 holds ");
		hv_putu(use.usage >> (20 - FRAME_SHIFT));
		hv_puts(" MiB of a ");
		hv_putu(use.limit >> (20 - FRAME_SHIFT));
		hv_puts(" MiB limit, ");
		hv_putu(use.refusals);
		hv_puts(" refusal(s)\n");
		hv_check(use.usage == FRAMES(256) && use.limit == FRAMES(256) &&
		    use.refusals == 1, "guest0's memory usage and limit");
	}

	hv_puts("owners:\n");
	hv_show_owner(&hv, hv.mem, 0, MULT_HOST);
	hv_show_owner(&hv, hv.mem, FRAMES(300), hv.guest[0]);
	hv_show_owner(&hv, hv.mem, FRAMES(384), hv.guest[1]);
	hv_show_owner(&hv, hv.mem, FRAMES(2047) + 255, hv.guest[2]);
	hv_show_owner(&hv, hv.mem, FRAMES(2100), hv.guest[0]);
	hv_show_owner(&hv, hv.cpu, 0, MULT_HOST);
	hv_show_owner(&hv, hv.cpu, 3, hv.guest[1]);
	hv_show_owner(&hv, hv.cpu, 7, hv.guest[2]);
	hv_show_owner(&hv, hv.pci, PCI(0, 3, 1), hv.guest[1]);
	hv_show_owner(&hv, hv.pci, PCI(1, 0, 0), hv.guest[2]);
	hv_show_owner(&hv, hv.pci, PCI(0, 31, 7), MULT_HOST);
	EXPECT(MULT_ERANGE, mult_excl_owner(&id, hv.sp, hv.cpu, 8));
	EXPECT(0, mult_verify(&bad, hv.sp));

	hv_puts("destroy guest1:\n");
	EXPECT(0, mult_instance_destroy(hv.sp, hv.guest[1]));
	EXPECT(MULT_ESTALE, mult_instance_info(&info, hv.sp, hv.guest[1]));
	hv_show_owner(&hv, hv.mem, FRAMES(384), MULT_HOST);
	hv_show_owner(&hv, hv.cpu, 2, MULT_HOST);
	hv_show_owner(&hv, hv.cpu, 3, MULT_HOST);
	hv_show_owner(&hv, hv.pci, PCI(0, 3, 0), MULT_HOST);
	hv_show_owner(&hv, hv.cpu, 1, hv.guest[0]);
	hv_show_owner(&hv, hv.cpu, 4, hv.guest[2]);
	hv_check(hv_allotted(&hv, hv.guest[0], hv.mem) == FRAMES(256),
	    "guest0 keeps its memory");
	hv_check(hv_allotted(&hv, hv.guest[2], hv.cpu) == 4,
	    "guest2 keeps its CPUs");
	/* The freed hardware can be given to a new guest. */
	hv_puts("a new guest takes guest1's hardware:\n");
	hv_guest_names[1] = "guest3";
	EXPECT(0, mult_instance_create(&hv.guest[1], hv.sp, MULT_HOST, "guest3",
	    0));
	hv_assign(&hv, 1, hv.cpu, 2, 2, 0);
	hv_assign(&hv, 1, hv.pci, PCI(0, 3, 0), 2, 0);
	hv_show_owner(&hv, hv.cpu, 3, hv.guest[1]);

	if (EXPECT(0, mult_verify(&bad, hv.sp)))
		hv_puts("verify: all invariants hold\n");
	else {
		hv_puts("verify: ");
		hv_puts(bad.what);
		hv_puts("\n");
	}

	mult_space_destroy(hv.sp);
	hv_barrier(&hv_arena);
	hv_puts("arena: ");
	hv_putu(hv_arena.allocs);
	hv_puts(" allocations, peak ");
	hv_putu(hv_arena.peak);
	hv_puts(" bytes, ");
	hv_putu(hv_queued);
	hv_puts(" deferred frees; ");
	hv_putu(hv_arena.live);
	hv_puts(" bytes left\n");
	hv_check(hv_arena.live == 0 && hv_arena.allocs == hv_arena.frees,
	    "every allocation was freed");
	hv_check(hv_arena.bad_frees == 0, "every free matched an allocation");
	hv_check(hv_queued == hv_ran, "every deferred free ran");
	hv_check(hv_contract_violations == 0 && hv_read_depth == 0 &&
	    hv_lock_depth == 0, "the core kept the seam's contract");
}

/* Called from _start with the initial stack pointer (argc, argv, envp). */
__attribute__((noreturn, used)) void hv_start(long *sp);

void
hv_start(long *sp)
{
	(void)sp;
	hv_run();
	if (hv_failures != 0) {
		hv_puts("hypervisor: FAILED (");
		hv_putu((uint64_t)hv_failures);
		hv_puts(" checks)\n");
		hv_exit(1);
	}
	hv_puts("hypervisor: ok\n");
	hv_exit(0);
}

__asm__(
    ".text\n"
    ".globl _start\n"
    ".type _start, @function\n"
    "_start:\n"
    "	xorl %ebp, %ebp\n"
    "	movq %rsp, %rdi\n"
    "	andq $-16, %rsp\n"
    "	call hv_start\n"
    "	hlt\n");
