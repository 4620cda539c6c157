/* kernel/asm-offsets.c - structure offsets and constants the assembly
 * needs, computed by the compiler (tools/asm_offsets.py makes the nasm
 * include).  Never compiled into the kernel, only to assembly. */
#include "kernel/types.h"
#include "kernel/trap.h"
#include "kernel/layout.h"
#include "kernel/percpu.h"

#define DEFINE(sym, val) \
	__asm__ __volatile__("\n.ascii \"->" #sym " %0\"" :: "i"((long)(val)))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(TF_RBP, trap_frame, rbp);
	OFFSET(TF_RIP, trap_frame, rip);
	DEFINE(TF_SIZE, sizeof(struct trap_frame));
	OFFSET(PCPU_CURRENT, percpu, current);
	OFFSET(PCPU_SCRATCH, percpu, scratch);
#ifdef ASM_OFFSETS_EXTRA
#include ASM_OFFSETS_EXTRA
#endif
}
