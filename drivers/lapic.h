/* drivers/lapic.h - the local APIC of each CPU: register access, IPIs and
 * its timer (register names and bits: hw/lapic.h).  The APIC is used in x2APIC mode (registers are MSRs) when CPUID
 * offers it, else in xAPIC mode (registers are memory-mapped, reached
 * through the direct map); lapic_read()/lapic_write() hide which.
 *
 * lapic_setup() is called by platform_init() on the boot CPU and decides
 * the mode; lapic_init() then runs on every CPU, the boot CPU included. */
#ifndef SVMHV_LAPIC_H
#define SVMHV_LAPIC_H
#include "lib/types.h"
#include "hw/lapic.h"

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
/* An interrupt on VEC_LAPIC_TIMER when the TSC reaches `tsc` (within 2 us
 * if it has): through IA32_TSC_DEADLINE when the CPU has TSC-deadline
 * mode, else as a count - one that repeats until the next call, a backstop
 * against a lost expiry, when `tsc` is LAPIC_TIMER_BACKSTOP_NS or more
 * away, else a one-shot (lapic.c says why).  Returns false for a one-shot
 * count: the caller must not halt waiting for it.  The scheduler re-arms
 * it at every interrupt: this is how it drives time. */
#define LAPIC_TIMER_BACKSTOP_NS	100000
bool lapic_timer_at_tsc(u64 tsc);
/* Whether lapic_timer_at_tsc uses TSC-deadline mode. */
bool lapic_timer_tsc_deadline(void);

#endif
