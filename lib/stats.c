/* lib/stats.c - order statistics of a sample set (lib/stats.h): what the
 * benchmarks report for every result. */
#include "lib/stats.h"
#include "lib/sort.h"
#include "lib/string.h"

/* Nearest-rank percentile of a sorted array. */
u64 stats_percentile(const u64 *a, u64 n, u64 p)
{
	u64 rank = (n * p + 99) / 100;
	return a[rank ? rank - 1 : 0];
}

void stats_compute(u64 *s, u64 n, struct stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!n)
		return;
	sort_u64(s, n);
	u64 sum = 0;
	for (u64 i = 0; i < n; i++)
		sum += s[i];
	st->n = n;
	st->min = s[0];
	st->max = s[n - 1];
	st->p25 = stats_percentile(s, n, 25);
	st->median = stats_percentile(s, n, 50);
	st->p75 = stats_percentile(s, n, 75);
	st->p99 = stats_percentile(s, n, 99);
	st->mean = sum / n;
}
