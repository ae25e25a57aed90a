/*
 * libmult unit tests: the numbered domains' radix trees (src/core/radix.c)
 * from inside: a tree is as tall as its largest identity needs, grows a
 * level at a time or several at once without losing what it holds, a
 * growth that runs out of memory leaves the tree as it was, and the nodes
 * a tree no longer needs leave it.
 *
 * SPDX-License-Identifier: ISC
 */
#include <criterion/criterion.h>

#include "helpers.h"
#include "internal.h"
#include <mult/sys/seam.h>

struct tree {
	uintptr_t root;
	struct mult__rchunk *leaves;
	uint32_t top;
	struct mult__rnode *low[MULT__RLOW];
};

/* Store obj at idx, as an allocation does: prepare the path, then set. */
static int
put(struct mult_space *sp, struct tree *t, uint64_t idx, uint64_t obj)
{
	struct mult__rnode *leaf;
	int err = mult__radix_prepare(sp, &t->root, t->low, &t->leaves, t->top, idx,
	    &leaf);

	if (err == 0)
		mult__radix_set_in(t->root, leaf, idx, obj);
	return err;
}

/* Offsets [0, n) hold base + offset. */
static void
fill(struct mult_space *sp, struct tree *t, uint64_t n, uint64_t base)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		cr_assert_eq(put(sp, t, i, base + i), 0);
}

/* The first free offset in [0, span); there must be one. */
static uint64_t
first_free(const struct tree *t, uint64_t span)
{
	uint64_t idx = 0;

	cr_assert_eq(mult__radix_free_index(t->root, 0, span, &idx, NULL), 0);
	return idx;
}

static uint32_t
height(const struct tree *t)
{
	return mult__rshift(t->root, t->top) / MULT__RADIX_BITS + 1;
}

/*
 * Each short way is the tree's leftmost node at its level, or NULL, and a
 * lookup by them answers as one from the root, for identities on both
 * sides of every level's width.
 */
static void
lows_ok(const struct tree *t)
{
	static const uint64_t probe[] = { 0, 1, 5, 63, 64, 65, 100, 4095, 4096,
	    5000, 70000, 262143, 262144, 300000, 4000000, 16777215, 16777216,
	    1ull << 30, UINT64_MAX };
	const struct mult__rnode *n = mult__rroot(t->root), *want[MULT__RLOW];
	size_t i;

	for (i = 0; i < MULT__RLOW; i++)
		want[i] = NULL;
	for (; n != NULL; n = n->shift > 0 ?
	    (const struct mult__rnode *)(uintptr_t)n->slot[0] : NULL)
		if (n->shift / MULT__RADIX_BITS < MULT__RLOW)
			want[n->shift / MULT__RADIX_BITS] = n;
	for (i = 0; i < MULT__RLOW; i++)
		cr_assert_eq(t->low[i], want[i], "short way %zu", i);
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (mult__rcovers(t->top, probe[i]))
			cr_assert_eq(mult__radix_get_low(&t->root, t->low, &t->top,
			    probe[i]), mult__radix_get(t->root, t->top, probe[i]),
			    "lookup of %llu", (unsigned long long)probe[i]);
}

Test(radix, height_follows_the_largest_identity)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(4194304) };

	cr_assert_eq(t.top, 18);
	cr_assert_eq(mult__radix_get(t.root, t.top, 5), 0);
	cr_assert_eq(put(sp, &t, 0, 100), 0);
	cr_assert_eq(height(&t), 1, "one leaf for identity 0");
	cr_assert_eq(put(sp, &t, 63, 163), 0);
	cr_assert_eq(height(&t), 1);
	cr_assert_eq(put(sp, &t, 64, 164), 0);
	cr_assert_eq(height(&t), 2);
	cr_assert_eq(put(sp, &t, 4095, 4195), 0);
	cr_assert_eq(height(&t), 2);
	/* from two levels to the domain's four at once */
	cr_assert_eq(put(sp, &t, 4194303, 7), 0);
	cr_assert_eq(height(&t), 4);
	cr_assert_eq(mult__rshift(t.root, t.top), t.top);
	cr_assert_eq(mult__radix_get(t.root, t.top, 0), 100);
	cr_assert_eq(mult__radix_get(t.root, t.top, 63), 163);
	cr_assert_eq(mult__radix_get(t.root, t.top, 64), 164);
	cr_assert_eq(mult__radix_get(t.root, t.top, 4095), 4195);
	cr_assert_eq(mult__radix_get(t.root, t.top, 4194303), 7);
	cr_assert_eq(mult__radix_get(t.root, t.top, 4096), 0);
	/* the free index runs past what a short root covers */
	cr_assert_eq(first_free(&t, 4194304), 1);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

Test(radix, a_short_root_reads_nothing_beyond_itself)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(4194304) };
	uint64_t idx;

	fill(sp, &t, 64, 1000);
	cr_assert_eq(height(&t), 1);
	/* 64 and 64 + 5 share the leaf's slot bits: a walk must not wrap */
	cr_assert_eq(mult__radix_get(t.root, t.top, 64 + 5), 0);
	cr_assert_eq(mult__radix_get(t.root, t.top, ((uint64_t)1 << 21) + 5),
	    0);
	/* a full leaf root: the next free is 64 */
	cr_assert_eq(first_free(&t, 4194304), 64);
	cr_assert_eq(mult__radix_free_index(t.root, 0, 64, &idx, NULL),
	    MULT_ENOSPC);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/*
 * The short ways follow the tree: raised levels and new leftmost nodes
 * become short ways, nodes that leave the tree stop being, and other nodes
 * leave them alone; a small identity's lookup walks only its own levels.
 */
Test(radix, short_ways_follow_the_leftmost_path)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(1 << 24) };
	const struct mult__rnode *l1;

	lows_ok(&t);
	cr_assert_eq(put(sp, &t, 5, 55), 0);
	cr_assert_eq(height(&t), 1);
	cr_assert_eq(t.low[0], mult__rroot(t.root));
	lows_ok(&t);
	/* three levels raised at once above the leaf */
	cr_assert_eq(put(sp, &t, 300000, 66), 0);
	cr_assert_eq(height(&t), 4);
	cr_assert_not_null(t.low[1]);
	cr_assert_not_null(t.low[2]);
	lows_ok(&t);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 5), 55);
	/* identities at every level; nodes off the leftmost path are none */
	l1 = t.low[1];
	cr_assert_eq(put(sp, &t, 100, 10), 0);
	cr_assert_eq(put(sp, &t, 4095, 11), 0);
	cr_assert_eq(put(sp, &t, 5000, 12), 0);
	cr_assert_eq(put(sp, &t, 70000, 13), 0);
	cr_assert_eq(put(sp, &t, 262143, 14), 0);
	cr_assert_eq(t.low[1], l1);
	lows_ok(&t);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 100), 10);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 4095), 11);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 5000), 12);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 262143), 14);
	/* 5 leaves: its leaf goes, the node above it holds 100 and 4095 */
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 5, 300001);
	cr_assert_null(t.low[0]);
	cr_assert_eq(t.low[1], l1);
	lows_ok(&t);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 5), 0);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 100, 300001);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 4095, 300001);
	cr_assert_null(t.low[1]);
	cr_assert_not_null(t.low[2], "5000 keeps the level-2 node");
	lows_ok(&t);
	/* back: new leftmost nodes become the short ways */
	cr_assert_eq(put(sp, &t, 6, 88), 0);
	cr_assert_not_null(t.low[0]);
	cr_assert_not_null(t.low[1]);
	lows_ok(&t);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 6), 88);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 5000), 12);
	cr_assert_eq(mult__radix_get_low(&t.root, t.low, &t.top, 300000), 66);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/* A full root stays counted full under the levels raised above it. */
Test(radix, raising_keeps_the_full_counts)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(1 << 20) };

	fill(sp, &t, 64, 1);
	cr_assert_eq(put(sp, &t, 300000, 9), 0);
	cr_assert_eq(height(&t), 4);
	cr_assert_eq(first_free(&t, 1 << 20), 64);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 300000, 0);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 3, 0);
	cr_assert_eq(first_free(&t, 1 << 20), 3);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/* The tag holds seven levels: a 2^64 domain's trees start at four. */
Test(radix, the_widest_domain)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(0) };

	cr_assert_eq(t.top, 60);
	cr_assert_eq(put(sp, &t, 0, 1), 0);
	cr_assert_eq(mult__rshift(t.root, t.top), 18);
	cr_assert_eq(put(sp, &t, UINT64_MAX, 2), 0);
	cr_assert_eq(mult__rshift(t.root, t.top), 60);
	cr_assert_eq(mult__radix_get(t.root, t.top, 0), 1);
	cr_assert_eq(mult__radix_get(t.root, t.top, UINT64_MAX), 2);
	cr_assert_eq(mult__radix_get(t.root, t.top, UINT64_MAX - 64), 0);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/*
 * The short ways answer for identities of every width: one at each power
 * of two, and one below it from 3 up, through a tree that grows from one
 * level to eleven, with every short way taken on the way.
 */
Test(radix, short_ways_at_every_width)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(0) };
	uint64_t got;
	unsigned b;

	for (b = 0; b < 64; b++) {
		uint64_t idx = 1ull << b;

		cr_assert_eq(put(sp, &t, idx, b + 1), 0);
		if (b > 1)
			cr_assert_eq(put(sp, &t, idx - 1, b + 100), 0);
		lows_ok(&t);
	}
	for (b = 0; b < MULT__RLOW; b++)
		cr_assert_not_null(t.low[b], "short way %u", b);
	for (b = 0; b < 64; b++) {
		uint64_t idx = 1ull << b;

		got = mult__radix_get_low(&t.root, t.low, &t.top, idx);
		cr_assert_eq(got, b + 1, "2^%u", b);
		got = mult__radix_get_low(&t.root, t.low, &t.top, idx + 1);
		/* 2 is 2^1 and 3 is 2^2 - 1; no other is stored */
		cr_assert_eq(got, b == 0 ? 2 : (b == 1 ? 102 : 0), "2^%u + 1", b);
		if (b > 1) {
			got = mult__radix_get_low(&t.root, t.low, &t.top, idx - 1);
			cr_assert_eq(got, b + 100, "2^%u - 1", b);
		}
	}
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/*
 * Raising by three levels at once, with every allocation failing in
 * turn: the root word, and all the tree holds, stay as they were, and
 * nothing leaks.
 */
Test(radix, raise_enomem_changes_nothing)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	struct tree t = { .top = mult__radix_top(4194304) };
	long k;
	int err = MULT_ENOMEM;

	cr_assert_eq(put(sp, &t, 5, 55), 0);
	for (k = 0; err == MULT_ENOMEM; k++) {
		uintptr_t was = t.root;

		h_fa_arm(&fa, k);
		err = mult__radix_prepare(sp, &t.root, t.low, &t.leaves, t.top,
		    4000000, NULL);
		h_fa_arm(&fa, -1);
		if (err == MULT_ENOMEM) {
			/* only whole new levels publish; the path may not */
			cr_assert(t.root == was || height(&t) == 4);
			cr_assert_eq(mult__radix_get(t.root, t.top, 5), 55);
			/* and the short ways with them, not before */
			lows_ok(&t);
		}
	}
	cr_assert_eq(err, 0);
	cr_assert_eq(height(&t), 4);
	cr_assert_eq(put(sp, &t, 4000000, 66), 0);
	cr_assert_eq(mult__radix_get(t.root, t.top, 5), 55);
	cr_assert_eq(mult__radix_get(t.root, t.top, 4000000), 66);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * The leaf an allocation will store into, as the free index and the path
 * report it, is the leaf the lookup walks to; storing through it keeps
 * the counts that a walk from the root would (checked by the free index
 * skipping a subtree once it is full, and finding it again after a free).
 */
Test(radix, stores_through_the_reported_leaf)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(1 << 20) };
	struct mult__rnode *leaf, *again;
	uint64_t idx, i;

	cr_assert_eq(mult__radix_free_index(t.root, 0, 1 << 20, &idx, &leaf),
	    0);
	cr_assert_eq(idx, 0);
	cr_assert_null(leaf, "an empty tree has no leaf yet");
	for (i = 0; i < 4096; i++) {
		cr_assert_eq(mult__radix_free_index(t.root, 0, 1 << 20, &idx,
		    &leaf), 0);
		cr_assert_eq(idx, i);
		if (leaf == NULL)
			cr_assert_eq(mult__radix_prepare(sp, &t.root, t.low, &t.leaves,
			    t.top, idx, &leaf), 0);
		cr_assert_eq(mult__radix_prepare(sp, &t.root, t.low, &t.leaves, t.top,
		    idx, &again), 0);
		cr_assert_eq(leaf, again,
		    "free index and path disagree at %llu",
		    (unsigned long long)idx);
		mult__radix_set_in(t.root, leaf, idx, 1 + idx);
	}
	/* 4096 slots: a full subtree of the level above the leaves */
	cr_assert_eq(mult__radix_free_index(t.root, 0, 1 << 20, &idx, &leaf),
	    0);
	cr_assert_eq(idx, 4096);
	cr_assert_null(leaf);
	for (i = 0; i < 4096; i += 97)
		cr_assert_eq(mult__radix_get(t.root, t.top, i), 1 + i);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 4000, 0);
	cr_assert_eq(mult__radix_free_index(t.root, 0, 1 << 20, &idx, &leaf),
	    0);
	cr_assert_eq(idx, 4000);
	cr_assert_not_null(leaf);
	mult__radix_set_in(t.root, leaf, idx, 77);
	cr_assert_eq(mult__radix_get(t.root, t.top, 4000), 77);
	cr_assert_eq(first_free(&t, 1 << 20), 4096);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/* The leaves and interior nodes in the tree below n (n included). */
static void
nodes(const struct mult__rnode *n, long *leaves, long *interior)
{
	const struct mult__rnode *stack[MULT__RADIX_DEPTH];
	uint32_t pos[MULT__RADIX_DEPTH];
	int top = 0;

	*leaves = *interior = 0;
	if (n == NULL)
		return;
	stack[0] = n;
	pos[0] = 0;
	while (top >= 0) {
		const struct mult__rnode *c;

		n = stack[top];
		if (n->shift == 0) {
			++*leaves;
			top--;
			continue;
		}
		if (pos[top] == 0)
			++*interior;
		if (pos[top] == MULT__RADIX_FAN) {
			top--;
			continue;
		}
		c = (const struct mult__rnode *)(uintptr_t)n->slot[pos[top]++];
		if (c != NULL) {
			stack[++top] = c;
			pos[top] = 0;
		}
	}
}

/*
 * Emptied nodes leave the tree, up to the root, which stays; the leaf
 * of the next allocation stays even when empty; chunks whose leaves have
 * all left are freed, the newest once full.
 */
Test(radix, emptied_nodes_leave_the_tree)
{
	struct h_fa fa;
	struct mult_space *sp = h_space_fa(&fa);
	struct tree t = { .top = mult__radix_top(1 << 20) };
	long leaves, interior;
	long long one;
	uint64_t i;

	cr_assert_eq(put(sp, &t, 5, 55), 0);
	mult_sys_barrier();
	one = fa.bytes;         /* a root leaf in a chunk of one */
	for (i = 64; i < 64 * 40; i++)
		cr_assert_eq(put(sp, &t, i, 1 + i), 0);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 40);
	cr_assert_eq(interior, 1);
	/* 1 + 2 + 4 + 8 + 16 leaves: a chunk of each size, the 16 in use */
	for (i = 64; i < 64 * 40; i++)
		mult__radix_clear(sp, t.root, t.low, &t.leaves, i, 64 * 20);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 2, "the leaves of 5 and of the next, %ld",
	    leaves);
	cr_assert_eq(mult__radix_get(t.root, t.top, 5), 55);
	cr_assert_eq(first_free(&t, 1 << 20), 0);
	mult_sys_barrier();
	/*
	 * What is left: the first chunk (leaf 0), the interior root, leaf
	 * 20's chunk of 16, and the newest chunk of 16, which leaves still
	 * come from.
	 */
	cr_assert_eq(fa.bytes, one + (long long)(sizeof(struct mult__rnode) +
	    2 * (sizeof(struct mult__rchunk) + 16 * sizeof(struct mult__rnode))),
	    "%lld bytes", fa.bytes);
	/* A taller tree gives back its interior nodes too. */
	cr_assert_eq(put(sp, &t, 300000, 9), 0);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(interior, 5, "two levels raised, two on the new path");
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 300000, 0);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(interior, 3, "the root and the path to leaves 0 and 20");
	cr_assert_eq(leaves, 2);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 5, 64 * 20);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 1, "only the leaf of the next");
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
	cr_assert_eq(fa.bytes, 0);
}

/*
 * The short ways in a cursor's leaf: a search there finds a hole from
 * the cursor on and gives up when the leaf has none; a clear there is
 * refused while the leaf is full, since its parent counts it full.
 */
Test(radix, the_cursors_leaf)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(1 << 20) };
	struct mult__rnode *leaf, *first = NULL;
	uint64_t idx, i;

	/* a full first leaf under a root, and 64 in the second */
	for (i = 0; i <= 64; i++) {
		cr_assert_eq(mult__radix_prepare(sp, &t.root, t.low, &t.leaves, t.top,
		    i, &leaf), 0);
		mult__radix_set_in(t.root, leaf, i, 1 + i);
		if (i == 0)
			first = leaf;
	}
	cr_assert_eq(mult__rroot(t.root)->count, 1);
	cr_assert_eq(mult__radix_free_in_leaf(first, 10, 1 << 20, &idx), 0);
	/* full: the long way, and the root learns it */
	cr_assert_eq(mult__radix_clear_in_leaf(first, 20, 11), 0);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 20, 11);
	cr_assert_eq(mult__rroot(t.root)->count, 0,
	    "the root still counts the first leaf full");
	cr_assert_eq(mult__radix_free_in_leaf(first, 11, 1 << 20, &idx), 1);
	cr_assert_eq(idx, 20);
	/* not full: the short way; not the cursor's leaf: the long way */
	cr_assert_eq(mult__radix_clear_in_leaf(first, 30, 11), 1);
	cr_assert_eq(first->count, 62);
	cr_assert_eq(mult__radix_clear_in_leaf(first, 64, 11), 0);
	cr_assert_eq(mult__radix_free_in_leaf(first, 21, 1 << 20, &idx), 1);
	cr_assert_eq(idx, 30);
	cr_assert_eq(mult__radix_free_in_leaf(first, 21, 25, &idx), 0,
	    "a hole beyond the span");
	cr_assert_eq(mult__radix_get(t.root, t.top, 30), 0);
	cr_assert_eq(mult__radix_get(t.root, t.top, 31), 32);
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}

/*
 * Not only the leaf of next stays when emptied, but its parents too: an
 * allocation that crosses into the next leaf then builds the leaf alone,
 * not a parent that the free before it had just taken out. Once next is
 * elsewhere, the path goes like any other.
 */
Test(radix, the_path_of_next_stays)
{
	struct mult_space *sp = h_space();
	struct tree t = { .top = mult__radix_top(1 << 20) };
	long leaves, interior;

	cr_assert_eq(put(sp, &t, 300000, 9), 0);
	cr_assert_eq(put(sp, &t, 63, 64), 0);
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 300000, 64);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(interior, 3, "the root and the path to leaf 0");
	/* 63's leaf empties and goes; 64's parents are 63's: they stay */
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 63, 64);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 0, "an empty leaf off next's path stayed");
	cr_assert_eq(interior, 3, "next's parents went, %ld left", interior);
	cr_assert_eq(put(sp, &t, 64, 65), 0);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 1);
	cr_assert_eq(interior, 3);
	cr_assert_eq(mult__radix_get(t.root, t.top, 64), 65);
	/* next far away: the whole path below the root goes */
	mult__radix_clear(sp, t.root, t.low, &t.leaves, 64, 64 * 4096);
	nodes(mult__rroot(t.root), &leaves, &interior);
	cr_assert_eq(leaves, 0);
	cr_assert_eq(interior, 1, "only the root");
	mult__radix_retire(sp, t.root, t.leaves, 1);
	mult_space_destroy(sp);
}
