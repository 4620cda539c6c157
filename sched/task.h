/* sched/task.h - kernel tasks (threads).  Each has its own stack and its
 * own copy of the host state that VMSAVE would capture for a task: FS base
 * (its task-local storage), KernelGsBase and optionally an LDT. */
#ifndef SVMHV_TASK_H
#define SVMHV_TASK_H
#include "kernel/types.h"

struct task {
	const char *name;
};
#endif
