/* tests/host/test_decode.c - host tests for the instruction decoder and the
 * guest page-table walker (vmm/decode.c): every decoded kind in each mode,
 * prefixes and REX, the 15-byte limit, short buffers, ModRM/SIB/displacement
 * forms of all three address sizes, immediates, and walks through
 * hand-built page tables of every paging mode. */
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/decode.h"

/* Decode exactly the bytes given and insist they are one whole instruction. */
static struct insn decode_all(unsigned int mode, const u8 *b, size_t n)
{
	struct insn in;

	assert_int_equal(insn_decode(b, n, mode, &in), 0);
	assert_int_equal(in.len, n);
	return in;
}

static int decode_rc(unsigned int mode, const u8 *b, size_t n)
{
	struct insn in;

	return insn_decode(b, n, mode, &in);
}

#define BYTES(...)	(const u8[]){ __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ })
#define DEC(mode, ...)	decode_all(mode, BYTES(__VA_ARGS__))
#define RC(mode, ...)	decode_rc(mode, BYTES(__VA_ARGS__))

static const unsigned int modes[] = { 16, 32, 64 };

struct simple_case {
	u8 bytes[3];
	u8 n;
	enum insn_kind kind;
};

/* Kinds with no operands to decode, each with and without prefixes. */
static const struct simple_case simple_cases[] = {
	{ { 0x0f, 0xa2 }, 2, INSN_CPUID },
	{ { 0x0f, 0x32 }, 2, INSN_RDMSR },
	{ { 0x0f, 0x30 }, 2, INSN_WRMSR },
	{ { 0x0f, 0x31 }, 2, INSN_RDTSC },
	{ { 0x0f, 0x33 }, 2, INSN_RDPMC },
	{ { 0x0f, 0x08 }, 2, INSN_INVD },
	{ { 0x0f, 0x09 }, 2, INSN_WBINVD },
	{ { 0x0f, 0x01, 0xf9 }, 3, INSN_RDTSCP },
	{ { 0x0f, 0x01, 0xc8 }, 3, INSN_MONITOR },
	{ { 0x0f, 0x01, 0xc9 }, 3, INSN_MWAIT },
	{ { 0x0f, 0x01, 0xd1 }, 3, INSN_XSETBV },
	{ { 0x0f, 0x01, 0xd8 }, 3, INSN_VMRUN },
	{ { 0x0f, 0x01, 0xd9 }, 3, INSN_VMMCALL },
	{ { 0x0f, 0x01, 0xda }, 3, INSN_VMLOAD },
	{ { 0x0f, 0x01, 0xdb }, 3, INSN_VMSAVE },
	{ { 0x0f, 0x01, 0xdc }, 3, INSN_STGI },
	{ { 0x0f, 0x01, 0xdd }, 3, INSN_CLGI },
	{ { 0x0f, 0x01, 0xde }, 3, INSN_SKINIT },
	{ { 0x0f, 0x01, 0xdf }, 3, INSN_INVLPGA },
	{ { 0xf4 }, 1, INSN_HLT },
	{ { 0xcc }, 1, INSN_INT3 },
};

static void test_simple_kinds_every_mode(void **state)
{
	/* Prefix runs: none, address size (VMRUN's rAX width), segment + opsize. */
	static const u8 pfx[][2] = { { 0 }, { 0x67 }, { 0x2e, 0x66 } };
	static const u8 pfx_len[] = { 0, 1, 2 };
	static const u8 pfx_bits[] = { 0, INSN_PFX_ADDRSIZE, INSN_PFX_SEG | INSN_PFX_OPSIZE };
	u8 buf[8];
	struct insn in;
	size_t i, m, p;

	for (i = 0; i < ARRAY_SIZE(simple_cases); i++)
		for (m = 0; m < ARRAY_SIZE(modes); m++)
			for (p = 0; p < ARRAY_SIZE(pfx); p++) {
				const struct simple_case *sc = &simple_cases[i];
				size_t n = pfx_len[p] + sc->n;

				memcpy(buf, pfx[p], pfx_len[p]);
				memcpy(buf + pfx_len[p], sc->bytes, sc->n);
				in = decode_all(modes[m], buf, n);
				assert_int_equal(in.kind, sc->kind);
				assert_int_equal(in.prefixes, pfx_bits[p]);
				assert_int_equal(in.opcode_map, sc->bytes[0] == 0x0f ? 2 : 1);
				assert_int_equal(in.opcode, sc->bytes[0] == 0x0f ? sc->bytes[1] : sc->bytes[0]);
				assert_int_equal(in.has_modrm, sc->n == 3);
				if (sc->n == 3)
					assert_int_equal(in.modrm, sc->bytes[2]);
				assert_false(in.has_mem);
				assert_int_equal(in.size, 0);
				assert_false(in.is_write);
			}
}

static void test_int_n_and_pause(void **state)
{
	struct insn in;
	size_t m;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		in = DEC(modes[m], 0xcd, 0x80);
		assert_int_equal(in.kind, INSN_INT);
		assert_int_equal(in.imm, 0x80);
		in = DEC(modes[m], 0xcd, 0xff);
		assert_int_equal(in.imm, 0xff);	/* a vector, not sign-extended */
		in = DEC(modes[m], 0xf3, 0x90);
		assert_int_equal(in.kind, INSN_PAUSE);
		assert_int_equal(in.prefixes, INSN_PFX_REP);
		in = DEC(modes[m], 0x66, 0xf3, 0x90);
		assert_int_equal(in.kind, INSN_PAUSE);
		/* Plain 90 is NOP: never intercepted, so not ours. */
		assert_int_equal(RC(modes[m], 0x90), -EINVAL);
	}
	/* WBNOINVD shares the WBINVD intercept and decodes as WBINVD + REP. */
	in = DEC(64, 0xf3, 0x0f, 0x09);
	assert_int_equal(in.kind, INSN_WBINVD);
	assert_int_equal(in.prefixes, INSN_PFX_REP);
	/* REX.W leaves 90 a NOP (so F3 makes it PAUSE); REX.B makes it XCHG r8. */
	in = DEC(64, 0xf3, 0x48, 0x90);
	assert_int_equal(in.kind, INSN_PAUSE);
	assert_int_equal(RC(64, 0xf3, 0x41, 0x90), -EINVAL);
}

static void test_port_io(void **state)
{
	struct insn in;

	in = DEC(32, 0xe4, 0x60);			/* in al, 0x60 */
	assert_int_equal(in.kind, INSN_IN);
	assert_int_equal(in.size, 1);
	assert_false(in.is_write);
	assert_int_equal(in.imm, 0x60);
	in = DEC(32, 0xe5, 0xf0);			/* in eax, 0xf0 */
	assert_int_equal(in.size, 4);
	assert_int_equal(in.imm, 0xf0);
	in = DEC(32, 0x66, 0xe7, 0x80);			/* out 0x80, ax */
	assert_int_equal(in.kind, INSN_OUT);
	assert_true(in.is_write);
	assert_int_equal(in.size, 2);
	assert_int_equal(in.len, 3);
	in = DEC(16, 0xe6, 0x80);			/* out 0x80, al */
	assert_int_equal(in.size, 1);
	assert_true(in.is_write);
	in = DEC(16, 0xed);				/* in ax, dx */
	assert_int_equal(in.size, 2);
	in = DEC(16, 0x66, 0xef);			/* out dx, eax */
	assert_int_equal(in.size, 4);
	assert_true(in.is_write);
	in = DEC(64, 0xec);				/* in al, dx */
	assert_int_equal(in.size, 1);
	in = DEC(64, 0xee);
	assert_int_equal(in.kind, INSN_OUT);
	assert_int_equal(in.size, 1);
	/* Port I/O ignores REX.W: still 32 bits, or 16 with 66. */
	in = DEC(64, 0x48, 0xed);
	assert_int_equal(in.size, 4);
	in = DEC(64, 0x66, 0x48, 0xe5, 0x71);
	assert_int_equal(in.size, 2);
	assert_int_equal(in.imm, 0x71);
}

static void test_string_io(void **state)
{
	struct insn in;

	in = DEC(32, 0x6c);				/* insb */
	assert_int_equal(in.kind, INSN_INS);
	assert_int_equal(in.size, 1);
	assert_false(in.is_write);
	in = DEC(32, 0xf3, 0x6d);			/* rep insd */
	assert_int_equal(in.size, 4);
	assert_int_equal(in.prefixes, INSN_PFX_REP);
	in = DEC(16, 0xf3, 0x6f);			/* rep outsw */
	assert_int_equal(in.kind, INSN_OUTS);
	assert_true(in.is_write);
	assert_int_equal(in.size, 2);
	assert_int_equal(in.addr_size, 2);
	in = DEC(64, 0x67, 0xf3, 0x66, 0x6f);		/* rep outsw, 32-bit rSI/rCX */
	assert_int_equal(in.size, 2);
	assert_int_equal(in.addr_size, 4);
	assert_int_equal(in.prefixes, INSN_PFX_ADDRSIZE | INSN_PFX_REP | INSN_PFX_OPSIZE);
	in = DEC(64, 0x64, 0x6e);			/* outsb from fs: */
	assert_int_equal(in.seg_override, INSN_SEG_FS);
	assert_int_equal(in.size, 1);
}

static void test_prefixes_recorded(void **state)
{
	struct insn in;

	in = DEC(32, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf2, 0xf3, 0x6c);
	assert_int_equal(in.prefixes, INSN_PFX_SEG | INSN_PFX_OPSIZE | INSN_PFX_ADDRSIZE |
			 INSN_PFX_REP | INSN_PFX_REPNE);
	assert_int_equal(in.seg_override, INSN_SEG_GS);	/* the last one wins */
	in = DEC(32, 0x65, 0x26, 0x89, 0x08);		/* mov es:[eax], ecx */
	assert_int_equal(in.seg_override, INSN_SEG_ES);
	assert_int_equal(in.mem.seg, INSN_SEG_ES);
	/* Repeated prefixes are legal and each counts towards the length. */
	in = DEC(16, 0x66, 0x66, 0x66, 0xe5, 0x10);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.len, 5);
}

static void test_rex(void **state)
{
	struct insn in;

	in = DEC(64, 0x48, 0x0f, 0xa2);
	assert_int_equal(in.kind, INSN_CPUID);
	assert_int_equal(in.rex, 0x48);
	/* REX must sit right before the opcode: followed by 66 it is dropped. */
	in = DEC(64, 0x48, 0x66, 0x89, 0x08);
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.size, 2);
	in = DEC(64, 0x66, 0x48, 0x89, 0x08);
	assert_int_equal(in.rex, 0x48);
	assert_int_equal(in.size, 8);			/* REX.W beats 66 */
	/* Of two REX bytes only the second counts. */
	in = DEC(64, 0x41, 0x44, 0x89, 0x08);
	assert_int_equal(in.rex, 0x44);
	assert_int_equal(in.reg, 9);
	assert_int_equal(in.mem.base, 0);
	/* REX.B extends ModRM.rm, REX.R ModRM.reg. */
	in = DEC(64, 0x45, 0x89, 0x08);			/* mov [r8], r9d */
	assert_int_equal(in.reg, 9);
	assert_int_equal(in.mem.base, 8);
	assert_int_equal(in.size, 4);
	/* Outside 64-bit mode 40-4F are INC/DEC. */
	assert_int_equal(RC(32, 0x48, 0x0f, 0xa2), -EINVAL);
	assert_int_equal(RC(16, 0x40, 0xf4), -EINVAL);
}

static void test_length_limit(void **state)
{
	u8 buf[32];
	struct insn in;

	/* 14 prefixes and an opcode: exactly 15 bytes, allowed. */
	memset(buf, 0x3e, 14);
	buf[14] = 0xf4;
	in = decode_all(32, buf, 15);
	assert_int_equal(in.kind, INSN_HLT);
	/* 15 prefixes: the opcode would be byte 16. */
	memset(buf, 0x3e, 15);
	buf[15] = 0xf4;
	assert_int_equal(insn_decode(buf, sizeof(buf), 32, &in), -EINVAL);
	/* REX bytes count too. */
	memset(buf, 0x40, 15);
	buf[15] = 0xf4;
	assert_int_equal(insn_decode(buf, sizeof(buf), 64, &in), -EINVAL);
	/* Operands that push the total past 15: 8 + C7 80 disp32 imm32 = 18. */
	memset(buf, 0x2e, 8);
	memcpy(buf + 8, BYTES(0xc7, 0x80, 1, 2, 3, 4, 5, 6, 7, 8));
	assert_int_equal(insn_decode(buf, sizeof(buf), 32, &in), -EINVAL);
	/* ... while 5 + 10 = 15 is fine. */
	in = decode_all(32, buf + 3, 15);
	assert_int_equal(in.kind, INSN_MOV_IMM);
	assert_int_equal(in.imm, 0x08070605);
	/* A buffer of more than 15 bytes is not read past the limit. */
	memset(buf, 0xf3, sizeof(buf));
	assert_int_equal(insn_decode(buf, sizeof(buf), 64, &in), -EINVAL);
}

static void test_truncated_input(void **state)
{
	static const struct { u8 mode; u8 n; u8 b[15]; } cases[] = {
		{ 32, 2, { 0x0f, 0xa2 } },
		{ 64, 3, { 0x0f, 0x01, 0xd9 } },
		{ 64, 4, { 0x66, 0x48, 0x0f, 0x31 } },
		{ 32, 2, { 0xcd, 0x21 } },
		{ 64, 12, { 0x48, 0xc7, 0x84, 0x88, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 } },
		{ 16, 6, { 0xc7, 0x06, 0x34, 0x12, 0xcd, 0xab } },
		{ 64, 7, { 0x0f, 0x01, 0x3d, 0x00, 0x10, 0x00, 0x00 } },
		{ 16, 5, { 0x0f, 0x01, 0xbf, 0x00, 0x80 } },
	};
	struct insn in;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (n = 0; n < cases[i].n; n++)
			assert_int_equal(insn_decode(cases[i].b, n, cases[i].mode, &in), -ERANGE);
		in = decode_all(cases[i].mode, cases[i].b, cases[i].n);
	}
	/* Trailing bytes beyond the instruction are not consumed. */
	assert_int_equal(insn_decode(BYTES(0xf4, 0xf4, 0xf4), 64, &in), 0);
	assert_int_equal(in.len, 1);
}

static void test_rejected(void **state)
{
	struct insn in;

	assert_int_equal(RC(64, 0x0f, 0x05), -EINVAL);			/* syscall */
	assert_int_equal(RC(32, 0x0f, 0xff), -EINVAL);
	assert_int_equal(RC(32, 0x0f, 0x01, 0xd0), -EINVAL);		/* xgetbv */
	assert_int_equal(RC(64, 0x0f, 0x01, 0xf8), -EINVAL);		/* swapgs */
	assert_int_equal(RC(32, 0x0f, 0x01, 0x00), -EINVAL);		/* sgdt [eax] */
	assert_int_equal(RC(32, 0x0f, 0x01, 0x30), -EINVAL);		/* lmsw-ish /6 */
	assert_int_equal(RC(32, 0xc6, 0x08, 0x01), -EINVAL);		/* C6 /1 */
	assert_int_equal(RC(32, 0xc6, 0xf8, 0x01), -EINVAL);		/* xabort */
	assert_int_equal(RC(32, 0xc7, 0xf8, 0, 0, 0, 0), -EINVAL);	/* xbegin */
	assert_int_equal(RC(32, 0x01, 0xc0), -EINVAL);			/* add */
	assert_int_equal(RC(32, 0x0f), -ERANGE);			/* unknown yet */
	/* LOCK makes every decoded instruction #UD. */
	assert_int_equal(RC(32, 0xf0, 0x0f, 0xa2), -EINVAL);
	assert_int_equal(RC(64, 0xf0, 0x89, 0x08), -EINVAL);
	assert_int_equal(RC(64, 0xf0, 0x0f, 0x01, 0x38), -EINVAL);
	/* Bad arguments. */
	assert_int_equal(insn_decode(BYTES(0xf4), 8, &in), -EINVAL);
	assert_int_equal(insn_decode(BYTES(0xf4), 0, &in), -EINVAL);
	assert_int_equal(insn_decode(NULL, 1, 64, &in), -EINVAL);
	assert_int_equal(insn_decode(BYTES(0xf4), 64, NULL), -EINVAL);
	assert_int_equal(insn_decode(NULL, 0, 64, &in), -ERANGE);
}

/* --- memory operands --- */

static const u64 regs[16] = {
	[0] = 0x1000,			/* rAX */
	[1] = 0x20,			/* rCX */
	[2] = 0xfffffff0,		/* rDX */
	[3] = 0xfff0,			/* rBX */
	[4] = 0x7000,			/* rSP */
	[5] = 0x8000,			/* rBP */
	[6] = 0x0030,			/* rSI */
	[7] = 0x0400,			/* rDI */
	[12] = 0x123456789000ULL,
	[13] = 0xabc000,
};

static void test_invlpg_16bit_addressing(void **state)
{
	struct insn in;

	in = DEC(16, 0x0f, 0x01, 0x38);				/* [bx+si] */
	assert_int_equal(in.kind, INSN_INVLPG);
	assert_true(in.has_mem);
	assert_int_equal(in.mem.base, 3);
	assert_int_equal(in.mem.index, 6);
	assert_int_equal(in.mem.seg, INSN_SEG_DS);
	/* 0xfff0 + 0x30 wraps at 64 KiB. */
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x20);

	in = DEC(16, 0x0f, 0x01, 0x7a, 0x10);			/* [bp+si+0x10] */
	assert_int_equal(in.mem.base, 5);
	assert_int_equal(in.mem.index, 6);
	assert_int_equal(in.mem.disp, 0x10);
	assert_int_equal(in.mem.seg, INSN_SEG_SS);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x8040);

	in = DEC(16, 0x0f, 0x01, 0x7e, 0xfe);			/* [bp-2] */
	assert_int_equal(in.mem.disp, -2);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x7ffe);

	in = DEC(16, 0x0f, 0x01, 0x3e, 0x34, 0x12);		/* [0x1234]: mod 0 rm 6 */
	assert_int_equal(in.mem.base, INSN_NO_REG);
	assert_int_equal(in.mem.index, INSN_NO_REG);
	assert_int_equal(in.mem.seg, INSN_SEG_DS);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x1234);

	in = DEC(16, 0x0f, 0x01, 0xbf, 0x00, 0x80);		/* [bx-0x8000] */
	assert_int_equal(in.mem.disp, -0x8000);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x7ff0);

	/* 67 in 32-bit code selects the same 16-bit forms. */
	in = DEC(32, 0x67, 0x0f, 0x01, 0x7a, 0x10);
	assert_int_equal(in.addr_size, 2);
	assert_int_equal(in.mem.base, 5);
	assert_int_equal(in.len, 5);
}

static void test_invlpg_32bit_addressing(void **state)
{
	struct insn in;

	in = DEC(32, 0x0f, 0x01, 0x38);				/* [eax] */
	assert_int_equal(in.mem.base, 0);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x1000);

	in = DEC(32, 0x0f, 0x01, 0x3c, 0x24);			/* [esp]: SIB, no index */
	assert_int_equal(in.mem.base, 4);
	assert_int_equal(in.mem.index, INSN_NO_REG);
	assert_int_equal(in.mem.seg, INSN_SEG_SS);

	in = DEC(32, 0x0f, 0x01, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12);	/* SIB base 5 mod 0 */
	assert_int_equal(in.mem.base, INSN_NO_REG);
	assert_int_equal(in.mem.index, INSN_NO_REG);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x12345678);

	in = DEC(32, 0x0f, 0x01, 0x3c, 0x8d, 0x00, 0x01, 0x00, 0x00);	/* [ecx*4+0x100] */
	assert_int_equal(in.mem.base, INSN_NO_REG);
	assert_int_equal(in.mem.index, 1);
	assert_int_equal(in.mem.scale, 4);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x180);

	in = DEC(32, 0x0f, 0x01, 0x3d, 0x00, 0x00, 0x0c, 0x00);	/* [0xc0000] absolute */
	assert_false(in.mem.rip_relative);
	assert_int_equal(insn_mem_offset(&in, regs, 0x5000), 0xc0000);

	in = DEC(32, 0x0f, 0x01, 0x7c, 0x8d, 0xf0);		/* [ebp+ecx*4-16] */
	assert_int_equal(in.mem.base, 5);
	assert_int_equal(in.mem.seg, INSN_SEG_SS);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x8070);

	in = DEC(32, 0x0f, 0x01, 0xba, 0x20, 0x00, 0x00, 0x00);	/* [edx+0x20] wraps */
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x10);

	in = DEC(32, 0x0f, 0x01, 0x7d, 0x00);			/* [ebp+0]: needs mod 1 */
	assert_int_equal(in.mem.base, 5);

	/* 67 in 16-bit code selects 32-bit forms, SIB included. */
	in = DEC(16, 0x67, 0x0f, 0x01, 0x3c, 0x25, 0x00, 0x10, 0x00, 0x00);
	assert_int_equal(in.addr_size, 4);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x1000);
}

static void test_invlpg_64bit_addressing(void **state)
{
	struct insn in;

	in = DEC(64, 0x0f, 0x01, 0x3d, 0x00, 0x10, 0x00, 0x00);	/* [rip+0x1000] */
	assert_true(in.mem.rip_relative);
	assert_int_equal(in.mem.base, INSN_NO_REG);
	assert_int_equal(insn_mem_offset(&in, regs, 0xffffffff80000000ULL), 0xffffffff80001007ULL);

	in = DEC(64, 0x67, 0x0f, 0x01, 0x3d, 0xf8, 0xff, 0xff, 0xff);	/* [eip-8] */
	assert_true(in.mem.rip_relative);
	assert_int_equal(insn_mem_offset(&in, regs, 0x100000010ULL), 0x10);

	/* SIB base 5 mod 0 stays absolute in 64-bit mode. */
	in = DEC(64, 0x0f, 0x01, 0x3c, 0x25, 0x00, 0x00, 0x00, 0x80);
	assert_false(in.mem.rip_relative);
	assert_int_equal(insn_mem_offset(&in, regs, 0x5000), 0xffffffff80000000ULL);

	in = DEC(64, 0x41, 0x0f, 0x01, 0x3c, 0x24);		/* [r12]: SIB, REX.B */
	assert_int_equal(in.mem.base, 12);
	assert_int_equal(in.mem.index, INSN_NO_REG);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0x123456789000ULL);

	in = DEC(64, 0x42, 0x0f, 0x01, 0x3c, 0xe0);		/* [rax+r12*8]: REX.X */
	assert_int_equal(in.mem.base, 0);
	assert_int_equal(in.mem.index, 12);
	assert_int_equal(in.mem.scale, 8);

	in = DEC(64, 0x41, 0x0f, 0x01, 0x7d, 0x10);		/* [r13+0x10] */
	assert_int_equal(in.mem.base, 13);
	assert_int_equal(in.mem.seg, INSN_SEG_DS);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0xabc010);

	in = DEC(64, 0x41, 0x0f, 0x01, 0x3d, 0x00, 0x00, 0x00, 0x00);	/* REX.B: still RIP */
	assert_true(in.mem.rip_relative);

	in = DEC(64, 0x67, 0x0f, 0x01, 0xb8, 0x00, 0xf0, 0xff, 0xff);	/* [eax-0x1000] */
	assert_int_equal(in.addr_size, 4);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0);
}

static void test_mov_cr(void **state)
{
	struct insn in;

	in = DEC(32, 0x0f, 0x20, 0xd8);				/* mov eax, cr3 */
	assert_int_equal(in.kind, INSN_MOV_FROM_CR);
	assert_int_equal(in.reg, 3);
	assert_int_equal(in.rm, 0);
	assert_int_equal(in.size, 4);
	assert_false(in.has_mem);
	in = DEC(16, 0x66, 0x0f, 0x22, 0xe3);			/* mov cr4, ebx */
	assert_int_equal(in.kind, INSN_MOV_TO_CR);
	assert_true(in.is_write);
	assert_int_equal(in.reg, 4);
	assert_int_equal(in.rm, 3);
	assert_int_equal(in.size, 4);
	in = DEC(64, 0x44, 0x0f, 0x20, 0xc0);			/* mov rax, cr8 */
	assert_int_equal(in.reg, 8);
	assert_int_equal(in.size, 8);
	in = DEC(64, 0x41, 0x0f, 0x22, 0xc7);			/* mov cr0, r15 */
	assert_int_equal(in.reg, 0);
	assert_int_equal(in.rm, 15);
	/* The mod field is ignored: no displacement follows. */
	in = DEC(32, 0x0f, 0x22, 0x18);
	assert_int_equal(in.reg, 3);
	assert_int_equal(in.rm, 0);
	assert_false(in.has_mem);
	/* AMD: LOCK MOV CR0 is MOV CR8; LOCK on any other CR is #UD. */
	in = DEC(32, 0xf0, 0x0f, 0x22, 0xc0);
	assert_int_equal(in.reg, 8);
	assert_int_equal(RC(32, 0xf0, 0x0f, 0x20, 0xd8), -EINVAL);
}

static void test_mov_store_load(void **state)
{
	struct insn in;

	in = DEC(32, 0x89, 0x08);				/* mov [eax], ecx */
	assert_int_equal(in.kind, INSN_MOV_STORE);
	assert_true(in.is_write);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.reg, 1);
	assert_true(in.has_mem);
	in = DEC(32, 0x66, 0x89, 0x08);
	assert_int_equal(in.size, 2);
	in = DEC(16, 0x89, 0x08);				/* mov [bx+si], cx */
	assert_int_equal(in.size, 2);
	in = DEC(64, 0x48, 0x89, 0x08);
	assert_int_equal(in.size, 8);
	in = DEC(32, 0x88, 0x20);				/* mov [eax], ah */
	assert_int_equal(in.size, 1);
	assert_int_equal(in.reg, 4);
	assert_true(in.reg_high8);
	in = DEC(64, 0x40, 0x88, 0x20);				/* mov [rax], spl */
	assert_false(in.reg_high8);
	in = DEC(64, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00);	/* mov eax, [rip+0x10] */
	assert_int_equal(in.kind, INSN_MOV_LOAD);
	assert_false(in.is_write);
	assert_true(in.mem.rip_relative);
	assert_int_equal(insn_mem_offset(&in, regs, 0x1000), 0x1016);
	in = DEC(64, 0x44, 0x8b, 0x4c, 0x24, 0x08);		/* mov r9d, [rsp+8] */
	assert_int_equal(in.reg, 9);
	assert_int_equal(in.mem.base, 4);
	assert_int_equal(in.mem.disp, 8);
	in = DEC(16, 0x8b, 0x46, 0xfe);				/* mov ax, [bp-2] */
	assert_int_equal(in.size, 2);
	assert_int_equal(in.mem.seg, INSN_SEG_SS);
	in = DEC(32, 0x8a, 0x98, 0x00, 0x00, 0xe0, 0xfe);	/* mov bl, [eax+0xfee00000] */
	assert_int_equal(in.size, 1);
	assert_false(in.reg_high8);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0xfee01000);
	in = DEC(32, 0x8b, 0xc1);				/* mov eax, ecx: no memory */
	assert_false(in.has_mem);
	assert_int_equal(in.rm, 1);
}

/* A0-A3: AL/rAX and an absolute offset, address-size wide. */
static void test_mov_moffs(void **state)
{
	struct insn in;

	in = DEC(32, 0xa1, 0x20, 0x00, 0xe0, 0xfe);		/* mov eax, [0xfee00020] */
	assert_int_equal(in.kind, INSN_MOV_LOAD);
	assert_int_equal(in.len, 5);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.reg, 0);
	assert_true(in.has_mem);
	assert_false(in.is_write);
	assert_int_equal(in.mem.base, INSN_NO_REG);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0xfee00020);
	in = DEC(32, 0xa2, 0x00, 0x10, 0x00, 0x00);		/* mov [0x1000], al */
	assert_int_equal(in.kind, INSN_MOV_STORE);
	assert_true(in.is_write);
	assert_int_equal(in.size, 1);
	assert_false(in.reg_high8);
	in = DEC(16, 0xa3, 0x34, 0x12);				/* mov [0x1234], ax */
	assert_int_equal(in.len, 3);
	assert_int_equal(in.size, 2);
	in = DEC(64, 0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8);	/* mov rax, [moffs64] */
	assert_int_equal(in.len, 10);
	assert_int_equal(in.size, 8);
	assert_int_equal((u64)in.mem.disp, 0x0807060504030201ULL);
	in = DEC(64, 0x67, 0xa1, 0x00, 0x00, 0xe0, 0xfe);	/* 32-bit address in long mode */
	assert_int_equal(in.len, 6);
	assert_int_equal(insn_mem_offset(&in, regs, 0), 0xfee00000);
	in = DEC(32, 0x26, 0xa1, 0, 0, 0, 0);			/* es: override */
	assert_int_equal(in.mem.seg, INSN_SEG_ES);
	assert_int_equal(insn_decode((const u8[]){ 0xa1, 0x00, 0x00 }, 3, 32, &in), -ERANGE);
}

static void test_mov_imm(void **state)
{
	struct insn in;

	in = DEC(32, 0xc6, 0x00, 0xab);				/* mov byte [eax], 0xab */
	assert_int_equal(in.kind, INSN_MOV_IMM);
	assert_true(in.is_write);
	assert_int_equal(in.size, 1);
	assert_int_equal(in.imm, 0xab);
	in = DEC(32, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.imm, 0x12345678);
	in = DEC(32, 0x66, 0xc7, 0x00, 0xfe, 0xca);		/* imm16 with 66 */
	assert_int_equal(in.size, 2);
	assert_int_equal(in.imm, 0xcafe);
	in = DEC(16, 0xc7, 0x06, 0x00, 0x10, 0x34, 0x12);	/* mov word [0x1000], 0x1234 */
	assert_int_equal(in.size, 2);
	assert_int_equal(in.imm, 0x1234);
	in = DEC(16, 0x66, 0xc7, 0x06, 0x00, 0x10, 0x01, 0x00, 0x00, 0x80);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.imm, 0x80000001);
	in = DEC(64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);	/* imm32 sign-extended */
	assert_int_equal(in.size, 8);
	assert_int_equal(in.imm, 0xffffffffffffffffULL);
	in = DEC(64, 0x66, 0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);	/* REX.W beats 66 */
	assert_int_equal(in.size, 8);
	assert_int_equal(in.imm, 0xffffffff80000000ULL);
	in = DEC(32, 0xc7, 0x80, 0x00, 0x03, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(in.mem.disp, (s64)(s32)0xfee00300);
	assert_int_equal(in.imm, 1);
	/* RIP-relative counts from the end, after the immediate. */
	in = DEC(64, 0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00);
	assert_int_equal(insn_mem_offset(&in, regs, 0x2000), 0x2000 + 10 - 0x10);
}

static void test_movzx(void **state)
{
	struct insn in;

	in = DEC(32, 0x0f, 0xb6, 0x00);				/* movzx eax, byte [eax] */
	assert_int_equal(in.kind, INSN_MOVZX);
	assert_int_equal(in.opcode_map, 2);
	assert_int_equal(in.size, 1);
	assert_int_equal(in.op_size, 4);
	assert_false(in.is_write);
	in = DEC(32, 0x0f, 0xb7, 0x41, 0x04);			/* movzx eax, word [ecx+4] */
	assert_int_equal(in.size, 2);
	in = DEC(64, 0x4c, 0x0f, 0xb7, 0x00);			/* movzx r8, word [rax] */
	assert_int_equal(in.size, 2);
	assert_int_equal(in.op_size, 8);
	assert_int_equal(in.reg, 8);
	in = DEC(16, 0x0f, 0xb6, 0x07);				/* movzx ax, byte [bx] */
	assert_int_equal(in.op_size, 2);
	assert_int_equal(in.mem.base, 3);
}

static void test_sizes_by_mode(void **state)
{
	static const struct { u8 mode; bool p66, p67; u8 op, addr; } cases[] = {
		{ 16, false, false, 2, 2 }, { 16, true, true, 4, 4 },
		{ 32, false, false, 4, 4 }, { 32, true, true, 2, 2 },
		{ 64, false, false, 4, 8 }, { 64, true, true, 2, 4 },
	};
	u8 buf[4];
	struct insn in;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = 0;
		if (cases[i].p66)
			buf[n++] = 0x66;
		if (cases[i].p67)
			buf[n++] = 0x67;
		buf[n++] = 0x0f;
		buf[n++] = 0xa2;
		in = decode_all(cases[i].mode, buf, n);
		assert_int_equal(in.op_size, cases[i].op);
		assert_int_equal(in.addr_size, cases[i].addr);
	}
}

static void test_kind_names(void **state)
{
	unsigned int k;

	for (k = 0; k < INSN_KIND_COUNT; k++)
		assert_string_not_equal(insn_kind_name((enum insn_kind)k), "?");
	assert_string_equal(insn_kind_name(INSN_VMMCALL), "VMMCALL");
	assert_string_equal(insn_kind_name(INSN_MOV_STORE), "MOV_STORE");
	assert_string_equal(insn_kind_name(INSN_KIND_COUNT), "?");
	assert_string_equal(insn_kind_name((enum insn_kind)-1), "?");
}

/* --- guest page-table walker --- */

#define GMEM_SIZE	(64 * 4096)
static u8 gmem[GMEM_SIZE];
static unsigned int reads;

/* Guest RAM is gmem[] at GPA 0; any read outside it fails. */
static int read_gmem(void *ctx, u64 gpa, void *buf, size_t len)
{
	reads++;
	if (ctx || gpa > GMEM_SIZE || len > GMEM_SIZE - gpa)
		return -EIO;
	memcpy(buf, gmem + gpa, len);
	return 0;
}

static void put32(u64 gpa, u32 v) { memcpy(gmem + gpa, &v, 4); }
static void put64(u64 gpa, u64 v) { memcpy(gmem + gpa, &v, 8); }

#define P	0x001ULL
#define RW	0x002ULL
#define PS	0x080ULL
#define NX	(1ULL << 63)
#define CR0_PG	(1ULL << 31)
#define CR0_PE	1ULL
#define CR4_PSE	(1ULL << 4)
#define CR4_PAE	(1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

static int walk_setup(void **state)
{
	memset(gmem, 0, sizeof(gmem));
	reads = 0;
	return 0;
}

/* Every walk twice: through read_phys, and straight over gmem as the
 * kernel's run-time path does (guest_walk_ram); both must agree. */
static int walk(u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin, u64 *gpa)
{
	u64 direct = 0xdead;
	int rd = guest_walk_ram(cr0, cr4, efer, cr3, lin, gmem, sizeof(gmem), &direct);
	*gpa = 0xdead;
	int r = guest_walk(cr0, cr4, efer, cr3, lin, read_gmem, NULL, gpa);
	assert_int_equal(rd, r);
	if (!r)
		assert_int_equal(direct, *gpa);
	return r;
}

static void test_walk_paging_off(void **state)
{
	u64 gpa;

	assert_int_equal(walk(CR0_PE, 0, 0, 0, 0x123456789abcULL, &gpa), 0);
	assert_int_equal(gpa, 0x56789abc);
	assert_int_equal(walk(0, CR4_PAE, 0, 0, 0xb8000, &gpa), 0);
	assert_int_equal(gpa, 0xb8000);
	assert_int_equal(reads, 0);
}

static void test_walk_32bit(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE;
	u64 gpa;

	/* PD at 0x1000, PT at 0x2000; lin 0x00403123 -> PDE 1, PTE 3. */
	put32(0x1000 + 1 * 4, 0x2000 | P | RW);
	put32(0x2000 + 3 * 4, 0x00abc000 | P);
	assert_int_equal(walk(cr0, 0, 0, 0x1000, 0x00403123, &gpa), 0);
	assert_int_equal(gpa, 0x00abc123);
	/* CR3's low flag bits (PWT, PCD) do not move the table. */
	assert_int_equal(walk(cr0, 0, 0, 0x1018, 0x00403123, &gpa), 0);
	assert_int_equal(gpa, 0x00abc123);
	/* Bits above 31 of the address are dropped outside long mode. */
	assert_int_equal(walk(cr0, 0, 0, 0x1000, 0x700403123ULL, &gpa), 0);
	assert_int_equal(gpa, 0x00abc123);

	/* 4 MiB page at PDE 0x300 (lin 0xc0000000) with CR4.PSE. */
	put32(0x1000 + 0x300 * 4, 0x01c00000 | PS | P);
	assert_int_equal(walk(cr0, CR4_PSE, 0, 0x1000, 0xc0123456, &gpa), 0);
	assert_int_equal(gpa, 0x01d23456);
	/* PSE-36/40: PDE bits 20:13 are address bits 39:32. */
	put32(0x1000 + 0x300 * 4, 0x01c00000 | (0x85u << 13) | PS | P);
	assert_int_equal(walk(cr0, CR4_PSE, 0, 0x1000, 0xc0123456, &gpa), 0);
	assert_int_equal(gpa, 0x8501d23456ULL);

	/* Without CR4.PSE the PS bit is ignored and the PDE points to a PT. */
	put32(0x1000 + 0x300 * 4, 0x3000 | PS | P);
	put32(0x3000 + 0x123 * 4, 0x00555000 | P);
	assert_int_equal(walk(cr0, 0, 0, 0x1000, 0xc0123456, &gpa), 0);
	assert_int_equal(gpa, 0x00555456);

	/* Not present at either level. */
	assert_int_equal(walk(cr0, 0, 0, 0x1000, 0x00800000, &gpa), -EFAULT);
	assert_int_equal(walk(cr0, 0, 0, 0x1000, 0x00404000, &gpa), -EFAULT);
}

static void test_walk_pae(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE;
	u64 gpa;

	/* PDPT at 0x1020 (32-byte aligned, not page aligned), PD 0x2000, PT 0x3000.
	 * lin 0x80604abc: PDPTE 2, PDE 3, PTE 4. */
	put64(0x1020 + 2 * 8, 0x2000 | P);
	put64(0x2000 + 3 * 8, 0x3000 | P | RW);
	put64(0x3000 + 4 * 8, 0x0000000123456000ULL | NX | P);
	assert_int_equal(walk(cr0, CR4_PAE, 0, 0x1020, 0x80604abc, &gpa), 0);
	assert_int_equal(gpa, 0x123456abcULL);

	/* 2 MiB page in the PD (PS honoured whatever CR4.PSE says). */
	put64(0x2000 + 5 * 8, 0x0000000200000000ULL | PS | P);
	assert_int_equal(walk(cr0, CR4_PAE, 0, 0x1020, 0x80b12345, &gpa), 0);
	assert_int_equal(gpa, 0x200112345ULL);

	/* PDPTE 0 not present; PTE 5 not present. */
	assert_int_equal(walk(cr0, CR4_PAE, 0, 0x1020, 0x00001000, &gpa), -EFAULT);
	assert_int_equal(walk(cr0, CR4_PAE, 0, 0x1020, 0x80605000, &gpa), -EFAULT);
}

/* Long-mode tables: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000.
 * lin 0x0000_7f80_4060_1abc: PML4 0xff, PDPT 0x1, PD 0x3, PT 0x1. */
#define LM_LIN 0x00007f8040601abcULL

static void build_long_tables(void)
{
	put64(0x1000 + 0xff * 8, 0x2000 | P | RW);
	put64(0x2000 + 0x1 * 8, 0x3000 | P | RW);
	put64(0x3000 + 0x3 * 8, 0x4000 | P | RW);
	put64(0x4000 + 0x1 * 8, 0x000fedcba9876000ULL | NX | P);
}

static void test_walk_long_4k(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE, cr4 = CR4_PAE, efer = EFER_LME | EFER_LMA;
	u64 gpa;

	build_long_tables();
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), 0);
	assert_int_equal(gpa, 0x000fedcba9876abcULL);
	assert_int_equal(reads, 4);
	/* PCID bits in CR3 (11:0) are not part of the table address. */
	assert_int_equal(walk(cr0, cr4, efer, 0x1000 | 0x5a5, LM_LIN, &gpa), 0);
	assert_int_equal(gpa, 0x000fedcba9876abcULL);
	/* A PS bit in the PML4E is not a page size; the walk goes on. */
	put64(0x1000 + 0xff * 8, 0x2000 | PS | P);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), 0);
	assert_int_equal(gpa, 0x000fedcba9876abcULL);
}

static void test_walk_long_large_pages(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE, cr4 = CR4_PAE, efer = EFER_LME | EFER_LMA;
	u64 gpa;

	build_long_tables();
	/* 2 MiB: PDE 3 becomes a page. */
	put64(0x3000 + 0x3 * 8, 0x0000000fc0000000ULL | 0x200000 | PS | P);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), 0);
	assert_int_equal(gpa, 0x0000000fc0200000ULL | (LM_LIN & 0x1fffff));
	assert_int_equal(reads, 3);
	/* 1 GiB: PDPTE 1 becomes a page. */
	put64(0x2000 + 0x1 * 8, 0x0000008040000000ULL | PS | NX | P);
	reads = 0;
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), 0);
	assert_int_equal(gpa, 0x0000008040000000ULL | (LM_LIN & 0x3fffffff));
	assert_int_equal(reads, 2);
}

static void test_walk_long_faults(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE, cr4 = CR4_PAE, efer = EFER_LME | EFER_LMA;
	u64 gpa;

	build_long_tables();
	/* Not present at each level in turn, deepest first. */
	put64(0x4000 + 0x1 * 8, 0x5000);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), -EFAULT);
	put64(0x3000 + 0x3 * 8, 0x4000 | RW);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), -EFAULT);
	put64(0x2000 + 0x1 * 8, 0);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, LM_LIN, &gpa), -EFAULT);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, 0x1000, &gpa), -EFAULT);
	/* A table outside guest memory: read_phys fails. */
	put64(0x1000 + 0x0 * 8, 0x0000100000000000ULL | P);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, 0x1000, &gpa), -EFAULT);
	/* read_phys failing on the first read. */
	build_long_tables();
	assert_int_equal(guest_walk(cr0, cr4, efer, 0x1000, LM_LIN, read_gmem, (void *)1, &gpa),
			 -EFAULT);
	/* Non-canonical addresses are refused before any read. */
	reads = 0;
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, 0x0000800000000000ULL, &gpa), -EINVAL);
	assert_int_equal(reads, 0);
	/* Canonical upper half: PML4 0x1ff. */
	put64(0x1000 + 0x1ff * 8, 0x2000 | P);
	put64(0x2000 + 0x1fe * 8, 0x0000000080000000ULL | PS | P);
	assert_int_equal(walk(cr0, cr4, efer, 0x1000, 0xffffffff80001234ULL, &gpa), 0);
	assert_int_equal(gpa, 0x80001234);
	assert_int_equal(guest_walk(cr0, cr4, efer, 0x1000, LM_LIN, NULL, NULL, &gpa), -EINVAL);
}

static void test_walk_la57(void **state)
{
	const u64 cr0 = CR0_PG | CR0_PE, efer = EFER_LME | EFER_LMA;
	u64 gpa, lin = (0x12ULL << 48) | LM_LIN;

	/* PML5 at 0x6000, entry 0x12 -> the 4-level tables. */
	build_long_tables();
	put64(0x6000 + 0x12 * 8, 0x1000 | P);
	assert_int_equal(walk(cr0, CR4_PAE | CR4_LA57, efer, 0x6000, lin, &gpa), 0);
	assert_int_equal(gpa, 0x000fedcba9876abcULL);
	/* The same address is non-canonical with four levels. */
	assert_int_equal(walk(cr0, CR4_PAE, efer, 0x1000, lin, &gpa), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_kinds_every_mode),
		cmocka_unit_test(test_int_n_and_pause),
		cmocka_unit_test(test_port_io),
		cmocka_unit_test(test_string_io),
		cmocka_unit_test(test_prefixes_recorded),
		cmocka_unit_test(test_rex),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_truncated_input),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_invlpg_16bit_addressing),
		cmocka_unit_test(test_invlpg_32bit_addressing),
		cmocka_unit_test(test_invlpg_64bit_addressing),
		cmocka_unit_test(test_mov_cr),
		cmocka_unit_test(test_mov_store_load),
		cmocka_unit_test(test_mov_moffs),
		cmocka_unit_test(test_mov_imm),
		cmocka_unit_test(test_movzx),
		cmocka_unit_test(test_sizes_by_mode),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test_setup(test_walk_paging_off, walk_setup),
		cmocka_unit_test_setup(test_walk_32bit, walk_setup),
		cmocka_unit_test_setup(test_walk_pae, walk_setup),
		cmocka_unit_test_setup(test_walk_long_4k, walk_setup),
		cmocka_unit_test_setup(test_walk_long_large_pages, walk_setup),
		cmocka_unit_test_setup(test_walk_long_faults, walk_setup),
		cmocka_unit_test_setup(test_walk_la57, walk_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
