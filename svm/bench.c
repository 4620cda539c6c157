/* svm/bench.c - the world-switch benchmarks (svm/bench.h): bench=quick or
 * bench=full on the command line (bench_run, called from kernel/boot.c),
 * and the explicit KTAP suite "bench" (test=bench), which runs the quick
 * suite and checks what it produced and the host-state counters, never
 * the times.
 *
 * What runs, per round, each host-state policy in turn (A B A B ...):
 *   micro      one guest per benchmark body of svm/guests/k_bench_guest.asm,
 *              one vCPU alone on its CPU, timed by the guest itself;
 *   traced     the null hypercall through the one run loop with its trace
 *              points on (vmm/vmm.h: struct vcpu_trace), for the host breakdown;
 *   alone, turns, migrate, overcommit
 *              the scheduling scenarios (docs/benchmarking.md);
 * and once per round the floor: the null hypercall under svm_vmrun_floor.
 * After the rounds, the context-switch cost (bench/sched_switch.c).
 *
 * Samples are pooled over the rounds; the console gets a table and one
 * `BENCH {json}` line per result, after one `BENCHMETA {json}` line that
 * names the machine. */
#include "version.h"
#include "svm/bench.h"
#include "svm/svm.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/json.h"
#include "lib/sort.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"
#include "drivers/timer.h"
#include "hw/svmhv_hypercall.h"
#include "lib/muldiv.h"

/* svm/vmrun.asm: VMRUN / #VMEXIT / RIP += insn_len, `count` times. */
void svm_vmrun_floor(paddr_t vmcb_pa, struct vmcb *vmcb, u64 count, u64 insn_len);

extern const u8 guest_img_k_bench_guest[], guest_img_k_bench_guest_end[];

#define BENCH_TIMER_US	1
#define BENCH_WAKE_US	20	/* timer_wake: the guest timer whose lateness is measured */

static const struct bench_plan plans[] = {
	{ .name = "quick", .rounds = 3, .warmup = 200, .samples = 2000, .hlt_samples = 300,
	  .rt_samples = 1000, .migrate_every = 50 },
	{ .name = "full", .rounds = 7, .warmup = 1000, .samples = 10000, .hlt_samples = 2000,
	  .rt_samples = 5000, .migrate_every = 100 },
};

static const char *const body_names[BG_NR] = {
	[BG_BASELINE] = "baseline", [BG_VMMCALL] = "vmmcall", [BG_CPUID] = "cpuid",
	[BG_PIO] = "pio_in", [BG_RDMSR] = "rdmsr", [BG_WRMSR] = "wrmsr",
	[BG_MMIO] = "mmio_read", [BG_HLT] = "hlt_wake", [BG_YIELD] = "yield",
	[BG_TIMER] = "timer_wake",
};

static const char *const phase_names[BENCH_NPHASES] = {
	"exit", "to_handler", "handler", "to_vmrun", "entry",
};

static const int policies[] = { HOSTSAVE_VMSAVE, HOSTSAVE_CACHED };

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
	}
	r->has_counters = true;
}

/* timer_wake: a sample (arming to handler) less the timer's own period. */
static u64 timer_late_ns(u64 cycles)
{
	u64 ns = tsc_to_ns(cycles);
	return ns > BENCH_WAKE_US * 1000ULL ? ns - BENCH_WAKE_US * 1000ULL : 0;
}

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

static void run_on_cpu(u32 cpu, void (*fn)(void *), void *arg)
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
	struct bench_result *r = bench_result_new(body_names[body], "micro", label);
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
	run_on_cpu(cpu_a, floor_task, &j);
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
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), p->rt_samples);
		add_counters(r, g);
		r->round_trips += p->rt_samples;
		r->busy_cycles += guest_span(g);
	}
	vm_destroy(g);
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
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), 2 * p->rt_samples);
		add_counters(r, g);
		r->round_trips += 2ULL * p->rt_samples;
		r->busy_cycles += guest_span(g);
	}
	vm_destroy(g);
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
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), p->rt_samples);
		add_counters(r, g);
		r->round_trips += p->rt_samples;
		r->busy_cycles += guest_span(g);
	}
	vm_destroy(g);
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
	if (guest_finished(g, r)) {
		bench_result_round(r, guest_samples(g), nv * p->rt_samples);
		add_counters(r, g);
		r->round_trips += (u64)nv * p->rt_samples;
		r->busy_cycles += guest_span(g) * m;
	}
	vm_destroy(g);
}

/* ---------------- the machine ---------------- */

static char hv_sig[13];
static char machine_id[17];

static const char *platform_name(void)
{
	if (!cpu_info.hypervisor)
		return "hardware";
	if (!strcmp(hv_sig, "KVMKVMKVM"))
		return "KVM";
	if (!strcmp(hv_sig, "TCGTCGTCGTCG") || !hv_sig[0])
		return "QEMU (TCG)";
	return "hypervisor";
}

static u64 fnv1a(u64 h, const void *p, size_t n)
{
	const u8 *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* What identifies the machine a log came from: the CPU and what it says
 * about itself, the number of CPUs, and who is underneath.  Not the TSC
 * rate (a measurement) nor the firmware (the same machine boots both). */
static void machine_identify(void)
{
	memset(hv_sig, 0, sizeof(hv_sig));
	if (cpu_info.hypervisor) {
		u32 a, b, c, d;
		cpuid(0x40000000, &a, &b, &c, &d);
		memcpy(hv_sig, &b, 4);
		memcpy(hv_sig + 4, &c, 4);
		memcpy(hv_sig + 8, &d, 4);
		for (u32 i = 0; i < 12; i++)
			if (hv_sig[i] && ((u8)hv_sig[i] < 0x20 || (u8)hv_sig[i] > 0x7e))
				hv_sig[i] = '?';
	}
	u64 h = 0xcbf29ce484222325ULL;
	u32 words[] = { cpu_info.family, cpu_info.model, cpu_info.stepping, ncpus_online,
			cpu_info.svm_revision, cpu_info.svm_features, cpu_info.svm_nasid,
			cpu_info.hypervisor };
	h = fnv1a(h, cpu_info.vendor, strlen(cpu_info.vendor));
	h = fnv1a(h, cpu_info.brand, strlen(cpu_info.brand));
	h = fnv1a(h, words, sizeof(words));
	h = fnv1a(h, hv_sig, strlen(hv_sig));
	ksnprintf(machine_id, sizeof(machine_id), "%016lx", h);
}

static const char *brand(void)
{
	const char *b = cpu_info.brand;
	while (*b == ' ')
		b++;
	return *b ? b : "(no brand string)";
}

/* ---------------- output ---------------- */

static void emit_line(struct json_buf *j, const char *prefix)
{
	json_close(j);
	console_write(prefix, strlen(prefix));
	console_write(j->buf, j->len);
}

/* x per 1000 round trips, times 100 (two decimals). */
static u64 per_1k_x100(u64 x, u64 rt)
{
	return rt ? mul_div_u64(x, 100000, rt) : 0;
}

static u64 floor_median(void)
{
	for (u32 i = 0; i < bench_nresults; i++)
		if (!strcmp(bench_results[i].scenario, "floor") && bench_results[i].st.n)
			return bench_results[i].st.median;
	return 0;
}

static void print_meta(const struct bench_plan *p)
{
	struct json_buf j = { .len = 0 };
	json_add(&j, "{");
	json_str(&j, "suite", p->name);
	json_str(&j, "version", SVMHV_VERSION);
	json_str(&j, "machine_id", machine_id);
	json_str(&j, "cpu_vendor", cpu_info.vendor);
	json_str(&j, "cpu_brand", brand());
	json_u64(&j, "family", cpu_info.family);
	json_u64(&j, "model", cpu_info.model);
	json_u64(&j, "stepping", cpu_info.stepping);
	json_u64(&j, "cpus", ncpus_online);
	json_u64(&j, "tsc_hz", tsc_hz);
	json_str(&j, "tsc_source", timer_ref_name(tsc_source));
	json_bool(&j, "invariant_tsc", cpu_info.has_invariant_tsc);
	json_bool(&j, "hypervisor", cpu_info.hypervisor);
	json_str(&j, "hypervisor_sig", hv_sig);
	json_str(&j, "platform", platform_name());
	json_str(&j, "firmware", boot_info.efi_boot ? "UEFI" : "BIOS");
	json_bool(&j, "rdtscp", cpu_info.has_rdtscp);
	json_bool(&j, "nrip_save", cpu_info.svm_features & SVM_FEAT_NRIPS);
	json_bool(&j, "hostcheck", kopt.hostcheck);
	json_u64(&j, "rounds", p->rounds);
	json_u64(&j, "samples", p->samples);
	json_add(&j, ",\"policies\":[\"vmsave\",\"cached\"]");
	emit_line(&j, "BENCHMETA ");
}

static void print_json(const struct bench_result *r, u64 floor)
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
			json_add(&j, "%s\"%s\":%lu", i ? "," : "", phase_names[i], r->phase[i]);
		json_add(&j, "}");
	}
	if (r->ratio_x100)
		json_fixed(&j, "ratio_max_min", r->ratio_x100);
	if (!strcmp(r->bench, body_names[BG_HLT]))
		json_u64(&j, "early_wakes", r->early_wakes);
	if (!strcmp(r->bench, body_names[BG_TIMER]) && r->st.n) {
		json_u64(&j, "timer_us", BENCH_WAKE_US);
		json_u64(&j, "late_ns_median", timer_late_ns(r->st.median));
		json_u64(&j, "late_ns_p99", timer_late_ns(r->st.p99));
	}
	json_str(&j, "note", r->note);
	emit_line(&j, "BENCH ");
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

static void print_table(const struct bench_plan *p)
{
	u64 floor = floor_median();
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
		if (!strcmp(bench_results[i].bench, body_names[BG_TIMER]) && bench_results[i].st.n && !bench_results[i].failed)
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
		"VMSAVE guest, VMLOAD host); to_handler = host-state check, counters, STGI; handler = "
		"svm_handle_exit; to_vmrun = resched check, prepare_switch_to_guest, ASID, CLGI; entry = "
		"VMLOAD guest, registers, VMRUN, to the guest's next instruction\n");
	(void)p;
}

static void print_header(const struct bench_plan *p)
{
	kprintf("bench: world-switch benchmarks '%s': %u rounds, policies vmsave and cached alternating "
		"(A B A B), %u samples per micro benchmark after %u warm-up iterations\n", p->name,
		p->rounds, p->samples, p->warmup);
	kprintf("bench: cpu %s '%s' family %#x model %#x stepping %u, %u CPUs\n", cpu_info.vendor, brand(),
		cpu_info.family, cpu_info.model, cpu_info.stepping, ncpus_online);
	kprintf("bench: TSC %lu.%03lu MHz (%s), invariant TSC (CPUID 0x80000007 EDX[8]) %s; "
		"timestamps %s\n", tsc_hz / 1000000, (tsc_hz / 1000) % 1000, timer_ref_name(tsc_source),
		cpu_info.has_invariant_tsc ? "yes" : "NO", cpu_info.has_rdtscp ? "RDTSCP" : "LFENCE; RDTSC");
	kprintf("bench: firmware %s; platform %s (hypervisor bit %s%s%s); machine id %s\n",
		boot_info.efi_boot ? "UEFI" : "BIOS", platform_name(), cpu_info.hypervisor ? "set" : "clear",
		hv_sig[0] ? ", signature " : "", hv_sig, machine_id);
	if (cpu_info.hypervisor)
		kprintf("bench: WARNING: running under a hypervisor: these numbers describe the emulation, "
			"not an AMD CPU\n");
	if (!cpu_info.has_invariant_tsc)
		kprintf("bench: WARNING: no invariant TSC: TSC cycles may not be CPU cycles, and frequency "
			"changes move them\n");
	if (kopt.hostcheck)
		kprintf("bench: WARNING: hostcheck=1: every exit also runs the host-state check\n");
}

/* ---------------- the suite ---------------- */

static const struct bench_plan *plan_named(const char *mode)
{
	for (u32 i = 0; i < ARRAY_SIZE(plans); i++)
		if (!strcmp(plans[i].name, mode))
			return &plans[i];
	return NULL;
}

static void results_finish(void)
{
	for (u32 i = 0; i < bench_nresults; i++) {
		struct bench_result *r = &bench_results[i];
		stats_compute(r->samples, r->nsamples, &r->st);
		if (r->has_phases)
			for (u32 k = 0; k < BENCH_NPHASES; k++)
				r->phase[k] = bench_median_small(r->phase_round[k], r->rounds);
		if (!r->failed && !r->skipped && !r->st.n)
			bench_result_fail(r, "no samples");
	}
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

static void run_round(const struct bench_plan *p, u32 round)
{
	u64 host_per_rt = 0;
	run_floor(p, &host_per_rt);
	struct bench_result *fr = bench_result_new("vmmcall", "floor", "none");
	if (fr && host_per_rt)
		fr->host_per_rt = host_per_rt;
	for (u32 k = 0; k < ARRAY_SIZE(policies); k++) {
		int pol = policies[k];
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

int bench_run(const char *mode)
{
	const struct bench_plan *p = plan_named(mode);
	if (!p) {
		kprintf("bench: unknown suite '%s' (bench=quick or bench=full)\n", mode);
		return -EINVAL;
	}
	if (!svm_usable) {
		kprintf("bench: SVM is not usable (%s): no benchmarks\n", svm_unusable_reason);
		return -ENODEV;
	}
	bench_results_reset();
	machine_identify();
	cpu_a = ncpus_online > 1 ? 1 : 0;
	cpu_b = ncpus_online > 2 ? 2 : 0;
	print_header(p);
	struct pmm_stats mem0, mem1;
	frame_stats(&mem0);
	u64 t0 = rdtsc();
	for (u32 round = 0; round < p->rounds; round++)
		run_round(p, round);
	bench_switch_cost(p);
	hoststate_policy = kopt.hostsave;
	results_finish();

	print_table(p);
	print_meta(p);
	u64 floor = floor_median();
	int failed = 0;
	for (u32 i = 0; i < bench_nresults; i++) {
		print_json(&bench_results[i], floor);
		failed += bench_results[i].failed;
	}
	frame_stats(&mem1);
	kprintf("bench: %u results, %d failed, in %lu ms; free memory %lu KiB before, %lu KiB after "
		"(the pooled samples are kept)\n", bench_nresults, failed, tsc_to_ns(rdtsc() - t0) / 1000000,
		mem0.free_pages * 4, mem1.free_pages * 4);
	return failed;
}

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
		n += expected[i].per_policy ? ARRAY_SIZE(policies) : 1;
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
		if (r->cnt.vmload != r->cnt.vmrun) {
			bad_load++;
			which = r->bench;
		}
		if (!strcmp(r->policy, "cached") &&
		    r->cnt.vmsave != r->cnt.loads_for_run + r->cnt.sched_in_migrated) {
			bad_cached++;
			which = r->scenario;
		}
		if (!strcmp(r->policy, "vmsave") && r->cnt.vmsave != r->cnt.prepare) {
			bad_vmsave++;
			which = r->scenario;
		}
	}
	ktest_dyn_result(d, "counters: one host VMLOAD per VMRUN", seen && !bad_load ? KTEST_PASS : KTEST_FAIL,
			 "%u results, %u off (last %s)", seen, bad_load, which);
	ktest_dyn_result(d, "counters: cached does VMSAVE only at load and after migration",
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
			 f && !f->failed && f->st.n && phases == ARRAY_SIZE(policies) ? KTEST_PASS : KTEST_FAIL,
			 "floor %lu samples, %u breakdowns", f ? f->st.n : 0, phases);
}

static void run_bench_suite(struct ktest_dyn *d)
{
	ktest_dyn_plan(d, 1 + expected_count() + 3 + 4);
	int r = bench_run("quick");
	ktest_dyn_result(d, "quick suite ran", r >= 0 ? KTEST_PASS : KTEST_FAIL, "bench_run returned %d", r);
	for (u32 i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct expected *e = &expected[i];
		if (!e->per_policy) {
			check_present(d, e->bench, e->scenario, "none");
			continue;
		}
		for (u32 k = 0; k < ARRAY_SIZE(policies); k++)
			check_present(d, e->bench, e->scenario, hoststate_policy_name(policies[k]));
	}
	check_counters(d);
	check_scenarios(d);
}

KTEST_DYNAMIC_SUITE(bench, "bench", KTEST_NEEDS_SVM | KTEST_EXPLICIT, run_bench_suite);
