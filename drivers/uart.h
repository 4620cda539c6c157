/* drivers/uart.h - 16550 UART on COM1, 115200 8N1: output polled, input
 * by interrupt (received-data interrupt only; the caller routes the IRQ). */
#ifndef SVMHV_UART_H
#define SVMHV_UART_H
#include "lib/types.h"
bool uart_init(u16 port);
/* A second UART for machine-readable records (kernel/console.c's
 * console_record); false when none answers at port. */
bool uart_aux_init(u16 port);
void uart_aux_write(const char *s, size_t n);
void uart_putc(char c);
void uart_write(const char *s, size_t n);	/* '\n' goes out as "\r\n" */
void uart_write_raw(const char *s, size_t n);	/* every byte as it is */
/* Turns on the received-data interrupt (FIFO trigger level 1, OUT2). */
void uart_rx_irq_enable(void);
/* A received byte, or -1 when none is waiting. */
int uart_getc(void);
#endif
