/* vmm/dev/ioapic_core.h - the pure core of a guest's I/O APIC (82093AA
 * model, 24 pins): the index/data window, ID, version, arbitration ID and
 * redirection table, pin inputs, remote IRR and EOI broadcasts.
 *
 * No globals, no allocation, no I/O: the glue maps the MMIO window at the
 * I/O APIC base, feeds pin changes and EOI broadcasts from the local APICs
 * (vlapic_result.eoi_level), and routes each message in `struct vioapic_out`
 * to the local APICs with vlapic_msg_targets() and vlapic_accept().  Register
 * names and bits are in hw/ioapic.h; scope in docs/apic-models.md. */
#ifndef SVMHV_VMM_DEV_IOAPIC_CORE_H
#define SVMHV_VMM_DEV_IOAPIC_CORE_H
#include "lib/types.h"
#include "hw/ioapic.h"
#include "vmm/dev/apic_msg.h"

#define IOAPIC_CORE_PINS	24
#define IOAPIC_CORE_VERSION	(IOAPIC_VERSION_82093AA | \
				 ((IOAPIC_CORE_PINS - 1) << IOAPIC_VER_MAXREDIR_SHIFT))

struct vioapic {
	u32 regsel;			/* IOREGSEL: the indirect register IOWIN reaches */
	u32 id;				/* IOAPICID register value: ID in 27:24 */
	u64 rte[IOAPIC_CORE_PINS];	/* redirection entries, remote IRR included */
	u32 line;			/* bit n: pin n's input is asserted */
};

/* Interrupt messages one call sent, in the order it sent them. */
struct vioapic_out {
	unsigned int n;
	struct apic_msg msg[IOAPIC_CORE_PINS];
	u8 pin[IOAPIC_CORE_PINS];	/* the pin each came from */
};

/* Reset: every entry masked, edge, vector 0; no pin asserted. */
void vioapic_init(struct vioapic *io, u8 id);

/* MMIO at `off` from the base (IOREGSEL 0x00, IOWIN 0x10), 32 bits.
 * Writes clear `out` first; unmasking an asserted level pin delivers. */
u32 vioapic_mmio_read(const struct vioapic *io, u32 off);
void vioapic_mmio_write(struct vioapic *io, u32 off, u32 val, struct vioapic_out *out);

/* Indirect register access, as through IOWIN with IOREGSEL = reg. */
u32 vioapic_reg_read(const struct vioapic *io, u32 reg);
void vioapic_reg_write(struct vioapic *io, u32 reg, u32 val, struct vioapic_out *out);

/* A device drives pin `pin`: `asserted` is the logical state (the glue
 * applies no polarity; the entry's polarity bit is only stored).  Edge
 * entries send on a rising edge when unmasked (an edge while masked is
 * lost); level entries send while asserted, unmasked and remote IRR clear.
 * Clears `out` first.  Returns -EINVAL for a pin past the last. */
int vioapic_set_irq(struct vioapic *io, unsigned int pin, bool asserted, struct vioapic_out *out);

/* A local APIC retired level vector `vector`: clear remote IRR of every
 * level entry with that vector, then re-send those still asserted.
 * Clears `out` first. */
void vioapic_eoi(struct vioapic *io, u8 vector, struct vioapic_out *out);

/* The 64-bit redirection entry of `pin` (0 past the last). */
u64 vioapic_rte(const struct vioapic *io, unsigned int pin);

#endif
