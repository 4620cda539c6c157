/* drivers/ioapic.h - the I/O APICs the MADT lists, and the legacy 8259
 * PICs they replace.  At boot every redirection entry is masked; a driver
 * that wants a device interrupt routes its GSI with ioapic_route().
 *
 * Register layout: the 82093AA I/O APIC datasheet, an index register
 * (IOREGSEL, +0x00) and a data window (IOWIN, +0x10); entry n of the
 * redirection table is the register pair 0x10 + 2n (low) and 0x11 + 2n. */
#ifndef SVMHV_IOAPIC_H
#define SVMHV_IOAPIC_H
#include "lib/types.h"

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

/* MPS INTI flags of a MADT interrupt source override */
#define MPS_POLARITY_MASK	0x3
#define MPS_POLARITY_LOW	0x3
#define MPS_TRIGGER_MASK	0xc
#define MPS_TRIGGER_LEVEL	0xc

/* Remaps the 8259s away from the exception vectors and masks every line. */
void pic_disable(void);

/* Maps every I/O APIC of the MADT and masks all its entries. */
void ioapic_init(void);
u32 ioapic_count(void);
/* Global system interrupts the I/O APICs cover, from GSI 0. */
u32 ioapic_gsi_limit(void);

/* The GSI an ISA IRQ arrives on, with its MPS flags (0 = bus default). */
u32 ioapic_isa_irq_to_gsi(u8 irq, u16 *mps_flags);
/* Delivers `gsi` as `vector` to the CPU with `apic_id` (physical mode,
 * so an 8-bit ID without interrupt remapping).  -ENOENT for a GSI no
 * I/O APIC has, -EINVAL for a destination it cannot address. */
int ioapic_route(u32 gsi, u8 vector, u32 apic_id, bool level, bool active_low);
int ioapic_mask(u32 gsi, bool masked);
#endif
