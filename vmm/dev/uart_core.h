/* vmm/dev/uart_core.h - a 16550A UART as a guest sees it, without any bus:
 * the caller (the COM1 device glue, in the kernel or in a user-space VMM)
 * turns port accesses at base + 0..7 into uart_core_read/_write, hands
 * received bytes to uart_core_rx_push, routes uart_core_irq() to its
 * interrupt controller (IRQ 4 for COM1) after every call, and owns the
 * memory of struct uart_core.  Register layout: hw/uart16550.h.
 *
 * The line is infinitely fast: a byte written to THR goes to the sink at
 * once, and a sink that refuses a byte (returns false) leaves it in the
 * TX FIFO until uart_core_tx_kick().  Parity, framing and break are never
 * generated, only overruns. */
#ifndef SVMHV_VMM_DEV_UART_CORE_H
#define SVMHV_VMM_DEV_UART_CORE_H
#include "lib/types.h"
#include "hw/uart16550.h"

/* Takes one transmitted byte; false when it cannot now (the byte stays
 * queued and is offered again by uart_core_tx_kick). */
typedef bool (*uart_tx_fn)(void *ctx, u8 byte);

struct uart_fifo {
	u8 buf[UART_FIFO_SIZE];
	u8 head;		/* index of the oldest byte */
	u8 count;
};

struct uart_core {
	/* Guest-visible registers. */
	u8 ier, lcr, mcr, lsr, msr, scr, dll, dlm;
	u8 fcr;			/* last FCR write's enable, DMA and trigger bits */
	bool thr_ipending;	/* THRE interrupt armed, see uart_core.c */
	u8 modem_in;		/* MSR_LINES the outside world drives (no loopback) */
	struct uart_fifo rx, tx;

	uart_tx_fn tx_fn;
	void *tx_ctx;

	/* Counters for the glue's messages (a flood is reported, not fatal). */
	u64 rx_overruns;	/* received bytes lost to a full RX FIFO */
	u64 tx_dropped;		/* THR writes lost to a full TX FIFO */
};

/* Sets up a UART at power-on state with its transmit sink. */
void uart_core_init(struct uart_core *u, uart_tx_fn tx_fn, void *tx_ctx);

/* Master reset (datasheet table IV): registers to their reset values, both
 * FIFOs empty; the sink, the modem inputs and the counters are kept. */
void uart_core_reset(struct uart_core *u);

/* A guest read or write of register `reg` (0..7, the offset from the
 * base).  Reads have side effects (RBR pops, IIR clears THRE, LSR clears
 * errors, MSR clears deltas).  Other offsets read 0xff and ignore writes. */
u8 uart_core_read(struct uart_core *u, unsigned int reg);
void uart_core_write(struct uart_core *u, unsigned int reg, u8 val);

/* Bytes arriving on the line.  Each goes into the RX FIFO (its 16 bytes,
 * or the one-byte holding register with FIFOs off); one that does not
 * fit is lost and sets LSR.OE.  Returns how many were stored. */
size_t uart_core_rx_push(struct uart_core *u, const u8 *buf, size_t n);

/* How many bytes uart_core_rx_push would store now without an overrun
 * (0 in loopback): a glue that holds input back until there is room
 * gives the guest flow control instead of lost bytes. */
size_t uart_core_rx_room(const struct uart_core *u);

/* Offers the queued TX bytes to the sink again, oldest first, until it
 * refuses one.  Returns how many it took. */
size_t uart_core_tx_kick(struct uart_core *u);

/* The modem input lines (UART_MSR_CTS/DSR/RI/DCD) while not in loopback;
 * a change sets the MSR delta bits as a real line change would. */
void uart_core_set_modem_inputs(struct uart_core *u, u8 lines);

/* The chip's INTR pin: some enabled interrupt is pending. */
bool uart_core_intr(const struct uart_core *u);

/* The ISA IRQ line as a PC board wires it: INTR gated by MCR.OUT2. */
bool uart_core_irq(const struct uart_core *u);

#endif
