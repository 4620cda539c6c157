/* drivers/lapic.c - the local APIC: mode selection (x2APIC when CPUID
 * offers it), per-CPU set-up, EOI, IPIs through the ICR and the timer,
 * calibrated once against the TSC.  The timer's vector gets a default
 * handler that only counts ticks per CPU, until the scheduler registers
 * its own with trap_register().
 *
 * Called by platform_init() (lapic_setup, lapic_timer_calibrate), by the
 * AP start-up path (lapic_init) and by kernel/smp.c (IPIs). */
#include "drivers/lapic.h"
#include "drivers/timer.h"
#include "lib/muldiv.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/desc.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "mm/vmm.h"

bool lapic_x2apic;
u64 lapic_timer_hz;

static volatile u32 *lapic_mmio;	/* xAPIC window, through the direct map */
static bool lapic_ready;

/* CPUID 1 EDX bit 9: an on-chip APIC. */
#define CPUID1_EDX_APIC	BIT(9)

/* How long to wait for an xAPIC to take an IPI: far beyond the few
 * microseconds real hardware needs. */
#define ICR_SPIN_LIMIT	10000000u

u32 lapic_read(u32 reg)
{
	if (lapic_x2apic)
		return (u32)rdmsr(LAPIC_X2APIC_MSR(reg));
	return lapic_mmio[reg >> 2];
}

void lapic_write(u32 reg, u32 val)
{
	if (lapic_x2apic)
		wrmsr(LAPIC_X2APIC_MSR(reg), val);
	else
		lapic_mmio[reg >> 2] = val;
}

bool lapic_present(void)
{
	return lapic_ready;
}

u32 lapic_id(void)
{
	u32 id = lapic_read(LAPIC_ID);
	return lapic_x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static bool lapic_in_service(void)
{
	for (u32 i = 0; i < 8; i++)
		if (lapic_read(LAPIC_ISR0 + i * 0x10))
			return true;
	return false;
}

void lapic_init(bool bsp)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	/* From disabled, x2APIC mode is reached through xAPIC mode: EN first,
	 * then EXTD (Intel SDM vol. 3, "x2APIC State Transitions"). */
	if (!(base & APIC_BASE_EN)) {
		base |= APIC_BASE_EN;
		wrmsr(MSR_APIC_BASE, base);
	}
	if (lapic_x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

	u32 maxlvt = LAPIC_VERSION_MAXLVT(lapic_read(LAPIC_VERSION));
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0);
	/* In x2APIC mode a missing LVT's MSR faults, so only existing ones. */
	if (maxlvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (maxlvt >= 5)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	/* LINT0 carries the 8259s in virtual-wire mode; they are masked and
	 * replaced by the I/O APIC.  LINT1 is the board's NMI line, wanted
	 * on the boot CPU only. */
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, bsp ? LVT_DM_NMI : LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	/* Back-to-back writes clear the error status (x2APIC wants 0 only). */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	/* An interrupt the firmware left in service would block every one of
	 * lower or equal priority until EOIed. */
	for (u32 i = 0; i < 256 && lapic_in_service(); i++)
		lapic_eoi();
}

/* Counts ticks until someone (the scheduler) registers VEC_LAPIC_TIMER. */
static void lapic_timer_default(struct trap_frame *tf)
{
	(void)tf;
	this_cpu()->timer_ticks++;
	lapic_eoi();
}

int lapic_setup(u64 acpi_lapic_addr)
{
	u32 a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID1_EDX_APIC)) {
		pr_err("lapic: this CPU has no local APIC: no timer interrupts, no other CPUs\n");
		return -ENODEV;
	}
	u64 base = rdmsr(MSR_APIC_BASE);
	paddr_t pa = base & APIC_BASE_ADDR;
	/* Firmware that left x2APIC on (it must, with IDs above 254) cannot be
	 * taken back to xAPIC without disabling the APIC; keep it. */
	lapic_x2apic = cpu_info.has_x2apic || (base & APIC_BASE_EXTD);
	if (acpi_lapic_addr && acpi_lapic_addr != pa && !lapic_x2apic)
		pr_warn("lapic: the MADT places it at %#lx, the APIC base MSR at %#lx; using the MSR\n",
			acpi_lapic_addr, pa);
	if (!lapic_x2apic) {
		if (pa + 0x1000 > hhdm_limit) {
			pr_err("lapic: registers at %#lx lie beyond the direct map (%#lx)\n",
			       pa, hhdm_limit);
			return -ENODEV;
		}
		lapic_mmio = phys_to_virt(pa);
	}
	lapic_init(true);
	lapic_ready = true;
	trap_register(VEC_LAPIC_TIMER, lapic_timer_default);

	u32 ver = lapic_read(LAPIC_VERSION);
	if (lapic_x2apic)
		kprintf("lapic: x2APIC mode, boot CPU id %u, version %#x, %u LVT entries\n",
			lapic_id(), ver & 0xff, LAPIC_VERSION_MAXLVT(ver) + 1);
	else
		kprintf("lapic: xAPIC mode at %#lx, boot CPU id %u, version %#x, %u LVT entries\n",
			pa, lapic_id(), ver & 0xff, LAPIC_VERSION_MAXLVT(ver) + 1);
	return 0;
}

int lapic_send_ipi(u32 apic_id, u32 icr_lo)
{
	int ret = 0;
	if (!lapic_ready)
		return -ENODEV;
	/* Interrupts off: a handler sending its own IPI between the two
	 * xAPIC ICR writes would redirect ours. */
	u64 f = irq_save();
	if (lapic_x2apic) {
		/* WRMSR to an x2APIC register is not serializing (Intel SDM
		 * vol. 3, "MSR Access in x2APIC Mode"): earlier stores, such as
		 * a remote-call request, must be visible before the IPI. */
		__asm__ __volatile__("mfence; lfence" ::: "memory");
		wrmsr(LAPIC_X2APIC_MSR(LAPIC_ICR_LO), ((u64)apic_id << 32) | icr_lo);
	} else if (apic_id > 0xff) {
		ret = -EINVAL;
	} else {
		lapic_write(LAPIC_ICR_HI, apic_id << 24);
		lapic_write(LAPIC_ICR_LO, icr_lo);
		u32 spins = 0;
		while (lapic_read(LAPIC_ICR_LO) & ICR_BUSY) {
			if (++spins == ICR_SPIN_LIMIT) {
				ret = -ETIMEDOUT;
				break;
			}
			cpu_relax();
		}
	}
	irq_restore(f);
	return ret;
}

/* ---- timer ---- */

#define LAPIC_CAL_NS	(10 * NSEC_PER_MSEC)

static u64 lapic_timer_measure_once(void)
{
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	u64 t0 = rdtsc(), want = ns_to_tsc(LAPIC_CAL_NS), t1;
	while ((t1 = rdtsc()) - t0 < want)
		cpu_relax();
	u32 cur = lapic_read(LAPIC_TIMER_CUR);
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	return mul_div_u64(0xffffffffu - cur, tsc_hz, t1 - t0);
}

/* The shortest period lapic_timer_at_tsc() programs without TSC-deadline
 * mode; a time already due is that far away.  2 us on a real local APIC.
 * Under a hypervisor (CPUID 1:ECX[31]) the APIC is an emulation whose
 * periodic timer may fire each period it owes one by one: QEMU 7.2 runs
 * the timer callback for every missed period in its main loop with the
 * big lock held, so when a callback (delivery, a kick, an event-notifier
 * write) takes longer than the period - on a host busy enough to preempt
 * QEMU's threads - the backlog never drains, every emulated CPU waits for
 * the lock and the machine stops (seen 2026-12-02 at a load average of
 * 6-10 on 2 cores: hoststate-smp4 and guests-lazy both hung, QEMU's main
 * thread in qemu_clock_run_all_timers -> qemu_bh_schedule).  100 us leaves
 * a callback 20-50 times its usual cost, as KVM bounds guests' periodic
 * APIC timers (min_timer_period_us, 200 us). */
#define LAPIC_TIMER_MIN_NS		2000
#define LAPIC_TIMER_MIN_NS_EMULATED	100000
static u64 lapic_timer_min_ns = LAPIC_TIMER_MIN_NS;

void lapic_timer_calibrate(void)
{
	if (!lapic_ready || !tsc_hz)
		return;
	u64 f = irq_save();
	u64 r0 = lapic_timer_measure_once();
	u64 r1 = lapic_timer_measure_once();
	u64 r2 = lapic_timer_measure_once();
	irq_restore(f);
	u64 lo = MIN(r0, MIN(r1, r2)), hi = MAX(r0, MAX(r1, r2));
	lapic_timer_hz = r0 + r1 + r2 - lo - hi;	/* the median */
	if (!lapic_timer_hz) {
		pr_err("lapic: the timer does not count; no timer interrupts\n");
		return;
	}
	u64 khz = lapic_timer_hz / 1000;
	if (cpu_info.hypervisor)
		lapic_timer_min_ns = LAPIC_TIMER_MIN_NS_EMULATED;
	kprintf("lapic: timer %lu.%03lu MHz after divide-by-16 (calibrated against the TSC), "
		"shortest period %lu us%s\n", khz / 1000, khz % 1000, lapic_timer_min_ns / 1000,
		cpu_info.hypervisor ? " (an emulated APIC: under a hypervisor)" : "");
}

void lapic_timer_periodic(u32 hz)
{
	if (!lapic_ready || !lapic_timer_hz || hz == 0) {
		lapic_timer_stop();
		return;
	}
	u64 count = MAX(lapic_timer_hz / hz, 1);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, (u32)MIN(count, 0xffffffffULL));
	this_cpu()->timer_hz = hz;
}

void lapic_timer_oneshot_ns(u64 ns)
{
	if (!lapic_ready || !lapic_timer_hz)
		return;
	u64 count = MAX(mul_div_u64(ns, lapic_timer_hz, NSEC_PER_SEC), 1);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (u32)MIN(count, 0xffffffffULL));
	this_cpu()->timer_hz = 0;
}

bool lapic_timer_tsc_deadline(void)
{
	return cpu_info.has_tsc_deadline;
}

void lapic_timer_at_tsc(u64 tsc)
{
	if (!lapic_ready || !lapic_timer_hz)
		return;
	if (lapic_timer_tsc_deadline()) {
		/* Intel SDM vol. 3, "TSC-Deadline Mode": the LVT mode is set
		 * first; a write of 0 would disarm, so a due time becomes 1. */
		lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_TSC_DEADLINE);
		wrmsr(MSR_TSC_DEADLINE, tsc ? tsc : 1);
		return;
	}
	u64 now = rdtsc();
	u64 ns = tsc > now ? tsc_to_ns(tsc - now) : 0;
	u64 count = MAX(mul_div_u64(MAX(ns, lapic_timer_min_ns), lapic_timer_hz, NSEC_PER_SEC), 1);
	/* Periodic, although every caller re-arms it at each interrupt, so it
	 * behaves as a one-shot: if an expiry goes missing, the count runs out
	 * again and fires once more instead of leaving the CPU halted for good.
	 * Seen under QEMU 7.2 TCG: a CPU halted in the idle loop, IF=1, GIF=1,
	 * the timer's vector pending in IRR, never woken by a one-shot expiry.
	 * The floor on the period keeps a due time from becoming a storm of
	 * interrupts while the CPU cannot take them.  The divider stays at 16
	 * from lapic_timer_periodic(), which every CPU runs when it enters the
	 * scheduler. */
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER | LVT_TIMER_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, (u32)MIN(count, 0xffffffffULL));
}

void lapic_timer_stop(void)
{
	if (lapic_ready) {
		lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
		lapic_write(LAPIC_TIMER_INIT, 0);
	}
	this_cpu()->timer_hz = 0;
}
