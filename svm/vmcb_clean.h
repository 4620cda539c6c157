/* svm/vmcb_clean.h - bookkeeping for the VMCB clean field (AMD64 APM vol. 2,
 * 15.15 "VMCB State Caching").
 *
 * A CPU with VmcbClean (CPUID Fn8000_000A_EDX[5]) may keep groups of guest
 * state from one VMRUN to the next, keyed by the VMCB's physical address.
 * A set bit in the clean field lets it reuse its copy of a group; a clear
 * bit makes it reload the group from the VMCB.  The APM's rules, which this
 * file is the only place to apply:
 *
 *   - software clears a group's bit whenever it writes a field of the group
 *     (15.15.2): handlers call vmcb_clean_mark_dirty();
 *   - the whole field is 0 the first time a VMCB is run, when it runs on a
 *     different core from last time, and when it moved to another physical
 *     page since it last ran (15.15.2);
 *   - bits the hypervisor does not know must be 0 once anything was
 *     modified (15.15.3), so only bits 12:0 are ever set;
 *   - other VMCBs running on the same core in between need nothing: the
 *     CPU compares the VMCB address with every VMCB it holds and treats the
 *     field as 0 on a miss (15.15.2).
 *
 * Not in any group, because VMRUN always loads them (15.15.3): TLB_CONTROL,
 * the interrupt shadow, EXITCODE/EXITINFO/EXITINTINFO/decode-assist bytes,
 * EVENTINJ, RFLAGS, RIP, RSP and RAX.  The VMLOAD/VMSAVE fields (FS, GS,
 * TR, LDTR, KernelGsBase, STAR, LSTAR, CSTAR, SFMASK, SYSENTER_*) are not
 * either: the run loop's VMLOAD moves them, not VMRUN.
 *
 * One struct vmcb_clean_state per vCPU.  The run loop calls
 * vmcb_clean_before_vmrun() with interrupts off (so the CPU cannot change
 * under it) and writes the result into control.clean, then
 * vmcb_clean_after_vmrun() once VMRUN has returned.
 *
 * Pure file (svm/vmcb_clean.c): kernel and host unit tests.
 */
#ifndef SVMHV_SVM_VMCB_CLEAN_H
#define SVMHV_SVM_VMCB_CLEAN_H

#include "lib/types.h"
#include "svm/vmcb.h"

/* last_cpu of a VMCB that has not run yet (or must be treated so). */
#define VMCB_CLEAN_NO_CPU	0xffffffffu

struct vmcb_clean_state {
	u32 dirty;		/* groups written since the last VMRUN */
	u32 last_cpu;		/* core of the last VMRUN, VMCB_CLEAN_NO_CPU if none */
	u64 last_vmcb_pa;	/* VMCB address at the last VMRUN */
	/* What before_vmrun() prepared; after_vmrun() commits it. */
	u32 next_cpu;
	u32 next_clean;
	u64 next_vmcb_pa;
	bool enabled;		/* the CPU has VmcbClean */
	/* Counters for the statistics: */
	u64 runs;		/* VMRUNs accounted */
	u64 runs_all_dirty;	/* of which with a clean field of 0 */
};

/* A vCPU's VMCB has not run yet: the first VMRUN gets a clean field of 0.
 * `supported` is CPUID Fn8000_000A_EDX[5] (svm_feat.clean_bits); without
 * it, before_vmrun() always returns 0. */
void vmcb_clean_init(struct vmcb_clean_state *s, bool supported);

/* The next VMRUN must reload everything: after the VMCB was rewritten as a
 * whole, after a VMRUN that did not go through before/after_vmrun (a
 * test's), or after VMEXIT_INVALID. */
void vmcb_clean_forget(struct vmcb_clean_state *s);

/* Software wrote fields of these groups (VMCB_CLEAN_* bits). */
static inline void vmcb_clean_mark_dirty(struct vmcb_clean_state *s, u32 groups)
{
	s->dirty |= groups & (u32)VMCB_CLEAN_ALL;
}

/* The value for control.clean of the VMRUN about to run this VMCB (at
 * physical address vmcb_pa) on core `cpu`.  Changes nothing that matters
 * if that VMRUN does not happen: only after_vmrun() makes it count.
 * Inline, with after_vmrun(): both run on every world switch. */
static inline u32 vmcb_clean_before_vmrun(struct vmcb_clean_state *s, u32 cpu, u64 vmcb_pa)
{
	u32 clean = 0;

	/* First run, another core than last time, or another page: all zero
	 * (15.15.2).  Otherwise every group software left alone. */
	if (s->enabled && cpu != VMCB_CLEAN_NO_CPU && s->last_cpu == cpu &&
	    s->last_vmcb_pa == vmcb_pa)
		clean = (u32)VMCB_CLEAN_ALL & ~s->dirty;
	s->next_cpu = cpu;
	s->next_vmcb_pa = vmcb_pa;
	s->next_clean = clean;
	return clean;
}

/* VMRUN returned (#VMEXIT): the CPU now holds every group as the VMCB had
 * it, on the core and at the address before_vmrun() was told. */
static inline void vmcb_clean_after_vmrun(struct vmcb_clean_state *s)
{
	s->last_cpu = s->next_cpu;
	s->last_vmcb_pa = s->next_vmcb_pa;
	s->dirty = 0;
	s->runs++;
	if (!s->next_clean)
		s->runs_all_dirty++;
	/* A second call without a before_vmrun() makes the next run reload
	 * everything rather than trust a stale pairing. */
	s->next_cpu = VMCB_CLEAN_NO_CPU;
	s->next_clean = 0;
}

/* The same pair for a VMRUN that follows this VMCB's last one on the same
 * core, at the same address, with only vmcb_clean_mark_dirty() in between
 * (the fused path of svm/run.c re-entering after an exit it answered;
 * the task was not switched out meanwhile): every group software left
 * alone is clean, as before_vmrun() would say, without its bookkeeping of
 * core and address, which cannot have changed.  A forget() in between
 * still makes it 0.  after_rerun() gets what before_rerun() returned. */
static inline u32 vmcb_clean_before_rerun(const struct vmcb_clean_state *s)
{
	if (!s->enabled || s->last_cpu == VMCB_CLEAN_NO_CPU)
		return 0;
	return (u32)VMCB_CLEAN_ALL & ~s->dirty;
}

static inline void vmcb_clean_after_rerun(struct vmcb_clean_state *s, u32 clean)
{
	s->dirty = 0;
	s->runs++;
	if (__builtin_expect(!clean, 0))
		s->runs_all_dirty++;
}

/* The clean-bit group of the VMCB byte at `vmcb_offset` (0 .. 4095): one
 * VMCB_CLEAN_* bit, or 0 for bytes VMRUN always loads, status fields,
 * VMLOAD/VMSAVE state, reserved bytes and offsets past the page. */
u32 vmcb_clean_bits_for_field(size_t vmcb_offset);

/* Debug aid: the groups in which `now` differs from `before` (a copy taken
 * at #VMEXIT).  A run loop can check that
 * (vmcb_clean_changed_groups(copy, vmcb) & ~s->dirty) == 0, that is, that
 * every write went through vmcb_clean_mark_dirty().  `dirty` is kept with
 * or without VmcbClean, so the check also works where the CPU (QEMU's TCG)
 * ignores the clean field and a missed mark would go unnoticed. */
u32 vmcb_clean_changed_groups(const struct vmcb *before, const struct vmcb *now);

#endif
