/* tests/host/test_iobus.c - the VMM core's I/O bus (vmm/iobus.c) on the
 * host: ranges kept sorted whatever the order they come in, lookup at
 * both edges of each range and in the gaps, overlaps and bad ranges
 * refused without changing the bus, a full bus refused. */
#include "tests/host/host_support.h"
#include "vmm/iobus.h"

static struct vmm_device *dev(int i)
{
	return (struct vmm_device *)(unsigned long)(0x1000 + i * 0x10);
}

static void ranges_found_at_edges_not_in_gaps(void **state)
{
	struct vmm_bus b = { 0 };
	assert_int_equal(vmm_bus_register(&b, 0x3f8, 8, dev(1)), 0);
	assert_int_equal(vmm_bus_register(&b, 0x60, 1, dev(2)), 0);
	assert_int_equal(vmm_bus_register(&b, 0x2f8, 8, dev(3)), 0);
	assert_int_equal(b.n, 3);
	for (u32 i = 1; i < b.n; i++)
		assert_true(b.r[i - 1].end <= b.r[i].base);
	assert_ptr_equal(vmm_bus_find(&b, 0x3f8)->dev, dev(1));
	assert_ptr_equal(vmm_bus_find(&b, 0x3ff)->dev, dev(1));
	assert_null(vmm_bus_find(&b, 0x400));
	assert_null(vmm_bus_find(&b, 0x3f7));
	assert_ptr_equal(vmm_bus_find(&b, 0x60)->dev, dev(2));
	assert_null(vmm_bus_find(&b, 0x61));
	assert_null(vmm_bus_find(&b, 0));
	assert_ptr_equal(vmm_bus_find(&b, 0x2fa)->dev, dev(3));
	assert_null(vmm_bus_find(&b, ~0ULL));
}

static void overlaps_and_bad_ranges_refused(void **state)
{
	struct vmm_bus b = { 0 };
	assert_int_equal(vmm_bus_register(&b, 0x100, 0x10, dev(1)), 0);
	assert_int_equal(vmm_bus_register(&b, 0x10f, 1, dev(2)), -EBUSY);	/* last byte */
	assert_int_equal(vmm_bus_register(&b, 0xf0, 0x11, dev(2)), -EBUSY);	/* first byte */
	assert_int_equal(vmm_bus_register(&b, 0x0, 0x1000, dev(2)), -EBUSY);	/* around it */
	assert_int_equal(vmm_bus_register(&b, 0x104, 2, dev(2)), -EBUSY);	/* inside */
	assert_int_equal(vmm_bus_register(&b, 0x200, 0, dev(2)), -EINVAL);
	assert_int_equal(vmm_bus_register(&b, ~0ULL - 1, 4, dev(2)), -EINVAL);
	assert_int_equal(b.n, 1);
	assert_int_equal(vmm_bus_register(&b, 0xf0, 0x10, dev(2)), 0);	/* touching is fine */
	assert_int_equal(vmm_bus_register(&b, 0x110, 0x10, dev(3)), 0);
	assert_ptr_equal(vmm_bus_find(&b, 0xff)->dev, dev(2));
	assert_ptr_equal(vmm_bus_find(&b, 0x100)->dev, dev(1));
	assert_ptr_equal(vmm_bus_find(&b, 0x110)->dev, dev(3));
}

static void full_bus_refused(void **state)
{
	struct vmm_bus b = { 0 };
	for (int i = VMM_BUS_MAX - 1; i >= 0; i--)
		assert_int_equal(vmm_bus_register(&b, 0x1000 * (u64)i, 0x10, dev(i)), 0);
	assert_int_equal(vmm_bus_register(&b, 0x100000, 1, dev(99)), -ENOSPC);
	for (int i = 0; i < VMM_BUS_MAX; i++) {
		assert_ptr_equal(vmm_bus_find(&b, 0x1000 * (u64)i + 0xf)->dev, dev(i));
		assert_null(vmm_bus_find(&b, 0x1000 * (u64)i + 0x10));
	}
}

/* The hint never changes an answer: hits, misses and gaps alike, also
 * after a registration moved the ranges to other indices. */
static void hinted_lookup_agrees(void **state)
{
	struct vmm_bus b = { 0 };
	assert_int_equal(vmm_bus_register(&b, 0x3f8, 8, dev(1)), 0);
	assert_int_equal(vmm_bus_register(&b, 0x60, 1, dev(2)), 0);
	static const u64 probe[] = { 0x3f8, 0x3fb, 0x3ff, 0x400, 0x60, 0x61, 0x3f8, 0, 0x3f7, 0x60, ~0ULL };
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
			assert_ptr_equal(vmm_bus_find_hinted(&b, probe[i]), vmm_bus_find(&b, probe[i]));
		if (!round)
			assert_int_equal(vmm_bus_register(&b, 0x10, 4, dev(3)), 0);	/* shifts both */
	}
	b.hint = 1000;		/* out of range: ignored */
	assert_ptr_equal(vmm_bus_find_hinted(&b, 0x3f9)->dev, dev(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges_found_at_edges_not_in_gaps),
		cmocka_unit_test(overlaps_and_bad_ranges_refused),
		cmocka_unit_test(full_bus_refused),
		cmocka_unit_test(hinted_lookup_agrees),
	};
	return cmocka_run_group_tests_name("iobus", tests, NULL, NULL);
}
