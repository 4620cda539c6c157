/* vmm/iobus.h - an I/O bus: address ranges (ports or guest-physical MMIO)
 * that devices register, kept sorted so that an exit finds its device by
 * binary search, O(log n).  Overlapping registrations are refused.  Pure
 * logic (vmm/iobus.c): the kernel and the host unit test. */
#ifndef SVMHV_VMM_IOBUS_H
#define SVMHV_VMM_IOBUS_H
#include "lib/types.h"

#define VMM_BUS_MAX	16	/* ranges per bus */

struct vmm_device;

struct vmm_bus_range {
	u64 base, end;		/* [base, end) */
	struct vmm_device *dev;
};

struct vmm_bus {
	u32 n;
	struct vmm_bus_range r[VMM_BUS_MAX];	/* sorted by base, disjoint */
};

/* 0, -EINVAL for an empty or wrapping range, -EBUSY when it overlaps a
 * registered one, -ENOSPC when the bus is full. */
int vmm_bus_register(struct vmm_bus *b, u64 base, u64 len, struct vmm_device *dev);
/* The range holding addr, or NULL. */
const struct vmm_bus_range *vmm_bus_find(const struct vmm_bus *b, u64 addr);
#endif
