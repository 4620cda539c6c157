/* vmm/dev/uart16550.c - the guest's COM1: a 16550 that only transmits.
 * Bytes written to THR go to the VM's console (vmm/console.c), gathered
 * into lines printed with the guest's name; LSR always says the
 * transmitter is empty; the scratch register reads back; every other
 * register reads 0 and ignores writes.  Registers: hw/uart16550.h. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "hw/uart16550.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

struct uart16550 {
	struct vmm_device dev;
	u16 base;
	u8 scratch;
};

static struct uart16550 *to_uart(struct vmm_device *d)
{
	return container_of(d, struct uart16550, dev);
}

static void uart_reset(struct vmm_device *d)
{
	to_uart(d)->scratch = 0;
}

static u64 uart_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct uart16550 *u = to_uart(d);
	switch (port - u->base) {
	case UART_LSR: return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_SCR: return u->scratch;
	default:       return 0;
	}
}

static void uart_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct uart16550 *u = to_uart(d);
	if (port == (u64)u->base)
		vm_console_putc(d->vm, (char)val);
	else if (port == (u64)u->base + UART_SCR)
		u->scratch = (u8)val;
}

static void uart_dump(struct vmm_device *d)
{
	struct uart16550 *u = to_uart(d);
	kprintf("uart16550 at %#x: scratch %#x\n", u->base, u->scratch);
}

static void uart_teardown(struct vmm_device *d)
{
	kfree(to_uart(d));
}

static const struct vmm_device_ops uart_ops = {
	.name = "uart16550", .reset = uart_reset, .read = uart_read, .write = uart_write,
	.dump = uart_dump, .teardown = uart_teardown,
};

int uart16550_attach(struct vm *vm, u16 base)
{
	struct uart16550 *u = kzalloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->dev.ops = &uart_ops;
	u->base = base;
	int r = vm_attach_device(vm, &u->dev, true, base, UART_NR_PORTS);
	if (r)
		kfree(u);
	return r;
}
