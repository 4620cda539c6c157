/* svm/features.h - which optional SVM features svmhv uses, decided once by
 * svm_init() from CPUID Fn8000_000A_EDX (kernel/cpuinfo.h names the bits)
 * and reported at boot, one line per feature, with what svmhv does
 * without it.  Everything else asks svm_feat or the helpers below instead
 * of testing CPUID bits itself, so a feature can be turned off in one
 * place (docs/hardware-features.md).
 *
 * Pure file (svm/features.c): kernel and host unit tests.  svm_feat is
 * written once, before any guest runs, and only read afterwards.
 */
#ifndef SVMHV_SVM_FEATURES_H
#define SVMHV_SVM_FEATURES_H

#include "lib/types.h"
#include "svm/vmcb.h"

/* true = svmhv uses the feature.  The last three stay false even when the
 * CPU has them: they serve nested hypervisors or a virtual APIC, and
 * svmhv offers neither. */
struct svm_features {
	u32 cpuid_edx;		/* CPUID Fn8000_000A_EDX as given to svm_features_init() */
	bool nrips;		/* EDX[3]  next RIP saved in control.nrip */
	bool clean_bits;	/* EDX[5]  VMCB state caching (svm/vmcb_clean.h) */
	bool flush_by_asid;	/* EDX[6]  TLB_CONTROL 3 and 7 */
	bool decode_assists;	/* EDX[7]  instruction bytes on #NPF and #PF */
	bool pause_filter;	/* EDX[10] PAUSE intercept after a count */
	bool pause_threshold;	/* EDX[12] ... of PAUSEs close together */
	bool vmsave_virt;	/* EDX[15] never: no nested SVM */
	bool vgif;		/* EDX[16] never: no nested SVM */
	bool avic;		/* EDX[13] never: no virtual APIC */
};
extern struct svm_features svm_feat;

/* PAUSEs a guest may execute before a PAUSE intercept.  Ordinary code
 * pauses a handful of times around a contended lock; thousands in a row
 * mean it waits for a vCPU that is not running. */
#define SVM_PAUSE_FILTER_COUNT	3000
/* With the threshold: PAUSEs more than this many cycles apart restart the
 * count.  One spin-loop iteration (PAUSE, a load, a branch) stays well
 * below it; a loop doing real work between PAUSEs does not. */
#define SVM_PAUSE_FILTER_THRESH	256

/* Decides every field of svm_feat from CPUID Fn8000_000A_EDX. */
void svm_features_init(u32 cpuid_edx);

/* One line per feature: "svm: NRIP save: used: ...",
 * "svm: NRIP save: absent: RIP advanced by decoding the instruction ...",
 * "svm: AVIC: present, left off: ...". */
void svm_features_print(void);

/* control.pause_filter_count / _thresh for a new VMCB: 0 without the
 * feature (and then PAUSE is not intercepted at all). */
u16 svm_pause_filter_count(void);
u16 svm_pause_filter_thresh(void);

/* Applies the feature decisions to a freshly set up control area: with the
 * pause filter, intercepts PAUSE and fills the count (and threshold).
 * Call after the intercept words have been assigned. */
void svm_features_vmcb_init(struct vmcb_control *c);

/* TLB_CONTROL for a vCPU that got a new ASID: only its own entries with
 * flush-by-ASID, else the whole TLB (the only other command every SVM CPU
 * has, APM vol. 2, 15.16.1). */
u8 svm_tlb_flush_cmd(void);

/* control.nrip holds the next RIP for this exit.  The CPU writes it for
 * instruction, MSR and IOIO intercepts and for INT3/INTO/BOUND exceptions,
 * and zeroes it for every other exit (APM vol. 2, 15.7.1).  Inline: every
 * emulated instruction asks. */
static inline bool svm_nrip_valid(const struct vmcb *v)
{
	return svm_feat.nrips && v->control.nrip != 0;
}

/* control.insn_bytes[0 .. insn_len) hold the bytes at the guest's CS:RIP
 * for this exit: decode assists present, the exit a nested or intercepted
 * page fault on a data access, and at least one byte fetched (APM vol. 2,
 * 15.8.4).  Fewer than 15 bytes mean the fetch itself faulted; a decoder
 * that runs short must fall back to reading guest memory. */
bool svm_use_decode_assists_bytes(const struct vmcb *v);

#endif
