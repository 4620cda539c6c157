/* vmm/pvipi.h - KVM's paravirtual send-IPI hypercall (KVM_HC_SEND_IPI,
 * hw/svmhv_hypercall.h; docs/hypercalls.md), the part that is pure logic:
 * which APIC IDs a request names and whether its ICR word is one the call
 * accepts.  vmm/hypercall.c delivers to each ID through the APIC bus
 * (vm_apic_send with a physical destination); the host test is tests/host/test_pvipi.c.
 *
 * A request names up to two clusters of APIC IDs: bit i of the low bitmap
 * is ID min + i, bit i of the high one ID min + W + i, where W is the
 * width of a bitmap - 64 bits in long mode, 32 outside it (the arguments
 * are 32-bit registers there).  An ID past the last one the VM has, or
 * past 2^32 - 1, names nothing. */
#ifndef SVMHV_VMM_PVIPI_H
#define SVMHV_VMM_PVIPI_H
#include "lib/types.h"

struct pvipi_req {
	u64 bitmap[2];		/* RBX (low cluster), RCX (high cluster) */
	u32 min;		/* RDX: the APIC ID of bit 0 of the low bitmap */
	u32 icr;		/* RSI: ICR bits 31:0 (vector, delivery mode, level, trigger) */
	bool long_mode;		/* 64-bit bitmaps, else 32-bit ones */
};

/* 0, or -EINVAL when the ICR word asks for a logical destination or a
 * shorthand: the bitmaps are physical APIC IDs and nothing else. */
int pvipi_check_icr(u32 icr);

/* Calls send(arg, id) for every APIC ID the request names that is at most
 * max_id, lowest first; returns how many of those calls returned true
 * (KVM's result: the number of IPIs delivered). */
u32 pvipi_for_each(const struct pvipi_req *r, u32 max_id, bool (*send)(void *arg, u32 id), void *arg);
#endif
