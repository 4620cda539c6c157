/* lib/sort.c - heapsort of u64 arrays (lib/sort.h), used by the benchmark
 * statistics. */
#include "lib/sort.h"

static void sift_down(u64 *a, u64 root, u64 n)
{
	for (;;) {
		u64 child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		u64 t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

void sort_u64(u64 *a, u64 n)
{
	if (n < 2)
		return;
	for (u64 i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (u64 end = n - 1; end > 0; end--) {
		u64 t = a[0];
		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}
