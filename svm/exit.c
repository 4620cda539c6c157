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
#include "vmm/decode.h"
#include "mm/pte.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "lib/string.h"

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

/* Every RIP advance over an instruction svmhv emulated goes through here.
 * The instruction has now retired, so an interrupt shadow it sat in (the
 * exit reports one after STI or MOV SS) is over: left set, it would hold
 * off interrupts for one more guest instruction, as `sti; hlt; cli` would
 * then show by never taking the interrupt that ended the HLT. */
static inline void advance_rip(struct svm_vcpu *v, u64 rip)
{
	struct vmcb *vm = v->vmcb;
	vm->save.rip = rip;
	vm->control.int_shadow &= ~VMCB_INT_SHADOW;
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

void svm_rip_xlat_forget(struct svm_vcpu *v)
{
	struct rip_xlat *c = &v->rip_xlat;
	c->page = 1;
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
		if (c->page == (lin & ~0xfffULL) && c->cr3 == s->cr3 && *c->pte[0] == c->val[0] &&
		    *c->pte[1] == c->val[1] && *c->pte[2] == c->val[2] && *c->pte[3] == c->val[3])
			return c->host + (lin & 0xfff);
		c->page = 1;
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
static inline void advance_rip_by(struct svm_vcpu *v, unsigned int len)
{
	const struct vmcb_save *s = &v->vmcb->save;
	u64 rip = s->rip + len;
	if (!(s->efer & EFER_LMA) || !(s->cs.attrib & VMCB_ATTR_L))
		rip &= cs_mode_bits(s) == 16 ? 0xffff : 0xffffffffULL;
	advance_rip(v, rip);
}

/* skip_insn the slow way: the walk, else the decoder.  0, or 1 when the
 * instruction cannot be read (the VM is stopped). */
static __attribute__((noinline)) int skip_insn_slow(struct svm_vcpu *v, unsigned int len, u32 op)
{
	len = insn_len_walked(v, len, op);
	if (!len)
		return 1;
	advance_rip_by(v, len);
	return 0;
}

/* Moves RIP past the intercepted instruction, whose plain encoding is
 * the `len` bytes of `op` (little-endian; len 0: none): NRIP when the CPU
 * saves it (QEMU's TCG does not); else, in long mode with RIP's page
 * translated as cached (rip_bytes) and the entries it came from
 * unchanged, one four-byte load compared with `op`; else the walk or the
 * decoder (skip_insn_slow).  0, or 1 when the VM was stopped. */
static inline __attribute__((always_inline)) int skip_insn(struct svm_vcpu *v, unsigned int len, u32 op)
{
	struct vmcb *vm = v->vmcb;
	const struct vmcb_save *s = &vm->save;
	const struct rip_xlat *c = &v->rip_xlat;
	if (svm_nrip_valid(vm)) {
		advance_rip(v, vm->control.nrip);
		return 0;
	}
	u64 off = s->rip & 0xfff;
	if (len && (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L) && !(s->cr4 & CR4_LA57) &&
	    off <= 0x1000 - 4 && c->page == (s->rip & ~0xfffULL) && c->cr3 == s->cr3 &&
	    *c->pte[0] == c->val[0] && *c->pte[1] == c->val[1] && *c->pte[2] == c->val[2] &&
	    *c->pte[3] == c->val[3]) {
		u32 w;
		__builtin_memcpy(&w, c->host + off, 4);
		if ((w & (0xffffffffU >> (32 - 8 * len))) == op) {
			advance_rip(v, s->rip + len);	/* 64-bit code: no wrap */
			return 0;
		}
	}
	return skip_insn_slow(v, len, op);
}

/* The plain encodings, little-endian (APM vol. 3). */
#define OP_VMMCALL	0xd9010fU	/* 0f 01 d9 */
#define OP_CPUID	0xa20fU		/* 0f a2 */
#define OP_RDMSR	0x320fU		/* 0f 32 */
#define OP_WRMSR	0x300fU		/* 0f 30 */
#define OP_HLT		0xf4U		/* f4 */

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

/* IRET, intercepted only while an injected NMI's handler runs: NMIs are
 * unmasked as it returns (a new one is injected after the IRET at the
 * earliest: the intercept comes before the instruction, and the next
 * entry runs it before any event can be taken - an NMI injected with the
 * IRET still to run would be taken in the old handler's frame). */
static void dec_iret(struct svm_vcpu *v, struct vmm_exit *x)
{
	v->irq.nmi_masked = false;
	v->vmcb->control.intercept1 &= ~SVM_INTERCEPT1_IRET;
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_INTERCEPTS);
	x->reason = VMM_EXIT_NONE;
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

static void dec_shutdown(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_SHUTDOWN;
}

static void dec_hlt(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_HLT;
}

static void dec_cpuid(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_CPUID;
	x->u.cpuid.leaf = (u32)v->vmcb->save.rax;
	x->u.cpuid.subleaf = (u32)v->regs.rcx;
}

static void dec_msr(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_MSR;
	x->u.msr.index = (u32)v->regs.rcx;
	x->u.msr.write = v->vmcb->control.exitinfo1 & 1;
	x->u.msr.value = (v->vmcb->save.rax & 0xffffffffULL) | (v->regs.rdx << 32);
}

static void dec_vmmcall(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vmm_exit_hypercall *h = &x->u.hypercall;
	const struct vmcb_save *s = &v->vmcb->save;
	bool lm = (s->efer & EFER_LMA) != 0;
	u64 m = lm ? ~0ULL : 0xffffffffULL;	/* 32 bits wide outside long mode */
	u64 nr = s->rax & m;
	x->reason = VMM_EXIT_HYPERCALL;
	h->nr = nr;
	h->args[0] = v->regs.rbx & m;
	h->args[1] = v->regs.rcx & m;
	h->args[2] = v->regs.rdx & m;
	h->long_mode = lm;
}

static void dec_ioio(struct svm_vcpu *v, struct vmm_exit *x)
{
	u64 info = v->vmcb->control.exitinfo1;
	struct vmm_exit_io *io = &x->u.io;
	x->reason = VMM_EXIT_IO;
	io->port = svm_ioio_port(info);
	io->size = (u8)svm_ioio_size(info);	/* 1, 2 or 4 */
	io->in = (info & SVM_IOIO_IN) != 0;
	io->string = (info & SVM_IOIO_STR) != 0;
	io->data = v->vmcb->save.rax;
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
	if (vm_mmio_claimed(vm, gpa)) {
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
	case VMM_EXIT_HYPERCALL: {
		const struct vmm_exit_hypercall *h = &x->u.hypercall;
		if (h->nret > 0)
			s->rax = h->ret[0];
		if (h->nret > 1)
			v->regs.rbx = h->ret[1];
		if (h->nret > 2)
			v->regs.rcx = h->ret[2];
		return skip_insn(v, 3, OP_VMMCALL);
	}
	case VMM_EXIT_CPUID: {
		struct vmm_exit_cpuid *c = &x->u.cpuid;
		/* The XSAVE leaves as this vCPU's own XCR0 and CR4 make them. */
		if (__builtin_expect(c->leaf == 1 || c->leaf == 0xd, 0) && c->leaf <= cpu_info.max_leaf)
			gstate_cpuid(v, c->leaf, c->subleaf, &c->eax, &c->ebx, &c->ecx, &c->edx);
		s->rax = c->eax;
		v->regs.rbx = c->ebx;
		v->regs.rcx = c->ecx;
		v->regs.rdx = c->edx;
		return skip_insn(v, 2, OP_CPUID);
	}
	case VMM_EXIT_MSR:
		if (!x->u.msr.write) {
			s->rax = x->u.msr.value & 0xffffffffULL;
			v->regs.rdx = x->u.msr.value >> 32;
			return skip_insn(v, 2, OP_RDMSR);
		}
		return skip_insn(v, 2, OP_WRMSR);
	case VMM_EXIT_HLT:
		return skip_insn(v, 1, OP_HLT);
	case VMM_EXIT_IO: {
		const struct vmm_exit_io *io = &x->u.io;
		if (io->in && !io->string) {
			u64 mask = io->size == 4 ? 0xffffffffULL : io->size == 2 ? 0xffffULL : 0xffULL;
			if (io->size == 4)
				s->rax = io->data & mask;	/* a 32-bit IN zero-extends */
			else
				s->rax = (s->rax & ~mask) | (io->data & mask);
		}
		advance_rip(v, v->vmcb->control.exitinfo2);	/* the next RIP, always given for IOIO */
		return 0;
	}
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
