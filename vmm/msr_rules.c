/* vmm/msr_rules.c - pure rules for guest MSR values (vmm/msr_rules.h). */
#include "vmm/msr_rules.h"

bool msr_pat_valid(u64 pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (8 * i));
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

bool msr_misc_enable_write(u64 old, u64 val, u64 *out)
{
	if (val & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY))
		return false;
	*out = (val & MISC_ENABLE_WRITABLE) | (old & MISC_ENABLE_READ_ONLY);
	return true;
}

bool msr_mcg_status_write(u64 val)
{
	return val == 0;
}

/* CPUID 7.0 EDX: IBRS/IBPB (26), STIBP (27), L1D_FLUSH (28),
 * ARCH_CAPABILITIES (29), SSBD (31). */
#define CPUID7_EDX_SPEC	(BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(31))
/* CPUID 0x80000008 EBX: IBPB (12), IBRS (14), STIBP (15), SSBD (24),
 * VIRT_SSBD (25). */
#define CPUID88_EBX_SPEC	(BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25))
/* CPUID 0x80000021 EAX: SBPB (27), a PRED_CMD bit. */
#define CPUID8021_EAX_SBPB	BIT(27)

void msr_unmodelled_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *d)
{
	if (leaf == 7 && sub == 0)
		*d &= ~(u32)CPUID7_EDX_SPEC;
	else if (leaf == 0x80000008)
		*b &= ~(u32)CPUID88_EBX_SPEC;
	else if (leaf == 0x80000021)
		*a &= ~(u32)CPUID8021_EAX_SBPB;
}

void msr_misc_enable_cpuid(u64 misc, u32 leaf, u32 *a, u32 *d)
{
	if (leaf == 0 && (misc & MISC_ENABLE_LIMIT_CPUID) && *a > 2)
		*a = 2;
	else if (leaf == 0x80000001 && (misc & MISC_ENABLE_XD_DISABLE))
		*d &= ~BIT(20);
}
