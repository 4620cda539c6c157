/* tests/host/test_cr_rules.c - vmm/cr_rules.c: which CR4 bits a guest's
 * CPUID lets it set, the #GP cases of MOV to CR4, and which changes flush
 * the TLB.  The cases are those of kvm-unit-tests' idt_test (CR4 =
 * 0xffffffff must #GP) and pcid (PCIDE without CPUID PCID must #GP; with
 * it, not with CR3[11:0] != 0). */
#include "tests/host/host_support.h"
#include "vmm/cr_rules.h"

/* QEMU's EPYC as svmhv passes it through: leaf 1 without PCID, leaf 7
 * with FSGSBASE, SMEP, SMAP, no UMIP, PKU or LA57. */
static const struct cr4_cpuid epyc = {
	.leaf1_ecx = 0x7ed8320b & ~(u32)BIT(17),
	.leaf1_edx = 0x178bfbff,
	.leaf7_ebx = BIT(0) | BIT(3) | BIT(7) | BIT(20),
	.leaf7_ecx = 0,
};
#define LMA	BIT(10)
#define WP	BIT(16)
#define CR4_LONG	(CR4_PAE_BIT | CR4_PGE_BIT | CR4_OSFXSR | CR4_OSXMMEXCPT)

static struct cr4_ctx ctx(u64 allowed, u64 efer, u64 cr3)
{
	struct cr4_ctx c = { .allowed = allowed, .cr0 = 0x80010031ULL, .cr3 = cr3, .efer = efer };
	return c;
}

static void test_allowed_follows_cpuid(void **state)
{
	u64 a = cr4_allowed(&epyc);
	assert_true(a & CR4_PAE_BIT);
	assert_true(a & CR4_OSXSAVE_BIT);
	assert_true(a & CR4_FSGSBASE_BIT);
	assert_true(a & CR4_SMEP);
	assert_false(a & CR4_PCIDE);
	assert_false(a & CR4_UMIP);
	assert_false(a & CR4_LA57_BIT);
	assert_false(a & CR4_PKE);
	assert_false(a & BIT(13));		/* VMXE: never on AMD */
	assert_false(a & BIT(14));		/* SMXE */
	assert_false(a & ~0xffffffffULL);
	struct cr4_cpuid more = epyc;
	more.leaf1_ecx |= BIT(17);
	more.leaf7_ecx |= BIT(2) | BIT(16);
	a = cr4_allowed(&more);
	assert_true(a & CR4_PCIDE);
	assert_true(a & CR4_UMIP);
	assert_true(a & CR4_LA57_BIT);
	struct cr4_cpuid none = { 0 };
	assert_int_equal(cr4_allowed(&none), CR4_PCE);
}

static void test_reserved_bits_gp(void **state)
{
	struct cr4_ctx c = ctx(cr4_allowed(&epyc), LMA, 0x1000);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, 0xffffffffULL), 13);	/* idt_test */
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | BIT(13)), 13);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | BIT(32)), 13);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_OSXSAVE_BIT), 0);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG & ~CR4_PGE_BIT), 0);
}

static void test_pcide(void **state)
{
	struct cr4_ctx c = ctx(cr4_allowed(&epyc), LMA, 0x1000);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_PCIDE), 13);	/* no PCID */
	struct cr4_cpuid more = epyc;
	more.leaf1_ecx |= BIT(17);
	c = ctx(cr4_allowed(&more), LMA, 0x1000);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_PCIDE), 0);
	c.cr3 = 0x1001;
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_PCIDE), 13);
	/* Already set: CR3's low bits are a PCID then, not a reason to fault. */
	assert_int_equal(cr4_write_check(&c, CR4_LONG | CR4_PCIDE, CR4_LONG | CR4_PCIDE), 0);
	c = ctx(cr4_allowed(&more), 0, 0x1000);		/* outside long mode */
	assert_int_equal(cr4_write_check(&c, CR4_PAE_BIT, CR4_PAE_BIT | CR4_PCIDE), 13);
}

static void test_long_mode_rules(void **state)
{
	struct cr4_cpuid more = epyc;
	more.leaf7_ecx |= BIT(16);
	struct cr4_ctx c = ctx(cr4_allowed(&more), LMA, 0);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG & ~CR4_PAE_BIT), 13);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_LA57_BIT), 13);
	assert_int_equal(cr4_write_check(&c, CR4_LONG | CR4_LA57_BIT, CR4_LONG), 13);
	c.efer = 0;	/* legacy mode: both are fine */
	assert_int_equal(cr4_write_check(&c, CR4_LONG, 0), 0);
	assert_int_equal(cr4_write_check(&c, 0, CR4_LA57_BIT), 0);
}

static void test_cet_needs_wp(void **state)
{
	struct cr4_cpuid more = epyc;
	more.leaf7_ecx |= BIT(7);
	struct cr4_ctx c = ctx(cr4_allowed(&more), LMA, 0);
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_CET), 0);
	c.cr0 &= ~WP;
	assert_int_equal(cr4_write_check(&c, CR4_LONG, CR4_LONG | CR4_CET), 13);
}

static void test_flushes(void **state)
{
	assert_true(cr4_write_flushes(CR4_LONG, CR4_LONG & ~CR4_PGE_BIT));	/* cr4_pge toggling */
	assert_true(cr4_write_flushes(CR4_LONG, CR4_LONG | CR4_SMEP));
	assert_true(cr4_write_flushes(CR4_LONG | CR4_PCIDE, CR4_LONG));
	assert_false(cr4_write_flushes(CR4_LONG, CR4_LONG));
	assert_false(cr4_write_flushes(CR4_LONG, CR4_LONG | CR4_OSXSAVE_BIT));
	assert_false(cr4_write_flushes(CR4_LONG, CR4_LONG | CR4_TSD));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_follows_cpuid),
		cmocka_unit_test(test_reserved_bits_gp),
		cmocka_unit_test(test_pcide),
		cmocka_unit_test(test_long_mode_rules),
		cmocka_unit_test(test_cet_needs_wp),
		cmocka_unit_test(test_flushes),
	};

	return cmocka_run_group_tests_name("cr_rules", tests, NULL, NULL);
}
