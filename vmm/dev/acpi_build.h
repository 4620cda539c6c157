/* vmm/dev/acpi_build.h - the static ACPI tables a VM's guest reads (RSDP,
 * XSDT and RSDT, FADT with its FACS and DSDT, MADT), built into a buffer
 * the caller owns and will place at guest-physical address `base`.
 * Layouts: hw/acpi.h.  Called by a VM loader once per VM.
 *
 * The RSDP comes first, at `base` itself, which must be 16-byte aligned:
 * put the blob in 0xe0000-0xfffff and the BIOS-area scan (kvm-unit-tests,
 * Linux without a boot-protocol pointer) finds it there; its address is
 * also what a boot protocol hands over.  Every other table is reached
 * through absolute pointers, so the RSDP alone may also be copied
 * elsewhere (into the scan area) with the rest left at `base`. */
#ifndef SVMHV_VMM_DEV_ACPI_BUILD_H
#define SVMHV_VMM_DEV_ACPI_BUILD_H
#include "lib/types.h"
#include "hw/acpi.h"

#define ACPI_BUILD_MAX_CPUS	64	/* xAPIC IDs, one MADT type 0 entry each */
#define ACPI_IOAPIC_DEFAULT_ADDR 0xfec00000u
#define ACPI_LAPIC_DEFAULT_ADDR	 0xfee00000u

struct acpi_build_cfg {
	u32 ncpus;			/* 1 .. ACPI_BUILD_MAX_CPUS */
	const u8 *apic_ids;		/* ncpus IDs (< 0xff, distinct); NULL: 0..ncpus-1 */
	u8 ioapic_id;			/* by custom the first ID after the CPUs. */
	u32 ioapic_addr;		/* 0: ACPI_IOAPIC_DEFAULT_ADDR */
	bool pcat_compat;		/* a (masked) 8259 pair is there */
	bool sci_override;		/* also an IRQ 9 -> GSI 9 level, active-high override */

	bool hw_reduced;		/* FADT HW_REDUCED_ACPI: no PM1/PM timer fixed hardware */
	u16 sci_irq;			/* FADT SCI_INT (9 on a PC) */
	u16 pm1a_evt_port;		/* PM1a event block, 4 bytes; 0: none */
	u16 pm1a_cnt_port;		/* PM1a control block, 2 bytes; 0: none */
	u16 pm_tmr_port;		/* PM timer, 4 bytes; 0: none */
	bool pm_tmr_32bit;		/* TMR_VAL_EXT: the timer counts 32 bits */
	u16 reset_port;			/* reset register (I/O, 8 bits); 0: none */
	u8 reset_value;
	u16 sleep_ctl_port;		/* sleep control register (I/O, 8 bits); 0: none */
	u16 sleep_sts_port;		/* sleep status register (I/O, 8 bits); 0: none */
	u8 s5_slp_typ;			/* SLP_TYP value the platform takes as S5 (0..7) */
	u16 iapc_boot_arch;		/* ACPI_IAPC_* bits */
	u8 century;			/* CMOS index of the RTC's century byte; 0: none */
};

/* Where each table went (guest-physical) and how many bytes were used. */
struct acpi_build_out {
	paddr_t rsdp, xsdt, rsdt, fadt, facs, madt, dsdt;
	size_t len;
};

/* Worst-case bytes acpi_build needs for ncpus CPUs; a caller sizes the
 * buffer from it. */
size_t acpi_build_size(u32 ncpus);

/* Builds every table, checksums set, into buf[0, cap) for placement at
 * `base`.  Returns 0, -EINVAL for a bad configuration (ncpus, an APIC ID,
 * a misaligned base, tables that would end above 4 GiB where the RSDT
 * cannot point) or -ENOSPC when cap is too small; nothing useful is left
 * in buf on failure. */
int acpi_build(const struct acpi_build_cfg *cfg, u8 *buf, size_t cap, paddr_t base,
	       struct acpi_build_out *out);

#endif
