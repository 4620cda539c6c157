/* tests/host/test_vmcb_clean.c - host tests for the VMCB clean-bit
 * bookkeeping (svm/vmcb_clean.c): the APM's reasons for a clean field of
 * 0 (no VmcbClean, first run, another core, another page), what other
 * VMCBs on the same core do not change, dirty groups, skipped VMRUNs,
 * the offset-to-group map checked against the APM's offsets written out
 * by hand, and the changed-groups debug aid. */
#include "tests/host/host_support.h"

#include <string.h>

#include "lib/types.h"
#include "svm/vmcb.h"
#include "svm/vmcb_clean.h"

#define PA_A	0x12345000ULL
#define PA_B	0x0abcd000ULL

/* before_vmrun + a VMRUN that happened: the clean field that VMRUN got. */
static u32 run(struct vmcb_clean_state *s, u32 cpu, u64 pa)
{
	u32 clean = vmcb_clean_before_vmrun(s, cpu, pa);

	vmcb_clean_after_vmrun(s);
	return clean;
}

static void test_unsupported_always_zero(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, false);
	for (int i = 0; i < 5; i++)
		assert_int_equal(run(&s, 0, PA_A), 0);
	assert_int_equal(s.runs, 5);
	assert_int_equal(s.runs_all_dirty, 5);
}

static void test_first_run_zero_then_all_clean(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	assert_int_equal(run(&s, 3, PA_A), 0);
	assert_int_equal(run(&s, 3, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(run(&s, 3, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(s.runs, 3);
	assert_int_equal(s.runs_all_dirty, 1);
}

/* Bits 31:13 are reserved; once anything changed, bits software does not
 * know must be 0 (APM 15.15.3), and bit 31 belongs to the host. */
static void test_only_defined_bits(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	assert_int_equal(VMCB_CLEAN_ALL, 0x1fff);
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	vmcb_clean_mark_dirty(&s, BIT(31) | BIT(20) | BIT(13));
	assert_int_equal(s.dirty, 0);
	u32 clean = run(&s, 0, PA_A);
	assert_int_equal(clean, VMCB_CLEAN_ALL);
	assert_int_equal(clean & ~0x1fffu, 0);
}

static void test_dirty_group_cleared_once(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 1, PA_A);
	/* An EFER write (CRx) and a virtual interrupt (TPR group). */
	vmcb_clean_mark_dirty(&s, VMCB_CLEAN_CRX);
	vmcb_clean_mark_dirty(&s, VMCB_CLEAN_TPR);
	assert_int_equal(run(&s, 1, PA_A), VMCB_CLEAN_ALL & ~(VMCB_CLEAN_CRX | VMCB_CLEAN_TPR));
	/* The VMRUN loaded them: clean again afterwards. */
	assert_int_equal(run(&s, 1, PA_A), VMCB_CLEAN_ALL);
	/* Every group can be dirtied on its own. */
	for (u32 bit = 0; bit <= 12; bit++) {
		vmcb_clean_mark_dirty(&s, (u32)BIT(bit));
		assert_int_equal(run(&s, 1, PA_A), VMCB_CLEAN_ALL & ~BIT(bit));
	}
}

/* What svm_asid_assign() does on a new ASID: the ASID group reloads, the
 * rest stays cached (TLB_CONTROL is never cached and needs no bit). */
static void test_new_asid_marks_asid_dirty(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	vmcb_clean_mark_dirty(&s, VMCB_CLEAN_ASID);
	u32 clean = run(&s, 0, PA_A);
	assert_false(clean & VMCB_CLEAN_ASID);
	assert_int_equal(clean, VMCB_CLEAN_ALL & ~VMCB_CLEAN_ASID);
}

static void test_migration_zero_and_back_zero(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	assert_int_equal(run(&s, 0, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(run(&s, 1, PA_A), 0);		/* another core */
	assert_int_equal(run(&s, 1, PA_A), VMCB_CLEAN_ALL);
	/* Back on core 0, whose copy predates what the guest did on core 1. */
	assert_int_equal(run(&s, 0, PA_A), 0);
	assert_int_equal(run(&s, 0, PA_A), VMCB_CLEAN_ALL);
}

static void test_moved_vmcb_zero(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 2, PA_A);
	assert_int_equal(run(&s, 2, PA_B), 0);
	assert_int_equal(run(&s, 2, PA_B), VMCB_CLEAN_ALL);
}

/* Two vCPUs taking turns on one core.  The APM does not ask for a clean
 * field of 0 here: the CPU looks the VMCB address up among every VMCB it
 * caches and treats the field as 0 itself on a miss (15.15.2).  So both
 * keep their bits. */
static void test_other_vmcb_on_same_core_keeps_bits(void **state)
{
	struct vmcb_clean_state a, b;

	(void)state;
	vmcb_clean_init(&a, true);
	vmcb_clean_init(&b, true);
	assert_int_equal(run(&a, 0, PA_A), 0);
	assert_int_equal(run(&b, 0, PA_B), 0);
	assert_int_equal(run(&a, 0, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(run(&b, 0, PA_B), VMCB_CLEAN_ALL);
	/* b moving to core 1 is b's business only. */
	assert_int_equal(run(&b, 1, PA_B), 0);
	assert_int_equal(run(&a, 0, PA_A), VMCB_CLEAN_ALL);
}

/* The run loop may prepare a VMRUN and then back out (a reschedule
 * request inside the GIF=0 window): nothing of it may count. */
static void test_skipped_vmrun_changes_nothing(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	vmcb_clean_mark_dirty(&s, VMCB_CLEAN_CR2);
	/* Prepared on core 1, not run; then run on core 0 after all. */
	assert_int_equal(vmcb_clean_before_vmrun(&s, 1, PA_A), 0);
	assert_int_equal(run(&s, 0, PA_A), VMCB_CLEAN_ALL & ~VMCB_CLEAN_CR2);
	assert_int_equal(s.runs, 2);

	/* Prepared on core 0 (bits set), not run, migrated, run on core 1. */
	assert_int_equal(vmcb_clean_before_vmrun(&s, 0, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(run(&s, 1, PA_A), 0);
	assert_int_equal(run(&s, 1, PA_A), VMCB_CLEAN_ALL);
}

static void test_forget(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	vmcb_clean_forget(&s);
	assert_int_equal(run(&s, 0, PA_A), 0);
	assert_int_equal(run(&s, 0, PA_A), VMCB_CLEAN_ALL);

	/* Forgotten between before_vmrun and the VMRUN: that VMRUN had its
	 * bits, but the one after must still reload everything. */
	assert_int_equal(vmcb_clean_before_vmrun(&s, 0, PA_A), VMCB_CLEAN_ALL);
	vmcb_clean_forget(&s);
	vmcb_clean_after_vmrun(&s);
	assert_int_equal(run(&s, 0, PA_A), 0);

	/* An after_vmrun with no before_vmrun is taken as "unknown". */
	run(&s, 0, PA_A);
	vmcb_clean_after_vmrun(&s);
	assert_int_equal(run(&s, 0, PA_A), 0);
}

/* ---- offsets to groups, from the APM's tables B-1/B-2 and figure 15-4 ---- */

struct field_case {
	size_t off;
	u32 groups;
	const char *what;
};

static const struct field_case field_cases[] = {
	{ 0x000, VMCB_CLEAN_INTERCEPTS, "CR intercepts" },
	{ 0x00c, VMCB_CLEAN_INTERCEPTS, "intercept vector 3" },
	{ 0x017, VMCB_CLEAN_INTERCEPTS, "last byte of intercept vector 5" },
	{ 0x018, 0, "reserved after the intercepts" },
	{ 0x03e, VMCB_CLEAN_INTERCEPTS, "pause filter count" },
	{ 0x03c, VMCB_CLEAN_INTERCEPTS, "pause filter threshold (counted with the count)" },
	{ 0x040, VMCB_CLEAN_IOPM, "IOPM_BASE_PA" },
	{ 0x04f, VMCB_CLEAN_IOPM, "last byte of MSRPM_BASE_PA" },
	{ 0x050, VMCB_CLEAN_INTERCEPTS, "TSC offset" },
	{ 0x058, VMCB_CLEAN_ASID, "ASID" },
	{ 0x05c, 0, "TLB_CONTROL (never cached)" },
	{ 0x060, VMCB_CLEAN_TPR, "V_TPR" },
	{ 0x067, VMCB_CLEAN_TPR, "V_INTR_VECTOR's dword" },
	{ 0x068, 0, "interrupt shadow (never cached)" },
	{ 0x070, 0, "EXITCODE" },
	{ 0x088, 0, "EXITINTINFO" },
	{ 0x090, VMCB_CLEAN_NP, "nested paging enable" },
	{ 0x098, VMCB_CLEAN_AVIC, "AVIC APIC_BAR" },
	{ 0x0a8, 0, "EVENTINJ (never cached)" },
	{ 0x0b0, VMCB_CLEAN_NP, "N_CR3" },
	{ 0x0b8, 0, "virtualization controls" },
	{ 0x0c0, 0, "the clean field itself" },
	{ 0x0c8, 0, "NRIP" },
	{ 0x0d0, 0, "decode-assist byte count" },
	{ 0x0df, 0, "last instruction byte" },
	{ 0x0e0, VMCB_CLEAN_AVIC, "AVIC backing page" },
	{ 0x0f0, VMCB_CLEAN_AVIC, "AVIC logical table" },
	{ 0x0f8, VMCB_CLEAN_AVIC, "AVIC physical table" },
	{ 0x3e0, 0, "software area" },
	{ 0x400, VMCB_CLEAN_SEG, "ES selector" },
	{ 0x418, VMCB_CLEAN_SEG, "CS base" },
	{ 0x43f, VMCB_CLEAN_SEG, "last byte of DS" },
	{ 0x440, 0, "FS (VMLOAD state)" },
	{ 0x450, 0, "GS (VMLOAD state)" },
	{ 0x460, VMCB_CLEAN_DT, "GDTR" },
	{ 0x470, 0, "LDTR (VMLOAD state)" },
	{ 0x48f, VMCB_CLEAN_DT, "last byte of IDTR" },
	{ 0x490, 0, "TR (VMLOAD state)" },
	{ 0x4cb, VMCB_CLEAN_SEG, "CPL" },
	{ 0x4d0, VMCB_CLEAN_CRX, "EFER" },
	{ 0x548, VMCB_CLEAN_CRX, "CR4" },
	{ 0x550, VMCB_CLEAN_CRX, "CR3" },
	{ 0x558, VMCB_CLEAN_CRX, "CR0" },
	{ 0x560, VMCB_CLEAN_DRX, "DR7" },
	{ 0x568, VMCB_CLEAN_DRX, "DR6" },
	{ 0x570, 0, "RFLAGS (never cached)" },
	{ 0x578, 0, "RIP (never cached)" },
	{ 0x5d8, 0, "RSP (never cached)" },
	{ 0x5e0, VMCB_CLEAN_CET, "S_CET" },
	{ 0x5e8, VMCB_CLEAN_CET, "SSP" },
	{ 0x5f0, VMCB_CLEAN_CET, "ISST_ADDR" },
	{ 0x5f8, 0, "RAX (never cached)" },
	{ 0x600, 0, "STAR (VMLOAD state)" },
	{ 0x620, 0, "KernelGsBase (VMLOAD state)" },
	{ 0x628, 0, "SYSENTER_CS (VMLOAD state)" },
	{ 0x640, VMCB_CLEAN_CR2, "CR2" },
	{ 0x668, VMCB_CLEAN_NP, "G_PAT" },
	{ 0x670, VMCB_CLEAN_LBR, "DBGCTL" },
	{ 0x678, VMCB_CLEAN_LBR, "BR_FROM" },
	{ 0x697, VMCB_CLEAN_LBR, "last byte of LASTEXCPTO" },
	{ 0x698, 0, "DBGEXTNCFG" },
	{ 0x6e0, 0, "SPEC_CTRL" },
	{ 0xfff, 0, "last byte of the page" },
	{ 0x1000, 0, "past the page" },
	{ (size_t)-1, 0, "far past the page" },
};

/* before_rerun/after_rerun: what before_vmrun would give on the same core
 * and page, dirty groups once, 0 without VmcbClean or after a forget. */
static void test_rerun_matches_full_pair(void **state)
{
	struct vmcb_clean_state s, full;

	(void)state;
	vmcb_clean_init(&s, true);
	assert_int_equal(run(&s, 2, PA_A), 0);
	full = s;
	for (int i = 0; i < 4; i++) {
		if (i == 2) {
			vmcb_clean_mark_dirty(&s, VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS);
			vmcb_clean_mark_dirty(&full, VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS);
		}
		u32 clean = vmcb_clean_before_rerun(&s);
		assert_int_equal(clean, run(&full, 2, PA_A));
		assert_int_equal(clean, i == 2 ? VMCB_CLEAN_ALL & ~(VMCB_CLEAN_TPR | VMCB_CLEAN_INTERCEPTS)
					       : VMCB_CLEAN_ALL);
		vmcb_clean_after_rerun(&s, clean);
	}
	assert_int_equal(s.dirty, 0);
	assert_int_equal(s.runs, full.runs);
	assert_int_equal(s.runs_all_dirty, full.runs_all_dirty);
	/* The full pair still works after reruns: same core, page, all clean. */
	assert_int_equal(run(&s, 2, PA_A), VMCB_CLEAN_ALL);
	assert_int_equal(run(&s, 3, PA_A), 0);

	vmcb_clean_forget(&s);
	assert_int_equal(vmcb_clean_before_rerun(&s), 0);
	vmcb_clean_after_rerun(&s, 0);
	assert_int_equal(s.runs_all_dirty, 3);

	vmcb_clean_init(&s, false);
	assert_int_equal(run(&s, 2, PA_A), 0);
	assert_int_equal(vmcb_clean_before_rerun(&s), 0);
}

static void test_offset_to_group(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(field_cases); i++) {
		const struct field_case *c = &field_cases[i];
		u32 got = vmcb_clean_bits_for_field(c->off);
		if (got != c->groups)
			fail_msg("offset %#zx (%s): group %#x, expected %#x", c->off, c->what, got, c->groups);
	}
}

/* Every byte is in at most one group, every group has bytes, and nothing
 * maps outside bits 12:0. */
static void test_groups_cover_every_bit(void **state)
{
	u32 seen = 0;

	(void)state;
	for (size_t off = 0; off < sizeof(struct vmcb); off++) {
		u32 g = vmcb_clean_bits_for_field(off);
		assert_true((g & (g - 1)) == 0);
		seen |= g;
	}
	assert_int_equal(seen, VMCB_CLEAN_ALL);
}

/* ---- the debug aid ---- */

static struct vmcb at_exit, now;

static void test_changed_groups(void **state)
{
	(void)state;
	memset(&at_exit, 0, sizeof(at_exit));
	at_exit.save.cr0 = 0x11;
	at_exit.save.rip = 0x7c00;
	now = at_exit;
	assert_int_equal(vmcb_clean_changed_groups(&at_exit, &now), 0);

	/* Uncached and VMLOAD fields never count. */
	now.save.rip += 2;
	now.save.rax = 1;
	now.save.fs.base = 0x1000;
	now.save.kernel_gs_base = 0x2000;
	now.control.eventinj = 0x80000306;
	now.control.tlb_control = VMCB_TLB_CONTROL_FLUSH_ALL;
	assert_int_equal(vmcb_clean_changed_groups(&at_exit, &now), 0);

	now.save.cr0 |= 0x80000000;
	now.control.intercept1 |= SVM_INTERCEPT1_PAUSE;
	now.save.g_pat = 0x0606060606060606ULL;
	assert_int_equal(vmcb_clean_changed_groups(&at_exit, &now),
			 VMCB_CLEAN_CRX | VMCB_CLEAN_INTERCEPTS | VMCB_CLEAN_NP);
}

/* The check a run loop can make before VMRUN: every change since #VMEXIT
 * was announced. */
static void test_changed_groups_catch_a_missed_mark(void **state)
{
	struct vmcb_clean_state s;

	(void)state;
	vmcb_clean_init(&s, true);
	run(&s, 0, PA_A);
	memset(&at_exit, 0, sizeof(at_exit));
	now = at_exit;

	/* A WRMSR(EFER) handler that marks CRx. */
	now.save.efer = 0x1d01;
	vmcb_clean_mark_dirty(&s, VMCB_CLEAN_CRX);
	assert_int_equal(vmcb_clean_changed_groups(&at_exit, &now) & ~s.dirty, 0);

	/* A WRMSR(PAT) handler that forgot the NP group. */
	now.save.g_pat = 0x0007040600070406ULL;
	assert_int_equal(vmcb_clean_changed_groups(&at_exit, &now) & ~s.dirty, VMCB_CLEAN_NP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsupported_always_zero),
		cmocka_unit_test(test_first_run_zero_then_all_clean),
		cmocka_unit_test(test_only_defined_bits),
		cmocka_unit_test(test_dirty_group_cleared_once),
		cmocka_unit_test(test_new_asid_marks_asid_dirty),
		cmocka_unit_test(test_migration_zero_and_back_zero),
		cmocka_unit_test(test_moved_vmcb_zero),
		cmocka_unit_test(test_other_vmcb_on_same_core_keeps_bits),
		cmocka_unit_test(test_skipped_vmrun_changes_nothing),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_rerun_matches_full_pair),
		cmocka_unit_test(test_offset_to_group),
		cmocka_unit_test(test_groups_cover_every_bit),
		cmocka_unit_test(test_changed_groups),
		cmocka_unit_test(test_changed_groups_catch_a_missed_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
