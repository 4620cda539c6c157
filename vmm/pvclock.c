/* vmm/pvclock.c - KVM's paravirtual clock for a pc VM (hw/kvm_para.h,
 * offered in CPUID 0x40000101 by vmm/cpuid.c): the wall-clock and
 * system-time MSRs and the structures they point at in guest RAM.
 *
 * The VM has one clock: 0 ns at the host TSC value taken at its creation
 * (vm->pvclock.ref_tsc), counting at the host's TSC rate (tsc_hz, the rate
 * every vCPU's TSC runs at: svmhv does not scale TSCs).  A vCPU's
 * structure depends only on that and on its TSC offset, so it is written
 * when the guest enables it and again when the vCPU's TSC offset changes
 * (a WRMSR to the TSC, vmm/msr.c) - never on the exit path.  A vCPU moving
 * to another physical CPU needs nothing: svmhv keeps the host TSCs as one
 * clock already (drivers/timer.h; the run loop's time limit, the virtual
 * timers and the PM timer all read whichever CPU's TSC they run on), so
 * its guest TSC and its structure stay right.  PVCLOCK_TSC_STABLE_BIT and
 * KVM_FEATURE_CLOCKSOURCE_STABLE_BIT are offered only when the host says
 * its TSC is invariant (CPUID 0x80000007 EDX[8]; QEMU's TCG does not).
 *
 * A GPA whose structure is not wholly in the VM's RAM is refused with
 * #GP and the MSR keeps its old value (KVM ignores such a write and
 * simply never updates anything; a #GP tells the guest at once).  The
 * wall clock is written once per write of its MSR, as msr.rst says. */
#include "vmm/vmm.h"
#include "vmm/pvclock_core.h"
#include "hw/kvm_para.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "drivers/timer.h"
#include "drivers/rtc.h"
#include "lib/string.h"

void pvclock_vm_init(struct vm *vm)
{
	struct vm_pvclock *p = &vm->pvclock;
	struct pvclock_scale s;
	p->ref_tsc = rdtsc();
	p->usable = pvclock_scale_for_hz(tsc_hz, &s) == 0;
	p->mul = s.mul;
	p->shift = s.shift;
	p->stable = cpu_info.has_invariant_tsc;
	if (!p->usable)
		pr_warn("guest %s: TSC rate %lu Hz out of the paravirtual clock's range; "
			"KVM clock not offered\n", vm->cfg.name, tsc_hz);
}

u32 pvclock_cpuid_features(const struct vm *vm)
{
	if (!vm->pvclock.usable)
		return 0;
	return KVM_FEATURE_CLOCKSOURCE2 | (vm->pvclock.stable ? KVM_FEATURE_CLOCKSOURCE_STABLE_BIT : 0);
}

/* The version protocol: odd while the fields change, even after. */
static void pvclock_store_time(struct vcpu *v, struct pvclock_vcpu_time_info *g)
{
	struct vm_pvclock *p = &v->vm->pvclock;
	struct pvclock_scale s = { .mul = p->mul, .shift = p->shift };
	struct pvclock_vcpu_time_info t;
	pvclock_fill(&t, p->ref_tsc, vmm_backend->get_reg(v, VMM_REG_TSC_OFFSET), &s, p->stable);
	u32 ver = v->pvclock_version;
	WRITE_ONCE(g->version, ver + 1);
	barrier();	/* x86 keeps stores in order; the compiler must too */
	memcpy((u8 *)g + 4, (const u8 *)&t + 4, sizeof(t) - 4);
	barrier();
	WRITE_ONCE(g->version, ver + 2);
	v->pvclock_version = ver + 2;
}

static void pvclock_update(struct vcpu *v)
{
	if (!(v->pvclock_msr & KVM_SYSTEM_TIME_ENABLE))
		return;
	struct pvclock_vcpu_time_info *g = vm_gpa_to_host(v->vm, v->pvclock_msr & ~KVM_SYSTEM_TIME_ENABLE,
							  sizeof(*g));
	if (g)		/* checked when the MSR was written */
		pvclock_store_time(v, g);
}

void pvclock_tsc_changed(struct vcpu *v)
{
	pvclock_update(v);
}

static bool pvclock_wall_write(struct vcpu *v, u64 gpa)
{
	struct vm *vm = v->vm;
	struct pvclock_wall_clock *g = vm_gpa_to_host(vm, gpa, sizeof(*g));
	if (!g)
		return false;
	struct pvclock_wall_clock w;
	/* The time of day when the VM's clock read 0. */
	pvclock_wall_fill(&w, rtc_host_time_ns(vm->pvclock.ref_tsc));
	u64 f = spin_lock_irqsave(&vm->lock);
	u32 ver = vm->pvclock.wall_version;
	WRITE_ONCE(g->version, ver + 1);
	barrier();
	WRITE_ONCE(g->sec, w.sec);
	WRITE_ONCE(g->nsec, w.nsec);
	barrier();
	WRITE_ONCE(g->version, ver + 2);
	vm->pvclock.wall_version = ver + 2;
	vm->pvclock.wall_msr = gpa;
	spin_unlock_irqrestore(&vm->lock, f);
	return true;
}

static bool pvclock_time_write(struct vcpu *v, u64 val)
{
	if ((val & KVM_SYSTEM_TIME_ENABLE) &&
	    !vm_gpa_to_host(v->vm, val & ~KVM_SYSTEM_TIME_ENABLE, sizeof(struct pvclock_vcpu_time_info)))
		return false;
	v->pvclock_msr = val;
	pvclock_update(v);
	return true;
}

bool pvclock_msr(struct vcpu *v, u32 msr, bool write, u64 *val, bool *gp)
{
	if (msr != MSR_KVM_WALL_CLOCK_NEW && msr != MSR_KVM_SYSTEM_TIME_NEW)
		return false;
	if (!v->vm->pvclock.usable) {
		*gp = true;	/* not offered in CPUID: no such MSR */
		return true;
	}
	if (!write)
		*val = msr == MSR_KVM_WALL_CLOCK_NEW ? v->vm->pvclock.wall_msr : v->pvclock_msr;
	else if (msr == MSR_KVM_WALL_CLOCK_NEW)
		*gp = !pvclock_wall_write(v, *val);
	else
		*gp = !pvclock_time_write(v, *val);
	return true;
}
