/* vmm/iobus.h - an I/O bus: address ranges (ports or guest-physical MMIO)
 * that devices register, kept sorted so that an exit finds its device by
 * binary search, O(log n).  Overlapping registrations are refused.  Pure
 * logic (vmm/iobus.c): the kernel and the host unit test. */
#ifndef SVMHV_VMM_IOBUS_H
#define SVMHV_VMM_IOBUS_H
#include "lib/types.h"

#define VMM_BUS_MAX	32	/* ranges per bus */

struct vmm_device;

struct vmm_bus_range {
	u64 base, end;		/* [base, end) */
	struct vmm_device *dev;
};

struct vmm_bus {
	u32 n;
	u32 hint;		/* index of the range found last: tried first */
	struct vmm_bus_range r[VMM_BUS_MAX];	/* sorted by base, disjoint */
};

/* 0, -EINVAL for an empty or wrapping range, -EBUSY when it overlaps a
 * registered one, -ENOSPC when the bus is full. */
int vmm_bus_register(struct vmm_bus *b, u64 base, u64 len, struct vmm_device *dev);
/* Index of the first range ending above addr: the one holding addr, if
 * any does.  Inline: every port and MMIO exit looks up its device. */
static inline u32 vmm_bus_first_ending_after(const struct vmm_bus *b, u64 addr)
{
	u32 lo = 0, hi = b->n;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		if (b->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The range holding addr, or NULL. */
static inline const struct vmm_bus_range *vmm_bus_find(const struct vmm_bus *b, u64 addr)
{
	u32 i = vmm_bus_first_ending_after(b, addr);
	return i < b->n && b->r[i].base <= addr ? &b->r[i] : NULL;
}

/* vmm_bus_find, trying the range found last first: a guest tends to hit
 * one device many times in a row.  The hint is only a guess - the ranges
 * are disjoint, so one that holds addr is the answer whatever index it
 * has - and vCPUs that overwrite each other's hint lose nothing but the
 * shortcut. */
static inline const struct vmm_bus_range *vmm_bus_find_hinted(struct vmm_bus *b, u64 addr)
{
	u32 h = __atomic_load_n(&b->hint, __ATOMIC_RELAXED);
	if (h < b->n && b->r[h].base <= addr && addr < b->r[h].end)
		return &b->r[h];
	const struct vmm_bus_range *r = vmm_bus_find(b, addr);
	if (r)
		__atomic_store_n(&b->hint, (u32)(r - b->r), __ATOMIC_RELAXED);
	return r;
}
#endif
