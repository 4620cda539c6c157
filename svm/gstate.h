/* svm/gstate.h - guest register state VMRUN does not switch: x87/SSE/AVX
 * (XSAVE state), XCR0, DR0-DR3 and TSC_AUX (docs/guest-cpu-state.md).  Each vCPU
 * owns one copy; svm/gstate.c moves it in and out of the CPU. */
#ifndef SVMHV_GSTATE_H
#define SVMHV_GSTATE_H
#include "lib/types.h"

struct svm_vcpu;
struct svm_cpu;

/* How the state is switched (gstate_mode). */
enum gstate_mode {
	GSTATE_LAZY = 0,	/* kept in the CPU across exits; saved at sched-out, restored
				 * at sched-in only when another vCPU used the CPU since */
	GSTATE_EAGER = 1,	/* XSAVE and XRSTOR for every VMRUN (benchmark only) */
	GSTATE_OFF = 2,		/* nothing switched: negative control for the tests only */
};

struct gstate_counters {
	u64 saves;		/* XSAVE/FXSAVE of this vCPU's state */
	u64 restores;		/* XRSTOR/FXRSTOR */
	u64 restores_skipped;	/* sched-in to a CPU that still held this vCPU's state */
	u64 xcr0_writes;	/* XSETBV done by the host for this vCPU */
	u64 xsetbv_exits;
	u64 tsc_aux_writes;	/* WRMSR TSC_AUX done by the host for this vCPU */
};

struct vcpu_gstate {
	void *area;		/* XSAVE (or FXSAVE) area, 64-byte aligned */
	u64 id;			/* never reused: what a CPU's owner field names */
	u64 xcr0;		/* the guest's XCR0; starts at x87 only */
	u64 dr[4];		/* DR0-DR3 while not in the CPU */
	u32 cpu;		/* CPU whose registers got this state last, ~0 none */
	u32 tsc_aux;		/* the guest's IA32_TSC_AUX; 0 at reset */
	bool live;		/* the state is in this CPU's registers now (load .. put) */
	struct gstate_counters cnt;
};

/* Per CPU, in struct svm_cpu. */
struct gstate_cpu {
	u64 owner;		/* id of the vCPU whose state the registers hold, 0 none */
	u32 tsc_aux;		/* what this CPU's IA32_TSC_AUX holds now */
};

extern volatile int gstate_mode;
extern volatile bool gstate_debug_trust_owner;	/* test only: ignore migrations */
const char *gstate_mode_name(int mode);
void gstate_set_mode(int mode);		/* only while no vCPU runs */

int gstate_vcpu_init(struct svm_vcpu *v);
void gstate_vcpu_free(struct svm_vcpu *v);
void gstate_cpu_init(struct svm_cpu *sc);	/* on that CPU */
/* A guest ran on this CPU outside the run loop (the floor benchmark, a
 * hand-run test): its registers now hold nobody's state, so the next vCPU
 * loaded here restores its own even if it owned them before. */
void gstate_cpu_clobbered(struct svm_cpu *sc);

void gstate_load(struct svm_vcpu *v, struct svm_cpu *sc);	/* prepare_switch_to_guest, IF=0 */
void gstate_put(struct svm_vcpu *v);			/* vcpu_put, IF=0 */
void gstate_eager_switch(struct svm_vcpu *v, struct svm_cpu *sc);	/* before VMRUN, eager only */

/* MOV to DR0-DR3 by the guest (n = 0..3), intercepted (svm/exit.c): in
 * the CPU at once while the vCPU's state is live there, else at its next
 * load. */
void gstate_set_dr(struct svm_vcpu *v, unsigned int n, u64 val);

/* WRMSR TSC_AUX by the guest (through the core's set_reg): in the CPU at
 * once if the vCPU's state is loaded here, else at its next load. */
void gstate_set_tsc_aux(struct svm_vcpu *v, u32 val);

/* XSETBV by the guest: -1 when done (advance RIP), else the vector to
 * inject (6 = #UD, 13 = #GP(0)). */
int gstate_xsetbv(struct svm_vcpu *v, u32 ecx, u64 value);
u64 gstate_guest_xcr0(struct svm_vcpu *v);	/* the guest's XCR0 now */
/* CPUID leaves 1 and 0xD as this guest may see them. */
void gstate_cpuid(struct svm_vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d);
#endif
