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
#include "kernel/string.h"
#include "kernel/panic.h"
#include "kernel/options.h"
#include "mm/kmem.h"
#include "mm/vmm.h"
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

/* HLT: the vCPU task blocks (its CPU is free) until its virtual timer is
 * due, the guest is stopped, or its time runs out.  Sleeps are capped so a
 * stop request is seen within 10 ms. */
static void vcpu_halt(struct vcpu *v)
{
	struct guest *g = v->guest;
	u64 cap = ns_to_tsc(10000000);
	while (!READ_ONCE(g->stop)) {
		u64 now = rdtsc();
		if (v->vtimer_deadline && now >= v->vtimer_deadline)
			break;
		if (v->vmcb->control.vintr & VMCB_VINTR_IRQ)
			break;		/* an interrupt is already pending */
		if (g->deadline_tsc && now >= g->deadline_tsc)
			break;
		u64 until = now + cap;
		if (v->vtimer_deadline && v->vtimer_deadline < until)
			until = v->vtimer_deadline;
		if (g->deadline_tsc && g->deadline_tsc < until)
			until = g->deadline_tsc;
		sched_sleep_until_tsc(until);
	}
	v->halted = false;
}

/* A due virtual timer becomes a virtual interrupt the CPU delivers as soon
 * as the guest's IF allows (V_IRQ with V_IGN_TPR). */
static void vcpu_deliver_timer(struct vcpu *v)
{
	if (!v->vtimer_deadline || rdtsc() < v->vtimer_deadline)
		return;
	v->vtimer_deadline = 0;
	u64 vi = v->vmcb->control.vintr;
	vi &= ~(VMCB_VINTR_VECTOR | VMCB_VINTR_PRIO);
	vi |= VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xfULL << VMCB_VINTR_PRIO_SHIFT) |
	      ((u64)v->vtimer_vector << VMCB_VINTR_VECTOR_SHIFT);
	v->vmcb->control.vintr = vi;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_TPR);
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

	/* All vCPUs of a guest start together: wait until every task exists. */
	u64 f = spin_lock_irqsave(&g->lock);
	while (!g->go)
		wq_wait(&g->start_wq, &g->lock);
	spin_unlock_irqrestore(&g->lock, f);

	f = irq_save();
	v->task = me;
	preempt_notifier_register(me, &v->pn, &vcpu_preempt_ops);
	vcpu_load(v, this_cpu_id(), false);
	irq_restore(f);

	while (!READ_ONCE(g->stop)) {
		if (g->deadline_tsc && rdtsc() >= g->deadline_tsc) {
			guest_request_stop(g, STOP_TIMEOUT, "timeout of %lu ms reached", g->cfg.timeout_ms);
			break;
		}
		if (v->halted)
			vcpu_halt(v);
		vcpu_deliver_timer(v);

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
		svm_stgi();	/* a pending physical interrupt is taken here */

		if (svm_handle_exit(v))
			break;
	}

	f = irq_save();
	preempt_notifier_unregister(me, &v->pn);
	vcpu_put(v);
	irq_restore(f);
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
	}
	spin_unlock_irqrestore(&g->lock, f);
}
