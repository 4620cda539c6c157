/* vmm/decode.h - length decoder for the guest instructions that cause
 * #VMEXITs, and a guest page-table walker to find where those bytes live.
 *
 * Why it exists: with NRIP save (CPUID Fn8000_000A_EDX[3]) the CPU stores
 * the next RIP in the VMCB, and with decode assists it also stores the
 * instruction bytes.  QEMU's TCG offers neither, so after an intercept the
 * exit handlers fetch the bytes from guest memory (guest_walk() turns RIP
 * into a guest physical address) and insn_decode() says how long the
 * instruction is, what it is, and - for MMIO and port accesses - its
 * direction, size, register and immediate.
 *
 * Only the instructions svmhv intercepts, plus the MOV forms guests use for
 * MMIO, are recognised; anything else is refused rather than guessed.
 *
 * Pure file (vmm/decode.c): kernel and host unit tests.
 */
#ifndef SVMHV_VMM_DECODE_H
#define SVMHV_VMM_DECODE_H

#include "lib/types.h"

/* Architectural limit: a longer instruction raises #GP (APM vol. 3, 1.1). */
#define INSN_MAX_LEN	15

enum insn_kind {
	INSN_UNKNOWN = 0,
	/* 0F xx */
	INSN_CPUID,		/* 0F A2 */
	INSN_RDMSR,		/* 0F 32 */
	INSN_WRMSR,		/* 0F 30 */
	INSN_RDTSC,		/* 0F 31 */
	INSN_RDPMC,		/* 0F 33 */
	INSN_INVD,		/* 0F 08 */
	INSN_WBINVD,		/* 0F 09; F3 0F 09 (WBNOINVD) too: same intercept */
	/* 0F 01 with a register-form ModRM byte */
	INSN_RDTSCP,		/* 0F 01 F9 */
	INSN_MONITOR,		/* 0F 01 C8 */
	INSN_MWAIT,		/* 0F 01 C9 */
	INSN_XSETBV,		/* 0F 01 D1 */
	INSN_VMRUN,		/* 0F 01 D8 */
	INSN_VMMCALL,		/* 0F 01 D9; F3/F2 0F 01 D9 is VMGEXIT */
	INSN_VMLOAD,		/* 0F 01 DA */
	INSN_VMSAVE,		/* 0F 01 DB */
	INSN_STGI,		/* 0F 01 DC */
	INSN_CLGI,		/* 0F 01 DD */
	INSN_SKINIT,		/* 0F 01 DE */
	INSN_INVLPGA,		/* 0F 01 DF */
	/* 0F 01 /7 with a memory operand */
	INSN_INVLPG,
	/* one-byte opcodes */
	INSN_HLT,		/* F4 */
	INSN_PAUSE,		/* F3 90 */
	INSN_INT3,		/* CC */
	INSN_INT,		/* CD ib; imm = vector */
	INSN_IN,		/* E4 E5 (imm = port), EC ED (port in DX) */
	INSN_OUT,		/* E6 E7 (imm = port), EE EF (port in DX) */
	INSN_INS,		/* 6C 6D */
	INSN_OUTS,		/* 6E 6F */
	/* control registers: reg = CR number, rm = GPR */
	INSN_MOV_FROM_CR,	/* 0F 20 */
	INSN_MOV_TO_CR,		/* 0F 22 */
	/* debug registers: reg = DR number, rm = GPR */
	INSN_MOV_TO_DR,		/* 0F 23 */
	/* MMIO accesses: reg = the GPR, mem = the memory operand */
	INSN_MOV_STORE,		/* 88 89: r/m <- reg */
	INSN_MOV_LOAD,		/* 8A 8B: reg <- r/m */
	INSN_MOV_IMM,		/* C6 /0 ib, C7 /0 iw/id: r/m <- imm */
	INSN_MOVZX,		/* 0F B6 0F B7: reg <- zero-extended r/m */
	INSN_KIND_COUNT
};

/* insn.prefixes: which legacy prefixes were present.  F2 and F3 are kept
 * apart; string I/O repeats with either one. */
#define INSN_PFX_OPSIZE		(1u << 0)	/* 66 */
#define INSN_PFX_ADDRSIZE	(1u << 1)	/* 67 */
#define INSN_PFX_REP		(1u << 2)	/* F3 */
#define INSN_PFX_REPNE		(1u << 3)	/* F2 */
#define INSN_PFX_LOCK		(1u << 4)	/* F0 */
#define INSN_PFX_SEG		(1u << 5)	/* 26 2E 36 3E 64 65; see seg_override */

/* Segment registers in their ModRM/Sreg encoding order. */
#define INSN_SEG_ES	0
#define INSN_SEG_CS	1
#define INSN_SEG_SS	2
#define INSN_SEG_DS	3
#define INSN_SEG_FS	4
#define INSN_SEG_GS	5

/* REX bits (64-bit mode only). */
#define INSN_REX_B	(1u << 0)
#define INSN_REX_X	(1u << 1)
#define INSN_REX_R	(1u << 2)
#define INSN_REX_W	(1u << 3)

/* General-purpose registers are numbered as the encodings number them:
 * 0 rAX, 1 rCX, 2 rDX, 3 rBX, 4 rSP, 5 rBP, 6 rSI, 7 rDI, 8-15 r8-r15. */
#define INSN_NO_REG	(-1)

/* A decoded memory operand: offset = base + index * scale + disp, or
 * next RIP + disp when rip_relative, truncated to insn.addr_size.  The
 * 16-bit forms use the same fields (BX/BP base, SI/DI index, scale 1). */
struct insn_mem {
	s8 base;		/* GPR, or INSN_NO_REG */
	s8 index;		/* GPR, or INSN_NO_REG */
	u8 scale;		/* 1, 2, 4 or 8 */
	u8 seg;			/* INSN_SEG_*: the override, else SS for rSP/rBP bases, else DS */
	bool rip_relative;	/* 64-bit mode, mod 00 rm 101 */
	s64 disp;		/* sign-extended */
};

struct insn {
	u8 len;			/* total bytes, prefixes included */
	u8 opcode_map;		/* 1 = one-byte, 2 = 0F */
	u8 opcode;		/* the byte after 0F for map 2 */
	u8 modrm;
	bool has_modrm;
	u8 prefixes;		/* INSN_PFX_* */
	u8 rex;			/* the REX byte that took effect (0x40-0x4f), or 0 */
	enum insn_kind kind;

	u8 seg_override;	/* INSN_SEG_* of the last segment prefix */
	u8 op_size;		/* operand size in bytes: 2, 4 or 8 */
	u8 addr_size;		/* address size in bytes: 2, 4 or 8 */

	/* MMIO and port kinds (MOV_*, MOVZX, IN, OUT, INS, OUTS); CR moves set
	 * size to the register width. */
	bool is_write;		/* guest writes memory, the port or the CR */
	u8 size;		/* bytes accessed in memory or at the port */
	u8 reg;			/* ModRM.reg with REX.R; CR number for CR moves */
	bool reg_high8;		/* byte register 4-7 is AH CH DH BH (no REX) */
	u8 rm;			/* ModRM.rm with REX.B, register forms only */
	bool has_mem;		/* ModRM names memory; mem is valid */
	struct insn_mem mem;
	u64 imm;		/* MOV_IMM: the value stored, size bytes wide;
				 * INT: vector; IN/OUT E4-E7: port */
};

/*
 * Decode the instruction at bytes[0..avail).  mode_bits is the default
 * operand size of the code segment: 16 (real mode, virtual-8086, 16-bit
 * protected mode), 32, or 64 (CS.L in long mode).
 *
 * Returns 0 with *out filled, or:
 *   -EINVAL  not one of the instructions listed in enum insn_kind, an
 *            encoding the CPU would refuse (#UD: LOCK, C6/C7 with reg != 0;
 *            #GP: longer than INSN_MAX_LEN), or a bad argument;
 *   -ERANGE  the bytes ran out first: fetch more (e.g. the rest of an
 *            instruction that crosses a page) and decode again.
 * On error *out holds whatever was decoded so far and must not be used.
 *
 * REX is honoured only in 64-bit mode and only as the last byte before the
 * opcode (or 0F); a REX followed by a legacy prefix or another REX is
 * ignored, as APM vol. 3 1.2.7 and SDM vol. 2 2.2.1 specify.  In 16- and
 * 32-bit mode 40-4F are INC/DEC and so refused.
 */
int insn_decode(const u8 *bytes, size_t avail, unsigned int mode_bits, struct insn *out);

/* Printable name of a kind ("CPUID", "MOV_STORE", ...); "?" when out of range. */
const char *insn_kind_name(enum insn_kind kind);

/* Offset of in->mem within its segment (add the segment base for the
 * linear address).  gpr[] holds the guest's 16 GPRs in encoding order;
 * rip is the address of the instruction itself. */
u64 insn_mem_offset(const struct insn *in, const u64 gpr[16], u64 rip);

/* Reads len bytes of guest physical memory at gpa; 0 or a negative error. */
typedef int (*guest_read_phys_fn)(void *ctx, u64 gpa, void *buf, size_t len);

/*
 * Translate guest linear address lin with the guest's own page tables, as
 * the guest's CR0/CR4/EFER select (APM vol. 2, 5.1): no paging, 32-bit
 * (4 KiB pages, 4 MiB pages with CR4.PSE), PAE, or long mode with 4 or
 * (CR4.LA57) 5 levels, 2 MiB and 1 GiB pages.
 *
 * Only P and PS are looked at: access rights, reserved bits and A/D bits
 * are neither checked nor updated.  Legacy PAE reads the PDPTEs from memory,
 * not from the copies the CPU took at the last CR3 load.
 *
 * Returns 0 with *gpa set, -EFAULT for a not-present entry or a failed
 * read_phys, -EINVAL for a non-canonical address in long mode.
 */
int guest_walk(u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin,
	       guest_read_phys_fn read_phys, void *ctx, u64 *gpa);

/* The same over guest RAM at ram[0, ram_size) (guest-physical address =
 * offset), read directly: what the run-time path uses. */
int guest_walk_ram(u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin,
		   const u8 *ram, u64 ram_size, u64 *gpa);

#endif
