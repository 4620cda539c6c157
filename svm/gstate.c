/* svm/gstate.c - the guest's own x87/SSE/AVX state, XCR0 and DR0-DR3:
 * registers VMRUN and #VMEXIT leave alone (APM vol. 2, 15.5.1 lists what
 * VMRUN switches), so without this every vCPU on a CPU would share them.
 * docs/guest-cpu-state.md has the design and the numbers behind it.
 *
 * Lazy switching with a per-CPU owner (the default): the host never
 * touches these registers (-mgeneral-regs-only, no hardware breakpoints),
 * so the guest's values stay in the CPU across every exit handled in the
 * kernel.  They are saved when the vCPU task is switched out (vcpu_put ->
 * gstate_put) and restored on the way back in (prepare_switch_to_guest ->
 * gstate_load) only when the CPU's registers no longer hold them: another
 * vCPU restored its own there since (the CPU's owner is someone else), or
 * this vCPU last ran on another CPU (its `cpu` differs), after which the
 * copy here is stale even if the owner field still names it.
 *
 * XCR0 is not switched by VMRUN either, and XGETBV is never intercepted,
 * so the guest's XCR0 must be in the CPU while it runs.  XSETBV is
 * intercepted and checked (gstate_xsetbv), but the value is also read
 * back from the CPU whenever the host takes XCR0 back: QEMU 7.2's TCG
 * does not implement the XSETBV intercept, and there a guest writes XCR0
 * directly.  It stays there
 * too between exits; the host's (every supported component) comes back
 * only for the XSAVE/XRSTOR here, which move all components whatever the
 * guest enabled, so a component a guest turns on later holds its own
 * values, never another vCPU's.
 *
 * DR6 and DR7 live in the VMCB.  DR0-DR3 go with the XSAVE state.  After
 * #VMEXIT the CPU disables every breakpoint in the host's DR7 (APM vol. 2,
 * 15.6), so a guest's DR0-DR3 left in the CPU never fire in the host.
 *
 * IA32_TSC_AUX, which RDTSCP returns in ECX and RDPID in its register, is
 * not in the VMCB either, and neither instruction is intercepted: the
 * guest's value must be in the MSR while it runs.  The host never reads
 * TSC_AUX, so it is switched only from one vCPU to another: each CPU
 * remembers what its MSR holds (gstate_cpu.tsc_aux) and gstate_load
 * writes it when the vCPU loaded there wants another value - under
 * `lazy` and `eager`; `off` leaves it too.  Only on a CPU that has the
 * MSR (RDTSCP or RDPID in CPUID); elsewhere the guest sees neither and its
 * WRMSR faults (vmm/msr.c). */
#include "svm/svm.h"
#include "svm/gstate.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/percpu.h"
#include "kernel/xstate.h"

volatile int gstate_mode = GSTATE_LAZY;
/* Test only (the gstate suite's negative control): believe the owner
 * field alone and forget that the vCPU may have run elsewhere since. */
volatile bool gstate_debug_trust_owner;
static u64 next_id = 1;
static const char *const mode_names[] = { "lazy", "eager", "off" };

const char *gstate_mode_name(int m)
{
	return m >= 0 && m < 3 ? mode_names[m] : "?";
}

/* A mode change leaves no CPU claiming to hold anyone's state: under
 * `off` vCPUs overwrote each other's registers behind the owner fields. */
void gstate_set_mode(int m)
{
	for (u32 c = 0; c < ncpus_online; c++)
		if (cpu_table[c]->svm)
			WRITE_ONCE(cpu_table[c]->svm->gs.owner, 0);
	gstate_mode = m;
}

int gstate_vcpu_init(struct svm_vcpu *v)
{
	v->gs.area = xstate_area_alloc();
	if (!v->gs.area)
		return -ENOMEM;
	v->gs.id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	v->gs.xcr0 = XCR0_X87;		/* as at reset (APM vol. 2, 11.5.2) */
	v->gs.cpu = ~0u;
	return 0;
}

void gstate_vcpu_free(struct svm_vcpu *v)
{
	xstate_area_free(v->gs.area);
	v->gs.area = NULL;
}

static bool cpu_has_tsc_aux(void)
{
	return cpu_info.has_rdtscp || cpu_info.has_rdpid;
}

void gstate_cpu_init(struct svm_cpu *sc)
{
	sc->gs.owner = 0;
	sc->gs.tsc_aux = cpu_has_tsc_aux() ? (u32)rdmsr(MSR_TSC_AUX) : 0;
}

/* The guest's TSC_AUX into this CPU's MSR, unless it is there already. */
static void tsc_aux_load(struct svm_vcpu *v, struct svm_cpu *sc)
{
	if (!cpu_has_tsc_aux() || sc->gs.tsc_aux == v->gs.tsc_aux)
		return;
	wrmsr(MSR_TSC_AUX, v->gs.tsc_aux);
	sc->gs.tsc_aux = v->gs.tsc_aux;
	v->gs.cnt.tsc_aux_writes++;
}

static void write_dr(unsigned int n, u64 val)
{
	switch (n) {
	case 0: write_dr0(val); break;
	case 1: write_dr1(val); break;
	case 2: write_dr2(val); break;
	default: write_dr3(val); break;
	}
}

void gstate_set_dr(struct svm_vcpu *v, unsigned int n, u64 val)
{
	u64 f = irq_save();
	v->gs.dr[n & 3] = val;
	if (v->gs.live || gstate_mode == GSTATE_OFF)	/* `off`: as if the guest owned the CPU */
		write_dr(n & 3, val);
	irq_restore(f);
}

void gstate_set_tsc_aux(struct svm_vcpu *v, u32 val)
{
	u64 f = irq_save();
	v->gs.tsc_aux = val;
	/* Loaded here (or `off`: as if the guest owned the CPU): the guest's
	 * next RDTSCP sees it.  Otherwise the next gstate_load writes it. */
	if (v->guest_state_loaded || gstate_mode == GSTATE_OFF)
		tsc_aux_load(v, svm_this_cpu());
	irq_restore(f);
}

/* XCR0 is read rather than cached per CPU: a guest on a CPU without the
 * XSETBV intercept, or under `off`, changes it behind the host's back,
 * and XRSTOR with XCR0 short of the area's XSTATE_BV faults.  XGETBV
 * costs a few cycles and happens only at load and put. */
static void xcr0_load(struct svm_vcpu *v, u64 val)
{
	if (!xstate.xsave || xgetbv(0) == val)
		return;
	xsetbv(0, val);
	v->gs.cnt.xcr0_writes++;
}

/* The host takes XCR0 back: keep what the guest has there now. */
static void xcr0_take_back(struct svm_vcpu *v)
{
	if (xstate.xsave)
		v->gs.xcr0 = xgetbv(0);
	xcr0_load(v, xstate.host_xcr0);
}

u64 gstate_guest_xcr0(struct svm_vcpu *v)
{
	u64 f = irq_save();
	u64 x = v->gs.live && xstate.xsave ? xgetbv(0) : v->gs.xcr0;
	irq_restore(f);
	return x;
}

static void restore_regs(struct svm_vcpu *v, struct svm_cpu *sc)
{
	xcr0_load(v, xstate.host_xcr0);
	xstate_restore(v->gs.area);
	write_dr0(v->gs.dr[0]);
	write_dr1(v->gs.dr[1]);
	write_dr2(v->gs.dr[2]);
	write_dr3(v->gs.dr[3]);
	sc->gs.owner = v->gs.id;
	v->gs.cpu = sc->cpu;
	v->gs.cnt.restores++;
}

static void save_regs(struct svm_vcpu *v)
{
	xcr0_take_back(v);
	xstate_save(v->gs.area);
	v->gs.dr[0] = read_dr0();
	v->gs.dr[1] = read_dr1();
	v->gs.dr[2] = read_dr2();
	v->gs.dr[3] = read_dr3();
	v->gs.cnt.saves++;
}

void gstate_cpu_clobbered(struct svm_cpu *sc)
{
	sc->gs.owner = 0;
}

void gstate_load(struct svm_vcpu *v, struct svm_cpu *sc)
{
	if (gstate_mode != GSTATE_OFF)
		tsc_aux_load(v, sc);
	if (gstate_mode != GSTATE_LAZY)
		return;
	if (sc->gs.owner != v->gs.id || (v->gs.cpu != sc->cpu && !gstate_debug_trust_owner))
		restore_regs(v, sc);
	else
		v->gs.cnt.restores_skipped++;
	xcr0_load(v, v->gs.xcr0);
	v->gs.live = true;
}

void gstate_put(struct svm_vcpu *v)
{
	if (!v->gs.live)
		return;
	save_regs(v);
	v->gs.live = false;
}

/* Eager switching, for the benchmark only: the save an eager scheme does
 * at each #VMEXIT is done here, before the next VMRUN, with the restore,
 * so the run loop carries one test of the mode instead of two; the work
 * per round trip is the same (XCR0 back, XSAVE, XRSTOR, XCR0 in, DR0-3). */
void gstate_eager_switch(struct svm_vcpu *v, struct svm_cpu *sc)
{
	if (v->gs.live)
		save_regs(v);
	restore_regs(v, sc);
	xcr0_load(v, v->gs.xcr0);
	v->gs.live = true;
}

/* XSETBV's checks, in the order of the APM's exception table (vol. 3,
 * XSETBV): #UD without CR4.OSXSAVE, then #GP(0) for CPL > 0, an XCR other
 * than XCR0, and for XCR0 values the CPU would refuse (vol. 2, 11.5.2):
 * x87 cleared, bits this host does not let guests enable, AVX without
 * SSE, AVX-512's three components not all together or without AVX. */
int gstate_xsetbv(struct svm_vcpu *v, u32 ecx, u64 val)
{
	const struct vmcb_save *s = &v->vmcb->save;
	v->gs.cnt.xsetbv_exits++;
	if (!xstate.xsave || !(s->cr4 & CR4_OSXSAVE))
		return 6;
	if (s->cpl != 0 || ecx != 0)
		return 13;
	if (!(val & XCR0_X87) || (val & ~xstate.host_xcr0))
		return 13;
	if ((val & XCR0_YMM) && !(val & XCR0_SSE))
		return 13;
	u64 avx512 = val & XCR0_AVX512;
	if (avx512 && (avx512 != XCR0_AVX512 || !(val & XCR0_YMM)))
		return 13;
	u64 f = irq_save();
	v->gs.xcr0 = val;
	if (gstate_mode == GSTATE_OFF) {
		xcr0_load(v, val);	/* as if the guest owned the CPU */
	} else if (v->gs.live) {
		xcr0_load(v, val);	/* else the next gstate_load does it */
	}
	irq_restore(f);
	return -1;
}

void gstate_cpuid(struct svm_vcpu *v, u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	u64 allowed = xstate.host_xcr0;
	if (leaf == 1) {
		/* OSXSAVE mirrors the guest's CR4 as on hardware (CPUID 1 ECX[27]);
		 * without XSAVE here there is neither XSAVE nor AVX. */
		*c &= ~BIT(27);
		if (!xstate.xsave)
			*c &= ~(BIT(26) | BIT(28));
		else if (v->vmcb->save.cr4 & CR4_OSXSAVE)
			*c |= BIT(27);
		if (!(allowed & XCR0_YMM))
			*c &= ~BIT(28);
		return;
	}
	if (leaf != 0xd)
		return;
	if (!xstate.xsave || sub >= 64) {
		*a = *b = *c = *d = 0;
		return;
	}
	if (sub == 0) {
		/* What the guest may enable, and sizes for its XCR0 (EBX) and for
		 * everything it may enable (ECX). */
		*a = (u32)allowed;
		*d = (u32)(allowed >> 32);
		*b = xstate_size_for(gstate_guest_xcr0(v));
		*c = xstate_size_for(allowed);
	} else if (sub == 1) {
		/* XSAVEOPT and XGETBV(1) only: XSAVEC's compacted size and XSAVES's
		 * supervisor components (IA32_XSS) are not virtualized. */
		*a &= BIT(0) | BIT(2);
		*b = *c = *d = 0;
	} else if (!(allowed & BIT(sub))) {
		*a = *b = *c = *d = 0;
	}
}
