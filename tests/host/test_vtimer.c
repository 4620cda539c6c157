/* tests/host/test_vtimer.c - a vCPU's timer queue (vmm/vtimer.c) on the
 * host: the earliest deadline is always `next`, timers fire in deadline
 * order and only once due, re-arming moves a timer, a timer may re-arm
 * itself from its expiry (periodic), cancelling is idempotent, lateness
 * is counted. */
#include "tests/host/host_support.h"
#include "vmm/vtimer.h"

static int order[16], nfired;

static void record(struct vtimer *t, u64 now)
{
	order[nfired++] = (int)t->deadline;
}

static struct vtimer_queue *periodic_q;
static u64 periodic_step;

static void periodic(struct vtimer *t, u64 now)
{
	order[nfired++] = (int)t->deadline;
	if (nfired < 4)
		vtimer_arm(periodic_q, t, t->deadline + periodic_step);
}

static void fires_in_order_once_due(void **state)
{
	struct vtimer_queue q;
	struct vtimer a, b, c;
	vtimer_queue_init(&q);
	assert_true(q.next == VTIMER_NEVER);
	assert_false(vtimer_due(&q, ~0ULL - 1));
	vtimer_init(&a, record);
	vtimer_init(&b, record);
	vtimer_init(&c, record);
	vtimer_arm(&q, &a, 300);
	vtimer_arm(&q, &b, 100);
	vtimer_arm(&q, &c, 200);
	assert_int_equal(q.next, 100);
	nfired = 0;
	assert_int_equal(vtimer_run(&q, 99), 0);
	assert_int_equal(vtimer_run(&q, 250), 2);
	assert_int_equal(order[0], 100);
	assert_int_equal(order[1], 200);
	assert_int_equal(q.next, 300);
	assert_false(vtimer_armed(&b));
	assert_true(vtimer_armed(&a));
	assert_int_equal(b.late_total, 150);
	assert_int_equal(c.late_max, 50);
	assert_int_equal(vtimer_run(&q, 300), 1);
	assert_true(q.next == VTIMER_NEVER);
	assert_int_equal(vtimer_run(&q, 1000), 0);
}

static void rearm_moves_cancel_is_idempotent(void **state)
{
	struct vtimer_queue q;
	struct vtimer a, b;
	vtimer_queue_init(&q);
	vtimer_init(&a, record);
	vtimer_init(&b, record);
	vtimer_arm(&q, &a, 100);
	vtimer_arm(&q, &b, 200);
	vtimer_arm(&q, &a, 500);		/* moves behind b */
	assert_int_equal(q.next, 200);
	vtimer_cancel(&q, &b);
	assert_int_equal(q.next, 500);
	vtimer_cancel(&q, &b);
	assert_int_equal(q.next, 500);
	vtimer_arm(&q, &b, 50);
	assert_int_equal(q.next, 50);
	vtimer_cancel(&q, &a);
	vtimer_cancel(&q, &b);
	assert_true(q.next == VTIMER_NEVER);
	nfired = 0;
	assert_int_equal(vtimer_run(&q, ~0ULL - 1), 0);
	/* Equal deadlines: both fire, in the order they were armed. */
	vtimer_arm(&q, &a, 10);
	vtimer_arm(&q, &b, 10);
	assert_int_equal(vtimer_run(&q, 10), 2);
}

static void periodic_rearm_from_expiry(void **state)
{
	struct vtimer_queue q;
	struct vtimer p;
	vtimer_queue_init(&q);
	vtimer_init(&p, periodic);
	periodic_q = &q;
	periodic_step = 10;
	nfired = 0;
	vtimer_arm(&q, &p, 100);
	/* Far behind: every period that passed fires, one call. */
	assert_int_equal(vtimer_run(&q, 1000), 4);
	assert_int_equal(order[0], 100);
	assert_int_equal(order[3], 130);
	assert_false(vtimer_armed(&p));
	assert_true(q.next == VTIMER_NEVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fires_in_order_once_due),
		cmocka_unit_test(rearm_moves_cancel_is_idempotent),
		cmocka_unit_test(periodic_rearm_from_expiry),
	};
	return cmocka_run_group_tests_name("vtimer", tests, NULL, NULL);
}
