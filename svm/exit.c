/* svm/exit.c - what happens on each #VMEXIT: one const table of handlers
 * indexed by exit code, with VMEXIT_INVALID and NPF handled before any
 * indexing.  An exit with no handler dumps the VMCB and stops that guest
 * only.  Handlers return 0 to resume the guest, non-zero when it stops.
 * The hypercall ABI is hw/svmhv_hypercall.h (docs/hypercalls.md explains it). */
#include "svm/svm.h"
#include "svm/decode.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "drivers/timer.h"
#include "hw/svmhv_hypercall.h"
#include "hw/lapic.h"
#include "hw/uart16550.h"

#define COM1_BASE	UART_COM1_BASE
#define COM1_LSR	(COM1_BASE + UART_LSR)
#define COM1_SCR	(COM1_BASE + UART_SCR)

/* The MMIO page a guest may touch for benchmarks: accesses fault (NPF)
 * and are emulated here. */
#define MMIO_BENCH_GPA	0xfeb00000ULL

typedef int (*exit_handler_t)(struct vcpu *v);

u32 svm_exit_index(u64 code)
{
	u64 c = svm_exit_normalize(code);
	return c < SVM_EXIT_NR_INDEXED ? (u32)c : SVM_EXIT_NR_INDEXED;
}

/* ---- guest memory ---- */

int guest_read(struct guest *g, u64 gpa, void *buf, size_t len)
{
	if (gpa >= g->ram_size || len > g->ram_size - gpa)
		return -EFAULT;
	memcpy(buf, g->ram + gpa, len);
	return 0;
}

static int read_phys_cb(void *ctx, u64 gpa, void *buf, size_t len)
{
	return guest_read(ctx, gpa, buf, len);
}

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
static int decode_at_rip(struct vcpu *v, struct insn *in)
{
	const struct vmcb_save *s = &v->vmcb->save;
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
			if (guest_walk(s->cr0, s->cr4, s->efer, s->cr3, l & ~0xfffULL, read_phys_cb,
				       v->guest, &page_gpa))
				break;
			page = l & ~0xfffULL;
		}
		if (guest_read(v->guest, page_gpa + (l & 0xfff), &bytes[n], 1))
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
static inline void advance_rip(struct vcpu *v, u64 rip)
{
	v->vmcb->save.rip = rip;
	v->vmcb->control.int_shadow &= ~VMCB_INT_SHADOW;
}

/* Moves RIP past the intercepted instruction: NRIP when the CPU saves it,
 * else by decoding the instruction (QEMU's TCG has no NRIP save). */
/* The plain encoding of the instruction an exit intercepted, when it has
 * exactly one: with those bytes at RIP the length is known without the
 * decoder.  A prefixed or otherwise unusual form falls back to decoding. */
static unsigned int plain_encoding(const struct vmcb *vm, const u8 **op)
{
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 }, cpuid[] = { 0x0f, 0xa2 },
			rdmsr[] = { 0x0f, 0x32 }, wrmsr[] = { 0x0f, 0x30 }, hlt[] = { 0xf4 };
	switch (vm->control.exitcode) {
	case SVM_EXIT_VMMCALL: *op = vmmcall; return sizeof(vmmcall);
	case SVM_EXIT_CPUID:   *op = cpuid; return sizeof(cpuid);
	case SVM_EXIT_MSR:     *op = (vm->control.exitinfo1 & 1) ? wrmsr : rdmsr; return 2;
	case SVM_EXIT_HLT:     *op = hlt; return sizeof(hlt);
	default:               return 0;
	}
}

/* Whether the `n` bytes at CS:RIP are `op`: one guest page walk, a direct
 * read of guest RAM; false when they straddle a page or are not RAM. */
static bool plain_at_rip(struct vcpu *v, const u8 *op, unsigned int n)
{
	const struct vmcb_save *s = &v->vmcb->save;
	u64 lin = s->rip;
	if (!(s->efer & EFER_LMA) || !(s->cs.attrib & VMCB_ATTR_L))
		lin = (lin + s->cs.base) & 0xffffffffULL;
	if ((lin & 0xfff) + n > 0x1000)
		return false;
	u64 gpa = lin;
	if ((s->cr0 & CR0_PG) &&
	    guest_walk(s->cr0, s->cr4, s->efer, s->cr3, lin, read_phys_cb, v->guest, &gpa))
		return false;
	struct guest *g = v->guest;
	return gpa < g->ram_size && n <= g->ram_size - gpa && !memcmp(g->ram + gpa, op, n);
}

/* Moves RIP past the intercepted instruction: NRIP when the CPU saves it,
 * else its plain length when its plain bytes are at RIP, else by decoding
 * it (QEMU's TCG has no NRIP save). */
static int skip_insn(struct vcpu *v)
{
	struct vmcb *vm = v->vmcb;
	if (svm_nrip_valid(vm)) {
		advance_rip(v, vm->control.nrip);
		return 0;
	}
	const u8 *op;
	unsigned int len = plain_encoding(vm, &op);
	if (!len || !plain_at_rip(v, op, len)) {
		struct insn in;
		int r = decode_at_rip(v, &in);
		if (r) {
			guest_request_stop(v->guest, STOP_ERROR, "cannot decode the instruction at RIP %#lx (%d)",
					   vm->save.rip, r);
			return r;
		}
		len = in.len;
	}
	u64 rip = vm->save.rip + len;
	unsigned int bits = cs_mode_bits(&vm->save);
	if (bits == 16)
		rip &= 0xffff;
	else if (bits == 32)
		rip &= 0xffffffffULL;
	advance_rip(v, rip);
	return 0;
}

/* Hypercall arguments: 32 bits wide outside long mode. */
static u64 arg(struct vcpu *v, u64 val)
{
	return (v->vmcb->save.efer & EFER_LMA) ? val : (val & 0xffffffffULL);
}

/* ---- the guest's console (COM1 and HC_CONSOLE_WRITE) ---- */

static void con_flush(struct guest *g)
{
	if (!g->con_len)
		return;
	kprintf("[%s] %.*s\n", g->cfg.name, (int)g->con_len, g->con_line);
	g->con_len = 0;
}

static void con_putc(struct guest *g, char c)
{
	u64 f = spin_lock_irqsave(&g->lock);
	if (c == '\n') {
		con_flush(g);
	} else if (c != '\r') {
		if ((u8)c < 0x20 || (u8)c > 0x7e)
			c = '.';
		g->con_line[g->con_len++] = c;
		if (g->con_len == sizeof(g->con_line))
			con_flush(g);
	}
	spin_unlock_irqrestore(&g->lock, f);
}

void guest_console_flush(struct guest *g)
{
	u64 f = spin_lock_irqsave(&g->lock);
	con_flush(g);
	spin_unlock_irqrestore(&g->lock, f);
}

/* ---- handlers ---- */

static int handle_nothing(struct vcpu *v)
{
	return 0;	/* INTR, NMI, SMI: the host takes them at STGI */
}

static int handle_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, 6, false, 0);	/* SVM instructions do not exist for guests */
	return 0;
}

static int handle_shutdown(struct vcpu *v)
{
	guest_request_stop(v->guest, STOP_SHUTDOWN, "triple fault (shutdown) on vCPU %u near RIP %#lx",
			   v->index, v->vmcb->save.rip);
	return 1;
}

static int handle_hlt(struct vcpu *v)
{
	if (skip_insn(v))
		return 1;
	v->halted = true;
	return 0;
}

static int handle_cpuid(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	u32 leaf = (u32)s->rax, sub = (u32)v->regs.rcx;
	u32 a = 0, b = 0, c = 0, d = 0;
	if (leaf >= SVMHV_CPUID_LEAF && leaf < SVMHV_CPUID_END) {
		if (leaf == SVMHV_CPUID_LEAF) {
			a = SVMHV_CPUID_MAX;
			b = SVMHV_SIG_EBX;
			c = SVMHV_SIG_ECX;
			d = SVMHV_SIG_EDX;
		}
	} else if ((leaf < 0x80000000 && leaf <= cpu_info.max_leaf) ||
		   (leaf >= 0x80000000 && leaf <= cpu_info.max_ext_leaf)) {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		if (leaf == 1) {
			c |= BIT(31);			/* a hypervisor is present */
			c &= ~(BIT(21) | BIT(3));	/* no x2APIC, no MONITOR */
			b = (b & 0x00ffffff) | (v->index << 24);
		} else if (leaf == 0x80000001) {
			c &= ~BIT(2);			/* SVM is hidden from guests */
		} else if (leaf == 0x8000000A) {
			a = b = c = d = 0;
		}
		if (leaf == 1 || leaf == 0xd)
			gstate_cpuid(v, leaf, sub, &a, &b, &c, &d);
	}
	s->rax = a;
	v->regs.rbx = b;
	v->regs.rcx = c;
	v->regs.rdx = d;
	return skip_insn(v) ? 1 : 0;
}

static int hc_test_result(struct vcpu *v)
{
	struct guest *g = v->guest;
	u64 result = arg(v, v->regs.rbx), name_gpa = arg(v, v->regs.rcx), value = arg(v, v->regs.rdx);
	char name[HC_TEST_NAME_MAX + 1];
	memset(name, 0, sizeof(name));
	for (u32 i = 0; i < HC_TEST_NAME_MAX; i++) {
		if (guest_read(g, name_gpa + i, &name[i], 1)) {
			if (!i)
				return -EFAULT;
			break;
		}
		if (!name[i])
			break;
		if ((u8)name[i] < 0x20 || (u8)name[i] > 0x7e)
			name[i] = '?';
	}
	const char *word = result == HC_TR_PASS ? "ok" : result == HC_TR_SKIP ? "skip" : "not ok";
	guest_console_flush(g);
	kprintf("guest %s: %s %s (value %#lx)\n", g->cfg.name, word, name, value);
	u64 f = spin_lock_irqsave(&g->lock);
	if (g->nresults < GUEST_MAX_RESULTS) {
		struct guest_result *gr = &g->results[g->nresults++];
		memcpy(gr->name, name, sizeof(gr->name));
		gr->result = (u8)(result > HC_TR_SKIP ? HC_TR_FAIL : result);
		gr->value = value;
	}
	if (result == HC_TR_PASS)
		g->results_pass++;
	else if (result == HC_TR_SKIP)
		g->results_skip++;
	else
		g->results_fail++;
	spin_unlock_irqrestore(&g->lock, f);
	return 0;
}

static int handle_vmmcall(struct vcpu *v)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct guest *g = v->guest;
	u64 fn = arg(v, s->rax);
	s64 ret = 0;
	bool yield = false;
	switch (fn) {
	case HC_NOP:
		break;
	case HC_CONSOLE_WRITE: {
		u64 gpa = arg(v, v->regs.rbx), len = arg(v, v->regs.rcx);
		if (len > HC_CONSOLE_MAX || gpa >= g->ram_size || len > g->ram_size - gpa) {
			ret = -EFAULT;
			break;
		}
		for (u64 i = 0; i < len; i++)
			con_putc(g, (char)g->ram[gpa + i]);
		ret = 0;
		break;
	}
	case HC_EXIT: {
		u64 st = arg(v, v->regs.rbx);
		g->exit_status = (v->vmcb->save.efer & EFER_LMA) ? (s64)st : (s64)(s32)st;
		guest_console_flush(g);
		guest_request_stop(g, STOP_HYPERCALL, "exit hypercall with status %ld", g->exit_status);
		skip_insn(v);
		return 1;
	}
	case HC_TEST_RESULT:
		ret = hc_test_result(v);
		break;
	case HC_INFO:
		ret = v->index;
		v->regs.rbx = g->nvcpus;
		v->regs.rcx = g->ram_size;
		break;
	case HC_TIMER: {
		u64 us = arg(v, v->regs.rbx), vec = arg(v, v->regs.rcx);
		if (us == 0) {
			/* Cancelling also withdraws an expiry the guest has not
			 * taken yet (docs/hypercalls.md). */
			v->vtimer_deadline = 0;
			v->virq_pending = false;
		} else if (vec < HC_TIMER_VEC_MIN || vec > HC_TIMER_VEC_MAX || us > HC_TIMER_US_MAX) {
			ret = -EINVAL;
		} else {
			v->vtimer_vector = (u8)vec;
			v->vtimer_deadline = rdtsc() + ns_to_tsc(us * 1000);
		}
		break;
	}
	case HC_YIELD:
		yield = true;
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	s->rax = (u64)ret;
	if (skip_insn(v))
		return 1;
	if (yield)
		sched_yield();
	return 0;
}

static int handle_ioio(struct vcpu *v)
{
	struct vmcb *vm = v->vmcb;
	struct guest *g = v->guest;
	u64 info = vm->control.exitinfo1;
	u16 port = svm_ioio_port(info);
	unsigned int size = svm_ioio_size(info);	/* 1, 2 or 4 */
	u64 mask = size == 4 ? 0xffffffffULL : size == 2 ? 0xffffULL : 0xffULL;
	bool in = info & SVM_IOIO_IN;

	if (info & SVM_IOIO_STR) {
		/* INS/OUTS are not emulated: treated as dropped, not as data. */
		g->io_dropped++;
	} else if (in) {
		u64 val = mask;		/* nothing there: all ones */
		if (port == COM1_LSR)
			val = UART_LSR_THRE | UART_LSR_TEMT;	/* transmitter empty */
		else if (port == COM1_SCR)
			val = g->io_scratch;
		else if (port >= COM1_BASE && port < COM1_BASE + UART_NR_PORTS)
			val = 0;
		else
			g->io_unhandled_reads++;
		u64 rax = vm->save.rax;
		if (size == 4)
			rax = val & mask;	/* a 32-bit IN zero-extends */
		else
			rax = (rax & ~mask) | (val & mask);
		vm->save.rax = rax;
	} else {
		u64 val = vm->save.rax & mask;
		if (port == COM1_BASE)
			con_putc(g, (char)val);
		else if (port == COM1_SCR)
			g->io_scratch = (u8)val;
		else if (!(port > COM1_BASE && port < COM1_BASE + UART_NR_PORTS))
			g->io_dropped++;
	}
	advance_rip(v, vm->control.exitinfo2);	/* the next RIP, always given for IOIO */
	return 0;
}

static bool msr_read_allowed(struct vcpu *v, u32 msr, u64 *val)
{
	struct vmcb_save *s = &v->vmcb->save;
	switch (msr) {
	case MSR_EFER:           *val = s->efer & ~EFER_SVME; return true;
	case MSR_STAR:           *val = s->star; return true;
	case MSR_LSTAR:          *val = s->lstar; return true;
	case MSR_CSTAR:          *val = s->cstar; return true;
	case MSR_SFMASK:         *val = s->sfmask; return true;
	case MSR_FS_BASE:        *val = s->fs.base; return true;
	case MSR_GS_BASE:        *val = s->gs.base; return true;
	case MSR_KERNEL_GS_BASE: *val = s->kernel_gs_base; return true;
	case MSR_SYSENTER_CS:    *val = s->sysenter_cs; return true;
	case MSR_SYSENTER_ESP:   *val = s->sysenter_esp; return true;
	case MSR_SYSENTER_EIP:   *val = s->sysenter_eip; return true;
	case MSR_PAT:            *val = s->g_pat; return true;
	case 0x10:               *val = rdtsc() + v->vmcb->control.tsc_offset; return true;
	case MSR_APIC_BASE:      *val = LAPIC_DEFAULT_BASE | APIC_BASE_EN | APIC_BASE_BSP; return true;
	default:                 return false;
	}
}

static bool canonical(u64 a)
{
	return (u64)((s64)(a << 16) >> 16) == a;
}

static bool msr_write_allowed(struct vcpu *v, u32 msr, u64 val)
{
	struct vmcb_save *s = &v->vmcb->save;
	switch (msr) {
	case MSR_EFER: {
		u64 ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
		if (val & ~ok)
			return false;	/* SVME or reserved bits: #GP */
		s->efer = (val & ~EFER_LMA) | (s->efer & EFER_LMA) | EFER_SVME;
		vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_CRX);
		return true;
	}
	case MSR_STAR:           s->star = val; return true;
	case MSR_LSTAR:          if (!canonical(val)) return false; s->lstar = val; return true;
	case MSR_CSTAR:          if (!canonical(val)) return false; s->cstar = val; return true;
	case MSR_SFMASK:         s->sfmask = val & 0xffffffffULL; return true;
	case MSR_FS_BASE:        if (!canonical(val)) return false; s->fs.base = val; return true;
	case MSR_GS_BASE:        if (!canonical(val)) return false; s->gs.base = val; return true;
	case MSR_KERNEL_GS_BASE: if (!canonical(val)) return false; s->kernel_gs_base = val; return true;
	case MSR_SYSENTER_CS:    s->sysenter_cs = val & 0xffff; return true;
	case MSR_SYSENTER_ESP:   s->sysenter_esp = val; return true;
	case MSR_SYSENTER_EIP:   s->sysenter_eip = val; return true;
	case MSR_PAT:            s->g_pat = val; vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_NP); return true;
	default:                 return false;
	}
}

static int handle_msr(struct vcpu *v)
{
	struct vmcb *vm = v->vmcb;
	u32 msr = (u32)v->regs.rcx;
	bool write = vm->control.exitinfo1 & 1;
	if (write) {
		u64 val = (vm->save.rax & 0xffffffffULL) | (v->regs.rdx << 32);
		if (!msr_write_allowed(v, msr, val)) {
			vcpu_inject_exception(v, 13, true, 0);
			return 0;
		}
	} else {
		u64 val;
		if (!msr_read_allowed(v, msr, &val)) {
			vcpu_inject_exception(v, 13, true, 0);
			return 0;
		}
		vm->save.rax = val & 0xffffffffULL;
		v->regs.rdx = val >> 32;
	}
	return skip_insn(v) ? 1 : 0;
}

/* The one emulated MMIO page: loads read a fixed pattern, stores are
 * dropped.  Anything else outside guest RAM stops the guest. */
static u64 *gpr_ptr(struct vcpu *v, unsigned int reg)
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

/* The bytes the CPU saved with decode assists, else from guest memory. */
static int decode_for_mmio(struct vcpu *v, struct insn *in)
{
	const struct vmcb *vm = v->vmcb;
	if (svm_use_decode_assists_bytes(vm) &&
	    !insn_decode(vm->control.insn_bytes, vm->control.insn_len, cs_mode_bits(&vm->save), in))
		return 0;
	return decode_at_rip(v, in);
}

static int handle_mmio(struct vcpu *v, u64 gpa)
{
	struct insn in;
	int r = decode_for_mmio(v, &in);
	if (r || !(in.kind == INSN_MOV_LOAD || in.kind == INSN_MOV_STORE || in.kind == INSN_MOV_IMM ||
		   in.kind == INSN_MOVZX)) {
		guest_request_stop(v->guest, STOP_ERROR, "MMIO access at GPA %#lx by an instruction "
				   "that is not emulated (RIP %#lx)", gpa, v->vmcb->save.rip);
		return 1;
	}
	if (!in.is_write && !in.reg_high8) {
		u64 val = 0x5a5a5a5a5a5a5a5aULL;
		u64 *reg = gpr_ptr(v, in.reg);
		u8 osz = in.kind == INSN_MOVZX ? in.op_size : in.size;
		if (in.kind == INSN_MOVZX)
			val &= in.size == 1 ? 0xff : 0xffff;
		if (osz == 8 || osz == 4)
			*reg = osz == 4 ? (val & 0xffffffffULL) : val;
		else if (osz == 2)
			*reg = (*reg & ~0xffffULL) | (val & 0xffff);
		else
			*reg = (*reg & ~0xffULL) | (val & 0xff);
	}
	u64 rip = v->vmcb->save.rip + in.len;
	if (cs_mode_bits(&v->vmcb->save) != 64)
		rip &= 0xffffffffULL;
	advance_rip(v, rip);
	return 0;
}

static int handle_npf(struct vcpu *v)
{
	u64 gpa = v->vmcb->control.exitinfo2, err = v->vmcb->control.exitinfo1;
	if (gpa >= MMIO_BENCH_GPA && gpa < MMIO_BENCH_GPA + 4096)
		return handle_mmio(v, gpa);
	/* A page of its RAM the host had withdrawn: give it back and let the
	 * access (or the event delivery it was part of) happen again. */
	if (gpa < v->guest->ram_size && !npt_leaf(&v->guest->npt, gpa, NULL) &&
	    !npt_set_present(&v->guest->npt, gpa & ~0xfffULL, true))
		return 0;
	guest_request_stop(v->guest, STOP_NPF, "%s outside its RAM at GPA %#lx (RIP %#lx, error %#lx)",
			   err & SVM_NPF_FETCH ? "instruction fetch" : err & SVM_NPF_WRITE ? "write" : "read",
			   gpa, v->vmcb->save.rip, err);
	return 1;
}

/* XCR0 is the vCPU's own (svm/gstate.c); a refused value faults in the
 * guest as it would on the CPU. */
static int handle_xsetbv(struct vcpu *v)
{
	u64 val = (v->vmcb->save.rax & 0xffffffffULL) | (v->regs.rdx << 32);
	int vec = gstate_xsetbv(v, (u32)v->regs.rcx, val);
	if (vec >= 0) {
		vcpu_inject_exception(v, (u8)vec, vec == 13, 0);
		return 0;
	}
	return skip_insn(v) ? 1 : 0;
}

/* The pause filter counted a spin loop: let the vCPU it waits for run.
 * RIP stays: the PAUSE runs again, against a fresh count. */
static int handle_pause(struct vcpu *v)
{
	sched_yield();
	return 0;
}

static const exit_handler_t exit_handlers[SVM_EXIT_NR_INDEXED] = {
	[SVM_EXIT_INTR]     = handle_nothing,
	[SVM_EXIT_NMI]      = handle_nothing,
	[SVM_EXIT_SMI]      = handle_nothing,
	[SVM_EXIT_VINTR]    = handle_nothing,
	[SVM_EXIT_CPUID]    = handle_cpuid,
	[SVM_EXIT_HLT]      = handle_hlt,
	[SVM_EXIT_PAUSE]    = handle_pause,
	[SVM_EXIT_IOIO]     = handle_ioio,
	[SVM_EXIT_MSR]      = handle_msr,
	[SVM_EXIT_SHUTDOWN] = handle_shutdown,
	[SVM_EXIT_VMRUN]    = handle_ud,
	[SVM_EXIT_VMMCALL]  = handle_vmmcall,
	[SVM_EXIT_VMLOAD]   = handle_ud,
	[SVM_EXIT_VMSAVE]   = handle_ud,
	[SVM_EXIT_STGI]     = handle_ud,
	[SVM_EXIT_CLGI]     = handle_ud,
	[SVM_EXIT_SKINIT]   = handle_ud,
	[SVM_EXIT_INVLPGA]  = handle_ud,
	[SVM_EXIT_XSETBV]   = handle_xsetbv,
};

int svm_handle_exit(struct vcpu *v)
{
	u64 code = v->vmcb->control.exitcode;
	if (svm_exit_is_invalid(code)) {
		kprintf("svm: guest %s vCPU %u: VMRUN refused the guest state (VMEXIT_INVALID)\n",
			v->guest->cfg.name, v->index);
		vmcb_dump(v->vmcb);
		guest_request_stop(v->guest, STOP_INVALID, "VMEXIT_INVALID: inconsistent guest state");
		return 1;
	}
	if (code == SVM_EXIT_NPF)
		return handle_npf(v);
	exit_handler_t h = code < SVM_EXIT_NR_INDEXED ? exit_handlers[code] : NULL;
	if (!h) {
		kprintf("svm: guest %s vCPU %u: unhandled exit %#lx (%s)\n", v->guest->cfg.name, v->index,
			code, svm_exit_name(code));
		vmcb_dump(v->vmcb);
		guest_request_stop(v->guest, STOP_UNHANDLED, "unhandled exit %#lx (%s)", code,
				   svm_exit_name(code));
		return 1;
	}
	return h(v);
}
