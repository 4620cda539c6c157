/* sched/task_check.c - see task_check.h. */
#include "sched/task_check.h"
#include "sched/task.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/percpu.h"

const char *const host_field_names[HF_COUNT] = {
	[HF_FS_SEL] = "fs.selector", [HF_FS_ATTR] = "fs.attrib", [HF_FS_LIMIT] = "fs.limit",
	[HF_FS_BASE] = "fs.base", [HF_FS_LOCAL] = "fs:0 (task-local self)",
	[HF_GS_SEL] = "gs.selector", [HF_GS_ATTR] = "gs.attrib", [HF_GS_LIMIT] = "gs.limit",
	[HF_GS_BASE] = "gs.base",
	[HF_TR_SEL] = "tr.selector", [HF_TR_ATTR] = "tr.attrib", [HF_TR_LIMIT] = "tr.limit",
	[HF_TR_BASE] = "tr.base",
	[HF_LDTR_SEL] = "ldtr.selector", [HF_LDTR_ATTR] = "ldtr.attrib", [HF_LDTR_LIMIT] = "ldtr.limit",
	[HF_LDTR_BASE] = "ldtr.base", [HF_LDTR_PROBE] = "ldtr (LDT entry 0 via lsl)",
	[HF_KERNEL_GS_BASE] = "kernel_gs_base", [HF_STAR] = "star", [HF_LSTAR] = "lstar",
	[HF_CSTAR] = "cstar", [HF_SFMASK] = "sfmask", [HF_SYSENTER_CS] = "sysenter_cs",
	[HF_SYSENTER_ESP] = "sysenter_esp", [HF_SYSENTER_EIP] = "sysenter_eip",
};

const char *const host_group_names[HG_COUNT] = { HOST_GROUP_NAMES };

enum host_group host_field_group(enum host_field f)
{
	if (f <= HF_FS_LOCAL)
		return HG_FS;
	if (f <= HF_GS_BASE)
		return HG_GS;
	if (f <= HF_TR_BASE)
		return HG_TR;
	if (f <= HF_LDTR_PROBE)
		return HG_LDTR;
	return (enum host_group)(HG_KERNEL_GS_BASE + (f - HF_KERNEL_GS_BASE));
}

/* The common part: set at boot, never changed (svmhv has no user mode). */
static struct host_state boot_ref;
static bool boot_ref_hidden;


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

void task_expected_host_state(const struct task *t, const struct percpu *pc,
			      struct host_state *exp)
{
	*exp = boot_ref;
	/* FS and GS hold null selectors; their bases come from MSRs. */
	exp->fs.selector = 0;
	exp->fs.base = t->fs_base;
	exp->gs.selector = 0;
	exp->gs.base = (u64)pc;
	exp->kernel_gs_base = t->kernel_gs_base;
	exp->tr = (struct host_seg){ SEL_TSS, HOST_TR_ATTRIB, sizeof(struct tss) - 1, (u64)&pc->tss };
	if (t->ldt)
		exp->ldtr = (struct host_seg){ SEL_LDT_FIRST, HOST_LDTR_ATTRIB,
					       t->ldt_entries * 8 - 1, (u64)t->ldt };
	else
		exp->ldtr = (struct host_seg){ 0, 0, 0, 0 };
}

/* What instructions can see, for the path without VMSAVE. */
static void read_visible(struct host_state *hs)
{
	u16 fs, gs;
	__asm__ __volatile__("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
	hs->fs.selector = fs;
	hs->fs.base = rdmsr(MSR_FS_BASE);
	hs->gs.selector = gs;
	hs->gs.base = rdmsr(MSR_GS_BASE);
	hs->tr.selector = read_tr();
	hs->tr.base = cpu_tss_base();	/* the GDT's, not the hidden TR */
	hs->ldtr.selector = read_ldtr();
	hs->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	hs->star = rdmsr(MSR_STAR);
	hs->lstar = rdmsr(MSR_LSTAR);
	hs->cstar = rdmsr(MSR_CSTAR);
	hs->sfmask = rdmsr(MSR_SFMASK);
	hs->sysenter_cs = rdmsr(MSR_SYSENTER_CS);
	hs->sysenter_esp = rdmsr(MSR_SYSENTER_ESP);
	hs->sysenter_eip = rdmsr(MSR_SYSENTER_EIP);
}

void task_check_record_boot(const struct host_state *hs)
{
	if (hs)
		boot_ref = *hs;
	else
		read_visible(&boot_ref);
	boot_ref_hidden = hs != NULL;
}

u32 task_check_host_state(const struct task *t, const struct percpu *pc,
			  const struct host_state *found, struct host_mismatch *m)
{
	struct host_state exp, vis;
	u32 bad = 0, groups = 0;
	bool hidden = found != NULL;
	task_expected_host_state(t, pc, &exp);
	if (!found) {
		read_visible(&vis);
		found = &vis;
	}
#define CHECK(f, e, g) do {							\
		u64 e_ = (u64)(e), g_ = (u64)(g);				\
		if (e_ != g_) {							\
			if (!bad && m)						\
				*m = (struct host_mismatch){ f, e_, g_, 0 };	\
			groups |= BIT(host_field_group(f));			\
			bad++;							\
		}								\
	} while (0)
#define CHECK_SEG(s, F, hidden_too) do {					\
		CHECK(HF_##F##_SEL, exp.s.selector, found->s.selector);	\
		if (hidden_too) {						\
			CHECK(HF_##F##_ATTR, exp.s.attrib, found->s.attrib);	\
			CHECK(HF_##F##_LIMIT, exp.s.limit, found->s.limit);	\
		}								\
	} while (0)
	CHECK_SEG(fs, FS, hidden && boot_ref_hidden);
	CHECK(HF_FS_BASE, exp.fs.base, found->fs.base);
	/* Only follow FS when the CPU's base is where the block must be. */
	if (rdmsr(MSR_FS_BASE) == t->fs_base)
		CHECK(HF_FS_LOCAL, t->fs_base, (u64)task_local()->self);
	CHECK_SEG(gs, GS, hidden && boot_ref_hidden);
	CHECK(HF_GS_BASE, exp.gs.base, found->gs.base);
	CHECK_SEG(tr, TR, hidden);
	CHECK(HF_TR_BASE, exp.tr.base, found->tr.base);
	CHECK(HF_LDTR_SEL, exp.ldtr.selector, found->ldtr.selector);
	if (hidden) {
		/* A null LDTR's attributes are whatever LLDT left (undefined). */
		if (t->ldt)
			CHECK(HF_LDTR_ATTR, exp.ldtr.attrib, found->ldtr.attrib);
		CHECK(HF_LDTR_LIMIT, exp.ldtr.limit, found->ldtr.limit);
		CHECK(HF_LDTR_BASE, exp.ldtr.base, found->ldtr.base);
	} else if (t->ldt) {
		/* Entry 0's limit is the task id: names the LDT the CPU uses. */
		CHECK(HF_LDTR_PROBE, t->id & 0xfffff, ldt_probe_limit());
	}
	CHECK(HF_KERNEL_GS_BASE, exp.kernel_gs_base, found->kernel_gs_base);
	CHECK(HF_STAR, exp.star, found->star);
	CHECK(HF_LSTAR, exp.lstar, found->lstar);
	CHECK(HF_CSTAR, exp.cstar, found->cstar);
	CHECK(HF_SFMASK, exp.sfmask, found->sfmask);
	CHECK(HF_SYSENTER_CS, exp.sysenter_cs, found->sysenter_cs);
	CHECK(HF_SYSENTER_ESP, exp.sysenter_esp, found->sysenter_esp);
	CHECK(HF_SYSENTER_EIP, exp.sysenter_eip, found->sysenter_eip);
#undef CHECK_SEG
#undef CHECK
	if (m)
		m->groups = groups;
	return bad;
}
