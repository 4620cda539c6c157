/* tests/host/test_runqueue.c - the scheduler's run queue and load-balancing
 * choice, on the host: O(1) pick order, priorities, FIFO within a level,
 * consistency checks, and which CPU an idle CPU pulls from. */
#include "tests/host/host_support.h"
#include "sched/runqueue.h"

static void pick_follows_priority_then_fifo(void **state)
{
	struct runqueue rq;
	struct rq_entity e[6] = { { .prio = 8 }, { .prio = 3 }, { .prio = 8 }, { .prio = 3 }, { .prio = 15 }, { .prio = 0 } };
	rq_init(&rq);
	for (int i = 0; i < 6; i++)
		rq_enqueue(&rq, &e[i]);
	assert_int_equal(rq.nr, 6);
	assert_int_equal(rq_check(&rq), 0);
	struct rq_entity *want[6] = { &e[5], &e[1], &e[3], &e[0], &e[2], &e[4] };
	for (int i = 0; i < 6; i++)
		assert_ptr_equal(rq_pop(&rq), want[i]);
	assert_null(rq_pop(&rq));
	assert_int_equal(rq.bitmap, 0);
}

static void dequeue_middle_keeps_bitmap_right(void **state)
{
	struct runqueue rq;
	struct rq_entity a = { .prio = 2 }, b = { .prio = 2 }, c = { .prio = 5 };
	rq_init(&rq);
	rq_enqueue(&rq, &a);
	rq_enqueue(&rq, &b);
	rq_enqueue(&rq, &c);
	rq_dequeue(&rq, &a);
	assert_int_equal(rq_highest_prio(&rq), 2);
	rq_dequeue(&rq, &b);
	assert_int_equal(rq_highest_prio(&rq), 5);
	assert_false(a.queued);
	assert_int_equal(rq_check(&rq), 0);
	rq_dequeue(&rq, &c);
	assert_int_equal(rq_highest_prio(&rq), -1);
	assert_int_equal(rq_check(&rq), 0);
}

static void enqueue_head_runs_next(void **state)
{
	struct runqueue rq;
	struct rq_entity a = { .prio = 4 }, b = { .prio = 4 };
	rq_init(&rq);
	rq_enqueue(&rq, &a);
	rq_enqueue_head(&rq, &b);
	assert_ptr_equal(rq_peek(&rq), &b);
}

static void out_of_range_priority_is_clamped(void **state)
{
	struct runqueue rq;
	struct rq_entity a = { .prio = 999 };
	rq_init(&rq);
	rq_enqueue(&rq, &a);
	assert_int_equal(rq_highest_prio(&rq), SCHED_NPRIO - 1);
	assert_int_equal(rq_check(&rq), 0);
}

static void corrupted_queue_is_reported(void **state)
{
	struct runqueue rq;
	struct rq_entity a = { .prio = 1 };
	rq_init(&rq);
	rq_enqueue(&rq, &a);
	host_log_reset();
	rq.bitmap = 0;	/* as if a bug lost the bit */
	assert_int_equal(rq_check(&rq), -EINVAL);
	assert_true(host_log_contains("bitmap bit is clear"));
	rq.bitmap = 1u << 1;
	rq.nr = 2;
	host_log_reset();
	assert_int_equal(rq_check(&rq), -EINVAL);
	assert_true(host_log_contains("nr says 2"));
}

/* Pick cost does not depend on the number queued: the pick looks only at
 * the bitmap and one list head.  Count pops over a large queue. */
static void many_entities_drain_in_order(void **state)
{
	enum { N = 4096 };
	struct runqueue rq;
	struct rq_entity *e = calloc(N, sizeof(*e));
	rq_init(&rq);
	for (int i = 0; i < N; i++) {
		e[i].prio = (u32)(i * 7) % SCHED_NPRIO;
		rq_enqueue(&rq, &e[i]);
	}
	assert_int_equal(rq_check(&rq), 0);
	u32 last_prio = 0;
	int last_index[SCHED_NPRIO];
	for (int p = 0; p < SCHED_NPRIO; p++)
		last_index[p] = -1;
	for (int i = 0; i < N; i++) {
		struct rq_entity *x = rq_pop(&rq);
		assert_non_null(x);
		assert_true(x->prio >= last_prio);
		int idx = (int)(x - e);
		assert_true(idx > last_index[x->prio]);	/* FIFO within a level */
		last_index[x->prio] = idx;
		last_prio = x->prio;
	}
	assert_int_equal(rq.nr, 0);
	free(e);
}

static void balance_picks_busiest_other_cpu(void **state)
{
	u32 loads[5] = { 0, 3, 7, 7, 1 };
	assert_int_equal(balance_pick_busiest(loads, 5, 0, 1), 2);	/* tie: lowest index */
	assert_int_equal(balance_pick_busiest(loads, 5, 2, 1), 3);	/* never itself */
	assert_int_equal(balance_pick_busiest(loads, 5, 0, 8), -1);	/* nobody has 8 waiting */
	u32 none[3] = { 0, 0, 0 };
	assert_int_equal(balance_pick_busiest(none, 3, 1, 1), -1);
	u32 one[1] = { 5 };
	assert_int_equal(balance_pick_busiest(one, 1, 0, 1), -1);	/* single CPU */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pick_follows_priority_then_fifo),
		cmocka_unit_test(dequeue_middle_keeps_bitmap_right),
		cmocka_unit_test(enqueue_head_runs_next),
		cmocka_unit_test(out_of_range_priority_is_clamped),
		cmocka_unit_test(corrupted_queue_is_reported),
		cmocka_unit_test(many_entities_drain_in_order),
		cmocka_unit_test(balance_picks_busiest_other_cpu),
	};
	return cmocka_run_group_tests_name("runqueue", tests, NULL, NULL);
}
