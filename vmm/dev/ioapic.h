/* vmm/dev/ioapic.h - a pc VM's I/O APIC at 0xfec00000: the pure core
 * (vmm/dev/ioapic_core.h) behind a lock (devices on any CPU drive its pins,
 * any vCPU programs it), its messages sent on the APIC bus (vmm/irq.c). */
#ifndef SVMHV_VMM_DEV_IOAPIC_H
#define SVMHV_VMM_DEV_IOAPIC_H
#include "lib/types.h"

struct vm;

#define VM_IOAPIC_GPA	0xfec00000ULL
#define VM_IOAPIC_ID	0	/* the MADT's; the local APICs have IDs 0..n-1 too,
				 * a separate name space */

int vm_ioapic_attach(struct vm *vm);
/* A local APIC retired a level-triggered vector. */
void vm_ioapic_eoi(struct vm *vm, u8 vector);
#endif
