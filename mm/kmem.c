/* mm/kmem.c - sets memory up from the boot loader's memory map and wraps
 * the pure allocators (mm/pmm.c, mm/heap.c) with locks: frame_* for
 * physical pages, kmalloc/kfree for objects of any size. */
#include "mm/kmem.h"
#include "mm/heap.h"
#include "mm/vmm.h"
#include "kernel/mb2.h"
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

extern char __kernel_phys_start[], __kernel_phys_end[];

static struct pmm pmm;
static spinlock_t pmm_lock = SPINLOCK_INIT("pmm");
static struct heap heap;
static spinlock_t heap_lock = SPINLOCK_INIT("heap");
static u64 ram_total, max_phys;
paddr_t boot_mbi_phys;

struct range {
	u64 base, end;
};

/* Ranges the allocator must never hand out, besides the bitmap itself. */
static u32 boot_reserved(const struct boot_info *bi, u64 mbi_phys, struct range *r, u32 max)
{
	u32 n = 0;
	r[n++] = (struct range){ 0, 0x100000 };		/* first MiB: BIOS, trampoline */
	r[n++] = (struct range){ (u64)__kernel_phys_start, (u64)__kernel_phys_end };
	r[n++] = (struct range){ mbi_phys, mbi_phys + bi->total_size };
	for (u32 i = 0; i < bi->module_count && n < max; i++)
		r[n++] = (struct range){ bi->modules[i].start, bi->modules[i].end };
	return n;
}

static bool overlaps(u64 b, u64 e, const struct range *r, u32 n, u64 *skip_to)
{
	for (u32 i = 0; i < n; i++)
		if (b < r[i].end && r[i].base < e) {
			*skip_to = r[i].end;
			return true;
		}
	return false;
}

static void *heap_pages(void *ctx, size_t n)
{
	paddr_t pa;
	if (frame_alloc(n, 1, &pa))
		return NULL;
	return phys_to_virt(pa);
}

static void heap_unpages(void *ctx, void *va, size_t n)
{
	frame_free(virt_to_phys(va), n);
}

static const struct heap_ops kheap_ops = { heap_pages, heap_unpages, NULL };

void mm_init(const struct boot_info *bi)
{
	extern u32 boot_mbi;	/* in the boot section: readable only before vmm_init */
	u64 mbi_phys = boot_mbi;
	boot_mbi_phys = mbi_phys;
	struct range res[4 + MB2_MAX_MODULES];
	u32 nres = boot_reserved(bi, mbi_phys, res, ARRAY_SIZE(res));

	for (u32 i = 0; i < bi->mmap_count; i++) {
		const struct mb2_mmap_entry *m = &bi->mmap[i];
		if (m->type != 1 || m->len == 0)
			continue;
		ram_total += m->len;
		if (m->base + m->len > max_phys)
			max_phys = m->base + m->len;
	}
	if (!ram_total)
		panic("no usable RAM", "the memory map has %u entries and none of type 1",
		      bi->mmap_count);

	/* The bitmaps go in the first usable gap below 4 GiB (mapped by the
	 * boot page tables) that holds them and touches nothing reserved. */
	size_t bytes = ALIGN_UP(pmm_map_bytes(max_phys), 4096);
	u64 where = 0;
	for (u32 i = 0; i < bi->mmap_count && !where; i++) {
		const struct mb2_mmap_entry *m = &bi->mmap[i];
		if (m->type != 1)
			continue;
		u64 b = ALIGN_UP(MAX(m->base, 0x100000ULL), 4096), end = m->base + m->len, skip;
		while (b + bytes <= end && b + bytes <= HHDM_BOOT_LIMIT) {
			if (!overlaps(b, b + bytes, res, nres, &skip)) {
				where = b;
				break;
			}
			b = ALIGN_UP(skip, 4096);
		}
	}
	if (!where)
		panic("no room for the frame bitmaps", "%lu bytes of free RAM below 4 GiB, found none",
		      (u64)bytes);

	pmm_init(&pmm, phys_to_virt(where), max_phys);
	for (u32 i = 0; i < bi->mmap_count; i++)
		if (bi->mmap[i].type == 1)
			pmm_add_usable(&pmm, bi->mmap[i].base, bi->mmap[i].len);
	for (u32 i = 0; i < nres; i++)
		pmm_reserve(&pmm, res[i].base, res[i].end - res[i].base);
	pmm_reserve(&pmm, where, bytes);

	vmm_init(max_phys);
	heap_init(&heap, &kheap_ops);
}

void mm_print_summary(void)
{
	struct pmm_stats st;
	frame_stats(&st);
	extern char __text_start[], __text_end[];
	kprintf("memory: %lu MiB usable RAM, highest address %#lx; kernel image %lu KiB "
		"(text %lu KiB) at %#lx\n", ram_total >> 20, max_phys,
		((u64)__kernel_phys_end - (u64)__kernel_phys_start) >> 10,
		((u64)__text_end - (u64)__text_start) >> 10, (u64)__kernel_phys_start);
	kprintf("memory: %lu frames free (%lu MiB), %lu reserved; direct map up to %#lx\n",
		st.free_pages, (st.free_pages * 4096) >> 20, st.reserved_pages, hhdm_limit);
}

int frame_alloc(u64 count, u64 align_pages, paddr_t *out)
{
	u64 f = spin_lock_irqsave(&pmm_lock);
	int r = pmm_alloc(&pmm, count, align_pages, out);
	spin_unlock_irqrestore(&pmm_lock, f);
	return r;
}

paddr_t frame_alloc_zeroed(void)
{
	paddr_t pa;
	if (frame_alloc(1, 1, &pa))
		panic("out of memory", "a free page frame, found none");
	memset(phys_to_virt(pa), 0, 4096);
	return pa;
}

int frame_free(paddr_t pa, u64 count)
{
	u64 f = spin_lock_irqsave(&pmm_lock);
	int r = pmm_free(&pmm, pa, count);
	spin_unlock_irqrestore(&pmm_lock, f);
	return r;
}

void frame_stats(struct pmm_stats *st)
{
	u64 f = spin_lock_irqsave(&pmm_lock);
	pmm_stats(&pmm, st);
	spin_unlock_irqrestore(&pmm_lock, f);
}

int frame_check(void)
{
	u64 f = spin_lock_irqsave(&pmm_lock);
	int r = pmm_check(&pmm);
	spin_unlock_irqrestore(&pmm_lock, f);
	return r;
}

void *kmalloc(size_t size)
{
	u64 f = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&heap, size);
	spin_unlock_irqrestore(&heap_lock, f);
	return p;
}

void *kmalloc_aligned(size_t size, size_t align)
{
	u64 f = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc_aligned(&heap, size, align);
	spin_unlock_irqrestore(&heap_lock, f);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

int kfree_checked(void *p)
{
	u64 f = spin_lock_irqsave(&heap_lock);
	int r = heap_free(&heap, p);
	spin_unlock_irqrestore(&heap_lock, f);
	return r;
}

void kfree(void *p)
{
	if (kfree_checked(p))
		panic("bad kfree", "a pointer kmalloc returned and not yet freed, found %p", p);
}

int kmem_heap_check(void)
{
	u64 f = spin_lock_irqsave(&heap_lock);
	int r = heap_check(&heap);
	spin_unlock_irqrestore(&heap_lock, f);
	return r;
}

void kmem_heap_stats(u64 *in_use, u64 *pages)
{
	struct heap_stats st;
	u64 f = spin_lock_irqsave(&heap_lock);
	heap_stats(&heap, &st);
	spin_unlock_irqrestore(&heap_lock, f);
	*in_use = st.bytes_in_use;
	*pages = st.pages_held;
}
