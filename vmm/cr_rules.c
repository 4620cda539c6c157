/* vmm/cr_rules.c - pure rules for a guest's MOV to CR4 (vmm/cr_rules.h). */
#include "vmm/cr_rules.h"

#define EFER_LMA_BIT	BIT(10)
#define CR0_WP_BIT	BIT(16)

u64 cr4_allowed(const struct cr4_cpuid *c)
{
	u64 a = CR4_PCE;
	u32 d = c->leaf1_edx;
	if (d & BIT(1))
		a |= CR4_VME | CR4_PVI;
	if (d & BIT(2))
		a |= CR4_DE;
	if (d & BIT(3))
		a |= CR4_PSE;
	if (d & BIT(4))			/* TSC */
		a |= CR4_TSD;
	if (d & BIT(6))
		a |= CR4_PAE_BIT;
	if (d & BIT(7))
		a |= CR4_MCE;
	if (d & BIT(13))
		a |= CR4_PGE_BIT;
	if (d & BIT(24))		/* FXSR */
		a |= CR4_OSFXSR;
	if (d & BIT(25))		/* SSE */
		a |= CR4_OSXMMEXCPT;
	if (c->leaf1_ecx & BIT(17))		/* PCID */
		a |= CR4_PCIDE;
	if (c->leaf1_ecx & BIT(26))		/* XSAVE */
		a |= CR4_OSXSAVE_BIT;
	if (c->leaf7_ebx & BIT(0))
		a |= CR4_FSGSBASE_BIT;
	if (c->leaf7_ebx & BIT(7))
		a |= CR4_SMEP;
	if (c->leaf7_ebx & BIT(20))
		a |= CR4_SMAP;
	if (c->leaf7_ecx & BIT(2))
		a |= CR4_UMIP;
	if (c->leaf7_ecx & BIT(3))		/* PKU */
		a |= CR4_PKE;
	if (c->leaf7_ecx & BIT(7))		/* CET shadow stacks */
		a |= CR4_CET;
	if (c->leaf7_ecx & BIT(16))
		a |= CR4_LA57_BIT;
	return a;
}

int cr4_write_check(const struct cr4_ctx *c, u64 old, u64 val)
{
	bool lma = (c->efer & EFER_LMA_BIT) != 0;
	if (val & ~c->allowed)
		return 13;
	if (lma && !(val & CR4_PAE_BIT))
		return 13;
	if (lma && ((val ^ old) & CR4_LA57_BIT))
		return 13;
	if ((val & CR4_PCIDE) && !(old & CR4_PCIDE) && (!lma || (c->cr3 & 0xfff)))
		return 13;
	if ((val & CR4_CET) && !(c->cr0 & CR0_WP_BIT))
		return 13;
	return 0;
}

bool cr4_write_flushes(u64 old, u64 val)
{
	return ((old ^ val) & (CR4_PGE_BIT | CR4_PAE_BIT | CR4_PSE | CR4_PCIDE | CR4_SMEP | CR4_SMAP |
			       CR4_PKE | CR4_LA57_BIT)) != 0;
}
