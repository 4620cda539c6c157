/* tests/host/test_tokenbucket.c - lib/tokenbucket.h: the burst, the
 * refill rate, no lost fractions under frequent calls, saturation at the
 * burst, a counter that goes back, and hz == 0 never limiting. */
#include "tests/host/host_support.h"
#include "lib/tokenbucket.h"

#define HZ	1000000000ULL	/* a 1 GHz counter */

static void test_burst_then_refused(void **state)
{
	struct tokenbucket b;
	tokenbucket_init(&b, 16, 100, HZ, 1000);
	for (int i = 0; i < 16; i++)
		assert_true(tokenbucket_take(&b, 1000, 1));
	assert_false(tokenbucket_take(&b, 1000, 1));
	assert_false(tokenbucket_take(&b, 1000 + HZ / 100 - 1, 1));	/* not yet one token */
	assert_true(tokenbucket_take(&b, 1000 + HZ / 100, 1));		/* 10 ms: one token */
	assert_false(tokenbucket_take(&b, 1000 + HZ / 100, 1));
}

static void test_rate_with_frequent_calls(void **state)
{
	struct tokenbucket b;
	u64 t = 0, taken = 0;
	tokenbucket_init(&b, 4, 1000, HZ, 0);
	assert_true(tokenbucket_take(&b, 0, 4));
	/* One call every 7 us for just over a second: 1000 more tokens, none
	 * lost to rounding. */
	for (t = 7000; t < HZ + 7000; t += 7000)
		if (tokenbucket_take(&b, t, 1))
			taken++;
	assert_int_equal(taken, 1000);
}

static void test_saturates_at_burst(void **state)
{
	struct tokenbucket b;
	tokenbucket_init(&b, 8, 1000, HZ, 0);
	assert_true(tokenbucket_take(&b, 0, 8));
	assert_true(tokenbucket_take(&b, 100 * HZ, 8));		/* long idle: full, no more */
	assert_false(tokenbucket_take(&b, 100 * HZ, 1));
	assert_false(tokenbucket_take(&b, 100 * HZ, 9));		/* more than the burst: never */
}

static void test_counter_going_back(void **state)
{
	struct tokenbucket b;
	tokenbucket_init(&b, 2, 1000, HZ, 5 * HZ);
	assert_true(tokenbucket_take(&b, 5 * HZ, 2));
	assert_false(tokenbucket_take(&b, HZ, 1));			/* earlier: nothing earned */
	assert_true(tokenbucket_take(&b, 5 * HZ + HZ / 1000, 1));
}

static void test_unknown_hz_never_limits(void **state)
{
	struct tokenbucket b;
	tokenbucket_init(&b, 1, 1000, 0, 0);
	for (u64 t = 1; t < 1000; t++)
		assert_true(tokenbucket_take(&b, t, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_refused),
		cmocka_unit_test(test_rate_with_frequent_calls),
		cmocka_unit_test(test_saturates_at_burst),
		cmocka_unit_test(test_counter_going_back),
		cmocka_unit_test(test_unknown_hz_never_limits),
	};
	return cmocka_run_group_tests_name("tokenbucket", tests, NULL, NULL);
}
