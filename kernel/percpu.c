/* kernel/percpu.c - allocation of per-CPU structures.  The boot CPU's is
 * static so that it works before any allocator does. */
#include "kernel/percpu.h"
#include "kernel/layout.h"
#include "lib/string.h"
#include "kernel/panic.h"
#include "mm/kmem.h"

struct percpu *cpu_table[MAX_CPUS];
u32 ncpus_online;
u32 ncpus_possible = 1;

static struct percpu bsp_percpu;
static u8 bsp_ist[3][IST_STACK_SIZE] __aligned(16);

void percpu_init_bsp(void)
{
	struct percpu *c = &bsp_percpu;
	c->cpu_id = 0;
	c->ist_df_stack = bsp_ist[0];
	c->ist_nmi_stack = bsp_ist[1];
	c->ist_mce_stack = bsp_ist[2];
	cpu_table[0] = c;
	idt_init();
	percpu_install(c);
	c->online = 1;
	ncpus_online = 1;
}

struct percpu *percpu_alloc(u32 cpu_id, u32 apic_id)
{
	struct percpu *c = kmalloc_aligned(sizeof(*c), 64);
	u8 *ist = kmalloc_aligned(3 * IST_STACK_SIZE, 16);
	if (!c || !ist)
		panic("out of memory", "per-CPU data for CPU %u", cpu_id);
	memset(c, 0, sizeof(*c));
	c->cpu_id = cpu_id;
	c->apic_id = apic_id;
	c->ist_df_stack = ist;
	c->ist_nmi_stack = ist + IST_STACK_SIZE;
	c->ist_mce_stack = ist + 2 * IST_STACK_SIZE;
	cpu_table[cpu_id] = c;
	return c;
}
