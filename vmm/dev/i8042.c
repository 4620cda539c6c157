/* vmm/dev/i8042.c - a pc VM's keyboard controller on ports 0x60 and 0x64,
 * over vmm/dev/i8042_core.c: there so that the PC's oldest way to reset,
 * `outb(0xfe, 0x64)` (Linux's reboot=k, many boot loaders), works.  A
 * reset stops the VM with STOP_RESET, as the ACPI reset register does
 * (vmm/dev/acpi.c): a VM reset is not modelled.  No keyboard or mouse is
 * behind it, and the FADT keeps saying there is no 8042, so an OS does
 * not look for one.  Attached by vmm/dev/pc.c. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/i8042_core.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

struct i8042_dev {
	struct vmm_device dev;
	spinlock_t lock;
	struct i8042_core core;
};

static struct i8042_dev *to_i8042(struct vmm_device *d)
{
	return container_of(d, struct i8042_dev, dev);
}

static void i8042_dev_reset(struct vmm_device *d)
{
	i8042_core_init(&to_i8042(d)->core);
}

static u64 i8042_dev_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct i8042_dev *k = to_i8042(d);
	u64 f = spin_lock_irqsave(&k->lock);
	u8 val = port == I8042_PORT_STATUS ? i8042_core_status(&k->core) : i8042_core_read_data(&k->core);
	spin_unlock_irqrestore(&k->lock, f);
	return val;
}

static void i8042_dev_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct i8042_dev *k = to_i8042(d);
	u64 f = spin_lock_irqsave(&k->lock);
	enum i8042_action act = port == I8042_PORT_CMD ? i8042_core_write_cmd(&k->core, (u8)val)
						       : i8042_core_write_data(&k->core, (u8)val);
	spin_unlock_irqrestore(&k->lock, f);
	if (act == I8042_RESET) {
		vm_console_flush(d->vm);
		vm_request_stop(d->vm, STOP_RESET, "i8042 reset: %s %#lx by vCPU %u "
				"(VM reset is not modelled: stopped)",
				port == I8042_PORT_CMD ? "command" : "output port", val & 0xff, v->index);
	}
}

static void i8042_dev_dump(struct vmm_device *d)
{
	struct i8042_dev *k = to_i8042(d);
	kprintf("i8042: status %#x, command byte %#x, output port %#x\n",
		i8042_core_status(&k->core), k->core.ctr, k->core.out_port);
}

static void i8042_dev_teardown(struct vmm_device *d)
{
	kfree(to_i8042(d));
}

static const struct vmm_device_ops i8042_dev_ops = {
	.name = "i8042", .reset = i8042_dev_reset, .read = i8042_dev_read, .write = i8042_dev_write,
	.dump = i8042_dev_dump, .teardown = i8042_dev_teardown,
};

int i8042_attach(struct vm *vm)
{
	struct i8042_dev *k = kzalloc(sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->dev.ops = &i8042_dev_ops;
	spin_lock_init(&k->lock, "i8042");
	i8042_core_init(&k->core);
	int r = vm_attach_device(vm, &k->dev, true, I8042_PORT_DATA, 1);
	if (!r)
		r = vm_attach_range(vm, &k->dev, true, I8042_PORT_STATUS, 1);
	if (r && !k->dev.vm)
		kfree(k);
	return r;
}
