/* vmm/dev/rtc_core.h - a PC's MC146818 real-time clock and CMOS RAM
 * (hw/mc146818.h) as pure logic: the register file behind the index
 * port, the time of day kept as an offset from a time source the caller
 * passes in (host nanoseconds since the epoch), register B's data modes
 * (BCD or binary, 12- or 24-hour), the SET bit, register A's UIP window,
 * register C's flags and IRQF worked out from the time that passed, and
 * the CMOS bytes a PC BIOS fills.  vmm/dev/rtc.c puts it on ports
 * 0x70/0x71; the host test is tests/host/test_rtc.c.
 *
 * Choices where the data sheet leaves room or svmhv simplifies:
 *  - the clock runs unless SET is set; register A's divider bits read back
 *    but do not stop it;
 *  - a time written (while SET, or while running) takes effect as a whole
 *    second, with the next second starting then; while SET the time bytes
 *    read back as written, and clearing SET reads them in register B's
 *    mode; a date that is not a date (31 February, a BCD digit over 9) is
 *    not taken: the clock keeps the time it had (it ran on underneath);
 *  - the day of the week is computed from the date; writes to it are
 *    ignored; DSE (daylight saving) is stored but has no effect;
 *  - the century is byte 0x32 (in register B's data mode), updated with
 *    the year;
 *  - flags: UF at every second boundary, AF at every second whose hour,
 *    minute and second match the alarm bytes (0xc0-0xff: any), PF at the
 *    periodic rate of register A's RS bits; each set for events after the
 *    last read of C, in order of time, whether enabled or not; IRQF when
 *    one that B enables is set.  UF and AF stay off while SET. */
#ifndef SVMHV_VMM_DEV_RTC_CORE_H
#define SVMHV_VMM_DEV_RTC_CORE_H
#include "lib/types.h"
#include "lib/time.h"
#include "hw/mc146818.h"

struct rtc_core {
	u8 cmos[CMOS_SIZE];	/* RAM bytes, registers A, B and the alarms (the
				 * time, C, D and the century are computed) */
	s64 offset_ns;		/* guest time = source time + offset_ns, while running */
	u8 set_raw[10];		/* the time bytes while SET is set, as written */
	u8 set_century;
	u64 last_c_src;		/* source time of the last read of C */
	s64 last_c_guest;	/* guest time then (ns) */
	u8 flags;		/* C's PF/AF/UF not read yet */
};

/* Power-on state at source time `now`: the time the source gives, 24-hour
 * BCD, A = 0x26 (32 kHz base, 1024 Hz periodic rate), D's VRT set, no flag
 * pending, and the CMOS bytes for `ram_size` bytes of RAM and `nvcpus`
 * vCPUs. */
void rtc_core_init(struct rtc_core *r, u64 ram_size, u32 nvcpus, u64 now);

/* A read or write of CMOS byte `index` (0..127) at source time `now`. */
u8 rtc_core_read(struct rtc_core *r, u8 index, u64 now);
void rtc_core_write(struct rtc_core *r, u8 index, u8 val, u64 now);

/* The IRQ 8 line at `now`: IRQF. */
bool rtc_core_irq(struct rtc_core *r, u64 now);

/* The guest's time of day at `now`, ns since the epoch (what the time
 * registers show, running or not). */
s64 rtc_core_guest_ns(const struct rtc_core *r, u64 now);

/* Register B's encodings: a binary value to a clock byte and back; hours
 * 0..23 to the hour byte (12-hour mode: 1..12 with RTC_HOURS_PM) and
 * back.  Decoding a byte that is not valid in the mode gives 0xff. */
u8 rtc_encode(u8 v, u8 regb);
u8 rtc_decode(u8 b, u8 regb);
u8 rtc_encode_hour(u8 h, u8 regb);
u8 rtc_decode_hour(u8 b, u8 regb);
#endif
