/* tests/host/test_msr_rules.c - vmm/msr_rules.c: which WRMSR values the
 * MSRs svmhv models accept, what they read back, and the CPUID bits they
 * change or hide.  The IA32_MISC_ENABLE case is the write kvm-unit-tests'
 * msr test makes (0x400c50809 with bits 7, 11 and 12 kept). */
#include "tests/host/host_support.h"
#include "vmm/msr_rules.h"

static void test_pat(void **state)
{
	assert_true(msr_pat_valid(0x0007040600070406ULL));	/* the reset value */
	assert_true(msr_pat_valid(0x07070707ULL));
	assert_true(msr_pat_valid(0x0105040706000100ULL));
	for (unsigned int i = 0; i < 8; i++) {
		assert_false(msr_pat_valid(2ULL << (8 * i)));	/* reserved types */
		assert_false(msr_pat_valid(3ULL << (8 * i)));
		assert_false(msr_pat_valid(8ULL << (8 * i)));
		assert_false(msr_pat_valid(0x80ULL << (8 * i)));
	}
}

static void test_misc_enable_kut_write(void **state)
{
	u64 old = MISC_ENABLE_RESET, out = 0;
	u64 val = (0x400c50809ULL & ~0x1880ULL) | (old & 0x1880ULL);

	assert_true(msr_misc_enable_write(old, val, &out));
	assert_int_equal(out, val);
	/* and back */
	assert_true(msr_misc_enable_write(out, old, &out));
	assert_int_equal(out, old);
}

static void test_misc_enable_read_only_and_reserved(void **state)
{
	u64 out = 0;

	/* Read-only bits keep their value whatever is written. */
	assert_true(msr_misc_enable_write(MISC_ENABLE_RESET, 0, &out));
	assert_int_equal(out, MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL);
	assert_true(msr_misc_enable_write(MISC_ENABLE_RESET, MISC_ENABLE_PERF_MON, &out));
	assert_false(out & MISC_ENABLE_PERF_MON);
	/* Every reserved bit: #GP. */
	u64 known = MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY;
	for (unsigned int b = 0; b < 64; b++) {
		if (known & BIT(b))
			continue;
		out = 0x1234;
		assert_false(msr_misc_enable_write(MISC_ENABLE_RESET, BIT(b), &out));
		assert_int_equal(out, 0x1234);		/* untouched */
	}
	/* The bits the test calls reserved (1:2, 4:6, 8:10, 13:15, 17, 19:21,
	 * 24:33, 35:63) are exactly ours. */
	assert_int_equal(known, 0x400c51889ULL);
}

static void test_mcg_status(void **state)
{
	assert_true(msr_mcg_status_write(0));
	assert_false(msr_mcg_status_write(1));
	assert_false(msr_mcg_status_write(BIT(2)));
	assert_int_equal(MCG_CAP_VCPU & 0xff, 0);		/* no banks */
	assert_int_equal(MCG_CAP_VCPU & BIT(8), 0);		/* no MCG_CTL */
}

static void test_misc_enable_cpuid(void **state)
{
	u32 a = 0x10, d = ~0u;

	msr_misc_enable_cpuid(MISC_ENABLE_RESET, 0, &a, &d);
	assert_int_equal(a, 0x10);
	msr_misc_enable_cpuid(MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID, 0, &a, &d);
	assert_int_equal(a, 2);
	a = 1;
	msr_misc_enable_cpuid(MISC_ENABLE_LIMIT_CPUID, 0, &a, &d);
	assert_int_equal(a, 1);				/* never raised */
	a = 0;
	msr_misc_enable_cpuid(MISC_ENABLE_RESET, 0x80000001, &a, &d);
	assert_int_equal(d, ~0u);
	msr_misc_enable_cpuid(MISC_ENABLE_XD_DISABLE, 0x80000001, &a, &d);
	assert_int_equal(d, ~0u & ~(u32)BIT(20));
}

static void test_unmodelled_cpuid(void **state)
{
	u32 a = ~0u, b = ~0u, d = ~0u;

	msr_unmodelled_cpuid(7, 0, &a, &b, &d);
	assert_int_equal(d, 0x43ffffffu);	/* 26-29 and 31 gone */
	assert_int_equal(b, ~0u);
	d = ~0u;
	msr_unmodelled_cpuid(7, 1, &a, &b, &d);	/* another subleaf: untouched */
	assert_int_equal(d, ~0u);
	msr_unmodelled_cpuid(0x80000008, 0, &a, &b, &d);
	assert_int_equal(b, ~0u & ~(u32)(BIT(1) | BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25)));
	b = ~0u;
	msr_unmodelled_cpuid(0x80000021, 0, &a, &b, &d);
	assert_int_equal(a, ~0u & ~(u32)BIT(27));
	a = ~0u;
	msr_unmodelled_cpuid(1, 0, &a, &b, &d);
	assert_int_equal(a & b & d, ~0u);
}


static const u32 mtrr_msrs[] = {
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207, 0x208, 0x209, 0x20a, 0x20b,
	0x20c, 0x20d, 0x20e, 0x20f, 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c,
	0x26d, 0x26e, 0x26f, 0x2ff,
};

static void test_mtrr_which(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(mtrr_msrs); i++)
		assert_true(msr_is_mtrr(mtrr_msrs[i]));
	assert_true(msr_is_mtrr(0xfe));
	const u32 not_mtrr[] = { 0xfd, 0xff, 0x1ff, 0x210, 0x24f, 0x251, 0x257, 0x25a, 0x267,
				 0x270, 0x277, 0x2fe, 0x300 };
	struct mtrr_state m;
	u64 v;
	mtrr_reset_firmware(&m, 40);
	for (size_t i = 0; i < ARRAY_SIZE(not_mtrr); i++) {
		assert_false(msr_is_mtrr(not_mtrr[i]));
		assert_false(mtrr_read(&m, not_mtrr[i], &v));
		assert_false(mtrr_write(&m, not_mtrr[i], 0, 40));
	}
}

static void test_mtrr_cap_and_firmware_values(void **state)
{
	struct mtrr_state m;
	u64 v;
	mtrr_reset_firmware(&m, 40);
	assert_true(mtrr_read(&m, 0xfe, &v));
	assert_int_equal(v, 0x508);		/* 8 variable, fixed, WC; no SMRR */
	assert_false(mtrr_write(&m, 0xfe, 0x508, 40));	/* read-only */
	assert_true(mtrr_read(&m, 0x2ff, &v));
	assert_int_equal(v, 0xc06);		/* enabled, fixed enabled, WB */
	assert_true(mtrr_read(&m, 0x250, &v));
	assert_int_equal(v, 0x0606060606060606ULL);
	assert_true(mtrr_read(&m, 0x259, &v));
	assert_int_equal(v, 0);			/* VGA window UC */
	assert_true(mtrr_read(&m, 0x26f, &v));
	assert_int_equal(v, 0x0606060606060606ULL);
	u64 base, mask;
	assert_true(mtrr_read(&m, 0x200, &base));
	assert_true(mtrr_read(&m, 0x201, &mask));
	assert_int_equal(base, 0xfe000000ULL);	/* UC */
	assert_int_equal(mask, 0xfffe000800ULL);	/* 32 MiB, valid, 40-bit */
	/* The range matches exactly [0xfe000000, 4 GiB) of the 40-bit space. */
	const u64 addrs[] = { 0, 0xfdffffffULL, 0xfe000000ULL, 0xfec00000ULL, 0xfee00000ULL,
			      0xffffffffULL, 0x100000000ULL, 0x1fe000000ULL, 0xfffe000000ULL };
	const bool in[] = { false, false, true, true, true, true, false, false, false };
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++)
		assert_int_equal((addrs[i] & mask & ~0xfffULL) == (base & mask & ~0xfffULL), in[i]);
	for (u32 r = 0x202; r <= 0x20f; r++) {
		assert_true(mtrr_read(&m, r, &v));
		assert_int_equal(v, 0);
	}
	/* another MAXPHYADDR: the mask follows it */
	mtrr_reset_firmware(&m, 48);
	assert_true(mtrr_read(&m, 0x201, &mask));
	assert_int_equal(mask, 0xfffffe000800ULL);
}

static void test_mtrr_read_back(void **state)
{
	struct mtrr_state m;
	u64 v;
	mtrr_reset_firmware(&m, 40);
	for (size_t i = 0; i < ARRAY_SIZE(mtrr_msrs); i++) {
		u32 r = mtrr_msrs[i];
		u64 val;
		if (r == 0x2ff)
			val = 0x801;			/* enabled, fixed off, WC */
		else if (r >= 0x250)
			val = 0x0001040506000504ULL;	/* one type per byte: 4,5,0,6,5,4,1,0 */
		else if (r & 1)
			val = 0xffc0000800ULL;		/* mask: 1 GiB, valid */
		else
			val = 0x0080000005ULL;		/* base: 2 GiB, WP */
		assert_true(mtrr_write(&m, r, val, 40));
		assert_true(mtrr_read(&m, r, &v));
		assert_int_equal(v, val);
	}
}

static void test_mtrr_reserved_bits(void **state)
{
	struct mtrr_state m;
	u64 v;
	mtrr_reset_firmware(&m, 40);
	/* MTRRdefType: types 2, 3, 7 and >7 are not MTRR types; bits 9:8 and
	 * 63:12 reserved */
	const u64 bad_def[] = { 0xc02, 0xc03, 0xc07, 0xc08, 0xd06, 0xe06, 0x1c06, BIT(63) | 0xc06 };
	for (size_t i = 0; i < ARRAY_SIZE(bad_def); i++)
		assert_false(mtrr_write(&m, 0x2ff, bad_def[i], 40));
	assert_true(mtrr_read(&m, 0x2ff, &v));
	assert_int_equal(v, 0xc06);		/* unchanged */
	assert_true(mtrr_write(&m, 0x2ff, 0, 40));	/* all off: fine */
	/* PhysBase: type, bits 11:8, address bits at or above MAXPHYADDR */
	assert_false(mtrr_write(&m, 0x202, 0x80000007ULL, 40));
	assert_false(mtrr_write(&m, 0x202, 0x80000002ULL, 40));
	assert_false(mtrr_write(&m, 0x202, 0x80000106ULL, 40));
	assert_false(mtrr_write(&m, 0x202, 0x80000806ULL, 40));
	assert_false(mtrr_write(&m, 0x202, BIT(40) | 6, 40));
	assert_true(mtrr_write(&m, 0x202, BIT(39) | 6, 40));
	assert_true(mtrr_write(&m, 0x202, BIT(40) | 6, 41));	/* a wider MAXPHYADDR allows it */
	/* PhysMask: bits 10:0 reserved, 11 valid */
	assert_false(mtrr_write(&m, 0x203, 0xffc0000801ULL, 40));
	assert_false(mtrr_write(&m, 0x203, 0xffc0000c00ULL, 40));
	assert_false(mtrr_write(&m, 0x203, 0x1ffc0000800ULL, 40));
	assert_true(mtrr_write(&m, 0x203, 0xffc0000000ULL, 40));	/* invalid range: fine */
	/* fixed ranges: every one of the eight bytes must be a type */
	for (unsigned int b = 0; b < 8; b++) {
		assert_false(mtrr_write(&m, 0x26a, 0x0606060606060606ULL ^ (0x05ULL << (8 * b)), 40)); /* 3 */
		assert_false(mtrr_write(&m, 0x258, 0x0606060606060606ULL | (0x18ULL << (8 * b)), 40)); /* RdMem/WrMem */
		assert_false(mtrr_write(&m, 0x250, 0x0606060606060606ULL | (0x01ULL << (8 * b)), 40)); /* 7 */
	}
	assert_true(mtrr_read(&m, 0x26a, &v));
	assert_int_equal(v, 0x0606060606060606ULL);
}

static void test_amd_config(void **state)
{
	u64 out = 0;
	assert_true(msr_hwcr_write(HWCR_RESET, HWCR_RESET | HWCR_MCSTATUS_WREN, &out));
	assert_int_equal(out, HWCR_TSC_FREQ_SEL | HWCR_MCSTATUS_WREN);
	assert_true(msr_hwcr_write(out, 0, &out));	/* TscFreqSel stays */
	assert_int_equal(out, HWCR_TSC_FREQ_SEL);
	assert_false(msr_hwcr_write(HWCR_RESET, HWCR_RESET | BIT(30), &out));	/* IRPERF: not modelled */
	assert_false(msr_hwcr_write(HWCR_RESET, HWCR_RESET | BIT(0), &out));	/* SmmLock */
	assert_int_equal(msr_top_mem(512ULL << 20), 512ULL << 20);
	assert_int_equal(msr_top_mem(100ULL << 20), 96ULL << 20);	/* 8 MiB granules */
	assert_int_equal(msr_top_mem(4096ULL << 20), 1ULL << 32);
	assert_int_equal(msr_top_mem(1ULL << 20), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pat),
		cmocka_unit_test(test_misc_enable_kut_write),
		cmocka_unit_test(test_misc_enable_read_only_and_reserved),
		cmocka_unit_test(test_mcg_status),
		cmocka_unit_test(test_misc_enable_cpuid),
		cmocka_unit_test(test_unmodelled_cpuid),
		cmocka_unit_test(test_mtrr_which),
		cmocka_unit_test(test_mtrr_cap_and_firmware_values),
		cmocka_unit_test(test_mtrr_read_back),
		cmocka_unit_test(test_mtrr_reserved_bits),
		cmocka_unit_test(test_amd_config),
	};

	return cmocka_run_group_tests_name("msr_rules", tests, NULL, NULL);
}
