/* hw/lapic.h - the local APIC's registers, in address order, with the
 * bits of each under it: used by the host driver (drivers/lapic.c) and, next,
 * by the guest's virtual local APIC.
 *
 * Offsets are the xAPIC MMIO offsets from the APIC base (AMD APM vol. 2,
 * "Local APIC" in the interrupts chapter); in x2APIC mode register `off` is
 * MSR X2APIC_MSR_BASE + off / 16 (APM vol. 2, "x2APIC"; Intel SDM vol. 3,
 * "x2APIC Register Address Space"), except that the ICR is one 64-bit MSR. */
#ifndef SVMHV_HW_LAPIC_H
#define SVMHV_HW_LAPIC_H
#include "lib/types.h"

#define LAPIC_DEFAULT_BASE	0xfee00000ULL	/* after reset, until software moves it */
#define LAPIC_MMIO_SIZE		0x1000

/* MSR_APIC_BASE (0x1b) bits */
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)	/* x2APIC mode */
#define APIC_BASE_EN		BIT(11)
#define APIC_BASE_ADDR		GENMASK(51, 12)

#define X2APIC_MSR_BASE		0x800

/* Registers */
#define LAPIC_ID		0x020	/* xAPIC: ID in bits 31:24; x2APIC: all 32 bits */
#define LAPIC_VERSION		0x030
#define  LAPIC_VERSION_MAXLVT(v)	(((v) >> 16) & 0xff)
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0	/* spurious interrupt vector */
#define  LAPIC_SVR_ENABLE	BIT(8)
#define LAPIC_ISR0		0x100	/* 8 registers, 0x10 apart */
#define LAPIC_ESR		0x280
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310	/* xAPIC only: destination in bits 31:24 */
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330	/* exists when MAXLVT >= 5 */
#define LAPIC_LVT_PERF		0x340	/* exists when MAXLVT >= 4 */
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380	/* initial count */
#define LAPIC_TIMER_CUR		0x390	/* current count */
#define LAPIC_TIMER_DIV		0x3e0	/* divide configuration */
#define  LAPIC_TIMER_DIV_16	0x3

/* LVT entry bits */
#define LVT_VECTOR		GENMASK(7, 0)
#define LVT_DM_NMI		(4u << 8)
#define LVT_MASKED		BIT(16)
#define LVT_TIMER_PERIODIC	BIT(17)
#define LVT_TIMER_TSC_DEADLINE	BIT(18)	/* mode 10b: fires when the TSC reaches IA32_TSC_DEADLINE */

#define MSR_TSC_DEADLINE	0x6e0

/* ICR bits (low word; in x2APIC the destination is bits 63:32) */
#define ICR_VECTOR		GENMASK(7, 0)
#define ICR_DM_FIXED		(0u << 8)
#define ICR_DM_NMI		(4u << 8)
#define ICR_DM_INIT		(5u << 8)
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_BUSY		BIT(12)	/* xAPIC delivery status */
#define ICR_LEVEL_ASSERT	BIT(14)

/* Register offset <-> x2APIC MSR, and the rule that makes the MMIO
 * offsets 16 bytes apart. */
#define LAPIC_X2APIC_MSR(off)	(X2APIC_MSR_BASE + (off) / 16)
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_ICR_LO) == 0x830, "x2APIC ICR is MSR 0x830");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_TIMER_DIV) == 0x83e, "x2APIC divide config is MSR 0x83e");

#endif
