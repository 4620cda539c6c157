/* tests/host/host_support.c - what the kernel's pure-logic files expect
 * from the kernel (logging), provided on the host.  Every message is
 * printed and also kept in host_log so tests can check that bad input got
 * a clear message. */
#include <stdio.h>
#include <string.h>
#include "kernel/printk.h"
#include "lib/printf.h"
#include "tests/host/host_support.h"

int log_level_max = LOG_DEBUG;
char host_log[HOST_LOG_SIZE];
size_t host_log_len;

void host_log_reset(void)
{
	host_log_len = 0;
	host_log[0] = '\0';
}

int host_log_contains(const char *needle)
{
	return strstr(host_log, needle) != NULL;
}

int kvprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(host_log + host_log_len, sizeof(host_log) - host_log_len, fmt, ap2);
	va_end(ap2);
	if (n > 0) {
		host_log_len += (size_t)n;
		if (host_log_len >= sizeof(host_log))
			host_log_len = sizeof(host_log) - 1;
	}
	if (getenv_verbose())
		vfprintf(stderr, fmt, ap);
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

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
