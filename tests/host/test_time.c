/* tests/host/test_time.c - lib/time.c: dates to seconds since the epoch
 * and back, against dates worked out independently (Python's calendar
 * module), every day of 1970..2500 round-tripped, the leap-year rules
 * (2000 is one, 2100 is not), validity checks and BCD bytes. */
#include "tests/host/host_support.h"
#include "lib/time.h"

struct known {
	struct civil_time t;
	u64 secs;
};

static const struct known known[] = {
	{ { 1970, 1, 1, 0, 0, 0, 4 }, 0 },
	{ { 1999, 12, 31, 23, 59, 59, 5 }, 946684799ULL },
	{ { 2000, 2, 29, 0, 0, 0, 2 }, 951782400ULL },
	{ { 2026, 12, 2, 10, 30, 0, 3 }, 1796207400ULL },
	{ { 2038, 1, 19, 3, 14, 8, 2 }, 2147483648ULL },
	{ { 2100, 3, 1, 0, 0, 0, 1 }, 4107542400ULL },
	{ { 9999, 12, 31, 23, 59, 59, 5 }, 253402300799ULL },
};

static void assert_same(const struct civil_time *a, const struct civil_time *b)
{
	assert_int_equal(a->year, b->year);
	assert_int_equal(a->month, b->month);
	assert_int_equal(a->day, b->day);
	assert_int_equal(a->hour, b->hour);
	assert_int_equal(a->min, b->min);
	assert_int_equal(a->sec, b->sec);
	assert_int_equal(a->wday, b->wday);
}

static void test_known_dates(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		struct civil_time t;
		assert_true(time_civil_valid(&known[i].t));
		assert_int_equal(time_civil_to_unix(&known[i].t), known[i].secs);
		time_unix_to_civil(known[i].secs, &t);
		assert_same(&t, &known[i].t);
	}
}

static void test_every_day_round_trips(void **state)
{
	u64 prev = 0;
	u8 wday = 4;
	bool first = true;
	for (u32 y = 1970; y <= 2500; y++)
		for (u8 m = 1; m <= 12; m++)
			for (u8 d = 1; d <= time_days_in_month(y, m); d++) {
				struct civil_time t = { y, m, d, 23, 59, 58, 0 }, back;
				assert_true(time_civil_valid(&t));
				u64 s = time_civil_to_unix(&t);
				if (!first)
					assert_int_equal(s, prev + 86400);	/* one day later */
				first = false;
				prev = s;
				time_unix_to_civil(s, &back);
				t.wday = wday;
				assert_same(&back, &t);
				wday = (u8)((wday + 1) % 7);
			}
}

static void test_leap_years_and_validity(void **state)
{
	assert_true(time_is_leap_year(2000));
	assert_true(time_is_leap_year(2024));
	assert_false(time_is_leap_year(2100));
	assert_false(time_is_leap_year(2026));
	assert_int_equal(time_days_in_month(2000, 2), 29);
	assert_int_equal(time_days_in_month(2100, 2), 28);
	assert_int_equal(time_days_in_month(2026, 13), 0);
	assert_int_equal(time_days_in_month(2026, 0), 0);
	struct civil_time t = { 2100, 2, 29, 0, 0, 0, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 2026, 4, 31, 0, 0, 0, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 1969, 12, 31, 23, 59, 59, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 2026, 1, 1, 24, 0, 0, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 2026, 1, 1, 0, 60, 0, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 2026, 1, 1, 0, 0, 60, 0 };
	assert_false(time_civil_valid(&t));
	t = (struct civil_time){ 2026, 1, 0, 0, 0, 0, 0 };
	assert_false(time_civil_valid(&t));
	/* past the last year: clamped to its last second */
	time_unix_to_civil(~0ULL, &t);
	assert_int_equal(t.year, 9999);
	assert_int_equal(t.sec, 59);
}

static void test_bcd(void **state)
{
	for (u8 v = 0; v < 100; v++) {
		u8 b = time_bin_to_bcd(v);
		assert_true(time_bcd_valid(b));
		assert_int_equal(time_bcd_to_bin(b), v);
		assert_int_equal(b, (v / 10) * 16 + v % 10);
	}
	assert_false(time_bcd_valid(0x0a));
	assert_false(time_bcd_valid(0xa0));
	assert_false(time_bcd_valid(0xff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_every_day_round_trips),
		cmocka_unit_test(test_leap_years_and_validity),
		cmocka_unit_test(test_bcd),
	};
	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
