/* vmm/dev/pc_testdev.c - QEMU's pc-testdev on a pc VM's port bus
 * (hw/pc_testdev.h; the rules in pc_testdev_core.c): the scratch port at
 * 0xe0, the page flush at 0xe4 and the interrupt-line ports at 0x2000,
 * which drive the VM's I/O APIC pins through vm_set_irq.  kvm-unit-tests'
 * ioapic test raises and lowers its lines this way; eventinj flushes the
 * pages of its IDT and stack so that event delivery faults.
 *
 * A flush withdraws the page from the VM's nested page table: the next
 * access faults, and svm/exit.c (dec_npf) maps it back - the nearest thing
 * to QEMU's, which makes KVM fault it in again.  svmhv does not split a
 * 2 MiB mapping for it: such a page is left as it is (counted).  Only the
 * writer's cached translations are dropped; another vCPU may keep using
 * its own until its next flush, which changes nothing it can see.
 *
 * Attached to every pc VM by vmm/dev/pc.c: KUT's runner gives every test
 * the device, and a guest reaches only its own lines and pages with it. */
#include "vmm/vmm.h"
#include "vmm/irq.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/pc_testdev_core.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "mm/kmem.h"

struct pc_testdev {
	struct vmm_device dev;
	spinlock_t lock;		/* the scratch value: any vCPU */
	struct pctd_core core;
	u64 flushes, flushes_kept, line_writes;
};

static struct pc_testdev *to_td(struct vmm_device *d)
{
	return container_of(d, struct pc_testdev, dev);
}

static void pctd_reset(struct vmm_device *d)
{
	to_td(d)->core.data = 0;
}

static struct pctd_action pctd_do(struct vmm_device *d, u64 port, u32 size, bool write, u64 val)
{
	struct pc_testdev *t = to_td(d);
	u64 f = spin_lock_irqsave(&t->lock);
	struct pctd_action a = pctd_access(&t->core, (u16)port, size, write, val);
	spin_unlock_irqrestore(&t->lock, f);
	return a;
}

static u64 pctd_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	return pctd_do(d, port, size, false, 0).value;
}

static void pctd_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct pc_testdev *t = to_td(d);
	struct vm *vm = d->vm;
	struct pctd_action a = pctd_do(d, port, size, true, val);
	switch (a.kind) {
	case PCTD_FLUSH:
		if (a.gpa < vm->ram_size && !npt_set_present(&vm->npt, a.gpa, false)) {
			__atomic_fetch_add(&t->flushes, 1, __ATOMIC_RELAXED);
			vmm_backend->flush(v);
		} else {
			__atomic_fetch_add(&t->flushes_kept, 1, __ATOMIC_RELAXED);
		}
		break;
	case PCTD_IRQ:
		__atomic_fetch_add(&t->line_writes, 1, __ATOMIC_RELAXED);
		vm_set_irq(vm, a.gsi, a.level);
		break;
	case PCTD_NONE:
		break;
	}
}

static void pctd_dump(struct vmm_device *d)
{
	struct pc_testdev *t = to_td(d);
	kprintf("pc-testdev: scratch %#x; %lu line writes; %lu pages flushed, %lu left mapped "
		"(outside RAM or in a 2 MiB mapping)\n", t->core.data, t->line_writes, t->flushes,
		t->flushes_kept);
}

static void pctd_teardown(struct vmm_device *d)
{
	kfree(to_td(d));
}

static const struct vmm_device_ops pctd_ops = {
	.name = "pc-testdev", .reset = pctd_reset, .read = pctd_read, .write = pctd_write,
	.dump = pctd_dump, .teardown = pctd_teardown,
};

int pc_testdev_attach(struct vm *vm)
{
	struct pc_testdev *t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->dev.ops = &pctd_ops;
	spin_lock_init(&t->lock, "pc-testdev");
	int r = vm_attach_device(vm, &t->dev, true, PC_TESTDEV_PORT_DATA, PC_TESTDEV_DATA_LEN);
	if (!r)
		r = vm_attach_range(vm, &t->dev, true, PC_TESTDEV_PORT_FLUSH, PC_TESTDEV_FLUSH_LEN);
	if (!r)
		r = vm_attach_range(vm, &t->dev, true, PC_TESTDEV_PORT_IRQ, PC_TESTDEV_IRQ_LINES);
	if (r && !t->dev.vm)
		kfree(t);	/* never attached; once attached, the VM's teardown frees it */
	return r;
}
