/* vmm/dev/lapic.h - a pc VM's local APICs: the glue between the pure core
 * (vmm/dev/lapic_core.h) and the VM - the xAPIC page at 0xfee00000 on the
 * MMIO bus (one device; an access reaches the APIC of the vCPU that made
 * it), the x2APIC MSRs, IA32_APIC_BASE and IA32_TSC_DEADLINE, the timer on
 * the vCPU's timer queue (vmm/vtimer.h), and the results of a register
 * write acted on: IPIs onto the APIC bus (vm_apic_send), level EOIs to the
 * I/O APIC.  Only the vCPU's own task touches its APIC's state; other CPUs
 * post (vmm/irq.h). */
#ifndef SVMHV_VMM_DEV_LAPIC_H
#define SVMHV_VMM_DEV_LAPIC_H
#include "lib/types.h"

struct vm;
struct vcpu;
struct apic_msg;
struct vmm_exit_msr;

/* The MMIO page, once per VM; then one APIC per vCPU.  0 or -ENOMEM. */
int vm_lapic_attach(struct vm *vm);
int vcpu_lapic_create(struct vcpu *v);
void vcpu_lapic_free(struct vcpu *v);
/* INIT: the APIC's INIT reset; its timer stops. */
void vcpu_lapic_init_reset(struct vcpu *v);

/* An access to the vCPU's own xAPIC page (vcpu_apic_page_hit); elsewhere
 * reads are all ones and writes dropped. */
u64 vcpu_lapic_mmio_read(struct vcpu *v, u64 gpa, u32 size);
void vcpu_lapic_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val);

/* MSRs 0x1b, 0x6e0, 0x800-0x8ff: true when the MSR is the APIC's; then
 * *gp says whether the access raises #GP. */
bool vcpu_lapic_msr(struct vcpu *v, struct vmm_exit_msr *m, bool *gp);

/* For vmm/irq.c */
void vcpu_lapic_accept_fixed(struct vcpu *v, u8 vector, bool level);
int vcpu_lapic_offer(struct vcpu *v);
/* Whether a vector waits only because TPR is not below its class. */
bool vcpu_lapic_tpr_holds(struct vcpu *v);
bool vcpu_lapic_deliverable(struct vcpu *v);
void vcpu_lapic_ack(struct vcpu *v, u8 vector);
bool vcpu_lapic_targets(struct vcpu *v, const struct apic_msg *m, bool self);
u32 vcpu_lapic_ppr(struct vcpu *v);
/* The APIC ID as it stands (xAPIC: the 8-bit ID register, x2APIC: the
 * 32-bit ID). */
u32 vcpu_lapic_id(struct vcpu *v);
/* IA32_APIC_BASE.EN (CPUID 1:EDX.APIC follows it). */
bool vcpu_lapic_enabled(struct vcpu *v);
/* x2APIC offered (CPUID 1:ECX[21]): on unless the guest's x2apic=off. */
bool vcpu_lapic_has_x2apic(struct vcpu *v);

/* CR8 as the backend keeps it (TPR[7:4]): the guest changed it without an
 * exit; and what it must be at the next entry. */
void vcpu_lapic_set_cr8(struct vcpu *v, u8 cr8);
u8 vcpu_lapic_cr8(struct vcpu *v);

/* The guest's CPUID: whether the APIC is x2APIC/TSC-deadline capable. */
#define VLAPIC_TIMER_HZ	1000000000ULL	/* the timer's input clock: 1 GHz */
#endif
