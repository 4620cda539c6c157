/* lib/stats.h - order statistics of one set of samples (lib/stats.c). */
#ifndef SVMHV_LIB_STATS_H
#define SVMHV_LIB_STATS_H
#include "lib/types.h"

struct stats {
	u64 n, min, p25, median, p75, p99, max, mean;
};

/* Sorts `s` in place, then fills `st`; all zero when n == 0. */
void stats_compute(u64 *s, u64 n, struct stats *st);

/* Nearest-rank percentile p (0..100) of a sorted array of n > 0. */
u64 stats_percentile(const u64 *sorted, u64 n, u64 p);

#endif
