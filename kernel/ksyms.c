/* kernel/ksyms.c - binary search in the link-time symbol table. */
#include "kernel/ksyms.h"

const char *ksym_lookup(u64 addr, u64 *offset)
{
	unsigned long lo = 0, hi = ksyms_count;
	if (!hi || addr < ksyms[0].addr)
		return 0;
	while (hi - lo > 1) {
		unsigned long mid = (lo + hi) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - ksyms[lo].addr;
	return &ksyms_names[ksyms[lo].name_off];
}
