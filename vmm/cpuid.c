/* vmm/cpuid.c - the CPUID a guest sees: svmhv's own leaves (hw/svmhv_hypercall.h),
 * else the host's with the hypervisor bit set and what guests must not use
 * hidden (MONITOR, SVM, the speculation controls whose MSRs svmhv does not
 * model (vmm/msr_rules.c), NX while IA32_MISC_ENABLE disables it; x2APIC
 * and TSC deadline are the modelled local APIC's, so a pc VM has them
 * whatever the host has, a bare VM not; the MTRRs a pc VM's only; OSVW,
 * whose MSRs are not modelled; the topology leaves describe the VM - one
 * package of n single-thread cores with APIC IDs 0..n-1, vmm/cpuid_topo.c;
 * a pc VM also sees KVM's signature, its PV send-IPI and its clock at
 * 0x40000100).  The backend adds what only it knows
 * (svm/gstate.c: the XSAVE leaves) when it applies the answer. */
#include "vmm/vmm.h"
#include "vmm/dev/lapic.h"
#include "vmm/msr_rules.h"
#include "vmm/cpuid_topo.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "hw/svmhv_hypercall.h"

/* A host leaf as the guest sees it, from the host's values already in *q:
 * the policy of the file comment.  Out of line and on *q, so that leaf 0
 * (kvm-unit-tests' vmexit cpuid, the benchmarks' CPUID) needs neither a
 * frame for these calls nor its registers in memory. */
static __attribute__((noinline)) void cpuid_host_leaf(struct vcpu *v, struct vmm_exit_cpuid *q)
{
	switch (q->leaf) {
	case 0:
		msr_misc_enable_cpuid(v->misc_enable, 0, &q->eax, &q->edx);
		break;
	case 1:
		q->ecx |= BIT(31);			/* a hypervisor is present */
		q->ecx &= ~(BIT(21) | BIT(3));		/* no x2APIC, no MONITOR */
		if (v->lapic)				/* the modelled APIC: TSC deadline, */
			q->ecx |= BIT(24) | (vcpu_lapic_has_x2apic(v) ? BIT(21) : 0);	/* x2APIC */
		if (v->vm->cfg.platform != GUEST_PLATFORM_PC)
			q->edx &= ~BIT(12);		/* MTRRs: a pc VM's only (vmm/msr.c) */
		q->edx |= BIT(9);			/* an APIC ... */
		if (v->lapic && !vcpu_lapic_enabled(v))
			q->edx &= ~BIT(9);		/* ... unless IA32_APIC_BASE turned it off */
		break;
	case 0x80000001:
		q->ecx &= ~(BIT(2) | BIT(23));		/* SVM and the extended PMU are hidden, */
		q->ecx &= ~BIT(9);			/* and OSVW: its MSRs are not modelled */
		if (v->vm->cfg.platform != GUEST_PLATFORM_PC)
			q->edx &= ~BIT(12);		/* AMD's copy of the MTRR bit */
		/* NX, unless a pc VM's IA32_MISC_ENABLE disables it (vmm/msr.c) */
		msr_misc_enable_cpuid(v->misc_enable, q->leaf, &q->eax, &q->edx);
		break;
	case 0x8000000A:
		q->eax = q->ebx = q->ecx = q->edx = 0;
		break;
	case 7: case 0x80000008: case 0x80000021:
		msr_unmodelled_cpuid(q->leaf, q->subleaf, &q->eax, &q->ebx, &q->edx);
		break;
	}
	/* The topology of the VM, not the host's: n cores, APIC IDs = the
	 * vCPU indices, as the MADT says. */
	if (cpuid_topo_leaf(q->leaf))
		cpuid_topo_apply(q->leaf, q->subleaf, v->vm->nvcpus, v->index, &q->eax, &q->ebx,
				 &q->ecx, &q->edx);
}

void vmm_cpuid(struct vcpu *v, struct vmm_exit_cpuid *q)
{
	u32 leaf = q->leaf, sub = q->subleaf;
	u32 a = 0, b = 0, c = 0, d = 0;
	if (leaf >= SVMHV_CPUID_LEAF && leaf < KVM_CPUID_END) {
		if (leaf == SVMHV_CPUID_LEAF) {
			a = SVMHV_CPUID_MAX;
			b = SVMHV_SIG_EBX;
			c = SVMHV_SIG_ECX;
			d = SVMHV_SIG_EDX;
		} else if (leaf == KVM_CPUID_LEAF && v->lapic) {
			/* KVM's interface, as far as svmhv has it: PV send-IPI,
			 * which needs the local APICs of a pc VM, and the
			 * paravirtual clock (vmm/pvclock.c). */
			a = KVM_CPUID_FEATURES;
			b = KVM_SIG_EBX;
			c = KVM_SIG_ECX;
			d = KVM_SIG_EDX;
		} else if (leaf == KVM_CPUID_FEATURES && v->lapic) {
			a = KVM_FEATURE_PV_SEND_IPI | pvclock_cpuid_features(v->vm);
		}
	} else if ((leaf < 0x80000000 && leaf <= cpu_info.max_leaf) ||
		   (leaf >= 0x80000000 && leaf <= cpu_info.max_ext_leaf)) {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		q->eax = a;
		q->ebx = b;
		q->ecx = c;
		q->edx = d;
		/* Leaf 0 is the host's unless IA32_MISC_ENABLE limits it. */
		if (leaf != 0 || __builtin_expect(v->misc_enable & MISC_ENABLE_LIMIT_CPUID, 0))
			cpuid_host_leaf(v, q);
		return;
	}
	q->eax = a;
	q->ebx = b;
	q->ecx = c;
	q->edx = d;
}
