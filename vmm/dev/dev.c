/* vmm/dev/dev.c - attaching a device model to a VM (vmm/dev/dev.h). */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"

int vm_attach_device(struct vm *vm, struct vmm_device *d, bool pio, u64 base, u64 len)
{
	if (vm->ndevs == VM_MAX_DEVICES)
		return -ENOSPC;
	int r = vmm_bus_register(pio ? &vm->pio : &vm->mmio, base, len, d);
	if (r)
		return r;
	d->vm = vm;
	vm->devs[vm->ndevs++] = d;
	d->ops->reset(d);
	return 0;
}

int vm_attach_range(struct vm *vm, struct vmm_device *d, bool pio, u64 base, u64 len)
{
	if (d->vm != vm)
		return -EINVAL;
	return vmm_bus_register(pio ? &vm->pio : &vm->mmio, base, len, d);
}
