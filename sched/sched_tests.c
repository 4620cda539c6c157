/* sched/sched_tests.c - KTAP suite "sched": many tasks that sleep, yield,
 * block, wake, change affinity and migrate while each checks after every
 * run that the per-task state (FS base and task-local block, KernelGsBase,
 * LDTR) is its own and the per-CPU state (GS base, TR) is its CPU's;
 * preemption of a task that never yields; priorities; preempt notifiers
 * checked against the scheduler's own counts; and the negative control that
 * skips restoring FS and must be caught. */
#include "kernel/ktest.h"
#include "lib/rand.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/options.h"
#include "sched/sched.h"
#include "sched/task_check.h"
#include "drivers/timer.h"

static volatile u64 check_failures;
static volatile u64 checks_done;
static struct host_mismatch first_mismatch;
static volatile u32 first_reported;

/* Checks the running task's host state with interrupts off; counts and
 * remembers the first mismatch. */
static void check_self(void)
{
	u64 f = irq_save();
	struct task *t = current_task();
	struct host_mismatch m;
	u32 bad = task_check_host_state(t, cpu_table[t->cpu], NULL, &m);
	if (bad) {
		__atomic_add_fetch(&check_failures, bad, __ATOMIC_RELAXED);
		if (!__atomic_exchange_n(&first_reported, 1, __ATOMIC_RELAXED))
			first_mismatch = m;
		task_local()->counter = 0;	/* (not reached through a bad FS) */
	} else {
		task_local()->counter++;	/* the task's own data, through %fs */
	}
	__atomic_add_fetch(&checks_done, 1, __ATOMIC_RELAXED);
	irq_restore(f);
}

static void report_first(struct ktest *t)
{
	if (first_reported)
		ktest_note(t, "first mismatch: %s expected %#lx found %#lx",
			   host_field_names[first_mismatch.field], first_mismatch.expected,
			   first_mismatch.found);
}

static void reset_checks(void)
{
	check_failures = 0;
	checks_done = 0;
	first_reported = 0;
}

/* ---- the random stress ---- */

#define STRESS_TASKS 200
#define STRESS_ITERS 40

static struct wait_queue stress_wq;
static volatile u32 stress_alive;

static void stress_body(void *arg)
{
	u64 seed = (u64)arg * 0x9e3779b97f4a7c15ULL + kopt.seed;
	struct task *me = current_task();
	for (u32 i = 0; i < STRESS_ITERS; i++) {
		check_self();
		switch (rnd(&seed) % 8) {
		case 0:
		case 1:
			sched_yield();
			break;
		case 2:
			sched_sleep_ns(rnd(&seed) % 1500000);
			break;
		case 3:
			wq_wait(&stress_wq, NULL);
			break;
		case 4: {
			cpumask_t m;
			cpumask_clear(&m);
			u32 n = ncpus_online;
			u64 bits = rnd(&seed);
			for (u32 c = 0; c < n; c++)
				if (bits & BIT(c % 64))
					cpumask_set(&m, c);
			cpumask_set(&m, (u32)(rnd(&seed) % n));
			sched_set_affinity(me, &m);
			break;
		}
		case 5: {
			cpumask_t all;
			cpumask_setall(&all);
			sched_set_affinity(me, &all);
			sched_migrate(me, (u32)(rnd(&seed) % ncpus_online));
			break;
		}
		case 6: {
			u64 until = rdtsc() + ns_to_tsc(rnd(&seed) % 300000);
			while (rdtsc() < until)
				cpu_relax();	/* preemptible busy work */
			break;
		}
		default:
			wq_wake_one(&stress_wq);
			break;
		}
		check_self();
	}
	__atomic_sub_fetch(&stress_alive, 1, __ATOMIC_RELAXED);
}

static void stress_waker(void *arg)
{
	while (READ_ONCE(stress_alive)) {
		wq_wake_all(&stress_wq);
		sched_sleep_ns(500000);
	}
}

static void many_tasks_keep_their_state(struct ktest *t)
{
	static struct task *tasks[STRESS_TASKS];
	reset_checks();
	wq_init(&stress_wq);
	stress_alive = STRESS_TASKS;
	for (u32 i = 0; i < STRESS_TASKS; i++) {
		struct task_params p = { .name = "stress", .entry = stress_body, .arg = (void *)(u64)i,
					 .prio = PRIO_DEFAULT, .cpu = (s32)(i % ncpus_online),
					 .with_ldt = (i % 2) == 0 };
		tasks[i] = task_create(&p);
		KT_EXPECT(t, tasks[i] != NULL, "task %u created", i);
		if (!tasks[i])
			return;
	}
	struct task_params wp = { .name = "stress-waker", .entry = stress_waker, .prio = PRIO_DEFAULT - 1,
				  .cpu = -1 };
	struct task *waker = task_create(&wp);
	u64 migr = 0, runs = 0;
	for (u32 i = 0; i < STRESS_TASKS; i++) {
		task_join_keep(tasks[i], &runs, &migr);
	}
	task_join(waker);
	ktest_note(t, "%u tasks, %lu runs, %lu migrations, %lu checks, %lu mismatches", STRESS_TASKS,
		   runs, migr, checks_done, check_failures);
	report_first(t);
	KT_EXPECT(t, check_failures == 0, "no host-state mismatch, found %lu", check_failures);
	KT_EXPECT(t, checks_done == 2ULL * STRESS_TASKS * STRESS_ITERS, "every check ran, found %lu",
		  checks_done);
	if (ncpus_online > 1)
		KT_EXPECT(t, migr > 0, "tasks migrated between CPUs");
}

/* ---- negative control ---- */

static volatile bool neg_stop;

static void neg_body(void *arg)
{
	while (!READ_ONCE(neg_stop)) {
		check_self();
		sched_yield();
	}
}

static void skipped_fs_restore_is_caught(struct ktest *t)
{
	reset_checks();
	neg_stop = false;
	cpumask_t one;
	cpumask_clear(&one);
	cpumask_set(&one, ncpus_online - 1);
	struct task *a, *b;
	struct task_params p = { .name = "neg-a", .entry = neg_body, .prio = PRIO_DEFAULT,
				 .cpu = (s32)ncpus_online - 1, .affinity = &one };
	a = task_create(&p);
	p.name = "neg-b";
	b = task_create(&p);
	/* Windows measured in checks done, not time: CPUs of an emulated
	 * machine do not all get host time at once. */
	u64 until = rdtsc() + ns_to_tsc(20000000000ULL);
	while (checks_done < 200 && rdtsc() < until)
		sched_sleep_ns(1000000);
	u64 clean = check_failures;
	u64 base = checks_done;
	sched_debug_skip_fs_restore = true;
	while (checks_done < base + 200 && rdtsc() < until)
		sched_sleep_ns(1000000);
	sched_debug_skip_fs_restore = false;
	neg_stop = true;
	task_join(a);
	task_join(b);
	ktest_note(t, "mismatches before the switch: %lu, with FS restore skipped: %lu", clean,
		   check_failures - clean);
	report_first(t);
	KT_EXPECT(t, clean == 0, "no mismatch while FS is restored, found %lu", clean);
	KT_EXPECT(t, check_failures > clean, "skipping the FS restore must be caught");
	KT_EXPECT(t, first_reported && (first_mismatch.field == HF_FS_BASE),
		  "the first mismatch names FS.base");
}

/* ---- preemption of a task that never yields ---- */

static volatile bool spin_stop;
static volatile u64 other_progress;

static void spinner(void *arg)
{
	while (!READ_ONCE(spin_stop))
		cpu_relax();
}

static void counter_task(void *arg)
{
	while (!READ_ONCE(spin_stop)) {
		other_progress++;
		u64 until = rdtsc() + ns_to_tsc(100000);
		while (rdtsc() < until && !READ_ONCE(spin_stop))
			cpu_relax();
	}
}

static void never_yielding_task_is_preempted(struct ktest *t)
{
	u32 cpu = ncpus_online - 1;
	cpumask_t one;
	cpumask_clear(&one);
	cpumask_set(&one, cpu);
	spin_stop = false;
	other_progress = 0;
	struct task_params p = { .name = "spinner", .entry = spinner, .prio = PRIO_DEFAULT,
				 .cpu = (s32)cpu, .affinity = &one };
	struct task *s = task_create(&p);
	p.name = "counter";
	p.entry = counter_task;
	struct task *c = task_create(&p);
	sched_sleep_ns(60000000);
	u64 progress = other_progress;
	u64 preempts = s->stats.preemptions;
	spin_stop = true;
	task_join(s);
	task_join(c);
	ktest_note(t, "spinner preempted %lu times, the other task progressed %lu times", preempts,
		   progress);
	KT_EXPECT(t, preempts > 0, "the spinner to be preempted");
	KT_EXPECT(t, progress > 5, "the task sharing its CPU to progress, found %lu", progress);
}

/* ---- priorities ---- */

static volatile u32 prio_order[2];
static volatile u32 prio_n;

static void prio_body(void *arg)
{
	u32 idx = __atomic_fetch_add(&prio_n, 1, __ATOMIC_RELAXED);
	if (idx < 2)
		prio_order[idx] = (u32)(u64)arg;
}

static volatile bool gate_open, gate_running;
static void gate_body(void *arg)
{
	gate_running = true;
	while (!READ_ONCE(gate_open))
		cpu_relax();
	gate_running = false;
}

static void higher_priority_runs_first(struct ktest *t)
{
	u32 cpu = ncpus_online - 1;
	cpumask_t one;
	cpumask_clear(&one);
	cpumask_set(&one, cpu);
	prio_n = 0;
	struct task_params lo = { .name = "prio-low", .entry = prio_body, .arg = (void *)1,
				  .prio = PRIO_DEFAULT + 2, .cpu = (s32)cpu, .affinity = &one };
	struct task_params hi = { .name = "prio-high", .entry = prio_body, .arg = (void *)2,
				  .prio = PRIO_DEFAULT - 2, .cpu = (s32)cpu, .affinity = &one };
	struct task *a, *b, *gate = NULL;
	if (cpu == this_cpu_id()) {
		/* One CPU: hold it (no preemption) until both are queued. */
		preempt_disable();
		a = task_create(&lo);
		b = task_create(&hi);
		preempt_enable();
	} else {
		/* A gate task of the highest priority holds that CPU until both
		 * are queued there. */
		gate_open = false;
		gate_running = false;
		struct task_params gp = { .name = "prio-gate", .entry = gate_body, .prio = 0,
					  .cpu = (s32)cpu, .affinity = &one };
		gate = task_create(&gp);
		while (!READ_ONCE(gate_running))
			sched_sleep_ns(100000);
		a = task_create(&lo);
		b = task_create(&hi);
		gate_open = true;
	}
	if (gate)
		task_join(gate);
	task_join(a);
	task_join(b);
	KT_EXPECT(t, prio_n == 2, "both ran");
	KT_EXPECT(t, prio_order[0] == 2, "the high-priority task first, found task %u first",
			  prio_order[0]);
}

/* ---- sleeping until a deadline, wait queues ---- */

static void sleep_lasts_at_least_its_time(struct ktest *t)
{
	u64 t0 = time_ns();
	sched_sleep_ns(3000000);
	u64 dt = time_ns() - t0;
	KT_EXPECT(t, dt >= 3000000, "slept >= 3 ms, found %lu ns", dt);
	KT_EXPECT(t, dt < 500000000, "woke within 500 ms, found %lu ns", dt);
}

static struct wait_queue wq_test;
static volatile u32 wq_woken;

static void wq_sleeper(void *arg)
{
	wq_wait(&wq_test, NULL);
	__atomic_add_fetch(&wq_woken, 1, __ATOMIC_RELAXED);
}

static void wait_queue_blocks_and_wakes(struct ktest *t)
{
	wq_init(&wq_test);
	wq_woken = 0;
	struct task *ts[4];
	for (int i = 0; i < 4; i++) {
		struct task_params p = { .name = "wq-sleeper", .entry = wq_sleeper, .prio = PRIO_DEFAULT,
					 .cpu = (s32)(i % ncpus_online) };
		ts[i] = task_create(&p);
	}
	sched_sleep_ns(10000000);
	KT_EXPECT(t, wq_woken == 0, "nobody woken before wq_wake, found %u", wq_woken);
	for (int i = 0; i < 4; i++)
		KT_EXPECT(t, ts[i]->state == TASK_BLOCKED, "sleeper %d blocked, state %u", i, ts[i]->state);
	u32 n = wq_wake_all(&wq_test);
	for (int i = 0; i < 4; i++)
		task_join(ts[i]);
	KT_EXPECT(t, n == 4 && wq_woken == 4, "4 woken, found %u/%u", n, wq_woken);
}

/* ---- affinity and explicit migration ---- */

static volatile u32 hop_fail;
static void hopper(void *arg)
{
	struct task *me = current_task();
	for (u32 round = 0; round < 3; round++)
		for (u32 c = 0; c < ncpus_online; c++) {
			sched_migrate(me, c);
			if (this_cpu_id() != c)
				hop_fail++;
			check_self();
		}
}

static void explicit_migration_lands_on_target(struct ktest *t)
{
	if (ncpus_online < 2)
		KT_SKIP(t, "needs 2 CPUs, %u online", ncpus_online);
	reset_checks();
	hop_fail = 0;
	struct task_params p = { .name = "hopper", .entry = hopper, .prio = PRIO_DEFAULT, .cpu = 0,
				 .with_ldt = true };
	struct task *h = task_create(&p);
	u64 m0 = 0;
	task_join_keep(h, NULL, &m0);
	KT_EXPECT(t, hop_fail == 0, "each sched_migrate lands on its CPU, %u did not", hop_fail);
	KT_EXPECT(t, m0 >= 3 * (ncpus_online - 1), "migrations counted, found %lu", m0);
	KT_EXPECT(t, check_failures == 0, "state intact across migrations, %lu mismatches",
		  check_failures);
}

static volatile u32 pinned_wrong;
static void pinned_body(void *arg)
{
	u32 want = (u32)(u64)arg;
	for (int i = 0; i < 50; i++) {
		if (this_cpu_id() != want)
			pinned_wrong++;
		if (i % 3 == 0)
			sched_sleep_ns(100000);
		else
			sched_yield();
	}
}

static void affinity_is_honoured(struct ktest *t)
{
	pinned_wrong = 0;
	struct task *ts[8];
	u32 n = 0;
	for (u32 c = 0; c < ncpus_online && n < 8; c++, n++) {
		cpumask_t one;
		cpumask_clear(&one);
		cpumask_set(&one, c);
		struct task_params p = { .name = "pinned", .entry = pinned_body, .arg = (void *)(u64)c,
					 .prio = PRIO_DEFAULT, .cpu = 0, .affinity = &one };
		ts[n] = task_create(&p);
	}
	for (u32 i = 0; i < n; i++)
		task_join(ts[i]);
	KT_EXPECT(t, pinned_wrong == 0, "pinned tasks only ran on their CPU, %u runs elsewhere",
		  pinned_wrong);
}

static volatile bool busy_stop;
static void busy_body(void *arg)
{
	while (!READ_ONCE(busy_stop))
		cpu_relax();
}

static void idle_cpus_pull_work(struct ktest *t)
{
	if (ncpus_online < 2)
		KT_SKIP(t, "needs 2 CPUs, %u online", ncpus_online);
	busy_stop = false;
	struct task *ts[8];
	for (int i = 0; i < 8; i++) {
		struct task_params p = { .name = "busy", .entry = busy_body, .prio = PRIO_DEFAULT + 1,
					 .cpu = 0 };
		ts[i] = task_create(&p);
	}
	sched_sleep_ns(40000000);
	u32 cpus_used = 0;
	u64 seen = 0;
	for (int i = 0; i < 8; i++)
		seen |= BIT(ts[i]->cpu % 64);
	for (u32 b = 0; b < 64; b++)
		cpus_used += (seen >> b) & 1;
	busy_stop = true;
	for (int i = 0; i < 8; i++)
		task_join(ts[i]);
	KT_EXPECT(t, cpus_used >= 2, "8 busy tasks created on CPU 0 spread to >= 2 CPUs, found %u",
		  cpus_used);
}

/* ---- preempt notifiers ---- */

struct notif_probe {
	struct preempt_notifier pn;
	volatile u64 ins, outs, migrated_ins, wrong_cpu, bad_order, blocked_outs, preempted_outs;
	volatile u32 last_out_cpu;
	volatile bool in;
};

static void probe_in(struct preempt_notifier *pn, u32 cpu, bool migrated)
{
	struct notif_probe *p = container_of(pn, struct notif_probe, pn);
	if (cpu != this_cpu_id())
		p->wrong_cpu++;
	if (p->in)
		p->bad_order++;
	if (migrated != (p->last_out_cpu != cpu))
		p->bad_order++;
	p->in = true;
	p->ins++;
	p->migrated_ins += migrated;
}

static void probe_out(struct preempt_notifier *pn, u32 cpu, bool preempted)
{
	struct notif_probe *p = container_of(pn, struct notif_probe, pn);
	if (cpu != this_cpu_id())
		p->wrong_cpu++;
	if (!p->in)
		p->bad_order++;
	p->in = false;
	p->outs++;
	p->last_out_cpu = cpu;
	if (preempted)
		p->preempted_outs++;
	else
		p->blocked_outs++;
}

static const struct preempt_ops probe_ops = { probe_in, probe_out };
static struct notif_probe probe;
static volatile u64 notif_runs0, notif_migr0, notif_runs1, notif_migr1, notif_blocks;

static void notified_task(void *arg)
{
	struct task *me = current_task();
	u64 seed = 12345;
	probe.in = true;
	probe.last_out_cpu = this_cpu_id();
	preempt_notifier_register(me, &probe.pn, &probe_ops);
	u64 f = irq_save();
	notif_runs0 = me->stats.runs;
	notif_migr0 = me->stats.migrations;
	irq_restore(f);
	for (int i = 0; i < 200; i++) {
		switch (rnd(&seed) % 4) {
		case 0: sched_yield(); break;
		case 1: sched_sleep_ns(50000); notif_blocks++; break;
		case 2: sched_migrate(me, (u32)(rnd(&seed) % ncpus_online)); break;
		default: { u64 u = rdtsc() + ns_to_tsc(200000); while (rdtsc() < u) cpu_relax(); }
		}
	}
	f = irq_save();
	notif_runs1 = me->stats.runs;
	notif_migr1 = me->stats.migrations;
	preempt_notifier_unregister(me, &probe.pn);
	irq_restore(f);
}

static void notifiers_match_scheduler_counts(struct ktest *t)
{
	probe = (struct notif_probe){ 0 };
	notif_blocks = 0;
	struct task_params p = { .name = "notified", .entry = notified_task, .prio = PRIO_DEFAULT,
				 .cpu = 0 };
	struct task *n = task_create(&p);
	task_join(n);
	u64 runs = notif_runs1 - notif_runs0, migr = notif_migr1 - notif_migr0;
	ktest_note(t, "sched_in %lu, sched_out %lu (preempted %lu, blocked %lu), migrations %lu/%lu",
		   probe.ins, probe.outs, probe.preempted_outs, probe.blocked_outs, probe.migrated_ins, migr);
	KT_EXPECT(t, probe.ins == runs, "one sched_in per run: %lu runs, found %lu", runs, probe.ins);
	KT_EXPECT(t, probe.outs == probe.ins, "every sched_in has its sched_out: %lu vs %lu",
		  probe.outs, probe.ins);
	KT_EXPECT(t, probe.migrated_ins == migr, "migrations reported as such: %lu, found %lu", migr,
		  probe.migrated_ins);
	KT_EXPECT(t, probe.wrong_cpu == 0, "the CPU passed is the CPU it runs on, %lu wrong",
		  probe.wrong_cpu);
	KT_EXPECT(t, probe.bad_order == 0, "in/out alternate and migration flags agree, %lu wrong",
		  probe.bad_order);
	KT_EXPECT(t, probe.blocked_outs >= notif_blocks, "blocking reported as not preempted: %lu >= %lu",
		  probe.blocked_outs, notif_blocks);
	KT_EXPECT(t, probe.ins > 50, "many switches observed, found %lu", probe.ins);
}

static void stats_are_counted(struct ktest *t)
{
	sched_print_stats();
	u64 switches = 0;
	for (u32 c = 0; c < ncpus_online; c++)
		switches += sched_cpu_switches(c);
	KT_EXPECT(t, switches > 100, "context switches counted, found %lu", switches);
}

KTEST_SUITE(sched, "sched", 0,
	KTEST_CASE(sleep_lasts_at_least_its_time),
	KTEST_CASE(wait_queue_blocks_and_wakes),
	KTEST_CASE(higher_priority_runs_first),
	KTEST_CASE(never_yielding_task_is_preempted),
	KTEST_CASE(affinity_is_honoured),
	KTEST_CASE(explicit_migration_lands_on_target),
	KTEST_CASE(idle_cpus_pull_work),
	KTEST_CASE(notifiers_match_scheduler_counts),
	KTEST_CASE(many_tasks_keep_their_state),
	KTEST_CASE(skipped_fs_restore_is_caught),
	KTEST_CASE(stats_are_counted));
