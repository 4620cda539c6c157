/* mm/pte.h - x86-64 4-level page-table entries (AMD APM vol. 2, 5.3),
 * shared by the kernel's own tables and the nested page tables. */
#ifndef SVMHV_PTE_H
#define SVMHV_PTE_H
#include "lib/types.h"

#define PTE_P     BIT(0)
#define PTE_W     BIT(1)
#define PTE_U     BIT(2)
#define PTE_PWT   BIT(3)
#define PTE_PCD   BIT(4)
#define PTE_A     BIT(5)
#define PTE_D     BIT(6)
#define PTE_PS    BIT(7)	/* large page in a PDE or PDPTE */
#define PTE_G     BIT(8)
#define PTE_NX    BIT(63)
#define PTE_ADDR  GENMASK(51, 12)

#define PAGE_SHIFT_4K 12
#define PAGE_SIZE_2M  (1ULL << 21)
#define PAGE_SIZE_1G  (1ULL << 30)

static inline unsigned int pml4_index(u64 va) { return (va >> 39) & 511; }
static inline unsigned int pdpt_index(u64 va) { return (va >> 30) & 511; }
static inline unsigned int pd_index(u64 va)   { return (va >> 21) & 511; }
static inline unsigned int pt_index(u64 va)   { return (va >> 12) & 511; }
#endif
