/* svm/run.c - one entry into an SVM guest, for the core's run loop
 * (vmm/vcpu.c, through svm_backend_ops.vcpu_run): with interrupts off,
 * prepare the host state (hoststate.c), the ASID and the interrupt to
 * offer; CLGI, check for pending host work inside the GIF=0 window, enable
 * interrupts (held by GIF until VMRUN, where a physical interrupt exits),
 * VMRUN through the stub, check the host state, collect what the exit says
 * about interrupts and events, STGI, and decode the exit (svm/exit.c).
 * The exits the core answers without work for the run loop (VMMCALL,
 * CPUID, RDMSR/WRMSR, IN/OUT) are answered and applied here, and the guest
 * entered again at once when the core says the run loop's turn has
 * nothing to do: the fused path (docs/architecture.md, the exit path).
 * The rules for the interrupt shadow, V_IRQ and EXITINTINFO are
 * docs/vcpu.md's. */
#include "svm/svm.h"
#include "svm/exit_fast.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"
#include "kernel/options.h"
#include "lib/string.h"
#include "vmm/dev/lapic.h"

/* Exceptions of the fault class: every vector but #DB, NMI, #BP and #OF
 * (traps, or either) and #DF and #MC (aborts). */
#define EXCP_TRAP_OR_ABORT	(BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(8) | BIT(18))

/* An exception svmhv raises for the instruction at RIP.  For a fault the
 * CPU sets RF in the RFLAGS image it pushes (APM vol. 2, 3.1.6, "Resume
 * Flag"), so that an instruction breakpoint on the faulting instruction
 * does not fire again when the handler returns to it; an injected event
 * is delivered with the RFLAGS in the VMCB, so RF goes there first (the
 * delivery clears it in the handler's RFLAGS).  kvm-unit-tests' idt_test
 * checks it for a #GP. */
void vcpu_inject_exception(struct svm_vcpu *v, u8 vector, bool has_err, u32 err)
{
	v->vmcb->control.eventinj = has_err ? vmcb_event_excp_err(vector, err) : vmcb_event_excp(vector);
	if (vector < 32 && !(EXCP_TRAP_OR_ABORT & BIT(vector)))
		v->vmcb->save.rflags |= RFLAGS_RF;
}

bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo, vcpu_debug_no_cr8_intercept;

/* ---- single-stepping one instruction ----
 *
 * An interrupt or NMI that must wait until the instruction at RIP retires
 * - the one in an interrupt shadow (after STI or MOV SS), or the IRET that
 * ends an NMI handler - waits for a trap: svmhv sets RFLAGS.TF and
 * intercepts #DB, and the single-step trap after the instruction exits
 * (dec_db, svm/exit.c).  While it steps, INTn is intercepted too: a
 * software interrupt would push TF into the guest's frame, so it is
 * injected by svmhv instead (dec_intn).  An instruction svmhv emulates
 * (RIP moved by an exit) ends the step as well.  Neither depends on the
 * CPU honouring the VMCB's shadow at VMRUN (QEMU 7.2's does not), nor on
 * how many exits come before the instruction retires.  The guest's own
 * TF and DR6 are put back when the step ends. */
void svm_step_begin(struct svm_vcpu *v, u8 why)
{
	struct vmcb *vm = v->vmcb;
	if (!v->step) {
		v->step_guest_tf = (vm->save.rflags & RFLAGS_TF) != 0;
		v->step_rip = vm->save.rip;
		v->step_dr6 = vm->save.dr6;
		vm->save.rflags |= RFLAGS_TF;
		vm->control.intercept_exceptions |= BIT(1);	/* #DB */
		vm->control.intercept1 |= SVM_INTERCEPT1_INTN;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
		v->ev.steps++;
	}
	v->step |= why;
}

void svm_step_end(struct svm_vcpu *v)
{
	struct vmcb *vm = v->vmcb;
	if (!v->step)
		return;
	vm->save.rflags = (vm->save.rflags & ~RFLAGS_TF) | (v->step_guest_tf ? RFLAGS_TF : 0);
	vm->control.intercept_exceptions &= ~BIT(1);
	vm->control.intercept1 &= ~SVM_INTERCEPT1_INTN;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
	v->step = 0;
}

/* An NMI goes in through EVENTINJ when none is being handled and no other
 * event goes in this entry.  After it, IRET is intercepted; NMIs stay
 * masked until that IRET has retired: RIP has left it, or a step over it
 * ended (with no vNMI, the only way to see an IRET complete).  In an
 * interrupt shadow (MOV SS blocks NMIs) the instruction is stepped over
 * first. */
static __attribute__((noinline)) void vcpu_offer_nmi(struct svm_vcpu *v, bool shadow)
{
	struct vmcb_control *c = &v->vmcb->control;
	if (v->irq.nmi_masked) {
		if (!v->nmi_iret || v->vmcb->save.rip == v->nmi_iret_rip) {
			/* The handler runs: one NMI latches behind it. */
			v->irq.nmi_pending = 1;
			if (v->nmi_iret)
				svm_step_begin(v, SVM_STEP_IRET);
			return;			/* else its IRET exits */
		}
		v->irq.nmi_masked = false;	/* the IRET retired */
		v->nmi_iret = false;
	}
	if (shadow) {
		svm_step_begin(v, SVM_STEP_SHADOW);
		return;
	}
	if (c->eventinj & VMCB_EVENT_VALID)
		return;
	c->eventinj = vmcb_event_nmi();
	v->irq.nmi_pending--;
	v->irq.nmi_masked = true;
	v->nmi_iret = false;
	c->intercept1 |= SVM_INTERCEPT1_IRET;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
}

/* A pc VM's TPR is V_TPR while the guest runs (CR8 without an exit): an
 * APIC-page write of TPR goes in before the entry. */
static __attribute__((noinline)) void vcpu_tpr_to_vmcb(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	u64 cr8 = vcpu_lapic_cr8(svm_vcpu_core(v));
	if ((c->vintr & VMCB_VINTR_TPR) != cr8) {
		c->vintr = (c->vintr & ~VMCB_VINTR_TPR) | cr8;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_TPR);
	}
}

/* MOV to CR8 exits (dec_cr8_write, svm/exit.c) while a vector waits on
 * what the guest writes there, and costs no exit at other times.  One
 * rule, two reasons for a waiting vector:
 * - V_IRQ holds it and the guest has not taken it yet (IF=0, or a TPR
 *   that masks it).  The architecture would let the CPU re-check V_IRQ
 *   against the new V_TPR on its own, but QEMU 7.2's TCG, the "hardware"
 *   svmhv is tested on, aborts the whole machine there: with
 *   V_INTR_MASKING, a CR8 write that leaves V_IRQ deliverable raises
 *   CPU_INTERRUPT_VIRQ without the iothread lock (helper_write_crN,
 *   "tcg_handle_interrupt: assertion failed"), which any guest could
 *   trigger with `cli; mov cr8` - a guest must never be able to stop the
 *   machine under svmhv.
 * - The local APIC's TPR alone holds it back (irq.tpr_held, a pc VM):
 *   then it is not in V_IRQ at all, and only the exit lets svmhv see the
 *   guest lower CR8 and offer it at once.
 * Set at every offer of the general case below, and dropped when the CPU
 * takes the V_IRQ vector (vcpu_collect_events: with no APIC the next
 * entry may not come through the general case). */
static void vcpu_cr8_intercept(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	bool on = (v->virq_in_vmcb && !vcpu_debug_no_cr8_intercept) || v->irq.tpr_held;
	bool now = (c->intercept_cr & SVM_INTERCEPT_CR_WRITE(8)) != 0;
	if (on == now)
		return;
	c->intercept_cr ^= SVM_INTERCEPT_CR_WRITE(8);
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
}

/* Right before VMRUN: an event to inject again, an NMI, and the vector the
 * core chose (irq.next) through V_IRQ - unless the guest sits in an
 * interrupt shadow (reported by the last exit, or the instruction being
 * stepped for it has not retired yet).  In a shadow the CPU must not take
 * them, and an emulator's VMRUN that ignores the shadow (QEMU's) would
 * deliver between STI and HLT; so the shadowed instruction is stepped over
 * (svm_step_begin) and they go in right after it.  An event injected this
 * entry ends the shadow itself.  With a local APIC the vector's class is
 * above TPR's (vcpu_lapic_offer) and V_INTR_PRIO carries it, so a guest
 * raising CR8 without an exit still holds it back; without one it is
 * offered whatever V_TPR says. */
static __attribute__((noinline)) void vcpu_offer_interrupts_general(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	/* A stepped instruction that svmhv emulated (RIP moved) has retired. */
	if (__builtin_expect(v->step, 0) && v->vmcb->save.rip != v->step_rip)
		svm_step_end(v);
	bool shadow = ((c->int_shadow & VMCB_INT_SHADOW) || (v->step & SVM_STEP_SHADOW)) &&
		      !vcpu_debug_ignore_shadow;
	if (v->pending_event && !(c->eventinj & VMCB_EVENT_VALID) &&
	    (!shadow || vmcb_event_type(v->pending_event) == VMCB_EVENT_TYPE_EXCP ||
	     vmcb_event_type(v->pending_event) == VMCB_EVENT_TYPE_SOFT)) {
		c->eventinj = v->pending_event;
		v->softint_injected = vmcb_event_type(v->pending_event) == VMCB_EVENT_TYPE_SOFT;
		v->pending_event = 0;
	}
	if (__builtin_expect(c->eventinj & VMCB_EVENT_VALID, 0)) {
		/* Delivering it ends the shadow; TF must not reach its frame. */
		shadow = false;
		c->int_shadow &= ~VMCB_INT_SHADOW;
		svm_step_end(v);
	}
	/* What vcpu_collect_events compares the exit with. */
	v->entry_shadow = (c->int_shadow & VMCB_INT_SHADOW) != 0;
	if (__builtin_expect(v->entry_shadow, 0))
		v->entry_rip = v->vmcb->save.rip;
	if (__builtin_expect(v->irq.nmi_pending, 0))
		vcpu_offer_nmi(v, shadow);
	if (v->lapic)
		vcpu_tpr_to_vmcb(v);
	/* With IF=0 the vector is offered even in a shadow: the guest can
	 * take it only once an instruction has set IF, and that instruction
	 * is past the shadow (or is the STI that opens a shadow of its own,
	 * which the emulator honours as it runs it).  Withheld instead, it
	 * would reach V_IRQ only at the next exit, and a guest that runs
	 * `sti` without one would never get it. */
	s32 vec = v->irq.next;
	bool if_on = (v->vmcb->save.rflags & RFLAGS_IF) != 0;
	bool want = vec >= 0 && (!shadow || !if_on);
	if (vec >= 0 && shadow && if_on) {
		v->ev.virq_withheld++;
		svm_step_begin(v, SVM_STEP_SHADOW);
	}
	if (want != v->virq_in_vmcb || (want && (u8)vec != v->virq_vmcb_vector)) {
		u64 vi = c->vintr & ~(VMCB_VINTR_IRQ | VMCB_VINTR_VECTOR | VMCB_VINTR_PRIO |
				      VMCB_VINTR_IGN_TPR);
		if (want) {
			u64 prio = v->lapic ? (u64)vec >> 4 : 0xf;
			vi |= VMCB_VINTR_IRQ | (prio << VMCB_VINTR_PRIO_SHIFT) |
			      ((u64)vec << VMCB_VINTR_VECTOR_SHIFT);
			if (!v->lapic)
				vi |= VMCB_VINTR_IGN_TPR;
			v->virq_vmcb_vector = (u8)vec;
		}
		c->vintr = vi;
		v->virq_in_vmcb = want;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_TPR);
	}
	vcpu_cr8_intercept(v);
}

/* Nothing to offer, nothing offered, no shadow, no APIC, no step under
 * way: the common entry, with the same outcome as the general case, which
 * is out of line so that it costs the common one no registers.  Every
 * entry comes through here, the fused path's too (svm_enter), so what
 * waits on a step, on TPR (pc VMs only: they have an APIC) or on an NMI
 * handler's IRET (nmi_pending) always reaches the general case. */
static inline __attribute__((always_inline)) void vcpu_offer_interrupts(struct svm_vcpu *v)
{
	const struct vmcb_control *c = &v->vmcb->control;
	if (!(c->int_shadow & VMCB_INT_SHADOW) && !(v->pending_event | (uintptr_t)v->lapic) &&
	    !(v->irq.nmi_pending | v->virq_in_vmcb | v->step) && v->irq.next < 0)
		v->entry_shadow = false;
	else
		vcpu_offer_interrupts_general(v);
}

/* Right after #VMEXIT: a V_IRQ the CPU cleared was taken by the guest; an
 * event whose delivery the exit cut short is injected again - unless it is
 * the virtual interrupt and V_IRQ still holds it (QEMU leaves V_IRQ set
 * when the delivery faults), which offers it again by itself.  A software
 * interrupt is normally raised again by its instruction, but one svmhv
 * injected (dec_intn) has no instruction left to do so: it goes in again. */
static __attribute__((noinline)) void vcpu_collect_events_general(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	/* Entered in a shadow and back with RIP where the entry put it: the
	 * instruction in the shadow has not retired, so the guest is still in
	 * the shadow - which a VMRUN that drops it (QEMU's) does not report.
	 * (An instruction that jumps to itself looks the same; with something
	 * to deliver, the step over it settles that.) */
	if (__builtin_expect(v->entry_shadow, 0) && v->vmcb->save.rip == v->entry_rip)
		c->int_shadow |= VMCB_INT_SHADOW;
	if (v->virq_in_vmcb && !(c->vintr & VMCB_VINTR_IRQ)) {
		v->virq_in_vmcb = false;
		v->ev.virq_delivered++;
		vcpu_cr8_intercept(v);
		vcpu_irq_taken(svm_vcpu_core(v), v->virq_vmcb_vector);
	}
	/* CR8 written by the guest without an exit: the APIC's TPR follows. */
	if (v->lapic && (c->vintr & VMCB_VINTR_TPR) != vcpu_lapic_cr8(svm_vcpu_core(v)))
		vcpu_lapic_set_cr8(svm_vcpu_core(v), (u8)(c->vintr & VMCB_VINTR_TPR));
	if (__builtin_expect(c->exitintinfo & VMCB_EVENT_VALID, 0) && !vcpu_debug_drop_exitintinfo) {
		u64 ev = vmcb_event_requeue(c->exitintinfo);
		if (ev && vmcb_event_type(ev) == VMCB_EVENT_TYPE_INTR && (c->vintr & VMCB_VINTR_IRQ) &&
		    vmcb_event_vector(ev) == (u8)(c->vintr >> VMCB_VINTR_VECTOR_SHIFT))
			ev = 0;
		if (v->softint_injected && vmcb_event_type(c->exitintinfo) == VMCB_EVENT_TYPE_SOFT)
			ev = c->exitintinfo & (VMCB_EVENT_VECTOR | VMCB_EVENT_TYPE | VMCB_EVENT_VALID);
		if (ev) {
			v->pending_event = ev;
			v->ev.events_requeued++;
		}
	}
	v->softint_injected = false;
}

/* Nothing entered in a shadow, nothing offered, no INTn injected, no
 * APIC, no event cut short: the common exit, nothing to collect; the
 * general case out of line. */
static inline __attribute__((always_inline)) void vcpu_collect_events(struct svm_vcpu *v)
{
	const struct vmcb_control *c = &v->vmcb->control;
	if ((v->entry_shadow | v->virq_in_vmcb | v->softint_injected) || v->lapic ||
	    (c->exitintinfo & VMCB_EVENT_VALID))
		vcpu_collect_events_general(v);
}

/* Debug and measurement aids an entry may have to serve: trace points,
 * the clean-bit check, the host-state check (hostcheck=1 or a test's
 * hook), eager FPU switching (a benchmark mode).  svm_vcpu_run picks a
 * copy of the loop below with them compiled in when any is on, and one
 * without any when none is (the common case): the same code, the aids
 * folded away, so each costs nothing when off rather than a branch per
 * point. */
/* The host-state check after an exit: hostcheck=1, or a test's hook. */
static inline bool hoststate_checking(void)
{
	return kopt.hostcheck || hoststate_exit_hook != NULL;
}

static inline bool run_instrumented(const struct svm_vcpu *v)
{
	return v->trace || v->clean_check || hoststate_checking() || gstate_mode == GSTATE_EAGER;
}

/* hostsave=lazy: closes the window svm_vmrun_lazy left open - the guest's
 * VMLOAD state into its VMCB (VMSAVE, then the FS/GS bases the stub kept,
 * since the CPU holds the host's), the host's back from the CPU's host
 * save area (VMLOAD), then the host-state check when it is on.  Called
 * with GIF=0 before anything that is not the fused path runs: STGI, the
 * run loop, a decoder or handler that reads the VMCB's copy of that state.
 * hostsave=lazybug forgets the VMLOAD (the negative control: the check
 * must catch the guest's TR, LDTR, KernelGsBase and MSRs left behind). */
static __attribute__((noinline)) void svm_lazy_end(struct svm_vcpu *v, bool check)
{
	struct svm_cpu *sc = cpu_table[v->cpu]->svm;
	svm_vmsave(v->vmcb_pa);
	v->vmcb->save.fs.base = v->lz.guest_fs;
	v->vmcb->save.gs.base = v->lz.guest_gs;
	if (v->load_policy != HOSTSAVE_LAZYBUG) {
		svm_vmload(sc->host_area_pa);
		sc->cnt.host_vmload++;
		v->cnt.host_vmload++;
	}
	sc->cnt.lazy_ends++;
	v->cnt.lazy_ends++;
	v->lazy_live = false;
	if (check)
		hoststate_after_vmexit(v, v->cpu);
}

/* For the backend's register accessors (svm/backend.c): the window
 * closed from inside a handler, with the check when it is on. */
void svm_lazy_end_now(struct svm_vcpu *v)
{
	if (v->lazy_live)
		svm_lazy_end(v, hoststate_checking());
}

static inline __attribute__((always_inline)) void svm_lazy_close(struct svm_vcpu *v, bool instr)
{
	if (__builtin_expect(v->lazy_live, 0))
		svm_lazy_end(v, instr && hoststate_checking());
}

/* One world switch, from the interrupt offer to the exit's events, GIF=1
 * again.  `rerun`: the fused path enters again after an exit it answered
 * (svm_vcpu_run): the same CPU and VMCB as the last VMRUN, the task not
 * switched out and its host state unchanged since (checked by the
 * caller), so the host state and ASID need no look and the clean bits no
 * bookkeeping of core and address; `since` is that exit's stamp.
 * `instr`: the aids of run_instrumented.  False, with no entry, when host
 * work came up inside the GIF=0 window; else *t_exit is the exit's TSC. */
static inline __attribute__((always_inline)) bool svm_enter(struct svm_vcpu *v, struct percpu *pc,
							    struct svm_cpu *sc, u32 cpu, bool instr,
							    bool lazy, bool rerun, u64 since,
							    u64 *t_exit)
{
	struct vcpu *vcpu = svm_vcpu_core(v);
	struct vcpu_trace *tr = instr ? v->trace : NULL;
	if (!rerun) {
		if (__builtin_expect(!hoststate_guest_ready(v), 0))
			prepare_switch_to_guest(v);
		if (__builtin_expect(v->asid_cpu != sc->cpu || v->asid_generation != sc->asid_generation, 0))
			svm_asid_assign(v, sc);
	}
	if (instr && v->clean_check && v->clean.runs) {
		u32 missed = vmcb_clean_changed_groups(v->clean_check, v->vmcb) & ~v->clean.dirty;
		if (missed)
			panic("VMCB clean bits", "vCPU %u: VMCB groups %#x written since #VMEXIT "
			      "but not marked dirty", v->index, missed);
	}
	vcpu_offer_interrupts(v);
	u32 clean = rerun ? vmcb_clean_before_rerun(&v->clean)
			  : vmcb_clean_before_vmrun(&v->clean, cpu, v->vmcb_pa);
	v->vmcb->control.clean = clean;
	svm_clgi();
	/* Pending host work inside the GIF=0 window: a resched request that
	 * arrived since the core's check, or a stop. */
	if (pc->sched->need_resched || READ_ONCE(v->vm->stop)) {
		if (lazy)
			svm_lazy_close(v, instr);
		svm_stgi();
		sti();
		return false;
	}
	sti();		/* held off by GIF=0 until VMRUN; then they exit */
	if (instr && gstate_mode == GSTATE_EAGER)
		gstate_eager_switch(v, sc);	/* benchmark only: lazy is in prepare/put */
	u64 t = rdtsc();
	if (rerun)
		vcpu_account_row(&vcpu->stats[v->last_exit_stat], since, t);
	else
		vcpu_account_entry(vcpu, t);
	if (tr && tr->n < tr->cap)
		tr->rec[tr->n].t_entry = t;
	if (lazy) {
		if (!v->lazy_live) {
			/* The window opens: the guest's state comes from its VMCB. */
			v->lz.load_guest = 1;
			v->lz.host_fs = rdmsr(MSR_FS_BASE);
			v->lz.host_gs = rdmsr(MSR_GS_BASE);
		} else {
			v->lz.load_guest = 0;
		}
		svm_vmrun_lazy(v->vmcb_pa, &v->regs, &v->lz);
		v->lazy_live = true;	/* GIF stays 0 until run_loop's STGI */
	} else {
		svm_vmrun(v->vmcb_pa, &v->regs, sc->host_area_pa);
	}
	if (tr && tr->n < tr->cap) {
		struct vcpu_trace_rec *e = &tr->rec[tr->n];
		e->t_back = rdtsc();
		e->code = (u32)v->vmcb->control.exitcode;
		e->nr = v->vmcb->save.rax;
		e->r8 = v->regs.r8;
	}
	if (rerun)
		vmcb_clean_after_rerun(&v->clean, clean);
	else
		vmcb_clean_after_vmrun(&v->clean);
	if (instr && v->clean_check)
		memcpy(v->clean_check, v->vmcb, sizeof(struct vmcb));
	*t_exit = rdtsc();
	sc->cnt.vmrun++;
	if (lazy) {
		/* The guest's state stays; GIF stays 0 until the window closes:
		 * no interrupt or NMI can reach the host through the guest's
		 * TR (NMI's IST stack) meanwhile. */
		sc->cnt.lazy_rounds++;
		v->cnt.lazy_rounds++;
		v->vmcb->control.tlb_control = VMCB_TLB_CONTROL_NOTHING;
		vcpu_collect_events(v);
		return true;
	}
	sc->cnt.host_vmload++;		/* the stub's; per CPU, so before STGI */
	if (instr && hoststate_checking())
		hoststate_after_vmexit(v, cpu);
	v->vmcb->control.tlb_control = VMCB_TLB_CONTROL_NOTHING;
	vcpu_collect_events(v);
	svm_stgi();	/* a pending physical interrupt is taken here */
	return true;
}

/* The vCPU's round trips into its counters, added up once per call of
 * svm_vcpu_run rather than once per exit: VMRUN, the stub's host VMLOAD,
 * exits.  Only its own task writes them, wherever it runs; the per-CPU
 * ones are counted in svm_enter, before STGI can let the task move. */
static inline void count_round_trips(struct svm_vcpu *v, u64 n, bool lazy)
{
	if (!lazy)
		v->cnt.host_vmload += n;	/* lazy ones: counted by svm_lazy_end */
	v->cnt.vmrun += n;
	v->exits += n;
}

static __attribute__((noinline)) void fused_trace_h0(struct vcpu_trace_rec *e, u32 reason)
{
	e->t_h0 = rdtsc();
	e->reason = reason;
}

/* What svm_exit_fused made of an exit. */
enum fused { FUSED_NO, FUSED_DONE, FUSED_STOP };

/* The record's head for an exit of row `code` (its own statistics row). */
static inline __attribute__((always_inline)) void fused_head(struct svm_vcpu *v, struct vmm_exit *x, u64 code)
{
	v->last_exit_stat = (u32)code;
	x->vcpu = v->index;
	x->rip = v->vmcb->save.rip;
	x->inject.valid = 0;
}

/* The exits the core answers without work for the run loop - VMMCALL,
 * CPUID, RDMSR/WRMSR, IN/OUT - decoded into *x, answered by the core's
 * handler for the reason (called straight, as vmm_handle_exit would; the
 * null hypercall inline, vmm_hypercall_is_null), and applied, with
 * vcpu_handle_exit's trace stamps when `instr`.  FUSED_DONE, or
 * FUSED_STOP (x->reason VMM_EXIT_STOPPED) when the answer stopped the VM;
 * FUSED_NO with *x decoded by svm_exit_decode, for the run loop. */
static inline __attribute__((always_inline)) enum fused svm_exit_fused(struct svm_vcpu *v,
								       struct vmm_exit *x, bool instr,
								       bool lazy)
{
	struct vcpu *core = svm_vcpu_core(v);
	struct vmcb *vm = v->vmcb;
	u64 code = vm->control.exitcode;
	struct vcpu_trace *tr = instr ? v->trace : NULL;
	struct vcpu_trace_rec *e = tr && tr->n < tr->cap ? &tr->rec[tr->n] : NULL;
	int stop = 0;
	switch (code) {
	case SVM_EXIT_VMMCALL:
		if (vmm_hypercall_is_null(vm->save.efer & EFER_LMA ? vm->save.rax : (u32)vm->save.rax)) {
			v->last_exit_stat = (u32)code;
			x->reason = VMM_EXIT_HYPERCALL;
			if (e)
				fused_trace_h0(e, VMM_EXIT_HYPERCALL);
			vm->save.rax = 0;
			stop = skip_insn(v, 3, OP_VMMCALL);
			break;
		}
		fused_head(v, x, code);
		dec_vmmcall(v, x);
		if (e)
			fused_trace_h0(e, x->reason);
		stop = vmm_hypercall(core, x);
		if (__builtin_expect(x->inject.valid, 0))
			vcpu_inject_exception(v, x->inject.vector, x->inject.has_error, x->inject.error);
		else
			stop |= apply_hypercall(v, &x->u.hypercall);
		break;
	case SVM_EXIT_CPUID:
		fused_head(v, x, code);
		dec_cpuid(v, x);
		if (e)
			fused_trace_h0(e, x->reason);
		vmm_cpuid(core, &x->u.cpuid);
		if (__builtin_expect(x->inject.valid, 0))
			vcpu_inject_exception(v, x->inject.vector, x->inject.has_error, x->inject.error);
		else
			stop = apply_cpuid(v, &x->u.cpuid);
		break;
	case SVM_EXIT_MSR:
		fused_head(v, x, code);
		dec_msr(v, x);
		if (e)
			fused_trace_h0(e, x->reason);
		vmm_msr(core, x);
		if (x->inject.valid)		/* #GP for a refused MSR */
			vcpu_inject_exception(v, x->inject.vector, x->inject.has_error, x->inject.error);
		else
			stop = apply_msr(v, &x->u.msr);
		break;
	case SVM_EXIT_IOIO:
		if (lazy && v->lazy_live && (vm->control.exitinfo1 & SVM_IOIO_STR))
			svm_lazy_close(v, instr);	/* INS/OUTS: segment bases */
		fused_head(v, x, code);
		dec_ioio(v, x);
		if (e)
			fused_trace_h0(e, x->reason);
		vmm_io(core, &x->u.io);
		if (__builtin_expect(x->inject.valid, 0))
			vcpu_inject_exception(v, x->inject.vector, x->inject.has_error, x->inject.error);
		else
			apply_io(v, &x->u.io);
		break;
	default:
		if (lazy)
			svm_lazy_close(v, instr);	/* decoders may read FS/GS bases */
		svm_exit_decode(v, x);
		return FUSED_NO;
	}
	if (e)
		e->t_h1 = rdtsc();
	if (__builtin_expect(stop, 0)) {
		x->reason = VMM_EXIT_STOPPED;
		return FUSED_STOP;
	}
	return FUSED_DONE;
}

/* One entry, or several: an exit the core answers without work for the
 * run loop is answered and applied right here (svm_exit_fused), and when
 * the core says the run loop's turn would find nothing to do
 * (vcpu_turn_needless) the guest is entered again without going back to
 * it - KVM's "fastpath" idea.  Every entry goes through svm_enter, so the
 * fused path keeps the interrupt offer, clean bits, the GIF=0 window's
 * resched and stop checks, exit statistics, trace points and the
 * host-state check.  x->reason is VMM_EXIT_NONE when the last exit was
 * answered here but the turn has work. */
static inline __attribute__((always_inline)) bool run_loop(struct svm_vcpu *v, struct vmm_exit *x,
							   bool instr, bool lazy)
{
	struct vcpu *vcpu = svm_vcpu_core(v);
	struct percpu *pc = this_cpu();
	u32 cpu = pc->cpu_id;
	struct svm_cpu *sc = pc->svm;
	u64 t_exit, n = 1;
	bool entered = true;
	if (!svm_enter(v, pc, sc, cpu, instr, lazy, false, 0, &t_exit))
		return false;
	while (svm_exit_fused(v, x, instr, lazy) == FUSED_DONE) {
		/* Answered and applied.  Back to the run loop when its turn has
		 * work, or when the task was switched out at STGI (an interrupt's
		 * preemption: vcpu_put cleared guest_state_loaded) or changed its
		 * own host state (hs_gen: only a test's hook does that between two
		 * entries, and a hook makes the loop the instrumented one): the
		 * next entry must load it again. */
		cli();
		bool loaded = instr ? hoststate_guest_ready(v) : v->guest_state_loaded;
		if (__builtin_expect(!vcpu_turn_needless(vcpu, t_exit) || !loaded, 0)) {
			sti();
			x->reason = VMM_EXIT_NONE;
			break;
		}
		struct vcpu_trace *tr = instr ? v->trace : NULL;
		if (tr && tr->n < tr->cap)
			tr->n++;	/* the record is complete */
		u64 since = t_exit;
		if (!svm_enter(v, pc, sc, cpu, instr, lazy, true, since, &t_exit)) {
			t_exit = since;		/* the next entry accounts this exit */
			entered = false;
			break;
		}
		n++;
	}
	/* The last entry happened (a failed one did its own STGI): GIF is 0
	 * whether or not a decoder or handler already closed the window. */
	if (lazy && entered) {
		svm_lazy_close(v, instr);
		svm_stgi();	/* a pending physical interrupt is taken here */
	}
	v->exit_tsc = t_exit;
	count_round_trips(v, n, lazy);
	return entered;
}

static __attribute__((noinline)) bool run_loop_instrumented(struct svm_vcpu *v, struct vmm_exit *x)
{
	return run_loop(v, x, true, false);
}

/* hostsave=lazy (docs/host-state.md): copies of the loop with the lazy
 * window compiled in, so that the other policies' loop carries none of it.
 * The policy is the one this load latched; should a preemption before the
 * first CLGI bring a load under another policy, both preparations leave a
 * host save area VMLOAD may restore, so either loop is correct for it. */
static __attribute__((noinline)) bool run_loop_lazy(struct svm_vcpu *v, struct vmm_exit *x)
{
	return run_loop(v, x, false, true);
}

static __attribute__((noinline)) bool run_loop_lazy_instrumented(struct svm_vcpu *v,
								 struct vmm_exit *x)
{
	return run_loop(v, x, true, true);
}

bool svm_vcpu_run(struct vcpu *vcpu, struct vmm_exit *x)
{
	struct svm_vcpu *v = to_svm(vcpu);
	bool lazy = v->load_policy >= HOSTSAVE_LAZY;
	if (__builtin_expect(run_instrumented(v), 0))
		return lazy ? run_loop_lazy_instrumented(v, x) : run_loop_instrumented(v, x);
	if (__builtin_expect(lazy, 0))
		return run_loop_lazy(v, x);
	return run_loop(v, x, false, false);
}
