/* kernel/printk.c - kvprintf, the kernel's one way to the console: formats
 * with lib/printf.c and sends the line to the console under one lock so
 * CPUs do not interleave.  The front ends over it (kprintf, klog) are
 * kernel/log.c, which the host tests share. */
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "lib/printf.h"
#include "kernel/cpu.h"

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	console_write(buf, len);
	return n;
}
