/* kernel/cpuinfo.h - what CPUID says about the boot CPU, read once. */
#ifndef SVMHV_CPUINFO_H
#define SVMHV_CPUINFO_H
#include "lib/types.h"

/* CPUID 0x8000000A EDX: SVM feature identification (AMD APM vol. 3, E.4.9) */
#define SVM_FEAT_NPT            BIT(0)
#define SVM_FEAT_LBRV           BIT(1)
#define SVM_FEAT_SVML           BIT(2)
#define SVM_FEAT_NRIPS          BIT(3)
#define SVM_FEAT_TSC_RATE       BIT(4)
#define SVM_FEAT_VMCB_CLEAN     BIT(5)
#define SVM_FEAT_FLUSH_BY_ASID  BIT(6)
#define SVM_FEAT_DECODE_ASSISTS BIT(7)
#define SVM_FEAT_PAUSE_FILTER   BIT(10)
#define SVM_FEAT_PAUSE_THRESH   BIT(12)
#define SVM_FEAT_AVIC           BIT(13)
#define SVM_FEAT_V_VMSAVE_VMLOAD BIT(15)
#define SVM_FEAT_VGIF           BIT(16)
#define SVM_FEAT_GMET           BIT(17)
#define SVM_FEAT_X2AVIC         BIT(18)
#define SVM_FEAT_SSS_CHECK      BIT(19)
#define SVM_FEAT_SPEC_CTRL      BIT(20)
#define SVM_FEAT_ROGPT          BIT(21)
#define SVM_FEAT_HOST_MCE_OVR   BIT(23)
#define SVM_FEAT_TLBICTL        BIT(24)
#define SVM_FEAT_VNMI           BIT(25)
#define SVM_FEAT_IBS_VIRT       BIT(26)
#define SVM_FEAT_EXTLVT_AVIC    BIT(27)
#define SVM_FEAT_VMCB_ADDR_CHK  BIT(28)
#define SVM_FEAT_BUS_LOCK_THR   BIT(29)
#define SVM_FEAT_IDLE_HLT       BIT(30)

struct cpuinfo {
	char vendor[13];
	char brand[49];
	u32 family, model, stepping;
	u32 max_leaf, max_ext_leaf;
	bool is_amd, hypervisor;
	bool has_svm, has_nx, has_1g_pages, has_x2apic, has_invariant_tsc, has_rdtscp;
	bool has_fsgsbase, has_tsc_deadline, has_pcid, has_rdpid;
	u32 svm_revision, svm_nasid, svm_features;
	u32 phys_addr_bits, virt_addr_bits;
	u32 cpuid_15_denom, cpuid_15_numer, cpuid_15_hz, cpuid_16_base_mhz;
};
extern struct cpuinfo cpu_info;

struct svm_feature_name {
	u32 bit;
	const char *name;
};
extern const struct svm_feature_name svm_feature_names[];
extern const size_t svm_feature_names_count;

void cpuinfo_init(void);
void cpuinfo_print(void);
#endif
