/* kernel/percpu.h - per-CPU data, reached in O(1) through the GS base,
 * whose first word points back at the structure itself.  Each CPU has its
 * own GDT and TSS (so TR differs per CPU), interrupt and IST stacks. */
#ifndef SVMHV_PERCPU_H
#define SVMHV_PERCPU_H

#include "lib/types.h"
#include "kernel/desc.h"

#define MAX_CPUS 256

struct task;
struct sched_cpu;
struct svm_cpu;

struct percpu {
	struct percpu *self;		/* 0x00: %gs:0 */
	u32 cpu_id;			/* 0x08: dense index 0..ncpus-1 */
	u32 apic_id;			/* 0x0c */
	struct task *current;		/* 0x10 */
	u64 scratch;			/* 0x18: used by the context switch */
	u32 preempt_count;		/* 0x20: >0 = no task switch allowed */
	u32 locks_held;			/* 0x24: spinlocks held (test builds check) */
	u32 irq_depth;			/* 0x28: nested interrupt level */
	u32 online;			/* 0x2c */
	struct gdt_page gdt __aligned(16);
	struct tss tss __aligned(16);
	u8 *ist_df_stack;		/* double fault */
	u8 *ist_nmi_stack;
	u8 *ist_mce_stack;
	u8 *irq_stack;
	struct sched_cpu *sched;	/* owned by sched/ */
	struct svm_cpu *svm;		/* owned by svm/ */
	void *call_func;		/* remote function call (IPI) */
	void *call_arg;
	volatile u32 call_pending;
	u64 tsc_at_online;
	/* drivers/lapic.c, kernel/smp.c */
	volatile u64 timer_ticks;	/* VEC_LAPIC_TIMER interrupts counted */
	u32 timer_hz;			/* lapic_timer_periodic() rate, 0 = not periodic */
	volatile u32 resched_ipis;	/* VEC_IPI_RESCHED interrupts taken */
	u8 *boot_stack;			/* the KSTACK_SIZE stack this CPU started on */
} __aligned(64);

_Static_assert(offsetof(struct percpu, self) == 0, "GS:0 must be the self pointer");
_Static_assert(offsetof(struct percpu, current) == 0x10, "asm uses %gs:0x10");
_Static_assert(sizeof(struct percpu) % 64 == 0, "per-CPU data fills whole cache lines");

extern struct percpu *cpu_table[MAX_CPUS];
extern u32 ncpus_online;
extern u32 ncpus_possible;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ __volatile__("mov %%gs:0, %0" : "=r"(p));
	return p;
}
static inline u32 this_cpu_id(void)
{
	u32 id;
	__asm__ __volatile__("movl %%gs:8, %0" : "=r"(id));
	return id;
}
static inline struct task *current_task(void)
{
	struct task *t;
	__asm__ __volatile__("mov %%gs:0x10, %0" : "=r"(t));
	return t;
}

void percpu_init_bsp(void);
struct percpu *percpu_alloc(u32 cpu_id, u32 apic_id);
void percpu_install(struct percpu *p);   /* GDT, TSS, IDT, GS base on this CPU */

#endif
