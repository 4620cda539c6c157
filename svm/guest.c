/* svm/guest.c - guests from boot modules: RAM from the frame allocator
 * mapped through nested page tables (2 MiB pages where possible), the
 * image loaded, every vCPU's VMCB set for its start mode, one task per
 * vCPU; then waiting for them, and the report of how each one stopped.
 *
 * Start state per mode (docs/guests.md):
 *   real: CS=0 IP=0x7c00, 64 KiB segments, IVT at 0.
 *   prot: flat 4 GiB segments (CS 0x08, data 0x10) from a GDT at 0x500,
 *         paging off, EIP = the ELF entry.
 *   long: as prot plus an identity map of the first 4 GiB (2 MiB pages,
 *         PML4 at 0x1000), EFER.LME/LMA, CS 0x18 (64-bit).
 * General registers, the stack pointer included, start at zero.  Every
 * vCPU starts with the same state; HC_INFO tells them apart. */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"
#include "drivers/timer.h"

#define GUEST_GDT_GPA   0x500ULL
#define GUEST_PML4_GPA  0x1000ULL
#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18

static u32 next_guest_id;

static const char *const stop_names[] = {
	[STOP_NONE] = "running", [STOP_HYPERCALL] = "exit hypercall", [STOP_TIMEOUT] = "timeout",
	[STOP_SHUTDOWN] = "shutdown (triple fault)", [STOP_NPF] = "access outside its RAM",
	[STOP_INVALID] = "invalid guest state", [STOP_UNHANDLED] = "unhandled exit",
	[STOP_ERROR] = "emulation error", [STOP_HOST] = "stopped by the host",
};

const char *guest_stop_name(u32 r)
{
	return r < ARRAY_SIZE(stop_names) ? stop_names[r] : "?";
}

static void *npt_alloc(void *ctx, paddr_t *pa)
{
	if (frame_alloc(1, 1, pa))
		return NULL;
	return phys_to_virt(*pa);
}

static void *npt_p2v(void *ctx, paddr_t pa)
{
	return phys_to_virt(pa);
}

static void npt_free(void *ctx, paddr_t pa)
{
	frame_free(pa, 1);
}

static const struct npt_ops guest_npt_ops = { npt_alloc, npt_p2v, NULL };

static void seg(struct vmcb_seg *s, u16 sel, u16 attr, u32 limit, u64 base)
{
	s->selector = sel;
	s->attrib = attr;
	s->limit = limit;
	s->base = base;
}

static void vmcb_init(struct vcpu *v, struct guest *g, u64 entry)
{
	struct vmcb_control *c = &v->vmcb->control;
	struct vmcb_save *s = &v->vmcb->save;

	/* Intercepts that are always on: physical interrupts and NMIs so a
	 * guest never keeps a CPU from its host, everything that could see or
	 * change the machine, and every SVM instruction (VMRUN's intercept is
	 * required by the APM's consistency checks, 15.5.1). */
	c->intercept1 = SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_NMI | SVM_INTERCEPT1_SMI |
			SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_INVLPGA |
			SVM_INTERCEPT1_IOIO_PROT | SVM_INTERCEPT1_MSR_PROT | SVM_INTERCEPT1_SHUTDOWN;
	c->intercept2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL | SVM_INTERCEPT2_VMLOAD |
			SVM_INTERCEPT2_VMSAVE | SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI |
			SVM_INTERCEPT2_SKINIT | SVM_INTERCEPT2_XSETBV;
	svm_features_vmcb_init(c);
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->vintr = VMCB_VINTR_MASKING;
	c->np_ctl = VMCB_NP_ENABLE;
	c->n_cr3 = g->npt.root_pa;
	c->clean = 0;

	s->efer = EFER_SVME;
	s->g_pat = 0x0007040600070406ULL;	/* the reset PAT */
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	seg(&s->ldtr, 0, 0x82, 0xffff, 0);
	seg(&s->tr, 0, 0x8b, 0xffff, 0);

	switch (g->cfg.mode) {
	case GUEST_MODE_REAL:
	default:
		seg(&s->cs, 0, 0x9b, 0xffff, 0);
		seg(&s->ds, 0, 0x93, 0xffff, 0);
		s->es = s->ss = s->fs = s->gs = s->ds;
		seg(&s->gdtr, 0, 0, 0xffff, 0);
		seg(&s->idtr, 0, 0, 0x3ff, 0);
		s->cr0 = CR0_ET | CR0_NE;
		s->rip = entry;
		s->rsp = 0;
		break;
	case GUEST_MODE_PROT:
		seg(&s->cs, SEL_CODE32, 0xc9b, 0xffffffff, 0);
		seg(&s->ds, SEL_DATA, 0xc93, 0xffffffff, 0);
		s->es = s->ss = s->fs = s->gs = s->ds;
		seg(&s->gdtr, 0, 0, 31, GUEST_GDT_GPA);
		seg(&s->idtr, 0, 0, 0, 0);
		s->cr0 = CR0_PE | CR0_ET | CR0_NE;
		s->rip = entry;
		s->rsp = 0;
		break;
	case GUEST_MODE_LONG:
		seg(&s->cs, SEL_CODE64, 0x29b, 0xffffffff, 0);
		seg(&s->ds, SEL_DATA, 0xc93, 0xffffffff, 0);
		s->es = s->ss = s->fs = s->gs = s->ds;
		seg(&s->gdtr, 0, 0, 31, GUEST_GDT_GPA);
		seg(&s->idtr, 0, 0, 0, 0);
		s->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
		s->cr4 = CR4_PAE;
		s->cr3 = GUEST_PML4_GPA;
		s->efer = EFER_SVME | EFER_LME | EFER_LMA;
		s->rip = entry;
		s->rsp = 0;
		break;
	}
}

/* The GDT every protected- and long-mode guest starts with, and for long
 * mode the identity map of the first 4 GiB built in guest memory. */
static void guest_build_tables(struct guest *g)
{
	u64 gdt[4] = { 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL, 0x00af9b000000ffffULL };
	memcpy(g->ram + GUEST_GDT_GPA, gdt, sizeof(gdt));
	if (g->cfg.mode != GUEST_MODE_LONG)
		return;
	u64 *pml4 = (u64 *)(g->ram + GUEST_PML4_GPA);
	u64 *pdpt = (u64 *)(g->ram + GUEST_PML4_GPA + 0x1000);
	memset(pml4, 0, 6 * 4096);
	pml4[0] = (GUEST_PML4_GPA + 0x1000) | 0x7;
	for (u64 i = 0; i < 4; i++) {
		u64 pd_gpa = GUEST_PML4_GPA + 0x2000 + i * 0x1000;
		u64 *pd = (u64 *)(g->ram + pd_gpa);
		pdpt[i] = pd_gpa | 0x7;
		for (u64 j = 0; j < 512; j++)
			pd[j] = ((i << 30) + (j << 21)) | 0x87;	/* P, W, U, PS */
	}
}

struct guest *guest_create(const struct guest_cfg *cfg, const u8 *image, size_t len)
{
	struct guest *g = kzalloc(sizeof(*g));
	if (!g)
		return NULL;
	g->cfg = *cfg;
	g->id = __atomic_fetch_add(&next_guest_id, 1, __ATOMIC_RELAXED);
	spin_lock_init(&g->lock, "guest");
	wq_init(&g->start_wq);
	if (!g->cfg.name[0])
		ksnprintf(g->cfg.name, sizeof(g->cfg.name), "guest%u", g->id);
	g->ram_size = guest_cfg_ram_bytes(cfg);
	g->ram_pages = g->ram_size / 4096;

	int kind = guest_image_kind(image, len, g->ram_size);
	if (kind < 0 || guest_cfg_set_mode(&g->cfg, (enum guest_image_kind)kind)) {
		pr_err("guest %s: image refused (see above)\n", g->cfg.name);
		goto fail;
	}
	g->image_kind = kind == GUEST_IMAGE_FLAT ? "flat binary" : kind == GUEST_IMAGE_ELF32 ? "ELF32" : "ELF64";
	if (g->cfg.mode == GUEST_MODE_LONG && g->ram_size < 0x200000) {
		pr_err("guest %s: long mode needs at least 2 MiB of RAM\n", g->cfg.name);
		goto fail;
	}
	/* RAM: one contiguous, 2 MiB-aligned run of frames when possible. */
	u64 align = g->ram_size >= 0x200000 ? 512 : 1;
	if (frame_alloc(g->ram_pages, align, &g->ram_pa)) {
		pr_err("guest %s: no %lu MiB of contiguous memory for its RAM\n", g->cfg.name,
		       g->ram_size >> 20);
		goto fail;
	}
	g->ram = phys_to_virt(g->ram_pa);
	memset(g->ram, 0, g->ram_size);

	u64 entry;
	int r = kind == GUEST_IMAGE_FLAT ? guest_flat_load(image, len, g->ram, g->ram_size, &entry)
					 : guest_elf_load(image, len, g->ram, g->ram_size, &entry);
	if (r) {
		pr_err("guest %s: could not load its image\n", g->cfg.name);
		goto fail;
	}
	guest_build_tables(g);

	if (npt_init(&g->npt, &guest_npt_ops) ||
	    npt_map(&g->npt, 0, g->ram_pa, g->ram_size, NPT_W)) {
		pr_err("guest %s: building its nested page tables failed\n", g->cfg.name);
		goto fail;
	}

	g->nvcpus = cfg->vcpus ? cfg->vcpus : 1;
	g->vcpus = kzalloc(sizeof(struct vcpu *) * g->nvcpus);
	g->tasks = kzalloc(sizeof(struct task *) * g->nvcpus);
	if (!g->vcpus || !g->tasks)
		goto fail;
	for (u32 i = 0; i < g->nvcpus; i++) {
		g->vcpus[i] = vcpu_create(g, i);
		if (!g->vcpus[i])
			goto fail;
		vmcb_init(g->vcpus[i], g, entry);
	}
	return g;
fail:
	guest_destroy(g);
	return NULL;
}

int guest_start(struct guest *g)
{
	cpumask_t m;
	if (g->cfg.has_cpus) {
		cpumask_clear(&m);
		for (u32 c = 0; c < ncpus_online; c++)
			if (g->cfg.cpus_mask[c / 64] & BIT(c % 64))
				cpumask_set(&m, c);
	} else {
		cpumask_setall(&m);
	}
	g->start_tsc = rdtsc();
	if (g->cfg.timeout_ms)
		g->deadline_tsc = g->start_tsc + ns_to_tsc(g->cfg.timeout_ms * 1000000ULL);
	kprintf("guest %s: starting: %s, %s mode, %lu MiB at %#lx, %u vCPU(s)%s%s\n", g->cfg.name,
		g->image_kind, guest_mode_name(g->cfg.mode), g->ram_size >> 20, g->ram_pa, g->nvcpus,
		g->cfg.timeout_ms ? ", timeout set" : "", g->cfg.has_cpus ? ", CPU affinity set" : "");
	u32 first_cpu = 0;
	for (u32 c = 0; c < ncpus_online; c++)
		if (cpumask_test(&m, c)) {
			first_cpu = c;
			break;
		}
	for (u32 i = 0; i < g->nvcpus; i++) {
		char name[TASK_NAME_LEN];
		ksnprintf(name, sizeof(name), "vcpu %s/%u", g->cfg.name, i);
		/* Spread the vCPUs over the allowed CPUs from the start. */
		u32 cpu = (first_cpu + g->id + i) % ncpus_online;
		while (!cpumask_test(&m, cpu))
			cpu = (cpu + 1) % ncpus_online;
		/* Even vCPUs own an LDT, odd ones run with a null LDTR: the
		 * host-state checks see both kinds, and a vCPU of one kind
		 * getting the other's LDTR. */
		struct task_params p = { .name = name, .entry = vcpu_run_task, .arg = g->vcpus[i],
					 .prio = PRIO_DEFAULT, .cpu = (s32)cpu, .affinity = &m,
					 .with_ldt = i % 2 == 0 };
		g->tasks[i] = task_create(&p);
		if (!g->tasks[i]) {
			guest_request_stop(g, STOP_ERROR, "could not create the task of vCPU %u", i);
			break;
		}
	}
	u64 f = spin_lock_irqsave(&g->lock);
	g->go = true;
	spin_unlock_irqrestore(&g->lock, f);
	wq_wake_all(&g->start_wq);
	return g->stop == STOP_ERROR ? -ENOMEM : 0;
}

void guest_wait(struct guest *g)
{
	for (u32 i = 0; i < g->nvcpus; i++)
		if (g->tasks && g->tasks[i]) {
			task_join(g->tasks[i]);
			g->tasks[i] = NULL;
		}
	guest_console_flush(g);
}

void guest_destroy(struct guest *g)
{
	if (!g)
		return;
	if (g->vcpus)
		for (u32 i = 0; i < g->nvcpus; i++)
			if (g->vcpus[i])
				vcpu_free(g->vcpus[i]);
	kfree(g->vcpus);
	kfree(g->tasks);
	if (g->npt.root_pa)
		npt_destroy(&g->npt, npt_free);
	if (g->ram_pa)
		frame_free(g->ram_pa, g->ram_pages);
	kfree(g);
}

/* Did the guest stop the way its expect= said?  No expect=: it must not
 * have reported a failed test. */
bool guest_met_expectation(const struct guest *g)
{
	if (g->results_fail)
		return false;
	switch (g->cfg.expect) {
	case GUEST_EXPECT_EXIT:
		return g->stop == STOP_HYPERCALL && g->exit_status == g->cfg.expect_status;
	case GUEST_EXPECT_SHUTDOWN:
		return g->stop == STOP_SHUTDOWN;
	case GUEST_EXPECT_NPF:
		return g->stop == STOP_NPF;
	case GUEST_EXPECT_TIMEOUT:
		return g->stop == STOP_TIMEOUT;
	case GUEST_EXPECT_INVALID:
		return g->stop == STOP_INVALID;
	default:
		return true;
	}
}

void guest_report(struct guest *g)
{
	u64 exits = 0;
	for (u32 i = 0; i < g->nvcpus; i++)
		exits += g->vcpus[i]->exits;
	kprintf("guest %s: stopped: %s (%s); %lu exits; %u passed, %u failed, %u skipped in-guest checks; "
		"%lu port writes dropped\n", g->cfg.name, guest_stop_name(g->stop), g->stop_detail, exits,
		g->results_pass, g->results_fail, g->results_skip, g->io_dropped);
	if (g->cfg.expect != GUEST_EXPECT_NONE)
		kprintf("guest %s: expected %s%s: %s\n", g->cfg.name, guest_expect_name(g->cfg.expect),
			g->cfg.expect == GUEST_EXPECT_EXIT ? " with status" : "",
			guest_met_expectation(g) ? "as expected" : "NOT as expected");
}

u32 guests_create_from_modules(const struct mb2_module *mods, u32 nmods, struct guest **gs, u32 max)
{
	u32 n = 0;
	for (u32 i = 0; i < nmods && n < max; i++) {
		const struct mb2_module *m = &mods[i];
		if (!guest_cfg_is_guest(m->string)) {
			kprintf("module %u ('%s'): not a guest (its string does not start with 'guest'); "
				"ignored\n", i, m->string);
			continue;
		}
		struct guest_cfg cfg;
		if (guest_cfg_parse(m->string, &cfg)) {
			kprintf("module %u ('%s'): bad guest settings; not started\n", i, m->string);
			continue;
		}
		struct guest *g = guest_create(&cfg, phys_to_virt(m->start), m->end - m->start);
		if (!g) {
			kprintf("module %u ('%s'): guest not created\n", i, m->string);
			continue;
		}
		gs[n++] = g;
	}
	return n;
}

void guests_run_all(struct guest **gs, u32 n)
{
	for (u32 i = 0; i < n; i++)
		guest_start(gs[i]);
	for (u32 i = 0; i < n; i++)
		guest_wait(gs[i]);
	for (u32 i = 0; i < n; i++)
		guest_report(gs[i]);
	for (u32 i = 0; i < n; i++)
		exit_stats_print(gs[i]);
}
