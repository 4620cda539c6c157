/* sched/wait.c - waking, sleeping and waiting: task_wake, the per-CPU
 * sleepers ordered by wake-up time and the one-shot timer that serves
 * them (and a vCPU's virtual timer, sched_timer_request), blocking until a
 * condition holds, and wait queues.  The wake-up rule is sched/sched.c's:
 * a task found BLOCKED that is still its CPU's current task is only
 * marked RUNNING; otherwise it is queued. */
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "drivers/lapic.h"
#include "drivers/timer.h"

/* ---- waking, sleeping, waiting ---- */

void task_wake(struct task *t)
{
	u64 f;
	struct sched_cpu *sc = sched_task_rq_lock(t, &f);
	u32 cpu = t->cpu;
	bool queued = false;
	if (t->state == TASK_BLOCKED) {
		if (list_linked(&t->sleep_link))
			list_del(&t->sleep_link);
		if (cpu_table[cpu]->current == t) {
			t->state = TASK_RUNNING;	/* not switched out yet */
		} else {
			t->state = TASK_RUNNABLE;
			rq_enqueue(&sc->rq, &t->rq);
			queued = true;
		}
	}
	spin_unlock_irqrestore(&sc->lock, f);
	if (queued)
		sched_check_preempt(cpu, t);
}

/* ---- time ----
 * Each CPU's LAPIC timer is one-shot (TSC-deadline mode where the CPU has
 * it), armed for the earliest of: the next scheduler tick (SCHED_HZ, for
 * time slices and load balancing), the first sleeper's deadline, and an
 * event a vCPU asked for.  So a task sleeping 20 us wakes after 20 us, not
 * at the next tick.  Armed on its own CPU with the run-queue lock held. */

void sched_timer_rearm_locked(struct sched_cpu *sc)
{
	if (sc->timer_hold)
		return;
	u64 at = sc->tick_tsc;
	if (!list_empty(&sc->sleepers)) {
		struct task *t = list_entry(sc->sleepers.next, struct task, sleep_link);
		if (t->wake_tsc < at)
			at = t->wake_tsc;
	}
	if (sc->event_tsc && sc->event_tsc < at)
		at = sc->event_tsc;
	sc->timer_at = at;
	sc->timer_armed = rdtsc();
	sc->timer_exact = !lapic_timer_at_tsc(at);
}

void sched_timer_request(u64 tsc)
{
	struct sched_cpu *sc = this_cpu()->sched;
	if (tsc >= READ_ONCE(sc->timer_at))
		return;
	spin_lock(&sc->lock);
	if (!sc->event_tsc || tsc < sc->event_tsc)
		sc->event_tsc = tsc;
	sched_timer_rearm_locked(sc);
	spin_unlock(&sc->lock);
}

void sched_timer_hold(bool hold)
{
	u64 f = irq_save();
	struct sched_cpu *sc = this_cpu()->sched;
	spin_lock(&sc->lock);
	sc->timer_hold = hold;
	sched_timer_rearm_locked(sc);
	spin_unlock(&sc->lock);
	irq_restore(f);
}

void sched_sleepers_insert(struct sched_cpu *sc, struct task *t)
{
	list_for_each(it, &sc->sleepers) {
		struct task *o = list_entry(it, struct task, sleep_link);
		if (o->wake_tsc > t->wake_tsc) {
			list_insert_between(&t->sleep_link, it->prev, it);
			return;
		}
	}
	list_add_tail(&sc->sleepers, &t->sleep_link);
}

void sched_sleep_until_tsc(u64 deadline)
{
	u64 f = irq_save();
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	struct task *t = pc->current;
	spin_lock(&sc->lock);
	t->wake_tsc = deadline;
	sched_sleepers_insert(sc, t);
	if (deadline < sc->timer_at)
		sched_timer_rearm_locked(sc);
	t->state = TASK_BLOCKED;
	t->stats.blocks++;
	spin_unlock(&sc->lock);
	schedule();
	irq_restore(f);
}

bool sched_block_unless(bool (*ready)(void *arg), void *arg, u64 deadline)
{
	u64 f = irq_save();
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	struct task *t = pc->current;
	spin_lock(&sc->lock);
	t->state = TASK_BLOCKED;
	if (deadline) {
		t->wake_tsc = deadline;
		sched_sleepers_insert(sc, t);
		if (deadline < sc->timer_at)
			sched_timer_rearm_locked(sc);
	}
	spin_unlock(&sc->lock);
	if (ready(arg)) {
		/* Undo, unless a waker already did (it marks us RUNNING). */
		spin_lock(&sc->lock);
		if (list_linked(&t->sleep_link))
			list_del(&t->sleep_link);
		t->state = TASK_RUNNING;
		spin_unlock(&sc->lock);
		irq_restore(f);
		return true;
	}
	t->stats.blocks++;
	schedule();
	irq_restore(f);
	return false;
}

bool sched_task_parked(const struct task *t)
{
	struct percpu *pc = cpu_table[READ_ONCE(t->cpu)];
	return READ_ONCE(t->state) == TASK_BLOCKED && pc && READ_ONCE(pc->current) != t;
}

void sched_sleep_ns(u64 ns)
{
	sched_sleep_until_tsc(rdtsc() + ns_to_tsc(ns));
}

void wq_init(struct wait_queue *wq)
{
	spin_lock_init(&wq->lock, "waitq");
	list_init(&wq->waiters);
}

void wq_wait(struct wait_queue *wq, spinlock_t *lock)
{
	u64 f = irq_save();
	struct task *t = current_task();
	spin_lock(&wq->lock);
	list_add_tail(&wq->waiters, &t->wait_link);
	t->state = TASK_BLOCKED;
	t->stats.blocks++;
	spin_unlock(&wq->lock);
	if (lock)
		spin_unlock(lock);
	schedule();
	/* Woken (or never slept): make sure we are off the queue. */
	spin_lock(&wq->lock);
	if (list_linked(&t->wait_link))
		list_del(&t->wait_link);
	spin_unlock(&wq->lock);
	if (lock)
		spin_lock(lock);
	irq_restore(f);
}

/* The waiter is woken before the queue's lock is dropped: whoever then
 * finds the queue empty knows every waiter is runnable, not merely taken
 * off the list by a waker on another CPU that has yet to wake it (the start
 * barrier of a guest's vCPUs relies on that).  Lock order: queue, then run
 * queue; nothing takes a wait-queue lock with a run-queue lock held. */
bool wq_wake_one(struct wait_queue *wq)
{
	u64 f = spin_lock_irqsave(&wq->lock);
	struct list_node *n = list_first(&wq->waiters);
	struct task *t = NULL;
	if (n) {
		list_del(n);
		t = list_entry(n, struct task, wait_link);
		task_wake(t);
	}
	spin_unlock_irqrestore(&wq->lock, f);
	return t != NULL;
}

u32 wq_wake_all(struct wait_queue *wq)
{
	u32 n = 0;
	while (wq_wake_one(wq))
		n++;
	return n;
}
