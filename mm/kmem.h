/* mm/kmem.h - the kernel's allocators: physical frames (locked wrapper
 * around mm/pmm.c) and kmalloc/kfree (mm/heap.c on top of frames). */
#ifndef SVMHV_KMEM_H
#define SVMHV_KMEM_H
#include "lib/types.h"
#include "mm/pmm.h"

struct boot_info;

void mm_init(const struct boot_info *bi);
extern paddr_t boot_mbi_phys;	/* where the multiboot2 information lies */
void mm_print_summary(void);

int frame_alloc(u64 count, u64 align_pages, paddr_t *out);
paddr_t frame_alloc_zeroed(void);	/* one zeroed page, panics when out of memory */
int frame_free(paddr_t pa, u64 count);
void frame_stats(struct pmm_stats *st);
int frame_check(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kmalloc_aligned(size_t size, size_t align);
void kfree(void *p);
int kfree_checked(void *p);	/* -EINVAL on a double or foreign free (tests) */
int kmem_heap_check(void);
void kmem_heap_stats(u64 *in_use, u64 *pages);
#endif
