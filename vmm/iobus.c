/* vmm/iobus.c - port and MMIO ranges of devices, sorted and disjoint
 * (vmm/iobus.h). */
#include "vmm/iobus.h"

int vmm_bus_register(struct vmm_bus *b, u64 base, u64 len, struct vmm_device *dev)
{
	if (!len || base + len < base)
		return -EINVAL;
	u32 i = vmm_bus_first_ending_after(b, base);
	if (i < b->n && b->r[i].base < base + len)
		return -EBUSY;
	if (b->n == VMM_BUS_MAX)
		return -ENOSPC;
	for (u32 j = b->n; j > i; j--)
		b->r[j] = b->r[j - 1];
	b->r[i] = (struct vmm_bus_range){ base, base + len, dev };
	b->n++;
	return 0;
}
