/* hw/mc146818.h - the PC's real-time clock and CMOS RAM (Motorola
 * MC146818A data sheet; its PC/AT use: an index port and a data port, the
 * top bit of the index gating NMI, IRQ 8), and the CMOS bytes a PC BIOS
 * fills (the IBM PC/AT technical reference's CMOS map; the century byte at
 * 0x32, which ACPI's FADT names in its CENTURY field).  Read by
 * drivers/rtc.c (the host's clock), modelled by vmm/dev/rtc_core.c. */
#ifndef SVMHV_HW_MC146818_H
#define SVMHV_HW_MC146818_H
#include "lib/types.h"

#define RTC_PORT_INDEX		0x70	/* write: bits 6:0 select a byte, bit 7 disables NMI */
#define  RTC_INDEX_NMI_DISABLE	BIT(7)
#define  RTC_INDEX_MASK		0x7f
#define RTC_PORT_DATA		0x71	/* the selected byte */
#define RTC_IRQ			8

/* Clock bytes: BCD or binary and 12- or 24-hour as register B says. */
#define RTC_SECONDS		0x00
#define RTC_SECONDS_ALARM	0x01
#define RTC_MINUTES		0x02
#define RTC_MINUTES_ALARM	0x03
#define RTC_HOURS		0x04	/* 12-hour mode: bit 7 = PM, hours 1..12 */
#define  RTC_HOURS_PM		BIT(7)
#define RTC_HOURS_ALARM		0x05
#define  RTC_ALARM_DONT_CARE	0xc0	/* an alarm byte with both top bits set matches any value */
#define RTC_DAY_OF_WEEK		0x06	/* 1 = Sunday .. 7 */
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09	/* 0..99 */

#define RTC_REG_A		0x0a
#define  RTC_A_UIP		BIT(7)	/* read-only: an update is in progress or within 244 us */
#define  RTC_A_DV_MASK		GENMASK(6, 4)	/* divider: 010 = 32.768 kHz time base, running */
#define  RTC_A_DV_32KHZ		(2 << 4)
#define  RTC_A_DV_RESET_MASK	(6 << 4)	/* 11x: divider chain held in reset */
#define  RTC_A_RS_MASK		GENMASK(3, 0)	/* periodic rate select */
#define RTC_REG_B		0x0b
#define  RTC_B_SET		BIT(7)	/* updates stopped: the time may be written */
#define  RTC_B_PIE		BIT(6)	/* periodic interrupt enable */
#define  RTC_B_AIE		BIT(5)	/* alarm interrupt enable */
#define  RTC_B_UIE		BIT(4)	/* update-ended interrupt enable */
#define  RTC_B_SQWE		BIT(3)	/* square wave output (no pin here) */
#define  RTC_B_DM		BIT(2)	/* data mode: 1 binary, 0 BCD */
#define  RTC_B_24H		BIT(1)	/* 1 24-hour, 0 12-hour */
#define  RTC_B_DSE		BIT(0)	/* daylight saving (US, 1980s rules) */
#define RTC_REG_C		0x0c	/* read-only, cleared by reading: */
#define  RTC_C_IRQF		BIT(7)	/*   an enabled flag below is set */
#define  RTC_C_PF		BIT(6)	/*   periodic */
#define  RTC_C_AF		BIT(5)	/*   alarm */
#define  RTC_C_UF		BIT(4)	/*   update ended */
#define RTC_REG_D		0x0d	/* read-only: */
#define  RTC_D_VRT		BIT(7)	/*   valid RAM and time (the battery is good) */

/* The update cycle: UIP rises 244 us before the second ticks over and
 * the update itself takes at most 1984 us (data sheet, figure 3). */
#define RTC_UIP_LEAD_NS		244000ULL
#define RTC_UPDATE_NS		1984000ULL

/* CMOS RAM bytes a PC BIOS fills. */
#define CMOS_SHUTDOWN_STATUS	0x0f
#define CMOS_FLOPPY_TYPES	0x10
#define CMOS_EQUIPMENT		0x14
#define CMOS_BASE_MEM_LO	0x15	/* KiB below 1 MiB (640) */
#define CMOS_BASE_MEM_HI	0x16
#define CMOS_EXT_MEM_LO		0x17	/* KiB from 1 MiB, at most 65535 */
#define CMOS_EXT_MEM_HI		0x18
#define CMOS_CHECKSUM_HI	0x2e	/* sum of 0x10..0x2d */
#define CMOS_CHECKSUM_LO	0x2f
#define CMOS_EXT_MEM2_LO	0x30	/* a copy of 0x17/0x18, as the POST found it */
#define CMOS_EXT_MEM2_HI	0x31
#define CMOS_CENTURY		0x32	/* BCD (or binary, as register B says) */
#define CMOS_MEM_16M_LO		0x34	/* 64 KiB units from 16 MiB to 4 GiB (SeaBIOS, QEMU) */
#define CMOS_MEM_16M_HI		0x35
#define CMOS_MEM_4G_LO		0x5b	/* 64 KiB units above 4 GiB, 3 bytes (QEMU) */
#define CMOS_MEM_4G_MID		0x5c
#define CMOS_MEM_4G_HI		0x5d
#define CMOS_NR_CPUS		0x5f	/* vCPUs - 1 (QEMU, for SeaBIOS) */
#define CMOS_SIZE		128	/* bytes behind the index port */
#endif
