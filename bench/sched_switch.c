/* bench/sched_switch.c - what a task switch costs, and whether it stays the
 * same as the run queue grows (the O(1) claim of sched/runqueue.c).
 * Called by bench/suite.c (bench=quick|full, test=bench) after the world-
 * switch rounds.
 *
 * For 2, 64 and 1024 runnable tasks pinned to one CPU, each yielding in a
 * loop, every task stamps the TSC just before it yields and, once it runs
 * again, the next task's first act is to read the TSC: the difference is
 * one switch, yield to yield (sched_yield, schedule, the stack switch,
 * finish_switch and the way back out).  All the tasks share one CPU, so
 * the shared stamp has one writer at a time.  The median of the three
 * counts should lie within 20% of each other; their max/min ratio is
 * printed and kept in every result (ratio_max_min).
 *
 * Two shapes are measured.  "all": every one of the N tasks takes its turn,
 * so each switch also touches a stack and task nobody touched for N-1
 * switches (under QEMU's software TLB that cache/TLB footprint dominates
 * at N = 1024).  "queue": two tasks take turns at a higher priority while
 * the other N-2 stay runnable in the same run queue: the same footprint as
 * N = 2, so what changes with N is only the scheduler's own work on a
 * longer queue - the O(1) claim, and the ratio held to 20%. */
#include "sched/sched.h"
#include "bench/result.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "drivers/timer.h"
#include "lib/muldiv.h"
#include "mm/kmem.h"

static const u32 task_counts[] = { 2, 64, 1024 };

struct switch_run {
	u32 ntasks;
	volatile u32 started;
	volatile bool stop;
	u64 stamp;		/* TSC just before the last yield */
	u64 skip;		/* switches not recorded yet (warm-up) */
	u64 *samples;
	u32 n, want;
};

static struct switch_run run;

static void filler(void *arg)
{
	while (!READ_ONCE(run.stop))
		sched_yield();
}

static void yielder(void *arg)
{
	__atomic_add_fetch(&run.started, 1, __ATOMIC_RELAXED);
	while (!READ_ONCE(run.stop)) {
		u64 now = rdtsc();
		if (run.stamp && READ_ONCE(run.started) == run.ntasks) {
			if (run.skip)
				run.skip--;
			else if (run.n < run.want)
				run.samples[run.n++] = now - run.stamp;
		}
		run.stamp = rdtsc();
		sched_yield();
	}
}

/* Returns the samples taken (cycles per switch) into run.samples. */
static u32 measure(u32 ntasks, u32 cpu, u32 want, bool queue)
{
	u32 active = queue ? 2 : ntasks;
	struct task **ts = kzalloc(ntasks * sizeof(*ts));
	if (!ts)
		return 0;
	cpumask_t m;
	cpumask_clear(&m);
	cpumask_set(&m, cpu);
	run.ntasks = active;
	run.started = 0;
	run.stop = false;
	run.stamp = 0;
	run.n = 0;
	run.want = want;
	run.skip = 2ULL * active;	/* every task once through its loop first */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	u32 made = 0;
	for (; made < ntasks; made++) {
		bool fill = made < ntasks - active;	/* fillers queued first */
		struct task_params tp = { .name = fill ? "filler" : "yielder",
					  .entry = fill ? filler : yielder,
					  .prio = fill ? PRIO_DEFAULT : PRIO_DEFAULT - 1,
					  .cpu = (s32)cpu, .affinity = &m };
		ts[made] = task_create(&tp);
		if (!ts[made])
			break;
	}
	u64 give_up = rdtsc() + ns_to_tsc(60 * NSEC_PER_SEC);
	while (made == ntasks && READ_ONCE(run.n) < want && rdtsc() < give_up)
		sched_sleep_ns(2 * NSEC_PER_MSEC);
	run.stop = true;
	for (u32 i = 0; i < made; i++)
		task_join(ts[i]);
	kfree(ts);
	return made == ntasks ? run.n : 0;
}

static void switch_cost_shape(const struct bench_plan *p, u32 cpu, bool queue)
{
	struct bench_result *rs[ARRAY_SIZE(task_counts)] = { NULL };
	u32 want = p->samples;
	const char *shape = queue ? "queue" : "all";
	kprintf("bench: context switches on CPU %u (%s): %s, %u switches timed each\n", cpu, shape,
		queue ? "2 tasks take turns, N-2 more runnable in the queue" :
			"N tasks take turns yielding", want);
	kprintf("bench: %6s %9s %9s %9s %9s %9s\n", "tasks", "median", "min", "p99", "spread", "ns");
	u64 lo = ~0ULL, hi = 0;
	for (u32 i = 0; i < ARRAY_SIZE(task_counts); i++) {
		char scen[24];
		ksnprintf(scen, sizeof(scen), "%s%u", queue ? "queue" : "tasks", task_counts[i]);
		struct bench_result *r = bench_result_new("ctxsw", scen, "none");
		rs[i] = r;
		if (!r)
			continue;
		u32 n = measure(task_counts[i], cpu, want, queue);
		if (n < want) {
			r->failed = true;
			ksnprintf(r->note, sizeof(r->note), "%u of %u switches timed", n, want);
		}
		if (!n)
			continue;
		bench_result_round(r, run.samples, n);
		struct stats st;
		stats_compute(run.samples, n, &st);	/* sorts our copy */
		lo = MIN(lo, st.median);
		hi = MAX(hi, st.median);
		kprintf("bench: %6u %9lu %9lu %9lu %9lu %9lu\n", task_counts[i], st.median, st.min,
			st.p99, st.p75 - st.p25, tsc_to_ns(st.median));
	}
	if (!hi || lo == ~0ULL)
		return;
	u64 ratio = mul_div_u64(hi, 100, lo);
	for (u32 i = 0; i < ARRAY_SIZE(task_counts); i++)
		if (rs[i])
			rs[i]->ratio_x100 = ratio;
	kprintf("bench: context switch (%s), max/min of the medians over 2, 64 and 1024 tasks: "
		"%lu.%02lu (%s 20%%)\n", shape, ratio / 100, ratio % 100,
		ratio <= 120 ? "within" : "NOT within");
}

void bench_switch_cost(const struct bench_plan *p)
{
	u32 cpu = ncpus_online > 1 ? ncpus_online - 1 : 0;
	run.samples = kmalloc(p->samples * sizeof(u64));
	if (!run.samples)
		return;
	switch_cost_shape(p, cpu, true);
	switch_cost_shape(p, cpu, false);
	kfree(run.samples);
	run.samples = NULL;
}
