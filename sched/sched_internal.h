/* sched/sched_internal.h - between the scheduler's own files: sched.c
 * (switching, tasks, the tick, start-up), wait.c (waking, sleeping, wait
 * queues) and migrate.c (moving tasks between CPUs).  Nothing outside sched/ includes it. */
#ifndef SVMHV_SCHED_INTERNAL_H
#define SVMHV_SCHED_INTERNAL_H
#include "sched/sched.h"

extern struct sched_cpu sched_cpus[MAX_CPUS];

static inline struct sched_cpu *sc_of(u32 cpu)
{
	return &sched_cpus[cpu];
}

/* Locks the queue `t` belongs to, following it if it moves meanwhile. */
struct sched_cpu *sched_task_rq_lock(struct task *t, u64 *flags);
/* Locks two run queues in a fixed order (lower CPU first). */
void sched_double_lock(u32 a, u32 b);
void sched_double_unlock(u32 a, u32 b);
/* Makes `cpu` reschedule soon: locally by flag, remotely by IPI. */
void sched_kick_cpu(u32 cpu);
/* Kicks `cpu` if `t`, just queued there, should preempt what runs. */
void sched_check_preempt(u32 cpu, struct task *t);
/* Puts a sleeping `t` on sc's sleepers, ordered by wake-up time. */
void sched_sleepers_insert(struct sched_cpu *sc, struct task *t);
/* wait.c: programs this CPU's one-shot timer for its earliest sleeper or
 * timer request; sc's lock held. */
void sched_timer_rearm_locked(struct sched_cpu *sc);
/* migrate.c: an idle CPU pulls one waiting task; true if it got one. */
bool sched_try_pull(u32 self);

#endif
