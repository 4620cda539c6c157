/* tests/host/test_lapic_core_timer.c - host unit tests for the guest local
 * APIC timer (vmm/dev/lapic_core.c, vmm/dev/lapic_timer.c): one-shot,
 * masked, periodic and TSC-deadline modes, mode and divide changes.  The
 * helpers are in lapic_fixtures.h. */
#include "tests/host/lapic_fixtures.h"

/* ---- timer ---- */

static void timer_setup(u32 lvt, u32 dcr, u32 tmict, u64 now)
{
	enable_sw(&L);
	vlapic_mmio_write(&L, LAPIC_TIMER_DIV, dcr, now, &R);
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, lvt, now, &R);
	vlapic_mmio_write(&L, LAPIC_TIMER_INIT, tmict, now, &R);
}

static void test_timer_oneshot(void **state)
{
	u64 t;

	timer_setup(0xec, 0xb /* divide by 1 */, 1000, T0);
	assert_true(R.timer);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_INIT, T0), 1000);
	assert_int_equal(vlapic_timer_current(&L, T0), 1000);
	assert_int_equal(vlapic_timer_current(&L, T0 + 500), 750);	/* 2 TSC per tick */
	assert_true(vlapic_timer_next(&L, &t));
	assert_int_equal(t, T0 + 2000);
	assert_false(vlapic_timer_expire(&L, T0 + 1999));
	assert_int_equal(vlapic_pending_vector(&L), -1);
	assert_int_equal(vlapic_timer_current(&L, T0 + 1999), 1);
	assert_true(vlapic_timer_expire(&L, T0 + 2000));
	assert_int_equal(vlapic_pending_vector(&L), 0xec);
	assert_int_equal(vlapic_timer_current(&L, T0 + 2000), 0);
	assert_false(vlapic_timer_next(&L, &t));
	assert_false(vlapic_timer_expire(&L, T0 + 100000));		/* once */
	/* A register read past the expiry sees it fired (no expire call). */
	timer_setup(0xed, 0x3 /* divide by 16 */, 10, T0);
	assert_true(vlapic_timer_next(&L, &t));
	assert_int_equal(t, T0 + 320);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, T0 + 32), 9);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_IRR0 + 0x70, T0 + 400) & (1u << 13), 1u << 13);
	/* TMICT 0 stops it */
	timer_setup(0xec, 0xb, 1000, T0);
	vlapic_mmio_write(&L, LAPIC_TIMER_INIT, 0, T0 + 10, &R);
	assert_false(vlapic_timer_next(&L, &t));
	assert_int_equal(vlapic_timer_current(&L, T0 + 20), 0);
}

static void test_timer_masked_still_counts(void **state)
{
	u64 t;

	timer_setup(0xec | LVT_MASKED, 0xb, 100, T0);
	assert_true(vlapic_timer_expire(&L, T0 + 200));
	assert_int_equal(vlapic_pending_vector(&L), -1);
	assert_false(vlapic_timer_next(&L, &t));
}

static void test_timer_periodic(void **state)
{
	u64 t;

	timer_setup(0xec | LVT_TIMER_PERIODIC, 0xb, 1000, T0);
	assert_true(vlapic_timer_expire(&L, T0 + 2000));
	assert_int_equal(vlapic_pending_vector(&L), 0xec);
	assert_true(vlapic_timer_next(&L, &t));
	assert_int_equal(t, T0 + 4000);				/* re-armed, no drift */
	assert_int_equal(vlapic_timer_current(&L, T0 + 2000), 1000);
	assert_int_equal(vlapic_timer_current(&L, T0 + 3000), 500);
	vlapic_ack(&L, 0xec);
	wr(LAPIC_EOI, 0);
	/* three periods late: one interrupt, next period aligned */
	assert_true(vlapic_timer_expire(&L, T0 + 9000));
	assert_int_equal(vlapic_pending_vector(&L), 0xec);
	assert_true(vlapic_timer_next(&L, &t));
	assert_int_equal(t, T0 + 10000);
	assert_int_equal(vlapic_timer_current(&L, T0 + 9000), 500);
}

/* kvm-unit-tests "apic change mode". */
static void test_timer_change_mode(void **state)
{
	const u32 tmict = 0x999999;
	const u64 period = 2ull * tmict;
	u32 c;

	timer_setup(0xec, 0xb, tmict, T0);
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec | LVT_TIMER_PERIODIC, T0, &R);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_LVT_TIMER, T0) & LVT_TIMER_MODE, LVT_TIMER_PERIODIC);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_INIT, T0), tmict);
	/* one-shot to zero */
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec, T0, &R);
	vlapic_mmio_write(&L, LAPIC_TIMER_INIT, tmict, T0, &R);
	assert_true(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, T0 + 1) != 0);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, T0 + period), 0);
	/* one-shot half way, then periodic: not reset, wraps to TMICT */
	vlapic_mmio_write(&L, LAPIC_TIMER_INIT, tmict, T0 + period, &R);
	u64 s = T0 + period, half = s + period / 2 + 10;
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec | LVT_TIMER_PERIODIC, half, &R);
	c = vlapic_mmio_read(&L, LAPIC_TIMER_CUR, half);
	assert_true(c != 0 && c < tmict / 2);
	c = vlapic_mmio_read(&L, LAPIC_TIMER_CUR, s + period + 2);	/* wrapped */
	assert_true(c > tmict / 2);
	/* periodic past half, then one-shot: not reset, ends at 0 */
	u64 h2 = s + period + period / 2 + 10;
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec, h2, &R);
	c = vlapic_mmio_read(&L, LAPIC_TIMER_CUR, h2);
	assert_true(c != 0 && c < tmict / 2);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, s + 2 * period), 0);
	/* expired one-shot, then periodic: stays 0 */
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec | LVT_TIMER_PERIODIC, s + 2 * period + 5, &R);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, s + 5 * period), 0);
	/* reserved mode 11b keeps the mode */
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xec | LVT_TIMER_MODE_RESERVED, s + 5 * period, &R);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_LVT_TIMER, s + 5 * period) & LVT_TIMER_MODE,
			 LVT_TIMER_PERIODIC);
}

static void test_timer_divide_change(void **state)
{
	timer_setup(0xec, 0xb, 1000, T0);
	assert_int_equal(vlapic_timer_current(&L, T0 + 1000), 500);
	vlapic_mmio_write(&L, LAPIC_TIMER_DIV, 0x0 /* by 2 */, T0 + 1000, &R);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_DIV, T0), 0);
	assert_int_equal(vlapic_timer_current(&L, T0 + 1000), 500);	/* kept */
	assert_int_equal(vlapic_timer_current(&L, T0 + 2000), 250);	/* half the rate */
	vlapic_mmio_write(&L, LAPIC_TIMER_DIV, 0xff, T0 + 2000, &R);
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_DIV, T0 + 2000), 0xb);
}

static void test_timer_tsc_deadline(void **state)
{
	u64 t;
	struct vlapic n;

	enable_sw(&L);
	vlapic_tsc_deadline_write(&L, T0 + 50, T0, &R);			/* not in the mode: ignored */
	assert_int_equal(vlapic_tsc_deadline_read(&L, T0), 0);
	timer_setup(0xec | LVT_TIMER_PERIODIC, 0xb, 1000, T0);
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xef | LVT_TIMER_TSC_DEADLINE, T0, &R);
	assert_false(vlapic_timer_next(&L, &t));			/* mode change disarmed */
	vlapic_mmio_write(&L, LAPIC_TIMER_INIT, 5, T0, &R);		/* ignored */
	assert_false(vlapic_timer_next(&L, &t));
	assert_int_equal(vlapic_mmio_read(&L, LAPIC_TIMER_CUR, T0), 0);
	vlapic_tsc_deadline_write(&L, T0 + 500, T0, &R);
	assert_true(R.timer);
	assert_true(vlapic_timer_next(&L, &t));
	assert_int_equal(t, T0 + 500);
	assert_int_equal(vlapic_tsc_deadline_read(&L, T0 + 10), T0 + 500);
	assert_false(vlapic_timer_expire(&L, T0 + 499));
	assert_true(vlapic_timer_expire(&L, T0 + 500));
	assert_int_equal(vlapic_pending_vector(&L), 0xef);
	assert_int_equal(vlapic_tsc_deadline_read(&L, T0 + 600), 0);	/* clears once fired */
	assert_false(vlapic_timer_next(&L, &t));
	vlapic_ack(&L, 0xef);
	wr(LAPIC_EOI, 0);
	/* a deadline already passed fires at once (vmexit tscdeadline_immed) */
	vlapic_tsc_deadline_write(&L, T0, T0 + 700, &R);
	assert_int_equal(vlapic_pending_vector(&L), 0xef);
	/* 0 disarms */
	vlapic_tsc_deadline_write(&L, T0 + 5000, T0 + 700, &R);
	vlapic_tsc_deadline_write(&L, 0, T0 + 700, &R);
	assert_false(vlapic_timer_next(&L, &t));
	/* leaving the mode disarms too */
	vlapic_tsc_deadline_write(&L, T0 + 5000, T0 + 700, &R);
	vlapic_mmio_write(&L, LAPIC_LVT_TIMER, 0xef, T0 + 700, &R);
	assert_false(vlapic_timer_next(&L, &t));
	/* without the CPUID bit, mode 10b cannot be set */
	n = L;
	n.cfg.tsc_deadline = false;
	vlapic_mmio_write(&n, LAPIC_LVT_TIMER, 0xef | LVT_TIMER_TSC_DEADLINE, T0, &R);
	assert_int_equal(vlapic_mmio_read(&n, LAPIC_LVT_TIMER, T0) & LVT_TIMER_MODE, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_masked_still_counts, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_change_mode, setup),
		cmocka_unit_test_setup(test_timer_divide_change, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
	};

	return cmocka_run_group_tests_name("lapic_core_timer", tests, NULL, NULL);
}
