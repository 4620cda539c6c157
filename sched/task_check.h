/* sched/task_check.h - verifies that the CPU holds exactly the host state
 * the current task and CPU must have (docs/host-state.md): every field
 * VMLOAD restores, as whole segments where it can see them.
 *   per task: FS (base, and the task-local block it points at),
 *             KernelGsBase, LDTR;
 *   per CPU:  GS base (the CPU's struct percpu), TR (the CPU's TSS);
 *   common:   STAR, LSTAR, CSTAR, SFMASK, SYSENTER_CS/ESP/EIP and the
 *             hidden parts of the null FS/GS selectors, as found at boot.
 * Used by the scheduler's tests (which may run without SVM: they read what
 * instructions can see) and by svm/'s check after every host VMLOAD (which
 * reads the hidden parts with VMSAVE and passes them in). */
#ifndef SVMHV_TASK_CHECK_H
#define SVMHV_TASK_CHECK_H
#include "lib/types.h"

struct task;
struct percpu;

/* One segment register, selector and hidden part, in the VMCB's layout
 * (svm/hoststate.c asserts that they match). */
struct host_seg {
	u16 selector;
	u16 attrib;	/* VMCB form: descriptor bits 40-47 in 0-7, 52-55 in 8-11 */
	u32 limit;
	u64 base;
};

/* The state VMRUN leaves to software. */
struct host_state {
	struct host_seg fs, gs, tr, ldtr;
	u64 kernel_gs_base, star, lstar, cstar, sfmask;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
};

/* The fields as VMLOAD restores them; a mismatch report names the first
 * wrong one.  Each belongs to one group, named as hostfault= names it. */
#define HOST_GROUP_NAMES "fs", "gs", "tr", "ldtr", "kernel_gs_base", "star", "lstar", \
	"cstar", "sfmask", "sysenter_cs", "sysenter_esp", "sysenter_eip"
enum host_group {
	HG_FS, HG_GS, HG_TR, HG_LDTR, HG_KERNEL_GS_BASE, HG_STAR, HG_LSTAR, HG_CSTAR,
	HG_SFMASK, HG_SYSENTER_CS, HG_SYSENTER_ESP, HG_SYSENTER_EIP, HG_COUNT
};
enum host_field {
	HF_FS_SEL, HF_FS_ATTR, HF_FS_LIMIT, HF_FS_BASE, HF_FS_LOCAL,
	HF_GS_SEL, HF_GS_ATTR, HF_GS_LIMIT, HF_GS_BASE,
	HF_TR_SEL, HF_TR_ATTR, HF_TR_LIMIT, HF_TR_BASE,
	HF_LDTR_SEL, HF_LDTR_ATTR, HF_LDTR_LIMIT, HF_LDTR_BASE, HF_LDTR_PROBE,
	HF_KERNEL_GS_BASE, HF_STAR, HF_LSTAR, HF_CSTAR, HF_SFMASK,
	HF_SYSENTER_CS, HF_SYSENTER_ESP, HF_SYSENTER_EIP, HF_COUNT
};
extern const char *const host_field_names[HF_COUNT];
extern const char *const host_group_names[HG_COUNT];
enum host_group host_field_group(enum host_field f);

struct host_mismatch {
	enum host_field field;		/* the first wrong field */
	u64 expected, found;
	u32 groups;			/* BIT(enum host_group) of every wrong one */
};

/* The 64-bit TSS's attributes in TR: present, DPL 0, type 0xB (busy). */
#define HOST_TR_ATTRIB 0x8b
/* An LDT descriptor's attributes in LDTR: present, DPL 0, type 2. */
#define HOST_LDTR_ATTRIB 0x82

/* Records the common part of the expected state on the boot CPU: from
 * `hs` as VMSAVE gave it (svm_init), or, with hs == NULL, from what
 * instructions can see (sched_init, before SVM is known to exist). */
void task_check_record_boot(const struct host_state *hs);
/* What the state must be for task `t` on CPU `pc`.  A null LDTR's
 * attributes are not defined (see docs/host-state.md); they come out 0. */
void task_expected_host_state(const struct task *t, const struct percpu *pc,
			      struct host_state *exp);
/* Interrupts must be off.  `pc` is the CPU the caller knows it runs on
 * (not derived from GS, which may be the thing that is wrong).  `found`
 * is the CPU's state as VMSAVE gave it, or NULL: then only what
 * instructions show is compared (selectors, MSRs, the TSS base through the
 * GDT, the LDT through `lsl`).  Returns the number of mismatching fields
 * and describes them in *m (may be NULL). */
u32 task_check_host_state(const struct task *t, const struct percpu *pc,
			  const struct host_state *found, struct host_mismatch *m);
/* The base of this CPU's TSS as its GDT descriptor gives it. */
u64 cpu_tss_base(void);
#endif
