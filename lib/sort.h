/* lib/sort.h - in-place sorting of sample arrays (lib/sort.c).  Heapsort:
 * no recursion and no scratch memory, so it is safe on a small kernel
 * stack and with any sample count; O(n log n) in the worst case too. */
#ifndef SVMHV_LIB_SORT_H
#define SVMHV_LIB_SORT_H
#include "lib/types.h"

void sort_u64(u64 *a, u64 n);	/* ascending */

#endif
