/* tests/host/host_support.h - helpers shared by the host unit tests. */
#ifndef SVMHV_HOST_SUPPORT_H
#define SVMHV_HOST_SUPPORT_H
#include <stdlib.h>
#include <stddef.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define HOST_LOG_SIZE 65536
extern char host_log[HOST_LOG_SIZE];
extern size_t host_log_len;
void host_log_reset(void);
int host_log_contains(const char *needle);
static inline int getenv_verbose(void) { return getenv("HOST_TEST_VERBOSE") != NULL; }
#endif
