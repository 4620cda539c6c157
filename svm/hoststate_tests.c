/* svm/hoststate_tests.c - KTAP suites for the host-state policies
 * (docs/host-state.md):
 *   hoststate - exact VMSAVE counts, the stress with vCPU and host tasks
 *               under vmsave and cached (zero mismatches) and under seedbug
 *               (mismatches must be caught), the snapshot's generation (a
 *               task changing its own FS and KernelGsBase while loaded);
 *   hostfault - one negative control per field VMLOAD restores: a short
 *               stress with that field corrupted must be caught and named. */
#include "svm/svm.h"
#include "svm/test_move.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "lib/rand.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "sched/task_check.h"
#include "mm/vmm.h"
#include "drivers/timer.h"

#define EMBEDDED(name) extern const u8 guest_img_##name[], guest_img_##name##_end[]
EMBEDDED(k_stress);
EMBEDDED(k_yield);
EMBEDDED(k_spin);
#define IMG(name) guest_img_##name, (size_t)(guest_img_##name##_end - guest_img_##name)

/* ---------------- hoststate ---------------- */

static u32 pick_cpu_not(u32 avoid)
{
	return ncpus_online > 1 ? (avoid + 1) % ncpus_online : 0;
}

/* Two vCPUs pinned to one CPU take turns (HC_YIELD): every entry after
 * the first is a sched-in on the same CPU. */
static void turns_on_one_cpu(struct ktest *t, int policy)
{
	hoststate_policy = policy;
	u32 cpu = pick_cpu_not(0);
	char s[96];
	ksnprintf(s, sizeof(s), "guest name=turns mem=1 vcpus=2 cpus=%u", cpu);
	struct vm *g = vm_create_from_string(s, IMG(k_yield));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	vm_start(g);
	vm_wait(g);
	for (u32 i = 0; i < 2; i++) {
		struct hs_counters *c = &to_svm(g->vcpus[i])->cnt;
		ktest_note(t, "%s vCPU %u: VMRUN %lu, sched-in same %lu, migrated %lu, unused %lu, VMSAVE %lu",
			   hoststate_policy_name(policy), i, c->vmrun, c->sched_in_same, c->sched_in_migrated,
			   c->unused_loads, c->host_vmsave);
		const struct task_stats *ts = &g->vcpus[i]->sched;
		ktest_note(t, "vCPU %u task: runs %lu, yields %lu, preemptions %lu, blocks %lu, migrations %lu",
			   i, ts->runs, ts->yields, ts->preemptions, ts->blocks, ts->migrations);
		KT_EXPECT(t, c->sched_in_same >= 50, "vCPU %u taking turns: >= 50 same-CPU sched-ins, "
			  "found %lu", i, c->sched_in_same);
		KT_EXPECT(t, c->sched_in_migrated == 0, "no migration, found %lu", c->sched_in_migrated);
		/* A load left unused (preempted again before any VMRUN, or the
		 * guest stopped) needs no VMSAVE: under vmsave it is lazy. */
		u64 want = policy == HOSTSAVE_VMSAVE ?
			c->loads_for_run + c->sched_in_same - c->unused_loads : c->loads_for_run;
		KT_EXPECT(t, c->host_vmsave == want, "vCPU %u under %s: %lu VMSAVEs, found %lu", i,
			  hoststate_policy_name(policy), want, c->host_vmsave);
	}
	vm_destroy(g);
	hoststate_policy = kopt.hostsave;
}

static void turns_vmsave_once_per_sched_in(struct ktest *t)
{
	turns_on_one_cpu(t, HOSTSAVE_VMSAVE);
}

static void turns_cached_no_vmsave_on_sched_in(struct ktest *t)
{
	turns_on_one_cpu(t, HOSTSAVE_CACHED);
}

/* One vCPU moved K times (its affinity narrowed to one CPU each time, so
 * nothing else moves it) does exactly K + 1 VMSAVEs under `cached`. */
static void migrated_k_times_k_plus_one_vmsaves(struct ktest *t)
{
	if (ncpus_online < 2)
		KT_SKIP(t, "needs 2 CPUs, %u online", ncpus_online);
	hoststate_policy = HOSTSAVE_CACHED;
	const u32 K = 6;
	struct vm *g = vm_create_from_string("guest name=mover mem=1 cpus=1", IMG(k_spin));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	vm_start(g);
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	while (READ_ONCE(v->cnt.vmrun) < 10)
		sched_sleep_ns(1000000);
	u32 moved = svm_test_move_vcpu(g, 1, ncpus_online, K, 10);
	vm_request_stop(g, STOP_HOST, "stopped by the test");
	vm_wait(g);
	ktest_note(t, "moved %u times: VMSAVE %lu, sched-in migrated %lu, same %lu, VMRUN %lu", moved,
		   v->cnt.host_vmsave, v->cnt.sched_in_migrated, v->cnt.sched_in_same, v->cnt.vmrun);
	KT_EXPECT(t, moved == K, "%u migrations done, found %u", K, moved);
	KT_EXPECT(t, v->cnt.sched_in_migrated == moved, "each one seen as a migration: %u, found %lu",
		  moved, v->cnt.sched_in_migrated);
	KT_EXPECT(t, v->cnt.host_vmsave == moved + 1ULL, "K + 1 = %u VMSAVEs, found %lu", moved + 1,
		  v->cnt.host_vmsave);
	vm_destroy(g);
	hoststate_policy = kopt.hostsave;
}

/* ---- the stress ---- */

#define STRESS_GUESTS 4		/* x 2 vCPUs = 8 vCPU tasks */
#define STRESS_HOST_TASKS 8

static volatile bool host_stop;
static bool stress_flip_policy;	/* switch vmsave/cached at random, vCPUs loaded */
static volatile u64 host_checks, host_bad;

static void host_worker(void *arg)
{
	u64 seed = (u64)arg * 7919 + 17;
	struct task *me = current_task();
	while (!READ_ONCE(host_stop)) {
		u64 f = irq_save();
		struct host_mismatch m;
		u32 bad = hoststate_check_task(me, cpu_table[me->cpu], &m);
		irq_restore(f);
		__atomic_add_fetch(&host_checks, 1, __ATOMIC_RELAXED);
		if (bad)
			__atomic_add_fetch(&host_bad, bad, __ATOMIC_RELAXED);
		switch (rnd(&seed) % 4) {
		case 0: sched_yield(); break;
		case 1: sched_sleep_ns(rnd(&seed) % 300000); break;
		default: {
			u64 until = rdtsc() + ns_to_tsc(rnd(&seed) % 200000);
			while (rdtsc() < until)
				cpu_relax();
		}
		}
	}
}

struct stress_result {
	struct hs_counters sum;
	u64 mismatches, host_bad, host_checks;
	bool ok;
};

static void stress_run(struct ktest *t, int policy, u64 target, struct stress_result *res)
{
	hoststate_policy = policy;
	hoststate_reset_counters();
	hoststate_print_policy();
	host_stop = false;
	host_checks = host_bad = 0;
	struct vm *gs[STRESS_GUESTS];
	struct task *hts[STRESS_HOST_TASKS];
	u32 ng = 0;
	for (u32 i = 0; i < STRESS_GUESTS; i++) {
		char s[64];
		ksnprintf(s, sizeof(s), "guest name=stress%u mem=1 vcpus=2", i);
		gs[i] = vm_create_from_string(s, IMG(k_stress));
		if (gs[i])
			ng++;
	}
	KT_EXPECT(t, ng == STRESS_GUESTS, "%u guests created, found %u", STRESS_GUESTS, ng);
	if (ng != STRESS_GUESTS)
		return;
	/* A TR and an LDTR of their own (real mode cannot load them, nor
	 * use them), unlike the host's in selector, attributes (a 16-bit busy
	 * TSS), limit and base: the guest writes every other field itself. */
	for (u32 i = 0; i < ng; i++)
		for (u32 k = 0; k < gs[i]->nvcpus; k++) {
			struct vmcb_save *sv = &to_svm(gs[i]->vcpus[k])->vmcb->save;
			sv->tr = (struct vmcb_seg){ .selector = 0x38, .attrib = 0x83, .limit = 0x2067,
						    .base = 0x7e5800 + 0x100 * k };
			sv->ldtr = (struct vmcb_seg){ .selector = 0x30, .attrib = 0x82, .limit = 0x3f,
						      .base = 0x7e5a00 + 0x100 * k };
		}
	for (u32 i = 0; i < STRESS_HOST_TASKS; i++) {
		struct task_params p = { .name = "host-worker", .entry = host_worker, .arg = (void *)(u64)i,
					 .prio = PRIO_DEFAULT, .cpu = (s32)(i % ncpus_online), .with_ldt = true };
		hts[i] = task_create(&p);
	}
	for (u32 i = 0; i < ng; i++)
		vm_start(gs[i]);

	u64 seed = kopt.seed * 2654435761ULL + 1;
	u64 deadline = rdtsc() + ns_to_tsc(600ULL * 1000000000ULL);
	struct hs_counters now;
	for (;;) {
		hoststate_counters_total(&now);
		if (now.vmrun >= target || rdtsc() > deadline)
			break;
		/* Random affinity changes and forced migrations of vCPU tasks. */
		struct vm *g = gs[rnd(&seed) % ng];
		struct task *vt = g->tasks[rnd(&seed) % g->nvcpus];
		if (vt && ncpus_online > 1) {
			if (rnd(&seed) % 2) {
				cpumask_t m;
				cpumask_clear(&m);
				u64 bits = rnd(&seed);
				for (u32 c = 0; c < ncpus_online; c++)
					if (bits & BIT(c % 64))
						cpumask_set(&m, c);
				cpumask_set(&m, (u32)(rnd(&seed) % ncpus_online));
				sched_set_affinity(vt, &m);
			} else {
				cpumask_t all;
				cpumask_setall(&all);
				sched_set_affinity(vt, &all);
				sched_migrate(vt, (u32)(rnd(&seed) % ncpus_online));
			}
		}
		if (stress_flip_policy)
			hoststate_policy = rnd(&seed) % 2 ? HOSTSAVE_VMSAVE : HOSTSAVE_CACHED;
		sched_sleep_ns(2000000);
	}
	for (u32 i = 0; i < ng; i++)
		vm_request_stop(gs[i], STOP_HOST, "stopped by the stress test");
	for (u32 i = 0; i < ng; i++)
		vm_wait(gs[i]);
	host_stop = true;
	for (u32 i = 0; i < STRESS_HOST_TASKS; i++)
		if (hts[i])
			task_join(hts[i]);
	hoststate_counters_total(&res->sum);
	res->mismatches = hoststate_mismatch_total;
	res->host_bad = host_bad;
	res->host_checks = host_checks;
	hoststate_print_counters();
	kprintf("hoststate: stress under '%s': %lu world switches, %lu vCPU-task migrations in, "
		"host tasks %lu checks / %lu mismatches\n", hoststate_policy_name(policy), res->sum.vmrun,
		res->sum.sched_in_migrated, host_checks, host_bad);
	for (u32 i = 0; i < ng; i++)
		vm_destroy(gs[i]);
	hoststate_policy = kopt.hostsave;
}

static u64 stress_target(void)
{
	return kopt.stress ? kopt.stress : 200000;
}

static void stress_clean_policy(struct ktest *t, int policy)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	hoststate_diff_check = true;
	stress_run(t, policy, stress_target(), &r);
	KT_EXPECT(t, r.sum.vmrun >= stress_target(), "%lu world switches, found %lu", stress_target(),
		  r.sum.vmrun);
	KT_EXPECT(t, r.mismatches == 0, "zero host-state mismatches, found %lu", r.mismatches);
	KT_EXPECT(t, r.sum.diff_mismatches == 0, "zero differential mismatches, found %lu",
		  r.sum.diff_mismatches);
	KT_EXPECT(t, r.host_bad == 0 && r.host_checks > 0, "host tasks intact: %lu mismatches in %lu checks",
		  r.host_bad, r.host_checks);
	if (policy == HOSTSAVE_LAZY) {
		/* Every round trip lazy; one host VMLOAD per window, not per exit. */
		KT_EXPECT(t, r.sum.lazy_rounds == r.sum.vmrun, "lazy: every round trip lazy: %lu vs %lu",
			  r.sum.lazy_rounds, r.sum.vmrun);
		KT_EXPECT(t, r.sum.host_vmload == r.sum.lazy_ends && r.sum.lazy_ends < r.sum.vmrun,
			  "lazy: one host VMLOAD per window: %lu VMLOADs, %lu windows, %lu exits",
			  r.sum.host_vmload, r.sum.lazy_ends, r.sum.vmrun);
		ktest_note(t, "lazy: %lu exits in %lu windows: %lu host VMLOADs per 1,000 exits",
			   r.sum.vmrun, r.sum.lazy_ends,
			   r.sum.vmrun ? r.sum.host_vmload * 1000 / r.sum.vmrun : 0);
	} else {
		KT_EXPECT(t, r.sum.host_vmload == r.sum.vmrun, "one host VMLOAD per exit: %lu vs %lu",
			  r.sum.host_vmload, r.sum.vmrun);
	}
	if (ncpus_online > 1)
		KT_EXPECT(t, r.sum.sched_in_migrated > 0, "vCPU tasks migrated");
	if (policy == HOSTSAVE_CACHED || policy == HOSTSAVE_LAZY)
		KT_EXPECT(t, r.sum.host_vmsave == r.sum.loads_for_run + r.sum.sched_in_migrated +
			  r.sum.snap_retakes,
			  "cached: VMSAVE only at load, after migration and on a retake: %lu = %lu + %lu + %lu",
			  r.sum.host_vmsave, r.sum.loads_for_run, r.sum.sched_in_migrated,
			  r.sum.snap_retakes);
	else
		KT_EXPECT(t, r.sum.host_vmsave == r.sum.prepare_calls,
			  "vmsave: one VMSAVE per load: %lu = %lu", r.sum.host_vmsave, r.sum.prepare_calls);
}

static void stress_vmsave_policy_clean(struct ktest *t)
{
	stress_clean_policy(t, HOSTSAVE_VMSAVE);
}

static void stress_cached_policy_clean(struct ktest *t)
{
	stress_clean_policy(t, HOSTSAVE_CACHED);
}

static void stress_lazy_policy_clean(struct ktest *t)
{
	stress_clean_policy(t, HOSTSAVE_LAZY);
}

/* Exits with a mismatch, by field, as a KTAP note. */
static void note_groups(struct ktest *t)
{
	char buf[256];
	u32 n = 0;
	buf[0] = 0;
	for (u32 g = 0; g < HG_COUNT && n < sizeof(buf); g++)
		n += ksnprintf(buf + n, sizeof(buf) - n, " %s=%lu", host_group_names[g],
			       hoststate_group_mismatches[g]);
	ktest_note(t, "mismatching exits by field:%s", buf);
}

/* The negative control: the proposal's offset-0 snapshot must be caught. */
static void stress_seedbug_is_caught(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	hoststate_diff_check = true;
	stress_run(t, HOSTSAVE_SEEDBUG, stress_target() / 4, &r);
	KT_EXPECT(t, r.mismatches > 0, "the offset-0 snapshot must produce host-state mismatches");
	KT_EXPECT(t, r.sum.diff_mismatches > 0, "and differential mismatches");
	KT_EXPECT(t, r.host_bad == 0, "repaired in time: host tasks saw %lu mismatches", r.host_bad);
	note_groups(t);
	/* Another vCPU task's per-task fields; TR is per CPU and every VMSAVE
	 * on a CPU captures the same one, so it cannot go wrong here. */
	static const enum host_group per_task[] = { HG_FS, HG_KERNEL_GS_BASE, HG_LDTR };
	for (u32 i = 0; i < ARRAY_SIZE(per_task); i++)
		KT_EXPECT(t, hoststate_group_mismatches[per_task[i]] > 0, "seedbug: %s mismatches caught",
			  host_group_names[per_task[i]]);
}

/* The negative control of `lazy`: windows closed without the host VMLOAD
 * leave the guest's TR, LDTR, KernelGsBase and MSRs in the CPU, which the
 * check at the window's end must catch (and repair, so the host goes on). */
static void stress_lazybug_is_caught(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	stress_run(t, HOSTSAVE_LAZYBUG, stress_target() / 4, &r);
	KT_EXPECT(t, r.mismatches > 0, "the missing host VMLOAD must produce host-state mismatches");
	KT_EXPECT(t, r.host_bad == 0, "repaired in time: host tasks saw %lu mismatches", r.host_bad);
	note_groups(t);
	static const enum host_group left[] = { HG_TR, HG_LDTR, HG_KERNEL_GS_BASE, HG_STAR };
	for (u32 i = 0; i < ARRAY_SIZE(left); i++)
		KT_EXPECT(t, hoststate_group_mismatches[left[i]] > 0, "lazybug: %s mismatches caught",
			  host_group_names[left[i]]);
}

/* hoststate_policy switched between vmsave and cached every 2 ms while
 * vCPUs are loaded: each load keeps the policy it latched, so the
 * snapshot written is always one taken for that load (or
 * prepare_switch_to_guest panics), and nothing goes wrong. */
static void policy_change_while_loaded(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	hoststate_diff_check = true;
	stress_flip_policy = true;
	stress_run(t, HOSTSAVE_CACHED, stress_target() / 10, &r);
	stress_flip_policy = false;
	ktest_note(t, "%lu world switches, %lu snapshot retakes after a policy change, %lu mismatches",
		   r.sum.vmrun, r.sum.snap_retakes, r.mismatches);
	KT_EXPECT(t, r.mismatches == 0, "zero host-state mismatches, found %lu", r.mismatches);
	KT_EXPECT(t, r.sum.diff_mismatches == 0, "zero differential mismatches, found %lu",
		  r.sum.diff_mismatches);
	KT_EXPECT(t, r.host_bad == 0, "host tasks intact: %lu mismatches", r.host_bad);
}

/* ---- the snapshot's generation ---- */

/* Two task-local blocks per guest for its vCPU 0, which moves its FS base
 * between them, and changes its KernelGsBase, every 50th exit: from the
 * exit path, while loaded. */
static struct task_local gen_local[STRESS_GUESTS][2];
static u64 gen_changes;

static void change_own_host_state(struct svm_vcpu *v)
{
	if (v->index != 0 || v->cnt.vmrun % 50 != 0)
		return;
	u32 k = (u32)(v->cnt.vmrun / 50) % 2;
	struct task_local *tl = &gen_local[v->vm->id % STRESS_GUESTS][k];
	tl->self = tl;
	tl->task = v->task;
	tl->magic = TASK_LOCAL_MAGIC;
	task_set_fs_base((u64)tl);
	task_set_kernel_gs_base(0xffffca0000000000ULL | ((u64)v->task->id << 12) | (k << 4));
	__atomic_add_fetch(&gen_changes, 1, __ATOMIC_RELAXED);
}

static void generation_run(struct ktest *t, bool ignore, struct stress_result *r)
{
	gen_changes = 0;
	hoststate_diff_check = true;
	hoststate_ignore_generation = ignore;
	hoststate_exit_hook = change_own_host_state;
	stress_run(t, HOSTSAVE_CACHED, stress_target() / 10, r);
	hoststate_exit_hook = NULL;
	hoststate_ignore_generation = false;
	ktest_note(t, "%s: %lu own-state changes while loaded, %lu snapshot retakes, %lu mismatches",
		   ignore ? "generation ignored" : "generation checked", gen_changes, r->sum.snap_retakes,
		   r->mismatches);
	note_groups(t);
}

static void own_state_change_gets_fresh_snapshot(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	generation_run(t, false, &r);
	KT_EXPECT(t, gen_changes > 0, "vCPU tasks changed their own FS and KernelGsBase");
	KT_EXPECT(t, r.sum.snap_retakes > 0, "the snapshot retaken after a change, found %lu retakes",
		  r.sum.snap_retakes);
	KT_EXPECT(t, r.mismatches == 0, "zero host-state mismatches, found %lu", r.mismatches);
	KT_EXPECT(t, r.sum.diff_mismatches == 0, "zero differential mismatches, found %lu",
		  r.sum.diff_mismatches);
	KT_EXPECT(t, r.host_bad == 0, "host tasks intact: %lu mismatches", r.host_bad);
}

/* The negative control: without the generation check the stale snapshot
 * gives the task back its old FS base and KernelGsBase after #VMEXIT. */
static void stale_snapshot_caught_without_generation(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	generation_run(t, true, &r);
	KT_EXPECT(t, gen_changes > 0, "vCPU tasks changed their own FS and KernelGsBase");
	KT_EXPECT(t, r.sum.snap_retakes == 0, "no retakes with the generation ignored, found %lu",
		  r.sum.snap_retakes);
	KT_EXPECT(t, r.mismatches > 0, "the stale snapshot must be caught");
	KT_EXPECT(t, hoststate_first_group == HG_FS || hoststate_first_group == HG_KERNEL_GS_BASE,
		  "first report names fs or kernel_gs_base, found %s",
		  hoststate_first_group >= 0 ? host_group_names[hoststate_first_group] : "none");
	KT_EXPECT(t, r.host_bad == 0, "repaired in time: host tasks saw %lu mismatches", r.host_bad);
}

KTEST_SUITE(hoststate, "hoststate", KTEST_NEEDS_SVM,
	KTEST_CASE(turns_vmsave_once_per_sched_in),
	KTEST_CASE(turns_cached_no_vmsave_on_sched_in),
	KTEST_CASE(migrated_k_times_k_plus_one_vmsaves),
	KTEST_CASE(stress_vmsave_policy_clean),
	KTEST_CASE(stress_cached_policy_clean),
	KTEST_CASE(stress_lazy_policy_clean),
	KTEST_CASE(stress_seedbug_is_caught),
	KTEST_CASE(stress_lazybug_is_caught),
	KTEST_CASE(policy_change_while_loaded),
	KTEST_CASE(own_state_change_gets_fresh_snapshot),
	KTEST_CASE(stale_snapshot_caught_without_generation));

/* ---------------- hostfault ---------------- */

#define HOSTFAULT_SWITCHES 5000

static void no_fault_no_mismatch(struct ktest *t)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	static const int policies[] = { HOSTSAVE_VMSAVE, HOSTSAVE_CACHED };
	for (u32 i = 0; i < ARRAY_SIZE(policies); i++) {
		struct stress_result r = { 0 };
		int fault = hoststate_fault;
		hoststate_fault = 0;
		hoststate_diff_check = true;
		stress_run(t, policies[i], HOSTFAULT_SWITCHES, &r);
		hoststate_fault = fault;
		ktest_note(t, "no fault, %s: %lu world switches, %lu mismatches", hoststate_policy_name(policies[i]),
			   r.sum.vmrun, r.mismatches);
		KT_EXPECT(t, r.sum.vmrun >= HOSTFAULT_SWITCHES, "%u world switches, found %lu",
			  HOSTFAULT_SWITCHES, r.sum.vmrun);
		KT_EXPECT(t, r.mismatches == 0, "%s: zero mismatches, found %lu",
			  hoststate_policy_name(policies[i]), r.mismatches);
		KT_EXPECT(t, r.host_bad == 0, "host tasks intact: %lu", r.host_bad);
	}
}

/* hostfault=FIELD at run time, a short stress under `cached`: the check
 * counts mismatches, in that field only, and its first report names it. */
static void hostfault_field(struct ktest *t, enum host_group g)
{
	if (!kopt.hostcheck)
		KT_SKIP(t, "needs hostcheck=1");
	struct stress_result r = { 0 };
	int fault = hoststate_fault;
	hoststate_fault = (int)g + 1;
	hoststate_diff_check = true;
	stress_run(t, HOSTSAVE_CACHED, HOSTFAULT_SWITCHES, &r);
	hoststate_fault = fault;
	int first = hoststate_first_group;
	const char *fname = first >= 0 ? host_group_names[first] : "none";
	ktest_note(t, "hostfault=%s: %lu corruptions, %lu mismatches, first report names %s",
		   host_group_names[g], r.sum.faults, r.mismatches, fname);
	note_groups(t);
	KT_EXPECT(t, r.sum.faults > 0, "the field was corrupted on some loads, found %lu", r.sum.faults);
	KT_EXPECT(t, r.mismatches > 0, "hostfault=%s must be caught", host_group_names[g]);
	KT_EXPECT(t, first == (int)g, "the first report names %s, found %s", host_group_names[g], fname);
	for (u32 o = 0; o < HG_COUNT; o++)
		if (o != g)
			KT_EXPECT(t, hoststate_group_mismatches[o] == 0, "only %s is wrong: %s %lu",
				  host_group_names[g], host_group_names[o], hoststate_group_mismatches[o]);
	KT_EXPECT(t, r.sum.diff_mismatches == 0, "the snapshot itself stays right, found %lu",
		  r.sum.diff_mismatches);
	KT_EXPECT(t, r.host_bad == 0, "repaired in time: host tasks saw %lu mismatches", r.host_bad);
}

#define HOSTFAULT_CASE(field, group) \
	static void hostfault_##field(struct ktest *t) { hostfault_field(t, group); }
HOSTFAULT_CASE(fs, HG_FS)
HOSTFAULT_CASE(gs, HG_GS)
HOSTFAULT_CASE(tr, HG_TR)
HOSTFAULT_CASE(ldtr, HG_LDTR)
HOSTFAULT_CASE(kernel_gs_base, HG_KERNEL_GS_BASE)
HOSTFAULT_CASE(star, HG_STAR)
HOSTFAULT_CASE(lstar, HG_LSTAR)
HOSTFAULT_CASE(cstar, HG_CSTAR)
HOSTFAULT_CASE(sfmask, HG_SFMASK)
HOSTFAULT_CASE(sysenter_cs, HG_SYSENTER_CS)
HOSTFAULT_CASE(sysenter_esp, HG_SYSENTER_ESP)
HOSTFAULT_CASE(sysenter_eip, HG_SYSENTER_EIP)

KTEST_SUITE(hostfault, "hostfault", KTEST_NEEDS_SVM,
	KTEST_CASE(no_fault_no_mismatch),
	KTEST_CASE(hostfault_fs),
	KTEST_CASE(hostfault_gs),
	KTEST_CASE(hostfault_tr),
	KTEST_CASE(hostfault_ldtr),
	KTEST_CASE(hostfault_kernel_gs_base),
	KTEST_CASE(hostfault_star),
	KTEST_CASE(hostfault_lstar),
	KTEST_CASE(hostfault_cstar),
	KTEST_CASE(hostfault_sfmask),
	KTEST_CASE(hostfault_sysenter_cs),
	KTEST_CASE(hostfault_sysenter_esp),
	KTEST_CASE(hostfault_sysenter_eip));
