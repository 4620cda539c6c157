/* vmm/dev/pc.c - the PC platform's simple devices, attached together for
 * a VM whose settings say platform=pc: fw_cfg (vmm/dev/fwcfg.c), the exit
 * port (exitport.c), the masked 8259 pair (i8259.c), ACPI tables with
 * their PM timer and PM1/reset ports (acpi.c), QEMU's pc-testdev
 * (pc_testdev.c), which kvm-unit-tests' runner gives every test, the RTC
 * and CMOS RAM (rtc.c) and the keyboard controller for its reset
 * (i8042.c).  COM1 is every platform's
 * and attached by vm_create itself.  Bare guests get none of these: their
 * port probes (tests/guests/probes.asm) must keep reading all-ones. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "kernel/printk.h"

#define PC_MIN_RAM	0x100000ULL	/* the ACPI tables live below 1 MiB */

int pc_platform_attach(struct vm *vm)
{
	if (vm->cfg.platform != GUEST_PLATFORM_PC)
		return 0;
	if (vm->ram_size < PC_MIN_RAM) {
		pr_err("guest %s: the pc platform needs at least 1 MiB of RAM (ACPI tables in "
		       "0xe0000-0xfffff); it has %lu KiB\n", vm->cfg.name, vm->ram_size >> 10);
		return -EINVAL;
	}
	int r = fwcfg_attach(vm);
	if (!r)
		r = exitport_attach(vm, EXITPORT_PORT);
	if (!r)
		r = i8259_attach(vm);
	if (!r)
		r = acpi_attach(vm);
	if (!r)
		r = pc_testdev_attach(vm);
	if (!r)
		r = rtc_attach(vm);
	if (!r)
		r = i8042_attach(vm);
	if (r)
		pr_err("guest %s: attaching its pc devices failed (%d)\n", vm->cfg.name, r);
	return r;
}
