/* hw/i8254.h - the PC's 8254 programmable interval timer (Intel 82C54
 * datasheet) and port 0x61, which gates its channel 2: what the TSC
 * calibration in drivers/timer.c uses, and a guest's PIT model will. */
#ifndef SVMHV_HW_I8254_H
#define SVMHV_HW_I8254_H
#include "lib/types.h"

#define PIT_HZ			1193182ULL	/* the 8254's input clock */

/* I/O ports */
#define PIT_CH0			0x40	/* the system timer, IRQ 0 */
#define PIT_CH1			0x41	/* once DRAM refresh */
#define PIT_CH2			0x42	/* gated by port B, drives the speaker */
#define PIT_CMD			0x43	/* mode/command, write only */
/* Command byte: channel in 7:6, access in 5:4, mode in 3:1, BCD in bit 0.
 * Channel 2, low then high byte, mode 0 (interrupt on terminal count), binary. */
#define PIT_CMD_CH2_MODE0	0xb0
/* Channel 2, counter latch: the next two reads of port 0x42 return the
 * count at the moment of the command. */
#define PIT_CMD_CH2_LATCH	0x80

/* Port 0x61 (the "system control port B" of the PC): bit 0 gates PIT
 * channel 2, bit 1 drives the speaker from it. */
#define PORT_B			0x61
#define PORT_B_GATE2		BIT(0)
#define PORT_B_SPEAKER		BIT(1)

#endif
