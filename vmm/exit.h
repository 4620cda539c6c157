/* vmm/exit.h - the exit record: what a backend makes of a #VMEXIT (or any
 * other hardware's exit) and what the core answers.  Plain data, no
 * pointers, so that handing it to a user-space VMM and taking the answer
 * back is only a copy.
 *
 * The backend fills the question for the reason it sets; the core handles
 * it (vmm/exit.c) and writes the answer into the same record; the backend
 * applies the answer (registers, the RIP advance that ends an interrupt
 * shadow, or the exception to raise instead). */
#ifndef SVMHV_VMM_EXIT_H
#define SVMHV_VMM_EXIT_H
#include "lib/types.h"

enum vmm_exit_reason {
	VMM_EXIT_NONE = 0,	/* the backend dealt with it (INTR, PAUSE, #UD for SVM
				 * instructions, XSETBV, a withdrawn RAM page): enter again */
	VMM_EXIT_IO,		/* IN/OUT */
	VMM_EXIT_MMIO,		/* a load or store to a registered MMIO range */
	VMM_EXIT_MSR,		/* RDMSR/WRMSR */
	VMM_EXIT_CPUID,
	VMM_EXIT_HYPERCALL,	/* VMMCALL (hw/svmhv_hypercall.h) */
	VMM_EXIT_HLT,
	VMM_EXIT_CR_WRITE,	/* MOV to a control register the backend intercepts (CR4) */
	VMM_EXIT_SHUTDOWN,	/* triple fault */
	VMM_EXIT_NPF,		/* an access outside RAM and every MMIO range */
	VMM_EXIT_INVALID,	/* the CPU refused the guest state */
	VMM_EXIT_UNHANDLED,	/* an exit the backend has no decoder for */
	VMM_EXIT_STOPPED,	/* the backend stopped the VM itself (it could not
				 * decode an instruction it had to emulate) */
	VMM_EXIT_NR
};

enum vmm_access { VMM_ACCESS_READ = 0, VMM_ACCESS_WRITE = 1, VMM_ACCESS_FETCH = 2 };

/* An exception to raise in the guest: the core's answer when the
 * instruction faults (e.g. #GP for a refused MSR).  The backend then
 * neither writes registers nor moves RIP. */
struct vmm_event {
	u8 valid;
	u8 vector;
	u8 has_error;
	u8 pad;
	u32 error;
};

struct vmm_exit {
	u32 reason;		/* enum vmm_exit_reason */
	u32 vcpu;		/* index of the vCPU in its VM */
	u64 rip;		/* of the instruction that exited */
	union {
		struct vmm_exit_io {
			u16 port;
			u8 size;	/* 1, 2 or 4 */
			u8 in;		/* 1 = IN (answer in data), 0 = OUT */
			u8 string;	/* INS/OUTS: not emulated, counted as dropped */
			u8 pad[3];
			u64 data;	/* OUT: the value; IN: the answer */
		} io;
		struct vmm_exit_mmio {
			u64 gpa;
			u8 size;	/* 1, 2, 4 or 8 */
			u8 write;
			u8 pad[6];
			u64 data;	/* store: the value; load: the answer */
		} mmio;
		struct vmm_exit_msr {
			u32 index;
			u8 write;
			u8 pad[3];
			u64 value;	/* WRMSR: the value; RDMSR: the answer */
		} msr;
		struct vmm_exit_cpuid {
			u32 leaf, subleaf;
			u32 eax, ebx, ecx, edx;	/* the answer */
		} cpuid;
		struct vmm_exit_hypercall {
			u64 nr;
			u64 args[4];	/* RBX, RCX, RDX, RSI; 32 bits wide outside long mode */
			u8 long_mode;
			u8 cpl;		/* the caller's privilege level (KVM's calls want 0) */
			u8 nret;	/* answer: how many of ret[] go to RAX, RBX, RCX */
			u8 pad[5];
			u64 ret[3];
		} hypercall;
		struct vmm_exit_npf {
			u64 gpa;
			u64 error;	/* the backend's raw fault code, for the message */
			u8 access;	/* enum vmm_access */
		} npf;
		struct vmm_exit_unhandled {
			u64 code;	/* the backend's exit code (vmm_backend->exit_name) */
		} unhandled;
		struct vmm_exit_cr {
			u64 value;	/* the source operand, 32 bits wide outside 64-bit code */
			u8 cr;		/* which control register */
		} cr;
	} u;
	struct vmm_event inject;	/* answer */
};

_Static_assert(sizeof(struct vmm_exit) == 96, "the exit record is plain, packed data");
#endif
