/* bench/report.c - what the world-switch benchmarks print once the rounds
 * are done (bench/suite.c): the table on the console and one
 * `BENCH {json}` line per result, which tools/wsreport reads (keep the
 * fields in step with it).  The machine's `BENCHMETA` line is
 * bench/machine.c's. */
#include "bench/bench.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "drivers/timer.h"
#include "lib/muldiv.h"
/* How late the timer_wake guest's timer fired: TSC cycles of a sample
 * less the timer's own period. */
static u64 timer_late_ns(u64 cycles)
{
	u64 ns = tsc_to_ns(cycles);
	return ns > BENCH_WAKE_US * 1000ULL ? ns - BENCH_WAKE_US * 1000ULL : 0;
}

const char *const bench_body_names[BG_NR] = {
	[BG_BASELINE] = "baseline", [BG_VMMCALL] = "vmmcall", [BG_CPUID] = "cpuid",
	[BG_PIO] = "pio_in", [BG_RDMSR] = "rdmsr", [BG_WRMSR] = "wrmsr",
	[BG_MMIO] = "mmio_read", [BG_HLT] = "hlt_wake", [BG_YIELD] = "yield",
	[BG_TIMER] = "timer_wake",
};

const char *const bench_phase_names[BENCH_NPHASES] = {
	"exit", "to_handler", "handler", "to_vmrun", "entry",
};

/* ---------------- output ---------------- */

void bench_emit_json(struct json_buf *j, const char *prefix)
{
	json_close(j);
	console_record(prefix, strlen(prefix));
	console_record(j->buf, j->len);
}

/* x per 1000 round trips, times 100 (two decimals). */
static u64 per_1k_x100(u64 x, u64 rt)
{
	return rt ? mul_div_u64(x, 100000, rt) : 0;
}

u64 bench_floor_median(void)
{
	for (u32 i = 0; i < bench_nresults; i++)
		if (!strcmp(bench_results[i].scenario, "floor") && bench_results[i].st.n)
			return bench_results[i].st.median;
	return 0;
}

void bench_print_json(const struct bench_result *r, u64 floor)
{
	struct json_buf j = { .len = 0 };
	const struct stats *s = &r->st;
	json_add(&j, "{");
	json_str(&j, "bench", r->bench);
	json_str(&j, "scenario", r->scenario);
	json_str(&j, "policy", r->policy);
	json_bool(&j, "ok", !r->failed);
	json_bool(&j, "skipped", r->skipped);
	json_u64(&j, "iterations", r->iterations);
	json_u64(&j, "rounds", r->rounds);
	json_u64(&j, "cycles_median", s->median);
	json_u64(&j, "cycles_min", s->min);
	json_u64(&j, "cycles_p25", s->p25);
	json_u64(&j, "cycles_p75", s->p75);
	json_u64(&j, "cycles_p99", s->p99);
	json_u64(&j, "cycles_max", s->max);
	json_u64(&j, "cycles_mean", s->mean);
	json_u64(&j, "spread", s->p75 - s->p25);
	json_u64(&j, "ns_median", tsc_to_ns(s->median));
	if (floor && s->n && strcmp(r->bench, "ctxsw"))
		json_fixed(&j, "floor_ratio", mul_div_u64(s->median, 100, floor));
	else
		json_add(&j, ",\"floor_ratio\":null");
	json_add(&j, ",\"round_medians\":[");
	for (u32 i = 0; i < r->rounds; i++)
		json_add(&j, "%s%lu", i ? "," : "", r->round_median[i]);
	json_add(&j, "]");
	if (r->has_counters) {
		const struct bench_counters *c = &r->cnt;
		u64 rt = r->round_trips;
		json_u64(&j, "round_trips", rt);
		json_u64(&j, "vmrun", c->vmrun);
		json_u64(&j, "vmsave", c->vmsave);
		json_u64(&j, "vmload", c->vmload);
		json_u64(&j, "loads_for_run", c->loads_for_run);
		json_u64(&j, "sched_in", c->sched_in_same + c->sched_in_migrated);
		json_u64(&j, "sched_in_same", c->sched_in_same);
		json_u64(&j, "migrations", c->sched_in_migrated);
		json_u64(&j, "prepare", c->prepare);
		json_u64(&j, "unused_loads", c->unused);
		json_u64(&j, "lazy_rounds", c->lazy_rounds);
		json_u64(&j, "lazy_ends", c->lazy_ends);
		json_u64(&j, "fpu_saves", c->fpu_saves);
		json_u64(&j, "fpu_restores", c->fpu_restores);
		json_u64(&j, "xcr0_writes", c->xcr0_writes);
		json_fixed(&j, "vmrun_per_1k", per_1k_x100(c->vmrun, rt));
		json_fixed(&j, "vmsave_per_1k", per_1k_x100(c->vmsave, rt));
		json_fixed(&j, "vmload_per_1k", per_1k_x100(c->vmload, rt));
		json_fixed(&j, "sched_in_per_1k", per_1k_x100(c->sched_in_same + c->sched_in_migrated, rt));
		json_fixed(&j, "migrations_per_1k", per_1k_x100(c->sched_in_migrated, rt));
	} else {
		json_add(&j, ",\"round_trips\":null,\"vmrun\":null,\"vmsave\":null,\"vmload\":null,"
		       "\"sched_in\":null,\"migrations\":null");
	}
	if (r->busy_cycles && r->round_trips)
		json_u64(&j, "cpu_cycles_per_rt", r->busy_cycles / r->round_trips);
	if (r->host_per_rt)
		json_u64(&j, "host_cycles_per_rt", r->host_per_rt);
	if (r->has_phases) {
		json_add(&j, ",\"phases\":{");
		for (u32 i = 0; i < BENCH_NPHASES; i++)
			json_add(&j, "%s\"%s\":%lu", i ? "," : "", bench_phase_names[i], r->phase[i]);
		json_add(&j, "}");
	}
	if (r->ratio_x100)
		json_fixed(&j, "ratio_max_min", r->ratio_x100);
	if (!strcmp(r->bench, bench_body_names[BG_HLT]))
		json_u64(&j, "early_wakes", r->early_wakes);
	if (!strcmp(r->bench, bench_body_names[BG_TIMER]) && r->st.n) {
		json_u64(&j, "timer_us", BENCH_WAKE_US);
		json_u64(&j, "late_ns_median", timer_late_ns(r->st.median));
		json_u64(&j, "late_ns_p99", timer_late_ns(r->st.p99));
	}
	json_str(&j, "note", r->note);
	bench_emit_json(&j, "BENCH ");
}

static void fmt_per_1k(char *b, size_t n, const struct bench_result *r, u64 x)
{
	if (!r->has_counters || !r->round_trips) {
		ksnprintf(b, n, "-");
		return;
	}
	u64 v = per_1k_x100(x, r->round_trips);
	ksnprintf(b, n, "%lu.%lu", v / 100, (v % 100) / 10);
}

void bench_print_table(const struct bench_plan *p)
{
	u64 floor = bench_floor_median();
	kprintf("\nbench: %-9s %-10s %-6s %8s %9s %8s %9s %8s %7s %7s | %7s %7s %7s %7s %7s\n", "benchmark",
		"scenario", "policy", "samples", "median", "min", "p99", "spread", "xfloor", "ns",
		"VMSAVE", "VMLOAD", "VMRUN", "sch-in", "migr");
	kprintf("bench: %-108s | %s\n", "  (TSC cycles per iteration; spread = p75 - p25)",
		"per 1000 round trips");
	for (u32 i = 0; i < bench_nresults; i++) {
		const struct bench_result *r = &bench_results[i];
		const struct stats *s = &r->st;
		char ratio[16], a[5][16];
		if (floor && s->n && strcmp(r->bench, "ctxsw")) {
			u64 x = mul_div_u64(s->median, 100, floor);
			ksnprintf(ratio, sizeof(ratio), "%lu.%02lu", x / 100, x % 100);
		} else {
			ksnprintf(ratio, sizeof(ratio), "-");
		}
		fmt_per_1k(a[0], 16, r, r->cnt.vmsave);
		fmt_per_1k(a[1], 16, r, r->cnt.vmload);
		fmt_per_1k(a[2], 16, r, r->cnt.vmrun);
		fmt_per_1k(a[3], 16, r, r->cnt.sched_in_same + r->cnt.sched_in_migrated);
		fmt_per_1k(a[4], 16, r, r->cnt.sched_in_migrated);
		if (r->failed || r->skipped) {
			kprintf("bench: %-9s %-10s %-6s %s: %s\n", r->bench, r->scenario, r->policy,
				r->skipped ? "SKIPPED" : "FAILED", r->note);
			continue;
		}
		kprintf("bench: %-9s %-10s %-6s %8lu %9lu %8lu %9lu %8lu %7s %7lu | %7s %7s %7s %7s %7s\n",
			r->bench, r->scenario, r->policy, s->n, s->median, s->min, s->p99, s->p75 - s->p25,
			ratio, tsc_to_ns(s->median), a[0], a[1], a[2], a[3], a[4]);
	}
	for (u32 i = 0; i < bench_nresults; i++)
		if (!strcmp(bench_results[i].bench, bench_body_names[BG_TIMER]) && bench_results[i].st.n && !bench_results[i].failed)
			kprintf("bench: timer_wake/%s: a %u us guest timer wakes its halted vCPU %lu us late "
				"(median; p99 %lu us)\n", bench_results[i].policy, BENCH_WAKE_US,
				timer_late_ns(bench_results[i].st.median) / 1000, timer_late_ns(bench_results[i].st.p99) / 1000);
	for (u32 i = 0; i < bench_nresults; i++)
		if (bench_results[i].early_wakes)
			kprintf("bench: %s/%s: the virtual timer interrupt came between STI and HLT %lu times "
				"(the STI shadow was lost across an exit); the guest stepped over the HLT\n",
				bench_results[i].bench, bench_results[i].policy, bench_results[i].early_wakes);
	kprintf("\nbench: the host path of a null hypercall, traced (medians, TSC cycles):\n");
	kprintf("bench: %-7s %9s %11s %9s %9s %9s %9s %10s %9s\n", "policy", "exit", "to_handler",
		"handler", "to_vmrun", "entry", "sum", "round trip", "floor");
	for (u32 i = 0; i < bench_nresults; i++) {
		const struct bench_result *r = &bench_results[i];
		if (!r->has_phases)
			continue;
		u64 sum = 0;
		for (u32 k = 0; k < BENCH_NPHASES; k++)
			sum += r->phase[k];
		kprintf("bench: %-7s %9lu %11lu %9lu %9lu %9lu %9lu %10lu %9lu\n", r->policy, r->phase[0],
			r->phase[1], r->phase[2], r->phase[3], r->phase[4], sum, r->st.median, floor);
	}
	kprintf("bench: exit = guest VMMCALL to the stub's return (hardware #VMEXIT, guest registers, "
		"VMSAVE guest, VMLOAD host); to_handler = host-state check, counters, events, STGI, "
		"decoding (svm_exit_fused); handler = the core's answer and the backend applying it "
		"(the fused path; the null hypercall inline); to_vmrun = the turn check "
		"(vcpu_turn_needless), interrupt offer, clean bits, CLGI, exit accounting; entry = "
		"VMLOAD guest, registers, VMRUN, to the guest's next instruction\n");
	(void)p;
}
