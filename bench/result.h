/* bench/result.h - what a benchmark produces, shared by the world-switch
 * benchmarks (bench/ws_runs.c) and the context-switch benchmark
 * (bench/sched_switch.c), and the plan that sizes one run.  Kept apart from
 * svm/ so a benchmark of another layer needs no SVM header. */
#ifndef SVMHV_BENCH_RESULT_H
#define SVMHV_BENCH_RESULT_H
#include "lib/types.h"
#include "lib/stats.h"

#define BENCH_MAX_ROUNDS	7
#define BENCH_NPHASES		5

/* Host-state counters a result covers (struct hs_counters, summed over
 * the vCPUs and rounds of the result). */
struct bench_counters {
	u64 vmrun, vmsave, vmload, loads_for_run, sched_in_same, sched_in_migrated;
	u64 prepare, unused;
	u64 lazy_rounds, lazy_ends;	/* hostsave=lazy: round trips in a window, windows closed */
	u64 fpu_saves, fpu_restores, xcr0_writes;	/* svm/gstate.c: XSAVE, XRSTOR, XSETBV */
};

struct bench_result {
	char bench[24];
	char scenario[24];
	const char *policy;		/* "vmsave", "cached", "none" */
	u64 *samples;			/* pooled over the rounds */
	u32 nsamples, cap;
	struct stats st;		/* of the pooled samples, TSC cycles */
	u64 round_median[BENCH_MAX_ROUNDS];
	u32 rounds;
	u64 iterations;			/* timed iterations, all rounds */
	u64 round_trips;		/* guest iterations the counters cover (warm-up included) */
	bool has_counters;
	struct bench_counters cnt;
	u64 busy_cycles;		/* scheduling scenarios: CPUs x elapsed, all rounds */
	u64 host_per_rt;		/* floor: host-timed cycles per round trip */
	bool has_phases;
	u64 phase_round[BENCH_NPHASES][BENCH_MAX_ROUNDS];	/* traced: per-round medians */
	u64 phase[BENCH_NPHASES];	/* traced: their medians */
	u64 ratio_x100;			/* context switches: max/min of the medians */
	u64 early_wakes;		/* hlt_wake: interrupts the guest took before its HLT */
	bool failed, skipped;
	char note[96];
};

/* Sizes of one run of the suite. */
struct bench_plan {
	const char *name;		/* "quick" or "full" */
	u32 rounds;
	u32 warmup, samples, hlt_samples;	/* micro; samples also per task-switch count */
	u32 rt_samples;			/* per vCPU, scheduling scenarios */
	u32 migrate_every;		/* scenario migrate: exits between moves */
	u32 unit_batches;		/* unit costs (bench/units.c): batches per unit and round */
};

#define BENCH_MAX_RESULTS	80

/* Every result of the current run, in the order they were first made. */
extern struct bench_result bench_results[BENCH_MAX_RESULTS];
extern u32 bench_nresults;

/* The result for bench/scenario/policy, made on first use; NULL when the
 * store is full (said on the console). */
struct bench_result *bench_result_new(const char *bench, const char *scenario, const char *policy);
/* Pools n samples; -ENOMEM (and the result marked failed) without memory. */
int bench_result_add(struct bench_result *r, const u64 *samples, u32 n);
/* One round's samples: pooled, and the round's median kept apart. */
void bench_result_round(struct bench_result *r, const u64 *samples, u32 n);
/* Marks r failed with the first reason given (later ones only logged). */
void bench_result_fail(struct bench_result *r, const char *fmt, ...) __printf(2, 3);
void bench_result_skip(struct bench_result *r, const char *why);
/* Frees every result's samples and empties the store. */
void bench_results_reset(void);
/* Computes every result's statistics once its rounds are done; a result
 * that got no samples and no reason is marked failed. */
void bench_results_finish(void);
/* Median of at most BENCH_MAX_ROUNDS values, without touching them. */
u64 bench_median_small(const u64 *v, u32 n);

/* bench/sched_switch.c: yield-driven task switches on one CPU with
 * 2, 64 and 1024 runnable tasks; adds one result per count. */
void bench_switch_cost(const struct bench_plan *plan);

#endif
