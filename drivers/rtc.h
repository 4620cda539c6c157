/* drivers/rtc.h - the host's time of day: the CMOS real-time clock read
 * once at boot (rtc_init, from platform_init after timer_init) and carried
 * forward by the TSC, which is the host's one clock (drivers/timer.h).
 * What a guest's wall clock starts from (vmm/pvclock.c, vmm/dev/rtc.c). */
#ifndef SVMHV_DRIVERS_RTC_H
#define SVMHV_DRIVERS_RTC_H
#include "lib/types.h"

/* Whether a believable time was read; else time of day counts from the
 * epoch (1970-01-01) at boot. */
extern bool rtc_host_valid;

void rtc_init(void);

/* Nanoseconds since 1970-01-01 00:00:00 UTC (as the RTC keeps UTC, which
 * a PC under QEMU and most servers do) at host TSC `tsc`. */
u64 rtc_host_time_ns(u64 tsc);
#endif
