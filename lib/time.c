/* lib/time.c - calendar arithmetic (lib/time.h). */
#include "lib/time.h"

#define SECS_PER_DAY	86400ULL

bool time_is_leap_year(u32 year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

u8 time_days_in_month(u32 year, u8 month)
{
	static const u8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12)
		return 0;
	return (u8)(days[month - 1] + (month == 2 && time_is_leap_year(year)));
}

bool time_civil_valid(const struct civil_time *t)
{
	return t->year >= TIME_YEAR_MIN && t->year <= TIME_YEAR_MAX && t->month >= 1 &&
	       t->month <= 12 && t->day >= 1 && t->day <= time_days_in_month(t->year, t->month) &&
	       t->hour < 24 && t->min < 60 && t->sec < 60;
}

/* Leap years in [1, year): every fourth, but not centuries, but every
 * fourth century. */
static u64 leaps_before(u32 year)
{
	u64 y = year - 1;
	return y / 4 - y / 100 + y / 400;
}

/* Days from 1970-01-01 to January 1st of `year`. */
static u64 days_to_year(u32 year)
{
	return 365ULL * (year - 1970) + leaps_before(year) - leaps_before(1970);
}

u64 time_civil_to_unix(const struct civil_time *t)
{
	u64 days = days_to_year(t->year);
	for (u8 m = 1; m < t->month; m++)
		days += time_days_in_month(t->year, m);
	days += t->day - 1u;
	return days * SECS_PER_DAY + t->hour * 3600ULL + t->min * 60ULL + t->sec;
}

void time_unix_to_civil(u64 secs, struct civil_time *t)
{
	const u64 last = days_to_year(TIME_YEAR_MAX + 1) * SECS_PER_DAY - 1;
	if (secs > last)
		secs = last;
	u64 days = secs / SECS_PER_DAY, rest = secs % SECS_PER_DAY;
	t->wday = (u8)((days + 4) % 7);		/* 1970-01-01 was a Thursday */
	/* The year from an estimate that is never too high (365.2425 days
	 * a year on average, so days / 366 is at most the truth), then up. */
	u32 year = (u32)(1970 + days / 366);
	while (days_to_year(year + 1) <= days)
		year++;
	days -= days_to_year(year);
	u8 month = 1;
	while (days >= time_days_in_month(year, month)) {
		days -= time_days_in_month(year, month);
		month++;
	}
	t->year = year;
	t->month = month;
	t->day = (u8)(days + 1);
	t->hour = (u8)(rest / 3600);
	t->min = (u8)(rest / 60 % 60);
	t->sec = (u8)(rest % 60);
}
