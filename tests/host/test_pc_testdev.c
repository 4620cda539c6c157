/* tests/host/test_pc_testdev.c - QEMU's pc-testdev as vmm/dev/pc_testdev_core.c
 * models it: the interrupt-line ports as kvm-unit-tests' set_irq_line()
 * drives them (a byte to 0x2000 + line; line 0 on GSI 2), the scratch
 * port's bytes, the page a flush names, and the accesses that do nothing. */
#include "tests/host/host_support.h"
#include "vmm/dev/pc_testdev_core.h"

static void irq_lines_drive_gsis(void **state)
{
	struct pctd_core c = { 0 };
	struct pctd_action a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 0x0e, 1, true, 1);
	assert_int_equal(a.kind, PCTD_IRQ);
	assert_int_equal(a.gsi, 0x0e);
	assert_true(a.level);
	a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 0x0e, 1, true, 0);
	assert_int_equal(a.kind, PCTD_IRQ);
	assert_false(a.level);
	a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 0x0f, 1, true, 0x80);	/* any non-zero byte */
	assert_true(a.level);
	assert_int_equal(a.gsi, 0x0f);
	a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 0x0f, 1, true, 0x100);	/* only the byte counts */
	assert_false(a.level);
	a = pctd_access(&c, PC_TESTDEV_PORT_IRQ, 1, true, 1);
	assert_int_equal(a.gsi, 2);					/* ISA line 0 */
	assert_int_equal(pctd_line_gsi(0), 2);
	for (u32 l = 1; l < PC_TESTDEV_IRQ_LINES; l++)
		assert_int_equal(pctd_line_gsi(l), l);
	a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 23, 1, true, 1);
	assert_int_equal(a.kind, PCTD_IRQ);
	assert_int_equal(a.gsi, 23);
}

static void irq_ports_take_byte_writes_only(void **state)
{
	struct pctd_core c = { 0 };
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_IRQ + 1, 2, true, 1).kind, PCTD_NONE);
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_IRQ + 1, 4, true, 1).kind, PCTD_NONE);
	struct pctd_action a = pctd_access(&c, PC_TESTDEV_PORT_IRQ + 1, 1, false, 0);
	assert_int_equal(a.kind, PCTD_NONE);
	assert_int_equal(a.value, 0);
	/* Past the last line: not the device's (the bus would not send it). */
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_IRQ + PC_TESTDEV_IRQ_LINES, 1, true, 1).kind,
			 PCTD_NONE);
}

static void scratch_port_keeps_its_bytes(void **state)
{
	struct pctd_core c = { 0 };
	pctd_access(&c, PC_TESTDEV_PORT_DATA, 4, true, 0x12345678);
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_DATA, 4, false, 0).value, 0x12345678);
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_DATA + 1, 1, false, 0).value, 0x56);
	assert_int_equal(pctd_access(&c, PC_TESTDEV_PORT_DATA + 2, 2, false, 0).value, 0x1234);
	pctd_access(&c, PC_TESTDEV_PORT_DATA + 1, 1, true, 0xab);
	assert_int_equal(c.data, 0x1234ab78);
	pctd_access(&c, PC_TESTDEV_PORT_DATA + 3, 4, true, 0xffffffff);	/* only byte 3 is there */
	assert_int_equal(c.data, 0xff34ab78);
	pctd_access(&c, PC_TESTDEV_PORT_DATA, 2, true, 0);
	assert_int_equal(c.data, 0xff340000);
}

static void flush_names_the_page(void **state)
{
	struct pctd_core c = { 0 };
	struct pctd_action a = pctd_access(&c, PC_TESTDEV_PORT_FLUSH, 4, true, 0x00456789);
	assert_int_equal(a.kind, PCTD_FLUSH);
	assert_int_equal(a.gpa, 0x00456000);
	a = pctd_access(&c, PC_TESTDEV_PORT_FLUSH, 2, true, 0xfffff123);	/* 16 bits written */
	assert_int_equal(a.gpa, 0xf000);
	a = pctd_access(&c, PC_TESTDEV_PORT_FLUSH, 4, false, 0);
	assert_int_equal(a.kind, PCTD_NONE);
	assert_int_equal(a.value, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(irq_lines_drive_gsis),
		cmocka_unit_test(irq_ports_take_byte_writes_only),
		cmocka_unit_test(scratch_port_keeps_its_bytes),
		cmocka_unit_test(flush_names_the_page),
	};
	return cmocka_run_group_tests_name("pc_testdev", tests, NULL, NULL);
}
