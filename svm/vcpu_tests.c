/* svm/vcpu_tests.c - KTAP suite `vcpu`: how the virtual CPU takes
 * interrupts, case by case, with the guest svm/guests/k_irq.asm.  The host
 * builds some cases by hand (RIP at a HLT with an interrupt shadow and an
 * interrupt pending; a page of the stack withdrawn so an event's delivery
 * exits halfway) and reads the guest's results from its RAM afterwards.
 * Each protection has a negative control that turns it off and shows the
 * failure it prevents - or says, as a skip, that this CPU does not show it
 * (real hardware honours the shadow at VMRUN itself). */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "drivers/timer.h"

extern const u8 guest_img_k_irq[], guest_img_k_irq_end[];

/* k_irq.asm's fixed layout and result words. */
#define K_IRQ_SHADOW_HLT	0x7c10
#define K_IRQ_LOST_EVENT	0x7c30
#define K_IRQ_ISR		0x7c60
#define K_IRQ_STACK_PAGE	0x6000
#define RES_COUNT		0x600
#define RES_RET			0x604
#define RES_FAIL		0x608
#define RES_BADIP		0x60c
#define RES_ITER		0x610
#define RES_CR8			0x614
#define TIMER_VEC		0x30
#define CASE_TIMER_DUE		2
#define CASE_HLT_LOOP		3
#define CASE_CLI_HLT		4
#define CASE_CR8_WRITE		5

static struct vm *irq_guest(u32 timeout_ms)
{
	char s[96];
	ksnprintf(s, sizeof(s), "guest name=irq mem=1 timeout=%u", timeout_ms);
	struct guest_cfg cfg;
	if (guest_cfg_parse(s, &cfg))
		return NULL;
	struct vm *g = vm_create(&cfg, guest_img_k_irq,
				       (size_t)(guest_img_k_irq_end - guest_img_k_irq));
	if (g) {
		u16 *ivt = (u16 *)(void *)g->ram;
		ivt[TIMER_VEC * 2] = K_IRQ_ISR;
		ivt[TIMER_VEC * 2 + 1] = 0;
	}
	return g;
}

static u32 res(struct vm *g, u32 off)
{
	return *(volatile u32 *)(void *)(g->ram + off);
}

/* The vCPU starts at `rip` with IF=1 and TIMER_VEC pending. */
static void start_pending_at(struct vm *g, u64 rip)
{
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	v->vmcb->save.rip = rip;
	v->vmcb->save.rflags = 0x202;
	v->vmcb->save.rsp = 0x7000;
	vcpu_irq_raise_local(svm_vcpu_core(v), TIMER_VEC, false);
}

static void run(struct vm *g)
{
	vm_start(g);
	vm_wait(g);
}

static bool exited_ok(const struct vm *g)
{
	return g->stop == STOP_HYPERCALL && g->exit_status == 0;
}

/* RIP at a HLT, the exit said "interrupt shadow", an interrupt pending:
 * the interrupt must come after the HLT, exactly once. */
static void shadow_holds_interrupt_until_after_hlt(struct ktest *t)
{
	struct vm *g = irq_guest(5000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	start_pending_at(g, K_IRQ_SHADOW_HLT);
	to_svm(g->vcpus[0])->vmcb->control.int_shadow = VMCB_INT_SHADOW;
	run(g);
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	ktest_note(t, "stopped: %s; handler runs %u, returned to %#x; withheld %lu, delivered %lu",
		   vm_stop_name(g->stop), res(g, RES_COUNT), res(g, RES_RET) & 0xffff,
		   v->ev.virq_withheld, v->ev.virq_delivered);
	KT_EXPECT(t, exited_ok(g), "the guest exits 0, found %s (%s)", vm_stop_name(g->stop),
		  g->stop_detail);
	KT_EXPECT(t, res(g, RES_COUNT) == 1, "one handler run, found %u", res(g, RES_COUNT));
	KT_EXPECT(t, (res(g, RES_RET) & 0xffff) == K_IRQ_SHADOW_HLT + 1,
		  "the handler returns behind the HLT (%#x), found %#x", K_IRQ_SHADOW_HLT + 1,
		  res(g, RES_RET) & 0xffff);
	KT_EXPECT(t, v->ev.virq_withheld >= 1, "the interrupt was held back in the shadow");
	vm_destroy(g);
}

/* Negative control: offer the interrupt in the shadow anyway.  A VMRUN
 * that ignores the shadow (QEMU's) delivers it before the HLT, which then
 * sleeps until the guest's timeout. */
static void shadow_control_offering_in_shadow_is_caught(struct ktest *t)
{
	struct vm *g = irq_guest(300);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	start_pending_at(g, K_IRQ_SHADOW_HLT);
	to_svm(g->vcpus[0])->vmcb->control.int_shadow = VMCB_INT_SHADOW;
	vcpu_debug_ignore_shadow = true;
	run(g);
	vcpu_debug_ignore_shadow = false;
	u32 ret = res(g, RES_RET) & 0xffff;
	ktest_note(t, "without the hold-back: stopped %s, handler runs %u, returned to %#x",
		   vm_stop_name(g->stop), res(g, RES_COUNT), ret);
	bool fine = exited_ok(g) && res(g, RES_COUNT) == 1 && ret == K_IRQ_SHADOW_HLT + 1;
	vm_destroy(g);
	if (fine)
		KT_SKIP(t, "this CPU holds the interrupt in the shadow at VMRUN itself: nothing to catch");
	KT_EXPECT(t, ret == K_IRQ_SHADOW_HLT, "caught: the interrupt came before the HLT (%#x), found %#x",
		  K_IRQ_SHADOW_HLT, ret);
}

/* Every exit svmhv steps the guest over ends the shadow the exit reported:
 * built by hand and handled directly, one exit kind at a time. */
static void stepping_over_an_instruction_ends_the_shadow(struct ktest *t)
{
	static const struct {
		const char *name;
		u64 code;
		u8 bytes[3];
		u8 len;
	} kinds[] = {
		{ "HLT", SVM_EXIT_HLT, { 0xf4 }, 1 },
		{ "CPUID", SVM_EXIT_CPUID, { 0x0f, 0xa2 }, 2 },
		{ "RDMSR", SVM_EXIT_MSR, { 0x0f, 0x32 }, 2 },
		{ "VMMCALL", SVM_EXIT_VMMCALL, { 0x0f, 0x01, 0xd9 }, 3 },
		{ "IN", SVM_EXIT_IOIO, { 0xec }, 1 },
		{ "CPUID with a prefix (decoded)", SVM_EXIT_CPUID, { 0x3e, 0x0f, 0xa2 }, 3 },
	};
	struct vm *g = irq_guest(1000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	const u64 rip = 0x8000;
	for (u32 i = 0; i < ARRAY_SIZE(kinds); i++) {
		memcpy(g->ram + rip, kinds[i].bytes, kinds[i].len);
		struct vmcb_control *c = &v->vmcb->control;
		v->vmcb->save.rip = rip;
		v->vmcb->save.rax = 0;			/* CPUID leaf 0, HC_NOP */
		v->regs.rcx = MSR_STAR;
		v->regs.rdx = 0x3ff;
		c->exitcode = kinds[i].code;
		c->exitinfo1 = kinds[i].code == SVM_EXIT_IOIO ?
			(SVM_IOIO_IN | SVM_IOIO_SZ8 | SVM_IOIO_A16 | (0x3ffULL << 16)) : 0;
		c->exitinfo2 = rip + kinds[i].len;	/* IOIO's next RIP */
		c->nrip = rip + kinds[i].len;
		c->int_shadow = VMCB_INT_SHADOW;
		int r = svm_handle_exit(v);
		KT_EXPECT(t, r == 0, "%s handled, found %d", kinds[i].name, r);
		KT_EXPECT(t, v->vmcb->save.rip == rip + kinds[i].len, "%s: RIP %#lx, found %#lx",
			  kinds[i].name, rip + kinds[i].len, v->vmcb->save.rip);
		KT_EXPECT(t, !(c->int_shadow & VMCB_INT_SHADOW), "%s: the shadow is over", kinds[i].name);
		v->halted = false;
	}
	vm_destroy(g);
}

/* An instruction svmhv emulates with RFLAGS.TF set ends in a single-step
 * #DB trap, as on the CPU: #DB injected with RIP past the instruction,
 * DR6.BS set and B0-B3 cleared; with TF clear nothing is injected and DR6
 * stays.  (kvm-unit-tests' debug test steps over CPUID and IN.) */
static void single_step_over_emulated_instructions(struct ktest *t)
{
	static const struct {
		const char *name;
		u64 code;
		u8 bytes[3];
		u8 len;
	} kinds[] = {
		{ "CPUID", SVM_EXIT_CPUID, { 0x0f, 0xa2 }, 2 },
		{ "RDMSR", SVM_EXIT_MSR, { 0x0f, 0x32 }, 2 },
		{ "IN", SVM_EXIT_IOIO, { 0xec }, 1 },
		{ "VMMCALL", SVM_EXIT_VMMCALL, { 0x0f, 0x01, 0xd9 }, 3 },
	};
	struct vm *g = irq_guest(1000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	const u64 rip = 0x8000;
	for (u32 tf = 0; tf < 2; tf++) {
		for (u32 i = 0; i < ARRAY_SIZE(kinds); i++) {
			struct vmcb_control *c = &v->vmcb->control;
			struct vmcb_save *s = &v->vmcb->save;
			memcpy(g->ram + rip, kinds[i].bytes, kinds[i].len);
			s->rip = rip;
			s->rax = 0;
			s->rflags = 0x2 | (tf ? RFLAGS_TF : 0);
			s->dr6 = 0xffff0ff0ULL | 0x5;		/* B0 and B2 left over */
			v->regs.rcx = MSR_STAR;
			c->exitcode = kinds[i].code;
			c->exitinfo1 = kinds[i].code == SVM_EXIT_IOIO ?
				(SVM_IOIO_IN | SVM_IOIO_SZ8 | SVM_IOIO_A16 | (0x3ffULL << 16)) : 0;
			c->exitinfo2 = rip + kinds[i].len;
			c->nrip = rip + kinds[i].len;
			c->eventinj = 0;
			int r = svm_handle_exit(v);
			KT_EXPECT(t, r == 0, "%s handled, found %d", kinds[i].name, r);
			KT_EXPECT(t, s->rip == rip + kinds[i].len, "%s: RIP %#lx, found %#lx", kinds[i].name,
				  rip + kinds[i].len, s->rip);
			if (tf) {
				KT_EXPECT(t, c->eventinj == vmcb_event_excp(1), "%s with TF: #DB injected, "
					  "EVENTINJ %#lx", kinds[i].name, c->eventinj);
				KT_EXPECT(t, s->dr6 == (0xffff0ff0ULL | DR6_BS), "%s with TF: DR6 %#lx, "
					  "expected %#lx", kinds[i].name, s->dr6, (u64)(0xffff0ff0ULL | DR6_BS));
			} else {
				KT_EXPECT(t, c->eventinj == 0, "%s without TF: nothing injected, EVENTINJ %#lx",
					  kinds[i].name, c->eventinj);
				KT_EXPECT(t, s->dr6 == (0xffff0ff0ULL | 0x5), "%s without TF: DR6 kept",
					  kinds[i].name);
			}
			v->halted = false;
		}
	}
	v->vmcb->control.eventinj = 0;
	vm_destroy(g);
}

/* The timer is due before `sti; hlt; cli`: taken once, behind the HLT. */
static void due_timer_wakes_sti_hlt_once(struct ktest *t)
{
	struct vm *g = irq_guest(10000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	to_svm(g->vcpus[0])->regs.rbx = CASE_TIMER_DUE;
	run(g);
	KT_EXPECT(t, exited_ok(g), "the guest exits 0, found %s (%s)", vm_stop_name(g->stop),
		  g->stop_detail);
	KT_EXPECT(t, res(g, RES_COUNT) == 1, "one handler run, found %u", res(g, RES_COUNT));
	KT_EXPECT(t, res(g, RES_BADIP) == 0, "it returned behind the HLT");
	vm_destroy(g);
}

/* 10,000 rounds of `arm 20 us; sti; hlt; cli`, each woken exactly once. */
static void hlt_loop_wakes_exactly_once(struct ktest *t)
{
	struct vm *g = irq_guest(120000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	v->regs.rbx = CASE_HLT_LOOP;
	u64 t0 = rdtsc();
	run(g);
	u64 ms = tsc_to_ns(rdtsc() - t0) / 1000000;
	u64 late_us = v->hc_timer.fired ? tsc_to_ns(v->hc_timer.late_total / v->hc_timer.fired) / 1000 : 0;
	ktest_note(t, "%u rounds in %lu ms; %lu HLT blocks, %lu exits; timer raised %lu us late on "
		   "average (max %lu us)", res(g, RES_ITER), ms, v->ev.halt_blocks, v->exits, late_us,
		   tsc_to_ns(v->hc_timer.late_max) / 1000);
	KT_EXPECT(t, exited_ok(g), "the guest exits 0, found %s (%s)", vm_stop_name(g->stop),
		  g->stop_detail);
	KT_EXPECT(t, res(g, RES_ITER) == 10000, "10000 rounds, found %u", res(g, RES_ITER));
	KT_EXPECT(t, res(g, RES_FAIL) == 0, "every round woken exactly once: %u were not",
		  res(g, RES_FAIL));
	KT_EXPECT(t, res(g, RES_BADIP) == 0, "every handler returned behind the HLT: %u did not",
		  res(g, RES_BADIP));
	vm_destroy(g);
}

/* `cli; arm; hlt`: halted until the timeout, blocked, with almost no exits. */
static void cli_hlt_stays_halted(struct ktest *t)
{
	const u32 timeout_ms = 300;
	struct vm *g = irq_guest(timeout_ms);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	v->regs.rbx = CASE_CLI_HLT;
	u64 t0 = rdtsc();
	run(g);
	u64 ms = tsc_to_ns(rdtsc() - t0) / 1000000;
	ktest_note(t, "stopped after %lu ms: %s; %lu exits, %lu HLT blocks, handler runs %u", ms,
		   vm_stop_name(g->stop), v->exits, v->ev.halt_blocks, res(g, RES_COUNT));
	KT_EXPECT(t, g->stop == STOP_TIMEOUT, "stopped by its timeout, found %s (%s)",
		  vm_stop_name(g->stop), g->stop_detail);
	KT_EXPECT(t, ms >= timeout_ms, "halted for the whole %u ms, found %lu", timeout_ms, ms);
	KT_EXPECT(t, res(g, RES_COUNT) == 0, "no interrupt with IF=0, found %u", res(g, RES_COUNT));
	KT_EXPECT(t, v->exits < 10, "fewer than 10 exits, found %lu", v->exits);
	KT_EXPECT(t, v->ev.halt_blocks <= 3, "the vCPU task blocked, found %lu blocks",
		  v->ev.halt_blocks);
	vm_destroy(g);
}

/* An interrupt whose delivery exits halfway (its stack page withdrawn from
 * the nested page tables) must still arrive exactly once.  `how` picks the
 * way it was offered: injected through EVENTINJ (then only EXITINTINFO
 * brings it back) or pending in V_IRQ (the CPU clears V_IRQ as it takes
 * the interrupt and reports it in EXITINTINFO; QEMU leaves V_IRQ set). */
enum lost_how { LOST_EVENTINJ, LOST_VIRQ };

static u32 run_lost_event(struct ktest *t, enum lost_how how, bool drop, u64 *requeued)
{
	struct vm *g = irq_guest(5000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return ~0u;
	int r = npt_set_present(&g->npt, K_IRQ_STACK_PAGE, false);
	KT_EXPECT(t, r == 0, "the stack page withdrawn, found %d", r);
	start_pending_at(g, K_IRQ_LOST_EVENT);
	if (how == LOST_EVENTINJ) {
		vcpu_irq_withdraw(g->vcpus[0], TIMER_VEC);
		to_svm(g->vcpus[0])->vmcb->control.eventinj = vmcb_event_intr(TIMER_VEC);
	}
	vcpu_debug_drop_exitintinfo = drop;
	run(g);
	vcpu_debug_drop_exitintinfo = false;
	u32 n = res(g, RES_COUNT);
	*requeued = g->vcpus[0]->ev.events_requeued;
	ktest_note(t, "%s%s: stopped %s; handler runs %u; events injected again %lu",
		   how == LOST_EVENTINJ ? "EVENTINJ" : "V_IRQ", drop ? ", dropping EXITINTINFO" : "",
		   vm_stop_name(g->stop), n, *requeued);
	KT_EXPECT(t, exited_ok(g), "the guest exits 0, found %s (%s)", vm_stop_name(g->stop),
		  g->stop_detail);
	vm_destroy(g);
	return n;
}

static void event_cut_short_is_injected_again(struct ktest *t)
{
	u64 rq;
	u32 n = run_lost_event(t, LOST_EVENTINJ, false, &rq);
	KT_EXPECT(t, n == 1, "the interrupt arrives exactly once, found %u", n);
	KT_EXPECT(t, rq >= 1, "through EXITINTINFO, found %lu re-injections", rq);
}

static void event_control_dropping_it_is_caught(struct ktest *t)
{
	u64 rq;
	u32 n = run_lost_event(t, LOST_EVENTINJ, true, &rq);
	if (n == 1)
		KT_SKIP(t, "this CPU delivered the interrupt again by itself: nothing to catch");
	KT_EXPECT(t, n == 0, "caught: the interrupt is lost, found %u handler runs", n);
}

static void virq_cut_short_arrives_once(struct ktest *t)
{
	u64 rq;
	u32 n = run_lost_event(t, LOST_VIRQ, false, &rq);
	KT_EXPECT(t, n == 1, "the interrupt arrives exactly once, found %u", n);
}

/* k_irq's CR8 case: an interrupt pending from the start, IF=0, so it sits
 * in V_IRQ while the guest writes CR8 twice and reads it once. */
static struct vm *run_cr8_case(bool no_intercept, bool shadow)
{
	struct vm *g = irq_guest(5000);
	if (!g)
		return NULL;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	v->regs.rbx = CASE_CR8_WRITE;
	v->vmcb->save.rflags = 0x2;
	if (shadow)
		v->vmcb->control.int_shadow |= VMCB_INT_SHADOW;
	vcpu_irq_raise_local(svm_vcpu_core(v), TIMER_VEC, false);
	vcpu_debug_no_cr8_intercept = no_intercept;
	run(g);
	vcpu_debug_no_cr8_intercept = false;
	return g;
}

/* While V_IRQ holds a vector, every CR8 write exits and svmhv sets the TPR
 * (svm/run.c, vcpu_cr8_intercept): the guest reads back what it wrote and
 * takes the interrupt exactly once after STI; once it is taken, CR8 no
 * longer exits. */
static void check_cr8_case(struct ktest *t, bool shadow)
{
	struct vm *g = run_cr8_case(false, shadow);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	u64 n = v->stats[svm_exit_index(SVM_EXIT_WRITE_CR8)].count;
	ktest_note(t, "stopped: %s; CR8 write exits %lu; CR8 read back %#x; handler runs %u; "
		   "V_IRQ %s, vintr %#lx, intercept_cr %#x, exits %lu, withheld %lu, delivered %lu",
		   vm_stop_name(g->stop), n, res(g, RES_CR8), res(g, RES_COUNT),
		   v->virq_in_vmcb ? "offered" : "clear", v->vmcb->control.vintr,
		   v->vmcb->control.intercept_cr, v->exits, v->ev.virq_withheld, v->ev.virq_delivered);
	KT_EXPECT(t, exited_ok(g), "the guest exits 0, found %s (%s)", vm_stop_name(g->stop),
		  g->stop_detail);
	KT_EXPECT(t, n == 2, "both CR8 writes exited, found %lu", n);
	KT_EXPECT(t, res(g, RES_CR8) == 15, "CR8 reads back 15, found %#x", res(g, RES_CR8));
	KT_EXPECT(t, res(g, RES_COUNT) == 1, "one handler run, found %u", res(g, RES_COUNT));
	KT_EXPECT(t, !(v->vmcb->control.intercept_cr & SVM_INTERCEPT_CR_WRITE(8)),
		  "the CR8 intercept is off once the vector was taken");
	vm_destroy(g);
}

static void cr8_write_with_virq_pending_exits(struct ktest *t)
{
	check_cr8_case(t, false);
}

/* The same, entered in an interrupt shadow (as after `mov ss`) with IF=0:
 * the vector still goes to V_IRQ at once - held back for the shadow, it
 * would wait for an exit that never comes, and the guest's later STI
 * would find nothing to take (seen when a host tick exited the guest
 * right after its `mov ss`). */
static void cr8_case_entered_in_shadow_if0(struct ktest *t)
{
	check_cr8_case(t, true);
}

/* An exception svmhv injects carries RF into the frame for faults only
 * (kvm-unit-tests' idt_test checks it for #GP): RF set in the VMCB's
 * RFLAGS for every fault-class vector, left alone for #DB, NMI, #BP,
 * #OF, #DF and #MC. */
static void injected_faults_set_rf(struct ktest *t)
{
	struct vm *g = irq_guest(1000);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	u32 wrong = 0;
	for (u32 vec = 0; vec < 32; vec++) {
		bool fault = !(vec == 1 || vec == 2 || vec == 3 || vec == 4 || vec == 8 || vec == 18);
		v->vmcb->save.rflags = 0x2;
		vcpu_inject_exception(v, (u8)vec, vec == 13, 0);
		bool rf = (v->vmcb->save.rflags & RFLAGS_RF) != 0;
		if (rf != fault) {
			ktest_note(t, "vector %u: RF %u, expected %u", vec, rf, fault);
			wrong++;
		}
		KT_EXPECT(t, vmcb_event_vector(v->vmcb->control.eventinj) == vec, "vector %u injected", vec);
	}
	v->vmcb->control.eventinj = 0;
	KT_EXPECT(t, wrong == 0, "RF right for all 32 vectors, %u wrong", wrong);
	vm_destroy(g);
}

/* ---- the cached translation of RIP's page (k_xlat.asm) ---- */

extern const u8 guest_img_k_xlat[], guest_img_k_xlat_end[];
#define XLAT_INVALIDATING_STEPS	0x2a	/* bits 1, 3, 5: CR3, PTE, PDE changed */
#define XLAT_VMMCALLS		8	/* 7 calls of W, then HC_EXIT from its own page */

/* Runs k_xlat; its exit status (-1 when it did not exit by HC_EXIT) and
 * the walks that filled the translation. */
static s64 run_xlat(struct ktest *t, bool stale, u64 *fills)
{
	struct vm *g = vm_create_from_string("guest name=xlat mem=4 timeout=10000",
					     guest_img_k_xlat,
					     (size_t)(guest_img_k_xlat_end - guest_img_k_xlat));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return -1;
	svm_debug_rip_xlat_stale = stale;
	run(g);
	svm_debug_rip_xlat_stale = false;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	s64 status = g->stop == STOP_HYPERCALL ? g->exit_status : -1;
	*fills = v->rip_xlat.fills;
	ktest_note(t, "%s: stopped: %s (%s); status %#lx; %lu walks filled the translation for "
		   "%u VMMCALLs", stale ? "stale translation trusted" : "checked",
		   vm_stop_name(g->stop), g->stop_detail, (u64)status, *fills, XLAT_VMMCALLS);
	vm_destroy(g);
	return status;
}

/* The guest changes what RIP's page maps to by CR3, by its PTE and by
 * its PDE; each time the next VMMCALL's length must come from the new
 * page. */
static void rip_translation_follows_the_page_tables(struct ktest *t)
{
	if (svm_feat.nrips)
		KT_SKIP(t, "NRIP save: the CPU gives the next RIP, the translation is not used");
	u64 fills;
	s64 status = run_xlat(t, false, &fills);
	KT_EXPECT(t, status == 0, "every step found the right length: status 0, found %#lx",
		  (u64)status);
	KT_EXPECT(t, fills >= 7, "a walk for the first call, after each of the 5 changes and for "
		  "HC_EXIT's page: >= 7, found %lu", fills);
	KT_EXPECT(t, fills < XLAT_VMMCALLS, "the second call used the cached translation: fewer "
		  "walks than the %u VMMCALLs, found %lu", XLAT_VMMCALLS, fills);
}

/* Negative control: the translation trusted without its checks gives
 * each step after a change A's length for B's instruction. */
static void rip_translation_control_stale_is_caught(struct ktest *t)
{
	if (svm_feat.nrips)
		KT_SKIP(t, "NRIP save: the CPU gives the next RIP, the translation is not used");
	u64 fills;
	s64 status = run_xlat(t, true, &fills);
	KT_EXPECT(t, status >= 0 && ((u64)status & XLAT_INVALIDATING_STEPS) == XLAT_INVALIDATING_STEPS,
		  "caught: the CR3, PTE and PDE steps fail (bits %#x), found status %#lx",
		  XLAT_INVALIDATING_STEPS, (u64)status);
}

KTEST_SUITE(vcpu, "vcpu", KTEST_NEEDS_SVM,
	KTEST_CASE(shadow_holds_interrupt_until_after_hlt),
	KTEST_CASE(shadow_control_offering_in_shadow_is_caught),
	KTEST_CASE(stepping_over_an_instruction_ends_the_shadow),
	KTEST_CASE(single_step_over_emulated_instructions),
	KTEST_CASE(due_timer_wakes_sti_hlt_once),
	KTEST_CASE(hlt_loop_wakes_exactly_once),
	KTEST_CASE(cli_hlt_stays_halted),
	KTEST_CASE(event_cut_short_is_injected_again),
	KTEST_CASE(event_control_dropping_it_is_caught),
	KTEST_CASE(virq_cut_short_arrives_once),
	KTEST_CASE(cr8_write_with_virq_pending_exits),
	KTEST_CASE(cr8_case_entered_in_shadow_if0),
	KTEST_CASE(injected_faults_set_rf),
	KTEST_CASE(rip_translation_follows_the_page_tables),
	KTEST_CASE(rip_translation_control_stale_is_caught));


/* Negative control, run only when named (test=cr8ctl; suites.py's run
 * "cr8-control"): the same guest with CR8 writes left to the CPU.  QEMU
 * 7.2 aborts the whole machine at the first write ("tcg_handle_interrupt:
 * assertion failed"), which the harness expects; a CPU that survives it
 * has nothing to catch, and must still have run the guest correctly. */
static void cr8_control_without_intercept(struct ktest *t)
{
	struct vm *g = run_cr8_case(true, false);
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	bool fine = exited_ok(g) && res(g, RES_CR8) == 15 && res(g, RES_COUNT) == 1;
	ktest_note(t, "without the intercept: stopped %s; CR8 read back %#x; handler runs %u",
		   vm_stop_name(g->stop), res(g, RES_CR8), res(g, RES_COUNT));
	vm_destroy(g);
	KT_EXPECT(t, fine, "the guest still ran correctly");
	KT_SKIP(t, "this CPU took the CR8 writes with V_IRQ set without aborting: nothing to catch");
}

KTEST_SUITE(cr8ctl, "cr8ctl", KTEST_NEEDS_SVM | KTEST_EXPLICIT,
	KTEST_CASE(cr8_control_without_intercept));
