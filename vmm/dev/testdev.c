/* vmm/dev/testdev.c - the MMIO page a guest may touch for benchmarks: each
 * access exits (nested page fault) and is emulated; loads read the pattern
 * 0x5a5a..., stores are dropped.  No state. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

#define TESTDEV_PATTERN	0x5a5a5a5a5a5a5a5aULL

static void testdev_reset(struct vmm_device *d)
{
}

static u64 testdev_read(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size)
{
	return size >= 8 ? TESTDEV_PATTERN : TESTDEV_PATTERN & ((1ULL << (size * 8)) - 1);
}

static void testdev_write(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size, u64 val)
{
}

static void testdev_dump(struct vmm_device *d)
{
	kprintf("testdev: no state\n");
}

static void testdev_teardown(struct vmm_device *d)
{
	kfree(d);
}

static const struct vmm_device_ops testdev_ops = {
	.name = "testdev", .reset = testdev_reset, .read = testdev_read, .write = testdev_write,
	.dump = testdev_dump, .teardown = testdev_teardown,
};

int testdev_attach(struct vm *vm, u64 gpa)
{
	struct vmm_device *d = kzalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ops = &testdev_ops;
	int r = vm_attach_device(vm, d, false, gpa, 4096);
	if (r)
		kfree(d);
	return r;
}
