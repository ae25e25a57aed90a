/*
 * libmult core: radix tree from numbered identities to objects.
 *
 * Identities in a numbered domain are dense small numbers (pids), so a radix
 * tree of 64-way nodes indexes them directly, as Linux's IDR does: a lookup
 * is a fixed number of dependent loads bounded by the width of the domain
 * (at most six levels for 2^32 identities), never a probe sequence, and the
 * leaves cost 8 bytes per identity when the identities are dense.
 *
 * A tree is as tall as its largest identity needs; the reader finds the
 * root's height in the root word (mult__rtag()). The writer adds nodes (a
 * missing child, or levels above the root, the old root becoming the new
 * one's first child), each fully built before its release store, and
 * changes leaf slots in place with single word stores.
 * A node that empties leaves the tree (the root excepted), as Linux's IDR
 * frees its empty nodes, and is never used again: a reader still in it
 * reads 0, the answer for a moment it was in the tree, empty. Interior
 * nodes are retired one by one; leaves come from the tree's own chunks
 * (struct mult__rchunk), so a tree's leaves stay together in memory, and
 * a chunk is retired when its last leaf has left.
 *
 * SPDX-License-Identifier: ISC
 */
#include "internal.h"

const struct mult__rnode mult__rnode_none;

/*
 * The first free index in [from, span), into *out, and into *leafp (if
 * not NULL) the leaf that holds its slot, or NULL if it has none yet.
 * Full subtrees are skipped using the writer's counts. Writer only.
 */
int
mult__radix_free_index(uintptr_t r, uint64_t from, uint64_t span,
    uint64_t *out, struct mult__rnode **leafp)
{
	struct mult__rnode *root = mult__rroot(r), *none;
	uint64_t idx = from;

	if (leafp == NULL)
		leafp = &none;
	*leafp = NULL;
	while (idx < span) {
		struct mult__rnode *n = root;

		/* Nothing is stored beyond what the root covers. */
		if (n == NULL || !mult__rcovers(n->shift, idx)) {
			*out = idx;
			return 0;
		}
		for (;;) {
			struct mult__rnode *c;
			uint64_t step;

			if (n->shift == 0) {
				uint32_t j;

				for (j = (uint32_t)(idx & MULT__RADIX_MASK);
				    j < MULT__RADIX_FAN; j++) {
					uint64_t cand = (idx & ~(uint64_t)MULT__RADIX_MASK) | j;

					if (cand >= span)
						return MULT_ENOSPC;
					if (n->slot[j] == 0) {
						*out = cand;
						*leafp = n;
						return 0;
					}
				}
				idx = (idx | MULT__RADIX_MASK) + 1;
				break;
			}
			c = mult__rchild(n, n->shift, idx);
			if (c == NULL) {
				*out = idx;
				return 0;
			}
			if (c->count == MULT__RADIX_FAN) {
				step = (uint64_t)1 << n->shift;
				idx = (idx & ~(step - 1)) + step;
				break;
			}
			n = c;
		}
	}
	return MULT_ENOSPC;
}

/* Take chunk c off the tree's list and retire it. */
static void
mult__rchunk_retire(struct mult_space *sp, struct mult__rchunk **leaves,
    struct mult__rchunk *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		*leaves = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	mult__retire(sp, c);
}

/*
 * A new empty node at shift, which the caller links into the tree at
 * once: a leaf from the tree's chunks, else a block of its own.
 */
static struct mult__rnode *
mult__rnode_new(struct mult_space *sp, struct mult__rchunk **leaves,
    uint32_t shift)
{
	struct mult__rchunk *c = *leaves;
	struct mult__rnode *n;

	if (shift > 0) {
		n = mult__alloc(sp, sizeof(*n));
		if (n != NULL)
			n->shift = shift;
		return n;
	}
	if (c == NULL || c->used == c->cap) {
		uint32_t cap = c == NULL ? 1 : c->cap < MULT__RCHUNK_MAX ?
		    2 * c->cap : MULT__RCHUNK_MAX;
		struct mult__rchunk *nc = mult__alloc(sp, sizeof(*nc) +
		    cap * sizeof(struct mult__rnode));

		if (nc == NULL)
			return NULL;
		nc->cap = cap;
		nc->next = c;
		if (c != NULL)
			c->prev = nc;
		*leaves = c = nc;
	}
	n = &c->leaf[c->used++];        /* zeroed: shift 0, count 0 */
	n->chunk = c;
	c->live++;
	return n;
}

/* Node n, empty, has left the tree: retire it, or its chunk's share. */
static void
mult__rnode_drop(struct mult_space *sp, struct mult__rchunk **leaves,
    struct mult__rnode *n)
{
	struct mult__rchunk *c = n->chunk;

	if (n->shift > 0) {
		mult__retire(sp, n);
		return;
	}
	/* The newest chunk goes too if no leaf will come from it again. */
	if (--c->live == 0 && (c != *leaves || c->used == c->cap))
		mult__rchunk_retire(sp, leaves, c);
}

/* mult__radix_get_low()'s level of an identity is exact below 2^64. */
_Static_assert(MULT__RADIX_BITS == 6 && MULT__RLOW == 4,
    "mult__radix_get_low() divides by 6 and walks at most 3 levels");

/*
 * Publish node n (at shift) as its level's short way if it is on the
 * leftmost path (it covers idx, which is below 64 times its width) and
 * its level has one; or, with n NULL, take the short way away.
 */
static void
mult__radix_set_low(struct mult__rnode **low, uint32_t shift, uint64_t idx,
    struct mult__rnode *n)
{
	if (shift / MULT__RADIX_BITS < MULT__RLOW &&
	    ((idx >> shift) >> MULT__RADIX_BITS) == 0)
		mult__store_rel(&low[shift / MULT__RADIX_BITS], n);
}

/* The root's shift for identities [0, span): the height's last level. */
uint32_t
mult__radix_top(uint64_t span)
{
	uint32_t top = 0;

	while (top + MULT__RADIX_BITS < 64 &&
	    ((span - 1) >> (top + MULT__RADIX_BITS)) != 0)
		top += MULT__RADIX_BITS;
	return top;
}

/*
 * The root of *rootp raised to shift, by new levels above it whose first
 * child is the old root, published at once; or ENOMEM and nothing
 * changed. An empty tree gets a root at shift.
 */
static int
mult__radix_raise(struct mult_space *sp, uintptr_t *rootp,
    struct mult__rnode **low, struct mult__rchunk **leaves, uint32_t top,
    uint32_t shift)
{
	struct mult__rnode *old = mult__rroot(*rootp), *n = old, *p;
	uint32_t s;

	if (old == NULL) {
		if ((n = mult__rnode_new(sp, leaves, shift)) == NULL)
			return MULT_ENOMEM;
	} else {
		for (s = old->shift + MULT__RADIX_BITS; s <= shift;
		    s += MULT__RADIX_BITS) {
			if ((p = mult__rnode_new(sp, leaves, s)) == NULL) {
				/* Nobody has seen the new levels. */
				while (n != old) {
					p = (struct mult__rnode *)(uintptr_t)
					    n->slot[0];
					mult__free(sp, n);
					n = p;
				}
				return MULT_ENOMEM;
			}
			p->slot[0] = (uint64_t)(uintptr_t)n;
			p->count = n->count == MULT__RADIX_FAN;
			p->kids = 1;
			n = p;
		}
	}
	MULT__ASSERT(((uintptr_t)n & MULT__RTAG_MASK) == 0);
	mult__store_rel(rootp, mult__rtag(n, top, shift));
	/* Each new level is on the leftmost path: its first child is old. */
	for (p = n; p != old; p = (struct mult__rnode *)(uintptr_t)p->slot[0])
		mult__radix_set_low(low, p->shift, 0, p);
	return 0;
}

/*
 * Make sure every node on the path to idx exists, the root included, in
 * a domain whose tallest root is at shift top; the leaf into *leafp (if
 * not NULL). Publishes only empty nodes: invisible to readers' answers,
 * so a failure halfway changes nothing they can see.
 */
int
mult__radix_prepare(struct mult_space *sp, uintptr_t *rootp,
    struct mult__rnode **low, struct mult__rchunk **leaves, uint32_t top,
    uint64_t idx, struct mult__rnode **leafp)
{
	struct mult__rnode *root = mult__rroot(*rootp), *n;
	uint32_t need = mult__radix_top(idx + 1), least;
	int err;

	MULT__ASSERT(mult__rcovers(top, idx));
	/* The tag counts at most seven levels below top. */
	least = top > 7 * MULT__RADIX_BITS ? top - 7 * MULT__RADIX_BITS : 0;
	if (need < least)
		need = least;
	if (root == NULL || root->shift < need) {
		err = mult__radix_raise(sp, rootp, low, leaves, top, need);
		if (err != 0)
			return err;
		root = mult__rroot(*rootp);
	}
	for (n = root; n->shift > 0;) {
		struct mult__rnode *c = mult__rchild(n, n->shift, idx);

		if (c == NULL) {
			c = mult__rnode_new(sp, leaves,
			    n->shift - MULT__RADIX_BITS);
			if (c == NULL)
				return MULT_ENOMEM;
			mult__store_rel(&n->slot[(idx >> n->shift) & MULT__RADIX_MASK],
			    (uint64_t)(uintptr_t)c);
			n->kids++;
			mult__radix_set_low(low, c->shift, idx, c);
		}
		n = c;
	}
	if (leafp != NULL)
		*leafp = n;
	return 0;
}

/*
 * Store obj (not 0) at the free idx in leaf, the leaf of idx's path, and
 * keep the full-subtree counts. The interior nodes' counts change only
 * when the leaf fills, and only then is the path walked.
 */
void
mult__radix_set_in(uintptr_t root, struct mult__rnode *leaf, uint64_t idx,
    uint64_t obj)
{
	struct mult__rnode *path[MULT__RADIX_DEPTH];
	struct mult__rnode *n = mult__rroot(root);
	uint64_t *slot = &leaf->slot[idx & MULT__RADIX_MASK];
	int depth = 0, full;

	MULT__ASSERT(leaf->shift == 0 && *slot == 0 && obj != 0);
	mult__store_rel(slot, obj);
	full = ++leaf->count == MULT__RADIX_FAN;
	if (!full)
		return;
	while (n->shift > 0) {
		path[depth++] = n;
		n = mult__rchild(n, n->shift, idx);
	}
	MULT__ASSERT(n == leaf);
	while (full && depth > 0)
		full = ++path[--depth]->count == MULT__RADIX_FAN;
}

/*
 * Clear the object at idx, keep the full-subtree counts, and take the
 * nodes it leaves empty out of the tree, from the leaf up: not the root,
 * and none on the path of next, where the next allocation will look first
 * (a pid allocated and freed at once would otherwise cost a new leaf every
 * time, and one crossing into the next leaf a new parent as well). The
 * next allocation fills that path, so at most one empty path is kept.
 * Allocates nothing: it can't fail.
 */
void
mult__radix_clear(struct mult_space *sp, uintptr_t root,
    struct mult__rnode **low, struct mult__rchunk **leaves, uint64_t idx,
    uint64_t next)
{
	struct mult__rnode *path[MULT__RADIX_DEPTH];
	struct mult__rnode *n = mult__rroot(root);
	int depth = 0, i, full;

	MULT__ASSERT(n != NULL && mult__rcovers(n->shift, idx));
	while (n->shift > 0) {
		path[depth++] = n;
		n = mult__rchild(n, n->shift, idx);
		MULT__ASSERT(n != NULL);
	}
	MULT__ASSERT(n->slot[idx & MULT__RADIX_MASK] != 0);
	mult__store_rel(&n->slot[idx & MULT__RADIX_MASK], 0);
	full = n->count-- == MULT__RADIX_FAN;
	for (i = depth; full && i > 0;)
		full = path[--i]->count-- == MULT__RADIX_FAN;
	/* An empty node was not full: its parent's count stays. */
	while (depth > 0 && (n->shift == 0 ? n->count : n->kids) == 0 &&
	    (idx >> (n->shift + MULT__RADIX_BITS)) !=
	    (next >> (n->shift + MULT__RADIX_BITS))) {
		struct mult__rnode *p = path[--depth];

		mult__store(&p->slot[(idx >> p->shift) & MULT__RADIX_MASK], 0);
		p->kids--;
		mult__radix_set_low(low, n->shift, idx, NULL);
		mult__rnode_drop(sp, leaves, n);
		n = p;
	}
}

/*
 * Free every node, the interior ones one by one and the leaves by their
 * chunks: now (nobody can see them) or after a grace period.
 */
void
mult__radix_retire(struct mult_space *sp, uintptr_t r,
    struct mult__rchunk *leaves, int now)
{
	struct mult__rnode *root = mult__rroot(r);
	void (*rel)(struct mult_space *, void *) = now ? mult__free :
	    mult__retire;
	struct mult__rnode *stack[MULT__RADIX_DEPTH];
	uint32_t pos[MULT__RADIX_DEPTH];
	int top = root != NULL && root->shift > 0 ? 0 : -1;

	/* The interior nodes, children first; leaves are in the chunks. */
	stack[0] = root;
	pos[0] = 0;
	while (top >= 0) {
		struct mult__rnode *n = stack[top];

		if (pos[top] < MULT__RADIX_FAN) {
			struct mult__rnode *c =
			    (struct mult__rnode *)(uintptr_t)n->slot[pos[top]++];

			if (c != NULL && c->shift > 0) {
				stack[++top] = c;
				pos[top] = 0;
			}
			continue;
		}
		rel(sp, n);
		top--;
	}
	while (leaves != NULL) {
		struct mult__rchunk *next = leaves->next;

		rel(sp, leaves);
		leaves = next;
	}
}
