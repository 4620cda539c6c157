/* tests/host/lapic_fixtures.h - the local APIC under test and the helpers
 * shared by the guest local APIC core host tests (test_lapic_core_regs.c,
 * test_lapic_core_ipi.c, test_lapic_core_timer.c).  The cases follow what
 * kvm-unit-tests' x86/apic.c checks, written from the manuals. */
#ifndef SVMHV_TESTS_LAPIC_FIXTURES_H
#define SVMHV_TESTS_LAPIC_FIXTURES_H
#include "tests/host/host_support.h"
#include <string.h>
#include "lib/types.h"
#include "vmm/dev/lapic_core.h"

#define TSC_HZ		2000000000ull	/* 2 TSC cycles per timer tick at divide-by-1 */
#define TIMER_HZ	1000000000ull
#define T0		1000000ull	/* a "now" that is not 0 */

static struct vlapic L;
static struct vlapic_result R;

static inline void mk(struct vlapic *l, u32 id, bool x2)
{
	struct vlapic_config c = {
		.apic_id = id, .bsp = id == 0, .x2apic = x2, .tsc_deadline = true,
		.maxphyaddr = 48, .tsc_hz = TSC_HZ, .timer_hz = TIMER_HZ,
	};
	vlapic_init(l, &c);
}

static inline int setup(void **state)
{
	mk(&L, 1, true);
	memset(&R, 0, sizeof(R));
	return 0;
}

static inline u32 rd(u32 off)
{
	return vlapic_mmio_read(&L, off, T0);
}

static inline void wr(u32 off, u32 val)
{
	vlapic_mmio_write(&L, off, val, T0, &R);
}

static inline void enable_sw(struct vlapic *l)
{
	struct vlapic_result r;

	vlapic_mmio_write(l, LAPIC_SVR, 0x1ff, T0, &r);
}

static inline void fixed(struct vlapic *l, u8 vec, bool level)
{
	struct apic_msg m = { .vector = vec, .delivery = APIC_DM_FIXED, .level = level, .assert = true };

	assert_int_equal(vlapic_accept(l, &m), LAPIC_ACC_FIXED);
}

static inline void to_x2apic(struct vlapic *l)
{
	assert_int_equal(vlapic_set_apic_base(l, LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD, T0), 0);
}

#endif
