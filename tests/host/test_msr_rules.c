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
	assert_int_equal(b, ~0u & ~(u32)(BIT(12) | BIT(14) | BIT(15) | BIT(24) | BIT(25)));
	b = ~0u;
	msr_unmodelled_cpuid(0x80000021, 0, &a, &b, &d);
	assert_int_equal(a, ~0u & ~(u32)BIT(27));
	a = ~0u;
	msr_unmodelled_cpuid(1, 0, &a, &b, &d);
	assert_int_equal(a & b & d, ~0u);
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
	};

	return cmocka_run_group_tests_name("msr_rules", tests, NULL, NULL);
}
