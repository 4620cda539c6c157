/* kernel/desc.c - the per-CPU GDT and TSS, and the IDT shared by all CPUs.
 * TR therefore differs per CPU, which the host-state checks rely on. */
#include "kernel/desc.h"
#include "kernel/percpu.h"
#include "kernel/layout.h"
#include "kernel/cpu.h"
#include "lib/string.h"

extern const u64 isr_stub_table[256];	/* kernel/isr.asm */

static struct idt_gate idt[256] __aligned(16);

u64 gdt_code64(void)
{
	return 0x00af9a000000ffffULL;	/* P, DPL0, code, readable, L=1 */
}

u64 gdt_data(void)
{
	return 0x00cf92000000ffffULL;	/* P, DPL0, data, writable */
}

void gdt_system_desc(u64 *slot, u64 base, u32 limit, u8 type)
{
	slot[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
		  ((u64)(type & 0xf) << 40) | BIT(47) |
		  ((u64)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffULL) << 56);
	slot[1] = base >> 32;
}

static void idt_set(int vec, u64 handler, int ist)
{
	struct idt_gate *g = &idt[vec];
	g->off_lo = handler & 0xffff;
	g->sel = SEL_KCODE;
	g->ist = (u8)ist;
	g->type_attr = 0x8e;	/* present, DPL0, 64-bit interrupt gate */
	g->off_mid = (handler >> 16) & 0xffff;
	g->off_hi = handler >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		idt_set(v, isr_stub_table[v], 0);
	idt_set_ist(8, IST_DF);
	idt_set_ist(2, IST_NMI);
	idt_set_ist(18, IST_MCE);
}

void idt_set_ist(int vector, int ist)
{
	idt[vector].ist = (u8)ist;
}

void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };
	lidt(&p);
}

/* Loads this CPU's GDT (reloading every segment register), its TSS, the
 * IDT, and points the GS base at the per-CPU structure. */
void percpu_install(struct percpu *c)
{
	u64 *g = c->gdt.entry;
	memset(&c->gdt, 0, sizeof(c->gdt));
	g[SEL_KCODE >> 3] = gdt_code64();
	g[SEL_KDATA >> 3] = gdt_data();
	memset(&c->tss, 0, sizeof(c->tss));
	c->tss.ist[IST_DF - 1] = (u64)c->ist_df_stack + IST_STACK_SIZE;
	c->tss.ist[IST_NMI - 1] = (u64)c->ist_nmi_stack + IST_STACK_SIZE;
	c->tss.ist[IST_MCE - 1] = (u64)c->ist_mce_stack + IST_STACK_SIZE;
	c->tss.iomap_base = sizeof(struct tss);
	gdt_system_desc(&g[SEL_TSS >> 3], (u64)&c->tss, sizeof(struct tss) - 1, 0x9);

	struct desc_ptr p = { sizeof(c->gdt) - 1, (u64)&c->gdt };
	lgdt(&p);
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		:: [cs] "i"(SEL_KCODE), [ds] "i"(SEL_KDATA) : "rax", "memory");
	load_tr(SEL_TSS);
	load_ldtr(0);
	idt_load();
	/* FS and GS selectors are null; their bases are set through MSRs. */
	__asm__ __volatile__("movl %0, %%fs; movl %0, %%gs" :: "r"(0));
	wrmsr(MSR_GS_BASE, (u64)c);
	c->self = c;
}
