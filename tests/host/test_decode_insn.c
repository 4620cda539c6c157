/* tests/host/test_decode_insn.c - host tests for the instruction decoder
 * (vmm/decode.c) without memory operands: every decoded kind in each mode,
 * port and string I/O, prefixes and REX, the 15-byte limit, short buffers,
 * refused opcodes, operand and address sizes by mode, and the kind names.
 * Memory operands and the page-table walker are in test_decode_mem.c. */
#include "tests/host/decode_fixtures.h"

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
		cmocka_unit_test(test_sizes_by_mode),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests_name("decode_insn", tests, NULL, NULL);
}
