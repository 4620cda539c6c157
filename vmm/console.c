/* vmm/console.c - the consoles on svmhv's one serial line.
 *
 * Output: what a guest writes to its COM1 (vmm/dev/uart16550.c) or through
 * HC_CONSOLE_WRITE, gathered into lines printed with the guest's name, or
 * passed through raw while the guest has the input focus
 * (conmux_output).  Under vm->lock: vCPUs of one VM write to it at once.
 *
 * Input: kernel/console.c calls vmm_console_input with each byte received,
 * in interrupt context on the boot CPU.  Under con_lock the multiplexer
 * (vmm/conmux.c) says where it goes: into the focused guest's COM1
 * (uart16550_input: the UART's own lock, then its interrupt line through
 * vm_set_irq, which wakes a vCPU halted waiting for it), a focus switch,
 * or a command key of svmhv's console, run right there.
 *
 * Locks, in order: con_lock, then a VM's lock or its UART's lock (then
 * what those take: the interrupt routing, the run queues, the console).
 * The output side never takes con_lock; it reads con_focus, a pointer
 * compared, never followed, without it.  A VM stays in con_slots from
 * vm_start until vm_destroy (vm_console_detach under con_lock), so a
 * command that follows a slot under con_lock finds the VM alive. */
#include "vmm/vmm.h"
#include "vmm/console.h"
#include "vmm/conmux.h"
#include "vmm/dev/dev.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "drivers/timer.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "sched/sched.h"

static spinlock_t con_lock = SPINLOCK_INIT("conmux");
static struct conmux con_mux = { .focus = CONMUX_HOST };
static struct vm *con_slots[CONMUX_MAX_SLOTS];
static struct vm *con_focus;		/* the VM in con_mux.focus, or NULL */
static char con_want_focus[GUEST_NAME_SIZE];
static volatile bool con_quit;
static bool con_started;

struct con_key {
	char key;
	const char *help;
	void (*fn)(void);
};
static struct con_key con_keys[8];
static u32 con_nkeys;

/* ---- output ---- */

static void con_flush(struct vm *vm)
{
	if (!vm->con_len)
		return;
	if (vm->cfg.stamp) {
		/* stamp=on: the time since the VM started, by svmhv's TSC clock
		 * (a guest's own clock can be checked against it). */
		u64 us = tsc_to_ns(rdtsc() - vm->start_tsc) / 1000;
		kprintf("[%s +%lu.%06lu] %.*s\n", vm->cfg.name, us / 1000000, us % 1000000,
			(int)vm->con_len, vm->con_line);
	} else {
		kprintf("[%s] %.*s\n", vm->cfg.name, (int)vm->con_len, vm->con_line);
	}
	vm->con_len = 0;
}

void vm_console_putc(struct vm *vm, char c)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	u32 what = conmux_output(vm->con_line, &vm->con_len, sizeof(vm->con_line),
				 READ_ONCE(con_focus) == vm, c);
	if (what & CONMUX_EMIT_LINE)
		con_flush(vm);
	if (what & CONMUX_EMIT_RAW)
		console_write_raw(&c, 1);
	spin_unlock_irqrestore(&vm->lock, f);
}

void vm_console_flush(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	con_flush(vm);
	spin_unlock_irqrestore(&vm->lock, f);
}

/* ---- focus ---- */

static u32 con_alive(bool *alive)
{
	u32 n = 0;
	for (u32 i = 0; i < CONMUX_MAX_SLOTS; i++) {
		struct vm *vm = con_slots[i];
		alive[i] = vm && READ_ONCE(vm->stop) == STOP_NONE;
		if (vm)
			n = i + 1;
	}
	return n;
}

/* con_lock held.  Makes the multiplexer's focus the one output follows,
 * and says where input goes now (as Xen does at every switch). */
static void con_set_focus(u32 focus)
{
	con_mux.focus = focus;
	struct vm *vm = focus == CONMUX_HOST ? NULL : con_slots[focus];
	if (vm)
		vm_console_flush(vm);	/* its gathered text first, as a line */
	WRITE_ONCE(con_focus, vm);
	if (vm)
		kprintf("console: input to guest %s (slot %u); its output is shown raw; "
			"Ctrl-A three times: switch\n", vm->cfg.name, focus);
	else
		kprintf("console: input to svmhv (h: help); Ctrl-A three times: switch\n");
}

void vm_console_attach(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&con_lock);
	u32 i;
	for (i = 0; i < CONMUX_MAX_SLOTS && con_slots[i]; i++)
		;
	if (i == CONMUX_MAX_SLOTS) {
		spin_unlock_irqrestore(&con_lock, f);
		kprintf("console: guest %s gets no console slot (%u in use); no input for it\n",
			vm->cfg.name, CONMUX_MAX_SLOTS);
		return;
	}
	con_slots[i] = vm;
	if (con_started && con_want_focus[0] && con_mux.focus == CONMUX_HOST &&
	    strcmp(con_want_focus, vm->cfg.name) == 0) {
		con_want_focus[0] = 0;		/* once: a later switch is the user's */
		con_set_focus(i);
	}
	spin_unlock_irqrestore(&con_lock, f);
}

void vm_console_detach(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&con_lock);
	for (u32 i = 0; i < CONMUX_MAX_SLOTS; i++) {
		if (con_slots[i] != vm)
			continue;
		con_slots[i] = NULL;
		if (con_mux.focus == i) {
			kprintf("console: guest %s is gone\n", vm->cfg.name);
			con_set_focus(CONMUX_HOST);
		}
	}
	spin_unlock_irqrestore(&con_lock, f);
}

/* ---- svmhv's command keys (con_lock held, interrupt context) ---- */

static void con_help(void)
{
	kprintf("console: keys: h help, l list guests, e exit statistics, r run queues, "
		"x<N> stop guest in slot N, Q stop every guest and svmhv");
	for (u32 i = 0; i < con_nkeys; i++)
		kprintf(", %c %s", con_keys[i].key, con_keys[i].help);
	kprintf("; Ctrl-A three times: switch input to the next guest\n");
}

static void con_list(void)
{
	bool any = false;
	for (u32 i = 0; i < CONMUX_MAX_SLOTS; i++) {
		struct vm *vm = con_slots[i];
		if (!vm)
			continue;
		any = true;
		u64 exits = 0;
		for (u32 j = 0; j < vm->nvcpus; j++)
			exits += READ_ONCE(vm->vcpus[j]->exits);
		u32 stop = READ_ONCE(vm->stop);
		kprintf("console: slot %u: guest %s, %u vCPU(s), %lu exits, %s%s\n", i, vm->cfg.name,
			vm->nvcpus, exits, stop == STOP_NONE ? "running" : "stopped: ",
			stop == STOP_NONE ? "" : vm_stop_name(stop));
	}
	if (!any)
		kprintf("console: no guests\n");
}

static void con_stop_slot(u32 slot)
{
	struct vm *vm = slot < CONMUX_MAX_SLOTS ? con_slots[slot] : NULL;
	if (!vm) {
		kprintf("console: no guest in slot %u (l lists them)\n", slot);
		return;
	}
	kprintf("console: stopping guest %s\n", vm->cfg.name);
	vm_request_stop(vm, STOP_HOST, "stopped from svmhv's console");
}

static void con_command(u8 key, u8 cmd)
{
	if (cmd == CONMUX_KEY_STOP) {
		u32 slot = conmux_slot_of_key(key);
		if (slot == CONMUX_HOST)
			kprintf("console: x wants a slot number 0-9; nothing stopped\n");
		else
			con_stop_slot(slot);
		return;
	}
	switch (key) {
	case 'h':
	case '?':
		con_help();
		return;
	case 'l':
		con_list();
		return;
	case 'e': {
		bool any = false;
		for (u32 i = 0; i < CONMUX_MAX_SLOTS; i++)
			if (con_slots[i]) {
				vm_exit_stats_print_live(con_slots[i]);
				any = true;
			}
		if (!any)
			kprintf("console: no guests\n");
		return;
	}
	case 'r':
		sched_print_runqueues();
		return;
	case CONMUX_KEY_STOP:
		kprintf("console: stop which guest? Its slot number, please (l lists them)\n");
		return;
	case 'Q':
		kprintf("console: stopping every guest, then svmhv\n");
		con_quit = true;
		for (u32 i = 0; i < CONMUX_MAX_SLOTS; i++)
			if (con_slots[i])
				vm_request_stop(con_slots[i], STOP_HOST, "svmhv stopped from its console");
		return;
	}
	for (u32 i = 0; i < con_nkeys; i++)
		if (con_keys[i].key == (char)key) {
			con_keys[i].fn();
			return;
		}
	if (key >= 0x20 && key < 0x7f)
		kprintf("console: key '%c' does nothing (h: help)\n", key);
	else
		kprintf("console: key %#x does nothing (h: help)\n", key);
}

/* ---- input ---- */

void vmm_console_input(u8 c)
{
	bool alive[CONMUX_MAX_SLOTS];
	struct conmux_out o;
	u64 f = spin_lock_irqsave(&con_lock);
	u32 before = con_mux.focus;
	conmux_input(&con_mux, c, alive, con_alive(alive), &o);
	if (o.act == CONMUX_SWITCHED || o.focus != before) {
		/* A switch, or the focused guest stopped and took the focus
		 * with it: either way say where input goes now. */
		if (o.act != CONMUX_SWITCHED && before != CONMUX_HOST && con_slots[before])
			kprintf("console: guest %s has stopped\n", con_slots[before]->cfg.name);
		con_set_focus(o.focus);
	}
	switch (o.act) {
	case CONMUX_TO_GUEST: {
		struct vm *vm = con_slots[o.focus];
		if (vm && vm->com1)
			uart16550_input(vm->com1, o.bytes, o.n);
		break;
	}
	case CONMUX_KEY:
		con_command(o.key, o.cmd);
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&con_lock, f);
}

void vmm_console_add_key(char key, const char *help, void (*fn)(void))
{
	u64 f = spin_lock_irqsave(&con_lock);
	if (con_nkeys < ARRAY_SIZE(con_keys))
		con_keys[con_nkeys++] = (struct con_key){ key, help, fn };
	spin_unlock_irqrestore(&con_lock, f);
}

bool vmm_console_quit_requested(void)
{
	return con_quit;
}

void vmm_console_start(const char *focus)
{
	u64 f = spin_lock_irqsave(&con_lock);
	if (focus)
		ksnprintf(con_want_focus, sizeof(con_want_focus), "%s", focus);
	spin_unlock_irqrestore(&con_lock, f);
	if (console_input_start(vmm_console_input))
		return;
	f = spin_lock_irqsave(&con_lock);
	con_started = true;
	con_set_focus(con_mux.focus);
	spin_unlock_irqrestore(&con_lock, f);
}
