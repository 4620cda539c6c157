/* svm/exit.c - each #VMEXIT turned into the core's exit record
 * (vmm/exit.h), and the core's answer applied to the VMCB.
 *
 * svm_exit_decode() runs a const table of decoders indexed by exit code,
 * with VMEXIT_INVALID and NPF handled before any indexing.  The exits
 * that are pure SVM business (INTR/NMI/SMI, PAUSE, VMRUN and its kin
 * turned into #UD, XSETBV, a page of RAM the host withdrew from the NPT)
 * are dealt with here and leave VMM_EXIT_NONE.  An exit with no decoder
 * dumps the VMCB and stops that guest only.
 *
 * svm_exit_complete() applies the answer: registers, then the one RIP
 * advance (advance_rip) that also ends an interrupt shadow; or, when the
 * core answered with an exception, that exception and no advance. */
#include "svm/svm.h"
#include "svm/exit_fast.h"
#include "vmm/decode.h"
#include "vmm/dev/lapic.h"
#include "mm/pte.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "vmm/dev/lapic.h"

typedef void (*exit_decoder_t)(struct svm_vcpu *v, struct vmm_exit *x);

u32 svm_exit_index(u64 code)
{
	u64 c = svm_exit_normalize(code);
	return c < SVM_EXIT_NR_INDEXED ? (u32)c : SVM_EXIT_NR_INDEXED;
}

/* ---- instructions at RIP ---- */

static unsigned int cs_mode_bits(const struct vmcb_save *s)
{
	if ((s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L))
		return 64;
	if (!(s->cr0 & CR0_PE))
		return 16;
	return (s->cs.attrib & VMCB_ATTR_DB) ? 32 : 16;
}

/* Fetches and decodes the instruction at CS:RIP, walking the guest's page
 * tables when it has paging on. */
static int decode_at_rip(struct svm_vcpu *v, struct insn *in)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct vm *vm = v->vm;
	unsigned int bits = cs_mode_bits(s);
	u64 lin = (bits == 64 ? 0 : s->cs.base) + s->rip;
	if (bits != 64)
		lin &= 0xffffffffULL;
	u8 bytes[INSN_MAX_LEN];
	size_t n = 0;
	u64 page = ~0ULL, page_gpa = 0;
	for (; n < INSN_MAX_LEN; n++) {
		/* One page-table walk per page the instruction touches. */
		u64 l = lin + n;
		if ((l & ~0xfffULL) != page) {
			if (vm_walk(vm, s->cr0, s->cr4, s->efer, s->cr3, l & ~0xfffULL, &page_gpa))
				break;
			page = l & ~0xfffULL;
		}
		if (vm_read(vm, page_gpa + (l & 0xfff), &bytes[n], 1))
			break;
	}
	if (!n)
		return -EFAULT;
	return insn_decode(bytes, n, bits, in);
}

/* The instruction svmhv just emulated ran with RFLAGS.TF set: the CPU
 * would end it with a single-step #DB, a trap (RIP already past it), with
 * DR6.BS set and the B0-B3 trap bits clear (APM vol. 2, 13.1.1.3 and
 * 13.1.3.1; DR6 lives in the VMCB).  kvm-unit-tests' debug test steps
 * over CPUID and IN this way.  While svmhv steps over an instruction
 * itself (svm/run.c, svm_step_begin) TF is svmhv's: the emulated
 * instruction was the one stepped over, so the step is over (RIP moved;
 * the CPU left DR6 alone), and the guest gets the trap only if it had
 * set TF itself. */
__attribute__((noinline, cold)) void svm_single_step_trap(struct svm_vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	if (v->step) {
		bool guest_tf = v->step_guest_tf;
		svm_step_end(v);
		if (!guest_tf)
			return;
	}
	s->dr6 = (s->dr6 & ~DR6_TRAP_BITS) | DR6_FIXED_1 | DR6_BS;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_DRX);
	vcpu_inject_exception(v, 1, false, 0);
	v->ev.single_steps++;
}

/* The length of the instruction at RIP by the full decoder: the fallback
 * for prefixed or unusual forms, and for bytes that end a page.  0, with
 * the VM stopped, when it cannot be decoded. */
static __attribute__((noinline)) unsigned int insn_len_decoded(struct svm_vcpu *v)
{
	struct insn in;
	int r = decode_at_rip(v, &in);
	if (r) {
		vm_request_stop(v->vm, STOP_ERROR, "cannot decode the instruction at RIP %#lx (%d)",
				v->vmcb->save.rip, r);
		return 0;
	}
	return in.len;
}

static const u64 rip_xlat_unused;	/* the entry of a level a large page skips */

/* Test-only negative control (svm/vcpu_tests.c): a cached translation of
 * RIP's page is used without looking at CR3 or the entries it came from.
 * Read only here, on the slow path: the fast check of skip_insn fails as
 * it must, and this then trusts the stale translation anyway. */
bool svm_debug_rip_xlat_stale;

void svm_rip_xlat_forget(struct svm_vcpu *v)
{
	struct rip_xlat *c = &v->rip_xlat;
	c->page = RIP_XLAT_EMPTY;
	for (int i = 0; i < 4; i++) {
		c->pte[i] = &rip_xlat_unused;
		c->val[i] = 0;
	}
}

/* The long-mode, 4-level walk of `lin`, straight over guest RAM: a load
 * per level, a present check each, 1 GiB and 2 MiB pages ended early.
 * The entries it used go into `c`; false when it fails. */
static bool rip_walk(struct vm *vm, u64 cr3, u64 lin, struct rip_xlat *c, u64 *gpa)
{
	u64 table = cr3, mask = 0xfff;
	for (int i = 0; i < 4; i++) {
		c->pte[i] = &rip_xlat_unused;
		c->val[i] = 0;
	}
	for (unsigned int i = 0, shift = 39; i < 4; i++, shift -= 9) {
		u64 at = (table & PTE_ADDR) + ((lin >> shift) & 511) * 8;
		if (at + 8 > vm->ram_size)
			return false;
		const u64 *p = (const u64 *)(vm->ram + at);
		u64 e = *p;
		if (!(e & PTE_P))
			return false;
		c->pte[i] = p;
		c->val[i] = e;
		if (shift == 12 || ((e & PTE_PS) && (shift == 30 || shift == 21))) {
			mask = (1ULL << shift) - 1;
			*gpa = (e & PTE_ADDR & ~mask) | (lin & mask);
			return true;
		}
		table = e;
	}
	return false;
}

/* CS:RIP as a host pointer into guest RAM, for `n` bytes that must not
 * cross a page; NULL when they do, or are not RAM, or the walk fails.
 * Long mode with 4 levels, the common case, checks the cached translation
 * of RIP's page against the entries it came from (five compares instead
 * of a walk), else walks directly (rip_walk) and caches the result.
 * Other modes go through the generic walk (vm_walk). */
static const u8 *rip_bytes(struct svm_vcpu *v, unsigned int n)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct vm *vm = v->vm;
	u64 lin = s->rip, gpa;
	bool lm = (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
	if (!lm)
		lin = (lin + s->cs.base) & 0xffffffffULL;
	if ((lin & 0xfff) + n > 0x1000)
		return NULL;
	if (!(s->cr0 & CR0_PG)) {
		gpa = lin;
	} else if (lm && !(s->cr4 & CR4_LA57)) {
		struct rip_xlat *c = &v->rip_xlat;
		if (c->page == (lin & ~0xfffULL) &&
		    (svm_debug_rip_xlat_stale || (c->cr3 == s->cr3 && *c->pte[0] == c->val[0] &&
		     *c->pte[1] == c->val[1] && *c->pte[2] == c->val[2] && *c->pte[3] == c->val[3])))
			return c->host + (lin & 0xfff);
		c->page = RIP_XLAT_EMPTY;
		c->fills++;
		if ((u64)((s64)(lin << 16) >> 16) != lin || !rip_walk(vm, s->cr3, lin, c, &gpa))
			return NULL;
		const u8 *host = vm_gpa_to_host(vm, gpa & ~0xfffULL, 0x1000);
		if (!host)
			return NULL;
		c->host = host;
		c->cr3 = s->cr3;
		c->page = lin & ~0xfffULL;
		return host + (lin & 0xfff);
	} else if (vm_walk(vm, s->cr0, s->cr4, s->efer, s->cr3, lin, &gpa)) {
		return NULL;
	}
	return vm_gpa_to_host(vm, gpa, n);
}

/* The bytes at RIP compared with the plain encoding, the slow way: a
 * walk (which fills the cached translation), else the decoder; the
 * length, or 0 when it cannot be read. */
static unsigned int insn_len_walked(struct svm_vcpu *v, unsigned int len, u32 op)
{
	u32 w = 0;
	if (len) {
		const u8 *p = rip_bytes(v, 4);
		if (p) {
			__builtin_memcpy(&w, p, 4);
			if ((w & (0xffffffffU >> (32 - 8 * len))) == op)
				return len;
		} else if ((p = rip_bytes(v, len)) != NULL) {
			memcpy(&w, p, len);
			if (w == op)
				return len;
		}
	}
	return insn_len_decoded(v);
}

/* RIP past an instruction of `len` bytes, wrapped as CS's size says. */
static inline u64 rip_after(const struct vmcb_save *s, unsigned int len)
{
	u64 rip = s->rip + len;
	if (!(s->efer & EFER_LMA) || !(s->cs.attrib & VMCB_ATTR_L))
		rip &= cs_mode_bits(s) == 16 ? 0xffff : 0xffffffffULL;
	return rip;
}

static inline void advance_rip_by(struct svm_vcpu *v, unsigned int len)
{
	advance_rip(v, rip_after(&v->vmcb->save, len));
}

/* skip_insn the slow way (svm/exit_fast.h): the walk, else the decoder.
 * 0, or 1 when the instruction cannot be read (the VM is stopped). */
int svm_skip_insn_slow(struct svm_vcpu *v, unsigned int len, u32 op)
{
	len = insn_len_walked(v, len, op);
	if (!len)
		return 1;
	advance_rip_by(v, len);
	return 0;
}

static u64 *gpr_ptr(struct svm_vcpu *v, unsigned int reg)
{
	switch (reg) {
	case 1: return &v->regs.rcx;
	case 2: return &v->regs.rdx;
	case 3: return &v->regs.rbx;
	case 5: return &v->regs.rbp;
	case 6: return &v->regs.rsi;
	case 7: return &v->regs.rdi;
	case 8: return &v->regs.r8;
	case 9: return &v->regs.r9;
	case 10: return &v->regs.r10;
	case 11: return &v->regs.r11;
	case 12: return &v->regs.r12;
	case 13: return &v->regs.r13;
	case 14: return &v->regs.r14;
	case 15: return &v->regs.r15;
	case 0: return &v->vmcb->save.rax;
	default: return &v->vmcb->save.rsp;
	}
}

/* ---- decoders: the VMCB into the record ---- */

static void dec_none(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_NONE;	/* INTR, NMI, SMI: the host takes them at STGI */
}

/* IRET, intercepted only while an injected NMI's handler runs.  The exit
 * comes before the instruction: NMIs stay masked until it has retired
 * (an NMI injected now would be taken in the old handler's frame, at the
 * IRET).  vcpu_offer_nmi (svm/run.c) unmasks them once RIP has left the
 * IRET, and steps over it when an NMI waits. */
static void dec_iret(struct svm_vcpu *v, struct vmm_exit *x)
{
	v->nmi_iret = true;
	v->nmi_iret_rip = v->vmcb->save.rip;
	v->vmcb->control.intercept1 &= ~SVM_INTERCEPT1_IRET;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
	x->reason = VMM_EXIT_NONE;
}

/* #DB, intercepted only while svmhv single-steps (svm/run.c): the step is
 * over.  The trap is svmhv's own unless the guest had TF set itself or
 * another cause shows in DR6 (a breakpoint): then the guest gets it, with
 * DR6 as the CPU left it (less svmhv's BS); else DR6 goes back to what the
 * guest had.  An NMI waiting for its handler's IRET may go in once RIP
 * has left the IRET. */
static void dec_db(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vmcb_save *s = &v->vmcb->save;
	x->reason = VMM_EXIT_NONE;
	if (!v->step) {
		vcpu_inject_exception(v, 1, false, 0);	/* not ours: the guest's */
		return;
	}
	u8 why = v->step;
	bool guest_tf = v->step_guest_tf;
	u64 old = v->step_dr6, dr6 = s->dr6;
	bool moved = s->rip != v->step_rip;
	svm_step_end(v);
	if (guest_tf || ((dr6 & ~old) & DR6_TRAPS)) {
		s->dr6 = guest_tf ? dr6 : (dr6 & ~DR6_BS) | (old & DR6_BS);
		vcpu_inject_exception(v, 1, false, 0);
	} else {
		s->dr6 = old;
	}
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_DRX);
	if ((why & SVM_STEP_IRET) && moved && v->nmi_iret) {
		v->irq.nmi_masked = false;
		v->nmi_iret = false;
	}
}

/* INTn, intercepted only while svmhv single-steps: the instruction in the
 * shadow is a software interrupt.  Run natively, it would push svmhv's TF
 * into the guest's frame and the trap would come only after the handler
 * returned; so svmhv delivers it itself - EVENTINJ with a software
 * interrupt and RIP (and NRIP, the return address with NRIP save) past
 * the instruction - and the step ends: its delivery ends the shadow, and
 * a waiting interrupt goes in behind it (V_IRQ in the same entry). */
static void dec_intn(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct insn in;
	x->reason = VMM_EXIT_NONE;
	if (!v->step) {
		x->reason = VMM_EXIT_UNHANDLED;
		x->u.unhandled.code = SVM_EXIT_SWINT;
		return;
	}
	if (decode_at_rip(v, &in) || in.kind != INSN_INT) {
		vm_request_stop(v->vm, STOP_ERROR, "INTn exit at RIP %#lx: not an INT n there",
				v->vmcb->save.rip);
		x->reason = VMM_EXIT_STOPPED;
		return;
	}
	svm_step_end(v);
	/* Not advance_rip: the INTn is not emulated here but delivered through
	 * EVENTINJ, and that delivery (which clears TF for the handler, the
	 * guest's own TF saved in its frame) is what the guest sees next, not
	 * a single-step #DB that EVENTINJ would then overwrite. */
	v->vmcb->save.rip = rip_after(&v->vmcb->save, in.len);
	v->vmcb->control.int_shadow &= ~VMCB_INT_SHADOW;
	v->vmcb->control.nrip = v->vmcb->save.rip;
	v->vmcb->control.eventinj = vmcb_event((u8)in.imm, VMCB_EVENT_TYPE_SOFT, false, 0);
	v->softint_injected = true;
}

static void dec_ud(struct svm_vcpu *v, struct vmm_exit *x)
{
	vcpu_inject_exception(v, 6, false, 0);	/* SVM instructions do not exist for guests */
	x->reason = VMM_EXIT_NONE;
}

/* The pause filter counted a spin loop: let the vCPU it waits for run.
 * RIP stays: the PAUSE runs again, against a fresh count. */
static void dec_pause(struct svm_vcpu *v, struct vmm_exit *x)
{
	sched_yield();
	x->reason = VMM_EXIT_NONE;
}

/* XCR0 is the vCPU's own (svm/gstate.c); a refused value faults in the
 * guest as it would on the CPU. */
static void dec_xsetbv(struct svm_vcpu *v, struct vmm_exit *x)
{
	u64 val = (v->vmcb->save.rax & 0xffffffffULL) | (v->regs.rdx << 32);
	int vec = gstate_xsetbv(v, (u32)v->regs.rcx, val);
	x->reason = VMM_EXIT_NONE;
	if (vec >= 0)
		vcpu_inject_exception(v, (u8)vec, vec == 13, 0);
	else if (skip_insn(v, 0, 0))		/* XSETBV: the decoder */
		x->reason = VMM_EXIT_STOPPED;
}

/* The source of a MOV to CR`n` (kind INSN_MOV_TO_CR) or DR`n`
 * (INSN_MOV_TO_DR) that exited: the GPR from decode assists, else from
 * the instruction at RIP (whose length goes to *len; 0 with decode
 * assists), 32 bits wide outside 64-bit code.  False, with the VM stopped,
 * when RIP holds no such MOV. */
static bool mov_write_operand(struct svm_vcpu *v, enum insn_kind kind, unsigned int n, u64 *val,
			      unsigned int *len)
{
	const struct vmcb_control *c = &v->vmcb->control;
	const char *what = kind == INSN_MOV_TO_CR ? "CR" : "DR";
	unsigned int gpr;
	*len = 0;
	if (svm_feat.decode_assists && (c->exitinfo1 & SVM_CRDR_MOV)) {
		gpr = (unsigned int)(c->exitinfo1 & SVM_CRDR_GPR);
	} else {
		struct insn in;
		int r = decode_at_rip(v, &in);
		if (r || in.kind != kind || in.reg != n) {
			vm_request_stop(v->vm, STOP_ERROR, "%s%u write exit at RIP %#lx: not a MOV to "
					"%s%u (%d)", what, n, v->vmcb->save.rip, what, n, r);
			return false;
		}
		gpr = in.rm;
		*len = in.len;
	}
	*val = *gpr_ptr(v, gpr);
	if (cs_mode_bits(&v->vmcb->save) != 64)
		*val &= 0xffffffffULL;
	return true;
}

/* RIP past the MOV to CRn or DRn that exited: NRIP, else the length the decoder
 * found, else (decode assists without NRIP) the decoder now.  0, or 1 when
 * the VM was stopped. */
static int skip_mov_write(struct svm_vcpu *v, unsigned int len)
{
	if (svm_nrip_valid(v->vmcb)) {
		advance_rip(v, v->vmcb->control.nrip);
		return 0;
	}
	if (len) {
		advance_rip_by(v, len);
		return 0;
	}
	return skip_insn(v, 0, 0);
}

/* MOV to CR8, intercepted only while a vector waits on it: V_IRQ holds
 * one, or the local APIC's TPR alone holds one back (svm/run.c,
 * vcpu_cr8_intercept).  The TPR as the CPU would set it - the local
 * APIC's on a pc VM (which may now offer the vector; V_TPR follows at the
 * next entry), else V_TPR itself - and the vector offered again against
 * it at the next entry.  The register comes from decode assists when the
 * CPU has them, else from the instruction (REX.R CR8 or AMD's LOCK MOV
 * CR0).  Bits 63:4 set: #GP(0), which the CPU checks after the intercept
 * (APM vol. 2, 15.7; vol. 3, MOV CRn). */
static void dec_cr8_write(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vmcb_control *c = &v->vmcb->control;
	unsigned int len;
	u64 val;
	x->reason = VMM_EXIT_NONE;
	if (!mov_write_operand(v, INSN_MOV_TO_CR, 8, &val, &len)) {
		x->reason = VMM_EXIT_STOPPED;
		return;
	}
	if (val & ~(u64)VMCB_VINTR_TPR) {
		vcpu_inject_exception(v, 13, true, 0);
		return;
	}
	v->ev.cr8_exits++;
	if (v->lapic) {
		vcpu_lapic_set_cr8(svm_vcpu_core(v), (u8)val);
	} else {
		c->vintr = (c->vintr & ~VMCB_VINTR_TPR) | val;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_TPR);
	}
	if (skip_mov_write(v, len))
		x->reason = VMM_EXIT_STOPPED;
}

/* MOV to CR4, always intercepted (svm/backend.c): the core checks and
 * applies the value (vmm/cr.c); svm_exit_complete moves RIP on. */
static void dec_cr4_write(struct svm_vcpu *v, struct vmm_exit *x)
{
	unsigned int len;
	u64 val;
	if (!mov_write_operand(v, INSN_MOV_TO_CR, 4, &val, &len)) {
		x->reason = VMM_EXIT_STOPPED;
		return;
	}
	x->reason = VMM_EXIT_CR_WRITE;
	x->u.cr.cr = 4;
	x->u.cr.value = val;
	v->cr_len = (u8)len;
}

/* MOV to DR0-3, DR5 or DR7, always intercepted (svm/backend.c says why).
 * DR0-3 are the vCPU's own (svm/gstate.c); DR7 (and DR5, its alias while
 * CR4.DE is clear) goes into the VMCB.  As the CPU would: DR5 with CR4.DE
 * set is #UD; with DR7.GD set the access is a #DB fault with DR6.BD and
 * GD cleared; DR7 bits 63:32 set is #GP(0) (APM vol. 2, 13.1.1). */
static void dec_dr_write(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vmcb_save *s = &v->vmcb->save;
	unsigned int n = (unsigned int)(v->vmcb->control.exitcode - SVM_EXIT_WRITE_DR0), len;
	u64 val;
	x->reason = VMM_EXIT_NONE;
	if (n == 5 && (s->cr4 & CR4_DE)) {
		vcpu_inject_exception(v, 6, false, 0);
		return;
	}
	if (s->dr7 & DR7_GD) {
		s->dr6 = (s->dr6 & ~DR6_TRAP_BITS) | DR6_FIXED_1 | DR6_BD;
		s->dr7 &= ~DR7_GD;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_DRX);
		vcpu_inject_exception(v, 1, false, 0);
		return;
	}
	if (!mov_write_operand(v, INSN_MOV_TO_DR, n, &val, &len)) {
		x->reason = VMM_EXIT_STOPPED;
		return;
	}
	if (n < 4) {
		gstate_set_dr(v, n, val);
	} else {
		if (val >> 32) {
			vcpu_inject_exception(v, 13, true, 0);
			return;
		}
		s->dr7 = (val & ~DR7_ZERO_BITS) | DR7_FIXED_1;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_DRX);
	}
	if (skip_mov_write(v, len))
		x->reason = VMM_EXIT_STOPPED;
}

static void dec_shutdown(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_SHUTDOWN;
}

static void dec_hlt(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_HLT;
}

/* The bytes the CPU saved with decode assists, else from guest memory. */
static int decode_for_mmio(struct svm_vcpu *v, struct insn *in)
{
	const struct vmcb *vm = v->vmcb;
	if (svm_use_decode_assists_bytes(vm) &&
	    !insn_decode(vm->control.insn_bytes, vm->control.insn_len, cs_mode_bits(&vm->save), in))
		return 0;
	return decode_at_rip(v, in);
}

/* A load or store to a device's MMIO range: the instruction says the size,
 * the direction and (for a store) the value; how to finish a load is kept
 * for svm_exit_complete. */
static void dec_mmio(struct svm_vcpu *v, struct vmm_exit *x, u64 gpa)
{
	struct insn in;
	int r = decode_for_mmio(v, &in);
	if (r || !(in.kind == INSN_MOV_LOAD || in.kind == INSN_MOV_STORE || in.kind == INSN_MOV_IMM ||
		   in.kind == INSN_MOVZX)) {
		vm_request_stop(v->vm, STOP_ERROR, "MMIO access at GPA %#lx by an instruction "
				"that is not emulated (RIP %#lx)", gpa, v->vmcb->save.rip);
		x->reason = VMM_EXIT_STOPPED;
		return;
	}
	struct vmm_exit_mmio *m = &x->u.mmio;
	x->reason = VMM_EXIT_MMIO;
	m->gpa = gpa;
	m->size = in.size;
	m->write = in.is_write;
	m->data = 0;
	if (in.kind == INSN_MOV_IMM) {
		m->data = in.imm;
	} else if (in.is_write) {
		u64 reg = *gpr_ptr(v, in.reg);
		m->data = in.reg_high8 ? (reg >> 8) & 0xff : reg;
		if (in.size < 8)
			m->data &= (1ULL << (in.size * 8)) - 1;
	}
	v->mmio_reg = in.reg;
	v->mmio_movzx = in.kind == INSN_MOVZX;
	v->mmio_op_size = in.kind == INSN_MOVZX ? in.op_size : in.size;
	v->mmio_skip_reg = in.reg_high8;
	v->mmio_len = in.len;
}

/* A device's MMIO range; else a page of guest RAM the host had withdrawn
 * (give it back and let the access, or the event delivery it was part of,
 * happen again); else an access outside RAM, which stops the guest. */
static void dec_npf(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vm *vm = v->vm;
	u64 gpa = v->vmcb->control.exitinfo2, err = v->vmcb->control.exitinfo1;
	if (vcpu_mmio_claimed(svm_vcpu_core(v), gpa)) {
		dec_mmio(v, x, gpa);
		return;
	}
	if (gpa < vm->ram_size && !npt_leaf(&vm->npt, gpa, NULL) &&
	    !npt_set_present(&vm->npt, gpa & ~0xfffULL, true)) {
		x->reason = VMM_EXIT_NONE;
		return;
	}
	x->reason = VMM_EXIT_NPF;
	x->u.npf.gpa = gpa;
	x->u.npf.error = err;
	x->u.npf.access = err & SVM_NPF_FETCH ? VMM_ACCESS_FETCH :
			  err & SVM_NPF_WRITE ? VMM_ACCESS_WRITE : VMM_ACCESS_READ;
}

static const exit_decoder_t exit_decoders[SVM_EXIT_NR_INDEXED] = {
	[SVM_EXIT_INTR]     = dec_none,
	[SVM_EXIT_NMI]      = dec_none,
	[SVM_EXIT_SMI]      = dec_none,
	[SVM_EXIT_VINTR]    = dec_none,
	[SVM_EXIT_CPUID]    = dec_cpuid,
	[SVM_EXIT_HLT]      = dec_hlt,
	[SVM_EXIT_IRET]     = dec_iret,
	[SVM_EXIT_SWINT]    = dec_intn,
	[SVM_EXIT_EXCP_DB]  = dec_db,
	[SVM_EXIT_PAUSE]    = dec_pause,
	[SVM_EXIT_IOIO]     = dec_ioio,
	[SVM_EXIT_MSR]      = dec_msr,
	[SVM_EXIT_SHUTDOWN] = dec_shutdown,
	[SVM_EXIT_VMRUN]    = dec_ud,
	[SVM_EXIT_VMMCALL]  = dec_vmmcall,
	[SVM_EXIT_VMLOAD]   = dec_ud,
	[SVM_EXIT_VMSAVE]   = dec_ud,
	[SVM_EXIT_STGI]     = dec_ud,
	[SVM_EXIT_CLGI]     = dec_ud,
	[SVM_EXIT_SKINIT]   = dec_ud,
	[SVM_EXIT_INVLPGA]  = dec_ud,
	[SVM_EXIT_XSETBV]   = dec_xsetbv,
	[SVM_EXIT_WRITE_CR4] = dec_cr4_write,
	[SVM_EXIT_WRITE_DR0] = dec_dr_write,
	[SVM_EXIT_WRITE_DR1] = dec_dr_write,
	[SVM_EXIT_WRITE_DR2] = dec_dr_write,
	[SVM_EXIT_WRITE_DR3] = dec_dr_write,
	[SVM_EXIT_WRITE_DR5] = dec_dr_write,
	[SVM_EXIT_WRITE_DR7] = dec_dr_write,
	[SVM_EXIT_WRITE_CR8] = dec_cr8_write,
};

/* VMEXIT_INVALID, or an exit with no decoder: the VMCB by name, for the
 * log, before the core stops the guest. */
static __attribute__((noinline, cold)) void dec_bad(struct svm_vcpu *v, struct vmm_exit *x, u64 code)
{
	if (svm_exit_is_invalid(code)) {
		kprintf("svm: guest %s vCPU %u: VMRUN refused the guest state (VMEXIT_INVALID)\n",
			v->vm->cfg.name, v->index);
		x->reason = VMM_EXIT_INVALID;
	} else {
		kprintf("svm: guest %s vCPU %u: unhandled exit %#lx (%s)\n", v->vm->cfg.name, v->index,
			code, svm_exit_name(code));
		x->reason = VMM_EXIT_UNHANDLED;
		x->u.unhandled.code = code;
	}
	vmcb_dump(v->vmcb);
}

/* Everything but the hot exits: NPF, then the table. */
static __attribute__((noinline)) void exit_decode_table(struct svm_vcpu *v, struct vmm_exit *x, u64 code)
{
	if (code == SVM_EXIT_NPF) {
		dec_npf(v, x);
		return;
	}
	exit_decoder_t d = code < SVM_EXIT_NR_INDEXED ? exit_decoders[code] : NULL;
	if (__builtin_expect(!d, 0)) {
		dec_bad(v, x, code);	/* VMEXIT_INVALID (negative) lands here too */
		return;
	}
	d(v, x);
}

/* The exits a guest takes most often are decoded inline (a switch on the
 * exit code, no call through the table); the table has them too. */
void svm_exit_decode(struct svm_vcpu *v, struct vmm_exit *x)
{
	const struct vmcb *vm = v->vmcb;
	u64 code = vm->control.exitcode;
	v->last_exit_stat = svm_exit_index(code);
	x->vcpu = v->index;
	x->rip = vm->save.rip;
	x->inject.valid = 0;
	switch (code) {
	case SVM_EXIT_IOIO:	dec_ioio(v, x); return;
	case SVM_EXIT_VMMCALL:	dec_vmmcall(v, x); return;
	case SVM_EXIT_CPUID:	dec_cpuid(v, x); return;
	case SVM_EXIT_MSR:	dec_msr(v, x); return;
	case SVM_EXIT_HLT:	dec_hlt(v, x); return;
	case SVM_EXIT_INTR:	dec_none(v, x); return;
	default:		exit_decode_table(v, x, code); return;
	}
}

/* ---- the answer into the VMCB ---- */

static void apply_mmio_load(struct svm_vcpu *v, u64 val)
{
	u64 *reg = gpr_ptr(v, v->mmio_reg);
	u8 osz = v->mmio_op_size;
	if (osz == 8 || osz == 4)
		*reg = osz == 4 ? (val & 0xffffffffULL) : val;
	else if (osz == 2)
		*reg = (*reg & ~0xffffULL) | (val & 0xffff);
	else
		*reg = (*reg & ~0xffULL) | (val & 0xff);
}

int svm_exit_complete(struct vcpu *vcpu, struct vmm_exit *x)
{
	struct svm_vcpu *v = to_svm(vcpu);
	struct vmcb_save *s = &v->vmcb->save;
	if (x->inject.valid) {
		vcpu_inject_exception(v, x->inject.vector, x->inject.has_error, x->inject.error);
		return 0;
	}
	switch (x->reason) {
	case VMM_EXIT_HYPERCALL:
		return apply_hypercall(v, &x->u.hypercall);
	case VMM_EXIT_CPUID:
		return apply_cpuid(v, &x->u.cpuid);
	case VMM_EXIT_MSR:
		return apply_msr(v, &x->u.msr);
	case VMM_EXIT_HLT:
		return skip_insn(v, 1, OP_HLT);
	case VMM_EXIT_CR_WRITE:
		return skip_mov_write(v, v->cr_len);
	case VMM_EXIT_IO:
		apply_io(v, &x->u.io);
		return 0;
	case VMM_EXIT_MMIO: {
		if (!x->u.mmio.write && !v->mmio_skip_reg)
			apply_mmio_load(v, v->mmio_movzx ? x->u.mmio.data & (x->u.mmio.size == 1 ? 0xff : 0xffff)
							 : x->u.mmio.data);
		u64 rip = s->rip + v->mmio_len;
		if (cs_mode_bits(s) != 64)
			rip &= 0xffffffffULL;
		advance_rip(v, rip);
		return 0;
	}
	default:
		return 0;
	}
}

int svm_handle_exit(struct svm_vcpu *v)
{
	struct vmm_exit x;
	svm_exit_decode(v, &x);
	if (x.reason == VMM_EXIT_NONE)
		return 0;
	return vcpu_handle_exit(svm_vcpu_core(v), &x);
}
