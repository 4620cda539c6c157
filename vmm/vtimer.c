/* vmm/vtimer.c - a vCPU's timer queue (vmm/vtimer.h). */
#include "vmm/vtimer.h"

void vtimer_queue_init(struct vtimer_queue *q)
{
	list_init(&q->armed);
	q->next = VTIMER_NEVER;
}

void vtimer_init(struct vtimer *t, vtimer_fn fire)
{
	t->deadline = 0;
	t->fire = fire;
	t->link.next = t->link.prev = NULL;
	t->fired = t->late_total = t->late_max = 0;
}

static void vtimer_update_next(struct vtimer_queue *q)
{
	struct list_node *n = list_first(&q->armed);
	q->next = n ? list_entry(n, struct vtimer, link)->deadline : VTIMER_NEVER;
}

void vtimer_cancel(struct vtimer_queue *q, struct vtimer *t)
{
	if (!vtimer_armed(t))
		return;
	list_del(&t->link);
	t->link.next = t->link.prev = NULL;
	vtimer_update_next(q);
}

void vtimer_arm(struct vtimer_queue *q, struct vtimer *t, u64 deadline)
{
	if (vtimer_armed(t))
		list_del(&t->link);
	t->deadline = deadline;
	struct list_node *pos = &q->armed;	/* insert before the first later one */
	list_for_each(it, &q->armed) {
		if (list_entry(it, struct vtimer, link)->deadline > deadline) {
			pos = it;
			break;
		}
	}
	list_insert_between(&t->link, pos->prev, pos);
	vtimer_update_next(q);
}

u32 vtimer_run(struct vtimer_queue *q, u64 now)
{
	u32 n = 0;
	struct list_node *it;
	while ((it = list_first(&q->armed)) != NULL) {
		struct vtimer *t = list_entry(it, struct vtimer, link);
		if (t->deadline > now)
			break;
		list_del(&t->link);
		t->link.next = t->link.prev = NULL;
		vtimer_update_next(q);
		u64 late = now - t->deadline;
		t->fired++;
		t->late_total += late;
		if (late > t->late_max)
			t->late_max = late;
		t->fire(t, now);
		n++;
	}
	return n;
}
