/* drivers/timer.c - the TSC as the kernel's clock.  Its frequency comes
 * from CPUID when the CPU or the hypervisor states it, else it is measured
 * against a timer of known rate: the ACPI PM timer (3.579545 MHz, from the
 * FADT) or, without one, the PIT's channel 2 (1.193182 MHz), gated on
 * through port 0x61 and read back with counter-latch commands.  Each measurement takes the median of three 20 ms rounds so
 * one preempted round (a busy host under QEMU) does not skew it.
 *
 * Called by platform_init() (timer_init) and by anyone who needs the time. */
#include "drivers/timer.h"
#include "lib/muldiv.h"
#include "drivers/acpi.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "hw/i8254.h"

u64 tsc_hz;
enum timer_ref tsc_source;

static u64 tsc_origin;		/* time_ns() counts from here */
static u64 ns_per_tsc_q32;	/* nanoseconds per cycle, 32.32 fixed point */

#define CAL_ROUNDS	3
#define CAL_WINDOW_NS	(20 * NSEC_PER_MSEC)
/* No real reference takes this many TSC cycles (seconds even at 10 GHz)
 * for 20 ms; a loop still waiting then has a dead timer. */
#define CAL_GIVE_UP_CYCLES	(1ULL << 35)


const char *timer_ref_name(enum timer_ref ref)
{
	switch (ref) {
	case TIMER_REF_CPUID_15:	return "from CPUID 0x15";
	case TIMER_REF_CPUID_16:	return "from CPUID 0x16, the base frequency";
	case TIMER_REF_HYPERVISOR:	return "from the hypervisor, CPUID 0x40000010";
	case TIMER_REF_PM_TIMER:	return "calibrated against the ACPI PM timer";
	case TIMER_REF_PIT:		return "calibrated against the PIT";
	case TIMER_REF_GUESS:		return "assumed, nothing to measure it against";
	default:			return "unknown";
	}
}

u32 pm_timer_read(void)
{
	if (!acpi.pm_timer_port)
		return 0;
	u32 v = inl((u16)acpi.pm_timer_port);
	return acpi.pm_timer_32bit ? v : v & 0xffffff;
}

/* One round against the PM timer: both ends are taken right after the
 * counter changes, so the error is one TSC read, not one PM tick. */
static u64 measure_pm_once(void)
{
	u32 mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	u32 want = (u32)(PM_TIMER_HZ * CAL_WINDOW_NS / NSEC_PER_SEC);
	u64 guard = rdtsc();

	u32 p0 = pm_timer_read();
	u32 start;
	while ((start = pm_timer_read()) == p0)
		if (rdtsc() - guard > CAL_GIVE_UP_CYCLES)
			return 0;
	u64 t0 = rdtsc();
	u32 elapsed;
	u64 t1;
	do {
		elapsed = (pm_timer_read() - start) & mask;
		t1 = rdtsc();
		if (t1 - guard > CAL_GIVE_UP_CYCLES)
			return 0;
	} while (elapsed < want);
	return mul_div_u64(t1 - t0, PM_TIMER_HZ, elapsed);
}

static u16 pit_ch2_read(void)
{
	outb(PIT_CMD, PIT_CMD_CH2_LATCH);
	u8 lo = inb(PIT_CH2);
	return (u16)(lo | (inb(PIT_CH2) << 8));
}

/* One round against PIT channel 2, free-running down from 0xffff: its
 * count is latched and read back, edge-aligned at both ends like the PM
 * timer.  Polling the output through port 0x61 would be simpler, but
 * under KVM that port is emulated apart from the PIT and reads late. */
static u64 measure_pit_once(void)
{
	u32 want = (u32)(PIT_HZ * CAL_WINDOW_NS / NSEC_PER_SEC);	/* < 65536 */
	u8 saved = inb(PORT_B);

	outb(PORT_B, (saved & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_CMD, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	u64 guard = rdtsc(), t0, t1;
	u16 p0 = pit_ch2_read(), start;
	u32 elapsed;
	while ((start = pit_ch2_read()) == p0)
		if (rdtsc() - guard > CAL_GIVE_UP_CYCLES)
			goto dead;
	t0 = rdtsc();
	do {
		elapsed = (u16)(start - pit_ch2_read());
		t1 = rdtsc();
		if (t1 - guard > CAL_GIVE_UP_CYCLES)
			goto dead;
	} while (elapsed < want);
	outb(PORT_B, saved);
	return mul_div_u64(t1 - t0, PIT_HZ, elapsed);
dead:
	outb(PORT_B, saved);
	return 0;
}

static u64 median3(u64 a, u64 b, u64 c)
{
	if (a > b) { u64 t = a; a = b; b = t; }
	if (b > c) { u64 t = b; b = c; c = t; }
	if (a > b) { u64 t = a; a = b; b = t; }
	return b;
}

u64 timer_measure_tsc_hz(enum timer_ref ref)
{
	u64 r[CAL_ROUNDS];
	if (ref == TIMER_REF_PM_TIMER && !acpi.pm_timer_port)
		return 0;
	if (ref != TIMER_REF_PM_TIMER && ref != TIMER_REF_PIT)
		return 0;
	u64 f = irq_save();
	for (int i = 0; i < CAL_ROUNDS; i++) {
		r[i] = ref == TIMER_REF_PM_TIMER ? measure_pm_once() : measure_pit_once();
		if (!r[i]) {
			irq_restore(f);
			return 0;
		}
	}
	irq_restore(f);
	return median3(r[0], r[1], r[2]);
}

/* The frequency the CPU or hypervisor states, or 0. */
static u64 tsc_hz_from_cpuid(enum timer_ref *ref)
{
	const struct cpuinfo *ci = &cpu_info;
	u32 a, b, c, d;

	/* CPUID 0x15: TSC = crystal (ECX, Hz) * EBX / EAX; any zero = not given. */
	if (ci->cpuid_15_hz && ci->cpuid_15_numer && ci->cpuid_15_denom) {
		*ref = TIMER_REF_CPUID_15;
		return mul_div_u64(ci->cpuid_15_hz, ci->cpuid_15_numer, ci->cpuid_15_denom);
	}
	/* Hypervisors that publish timing put the TSC rate in kHz in EAX of
	 * 0x40000010 when their maximum leaf (0x40000000 EAX) reaches it. */
	if (ci->hypervisor) {
		cpuid(0x40000000, &a, &b, &c, &d);
		if (a >= 0x40000010 && a < 0x40010000) {
			cpuid(0x40000010, &a, &b, &c, &d);
			if (a) {
				*ref = TIMER_REF_HYPERVISOR;
				return (u64)a * 1000;
			}
		}
	}
	/* CPUID 0x16 gives the base frequency, which is the TSC rate on the
	 * CPUs that have the leaf; only used with the crystal unknown. */
	if (ci->cpuid_16_base_mhz) {
		*ref = TIMER_REF_CPUID_16;
		return (u64)ci->cpuid_16_base_mhz * 1000000;
	}
	return 0;
}

static bool tsc_hz_plausible(u64 hz)
{
	return hz >= 100000000ULL && hz <= 10000000000ULL;
}

void timer_init(void)
{
	enum timer_ref ref = TIMER_REF_NONE;
	u64 hz = tsc_hz_from_cpuid(&ref);

	if (hz && !tsc_hz_plausible(hz)) {
		pr_warn("tsc: CPUID states %lu Hz, not believable; measuring instead\n", hz);
		hz = 0;
	}
	if (!hz && acpi.pm_timer_port) {
		hz = timer_measure_tsc_hz(TIMER_REF_PM_TIMER);
		ref = TIMER_REF_PM_TIMER;
		if (!hz)
			pr_warn("tsc: the ACPI PM timer at port %#x does not count; trying the PIT\n",
				acpi.pm_timer_port);
	}
	if (!hz) {
		hz = timer_measure_tsc_hz(TIMER_REF_PIT);
		ref = TIMER_REF_PIT;
		if (!hz)
			pr_warn("tsc: PIT channel 2 never reached its terminal count\n");
	}
	if (hz && !tsc_hz_plausible(hz)) {
		pr_warn("tsc: measured %lu Hz, outside 100 MHz..10 GHz\n", hz);
		hz = 0;
	}
	if (!hz) {
		hz = 1000000000ULL;
		ref = TIMER_REF_GUESS;
	}
	if (!cpu_info.has_invariant_tsc && !cpu_info.hypervisor)
		pr_warn("tsc: not invariant; time drifts if the CPU changes speed\n");

	ns_per_tsc_q32 = ((NSEC_PER_SEC << 32) + hz / 2) / hz;	/* rounded */
	tsc_source = ref;
	tsc_origin = rdtsc();
	WRITE_ONCE(tsc_hz, hz);
	u64 khz = hz / 1000;
	kprintf("tsc: %lu.%03lu MHz (%s)\n", khz / 1000, khz % 1000, timer_ref_name(ref));
}

u64 tsc_to_ns(u64 cycles)
{
	return (u64)(((unsigned __int128)cycles * ns_per_tsc_q32) >> 32);
}

u64 ns_to_tsc(u64 ns)
{
	return mul_div_u64(ns, tsc_hz, NSEC_PER_SEC);
}

u64 time_ns(void)
{
	/* A CPU whose TSC lags the boot CPU's by a few cycles reads 0, not
	 * a time in the far future. */
	u64 now = rdtsc();
	return now > tsc_origin ? tsc_to_ns(now - tsc_origin) : 0;
}

void delay_ns(u64 ns)
{
	u64 start = rdtsc(), cycles = ns_to_tsc(ns);
	while (rdtsc() - start < cycles)
		cpu_relax();
}
