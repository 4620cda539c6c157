/* svm/svm_tests.c - KTAP suites for the SVM layer:
 *   svm       - SVM on every CPU, the two host pages kept apart (VMRUN's own
 *               host-state writes never touch the VMSAVE area), ASIDs, a
 *               guest's round trip through entry, hypercall and exit;
 *   guests    - the guest modules GRUB loaded, each checked against its
 *               expect= and every result it reported itself (dynamic);
 *   hoststate - the host-state policies: exact VMSAVE counts, the stress
 *               with vCPU and host tasks under vmsave and cached (zero
 *               mismatches) and under seedbug (mismatches must be caught),
 *               the snapshot's generation (a task changing its own FS and
 *               KernelGsBase while loaded);
 *   hostfault - one negative control per field VMLOAD restores: a short
 *               stress with that field corrupted must be caught and named. */
#include "svm/svm.h"
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
EMBEDDED(k_exit42);
EMBEDDED(k_stress);
EMBEDDED(k_yield);
EMBEDDED(k_spin);
#define IMG(name) guest_img_##name, (size_t)(guest_img_##name##_end - guest_img_##name)

static struct guest *make_guest(const char *settings, const u8 *img, size_t len)
{
	struct guest_cfg cfg;
	if (guest_cfg_parse(settings, &cfg))
		return NULL;
	return guest_create(&cfg, img, len);
}

/* ---------------- svm ---------------- */

static volatile u32 svme_missing;
static void check_svme(void *arg)
{
	if (!(rdmsr(MSR_EFER) & EFER_SVME) || !rdmsr(MSR_VM_HSAVE_PA))
		__atomic_add_fetch(&svme_missing, 1, __ATOMIC_RELAXED);
}

static void enabled_on_every_cpu(struct ktest *t)
{
	svme_missing = 0;
	for (u32 c = 0; c < ncpus_online; c++) {
		if (c == this_cpu_id())
			check_svme(NULL);
		else
			smp_call_on(c, check_svme, NULL, true);
		struct svm_cpu *sc = cpu_table[c]->svm;
		KT_EXPECT(t, sc && sc->enabled, "CPU %u has SVM state", c);
		if (sc)
			KT_EXPECT(t, sc->hsave_pa != sc->host_area_pa, "CPU %u: VM_HSAVE_PA and the host "
				  "save area are distinct pages", c);
	}
	KT_EXPECT(t, svme_missing == 0, "EFER.SVME and VM_HSAVE_PA on every CPU, %u without", svme_missing);
}

/* The fields VMSAVE/VMLOAD move, as offsets in a VMCB-format page. */
struct field_range { u32 off, len; const char *name; };
static const struct field_range vmsave_fields[] = {
	{ 0x400 + offsetof(struct vmcb_save, fs), 16, "FS" },
	{ 0x400 + offsetof(struct vmcb_save, gs), 16, "GS" },
	{ 0x400 + offsetof(struct vmcb_save, ldtr), 16, "LDTR" },
	{ 0x400 + offsetof(struct vmcb_save, tr), 16, "TR" },
	{ 0x400 + offsetof(struct vmcb_save, star), 40, "STAR..KernelGsBase" },
	{ 0x400 + offsetof(struct vmcb_save, sysenter_cs), 24, "SYSENTER" },
};

/* Runs one VMRUN by hand on this CPU with VM_HSAVE_PA filled with a
 * pattern: the host save area must come out byte for byte unchanged, and
 * none of the bytes VMRUN wrote into VM_HSAVE_PA may be a VMSAVE field,
 * which is what would make one shared page unsafe. */
static void vmrun_keeps_off_the_vmsave_area(struct ktest *t)
{
	struct guest *g = make_guest("guest name=hsave mem=1", IMG(k_exit42));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct vcpu *v = g->vcpus[0];
	static u8 before[4096];
	preempt_disable();
	u64 f = irq_save();
	struct svm_cpu *sc = svm_this_cpu();
	u8 *hsave = phys_to_virt(sc->hsave_pa);
	memset(hsave, 0xa5, 4096);
	v->task = current_task();
	svm_asid_assign(v, sc);
	svm_vmsave(sc->host_area_pa);
	memcpy(before, sc->host_area, 4096);
	svm_clgi();
	svm_vmrun(v->vmcb_pa, &v->regs, sc->host_area_pa);
	svm_stgi();
	gstate_cpu_clobbered(sc);
	u64 code = v->vmcb->control.exitcode;
	bool same = !memcmp(before, sc->host_area, 4096);
	u32 written = 0, overlap = 0;
	const char *which = NULL;
	for (u32 i = 0; i < 4096; i++) {
		if (hsave[i] == 0xa5)
			continue;
		written++;
		for (u32 k = 0; k < ARRAY_SIZE(vmsave_fields); k++)
			if (i >= vmsave_fields[k].off && i < vmsave_fields[k].off + vmsave_fields[k].len) {
				overlap++;
				which = vmsave_fields[k].name;
			}
	}
	irq_restore(f);
	preempt_enable();
	ktest_note(t, "exit %s; VMRUN wrote %u bytes of VM_HSAVE_PA, %u of them at VMSAVE field offsets",
		   svm_exit_name(code), written, overlap);
	KT_EXPECT(t, code == SVM_EXIT_VMMCALL, "the guest's VMMCALL exit, found %s", svm_exit_name(code));
	KT_EXPECT(t, same, "the host save area untouched by VMRUN/#VMEXIT");
	KT_EXPECT(t, written > 0, "VMRUN saved host state into VM_HSAVE_PA");
	KT_EXPECT(t, overlap == 0, "no VMRUN host-state write at a VMSAVE field offset (%s)",
		  which ? which : "-");
	guest_destroy(g);
}

static void guest_round_trip(struct ktest *t)
{
	struct guest *g = make_guest("guest name=rt mem=1", IMG(k_exit42));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	guest_start(g);
	guest_wait(g);
	KT_EXPECT(t, g->stop == STOP_HYPERCALL, "stopped by its hypercall, found %s", guest_stop_name(g->stop));
	KT_EXPECT(t, g->exit_status == 42, "exit status 42, found %ld", g->exit_status);
	KT_EXPECT(t, g->vcpus[0]->cnt.vmrun >= 1, "at least one VMRUN");
	guest_destroy(g);
}

static void asids_are_unique_then_flushed(struct ktest *t)
{
	struct guest *g = make_guest("guest name=asid mem=1 vcpus=40", IMG(k_exit42));
	if (!g)
		KT_SKIP(t, "could not create 40 vCPUs");
	struct svm_cpu fake = { .cpu = 999, .next_asid = 1, .asid_generation = 1 };
	u32 nasid = cpu_info.svm_nasid;
	u64 seen[4] = { 0 };
	u32 dup = 0, n = MIN(g->nvcpus, nasid - 1);
	for (u32 i = 0; i < n; i++) {
		struct vcpu *v = g->vcpus[i];
		svm_asid_assign(v, &fake);
		if (v->asid == 0 || (v->asid < 256 && (seen[v->asid / 64] & BIT(v->asid % 64))))
			dup++;
		if (v->asid < 256)
			seen[v->asid / 64] |= BIT(v->asid % 64);
		KT_EXPECT(t, v->vmcb->control.tlb_control != 0, "a new ASID comes with a flush");
	}
	KT_EXPECT(t, dup == 0, "%u distinct non-zero ASIDs, %u duplicates", n, dup);
	if (g->nvcpus > n) {
		struct vcpu *v = g->vcpus[n];
		svm_asid_assign(v, &fake);
		KT_EXPECT(t, fake.asid_generation == 2 && v->asid == 1,
			  "running out starts generation 2 at ASID 1, found gen %u asid %u",
			  fake.asid_generation, v->asid);
	}
	guest_destroy(g);
}

KTEST_SUITE(svm, "svm", KTEST_NEEDS_SVM,
	KTEST_CASE(enabled_on_every_cpu),
	KTEST_CASE(vmrun_keeps_off_the_vmsave_area),
	KTEST_CASE(guest_round_trip),
	KTEST_CASE(asids_are_unique_then_flushed));

/* ---------------- guests (modules) ---------------- */

static u32 guest_cases(struct guest *g)
{
	return 1 + g->nresults;
}

static void report_guest_cases(struct ktest_dyn *d, struct guest *g)
{
	for (u32 i = 0; i < g->nresults; i++) {
		char name[96];
		ksnprintf(name, sizeof(name), "%s: %s", g->cfg.name, g->results[i].name);
		ktest_dyn_result(d, name, g->results[i].result == 0 ? KTEST_PASS :
				 g->results[i].result == 2 ? KTEST_SKIPPED : KTEST_FAIL,
				 "value %#lx", g->results[i].value);
	}
	char name[96];
	ksnprintf(name, sizeof(name), "%s: stops as expected (%s)", g->cfg.name,
		  guest_expect_name(g->cfg.expect));
	ktest_dyn_result(d, name, guest_met_expectation(g) ? KTEST_PASS : KTEST_FAIL,
			 "stopped: %s (%s)", guest_stop_name(g->stop), g->stop_detail);
}

static void run_guest_modules(struct ktest_dyn *d)
{
	struct guest *gs[MB2_MAX_MODULES];
	u32 n = guests_create_from_modules(boot_info.modules, boot_info.module_count,
					   gs, MB2_MAX_MODULES);
	if (!n) {
		ktest_dyn_plan(d, 1);
		ktest_dyn_result(d, "guest modules", KTEST_SKIPPED, "no guest modules were loaded");
		return;
	}
	guests_run_all(gs, n);
	u32 total = 0;
	for (u32 i = 0; i < n; i++)
		total += guest_cases(gs[i]);
	ktest_dyn_plan(d, total);
	for (u32 i = 0; i < n; i++)
		report_guest_cases(d, gs[i]);
	hoststate_print_counters();
	for (u32 i = 0; i < n; i++)
		guest_destroy(gs[i]);
}

KTEST_DYNAMIC_SUITE(guests, "guests", KTEST_NEEDS_SVM | KTEST_EXPLICIT, run_guest_modules);

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
	struct guest *g = make_guest(s, IMG(k_yield));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	guest_start(g);
	guest_wait(g);
	for (u32 i = 0; i < 2; i++) {
		struct hs_counters *c = &g->vcpus[i]->cnt;
		ktest_note(t, "%s vCPU %u: VMRUN %lu, sched-in same %lu, migrated %lu, unused %lu, VMSAVE %lu",
			   hoststate_policy_name(policy), i, c->vmrun, c->sched_in_same, c->sched_in_migrated,
			   c->unused_loads, c->host_vmsave);
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
	guest_destroy(g);
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
	struct guest *g = make_guest("guest name=mover mem=1 cpus=1", IMG(k_spin));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	guest_start(g);
	struct vcpu *v = g->vcpus[0];
	struct task *vt = g->tasks[0];
	u32 moved = 0, cpu = 1;
	while (READ_ONCE(v->cnt.vmrun) < 10)
		sched_sleep_ns(1000000);
	for (u32 k = 0; k < K; k++) {
		u32 next = (cpu + 1) % ncpus_online;
		if (next == cpu)
			break;
		cpumask_t m;
		cpumask_clear(&m);
		cpumask_set(&m, next);
		sched_set_affinity(vt, &m);
		u64 runs = READ_ONCE(v->cnt.vmrun);
		u64 until = rdtsc() + ns_to_tsc(2000000000ULL);
		while ((READ_ONCE(v->cpu) != next || READ_ONCE(v->cnt.vmrun) < runs + 10) && rdtsc() < until)
			sched_sleep_ns(1000000);
		if (READ_ONCE(v->cpu) == next)
			moved++;
		cpu = next;
	}
	guest_request_stop(g, STOP_HOST, "stopped by the test");
	guest_wait(g);
	ktest_note(t, "moved %u times: VMSAVE %lu, sched-in migrated %lu, same %lu, VMRUN %lu", moved,
		   v->cnt.host_vmsave, v->cnt.sched_in_migrated, v->cnt.sched_in_same, v->cnt.vmrun);
	KT_EXPECT(t, moved == K, "%u migrations done, found %u", K, moved);
	KT_EXPECT(t, v->cnt.sched_in_migrated == moved, "each one seen as a migration: %u, found %lu",
		  moved, v->cnt.sched_in_migrated);
	KT_EXPECT(t, v->cnt.host_vmsave == moved + 1ULL, "K + 1 = %u VMSAVEs, found %lu", moved + 1,
		  v->cnt.host_vmsave);
	guest_destroy(g);
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
	struct guest *gs[STRESS_GUESTS];
	struct task *hts[STRESS_HOST_TASKS];
	u32 ng = 0;
	for (u32 i = 0; i < STRESS_GUESTS; i++) {
		char s[64];
		ksnprintf(s, sizeof(s), "guest name=stress%u mem=1 vcpus=2", i);
		gs[i] = make_guest(s, IMG(k_stress));
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
			struct vmcb_save *sv = &gs[i]->vcpus[k]->vmcb->save;
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
		guest_start(gs[i]);

	u64 seed = kopt.seed * 2654435761ULL + 1;
	u64 deadline = rdtsc() + ns_to_tsc(600ULL * 1000000000ULL);
	struct hs_counters now;
	for (;;) {
		hoststate_counters_total(&now);
		if (now.vmrun >= target || rdtsc() > deadline)
			break;
		/* Random affinity changes and forced migrations of vCPU tasks. */
		struct guest *g = gs[rnd(&seed) % ng];
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
		guest_request_stop(gs[i], STOP_HOST, "stopped by the stress test");
	for (u32 i = 0; i < ng; i++)
		guest_wait(gs[i]);
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
		guest_destroy(gs[i]);
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
	KT_EXPECT(t, r.sum.host_vmload == r.sum.vmrun, "one host VMLOAD per exit: %lu vs %lu",
		  r.sum.host_vmload, r.sum.vmrun);
	if (ncpus_online > 1)
		KT_EXPECT(t, r.sum.sched_in_migrated > 0, "vCPU tasks migrated");
	if (policy == HOSTSAVE_CACHED)
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

static void change_own_host_state(struct vcpu *v)
{
	if (v->index != 0 || v->cnt.vmrun % 50 != 0)
		return;
	u32 k = (u32)(v->cnt.vmrun / 50) % 2;
	struct task_local *tl = &gen_local[v->guest->id % STRESS_GUESTS][k];
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
	KTEST_CASE(stress_seedbug_is_caught),
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
		hoststate_fault = 0;
		hoststate_diff_check = true;
		stress_run(t, policies[i], HOSTFAULT_SWITCHES, &r);
		hoststate_fault = kopt.hostfault;
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
	hoststate_fault = (int)g + 1;
	hoststate_diff_check = true;
	stress_run(t, HOSTSAVE_CACHED, HOSTFAULT_SWITCHES, &r);
	hoststate_fault = kopt.hostfault;
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
