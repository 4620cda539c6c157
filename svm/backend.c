/* svm/backend.c - the SVM backend's ops table for the VMM core
 * (struct vmm_backend_ops, vmm/vmm.h): a vCPU with its VMCB set from the
 * loader's neutral start state, the guest registers the core reads and
 * writes, event injection, TLB flushes and the names of exits.  The run
 * and exit halves are svm/run.c and svm/exit.c. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"

static void seg(struct vmcb_seg *d, const struct vmm_seg *s)
{
	d->selector = s->selector;
	d->attrib = s->attrib;
	d->limit = s->limit;
	d->base = s->base;
}

/* The guest's state from a neutral start state (the loader's, or INIT's
 * and SIPI's); SVME in EFER is the CPU's requirement for VMRUN (APM
 * 15.5.1), never seen by the guest. */
static void svm_load_state(struct svm_vcpu *v, const struct vmm_start_state *st)
{
	struct vmcb_save *s = &v->vmcb->save;
	s->efer = st->efer | EFER_SVME;
	s->g_pat = st->pat;
	s->dr6 = st->dr6;
	s->dr7 = st->dr7;
	s->rflags = st->rflags;
	s->rip = st->rip;
	s->rsp = st->rsp;
	s->rax = st->rax;
	v->regs.rbx = st->rbx;
	v->regs.rsi = st->rsi;
	s->cr0 = st->cr0;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	seg(&s->cs, &st->cs);
	seg(&s->ds, &st->ds);
	seg(&s->es, &st->es);
	seg(&s->ss, &st->ss);
	seg(&s->fs, &st->fs);
	seg(&s->gs, &st->gs);
	seg(&s->ldtr, &st->ldtr);
	seg(&s->tr, &st->tr);
	seg(&s->gdtr, &st->gdtr);
	seg(&s->idtr, &st->idtr);
}

bool svm_debug_no_dr_intercept;

static void vmcb_init(struct svm_vcpu *v, const struct vm *vm)
{
	struct vmcb_control *c = &v->vmcb->control;

	/* Intercepts that are always on: physical interrupts and NMIs so a
	 * guest never keeps a CPU from its host, everything that could see or
	 * change the machine, and every SVM instruction (VMRUN's intercept is
	 * required by the APM's consistency checks, 15.5.1). */
	c->intercept1 = SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_NMI | SVM_INTERCEPT1_SMI |
			SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_INVLPGA |
			SVM_INTERCEPT1_IOIO_PROT | SVM_INTERCEPT1_MSR_PROT | SVM_INTERCEPT1_SHUTDOWN;
	c->intercept2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL | SVM_INTERCEPT2_VMLOAD |
			SVM_INTERCEPT2_VMSAVE | SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI |
			SVM_INTERCEPT2_SKINIT | SVM_INTERCEPT2_XSETBV;
	/* CR4 writes are checked by the core (vmm/cr.c) before they reach the
	 * VMCB: a reserved bit must be the guest's #GP, never a VMRUN failure
	 * (or, on QEMU's TCG, a VMEXIT_INVALID in the middle of the guest). */
	c->intercept_cr = SVM_INTERCEPT_CR_WRITE(4);
	/* Debug-register writes are emulated (svm/exit.c, dec_dr_write): a
	 * guest's MOV DR7 or DR0-3 executed under QEMU 7.2's TCG arms a
	 * breakpoint that VMRUN and #VMEXIT never disarm (they assign DR7
	 * without updating QEMU's breakpoint list), so it fires in whatever
	 * runs on that CPU next - other guests included.  DR5 is DR7's alias. */
	c->intercept_dr = svm_debug_no_dr_intercept ? 0 :
			  SVM_INTERCEPT_DR_WRITE(0) | SVM_INTERCEPT_DR_WRITE(1) |
			  SVM_INTERCEPT_DR_WRITE(2) | SVM_INTERCEPT_DR_WRITE(3) |
			  SVM_INTERCEPT_DR_WRITE(5) | SVM_INTERCEPT_DR_WRITE(7);
	svm_features_vmcb_init(c);
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->vintr = VMCB_VINTR_MASKING;
	c->np_ctl = VMCB_NP_ENABLE;
	c->n_cr3 = vm->npt.root_pa;
	c->clean = 0;

	svm_load_state(v, &vm->start);
}

static struct vcpu *svm_vcpu_create(struct vm *vm, u32 index)
{
	struct svm_vcpu *v = kzalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->stats = kzalloc(sizeof(struct exit_stat) * (SVM_EXIT_NR_INDEXED + 1));
	paddr_t pa;
	if (!v->stats || frame_alloc(1, 1, &pa)) {
		kfree(v->stats);
		kfree(v);
		return NULL;
	}
	for (u32 i = 0; i <= SVM_EXIT_NR_INDEXED; i++)
		v->stats[i].min = ~0ULL;	/* vcpu_account: the first sample sets it */
	memset(phys_to_virt(pa), 0, 4096);
	v->vmcb = phys_to_virt(pa);
	v->vmcb_pa = pa;
	vcpu_core_init(svm_vcpu_core(v), vm, index);
	v->snap_cpu = ~0u;
	v->asid_cpu = ~0u;
	if (gstate_vcpu_init(v)) {
		frame_free(pa, 1);
		kfree(v->stats);
		kfree(v);
		return NULL;
	}
	vmcb_clean_init(&v->clean, svm_feat.clean_bits);
	svm_rip_xlat_forget(v);
	/* hostcheck=1 also checks that every VMCB write marks its clean-bit
	 * group, which QEMU's TCG (no VMCB caching) would never reveal. */
	if (kopt.hostcheck)
		v->clean_check = kzalloc(sizeof(struct vmcb));
	vmcb_init(v, vm);
	return svm_vcpu_core(v);
}

static void svm_vcpu_free(struct vcpu *vcpu)
{
	struct svm_vcpu *v = to_svm(vcpu);
	frame_free(v->vmcb_pa, 1);
	gstate_vcpu_free(v);
	kfree(v->clean_check);
	kfree(v->stats);
	kfree(v);
}

static void svm_load(struct vcpu *v, u32 cpu, bool sched_in)
{
	svm_vcpu_load(to_svm(v), cpu, sched_in);
}

static void svm_put(struct vcpu *v)
{
	svm_vcpu_put(to_svm(v));
}

/* During a hostsave=lazy window (svm/run.c) the guest's VMLOAD state is
 * in the CPU, not in its VMCB: its FS/GS bases in v->lz, the MSRs in the
 * MSRs themselves, which the host does not use meanwhile.  Such a register
 * is read and written there - the VMCB is synced when the window closes.
 * The MSR behind register r, or 0 for the VMCB's own fields. */
static u32 lazy_msr(enum vmm_reg r)
{
	switch (r) {
	case VMM_REG_STAR:           return MSR_STAR;
	case VMM_REG_LSTAR:          return MSR_LSTAR;
	case VMM_REG_CSTAR:          return MSR_CSTAR;
	case VMM_REG_SFMASK:         return MSR_SFMASK;
	case VMM_REG_FS_BASE:        return MSR_FS_BASE;
	case VMM_REG_GS_BASE:        return MSR_GS_BASE;
	case VMM_REG_KERNEL_GS_BASE: return MSR_KERNEL_GS_BASE;
	case VMM_REG_SYSENTER_CS:    return MSR_SYSENTER_CS;
	case VMM_REG_SYSENTER_ESP:   return MSR_SYSENTER_ESP;
	case VMM_REG_SYSENTER_EIP:   return MSR_SYSENTER_EIP;
	default:                     return 0;
	}
}

static u64 lazy_get(struct svm_vcpu *v, u32 msr)
{
	if (msr == MSR_FS_BASE)
		return v->lz.guest_fs;
	if (msr == MSR_GS_BASE)
		return v->lz.guest_gs;
	return rdmsr(msr);
}

/* False: not in the CPU (a value WRMSR would refuse); the caller closes
 * the window and writes the VMCB. */
static bool lazy_set(struct svm_vcpu *v, u32 msr, u64 val)
{
	if (msr == MSR_FS_BASE)
		v->lz.guest_fs = val;
	else if (msr == MSR_GS_BASE)
		v->lz.guest_gs = val;
	else if ((msr == MSR_SYSENTER_ESP || msr == MSR_SYSENTER_EIP) &&
		 (u64)((s64)(val << 16) >> 16) != val)
		return false;
	else
		wrmsr(msr, val);
	return true;
}

static u64 svm_get_reg_vmcb(struct vcpu *vcpu, enum vmm_reg r);
static void svm_set_reg_vmcb(struct vcpu *vcpu, enum vmm_reg r, u64 val);

/* The accessors during a lazy window: out of line and reached by a tail
 * call, so that the usual path keeps no frame for them. */
static __attribute__((noinline)) u64 svm_get_reg_lazy(struct vcpu *vcpu, enum vmm_reg r)
{
	if (lazy_msr(r))
		return lazy_get(to_svm(vcpu), lazy_msr(r));
	return svm_get_reg_vmcb(vcpu, r);
}

static __attribute__((noinline)) void svm_set_reg_lazy(struct vcpu *vcpu, enum vmm_reg r, u64 val)
{
	struct svm_vcpu *v = to_svm(vcpu);
	if (lazy_msr(r)) {
		if (lazy_set(v, lazy_msr(r), val))
			return;
		svm_lazy_end_now(v);	/* then into the synced VMCB */
	}
	svm_set_reg_vmcb(vcpu, r, val);
}

static u64 svm_get_reg(struct vcpu *vcpu, enum vmm_reg r)
{
	if (__builtin_expect(to_svm(vcpu)->lazy_live, 0))
		return svm_get_reg_lazy(vcpu, r);
	return svm_get_reg_vmcb(vcpu, r);
}

static void svm_set_reg(struct vcpu *vcpu, enum vmm_reg r, u64 val)
{
	if (__builtin_expect(to_svm(vcpu)->lazy_live, 0))
		return svm_set_reg_lazy(vcpu, r, val);
	svm_set_reg_vmcb(vcpu, r, val);
}

static inline __attribute__((always_inline)) u64 svm_get_reg_vmcb(struct vcpu *vcpu, enum vmm_reg r)
{
	const struct vmcb *vm = to_svm(vcpu)->vmcb;
	const struct vmcb_save *s = &vm->save;
	switch (r) {
	case VMM_REG_RFLAGS:         return s->rflags;
	case VMM_REG_EFER:           return s->efer & ~EFER_SVME;
	case VMM_REG_STAR:           return s->star;
	case VMM_REG_LSTAR:          return s->lstar;
	case VMM_REG_CSTAR:          return s->cstar;
	case VMM_REG_SFMASK:         return s->sfmask;
	case VMM_REG_FS_BASE:        return s->fs.base;
	case VMM_REG_GS_BASE:        return s->gs.base;
	case VMM_REG_KERNEL_GS_BASE: return s->kernel_gs_base;
	case VMM_REG_SYSENTER_CS:    return s->sysenter_cs;
	case VMM_REG_SYSENTER_ESP:   return s->sysenter_esp;
	case VMM_REG_SYSENTER_EIP:   return s->sysenter_eip;
	case VMM_REG_PAT:            return s->g_pat;
	case VMM_REG_TSC_OFFSET:     return vm->control.tsc_offset;
	case VMM_REG_TSC_AUX:        return to_svm(vcpu)->gs.tsc_aux;
	case VMM_REG_CR0:            return s->cr0;
	case VMM_REG_CR3:            return s->cr3;
	case VMM_REG_CR4:            return s->cr4;
	}
	return 0;
}

/* Writes mark the clean-bit group of the field they change (svm/vmcb_clean.h). */
static inline __attribute__((always_inline)) void svm_set_reg_vmcb(struct vcpu *vcpu, enum vmm_reg r,
								    u64 val)
{
	struct svm_vcpu *v = to_svm(vcpu);
	struct vmcb_save *s = &v->vmcb->save;
	switch (r) {
	case VMM_REG_RFLAGS:         s->rflags = val; break;
	case VMM_REG_EFER:
		s->efer = val | EFER_SVME;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_CRX);
		break;
	case VMM_REG_STAR:           s->star = val; break;
	case VMM_REG_LSTAR:          s->lstar = val; break;
	case VMM_REG_CSTAR:          s->cstar = val; break;
	case VMM_REG_SFMASK:         s->sfmask = val; break;
	case VMM_REG_FS_BASE:        s->fs.base = val; break;
	case VMM_REG_GS_BASE:        s->gs.base = val; break;
	case VMM_REG_KERNEL_GS_BASE: s->kernel_gs_base = val; break;
	case VMM_REG_SYSENTER_CS:    s->sysenter_cs = val; break;
	case VMM_REG_SYSENTER_ESP:   s->sysenter_esp = val; break;
	case VMM_REG_SYSENTER_EIP:   s->sysenter_eip = val; break;
	case VMM_REG_PAT:
		s->g_pat = val;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_NP);
		break;
	case VMM_REG_TSC_OFFSET:
		v->vmcb->control.tsc_offset = val;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
		break;
	case VMM_REG_TSC_AUX:
		gstate_set_tsc_aux(v, (u32)val);
		break;
	case VMM_REG_CR4:
		s->cr4 = val;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_CRX);
		break;
	case VMM_REG_CR0: case VMM_REG_CR3:
		break;		/* not written by the core */
	}
}

/* INIT, or a SIPI's start: the new state, general registers zero, no
 * event or virtual interrupt left over, every VMCB group reloaded and the
 * guest's TLB entries gone. */
static void svm_set_state(struct vcpu *vcpu, const struct vmm_start_state *st)
{
	struct svm_vcpu *v = to_svm(vcpu);
	struct vmcb_control *c = &v->vmcb->control;
	memset(&v->regs, 0, sizeof(v->regs));
	v->vmcb->save.rax = 0;
	v->vmcb->save.cpl = 0;
	svm_load_state(v, st);
	c->eventinj = 0;
	c->int_shadow = 0;
	/* No step, no NMI handler's IRET to wait for: the new state has neither. */
	v->step = 0;
	v->nmi_iret = false;
	v->softint_injected = false;
	v->entry_shadow = false;
	c->intercept_exceptions &= ~BIT(1);
	c->intercept1 &= ~(SVM_INTERCEPT1_INTN | SVM_INTERCEPT1_IRET);
	/* On only while a vector waits on CR8 (svm/run.c, vcpu_cr8_intercept). */
	c->intercept_cr &= ~(u32)SVM_INTERCEPT_CR_WRITE(8);
	c->vintr &= ~(VMCB_VINTR_IRQ | VMCB_VINTR_VECTOR | VMCB_VINTR_PRIO | VMCB_VINTR_IGN_TPR |
		      VMCB_VINTR_TPR);
	v->virq_in_vmcb = false;
	v->pending_event = 0;
	vmcb_clean_mark_dirty(&v->clean, ~0u);
	svm_vcpu_flush(v);
}

static void svm_inject(struct vcpu *v, const struct vmm_event *e)
{
	vcpu_inject_exception(to_svm(v), e->vector, e->has_error, e->error);
}

void svm_vcpu_flush(struct svm_vcpu *v)
{
	v->vmcb->control.tlb_control = svm_tlb_flush_cmd();
}

static void svm_flush(struct vcpu *v)
{
	svm_vcpu_flush(to_svm(v));
}

static const char *svm_exit_stat_name(u32 row)
{
	return row == SVM_EXIT_NR_INDEXED ? "INVALID/OTHER" : svm_exit_name((u64)row);
}

static void svm_vcpu_report(const struct vcpu *vcpu)
{
	const struct svm_vcpu *v = (const struct svm_vcpu *)vcpu;
	const struct hs_counters *c = &v->cnt;
	kprintf("vcpu %s/%u host state: VMRUN %lu, host VMSAVE %lu, host VMLOAD %lu, loads for run %lu, "
		"sched-in same CPU %lu, sched-in migrated %lu, prepare %lu, mismatches %lu\n",
		v->vm->cfg.name, v->index, c->vmrun, c->host_vmsave, c->host_vmload, c->loads_for_run,
		c->sched_in_same, c->sched_in_migrated, c->prepare_calls, c->check_mismatches);
}

static void svm_vcpu_dump(const struct vcpu *vcpu)
{
	const struct svm_vcpu *v = (const struct svm_vcpu *)vcpu;
	const struct vmcb *b = v->vmcb;
	kprintf("vcpu %s/%u svm: rip %#lx rflags %#lx cs %#x cr0 %#lx int_shadow %#lx vintr %#lx "
		"eventinj %#lx pending_event %#lx V_IRQ %s (vector %#x) last exit %s\n",
		v->vm->cfg.name, v->index, b->save.rip, b->save.rflags, b->save.cs.selector,
		b->save.cr0, b->control.int_shadow, b->control.vintr, b->control.eventinj,
		v->pending_event, v->virq_in_vmcb ? "offered" : "clear", v->virq_vmcb_vector,
		svm_exit_name(b->control.exitcode));
}

/* One statistics row per indexed exit code, and one for the rest: the core
 * prints them with a bitmap of VMM_MAX_EXIT_STATS bits. */
_Static_assert(SVM_EXIT_NR_INDEXED + 1 <= VMM_MAX_EXIT_STATS, "exit rows exceed VMM_MAX_EXIT_STATS");

const struct vmm_backend_ops svm_backend_ops = {
	.name = "svm",
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.vcpu_load = svm_load,
	.vcpu_put = svm_put,
	.vcpu_run = svm_vcpu_run,
	.vcpu_complete = svm_exit_complete,
	.get_reg = svm_get_reg,
	.set_reg = svm_set_reg,
	.inject = svm_inject,
	.set_state = svm_set_state,
	.flush = svm_flush,
	.exit_name = svm_exit_name,
	.nr_exit_stats = SVM_EXIT_NR_INDEXED + 1,
	.exit_stat_name = svm_exit_stat_name,
	.vcpu_report = svm_vcpu_report,
	.vcpu_dump = svm_vcpu_dump,
};
