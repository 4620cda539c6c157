/* vmm/dev/ioapic_core.c - the pure core of a guest's I/O APIC (see
 * ioapic_core.h for the contract with the glue).
 *
 * Reference: Intel 82093AA I/O APIC datasheet, section 3 "Register
 * Descriptions" (IOREGSEL, IOWIN, IOAPICID, IOAPICVER, IOAPICARB,
 * IOREDTBL) and section 2 "Functional Description" (edge and level
 * interrupts, remote IRR and the EOI message). */
#include "vmm/dev/ioapic_core.h"

void vioapic_init(struct vioapic *io, u8 id)
{
	io->regsel = 0;
	io->id = ((u32)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
	for (unsigned int i = 0; i < IOAPIC_CORE_PINS; i++)
		io->rte[i] = IOAPIC_RTE_RESET;
	io->line = 0;
}

u64 vioapic_rte(const struct vioapic *io, unsigned int pin)
{
	return pin < IOAPIC_CORE_PINS ? io->rte[pin] : 0;
}

static void send(struct vioapic *io, unsigned int pin, struct vioapic_out *out)
{
	u64 e = io->rte[pin];

	if (out->n >= IOAPIC_CORE_PINS)
		return;		/* cannot happen: each pin sends at most once a call */
	out->pin[out->n] = (u8)pin;
	out->msg[out->n++] = (struct apic_msg){
		.vector = e & IOAPIC_RTE_VECTOR,
		.delivery = (e & IOAPIC_RTE_DM) >> IOAPIC_RTE_DM_SHIFT,
		.shorthand = 0,
		.logical = e & IOAPIC_RTE_DEST_LOGICAL,
		.level = e & IOAPIC_RTE_LEVEL,
		.assert = true,
		.x2apic = false,
		.dest = (u32)(e >> IOAPIC_RTE_DEST_SHIFT),
	};
}

/* A level entry sends while its input is asserted, it is unmasked and no
 * earlier message of it awaits its EOI (remote IRR clear); remote IRR is
 * set as it sends, since delivery here is immediate. */
static void service_level(struct vioapic *io, unsigned int pin, struct vioapic_out *out)
{
	u64 *e = &io->rte[pin];

	if (!(*e & IOAPIC_RTE_LEVEL) || !(io->line & (1u << pin)))
		return;
	if (*e & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR))
		return;
	*e |= IOAPIC_RTE_REMOTE_IRR;
	send(io, pin, out);
}

u32 vioapic_reg_read(const struct vioapic *io, u32 reg)
{
	reg &= IOAPIC_REGSEL_MASK;
	switch (reg) {
	case IOAPIC_REG_ID:
		return io->id;
	case IOAPIC_REG_VER:
		return IOAPIC_CORE_VERSION;
	case IOAPIC_REG_ARB:
		/* The arbitration ID is loaded from the ID (kvm-unit-tests
		 * ioapic reads it back after writing the ID). */
		return io->id & IOAPIC_ARB_MASK;
	default:
		if (reg >= IOAPIC_REG_REDTBL(0) && reg <= IOAPIC_REG_REDTBL_LAST(IOAPIC_CORE_PINS)) {
			u64 e = io->rte[(reg - IOAPIC_REG_REDTBL(0)) / 2];

			return (reg & 1) ? (u32)(e >> 32) : (u32)e;
		}
		return 0;
	}
}

void vioapic_reg_write(struct vioapic *io, u32 reg, u32 val, struct vioapic_out *out)
{
	unsigned int pin;
	u64 *e, w;

	out->n = 0;
	reg &= IOAPIC_REGSEL_MASK;
	if (reg == IOAPIC_REG_ID) {
		io->id = val & IOAPIC_ID_MASK;	/* only 27:24 are writable */
		return;
	}
	if (reg < IOAPIC_REG_REDTBL(0) || reg > IOAPIC_REG_REDTBL_LAST(IOAPIC_CORE_PINS))
		return;		/* version, arbitration: read-only; others reserved */
	pin = (reg - IOAPIC_REG_REDTBL(0)) / 2;
	e = &io->rte[pin];
	if (reg & 1)
		w = ((u64)val << 32) | (u32)*e;
	else
		w = (*e & GENMASK(63, 32)) | val;
	*e = (*e & IOAPIC_RTE_RO) | (w & IOAPIC_RTE_WMASK);
	/* Remote IRR means nothing for edge entries: clear it so that a later
	 * switch back to level does not start stuck. */
	if (!(*e & IOAPIC_RTE_LEVEL))
		*e &= ~IOAPIC_RTE_REMOTE_IRR;
	/* Unmasking (or switching to level) an asserted level pin sends now. */
	service_level(io, pin, out);
}

u32 vioapic_mmio_read(const struct vioapic *io, u32 off)
{
	switch (off) {
	case IOAPIC_REGSEL:
		return io->regsel;
	case IOAPIC_WIN:
		return vioapic_reg_read(io, io->regsel);
	default:
		return 0;
	}
}

void vioapic_mmio_write(struct vioapic *io, u32 off, u32 val, struct vioapic_out *out)
{
	out->n = 0;
	switch (off) {
	case IOAPIC_REGSEL:
		io->regsel = val & IOAPIC_REGSEL_MASK;
		break;
	case IOAPIC_WIN:
		vioapic_reg_write(io, io->regsel, val, out);
		break;
	default:
		break;
	}
}

int vioapic_set_irq(struct vioapic *io, unsigned int pin, bool asserted, struct vioapic_out *out)
{
	u32 bit;
	bool was;

	out->n = 0;
	if (pin >= IOAPIC_CORE_PINS)
		return -EINVAL;
	bit = 1u << pin;
	was = io->line & bit;
	if (asserted)
		io->line |= bit;
	else
		io->line &= ~bit;
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		service_level(io, pin, out);
	} else if (asserted && !was && !(io->rte[pin] & IOAPIC_RTE_MASKED)) {
		send(io, pin, out);	/* rising edge */
	}
	return 0;
}

void vioapic_eoi(struct vioapic *io, u8 vector, struct vioapic_out *out)
{
	out->n = 0;
	for (unsigned int pin = 0; pin < IOAPIC_CORE_PINS; pin++) {
		u64 *e = &io->rte[pin];

		if (!(*e & IOAPIC_RTE_LEVEL) || !(*e & IOAPIC_RTE_REMOTE_IRR) ||
		    (*e & IOAPIC_RTE_VECTOR) != vector)
			continue;
		*e &= ~IOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin, out);	/* still asserted: again */
	}
}
