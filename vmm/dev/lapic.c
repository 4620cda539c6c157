/* vmm/dev/lapic.c - a pc VM's local APICs (vmm/dev/lapic.h): the pure
 * core's register rules (lapic_core.c, lapic_timer.c) wired to the MMIO
 * bus, the APIC MSRs, the vCPU's timer queue and the APIC bus. */
#include "vmm/vmm.h"
#include "vmm/irq.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/lapic_core.h"
#include "vmm/dev/ioapic.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "drivers/timer.h"
#include "mm/kmem.h"

struct vcpu_lapic {
	struct vlapic l;
	struct vtimer timer;
	struct vcpu *v;
};

/* The guest's TSC and the host's differ by the vCPU's TSC offset. */
static s64 tsc_offset(struct vcpu *v)
{
	return (s64)vmm_backend->get_reg(v, VMM_REG_TSC_OFFSET);
}

static u64 guest_now(struct vcpu *v)
{
	return rdtsc() + (u64)tsc_offset(v);
}

/* The timer's next expiry onto the vCPU's timer queue, in host TSC. */
static void timer_sync(struct vcpu *v)
{
	struct vcpu_lapic *a = v->lapic;
	u64 t;
	if (vlapic_timer_next(&a->l, &t))
		vtimer_arm(&v->timers, &a->timer, t - (u64)tsc_offset(v));
	else
		vtimer_cancel(&v->timers, &a->timer);
}

static void timer_fire(struct vtimer *t, u64 now)
{
	struct vcpu_lapic *a = container_of(t, struct vcpu_lapic, timer);
	struct vcpu *v = a->v;
	vlapic_timer_expire(&a->l, now + (u64)tsc_offset(v));
	timer_sync(v);
	vcpu_irq_update(v);
}

/* What a register write asks for: an IPI, a level EOI for the I/O APIC, a
 * reprogrammed timer; and the vector to offer may have changed. */
static void act(struct vcpu *v, const struct vlapic_result *res)
{
	if (res->ipi)
		vm_apic_send(v->vm, v, &res->msg);
	if (res->eoi && res->eoi_level)
		vm_ioapic_eoi(v->vm, res->eoi_vector);
	if (res->timer)
		timer_sync(v);
	vcpu_irq_update(v);
}

/* ---- the xAPIC page ----
 *
 * Each vCPU's page is where its own IA32_APIC_BASE puts it (v->apic_page,
 * kept by apic_page_sync): the core routes an access there to this vCPU's
 * APIC before it looks at the VM's bus (vcpu_mmio_claimed, handle_mmio).
 * The default page 0xfee00000 is also on the VM's bus, so that a vCPU
 * whose APIC is off, in x2APIC mode or moved elsewhere reads all ones
 * there and its writes are dropped, as the bus does with no APIC behind
 * the address; a vCPU's page moved into guest RAM is not modelled (RAM
 * answers). */
static void apic_page_sync(struct vcpu *v)
{
	const struct vlapic *l = &v->lapic->l;
	u64 page = vlapic_xapic_mode(l) ? vlapic_mmio_base(l) : VCPU_NO_APIC_PAGE;
	if (page != VCPU_NO_APIC_PAGE && page != LAPIC_DEFAULT_BASE && page < v->vm->ram_size) {
		pr_warn("guest %s: vCPU %u moved its APIC page to %#lx, inside its RAM: not modelled, "
			"RAM answers there\n", v->vm->cfg.name, v->index, page);
	}
	WRITE_ONCE(v->apic_page, page);
}

u64 vcpu_lapic_mmio_read(struct vcpu *v, u64 gpa, u32 size)
{
	struct vcpu_lapic *a = v->lapic;
	if (!a || !vcpu_apic_page_hit(v, gpa))
		return ~0ULL;
	u32 off = (u32)(gpa & 0xfff);
	u32 val = vlapic_mmio_read(&a->l, off & ~3u, guest_now(v));
	/* The registers are 32 bits wide: narrower reads see part of one. */
	return (u64)(val >> ((off & 3) * 8));
}

void vcpu_lapic_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	struct vcpu_lapic *a = v->lapic;
	if (!a || !vcpu_apic_page_hit(v, gpa))
		return;
	u32 off = (u32)(gpa & 0xfff);
	if (off & 3)
		return;		/* only aligned 32-bit writes reach a register */
	struct vlapic_result res;
	vlapic_mmio_write(&a->l, off, (u32)val, guest_now(v), &res);
	act(v, &res);
}

static void page_reset(struct vmm_device *d)
{
}

static u64 page_read(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size)
{
	return vcpu_lapic_mmio_read(v, gpa, size);
}

static void page_write(struct vmm_device *d, struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	vcpu_lapic_mmio_write(v, gpa, size, val);
}

/* Appends the non-zero words of a 256-bit register set, as " word:bits";
 * a full buffer cuts the text short. */
static u32 dump_vecs(char *buf, u32 at, u32 size, const char *name, const u32 *w)
{
	at = MIN(at + (u32)ksnprintf(buf + at, size - at, " %s", name), size - 1);
	bool any = false;
	for (u32 i = 0; i < LAPIC_VEC_REGS; i++)
		if (w[i]) {
			at = MIN(at + (u32)ksnprintf(buf + at, size - at, " %u:%08x", i, w[i]), size - 1);
			any = true;
		}
	if (!any)
		at = MIN(at + (u32)ksnprintf(buf + at, size - at, " -"), size - 1);
	return at;
}

static void page_dump(struct vmm_device *d)
{
	struct vm *vm = d->vm;
	for (u32 i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpus[i];
		if (!v || !v->lapic)
			continue;
		const struct vlapic *l = &v->lapic->l;
		char vecs[3 * (5 + 8 * 12) + 1];
		u32 at = dump_vecs(vecs, 0, sizeof(vecs), "irr", l->irr);
		at = dump_vecs(vecs, at, sizeof(vecs), "isr", l->isr);
		dump_vecs(vecs, at, sizeof(vecs), "tmr", l->tmr);
		kprintf("lapic %s/%u: id %u base %#lx svr %#x tpr %#x ppr %#x lvt-timer %#x tmict %u;%s\n",
			vm->cfg.name, i, l->id, l->apic_base, l->svr, l->tpr, vlapic_ppr(l),
			l->lvt[LAPIC_LVT_IDX_TIMER], l->tmict, vecs);
	}
}

static void page_teardown(struct vmm_device *d)
{
	kfree(d);
}

static const struct vmm_device_ops lapic_page_ops = {
	.name = "lapic", .reset = page_reset, .read = page_read, .write = page_write,
	.dump = page_dump, .teardown = page_teardown,
};

int vm_lapic_attach(struct vm *vm)
{
	struct vmm_device *d = kzalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ops = &lapic_page_ops;
	int r = vm_attach_device(vm, d, false, LAPIC_DEFAULT_BASE, LAPIC_MMIO_SIZE);
	if (r)
		kfree(d);
	return r;
}

int vcpu_lapic_create(struct vcpu *v)
{
	struct vcpu_lapic *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	struct vlapic_config cfg = {
		.apic_id = v->index,
		.bsp = v->index == 0,
		.x2apic = !v->vm->cfg.no_x2apic,
		.tsc_deadline = true,
		.maxphyaddr = (u8)(cpu_info.phys_addr_bits ? cpu_info.phys_addr_bits : 48),
		.tsc_hz = tsc_hz,
		.timer_hz = VLAPIC_TIMER_HZ,
	};
	vlapic_init(&a->l, &cfg);
	vtimer_init(&a->timer, timer_fire);
	a->v = v;
	v->lapic = a;
	apic_page_sync(v);
	return 0;
}

void vcpu_lapic_free(struct vcpu *v)
{
	kfree(v->lapic);
	v->lapic = NULL;
	v->apic_page = VCPU_NO_APIC_PAGE;
}

void vcpu_lapic_init_reset(struct vcpu *v)
{
	vlapic_init_reset(&v->lapic->l);
	apic_page_sync(v);
	timer_sync(v);
	vcpu_irq_update(v);
}

bool vcpu_lapic_msr(struct vcpu *v, struct vmm_exit_msr *m, bool *gp)
{
	struct vcpu_lapic *a = v->lapic;
	u32 msr = m->index;
	*gp = false;
	if (!a)
		return false;
	struct vlapic *l = &a->l;
	struct vlapic_result res = { 0 };
	if (msr == MSR_APIC_BASE) {
		if (!m->write) {
			m->value = vlapic_apic_base(l);
			return true;
		}
		if (vlapic_set_apic_base(l, m->value, guest_now(v)))
			*gp = true;
		apic_page_sync(v);
		timer_sync(v);
		vcpu_irq_update(v);
		return true;
	}
	if (msr == MSR_TSC_DEADLINE) {
		if (m->write) {
			vlapic_tsc_deadline_write(l, m->value, guest_now(v), &res);
			act(v, &res);
		} else {
			m->value = vlapic_tsc_deadline_read(l, guest_now(v));
		}
		return true;
	}
	if (msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_LAST)
		return false;
	if (m->write) {
		*gp = vlapic_msr_write(l, msr, m->value, guest_now(v), &res) != 0;
		if (!*gp)
			act(v, &res);
	} else {
		*gp = vlapic_msr_read(l, msr, guest_now(v), &m->value) != 0;
	}
	return true;
}

void vcpu_lapic_accept_fixed(struct vcpu *v, u8 vector, bool level)
{
	struct apic_msg m = { .vector = vector, .delivery = APIC_DM_FIXED, .level = level,
			      .assert = true };
	vlapic_accept(&v->lapic->l, &m);
}

/* TPR included: QEMU 7.2's SVM takes a V_IRQ whose class equals V_TPR
 * (the APM holds it back), so a vector TPR holds is not offered at all;
 * the CR8 write that may let it in exits (irq.tpr_held, svm/run.c). */
int vcpu_lapic_offer(struct vcpu *v)
{
	return vlapic_pending_vector(&v->lapic->l);
}

bool vcpu_lapic_tpr_holds(struct vcpu *v)
{
	return vlapic_tpr_holds(&v->lapic->l);
}

bool vcpu_lapic_deliverable(struct vcpu *v)
{
	return vlapic_pending_vector(&v->lapic->l) >= 0;
}

void vcpu_lapic_ack(struct vcpu *v, u8 vector)
{
	vlapic_ack(&v->lapic->l, vector);
}

bool vcpu_lapic_targets(struct vcpu *v, const struct apic_msg *m, bool self)
{
	return vlapic_msg_targets(&v->lapic->l, m, self);
}

u32 vcpu_lapic_id(struct vcpu *v)
{
	return v->lapic->l.id;
}

u32 vcpu_lapic_ppr(struct vcpu *v)
{
	return vlapic_ppr(&v->lapic->l);
}

void vcpu_lapic_set_cr8(struct vcpu *v, u8 cr8)
{
	vlapic_set_tpr(&v->lapic->l, (u32)(cr8 & 0xf) << 4);
	vcpu_irq_update(v);
}

u8 vcpu_lapic_cr8(struct vcpu *v)
{
	return (u8)(vlapic_tpr(&v->lapic->l) >> 4);
}

bool vcpu_lapic_enabled(struct vcpu *v)
{
	return vlapic_hw_enabled(&v->lapic->l);
}

bool vcpu_lapic_has_x2apic(struct vcpu *v)
{
	return v->lapic->l.cfg.x2apic;
}
