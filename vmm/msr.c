/* vmm/msr.c - the MSRs a guest may read and write: EFER (SVME hidden), its
 * syscall, segment-base, SYSENTER and PAT state (kept by the backend,
 * reached through get_reg/set_reg), the TSC (a write sets the vCPU's TSC
 * offset), and the local APIC's (vmm/dev/lapic.c) on a pc VM, else a fixed
 * APIC base.
 * Anything else, or a value the CPU would refuse, raises #GP(0). */
#include "vmm/vmm.h"
#include "kernel/cpu.h"
#include "hw/lapic.h"
#include "vmm/dev/lapic.h"

#define MSR_TSC	0x10

/* The MSRs that are one backend register each. */
static bool msr_reg(u32 msr, enum vmm_reg *r)
{
	switch (msr) {
	case MSR_EFER:           *r = VMM_REG_EFER; return true;
	case MSR_STAR:           *r = VMM_REG_STAR; return true;
	case MSR_LSTAR:          *r = VMM_REG_LSTAR; return true;
	case MSR_CSTAR:          *r = VMM_REG_CSTAR; return true;
	case MSR_SFMASK:         *r = VMM_REG_SFMASK; return true;
	case MSR_FS_BASE:        *r = VMM_REG_FS_BASE; return true;
	case MSR_GS_BASE:        *r = VMM_REG_GS_BASE; return true;
	case MSR_KERNEL_GS_BASE: *r = VMM_REG_KERNEL_GS_BASE; return true;
	case MSR_SYSENTER_CS:    *r = VMM_REG_SYSENTER_CS; return true;
	case MSR_SYSENTER_ESP:   *r = VMM_REG_SYSENTER_ESP; return true;
	case MSR_SYSENTER_EIP:   *r = VMM_REG_SYSENTER_EIP; return true;
	case MSR_PAT:            *r = VMM_REG_PAT; return true;
	default:                 return false;
	}
}

static bool canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}

/* AMD's performance counters, legacy (PERF_CTL0-3, PERF_CTR0-3) and
 * core-extended (0xc0010200-0xc001020b): svmhv offers no PMU, so on a pc VM
 * the counters exist but never count - reads give 0, writes are dropped, as
 * on a hypervisor with its PMU switched off; an AMD CPU always has the
 * legacy ones, and guests write them at start-up (kvm-unit-tests' pmu_init).
 * A bare VM keeps the strict rule: #GP. */
static bool msr_pmu(const struct vcpu *v, u32 msr)
{
	return v->vm->cfg.platform == GUEST_PLATFORM_PC &&
	       ((msr >= 0xc0010000 && msr <= 0xc0010007) || (msr >= 0xc0010200 && msr <= 0xc001020b));
}

static bool msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (msr_pmu(v, msr)) {
		*val = 0;
		return true;
	}
	enum vmm_reg r;
	if (msr_reg(msr, &r)) {
		*val = vmm_backend->get_reg(v, r);
		return true;
	}
	switch (msr) {
	case MSR_TSC:       *val = rdtsc() + vmm_backend->get_reg(v, VMM_REG_TSC_OFFSET); return true;
	case MSR_APIC_BASE: *val = LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP; return true;
	default:            return false;
	}
}

/* The value the register takes, or false for #GP. */
static bool msr_write_value(struct vcpu *v, u32 msr, u64 *val)
{
	switch (msr) {
	case MSR_EFER:
		if (*val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
			return false;	/* SVME or reserved bits */
		/* LMA is the CPU's to set, not the guest's. */
		*val = (*val & ~EFER_LMA) | (vmm_backend->get_reg(v, VMM_REG_EFER) & EFER_LMA);
		return true;
	case MSR_LSTAR: case MSR_CSTAR: case MSR_FS_BASE: case MSR_GS_BASE: case MSR_KERNEL_GS_BASE:
		return canonical(*val);
	case MSR_SFMASK:
		*val &= 0xffffffffULL;
		return true;
	case MSR_SYSENTER_CS:
		*val &= 0xffff;
		return true;
	default:
		return true;
	}
}

void vmm_msr(struct vcpu *v, struct vmm_exit *x)
{
	struct vmm_exit_msr *m = &x->u.msr;
	enum vmm_reg r;
	bool ok, gp;
	if (v->lapic && vcpu_lapic_msr(v, m, &gp)) {
		ok = !gp;
	} else if (m->write && m->index == MSR_TSC) {
		/* The guest's TSC becomes the value: a new offset from the host's. */
		vmm_backend->set_reg(v, VMM_REG_TSC_OFFSET, m->value - rdtsc());
		ok = true;
	} else if (m->write && msr_pmu(v, m->index)) {
		ok = true;
	} else if (m->write) {
		ok = msr_reg(m->index, &r) && msr_write_value(v, m->index, &m->value);
		if (ok)
			vmm_backend->set_reg(v, r, m->value);
	} else {
		ok = msr_read(v, m->index, &m->value);
	}
	if (!ok)
		x->inject = (struct vmm_event){ .valid = 1, .vector = 13, .has_error = 1, .error = 0 };
}
