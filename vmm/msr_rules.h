/* vmm/msr_rules.h - the values a guest's WRMSR may give the MSRs svmhv
 * models itself, and what they read back: pure rules, no vCPU, shared by
 * vmm/msr.c and the host test (tests/host/test_msr_rules.c).
 *
 * Register layouts: AMD APM vol. 2 (PAT 7.8.1, machine check 9.3) and, for
 * IA32_MISC_ENABLE, which AMD does not define but which hypervisors offer
 * every guest (kvm-unit-tests' msr test reads and writes it), Intel SDM
 * vol. 4, table 2-2. */
#ifndef SVMHV_VMM_MSR_RULES_H
#define SVMHV_VMM_MSR_RULES_H
#include "lib/types.h"

#define MSR_MCG_CAP		0x179
#define MSR_MCG_STATUS		0x17a
#define MSR_MISC_ENABLE		0x1a0

/* IA32_MISC_ENABLE bits */
#define MISC_ENABLE_FAST_STRING		BIT(0)
#define MISC_ENABLE_TCC			BIT(3)	/* automatic thermal control */
#define MISC_ENABLE_PERF_MON		BIT(7)	/* read-only: a PMU is there */
#define MISC_ENABLE_BTS_UNAVAIL		BIT(11)	/* read-only */
#define MISC_ENABLE_PEBS_UNAVAIL	BIT(12)	/* read-only */
#define MISC_ENABLE_EIST		BIT(16)
#define MISC_ENABLE_MWAIT		BIT(18)	/* ENABLE MONITOR FSM */
#define MISC_ENABLE_LIMIT_CPUID		BIT(22)	/* CPUID leaf 0 reports at most 2 */
#define MISC_ENABLE_XTPR_DISABLE	BIT(23)
#define MISC_ENABLE_XD_DISABLE		BIT(34)	/* no NX: CPUID hides it, EFER.NXE #GPs */
#define MISC_ENABLE_WRITABLE	(MISC_ENABLE_FAST_STRING | MISC_ENABLE_TCC | MISC_ENABLE_EIST | \
				 MISC_ENABLE_MWAIT | MISC_ENABLE_LIMIT_CPUID | \
				 MISC_ENABLE_XTPR_DISABLE | MISC_ENABLE_XD_DISABLE)
#define MISC_ENABLE_READ_ONLY	(MISC_ENABLE_PERF_MON | MISC_ENABLE_BTS_UNAVAIL | \
				 MISC_ENABLE_PEBS_UNAVAIL)
/* At reset: fast strings on; no PMU, so no BTS or PEBS either. */
#define MISC_ENABLE_RESET	(MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAIL | \
				 MISC_ENABLE_PEBS_UNAVAIL)

/* IA32_MCG_CAP of a vCPU: no reporting banks (svmhv forwards no machine
 * checks to guests) and no MCG_CTL. */
#define MCG_CAP_VCPU		0ULL

/* A PAT value whose eight entries are all memory types the CPU defines
 * (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-); any other #GPs. */
bool msr_pat_valid(u64 pat);

/* IA32_MISC_ENABLE's new value from `old` and the guest's `val`: reserved
 * bits set -> false (#GP); the read-only bits keep their old value. */
bool msr_misc_enable_write(u64 old, u64 val, u64 *out);

/* IA32_MCG_STATUS with no banks: no machine check is ever in progress,
 * so it reads 0 and only 0 may be written back. */
bool msr_mcg_status_write(u64 val);

/* CPUID without the features whose MSRs svmhv does not model, so that no
 * guest reaches for them and takes a #GP: the speculation controls
 * (IA32_SPEC_CTRL, IA32_PRED_CMD, IA32_FLUSH_CMD, IA32_ARCH_CAPABILITIES;
 * CPUID 7.0 EDX and 0x80000008 EBX, and AMD's SBPB in 0x80000021 EAX). */
void msr_unmodelled_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *d);

/* CPUID as IA32_MISC_ENABLE makes it: leaf 0's maximum (LIMIT_CPUID) and
 * 0x80000001's NX (XD_DISABLE). */
void msr_misc_enable_cpuid(u64 misc, u32 leaf, u32 *a, u32 *d);
#endif
