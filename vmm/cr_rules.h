/* vmm/cr_rules.h - what a guest's MOV to CR4 may do: pure rules, no vCPU,
 * shared by vmm/cr.c and the host test (tests/host/test_cr_rules.c).
 *
 * CR4's bits and the #GP cases of MOV CRn: AMD APM vol. 2, 3.1.3 and
 * vol. 3, "MOV CRn"; which bits exist follows the guest's CPUID, as on a
 * CPU (a bit whose feature CPUID does not show is reserved). */
#ifndef SVMHV_VMM_CR_RULES_H
#define SVMHV_VMM_CR_RULES_H
#include "lib/types.h"

#define CR4_VME		BIT(0)
#define CR4_PVI		BIT(1)
#define CR4_TSD		BIT(2)
#define CR4_DE		BIT(3)
#define CR4_PSE		BIT(4)
#define CR4_PAE_BIT	BIT(5)
#define CR4_MCE		BIT(6)
#define CR4_PGE_BIT	BIT(7)
#define CR4_PCE		BIT(8)
#define CR4_OSFXSR	BIT(9)
#define CR4_OSXMMEXCPT	BIT(10)
#define CR4_UMIP	BIT(11)
#define CR4_LA57_BIT	BIT(12)
#define CR4_FSGSBASE_BIT BIT(16)
#define CR4_PCIDE	BIT(17)
#define CR4_OSXSAVE_BIT	BIT(18)
#define CR4_SMEP	BIT(20)
#define CR4_SMAP	BIT(21)
#define CR4_PKE		BIT(22)
#define CR4_CET		BIT(23)

/* The guest's CPUID words that decide which CR4 bits exist. */
struct cr4_cpuid {
	u32 leaf1_ecx, leaf1_edx;
	u32 leaf7_ebx, leaf7_ecx;	/* subleaf 0; 0 when leaf 7 is beyond the maximum */
};

/* The CR4 bits this guest may set. */
u64 cr4_allowed(const struct cr4_cpuid *c);

/* The state a MOV to CR4 is checked against. */
struct cr4_ctx {
	u64 allowed;	/* cr4_allowed() */
	u64 cr0, cr3, efer;
};

/* 0 when `val` may replace `old`, else the vector (13: #GP(0)): a bit
 * that does not exist; in long mode PAE cleared or LA57 changed; PCIDE
 * set outside long mode or with CR3[11:0] non-zero; CET without CR0.WP. */
int cr4_write_check(const struct cr4_ctx *c, u64 old, u64 val);

/* The change flushes the guest's TLB entries: paging-structure bits (PGE,
 * PAE, PSE, PCIDE, SMEP, SMAP, PKE, LA57) that differ, as the APM says for
 * PGE and PCIDE, and as any change of how translations are made needs. */
bool cr4_write_flushes(u64 old, u64 val);
#endif
