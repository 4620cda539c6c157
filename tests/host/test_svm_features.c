/* tests/host/test_svm_features.c - host tests for svm/features.c: what
 * svmhv decides to use for a few CPUID Fn8000_000A_EDX values (QEMU's TCG,
 * a CPU with every feature, odd combinations), the boot report lines, and
 * the helpers the run loop and the exit handlers use. */
#include "tests/host/host_support.h"

#include <string.h>

#include "lib/types.h"
#include "kernel/cpuinfo.h"
#include "svm/exitcodes.h"
#include "svm/features.h"
#include "svm/vmcb.h"

/* What QEMU 7.2's TCG reports with -cpu EPYC: nested paging only. */
#define EDX_QEMU_TCG	SVM_FEAT_NPT
/* A CPU with every feature this file knows about, plus some it ignores. */
#define EDX_EVERYTHING	(SVM_FEAT_NPT | SVM_FEAT_LBRV | SVM_FEAT_SVML | SVM_FEAT_NRIPS | \
			 SVM_FEAT_TSC_RATE | SVM_FEAT_VMCB_CLEAN | SVM_FEAT_FLUSH_BY_ASID | \
			 SVM_FEAT_DECODE_ASSISTS | SVM_FEAT_PAUSE_FILTER | SVM_FEAT_PAUSE_THRESH | \
			 SVM_FEAT_AVIC | SVM_FEAT_V_VMSAVE_VMLOAD | SVM_FEAT_VGIF | SVM_FEAT_GMET)

static struct vmcb vm;

static size_t count_lines(void)
{
	size_t n = 0;

	for (size_t i = 0; i < host_log_len; i++)
		n += host_log[i] == '\n';
	return n;
}

static void print_features(void)
{
	host_log_reset();
	svm_features_print();
	assert_int_equal(count_lines(), 9);
}

#define assert_logged(s) do { \
	if (!host_log_contains(s)) \
		fail_msg("expected \"%s\" in:\n%s", (s), host_log); \
} while (0)

static void test_qemu_tcg_uses_nothing(void **state)
{
	(void)state;
	svm_features_init(EDX_QEMU_TCG);
	assert_int_equal(svm_feat.cpuid_edx, EDX_QEMU_TCG);
	assert_false(svm_feat.nrips);
	assert_false(svm_feat.clean_bits);
	assert_false(svm_feat.flush_by_asid);
	assert_false(svm_feat.decode_assists);
	assert_false(svm_feat.pause_filter);
	assert_false(svm_feat.pause_threshold);
	assert_false(svm_feat.vmsave_virt);
	assert_false(svm_feat.vgif);
	assert_false(svm_feat.avic);
}

static void test_qemu_tcg_report(void **state)
{
	(void)state;
	svm_features_init(EDX_QEMU_TCG);
	print_features();
	assert_logged("svm: NRIP save: absent: RIP advanced by decoding the instruction at CS:RIP");
	assert_logged("svm: VMCB clean bits: absent: clean field always 0");
	assert_logged("svm: flush by ASID: absent: a vCPU given a new ASID flushes the whole TLB");
	assert_logged("svm: decode assists: absent: MMIO exits fetch the instruction by walking");
	assert_logged("svm: pause filter: absent: PAUSE not intercepted");
	assert_logged("svm: pause filter threshold: absent, unused without the pause filter\n");
	assert_logged("svm: virtual VMLOAD/VMSAVE: absent (left off anyway: only nested hypervisors need it");
	assert_logged("svm: VGIF: absent (left off anyway: only nested hypervisors need it");
	assert_logged("svm: AVIC: absent (left off anyway: svmhv has no virtual APIC");
	assert_false(host_log_contains(": used"));
}

static void test_everything_present(void **state)
{
	(void)state;
	svm_features_init(EDX_EVERYTHING);
	assert_true(svm_feat.nrips);
	assert_true(svm_feat.clean_bits);
	assert_true(svm_feat.flush_by_asid);
	assert_true(svm_feat.decode_assists);
	assert_true(svm_feat.pause_filter);
	assert_true(svm_feat.pause_threshold);
	/* Present, and still off: svmhv offers no nested SVM, no vAPIC. */
	assert_false(svm_feat.vmsave_virt);
	assert_false(svm_feat.vgif);
	assert_false(svm_feat.avic);

	print_features();
	assert_logged("svm: NRIP save: used: RIP advanced from the next-RIP field");
	assert_logged("svm: VMCB clean bits: used:");
	assert_logged("svm: flush by ASID: used:");
	assert_logged("svm: decode assists: used:");
	assert_logged("svm: pause filter: used: PAUSE intercepted after 3000 PAUSEs");
	assert_logged("svm: pause filter threshold: used: only PAUSEs under 256 cycles apart");
	assert_logged("svm: virtual VMLOAD/VMSAVE: present, left off: only nested hypervisors need it, "
		      "and guests get #UD for VMLOAD/VMSAVE\n");
	assert_logged("svm: VGIF: present, left off: only nested hypervisors need it, "
		      "and guests get #UD for STGI/CLGI\n");
	assert_logged("svm: AVIC: present, left off: svmhv has no virtual APIC");
	assert_false(host_log_contains("absent"));
}

/* Each feature svmhv uses follows its own bit and nothing else. */
static void test_each_bit_alone(void **state)
{
	static const struct { u32 bit; size_t off; } cases[] = {
		{ SVM_FEAT_NRIPS, offsetof(struct svm_features, nrips) },
		{ SVM_FEAT_VMCB_CLEAN, offsetof(struct svm_features, clean_bits) },
		{ SVM_FEAT_FLUSH_BY_ASID, offsetof(struct svm_features, flush_by_asid) },
		{ SVM_FEAT_DECODE_ASSISTS, offsetof(struct svm_features, decode_assists) },
		{ SVM_FEAT_PAUSE_FILTER, offsetof(struct svm_features, pause_filter) },
	};
	static const size_t flags[] = {
		offsetof(struct svm_features, nrips), offsetof(struct svm_features, clean_bits),
		offsetof(struct svm_features, flush_by_asid), offsetof(struct svm_features, decode_assists),
		offsetof(struct svm_features, pause_filter), offsetof(struct svm_features, pause_threshold),
		offsetof(struct svm_features, vmsave_virt), offsetof(struct svm_features, vgif),
		offsetof(struct svm_features, avic),
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		svm_features_init(SVM_FEAT_NPT | cases[i].bit);
		for (size_t k = 0; k < ARRAY_SIZE(flags); k++) {
			bool on = *(const bool *)((const char *)&svm_feat + flags[k]);
			if (on != (flags[k] == cases[i].off))
				fail_msg("CPUID bit %#x: flag at offset %zu is %d", cases[i].bit, flags[k], on);
		}
	}
}

/* Decisions are redone from scratch: nothing survives a second init. */
static void test_init_resets(void **state)
{
	(void)state;
	svm_features_init(EDX_EVERYTHING);
	svm_features_init(EDX_QEMU_TCG);
	assert_false(svm_feat.nrips);
	assert_false(svm_feat.pause_threshold);
	assert_int_equal(svm_pause_filter_count(), 0);
}

static void test_pause_filter_values(void **state)
{
	(void)state;
	svm_features_init(EDX_QEMU_TCG);
	assert_int_equal(svm_pause_filter_count(), 0);
	assert_int_equal(svm_pause_filter_thresh(), 0);

	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_PAUSE_FILTER);
	assert_int_equal(svm_pause_filter_count(), 3000);
	assert_int_equal(svm_pause_filter_thresh(), 0);	/* count-only mode */

	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_PAUSE_FILTER | SVM_FEAT_PAUSE_THRESH);
	assert_int_equal(svm_pause_filter_count(), 3000);
	assert_int_equal(svm_pause_filter_thresh(), 256);
}

/* A threshold without the filter has nothing to tune. */
static void test_threshold_without_filter(void **state)
{
	(void)state;
	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_PAUSE_THRESH);
	assert_false(svm_feat.pause_filter);
	assert_false(svm_feat.pause_threshold);
	assert_int_equal(svm_pause_filter_thresh(), 0);
	print_features();
	assert_logged("svm: pause filter threshold: present, unused without the pause filter\n");
	assert_logged("svm: pause filter: absent: ");

	/* With the filter but no threshold: the count-only mode. */
	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_PAUSE_FILTER);
	print_features();
	assert_logged("svm: pause filter: used: ");
	assert_logged("svm: pause filter threshold: absent: every PAUSE counts towards the filter\n");
}

static void test_vmcb_init_pause(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.control.intercept1 = SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_HLT;
	svm_features_init(EDX_QEMU_TCG);
	svm_features_vmcb_init(&vm.control);
	assert_int_equal(vm.control.intercept1, SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_HLT);
	assert_int_equal(vm.control.pause_filter_count, 0);
	assert_int_equal(vm.control.pause_filter_thresh, 0);

	svm_features_init(EDX_EVERYTHING);
	svm_features_vmcb_init(&vm.control);
	assert_int_equal(vm.control.intercept1,
			 SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_PAUSE);
	assert_int_equal(vm.control.pause_filter_count, 3000);
	assert_int_equal(vm.control.pause_filter_thresh, 256);
	/* Nothing the left-off features would need got switched on. */
	assert_int_equal(vm.control.virt_ctl, 0);
	assert_int_equal(vm.control.vintr, 0);
}

static void test_tlb_flush_cmd(void **state)
{
	(void)state;
	svm_features_init(EDX_QEMU_TCG);
	assert_int_equal(svm_tlb_flush_cmd(), VMCB_TLB_CONTROL_FLUSH_ALL);
	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_FLUSH_BY_ASID);
	assert_int_equal(svm_tlb_flush_cmd(), VMCB_TLB_CONTROL_FLUSH_ASID);
}

static void test_nrip_valid(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.control.nrip = 0x7c02;
	svm_features_init(EDX_QEMU_TCG);
	assert_false(svm_nrip_valid(&vm));	/* whatever the field says */
	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_NRIPS);
	assert_true(svm_nrip_valid(&vm));
	vm.control.nrip = 0;			/* an exit that saves no next RIP */
	assert_false(svm_nrip_valid(&vm));
}

static void test_decode_assist_bytes(void **state)
{
	static const struct {
		u64 code;
		u8 len;
		bool usable;
	} cases[] = {
		{ SVM_EXIT_NPF, 3, true },
		{ SVM_EXIT_NPF, 15, true },
		{ SVM_EXIT_EXCP_PF, 7, true },
		{ SVM_EXIT_NPF, 0, false },	/* instruction fetch, or fetch failed */
		{ SVM_EXIT_NPF, 16, false },	/* bits 7:4 must be 0 */
		{ SVM_EXIT_NPF, 0x13, false },
		{ SVM_EXIT_CPUID, 2, false },	/* other exits: bytes are stale */
		{ SVM_EXIT_IOIO, 1, false },
		{ SVM_EXIT_INVALID, 5, false },
	};

	(void)state;
	memset(&vm, 0, sizeof(vm));
	svm_features_init(EDX_QEMU_TCG);
	vm.control.exitcode = SVM_EXIT_NPF;
	vm.control.insn_len = 3;
	assert_false(svm_use_decode_assists_bytes(&vm));

	svm_features_init(SVM_FEAT_NPT | SVM_FEAT_DECODE_ASSISTS);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		vm.control.exitcode = cases[i].code;
		vm.control.insn_len = cases[i].len;
		if (svm_use_decode_assists_bytes(&vm) != cases[i].usable)
			fail_msg("exit %#lx with insn_len %u: expected %s", (unsigned long)cases[i].code,
				 cases[i].len, cases[i].usable ? "usable" : "not usable");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_tcg_uses_nothing),
		cmocka_unit_test(test_qemu_tcg_report),
		cmocka_unit_test(test_everything_present),
		cmocka_unit_test(test_each_bit_alone),
		cmocka_unit_test(test_init_resets),
		cmocka_unit_test(test_pause_filter_values),
		cmocka_unit_test(test_threshold_without_filter),
		cmocka_unit_test(test_vmcb_init_pause),
		cmocka_unit_test(test_tlb_flush_cmd),
		cmocka_unit_test(test_nrip_valid),
		cmocka_unit_test(test_decode_assist_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
