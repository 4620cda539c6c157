/* vmm/dev/pc_testdev_core.c - the pc-testdev's port rules
 * (vmm/dev/pc_testdev_core.h).  Pure logic: the kernel and the host test
 * compile it as it is. */
#include "vmm/dev/pc_testdev_core.h"

u32 pctd_line_gsi(u32 line)
{
	return line == 0 ? 2 : line;
}

static u64 width_mask(u32 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

struct pctd_action pctd_access(struct pctd_core *c, u16 port, u32 size, bool write, u64 val)
{
	struct pctd_action a = { .kind = PCTD_NONE };
	if (port >= PC_TESTDEV_PORT_DATA && port < PC_TESTDEV_PORT_DATA + PC_TESTDEV_DATA_LEN) {
		u32 shift = (u32)(port - PC_TESTDEV_PORT_DATA) * 8;
		u64 mask = width_mask(size);
		if (write) {
			u64 m = (mask << shift) & 0xffffffffULL;
			c->data = (u32)((c->data & ~m) | ((val << shift) & m));
		} else {
			a.value = ((u64)c->data >> shift) & mask;
		}
		return a;
	}
	if (port >= PC_TESTDEV_PORT_FLUSH && port < PC_TESTDEV_PORT_FLUSH + PC_TESTDEV_FLUSH_LEN) {
		if (write) {
			a.kind = PCTD_FLUSH;
			a.gpa = (val & width_mask(size)) & ~(u64)(PC_TESTDEV_PAGE_SIZE - 1);
		}
		return a;
	}
	if (port >= PC_TESTDEV_PORT_IRQ && port < PC_TESTDEV_PORT_IRQ + PC_TESTDEV_IRQ_LINES) {
		if (write && size == 1) {
			a.kind = PCTD_IRQ;
			a.gsi = pctd_line_gsi(port - PC_TESTDEV_PORT_IRQ);
			a.level = (val & 0xff) != 0;
		}
		return a;
	}
	return a;
}
