/* drivers/uart.c - 16550 driver for COM1: the kernel log goes out polled
 * (uart_putc waits for THRE, so it works with interrupts off and in a
 * panic); input comes in by interrupt once uart_rx_irq_enable() is called
 * (kernel/console.c routes the IRQ and drains with uart_getc). */
#include "drivers/uart.h"
#include "kernel/cpu.h"
#include "hw/uart16550.h"

static u16 uart_port;		/* the console */
static u16 uart_aux_port;	/* machine-readable records, 0 none */

/* Programs a 16550 at port for 115200 8N1, polled; false when no UART
 * answers there (the scratch register does not keep a value). */
static bool uart_setup(u16 port)
{
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_IER, 0);		/* polled: no interrupts */
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DATA, UART_DIVISOR(115200));
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_8BIT);	/* 8N1, DLAB off */
	outb(port + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX |
			      UART_FCR_TRIGGER_14);
	outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	return true;
}

bool uart_init(u16 port)
{
	if (!uart_setup(port))
		return false;
	uart_port = port;
	return true;
}

bool uart_aux_init(u16 port)
{
	if (!uart_setup(port))
		return false;
	uart_aux_port = port;
	return true;
}

static void uart_putc_at(u16 port, char c)
{
	for (u32 spins = 0; !(inb(port + UART_LSR) & UART_LSR_THRE); spins++)
		if (spins > 1000000)	/* a stuck UART must not hang the kernel */
			return;
	outb(port + UART_DATA, (u8)c);
}

void uart_aux_write(const char *s, size_t n)
{
	if (!uart_aux_port)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc_at(uart_aux_port, '\r');
		uart_putc_at(uart_aux_port, s[i]);
	}
}

void uart_putc(char c)
{
	if (uart_port)
		uart_putc_at(uart_port, c);
}

void uart_write_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

void uart_rx_irq_enable(void)
{
	if (!uart_port)
		return;
	/* Trigger level 1: an interrupt for every byte, no wait for a
	 * character timeout, since a person types one key at a time. */
	outb(uart_port + UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER_1);
	/* PC boards pass the chip's INTR to the ISA line only with OUT2. */
	outb(uart_port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	outb(uart_port + UART_IER, UART_IER_RDI);
}

int uart_getc(void)
{
	if (!uart_port || !(inb(uart_port + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(uart_port + UART_DATA);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}
