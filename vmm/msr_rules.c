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
 * VIRT_SSBD (25); and IRPERF (1), whose counter MSR (0xc00000e9) and HWCR
 * enable bit svmhv does not model. */
#define CPUID88_EBX_SPEC	(BIT(1) | BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25))
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

static bool mtrr_type_valid(u64 t)
{
	return t == MTRR_TYPE_UC || t == MTRR_TYPE_WC || t == MTRR_TYPE_WT ||
	       t == MTRR_TYPE_WP || t == MTRR_TYPE_WB;
}

/* Where an MTRR lives in struct mtrr_state: its u64, or NULL. */
static u64 *mtrr_slot(struct mtrr_state *m, u32 msr)
{
	if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_NR_VAR)
		return &m->var[msr - MSR_MTRR_PHYS_BASE0];
	if (msr == MSR_MTRR_FIX64K_00000)
		return &m->fixed[0];
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
		return &m->fixed[1 + msr - MSR_MTRR_FIX16K_80000];
	if (msr >= MSR_MTRR_FIX4K_C0000 && msr < MSR_MTRR_FIX4K_C0000 + 8)
		return &m->fixed[3 + msr - MSR_MTRR_FIX4K_C0000];
	if (msr == MSR_MTRR_DEF_TYPE)
		return &m->def_type;
	return NULL;
}

bool msr_is_mtrr(u32 msr)
{
	struct mtrr_state dummy;
	return msr == MSR_MTRR_CAP || mtrr_slot(&dummy, msr) != NULL;
}

bool mtrr_read(const struct mtrr_state *m, u32 msr, u64 *val)
{
	if (msr == MSR_MTRR_CAP) {
		*val = MTRRCAP_VCPU;
		return true;
	}
	const u64 *p = mtrr_slot((struct mtrr_state *)m, msr);
	if (!p)
		return false;
	*val = *p;
	return true;
}

bool mtrr_write(struct mtrr_state *m, u32 msr, u64 val, u32 phys_bits)
{
	u64 *p = mtrr_slot(m, msr);
	if (!p)
		return false;	/* MTRRcap is read-only; anything else is no MTRR */
	u64 addr_mask = GENMASK(phys_bits - 1, MTRR_ADDR_SHIFT);
	if (msr == MSR_MTRR_DEF_TYPE) {
		if ((val & ~(MTRR_DEF_TYPE_MASK | MTRR_DEF_FE | MTRR_DEF_E)) ||
		    !mtrr_type_valid(val & MTRR_DEF_TYPE_MASK))
			return false;
	} else if (msr >= MSR_MTRR_PHYS_BASE0 && msr < MSR_MTRR_PHYS_BASE0 + 2 * MTRR_NR_VAR) {
		bool is_mask = (msr - MSR_MTRR_PHYS_BASE0) & 1;
		u64 allowed = addr_mask | (is_mask ? MTRR_PHYS_MASK_VALID : MTRR_PHYS_BASE_TYPE);
		if (val & ~allowed)
			return false;
		if (!is_mask && !mtrr_type_valid(val & MTRR_PHYS_BASE_TYPE))
			return false;
	} else {
		for (unsigned int i = 0; i < 8; i++)	/* eight types, one per range */
			if (!mtrr_type_valid((val >> (8 * i)) & 0xff))
				return false;
	}
	*p = val;
	return true;
}

void mtrr_reset_firmware(struct mtrr_state *m, u32 phys_bits)
{
	const u64 wb8 = 0x0606060606060606ULL;
	for (unsigned int i = 0; i < MTRR_NR_FIXED; i++)
		m->fixed[i] = wb8;
	m->fixed[2] = 0;	/* 0xa0000-0xbffff: the VGA window, uncached */
	for (unsigned int i = 0; i < 2 * MTRR_NR_VAR; i++)
		m->var[i] = 0;
	m->var[0] = MTRR_UC_HOLE_BASE | MTRR_TYPE_UC;
	m->var[1] = (~(MTRR_UC_HOLE_SIZE - 1) & GENMASK(phys_bits - 1, MTRR_ADDR_SHIFT)) |
		    MTRR_PHYS_MASK_VALID;
	m->def_type = MTRR_DEF_E | MTRR_DEF_FE | MTRR_TYPE_WB;
}

bool msr_hwcr_write(u64 old, u64 val, u64 *out)
{
	if (val & ~(HWCR_WRITABLE | HWCR_TSC_FREQ_SEL))
		return false;
	*out = (val & HWCR_WRITABLE) | (old & HWCR_TSC_FREQ_SEL);
	return true;
}

u64 msr_top_mem(u64 ram_size)
{
	u64 top = ram_size < BIT(32) ? ram_size : BIT(32);
	return top & TOP_MEM_MASK;
}
