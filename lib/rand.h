/* lib/rand.h - a small xorshift generator for randomized tests and
 * benchmarks: fast, reproducible from seed=, not for anything secret. */
#ifndef SVMHV_RAND_H
#define SVMHV_RAND_H
#include "lib/types.h"

static inline u64 rnd(u64 *state)
{
	u64 x = *state ? *state : 0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}
#endif
