/* kernel/traps.c - what happens on an interrupt or exception: exceptions
 * print a full report (vector, error code, RIP, CR2, registers, symbolized
 * backtrace) and panic; device and IPI vectors go to registered handlers. */
#include "kernel/trap.h"
#include "kernel/printk.h"
#include "kernel/panic.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/ksyms.h"
#include "kernel/layout.h"
#include "kernel/extable.h"

static irq_handler_t handlers[256];
void (*trap_exit_hook)(struct trap_frame *tf);

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "#HV hypervisor injection", "#VC VMM communication",
	"#SX security", "reserved 31",
};

const char *exception_name(int vector)
{
	return vector >= 0 && vector < 32 ? exc_names[vector] : "interrupt";
}

void trap_register(int vector, irq_handler_t fn)
{
	handlers[vector] = fn;
}

static bool kernel_addr_ok(u64 a)
{
	return a >= KERNEL_VMA || (a >= HHDM_BASE && a < HHDM_BASE + (1ULL << 46));
}

static void print_sym(u64 addr)
{
	u64 off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		kprintf("%s+0x%lx", name, off);
	else
		kprintf("?");
}

/* Walks the RBP chain; every pointer is checked before it is read. */
void backtrace_from(u64 rbp, u64 rip)
{
	kprintf("backtrace:\n  [<%016lx>] ", rip);
	print_sym(rip);
	kprintf("\n");
	for (int depth = 0; depth < 32; depth++) {
		if (!rbp || (rbp & 7) || !kernel_addr_ok(rbp) || !kernel_addr_ok(rbp + 15))
			break;
		u64 next = ((u64 *)rbp)[0];
		u64 ret = ((u64 *)rbp)[1];
		if (!ret || ret < KERNEL_VMA)
			break;
		kprintf("  [<%016lx>] ", ret);
		print_sym(ret - 1);	/* the call, not what follows it */
		kprintf("\n");
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void dump_frame(const struct trap_frame *tf)
{
	kprintf("RIP: %04lx:%016lx ", tf->cs, tf->rip);
	print_sym(tf->rip);
	kprintf("  RFLAGS: %016lx\n", tf->rflags);
	kprintf("RSP: %04lx:%016lx  CR2: %016lx  CR3: %016lx\n", tf->ss, tf->rsp,
		read_cr2(), read_cr3());
	kprintf("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("RBP: %016lx R8:  %016lx R9:  %016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14, tf->r15);
}

static void exception(struct trap_frame *tf)
{
	/* Expected faults (probing an MSR, say) resume at their fixup. */
	u64 fixup = extable_lookup(tf->rip);
	if (fixup) {
		tf->rip = fixup;
		tf->rax = (u64)-EFAULT;
		return;
	}
	panic_begin();
	struct percpu *c = this_cpu();
	kprintf("\n*** EXCEPTION %s (vector %lu) on CPU %u, error code 0x%lx\n",
		exception_name((int)tf->vector), tf->vector, c ? c->cpu_id : 0, tf->error);
	if (tf->vector == 14)
		kprintf("page fault at %016lx: %s %s in %s mode%s\n", read_cr2(),
			tf->error & 1 ? "protection violation" : "page not present",
			tf->error & 16 ? "on instruction fetch" : tf->error & 2 ? "on write" : "on read",
			tf->error & 4 ? "user" : "kernel", tf->error & 8 ? " (reserved bit set)" : "");
	dump_frame(tf);
	backtrace_from(tf->rbp, tf->rip);
	panic_backtrace_done = true;
	panic("unexpected exception", "no fault expected at RIP %016lx, found %s",
	      tf->rip, exception_name((int)tf->vector));
}

void trap_dispatch(struct trap_frame *tf)
{
	struct percpu *c = this_cpu();
	c->irq_depth++;
	if (tf->vector < 32 && tf->vector != 2) {
		exception(tf);
	} else if (handlers[tf->vector]) {
		handlers[tf->vector](tf);
	} else if (tf->vector == 2) {
		kprintf("NMI on CPU %u with no handler\n", c->cpu_id);
	} else if (tf->vector != VEC_SPURIOUS) {
		pr_warn("unexpected interrupt vector %lu on CPU %u\n", tf->vector, c->cpu_id);
	}
	c->irq_depth--;
	/* Only device and IPI vectors may lead to a reschedule: never an NMI
	 * (it can arrive anywhere, even inside the scheduler) or an exception. */
	if (trap_exit_hook && c->irq_depth == 0 && tf->vector >= 32)
		trap_exit_hook(tf);
}
