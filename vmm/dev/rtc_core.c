/* vmm/dev/rtc_core.c - the MC146818 RTC and CMOS RAM as pure logic
 * (vmm/dev/rtc_core.h). */
#include "vmm/dev/rtc_core.h"
#include "lib/muldiv.h"
#include "lib/string.h"

#define NS_PER_S	1000000000LL
#define SECS_PER_DAY	86400
#define RTC_A_WRITABLE	0x7f		/* all but UIP */
#define RTC_B_ENABLES	(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE)
#define RTC_C_FLAGS	(RTC_C_PF | RTC_C_AF | RTC_C_UF)

u8 rtc_encode(u8 v, u8 regb)
{
	return regb & RTC_B_DM ? v : time_bin_to_bcd(v);
}

u8 rtc_decode(u8 b, u8 regb)
{
	if (regb & RTC_B_DM)
		return b;
	return time_bcd_valid(b) ? time_bcd_to_bin(b) : 0xff;
}

u8 rtc_encode_hour(u8 h, u8 regb)
{
	if (regb & RTC_B_24H)
		return rtc_encode(h, regb);
	/* 0 is 12 AM, 12 is 12 PM, 13 is 1 PM */
	u8 h12 = h % 12 ? h % 12 : 12;
	return (u8)(rtc_encode(h12, regb) | (h >= 12 ? RTC_HOURS_PM : 0));
}

u8 rtc_decode_hour(u8 b, u8 regb)
{
	if (regb & RTC_B_24H)
		return rtc_decode(b, regb);
	u8 h12 = rtc_decode(b & (u8)~RTC_HOURS_PM, regb);
	if (h12 < 1 || h12 > 12)
		return 0xff;
	return (u8)(h12 % 12 + (b & RTC_HOURS_PM ? 12 : 0));
}

static bool rtc_running(const struct rtc_core *r)
{
	return !(r->cmos[RTC_REG_B] & RTC_B_SET);
}

static s64 guest_running_ns(const struct rtc_core *r, u64 now)
{
	s64 g = (s64)now + r->offset_ns;
	return g < 0 ? 0 : g;
}

/* The time bytes decoded in register B's mode; false when they are not
 * a date. */
static bool rtc_raw_to_civil(const u8 raw[10], u8 century, u8 regb, struct civil_time *t)
{
	u8 c = rtc_decode(century, regb), y = rtc_decode(raw[RTC_YEAR], regb);
	if (c > 99 || y > 99)
		return false;
	t->year = c * 100u + y;
	t->month = rtc_decode(raw[RTC_MONTH], regb);
	t->day = rtc_decode(raw[RTC_DAY_OF_MONTH], regb);
	t->hour = rtc_decode_hour(raw[RTC_HOURS], regb);
	t->min = rtc_decode(raw[RTC_MINUTES], regb);
	t->sec = rtc_decode(raw[RTC_SECONDS], regb);
	return time_civil_valid(t);
}

static void rtc_civil_to_raw(const struct civil_time *t, u8 regb, u8 raw[10], u8 *century)
{
	raw[RTC_SECONDS] = rtc_encode(t->sec, regb);
	raw[RTC_MINUTES] = rtc_encode(t->min, regb);
	raw[RTC_HOURS] = rtc_encode_hour(t->hour, regb);
	raw[RTC_DAY_OF_WEEK] = rtc_encode((u8)(t->wday + 1), regb);
	raw[RTC_DAY_OF_MONTH] = rtc_encode(t->day, regb);
	raw[RTC_MONTH] = rtc_encode(t->month, regb);
	raw[RTC_YEAR] = rtc_encode((u8)(t->year % 100), regb);
	*century = rtc_encode((u8)(t->year / 100), regb);
}

s64 rtc_core_guest_ns(const struct rtc_core *r, u64 now)
{
	struct civil_time t;
	if (!rtc_running(r) && rtc_raw_to_civil(r->set_raw, r->set_century, r->cmos[RTC_REG_B], &t))
		return (s64)time_civil_to_unix(&t) * NS_PER_S;
	return guest_running_ns(r, now);
}

/* The guest's clock becomes t from now on; events before it are not
 * the guest's any more. */
static void rtc_set_time(struct rtc_core *r, const struct civil_time *t, u64 now)
{
	r->offset_ns = (s64)time_civil_to_unix(t) * NS_PER_S - (s64)now;
	r->last_c_guest = guest_running_ns(r, now);
}

static bool alarm_matches(const struct rtc_core *r, u64 secs)
{
	u8 b = r->cmos[RTC_REG_B];
	u32 s = (u32)(secs % SECS_PER_DAY);
	u8 want[3] = { (u8)(s / 3600), (u8)(s / 60 % 60), (u8)(s % 60) };
	const u8 idx[3] = { RTC_HOURS_ALARM, RTC_MINUTES_ALARM, RTC_SECONDS_ALARM };
	for (int i = 0; i < 3; i++) {
		u8 a = r->cmos[idx[i]];
		if ((a & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE)
			continue;
		u8 v = i == 0 ? rtc_decode_hour(a, b) : rtc_decode(a, b);
		if (v != want[i])
			return false;
	}
	return true;
}

/* The periodic interrupt's period in ticks of the 32.768 kHz base. */
static u64 rtc_period_ticks(u8 rs)
{
	if (rs == 0)
		return 0;
	if (rs < 3)
		return rs == 1 ? 128 : 256;	/* RS 1 and 2 repeat rates 8 and 9 */
	return 1ULL << (rs - 1);
}

/* C's flags for what happened between the last read of C and now. */
static void rtc_update_flags(struct rtc_core *r, u64 now)
{
	if (rtc_running(r)) {
		s64 g_last = r->last_c_guest, g_now = guest_running_ns(r, now);
		if (g_now > g_last) {
			u64 s_last = (u64)(g_last / NS_PER_S), s_now = (u64)(g_now / NS_PER_S);
			if (s_now > s_last) {
				r->flags |= RTC_C_UF;
				/* a whole day covers every hh:mm:ss */
				u64 from = s_now - s_last > SECS_PER_DAY ? s_now - SECS_PER_DAY + 1 : s_last + 1;
				for (u64 t = from; t <= s_now && !(r->flags & RTC_C_AF); t++)
					if (alarm_matches(r, t))
						r->flags |= RTC_C_AF;
			}
		}
	}
	u64 p = rtc_period_ticks(r->cmos[RTC_REG_A] & RTC_A_RS_MASK);
	if (p && now > r->last_c_src) {
		u64 t_last = mul_div_u64(r->last_c_src, 32768, NS_PER_S);
		u64 t_now = mul_div_u64(now, 32768, NS_PER_S);
		if (t_now / p > t_last / p)
			r->flags |= RTC_C_PF;
	}
}

static u8 rtc_reg_c(struct rtc_core *r, u64 now)
{
	rtc_update_flags(r, now);
	u8 c = r->flags & RTC_C_FLAGS;
	/* B's enables are bits 6:4, C's flags bits 6:4 */
	if (c & r->cmos[RTC_REG_B] & RTC_B_ENABLES)
		c |= RTC_C_IRQF;
	return c;
}

bool rtc_core_irq(struct rtc_core *r, u64 now)
{
	return rtc_reg_c(r, now) & RTC_C_IRQF;
}

void rtc_core_init(struct rtc_core *r, u64 ram_size, u32 nvcpus, u64 now)
{
	memset(r, 0, sizeof(*r));
	r->last_c_src = now;
	r->last_c_guest = (s64)now;
	r->cmos[RTC_REG_A] = RTC_A_DV_32KHZ | 6;	/* 1024 Hz */
	r->cmos[RTC_REG_B] = RTC_B_24H;
	r->cmos[CMOS_EQUIPMENT] = 0x02;			/* a math coprocessor, VGA, no floppy */
	r->cmos[CMOS_BASE_MEM_LO] = 640 & 0xff;
	r->cmos[CMOS_BASE_MEM_HI] = 640 >> 8;
	u64 low = ram_size < BIT(32) ? ram_size : BIT(32);
	u64 ext_kib = low > 0x100000 ? (low - 0x100000) >> 10 : 0;
	if (ext_kib > 0xffff)
		ext_kib = 0xffff;
	r->cmos[CMOS_EXT_MEM_LO] = r->cmos[CMOS_EXT_MEM2_LO] = (u8)ext_kib;
	r->cmos[CMOS_EXT_MEM_HI] = r->cmos[CMOS_EXT_MEM2_HI] = (u8)(ext_kib >> 8);
	u64 above16 = low > 0x1000000 ? (low - 0x1000000) >> 16 : 0;
	if (above16 > 0xffff)
		above16 = 0xffff;
	r->cmos[CMOS_MEM_16M_LO] = (u8)above16;
	r->cmos[CMOS_MEM_16M_HI] = (u8)(above16 >> 8);
	u64 above4g = ram_size > BIT(32) ? (ram_size - BIT(32)) >> 16 : 0;
	r->cmos[CMOS_MEM_4G_LO] = (u8)above4g;
	r->cmos[CMOS_MEM_4G_MID] = (u8)(above4g >> 8);
	r->cmos[CMOS_MEM_4G_HI] = (u8)(above4g >> 16);
	r->cmos[CMOS_NR_CPUS] = (u8)(nvcpus - 1);
	u16 sum = 0;
	for (u8 i = 0x10; i <= 0x2d; i++)
		sum += r->cmos[i];
	r->cmos[CMOS_CHECKSUM_HI] = (u8)(sum >> 8);
	r->cmos[CMOS_CHECKSUM_LO] = (u8)sum;
	/* The alarm bytes stay 0: midnight (0xff would match every second). */
}

static bool is_time_byte(u8 i)
{
	return i == RTC_SECONDS || i == RTC_MINUTES || i == RTC_HOURS || i == RTC_DAY_OF_WEEK ||
	       i == RTC_DAY_OF_MONTH || i == RTC_MONTH || i == RTC_YEAR || i == CMOS_CENTURY;
}

u8 rtc_core_read(struct rtc_core *r, u8 index, u64 now)
{
	u8 b = r->cmos[RTC_REG_B];
	index &= RTC_INDEX_MASK;
	if (is_time_byte(index)) {
		if (!rtc_running(r))
			return index == CMOS_CENTURY ? r->set_century : r->set_raw[index];
		struct civil_time t;
		u8 raw[10], century;
		time_unix_to_civil((u64)(guest_running_ns(r, now) / NS_PER_S), &t);
		rtc_civil_to_raw(&t, b, raw, &century);
		return index == CMOS_CENTURY ? century : raw[index];
	}
	switch (index) {
	case RTC_REG_A: {
		u8 a = r->cmos[RTC_REG_A];
		if (rtc_running(r)) {
			u64 phase = (u64)(guest_running_ns(r, now) % NS_PER_S);
			if (phase >= (u64)NS_PER_S - RTC_UIP_LEAD_NS || phase < RTC_UPDATE_NS)
				a |= RTC_A_UIP;
		}
		return a;
	}
	case RTC_REG_C: {
		u8 c = rtc_reg_c(r, now);
		r->flags = 0;
		r->last_c_src = now;
		r->last_c_guest = guest_running_ns(r, now);
		return c;
	}
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return r->cmos[index];
	}
}

void rtc_core_write(struct rtc_core *r, u8 index, u8 val, u64 now)
{
	u8 b = r->cmos[RTC_REG_B];
	index &= RTC_INDEX_MASK;
	if (is_time_byte(index)) {
		if (!rtc_running(r)) {
			if (index == CMOS_CENTURY)
				r->set_century = val;
			else
				r->set_raw[index] = val;
			return;
		}
		if (index == RTC_DAY_OF_WEEK)
			return;		/* computed from the date */
		/* Running: this field of the time now, the rest kept. */
		struct civil_time t;
		u8 raw[10], century;
		time_unix_to_civil((u64)(guest_running_ns(r, now) / NS_PER_S), &t);
		rtc_civil_to_raw(&t, b, raw, &century);
		if (index == CMOS_CENTURY)
			century = val;
		else
			raw[index] = val;
		if (rtc_raw_to_civil(raw, century, b, &t))
			rtc_set_time(r, &t, now);
		return;
	}
	switch (index) {
	case RTC_REG_A:
		r->cmos[RTC_REG_A] = val & RTC_A_WRITABLE;
		break;
	case RTC_REG_B: {
		bool was_set = !rtc_running(r);
		if (val & RTC_B_SET)
			val &= (u8)~RTC_B_UIE;	/* SET clears UIE (data sheet) */
		if (!was_set && (val & RTC_B_SET)) {
			/* Stop: the bytes hold the time now, in the new mode. */
			struct civil_time t;
			rtc_update_flags(r, now);	/* what happened before the stop */
			time_unix_to_civil((u64)(guest_running_ns(r, now) / NS_PER_S), &t);
			rtc_civil_to_raw(&t, val, r->set_raw, &r->set_century);
		}
		r->cmos[RTC_REG_B] = val;
		if (was_set && !(val & RTC_B_SET)) {
			struct civil_time t;
			if (rtc_raw_to_civil(r->set_raw, r->set_century, val, &t))
				rtc_set_time(r, &t, now);
			else
				r->last_c_guest = guest_running_ns(r, now);
		}
		break;
	}
	case RTC_REG_C: case RTC_REG_D:
		break;		/* read-only */
	default:
		r->cmos[index] = val;
		break;
	}
}
