/* kernel/trap.h - the register frame every interrupt entry builds, and the
 * registration of interrupt handlers. */
#ifndef SVMHV_TRAP_H
#define SVMHV_TRAP_H
#include "lib/types.h"

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*irq_handler_t)(struct trap_frame *tf);
void trap_register(int vector, irq_handler_t fn);
void trap_dispatch(struct trap_frame *tf);
const char *exception_name(int vector);
/* Prints rip, then walks the frame-pointer chain starting at rbp. */
void backtrace_from(u64 rbp, u64 rip);
void dump_frame(const struct trap_frame *tf);

/* Called on the way out of an interrupt: lets the scheduler preempt. */
extern void (*trap_exit_hook)(struct trap_frame *tf);
#endif
