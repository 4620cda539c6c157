/* vmm/dev/lapic_timer.h - between the two halves of the pure local APIC
 * core: lapic_core.c (registers, priorities, acceptance, IPIs) and
 * lapic_timer.c (the timer).  Not for the glue: it uses lapic_core.h. */
#ifndef SVMHV_VMM_DEV_LAPIC_TIMER_H
#define SVMHV_VMM_DEV_LAPIC_TIMER_H
#include "vmm/dev/lapic_core.h"

/* lapic_core.c: a locally generated fixed interrupt (timer, error, self);
 * a vector below 16 logs "receive illegal vector" instead. */
void vlapic_accept_local(struct vlapic *l, u32 vector, bool level, bool is_error);

/* lapic_timer.c: the timer registers' writes (TMICT, DCR, LVT timer). */
void vlapic_write_tmict(struct vlapic *l, u32 val, u64 now, struct vlapic_result *res);
void vlapic_write_dcr(struct vlapic *l, u32 val, u64 now, struct vlapic_result *res);
void vlapic_write_lvt_timer(struct vlapic *l, u32 val, struct vlapic_result *res);

#endif
