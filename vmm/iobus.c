/* vmm/iobus.c - port and MMIO ranges of devices, sorted and disjoint
 * (vmm/iobus.h). */
#include "vmm/iobus.h"

/* Index of the first range whose end lies above addr: the one holding
 * addr, if any does. */
static u32 first_ending_after(const struct vmm_bus *b, u64 addr)
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

int vmm_bus_register(struct vmm_bus *b, u64 base, u64 len, struct vmm_device *dev)
{
	if (!len || base + len < base)
		return -EINVAL;
	u32 i = first_ending_after(b, base);
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

const struct vmm_bus_range *vmm_bus_find(const struct vmm_bus *b, u64 addr)
{
	u32 i = first_ending_after(b, addr);
	return i < b->n && b->r[i].base <= addr ? &b->r[i] : NULL;
}
