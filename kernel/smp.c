/* kernel/smp.c - the other CPUs (smp_init): INIT-SIPI-SIPI through
 * boot/trampoline.asm,
 * one CPU at a time; IPIs, remote function calls through a one-slot
 * mailbox per CPU, the reschedule IPI, and stopping every other CPU with
 * an NMI when one panics.  docs/smp.md tells the story. */
#include "kernel/smp.h"
#include "drivers/acpi.h"
#include "drivers/lapic.h"
#include "drivers/timer.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/layout.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "kernel/trap.h"
#include "mm/kmem.h"
#include "mm/pte.h"
#include "mm/vmm.h"

void (*ap_main_hook)(void);
void (*resched_ipi_hook)(void);

/* Set at the end of smp_init(): from then on APs may enter ap_main_hook
 * and cpu_table/ncpus_online no longer change. */
static volatile bool smp_booted;

/* ---- remote function calls ----
 * The target's percpu holds one request: call_pending moves
 *   FREE -> CLAIMED (a caller owns the slot and writes func/arg)
 *        -> POSTED (no wait: the target frees the slot, then runs fn)
 *        -> POSTED_WAIT -> RUNNING -> DONE (the caller sees DONE, frees it).
 * Taking a POSTED request is a compare-and-swap, so the IPI handler and a
 * CPU polling its own slot while it waits can never both run it. */
enum {
	CALL_FREE = 0,
	CALL_CLAIMED,
	CALL_POSTED,
	CALL_POSTED_WAIT,
	CALL_RUNNING,
	CALL_DONE,
};

static void smp_call_poll(void)
{
	struct percpu *c = this_cpu();
	u32 s = __atomic_load_n(&c->call_pending, __ATOMIC_ACQUIRE);
	if (s != CALL_POSTED && s != CALL_POSTED_WAIT)
		return;
	void (*fn)(void *) = (void (*)(void *))c->call_func;
	void *arg = c->call_arg;
	u32 next = s == CALL_POSTED ? CALL_FREE : CALL_RUNNING;
	if (!__atomic_compare_exchange_n(&c->call_pending, &s, next, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return;
	fn(arg);
	if (next == CALL_RUNNING)
		__atomic_store_n(&c->call_pending, CALL_DONE, __ATOMIC_RELEASE);
}

/* One step of waiting on another CPU's slot.  With interrupts off our own
 * IPI cannot arrive, so requests aimed at us are served from here. */
static void smp_call_spin(u32 cpu, u64 start, bool *warned)
{
	if (!irqs_enabled())
		smp_call_poll();
	cpu_relax();
	if (!*warned && tsc_hz && rdtsc() - start > tsc_hz) {
		*warned = true;
		pr_warn("smp: CPU %u has not taken a remote call from CPU %u for 1 s\n",
			cpu, this_cpu_id());
	}
}

static struct percpu *online_cpu(u32 cpu)
{
	if (cpu >= READ_ONCE(ncpus_online) || cpu >= MAX_CPUS)
		return NULL;
	struct percpu *c = cpu_table[cpu];
	return c && READ_ONCE(c->online) ? c : NULL;
}

int smp_call_on(u32 cpu, void (*fn)(void *), void *arg, bool wait)
{
	struct percpu *t = online_cpu(cpu);
	if (!t || !fn)
		return -EINVAL;
	/* Interrupts off from the check to the IPI: the caller can neither
	 * move to another CPU nor sit preempted on a claimed slot. */
	u64 f = irq_save();
	if (t == this_cpu()) {
		fn(arg);
		irq_restore(f);
		return 0;
	}
	u64 start = rdtsc();
	bool warned = false;
	u32 expect = CALL_FREE;
	while (!__atomic_compare_exchange_n(&t->call_pending, &expect, CALL_CLAIMED, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		expect = CALL_FREE;
		smp_call_spin(cpu, start, &warned);
	}
	t->call_func = (void *)fn;
	t->call_arg = arg;
	__atomic_store_n(&t->call_pending, wait ? CALL_POSTED_WAIT : CALL_POSTED,
			 __ATOMIC_RELEASE);
	ipi_send(cpu, VEC_IPI_CALL);
	irq_restore(f);
	if (wait) {
		while (__atomic_load_n(&t->call_pending, __ATOMIC_ACQUIRE) != CALL_DONE)
			smp_call_spin(cpu, start, &warned);
		__atomic_store_n(&t->call_pending, CALL_FREE, __ATOMIC_RELEASE);
	}
	return 0;
}

void smp_call_each(void (*fn)(void *), void *arg)
{
	u32 me = this_cpu_id();
	for (u32 i = 0; i < READ_ONCE(ncpus_online); i++)
		if (i != me)
			smp_call_on(i, fn, arg, true);
	smp_call_on(me, fn, arg, true);
}

/* ---- IPIs ---- */

void ipi_send(u32 cpu, u8 vector)
{
	struct percpu *c = online_cpu(cpu);
	if (c)
		lapic_send_ipi(c->apic_id, ICR_DM_FIXED | vector);
}

void ipi_send_others(u8 vector)
{
	u32 me = this_cpu_id();
	for (u32 i = 0; i < READ_ONCE(ncpus_online); i++)
		if (i != me)
			ipi_send(i, vector);
}

u32 cpu_id_to_apic(u32 cpu)
{
	if (cpu >= MAX_CPUS || !cpu_table[cpu])
		return ~0u;
	return cpu_table[cpu]->apic_id;
}

static void ipi_call_handler(struct trap_frame *tf)
{
	(void)tf;
	/* EOI first: a request posted while fn runs sends a new IPI, which
	 * must not find this vector still in service and be merged away. */
	lapic_eoi();
	smp_call_poll();
}

static void ipi_resched_handler(struct trap_frame *tf)
{
	(void)tf;
	lapic_eoi();
	this_cpu()->resched_ipis++;
	void (*hook)(void) = READ_ONCE(resched_ipi_hook);
	if (hook)
		hook();
}

/* ---- stopping on a panic ---- */

static volatile u32 cpus_stopped;

static __noreturn void smp_stop_this_cpu(void)
{
	__atomic_fetch_add(&cpus_stopped, 1, __ATOMIC_RELEASE);
	halt_forever();		/* NMIs stay blocked: this NMI never returns */
}

static void ipi_stop_handler(struct trap_frame *tf)
{
	(void)tf;
	lapic_eoi();
	smp_stop_this_cpu();
}

static void nmi_handler(struct trap_frame *tf)
{
	(void)tf;
	if (panicking)
		smp_stop_this_cpu();
	pr_warn("NMI on CPU %u with no panic in progress, ignored\n", this_cpu_id());
}

/* panic_stop_others: an NMI, not a fixed IPI, so that a CPU spinning with
 * interrupts off stops too.  Waits up to 100 ms so the panic report is not
 * interleaved with what the others were printing. */
static void smp_stop_others(void)
{
	struct percpu *me = this_cpu();
	u32 sent = 0;
	for (u32 i = 0; i < READ_ONCE(ncpus_online) && i < MAX_CPUS; i++) {
		struct percpu *c = cpu_table[i];
		if (!c || c == me || !c->online)
			continue;
		if (lapic_send_ipi(c->apic_id, ICR_DM_NMI) == 0)
			sent++;
	}
	if (!sent)
		return;
	u64 t0 = rdtsc(), limit = tsc_hz ? tsc_hz / 10 : (1ULL << 28);
	while (READ_ONCE(cpus_stopped) < sent && rdtsc() - t0 < limit)
		cpu_relax();
	kprintf("panic: %u of %u other CPU(s) stopped\n", READ_ONCE(cpus_stopped), sent);
}

/* ---- IPI vectors ---- */

void smp_ipi_init(void)
{
	trap_register(2, nmi_handler);
	trap_register(VEC_IPI_CALL, ipi_call_handler);
	trap_register(VEC_IPI_RESCHED, ipi_resched_handler);
	trap_register(VEC_IPI_STOP, ipi_stop_handler);
	if (lapic_present())
		panic_stop_others = smp_stop_others;
}

/* ---- AP start-up ---- */

extern const char trampoline_start[], trampoline_end[];
extern const char tramp_cr0[], tramp_cr3[], tramp_cr4[], tramp_efer[];
extern const char tramp_stack[], tramp_entry[];

/* Four pages below 1 MiB: the code, then the temporary PML4 (a copy of
 * the kernel's with slot 0 added), a PDPT and a PD whose first entry
 * identity-maps the first 2 MiB. */
#define TRAMP_PAGES		4
#define TRAMP_PREFERRED		0x8000ULL
#define LOW_RAM_END		0xa0000ULL	/* where the VGA hole and BIOS areas start */

#define INIT_DELAY_NS		(10 * NSEC_PER_MSEC)
#define SIPI_DELAY_NS		(200 * NSEC_PER_USEC)
/* A real AP answers within microseconds; an emulated one answers when the
 * host first runs its thread, which on a loaded host running several
 * 4-CPU QEMUs took more than 100 ms (an AP left out).  Linux gives an AP
 * 10 s; 2 s costs nothing when every AP answers. */
#define AP_TIMEOUT_NS		(2000 * NSEC_PER_MSEC)

static paddr_t tramp_pa;
static u8 *tramp_va;

void smp_ap_entry(void) __noreturn;	/* entered from the trampoline */

#define TRAMP_FIELD(type, sym) ((volatile type *)(tramp_va + ((sym) - trampoline_start)))

enum { AP_WAITING = 0, AP_ARRIVED, AP_WRONG_CPU };

/* What the AP being started needs in C, written by the boot CPU before
 * the INIT and read by the AP. */
static struct {
	struct percpu *volatile cpu;
	volatile u32 state;
	volatile u32 found_id;
	u64 cr4;
	u64 pat;
} ap_start;

static bool overlaps(u64 b, u64 e, u64 rb, u64 re)
{
	return b < re && rb < e;
}

/* True when every page of [base, base + len) is RAM the memory map calls
 * available and nothing the loader handed over lies there. */
static bool low_pages_usable(u64 base, u64 len)
{
	/* boot_mbi sits in the low boot area, linked at its physical address
	 * and not mapped there any more: read it through the direct map. */
	extern u32 boot_mbi;
	u64 mbi = *(const u32 *)phys_to_virt((paddr_t)&boot_mbi);
	if (overlaps(base, base + len, mbi, mbi + boot_info.total_size))
		return false;
	for (u32 i = 0; i < boot_info.module_count; i++)
		if (overlaps(base, base + len, boot_info.modules[i].start, boot_info.modules[i].end))
			return false;
	for (u64 p = base; p < base + len; p += 4096) {
		bool covered = false;
		for (u32 i = 0; i < boot_info.mmap_count; i++) {
			const struct mb2_mmap_entry *m = &boot_info.mmap[i];
			if (!overlaps(p, p + 4096, m->base, m->base + m->len))
				continue;
			if (m->type != MB2_MMAP_AVAILABLE)
				return false;
			if (m->base <= p && m->base + m->len >= p + 4096)
				covered = true;
		}
		if (!covered)
			return false;
	}
	return true;
}

static int smp_trampoline_prepare(void)
{
	u64 size = (u64)(trampoline_end - trampoline_start);
	u64 len = TRAMP_PAGES * 4096;
	KASSERT(size <= 4096, "the AP trampoline fits one page, found %lu bytes", size);

	tramp_pa = 0;
	if (low_pages_usable(TRAMP_PREFERRED, len))
		tramp_pa = TRAMP_PREFERRED;
	for (u64 p = 0x1000; !tramp_pa && p + len <= LOW_RAM_END; p += 4096)
		if (low_pages_usable(p, len))
			tramp_pa = p;
	if (!tramp_pa) {
		pr_err("smp: no %lu KiB of available RAM below 640 KiB for the AP trampoline\n",
		       len >> 10);
		return -ENOMEM;
	}
	tramp_va = phys_to_virt(tramp_pa);
	memcpy(tramp_va, trampoline_start, size);
	pr_info("smp: AP trampoline at %#lx, its page tables at %#lx..%#lx\n", tramp_pa,
		tramp_pa + 0x1000, tramp_pa + len - 1);

	u64 *pml4 = (u64 *)(tramp_va + 0x1000);
	u64 *pdpt = (u64 *)(tramp_va + 0x2000);
	u64 *pd = (u64 *)(tramp_va + 0x3000);
	memcpy(pml4, phys_to_virt(kernel_cr3), 4096);
	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096);
	KASSERT(!(pml4[0] & PTE_P), "the kernel's PML4 slot 0 is free for the trampoline, found %#lx",
		pml4[0]);
	pml4[0] = (tramp_pa + 0x2000) | PTE_P | PTE_W;
	pdpt[0] = (tramp_pa + 0x3000) | PTE_P | PTE_W;
	pd[0] = 0 | PTE_P | PTE_W | PTE_PS;

	*TRAMP_FIELD(u32, tramp_cr0) = (u32)read_cr0();
	*TRAMP_FIELD(u32, tramp_cr3) = (u32)(tramp_pa + 0x1000);
	*TRAMP_FIELD(u32, tramp_cr4) = (u32)(CR4_PAE | (read_cr4() & CR4_PGE));
	*TRAMP_FIELD(u32, tramp_efer) = (u32)((rdmsr(MSR_EFER) & (EFER_NXE | EFER_SCE)) | EFER_LME);
	*TRAMP_FIELD(u64, tramp_stack) = 0;
	*TRAMP_FIELD(u64, tramp_entry) = (u64)smp_ap_entry;
	ap_start.cr4 = read_cr4();
	ap_start.pat = rdmsr(MSR_PAT);
	return 0;
}

static __noreturn void smp_ap_idle(void)
{
	for (;;) {
		cli();
		void (*hook)(void) = READ_ONCE(ap_main_hook);
		if (hook && smp_booted) {
			hook();
			panic("ap_main_hook returned", "CPU %u: expected it never to return",
			      this_cpu_id());
		}
		sti_hlt();
	}
}

/* The trampoline jumps here on the AP's own stack, interrupts off, on the
 * trampoline's page tables and GDT, GS base 0: nothing may touch per-CPU
 * data (no locks, no printing) until percpu_install(). */
void smp_ap_entry(void)
{
	struct percpu *c = ap_start.cpu;
	write_cr3(kernel_cr3);
	write_cr4(ap_start.cr4);
	wrmsr(MSR_PAT, ap_start.pat);
	lapic_init(false);
	u32 id = lapic_id();
	if (!c || id != c->apic_id) {
		ap_start.found_id = id;
		__atomic_store_n(&ap_start.state, AP_WRONG_CPU, __ATOMIC_RELEASE);
		halt_forever();
	}
	percpu_install(c);
	c->tsc_at_online = rdtsc();
	__atomic_store_n(&ap_start.state, AP_ARRIVED, __ATOMIC_RELEASE);
	smp_ap_idle();
}

static bool ap_wait(u64 ns)
{
	u64 t0 = rdtsc(), cycles = ns_to_tsc(ns);
	while (rdtsc() - t0 < cycles) {
		if (__atomic_load_n(&ap_start.state, __ATOMIC_ACQUIRE) != AP_WAITING)
			return true;
		cpu_relax();
	}
	return __atomic_load_n(&ap_start.state, __ATOMIC_ACQUIRE) != AP_WAITING;
}

/* INIT, SIPI, SIPI (AMD APM vol. 2, "Multiprocessor initialization"; the
 * delays are the ones Intel's MP initialization protocol gives). */
static int smp_start_ap(u32 cpu_id, u32 apic_id)
{
	struct percpu *c = percpu_alloc(cpu_id, apic_id);
	u8 *stack = kmalloc_aligned(KSTACK_SIZE, 16);
	if (!stack)
		panic("out of memory", "a %u-byte stack for CPU %u", KSTACK_SIZE, cpu_id);
	c->boot_stack = stack;

	ap_start.cpu = c;
	ap_start.state = AP_WAITING;
	*TRAMP_FIELD(u64, tramp_stack) = (u64)stack + KSTACK_SIZE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	u32 sipi = ICR_DM_STARTUP | (u32)(tramp_pa >> 12);
	int err = lapic_send_ipi(apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	delay_ns(INIT_DELAY_NS);
	if (!err)
		err = lapic_send_ipi(apic_id, sipi);
	if (!err && !ap_wait(SIPI_DELAY_NS))
		err = lapic_send_ipi(apic_id, sipi);
	bool arrived = !err && ap_wait(AP_TIMEOUT_NS);

	if (arrived && ap_start.state == AP_ARRIVED) {
		WRITE_ONCE(c->online, 1);
		__atomic_store_n(&ncpus_online, cpu_id + 1, __ATOMIC_RELEASE);
		kprintf("cpu %u: apic id %u online\n", cpu_id, apic_id);
		return 0;
	}

	/* Left out.  A stack it never took is withdrawn; INIT puts the CPU
	 * back into wait-for-SIPI so it cannot wake later and run.  Its
	 * per-CPU data and stack are not freed: it may have started on them. */
	__atomic_exchange_n((u64 *)TRAMP_FIELD(u64, tramp_stack), 0, __ATOMIC_SEQ_CST);
	if (err)
		pr_err("cpu %u: apic id %u: the local APIC did not send the start-up IPIs (%d); left out\n",
		       cpu_id, apic_id, err);
	else if (arrived)
		pr_err("cpu %u: apic id %u: the CPU that answered has apic id %u; left out\n",
		       cpu_id, apic_id, ap_start.found_id);
	else
		pr_err("cpu %u: apic id %u did not answer within %lu ms of the second SIPI; left out\n",
		       cpu_id, apic_id, (u64)(AP_TIMEOUT_NS / NSEC_PER_MSEC));
	lapic_send_ipi(apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	if (arrived && ap_start.found_id != apic_id)
		lapic_send_ipi(ap_start.found_id, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	ap_start.cpu = NULL;
	cpu_table[cpu_id] = NULL;
	return err ? err : -ETIMEDOUT;
}

void smp_init(void)
{
	struct percpu *bsp = cpu_table[0];
	u32 limit = kopt.smp ? (u32)MIN(kopt.smp, (u64)MAX_CPUS) : MAX_CPUS;
	u32 held_back = 0, capable = 0, others = 0;

	kprintf("cpu 0: apic id %u online (boot CPU)\n", bsp->apic_id);
	if (!acpi_valid || !lapic_present()) {
		pr_warn("smp: %s: the boot CPU runs alone\n",
			!acpi_valid ? "no usable MADT" : "no local APIC");
		goto done;
	}

	bool bsp_listed = false;
	for (u32 i = 0; i < acpi.ncpus; i++) {
		const struct acpi_cpu *a = &acpi.cpus[i];
		if (a->apic_id == bsp->apic_id)
			bsp_listed = true;
		else if (a->enabled)
			others++;
	}
	if (!bsp_listed)
		pr_warn("smp: the boot CPU's apic id %u is not in the MADT\n", bsp->apic_id);
	if (others && limit > 1 && smp_trampoline_prepare())
		others = 0;

	for (u32 i = 0; i < acpi.ncpus && others; i++) {
		const struct acpi_cpu *a = &acpi.cpus[i];
		if (a->apic_id == bsp->apic_id)
			continue;
		if (!a->enabled) {
			capable++;	/* hot-pluggable, absent at boot */
			continue;
		}
		if (ncpus_online >= limit) {
			held_back++;
			continue;
		}
		if (!lapic_x2apic && a->apic_id >= 0xff) {
			pr_warn("smp: apic id %u needs x2APIC mode, which this CPU lacks; left out\n",
				a->apic_id);
			continue;
		}
		smp_start_ap(ncpus_online, a->apic_id);
	}
	if (tramp_va)
		*TRAMP_FIELD(u64, tramp_stack) = 0;
	if (held_back)
		kprintf("smp: smp=%lu leaves %u more CPU(s) off\n", kopt.smp, held_back);
	if (capable)
		kprintf("smp: %u more CPU(s) are hot-pluggable and not started\n", capable);

done:
	ncpus_possible = ncpus_online;
	kprintf("%u CPUs online\n", ncpus_online);
	smp_booted = true;
	if (READ_ONCE(ap_main_hook))
		ipi_send_others(VEC_IPI_RESCHED);
}
