/* sched/task_check.h - verifies that the CPU holds exactly the host state
 * the current task and CPU must have: FS base (and the task-local block it
 * points at), KernelGsBase and LDTR from the task; GS base and TR from the
 * CPU.  Used by the scheduler's tests and by svm/'s host-state checks. */
#ifndef SVMHV_TASK_CHECK_H
#define SVMHV_TASK_CHECK_H
#include "kernel/types.h"

struct task;

enum host_field {
	HF_FS_BASE, HF_FS_LOCAL, HF_KERNEL_GS_BASE, HF_GS_BASE, HF_TR_SEL, HF_TR_BASE,
	HF_LDTR_SEL, HF_LDTR_BASE, HF_COUNT
};
extern const char *const host_field_names[HF_COUNT];

struct host_mismatch {
	enum host_field field;
	u64 expected, found;
};

struct percpu;
/* Interrupts must be off.  `pc` is the CPU the caller knows it runs on
 * (not derived from GS, which may be the thing that is wrong).  Returns the
 * number of mismatching fields and describes the first in *first. */
u32 task_check_host_state(const struct task *t, const struct percpu *pc,
			  struct host_mismatch *first);
/* Puts the right values back (used by checks that must let a run go on). */
void task_restore_host_state(const struct task *t, struct percpu *pc);
/* The base of this CPU's TSS as its GDT descriptor gives it. */
u64 cpu_tss_base(void);
#endif
