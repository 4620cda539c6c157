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
#include "kernel/options.h"
#include "lib/string.h"
#include "vmm/dev/lapic.h"

void vcpu_inject_exception(struct svm_vcpu *v, u8 vector, bool has_err, u32 err)
{
	v->vmcb->control.eventinj = has_err ? vmcb_event_excp_err(vector, err) : vmcb_event_excp(vector);
}

bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo;

/* An NMI is injected when none is being handled (the guest's handler
 * runs until its IRET, which is intercepted meanwhile) and no other event
 * goes in this entry; not in an interrupt shadow (MOV SS blocks NMIs). */
static __attribute__((noinline)) void vcpu_offer_nmi(struct svm_vcpu *v, bool shadow)
{
	struct vmcb_control *c = &v->vmcb->control;
	if (v->irq.nmi_masked || shadow || (c->eventinj & VMCB_EVENT_VALID))
		return;
	c->eventinj = vmcb_event_nmi();
	v->irq.nmi_pending = false;
	v->irq.nmi_masked = true;
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

/* Right before VMRUN: offer the vector the core chose (irq.next) through
 * V_IRQ unless the guest sits in an interrupt shadow (after STI or MOV SS,
 * reported by the last exit and not ended by svmhv stepping over an
 * instruction).  In a shadow the CPU must not take it, and an emulator's
 * VMRUN that ignores the shadow would deliver it between STI and HLT; the
 * next exit offers it.  With a local APIC the CPU compares the vector's
 * class with V_TPR itself (V_INTR_PRIO, no IGN_TPR), so a guest lowering
 * CR8 takes a waiting interrupt at once; without one the vector is offered
 * whatever V_TPR says. */
static inline void vcpu_offer_interrupts(struct svm_vcpu *v)
{
	struct vmcb_control *c = &v->vmcb->control;
	/* Nothing to offer, nothing offered, no shadow, no APIC: the common
	 * entry, with the same outcome as the general case below. */
	if (!(c->int_shadow & VMCB_INT_SHADOW) && !v->pending_event && !v->irq.nmi_pending &&
	    !v->lapic && v->irq.next < 0 && !v->virq_in_vmcb) {
		v->entry_shadow = false;
		return;
	}
	bool shadow = (c->int_shadow & VMCB_INT_SHADOW) && !vcpu_debug_ignore_shadow;
	if (v->pending_event && !(c->eventinj & VMCB_EVENT_VALID) &&
	    (!shadow || vmcb_event_type(v->pending_event) == VMCB_EVENT_TYPE_EXCP)) {
		c->eventinj = v->pending_event;
		v->pending_event = 0;
	}
	if (__builtin_expect(v->irq.nmi_pending, 0))
		vcpu_offer_nmi(v, shadow);
	if (v->lapic)
		vcpu_tpr_to_vmcb(v);
	v->entry_shadow = shadow;
	if (shadow)
		v->entry_rip = v->vmcb->save.rip;
	s32 vec = v->irq.next;
	bool want = vec >= 0 && !shadow;
	if (vec >= 0 && shadow)
		v->ev.virq_withheld++;
	if (want == v->virq_in_vmcb && (!want || (u8)vec == v->virq_vmcb_vector))
		return;
	u64 vi = c->vintr & ~(VMCB_VINTR_IRQ | VMCB_VINTR_VECTOR | VMCB_VINTR_PRIO | VMCB_VINTR_IGN_TPR);
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
		v->ev.virq_delivered++;
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
	if (__builtin_expect(!hoststate_guest_ready(v), 0))
		prepare_switch_to_guest(v);
	if (__builtin_expect(v->asid_cpu != sc->cpu || v->asid_generation != sc->asid_generation, 0))
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
	sc->cnt.host_vmload++;		/* the stub's */
	v->cnt.host_vmload++;
	if (__builtin_expect(kopt.hostcheck || hoststate_exit_hook != NULL, 0))
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
