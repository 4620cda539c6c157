/* lib/muldiv.h - a * b / d without losing the high half of the product,
 * for time conversions (TSC cycles <-> ns) and per-1000 ratios, where a * b
 * overflows 64 bits long before the quotient does. */
#ifndef SVMHV_LIB_MULDIV_H
#define SVMHV_LIB_MULDIV_H
#include "lib/types.h"

/* a * b / d with a 128-bit intermediate; saturates at ~0 on overflow. */
static inline u64 mul_div_u64(u64 a, u64 b, u64 d)
{
	u64 lo, hi, q, r;
	if (d == 0)
		return ~0ULL;
	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b) : "cc");
	if (hi >= d)
		return ~0ULL;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
	(void)r;
	return q;
}

#endif
