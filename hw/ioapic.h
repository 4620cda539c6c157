/* hw/ioapic.h - the I/O APIC's registers (Intel 82093AA datasheet,
 * section 3 "Register Descriptions"): an index register (IOREGSEL, +0x00)
 * and a data window (IOWIN, +0x10) in MMIO, then the indirect registers the
 * index selects; entry n of the redirection table is the register pair
 * 0x10 + 2n (low) and 0x11 + 2n (high).  Used by drivers/ioapic.c and by the
 * guest's virtual I/O APIC (vmm/dev/ioapic_core.c). */
#ifndef SVMHV_HW_IOAPIC_H
#define SVMHV_HW_IOAPIC_H
#include "lib/types.h"

#define IOAPIC_DEFAULT_BASE	0xfec00000ULL	/* where PC firmware puts the first */
#define IOAPIC_MMIO_SIZE	0x20		/* IOREGSEL and IOWIN (datasheet 3.0) */

/* MMIO, from the I/O APIC's base; both 32-bit registers */
#define IOAPIC_REGSEL		0x00
#define  IOAPIC_REGSEL_MASK	GENMASK(7, 0)
#define IOAPIC_WIN		0x10

/* Indirect registers (datasheet 3.2) */
#define IOAPIC_REG_ID		0x00	/* IOAPICID */
#define  IOAPIC_ID_MASK		GENMASK(27, 24)	/* the only writable bits */
#define  IOAPIC_ID_SHIFT	24
#define IOAPIC_REG_VER		0x01	/* IOAPICVER, read-only */
#define  IOAPIC_VER_VERSION	GENMASK(7, 0)	/* 0x11 for the 82093AA */
#define  IOAPIC_VER_MAXREDIR(v)	(((v) >> 16) & 0xff)	/* entries - 1 */
#define  IOAPIC_VER_MAXREDIR_SHIFT	16
#define  IOAPIC_VERSION_82093AA	0x11
#define IOAPIC_REG_ARB		0x02	/* IOAPICARB, read-only: arbitration ID in 27:24 */
#define  IOAPIC_ARB_MASK	GENMASK(27, 24)
#define IOAPIC_REG_REDTBL(n)	(0x10 + 2 * (n))
#define IOAPIC_REG_REDTBL_LAST(pins)	(IOAPIC_REG_REDTBL(pins) - 1)

/* Redirection entry, 64 bits (datasheet 3.2.4, IOREDTBL[23:0]) */
#define IOAPIC_RTE_VECTOR	GENMASK(7, 0)
#define IOAPIC_RTE_DM		GENMASK(10, 8)
#define  IOAPIC_RTE_DM_SHIFT	8
#define  IOAPIC_RTE_DM_FIXED	(0u << 8)
#define  IOAPIC_RTE_DM_LOWEST	(1u << 8)
#define  IOAPIC_RTE_DM_SMI	(2u << 8)
#define  IOAPIC_RTE_DM_NMI	(4u << 8)
#define  IOAPIC_RTE_DM_INIT	(5u << 8)
#define  IOAPIC_RTE_DM_EXTINT	(7u << 8)
#define IOAPIC_RTE_DEST_LOGICAL	BIT(11)
#define IOAPIC_RTE_DELIVS	BIT(12)	/* delivery status, read-only: 1 = send pending */
#define IOAPIC_RTE_ACTIVE_LOW	BIT(13)
#define IOAPIC_RTE_REMOTE_IRR	BIT(14)	/* read-only: level interrupt accepted, EOI not yet seen */
#define IOAPIC_RTE_LEVEL	BIT(15)
#define IOAPIC_RTE_MASKED	BIT(16)
#define IOAPIC_RTE_DEST_SHIFT	56
#define IOAPIC_RTE_DEST		GENMASK(63, 56)	/* physical: APIC ID 59:56; logical: 8-bit set */
#define IOAPIC_RTE_RO		(IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR)
#define IOAPIC_RTE_WMASK	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DM | IOAPIC_RTE_DEST_LOGICAL | \
				 IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | \
				 IOAPIC_RTE_DEST)
#define IOAPIC_RTE_RESET	IOAPIC_RTE_MASKED	/* datasheet: masked after reset */

_Static_assert(IOAPIC_REG_REDTBL(23) + 1 == 0x3f, "the 82093AA's last redirection register is 0x3f");
_Static_assert((IOAPIC_RTE_WMASK & IOAPIC_RTE_RO) == 0, "read-only RTE bits are not writable");

#endif
