/* vmm/vm.c - a VM's lifecycle: RAM from the frame allocator mapped through
 * nested page tables (2 MiB pages where possible), the image loaded and
 * the start state built (vmm/loader/), its devices attached (vmm/dev/),
 * one vCPU from the backend and one task per vCPU; then waiting for them,
 * and the report of how each one stopped. */
#include "vmm/vmm.h"
#include "vmm/console.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/ioapic.h"
#include "vmm/loader/mb1.h"
#include "vmm/loader/linux.h"
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
	[STOP_EXIT_PORT] = "exit port", [STOP_RESET] = "reset requested",
	[STOP_POWEROFF] = "powered off",
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

/* Which loader an image needs: a Linux setup header ("HdrS" at 0x202)
 * first, then a multiboot v1 header (kvm-unit-tests are ELF32 files that
 * carry it); without either, the image's own format.  A header that is
 * there but wrong is refused, not read as something else.  The kind, or
 * -EINVAL after a message. */
static int vm_image_kind(struct vm *g, const u8 *image, size_t len, struct mb1_image *mb1,
			 struct linux_image *lx)
{
	char why[LINUX_WHY_LEN];
	int r;

	if (linux_magic(image, len)) {
		if (linux_parse(image, len, g->ram_size, lx, why, sizeof(why))) {
			pr_err("guest %s: Linux image refused: %s\n", g->cfg.name, why);
			return -EINVAL;
		}
		return GUEST_IMAGE_LINUX;
	}
	r = mb1_parse(image, len, g->ram_size, mb1, why, sizeof(why));
	if (r == 0)
		return GUEST_IMAGE_MB1;
	if (r != -ENOENT) {
		pr_err("guest %s: multiboot v1 image refused: %s\n", g->cfg.name, why);
		return -EINVAL;
	}
	return guest_image_kind(image, len, g->ram_size);
}

/* Loads a Linux guest through the 64-bit boot protocol (linux.h): kernel,
 * initrd (the one module attached, if any), command line and zero page,
 * then the protocol's start state.  After the pc devices are attached:
 * the zero page carries the ACPI tables' RSDP. */
static int vm_load_linux(struct vm *g, const u8 *image, size_t len, const struct linux_image *lx,
			 const struct mb1_boot_mod *mods, u32 nmods)
{
	char why[LINUX_WHY_LEN];

	if (nmods > 1) {
		pr_err("guest %s: %u modules attached; a Linux guest takes one, its initrd; not started\n",
		       g->cfg.name, nmods);
		return -EINVAL;
	}
	if (linux_boot_layout(image, len, lx, g->ram, g->ram_size, g->cfg.cmdline,
			      nmods ? mods[0].data : NULL, nmods ? mods[0].len : 0, g->acpi_rsdp,
			      why, sizeof(why))) {
		pr_err("guest %s: Linux image not loaded: %s\n", g->cfg.name, why);
		return -EINVAL;
	}
	vmm_start_state_linux64(lx->load_addr + LINUX_ENTRY64_OFFSET, LINUX_ZERO_PAGE_GPA, g->ram,
				&g->start);
	kprintf("guest %s: Linux boot protocol %u.%02u, kernel at %#lx (init_size %#lx), initrd %zu bytes, "
		"command line '%s'\n", g->cfg.name, lx->version >> 8, lx->version & 0xff, lx->load_addr,
		lx->init_size, nmods ? mods[0].len : 0, g->cfg.cmdline);
	return 0;
}

/* Loads a multiboot v1 guest and starts it as spec 3.2 says: the
 * protected-mode start state (flat segments, paging off, IF = 0) with
 * EAX = the boot loader magic and EBX = the boot information.  The start
 * state's GDT goes in first, so an image that covers it wins (a multiboot
 * kernel may not rely on the GDTR anyway). */
static int vm_load_mb1(struct vm *g, const u8 *image, size_t len, const struct mb1_image *mb1,
		       const struct mb1_boot_mod *mods, u32 nmods)
{
	char why[MB1_WHY_LEN];
	u32 info_gpa;

	vmm_start_state_build(GUEST_MODE_PROT, mb1->entry, g->ram, &g->start);
	if (mb1_boot_layout(image, len, mb1, g->ram, g->ram_size, g->cfg.cmdline, mods, nmods,
			    &info_gpa, why, sizeof(why))) {
		pr_err("guest %s: multiboot v1 image not loaded: %s\n", g->cfg.name, why);
		return -EINVAL;
	}
	g->start.rax = MB1_BOOTLOADER_MAGIC;
	g->start.rbx = info_gpa;
	return 0;
}

struct vm *vm_create(const struct guest_cfg *cfg, const u8 *image, size_t len)
{
	return vm_create_with_modules(cfg, image, len, NULL, 0);
}

struct vm *vm_create_with_modules(const struct guest_cfg *cfg, const u8 *image, size_t len,
				  const struct mb1_boot_mod *mods, u32 nmods)
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
	pvclock_vm_init(g);

	struct mb1_image mb1;
	struct linux_image lx;
	int kind = vm_image_kind(g, image, len, &mb1, &lx);
	if (kind < 0 || guest_cfg_set_mode(&g->cfg, (enum guest_image_kind)kind)) {
		pr_err("guest %s: image refused (see above)\n", g->cfg.name);
		goto fail;
	}
	g->image_kind = guest_image_kind_name((enum guest_image_kind)kind);
	/* Modules are a multiboot v1 notion (and Linux's initrd): another
	 * image has no way to find them, so handing it some is a mistake in
	 * the boot script. */
	bool takes_mods = kind == GUEST_IMAGE_MB1 || kind == GUEST_IMAGE_LINUX;
	if (nmods && !takes_mods) {
		pr_err("guest %s: %u module(s) attached, but its image is %s, not multiboot v1 or Linux; "
		       "not started\n", g->cfg.name, nmods, g->image_kind);
		goto fail;
	}
	if (g->cfg.cmdline[0] && !takes_mods)
		kprintf("guest %s: command line '%s' ignored: only multiboot v1 and Linux images get one\n",
			g->cfg.name, g->cfg.cmdline);
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

	if (kind == GUEST_IMAGE_MB1) {
		if (vm_load_mb1(g, image, len, &mb1, mods, nmods))
			goto fail;
	} else if (kind == GUEST_IMAGE_LINUX) {
		/* After the pc devices: see vm_load_linux. */
	} else {
		u64 entry;
		int r = kind == GUEST_IMAGE_FLAT ? guest_flat_load(image, len, g->ram, g->ram_size, &entry)
						 : guest_elf_load(image, len, g->ram, g->ram_size, &entry);
		if (r) {
			pr_err("guest %s: could not load its image\n", g->cfg.name);
			goto fail;
		}
		vmm_start_state_build(g->cfg.mode, entry, g->ram, &g->start);
	}
	g->nvcpus = cfg->vcpus ? cfg->vcpus : 1;	/* the devices size themselves by it */
	if (uart16550_attach(g, UART_COM1_BASE, UART_COM1_IRQ) || testdev_attach(g, TESTDEV_GPA)) {
		pr_err("guest %s: attaching its devices failed\n", g->cfg.name);
		goto fail;
	}
	if (pc_platform_attach(g))
		goto fail;
	if (kind == GUEST_IMAGE_LINUX && vm_load_linux(g, image, len, &lx, mods, nmods))
		goto fail;

	if (npt_init(&g->npt, &guest_npt_ops) ||
	    npt_map(&g->npt, 0, g->ram_pa, g->ram_size, NPT_W)) {
		pr_err("guest %s: building its nested page tables failed\n", g->cfg.name);
		goto fail;
	}

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
	vm_console_attach(g);
	g->start_tsc = rdtsc();
	if (g->cfg.timeout_ms)
		g->deadline_tsc = g->start_tsc + ns_to_tsc(g->cfg.timeout_ms * 1000000ULL);
	kprintf("guest %s: starting: %s, %s mode, %s platform, %lu MiB at %#lx, %u vCPU(s)%s%s\n",
		g->cfg.name, g->image_kind, guest_mode_name(g->cfg.mode),
		guest_platform_name(g->cfg.platform), g->ram_size >> 20, g->ram_pa, g->nvcpus,
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
	vm_console_detach(g);	/* no more input for it, before its devices go */
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
		/* HC_EXIT and the exit port (kvm-unit-tests' way) alike. */
		return (g->stop == STOP_HYPERCALL || g->stop == STOP_EXIT_PORT) &&
		       g->exit_status == g->cfg.expect_status;
	case GUEST_EXPECT_SHUTDOWN:
		return g->stop == STOP_SHUTDOWN;
	case GUEST_EXPECT_NPF:
		return g->stop == STOP_NPF;
	case GUEST_EXPECT_TIMEOUT:
		return g->stop == STOP_TIMEOUT;
	case GUEST_EXPECT_INVALID:
		return g->stop == STOP_INVALID;
	case GUEST_EXPECT_RESET:
		return g->stop == STOP_RESET;
	case GUEST_EXPECT_POWEROFF:
		return g->stop == STOP_POWEROFF;
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
	if (g->stop_tsc > g->start_tsc) {
		u64 ms = tsc_to_ns(g->stop_tsc - g->start_tsc) / 1000000;
		kprintf("guest %s: ran %lu.%03lu s from its start to its stop\n", g->cfg.name,
			ms / 1000, ms % 1000);
	}
	if (g->cfg.expect != GUEST_EXPECT_NONE)
		kprintf("guest %s: expected %s%s: %s\n", g->cfg.name, guest_expect_name(g->cfg.expect),
			g->cfg.expect == GUEST_EXPECT_EXIT ? " with status" : "",
			vm_met_expectation(g) ? "as expected" : "NOT as expected");
	if (g->stop == STOP_TIMEOUT && g->cfg.expect != GUEST_EXPECT_TIMEOUT)
		vm_dump_state(g);
}

void vm_dump_state(struct vm *g)
{
	static const char *const mp[] = { "runnable", "wait-for-SIPI" };
	kprintf("guest %s: state at its stop (%s):\n", g->cfg.name, vm_stop_name(g->stop));
	for (u32 i = 0; i < g->nvcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		const struct vcpu_irq *q = &v->irq;
		kprintf("vcpu %s/%u: %s%s, next %d, posted %s (events %#x), todo %#x, NMI %s%s, "
			"%lu exits; %lu NMIs, %lu single steps, %lu CR8 exits, %lu kicks saved\n",
			g->cfg.name, i, q->mp_state < 2 ? mp[q->mp_state] : "?",
			v->halted ? ", halted" : "", q->next, q->posted_any ? "yes" : "no",
			q->posted_events, q->todo, q->nmi_pending ? "pending" : "none",
			q->nmi_masked ? " (masked)" : "", v->exits, q->nmis, v->ev.steps,
			v->ev.cr8_exits, q->kicks_saved);
		if (vmm_backend->vcpu_dump)
			vmm_backend->vcpu_dump(v);
	}
	for (u32 i = 0; i < g->ndevs; i++)
		if (g->devs[i]->ops->dump)
			g->devs[i]->ops->dump(g->devs[i]);
}

/* The modules "attach for=NAME" hands to guest NAME, in boot order. */
struct vm_attach {
	char for_name[GUEST_NAME_SIZE];
	struct mb1_boot_mod mod;
	u32 index;		/* of the boot module */
	bool claimed;		/* a guest module with that name= was seen */
};

/* Collects the attach modules; a malformed one is reported and left out. */
static u32 vm_collect_attaches(const struct mb2_module *mods, u32 nmods, struct vm_attach *at)
{
	u32 n = 0;
	for (u32 i = 0; i < nmods; i++) {
		const struct mb2_module *m = &mods[i];
		struct vm_attach *a = &at[n];
		const char *rest;
		if (!guest_cfg_is_attach(m->string))
			continue;
		if (guest_attach_parse(m->string, a->for_name, &rest)) {
			kprintf("module %u ('%s'): bad attach settings; ignored\n", i, m->string);
			continue;
		}
		a->mod = (struct mb1_boot_mod){ phys_to_virt(m->start), m->end - m->start, rest };
		a->index = i;
		a->claimed = false;
		n++;
	}
	return n;
}

u32 vms_create_from_modules(const struct mb2_module *mods, u32 nmods, struct vm **gs, u32 max)
{
	struct vm_attach *attaches = kzalloc(sizeof(*attaches) * MB2_MAX_MODULES);
	if (!attaches) {
		kprintf("guests: no memory to sort out the boot modules; none started\n");
		return 0;
	}
	u32 nattach = vm_collect_attaches(mods, MIN(nmods, (u32)MB2_MAX_MODULES), attaches);
	u32 n = 0;
	for (u32 i = 0; i < nmods && n < max; i++) {
		const struct mb2_module *m = &mods[i];
		if (guest_cfg_is_attach(m->string))
			continue;
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
		/* Its modules, in the order they were loaded. */
		struct mb1_boot_mod gm[MB1_BOOT_MAX_MODS];
		u32 ngm = 0;
		bool too_many = false;
		for (u32 j = 0; j < nattach; j++) {
			if (!cfg.name[0] || strcmp(attaches[j].for_name, cfg.name) != 0)
				continue;
			attaches[j].claimed = true;
			if (ngm == MB1_BOOT_MAX_MODS)
				too_many = true;
			else
				gm[ngm++] = attaches[j].mod;
		}
		if (too_many) {
			kprintf("module %u ('%s'): more than %u modules attached; not started\n", i,
				m->string, MB1_BOOT_MAX_MODS);
			continue;
		}
		struct vm *g = vm_create_with_modules(&cfg, phys_to_virt(m->start), m->end - m->start,
						      gm, ngm);
		if (!g) {
			kprintf("module %u ('%s'): guest not created\n", i, m->string);
			continue;
		}
		gs[n++] = g;
	}
	for (u32 j = 0; j < nattach; j++)
		if (!attaches[j].claimed)
			kprintf("module %u: attach for=%s: no guest module has name=%s; module ignored\n",
				attaches[j].index, attaches[j].for_name, attaches[j].for_name);
	kfree(attaches);
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
