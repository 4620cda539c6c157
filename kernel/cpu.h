/* kernel/cpu.h - privileged x86 instructions as small inline functions,
 * MSR numbers and control-register bits.  Everything that touches the CPU
 * directly goes through here. */
#ifndef SVMHV_CPU_H
#define SVMHV_CPU_H

#include "kernel/types.h"

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
#define CR0_PG BIT(31)
#define CR4_PAE        BIT(5)
#define CR4_PGE        BIT(7)
#define CR4_FSGSBASE   BIT(16)

#define RFLAGS_IF  BIT(9)

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
