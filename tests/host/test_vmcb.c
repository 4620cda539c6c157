/* tests/host/test_vmcb.c - VMCB layout, exit code names, event injection
 * and segment attribute encodings, and vmcb_dump() output. */
#include "tests/host/host_support.h"

#include <string.h>

#include "lib/types.h"
#include "svm/exitcodes.h"
#include "svm/vmcb.h"

#define CTRL_OFF(f) offsetof(struct vmcb_control, f)
#define SAVE_OFF(f) offsetof(struct vmcb_save, f)

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vmcb_seg), 16);
	assert_int_equal(sizeof(struct vmcb_control), 0x400);
	assert_int_equal(sizeof(struct vmcb_save), 0xc00);
	assert_int_equal(sizeof(struct vmcb), 4096);
	assert_int_equal(offsetof(struct vmcb, save), 0x400);
	assert_int_equal(_Alignof(struct vmcb), 4096);
}

static void test_control_offsets(void **state)
{
	(void)state;
	assert_int_equal(CTRL_OFF(intercept_cr), 0x000);
	assert_int_equal(CTRL_OFF(intercept_dr), 0x004);
	assert_int_equal(CTRL_OFF(intercept_exceptions), 0x008);
	assert_int_equal(CTRL_OFF(intercept1), 0x00c);
	assert_int_equal(CTRL_OFF(intercept2), 0x010);
	assert_int_equal(CTRL_OFF(intercept3), 0x014);
	assert_int_equal(CTRL_OFF(pause_filter_thresh), 0x03c);
	assert_int_equal(CTRL_OFF(pause_filter_count), 0x03e);
	assert_int_equal(CTRL_OFF(iopm_base_pa), 0x040);
	assert_int_equal(CTRL_OFF(msrpm_base_pa), 0x048);
	assert_int_equal(CTRL_OFF(tsc_offset), 0x050);
	assert_int_equal(CTRL_OFF(asid), 0x058);
	assert_int_equal(CTRL_OFF(tlb_control), 0x05c);
	assert_int_equal(CTRL_OFF(vintr), 0x060);
	assert_int_equal(CTRL_OFF(int_shadow), 0x068);
	assert_int_equal(CTRL_OFF(exitcode), 0x070);
	assert_int_equal(CTRL_OFF(exitinfo1), 0x078);
	assert_int_equal(CTRL_OFF(exitinfo2), 0x080);
	assert_int_equal(CTRL_OFF(exitintinfo), 0x088);
	assert_int_equal(CTRL_OFF(np_ctl), 0x090);
	assert_int_equal(CTRL_OFF(avic_apic_bar), 0x098);
	assert_int_equal(CTRL_OFF(ghcb_gpa), 0x0a0);
	assert_int_equal(CTRL_OFF(eventinj), 0x0a8);
	assert_int_equal(CTRL_OFF(n_cr3), 0x0b0);
	assert_int_equal(CTRL_OFF(virt_ctl), 0x0b8);
	assert_int_equal(CTRL_OFF(clean), 0x0c0);
	assert_int_equal(CTRL_OFF(nrip), 0x0c8);
	assert_int_equal(CTRL_OFF(insn_len), 0x0d0);
	assert_int_equal(CTRL_OFF(insn_bytes), 0x0d1);
	assert_int_equal(sizeof(((struct vmcb_control *)0)->insn_bytes), 15);
	assert_int_equal(CTRL_OFF(avic_backing_page), 0x0e0);
	assert_int_equal(CTRL_OFF(avic_logical_table), 0x0f0);
	assert_int_equal(CTRL_OFF(avic_physical_table), 0x0f8);
	assert_int_equal(CTRL_OFF(vmsa_pa), 0x108);
	assert_int_equal(CTRL_OFF(software_0x3e0), 0x3e0);
}

static void test_save_offsets(void **state)
{
	(void)state;
	assert_int_equal(SAVE_OFF(es), 0x000);
	assert_int_equal(SAVE_OFF(cs), 0x010);
	assert_int_equal(SAVE_OFF(ss), 0x020);
	assert_int_equal(SAVE_OFF(ds), 0x030);
	assert_int_equal(SAVE_OFF(fs), 0x040);
	assert_int_equal(SAVE_OFF(gs), 0x050);
	assert_int_equal(SAVE_OFF(gdtr), 0x060);
	assert_int_equal(SAVE_OFF(ldtr), 0x070);
	assert_int_equal(SAVE_OFF(idtr), 0x080);
	assert_int_equal(SAVE_OFF(tr), 0x090);
	assert_int_equal(SAVE_OFF(cpl), 0x0cb);
	assert_int_equal(SAVE_OFF(efer), 0x0d0);
	assert_int_equal(SAVE_OFF(cr4), 0x148);
	assert_int_equal(SAVE_OFF(cr3), 0x150);
	assert_int_equal(SAVE_OFF(cr0), 0x158);
	assert_int_equal(SAVE_OFF(dr7), 0x160);
	assert_int_equal(SAVE_OFF(dr6), 0x168);
	assert_int_equal(SAVE_OFF(rflags), 0x170);
	assert_int_equal(SAVE_OFF(rip), 0x178);
	assert_int_equal(SAVE_OFF(rsp), 0x1d8);
	assert_int_equal(SAVE_OFF(s_cet), 0x1e0);
	assert_int_equal(SAVE_OFF(ssp), 0x1e8);
	assert_int_equal(SAVE_OFF(isst_addr), 0x1f0);
	assert_int_equal(SAVE_OFF(rax), 0x1f8);
	assert_int_equal(SAVE_OFF(star), 0x200);
	assert_int_equal(SAVE_OFF(lstar), 0x208);
	assert_int_equal(SAVE_OFF(cstar), 0x210);
	assert_int_equal(SAVE_OFF(sfmask), 0x218);
	assert_int_equal(SAVE_OFF(kernel_gs_base), 0x220);
	assert_int_equal(SAVE_OFF(sysenter_cs), 0x228);
	assert_int_equal(SAVE_OFF(sysenter_esp), 0x230);
	assert_int_equal(SAVE_OFF(sysenter_eip), 0x238);
	assert_int_equal(SAVE_OFF(cr2), 0x240);
	assert_int_equal(SAVE_OFF(g_pat), 0x268);
	assert_int_equal(SAVE_OFF(dbgctl), 0x270);
	assert_int_equal(SAVE_OFF(br_from), 0x278);
	assert_int_equal(SAVE_OFF(br_to), 0x280);
	assert_int_equal(SAVE_OFF(last_excp_from), 0x288);
	assert_int_equal(SAVE_OFF(last_excp_to), 0x290);
	assert_int_equal(SAVE_OFF(spec_ctrl), 0x2e0);
	assert_int_equal(offsetof(struct vmcb, save.rip), 0x578);
	assert_int_equal(offsetof(struct vmcb, save.tr.base), 0x498);
}

/* Writing through the struct lands on the byte the APM names. */
static void test_fields_hit_raw_bytes(void **state)
{
	static struct vmcb v;
	const u8 *raw = (const u8 *)&v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.control.tlb_control = VMCB_TLB_CONTROL_FLUSH_ASID;
	v.control.asid = 0x11223344;
	v.save.cpl = 3;
	v.save.rip = 0x1122334455667788ULL;
	v.save.cs.attrib = 0x029b;
	assert_int_equal(raw[0x05c], 0x03);
	assert_int_equal(raw[0x058], 0x44);
	assert_int_equal(raw[0x05b], 0x11);
	assert_int_equal(raw[0x400 + 0x0cb], 3);
	assert_int_equal(raw[0x400 + 0x178], 0x88);
	assert_int_equal(raw[0x400 + 0x17f], 0x11);
	assert_int_equal(raw[0x400 + 0x012], 0x9b);
	assert_int_equal(raw[0x400 + 0x013], 0x02);
}

/* Every exit code the APM defines, as the header names it. */
static const u64 named_codes[] = {
	SVM_EXIT_READ_CR0, SVM_EXIT_READ_CR1, SVM_EXIT_READ_CR2, SVM_EXIT_READ_CR3,
	SVM_EXIT_READ_CR4, SVM_EXIT_READ_CR5, SVM_EXIT_READ_CR6, SVM_EXIT_READ_CR7,
	SVM_EXIT_READ_CR8, SVM_EXIT_READ_CR9, SVM_EXIT_READ_CR10, SVM_EXIT_READ_CR11,
	SVM_EXIT_READ_CR12, SVM_EXIT_READ_CR13, SVM_EXIT_READ_CR14, SVM_EXIT_READ_CR15,
	SVM_EXIT_WRITE_CR0, SVM_EXIT_WRITE_CR1, SVM_EXIT_WRITE_CR2, SVM_EXIT_WRITE_CR3,
	SVM_EXIT_WRITE_CR4, SVM_EXIT_WRITE_CR5, SVM_EXIT_WRITE_CR6, SVM_EXIT_WRITE_CR7,
	SVM_EXIT_WRITE_CR8, SVM_EXIT_WRITE_CR9, SVM_EXIT_WRITE_CR10, SVM_EXIT_WRITE_CR11,
	SVM_EXIT_WRITE_CR12, SVM_EXIT_WRITE_CR13, SVM_EXIT_WRITE_CR14, SVM_EXIT_WRITE_CR15,
	SVM_EXIT_READ_DR0, SVM_EXIT_READ_DR1, SVM_EXIT_READ_DR2, SVM_EXIT_READ_DR3,
	SVM_EXIT_READ_DR4, SVM_EXIT_READ_DR5, SVM_EXIT_READ_DR6, SVM_EXIT_READ_DR7,
	SVM_EXIT_READ_DR8, SVM_EXIT_READ_DR9, SVM_EXIT_READ_DR10, SVM_EXIT_READ_DR11,
	SVM_EXIT_READ_DR12, SVM_EXIT_READ_DR13, SVM_EXIT_READ_DR14, SVM_EXIT_READ_DR15,
	SVM_EXIT_WRITE_DR0, SVM_EXIT_WRITE_DR1, SVM_EXIT_WRITE_DR2, SVM_EXIT_WRITE_DR3,
	SVM_EXIT_WRITE_DR4, SVM_EXIT_WRITE_DR5, SVM_EXIT_WRITE_DR6, SVM_EXIT_WRITE_DR7,
	SVM_EXIT_WRITE_DR8, SVM_EXIT_WRITE_DR9, SVM_EXIT_WRITE_DR10, SVM_EXIT_WRITE_DR11,
	SVM_EXIT_WRITE_DR12, SVM_EXIT_WRITE_DR13, SVM_EXIT_WRITE_DR14, SVM_EXIT_WRITE_DR15,
	SVM_EXIT_EXCP_DE, SVM_EXIT_EXCP_DB, SVM_EXIT_EXCP_NMI, SVM_EXIT_EXCP_BP,
	SVM_EXIT_EXCP_OF, SVM_EXIT_EXCP_BR, SVM_EXIT_EXCP_UD, SVM_EXIT_EXCP_NM,
	SVM_EXIT_EXCP_DF, SVM_EXIT_EXCP_CSO, SVM_EXIT_EXCP_TS, SVM_EXIT_EXCP_NP,
	SVM_EXIT_EXCP_SS, SVM_EXIT_EXCP_GP, SVM_EXIT_EXCP_PF, SVM_EXIT_EXCP_MF,
	SVM_EXIT_EXCP_AC, SVM_EXIT_EXCP_MC, SVM_EXIT_EXCP_XF, SVM_EXIT_EXCP_CP,
	SVM_EXIT_EXCP_HV, SVM_EXIT_EXCP_VC, SVM_EXIT_EXCP_SX, SVM_EXIT_EXCP_LAST,
	SVM_EXIT_INTR, SVM_EXIT_NMI, SVM_EXIT_SMI, SVM_EXIT_INIT, SVM_EXIT_VINTR,
	SVM_EXIT_CR0_SEL_WRITE, SVM_EXIT_IDTR_READ, SVM_EXIT_GDTR_READ,
	SVM_EXIT_LDTR_READ, SVM_EXIT_TR_READ, SVM_EXIT_IDTR_WRITE,
	SVM_EXIT_GDTR_WRITE, SVM_EXIT_LDTR_WRITE, SVM_EXIT_TR_WRITE,
	SVM_EXIT_RDTSC, SVM_EXIT_RDPMC, SVM_EXIT_PUSHF, SVM_EXIT_POPF,
	SVM_EXIT_CPUID, SVM_EXIT_RSM, SVM_EXIT_IRET, SVM_EXIT_SWINT, SVM_EXIT_INVD,
	SVM_EXIT_PAUSE, SVM_EXIT_HLT, SVM_EXIT_INVLPG, SVM_EXIT_INVLPGA,
	SVM_EXIT_IOIO, SVM_EXIT_MSR, SVM_EXIT_TASK_SWITCH, SVM_EXIT_FERR_FREEZE,
	SVM_EXIT_SHUTDOWN,
	SVM_EXIT_VMRUN, SVM_EXIT_VMMCALL, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE,
	SVM_EXIT_STGI, SVM_EXIT_CLGI, SVM_EXIT_SKINIT, SVM_EXIT_RDTSCP,
	SVM_EXIT_ICEBP, SVM_EXIT_WBINVD, SVM_EXIT_MONITOR, SVM_EXIT_MWAIT,
	SVM_EXIT_MWAIT_CONDITIONAL, SVM_EXIT_XSETBV, SVM_EXIT_RDPRU,
	SVM_EXIT_EFER_WRITE_TRAP,
	SVM_EXIT_CR0_WRITE_TRAP, SVM_EXIT_CR1_WRITE_TRAP, SVM_EXIT_CR2_WRITE_TRAP,
	SVM_EXIT_CR3_WRITE_TRAP, SVM_EXIT_CR4_WRITE_TRAP, SVM_EXIT_CR5_WRITE_TRAP,
	SVM_EXIT_CR6_WRITE_TRAP, SVM_EXIT_CR7_WRITE_TRAP, SVM_EXIT_CR8_WRITE_TRAP,
	SVM_EXIT_CR9_WRITE_TRAP, SVM_EXIT_CR10_WRITE_TRAP, SVM_EXIT_CR11_WRITE_TRAP,
	SVM_EXIT_CR12_WRITE_TRAP, SVM_EXIT_CR13_WRITE_TRAP, SVM_EXIT_CR14_WRITE_TRAP,
	SVM_EXIT_CR15_WRITE_TRAP,
	SVM_EXIT_INVLPGB, SVM_EXIT_INVLPGB_ILLEGAL, SVM_EXIT_INVPCID,
	SVM_EXIT_MCOMMIT, SVM_EXIT_TLBSYNC, SVM_EXIT_BUS_LOCK, SVM_EXIT_IDLE_HLT,
	SVM_EXIT_NPF, SVM_EXIT_AVIC_INCOMPLETE_IPI, SVM_EXIT_AVIC_NOACCEL,
	SVM_EXIT_VMGEXIT,
	SVM_EXIT_INVALID, SVM_EXIT_BUSY, SVM_EXIT_IDLE_REQUIRED, SVM_EXIT_INVALID_PMC,
};

static void test_every_named_code_has_a_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(named_codes); i++) {
		const char *name = svm_exit_name(named_codes[i]);

		assert_non_null(name);
		if (strcmp(name, "UNKNOWN") == 0)
			fail_msg("exit code 0x%lx has no name", named_codes[i]);
	}
	/* All exception vectors and all CR/DR numbers are named. */
	for (u64 c = 0; c <= SVM_EXIT_IDLE_HLT; c++)
		assert_string_not_equal(svm_exit_name(c), "UNKNOWN");
}

static void test_specific_names(void **state)
{
	(void)state;
	assert_string_equal(svm_exit_name(SVM_EXIT_CPUID), "CPUID");
	assert_string_equal(svm_exit_name(0x072), "CPUID");
	assert_string_equal(svm_exit_name(SVM_EXIT_NPF), "NPF");
	assert_string_equal(svm_exit_name(SVM_EXIT_EXCP_PF), "EXCP_PF");
	assert_string_equal(svm_exit_name(SVM_EXIT_EXCP(13)), "EXCP_GP");
	assert_string_equal(svm_exit_name(SVM_EXIT_EXCP(15)), "EXCP_15");
	assert_string_equal(svm_exit_name(SVM_EXIT_READ_CR3), "READ_CR3");
	assert_string_equal(svm_exit_name(SVM_EXIT_WRITE_CR(15)), "WRITE_CR15");
	assert_string_equal(svm_exit_name(SVM_EXIT_READ_DR(7)), "READ_DR7");
	assert_string_equal(svm_exit_name(SVM_EXIT_CR_WRITE_TRAP(4)), "CR4_WRITE_TRAP");
	assert_string_equal(svm_exit_name(SVM_EXIT_IOIO), "IOIO");
	assert_string_equal(svm_exit_name(SVM_EXIT_SHUTDOWN), "SHUTDOWN");
	assert_string_equal(svm_exit_name(SVM_EXIT_VMMCALL), "VMMCALL");
	assert_string_equal(svm_exit_name(SVM_EXIT_VMGEXIT), "VMGEXIT");
	assert_string_equal(svm_exit_name(SVM_EXIT_BUSY), "BUSY");
}

static void test_invalid_either_width(void **state)
{
	(void)state;
	assert_string_equal(svm_exit_name(0xffffffffffffffffULL), "INVALID");
	assert_string_equal(svm_exit_name(0x00000000ffffffffULL), "INVALID");
	assert_string_equal(svm_exit_name(0x00000000fffffffeULL), "BUSY");
	assert_true(svm_exit_is_invalid(0x00000000ffffffffULL));
	assert_true(svm_exit_is_invalid(SVM_EXIT_INVALID));
	assert_false(svm_exit_is_invalid(SVM_EXIT_NPF));
	assert_true(svm_exit_normalize(0x00000000ffffffffULL) == SVM_EXIT_INVALID);
	assert_true(svm_exit_normalize(0x00000000fffffffcULL) == SVM_EXIT_INVALID_PMC);
	assert_true(svm_exit_normalize(SVM_EXIT_CPUID) == SVM_EXIT_CPUID);
}

static void test_unknown_codes(void **state)
{
	(void)state;
	assert_string_equal(svm_exit_name(SVM_EXIT_IDLE_HLT + 1), "UNKNOWN");
	assert_string_equal(svm_exit_name(0x3ff), "UNKNOWN");
	assert_string_equal(svm_exit_name(SVM_EXIT_VMGEXIT + 1), "UNKNOWN");
	assert_string_equal(svm_exit_name(0x12345678), "UNKNOWN");
	assert_string_equal(svm_exit_name(0xfffffffb), "UNKNOWN");
	assert_string_equal(svm_exit_name(0x100000072ULL), "UNKNOWN");
	assert_int_equal(SVM_EXIT_MAX_INDEXED, 0x403);
	assert_int_equal(SVM_EXIT_NR_INDEXED, 0x404);
}

static void test_names_unique(void **state)
{
	static const char *seen[0x500];
	size_t n = 0;

	(void)state;
	for (u64 c = 0; c < 0x1000; c++) {
		const char *name = svm_exit_name(c);

		if (strcmp(name, "UNKNOWN") == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (strcmp(seen[i], name) == 0)
				fail_msg("name %s used twice (code 0x%lx)", name, c);
		assert_true(n < ARRAY_SIZE(seen));
		seen[n++] = name;
	}
	for (u64 c = SVM_EXIT_INVALID_PMC; c != 0; c++) {
		const char *name = svm_exit_name(c);

		for (size_t i = 0; i < n; i++)
			if (strcmp(seen[i], name) == 0)
				fail_msg("name %s used twice (code 0x%lx)", name, c);
		seen[n++] = name;
	}
	/* 0xa7 codes up to 0x0a6, 4 from 0x400, 4 negative ones. */
	assert_int_equal(n, 0xa7 + 4 + 4);
}

/* Intercept bit n of words 1-3 reports exit 0x060/0x080/0x0a0 + n. */
static void test_intercept_bits_match_exit_codes(void **state)
{
	(void)state;
	assert_true(SVM_INTERCEPT1_INTR == BIT(SVM_EXIT_INTR - 0x060));
	assert_true(SVM_INTERCEPT1_CPUID == BIT(SVM_EXIT_CPUID - 0x060));
	assert_true(SVM_INTERCEPT1_HLT == BIT(SVM_EXIT_HLT - 0x060));
	assert_true(SVM_INTERCEPT1_IOIO_PROT == BIT(SVM_EXIT_IOIO - 0x060));
	assert_true(SVM_INTERCEPT1_MSR_PROT == BIT(SVM_EXIT_MSR - 0x060));
	assert_true(SVM_INTERCEPT1_SHUTDOWN == BIT(SVM_EXIT_SHUTDOWN - 0x060));
	assert_true(SVM_INTERCEPT2_VMRUN == BIT(SVM_EXIT_VMRUN - 0x080));
	assert_true(SVM_INTERCEPT2_VMMCALL == BIT(SVM_EXIT_VMMCALL - 0x080));
	assert_true(SVM_INTERCEPT2_XSETBV == BIT(SVM_EXIT_XSETBV - 0x080));
	assert_true(SVM_INTERCEPT2_RDPRU == BIT(SVM_EXIT_RDPRU - 0x080));
	assert_true(SVM_INTERCEPT2_EFER_WRITE_TRAP == BIT(SVM_EXIT_EFER_WRITE_TRAP - 0x080));
	assert_true(SVM_INTERCEPT2_CR_WRITE_TRAP(3) == BIT(SVM_EXIT_CR3_WRITE_TRAP - 0x080));
	assert_true(SVM_INTERCEPT3_INVPCID == BIT(SVM_EXIT_INVPCID - 0x0a0));
	assert_true(SVM_INTERCEPT3_IDLE_HLT == BIT(SVM_EXIT_IDLE_HLT - 0x0a0));
	assert_true(SVM_INTERCEPT_CR_WRITE(3) == BIT(19));
	assert_true(SVM_INTERCEPT_DR_READ(7) == BIT(7));
	assert_true(SVM_INTERCEPT_EXCP(14) == BIT(14));
}

static void test_eventinj_encoding(void **state)
{
	(void)state;
	/* #GP(0x10): vector 13, type 3, EV, V, error code in 63:32. */
	assert_true(vmcb_event_excp_err(13, 0x10) == 0x0000001080000b0dULL);
	assert_true(vmcb_event_excp_err(13, 0) == 0x0000000080000b0dULL);
	/* #PF with error code 0x6 (user write to a non-present page). */
	assert_true(vmcb_event_excp_err(14, 6) == 0x0000000680000b0eULL);
	/* #UD: no error code, EV clear. */
	assert_true(vmcb_event_excp(6) == 0x0000000080000306ULL);
	/* External interrupt vector 0x20, NMI, software INT 0x80. */
	assert_true(vmcb_event_intr(0x20) == 0x0000000080000020ULL);
	assert_true(vmcb_event_nmi() == 0x0000000080000202ULL);
	assert_true(vmcb_event(0x80, VMCB_EVENT_TYPE_SOFT, false, 0) == 0x0000000080000480ULL);

	u64 ev = vmcb_event_excp_err(13, 0xabcd);
	assert_int_equal(vmcb_event_vector(ev), 13);
	assert_int_equal(vmcb_event_type(ev), VMCB_EVENT_TYPE_EXCP);
	assert_int_equal(vmcb_event_errcode(ev), 0xabcd);
	assert_true(ev & VMCB_EVENT_EV);
	assert_true(ev & VMCB_EVENT_VALID);
}

static void test_attr_from_desc(void **state)
{
	(void)state;
	/* Flat 64-bit kernel code: access 0x9b, flags L|G. */
	assert_int_equal(vmcb_attr_from_desc(0x00af9b000000ffffULL), 0x0a9b);
	/* Flat 32-bit data, 4 KiB granular: access 0x93, flags D/B|G. */
	assert_int_equal(vmcb_attr_from_desc(0x00cf93000000ffffULL), 0x0c93);
	/* 64-bit user code (DPL 3). */
	assert_int_equal(vmcb_attr_from_desc(0x00affb000000ffffULL), 0x0afb);
	/* Available 64-bit TSS, byte granular: base and limit bits ignored. */
	assert_int_equal(vmcb_attr_from_desc(0x1200891234560067ULL), 0x0089);
	/* The example the dump format uses: L set, G clear. */
	assert_int_equal(vmcb_attr_from_desc(0x00209b0000000000ULL), 0x029b);

	u16 a = vmcb_attr_from_desc(0x00affb000000ffffULL);
	assert_int_equal(a & VMCB_ATTR_TYPE, 0xb);
	assert_true(a & VMCB_ATTR_S);
	assert_int_equal((a & VMCB_ATTR_DPL) >> VMCB_ATTR_DPL_SHIFT, 3);
	assert_true(a & VMCB_ATTR_P);
	assert_true(a & VMCB_ATTR_L);
	assert_false(a & VMCB_ATTR_DB);
	assert_true(a & VMCB_ATTR_G);
	assert_false(a & VMCB_ATTR_AVL);
}

/* EXITINTINFO -> what is injected again after the exit. */
static void test_event_requeue(void **state)
{
	assert_int_equal(vmcb_event_requeue(0), 0);
	assert_int_equal(vmcb_event_requeue(0x30), 0);			/* not valid */
	assert_int_equal(vmcb_event_requeue(vmcb_event_intr(0x30)), vmcb_event_intr(0x30));
	assert_int_equal(vmcb_event_requeue(vmcb_event_nmi()), vmcb_event_nmi());
	/* #PF with its error code, kept whole. */
	u64 pf = vmcb_event_excp_err(14, 0x1234);
	assert_int_equal(vmcb_event_requeue(pf), pf);
	assert_int_equal(vmcb_event_errcode(vmcb_event_requeue(pf)), 0x1234);
	/* INTn, INT3 and INTO happen again when the instruction runs again. */
	assert_int_equal(vmcb_event_requeue(vmcb_event(0x80, VMCB_EVENT_TYPE_SOFT, false, 0)), 0);
	assert_int_equal(vmcb_event_requeue(vmcb_event_excp(3)), 0);
	assert_int_equal(vmcb_event_requeue(vmcb_event_excp(4)), 0);
	/* An interrupt or NMI reported as an "exception" gets its type back:
	 * VMRUN would refuse type 3 with vector 2 or 32-255. */
	assert_int_equal(vmcb_event_requeue(vmcb_event_excp(0x30)), vmcb_event_intr(0x30));
	assert_int_equal(vmcb_event_requeue(vmcb_event_excp(2)), vmcb_event_nmi());
	/* Reserved bits 30:12 dropped; reserved types refused. */
	assert_int_equal(vmcb_event_requeue(vmcb_event_intr(0x41) | BIT(20)), vmcb_event_intr(0x41));
	assert_int_equal(vmcb_event_requeue(vmcb_event(0x41, 1, false, 0)), 0);
	assert_int_equal(vmcb_event_requeue(vmcb_event(0x41, 7, false, 0)), 0);
}

static void test_exitinfo_decoders(void **state)
{
	(void)state;
	/* IN AL, 0x60: port 0x60, 8-bit, 64-bit addresses. */
	u64 in8 = (0x60ULL << SVM_IOIO_PORT_SHIFT) | SVM_IOIO_A64 | SVM_IOIO_SZ8 | SVM_IOIO_IN;
	assert_int_equal(svm_ioio_port(in8), 0x60);
	assert_int_equal(svm_ioio_size(in8), 1);
	assert_true(in8 & SVM_IOIO_IN);
	/* REP OUTSW to 0x3f8 through DS. */
	u64 outs = (0x3f8ULL << 16) | (3ULL << SVM_IOIO_SEG_SHIFT) | SVM_IOIO_A32 |
		   SVM_IOIO_SZ16 | SVM_IOIO_REP | SVM_IOIO_STR;
	assert_int_equal(svm_ioio_port(outs), 0x3f8);
	assert_int_equal(svm_ioio_size(outs), 2);
	assert_int_equal((outs & SVM_IOIO_SEG) >> SVM_IOIO_SEG_SHIFT, 3);
	assert_false(outs & SVM_IOIO_IN);
	assert_int_equal(svm_ioio_size(SVM_IOIO_SZ32), 4);
	assert_true(SVM_IOIO_PORT == 0xffff0000ULL);
	assert_true(SVM_NPF_FINAL == 0x100000000ULL);
	assert_true(SVM_NPF_TABLE_WALK == 0x200000000ULL);
	assert_true((SVM_NPF_P | SVM_NPF_WRITE | SVM_NPF_USER | SVM_NPF_RSVD |
		     SVM_NPF_FETCH) == 0x1f);
}

static void test_vmcb_dump_prints_names(void **state)
{
	static struct vmcb v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.control.exitcode = SVM_EXIT_IOIO;
	v.control.exitinfo1 = 0x03f80210;
	v.control.exitinfo2 = 0xfffff80000001234ULL;
	v.control.asid = 1;
	v.control.insn_len = 2;
	v.control.insn_bytes[0] = 0x0f;
	v.control.insn_bytes[1] = 0xa2;
	v.save.cs.selector = 0x0008;
	v.save.cs.attrib = 0x029b;
	v.save.cs.limit = 0xffffffff;
	v.save.rip = 0xffffffff81000000ULL;
	v.save.efer = 0x1d00;

	host_log_reset();
	vmcb_dump(&v);
	assert_true(host_log_contains("exitcode=0x07b (IOIO)"));
	assert_true(host_log_contains("exitinfo1=0000000003f80210"));
	assert_true(host_log_contains("exitinfo2=fffff80000001234"));
	assert_true(host_log_contains("asid=1 "));
	assert_true(host_log_contains("insn_len=2 insn=0fa2"));
	assert_true(host_log_contains(
		"cs sel=0008 attr=029b limit=ffffffff base=0000000000000000"));
	assert_true(host_log_contains("rip=ffffffff81000000"));
	assert_true(host_log_contains("efer=0000000000001d00"));
	static const char *const names[] = {
		"intercept cr=", "iopm=", "msrpm=", "tsc_offset=", "vintr=", "n_cr3=",
		"exitintinfo=", "eventinj=", "nrip=", "clean=", "es sel=", "ss sel=",
		"ds sel=", "fs sel=", "gs sel=", "gdtr sel=", "ldtr sel=", "idtr sel=",
		"tr sel=", "cpl=", "rflags=", "rsp=", "rax=", "cr0=", "cr2=", "cr3=",
		"cr4=", "dr6=", "dr7=", "g_pat=", "star=", "lstar=", "cstar=", "sfmask=",
		"kernel_gs_base=", "sysenter_cs=", "sysenter_esp=", "sysenter_eip=",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!host_log_contains(names[i]))
			fail_msg("vmcb_dump did not print %s", names[i]);

	/* An invalid VMRUN, zero-extended by the emulator, is named too, and a
	 * corrupt instruction length does not read past the 15 bytes. */
	v.control.exitcode = 0x00000000ffffffffULL;
	v.control.insn_len = 200;
	host_log_reset();
	vmcb_dump(&v);
	assert_true(host_log_contains("(INVALID)"));
	assert_true(host_log_contains("insn_len=200 insn=0fa200000000000000000000000000\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_control_offsets),
		cmocka_unit_test(test_save_offsets),
		cmocka_unit_test(test_fields_hit_raw_bytes),
		cmocka_unit_test(test_every_named_code_has_a_name),
		cmocka_unit_test(test_specific_names),
		cmocka_unit_test(test_invalid_either_width),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_intercept_bits_match_exit_codes),
		cmocka_unit_test(test_eventinj_encoding),
		cmocka_unit_test(test_attr_from_desc),
		cmocka_unit_test(test_exitinfo_decoders),
		cmocka_unit_test(test_event_requeue),
		cmocka_unit_test(test_vmcb_dump_prints_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
