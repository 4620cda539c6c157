/* vmm/console.c - a VM's console: what the guest writes to its COM1
 * (vmm/dev/uart16550.c) or through HC_CONSOLE_WRITE, gathered into lines
 * and printed with the guest's name.  Under vm->lock: vCPUs of one VM
 * write to it at once. */
#include "vmm/vmm.h"
#include "kernel/printk.h"

static void con_flush(struct vm *vm)
{
	if (!vm->con_len)
		return;
	kprintf("[%s] %.*s\n", vm->cfg.name, (int)vm->con_len, vm->con_line);
	vm->con_len = 0;
}

void vm_console_putc(struct vm *vm, char c)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	if (c == '\n') {
		con_flush(vm);
	} else if (c != '\r') {
		if ((u8)c < 0x20 || (u8)c > 0x7e)
			c = '.';
		vm->con_line[vm->con_len++] = c;
		if (vm->con_len == sizeof(vm->con_line))
			con_flush(vm);
	}
	spin_unlock_irqrestore(&vm->lock, f);
}

void vm_console_flush(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	con_flush(vm);
	spin_unlock_irqrestore(&vm->lock, f);
}
