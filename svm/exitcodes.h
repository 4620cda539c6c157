/* svm/exitcodes.h - #VMEXIT codes (AMD64 APM vol. 2, appendix C "SVM
 * Intercept Exit Codes") and the EXITINFO1 formats the handlers decode.
 *
 * The exit dispatcher indexes its handler table with these codes, and
 * svm_exit_name() (svm/exitcodes.c) turns them into names for logs and
 * VMCB dumps.  Pure header: kernel and host tests.
 */
#ifndef SVMHV_SVM_EXITCODES_H
#define SVMHV_SVM_EXITCODES_H

#include "lib/types.h"

/* 0x000-0x01f: MOV from/to CR0-15 */
#define SVM_EXIT_READ_CR(n)	(0x000 + (n))
#define SVM_EXIT_READ_CR0	0x000
#define SVM_EXIT_READ_CR1	0x001
#define SVM_EXIT_READ_CR2	0x002
#define SVM_EXIT_READ_CR3	0x003
#define SVM_EXIT_READ_CR4	0x004
#define SVM_EXIT_READ_CR5	0x005
#define SVM_EXIT_READ_CR6	0x006
#define SVM_EXIT_READ_CR7	0x007
#define SVM_EXIT_READ_CR8	0x008
#define SVM_EXIT_READ_CR9	0x009
#define SVM_EXIT_READ_CR10	0x00a
#define SVM_EXIT_READ_CR11	0x00b
#define SVM_EXIT_READ_CR12	0x00c
#define SVM_EXIT_READ_CR13	0x00d
#define SVM_EXIT_READ_CR14	0x00e
#define SVM_EXIT_READ_CR15	0x00f
#define SVM_EXIT_WRITE_CR(n)	(0x010 + (n))
#define SVM_EXIT_WRITE_CR0	0x010
#define SVM_EXIT_WRITE_CR1	0x011
#define SVM_EXIT_WRITE_CR2	0x012
#define SVM_EXIT_WRITE_CR3	0x013
#define SVM_EXIT_WRITE_CR4	0x014
#define SVM_EXIT_WRITE_CR5	0x015
#define SVM_EXIT_WRITE_CR6	0x016
#define SVM_EXIT_WRITE_CR7	0x017
#define SVM_EXIT_WRITE_CR8	0x018
#define SVM_EXIT_WRITE_CR9	0x019
#define SVM_EXIT_WRITE_CR10	0x01a
#define SVM_EXIT_WRITE_CR11	0x01b
#define SVM_EXIT_WRITE_CR12	0x01c
#define SVM_EXIT_WRITE_CR13	0x01d
#define SVM_EXIT_WRITE_CR14	0x01e
#define SVM_EXIT_WRITE_CR15	0x01f

/* 0x020-0x03f: MOV from/to DR0-15 */
#define SVM_EXIT_READ_DR(n)	(0x020 + (n))
#define SVM_EXIT_READ_DR0	0x020
#define SVM_EXIT_READ_DR1	0x021
#define SVM_EXIT_READ_DR2	0x022
#define SVM_EXIT_READ_DR3	0x023
#define SVM_EXIT_READ_DR4	0x024
#define SVM_EXIT_READ_DR5	0x025
#define SVM_EXIT_READ_DR6	0x026
#define SVM_EXIT_READ_DR7	0x027
#define SVM_EXIT_READ_DR8	0x028
#define SVM_EXIT_READ_DR9	0x029
#define SVM_EXIT_READ_DR10	0x02a
#define SVM_EXIT_READ_DR11	0x02b
#define SVM_EXIT_READ_DR12	0x02c
#define SVM_EXIT_READ_DR13	0x02d
#define SVM_EXIT_READ_DR14	0x02e
#define SVM_EXIT_READ_DR15	0x02f
#define SVM_EXIT_WRITE_DR(n)	(0x030 + (n))
#define SVM_EXIT_WRITE_DR0	0x030
#define SVM_EXIT_WRITE_DR1	0x031
#define SVM_EXIT_WRITE_DR2	0x032
#define SVM_EXIT_WRITE_DR3	0x033
#define SVM_EXIT_WRITE_DR4	0x034
#define SVM_EXIT_WRITE_DR5	0x035
#define SVM_EXIT_WRITE_DR6	0x036
#define SVM_EXIT_WRITE_DR7	0x037
#define SVM_EXIT_WRITE_DR8	0x038
#define SVM_EXIT_WRITE_DR9	0x039
#define SVM_EXIT_WRITE_DR10	0x03a
#define SVM_EXIT_WRITE_DR11	0x03b
#define SVM_EXIT_WRITE_DR12	0x03c
#define SVM_EXIT_WRITE_DR13	0x03d
#define SVM_EXIT_WRITE_DR14	0x03e
#define SVM_EXIT_WRITE_DR15	0x03f

/* 0x040-0x05f: exception vectors 0-31 */
#define SVM_EXIT_EXCP(vec)	(0x040 + (vec))
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_EXCP_LAST	0x05f
#define SVM_EXIT_EXCP_DE	0x040	/* divide error */
#define SVM_EXIT_EXCP_DB	0x041	/* debug */
#define SVM_EXIT_EXCP_NMI	0x042	/* vector 2; real NMIs exit with SVM_EXIT_NMI */
#define SVM_EXIT_EXCP_BP	0x043	/* breakpoint */
#define SVM_EXIT_EXCP_OF	0x044	/* overflow */
#define SVM_EXIT_EXCP_BR	0x045	/* bound range */
#define SVM_EXIT_EXCP_UD	0x046	/* invalid opcode */
#define SVM_EXIT_EXCP_NM	0x047	/* device not available */
#define SVM_EXIT_EXCP_DF	0x048	/* double fault */
#define SVM_EXIT_EXCP_CSO	0x049	/* coprocessor segment overrun (vector 9) */
#define SVM_EXIT_EXCP_TS	0x04a	/* invalid TSS */
#define SVM_EXIT_EXCP_NP	0x04b	/* segment not present */
#define SVM_EXIT_EXCP_SS	0x04c	/* stack fault */
#define SVM_EXIT_EXCP_GP	0x04d	/* general protection */
#define SVM_EXIT_EXCP_PF	0x04e	/* page fault */
#define SVM_EXIT_EXCP_MF	0x050	/* x87 floating point */
#define SVM_EXIT_EXCP_AC	0x051	/* alignment check */
#define SVM_EXIT_EXCP_MC	0x052	/* machine check */
#define SVM_EXIT_EXCP_XF	0x053	/* SIMD floating point */
#define SVM_EXIT_EXCP_CP	0x055	/* control protection (vector 21) */
#define SVM_EXIT_EXCP_HV	0x05c	/* hypervisor injection (vector 28) */
#define SVM_EXIT_EXCP_VC	0x05d	/* VMM communication (vector 29) */
#define SVM_EXIT_EXCP_SX	0x05e	/* security exception (vector 30) */

/* 0x060-0x07f: intercept word 1 (vmcb.h SVM_INTERCEPT1_*), bit n = 0x060 + n */
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CR0_SEL_WRITE	0x065
#define SVM_EXIT_IDTR_READ	0x066
#define SVM_EXIT_GDTR_READ	0x067
#define SVM_EXIT_LDTR_READ	0x068
#define SVM_EXIT_TR_READ	0x069
#define SVM_EXIT_IDTR_WRITE	0x06a
#define SVM_EXIT_GDTR_WRITE	0x06b
#define SVM_EXIT_LDTR_WRITE	0x06c
#define SVM_EXIT_TR_WRITE	0x06d
#define SVM_EXIT_RDTSC		0x06e
#define SVM_EXIT_RDPMC		0x06f
#define SVM_EXIT_PUSHF		0x070
#define SVM_EXIT_POPF		0x071
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_RSM		0x073
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_SWINT		0x075	/* INTn */
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_PAUSE		0x077
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPG		0x079
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c	/* EXITINFO1: 0 = RDMSR, 1 = WRMSR */
#define SVM_EXIT_TASK_SWITCH	0x07d
#define SVM_EXIT_FERR_FREEZE	0x07e
#define SVM_EXIT_SHUTDOWN	0x07f

/* 0x080-0x09f: intercept word 2 (SVM_INTERCEPT2_*), bit n = 0x080 + n */
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_RDTSCP		0x087
#define SVM_EXIT_ICEBP		0x088
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_MWAIT_CONDITIONAL 0x08c
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_RDPRU		0x08e
#define SVM_EXIT_EFER_WRITE_TRAP 0x08f
#define SVM_EXIT_CR_WRITE_TRAP(n) (0x090 + (n))
#define SVM_EXIT_CR0_WRITE_TRAP	0x090
#define SVM_EXIT_CR1_WRITE_TRAP	0x091
#define SVM_EXIT_CR2_WRITE_TRAP	0x092
#define SVM_EXIT_CR3_WRITE_TRAP	0x093
#define SVM_EXIT_CR4_WRITE_TRAP	0x094
#define SVM_EXIT_CR5_WRITE_TRAP	0x095
#define SVM_EXIT_CR6_WRITE_TRAP	0x096
#define SVM_EXIT_CR7_WRITE_TRAP	0x097
#define SVM_EXIT_CR8_WRITE_TRAP	0x098
#define SVM_EXIT_CR9_WRITE_TRAP	0x099
#define SVM_EXIT_CR10_WRITE_TRAP 0x09a
#define SVM_EXIT_CR11_WRITE_TRAP 0x09b
#define SVM_EXIT_CR12_WRITE_TRAP 0x09c
#define SVM_EXIT_CR13_WRITE_TRAP 0x09d
#define SVM_EXIT_CR14_WRITE_TRAP 0x09e
#define SVM_EXIT_CR15_WRITE_TRAP 0x09f

/* 0x0a0-0x0a6: intercept word 3 (SVM_INTERCEPT3_*), bit n = 0x0a0 + n */
#define SVM_EXIT_INVLPGB	0x0a0
#define SVM_EXIT_INVLPGB_ILLEGAL 0x0a1
#define SVM_EXIT_INVPCID	0x0a2
#define SVM_EXIT_MCOMMIT	0x0a3
#define SVM_EXIT_TLBSYNC	0x0a4
#define SVM_EXIT_BUS_LOCK	0x0a5
#define SVM_EXIT_IDLE_HLT	0x0a6

/* 0x400-0x403: exits not tied to an intercept bit */
#define SVM_EXIT_NPF		0x400	/* nested page fault */
#define SVM_EXIT_AVIC_INCOMPLETE_IPI 0x401
#define SVM_EXIT_AVIC_NOACCEL	0x402	/* AVIC access it could not accelerate */
#define SVM_EXIT_VMGEXIT	0x403

/* VMRUN failures and refusals.  The APM defines them as 64-bit negative
 * numbers, but emulators have stored them zero-extended (QEMU 7.2 writes
 * 0x00000000ffffffff for INVALID), so compare the low 32 bits only:
 * svm_exit_is_invalid(), svm_exit_normalize(). */
#define SVM_EXIT_INVALID	((u64)-1)	/* bad guest state in the VMCB */
#define SVM_EXIT_BUSY		((u64)-2)	/* the VMSA's BUSY bit is set */
#define SVM_EXIT_IDLE_REQUIRED	((u64)-3)	/* sibling thread not idle */
#define SVM_EXIT_INVALID_PMC	((u64)-4)	/* bad PMC state */

/* Highest code the exit dispatcher may look up in a table; a table holds
 * SVM_EXIT_NR_INDEXED entries.  Anything above, and the negative codes,
 * must be handled before indexing. */
#define SVM_EXIT_MAX_INDEXED	SVM_EXIT_VMGEXIT
#define SVM_EXIT_NR_INDEXED	(SVM_EXIT_MAX_INDEXED + 1)

/* Folds the negative codes into their 64-bit form whatever width the CPU
 * (or emulator) wrote them in; any other code is returned unchanged. */
static inline u64 svm_exit_normalize(u64 code)
{
	u32 lo = (u32)code;

	if (lo >= (u32)SVM_EXIT_INVALID_PMC)
		return (u64)(s64)(s32)lo;
	return code;
}

static inline bool svm_exit_is_invalid(u64 code)
{
	return (u32)code == (u32)SVM_EXIT_INVALID;
}

/* A printable name for any code: "CPUID", "NPF", "EXCP_PF", "READ_CR3",
 * "INVALID", ...; "UNKNOWN" for codes the APM does not define. */
const char *svm_exit_name(u64 code);

/* ------------------------------------------------------------------------
 * EXITINFO1 formats
 * ------------------------------------------------------------------------ */

/* IOIO (APM vol. 2, "IN and OUT Behavior"); EXITINFO2 holds the next RIP. */
#define SVM_IOIO_IN		BIT(0)	/* clear for OUT */
#define SVM_IOIO_STR		BIT(2)	/* INS/OUTS */
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SZ8		BIT(4)
#define SVM_IOIO_SZ16		BIT(5)
#define SVM_IOIO_SZ32		BIT(6)
#define SVM_IOIO_SZ_MASK	GENMASK(6, 4)
#define SVM_IOIO_A16		BIT(7)
#define SVM_IOIO_A32		BIT(8)
#define SVM_IOIO_A64		BIT(9)
#define SVM_IOIO_ASZ_MASK	GENMASK(9, 7)
#define SVM_IOIO_SEG		GENMASK(12, 10)	/* effective segment of INS/OUTS: 0 = ES ... 5 = GS */
#define SVM_IOIO_SEG_SHIFT	10
#define SVM_IOIO_PORT		GENMASK(31, 16)
#define SVM_IOIO_PORT_SHIFT	16

static inline u16 svm_ioio_port(u64 info1)
{
	return (u16)((info1 & SVM_IOIO_PORT) >> SVM_IOIO_PORT_SHIFT);
}

/* Operand size in bytes: 1, 2 or 4 (0 if the CPU set no size bit). */
static inline unsigned int svm_ioio_size(u64 info1)
{
	return (unsigned int)((info1 & SVM_IOIO_SZ_MASK) >> 4);
}

/* Nested page fault (APM vol. 2, "Nested Page Fault Exit"): a #PF error
 * code plus where in the walk the fault hit; EXITINFO2 holds the guest
 * physical address. */
#define SVM_NPF_P		BIT(0)	/* the entry was present */
#define SVM_NPF_WRITE		BIT(1)
#define SVM_NPF_USER		BIT(2)
#define SVM_NPF_RSVD		BIT(3)	/* a reserved bit was set */
#define SVM_NPF_FETCH		BIT(4)
#define SVM_NPF_FINAL		BIT(32)	/* translating the final guest physical address */
#define SVM_NPF_TABLE_WALK	BIT(33)	/* translating a guest page-table access */

/* MOV CRx / MOV DRx with decode assists: the GPR number and whether it was
 * a MOV (as opposed to LMSW, CLTS, SMSW). */
#define SVM_CRDR_GPR		GENMASK(3, 0)
#define SVM_CRDR_MOV		BIT(63)

/* MSR: EXITINFO1 is 0 for RDMSR, 1 for WRMSR. */
#define SVM_MSR_WRITE		1

#endif
