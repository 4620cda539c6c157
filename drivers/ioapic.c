/* drivers/ioapic.c - the legacy 8259 pair (remapped and masked for good)
 * and the I/O APICs (mapped through the direct map, every entry masked
 * until a driver routes one).  Called by platform_init() on the boot CPU;
 * ioapic_route()/ioapic_mask() by device drivers on any CPU. */
#include "drivers/ioapic.h"
#include "drivers/acpi.h"
#include "hw/i8259.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "mm/vmm.h"

struct ioapic {
	volatile u32 *mmio;
	u32 id;
	u32 gsi_base;
	u32 nentries;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static u32 nioapics;
/* IOREGSEL and IOWIN are a pair: one access at a time, on any I/O APIC. */
static spinlock_t ioapic_lock = SPINLOCK_INIT("ioapic");

/* ---- 8259 ---- */

void pic_disable(void)
{
	/* Even masked, an 8259 can raise a spurious IRQ 7 or 15; remapped to
	 * 0x20..0x2f it cannot look like an exception. */
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_FIRST_IRQ);		/* ICW2: vector base */
	outb(PIC2_DATA, VEC_FIRST_IRQ + 8);
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);	/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);			/* ICW3: slave identity */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);			/* OCW1: all masked */
	outb(PIC2_DATA, 0xff);
}

/* ---- I/O APIC ---- */

static u32 ioapic_read(const struct ioapic *io, u32 reg)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	return io->mmio[IOAPIC_WIN / 4];
}

static void ioapic_write(const struct ioapic *io, u32 reg, u32 val)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	io->mmio[IOAPIC_WIN / 4] = val;
}

void ioapic_init(void)
{
	u32 inputs = 0;
	for (u32 i = 0; i < acpi.nioapics; i++) {
		const struct acpi_ioapic *a = &acpi.ioapics[i];
		if ((u64)a->addr + 0x20 > hhdm_limit || (a->addr & 0xf)) {
			pr_warn("ioapic: I/O APIC %u at %#x cannot be mapped, ignored\n", a->id, a->addr);
			continue;
		}
		struct ioapic *io = &ioapics[nioapics];
		io->mmio = phys_to_virt(a->addr);
		io->id = a->id;
		io->gsi_base = a->gsi_base;
		u32 ver = ioapic_read(io, IOAPIC_REG_VER);
		if (ver == 0xffffffffu) {
			pr_warn("ioapic: nothing answers at %#x (I/O APIC %u), ignored\n", a->addr, a->id);
			continue;
		}
		io->nentries = IOAPIC_VER_MAXREDIR(ver) + 1;
		/* Mask first, then give each entry a vector of its own, so a
		 * later unmask without routing does not deliver vector 0. */
		for (u32 n = 0; n < io->nentries; n++) {
			u32 gsi = io->gsi_base + n;
			u32 vec = VEC_FIRST_IRQ + gsi < VEC_LAPIC_TIMER ? VEC_FIRST_IRQ + gsi : 0;
			ioapic_write(io, IOAPIC_REG_REDTBL(n), IOAPIC_RTE_MASKED | vec);
			ioapic_write(io, IOAPIC_REG_REDTBL(n) + 1, 0);
		}
		inputs += io->nentries;
		nioapics++;
	}
	if (nioapics)
		kprintf("ioapic: %u I/O APIC(s), %u inputs, all masked\n", nioapics, inputs);
	else
		pr_warn("ioapic: none usable; no device interrupts\n");
}

u32 ioapic_count(void)
{
	return nioapics;
}

u32 ioapic_gsi_limit(void)
{
	u32 lim = 0;
	for (u32 i = 0; i < nioapics; i++)
		lim = MAX(lim, ioapics[i].gsi_base + ioapics[i].nentries);
	return lim;
}

u32 ioapic_isa_irq_to_gsi(u8 irq, u16 *mps_flags)
{
	for (u32 i = 0; i < acpi.nisos; i++) {
		if (acpi.isos[i].bus == 0 && acpi.isos[i].source_irq == irq) {
			if (mps_flags)
				*mps_flags = acpi.isos[i].flags;
			return acpi.isos[i].gsi;
		}
	}
	if (mps_flags)
		*mps_flags = 0;		/* ISA: edge, active high */
	return irq;
}

static struct ioapic *ioapic_for(u32 gsi, u32 *entry)
{
	for (u32 i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nentries) {
			*entry = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

int ioapic_route(u32 gsi, u8 vector, u32 apic_id, bool level, bool active_low)
{
	u32 n;
	struct ioapic *io = ioapic_for(gsi, &n);
	if (!io)
		return -ENOENT;
	if (apic_id > 0xff || vector < VEC_FIRST_IRQ)
		return -EINVAL;
	u32 lo = vector | (level ? IOAPIC_RTE_LEVEL : 0) | (active_low ? IOAPIC_RTE_ACTIVE_LOW : 0);
	u64 f = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(io, IOAPIC_REG_REDTBL(n), IOAPIC_RTE_MASKED | lo);
	ioapic_write(io, IOAPIC_REG_REDTBL(n) + 1, apic_id << (IOAPIC_RTE_DEST_SHIFT - 32));
	ioapic_write(io, IOAPIC_REG_REDTBL(n), lo);
	spin_unlock_irqrestore(&ioapic_lock, f);
	return 0;
}

int ioapic_mask(u32 gsi, bool masked)
{
	u32 n;
	struct ioapic *io = ioapic_for(gsi, &n);
	if (!io)
		return -ENOENT;
	u64 f = spin_lock_irqsave(&ioapic_lock);
	u32 lo = ioapic_read(io, IOAPIC_REG_REDTBL(n));
	lo = masked ? lo | IOAPIC_RTE_MASKED : lo & ~(u32)IOAPIC_RTE_MASKED;
	ioapic_write(io, IOAPIC_REG_REDTBL(n), lo);
	spin_unlock_irqrestore(&ioapic_lock, f);
	return 0;
}
