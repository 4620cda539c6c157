/* kernel/cpu.h - privileged x86 instructions as small inline functions,
 * MSR numbers and control-register bits.  Everything that touches the CPU
 * directly goes through here. */
#ifndef SVMHV_CPU_H
#define SVMHV_CPU_H

#include "lib/types.h"

/* MSRs */
#define MSR_APIC_BASE        0x0000001B
#define MSR_MTRRCAP          0x000000FE
#define MSR_PAT              0x00000277
#define MSR_EFER             0xC0000080
#define MSR_STAR             0xC0000081
#define MSR_LSTAR            0xC0000082
#define MSR_CSTAR            0xC0000083
#define MSR_SFMASK           0xC0000084
#define MSR_FS_BASE          0xC0000100
#define MSR_GS_BASE          0xC0000101
#define MSR_KERNEL_GS_BASE   0xC0000102
#define MSR_TSC_AUX          0xC0000103
#define MSR_SYSENTER_CS      0x00000174
#define MSR_SYSENTER_ESP     0x00000175
#define MSR_SYSENTER_EIP     0x00000176
#define MSR_VM_CR            0xC0010114
#define MSR_VM_HSAVE_PA      0xC0010117
#define MSR_HWCR             0xC0010015

#define EFER_SCE   BIT(0)
#define EFER_LME   BIT(8)
#define EFER_LMA   BIT(10)
#define EFER_NXE   BIT(11)
#define EFER_SVME  BIT(12)

#define VM_CR_LOCK    BIT(3)
#define VM_CR_SVMDIS  BIT(4)

#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_ET BIT(4)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)
#define CR0_PG BIT(31)
#define CR4_DE         BIT(3)	/* debugging extensions: DR4/DR5 #UD */
#define CR4_PAE        BIT(5)
#define CR4_LA57       BIT(12)	/* 5-level paging */
#define CR4_PGE        BIT(7)
#define CR4_FSGSBASE   BIT(16)
#define CR4_OSXSAVE    BIT(18)	/* XSETBV/XGETBV and XCR0 usable (APM vol. 2, 3.1.3) */

/* XCR0: the state components XSAVE/XRSTOR manage and the CPU lets
 * software use (APM vol. 2, 11.5.2). */
#define XCR0_X87       BIT(0)
#define XCR0_SSE       BIT(1)
#define XCR0_YMM       BIT(2)	/* AVX: the upper halves of YMM0-15 */
#define XCR0_BNDREGS   BIT(3)	/* MPX: never on AMD, never enabled here */
#define XCR0_BNDCSR    BIT(4)
#define XCR0_OPMASK    BIT(5)	/* AVX-512: k0-k7 */
#define XCR0_ZMM_HI256 BIT(6)	/* AVX-512: upper 256 bits of ZMM0-15 */
#define XCR0_HI16_ZMM  BIT(7)	/* AVX-512: ZMM16-31 */
#define XCR0_PKRU      BIT(9)
#define XCR0_AVX512    (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)

#define RFLAGS_TF  BIT(8)	/* single-step */
#define RFLAGS_IF  BIT(9)
#define RFLAGS_RF  BIT(16)	/* resume: no instruction breakpoint for one instruction */

static inline void outb(u16 port, u8 v) { __asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { __asm__ __volatile__("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ __volatile__("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d) { cpuid_count(leaf, 0, a, b, c, d); }

static inline u64 read_cr0(void) { u64 v; __asm__ __volatile__("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr2(void) { u64 v; __asm__ __volatile__("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; __asm__ __volatile__("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; __asm__ __volatile__("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { __asm__ __volatile__("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(u64 v) { __asm__ __volatile__("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { __asm__ __volatile__("mov %0, %%cr4" :: "r"(v) : "memory"); }

/* XCR0 and the XSAVE family.  The kernel is built -mgeneral-regs-only,
 * so these are its only way to touch x87/SSE/AVX state: always whole
 * save areas through explicit memory operands.  `mask` is the requested-
 * feature bitmap (EDX:EAX), further limited by XCR0 (APM vol. 2, 11.5). */
static inline u64 xgetbv(u32 xcr)
{
	u32 lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((u64)hi << 32) | lo;
}
static inline void xsetbv(u32 xcr, u64 v)
{
	__asm__ __volatile__("xsetbv" :: "c"(xcr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline void xsave(void *area, u64 mask)
{
	__asm__ __volatile__("xsave64 (%0)" :: "r"(area), "a"((u32)mask), "d"((u32)(mask >> 32))
			     : "memory");
}
static inline void xrstor(const void *area, u64 mask)
{
	__asm__ __volatile__("xrstor64 (%0)" :: "r"(area), "a"((u32)mask), "d"((u32)(mask >> 32))
			     : "memory");
}
static inline void fxsave(void *area) { __asm__ __volatile__("fxsave64 (%0)" :: "r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ __volatile__("fxrstor64 (%0)" :: "r"(area) : "memory"); }

/* Debug registers.  DR0-DR3 are the four breakpoint addresses. */
#define DR7_FIXED1 0x400ULL
static inline u64 read_dr0(void) { u64 v; __asm__ __volatile__("mov %%dr0, %0" : "=r"(v)); return v; }
static inline u64 read_dr1(void) { u64 v; __asm__ __volatile__("mov %%dr1, %0" : "=r"(v)); return v; }
static inline u64 read_dr2(void) { u64 v; __asm__ __volatile__("mov %%dr2, %0" : "=r"(v)); return v; }
static inline u64 read_dr3(void) { u64 v; __asm__ __volatile__("mov %%dr3, %0" : "=r"(v)); return v; }
static inline u64 read_dr7(void) { u64 v; __asm__ __volatile__("mov %%dr7, %0" : "=r"(v)); return v; }
static inline void write_dr0(u64 v) { __asm__ __volatile__("mov %0, %%dr0" :: "r"(v)); }
static inline void write_dr1(u64 v) { __asm__ __volatile__("mov %0, %%dr1" :: "r"(v)); }
static inline void write_dr2(u64 v) { __asm__ __volatile__("mov %0, %%dr2" :: "r"(v)); }
static inline void write_dr3(u64 v) { __asm__ __volatile__("mov %0, %%dr3" :: "r"(v)); }

static inline u64 read_rflags(void)
{
	u64 f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}
static inline void cli(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void sti(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ __volatile__("hlt" ::: "memory"); }
static inline void sti_hlt(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline bool irqs_enabled(void) { return read_rflags() & RFLAGS_IF; }
static inline u64 irq_save(void) { u64 f = read_rflags(); cli(); return f; }
static inline void irq_restore(u64 f) { if (f & RFLAGS_IF) sti(); }

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}
static inline void invlpg(u64 va) { __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory"); }

static inline u16 read_tr(void) { u16 v; __asm__ __volatile__("str %0" : "=r"(v)); return v; }
static inline u16 read_ldtr(void) { u16 v; __asm__ __volatile__("sldt %0" : "=r"(v)); return v; }
static inline void load_ldtr(u16 sel) { __asm__ __volatile__("lldt %0" :: "r"(sel) : "memory"); }
static inline void load_tr(u16 sel) { __asm__ __volatile__("ltr %0" :: "r"(sel) : "memory"); }
static inline u16 read_fs_sel(void) { u16 v; __asm__ __volatile__("mov %%fs, %0" : "=r"(v)); return v; }
static inline u16 read_gs_sel(void) { u16 v; __asm__ __volatile__("mov %%gs, %0" : "=r"(v)); return v; }

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;
static inline void lgdt(const struct desc_ptr *p) { __asm__ __volatile__("lgdt %0" :: "m"(*p)); }
static inline void lidt(const struct desc_ptr *p) { __asm__ __volatile__("lidt %0" :: "m"(*p)); }
static inline void sgdt(struct desc_ptr *p) { __asm__ __volatile__("sgdt %0" : "=m"(*p)); }

static inline __noreturn void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt");
}

#endif
