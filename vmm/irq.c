/* vmm/irq.c - interrupt routing (vmm/irq.h): posting to a vCPU from any
 * CPU, the vCPU's own task taking posted interrupts over into its local
 * APIC (pc) or pending set (bare), and APIC bus messages from ICR writes
 * and the I/O APIC to the local APICs they target. */
#include "vmm/vmm.h"
#include "vmm/irq.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/apic_msg.h"
#include "kernel/percpu.h"

static int vec_highest(const u64 *w)
{
	for (int i = VIRQ_WORDS - 1; i >= 0; i--)
		if (w[i])
			return i * 64 + 63 - __builtin_clzll(w[i]);
	return -1;
}

/* Makes v notice what was posted: woken from HLT or wait-for-SIPI, or made
 * to exit when it runs on another CPU.  Not needed when v posts to itself:
 * its loop takes the post over before it enters again. */
const struct vcpu *vcpu_debug_no_kick;

static void vcpu_post_kick(struct vcpu *v)
{
	if (READ_ONCE(v->task) == current_task() || v == READ_ONCE(vcpu_debug_no_kick))
		return;
	struct vm *vm = v->vm;
	u64 f = spin_lock_irqsave(&vm->lock);
	vcpu_kick(v);
	spin_unlock_irqrestore(&vm->lock, f);
}

/* Marks the posted set non-empty and kicks v - unless it was marked
 * already: whoever marked it kicked v (or is v itself, which takes posts
 * over before it enters again), and v has not taken posts over since, for
 * its take-over clears the mark before it reads the words; so it will see
 * this post too, and a second kick would only cost v a second exit.  The
 * exchange is a release that v's clearing exchange acquires. */
static void vcpu_post_mark(struct vcpu *v)
{
	struct vcpu_irq *q = &v->irq;
	if (__atomic_exchange_n(&q->posted_any, 1, __ATOMIC_ACQ_REL)) {
		__atomic_fetch_add(&q->kicks_saved, 1, __ATOMIC_RELAXED);
		return;
	}
	vcpu_post_kick(v);
}

void vcpu_post_irq(struct vcpu *v, u8 vector, bool level)
{
	struct vcpu_irq *q = &v->irq;
	u32 w = vector / 64;
	u64 bit = 1ULL << (vector % 64);
	/* The trigger mode first: whoever sees the vector bit sees it too. */
	if (level)
		__atomic_fetch_or(&q->posted_level[w], bit, __ATOMIC_RELEASE);
	__atomic_fetch_or(&q->posted[w], bit, __ATOMIC_RELEASE);
	__atomic_fetch_add(&q->posted_irqs, 1, __ATOMIC_RELAXED);
	vcpu_post_mark(v);
}

void vcpu_post_event(struct vcpu *v, u32 ev, u8 sipi_vector)
{
	struct vcpu_irq *q = &v->irq;
	if (ev & VCPU_EV_SIPI)
		__atomic_store_n(&q->sipi_vector, sipi_vector, __ATOMIC_RELAXED);
	if (ev & VCPU_EV_NMI)
		__atomic_fetch_add(&q->posted_nmis, 1, __ATOMIC_RELEASE);
	ev &= ~VCPU_EV_NMI;
	if (ev)
		__atomic_fetch_or(&q->posted_events, ev, __ATOMIC_RELEASE);
	vcpu_post_mark(v);
}

/* A vector taken over from the posted set. */
static void irq_accept(struct vcpu *v, u8 vector, bool level)
{
	if (v->lapic) {
		vcpu_lapic_accept_fixed(v, vector, level);
		return;
	}
	v->irq.pending[vector / 64] |= 1ULL << (vector % 64);
}

bool vcpu_irq_sync(struct vcpu *v)
{
	struct vcpu_irq *q = &v->irq;
	if (!vcpu_irq_has_posted(q))
		return q->todo != 0;
	/* Cleared before the words are read: a post that comes meanwhile sets
	 * it again (and kicks) and is taken over next time; one that found it
	 * set before this is read below (vcpu_post_mark). */
	__atomic_exchange_n(&q->posted_any, 0, __ATOMIC_ACQ_REL);
	for (u32 w = 0; w < VIRQ_WORDS; w++) {
		u64 bits = __atomic_exchange_n(&q->posted[w], 0, __ATOMIC_ACQ_REL);
		if (!bits)
			continue;
		u64 lvl = __atomic_fetch_and(&q->posted_level[w], ~bits, __ATOMIC_ACQ_REL) & bits;
		while (bits) {
			u32 b = (u32)__builtin_ctzll(bits);
			bits &= bits - 1;
			irq_accept(v, (u8)(w * 64 + b), lvl & (1ULL << b));
		}
	}
	u32 ev = __atomic_exchange_n(&q->posted_events, 0, __ATOMIC_ACQ_REL);
	u32 nmis = __atomic_exchange_n(&q->posted_nmis, 0, __ATOMIC_ACQ_REL);
	if (nmis) {
		/* A CPU holds at most one NMI behind the one it handles: with
		 * none in service, the first is taken at once and one more
		 * latches; in the handler, one latches.  More are lost, as on
		 * hardware.  Whether the handler still runs is the backend's
		 * to say (it sees its IRET retire), so two are kept here and
		 * the backend keeps one while the handler runs. */
		q->nmi_pending = (u8)MIN((u32)q->nmi_pending + nmis, 2u);
		q->nmis += nmis;
	}
	q->todo |= ev & (VCPU_EV_INIT | VCPU_EV_SIPI);
	if (ev & VCPU_EV_SIPI)
		q->todo_sipi_vector = __atomic_load_n(&q->sipi_vector, __ATOMIC_RELAXED);
	vcpu_irq_update(v);
	return q->todo != 0;
}

void vcpu_irq_update(struct vcpu *v)
{
	if (v->lapic) {
		v->irq.next = vcpu_lapic_offer(v);
		v->irq.tpr_held = v->irq.next < 0 && vcpu_lapic_tpr_holds(v);
	} else {
		v->irq.next = vec_highest(v->irq.pending);
	}
}

void vcpu_irq_taken(struct vcpu *v, u8 vector)
{
	if (v->lapic)
		vcpu_lapic_ack(v, vector);
	else
		v->irq.pending[vector / 64] &= ~(1ULL << (vector % 64));
	vcpu_irq_update(v);
}

void vcpu_irq_raise_local(struct vcpu *v, u8 vector, bool level)
{
	irq_accept(v, vector, level);
	vcpu_irq_update(v);
}

void vcpu_irq_withdraw(struct vcpu *v, u8 vector)
{
	if (!v->lapic)
		v->irq.pending[vector / 64] &= ~(1ULL << (vector % 64));
	vcpu_irq_update(v);
}

bool vcpu_irq_wakes(struct vcpu *v)
{
	if (v->lapic)
		return vcpu_lapic_deliverable(v);
	return v->irq.next >= 0;
}

/* ---------------------------------------------------------------------
 * The APIC bus
 * --------------------------------------------------------------------- */

static void deliver(struct vcpu *t, const struct apic_msg *m)
{
	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		vcpu_post_irq(t, m->vector, m->level);
		break;
	case APIC_DM_NMI:
		vcpu_post_event(t, VCPU_EV_NMI, 0);
		break;
	case APIC_DM_INIT:
		if (m->level && !m->assert)
			break;		/* INIT de-assert: arbitration IDs only */
		__atomic_fetch_add(&t->irq.inits, 1, __ATOMIC_RELAXED);
		vcpu_post_event(t, VCPU_EV_INIT, 0);
		break;
	case APIC_DM_STARTUP:
		__atomic_fetch_add(&t->irq.sipis, 1, __ATOMIC_RELAXED);
		vcpu_post_event(t, VCPU_EV_SIPI, m->vector);
		break;
	default:	/* SMI (no SMM), ExtINT (no 8259 model) */
		__atomic_fetch_add(&t->irq.spurious_msgs, 1, __ATOMIC_RELAXED);
		break;
	}
}

u32 vm_apic_send(struct vm *vm, struct vcpu *src, const struct apic_msg *m)
{
	struct vcpu *lowest = NULL;
	u32 lowest_ppr = ~0u, hits = 0;
	for (u32 i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = vm->vcpus[i];
		if (!t || !t->lapic || !vcpu_lapic_targets(t, m, t == src))
			continue;
		hits++;
		if (m->delivery != APIC_DM_LOWEST) {
			deliver(t, m);
			continue;
		}
		/* Lowest priority: the target with the lowest processor
		 * priority, the first one on a tie. */
		u32 ppr = vcpu_lapic_ppr(t);
		if (ppr < lowest_ppr) {
			lowest_ppr = ppr;
			lowest = t;
		}
	}
	if (lowest) {
		deliver(lowest, m);
		hits = 1;
	}
	if (!hits)
		vm->apic_msgs_lost++;
	return hits;
}
