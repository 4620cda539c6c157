/* mm/heap.c - the kernel heap (see mm/heap.h).
 *
 * Slab page:   [struct slab | pad | object 0 | object 1 | ... ]
 *   Objects of one class sit at multiples of their size from the page start,
 *   so each is naturally aligned and an aligned request is served by the
 *   class of max(size, align).  No object starts at the page boundary.
 * Large run:   [struct large | pad | object ...............]
 *   The object starts at ALIGN_UP(header, align); for page alignment that
 *   is the second page, and a page-aligned pointer finds its header one
 *   page below.  Any other pointer finds its header at its own page start.
 *
 * Headers carry a seal (a hash of the fields that never change, and of the
 * header's own address) so a header that was overwritten, or a stray copy
 * of one, is recognised.  Object state is a bitmap in the slab header, so a
 * freed object stays known as free whatever is written into it later.
 * Slots are handed out round-robin within a slab, which keeps a freed slot
 * free for as long as possible and a late double free detectable. */
#include "lib/types.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/heap.h"

#define SLAB_MAGIC   0x534c4142u  /* "SLAB" */
#define SLAB_DEAD    0x44454144u  /* "DEAD": the page went back to the source */
#define LARGE_MAGIC  0x4c415247u  /* "LARG" */
#define LARGE_LIVE   0x4c495645u  /* "LIVE" */
#define LARGE_FREED  0x46524545u  /* "FREE" */
#define POISON_FREED 0x6b         /* fills freed slab objects */

#define SLAB_MAP_WORDS 4          /* up to 256 objects per slab */

struct slab {
	u32 magic;
	u16 cls;
	u16 nobj;
	u16 nfree;
	u16 first;      /* offset of object 0 from the page start */
	u16 cursor;     /* the next slot search starts here */
	u16 reserved;
	struct heap *owner;
	struct heap_link link;
	u64 used[SLAB_MAP_WORDS];  /* bit set: object handed out */
	u64 seal;       /* over magic, cls, nobj, first, owner and the address */
};

struct large {
	u32 magic;
	u32 state;      /* LARGE_LIVE or LARGE_FREED */
	u64 npages;
	u64 offset;     /* object start from the first page */
	struct heap *owner;
	struct heap_link link;
	u64 seal;       /* over magic, npages, offset, owner and the address */
};

_Static_assert(HEAP_MIN_CLASS << (HEAP_NR_CLASSES - 1) == HEAP_MAX_CLASS,
	       "size classes must double from HEAP_MIN_CLASS to HEAP_MAX_CLASS");
_Static_assert((PAGE_SIZE - ALIGN_UP(sizeof(struct slab), HEAP_MIN_CLASS)) / HEAP_MIN_CLASS <=
	       SLAB_MAP_WORDS * 64, "the smallest class overflows the slab bitmap");
_Static_assert(sizeof(struct slab) <= HEAP_MAX_CLASS && 2 * HEAP_MAX_CLASS <= PAGE_SIZE,
	       "a slab of the largest class must hold an object");
_Static_assert(sizeof(struct large) <= 64, "large header grew: tests assume 64 bytes of overhead");

/* ---- lists ---- */

static void list_init(struct heap_link *head)
{
	head->next = head->prev = head;
}

static bool list_empty(const struct heap_link *head)
{
	return head->next == head;
}

static void list_del(struct heap_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->next = l->prev = l;
}

static void list_add_after(struct heap_link *pos, struct heap_link *l)
{
	l->next = pos->next;
	l->prev = pos;
	pos->next->prev = l;
	pos->next = l;
}

#define list_add_head(head, l) list_add_after((head), (l))
#define list_add_tail(head, l) list_add_after((head)->prev, (l))

/* ---- helpers ---- */

static u64 popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

static u64 seal(u64 a, u64 b, u64 c, u64 d)
{
	const u64 k = 0x9e3779b97f4a7c15ULL;
	u64 x = 0x5eed5eed5eed5eedULL;

	x = (x ^ a) * k;
	x = (x ^ b) * k;
	x = (x ^ c) * k;
	x = (x ^ d) * k;
	return x ^ (x >> 31);
}

static u64 addr_of(const void *p)
{
	return (u64)(uintptr_t)p;
}

static u64 slab_seal(const struct slab *s)
{
	return seal(s->magic, (u64)s->cls << 32 | (u64)s->nobj << 16 | s->first,
		    addr_of(s->owner), addr_of(s));
}

static u64 large_seal(const struct large *l)
{
	return seal(l->magic, l->npages, l->offset ^ addr_of(l->owner), addr_of(l));
}

static u32 class_size(unsigned int cls)
{
	return HEAP_MIN_CLASS << cls;
}

static unsigned int class_of(size_t size)
{
	unsigned int cls = 0;

	while (class_size(cls) < size)
		cls++;
	return cls;
}

/* Offset of object 0: the first multiple of the size past the header. */
static u16 class_first(unsigned int cls)
{
	return (u16)ALIGN_UP(sizeof(struct slab), class_size(cls));
}

static u16 class_nobj(unsigned int cls)
{
	return (u16)((PAGE_SIZE - class_first(cls)) / class_size(cls));
}

static void *slab_obj(struct slab *s, unsigned int idx)
{
	return (char *)s + s->first + (size_t)idx * class_size(s->cls);
}

static bool slab_used(const struct slab *s, unsigned int idx)
{
	return s->used[idx / 64] & BIT(idx % 64);
}

/* First clear bit of @map in [from, end), or @end; full words skipped. */
static unsigned int find_clear(const u64 *map, unsigned int from, unsigned int end)
{
	unsigned int w;
	u64 bits;

	if (from >= end)
		return end;
	w = from / 64;
	bits = ~map[w] & (~0ULL << (from % 64));
	while (!bits) {
		w++;
		if (w * 64 >= end)
			return end;
		bits = ~map[w];
	}
	from = w * 64 + (unsigned int)__builtin_ctzll(bits);
	return from < end ? from : end;
}

/* ---- init and stats ---- */

void heap_init(struct heap *h, const struct heap_ops *ops)
{
	unsigned int i;

	memset(h, 0, sizeof(*h));
	if (ops && ops->alloc_pages && ops->free_pages)
		h->ops = *ops;
	else
		pr_err("heap: no page source given; every allocation will fail\n");
	for (i = 0; i < HEAP_NR_CLASSES; i++) {
		list_init(&h->cls[i].partial);
		list_init(&h->cls[i].full);
		h->cls[i].size = class_size(i);
	}
	list_init(&h->large);
}

void heap_stats(const struct heap *h, struct heap_stats *st)
{
	st->bytes_in_use = h->bytes_in_use;
	st->pages_held = h->pages_held;
	st->allocs = h->allocs;
	st->frees = h->frees;
	st->errors = h->errors;
}

/* ---- pages from the source ---- */

static void *get_pages(struct heap *h, size_t npages)
{
	void *va;

	if (!h->ops.alloc_pages)
		return NULL;
	va = h->ops.alloc_pages(h->ops.ctx, npages);
	if (!va)
		return NULL;
	if (!IS_ALIGNED(addr_of(va), PAGE_SIZE)) {
		pr_err("heap: page source returned unaligned 0x%llx; giving it back\n",
		       (unsigned long long)addr_of(va));
		h->ops.free_pages(h->ops.ctx, va, npages);
		return NULL;
	}
	h->pages_held += npages;
	return va;
}

static void put_pages(struct heap *h, void *va, size_t npages)
{
	h->pages_held -= npages;
	h->ops.free_pages(h->ops.ctx, va, npages);
}

/* ---- slabs ---- */

static struct slab *slab_new(struct heap *h, unsigned int cls)
{
	struct slab *s = get_pages(h, 1);

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->cls = (u16)cls;
	s->nobj = class_nobj(cls);
	s->nfree = s->nobj;
	s->first = class_first(cls);
	s->owner = h;
	s->seal = slab_seal(s);
	list_init(&s->link);
	return s;
}

static void slab_release(struct heap *h, struct slab *s)
{
	list_del(&s->link);
	/* A late free into this page must not find a valid header. */
	s->magic = SLAB_DEAD;
	s->seal = 0;
	put_pages(h, s, 1);
}

static void *slab_alloc(struct heap *h, unsigned int cls)
{
	struct heap_class *c = &h->cls[cls];
	struct slab *s;
	unsigned int idx;

	if (list_empty(&c->partial)) {
		s = slab_new(h, cls);
		if (!s)
			return NULL;
		list_add_head(&c->partial, &s->link);
	} else {
		s = container_of(c->partial.next, struct slab, link);
		if (s->nfree == s->nobj)
			c->nempty--;
	}

	idx = find_clear(s->used, s->cursor, s->nobj);
	if (idx == s->nobj)
		idx = find_clear(s->used, 0, s->cursor);
	/* nfree > 0 for a slab on the partial list, so a slot exists. */
	s->used[idx / 64] |= BIT(idx % 64);
	s->nfree--;
	s->cursor = (u16)(idx + 1 < s->nobj ? idx + 1 : 0);
	if (s->nfree == 0) {
		list_del(&s->link);
		list_add_head(&c->full, &s->link);
	}
	h->bytes_in_use += c->size;
	h->allocs++;
	return slab_obj(s, idx);
}

static void slab_free(struct heap *h, struct slab *s, unsigned int idx)
{
	struct heap_class *c = &h->cls[s->cls];

	s->used[idx / 64] &= ~BIT(idx % 64);
	if (s->nfree++ == 0) {
		list_del(&s->link);
		list_add_head(&c->partial, &s->link);
	}
	/* Use after free then reads a pattern, not stale data. */
	memset(slab_obj(s, idx), POISON_FREED, c->size);
	h->bytes_in_use -= c->size;
	h->frees++;

	if (s->nfree == s->nobj) {
		if (c->nempty) {
			slab_release(h, s);
		} else {
			/* One spare per class absorbs alloc/free ping-pong. */
			c->nempty = 1;
			list_del(&s->link);
			list_add_tail(&c->partial, &s->link);
		}
	}
}

/* ---- large allocations ---- */

static void *large_alloc(struct heap *h, size_t size, size_t align)
{
	u64 offset = ALIGN_UP(sizeof(struct large), align);
	u64 npages = (offset + size + PAGE_SIZE - 1) / PAGE_SIZE;
	struct large *l = get_pages(h, npages);

	if (!l)
		return NULL;
	l->magic = LARGE_MAGIC;
	l->state = LARGE_LIVE;
	l->npages = npages;
	l->offset = offset;
	l->owner = h;
	l->seal = large_seal(l);
	list_add_head(&h->large, &l->link);
	h->bytes_in_use += npages * PAGE_SIZE - offset;
	h->allocs++;
	return (char *)l + offset;
}

static void large_free(struct heap *h, struct large *l)
{
	list_del(&l->link);
	/* Keeps the magic so a second free of it is named a double free. */
	l->state = LARGE_FREED;
	h->bytes_in_use -= l->npages * PAGE_SIZE - l->offset;
	h->frees++;
	put_pages(h, l, l->npages);
}

/* ---- allocation entry points ---- */

void *heap_alloc_aligned(struct heap *h, size_t size, size_t align)
{
	if (size == 0)
		return NULL;
	if (align == 0 || (align & (align - 1)) || align > PAGE_SIZE) {
		pr_err("heap: alignment %llu is not a power of two up to %llu\n",
		       (unsigned long long)align, (unsigned long long)PAGE_SIZE);
		h->errors++;
		return NULL;
	}
	if (size > HEAP_MAX_ALLOC) {
		pr_err("heap: refusing a %llu-byte allocation (limit %llu)\n",
		       (unsigned long long)size, (unsigned long long)HEAP_MAX_ALLOC);
		h->errors++;
		return NULL;
	}
	if (align < HEAP_MIN_ALIGN)
		align = HEAP_MIN_ALIGN;
	if (MAX(size, align) <= HEAP_MAX_CLASS)
		return slab_alloc(h, class_of(MAX(size, align)));
	return large_alloc(h, size, align);
}

void *heap_alloc(struct heap *h, size_t size)
{
	return heap_alloc_aligned(h, size, HEAP_MIN_ALIGN);
}

/* ---- from a pointer back to its header ---- */

struct heap_obj {
	struct slab *slab;    /* set for a slab object */
	unsigned int idx;
	struct large *large;  /* set for a large allocation */
};

/* Checks a slab header found at a page start; @ptr is the pointer whose
 * free or size query led there, named in the messages. */
static bool slab_header_ok(struct heap *h, const struct slab *s, const void *ptr)
{
	if (s->seal != slab_seal(s) || s->cls >= HEAP_NR_CLASSES ||
	    s->nobj != class_nobj(s->cls) || s->first != class_first(s->cls) ||
	    s->nfree > s->nobj || s->cursor >= s->nobj) {
		pr_err("heap: 0x%llx: slab header at 0x%llx is corrupted\n",
		       (unsigned long long)addr_of(ptr), (unsigned long long)addr_of(s));
		return false;
	}
	if (s->owner != h) {
		pr_err("heap: 0x%llx belongs to another heap (0x%llx, not 0x%llx)\n",
		       (unsigned long long)addr_of(ptr), (unsigned long long)addr_of(s->owner),
		       (unsigned long long)addr_of(h));
		return false;
	}
	return true;
}

static bool large_header_ok(struct heap *h, const struct large *l, const void *ptr)
{
	if (l->seal != large_seal(l) ||
	    (l->state != LARGE_LIVE && l->state != LARGE_FREED)) {
		pr_err("heap: 0x%llx: large-allocation header at 0x%llx is corrupted\n",
		       (unsigned long long)addr_of(ptr), (unsigned long long)addr_of(l));
		return false;
	}
	if (l->owner != h) {
		pr_err("heap: 0x%llx belongs to another heap (0x%llx, not 0x%llx)\n",
		       (unsigned long long)addr_of(ptr), (unsigned long long)addr_of(l->owner),
		       (unsigned long long)addr_of(h));
		return false;
	}
	if ((const char *)l + l->offset != (const char *)ptr) {
		pr_err("heap: 0x%llx is inside the allocation at 0x%llx, not its start\n",
		       (unsigned long long)addr_of(ptr),
		       (unsigned long long)(addr_of(l) + l->offset));
		return false;
	}
	return true;
}

/* Finds the live object @ptr names.  Refuses with a message (and counts an
 * error) anything else; @what says which call asked. */
static int heap_lookup(struct heap *h, void *ptr, const char *what, struct heap_obj *o)
{
	u64 va = addr_of(ptr);
	u64 page = ALIGN_DOWN(va, PAGE_SIZE);
	u32 magic;

	o->slab = NULL;
	o->large = NULL;
	if (!IS_ALIGNED(va, HEAP_MIN_ALIGN) || va < 2 * PAGE_SIZE) {
		pr_err("heap: %s of 0x%llx: not a pointer the heap returned (misaligned or low)\n",
		       what, (unsigned long long)va);
		goto bad;
	}

	if (va == page) {
		/* Only a page-aligned large allocation starts on a page. */
		struct large *l = (struct large *)(uintptr_t)(page - PAGE_SIZE);

		if (l->magic != LARGE_MAGIC || l->offset != PAGE_SIZE) {
			pr_err("heap: %s of 0x%llx: not a pointer the heap returned (no header below it)\n",
			       what, (unsigned long long)va);
			goto bad;
		}
		if (!large_header_ok(h, l, ptr))
			goto bad;
		o->large = l;
		goto found;
	}

	magic = *(const u32 *)(uintptr_t)page;
	if (magic == SLAB_MAGIC) {
		struct slab *s = (struct slab *)(uintptr_t)page;
		u64 off = va - page;

		if (!slab_header_ok(h, s, ptr))
			goto bad;
		if (off < s->first || (off - s->first) % class_size(s->cls) ||
		    (off - s->first) / class_size(s->cls) >= s->nobj) {
			pr_err("heap: %s of 0x%llx: not the start of an object in the %u-byte slab at 0x%llx\n",
			       what, (unsigned long long)va, class_size(s->cls),
			       (unsigned long long)page);
			goto bad;
		}
		o->slab = s;
		o->idx = (unsigned int)((off - s->first) / class_size(s->cls));
		if (!slab_used(s, o->idx)) {
			pr_err("heap: %s of 0x%llx: double free, or use after free (object %u of the %u-byte slab at 0x%llx is free)\n",
			       what, (unsigned long long)va, o->idx, class_size(s->cls),
			       (unsigned long long)page);
			goto bad;
		}
		if (s->nfree == s->nobj) {
			/* A handed-out object in a slab that counts none. */
			pr_err("heap: %s of 0x%llx: slab header at 0x%llx is corrupted (free count)\n",
			       what, (unsigned long long)va, (unsigned long long)page);
			goto bad;
		}
		goto found;
	}
	if (magic == LARGE_MAGIC) {
		struct large *l = (struct large *)(uintptr_t)page;

		if (!large_header_ok(h, l, ptr))
			goto bad;
		o->large = l;
		goto found;
	}
	if (magic == SLAB_DEAD) {
		pr_err("heap: %s of 0x%llx: its slab was already given back; double free or stale pointer\n",
		       what, (unsigned long long)va);
		goto bad;
	}
	pr_err("heap: %s of 0x%llx: no heap header at page 0x%llx; not a pointer the heap returned, or the header was overwritten\n",
	       what, (unsigned long long)va, (unsigned long long)page);
	goto bad;

found:
	if (o->large && o->large->state != LARGE_LIVE) {
		pr_err("heap: %s of 0x%llx: double free (the %llu-page allocation is already free)\n",
		       what, (unsigned long long)va, (unsigned long long)o->large->npages);
		goto bad;
	}
	return 0;
bad:
	h->errors++;
	return -EINVAL;
}

int heap_free(struct heap *h, void *ptr)
{
	struct heap_obj o;
	int ret;

	if (!ptr)
		return 0;
	ret = heap_lookup(h, ptr, "free", &o);
	if (ret)
		return ret;
	if (o.slab)
		slab_free(h, o.slab, o.idx);
	else
		large_free(h, o.large);
	return 0;
}

size_t heap_usable_size(struct heap *h, void *ptr)
{
	struct heap_obj o;

	if (!ptr || heap_lookup(h, ptr, "usable_size", &o))
		return 0;
	if (o.slab)
		return class_size(o.slab->cls);
	return (size_t)(o.large->npages * PAGE_SIZE - o.large->offset);
}

/* ---- consistency check ---- */

/* Checks the links around @l; false (with a message) if they disagree. */
static bool link_ok(const struct heap_link *l, const char *where)
{
	if (l->next->prev != l || l->prev->next != l) {
		pr_err("heap: check: broken list links in %s at 0x%llx\n",
		       where, (unsigned long long)addr_of(l));
		return false;
	}
	return true;
}

/* Walks one slab list of class @cls; @full says which one.  Adds what it
 * finds to the totals, counts empty slabs.  False on the first problem. */
static bool check_slab_list(struct heap *h, unsigned int cls, bool full,
			    u64 *pages, u64 *bytes, u32 *nempty)
{
	const struct heap_class *c = &h->cls[cls];
	const struct heap_link *head = full ? &c->full : &c->partial;
	const char *name = full ? "full list" : "partial list";
	const struct heap_link *l;
	u64 steps = 0;

	if (!link_ok(head, name))
		return false;
	for (l = head->next; l != head; l = l->next) {
		const struct slab *s = container_of(l, struct slab, link);
		u64 used = 0;
		unsigned int w;

		/* Every slab holds a page, so a longer walk means a loop. */
		if (++steps > h->pages_held) {
			pr_err("heap: check: %u-byte %s loops or holds uncounted slabs\n",
			       c->size, name);
			return false;
		}
		if (!link_ok(l, name))
			return false;
		if (s->magic != SLAB_MAGIC || !slab_header_ok(h, s, s) || s->cls != cls) {
			pr_err("heap: check: bad slab 0x%llx on the %u-byte %s\n",
			       (unsigned long long)addr_of(s), c->size, name);
			return false;
		}
		for (w = 0; w < SLAB_MAP_WORDS; w++) {
			u64 valid = 0;

			if (w * 64 < s->nobj)
				valid = s->nobj - w * 64 >= 64 ? ~0ULL : BIT(s->nobj - w * 64) - 1;
			if (s->used[w] & ~valid) {
				pr_err("heap: check: slab 0x%llx marks objects past its %u\n",
				       (unsigned long long)addr_of(s), s->nobj);
				return false;
			}
			used += popcount64(s->used[w]);
		}
		if (used + s->nfree != s->nobj || (full ? s->nfree != 0 : s->nfree == 0)) {
			pr_err("heap: check: slab 0x%llx on the %u-byte %s has %llu used and %u free of %u\n",
			       (unsigned long long)addr_of(s), c->size, name,
			       (unsigned long long)used, s->nfree, s->nobj);
			return false;
		}
		if (s->nfree == s->nobj)
			(*nempty)++;
		*pages += 1;
		*bytes += used * c->size;
	}
	return true;
}

int heap_check(struct heap *h)
{
	u64 pages = 0, bytes = 0, steps = 0;
	const struct heap_link *l;
	unsigned int cls;

	for (cls = 0; cls < HEAP_NR_CLASSES; cls++) {
		u32 nempty = 0;

		if (!check_slab_list(h, cls, false, &pages, &bytes, &nempty) ||
		    !check_slab_list(h, cls, true, &pages, &bytes, &nempty))
			return -EINVAL;
		if (nempty != h->cls[cls].nempty || nempty > 1) {
			pr_err("heap: check: %u-byte class keeps %u empty slab(s), counted %u\n",
			       h->cls[cls].size, nempty, h->cls[cls].nempty);
			return -EINVAL;
		}
	}

	if (!link_ok(&h->large, "large list"))
		return -EINVAL;
	for (l = h->large.next; l != &h->large; l = l->next) {
		const struct large *lg = container_of(l, struct large, link);

		if (++steps > h->pages_held) {
			pr_err("heap: check: large list loops or holds uncounted allocations\n");
			return -EINVAL;
		}
		if (!link_ok(l, "large list"))
			return -EINVAL;
		if (lg->magic != LARGE_MAGIC || !large_header_ok(h, lg, (const char *)lg + lg->offset) ||
		    lg->state != LARGE_LIVE) {
			pr_err("heap: check: bad large allocation 0x%llx\n",
			       (unsigned long long)addr_of(lg));
			return -EINVAL;
		}
		pages += lg->npages;
		bytes += lg->npages * PAGE_SIZE - lg->offset;
	}

	if (pages != h->pages_held || bytes != h->bytes_in_use) {
		pr_err("heap: check: counters say %llu pages and %llu bytes in use, the structures %llu and %llu\n",
		       (unsigned long long)h->pages_held, (unsigned long long)h->bytes_in_use,
		       (unsigned long long)pages, (unsigned long long)bytes);
		return -EINVAL;
	}
	return 0;
}
