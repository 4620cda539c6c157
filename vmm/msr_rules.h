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

/* ---- MTRRs (AMD APM vol. 2, 7.7; Intel SDM vol. 3, 12.11) ---- */
#define MSR_MTRR_CAP		0xfe
#define MSR_MTRR_PHYS_BASE0	0x200	/* 0x200 + 2n base, 0x201 + 2n mask */
#define MSR_MTRR_FIX64K_00000	0x250
#define MSR_MTRR_FIX16K_80000	0x258
#define MSR_MTRR_FIX16K_A0000	0x259
#define MSR_MTRR_FIX4K_C0000	0x268	/* .. 0x26f: 4 KiB ranges up to 0xfffff */
#define MSR_MTRR_DEF_TYPE	0x2ff

#define MTRR_NR_VAR		8	/* variable ranges a vCPU has */
#define MTRR_NR_FIXED		11
#define MTRRCAP_VCNT_MASK	GENMASK(7, 0)
#define MTRRCAP_FIX		BIT(8)	/* fixed ranges exist */
#define MTRRCAP_WC		BIT(10)	/* write combining is a valid type */
#define MTRRCAP_VCPU		(MTRR_NR_VAR | MTRRCAP_FIX | MTRRCAP_WC)	/* no SMRR */
#define MTRR_DEF_TYPE_MASK	GENMASK(7, 0)
#define MTRR_DEF_FE		BIT(10)	/* fixed ranges enabled */
#define MTRR_DEF_E		BIT(11)	/* MTRRs enabled */
#define MTRR_PHYS_BASE_TYPE	GENMASK(7, 0)
#define MTRR_PHYS_MASK_VALID	BIT(11)
#define MTRR_ADDR_SHIFT		12	/* base and mask keep address bits from 12 up */
/* memory types an MTRR may hold (PAT's 7, UC-, is not one) */
#define MTRR_TYPE_UC		0
#define MTRR_TYPE_WC		1
#define MTRR_TYPE_WT		4
#define MTRR_TYPE_WP		5
#define MTRR_TYPE_WB		6

/* A vCPU's MTRRs.  var[2n] is PhysBase n, var[2n + 1] PhysMask n; fixed[]
 * in MSR order (0x250, 0x258, 0x259, 0x268 .. 0x26f). */
struct mtrr_state {
	u64 def_type;
	u64 fixed[MTRR_NR_FIXED];
	u64 var[2 * MTRR_NR_VAR];
};

/* Whether msr is an MTRR (MTRRcap included). */
bool msr_is_mtrr(u32 msr);
/* The value of an MTRR; false when msr is none. */
bool mtrr_read(const struct mtrr_state *m, u32 msr, u64 *val);
/* A WRMSR to an MTRR: false (#GP) for MTRRcap, an invalid memory type, a
 * reserved bit or an address bit at or above `phys_bits` (the guest's
 * MAXPHYADDR, CPUID 0x80000008 EAX[7:0]); else the value is kept. */
bool mtrr_write(struct mtrr_state *m, u32 msr, u64 val, u32 phys_bits);
/* The MTRRs as a PC's firmware leaves them for the OS, on every vCPU
 * alike: enabled, default type write-back, fixed ranges write-back but
 * the VGA window 0xa0000-0xbffff uncached, and one variable range making
 * the top 32 MiB below 4 GiB (the I/O APIC, the local APIC, flash on a
 * PC) uncached.  Guest RAM below 0xfe000000 is thus write-back, as an OS
 * that checks the MTRRs against its memory map wants. */
void mtrr_reset_firmware(struct mtrr_state *m, u32 phys_bits);
#define MTRR_UC_HOLE_BASE	0xfe000000ULL
#define MTRR_UC_HOLE_SIZE	0x02000000ULL

/* ---- AMD's system configuration MSRs (APM vol. 2, 7.9 and appendix A) ---- */
#define MSR_AMD_PATCH_LEVEL	0x8b	/* microcode patch level (Intel: BIOS_SIGN_ID) */
#define MSR_AMD_SYSCFG		0xc0010010
#define MSR_AMD_HWCR		0xc0010015
#define  HWCR_TLBCACHEDIS	BIT(3)
#define  HWCR_FFDIS		BIT(6)	/* flush filter disable */
#define  HWCR_IGNNE_EM		BIT(8)
#define  HWCR_MCSTATUS_WREN	BIT(18)	/* MCi_STATUS writable (no banks here) */
#define  HWCR_TSC_FREQ_SEL	BIT(24)	/* read-only 1: the TSC counts at the P0 rate */
#define  HWCR_WRITABLE		(HWCR_TLBCACHEDIS | HWCR_FFDIS | HWCR_IGNNE_EM | HWCR_MCSTATUS_WREN)
#define  HWCR_RESET		HWCR_TSC_FREQ_SEL
#define MSR_AMD_TOP_MEM		0xc001001a	/* first byte above RAM below 4 GiB */
#define MSR_AMD_TOP_MEM2	0xc001001d	/* first byte above RAM from 4 GiB; 0 none */
#define  TOP_MEM_MASK		GENMASK(39, 23)	/* 8 MiB granules */
#define MSR_AMD_NB_CFG		0xc001001f	/* northbridge configuration */
/* EnableCf8ExtCfg: CF8 reaches extended PCI configuration space.  Linux
 * sets it on family 10h+ parts; a pc VM has no CF8/CFC port pair yet, so
 * the bit only reads back.  Other bits: #GP (nothing else is modelled). */
#define  NB_CFG_EXT_CFG		BIT(46)

/* HWCR's new value from `old` and the guest's `val`: a bit outside
 * HWCR_WRITABLE and TscFreqSel set -> false (#GP); TscFreqSel keeps its
 * value. */
bool msr_hwcr_write(u64 old, u64 val, u64 *out);
/* TOP_MEM for a VM whose RAM is [0, ram_size): the end of RAM below
 * 4 GiB in 8 MiB granules (rounded down); TOP_MEM2 0: svmhv's guest RAM
 * ends below 4 GiB. */
u64 msr_top_mem(u64 ram_size);

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
 * CPUID 7.0 EDX and 0x80000008 EBX, and AMD's SBPB in 0x80000021 EAX), and
 * AMD's instructions-retired counter (IRPERF, 0x80000008 EBX[1]). */
void msr_unmodelled_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *d);

/* CPUID as IA32_MISC_ENABLE makes it: leaf 0's maximum (LIMIT_CPUID) and
 * 0x80000001's NX (XD_DISABLE). */
void msr_misc_enable_cpuid(u64 misc, u32 leaf, u32 *a, u32 *d);
#endif
