/* mm/heap.h - the kernel heap: objects of any size on top of a page source
 * (in the kernel, frames from mm/pmm.c seen through the direct map; in the
 * host tests, an aligned arena).  Pure logic, no locking: the kernel wraps
 * each call in its heap lock.
 *
 * Requests up to HEAP_MAX_CLASS bytes come from size-class slabs, one page
 * each, with a sealed header and a bitmap of handed-out objects at the start
 * of the page.  Bigger requests get whole pages behind a sealed header.
 * Because the state of every object lives in a header and never in the
 * object, a double free, a pointer the heap never returned and a trampled
 * header are all refused with a message instead of corrupting the heap. */
#ifndef SVMHV_MM_HEAP_H
#define SVMHV_MM_HEAP_H

#include "lib/types.h"

#define HEAP_MIN_ALIGN   16           /* every object is at least this aligned */
#define HEAP_MIN_CLASS   16
#define HEAP_MAX_CLASS   2048
#define HEAP_NR_CLASSES  8            /* 16, 32, 64, ... 2048 */
#define HEAP_MAX_ALLOC   (1ULL << 30) /* anything bigger is a caller's bug */

/* Where the heap gets its pages: page-aligned, contiguous runs.  The heap
 * gives back exactly the runs it got, with the same page count. */
struct heap_ops {
	void *(*alloc_pages)(void *ctx, size_t npages);  /* NULL when out of memory */
	void (*free_pages)(void *ctx, void *va, size_t npages);
	void *ctx;
};

struct heap_link {
	struct heap_link *next, *prev;
};

struct heap_class {
	struct heap_link partial;  /* slabs with a free object; the empty one last */
	struct heap_link full;     /* slabs with none */
	u32 size;                  /* object size, a power of two */
	u32 nempty;                /* empty slabs kept as a spare: 0 or 1 */
};

/* Holds list heads that point into itself: do not copy or move it. */
struct heap {
	struct heap_ops ops;
	struct heap_class cls[HEAP_NR_CLASSES];
	struct heap_link large;    /* every live page-sized allocation */
	u64 bytes_in_use;
	u64 pages_held;
	u64 allocs;
	u64 frees;
	u64 errors;
};

struct heap_stats {
	u64 bytes_in_use;  /* usable bytes of live objects (class size, or whole pages) */
	u64 pages_held;    /* pages taken from the page source and not given back */
	u64 allocs;        /* successful allocations */
	u64 frees;         /* successful frees */
	u64 errors;        /* refused frees and refused requests (not exhaustion) */
};

void heap_init(struct heap *h, const struct heap_ops *ops);

/* 16-byte aligned memory, not zeroed.  NULL for size 0, sizes over
 * HEAP_MAX_ALLOC and when the page source is exhausted. */
void *heap_alloc(struct heap *h, size_t size);

/* As heap_alloc(), aligned to @align: a power of two up to the page size. */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align);

/* 0, also for NULL.  -EINVAL with a message, freeing nothing, for a double
 * free, a pointer the heap never returned or a damaged header. */
int heap_free(struct heap *h, void *ptr);

/* Bytes usable at @ptr (at least what was asked for); 0 for a pointer that
 * is not a live object of this heap. */
size_t heap_usable_size(struct heap *h, void *ptr);

void heap_stats(const struct heap *h, struct heap_stats *st);

/* Walks every slab and large allocation and checks headers, bitmaps, list
 * links and the counters.  0, or -EINVAL after printing what is wrong. */
int heap_check(struct heap *h);

#endif
