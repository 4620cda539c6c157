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
 * vcpu_load latches the policy for the load; the snapshot carries the CPU,
 * the load it serves and the task's hs_gen, and is retaken when the task
 * changed its own FS base, KernelGsBase or LDT since.
 *
 * Checks (hostcheck=1): after each host VMLOAD, the CPU's state, read by
 * VMSAVE into the CPU's scratch page, is compared field by field with what
 * the current task and CPU must have (sched/task_check.c); every mismatch
 * is counted and repaired by VMLOAD of the right state, so the count is
 * complete.  The differential check (on in test runs) VMSAVEs into the
 * scratch page right after the snapshot was written and compares the
 * per-task fields byte for byte.  hostfault=FIELD corrupts one field of
 * the host save area on some `cached` loads, to show the check firing. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "sched/task_check.h"

int hoststate_policy = HOSTSAVE_CACHED;
int hoststate_fault;
bool hoststate_diff_check;
bool hoststate_ignore_generation;
void (*hoststate_exit_hook)(struct svm_vcpu *v);
u64 hoststate_mismatch_total;
u64 hoststate_group_mismatches[HG_COUNT];
volatile int hoststate_first_group = -1;
static volatile u32 first_mismatch_reported;

/* sched/'s host_seg is the VMCB's segment, field for field. */
_Static_assert(sizeof(struct host_seg) == sizeof(struct vmcb_seg), "host_seg is a vmcb_seg");
_Static_assert(offsetof(struct host_seg, attrib) == offsetof(struct vmcb_seg, attrib), "attrib");
_Static_assert(offsetof(struct host_seg, limit) == offsetof(struct vmcb_seg, limit), "limit");
_Static_assert(offsetof(struct host_seg, base) == offsetof(struct vmcb_seg, base), "base");

static const char *const policy_names[HOSTSAVE_NR] = { "vmsave", "cached", "seedbug", "lazy",
							    "lazybug" };

const char *hoststate_policy_name(int p)
{
	return p >= 0 && p < HOSTSAVE_NR ? policy_names[p] : "?";
}

int hoststate_fault_parse(const char *name)
{
	if (!name[0] || !strcmp(name, "none"))
		return 0;
	for (u32 g = 0; g < HG_COUNT; g++)
		if (!strcmp(name, host_group_names[g]))
			return (int)g + 1;
	kprintf("options: hostfault=%s: expected one of none", name);
	for (u32 g = 0; g < HG_COUNT; g++)
		kprintf(", %s", host_group_names[g]);
	kprintf("; keeping none\n");
	return 0;
}

void hoststate_print_policy(void)
{
	kprintf("hoststate: policy '%s'%s%s\n", policy_names[hoststate_policy],
		kopt.hostcheck ? ", host-state check after every VMLOAD" : "",
		hoststate_diff_check ? ", differential check after every write-back" : "");
	if (hoststate_fault)
		kprintf("hoststate: hostfault=%s: that field of the host save area is corrupted on "
			"every 4th `cached` load (negative control)\n",
			host_group_names[hoststate_fault - 1]);
	if (hoststate_policy == HOSTSAVE_LAZYBUG)
		kprintf("hoststate: WARNING: hostsave=lazybug leaves the guest's TR, LDTR, KernelGsBase "
			"and syscall MSRs in the CPU after a lazy window, on purpose: negative control "
			"only\n");
	if (hoststate_policy == HOSTSAVE_SEEDBUG) {
		kprintf("hoststate: ******************************************************************\n");
		kprintf("hoststate: * WARNING: hostsave=seedbug is the broken 2024 proposal, on purpose: *\n");
		kprintf("hoststate: * the snapshot lives at offset 0 instead of +0x400, so tasks get     *\n");
		kprintf("hoststate: * other tasks' FS/KernelGsBase/LDTR.  Negative control only.         *\n");
		kprintf("hoststate: ******************************************************************\n");
	}
}

static void state_from_save(const struct vmcb_save *s, struct host_state *hs)
{
	memcpy(&hs->fs, &s->fs, sizeof(hs->fs));
	memcpy(&hs->gs, &s->gs, sizeof(hs->gs));
	memcpy(&hs->tr, &s->tr, sizeof(hs->tr));
	memcpy(&hs->ldtr, &s->ldtr, sizeof(hs->ldtr));
	hs->kernel_gs_base = s->kernel_gs_base;
	hs->star = s->star;
	hs->lstar = s->lstar;
	hs->cstar = s->cstar;
	hs->sfmask = s->sfmask;
	hs->sysenter_cs = s->sysenter_cs;
	hs->sysenter_esp = s->sysenter_esp;
	hs->sysenter_eip = s->sysenter_eip;
}

static void state_to_save(const struct host_state *hs, struct vmcb_save *s)
{
	memcpy(&s->fs, &hs->fs, sizeof(hs->fs));
	memcpy(&s->gs, &hs->gs, sizeof(hs->gs));
	memcpy(&s->tr, &hs->tr, sizeof(hs->tr));
	memcpy(&s->ldtr, &hs->ldtr, sizeof(hs->ldtr));
	s->kernel_gs_base = hs->kernel_gs_base;
	s->star = hs->star;
	s->lstar = hs->lstar;
	s->cstar = hs->cstar;
	s->sfmask = hs->sfmask;
	s->sysenter_cs = hs->sysenter_cs;
	s->sysenter_esp = hs->sysenter_esp;
	s->sysenter_eip = hs->sysenter_eip;
}

/* On each CPU as SVM is enabled, right after the first VMSAVE into its
 * host save area.  LTR marks the GDT's descriptor busy, but QEMU leaves
 * the available type (9) in the hidden TR, where hardware has the busy one
 * (0xB); every CPU is given the busy type here so TR is one defined value
 * the checks can hold it to. */
void hoststate_cpu_init(struct svm_cpu *sc)
{
	sc->host_area->save.tr.attrib = HOST_TR_ATTRIB;
	svm_vmload(sc->host_area_pa);
}

/* Once, on the boot CPU after hoststate_cpu_init: the common fields (the
 * syscall MSRs and the hidden parts of the null FS and GS) as boot left
 * them are what every CPU must have after every VMLOAD. */
void hoststate_record_boot(struct svm_cpu *sc)
{
	struct host_state hs;
	svm_vmsave(sc->scratch_pa);
	state_from_save(&sc->scratch->save, &hs);
	task_check_record_boot(&hs);
}

/* Where the snapshot is read from and written to: the VMCB save area at
 * +0x400 (right), or the start of the page (the proposal's bug). */
static struct vmcb_save *snapshot_area(struct svm_cpu *sc, int policy)
{
	if (policy == HOSTSAVE_SEEDBUG)
		return (struct vmcb_save *)(void *)sc->host_area;
	return &sc->host_area->save;
}

static void host_vmsave(struct svm_vcpu *v, struct svm_cpu *sc)
{
	svm_vmsave(sc->host_area_pa);
	sc->cnt.host_vmsave++;
	v->cnt.host_vmsave++;
}

static void take_snapshot(struct svm_vcpu *v, struct svm_cpu *sc)
{
	const struct vmcb_save *s = snapshot_area(sc, v->load_policy);
	v->snap.fs = s->fs;
	v->snap.ldtr = s->ldtr;
	v->snap.tr = s->tr;
	v->snap.kernel_gs_base = s->kernel_gs_base;
	v->snap_cpu = sc->cpu;
	v->snap_policy = v->load_policy;
	v->snap_gen = v->task->hs_gen;
}

/* On sched-in (sched_in = true, from the preempt notifier) and when the
 * vCPU starts to run (false).  Interrupts are off.  The policy is latched
 * here: a change of hoststate_policy takes effect at the next load. */
void svm_vcpu_load(struct svm_vcpu *v, u32 cpu, bool sched_in)
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
	v->load_seq++;
	v->load_policy = hoststate_policy;
	if (v->load_policy == HOSTSAVE_VMSAVE) {
		v->snap_cpu = ~0u;	/* a later `cached` load starts afresh */
		return;
	}
	/* cached and seedbug: VMSAVE at load for run, and after migration.
	 * A same-CPU sched-in keeps the snapshot only if the previous load
	 * used one taken here under the same policy. */
	bool keep = sched_in && v->snap_cpu == cpu && v->snap_policy == v->load_policy &&
		    v->snap_load + 1 == v->load_seq;
	if (!keep) {
		if (sched_in && !migrated) {
			v->cnt.snap_retakes++;
			sc->cnt.snap_retakes++;
		}
		host_vmsave(v, sc);
		take_snapshot(v, sc);
	}
	v->snap_load = v->load_seq;
}

static void fault_undo(struct svm_cpu *sc)
{
	if (!sc->fault_active)
		return;
	sc->host_area->save = sc->fault_undo;
	sc->fault_active = false;
}

void svm_vcpu_put(struct svm_vcpu *v)
{
	if (v->lazy_live)
		panic("host-state lazy window", "vCPU %s/%u switched out with the guest's VMLOAD "
		      "state still in CPU %u", v->vm->cfg.name, v->index, v->cpu);
	if (!v->guest_state_loaded)
		v->cnt.unused_loads++;
	v->guest_state_loaded = false;
	gstate_put(v);
	v->cnt.puts++;
	fault_undo(svm_this_cpu());
}

static void diff_check(struct svm_vcpu *v, struct svm_cpu *sc)
{
	svm_vmsave(sc->scratch_pa);
	const struct vmcb_save *now = &sc->scratch->save;
	const struct vmcb_save *written = snapshot_area(sc, v->load_policy);
	bool same = !memcmp(&now->fs, &written->fs, sizeof(now->fs)) &&
		    !memcmp(&now->ldtr, &written->ldtr, sizeof(now->ldtr)) &&
		    !memcmp(&now->tr, &written->tr, sizeof(now->tr)) &&
		    now->kernel_gs_base == written->kernel_gs_base;
	if (!same) {
		v->cnt.diff_mismatches++;
		sc->cnt.diff_mismatches++;
	}
}

/* hostfault=: wrong values the host can survive between the VMLOAD and the
 * check's repair (GIF=0, nothing runs in between): valid memory of the
 * right kind, only not this task's or this CPU's. */
static struct task_local decoy_local = { .self = &decoy_local, .magic = TASK_LOCAL_MAGIC };
static struct percpu decoy_percpu;
static u64 decoy_ldt[2];

static void fault_inject(struct svm_cpu *sc, enum host_group g)
{
	struct vmcb_save *s = &sc->host_area->save;
	struct percpu *other = ncpus_online > 1 ? cpu_table[(sc->cpu + 1) % ncpus_online] : NULL;
	sc->fault_undo = *s;
	sc->fault_active = true;
	sc->cnt.faults++;
	switch (g) {
	case HG_FS:		s->fs.base = (u64)&decoy_local; break;
	case HG_GS:		s->gs.base = other ? (u64)other : (u64)&decoy_percpu; break;
	case HG_TR:		s->tr.base = other ? (u64)&other->tss : (u64)&decoy_percpu.tss; break;
	case HG_LDTR:		s->ldtr.base = (u64)decoy_ldt; s->ldtr.limit = sizeof(decoy_ldt) - 1; break;
	case HG_KERNEL_GS_BASE:	s->kernel_gs_base ^= 0x1000; break;
	case HG_STAR:		s->star ^= 0x0010001000000000ULL; break;
	case HG_LSTAR:		s->lstar ^= 0x1000; break;
	case HG_CSTAR:		s->cstar ^= 0x1000; break;
	case HG_SFMASK:		s->sfmask ^= 0x200; break;
	case HG_SYSENTER_CS:	s->sysenter_cs ^= 0x8; break;
	case HG_SYSENTER_ESP:	s->sysenter_esp ^= 0x1000; break;
	case HG_SYSENTER_EIP:	s->sysenter_eip ^= 0x1000; break;
	default:		sc->fault_active = false; break;
	}
}

/* Before VMRUN whenever the guest state is not loaded, or the task changed
 * its own host state since it was (hs_gen): svm/run.c calls it when
 * hoststate_guest_ready() says so.  Interrupts off. */
void prepare_switch_to_guest(struct svm_vcpu *v)
{
	u64 gen = v->task->hs_gen;
	if (hoststate_guest_ready(v))
		return;
	struct svm_cpu *sc = svm_this_cpu();
	v->cnt.prepare_calls++;
	sc->cnt.prepare_calls++;
	if (v->load_policy == HOSTSAVE_VMSAVE) {
		host_vmsave(v, sc);
	} else {
		if (v->snap_cpu != sc->cpu || v->snap_load != v->load_seq ||
		    v->snap_policy != v->load_policy)
			panic("host-state snapshot", "vCPU %s/%u before VMRUN on CPU %u: expected a "
			      "snapshot taken on CPU %u for load %lu under '%s', found CPU %d, load %lu, "
			      "'%s'", v->vm->cfg.name, v->index, sc->cpu, sc->cpu, v->load_seq,
			      hoststate_policy_name(v->load_policy), (int)v->snap_cpu, v->snap_load,
			      hoststate_policy_name(v->snap_policy));
		if (v->snap_gen != gen && !hoststate_ignore_generation) {
			/* The CPU holds the task's new values: save them again. */
			host_vmsave(v, sc);
			take_snapshot(v, sc);
			v->cnt.snap_retakes++;
			sc->cnt.snap_retakes++;
		}
		struct vmcb_save *s = snapshot_area(sc, v->load_policy);
		s->fs = v->snap.fs;
		s->ldtr = v->snap.ldtr;
		s->tr = v->snap.tr;
		s->kernel_gs_base = v->snap.kernel_gs_base;
		if (hoststate_diff_check)
			diff_check(v, sc);
		if (hoststate_fault && v->load_policy == HOSTSAVE_CACHED && !sc->fault_active &&
		    ++sc->fault_tick % 4 == 0)
			fault_inject(sc, (enum host_group)(hoststate_fault - 1));
	}
	gstate_load(v, sc);
	v->guest_state_loaded = true;
	v->loaded_gen = gen;
}

/* Puts the right host state into the CPU by VMLOAD, which sets every
 * field, hidden parts included, exactly; `found` is in sc->scratch. */
static void repair(const struct task *t, struct percpu *pc, struct svm_cpu *sc)
{
	struct host_state exp;
	task_expected_host_state(t, pc, &exp);
	if (!t->ldt)
		exp.ldtr.attrib = sc->scratch->save.ldtr.attrib;
	state_to_save(&exp, &sc->scratch->save);
	svm_vmload(sc->scratch_pa);
}

static void group_list(u32 groups, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (u32 g = 0; g < HG_COUNT && n < size; g++)
		if (groups & BIT(g))
			n += ksnprintf(buf + n, size - n, "%s%s", n ? " " : "", host_group_names[g]);
}

u32 hoststate_check_task(const struct task *t, struct percpu *pc, struct host_mismatch *m)
{
	struct host_state found;
	svm_vmsave(pc->svm->scratch_pa);
	state_from_save(&pc->svm->scratch->save, &found);
	return task_check_host_state(t, pc, &found, m);
}

/* Right after the stub's host VMLOAD, with GIF=0, when hostcheck=1 or a
 * test's hook asks (svm/run.c counts the VMLOAD itself and calls this only
 * then).  `cpu` is the CPU the vCPU was loaded on, known without trusting
 * GS: nothing here may use GS, FS or the TSS until repair() has run, since
 * any of them may be wrong. */
void hoststate_after_vmexit(struct svm_vcpu *v, u32 cpu)
{
	struct percpu *pc = cpu_table[cpu];
	struct svm_cpu *sc = pc->svm;
	if (kopt.hostcheck) {
		struct host_state found;
		struct host_mismatch m;
		svm_vmsave(sc->scratch_pa);
		state_from_save(&sc->scratch->save, &found);
		u32 bad = task_check_host_state(v->task, pc, &found, &m);
		if (bad) {
			/* Repair first: printing goes through GS and FS. */
			repair(v->task, pc, sc);
			v->cnt.check_mismatches += bad;
			sc->cnt.check_mismatches += bad;
			__atomic_add_fetch(&hoststate_mismatch_total, bad, __ATOMIC_RELAXED);
			for (u32 g = 0; g < HG_COUNT; g++)
				if (m.groups & BIT(g))
					__atomic_add_fetch(&hoststate_group_mismatches[g], 1, __ATOMIC_RELAXED);
			if (!__atomic_exchange_n(&first_mismatch_reported, 1, __ATOMIC_RELAXED)) {
				char groups[160];
				group_list(m.groups, groups, sizeof(groups));
				hoststate_first_group = host_field_group(m.field);
				kprintf("hoststate: MISMATCH on CPU %u, task '%s', vCPU %s/%u: %s expected "
					"%#lx, found %#lx (%u field(s) wrong, in: %s; repaired, counting "
					"the rest)\n", cpu, v->task->name, v->vm->cfg.name, v->index,
					host_field_names[m.field], m.expected, m.found, bad, groups);
			}
		}
	}
	if (hoststate_exit_hook)
		hoststate_exit_hook(v);
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
		sum->snap_retakes += sc->cnt.snap_retakes;
		sum->faults += sc->cnt.faults;
		sum->lazy_rounds += sc->cnt.lazy_rounds;
		sum->lazy_ends += sc->cnt.lazy_ends;
	}
}

void hoststate_reset_counters(void)
{
	for (u32 c = 0; c < ncpus_online; c++)
		if (cpu_table[c]->svm)
			memset(&cpu_table[c]->svm->cnt, 0, sizeof(cpu_table[c]->svm->cnt));
	hoststate_mismatch_total = 0;
	memset(hoststate_group_mismatches, 0, sizeof(hoststate_group_mismatches));
	hoststate_first_group = -1;
	first_mismatch_reported = 0;
}

static void print_row(const char *who, const struct hs_counters *c)
{
	kprintf("hoststate: %-14s %10lu %8lu %10lu %8lu %8lu %8lu %9lu %9lu %6lu %10lu %8lu\n", who,
		c->vmrun, c->host_vmsave, c->host_vmload, c->loads_for_run, c->sched_in_same,
		c->sched_in_migrated, c->prepare_calls, c->check_mismatches, c->diff_mismatches,
		c->lazy_rounds, c->lazy_ends);
}

void hoststate_print_counters(void)
{
	kprintf("hoststate: counters under policy '%s'\n", policy_names[hoststate_policy]);
	kprintf("hoststate: %-14s %10s %8s %10s %8s %8s %8s %9s %9s %6s %10s %8s\n", "", "VMRUN",
		"VMSAVE", "VMLOAD", "load-run", "in-same", "in-migr", "prepare", "mismatch", "diff",
		"lazy", "lazy-end");
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
	if (sum.snap_retakes || sum.faults)
		kprintf("hoststate: %lu snapshot retake(s) (hs_gen or policy changed), %lu hostfault "
			"corruption(s)\n", sum.snap_retakes, sum.faults);
	if (hoststate_mismatch_total) {
		kprintf("hoststate: exits with mismatches, by field:");
		for (u32 g = 0; g < HG_COUNT; g++)
			if (hoststate_group_mismatches[g])
				kprintf(" %s=%lu", host_group_names[g], hoststate_group_mismatches[g]);
		kprintf("\n");
	}
}
