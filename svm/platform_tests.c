/* svm/platform_tests.c - KTAP suite `platform`: a pc VM's local APICs,
 * I/O APIC and SMP start-up as an operating system uses them, driven by
 * the guest svm/guests/k_apic.asm (its steps and exit codes are listed
 * there).  The host plays the devices: when the guest asks (HOST_REQ), it
 * pulses or asserts an I/O APIC pin through vm_set_irq.  The negative
 * control drops the kick that wakes a vCPU blocked in wait-for-SIPI or
 * HLT, and shows the guest failing the step that needs it. */
#include "svm/svm.h"
#include "vmm/irq.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "sched/sched.h"

extern const u8 guest_img_k_apic[], guest_img_k_apic_end[];

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
#define REQ_DONE	0x10

static u32 word(struct vm *g, u32 off)
{
	return *(volatile u32 *)(void *)(g->ram + off);
}

/* Runs k_apic as a pc VM, serving its pin requests; its exit status, or
 * -1 when it did not exit through HC_EXIT. */
static s64 run_apic_guest(struct ktest *t)
{
	struct guest_cfg cfg;
	if (guest_cfg_parse("guest name=apic mem=4 vcpus=2 timeout=20000", &cfg))
		return -1;
	cfg.platform = GUEST_PLATFORM_PC;
	struct vm *g = vm_create(&cfg, guest_img_k_apic, (size_t)(guest_img_k_apic_end - guest_img_k_apic));
	KT_EXPECT(t, g != NULL, "a pc VM");
	if (!g)
		return -1;
	vm_start(g);
	while (!READ_ONCE(g->stop)) {
		u32 req = word(g, HOST_REQ);
		if (req == REQ_EDGE) {
			vm_set_irq(g, 5, true);
			vm_set_irq(g, 5, false);
			*(volatile u32 *)(void *)(g->ram + HOST_REQ) = REQ_DONE | req;
		} else if (req == REQ_LEVEL) {
			vm_set_irq(g, 6, true);	/* stays asserted */
			*(volatile u32 *)(void *)(g->ram + HOST_REQ) = REQ_DONE | req;
		}
		sched_sleep_ns(200000);
	}
	vm_wait(g);
	struct vcpu *ap = g->vcpus[1];
	ktest_note(t, "stopped: %s (%s); self %u, timer %u, tpr %u, AP IPIs %u, NMIs %u, edge %u, "
		   "level %u; AP: %lu SIPI(s), %lu INIT(s), %lu posted, %lu SIPI waits, %lu HLT blocks",
		   vm_stop_name(g->stop), g->stop_detail, word(g, CNT_SELF), word(g, CNT_TIMER),
		   word(g, CNT_TPR), word(g, CNT_AP), word(g, CNT_NMI), word(g, CNT_EDGE),
		   word(g, CNT_LEVEL), ap->irq.sipis, ap->irq.inits, ap->irq.posted_irqs,
		   ap->ev.sipi_blocks, ap->ev.halt_blocks);
	s64 status = g->stop == STOP_HYPERCALL ? g->exit_status : -1;
	vm_destroy(g);
	return status;
}

static void apic_ioapic_smp_startup(struct ktest *t)
{
	s64 st = run_apic_guest(t);
	KT_EXPECT(t, st == 0, "every step passes (exit 0), found exit %ld (the failed step, see "
		  "svm/guests/k_apic.asm)", st);
}

/* Negative control: posts that do not kick.  vCPU 1 blocks in
 * wait-for-SIPI and is never woken, so step 8 (SMP start-up) fails. */
static void control_posting_without_kick_is_caught(struct ktest *t)
{
	vcpu_debug_no_kick = true;
	s64 st = run_apic_guest(t);
	vcpu_debug_no_kick = false;
	KT_EXPECT(t, st == 8, "caught: the AP never starts (exit 8), found exit %ld", st);
}

KTEST_SUITE(platform, "platform", KTEST_NEEDS_SVM,
	KTEST_CASE(apic_ioapic_smp_startup),
	KTEST_CASE(control_posting_without_kick_is_caught));
