/* vmm/vmm.h - the architecture-neutral VMM core: a VM (its RAM, vCPUs,
 * devices and I/O buses, how it stopped), the neutral part of a vCPU, the
 * one run loop (vmm/vcpu.c) and the backend ops table it runs over.
 *
 * The core never includes a backend header: it reaches the hardware only
 * through vmm_backend.  A backend embeds struct vcpu at the start of its
 * own vCPU (svm/svm.h: struct svm_vcpu) and decodes its exits into the
 * neutral record of vmm/exit.h.  docs/architecture.md walks the exit path. */
#ifndef SVMHV_VMM_VMM_H
#define SVMHV_VMM_VMM_H
#include "lib/types.h"
#include "kernel/spinlock.h"
#include "sched/task.h"
#include "sched/sched.h"
#include "mm/npt.h"
#include "vmm/exit.h"
#include "vmm/iobus.h"
#include "vmm/decode.h"
#include "vmm/irq.h"
#include "vmm/vtimer.h"
#include "vmm/msr_rules.h"
#include "vmm/loader/loader.h"
#include "hw/svmhv_hypercall.h"

struct vm;
struct vmm_device;
struct vcpu_lapic;

#define VMM_MAX_EXIT_STATS 2048	/* rows a backend may have (SVM: 0x405, NPF at 0x400) */

struct exit_stat {
	u64 count, total, min, max;	/* host cycles from the exit to the next entry */
};

struct vcpu_event_stats {
	u64 virq_delivered;	/* virtual interrupts the guest took */
	u64 virq_withheld;	/* entries in an interrupt shadow with an interrupt pending */
	u64 steps;		/* instructions single-stepped for a shadow or an NMI's IRET */
	u64 cr8_exits;		/* CR8 writes intercepted while TPR held a vector back */
	u64 events_requeued;	/* events cut short by an exit, injected again */
	u64 halt_blocks;	/* times the vCPU task blocked in HLT */
	u64 sipi_blocks;	/* times it blocked waiting for SIPI */
	u64 single_steps;	/* single-step #DBs raised after an emulated instruction */
};

/* Trace points of the run loop (bench/: the traced row).  NULL: off, one
 * predictable branch each. */
struct vcpu_trace_rec {
	u64 t_entry;		/* right before the world switch */
	u64 t_back;		/* right after it */
	u64 t_h0, t_h1;		/* around the core's handling of the exit */
	u32 reason;		/* enum vmm_exit_reason */
	u32 code;		/* the backend's exit code */
	u64 nr;			/* hypercall number, else 0 */
	u64 r8;			/* guest R8 at the exit (the bench guest's TSC) */
};
struct vcpu_trace {
	u32 n, cap;
	struct vcpu_trace_rec *rec;
};

/* The neutral part of a vCPU.  A backend's vCPU starts with it. */
struct vcpu {
	struct vm *vm;
	u32 index;
	struct task *task;
	struct task_stats sched;		/* its task's scheduler counts, kept when the task ends */
	struct preempt_notifier pn;
	u32 cpu;			/* physical CPU it is loaded on, ~0 when put */
	bool halted;
	bool want_yield;		/* HC_YIELD: yield once the exit is complete */
	/* Interrupts: posted by anyone, offered at entry (vmm/irq.h); its
	 * local APIC on a pc VM (vmm/dev/lapic.h), else NULL. */
	struct vcpu_irq irq;
	struct vcpu_lapic *lapic;
	/* GPA of its xAPIC page while the APIC is on in xAPIC mode, else
	 * VCPU_NO_APIC_PAGE: per vCPU, as IA32_APIC_BASE is (vmm/dev/lapic.c). */
	u64 apic_page;
	/* Its timers (vmm/vtimer.h): the local APIC timer, HC_TIMER. */
	struct vtimer_queue timers;
	struct vtimer hc_timer;
	u8 hc_timer_vector;
	struct vcpu_event_stats ev;
	u64 misc_enable;		/* IA32_MISC_ENABLE of a pc VM (vmm/msr_rules.h) */
	u64 hwcr;			/* AMD's HWCR of a pc VM (vmm/msr_rules.h) */
	u64 nb_cfg;			/* AMD's NB_CFG of a pc VM: EnableCf8ExtCfg only */
	struct mtrr_state mtrr;		/* its MTRRs, as firmware left them (pc VMs) */
	/* KVM's system-time MSR as last written (GPA | enable) and the
	 * version last stored in its structure (vmm/pvclock.c). */
	u64 pvclock_msr;
	u32 pvclock_version;
	u64 exits;
	u64 exit_tsc;			/* TSC at the last exit */
	u32 last_exit_stat;		/* backend's statistics row of the last exit */
	struct exit_stat *stats;	/* vmm_backend->nr_exit_stats rows */
	u64 first_vmrun_tsc;
	struct vcpu_trace *trace;	/* trace points, or NULL */
};

enum vm_stop_reason {
	STOP_NONE = 0, STOP_HYPERCALL, STOP_TIMEOUT, STOP_SHUTDOWN, STOP_NPF, STOP_INVALID,
	STOP_UNHANDLED, STOP_ERROR, STOP_HOST,
	STOP_EXIT_PORT,		/* a write to the exit port (vmm/dev/exitport.c): exit_status */
	STOP_RESET,		/* the guest asked for a reset (ACPI reset register) */
	STOP_POWEROFF,		/* the guest powered off (ACPI S5) */
};

#define VM_MAX_RESULTS 64
struct vm_result {
	char name[65];
	u8 result;	/* 0 pass, 1 fail, 2 skip */
	u64 value;
};

#define VM_MAX_DEVICES 16

/* KVM's paravirtual clock of a pc VM (vmm/pvclock.c): one clock for all
 * its vCPUs, 0 ns at host TSC ref_tsc. */
struct vm_pvclock {
	u64 ref_tsc;
	u32 mul;		/* struct pvclock_scale, unpacked (vmm/pvclock_core.h) */
	s8 shift;
	bool usable;		/* the scale was computed (tsc_hz in range) */
	bool stable;		/* host TSCs are one invariant clock: the stable flags */
	u64 wall_msr;		/* MSR_KVM_WALL_CLOCK_NEW as last written */
	u32 wall_version;
};

struct vm {
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
	volatile u32 stop;	/* enum vm_stop_reason, first one wins */
	s64 exit_status;
	char stop_detail[128];
	u64 start_tsc, deadline_tsc;
	u64 stop_tsc;		/* when the first stop was asked for, 0 before */
	char con_line[160];	/* console output (COM1, HC_CONSOLE_WRITE) gathered into lines */
	u32 con_len;
	u64 io_dropped, io_unhandled_reads;
	u64 apic_msgs_lost;	/* APIC bus messages that reached no local APIC */
	u64 cr4_allowed;	/* CR4 bits its CPUID lets a guest set (vmm/cr.c), 0 until known */
	struct vmm_bus pio, mmio;
	struct vmm_device *ioapic;	/* pc: the I/O APIC (vmm/dev/ioapic.h) */
	struct vmm_device *com1;	/* its COM1 (vmm/dev/uart16550.c): console input */
	struct vmm_device *devs[VM_MAX_DEVICES];
	u32 ndevs;
	paddr_t acpi_rsdp;	/* GPA of the ACPI RSDP (pc platform), 0 none */
	struct vm_pvclock pvclock;	/* KVM's paravirtual clock (pc platform) */
	u32 results_pass, results_fail, results_skip;
	struct vm_result results[VM_MAX_RESULTS];
	u32 nresults;
	u32 arrived;		/* vCPU tasks at the start barrier */
	const char *image_kind;
	struct vmm_start_state start;
	struct task **tasks;
	struct wait_queue start_wq;	/* vCPUs wait here until all exist */
	volatile bool go;
};

/* Registers the core reads or writes through the backend. */
enum vmm_reg {
	VMM_REG_RFLAGS, VMM_REG_EFER, VMM_REG_STAR, VMM_REG_LSTAR, VMM_REG_CSTAR,
	VMM_REG_SFMASK, VMM_REG_FS_BASE, VMM_REG_GS_BASE, VMM_REG_KERNEL_GS_BASE,
	VMM_REG_SYSENTER_CS, VMM_REG_SYSENTER_ESP, VMM_REG_SYSENTER_EIP, VMM_REG_PAT,
	VMM_REG_TSC_OFFSET,
	VMM_REG_TSC_AUX,	/* the vCPU's IA32_TSC_AUX (RDTSCP, RDPID), 32 bits */
	VMM_REG_CR0, VMM_REG_CR3, VMM_REG_CR4,
};

/* What the core needs from the hardware.  One table per backend, filled
 * by it (svm/backend.c) and installed by kernel/boot.c. */
struct vmm_backend_ops {
	const char *name;
	/* A vCPU of vm in the state the loader left in vm->start; NULL when
	 * out of memory.  Free undoes it. */
	struct vcpu *(*vcpu_create)(struct vm *vm, u32 index);
	void (*vcpu_free)(struct vcpu *v);
	/* The preempt-notifier hooks: the vCPU's task starts or stops running
	 * on cpu (docs/host-state.md).  Interrupts off. */
	void (*vcpu_load)(struct vcpu *v, u32 cpu, bool sched_in);
	void (*vcpu_put)(struct vcpu *v);
	/* Enter the guest once, with interrupts off and no resched pending,
	 * and decode the exit into *x (interrupts on again).  False when it
	 * did not enter: host work came up inside its last window. */
	bool (*vcpu_run)(struct vcpu *v, struct vmm_exit *x);
	/* Apply the core's answer in *x; non-zero when the VM must stop. */
	int (*vcpu_complete)(struct vcpu *v, struct vmm_exit *x);
	u64 (*get_reg)(struct vcpu *v, enum vmm_reg r);
	void (*set_reg)(struct vcpu *v, enum vmm_reg r, u64 val);
	/* Raise an exception at the next entry. */
	void (*inject)(struct vcpu *v, const struct vmm_event *e);
	/* Put the vCPU in state *st, as after INIT (or a SIPI's start):
	 * general registers zero, nothing pending. */
	void (*set_state)(struct vcpu *v, const struct vmm_start_state *st);
	/* Forget the guest's cached translations at the next entry (after a
	 * change of vm->npt). */
	void (*flush)(struct vcpu *v);
	/* Names for messages and statistics. */
	const char *(*exit_name)(u64 code);
	u32 nr_exit_stats;		/* at most VMM_MAX_EXIT_STATS */
	const char *(*exit_stat_name)(u32 row);
	void (*vcpu_report)(const struct vcpu *v);	/* backend counters of a vCPU */
	/* One line of a stopped vCPU's backend state (registers, what is
	 * offered or queued for injection), for vm_dump_state. */
	void (*vcpu_dump)(const struct vcpu *v);
};

extern const struct vmm_backend_ops *vmm_backend;
void vmm_set_backend(const struct vmm_backend_ops *ops);	/* kernel/boot.c */

/* vmm/vm.c: lifecycle */
struct vm *vm_create(const struct guest_cfg *cfg, const u8 *image, size_t len);
/* The same with modules for a multiboot v1 image (vmm/loader/mb1.h): a
 * guest of any other kind given modules is refused. */
struct mb1_boot_mod;
struct vm *vm_create_with_modules(const struct guest_cfg *cfg, const u8 *image, size_t len,
				  const struct mb1_boot_mod *mods, u32 nmods);
/* The same from a module string ("guest name=... mem=..."); NULL when it
 * does not parse. */
struct vm *vm_create_from_string(const char *settings, const u8 *image, size_t len);
int vm_start(struct vm *vm);
void vm_wait(struct vm *vm);
void vm_destroy(struct vm *vm);
void vm_report(struct vm *vm);
/* Where a stopped VM's vCPUs stood and what its devices hold (mp state,
 * halt, registers, interrupts posted, pending, offered, in service): what
 * to look at when a guest timed out. */
void vm_dump_state(struct vm *vm);
const char *vm_stop_name(u32 reason);
bool vm_met_expectation(const struct vm *vm);
void vm_request_stop(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...) __printf(3, 4);
/* VMs from the boot modules the caller hands in (kernel/boot.c, from the
 * loader's list): created (bad ones reported and skipped), then all
 * started together, waited for, and reported with statistics. */
struct mb2_module;
u32 vms_create_from_modules(const struct mb2_module *mods, u32 nmods, struct vm **vms, u32 max);
void vms_run_all(struct vm **vms, u32 n);

/* vmm/vcpu.c: the run loop */
void vcpu_run_task(void *arg);		/* a vCPU task's body */
/* Makes the vCPU notice a change at once: woken when it blocks in HLT,
 * made to exit when it runs on another CPU.  Caller holds vm->lock. */
void vcpu_kick(struct vcpu *v);
/* vmm/exit.c: the core's side of one exit - answer *x by reason, let the
 * backend apply the answer, yield if asked.  0 = resume, else the VM
 * stops. */
int vcpu_handle_exit(struct vcpu *v, struct vmm_exit *x);

/* The host time `now - since` of one exit into its statistics row.
 * Rows start with min ~0 (the backend allocates them so), so the first
 * sample sets it with no test of count. */
static inline void vcpu_account_row(struct exit_stat *s, u64 since, u64 now)
{
	u64 dt = now - since;
	if (__builtin_expect(dt < s->min, 0))
		s->min = dt;
	if (__builtin_expect(dt > s->max, 0))
		s->max = dt;
	s->total += dt;
	s->count++;
}

/* Called by the backend right before the world switch: the time since the
 * last exit goes to that exit's statistics row. */
static inline void vcpu_account_entry(struct vcpu *v, u64 now)
{
	u64 since = v->exit_tsc;
	if (__builtin_expect(!since, 0)) {	/* the first entry, or none since the last exit */
		if (!v->first_vmrun_tsc)
			v->first_vmrun_tsc = now;
		return;
	}
	vcpu_account_row(&v->stats[v->last_exit_stat], since, now);
	v->exit_tsc = 0;
}

/* After an exit a backend answered on its fused path (svm/run.c: the
 * core's handler for the reason called straight, the answer applied, no
 * trip through the run loop), with interrupts off: whether the run loop's
 * turn would have nothing to do, so that the backend may enter the guest
 * again at once.  Something posted or taken over (INIT/SIPI), a yield
 * asked for, the time limit passed by `tsc` (the exit's own stamp:
 * nothing blocked since) send the vCPU back to the run loop.  The stop
 * and a resched request are the backend's GIF=0 window's to see, as on
 * every entry; mp_state and halted cannot have changed (only the run
 * loop's vcpu_mp_events changes the first, only a HLT exit, never fused,
 * the second).  The vCPU's timers are an event, not a poll: the host
 * timer is armed for the earliest (a handler may just have armed one), so
 * a due timer makes the guest exit with an interrupt at once, and that
 * exit goes to the run loop, which runs it.  What the backend holds
 * itself (an interrupt or NMI waiting for a single step, an NMI masked
 * until its handler's IRET, a TPR-held vector's CR8 intercept) is no
 * work for the turn: the re-entry's interrupt offer serves it, as on any
 * entry (svm/run.c).  Inline: the backend asks after every fused exit. */
static inline bool vcpu_turn_needless(struct vcpu *v, u64 tsc)
{
	u32 work = __atomic_load_n(&v->irq.posted_any, __ATOMIC_ACQUIRE) | v->irq.todo | v->want_yield;
	if (__builtin_expect(work != 0, 0))
		return false;
	/* The time limit: 0 is none, and 0 - 1 is later than any stamp. */
	if (__builtin_expect(tsc > v->vm->deadline_tsc - 1, 0))
		return false;
	if (v->timers.next != VTIMER_NEVER)
		sched_timer_request(v->timers.next);	/* exit when it is due */
	return true;
}

/* The null hypercall, which a backend's fused path answers before it
 * fills the record: whether `nr` is HC_NOP, whose answer is 0 in RAX and
 * nothing else - vmm_hypercall's answer to it, without the record's round
 * trip (the benchmarks time it). */
static inline bool vmm_hypercall_is_null(u64 nr)
{
	return nr == HC_NOP;
}

/* HC_YIELD asked, and the exit is complete: give the CPU away once. */
static inline void vcpu_yield_if_asked(struct vcpu *v)
{
	if (__builtin_expect(v->want_yield, 0)) {
		v->want_yield = false;
		sched_yield();
	}
}

/* vmm/cpuid.c, vmm/msr.c, vmm/hypercall.c, vmm/cr.c; vmm/exit.c (ports) */
void vmm_io(struct vcpu *v, struct vmm_exit_io *io);
void vmm_cpuid(struct vcpu *v, struct vmm_exit_cpuid *c);
void vmm_cr_write(struct vcpu *v, struct vmm_exit *x);
void vmm_msr(struct vcpu *v, struct vmm_exit *x);
int vmm_hypercall(struct vcpu *v, struct vmm_exit *x);
void vcpu_hc_timer_fire(struct vtimer *t, u64 now);	/* HC_TIMER expired */
/* vmm/pvclock.c: KVM's paravirtual clock.  Its MSRs on a pc VM (false
 * when msr is not one; *gp for #GP), the VM's clock set up at creation,
 * and a vCPU's structure brought up to date after its TSC offset changed. */
bool pvclock_msr(struct vcpu *v, u32 msr, bool write, u64 *val, bool *gp);
void pvclock_vm_init(struct vm *vm);
void pvclock_tsc_changed(struct vcpu *v);
/* CPUID 0x40000101's clock features for this host (KVM_FEATURE_*). */
u32 pvclock_cpuid_features(const struct vm *vm);
/* vmm/vcpu.c: the guest's MAXPHYADDR (MTRR address bits) */
u32 vcpu_phys_bits(void);
/* vmm/vcpu.c: the neutral part of a new vCPU, before the backend's */
void vcpu_core_init(struct vcpu *v, struct vm *vm, u32 index);

/* vmm/mem.c: guest memory */
int vm_read(struct vm *vm, u64 gpa, void *buf, size_t len);
/* Host pointer to guest RAM [gpa, gpa + len), or NULL when not all RAM. */
static inline void *vm_gpa_to_host(struct vm *vm, u64 gpa, u64 len)
{
	return gpa < vm->ram_size && len <= vm->ram_size - gpa ? vm->ram + gpa : NULL;
}
/* Guest linear address to GPA with the guest's own page tables, read
 * straight from guest RAM (vmm/decode.c). */
static inline int vm_walk(struct vm *vm, u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin, u64 *gpa)
{
	return guest_walk_ram(cr0, cr4, efer, cr3, lin, vm->ram, vm->ram_size, gpa);
}
/* Whether an access of v at gpa reaches a device: its own xAPIC page
 * (wherever its IA32_APIC_BASE put it), else a registered MMIO range of
 * the VM (the backend asks before it decodes the instruction of a nested
 * page fault). */
#define VCPU_NO_APIC_PAGE	(~0ULL)
static inline bool vcpu_apic_page_hit(const struct vcpu *v, u64 gpa)
{
	return (gpa & ~0xfffULL) == v->apic_page;
}
static inline bool vcpu_mmio_claimed(const struct vcpu *v, u64 gpa)
{
	return vcpu_apic_page_hit(v, gpa) || vmm_bus_find(&v->vm->mmio, gpa) != NULL;
}

/* vmm/console.c: the guest's console, gathered into lines printed with
 * its name, or raw while it has the input focus (vmm/console.h). */
void vm_console_putc(struct vm *vm, char c);
void vm_console_flush(struct vm *vm);

/* vmm/stats.c: a stopped VM's exit statistics; the same of a running one
 * (svmhv's console), headed so that nobody takes it for the final count. */
void vm_exit_stats_print(struct vm *vm);
void vm_exit_stats_print_live(struct vm *vm);
#endif
