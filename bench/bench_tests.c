/* bench/bench_tests.c - the explicit KTAP suite "bench" (test=bench): runs
 * the quick benchmarks (bench/suite.c) and checks what they produced and
 * the host-state counters, never the times. */
#include "bench/bench.h"
#include "svm/svm.h"
#include "kernel/ktest.h"
#include "lib/printf.h"
#include "lib/string.h"

/* ---------------- KTAP: bench ---------------- */

static const struct bench_result *find(const char *bench, const char *scenario, const char *policy)
{
	for (u32 i = 0; i < bench_nresults; i++)
		if (!strcmp(bench_results[i].bench, bench) && !strcmp(bench_results[i].scenario, scenario) &&
		    !strcmp(bench_results[i].policy, policy))
			return &bench_results[i];
	return NULL;
}

struct expected {
	const char *bench, *scenario;
	bool per_policy;
};

static const struct expected expected[] = {
	{ "baseline", "micro", true }, { "vmmcall", "micro", true }, { "cpuid", "micro", true },
	{ "pio_in", "micro", true }, { "rdmsr", "micro", true }, { "wrmsr", "micro", true },
	{ "mmio_read", "micro", true }, { "hlt_wake", "micro", true }, { "timer_wake", "micro", true },
	{ "vmmcall", "traced", true },
	{ "vmmcall", "alone", true }, { "yield", "turns", true }, { "vmmcall", "migrate", true },
	{ "vmmcall", "overcommit", true }, { "vmmcall", "floor", false },
	{ "ctxsw", "tasks2", false }, { "ctxsw", "tasks64", false }, { "ctxsw", "tasks1024", false },
	{ "ctxsw", "queue2", false }, { "ctxsw", "queue64", false }, { "ctxsw", "queue1024", false },
};

static u32 expected_count(void)
{
	u32 n = 0;
	for (u32 i = 0; i < ARRAY_SIZE(expected); i++)
		n += expected[i].per_policy ? BENCH_NPOLICIES : 1;
	return n;
}

static void check_present(struct ktest_dyn *d, const char *bench, const char *scenario, const char *policy)
{
	char name[80];
	ksnprintf(name, sizeof(name), "result %s/%s/%s", bench, scenario, policy);
	const struct bench_result *r = find(bench, scenario, policy);
	if (!r)
		ktest_dyn_result(d, name, KTEST_FAIL, "no result");
	else if (r->skipped)
		ktest_dyn_result(d, name, KTEST_SKIPPED, "%s", r->note);
	else if (r->failed)
		ktest_dyn_result(d, name, KTEST_FAIL, "%s", r->note);
	else
		ktest_dyn_result(d, name, r->iterations && r->rounds && r->st.n ? KTEST_PASS : KTEST_FAIL,
				 "%lu iterations in %u rounds", r->iterations, r->rounds);
}

/* Counter rules every vCPU result must follow (docs/host-state.md). */
static void check_counters(struct ktest_dyn *d)
{
	u32 bad_load = 0, bad_cached = 0, bad_vmsave = 0, seen = 0;
	const char *which = "-";
	for (u32 i = 0; i < bench_nresults; i++) {
		const struct bench_result *r = &bench_results[i];
		if (!r->has_counters || !strcmp(r->scenario, "floor") || r->failed)
			continue;
		seen++;
		/* lazy: one host VMLOAD per window of exits, so at most one per
		 * exit (the counts per 1,000 are the report's). */
		bool lazy = !strcmp(r->policy, "lazy");
		if (lazy ? r->cnt.vmload > r->cnt.vmrun : r->cnt.vmload != r->cnt.vmrun) {
			bad_load++;
			which = r->bench;
		}
		if ((!strcmp(r->policy, "cached") || lazy) &&
		    r->cnt.vmsave != r->cnt.loads_for_run + r->cnt.sched_in_migrated) {
			bad_cached++;
			which = r->scenario;
		}
		if (!strcmp(r->policy, "vmsave") && r->cnt.vmsave != r->cnt.prepare) {
			bad_vmsave++;
			which = r->scenario;
		}
	}
	ktest_dyn_result(d, "counters: one host VMLOAD per VMRUN (lazy: at most one)",
			 seen && !bad_load ? KTEST_PASS : KTEST_FAIL,
			 "%u results, %u off (last %s)", seen, bad_load, which);
	ktest_dyn_result(d, "counters: cached and lazy do VMSAVE only at load and after migration",
			 seen && !bad_cached ? KTEST_PASS : KTEST_FAIL, "%u off (last %s)", bad_cached, which);
	ktest_dyn_result(d, "counters: vmsave does one VMSAVE per load",
			 seen && !bad_vmsave ? KTEST_PASS : KTEST_FAIL, "%u off (last %s)", bad_vmsave, which);
}

static void check_scenarios(struct ktest_dyn *d)
{
	const struct bench_result *tv = find("yield", "turns", "vmsave"), *tc = find("yield", "turns", "cached");
	bool ok = tv && tc && !tv->failed && !tc->failed && tv->cnt.sched_in_same > 0 &&
		  tc->cnt.sched_in_same > 0 && !tv->cnt.sched_in_migrated && !tc->cnt.sched_in_migrated &&
		  tc->cnt.vmsave == tc->cnt.loads_for_run && tv->cnt.vmsave > tc->cnt.vmsave;
	ktest_dyn_result(d, "turns: same-CPU sched-ins cost a VMSAVE under vmsave, none under cached",
			 ok ? KTEST_PASS : KTEST_FAIL, "sched-ins %lu/%lu, VMSAVE vmsave %lu cached %lu",
			 tv ? tv->cnt.sched_in_same : 0, tc ? tc->cnt.sched_in_same : 0,
			 tv ? tv->cnt.vmsave : 0, tc ? tc->cnt.vmsave : 0);
	const struct bench_result *m = find("vmmcall", "migrate", "cached");
	if (m && m->skipped)
		ktest_dyn_result(d, "migrate: the vCPU moved, one VMSAVE per move under cached",
				 KTEST_SKIPPED, "%s", m->note);
	else
		ktest_dyn_result(d, "migrate: the vCPU moved, one VMSAVE per move under cached",
				 m && !m->failed && m->cnt.sched_in_migrated > 0 &&
				 m->cnt.vmsave == m->cnt.loads_for_run + m->cnt.sched_in_migrated ?
				 KTEST_PASS : KTEST_FAIL, "migrations %lu, VMSAVE %lu, loads %lu",
				 m ? m->cnt.sched_in_migrated : 0, m ? m->cnt.vmsave : 0,
				 m ? m->cnt.loads_for_run : 0);
	const struct bench_result *o = find("vmmcall", "overcommit", "vmsave");
	ktest_dyn_result(d, "overcommit: host tasks preempted the vCPUs",
			 o && !o->failed && o->cnt.sched_in_same + o->cnt.sched_in_migrated > 0 ?
			 KTEST_PASS : KTEST_FAIL, "sched-ins %lu",
			 o ? o->cnt.sched_in_same + o->cnt.sched_in_migrated : 0);
	const struct bench_result *f = find("vmmcall", "floor", "none");
	u32 phases = 0;
	for (u32 i = 0; i < bench_nresults; i++)
		phases += bench_results[i].has_phases;
	ktest_dyn_result(d, "floor and traced breakdown present",
			 f && !f->failed && f->st.n && phases == BENCH_NPOLICIES ? KTEST_PASS : KTEST_FAIL,
			 "floor %lu samples, %u breakdowns", f ? f->st.n : 0, phases);
}

/* The unit costs (bench/units.c): each measured, with its order
 * statistics in order, or said why not; VMSAVE is never free. */
static void check_units(struct ktest_dyn *d)
{
	u32 bad = 0, measured = 0;
	const char *which = "-";
	for (int u = 0; u < BU_NR; u++) {
		const struct bench_unit *b = &bench_units[u];
		bool ok = b->available ? b->cost.n > 0 && b->cost.p10 <= b->cost.median &&
					 b->cost.median <= b->cost.p90 && b->rounds > 0
				       : b->note[0] != 0;
		measured += b->available;
		if (!ok) {
			bad++;
			which = b->name;
		}
	}
	ktest_dyn_result(d, "unit costs: each measured (p10 <= median <= p90) or said why not",
			 !bad && measured ? KTEST_PASS : KTEST_FAIL, "%u of %u measured, %u off (last %s)",
			 measured, BU_NR, bad, which);
	const struct bench_unit *vs = &bench_units[BU_VMSAVE];
	ktest_dyn_result(d, "unit costs: one VMSAVE costs more than the empty loop",
			 vs->available && vs->cost.median > 0 ? KTEST_PASS : KTEST_FAIL,
			 "VMSAVE %lu.%02lu cycles (%s)", vs->cost.median / 100, vs->cost.median % 100,
			 vs->available ? "measured" : vs->note);
}

static void run_bench_suite(struct ktest_dyn *d)
{
	ktest_dyn_plan(d, 1 + expected_count() + 3 + 4 + 2);
	int r = bench_run("quick");
	ktest_dyn_result(d, "quick suite ran", r >= 0 ? KTEST_PASS : KTEST_FAIL, "bench_run returned %d", r);
	for (u32 i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct expected *e = &expected[i];
		if (!e->per_policy) {
			check_present(d, e->bench, e->scenario, "none");
			continue;
		}
		for (u32 k = 0; k < BENCH_NPOLICIES; k++)
			check_present(d, e->bench, e->scenario, hoststate_policy_name(bench_policies[k]));
	}
	check_counters(d);
	check_scenarios(d);
	check_units(d);
}

KTEST_DYNAMIC_SUITE(bench, "bench", KTEST_NEEDS_SVM | KTEST_EXPLICIT, run_bench_suite);
