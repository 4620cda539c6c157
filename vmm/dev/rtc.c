/* vmm/dev/rtc.c - a pc VM's real-time clock and CMOS RAM on ports 0x70
 * (index; bit 7, the PC's NMI mask, is accepted and ignored: svmhv sends
 * no NMIs from the platform) and 0x71 (data), over the pure model of
 * vmm/dev/rtc_core.c.  Its time source is the host's time of day
 * (drivers/rtc.c: the host's CMOS clock read at boot, carried forward by
 * the TSC), so a guest starts with the host's date and time, in UTC.
 *
 * Register C's flags follow time as it passes and can be polled; IRQ 8 is
 * not raised (no timer drives the line): a guest that enables the update,
 * alarm or periodic interrupt and waits for it waits in vain, as
 * docs/pc-platform.md says.  Attached by vmm/dev/pc.c. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/rtc_core.h"
#include "drivers/rtc.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

struct rtc_dev {
	struct vmm_device dev;
	spinlock_t lock;
	u8 index;
	struct rtc_core core;
};

static struct rtc_dev *to_rtc(struct vmm_device *d)
{
	return container_of(d, struct rtc_dev, dev);
}

static u64 rtc_now(void)
{
	return rtc_host_time_ns(rdtsc());
}

static void rtc_dev_reset(struct vmm_device *d)
{
	struct rtc_dev *r = to_rtc(d);
	r->index = 0;
	rtc_core_init(&r->core, d->vm->ram_size, d->vm->nvcpus, rtc_now());
}

static u64 rtc_dev_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct rtc_dev *r = to_rtc(d);
	if (port != RTC_PORT_DATA)
		return 0xff;		/* the index port is write-only */
	u64 f = spin_lock_irqsave(&r->lock);
	u8 val = rtc_core_read(&r->core, r->index, rtc_now());
	spin_unlock_irqrestore(&r->lock, f);
	return val;
}

static void rtc_dev_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct rtc_dev *r = to_rtc(d);
	u64 f = spin_lock_irqsave(&r->lock);
	if (port == RTC_PORT_INDEX)
		r->index = (u8)val & RTC_INDEX_MASK;
	else
		rtc_core_write(&r->core, r->index, (u8)val, rtc_now());
	spin_unlock_irqrestore(&r->lock, f);
}

static void rtc_dev_dump(struct vmm_device *d)
{
	struct rtc_dev *r = to_rtc(d);
	kprintf("rtc: index %#x, A %#x B %#x, guest time %ld s since the epoch\n", r->index,
		r->core.cmos[RTC_REG_A], r->core.cmos[RTC_REG_B],
		rtc_core_guest_ns(&r->core, rtc_now()) / 1000000000);
}

static void rtc_dev_teardown(struct vmm_device *d)
{
	kfree(to_rtc(d));
}

static const struct vmm_device_ops rtc_dev_ops = {
	.name = "rtc", .reset = rtc_dev_reset, .read = rtc_dev_read, .write = rtc_dev_write,
	.dump = rtc_dev_dump, .teardown = rtc_dev_teardown,
};

int rtc_attach(struct vm *vm)
{
	struct rtc_dev *r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->dev.ops = &rtc_dev_ops;
	r->dev.vm = vm;
	spin_lock_init(&r->lock, "rtc");
	rtc_dev_reset(&r->dev);
	int e = vm_attach_device(vm, &r->dev, true, RTC_PORT_INDEX, 2);
	if (e)
		kfree(r);
	return e;
}
