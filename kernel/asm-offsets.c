/* kernel/asm-offsets.c - structure offsets and constants the assembly
 * needs, computed by the compiler (tools/asm_offsets.py makes the nasm
 * include).  Never compiled into the kernel, only to assembly. */
#include "lib/types.h"
#include "kernel/trap.h"
#include "kernel/layout.h"
#include "kernel/percpu.h"
#include "svm/svm.h"
#include "kernel/cpu.h"

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
	OFFSET(GR_RBX, guest_regs, rbx);
	OFFSET(GR_RCX, guest_regs, rcx);
	OFFSET(GR_RDX, guest_regs, rdx);
	OFFSET(GR_RSI, guest_regs, rsi);
	OFFSET(GR_RDI, guest_regs, rdi);
	OFFSET(GR_RBP, guest_regs, rbp);
	OFFSET(GR_R8, guest_regs, r8);
	OFFSET(GR_R9, guest_regs, r9);
	OFFSET(GR_R10, guest_regs, r10);
	OFFSET(GR_R11, guest_regs, r11);
	OFFSET(GR_R12, guest_regs, r12);
	OFFSET(GR_R13, guest_regs, r13);
	OFFSET(GR_R14, guest_regs, r14);
	OFFSET(GR_R15, guest_regs, r15);
	DEFINE(ASM_MSR_FS_BASE, MSR_FS_BASE);
	DEFINE(ASM_MSR_GS_BASE, MSR_GS_BASE);
	OFFSET(LZ_GUEST_FS, svm_lazy, guest_fs);
	OFFSET(LZ_GUEST_GS, svm_lazy, guest_gs);
	OFFSET(LZ_HOST_FS, svm_lazy, host_fs);
	OFFSET(LZ_HOST_GS, svm_lazy, host_gs);
	OFFSET(LZ_LOAD_GUEST, svm_lazy, load_guest);
	DEFINE(VMCB_SAVE_RIP, offsetof(struct vmcb, save) + offsetof(struct vmcb_save, rip));
#ifdef ASM_OFFSETS_EXTRA
#include ASM_OFFSETS_EXTRA
#endif
}
