/* hw/uart16550.h - the 16550 UART's registers: what the host's COM1 driver
 * (drivers/uart.c) programs and what the guest's COM1 model
 * (vmm/dev/uart16550.c, and the full register model vmm/dev/uart_core.c
 * it will sit on) answers.  Eight byte-wide I/O ports from the base,
 * in the datasheet's order (NS PC16550D, "Register Addresses", table II
 * "Summary of Registers"); DLAB (LCR bit 7) turns offsets 0 and 1 into the
 * divisor latch.  Bits of a register sit under it. */
#ifndef SVMHV_HW_UART16550_H
#define SVMHV_HW_UART16550_H
#include "lib/types.h"

#define UART_COM1_BASE		0x3f8	/* the PC's first serial port */
#define UART_COM1_IRQ		4	/* its ISA interrupt line */
#define UART_COM2_BASE		0x2f8	/* the second */
#define UART_NR_PORTS		8
#define UART_FIFO_SIZE		16	/* 16550A: 16-byte RX and TX FIFOs */

#define UART_DATA		0	/* RBR on read, THR on write; DLL when DLAB */
#define UART_DLL		0	/* divisor latch, low byte (DLAB = 1) */
#define UART_IER		1	/* interrupt enable; DLM when DLAB */
#define  UART_IER_RDI		BIT(0)		/* received data available (and timeout) */
#define  UART_IER_THRI		BIT(1)		/* transmit holding register empty */
#define  UART_IER_RLSI		BIT(2)		/* receiver line status */
#define  UART_IER_MSI		BIT(3)		/* modem status */
#define  UART_IER_MASK		0x0f		/* bits 4-7 always read 0 */
#define UART_DLM		1	/* divisor latch, high byte (DLAB = 1) */
#define UART_IIR		2	/* interrupt identification (read) */
#define  UART_IIR_NO_INT	BIT(0)		/* 1: nothing pending */
#define  UART_IIR_ID_MASK	0x0e		/* source, by priority: */
#define  UART_IIR_RLSI		0x06		/*   1: receiver line status */
#define  UART_IIR_RDI		0x04		/*   2: received data available */
#define  UART_IIR_TIMEOUT	0x0c		/*   2: character timeout (FIFO mode) */
#define  UART_IIR_THRI		0x02		/*   3: THR empty */
#define  UART_IIR_MSI		0x00		/*   4: modem status */
#define  UART_IIR_FIFO_ON	0xc0		/* both set when FCR bit 0 is */
#define UART_FCR		2	/* FIFO control (write); IIR on read */
#define  UART_FCR_ENABLE	BIT(0)
#define  UART_FCR_CLEAR_RX	BIT(1)
#define  UART_FCR_CLEAR_TX	BIT(2)
#define  UART_FCR_DMA_MODE	BIT(3)
#define  UART_FCR_TRIGGER_MASK	(3u << 6)	/* RX trigger level: */
#define  UART_FCR_TRIGGER_1	(0u << 6)	/*   1 byte */
#define  UART_FCR_TRIGGER_4	(1u << 6)	/*   4 bytes */
#define  UART_FCR_TRIGGER_8	(2u << 6)	/*   8 bytes */
#define  UART_FCR_TRIGGER_14	(3u << 6)	/*   14 bytes */
#define UART_LCR		3	/* line control */
#define  UART_LCR_8BIT		0x03		/* 8 data bits, no parity, 1 stop */
#define  UART_LCR_WLEN_MASK	0x03
#define  UART_LCR_STOP		BIT(2)
#define  UART_LCR_PARITY	BIT(3)
#define  UART_LCR_EPAR		BIT(4)
#define  UART_LCR_SPAR		BIT(5)
#define  UART_LCR_SBC		BIT(6)		/* set break */
#define  UART_LCR_DLAB		BIT(7)		/* offsets 0/1 are the divisor */
#define UART_MCR		4	/* modem control */
#define  UART_MCR_DTR		BIT(0)
#define  UART_MCR_RTS		BIT(1)
#define  UART_MCR_OUT1		BIT(2)
#define  UART_MCR_OUT2		BIT(3)		/* PC boards gate the IRQ line with it */
#define  UART_MCR_LOOP		BIT(4)		/* local loopback */
#define  UART_MCR_MASK		0x1f		/* bits 5-7 always read 0 */
#define UART_LSR		5	/* line status */
#define  UART_LSR_DR		BIT(0)		/* a received byte is waiting */
#define  UART_LSR_OE		BIT(1)		/* overrun: a received byte was lost */
#define  UART_LSR_PE		BIT(2)		/* parity error */
#define  UART_LSR_FE		BIT(3)		/* framing error */
#define  UART_LSR_BI		BIT(4)		/* break interrupt */
#define  UART_LSR_THRE		BIT(5)		/* transmit holding register empty */
#define  UART_LSR_TEMT		BIT(6)		/* transmitter completely idle */
#define  UART_LSR_FIFOE		BIT(7)		/* an error byte sits in the RX FIFO */
#define  UART_LSR_ERRORS	(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)
#define UART_MSR		6	/* modem status */
#define  UART_MSR_DCTS		BIT(0)		/* CTS changed since last read */
#define  UART_MSR_DDSR		BIT(1)		/* DSR changed */
#define  UART_MSR_TERI		BIT(2)		/* RI went from on to off */
#define  UART_MSR_DDCD		BIT(3)		/* DCD changed */
#define  UART_MSR_DELTAS	0x0f
#define  UART_MSR_CTS		BIT(4)
#define  UART_MSR_DSR		BIT(5)
#define  UART_MSR_RI		BIT(6)
#define  UART_MSR_DCD		BIT(7)
#define  UART_MSR_LINES		0xf0
#define UART_SCR		7	/* scratch: no effect, reads back */

/* Divisor for a baud rate from the 1.8432 MHz clock's 115200 maximum. */
#define UART_DIVISOR(baud)	(115200u / (baud))

#endif
