/* mm/vmm.h - the kernel's address space: a direct map of all physical
 * memory at HHDM_BASE and the kernel image in the top 2 GiB with W^X. */
#ifndef SVMHV_VMM_H
#define SVMHV_VMM_H
#include "lib/types.h"
#include "kernel/layout.h"

static inline void *phys_to_virt(paddr_t pa) { return (void *)(HHDM_BASE + pa); }
static inline paddr_t virt_to_phys(const void *va)
{
	u64 v = (u64)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - HHDM_BASE;
}

extern paddr_t kernel_cr3;
extern u64 hhdm_limit;		/* physical addresses below this are direct-mapped */

/* Builds the kernel page tables and switches to them (boot CPU). */
void vmm_init(u64 max_phys);
/* Page-table walk: the PTE (or large-page entry) mapping va, or NULL. */
u64 *vmm_lookup(paddr_t cr3, u64 va, unsigned int *level);
/* Marks a kernel page not present (guard pages under stacks). */
void vmm_unmap_kernel_page(u64 va);
#endif
