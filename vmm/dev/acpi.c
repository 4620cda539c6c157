/* vmm/dev/acpi.c - ACPI for a PC guest: the static tables of
 * vmm/dev/acpi_build.c written into guest RAM at ACPI_TABLES_GPA, where
 * the BIOS-area scan of 0xe0000-0xfffff finds the RSDP (kvm-unit-tests,
 * Linux without a boot-protocol pointer); vm->acpi_rsdp keeps its GPA for
 * a loader that hands it over.  The MADT has one local APIC per vCPU (IDs
 * 0..n-1), the I/O APIC at 0xfec00000 with the next ID, the PC/AT 8259
 * flag (vmm/dev/i8259.c) and the usual IRQ 0 -> GSI 2 override.
 *
 * The fixed hardware the FADT names is this device: the PM1a event and
 * control blocks and the 32-bit PM timer in one block at ACPI_PM_BASE,
 * and the reset register at ACPI_RESET_PORT; the register rules are in
 * vmm/dev/acpi_pm_core.c.  The PM timer counts at 3.579545 MHz derived
 * from the host TSC, so it runs at the same rate on every CPU and never
 * goes back.  A reset-register write stops the VM with STOP_RESET (a VM
 * reset is not modelled); SLP_EN with the S5 type stops it as powered
 * off.  Attached by vmm/dev/pc.c. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/acpi_build.h"
#include "vmm/dev/acpi_pm_core.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "drivers/timer.h"
#include "hw/mc146818.h"
#include "mm/kmem.h"

#define ACPI_TABLES_GPA		0xe0000UL	/* 16-byte aligned, in the scan area */
#define ACPI_SCAN_END		0x100000UL
#define ACPI_PM_BASE		0x600		/* q35's PM base: EVT, CNT, TMR */
#define ACPI_RESET_PORT		0xcf9		/* the chipset's reset control */
#define ACPI_RESET_VALUE	0x06		/* full CPU reset, as q35's FADT says */
#define ACPI_S5_SLP_TYP		5
#define ACPI_SCI_IRQ		9

struct acpi_dev {
	struct vmm_device dev;
	spinlock_t lock;
	struct acpi_pm pm;
};

static struct acpi_dev *to_acpi(struct vmm_device *d)
{
	return container_of(d, struct acpi_dev, dev);
}

static void acpi_dev_reset(struct vmm_device *d)
{
	acpi_pm_init(&to_acpi(d)->pm, ACPI_S5_SLP_TYP, true, ACPI_RESET_VALUE);
}

static u64 acpi_dev_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct acpi_dev *a = to_acpi(d);
	if (port < ACPI_PM_BASE || port >= ACPI_PM_BASE + ACPI_PM_BLOCK_LEN)
		return 0;	/* the reset register is write-only here */
	u64 f = spin_lock_irqsave(&a->lock);
	u32 timer = acpi_pm_timer_count(&a->pm, rdtsc(), tsc_hz);
	u32 val = acpi_pm_read(&a->pm, (u32)(port - ACPI_PM_BASE), size, timer);
	spin_unlock_irqrestore(&a->lock, f);
	return val;
}

static void acpi_dev_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct acpi_dev *a = to_acpi(d);
	enum acpi_pm_action act;
	u64 f = spin_lock_irqsave(&a->lock);
	if (port == ACPI_RESET_PORT)
		act = acpi_pm_reset_write(&a->pm, (u8)val);
	else
		act = acpi_pm_write(&a->pm, (u32)(port - ACPI_PM_BASE), size, (u32)val);
	spin_unlock_irqrestore(&a->lock, f);

	if (act == ACPI_PM_RESET) {
		vm_console_flush(d->vm);
		vm_request_stop(d->vm, STOP_RESET, "ACPI reset register write of %#lx by vCPU %u "
				"(VM reset is not modelled: stopped)", val, v->index);
	} else if (act == ACPI_PM_POWEROFF) {
		vm_console_flush(d->vm);
		vm_request_stop(d->vm, STOP_POWEROFF, "ACPI S5 sleep: PM1a_CNT write of %#lx by vCPU %u",
				val, v->index);
	}
}

static void acpi_dev_dump(struct vmm_device *d)
{
	struct acpi_dev *a = to_acpi(d);
	kprintf("acpi: PM1_EN %#x PM1_CNT %#x, PM timer %u (32-bit), RSDP at %#lx\n", a->pm.en,
		a->pm.cnt, acpi_pm_timer_count(&a->pm, rdtsc(), tsc_hz), d->vm->acpi_rsdp);
}

static void acpi_dev_teardown(struct vmm_device *d)
{
	kfree(to_acpi(d));
}

static const struct vmm_device_ops acpi_dev_ops = {
	.name = "acpi", .reset = acpi_dev_reset, .read = acpi_dev_read, .write = acpi_dev_write,
	.dump = acpi_dev_dump, .teardown = acpi_dev_teardown,
};

/* The tables, into RAM that nothing was loaded into. */
static int acpi_tables_place(struct vm *vm)
{
	struct acpi_build_cfg cfg = {
		.ncpus = vm->nvcpus,
		.ioapic_id = (u8)vm->nvcpus,
		.ioapic_addr = ACPI_IOAPIC_DEFAULT_ADDR,
		.pcat_compat = true,
		.sci_override = true,
		.sci_irq = ACPI_SCI_IRQ,
		.pm1a_evt_port = ACPI_PM_BASE + ACPI_PM_STS,
		.pm1a_cnt_port = ACPI_PM_BASE + ACPI_PM_CNT,
		.pm_tmr_port = ACPI_PM_BASE + ACPI_PM_TMR,
		.pm_tmr_32bit = true,
		.reset_port = ACPI_RESET_PORT,
		.reset_value = ACPI_RESET_VALUE,
		.s5_slp_typ = ACPI_S5_SLP_TYP,
		/* No VGA: say so, so that an OS does not probe for one.  The
		 * CMOS clock is there (vmm/dev/rtc.c), with its century byte;
		 * the keyboard controller (vmm/dev/i8042.c) only for its reset,
		 * with no keyboard behind it, so the 8042 flag stays clear. */
		.iapc_boot_arch = ACPI_IAPC_VGA_NOT_PRESENT,
		.century = CMOS_CENTURY,
	};
	size_t need = acpi_build_size(vm->nvcpus);
	if (vm->nvcpus > ACPI_BUILD_MAX_CPUS || need > ACPI_SCAN_END - ACPI_TABLES_GPA) {
		pr_err("guest %s: ACPI tables for %u vCPUs do not fit the BIOS area (at most %u)\n",
		       vm->cfg.name, vm->nvcpus, ACPI_BUILD_MAX_CPUS);
		return -EINVAL;
	}
	u8 *dst = vm_gpa_to_host(vm, ACPI_TABLES_GPA, need);
	if (!dst) {
		pr_err("guest %s: the pc platform needs RAM up to 1 MiB for its ACPI tables "
		       "(it has %lu KiB)\n", vm->cfg.name, vm->ram_size >> 10);
		return -EINVAL;
	}
	for (size_t i = 0; i < need; i++)
		if (dst[i]) {
			pr_err("guest %s: its image covers %#lx, where the ACPI tables go\n",
			       vm->cfg.name, ACPI_TABLES_GPA + i);
			return -EINVAL;
		}
	struct acpi_build_out out;
	int r = acpi_build(&cfg, dst, need, ACPI_TABLES_GPA, &out);
	if (r) {
		pr_err("guest %s: building its ACPI tables failed (%d)\n", vm->cfg.name, r);
		return r;
	}
	vm->acpi_rsdp = out.rsdp;
	return 0;
}

int acpi_attach(struct vm *vm)
{
	int r = acpi_tables_place(vm);
	if (r)
		return r;
	struct acpi_dev *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->dev.ops = &acpi_dev_ops;
	spin_lock_init(&a->lock, "acpi");
	r = vm_attach_device(vm, &a->dev, true, ACPI_PM_BASE, ACPI_PM_BLOCK_LEN);
	if (r) {
		kfree(a);
		return r;
	}
	return vm_attach_range(vm, &a->dev, true, ACPI_RESET_PORT, 1);
}
