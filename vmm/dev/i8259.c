/* vmm/dev/i8259.c - the PC's two 8259A interrupt controllers as a stub
 * that a guest can program but that never interrupts: ports 0x20-0x21
 * (master) and 0xa0-0xa1 (slave) follow the initialization sequence
 * (ICW1, then ICW2, ICW3 unless single, ICW4 if ICW1 asked for it) and
 * take OCW1-3 afterwards; the IMR reads back what OCW1 wrote, so
 * `outb(0xff, 0x21)` masks as guests expect.  IRR and ISR read 0 and poll
 * mode says "no interrupt".  Interrupts of a PC guest come through the
 * I/O APIC (vmm/irq.h); ExtINT delivery through a local APIC's LINT0 is
 * not modelled, so a guest that unmasks the 8259 and relies on it gets
 * nothing.  Register rules: the Intel 8259A datasheet.  Attached by
 * vmm/dev/pc.c for PC guests only. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "hw/i8259.h"
#include "kernel/printk.h"
#include "mm/kmem.h"

/* Command-port bits (8259A datasheet, "Initialization Command Words" and
 * "Operation Command Words"). */
#define ICW1_IC4	0x01	/* ICW4 follows */
#define ICW1_SNGL	0x02	/* single: no ICW3 */
#define ICW1_INIT	0x10	/* this command-port write is ICW1 */
#define OCW3_SEL	0x08	/* with bit 4 clear: OCW3, not OCW2 */
#define OCW3_POLL	0x04
#define OCW3_RR		0x02	/* read register command valid ... */
#define OCW3_RIS	0x01	/* ... 1: ISR, 0: IRR */

enum pic_step { PIC_READY = 0, PIC_ICW2, PIC_ICW3, PIC_ICW4 };

struct pic {
	u8 imr;
	u8 icw1, vector_base, icw3, icw4;
	u8 step;		/* enum pic_step: the next data-port write's meaning */
	bool read_isr;		/* OCW3: command-port reads return ISR (else IRR) */
	bool poll;		/* OCW3 poll command pending for the next read */
};

struct i8259 {
	struct vmm_device dev;
	spinlock_t lock;
	struct pic pic[2];	/* master, slave */
	u64 ocw2_writes;	/* EOIs and priority commands: nothing to do */
};

static struct i8259 *to_i8259(struct vmm_device *d)
{
	return container_of(d, struct i8259, dev);
}

static void pic_reset_one(struct pic *p)
{
	*p = (struct pic){ .step = PIC_READY };
}

static void i8259_reset(struct vmm_device *d)
{
	struct i8259 *c = to_i8259(d);
	pic_reset_one(&c->pic[0]);
	pic_reset_one(&c->pic[1]);
}

static void pic_cmd_write(struct i8259 *c, struct pic *p, u8 val)
{
	if (val & ICW1_INIT) {
		/* ICW1 clears the IMR and starts the sequence. */
		p->icw1 = val;
		p->imr = 0;
		p->read_isr = false;
		p->poll = false;
		p->step = PIC_ICW2;
	} else if (val & OCW3_SEL) {
		if (val & OCW3_RR)
			p->read_isr = val & OCW3_RIS;
		p->poll = val & OCW3_POLL;
	} else {
		c->ocw2_writes++;	/* EOI / rotation: no ISR bit is ever set */
	}
}

static void pic_data_write(struct pic *p, u8 val)
{
	switch (p->step) {
	case PIC_ICW2:
		p->vector_base = val & 0xf8;
		p->step = (p->icw1 & ICW1_SNGL) ? (p->icw1 & ICW1_IC4 ? PIC_ICW4 : PIC_READY)
						: PIC_ICW3;
		break;
	case PIC_ICW3:
		p->icw3 = val;
		p->step = p->icw1 & ICW1_IC4 ? PIC_ICW4 : PIC_READY;
		break;
	case PIC_ICW4:
		p->icw4 = val;
		p->step = PIC_READY;
		break;
	default:
		p->imr = val;	/* OCW1 */
		break;
	}
}

static u8 pic_read(struct pic *p, bool data)
{
	if (p->poll) {
		p->poll = false;
		return 0;	/* poll word: bit 7 clear, nothing requesting */
	}
	if (data)
		return p->imr;
	return 0;		/* IRR or ISR: nothing is ever requested or in service */
}

static struct pic *pic_of(struct i8259 *c, u64 port)
{
	return &c->pic[(port & ~1ULL) == PIC2_CMD];
}

static u64 i8259_read(struct vmm_device *d, struct vcpu *v, u64 port, u32 size)
{
	struct i8259 *c = to_i8259(d);
	u64 f = spin_lock_irqsave(&c->lock);
	u8 val = pic_read(pic_of(c, port), port & 1);
	spin_unlock_irqrestore(&c->lock, f);
	return val;
}

static void i8259_write(struct vmm_device *d, struct vcpu *v, u64 port, u32 size, u64 val)
{
	struct i8259 *c = to_i8259(d);
	struct pic *p = pic_of(c, port);
	u64 f = spin_lock_irqsave(&c->lock);
	if (port & 1)
		pic_data_write(p, (u8)val);
	else
		pic_cmd_write(c, p, (u8)val);
	spin_unlock_irqrestore(&c->lock, f);
}

static void i8259_dump(struct vmm_device *d)
{
	struct i8259 *c = to_i8259(d);
	for (int i = 0; i < 2; i++)
		kprintf("8259 %s: IMR %#x vector base %#x ICW1 %#x ICW4 %#x step %u\n",
			i ? "slave" : "master", c->pic[i].imr, c->pic[i].vector_base,
			c->pic[i].icw1, c->pic[i].icw4, c->pic[i].step);
	kprintf("8259: %lu OCW2 writes (ignored: nothing is in service)\n", c->ocw2_writes);
}

static void i8259_teardown(struct vmm_device *d)
{
	kfree(to_i8259(d));
}

static const struct vmm_device_ops i8259_ops = {
	.name = "i8259", .reset = i8259_reset, .read = i8259_read, .write = i8259_write,
	.dump = i8259_dump, .teardown = i8259_teardown,
};

int i8259_attach(struct vm *vm)
{
	struct i8259 *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dev.ops = &i8259_ops;
	spin_lock_init(&c->lock, "i8259");
	int r = vm_attach_device(vm, &c->dev, true, PIC1_CMD, 2);
	if (r) {
		kfree(c);
		return r;
	}
	/* Attached: from here the VM's teardown frees it. */
	return vm_attach_range(vm, &c->dev, true, PIC2_CMD, 2);
}
