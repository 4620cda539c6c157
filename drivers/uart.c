/* drivers/uart.c - polled 16550 driver for the kernel log on COM1. */
#include "drivers/uart.h"
#include "kernel/cpu.h"

#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define UART_SCR  7
#define LSR_THRE  BIT(5)

static u16 uart_port;

bool uart_init(u16 port)
{
	/* The scratch register tells whether a UART answers at all. */
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_IER, 0);		/* polled: no interrupts */
	outb(port + UART_LCR, 0x80);		/* divisor latch */
	outb(port + UART_DATA, 1);		/* 115200 baud */
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, 0x03);		/* 8N1 */
	outb(port + UART_FCR, 0xc7);		/* FIFO on, cleared */
	outb(port + UART_MCR, 0x03);		/* DTR, RTS */
	uart_port = port;
	return true;
}

void uart_putc(char c)
{
	if (!uart_port)
		return;
	for (u32 spins = 0; !(inb(uart_port + UART_LSR) & LSR_THRE); spins++)
		if (spins > 1000000)	/* a stuck UART must not hang the kernel */
			return;
	outb(uart_port + UART_DATA, (u8)c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}
