/* bench/units.c - what the pieces of a world switch cost one by one, on the
 * host, in the same boot as the world-switch runs (issue 14, item 3):
 * VMSAVE, VMLOAD, RDMSR/WRMSR of FS_BASE, GS_BASE and KERNEL_GS_BASE,
 * WRFSBASE/WRGSBASE, LTR with the TSS busy bit reset, XSAVE/XRSTOR of a
 * guest FPU state, XSETBV, XGETBV and MOV to/from DR0 (what svm/gstate.c does per
 * round trip in its eager mode), and - taken from results the suite makes
 * anyway - one VMRUN round trip (the floor) and one task switch
 * (bench/sched_switch.c).  tools/wsreport multiplies them by the host-state
 * counters of each result to predict the differences between policies
 * (docs/benchmarking.md, "Unit costs and the model").
 *
 * Called by bench/ws_runs.c once per round (bench_units_round, on the CPU
 * the single-vCPU guests use) and by bench/suite.c after the rounds
 * (bench_units_finish, bench_units_print).
 *
 * How a unit is timed: a batch of UNIT_BATCH back-to-back operations
 * between two serialised TSC reads (LFENCE; RDTSC; LFENCE before, RDTSCP;
 * LFENCE after - or LFENCE; RDTSC; LFENCE without RDTSCP), with interrupts
 * and preemption off.  The same loop with an empty body is timed as one
 * more "unit", interleaved with the others batch by batch, and its median
 * is subtracted from every batch: what is left, divided by UNIT_BATCH, is
 * one operation's share of a back-to-back sequence (its throughput cost,
 * which for these serialising or microcoded instructions is close to its
 * latency).  Median, p10, p90 and the median absolute deviation are over
 * all batches of all rounds; each round's median is kept too.
 *
 * Under QEMU -icount (icount=1, set by `make bench ICOUNT=1`) the TSC
 * counts instructions, and a VMSAVE is one instruction whatever it costs:
 * nothing is measured and every unit says why. */
#include "bench/bench.h"
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/desc.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/xstate.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/sort.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "drivers/timer.h"

#define UNIT_BATCH	16		/* operations per timed batch */
#define TSS_BUSY	(1ULL << 41)	/* type 0xb (busy) vs 0x9 in the descriptor's low word */

struct bench_unit bench_units[BU_NR] = {
	[BU_EMPTY]       = { "empty", "the timing loop with nothing in it (subtracted from the others)" },
	[BU_VMSAVE]      = { "vmsave", "VMSAVE into a page" },
	[BU_VMLOAD]      = { "vmload", "VMLOAD of the host's own state" },
	[BU_VMLOAD_SWITCH] = { "vmload_switch", "VMLOAD that changes KernelGsBase and the syscall and "
			       "SYSENTER MSRs: another state and the host's in turn" },
	[BU_STGI_CLGI]   = { "stgi_clgi", "CLGI then STGI: GIF 1 -> 0 -> 1, one pair" },
	[BU_RDMSR_FS]    = { "rdmsr_fs_base", "RDMSR FS_BASE" },
	[BU_RDMSR_GS]    = { "rdmsr_gs_base", "RDMSR GS_BASE" },
	[BU_RDMSR_KGS]   = { "rdmsr_kernel_gs_base", "RDMSR KERNEL_GS_BASE" },
	[BU_WRMSR_FS]    = { "wrmsr_fs_base", "WRMSR FS_BASE (its own value)" },
	[BU_WRMSR_GS]    = { "wrmsr_gs_base", "WRMSR GS_BASE (its own value)" },
	[BU_WRMSR_KGS]   = { "wrmsr_kernel_gs_base", "WRMSR KERNEL_GS_BASE (its own value)" },
	[BU_WRFSBASE]    = { "wrfsbase", "WRFSBASE (its own value)" },
	[BU_WRGSBASE]    = { "wrgsbase", "WRGSBASE (its own value)" },
	[BU_LTR]         = { "ltr", "LTR of the CPU's TSS after clearing its busy bit in the GDT" },
	[BU_XSAVE]       = { "xsave", "XSAVE of every host XCR0 component (svm/gstate.c's save)" },
	[BU_XRSTOR]      = { "xrstor", "XRSTOR of that area (svm/gstate.c's restore)" },
	[BU_XSETBV]      = { "xsetbv", "XSETBV XCR0 (its own value)" },
	[BU_XGETBV]      = { "xgetbv", "XGETBV XCR0" },
	[BU_MOV_TO_DR]   = { "mov_to_dr", "MOV to DR0 (its own value)" },
	[BU_MOV_FROM_DR] = { "mov_from_dr", "MOV from DR0" },
	[BU_VMRUN_RT]    = { "vmrun_rt", "VMRUN round trip: vmmcall/floor less the guest's timing (baseline)" },
	[BU_CTXSW]       = { "ctxsw", "task switch, yield to the next task running (ctxsw/queue2)" },
};

/* Operations per loop iteration: vmload_switch does two VMLOADs. */
static u32 unit_ops(int u)
{
	return u == BU_VMLOAD_SWITCH ? 2 : 1;
}

static bool timed(int u)
{
	return u < BU_NTIMED;
}

static void unit_skip(struct bench_unit *b, const char *why)
{
	b->available = false;
	ksnprintf(b->note, sizeof(b->note), "%s", why);
}

/* Before the first round: what this CPU has. */
static void units_reset(void)
{
	for (int u = 0; u < BU_NR; u++) {
		struct bench_unit *b = &bench_units[u];
		kfree(b->batch);
		b->batch = NULL;
		b->n = b->cap = b->rounds = 0;
		b->available = true;
		b->note[0] = 0;
		memset(&b->cost, 0, sizeof(b->cost));
		b->overhead = 0;
	}
	if (kopt.icount) {
		for (int u = 0; u < BU_NR; u++)
			unit_skip(&bench_units[u], "not measured under QEMU -icount: the TSC counts instructions, "
				  "and a microcoded instruction is one instruction whatever it costs");
		return;
	}
	if (!cpu_info.has_fsgsbase) {
		unit_skip(&bench_units[BU_WRFSBASE], "not available: no FSGSBASE (CPUID 7:EBX[0] clear)");
		unit_skip(&bench_units[BU_WRGSBASE], "not available: no FSGSBASE (CPUID 7:EBX[0] clear)");
	}
	if (!xstate.xsave) {
		unit_skip(&bench_units[BU_XSAVE], "not available: no XSAVE (svm/gstate.c uses FXSAVE)");
		unit_skip(&bench_units[BU_XRSTOR], "not available: no XSAVE (svm/gstate.c uses FXRSTOR)");
		unit_skip(&bench_units[BU_XSETBV], "not available: no XSAVE");
		unit_skip(&bench_units[BU_XGETBV], "not available: no XSAVE");
	}
}

/* ---------------- timing ---------------- */

static inline __attribute__((always_inline)) u64 tsc_begin(void)
{
	u32 lo, hi;
	__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

static inline __attribute__((always_inline)) u64 tsc_end(bool rdtscp)
{
	u32 lo, hi;
	if (rdtscp)
		__asm__ __volatile__("rdtscp; lfence" : "=a"(lo), "=d"(hi) :: "rcx", "memory");
	else
		__asm__ __volatile__("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

static inline void wrfsbase(u64 v) { __asm__ __volatile__("wrfsbase %0" :: "r"(v) : "memory"); }
static inline void wrgsbase(u64 v) { __asm__ __volatile__("wrgsbase %0" :: "r"(v) : "memory"); }

/* Everything one round's task needs. */
struct units_job {
	u32 batches;
	paddr_t save_pa;	/* the host's VMSAVE state at the start, VMLOADed at the end */
	paddr_t scratch_pa;	/* VMSAVE's target */
	paddr_t alt_pa;		/* vmload_switch: the host's state with other bases and MSRs */
	void *xarea;		/* XSAVE area */
	u64 *round[BU_NTIMED];	/* this round's batches */
};

#define BATCH(stmt)							\
	do {								\
		t0 = tsc_begin();					\
		for (u32 i_ = 0; i_ < UNIT_BATCH; i_++) {		\
			stmt;						\
		}							\
		t1 = tsc_end(rdtscp);					\
	} while (0)

/* One batch of unit u; its cycles. */
static u64 time_unit(int u, const struct units_job *j, u64 *gdt_tss, bool rdtscp)
{
	u64 t0 = 0, t1 = 0;
	u64 fs = rdmsr(MSR_FS_BASE), gs = rdmsr(MSR_GS_BASE), kgs = rdmsr(MSR_KERNEL_GS_BASE);
	switch (u) {
	case BU_EMPTY:
		BATCH(__asm__ __volatile__("" ::: "memory"));
		break;
	case BU_VMSAVE:
		BATCH(svm_vmsave(j->scratch_pa));
		break;
	case BU_VMLOAD:
		BATCH(svm_vmload(j->save_pa));
		break;
	case BU_VMLOAD_SWITCH:
		BATCH(({ svm_vmload(j->alt_pa); svm_vmload(j->save_pa); }));
		break;
	case BU_STGI_CLGI:
		BATCH(({ svm_clgi(); svm_stgi(); }));
		break;
	case BU_RDMSR_FS:
		BATCH((void)rdmsr(MSR_FS_BASE));
		break;
	case BU_RDMSR_GS:
		BATCH((void)rdmsr(MSR_GS_BASE));
		break;
	case BU_RDMSR_KGS:
		BATCH((void)rdmsr(MSR_KERNEL_GS_BASE));
		break;
	case BU_WRMSR_FS:
		BATCH(wrmsr(MSR_FS_BASE, fs));
		break;
	case BU_WRMSR_GS:
		BATCH(wrmsr(MSR_GS_BASE, gs));
		break;
	case BU_WRMSR_KGS:
		BATCH(wrmsr(MSR_KERNEL_GS_BASE, kgs));
		break;
	case BU_WRFSBASE:
		BATCH(wrfsbase(fs));
		break;
	case BU_WRGSBASE:
		BATCH(wrgsbase(gs));
		break;
	case BU_LTR:
		/* LTR faults on a busy TSS and marks it busy: clear the bit
		 * each time, as a TR reload after VMRUN would. */
		BATCH(({ *gdt_tss &= ~TSS_BUSY; load_tr(SEL_TSS); }));
		break;
	case BU_XSAVE:
		BATCH(xstate_save(j->xarea));
		break;
	case BU_XRSTOR:
		BATCH(xstate_restore(j->xarea));
		break;
	case BU_XSETBV: {
		u64 x = xgetbv(0);
		BATCH(xsetbv(0, x));
		break;
	}
	case BU_XGETBV:
		BATCH((void)xgetbv(0));
		break;
	case BU_MOV_TO_DR: {
		u64 d = read_dr0();
		BATCH(write_dr0(d));
		break;
	}
	case BU_MOV_FROM_DR:
		BATCH(({ u64 d_; __asm__ __volatile__("mov %%dr0, %0" : "=r"(d_) :: "memory"); (void)d_; }));
		break;
	}
	return t1 - t0;
}

/* On the benchmark CPU, preemption off: every unit's batches, interleaved
 * (empty, VMSAVE, VMLOAD, ..., empty, VMSAVE ...) so that a slow stretch of
 * the host hits them all alike; interrupts off for one pass over the units
 * at a time (tens of microseconds), on between passes.  The host's VMLOAD
 * state is saved first and loaded back after every pass: LTR under QEMU
 * leaves TR's hidden type "available" where svmhv keeps it busy
 * (docs/host-state.md), and nothing else here may change it either. */
static void units_task(void *arg)
{
	struct units_job *j = arg;
	bool rdtscp = cpu_info.has_rdtscp;
	preempt_disable();
	u64 f = irq_save();
	struct percpu *pc = this_cpu();
	u64 *gdt_tss = &pc->gdt.entry[SEL_TSS >> 3];
	u64 cr4 = read_cr4();
	bool fsgs = bench_units[BU_WRFSBASE].available;
	if (fsgs)
		write_cr4(cr4 | CR4_FSGSBASE);
	svm_vmsave(j->save_pa);
	/* What a guest's VMLOAD state differs in: KernelGsBase and the
	 * syscall MSRs (canonical; svmhv has no user mode and never uses
	 * them).  FS and GS keep the host's bases: an NMI between the two
	 * VMLOADs finds its per-CPU and task data. */
	struct vmcb *alt = phys_to_virt(j->alt_pa);
	memcpy(alt, phys_to_virt(j->save_pa), PAGE_SIZE);
	alt->save.kernel_gs_base ^= 0x1000;
	alt->save.star ^= 0x1000;
	alt->save.lstar ^= 0x1000;
	alt->save.cstar ^= 0x1000;
	alt->save.sfmask ^= 0x100;
	alt->save.sysenter_esp ^= 0x1000;
	alt->save.sysenter_eip ^= 0x1000;
	if (xstate.xsave)
		xstate_save(j->xarea);	/* a real state: whatever the CPU holds */
	for (u32 k = 0; k < j->batches; k++) {
		for (int u = 0; u < BU_NTIMED; u++)
			if (bench_units[u].available)
				j->round[u][k] = time_unit(u, j, gdt_tss, rdtscp);
		svm_vmload(j->save_pa);
		irq_restore(f);
		f = irq_save();
	}
	if (fsgs)
		write_cr4(cr4);
	gstate_cpu_clobbered(svm_this_cpu());	/* XRSTOR: no vCPU's registers any more */
	irq_restore(f);
	preempt_enable();
}

static int pool(struct bench_unit *b, const u64 *v, u32 n)
{
	if (b->n + n > b->cap) {
		u32 cap = MAX(b->cap * 2, b->n + n);
		u64 *bigger = kmalloc((size_t)cap * sizeof(u64));
		if (!bigger)
			return -ENOMEM;
		if (b->batch)
			memcpy(bigger, b->batch, b->n * sizeof(u64));
		kfree(b->batch);
		b->batch = bigger;
		b->cap = cap;
	}
	memcpy(b->batch + b->n, v, (size_t)n * sizeof(u64));
	b->n += n;
	return 0;
}

/* Per operation, x100, of a batch's cycles less the loop's median. */
static u64 per_op_x100(int u, u64 batch, u64 overhead)
{
	return batch > overhead ? (batch - overhead) * 100 / (UNIT_BATCH * unit_ops(u)) : 0;
}

void bench_units_round(const struct bench_plan *p, u32 round, u32 cpu)
{
	if (round == 0)
		units_reset();
	if (kopt.icount)
		return;
	struct units_job j = { .batches = p->unit_batches };
	bool mem = !frame_alloc(1, 1, &j.save_pa) && !frame_alloc(1, 1, &j.scratch_pa) &&
		   !frame_alloc(1, 1, &j.alt_pa);
	j.xarea = xstate_area_alloc();
	mem = mem && j.xarea;
	for (int u = 0; u < BU_NTIMED; u++)
		mem = mem && (j.round[u] = kmalloc(j.batches * sizeof(u64))) != NULL;
	if (!mem) {
		for (int u = 0; u < BU_NTIMED; u++)
			if (bench_units[u].available)
				unit_skip(&bench_units[u], "no memory for the batches");
		goto out;
	}
	u64 t0 = rdtsc();
	bench_run_on_cpu(cpu, units_task, &j);
	kprintf("bench: round %u/%u, unit costs on CPU %u: %u batches of %u per unit in %lu ms\n",
		round + 1, p->rounds, cpu, j.batches, UNIT_BATCH, tsc_to_ns(rdtsc() - t0) / 1000000);
	/* This round's median of each unit, less this round's empty loop. */
	sort_u64(j.round[BU_EMPTY], j.batches);
	u64 empty = j.round[BU_EMPTY][(j.batches - 1) / 2];
	for (int u = 0; u < BU_NTIMED; u++) {
		struct bench_unit *b = &bench_units[u];
		if (!b->available)
			continue;
		if (pool(b, j.round[u], j.batches)) {
			unit_skip(b, "no memory for the batches");
			continue;
		}
		sort_u64(j.round[u], j.batches);
		if (b->rounds < BENCH_MAX_ROUNDS)
			b->round_median[b->rounds++] = per_op_x100(u, j.round[u][(j.batches - 1) / 2], empty);
	}
out:
	for (int u = 0; u < BU_NTIMED; u++)
		kfree(j.round[u]);
	if (j.xarea)
		xstate_area_free(j.xarea);
	if (j.save_pa)
		frame_free(j.save_pa, 1);
	if (j.scratch_pa)
		frame_free(j.scratch_pa, 1);
	if (j.alt_pa)
		frame_free(j.alt_pa, 1);
}

/* ---------------- after the rounds ---------------- */

static const struct bench_result *result(const char *bench, const char *scenario, const char *policy)
{
	for (u32 i = 0; i < bench_nresults; i++) {
		const struct bench_result *r = &bench_results[i];
		if (!strcmp(r->bench, bench) && !strcmp(r->scenario, scenario) && !strcmp(r->policy, policy))
			return r;
	}
	return NULL;
}

/* Median, p10, p90 and median absolute deviation of sorted v[n], each
 * less `sub` (x100 values when x100, else cycles), per `div` operations. */
static void unit_stats(struct bench_unit *b, const u64 *v, u32 n, u64 sub, u32 div)
{
	u64 med = stats_percentile(v, n, 50);
	b->cost.median = med > sub ? (med - sub) * 100 / div : 0;
	u64 p10 = stats_percentile(v, n, 10), p90 = stats_percentile(v, n, 90);
	b->cost.p10 = p10 > sub ? (p10 - sub) * 100 / div : 0;
	b->cost.p90 = p90 > sub ? (p90 - sub) * 100 / div : 0;
	u64 *dev = kmalloc((size_t)n * sizeof(u64));
	if (dev) {
		for (u32 i = 0; i < n; i++)
			dev[i] = v[i] > med ? v[i] - med : med - v[i];
		sort_u64(dev, n);
		b->cost.mad = stats_percentile(dev, n, 50) * 100 / div;
		kfree(dev);
	}
	b->cost.n = n;
}

/* A unit taken from a result's pooled samples (sorted by
 * bench_results_finish), less `sub` cycles of the guest's own timing. */
static void unit_from_result(struct bench_unit *b, const struct bench_result *r, u64 sub, const char *why)
{
	if (!b->available)
		return;
	if (!r || r->failed || r->skipped || !r->st.n) {
		unit_skip(b, why);
		return;
	}
	unit_stats(b, r->samples, r->nsamples, sub, 1);
	b->rounds = r->rounds;
	for (u32 i = 0; i < r->rounds; i++)
		b->round_median[i] = r->round_median[i] > sub ? (r->round_median[i] - sub) * 100 : 0;
	b->batch_ops = 1;
}

void bench_units_finish(void)
{
	if (kopt.icount)
		return;
	struct bench_unit *e = &bench_units[BU_EMPTY];
	if (e->n) {
		sort_u64(e->batch, e->n);
		e->overhead = stats_percentile(e->batch, e->n, 50);
	}
	for (int u = 0; u < BU_NTIMED; u++) {
		struct bench_unit *b = &bench_units[u];
		b->batch_ops = UNIT_BATCH * unit_ops(u);
		if (!b->available)
			continue;
		if (!b->n || !e->n) {
			unit_skip(b, "no batches timed");
			continue;
		}
		sort_u64(b->batch, b->n);
		b->overhead = e->overhead;
		unit_stats(b, b->batch, b->n, u == BU_EMPTY ? 0 : e->overhead, UNIT_BATCH * unit_ops(u));
	}
	/* The guest times each iteration with two timestamps; `baseline`
	 * (nothing between them) is that cost, the same under every policy. */
	const struct bench_result *base = result(bench_body_names[BG_BASELINE], "micro", "vmsave");
	u64 sub = base && base->st.n && !base->failed ? base->st.median : 0;
	unit_from_result(&bench_units[BU_VMRUN_RT], result("vmmcall", "floor", "none"), sub,
			 "no floor result");
	bench_units[BU_VMRUN_RT].overhead = sub;
	unit_from_result(&bench_units[BU_CTXSW], result("ctxsw", "queue2", "none"), 0,
			 "no ctxsw/queue2 result");
}

static void fmt_x100(char *buf, size_t n, u64 v)
{
	ksnprintf(buf, n, "%lu.%02lu", v / 100, v % 100);
}

void bench_units_print(void)
{
	if (kopt.icount) {
		kprintf("\nbench: unit costs: %s\n", bench_units[BU_VMSAVE].note);
		return;
	}
	kprintf("\nbench: unit costs on this CPU, this boot (TSC cycles per operation; batches of %u "
		"between serialised TSC reads, the empty loop's median subtracted):\n", UNIT_BATCH);
	kprintf("bench: %-22s %10s %10s %10s %10s %8s\n", "unit", "median", "p10", "p90", "MAD", "batches");
	for (int u = 0; u < BU_NR; u++) {
		const struct bench_unit *b = &bench_units[u];
		if (!b->available) {
			kprintf("bench: %-22s %s\n", b->name, b->note);
			continue;
		}
		char m[24], lo[24], hi[24], mad[24];
		fmt_x100(m, sizeof(m), b->cost.median);
		fmt_x100(lo, sizeof(lo), b->cost.p10);
		fmt_x100(hi, sizeof(hi), b->cost.p90);
		fmt_x100(mad, sizeof(mad), b->cost.mad);
		kprintf("bench: %-22s %10s %10s %10s %10s %8lu\n", b->name, m, lo, hi, mad, b->cost.n);
	}
}

void bench_units_json(void)
{
	for (int u = 0; u < BU_NR; u++) {
		const struct bench_unit *b = &bench_units[u];
		struct json_buf j = { .len = 0 };
		json_add(&j, "{");
		json_str(&j, "unit", b->name);
		json_str(&j, "what", b->what);
		json_str(&j, "source", timed(u) ? "batch" : u == BU_VMRUN_RT ? "floor" : "ctxsw");
		json_bool(&j, "available", b->available);
		if (b->available) {
			json_u64(&j, "batch_ops", b->batch_ops);
			json_u64(&j, "batches", b->cost.n);
			json_u64(&j, "overhead_cycles", b->overhead);
			json_fixed(&j, "cycles_median", b->cost.median);
			json_fixed(&j, "cycles_p10", b->cost.p10);
			json_fixed(&j, "cycles_p90", b->cost.p90);
			json_fixed(&j, "cycles_mad", b->cost.mad);
			json_add(&j, ",\"round_medians\":[");
			for (u32 i = 0; i < b->rounds; i++)
				json_add(&j, "%s%lu.%02lu", i ? "," : "", b->round_median[i] / 100,
					 b->round_median[i] % 100);
			json_add(&j, "]");
		}
		json_str(&j, "note", b->note);
		bench_emit_json(&j, "BENCHUNIT ");
	}
}
