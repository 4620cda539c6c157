/* kernel/panic.h - stopping the kernel on a broken invariant, and leaving
 * QEMU (isa-debug-exit) or halting on real hardware when work is done. */
#ifndef SVMHV_PANIC_H
#define SVMHV_PANIC_H

#include "lib/types.h"

/* Exit codes written to isa-debug-exit; QEMU exits with (code << 1) | 1. */
enum exit_code {
	EXIT_SUCCESS_CODE = 0,
	EXIT_TESTS_FAILED = 1,
	EXIT_REFUSED = 2,
	EXIT_PANIC = 3,
};

/* panic(reason, fmt, ...): names the CPU and task, the reason, and the
 * expected/found details the format gives. */
void panic(const char *reason, const char *fmt, ...) __printf(2, 3) __noreturn;
void kernel_exit(enum exit_code code) __noreturn;

#define BUG_ON(cond) do { if (unlikely(cond)) \
	panic("BUG", "%s:%d: expected !(%s)", __FILE__, __LINE__, #cond); } while (0)
#define KASSERT(cond, ...) do { if (unlikely(!(cond))) \
	panic("assertion failed: " #cond, __VA_ARGS__); } while (0)

extern volatile bool panicking;
extern bool panic_backtrace_done;	/* an exception report already printed one */
/* First step of any fatal report: owns the console, stops other CPUs. */
void panic_begin(void);
/* Set by the platform code once other CPUs can be stopped by IPI. */
extern void (*panic_stop_others)(void);
/* Set by the scheduler once it runs: the name of the task on this CPU, or
 * NULL; the report says "(boot)" before then.  kernel/ knows no tasks. */
extern const char *(*panic_task_name)(void);

#endif
