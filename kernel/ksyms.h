/* kernel/ksyms.h - the link-time symbol table (tools/gensyms.py) and its
 * lookup, used by backtraces. */
#ifndef SVMHV_KSYMS_H
#define SVMHV_KSYMS_H
#include "lib/types.h"

struct ksym {
	u64 addr;
	unsigned int name_off;
};
extern const struct ksym ksyms[];
extern const unsigned long ksyms_count;
extern const char ksyms_names[];

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(u64 addr, u64 *offset);

#endif
