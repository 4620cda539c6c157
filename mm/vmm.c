/* mm/vmm.c - builds the kernel's page tables once the frame allocator
 * works: the direct map (1 GiB or 2 MiB pages, never executable) and the
 * kernel image in 4 KiB pages with text read-only+executable, rodata
 * read-only, data and bss writable but not executable. */
#include "mm/vmm.h"
#include "mm/pte.h"
#include "mm/kmem.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

paddr_t kernel_cr3;
u64 hhdm_limit = HHDM_BOOT_LIMIT;

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];

static u64 nx_bit;

static u64 *next_table(u64 *table, unsigned int idx)
{
	if (!(table[idx] & PTE_P)) {
		paddr_t pa = frame_alloc_zeroed();
		table[idx] = pa | PTE_P | PTE_W;
	}
	KASSERT(!(table[idx] & PTE_PS), "va already mapped by a large page (entry %016lx)",
		table[idx]);
	return phys_to_virt(table[idx] & PTE_ADDR);
}

static void map_4k(u64 *pml4, u64 va, paddr_t pa, u64 flags)
{
	u64 *pdpt = next_table(pml4, pml4_index(va));
	u64 *pd = next_table(pdpt, pdpt_index(va));
	u64 *pt = next_table(pd, pd_index(va));
	pt[pt_index(va)] = pa | flags;
}

u64 *vmm_lookup(paddr_t cr3, u64 va, unsigned int *level)
{
	u64 *t = phys_to_virt(cr3 & PTE_ADDR);
	unsigned int shifts[4] = { 39, 30, 21, 12 };
	for (unsigned int l = 0; l < 4; l++) {
		u64 *e = &t[(va >> shifts[l]) & 511];
		if (!(*e & PTE_P))
			return NULL;
		if (l == 3 || (l > 0 && (*e & PTE_PS))) {
			if (level)
				*level = 4 - l;
			return e;
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return NULL;
}

void vmm_unmap_kernel_page(u64 va)
{
	unsigned int level;
	u64 *e = vmm_lookup(kernel_cr3, va, &level);
	KASSERT(e && level == 1, "guard page %016lx must be a 4 KiB mapping", va);
	*e = 0;
	invlpg(va);
}

void vmm_init(u64 max_phys)
{
	nx_bit = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	paddr_t root = frame_alloc_zeroed();
	u64 *pml4 = phys_to_virt(root);

	u64 limit = ALIGN_UP(MAX(max_phys, HHDM_BOOT_LIMIT), PAGE_SIZE_1G);
	KASSERT(limit <= (1ULL << 46), "physical memory up to %016lx fits the direct map", limit);
	u64 dm_flags = PTE_P | PTE_W | PTE_G | nx_bit;
	for (u64 pa = 0; pa < limit; pa += PAGE_SIZE_1G) {
		u64 va = HHDM_BASE + pa;
		u64 *pdpt = next_table(pml4, pml4_index(va));
		if (cpu_info.has_1g_pages) {
			pdpt[pdpt_index(va)] = pa | dm_flags | PTE_PS;
			continue;
		}
		u64 *pd = next_table(pdpt, pdpt_index(va));
		for (unsigned int i = 0; i < 512; i++)
			pd[i] = (pa + i * PAGE_SIZE_2M) | dm_flags | PTE_PS;
	}

	u64 start = ALIGN_DOWN((u64)__kernel_phys_start, 4096);
	u64 end = ALIGN_UP((u64)__kernel_phys_end, 4096);
	for (u64 pa = start; pa < end; pa += 4096) {
		u64 va = KERNEL_VMA + pa;
		u64 flags = PTE_P | PTE_G;
		if (va >= (u64)__text_start && va < (u64)__text_end)
			;				/* read-only, executable */
		else if (va >= (u64)__rodata_start && va < (u64)__rodata_end)
			flags |= nx_bit;		/* read-only */
		else
			flags |= PTE_W | nx_bit;	/* data, bss, boot area */
		map_4k(pml4, va, pa, flags);
	}

	kernel_cr3 = root;
	hhdm_limit = limit;
	write_cr3(root);
	write_cr4(read_cr4() | CR4_PGE);
}
