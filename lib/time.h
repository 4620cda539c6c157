/* lib/time.h - calendar arithmetic for the clocks svmhv reads (the host's
 * CMOS RTC, drivers/rtc.c) and offers (a guest's RTC, vmm/dev/rtc_core.c;
 * KVM's wall clock, vmm/pvclock.c): a date and time of day in the
 * proleptic Gregorian calendar, UTC, to and from seconds since
 * 1970-01-01 00:00:00, and the BCD bytes the MC146818 uses.  Years 1970 to
 * 9999 only; no time zones, no leap seconds. */
#ifndef SVMHV_LIB_TIME_H
#define SVMHV_LIB_TIME_H
#include "lib/types.h"

struct civil_time {
	u32 year;		/* 1970..9999 */
	u8 month;		/* 1..12 */
	u8 day;			/* 1..31 */
	u8 hour;		/* 0..23 */
	u8 min;			/* 0..59 */
	u8 sec;			/* 0..59 */
	u8 wday;		/* 0 = Sunday .. 6; output only */
};

#define TIME_YEAR_MIN	1970
#define TIME_YEAR_MAX	9999

bool time_is_leap_year(u32 year);
u8 time_days_in_month(u32 year, u8 month);	/* 0 for a month outside 1..12 */
/* Whether every field is in range (wday is not checked). */
bool time_civil_valid(const struct civil_time *t);
/* Seconds since the epoch; the caller checks time_civil_valid first. */
u64 time_civil_to_unix(const struct civil_time *t);
/* The date of `secs` seconds since the epoch (wday filled); a time past
 * 9999-12-31 23:59:59 gives that last second. */
void time_unix_to_civil(u64 secs, struct civil_time *t);

/* Packed BCD: two decimal digits in one byte.  bcd_valid says whether both
 * nibbles are digits. */
static inline bool time_bcd_valid(u8 b)
{
	return (b & 0x0f) <= 9 && (b >> 4) <= 9;
}
static inline u8 time_bcd_to_bin(u8 b)
{
	return (u8)((b >> 4) * 10 + (b & 0x0f));
}
static inline u8 time_bin_to_bcd(u8 v)
{
	return (u8)(((v / 10) % 10) << 4 | (v % 10));
}
#endif
