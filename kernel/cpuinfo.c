/* kernel/cpuinfo.c - CPUID decoding and the boot banner's CPU and SVM
 * capability report. */
#include "kernel/cpuinfo.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "lib/string.h"

struct cpuinfo cpu_info;

/* Every bit of CPUID 0x8000000A EDX the APM defines, by name. */
const struct svm_feature_name svm_feature_names[] = {
	{ 0, "NPT (nested paging)" },
	{ 1, "LbrVirt (LBR virtualization)" },
	{ 2, "SVML (SVM lock)" },
	{ 3, "NRIPS (next RIP save)" },
	{ 4, "TscRateMsr (TSC ratio)" },
	{ 5, "VmcbClean (VMCB clean bits)" },
	{ 6, "FlushByAsid (flush by ASID)" },
	{ 7, "DecodeAssists (decode assists)" },
	{ 10, "PauseFilter (pause filter)" },
	{ 12, "PauseFilterThreshold (pause filter threshold)" },
	{ 13, "AVIC (advanced virtual interrupt controller)" },
	{ 15, "VMSAVEvirt (virtual VMLOAD/VMSAVE)" },
	{ 16, "VGIF (virtual global interrupt flag)" },
	{ 17, "GMET (guest mode execute trap)" },
	{ 18, "x2AVIC" },
	{ 19, "SSSCheck (supervisor shadow stack checks)" },
	{ 20, "SpecCtrl (SPEC_CTRL virtualization)" },
	{ 21, "ROGPT (read-only guest page tables)" },
	{ 23, "HOST_MCE_OVERRIDE" },
	{ 24, "TlbiCtl (INVLPGB/TLBSYNC control)" },
	{ 25, "VNMI (virtual NMI)" },
	{ 26, "IbsVirt (IBS virtualization)" },
	{ 27, "ExtLvtAvicAccessChg" },
	{ 28, "NestedVirtVmcbAddrChk (VMCB address check)" },
	{ 29, "BusLockThreshold" },
	{ 30, "IdleHltIntercept" },
};
const size_t svm_feature_names_count = ARRAY_SIZE(svm_feature_names);

void cpuinfo_init(void)
{
	struct cpuinfo *ci = &cpu_info;
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	ci->max_leaf = a;
	memcpy(ci->vendor + 0, &b, 4);
	memcpy(ci->vendor + 4, &d, 4);
	memcpy(ci->vendor + 8, &c, 4);
	ci->vendor[12] = 0;
	ci->is_amd = !strcmp(ci->vendor, "AuthenticAMD");

	cpuid(1, &a, &b, &c, &d);
	u32 fam = (a >> 8) & 0xf, model = (a >> 4) & 0xf;
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	if (fam >= 0x6)
		model |= ((a >> 16) & 0xf) << 4;
	ci->family = fam;
	ci->model = model;
	ci->stepping = a & 0xf;
	ci->has_x2apic = c & BIT(21);
	ci->has_tsc_deadline = c & BIT(24);
	ci->hypervisor = c & BIT(31);
	ci->has_pcid = c & BIT(17);
	if (ci->max_leaf >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		ci->has_fsgsbase = b & BIT(0);
		ci->has_rdpid = c & BIT(22);
	}
	if (ci->max_leaf >= 0x15) {
		cpuid(0x15, &a, &b, &c, &d);
		ci->cpuid_15_denom = a;
		ci->cpuid_15_numer = b;
		ci->cpuid_15_hz = c;
	}
	if (ci->max_leaf >= 0x16) {
		cpuid(0x16, &a, &b, &c, &d);
		ci->cpuid_16_base_mhz = a & 0xffff;
	}

	cpuid(0x80000000, &a, &b, &c, &d);
	ci->max_ext_leaf = a;
	if (ci->max_ext_leaf >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		ci->has_svm = c & BIT(2);
		ci->has_nx = d & BIT(20);
		ci->has_1g_pages = d & BIT(26);
		ci->has_rdtscp = d & BIT(27);
	}
	if (ci->max_ext_leaf >= 0x80000004) {
		u32 *p = (u32 *)ci->brand;
		for (u32 leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, &p[leaf * 4], &p[leaf * 4 + 1],
			      &p[leaf * 4 + 2], &p[leaf * 4 + 3]);
		ci->brand[48] = 0;
	}
	if (ci->max_ext_leaf >= 0x80000007) {
		cpuid(0x80000007, &a, &b, &c, &d);
		ci->has_invariant_tsc = d & BIT(8);
	}
	if (ci->max_ext_leaf >= 0x80000008) {
		cpuid(0x80000008, &a, &b, &c, &d);
		ci->phys_addr_bits = a & 0xff;
		ci->virt_addr_bits = (a >> 8) & 0xff;
	}
	if (ci->has_svm && ci->max_ext_leaf >= 0x8000000A) {
		cpuid(0x8000000A, &a, &b, &c, &d);
		ci->svm_revision = a & 0xff;
		ci->svm_nasid = b;
		ci->svm_features = d;
	}
}

void cpuinfo_print(void)
{
	const struct cpuinfo *ci = &cpu_info;
	const char *brand = ci->brand;
	while (*brand == ' ')
		brand++;
	kprintf("cpu: %s family 0x%x model 0x%x stepping %u: %s\n", ci->vendor,
		ci->family, ci->model, ci->stepping, *brand ? brand : "(no brand string)");
	kprintf("cpu: %u-bit physical, %u-bit virtual addresses; NX %s, 1G pages %s, "
		"x2APIC %s, invariant TSC %s%s\n", ci->phys_addr_bits, ci->virt_addr_bits,
		ci->has_nx ? "yes" : "no", ci->has_1g_pages ? "yes" : "no",
		ci->has_x2apic ? "yes" : "no", ci->has_invariant_tsc ? "yes" : "no",
		ci->hypervisor ? "; running under a hypervisor" : "");
	if (!ci->has_svm) {
		kprintf("svm: SVM (AMD-V, CPUID 0x80000001 ECX bit 2) is absent on this CPU\n");
		return;
	}
	kprintf("svm: SVM present: revision %u, %u ASIDs, features 0x%08x\n",
		ci->svm_revision, ci->svm_nasid, ci->svm_features);
	for (size_t i = 0; i < svm_feature_names_count; i++) {
		const struct svm_feature_name *f = &svm_feature_names[i];
		kprintf("svm:   %-45s %s\n", f->name,
			ci->svm_features & BIT(f->bit) ? "yes" : "no");
	}
	u32 known = 0;
	for (size_t i = 0; i < svm_feature_names_count; i++)
		known |= (u32)BIT(svm_feature_names[i].bit);
	if (ci->svm_features & ~known)
		kprintf("svm:   unnamed feature bits: 0x%08x\n", ci->svm_features & ~known);
}
