/* mm/npt.c - building, walking and freeing nested page tables (see
 * mm/npt.h).  Level numbers follow the APM: 4 = PML4, 3 = PDPT, 2 = PD,
 * 1 = PT; a leaf sits at level 2 (2 MiB, PS set) or level 1 (4 KiB). */
#include "mm/npt.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define ENTRIES		512
#define TABLE_SIZE	4096

/* Upper-level entries grant everything; the leaf decides.  U on every
 * level: the CPU checks nested entries as for a user access. */
#define NPT_TABLE_BITS	(PTE_P | PTE_W | PTE_U)
#define NPT_LEAF_BITS	(PTE_P | PTE_U)

/* Address bits of a 2 MiB leaf: 51:21 (bit 12 is its PAT bit). */
#define PDE_2M_ADDR	GENMASK(51, 21)

static unsigned int index_at(u64 gpa, unsigned int level)
{
	return (unsigned int)(gpa >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

/* Bytes one entry at `level` covers. */
static u64 span_at(unsigned int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static bool is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & PTE_PS);
}

static u64 *table_va(const struct npt *n, paddr_t pa)
{
	return n->ops->phys_to_virt(n->ops->ctx, pa);
}

static int new_table(struct npt *n, paddr_t *pa, u64 **va)
{
	paddr_t p = 0;
	u64 *t = n->ops->alloc_table(n->ops->ctx, &p);

	if (!t)
		return -ENOMEM;
	if (!IS_ALIGNED(p, TABLE_SIZE) || p >= NPT_HPA_LIMIT) {
		pr_err("npt: allocator returned table at 0x%lx, not a 4 KiB-aligned address below 2^52\n",
		       p);
		return -EINVAL;
	}
	memset(t, 0, TABLE_SIZE);
	n->tables++;
	*pa = p;
	*va = t;
	return 0;
}

int npt_init(struct npt *n, const struct npt_ops *ops)
{
	int ret;

	if (!n || !ops || !ops->alloc_table || !ops->phys_to_virt)
		return -EINVAL;
	n->ops = ops;
	n->tables = 0;
	n->root = NULL;
	n->root_pa = 0;
	ret = new_table(n, &n->root_pa, &n->root);
	if (ret)
		n->ops = NULL;
	return ret;
}

/* Whether anything is mapped in [start, end) below `table`, which sits at
 * `level` and covers from `base`.  Skips absent entries a whole span at a
 * time, so a large empty range costs a handful of reads. */
static bool range_used(const struct npt *n, const u64 *table, unsigned int level,
		       u64 base, u64 start, u64 end)
{
	u64 span = span_at(level);
	unsigned int i = index_at(start, level);

	for (u64 a = base + (u64)i * span; a < end && i < ENTRIES; a += span, i++) {
		u64 e = table[i];
		u64 lo = MAX(a, start), hi = MIN(a + span, end);

		if (!(e & PTE_P))
			continue;
		if (is_leaf(e, level))
			return true;
		if (range_used(n, table_va(n, e & PTE_ADDR), level - 1, a, lo, hi))
			return true;
	}
	return false;
}

/* The entry at `level` for gpa, creating the tables above it.  Fails with
 * -EEXIST when a larger leaf already covers gpa. */
static int entry_for(struct npt *n, u64 gpa, unsigned int level, u64 **out)
{
	u64 *t = n->root;
	unsigned int l;

	for (l = 4; l > level; l--) {
		u64 *e = &t[index_at(gpa, l)];

		if (!(*e & PTE_P)) {
			paddr_t pa;
			u64 *child;
			int ret = new_table(n, &pa, &child);

			if (ret)
				return ret;
			*e = pa | NPT_TABLE_BITS;
		} else if (is_leaf(*e, l)) {
			return -EEXIST;
		}
		t = table_va(n, *e & PTE_ADDR);
	}
	*out = &t[index_at(gpa, level)];
	return 0;
}

int npt_map(struct npt *n, u64 gpa, paddr_t hpa, u64 len, u64 flags)
{
	u64 end;
	int ret;

	if (!n || !n->root)
		return -EINVAL;
	if (!len || !IS_ALIGNED(gpa | hpa | len, TABLE_SIZE) ||
	    gpa >= NPT_GPA_LIMIT || len > NPT_GPA_LIMIT - gpa ||
	    hpa >= NPT_HPA_LIMIT || len > NPT_HPA_LIMIT - hpa) {
		pr_err("npt: cannot map gpa 0x%lx -> hpa 0x%lx len 0x%lx: want 4 KiB-aligned, non-empty ranges below 2^48 / 2^52\n",
		       gpa, hpa, len);
		return -EINVAL;
	}
	if (flags & ~NPT_MAP_FLAGS) {
		pr_err("npt: flags 0x%lx outside 0x%lx\n", flags, (u64)NPT_MAP_FLAGS);
		return -EINVAL;
	}
	end = gpa + len;
	if (range_used(n, n->root, 4, 0, gpa, end)) {
		pr_err("npt: gpa 0x%lx-0x%lx overlaps an existing mapping\n", gpa, end - 1);
		return -EEXIST;
	}

	while (gpa < end) {
		bool big = IS_ALIGNED(gpa, PAGE_SIZE_2M) && IS_ALIGNED(hpa, PAGE_SIZE_2M) &&
			   end - gpa >= PAGE_SIZE_2M;
		u64 *e;

		if (big) {
			ret = entry_for(n, gpa, 2, &e);
			if (ret)
				return ret;
			/* A page table left from an earlier 4 KiB mapping that
			 * covers none of this range: keep it, go 4 KiB. */
			if (!(*e & PTE_P)) {
				*e = hpa | flags | NPT_LEAF_BITS | PTE_PS;
				gpa += PAGE_SIZE_2M;
				hpa += PAGE_SIZE_2M;
				continue;
			}
		}
		ret = entry_for(n, gpa, 1, &e);
		if (ret)
			return ret;
		*e = hpa | flags | NPT_LEAF_BITS;
		gpa += TABLE_SIZE;
		hpa += TABLE_SIZE;
	}
	return 0;
}

u64 npt_leaf(const struct npt *n, u64 gpa, unsigned int *level)
{
	const u64 *t;
	unsigned int l;

	if (!n || !n->root || gpa >= NPT_GPA_LIMIT)
		return 0;
	t = n->root;
	for (l = 4; l >= 1; l--) {
		u64 e = t[index_at(gpa, l)];

		if (!(e & PTE_P))
			return 0;
		if (is_leaf(e, l)) {
			if (level)
				*level = l;
			return e;
		}
		t = table_va(n, e & PTE_ADDR);
	}
	return 0;
}

int npt_set_present(struct npt *n, u64 gpa, bool present)
{
	if (!n || !n->root || gpa >= NPT_GPA_LIMIT)
		return -EINVAL;
	u64 *t = n->root;
	for (unsigned int l = 4; l >= 2; l--) {
		u64 e = t[index_at(gpa, l)];
		if (!(e & PTE_P) || is_leaf(e, l))
			return -ENOENT;
		t = table_va(n, e & PTE_ADDR);
	}
	u64 *e = &t[index_at(gpa, 1)];
	if (!(*e & PTE_ADDR))
		return -ENOENT;
	*e = present ? (*e | PTE_P) : (*e & ~PTE_P);
	return 0;
}

int npt_translate(const struct npt *n, u64 gpa, paddr_t *hpa, unsigned int *level)
{
	unsigned int l = 0;
	u64 e;

	if (!n || !n->root || !hpa || gpa >= NPT_GPA_LIMIT)
		return -EINVAL;
	e = npt_leaf(n, gpa, &l);
	if (!e)
		return -ENOENT;
	if (l == NPT_LEVEL_2M)
		*hpa = (e & PDE_2M_ADDR) | (gpa & (PAGE_SIZE_2M - 1));
	else
		*hpa = (e & PTE_ADDR) | (gpa & (TABLE_SIZE - 1));
	if (level)
		*level = l;
	return 0;
}

static void free_below(struct npt *n, u64 *table, unsigned int level,
		       void (*free_table)(void *ctx, paddr_t pa))
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		u64 e = table[i];
		paddr_t pa = e & PTE_ADDR;

		if (!(e & PTE_P) || is_leaf(e, level))
			continue;
		free_below(n, table_va(n, pa), level - 1, free_table);
		table[i] = 0;
		free_table(n->ops->ctx, pa);
		n->tables--;
	}
}

void npt_destroy(struct npt *n, void (*free_table)(void *ctx, paddr_t pa))
{
	if (!n || !n->root)
		return;
	free_below(n, n->root, 4, free_table);
	free_table(n->ops->ctx, n->root_pa);
	n->tables--;
	n->root = NULL;
	n->root_pa = 0;
}
