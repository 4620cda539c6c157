/* sched/task_check.c - see task_check.h. */
#include "sched/task_check.h"
#include "sched/task.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/percpu.h"

const char *const host_field_names[HF_COUNT] = {
	[HF_FS_BASE] = "FS.base", [HF_FS_LOCAL] = "FS:0 task-local self",
	[HF_KERNEL_GS_BASE] = "KernelGsBase", [HF_GS_BASE] = "GS.base",
	[HF_TR_SEL] = "TR.selector", [HF_TR_BASE] = "TR.base",
	[HF_LDTR_SEL] = "LDTR.selector", [HF_LDTR_BASE] = "LDTR.base (via lsl)",
};

static u64 desc_base(const u64 *slot)
{
	return ((slot[0] >> 16) & 0xffffff) | (((slot[0] >> 56) & 0xff) << 24) | (slot[1] << 32);
}

u64 cpu_tss_base(void)
{
	struct desc_ptr g;
	sgdt(&g);
	return desc_base(&((const u64 *)g.base)[SEL_TSS >> 3]);
}

/* The limit of LDT entry 0 as the CPU sees it through the active LDTR,
 * or ~0 when the selector is not accessible. */
static u64 ldt_probe_limit(void)
{
	u64 lim = ~0ULL;
	u32 ok = 0;
	__asm__ __volatile__("lsl %2, %0\n\tsetz %b1" : "+r"(lim), "+r"(ok) : "r"(0x4ULL) : "cc");
	return ok & 1 ? (lim & 0xfffff) : ~0ULL;
}

u32 task_check_host_state(const struct task *t, const struct percpu *pc,
			  struct host_mismatch *first)
{
	u32 bad = 0;
#define CHECK(f, exp, got) do {							\
		u64 e_ = (u64)(exp), g_ = (u64)(got);				\
		if (e_ != g_) {							\
			if (!bad && first)					\
				*first = (struct host_mismatch){ f, e_, g_ };	\
			bad++;							\
		}								\
	} while (0)
	u64 fs = rdmsr(MSR_FS_BASE);
	CHECK(HF_FS_BASE, t->fs_base, fs);
	/* Only follow FS when it points where a task-local block can be. */
	if (fs == t->fs_base)
		CHECK(HF_FS_LOCAL, (u64)t->tls, (u64)task_local()->self);
	CHECK(HF_KERNEL_GS_BASE, t->kernel_gs_base, rdmsr(MSR_KERNEL_GS_BASE));
	CHECK(HF_GS_BASE, (u64)pc, rdmsr(MSR_GS_BASE));
	CHECK(HF_TR_SEL, SEL_TSS, read_tr());
	CHECK(HF_TR_BASE, (u64)&pc->tss, cpu_tss_base());
	if (t->ldt) {
		CHECK(HF_LDTR_SEL, SEL_LDT_FIRST, read_ldtr());
		CHECK(HF_LDTR_BASE, t->id & 0xfffff, ldt_probe_limit());
	} else {
		CHECK(HF_LDTR_SEL, 0, read_ldtr());
	}
#undef CHECK
	return bad;
}

void task_restore_host_state(const struct task *t, struct percpu *pc)
{
	wrmsr(MSR_GS_BASE, (u64)pc);
	/* ltr needs an available (not busy) TSS descriptor: type 9, not 0xB. */
	pc->gdt.entry[SEL_TSS >> 3] &= ~BIT(41);
	load_tr(SEL_TSS);
	wrmsr(MSR_FS_BASE, t->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, t->kernel_gs_base);
	if (t->ldt) {
		gdt_system_desc(&pc->gdt.entry[SEL_LDT_FIRST >> 3], (u64)t->ldt,
				t->ldt_entries * 8 - 1, 0x2);
		load_ldtr(SEL_LDT_FIRST);
	} else {
		load_ldtr(0);
	}
}
