/* vmm/vtimer.h - a vCPU's timer queue: the guest-visible timers whose
 * expiry raises an interrupt on that vCPU (its local APIC timer in one-shot,
 * periodic or TSC-deadline mode; HC_TIMER on a bare VM), kept sorted by
 * deadline so that the run loop reads one word to know whether anything is
 * due, and the host timer is armed once for the earliest.
 *
 * One queue per vCPU, not per VM: every timer svmhv models interrupts one
 * vCPU (a local APIC timer is that APIC's, HC_TIMER the caller's), so the
 * queue belongs to the task that fires it and needs no lock, and an expiry
 * never needs another CPU.  A VM-wide timer device (an RTC or HPET alarm)
 * goes on the queue of the vCPU its interrupt is routed to.
 * docs/interrupts.md has the timing rules.  Pure logic: the host unit test
 * runs it. */
#ifndef SVMHV_VMM_VTIMER_H
#define SVMHV_VMM_VTIMER_H
#include "lib/types.h"
#include "lib/list.h"

#define VTIMER_NEVER	(~0ULL)

struct vtimer;
/* Called once the deadline passed (now >= deadline), after the timer was
 * taken off the queue; it may arm the timer again. */
typedef void (*vtimer_fn)(struct vtimer *t, u64 now);

struct vtimer {
	u64 deadline;		/* TSC; meaningful while armed */
	vtimer_fn fire;
	struct list_node link;	/* in the queue while armed */
	/* How late the expiries ran (now - deadline), for the reports. */
	u64 fired, late_total, late_max;
};

struct vtimer_queue {
	struct list_node armed;	/* by deadline, earliest first */
	u64 next;		/* the earliest deadline, VTIMER_NEVER when empty */
};

void vtimer_queue_init(struct vtimer_queue *q);
void vtimer_init(struct vtimer *t, vtimer_fn fire);
/* Arms t (again) for deadline; an armed timer moves. */
void vtimer_arm(struct vtimer_queue *q, struct vtimer *t, u64 deadline);
void vtimer_cancel(struct vtimer_queue *q, struct vtimer *t);
static inline bool vtimer_armed(const struct vtimer *t)
{
	return list_linked(&t->link);
}
/* Fires every timer due at now, earliest first; returns how many. */
u32 vtimer_run(struct vtimer_queue *q, u64 now);
static inline bool vtimer_due(const struct vtimer_queue *q, u64 now)
{
	return now >= q->next;
}
#endif
