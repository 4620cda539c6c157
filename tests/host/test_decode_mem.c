/* tests/host/test_decode_mem.c - host tests for the memory operands of the
 * instruction decoder and the guest page-table walker (vmm/decode.c):
 * ModRM/SIB/displacement forms of all three address sizes, MOV CR, MOV
 * loads and stores, moffs, immediates and MOVZX, and walks through
 * hand-built page tables of every paging mode.  Opcodes, prefixes and
 * limits are in test_decode_insn.c. */
#include "tests/host/decode_fixtures.h"

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
	/* MOV DRn, reg: the same register-only form. */
	in = DEC(64, 0x0f, 0x23, 0xf8);				/* mov dr7, rax */
	assert_int_equal(in.kind, INSN_MOV_TO_DR);
	assert_true(in.is_write);
	assert_int_equal(in.reg, 7);
	assert_int_equal(in.rm, 0);
	assert_int_equal(in.size, 8);
	assert_int_equal(in.len, 3);
	in = DEC(32, 0x0f, 0x23, 0x13);				/* mov dr2, ebx */
	assert_int_equal(in.reg, 2);
	assert_int_equal(in.rm, 3);
	assert_int_equal(in.size, 4);
	assert_false(in.has_mem);
	in = DEC(64, 0x41, 0x0f, 0x23, 0xc7);			/* mov dr0, r15 */
	assert_int_equal(in.rm, 15);
	assert_int_equal(RC(32, 0xf0, 0x0f, 0x23, 0xf8), -EINVAL);	/* LOCK: #UD */
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
		cmocka_unit_test(test_invlpg_16bit_addressing),
		cmocka_unit_test(test_invlpg_32bit_addressing),
		cmocka_unit_test(test_invlpg_64bit_addressing),
		cmocka_unit_test(test_mov_cr),
		cmocka_unit_test(test_mov_store_load),
		cmocka_unit_test(test_mov_moffs),
		cmocka_unit_test(test_mov_imm),
		cmocka_unit_test(test_movzx),
		cmocka_unit_test_setup(test_walk_paging_off, walk_setup),
		cmocka_unit_test_setup(test_walk_32bit, walk_setup),
		cmocka_unit_test_setup(test_walk_pae, walk_setup),
		cmocka_unit_test_setup(test_walk_long_4k, walk_setup),
		cmocka_unit_test_setup(test_walk_long_large_pages, walk_setup),
		cmocka_unit_test_setup(test_walk_long_faults, walk_setup),
		cmocka_unit_test_setup(test_walk_la57, walk_setup),
	};

	return cmocka_run_group_tests_name("decode_mem", tests, NULL, NULL);
}
