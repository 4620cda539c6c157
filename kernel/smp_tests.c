/* kernel/smp_tests.c - the "smp" KTAP suite: the CPUs smp_init() brought
 * up (each with its own TSS, GS base and matching APIC ID), remote calls,
 * IPIs, the LAPIC timer on every CPU and the TSC calibration; and the
 * explicit "smppanic" suite, which panics on one CPU to show the others
 * being stopped.  Cases that need a second CPU are skipped without one.
 *
 * The suite runs with or without the scheduler: as its "main" task
 * (interrupts on, preemptible) or on the bare boot CPU (interrupts off).
 * Cases that depend on staying on one CPU disable preemption; every case
 * leaves the interrupt flag as it found it. */
#include "kernel/ktest.h"
#include "kernel/cpuinfo.h"
#include "kernel/smp.h"
#include "drivers/acpi.h"
#include "drivers/lapic.h"
#include "drivers/timer.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/layout.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "sched/sched.h"

#define WAIT_LIMIT_NS	(200 * NSEC_PER_MSEC)

/* What a CPU says about itself, gathered on it by a remote call. */
struct cpu_probe {
	bool ran;
	u16 tr;
	u64 tr_base;
	u64 gs_base;
	struct percpu *self;
	u32 cpu_id;
	u32 lapic_id;
	u64 ist_df;
};

static struct cpu_probe probes[MAX_CPUS];

/* The base of the TSS descriptor TR selects, read from the live GDT. */
static u64 tr_base_here(void)
{
	struct desc_ptr g;
	sgdt(&g);
	const u64 *d = (const u64 *)(g.base + (read_tr() & ~7u));
	return ((d[0] >> 16) & 0xffffff) | (((d[0] >> 56) & 0xff) << 24) | (d[1] << 32);
}

static void probe_here(void *arg)
{
	struct cpu_probe *p = arg;
	p->tr = read_tr();
	p->tr_base = tr_base_here();
	p->gs_base = rdmsr(MSR_GS_BASE);
	p->self = this_cpu();
	p->cpu_id = this_cpu_id();
	p->lapic_id = lapic_id();
	p->ist_df = this_cpu()->tss.ist[IST_DF - 1];
	p->ran = true;
}

static void probe_all(struct ktest *t)
{
	memset(probes, 0, sizeof(probes));
	for (u32 i = 0; i < ncpus_online; i++) {
		int r = smp_call_on(i, probe_here, &probes[i], true);
		KT_EXPECT(t, r == 0 && probes[i].ran, "a remote call on CPU %u, found %d", i, r);
	}
}

static void irq_set(bool on)
{
	if (on)
		sti();
	else
		cli();
}

/* Runs with interrupts on for `ns`, then as before. */
static void wait_with_irqs(u64 ns)
{
	bool was = irqs_enabled();
	sti();
	delay_ns(ns);
	irq_set(was);
}

/* Timer interrupts taken on `c`: the default handler counts timer_ticks,
 * the scheduler's tick its own statistics. */
static u64 ticks_of(const struct percpu *c)
{
	u64 n = c->timer_ticks;
	if (c->sched)
		n = MAX(n, c->sched->stats.ticks);
	return n;
}

static bool wait_until_changes(volatile u32 *v, u32 old, u64 ns)
{
	u64 t0 = rdtsc(), lim = ns_to_tsc(ns);
	while (*v == old && rdtsc() - t0 < lim)
		cpu_relax();
	return *v != old;
}

static const struct acpi_cpu *acpi_cpu_by_apic(u32 apic_id)
{
	for (u32 i = 0; i < acpi.ncpus; i++)
		if (acpi.cpus[i].apic_id == apic_id)
			return &acpi.cpus[i];
	return NULL;
}

static void smp_cpu_table_consistent(struct ktest *t)
{
	KT_EXPECT(t, ncpus_online >= 1 && ncpus_online <= MAX_CPUS, "1..%u CPUs online, found %u",
		  MAX_CPUS, ncpus_online);
	KT_EXPECT_EQ(t, ncpus_possible, ncpus_online);
	if (kopt.smp)
		KT_EXPECT(t, ncpus_online <= kopt.smp, "at most smp=%lu CPUs, found %u", kopt.smp,
			  ncpus_online);
	for (u32 i = 0; i < ncpus_online; i++) {
		struct percpu *c = cpu_table[i];
		KT_EXPECT(t, c != NULL, "cpu_table[%u] set", i);
		if (!c)
			continue;
		KT_EXPECT(t, c->online && c->cpu_id == i && c->self == c,
			  "CPU %u online, with cpu_id %u and a self pointer, found online=%u id=%u",
			  i, i, c->online, c->cpu_id);
		KT_EXPECT_EQ(t, cpu_id_to_apic(i), c->apic_id);
		KT_EXPECT(t, c->boot_stack != NULL, "CPU %u has its boot stack recorded", i);
		for (u32 j = 0; j < i; j++)
			KT_EXPECT(t, cpu_table[j] && cpu_table[j]->apic_id != c->apic_id,
				  "CPUs %u and %u have different APIC IDs, both have %u", j, i, c->apic_id);
	}
	for (u32 i = ncpus_online; i < MAX_CPUS; i++)
		KT_EXPECT(t, cpu_table[i] == NULL, "cpu_table[%u] unused beyond %u CPUs", i, ncpus_online);
	if (!acpi_valid)
		return;
	/* Every enabled, reachable MADT CPU is up unless smp= held it back. */
	u32 usable = 0;
	for (u32 i = 0; i < acpi.ncpus; i++)
		if (acpi.cpus[i].enabled && (lapic_x2apic || acpi.cpus[i].apic_id < 0xff))
			usable++;
	u32 want = kopt.smp ? (u32)MIN((u64)usable, kopt.smp) : usable;
	KT_EXPECT(t, ncpus_online == want, "%u CPUs online (%u usable in the MADT, smp=%lu), found %u",
		  want, usable, kopt.smp, ncpus_online);
}

static void smp_each_cpu_has_own_tss_and_gs(struct ktest *t)
{
	probe_all(t);
	for (u32 i = 0; i < ncpus_online; i++) {
		struct cpu_probe *p = &probes[i];
		struct percpu *c = cpu_table[i];
		if (!p->ran)
			continue;
		KT_EXPECT_EQ(t, p->cpu_id, i);
		KT_EXPECT(t, p->gs_base == (u64)c && p->self == c,
			  "CPU %u: GS base and self pointer %p, found %#lx and %p", i, (void *)c,
			  p->gs_base, (void *)p->self);
		KT_EXPECT(t, p->tr == SEL_TSS && p->tr_base == (u64)&c->tss,
			  "CPU %u: TR %#x with base %p, found %#x with base %#lx", i, SEL_TSS,
			  (void *)&c->tss, p->tr, p->tr_base);
		KT_EXPECT(t, p->ist_df == (u64)c->ist_df_stack + IST_STACK_SIZE,
			  "CPU %u: its own double-fault stack", i);
		for (u32 j = 0; j < i; j++)
			KT_EXPECT(t, probes[j].tr_base != p->tr_base,
				  "CPUs %u and %u have distinct TSSes, both at %#lx", j, i, p->tr_base);
	}
}

static void smp_lapic_ids_match_acpi(struct ktest *t)
{
	probe_all(t);
	for (u32 i = 0; i < ncpus_online; i++) {
		if (!probes[i].ran)
			continue;
		KT_EXPECT(t, probes[i].lapic_id == cpu_table[i]->apic_id,
			  "CPU %u reads LAPIC ID %u, found %u", i, cpu_table[i]->apic_id,
			  probes[i].lapic_id);
		if (acpi_valid) {
			const struct acpi_cpu *a = acpi_cpu_by_apic(probes[i].lapic_id);
			KT_EXPECT(t, a && a->enabled, "CPU %u: APIC ID %u is an enabled MADT CPU", i,
				  probes[i].lapic_id);
		}
	}
	if (!acpi_valid)
		ktest_note(t, "no usable ACPI tables: compared with the per-CPU data only");
}

static volatile u32 nowait_hits[MAX_CPUS];

static void record_cpu(void *arg)
{
	*(volatile u32 *)arg = this_cpu_id() + 1;
}

static void count_hit(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&nowait_hits[this_cpu_id()], 1, __ATOMIC_RELAXED);
}

static void smp_remote_calls_run_on_target(struct ktest *t)
{
	if (ncpus_online < 2)
		KT_SKIP(t, "one CPU online");
	for (u32 i = 0; i < ncpus_online; i++) {
		volatile u32 where = 0;
		int r = smp_call_on(i, record_cpu, (void *)&where, true);
		KT_EXPECT(t, r == 0 && where == i + 1, "a waited call on CPU %u ran there, found %d %u",
			  i, r, where - 1);
		u32 before = nowait_hits[i];
		r = smp_call_on(i, count_hit, NULL, false);
		KT_EXPECT(t, r == 0, "an unwaited call to CPU %u posted, found %d", i, r);
		KT_EXPECT(t, wait_until_changes(&nowait_hits[i], before, WAIT_LIMIT_NS),
			  "the unwaited call ran on CPU %u", i);
	}
	KT_EXPECT(t, smp_call_on(ncpus_online, record_cpu, NULL, true) == -EINVAL,
		  "-EINVAL for a CPU that is not online");
	/* Many unwaited calls back to back: each waits for the slot. */
	u32 before = nowait_hits[1];
	for (int k = 0; k < 100; k++)
		smp_call_on(1, count_hit, NULL, false);
	u64 t0 = rdtsc();
	while (nowait_hits[1] - before < 100 && rdtsc() - t0 < ns_to_tsc(WAIT_LIMIT_NS))
		cpu_relax();
	KT_EXPECT(t, nowait_hits[1] - before == 100, "100 queued calls ran on CPU 1, found %u",
		  nowait_hits[1] - before);
}

/* The target, in its IPI handler, calls back to the caller, which waits
 * for it with interrupts off: only the waiter's own polling can serve it. */
struct crossed_call {
	u32 caller;
	volatile u32 where;
};

static void call_back_to_caller(void *arg)
{
	struct crossed_call *x = arg;
	smp_call_on(x->caller, record_cpu, (void *)&x->where, true);
}

static void smp_crossed_calls_do_not_deadlock(struct ktest *t)
{
	if (ncpus_online < 2)
		KT_SKIP(t, "one CPU online");
	u64 f = irq_save();
	struct crossed_call x = { .caller = this_cpu_id() };
	int r = smp_call_on((x.caller + 1) % ncpus_online, call_back_to_caller, &x, true);
	irq_restore(f);
	KT_EXPECT(t, r == 0 && x.where == x.caller + 1, "the nested call ran on CPU %u, found %d %u",
		  x.caller, r, x.where - 1);
}

static void set_timer_rate(void *arg)
{
	const u32 *rates = arg;
	lapic_timer_periodic(rates[this_cpu_id()]);
}

static void smp_lapic_timer_ticks_on_every_cpu(struct ktest *t)
{
	static u32 saved[MAX_CPUS], rate[MAX_CPUS];
	static u64 before[MAX_CPUS];
	if (!lapic_present() || !lapic_timer_hz)
		KT_SKIP(t, "no calibrated local APIC timer");
	for (u32 i = 0; i < ncpus_online; i++) {
		saved[i] = cpu_table[i]->timer_hz;
		rate[i] = 1000;
	}
	smp_call_each(set_timer_rate, rate);
	u64 t0 = time_ns();
	for (u32 i = 0; i < ncpus_online; i++)
		before[i] = ticks_of(cpu_table[i]);
	/* 20 ms, then on until every CPU has ticked twice: a loaded host can
	 * leave a virtual CPU unscheduled for longer than 20 ms, and a CPU that
	 * never ticks still fails, after 2 s. */
	wait_with_irqs(20 * NSEC_PER_MSEC);
	for (u32 i = 0; i < ncpus_online; i++)
		while (ticks_of(cpu_table[i]) - before[i] < 2 && time_ns() - t0 < 2 * NSEC_PER_SEC)
			wait_with_irqs(NSEC_PER_MSEC);
	u64 ms = (time_ns() - t0) / NSEC_PER_MSEC;
	for (u32 i = 0; i < ncpus_online; i++) {
		u64 d = ticks_of(cpu_table[i]) - before[i];
		/* About one a millisecond; a starved CPU delivers fewer, never more. */
		KT_EXPECT(t, d >= 2 && d <= 2 * ms + 2,
			  "CPU %u: 2..%lu ticks in %lu ms at 1 kHz, found %lu (from %lu, timer %u Hz)",
			  i, 2 * ms + 2, ms, d, before[i], cpu_table[i]->timer_hz);
	}
	smp_call_each(set_timer_rate, saved);
}

static void smp_lapic_timer_oneshot_delay(struct ktest *t)
{
	if (!lapic_present() || !lapic_timer_hz)
		KT_SKIP(t, "no calibrated local APIC timer");
	preempt_disable();
	bool irqs_were = irqs_enabled();
	struct percpu *c = this_cpu();
	u32 saved = c->timer_hz;
	if (sched_running())
		sched_timer_hold(true);		/* the scheduler leaves the timer to us */
	lapic_timer_stop();
	wait_with_irqs(100 * NSEC_PER_USEC);	/* a tick still pending from before */

	/* A tick only counts when the count has run out: a late one from the
	 * periodic rate this CPU ran before (a busy host delivers those late)
	 * finds it still counting and is only noted. */
	u64 t0 = rdtsc(), lim = ns_to_tsc(WAIT_LIMIT_NS), ns = 0;
	u64 seen = ticks_of(c);
	u32 strays = 0;
	bool fired = false;
	lapic_timer_oneshot_ns(5 * NSEC_PER_MSEC);
	sti();
	while (!fired && rdtsc() - t0 < lim) {
		if (ticks_of(c) == seen) {
			cpu_relax();
			continue;
		}
		seen = ticks_of(c);
		ns = tsc_to_ns(rdtsc() - t0);
		if (lapic_read(LAPIC_TIMER_CUR) == 0)
			fired = true;
		else
			strays++;
	}
	irq_set(irqs_were);
	if (strays)
		ktest_note(t, "%u tick(s) before the one-shot ran out", strays);
	KT_EXPECT(t, fired, "a one-shot tick within %lu ms", (u64)(WAIT_LIMIT_NS / NSEC_PER_MSEC));
	KT_EXPECT(t, !fired || ns >= 4 * NSEC_PER_MSEC,
		  "the 5 ms one-shot after at least 4 ms, found %lu us", ns / 1000);
	KT_EXPECT(t, strays <= 1, "at most one stray tick, found %u", strays);
	lapic_timer_periodic(saved);
	if (sched_running())
		sched_timer_hold(false);
	preempt_enable();
}

static void smp_tsc_frequency_plausible(struct ktest *t)
{
	KT_EXPECT(t, tsc_hz >= 100000000ULL && tsc_hz <= 10000000000ULL,
		  "100 MHz..10 GHz, found %lu Hz", tsc_hz);
	KT_EXPECT(t, tsc_source != TIMER_REF_GUESS, "a measured or stated frequency, found %s",
		  timer_ref_name(tsc_source));
	u64 a = time_ns();
	delay_ns(NSEC_PER_MSEC);
	u64 b = time_ns();
	KT_EXPECT(t, b - a >= NSEC_PER_MSEC, "time_ns advances 1 ms across delay_ns(1 ms), found %lu ns",
		  b - a);
	/* 32.32 fixed point: at most a nanosecond off over a second. */
	u64 one_s = tsc_to_ns(tsc_hz), one_ms = tsc_to_ns(ns_to_tsc(NSEC_PER_MSEC));
	KT_EXPECT(t, one_s + 1 >= NSEC_PER_SEC && one_s <= NSEC_PER_SEC + 1,
		  "tsc_hz cycles are 1 s within 1 ns, found %lu ns", one_s);
	KT_EXPECT(t, one_ms + 1 >= NSEC_PER_MSEC && one_ms <= NSEC_PER_MSEC,
		  "1 ms to cycles and back within 1 ns, found %lu ns", one_ms);
	KT_EXPECT_EQ(t, ns_to_tsc(NSEC_PER_SEC), tsc_hz);

	/* Measure again against each reference.  The PM timer is read in
	 * one port access and agrees within 3%; the PIT is polled through
	 * port 0x61, which under KVM costs an exit per read and reads up to
	 * 10% slow on a busy host, so it only has to be within 15%: enough
	 * to catch a wrong rate or a wrong count, which are off by far more. */
	static const struct { enum timer_ref ref; u32 pct; } refs[] = {
		{ TIMER_REF_PM_TIMER, 3 }, { TIMER_REF_PIT, 15 },
	};
	for (u32 i = 0; i < ARRAY_SIZE(refs); i++) {
		u64 hz = timer_measure_tsc_hz(refs[i].ref);
		if (!hz) {
			ktest_note(t, "%s: not available", timer_ref_name(refs[i].ref));
			continue;
		}
		u64 diff = hz > tsc_hz ? hz - tsc_hz : tsc_hz - hz;
		/* Under emulation a polled PIT window stretches whenever the host
		 * deschedules the virtual CPU mid-measurement (seen 60% off on a
		 * loaded 2-core host): report it, hold only the PM timer to it. */
		if (refs[i].ref == TIMER_REF_PIT && cpu_info.hypervisor) {
			ktest_note(t, "%s: %lu Hz (%lu%% from %lu Hz; not checked under a hypervisor)",
				   timer_ref_name(refs[i].ref), hz, diff * 100 / tsc_hz, tsc_hz);
			continue;
		}
		KT_EXPECT(t, diff * 100 <= tsc_hz * refs[i].pct, "%s: %lu Hz within %u%% of %lu Hz",
			  timer_ref_name(refs[i].ref), hz, refs[i].pct, tsc_hz);
	}
}

static volatile u32 resched_hook_calls;
static void (*resched_hook_saved)(void);

/* Counts, then hands over to the hook it replaced (the scheduler's). */
static void count_resched_hook(void)
{
	__atomic_fetch_add(&resched_hook_calls, 1, __ATOMIC_RELAXED);
	if (resched_hook_saved)
		resched_hook_saved();
}

static void smp_resched_ipi_delivered(struct ktest *t)
{
	static u32 before[MAX_CPUS];
	if (ncpus_online < 2)
		KT_SKIP(t, "one CPU online");
	preempt_disable();
	u32 me = this_cpu_id();
	resched_hook_saved = resched_ipi_hook;
	resched_ipi_hook = count_resched_hook;
	for (u32 i = 0; i < ncpus_online; i++) {
		if (i == me)
			continue;
		u32 b = cpu_table[i]->resched_ipis, h = resched_hook_calls;
		ipi_send(i, VEC_IPI_RESCHED);
		KT_EXPECT(t, wait_until_changes(&cpu_table[i]->resched_ipis, b, WAIT_LIMIT_NS),
			  "CPU %u took the reschedule IPI", i);
		KT_EXPECT(t, wait_until_changes(&resched_hook_calls, h, WAIT_LIMIT_NS),
			  "CPU %u called resched_ipi_hook", i);
	}
	for (u32 i = 0; i < ncpus_online; i++)
		before[i] = cpu_table[i]->resched_ipis;
	ipi_send_others(VEC_IPI_RESCHED);
	for (u32 i = 0; i < ncpus_online; i++)
		if (i != me)
			KT_EXPECT(t, wait_until_changes(&cpu_table[i]->resched_ipis, before[i],
							WAIT_LIMIT_NS),
				  "ipi_send_others reached CPU %u", i);
	/* The scheduler sends its own reschedule IPIs; only without it does
	 * an unchanged count show the sender was spared. */
	if (!sched_running()) {
		wait_with_irqs(NSEC_PER_MSEC);	/* a self-IPI would be taken here */
		KT_EXPECT(t, cpu_table[me]->resched_ipis == before[me],
			  "ipi_send_others spared the sender");
	}
	resched_ipi_hook = resched_hook_saved;
	preempt_enable();
}

KTEST_SUITE(smp, "smp", 0,
	KTEST_CASE(smp_cpu_table_consistent),
	KTEST_CASE(smp_each_cpu_has_own_tss_and_gs),
	KTEST_CASE(smp_lapic_ids_match_acpi),
	KTEST_CASE(smp_remote_calls_run_on_target),
	KTEST_CASE(smp_crossed_calls_do_not_deadlock),
	KTEST_CASE(smp_lapic_timer_ticks_on_every_cpu),
	KTEST_CASE(smp_lapic_timer_oneshot_delay),
	KTEST_CASE(smp_tsc_frequency_plausible),
	KTEST_CASE(smp_resched_ipi_delivered));

/* Never part of test=all: the last CPU panics while the boot CPU spins
 * with interrupts off; the NMI must stop it anyway, and the report says
 * "panic: N of N other CPU(s) stopped". */
__attribute__((noinline)) void smp_test_panic_here(void *arg);
__attribute__((noinline)) void smp_test_panic_here(void *arg)
{
	(void)arg;
	panic("deliberate panic", "smppanic suite: CPU %u panics with %u CPUs online",
	      this_cpu_id(), ncpus_online);
}

static void smp_panic_stops_other_cpus(struct ktest *t)
{
	u32 victim = ncpus_online - 1;
	kprintf("        # CPU %u panics on purpose; the others must stop\n", victim);
	if (victim == 0)
		smp_test_panic_here(NULL);
	cli();
	smp_call_on(victim, smp_test_panic_here, NULL, false);
	for (;;)
		cpu_relax();	/* interrupts off: only an NMI ends this */
	KT_EXPECT(t, false, "never reached");
}

KTEST_SUITE(smppanic, "smppanic", KTEST_EXPLICIT, KTEST_CASE(smp_panic_stops_other_cpus));
