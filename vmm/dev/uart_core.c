/* vmm/dev/uart_core.c - the 16550A model behind vmm/dev/uart_core.h.
 *
 * Register rules are the NS PC16550D datasheet's (its "Registers" chapter,
 * one part per register, table IV "Reset Functions" and table V
 * "Interrupt Control Functions"); where the datasheet leaves a choice open, the
 * comment at that spot says what this model does and why. */
#include "vmm/dev/uart_core.h"

/* ---- FIFOs ---- */

static bool uart_fifo_mode(const struct uart_core *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* With FIFOs off the 16450-compatible mode has one holding register each
 * way (datasheet, FIFO Control Register, bit 0). */
static u8 uart_fifo_cap(const struct uart_core *u)
{
	return uart_fifo_mode(u) ? UART_FIFO_SIZE : 1;
}

static void uart_fifo_clear(struct uart_fifo *f)
{
	f->head = 0;
	f->count = 0;
}

static void uart_fifo_put(struct uart_fifo *f, u8 b)
{
	f->buf[(f->head + f->count) % UART_FIFO_SIZE] = b;
	f->count++;
}

static u8 uart_fifo_get(struct uart_fifo *f)
{
	u8 b = f->buf[f->head];

	f->head = (u8)((f->head + 1) % UART_FIFO_SIZE);
	f->count--;
	return b;
}

/* RX trigger level in bytes, from FCR bits 7:6 (datasheet, FIFO Control Register). */
static u8 uart_rx_trigger(const struct uart_core *u)
{
	static const u8 levels[4] = { 1, 4, 8, 14 };

	return levels[(u->fcr & UART_FCR_TRIGGER_MASK) >> 6];
}

/* ---- modem status ---- */

/* The MSR's line bits: in loopback the modem outputs feed the inputs,
 * RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD (datasheet, Modem Control Register, bit 4). */
static u8 uart_msr_lines(const struct uart_core *u)
{
	u8 l = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return u->modem_in & UART_MSR_LINES;
	if (u->mcr & UART_MCR_RTS)
		l |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		l |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		l |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		l |= UART_MSR_DCD;
	return l;
}

/* Recomputes the MSR lines and latches the deltas of what changed; RI
 * only counts its trailing edge, on to off (datasheet, Modem Status Register, bit 2). */
static void uart_msr_update(struct uart_core *u)
{
	u8 old = u->msr & UART_MSR_LINES;
	u8 now = uart_msr_lines(u);
	u8 changed = old ^ now;
	u8 d = u->msr & UART_MSR_DELTAS;

	if (changed & UART_MSR_CTS)
		d |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		d |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		d |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		d |= UART_MSR_TERI;
	u->msr = now | d;
}

/* ---- transmitter ---- */

/* The THRE interrupt is armed when the holding register (the TX FIFO in
 * FIFO mode) goes from full to empty, and cleared by writing THR or by
 * reading IIR while it is the source shown (datasheet table V). */
static size_t uart_tx_drain(struct uart_core *u)
{
	size_t n = 0;
	bool had = u->tx.count != 0;

	while (u->tx.count) {
		/* No sink: the line goes nowhere, bytes still leave. */
		if (u->tx_fn && !u->tx_fn(u->tx_ctx, u->tx.buf[u->tx.head]))
			break;
		uart_fifo_get(&u->tx);
		n++;
	}
	if (had && u->tx.count == 0)
		u->thr_ipending = true;
	return n;
}

static void uart_rx_store(struct uart_core *u, u8 b);

static void uart_write_thr(struct uart_core *u, u8 b)
{
	u->thr_ipending = false;
	if (u->mcr & UART_MCR_LOOP) {
		/* The shift register feeds the receiver, not the line
		 * (datasheet, Modem Control Register, bit 4): the byte lands in the RX FIFO and THR is
		 * empty again at once. */
		uart_rx_store(u, b);
		u->thr_ipending = true;
		return;
	}
	if (u->tx.count >= uart_fifo_cap(u)) {
		/* Only reachable while the sink refuses bytes and the guest
		 * ignores THRE: the byte is lost, as on a chip whose FIFO is
		 * overwritten, and counted for the glue to report. */
		u->tx_dropped++;
		return;
	}
	uart_fifo_put(&u->tx, b);
	uart_tx_drain(u);
}

size_t uart_core_tx_kick(struct uart_core *u)
{
	return uart_tx_drain(u);
}

/* ---- receiver ---- */

/* A byte that finds the FIFO full is lost and sets OE (datasheet, Line
 * Status Register, bit 1: in FIFO mode the FIFO keeps its bytes and the new one is
 * overwritten in the shift register; in 16450 mode the new byte destroys
 * the one in RBR). */
static void uart_rx_store(struct uart_core *u, u8 b)
{
	if (u->rx.count < uart_fifo_cap(u)) {
		uart_fifo_put(&u->rx, b);
		return;
	}
	u->lsr |= UART_LSR_OE;
	u->rx_overruns++;
	if (!uart_fifo_mode(u))
		u->rx.buf[u->rx.head] = b;
}

size_t uart_core_rx_push(struct uart_core *u, const u8 *buf, size_t n)
{
	size_t stored = 0;

	/* In loopback the serial input is disconnected (datasheet, Modem Control Register). */
	if (u->mcr & UART_MCR_LOOP)
		return 0;
	for (size_t i = 0; i < n; i++) {
		bool fits = u->rx.count < uart_fifo_cap(u);

		uart_rx_store(u, buf[i]);
		if (fits)
			stored++;
	}
	return stored;
}

size_t uart_core_rx_room(const struct uart_core *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return 0;
	return (size_t)(uart_fifo_cap(u) - u->rx.count);
}

/* ---- interrupts ---- */

/* The highest-priority enabled source, as IIR bits 3:0 (datasheet table
 * V): line status, then received data (trigger level reached, or the
 * character timeout), then THR empty, then modem status.
 *
 * The character timeout fires when bytes below the trigger level have sat
 * for four character times with no read.  A virtual line has no character
 * time, so here it is due as soon as the FIFO holds anything below the
 * trigger level: a driver is told about every byte without a timer. */
static u8 uart_iir_source(const struct uart_core *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_ERRORS))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx.count) {
		if (!uart_fifo_mode(u) || u->rx.count >= uart_rx_trigger(u))
			return UART_IIR_RDI;
		return UART_IIR_TIMEOUT;
	}
	if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTAS))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

bool uart_core_intr(const struct uart_core *u)
{
	return uart_iir_source(u) != UART_IIR_NO_INT;
}

/* On a PC the chip's INTR reaches the ISA bus through a buffer enabled by
 * OUT2 (IBM PC/AT serial adapter wiring), which is why drivers set it. */
bool uart_core_irq(const struct uart_core *u)
{
	return (u->mcr & UART_MCR_OUT2) && uart_core_intr(u);
}

/* ---- registers ---- */

void uart_core_reset(struct uart_core *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr = 0;
	u->fcr = 0;
	u->scr = 0;
	/* The datasheet leaves the divisor unset by reset; 1 (115200 baud)
	 * is what the KUT and Linux consoles program anyway. */
	u->dll = 1;
	u->dlm = 0;
	u->thr_ipending = false;
	uart_fifo_clear(&u->rx);
	uart_fifo_clear(&u->tx);
	u->msr = uart_msr_lines(u);	/* deltas cleared */
}

void uart_core_init(struct uart_core *u, uart_tx_fn tx_fn, void *tx_ctx)
{
	*u = (struct uart_core){ .tx_fn = tx_fn, .tx_ctx = tx_ctx };
	/* No modem behind a virtual port: carrier, DSR and CTS on, so a
	 * guest that waits for them can send. */
	u->modem_in = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	uart_core_reset(u);
}

void uart_core_set_modem_inputs(struct uart_core *u, u8 lines)
{
	u->modem_in = lines & UART_MSR_LINES;
	uart_msr_update(u);
}

static u8 uart_read_lsr(struct uart_core *u)
{
	u8 v = u->lsr & UART_LSR_ERRORS;

	if (u->rx.count)
		v |= UART_LSR_DR;
	/* The shift register empties with the holding register on an
	 * infinitely fast line, so TEMT follows THRE. */
	if (u->tx.count == 0)
		v |= UART_LSR_THRE | UART_LSR_TEMT;
	u->lsr &= (u8)~UART_LSR_ERRORS;	/* errors clear on read (Line Status Register) */
	return v;
}

u8 uart_core_read(struct uart_core *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 v;

	switch (reg) {
	case UART_DATA:
		if (dlab)
			return u->dll;
		return u->rx.count ? uart_fifo_get(&u->rx) : 0;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		v = uart_iir_source(u);
		if (v == UART_IIR_THRI)
			u->thr_ipending = false;
		return v | (uart_fifo_mode(u) ? UART_IIR_FIFO_ON : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return uart_read_lsr(u);
	case UART_MSR:
		v = u->msr;
		u->msr &= UART_MSR_LINES;	/* deltas clear on read (Modem Status Register) */
		return v;
	case UART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

static void uart_write_fcr(struct uart_core *u, u8 val)
{
	bool had_tx = u->tx.count != 0;

	/* Switching between FIFO and 16450 mode empties both FIFOs, and the
	 * other bits are only taken while bit 0 is written as 1 (FIFO Control Register). */
	if ((val ^ u->fcr) & UART_FCR_ENABLE) {
		uart_fifo_clear(&u->rx);
		uart_fifo_clear(&u->tx);
	}
	if (!(val & UART_FCR_ENABLE)) {
		u->fcr = 0;
	} else {
		if (val & UART_FCR_CLEAR_RX)
			uart_fifo_clear(&u->rx);
		if (val & UART_FCR_CLEAR_TX)
			uart_fifo_clear(&u->tx);
		u->fcr = val & (UART_FCR_ENABLE | UART_FCR_DMA_MODE | UART_FCR_TRIGGER_MASK);
	}
	if (had_tx && u->tx.count == 0)
		u->thr_ipending = true;
}

void uart_core_write(struct uart_core *u, unsigned int reg, u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 old;

	switch (reg) {
	case UART_DATA:
		if (dlab)
			u->dll = val;
		else
			uart_write_thr(u, val);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		old = u->ier;
		u->ier = val & UART_IER_MASK;
		/* Enabling the THRE interrupt while THR is empty raises it
		 * even if an IIR read had cleared it.  Not in the datasheet,
		 * but 8250-family drivers kick transmission this way, and
		 * Linux's start-up probe checks it.  Only the 0 -> 1 edge
		 * re-arms: rewriting IER with the bit already set (to change
		 * another enable) does not repeat a THRE interrupt. */
		if (!(old & UART_IER_THRI) && (u->ier & UART_IER_THRI) && u->tx.count == 0)
			u->thr_ipending = true;
		break;
	case UART_FCR:
		uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		old = u->mcr;
		u->mcr = val & UART_MCR_MASK;
		uart_msr_update(u);
		/* Leaving loopback puts the line back: what the sink refused
		 * before may go now. */
		if ((old & UART_MCR_LOOP) && !(u->mcr & UART_MCR_LOOP))
			uart_tx_drain(u);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		break;		/* LSR and MSR writes are factory test only (Line Status Register) */
	}
}
