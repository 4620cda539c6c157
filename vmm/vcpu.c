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
#include "kernel/cpuinfo.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "kernel/desc.h"
#include "drivers/timer.h"
#include "vmm/dev/lapic.h"
#include "vmm/msr_rules.h"

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

u32 vcpu_phys_bits(void)
{
	/* The guest's MAXPHYADDR: CPUID 0x80000008 EAX[7:0] is the host's
	 * (vmm/cpuid.c); 36 when the host has no such leaf. */
	return cpu_info.phys_addr_bits ? cpu_info.phys_addr_bits : 36;
}

void vcpu_core_init(struct vcpu *v, struct vm *vm, u32 index)
{
	v->vm = vm;
	v->index = index;
	v->cpu = ~0u;
	v->irq.next = -1;
	v->apic_page = VCPU_NO_APIC_PAGE;
	v->misc_enable = MISC_ENABLE_RESET;
	v->hwcr = HWCR_RESET;
	/* svmhv is a pc VM's firmware: its MTRRs start as a BIOS leaves them. */
	mtrr_reset_firmware(&v->mtrr, vcpu_phys_bits());
	vtimer_queue_init(&v->timers);
	vtimer_init(&v->hc_timer, vcpu_hc_timer_fire);
}

static bool vcpu_if_set(struct vcpu *v)
{
	return vmm_backend->get_reg(v, VMM_REG_RFLAGS) & RFLAGS_IF;
}

/* The vCPU's due timers fire, from its own task (no lock, no kick).  How
 * late that happens is what a guest sees as its timer's latency (make
 * bench). */
static inline void vcpu_timers_poll(struct vcpu *v)
{
	if (v->timers.next != VTIMER_NEVER && rdtsc() >= v->timers.next)
		vtimer_run(&v->timers, rdtsc());
}

/* The earliest of the VM's time limit and the vCPU's next timer: when a
 * blocked vCPU task must look again. */
static u64 vcpu_wake_deadline(struct vcpu *v)
{
	u64 until = v->vm->deadline_tsc;
	if (v->timers.next != VTIMER_NEVER && (!until || v->timers.next < until))
		until = v->timers.next;
	return until;
}

static bool vcpu_stopping(struct vcpu *v)
{
	struct vm *vm = v->vm;
	return READ_ONCE(vm->stop) || (vm->deadline_tsc && rdtsc() >= vm->deadline_tsc);
}

/* Whether a halted vCPU must run again.  A real CPU leaves HLT for an
 * interrupt only when RFLAGS.IF lets it in, but for an NMI or INIT
 * whatever IF says; with IF=0 and neither, only a stop (here: the guest
 * stopped or out of time) ends the halt. */
static bool vcpu_halt_over(void *arg)
{
	struct vcpu *v = arg;
	if (vcpu_stopping(v))
		return true;
	vcpu_timers_poll(v);
	if (vcpu_irq_sync(v) || v->irq.nmi_pending)
		return true;
	return vcpu_if_set(v) && vcpu_irq_wakes(v);
}

/* HLT: the vCPU task blocks (its CPU is free for others) until the halt is
 * over; the host timer is armed for the vCPU's next timer or the time
 * limit, and a post or a stop wakes it through vcpu_kick(). */
static void vcpu_halt(struct vcpu *v)
{
	while (!vcpu_halt_over(v)) {
		v->ev.halt_blocks++;
		sched_block_unless(vcpu_halt_over, v, vcpu_wake_deadline(v));
	}
	v->halted = false;
}

/* Wait-for-SIPI (an AP before it is started, any vCPU after INIT): only
 * INIT, SIPI or a stop matter. */
static bool vcpu_sipi_over(void *arg)
{
	struct vcpu *v = arg;
	return vcpu_stopping(v) || vcpu_irq_sync(v);
}

/* INIT and SIPI, taken over by vcpu_irq_sync: INIT puts the vCPU into
 * wait-for-SIPI with its APIC reset; a SIPI to a waiting vCPU starts it in
 * real mode at the vector's page (CS = vector << 8, IP = 0).  A SIPI to a
 * running vCPU is ignored, as on hardware. */
static void vcpu_mp_events(struct vcpu *v)
{
	struct vcpu_irq *q = &v->irq;
	u32 todo = q->todo;
	q->todo = 0;
	if (todo & VCPU_EV_INIT) {
		struct vmm_start_state st;
		vmm_start_state_reset(&st, 0);
		vmm_backend->set_state(v, &st);
		if (v->lapic)
			vcpu_lapic_init_reset(v);
		q->nmi_pending = q->nmi_masked = false;
		q->mp_state = VCPU_MP_WAIT_SIPI;
		v->halted = false;
	}
	if ((todo & VCPU_EV_SIPI) && q->mp_state == VCPU_MP_WAIT_SIPI) {
		struct vmm_start_state st;
		vmm_start_state_reset(&st, q->todo_sipi_vector);
		vmm_backend->set_state(v, &st);
		q->nmi_pending = false;		/* not latched while waiting */
		q->mp_state = VCPU_MP_RUNNABLE;
		v->halted = false;
	}
}

static void vcpu_wait_sipi(struct vcpu *v)
{
	while (v->irq.mp_state == VCPU_MP_WAIT_SIPI && !vcpu_sipi_over(v)) {
		v->ev.sipi_blocks++;
		sched_block_unless(vcpu_sipi_over, v, v->vm->deadline_tsc);
	}
	if (v->irq.todo)
		vcpu_mp_events(v);
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
		if (__builtin_expect(vcpu_irq_has_posted(&v->irq) | (v->irq.todo != 0), 0) &&
		    vcpu_irq_sync(v))
			vcpu_mp_events(v);
		if (__builtin_expect(v->irq.mp_state != VCPU_MP_RUNNABLE, 0)) {
			vcpu_wait_sipi(v);
			continue;	/* the wait may have ended in a stop or the timeout */
		}
		if (v->halted) {
			vcpu_halt(v);
			continue;
		}
		vcpu_timers_poll(v);

		cli();
		if (this_cpu()->sched->need_resched) {
			me->preempt_pending = true;
			sti();
			schedule();
			continue;
		}
		if (v->timers.next != VTIMER_NEVER)
			sched_timer_request(v->timers.next);	/* exit when it is due */
		struct vmm_exit x;
		if (!ops->vcpu_run(v, &x))
			continue;
		if (x.reason == VMM_EXIT_NONE) {
			/* Dealt with by the backend, or answered on its fused
			 * path with work left for this turn (a yield, say). */
			if (__builtin_expect(v->trace != NULL, 0) && v->trace->n < v->trace->cap)
				v->trace->n++;	/* keep the record: the exit happened */
			vcpu_yield_if_asked(v);
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
		vm->stop_tsc = rdtsc();
		__atomic_store_n(&vm->stop, why, __ATOMIC_RELEASE);
		/* Halted vCPUs wake and running ones exit to see it. */
		for (u32 i = 0; i < vm->nvcpus; i++)
			if (vm->vcpus[i])
				vcpu_kick(vm->vcpus[i]);
	}
	spin_unlock_irqrestore(&vm->lock, f);
}
