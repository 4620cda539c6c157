/* svm/vmcb.h - the Virtual Machine Control Block, laid out as AMD64 APM
 * vol. 2 appendix B (tables B-1 and B-2) describes it, with the encodings of
 * its intercept words, interrupt fields, event injection and segment
 * attributes.
 *
 * Owns the layout only: guest setup fills a struct vmcb, the VMRUN stub
 * hands its physical address to the CPU, the exit handlers read it back.
 * Every field the CPU reads or writes has its offset asserted at the end of
 * this file; exit codes live in svm/exitcodes.h.
 *
 * Pure header: compiled by the kernel and by the host unit tests.
 */
#ifndef SVMHV_SVM_VMCB_H
#define SVMHV_SVM_VMCB_H

#include "lib/types.h"

/* ------------------------------------------------------------------------
 * Control area: VMCB offsets 0x000-0x3ff (APM vol. 2, table B-1).
 * The CPU requires every reserved byte to be zero, so a VMCB starts as a
 * zeroed page and only named fields are ever written.
 * ------------------------------------------------------------------------ */
struct vmcb_control {
	/* 0x000 */ u32 intercept_cr;		/* reads 15:0, writes 31:16 */
#define SVM_INTERCEPT_CR_READ(n)	BIT(n)
#define SVM_INTERCEPT_CR_WRITE(n)	BIT(16 + (n))

	/* 0x004 */ u32 intercept_dr;		/* reads 15:0, writes 31:16 */
#define SVM_INTERCEPT_DR_READ(n)	BIT(n)
#define SVM_INTERCEPT_DR_WRITE(n)	BIT(16 + (n))

	/* 0x008 */ u32 intercept_exceptions;	/* one bit per vector 0-31 */
#define SVM_INTERCEPT_EXCP(vec)		BIT(vec)

	/* 0x00c */ u32 intercept1;		/* APM "vector 3"; bit n exits with 0x060 + n */
#define SVM_INTERCEPT1_INTR		BIT(0)
#define SVM_INTERCEPT1_NMI		BIT(1)
#define SVM_INTERCEPT1_SMI		BIT(2)
#define SVM_INTERCEPT1_INIT		BIT(3)
#define SVM_INTERCEPT1_VINTR		BIT(4)
#define SVM_INTERCEPT1_CR0_SEL_WRITE	BIT(5)	/* CR0 writes touching more than TS/MP */
#define SVM_INTERCEPT1_IDTR_READ	BIT(6)
#define SVM_INTERCEPT1_GDTR_READ	BIT(7)
#define SVM_INTERCEPT1_LDTR_READ	BIT(8)
#define SVM_INTERCEPT1_TR_READ		BIT(9)
#define SVM_INTERCEPT1_IDTR_WRITE	BIT(10)
#define SVM_INTERCEPT1_GDTR_WRITE	BIT(11)
#define SVM_INTERCEPT1_LDTR_WRITE	BIT(12)
#define SVM_INTERCEPT1_TR_WRITE		BIT(13)
#define SVM_INTERCEPT1_RDTSC		BIT(14)
#define SVM_INTERCEPT1_RDPMC		BIT(15)
#define SVM_INTERCEPT1_PUSHF		BIT(16)
#define SVM_INTERCEPT1_POPF		BIT(17)
#define SVM_INTERCEPT1_CPUID		BIT(18)
#define SVM_INTERCEPT1_RSM		BIT(19)
#define SVM_INTERCEPT1_IRET		BIT(20)
#define SVM_INTERCEPT1_INTN		BIT(21)
#define SVM_INTERCEPT1_INVD		BIT(22)
#define SVM_INTERCEPT1_PAUSE		BIT(23)
#define SVM_INTERCEPT1_HLT		BIT(24)
#define SVM_INTERCEPT1_INVLPG		BIT(25)
#define SVM_INTERCEPT1_INVLPGA		BIT(26)
#define SVM_INTERCEPT1_IOIO_PROT	BIT(27)	/* ports selected by the IOPM */
#define SVM_INTERCEPT1_MSR_PROT		BIT(28)	/* MSRs selected by the MSRPM */
#define SVM_INTERCEPT1_TASK_SWITCH	BIT(29)
#define SVM_INTERCEPT1_FERR_FREEZE	BIT(30)
#define SVM_INTERCEPT1_SHUTDOWN		BIT(31)

	/* 0x010 */ u32 intercept2;		/* APM "vector 4"; bit n exits with 0x080 + n */
#define SVM_INTERCEPT2_VMRUN		BIT(0)
#define SVM_INTERCEPT2_VMMCALL		BIT(1)
#define SVM_INTERCEPT2_VMLOAD		BIT(2)
#define SVM_INTERCEPT2_VMSAVE		BIT(3)
#define SVM_INTERCEPT2_STGI		BIT(4)
#define SVM_INTERCEPT2_CLGI		BIT(5)
#define SVM_INTERCEPT2_SKINIT		BIT(6)
#define SVM_INTERCEPT2_RDTSCP		BIT(7)
#define SVM_INTERCEPT2_ICEBP		BIT(8)
#define SVM_INTERCEPT2_WBINVD		BIT(9)	/* and WBNOINVD */
#define SVM_INTERCEPT2_MONITOR		BIT(10)	/* and MONITORX */
#define SVM_INTERCEPT2_MWAIT		BIT(11)	/* unconditionally, and MWAITX */
#define SVM_INTERCEPT2_MWAIT_COND	BIT(12)	/* only if the monitor is armed */
#define SVM_INTERCEPT2_XSETBV		BIT(13)
#define SVM_INTERCEPT2_RDPRU		BIT(14)
#define SVM_INTERCEPT2_EFER_WRITE_TRAP	BIT(15)	/* exits after the write retired */
#define SVM_INTERCEPT2_CR_WRITE_TRAP(n)	BIT(16 + (n))	/* likewise, CR0-15 */
/* VMRUN's consistency checks fail (VMEXIT_INVALID) unless this is set
 * (APM vol. 2, "Canonicalization and Consistency Checks"). */
#define SVM_INTERCEPT2_REQUIRED		SVM_INTERCEPT2_VMRUN

	/* 0x014 */ u32 intercept3;		/* APM "vector 5"; bit n exits with 0x0a0 + n */
#define SVM_INTERCEPT3_INVLPGB		BIT(0)	/* every INVLPGB */
#define SVM_INTERCEPT3_INVLPGB_ILLEGAL	BIT(1)	/* only illegally specified ones */
#define SVM_INTERCEPT3_INVPCID		BIT(2)
#define SVM_INTERCEPT3_MCOMMIT		BIT(3)
#define SVM_INTERCEPT3_TLBSYNC		BIT(4)
#define SVM_INTERCEPT3_BUS_LOCK		BIT(5)	/* when bus_lock_counter is 0 */
#define SVM_INTERCEPT3_IDLE_HLT		BIT(6)	/* HLT with no virtual interrupt pending */

	/* 0x018 */ u8  reserved_0x018[36];
	/* 0x03c */ u16 pause_filter_thresh;
	/* 0x03e */ u16 pause_filter_count;
	/* 0x040 */ u64 iopm_base_pa;		/* bits 11:0 ignored */
	/* 0x048 */ u64 msrpm_base_pa;		/* bits 11:0 ignored */
	/* 0x050 */ u64 tsc_offset;		/* added to RDTSC/RDTSCP results */

	/* 0x058 */ u32 asid;			/* 0 belongs to the host: VMRUN refuses it */
	/* 0x05c */ u8  tlb_control;		/* applied once, at the next VMRUN */
#define VMCB_TLB_CONTROL_NOTHING		0x00
#define VMCB_TLB_CONTROL_FLUSH_ALL		0x01	/* every ASID; legacy hypervisors only */
#define VMCB_TLB_CONTROL_FLUSH_ASID		0x03	/* this guest's entries */
#define VMCB_TLB_CONTROL_FLUSH_ASID_NONGLOBAL	0x07	/* this guest's non-global entries */

	/* 0x05d */ u8  rap_control;		/* bits 41:40 of the quadword at 0x058 */
#define VMCB_RAP_ALLOW_LARGER		BIT(0)	/* guest RAP size from CPUID, not 32 */
#define VMCB_RAP_CLEAR			BIT(1)	/* clear the RAP on VMRUN */
	/* 0x05e */ u8  reserved_0x05e[2];

	/* 0x060 */ u64 vintr;			/* virtual interrupt control */
#define VMCB_VINTR_TPR			GENMASK(3, 0)	/* bits 7:4 must be zero */
#define VMCB_VINTR_IRQ			BIT(8)	/* a virtual INTR is pending */
#define VMCB_VINTR_VGIF			BIT(9)	/* virtual GIF value */
#define VMCB_VINTR_VNMI			BIT(11)	/* a virtual NMI is pending */
#define VMCB_VINTR_VNMI_MASK		BIT(12)	/* virtual NMIs are blocked */
#define VMCB_VINTR_PRIO			GENMASK(19, 16)
#define VMCB_VINTR_PRIO_SHIFT		16
#define VMCB_VINTR_IGN_TPR		BIT(20)
#define VMCB_VINTR_MASKING		BIT(24)	/* guest RFLAGS.IF masks only virtual INTR */
#define VMCB_VINTR_VGIF_ENABLE		BIT(25)
#define VMCB_VINTR_VNMI_ENABLE		BIT(26)
#define VMCB_VINTR_X2AVIC_ENABLE	BIT(30)
#define VMCB_VINTR_AVIC_ENABLE		BIT(31)
#define VMCB_VINTR_VECTOR		GENMASK(39, 32)
#define VMCB_VINTR_VECTOR_SHIFT		32

	/* 0x068 */ u64 int_shadow;
#define VMCB_INT_SHADOW			BIT(0)	/* guest sits after STI or MOV SS */
#define VMCB_INT_GUEST_IF		BIT(1)	/* RFLAGS.IF of an SEV-ES guest */

	/* 0x070 */ u64 exitcode;		/* see svm/exitcodes.h */
	/* 0x078 */ u64 exitinfo1;
	/* 0x080 */ u64 exitinfo2;
	/* 0x088 */ u64 exitintinfo;		/* event being delivered at exit, EVENTINJ format */

	/* 0x090 */ u64 np_ctl;
#define VMCB_NP_ENABLE			BIT(0)
#define VMCB_NP_SEV			BIT(1)
#define VMCB_NP_SEV_ES			BIT(2)
#define VMCB_NP_GMET			BIT(3)	/* guest mode execute trap */
#define VMCB_NP_SSS_CHECK		BIT(4)
#define VMCB_NP_VTE			BIT(5)	/* virtual transparent encryption */
#define VMCB_NP_RO_GPT			BIT(6)	/* read-only guest page tables */
#define VMCB_NP_INVLPGB			BIT(7)	/* allow INVLPGB/TLBSYNC in the guest */

	/* 0x098 */ u64 avic_apic_bar;
#define VMCB_AVIC_APIC_BAR		GENMASK(51, 0)
	/* 0x0a0 */ u64 ghcb_gpa;
	/* 0x0a8 */ u64 eventinj;		/* see "Event injection" below */
	/* 0x0b0 */ u64 n_cr3;			/* nested page table root */

	/* 0x0b8 */ u64 virt_ctl;
#define VMCB_VIRT_LBR			BIT(0)	/* LBR virtualization */
#define VMCB_VIRT_VMSAVE_VMLOAD		BIT(1)	/* virtual VMSAVE/VMLOAD */
#define VMCB_VIRT_IBS			BIT(2)
#define VMCB_VIRT_PMC			BIT(3)

	/* 0x0c0 */ u32 clean;			/* VMCB clean bits, see below */
	/* 0x0c4 */ u8  reserved_0x0c4[4];
	/* 0x0c8 */ u64 nrip;			/* next RIP, with the NRIPS feature */
	/* 0x0d0 */ u8  insn_len;		/* bytes fetched, with decode assists */
	/* 0x0d1 */ u8  insn_bytes[15];

	/* 0x0e0 */ u64 avic_backing_page;
#define VMCB_AVIC_BACKING_PAGE		GENMASK(51, 0)
	/* 0x0e8 */ u8  reserved_0x0e8[8];
	/* 0x0f0 */ u64 avic_logical_table;
#define VMCB_AVIC_LOGICAL_TABLE		GENMASK(51, 12)
	/* 0x0f8 */ u64 avic_physical_table;
#define VMCB_AVIC_PHYSICAL_TABLE	GENMASK(51, 12)
#define VMCB_AVIC_PHYSICAL_MAX_INDEX	GENMASK(11, 0)
	/* 0x100 */ u8  reserved_0x100[8];
	/* 0x108 */ u64 vmsa_pa;		/* SEV-ES guest save area */
#define VMCB_VMSA_PA			GENMASK(51, 12)
	/* 0x110 */ u64 vmgexit_rax;
	/* 0x118 */ u8  vmgexit_cpl;
	/* 0x119 */ u8  reserved_0x119[7];
	/* 0x120 */ u16 bus_lock_counter;
	/* 0x122 */ u8  reserved_0x122[18];
	/* 0x134 */ u32 update_irr;		/* bit 0 */
	/* 0x138 */ u64 allowed_sev_features;
#define VMCB_ALLOWED_SEV_FEATURES_EN	BIT(63)
#define VMCB_ALLOWED_SEV_FEATURES_MASK	GENMASK(61, 0)
	/* 0x140 */ u64 guest_sev_features;
	/* 0x148 */ u8  reserved_0x148[8];
	/* 0x150 */ u32 requested_irr[8];	/* 256 bits */
	/* 0x170 */ u8  reserved_0x170[624];
	/* 0x3e0 */ u8  software_0x3e0[32];	/* left to the hypervisor; the CPU ignores it */
};

/* VMCB clean bits (APM vol. 2, "VMCB State Caching"): a set bit lets the CPU
 * keep its cached copy of that group of fields across VMRUN.  Clear a bit
 * whenever software changes a field of its group, and clear them all when a
 * VMCB moves to another CPU or is run for the first time. */
#define VMCB_CLEAN_INTERCEPTS	BIT(0)	/* intercept words, TSC offset, pause filter */
#define VMCB_CLEAN_IOPM		BIT(1)	/* IOPM_BASE_PA, MSRPM_BASE_PA */
#define VMCB_CLEAN_ASID		BIT(2)
#define VMCB_CLEAN_TPR		BIT(3)	/* vintr: V_TPR ... V_INTR_VECTOR */
#define VMCB_CLEAN_NP		BIT(4)	/* np_ctl, n_cr3, g_pat */
#define VMCB_CLEAN_CRX		BIT(5)	/* CR0, CR3, CR4, EFER */
#define VMCB_CLEAN_DRX		BIT(6)	/* DR6, DR7 */
#define VMCB_CLEAN_DT		BIT(7)	/* GDTR, IDTR */
#define VMCB_CLEAN_SEG		BIT(8)	/* CS, DS, SS, ES, CPL */
#define VMCB_CLEAN_CR2		BIT(9)
#define VMCB_CLEAN_LBR		BIT(10)	/* DBGCTL, BR_FROM/TO, LASTEXCP_FROM/TO */
#define VMCB_CLEAN_AVIC		BIT(11)	/* APIC BAR, backing page, AVIC tables */
#define VMCB_CLEAN_CET		BIT(12)	/* S_CET, SSP, ISST_ADDR */
#define VMCB_CLEAN_ALL		GENMASK(12, 0)

/* ------------------------------------------------------------------------
 * Event injection (APM vol. 2, "Event Injection").  EVENTINJ and EXITINTINFO
 * share one format: vector 7:0, type 10:8, error code valid 11, valid 31,
 * error code 63:32.
 * ------------------------------------------------------------------------ */
#define VMCB_EVENT_VECTOR	GENMASK(7, 0)
#define VMCB_EVENT_TYPE		GENMASK(10, 8)
#define VMCB_EVENT_TYPE_SHIFT	8
#define VMCB_EVENT_TYPE_INTR	0	/* external or virtual interrupt */
#define VMCB_EVENT_TYPE_NMI	2
#define VMCB_EVENT_TYPE_EXCP	3	/* exception (fault or trap) */
#define VMCB_EVENT_TYPE_SOFT	4	/* software interrupt, INTn */
#define VMCB_EVENT_EV		BIT(11)	/* push the error code in 63:32 */
#define VMCB_EVENT_VALID	BIT(31)
#define VMCB_EVENT_ERRCODE	GENMASK(63, 32)
#define VMCB_EVENT_ERRCODE_SHIFT 32

static inline u64 vmcb_event(u8 vector, unsigned int type, bool has_err, u32 err)
{
	u64 ev = vector | ((u64)(type & 7) << VMCB_EVENT_TYPE_SHIFT) | VMCB_EVENT_VALID;

	if (has_err)
		ev |= VMCB_EVENT_EV | ((u64)err << VMCB_EVENT_ERRCODE_SHIFT);
	return ev;
}

static inline u64 vmcb_event_excp(u8 vector)
{
	return vmcb_event(vector, VMCB_EVENT_TYPE_EXCP, false, 0);
}

/* For #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX: the vectors that push
 * an error code. */
static inline u64 vmcb_event_excp_err(u8 vector, u32 err)
{
	return vmcb_event(vector, VMCB_EVENT_TYPE_EXCP, true, err);
}

static inline u64 vmcb_event_intr(u8 vector)
{
	return vmcb_event(vector, VMCB_EVENT_TYPE_INTR, false, 0);
}

/* The CPU ignores the vector of an NMI; 2 keeps dumps readable. */
static inline u64 vmcb_event_nmi(void)
{
	return vmcb_event(2, VMCB_EVENT_TYPE_NMI, false, 0);
}

static inline u8 vmcb_event_vector(u64 ev)
{
	return (u8)(ev & VMCB_EVENT_VECTOR);
}

static inline unsigned int vmcb_event_type(u64 ev)
{
	return (unsigned int)((ev & VMCB_EVENT_TYPE) >> VMCB_EVENT_TYPE_SHIFT);
}

static inline u32 vmcb_event_errcode(u64 ev)
{
	return (u32)(ev >> VMCB_EVENT_ERRCODE_SHIFT);
}

/* What to inject again after an exit whose EXITINTINFO reports an event
 * the exit cut short (APM vol. 2, "Event Injection": EXITINTINFO), or 0.
 *  - INTn (type SOFT), INT3 (#BP) and INTO (#OF) are raised again when the
 *    instruction, at which RIP still points, runs again: not injected.
 *  - An "exception" with a vector of 32 or more, or 2, is what an emulator
 *    may report for an interrupt or NMI it was delivering; VMRUN refuses
 *    such an EVENTINJ (type 3 with vector 2 or 32-255), so it is given back
 *    its real type.
 *  - Reserved bits 30:12 are dropped. */
static inline u64 vmcb_event_requeue(u64 exitintinfo)
{
	if (!(exitintinfo & VMCB_EVENT_VALID))
		return 0;
	unsigned int type = vmcb_event_type(exitintinfo);
	u8 vec = vmcb_event_vector(exitintinfo);
	if (type == VMCB_EVENT_TYPE_SOFT ||
	    (type == VMCB_EVENT_TYPE_EXCP && (vec == 3 || vec == 4)))
		return 0;
	if (type == VMCB_EVENT_TYPE_EXCP && vec >= 32)
		return vmcb_event_intr(vec);
	if (type == VMCB_EVENT_TYPE_EXCP && vec == 2)
		return vmcb_event_nmi();
	if (type != VMCB_EVENT_TYPE_INTR && type != VMCB_EVENT_TYPE_NMI && type != VMCB_EVENT_TYPE_EXCP)
		return 0;	/* reserved types: nothing sane to re-inject */
	return exitintinfo & (VMCB_EVENT_VECTOR | VMCB_EVENT_TYPE | VMCB_EVENT_EV | VMCB_EVENT_VALID |
			      VMCB_EVENT_ERRCODE);
}

/* ------------------------------------------------------------------------
 * Segment registers in the save area (APM vol. 2, "Segment State in the
 * VMCB").  The attribute is the descriptor's access byte and flags nibble,
 * squeezed into 12 bits.
 * ------------------------------------------------------------------------ */
struct vmcb_seg {
	/* 0x0 */ u16 selector;
	/* 0x2 */ u16 attrib;
#define VMCB_ATTR_TYPE		GENMASK(3, 0)
#define VMCB_ATTR_TYPE_ACCESSED	BIT(0)
#define VMCB_ATTR_TYPE_RW	BIT(1)	/* writable data / readable code */
#define VMCB_ATTR_TYPE_DC	BIT(2)	/* expand-down data / conforming code */
#define VMCB_ATTR_TYPE_CODE	BIT(3)
#define VMCB_ATTR_S		BIT(4)	/* code or data, not a system segment */
#define VMCB_ATTR_DPL		GENMASK(6, 5)
#define VMCB_ATTR_DPL_SHIFT	5
#define VMCB_ATTR_P		BIT(7)
#define VMCB_ATTR_AVL		BIT(8)
#define VMCB_ATTR_L		BIT(9)	/* 64-bit code */
#define VMCB_ATTR_DB		BIT(10)
#define VMCB_ATTR_G		BIT(11)
	/* 0x4 */ u32 limit;	/* expanded to bytes, as the CPU uses it */
	/* 0x8 */ u64 base;
};

/* System segment types used in the TYPE field when S is clear. */
#define VMCB_ATTR_TYPE_LDT		0x2
#define VMCB_ATTR_TYPE_TSS64_AVAIL	0x9
#define VMCB_ATTR_TYPE_TSS64_BUSY	0xb

/* Descriptor bits 47:40 (access byte) become attribute bits 7:0, descriptor
 * bits 55:52 (AVL, L, D/B, G) become attribute bits 11:8. */
static inline u16 vmcb_attr_from_desc(u64 desc)
{
	return (u16)(((desc >> 40) & 0xff) | (((desc >> 52) & 0xf) << 8));
}

/* ------------------------------------------------------------------------
 * State save area: VMCB offsets 0x400-0xfff (APM vol. 2, table B-2).
 * Offsets in the comments are relative to the save area; add 0x400 for the
 * VMCB.  Table B-4 (the SEV-ES VMSA) is not described here.
 * ------------------------------------------------------------------------ */
struct vmcb_save {
	/* 0x000 */ struct vmcb_seg es;
	/* 0x010 */ struct vmcb_seg cs;
	/* 0x020 */ struct vmcb_seg ss;
	/* 0x030 */ struct vmcb_seg ds;
	/* 0x040 */ struct vmcb_seg fs;
	/* 0x050 */ struct vmcb_seg gs;
	/* 0x060 */ struct vmcb_seg gdtr;	/* selector, attrib reserved; limit 15:0 */
	/* 0x070 */ struct vmcb_seg ldtr;
	/* 0x080 */ struct vmcb_seg idtr;	/* selector, attrib reserved; limit 15:0 */
	/* 0x090 */ struct vmcb_seg tr;
	/* 0x0a0 */ u8  reserved_0x0a0[43];
	/* 0x0cb */ u8  cpl;	/* forced to 0 in real mode, 3 in virtual-8086 mode */
	/* 0x0cc */ u8  reserved_0x0cc[4];
	/* 0x0d0 */ u64 efer;	/* SVME must stay set, or VMRUN fails */
	/* 0x0d8 */ u8  reserved_0x0d8[8];
	/* 0x0e0 */ u64 perf_ctl0;
	/* 0x0e8 */ u64 perf_ctr0;
	/* 0x0f0 */ u64 perf_ctl1;
	/* 0x0f8 */ u64 perf_ctr1;
	/* 0x100 */ u64 perf_ctl2;
	/* 0x108 */ u64 perf_ctr2;
	/* 0x110 */ u64 perf_ctl3;
	/* 0x118 */ u64 perf_ctr3;
	/* 0x120 */ u64 perf_ctl4;
	/* 0x128 */ u64 perf_ctr4;
	/* 0x130 */ u64 perf_ctl5;
	/* 0x138 */ u64 perf_ctr5;
	/* 0x140 */ u8  reserved_0x140[8];
	/* 0x148 */ u64 cr4;
	/* 0x150 */ u64 cr3;
	/* 0x158 */ u64 cr0;
	/* 0x160 */ u64 dr7;
#define DR7_FIXED_1			BIT(10)		/* reads as 1 */
#define DR7_GD				BIT(13)		/* general detect: DR accesses #DB */
#define DR7_ZERO_BITS			(BIT(11) | BIT(12) | BIT(14) | BIT(15))	/* read as 0 */
	/* 0x168 */ u64 dr6;
#define DR6_TRAP_BITS			GENMASK(3, 0)	/* B0-B3: breakpoint conditions met */
#define DR6_BD				BIT(13)		/* debug-register access (DR7.GD) */
#define DR6_BS				BIT(14)		/* single step */
#define DR6_BT				BIT(15)		/* task switch */
#define DR6_TRAPS			(DR6_TRAP_BITS | DR6_BD | DR6_BT)	/* causes of #DB other than BS */
#define DR6_FIXED_1			0xffff0ff0ULL	/* bits that read as 1 */
	/* 0x170 */ u64 rflags;
	/* 0x178 */ u64 rip;
	/* 0x180 */ u8  reserved_0x180[64];
	/* 0x1c0 */ u64 instr_retired_ctr;
	/* 0x1c8 */ u64 perf_ctr_global_sts;
	/* 0x1d0 */ u32 perf_ctr_global_ctl;
	/* 0x1d4 */ u8  reserved_0x1d4[4];
	/* 0x1d8 */ u64 rsp;
	/* 0x1e0 */ u64 s_cet;
	/* 0x1e8 */ u64 ssp;
	/* 0x1f0 */ u64 isst_addr;
	/* 0x1f8 */ u64 rax;	/* the only GPR besides RSP the CPU switches */
	/* 0x200 */ u64 star;
	/* 0x208 */ u64 lstar;
	/* 0x210 */ u64 cstar;
	/* 0x218 */ u64 sfmask;
	/* 0x220 */ u64 kernel_gs_base;
	/* 0x228 */ u64 sysenter_cs;
	/* 0x230 */ u64 sysenter_esp;
	/* 0x238 */ u64 sysenter_eip;
	/* 0x240 */ u64 cr2;
	/* 0x248 */ u8  reserved_0x248[32];
	/* 0x268 */ u64 g_pat;	/* used only with nested paging */
	/* 0x270 */ u64 dbgctl;	/* this and the next five: LBR virtualization */
	/* 0x278 */ u64 br_from;
	/* 0x280 */ u64 br_to;
	/* 0x288 */ u64 last_excp_from;
	/* 0x290 */ u64 last_excp_to;
	/* 0x298 */ u64 dbgextncfg;
	/* 0x2a0 */ u8  reserved_0x2a0[64];
	/* 0x2e0 */ u64 spec_ctrl;
	/* 0x2e8 */ u8  reserved_0x2e8[904];
	/* 0x670 */ u64 lbr_stack[32];	/* from/to MSRs in MSR address order */
	/* 0x770 */ u64 lbr_select;
	/* 0x778 */ u64 ibs_fetch_ctl;
	/* 0x780 */ u64 ibs_fetch_linaddr;
	/* 0x788 */ u64 ibs_op_ctl;
	/* 0x790 */ u64 ibs_op_rip;
	/* 0x798 */ u64 ibs_op_data;
	/* 0x7a0 */ u64 ibs_op_data2;
	/* 0x7a8 */ u64 ibs_op_data3;
	/* 0x7b0 */ u64 ibs_dc_linaddr;
	/* 0x7b8 */ u64 bp_ibstgt_rip;
	/* 0x7c0 */ u64 ic_ibs_extd_ctl;
	/* 0x7c8 */ u8  reserved_0x7c8[1080];	/* to the end of the page */
};

/* One 4 KiB page, 4 KiB aligned: VMRUN takes its physical address in RAX. */
struct vmcb {
	/* 0x000 */ struct vmcb_control control;
	/* 0x400 */ struct vmcb_save save;
} __aligned(4096);

/* ------------------------------------------------------------------------
 * What VMRUN/#VMEXIT switch, and what they leave to VMSAVE/VMLOAD.
 *
 * VMRUN stores the host's state in the page named by MSR VM_HSAVE_PA
 * (0xc0010117) in a format of the CPU's choosing; software must not read or
 * write that page.  It does NOT switch the following registers, which
 * VMSAVE and VMLOAD move between the CPU and the save area of the VMCB
 * whose physical address is in RAX, at the same offsets as above:
 *
 *	fs, gs, tr, ldtr	selector and hidden state (attrib, limit, base)
 *	kernel_gs_base		MSR 0xc0000102
 *	star, lstar, cstar	MSRs 0xc0000081-0xc0000083
 *	sfmask			MSR 0xc0000084
 *	sysenter_cs/esp/eip	MSRs 0x174-0x176
 *
 * So the run loop VMSAVEs the host's values into a per-CPU host VMCB before
 * VMLOADing the guest's, and does the reverse after #VMEXIT, before the host
 * touches FS/GS bases, TR or SYSCALL.  The rest of the guest's fields
 * (ES, CS, SS, DS, GDTR, IDTR, CR0/2/3/4, DR6/7, EFER, RFLAGS, RIP, RSP,
 * RAX, CPL, G_PAT, ...) are loaded by VMRUN and stored back at #VMEXIT,
 * which restores the host's segments, descriptor tables, CR0/3/4, EFER,
 * RFLAGS, RIP, RSP and RAX but not its CR2 or debug registers: DR0-3 are
 * not in the VMCB at all and stay software's job.
 * ------------------------------------------------------------------------ */

/* Prints the control and save fields by name (svm/vmcb_dump.c). */
void vmcb_dump(const struct vmcb *v);

/* ------------------------------------------------------------------------
 * Layout checks: the CPU reads these offsets, not our field names.
 * ------------------------------------------------------------------------ */
#define VMCB_CHECK_CTRL(field, off) \
	_Static_assert(offsetof(struct vmcb_control, field) == (off), \
		       "vmcb_control." #field " must sit at " #off)
#define VMCB_CHECK_SAVE(field, off) \
	_Static_assert(offsetof(struct vmcb_save, field) == (off), \
		       "vmcb_save." #field " must sit at " #off)

_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg is 16 bytes");
_Static_assert(offsetof(struct vmcb_seg, selector) == 0x0, "vmcb_seg.selector");
_Static_assert(offsetof(struct vmcb_seg, attrib) == 0x2, "vmcb_seg.attrib");
_Static_assert(offsetof(struct vmcb_seg, limit) == 0x4, "vmcb_seg.limit");
_Static_assert(offsetof(struct vmcb_seg, base) == 0x8, "vmcb_seg.base");

_Static_assert(sizeof(struct vmcb_control) == 0x400, "control area is 0x400 bytes");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "save area starts at 0x400");
_Static_assert(sizeof(struct vmcb_save) == 0xc00, "save area fills the page");
_Static_assert(sizeof(struct vmcb) == 4096, "a VMCB is one page");

VMCB_CHECK_CTRL(intercept_cr, 0x000);
VMCB_CHECK_CTRL(intercept_dr, 0x004);
VMCB_CHECK_CTRL(intercept_exceptions, 0x008);
VMCB_CHECK_CTRL(intercept1, 0x00c);
VMCB_CHECK_CTRL(intercept2, 0x010);
VMCB_CHECK_CTRL(intercept3, 0x014);
VMCB_CHECK_CTRL(reserved_0x018, 0x018);
VMCB_CHECK_CTRL(pause_filter_thresh, 0x03c);
VMCB_CHECK_CTRL(pause_filter_count, 0x03e);
VMCB_CHECK_CTRL(iopm_base_pa, 0x040);
VMCB_CHECK_CTRL(msrpm_base_pa, 0x048);
VMCB_CHECK_CTRL(tsc_offset, 0x050);
VMCB_CHECK_CTRL(asid, 0x058);
VMCB_CHECK_CTRL(tlb_control, 0x05c);
VMCB_CHECK_CTRL(rap_control, 0x05d);
VMCB_CHECK_CTRL(vintr, 0x060);
VMCB_CHECK_CTRL(int_shadow, 0x068);
VMCB_CHECK_CTRL(exitcode, 0x070);
VMCB_CHECK_CTRL(exitinfo1, 0x078);
VMCB_CHECK_CTRL(exitinfo2, 0x080);
VMCB_CHECK_CTRL(exitintinfo, 0x088);
VMCB_CHECK_CTRL(np_ctl, 0x090);
VMCB_CHECK_CTRL(avic_apic_bar, 0x098);
VMCB_CHECK_CTRL(ghcb_gpa, 0x0a0);
VMCB_CHECK_CTRL(eventinj, 0x0a8);
VMCB_CHECK_CTRL(n_cr3, 0x0b0);
VMCB_CHECK_CTRL(virt_ctl, 0x0b8);
VMCB_CHECK_CTRL(clean, 0x0c0);
VMCB_CHECK_CTRL(nrip, 0x0c8);
VMCB_CHECK_CTRL(insn_len, 0x0d0);
VMCB_CHECK_CTRL(insn_bytes, 0x0d1);
VMCB_CHECK_CTRL(avic_backing_page, 0x0e0);
VMCB_CHECK_CTRL(avic_logical_table, 0x0f0);
VMCB_CHECK_CTRL(avic_physical_table, 0x0f8);
VMCB_CHECK_CTRL(vmsa_pa, 0x108);
VMCB_CHECK_CTRL(vmgexit_rax, 0x110);
VMCB_CHECK_CTRL(vmgexit_cpl, 0x118);
VMCB_CHECK_CTRL(bus_lock_counter, 0x120);
VMCB_CHECK_CTRL(update_irr, 0x134);
VMCB_CHECK_CTRL(allowed_sev_features, 0x138);
VMCB_CHECK_CTRL(guest_sev_features, 0x140);
VMCB_CHECK_CTRL(requested_irr, 0x150);
VMCB_CHECK_CTRL(reserved_0x170, 0x170);
VMCB_CHECK_CTRL(software_0x3e0, 0x3e0);

VMCB_CHECK_SAVE(es, 0x000);
VMCB_CHECK_SAVE(cs, 0x010);
VMCB_CHECK_SAVE(ss, 0x020);
VMCB_CHECK_SAVE(ds, 0x030);
VMCB_CHECK_SAVE(fs, 0x040);
VMCB_CHECK_SAVE(gs, 0x050);
VMCB_CHECK_SAVE(gdtr, 0x060);
VMCB_CHECK_SAVE(ldtr, 0x070);
VMCB_CHECK_SAVE(idtr, 0x080);
VMCB_CHECK_SAVE(tr, 0x090);
VMCB_CHECK_SAVE(reserved_0x0a0, 0x0a0);
VMCB_CHECK_SAVE(cpl, 0x0cb);
VMCB_CHECK_SAVE(efer, 0x0d0);
VMCB_CHECK_SAVE(perf_ctl0, 0x0e0);
VMCB_CHECK_SAVE(perf_ctr5, 0x138);
VMCB_CHECK_SAVE(cr4, 0x148);
VMCB_CHECK_SAVE(cr3, 0x150);
VMCB_CHECK_SAVE(cr0, 0x158);
VMCB_CHECK_SAVE(dr7, 0x160);
VMCB_CHECK_SAVE(dr6, 0x168);
VMCB_CHECK_SAVE(rflags, 0x170);
VMCB_CHECK_SAVE(rip, 0x178);
VMCB_CHECK_SAVE(instr_retired_ctr, 0x1c0);
VMCB_CHECK_SAVE(perf_ctr_global_sts, 0x1c8);
VMCB_CHECK_SAVE(perf_ctr_global_ctl, 0x1d0);
VMCB_CHECK_SAVE(rsp, 0x1d8);
VMCB_CHECK_SAVE(s_cet, 0x1e0);
VMCB_CHECK_SAVE(ssp, 0x1e8);
VMCB_CHECK_SAVE(isst_addr, 0x1f0);
VMCB_CHECK_SAVE(rax, 0x1f8);
VMCB_CHECK_SAVE(star, 0x200);
VMCB_CHECK_SAVE(lstar, 0x208);
VMCB_CHECK_SAVE(cstar, 0x210);
VMCB_CHECK_SAVE(sfmask, 0x218);
VMCB_CHECK_SAVE(kernel_gs_base, 0x220);
VMCB_CHECK_SAVE(sysenter_cs, 0x228);
VMCB_CHECK_SAVE(sysenter_esp, 0x230);
VMCB_CHECK_SAVE(sysenter_eip, 0x238);
VMCB_CHECK_SAVE(cr2, 0x240);
VMCB_CHECK_SAVE(g_pat, 0x268);
VMCB_CHECK_SAVE(dbgctl, 0x270);
VMCB_CHECK_SAVE(br_from, 0x278);
VMCB_CHECK_SAVE(br_to, 0x280);
VMCB_CHECK_SAVE(last_excp_from, 0x288);
VMCB_CHECK_SAVE(last_excp_to, 0x290);
VMCB_CHECK_SAVE(dbgextncfg, 0x298);
VMCB_CHECK_SAVE(spec_ctrl, 0x2e0);
VMCB_CHECK_SAVE(lbr_stack, 0x670);
VMCB_CHECK_SAVE(lbr_select, 0x770);
VMCB_CHECK_SAVE(ibs_fetch_ctl, 0x778);
VMCB_CHECK_SAVE(ic_ibs_extd_ctl, 0x7c0);
VMCB_CHECK_SAVE(reserved_0x7c8, 0x7c8);

/* A few absolute offsets, as the VMRUN stub and a debugger see them. */
_Static_assert(offsetof(struct vmcb, control.exitcode) == 0x070, "VMCB EXITCODE");
_Static_assert(offsetof(struct vmcb, save.rip) == 0x578, "VMCB RIP");
_Static_assert(offsetof(struct vmcb, save.rsp) == 0x5d8, "VMCB RSP");
_Static_assert(offsetof(struct vmcb, save.rax) == 0x5f8, "VMCB RAX");

#undef VMCB_CHECK_CTRL
#undef VMCB_CHECK_SAVE

#endif
