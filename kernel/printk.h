/* kernel/printk.h - kernel printf and log levels.
 * Pure-logic files log through these; the host tests provide their own
 * kvprintf so they can inspect what a parser said about bad input. */
#ifndef SVMHV_PRINTK_H
#define SVMHV_PRINTK_H

#include "lib/types.h"

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern int log_level_max;	/* messages above this level are dropped */

int kvprintf(const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __printf(1, 2);
int klog(int level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...)   klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

#endif
