/* drivers/rtc.c - the host's CMOS clock (hw/mc146818.h), read once at
 * boot: wait for the update cycle to be over, read the date twice until
 * two reads agree, decode BCD or binary and 12- or 24-hour as register B
 * says.  The time of day afterwards is that reading carried forward by
 * the TSC (drivers/rtc.h).  A clock that is missing (every byte 0xff) or
 * reads nonsense leaves the epoch, with a message. */
#include "drivers/rtc.h"
#include "drivers/timer.h"
#include "hw/mc146818.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "lib/time.h"

bool rtc_host_valid;
static u64 rtc_base_ns;		/* time of day at rtc_base_tsc */
static u64 rtc_base_tsc;

static u8 cmos_read(u8 index)
{
	/* Keep NMIs enabled: bit 7 clear. */
	outb(RTC_PORT_INDEX, index & RTC_INDEX_MASK);
	return inb(RTC_PORT_DATA);
}

/* The clock's bytes in register B's format, to binary 24-hour; false
 * when a byte is not a value the format allows. */
static bool rtc_decode(const u8 raw[10], u8 century, u8 regb, struct civil_time *t)
{
	bool bcd = !(regb & RTC_B_DM);
	u8 v[10], hour_raw = raw[RTC_HOURS];
	bool pm = !(regb & RTC_B_24H) && (hour_raw & RTC_HOURS_PM);
	u8 c = century;
	u8 b[10];
	for (int i = 0; i < 10; i++)
		b[i] = raw[i];
	if (!(regb & RTC_B_24H))
		b[RTC_HOURS] = hour_raw & (u8)~RTC_HOURS_PM;
	for (int i = 0; i < 10; i++) {
		if (bcd && !time_bcd_valid(b[i]))
			return false;
		v[i] = bcd ? time_bcd_to_bin(b[i]) : b[i];
	}
	if (bcd) {
		if (!time_bcd_valid(c))
			return false;
		c = time_bcd_to_bin(c);
	}
	if (c < 19 || c > 99)
		c = v[RTC_YEAR] < 70 ? 20 : 19;	/* no believable century byte */
	u8 hour = v[RTC_HOURS];
	if (!(regb & RTC_B_24H)) {
		if (hour < 1 || hour > 12)
			return false;
		hour = (u8)(hour % 12 + (pm ? 12 : 0));
	}
	t->year = c * 100u + v[RTC_YEAR];
	t->month = v[RTC_MONTH];
	t->day = v[RTC_DAY_OF_MONTH];
	t->hour = hour;
	t->min = v[RTC_MINUTES];
	t->sec = v[RTC_SECONDS];
	return time_civil_valid(t);
}

static void rtc_read_raw(u8 raw[10], u8 *century)
{
	for (u8 i = 0; i < 10; i++)
		raw[i] = cmos_read(i);
	*century = cmos_read(CMOS_CENTURY);
}

void rtc_init(void)
{
	u8 a = 0, b, raw[10], again[10], cent = 0, cent2 = 0;
	struct civil_time t;
	u64 tsc = 0;
	int tries;

	b = cmos_read(RTC_REG_B);
	if (b == 0xff && cmos_read(RTC_REG_A) == 0xff) {
		pr_warn("rtc: no CMOS clock (registers read 0xff); time of day starts at the epoch\n");
		goto none;
	}
	/* UIP is set at most 2228 us (lead + update) at a time: wait up to
	 * 10 ms for it to clear, then read; a second read that differs means
	 * an update came between, so read again. */
	for (tries = 0; tries < 5; tries++) {
		u64 until = rdtsc() + ns_to_tsc(10 * NSEC_PER_MSEC);
		while (((a = cmos_read(RTC_REG_A)) & RTC_A_UIP) && rdtsc() < until)
			cpu_relax();
		tsc = rdtsc();
		rtc_read_raw(raw, &cent);
		rtc_read_raw(again, &cent2);
		bool same = cent == cent2;
		for (int i = 0; i < 10; i++)
			same = same && raw[i] == again[i];
		if (same && !(a & RTC_A_UIP))
			break;
	}
	if (tries == 5) {
		pr_warn("rtc: the CMOS clock never held still; time of day starts at the epoch\n");
		goto none;
	}
	if (!rtc_decode(raw, cent, b, &t)) {
		pr_warn("rtc: CMOS clock reads nonsense (B %#x, %02x-%02x-%02x %02x:%02x:%02x); "
			"time of day starts at the epoch\n", b, raw[RTC_YEAR], raw[RTC_MONTH],
			raw[RTC_DAY_OF_MONTH], raw[RTC_HOURS], raw[RTC_MINUTES], raw[RTC_SECONDS]);
		goto none;
	}
	rtc_base_tsc = tsc;
	rtc_base_ns = time_civil_to_unix(&t) * NSEC_PER_SEC;
	rtc_host_valid = true;
	kprintf("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC (CMOS clock, %s, %s)\n", t.year, t.month,
		t.day, t.hour, t.min, t.sec, b & RTC_B_DM ? "binary" : "BCD",
		b & RTC_B_24H ? "24-hour" : "12-hour");
	return;
none:
	rtc_base_tsc = rdtsc();
	rtc_base_ns = 0;
}

u64 rtc_host_time_ns(u64 tsc)
{
	return rtc_base_ns + (tsc > rtc_base_tsc ? tsc_to_ns(tsc - rtc_base_tsc) : 0);
}
