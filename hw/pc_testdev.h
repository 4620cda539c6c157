/* hw/pc_testdev.h - QEMU's "pc-testdev", the ISA test device that
 * kvm-unit-tests' x86 runner adds to every test (QEMU
 * hw/misc/pc-testdev.c): a scratch port, a port that flushes a page of
 * guest RAM out of the hypervisor's mappings, and one port per ISA
 * interrupt line that sets the line's level.  Modelled by
 * vmm/dev/pc_testdev_core.c and vmm/dev/pc_testdev.c (docs/kvm-unit-tests.md,
 * "Test devices").  Its MMIO page at 0xff000000 is not modelled. */
#ifndef SVMHV_HW_PC_TESTDEV_H
#define SVMHV_HW_PC_TESTDEV_H
#include "lib/types.h"

#define PC_TESTDEV_PORT_DATA	0xe0	/* 4 ports: reads give back the last value written */
#define PC_TESTDEV_DATA_LEN	4
#define PC_TESTDEV_PORT_FLUSH	0xe4	/* 4 ports: a write of a GPA flushes that page */
#define PC_TESTDEV_FLUSH_LEN	4
#define PC_TESTDEV_PORT_IRQ	0x2000	/* 0x2000 + n: a byte write sets ISA line n: */
#define PC_TESTDEV_IRQ_LINES	24	/*   asserted when non-zero, else de-asserted */
#define PC_TESTDEV_PAGE_SIZE	4096

#endif
