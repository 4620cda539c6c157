/* tests/host/test_uart.c - vmm/dev/uart_core.c register by register, the
 * interrupt priorities, the FIFOs and their overruns, and the console
 * start-up kvm-unit-tests runs (docs/kvm-unit-tests.md, "Serial"). */
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/dev/uart_core.h"

struct sink {
	u8 buf[256];
	size_t len;
	bool refuse;
};

static bool sink_put(void *ctx, u8 b)
{
	struct sink *s = ctx;

	if (s->refuse)
		return false;
	assert_true(s->len < sizeof(s->buf));
	s->buf[s->len++] = b;
	return true;
}

static struct uart_core u;
static struct sink snk;

static int setup(void **state)
{
	memset(&snk, 0, sizeof(snk));
	uart_core_init(&u, sink_put, &snk);
	return 0;
}

static u8 rd(unsigned int reg) { return uart_core_read(&u, reg); }
static void wr(unsigned int reg, u8 v) { uart_core_write(&u, reg, v); }

static void push(const char *s)
{
	uart_core_rx_push(&u, (const u8 *)s, strlen(s));
}

static void test_reset_values(void **state)
{
	assert_int_equal(rd(UART_IER), 0);
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(rd(UART_LCR), 0);
	assert_int_equal(rd(UART_MCR), 0);
	assert_int_equal(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(rd(UART_MSR) & UART_MSR_DELTAS, 0);
	assert_false(uart_core_intr(&u));
	assert_int_equal(rd(8), 0xff);		/* not a register */
}

static void test_dlab_divisor(void **state)
{
	wr(UART_LCR, UART_LCR_DLAB);
	wr(UART_DLL, 0x0c);
	wr(UART_DLM, 0x34);
	assert_int_equal(rd(UART_DLL), 0x0c);
	assert_int_equal(rd(UART_DLM), 0x34);
	/* Divisor writes are not bytes on the line nor interrupt enables. */
	assert_int_equal(snk.len, 0);
	wr(UART_LCR, UART_LCR_8BIT);
	assert_int_equal(rd(UART_IER), 0);
	wr(UART_IER, UART_IER_RDI);
	assert_int_equal(rd(UART_IER), UART_IER_RDI);
	wr(UART_LCR, UART_LCR_8BIT | UART_LCR_DLAB);
	assert_int_equal(rd(UART_DLM), 0x34);
	assert_int_equal(rd(UART_LCR), UART_LCR_8BIT | UART_LCR_DLAB);
	/* IIR/FCR at offset 2 is not affected by DLAB. */
	assert_int_equal(rd(UART_IIR) & UART_IIR_NO_INT, UART_IIR_NO_INT);
}

static void test_ier_mcr_masks_scr(void **state)
{
	wr(UART_IER, 0xff);
	assert_int_equal(rd(UART_IER), UART_IER_MASK);
	wr(UART_MCR, 0xff);
	assert_int_equal(rd(UART_MCR), UART_MCR_MASK);
	wr(UART_SCR, 0x5a);
	assert_int_equal(rd(UART_SCR), 0x5a);
	wr(UART_LSR, 0);			/* ignored */
	wr(UART_MSR, 0xff);			/* ignored */
	assert_int_equal(rd(UART_SCR), 0x5a);
}

static void test_tx_to_sink(void **state)
{
	wr(UART_DATA, 'h');
	wr(UART_DATA, 'i');
	assert_int_equal(snk.len, 2);
	assert_memory_equal(snk.buf, "hi", 2);
	assert_int_equal(rd(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_tx_backpressure_and_fifo_full(void **state)
{
	wr(UART_FCR, UART_FCR_ENABLE);
	snk.refuse = true;
	for (int i = 0; i < UART_FIFO_SIZE + 3; i++)
		wr(UART_DATA, (u8)('a' + i));
	assert_int_equal(rd(UART_LSR) & UART_LSR_THRE, 0);
	assert_int_equal(u.tx_dropped, 3);
	snk.refuse = false;
	assert_int_equal(uart_core_tx_kick(&u), UART_FIFO_SIZE);
	assert_int_equal(snk.len, UART_FIFO_SIZE);
	assert_int_equal(snk.buf[0], 'a');
	assert_int_equal(snk.buf[15], 'a' + 15);
	assert_true(rd(UART_LSR) & UART_LSR_THRE);
}

static void test_fcr_clear_tx(void **state)
{
	wr(UART_FCR, UART_FCR_ENABLE);
	snk.refuse = true;
	wr(UART_DATA, 'x');
	wr(UART_IER, UART_IER_THRI);
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT | UART_IIR_FIFO_ON);
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_TX);
	assert_true(rd(UART_LSR) & UART_LSR_THRE);
	/* Becoming empty arms the THRE interrupt. */
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI | UART_IIR_FIFO_ON);
	snk.refuse = false;
	assert_int_equal(uart_core_tx_kick(&u), 0);
	assert_int_equal(snk.len, 0);
}

static void test_rx_fifo_and_overrun(void **state)
{
	u8 many[UART_FIFO_SIZE + 4];

	wr(UART_FCR, UART_FCR_ENABLE);
	for (size_t i = 0; i < sizeof(many); i++)
		many[i] = (u8)i;
	assert_int_equal(uart_core_rx_push(&u, many, sizeof(many)), UART_FIFO_SIZE);
	assert_int_equal(u.rx_overruns, 4);
	assert_int_equal(rd(UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR | UART_LSR_OE);
	/* OE clears on the LSR read, the data stays. */
	assert_int_equal(rd(UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR);
	for (int i = 0; i < UART_FIFO_SIZE; i++)
		assert_int_equal(rd(UART_DATA), i);	/* the oldest kept */
	assert_int_equal(rd(UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(UART_DATA), 0);		/* empty reads 0 */
}

static void test_rx_16450_mode_overrun(void **state)
{
	/* FIFOs off: one holding register, the newer byte replaces it. */
	push("ab");
	assert_true(rd(UART_LSR) & UART_LSR_OE);
	assert_int_equal(rd(UART_DATA), 'b');
	assert_int_equal(rd(UART_LSR) & UART_LSR_DR, 0);
}

static void test_fcr_mode_change_and_clear(void **state)
{
	wr(UART_FCR, UART_FCR_ENABLE);
	push("abc");
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_int_equal(rd(UART_LSR) & UART_LSR_DR, 0);
	push("abc");
	wr(UART_FCR, 0);			/* leaving FIFO mode empties them */
	assert_int_equal(rd(UART_LSR) & UART_LSR_DR, 0);
	assert_int_equal(rd(UART_IIR) & UART_IIR_FIFO_ON, 0);
	/* Without bit 0 the trigger bits are not taken. */
	wr(UART_FCR, UART_FCR_TRIGGER_14);
	assert_int_equal(u.fcr, 0);
}

static void test_rx_trigger_and_timeout(void **state)
{
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER_4);
	wr(UART_IER, UART_IER_RDI);
	push("ab");
	/* Below the trigger: the character timeout (immediate here). */
	assert_int_equal(rd(UART_IIR), UART_IIR_TIMEOUT | UART_IIR_FIFO_ON);
	push("cd");
	assert_int_equal(rd(UART_IIR), UART_IIR_RDI | UART_IIR_FIFO_ON);
	rd(UART_DATA);
	assert_int_equal(rd(UART_IIR), UART_IIR_TIMEOUT | UART_IIR_FIFO_ON);
	rd(UART_DATA); rd(UART_DATA); rd(UART_DATA);
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT | UART_IIR_FIFO_ON);
	assert_false(uart_core_intr(&u));
}

static void test_iir_priority(void **state)
{
	wr(UART_MCR, UART_MCR_OUT2);
	wr(UART_IER, UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | UART_IER_MSI);
	uart_core_set_modem_inputs(&u, UART_MSR_DSR);	/* DCD, CTS drop */
	push("xy");					/* overrun in 16450 mode */
	assert_true(uart_core_irq(&u));
	assert_int_equal(rd(UART_IIR), UART_IIR_RLSI);
	rd(UART_LSR);					/* clears OE */
	assert_int_equal(rd(UART_IIR), UART_IIR_RDI);
	rd(UART_DATA);
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI);	/* armed by the IER edge */
	/* That IIR read cleared THRE; modem status is next. */
	assert_int_equal(rd(UART_IIR), UART_IIR_MSI);
	assert_int_equal(rd(UART_MSR), UART_MSR_DSR | UART_MSR_DCTS | UART_MSR_DDCD);
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	assert_false(uart_core_irq(&u));
}

static void test_thre_rearm_rule(void **state)
{
	/* Rising edge of IER.THRI with THR empty raises it. */
	wr(UART_IER, UART_IER_THRI);
	assert_true(uart_core_intr(&u));
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI);
	/* Cleared by that IIR read. */
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	assert_false(uart_core_intr(&u));
	/* Rewriting IER with THRI already set does not repeat it. */
	wr(UART_IER, UART_IER_THRI | UART_IER_RDI);
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	/* Off then on again re-arms it (Linux's start_tx, its THRE probe). */
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI);
	/* A THR write clears it and, the byte gone, THR empties again. */
	wr(UART_DATA, 'z');
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI);
	/* With the sink refusing, THR stays full: no THRE interrupt ... */
	snk.refuse = true;
	wr(UART_DATA, 'q');
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);		/* ... not even on the edge */
	assert_int_equal(rd(UART_IIR), UART_IIR_NO_INT);
	/* ... until the byte leaves. */
	snk.refuse = false;
	uart_core_tx_kick(&u);
	assert_int_equal(rd(UART_IIR), UART_IIR_THRI);
}

static void test_irq_gated_by_out2(void **state)
{
	wr(UART_IER, UART_IER_THRI);
	assert_true(uart_core_intr(&u));
	assert_false(uart_core_irq(&u));
	wr(UART_MCR, UART_MCR_OUT2);
	assert_true(uart_core_irq(&u));
}

static void test_loopback(void **state)
{
	wr(UART_MCR, UART_MCR_LOOP);
	u8 msr = rd(UART_MSR);
	/* Entering loopback drops the outside lines: deltas for them. */
	assert_int_equal(msr & UART_MSR_LINES, 0);
	assert_int_equal(msr & UART_MSR_DELTAS, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2);
	msr = rd(UART_MSR);
	assert_int_equal(msr & UART_MSR_LINES, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD);
	assert_int_equal(msr & UART_MSR_DELTAS, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
	/* RI: only the trailing edge is latched. */
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	assert_int_equal(rd(UART_MSR) & UART_MSR_DELTAS, UART_MSR_TERI);
	/* Transmitted bytes come back to the receiver, not the sink. */
	wr(UART_DATA, 'L');
	assert_int_equal(snk.len, 0);
	assert_true(rd(UART_LSR) & UART_LSR_DR);
	assert_int_equal(rd(UART_DATA), 'L');
	/* The outside line is disconnected. */
	assert_int_equal(uart_core_rx_push(&u, (const u8 *)"x", 1), 0);
	wr(UART_MCR, 0);
	wr(UART_DATA, 'o');
	assert_int_equal(snk.len, 1);
}

static void test_rx_room(void **state)
{
	/* 16450 mode: one byte of room; the glue waits instead of overrunning. */
	assert_int_equal(uart_core_rx_room(&u), 1);
	push("a");
	assert_int_equal(uart_core_rx_room(&u), 0);
	rd(UART_DATA);
	wr(UART_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart_core_rx_room(&u), UART_FIFO_SIZE);
	push("abc");
	assert_int_equal(uart_core_rx_room(&u), UART_FIFO_SIZE - 3);
	wr(UART_MCR, UART_MCR_LOOP);
	assert_int_equal(uart_core_rx_room(&u), 0);	/* input disconnected */
	assert_int_equal(u.rx_overruns, 0);
}

static void test_reset_keeps_sink(void **state)
{
	wr(UART_LCR, UART_LCR_8BIT);
	wr(UART_IER, UART_IER_RDI);
	push("q");
	uart_core_reset(&u);
	assert_int_equal(rd(UART_LCR), 0);
	assert_int_equal(rd(UART_IER), 0);
	assert_int_equal(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	wr(UART_DATA, 'k');
	assert_int_equal(snk.len, 1);
}

/* lib/x86's serial init and putc, as docs/kvm-unit-tests.md records them. */
static void kut_putc(char c)
{
	int spins = 0;

	while (!(rd(UART_LSR) & UART_LSR_THRE))
		assert_true(++spins < 10);
	wr(UART_DATA, (u8)c);
}

static void test_kut_init_sequence(void **state)
{
	const char *msg = "enabling apic\n";
	u8 lcr;

	lcr = rd(UART_LCR);
	wr(UART_LCR, lcr | UART_LCR_DLAB);
	wr(UART_DLL, 0x01);
	wr(UART_DLM, 0x00);
	lcr = rd(UART_LCR);
	wr(UART_LCR, lcr & (u8)~UART_LCR_DLAB);
	wr(UART_IER, 0x00);
	wr(UART_LCR, 0x03);
	wr(UART_FCR, 0x00);
	wr(UART_MCR, 0x03);
	for (const char *p = msg; *p; p++) {
		if (*p == '\n')
			kut_putc('\r');
		kut_putc(*p);
	}
	/* Not a stray byte from the divisor writes. */
	assert_int_equal(snk.len, strlen(msg) + 1);
	assert_memory_equal(snk.buf, "enabling apic\r\n", snk.len);
	assert_int_equal(u.dll, 1);
	assert_int_equal(u.dlm, 0);
	assert_false(uart_core_irq(&u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_dlab_divisor, setup),
		cmocka_unit_test_setup(test_ier_mcr_masks_scr, setup),
		cmocka_unit_test_setup(test_tx_to_sink, setup),
		cmocka_unit_test_setup(test_tx_backpressure_and_fifo_full, setup),
		cmocka_unit_test_setup(test_fcr_clear_tx, setup),
		cmocka_unit_test_setup(test_rx_fifo_and_overrun, setup),
		cmocka_unit_test_setup(test_rx_16450_mode_overrun, setup),
		cmocka_unit_test_setup(test_fcr_mode_change_and_clear, setup),
		cmocka_unit_test_setup(test_rx_trigger_and_timeout, setup),
		cmocka_unit_test_setup(test_iir_priority, setup),
		cmocka_unit_test_setup(test_thre_rearm_rule, setup),
		cmocka_unit_test_setup(test_irq_gated_by_out2, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_rx_room, setup),
		cmocka_unit_test_setup(test_reset_keeps_sink, setup),
		cmocka_unit_test_setup(test_kut_init_sequence, setup),
	};

	return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
