/* svm/exitcodes.c - printable names for #VMEXIT codes.
 *
 * Called by the exit dispatcher's logs and by vmcb_dump().  Names match the
 * SVM_EXIT_* constants without the prefix.  Pure file.
 */
#include "lib/types.h"
#include "svm/exitcodes.h"

/* Sixteen consecutive codes named PRE<n>POST. */
#define NAMES16(base, pre, post) \
	[(base) + 0] = pre "0" post,   [(base) + 1] = pre "1" post, \
	[(base) + 2] = pre "2" post,   [(base) + 3] = pre "3" post, \
	[(base) + 4] = pre "4" post,   [(base) + 5] = pre "5" post, \
	[(base) + 6] = pre "6" post,   [(base) + 7] = pre "7" post, \
	[(base) + 8] = pre "8" post,   [(base) + 9] = pre "9" post, \
	[(base) + 10] = pre "10" post, [(base) + 11] = pre "11" post, \
	[(base) + 12] = pre "12" post, [(base) + 13] = pre "13" post, \
	[(base) + 14] = pre "14" post, [(base) + 15] = pre "15" post

static const char *const low_names[SVM_EXIT_IDLE_HLT + 1] = {
	NAMES16(SVM_EXIT_READ_CR0, "READ_CR", ""),
	NAMES16(SVM_EXIT_WRITE_CR0, "WRITE_CR", ""),
	NAMES16(SVM_EXIT_READ_DR0, "READ_DR", ""),
	NAMES16(SVM_EXIT_WRITE_DR0, "WRITE_DR", ""),

	/* Vectors without a mnemonic keep their number. */
	[SVM_EXIT_EXCP_DE] = "EXCP_DE",
	[SVM_EXIT_EXCP_DB] = "EXCP_DB",
	[SVM_EXIT_EXCP_NMI] = "EXCP_NMI",
	[SVM_EXIT_EXCP_BP] = "EXCP_BP",
	[SVM_EXIT_EXCP_OF] = "EXCP_OF",
	[SVM_EXIT_EXCP_BR] = "EXCP_BR",
	[SVM_EXIT_EXCP_UD] = "EXCP_UD",
	[SVM_EXIT_EXCP_NM] = "EXCP_NM",
	[SVM_EXIT_EXCP_DF] = "EXCP_DF",
	[SVM_EXIT_EXCP_CSO] = "EXCP_CSO",
	[SVM_EXIT_EXCP_TS] = "EXCP_TS",
	[SVM_EXIT_EXCP_NP] = "EXCP_NP",
	[SVM_EXIT_EXCP_SS] = "EXCP_SS",
	[SVM_EXIT_EXCP_GP] = "EXCP_GP",
	[SVM_EXIT_EXCP_PF] = "EXCP_PF",
	[SVM_EXIT_EXCP(15)] = "EXCP_15",
	[SVM_EXIT_EXCP_MF] = "EXCP_MF",
	[SVM_EXIT_EXCP_AC] = "EXCP_AC",
	[SVM_EXIT_EXCP_MC] = "EXCP_MC",
	[SVM_EXIT_EXCP_XF] = "EXCP_XF",
	[SVM_EXIT_EXCP(20)] = "EXCP_20",
	[SVM_EXIT_EXCP_CP] = "EXCP_CP",
	[SVM_EXIT_EXCP(22)] = "EXCP_22",
	[SVM_EXIT_EXCP(23)] = "EXCP_23",
	[SVM_EXIT_EXCP(24)] = "EXCP_24",
	[SVM_EXIT_EXCP(25)] = "EXCP_25",
	[SVM_EXIT_EXCP(26)] = "EXCP_26",
	[SVM_EXIT_EXCP(27)] = "EXCP_27",
	[SVM_EXIT_EXCP_HV] = "EXCP_HV",
	[SVM_EXIT_EXCP_VC] = "EXCP_VC",
	[SVM_EXIT_EXCP_SX] = "EXCP_SX",
	[SVM_EXIT_EXCP(31)] = "EXCP_31",

	[SVM_EXIT_INTR] = "INTR",
	[SVM_EXIT_NMI] = "NMI",
	[SVM_EXIT_SMI] = "SMI",
	[SVM_EXIT_INIT] = "INIT",
	[SVM_EXIT_VINTR] = "VINTR",
	[SVM_EXIT_CR0_SEL_WRITE] = "CR0_SEL_WRITE",
	[SVM_EXIT_IDTR_READ] = "IDTR_READ",
	[SVM_EXIT_GDTR_READ] = "GDTR_READ",
	[SVM_EXIT_LDTR_READ] = "LDTR_READ",
	[SVM_EXIT_TR_READ] = "TR_READ",
	[SVM_EXIT_IDTR_WRITE] = "IDTR_WRITE",
	[SVM_EXIT_GDTR_WRITE] = "GDTR_WRITE",
	[SVM_EXIT_LDTR_WRITE] = "LDTR_WRITE",
	[SVM_EXIT_TR_WRITE] = "TR_WRITE",
	[SVM_EXIT_RDTSC] = "RDTSC",
	[SVM_EXIT_RDPMC] = "RDPMC",
	[SVM_EXIT_PUSHF] = "PUSHF",
	[SVM_EXIT_POPF] = "POPF",
	[SVM_EXIT_CPUID] = "CPUID",
	[SVM_EXIT_RSM] = "RSM",
	[SVM_EXIT_IRET] = "IRET",
	[SVM_EXIT_SWINT] = "SWINT",
	[SVM_EXIT_INVD] = "INVD",
	[SVM_EXIT_PAUSE] = "PAUSE",
	[SVM_EXIT_HLT] = "HLT",
	[SVM_EXIT_INVLPG] = "INVLPG",
	[SVM_EXIT_INVLPGA] = "INVLPGA",
	[SVM_EXIT_IOIO] = "IOIO",
	[SVM_EXIT_MSR] = "MSR",
	[SVM_EXIT_TASK_SWITCH] = "TASK_SWITCH",
	[SVM_EXIT_FERR_FREEZE] = "FERR_FREEZE",
	[SVM_EXIT_SHUTDOWN] = "SHUTDOWN",

	[SVM_EXIT_VMRUN] = "VMRUN",
	[SVM_EXIT_VMMCALL] = "VMMCALL",
	[SVM_EXIT_VMLOAD] = "VMLOAD",
	[SVM_EXIT_VMSAVE] = "VMSAVE",
	[SVM_EXIT_STGI] = "STGI",
	[SVM_EXIT_CLGI] = "CLGI",
	[SVM_EXIT_SKINIT] = "SKINIT",
	[SVM_EXIT_RDTSCP] = "RDTSCP",
	[SVM_EXIT_ICEBP] = "ICEBP",
	[SVM_EXIT_WBINVD] = "WBINVD",
	[SVM_EXIT_MONITOR] = "MONITOR",
	[SVM_EXIT_MWAIT] = "MWAIT",
	[SVM_EXIT_MWAIT_CONDITIONAL] = "MWAIT_CONDITIONAL",
	[SVM_EXIT_XSETBV] = "XSETBV",
	[SVM_EXIT_RDPRU] = "RDPRU",
	[SVM_EXIT_EFER_WRITE_TRAP] = "EFER_WRITE_TRAP",
	NAMES16(SVM_EXIT_CR0_WRITE_TRAP, "CR", "_WRITE_TRAP"),

	[SVM_EXIT_INVLPGB] = "INVLPGB",
	[SVM_EXIT_INVLPGB_ILLEGAL] = "INVLPGB_ILLEGAL",
	[SVM_EXIT_INVPCID] = "INVPCID",
	[SVM_EXIT_MCOMMIT] = "MCOMMIT",
	[SVM_EXIT_TLBSYNC] = "TLBSYNC",
	[SVM_EXIT_BUS_LOCK] = "BUS_LOCK",
	[SVM_EXIT_IDLE_HLT] = "IDLE_HLT",
};

static const char *const high_names[] = {
	[SVM_EXIT_NPF - SVM_EXIT_NPF] = "NPF",
	[SVM_EXIT_AVIC_INCOMPLETE_IPI - SVM_EXIT_NPF] = "AVIC_INCOMPLETE_IPI",
	[SVM_EXIT_AVIC_NOACCEL - SVM_EXIT_NPF] = "AVIC_NOACCEL",
	[SVM_EXIT_VMGEXIT - SVM_EXIT_NPF] = "VMGEXIT",
};

const char *svm_exit_name(u64 code)
{
	const char *name = NULL;

	switch (svm_exit_normalize(code)) {
	case SVM_EXIT_INVALID:
		return "INVALID";
	case SVM_EXIT_BUSY:
		return "BUSY";
	case SVM_EXIT_IDLE_REQUIRED:
		return "IDLE_REQUIRED";
	case SVM_EXIT_INVALID_PMC:
		return "INVALID_PMC";
	}
	if (code < ARRAY_SIZE(low_names))
		name = low_names[code];
	else if (code >= SVM_EXIT_NPF && code - SVM_EXIT_NPF < ARRAY_SIZE(high_names))
		name = high_names[code - SVM_EXIT_NPF];
	return name ? name : "UNKNOWN";
}
