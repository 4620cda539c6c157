/* tests/host/test_pvipi.c - KVM_HC_SEND_IPI's request decoding
 * (vmm/pvipi.c): the APIC IDs the two bitmaps name from `min` in 64- and
 * 32-bit mode, IDs past the VM's last one or past 2^32 - 1 naming nothing
 * (kvm-unit-tests' apic "PV IPIs testing" sends min = 0xffffffff and wants
 * 0 back), targets that refuse counted out, and the ICR words refused. */
#include "tests/host/host_support.h"
#include "vmm/pvipi.h"
#include "hw/lapic.h"

#define MAX_SEEN 300

struct seen {
	u32 n;
	u32 id[MAX_SEEN];
	bool refusing;		/* send() answers false for ID `refuse` */
	u32 refuse;
};

static bool record(void *arg, u32 id)
{
	struct seen *s = arg;
	assert_true(s->n < MAX_SEEN);
	s->id[s->n++] = id;
	return !(s->refusing && id == s->refuse);
}

static void long_mode_two_clusters(void **state)
{
	struct seen s = { 0 };
	struct pvipi_req r = { .bitmap = { 0x5, 1ULL << 63 | 1 }, .min = 10, .long_mode = true };
	assert_int_equal(pvipi_for_each(&r, 1000, record, &s), 4);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.id[0], 10);
	assert_int_equal(s.id[1], 12);
	assert_int_equal(s.id[2], 74);		/* high bit 0: min + 64 */
	assert_int_equal(s.id[3], 137);		/* high bit 63 */
}

static void protected_mode_clusters_are_32_bits(void **state)
{
	struct seen s = { 0 };
	/* Bits above 31 cannot come from a 32-bit register: ignored. */
	struct pvipi_req r = { .bitmap = { 0x80000001ULL | 1ULL << 40, 0x2 }, .min = 0, .long_mode = false };
	assert_int_equal(pvipi_for_each(&r, 255, record, &s), 3);
	assert_int_equal(s.id[0], 0);
	assert_int_equal(s.id[1], 31);
	assert_int_equal(s.id[2], 33);		/* high bit 1: 0 + 32 + 1 */
}

static void ids_past_the_last_name_nothing(void **state)
{
	struct seen s = { 0 };
	struct pvipi_req r = { .bitmap = { ~0ULL, ~0ULL }, .min = 0, .long_mode = true };
	assert_int_equal(pvipi_for_each(&r, 3, record, &s), 4);	/* IDs 0-3 of a 4-vCPU VM */
	assert_int_equal(s.n, 4);
	assert_int_equal(s.id[3], 3);

	/* kvm-unit-tests: low bitmap 0xffffffff from min 0xffffffff. */
	s.n = 0;
	struct pvipi_req kut = { .bitmap = { 0xffffffffULL, 0 }, .min = 0xffffffffu, .long_mode = true };
	assert_int_equal(pvipi_for_each(&kut, 1, record, &s), 0);
	assert_int_equal(s.n, 0);

	/* No wrap-around: min + 64 past 2^32 - 1 is not ID 63. */
	struct pvipi_req wrap = { .bitmap = { 0, 1ULL << 63 }, .min = 0xffffffffu, .long_mode = true };
	assert_int_equal(pvipi_for_each(&wrap, ~0u, record, &s), 0);
	assert_int_equal(s.n, 0);
	/* ... but the very last ID is reachable. */
	struct pvipi_req last = { .bitmap = { 1, 0 }, .min = 0xffffffffu, .long_mode = true };
	assert_int_equal(pvipi_for_each(&last, ~0u, record, &s), 1);
	assert_int_equal(s.id[0], 0xffffffffu);
}

static void refused_targets_are_not_counted(void **state)
{
	struct seen s = { .refusing = true, .refuse = 2 };
	struct pvipi_req r = { .bitmap = { 0xf, 0 }, .min = 0, .long_mode = true };
	assert_int_equal(pvipi_for_each(&r, 100, record, &s), 3);
	assert_int_equal(s.n, 4);		/* all four were tried */
}

static void empty_request_sends_nothing(void **state)
{
	struct seen s = { 0 };
	struct pvipi_req r = { .min = 0, .long_mode = true };
	assert_int_equal(pvipi_for_each(&r, 100, record, &s), 0);
	assert_int_equal(s.n, 0);
}

static void icr_words(void **state)
{
	assert_int_equal(pvipi_check_icr(0), 0);
	assert_int_equal(pvipi_check_icr(0xf1), 0);
	assert_int_equal(pvipi_check_icr(ICR_DM_NMI | ICR_LEVEL_ASSERT), 0);
	assert_int_equal(pvipi_check_icr(ICR_DM_FIXED | ICR_TRIGGER_LEVEL | 0x40), 0);
	assert_int_equal(pvipi_check_icr(ICR_DEST_LOGICAL | 0x40), -EINVAL);
	for (u32 sh = 1; sh < 4; sh++)
		assert_int_equal(pvipi_check_icr(sh << ICR_SHORTHAND_SHIFT | 0x40), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_mode_two_clusters),
		cmocka_unit_test(protected_mode_clusters_are_32_bits),
		cmocka_unit_test(ids_past_the_last_name_nothing),
		cmocka_unit_test(refused_targets_are_not_counted),
		cmocka_unit_test(empty_request_sends_nothing),
		cmocka_unit_test(icr_words),
	};
	return cmocka_run_group_tests_name("pvipi", tests, NULL, NULL);
}
