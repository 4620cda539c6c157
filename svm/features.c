/* svm/features.c - the optional SVM features svmhv uses, decided from
 * CPUID Fn8000_000A_EDX once by svm_init(), the boot report that says what
 * each one does or what replaces it, and the small decisions the run loop
 * and the exit handlers take from them.  Pure: tested on the host. */
#include "svm/features.h"
#include "svm/exitcodes.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"

struct svm_features svm_feat;

void svm_features_init(u32 cpuid_edx)
{
	svm_feat = (struct svm_features){
		.cpuid_edx = cpuid_edx,
		.nrips = cpuid_edx & SVM_FEAT_NRIPS,
		.clean_bits = cpuid_edx & SVM_FEAT_VMCB_CLEAN,
		.flush_by_asid = cpuid_edx & SVM_FEAT_FLUSH_BY_ASID,
		.decode_assists = cpuid_edx & SVM_FEAT_DECODE_ASSISTS,
		.pause_filter = cpuid_edx & SVM_FEAT_PAUSE_FILTER,
		/* The threshold only tunes the filter's counter. */
		.pause_threshold = (cpuid_edx & SVM_FEAT_PAUSE_FILTER) &&
				   (cpuid_edx & SVM_FEAT_PAUSE_THRESH),
		.vmsave_virt = false,
		.vgif = false,
		.avic = false,
	};
}

/* One report line.  `used` points into svm_feat; `left_off` is set for the
 * features svmhv never turns on, `needs` for one that is useless unless
 * another (`needs_used`) is used. */
struct feature_line {
	u32 bit;
	const char *name;
	const bool *used;
	const char *when_used;
	const char *fallback;
	const char *left_off;
	const char *needs;
	const bool *needs_used;
};

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct feature_line feature_lines[] = {
	{ .bit = SVM_FEAT_NRIPS, .name = "NRIP save", .used = &svm_feat.nrips,
	  .when_used = "RIP advanced from the next-RIP field the CPU saves",
	  .fallback = "RIP advanced by decoding the instruction at CS:RIP (vmm/decode.c)" },
	{ .bit = SVM_FEAT_VMCB_CLEAN, .name = "VMCB clean bits", .used = &svm_feat.clean_bits,
	  .when_used = "state groups svmhv did not touch stay cached in the CPU between VMRUNs",
	  .fallback = "clean field always 0: every VMRUN loads the whole VMCB" },
	{ .bit = SVM_FEAT_FLUSH_BY_ASID, .name = "flush by ASID", .used = &svm_feat.flush_by_asid,
	  .when_used = "a vCPU given a new ASID flushes only that ASID's TLB entries",
	  .fallback = "a vCPU given a new ASID flushes the whole TLB (TLB_CONTROL 1)" },
	{ .bit = SVM_FEAT_DECODE_ASSISTS, .name = "decode assists", .used = &svm_feat.decode_assists,
	  .when_used = "MMIO exits decode the instruction bytes the CPU saved",
	  .fallback = "MMIO exits fetch the instruction by walking the guest's page tables" },
	{ .bit = SVM_FEAT_PAUSE_FILTER, .name = "pause filter", .used = &svm_feat.pause_filter,
	  .when_used = "PAUSE intercepted after " STR(SVM_PAUSE_FILTER_COUNT)
		       " PAUSEs: a spinning vCPU gives up its CPU",
	  .fallback = "PAUSE not intercepted: a spinning vCPU spins until its time slice ends" },
	{ .bit = SVM_FEAT_PAUSE_THRESH, .name = "pause filter threshold", .used = &svm_feat.pause_threshold,
	  .when_used = "only PAUSEs under " STR(SVM_PAUSE_FILTER_THRESH)
		       " cycles apart count towards the filter",
	  .fallback = "every PAUSE counts towards the filter",
	  .needs = "the pause filter", .needs_used = &svm_feat.pause_filter },
	{ .bit = SVM_FEAT_V_VMSAVE_VMLOAD, .name = "virtual VMLOAD/VMSAVE", .used = &svm_feat.vmsave_virt,
	  .left_off = "only nested hypervisors need it, and guests get #UD for VMLOAD/VMSAVE" },
	{ .bit = SVM_FEAT_VGIF, .name = "VGIF", .used = &svm_feat.vgif,
	  .left_off = "only nested hypervisors need it, and guests get #UD for STGI/CLGI" },
	{ .bit = SVM_FEAT_AVIC, .name = "AVIC", .used = &svm_feat.avic,
	  .left_off = "svmhv has no virtual APIC; guest interrupts arrive through V_IRQ" },
};

#undef STR
#undef STR_

void svm_features_print(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(feature_lines); i++) {
		const struct feature_line *f = &feature_lines[i];
		bool present = svm_feat.cpuid_edx & f->bit;

		if (*f->used)
			kprintf("svm: %s: used: %s\n", f->name, f->when_used);
		else if (f->left_off && present)
			kprintf("svm: %s: present, left off: %s\n", f->name, f->left_off);
		else if (f->left_off)
			kprintf("svm: %s: absent (left off anyway: %s)\n", f->name, f->left_off);
		else if (f->needs && !*f->needs_used)
			kprintf("svm: %s: %s, unused without %s\n", f->name,
				present ? "present" : "absent", f->needs);
		else
			kprintf("svm: %s: absent: %s\n", f->name, f->fallback);
	}
}

u16 svm_pause_filter_count(void)
{
	return svm_feat.pause_filter ? SVM_PAUSE_FILTER_COUNT : 0;
}

u16 svm_pause_filter_thresh(void)
{
	return svm_feat.pause_threshold ? SVM_PAUSE_FILTER_THRESH : 0;
}

void svm_features_vmcb_init(struct vmcb_control *c)
{
	/* Without the filter a PAUSE intercept would exit on every PAUSE
	 * (count 0, APM vol. 2 table 15-7): far worse than letting a
	 * spinning guest spin, so the intercept stays off. */
	if (!svm_feat.pause_filter)
		return;
	c->intercept1 |= SVM_INTERCEPT1_PAUSE;
	c->pause_filter_count = svm_pause_filter_count();
	c->pause_filter_thresh = svm_pause_filter_thresh();
}

u8 svm_tlb_flush_cmd(void)
{
	return svm_feat.flush_by_asid ? VMCB_TLB_CONTROL_FLUSH_ASID : VMCB_TLB_CONTROL_FLUSH_ALL;
}

bool svm_use_decode_assists_bytes(const struct vmcb *v)
{
	u64 code = v->control.exitcode;
	u8 len = v->control.insn_len;

	if (!svm_feat.decode_assists)
		return false;
	if (code != SVM_EXIT_NPF && code != SVM_EXIT_EXCP_PF)
		return false;
	/* Bits 3:0 count the bytes, 7:4 are zero (table 15-6); 0 means none
	 * were fetched, as on an instruction-fetch fault. */
	return len != 0 && len <= sizeof(v->control.insn_bytes);
}
