/* tests/host/test_lapic_core_ipi.c - host unit tests for the guest local
 * APIC core (vmm/dev/lapic_core.c) as sender and receiver of messages: ICR
 * writes, the kinds of message accepted, destination matching (physical,
 * flat, cluster, x2APIC, broadcast), shorthands, and self IPI in xAPIC and
 * x2APIC mode.  The helpers are in lapic_fixtures.h. */
#include "tests/host/lapic_fixtures.h"

/* ---- ICR ---- */

static void test_icr_xapic(void **state)
{
	enable_sw(&L);
	wr(LAPIC_ICR_HI, 0x02000000);
	wr(LAPIC_ICR_LO, ICR_DEST_LOGICAL | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT | ICR_BUSY | 0x31);
	assert_true(R.ipi);
	assert_int_equal(R.msg.vector, 0x31);
	assert_int_equal(R.msg.delivery, APIC_DM_FIXED);
	assert_true(R.msg.logical);
	assert_true(R.msg.level);
	assert_true(R.msg.assert);
	assert_false(R.msg.x2apic);
	assert_int_equal(R.msg.dest, 2);
	assert_int_equal(R.msg.shorthand, ICR_SH_NONE);
	assert_false(rd(LAPIC_ICR_LO) & ICR_BUSY);	/* delivered at once */
	assert_int_equal(rd(LAPIC_ICR_HI), 0x02000000);

	wr(LAPIC_ICR_LO, ICR_DM_INIT | ICR_LEVEL_ASSERT | (ICR_SH_ALL_BUT_SELF << ICR_SHORTHAND_SHIFT));
	assert_int_equal(R.msg.delivery, APIC_DM_INIT);
	assert_int_equal(R.msg.shorthand, ICR_SH_ALL_BUT_SELF);
	wr(LAPIC_ICR_LO, ICR_DM_STARTUP | 0x9a);
	assert_int_equal(R.msg.delivery, APIC_DM_STARTUP);
	assert_int_equal(R.msg.vector, 0x9a);
	wr(LAPIC_ICR_LO, ICR_DM_NMI);
	assert_int_equal(R.msg.delivery, APIC_DM_NMI);
	wr(LAPIC_ICR_LO, ICR_DM_LOWEST | 0x40);
	assert_int_equal(R.msg.delivery, APIC_DM_LOWEST);
}

static void test_accept_kinds(void **state)
{
	struct vlapic t;
	struct apic_msg m = { 0 };

	mk(&t, 3, false);
	m.delivery = APIC_DM_INIT; m.level = true; m.assert = true;
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_INIT);
	m.assert = false;				/* INIT level de-assert */
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_NONE);
	m.delivery = APIC_DM_STARTUP;
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_SIPI);
	m.delivery = APIC_DM_SMI;
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_SMI);
	m.delivery = APIC_DM_EXTINT;
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_EXTINT);
	/* hardware-disabled: nothing */
	assert_int_equal(vlapic_set_apic_base(&t, LAPIC_DEFAULT_BASE, T0), 0);
	m.delivery = APIC_DM_NMI;
	assert_int_equal(vlapic_accept(&t, &m), LAPIC_ACC_NONE);
	assert_false(vlapic_match_dest(&t, 0xff, false, false));
}

/* ---- destinations ---- */

static void set_ldr(struct vlapic *l, u32 ldr8, bool cluster)
{
	struct vlapic_result r;

	vlapic_mmio_write(l, LAPIC_DFR, cluster ? LAPIC_DFR_CLUSTER : LAPIC_DFR_FLAT, T0, &r);
	vlapic_mmio_write(l, LAPIC_LDR, ldr8 << 24, T0, &r);
}

static void test_dest_physical(void **state)
{
	struct vlapic a, b;

	mk(&a, 0, true);
	mk(&b, 1, false);
	assert_true(vlapic_match_dest(&a, 0, false, false));
	assert_false(vlapic_match_dest(&b, 0, false, false));
	assert_true(vlapic_match_dest(&a, 0xff, false, false));	/* broadcast */
	assert_true(vlapic_match_dest(&b, 0xff, false, false));
	to_x2apic(&a);
	assert_true(vlapic_match_dest(&a, 0xffffffff, false, true));
	assert_false(vlapic_match_dest(&a, 0x100, false, true));
	assert_true(vlapic_match_dest(&a, 0, false, true));
}

/* kvm-unit-tests "IPI to single target using logical flat/cluster mode":
 * every destination with the target's bit reaches it, and an APIC with
 * LDR 0 is never reached (short of broadcast). */
static void test_dest_logical_xapic(void **state)
{
	struct vlapic z, t;

	mk(&z, 0, false);
	mk(&t, 1, false);
	for (int i = 0; i < 8; i++) {
		set_ldr(&z, 0, false);
		set_ldr(&t, 1u << i, false);
		for (u32 k = 0; k < 0xff; k++) {
			u32 d = (1u << i) | k;

			if (d == 0xff)
				continue;
			assert_true(vlapic_match_dest(&t, d, true, false));
			assert_false(vlapic_match_dest(&z, d, true, false));
		}
		assert_false(vlapic_match_dest(&t, 0xff & ~(1u << i), true, false));
	}
	/* cluster: cluster 7:4 equal, any common bit in 3:0 */
	set_ldr(&t, 0x34, true);
	assert_true(vlapic_match_dest(&t, 0x34, true, false));
	assert_true(vlapic_match_dest(&t, 0x3c, true, false));
	assert_false(vlapic_match_dest(&t, 0x38, true, false));
	assert_false(vlapic_match_dest(&t, 0x24, true, false));
	assert_true(vlapic_match_dest(&t, 0xff, true, false));	/* broadcast */
	/* two targets in flat mode */
	set_ldr(&z, 0x01, false);
	set_ldr(&t, 0x02, false);
	assert_true(vlapic_match_dest(&z, 0x03, true, false));
	assert_true(vlapic_match_dest(&t, 0x03, true, false));
}

static void test_dest_logical_x2apic(void **state)
{
	struct vlapic a;
	u64 v;

	mk(&a, 0x23, true);
	to_x2apic(&a);
	assert_int_equal(vlapic_msr_read(&a, 0x80d, T0, &v), 0);
	assert_int_equal(v, (0x2u << 16) | (1u << 3));	/* cluster 2, bit 3 */
	assert_true(vlapic_match_dest(&a, (2u << 16) | 0x8, true, true));
	assert_true(vlapic_match_dest(&a, (2u << 16) | 0xffff, true, true));
	assert_false(vlapic_match_dest(&a, (1u << 16) | 0x8, true, true));
	assert_false(vlapic_match_dest(&a, (2u << 16) | 0x7, true, true));
	assert_true(vlapic_match_dest(&a, 0xffffffff, true, true));
}

static void test_shorthand(void **state)
{
	struct apic_msg m = { .shorthand = ICR_SH_SELF };

	assert_true(vlapic_msg_targets(&L, &m, true));
	assert_false(vlapic_msg_targets(&L, &m, false));
	m.shorthand = ICR_SH_ALL;
	assert_true(vlapic_msg_targets(&L, &m, true));
	assert_true(vlapic_msg_targets(&L, &m, false));
	m.shorthand = ICR_SH_ALL_BUT_SELF;
	assert_false(vlapic_msg_targets(&L, &m, true));
	assert_true(vlapic_msg_targets(&L, &m, false));
}

/* ---- self IPI ---- */

static void test_self_ipi(void **state)
{
	u64 v;

	enable_sw(&L);
	wr(LAPIC_ICR_LO, (ICR_SH_SELF << ICR_SHORTHAND_SHIFT) | 0xf0);	/* xAPIC */
	assert_true(R.ipi);
	assert_true(vlapic_msg_targets(&L, &R.msg, true));
	assert_int_equal(vlapic_accept(&L, &R.msg), LAPIC_ACC_FIXED);
	assert_int_equal(vlapic_pending_vector(&L), 0xf0);
	vlapic_ack(&L, 0xf0);
	wr(LAPIC_EOI, 0);

	to_x2apic(&L);
	assert_int_equal(vlapic_msr_write(&L, 0x83f, 0xf1, T0, &R), 0);
	assert_true(R.ipi);
	assert_int_equal(R.msg.shorthand, ICR_SH_SELF);
	assert_int_equal(R.msg.delivery, APIC_DM_FIXED);
	assert_false(R.msg.level);
	assert_true(vlapic_msg_targets(&L, &R.msg, true));
	assert_false(vlapic_msg_targets(&L, &R.msg, false));
	assert_int_equal(vlapic_accept(&L, &R.msg), LAPIC_ACC_FIXED);
	assert_int_equal(vlapic_pending_vector(&L), 0xf1);
	assert_int_equal(vlapic_msr_read(&L, 0x83f, T0, &v), -EPERM);	/* write-only */
	assert_int_equal(vlapic_msr_write(&L, 0x83f, 0x100, T0, &R), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_icr_xapic, setup),
		cmocka_unit_test_setup(test_accept_kinds, setup),
		cmocka_unit_test_setup(test_dest_physical, setup),
		cmocka_unit_test_setup(test_dest_logical_xapic, setup),
		cmocka_unit_test_setup(test_dest_logical_x2apic, setup),
		cmocka_unit_test_setup(test_shorthand, setup),
		cmocka_unit_test_setup(test_self_ipi, setup),
	};

	return cmocka_run_group_tests_name("lapic_core_ipi", tests, NULL, NULL);
}
