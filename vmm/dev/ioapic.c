/* vmm/dev/ioapic.c - a pc VM's I/O APIC (vmm/dev/ioapic.h).  Interrupt
 * lines reach it through vm_set_irq (vmm/irq.h). */
#include "vmm/vmm.h"
#include "vmm/irq.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/ioapic.h"
#include "vmm/dev/ioapic_core.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

struct vm_ioapic {
	struct vmm_device dev;
	spinlock_t lock;
	struct vioapic io;
	u64 msgs;		/* interrupt messages sent */
};

static struct vm_ioapic *to_ioapic(struct vmm_device *d)
{
	return container_of(d, struct vm_ioapic, dev);
}

/* Sends what one call produced, outside the lock (posting may kick). */
static void send_all(struct vm *vm, struct vm_ioapic *a, const struct vioapic_out *out)
{
	for (u32 i = 0; i < out->n; i++)
		vm_apic_send(vm, NULL, &out->msg[i]);
	if (out->n)
		__atomic_fetch_add(&a->msgs, out->n, __ATOMIC_RELAXED);
}

static void ioapic_reset(struct vmm_device *d)
{
	struct vm_ioapic *a = to_ioapic(d);
	vioapic_init(&a->io, VM_IOAPIC_ID);
}

static u64 ioapic_read(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size)
{
	struct vm_ioapic *a = to_ioapic(d);
	u64 f = spin_lock_irqsave(&a->lock);
	u32 val = vioapic_mmio_read(&a->io, (u32)(gpa - VM_IOAPIC_GPA));
	spin_unlock_irqrestore(&a->lock, f);
	return val;
}

static void ioapic_write(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	struct vm_ioapic *a = to_ioapic(d);
	struct vioapic_out out;
	u64 f = spin_lock_irqsave(&a->lock);
	vioapic_mmio_write(&a->io, (u32)(gpa - VM_IOAPIC_GPA), (u32)val, &out);
	spin_unlock_irqrestore(&a->lock, f);
	send_all(d->vm, a, &out);
}

static void ioapic_dump(struct vmm_device *d)
{
	struct vm_ioapic *a = to_ioapic(d);
	kprintf("ioapic: lines %#x, %lu messages sent\n", a->io.line, a->msgs);
	for (u32 p = 0; p < IOAPIC_CORE_PINS; p++)
		if (!(a->io.rte[p] & IOAPIC_RTE_MASKED) || (a->io.line & (1u << p)))
			kprintf("  pin %u: %#lx\n", p, a->io.rte[p]);
}

static void ioapic_teardown(struct vmm_device *d)
{
	d->vm->ioapic = NULL;
	kfree(to_ioapic(d));
}

static const struct vmm_device_ops ioapic_ops = {
	.name = "ioapic", .reset = ioapic_reset, .read = ioapic_read, .write = ioapic_write,
	.dump = ioapic_dump, .teardown = ioapic_teardown,
};

int vm_ioapic_attach(struct vm *vm)
{
	struct vm_ioapic *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->dev.ops = &ioapic_ops;
	spin_lock_init(&a->lock, "ioapic");
	int r = vm_attach_device(vm, &a->dev, false, VM_IOAPIC_GPA, 0x1000);
	if (r) {
		kfree(a);
		return r;
	}
	vm->ioapic = &a->dev;
	return 0;
}

int vm_set_irq(struct vm *vm, u32 gsi, bool asserted)
{
	if (gsi >= IOAPIC_CORE_PINS)
		return -EINVAL;
	if (!vm->ioapic)
		return 0;	/* a bare VM: the line goes nowhere */
	struct vm_ioapic *a = to_ioapic(vm->ioapic);
	struct vioapic_out out;
	u64 f = spin_lock_irqsave(&a->lock);
	vioapic_set_irq(&a->io, gsi, asserted, &out);
	spin_unlock_irqrestore(&a->lock, f);
	send_all(vm, a, &out);
	return 0;
}

void vm_ioapic_eoi(struct vm *vm, u8 vector)
{
	if (!vm->ioapic)
		return;
	struct vm_ioapic *a = to_ioapic(vm->ioapic);
	struct vioapic_out out;
	u64 f = spin_lock_irqsave(&a->lock);
	vioapic_eoi(&a->io, vector, &out);
	spin_unlock_irqrestore(&a->lock, f);
	send_all(vm, a, &out);
}
