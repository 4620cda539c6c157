/* svm/exit_fast.h - the hot exits' pieces, inline for both users: the
 * decoders of VMMCALL, CPUID, RDMSR/WRMSR and IN/OUT into the core's exit
 * record, the one RIP advance, the instruction length from the plain
 * encoding at RIP (skip_insn), and the answer applied to the VMCB.
 * svm/exit.c (svm_exit_decode, svm_exit_complete) and the fused path of
 * svm/run.c (which answers these exits without going back to the run
 * loop, docs/architecture.md) include it; nothing else should. */
#ifndef SVMHV_SVM_EXIT_FAST_H
#define SVMHV_SVM_EXIT_FAST_H
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"

/* The plain encodings, little-endian (APM vol. 3). */
#define OP_VMMCALL	0xd9010fU	/* 0f 01 d9 */
#define OP_CPUID	0xa20fU		/* 0f a2 */
#define OP_RDMSR	0x320fU		/* 0f 32 */
#define OP_WRMSR	0x300fU		/* 0f 30 */
#define OP_HLT		0xf4U		/* f4 */

/* svm/exit.c: the single-step #DB an emulated instruction run with
 * RFLAGS.TF ends in. */
void svm_single_step_trap(struct svm_vcpu *v);

/* Every RIP advance over an instruction svmhv emulated goes through here.
 * The instruction has now retired, so an interrupt shadow it sat in (the
 * exit reports one after STI or MOV SS) is over: left set, it would hold
 * off interrupts for one more guest instruction, as `sti; hlt; cli` would
 * then show by never taking the interrupt that ended the HLT.  With TF
 * set it ends in a single-step trap. */
static inline void advance_rip(struct svm_vcpu *v, u64 rip)
{
	struct vmcb *vm = v->vmcb;
	vm->save.rip = rip;
	vm->control.int_shadow &= ~VMCB_INT_SHADOW;
	if (__builtin_expect(vm->save.rflags & RFLAGS_TF, 0))
		svm_single_step_trap(v);
}

/* skip_insn's slow half (svm/exit.c): the walk, else the decoder. */
int svm_skip_insn_slow(struct svm_vcpu *v, unsigned int len, u32 op);

/* Moves RIP past the intercepted instruction, whose plain encoding is
 * the `len` bytes of `op` (little-endian; len 0: none): NRIP when the CPU
 * saves it (QEMU's TCG does not); else, in long mode with RIP's page
 * translated as cached (rip_bytes) and the entries it came from
 * unchanged, one four-byte load compared with `op`; else the walk or the
 * decoder (svm_skip_insn_slow, svm/exit.c).  0, or 1 when the VM was stopped. */
static inline __attribute__((always_inline)) int skip_insn(struct svm_vcpu *v, unsigned int len, u32 op)
{
	struct vmcb *vm = v->vmcb;
	const struct vmcb_save *s = &vm->save;
	const struct rip_xlat *c = &v->rip_xlat;
	if (svm_nrip_valid(vm)) {
		advance_rip(v, vm->control.nrip);
		return 0;
	}
	/* RIP in the cached page with four bytes left in it, in one compare:
	 * page is page-aligned (or 1, empty), so a RIP below it wraps high. */
	u64 off = s->rip - c->page;
	if (len && (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L) && !(s->cr4 & CR4_LA57) &&
	    off <= 0x1000 - 4 && c->cr3 == s->cr3 &&
	    *c->pte[0] == c->val[0] && *c->pte[1] == c->val[1] && *c->pte[2] == c->val[2] &&
	    *c->pte[3] == c->val[3]) {
		u32 w;
		__builtin_memcpy(&w, c->host + off, 4);
		if ((w & (0xffffffffU >> (32 - 8 * len))) == op) {
			advance_rip(v, s->rip + len);	/* 64-bit code: no wrap */
			return 0;
		}
	}
	return svm_skip_insn_slow(v, len, op);
}


/* ---- decoders: the VMCB into the record ---- */

static inline void dec_cpuid(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_CPUID;
	x->u.cpuid.leaf = (u32)v->vmcb->save.rax;
	x->u.cpuid.subleaf = (u32)v->regs.rcx;
}

static inline void dec_msr(struct svm_vcpu *v, struct vmm_exit *x)
{
	x->reason = VMM_EXIT_MSR;
	x->u.msr.index = (u32)v->regs.rcx;
	x->u.msr.write = v->vmcb->control.exitinfo1 & 1;
	x->u.msr.value = (v->vmcb->save.rax & 0xffffffffULL) | (v->regs.rdx << 32);
}

static inline void dec_vmmcall(struct svm_vcpu *v, struct vmm_exit *x)
{
	struct vmm_exit_hypercall *h = &x->u.hypercall;
	const struct vmcb_save *s = &v->vmcb->save;
	x->reason = VMM_EXIT_HYPERCALL;
	if (__builtin_expect(s->efer & EFER_LMA, 1)) {
		h->nr = s->rax;
		h->args[0] = v->regs.rbx;
		h->args[1] = v->regs.rcx;
		h->args[2] = v->regs.rdx;
		h->args[3] = v->regs.rsi;
		h->long_mode = 1;
	} else {		/* 32 bits wide outside long mode */
		h->nr = (u32)s->rax;
		h->args[0] = (u32)v->regs.rbx;
		h->args[1] = (u32)v->regs.rcx;
		h->args[2] = (u32)v->regs.rdx;
		h->args[3] = (u32)v->regs.rsi;
		h->long_mode = 0;
	}
	h->cpl = s->cpl;
}

static inline void dec_ioio(struct svm_vcpu *v, struct vmm_exit *x)
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

/* ---- the answer into the VMCB ---- */

/* One helper per reason, shared by svm_exit_complete and the fused path;
 * each returns 0, or 1 when the VM was stopped. */
static inline __attribute__((always_inline)) int apply_hypercall(struct svm_vcpu *v,
								 const struct vmm_exit_hypercall *h)
{
	if (h->nret > 0)
		v->vmcb->save.rax = h->ret[0];
	if (__builtin_expect(h->nret > 1, 0)) {
		v->regs.rbx = h->ret[1];
		if (h->nret > 2)
			v->regs.rcx = h->ret[2];
	}
	return skip_insn(v, 3, OP_VMMCALL);
}

static inline __attribute__((always_inline)) int apply_cpuid(struct svm_vcpu *v, struct vmm_exit_cpuid *c)
{
	/* The XSAVE leaves as this vCPU's own XCR0 and CR4 make them. */
	if (__builtin_expect(c->leaf == 1 || c->leaf == 0xd, 0) && c->leaf <= cpu_info.max_leaf)
		gstate_cpuid(v, c->leaf, c->subleaf, &c->eax, &c->ebx, &c->ecx, &c->edx);
	v->vmcb->save.rax = c->eax;
	v->regs.rbx = c->ebx;
	v->regs.rcx = c->ecx;
	v->regs.rdx = c->edx;
	return skip_insn(v, 2, OP_CPUID);
}

static inline __attribute__((always_inline)) int apply_msr(struct svm_vcpu *v, const struct vmm_exit_msr *m)
{
	if (!m->write) {
		v->vmcb->save.rax = m->value & 0xffffffffULL;
		v->regs.rdx = m->value >> 32;
		return skip_insn(v, 2, OP_RDMSR);
	}
	return skip_insn(v, 2, OP_WRMSR);
}

static inline __attribute__((always_inline)) void apply_io(struct svm_vcpu *v, const struct vmm_exit_io *io)
{
	struct vmcb *vm = v->vmcb;
	if (io->in && !io->string) {
		u64 mask = io->size == 4 ? 0xffffffffULL : io->size == 2 ? 0xffffULL : 0xffULL;
		if (io->size == 4)
			vm->save.rax = io->data & mask;	/* a 32-bit IN zero-extends */
		else
			vm->save.rax = (vm->save.rax & ~mask) | (io->data & mask);
	}
	advance_rip(v, vm->control.exitinfo2);	/* the next RIP, always given for IOIO */
}
#endif
