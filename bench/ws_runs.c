/* bench/ws_runs.c - the world-switch runs of one round (bench_ws_round,
 * called by bench/suite.c): guests of svm/guests/k_bench_guest.asm driven
 * through the ordinary vCPU tasks, the floor under svm_vmrun_floor, the
 * traced row from the one run loop's trace points, and the scheduling
 * scenarios, under each host-state policy in turn.
 *
 * Backend-specific on purpose: the results carry the SVM host-state
 * counters (struct hs_counters), the floor drives the VMCB itself, and the
 * policies and FPU modes are svm/'s; docs/architecture.md says why bench/
 * may include svm/ headers and nothing below it may include bench/. */
#include "bench/bench.h"
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/sort.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "drivers/timer.h"
#include "hw/svmhv_hypercall.h"

/* svm/vmrun.asm: VMRUN / #VMEXIT / RIP += insn_len, `count` times. */
void svm_vmrun_floor(paddr_t vmcb_pa, struct vmcb *vmcb, u64 count, u64 insn_len);

extern const u8 guest_img_k_bench_guest[], guest_img_k_bench_guest_end[];


const int bench_policies[BENCH_NPOLICIES] = { HOSTSAVE_VMSAVE, HOSTSAVE_CACHED, HOSTSAVE_LAZY };

static u32 cpu_a, cpu_b;	/* where single-vCPU guests run, and the migration's other CPU */

/* ---------------- statistics ---------------- */

static void add_counters(struct bench_result *r, struct vm *g)
{
	for (u32 i = 0; i < g->nvcpus; i++) {
		const struct hs_counters *c = &to_svm(g->vcpus[i])->cnt;
		r->cnt.vmrun += c->vmrun;
		r->cnt.vmsave += c->host_vmsave;
		r->cnt.vmload += c->host_vmload;
		r->cnt.loads_for_run += c->loads_for_run;
		r->cnt.sched_in_same += c->sched_in_same;
		r->cnt.sched_in_migrated += c->sched_in_migrated;
		r->cnt.prepare += c->prepare_calls;
		r->cnt.unused += c->unused_loads;
		r->cnt.lazy_rounds += c->lazy_rounds;
		r->cnt.lazy_ends += c->lazy_ends;
		const struct gstate_counters *f = &to_svm(g->vcpus[i])->gs.cnt;
		r->cnt.fpu_saves += f->saves;
		r->cnt.fpu_restores += f->restores;
		r->cnt.xcr0_writes += f->xcr0_writes;
	}
	r->has_counters = true;
}

/* timer_wake: a sample (arming to handler) less the timer's own period. */

/* ---------------- guests ---------------- */

static struct bench_mailbox *mailbox(struct vm *g)
{
	return (struct bench_mailbox *)(void *)(g->ram + BENCH_MAILBOX_GPA);
}

/* A guest that runs benchmark body `body` on `vcpus` vCPUs allowed on
 * CPUs lo..hi, `samples` timed iterations each after `warmup`. */
static struct vm *bench_guest(const char *name, enum bench_guest_id body, u32 vcpus, u32 lo, u32 hi,
				 u32 warmup, u32 samples)
{
	char s[128];
	ksnprintf(s, sizeof(s), "guest name=%s mem=%u vcpus=%u cpus=%u-%u timeout=60000", name,
		  BENCH_GUEST_MIB, vcpus, lo, hi);
	struct guest_cfg cfg;
	if (guest_cfg_parse(s, &cfg))
		return NULL;
	u64 stride = (u64)samples * sizeof(u64);
	if (BENCH_OUT_GPA + stride * vcpus > (u64)BENCH_GUEST_MIB << 20) {
		pr_err("bench: %u x %u samples do not fit the guest's RAM\n", vcpus, samples);
		return NULL;
	}
	struct vm *g = vm_create(&cfg, guest_img_k_bench_guest,
				       (size_t)(guest_img_k_bench_guest_end - guest_img_k_bench_guest));
	if (!g)
		return NULL;
	struct bench_mailbox *mb = mailbox(g);
	memset(mb, 0, sizeof(*mb));
	mb->magic = BENCH_MAGIC;
	mb->bench = body;
	mb->flags = cpu_info.has_rdtscp ? BENCH_FLAG_RDTSCP : 0;
	mb->warmup = warmup;
	mb->samples = samples;
	mb->out_gpa = BENCH_OUT_GPA;
	mb->out_stride = stride;
	mb->timer_us = body == BG_TIMER ? BENCH_WAKE_US : BENCH_TIMER_US;
	/* Long enough that the timer is due when the guest halts: the host
	 * then wakes it at once instead of sleeping until a tick. */
	mb->hlt_wait = ns_to_tsc(BENCH_TIMER_US * 1000ULL) + ns_to_tsc(500);
	mb->nvcpus = vcpus;
	return g;
}

static u64 *guest_samples(struct vm *g)
{
	return (u64 *)(void *)(g->ram + BENCH_OUT_GPA);
}

/* Did the guest get through its benchmark?  Says why not in the result. */
static bool guest_finished(struct vm *g, struct bench_result *r)
{
	struct bench_mailbox *mb = mailbox(g);
	if (g->stop == STOP_HYPERCALL && g->exit_status == 0 && mb->finished == mb->nvcpus)
		return true;
	const struct vmcb *vm = to_svm(g->vcpus[0])->vmcb;
	bench_result_fail(r, "guest stopped: %s, %u of %u vCPUs done; vCPU 0 at RIP %#lx, RFLAGS %#lx%s%s",
		    vm_stop_name(g->stop), mb->finished, mb->nvcpus, vm->save.rip, vm->save.rflags,
		    vm->control.vintr & VMCB_VINTR_IRQ ? ", V_IRQ" : "",
		    vm->control.int_shadow & VMCB_INT_SHADOW ? ", shadow" : "");
	return false;
}

/* First VMRUN to last #VMEXIT over the guest's vCPUs. */
static u64 guest_span(struct vm *g)
{
	u64 first = ~0ULL, last = 0;
	for (u32 i = 0; i < g->nvcpus; i++) {
		struct svm_vcpu *v = to_svm(g->vcpus[i]);
		if (v->first_vmrun_tsc && v->first_vmrun_tsc < first)
			first = v->first_vmrun_tsc;
		if (v->exit_tsc > last)
			last = v->exit_tsc;
	}
	return last > first ? last - first : 0;
}

void bench_run_on_cpu(u32 cpu, void (*fn)(void *), void *arg)
{
	cpumask_t m;
	cpumask_clear(&m);
	cpumask_set(&m, cpu);
	struct task_params p = { .name = "bench", .entry = fn, .arg = arg, .prio = PRIO_DEFAULT,
				 .cpu = (s32)cpu, .affinity = &m, .with_ldt = true };
	struct task *t = task_create(&p);
	if (t)
		task_join(t);
}

/* ---------------- micro: one body, one vCPU alone ---------------- */

static void run_micro_as(const struct bench_plan *p, enum bench_guest_id body, const char *label)
{
	struct bench_result *r = bench_result_new(bench_body_names[body], "micro", label);
	if (!r)
		return;
	bool slow = body == BG_HLT || body == BG_TIMER;
	u32 n = slow ? p->hlt_samples : p->samples;
	u32 warm = slow ? MIN(p->warmup, 20u) : p->warmup;
	struct vm *g = bench_guest("bench-micro", body, 1, cpu_a, cpu_a, warm, n);
	if (!g) {
		bench_result_fail(r, "guest not created");
		return;
	}
	vm_start(g);
	vm_wait(g);
	r->early_wakes += mailbox(g)->early_wakes;
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), n);
		add_counters(r, g);
		r->round_trips += warm + n;
	}
	vm_destroy(g);
}

static void run_micro(const struct bench_plan *p, enum bench_guest_id body, int policy)
{
	run_micro_as(p, body, hoststate_policy_name(policy));
}

/* ---------------- the floor ---------------- */

struct floor_job {
	struct vm *g;
	paddr_t host_pa;	/* our own VMSAVE area: no CPU's host save area is touched */
	u64 exits;
	u64 host_cycles;
	u64 exitcode, rax;
};

/* On the benchmark CPU with interrupts and preemption off: nothing but
 * VMMCALL exits can happen (with the host's IF clear, physical interrupts
 * stay pending instead of exiting), so RIP += 3 is always right.  The
 * first exit (the guest's opening HC_INFO) goes alone: it carries the new
 * ASID's TLB flush, which is then turned off as the run loop does. */
static void floor_task(void *arg)
{
	struct floor_job *j = arg;
	struct svm_vcpu *v = to_svm(j->g->vcpus[0]);
	preempt_disable();
	u64 f = irq_save();
	struct svm_cpu *sc = svm_this_cpu();
	v->task = current_task();
	svm_asid_assign(v, sc);
	svm_vmsave(j->host_pa);
	svm_clgi();
	v->vmcb->control.clean = vmcb_clean_before_vmrun(&v->clean, sc->cpu, v->vmcb_pa);
	svm_vmrun_floor(v->vmcb_pa, v->vmcb, 1, HC_VMMCALL_LEN);
	vmcb_clean_after_vmrun(&v->clean);
	/* From here on only RIP changes, which no clean bit covers. */
	v->vmcb->control.tlb_control = VMCB_TLB_CONTROL_NOTHING;
	v->vmcb->control.clean = vmcb_clean_before_vmrun(&v->clean, sc->cpu, v->vmcb_pa);
	u64 t0 = rdtsc();
	svm_vmrun_floor(v->vmcb_pa, v->vmcb, j->exits - 1, HC_VMMCALL_LEN);
	u64 t1 = rdtsc();
	vmcb_clean_after_vmrun(&v->clean);
	svm_vmload(j->host_pa);
	svm_stgi();
	gstate_cpu_clobbered(sc);
	irq_restore(f);
	preempt_enable();
	j->host_cycles = t1 - t0;
	j->exitcode = v->vmcb->control.exitcode;
	j->rax = v->vmcb->save.rax;
}

static void run_floor(const struct bench_plan *p, u64 *host_per_rt)
{
	struct bench_result *r = bench_result_new("vmmcall", "floor", "none");
	if (!r)
		return;
	struct vm *g = bench_guest("bench-floor", BG_VMMCALL, 1, cpu_a, cpu_a, p->warmup, p->samples);
	paddr_t pa;
	if (!g || frame_alloc(1, 1, &pa)) {
		bench_result_fail(r, "guest or page not created");
		vm_destroy(g);
		return;
	}
	/* HC_INFO, warm-up, samples, then the exit hypercall: the guest is
	 * left there.  SMIs are left to the firmware rather than intercepted:
	 * on hardware one would otherwise exit and be taken for a VMMCALL. */
	to_svm(g->vcpus[0])->vmcb->control.intercept1 &= ~(u32)SVM_INTERCEPT1_SMI;
	struct floor_job j = { .g = g, .host_pa = pa, .exits = 1ULL + p->warmup + p->samples + 1 };
	bench_run_on_cpu(cpu_a, floor_task, &j);
	struct bench_mailbox *mb = mailbox(g);
	if (j.exitcode != SVM_EXIT_VMMCALL || j.rax != HC_EXIT || mb->finished != 1) {
		bench_result_fail(r, "floor out of step: last exit %#lx, RAX %#lx, %u finished", j.exitcode,
			    j.rax, mb->finished);
	} else {
		bench_result_round(r, guest_samples(g), p->samples);
		r->has_counters = true;
		r->cnt.vmrun += j.exits;
		r->round_trips += p->warmup + p->samples;
		*host_per_rt = j.host_cycles / (j.exits - 1);
	}
	frame_free(pa, 1);
	vm_destroy(g);
}

/* ---------------- traced: where the host's cycles go ---------------- */

/* Splits each clean iteration (no other exit inside it) into the five
 * phases; returns how many were clean. */
static u32 traced_phases(const struct vcpu_trace *j, const u64 *samples, u32 warmup, u32 nsamples,
			 u64 *ph[BENCH_NPHASES])
{
	u32 k = 0, clean = 0;
	for (u32 i = 0; i < j->n; i++) {
		const struct vcpu_trace_rec *e = &j->rec[i];
		if (e->code != SVM_EXIT_VMMCALL || (u32)e->nr != HC_NOP)
			continue;
		u32 idx = k++;
		if (idx < warmup || idx - warmup >= nsamples || i == 0 || i + 1 >= j->n)
			continue;
		const struct vcpu_trace_rec *prev = &j->rec[i - 1], *next = &j->rec[i + 1];
		u64 end = e->r8 + samples[idx - warmup];
		if (prev->t_back >= e->r8 || next->t_back <= end || next->t_entry <= e->t_h1 ||
		    end <= next->t_entry || e->t_back <= e->r8)
			continue;
		ph[0][clean] = e->t_back - e->r8;
		ph[1][clean] = e->t_h0 - e->t_back;
		ph[2][clean] = e->t_h1 - e->t_h0;
		ph[3][clean] = next->t_entry - e->t_h1;
		ph[4][clean] = end - next->t_entry;
		clean++;
	}
	return clean;
}

static void run_traced(const struct bench_plan *p, int policy)
{
	struct bench_result *r = bench_result_new("vmmcall", "traced", hoststate_policy_name(policy));
	if (!r)
		return;
	struct vm *g = bench_guest("bench-traced", BG_VMMCALL, 1, cpu_a, cpu_a, p->warmup, p->samples);
	struct vcpu_trace j = { .cap = 2 * (p->warmup + p->samples) + 256 };
	j.rec = kzalloc(j.cap * sizeof(struct vcpu_trace_rec));
	u64 *ph[BENCH_NPHASES] = { NULL };
	bool mem = j.rec != NULL;
	for (u32 i = 0; i < BENCH_NPHASES; i++)
		mem = mem && (ph[i] = kmalloc(p->samples * sizeof(u64))) != NULL;
	if (!g || !mem) {
		bench_result_fail(r, "guest or memory for the trace not available");
		goto out;
	}
	g->vcpus[0]->trace = &j;	/* the trace points of the one run loop */
	vm_start(g);
	vm_wait(g);
	if (!guest_finished(g, r))
		goto out;
	u64 *s = guest_samples(g);
	u32 clean = traced_phases(&j, s, p->warmup, p->samples, ph);
	bench_result_round(r, s, p->samples);
	add_counters(r, g);
	r->round_trips += p->warmup + p->samples;
	if (!clean) {
		bench_result_fail(r, "no clean iteration to split");
		goto out;
	}
	r->has_phases = true;
	for (u32 i = 0; i < BENCH_NPHASES && r->rounds; i++) {
		sort_u64(ph[i], clean);
		r->phase_round[i][r->rounds - 1] = ph[i][(clean - 1) / 2];
	}
out:
	for (u32 i = 0; i < BENCH_NPHASES; i++)
		kfree(ph[i]);
	kfree(j.rec);
	vm_destroy(g);
}

/* ---------------- scheduling scenarios ---------------- */

/* After a scenario's guest stopped: its n samples, its counters, and the
 * CPU time it took (`cpus` CPUs busy from its first VMRUN to its last
 * exit); then the guest is destroyed. */
static void scenario_finish(struct bench_result *r, struct vm *g, u32 n, u32 cpus)
{
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), n);
		add_counters(r, g);
		r->round_trips += n;
		r->busy_cycles += guest_span(g) * cpus;
	}
	vm_destroy(g);
}

/* (a) one vCPU alone on its CPU, null hypercalls. */
static void scenario_alone(const struct bench_plan *p, int policy)
{
	struct bench_result *r = bench_result_new("vmmcall", "alone", hoststate_policy_name(policy));
	if (!r)
		return;
	struct vm *g = bench_guest("bench-alone", BG_VMMCALL, 1, cpu_a, cpu_a, 0, p->rt_samples);
	if (!g) {
		bench_result_fail(r, "guest not created");
		return;
	}
	vm_start(g);
	vm_wait(g);
	scenario_finish(r, g, p->rt_samples, 1);
}

/* (b) two vCPUs pinned to one CPU taking turns with HC_YIELD: a sample is
 * one vCPU's yield until it runs again, the other's turn included. */
static void scenario_turns_as(const struct bench_plan *p, const char *label)
{
	struct bench_result *r = bench_result_new("yield", "turns", label);
	if (!r)
		return;
	struct vm *g = bench_guest("bench-turns", BG_YIELD, 2, cpu_a, cpu_a, 0, p->rt_samples);
	if (!g) {
		bench_result_fail(r, "guest not created");
		return;
	}
	vm_start(g);
	vm_wait(g);
	scenario_finish(r, g, 2 * p->rt_samples, 1);
}

static void scenario_turns(const struct bench_plan *p, int policy)
{
	scenario_turns_as(p, hoststate_policy_name(policy));
}

/* (c) one vCPU moved between two CPUs every `migrate_every` exits by this
 * task, which narrows its affinity to the other CPU each time. */
static void scenario_migrate(const struct bench_plan *p, int policy)
{
	struct bench_result *r = bench_result_new("vmmcall", "migrate", hoststate_policy_name(policy));
	if (!r)
		return;
	if (ncpus_online < 2) {
		bench_result_skip(r, "needs 2 CPUs");
		return;
	}
	struct vm *g = bench_guest("bench-migrate", BG_VMMCALL, 1, cpu_a, cpu_a, 0, p->rt_samples);
	if (!g) {
		bench_result_fail(r, "guest not created");
		return;
	}
	vm_start(g);
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	struct task *t = g->tasks[0];
	u32 where = cpu_a;
	u64 next = p->migrate_every;
	bool share = cpu_b == this_cpu_id();	/* with 2 CPUs we share one with the vCPU */
	while (!READ_ONCE(g->stop)) {
		if (READ_ONCE(v->cnt.vmrun) >= next) {
			where = where == cpu_a ? cpu_b : cpu_a;
			cpumask_t m;
			cpumask_clear(&m);
			cpumask_set(&m, where);
			sched_set_affinity(t, &m);
			next = READ_ONCE(v->cnt.vmrun) + p->migrate_every;
		}
		if (share)
			sched_yield();
		else
			cpu_relax();
	}
	vm_wait(g);
	scenario_finish(r, g, p->rt_samples, 1);
}

/* (d) 2M vCPUs on M CPUs, with one host task per CPU at a higher priority
 * that wakes about every millisecond and runs for a while: vCPUs are
 * preempted, and moved by the idle balancer. */
static volatile bool hog_stop;

static void host_hog(void *arg)
{
	u64 seed = (u64)arg * 0x9e3779b97f4a7c15ULL + 1;
	while (!READ_ONCE(hog_stop)) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		sched_sleep_ns(200000 + seed % 600000);
		u64 until = rdtsc() + ns_to_tsc(20000 + (seed >> 20) % 80000);
		while (rdtsc() < until && !READ_ONCE(hog_stop))
			cpu_relax();
	}
}

static void scenario_overcommit(const struct bench_plan *p, int policy)
{
	struct bench_result *r = bench_result_new("vmmcall", "overcommit", hoststate_policy_name(policy));
	if (!r)
		return;
	u32 lo = ncpus_online > 1 ? 1 : 0, m = ncpus_online > 1 ? ncpus_online - 1 : 1;
	m = MIN(m, GUEST_VCPUS_MAX / 2);
	u32 hi = lo + m - 1, nv = 2 * m;
	struct vm *g = bench_guest("bench-overcommit", BG_VMMCALL, nv, lo, hi, 0, p->rt_samples);
	if (!g) {
		bench_result_fail(r, "guest not created");
		return;
	}
	struct task *hogs[MAX_CPUS] = { NULL };
	hog_stop = false;
	for (u32 c = lo; c <= hi; c++) {
		cpumask_t mask;
		cpumask_clear(&mask);
		cpumask_set(&mask, c);
		struct task_params tp = { .name = "bench-hog", .entry = host_hog, .arg = (void *)(u64)c,
					  .prio = PRIO_DEFAULT - 2, .cpu = (s32)c, .affinity = &mask,
					  .with_ldt = true };
		hogs[c] = task_create(&tp);
	}
	vm_start(g);
	vm_wait(g);
	hog_stop = true;
	for (u32 c = lo; c <= hi; c++)
		if (hogs[c])
			task_join(hogs[c]);
	scenario_finish(r, g, nv * p->rt_samples, m);
}

/* Guest FPU/XCR0/DR0-3 switching (svm/gstate.c): the default, lazy with a
 * per-CPU owner, against eager XRSTOR/XSAVE around every VMRUN, under the
 * cached host-state policy; results under policy "fpu-lazy"/"fpu-eager".
 * An exit handled in the kernel costs lazy nothing; a vCPU switch costs it
 * one save and (another vCPU having used the CPU) one restore. */
static const int fpu_modes[] = { GSTATE_LAZY, GSTATE_EAGER };
static const char *const fpu_labels[] = { "fpu-lazy", "fpu-eager" };	/* results keep the pointer */

static void run_fpu_modes(const struct bench_plan *p, u32 round)
{
	hoststate_policy = HOSTSAVE_CACHED;
	for (u32 k = 0; k < ARRAY_SIZE(fpu_modes); k++) {
		const char *label = fpu_labels[k];
		kprintf("bench: round %u/%u, guest FPU switching %s\n", round + 1, p->rounds,
			gstate_mode_name(fpu_modes[k]));
		gstate_set_mode(fpu_modes[k]);
		run_micro_as(p, BG_VMMCALL, label);
		run_micro_as(p, BG_CPUID, label);
		scenario_turns_as(p, label);
	}
	gstate_set_mode(GSTATE_LAZY);
}

void bench_ws_round(const struct bench_plan *p, u32 round)
{
	u64 host_per_rt = 0;
	run_floor(p, &host_per_rt);
	struct bench_result *fr = bench_result_new("vmmcall", "floor", "none");
	if (fr && host_per_rt)
		fr->host_per_rt = host_per_rt;
	for (u32 k = 0; k < BENCH_NPOLICIES; k++) {
		int pol = bench_policies[k];
		hoststate_policy = pol;
		kprintf("bench: round %u/%u, policy %s\n", round + 1, p->rounds, hoststate_policy_name(pol));
		for (u32 b = 0; b < BG_NR; b++)
			if (b != BG_YIELD)
				run_micro(p, (enum bench_guest_id)b, pol);
		run_traced(p, pol);
		scenario_alone(p, pol);
		scenario_turns(p, pol);
		scenario_migrate(p, pol);
		scenario_overcommit(p, pol);
	}
	run_fpu_modes(p, round);
	hoststate_policy = kopt.hostsave;
}

/* Where the runs go: single-vCPU guests on CPU 1 (CPU 0 takes the
 * console and the boot task), migrations between CPUs 1 and 2, as far as
 * the machine has them. */
u32 bench_ws_cpu(void)
{
	return cpu_a;
}

void bench_ws_place(void)
{
	cpu_a = ncpus_online > 1 ? 1 : 0;
	cpu_b = ncpus_online > 2 ? 2 : 0;
}
