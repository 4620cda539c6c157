/* kernel/smp.h - the other CPUs: bring-up, IPIs, remote function calls,
 * stopping everyone on a panic.  See docs/smp.md for the sequence and the
 * vectors.
 *
 * boot_continue() calls platform_init() (kernel/platform.h), smp_ipi_init()
 * and later smp_init(), once each, on the boot CPU.  Afterwards cpu_table[0..ncpus_online-1] (kernel/percpu.h) holds
 * every CPU that answered, cpu_id being the dense index. */
#ifndef SVMHV_SMP_H
#define SVMHV_SMP_H
#include "lib/types.h"

/* The IPI and NMI handlers, and the panic stop when there is a local APIC;
 * after platform_init(). */
void smp_ipi_init(void);

/* Starts every usable CPU of the MADT (at most kopt.smp in all, 0 = no
 * limit), printing each, then "N CPUs online". */
void smp_init(void);

/* Fixed-delivery IPIs by dense CPU index; only to online CPUs. */
void ipi_send(u32 cpu, u8 vector);
void ipi_send_others(u8 vector);

/* Runs fn(arg) on `cpu` in interrupt context (VEC_IPI_CALL), or directly
 * with interrupts off when `cpu` is this CPU.  With `wait`, returns once
 * fn has returned there.  One call per target is in flight at a time;
 * others wait their turn, running calls aimed at this CPU meanwhile, so
 * two CPUs calling each other with interrupts off do not deadlock.
 * -EINVAL when `cpu` is not online. */
int smp_call_on(u32 cpu, void (*fn)(void *), void *arg, bool wait);
/* smp_call_on(cpu, fn, arg, true) on every online CPU, this one included. */
void smp_call_each(void (*fn)(void *), void *arg);

u32 cpu_id_to_apic(u32 cpu);

/* Set by the scheduler.  An AP, once online and smp_init() has finished,
 * calls ap_main_hook from its idle loop, with interrupts disabled, on its
 * boot stack (percpu->boot_stack); it must not return.  An AP that is
 * already idle notices a hook set later at its next interrupt: set it,
 * then ipi_send_others(VEC_IPI_RESCHED). */
extern void (*ap_main_hook)(void);
/* Called by the VEC_IPI_RESCHED handler after its EOI, in interrupt context. */
extern void (*resched_ipi_hook)(void);

#endif
