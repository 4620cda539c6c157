/* vmm/dev/fwcfg.c - fw_cfg for a PC guest, as QEMU offers it on x86:
 * ports FW_CFG_PORT_SEL (a 16-bit write selects an item) and
 * FW_CFG_PORT_DATA (each byte read returns the next byte of it), over
 * the model of vmm/dev/fwcfg_core.c.  Items: the signature "QEMU", the
 * ID (no DMA), RAM size (key 0x03) and the CPU count (key 0x05, which
 * kvm-unit-tests reads at every boot to start its APs); any other key and
 * every byte past an item's end read 0.  Attached by vmm/dev/pc.c. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/fwcfg_core.h"
#include "hw/fw_cfg.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

struct fwcfg {
	struct vmm_device dev;
	spinlock_t lock;	/* the vCPUs of a VM share the selector */
	struct fwcfg_core core;
};

static struct fwcfg *to_fwcfg(struct vmm_device *d)
{
	return container_of(d, struct fwcfg, dev);
}

static void fwcfg_reset(struct vmm_device *d)
{
	struct fwcfg *f = to_fwcfg(d);
	u64 fl = spin_lock_irqsave(&f->lock);
	fwcfg_core_init(&f->core, d->vm->ram_size, (u16)d->vm->nvcpus, (u16)d->vm->nvcpus);
	spin_unlock_irqrestore(&f->lock, fl);
}

static u64 fwcfg_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct fwcfg *f = to_fwcfg(d);
	u64 val = 0;
	if (port != FW_CFG_PORT_DATA)
		return 0;	/* the selector port reads nothing */
	/* The data port is a byte port; a wider read takes the next bytes,
	 * lowest first, as QEMU splits it. */
	u64 fl = spin_lock_irqsave(&f->lock);
	for (u32 i = 0; i < size; i++)
		val |= (u64)fwcfg_core_read(&f->core) << (i * 8);
	spin_unlock_irqrestore(&f->lock, fl);
	return val;
}

static void fwcfg_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct fwcfg *f = to_fwcfg(d);
	u64 fl = spin_lock_irqsave(&f->lock);
	if (port == FW_CFG_PORT_SEL && size == 2)
		fwcfg_core_select(&f->core, (u16)val);
	else if (port == FW_CFG_PORT_DATA)
		fwcfg_core_write(&f->core, (u8)val);
	/* a byte write of the selector is not an interface QEMU offers: dropped */
	spin_unlock_irqrestore(&f->lock, fl);
}

static void fwcfg_dump(struct vmm_device *d)
{
	struct fwcfg *f = to_fwcfg(d);
	kprintf("fw_cfg: selector %#x offset %u of %u\n", f->core.selector, f->core.offset,
		f->core.cur.len);
}

static void fwcfg_teardown(struct vmm_device *d)
{
	kfree(to_fwcfg(d));
}

static const struct vmm_device_ops fwcfg_ops = {
	.name = "fw_cfg", .reset = fwcfg_reset, .read = fwcfg_read, .write = fwcfg_write,
	.dump = fwcfg_dump, .teardown = fwcfg_teardown,
};

int fwcfg_attach(struct vm *vm)
{
	struct fwcfg *f = kzalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->dev.ops = &fwcfg_ops;
	spin_lock_init(&f->lock, "fw_cfg");
	int r = vm_attach_device(vm, &f->dev, true, FW_CFG_PORT_SEL, 2);
	if (r)
		kfree(f);
	return r;
}
