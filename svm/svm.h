/* svm/svm.h - svmhv's SVM layer: per-CPU SVM state, guests and their
 * vCPUs (each vCPU a task of the scheduler), the run loop, and the hooks
 * that manage the host state VMRUN does not save (svm/hoststate.c).
 *
 * Mechanism lives in svm/svm.c (enable, ASIDs), svm/vmrun.asm (the world
 * switch) and svm/vcpu.c (run loop); policy in svm/exit.c (one handler per
 * exit code) and svm/hoststate.c; guest set-up in svm/guest.c. */
#ifndef SVMHV_SVM_H
#define SVMHV_SVM_H
#include "lib/types.h"
#include "kernel/spinlock.h"
#include "svm/vmcb.h"
#include "svm/exitcodes.h"
#include "svm/guest_cfg.h"
#include "svm/vmcb_clean.h"
#include "svm/features.h"
#include "svm/gstate.h"
#include "sched/task.h"
#include "sched/sched.h"
#include "mm/npt.h"

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

struct guest;

struct exit_stat {
	u64 count, total, min, max;	/* host cycles from #VMEXIT to the next VMRUN */
};

/* Guest general registers VMRUN does not switch (RAX and RSP are in the
 * VMCB).  Offsets are used by svm/vmrun.asm through asm-offsets. */
struct guest_regs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu {
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct guest_regs regs;
	struct guest *guest;
	u32 index;
	struct task *task;
	struct preempt_notifier pn;
	u32 cpu;			/* physical CPU it is loaded on, ~0 when put */
	bool guest_state_loaded;	/* prepare_switch_to_guest done for this load */
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
	/* Virtual timer (HC_TIMER): a one-shot interrupt on vtimer_vector. */
	u64 vtimer_deadline;		/* TSC, 0 = off */
	u8 vtimer_vector;
	/* The pending virtual interrupt, offered to the guest through V_IRQ
	 * (V_IGN_TPR) whenever it is not in an interrupt shadow. */
	bool virq_pending;
	bool virq_in_vmcb;		/* V_IRQ was set for the last VMRUN */
	u8 virq_vector;
	u64 pending_event;		/* EVENTINJ to make at the next entry (cut short by an exit), 0 none */
	bool entry_shadow;		/* the last entry resumed in an interrupt shadow, at entry_rip */
	bool shadow_carried;		/* ... and the exit after it had to carry the shadow over */
	u64 entry_rip;
	bool halted;
	struct vcpu_event_stats {
		u64 virq_delivered;	/* V_IRQs the guest took */
		u64 virq_withheld;	/* entries in an interrupt shadow with an interrupt pending */
		u64 events_requeued;	/* EXITINTINFO events injected again */
		u64 halt_blocks;	/* times the vCPU task blocked in HLT */
		u64 timer_fired;	/* HC_TIMER expiries */
		u64 timer_late_total;	/* TSC from the deadline to raising the interrupt */
		u64 timer_late_max;
	} ev;
	u64 exits;
	u64 exit_tsc;			/* TSC at the last #VMEXIT */
	u64 last_exit_code;
	struct exit_stat *stats;	/* SVM_EXIT_NR_INDEXED + 1, by svm_exit_index() */
	u64 first_vmrun_tsc;
};

enum guest_stop_reason {
	STOP_NONE = 0, STOP_HYPERCALL, STOP_TIMEOUT, STOP_SHUTDOWN, STOP_NPF, STOP_INVALID,
	STOP_UNHANDLED, STOP_ERROR, STOP_HOST,
};

#define GUEST_MAX_RESULTS 64
struct guest_result {
	char name[65];
	u8 result;	/* 0 pass, 1 fail, 2 skip */
	u64 value;
};

struct guest {
	struct guest_cfg cfg;
	u32 id;
	u8 *ram;		/* direct-map view of guest RAM */
	paddr_t ram_pa;
	u64 ram_size;
	u64 ram_pages;
	struct npt npt;
	struct vcpu **vcpus;
	u32 nvcpus;
	spinlock_t lock;
	volatile u32 stop;	/* enum guest_stop_reason, first one wins */
	s64 exit_status;
	char stop_detail[128];
	u64 start_tsc, deadline_tsc;
	char con_line[160];	/* COM1 output gathered into lines */
	u32 con_len;
	u64 io_dropped, io_unhandled_reads;
	u8 io_scratch;		/* COM1 scratch register, emulated */
	u32 results_pass, results_fail, results_skip;
	struct guest_result results[GUEST_MAX_RESULTS];
	u32 nresults;
	u32 arrived;		/* vCPU tasks at the start barrier */
	const char *image_kind;
	struct task **tasks;
	struct wait_queue start_wq;	/* vCPUs wait here until all exist */
	volatile bool go;
};

/* svm/svm.c */
extern bool svm_usable;
extern const char *svm_unusable_reason;
extern paddr_t svm_iopm_pa, svm_msrpm_pa;
int svm_init(void);			/* all online CPUs; 0 or negative with a reason */
struct svm_cpu *svm_this_cpu(void);
void svm_asid_assign(struct vcpu *v, struct svm_cpu *sc);

/* svm/vmrun.asm: VMLOAD guest, VMRUN, VMSAVE guest, VMLOAD host. */
void svm_vmrun(paddr_t vmcb_pa, struct guest_regs *regs, paddr_t host_area_pa);

static inline void svm_vmsave(paddr_t pa) { __asm__ __volatile__("vmsave %%rax" :: "a"(pa) : "memory"); }
static inline void svm_vmload(paddr_t pa) { __asm__ __volatile__("vmload %%rax" :: "a"(pa) : "memory"); }
static inline void svm_clgi(void) { __asm__ __volatile__("clgi" ::: "memory"); }
static inline void svm_stgi(void) { __asm__ __volatile__("stgi" ::: "memory"); }

/* svm/hoststate.c: the hooks (docs/host-state.md) */
void vcpu_load(struct vcpu *v, u32 cpu, bool sched_in);
void vcpu_put(struct vcpu *v);
void prepare_switch_to_guest(struct vcpu *v);
void hoststate_after_vmexit(struct vcpu *v, u32 cpu);	/* checks, with GIF=0 */
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
/* Tests only: ignore the task's hs_gen (the negative control of the
 * generation), and a function called after every host-state check, with
 * GIF=0, on the vCPU's task. */
extern bool hoststate_ignore_generation;
extern void (*hoststate_exit_hook)(struct vcpu *v);
/* Mismatches by enum host_group, and the group of the first one reported
 * since hoststate_reset_counters() (-1 none). */
extern u64 hoststate_group_mismatches[];
extern volatile int hoststate_first_group;

/* svm/vcpu.c */
struct vcpu *vcpu_create(struct guest *g, u32 index);
void vcpu_free(struct vcpu *v);
void vcpu_run_task(void *arg);		/* a vCPU task's body */
void guest_request_stop(struct guest *g, enum guest_stop_reason why, const char *fmt, ...) __printf(3, 4);
void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_err, u32 err);
/* Makes the vCPU notice a change at once: woken when it blocks in HLT,
 * made to exit when it runs on another CPU.  Caller holds g->lock. */
void vcpu_kick(struct vcpu *v);
/* Test-only negative controls (svm/vcpu_tests.c): offer a pending
 * interrupt even in an interrupt shadow; drop events cut short by an exit. */
extern bool vcpu_debug_ignore_shadow, vcpu_debug_drop_exitintinfo;

/* svm/exit.c */
int svm_handle_exit(struct vcpu *v);	/* 0 = resume, else the guest stops */
u32 svm_exit_index(u64 code);
int guest_read(struct guest *g, u64 gpa, void *buf, size_t len);
void guest_console_flush(struct guest *g);

/* svm/guest.c */
struct guest *guest_create(const struct guest_cfg *cfg, const u8 *image, size_t len);
int guest_start(struct guest *g);
void guest_wait(struct guest *g);
void guest_destroy(struct guest *g);
void guest_report(struct guest *g);
const char *guest_stop_name(u32 reason);
bool guest_met_expectation(const struct guest *g);
/* Guests from the boot modules the caller hands in (kernel/boot.c, from
 * the loader's list): created (bad ones reported and skipped), then all
 * started together, waited for, and reported with statistics. */
struct mb2_module;
u32 guests_create_from_modules(const struct mb2_module *mods, u32 nmods, struct guest **gs, u32 max);
void guests_run_all(struct guest **gs, u32 n);

/* svm/stats.c */
void exit_stats_print(struct guest *g);
#endif
