/* sched/sched.h - the scheduler: per-CPU O(1) run queues, time slices from
 * the LAPIC timer, priorities, wait queues, sleeping until a deadline, CPU
 * affinity, explicit migration and idle-pull load balancing, and preempt
 * notifiers that let a task act on every switch into and out of it.
 * Nothing here knows about SVM. */
#ifndef SVMHV_SCHED_H
#define SVMHV_SCHED_H
#include "lib/types.h"
#include "kernel/spinlock.h"
#include "sched/task.h"

#define SCHED_HZ          1000
#define SCHED_SLICE_TICKS 4
#define PRIO_DEFAULT      8
#define PRIO_IDLE         (SCHED_NPRIO - 1)

struct wait_queue {
	spinlock_t lock;
	struct list_node waiters;
};
#define WAIT_QUEUE_INIT(wq) { SPINLOCK_INIT("waitq"), LIST_INIT((wq).waiters) }
void wq_init(struct wait_queue *wq);

struct sched_cpu_stats {
	u64 switches;
	u64 migrations_in;	/* tasks that arrived from another CPU */
	u64 pulls;		/* load-balancing pulls by this CPU */
	u64 idle_tsc;		/* time spent halted in the idle loop */
	u64 ticks;
};

struct sched_cpu {
	spinlock_t lock;
	struct runqueue rq;
	struct task *idle;
	struct list_node sleepers;	/* sorted by wake_tsc */
	volatile bool need_resched;
	struct sched_cpu_stats stats;
	struct task *prev_for_finish;	/* handed from schedule() to the next task */
	bool prev_preempted;
	u64 last_pull_tick;
	/* One-shot time (see "time" in sched.c); on this CPU, lock held. */
	u64 tick_tsc;		/* TSC of the next scheduler tick */
	u64 timer_at;		/* TSC the LAPIC timer is armed for */
	u64 event_tsc;		/* an earlier interrupt asked by sched_timer_request, 0 none */
	bool timer_hold;	/* test-only: a test owns the LAPIC timer */
};

struct task_params {
	const char *name;
	void (*entry)(void *);
	void *arg;
	u32 prio;
	s32 cpu;		/* initial CPU, -1 = the caller's */
	const cpumask_t *affinity;	/* NULL: all CPUs */
	bool with_ldt;
	bool detached;
	u32 stack_size;		/* 0 = KSTACK_SIZE */
};

void sched_init(void);			/* boot CPU, before others start */
void sched_start_cpu(void) __noreturn;	/* every CPU: become the idle task */
void sched_wait_for_cpus(void);		/* after smp_init: until all are in */
bool sched_running(void);

struct task *task_create(const struct task_params *p);
void task_exit(void) __noreturn;
int task_join(struct task *t);		/* waits, then frees it */
/* Same, adding the task's run and migration counts to the two totals. */
int task_join_keep(struct task *t, u64 *runs, u64 *migrations);

void schedule(void);			/* pick the next task (current stays runnable if RUNNING) */
void sched_yield(void);
/* The current task changes its own host state: the task, the CPU and the
 * task's hs_gen together, with interrupts off.  The FS base must point at
 * a struct task_local whose self pointer is that base and whose task is
 * the caller; a new LDT (kmalloc'ed, or NULL) becomes the task's and is
 * freed with it. */
void task_set_fs_base(u64 base);
void task_set_kernel_gs_base(u64 value);
void task_set_ldt(u64 *ldt, u32 entries);
void sched_sleep_ns(u64 ns);
void sched_sleep_until_tsc(u64 tsc);
void task_wake(struct task *t);
/* Blocks the current task until task_wake() or, with a non-zero deadline,
 * until the TSC reaches it - unless ready(arg) holds once the task is
 * marked blocked.  So a wake-up that comes between the caller's last look
 * and the block is never lost: the waker makes ready() true, then calls
 * task_wake().  Returns true when ready() held and the task did not block. */
bool sched_block_unless(bool (*ready)(void *arg), void *arg, u64 deadline);
/* True when t is blocked and switched out: it has committed to waiting
 * (any ready() check is behind it) and runs again only when woken.  A
 * snapshot, for tests that must know a wake-up is needed. */
bool sched_task_parked(const struct task *t);
/* Makes this CPU take a timer interrupt no later than `tsc` (interrupts
 * off): a running guest is thereby made to exit when its own timer is due.
 * Costs nothing when the timer is already armed earlier. */
void sched_timer_request(u64 tsc);
/* Test-only: while held, the scheduler leaves this CPU's LAPIC timer alone
 * (a test programs it itself); releasing re-arms it. */
void sched_timer_hold(bool hold);
int sched_set_affinity(struct task *t, const cpumask_t *m);
int sched_migrate(struct task *t, u32 cpu);	/* move it to cpu (affinity permitting) */
void sched_set_prio(struct task *t, u32 prio);

/* Blocks on wq; `lock` (held by the caller, may be NULL) is released
 * atomically with going to sleep and taken again before returning. */
void wq_wait(struct wait_queue *wq, spinlock_t *lock);
bool wq_wake_one(struct wait_queue *wq);
u32 wq_wake_all(struct wait_queue *wq);

void preempt_notifier_register(struct task *t, struct preempt_notifier *pn,
			       const struct preempt_ops *ops);
void preempt_notifier_unregister(struct task *t, struct preempt_notifier *pn);

void preempt_disable(void);
void preempt_enable(void);

void sched_print_stats(void);
/* Each CPU's running task and waiting tasks (svmhv's console, key 'r'). */
void sched_print_runqueues(void);
u64 sched_cpu_switches(u32 cpu);

/* Test-only negative control: skip restoring the FS base on switches. */
extern volatile bool sched_debug_skip_fs_restore;
extern u32 sched_slice_ticks;
#endif
