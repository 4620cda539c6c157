/* drivers/timer.h - time for the whole kernel: the TSC frequency (from
 * CPUID, or measured against the ACPI PM timer or the PIT channel 2 at
 * boot) and conversions between TSC cycles and nanoseconds.
 *
 * timer_init() runs once on the boot CPU from platform_init(), after ACPI
 * (for the PM timer port).  Everything else may be called on any CPU
 * afterwards; before it, tsc_hz is 0 and time_ns() returns 0. */
#ifndef SVMHV_TIMER_H
#define SVMHV_TIMER_H
#include "lib/types.h"

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_USEC	1000ULL


extern u64 tsc_hz;		/* TSC ticks per second, identical on every CPU */

/* Where tsc_hz came from. */
enum timer_ref {
	TIMER_REF_NONE = 0,
	TIMER_REF_CPUID_15,	/* crystal clock * ratio, CPUID 0x15 */
	TIMER_REF_CPUID_16,	/* processor base frequency, CPUID 0x16 */
	TIMER_REF_HYPERVISOR,	/* CPUID 0x40000010, the hypervisor timing leaf */
	TIMER_REF_PM_TIMER,	/* measured against the ACPI PM timer */
	TIMER_REF_PIT,		/* measured against PIT channel 2 */
	TIMER_REF_GUESS,	/* nothing worked: an assumed 1 GHz */
};
extern enum timer_ref tsc_source;
const char *timer_ref_name(enum timer_ref ref);

void timer_init(void);

/* Measures the TSC once against the ACPI PM timer or the PIT (3 rounds of
 * 20 ms, median), without touching tsc_hz.  0 when that reference is
 * missing or does not count.  The tests use it to cross-check sources. */
u64 timer_measure_tsc_hz(enum timer_ref ref);

/* Nanoseconds since timer_init(). */
u64 time_ns(void);
u64 tsc_to_ns(u64 cycles);
u64 ns_to_tsc(u64 ns);
/* Busy-waits with the TSC; usable with interrupts off. */
void delay_ns(u64 ns);

/* Reads the ACPI PM timer (masked to its width); 0 when there is none. */
u32 pm_timer_read(void);

#endif
