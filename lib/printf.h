/* lib/printf.h - printf-style formatting into a buffer (lib/printf.c),
 * with no output of its own: kernel/printk.h puts the result on the
 * console.  Same return rule as C's snprintf: the length the whole string
 * would have had, the buffer always terminated when size > 0. */
#ifndef SVMHV_LIB_PRINTF_H
#define SVMHV_LIB_PRINTF_H

#include "lib/types.h"

int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
