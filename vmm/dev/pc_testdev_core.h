/* vmm/dev/pc_testdev_core.h - QEMU's pc-testdev (hw/pc_testdev.h) without a
 * bus: an access to one of its ports turned into what the glue
 * (vmm/dev/pc_testdev.c) must do - answer a read of the scratch value,
 * flush a page, or set an interrupt line's level on a GSI.  Pure logic,
 * host-tested in tests/host/test_pc_testdev.c. */
#ifndef SVMHV_VMM_DEV_PC_TESTDEV_CORE_H
#define SVMHV_VMM_DEV_PC_TESTDEV_CORE_H
#include "lib/types.h"
#include "hw/pc_testdev.h"

struct pctd_core {
	u32 data;		/* the scratch port's value */
};

enum pctd_action_kind {
	PCTD_NONE = 0,		/* nothing to do (a read answers `value`) */
	PCTD_FLUSH,		/* withdraw the page at `gpa` from the guest's mappings */
	PCTD_IRQ,		/* drive `gsi` to `level` */
};

struct pctd_action {
	enum pctd_action_kind kind;
	u64 value;		/* a read's answer, size bytes wide */
	u64 gpa;		/* PCTD_FLUSH: page-aligned */
	u32 gsi;		/* PCTD_IRQ */
	bool level;
};

/* The GSI that ISA line `line` of the device drives: the line itself,
 * except line 0 on GSI 2, as the I/O APIC's pins are wired (QEMU's I/O
 * APIC does the same; svmhv's MADT says so with an override). */
u32 pctd_line_gsi(u32 line);

/* An access of `size` bytes at `port` (inside one of the ranges of
 * hw/pc_testdev.h); writes carry `val`.  The scratch port keeps what is
 * written, narrower accesses touching their bytes only; the flush port
 * asks for the page holding the GPA written; a line port takes one-byte
 * writes only (wider ones, and reads, do nothing and read 0). */
struct pctd_action pctd_access(struct pctd_core *c, u16 port, u32 size, bool write, u64 val);
#endif
