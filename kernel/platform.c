/* kernel/platform.c - platform_init: the boot CPU's view of the machine
 * (ACPI, interrupt controllers, time) before anything is scheduled.  Only
 * kernel/boot.c calls it; the order matters (docs/smp.md): the LAPIC's
 * address comes from the MADT, the PM timer used to calibrate the TSC from
 * the FADT, and the LAPIC timer is calibrated against the TSC. */
#include "kernel/platform.h"
#include "drivers/acpi.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/timer.h"
#include "drivers/rtc.h"
#include "kernel/cpu.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"

void platform_init(const struct boot_info *bi)
{
	extern char bsp_stack_base[];
	struct percpu *bsp = cpu_table[0];

	acpi_init(bi);
	pic_disable();
	if (lapic_setup(acpi_valid ? acpi.lapic_addr : 0) == 0)
		bsp->apic_id = lapic_id();
	bsp->boot_stack = (u8 *)bsp_stack_base;
	bsp->tsc_at_online = rdtsc();
	if (acpi_valid)
		ioapic_init();
	timer_init();
	rtc_init();
	lapic_timer_calibrate();
}
