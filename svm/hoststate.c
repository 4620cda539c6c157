/* svm/hoststate.c - the host state VMRUN does not save: FS, GS, TR, LDTR,
 * KernelGsBase, STAR/LSTAR/CSTAR/SFMASK and the SYSENTER MSRs, kept in
 * each CPU's host save area (VMSAVE format: fields at +0x400) and put back
 * by VMLOAD after every #VMEXIT.  Three policies (hostsave=):
 *
 *  vmsave  - VMSAVE in prepare_switch_to_guest, i.e. once per load: at
 *            start and after every sched-in (today's Linux KVM).
 *  cached  - VMSAVE in vcpu_load when the vCPU is loaded to run, and on
 *            sched-in only after a migration; the per-task fields (FS, LDTR,
 *            TR as whole segments, KernelGsBase) are snapshotted from the
 *            save area at +0x400 and written back into the CPU's save area
 *            in memory by prepare_switch_to_guest.  No VMSAVE otherwise.
 *  seedbug - the 2024 proposal as posted: snapshot read and written at
 *            offset 0 of the page, where VMLOAD never looks.  Exists only to
 *            show the checks catch it.
 *
 * Checks (hostcheck=1): after each host VMLOAD, the CPU's state is compared
 * with what the current task and CPU must have; every mismatch is counted
 * and repaired so the count is complete.  The differential check (on in
 * test runs) VMSAVEs into a scratch area right after the snapshot was
 * written and compares the per-task fields byte for byte. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "sched/task_check.h"

int hoststate_policy = HOSTSAVE_CACHED;
bool hoststate_diff_check;
u64 hoststate_mismatch_total;
static volatile u32 first_mismatch_reported;

static const char *const policy_names[] = { "vmsave", "cached", "seedbug" };

const char *hoststate_policy_name(int p)
{
	return p >= 0 && p < 3 ? policy_names[p] : "?";
}

void hoststate_print_policy(void)
{
	kprintf("hoststate: policy '%s'%s%s\n", policy_names[hoststate_policy],
		kopt.hostcheck ? ", host-state check after every VMLOAD" : "",
		hoststate_diff_check ? ", differential check after every write-back" : "");
	if (hoststate_policy == HOSTSAVE_SEEDBUG) {
		kprintf("hoststate: ******************************************************************\n");
		kprintf("hoststate: * WARNING: hostsave=seedbug is the broken 2024 proposal, on purpose: *\n");
		kprintf("hoststate: * the snapshot lives at offset 0 instead of +0x400, so tasks get     *\n");
		kprintf("hoststate: * other tasks' FS/KernelGsBase/LDTR.  Negative control only.         *\n");
		kprintf("hoststate: ******************************************************************\n");
	}
}

/* Where the snapshot is read from and written to: the VMCB save area at
 * +0x400 (right), or the start of the page (the proposal's bug). */
static struct vmcb_save *snapshot_area(struct svm_cpu *sc)
{
	if (hoststate_policy == HOSTSAVE_SEEDBUG)
		return (struct vmcb_save *)(void *)sc->host_area;
	return &sc->host_area->save;
}

static void host_vmsave(struct vcpu *v, struct svm_cpu *sc)
{
	svm_vmsave(sc->host_area_pa);
	sc->cnt.host_vmsave++;
	v->cnt.host_vmsave++;
}

static void take_snapshot(struct vcpu *v, struct svm_cpu *sc)
{
	const struct vmcb_save *s = snapshot_area(sc);
	v->snap.fs = s->fs;
	v->snap.ldtr = s->ldtr;
	v->snap.tr = s->tr;
	v->snap.kernel_gs_base = s->kernel_gs_base;
	v->snap_cpu = sc->cpu;
}

/* On sched-in (sched_in = true, from the preempt notifier) and when the
 * vCPU starts to run (false).  Interrupts are off. */
void vcpu_load(struct vcpu *v, u32 cpu, bool sched_in)
{
	struct svm_cpu *sc = svm_this_cpu();
	bool migrated = v->cpu != cpu;
	if (!sched_in) {
		v->cnt.loads_for_run++;
		sc->cnt.loads_for_run++;
	} else if (!migrated) {
		v->cnt.sched_in_same++;
		sc->cnt.sched_in_same++;
	} else {
		v->cnt.sched_in_migrated++;
		sc->cnt.sched_in_migrated++;
	}
	v->cpu = cpu;
	v->guest_state_loaded = false;
	if (hoststate_policy == HOSTSAVE_VMSAVE)
		return;
	/* cached and seedbug: VMSAVE at load for run, and after migration. */
	if (!sched_in || v->snap_cpu != cpu) {
		host_vmsave(v, sc);
		take_snapshot(v, sc);
	}
}

void vcpu_put(struct vcpu *v)
{
	if (!v->guest_state_loaded)
		v->cnt.unused_loads++;
	v->guest_state_loaded = false;
	gstate_put(v);
	v->cnt.puts++;
}

static void diff_check(struct vcpu *v, struct svm_cpu *sc)
{
	svm_vmsave(sc->scratch_pa);
	const struct vmcb_save *now = &sc->scratch->save;
	const struct vmcb_save *written = snapshot_area(sc);
	bool same = !memcmp(&now->fs, &written->fs, sizeof(now->fs)) &&
		    !memcmp(&now->ldtr, &written->ldtr, sizeof(now->ldtr)) &&
		    !memcmp(&now->tr, &written->tr, sizeof(now->tr)) &&
		    now->kernel_gs_base == written->kernel_gs_base;
	if (!same) {
		v->cnt.diff_mismatches++;
		sc->cnt.diff_mismatches++;
	}
}

/* Before VMRUN whenever the guest state is not loaded.  Interrupts off. */
void prepare_switch_to_guest(struct vcpu *v)
{
	if (v->guest_state_loaded)
		return;
	struct svm_cpu *sc = svm_this_cpu();
	v->cnt.prepare_calls++;
	sc->cnt.prepare_calls++;
	if (hoststate_policy == HOSTSAVE_VMSAVE) {
		host_vmsave(v, sc);
	} else {
		struct vmcb_save *s = snapshot_area(sc);
		s->fs = v->snap.fs;
		s->ldtr = v->snap.ldtr;
		s->tr = v->snap.tr;
		s->kernel_gs_base = v->snap.kernel_gs_base;
		if (hoststate_diff_check)
			diff_check(v, sc);
	}
	gstate_load(v, sc);
	v->guest_state_loaded = true;
}

/* Right after the stub's host VMLOAD, with GIF=0.  `cpu` is the CPU the
 * vCPU was loaded on, known without trusting GS. */
void hoststate_after_vmexit(struct vcpu *v, u32 cpu)
{
	struct percpu *pc = cpu_table[cpu];
	struct svm_cpu *sc = pc->svm;
	sc->cnt.host_vmload++;
	v->cnt.host_vmload++;
	if (!kopt.hostcheck)
		return;
	struct host_mismatch m;
	u32 bad = task_check_host_state(v->task, pc, &m);
	if (!bad)
		return;
	v->cnt.check_mismatches += bad;
	sc->cnt.check_mismatches += bad;
	__atomic_add_fetch(&hoststate_mismatch_total, bad, __ATOMIC_RELAXED);
	/* Repair first: printing goes through GS and FS. */
	task_restore_host_state(v->task, pc);
	if (!__atomic_exchange_n(&first_mismatch_reported, 1, __ATOMIC_RELAXED))
		kprintf("hoststate: MISMATCH on CPU %u, task '%s', vCPU %s/%u: %s expected %#lx, "
			"found %#lx (%u field(s) wrong; repaired, counting the rest)\n", cpu,
			v->task->name, v->guest->cfg.name, v->index, host_field_names[m.field],
			m.expected, m.found, bad);
}

void hoststate_counters_total(struct hs_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (u32 c = 0; c < ncpus_online; c++) {
		struct svm_cpu *sc = cpu_table[c]->svm;
		if (!sc)
			continue;
		sum->vmrun += sc->cnt.vmrun;
		sum->host_vmsave += sc->cnt.host_vmsave;
		sum->host_vmload += sc->cnt.host_vmload;
		sum->loads_for_run += sc->cnt.loads_for_run;
		sum->sched_in_same += sc->cnt.sched_in_same;
		sum->sched_in_migrated += sc->cnt.sched_in_migrated;
		sum->prepare_calls += sc->cnt.prepare_calls;
		sum->check_mismatches += sc->cnt.check_mismatches;
		sum->diff_mismatches += sc->cnt.diff_mismatches;
	}
}

void hoststate_reset_counters(void)
{
	for (u32 c = 0; c < ncpus_online; c++)
		if (cpu_table[c]->svm)
			memset(&cpu_table[c]->svm->cnt, 0, sizeof(cpu_table[c]->svm->cnt));
	hoststate_mismatch_total = 0;
	first_mismatch_reported = 0;
}

static void print_row(const char *who, const struct hs_counters *c)
{
	kprintf("hoststate: %-14s %10lu %8lu %10lu %8lu %8lu %8lu %9lu %9lu %6lu\n", who, c->vmrun,
		c->host_vmsave, c->host_vmload, c->loads_for_run, c->sched_in_same,
		c->sched_in_migrated, c->prepare_calls, c->check_mismatches, c->diff_mismatches);
}

void hoststate_print_counters(void)
{
	kprintf("hoststate: counters under policy '%s'\n", policy_names[hoststate_policy]);
	kprintf("hoststate: %-14s %10s %8s %10s %8s %8s %8s %9s %9s %6s\n", "", "VMRUN", "VMSAVE",
		"VMLOAD", "load-run", "in-same", "in-migr", "prepare", "mismatch", "diff");
	for (u32 c = 0; c < ncpus_online; c++) {
		struct svm_cpu *sc = cpu_table[c]->svm;
		if (!sc)
			continue;
		char who[16];
		ksnprintf(who, sizeof(who), "cpu %u", c);
		print_row(who, &sc->cnt);
	}
	struct hs_counters sum;
	hoststate_counters_total(&sum);
	print_row("total", &sum);
	kprintf("host-state mismatches: %lu\n", hoststate_mismatch_total);
}
