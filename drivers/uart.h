/* drivers/uart.h - 16550 UART on COM1, 115200 8N1, polled. */
#ifndef SVMHV_UART_H
#define SVMHV_UART_H
#include "lib/types.h"
bool uart_init(u16 port);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
#endif
