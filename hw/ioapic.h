/* hw/ioapic.h - the I/O APIC's registers (82093AA datasheet): an index
 * register (IOREGSEL, +0x00) and a data window (IOWIN, +0x10) in MMIO,
 * then the indirect registers the index selects; entry n of the
 * redirection table is the register pair 0x10 + 2n (low) and 0x11 + 2n.
 * Used by drivers/ioapic.c and, next, by the guest's virtual I/O APIC. */
#ifndef SVMHV_HW_IOAPIC_H
#define SVMHV_HW_IOAPIC_H
#include "lib/types.h"

#define IOAPIC_DEFAULT_BASE	0xfec00000ULL	/* where PC firmware puts the first */

/* MMIO, from the I/O APIC's base */
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WIN		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define  IOAPIC_VER_MAXREDIR(v)	(((v) >> 16) & 0xff)	/* entries - 1 */
#define IOAPIC_REG_REDTBL(n)	(0x10 + 2 * (n))

/* Redirection entry (low 32 bits, then the destination in 63:56) */
#define IOAPIC_RTE_VECTOR	GENMASK(7, 0)
#define IOAPIC_RTE_ACTIVE_LOW	BIT(13)
#define IOAPIC_RTE_LEVEL	BIT(15)
#define IOAPIC_RTE_MASKED	BIT(16)
#define IOAPIC_RTE_DEST_SHIFT	56

#endif
