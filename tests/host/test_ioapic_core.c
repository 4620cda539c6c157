/* tests/host/test_ioapic_core.c - host unit tests for the guest I/O APIC
 * core (vmm/dev/ioapic_core.c): ID/version/arbitration registers, the
 * redirection table's writable and read-only bits, edge and level pins,
 * remote IRR and EOI re-delivery, masking, and routing to local APIC cores
 * in physical and logical mode as the glue will.  The scenarios follow
 * kvm-unit-tests' x86/ioapic.c. */
#include "tests/host/host_support.h"
#include <string.h>
#include "lib/types.h"
#include "vmm/dev/ioapic_core.h"
#include "vmm/dev/lapic_core.h"

#define NCPU 4
#define T0 1000ull

static struct vioapic IO;
static struct vioapic_out O;
static struct vlapic CPU[NCPU];

static int setup(void **state)
{
	vioapic_init(&IO, 0);
	memset(&O, 0, sizeof(O));
	for (u32 i = 0; i < NCPU; i++) {
		struct vlapic_config c = { .apic_id = i, .bsp = i == 0, .maxphyaddr = 48,
					   .tsc_hz = 1, .timer_hz = 1 };
		struct vlapic_result r;

		vlapic_init(&CPU[i], &c);
		vlapic_mmio_write(&CPU[i], LAPIC_SVR, 0x1ff, T0, &r);
		/* flat logical IDs, one bit per CPU, as kvm-unit-tests sets them */
		vlapic_mmio_write(&CPU[i], LAPIC_LDR, (1u << i) << 24, T0, &r);
	}
	return 0;
}

static u32 reg_rd(u32 reg)
{
	vioapic_mmio_write(&IO, IOAPIC_REGSEL, reg, &O);
	return vioapic_mmio_read(&IO, IOAPIC_WIN);
}

static void reg_wr(u32 reg, u32 val)
{
	vioapic_mmio_write(&IO, IOAPIC_REGSEL, reg, &O);
	vioapic_mmio_write(&IO, IOAPIC_WIN, val, &O);
}

static void set_redir(unsigned int pin, u8 vec, bool level, bool masked, bool logical, u8 dest)
{
	reg_wr(IOAPIC_REG_REDTBL(pin) + 1, (u32)dest << 24);
	reg_wr(IOAPIC_REG_REDTBL(pin), vec | (level ? IOAPIC_RTE_LEVEL : 0) |
	       (masked ? IOAPIC_RTE_MASKED : 0) | (logical ? IOAPIC_RTE_DEST_LOGICAL : 0));
}

static void line(unsigned int pin, bool up)
{
	assert_int_equal(vioapic_set_irq(&IO, pin, up, &O), 0);
}

static bool remote_irr(unsigned int pin)
{
	return vioapic_rte(&IO, pin) & IOAPIC_RTE_REMOTE_IRR;
}

/* Route what the last call sent; return a bit per CPU that accepted. */
static u32 route(void)
{
	u32 got = 0;

	for (unsigned int k = 0; k < O.n; k++)
		for (int i = 0; i < NCPU; i++)
			if (vlapic_msg_targets(&CPU[i], &O.msg[k], false) &&
			    vlapic_accept(&CPU[i], &O.msg[k]) == LAPIC_ACC_FIXED)
				got |= 1u << i;
	return got;
}

/* CPU i takes its interrupt and EOIs it; a level EOI goes to the I/O APIC. */
static void take_and_eoi(int i, u8 vec)
{
	struct vlapic_result r;

	assert_int_equal(vlapic_pending_vector(&CPU[i]), vec);
	vlapic_ack(&CPU[i], vec);
	vlapic_mmio_write(&CPU[i], LAPIC_EOI, 0, T0, &r);
	assert_true(r.eoi);
	assert_int_equal(r.eoi_vector, vec);
	if (r.eoi_level)
		vioapic_eoi(&IO, r.eoi_vector, &O);
	else
		O.n = 0;
}

static void test_registers(void **state)
{
	u32 v = reg_rd(IOAPIC_REG_VER);

	assert_int_equal(v, 0x170011);
	assert_int_equal(IOAPIC_VER_MAXREDIR(v), 23);
	reg_wr(IOAPIC_REG_VER, v ^ 0xffffffff);			/* read-only */
	assert_int_equal(reg_rd(IOAPIC_REG_VER), v);

	u32 id = reg_rd(IOAPIC_REG_ID);
	reg_wr(IOAPIC_REG_ID, id ^ 0xffffffff);
	assert_int_equal(id ^ reg_rd(IOAPIC_REG_ID), 0x0f000000);	/* only 27:24 */

	reg_wr(IOAPIC_REG_ID, 0x0f000000);
	assert_int_equal(reg_rd(IOAPIC_REG_ARB), 0x0f000000);	/* set by the ID */
	reg_wr(IOAPIC_REG_ARB, 0);
	assert_int_equal(reg_rd(IOAPIC_REG_ARB), 0x0f000000);	/* read-only */

	assert_int_equal(vioapic_mmio_read(&IO, IOAPIC_REGSEL), IOAPIC_REG_ARB);
	assert_int_equal(reg_rd(IOAPIC_REG_REDTBL(0)), IOAPIC_RTE_MASKED);	/* reset */
	assert_int_equal(reg_rd(0x40), 0);				/* past the table */
	assert_int_equal(vioapic_set_irq(&IO, 24, true, &O), -EINVAL);

	/* writable bits; delivery status and remote IRR are read-only */
	reg_wr(IOAPIC_REG_REDTBL(5), 0xffffffff);
	reg_wr(IOAPIC_REG_REDTBL(5) + 1, 0xffffffff);
	assert_int_equal(vioapic_rte(&IO, 5), IOAPIC_RTE_WMASK);
	assert_int_equal(reg_rd(IOAPIC_REG_REDTBL(5) + 1), 0xff000000);
}

static void test_edge(void **state)
{
	set_redir(0xe, 0x76, false, false, false, 0);
	line(0xe, true);
	assert_int_equal(O.n, 1);
	assert_int_equal(O.pin[0], 0xe);
	assert_int_equal(O.msg[0].vector, 0x76);
	assert_false(O.msg[0].level);
	assert_false(O.msg[0].logical);
	assert_int_equal(O.msg[0].dest, 0);
	assert_int_equal(route(), 1u << 0);
	line(0xe, true);				/* no new edge */
	assert_int_equal(O.n, 0);
	line(0xe, false);
	assert_int_equal(O.n, 0);
	take_and_eoi(0, 0x76);
	assert_int_equal(O.n, 0);
	assert_false(remote_irr(0xe));
	/* TMR is clear for an edge vector */
	assert_int_equal(vlapic_mmio_read(&CPU[0], LAPIC_TMR0 + 0x30, T0), 0);
}

/* kvm-unit-tests "masked level interrupt" with an edge entry: an edge
 * while masked is lost; the next one after unmasking is delivered once. */
static void test_edge_masked_is_lost(void **state)
{
	set_redir(0xe, 0x81, false, true, false, 0);
	line(0xe, true);
	line(0xe, false);
	assert_int_equal(O.n, 0);
	set_redir(0xe, 0x81, false, false, false, 0);
	assert_int_equal(O.n, 0);
	line(0xe, true);
	assert_int_equal(O.n, 1);
	line(0xe, false);
}

static void test_level_remote_irr_and_eoi(void **state)
{
	set_redir(0xe, 0x79, true, false, false, 0);
	line(0xe, true);
	assert_int_equal(O.n, 1);
	assert_true(O.msg[0].level);
	assert_true(remote_irr(0xe));
	assert_int_equal(route(), 1u << 0);
	/* TMR set for a level vector (kvm-unit-tests "ioapic level tmr") */
	assert_int_equal(vlapic_mmio_read(&CPU[0], LAPIC_TMR0 + 0x30, T0), 1u << (0x79 - 0x60));
	line(0xe, true);				/* still asserted: nothing new */
	assert_int_equal(O.n, 0);
	/* EOI with the line still up: delivered again ("level retrigger") */
	take_and_eoi(0, 0x79);
	assert_int_equal(O.n, 1);
	assert_true(remote_irr(0xe));
	assert_int_equal(route(), 1u << 0);
	/* handler lowers the line, then EOIs: done */
	line(0xe, false);
	take_and_eoi(0, 0x79);
	assert_int_equal(O.n, 0);
	assert_false(remote_irr(0xe));
	/* an EOI for another vector leaves remote IRR alone */
	line(0xe, true);
	assert_true(remote_irr(0xe));
	vioapic_eoi(&IO, 0x78, &O);
	assert_true(remote_irr(0xe));
	assert_int_equal(O.n, 0);
}

/* kvm-unit-tests "coalesce simultaneous level interrupts" and "sequential
 * level interrupts". */
static void test_level_coalesce_and_sequential(void **state)
{
	set_redir(0xe, 0x98, true, false, false, 0);
	line(0xe, true);
	assert_int_equal(route(), 1u);
	line(0xe, false);				/* in the handler: toggle */
	line(0xe, true);
	assert_int_equal(O.n, 0);
	line(0xe, false);
	take_and_eoi(0, 0x98);
	assert_int_equal(O.n, 0);			/* coalesced: one interrupt */

	line(0xe, true);				/* again: a second one */
	assert_int_equal(O.n, 1);
	assert_int_equal(route(), 1u);
	line(0xe, false);
	take_and_eoi(0, 0x98);
	assert_false(remote_irr(0xe));
}

/* kvm-unit-tests "masked level interrupt" / "unmasked level interrupt". */
static void test_level_masked_then_unmasked(void **state)
{
	set_redir(0xe, 0x82, true, true, false, 0);
	line(0xe, true);
	assert_int_equal(O.n, 0);
	assert_false(remote_irr(0xe));
	set_redir(0xe, 0x82, true, false, false, 0);	/* unmask: pending line delivers */
	assert_int_equal(O.n, 1);
	assert_int_equal(O.msg[0].vector, 0x82);
	assert_int_equal(route(), 1u);
	line(0xe, false);
	take_and_eoi(0, 0x82);
}

/* kvm-unit-tests "retriggered level interrupts with mask": the handler
 * masks and EOIs with the line up; unmasking delivers again. */
static void test_level_retrigger_mask(void **state)
{
	set_redir(0xe, 0x83, true, false, false, 0);
	line(0xe, true);
	assert_int_equal(route(), 1u);
	set_redir(0xe, 0x83, true, true, false, 0);	/* mask */
	take_and_eoi(0, 0x83);
	assert_int_equal(O.n, 0);
	assert_false(remote_irr(0xe));
	set_redir(0xe, 0x83, true, false, false, 0);	/* unmask */
	assert_int_equal(O.n, 1);
	assert_int_equal(route(), 1u);
}

/* kvm-unit-tests "Reconfigure Remote IRR set" / "self reconfigure": a write
 * of the high half (destination) keeps remote IRR; EOIs go per vector. */
static void test_reconfigure_keeps_remote_irr(void **state)
{
	set_redir(0xd, 0x64, true, false, false, 0);
	set_redir(0xe, 0x84, true, false, false, 0);
	line(0xd, true);
	assert_int_equal(route(), 1u);
	vlapic_ack(&CPU[0], 0x64);
	line(0xe, true);				/* raised in 0x64's handler */
	assert_int_equal(route(), 1u);
	line(0xe, false);
	line(0xd, false);
	assert_true(remote_irr(0xe));
	assert_true(remote_irr(0xd));
	reg_wr(IOAPIC_REG_REDTBL(0xe) + 1, 1u << 24);
	reg_wr(IOAPIC_REG_REDTBL(0xd) + 1, 1u << 24);
	assert_true(remote_irr(0xe));
	assert_true(remote_irr(0xd));
	{
		struct vlapic_result r;

		vlapic_mmio_write(&CPU[0], LAPIC_EOI, 0, T0, &r);	/* retires 0x64 */
		assert_int_equal(r.eoi_vector, 0x64);
		vioapic_eoi(&IO, r.eoi_vector, &O);
	}
	assert_false(remote_irr(0xd));
	assert_true(remote_irr(0xe));
	take_and_eoi(0, 0x84);
	assert_false(remote_irr(0xe));
	/* switching an entry to edge clears a stale remote IRR */
	line(0xe, true);
	assert_true(remote_irr(0xe));
	set_redir(0xe, 0x84, false, false, false, 0);
	assert_false(remote_irr(0xe));
}

static void test_physical_destination(void **state)
{
	set_redir(0xe, 0x85, true, false, false, 1);
	line(0xe, true);
	assert_int_equal(route(), 1u << 1);
	line(0xe, false);
	take_and_eoi(1, 0x85);
	assert_false(remote_irr(0xe));
}

/* kvm-unit-tests "ioapic logical destination mode": dest 0xd in flat
 * mode reaches the CPUs with logical bits 0, 2 and 3. */
static void test_logical_destination(void **state)
{
	set_redir(0xe, 0x86, true, false, true, 0xd);
	line(0xe, true);
	assert_int_equal(O.n, 1);
	assert_true(O.msg[0].logical);
	assert_int_equal(route(), (1u << 0) | (1u << 2) | (1u << 3));
	line(0xe, false);
	take_and_eoi(0, 0x86);
	assert_false(remote_irr(0xe));
	take_and_eoi(2, 0x86);
	take_and_eoi(3, 0x86);
	assert_int_equal(O.n, 0);
}

static void test_broadcast_and_delivery_mode(void **state)
{
	reg_wr(IOAPIC_REG_REDTBL(3) + 1, 0xff000000);
	reg_wr(IOAPIC_REG_REDTBL(3), 0x40 | IOAPIC_RTE_DM_LOWEST);
	line(3, true);
	assert_int_equal(O.msg[0].delivery, APIC_DM_LOWEST);
	assert_int_equal(O.msg[0].dest, 0xff);
	assert_int_equal(route(), 0xf);			/* the glue would pick one */
	reg_wr(IOAPIC_REG_REDTBL(4), IOAPIC_RTE_DM_NMI);
	line(4, true);
	assert_int_equal(O.msg[0].delivery, APIC_DM_NMI);
	assert_int_equal(vlapic_accept(&CPU[0], &O.msg[0]), LAPIC_ACC_NMI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_edge_masked_is_lost, setup),
		cmocka_unit_test_setup(test_level_remote_irr_and_eoi, setup),
		cmocka_unit_test_setup(test_level_coalesce_and_sequential, setup),
		cmocka_unit_test_setup(test_level_masked_then_unmasked, setup),
		cmocka_unit_test_setup(test_level_retrigger_mask, setup),
		cmocka_unit_test_setup(test_reconfigure_keeps_remote_irr, setup),
		cmocka_unit_test_setup(test_physical_destination, setup),
		cmocka_unit_test_setup(test_logical_destination, setup),
		cmocka_unit_test_setup(test_broadcast_and_delivery_mode, setup),
	};

	return cmocka_run_group_tests_name("ioapic_core", tests, NULL, NULL);
}
