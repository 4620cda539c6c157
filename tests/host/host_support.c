/* tests/host/host_support.c - what the kernel's pure-logic files expect
 * from the kernel (kvprintf, under kernel/log.c and lib/printf.c which the
 * host tests link as they are), provided on the host.  Every message is
 * printed and also kept in host_log so tests can check that bad input got
 * a clear message. */
#include <stdio.h>
#include <string.h>
#include "kernel/printk.h"
#include "tests/host/host_support.h"

/* Every level: a test may look for a debug message.  Before main(), as
 * kernel/log.c's own default is the kernel's. */
__attribute__((constructor)) static void host_log_everything(void)
{
	log_level_max = LOG_DEBUG;
}
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
