/* svm/run.c - one entry into an SVM guest, for the core's run loop
 * (vmm/vcpu.c, through svm_backend_ops.vcpu_run): with interrupts off,
 * prepare the host state (hoststate.c), the ASID and the interrupt to
 * offer; CLGI, check for pending host work inside the GIF=0 window, enable
 * interrupts (held by GIF until VMRUN, where a physical interrupt exits),
 * VMRUN through the stub, check the host state, collect what the exit says
 * about interrupts and events, STGI, and decode the exit (svm/exit.c).
 * The rules for the interrupt shadow, V_IRQ and EXITINTINFO are
 * docs/vcpu.md's. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"
#include "lib/string.h"

void vcpu_inject_exception(struct svm_vcpu *v, u8 vector, bool has_err, u32 err)
{
	v->vmcb->control.eventinj = has_err ? vmcb_event_excp_err(vector, err) : vmcb_event_excp(vector);
}

bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo;

/* Right before VMRUN: offer the pending interrupt through V_IRQ unless the
 * guest sits in an interrupt shadow (after STI or MOV SS, reported by the
 * last exit and not ended by svmhv stepping over an instruction).  In a
 * shadow the CPU must not take it, and an emulator's VMRUN that ignores the
 * shadow would deliver it between STI and HLT; the next exit offers it. */
static inline void vcpu_offer_interrupts(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	bool shadow = (c->int_shadow & VMCB_INT_SHADOW) && !vcpu_debug_ignore_shadow;
	if (v->pending_event && !(c->eventinj & VMCB_EVENT_VALID) &&
	    (!shadow || vmcb_event_type(v->pending_event) == VMCB_EVENT_TYPE_EXCP)) {
		c->eventinj = v->pending_event;
		v->pending_event = 0;
	}
	v->entry_shadow = shadow;
	if (shadow)
		v->entry_rip = v->vmcb->save.rip;
	bool want = v->virq_pending && !shadow;
	if (v->virq_pending && shadow)
		v->ev.virq_withheld++;
	if (want == v->virq_in_vmcb)
		return;
	u64 vi = c->vintr & ~(VMCB_VINTR_IRQ | VMCB_VINTR_VECTOR | VMCB_VINTR_PRIO | VMCB_VINTR_IGN_TPR);
	if (want)
		vi |= VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xfULL << VMCB_VINTR_PRIO_SHIFT) |
		      ((u64)v->virq_vector << VMCB_VINTR_VECTOR_SHIFT);
	c->vintr = vi;
	v->virq_in_vmcb = want;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_TPR);
}

/* Right after #VMEXIT: a V_IRQ the CPU cleared was taken by the guest; an
 * event whose delivery the exit cut short is injected again - unless it is
 * the virtual interrupt and V_IRQ still holds it (QEMU leaves V_IRQ set
 * when the delivery faults), which offers it again by itself. */
static inline void vcpu_collect_events(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	/* Entered in a shadow, and back at once with no instruction retired (an
	 * interrupt that was pending at VMRUN): the guest is still in the
	 * shadow.  A VMRUN that drops the shadow (QEMU's) reports none here,
	 * so carry it over - once, so that a loop that retires instructions
	 * without moving RIP cannot hold an interrupt off for long. */
	if (__builtin_expect(v->entry_shadow, 0)) {
		u64 code = c->exitcode;
		bool async = code == SVM_EXIT_INTR || code == SVM_EXIT_NMI || code == SVM_EXIT_SMI;
		if (async && !(c->int_shadow & VMCB_INT_SHADOW) && v->vmcb->save.rip == v->entry_rip &&
		    !v->shadow_carried) {
			c->int_shadow |= VMCB_INT_SHADOW;
			v->shadow_carried = true;
		} else {
			v->shadow_carried = false;
		}
	}
	if (v->virq_in_vmcb && !(c->vintr & VMCB_VINTR_IRQ)) {
		v->virq_in_vmcb = false;
		v->virq_pending = false;
		v->ev.virq_delivered++;
	}
	if (__builtin_expect(c->exitintinfo & VMCB_EVENT_VALID, 0) && !vcpu_debug_drop_exitintinfo) {
		u64 ev = vmcb_event_requeue(c->exitintinfo);
		if (ev && vmcb_event_type(ev) == VMCB_EVENT_TYPE_INTR && (c->vintr & VMCB_VINTR_IRQ) &&
		    vmcb_event_vector(ev) == (u8)(c->vintr >> VMCB_VINTR_VECTOR_SHIFT))
			ev = 0;
		if (ev) {
			v->pending_event = ev;
			v->ev.events_requeued++;
		}
	}
}

bool svm_vcpu_run(struct vcpu *vcpu, struct vmm_exit *x)
{
	struct svm_vcpu *v = to_svm(vcpu);
	struct percpu *pc = this_cpu();
	u32 cpu = pc->cpu_id;
	struct svm_cpu *sc = pc->svm;
	prepare_switch_to_guest(v);
	svm_asid_assign(v, sc);
	if (v->clean_check && v->clean.runs) {
		u32 missed = vmcb_clean_changed_groups(v->clean_check, v->vmcb) & ~v->clean.dirty;
		if (missed)
			panic("VMCB clean bits", "vCPU %u: VMCB groups %#x written since #VMEXIT "
			      "but not marked dirty", v->index, missed);
	}
	vcpu_offer_interrupts(v);
	v->vmcb->control.clean = vmcb_clean_before_vmrun(&v->clean, cpu, v->vmcb_pa);
	svm_clgi();
	/* Pending host work inside the GIF=0 window: a resched request that
	 * arrived since the core's check, or a stop. */
	if (pc->sched->need_resched || READ_ONCE(v->vm->stop)) {
		svm_stgi();
		sti();
		return false;
	}
	sti();		/* held off by GIF=0 until VMRUN; then they exit */
	if (gstate_mode == GSTATE_EAGER)
		gstate_eager_switch(v, sc);	/* benchmark only: lazy is in prepare/put */
	u64 t = rdtsc();
	vcpu_account_entry(vcpu, t);
	struct vcpu_trace *tr = v->trace;
	if (__builtin_expect(tr != NULL, 0) && tr->n < tr->cap)
		tr->rec[tr->n].t_entry = t;
	svm_vmrun(v->vmcb_pa, &v->regs, sc->host_area_pa);
	if (__builtin_expect(tr != NULL, 0) && tr->n < tr->cap) {
		struct vcpu_trace_rec *e = &tr->rec[tr->n];
		e->t_back = rdtsc();
		e->code = (u32)v->vmcb->control.exitcode;
		e->nr = v->vmcb->save.rax;
		e->r8 = v->regs.r8;
	}
	vmcb_clean_after_vmrun(&v->clean);
	if (v->clean_check)
		memcpy(v->clean_check, v->vmcb, sizeof(struct vmcb));
	v->exit_tsc = rdtsc();
	hoststate_after_vmexit(v, cpu);
	sc->cnt.vmrun++;
	v->cnt.vmrun++;
	v->exits++;
	v->vmcb->control.tlb_control = VMCB_TLB_CONTROL_NOTHING;
	vcpu_collect_events(v);
	svm_stgi();	/* a pending physical interrupt is taken here */
	svm_exit_decode(v, x);
	return true;
}
