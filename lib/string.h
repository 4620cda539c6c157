/* lib/string.h - the C library string functions the kernel implements
 * (in lib/string.c).  Host tests get the same names from libc. */
#ifndef SVMHV_STRING_H
#define SVMHV_STRING_H

#include "lib/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* strstr with no surprises: NULL if needle is not in hay. */
const char *strstr_simple(const char *hay, const char *needle);

#endif
