/* mm/npt.h - nested page tables: the 4-level tables behind a guest's nCR3
 * that turn guest-physical addresses into host-physical ones (AMD APM
 * vol. 2, 15.25 "Nested Paging").  Same entry format as ordinary long-mode
 * tables (mm/pte.h).
 *
 * Pure logic: tables come from, and go back to, the caller through
 * struct npt_ops, so the kernel hands out frames from the PMM and reaches
 * them through its direct map, and the host unit tests use malloc.  Guest
 * setup builds one npt per guest; the NPF handler translates with it.
 * Not locked: one guest's setup code owns it while mapping. */
#ifndef SVMHV_MM_NPT_H
#define SVMHV_MM_NPT_H

#include "lib/types.h"
#include "mm/pte.h"

/* Four levels translate 48 bits of guest-physical address. */
#define NPT_GPA_BITS	48
#define NPT_GPA_LIMIT	(1ULL << NPT_GPA_BITS)
/* Host-physical addresses an entry can hold (bits 51:12). */
#define NPT_HPA_LIMIT	(1ULL << 52)

/* Leaf permissions npt_map() accepts; every mapping is readable and,
 * without NPT_NX, executable.  NX needs EFER.NXE in the host. */
#define NPT_W		PTE_W
#define NPT_NX		PTE_NX
#define NPT_PWT		PTE_PWT
#define NPT_PCD		PTE_PCD
#define NPT_MAP_FLAGS	(NPT_W | NPT_NX | NPT_PWT | NPT_PCD)

/* Levels as npt_translate() reports them: the level of the leaf entry. */
#define NPT_LEVEL_4K	1
#define NPT_LEVEL_2M	2

struct npt_ops {
	/* One 4 KiB, 4 KiB-aligned table, contents undefined (npt zeroes
	 * it); its host-physical address in *pa.  NULL when out of memory. */
	void *(*alloc_table)(void *ctx, paddr_t *pa);
	/* Where the table at host-physical pa can be read and written. */
	void *(*phys_to_virt)(void *ctx, paddr_t pa);
	void *ctx;
};

struct npt {
	const struct npt_ops *ops;
	paddr_t root_pa;	/* the PML4: what goes in the VMCB's n_cr3 */
	u64 *root;
	u64 tables;		/* tables allocated now, the root included */
};

/* Allocates the root.  0, -EINVAL on bad ops, -ENOMEM. */
int npt_init(struct npt *n, const struct npt_ops *ops);

/* Maps guest-physical [gpa, gpa + len) to host-physical [hpa, hpa + len)
 * with the leaf permissions in flags (NPT_MAP_FLAGS; P and U are added:
 * nested walks are user accesses, APM vol. 2 15.25.5).  Uses a 2 MiB page
 * wherever gpa and hpa are both 2 MiB aligned and the rest of the range
 * covers the page, 4 KiB pages elsewhere.
 *
 * gpa, hpa and len must be 4 KiB aligned, len non-zero, both ranges below
 * their limits without wrapping; any other flag is refused: -EINVAL.  A
 * range that touches anything mapped before is refused whole: -EEXIST, and
 * nothing changes.  -ENOMEM when a table cannot be had; the part mapped
 * so far stays (npt_destroy() frees everything). */
int npt_map(struct npt *n, u64 gpa, paddr_t hpa, u64 len, u64 flags);

/* Walks the tables as the CPU would for gpa.  0 with *hpa (offset within
 * the page included) and *level (NPT_LEVEL_4K or NPT_LEVEL_2M; level may
 * be NULL), -ENOENT when unmapped, -EINVAL when gpa is beyond
 * NPT_GPA_LIMIT. */
int npt_translate(const struct npt *n, u64 gpa, paddr_t *hpa, unsigned int *level);

/* The raw leaf entry for gpa (0 when unmapped), for permission checks and
 * dumps; *level as for npt_translate. */
u64 npt_leaf(const struct npt *n, u64 gpa, unsigned int *level);

/* Withdraws (present = false) or gives back one 4 KiB page of guest
 * memory, keeping its address and permissions: a page the host takes back
 * for a while (today the tests, to make an exit happen mid-delivery).  A
 * 2 MiB page is not split: -ENOENT, as when gpa has no 4 KiB leaf.  After
 * a withdrawal the caller flushes the guest's TLB. */
int npt_set_present(struct npt *n, u64 gpa, bool present);

/* Returns every table, the root last, to free_table; *n is empty after. */
void npt_destroy(struct npt *n, void (*free_table)(void *ctx, paddr_t pa));

#endif
