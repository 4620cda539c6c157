/* hw/uart16550.h - the 16550 UART's registers: what the host's COM1 driver
 * (drivers/uart.c) programs and what the guest's COM1 model
 * (vmm/dev/uart16550.c) answers.  Eight byte-wide I/O
 * ports from the base, in the datasheet's order (NS PC16550D, "Register
 * Addresses"); DLAB (LCR bit 7) turns offsets 0 and 1 into the divisor
 * latch.  Bits of a register sit under it. */
#ifndef SVMHV_HW_UART16550_H
#define SVMHV_HW_UART16550_H
#include "lib/types.h"

#define UART_COM1_BASE		0x3f8	/* the PC's first serial port */
#define UART_NR_PORTS		8

#define UART_DATA		0	/* RBR on read, THR on write; DLL when DLAB */
#define UART_IER		1	/* interrupt enable; DLM when DLAB */
#define UART_FCR		2	/* FIFO control (write); IIR on read */
#define  UART_FCR_ENABLE	BIT(0)
#define  UART_FCR_CLEAR_RX	BIT(1)
#define  UART_FCR_CLEAR_TX	BIT(2)
#define  UART_FCR_TRIGGER_14	(3u << 6)	/* RX interrupt at 14 bytes */
#define UART_LCR		3	/* line control */
#define  UART_LCR_8BIT		0x03		/* 8 data bits, no parity, 1 stop */
#define  UART_LCR_DLAB		BIT(7)		/* offsets 0/1 are the divisor */
#define UART_MCR		4	/* modem control */
#define  UART_MCR_DTR		BIT(0)
#define  UART_MCR_RTS		BIT(1)
#define UART_LSR		5	/* line status */
#define  UART_LSR_DR		BIT(0)		/* a received byte is waiting */
#define  UART_LSR_THRE		BIT(5)		/* transmit holding register empty */
#define  UART_LSR_TEMT		BIT(6)		/* transmitter completely idle */
#define UART_MSR		6	/* modem status */
#define UART_SCR		7	/* scratch: no effect, reads back */

/* Divisor for a baud rate from the 1.8432 MHz clock's 115200 maximum. */
#define UART_DIVISOR(baud)	(115200u / (baud))

#endif
