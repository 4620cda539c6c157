/* hw/i8042.h - the PC/AT keyboard controller (Intel 8042 as IBM's PC/AT
 * technical reference and later chipset datasheets describe it): a data
 * port, a status/command port, the controller commands an OS or firmware
 * sends, and the output-port bit that holds the CPU's reset line.
 * Modelled by vmm/dev/i8042_core.c. */
#ifndef SVMHV_HW_I8042_H
#define SVMHV_HW_I8042_H
#include "lib/types.h"

#define I8042_PORT_DATA		0x60
#define I8042_PORT_STATUS	0x64	/* read: status; write: command */
#define I8042_PORT_CMD		0x64

/* status register */
#define I8042_STR_OBF		BIT(0)	/* output buffer full: a byte to read at 0x60 */
#define I8042_STR_IBF		BIT(1)	/* input buffer full: the controller is busy */
#define I8042_STR_SYS		BIT(2)	/* system flag: self-test passed */
#define I8042_STR_CMD		BIT(3)	/* the last write was to the command port */

/* controller commands (written to 0x64) */
#define I8042_CMD_READ_CTR	0x20	/* the command byte to 0x60 */
#define I8042_CMD_WRITE_CTR	0x60	/* the next 0x60 write is the command byte */
#define I8042_CMD_AUX_DISABLE	0xa7
#define I8042_CMD_AUX_ENABLE	0xa8
#define I8042_CMD_AUX_TEST	0xa9	/* -> 0x00 passed */
#define I8042_CMD_SELF_TEST	0xaa	/* -> 0x55 passed */
#define  I8042_SELF_TEST_OK	0x55
#define I8042_CMD_KBD_TEST	0xab	/* -> 0x00 passed */
#define I8042_CMD_KBD_DISABLE	0xad
#define I8042_CMD_KBD_ENABLE	0xae
#define I8042_CMD_READ_OUTPUT	0xd0	/* the output port to 0x60 */
#define I8042_CMD_WRITE_OUTPUT	0xd1	/* the next 0x60 write is the output port */
#define I8042_CMD_PULSE		0xf0	/* 0xf0-0xff: pulse the output-port bits 3:0
					 * whose command bits are 0, for about 6 us */
#define  I8042_CMD_RESET	0xfe	/* pulse bit 0: reset the CPU */

/* output port */
#define I8042_OUT_RESET		BIT(0)	/* 0 holds the CPU in reset */
#define I8042_OUT_A20		BIT(1)	/* A20 gate */

/* command byte */
#define I8042_CTR_KBDINT	BIT(0)
#define I8042_CTR_AUXINT	BIT(1)
#define I8042_CTR_SYS		BIT(2)
#define I8042_CTR_KBDDIS	BIT(4)
#define I8042_CTR_AUXDIS	BIT(5)
#define I8042_CTR_XLATE		BIT(6)
#endif
