/* svm/platform_tests.c - KTAP suite `platform`: a pc VM's local APICs,
 * I/O APIC and SMP start-up as an operating system uses them, driven by
 * the guest svm/guests/k_apic.asm (its steps and exit codes are listed
 * there).  The host plays the devices: when the guest asks (HOST_REQ), it
 * pulses or asserts an I/O APIC pin through vm_set_irq.  The negative
 * control drops the kick that wakes vCPU 1 blocked in wait-for-SIPI, and
 * shows the guest failing the step that needs it. */
#include "svm/svm.h"
#include "vmm/irq.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "sched/sched.h"

extern const u8 guest_img_k_apic[], guest_img_k_apic_end[];
extern const u8 guest_img_k_apic_abuse[], guest_img_k_apic_abuse_end[];
extern const u8 guest_img_k_exit42[], guest_img_k_exit42_end[];

/* k_apic.asm's shared words */
#define HOST_REQ	0x7000
#define CNT_SELF	0x7008
#define CNT_TIMER	0x700c
#define CNT_AP		0x7010
#define CNT_EDGE	0x7014
#define CNT_NMI		0x7018
#define CNT_TPR		0x701c
#define CNT_LEVEL	0x7020
#define REQ_EDGE	1
#define REQ_LEVEL	2
#define REQ_ILLEGAL	3
#define REQ_AP_PARKED	4
#define REQ_DONE	0x10
#define ABUSE_STORM	5000	/* k_apic_abuse.asm's STORM */

static u32 word(struct vm *g, u32 off)
{
	return *(volatile u32 *)(void *)(g->ram + off);
}

static struct vm *pc_vm(struct ktest *t, const u8 *img, const u8 *end)
{
	struct guest_cfg cfg;
	if (guest_cfg_parse("guest name=apic mem=4 vcpus=2 timeout=20000", &cfg))
		return NULL;
	cfg.platform = GUEST_PLATFORM_PC;
	struct vm *g = vm_create(&cfg, img, (size_t)(end - img));
	KT_EXPECT(t, g != NULL, "a pc VM");
	return g;
}

/* Answers request req, unless the guest has moved on to another one: a
 * pulsed pin can be taken, handled and followed by the next request
 * before the host gets here, and a plain store would overwrite it. */
static void answer(struct vm *g, u32 req)
{
	u32 *w = (u32 *)(void *)(g->ram + HOST_REQ);
	__atomic_compare_exchange_n(w, &req, REQ_DONE | req, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
}

/* Plays the devices until g stops: what the guest asks in HOST_REQ. */
static void serve_pins(struct vm *g)
{
	while (!READ_ONCE(g->stop)) {
		u32 req = word(g, HOST_REQ);
		if (req == REQ_EDGE || req == REQ_ILLEGAL) {
			u32 pin = req == REQ_EDGE ? 5 : 3;
			vm_set_irq(g, pin, true);
			vm_set_irq(g, pin, false);
			answer(g, req);
		} else if (req == REQ_LEVEL) {
			vm_set_irq(g, 6, true);	/* stays asserted */
			answer(g, req);
		} else if (req == REQ_AP_PARKED) {
			struct vcpu *ap = g->nvcpus > 1 ? g->vcpus[1] : NULL;
			struct task *at = ap ? READ_ONCE(ap->task) : NULL;
			if (at && ap->irq.mp_state == VCPU_MP_WAIT_SIPI && sched_task_parked(at))
				answer(g, req);
		}
		sched_sleep_ns(200000);
	}
	vm_wait(g);
}

static s64 exit_status(const struct vm *g)
{
	return g->stop == STOP_HYPERCALL ? g->exit_status : -1;
}

/* Runs k_apic as a pc VM, serving its pin requests; its exit status, or
 * -1 when it did not exit through HC_EXIT. */
static s64 run_apic_guest(struct ktest *t, bool no_kick)
{
	struct vm *g = pc_vm(t, guest_img_k_apic, guest_img_k_apic_end);
	if (!g)
		return -1;
	if (no_kick)
		vcpu_debug_no_kick = g->vcpus[1];
	vm_start(g);
	serve_pins(g);
	vcpu_debug_no_kick = NULL;
	struct vcpu *ap = g->vcpus[1];
	ktest_note(t, "stopped: %s (%s); self %u, timer %u, tpr %u, AP IPIs %u, NMIs %u, edge %u, "
		   "level %u; AP: %lu SIPI(s), %lu INIT(s), %lu posted, %lu SIPI waits, %lu HLT blocks",
		   vm_stop_name(g->stop), g->stop_detail, word(g, CNT_SELF), word(g, CNT_TIMER),
		   word(g, CNT_TPR), word(g, CNT_AP), word(g, CNT_NMI), word(g, CNT_EDGE),
		   word(g, CNT_LEVEL), ap->irq.sipis, ap->irq.inits, ap->irq.posted_irqs,
		   ap->ev.sipi_blocks, ap->ev.halt_blocks);
	s64 status = exit_status(g);
	if (status < 0)
		vm_dump_state(g);
	vm_destroy(g);
	return status;
}

static void apic_ioapic_smp_startup(struct ktest *t)
{
	s64 st = run_apic_guest(t, false);
	KT_EXPECT(t, st == 0, "every step passes (exit 0), found exit %ld (the failed step, see "
		  "svm/guests/k_apic.asm)", st);
}

/* Negative control: posts to vCPU 1 that do not kick it (the BSP's own
 * wake-ups from HLT are left alone, so it reaches step 8).  vCPU 1 is parked in
 * wait-for-SIPI before the BSP sends INIT and SIPI (the guest asks the host
 * to say so), is never woken, and step 8 (SMP start-up) fails. */
static void control_posting_without_kick_is_caught(struct ktest *t)
{
	s64 st = run_apic_guest(t, true);
	KT_EXPECT(t, st == 8, "caught: the AP never starts (exit 8), found exit %ld", st);
}

/* ICR storms, IPIs/INIT/SIPI to APIC IDs nobody has, illegal vectors from
 * the ICR and from an I/O APIC entry, an NMI storm at a vCPU waiting for
 * SIPI: each contained as on a PC, while a bare VM beside it runs to its
 * own end. */
static void abuse_is_contained(struct ktest *t)
{
	struct vm *g = pc_vm(t, guest_img_k_apic_abuse, guest_img_k_apic_abuse_end);
	struct vm *other = vm_create_from_string("guest name=bystander mem=1 timeout=20000",
						 guest_img_k_exit42,
						 (size_t)(guest_img_k_exit42_end - guest_img_k_exit42));
	KT_EXPECT(t, other != NULL, "a second guest");
	if (!g || !other) {
		vm_destroy(g);
		vm_destroy(other);
		return;
	}
	vm_start(other);
	vm_start(g);
	serve_pins(g);
	vm_wait(other);
	ktest_note(t, "abuser: %s (%s); APIC messages lost %lu, AP NMIs taken over %lu, mp state %u; "
		   "bystander: %s", vm_stop_name(g->stop), g->stop_detail, g->apic_msgs_lost,
		   g->vcpus[1]->irq.nmis, g->vcpus[1]->irq.mp_state, other->stop_detail);
	KT_EXPECT(t, exit_status(g) == 0, "the abuser saw what a PC shows (exit 0), found %ld",
		  exit_status(g));
	KT_EXPECT(t, g->apic_msgs_lost >= ABUSE_STORM + 2, "messages to nobody counted, found %lu",
		  g->apic_msgs_lost);
	KT_EXPECT(t, g->vcpus[1]->irq.mp_state == VCPU_MP_WAIT_SIPI, "the AP still waits for SIPI");
	KT_EXPECT(t, exit_status(other) == 42, "the bystander ran to its end (exit 42), found %ld",
		  exit_status(other));
	vm_destroy(g);
	vm_destroy(other);
}

KTEST_SUITE(platform, "platform", KTEST_NEEDS_SVM,
	KTEST_CASE(apic_ioapic_smp_startup),
	KTEST_CASE(control_posting_without_kick_is_caught),
	KTEST_CASE(abuse_is_contained));
