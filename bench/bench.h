/* bench/bench.h - the world-switch benchmarks (bench=quick|full, the KTAP
 * suite "bench"): guest-timed microbenchmarks, the floor of a world switch
 * (svm_vmrun_floor), a traced host path split into phases, scheduling
 * scenarios under each host-state policy, and the scheduler's own
 * context-switch cost (bench/sched_switch.c).  Results go to the console as
 * a table and as one `BENCH {json}` line each; tools/wsreport turns a log
 * into Markdown, CSV and a chart.  docs/benchmarking.md is the user's side.
 *
 * By concern: bench/suite.c runs a suite, bench/ws_runs.c the world-switch
 * runs of a round, bench/sched_switch.c the context switches,
 * bench/result.c keeps the results, bench/report.c prints them,
 * bench/machine.c names the machine, bench/bench_tests.c checks them.
 *
 * Nothing here is on the normal exit path: the benchmarks drive guests
 * through the ordinary vCPU tasks (the traced row through the one run
 * loop's trace points), and only the floor has its own loop
 * (svm_vmrun_floor in svm/vmrun.asm). */
#ifndef SVMHV_BENCH_H
#define SVMHV_BENCH_H
#include "lib/types.h"
#include "bench/result.h"

/* ---- the guest's side: svm/guests/k_bench_guest.asm ---- */

#define BENCH_MAILBOX_GPA	0x80000ULL
#define BENCH_OUT_GPA		0x200000ULL	/* samples, one slot per vCPU */
#define BENCH_GUEST_MIB		4
#define BENCH_MAGIC		0x314843424e455357ULL	/* "WSBENCH1" */
#define BENCH_FLAG_RDTSCP	BIT(0)

/* Written by the host before the guest starts; the guest reads it and
 * counts itself in.  Offsets are the guest's MB_* constants. */
struct bench_mailbox {
	/* 0x00 */ u64 magic;
	/* 0x08 */ u32 bench;		/* enum bench_guest_id */
	/* 0x0c */ u32 flags;		/* BENCH_FLAG_* */
	/* 0x10 */ u32 warmup;		/* untimed iterations first */
	/* 0x14 */ u32 samples;		/* timed iterations, one u64 each */
	/* 0x18 */ u64 out_gpa;		/* slot i's samples at out_gpa + i * out_stride */
	/* 0x20 */ u64 out_stride;
	/* 0x28 */ u64 hlt_wait;	/* TSC cycles the HLT benchmark waits for its timer */
	/* 0x30 */ u32 timer_us;	/* HC_TIMER delay of the HLT benchmark */
	/* 0x34 */ u32 next_slot;	/* guest: LOCK XADD, one per vCPU */
	/* 0x38 */ u32 finished;	/* guest: vCPUs done */
	/* 0x3c */ u32 nvcpus;		/* the last one to finish exits the guest */
	/* 0x40 */ u32 status;		/* guest: 1 = refused the mailbox */
	/* 0x44 */ u32 early_wakes;	/* guest: timer interrupts taken before the HLT */
};
_Static_assert(offsetof(struct bench_mailbox, out_gpa) == 0x18, "MB_OUT");
_Static_assert(offsetof(struct bench_mailbox, hlt_wait) == 0x28, "MB_HLT_WAIT");
_Static_assert(offsetof(struct bench_mailbox, next_slot) == 0x34, "MB_NEXT");
_Static_assert(offsetof(struct bench_mailbox, status) == 0x40, "MB_STATUS");
_Static_assert(offsetof(struct bench_mailbox, early_wakes) == 0x44, "MB_EARLY");

/* Benchmark bodies in the guest's table, in its order. */
enum bench_guest_id {
	BG_BASELINE = 0,	/* two timestamps, no exit */
	BG_VMMCALL,		/* HC_NOP */
	BG_CPUID,		/* CPUID leaf 0 */
	BG_PIO,			/* IN from port 0x3ff (COM1 scratch, emulated) */
	BG_RDMSR,		/* RDMSR STAR (every MSR is intercepted) */
	BG_WRMSR,		/* WRMSR STAR */
	BG_MMIO,		/* load from GPA 0xfeb00000: NPF, emulated */
	BG_HLT,			/* HLT woken by the virtual timer */
	BG_YIELD,		/* HC_YIELD */
	BG_TIMER,		/* a 20 us guest timer, HLT at once: how late it wakes */
	BG_NR
};

/* Runs the suite named by `mode` ("quick" or "full"), prints the table and
 * the BENCH lines.  Returns the number of benchmarks that failed to
 * produce a result, or -EINVAL for an unknown mode, -ENODEV without SVM. */
int bench_run(const char *mode);

/* Between the benchmark files (see the top of this header). */
#define BENCH_NPOLICIES	3	/* vmsave, cached and lazy, in turn */
#define BENCH_TIMER_US	1
#define BENCH_WAKE_US	20	/* timer_wake: the guest timer whose lateness is measured */
struct bench_plan;
extern const int bench_policies[];
extern const char *const bench_body_names[];
extern const char *const bench_phase_names[];
struct json_buf;

/* bench/ws_runs.c */
void bench_ws_place(void);
void bench_ws_round(const struct bench_plan *p, u32 round);
u32 bench_ws_cpu(void);		/* where the single-vCPU guests (and the unit costs) run */

/* bench/machine.c */
void bench_machine_identify(void);
void bench_print_header(const struct bench_plan *p);
void bench_print_meta(const struct bench_plan *p);

/* bench/units.c: the unit costs (issue 14, item 3).  The first BU_NTIMED
 * are timed in batches on the host; the last two come from the floor and
 * ctxsw/queue2 results.  Names are the keys tools/wsreport's model uses. */
enum bench_unit_id {
	BU_EMPTY, BU_VMSAVE, BU_VMLOAD, BU_VMLOAD_SWITCH, BU_STGI_CLGI, BU_RDMSR_FS, BU_RDMSR_GS, BU_RDMSR_KGS,
	BU_WRMSR_FS, BU_WRMSR_GS, BU_WRMSR_KGS, BU_WRFSBASE, BU_WRGSBASE, BU_LTR,
	BU_XSAVE, BU_XRSTOR, BU_XSETBV, BU_XGETBV, BU_MOV_TO_DR, BU_MOV_FROM_DR,
	BU_NTIMED,
	BU_VMRUN_RT = BU_NTIMED, BU_CTXSW,
	BU_NR
};
struct bench_unit {
	const char *name, *what;
	bool available;
	char note[128];			/* why not, when not available */
	u64 *batch;			/* cycles per batch, pooled over the rounds */
	u32 n, cap;
	u32 batch_ops;			/* operations per batch (1: per sample) */
	u64 overhead;			/* cycles subtracted per batch (or sample) */
	struct { u64 n, median, p10, p90, mad; } cost;	/* cycles per operation x100 */
	u64 round_median[BENCH_MAX_ROUNDS];		/* x100 */
	u32 rounds;
};
extern struct bench_unit bench_units[BU_NR];
void bench_units_round(const struct bench_plan *p, u32 round, u32 cpu);
void bench_units_finish(void);		/* after bench_results_finish */
void bench_units_print(void);
void bench_units_json(void);		/* the BENCHUNIT lines */

/* bench/ws_runs.c: fn(arg) in a task pinned to `cpu`, waited for. */
void bench_run_on_cpu(u32 cpu, void (*fn)(void *), void *arg);

/* bench/report.c */
void bench_print_table(const struct bench_plan *p);
void bench_print_json(const struct bench_result *r, u64 floor);
u64 bench_floor_median(void);
/* Closes j and writes it to the console as one line after `prefix`. */
void bench_emit_json(struct json_buf *j, const char *prefix);

#endif
