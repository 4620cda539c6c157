/* vmm/vcpu.c - a vCPU is a task of the scheduler, and this is its body:
 * the one run loop.  Each turn: the VM's stop and time limit, HLT (the
 * task blocks), the virtual timer, a pending reschedule; then the
 * backend enters the guest once and decodes the exit into a neutral record
 * (vmm_backend->vcpu_run), the core answers it (vmm/exit.c) and the
 * backend applies the answer (vcpu_complete).  docs/vcpu.md has the rules
 * for interrupts, HLT and events; docs/architecture.md the exit path.
 *
 * A preempt notifier ties the vCPU to the scheduler: the backend's
 * vcpu_put on every switch out, vcpu_load(vcpu, cpu, true) on every switch
 * in. */
#include "vmm/vmm.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "kernel/desc.h"
#include "drivers/timer.h"

static void vcpu_sched_in(struct preempt_notifier *pn, u32 cpu, bool migrated)
{
	vmm_backend->vcpu_load(container_of(pn, struct vcpu, pn), cpu, true);
}

static void vcpu_sched_out(struct preempt_notifier *pn, u32 cpu, bool preempted)
{
	vmm_backend->vcpu_put(container_of(pn, struct vcpu, pn));
}

static const struct preempt_ops vcpu_preempt_ops = { vcpu_sched_in, vcpu_sched_out };

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

void vcpu_raise_irq(struct vcpu *v, u8 vector)
{
	u64 f = spin_lock_irqsave(&v->vm->lock);
	v->virq_vector = vector;
	WRITE_ONCE(v->virq_pending, true);
	vcpu_kick(v);
	spin_unlock_irqrestore(&v->vm->lock, f);
}

/* A due virtual timer raises the vCPU's pending interrupt, from the vCPU's
 * own task (no kick needed).  How late that happens is what a guest sees
 * as its timer's latency (make bench). */
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

static bool vcpu_if_set(struct vcpu *v)
{
	return vmm_backend->get_reg(v, VMM_REG_RFLAGS) & RFLAGS_IF;
}

/* Whether a halted vCPU must run again.  A real CPU leaves HLT for an
 * interrupt only when RFLAGS.IF lets it in; with IF=0 only a stop (here:
 * the guest stopped or out of time) ends the halt. */
static bool vcpu_halt_over(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	if (READ_ONCE(vm->stop))
		return true;
	u64 now = rdtsc();
	if (vm->deadline_tsc && now >= vm->deadline_tsc)
		return true;
	if (!vcpu_if_set(v))
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
	struct vm *vm = v->vm;
	while (!vcpu_halt_over(v)) {
		u64 until = vm->deadline_tsc;
		if (v->vtimer_deadline && vcpu_if_set(v) && (!until || v->vtimer_deadline < until))
			until = v->vtimer_deadline;
		v->ev.halt_blocks++;
		sched_block_unless(vcpu_halt_over, v, until);
	}
	v->halted = false;
}

void vcpu_run_task(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct task *me = current_task();
	const struct vmm_backend_ops *ops = vmm_backend;

	/* All vCPUs of a VM start together: each waits at a barrier that the
	 * last one to arrive (or vm_start, whichever is later) opens, and each
	 * one through it wakes every sibling still waiting before it runs the
	 * guest.  A wake-up from vm_start on another CPU comes one vCPU at a
	 * time, and that CPU may stall between two of them (a starved host
	 * thread did, for the whole of a 300-yield test); the vCPU it woke
	 * first must not run ahead meanwhile.  wq_wake_all returns only when
	 * every waiter is runnable (wq_wake_one wakes under the queue's lock). */
	u64 f = spin_lock_irqsave(&vm->lock);
	++vm->arrived;
	v->task = me;
	while (!vm->stop && (!vm->go || vm->arrived < vm->nvcpus))
		wq_wait(&vm->start_wq, &vm->lock);
	spin_unlock_irqrestore(&vm->lock, f);
	wq_wake_all(&vm->start_wq);

	f = irq_save();
	preempt_notifier_register(me, &v->pn, &vcpu_preempt_ops);
	ops->vcpu_load(v, this_cpu_id(), false);
	irq_restore(f);

	while (!READ_ONCE(vm->stop)) {
		if (vm->deadline_tsc && rdtsc() >= vm->deadline_tsc) {
			vm_request_stop(vm, STOP_TIMEOUT, "timeout of %lu ms reached", vm->cfg.timeout_ms);
			break;
		}
		if (v->halted) {
			vcpu_halt(v);
			continue;	/* the halt may have ended in a stop or the timeout */
		}
		if (v->vtimer_deadline)
			vcpu_timer_poll(v, rdtsc());

		cli();
		if (this_cpu()->sched->need_resched) {
			me->preempt_pending = true;
			sti();
			schedule();
			continue;
		}
		if (v->vtimer_deadline)
			sched_timer_request(v->vtimer_deadline);	/* exit when it is due */
		struct vmm_exit x;
		if (!ops->vcpu_run(v, &x))
			continue;
		if (x.reason == VMM_EXIT_NONE) {
			if (__builtin_expect(v->trace != NULL, 0) && v->trace->n < v->trace->cap)
				v->trace->n++;	/* keep the record: the exit happened */
			continue;
		}
		if (vcpu_handle_exit(v, &x))
			break;
	}

	f = irq_save();
	preempt_notifier_unregister(me, &v->pn);
	ops->vcpu_put(v);
	irq_restore(f);
	f = spin_lock_irqsave(&vm->lock);
	v->sched = me->stats;
	v->task = NULL;		/* no more kicks: the task is about to go */
	spin_unlock_irqrestore(&vm->lock, f);
}

void vm_request_stop(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	if (vm->stop == STOP_NONE) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(vm->stop_detail, sizeof(vm->stop_detail), fmt, ap);
		va_end(ap);
		__atomic_store_n(&vm->stop, why, __ATOMIC_RELEASE);
		/* Halted vCPUs wake and running ones exit to see it. */
		for (u32 i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i])
				vcpu_kick(vm->vcpus[i]);
	}
	spin_unlock_irqrestore(&vm->lock, f);
}
