/*
 * libmult core: internal structures. Shared by the core's files and by the
 * tests that corrupt a space on purpose to prove mult_verify() can fail.
 *
 * Concurrency rule of the whole core: every field a reader may follow is
 * written only by the writer that holds sp->lock, and only as the last step
 * of building something (mult__store_rel); readers load it with
 * mult__load_acq. A structure readers can reach is never changed in place
 * except where the field's comment says "in place" (single-word stores).
 * Memory a reader might hold is released through mult__retire(), after a
 * grace period.
 *
 * SPDX-License-Identifier: ISC
 */
#ifndef MULT_CORE_INTERNAL_H
#define MULT_CORE_INTERNAL_H

#include "shim.h"
#include "mult.h"

/* Header of every block the core allocates: enough to free it later. */
struct mult__blk {
	struct mult_rcu_head rcu;
	struct mult_space *sp;
	size_t size;
};

/* ---- open-addressing hash, single writer, lock-free readers ------------ */

/*
 * Key 0 is EMPTY; a value of MULT__HT_TOMB is a deleted entry. A slot's
 * key only rises within one table: a tombstone comes back to life for its
 * own key, or for any larger one, any number of times. A reader that
 * loads a slot's key, then its value, then the key again and sees the
 * same key both times read a value of that key: a key that has left a
 * slot can't come back to it.
 */
#define MULT__HT_TOMB MULT__U64_MAX

struct mult__hent {
	uint64_t key;
	uint64_t val;
};

/*
 * The writer's counts change on every insert and remove; readers read the
 * mask on every probe. A cache line apart, so that a churning writer does
 * not take the line of the mask from every reader (blocks are only
 * 16-byte aligned, hence padding rather than an alignment attribute).
 */
struct mult__htab {
	struct mult__blk blk;
	uint32_t live;   /* writer */
	uint32_t used;   /* writer: live + tombstones */
	char apart[MULT__CACHELINE];
	uint32_t cap;    /* slots: at least 8, any number */
	uint32_t pad;
	struct mult__hent e[];
};

/* ---- radix tree: numbered identities -> objects ------------------------- */

#define MULT__RADIX_BITS 6
#define MULT__RADIX_FAN (1u << MULT__RADIX_BITS)

/*
 * A tree's short ways in: low[k] is the node at shift 6k on the tree's
 * leftmost path (the one that covers identities [0, 64^(k + 1))), or NULL
 * if the tree has none. A lookup of an identity below 64^MULT__RLOW starts
 * there, so it walks the levels its identity needs, not the levels of the
 * tree's largest: pids that a writer allocates up to four million make
 * the tree four levels tall, and a thousand small pids stay two deep. Four
 * short ways cover identities below 2^24, so a tree that tall is entered
 * at its root's own short way, without the root word's decoding.
 */
#define MULT__RLOW 4

/*
 * A tree is as tall as its largest identity needs, as Linux's IDR is: a
 * thousand pids take two levels, four million take four, whatever the
 * domain's span. The reader learns the root's height with the root
 * itself, from the low bits of the published root word (mult__rtag()),
 * so a lookup is one dependent load per level and nothing more.
 */
struct mult__rnode {
	struct mult__blk blk;
	uint32_t shift;  /* 0 for a leaf; writer and verifier only */
	uint16_t count;  /* writer: leaf: slots used; interior: full children */
	uint16_t kids;   /* writer: interior: children present */
	uint64_t slot[MULT__RADIX_FAN]; /* leaf: object or 0; else child */
	struct mult__rchunk *chunk;     /* writer: leaf: the chunk it is in */
};

/*
 * Leaves come from chunks of their own tree's, so that one tree's leaves
 * lie together in memory even when many trees grow at once (an
 * allocation at depth k adds to k + 1 trees, and interleaved leaves put a
 * viewer's lookups on 33 times the pages at depth 32). Chunks hold 1, 2,
 * 4, ... MULT__RCHUNK_MAX leaves, so a small tree wastes little. A leaf
 * that empties leaves the tree and is not used again; a chunk whose
 * leaves have all left is retired (the newest, that leaves still come
 * from, only once it is full), so that a tree's memory follows what it
 * holds, not every identity it ever held. A leaf's own blk is unused.
 */
#define MULT__RCHUNK_MAX 16

struct mult__rchunk {
	struct mult__blk blk;
	struct mult__rchunk *next;      /* older chunk */
	struct mult__rchunk *prev;      /* newer chunk */
	uint32_t cap;
	uint32_t used;   /* leaves handed out */
	uint32_t live;   /* of those, leaves in the tree */
	uint32_t pad;
	struct mult__rnode leaf[];
};

/* ---- interval vectors: allotments and owner indexes --------------------- */

struct mult__ivl {
	uint64_t first;
	uint64_t last;   /* inclusive: [first, last] never wraps */
	uint64_t owner;  /* owner index: the owning instance's id */
};

struct mult__ivec {
	struct mult__blk blk;
	uint32_t n;
	uint32_t pad;
	struct mult__ivl v[];
};

/*
 * An exclusive domain's owner index as its readers see it: the units cut
 * into at most MULT__OBKT_MAX buckets of 2^shift, each bucket the owner
 * index's intervals that meet it, clipped to it. A grant or a revoke
 * swaps the buckets of the units it changes and no other, so an owner
 * reader beside a writer misses on the bucket pointer's line and, for a
 * unit whose bucket changed, the bucket: not on a whole new index.
 */
#define MULT__OBKT_MAX 256u

struct mult__obkt {
	struct mult__blk blk;
	uint32_t nb;                 /* buckets */
	uint32_t shift;              /* a unit's bucket: (unit - lo) >> shift */
	struct mult__ivec *b[];      /* published, in place; NULL: no unit of
	                                the bucket is granted away */
};

/* ---- range maps --------------------------------------------------------- */

struct mult__rext {
	uint64_t first;  /* identity */
	uint64_t res;    /* resource (host view) */
	uint64_t count;
};

/*
 * One direction of a map: its extents sorted by the direction's key (first
 * down, res up) and an index of them by that key. The keys from the
 * smallest, base, on are cut into last + 1 buckets of 2^shift keys each;
 * slot[b] is the last extent whose key lies in a bucket before b (0 if
 * none), slot[last + 1] the last extent. The extent holding an x of bucket
 * b is slot[b + 1], the last that can, unless that one's key is above x;
 * then one of slot[b]..slot[b + 1] - 1, at most 2^steps of them, found in
 * steps halvings.
 */
struct mult__rdir {
	struct mult__rext *v;
	uint16_t *slot;
	uint64_t base;
	uint32_t last;
	uint8_t shift;
	uint8_t steps;
	uint16_t pad;
};

/* The key of extent e in a direction: its first identity, or resource. */
#define MULT__RKEY(e, by_res) ((by_res) ? (e)->res : (e)->first)

struct mult__rmap {
	struct mult__blk blk;
	uint32_t n;
	uint32_t pad;
	struct mult_extent *written;  /* as written, sorted by first */
	struct mult__rdir dir[2];     /* [0] down, by first; [1] up, by res */
	/* the written and two sorted arrays follow, then the two indexes */
};

/* ---- value tables ------------------------------------------------------- */

/* One key's value: immutable once published. */
struct mult__vent {
	struct mult__blk blk;
	uint64_t hash;
	uint32_t klen, vlen;
	char kv[];       /* the key's bytes, then the value's */
};

struct mult__vslot {
	uint64_t hash;           /* 0: empty; fixed once the table is published */
	struct mult__vent *e;    /* published, in place: a set of the key
	                            swaps it */
};

/*
 * An open-addressing table of keys. A set of a key it has replaces that
 * key's entry alone; a new key or an unset builds a new table, which takes
 * the other keys' entries as they are.
 */
struct mult__vtab {
	struct mult__blk blk;
	uint32_t n;      /* keys */
	uint32_t mask;   /* slots - 1 */
	struct mult__vslot s[];
};

/* ---- per (instance, domain) state --------------------------------------- */

struct mult__ds {
	struct mult__blk blk;
	/* range, exclusive */
	struct mult__ivec *allot;   /* published; NULL: none of its own */
	struct mult__rmap *map;     /* published; range; NULL: not written */
	/* numbered */
	uintptr_t ids;              /* published root word (mult__rtag()):
	                               identity - lo -> object */
	struct mult__rnode *low[MULT__RLOW]; /* published: ids' short ways
	                               (mult__radix_get_low()) */
	struct mult__htab *objs;    /* published, the host's only: object ->
	                               its identities (mult__num_at()) */
	/* value */
	struct mult__vtab *vals;    /* published */
	/* numbered: for a read through a reference (struct mult_num_ref) */
	uint64_t lo;                /* the domain's, set at creation */
	uint32_t top;               /* the domain's radix_top, likewise */
	uint32_t gone;              /* published: its instance was destroyed
	                               while references were held */
	uint64_t inst;              /* its instance's id, set before any
	                               slot holds it (mult__slot_ds()) */
	/*
	 * Below: what every write changes, a cache line away from the
	 * pointers above that every read follows.
	 */
	char apart[MULT__CACHELINE];
	uint64_t refs;              /* writer: references (mult_num_ref_get()) */
	struct mult__ds *onext, *oprev; /* writer: the space's orphans, once
	                               gone (mult__num_orphan()) */
	uint64_t cursor;            /* writer: next identity to try, - lo */
	uint64_t pending;           /* writer: identity chosen during an alloc */
	struct mult__rnode *pending_leaf; /* writer: the leaf of pending */
	struct mult__rnode *cursor_leaf; /* writer: the leaf of cursor, which
	                               stays in the tree; NULL: not known */
	struct mult__rchunk *leaves; /* writer: ids' leaves, newest chunk first */
	/*
	 * Accounting (I7). Written by the writer only, with single-word
	 * stores; usage, peak, limit, reserve, refusals and refused_by are
	 * read lock-free by mult_limit_get().
	 */
	uint64_t here;       /* numbered: objects allocated here; value: bytes */
	uint64_t usage;      /* here + children's usage; allotments: |A| */
	uint64_t sum_held;   /* what the children hold: see limit.c */
	uint64_t limit;      /* MULT_UNLIMITED by default */
	uint64_t reserve;
	uint64_t peak;
	uint64_t refusals;
	uint64_t refused_by;
};

/*
 * A numbered object's identities (offsets from lo, below 2^32), one a
 * level from the host (nr[0]) to the instance that allocated it, at
 * depth `depth`, as Linux's struct pid keeps its upids; an object at depth
 * 0, or at depth 1 in a domain of at most 2^31 identities, needs none:
 * its identities lie in the host's hash entry itself (mult__num_at()).
 * Written before the entry that points at it is published. Records are
 * type-stable, as Linux's SLAB_TYPESAFE_BY_RCU caches are: a freed
 * object's record goes on its domain's list of its class (room for
 * 4 << cls identities) and is written again for another object, with no
 * grace period between, and records go only with the space. So a reader
 * may read a record that has moved on to another object: every identity
 * it takes from one it checks in the viewer's tree (mult_num_number()).
 */
#define MULT__NREC_CLASSES 31

struct mult__nrec {
	struct mult__blk blk;
	struct mult__nrec *next;    /* writer: its class's list, once freed */
	uint32_t depth;             /* in place */
	uint32_t cls;               /* never changes */
	uint32_t nr[];              /* in place */
};

struct mult__dvec {
	struct mult__blk blk;
	uint32_t n;
	uint32_t pad;
	struct mult__ds *v[];       /* published, in place: NULL -> ds once */
};

/* ---- instances ---------------------------------------------------------- */

#define MULT__INST_FEDERATED MULT_INSTANCE_FEDERATED

/*
 * An instance's state in the domains that existed when it was made lies in
 * the instance itself (ds[], nds of them): a read goes from the instance
 * to its state with no vector between. Domains made later go through dv.
 * What readers read lies a cache line from what writers write: a sibling's
 * create or destroy writes next and prev, and the block after may be an
 * instance a writer creates and destroys (MULT__INST_SIZE()). Blocks are
 * only 16-byte aligned, hence padding (as struct mult__htab).
 */
struct mult__inst {
	struct mult__blk blk;
	/* writer-side tree: a sibling's create or destroy writes next, prev */
	int doomed;                 /* writer: inside a destroy (readers read
	                               flags, so this can't be a flag bit) */
	struct mult__inst *child;   /* first child */
	struct mult__inst *next;    /* next sibling */
	struct mult__inst *prev;    /* previous sibling */
	/* Below: what readers read, a line from the writer's fields above. */
	char apart[MULT__CACHELINE];
	uint64_t id;
	struct mult__inst *parent;
	uint32_t depth;
	uint32_t flags;             /* MULT_INSTANCE_*: set before publication */
	uint32_t nds;               /* entries of ds[]: set before publication */
	uint32_t pad;
	struct mult__dvec *dv;      /* published: domains from nds on */
	uint64_t name_hash;         /* 0: no name */
	char name[MULT_NAME_MAX + 1];
	struct mult__ds *ds[];      /* published, in place: NULL -> ds once */
};

/*
 * The block of an instance with n entries of ds[], and a line after them:
 * the next block may be one a writer churns (an instance created and
 * destroyed beside it), and readers read ds[] on every call.
 */
#define MULT__INST_SIZE(n)                                                   \
	(sizeof(struct mult__inst) + (n) * sizeof(struct mult__ds *) +        \
	    MULT__CACHELINE)

#define MULT__CHUNK_BITS 10
#define MULT__CHUNK (1u << MULT__CHUNK_BITS)

/*
 * A line each, on line boundaries (mult__chunk_slots()): the writer writes
 * a slot at every create and destroy, and a reader of the instance in the
 * slot beside it would take a miss each time. The rest of the line holds
 * the instance's states in the first MULT__SLOT_DS domains, the lookups'
 * short way past the instance (mult__slot_ds()).
 */
#define MULT__SLOT_DS 5

struct mult__slot {
	struct mult__inst *inst;    /* published, in place */
	uint64_t last;              /* in place: the last id issued here */
	uint32_t next_free;         /* writer: free list */
	uint32_t pad;
	struct mult__ds *ds[MULT__SLOT_DS]; /* published: inst's states in the
	                               first domains (mult__slot_ds()) */
};

_Static_assert(sizeof(struct mult__slot) == MULT__CACHELINE,
    "a slot is a cache line");

struct mult__chunk {
	struct mult__blk blk;
	char room[MULT__CACHELINE - 1 + MULT__CHUNK * sizeof(struct mult__slot)];
};

/* The chunk's slots: from the first line boundary in its room on. */
static inline struct mult__slot *
mult__chunk_slots(struct mult__chunk *ch)
{
	return (struct mult__slot *)(((uintptr_t)ch->room + MULT__CACHELINE -
	    1) & ~(uintptr_t)(MULT__CACHELINE - 1));
}

/*
 * The slot directory. s[i], which readers index, is chunk i's first slot,
 * so that a reader need not align it itself; the chunks themselves, what
 * is freed, are the writer's, in the same block after s[cap]
 * (mult__sdir_chunks()).
 */
struct mult__sdir {
	struct mult__blk blk;
	uint32_t cap;
	uint32_t pad;
	struct mult__slot *s[];     /* in place: NULL -> slots once */
};

#define MULT__SDIR_SIZE(cap)                                                  \
	(sizeof(struct mult__sdir) + (size_t)(cap) *                          \
	    (sizeof(struct mult__slot *) + sizeof(struct mult__chunk *)))

/* The writer's chunk pointers of dir: cap of them, after s[]. */
static inline struct mult__chunk **
mult__sdir_chunks(struct mult__sdir *dir)
{
	return (struct mult__chunk **)(void *)&dir->s[dir->cap];
}

/* ---- domains and the space ---------------------------------------------- */

struct mult__dom {
	struct mult__blk blk;
	uint32_t idx;
	int kind;
	uint32_t flags;
	uint32_t value_max;
	uint64_t lo, hi;
	uint64_t last;              /* hi - lo, the last identity offset: a
	                               reader's bounds test is id - lo <=
	                               last, one compare */
	uint32_t radix_top;         /* numbered: the tallest root's shift */
	struct mult__obkt *obkt;    /* exclusive: set at creation */
	uint64_t name_hash;
	char name[MULT_NAME_MAX + 1];
	/* Below: what writes change, a line away from what reads read. */
	char apart[MULT__CACHELINE];
	struct mult__ivec *owners;  /* isolated range and exclusive: the
	                               writer's; readers read obkt */
	struct mult__ivec *pending; /* writer: an owner index being prepared */
	int has_pending;            /* writer: pending (maybe NULL) replaces owners */
	struct mult__obkt *oprep;   /* writer: exclusive: buckets prepared */
	uint32_t ofrom, oto;        /* writer: the buckets oprep may hold */
	uint64_t ochanged[MULT__OBKT_MAX / 64]; /* writer: which it holds */
	struct mult__nrec *nfree[MULT__NREC_CLASSES]; /* writer: numbered:
	                               freed records, by class, for reuse */
};

struct mult_space {
	void *lock;
	struct mult_allocator al;
	uint32_t free_slot;         /* writer: head of the free slot list */
	uint32_t next_slot;         /* writer: first never-used slot */
	struct mult__ds *orphans;   /* writer: held states of destroyed
	                               instances (mult__num_orphan()) */
	/* Below: what every read reads, a line from the writer's slots. */
	char apart[MULT__CACHELINE];
	uint64_t seed;
	uint32_t ndoms;             /* published: count of doms[] in use */
	uint32_t pad;
	struct mult__slot *slots0;  /* chunk 0's slots, the host's, fixed from
	                               the space's creation: most lookups skip
	                               sdir, as Linux's files_struct keeps its
	                               first fds in place (fd_array) */
	uint64_t lo[MULT__SLOT_DS]; /* the first domains' lo, set before they
	                               are published: the short way reads it
	                               here, beside slots0, not through
	                               doms[] (a dependent load fewer) */
	struct mult__sdir *sdir;    /* published */
	struct mult__htab *names;   /* published: name hash -> instance */
	struct mult__inst *host;
	struct mult__dom *doms[MULT_DOMAIN_MAX];
};

/* ---- util.c ------------------------------------------------------------- */

void *mult__alloc(struct mult_space *sp, size_t size);
void mult__free(struct mult_space *sp, void *blk);
void mult__retire(struct mult_space *sp, void *blk);
uint64_t mult__hash_str(uint64_t seed, const char *s, size_t len);
size_t mult__strnlen(const char *s, size_t max);
int mult__name_check(const char *name, size_t *len);

/* ---- htab.c ------------------------------------------------------------- */

struct mult__htab *mult__ht_new(struct mult_space *sp, uint32_t cap);
int mult__ht_reserve(struct mult_space *sp, struct mult__htab **tp,
    uint64_t seed);
struct mult__hent *mult__ht_place(struct mult__htab *t, uint64_t seed,
    uint64_t key, int whole);
void mult__ht_insert_at(struct mult__htab *t, struct mult__hent *e,
    uint64_t key, uint64_t val);
void mult__ht_insert(struct mult__htab *t, uint64_t seed, uint64_t key,
    uint64_t val);
void mult__ht_remove(struct mult__htab *t, struct mult__hent *e);

/* ---- radix.c ------------------------------------------------------------ */

int mult__radix_free_index(uintptr_t root, uint64_t from,
    uint64_t span, uint64_t *out, struct mult__rnode **leafp);
uint32_t mult__radix_top(uint64_t span);
int mult__radix_prepare(struct mult_space *sp, uintptr_t *rootp,
    struct mult__rnode **low, struct mult__rchunk **leaves, uint32_t top,
    uint64_t idx, struct mult__rnode **leafp);
void mult__radix_set_in(uintptr_t root, struct mult__rnode *leaf,
    uint64_t idx, uint64_t obj);
void mult__radix_clear(struct mult_space *sp, uintptr_t root,
    struct mult__rnode **low, struct mult__rchunk **leaves, uint64_t idx,
    uint64_t next);
void mult__radix_retire(struct mult_space *sp, uintptr_t root,
    struct mult__rchunk *leaves, int now);

/* ---- inst.c ------------------------------------------------------------- */

int mult__inst_host_create(struct mult_space *sp);
void mult__inst_destroy_all(struct mult_space *sp);

int mult__ds_prepare(struct mult_space *sp, struct mult__inst *in,
    uint32_t dom, struct mult__ds **out);
struct mult__inst *mult__subtree_next(struct mult__inst *root,
    struct mult__inst *cur);
void mult__ds_release(struct mult_space *sp, struct mult__ds *ds, int now);

/* ---- ivec.c ------------------------------------------------------------- */

const struct mult__ivl *mult__ivec_find(const struct mult__ivec *v,
    uint64_t x);
int mult__ivec_covers(const struct mult__ivec *v, uint64_t first,
    uint64_t last);
int mult__ivec_intersects(const struct mult__ivec *v, uint64_t first,
    uint64_t last);
const struct mult__ivec *mult__allot_effective(const struct mult__dom *d,
    const struct mult__inst *in, int *all);
int mult__obkt_init(struct mult_space *sp, struct mult__dom *d);
int mult__obkt_prepare(struct mult_space *sp, struct mult__dom *d,
    const struct mult__ivec *owners, uint64_t first, uint64_t last);
void mult__obkt_commit(struct mult_space *sp, struct mult__dom *d);
void mult__obkt_abort(struct mult_space *sp, struct mult__dom *d);
void mult__obkt_free(struct mult_space *sp, struct mult__dom *d);
int mult__obkt_same(const struct mult__ivec *b, const struct mult__ivec *v,
    uint32_t j, uint32_t k, uint64_t bs, uint64_t be);
uint32_t mult__obkt_clip(const struct mult__ivec *v, uint64_t bs,
    uint64_t be, uint32_t *j);
void mult__obkt_bounds(const struct mult__dom *d, uint32_t i, uint64_t *bs,
    uint64_t *be);
void mult__owners_set(struct mult_space *sp, struct mult__dom *d,
    struct mult__ivec *owners);
int mult__owners_rebuild(struct mult_space *sp, struct mult__dom *d,
    struct mult__inst *gone_root);

/* ---- num.c -------------------------------------------------------------- */

void mult__num_unlink(struct mult_space *sp, struct mult__inst *in,
    uint32_t dom);
void mult__num_orphan(struct mult_space *sp, struct mult__ds *ds);
void mult__num_orphans_free(struct mult_space *sp);
void mult__num_release(struct mult_space *sp, const struct mult__htab *objs,
    void (*rel)(struct mult_space *, void *));
void mult__num_pool_free(struct mult_space *sp, struct mult__dom *d);

/* ---- limit.c ------------------------------------------------------------ */

int mult__charge_check(struct mult_space *sp, const struct mult__dom *d,
    struct mult__inst *c, uint64_t here_inc, uint64_t held_inc);
void mult__charge(const struct mult__dom *d, struct mult__inst *a,
    uint64_t dusage, uint64_t dhere, uint64_t dsum);
void mult__charge_detach(const struct mult__dom *d, struct mult__inst *x);
int mult__refuse(struct mult__inst *by, struct mult__inst *c, uint32_t dom);


/* Inline: every level of every charge asks them (see limit.c). */
static inline int
mult__is_allot_kind(const struct mult__dom *d)
{
	return d->kind == MULT_KIND_RANGE || d->kind == MULT_KIND_EXCLUSIVE;
}

static inline uint64_t
mult__max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* What ds's instance holds at its parent. */
static inline uint64_t
mult__held(const struct mult__dom *d, const struct mult__ds *ds)
{
	if (ds == NULL)
		return 0;
	if (mult__is_allot_kind(d))
		return mult__max(ds->reserve, ds->usage);
	return mult__max(ds->reserve, ds->here + ds->sum_held);
}

/*
 * mult__charge_check(sp, d, c, 1, 0) for a numbered domain, one level at
 * a time, from c up (*more set): one more object at c. Its demand grows
 * by one at every level while no reservation covers it, so a level asks
 * one comparison, and *more is cleared at the first level whose
 * reservation exceeds its demand. A level without a state yet is an
 * empty one. A level at a time so that the walk that finds the object's
 * identities does it too.
 */
static inline int
mult__charge_num_step(struct mult_space *sp, const struct mult__dom *d,
    struct mult__inst *c, struct mult__inst *a, const struct mult__ds *ds,
    int *more)
{
	uint64_t span = d->hi - d->lo + 1, demand, cap;

	if (ds == NULL)
		return 0;
	demand = ds->here + ds->sum_held;
	cap = ds->limit;
	if (a == sp->host) {
		if (ds->usage >= span)
			return MULT_ENOSPC;
		if (cap > span)
			cap = span;
	}
	if (demand >= cap)
		return mult__refuse(a, c, d->idx);
	if (ds->reserve > demand)
		*more = 0;
	return 0;
}

/*
 * mult__charge(d, c, delta, delta, 0) for a numbered domain, delta 1 or
 * 0 - 1, one level at a time, from c (*dhere delta, *dsum 0) up to the
 * host: one object more or fewer, in usage at every level, in what each
 * level holds at its parent while no reservation absorbs it. A level at
 * a time so that the walks that number or drop the object do it too.
 */
static inline void
mult__charge_num_at(struct mult__ds *ds, uint64_t delta, uint64_t *dhere,
    uint64_t *dsum)
{
	uint64_t demand = ds->here + ds->sum_held;
	uint64_t before = mult__max(ds->reserve, demand);

	demand += *dhere + *dsum;
	mult__store(&ds->here, ds->here + *dhere);
	mult__store(&ds->sum_held, ds->sum_held + *dsum);
	mult__store(&ds->usage, ds->usage + delta);
	if (ds->usage > ds->peak)
		mult__store(&ds->peak, ds->usage);
	*dsum = mult__max(ds->reserve, demand) - before;
	*dhere = 0;
}

/* What the demand (consumption) or the children's holdings may reach. */
static inline uint64_t
mult__cap(struct mult_space *sp, const struct mult__dom *d,
    const struct mult__inst *in, const struct mult__ds *ds)
{
	uint64_t cap = ds != NULL ? ds->limit : MULT_UNLIMITED;

	if (mult__is_allot_kind(d))
		return in == sp->host ? d->hi - d->lo + 1 :
		    (ds != NULL ? ds->usage : 0);
	if (in == sp->host && d->kind == MULT_KIND_NUMBERED)
		cap = cap < d->hi - d->lo + 1 ? cap : d->hi - d->lo + 1;
	return cap;
}

/* ---- value.c ------------------------------------------------------------ */

int mult__value_copy(struct mult_space *sp, const struct mult__vtab *src,
    struct mult__vtab **out);
uint64_t mult__value_bytes(const struct mult__vtab *t);
void mult__value_release(struct mult_space *sp, struct mult__vtab *t,
    int now);

/* ---- the read path: inline, so a lookup makes no call but the seam's --- */

/* murmur3's fmix64 finalizer: every input bit affects every output bit. */
static inline uint64_t
mult__mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * The registered domain dom into *dp, or MULT_EINVAL. Reader or writer:
 * doms[] is filled below ndoms before ndoms is raised past it, and a
 * domain is never taken away.
 */
static inline int
mult__dom_get(struct mult_space *sp, uint32_t dom, struct mult__dom **dp)
{
	if (sp == NULL || dom >= mult__load_acq(&sp->ndoms))
		return MULT_EINVAL;
	*dp = sp->doms[dom];
	return 0;
}

/*
 * The first slot of slot s's chunk, or NULL if it has none yet. A space
 * has a directory from its creation on (its host is in it).
 */
static inline struct mult__slot *
mult__slots_at(struct mult__sdir *dir, uint32_t s)
{
	if ((s >> MULT__CHUNK_BITS) >= dir->cap)
		return NULL;
	return mult__load_acq(&dir->s[s >> MULT__CHUNK_BITS]);
}

static inline struct mult__slot *
mult__slot_at(struct mult__sdir *dir, uint32_t s)
{
	struct mult__slot *first = mult__slots_at(dir, s);

	if (first == NULL)
		return NULL;
	return &first[s & (MULT__CHUNK - 1)];
}

/*
 * The live instance with this id, or NULL and *err: MULT_ENOENT if the id
 * was never issued, MULT_ESTALE if its instance is gone. Two dependent
 * loads (three past the first chunk) and a compare of the instance's own
 * id (generation included).
 */
static inline struct mult__inst *
mult__inst_get(struct mult_space *sp, uint64_t id, int *err)
{
	struct mult__slot *sl;
	struct mult__inst *in;
	uint64_t last;

	if (sp == NULL) {
		*err = MULT_EINVAL;
		return NULL;
	}
	if (mult__likely((uint32_t)id < MULT__CHUNK))
		sl = sp->slots0;
	else if ((sl = mult__slots_at(mult__load_acq(&sp->sdir),
	    (uint32_t)id)) == NULL) {
		*err = MULT_ENOENT;
		return NULL;
	}
	/* Not mult__slot_at(): its test for NULL can't fail here. */
	sl += (uint32_t)id & (MULT__CHUNK - 1);
	in = mult__load_acq(&sl->inst);
	if (mult__likely(in != NULL && in->id == id))
		return in;
	last = mult__load(&sl->last);
	*err = last != 0 && (id >> 32) <= (last >> 32) ? MULT_ESTALE :
	    MULT_ENOENT;
	return NULL;
}

/* in's state in dom, or NULL if it has none yet. */
static inline struct mult__ds *
mult__ds_get(const struct mult__inst *in, uint32_t dom)
{
	const struct mult__dvec *dv;

	if (mult__likely(dom < in->nds))
		return mult__load_acq(&in->ds[dom]);
	dv = mult__load_acq(&in->dv);
	if (dv == NULL || dom >= dv->n)
		return NULL;
	return mult__load_acq(&dv->v[dom]);
}

/*
 * The state of instance id in dom from the instance's slot itself, or
 * NULL: a load fewer than mult__inst_get() then mult__ds_get(), for the
 * first slots and domains. A state is its instance's for life, and names
 * it (ds->inst), so a slot reused meanwhile gives NULL, never another
 * instance's state. NULL says nothing: ask the long way.
 */
static inline const struct mult__ds *
mult__slot_ds(struct mult_space *sp, uint64_t id, uint32_t dom)
{
	const struct mult__ds *ds;

	if (sp == NULL || (uint32_t)id >= MULT__CHUNK || dom >= MULT__SLOT_DS)
		return NULL;
	ds = mult__load_acq(&sp->slots0[(uint32_t)id].ds[dom]);
	return ds != NULL && ds->inst == id ? ds : NULL;
}

/*
 * A table's capacity is not a power of two (so that it can track its
 * contents closely): a probe starts at the high half of the key's hash
 * scaled to the capacity, and wraps at its end.
 */
static inline uint32_t
mult__ht_start(const struct mult__htab *t, uint64_t seed, uint64_t key)
{
	return (uint32_t)(((mult__mix(key ^ seed) >> 32) * t->cap) >> 32);
}

static inline uint32_t
mult__ht_next(const struct mult__htab *t, uint32_t i)
{
	return i + 1 == t->cap ? 0 : i + 1;
}

/* Would one more insert take t (NULL: none yet) past its load limit? */
static inline int
mult__ht_full(const struct mult__htab *t)
{
	return t == NULL || ((uint64_t)t->used + 1) * 5 > (uint64_t)t->cap * 4;
}

/*
 * Find the live entry for key and, in *val, its value as it was when the
 * entry was seen live (the entry itself may be rekeyed by then: a reader
 * uses *val, never a later load of the entry). Lock-free; the caller is in
 * a read section or holds the writer lock. Keys may repeat (name hashes):
 * callers that need that use the probe loop themselves.
 */
static inline const struct mult__hent *
mult__ht_get(const struct mult__htab *t, uint64_t seed, uint64_t key,
    uint64_t *val)
{
	uint32_t i, n;

	if (t == NULL)
		return NULL;
	i = mult__ht_start(t, seed, key);
	for (n = 0; n < t->cap; n++) {
		const struct mult__hent *e = &t->e[i];
		uint64_t k = mult__load_acq(&e->key), v;

		if (k == 0)
			return NULL;
		/* the key again after the value: see struct mult__hent */
		if (k == key && (v = mult__load_acq(&e->val)) != MULT__HT_TOMB &&
		    mult__load(&e->key) == key) {
			*val = v;
			return e;
		}
		i = mult__ht_next(t, i);
	}
	return NULL;
}

/* The writer's find: under the writer lock an entry stays as found. */
static inline const struct mult__hent *
mult__ht_find(const struct mult__htab *t, uint64_t seed, uint64_t key)
{
	uint64_t v;

	return mult__ht_get(t, seed, key, &v);
}

#define MULT__RADIX_MASK (MULT__RADIX_FAN - 1)
#define MULT__RADIX_DEPTH ((64 + MULT__RADIX_BITS - 1) / MULT__RADIX_BITS)

/* The child of interior node n (at shift) on the path to idx, or NULL. */
static inline struct mult__rnode *
mult__rchild(const struct mult__rnode *n, uint32_t shift, uint64_t idx)
{
	uintptr_t c = (uintptr_t)mult__load_acq(
	    &n->slot[(idx >> shift) & MULT__RADIX_MASK]);

	return (struct mult__rnode *)c;
}

/*
 * An empty node: a walk goes on from a missing child to it and reads 0 at
 * the leaf, so its steps need no branch.
 */
extern const struct mult__rnode mult__rnode_none;

static inline const struct mult__rnode *
mult__rchild_or_none(const struct mult__rnode *n, uint32_t shift, uint64_t idx)
{
	const struct mult__rnode *c = mult__rchild(n, shift, idx);

	/* Unlikely: the step falls through, and the fix-up is out of line. */
	if (mult__unlikely(c == NULL))
		c = &mult__rnode_none;
	return c;
}

/*
 * A tree's root word: the root's address (nodes are 8-byte aligned), and
 * in its three low bits how many levels the root stands below the
 * domain's tallest root (shift top). A tree may be up to seven levels
 * shorter than the domain allows; a taller one is simply not as short as
 * it could be. The writer publishes a new word when the tree grows a
 * level, with the old root as the new one's first child, so a reader with
 * either word walks a well-formed tree.
 */
#define MULT__RTAG_MASK ((uintptr_t)7)

static inline uintptr_t
mult__rtag(const struct mult__rnode *root, uint32_t top, uint32_t shift)
{
	return (uintptr_t)root | ((top - shift) / MULT__RADIX_BITS);
}

static inline struct mult__rnode *
mult__rroot(uintptr_t r)
{
	return (struct mult__rnode *)(r & ~MULT__RTAG_MASK);
}

static inline uint32_t
mult__rshift(uintptr_t r, uint32_t top)
{
	return top - MULT__RADIX_BITS * (uint32_t)(r & MULT__RTAG_MASK);
}

/* Does a root at shift cover identity offset idx? */
static inline int
mult__rcovers(uint32_t shift, uint64_t idx)
{
	return ((idx >> shift) >> MULT__RADIX_BITS) == 0;
}

/*
 * The object at idx (below the domain's span), or 0, in the tree of root
 * word r, in a domain whose tallest root is at shift top. Lock-free.
 */
static inline uint64_t
mult__radix_get(uintptr_t r, uint32_t top, uint64_t idx)
{
	const struct mult__rnode *n = mult__rroot(r);
	uint32_t shift = mult__rshift(r, top);

	if (!mult__rcovers(shift, idx))
		return 0;
	for (; n != NULL && shift > 0; shift -= MULT__RADIX_BITS)
		n = mult__rchild(n, shift, idx);
	return n != NULL ? mult__load(&n->slot[idx & MULT__RADIX_MASK]) : 0;
}

/*
 * mult__radix_get() by the tree's short ways (MULT__RLOW) for identities
 * they cover; *rp, the root word, is loaded only for the others. A short
 * way may be a node that has just left the tree, empty: it reads 0, the
 * answer for a moment it was in the tree. *top, the tallest root's shift,
 * is read only for those others too: by value, it was loaded on every
 * lookup, for gcc hoists a plain load above the branch that needs it.
 * Lock-free.
 */
static inline __attribute__((__always_inline__)) uint64_t
mult__radix_get_low(const uintptr_t *rp, struct mult__rnode *const *low,
    const uint32_t *top, uint64_t idx)
{
	/*
	 * k = floor(log64(idx)), the level of the lowest node covering idx:
	 * the top bit's index over six, as (b * 43) >> 8, exact for b < 64.
	 */
	uint32_t k = ((uint32_t)(63 - __builtin_clzll(idx | 1)) * 43) >> 8;
	const struct mult__rnode *n;

	if (k >= MULT__RLOW)
		return mult__radix_get(mult__load_acq(rp), *top, idx);
	n = mult__load_acq(&low[k]);
	if (mult__unlikely(n == NULL))
		n = &mult__rnode_none;
	/*
	 * The k levels below, unrolled (radix.c asserts MULT__RLOW is 4). A
	 * missing child leads to the empty node, so no step branches on it.
	 * k = 1, a domain's first 4,096 identities (a pid namespace's all),
	 * takes no branch at all: a taken branch, even a predicted one, cost
	 * a lookup more than its ops (a switch took two: to the case and
	 * back). Taller trees take one out and one back.
	 */
	if (mult__likely(k != 0)) {
		if (mult__unlikely(k >= 2)) {
			if (k == 3)
				n = mult__rchild_or_none(n, 3 * MULT__RADIX_BITS,
				    idx);
			n = mult__rchild_or_none(n, 2 * MULT__RADIX_BITS, idx);
		}
		n = mult__rchild_or_none(n, MULT__RADIX_BITS, idx);
	}
	return mult__load(&n->slot[idx & MULT__RADIX_MASK]);
}

/*
 * The short ways of mult__radix_free_index() and mult__radix_clear() in
 * the leaf of the writer's cursor, which never leaves the tree (clear
 * keeps the leaf of next): inline, because an allocation at depth k takes
 * them at k + 1 levels. The first free index from `from` (in leaf) that
 * leaf holds, below span, into *out; 0 if none (walk from the root).
 */
static inline int
mult__radix_free_in_leaf(const struct mult__rnode *leaf, uint64_t from,
    uint64_t span, uint64_t *out)
{
	uint32_t j = (uint32_t)(from & MULT__RADIX_MASK);

	while (j < MULT__RADIX_FAN && leaf->slot[j] != 0)
		j++;
	*out = (from & ~(uint64_t)MULT__RADIX_MASK) | j;
	return j < MULT__RADIX_FAN && *out < span;
}

/*
 * Clear idx in leaf, the leaf of next, if leaf is not full (no count
 * above it changes, and it stays in the tree); 0 if it must be cleared
 * the long way.
 */
static inline int
mult__radix_clear_in_leaf(struct mult__rnode *leaf, uint64_t idx,
    uint64_t next)
{
	if ((idx >> MULT__RADIX_BITS) != (next >> MULT__RADIX_BITS) ||
	    leaf->count == MULT__RADIX_FAN)
		return 0;
	MULT__ASSERT(leaf->slot[idx & MULT__RADIX_MASK] != 0);
	mult__store_rel(&leaf->slot[idx & MULT__RADIX_MASK], 0);
	leaf->count--;
	return 1;
}

/*
 * The host's hash value of a numbered object: a record's address with bit
 * 0 set; or, bit 0 clear, its identity in the host from bit 2 on (an
 * object of the host's own), or, bit 1 set too, its identities at depths
 * 0 and 1 in bits 2-32 and 33-63. The identity at depth k into *nr, or 0
 * if the object lies above depth k (it is then numbered nowhere at depth
 * k). Lock-free, but a record read outside the writer lock may have
 * moved on to another object since the entry was read: its answers hold
 * only once checked in the tree (see struct mult__nrec).
 */
#define MULT__NUM_REC ((uint64_t)1)
#define MULT__NUM_D1 ((uint64_t)2)
#define MULT__NUM_INLINE ((uint64_t)1 << 31)

static inline int
mult__num_at(uint64_t v, uint32_t k, uint64_t *nr)
{
	const struct mult__nrec *rec;

	if (!(v & MULT__NUM_REC)) {
		if (k > ((v & MULT__NUM_D1) != 0))
			return 0;
		if (k == 1)
			*nr = v >> 33;
		else
			*nr = v & MULT__NUM_D1 ? (v >> 2) & (MULT__NUM_INLINE - 1) :
			    v >> 2;
		return 1;
	}
	rec = (const struct mult__nrec *)(uintptr_t)(v & ~MULT__NUM_REC);
	/* depth < 4 << cls, whichever object's it is now */
	if (k > mult__load(&rec->depth))
		return 0;
	*nr = mult__load(&rec->nr[k]);
	return 1;
}

/* The depth of the instance that allocated the object of value v. Writer. */
static inline uint32_t
mult__num_depth(uint64_t v)
{
	if (!(v & MULT__NUM_REC))
		return (v & MULT__NUM_D1) != 0;
	return ((const struct mult__nrec *)(uintptr_t)(v & ~MULT__NUM_REC))->depth;
}

/*
 * Replace a published block: publish the new one, then retire the old.
 * Never the other way round: a grace period waits only for readers that
 * began before the retire, and until the new block is published a reader
 * that begins can still find the old one.
 */
#define MULT__REPLACE(sp, field, val)                                         \
	do {                                                                  \
		void *old_ = (void *)(field);                                 \
		mult__store_rel(&(field), (val));                             \
		mult__retire((sp), old_);                                     \
	} while (0)

/* ---- common prologue of the API ----------------------------------------- */

/* Read-side lookup of a domain of the wanted kind and an instance. */
static inline int
mult__resolve(struct mult_space *sp, uint64_t inst, uint32_t dom, int kind,
    struct mult__dom **dp, struct mult__inst **ip)
{
	int err;

	if ((err = mult__dom_get(sp, dom, dp)) != 0)
		return err;
	if (kind != 0 && (*dp)->kind != kind)
		return MULT_EKIND;
	*ip = mult__inst_get(sp, inst, &err);
	if (*ip == NULL)
		return err;
	return 0;
}

#endif /* MULT_CORE_INTERNAL_H */
