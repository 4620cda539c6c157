/* vmm/dev/acpi_pm_core.h - the ACPI fixed hardware a PC guest's FADT
 * names, without a bus: the PM1a event block (PM1_STS, PM1_EN), the PM1a
 * control block (SCI_EN, SLP_TYP, SLP_EN) and the PM timer, laid out in
 * one block of ACPI_PM_BLOCK_LEN ports as QEMU's q35 does, plus the reset
 * register.  The glue (vmm/dev/acpi.c) turns port accesses into
 * acpi_pm_read/_write with the offset into the block and acts on what
 * acpi_pm_write returns; it owns struct acpi_pm.  Register rules: ACPI
 * 6.5, 4.8.3 (PM1 registers) and 4.8.3.3 (PM timer).
 *
 * No events are modelled: PM1_STS reads 0 and no SCI is ever raised.
 * There is no SMI_CMD, so the platform is in ACPI mode from the start and
 * SCI_EN reads 1.  Of the sleep states only S5 (soft off) is offered. */
#ifndef SVMHV_VMM_DEV_ACPI_PM_CORE_H
#define SVMHV_VMM_DEV_ACPI_PM_CORE_H
#include "lib/types.h"

#define ACPI_PM_TIMER_HZ	3579545ULL	/* 4.8.3.3: 3.579545 MHz */

/* Offsets inside the block (FADT: PM1a_EVT_BLK = base, PM1a_CNT_BLK =
 * base + 4, PM_TMR_BLK = base + 8). */
#define ACPI_PM_STS		0	/* PM1_STS, 2 bytes, write 1 to clear */
#define ACPI_PM_EN		2	/* PM1_EN, 2 bytes */
#define ACPI_PM_CNT		4	/* PM1_CNT, 2 bytes */
#define ACPI_PM_TMR		8	/* PM_TMR, 4 bytes, read only */
#define ACPI_PM_BLOCK_LEN	12

/* PM1_EN bits that exist (4.8.3.1.2): TMR, GBL, PWRBTN, SLPBTN, RTC. */
#define ACPI_PM1_EN_MASK	0x0721

enum acpi_pm_action {
	ACPI_PM_NONE = 0,
	ACPI_PM_POWEROFF,	/* SLP_EN written with the S5 SLP_TYP */
	ACPI_PM_RESET,		/* the reset register got its value */
};

struct acpi_pm {
	u16 en;			/* PM1_EN */
	u16 cnt;		/* PM1_CNT as read (SLP_EN is write-only) */
	u8 s5_slp_typ;		/* what the DSDT's \_S5 says */
	bool tmr_32bit;		/* FADT TMR_VAL_EXT */
	u8 reset_value;		/* FADT RESET_VALUE */
};

void acpi_pm_init(struct acpi_pm *pm, u8 s5_slp_typ, bool tmr_32bit, u8 reset_value);

/* The PM timer's count at host TSC value tsc: 3.579545 MHz from tsc_hz,
 * wrapping at 24 or 32 bits as TMR_VAL_EXT says; 0 when tsc_hz is 0. */
u32 acpi_pm_timer_count(const struct acpi_pm *pm, u64 tsc, u64 tsc_hz);

/* A read or write of size bytes (1, 2 or 4) at offset off of the block,
 * byte by byte so any width at any offset does what the bytes would;
 * offsets outside the registers read 0 and ignore writes.  `timer` is
 * acpi_pm_timer_count() at the access. */
u32 acpi_pm_read(const struct acpi_pm *pm, u32 off, u32 size, u32 timer);
enum acpi_pm_action acpi_pm_write(struct acpi_pm *pm, u32 off, u32 size, u32 val);

/* A byte written to the reset register. */
enum acpi_pm_action acpi_pm_reset_write(const struct acpi_pm *pm, u8 val);
#endif
