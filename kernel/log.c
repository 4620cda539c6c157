/* kernel/log.c - kprintf and klog with the level filter, over kvprintf.
 * No output of its own, so the host unit tests link this same file and
 * supply a kvprintf that records what the code under test said
 * (tests/host/host_support.c); the kernel's kvprintf is kernel/printk.c. */
#include "kernel/printk.h"

int log_level_max = LOG_INFO;

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
