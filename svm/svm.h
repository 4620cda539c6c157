/* svm/svm.h - the AMD SVM backend of the VMM core (vmm/vmm.h): per-CPU SVM
 * state, the SVM vCPU around the core's struct vcpu, and the hooks that
 * manage the host state VMRUN does not save (svm/hoststate.c).
 *
 * svm/svm.c enables SVM and hands out ASIDs; svm/backend.c fills the core's
 * ops table (vCPU creation from the neutral start state, registers);
 * svm/run.c enters the guest (svm/vmrun.asm is the world switch) and
 * moves interrupts and events in and out of the VMCB; svm/exit.c decodes
 * each #VMEXIT into the core's exit record and applies the answer. */
#ifndef SVMHV_SVM_H
#define SVMHV_SVM_H
#include "lib/types.h"
#include "kernel/spinlock.h"
#include "svm/vmcb.h"
#include "svm/exitcodes.h"
#include "svm/vmcb_clean.h"
#include "svm/features.h"
#include "svm/gstate.h"
#include "sched/task.h"
#include "sched/sched.h"
#include "mm/npt.h"
#include "vmm/vmm.h"

/* Host-state counters, per CPU and per vCPU (docs/host-state.md). */
struct hs_counters {
	u64 vmrun;
	u64 host_vmsave;	/* VMSAVE of host state into a host save area */
	u64 host_vmload;	/* VMLOAD of host state after #VMEXIT */
	u64 loads_for_run;	/* vcpu_load when the vCPU starts to run */
	u64 sched_in_same;	/* vcpu_load on sched-in, same CPU as before */
	u64 sched_in_migrated;	/* vcpu_load on sched-in, another CPU */
	u64 prepare_calls;	/* prepare_switch_to_guest that did work */
	u64 check_mismatches;	/* host-state check after VMLOAD */
	u64 diff_mismatches;	/* differential check after prepare_switch_to_guest */
	u64 puts;		/* vcpu_put */
	u64 unused_loads;	/* loads that ended with no VMRUN (the guest stopped) */
	u64 snap_retakes;	/* `cached` VMSAVEs outside load-for-run and migration:
				 * the task's hs_gen moved, or the policy changed */
	u64 faults;		/* hostfault= corruptions written */
	u64 lazy_rounds;	/* round trips with no VMSAVE or VMLOAD (hostsave=lazy) */
	u64 lazy_ends;		/* lazy windows closed: guest VMSAVE, host VMLOAD */
};

/* hostsave=lazy (svm/run.c, docs/host-state.md): while the guest's TR,
 * LDTR, KernelGsBase, syscall and SYSENTER MSRs and FS/GS selectors stay
 * in the CPU between an exit and the next entry, its FS and GS bases wait
 * here and the host's are in the CPU.  Read and written by svm_vmrun_lazy
 * (svm/vmrun.asm) through the asm-offsets LZ_*. */
struct svm_lazy {
	u64 guest_fs, guest_gs;
	u64 host_fs, host_gs;
	u64 load_guest;		/* nonzero: VMLOAD the guest's state from the VMCB first */
};

/* The per-task part of the VMSAVE state, cached by the `cached` policy. */
struct hs_snapshot {
	struct vmcb_seg fs;
	struct vmcb_seg ldtr;
	struct vmcb_seg tr;
	u64 kernel_gs_base;
};

struct svm_cpu {
	u32 cpu;
	paddr_t hsave_pa;		/* VM_HSAVE_PA: the CPU's own, never touched */
	struct vmcb *host_area;		/* VMSAVE/VMLOAD host state; fields at +0x400 */
	paddr_t host_area_pa;
	struct vmcb *scratch;		/* differential check */
	paddr_t scratch_pa;
	u32 next_asid, asid_generation;
	struct hs_counters cnt;
	struct gstate_cpu gs;		/* whose FPU/DR0-3 state the registers hold (gstate.c) */
	bool enabled;
	/* hostfault=: one field of host_area corrupted for the current load,
	 * and what to put back at vcpu_put. */
	u32 fault_tick;
	bool fault_active;
	struct vmcb_save fault_undo;
};

/* Guest general registers VMRUN does not switch (RAX and RSP are in the
 * VMCB).  Offsets are used by svm/vmrun.asm through asm-offsets. */
struct guest_regs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/* A cached translation of the guest page holding RIP, long mode with 4
 * levels only.  `pte` points into guest RAM at each entry of the walk
 * (unused levels at a constant 0 with val 0); the translation stands
 * while CR3 and every entry are unchanged: a guest that rewrites its page
 * tables (no exit needed) makes the next check miss.  page =
 * RIP_XLAT_EMPTY: empty - not canonical, so no RIP in long mode lies
 * within 4 KiB above it (skip_insn tests `rip - page <= 0xffc`). */
#define RIP_XLAT_EMPTY	0x8000000000000000ULL
struct rip_xlat {
	u64 page, cr3;
	const u64 *pte[4];
	u64 val[4];
	const u8 *host;		/* the page in guest RAM */
	u64 fills;		/* walks that (re)filled it: a count for tests */
};

/* An SVM vCPU: the core's struct vcpu first, as an unnamed member
 * (-fms-extensions), so that v->index and v->vmcb read alike in svm/;
 * to_svm() and svm_vcpu_core() convert at the ops-table boundary. */
struct svm_vcpu {
	struct vcpu;
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct guest_regs regs;
	bool guest_state_loaded;	/* prepare_switch_to_guest done for this load */
	bool lazy_live;			/* hostsave=lazy: the guest's VMLOAD state is in the CPU */
	struct svm_lazy lz;
	u32 asid, asid_generation, asid_cpu;
	struct vmcb_clean_state clean;	/* clean-bit bookkeeping (svm/vmcb_clean.h) */
	struct vmcb *clean_check;	/* copy at #VMEXIT for the debug check, or NULL */
	struct hs_snapshot snap;	/* `cached`: the per-task host fields */
	u32 snap_cpu;			/* CPU the snapshot was taken on, ~0 none */
	int snap_policy;		/* the policy it was taken under */
	u64 snap_load;			/* the load (load_seq) it serves */
	u64 snap_gen;			/* the task's hs_gen when taken */
	u64 load_seq;			/* vcpu_load calls so far */
	int load_policy;		/* hoststate_policy latched by vcpu_load */
	u64 loaded_gen;			/* task hs_gen when guest_state_loaded was set */
	struct hs_counters cnt;
	struct vcpu_gstate gs;		/* FPU/SSE/AVX, XCR0, DR0-3 (svm/gstate.c) */
	bool virq_in_vmcb;		/* V_IRQ was set for the last VMRUN ... */
	u8 virq_vmcb_vector;		/* ... with this vector */
	/* EVENTINJ to make at the next entry (an event an exit cut short, in
	 * the EXITINTINFO format), 0 none.  Hardware-format and read only by
	 * this backend, so it lives here and not in struct vcpu. */
	u64 pending_event;
	bool softint_injected;		/* EVENTINJ holds an INTn svmhv stepped over (dec_intn) */
	bool entry_shadow;		/* the last entry resumed in an interrupt shadow, at entry_rip */
	u64 entry_rip;
	/* Single-stepping one guest instruction with RFLAGS.TF and the #DB
	 * intercept (svm/run.c, docs/vcpu.md): why, and what to restore. */
	u8 step;			/* SVM_STEP_*, 0 = not stepping */
	bool step_guest_tf;		/* the guest's own RFLAGS.TF when the step began */
	u64 step_rip;			/* RIP of the instruction being stepped */
	u64 step_dr6;			/* the guest's DR6 when the step began */
	/* The NMI handler's IRET was intercepted at nmi_iret_rip: NMIs stay
	 * masked until it retires (RIP elsewhere, or a step over it). */
	bool nmi_iret;
	u64 nmi_iret_rip;
	/* The last RIP page's translation (svm/exit.c, rip_bytes): kept with
	 * the guest page-table entries it came from, and used only while all
	 * of them still hold the values it was made with. */
	struct rip_xlat rip_xlat;
	/* How to finish an emulated MMIO load (svm/exit.c). */
	u8 mmio_reg, mmio_op_size, mmio_len;
	u8 cr_len;			/* length of the MOV to CRn being emulated, 0 if unknown */
	bool mmio_movzx, mmio_skip_reg;
};

_Static_assert(offsetof(struct svm_vcpu, vm) == 0, "struct vcpu starts struct svm_vcpu");

static inline struct svm_vcpu *to_svm(struct vcpu *v)
{
	return (struct svm_vcpu *)v;
}

static inline struct vcpu *svm_vcpu_core(struct svm_vcpu *v)
{
	return (struct vcpu *)v;
}

/* svm/run.c: single-stepping the instruction at RIP (docs/vcpu.md) */
#define SVM_STEP_SHADOW	BIT(0)	/* an interrupt or NMI waits for the interrupt shadow to end */
#define SVM_STEP_IRET	BIT(1)	/* an NMI waits for the NMI handler's IRET to retire */
void svm_step_begin(struct svm_vcpu *v, u8 why);
void svm_step_end(struct svm_vcpu *v);

/* svm/svm.c */
extern bool svm_usable;
extern const char *svm_unusable_reason;
extern paddr_t svm_iopm_pa, svm_msrpm_pa;
int svm_init(void);			/* all online CPUs; 0 or negative with a reason */
struct svm_cpu *svm_this_cpu(void);
void svm_asid_assign(struct svm_vcpu *v, struct svm_cpu *sc);

/* svm/vmrun.asm: VMLOAD guest, VMRUN, VMSAVE guest, VMLOAD host. */
void svm_vmrun(paddr_t vmcb_pa, struct guest_regs *regs, paddr_t host_area_pa);
/* hostsave=lazy's world switch: VMLOAD of the guest's state only if
 * lz->load_guest, else its FS/GS bases written back; VMRUN; no VMSAVE, no
 * host VMLOAD: the guest's FS/GS bases into lz, the host's out of it. */
void svm_vmrun_lazy(paddr_t vmcb_pa, struct guest_regs *regs, struct svm_lazy *lz);
/* Closes a lazy window from inside an exit's handling (svm/run.c). */
void svm_lazy_end_now(struct svm_vcpu *v);

static inline void svm_vmsave(paddr_t pa) { __asm__ __volatile__("vmsave %%rax" :: "a"(pa) : "memory"); }
static inline void svm_vmload(paddr_t pa) { __asm__ __volatile__("vmload %%rax" :: "a"(pa) : "memory"); }
static inline void svm_clgi(void) { __asm__ __volatile__("clgi" ::: "memory"); }
static inline void svm_stgi(void) { __asm__ __volatile__("stgi" ::: "memory"); }

/* svm/hoststate.c: the hooks (docs/host-state.md) */
void svm_vcpu_load(struct svm_vcpu *v, u32 cpu, bool sched_in);
void svm_vcpu_put(struct svm_vcpu *v);
void prepare_switch_to_guest(struct svm_vcpu *v);
void hoststate_after_vmexit(struct svm_vcpu *v, u32 cpu);	/* checks, with GIF=0 */
extern bool hoststate_ignore_generation;
/* Whether prepare_switch_to_guest has nothing to do: the guest state is
 * loaded and the task has not changed its own host state since.  Inline:
 * every entry asks. */
static inline bool hoststate_guest_ready(const struct svm_vcpu *v)
{
	return v->guest_state_loaded && (v->loaded_gen == v->task->hs_gen || hoststate_ignore_generation);
}
void hoststate_print_policy(void);
void hoststate_cpu_init(struct svm_cpu *sc);	/* svm.c, each CPU as SVM is enabled */
void hoststate_record_boot(struct svm_cpu *sc);	/* svm.c, once on the boot CPU */
struct host_mismatch;
/* The full check (hidden parts by VMSAVE) of task t's state on CPU pc,
 * the CPU it runs on, with interrupts off: for host tasks in tests. */
u32 hoststate_check_task(const struct task *t, struct percpu *pc, struct host_mismatch *m);
void hoststate_print_counters(void);
void hoststate_counters_total(struct hs_counters *cpu_sum);
void hoststate_reset_counters(void);
extern bool hoststate_diff_check;
extern u64 hoststate_mismatch_total;
const char *hoststate_policy_name(int policy);
extern int hoststate_policy;
/* hostfault=: 0, or 1 + the enum host_group to corrupt under `cached`. */
extern int hoststate_fault;
/* The value of hostfault=: "" or "none" is 0, a group name (sched/
 * task_check.h's HOST_GROUP_NAMES) 1 + its group; anything else is named
 * on the console with the choices, and kept at 0. */
int hoststate_fault_parse(const char *name);
/* Tests only: ignore the task's hs_gen (the negative control of the
 * generation), and a function called after every host-state check, with
 * GIF=0, on the vCPU's task. */
extern bool hoststate_ignore_generation;
extern void (*hoststate_exit_hook)(struct svm_vcpu *v);
/* Mismatches by enum host_group, and the group of the first one reported
 * since hoststate_reset_counters() (-1 none). */
extern u64 hoststate_group_mismatches[];
extern volatile int hoststate_first_group;

/* svm/backend.c */
extern const struct vmm_backend_ops svm_backend_ops;
/* Test only (the gstate suite's negative control): new vCPUs leave
 * debug-register writes to the CPU. */
extern bool svm_debug_no_dr_intercept;
void svm_vcpu_flush(struct svm_vcpu *v);

/* svm/run.c */
bool svm_vcpu_run(struct vcpu *vcpu, struct vmm_exit *x);
void vcpu_inject_exception(struct svm_vcpu *v, u8 vector, bool has_err, u32 err);
/* Test-only negative controls (svm/vcpu_tests.c): offer a pending
 * interrupt even in an interrupt shadow; drop events cut short by an exit;
 * leave CR8 writes to the CPU while V_IRQ is set (QEMU 7.2 then aborts). */
extern bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo, vcpu_debug_no_cr8_intercept;

/* svm/exit.c */
/* Empties the cached translation of RIP's page (svm/exit.c). */
void svm_rip_xlat_forget(struct svm_vcpu *v);
/* Test-only negative control: trust that translation unchecked. */
extern bool svm_debug_rip_xlat_stale;
void svm_exit_decode(struct svm_vcpu *v, struct vmm_exit *x);
int svm_exit_complete(struct vcpu *vcpu, struct vmm_exit *x);
/* Decode, answer and apply the exit in the VMCB now (tests, benchmarks). */
int svm_handle_exit(struct svm_vcpu *v);	/* 0 = resume, else the guest stops */
u32 svm_exit_index(u64 code);
#endif
