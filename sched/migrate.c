/* sched/migrate.c - moving tasks between CPUs: explicit migration
 * (sched_migrate), affinity and priority changes, and the idle CPU's pull
 * of one waiting task from the busiest queue (sched_try_pull, from the
 * idle loop).  The locking rules are sched/sched.c's: a task belongs to
 * the queue of t->cpu, which changes only with the task off any CPU and
 * both queues locked (sched_double_lock, lower CPU first). */
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"

/* ---- affinity and migration ---- */

int sched_migrate(struct task *t, u32 cpu)
{
	if (cpu >= ncpus_online || !cpumask_test(&t->affinity, cpu))
		return -EINVAL;
	for (;;) {
		u64 f;
		struct sched_cpu *sc = sched_task_rq_lock(t, &f);
		u32 from = t->cpu;
		if (from == cpu && t->migrate_to < 0) {
			spin_unlock_irqrestore(&sc->lock, f);
			return 0;
		}
		if (t->state == TASK_RUNNING) {
			t->migrate_to = (s32)cpu;
			t->preempt_pending = true;
			spin_unlock_irqrestore(&sc->lock, f);
			if (from == this_cpu_id() && t == current_task())
				schedule();
			else
				sched_kick_cpu(from);
			return 0;
		}
		if (t->state == TASK_DEAD) {
			spin_unlock_irqrestore(&sc->lock, f);
			return -ENOENT;
		}
		if (t->state == TASK_RUNNABLE && !t->rq.queued) {
			/* In transit between queues: try again. */
			spin_unlock_irqrestore(&sc->lock, f);
			cpu_relax();
			continue;
		}
		spin_unlock(&sc->lock);
		sched_double_lock(from, cpu);
		if (t->cpu != from || cpu_table[from]->current == t ||
		    (t->state == TASK_RUNNABLE && !t->rq.queued)) {
			sched_double_unlock(from, cpu);
			irq_restore(f);
			continue;
		}
		bool queued = false;
		if (t->state == TASK_RUNNABLE) {
			rq_dequeue(&sc_of(from)->rq, &t->rq);
			t->cpu = cpu;
			rq_enqueue(&sc_of(cpu)->rq, &t->rq);
			queued = true;
		} else if (t->state == TASK_BLOCKED) {
			bool sleeping = list_linked(&t->sleep_link);
			if (sleeping)
				list_del(&t->sleep_link);
			t->cpu = cpu;
			if (sleeping)
				sched_sleepers_insert(sc_of(cpu), t);
		}
		sched_double_unlock(from, cpu);
		irq_restore(f);
		if (queued)
			sched_check_preempt(cpu, t);
		return 0;
	}
}

int sched_set_affinity(struct task *t, const cpumask_t *m)
{
	int target = -1;
	for (u32 c = 0; c < ncpus_online && target < 0; c++)
		if (cpumask_test(m, c))
			target = (int)c;
	if (target < 0)
		return -EINVAL;
	u64 f;
	struct sched_cpu *sc = sched_task_rq_lock(t, &f);
	t->affinity = *m;
	bool must_move = !cpumask_test(m, t->cpu);
	spin_unlock_irqrestore(&sc->lock, f);
	if (must_move)
		return sched_migrate(t, (u32)target);
	return 0;
}

void sched_set_prio(struct task *t, u32 prio)
{
	if (prio >= SCHED_NPRIO)
		prio = SCHED_NPRIO - 1;
	u64 f;
	struct sched_cpu *sc = sched_task_rq_lock(t, &f);
	if (t->rq.queued) {
		rq_dequeue(&sc->rq, &t->rq);
		t->rq.prio = prio;
		rq_enqueue(&sc->rq, &t->rq);
	} else {
		t->rq.prio = prio;
	}
	spin_unlock_irqrestore(&sc->lock, f);
}

u64 sched_cpu_switches(u32 cpu)
{
	return sc_of(cpu)->stats.switches;
}

/* ---- load balancing: an idle CPU pulls one waiting task ---- */

bool sched_try_pull(u32 self)
{
	/* At most one attempt per timer tick per CPU. */
	struct sched_cpu *me = sc_of(self);
	if (me->last_pull_tick == me->stats.ticks && me->stats.ticks)
		return false;
	me->last_pull_tick = me->stats.ticks;
	u32 loads[MAX_CPUS];
	u32 n = ncpus_online;
	for (u32 c = 0; c < n; c++)
		loads[c] = READ_ONCE(sc_of(c)->rq.nr);
	int busiest = balance_pick_busiest(loads, n, self, 1);
	if (busiest < 0)
		return false;
	u32 from = (u32)busiest;
	struct task *pulled = NULL;
	/* Never queue up on a busy CPU's lock: many idle CPUs doing so form
	 * a convoy on it (seen at -smp 16 on two host cores).  Try it once. */
	spin_lock(&sc_of(self)->lock);
	if (!spin_trylock(&sc_of(from)->lock)) {
		spin_unlock(&sc_of(self)->lock);
		return false;
	}
	struct runqueue *rq = &sc_of(from)->rq;
	/* Lowest priority level first: leave urgent work where it is. */
	for (int p = SCHED_NPRIO - 1; p >= 0 && !pulled; p--) {
		list_for_each(it, &rq->level[p]) {
			struct task *t = list_entry(it, struct task, rq.link);
			/* A task placed on a CPU it has not run on yet (explicit
			 * migration, wake-up there) stays: it was put there. */
			bool placed = t->last_cpu != ~0u && t->last_cpu != t->cpu;
			if (cpumask_test(&t->affinity, self) && t->migrate_to < 0 && !placed) {
				pulled = t;
				break;
			}
		}
	}
	if (pulled) {
		rq_dequeue(rq, &pulled->rq);
		pulled->cpu = self;
		rq_enqueue(&sc_of(self)->rq, &pulled->rq);
		sc_of(self)->stats.pulls++;
	}
	sched_double_unlock(self, from);
	return pulled != NULL;
}
