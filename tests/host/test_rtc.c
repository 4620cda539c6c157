/* tests/host/test_rtc.c - vmm/dev/rtc_core.c: the time registers at a known
 * moment in BCD and binary, 24- and 12-hour modes (every hour encoded and
 * decoded), the clock running on, UIP inside and outside its window
 * around the second, SET freezing the bytes and a new time taking effect
 * when it clears (a non-date refused), a field written while running,
 * register C's UF/AF/PF flags and IRQF against the enables, and the CMOS
 * bytes a BIOS fills for the RAM size. */
#include "tests/host/host_support.h"
#include "vmm/dev/rtc_core.h"

#define S	1000000000ULL
/* 2026-12-02 10:30:00 UTC, a Wednesday */
#define T0	(1796207400ULL * S)

static struct rtc_core rtc;

static u8 rd(u8 i, u64 now) { return rtc_core_read(&rtc, i, now); }
static void wr(u8 i, u8 v, u64 now) { rtc_core_write(&rtc, i, v, now); }

static void test_encodings(void **state)
{
	const u8 bcd24 = RTC_B_24H, bin24 = RTC_B_24H | RTC_B_DM, bcd12 = 0, bin12 = RTC_B_DM;
	assert_int_equal(rtc_encode(59, bcd24), 0x59);
	assert_int_equal(rtc_encode(59, bin24), 59);
	assert_int_equal(rtc_decode(0x59, bcd24), 59);
	assert_int_equal(rtc_decode(0x5a, bcd24), 0xff);
	assert_int_equal(rtc_decode(0x5a, bin24), 0x5a);
	assert_int_equal(rtc_encode_hour(0, bcd12), 0x12);		/* 12 AM */
	assert_int_equal(rtc_encode_hour(12, bcd12), 0x92);		/* 12 PM */
	assert_int_equal(rtc_encode_hour(13, bcd12), 0x81);
	assert_int_equal(rtc_encode_hour(23, bin12), 0x8b);
	assert_int_equal(rtc_encode_hour(23, bcd24), 0x23);
	for (u8 h = 0; h < 24; h++) {
		const u8 modes[] = { bcd24, bin24, bcd12, bin12 };
		for (int m = 0; m < 4; m++)
			assert_int_equal(rtc_decode_hour(rtc_encode_hour(h, modes[m]), modes[m]), h);
	}
	assert_int_equal(rtc_decode_hour(0x00, bcd12), 0xff);	/* no hour 0 in 12-hour mode */
	assert_int_equal(rtc_decode_hour(0x13, bcd12), 0xff);
	assert_int_equal(rtc_decode_hour(0x24, bcd24), 24);	/* decodes; not a time (checked later) */
}

static void test_time_registers(void **state)
{
	rtc_core_init(&rtc, 16 << 20, 1, T0);
	u64 now = T0 + S / 2;
	assert_int_equal(rd(RTC_SECONDS, now), 0x00);
	assert_int_equal(rd(RTC_MINUTES, now), 0x30);
	assert_int_equal(rd(RTC_HOURS, now), 0x10);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, now), 4);	/* 1 = Sunday */
	assert_int_equal(rd(RTC_DAY_OF_MONTH, now), 0x02);
	assert_int_equal(rd(RTC_MONTH, now), 0x12);
	assert_int_equal(rd(RTC_YEAR, now), 0x26);
	assert_int_equal(rd(CMOS_CENTURY, now), 0x20);
	assert_int_equal(rd(RTC_REG_A, now), 0x26);
	assert_int_equal(rd(RTC_REG_B, now), 0x02);
	assert_int_equal(rd(RTC_REG_D, now), 0x80);
	/* 12 hours and 61 s on, binary 12-hour */
	wr(RTC_REG_B, RTC_B_DM, now);
	now += 12 * 3600 * S + 61 * S;
	assert_int_equal(rd(RTC_SECONDS, now), 1);
	assert_int_equal(rd(RTC_MINUTES, now), 31);
	assert_int_equal(rd(RTC_HOURS, now), 10 | RTC_HOURS_PM);
	assert_int_equal(rd(RTC_YEAR, now), 26);
	assert_int_equal(rd(CMOS_CENTURY, now), 20);
	/* the NMI bit of the index is not part of it */
	assert_int_equal(rd(0x80 | RTC_REG_B, now), RTC_B_DM);
}

static void test_uip(void **state)
{
	rtc_core_init(&rtc, 16 << 20, 1, T0);
	const struct { u64 phase_ns; bool uip; } w[] = {
		{ 0, true }, { 1983999, true }, { 1984000, false }, { 500000000, false },
		{ S - 244001, false }, { S - 244000, true }, { S - 1, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		assert_int_equal(!!(rd(RTC_REG_A, T0 + 7 * S + w[i].phase_ns) & RTC_A_UIP), w[i].uip);
	/* no updates while SET: no UIP */
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H, T0);
	assert_int_equal(rd(RTC_REG_A, T0 + 7 * S) & RTC_A_UIP, 0);
}

static void test_set_and_write(void **state)
{
	rtc_core_init(&rtc, 16 << 20, 1, T0);
	u64 now = T0 + S / 4;
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H | RTC_B_UIE, now);
	assert_int_equal(rd(RTC_REG_B, now) & RTC_B_UIE, 0);	/* SET clears UIE */
	assert_int_equal(rd(RTC_MINUTES, now + 10 * S), 0x30);	/* frozen */
	/* 2030-06-15 08:09:10 */
	wr(RTC_SECONDS, 0x10, now); wr(RTC_MINUTES, 0x09, now); wr(RTC_HOURS, 0x08, now);
	wr(RTC_DAY_OF_MONTH, 0x15, now); wr(RTC_MONTH, 0x06, now); wr(RTC_YEAR, 0x30, now);
	assert_int_equal(rd(RTC_HOURS, now + 99 * S), 0x08);	/* as written */
	u64 go = now + 100 * S;
	wr(RTC_REG_B, RTC_B_24H, go);
	assert_int_equal(rd(RTC_SECONDS, go), 0x10);
	assert_int_equal(rd(RTC_SECONDS, go + 3 * S + S / 2), 0x13);
	assert_int_equal(rd(RTC_YEAR, go), 0x30);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, go), 7);	/* a Saturday */
	assert_int_equal(rtc_core_guest_ns(&rtc, go), 1907741350LL * (s64)S);
	/* a non-date is not taken: 2030-02-30 */
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H, go + 10 * S);
	wr(RTC_MONTH, 0x02, go + 10 * S);
	wr(RTC_DAY_OF_MONTH, 0x30, go + 10 * S);
	wr(RTC_REG_B, RTC_B_24H, go + 20 * S);
	assert_int_equal(rd(RTC_SECONDS, go + 20 * S), 0x30);	/* ran on underneath */
	assert_int_equal(rd(RTC_MONTH, go + 20 * S), 0x06);
	/* a field written while running; the day of week is not writable */
	wr(RTC_MINUTES, 0x45, go + 30 * S);
	wr(RTC_DAY_OF_WEEK, 2, go + 30 * S);
	assert_int_equal(rd(RTC_MINUTES, go + 30 * S), 0x45);
	assert_int_equal(rd(RTC_HOURS, go + 30 * S), 0x08);
	assert_int_equal(rd(RTC_SECONDS, go + 30 * S), 0x40);
	assert_int_equal(rd(RTC_DAY_OF_WEEK, go + 30 * S), 7);
	wr(RTC_HOURS, 0x25, go + 31 * S);		/* not an hour: ignored */
	assert_int_equal(rd(RTC_HOURS, go + 31 * S), 0x08);
	/* writes to C and D change nothing */
	wr(RTC_REG_D, 0, go);
	assert_int_equal(rd(RTC_REG_D, go), 0x80);
}

static void test_flags(void **state)
{
	u64 t = T0 + S / 10;
	rtc_core_init(&rtc, 16 << 20, 1, t);
	wr(RTC_REG_A, RTC_A_DV_32KHZ, t);	/* no periodic rate */
	assert_int_equal(rd(RTC_REG_C, t), 0);
	assert_int_equal(rd(RTC_REG_C, t + S / 2), 0);	/* same second */
	assert_int_equal(rd(RTC_REG_C, t + S), RTC_C_UF);	/* the next: UF, not enabled: no IRQF */
	assert_int_equal(rd(RTC_REG_C, t + S), 0);		/* read clears */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE, t + S);
	assert_false(rtc_core_irq(&rtc, t + S + S / 2));
	assert_true(rtc_core_irq(&rtc, t + 2 * S));
	assert_int_equal(rd(RTC_REG_C, t + 2 * S), RTC_C_IRQF | RTC_C_UF);
	assert_false(rtc_core_irq(&rtc, t + 2 * S));
	/* the alarm at 10:30:05 (now 10:30:02.1) */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE, t + 2 * S);
	wr(RTC_SECONDS_ALARM, 0x05, t + 2 * S);
	wr(RTC_MINUTES_ALARM, 0x30, t + 2 * S);
	wr(RTC_HOURS_ALARM, 0x10, t + 2 * S);
	assert_false(rtc_core_irq(&rtc, t + 2 * S + S / 2));
	assert_int_equal(rd(RTC_REG_C, t + 4 * S), RTC_C_UF);	/* 10:30:04: no alarm yet */
	assert_true(rtc_core_irq(&rtc, t + 5 * S));
	assert_int_equal(rd(RTC_REG_C, t + 5 * S), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	assert_int_equal(rd(RTC_REG_C, t + 30 * S), RTC_C_UF);	/* passed */
	/* a day later, the alarm has come round again */
	assert_int_equal(rd(RTC_REG_C, t + 30 * S + 86400 * S), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* all don't-care: every second */
	wr(RTC_HOURS_ALARM, 0xff, t);
	wr(RTC_MINUTES_ALARM, 0xc0, t);
	wr(RTC_SECONDS_ALARM, 0xc1, t);
	assert_int_equal(rd(RTC_REG_C, t + 86432 * S), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);
	/* periodic: 1024 Hz, PIE */
	wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE, t);
	wr(RTC_REG_A, RTC_A_DV_32KHZ | 6, t);
	u64 base = t + 86432 * S;
	rd(RTC_REG_C, base);
	assert_true(rtc_core_irq(&rtc, base + 1000000));	/* 1 ms > 976.6 us */
	assert_int_equal(rd(RTC_REG_C, base + 1000000), RTC_C_IRQF | RTC_C_PF);
	wr(RTC_REG_A, RTC_A_DV_32KHZ | 15, base);		/* 2 Hz */
	assert_false(rtc_core_irq(&rtc, base + 1100000));
	/* no UF while SET */
	wr(RTC_REG_A, RTC_A_DV_32KHZ, base);
	wr(RTC_REG_B, RTC_B_SET | RTC_B_24H, base + 2000000);
	rd(RTC_REG_C, base + 2000000);
	assert_int_equal(rd(RTC_REG_C, base + 5 * S), 0);
}

static void test_cmos_bytes(void **state)
{
	rtc_core_init(&rtc, 512ULL << 20, 4, T0);
	assert_int_equal(rd(CMOS_BASE_MEM_LO, T0) | rd(CMOS_BASE_MEM_HI, T0) << 8, 640);
	assert_int_equal(rd(CMOS_EXT_MEM_LO, T0) | rd(CMOS_EXT_MEM_HI, T0) << 8, 0xffff);
	assert_int_equal(rd(CMOS_EXT_MEM2_LO, T0) | rd(CMOS_EXT_MEM2_HI, T0) << 8, 0xffff);
	assert_int_equal(rd(CMOS_MEM_16M_LO, T0) | rd(CMOS_MEM_16M_HI, T0) << 8, (512 - 16) * 16);
	assert_int_equal(rd(CMOS_MEM_4G_LO, T0) | rd(CMOS_MEM_4G_MID, T0) | rd(CMOS_MEM_4G_HI, T0), 0);
	assert_int_equal(rd(CMOS_NR_CPUS, T0), 3);
	u16 sum = 0;
	for (u8 i = 0x10; i <= 0x2d; i++)
		sum += rd(i, T0);
	assert_int_equal(rd(CMOS_CHECKSUM_HI, T0) << 8 | rd(CMOS_CHECKSUM_LO, T0), sum);
	rtc_core_init(&rtc, 8ULL << 20, 1, T0);
	assert_int_equal(rd(CMOS_EXT_MEM_LO, T0) | rd(CMOS_EXT_MEM_HI, T0) << 8, 7 * 1024);
	assert_int_equal(rd(CMOS_MEM_16M_LO, T0) | rd(CMOS_MEM_16M_HI, T0) << 8, 0);
	rtc_core_init(&rtc, 4096ULL << 20, 1, T0);
	assert_int_equal(rd(CMOS_MEM_16M_LO, T0) | rd(CMOS_MEM_16M_HI, T0) << 8, (4096 - 16) * 16);
	/* plain RAM bytes hold what is written */
	wr(0x40, 0xa5, T0);
	wr(0x7f, 0x5a, T0);
	assert_int_equal(rd(0x40, T0), 0xa5);
	assert_int_equal(rd(0x7f, T0), 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_time_registers),
		cmocka_unit_test(test_uip),
		cmocka_unit_test(test_set_and_write),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_cmos_bytes),
	};
	return cmocka_run_group_tests_name("rtc", tests, NULL, NULL);
}
