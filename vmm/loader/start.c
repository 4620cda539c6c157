/* vmm/loader/start.c - the neutral start state of a guest's vCPUs, per
 * mode (docs/guests.md), and the tables it needs in guest RAM:
 *   real: CS=0 IP=0x7c00, 64 KiB segments, IVT at 0.
 *   prot: flat 4 GiB segments (CS 0x08, data 0x10) from a GDT at 0x500,
 *         paging off, EIP = the ELF entry.
 *   long: as prot plus an identity map of the first 4 GiB (2 MiB pages,
 *         PML4 at 0x1000), EFER.LME/LMA, CS 0x18 (64-bit).
 *   Linux's 64-bit boot protocol (vmm_start_state_linux64): long mode
 *         with the same identity map, but the GDT the protocol names
 *         (64-bit code at LINUX_BOOT_CS 0x10, data at LINUX_BOOT_DS 0x18)
 *         and RSI = the zero page.
 * General registers, the stack pointer included, start at zero.  Every
 * vCPU starts with the same state; HC_INFO tells them apart.  The backend
 * turns the result into its own format (svm/backend.c: the VMCB). */
#include "vmm/loader/loader.h"
#include "hw/linux_boot.h"
#include "kernel/cpu.h"
#include "lib/string.h"

#define GUEST_GDT_GPA   0x500ULL
#define GUEST_PML4_GPA  0x1000ULL
#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18

static void seg(struct vmm_seg *s, u16 sel, u16 attr, u32 limit, u64 base)
{
	s->selector = sel;
	s->attrib = attr;
	s->limit = limit;
	s->base = base;
}

/* The GDT every protected- and long-mode guest starts with, and for long
 * mode the identity map of the first 4 GiB built in guest memory. */
static void build_tables(enum guest_mode mode, u8 *ram, struct vmm_start_state *st)
{
	u64 gdt[4] = { 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL, 0x00af9b000000ffffULL };
	memcpy(ram + GUEST_GDT_GPA, gdt, sizeof(gdt));
	st->gdt_gpa = GUEST_GDT_GPA;
	if (mode != GUEST_MODE_LONG)
		return;
	u64 *pml4 = (u64 *)(ram + GUEST_PML4_GPA);
	u64 *pdpt = (u64 *)(ram + GUEST_PML4_GPA + 0x1000);
	memset(pml4, 0, 6 * 4096);
	pml4[0] = (GUEST_PML4_GPA + 0x1000) | 0x7;
	for (u64 i = 0; i < 4; i++) {
		u64 pd_gpa = GUEST_PML4_GPA + 0x2000 + i * 0x1000;
		u64 *pd = (u64 *)(ram + pd_gpa);
		pdpt[i] = pd_gpa | 0x7;
		for (u64 j = 0; j < 512; j++)
			pd[j] = ((i << 30) + (j << 21)) | 0x87;	/* P, W, U, PS */
	}
	st->map_root_gpa = GUEST_PML4_GPA;
	st->map_bytes = 4ULL << 30;
}

void vmm_start_state_build(enum guest_mode mode, u64 entry, u8 *ram, struct vmm_start_state *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = mode;
	st->pat = 0x0007040600070406ULL;	/* the reset PAT */
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->rflags = 0x2;
	st->rip = entry;
	seg(&st->ldtr, 0, 0x82, 0xffff, 0);
	seg(&st->tr, 0, 0x8b, 0xffff, 0);

	switch (mode) {
	case GUEST_MODE_REAL:
	default:
		seg(&st->cs, 0, 0x9b, 0xffff, 0);
		seg(&st->ds, 0, 0x93, 0xffff, 0);
		seg(&st->gdtr, 0, 0, 0xffff, 0);
		seg(&st->idtr, 0, 0, 0x3ff, 0);
		st->cr0 = CR0_ET | CR0_NE;
		break;
	case GUEST_MODE_PROT:
		seg(&st->cs, SEL_CODE32, 0xc9b, 0xffffffff, 0);
		seg(&st->ds, SEL_DATA, 0xc93, 0xffffffff, 0);
		seg(&st->gdtr, 0, 0, 31, GUEST_GDT_GPA);
		st->cr0 = CR0_PE | CR0_ET | CR0_NE;
		break;
	case GUEST_MODE_LONG:
		seg(&st->cs, SEL_CODE64, 0x29b, 0xffffffff, 0);
		seg(&st->ds, SEL_DATA, 0xc93, 0xffffffff, 0);
		seg(&st->gdtr, 0, 0, 31, GUEST_GDT_GPA);
		st->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		st->cr4 = CR4_PAE;
		st->cr3 = GUEST_PML4_GPA;
		st->efer = EFER_LME | EFER_LMA;
		break;
	}
	st->es = st->ss = st->fs = st->gs = st->ds;
	build_tables(mode, ram, st);	/* the GDT in real mode too, as always */
}

/* The state INIT leaves, and a SIPI's start (APM vol. 2 "Initial
 * Processor State"; SDM vol. 3A "Processor Initialization"): real mode,
 * caches disabled, CS = sipi_vector << 8 with base sipi_vector << 12 and
 * IP = 0, 64 KiB segments, IDTR and GDTR at 0, no paging, EFER 0. */
void vmm_start_state_reset(struct vmm_start_state *st, u8 sipi_vector)
{
	memset(st, 0, sizeof(*st));
	st->mode = GUEST_MODE_REAL;
	st->pat = 0x0007040600070406ULL;
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->rflags = 0x2;
	st->rip = 0;
	st->cr0 = CR0_CD | CR0_NW | CR0_ET;
	seg(&st->cs, (u16)(sipi_vector << 8), 0x9b, 0xffff, (u64)sipi_vector << 12);
	seg(&st->ds, 0, 0x93, 0xffff, 0);
	st->es = st->ss = st->fs = st->gs = st->ds;
	seg(&st->ldtr, 0, 0x82, 0xffff, 0);
	seg(&st->tr, 0, 0x8b, 0xffff, 0);
	seg(&st->gdtr, 0, 0, 0xffff, 0);
	seg(&st->idtr, 0, 0, 0xffff, 0);
}

/* Linux's 64-bit entry (boot.rst, "64-bit Boot Protocol"): 64-bit mode,
 * paging on with the kernel, zero page and command line identity-mapped
 * (here: the first 4 GiB, which holds all of a guest's RAM), a GDT whose
 * LINUX_BOOT_CS is flat execute/read code and LINUX_BOOT_DS flat
 * read/write data, CS = LINUX_BOOT_CS, DS = ES = SS = LINUX_BOOT_DS,
 * interrupts off, RSI = the zero page. */
void vmm_start_state_linux64(u64 entry, u64 zero_page, u8 *ram, struct vmm_start_state *st)
{
	/* Index 1 unused (null), 2 64-bit code, 3 data: the selectors the
	 * protocol names. */
	u64 gdt[4] = { 0, 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL };

	vmm_start_state_build(GUEST_MODE_LONG, entry, ram, st);
	memcpy(ram + GUEST_GDT_GPA, gdt, sizeof(gdt));
	seg(&st->cs, LINUX_BOOT_CS, 0x29b, 0xffffffff, 0);
	seg(&st->ds, LINUX_BOOT_DS, 0xc93, 0xffffffff, 0);
	st->es = st->ss = st->ds;
	/* FS and GS: the protocol leaves them open; flat data as well. */
	st->fs = st->gs = st->ds;
	st->rsi = zero_page;
}
