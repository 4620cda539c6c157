/* drivers/lapic.h - the local APIC of each CPU: its registers, IPIs and its
 * timer.  The APIC is used in x2APIC mode (registers are MSRs) when CPUID
 * offers it, else in xAPIC mode (registers are memory-mapped, reached
 * through the direct map); lapic_read()/lapic_write() hide which.
 *
 * Register offsets are the xAPIC MMIO offsets (AMD APM vol. 2, "Local
 * APIC" in the interrupts chapter); in x2APIC mode register `off` is MSR
 * 0x800 + off / 16 (APM vol. 2, "x2APIC"; Intel SDM vol. 3, "x2APIC
 * Register Address Space"), except that the ICR is one 64-bit MSR.
 *
 * lapic_setup() is called by platform_init() on the boot CPU and decides
 * the mode; lapic_init() then runs on every CPU, the boot CPU included. */
#ifndef SVMHV_LAPIC_H
#define SVMHV_LAPIC_H
#include "lib/types.h"

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

extern bool lapic_x2apic;	/* x2APIC mode on every CPU */
extern u64 lapic_timer_hz;	/* timer counts per second at divide-by-16 */

u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 val);

/* Boot CPU, once: chooses the mode, finds the MMIO window, then runs
 * lapic_init() here and registers the default timer handler.  Returns
 * -ENODEV when the CPU has no local APIC at all. */
int lapic_setup(u64 acpi_lapic_addr);
/* Any CPU: puts its APIC in the chosen mode, software-enables it with
 * VEC_SPURIOUS, masks LINT0 (the 8259s) and every other LVT except LINT1
 * on the boot CPU (NMI), clears errors and stray in-service bits.  Uses no
 * per-CPU data: the AP trampoline calls it before its GS base is set. */
void lapic_init(bool bsp);

bool lapic_present(void);
u32 lapic_id(void);
void lapic_eoi(void);
/* Writes the ICR: `icr_lo` is delivery mode | level | vector.  Waits for
 * the xAPIC to accept it (bounded); returns -ETIMEDOUT if it did not. */
int lapic_send_ipi(u32 apic_id, u32 icr_lo);

/* The timer, on this CPU.  lapic_timer_calibrate() measures it against
 * the TSC once, on the boot CPU; all CPUs share the bus clock. */
void lapic_timer_calibrate(void);
void lapic_timer_periodic(u32 hz);	/* VEC_LAPIC_TIMER hz times a second */
void lapic_timer_oneshot_ns(u64 ns);	/* VEC_LAPIC_TIMER once, after ns */
void lapic_timer_stop(void);
/* One interrupt on VEC_LAPIC_TIMER when the TSC reaches `tsc` (at once if
 * it has): through IA32_TSC_DEADLINE when the CPU has TSC-deadline mode,
 * else as a one-shot count.  This is how the scheduler drives time. */
void lapic_timer_at_tsc(u64 tsc);
/* Whether lapic_timer_at_tsc uses TSC-deadline mode. */
bool lapic_timer_tsc_deadline(void);

#endif
