/* vmm/dev/uart16550.c - the guest's COM1: port glue over the 16550A model
 * of vmm/dev/uart_core.c, on every platform (svmhv's own guests print
 * through it, kvm-unit-tests and Linux program it fully).  Called through
 * the port bus (vmm/exit.c) and attached by vm_create.
 *
 *  - Every register (DLAB and the divisor, IER, IIR/FCR, LCR, MCR, LSR,
 *    MSR, SCR, both FIFOs) is the core's; this file only locks it, since
 *    the vCPUs of one VM reach it at once.
 *  - Transmitted bytes go to the VM's console (vm_console_putc), which
 *    gathers them into lines printed with the guest's name, or passes
 *    them through raw while the guest has the input focus; carriage
 *    returns and other control bytes reach it as they are and it decides
 *    (vmm/conmux.c).
 *  - The interrupt line (IRQ 4 for COM1) follows uart_core_irq(): after
 *    every access whose level changed, vm_set_irq() gets the new level,
 *    still under the lock so that two vCPUs cannot deliver the levels of
 *    two accesses in the wrong order (lock order: this lock, then whatever
 *    vm_set_irq takes; nothing there calls back into the UART).
 *  - Output is rate-limited (lib/tokenbucket.h): a guest may print a burst
 *    of COM1_BURST bytes, then com1_rate bytes a second (a guest
 *    option, 11,520 by default).  Beyond that the sink refuses, bytes wait in the TX FIFO (THRE reads 0, so a polling
 *    guest simply waits), and bytes written to a full FIFO are dropped and
 *    counted by the core: a flood costs the host a bounded amount of
 *    console and leaves a count, printed once when it starts and again
 *    when the VM goes.
 *  - Input: bytes typed on svmhv's serial line while this guest has the
 *    focus (vmm/console.c, in the host's interrupt context) come in
 *    through uart16550_input().  They wait in an input queue and move
 *    into the RX FIFO as far as it has room, at once and again whenever
 *    the guest reads RBR or LSR: a guest that reads slowly loses nothing
 *    until the queue itself is full (then bytes are dropped and counted).
 *    The RX interrupt follows through uart_sync_irq like any other level
 *    change, so a vCPU halted waiting for it is woken by the interrupt
 *    routing (vm_set_irq), not by anything on the exit path. */
#include "vmm/vmm.h"
#include "vmm/irq.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/uart_core.h"
#include "hw/uart16550.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "drivers/timer.h"
#include "lib/tokenbucket.h"
#include "mm/kmem.h"

/* A burst at full speed, then the VM's com1_rate (by default the pace of
 * a real 115200-baud line: what a guest written for real hardware already
 * lives with). */
#define COM1_BURST	4096		/* bytes */
/* Typed input not yet in the RX FIFO: a pasted line or two. */
#define COM1_INQ	256		/* bytes */

struct uart16550 {
	struct vmm_device dev;
	u16 base;
	u32 gsi;
	bool irq_level;			/* what vm_set_irq was last told */
	bool flood_reported;
	spinlock_t lock;
	struct tokenbucket budget;	/* in bytes, refilled from the TSC */
	struct uart_core core;
	u8 inq[COM1_INQ];		/* input waiting for FIFO room, under lock */
	u32 inq_head, inq_count;
	u64 in_dropped;			/* input lost to a full queue */
};

static struct uart16550 *to_uart(struct vmm_device *d)
{
	return container_of(d, struct uart16550, dev);
}

/* The core's sink: one byte to the console, if the budget allows. */
static bool uart_tx(void *ctx, u8 byte)
{
	struct uart16550 *u = ctx;
	if (!tokenbucket_take(&u->budget, rdtsc(), 1))
		return false;
	vm_console_putc(u->dev.vm, (char)byte);
	return true;
}

/* Caller holds u->lock.  The IRQ line after an access, when it moved. */
static void uart_sync_irq(struct uart16550 *u)
{
	bool level = uart_core_irq(&u->core);
	if (level == u->irq_level)
		return;
	u->irq_level = level;
	vm_set_irq(u->dev.vm, u->gsi, level);
}

/* Caller holds u->lock.  Queued input into the RX FIFO while it has room
 * (none in loopback: the line is disconnected then). */
static void uart_feed(struct uart16550 *u)
{
	for (size_t room = uart_core_rx_room(&u->core); room && u->inq_count; room--) {
		uart_core_rx_push(&u->core, &u->inq[u->inq_head], 1);
		u->inq_head = (u->inq_head + 1) % COM1_INQ;
		u->inq_count--;
	}
}

void uart16550_input(struct vmm_device *d, const u8 *buf, size_t n)
{
	struct uart16550 *u = to_uart(d);
	u64 f = spin_lock_irqsave(&u->lock);
	for (size_t i = 0; i < n; i++) {
		if (u->inq_count == COM1_INQ) {
			u->in_dropped++;
			continue;
		}
		u->inq[(u->inq_head + u->inq_count) % COM1_INQ] = buf[i];
		u->inq_count++;
	}
	uart_feed(u);
	uart_sync_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
}

/* Caller holds u->lock. */
static void uart_note_flood(struct uart16550 *u)
{
	if (u->flood_reported || !u->core.tx_dropped)
		return;
	u->flood_reported = true;
	kprintf("guest %s: COM1 output over its budget (%u bytes, then %lu/s): bytes beyond the "
		"TX FIFO are dropped and counted\n", u->dev.vm->cfg.name, COM1_BURST,
		(unsigned long)u->dev.vm->cfg.com1_rate);
}

static void uart_reset(struct vmm_device *d)
{
	struct uart16550 *u = to_uart(d);
	u64 f = spin_lock_irqsave(&u->lock);
	uart_core_reset(&u->core);
	u->inq_head = u->inq_count = 0;
	uart_sync_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
}

static __attribute__((noinline)) u64 uart_read_locked(struct uart16550 *u, unsigned int reg)
{
	u64 f = spin_lock_irqsave(&u->lock);
	/* A guest polling LSR (or IIR) for THRE is where queued output moves
	 * on once the budget has refilled. */
	if (u->core.tx.count && (reg == UART_LSR || reg == UART_IIR))
		uart_core_tx_kick(&u->core);
	u8 val = uart_core_read(&u->core, reg);
	/* RBR read made room; an LSR read is where a polling guest waits. */
	if (u->inq_count && (reg == UART_DATA || reg == UART_LSR))
		uart_feed(u);
	uart_sync_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
	return val;
}

static u64 uart_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct uart16550 *u = to_uart(d);
	unsigned int reg = (unsigned int)(port - u->base);
	/* The scratch register changes nothing when read, neither the core's
	 * state nor the IRQ level (uart_sync_irq would find it as the last
	 * access left it): one byte read without the lock; a write racing on
	 * another vCPU gives the old or the new value, as on a real UART. */
	if (reg == UART_SCR)
		return READ_ONCE(u->core.scr);
	return uart_read_locked(u, reg);
}

static void uart_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct uart16550 *u = to_uart(d);
	u64 f = spin_lock_irqsave(&u->lock);
	if (u->core.tx.count)
		uart_core_tx_kick(&u->core);
	uart_core_write(&u->core, (unsigned int)(port - u->base), (u8)val);
	uart_sync_irq(u);
	uart_note_flood(u);
	spin_unlock_irqrestore(&u->lock, f);
}

static void uart_dump(struct vmm_device *d)
{
	struct uart16550 *u = to_uart(d);
	const struct uart_core *c = &u->core;
	kprintf("uart16550 at %#x: IER %#x LCR %#x MCR %#x LSR %#x MSR %#x SCR %#x divisor %u "
		"FCR %#x; RX %u TX %u queued, %u input waiting; %lu TX bytes dropped, %lu RX overruns, "
		"%lu input bytes dropped; IRQ %u %s\n",
		u->base, c->ier, c->lcr, c->mcr, c->lsr, c->msr, c->scr, c->dll | c->dlm << 8,
		c->fcr, c->rx.count, c->tx.count, u->inq_count, c->tx_dropped, c->rx_overruns,
		u->in_dropped, u->gsi,
		u->irq_level ? "asserted" : "low");
}

static void uart_teardown(struct vmm_device *d)
{
	struct uart16550 *u = to_uart(d);
	if (u->core.tx_dropped)
		kprintf("guest %s: COM1 dropped %lu output bytes (flood)\n", d->vm->cfg.name,
			u->core.tx_dropped);
	if (u->in_dropped)
		kprintf("guest %s: COM1 dropped %lu input bytes (the guest did not read them)\n",
			d->vm->cfg.name, u->in_dropped);
	if (d->vm->com1 == d)
		d->vm->com1 = NULL;
	kfree(u);
}

static const struct vmm_device_ops uart_ops = {
	.name = "uart16550", .reset = uart_reset, .read = uart_read, .write = uart_write,
	.dump = uart_dump, .teardown = uart_teardown,
};

int uart16550_attach(struct vm *vm, u16 base, u32 gsi)
{
	struct uart16550 *u = kzalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->dev.ops = &uart_ops;
	u->base = base;
	u->gsi = gsi;
	spin_lock_init(&u->lock, "uart16550");
	tokenbucket_init(&u->budget, COM1_BURST, vm->cfg.com1_rate, tsc_hz, rdtsc());
	uart_core_init(&u->core, uart_tx, u);
	int r = vm_attach_device(vm, &u->dev, true, base, UART_NR_PORTS);
	if (r) {
		kfree(u);
		return r;
	}
	if (base == UART_COM1_BASE)
		vm->com1 = &u->dev;
	return 0;
}
