/* tests/host/test_lapic_core.c - host unit tests for the guest local APIC
 * core (vmm/dev/lapic_core.c): ID and version, TPR/PPR masking, EOI order
 * with nested ISR, ESR write-then-read, software disable, ICR messages,
 * destination matching (physical, flat, cluster, x2APIC, broadcast), self
 * IPI, x2APIC register rules, IA32_APIC_BASE transitions, and the timer in
 * one-shot, periodic and TSC-deadline modes.  The cases follow what
 * kvm-unit-tests' x86/apic.c checks, written from the manuals. */
#include "tests/host/host_support.h"
#include <string.h>
#include "lib/types.h"
#include "vmm/dev/lapic_core.h"

#define TSC_HZ		2000000000ull	/* 2 TSC cycles per timer tick at divide-by-1 */
#define TIMER_HZ	1000000000ull
#define T0		1000000ull	/* a "now" that is not 0 */

static struct vlapic L;
static struct vlapic_result R;

static void mk(struct vlapic *l, u32 id, bool x2)
{
	struct vlapic_config c = {
		.apic_id = id, .bsp = id == 0, .x2apic = x2, .tsc_deadline = true,
		.maxphyaddr = 48, .tsc_hz = TSC_HZ, .timer_hz = TIMER_HZ,
	};
	vlapic_init(l, &c);
}

static int setup(void **state)
{
	mk(&L, 1, true);
	memset(&R, 0, sizeof(R));
	return 0;
}

static u32 rd(u32 off)
{
	return vlapic_mmio_read(&L, off, T0);
}

static void wr(u32 off, u32 val)
{
	vlapic_mmio_write(&L, off, val, T0, &R);
}

static void enable_sw(struct vlapic *l)
{
	struct vlapic_result r;

	vlapic_mmio_write(l, LAPIC_SVR, 0x1ff, T0, &r);
}

static void fixed(struct vlapic *l, u8 vec, bool level)
{
	struct apic_msg m = { .vector = vec, .delivery = APIC_DM_FIXED, .level = level, .assert = true };

	assert_int_equal(vlapic_accept(l, &m), LAPIC_ACC_FIXED);
}

static void to_x2apic(struct vlapic *l)
{
	assert_int_equal(vlapic_set_apic_base(l, LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_EXTD, T0), 0);
}

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
		cmocka_unit_test_setup(test_ppr_isr_nested_eoi, setup),
		cmocka_unit_test_setup(test_esr_write_then_read, setup),
		cmocka_unit_test_setup(test_sw_disable, setup),
		cmocka_unit_test_setup(test_icr_xapic, setup),
		cmocka_unit_test_setup(test_accept_kinds, setup),
		cmocka_unit_test_setup(test_dest_physical, setup),
		cmocka_unit_test_setup(test_dest_logical_xapic, setup),
		cmocka_unit_test_setup(test_dest_logical_x2apic, setup),
		cmocka_unit_test_setup(test_shorthand, setup),
		cmocka_unit_test_setup(test_self_ipi, setup),
		cmocka_unit_test_setup(test_x2apic_registers, setup),
		cmocka_unit_test_setup(test_apic_base_transitions, setup),
		cmocka_unit_test_setup(test_disable_resets, setup),
		cmocka_unit_test_setup(test_init_reset_keeps_id, setup),
		cmocka_unit_test_setup(test_timer_oneshot, setup),
		cmocka_unit_test_setup(test_timer_masked_still_counts, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_change_mode, setup),
		cmocka_unit_test_setup(test_timer_divide_change, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_lvt_writable_bits, setup),
	};

	return cmocka_run_group_tests_name("lapic_core", tests, NULL, NULL);
}
