/* vmm/vm.c - a VM's lifecycle: RAM from the frame allocator mapped through
 * nested page tables (2 MiB pages where possible), the image loaded and
 * the start state built (vmm/loader/), its devices attached (vmm/dev/),
 * one vCPU from the backend and one task per vCPU; then waiting for them,
 * and the report of how each one stopped. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/ioapic.h"
#include "hw/uart16550.h"
#include "kernel/cpu.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"
#include "drivers/timer.h"

const struct vmm_backend_ops *vmm_backend;

void vmm_set_backend(const struct vmm_backend_ops *ops)
{
	vmm_backend = ops;
}

static u32 next_guest_id;

static const char *const stop_names[] = {
	[STOP_NONE] = "running", [STOP_HYPERCALL] = "exit hypercall", [STOP_TIMEOUT] = "timeout",
	[STOP_SHUTDOWN] = "shutdown (triple fault)", [STOP_NPF] = "access outside its RAM",
	[STOP_INVALID] = "invalid guest state", [STOP_UNHANDLED] = "unhandled exit",
	[STOP_ERROR] = "emulation error", [STOP_HOST] = "stopped by the host",
};

const char *vm_stop_name(u32 r)
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

struct vm *vm_create(const struct guest_cfg *cfg, const u8 *image, size_t len)
{
	if (!vmm_backend)
		return NULL;
	struct vm *g = kzalloc(sizeof(*g));
	if (!g)
		return NULL;
	g->cfg = *cfg;
	g->id = __atomic_fetch_add(&next_guest_id, 1, __ATOMIC_RELAXED);
	spin_lock_init(&g->lock, "vm");
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
	vmm_start_state_build(g->cfg.mode, entry, g->ram, &g->start);
	if (uart16550_attach(g, UART_COM1_BASE) || testdev_attach(g, TESTDEV_GPA)) {
		pr_err("guest %s: attaching its devices failed\n", g->cfg.name);
		goto fail;
	}

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
	bool pc = g->cfg.platform == GUEST_PLATFORM_PC;
	if (pc && (vm_lapic_attach(g) || vm_ioapic_attach(g))) {
		pr_err("guest %s: attaching its APICs failed\n", g->cfg.name);
		goto fail;
	}
	for (u32 i = 0; i < g->nvcpus; i++) {
		g->vcpus[i] = vmm_backend->vcpu_create(g, i);
		if (!g->vcpus[i])
			goto fail;
		if (pc) {
			if (vcpu_lapic_create(g->vcpus[i]))
				goto fail;
			/* A PC starts its first CPU; the others wait for INIT
			 * and SIPI from it (MP spec, ACPI MADT). */
			if (i > 0)
				g->vcpus[i]->irq.mp_state = VCPU_MP_WAIT_SIPI;
		}
	}
	return g;
fail:
	vm_destroy(g);
	return NULL;
}

struct vm *vm_create_from_string(const char *settings, const u8 *image, size_t len)
{
	struct guest_cfg cfg;
	if (guest_cfg_parse(settings, &cfg))
		return NULL;
	return vm_create(&cfg, image, len);
}

int vm_start(struct vm *g)
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
			vm_request_stop(g, STOP_ERROR, "could not create the task of vCPU %u", i);
			break;
		}
	}
	u64 f = spin_lock_irqsave(&g->lock);
	g->go = true;
	spin_unlock_irqrestore(&g->lock, f);
	wq_wake_all(&g->start_wq);
	return g->stop == STOP_ERROR ? -ENOMEM : 0;
}

void vm_wait(struct vm *g)
{
	for (u32 i = 0; i < g->nvcpus; i++)
		if (g->tasks && g->tasks[i]) {
			task_join(g->tasks[i]);
			g->tasks[i] = NULL;
		}
	vm_console_flush(g);
}

void vm_destroy(struct vm *g)
{
	if (!g)
		return;
	if (g->vcpus)
		for (u32 i = 0; i < g->nvcpus; i++)
			if (g->vcpus[i]) {
				vcpu_lapic_free(g->vcpus[i]);
				vmm_backend->vcpu_free(g->vcpus[i]);
			}
	for (u32 i = 0; i < g->ndevs; i++)
		g->devs[i]->ops->teardown(g->devs[i]);
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
bool vm_met_expectation(const struct vm *g)
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

void vm_report(struct vm *g)
{
	u64 exits = 0;
	for (u32 i = 0; i < g->nvcpus; i++)
		exits += g->vcpus[i]->exits;
	kprintf("guest %s: stopped: %s (%s); %lu exits; %u passed, %u failed, %u skipped in-guest checks; "
		"%lu port writes dropped\n", g->cfg.name, vm_stop_name(g->stop), g->stop_detail, exits,
		g->results_pass, g->results_fail, g->results_skip, g->io_dropped);
	if (g->cfg.expect != GUEST_EXPECT_NONE)
		kprintf("guest %s: expected %s%s: %s\n", g->cfg.name, guest_expect_name(g->cfg.expect),
			g->cfg.expect == GUEST_EXPECT_EXIT ? " with status" : "",
			vm_met_expectation(g) ? "as expected" : "NOT as expected");
}

u32 vms_create_from_modules(const struct mb2_module *mods, u32 nmods, struct vm **gs, u32 max)
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
		struct vm *g = vm_create(&cfg, phys_to_virt(m->start), m->end - m->start);
		if (!g) {
			kprintf("module %u ('%s'): guest not created\n", i, m->string);
			continue;
		}
		gs[n++] = g;
	}
	return n;
}

void vms_run_all(struct vm **gs, u32 n)
{
	for (u32 i = 0; i < n; i++)
		vm_start(gs[i]);
	for (u32 i = 0; i < n; i++)
		vm_wait(gs[i]);
	for (u32 i = 0; i < n; i++)
		vm_report(gs[i]);
	for (u32 i = 0; i < n; i++)
		vm_exit_stats_print(gs[i]);
}
