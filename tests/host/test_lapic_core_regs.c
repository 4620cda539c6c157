/* tests/host/test_lapic_core_regs.c - host unit tests for the guest local
 * APIC core (vmm/dev/lapic_core.c) registers: ID and version, TPR/PPR
 * masking, EOI order with nested ISR, ESR write-then-read, software
 * disable, x2APIC register rules, IA32_APIC_BASE transitions and resets,
 * and the writable bits of the LVT and other registers.  The helpers are
 * in lapic_fixtures.h. */
#include "tests/host/lapic_fixtures.h"

/* ---- ID, version ---- */

static void test_id_version(void **state)
{
	u32 v = rd(LAPIC_VERSION);

	assert_int_equal(v & 0xff, 0x14);	/* kvm-unit-tests wants 0x10-0x15 */
	assert_int_equal(LAPIC_VERSION_MAXLVT(v), 5);
	assert_false(v & LAPIC_VERSION_DIRECTED_EOI);
	assert_int_equal(rd(LAPIC_ID), 1u << 24);
	wr(LAPIC_ID, 2u << 24);			/* writable in xAPIC mode */
	assert_int_equal(rd(LAPIC_ID), 2u << 24);
	wr(LAPIC_VERSION, 0);			/* read-only */
	assert_int_equal(rd(LAPIC_VERSION), v);
	assert_int_equal(rd(LAPIC_DFR), 0xffffffffu);
	assert_int_equal(rd(LAPIC_SVR), 0xff);
	assert_int_equal(rd(LAPIC_LVT_TIMER), LVT_MASKED);
}

/* ---- TPR, PPR, pending, ack, EOI ---- */

static void test_tpr_masks(void **state)
{
	enable_sw(&L);
	wr(LAPIC_TPR, 0x50);
	fixed(&L, 0x45, false);
	assert_int_equal(vlapic_pending_vector(&L), -1);	/* class 4 <= 5 */
	fixed(&L, 0x55, false);
	assert_int_equal(vlapic_pending_vector(&L), -1);	/* same class is blocked too */
	wr(LAPIC_TPR, 0x4f);
	assert_int_equal(vlapic_pending_vector(&L), 0x55);
	vlapic_set_tpr(&L, 0);				/* as CR8 = 0 */
	assert_int_equal(vlapic_pending_vector(&L), 0x55);	/* highest first */
	assert_int_equal(rd(LAPIC_PPR), 0);
	assert_int_equal(rd(LAPIC_APR), 0x50);		/* IRR class 5 over TPR 0 */
}

/* kvm-unit-tests eventinj "TPR": vectors 32 and 62 wait behind TPR 0xf0;
 * TPR 0x20 lets 62 in and holds 32 (its class equals TPR's), and only TPR
 * 0 lets 32 in.  vlapic_tpr_holds says when TPR alone holds one back. */
static void test_tpr_holds(void **state)
{
	enable_sw(&L);
	assert_false(vlapic_tpr_holds(&L));		/* nothing pending */
	wr(LAPIC_TPR, 0xf0);
	fixed(&L, 32, false);
	fixed(&L, 62, false);
	assert_int_equal(vlapic_pending_vector(&L), -1);
	assert_true(vlapic_tpr_holds(&L));
	wr(LAPIC_TPR, 0x20);
	assert_int_equal(vlapic_pending_vector(&L), 62);
	assert_false(vlapic_tpr_holds(&L));		/* one to offer: not held */
	vlapic_ack(&L, 62);
	assert_int_equal(vlapic_pending_vector(&L), -1);
	assert_false(vlapic_tpr_holds(&L));		/* 32 waits behind 62 in service */
	wr(LAPIC_EOI, 0);
	assert_int_equal(vlapic_pending_vector(&L), -1);	/* class 2 == TPR class 2 */
	assert_true(vlapic_tpr_holds(&L));
	vlapic_set_tpr(&L, 0);				/* as CR8 = 0 */
	assert_int_equal(vlapic_pending_vector(&L), 32);
	assert_false(vlapic_tpr_holds(&L));
	vlapic_ack(&L, 32);
	wr(LAPIC_EOI, 0);
	assert_false(vlapic_tpr_holds(&L));
}

static void test_ppr_isr_nested_eoi(void **state)
{
	enable_sw(&L);
	fixed(&L, 0x40, false);
	vlapic_ack(&L, 0x40);
	assert_int_equal(vlapic_ppr(&L), 0x40);
	fixed(&L, 0x42, false);
	assert_int_equal(vlapic_pending_vector(&L), -1);	/* same class as in service */
	fixed(&L, 0x80, true);				/* level */
	assert_int_equal(vlapic_pending_vector(&L), 0x80);
	vlapic_ack(&L, 0x80);
	assert_int_equal(rd(LAPIC_ISR0 + 0x40), (1u << 0) | 0);	/* ISR bits 0x40 and 0x80 */
	assert_int_equal(rd(LAPIC_ISR0 + 0x20), 1u << 0);
	assert_int_equal(rd(LAPIC_TMR0 + 0x40), 1u << 0);
	assert_int_equal(vlapic_ppr(&L), 0x80);
	wr(LAPIC_TPR, 0x90);
	assert_int_equal(vlapic_ppr(&L), 0x90);		/* TPR above ISR wins */
	wr(LAPIC_TPR, 0);

	wr(LAPIC_EOI, 0);				/* retires 0x80 first */
	assert_true(R.eoi);
	assert_int_equal(R.eoi_vector, 0x80);
	assert_true(R.eoi_level);
	assert_int_equal(vlapic_ppr(&L), 0x40);
	assert_int_equal(vlapic_pending_vector(&L), -1);	/* 0x42 still blocked by 0x40 */
	wr(LAPIC_EOI, 0);
	assert_int_equal(R.eoi_vector, 0x40);
	assert_false(R.eoi_level);
	assert_int_equal(vlapic_pending_vector(&L), 0x42);
	vlapic_ack(&L, 0x42);
	wr(LAPIC_EOI, 0);
	wr(LAPIC_EOI, 0);				/* nothing in service */
	assert_false(R.eoi);
	assert_int_equal(rd(LAPIC_TMR0 + 0x40), 1u << 0);	/* TMR stays until an edge 0x80 */
	fixed(&L, 0x80, false);
	assert_int_equal(rd(LAPIC_TMR0 + 0x40), 0);
}

static void test_esr_write_then_read(void **state)
{
	struct apic_msg m = { .vector = 5, .delivery = APIC_DM_FIXED };

	enable_sw(&L);
	assert_int_equal(vlapic_accept(&L, &m), LAPIC_ACC_NONE);
	assert_int_equal(rd(LAPIC_ESR), 0);		/* not latched yet */
	wr(LAPIC_ESR, 0);
	assert_int_equal(rd(LAPIC_ESR), LAPIC_ESR_RECV_ILLEGAL);
	wr(LAPIC_ESR, 0);
	assert_int_equal(rd(LAPIC_ESR), 0);
	/* Sending an illegal vector: no IPI, send error; error LVT fires. */
	wr(LAPIC_LVT_ERROR, 0xfe);
	wr(LAPIC_ICR_LO, 3);
	assert_false(R.ipi);
	wr(LAPIC_ESR, 0);
	assert_int_equal(rd(LAPIC_ESR), LAPIC_ESR_SEND_ILLEGAL);
	assert_int_equal(vlapic_pending_vector(&L), 0xfe);
	/* A reserved register sets "illegal register address". */
	rd(0x3c0);
	wr(LAPIC_ESR, 0);
	assert_int_equal(rd(LAPIC_ESR), LAPIC_ESR_ILLEGAL_REG);
}

/* ---- software enable ---- */

static void test_sw_disable(void **state)
{
	struct apic_msg nmi = { .delivery = APIC_DM_NMI };
	struct apic_msg f = { .vector = 0x50, .delivery = APIC_DM_FIXED };

	assert_int_equal(vlapic_accept(&L, &f), LAPIC_ACC_NONE);	/* SVR 0xff after reset */
	enable_sw(&L);
	wr(LAPIC_LVT_LINT0, 0x700);
	wr(LAPIC_LVT_TIMER, 0x20);
	assert_int_equal(rd(LAPIC_LVT_LINT0), 0x700);
	fixed(&L, 0x60, false);
	wr(LAPIC_SVR, 0xff);				/* software disable */
	assert_int_equal(rd(LAPIC_LVT_LINT0), 0x700 | LVT_MASKED);
	assert_int_equal(rd(LAPIC_LVT_TIMER), 0x20 | LVT_MASKED);
	wr(LAPIC_LVT_TIMER, 0x20);			/* cannot unmask while disabled */
	assert_int_equal(rd(LAPIC_LVT_TIMER), 0x20 | LVT_MASKED);
	assert_int_equal(vlapic_pending_vector(&L), -1);
	assert_int_equal(rd(LAPIC_IRR0 + 0x30), 1u);	/* IRR kept */
	assert_int_equal(vlapic_accept(&L, &f), LAPIC_ACC_NONE);
	assert_int_equal(vlapic_accept(&L, &nmi), LAPIC_ACC_NMI);
	enable_sw(&L);
	assert_int_equal(vlapic_pending_vector(&L), 0x60);
	assert_int_equal(rd(LAPIC_LVT_TIMER), 0x20 | LVT_MASKED);	/* stays masked */
}

/* ---- x2APIC register rules ---- */

static void test_x2apic_registers(void **state)
{
	u64 v;

	assert_int_equal(vlapic_msr_read(&L, 0x802, T0, &v), -EPERM);	/* not in x2APIC yet */
	to_x2apic(&L);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_VERSION, T0), ~0u);	/* page is gone */
	assert_int_equal(vlapic_msr_read(&L, 0x802, T0, &v), 0);
	assert_int_equal(v, 1);					/* full 32-bit ID */
	assert_int_equal(vlapic_msr_read(&L, 0x803, T0, &v), 0);
	assert_int_equal(v, VLAPIC_CORE_VERSION);
	/* no such register in x2APIC: APR, RRD, DFR, ICR_HI, CMCI, reserved */
	static const u32 gp_read[] = { 0x800, 0x809, 0x80b, 0x80c, 0x80e, 0x82f, 0x831,
				       0x83a, 0x83f, 0x840, 0x8ff };
	for (unsigned int i = 0; i < ARRAY_SIZE(gp_read); i++)
		assert_int_equal(vlapic_msr_read(&L, gp_read[i], T0, &v), -EPERM);
	/* read-only: ID, version, PPR, LDR, ISR/TMR/IRR, current count */
	static const u32 gp_write[] = { 0x802, 0x803, 0x80a, 0x80d, 0x810, 0x818, 0x827,
					0x839, 0x80e, 0x831, 0x809 };
	for (unsigned int i = 0; i < ARRAY_SIZE(gp_write); i++)
		assert_int_equal(vlapic_msr_write(&L, gp_write[i], 0, T0, &R), -EPERM);
	assert_int_equal(vlapic_msr_write(&L, 0x80b, 1, T0, &R), -EPERM);	/* EOI non-zero */
	assert_int_equal(vlapic_msr_write(&L, 0x80b, 0, T0, &R), 0);
	assert_int_equal(vlapic_msr_write(&L, 0x828, 1, T0, &R), -EPERM);	/* ESR non-zero */
	assert_int_equal(vlapic_msr_write(&L, 0x808, 1ull << 32, T0, &R), -EPERM);
	assert_int_equal(vlapic_msr_write(&L, 0x808, 0x20, T0, &R), 0);
	assert_int_equal(vlapic_msr_read(&L, 0x808, T0, &v), 0);
	assert_int_equal(v, 0x20);
	/* ICR: one 64-bit MSR, destination in 63:32, sends */
	assert_int_equal(vlapic_msr_write(&L, 0x830, (0x12345ull << 32) | 0x4041, T0, &R), 0);
	assert_true(R.ipi);
	assert_true(R.msg.x2apic);
	assert_int_equal(R.msg.dest, 0x12345);
	assert_int_equal(R.msg.vector, 0x41);
	assert_int_equal(vlapic_msr_read(&L, 0x830, T0, &v), 0);
	assert_int_equal(v, (0x12345ull << 32) | 0x4041);
	assert_int_equal(vlapic_msr_read(&L, 0x6e0, T0, &v), -EPERM);	/* not an APIC MSR */
}

/* ---- IA32_APIC_BASE (kvm-unit-tests "test_enable_x2apic", "apicbase",
 * "apic_disable", "apic id") ---- */

static void test_apic_base_transitions(void **state)
{
	u64 b = LAPIC_DEFAULT_BASE, en = APIC_BASE_EN, x = APIC_BASE_EXTD;

	assert_int_equal(vlapic_apic_base(&L), b | en);
	to_x2apic(&L);
	assert_int_equal(vlapic_set_apic_base(&L, b | x, T0), -EPERM);		/* invalid state */
	assert_int_equal(vlapic_set_apic_base(&L, b | en, T0), -EPERM);		/* x2APIC -> xAPIC */
	assert_int_equal(vlapic_set_apic_base(&L, b, T0), 0);			/* -> disabled */
	assert_false(vlapic_hw_enabled(&L));
	assert_int_equal(vlapic_set_apic_base(&L, b | x, T0), -EPERM);
	assert_int_equal(vlapic_set_apic_base(&L, b | en | x, T0), -EPERM);	/* disabled -> x2APIC */
	assert_int_equal(vlapic_set_apic_base(&L, b | en, T0), 0);		/* disabled -> xAPIC */
	assert_true(vlapic_xapic_mode(&L));
	assert_int_equal(vlapic_set_apic_base(&L, b | x, T0), -EPERM);
	/* reserved bits: low byte, bit 9, at or above MAXPHYADDR */
	assert_int_equal(vlapic_set_apic_base(&L, b | en | 1, T0), -EPERM);
	assert_int_equal(vlapic_set_apic_base(&L, b | en | BIT(9), T0), -EPERM);
	assert_int_equal(vlapic_set_apic_base(&L, b | en | BIT(48), T0), -EPERM);
	/* relocation */
	assert_int_equal(vlapic_set_apic_base(&L, 0xfed40000 | en, T0), 0);
	assert_int_equal(vlapic_mmio_base(&L), 0xfed40000);
	/* x2APIC not advertised */
	{
		struct vlapic n;

		mk(&n, 0, false);
		assert_int_equal(vlapic_set_apic_base(&n, b | en | x, T0), -EPERM);
		assert_int_equal(vlapic_apic_base(&n), b | en | APIC_BASE_BSP);	/* BSP kept */
	}
}

static void test_disable_resets(void **state)
{
	u64 v;

	enable_sw(&L);
	wr(LAPIC_ID, 7u << 24);
	wr(LAPIC_TPR, 0x30);
	fixed(&L, 0x70, false);
	wr(LAPIC_TIMER_INIT, 1000);
	assert_int_equal(vlapic_set_apic_base(&L, LAPIC_DEFAULT_BASE, T0), 0);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_ID, T0), ~0u);	/* page not live */
	assert_int_equal(vlapic_set_apic_base(&L, LAPIC_DEFAULT_BASE | APIC_BASE_EN, T0), 0);
	assert_int_equal(rd(LAPIC_ID), 1u << 24);			/* the initial ID again */
	assert_int_equal(rd(LAPIC_TPR), 0);
	assert_int_equal(rd(LAPIC_SVR), 0xff);
	assert_int_equal(rd(LAPIC_IRR0 + 0x30), 0);
	assert_int_equal(rd(LAPIC_TIMER_CUR), 0);
	assert_int_equal(rd(LAPIC_VERSION), VLAPIC_CORE_VERSION);
	/* x2APIC: the ID is the full initial ID and cannot be written */
	wr(LAPIC_ID, 9u << 24);
	to_x2apic(&L);
	assert_int_equal(vlapic_msr_read(&L, 0x802, T0, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vlapic_msr_write(&L, 0x802, 2, T0, &R), -EPERM);
}

static void test_init_reset_keeps_id(void **state)
{
	enable_sw(&L);
	wr(LAPIC_ID, 5u << 24);
	wr(LAPIC_TPR, 0x30);
	vlapic_init_reset(&L);
	assert_int_equal(rd(LAPIC_ID), 5u << 24);
	assert_int_equal(rd(LAPIC_TPR), 0);
	assert_int_equal(rd(LAPIC_SVR), 0xff);
	assert_true(vlapic_xapic_mode(&L));
}

static void test_lvt_writable_bits(void **state)
{
	enable_sw(&L);
	wr(LAPIC_LVT_LINT0, 0xffffffff);
	assert_int_equal(rd(LAPIC_LVT_LINT0), LVT_LINT_WMASK);
	wr(LAPIC_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(LAPIC_LVT_ERROR), LVT_ERROR_WMASK);
	wr(LAPIC_LVT_PERF, 0xffffffff);
	assert_int_equal(rd(LAPIC_LVT_PERF), LVT_PERF_WMASK);
	wr(LAPIC_LVT_THERMAL, 0xffffffff);
	assert_int_equal(rd(LAPIC_LVT_THERMAL), LVT_THERMAL_WMASK);
	wr(LAPIC_SVR, 0xffffffff);
	assert_int_equal(rd(LAPIC_SVR), 0x3ff);			/* no EOI suppression */
	wr(LAPIC_DFR, 0);
	assert_int_equal(rd(LAPIC_DFR), LAPIC_DFR_CLUSTER);
	wr(LAPIC_LDR, 0xffffffff);
	assert_int_equal(rd(LAPIC_LDR), 0xff000000);
	wr(LAPIC_ICR_HI, 0xffffffff);
	assert_int_equal(rd(LAPIC_ICR_HI), 0xff000000);
	wr(LAPIC_PPR, 0x55);						/* read-only */
	assert_int_equal(rd(LAPIC_PPR), 0);
	assert_int_equal(rd(LAPIC_EOI), 0);
	assert_int_equal(rd(LAPIC_ID + 4), 0);			/* not a register */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_id_version, setup),
		cmocka_unit_test_setup(test_tpr_masks, setup),
		cmocka_unit_test_setup(test_tpr_holds, setup),
		cmocka_unit_test_setup(test_ppr_isr_nested_eoi, setup),
		cmocka_unit_test_setup(test_esr_write_then_read, setup),
		cmocka_unit_test_setup(test_sw_disable, setup),
		cmocka_unit_test_setup(test_x2apic_registers, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_disable_resets, setup),
		cmocka_unit_test_setup(test_init_reset_keeps_id, setup),
		cmocka_unit_test_setup(test_lvt_writable_bits, setup),
	};

	return cmocka_run_group_tests_name("lapic_core_regs", tests, NULL, NULL);
}
