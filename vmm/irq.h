/* vmm/irq.h - interrupt routing, from a device's line to the vector a vCPU
 * takes at its next entry (docs/interrupts.md):
 *
 *   device line --vm_set_irq(gsi)--> the VM's I/O APIC (vmm/dev/ioapic.c)
 *     --apic_msg--> vm_apic_send(): every local APIC the message targets
 *     --vcpu_post_*()--> the target vCPU's posted set (any CPU, atomic) + kick
 *     --vcpu_irq_sync() in the target's own task--> its local APIC's IRR
 *       (pc platform) or its pending set (bare platform)
 *     --vcpu_irq_next()--> the backend offers that vector at entry and
 *       reports it taken (vcpu_irq_taken) when the guest took it.
 *
 * Posting is the only step another CPU performs: everything after it runs
 * in the vCPU's own task, so the local APIC's state needs no lock (the
 * design of posted interrupts, here in software).
 *
 * A "bare" VM (svmhv's own test guests) has no local APIC: posted vectors
 * go into a pending set, offered highest first, taken without EOI - what
 * HC_TIMER has always raised.  A "pc" VM has a local APIC per vCPU, an
 * I/O APIC and INIT/SIPI start-up. */
#ifndef SVMHV_VMM_IRQ_H
#define SVMHV_VMM_IRQ_H
#include "lib/types.h"

struct vm;
struct vcpu;
struct vlapic;
struct apic_msg;

#define VIRQ_WORDS	4	/* 256 vectors */

/* Events other than a vector that can be posted to a vCPU.  NMIs are
 * counted (posted_nmis), not merged into one bit: two that arrive while
 * the guest is not handling one are one taken and one latched. */
#define VCPU_EV_NMI	(1u << 0)
#define VCPU_EV_INIT	(1u << 1)
#define VCPU_EV_SIPI	(1u << 2)

enum vcpu_mp_state {
	VCPU_MP_RUNNABLE = 0,
	VCPU_MP_WAIT_SIPI,	/* after INIT, or an AP before the first SIPI */
};

struct vcpu_irq {
	/* Written by any CPU with atomic ORs, taken over by the vCPU's task. */
	u64 posted[VIRQ_WORDS];
	u64 posted_level[VIRQ_WORDS];	/* trigger mode of the posted vectors */
	u32 posted_events;		/* VCPU_EV_INIT, VCPU_EV_SIPI */
	u32 posted_nmis;		/* NMIs posted since the last take-over */
	u32 posted_any;			/* non-zero: something above to take over */
	u8 sipi_vector;
	/* Owned by the vCPU's task. */
	u64 pending[VIRQ_WORDS];	/* bare platform: vectors waiting */
	s32 next;			/* the vector to offer at entry, -1 none */
	u32 mp_state;			/* enum vcpu_mp_state */
	u32 todo;			/* INIT/SIPI taken over, for the run loop */
	u8 todo_sipi_vector;
	u8 nmi_pending;			/* NMIs to inject: 0, 1, or 2 (one to take
					 * now, one latched behind it); the backend
					 * keeps 1 while the handler runs */
	bool nmi_masked;		/* in the guest's NMI handler: until its IRET retires */
	bool tpr_held;			/* a vector waits only because of TPR (pc):
					 * a CR8 write must be seen at once */
	/* Counters */
	u64 posted_irqs, posted_ipis, sipis, inits, nmis, spurious_msgs;
	u64 kicks_saved;		/* posts that found a kick already on its way */
};

/* Test knob (svm/platform_tests.c): posting to this vCPU does not kick it;
 * every other vCPU is kicked as usual. */
extern const struct vcpu *vcpu_debug_no_kick;

/* Posts a fixed interrupt to v and kicks it (any context, any CPU). */
void vcpu_post_irq(struct vcpu *v, u8 vector, bool level);
/* Posts NMI, INIT or SIPI (start page sipi_vector) and kicks v. */
void vcpu_post_event(struct vcpu *v, u32 ev, u8 sipi_vector);

/* A device drives interrupt line gsi of vm (ISA IRQ n is GSI n, as the
 * MADT's identity mapping says, except IRQ 0 on GSI 2).  On a VM without
 * an I/O APIC the line goes nowhere.  0, or -EINVAL for a line past the
 * last pin. */
int vm_set_irq(struct vm *vm, u32 gsi, bool asserted);

/* Delivers an APIC bus message (an ICR write of `src`, NULL from an I/O
 * APIC) to every local APIC it targets; lowest priority picks one.
 * Returns how many local APICs got it. */
u32 vm_apic_send(struct vm *vm, struct vcpu *src, const struct apic_msg *m);

/* The vCPU's own task, before it enters: takes over what was posted and
 * recomputes irq.next.  True when irq.todo holds INIT or SIPI for the
 * run loop to act on. */
bool vcpu_irq_sync(struct vcpu *v);
/* Recomputes irq.next after the local APIC's state changed (EOI, TPR). */
void vcpu_irq_update(struct vcpu *v);
/* The guest took vector (the backend saw the delivery). */
void vcpu_irq_taken(struct vcpu *v, u8 vector);
/* The vCPU's own task raises vector on itself (its timers; tests that
 * set up a pending interrupt before the vCPU starts). */
void vcpu_irq_raise_local(struct vcpu *v, u8 vector, bool level);
/* Bare platform: withdraws a vector not yet taken (HC_TIMER cancelled). */
void vcpu_irq_withdraw(struct vcpu *v, u8 vector);
/* Whether a halted vCPU with interrupts enabled has something to take. */
bool vcpu_irq_wakes(struct vcpu *v);

static inline bool vcpu_irq_has_posted(const struct vcpu_irq *q)
{
	return __atomic_load_n(&q->posted_any, __ATOMIC_ACQUIRE) != 0;
}
#endif
