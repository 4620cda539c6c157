/* svm/vcpu.c - a vCPU is a task of the scheduler.  Its body is the run
 * loop: with interrupts off, prepare the host state (hoststate.c), CLGI,
 * check for pending host work inside the GIF=0 window, enable interrupts
 * (held by GIF until VMRUN, where a physical interrupt exits), VMRUN
 * through the stub, check the host state, STGI, handle the exit.
 *
 * A preempt notifier ties the vCPU to the scheduler: vcpu_put on every
 * switch out, vcpu_load(vcpu, cpu, true) on every switch in. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/panic.h"
#include "kernel/options.h"
#include "mm/kmem.h"
#include "mm/vmm.h"
#include "kernel/smp.h"
#include "kernel/desc.h"
#include "drivers/timer.h"

static void vcpu_sched_in(struct preempt_notifier *pn, u32 cpu, bool migrated)
{
	vcpu_load(container_of(pn, struct vcpu, pn), cpu, true);
}

static void vcpu_sched_out(struct preempt_notifier *pn, u32 cpu, bool preempted)
{
	vcpu_put(container_of(pn, struct vcpu, pn));
}

static const struct preempt_ops vcpu_preempt_ops = { vcpu_sched_in, vcpu_sched_out };

struct vcpu *vcpu_create(struct guest *g, u32 index)
{
	struct vcpu *v = kzalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->stats = kzalloc(sizeof(struct exit_stat) * (SVM_EXIT_NR_INDEXED + 1));
	paddr_t pa;
	if (!v->stats || frame_alloc(1, 1, &pa)) {
		kfree(v->stats);
		kfree(v);
		return NULL;
	}
	memset(phys_to_virt(pa), 0, 4096);
	v->vmcb = phys_to_virt(pa);
	v->vmcb_pa = pa;
	v->guest = g;
	v->index = index;
	v->cpu = ~0u;
	v->snap_cpu = ~0u;
	v->asid_cpu = ~0u;
	if (gstate_vcpu_init(v)) {
		frame_free(pa, 1);
		kfree(v->stats);
		kfree(v);
		return NULL;
	}
	vmcb_clean_init(&v->clean, svm_feat.clean_bits);
	/* hostcheck=1 also checks that every VMCB write marks its clean-bit
	 * group, which QEMU's TCG (no VMCB caching) would never reveal. */
	if (kopt.hostcheck)
		v->clean_check = kzalloc(sizeof(struct vmcb));
	return v;
}

void vcpu_free(struct vcpu *v)
{
	frame_free(v->vmcb_pa, 1);
	gstate_vcpu_free(v);
	kfree(v->clean_check);
	kfree(v->stats);
	kfree(v);
}

void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_err, u32 err)
{
	v->vmcb->control.eventinj = has_err ? vmcb_event_excp_err(vector, err) : vmcb_event_excp(vector);
}

bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo;

void vcpu_kick(struct vcpu *v)
{
	struct task *t = v->task;
	if (!t)
		return;
	task_wake(t);
	u32 cpu = READ_ONCE(v->cpu);
	if (cpu != ~0u && cpu != this_cpu_id())
		ipi_send(cpu, VEC_IPI_RESCHED);	/* an exit, if it is in the guest there */
}

/* A due virtual timer raises the vCPU's pending interrupt.  How late that
 * happens is what a guest sees as its timer's latency (make bench). */
static void vcpu_timer_poll(struct vcpu *v, u64 now)
{
	if (now < v->vtimer_deadline)
		return;
	u64 late = now - v->vtimer_deadline;
	v->ev.timer_fired++;
	v->ev.timer_late_total += late;
	if (late > v->ev.timer_late_max)
		v->ev.timer_late_max = late;
	v->vtimer_deadline = 0;
	v->virq_pending = true;
	v->virq_vector = v->vtimer_vector;
}

/* Whether a halted vCPU must run again.  A real CPU leaves HLT for an
 * interrupt only when RFLAGS.IF lets it in; with IF=0 only a stop (here:
 * the guest stopped or out of time) ends the halt. */
static bool vcpu_halt_over(void *arg)
{
	struct vcpu *v = arg;
	struct guest *g = v->guest;
	if (READ_ONCE(g->stop))
		return true;
	u64 now = rdtsc();
	if (g->deadline_tsc && now >= g->deadline_tsc)
		return true;
	if (!(v->vmcb->save.rflags & RFLAGS_IF))
		return false;
	if (v->vtimer_deadline)
		vcpu_timer_poll(v, now);
	return v->virq_pending;
}

/* HLT: the vCPU task blocks (its CPU is free for others) until the halt is
 * over; the host timer is armed for the guest's timer or its time limit,
 * and a stop wakes it through vcpu_kick(). */
static void vcpu_halt(struct vcpu *v)
{
	struct guest *g = v->guest;
	while (!vcpu_halt_over(v)) {
		u64 until = g->deadline_tsc;
		if (v->vtimer_deadline && (v->vmcb->save.rflags & RFLAGS_IF) &&
		    (!until || v->vtimer_deadline < until))
			until = v->vtimer_deadline;
		v->ev.halt_blocks++;
		sched_block_unless(vcpu_halt_over, v, until);
	}
	v->halted = false;
}

/* Right before VMRUN: offer the pending interrupt through V_IRQ unless the
 * guest sits in an interrupt shadow (after STI or MOV SS, reported by the
 * last exit and not ended by svmhv stepping over an instruction).  In a
 * shadow the CPU must not take it, and an emulator's VMRUN that ignores the
 * shadow would deliver it between STI and HLT; the next exit offers it. */
static inline void vcpu_offer_interrupts(struct vcpu *v)
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
static inline void vcpu_collect_events(struct vcpu *v)
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

static void account_exit_time(struct vcpu *v, u64 now)
{
	if (!v->exit_tsc)
		return;
	struct exit_stat *s = &v->stats[svm_exit_index(v->last_exit_code)];
	u64 dt = now - v->exit_tsc;
	if (!s->count || dt < s->min)
		s->min = dt;
	if (dt > s->max)
		s->max = dt;
	s->total += dt;
	s->count++;
	v->exit_tsc = 0;
}

void vcpu_run_task(void *arg)
{
	struct vcpu *v = arg;
	struct guest *g = v->guest;
	struct task *me = current_task();

	/* All vCPUs of a guest start together: each waits at a barrier that
	 * the last one to arrive (or guest_start, whichever is later) opens.
	 * So a vCPU never runs ahead while a sibling is not yet runnable. */
	u64 f = spin_lock_irqsave(&g->lock);
	bool last = ++g->arrived == g->nvcpus;
	v->task = me;
	while (!g->stop && (!g->go || g->arrived < g->nvcpus))
		wq_wait(&g->start_wq, &g->lock);
	spin_unlock_irqrestore(&g->lock, f);
	if (last)
		wq_wake_all(&g->start_wq);

	f = irq_save();
	preempt_notifier_register(me, &v->pn, &vcpu_preempt_ops);
	vcpu_load(v, this_cpu_id(), false);
	irq_restore(f);

	while (!READ_ONCE(g->stop)) {
		if (g->deadline_tsc && rdtsc() >= g->deadline_tsc) {
			guest_request_stop(g, STOP_TIMEOUT, "timeout of %lu ms reached", g->cfg.timeout_ms);
			break;
		}
		if (v->halted) {
			vcpu_halt(v);
			continue;	/* the halt may have ended in a stop or the timeout */
		}
		if (v->vtimer_deadline)
			vcpu_timer_poll(v, rdtsc());

		cli();
		struct percpu *pc = this_cpu();
		if (pc->sched->need_resched) {
			me->preempt_pending = true;
			sti();
			schedule();
			continue;
		}
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
		if (v->vtimer_deadline)
			sched_timer_request(v->vtimer_deadline);	/* exit when it is due */
		v->vmcb->control.clean = vmcb_clean_before_vmrun(&v->clean, cpu, v->vmcb_pa);
		svm_clgi();
		/* Pending host work inside the GIF=0 window: a resched request
		 * that arrived since the check above. */
		if (pc->sched->need_resched || READ_ONCE(g->stop)) {
			svm_stgi();
			sti();
			continue;
		}
		sti();		/* held off by GIF=0 until VMRUN; then they exit */
		if (gstate_mode == GSTATE_EAGER)
			gstate_eager_switch(v, sc);	/* benchmark only: lazy is in prepare/put */
		u64 t = rdtsc();
		account_exit_time(v, t);
		if (!v->first_vmrun_tsc)
			v->first_vmrun_tsc = t;
		svm_vmrun(v->vmcb_pa, &v->regs, sc->host_area_pa);
		vmcb_clean_after_vmrun(&v->clean);
		if (v->clean_check)
			memcpy(v->clean_check, v->vmcb, sizeof(struct vmcb));
		v->exit_tsc = rdtsc();
		hoststate_after_vmexit(v, cpu);
		sc->cnt.vmrun++;
		v->cnt.vmrun++;
		v->exits++;
		v->last_exit_code = v->vmcb->control.exitcode;
		v->vmcb->control.tlb_control = VMCB_TLB_CONTROL_NOTHING;
		vcpu_collect_events(v);
		svm_stgi();	/* a pending physical interrupt is taken here */

		if (svm_handle_exit(v))
			break;
	}

	f = irq_save();
	preempt_notifier_unregister(me, &v->pn);
	vcpu_put(v);
	irq_restore(f);
	f = spin_lock_irqsave(&g->lock);
	v->task = NULL;		/* no more kicks: the task is about to go */
	spin_unlock_irqrestore(&g->lock, f);
}

void guest_request_stop(struct guest *g, enum guest_stop_reason why, const char *fmt, ...)
{
	u64 f = spin_lock_irqsave(&g->lock);
	if (g->stop == STOP_NONE) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(g->stop_detail, sizeof(g->stop_detail), fmt, ap);
		va_end(ap);
		__atomic_store_n(&g->stop, why, __ATOMIC_RELEASE);
		/* Halted vCPUs wake and running ones exit to see it. */
		for (u32 i = 0; i < g->nvcpus; i++)
			if (g->vcpus[i])
				vcpu_kick(g->vcpus[i]);
	}
	spin_unlock_irqrestore(&g->lock, f);
}
