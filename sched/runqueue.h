/* sched/runqueue.h - one CPU's queue of runnable tasks: a FIFO per
 * priority level and a bitmap of non-empty levels, so picking the next
 * task is O(1) whatever the number of tasks (find-first-set on the bitmap).
 * Pure logic: no locking (the caller holds the CPU's run-queue lock), no
 * knowledge of tasks beyond the embedded node. */
#ifndef SVMHV_RUNQUEUE_H
#define SVMHV_RUNQUEUE_H
#include "lib/types.h"
#include "lib/list.h"

#define SCHED_NPRIO 16		/* 0 is the highest priority */

struct rq_entity {
	struct list_node link;
	u32 prio;
	bool queued;
};

struct runqueue {
	struct list_node level[SCHED_NPRIO];
	u32 bitmap;		/* bit p set <=> level[p] non-empty */
	u32 nr;			/* queued entities */
};

void rq_init(struct runqueue *rq);
void rq_enqueue(struct runqueue *rq, struct rq_entity *e);	/* at the tail of its level */
void rq_enqueue_head(struct runqueue *rq, struct rq_entity *e);
void rq_dequeue(struct runqueue *rq, struct rq_entity *e);
struct rq_entity *rq_peek(const struct runqueue *rq);		/* highest priority, oldest */
struct rq_entity *rq_pop(struct runqueue *rq);
int rq_highest_prio(const struct runqueue *rq);		/* -1 when empty */
int rq_check(const struct runqueue *rq);			/* consistency, 0 or -EINVAL */

/* Load balancing: which CPU should an idle CPU `self` pull from?  loads[i]
 * is the number of queued (not running) tasks on CPU i; a CPU is a
 * candidate when it has at least `min_queued` waiting.  Returns the busiest
 * candidate (lowest index on ties) or -1. */
int balance_pick_busiest(const u32 *loads, u32 ncpus, u32 self, u32 min_queued);
#endif
