/* kernel/panic.c - the end of the road: a panic report naming the CPU, the
 * task, the reason and what was expected and found, with a backtrace; then
 * the exit code to QEMU (exit=qemu) or a halt. */
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/options.h"
#include "kernel/trap.h"
#include "kernel/cpu.h"

volatile bool panicking;
bool panic_backtrace_done;
void (*panic_stop_others)(void);
const char *(*panic_task_name)(void);
static volatile u32 panic_owner = ~0u;

void panic_begin(void)
{
	cli();
	struct percpu *c = this_cpu();
	u32 me = c ? c->cpu_id : 0;
	u32 expect = ~0u;
	if (!__atomic_compare_exchange_n(&panic_owner, &expect, me, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) && expect != me)
		halt_forever();	/* another CPU is already reporting */
	panicking = true;
	console_panic_mode();
	if (panic_stop_others)
		panic_stop_others();
}

void panic(const char *reason, const char *fmt, ...)
{
	panic_begin();
	struct percpu *c = this_cpu();
	const char *task = c && panic_task_name ? panic_task_name() : NULL;
	kprintf("\n*** PANIC on CPU %u, task '%s': %s\n", c ? c->cpu_id : 0,
		task ? task : "(boot)", reason);
	va_list ap;
	va_start(ap, fmt);
	kprintf("*** ");
	kvprintf(fmt, ap);
	kprintf("\n");
	va_end(ap);
	if (!panic_backtrace_done) {
		u64 *fp = __builtin_frame_address(0);
		backtrace_from(fp[0], fp[1]);
	}
	kernel_exit(EXIT_PANIC);
}

void kernel_exit(enum exit_code code)
{
	static const char *const names[] = { "success", "tests failed", "refused to start", "panic" };
	kprintf("svmhv: stopping, exit code %d (%s)\n", code, names[code & 3]);
	if (kopt.exit_qemu) {
		outl(0xf4, code);
		/* Not under QEMU after all: fall through to a halt. */
	}
	kprintf("svmhv: halted.\n");
	halt_forever();
}
