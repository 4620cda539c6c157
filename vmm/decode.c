/* vmm/decode.c - instruction length decoder and guest page-table walker.
 *
 * Called by the exit handlers when the CPU gives no next RIP (no NRIP save,
 * as under QEMU's TCG) and by MMIO emulation, which needs the direction,
 * size and operands of the access that faulted.  See vmm/decode.h for the
 * contract.  Pure file: kernel and host unit tests.
 *
 * Encoding rules follow AMD64 APM vol. 3, chapter 1 (instruction encoding)
 * and appendix A (opcode maps).
 */
#include "lib/types.h"
#include "vmm/decode.h"

/* ------------------------------------------------------------------------
 * Opcode tables
 * ------------------------------------------------------------------------ */

/* What follows the opcode, and how the operation sizes itself. */
#define OP_MODRM	0x01	/* ModRM (with SIB/displacement for memory forms) */
#define OP_IMM8		0x02	/* 8-bit immediate */
#define OP_IMMZ		0x04	/* 16-bit immediate with 16-bit operands, else 32 */
#define OP_BYTE		0x08	/* operates on bytes */
#define OP_WRITE	0x10	/* writes memory or a port */
#define OP_NO_REXW	0x20	/* REX.W does not widen it past 32 bits (port I/O) */
#define OP_REG_FORM	0x40	/* ModRM.mod is ignored: always registers (MOV CR) */
#define OP_WORD		0x80	/* operates on 16 bits (0F B7) */

struct opdesc {
	u8 kind;		/* enum insn_kind; INSN_UNKNOWN = not decoded */
	u8 flags;
};

static const struct opdesc onebyte_ops[256] = {
	[0x6c] = { INSN_INS, OP_BYTE },
	[0x6d] = { INSN_INS, OP_NO_REXW },
	[0x6e] = { INSN_OUTS, OP_BYTE | OP_WRITE },
	[0x6f] = { INSN_OUTS, OP_NO_REXW | OP_WRITE },
	[0x88] = { INSN_MOV_STORE, OP_MODRM | OP_BYTE | OP_WRITE },
	[0x89] = { INSN_MOV_STORE, OP_MODRM | OP_WRITE },
	[0x8a] = { INSN_MOV_LOAD, OP_MODRM | OP_BYTE },
	[0x8b] = { INSN_MOV_LOAD, OP_MODRM },
	[0x90] = { INSN_PAUSE, 0 },	/* only with F3; checked below */
	/* A0-A3: MOV between AL/rAX and a memory offset (moffs) that follows
	 * the opcode, address-size wide; no ModRM (insn_decode). */
	[0xa0] = { INSN_MOV_LOAD, OP_BYTE },
	[0xa1] = { INSN_MOV_LOAD, 0 },
	[0xa2] = { INSN_MOV_STORE, OP_BYTE | OP_WRITE },
	[0xa3] = { INSN_MOV_STORE, OP_WRITE },
	[0xc6] = { INSN_MOV_IMM, OP_MODRM | OP_BYTE | OP_WRITE | OP_IMM8 },
	[0xc7] = { INSN_MOV_IMM, OP_MODRM | OP_WRITE | OP_IMMZ },
	[0xcc] = { INSN_INT3, 0 },
	[0xcd] = { INSN_INT, OP_IMM8 },
	[0xe4] = { INSN_IN, OP_BYTE | OP_IMM8 },
	[0xe5] = { INSN_IN, OP_NO_REXW | OP_IMM8 },
	[0xe6] = { INSN_OUT, OP_BYTE | OP_WRITE | OP_IMM8 },
	[0xe7] = { INSN_OUT, OP_NO_REXW | OP_WRITE | OP_IMM8 },
	[0xec] = { INSN_IN, OP_BYTE },
	[0xed] = { INSN_IN, OP_NO_REXW },
	[0xee] = { INSN_OUT, OP_BYTE | OP_WRITE },
	[0xef] = { INSN_OUT, OP_NO_REXW | OP_WRITE },
	[0xf4] = { INSN_HLT, 0 },
};

/* 0F 01 is a group: its kind comes from the ModRM byte (group_0f01()). */
#define KIND_GROUP_0F01	0xff

static const struct opdesc twobyte_ops[256] = {
	[0x01] = { KIND_GROUP_0F01, OP_MODRM },
	[0x08] = { INSN_INVD, 0 },
	[0x09] = { INSN_WBINVD, 0 },
	[0x20] = { INSN_MOV_FROM_CR, OP_MODRM | OP_REG_FORM },
	[0x22] = { INSN_MOV_TO_CR, OP_MODRM | OP_REG_FORM | OP_WRITE },
	[0x23] = { INSN_MOV_TO_DR, OP_MODRM | OP_REG_FORM | OP_WRITE },
	[0x30] = { INSN_WRMSR, 0 },
	[0x31] = { INSN_RDTSC, 0 },
	[0x32] = { INSN_RDMSR, 0 },
	[0x33] = { INSN_RDPMC, 0 },
	[0xa2] = { INSN_CPUID, 0 },
	[0xb6] = { INSN_MOVZX, OP_MODRM | OP_BYTE },
	[0xb7] = { INSN_MOVZX, OP_MODRM | OP_WORD },
};

/* Register forms of 0F 01, by the whole ModRM byte. */
static const u8 group_0f01_regs[256] = {
	[0xc8] = INSN_MONITOR,
	[0xc9] = INSN_MWAIT,
	[0xd1] = INSN_XSETBV,
	[0xd8] = INSN_VMRUN,
	[0xd9] = INSN_VMMCALL,
	[0xda] = INSN_VMLOAD,
	[0xdb] = INSN_VMSAVE,
	[0xdc] = INSN_STGI,
	[0xdd] = INSN_CLGI,
	[0xde] = INSN_SKINIT,
	[0xdf] = INSN_INVLPGA,
	[0xf9] = INSN_RDTSCP,
};

static const char *const kind_names[INSN_KIND_COUNT] = {
	[INSN_UNKNOWN] = "UNKNOWN",
	[INSN_CPUID] = "CPUID",
	[INSN_RDMSR] = "RDMSR",
	[INSN_WRMSR] = "WRMSR",
	[INSN_RDTSC] = "RDTSC",
	[INSN_RDPMC] = "RDPMC",
	[INSN_INVD] = "INVD",
	[INSN_WBINVD] = "WBINVD",
	[INSN_RDTSCP] = "RDTSCP",
	[INSN_MONITOR] = "MONITOR",
	[INSN_MWAIT] = "MWAIT",
	[INSN_XSETBV] = "XSETBV",
	[INSN_VMRUN] = "VMRUN",
	[INSN_VMMCALL] = "VMMCALL",
	[INSN_VMLOAD] = "VMLOAD",
	[INSN_VMSAVE] = "VMSAVE",
	[INSN_STGI] = "STGI",
	[INSN_CLGI] = "CLGI",
	[INSN_SKINIT] = "SKINIT",
	[INSN_INVLPGA] = "INVLPGA",
	[INSN_INVLPG] = "INVLPG",
	[INSN_HLT] = "HLT",
	[INSN_PAUSE] = "PAUSE",
	[INSN_INT3] = "INT3",
	[INSN_INT] = "INT",
	[INSN_IN] = "IN",
	[INSN_OUT] = "OUT",
	[INSN_INS] = "INS",
	[INSN_OUTS] = "OUTS",
	[INSN_MOV_FROM_CR] = "MOV_FROM_CR",
	[INSN_MOV_TO_CR] = "MOV_TO_CR",
	[INSN_MOV_TO_DR] = "MOV_TO_DR",
	[INSN_MOV_STORE] = "MOV_STORE",
	[INSN_MOV_LOAD] = "MOV_LOAD",
	[INSN_MOV_IMM] = "MOV_IMM",
	[INSN_MOVZX] = "MOVZX",
};

const char *insn_kind_name(enum insn_kind kind)
{
	if ((unsigned int)kind >= ARRAY_SIZE(kind_names) || !kind_names[kind])
		return "?";
	return kind_names[kind];
}

/* ------------------------------------------------------------------------
 * Byte fetching
 * ------------------------------------------------------------------------ */

struct cursor {
	const u8 *bytes;
	size_t avail;
	size_t pos;
};

/* The 15-byte limit wins over a short buffer: a sixteenth byte is never
 * worth fetching. */
static int fetch_u8(struct cursor *c, u8 *val)
{
	if (c->pos >= INSN_MAX_LEN)
		return -EINVAL;
	if (c->pos >= c->avail)
		return -ERANGE;
	*val = c->bytes[c->pos++];
	return 0;
}

/* Little-endian, sign-extended: displacements and immediates both are. */
static int fetch_signed(struct cursor *c, unsigned int n, s64 *val)
{
	u64 v = 0;
	unsigned int i;
	u8 b;
	int err;

	for (i = 0; i < n; i++) {
		err = fetch_u8(c, &b);
		if (err)
			return err;
		v |= (u64)b << (8 * i);
	}
	if (n < 8 && (v & (1ULL << (8 * n - 1))))
		v |= ~0ULL << (8 * n);
	*val = (s64)v;
	return 0;
}

/* ------------------------------------------------------------------------
 * Prefixes
 * ------------------------------------------------------------------------ */

static int legacy_prefix_seg(u8 b)
{
	switch (b) {
	case 0x26: return INSN_SEG_ES;
	case 0x2e: return INSN_SEG_CS;
	case 0x36: return INSN_SEG_SS;
	case 0x3e: return INSN_SEG_DS;
	case 0x64: return INSN_SEG_FS;
	case 0x65: return INSN_SEG_GS;
	default:   return -1;
	}
}

static u8 legacy_prefix_bit(u8 b)
{
	switch (b) {
	case 0x66: return INSN_PFX_OPSIZE;
	case 0x67: return INSN_PFX_ADDRSIZE;
	case 0xf3: return INSN_PFX_REP;
	case 0xf2: return INSN_PFX_REPNE;
	case 0xf0: return INSN_PFX_LOCK;
	default:   return legacy_prefix_seg(b) >= 0 ? INSN_PFX_SEG : 0;
	}
}

/* Consume prefixes; returns with *opcode holding the first byte that is
 * not one.  Legacy prefixes may repeat and come in any order; the last
 * segment override wins. */
static int decode_prefixes(struct cursor *c, struct insn *in, bool long_mode, u8 *opcode)
{
	u8 b, bit;
	int err;

	for (;;) {
		err = fetch_u8(c, &b);
		if (err)
			return err;
		bit = legacy_prefix_bit(b);
		if (bit) {
			in->prefixes |= bit;
			if (bit == INSN_PFX_SEG)
				in->seg_override = (u8)legacy_prefix_seg(b);
			/* A REX that is not right before the opcode is ignored. */
			in->rex = 0;
			continue;
		}
		if (long_mode && (b & 0xf0) == 0x40) {
			in->rex = b;	/* a later REX replaces this one */
			continue;
		}
		*opcode = b;
		return 0;
	}
}

/* ------------------------------------------------------------------------
 * ModRM, SIB and displacement
 * ------------------------------------------------------------------------ */

static u8 modrm_mod(u8 modrm) { return modrm >> 6; }
static u8 modrm_reg(u8 modrm) { return (modrm >> 3) & 7; }
static u8 modrm_rm(u8 modrm)  { return modrm & 7; }

#define GPR_BX 3
#define GPR_SP 4
#define GPR_BP 5
#define GPR_SI 6
#define GPR_DI 7

/* 16-bit addressing (APM vol. 3, table A-33): rm selects one of eight
 * base/index pairs; mod 00 rm 110 is a bare disp16 instead of [BP]. */
static int decode_mem16(struct cursor *c, struct insn *in)
{
	static const s8 base16[8] = { GPR_BX, GPR_BX, GPR_BP, GPR_BP,
				      INSN_NO_REG, INSN_NO_REG, GPR_BP, GPR_BX };
	static const s8 index16[8] = { GPR_SI, GPR_DI, GPR_SI, GPR_DI,
				       GPR_SI, GPR_DI, INSN_NO_REG, INSN_NO_REG };
	struct insn_mem *m = &in->mem;
	u8 mod = modrm_mod(in->modrm), rm = modrm_rm(in->modrm);
	unsigned int disp_len = mod == 1 ? 1 : mod == 2 ? 2 : 0;

	m->base = base16[rm];
	m->index = index16[rm];
	m->scale = 1;
	if (mod == 0 && rm == 6) {
		m->base = INSN_NO_REG;
		disp_len = 2;
	}
	return disp_len ? fetch_signed(c, disp_len, &m->disp) : 0;
}

/* 32- and 64-bit addressing (APM vol. 3, 1.4 and tables ).  The
 * special cases look at the three encoded bits only, before REX extends
 * them: rm 100 always means a SIB byte, base 101 with mod 00 means no base,
 * and index 100 means no index unless REX.X makes it r12. */
static int decode_mem32(struct cursor *c, struct insn *in, bool long_mode)
{
	struct insn_mem *m = &in->mem;
	u8 mod = modrm_mod(in->modrm), rm = modrm_rm(in->modrm);
	u8 rex_b = (in->rex & INSN_REX_B) ? 8 : 0;
	u8 rex_x = (in->rex & INSN_REX_X) ? 8 : 0;
	unsigned int disp_len = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	u8 sib;
	int err;

	m->scale = 1;
	m->index = INSN_NO_REG;
	if (rm == 4) {
		err = fetch_u8(c, &sib);
		if (err)
			return err;
		m->scale = (u8)(1u << (sib >> 6));
		if (((sib >> 3) & 7) != 4 || rex_x)
			m->index = (s8)(((sib >> 3) & 7) | rex_x);
		if ((sib & 7) == 5 && mod == 0) {
			m->base = INSN_NO_REG;
			disp_len = 4;
		} else {
			m->base = (s8)((sib & 7) | rex_b);
		}
	} else if (rm == 5 && mod == 0) {
		/* In 64-bit mode this is RIP-relative whatever the address
		 * size; elsewhere it is an absolute disp32. */
		m->base = INSN_NO_REG;
		m->rip_relative = long_mode;
		disp_len = 4;
	} else {
		m->base = (s8)(rm | rex_b);
	}
	return disp_len ? fetch_signed(c, disp_len, &m->disp) : 0;
}

static int decode_modrm(struct cursor *c, struct insn *in, bool long_mode, u8 flags)
{
	int err;

	err = fetch_u8(c, &in->modrm);
	if (err)
		return err;
	in->has_modrm = true;
	in->reg = modrm_reg(in->modrm) | ((in->rex & INSN_REX_R) ? 8 : 0);
	in->rm = modrm_rm(in->modrm) | ((in->rex & INSN_REX_B) ? 8 : 0);
	if (modrm_mod(in->modrm) == 3 || (flags & OP_REG_FORM))
		return 0;

	in->has_mem = true;
	err = in->addr_size == 2 ? decode_mem16(c, in) : decode_mem32(c, in, long_mode);
	if (err)
		return err;
	if (in->prefixes & INSN_PFX_SEG)
		in->mem.seg = in->seg_override;
	else if (in->mem.base == GPR_SP || in->mem.base == GPR_BP)
		in->mem.seg = INSN_SEG_SS;
	else
		in->mem.seg = INSN_SEG_DS;
	return 0;
}

/* ------------------------------------------------------------------------
 * The decoder
 * ------------------------------------------------------------------------ */

static void set_sizes(struct insn *in, unsigned int mode_bits)
{
	bool opsize = in->prefixes & INSN_PFX_OPSIZE;
	bool addrsize = in->prefixes & INSN_PFX_ADDRSIZE;

	switch (mode_bits) {
	case 64:
		/* REX.W beats 66 (APM vol. 3, table 1-3). */
		in->op_size = (in->rex & INSN_REX_W) ? 8 : opsize ? 2 : 4;
		in->addr_size = addrsize ? 4 : 8;
		break;
	case 32:
		in->op_size = opsize ? 2 : 4;
		in->addr_size = addrsize ? 2 : 4;
		break;
	default:
		in->op_size = opsize ? 4 : 2;
		in->addr_size = addrsize ? 4 : 2;
		break;
	}
}

/* Kind of an 0F 01 instruction, once its ModRM byte is known. */
static u8 group_0f01(const struct insn *in)
{
	if (modrm_mod(in->modrm) == 3)
		return group_0f01_regs[in->modrm];
	return modrm_reg(in->modrm) == 7 ? INSN_INVLPG : INSN_UNKNOWN;
}

/* Direction, width and register operands of the port, MMIO and CR kinds. */
static void set_access(struct insn *in, u8 flags, unsigned int mode_bits)
{
	switch (in->kind) {
	case INSN_IN: case INSN_OUT: case INSN_INS: case INSN_OUTS:
	case INSN_MOV_FROM_CR: case INSN_MOV_TO_CR: case INSN_MOV_TO_DR:
	case INSN_MOV_STORE: case INSN_MOV_LOAD: case INSN_MOV_IMM: case INSN_MOVZX:
		break;
	default:
		return;		/* no data moves: size and is_write stay 0 */
	}

	in->is_write = flags & OP_WRITE;
	if (flags & OP_BYTE)
		in->size = 1;
	else if (flags & OP_WORD)
		in->size = 2;
	else if (flags & OP_NO_REXW)
		/* Port I/O ignores REX.W: 66 alone picks 16 or 32 bits. */
		in->size = ((in->prefixes & INSN_PFX_OPSIZE) != 0) == (mode_bits == 16) ? 4 : 2;
	else
		in->size = in->op_size;

	switch (in->kind) {
	case INSN_MOV_FROM_CR:
	case INSN_MOV_TO_CR:
	case INSN_MOV_TO_DR:
		/* CR and DR moves are 64-bit in long mode and 32-bit elsewhere;
		 * 66 and REX.W change nothing (APM vol. 3, MOV CRn, MOV DRn). */
		in->size = mode_bits == 64 ? 8 : 4;
		in->op_size = in->size;
		break;
	case INSN_MOV_STORE:
	case INSN_MOV_LOAD:
		/* Without any REX, byte registers 4-7 are AH CH DH BH. */
		in->reg_high8 = in->size == 1 && !in->rex && in->reg >= 4;
		break;
	default:
		break;
	}
}

int insn_decode(const u8 *bytes, size_t avail, unsigned int mode_bits, struct insn *out)
{
	struct cursor c = { .bytes = bytes, .avail = avail, .pos = 0 };
	const struct opdesc *desc;
	bool long_mode = mode_bits == 64;
	u8 op, kind;
	s64 imm;
	int err;

	if (!out)
		return -EINVAL;
	*out = (struct insn){ 0 };
	out->mem.base = INSN_NO_REG;
	out->mem.index = INSN_NO_REG;
	if ((!bytes && avail) || (mode_bits != 16 && mode_bits != 32 && mode_bits != 64))
		return -EINVAL;

	err = decode_prefixes(&c, out, long_mode, &op);
	if (err)
		return err;
	set_sizes(out, mode_bits);

	if (op == 0x0f) {
		err = fetch_u8(&c, &op);
		if (err)
			return err;
		out->opcode_map = 2;
		desc = &twobyte_ops[op];
	} else {
		out->opcode_map = 1;
		desc = &onebyte_ops[op];
	}
	out->opcode = op;
	kind = desc->kind;
	if (kind == INSN_UNKNOWN)
		return -EINVAL;

	/* 90 is NOP or XCHG; only F3 90 without REX.B is PAUSE. */
	if (kind == INSN_PAUSE &&
	    (!(out->prefixes & INSN_PFX_REP) || (out->rex & INSN_REX_B)))
		return -EINVAL;

	if (desc->flags & OP_MODRM) {
		err = decode_modrm(&c, out, long_mode, desc->flags);
		if (err)
			return err;
	}
	if (kind == KIND_GROUP_0F01)
		kind = group_0f01(out);
	if (kind == INSN_UNKNOWN)
		return -EINVAL;
	/* C6/C7 with reg != 0 are other instructions (XABORT, XBEGIN) or #UD. */
	if (kind == INSN_MOV_IMM && modrm_reg(out->modrm) != 0)
		return -EINVAL;
	out->kind = kind;

	/* None of these instructions is lockable: LOCK raises #UD before any
	 * intercept or access could happen, except on MOV CR0, where AMD
	 * reads LOCK as "CR8" (APM vol. 3, MOV CRn, CPUID AltMovCr8). */
	if (out->prefixes & INSN_PFX_LOCK) {
		if ((kind != INSN_MOV_FROM_CR && kind != INSN_MOV_TO_CR) || out->reg != 0)
			return -EINVAL;
		out->reg = 8;
	}

	set_access(out, desc->flags, mode_bits);

	if (out->opcode_map == 1 && op >= 0xa0 && op <= 0xa3) {
		/* The offset is a displacement from the segment's base, with
		 * AL or rAX as the register (REX.B does not apply). */
		err = fetch_signed(&c, out->addr_size, &imm);
		if (err)
			return err;
		out->has_mem = true;
		out->mem.seg = (out->prefixes & INSN_PFX_SEG) ? out->seg_override : INSN_SEG_DS;
		out->mem.disp = out->addr_size < 8 ? (s64)((u64)imm & ((1ULL << (8 * out->addr_size)) - 1)) : imm;
		out->reg = 0;
		out->reg_high8 = false;
	}

	if (desc->flags & (OP_IMM8 | OP_IMMZ)) {
		unsigned int n = (desc->flags & OP_IMM8) ? 1 : out->op_size == 2 ? 2 : 4;

		err = fetch_signed(&c, n, &imm);
		if (err)
			return err;
		if (kind == INSN_MOV_IMM) {
			/* imm32 with REX.W is sign-extended to 64 bits; keep
			 * exactly the size bytes the store writes. */
			out->imm = (u64)imm;
			if (out->size < 8)
				out->imm &= (1ULL << (8 * out->size)) - 1;
		} else {
			out->imm = (u8)imm;	/* port or vector */
		}
	}

	out->len = (u8)c.pos;
	return 0;
}

u64 insn_mem_offset(const struct insn *in, const u64 gpr[16], u64 rip)
{
	const struct insn_mem *m = &in->mem;
	u64 off = (u64)m->disp;

	if (m->rip_relative)
		off += rip + in->len;
	if (m->base != INSN_NO_REG)
		off += gpr[m->base];
	if (m->index != INSN_NO_REG)
		off += gpr[m->index] * m->scale;
	if (in->addr_size < 8)
		off &= (1ULL << (8 * in->addr_size)) - 1;
	return off;
}

/* ------------------------------------------------------------------------
 * Guest page-table walker (APM vol. 2, 5.2-5.3)
 * ------------------------------------------------------------------------ */

/* Guest control-register bits the walker reads. */
#define GW_CR0_PG	BIT(31)
#define GW_CR4_PSE	BIT(4)
#define GW_CR4_PAE	BIT(5)
#define GW_CR4_LA57	BIT(12)
#define GW_EFER_LMA	BIT(10)

#define GW_P		BIT(0)
#define GW_PS		BIT(7)
#define GW_ADDR		GENMASK(51, 12)	/* next table or 4 KiB frame */

/* Entries come from guest RAM directly (ram != NULL: the run-time path,
 * no call per entry) or through read_phys. */
struct walker {
	const u8 *ram;
	u64 ram_size;
	guest_read_phys_fn read_phys;
	void *ctx;
};

static int read_entry(const struct walker *w, u64 gpa, unsigned int size, u64 *entry)
{
	u32 e32;
	u64 e64;

	if (w->ram) {
		/* Entries are aligned to their size: no straddling. */
		if (gpa >= w->ram_size || size > w->ram_size - gpa)
			return -EFAULT;
		*entry = size == 4 ? *(const u32 *)(w->ram + gpa) : *(const u64 *)(w->ram + gpa);
	} else if (size == 4) {
		if (w->read_phys(w->ctx, gpa, &e32, 4))
			return -EFAULT;
		*entry = e32;
	} else {
		if (w->read_phys(w->ctx, gpa, &e64, 8))
			return -EFAULT;
		*entry = e64;
	}
	return (*entry & GW_P) ? 0 : -EFAULT;
}

/* 8-byte entries, nine index bits a level: long mode from level 4 (or 5),
 * PAE from level 3.  A PS bit maps a page at level 2 (2 MiB), and at
 * level 3 (1 GiB) in long mode only; elsewhere it is left alone. */
static int walk_8byte(const struct walker *w, u64 table, unsigned int top,
		      bool long_mode, u64 lin, u64 *gpa)
{
	unsigned int level, shift;
	u64 entry, mask;
	int err;

	for (level = top; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		err = read_entry(w, table + ((lin >> shift) & 511) * 8, 8, &entry);
		if (err)
			return err;
		if ((entry & GW_PS) && (level == 2 || (level == 3 && long_mode))) {
			mask = (1ULL << shift) - 1;
			*gpa = (entry & GW_ADDR & ~mask) | (lin & mask);
			return 0;
		}
		table = entry & GW_ADDR;
	}
	*gpa = table | (lin & 0xfff);
	return 0;
}

/* 32-bit paging: 4-byte entries, ten index bits a level.  A 4 MiB page
 * (PDE.PS with CR4.PSE) takes address bits 39:32 from PDE bits 20:13
 * (APM vol. 2, 5.3.4). */
static int walk_legacy(const struct walker *w, u64 cr3, u64 cr4, u64 lin, u64 *gpa)
{
	u64 pde, pte;
	int err;

	err = read_entry(w, (cr3 & 0xfffff000) + ((lin >> 22) & 1023) * 4, 4, &pde);
	if (err)
		return err;
	if ((pde & GW_PS) && (cr4 & GW_CR4_PSE)) {
		*gpa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) | (lin & 0x3fffff);
		return 0;
	}
	err = read_entry(w, (pde & 0xfffff000) + ((lin >> 12) & 1023) * 4, 4, &pte);
	if (err)
		return err;
	*gpa = (pte & 0xfffff000) | (lin & 0xfff);
	return 0;
}

static int walk(const struct walker *wp, u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin, u64 *gpa)
{
	const struct walker w = *wp;
	bool long_mode = efer & GW_EFER_LMA;
	unsigned int va_bits;

	if (!long_mode)
		lin &= 0xffffffffULL;
	if (!(cr0 & GW_CR0_PG)) {
		*gpa = lin;
		return 0;
	}

	if (long_mode) {
		/* The bits above the top index must copy the highest one. */
		va_bits = (cr4 & GW_CR4_LA57) ? 57 : 48;
		if ((u64)((s64)(lin << (64 - va_bits)) >> (64 - va_bits)) != lin)
			return -EINVAL;
		return walk_8byte(&w, cr3 & GW_ADDR, (cr4 & GW_CR4_LA57) ? 5 : 4, true, lin, gpa);
	}
	if (cr4 & GW_CR4_PAE)
		/* The four PDPTEs sit 32-byte aligned at CR3[31:5]. */
		return walk_8byte(&w, cr3 & GENMASK(31, 5), 3, false, lin, gpa);
	return walk_legacy(&w, cr3, cr4, lin, gpa);
}

int guest_walk(u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin,
	       guest_read_phys_fn read_phys, void *ctx, u64 *gpa)
{
	struct walker w = { .read_phys = read_phys, .ctx = ctx };
	if (!gpa || !read_phys)
		return -EINVAL;
	return walk(&w, cr0, cr4, efer, cr3, lin, gpa);
}

/* Four-level long mode, the run-time common case, walked in one tight
 * loop; the rest goes through walk().  The same rules as walk_8byte(). */
int guest_walk_ram(u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin,
		   const u8 *ram, u64 ram_size, u64 *gpa)
{
	if ((efer & GW_EFER_LMA) && (cr0 & GW_CR0_PG) && !(cr4 & GW_CR4_LA57) && ram_size >= 8) {
		if ((u64)((s64)(lin << 16) >> 16) != lin)
			return -EINVAL;
		u64 table = cr3 & GW_ADDR, last = ram_size - 8;
		for (unsigned int shift = 39;; shift -= 9) {
			u64 at = table + ((lin >> shift) & 511) * 8;
			if (at > last)
				return -EFAULT;
			u64 entry = *(const u64 *)(ram + at);
			if (!(entry & GW_P))
				return -EFAULT;
			if (shift == 12) {
				*gpa = (entry & GW_ADDR) | (lin & 0xfff);
				return 0;
			}
			if ((entry & GW_PS) && shift <= 30) {
				u64 mask = (1ULL << shift) - 1;
				*gpa = (entry & GW_ADDR & ~mask) | (lin & mask);
				return 0;
			}
			table = entry & GW_ADDR;
		}
	}
	struct walker w = { .ram = ram, .ram_size = ram_size };
	return walk(&w, cr0, cr4, efer, cr3, lin, gpa);
}
