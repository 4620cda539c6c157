/* kernel/desc.h - GDT, TSS and IDT layouts (Intel SDM vol. 3 ch. 3, 7;
 * AMD APM vol. 2 ch. 4, 12) and the kernel's selectors. */
#ifndef SVMHV_DESC_H
#define SVMHV_DESC_H

#include "lib/types.h"

#define SEL_NULL      0x00
#define SEL_KCODE     0x08
#define SEL_KDATA     0x10
#define SEL_TSS       0x18	/* 16-byte system descriptor: slots 3 and 4 */
#define SEL_LDT_FIRST 0x28	/* per-task LDT descriptors are written here */
#define GDT_ENTRIES   8

#define IST_DF   1
#define IST_NMI  2
#define IST_MCE  3

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

struct gdt_page {
	u64 entry[GDT_ENTRIES];
};

struct idt_gate {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type_attr;
	u16 off_mid;
	u32 off_hi;
	u32 reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

/* Builders for descriptors */
u64 gdt_code64(void);
u64 gdt_data(void);
void gdt_system_desc(u64 *slot, u64 base, u32 limit, u8 type);  /* TSS = 0x9, LDT = 0x2 */

void idt_init(void);      /* once, on the boot CPU */
void idt_load(void);      /* on every CPU */
void idt_set_ist(int vector, int ist);

/* Interrupt vectors owned by the kernel */
#define VEC_FIRST_IRQ     0x20
#define VEC_LAPIC_TIMER   0xF0
#define VEC_IPI_RESCHED   0xF1
#define VEC_IPI_CALL      0xF2
#define VEC_IPI_STOP      0xF3
#define VEC_SPURIOUS      0xFF

#endif
