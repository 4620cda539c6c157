/* mm/pmm.h - the physical frame allocator: which 4 KiB frames of RAM are
 * free, allocated or off limits.  Pure logic over bitmaps whose storage the
 * caller provides; the kernel wraps every call in its own lock (kernel/mm
 * setup code feeds it the multiboot2 memory map, then the reservations).
 *
 * Every frame of [0, max_phys) is in exactly one state:
 *   absent    - never reported as RAM (holes, MMIO, beyond the RAM)
 *   reserved  - pmm_reserve() covered it; never handed out, never freed,
 *               and a later pmm_add_usable() does not bring it back
 *   allocated - usable, handed out by pmm_alloc()
 *   free      - usable, available to pmm_alloc()
 * Page 0 is reserved by pmm_init(), so physical address 0 can stand for
 * "no page" anywhere in the kernel. */
#ifndef SVMHV_MM_PMM_H
#define SVMHV_MM_PMM_H

#include "lib/types.h"

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE  4096ULL
#endif

struct pmm {
	u64 *free_map;      /* bit set: usable and free */
	u64 *usable_map;    /* bit set: reported as RAM and not reserved */
	u64 *reserved_map;  /* bit set: reserved; sticky against add_usable */
	u64 npages;         /* frames covered: [0, npages << PAGE_SHIFT) */
	u64 nwords;         /* u64 words in each bitmap */
	u64 nfree;          /* popcount(free_map) */
	u64 nusable;        /* popcount(usable_map) */
	u64 nreserved;      /* popcount(reserved_map) */
	u64 hint;           /* frame where the next first-fit search starts */
};

struct pmm_stats {
	u64 total_pages;     /* usable frames: free + allocated */
	u64 free_pages;      /* frames pmm_alloc() can hand out now */
	u64 reserved_pages;  /* frames covered by pmm_reserve() (and page 0) */
};

/* Bytes of storage pmm_init() needs for a map covering [0, max_phys):
 * all the bitmaps together, a multiple of 8. */
size_t pmm_map_bytes(u64 max_phys);

/* Lays the bitmaps out in @storage (8-byte aligned, pmm_map_bytes() long)
 * and marks every frame absent, except page 0 which is reserved. */
void pmm_init(struct pmm *p, void *storage, u64 max_phys);

/* Marks RAM from the memory map as usable and free.  Rounds inward to whole
 * frames; parts beyond the map and reserved frames are ignored. */
void pmm_add_usable(struct pmm *p, paddr_t base, u64 len);

/* Takes frames out of use for good (kernel image, boot information,
 * modules, the first MiB, these bitmaps).  Rounds outward; may overlap
 * anything and come before or after pmm_add_usable(). */
void pmm_reserve(struct pmm *p, paddr_t base, u64 len);

/* Allocates @count contiguous frames whose first frame number is a multiple
 * of @align_pages (a power of two; 1 for no constraint).  First fit,
 * starting where the previous allocation ended.  0 and *out set, -ENOMEM
 * when no such run is free, -EINVAL on bad arguments. */
int pmm_alloc(struct pmm *p, u64 count, u64 align_pages, paddr_t *out);

/* Frees @count frames from @pa.  Refuses the whole range with -EINVAL and a
 * message naming the address when @pa is not page aligned, the range leaves
 * the map, or any frame in it is not allocated (absent, reserved or already
 * free). */
int pmm_free(struct pmm *p, paddr_t pa, u64 count);

/* Whether the frame containing @pa is free. */
bool pmm_is_free(const struct pmm *p, paddr_t pa);

void pmm_stats(const struct pmm *p, struct pmm_stats *st);

/* Cross-checks the bitmaps against each other and against the counters.
 * 0, or -EINVAL after printing what is wrong. */
int pmm_check(const struct pmm *p);

#endif
