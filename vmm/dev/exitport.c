/* vmm/dev/exitport.c - the exit port of a PC guest, in the style of
 * QEMU's isa-debug-exit: a write of v (any width, at any of its 4 ports)
 * stops the VM with exit status v, zero-extended from the access's width,
 * which the harness's expect=exit:N checks like an HC_EXIT status.  Reads
 * return 0.  kvm-unit-tests end with outl(code, 0xf4).  Attached by
 * vmm/dev/pc.c; svmhv's own (bare) guests do not get it. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

#define EXITPORT_LEN	4

struct exitport {
	struct vmm_device dev;
	u16 port;
	u32 fired;		/* set by the first write */
};

static void exitport_reset(struct vmm_device *d)
{
}

static u64 exitport_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	return 0;
}

static void exitport_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct exitport *e = container_of(d, struct exitport, dev);
	struct vm *vm = d->vm;
	/* The first write wins: a second vCPU's must not change the status
	 * the first one's stop reports. */
	if (__atomic_exchange_n(&e->fired, 1, __ATOMIC_ACQ_REL) || vm->stop != STOP_NONE)
		return;
	vm->exit_status = (s64)val;
	vm_console_flush(vm);
	vm_request_stop(vm, STOP_EXIT_PORT, "exit:%lu, exit port write of %lu (vCPU %u, port %#lx)",
			val, val, v->index, port);
}

static void exitport_dump(struct vmm_device *d)
{
	struct exitport *e = container_of(d, struct exitport, dev);
	kprintf("exit port at %#x: no state\n", e->port);
}

static void exitport_teardown(struct vmm_device *d)
{
	kfree(container_of(d, struct exitport, dev));
}

static const struct vmm_device_ops exitport_ops = {
	.name = "exitport", .reset = exitport_reset, .read = exitport_read,
	.write = exitport_write, .dump = exitport_dump, .teardown = exitport_teardown,
};

int exitport_attach(struct vm *vm, u16 port)
{
	struct exitport *e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->dev.ops = &exitport_ops;
	e->port = port;
	int r = vm_attach_device(vm, &e->dev, true, port, EXITPORT_LEN);
	if (r)
		kfree(e);
	return r;
}
