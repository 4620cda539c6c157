/* kernel/extable.h - instructions that may fault on purpose (probing an
 * MSR or a feature) and where to resume when they do.  The fault sets RAX
 * to -EFAULT. */
#ifndef SVMHV_EXTABLE_H
#define SVMHV_EXTABLE_H
#include "lib/types.h"

struct extable_entry {
	u64 insn;
	u64 fixup;
};
u64 extable_lookup(u64 rip);

/* rdmsr/wrmsr that return 0 or -EFAULT (#GP on a missing MSR) instead of
 * taking the kernel down. */
static inline int rdmsr_safe(u32 msr, u64 *val)
{
	u64 v;
	u32 fault;
	__asm__ __volatile__(
		"1: rdmsr\n\t"
		"shl $32, %%rdx\n\t"
		"mov %%eax, %%eax\n\t"
		"or %%rdx, %%rax\n\t"
		"xor %%ecx, %%ecx\n\t"
		"jmp 3f\n"
		"2: mov $1, %%ecx\n"
		"3:\n\t"
		".pushsection .extable, \"a\"\n\t"
		".quad 1b, 2b\n\t"
		".popsection"
		: "=a"(v), "=c"(fault) : "c"(msr) : "rdx", "memory");
	*val = fault ? 0 : v;
	return fault ? -EFAULT : 0;
}

static inline int wrmsr_safe(u32 msr, u64 val)
{
	u32 fault;
	__asm__ __volatile__(
		"1: wrmsr\n\t"
		"xor %%ecx, %%ecx\n\t"
		"jmp 3f\n"
		"2: mov $1, %%ecx\n"
		"3:\n\t"
		".pushsection .extable, \"a\"\n\t"
		".quad 1b, 2b\n\t"
		".popsection"
		: "=c"(fault) : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return fault ? -EFAULT : 0;
}
#endif
