/* vmm/msr.c - the MSRs a guest may read and write: EFER (SVME hidden), its
 * syscall, segment-base, SYSENTER and PAT state and TSC_AUX (kept by the
 * backend, reached through get_reg/set_reg), the TSC (a write sets the vCPU's TSC
 * offset), and the local APIC's (vmm/dev/lapic.c) on a pc VM, else a fixed
 * APIC base; a pc VM also has KVM's clock MSRs (vmm/pvclock.c).
 * Anything else, or a value the CPU would refuse, raises #GP(0). */
#include "vmm/vmm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "hw/lapic.h"
#include "vmm/dev/lapic.h"
#include "vmm/msr_rules.h"

#define MSR_TSC	0x10

/* The MSRs that are one backend register each.  Inline: every RDMSR and
 * WRMSR asks. */
static inline __attribute__((always_inline)) bool msr_reg(u32 msr, enum vmm_reg *r)
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
	case MSR_TSC_AUX:        *r = VMM_REG_TSC_AUX; return true;
	default:                 return false;
	}
}

/* IA32_TSC_AUX exists when the guest's CPUID shows RDTSCP or RDPID, which
 * it passes through from the host (vmm/cpuid.c); without them it #GPs. */
static bool msr_exists(u32 msr)
{
	if (msr == MSR_TSC_AUX)
		return cpu_info.has_rdtscp || cpu_info.has_rdpid;
	return true;
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

/* MSRs only a pc VM has: IA32_MISC_ENABLE (an Intel MSR hypervisors
 * offer every guest), machine-check architecture without banks (CPUID
 * passes MCE and MCA through; MCG_CAP says there is nothing to report),
 * KVM's clock (vmm/pvclock.c), the MTRRs (CPUID 1 EDX[12] says so only on
 * a pc VM), and the AMD MSRs an OS reads at boot: the patch level, SYSCFG,
 * HWCR (TscFreqSel, which Linux checks when the TSC is invariant),
 * TOP_MEM/TOP_MEM2 from the VM's RAM, NB_CFG's EnableCf8ExtCfg (Linux sets
 * it).  Values as vmm/msr_rules.h says.
 * A bare VM: #GP. */
static bool msr_pc_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (v->vm->cfg.platform != GUEST_PLATFORM_PC)
		return false;
	switch (msr) {
	case MSR_MISC_ENABLE:     *val = v->misc_enable; return true;
	case MSR_MCG_CAP:         *val = MCG_CAP_VCPU; return true;
	case MSR_MCG_STATUS:      *val = 0; return true;
	case MSR_AMD_PATCH_LEVEL: *val = 0; return true;	/* no microcode patch */
	case MSR_AMD_SYSCFG:      *val = 0; return true;	/* none of its controls is modelled */
	case MSR_AMD_HWCR:        *val = v->hwcr; return true;
	case MSR_AMD_TOP_MEM:     *val = msr_top_mem(v->vm->ram_size); return true;
	case MSR_AMD_TOP_MEM2:    *val = 0; return true;
	case MSR_AMD_NB_CFG:      *val = v->nb_cfg; return true;
	default: {
		bool gp = false;
		if (pvclock_msr(v, msr, false, val, &gp))
			return !gp;
		return mtrr_read(&v->mtrr, msr, val);
	}
	}
}

/* The write of such an MSR: false when it is not one; *ok false for #GP. */
static bool msr_pc_write(struct vcpu *v, u32 msr, u64 val, bool *ok)
{
	if (v->vm->cfg.platform != GUEST_PLATFORM_PC)
		return false;
	switch (msr) {
	case MSR_MISC_ENABLE:     *ok = msr_misc_enable_write(v->misc_enable, val, &v->misc_enable); return true;
	case MSR_MCG_CAP:         *ok = false; return true;	/* read-only */
	case MSR_MCG_STATUS:      *ok = msr_mcg_status_write(val); return true;
	/* Intel's "write 0, then CPUID" to latch the revision: nothing to latch. */
	case MSR_AMD_PATCH_LEVEL: *ok = true; return true;
	case MSR_AMD_SYSCFG:      *ok = val == 0; return true;
	case MSR_AMD_HWCR:        *ok = msr_hwcr_write(v->hwcr, val, &v->hwcr); return true;
	/* The firmware's (svmhv's) to set: only the value they hold. */
	case MSR_AMD_TOP_MEM:     *ok = val == msr_top_mem(v->vm->ram_size); return true;
	case MSR_AMD_TOP_MEM2:    *ok = val == 0; return true;
	case MSR_AMD_NB_CFG:
		*ok = !(val & ~NB_CFG_EXT_CFG);
		if (*ok)
			v->nb_cfg = val;
		return true;
	default: {
		bool gp = false;
		if (pvclock_msr(v, msr, true, &val, &gp)) {
			*ok = !gp;
			return true;
		}
		if (!msr_is_mtrr(msr))
			return false;
		*ok = mtrr_write(&v->mtrr, msr, val, vcpu_phys_bits());
		return true;
	}
	}
}

static bool msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (msr_pmu(v, msr)) {
		*val = 0;
		return true;
	}
	enum vmm_reg r;
	if (msr_reg(msr, &r)) {
		if (!msr_exists(msr))
			return false;
		*val = vmm_backend->get_reg(v, r);
		return true;
	}
	if (msr_pc_read(v, msr, val))
		return true;
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
		if ((*val & EFER_NXE) && (v->misc_enable & MISC_ENABLE_XD_DISABLE))
			return false;	/* no NX while IA32_MISC_ENABLE disables it */
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
	case MSR_PAT:
		return msr_pat_valid(*val);
	case MSR_TSC_AUX:
		/* AMD keeps bits 31:0 and ignores the rest (reads give 0). */
		*val &= 0xffffffffULL;
		return msr_exists(msr);
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
		pvclock_tsc_changed(v);	/* its pvclock structure names guest TSC values */
		ok = true;
	} else if (m->write && msr_pmu(v, m->index)) {
		ok = true;
	} else if (m->write && msr_reg(m->index, &r)) {
		ok = msr_write_value(v, m->index, &m->value);
		if (ok)
			vmm_backend->set_reg(v, r, m->value);
	} else if (m->write) {
		if (!msr_pc_write(v, m->index, m->value, &ok))
			ok = false;	/* no such MSR */
	} else {
		ok = msr_read(v, m->index, &m->value);
	}
	if (!ok)
		x->inject = (struct vmm_event){ .valid = 1, .vector = 13, .has_error = 1, .error = 0 };
}
