/* vmm/dev/lapic_core.h - the pure core of a guest's local APIC: register
 * state and the rules of the xAPIC page, the x2APIC MSRs, IA32_APIC_BASE,
 * IA32_TSC_DEADLINE, interrupt acceptance, priority and the timer.
 *
 * No globals, no allocation, no I/O: the glue (MMIO at the APIC base, MSRs
 * 0x800-0x8ff, event injection, kicking vCPUs, a host timer) calls these
 * functions with the access and the current guest TSC ("now") and acts on
 * what they return.  Register names and bits are in hw/lapic.h; what is
 * modelled and what is not is in docs/apic-models.md. */
#ifndef SVMHV_VMM_DEV_LAPIC_CORE_H
#define SVMHV_VMM_DEV_LAPIC_CORE_H
#include "lib/types.h"
#include "hw/lapic.h"
#include "vmm/dev/apic_msg.h"

/* The version register: integrated APIC 0x14, six LVT entries (timer,
 * thermal, perf, LINT0, LINT1, error: MAXLVT = 5), no directed EOI, no AMD
 * extended register space. */
#define VLAPIC_CORE_VERSION	(0x14u | (5u << LAPIC_VERSION_MAXLVT_SHIFT))

enum vlapic_lvt_idx {
	LAPIC_LVT_IDX_TIMER,	/* 0x320 */
	LAPIC_LVT_IDX_THERMAL,	/* 0x330 */
	LAPIC_LVT_IDX_PERF,	/* 0x340 */
	LAPIC_LVT_IDX_LINT0,	/* 0x350 */
	LAPIC_LVT_IDX_LINT1,	/* 0x360 */
	LAPIC_LVT_IDX_ERROR,	/* 0x370 */
	LAPIC_NR_LVT
};

struct vlapic_config {
	u32 apic_id;		/* initial APIC ID: the x2APIC ID; the xAPIC ID is its low 8 bits */
	bool bsp;
	bool x2apic;		/* CPUID 1:ECX[21] is advertised: EXTD may be set */
	bool tsc_deadline;	/* CPUID 1:ECX[24] is advertised: timer mode 10b exists */
	u8 maxphyaddr;		/* APIC base bits at and above it are reserved */
	u64 tsc_hz;		/* the guest TSC's rate ("now" counts in it) */
	u64 timer_hz;		/* the APIC timer's input clock, before the divider */
};

struct vlapic {
	struct vlapic_config cfg;
	u64 apic_base;		/* IA32_APIC_BASE as the guest reads it */
	u32 id;			/* the APIC ID as a number (xAPIC: 8 bits) */
	u32 tpr;
	u32 ldr;		/* register value (xAPIC: 31:24 writable; x2APIC: derived) */
	u32 dfr;
	u32 svr;
	u32 esr;		/* what ESR reads: the errors latched by the last ESR write */
	u32 esr_pending;	/* errors seen since that write */
	u32 icr_lo, icr_hi;	/* as last written (icr_hi: xAPIC 31:24, x2APIC the 32-bit dest) */
	u32 lvt[LAPIC_NR_LVT];
	u32 isr[LAPIC_VEC_REGS], tmr[LAPIC_VEC_REGS], irr[LAPIC_VEC_REGS];
	/* timer */
	u32 tmict;		/* initial count */
	u32 dcr;		/* divide configuration */
	bool t_running;		/* one-shot/periodic: counting (current count != 0) */
	u64 t_start;		/* TSC at which the current count was the initial count */
	u64 tsc_deadline;	/* IA32_TSC_DEADLINE; 0 = disarmed */
};

/* What one register write asks of the glue. */
struct vlapic_result {
	bool ipi;		/* ICR or SELF_IPI written: route `msg` (sender is this APIC) */
	struct apic_msg msg;
	bool eoi;		/* an EOI cleared ISR bit `eoi_vector` */
	u8 eoi_vector;
	bool eoi_level;		/* its TMR bit was set: broadcast the EOI to the I/O APICs */
	bool timer;		/* timer reprogrammed: re-read vlapic_timer_next() */
};

/* What vlapic_accept() did with a message. */
enum vlapic_accept {
	LAPIC_ACC_NONE,		/* not accepted (APIC off, bad vector, INIT de-assert, ...) */
	LAPIC_ACC_FIXED,	/* vector set in IRR: re-evaluate vlapic_pending_vector() */
	LAPIC_ACC_NMI,		/* inject an NMI */
	LAPIC_ACC_SMI,		/* no SMM in svmhv: the glue drops it */
	LAPIC_ACC_INIT,		/* INIT the vCPU (and vlapic_init_reset()), wait for SIPI */
	LAPIC_ACC_SIPI,		/* start a vCPU waiting for SIPI at msg->vector << 12 */
	LAPIC_ACC_EXTINT,	/* ask the 8259 for the vector */
};

/* Power-up state (SDM vol. 3A "Local APIC State After Power-Up or Reset"). */
void vlapic_init(struct vlapic *l, const struct vlapic_config *cfg);
/* INIT: as power-up but keeps the ID and IA32_APIC_BASE (SDM vol. 3A,
 * "Local APIC State After an INIT Reset"). */
void vlapic_init_reset(struct vlapic *l);

/* Modes */
bool vlapic_hw_enabled(const struct vlapic *l);	/* IA32_APIC_BASE.EN */
bool vlapic_sw_enabled(const struct vlapic *l);	/* and SVR bit 8 */
bool vlapic_x2apic_mode(const struct vlapic *l);	/* EN and EXTD */
bool vlapic_xapic_mode(const struct vlapic *l);	/* EN, not EXTD: the MMIO page is live */
u64 vlapic_mmio_base(const struct vlapic *l);

/* IA32_APIC_BASE: 0, or -EPERM for a write that raises #GP. */
u64 vlapic_apic_base(const struct vlapic *l);
int vlapic_set_apic_base(struct vlapic *l, u64 val, u64 now);

/* xAPIC MMIO, 32-bit accesses at `off` from the base.  Outside xAPIC mode
 * reads give ~0 and writes are dropped (the glue should not route them). */
u32 vlapic_mmio_read(struct vlapic *l, u32 off, u64 now);
void vlapic_mmio_write(struct vlapic *l, u32 off, u32 val, u64 now, struct vlapic_result *res);

/* x2APIC MSRs 0x800-0x8ff: 0, or -EPERM where the access raises #GP. */
int vlapic_msr_read(struct vlapic *l, u32 msr, u64 now, u64 *val);
int vlapic_msr_write(struct vlapic *l, u32 msr, u64 val, u64 now, struct vlapic_result *res);

/* IA32_TSC_DEADLINE (MSR 0x6e0): reads 0 and ignores writes unless the
 * timer is in TSC-deadline mode. */
u64 vlapic_tsc_deadline_read(struct vlapic *l, u64 now);
void vlapic_tsc_deadline_write(struct vlapic *l, u64 val, u64 now, struct vlapic_result *res);

/* CR8 is TPR[7:4] (APM vol. 2 "CR8 (Task Priority Register)"). */
u32 vlapic_tpr(const struct vlapic *l);
void vlapic_set_tpr(struct vlapic *l, u32 tpr);
u32 vlapic_ppr(const struct vlapic *l);

/* Destination matching (SDM vol. 3A "Determining IPI Destination"):
 * does this APIC take a message sent to `dest` in that mode?  Broadcast is
 * 0xff (8-bit) or 0xffffffff (x2APIC), physical or logical. */
bool vlapic_match_dest(const struct vlapic *l, u32 dest, bool logical, bool x2apic_fmt);
/* The same with the shorthand; `self` says whether l is the sender. */
bool vlapic_msg_targets(const struct vlapic *l, const struct apic_msg *m, bool self);

/* Take a message this APIC is a target of. */
enum vlapic_accept vlapic_accept(struct vlapic *l, const struct apic_msg *m);

/* The vector to inject next: the highest IRR vector whose priority class
 * is above PPR's, or -1 (also -1 while the APIC is software-disabled). */
int vlapic_pending_vector(const struct vlapic *l);
/* The same without TPR, for a CPU that compares the vector's class with
 * its own copy of TPR as it delivers (SVM's V_TPR and V_INTR_PRIO): the
 * highest IRR vector whose class is above the highest in-service one. */
int vlapic_offer_vector(const struct vlapic *l);
/* Whether TPR alone holds a vector back: vlapic_offer_vector() has one,
 * vlapic_pending_vector() none (its class is not above TPR's).  A CPU that
 * lets the guest write CR8 without an exit must then report the next
 * write, which may be what lets the vector in. */
bool vlapic_tpr_holds(const struct vlapic *l);
/* The CPU took `vector` (the glue injected it): IRR -> ISR. */
void vlapic_ack(struct vlapic *l, u8 vector);

/* Timer.  vlapic_timer_next(): the TSC at which vlapic_timer_expire() has
 * work to do, or false if the timer is idle.  vlapic_timer_expire(now)
 * brings the timer up to `now`: a due expiry sets the LVT timer vector in
 * IRR (unless masked), re-arms a periodic timer, ends a one-shot and
 * clears a TSC deadline.  Returns whether it fired.  Register accesses
 * call it first themselves. */
bool vlapic_timer_next(const struct vlapic *l, u64 *tsc);
bool vlapic_timer_expire(struct vlapic *l, u64 now);
u32 vlapic_timer_current(struct vlapic *l, u64 now);

#endif
