/* drivers/ioapic.h - the I/O APICs the MADT lists, and the legacy 8259
 * PICs they replace.  At boot every redirection entry is masked; a driver
 * that wants a device interrupt routes its GSI with ioapic_route().
 * Register names: hw/ioapic.h and hw/i8259.h. */
#ifndef SVMHV_IOAPIC_H
#define SVMHV_IOAPIC_H
#include "lib/types.h"
#include "hw/ioapic.h"

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
