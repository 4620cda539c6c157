/* bench/suite.c - the world-switch benchmark suites, bench=quick or
 * bench=full on the command line (bench_run, called from kernel/boot.c
 * and from the KTAP suite "bench", bench/bench_tests.c).
 *
 * What runs, per round, each host-state policy in turn (A B A B ...), all
 * in bench/ws_runs.c:
 *   micro      one guest per benchmark body of svm/guests/k_bench_guest.asm,
 *              one vCPU alone on its CPU, timed by the guest itself;
 *   traced     the null hypercall through the one run loop with its trace
 *              points on (vmm/vmm.h: struct vcpu_trace), for the host breakdown;
 *   alone, turns, migrate, overcommit
 *              the scheduling scenarios (docs/benchmarking.md);
 * and once per round the floor: the null hypercall under svm_vmrun_floor.
 * After the rounds, the context-switch cost (bench/sched_switch.c).
 *
 * Samples are pooled over the rounds (bench/result.c); the console gets a
 * table and one `BENCH {json}` line per result (bench/report.c), after one
 * `BENCHMETA {json}` line that names the machine (bench/machine.c). */
#include "bench/bench.h"
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "drivers/timer.h"

static const struct bench_plan plans[] = {
	{ .name = "quick", .rounds = 3, .warmup = 200, .samples = 2000, .hlt_samples = 300,
	  .rt_samples = 1000, .migrate_every = 50, .unit_batches = 300 },
	{ .name = "full", .rounds = 7, .warmup = 1000, .samples = 10000, .hlt_samples = 2000,
	  .rt_samples = 5000, .migrate_every = 100, .unit_batches = 1000 },
};

static const struct bench_plan *plan_named(const char *mode)
{
	for (u32 i = 0; i < ARRAY_SIZE(plans); i++)
		if (!strcmp(plans[i].name, mode))
			return &plans[i];
	return NULL;
}

int bench_run(const char *mode)
{
	const struct bench_plan *p = plan_named(mode);
	if (!p) {
		kprintf("bench: unknown suite '%s' (bench=quick or bench=full)\n", mode);
		return -EINVAL;
	}
	if (!svm_usable) {
		kprintf("bench: SVM is not usable (%s): no benchmarks\n", svm_unusable_reason);
		return -ENODEV;
	}
	bench_results_reset();
	bench_machine_identify();
	bench_ws_place();
	bench_print_header(p);
	struct pmm_stats mem0, mem1;
	frame_stats(&mem0);
	u64 t0 = rdtsc();
	for (u32 round = 0; round < p->rounds; round++)
		bench_ws_round(p, round);
	bench_switch_cost(p);
	/* The unit costs last: in the same boot, on the same CPU as the
	 * world-switch runs, but after them (docs/benchmarking.md says why). */
	for (u32 round = 0; round < p->rounds; round++)
		bench_units_round(p, round, bench_ws_cpu());
	hoststate_policy = kopt.hostsave;
	bench_results_finish();
	bench_units_finish();

	bench_print_table(p);
	bench_units_print();
	bench_print_meta(p);
	u64 floor = bench_floor_median();
	int failed = 0;
	for (u32 i = 0; i < bench_nresults; i++) {
		bench_print_json(&bench_results[i], floor);
		failed += bench_results[i].failed;
	}
	bench_units_json();
	frame_stats(&mem1);
	kprintf("bench: %u results, %d failed, in %lu ms; free memory %lu KiB before, %lu KiB after "
		"(the pooled samples are kept)\n", bench_nresults, failed, tsc_to_ns(rdtsc() - t0) / 1000000,
		mem0.free_pages * 4, mem1.free_pages * 4);
	return failed;
}
