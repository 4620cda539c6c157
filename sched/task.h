/* sched/task.h - kernel tasks (threads).  Each has its own stack and its
 * own copy of the host state that VMSAVE captures for a task: an FS base
 * (its task-local storage, which the kernel reaches through %fs), a
 * KernelGsBase value and optionally an LDT of its own.  TR and the GS base
 * belong to the CPU, never to a task. */
#ifndef SVMHV_TASK_H
#define SVMHV_TASK_H
#include "lib/types.h"
#include "lib/list.h"
#include "kernel/percpu.h"
#include "sched/runqueue.h"

#define TASK_NAME_LEN 32
#define CPUMASK_WORDS (MAX_CPUS / 64)
#define TASK_LOCAL_MAGIC 0x6c61636f6c6b7374ULL	/* "tsklocal" */

typedef struct { u64 w[CPUMASK_WORDS]; } cpumask_t;

static inline void cpumask_clear(cpumask_t *m) { for (u32 i = 0; i < CPUMASK_WORDS; i++) m->w[i] = 0; }
static inline void cpumask_set(cpumask_t *m, u32 c) { m->w[c / 64] |= BIT(c % 64); }
static inline bool cpumask_test(const cpumask_t *m, u32 c) { return c < MAX_CPUS && (m->w[c / 64] & BIT(c % 64)); }
static inline void cpumask_setall(cpumask_t *m) { for (u32 i = 0; i < CPUMASK_WORDS; i++) m->w[i] = ~0ULL; }

enum task_state {
	TASK_RUNNING = 0,	/* on a CPU now */
	TASK_RUNNABLE,		/* queued on a run queue */
	TASK_BLOCKED,		/* waiting on a wait queue or a deadline */
	TASK_DEAD,
};

/* The block %fs points at: a task's local storage. */
struct task_local {
	struct task_local *self;	/* %fs:0 */
	struct task *task;		/* %fs:8 */
	u64 magic;			/* %fs:16 */
	u64 counter;			/* %fs:24: incremented through %fs on every run */
	u64 user[4];			/* free for the task's own use */
};

struct preempt_notifier;
struct preempt_ops {
	/* After the switch into the task, on `cpu`; migrated is true when the
	 * task last ran on another CPU.  Interrupts are off. */
	void (*sched_in)(struct preempt_notifier *pn, u32 cpu, bool migrated);
	/* Before the switch out of the task, on `cpu`; preempted is true when
	 * the task stays runnable (preemption, yield, migration), false when it
	 * blocks or exits.  Interrupts are off. */
	void (*sched_out)(struct preempt_notifier *pn, u32 cpu, bool preempted);
};
struct preempt_notifier {
	struct list_node link;
	const struct preempt_ops *ops;
};

struct task_stats {
	u64 runs;		/* times switched in */
	u64 migrations;		/* times it ran on a CPU other than the last */
	u64 preemptions;	/* switched out while still runnable, involuntarily */
	u64 yields;
	u64 blocks;
	u64 notifier_in, notifier_out;
};

struct task {
	/* Context-switch state (offsets used by sched/switch.asm). */
	u64 rsp;
	u64 fs_base;
	u64 kernel_gs_base;

	u32 id;
	char name[TASK_NAME_LEN];
	volatile u32 state;
	u32 cpu;		/* CPU whose run queue owns it (or it runs on) */
	u32 last_cpu;		/* CPU it last ran on; ~0 before its first run */
	struct rq_entity rq;	/* run-queue node and priority */
	cpumask_t affinity;
	u32 slice_ticks;	/* ticks left in its time slice */
	s32 migrate_to;		/* pending explicit migration, -1 none */
	bool preempt_pending;	/* the coming switch-out is a preemption */
	bool detached;		/* freed at exit without a join */

	u64 wake_tsc;		/* deadline while sleeping */
	struct list_node sleep_link;
	struct list_node wait_link;	/* on a wait queue */
	struct list_node all_link;
	volatile bool exited;	/* set once a dead task is off its CPU for good */

	/* LDT of its own, or none (ldt == NULL: LDTR is null while it runs). */
	u64 *ldt;
	u32 ldt_entries;
	/* Bumped whenever the task changes its own FS base, KernelGsBase or
	 * LDT (task_set_*() in sched.c): copies of that state, such as svm's
	 * cached host-state snapshot, are stale when it differs. */
	u64 hs_gen;

	struct list_node notifiers;
	struct task_local *tls;
	u8 *stack;
	u32 stack_size;
	void (*entry)(void *);
	void *arg;
	struct task_stats stats;
	u64 stack_canary_addr;
};

#define STACK_CANARY 0x57a4c0ffee57a4c0UL

/* Current task's local storage, reached through %fs: the way code on a
 * task finds its own data, and what breaks at once when FS is stale. */
static inline struct task_local *task_local(void)
{
	struct task_local *tl;
	__asm__ __volatile__("mov %%fs:0, %0" : "=r"(tl));
	return tl;
}
#endif
