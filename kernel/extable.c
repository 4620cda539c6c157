/* kernel/extable.c - lookup in the table of instructions allowed to fault. */
#include "kernel/extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

u64 extable_lookup(u64 rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}
