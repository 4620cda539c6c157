/* vmm/cpuid.c - the CPUID a guest sees: svmhv's own leaves (hw/svmhv_hypercall.h),
 * else the host's with the hypervisor bit set and what guests must not use
 * hidden (MONITOR, SVM; x2APIC and TSC deadline are the modelled local
 * APIC's, so a pc VM has them whatever the host has, a bare VM not).  The backend adds what only it knows
 * (svm/gstate.c: the XSAVE leaves) when it applies the answer. */
#include "vmm/vmm.h"
#include "vmm/dev/lapic.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "hw/svmhv_hypercall.h"

void vmm_cpuid(struct vcpu *v, struct vmm_exit_cpuid *q)
{
	u32 leaf = q->leaf, sub = q->subleaf;
	u32 a = 0, b = 0, c = 0, d = 0;
	if (leaf >= SVMHV_CPUID_LEAF && leaf < SVMHV_CPUID_END) {
		if (leaf == SVMHV_CPUID_LEAF) {
			a = SVMHV_CPUID_MAX;
			b = SVMHV_SIG_EBX;
			c = SVMHV_SIG_ECX;
			d = SVMHV_SIG_EDX;
		}
	} else if ((leaf < 0x80000000 && leaf <= cpu_info.max_leaf) ||
		   (leaf >= 0x80000000 && leaf <= cpu_info.max_ext_leaf)) {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		if (leaf == 1) {
			c |= BIT(31);			/* a hypervisor is present */
			c &= ~(BIT(21) | BIT(3));	/* no x2APIC, no MONITOR */
			if (v->lapic)			/* the modelled APIC: x2APIC, TSC deadline */
				c |= BIT(21) | BIT(24);
			d |= BIT(9);			/* an APIC ... */
			if (v->lapic && !vcpu_lapic_enabled(v))
				d &= ~BIT(9);		/* ... unless IA32_APIC_BASE turned it off */
			b = (b & 0x00ffffff) | (v->index << 24);
		} else if (leaf == 0x80000001) {
			c &= ~(BIT(2) | BIT(23));	/* SVM and the extended PMU are hidden */
		} else if (leaf == 0x8000000A) {
			a = b = c = d = 0;
		}
	}
	q->eax = a;
	q->ebx = b;
	q->ecx = c;
	q->edx = d;
}
