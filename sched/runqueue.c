/* sched/runqueue.c - O(1) priority run queues (see runqueue.h). */
#include "sched/runqueue.h"
#include "kernel/printk.h"

void rq_init(struct runqueue *rq)
{
	for (u32 p = 0; p < SCHED_NPRIO; p++)
		list_init(&rq->level[p]);
	rq->bitmap = 0;
	rq->nr = 0;
}

static u32 clamp_prio(u32 p)
{
	return p < SCHED_NPRIO ? p : SCHED_NPRIO - 1;
}

void rq_enqueue(struct runqueue *rq, struct rq_entity *e)
{
	u32 p = clamp_prio(e->prio);
	list_add_tail(&rq->level[p], &e->link);
	rq->bitmap |= 1u << p;
	rq->nr++;
	e->queued = true;
}

void rq_enqueue_head(struct runqueue *rq, struct rq_entity *e)
{
	u32 p = clamp_prio(e->prio);
	list_add_head(&rq->level[p], &e->link);
	rq->bitmap |= 1u << p;
	rq->nr++;
	e->queued = true;
}

void rq_dequeue(struct runqueue *rq, struct rq_entity *e)
{
	u32 p = clamp_prio(e->prio);
	list_del(&e->link);
	if (list_empty(&rq->level[p]))
		rq->bitmap &= ~(1u << p);
	rq->nr--;
	e->queued = false;
}

int rq_highest_prio(const struct runqueue *rq)
{
	return rq->bitmap ? __builtin_ctz(rq->bitmap) : -1;
}

struct rq_entity *rq_peek(const struct runqueue *rq)
{
	int p = rq_highest_prio(rq);
	if (p < 0)
		return NULL;
	return list_entry(rq->level[p].next, struct rq_entity, link);
}

struct rq_entity *rq_pop(struct runqueue *rq)
{
	struct rq_entity *e = rq_peek(rq);
	if (e)
		rq_dequeue(rq, e);
	return e;
}

int rq_check(const struct runqueue *rq)
{
	u32 count = 0;
	for (u32 p = 0; p < SCHED_NPRIO; p++) {
		bool nonempty = !list_empty(&rq->level[p]);
		if (nonempty != !!(rq->bitmap & (1u << p))) {
			pr_err("runqueue: level %u is %s but its bitmap bit is %s\n", p,
			       nonempty ? "non-empty" : "empty", nonempty ? "clear" : "set");
			return -EINVAL;
		}
		list_for_each(it, &rq->level[p]) {
			struct rq_entity *e = list_entry(it, struct rq_entity, link);
			if (clamp_prio(e->prio) != p || !e->queued) {
				pr_err("runqueue: entity of priority %u (queued %d) found on level %u\n",
				       e->prio, e->queued, p);
				return -EINVAL;
			}
			if (it->next->prev != it) {
				pr_err("runqueue: broken links on level %u\n", p);
				return -EINVAL;
			}
			count++;
		}
	}
	if (count != rq->nr) {
		pr_err("runqueue: %u entities linked but nr says %u\n", count, rq->nr);
		return -EINVAL;
	}
	return 0;
}

int balance_pick_busiest(const u32 *loads, u32 ncpus, u32 self, u32 min_queued)
{
	int best = -1;
	u32 best_load = 0;
	for (u32 i = 0; i < ncpus; i++) {
		if (i == self || loads[i] < min_queued)
			continue;
		if (best < 0 || loads[i] > best_load) {
			best = (int)i;
			best_load = loads[i];
		}
	}
	return best;
}
