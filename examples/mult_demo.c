/*
 * mult_demo: NetBSD mult's own case, on libmult.
 *
 * Two federated instances side by side, each with its own hostname and its
 * own init tree (pid 1 in each, which the host sees as two different pids);
 * a nested container with the uid map "0 100000 65536". Print what each
 * instance sees and what the host sees; cap one instance's processes and
 * let it exhaust them while its peer goes on (the hard resources mult left
 * for later); destroy the first instance and show the other untouched; end
 * with verify.
 *
 * SPDX-License-Identifier: ISC
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mult.h>

#define CHECK(call)                                                        \
	do {                                                               \
		int err_ = (call);                                         \
		if (err_ != 0) {                                           \
			fprintf(stderr, "%s:%d: %s: %s\n", __FILE__,        \
			    __LINE__, #call, mult_strerror(err_));          \
			exit(1);                                           \
		}                                                          \
	} while (0)

struct demo {
	struct mult_space *sp;
	uint32_t uid, pid, uts;
};

/* The processes of a little init tree: the objects are just tags. */
static uint64_t
proc(uint64_t instance, unsigned n)
{
	return (instance << 16) | n;
}

static void
show_hostname(struct demo *d, uint64_t inst, const char *who)
{
	char buf[64];
	size_t len;

	CHECK(mult_value_get(buf, sizeof(buf) - 1, &len, d->sp, inst, d->uts,
	    "hostname"));
	buf[len] = '\0';
	printf("  %-10s hostname = %s\n", who, buf);
}

/* Start an init tree in inst: init and two children. */
static void
boot(struct demo *d, uint64_t inst, const char *who)
{
	unsigned i;

	for (i = 1; i <= 3; i++) {
		uint64_t pid, host_pid;

		CHECK(mult_num_alloc(&pid, d->sp, inst, d->pid, proc(inst, i)));
		CHECK(mult_num_number(&host_pid, d->sp, MULT_HOST, d->pid,
		    proc(inst, i)));
		printf("  %-10s process %u: pid %llu inside, pid %llu on the host\n",
		    who, i, (unsigned long long)pid, (unsigned long long)host_pid);
	}
}

int
main(void)
{
	struct mult_domain_opts uid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_RANGE, 0,
	    UINT32_MAX);
	struct mult_domain_opts pid = MULT_DOMAIN_OPTS_INIT(MULT_KIND_NUMBERED,
	    1, 4194304);
	struct mult_domain_opts uts = MULT_DOMAIN_OPTS_INIT(MULT_KIND_VALUE, 0, 0);
	struct mult_extent map = { 0, 100000, 65536 };
	struct mult_violation bad;
	struct mult_usage u;
	struct mult_num_ref *alpha_pids;
	struct demo d;
	unsigned n;
	uint64_t a, b, c, id, res, obj;
	int err;

	CHECK(mult_space_create(&d.sp, NULL));
	CHECK(mult_domain_create(&d.uid, d.sp, "uid", &uid));
	CHECK(mult_domain_create(&d.pid, d.sp, "pid", &pid));
	CHECK(mult_domain_create(&d.uts, d.sp, "uts", &uts));
	CHECK(mult_value_set(d.sp, MULT_HOST, d.uts, "hostname", "host", 4));
	/* The host runs its own init first, as a booted kernel would. */
	CHECK(mult_num_alloc(&id, d.sp, MULT_HOST, d.pid, proc(MULT_HOST, 1)));

	printf("Two federated instances, equal partners (NetBSD mult):\n");
	CHECK(mult_instance_create(&a, d.sp, MULT_HOST, "alpha",
	    MULT_INSTANCE_FEDERATED));
	CHECK(mult_instance_create(&b, d.sp, MULT_HOST, "beta",
	    MULT_INSTANCE_FEDERATED));
	CHECK(mult_value_set(d.sp, a, d.uts, "hostname", "alpha.example", 13));
	CHECK(mult_value_set(d.sp, b, d.uts, "hostname", "beta.example", 12));
	show_hostname(&d, MULT_HOST, "host");
	show_hostname(&d, a, "alpha");
	show_hostname(&d, b, "beta");
	boot(&d, a, "alpha");
	boot(&d, b, "beta");
	err = mult_num_number(&id, d.sp, b, d.pid, proc(a, 1));
	printf("  beta looks for alpha's init: %s\n", mult_strerror(err));

	printf("\nHard resources: alpha is capped at 8 processes, beta is "
	    "promised 100:\n");
	CHECK(mult_limit_set(d.sp, a, d.pid, 8));
	CHECK(mult_limit_reserve(d.sp, b, d.pid, 100));
	for (n = 0; (err = mult_num_alloc(&id, d.sp, a, d.pid,
	    proc(a, 100 + n))) == 0; n++)
		;
	CHECK(mult_limit_get(&u, d.sp, a, d.pid));
	printf("  alpha forks %u more, then: %s (usage %llu of %llu, "
	    "%llu refused)\n", n, mult_strerror(err),
	    (unsigned long long)u.usage, (unsigned long long)u.limit,
	    (unsigned long long)u.refusals);
	CHECK(mult_num_alloc(&id, d.sp, b, d.pid, proc(b, 4)));
	printf("  beta forks on: its pid %llu\n", (unsigned long long)id);

	printf("\nA nested container with the uid map \"0 100000 65536\":\n");
	CHECK(mult_instance_create(&c, d.sp, MULT_HOST, "container", 0));
	CHECK(mult_allot_grant(d.sp, c, d.uid, 100000, 65536));
	CHECK(mult_range_map(d.sp, c, d.uid, &map, 1));
	CHECK(mult_range_down(&res, d.sp, c, d.uid, 0));
	printf("  container uid 0     is host uid %llu\n", (unsigned long long)res);
	CHECK(mult_range_down(&res, d.sp, c, d.uid, 1000));
	printf("  container uid 1000  is host uid %llu\n", (unsigned long long)res);
	CHECK(mult_range_up(&id, d.sp, c, d.uid, 165535));
	printf("  host uid 165535     is uid %llu in the container\n",
	    (unsigned long long)id);
	err = mult_range_up(&id, d.sp, c, d.uid, 0);
	printf("  host uid 0 (root)   in the container: %s\n", mult_strerror(err));
	err = mult_allot_grant(d.sp, a, d.uid, 100000, 10);
	printf("  alpha asks for uids 100000-100009: %s\n", mult_strerror(err));

	printf("\nDestroy alpha, init and all; beta goes on:\n");
	/* A task of alpha's holds its pid namespace, as Linux's do. */
	CHECK(mult_num_ref_get(&alpha_pids, d.sp, a, d.pid));
	CHECK(mult_instance_destroy(d.sp, a));
	err = mult_num_lookup(&obj, d.sp, a, d.pid, 1);
	printf("  alpha's pid 1: %s\n", mult_strerror(err));
	err = mult_num_ref_lookup(&obj, alpha_pids, 1);
	printf("  alpha's pid 1, through a held reference: %s\n",
	    mult_strerror(err));
	mult_num_ref_put(alpha_pids);
	if (err != MULT_ESTALE)
		return 1;
	CHECK(mult_num_lookup(&obj, d.sp, b, d.pid, 1));
	printf("  beta's pid 1 is still its init: %s\n",
	    obj == proc(b, 1) ? "yes" : "NO");
	show_hostname(&d, b, "beta");

	err = mult_verify(&bad, d.sp);
	if (err != 0) {
		printf("\nverify: I%d violated: %s\n", bad.invariant, bad.what);
		return 1;
	}
	printf("\nverify: all invariants I1-I8 hold\n");
	mult_space_destroy(d.sp);
	return obj == proc(b, 1) ? 0 : 1;
}
